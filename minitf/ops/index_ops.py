"""Index arithmetic: UnravelIndex (tf.unravel_index) and LowerBound / UpperBound
(tf.searchsorted). None has a gradient (their outputs are integer positions)."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.core import convert_to_tensor, reshape, shape
from minitf.ops.op_util import (check_dtype, check_int_dtype, dtype_error, rank_error,
                                type_mismatch_error)

__all__ = ["unravel_index", "searchsorted"]


@register
class UnravelIndex(OpDef):
    """The coordinates of flat (row-major) indices in an array of shape `dims`: one row per
    dimension, one column per index (a vector for a scalar index)."""

    tf_signature = TFSignature(type_attrs=(("Tidx", 0),))
    differentiable = False

    def infer(self, indices, dims):
        check_int_dtype(indices, "indices")
        if dims.dtype is not indices.dtype:
            raise type_mismatch_error("UnravelIndex", "dims", dims.dtype, "indices",
                                      indices.dtype)
        if dims.shape.ndims not in (None, 1):
            raise rank_error(1, dims.shape.ndims, " (argument 'dims')")
        n = dims.shape[0].value if dims.shape.ndims == 1 else None
        if indices.shape.ndims == 0:
            return TensorSpec([n], indices.dtype)
        return TensorSpec([n, indices.shape.num_elements()], indices.dtype)

    def compute(self, xp, indices, dims):
        size = int(dims.prod())
        if indices.size and (indices.min() < 0 or indices.max() >= size):
            raise ValueError("index is out of bound as with dims")
        coords = xp.unravel_index(indices.reshape(-1), tuple(dims.tolist()))
        out = xp.stack(coords).astype(indices.dtype, copy=False)
        return out.reshape(-1) if indices.ndim == 0 else out


def unravel_index(indices, dims, name=None):
    """tf.unravel_index: the coordinates of flat indices into an array of shape `dims`, shape
    [len(dims)] for a scalar index, else [len(dims), number of indices]."""
    with name_scope(name, "UnravelIndex", [indices, dims]) as scope:
        indices = convert_to_tensor(indices, name="indices")
        dims = convert_to_tensor(dims, name="dims", preferred_dtype=indices.dtype)
        return UnravelIndex()(indices, dims, name=scope)


class _Bound(OpDef):
    """For each row b of the 2-D `values`, the position in the sorted row b of `sorted_inputs`
    where each value would be inserted to keep it sorted: before equal entries (LowerBound)
    or after them (UpperBound)."""

    out_type: dtypes.DType = dtypes.int32
    differentiable = False
    side = "left"

    def infer(self, sorted_inputs, values):
        check_dtype(self.type_name, sorted_inputs.dtype, "ordered", "T")
        if values.dtype is not sorted_inputs.dtype:
            raise type_mismatch_error(self.type_name, "values", values.dtype, "sorted_inputs",
                                      sorted_inputs.dtype)
        if self.out_type not in (dtypes.int32, dtypes.int64):
            raise dtype_error("out_type", self.out_type, (dtypes.int32, dtypes.int64))
        for what, t in (("sorted_inputs", sorted_inputs), ("values", values)):
            if t.shape.ndims not in (None, 2):
                raise rank_error(2, t.shape.ndims, " (argument '%s')" % what)
        if not sorted_inputs.shape[:1].is_compatible_with(values.shape[:1]):
            raise ValueError("sorted_inputs and values must have the same number of rows, got "
                             "shapes %s and %s" % (sorted_inputs.shape, values.shape))
        return TensorSpec(values.shape, self.out_type)

    def compute(self, xp, sorted_inputs, values):
        if sorted_inputs.shape[0] != values.shape[0]:
            raise ValueError("Leading dim_size of both tensors must match.")
        out = xp.empty(values.shape, dtype=self.out_type.as_numpy_dtype)
        for b in range(values.shape[0]):  # (rows are independent: one search each)
            out[b] = xp.searchsorted(sorted_inputs[b], values[b], side=self.side)
        return out


@register
class LowerBound(_Bound):
    side = "left"


@register
class UpperBound(_Bound):
    side = "right"


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """tf.searchsorted: for each of `values`, where it goes in `sorted_sequence` (sorted along
    its last axis; the leading axes pair rows of both) to keep it sorted; side "left" puts it
    before equal entries, "right" after. TF's construction: both reshaped to rows, LowerBound
    or UpperBound, reshaped back to values' shape."""
    sorted_sequence = convert_to_tensor(sorted_sequence)
    values = convert_to_tensor(values)
    sequence_size, values_size = shape(sorted_sequence)[-1], shape(values)[-1]
    rows = reshape(sorted_sequence, [-1, sequence_size])
    value_rows = reshape(values, [-1, values_size])
    if side == "right":
        opdef = UpperBound(dtypes.as_dtype(out_type))
    elif side == "left":
        opdef = LowerBound(dtypes.as_dtype(out_type))
    else:
        raise ValueError("side must be either 'right' or 'left'.  Saw: %s." % side)
    return reshape(opdef(rows, value_rows, name=name or opdef.type_name), shape(values))
