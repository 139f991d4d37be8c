"""tf.image's bounding-box ops: non-max suppression (greedy, soft, padded, on a matrix of
overlaps, and per class over a batch), crop_and_resize with its two gradient ops, and boxes
drawn on images (and extract_patches, TF 2's name for extract_image_patches).

Non-max suppression is sequential: a box is kept when no box kept before it overlaps it by
more than the threshold. The kernels walk the candidates sorted by score (ties: the lower index
first, as TF's priority queue orders them) and, each time they keep one, compute that box's row
of IoUs against the remaining candidates and drop the ones it suppresses. IoUs are computed in
float32 in the order TF's kernel computes them, so an IoU exactly at the threshold (which
suppresses only when strictly above) decides as TF's does. Corners may come in either order
(y1, x1, y2, x2 or flipped): the kernels take the min and max of each pair, as TF's. Soft NMS
(a Gaussian decay of the scores, `soft_nms_sigma` > 0) re-queues a decayed box, so there the
kernel picks the best remaining score at every step instead."""

import collections

import numpy as np

from minitf import dtypes, errors
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.array_ops import shape
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.op_util import dtype_error, rank_error, type_mismatch_error
from minitf.ops.random_ops import RandomOp
from minitf.ops.space_batch_ops import extract_image_patches

__all__ = ["non_max_suppression", "non_max_suppression_with_scores",
           "non_max_suppression_padded", "non_max_suppression_overlaps",
           "combined_non_max_suppression", "crop_and_resize", "draw_bounding_boxes",
           "extract_patches", "sample_distorted_bounding_box"]

_F32 = np.float32


# -- static checks (TF's shape-function messages; the graph adds the node and input shapes) ------

def _dims(t, rank):
    """t's static dims, checked to have `rank` (an unknown rank passes as all-unknown)."""
    if t.shape.ndims is not None and t.shape.ndims != rank:
        raise rank_error(rank, t.shape.ndims)
    return t.shape.as_tuple() if t.shape.ndims is not None else (None,) * rank


def _dim_is(value, want):
    if value is not None and value != want:
        raise ValueError("Dimension must be %d but is %d" % (want, value))


def _same_dim(a, b):
    if a is not None and b is not None and a != b:
        raise ValueError("Dimensions must be equal, but are %d and %d" % (a, b))
    return a if a is not None else b


def _check_type(arg, t, allowed, op_type=None):
    if t.dtype not in allowed:
        raise dtype_error(arg, t.dtype, allowed, op_type)


def _scalars(*tensors):
    for t in tensors:
        _dims(t, 0)


def _static_count(t):
    """The value of a scalar int tensor known at build time, or None."""
    value = constant_value(t)
    return None if value is None else int(value)


# -- the kernels' arithmetic -----------------------------------------------------------------------

def _corners(xp, boxes):
    """(low corners, high corners, areas) of (N, 4) boxes given in either corner order, float32
    as TF's kernels compute them."""
    b = boxes.astype(_F32, copy=False)
    low, high = xp.minimum(b[:, :2], b[:, 2:]), xp.maximum(b[:, :2], b[:, 2:])
    return low, high, (high[:, 0] - low[:, 0]) * (high[:, 1] - low[:, 1])


def _iou(xp, corners, i, others):
    """float32 IoUs of box i with the boxes `others` (an index array): intersection over
    (area_i + area_j - intersection), 0 where either box has no area (TF's kernel)."""
    low, high, area = corners
    extent = xp.maximum(xp.minimum(high[i], high[others]) - xp.maximum(low[i], low[others]),
                        _F32(0))
    inter = extent[:, 0] * extent[:, 1]
    valid = (area[i] > 0) & (area[others] > 0)
    union = area[i] + area[others] - inter
    return xp.where(valid, inter / xp.where(valid, union, _F32(1)), _F32(0))


def _debug(shape):
    """A shape as TF's kernels print it: [4,4,1]."""
    return "[%s]" % ",".join(str(d) for d in shape)


def _output_size(max_output_size):
    n = int(max_output_size)
    if n < 0:
        raise ValueError("output size must be non-negative")
    return n


def _check_boxes_scores(boxes, scores):
    if boxes.ndim != 2:
        raise ValueError("boxes must be 2-D%s" % _debug(boxes.shape))
    if boxes.shape[1] != 4:
        raise ValueError("boxes must have 4 columns (Dimension must be 4 but is %d)"
                         % boxes.shape[1])
    _check_scores(boxes.shape[0], scores)


def _check_scores(n, scores):
    if scores.ndim != 1:
        raise ValueError("scores must be 1-D%s" % _debug(scores.shape))
    if scores.shape[0] != n:
        raise ValueError("scores has incompatible shape (Dimensions must be equal, but are "
                         "%d and %d)" % (n, scores.shape[0]))


def _candidates(xp, scores, score_threshold):
    """Indices of the scores above the threshold, best first, ties by lower index."""
    above = xp.nonzero(scores > score_threshold)[0]
    return above[xp.argsort(-scores[above], kind="stable")]


def _greedy(xp, order, limit, suppressed_by):
    """Hard NMS over the candidate indices `order` (best first): keeps the first, drops those
    it suppresses (suppressed_by(kept, rest) -> bool mask), and so on, up to `limit` kept."""
    kept = []
    while len(kept) < limit and order.size:
        best = int(order[0])
        kept.append(best)
        rest = order[1:]
        order = rest[~suppressed_by(best, rest)] if rest.size else rest
    return kept


def _iou_suppression(xp, boxes, threshold):
    corners = _corners(xp, boxes)
    threshold = boxes.dtype.type(threshold)
    return lambda best, rest: _iou(xp, corners, best, rest).astype(boxes.dtype) > threshold


