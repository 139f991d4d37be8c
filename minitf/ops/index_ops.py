"""Index arithmetic: UnravelIndex (tf.unravel_index) and LowerBound / UpperBound
(tf.searchsorted). None has a gradient (their outputs are integer positions)."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.core import convert_to_tensor, reshape, shape, stack
from minitf.ops.op_util import check_int_dtype, rank_error, type_mismatch_error

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
