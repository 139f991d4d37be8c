"""JPEG decoding as TensorFlow's DecodeJpeg does it with libjpeg-turbo: baseline and progressive
Huffman scans, restart markers, the integer "islow" inverse DCT and its scaled 4x4, 2x2 and 1x1
forms (`ratio`), fancy (triangle) or plain chroma upsampling, and libjpeg's fixed-point YCbCr
to RGB tables, all reproduced bit for bit.

Entropy decoding is the one sequential part: each entropy-coded segment becomes a list of the
16-bit windows starting at every bit, and each Huffman table a 65536-entry list mapping a window
to (bits used, zero run, value), so a coefficient costs one or two list lookups. Everything
after it (dequantisation, IDCT, upsampling, colour) is vectorised over all blocks."""

import functools
import re
import struct

import numpy as np

from minitf.lib.image import DecodeError

ZIGZAG = np.array([
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27,
    20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58,
    59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63])
# libjpeg's jpeg_natural_order with its 16 extra entries: a corrupt run past the end lands on 63
_NATURAL = ZIGZAG.tolist() + [63] * 80


def is_jpeg(data):
    return data[:2] == b"\xff\xd8"


# -- Huffman tables ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _lookup(counts, symbols, kind):
    """The table as a list indexed by the next 16 bits: (bits used, zero run, value) when the
    code and its extra bits fit in 16 bits; (-code length, run, extra-bit count) when they do
    not; (0, 0, 0) where no code matches. `kind` "dc": run 0; "ac" (a sequential scan): an
    end of block has run 64, ZRL run 15 and value 0; "raw": the symbol in place of the run.
    Files mostly share the standard tables: the last few built are kept."""
    ac = kind != "dc"
    total = np.zeros(65536, np.int64)
    run = np.zeros(65536, np.int64)
    value = np.zeros(65536, np.int64)
    code, k = 0, 0
    w = np.arange(65536, dtype=np.int64)
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            sym = symbols[k]
            k += 1
            lo, hi = code << (16 - length), (code + 1) << (16 - length)
            code += 1
            r, s = (sym >> 4, sym & 15) if ac else (0, sym)
            if kind == "ac" and s == 0:
                r = 64 if r == 0 else 15  # end of block, or 16 zeros (ZRL: 15 and a zero)
            elif kind == "raw":
                r = sym
            sl = slice(lo, hi)
            run[sl] = r
            if length + s <= 16:
                total[sl] = length + s
                if s:
                    bits = (w[sl] >> (16 - length - s)) & ((1 << s) - 1)
                    value[sl] = np.where(bits < (1 << (s - 1)), bits - (1 << s) + 1, bits)
            else:
                total[sl] = -length
                value[sl] = s
        code <<= 1
    return list(zip(total.tolist(), run.tolist(), value.tolist()))


def _canonical(counts):
    """Whether the code lengths leave room for their codes (libjpeg's check; a code of all
    ones is allowed only as libjpeg allows it, below 2**length)."""
    code = 0
    for length, n in enumerate(counts, 1):
        code += n
        if code > (1 << length):
            return False
        code <<= 1
    return True


def _windows(segment, pad=4):
    """The 16-bit window starting at each bit of `segment` (unstuffed bytes), then `pad` bytes'
    worth of zeros, as libjpeg supplies when the data runs out."""
    b = np.frombuffer(segment + bytes(max(pad, 4)), np.uint8).astype(np.int64)
    w32 = (b[:-3] << 24) | (b[1:-2] << 16) | (b[2:-1] << 8) | b[3:]
    return ((w32[:, None] >> np.arange(16, 8, -1)) & 0xFFFF).reshape(-1).tolist()


def _extend(bits, s):
    return bits - (1 << s) + 1 if bits < (1 << (s - 1)) else bits


# -- the file's structure ---------------------------------------------------------------------

class Component:
    def __init__(self, ident, h, v, tq):
        self.id, self.h, self.v, self.tq = ident, h, v, tq
        self.quant = None  # the table latched at the component's first scan


