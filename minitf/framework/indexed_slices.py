"""tf.IndexedSlices: a sparse gradient value (rows `values` of a dense tensor of shape
`dense_shape`, at the row numbers `indices`; repeated rows add up), and IndexedSlicesValue, what
Session.run returns for one.

The class is plain data; converting it to a dense Tensor needs ops, which register that
conversion here (`register_dense_conversion`), so framework/ imports nothing above it."""

import collections

from minitf.framework.shapes import TensorShape
from minitf.framework.tensor_util import constant_value

__all__ = ["IndexedSlices", "IndexedSlicesValue"]

IndexedSlicesValue = collections.namedtuple("IndexedSlicesValue",
                                            ["values", "indices", "dense_shape"])

_to_dense = None


def register_dense_conversion(fn):
    """Installs fn(indexed_slices, dtype, name) -> Tensor, used by tf.convert_to_tensor."""
    global _to_dense
    _to_dense = fn


class IndexedSlices:
    """A sparse representation of a dense tensor `x`: x[indices[i]] = values[i] (summed over
    repeated indices), every other row zero. The gradient of tf.gather / embedding_lookup with
    respect to the table; tf.gradients concatenates several of them, optimizers update only the
    rows named, and tf.convert_to_tensor makes the dense tensor (an UnsortedSegmentSum)."""

    def __init__(self, values, indices, dense_shape=None):
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    values = property(lambda self: self._values)
    indices = property(lambda self: self._indices)
    dense_shape = property(lambda self: self._dense_shape)
    name = property(lambda self: self._values.name)
    dtype = property(lambda self: self._values.dtype)
    op = property(lambda self: self._values.op)
    graph = property(lambda self: self._values.graph)
    device = property(lambda self: self._values.device)

    @property
    def shape(self):
        """The static shape of the dense tensor: dense_shape's value where known at build
        time, else the row shape of `values` after an unknown number of rows."""
        rows = TensorShape([None]).concatenate(self._values.shape[1:]) \
            if self._values.shape.ndims is not None else TensorShape(None)
        if self._dense_shape is not None:
            known = constant_value(self._dense_shape)
            if known is not None:
                return TensorShape([int(d) for d in known]).merge_with(rows)
        return rows

    def get_shape(self):
        return self.shape

    def consumers(self):
        return self._values.consumers()

    def _as_tensor(self, dtype=None):
        if _to_dense is None:
            raise RuntimeError("minitf.ops is not imported: cannot densify IndexedSlices")
        return _to_dense(self, dtype, None)

    def __repr__(self):
        return "IndexedSlices(indices=%s, values=%s%s)" % (
            self._indices, self._values,
            "" if self._dense_shape is None else ", dense_shape=%s" % self._dense_shape)
