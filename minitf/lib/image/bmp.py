"""BMP decoding as TensorFlow's DecodeBmp does it: uncompressed 8-, 24- and 32-bit rows
(bottom-up, or top-down for a negative height), BGR(A) to RGB(A); an 8-bit file's bytes are
taken as gray levels (TF ignores its palette)."""

import struct

import numpy as np

from minitf.lib.image import DecodeError


def is_bmp(data):
    return data[:2] == b"BM"


def decode(data, channels=0):
    if len(data) < 32:
        raise DecodeError("Incomplete bmp content, requires at least 32 bytes to find the "
                          "header size, width, height, and bpp, got %d bytes" % len(data))
    offset, = struct.unpack("<i", data[10:14])
    width, height = struct.unpack("<ii", data[18:26])
    bpp, = struct.unpack("<h", data[28:30])
    depth = bpp // 8
    if width <= 0:
        raise DecodeError("Width must be positive")
    if height == 0:
        raise DecodeError("Height must be nonzero")
    if offset < 0:
        raise DecodeError("header size must be nonnegative")
    if depth not in (1, 3, 4):
        raise DecodeError("Number of channels inherent in the image must be 1, 3 or 4, was %d"
                          % depth)
    rows = abs(height)
    row_size = (depth * 8 * width + 31) // 32 * 4
    need = offset + (rows - 1) * row_size + (width - 1) * depth + depth
    if need > len(data):
        raise DecodeError("Incomplete bmp content, requires at least %d bytes, got %d bytes"
                          % (need, len(data)))
    raw = np.frombuffer(data + bytes(row_size), np.uint8)[offset:offset + rows * row_size]
    pixels = raw.reshape(rows, row_size)[:, :width * depth].reshape(rows, width, depth)
    if height > 0:
        pixels = pixels[::-1]
    channels = channels or depth
    if depth == 1:
        color = np.repeat(pixels, 3, -1) if channels >= 3 else pixels
    else:
        color = pixels[..., [2, 1, 0]]
    if channels == 4:
        alpha = pixels[..., 3:] if depth == 4 else np.full(pixels.shape[:2] + (1,), 255, np.uint8)
        color = np.concatenate([color, alpha], -1)
    return np.ascontiguousarray(color)
