"""Segment and set ops: tf.unsorted_segment_sum (which also densifies an IndexedSlices, as TF
does) and its max/min/prod/mean/sqrt_n siblings, tf.unique (which optimizers use to sum
repeated rows of a sparse gradient) and tf.unique_with_counts, the sorted
segment reductions (tf.math.segment_sum/mean/max/min/prod) and the sparse segment reductions
(tf.sparse.segment_sum/mean/sqrt_n, which tf.nn.embedding_lookup_sparse combines rows with)
with their gradient ops (SparseSegmentSumGrad...)."""

import collections
import warnings

import numpy as np

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.indexed_slices import IndexedSlices, register_dense_conversion
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.array_ops import (concat, expand_dims, fill, gather, ones_like, rank, reshape,
                                  shape, zeros_like)
from minitf.ops.core import index_tensor
from minitf.ops.op_util import check_dtype, check_int_dtype, dtype_error, rank_error
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import (cast, equal, greater, greater_equal, logical_and, maximum,
                                 realdiv, sqrt, where)
from minitf.ops.scatter_ops import apply_at

__all__ = ["unsorted_segment_sum", "unsorted_segment_max", "unsorted_segment_min",
           "unsorted_segment_prod", "unsorted_segment_mean", "unsorted_segment_sqrt_n",
           "unique", "unique_with_counts", "segment_sum", "segment_mean", "segment_max",
           "segment_min", "segment_prod", "sparse_segment_sum", "sparse_segment_mean",
           "sparse_segment_sqrt_n"]

# TF warns before densifying an IndexedSlices into a tensor this large (indexed_slices.py).
LARGE_SPARSE_NUM_ELEMENTS = 100000000


class _UnsortedSegmentReduction(OpDef):
    """out[k] = the `combine` (a ufunc's name) of data[i] over the i with segment_ids[i] == k,
    for k < num_segments, starting from `initial` (what an empty segment gives); negative ids
    are dropped (TF's rule), ids >= num_segments are an error."""

    combine = "add"

    def initial(self, xp, dtype):
        return 0

    def infer(self, data, segment_ids, num_segments):
        check_int_dtype(segment_ids, "segment_ids")
        check_int_dtype(num_segments, "num_segments")
        if num_segments.shape.ndims not in (None, 0):
            raise ValueError("num_segments should be a scalar, not shape %s"
                             % format_dims(num_segments.shape.as_tuple()))
        dims, ids = data.shape.as_tuple(), segment_ids.shape.as_tuple()
        known = constant_value(num_segments)
        n = None if known is None else int(known)
        if dims is None or ids is None:
            return TensorSpec(None, data.dtype)
        if len(ids) > len(dims) or not data.shape[:len(ids)].is_compatible_with(ids):
            raise ValueError("segment_ids.shape = %s is not a prefix of data.shape = %s"
                             % (format_dims(ids), format_dims(dims)))
        return TensorSpec((n,) + dims[len(ids):], data.dtype)

    def compute(self, xp, data, segment_ids, num_segments):
        n = int(num_segments)
        out = xp.full((n,) + data.shape[segment_ids.ndim:], self.initial(xp, data.dtype),
                      dtype=data.dtype)
        bad = segment_ids >= n
        if bad.any():
            at = tuple(int(i) for i in xp.argwhere(bad)[0])
            raise ValueError("segment_ids[%s] = %d is out of range [0, %d)"
                             % (",".join(map(str, at)), int(segment_ids[at]), n))
        keep = segment_ids >= 0
        if not keep.all():
            data, segment_ids = data[keep], segment_ids[keep]
        apply_at(xp, getattr(xp, self.combine), out, segment_ids, data)
        return out


@register
class UnsortedSegmentSum(_UnsortedSegmentReduction):
    """The sum of each segment (0 when empty)."""

    def grad(self, op, dy):
        # Each element of data went to one segment: gather the segment's gradient back (zero
        # for the dropped negative ids), as TF's _GatherDropNegatives.
        ids = op.inputs[1]
        return [_gather_drop_negatives(dy, ids), None, None]


def _gather_drop_negatives(params, ids):
    """params[ids], zero rows where the id is negative (a dropped element)."""
    g = gather(params, maximum(ids, 0))
    return g * rows_of(cast(greater_equal(ids, 0), params.dtype), g)