def _soft(xp, boxes, scores, limit, score_threshold, sigma):
    """Soft NMS as TF's kernel: the best remaining candidate is decayed by
    exp(-0.5 / sigma * iou^2) for each box kept since it was last looked at; it is kept if
    nothing decayed it, re-queued with its decayed score if still above the threshold, else
    dropped. Returns (kept indices, their scores)."""
    t = scores.dtype.type
    scale = t(-0.5) / t(sigma)
    corners = _corners(xp, boxes)
    current = scores.copy()
    live = scores > score_threshold
    begin = [0] * scores.shape[0]
    kept, kept_scores = [], []
    while len(kept) < limit and bool(live.any()):
        i = int(xp.argmax(xp.where(live, current, t(-float("inf")))))
        live[i] = False
        original = current[i]
        score = original
        if begin[i] < len(kept):
            sims = _iou(xp, corners, i, xp.asarray(kept[begin[i]:][::-1])).astype(scores.dtype)
            # The sequential product of the decays, as the kernel multiplies them one by one;
            # stopping at the first that falls to the threshold changes nothing kept.
            decayed = xp.cumprod(xp.concatenate([original[None], xp.exp(scale * sims * sims)]))
            score = decayed[-1]
            if bool((decayed[1:] <= score_threshold).any()):
                score = t(score_threshold)
        begin[i] = len(kept)
        if score == original:
            kept.append(i)
            kept_scores.append(original)
        elif score > score_threshold:
            current[i] = score
            live[i] = True
    return kept, kept_scores


def _check_nms(boxes, scores, max_output_size, iou_threshold):
    """The run-time checks of NonMaxSuppressionV3/V4/V5; returns the output limit."""
    limit = _output_size(max_output_size)
    if not 0 <= float(iou_threshold) <= 1:
        raise ValueError("iou_threshold must be in [0, 1]")
    _check_boxes_scores(boxes, scores)
    return limit


def _hard_nms(xp, boxes, scores, max_output_size, iou_threshold, score_threshold):
    """Greedy NMS of NonMaxSuppressionV3/V4/V5: (kept indices, the limit)."""
    limit = _check_nms(boxes, scores, max_output_size, iou_threshold)
    order = _candidates(xp, scores, scores.dtype.type(score_threshold))
    return _greedy(xp, order, limit, _iou_suppression(xp, boxes, iou_threshold)), limit


def _indices(xp, kept, pad_to=None):
    out = xp.zeros(max(len(kept), pad_to or 0), dtype=xp.int32)
    out[:len(kept)] = xp.asarray(kept, dtype=xp.int32) if kept else 0
    return out


# -- non-max suppression ops -----------------------------------------------------------------------

_BOX_TYPES = (dtypes.float16, dtypes.float32)


class _NonMaxSuppression(OpDef):
    """Base of the NMS ops: indices out, so not differentiable."""

    differentiable = False

    def _check(self, boxes, scores, max_output_size, *thresholds, threshold_types=_BOX_TYPES):
        _check_type("boxes", boxes, _BOX_TYPES)
        if scores.dtype is not boxes.dtype:
            raise type_mismatch_error(self.type_name, "scores", scores.dtype, "boxes",
                                      boxes.dtype)
        _check_type("max_output_size", max_output_size, (dtypes.int32,))
        for t in thresholds:
            _check_type("iou_threshold", t, threshold_types)
        n, four = _dims(boxes, 2)
        (m,) = _dims(scores, 1)
        _scalars(max_output_size, *thresholds)
        _dim_is(four, 4)
        _same_dim(n, m)

    def _count(self, max_output_size, pad):
        return _static_count(max_output_size) if pad else None


@register
class NonMaxSuppressionV3(_NonMaxSuppression):
    """Indices of the boxes greedy NMS keeps, best first (tf.image.non_max_suppression)."""

    tf_signature = TFSignature(type_attrs=(("T", 0), ("T_threshold", 3)))

    def infer(self, boxes, scores, max_output_size, iou_threshold, score_threshold):
        self._check(boxes, scores, max_output_size, iou_threshold, score_threshold)
        return TensorSpec((None,), dtypes.int32)

    def compute(self, xp, boxes, scores, max_output_size, iou_threshold, score_threshold):
        kept, _ = _hard_nms(xp, boxes, scores, max_output_size, iou_threshold, score_threshold)
        return _indices(xp, kept)


@register
class NonMaxSuppressionV4(_NonMaxSuppression):
    """NonMaxSuppressionV3 that can pad its indices with zeros to max_output_size, and also
    returns how many are valid (tf.image.non_max_suppression_padded)."""

    tf_signature = TFSignature(type_attrs=(("T", 0), ("T_threshold", 3)))
    pad_to_max_output_size: bool = False

    def infer(self, boxes, scores, max_output_size, iou_threshold, score_threshold):
        self._check(boxes, scores, max_output_size, iou_threshold, score_threshold)
        count = self._count(max_output_size, self.pad_to_max_output_size)
        return [TensorSpec((count,), dtypes.int32), TensorSpec((), dtypes.int32)]

    def compute(self, xp, boxes, scores, max_output_size, iou_threshold, score_threshold):
        kept, limit = _hard_nms(xp, boxes, scores, max_output_size, iou_threshold,
                                score_threshold)
        pad = limit if self.pad_to_max_output_size else None
        return _indices(xp, kept, pad), xp.asarray(len(kept), dtype=xp.int32)


@register
class NonMaxSuppressionV5(_NonMaxSuppression):
    """NMS that also returns the kept boxes' scores, and soft NMS when soft_nms_sigma > 0
    (tf.image.non_max_suppression_with_scores)."""

    pad_to_max_output_size: bool = False
    differentiable = True  # but no gradient: TF defines none (LookupError)

    def infer(self, boxes, scores, max_output_size, iou_threshold, score_threshold,
              soft_nms_sigma):
        self._check(boxes, scores, max_output_size, iou_threshold, score_threshold,
                    soft_nms_sigma)
        for name, t in (("iou_threshold", iou_threshold), ("score_threshold", score_threshold),
                        ("soft_nms_sigma", soft_nms_sigma)):
            if t.dtype is not boxes.dtype:
                raise type_mismatch_error(self.type_name, name, t.dtype, "boxes", boxes.dtype)
        count = self._count(max_output_size, self.pad_to_max_output_size)
        return [TensorSpec((count,), dtypes.int32), TensorSpec((count,), boxes.dtype),
                TensorSpec((), dtypes.int32)]

    def compute(self, xp, boxes, scores, max_output_size, iou_threshold, score_threshold,
                soft_nms_sigma):
        if float(soft_nms_sigma) < 0:
            raise ValueError("soft_nms_sigma_val must be >= 0")
        t = scores.dtype.type
        if float(soft_nms_sigma) > 0:
            limit = _check_nms(boxes, scores, max_output_size, iou_threshold)
            kept, kept_scores = _soft(xp, boxes, scores, limit, t(score_threshold),
                                      t(soft_nms_sigma))
        else:
            kept, limit = _hard_nms(xp, boxes, scores, max_output_size, iou_threshold,
                                    score_threshold)
            kept_scores = scores[xp.asarray(kept, dtype=xp.int64)] if kept else []
        pad = limit if self.pad_to_max_output_size else None
        out_scores = xp.zeros(max(len(kept), pad or 0), dtype=scores.dtype)
        if kept:
            out_scores[:len(kept)] = xp.asarray(kept_scores, dtype=scores.dtype)
        return _indices(xp, kept, pad), out_scores, xp.asarray(len(kept), dtype=xp.int32)


