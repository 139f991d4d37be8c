"""Graph <-> GraphDef: exports a minitf Graph as TensorFlow's GraphDef protocol buffer (what
TensorBoard draws and TF's tools read) and converts NodeDef attrs back into OpDefs.

How an Operation becomes a NodeDef:

* ``name`` is the op's name, ``op`` its TF type name (``opdef.type_name``), ``device`` its device.
* ``input`` lists ``name`` for output 0 of an op, ``name:i`` for output i > 0, then ``^name``
  for each control input. Variable references are ordinary inputs (``Assign`` reads ``w``).
* ``attr`` holds every field of the OpDef dataclass, converted by `to_attr_value`. A field whose
  name differs from TF's attr name is renamed through `ATTR_RENAMES` (``keepdims`` ->
  ``keep_dims``). Then the type attrs TF derives from the inputs (the op class's
  ``tf_signature.type_attrs``: ``T`` of input 0 unless it says otherwise, ``Tidx``, ``SrcT``...),
  ``N`` for list-input ops (``tf_signature.n_list``) and, with ``add_shapes=True``,
  ``_output_shapes``.
* TF's form, so that TF's `import_graph_def` / `import_meta_graph` read the graph: a field TF
  takes as an input (``tf_signature.const_input``: Sum's axis is TF's ``reduction_indices``
  input) becomes
  an int32 Const node ``<op>/<input name>`` feeding that input (a reduction over axes known
  only at run time, `RuntimeAxisReduction`, is exported as TF's op with the axis tensor as
  that input, and read back so); a field TF's op does not have
  is left out where it has the one value TF implies (``tf_signature.implied``); minitf-only ops
  (SumTo) and forms TF's op cannot take (a softmax over a middle axis) become the TF ops that
  compute the same (the op's ``tf_expansion``), marked with ``_minitf_*`` attrs, which TF keeps
  and ignores. Every such fact is declared on the op class (registry.TFSignature), not here.

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

`node_def_to_opdef` rebuilds an OpDef from a NodeDef in minitf's form: attrs that are not
fields of the OpDef (T, N, _output_shapes, _class...) are ignored. `minitf_form` turns a
GraphDef's nodes in TF's form (written by minitf or by TF itself) into minitf's form first:
Const inputs folded back into fields, expansions collapsed back into the minitf op.
"""

import dataclasses

import numpy as np
from tensorboardX.proto import (attr_value_pb2, graph_pb2, node_def_pb2, tensor_pb2,
                                tensor_shape_pb2, versions_pb2)

from minitf import dtypes
from minitf.framework.func_graph import Function, function_graphs, outer_of, reached
from minitf.framework.registry import REGISTRY, lookup
from minitf.framework.shapes import TensorShape
from minitf.framework.tf_attr_defaults import TF_ATTR_DEFAULTS
from minitf.framework.tf_output_args import TF_OUTPUT_ARGS
from minitf.framework.versions import GRAPH_DEF_VERSION
from minitf.protos import function_pb2

__all__ = ["graph_to_graph_def", "op_to_node_defs", "node_def_to_opdef", "fold_const_inputs",
           "minitf_form", "to_attr_value", "from_attr_value", "ndarray_to_tensor_proto",
           "tensor_proto_to_ndarray", "shape_to_proto", "shape_from_proto", "parse_input"]

# The GraphDef producer version tensorboardX's own graph exports use (a TF 1.x-era one); TF and
# TensorBoard read any producer >= 0. It is tf.GRAPH_DEF_VERSION.
PRODUCER_VERSION = GRAPH_DEF_VERSION

# OpDef field name -> TF attr name, where they differ (TF spells keepdims "keep_dims" on every
# reduction op, and has no attr called "keepdims").
ATTR_RENAMES = {"keepdims": "keep_dims"}

class FunctionName(str):
    """The value of a `func` AttrValue: the name of a function in the GraphDef's library."""


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
    if arr.size > 1 and field is not None and not any(arr.strides):
        # One value broadcast to the shape (an imported splat Const): stored once, as TF does.
        arr = arr.reshape(-1)[:1]
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


