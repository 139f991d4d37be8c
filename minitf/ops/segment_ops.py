"""Segment and set ops that sparse gradients are built from: tf.unsorted_segment_sum (which
also densifies an IndexedSlices, as TF does) and tf.unique (which optimizers use to sum
repeated rows of a sparse gradient)."""

import warnings

import numpy as np

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.indexed_slices import IndexedSlices, register_dense_conversion
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.array_ops import concat, expand_dims, fill, gather, rank, reshape, shape
from minitf.ops.core import index_tensor
from minitf.ops.op_util import check_int_dtype
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import cast, greater_equal, maximum
from minitf.ops.scatter_ops import apply_at

__all__ = ["unsorted_segment_sum", "unique"]

# TF warns before densifying an IndexedSlices into a tensor this large (indexed_slices.py).
LARGE_SPARSE_NUM_ELEMENTS = 100000000


@register
class UnsortedSegmentSum(OpDef):
    """out[k] = sum of data[i] over the i with segment_ids[i] == k, for k < num_segments;
    negative ids are dropped (TF's rule), ids >= num_segments are an error."""

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
        out = xp.zeros((n,) + data.shape[segment_ids.ndim:], dtype=data.dtype)
        bad = segment_ids >= n
        if bad.any():
            at = tuple(int(i) for i in xp.argwhere(bad)[0])
            raise ValueError("segment_ids[%s] = %d is out of range [0, %d)"
                             % (",".join(map(str, at)), int(segment_ids[at]), n))
        keep = segment_ids >= 0
        if not keep.all():
            data, segment_ids = data[keep], segment_ids[keep]
        apply_at(xp, xp.add, out, segment_ids, data)
        return out

    def grad(self, op, dy):
        # Each element of data went to one segment: gather the segment's gradient back (zero
        # for the dropped negative ids), as TF's _GatherDropNegatives.
        ids = op.inputs[1]
        g = gather(dy, maximum(ids, 0))
        keep = cast(greater_equal(ids, 0), dy.dtype)
        ones = fill(expand_dims(rank(g) - rank(ids), 0), 1)
        return [g * reshape(keep, concat([shape(ids), ones], 0)), None, None]


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """tf.unsorted_segment_sum: out[k] = sum of data[i] where segment_ids[i] == k; output shape
    [num_segments] + data.shape[segment_ids.rank:]."""
    with name_scope(name, "UnsortedSegmentSum", [data, segment_ids, num_segments]) as scope:
        return UnsortedSegmentSum()(convert_to_tensor(data, name="data"), index_tensor(segment_ids, name="segment_ids"), index_tensor(num_segments, name="num_segments"), name=scope)


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
        values, first, inverse = xp.unique(x, return_index=True, return_inverse=True)
        order = xp.argsort(first, kind="stable")
        rank = xp.empty_like(order)
        rank[order] = xp.arange(order.size)
        return values[order], rank[inverse.reshape(-1)].astype(self.out_idx.as_numpy_dtype)


def unique(x, out_idx=dtypes.int32, name=None):
    """tf.unique: (y, idx) with y the distinct elements of the vector x in order of first
    appearance and x == tf.gather(y, idx)."""
    with name_scope(name, "Unique", [x]) as scope:
        op = get_default_graph().create_op(Unique(dtypes.as_dtype(out_idx)),
                                           [convert_to_tensor(x, name="x")], name=scope)
    return tuple(op.outputs)


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