class _UnsortedSegmentExtremum(_UnsortedSegmentReduction):
    """The gradient goes to the elements equal to their segment's result, shared equally
    among ties (TF's rule)."""

    def grad(self, op, dy):
        data, ids, num_segments = op.inputs
        chosen = logical_and(equal(data, gather(op.outputs[0], maximum(ids, 0))),
                             rows_of(greater_equal(ids, 0), data))
        count = unsorted_segment_sum(cast(chosen, dy.dtype), ids, num_segments)
        return [where(chosen, gather(dy / count, maximum(ids, 0)), zeros_like(data)),
                None, None]


@register
class UnsortedSegmentMax(_UnsortedSegmentExtremum):
    """The maximum of each segment (the dtype's lowest finite value when empty, as TF)."""

    combine = "maximum"

    def initial(self, xp, dtype):
        return (xp.finfo if dtype.kind == "f" else xp.iinfo)(dtype).min


@register
class UnsortedSegmentMin(_UnsortedSegmentExtremum):
    """The minimum of each segment (the dtype's highest finite value when empty, as TF)."""

    combine = "minimum"

    def initial(self, xp, dtype):
        return (xp.finfo if dtype.kind == "f" else xp.iinfo)(dtype).max


@register
class UnsortedSegmentProd(_UnsortedSegmentReduction):
    """The product of each segment (1 when empty)."""

    combine = "multiply"

    def initial(self, xp, dtype):
        return 1

    def grad(self, op, dy):
        # TF's rule: the product of the others is prod / x where x != 0; at a zero it is the
        # product of the segment's nonzero entries when that zero is the only one, and 0 when
        # the segment has several zeros.
        data, ids, num_segments = op.inputs
        is_zero = equal(data, zeros_like(data))
        zeros = unsorted_segment_sum(cast(is_zero, dtypes.int32), ids, num_segments)
        dy = where(greater(zeros, 1), zeros_like(dy), dy)
        nonzero_data = where(is_zero, ones_like(data), data)
        nonzero_prod = unsorted_segment_prod(nonzero_data, ids, num_segments)
        at = maximum(ids, 0)
        others = where(is_zero, gather(nonzero_prod, at), gather(op.outputs[0], at) / nonzero_data)
        return [_gather_drop_negatives(dy, ids) * others, None, None]


def rows_of(v, x):
    """`v` (one value per leading entry of x) reshaped to broadcast against x: v's shape
    followed by ones for x's remaining axes."""
    ones = fill(expand_dims(rank(x) - rank(v), 0), 1)
    return reshape(v, concat([shape(v), ones], 0))


def _unsorted_segment_op(opclass, data, segment_ids, num_segments, name):
    with name_scope(name, opclass.type_name, [data, segment_ids, num_segments]) as scope:
        return opclass()(convert_to_tensor(data, name="data"),
                         index_tensor(segment_ids, name="segment_ids"),
                         index_tensor(num_segments, name="num_segments"), name=scope)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """tf.unsorted_segment_sum: out[k] = sum of data[i] where segment_ids[i] == k; output shape
    [num_segments] + data.shape[segment_ids.rank:]."""
    return _unsorted_segment_op(UnsortedSegmentSum, data, segment_ids, num_segments, name)


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """tf.unsorted_segment_max: the maximum of each segment, the lowest finite value of the
    dtype for an empty one; the gradient is shared among ties."""
    return _unsorted_segment_op(UnsortedSegmentMax, data, segment_ids, num_segments, name)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """tf.unsorted_segment_min: the minimum of each segment, the highest finite value of the
    dtype for an empty one; the gradient is shared among ties."""
    return _unsorted_segment_op(UnsortedSegmentMin, data, segment_ids, num_segments, name)


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """tf.unsorted_segment_prod: the product of each segment, 1 for an empty one."""
    return _unsorted_segment_op(UnsortedSegmentProd, data, segment_ids, num_segments, name)


