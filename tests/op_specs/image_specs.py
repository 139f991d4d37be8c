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


# -- bicubic and area resizes, drawn boxes ---------------------------------------------------------

def _cubic(t, a):
    t = abs(t)
    if t <= 1:
        return ((a + 2) * t - (a + 3)) * t * t + 1
    if t < 2:
        return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
    return 0.0


def _cubic_weights(in_size, out_size, align, half):
    """(out_size, in_size) matrix of TF's bicubic kernel: the source offset quantized to
    1/1024 as TF's weight table, edge taps clamped (legacy) or dropped and renormalized (half
    pixel, Keys' a = -0.5)."""
    a = -0.5 if half else -0.75
    s = _scale(in_size, out_size, align)
    m = np.zeros((out_size, in_size))
    for o in range(out_size):
        at = (o + 0.5) * s - 0.5 if half else o * s
        start = math.floor(at)
        frac = round((at - start) * 1024) / 1024
        taps = [(start + k, _cubic(frac - k, a)) for k in (-1, 0, 1, 2)]
        if half:
            taps = [(i, w) for i, w in taps if 0 <= i < in_size]
            total = sum(w for _, w in taps)
            taps = [(i, w / total) for i, w in taps]
        for i, w in taps:
            m[o, min(max(i, 0), in_size - 1)] += w
    return m


def _area_weights(in_size, out_size, align):
    """(out_size, in_size) matrix of the area kernel: the part of each source pixel inside the
    output pixel's footprint [o * s, (o + 1) * s), divided by the footprint's length."""
    s = _scale(in_size, out_size, align)
    m = np.zeros((out_size, in_size))
    for o in range(out_size):
        lo, hi = o * s, (o + 1) * s
        for i in range(math.floor(lo), math.ceil(hi)):
            m[o, min(max(i, 0), in_size - 1)] += (min(i + 1, hi) - max(i, lo)) / s
    return m


def ref_separable(weights):
    def ref(x, size, **kw):
        my = weights(x.shape[1], size[0], **kw)
        mx = weights(x.shape[2], size[1], **kw)
        return np.einsum("ah,bw,nhwc->nabc", my, mx, x.astype(np.float64)).astype(np.float32)
    return ref


ref_bicubic = ref_separable(lambda i, o, align=False, half=False: _cubic_weights(i, o, align, half))
ref_area = ref_separable(lambda i, o, align=False: _area_weights(i, o, align))