@register
class NonMaxSuppressionWithOverlaps(_NonMaxSuppression):
    """Greedy NMS where overlaps[i, j] (any similarity) says how much candidate i overlaps kept
    box j (tf.image.non_max_suppression_overlaps)."""

    tf_signature = TFSignature(type_attrs=())

    def infer(self, overlaps, scores, max_output_size, overlap_threshold, score_threshold):
        for name, t in (("overlaps", overlaps), ("scores", scores),
                        ("overlap_threshold", overlap_threshold),
                        ("score_threshold", score_threshold)):
            _check_type(name, t, (dtypes.float32,))
        _check_type("max_output_size", max_output_size, (dtypes.int32,))
        n, m = _dims(overlaps, 2)
        (k,) = _dims(scores, 1)
        _scalars(max_output_size, overlap_threshold, score_threshold)
        _same_dim(_same_dim(n, m), k)
        return TensorSpec((None,), dtypes.int32)

    def compute(self, xp, overlaps, scores, max_output_size, overlap_threshold,
                score_threshold):
        limit = _output_size(max_output_size)
        if overlaps.ndim != 2 or overlaps.shape[0] != overlaps.shape[1]:
            raise ValueError("overlaps must be square%s" % _debug(overlaps.shape))
        _check_scores(overlaps.shape[0], scores)
        order = _candidates(xp, scores, _F32(score_threshold))
        threshold = _F32(overlap_threshold)
        return _indices(xp, _greedy(xp, order, limit,
                                    lambda best, rest: overlaps[rest, best] > threshold))


@register
class CombinedNonMaxSuppression(OpDef):
    """Greedy NMS per batch entry and class, the kept boxes of all classes merged best first
    into max_total_size rows padded with zeros (tf.image.combined_non_max_suppression)."""

    tf_signature = TFSignature(type_attrs=())  # no gradient: TF defines none (LookupError)
    pad_per_class: bool = False
    clip_boxes: bool = True

    def infer(self, boxes, scores, max_output_size_per_class, max_total_size, iou_threshold,
              score_threshold):
        for name, t in (("boxes", boxes), ("scores", scores), ("iou_threshold", iou_threshold),
                        ("score_threshold", score_threshold)):
            _check_type(name, t, (dtypes.float32,))
        for name, t in (("max_output_size_per_class", max_output_size_per_class),
                        ("max_total_size", max_total_size)):
            _check_type(name, t, (dtypes.int32,))
        b, n, q, four = _dims(boxes, 4)
        b2, n2, classes = _dims(scores, 3)
        _scalars(max_output_size_per_class, max_total_size, iou_threshold, score_threshold)
        batch = _same_dim(b, b2)
        _same_dim(n, n2)
        _dim_is(four, 4)
        if q is not None and classes is not None and q not in (1, classes):
            raise ValueError("third dimension of boxes must be either 1 or equal to the third "
                             "dimension of scores")
        total = _static_count(max_total_size)
        if self.pad_per_class:
            per_class = _static_count(max_output_size_per_class)
            total = None if None in (total, per_class, classes) else \
                min(total, per_class * classes)
        return [TensorSpec((batch, total, 4), dtypes.float32),
                TensorSpec((batch, total), dtypes.float32),
                TensorSpec((batch, total), dtypes.float32), TensorSpec((batch,), dtypes.int32)]

    def compute(self, xp, boxes, scores, max_output_size_per_class, max_total_size,
                iou_threshold, score_threshold):
        per_class, total = int(max_output_size_per_class), int(max_total_size)
        if per_class <= 0:
            raise ValueError("max_size_per_class must be > 0")
        if total <= 0:
            raise ValueError("max_total_size must be > 0")
        if boxes.shape[2] not in (1, scores.shape[2]):
            raise ValueError("third dimension of boxes must be either 1 or num classes")
        batch, n, q = boxes.shape[:3]
        classes = scores.shape[2]
        if self.pad_per_class:
            total = min(total, per_class * classes)
        threshold, floor = _F32(iou_threshold), _F32(score_threshold)
        out_boxes = xp.zeros((batch, total, 4), _F32)
        out_scores = xp.zeros((batch, total), _F32)
        out_classes = xp.zeros((batch, total), _F32)
        valid = xp.zeros(batch, xp.int32)
        for i in range(batch):
            found = []  # (class, box index) in class order, each class's best first
            for c in range(classes):
                class_boxes = boxes[i, :, c if q > 1 else 0]
                order = _candidates(xp, scores[i, :, c], floor)
                kept = _greedy(xp, order, min(per_class, n),
                               _iou_suppression(xp, class_boxes, threshold))
                found += [(c, k) for k in kept]
            if not found:
                continue
            cls = xp.asarray([c for c, _ in found])
            idx = xp.asarray([k for _, k in found])
            found_scores = scores[i, idx, cls]
            best = xp.argsort(-found_scores, kind="stable")[:total]
            count = int(best.shape[0])
            kept_boxes = boxes[i, idx[best], cls[best] if q > 1 else 0]
            out_boxes[i, :count] = xp.clip(kept_boxes, 0, 1) if self.clip_boxes else kept_boxes
            out_scores[i, :count] = found_scores[best]
            out_classes[i, :count] = cls[best]
            valid[i] = count
        return out_boxes, out_scores, out_classes, valid


# -- the public functions --------------------------------------------------------------------------