# A TensorProto whose typed value list is shorter than its shape repeats the last value. One
# value (TF's splat constants) is broadcast lazily, costing nothing; several values are
# materialised only up to this many bytes, so a small hostile file cannot make the import
# allocate gigabytes (docs/security.md).
MAX_EXPANDED_TENSOR_BYTES = 64 << 20


def tensor_proto_to_ndarray(proto):
    """The ndarray a TensorProto holds (string tensors give an object array of bytes). A typed
    value list shorter than the shape repeats its last value, as TF reads it; a single value
    (or none: zeros) comes back as a read-only broadcast view, allocated when it is used.
    ValueError for a shape or content that does not make a tensor."""
    dtype = dtypes.as_dtype(proto.dtype)
    dims = shape_from_proto(proto.tensor_shape).as_tuple()
    if dims is None or any(d is None for d in dims):
        raise ValueError("A TensorProto needs a fully defined shape, got %s"
                         % shape_from_proto(proto.tensor_shape))
    shape = tuple(dims)
    size = 1
    for d in shape:
        size *= d  # Python ints: no overflow
    if dtype is dtypes.string:
        flat = np.empty(len(proto.string_val), dtype=object)
        flat[:] = list(proto.string_val)
    elif proto.tensor_content:
        np_dtype = np.dtype(dtype.as_numpy_dtype).newbyteorder("<")
        if len(proto.tensor_content) != size * np_dtype.itemsize:
            raise ValueError("TensorProto of shape %s and dtype %s holds %d bytes of content, "
                             "not %d" % (list(shape), dtype.name, len(proto.tensor_content),
                                         size * np_dtype.itemsize))
        flat = np.frombuffer(proto.tensor_content, np_dtype)
        return flat.astype(dtype.as_numpy_dtype).reshape(shape)
    elif dtype.name not in _VAL_FIELD:
        flat = np.zeros(0, dtype.as_numpy_dtype)
    else:
        vals = list(getattr(proto, _VAL_FIELD[dtype.name]))
        if dtype is dtypes.float16:
            flat = np.array(vals, dtype=np.uint16).view(np.float16)
        elif dtype.is_complex:
            if len(vals) % 2:
                raise ValueError("A complex TensorProto holds an odd number of parts")
            flat = np.array(vals, dtype=dtype.real_dtype.as_numpy_dtype).view(dtype.as_numpy_dtype)
        else:
            flat = np.array(vals, dtype=dtype.as_numpy_dtype)
    if flat.size == size:
        return flat.reshape(shape)
    if flat.size > size:
        raise ValueError("TensorProto holds %d values for shape %s" % (flat.size, list(shape)))
    if flat.size <= 1:
        fill = flat[0] if flat.size else (b"" if dtype is dtypes.string else 0)
        return np.broadcast_to(np.array(fill, dtype=flat.dtype), shape)
    if size * flat.itemsize > MAX_EXPANDED_TENSOR_BYTES:
        raise ValueError("TensorProto of shape %s repeats the last of its %d values to %d bytes, "
                         "above minitf's limit of %d bytes for such tensors"
                         % (list(shape), flat.size, size * flat.itemsize,
                            MAX_EXPANDED_TENSOR_BYTES))
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
    if isinstance(value, FunctionName):
        return attr_value_pb2.AttrValue(func=attr_value_pb2.NameAttrList(name=str(value)))
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
    if kind == "func":
        return FunctionName(attr.func.name)
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


def _const_input_value(op, field, value):
    """The int32 array TF's Const input holds for a `const_input` field, or None when TF's
    form cannot say it (all axes, or reversed axes, of a tensor of unknown rank)."""
    if value is None:
        rank = op.inputs[0].shape.rank
        if rank is None:
            return None
        value = range(rank) if field == "axis" else range(rank - 1, -1, -1)
    return np.asarray(value, dtype=np.int32)