def _segment_counts(data, segment_ids, num_segments):
    """How many elements each segment has, at least 1, shaped to broadcast against the
    segments' rows (TF's _unsorted_segment_N)."""
    num_segments = index_tensor(num_segments, name="num_segments")
    counts = unsorted_segment_sum(ones_like(segment_ids, dtype=data.dtype), segment_ids,
                                  num_segments)
    ones = fill(expand_dims(rank(data) - rank(segment_ids), 0), 1)
    counts = reshape(counts, concat([expand_dims(cast(num_segments, dtypes.int32), 0), ones],
                                    0))
    return maximum(counts, 1)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """tf.unsorted_segment_mean: the sum of each segment divided by its size (0 when empty)."""
    with name_scope(name, "UnsortedSegmentMean"):
        data = convert_to_tensor(data, name="data")
        segment_ids = index_tensor(segment_ids, name="segment_ids")
        counts = _segment_counts(data, segment_ids, num_segments)
        return unsorted_segment_sum(data, segment_ids, num_segments) / counts


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """tf.unsorted_segment_sqrt_n: the sum of each segment divided by the square root of its
    size (0 when empty)."""
    with name_scope(name, "UnsortedSegmentSqrtN"):
        data = convert_to_tensor(data, name="data")
        segment_ids = index_tensor(segment_ids, name="segment_ids")
        counts = _segment_counts(data, segment_ids, num_segments)
        return unsorted_segment_sum(data, segment_ids, num_segments) / sqrt(counts)


@register
class Unique(OpDef):
    """The distinct elements of a vector in order of first appearance (TF's order, where numpy
    sorts), and for each element the position of its value among them."""

    out_idx: object = dtypes.int32
    differentiable = False

    def infer(self, x):
        if x.shape.ndims not in (None, 1):
            raise ValueError("unique expects a 1D vector, got shape %s"
                             % format_dims(x.shape.as_tuple()))
        return [TensorSpec([None], x.dtype), TensorSpec(x.shape, self.out_idx)]

    def compute(self, xp, x):
        return self._unique(xp, x)[:2]

    def _unique(self, xp, x):
        """(values in order of first appearance, each element's position among them, how many
        times each value occurs)."""
        values, first, inverse, counts = xp.unique(x, return_index=True, return_inverse=True,
                                                   return_counts=True)
        order = xp.argsort(first, kind="stable")
        rank = xp.empty_like(order)
        rank[order] = xp.arange(order.size)
        idx = rank[inverse.reshape(-1)].astype(self.out_idx.as_numpy_dtype)
        return values[order], idx, counts[order].astype(self.out_idx.as_numpy_dtype)


@register
class UniqueWithCounts(Unique):
    """Unique's outputs and, third, how many times each distinct value occurs."""

    def infer(self, x):
        return super().infer(x) + [TensorSpec([None], self.out_idx)]

    def compute(self, xp, x):
        return self._unique(xp, x)


def unique(x, out_idx=dtypes.int32, name=None):
    """tf.unique: (y, idx) with y the distinct elements of the vector x in order of first
    appearance and x == tf.gather(y, idx)."""
    with name_scope(name, "Unique", [x]) as scope:
        op = get_default_graph().create_op(Unique(dtypes.as_dtype(out_idx)),
                                           [convert_to_tensor(x, name="x")], name=scope)
    return tuple(op.outputs)


UniqueWithCountsResult = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """tf.unique_with_counts: tf.unique's (y, idx) and `count`, how many times each element of
    y occurs in x (a namedtuple UniqueWithCounts(y, idx, count), as TF's)."""
    with name_scope(name, "UniqueWithCounts", [x]) as scope:
        op = get_default_graph().create_op(UniqueWithCounts(dtypes.as_dtype(out_idx)),
                                           [convert_to_tensor(x, name="x")], name=scope)
    return UniqueWithCountsResult(*op.outputs)


# -- sorted segment reductions ---------------------------------------------------------------------

def _check_ids(t, what):
    """The static checks of a segment_ids or indices vector: int32 or int64, rank 1."""
    check_int_dtype(t, what)
    if t.shape.ndims not in (None, 1):
        raise rank_error(1, t.shape.ndims)