def _nms_inputs(boxes, scores, max_output_size):
    return (convert_to_tensor(boxes, name="boxes"), convert_to_tensor(scores, name="scores"),
            convert_to_tensor(max_output_size, dtype=dtypes.int32, name="max_output_size"))


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5,
                        score_threshold=float("-inf"), name=None):
    """tf.image.non_max_suppression: int32 indices of the boxes (N, 4) greedy NMS keeps, best
    score first: at most max_output_size, none of them overlapping a better kept box by IoU
    more than iou_threshold, all scoring above score_threshold."""
    with name_scope(name, "non_max_suppression"):
        iou_threshold = convert_to_tensor(iou_threshold, name="iou_threshold")
        score_threshold = convert_to_tensor(score_threshold, name="score_threshold")
        return NonMaxSuppressionV3()(*_nms_inputs(boxes, scores, max_output_size),
                                     iou_threshold, score_threshold, name="NonMaxSuppressionV3")


def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5,
                                    score_threshold=float("-inf"), soft_nms_sigma=0.0,
                                    name=None):
    """tf.image.non_max_suppression_with_scores: (indices, scores) of the kept boxes; with
    soft_nms_sigma > 0, soft NMS (Bodla et al.): overlapping boxes are not dropped but their
    scores decay by exp(-iou^2 / (2 sigma)), and the decayed scores are returned."""
    with name_scope(name, "non_max_suppression_with_scores"):
        iou_threshold = convert_to_tensor(iou_threshold, name="iou_threshold")
        score_threshold = convert_to_tensor(score_threshold, name="score_threshold")
        soft_nms_sigma = convert_to_tensor(soft_nms_sigma, name="soft_nms_sigma")
        indices, kept_scores, _ = NonMaxSuppressionV5(False)(
            *_nms_inputs(boxes, scores, max_output_size), iou_threshold, score_threshold,
            soft_nms_sigma, name="NonMaxSuppressionV5")
        return indices, kept_scores


def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5,
                               score_threshold=float("-inf"), pad_to_max_output_size=False,
                               name=None):
    """tf.image.non_max_suppression_padded (TF 1.15's): (indices, valid count); with
    pad_to_max_output_size the indices are padded with zeros to max_output_size (a static
    shape when it is a constant)."""
    with name_scope(name, "non_max_suppression_padded"):
        iou_threshold = convert_to_tensor(iou_threshold, name="iou_threshold")
        score_threshold = convert_to_tensor(score_threshold, name="score_threshold")
        return tuple(NonMaxSuppressionV4(bool(pad_to_max_output_size))(
            *_nms_inputs(boxes, scores, max_output_size), iou_threshold, score_threshold,
            name="NonMaxSuppressionV4"))


def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    """tf.image.non_max_suppression_overlaps: greedy NMS on a given (N, N) overlap matrix
    (overlaps[i, j]: how much candidate i overlaps kept box j)."""
    with name_scope(name, "non_max_suppression_overlaps"):
        overlap_threshold = convert_to_tensor(overlap_threshold, name="overlap_threshold")
        return NonMaxSuppressionWithOverlaps()(
            convert_to_tensor(overlaps, name="overlaps"), convert_to_tensor(scores, name="scores"),
            convert_to_tensor(max_output_size, dtype=dtypes.int32, name="max_output_size"),
            overlap_threshold,
            convert_to_tensor(score_threshold, dtype=dtypes.float32, name="score_threshold"),
            name="NonMaxSuppressionWithOverlaps")


def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size,
                                 iou_threshold=0.5, score_threshold=float("-inf"),
                                 pad_per_class=False, clip_boxes=True, name=None):
    """tf.image.combined_non_max_suppression: boxes (batch, N, q, 4) (q = 1: shared by the
    classes, else one per class), scores (batch, N, classes). Greedy NMS per class keeps at
    most max_output_size_per_class boxes; the kept boxes of all classes, best first, fill
    max_total_size rows (fewer with pad_per_class) padded with zeros. Returns (nmsed_boxes,
    nmsed_scores, nmsed_classes (float32), valid_detections)."""
    with name_scope(name, "combined_non_max_suppression"):
        iou_threshold = convert_to_tensor(iou_threshold, dtype=dtypes.float32,
                                          name="iou_threshold")
        score_threshold = convert_to_tensor(score_threshold, dtype=dtypes.float32,
                                            name="score_threshold")
        max_total_size = convert_to_tensor(max_total_size, dtype=dtypes.int32)
        return tuple(CombinedNonMaxSuppression(bool(pad_per_class), bool(clip_boxes))(
            convert_to_tensor(boxes, name="boxes"), convert_to_tensor(scores, name="scores"),
            convert_to_tensor(max_output_size_per_class, dtype=dtypes.int32,
                              name="max_output_size_per_class"),
            max_total_size, iou_threshold, score_threshold, name="CombinedNonMaxSuppression"))


# -- crop_and_resize ----------------------------------------------------------------------------

_IMAGE_TYPES = tuple(dtypes.as_dtype(n) for n in (
    "uint8", "uint16", "int8", "int16", "int32", "int64", "float16", "float32", "float64"))


def _crop_axis(xp, low, high, size, crop, exact_scale=True):
    """(N, crop) float32 source coordinates along one axis, as TF's kernels compute them (the
    gradient-of-boxes kernel scales by a precomputed ratio)."""
    if crop > 1:
        if exact_scale:
            scale = (high - low) * _F32(size - 1) / _F32(crop - 1)
        else:
            scale = (high - low) * (_F32(size - 1) / _F32(crop - 1))
        return low[:, None] * _F32(size - 1) + xp.arange(crop, dtype=_F32) * scale[:, None]
    # 0.5 is a double in TF's kernel: the centre is computed in float64 and rounded.
    centre = 0.5 * (low + high).astype("float64") * (size - 1)
    return centre.astype(_F32)[:, None]


_Axis = collections.namedtuple("_Axis", "inside low high lerp nearest")


