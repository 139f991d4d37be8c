"""Graph <-> GraphDef: exports a minitf Graph as TensorFlow's GraphDef protocol buffer (what
TensorBoard draws and TF's tools read) and converts NodeDef attrs back into OpDefs.

How an Operation becomes a NodeDef:

* ``name`` is the op's name, ``op`` its TF type name (``opdef.type_name``), ``device`` its device.
* ``input`` lists ``name`` for output 0 of an op, ``name:i`` for output i > 0, then ``^name``
  for each control input. Variable references are ordinary inputs (``Assign`` reads ``w``).
* ``attr`` holds every field of the OpDef dataclass, converted by `to_attr_value`. A field whose
  name differs from TF's attr name is renamed through `ATTR_RENAMES` (``keepdims`` ->
  ``keep_dims``). Then, for TensorBoard and TF's readers, attrs TF derives from the inputs:
  ``T`` (the dtype of the input in `_T_INPUT`, default input 0) unless the OpDef has a ``T`` or
  ``dtype`` field or TF's op has no ``T``; ``N`` for list-input ops; and, with
  ``add_shapes=True``, ``_output_shapes``.

The value mapping (`to_attr_value` / `from_attr_value` are inverses on it)::

    None                 -> AttrValue with no value set      -> None
    bool / numpy bool    -> b                                 -> bool
    int / numpy integer  -> i                                 -> int
    float / numpy float  -> f (float32)                       -> float (shortest decimal)
    str                  -> s (UTF-8)                         -> str (bytes if not UTF-8)
    bytes                -> s                                 -> str when UTF-8, else bytes
    DType                -> type (TF's DataType enum)         -> DType
    TensorShape          -> shape (-1 for None dims)          -> TensorShape
    numpy ndarray        -> tensor (TensorProto)              -> read-only ndarray (string
                                                                 elements as bytes, as in TF)
    tuple / list of one
      kind of the above  -> list {i|f|b|s|type|shape}         -> tuple
    nested number tuples -> tensor                            -> ndarray (a tuple again through
                                                                 `node_def_to_opdef`)

`node_def_to_opdef` rebuilds an OpDef from a NodeDef written by `graph_to_graph_def`: attrs that
are not fields of the OpDef (T, N, _output_shapes, _class...) are ignored. A GraphDef written by
TF itself may carry as inputs what minitf keeps as fields (Sum's reduction indices), so
importing one needs per-op input handling on top of this.
"""

import dataclasses

import numpy as np
from tensorboardX.proto import (attr_value_pb2, graph_pb2, node_def_pb2, tensor_pb2,
                                tensor_shape_pb2, versions_pb2)

from minitf import dtypes
from minitf.framework.registry import lookup
from minitf.framework.shapes import TensorShape

__all__ = ["graph_to_graph_def", "op_to_node_def", "node_def_to_opdef", "to_attr_value",
           "from_attr_value", "ndarray_to_tensor_proto", "tensor_proto_to_ndarray",
           "shape_to_proto", "shape_from_proto", "parse_input"]

# The GraphDef producer version tensorboardX's own graph exports use (a TF 1.x-era one); TF and
# TensorBoard read any producer >= 0.
PRODUCER_VERSION = 22

# OpDef field name -> TF attr name, where they differ (TF spells keepdims "keep_dims" on every
# reduction op, and has no attr called "keepdims").
ATTR_RENAMES = {"keepdims": "keep_dims"}

# Which input carries TF's `T` attr when it is not input 0, and ops TF defines without `T`.
_T_INPUT = {"Select": 1, "SelectV2": 1, "Fill": 1}
_NO_T = {"Cast", "MergeSummary", "AudioSummaryV2", "NoOp"}
# Ops taking a list of N inputs, with how many ordinary inputs follow the list.
_N_LIST = {"AddN": 0, "Pack": 0, "MergeSummary": 0, "ShapeN": 0, "ConcatV2": 1}


# -- shapes and tensors ------------------------------------------------------------------------

