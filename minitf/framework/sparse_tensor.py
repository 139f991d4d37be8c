"""tf.SparseTensor (three tensors: int64 `indices` [N, rank], `values` [N], int64
`dense_shape` [rank]) and tf.SparseTensorValue, what Session.run returns for one and what a
sparse placeholder is fed with."""

import collections

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.tensor_util import constant_value_as_shape

__all__ = ["SparseTensor", "SparseTensorValue"]

SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])

_convert = None


def register_conversion(fn):
    """Installs fn(value, dtype, name) -> Tensor (the ops layer's convert_to_tensor), so that
    this module imports nothing above framework/."""
    global _convert
    _convert = fn


class SparseTensor:
    """A sparse tensor: dense[indices[i]] = values[i], every other entry zero (or the
    default value given to tf.sparse_tensor_to_dense). Indices are in row-major order."""

    def __init__(self, indices, values, dense_shape):
        with name_scope(None, "SparseTensor"):  # TF1's scope for the tensors it makes
            self._indices = _convert(indices, dtypes.int64, "indices")
            self._values = _convert(values, None, "values")
            self._dense_shape = _convert(dense_shape, dtypes.int64, "dense_shape")
        for what, t, rank in (("indices", self._indices, 2), ("values", self._values, 1),
                              ("dense_shape", self._dense_shape, 1)):
            if t.shape.ndims is not None and t.shape.ndims != rank:
                raise ValueError("SparseTensor %s must have rank %d, got shape %s"
                                 % (what, rank, t.shape))

    @classmethod
    def from_value(cls, value):
        if isinstance(value, SparseTensor):
            return value
        return cls(value.indices, value.values, value.dense_shape)

    indices = property(lambda self: self._indices)
    values = property(lambda self: self._values)
    dense_shape = property(lambda self: self._dense_shape)
    dtype = property(lambda self: self._values.dtype)
    op = property(lambda self: self._values.op)
    graph = property(lambda self: self._values.graph)

    @property
    def shape(self):
        """The static dense shape: dense_shape's entries where known at build time (TF's
        constant_value_as_shape: tf.shape(x) gives x's known dims)."""
        return constant_value_as_shape(self._dense_shape)

    def get_shape(self):
        return self.shape

    def eval(self, feed_dict=None, session=None):
        from minitf.framework.graph import default_session_for
        return default_session_for(self.graph, session, "eval").run(self, feed_dict)

    def __repr__(self):
        return "SparseTensor(indices=%s, values=%s, dense_shape=%s)" % (
            self._indices, self._values, self._dense_shape)