def tf_attrs(op):
    """The attrs of `op`'s NodeDef in TF's GraphDef (Operation.get_attr's names beyond the
    OpDef's fields)."""
    return _tf_form(op)[1]


def _tf_form(op):
    """TF's inputs of `op` (Tensors, and (input name, int32 array) pairs for the Const input
    of its `const_input`) and its attrs: fields not moved to inputs, renamed, plus T, N..."""
    inputs = list(op.inputs)
    fields = op.opdef.attrs()
    signature = op.opdef.tf_signature
    spec = signature.const_input
    if spec is not None:
        field, input_name, position, _ = spec
        value = _const_input_value(op, field, fields[field])
        if value is not None:
            del fields[field]
            inputs.insert(len(inputs) if position < 0 else position, (input_name, value))
    implied = signature.implied
    if implied is not None:
        field, default = implied
        rank = op.inputs[0].shape.rank
        if fields[field] == default or (rank is not None and fields[field] == rank - 1):
            del fields[field]
    attrs = {ATTR_RENAMES.get(k, k): v for k, v in fields.items()}
    input_dtypes = [dtypes.int32 if isinstance(x, tuple) else x.dtype for x in inputs]
    for key, index in signature.type_attrs:
        if key in attrs:
            continue
        if isinstance(index, slice):
            attrs[key] = tuple(input_dtypes[index])
        elif -len(inputs) <= index < len(inputs):
            attrs[key] = input_dtypes[index]
    if signature.n_list is not None and "N" not in attrs:
        attrs["N"] = len(inputs) - signature.n_list
    return inputs, attrs


def _set_attrs(node, attrs, what):
    for key, value in attrs.items():
        try:
            node.attr[key].CopyFrom(to_attr_value(value))
        except TypeError as e:
            raise TypeError("Cannot export attr '%s' of %s to a GraphDef: %s"
                            % (key, what, e)) from None


def _unique(name, taken):
    candidate, i = name, 0
    while candidate in taken:
        i += 1
        candidate = "%s_%d" % (name, i)
    taken.add(candidate)
    return candidate


def op_to_node_defs(op, add_shapes=False, taken=None, functions=None):
    """The NodeDefs of one Operation: its own last, after a Const node for each input TF takes
    that minitf keeps as a field (see the module docstring). `taken` is the set of names in
    use, which the Const names are made unique against and added to. `functions(Function)`
    names the library function a control-flow op's Function attr refers to."""
    taken = {o.name for o in op.graph.get_operations()} if taken is None else taken
    names = {}

    def name(suffix):  # the unique name of a helper node of an expansion
        if suffix not in names:
            names[suffix] = _unique("%s/%s" % (op.name, suffix), taken)
        return names[suffix]
    parts = op.opdef.tf_expansion(op, [_input_name(t) for t in op.inputs], name)
    if parts is not None:
        return _expand(op, parts, name, add_shapes)
    tf_type = op.type
    if hasattr(op.opdef, "tf_form"):  # control flow: TF's If / While, Functions by name
        inputs, (tf_type, attrs) = list(op.inputs), op.opdef.tf_form(op)
        name_of = functions or (lambda fn: fn.graph.name)
        attrs = {k: FunctionName(name_of(v)) if isinstance(v, Function) else v
                 for k, v in attrs.items()}
    else:
        inputs, attrs = _tf_form(op)
    node = node_def_pb2.NodeDef(name=op.name, op=tf_type, device=op.device or "")
    nodes = []
    for x in inputs:
        if not isinstance(x, tuple):
            node.input.append(_input_name(x))
            continue
        const = node_def_pb2.NodeDef(name=_unique("%s/%s" % (op.name, x[0]), taken), op="Const",
                                     device=op.device or "")
        _set_attrs(const, {"dtype": dtypes.int32, "value": x[1]}, "a Const")
        if add_shapes:
            const.attr["_output_shapes"].list.shape.add().CopyFrom(shape_to_proto(x[1].shape))
        nodes.append(const)
        node.input.append(const.name)
    node.input.extend("^" + c.name for c in op.control_inputs)
    _set_attrs(node, attrs, "op '%s' (%s)" % (op.name, op.type))
    if op._gradient_op_type is not None:  # made under Graph.gradient_override_map
        node.attr["_gradient_op_type"].s = op._gradient_op_type.encode()
    if add_shapes and tf_type == op.type:  # (TF's If / While have other outputs than minitf's)
        node.attr["_output_shapes"].list.shape.extend(shape_to_proto(t.shape) for t in op.outputs)
    nodes.append(node)
    return nodes


