"""Baseline JPEG encoding as TensorFlow's EncodeJpeg does it with libjpeg-turbo's defaults:
JFIF header, the JPEG standard's (Annex K) quantisation tables scaled by `quality`, RGB to
YCbCr with libjpeg's fixed-point tables, 2x2 chroma averaging with alternating rounding, the
integer "islow" forward DCT, and the standard Huffman tables."""

import struct

import numpy as np

from minitf.lib.image.jpeg import ZIGZAG

# Annex K's tables as libjpeg writes them: quantisation tables in zigzag order (quality 50 is
# the tables themselves), then the DC and AC Huffman tables (DHT bodies without the class byte)
_QUANT = (bytes.fromhex(
    "100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a333d3c3933383740485c4e404457453738"
    "506d51575f626768673e4d71797064785c656763"), bytes.fromhex(
    "1112121815182f1a1a2f634238426363636363636363636363636363636363636363636363636363636363"
    "636363636363636363636363636363636363636363"))
_DC = (bytes.fromhex("00010501010101010100000000000000000102030405060708090a0b"),
       bytes.fromhex("00030101010101010101010000000000000102030405060708090a0b"))
_AC = (bytes.fromhex(
    "0002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c1"
    "1552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a53545556575859"
    "5a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2"
    "b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8"
    "f9fa"), bytes.fromhex(
    "00020102040403040705040400010277000102031104052131061241510761711322328108144291a1b1c109"
    "233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758"
    "595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9"
    "aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8"
    "f9fa"))


def quant_table(k, quality):
    """libjpeg's jpeg_set_quality: Annex K table `k` scaled, in natural order."""
    quality = min(max(quality, 1), 100)
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    zz = (np.frombuffer(_QUANT[k], np.uint8).astype(np.int64) * scale + 50) // 100
    zz = np.clip(zz, 1, 255)
    natural = np.zeros(64, np.int64)
    natural[ZIGZAG] = zz
    return natural


