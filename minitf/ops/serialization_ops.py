"""Tensors as TensorProto bytes: tf.make_tensor_proto / tf.make_ndarray (in Python, TF's
encoding rules), tf.serialize_tensor / tf.parse_tensor, and SparseTensors as three serialized
TensorProtos (tf.serialize_sparse, tf.serialize_many_sparse, tf.deserialize_many_sparse)."""

import numpy as np
from tensorboardX.proto import tensor_pb2

from minitf import dtypes, errors
from minitf.framework.graph import name_scope
from minitf.framework.graph_def import (ndarray_to_tensor_proto, shape_to_proto,
                                        tensor_proto_to_ndarray)
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import TensorSpec
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.core import _short, _to_numpy

__all__ = ["make_tensor_proto", "make_ndarray", "serialize_tensor", "parse_tensor",
           "serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse"]

# The dtypes TF's make_tensor_proto writes as raw bytes (tensor_content) when there is more
# than one value; the others (bool, complex, strings) go in their typed value lists.
_CONTENT_DTYPES = frozenset([dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32,
                             dtypes.uint8, dtypes.int16, dtypes.int8, dtypes.int64,
                             dtypes.uint32, dtypes.uint64])


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False,
                      allow_broadcast=False):
    """tf.make_tensor_proto: a TensorProto holding `values`, encoded as TF encodes it (raw
    bytes for several numbers, typed value lists otherwise; one value with a larger `shape` is
    stored once). dtype inference and refusals as tf.constant's."""
    try:
        arr, dtype = _to_numpy(values, None if dtype is None else dtypes.as_dtype(dtype))
    except TypeError:  # (tf.constant's check, in make_tensor_proto's words)
        raise TypeError("Expected %s, but got %s of type '%s'." % (
            dtypes.as_dtype(dtype).name, _short(values), type(values).__name__)) from None
    if shape is None:
        shape = arr.shape
    else:
        shape = tuple(int(d) for d in shape)
        if verify_shape and arr.shape != shape:
            raise TypeError("Expected Tensor's shape: %s, but got %s." % (shape, arr.shape))
        size = int(np.prod(shape, dtype=np.int64))
        if arr.size > size:
            raise ValueError("Too many elements provided. Takes at most %d, but got %d."
                             % (size, arr.size))
        if allow_broadcast and arr.size not in (1, size):
            raise TypeError("Expected Tensor's shape: %s, but got %s." % (shape, arr.shape))
    if arr.shape == shape and (dtype in _CONTENT_DTYPES and arr.size > 1
                               or dtype not in _CONTENT_DTYPES):
        return ndarray_to_tensor_proto(arr, dtype)
    # fewer values than the shape holds (TF repeats the last one when reading), or one
    proto = ndarray_to_tensor_proto(arr.reshape(-1)[:1] if arr.size == 1 else arr.reshape(-1),
                                    dtype)
    if arr.size > 1 and dtype in _CONTENT_DTYPES:  # (the typed list, as TF writes it)
        proto.ClearField("tensor_content")
        _typed_values(proto, arr.reshape(-1), dtype)
    proto.tensor_shape.CopyFrom(shape_to_proto(shape))
    return proto


def _typed_values(proto, flat, dtype):
    single = ndarray_to_tensor_proto(flat[:1], dtype)  # names the typed field for dtype
    for field, _ in single.ListFields():
        if field.name.endswith("_val"):
            values = flat.view(np.uint16) if dtype is dtypes.float16 else flat
            getattr(proto, field.name).extend(values.tolist())


def make_ndarray(tensor):
    """tf.make_ndarray: the numpy array a TensorProto holds (a new, writable array)."""
    return np.array(tensor_proto_to_ndarray(tensor))


def _content_bytes(arr, dtype):
    """A tensor serialized as TF's SerializeTensor does (Tensor::AsProtoTensorContent): every
    number in tensor_content, strings in string_val."""
    proto = tensor_pb2.TensorProto(dtype=dtype.as_datatype_enum,
                                   tensor_shape=shape_to_proto(arr.shape))
    if dtype is dtypes.string:
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode()
                                for v in arr.reshape(-1).tolist())
    else:
        arr = np.asarray(arr, dtype=dtype.as_numpy_dtype)
        proto.tensor_content = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    return proto.SerializeToString()


def _parse(serialized, out_type, op=None):
    """The array a serialized TensorProto holds, which must be of `out_type`."""
    proto = tensor_pb2.TensorProto()
    try:
        proto.ParseFromString(bytes(serialized))
        dtype = dtypes.as_dtype(proto.dtype)
        value = tensor_proto_to_ndarray(proto)
    except Exception:  # (a damaged proto: TF's message shows its bytes in base64)
        import base64
        raise errors.InvalidArgumentError(
            None, op, "Could not parse `serialized` as TensorProto, base64: %s"
            % base64.b64encode(bytes(serialized)).decode()) from None
    if dtype is not out_type:
        raise errors.InvalidArgumentError(
            None, op, "Type mismatch between parsed tensor (%s) and dtype (%s)"
            % (dtypes.runtime_name(dtype), dtypes.runtime_name(out_type)))
    return np.array(value, dtype=object if out_type is dtypes.string
                    else out_type.as_numpy_dtype)