_FIELD_PREFIX = "_minitf_attr_"


def _expand(op, parts, name, add_shapes):
    """The NodeDefs of an op exported as the TF ops `parts` (from its `tf_expansion`): the op's
    own node keeps its name and records the minitf op in the attrs `_minitf_op`,
    `_minitf_inputs` and `_minitf_attr_<field>` (TF keeps attrs starting with '_' and checks
    none of them), each helper node names it in `_minitf_part_of`, so `minitf_form` restores
    the op."""
    nodes = []
    for suffix, tf_type, inputs, attrs in parts:
        node = node_def_pb2.NodeDef(name=op.name if suffix is None else name(suffix), op=tf_type,
                                    input=inputs, device=op.device or "")
        if suffix is None:
            node.input.extend("^" + c.name for c in op.control_inputs)
            attrs = dict(attrs, _minitf_op=op.type,
                         _minitf_inputs=tuple(_input_name(t) for t in op.inputs),
                         **{_FIELD_PREFIX + ATTR_RENAMES.get(k, k): v
                            for k, v in op.opdef.attrs().items()})
            if add_shapes:
                node.attr["_output_shapes"].list.shape.extend(
                    shape_to_proto(t.shape) for t in op.outputs)
        else:
            attrs = dict(attrs, _minitf_part_of=op.name)
        _set_attrs(node, attrs, "op '%s' (%s)" % (op.name, op.type))
        nodes.append(node)
    return nodes


def graph_to_graph_def(graph, add_shapes=False, from_version=None, inline_functions=False):
    """A GraphDef of `graph`'s ops in creation order (only those added since `graph.version` was
    `from_version`, when given); `add_shapes` adds each node's `_output_shapes` attr. The
    sub-graphs of control-flow ops go in the function library (`function_library`);
    `inline_functions` (TensorBoard's form) also adds their ops under the op's scope."""
    graph_def = graph_pb2.GraphDef(versions=versions_pb2.VersionDef(producer=PRODUCER_VERSION))
    ops = graph.get_operations()
    taken = {op.name for op in ops}
    if from_version is not None:
        ops = ops[from_version:]
    library, names = function_library(ops, add_shapes)
    for op in ops:
        graph_def.node.extend(op_to_node_defs(op, add_shapes, taken, names.get))
    if library.function:
        graph_def.MergeFromString(function_pb2.GraphDefLibrary(library=library).SerializeToString())
    if inline_functions:
        _inline(graph, ops, graph_def, add_shapes, taken, names.get)
    return graph_def


def _inline(graph, ops, graph_def, add_shapes, taken, functions):
    """The sub-graphs of control-flow ops, inlined under their scope ('cond/mul') with captured
    placeholders replaced by the outer tensors they stand for, so TensorBoard draws them in
    place. Each inlined node says `_minitf_part_of`, so an import leaves it out."""
    for sub in function_graphs(ops):
        renamed = {}
        for outer, inner in sub.captures.items():
            if outer.graph is sub.outer_graph:
                while outer.graph is not graph and outer_of(outer) is not None:
                    outer = outer_of(outer)
                renamed[_input_name(inner)] = _input_name(outer)
        for op in sub.get_operations():
            if op.outputs and _input_name(op.outputs[0]) in renamed:
                continue
            for node in op_to_node_defs(op, add_shapes, taken, functions):
                for k, name in enumerate(node.input):
                    if name in renamed:
                        node.input[k] = renamed[name]
                node.attr["_minitf_part_of"].s = getattr(sub, "name", "").encode()
                graph_def.node.append(node)