def shape_to_proto(shape):
    """A TensorShapeProto for a TensorShape (or a tuple of ints / None)."""
    dims = TensorShape(shape).as_tuple()
    if dims is None:
        return tensor_shape_pb2.TensorShapeProto(unknown_rank=True)
    return tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else d) for d in dims])


def shape_from_proto(proto):
    if proto.unknown_rank:
        return TensorShape(None)
    return TensorShape([None if d.size < 0 else d.size for d in proto.dim])


# TensorProto's typed value field for each dtype (used for scalars; larger numeric tensors go in
# tensor_content, as TF's make_tensor_proto does). tensorboardX's TensorProto predates
# uint32_val and uint64_val, so those dtypes always use tensor_content.
_VAL_FIELD = {
    "float16": "half_val", "float32": "float_val", "float64": "double_val",
    "int8": "int_val", "int16": "int_val", "int32": "int_val", "uint8": "int_val",
    "uint16": "int_val", "int64": "int64_val", "bool": "bool_val", "complex64": "scomplex_val",
    "complex128": "dcomplex_val", "string": "string_val",
}


def _as_bytes(x):
    if isinstance(x, bytes):
        return x
    if isinstance(x, str):
        return x.encode("utf-8")
    raise TypeError("A string tensor holds str or bytes, got %s" % type(x).__name__)


def ndarray_to_tensor_proto(value, dtype=None):
    """A TensorProto holding `value` (array-like) as `dtype` (a DType; inferred when None)."""
    dtype = dtypes.as_dtype(dtype) if dtype is not None else None
    if dtype is dtypes.string or (dtype is None and np.asarray(value).dtype.kind in "OSU"):
        arr = np.asarray(value, dtype=object)
        dtype = dtypes.string
    else:
        arr = np.asarray(value, dtype=None if dtype is None else dtype.as_numpy_dtype)
        dtype = dtype or dtypes.as_dtype(arr.dtype)
    proto = tensor_pb2.TensorProto(dtype=dtype.as_datatype_enum,
                                   tensor_shape=shape_to_proto(arr.shape))
    field = _VAL_FIELD.get(dtype.name)
    if dtype is dtypes.string:
        proto.string_val.extend(_as_bytes(x) for x in arr.ravel())
    elif (arr.size > 1 or field is None) and dtype is not dtypes.bool:
        proto.tensor_content = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    elif dtype is dtypes.float16:
        getattr(proto, field).extend(arr.ravel().view(np.uint16).tolist())
    elif dtype.is_complex:
        getattr(proto, field).extend(arr.ravel().view(arr.real.dtype).tolist())
    else:
        getattr(proto, field).extend(arr.ravel().tolist())
    return proto


def tensor_proto_to_ndarray(proto):
    """The ndarray a TensorProto holds (string tensors give an object array of bytes). A typed
    value list shorter than the shape repeats its last value, as TF reads it."""
    dtype = dtypes.as_dtype(proto.dtype)
    shape = tuple(shape_from_proto(proto.tensor_shape).as_tuple() or ())
    size = int(np.prod(shape, dtype=np.int64))
    if dtype is dtypes.string:
        flat = np.empty(len(proto.string_val), dtype=object)
        flat[:] = list(proto.string_val)
    elif proto.tensor_content:
        np_dtype = np.dtype(dtype.as_numpy_dtype).newbyteorder("<")
        flat = np.frombuffer(proto.tensor_content, np_dtype)
        return flat.astype(dtype.as_numpy_dtype).reshape(shape)
    elif dtype.name not in _VAL_FIELD:
        flat = np.zeros(0, dtype.as_numpy_dtype)
    else:
        vals = list(getattr(proto, _VAL_FIELD[dtype.name]))
        if dtype is dtypes.float16:
            flat = np.array(vals, dtype=np.uint16).view(np.float16)
        elif dtype.is_complex:
            flat = np.array(vals, dtype=dtype.real_dtype.as_numpy_dtype).view(dtype.as_numpy_dtype)
        else:
            flat = np.array(vals, dtype=dtype.as_numpy_dtype)
    if flat.size == size:
        return flat.reshape(shape)
    if flat.size == 0:
        return np.zeros(shape, dtype.as_numpy_dtype) if dtype is not dtypes.string else \
            np.full(shape, b"", dtype=object)
    if flat.size > size:
        raise ValueError("TensorProto holds %d values for shape %s" % (flat.size, list(shape)))
    out = np.empty(size, dtype=flat.dtype)
    out[:flat.size] = flat
    out[flat.size:] = flat[-1]
    return out.reshape(shape)