def _segment_starts(xp, ids, n=None):
    """For sorted segment ids: the number of output rows (n, or the last id + 1), the positions
    where each run of equal ids starts, and the run's id. Raises TF's messages for ids that
    decrease, are negative, or are not below n."""
    if ids.size and bool((ids[1:] < ids[:-1]).any()):
        raise ValueError("segment ids are not increasing")
    rows = (int(ids[-1]) + 1 if ids.size else 0) if n is None else n
    if ids.size and int(ids[0]) < 0:
        raise ValueError("Segment id %d out of range [0, %d), possibly because 'segment_ids' "
                         "input is not sorted." % (int(ids[0]), rows))
    if n is not None and ids.size and int(ids[-1]) >= n:
        raise ValueError("segment ids must be < num_segments")
    change = xp.ones(ids.shape, dtype=bool)
    change[1:] = ids[1:] != ids[:-1]
    starts = xp.flatnonzero(change)
    return rows, starts, ids[starts]


def _reduce_segments(xp, reduction, data, starts, at, rows):
    """out[at[k]] = reduction over data[starts[k]:starts[k+1]], rows with no segment getting
    TF's value for an empty segment (0; 1 for a product)."""
    out = xp.full((rows,) + data.shape[1:], 1 if reduction == "prod" else 0, dtype=data.dtype)
    if starts.size:
        ufunc = {"sum": xp.add, "mean": xp.add, "sqrtn": xp.add, "max": xp.maximum,
                 "min": xp.minimum, "prod": xp.multiply}[reduction]
        reduced = ufunc.reduceat(data, starts, axis=0)
        if reduction in ("mean", "sqrtn"):
            counts = xp.diff(xp.append(starts, data.shape[0]))
            counts = counts.reshape((-1,) + (1,) * (data.ndim - 1))
            if data.dtype.kind == "f":  # times 1/n, as TF's kernel (closer to its roundings)
                counts = counts.astype(data.dtype)
                reduced *= 1 / (xp.sqrt(counts) if reduction == "sqrtn" else counts)
            else:  # SegmentMean of integers: the quotient truncated, as TF's
                reduced = (reduced / counts).astype(data.dtype)
        out[at] = reduced
    return out


class _SegmentReduction(OpDef):
    """out[k] = the reduction of data[i] over the i with segment_ids[i] == k, segment_ids a
    sorted vector as long as data's first axis; out has segment_ids[-1] + 1 rows (run time)."""

    reduction = None  # set by each op: "sum", "mean", "max", "min" or "prod"
    dtype_kind = "numeric"
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tindices", 1)))

    def infer(self, data, segment_ids):
        check_dtype(self.type_name, data.dtype, self.dtype_kind, arg="data")
        if data.shape.ndims == 0:
            raise rank_error(1, 0, at_least=True)
        _check_ids(segment_ids, "segment_ids")
        dims = data.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, data.dtype)
        n, m = dims[0], segment_ids.shape.as_tuple()
        if n is not None and m is not None and m[0] is not None and m[0] != n:
            raise ValueError("segment_ids has %d entries but data has %d rows: segment_ids "
                             "should be the same size as dimension 0 of data" % (m[0], n))
        return TensorSpec((None,) + dims[1:], data.dtype)

    def compute(self, xp, data, segment_ids):
        if segment_ids.shape[0] != data.shape[0]:
            raise ValueError("segment_ids should be the same size as dimension 0 of input.")
        rows, starts, at = _segment_starts(xp, segment_ids)
        return _reduce_segments(xp, self.reduction, data, starts, at, rows)


@register
class SegmentSum(_SegmentReduction):
    reduction = "sum"

    def grad(self, op, dy):
        return [gather(dy, op.inputs[1]), None]


@register
class SegmentMean(_SegmentReduction):
    reduction = "mean"

    def grad(self, op, dy):
        data, ids = op.inputs
        counts = segment_sum(ones_like(ids, dtype=dy.dtype), ids)
        return [gather(realdiv(dy, rows_of(maximum(counts, 1), dy)), ids), None]


class _SegmentExtremum(_SegmentReduction):
    """Max or min: the gradient goes to the elements equal to their segment's result, shared
    equally between ties (TF's rule)."""

    dtype_kind = "ordered"

    def grad(self, op, dy):
        data, ids = op.inputs
        selected = equal(data, gather(op.outputs[0], ids))
        count = segment_sum(cast(selected, dy.dtype), ids)
        share = gather(realdiv(dy, maximum(count, 1)), ids)
        return [where(selected, share, zeros_like(share)), None]


