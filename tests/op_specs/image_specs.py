"""Op table entries for the tf.image resize ops and their gradient ops, against per-pixel
references written from TF's kernel formulas, AdjustContrastv2 (no gradient in TF), and the
HSV ops against Python's colorsys."""

import colorsys
import math

import numpy as np

import minitf as tf
from tests.op_specs.nn_specs import grad_of
from tests.op_specs.spec import Arg, OpSpec


def _scale(i, o, align):
    return (i - 1) / (o - 1) if align and o > 1 else i / o


def ref_bilinear(x, size, align=False, half=False):
    n, h, w, c = x.shape
    out = np.zeros((n,) + tuple(size) + (c,))
    sy, sx = _scale(h, size[0], align), _scale(w, size[1], align)
    for i in range(size[0]):
        for j in range(size[1]):
            fy = (i + 0.5) * sy - 0.5 if half else i * sy
            fx = (j + 0.5) * sx - 0.5 if half else j * sx
            y0, x0 = math.floor(fy), math.floor(fx)
            ly, lx = fy - y0, fx - x0
            y1, x1 = min(math.ceil(fy), h - 1), min(math.ceil(fx), w - 1)
            y0, x0 = max(y0, 0), max(x0, 0)
            top = x[:, y0, x0] * (1 - lx) + x[:, y0, x1] * lx
            bottom = x[:, y1, x0] * (1 - lx) + x[:, y1, x1] * lx
            out[:, i, j] = top * (1 - ly) + bottom * ly
    return out


def ref_nearest(x, size, align=False, half=False):
    n, h, w, c = x.shape
    sy, sx = _scale(h, size[0], align), _scale(w, size[1], align)

    def source(k, s, limit):
        f = (k + 0.5) * s if half else k * s
        return min(int(math.floor(f + 0.5)) if align else int(math.floor(f)), limit - 1)

    return np.stack([np.stack([x[:, source(i, sy, h), source(j, sx, w)]
                               for j in range(size[1])], 1) for i in range(size[0])], 1)


def ref_adjoint(ref, x_shape, size, **kw):
    """The gradient of a linear resize by its matrix: one basis image at a time."""
    def grad(x, dy):
        out = np.zeros(x_shape)
        for idx in np.ndindex(*x_shape):
            e = np.zeros(x_shape)
            e[idx] = 1
            out[idx] = (ref(e, size, **kw) * dy).sum()
        return out
    return grad


IMG = (2, 3, 4, 2)
SPECS = [
    OpSpec("resize_bilinear", lambda x: tf.image.resize_bilinear(x, (5, 7)),
           lambda x: ref_bilinear(x, (5, 7)), [Arg(IMG, static=(None, 3, 4, 2))]),
    OpSpec("resize_bilinear/align_corners_shrink", lambda x: tf.image.resize_bilinear(
        x, (2, 3), align_corners=True), lambda x: ref_bilinear(x, (2, 3), True),
        [Arg(IMG, static=(None, None, None, 2))]),
    OpSpec("resize_bilinear/half_pixel_centers", lambda x: tf.image.resize_bilinear(
        x, (5, 3), half_pixel_centers=True), lambda x: ref_bilinear(x, (5, 3), half=True),
        [Arg(IMG)]),
    OpSpec("resize_bilinear/uint8_gives_float32", lambda x: tf.image.resize_bilinear(x, (4, 6)),
           lambda x: ref_bilinear(x.astype(np.float64), (4, 6)).astype(np.float32),
           [Arg(IMG, "uint8", low=0, high=255)], grad=False, rtol=1e-4),
    OpSpec("resize_bilinear/grad_op", grad_of(lambda x: tf.image.resize_bilinear(
        x, (5, 7), half_pixel_centers=True)),
        ref_adjoint(ref_bilinear, IMG, (5, 7), half=True),
        [Arg(IMG, static=(None, 3, 4, 2)), Arg((2, 5, 7, 2))]),
    OpSpec("resize_nearest_neighbor", lambda x: tf.image.resize_nearest_neighbor(x, (5, 7)),
           lambda x: ref_nearest(x, (5, 7)), [Arg(IMG, static=(None, 3, 4, 2))]),
    OpSpec("resize_nearest_neighbor/align_corners", lambda x: tf.image.resize_nearest_neighbor(
        x, (5, 7), align_corners=True), lambda x: ref_nearest(x, (5, 7), True), [Arg(IMG)]),
    OpSpec("resize_nearest_neighbor/half_pixel_int32", lambda x:
           tf.image.resize_nearest_neighbor(x, (2, 3), half_pixel_centers=True),
           lambda x: ref_nearest(x, (2, 3), half=True), [Arg(IMG, "int32", low=0, high=9)],
           grad=False),
    OpSpec("resize_nearest_neighbor/grad_op", grad_of(
        lambda x: tf.image.resize_nearest_neighbor(x, (2, 7), align_corners=True)),
        ref_adjoint(ref_nearest, IMG, (2, 7), align=True),
        [Arg(IMG, static=(None, None, None, 2)), Arg((2, 2, 7, 2))]),
]


