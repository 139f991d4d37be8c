"""Op table entries for tf.image's bounding-box ops: the non-max suppression family against a
textbook per-pair loop, crop_and_resize and its gradient ops against per-pixel loops written
from TF's kernel formulas."""

import math

import numpy as np

import minitf as tf
from tests.op_specs.nn_specs import grad_of
from tests.op_specs.spec import Arg, OpSpec


def ref_iou(a, b):
    ya0, ya1 = sorted((a[0], a[2]))
    xa0, xa1 = sorted((a[1], a[3]))
    yb0, yb1 = sorted((b[0], b[2]))
    xb0, xb1 = sorted((b[1], b[3]))
    area_a, area_b = (ya1 - ya0) * (xa1 - xa0), (yb1 - yb0) * (xb1 - xb0)
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter = max(min(ya1, yb1) - max(ya0, yb0), 0) * max(min(xa1, xb1) - max(xa0, xb0), 0)
    return inter / (area_a + area_b - inter)


def ref_nms(boxes, scores, limit, threshold, score_threshold=-np.inf, similarity=None):
    similarity = similarity or (lambda i, j: ref_iou(boxes[i], boxes[j]))
    order = sorted((i for i in range(len(scores)) if scores[i] > score_threshold),
                   key=lambda i: (-scores[i], i))
    kept = []
    for i in order:
        if len(kept) == limit:
            break
        if all(similarity(i, j) <= threshold for j in kept):
            kept.append(i)
    return np.array(kept, dtype=np.int32)


def ref_soft_nms(boxes, scores, limit, score_threshold, sigma):
    """Soft NMS by its definition: take the best remaining box, decay the others by
    exp(-iou^2 / (2 sigma)) w.r.t. it, drop those at or below the threshold."""
    scores = scores.astype(np.float64).copy()
    left = [i for i in range(len(scores)) if scores[i] > score_threshold]
    kept, kept_scores = [], []
    while left and len(kept) < limit:
        best = max(left, key=lambda i: (scores[i], -i))
        left.remove(best)
        kept.append(best)
        kept_scores.append(scores[best])
        for i in left:
            scores[i] *= math.exp(-0.5 / sigma * ref_iou(boxes[i], boxes[best]) ** 2)
        left = [i for i in left if scores[i] > score_threshold]
    return np.array(kept, np.int32), np.array(kept_scores, np.float32)


def ref_combined(boxes, scores, per_class, total, threshold, score_threshold):
    batch, n, q, _ = boxes.shape
    out = [np.zeros((batch, total, 4), np.float32), np.zeros((batch, total), np.float32),
           np.zeros((batch, total), np.float32), np.zeros(batch, np.int32)]
    for b in range(batch):
        found = []
        for c in range(scores.shape[2]):
            cb = boxes[b, :, c if q > 1 else 0]
            for k in ref_nms(cb, scores[b, :, c], min(per_class, n), threshold, score_threshold):
                found.append((-scores[b, k, c], c, k))
        found.sort()
        for r, (s, c, k) in enumerate(found[:total]):
            out[0][b, r] = np.clip(boxes[b, k, c if q > 1 else 0], 0, 1)
            out[1][b, r], out[2][b, r] = -s, c
        out[3][b] = min(len(found), total)
    return out


def _boxes(n, seed):
    rng = np.random.RandomState(seed)
    low = rng.uniform(0, 6, (n, 2))
    return np.concatenate([low, low + rng.uniform(0.5, 3, (n, 2))], 1).astype(np.float32)