@register
class SegmentMax(_SegmentExtremum):
    reduction = "max"
    host_only = True  # cupy has no maximum.reduceat


@register
class SegmentMin(_SegmentExtremum):
    reduction = "min"
    host_only = True  # cupy has no minimum.reduceat


@register
class SegmentProd(_SegmentReduction):
    reduction = "prod"
    host_only = True  # cupy has no multiply.reduceat

    def grad(self, op, dy):
        # d prod / d x_i is the product of the segment's other elements: prod / x_i, except
        # where x_i is 0 (then the product of the segment's non-zero elements, or 0 when the
        # segment holds more than one zero). TF's rule.
        data, ids = op.inputs
        is_zero = equal(data, zeros_like(data))
        zeros = segment_sum(cast(is_zero, dtypes.int32), ids)
        dy = where(greater(zeros, 1), zeros_like(dy), dy)
        nonzero = where(is_zero, ones_like(data), data)
        others = where(is_zero, gather(segment_prod(nonzero, ids), ids),
                       realdiv(gather(op.outputs[0], ids), nonzero))
        return [gather(dy, ids) * others, None]


def _segment_op(opclass, data, segment_ids, name):
    with name_scope(name, opclass.type_name, [data, segment_ids]) as scope:
        return opclass()(convert_to_tensor(data, name="data"),
                         index_tensor(segment_ids, name="segment_ids"), name=scope)


def segment_sum(data, segment_ids, name=None):
    """tf.math.segment_sum (tf.segment_sum): out[k] = sum of data[i] with segment_ids[i] == k,
    for sorted segment_ids (a vector as long as data's first axis); segment_ids[-1] + 1 rows,
    0 for ids that do not appear."""
    return _segment_op(SegmentSum, data, segment_ids, name)


def segment_mean(data, segment_ids, name=None):
    """tf.math.segment_mean (tf.segment_mean): the mean of each segment (0 for empty ones)."""
    return _segment_op(SegmentMean, data, segment_ids, name)


def segment_max(data, segment_ids, name=None):
    """tf.math.segment_max (tf.segment_max): the maximum of each segment (0 for empty ones)."""
    return _segment_op(SegmentMax, data, segment_ids, name)


def segment_min(data, segment_ids, name=None):
    """tf.math.segment_min (tf.segment_min): the minimum of each segment (0 for empty ones)."""
    return _segment_op(SegmentMin, data, segment_ids, name)


def segment_prod(data, segment_ids, name=None):
    """tf.math.segment_prod (tf.segment_prod): the product of each segment (1 for empty ones)."""
    return _segment_op(SegmentProd, data, segment_ids, name)


# -- sparse segment reductions ---------------------------------------------------------------------

class _SparseSegmentReduction(OpDef):
    """out[k] = the reduction of data[indices[i]] over the i with segment_ids[i] == k (sorted);
    out has num_segments rows (the ops ...WithNumSegments, a fourth input) or
    segment_ids[-1] + 1. Mean divides by the segment's size, SqrtN by its square root; rows no
    segment id names are 0."""

    reduction = None  # "sum", "mean" or "sqrtn"
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tidx", 1), ("Tsegmentids", 2)))

    def infer(self, data, indices, segment_ids, num_segments=None):
        if self.reduction == "sum":
            check_dtype(self.type_name, data.dtype, "numeric", arg="data")
        elif not data.dtype.is_floating:
            raise dtype_error("data", data.dtype, "bfloat16, float16, float32, float64")
        if data.shape.ndims == 0:
            raise rank_error(1, 0, at_least=True)
        _check_ids(indices, "indices")
        _check_ids(segment_ids, "segment_ids")
        a, b = indices.shape.as_tuple(), segment_ids.shape.as_tuple()
        if a and b and a[0] is not None and b[0] is not None and a[0] != b[0]:
            raise ValueError("Dimension 0 in both shapes must be equal, but are %d and %d. "
                             "Shapes are [%d] and [%d]." % (a[0], b[0], a[0], b[0]))
        rows = None
        if num_segments is not None:
            check_int_dtype(num_segments, "num_segments")
            if num_segments.shape.ndims not in (None, 0):
                raise rank_error(0, num_segments.shape.ndims)
            known = constant_value(num_segments)
            rows = None if known is None else int(known)
        dims = data.shape.as_tuple()
        return TensorSpec(None if dims is None else (rows,) + dims[1:], data.dtype)

    def compute(self, xp, data, indices, segment_ids, num_segments=None):
        if indices.shape[0] != segment_ids.shape[0]:
            raise ValueError("segment_ids and indices should have same size.")
        _check_indices(xp, indices, data.shape[0])
        n = None if num_segments is None else int(num_segments)
        rows, starts, at = _segment_starts(xp, segment_ids, n)
        return _reduce_segments(xp, self.reduction, data.take(indices, axis=0), starts, at, rows)

    def grad(self, op, dy):
        data, indices, segment_ids = op.inputs[:3]
        grad_op = {"sum": SparseSegmentSumGrad, "mean": SparseSegmentMeanGrad,
                   "sqrtn": SparseSegmentSqrtNGrad}[self.reduction]
        return [grad_op()(dy, indices, segment_ids, shape(data, out_type=dtypes.int32)[0])] \
            + [None] * (len(op.inputs) - 1)