def ref_contrast(x, factor):
    mean = x.mean(axis=(-3, -2), keepdims=True)
    return ((x - mean) * factor + mean).astype(x.dtype)


SPECS += [
    OpSpec("adjust_contrast", lambda x, f: tf.image.adjust_contrast(x, f), ref_contrast,
           [Arg((2, 3, 4, 2), static=(None, None, None, 2)), Arg((), low=0.2, high=1.8)],
           grad=False),
    OpSpec("adjust_contrast/3d_float16", lambda x: tf.image.adjust_contrast(x, 0.5),
           lambda x: ref_contrast(x, np.float16(0.5)), [Arg((3, 5, 3), "float16")], grad=False,
           rtol=2e-3, atol=2e-3),
]


def per_pixel(fn):
    """A reference applying fn(r, g, b) -> 3 values to each pixel of the last axis."""
    def ref(x):
        flat = x.reshape(-1, 3).astype(np.float64)
        return np.array([fn(*p) for p in flat]).reshape(x.shape).astype(x.dtype)
    return ref


def shifted_hue(delta):
    def fn(r, g, b):
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        return colorsys.hsv_to_rgb((h + delta) % 1.0, s, v)
    return fn


def scaled_saturation(factor):
    def fn(r, g, b):
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        return colorsys.hsv_to_rgb(h, min(max(s * factor, 0.0), 1.0), v)
    return fn


PIXELS = Arg((2, 3, 4, 3), static=(None, None, None, 3), low=0.05, high=0.95)
SPECS += [
    OpSpec("rgb_to_hsv", tf.image.rgb_to_hsv, per_pixel(colorsys.rgb_to_hsv), [PIXELS]),
    OpSpec("rgb_to_hsv/2d", tf.image.rgb_to_hsv, per_pixel(colorsys.rgb_to_hsv),
           [Arg((5, 3), "float64", low=0.0, high=1.0)]),
    OpSpec("hsv_to_rgb", tf.image.hsv_to_rgb, per_pixel(colorsys.hsv_to_rgb),
           [Arg((3, 4, 3), static=(3, None, 3), low=0.0, high=1.0)], grad=False),
    OpSpec("adjust_hue", lambda x: tf.image.adjust_hue(x, 0.3), per_pixel(shifted_hue(0.3)),
           [PIXELS], grad=False),
    OpSpec("adjust_hue/negative", lambda x: tf.image.adjust_hue(x, -0.85),
           per_pixel(shifted_hue(-0.85)), [Arg((4, 2, 3), low=0.0, high=1.0)], grad=False),
    OpSpec("adjust_saturation", lambda x: tf.image.adjust_saturation(x, 1.6),
           per_pixel(scaled_saturation(1.6)), [PIXELS], grad=False),
]