BOXES = Arg((14, 4), static=(None, 4), values=_boxes(14, 0))
SCORES = Arg((14,), static=(None,), low=0, high=1)
SPECS = [
    OpSpec("non_max_suppression", lambda b, s: tf.image.non_max_suppression(b, s, 8, 0.3),
           lambda b, s: ref_nms(b, s, 8, 0.3), [BOXES, SCORES], grad=False),
    OpSpec("non_max_suppression/score_threshold_float16",
           lambda b, s: tf.image.non_max_suppression(b, s, 20, 0.5, score_threshold=0.4),
           lambda b, s: ref_nms(b.astype(np.float32), s, 20, 0.5, np.float16(0.4)),
           [Arg((14, 4), "float16", values=_boxes(14, 1)), Arg((14,), "float16", low=0, high=1)],
           grad=False),
    OpSpec("non_max_suppression_padded",
           lambda b, s: tf.image.non_max_suppression_padded(b, s, 10, 0.2,
                                                            pad_to_max_output_size=True),
           lambda b, s: [np.pad(ref_nms(b, s, 10, 0.2), (0, 10 - len(ref_nms(b, s, 10, 0.2)))),
                         np.int32(len(ref_nms(b, s, 10, 0.2)))], [BOXES, SCORES], grad=False),
    OpSpec("non_max_suppression_with_scores/hard",
           lambda b, s: tf.image.non_max_suppression_with_scores(b, s, 5, 0.4),
           lambda b, s: [ref_nms(b, s, 5, 0.4), s[ref_nms(b, s, 5, 0.4)]], [BOXES, SCORES],
           grad=False),
    OpSpec("non_max_suppression_with_scores/soft",
           lambda b, s: tf.image.non_max_suppression_with_scores(
               b, s, 9, score_threshold=0.1, soft_nms_sigma=0.4),
           lambda b, s: list(ref_soft_nms(b, s, 9, 0.1, 0.4)), [BOXES, SCORES], grad=False),
    OpSpec("non_max_suppression_overlaps",
           lambda o, s: tf.image.non_max_suppression_overlaps(o, s, 6, 0.7, 0.1),
           lambda o, s: ref_nms(None, s, 6, 0.7, 0.1, similarity=lambda i, j: o[i, j]),
           [Arg((9, 9), static=(None, None), low=0, high=1), Arg((9,), low=0, high=1)],
           grad=False),
    OpSpec("combined_non_max_suppression",
           lambda b, s: tf.image.combined_non_max_suppression(b, s, 3, 5, 0.3, 0.2),
           lambda b, s: ref_combined(b, s, 3, 5, 0.3, 0.2),
           [Arg((2, 7, 2, 4), static=(None, 7, 2, 4), low=-0.1, high=1.1),
            Arg((2, 7, 2), low=0, high=1)], grad=False),
]


# -- crop_and_resize -------------------------------------------------------------------------------

def _source(lo, hi, size, crop, k):
    if crop > 1:
        return lo * (size - 1) + k * (hi - lo) * (size - 1) / (crop - 1)
    return 0.5 * (lo + hi) * (size - 1)


def _crop_pixels(image, boxes, ind, size):
    """For every crop pixel inside the image: (n, i, j, y, x) with y, x its source point."""
    _, h, w, _ = image.shape
    for n, (y1, x1, y2, x2) in enumerate(boxes.astype(np.float64)):
        for i in range(size[0]):
            y = _source(y1, y2, h, size[0], i)
            for j in range(size[1]):
                x = _source(x1, x2, w, size[1], j)
                if 0 <= y <= h - 1 and 0 <= x <= w - 1:
                    yield n, i, j, y, x


def ref_crop(image, boxes, ind, size, method="bilinear", extrapolation=0.0):
    out = np.full((len(boxes),) + tuple(size) + image.shape[3:], extrapolation)
    for n, i, j, y, x in _crop_pixels(image, boxes, ind, size):
        img = image[ind[n]].astype(np.float64)
        if method == "nearest":
            out[n, i, j] = img[int(math.floor(y + 0.5)), int(math.floor(x + 0.5))]
            continue
        y0, x0, y1, x1 = math.floor(y), math.floor(x), math.ceil(y), math.ceil(x)
        ly, lx = y - y0, x - x0
        top = img[y0, x0] * (1 - lx) + img[y0, x1] * lx
        bottom = img[y1, x0] * (1 - lx) + img[y1, x1] * lx
        out[n, i, j] = top * (1 - ly) + bottom * ly
    return out.astype(np.float32)


def ref_crop_grad_image(image, boxes, ind, size, dy, method="bilinear"):
    """The crop is linear in the image: its adjoint, one basis image at a time."""
    out = np.zeros(image.shape)
    for idx in np.ndindex(*image.shape):
        e = np.zeros(image.shape)
        e[idx] = 1
        out[idx] = (ref_crop(e, boxes, ind, size, method).astype(np.float64) * dy).sum()
    return out.astype(image.dtype)