class _Sampling:
    """Where each crop pixel samples the image: per axis (rows, columns) whether the float32
    coordinate lies inside, its floor and ceil indices (clipped into the image), lerp weight and
    nearest index."""

    def __init__(self, xp, boxes, image_hw, crop_hw, exact_scale=True):
        b = boxes.astype(_F32, copy=False)
        self.axes = []
        for k, (size, crop) in enumerate(zip(image_hw, crop_hw)):
            at = _crop_axis(xp, b[:, k], b[:, k + 2], size, crop, exact_scale)
            inside = (at >= 0) & (at <= size - 1)
            floor = xp.floor(at)
            lerp = at - floor
            low = xp.clip(floor, 0, size - 1).astype(xp.int64)
            high = xp.clip(xp.ceil(at), 0, size - 1).astype(xp.int64)
            nearest = xp.clip(floor + (lerp >= 0.5), 0, size - 1).astype(xp.int64)  # roundf
            self.axes.append(_Axis(inside, low, high, lerp, nearest))
        rows, cols = self.axes
        self.inside = rows.inside[:, :, None] & cols.inside[:, None, :]  # (N, h, w)


def _check_crop(xp, image, boxes, box_ind, crop_size):
    if image.ndim != 4:
        raise ValueError("input image must be 4-D%s" % _debug(image.shape))
    if image.shape[1] <= 0 or image.shape[2] <= 0:
        raise ValueError("image dimensions must be positive")
    size = [int(v) for v in crop_size.tolist()] if crop_size is not None else None
    if size is not None:
        if len(size) != 2:
            raise ValueError("crop_size must have two elements%s" % _debug(crop_size.shape))
        if size[0] <= 0 or size[1] <= 0:
            raise ValueError("crop dimensions must be positive")
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError("boxes must have 4 columns" if boxes.ndim == 2 else
                         "boxes must be 2-D%s" % _debug(boxes.shape))
    if box_ind.ndim != 1 or box_ind.shape[0] != boxes.shape[0]:
        raise ValueError("box_index has incompatible shape")
    if box_ind.size and (int(box_ind.min()) < 0 or int(box_ind.max()) >= image.shape[0]):
        raise errors.OutOfRangeError(None, None, "box_index has values outside [0, batch_size)")
    return size


def _corner_values(image, box_ind, sampling):
    """The four float32 neighbours (top-left, top-right, bottom-left, bottom-right) of every
    crop pixel, (N, h, w, depth) each."""
    y, x = sampling.axes
    b = box_ind.astype("int64")[:, None, None]
    return [image[b, rows[:, :, None], cols[:, None, :]].astype(_F32, copy=False)
            for rows in (y.low, y.high) for cols in (x.low, x.high)]


def _check_crop_inputs(boxes, box_ind):
    """Static checks of boxes (N, 4) float32 and box_ind (N,) int32; returns N."""
    _check_type("boxes", boxes, (dtypes.float32,))
    _check_type("box_ind", box_ind, (dtypes.int32,))
    n, four = _dims(boxes, 2)
    (m,) = _dims(box_ind, 1)
    _dim_is(four, 4)
    return _same_dim(n, m)


def _crop_size_dims(crop_size):
    _check_type("crop_size", crop_size, (dtypes.int32,))
    (k,) = _dims(crop_size, 1)
    _dim_is(k, 2)
    value = constant_value(crop_size)
    if value is None:
        return None, None
    return tuple(int(v) if v > 0 else None for v in value)


@register
class CropAndResize(OpDef):
    """Crops of the boxes (normalized y1, x1, y2, x2; flipped corners flip the crop) from the
    images box_ind names, each resampled to crop_size (bilinear or nearest); positions outside
    the image get extrapolation_value. float32 out."""

    method: str = "bilinear"
    extrapolation_value: float = 0.0

    def infer(self, image, boxes, box_ind, crop_size):
        _check_type("image", image, _IMAGE_TYPES)
        _, _, _, depth = _dims(image, 4)
        n = _check_crop_inputs(boxes, box_ind)
        return TensorSpec((n,) + _crop_size_dims(crop_size) + (depth,), dtypes.float32)

    def compute(self, xp, image, boxes, box_ind, crop_size):
        size = _check_crop(xp, image, boxes, box_ind, crop_size)
        s = _Sampling(xp, boxes, image.shape[1:3], size)
        if self.method == "bilinear":
            top_left, top_right, bottom_left, bottom_right = _corner_values(image, box_ind, s)
            x_lerp = s.axes[1].lerp[:, None, :, None]
            y_lerp = s.axes[0].lerp[:, :, None, None]
            top = top_left + (top_right - top_left) * x_lerp
            bottom = bottom_left + (bottom_right - bottom_left) * x_lerp
            crops = top + (bottom - top) * y_lerp
        else:
            rows, cols = s.axes[0].nearest, s.axes[1].nearest
            b = box_ind.astype("int64")[:, None, None]
            crops = image[b, rows[:, :, None], cols[:, None, :]].astype(_F32)
        return xp.where(s.inside[..., None], crops, _F32(self.extrapolation_value))

    def grad(self, op, dy):
        image, boxes, box_ind, _ = op.inputs
        dimage = None
        if image.dtype.is_floating:
            dimage = CropAndResizeGradImage(self.method, image.dtype)(
                dy, boxes, box_ind, shape(image), name="CropAndResizeGradImage")
        # TF approximates the boxes' gradient of a nearest crop by the bilinear one too.
        dboxes = CropAndResizeGradBoxes()(dy, image, boxes, box_ind,
                                          name="CropAndResizeGradBoxes")
        return [dimage, dboxes, None, None]