def library_of(graph_def):
    """The FunctionDefLibrary a GraphDef holds in its field 2 (empty when none)."""
    return function_pb2.GraphDefLibrary.FromString(graph_def.SerializeToString()).library


def _function_name(fn, taken):
    base = "".join(c if c.isalnum() or c in "_." else "_" for c in
                   getattr(fn.graph, "name", "fn") or "fn").strip("_") or "fn"
    return _unique(base, taken)


def function_library(ops, add_shapes=False):
    """(FunctionDefLibrary, {Function: its name}) for the Functions the control-flow ops among
    `ops` call, and those their functions call, each exported once as a FunctionDef."""
    names, taken, queue, found = {}, set(), list(ops), []
    while queue:
        op = queue.pop(0)
        for value in vars(op.opdef).values():
            if isinstance(value, Function) and value not in names:
                names[value] = _function_name(value, taken)
                fdef_ops = _function_ops(value)
                queue.extend(fdef_ops)
                found.append((value, fdef_ops))
    # (FunctionDefs are made once every function has its name: bodies call each other.)
    library = function_pb2.FunctionDefLibrary(
        function=[_function_def(fn, fops, names, add_shapes) for fn, fops in found])
    return library, names


def _function_ops(fn):
    """The ops of fn's graph a call runs: what its outputs and kept values need, args fed."""
    fed = set(fn.args) | set(fn.residuals)
    ops, _ = reached(fn.outputs + fn.saved, fed)
    return [op for op in fn.graph.get_operations()
            if op in ops and not (op.outputs and all(t in fed for t in op.outputs))]


def _body_input(name, args, types):
    """A GraphDef input string ('a', 'a:1', '^a') in a FunctionDef body's form: an argument's
    name, or 'node:<TF's output arg>:<index in it>' (`types`: node name -> TF op type)."""
    if name in args:
        return args[name]
    op_name, index, control = parse_input(name)
    if control:
        return name
    arg, index = output_arg(types.get(op_name), index)
    return "%s:%s:%d" % (op_name, arg, index)


def flat_output_index(tf_type, arg, index):
    """The inverse of `output_arg`: which output of the op 'node:<arg>:<index>' names."""
    args = TF_OUTPUT_ARGS.get(tf_type, ("output",))
    return args.index(arg) if len(args) > 1 and arg in args else index


def output_arg(tf_type, index):
    """(TF's output arg name, index within it) of output `index` of an op of type `tf_type`:
    TF's names are recorded in `tf_output_args`; an op whose outputs are several args has one
    tensor per arg."""
    args = TF_OUTPUT_ARGS.get(tf_type, ("output",))
    if len(args) > 1 and index < len(args):
        return args[index], 0
    return (args[0] if args else "output"), index