# -- attr values -------------------------------------------------------------------------------

def _is_nested_numbers(value):
    return bool(value) and all(isinstance(v, (tuple, list)) for v in value)


def _list_kind(items):
    """The ListValue field for a homogeneous list, or None."""
    if all(isinstance(v, (bool, np.bool_)) for v in items):
        return "b"
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in items):
        return "i"
    if all(isinstance(v, (int, float, np.integer, np.floating))
           and not isinstance(v, (bool, np.bool_)) for v in items):
        return "f"
    if all(isinstance(v, (str, bytes)) for v in items):
        return "s"
    if all(isinstance(v, dtypes.DType) for v in items):
        return "type"
    if all(isinstance(v, TensorShape) for v in items):
        return "shape"
    return None


def to_attr_value(value):
    """The AttrValue for an OpDef field value (see the module docstring for the mapping)."""
    attr = attr_value_pb2.AttrValue
    if value is None:
        return attr()
    if isinstance(value, (bool, np.bool_)):
        return attr(b=bool(value))
    if isinstance(value, (int, np.integer)):
        return attr(i=int(value))
    if isinstance(value, (float, np.floating)):
        return attr(f=float(value))
    if isinstance(value, (str, bytes)):
        return attr(s=_as_bytes(value))
    if isinstance(value, dtypes.DType):
        return attr(type=value.as_datatype_enum)
    if isinstance(value, TensorShape):
        return attr(shape=shape_to_proto(value))
    if isinstance(value, np.ndarray):
        return attr(tensor=ndarray_to_tensor_proto(value))
    if isinstance(value, (tuple, list)):
        if _is_nested_numbers(value):
            return attr(tensor=ndarray_to_tensor_proto(np.array(value)))
        kind = "i" if not value else _list_kind(value)
        if kind is None:
            raise TypeError("Cannot store the list %r as a TF attr: its items must all be bools, "
                            "ints, floats, strings, DTypes or TensorShapes" % (value,))
        lst = attr_value_pb2.AttrValue.ListValue()
        if kind == "s":
            lst.s.extend(_as_bytes(v) for v in value)
        elif kind == "type":
            lst.type.extend(v.as_datatype_enum for v in value)
        elif kind == "shape":
            lst.shape.extend(shape_to_proto(v) for v in value)
        else:
            convert = {"b": bool, "i": int, "f": float}[kind]
            getattr(lst, kind).extend(convert(v) for v in value)
        return attr(list=lst)
    raise TypeError("Cannot store a value of type %s as a TF attr (%r)"
                    % (type(value).__name__, value))


def _from_bytes(s):
    try:
        return s.decode("utf-8")
    except UnicodeDecodeError:
        return s


def _float32_value(f):
    """The shortest decimal with the same float32 as `f`: attrs store float32, so 0.3 comes
    back as 0.3, not 0.30000001192092896."""
    return float(str(np.float32(f)))


