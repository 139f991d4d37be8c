"""PNG decoding (every colour type and bit depth, palettes and tRNS, Adam7 interlacing, the
five row filters) to the arrays TensorFlow's DecodePng gives for each `channels` and dtype, with
libpng's conversions as TF configures them; and PNG encoding (TF's EncodePng)."""

import struct
import zlib

import numpy as np

from minitf.lib.image import DecodeError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ADAM7 = ((0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2),
          (1, 0, 2, 1))  # (first row, first column, row step, column step) of each pass
_SOURCE_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}


def is_png(data):
    return data[:8] == SIGNATURE


class Header:
    """What IHDR, PLTE and tRNS say, and the concatenated IDAT data. Damage before the first
    IDAT fails as libpng's png_read_info does for TF ("Failed to initialize decoder"), damage
    in or after it as reading the rows does ("Invalid PNG data")."""

    def __init__(self, data):
        self.size = len(data)
        pos, self.palette, self.trns, idat = 8, None, None, []
        self.width = None
        while True:
            bad = self.data_error() if idat else DecodeError(
                "Invalid PNG. Failed to initialize decoder.")
            if pos + 8 > len(data):
                raise bad
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            if kind == b"IDAT":  # png_read_info stops here: the rest is reading the rows
                bad = self.data_error()
            body = data[pos + 8:pos + 8 + length]
            crc = data[pos + 8 + length:pos + 12 + length]
            if len(body) < length or len(crc) < 4 or not kind.isalpha():
                if kind != b"IDAT" and idat:
                    break  # the image data is complete: what follows is not read
                raise bad
            critical = not (kind[0] & 0x20)
            if critical and struct.unpack(">I", crc)[0] != zlib.crc32(kind + body) & 0xFFFFFFFF:
                raise bad
            pos += 12 + length
            if kind == b"IHDR":
                (self.width, self.height, self.depth, self.color_type, compression, filters,
                 self.interlace) = struct.unpack(">IIBBBBB", body)
                if (self.width == 0 or self.height == 0
                        or self.color_type not in _DEPTHS
                        or self.depth not in _DEPTHS[self.color_type]
                        or compression or filters or self.interlace > 1):
                    raise bad
            elif self.width is None:
                raise bad
            elif kind == b"PLTE":
                self.palette = np.frombuffer(body, np.uint8)[:len(body) // 3 * 3].reshape(-1, 3)
            elif kind == b"tRNS":
                self.trns = body
            elif kind == b"IDAT":
                idat.append(body)
            elif kind == b"IEND":
                break
            elif critical:
                raise bad
        if not idat or (self.color_type == 3 and self.palette is None):
            raise DecodeError("Invalid PNG. Failed to initialize decoder.")
        self.source_channels = _SOURCE_CHANNELS[self.color_type]
        self.idat = b"".join(idat)

    def data_error(self):
        return DecodeError("Invalid PNG data, size %d" % self.size)


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def _unfilter(raw, rows, stride, bpp):
    """The filtered bytes of one (sub-)image [rows, 1 + stride] unfiltered to [rows, stride].
    Rows filtered with None, Sub or Up are undone a row at a time (Sub by a cumulative sum per
    byte lane); Average and Paeth need each row's left and upper neighbours, so when they
    appear the whole image is undone one anti-diagonal of pixels at a time."""
    kinds = raw[:, 0]
    if kinds.max(initial=0) > 4:
        return None
    data = raw[:, 1:]
    if not kinds.any():
        return data.copy()
    if kinds.max() <= 2:
        out = np.empty_like(data)
        prev = np.zeros(stride, np.uint8)
        pad = (-stride) % bpp
        for i in range(rows):
            row = data[i]
            if kinds[i] == 1:
                lanes = np.concatenate([row, np.zeros(pad, np.uint8)]).reshape(-1, bpp)
                row = np.cumsum(lanes, axis=0, dtype=np.uint8).reshape(-1)[:stride]
            elif kinds[i] == 2:
                row = row + prev
            out[i] = prev = row
        return out
    width = -(-stride // bpp)
    r = np.zeros((rows, width * bpp), np.int16)
    r[:, :stride] = data
    r = r.reshape(rows, width, bpp)
    x = np.zeros((rows + 1, width + 1, bpp), np.int16)  # row 0 and column 0: the zero border
    kinds = kinds.astype(np.int16)
    for d in range(rows + width - 1):
        i = np.arange(max(0, d - width + 1), min(rows, d + 1))
        j = d - i
        a, b, c = x[i + 1, j], x[i, j + 1], x[i, j]
        k = kinds[i][:, None]
        pred = np.where(k == 1, a, np.where(k == 2, b, np.where(k == 3, (a + b) >> 1,
                                                                np.where(k == 4, _paeth(a, b, c),
                                                                         0))))
        x[i + 1, j + 1] = (r[i, j] + pred) & 255
    return x[1:, 1:].reshape(rows, -1)[:, :stride].astype(np.uint8)


def _samples(rows, width, channels, depth):
    """Unfiltered rows [h, stride] as samples [h, width, channels] (ints, big-endian 16-bit)."""
    h = rows.shape[0]
    n = width * channels
    if depth == 16:
        return (rows[:, :2 * n].astype(np.uint16).reshape(h, n, 2)
                @ np.array([256, 1], np.uint16)).reshape(h, width, channels)
    if depth == 8:
        return rows[:, :n].reshape(h, width, channels)
    shifts = np.arange(8 - depth, -1, -depth, dtype=np.uint8)
    out = (rows[:, :, None] >> shifts) & ((1 << depth) - 1)
    return out.reshape(h, -1)[:, :n].reshape(h, width, channels)


def raw_samples(header):
    """The image's samples as stored [height, width, source channels] (palette indices for
    colour type 3), uint8, or uint16 for 16-bit files."""
    try:
        flat = np.frombuffer(zlib.decompress(header.idat), np.uint8)
    except zlib.error:
        flat = None
    h, w, c, depth = header.height, header.width, header.source_channels, header.depth
    bpp = max(1, c * depth // 8)
    out = np.zeros((h, w, c), np.uint16 if depth == 16 else np.uint8)
    passes = _ADAM7 if header.interlace else ((0, 0, 1, 1),)
    pos = 0
    for r0, c0, rs, cs in passes:
        ph, pw = len(range(r0, h, rs)), len(range(c0, w, cs))
        if not ph or not pw:
            continue
        stride = (pw * c * depth + 7) // 8
        size = ph * (stride + 1)
        if flat is None or pos + size > len(flat):
            raise header.data_error()
        rows = _unfilter(flat[pos:pos + size].reshape(ph, stride + 1), ph, stride, bpp)
        if rows is None:  # an unknown row filter
            raise header.data_error()
        pos += size
        out[r0::rs, c0::cs] = _samples(rows, pw, c, depth)
    return out


def _scale_to_8(samples, depth):
    return samples * np.uint8(255 // ((1 << depth) - 1)) if depth < 8 else samples


def decode(data, channels=0, dtype=np.uint8):
    """The image [height, width, channels] as TensorFlow's DecodePng gives it: `channels` 0
    keeps the file's (a palette gives 3, or 4 with tRNS), otherwise converted as libpng
    converts for TF (alpha from tRNS, added as opaque, or stripped; RGB to gray with libpng's
    fixed-point weights; 16-bit samples cut to their high byte for uint8, 8-bit ones widened
    by 257 for uint16)."""
    hd = Header(data)
    s = raw_samples(hd)
    ct, depth = hd.color_type, hd.depth
    if channels == 0:
        channels = (4 if hd.trns is not None else 3) if ct == 3 else hd.source_channels
    want_alpha = channels % 2 == 0
    has_alpha = ct in (4, 6)
    wide = depth == 16
    alpha = None
    if ct == 3:
        pal = hd.palette
        idx = s[..., 0].astype(np.intp)
        if idx.max(initial=0) >= len(pal):
            pal = np.concatenate([pal, np.zeros((256 - len(pal), 3), np.uint8)])
        color = pal[idx]
        if want_alpha and hd.trns is not None:
            table = np.full(256, 255, np.uint8)
            table[:len(hd.trns)] = np.frombuffer(hd.trns[:256], np.uint8)
            alpha = table[idx]
    else:
        color = s[..., :hd.source_channels - has_alpha]
        if has_alpha:
            alpha = s[..., -1] if want_alpha else None
        elif want_alpha and hd.trns is not None:
            key = np.frombuffer(hd.trns[:2 * color.shape[-1]], ">u2").astype(np.int64)
            if len(key) == color.shape[-1]:
                top = 65535 if wide else 255
                alpha = np.where((color == key).all(-1), 0, top).astype(color.dtype)
        if ct == 0:
            color = _scale_to_8(color, depth)
    if want_alpha and alpha is None:  # TF asks libpng for filler (1 << bit depth) - 1
        alpha = np.full(color.shape[:2], (1 << depth) - 1, color.dtype)
    if channels < 3 and color.shape[-1] == 3:
        color = _rgb_to_gray(color, wide)
    elif channels >= 3 and color.shape[-1] == 1:
        color = np.repeat(color, 3, axis=-1)
    out = np.concatenate([color, alpha[..., None]], -1) if want_alpha else color
    if dtype == np.uint16:
        return out.astype(np.uint16) if wide else out.astype(np.uint16) * np.uint16(257)
    return (out >> 8).astype(np.uint8) if wide else out.astype(np.uint8)


def _rgb_to_gray(rgb, wide):
    """libpng's png_do_rgb_to_gray with TF's weights (0.299, 0.587) as 15-bit fixed point:
    8-bit results truncate, 16-bit ones round; gray pixels pass unchanged."""
    r, g, b = (rgb[..., k].astype(np.int64) for k in range(3))
    rc, gc = 29900 * 32768 // 100000, 58700 * 32768 // 100000
    mix = rc * r + gc * g + (32768 - rc - gc) * b
    mix = (mix + 16384) >> 15 if wide else mix >> 15
    same = (r == g) & (r == b)
    return np.where(same, r, mix).astype(rgb.dtype)[..., None]


def _chunk(kind, body):
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


def encode(image, compression=-1):
    """PNG bytes of `image` [height, width, channels] (1 to 4 channels; uint8, or uint16 for
    16-bit samples): filter None on every row, zlib at `compression` (-1: zlib's default)."""
    height, width, channels = image.shape
    wide = image.dtype == np.uint16
    rows = image.reshape(height, width * channels)
    if wide:
        rows = rows.astype(">u2").view(np.uint8)
    raw = np.zeros((height, 1 + rows.shape[1]), np.uint8)
    raw[:, 1:] = rows
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    return (SIGNATURE
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16 if wide else 8,
                                          color_type, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(raw.tobytes(), compression))
            + _chunk(b"IEND", b""))
