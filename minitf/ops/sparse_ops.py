"""Sparse tensor basics: tf.sparse_placeholder, tf.sparse_tensor_to_dense (op SparseToDense),
tf.sparse_reduce_sum (tf.sparse_add is in sparse_math.py)."""

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import TensorShape
from minitf.framework.sparse_tensor import SparseTensor, SparseTensorValue, register_conversion
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.array_ops import gather_nd, placeholder
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import reduce_sum

__all__ = ["SparseTensor", "SparseTensorValue", "sparse_placeholder", "sparse_tensor_to_dense",
           "sparse_to_dense", "sparse_reduce_sum", "convert_to_tensor_or_sparse_tensor",
           "convert_to_tensor_or_indexed_slices"]

register_conversion(lambda value, dtype, name: convert_to_tensor(value, dtype=dtype, name=name))


def check_sparse_indices(xp, indices, shape):
    """TF's check of a SparseTensor's indices ([n, rank] against the dense shape): each in
    bounds, in strictly increasing row-major order, none repeated (a ValueError naming the
    first bad index, with TF's message)."""
    shape = tuple(int(d) for d in shape)
    if not len(indices):
        return
    bounds = xp.asarray(shape)
    bad = xp.nonzero(xp.any((indices < 0) | (indices >= bounds), axis=1))[0]
    if bad.size:
        i = int(bad[0])
        raise ValueError("indices[%d] = [%s] is out of bounds: need 0 <= index < [%s]"
                         % (i, ",".join(str(int(v)) for v in indices[i]),
                            ",".join(map(str, shape))))
    flat = xp.ravel_multi_index(tuple(indices.T), shape) if shape else xp.zeros(len(indices))
    steps = flat[1:] - flat[:-1]
    bad = xp.nonzero(steps <= 0)[0]
    if bad.size:
        i = int(bad[0]) + 1
        raise ValueError("indices[%d] = [%s] is %s" % (
            i, ",".join(str(int(v)) for v in indices[i]),
            "repeated" if int(steps[i - 1]) == 0 else
            "out of order. Many sparse ops require sorted indices."))


@register
class SparseToDense(OpDef):
    """dense = default_value everywhere, sparse_values at sparse_indices (row-major order, no
    repeats when validate_indices, as TF checks)."""

    validate_indices: bool = True

    def infer(self, indices, output_shape, values, default_value):
        if not indices.dtype.is_integer or output_shape.dtype is not indices.dtype:
            raise TypeError("sparse_indices and output_shape must be int32 or int64 of one "
                            "dtype, got %s and %s" % (indices.dtype.name, output_shape.dtype.name))
        if default_value.dtype is not values.dtype:
            raise TypeError("default_value has dtype %s but sparse_values has dtype %s"
                            % (default_value.dtype.name, values.dtype.name))
        if default_value.shape.ndims not in (None, 0):
            raise ValueError("default_value must be a scalar, got shape %s" % default_value.shape)
        known = constant_value(output_shape)
        if known is not None:
            return TensorSpec(TensorShape([int(d) for d in known]), values.dtype)
        rank = output_shape.shape.as_tuple()
        return TensorSpec(None if rank is None or rank[0] is None else (None,) * rank[0],
                          values.dtype)

    def compute(self, xp, indices, output_shape, values, default_value):
        shape = tuple(int(d) for d in output_shape)
        indices = indices.reshape(indices.shape[0], -1) if indices.ndim == 2 else \
            indices.reshape(-1, 1)
        n, rank = indices.shape
        if rank != len(shape):
            raise ValueError("sparse_indices has rank %d entries but output_shape has %d "
                             "dimensions" % (rank, len(shape)))
        if values.ndim and values.shape[0] != n:
            raise ValueError("sparse_values has %d entries but sparse_indices has %d"
                             % (values.shape[0], n))
        if self.validate_indices:
            check_sparse_indices(xp, indices, shape)
        out = xp.full(shape, default_value, dtype=values.dtype)
        out[tuple(indices.T)] = values
        return out

    def grad(self, op, dy):
        indices = op.inputs[0]
        values_grad = gather_nd(dy, indices)
        default_grad = reduce_sum(dy) - reduce_sum(values_grad)
        return [None, None, values_grad, default_grad]


def sparse_placeholder(dtype, shape=None, name=None):
    """tf.sparse_placeholder: a SparseTensor whose indices, values (and dense_shape, unless
    `shape` is fully known) are placeholders; feed it a tf.SparseTensorValue or an
    (indices, values, dense_shape) tuple."""
    rank = None
    if shape is not None:
        dims = list(shape)
        rank = len(dims)
        shape = None if None in dims else dims
    shape_name = name + "/shape" if name is not None else None
    if shape is None:
        dense_shape = placeholder(dtypes.int64, shape=[rank], name=shape_name)
    else:
        dense_shape = convert_to_tensor(shape, dtype=dtypes.int64, name=shape_name)
    return SparseTensor(
        values=placeholder(dtype, shape=[None], name=name + "/values" if name else None),
        indices=placeholder(dtypes.int64, shape=[None, rank],
                            name=name + "/indices" if name else None),
        dense_shape=dense_shape)


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """tf.sparse_to_dense: a dense tensor of `output_shape` holding `sparse_values` at
    `sparse_indices` and `default_value` elsewhere."""
    with name_scope(name, "SparseToDense") as scope:
        indices = convert_to_tensor(sparse_indices, name="sparse_indices")
        output_shape = convert_to_tensor(output_shape, dtype=indices.dtype, name="output_shape")
        values = convert_to_tensor(sparse_values, name="sparse_values")
        default = convert_to_tensor(default_value, dtype=values.dtype, name="default_value")
        return get_default_graph().create_op(
            SparseToDense(bool(validate_indices)), [indices, output_shape, values, default],
            name=scope).outputs[0]


def sparse_tensor_to_dense(sp_input, default_value=0, validate_indices=True, name=None):
    """tf.sparse_tensor_to_dense (tf.sparse.to_dense): the dense tensor of a SparseTensor."""
    if not isinstance(sp_input, SparseTensor):
        raise TypeError("Input must be a SparseTensor, got %r" % (sp_input,))
    with name_scope(name, "SparseToDense", [sp_input]):
        return sparse_to_dense(sp_input.indices, sp_input.dense_shape, sp_input.values,
                               default_value, validate_indices, name="SparseToDense")


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
    """tf.sparse_reduce_sum: the sum of a SparseTensor's entries over `axis` (dense result)."""
    axis = reduction_axes if axis is None else axis
    keepdims = keep_dims if keepdims is None else keepdims
    return reduce_sum(sparse_tensor_to_dense(sp_input), axis=axis, keepdims=keepdims)


def convert_to_tensor_or_sparse_tensor(value, dtype=None, name=None):
    """tf.convert_to_tensor_or_sparse_tensor: a SparseTensor (or SparseTensorValue) as a
    SparseTensor, anything else through tf.convert_to_tensor."""
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype is not None and dtype is not value.dtype:
            raise ValueError("Sparse dtype: requested = %s, actual = %s"
                             % (dtype.name, value.dtype.name))
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


def convert_to_tensor_or_indexed_slices(value, dtype=None, name=None):
    """tf.convert_to_tensor_or_indexed_slices: an IndexedSlices as it is, anything else
    through tf.convert_to_tensor."""
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    if isinstance(value, IndexedSlices):
        if dtype is not None and dtype is not value.dtype:
            raise ValueError("Incompatible tensor conversion requested to `dtype` %s for "
                             "IndexedSlices (%s) with dtype %s" % (dtype.name, value,
                                                                   value.dtype.name))
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)