def _codes(table):
    """{symbol: (code, length)} of a DHT body."""
    counts, symbols = table[:16], table[16:]
    out, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            out[symbols[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return out


def _fix(x):
    return int(x * 65536 + 0.5)


def rgb_to_ycc(rgb):
    """libjpeg's jccolor.c with its 16-bit fixed-point tables."""
    r, g, b = (rgb[..., k].astype(np.int64) for k in range(3))
    half, offset = 1 << 15, 128 << 16
    y = (_fix(0.29900) * r + _fix(0.58700) * g + _fix(0.11400) * b + half) >> 16
    cb = (-_fix(0.16874) * r - _fix(0.33126) * g + _fix(0.5) * b + offset + half - 1) >> 16
    cr = (_fix(0.5) * r - _fix(0.41869) * g - _fix(0.08131) * b + offset + half - 1) >> 16
    return y, cb, cr


def _fdct_1d(d, first):
    """jfdctint.c's islow forward DCT along the last of 8 inputs; `first`: the row pass."""
    c = lambda x: int(x * 8192 + 0.5)  # noqa: E731
    tmp0, tmp7 = d[0] + d[7], d[0] - d[7]
    tmp1, tmp6 = d[1] + d[6], d[1] - d[6]
    tmp2, tmp5 = d[2] + d[5], d[2] - d[5]
    tmp3, tmp4 = d[3] + d[4], d[3] - d[4]
    t10, t13, t11, t12 = tmp0 + tmp3, tmp0 - tmp3, tmp1 + tmp2, tmp1 - tmp2
    shift = 11 if first else 15

    def descale(x, n):
        return (x + (1 << (n - 1))) >> n
    out = [None] * 8
    if first:
        out[0], out[4] = (t10 + t11) << 2, (t10 - t11) << 2
    else:
        out[0], out[4] = descale(t10 + t11, 2), descale(t10 - t11, 2)
    z1 = (t12 + t13) * c(0.541196100)
    out[2] = descale(z1 + t13 * c(0.765366865), shift)
    out[6] = descale(z1 + t12 * -c(1.847759065), shift)
    z1, z2, z3, z4 = tmp4 + tmp7, tmp5 + tmp6, tmp4 + tmp6, tmp5 + tmp7
    z5 = (z3 + z4) * c(1.175875602)
    tmp4, tmp5 = tmp4 * c(0.298631336), tmp5 * c(2.053119869)
    tmp6, tmp7 = tmp6 * c(3.072711026), tmp7 * c(1.501321110)
    z1, z2 = z1 * -c(0.899976223), z2 * -c(2.562915447)
    z3, z4 = z3 * -c(1.961570560) + z5, z4 * -c(0.390180644) + z5
    out[7] = descale(tmp4 + z1 + z3, shift)
    out[5] = descale(tmp5 + z2 + z4, shift)
    out[3] = descale(tmp6 + z2 + z3, shift)
    out[1] = descale(tmp7 + z1 + z4, shift)
    return out


def forward_dct(blocks, quant):
    """Quantised coefficients [n, 64] (natural order) of sample blocks [n, 8, 8]."""
    x = blocks.astype(np.int64) - 128
    ws = np.stack(_fdct_1d([x[:, :, k] for k in range(8)], True), axis=2)
    out = np.stack(_fdct_1d([ws[:, k, :] for k in range(8)], False), axis=1).reshape(-1, 64)
    q = quant * 8
    return np.where(out < 0, -((-out + (q >> 1)) // q), (out + (q >> 1)) // q)


def _pad(plane, rows, cols):
    return np.pad(plane, ((0, rows - plane.shape[0]), (0, cols - plane.shape[1])), mode="edge")


def encode(image, quality=95, chroma_downsampling=True, density_unit=1, x_density=300,
           y_density=300, xmp_metadata=b"", optimize_size=False):
    """JPEG bytes of a uint8 image [height, width, 1 or 3] as TF's EncodeJpeg writes them."""
    h, w, channels = image.shape
    gray = channels == 1
    sampling = [(1, 1)] if gray else ([(2, 2), (1, 1), (1, 1)] if chroma_downsampling
                                      else [(1, 1)] * 3)
    hmax, vmax = max(s[0] for s in sampling), max(s[1] for s in sampling)
    mcus_x, mcus_y = -(-w // (8 * hmax)), -(-h // (8 * vmax))
    if gray:
        planes = [image[..., 0].astype(np.int64)]
    else:
        planes = list(rgb_to_ycc(image))
    coefs = []
    for k, (plane, (hs, vs)) in enumerate(zip(planes, sampling)):
        cw, ch = -(-w * hs // hmax), -(-h * vs // vmax)
        bw, bh = -(-cw // 8), -(-ch // 8)
        if hs < hmax:  # h2v2: input rows padded to an even count, columns to 2 * 8 * bw
            src = _pad(plane, -(-h // vmax) * vmax, bw * 8 * 2)
            bias = np.tile([1, 2], bw * 4)
            plane = (src[0::2, 0::2] + src[0::2, 1::2] + src[1::2, 0::2] + src[1::2, 1::2]
                     + bias) >> 2
        else:
            plane = _pad(plane, -(-h // vmax) * vmax, bw * 8)
        plane = _pad(plane, mcus_y * vs * 8, bw * 8)
        blocks = plane.reshape(mcus_y * vs, 8, bw, 8).transpose(0, 2, 1, 3).reshape(-1, 8, 8)
        q = forward_dct(blocks, quant_table(0 if k == 0 else 1, quality))
        full = np.zeros((mcus_y * vs, mcus_x * hs, 64), np.int64)
        full[:, :bw] = q.reshape(mcus_y * vs, bw, 64)
        coefs.append((full, bh, bw, hs, vs))
    return _write(image, coefs, sampling, mcus_x, mcus_y, quality, density_unit, x_density,
                  y_density, xmp_metadata, optimize_size)


def _write(image, coefs, sampling, mcus_x, mcus_y, quality, density_unit, x_density,
           y_density, xmp_metadata, optimize):
    h, w = image.shape[:2]
    n = len(coefs)

    def marker(code, body):
        return struct.pack(">BBH", 0xFF, code, len(body) + 2) + body
    out = [b"\xff\xd8", marker(0xE0, b"JFIF\x00\x01\x01" + struct.pack(
        ">BHHBB", density_unit, x_density, y_density, 0, 0))]
    if xmp_metadata:
        out.append(marker(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp_metadata))
    for k in range(min(n, 2)):
        zz = quant_table(k, quality)[ZIGZAG]
        out.append(marker(0xDB, bytes([k]) + bytes(zz.tolist())))
    sof = struct.pack(">BHHB", 8, h, w, n)
    for k, (hs, vs) in enumerate(sampling):
        sof += bytes([k + 1, (hs << 4) | vs, min(k, 1)])
    out.append(marker(0xC0, sof))
    symbols = _symbols(coefs, mcus_x, mcus_y)
    tables = [_DC[0], _AC[0], _DC[1], _AC[1]]
    if optimize:
        freq = np.zeros((4, 256), np.int64)
        np.add.at(freq, tuple(np.array([sym[:2] for sym in symbols]).T), 1)
        tables = [optimal_table(f.tolist()) if f.any() else t for f, t in zip(freq, tables)]
    for k in range(min(n, 2)):
        out.append(marker(0xC4, bytes([k]) + tables[2 * k]))
        out.append(marker(0xC4, bytes([0x10 | k]) + tables[2 * k + 1]))
    sos = bytes([n]) + b"".join(bytes([k + 1, 0x11 * min(k, 1)]) for k in range(n))
    out.append(marker(0xDA, sos + b"\x00\x3f\x00"))
    out.append(_emit(symbols, tables))
    out.append(b"\xff\xd9")
    return b"".join(out)


def _symbols(coefs, mcus_x, mcus_y):
    """The scan's Huffman symbols in order, as (table: 0 DC luma, 1 AC luma, 2 DC chroma,
    3 AC chroma; symbol; extra bits; their count): MCUs in order, each component's blocks row
    by row; blocks past a component's last real column or row are libjpeg's dummies (the
    previous block's DC, no AC)."""
    zz = ZIGZAG.tolist()
    out = []
    add = out.append
    pred = [0] * len(coefs)
    lists = [c[0].tolist() for c in coefs]
    last_dc = 0
    for my in range(mcus_y):
        for mx in range(mcus_x):
            for k, (_, bh, bw, hs, vs) in enumerate(coefs):
                dct, act = 2 * min(k, 1), 2 * min(k, 1) + 1
                rows = lists[k]
                for v in range(vs):
                    for u in range(hs):
                        r, c = my * vs + v, mx * hs + u
                        block = rows[r][c] if r < bh and c < bw else None
                        dc = block[0] if block is not None else last_dc
                        last_dc = dc
                        diff = dc - pred[k]
                        pred[k] = dc
                        size = abs(diff).bit_length()
                        add((dct, size, diff if diff >= 0 else diff + (1 << size) - 1, size))
                        run = 0
                        if block is not None:
                            for i in range(1, 64):
                                val = block[zz[i]]
                                if val == 0:
                                    run += 1
                                    continue
                                while run > 15:
                                    add((act, 0xF0, 0, 0))
                                    run -= 16
                                size = abs(val).bit_length()
                                add((act, (run << 4) | size,
                                     val if val > 0 else val + (1 << size) - 1, size))
                                run = 0
                        if block is None or run:
                            add((act, 0, 0, 0))
    return out


def optimal_table(freq):
    """libjpeg's jpeg_gen_optimal_table: a DHT body (16 counts, then the symbols) for symbol
    frequencies `freq` (256 of them), code lengths limited to 16 as libjpeg limits them."""
    freq = list(freq) + [1]  # the pseudo-symbol 256 keeps any code from being all ones
    codesize, others = [0] * 257, [-1] * 257
    while True:
        c1 = c2 = -1
        v = 10 ** 9
        for i in range(257):  # the smallest count (ties: the larger symbol)
            if freq[i] and freq[i] <= v:
                v, c1 = freq[i], i
        v = 10 ** 9
        for i in range(257):
            if freq[i] and freq[i] <= v and i != c1:
                v, c2 = freq[i], i
        if c2 < 0:
            break
        freq[c1] += freq[c2]
        freq[c2] = 0
        codesize[c1] += 1
        while others[c1] >= 0:
            c1 = others[c1]
            codesize[c1] += 1
        others[c1] = c2
        codesize[c2] += 1
        while others[c2] >= 0:
            c2 = others[c2]
            codesize[c2] += 1
    bits = [0] * 33
    for size in codesize:
        if size:
            bits[size] += 1
    for i in range(32, 16, -1):
        while bits[i] > 0:
            j = i - 2
            while bits[j] == 0:
                j -= 1
            bits[i] -= 2
            bits[i - 1] += 1
            bits[j + 1] += 2
            bits[j] -= 1
    i = 16
    while bits[i] == 0:
        i -= 1
    bits[i] -= 1
    order = [j for size in range(1, 33) for j in range(256) if codesize[j] == size]
    return bytes(bits[1:17]) + bytes(order)


def _emit(symbols, tables):
    codes = [_codes(t) for t in tables]
    acc, nacc = 0, 0
    chunks = bytearray()
    for table, symbol, extra, nextra in symbols:
        code, length = codes[table][symbol]
        acc = (((acc << length) | code) << nextra) | extra
        nacc += length + nextra
        while nacc >= 8:
            nacc -= 8
            byte = (acc >> nacc) & 0xFF
            chunks.append(byte)
            if byte == 0xFF:
                chunks.append(0)
        acc &= (1 << nacc) - 1
    if nacc:  # pad with ones
        byte = ((acc << (8 - nacc)) | ((1 << (8 - nacc)) - 1)) & 0xFF
        chunks.append(byte)
        if byte == 0xFF:
            chunks.append(0)
    return bytes(chunks)