def _scalar_bytes(value):
    value = value.item() if isinstance(value, np.ndarray) else value
    return value if isinstance(value, bytes) else str(value).encode()


@register
class SerializeTensor(OpDef):
    """The tensor as a serialized TensorProto (a string scalar)."""
    differentiable = False
    host_only = True

    def infer(self, tensor):
        return TensorSpec([], dtypes.string)

    def compute(self, xp, tensor):
        return xp.array(_content_bytes(xp.asarray(tensor), self._dtype(tensor)), dtype=object)

    @staticmethod
    def _dtype(arr):
        return dtypes.string if arr.dtype == object else dtypes.as_dtype(arr.dtype)


@register
class ParseTensor(OpDef):
    """The tensor a serialized TensorProto holds (of dtype `out_type`; any shape)."""
    tf_signature = TFSignature(type_attrs=())
    out_type: dtypes.DType = dtypes.float32
    differentiable = False
    host_only = True

    def infer(self, serialized):
        if serialized.dtype is not dtypes.string or serialized.shape.ndims not in (None, 0):
            raise ValueError("ParseTensor: `serialized` must be a string scalar, got a %s %s"
                             % (serialized.dtype.name, serialized.shape))
        return TensorSpec(TensorShape(None), self.out_type)

    def bind(self, ctx, op):
        return lambda serialized: _parse(_scalar_bytes(serialized), self.out_type, op)


def serialize_tensor(tensor, name=None):
    """tf.serialize_tensor (tf.io.serialize_tensor): the tensor as TensorProto bytes, TF's
    bytes."""
    with name_scope(name, "SerializeTensor", [tensor]) as scope:
        return SerializeTensor()(convert_to_tensor(tensor, name="tensor"), name=scope)


def parse_tensor(serialized, out_type, name=None):
    """tf.parse_tensor (tf.io.parse_tensor): the tensor TensorProto bytes hold; a dtype other
    than `out_type` is TF's InvalidArgumentError at run time."""
    with name_scope(name, "ParseTensor", [serialized]) as scope:
        serialized = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        return ParseTensor(dtypes.as_dtype(out_type))(serialized, name=scope)


# -- SparseTensors -------------------------------------------------------------------------------

def _check_sparse(indices, values, dense_shape, op_name):
    if indices.dtype is not dtypes.int64 or dense_shape.dtype is not dtypes.int64:
        raise TypeError("%s: sparse indices and dense_shape must be int64" % op_name)


@register
class SerializeSparse(OpDef):
    """A SparseTensor as three serialized TensorProtos: indices, values, dense_shape."""
    tf_signature = TFSignature(type_attrs=(("T", 1),))
    out_type: dtypes.DType = dtypes.string
    differentiable = False
    host_only = True

    def infer(self, indices, values, dense_shape):
        _check_sparse(indices, values, dense_shape, "SerializeSparse")
        return TensorSpec([3], dtypes.string)

    def compute(self, xp, indices, values, dense_shape):
        values = xp.asarray(values)
        kind = SerializeTensor._dtype(values)
        parts = [_content_bytes(xp.asarray(indices, xp.int64), dtypes.int64),
                 _content_bytes(values, kind),
                 _content_bytes(xp.asarray(dense_shape, xp.int64), dtypes.int64)]
        out = xp.empty(3, dtype=object)
        out[:] = parts
        return out


@register
class SerializeManySparse(OpDef):
    """Each row (first index) of a SparseTensor of rank >= 2 as a serialized SparseTensor one
    rank lower: a [rows, 3] string matrix."""
    tf_signature = TFSignature(type_attrs=(("T", 1),))
    out_type: dtypes.DType = dtypes.string
    differentiable = False
    host_only = True

    def infer(self, indices, values, dense_shape):
        _check_sparse(indices, values, dense_shape, "SerializeManySparse")
        return TensorSpec([None, 3], dtypes.string)

    def compute(self, xp, indices, values, dense_shape):
        indices, values = xp.asarray(indices, xp.int64), xp.asarray(values)
        dense_shape = xp.asarray(dense_shape, xp.int64)
        if dense_shape.size < 2:
            raise errors.InvalidArgumentError(
                None, None, "Rank of input SparseTensor should be > 1, but saw rank: %d"
                % dense_shape.size)
        kind = SerializeTensor._dtype(values)
        for i in range(1, len(indices)):
            if tuple(indices[i]) <= tuple(indices[i - 1]):
                raise errors.InvalidArgumentError(
                    None, None, "indices[%d] = [%s] is out of order. Many sparse ops require "
                    "sorted indices." % (i, ",".join(str(int(d)) for d in indices[i])))
        out = xp.empty((int(dense_shape[0]), 3), dtype=object)
        for row in range(int(dense_shape[0])):
            mine = indices[:, 0] == row
            out[row] = [_content_bytes(indices[mine][:, 1:].reshape(-1, dense_shape.size - 1),
                                       dtypes.int64),
                        _content_bytes(values[mine], kind),
                        _content_bytes(dense_shape[1:], dtypes.int64)]
        return out


