"""GIF decoding as TensorFlow's DecodeGif does it with giflib: every frame [frames, height,
width, 3] on the logical screen, each starting as a copy of the previous one (TF ignores the
disposal methods) and painted with the frame's opaque pixels; what the first frame leaves
uncovered is black."""

import struct

import numpy as np

from minitf.lib.image import DecodeError


def is_gif(data):
    return data[:3] == b"GIF"


def _color_table(data, pos, flags):
    if not flags & 0x80:
        return None, pos
    n = 2 << (flags & 7)
    table = np.frombuffer(data[pos:pos + 3 * n], np.uint8)
    if len(table) < 3 * n:
        raise _error()
    return table.reshape(n, 3), pos + 3 * n


def _error():
    return DecodeError("Failed to decode gif: ")


def _lzw(data, min_size, count):
    """The first `count` colour indices of an LZW stream (GIF's variable-width codes)."""
    clear, end = 1 << min_size, (1 << min_size) + 1
    bits = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")
    out = bytearray()
    table = [bytes([i]) for i in range(clear)] + [b"", b""]
    size, pos, prev = min_size + 1, 0, None
    weights = [1 << i for i in range(12)]
    nbits = len(bits)
    bits = bits.tolist()
    while len(out) < count and pos + size <= nbits:
        code = sum(w for w, b in zip(weights, bits[pos:pos + size]) if b)
        pos += size
        if code == clear:
            table = table[:end + 1]
            size, prev = min_size + 1, None
            continue
        if code == end:
            break
        if prev is None:
            if code >= len(table):
                raise _error()
            entry = table[code]
        elif code < len(table):
            entry = table[code]
            if len(table) < 4096:
                table.append(prev + entry[:1])
        elif code == len(table):
            entry = prev + prev[:1]
            if len(table) < 4096:
                table.append(entry)
        else:
            raise _error()
        out += entry
        prev = entry
        if len(table) == (1 << size) and size < 12:
            size += 1
    return bytes(out[:count]) + bytes(max(0, count - len(out)))


def _deinterlace(indices, h):
    rows = [r for start, step in ((0, 8), (4, 8), (2, 4), (1, 2)) for r in range(start, h, step)]
    out = np.empty_like(indices)
    out[rows] = indices
    return out


def decode(data):
    """The frames [n, height, width, 3] (uint8)."""
    if len(data) < 13:
        raise _error()
    width, height, flags = struct.unpack("<HHB", data[6:11])
    global_table, pos = _color_table(data, 13, flags)
    frames, transparent = [], None
    canvas = np.zeros((height, width, 3), np.uint8)
    while pos < len(data):
        kind = data[pos]
        if kind == 0x3B:  # trailer
            break
        if kind == 0x21:  # extension: a graphic control block names the transparent index
            label = data[pos + 1]
            pos += 2
            while pos < len(data) and data[pos]:
                block = data[pos + 1:pos + 1 + data[pos]]
                if label == 0xF9 and len(block) >= 4:
                    transparent = block[3] if block[0] & 1 else None
                pos += 1 + data[pos]
            pos += 1
            continue
        if kind != 0x2C or pos + 10 > len(data):
            raise _error()
        left, top, w, h, fflags = struct.unpack("<HHHHB", data[pos + 1:pos + 10])
        table, pos = _color_table(data, pos + 10, fflags)
        table = global_table if table is None else table
        if table is None:
            raise DecodeError("missing color map")
        if pos >= len(data):
            raise _error()
        min_size = data[pos]
        pos += 1
        chunks = []
        while pos < len(data) and data[pos]:
            chunks.append(data[pos + 1:pos + 1 + data[pos]])
            pos += 1 + data[pos]
        pos += 1
        if not 1 <= min_size <= 11:
            raise _error()
        indices = np.frombuffer(_lzw(b"".join(chunks), min_size, w * h), np.uint8).reshape(h, w)
        if fflags & 0x40:
            indices = _deinterlace(indices, h)
        frame = canvas.copy()
        y0, x0 = min(top, height), min(left, width)
        y1, x1 = min(top + h, height), min(left + w, width)
        sub = indices[y0 - top:y1 - top, x0 - left:x1 - left]
        opaque = sub != transparent if transparent is not None else np.ones(sub.shape, bool)
        if (sub[opaque] >= len(table)).any():
            raise DecodeError("found color index %d outside of color map range %d"
                              % (sub[opaque].max(), len(table)))
        region = frame[y0:y1, x0:x1]
        region[opaque] = table[sub[opaque]]
        frames.append(frame)
        canvas = frame
        transparent = None
    if not frames:
        raise _error()
    return np.stack(frames)