@register
class CropAndResizeGradImage(OpDef):
    """The gradient of CropAndResize w.r.t. the image: each crop pixel's gradient added to the
    pixels it sampled, with their bilinear weights (or to the nearest one), in dtype T."""

    tf_signature = TFSignature(type_attrs=())  # no gradient: TF defines none (LookupError)
    method: str = "bilinear"
    T: object = dtypes.float32

    def infer(self, grads, boxes, box_ind, image_size):
        _check_type("grads", grads, (dtypes.float32,))
        n, _, _, depth = _dims(grads, 4)
        _same_dim(n, _check_crop_inputs(boxes, box_ind))
        _check_type("image_size", image_size, (dtypes.int32,))
        (k,) = _dims(image_size, 1)
        _dim_is(k, 4)
        value = constant_value(image_size)
        dims = (None,) * 4 if value is None else tuple(int(v) for v in value)
        return TensorSpec(dims[:3] + (_same_dim(dims[3], depth),), dtypes.as_dtype(self.T))

    def compute(self, xp, grads, boxes, box_ind, image_size):
        batch, height, width, depth = (int(v) for v in image_size.tolist())
        out_dtype = dtypes.as_dtype(self.T).as_numpy_dtype
        image = xp.zeros((batch, height, width, depth), out_dtype)
        _check_crop(xp, image, boxes, box_ind, None)
        s = _Sampling(xp, boxes, (height, width), grads.shape[1:3])
        b = xp.broadcast_to(box_ind.astype("int64")[:, None, None], s.inside.shape)[s.inside]
        g = grads[s.inside]  # (pixels inside, depth), in TF's loop order
        y, x = s.axes
        rows = lambda a: xp.broadcast_to(a[:, :, None], s.inside.shape)[s.inside]  # noqa: E731
        cols = lambda a: xp.broadcast_to(a[:, None, :], s.inside.shape)[s.inside]  # noqa: E731
        if self.method == "nearest":
            xp.add.at(image, (b, rows(y.nearest), cols(x.nearest)), g.astype(out_dtype))
            return image
        yl, xl = rows(y.lerp)[:, None], cols(x.lerp)[:, None]
        dtop, dbottom = (1 - yl) * g, yl * g
        # The four neighbours of each pixel interleaved, in the order TF's loop adds them.
        ys = xp.stack([rows(y.low), rows(y.low), rows(y.high), rows(y.high)], 1).ravel()
        xs = xp.stack([cols(x.low), cols(x.high), cols(x.low), cols(x.high)], 1).ravel()
        parts = xp.stack([(1 - xl) * dtop, xl * dtop, (1 - xl) * dbottom, xl * dbottom], 1)
        xp.add.at(image, (xp.repeat(b, 4), ys, xs), parts.reshape(-1, depth).astype(out_dtype))
        return image


@register
class CropAndResizeGradBoxes(OpDef):
    """The gradient of a bilinear CropAndResize w.r.t. the boxes' corners (float32)."""

    tf_signature = TFSignature(type_attrs=(("T", 1),))  # no gradient in TF either
    method: str = "bilinear"

    def infer(self, grads, image, boxes, box_ind):
        _check_type("grads", grads, (dtypes.float32,))
        _check_type("image", image, _IMAGE_TYPES)
        n, _, _, depth = _dims(grads, 4)
        _same_dim(depth, _dims(image, 4)[3])
        n = _same_dim(n, _check_crop_inputs(boxes, box_ind))
        return TensorSpec((n, 4), dtypes.float32)

    def compute(self, xp, grads, image, boxes, box_ind):
        _check_crop(xp, image, boxes, box_ind, None)
        height, width = image.shape[1:3]
        crop_h, crop_w = grads.shape[1:3]
        s = _Sampling(xp, boxes, (height, width), (crop_h, crop_w), exact_scale=False)
        top_left, top_right, bottom_left, bottom_right = _corner_values(image, box_ind, s)
        x_lerp = s.axes[1].lerp[:, None, :, None]
        y_lerp = s.axes[0].lerp[:, :, None, None]
        dy = (1 - x_lerp) * (bottom_left - top_left) + x_lerp * (bottom_right - top_right)
        dx = (1 - y_lerp) * (top_right - top_left) + y_lerp * (bottom_right - bottom_left)
        g = xp.where(s.inside[..., None], grads, _F32(0))
        gy, gx = (g * dy).sum(axis=(2, 3)), (g * dx).sum(axis=(1, 3))  # (N, crop_h), (N, crop_w)
        out = xp.zeros((boxes.shape[0], 4), _F32)
        for k, (size, crop, weighted) in enumerate(((height, crop_h, gy), (width, crop_w, gx))):
            if crop > 1:
                ratio = _F32(size - 1) / _F32(crop - 1)
                to_high = xp.arange(crop, dtype=_F32) * ratio
                out[:, k] = (weighted * (_F32(size - 1) - to_high)).sum(axis=1)
                out[:, k + 2] = (weighted * to_high).sum(axis=1)
            else:
                out[:, k] = out[:, k + 2] = weighted[:, 0] * _F32(0.5 * (size - 1))
        return out


def crop_and_resize(image, boxes, box_ind=None, crop_size=None, method="bilinear",
                    extrapolation_value=0, name=None, box_indices=None):
    """tf.image.crop_and_resize (TF1's, with box_ind or box_indices): crops of the boxes
    (normalized corners y1, x1, y2, x2 of image box_ind[i]) resampled to crop_size, float32
    (num_boxes, crop_height, crop_width, depth); positions outside the image get
    extrapolation_value."""
    if box_ind is not None and box_indices is not None:
        raise ValueError("Cannot specify both 'box_indices' and 'box_ind'")
    box_ind = box_indices if box_ind is None else box_ind
    if method not in ("bilinear", "nearest"):
        raise ValueError("Attr 'method' of 'CropAndResize' Op passed string '%s' not in: "
                         "\"bilinear\", \"nearest\"." % (method,))
    image = convert_to_tensor(image, name="image")
    boxes = convert_to_tensor(boxes, dtype=dtypes.float32, name="boxes")
    box_ind = convert_to_tensor(box_ind, dtype=dtypes.int32, name="box_ind")
    crop_size = convert_to_tensor(crop_size, dtype=dtypes.int32, name="crop_size")
    return CropAndResize(method, float(extrapolation_value))(
        image, boxes, box_ind, crop_size, name=name or "CropAndResize")


# -- draw_bounding_boxes ---------------------------------------------------------------------------

def _default_colors(depth):
    """TF's table of box colours (RGBA; the first channel 1 for a single-channel image)."""
    table = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
                      [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1],
                      [1, 0, 1, 1]], _F32)
    if depth == 1:
        table[:, 0] = 1
    return table