class Frame:
    """The markers of a JPEG file: frame header, tables, and each scan's entropy-coded data."""

    def __init__(self, data, header_only=False):
        self.size = len(data)
        if not is_jpeg(data):
            raise self.error()
        self.quant, self.dc_tables, self.ac_tables = {}, {}, {}
        self.restart, self.adobe, self.jfif = 0, None, False
        self.progressive, self.components, self.scans = False, None, []
        pos = 2
        while True:
            while pos < len(data) and data[pos] == 0xFF and pos + 1 < len(data) \
                    and data[pos + 1] == 0xFF:
                pos += 1  # fill bytes
            if pos + 4 > len(data) or data[pos] != 0xFF:
                if self.scans:  # truncated after image data: as far as it goes
                    break
                raise self.error()
            marker = data[pos + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            if marker == 0xD9:
                break
            length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
            body = data[pos + 4:pos + 2 + length]
            if len(body) < length - 2 or length < 2:
                if self.scans:
                    break
                raise self.error()
            pos += 2 + length
            if marker in (0xC0, 0xC1, 0xC2):
                self.progressive = marker == 0xC2
                self._frame(body)
                if header_only:
                    return
            elif marker in (0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                raise self.error()  # lossless, arithmetic-coded or hierarchical
            elif marker == 0xC4:
                self._huffman(body)
            elif marker == 0xDB:
                self._quant(body)
            elif marker == 0xDD:
                self.restart = struct.unpack(">H", body[:2])[0]
            elif marker == 0xE0 and body[:5] == b"JFIF\0":
                self.jfif = True
            elif marker == 0xEE and body[:5] == b"Adobe" and len(body) >= 12:
                self.adobe = body[11]
            elif not (0xE0 <= marker <= 0xEF or marker in (0xFE, 0xDC, 0xCC, 0xDA)):
                raise self.error()  # libjpeg's "Unsupported marker type"
            elif marker == 0xDA:
                if self.components is None:
                    raise self.error()
                pos = self._scan(data, body, pos)
        if self.components is None:
            raise self.error()

    @staticmethod
    def error():
        return DecodeError("jpeg::Uncompress failed. Invalid JPEG data or crop window.")

    def _frame(self, body):
        precision, self.height, self.width, n = struct.unpack(">BHHB", body[:6])
        if precision != 8 or n not in (1, 3) or self.width == 0 or self.height == 0 \
                or len(body) < 6 + 3 * n:
            raise self.error()
        self.components = []
        for i in range(n):
            ident, hv, tq = body[6 + 3 * i:9 + 3 * i]
            h, v = hv >> 4, hv & 15
            if not (1 <= h <= 4 and 1 <= v <= 4):
                raise self.error()
            self.components.append(Component(ident, h, v, tq))
        self.hmax = max(c.h for c in self.components)
        self.vmax = max(c.v for c in self.components)
        self.mcus_x = -(-self.width // (8 * self.hmax))
        self.mcus_y = -(-self.height // (8 * self.vmax))
        for c in self.components:
            c.bw = -(-self.width * c.h // self.hmax)  # the component's size in samples
            c.bh = -(-self.height * c.v // self.vmax)
            c.blocks_x, c.blocks_y = self.mcus_x * c.h, self.mcus_y * c.v
            c.coef = [0] * (c.blocks_x * c.blocks_y * 64)

    def _huffman(self, body):
        pos = 0
        while pos + 17 <= len(body):
            tc, th = body[pos] >> 4, body[pos] & 15
            counts = list(body[pos + 1:pos + 17])
            symbols = list(body[pos + 17:pos + 17 + sum(counts)])
            if len(counts) < 16 or len(symbols) < sum(counts) or sum(counts) > 256 \
                    or th > 3 or not _canonical(counts) or (tc == 0 and max(symbols) > 15):
                raise self.error()  # libjpeg's "Bogus Huffman table definition"
            (self.ac_tables if tc else self.dc_tables)[th] = (bytes(counts), bytes(symbols))
            pos += 17 + sum(counts)

    def _quant(self, body):
        pos = 0
        while pos < len(body):
            pq, tq = body[pos] >> 4, body[pos] & 15
            n = 128 if pq else 64
            raw = body[pos + 1:pos + 1 + n]
            if len(raw) < n:
                raise self.error()
            table = np.frombuffer(raw, ">u2" if pq else np.uint8).astype(np.int64)
            natural = np.zeros(64, np.int64)
            natural[ZIGZAG] = table
            self.quant[tq] = natural
            pos += 1 + n

    def _scan(self, data, body, pos):
        """Reads one scan's header and splits its data at restart markers; returns the position
        of the marker that ends it."""
        n = body[0]
        comps = []
        for i in range(n):
            cid, tables = body[1 + 2 * i], body[2 + 2 * i]
            match = [c for c in self.components if c.id == cid]
            if not match:
                raise self.error()
            comps.append((match[0], tables >> 4, tables & 15))
        ss, se, a = body[1 + 2 * n:4 + 2 * n]
        end = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]").search(data, pos)
        stop = end.start() if end else len(data)
        segments = re.split(rb"\xff[\xd0-\xd7]", data[pos:stop])
        for c, _, _ in comps:  # libjpeg latches a component's table at its first scan
            if c.quant is None:
                c.quant = self.quant.get(c.tq)
        self.scans.append(Scan(self, comps, ss, se, a >> 4, a & 15,
                               [s.replace(b"\xff\x00", b"\xff") for s in segments],
                               truncated=end is None))
        return stop


class Scan:
    def __init__(self, frame, comps, ss, se, ah, al, segments, truncated):
        self.frame, self.comps, self.ss, self.se, self.ah, self.al = frame, comps, ss, se, ah, al
        self.segments, self.truncated = segments, truncated
        # the Huffman tables in force now: a progressive file may redefine them between scans
        self.dc_tables, self.ac_tables = dict(frame.dc_tables), dict(frame.ac_tables)

    def blocks(self):
        """(component, block offset into its coefficients) of each block in the scan's order,
        and the number of blocks in one MCU."""
        f = self.frame
        if len(self.comps) == 1:
            c = self.comps[0][0]
            bx, by = -(-c.bw // 8), -(-c.bh // 8)
            offsets = (np.arange(by)[:, None] * c.blocks_x + np.arange(bx)).reshape(-1) * 64
            return [(0, o) for o in offsets.tolist()], 1
        order = []
        for k, (c, _, _) in enumerate(self.comps):
            rows = np.arange(f.mcus_y)[:, None, None, None] * c.v + np.arange(c.v)[:, None]
            cols = np.arange(f.mcus_x)[None, :, None, None] * c.h + np.arange(c.h)
            off = (rows * c.blocks_x + cols) * 64  # [mcu row, mcu col, v, h]
            order.append(np.broadcast_to(off, (f.mcus_y, f.mcus_x, c.v, c.h))
                         .reshape(f.mcus_y * f.mcus_x, -1))
        per_mcu = sum(o.shape[1] for o in order)
        flat = np.concatenate(order, axis=1).reshape(-1)
        which = np.concatenate([np.full(o.shape[1], k) for k, o in enumerate(order)])
        which = np.tile(which, f.mcus_y * f.mcus_x)
        return list(zip(which.tolist(), flat.tolist())), per_mcu


# -- entropy decoding -------------------------------------------------------------------------

def _segments(scan):
    """(unstuffed bytes, blocks, blocks per MCU) of each restart interval of the scan."""
    blocks, per_mcu = scan.blocks()
    interval = scan.frame.restart * per_mcu or len(blocks)
    return [(seg, blocks[i * interval:(i + 1) * interval], per_mcu)
            for i, seg in enumerate(scan.segments) if blocks[i * interval:(i + 1) * interval]]


def _scan_tables(scan, dc=True, ac=True):
    """The lookup lists of the scan's DC and AC tables (None where the scan reads none)."""
    kind = "raw" if scan.frame.progressive else "ac"
    try:
        return ([_lookup(*scan.dc_tables[td], "dc") for _, td, _ in scan.comps] if dc else None,
                [_lookup(*scan.ac_tables[ta], kind) for _, _, ta in scan.comps] if ac else None)
    except KeyError:
        raise Frame.error() from None


def decode_sequential(scan):
    """A baseline scan's coefficients, into each component's list. Returns, for a scan whose
    data ends without a marker (a truncated file), the bit position at which each of the last
    segment's MCUs ended, and its bit count; else None."""
    dcs, acs = _scan_tables(scan)
    coefs = [c.coef for c, _, _ in scan.comps]
    segments = _segments(scan)
    for i, (seg, blocks, per_mcu) in enumerate(segments):
        for pad in (4, 64 * 64 * per_mcu):
            try:
                ends = _sequential_segment(_windows(seg, pad), 8 * len(seg), blocks, per_mcu,
                                           dcs, acs, coefs)
                break
            except IndexError:  # damaged data read far past its end: read more zeros
                continue
        if scan.truncated and i == len(segments) - 1:
            return ends, 8 * len(seg)
    return None


def _sequential_segment(win, nbits, blocks, per_mcu, dcs, acs, coefs):
    """Decodes one restart interval; returns the bit position after each MCU. Once the data
    has run out (libjpeg's "insufficient data"), the remaining MCUs stay zero."""
    pred = [0] * len(coefs)
    nat = _NATURAL
    pos = 0
    ends = []
    for j, (ci, base) in enumerate(blocks):
        if j % per_mcu == 0 and j:
            ends.append(pos)
            if pos > nbits:
                break
        coef, ac = coefs[ci], acs[ci]
        t, r, v = dcs[ci][win[pos]]
        if t > 0:
            pos += t
        elif t < 0:
            pos -= t
            s = v
            v = _extend(win[pos] >> (16 - s), s)
            pos += s
        else:
            pos += 16
        pred[ci] += v
        coef[base] = pred[ci]
        k = 1
        while k < 64:
            t, r, v = ac[win[pos]]
            if t > 0:
                pos += t
            elif t < 0:
                pos -= t
                s = v
                v = _extend(win[pos] >> (16 - s), s)
                pos += s
            else:
                pos += 16
                break
            k += r
            if v:
                coef[base + nat[k]] = v
            k += 1
    else:
        ends.append(pos)
    return ends


def decode_progressive(scan):
    """One scan of a progressive file (libjpeg's jdphuff.c): DC first and refinement scans,
    AC first scans with end-of-band runs, and AC refinement scans that append a correction bit
    to each coefficient already nonzero. Returns as decode_sequential does."""
    dcs, acs = _scan_tables(scan, dc=scan.ss == 0 and scan.ah == 0, ac=scan.ss > 0)
    coefs = [c.coef for c, _, _ in scan.comps]
    segments = _segments(scan)
    for i, (seg, blocks, per_mcu) in enumerate(segments):
        for pad in (4, 64 * 64 * per_mcu):
            try:
                ends = _progressive_segment(scan, _windows(seg, pad), 8 * len(seg), blocks,
                                            per_mcu, dcs, acs, coefs)
                break
            except IndexError:
                continue
        if scan.truncated and i == len(segments) - 1:
            return ends, 8 * len(seg)
    return None


def _progressive_segment(scan, win, nbits, blocks, per_mcu, dcs, acs, coefs):
    ss, se, ah, al = scan.ss, scan.se, scan.ah, scan.al
    nat = _NATURAL
    pred = [0] * len(coefs)
    pos = 0
    ends = []
    eobrun = 0
    p1, m1 = 1 << al, -1 << al
    for j, (ci, base) in enumerate(blocks):
        if j % per_mcu == 0 and j:
            ends.append(pos)
            if pos > nbits:
                break
        coef = coefs[ci]
        if ss == 0:  # DC
            if ah == 0:
                t, r, v = dcs[ci][win[pos]]
                if t > 0:
                    pos += t
                elif t < 0:
                    pos -= t
                    s = v
                    v = _extend(win[pos] >> (16 - s), s)
                    pos += s
                else:
                    pos += 16
                pred[ci] += v
                coef[base] = pred[ci] << al
            else:
                if win[pos] >> 15:
                    coef[base] |= p1
                pos += 1
            continue
        table = acs[ci]
        if ah == 0:  # AC first
            if eobrun:
                eobrun -= 1
                continue
            k = ss
            while k <= se:
                t, sym, v = table[win[pos]]
                if t > 0:
                    pos += t
                elif t < 0:
                    pos -= t
                    v = _extend(win[pos] >> (16 - v), v)
                    pos += sym & 15
                else:
                    pos += 16
                    break
                r, s = sym >> 4, sym & 15
                if s:
                    k += r
                    coef[base + nat[k]] = v << al
                    k += 1
                elif r == 15:
                    k += 16
                else:
                    eobrun = 1 << r
                    if r:
                        eobrun += win[pos] >> (16 - r)
                        pos += r
                    eobrun -= 1
                    break
            continue
        k = ss  # AC refinement
        if eobrun == 0:
            while k <= se:
                t, sym, v = table[win[pos]]
                if t > 0:
                    pos += t
                elif t < 0:
                    pos -= t
                    v = _extend(win[pos] >> (16 - v), v)
                    pos += sym & 15
                else:
                    pos += 16
                    break
                r, s = sym >> 4, sym & 15
                if s:
                    s = p1 if v > 0 else m1
                elif r != 15:
                    eobrun = 1 << r
                    if r:
                        eobrun += win[pos] >> (16 - r)
                        pos += r
                    break
                while k <= se:
                    at = base + nat[k]
                    c = coef[at]
                    if c:
                        if win[pos] >> 15 and not c & p1:
                            coef[at] = c + (p1 if c >= 0 else m1)
                        pos += 1
                    else:
                        r -= 1
                        if r < 0:
                            break
                    k += 1
                if s:
                    coef[base + nat[k]] = s
                k += 1
        if eobrun > 0:
            while k <= se:
                at = base + nat[k]
                c = coef[at]
                if c:
                    if win[pos] >> 15 and not c & p1:
                        coef[at] = c + (p1 if c >= 0 else m1)
                    pos += 1
                k += 1
            eobrun -= 1
    else:
        ends.append(pos)
    return ends


# -- inverse DCTs (libjpeg's jidctint.c and jidctred.c), vectorised over blocks ----------------

def _fix(x):
    return int(x * 8192 + 0.5)


def _descale(x, n):
    return (x + (1 << (n - 1))) >> n


def _islow_1d(i, shift):
    """The islow IDCT of 8 inputs (arrays) along one axis, descaled by `shift` bits."""
    z1 = (i[2] + i[6]) * _fix(0.541196100)
    tmp2 = z1 + i[6] * -_fix(1.847759065)
    tmp3 = z1 + i[2] * _fix(0.765366865)
    tmp0 = (i[0] + i[4]) << 13
    tmp1 = (i[0] - i[4]) << 13
    t10, t13, t11, t12 = tmp0 + tmp3, tmp0 - tmp3, tmp1 + tmp2, tmp1 - tmp2
    o0, o1, o2, o3 = i[7], i[5], i[3], i[1]
    z1, z2, z3, z4 = o0 + o3, o1 + o2, o0 + o2, o1 + o3
    z5 = (z3 + z4) * _fix(1.175875602)
    o0 = o0 * _fix(0.298631336)
    o1 = o1 * _fix(2.053119869)
    o2 = o2 * _fix(3.072711026)
    o3 = o3 * _fix(1.501321110)
    z1 = z1 * -_fix(0.899976223)
    z2 = z2 * -_fix(2.562915447)
    z3 = z3 * -_fix(1.961570560) + z5
    z4 = z4 * -_fix(0.390180644) + z5
    o0 += z1 + z3
    o1 += z2 + z4
    o2 += z2 + z3
    o3 += z1 + z4
    return [_descale(v, shift) for v in (t10 + o3, t11 + o2, t12 + o1, t13 + o0, t13 - o0,
                                         t12 - o1, t11 - o2, t10 - o3)]


def _idct4_1d(i, shift):
    tmp0 = i[0] << 14
    tmp2 = i[2] * _fix(1.847759065) + i[6] * -_fix(0.765366865)
    t10, t12 = tmp0 + tmp2, tmp0 - tmp2
    z1, z2, z3, z4 = i[7], i[5], i[3], i[1]
    tmp0 = (z1 * -_fix(0.211164243) + z2 * _fix(1.451774981) + z3 * -_fix(2.172734803)
            + z4 * _fix(1.061594337))
    tmp2 = (z1 * -_fix(0.509795579) + z2 * -_fix(0.601344887) + z3 * _fix(0.899976223)
            + z4 * _fix(2.562915447))
    return [_descale(v, shift) for v in (t10 + tmp2, t12 + tmp0, t12 - tmp0, t10 - tmp2)]


def _idct2_1d(i, shift):
    t10 = i[0] << 15
    tmp0 = (i[7] * -_fix(0.720959822) + i[5] * _fix(0.850430095) + i[3] * -_fix(1.272758580)
            + i[1] * _fix(3.624509785))
    return [_descale(t10 + tmp0, shift), _descale(t10 - tmp0, shift)]


_IDCTS = {8: (_islow_1d, 11, 18), 4: (_idct4_1d, 12, 19), 2: (_idct2_1d, 13, 20)}


def _range_limit(x):
    """libjpeg's post-IDCT range-limit table: +128, clamped, wrapping modulo 1024 as the
    table's index does."""
    return np.clip(((x + 512) & 1023) - 384, 0, 255).astype(np.uint8)


def idct(blocks, size):
    """Samples [n, size, size] of dequantised coefficient blocks [n, 8, 8] (int64)."""
    if size == 1:
        return _range_limit(_descale(blocks[:, :1, :1], 3))
    fn, shift1, shift2 = _IDCTS[size]
    ws = np.stack(fn([blocks[:, k, :] for k in range(8)], shift1), axis=1)
    out = np.stack(fn([ws[:, :, k] for k in range(8)], shift2), axis=2)
    return _range_limit(out)


# -- upsampling and colour ----------------------------------------------------------------------

def _fancy_h2(x):
    """libjpeg's h2v1 triangle filter: each sample becomes two, 3/4 itself and 1/4 its
    neighbour, rounding alternately down and up; the edges repeat."""
    x = x.astype(np.int32)
    left = np.concatenate([x[:, :1], x[:, :-1]], 1)
    right = np.concatenate([x[:, 1:], x[:, -1:]], 1)
    out = np.empty((x.shape[0], 2 * x.shape[1]), np.int32)
    out[:, 0::2] = (3 * x + left + 1) >> 2
    out[:, 1::2] = (3 * x + right + 2) >> 2
    out[:, 0] = x[:, 0]
    out[:, -1] = x[:, -1]
    return out.astype(np.uint8)


def _fancy_h2v2(x):
    """libjpeg's h2v2 triangle filter: column sums 3*row + nearer row (above for the upper
    output row, below for the lower), then 3*sum + neighbouring sum over 16, with biases
    8 and 7."""
    x = x.astype(np.int32)
    above = np.concatenate([x[:1], x[:-1]], 0)
    below = np.concatenate([x[1:], x[-1:]], 0)
    out = np.empty((2 * x.shape[0], 2 * x.shape[1]), np.int32)
    for v, near in ((0, above), (1, below)):
        s = 3 * x + near
        left = np.concatenate([s[:, :1], s[:, :-1]], 1)
        right = np.concatenate([s[:, 1:], s[:, -1:]], 1)
        even = (3 * s + left + 8) >> 4
        odd = (3 * s + right + 7) >> 4
        even[:, 0] = (4 * s[:, 0] + 8) >> 4
        odd[:, -1] = (4 * s[:, -1] + 7) >> 4
        out[v::2, 0::2] = even
        out[v::2, 1::2] = odd
    return out.astype(np.uint8)


def _tables():
    x = np.arange(256, dtype=np.int64) - 128
    half, fix = 1 << 15, (lambda v: int(v * 65536 + 0.5))
    return ((fix(1.40200) * x + half) >> 16, (fix(1.77200) * x + half) >> 16,
            -fix(0.71414) * x, -fix(0.34414) * x + half)


_CR_R, _CB_B, _CR_G, _CB_G = _tables()


def ycc_to_rgb(y, cb, cr):
    """libjpeg's jdcolor.c YCbCr to RGB with its 16-bit fixed-point tables."""
    y = y.astype(np.int64)
    cb, cr = cb.astype(np.intp), cr.astype(np.intp)
    r = y + _CR_R[cr]
    g = y + ((_CB_G[cb] + _CR_G[cr]) >> 16)
    b = y + _CB_B[cb]
    return np.clip(np.stack([r, g, b], -1), 0, 255).astype(np.uint8)


# -- the decoder ------------------------------------------------------------------------------

def _scaled_sizes(frame, ratio):
    """Each component's IDCT size for 1/ratio scaling: libjpeg scales chroma up through the
    IDCT rather than the upsampler where the sampling factors allow."""
    smin = 8 // ratio
    sizes = []
    for c in frame.components:
        s = smin
        while (s < 8 and (frame.hmax * smin) % (c.h * s * 2) == 0
               and (frame.vmax * smin) % (c.v * s * 2) == 0):
            s *= 2
        sizes.append(s)
    return smin, sizes


def decode(data, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
           acceptable_fraction=1.0, dct_method="", crop=None):
    """The image [height, width, channels] (uint8) as TF's DecodeJpeg gives it; with `crop`
    (y, x, height, width) the window TF's DecodeAndCropJpeg gives: libjpeg-turbo decodes the
    columns from x rounded down to a whole iMCU, and upsamples chroma as if they were the
    whole image (edges repeated), before the window is cut out."""
    frame = Frame(data)
    truncated = None
    for scan in frame.scans:
        truncated = (decode_progressive if frame.progressive else decode_sequential)(scan)
    ncomp = len(frame.components)
    if channels == 0:
        channels = ncomp
    smin, sizes = _scaled_sizes(frame, ratio)
    out_h, out_w = -(-frame.height * smin // 8), -(-frame.width * smin // 8)
    color = ncomp == 3 and not _is_rgb(frame)
    wanted = frame.components[:1] if channels == 1 and color else frame.components
    x0, region_w = 0, out_w
    if crop is not None:
        cy, cx, ch, cw = crop
        if min(cy, cx) < 0 or ch <= 0 or cw <= 0 or cy + ch > out_h or cx + cw > out_w:
            raise frame.error()
        align = smin * frame.hmax if ncomp > 1 else smin
        x0 = cx // align * align
        region_w = cw + cx - x0
    planes = []
    context = False  # a triangle filter over rows: the upsampler needs the row group below
    for c, s in zip(wanted, sizes):
        q = c.quant
        if q is None:
            raise frame.error()
        coef = np.array(c.coef, np.int64).reshape(-1, 64)
        if s == 8 and dct_method != "INTEGER_ACCURATE":
            samples = idct_ifast(coef, q)
        else:
            samples = idct((coef * q).reshape(-1, 8, 8), s)
        plane = samples.reshape(c.blocks_y, c.blocks_x, s, s).transpose(0, 2, 1, 3)
        plane = plane.reshape(c.blocks_y * s, c.blocks_x * s)
        dh = -(-frame.height * c.v * s // (frame.vmax * 8))
        dw = -(-frame.width * c.h * s // (frame.hmax * 8))
        plane = plane[:dh, :dw]
        if crop is not None:
            first = x0 * c.h * s // (frame.hmax * smin)
            dw = -(-region_w * c.h * s // (frame.hmax * smin))
            plane = plane[:, first:first + dw]
        fh, fv = frame.hmax * smin // (c.h * s), frame.vmax * smin // (c.v * s)
        fancy = fancy_upscaling and smin > 1 and dw > 2
        if fh == 2 and fv == 1 and fancy:
            plane = _fancy_h2(plane)
        elif fh == 2 and fv == 2 and fancy:
            plane = _fancy_h2v2(plane)
            context = True
        elif fh > 1 or fv > 1:
            plane = np.repeat(np.repeat(plane, fv, 0), fh, 1)
        planes.append(plane[:out_h, :region_w])
    if color and channels != 1:
        image = ycc_to_rgb(*planes)
    else:
        image = np.stack(planes, -1)
        if channels == 3 and image.shape[-1] == 1:
            image = np.repeat(image, 3, -1)
    if truncated is not None and not try_recover_truncated:
        lines = _lines_read(frame, truncated, smin, context)
        if lines < min(1.0, acceptable_fraction) * out_h:
            raise frame.error()
        image[lines:] = 0
    if crop is not None:
        image = image[cy:cy + ch, cx - x0:cx - x0 + cw]
    return image


def _lines_read(frame, truncated, smin, context):
    """How many rows TF gets from a file whose data ends mid-scan without try_recover_truncated:
    its reader stops (suspends) in the first MCU whose reading ahead (libjpeg fills its bit
    buffer to 57 bits) passes the end, and only the complete MCU rows before it are output
    (less the last row group when the upsampler needs the row group below). Approximate:
    where the reader's fills fall exactly is not modelled."""
    scan = frame.scans[-1]
    ends, nbits = truncated
    failed = next((m for m, e in enumerate(ends) if e + 57 > nbits), len(ends))
    blocks, per_mcu = scan.blocks()
    total = len(blocks) // per_mcu
    interval = frame.restart or total
    mcu = (len(scan.segments) - 1) * interval + failed
    if len(scan.comps) == 1:
        c = scan.comps[0][0]
        per_row, rows_total = -(-c.bw // 8), -(-c.bh // 8)
        row_lines = 8 * frame.vmax // c.v * smin // 8
    else:
        per_row, rows_total = frame.mcus_x, frame.mcus_y
        row_lines = frame.vmax * smin
    rows = min(mcu // per_row, rows_total)
    lines = rows * row_lines
    if context and rows < rows_total and rows:
        lines -= frame.vmax
    return min(lines, -(-frame.height * smin // 8))


def _is_rgb(frame):
    """libjpeg's guess of a 3-component file's colour space: RGB only when an Adobe marker says
    transform 0, or (no JFIF or Adobe marker) the component ids are 'R', 'G', 'B'."""
    if frame.jfif:
        return False
    if frame.adobe is not None:
        return frame.adobe == 0
    return [c.id for c in frame.components] == [82, 71, 66]


def _ifast_1d(i):
    """libjpeg's jidctfst.c (AA&N) 1-D pass, 8-bit fixed point with truncating multiplies."""
    def mul(x, c):
        return (x * c) >> 8
    t10, t11 = i[0] + i[4], i[0] - i[4]
    t13 = i[2] + i[6]
    t12 = mul(i[2] - i[6], 362) - t13
    e0, e3, e1, e2 = t10 + t13, t10 - t13, t11 + t12, t11 - t12
    z13, z10, z11, z12 = i[5] + i[3], i[5] - i[3], i[1] + i[7], i[1] - i[7]
    t7 = z11 + z13
    t11 = mul(z11 - z13, 362)
    z5 = mul(z10 + z12, 473)
    t10 = mul(z12, 277) - z5
    t12 = mul(z10, -669) + z5
    t6 = t12 - t7
    t5 = t11 - t6
    t4 = t10 + t5
    return [e0 + t7, e1 + t6, e2 + t5, e3 - t4, e3 + t4, e2 - t5, e1 - t6, e0 - t7]


def _aan_scales():
    aan = np.array([1.0] + [np.cos(k * np.pi / 16) * np.sqrt(2) for k in range(1, 8)])
    return np.floor(np.outer(aan, aan) * 16384 + 0.5).astype(np.int64).reshape(64)


_AAN = _aan_scales()


def idct_ifast(coef, quant):
    """Samples [n, 8, 8] of coefficient blocks [n, 64] by libjpeg's ifast IDCT (TF's default):
    the quantisation table is pre-multiplied by the AA&N scales, and nothing rounds."""
    q = (quant * _AAN + (1 << 11)) >> 12
    blocks = (coef * q).reshape(-1, 8, 8)
    ws = np.stack(_ifast_1d([blocks[:, k, :] for k in range(8)]), axis=1)
    out = np.stack(_ifast_1d([ws[:, :, k] for k in range(8)]), axis=2)
    return _range_limit(out >> 5)