def _function_def(fn, ops, names, add_shapes):
    """The FunctionDef of one Function. Inputs: its args, then its residuals (what the paired
    forward run kept). Outputs: its outputs (for a While body, the captured args passed
    through after the loop variables, as TF's While requires), then the values it keeps for
    a gradient (`saved`). minitf's bookkeeping goes in `_minitf_*` attrs of the function."""
    fdef = function_pb2.FunctionDef()
    fdef.signature.name = names[fn]
    args = {}
    for k, t in enumerate(fn.args + fn.residuals):
        arg = fdef.signature.input_arg.add(name="arg%d" % k, type=t.dtype.as_datatype_enum)
        args[_input_name(t)] = arg.name
        fdef.arg_attr[k].attr["_output_shapes"].list.shape.add().CopyFrom(shape_to_proto(t.shape))
    taken = {op.name for op in fn.graph.get_operations()}
    nodes = [node for op in ops for node in op_to_node_defs(op, add_shapes, taken, names.get)]
    types = {node.name: node.op for node in nodes}
    for node in nodes:
        inputs = [_body_input(i, args, types) for i in node.input]
        del node.input[:]
        node.input.extend(inputs)
        if "_minitf_inputs" in node.attr:  # an expansion's own inputs (kept in graph form)
            node.attr["_minitf_inputs"].CopyFrom(to_attr_value(tuple(
                args.get(i, i) for i in from_attr_value(node.attr["_minitf_inputs"]))))
        fdef.node_def.append(node)
    passthrough = getattr(fn, "passthrough", ())
    outputs = list(fn.outputs) + [fn.args[i] for i in passthrough]
    kinds = ["out"] * len(fn.outputs) + ["pass"] * len(passthrough) + ["saved"] * len(fn.saved)
    minitf_outputs, saved = [], []
    for k, (t, kind) in enumerate(zip(outputs + list(fn.saved), kinds)):
        arg = fdef.signature.output_arg.add(name="out%d" % k, type=t.dtype.as_datatype_enum)
        name = _input_name(t)
        fdef.ret[arg.name] = args[name] if name in args else _body_input(name, args, types)
        if kind == "out":
            minitf_outputs.append(arg.name)
        elif kind == "saved":
            saved.append(arg.name)
    extra = {"_minitf_outputs": tuple(minitf_outputs), "_minitf_saved": tuple(saved),
             "_minitf_n_residuals": len(fn.residuals),
             "_minitf_keep_history": bool(getattr(fn, "keep_history", False))}
    for key in ("residual_index", "sparse"):  # (gradient functions only)
        if hasattr(fn, key):
            extra["_minitf_" + key] = tuple(getattr(fn, key))
    for key, value in extra.items():
        if value == ():  # (an empty list: to_attr_value cannot tell its kind, nor need it)
            fdef.attr[key].list.SetInParent()
        else:
            fdef.attr[key].CopyFrom(to_attr_value(value))
    return fdef


def fold_const_inputs(node_def, const_value):
    """`node_def` in minitf's form: when it is in TF's form for an op with a `const_input` (the
    field's attr missing, the input there), a copy with that input folded into the field.
    `const_value(input string)` gives the value of the Const node an input names, or None.
    Returns (the NodeDef, the input string folded or None)."""
    cls = REGISTRY.get(node_def.op)
    spec = None if cls is None else cls.tf_signature.const_input
    if spec is None:
        return node_def, None
    field, input_name, position, count = spec
    data = [i for i, s in enumerate(node_def.input) if not s.startswith("^")]
    if ATTR_RENAMES.get(field, field) in node_def.attr or \
            (count is not None and len(data) != count) or not data:
        return node_def, None
    index = data[position]
    source = node_def.input[index]
    value = const_value(source)
    if value is None and input_name == "reduction_indices":  # axes known at run time only
        runtime = node_def_pb2.NodeDef()
        runtime.CopyFrom(node_def)
        runtime.op = "RuntimeAxisReduction"
        runtime.attr["kind"].CopyFrom(to_attr_value(node_def.op))
        return runtime, None
    if value is None:
        raise ValueError("Node '%s' (%s): minitf keeps its input '%s' as a static attr, so it "
                         "must come from a Const node, not from '%s'"
                         % (node_def.name, node_def.op, input_name, source))
    tuple_field = "tuple" in str({f.name: f.type for f in dataclasses.fields(cls)}[field])
    value = np.asarray(value)
    if tuple_field:
        value = tuple(int(v) for v in value.ravel())
    elif value.size != 1:
        raise ValueError("Node '%s' (%s): its input '%s' must be a scalar, got shape %s"
                         % (node_def.name, node_def.op, input_name, list(value.shape)))
    else:
        value = int(value.ravel()[0])
    folded = node_def_pb2.NodeDef()
    folded.CopyFrom(node_def)
    del folded.input[index]
    folded.attr[ATTR_RENAMES.get(field, field)].CopyFrom(to_attr_value(value))
    return folded, source