def ref_crop_grad_boxes(image, boxes, ind, size, dy):
    """d(sum(dy * crop))/d boxes by the chain rule through the bilinear sample points."""
    _, h, w, _ = image.shape
    out = np.zeros((len(boxes), 4))
    for n, i, j, y, x in _crop_pixels(image, boxes, ind, size):
        img = image[ind[n]].astype(np.float64)
        y0, x0, y1, x1 = math.floor(y), math.floor(x), math.ceil(y), math.ceil(x)
        ly, lx = y - y0, x - x0
        d_y = ((img[y1, x0] - img[y0, x0]) * (1 - lx) + (img[y1, x1] - img[y0, x1]) * lx)
        d_x = ((img[y0, x1] - img[y0, x0]) * (1 - ly) + (img[y1, x1] - img[y1, x0]) * ly)
        gy, gx = (dy[n, i, j] * d_y).sum(), (dy[n, i, j] * d_x).sum()
        for k, (g, extent, crop, at) in enumerate(((gy, h, size[0], i), (gx, w, size[1], j))):
            if crop > 1:
                out[n, k] += g * (extent - 1) * (1 - at / (crop - 1))
                out[n, k + 2] += g * (extent - 1) * at / (crop - 1)
            else:
                out[n, k] += g * 0.5 * (extent - 1)
                out[n, k + 2] += g * 0.5 * (extent - 1)
    return out.astype(np.float32)


CROP_BOXES = np.array([[0.13, 0.21, 0.77, 0.88], [-0.21, 0.52, 0.61, 1.37],
                       [0.91, 0.83, 0.22, 0.12], [0.33, 0.41, 0.36, 0.44]], np.float32)
CROP_IND = np.array([1, 0, 1, 1], np.int32)
CROP_IMAGE = Arg((2, 4, 5, 2), static=(None, None, None, 2))
CROP_BOX_ARG = Arg((4, 4), static=(None, 4), values=CROP_BOXES)


def _crop(size, method="bilinear", extrapolation=0.0):
    """build(image, boxes) with boxes fed as float64 by the gradient check: cast to float32,
    the op's only box type, on the way in."""
    return lambda x, b: tf.image.crop_and_resize(x, tf.cast(b, tf.float32), CROP_IND, size,
                                                 method=method,
                                                 extrapolation_value=extrapolation)


SPECS += [
    OpSpec("crop_and_resize", _crop((3, 4)),
           lambda x, b: ref_crop(x, b, CROP_IND, (3, 4)), [CROP_IMAGE, CROP_BOX_ARG],
           rtol=1e-5, atol=1e-5, grad_delta=1e-3, grad_rtol=2e-3, grad_atol=1e-4),
    OpSpec("crop_and_resize/one_pixel_extrapolated", _crop((1, 1), extrapolation=-2.0),
           lambda x, b: ref_crop(x, b, CROP_IND, (1, 1), extrapolation=-2.0),
           [CROP_IMAGE, CROP_BOX_ARG], rtol=1e-5, atol=1e-5, grad_delta=1e-3,
           grad_rtol=2e-3, grad_atol=1e-4),
    OpSpec("crop_and_resize/nearest_uint8", _crop((3, 2), "nearest"),
           lambda x, b: ref_crop(x, b, CROP_IND, (3, 2), "nearest"),
           [Arg((2, 4, 5, 2), "uint8", low=0, high=255), CROP_BOX_ARG], grad=False),
    OpSpec("crop_and_resize/nearest", _crop((3, 2), "nearest"),
           lambda x, b: ref_crop(x, b, CROP_IND, (3, 2), "nearest"),
           [CROP_IMAGE, CROP_BOX_ARG], wrt=[0], grad_delta=1e-3, grad_rtol=2e-3,
           grad_atol=1e-4),
    OpSpec("crop_and_resize/grad_image_op", grad_of(_crop((3, 4))),
           lambda x, b, dy: ref_crop_grad_image(x, b, CROP_IND, (3, 4), dy),
           [CROP_IMAGE, CROP_BOX_ARG, Arg((4, 3, 4, 2))], grad=False, rtol=1e-5, atol=1e-5),
    OpSpec("crop_and_resize/grad_image_op_nearest", grad_of(_crop((2, 3), "nearest")),
           lambda x, b, dy: ref_crop_grad_image(x, b, CROP_IND, (2, 3), dy, "nearest"),
           [CROP_IMAGE, CROP_BOX_ARG, Arg((4, 2, 3, 2))], grad=False),
    OpSpec("crop_and_resize/grad_boxes_op", grad_of(_crop((3, 4)), wrt=1),
           lambda x, b, dy: ref_crop_grad_boxes(x, b, CROP_IND, (3, 4), dy),
           [CROP_IMAGE, CROP_BOX_ARG, Arg((4, 3, 4, 2))], grad=False, rtol=1e-4, atol=1e-4),
]