@register
class DeserializeManySparse(OpDef):
    """[rows, 3] serialized SparseTensors (of one rank) stacked into one SparseTensor with a
    new first dimension; the dense shape is the largest of each dimension."""
    tf_signature = TFSignature(type_attrs=())
    dtype: dtypes.DType = dtypes.float32
    differentiable = False
    host_only = True

    def infer(self, serialized_sparse):
        if serialized_sparse.dtype is not dtypes.string:
            raise TypeError("DeserializeManySparse: serialized_sparse must be strings, got %s"
                            % serialized_sparse.dtype.name)
        if not serialized_sparse.shape.is_compatible_with([None, 3]):
            raise ValueError("DeserializeManySparse: serialized_sparse must be a [N, 3] "
                             "matrix, got %s" % serialized_sparse.shape)
        return [TensorSpec([None, None], dtypes.int64), TensorSpec([None], self.dtype),
                TensorSpec([None], dtypes.int64)]

    def bind(self, ctx, op):
        def deserialize(serialized):
            all_indices, all_values, shapes = [], [], []
            for row, (i, v, s) in enumerate(np.asarray(serialized, dtype=object)):
                indices = _parse(_scalar_bytes(i), dtypes.int64, op)
                all_values.append(_parse(_scalar_bytes(v), self.dtype, op))
                shapes.append(_parse(_scalar_bytes(s), dtypes.int64, op))
                if shapes[0].size != shapes[-1].size:
                    raise errors.InvalidArgumentError(
                        None, op, "Inconsistent shape across SparseTensors: rank prior to "
                        "SparseTensor[%d] was: %d but rank of SparseTensor[%d] is: %d"
                        % (row, shapes[0].size, row, shapes[-1].size))
                rank = shapes[-1].size
                all_indices.append(np.concatenate(
                    [np.full((len(indices), 1), row, np.int64),
                     indices.reshape(len(indices), rank)], axis=1))
            rows = len(shapes)
            rank = shapes[0].size if shapes else 0
            dense = np.concatenate([[rows], np.max(shapes, axis=0)]) if shapes else \
                np.zeros(1, np.int64)
            values = (np.concatenate(all_values) if all_values
                      else np.zeros(0, self.dtype.as_numpy_dtype))
            indices = (np.concatenate(all_indices) if all_indices
                       else np.zeros((0, rank + 1), np.int64))
            return indices.astype(np.int64), values, dense.astype(np.int64)
        return deserialize


def _sparse_parts(sp_input):
    sp_input = SparseTensor.from_value(sp_input) if not isinstance(sp_input, SparseTensor) \
        else sp_input
    return [sp_input.indices, sp_input.values, sp_input.dense_shape]


def serialize_sparse(sp_input, name=None, out_type=dtypes.string):
    """tf.serialize_sparse (tf.io.serialize_sparse): a SparseTensor as a string 3-vector of
    TensorProto bytes (indices, values, dense_shape), TF's bytes."""
    if dtypes.as_dtype(out_type) is not dtypes.string:
        raise NotImplementedError("minitf serializes SparseTensors as strings only (no variant "
                                  "dtype)")
    with name_scope(name, "SerializeSparse", []) as scope:
        return SerializeSparse()(*_sparse_parts(sp_input), name=scope)


def serialize_many_sparse(sp_input, name=None, out_type=dtypes.string):
    """tf.serialize_many_sparse (tf.io.serialize_many_sparse): each row of a SparseTensor
    (rank >= 2) serialized as serialize_sparse does, one rank lower: a [rows, 3] matrix."""
    if dtypes.as_dtype(out_type) is not dtypes.string:
        raise NotImplementedError("minitf serializes SparseTensors as strings only (no variant "
                                  "dtype)")
    with name_scope(name, "SerializeManySparse", []) as scope:
        return SerializeManySparse()(*_sparse_parts(sp_input), name=scope)


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None):
    """tf.deserialize_many_sparse (tf.io.deserialize_many_sparse): serialized SparseTensors
    stacked along a new first dimension (the dense shape: the largest in each dimension)."""
    with name_scope(name, "DeserializeManySparse", [serialized_sparse]) as scope:
        serialized = convert_to_tensor(serialized_sparse, dtype=dtypes.string)
        op = DeserializeManySparse(dtypes.as_dtype(dtype))(serialized, name=scope)[0].op
    indices, values, dense_shape = op.outputs
    if rank is not None:
        indices.set_shape([None, rank])
        dense_shape.set_shape([rank])
    return SparseTensor(indices, values, dense_shape)
