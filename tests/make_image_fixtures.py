"""Writes the image files of tests/fixtures/images/ that TensorFlow's own encoders cannot make:
PNG variants (every colour type and bit depth, palettes with tRNS, Adam7 interlacing, all five
row filters) written here with the standard library, and JPEG variants (4:2:2, 4:4:4,
restart markers, progressive, optimized Huffman tables, odd sizes) written by Pillow. Run once
in a throwaway venv with Pillow (tests never import it):

    python tests/make_image_fixtures.py

tests/record_tf_image_codecs.py then records what TensorFlow decodes from each file."""

import os
import struct
import zlib

import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "images")


def pattern(h, w, c, seed=0, maxval=255):
    """A smooth gradient with noise: non-trivial for every codec, small when compressed."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 7 + y * 3 + 40 * k) % 256 for k in range(c)], -1).astype(np.float64)
    base = base + rng.randint(-20, 21, size=base.shape)
    return np.clip(base / 255 * maxval, 0, maxval).astype(np.int64)


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _filtered(rows, bpp):
    """Each row filtered with filter (row number mod 5): all five filters appear."""
    out, prev = [], bytes(len(rows[0])) if rows else b""
    for i, row in enumerate(rows):
        f = i % 5
        res = bytearray(len(row))
        for j, x in enumerate(row):
            a = row[j - bpp] if j >= bpp else 0
            b = prev[j]
            c = prev[j - bpp] if j >= bpp else 0
            pred = (0, a, b, (a + b) // 2, _paeth(a, b, c))[f]
            res[j] = (x - pred) & 255
        out.append(bytes([f]) + bytes(res))
        prev = row
    return b"".join(out)


def _pack(samples, depth):
    """One row of samples (ints) as bytes at `depth` bits each."""
    if depth == 16:
        return b"".join(struct.pack(">H", int(s)) for s in samples)
    if depth == 8:
        return bytes(int(s) for s in samples)
    per = 8 // depth
    out = bytearray((len(samples) + per - 1) // per)
    for i, s in enumerate(samples):
        out[i // per] |= int(s) << (8 - depth * (i % per + 1))
    return bytes(out)


ADAM7 = ((0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2),
         (1, 0, 2, 1))  # (row start, column start, row step, column step)


def png(samples, color_type, depth, interlace=False, palette=None, trns=None, level=9):
    """PNG bytes of `samples` [h, w, c] (palette indices for colour type 3)."""
    h, w, c = samples.shape
    bpp = max(1, c * depth // 8)
    passes = ADAM7 if interlace else ((0, 0, 1, 1),)
    raw = b""
    for r0, c0, rs, cs in passes:
        sub = samples[r0::rs, c0::cs]
        if sub.size:
            raw += _filtered([_pack(row.reshape(-1), depth) for row in sub], bpp)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth,
                                                              color_type, 0, 0, int(interlace)))
    if palette is not None:
        data += _chunk(b"PLTE", bytes(np.asarray(palette, np.uint8).reshape(-1).tolist()))
    if trns is not None:
        data += _chunk(b"tRNS", trns)
    return data + _chunk(b"IDAT", zlib.compress(raw, level)) + _chunk(b"IEND", b"")


def png_variants():
    files = {}
    h, w = 13, 11
    for depth in (1, 2, 4, 8, 16):
        g = pattern(h, w, 1, depth, (1 << depth) - 1)
        files["gray%d.png" % depth] = png(g, 0, depth)
        files["gray%d_adam7.png" % depth] = png(g, 0, depth, interlace=True)
    g8 = pattern(h, w, 1, 3)
    files["gray8_trns.png"] = png(g8, 0, 8, trns=struct.pack(">H", int(g8[0, 0, 0])))
    g4 = pattern(h, w, 1, 4, 15)
    files["gray4_trns.png"] = png(g4, 0, 4, trns=struct.pack(">H", int(g4[1, 1, 0])))
    for depth in (8, 16):
        m = (1 << depth) - 1
        files["rgb%d.png" % depth] = png(pattern(h, w, 3, 5, m), 2, depth)
        files["rgb%d_adam7.png" % depth] = png(pattern(h, w, 3, 6, m), 2, depth, True)
        files["graya%d.png" % depth] = png(pattern(h, w, 2, 7, m), 4, depth)
        files["rgba%d.png" % depth] = png(pattern(h, w, 4, 8, m), 6, depth)
        files["rgba%d_adam7.png" % depth] = png(pattern(h, w, 4, 9, m), 6, depth, True)
    rgb = pattern(h, w, 3, 10)
    files["rgb8_trns.png"] = png(rgb, 2, 8, trns=struct.pack(">HHH", *rgb[2, 3].tolist()))
    rng = np.random.RandomState(11)
    for depth in (1, 2, 4, 8):
        n = 1 << depth
        pal = rng.randint(0, 256, size=(n, 3))
        idx = pattern(h, w, 1, 12 + depth, n - 1)
        files["palette%d.png" % depth] = png(idx, 3, depth, palette=pal)
        alpha = bytes(rng.randint(0, 256, size=max(1, n // 2)).tolist())
        files["palette%d_trns.png" % depth] = png(idx, 3, depth, palette=pal, trns=alpha)
    files["palette8_trns_adam7.png"] = png(pattern(h, w, 1, 20), 3, 8, True,
                                           palette=rng.randint(0, 256, size=(256, 3)),
                                           trns=bytes(range(0, 256, 3)))
    files["tiny1x1_adam7.png"] = png(pattern(1, 1, 3, 21), 2, 8, True)
    files["wide3x2_adam7.png"] = png(pattern(2, 3, 1, 22), 0, 8, True)
    return files


def jpeg_variants():
    from PIL import Image
    files = {}
    rgb = pattern(29, 37, 3, 30).astype(np.uint8)
    img = Image.fromarray(rgb)
    opts = {
        "pil_420.jpg": dict(quality=85, subsampling=2),
        "pil_422.jpg": dict(quality=85, subsampling=1),
        "pil_444.jpg": dict(quality=90, subsampling=0),
        "pil_420_restart.jpg": dict(quality=80, subsampling=2, restart_marker_blocks=3),
        "pil_444_restart.jpg": dict(quality=80, subsampling=0, restart_marker_rows=1),
        "pil_420_optimize.jpg": dict(quality=75, subsampling=2, optimize=True),
        "pil_420_progressive.jpg": dict(quality=85, subsampling=2, progressive=True),
        "pil_444_progressive.jpg": dict(quality=95, subsampling=0, progressive=True),
        "pil_q100_444.jpg": dict(quality=100, subsampling=0),
    }
    for name, kw in opts.items():
        import io
        buf = io.BytesIO()
        img.save(buf, "JPEG", **kw)
        files[name] = buf.getvalue()
    import io
    for name, im, kw in (
            ("pil_gray.jpg", Image.fromarray(rgb[..., 0]), dict(quality=85)),
            ("pil_gray_progressive.jpg", Image.fromarray(rgb[..., 1]),
             dict(quality=85, progressive=True)),
            ("pil_420_big.jpg", Image.fromarray(pattern(70, 90, 3, 31).astype(np.uint8)),
             dict(quality=70, subsampling=2)),
            ("pil_422_odd.jpg", Image.fromarray(pattern(17, 21, 3, 32).astype(np.uint8)),
             dict(quality=70, subsampling=1))):
        buf = io.BytesIO()
        im.save(buf, "JPEG", **kw)
        files[name] = buf.getvalue()
    return files


def gif_bmp_variants():
    import io
    from PIL import Image
    files = {}
    rgb = pattern(13, 11, 3, 33).astype(np.uint8)
    rgba = pattern(13, 11, 4, 34).astype(np.uint8)
    for name, im in (("rgb24.bmp", Image.fromarray(rgb)), ("rgba32.bmp", Image.fromarray(rgba)),
                     ("pal8.bmp", Image.fromarray(rgb).quantize(16)),
                     ("gray8.bmp", Image.fromarray(rgb[..., 0]))):
        buf = io.BytesIO()
        im.save(buf, "BMP")
        files[name] = buf.getvalue()
    frames = [Image.fromarray(pattern(12, 10, 3, 35 + k).astype(np.uint8)).quantize(32)
              for k in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF")
    files["one.gif"] = buf.getvalue()
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    files["anim3.gif"] = buf.getvalue()
    # frames smaller than the screen, transparency and disposal methods
    small = [Image.fromarray(pattern(12, 10, 3, 40).astype(np.uint8)).quantize(8)]
    for k in range(3):
        im = Image.fromarray(pattern(12, 10, 3, 41 + k).astype(np.uint8))
        arr = np.asarray(im).copy()
        arr[: 3 + 2 * k, : 4 + k] = 0  # changing only part of the frame lets Pillow crop it
        small.append(Image.fromarray(arr).quantize(8))
    buf = io.BytesIO()
    small[0].save(buf, "GIF", save_all=True, append_images=small[1:], duration=40,
                  disposal=[0, 1, 2, 1], transparency=0, optimize=False)
    files["anim_disposal.gif"] = buf.getvalue()
    return files


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    for name, data in {**png_variants(), **jpeg_variants(), **gif_bmp_variants()}.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