def ref_draw(images, boxes, colors=None):
    out = images.copy()
    n, h, w, depth = images.shape
    table = colors if colors is not None else np.array(
        [[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
         [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1]])
    for b in range(n):
        for k, (y0, x0, y1, x1) in enumerate(boxes[b].astype(np.float32)):
            top, bottom = int(y0 * np.float32(h - 1)), int(y1 * np.float32(h - 1))
            left, right = int(x0 * np.float32(w - 1)), int(x1 * np.float32(w - 1))
            if top > bottom or left > right or top >= h or bottom < 0 or left >= w or right < 0:
                continue
            color = np.array(table[k % len(table)][:depth], images.dtype)
            if depth == 1 and colors is None:
                color = np.ones(1, images.dtype)
            for i in range(max(top, 0), min(bottom, h - 1) + 1):
                for j in range(max(left, 0), min(right, w - 1) + 1):
                    if i in (top, bottom) or j in (left, right):
                        out[b, i, j] = color
    return out


RIMG = (2, 4, 5, 2)
DRAW_BOXES = np.array([[[0.1, 0.2, 0.7, 0.9], [-0.2, 0.5, 0.5, 1.3], [0.6, 0.1, 0.2, 0.5]],
                       [[0.0, 0.0, 1.0, 1.0], [0.3, 0.3, 0.31, 0.8], [1.2, 0, 1.5, 1]]],
                      np.float32)
SPECS += [
    OpSpec("resize_bicubic", lambda x: tf.image.resize_bicubic(x, (7, 3)),
           lambda x: ref_bicubic(x, (7, 3)), [Arg(RIMG, static=(None, 4, 5, 2))],
           rtol=1e-4, atol=1e-5, grad_delta=1e-3, grad_rtol=1e-3, grad_atol=1e-5),
    OpSpec("resize_bicubic/align_corners", lambda x: tf.image.resize_bicubic(
        x, (3, 8), align_corners=True), lambda x: ref_bicubic(x, (3, 8), align=True),
        [Arg(RIMG, static=(None, None, None, 2))], rtol=1e-4, atol=1e-5, grad_delta=1e-3,
        grad_rtol=1e-3, grad_atol=1e-5),
    OpSpec("resize_bicubic/half_pixel_uint8", lambda x: tf.image.resize_bicubic(
        x, (6, 4), half_pixel_centers=True), lambda x: ref_bicubic(x, (6, 4), half=True),
        [Arg(RIMG, "uint8", low=0, high=255)], grad=False, rtol=1e-4, atol=1e-3),
    OpSpec("resize_bicubic/grad_op", grad_of(lambda x: tf.image.resize_bicubic(
        x, (6, 7), half_pixel_centers=True)),
        ref_adjoint(ref_bicubic, RIMG, (6, 7), half=True), [Arg(RIMG), Arg((2, 6, 7, 2))],
        grad=False, rtol=1e-4, atol=1e-5),
    OpSpec("resize_area", lambda x: tf.image.resize_area(x, (3, 2)),
           lambda x: ref_area(x, (3, 2)), [Arg(RIMG, static=(None, 4, 5, 2))], grad=False,
           rtol=1e-5, atol=1e-5),
    OpSpec("resize_area/align_corners_up_int32", lambda x: tf.image.resize_area(
        x, (7, 6), align_corners=True), lambda x: ref_area(x, (7, 6), align=True),
        [Arg(RIMG, "int32", low=-9, high=9)], grad=False, rtol=1e-5, atol=1e-5),
    OpSpec("draw_bounding_boxes", lambda x: tf.image.draw_bounding_boxes(x, DRAW_BOXES),
           lambda x: ref_draw(x, DRAW_BOXES), [Arg((2, 6, 7, 3), static=(None, 6, 7, 3))],
           grad=False),
    OpSpec("draw_bounding_boxes/colors_gray", lambda x: tf.image.draw_bounding_boxes(
        x, DRAW_BOXES, colors=[[0.5, 0.2, 0.1, 1.0], [0.9, 0.9, 0.9, 1.0]]),
        lambda x: ref_draw(x, DRAW_BOXES, [[0.5, 0.2, 0.1, 1.0], [0.9, 0.9, 0.9, 1.0]]),
        [Arg((2, 5, 4, 1), "float16")], grad=False),
]


# -- ImageProjectiveTransformV2 (tf.contrib.image) ------------------------------------------------

PROJECTIVE = np.array([[1.0, 0.3, -1.2, 0.1, 0.9, 0.5, 0.01, -0.02],
                       [0.8, -0.2, 0.7, 0.3, 1.1, -0.4, 0.0, 0.0]], np.float32)


def ref_projective(x, transforms, size, bilinear):
    """Per output pixel, TF's kernel formula: the sampled input point (in float32, as TF
    computes it, so that a point a rounding away from a half picks TF's pixel), then its
    nearest pixel (halves away from zero) or the bilinear blend of four in float64, 0
    outside."""
    n, h, w, c = x.shape
    out = np.zeros((n,) + tuple(size) + (c,))

    def pixel(b, y, x_):
        return x[b, y, x_] if 0 <= y < h and 0 <= x_ < w else np.zeros(c)

    for b in range(n):
        a0, a1, a2, b0, b1, b2, c0, c1 = transforms[min(b, len(transforms) - 1)]
        for i in range(size[0]):
            for j in range(size[1]):
                fi, fj = np.float32(i), np.float32(j)
                k = c0 * fj + c1 * fi + np.float32(1)
                if k == 0:
                    continue
                sx = float((a0 * fj + a1 * fi + a2) / k)
                sy = float((b0 * fj + b1 * fi + b2) / k)
                if not bilinear:
                    out[b, i, j] = pixel(b, int(math.floor(sy + 0.5) if sy >= 0 else
                                                math.ceil(sy - 0.5)),
                                         int(math.floor(sx + 0.5) if sx >= 0 else
                                             math.ceil(sx - 0.5)))
                    continue
                y0, x0 = math.floor(sy), math.floor(sx)
                top = (x0 + 1 - sx) * pixel(b, y0, x0) + (sx - x0) * pixel(b, y0, x0 + 1)
                bottom = (x0 + 1 - sx) * pixel(b, y0 + 1, x0) + (sx - x0) * pixel(b, y0 + 1,
                                                                                  x0 + 1)
                out[b, i, j] = (y0 + 1 - sy) * top + (sy - y0) * bottom
    return out


# grad=False: TF's gradient of the transform is the output gradient sent back through the
# inverse transform, an approximation of the derivative that TF defines and minitf keeps;
# tests/test_contrib_image.py compares it with TF's recorded gradient instead.
SPECS += [
    OpSpec("image_projective_transform/nearest", lambda x: tf.contrib.image.transform(
        x, PROJECTIVE, output_shape=[4, 7]),
        lambda x: ref_projective(x, PROJECTIVE, (4, 7), False),
        [Arg((2, 5, 6, 3), static=(None, 5, 6, 3))], grad=False),
    OpSpec("image_projective_transform/bilinear", lambda x: tf.contrib.image.transform(
        x, PROJECTIVE, "BILINEAR", output_shape=[4, 7]),
        lambda x: ref_projective(x, PROJECTIVE, (4, 7), True),
        [Arg((2, 5, 6, 3))], grad=False, rtol=1e-4, atol=1e-5),
    OpSpec("image_projective_transform/bilinear_float64_in_float32", lambda x:
        tf.contrib.image.transform(x, PROJECTIVE[1], "BILINEAR"),
        lambda x: ref_projective(x, PROJECTIVE[1:], (5, 6), True),
        [Arg((2, 5, 6, 1), "float64")], grad=False, rtol=1e-5, atol=1e-5),
]