@register
class DrawBoundingBoxes(OpDef):
    """Images with the outlines of the boxes (batch, boxes, 4: normalized y_min, x_min, y_max,
    x_max) drawn one pixel wide in colours cycling through TF's table; later boxes drawn over
    earlier ones, inverted boxes and boxes wholly outside skipped, as TF's kernel. No gradient
    (TF marks it not differentiable)."""

    differentiable = False

    def infer(self, images, boxes, *colors):
        _check_type("images", images, (dtypes.float16, dtypes.float32))
        _check_type("boxes", boxes, (dtypes.float32,))
        b, _, _, depth = _dims(images, 4)
        b2, _, four = _dims(boxes, 3)
        if depth not in (None, 1, 3, 4):
            raise ValueError("Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA)")
        for c in colors:
            _check_type("colors", c, (dtypes.float32,))
            _dims(c, 2)
        _same_dim(b, b2)
        return TensorSpec(images.shape, images.dtype)

    def compute(self, xp, images, boxes, colors=None):
        if images.ndim != 4:
            raise ValueError("The rank of the images should be 4")
        if boxes.ndim != 3:
            raise ValueError("The rank of the boxes tensor should be 3")
        if images.shape[0] != boxes.shape[0]:
            raise ValueError("The batch sizes should be the same")
        batch, height, width, depth = images.shape
        if depth not in (1, 3, 4):
            raise ValueError("Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA)")
        if boxes.shape[2] != 4:
            raise ValueError("The size of the third dimension of the box must be 4. Received: "
                             "%d" % boxes.shape[2])
        table = None
        if colors is not None:
            if colors.ndim != 2:
                raise ValueError("colors must be a 2-D matrix%s" % _debug(colors.shape))
            if colors.shape[1] < depth:
                raise ValueError("colors must have equal or more channels than the image "
                                 "provided: %s" % _debug(colors.shape))
            if colors.size:
                table = colors[:, :depth].astype(images.dtype)
        if table is None:
            table = xp.asarray(_default_colors(depth)[:, :depth], dtype=images.dtype)
        canvas = images.copy()
        # TF's corners: the box coordinate times (size - 1) in float32, truncated towards 0.
        f = boxes.astype(_F32)
        rows = (f[:, :, 0::2] * _F32(height - 1)).astype("int64").tolist()
        cols = (f[:, :, 1::2] * _F32(width - 1)).astype("int64").tolist()
        for b in range(batch):
            for k in range(boxes.shape[1]):
                (top, bottom), (left, right) = rows[b][k], cols[b][k]
                if top > bottom or left > right or top >= height or bottom < 0 or \
                        left >= width or right < 0:
                    continue
                color = table[k % table.shape[0]]
                r0, r1 = max(top, 0), min(bottom, height - 1)
                c0, c1 = max(left, 0), min(right, width - 1)
                if top >= 0:
                    canvas[b, top, c0:c1 + 1] = color
                if bottom < height:
                    canvas[b, bottom, c0:c1 + 1] = color
                if left >= 0:
                    canvas[b, r0:r1 + 1, left] = color
                if right < width:
                    canvas[b, r0:r1 + 1, right] = color
        return canvas


@register
class DrawBoundingBoxesV2(DrawBoundingBoxes):
    """DrawBoundingBoxes with the colours given (rows of RGBA; an empty matrix: TF's table).
    TF defines no gradient for it."""

    differentiable = True


def draw_bounding_boxes(images, boxes, name=None, colors=None):
    """tf.image.draw_bounding_boxes (TF1's argument order): the boxes' one-pixel outlines drawn
    on float images, in the `colors` given (rows of RGBA) or TF's table of ten."""
    images = convert_to_tensor(images, name="images")
    boxes = convert_to_tensor(boxes, dtype=dtypes.float32, name="boxes")
    if colors is None:
        return DrawBoundingBoxes()(images, boxes, name=name or "DrawBoundingBoxes")
    colors = convert_to_tensor(colors, dtype=dtypes.float32, name="colors")
    return DrawBoundingBoxesV2()(images, boxes, colors, name=name or "DrawBoundingBoxesV2")


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """tf.image.extract_patches (TF 2's name, also in TF 1.15): tf.extract_image_patches with
    `sizes` for `ksizes`."""
    return extract_image_patches(images, sizes, strides, rates, padding, name=name)


# -- sample_distorted_bounding_box -----------------------------------------------------------------

def _lrint(v):
    return int(round(v))  # round half to even, as lrintf


def _random_crop(rng, width, height, area_range, aspect):
    """TF's GenerateRandomCrop: (x, y, w, h) of a crop of the given aspect ratio whose area is in
    area_range of the image's, or None when the rounding leaves no such crop."""
    lo = _F32(_F32(_F32(area_range[0]) * _F32(width)) * _F32(height))
    hi = _F32(_F32(_F32(area_range[1]) * _F32(width)) * _F32(height))
    if hi <= 0 or aspect <= 0 or width <= 0 or height <= 0 or lo > hi:
        return None
    h = _lrint(np.sqrt(_F32(lo / aspect)))
    max_h = _lrint(np.sqrt(_F32(hi / aspect)))
    if _lrint(_F32(max_h * aspect)) > width:
        max_h = int((width + 0.5 - float(_F32(1e-7))) / float(aspect))
        if _lrint(_F32(max_h * aspect)) > width:
            max_h -= 1
    max_h = min(max_h, height)
    h = min(h, max_h)
    if h < max_h:
        h += int(rng.integers(max_h - h + 1))
    w = _lrint(_F32(h * aspect))
    area = _F32(w * h)
    if area < lo:
        h += 1
        w = _lrint(_F32(h * aspect))
        area = _F32(w * h)
    if area > hi:
        h -= 1
        w = _lrint(_F32(h * aspect))
        area = _F32(w * h)
    if area < lo or area > hi or w > width or h > height or w <= 0 or h <= 0:
        return None
    y = int(rng.integers(height - h)) if h < height else 0
    x = int(rng.integers(width - w)) if w < width else 0
    return x, y, w, h


def _covers(crop, boxes, min_covered):
    """Whether the crop (x, y, w, h) has area >= 1 and covers at least min_covered of one of
    the boxes (x0, y0, x1, y1) of area >= 1 (TF's SatisfiesOverlapConstraints)."""
    x, y, w, h = crop
    if w * h < 1:
        return False
    for x0, y0, x1, y1 in boxes:
        area = (x1 - x0) * (y1 - y0)
        if area < 1:
            continue
        ix0, iy0, ix1, iy1 = max(x, x0), max(y, y0), min(x + w, x1), min(y + h, y1)
        inter = 0 if ix0 > ix1 or iy0 > iy1 else (ix1 - ix0) * (iy1 - iy0)
        if _F32(_F32(inter) / _F32(area)) >= min_covered:
            return True
    return False