def _check_indices(xp, indices, rows):
    bad = xp.flatnonzero((indices < 0) | (indices >= rows))
    if bad.size:
        i = int(bad[0])
        raise ValueError("Bad: indices[%d] == %d out of range [0, %d)"
                         % (i, int(indices[i]), rows))


@register
class SparseSegmentSum(_SparseSegmentReduction):
    reduction = "sum"


@register
class SparseSegmentMean(_SparseSegmentReduction):
    reduction = "mean"


@register
class SparseSegmentSqrtN(_SparseSegmentReduction):
    reduction = "sqrtn"


@register
class SparseSegmentSumWithNumSegments(_SparseSegmentReduction):
    reduction = "sum"
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tidx", 1), ("Tsegmentids", 2),
                                           ("Tnumsegments", 3)))


@register
class SparseSegmentMeanWithNumSegments(_SparseSegmentReduction):
    reduction = "mean"
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tidx", 1), ("Tsegmentids", 2),
                                           ("Tnumsegments", 3)))


@register
class SparseSegmentSqrtNWithNumSegments(_SparseSegmentReduction):
    reduction = "sqrtn"
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tidx", 1), ("Tsegmentids", 2),
                                           ("Tnumsegments", 3)))


class _SparseSegmentGrad(OpDef):
    """The gradient of a sparse segment reduction with respect to its data: out (rows
    output_dim0) = 0, then out[indices[i]] += grad[segment_ids[i]] * w[segment_ids[i]], with w
    1, 1/size or 1/sqrt(size) of the segment. It is linear in grad, and its own gradient is
    the forward reduction (with num_segments = grad's row count)."""

    reduction = None
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tidx", 1), ("Tsegmentids", 2)))

    def infer(self, grad, indices, segment_ids, output_dim0):
        check_dtype(self.type_name, grad.dtype, "real", arg="grad")
        _check_ids(indices, "indices")
        _check_ids(segment_ids, "segment_ids")
        if output_dim0.shape.ndims not in (None, 0):
            raise rank_error(0, output_dim0.shape.ndims)
        known = constant_value(output_dim0)
        dims = grad.shape.as_tuple()
        return TensorSpec(None if dims is None else
                          (None if known is None else int(known),) + dims[1:], grad.dtype)

    def compute(self, xp, grad, indices, segment_ids, output_dim0):
        rows = int(output_dim0)
        if indices.shape[0] != segment_ids.shape[0]:
            raise ValueError("segment_ids and indices should have same size.")
        _check_indices(xp, indices, rows)
        bad = xp.flatnonzero((segment_ids < 0) | (segment_ids >= grad.shape[0]))
        if bad.size:
            raise ValueError("Segment id %d out of range [0, %d)"
                             % (int(segment_ids[int(bad[0])]), grad.shape[0]))
        rows_in = grad.take(segment_ids, axis=0)
        if self.reduction != "sum":
            counts = xp.bincount(segment_ids, minlength=grad.shape[0]).astype(grad.dtype)
            counts = xp.maximum(counts, 1)  # ids name no empty segment: keep 1/0 out
            scale = 1 / (xp.sqrt(counts) if self.reduction == "sqrtn" else counts)
            rows_in *= scale[segment_ids].reshape((-1,) + (1,) * (grad.ndim - 1))
        out = xp.zeros((rows,) + grad.shape[1:], dtype=grad.dtype)
        apply_at(xp, xp.add, out, indices, rows_in)
        return out

    def grad(self, op, dy):
        grad, indices, segment_ids, _ = op.inputs
        forward = {"sum": SparseSegmentSumWithNumSegments, "mean": SparseSegmentMeanWithNumSegments,
                   "sqrtn": SparseSegmentSqrtNWithNumSegments}[self.reduction]
        return [forward()(dy, indices, segment_ids, shape(grad, out_type=dtypes.int32)[0]),
                None, None, None]