def from_attr_value(attr):
    """The Python value of an AttrValue: the inverse of `to_attr_value`."""
    kind = attr.WhichOneof("value")
    if kind is None:
        return None
    if kind == "b":
        return bool(attr.b)
    if kind == "i":
        return int(attr.i)
    if kind == "f":
        return _float32_value(attr.f)
    if kind == "s":
        return _from_bytes(attr.s)
    if kind == "type":
        return dtypes.as_dtype(attr.type)
    if kind == "shape":
        return shape_from_proto(attr.shape)
    if kind == "tensor":
        arr = tensor_proto_to_ndarray(attr.tensor)
        arr.setflags(write=False)
        return arr
    if kind == "list":
        lst = attr.list
        for field in ("s", "i", "f", "b", "type", "shape", "tensor"):
            items = getattr(lst, field)
            if items:
                if field == "s":
                    return tuple(_from_bytes(s) for s in items)
                if field == "type":
                    return tuple(dtypes.as_dtype(t) for t in items)
                if field == "shape":
                    return tuple(shape_from_proto(s) for s in items)
                if field == "tensor":
                    return tuple(tensor_proto_to_ndarray(t) for t in items)
                if field == "f":
                    return tuple(_float32_value(f) for f in items)
                return tuple(items)
        return ()
    raise ValueError("minitf cannot read an AttrValue holding %r" % kind)


# -- nodes and graphs --------------------------------------------------------------------------

def _input_name(tensor):
    return tensor.op.name if tensor.value_index == 0 else tensor.name


def parse_input(name):
    """(op name, output index, is_control) for a NodeDef input string: 'a', 'a:1' or '^a'."""
    if name.startswith("^"):
        return name[1:], 0, True
    op_name, sep, index = name.rpartition(":")
    if sep and index.isdigit():
        return op_name, int(index), False
    return name, 0, False


def _derived_attrs(op, fields):
    """The attrs TF computes from the inputs (T, N) that minitf keeps no field for."""
    attrs = {}
    t = op.type
    if "T" not in fields and "dtype" not in fields and t not in _NO_T:
        index = _T_INPUT.get(t, 0)
        if index < len(op.inputs):
            attrs["T"] = op.inputs[index].dtype
    if t in _N_LIST and "N" not in fields:
        attrs["N"] = len(op.inputs) - _N_LIST[t]
    return attrs


def op_to_node_def(op, add_shapes=False):
    """The NodeDef of one Operation (see the module docstring)."""
    node = node_def_pb2.NodeDef(name=op.name, op=op.type, device=op.device or "")
    node.input.extend(_input_name(t) for t in op.inputs)
    node.input.extend("^" + c.name for c in op.control_inputs)
    fields = op.opdef.attrs()
    attrs = {ATTR_RENAMES.get(k, k): v for k, v in fields.items()}
    attrs.update(_derived_attrs(op, attrs))
    for key, value in attrs.items():
        try:
            node.attr[key].CopyFrom(to_attr_value(value))
        except TypeError as e:
            raise TypeError("Cannot export attr '%s' of op '%s' (%s) to a GraphDef: %s"
                            % (key, op.name, op.type, e)) from None
    if add_shapes:
        node.attr["_output_shapes"].list.shape.extend(shape_to_proto(t.shape) for t in op.outputs)
    return node


def graph_to_graph_def(graph, add_shapes=False, from_version=None):
    """A GraphDef of `graph`'s ops in creation order (only those added since `graph.version` was
    `from_version`, when given); `add_shapes` adds each node's `_output_shapes` attr."""
    graph_def = graph_pb2.GraphDef(versions=versions_pb2.VersionDef(producer=PRODUCER_VERSION))
    ops = graph.get_operations()
    if from_version is not None:
        ops = ops[from_version:]
    graph_def.node.extend(op_to_node_def(op, add_shapes) for op in ops)
    return graph_def


def node_def_to_opdef(node_def):
    """The OpDef a NodeDef describes (its registered type, fields read back from its attrs)."""
    cls = lookup(node_def.op)
    kwargs = {}
    for field in dataclasses.fields(cls):
        key = ATTR_RENAMES.get(field.name, field.name)
        if key not in node_def.attr:
            continue
        value = from_attr_value(node_def.attr[key])
        if isinstance(value, np.ndarray) and "tuple" in str(field.type):
            value = _as_tuples(value.tolist())
        kwargs[field.name] = value
    try:
        return cls(**kwargs)
    except TypeError as e:
        raise ValueError("NodeDef '%s' cannot make a minitf %s: %s"
                         % (node_def.name, node_def.op, e)) from None


def _as_tuples(value):
    return tuple(_as_tuples(v) for v in value) if isinstance(value, list) else value