_SIZE_TYPES = tuple(dtypes.as_dtype(n) for n in ("uint8", "int8", "int16", "int32", "int64"))


@register
class SampleDistortedBoundingBoxV2(RandomOp):
    """A random crop (begin, size for tf.slice, and the crop as a normalized box [1, 1, 4]) of
    an image of image_size [height, width, depth]: up to max_attempts draws of an aspect ratio
    in aspect_ratio_range and an area in area_range of the image's, the first that covers at
    least min_object_covered of one of the bounding boxes; else the whole image (TF's
    kernel, drawing from minitf's seeded generator)."""

    aspect_ratio_range: tuple = (0.75, 1.33)
    area_range: tuple = (0.05, 1.0)
    max_attempts: int = 100
    use_image_if_no_bounding_boxes: bool = False

    def infer(self, image_size, bounding_boxes, min_object_covered):
        _check_type("image_size", image_size, _SIZE_TYPES)
        _check_type("bounding_boxes", bounding_boxes, (dtypes.float32,))
        _check_type("min_object_covered", min_object_covered, (dtypes.float32,))
        (k,) = _dims(image_size, 1)
        _dim_is(k, 3)
        _dim_is(_dims(bounding_boxes, 3)[2], 4)
        _scalars(min_object_covered)
        return [TensorSpec((3,), image_size.dtype), TensorSpec((3,), image_size.dtype),
                TensorSpec((1, 1, 4), dtypes.float32)]

    def _check_attrs(self):
        (a0, a1), (r0, r1) = self.aspect_ratio_range, self.area_range
        if not (a0 > 0 and a1 > 0):
            raise ValueError("Aspect ratio range must be non-negative: [%g, %g]" % (a0, a1))
        if not (r0 > 0 and r1 > 0):
            raise ValueError("Area range must be non-negative: [%g, %g]" % (r0, r1))
        if not (r0 <= 1 and r1 <= 1):
            raise ValueError("Area range must be less then or equal to 1.0: [%g, %g]" % (r0, r1))
        if self.max_attempts <= 0:
            raise ValueError("Max attempts must be non-negative: %d" % self.max_attempts)

    def sample(self, xp, rng, image_size, bounding_boxes, min_object_covered):
        self._check_attrs()
        if image_size.ndim != 1 or image_size.shape[0] != 3:
            raise ValueError("image_size must contain 3 elements%s" % _debug(image_size.shape))
        if bounding_boxes.ndim != 3 or bounding_boxes.shape[2] != 4:
            raise ValueError("input boxes must be 3-dimensional [batch, num_boxes, coords]: %s"
                             % _debug(bounding_boxes.shape))
        min_covered = _F32(min_object_covered)
        if min_covered < 0:
            raise ValueError("Min object covered must be non-negative: %g" % min_covered)
        height, width = int(image_size[0]), int(image_size[1])
        boxes = []
        for y0, x0, y1, x1 in bounding_boxes.reshape(-1, 4).astype(_F32).tolist():
            for v in (y0, x0, y1, x1):
                if not 0.0 <= v <= 1.0:
                    raise ValueError("All bounding box coordinates must be in [0.0, 1.0]: %g"
                                     % v)
            boxes.append(tuple(int(_F32(v) * _F32(size)) for v, size in
                               ((x0, width), (y0, height), (x1, width), (y1, height))))
        if not boxes:
            if not self.use_image_if_no_bounding_boxes:
                raise ValueError("No bounding boxes provided as input. One must enable "
                                 "use_image_if_no_bounding_boxes if you wish to not provide "
                                 "any bounding boxes.")
            boxes.append((0, 0, width, height))
        (a0, a1) = (_F32(a) for a in self.aspect_ratio_range)
        crop = (0, 0, width, height)
        for _ in range(self.max_attempts):
            aspect = _F32(_F32(rng.random()) * (a1 - a0) + a0)
            found = _random_crop(rng, width, height, self.area_range, aspect)
            if found is not None and _covers(found, boxes, min_covered):
                crop = found
                break
        x, y, w, h = crop
        dtype = image_size.dtype
        box = [_F32(y) / _F32(height), _F32(x) / _F32(width), _F32(y + h) / _F32(height),
               _F32(x + w) / _F32(width)]
        return (xp.asarray([y, x, 0], dtype=dtype), xp.asarray([h, w, -1], dtype=dtype),
                xp.asarray(box, dtype=_F32).reshape(1, 1, 4))


def sample_distorted_bounding_box(image_size, bounding_boxes, seed=None, seed2=None,
                                  min_object_covered=0.1, aspect_ratio_range=None,
                                  area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """tf.image.sample_distorted_bounding_box (TF1's): (begin, size, bboxes) of a random crop of
    an image of image_size covering at least min_object_covered of one of the bounding_boxes
    ([batch, N, 4] normalized), with an aspect ratio in aspect_ratio_range (default [0.75,
    1.33]) and an area in area_range (default [0.05, 1]) of the image's; the whole image if
    max_attempts (default 100) draws find none. The op's seeds are `seed` and `seed2` as given
    (TF1's v1 function: the graph seed is not used); the draws are minitf's, not TF's."""
    attrs = {"seed": int(seed or 0), "seed2": int(seed2 or 0)}
    if aspect_ratio_range is not None:
        attrs["aspect_ratio_range"] = tuple(float(v) for v in aspect_ratio_range)
    if area_range is not None:
        attrs["area_range"] = tuple(float(v) for v in area_range)
    if max_attempts is not None:
        attrs["max_attempts"] = int(max_attempts)
    if use_image_if_no_bounding_boxes is not None:
        attrs["use_image_if_no_bounding_boxes"] = bool(use_image_if_no_bounding_boxes)
    with name_scope(name, "sample_distorted_bounding_box"):
        return tuple(SampleDistortedBoundingBoxV2(**attrs)(
            convert_to_tensor(image_size, name="image_size"),
            convert_to_tensor(bounding_boxes, dtype=dtypes.float32, name="bounding_boxes"),
            convert_to_tensor(min_object_covered, dtype=dtypes.float32,
                              name="min_object_covered"),
            name="SampleDistortedBoundingBoxV2"))