@register
class SparseSegmentSumGrad(_SparseSegmentGrad):
    reduction = "sum"


@register
class SparseSegmentMeanGrad(_SparseSegmentGrad):
    reduction = "mean"


@register
class SparseSegmentSqrtNGrad(_SparseSegmentGrad):
    reduction = "sqrtn"


def _sparse_segment_op(plain, with_count, data, indices, segment_ids, name, num_segments):
    opclass = plain if num_segments is None else with_count
    with name_scope(name, opclass.type_name, [data, indices, segment_ids]) as scope:
        inputs = [convert_to_tensor(data, name="data"), index_tensor(indices, name="indices"),
                  index_tensor(segment_ids, name="segment_ids")]
        if num_segments is not None:
            inputs.append(index_tensor(num_segments, name="num_segments"))
        return opclass()(*inputs, name=scope)


def sparse_segment_sum(data, indices, segment_ids, name=None, num_segments=None):
    """tf.sparse.segment_sum (tf.sparse_segment_sum): out[k] = sum of data[indices[i]] over the
    i with segment_ids[i] == k (sorted); num_segments rows when given (op
    SparseSegmentSumWithNumSegments), else segment_ids[-1] + 1."""
    return _sparse_segment_op(SparseSegmentSum, SparseSegmentSumWithNumSegments, data, indices,
                              segment_ids, name, num_segments)


def sparse_segment_mean(data, indices, segment_ids, name=None, num_segments=None):
    """tf.sparse.segment_mean (tf.sparse_segment_mean): as sparse_segment_sum, divided by each
    segment's size."""
    return _sparse_segment_op(SparseSegmentMean, SparseSegmentMeanWithNumSegments, data,
                              indices, segment_ids, name, num_segments)


def sparse_segment_sqrt_n(data, indices, segment_ids, name=None, num_segments=None):
    """tf.sparse.segment_sqrt_n (tf.sparse_segment_sqrt_n): as sparse_segment_sum, divided by
    the square root of each segment's size."""
    return _sparse_segment_op(SparseSegmentSqrtN, SparseSegmentSqrtNWithNumSegments, data,
                              indices, segment_ids, name, num_segments)


def _indexed_slices_to_tensor(value, dtype=None, name=None):
    """TF's conversion: an UnsortedSegmentSum of the values into dense_shape[0] rows, with TF's
    warning when the dense tensor is known to be huge."""
    if dtype is not None and dtypes.as_dtype(dtype) is not value.dtype:
        raise ValueError("Incompatible tensor conversion requested to `dtype` %s for "
                         "IndexedSlices (%s) with dtype %s"
                         % (dtypes.as_dtype(dtype).name, value, value.dtype.name))
    if value.dense_shape is None:
        raise ValueError("Tensor conversion requested for IndexedSlices for argument `value` "
                         "without dense_shape: %s" % value)
    known = constant_value(value.dense_shape)
    if known is not None:
        n = int(np.prod(known, dtype=np.int64))
        if n >= LARGE_SPARSE_NUM_ELEMENTS:
            warnings.warn("Converting sparse IndexedSlices to a dense Tensor with %d elements. "
                          "This may consume a large amount of memory." % n, stacklevel=3)
    return unsorted_segment_sum(value.values, value.indices, value.dense_shape[0], name=name)


register_dense_conversion(_indexed_slices_to_tensor)
assert IndexedSlices  # the class whose conversion this module provides