def node_def_to_opdef(node_def, functions=None):
    """The OpDef a NodeDef describes (its registered type, fields read back from its attrs);
    `functions(name)` gives the Function a `func` attr names (control-flow ops)."""
    cls = lookup(node_def.op)
    kwargs = {}
    tf_defaults = TF_ATTR_DEFAULTS.get(node_def.op, {})
    for field in dataclasses.fields(cls):
        key = ATTR_RENAMES.get(field.name, field.name)
        if key in node_def.attr:
            value = from_attr_value(node_def.attr[key])
        elif key in tf_defaults:  # stripped as equal to TF's default, which may not be ours
            value = from_attr_value(attr_value_pb2.AttrValue.FromString(tf_defaults[key]))
        else:
            continue
        if isinstance(value, FunctionName):
            if functions is None:
                raise ValueError("Node '%s' calls function '%s' but no function library was "
                                 "given" % (node_def.name, value))
            value = functions(value)
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


def minitf_form(nodes, mapped=()):
    """`nodes` (NodeDefs) with TF's Const inputs for what minitf keeps as fields (Sum's
    reduction indices...) folded into those fields (`fold_const_inputs`); a Const node read
    only that way is left out. Inputs named in `mapped` (as 'x:0') are never folded."""
    consts = {node.name: node for node in nodes if node.op == "Const"}

    def const_value(source):
        op_name, index, _ = parse_input(source)
        if op_name not in consts or index != 0 or "%s:0" % op_name in mapped:
            return None
        return from_attr_value(consts[op_name].attr["value"])

    converted, folded = [], set()
    for node in nodes:
        if "_minitf_part_of" in node.attr:
            continue
        if "_minitf_op" in node.attr:
            node = _collapse(node)
        elif node.op in _TF_FUNCTIONAL:
            node = _functional(node)
        node, source = fold_const_inputs(node, const_value)
        if source is not None:
            folded.add(parse_input(source)[0])
        converted.append(node)
    read = {parse_input(s)[0] for node in converted for s in node.input}
    return [node for node in converted if node.name not in folded or node.name in read]


# TF's control-flow op types -> minitf's op (TF's If runs stateful branches, StatelessIf pure
# ones; minitf has one op with a `stateful` field).
_TF_FUNCTIONAL = {"If": "If", "StatelessIf": "If", "While": "While", "StatelessWhile": "While"}


def _functional(node_def):
    """A TF If / While node (written by minitf or TF) in minitf's form: fields minitf keeps in
    `_minitf_attr_*` attrs moved back; without them (TF's own graphs), TF's meaning: a While's
    inputs are all loop variables, and If / While (not Stateless*) are stateful."""
    node = node_def_pb2.NodeDef()
    node.CopyFrom(node_def)
    node.op = _TF_FUNCTIONAL[node_def.op]
    for key, value in node_def.attr.items():
        if key.startswith(_FIELD_PREFIX):
            node.attr[key[len(_FIELD_PREFIX):]].CopyFrom(value)
            del node.attr[key]
    if "stateful" not in node.attr:
        node.attr["stateful"].b = not node_def.op.startswith("Stateless")
    if node.op == "While" and "n_vars" not in node.attr:
        node.attr["n_vars"].i = len(node_def.attr["T"].list.type)
    return node


def _collapse(node_def):
    """The minitf op an expansion's node stands for (see `_expand`)."""
    original = node_def_pb2.NodeDef(name=node_def.name, device=node_def.device,
                                    op=from_attr_value(node_def.attr["_minitf_op"]))
    original.input.extend(from_attr_value(node_def.attr["_minitf_inputs"]))
    original.input.extend(s for s in node_def.input if s.startswith("^"))
    for key, value in node_def.attr.items():
        if key.startswith(_FIELD_PREFIX):
            original.attr[key[len(_FIELD_PREFIX):]].CopyFrom(value)
        elif key == "_output_shapes":
            original.attr[key].CopyFrom(value)
    return original
