"""Parsing ops: tf.parse_single_example / tf.parse_example (tf.train.Example protos into dense
tensors, described by tf.io.FixedLenFeature), tf.decode_csv and tf.decode_raw. They work on
strings, so they run on the host."""

import collections
import csv

from minitf import dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import TensorShape, as_shape
from minitf.framework.tensor import TensorSpec
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["FixedLenFeature", "VarLenFeature", "parse_single_example", "parse_example", "decode_csv",
           "decode_raw"]

_EXAMPLE_TYPES = {dtypes.float32: "float_list", dtypes.int64: "int64_list",
                  dtypes.string: "bytes_list"}
_PROTO_TYPE_NAMES = {"float_list": "float", "int64_list": "int64", "bytes_list": "string"}


class FixedLenFeature(collections.namedtuple("FixedLenFeature",
                                             ["shape", "dtype", "default_value"])):
    """tf.io.FixedLenFeature(shape, dtype, default_value=None): a feature with a fixed number
    of values, parsed into a dense tensor of `shape` (required when there is no default)."""

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """tf.io.VarLenFeature(dtype): a feature with any number of values, parsed into a
    tf.SparseTensor (missing: no values)."""


def _create(opdef, inputs, name):
    return get_default_graph().create_op(opdef, inputs, name=name, device=HOST_DEVICE)


# -- Example parsing ---------------------------------------------------------------------------

@register
class ParseExample(OpDef):
    """Parses serialized tf.train.Example protos (a scalar, or a vector of them) into one dense
    tensor per key (keys sorted, as TF orders them)."""

    keys: tuple = ()
    Tdense: tuple = ()
    dense_shapes: tuple = ()
    dense_defaults: tuple = ()  # per key: None (required) or the flat default values
    sparse_keys: tuple = ()
    sparse_types: tuple = ()
    differentiable = False

    def infer(self, serialized):
        if serialized.dtype is not dtypes.string:
            raise TypeError("Expected string passed to parameter 'serialized', got %s"
                            % serialized.dtype.name)
        if serialized.shape.ndims not in (0, 1, None):
            raise ValueError("serialized must be a scalar or a vector")
        lead = serialized.shape.as_tuple()
        lead = [None] if lead is None else list(lead)
        rank = len(lead) + 1
        n = len(self.sparse_keys)  # TF's order: sparse indices, values, shapes; then dense
        return ([TensorSpec(TensorShape([None, rank]), dtypes.int64)] * n +
                [TensorSpec(TensorShape([None]), t) for t in self.sparse_types] +
                [TensorSpec(TensorShape([rank]), dtypes.int64)] * n +
                [TensorSpec(TensorShape(lead + list(s.as_tuple())), t)
                 for t, s in zip(self.Tdense, self.dense_shapes)])

    def compute(self, xp, serialized):
        return parse_examples(xp, self, serialized)


def parse_examples(xp, opdef, serialized):
    """The outputs of `opdef` (a ParseExample) for the `serialized` array of protos: each
    VarLenFeature's indices, values and shape, then each FixedLenFeature's dense tensor."""
    from minitf.protos.example_pb2 import Example
    records = serialized.reshape(-1).tolist()
    parsed = []
    for i, record in enumerate(records):
        try:
            parsed.append(Example.FromString(record).features.feature)
        except Exception:
            raise errors.InvalidArgumentError(
                None, None, "Could not parse example input, value: '%r'" % (record[:64],)) \
                from None
    out = _sparse_outputs(xp, opdef, parsed, serialized.ndim)
    for key, dtype, shape, default in zip(opdef.keys, opdef.Tdense, opdef.dense_shapes,
                                          opdef.dense_defaults):
        dims = shape.as_tuple()
        size = 1
        for d in dims:
            size *= d
        kind = _EXAMPLE_TYPES[dtype]
        rows = []
        for i, features in enumerate(parsed):
            values = _feature_values(features, key, i, kind)
            if values is None:
                if default is None:
                    raise errors.InvalidArgumentError(
                        None, None, "Name: <unknown>, Feature: %s (data type: %s) is required "
                        "but could not be found." % (key, _PROTO_TYPE_NAMES[kind]))
                rows.append(list(default))
                continue
            if len(values) != size:
                raise errors.InvalidArgumentError(
                    None, None, "Name: <unknown>, Key: %s, Index: %d.  Number of %s values != "
                    "expected.  Values size: %d but output shape: [%s]"
                    % (key, i, _PROTO_TYPE_NAMES[kind], len(values), ",".join(map(str, dims))))
            rows.append(values)
        array = xp.empty((len(rows), size), dtype=dtype.as_numpy_dtype)
        for i, row in enumerate(rows):
            array[i] = row
        out.append(array.reshape(serialized.shape + dims))
    return tuple(out) if len(out) != 1 else out[0]


def _feature_values(features, key, i, kind):
    """The list of values of feature `key` in example `i`, or None when it is absent; a feature
    of another kind than `kind` (e.g. "int64_list") is TF's InvalidArgumentError."""
    feature = features.get(key)
    given = feature.WhichOneof("kind") if feature is not None else None
    if given is None:
        return None
    if given != kind:
        raise errors.InvalidArgumentError(
            None, None, "Name: <unknown>, Key: %s, Index: %d.  Data types don't match. "
            "Data type: %s but expected type: %s"
            % (key, i, _PROTO_TYPE_NAMES[given], _PROTO_TYPE_NAMES[kind]))
    return list(getattr(feature, kind).value)


def _sparse_outputs(xp, opdef, parsed, batched):
    """Each VarLenFeature's indices, values and dense_shape, in TF's output order."""
    indices, values, shapes = [], [], []
    for key, dtype in zip(opdef.sparse_keys, opdef.sparse_types):
        kind = _EXAMPLE_TYPES[dtype]
        rows, vals, longest = [], [], 0
        for i, features in enumerate(parsed):
            v = _feature_values(features, key, i, kind)
            if v is None:
                continue
            rows += [(i, j) for j in range(len(v))]
            vals += v
            longest = max(longest, len(v))
        index = xp.array(rows, dtype=xp.int64).reshape(len(rows), 2)
        value = xp.empty(len(vals), dtype=dtype.as_numpy_dtype)
        value[:] = vals
        if batched:
            indices.append(index)
            shapes.append(xp.array([len(parsed), longest], dtype=xp.int64))
        else:
            indices.append(index[:, 1:].copy())
            shapes.append(xp.array([longest], dtype=xp.int64))
        values.append(value)
    return indices + values + shapes


def _features(features):
    keys = sorted(k for k in features if isinstance(features[k], FixedLenFeature))
    types, shapes, defaults = [], [], []
    for key in sorted(features):
        spec = features[key]
        if isinstance(spec, VarLenFeature):
            dtype = dtypes.as_dtype(spec.dtype)
            if dtype not in _EXAMPLE_TYPES:
                raise ValueError("Unsupported dtype %s for feature %r: an Example holds "
                                 "float32, int64 or string values" % (dtype.name, key))
            continue
        if not isinstance(spec, FixedLenFeature):
            raise ValueError("minitf parses FixedLenFeature and VarLenFeature features; %r is "
                             "a %s" % (key, type(spec).__name__))
        dtype = dtypes.as_dtype(spec.dtype)
        if dtype not in _EXAMPLE_TYPES:
            raise ValueError("Unsupported dtype %s for feature %r: an Example holds float32, "
                             "int64 or string values" % (dtype.name, key))
        shape = as_shape(spec.shape)
        if not shape.is_fully_defined():
            raise ValueError("All dimensions of shape for feature %s need to be known but "
                             "received %s." % (key, shape))
        default = None
        if spec.default_value is not None:
            value = convert_to_tensor(spec.default_value, dtype=dtype)
            from minitf.framework.tensor_util import constant_value
            array = constant_value(value)
            if array is None:
                raise ValueError("The default value of feature %r must be known when the graph "
                                 "is built" % key)
            size = shape.num_elements()
            if array.size != size:
                raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d "
                                 "elements) for the default value of feature %r"
                                 % (array.size, shape.as_list(), size, key))
            default = tuple(array.reshape(-1).tolist())
        types.append(dtype)
        shapes.append(shape)
        defaults.append(default)
    return keys, tuple(types), tuple(shapes), tuple(defaults)


def _parse(serialized, features, name, default_name, want_rank):
    if not features:
        raise ValueError("Missing: features was empty.")
    keys, types, shapes, defaults = _features(features)
    sparse = sorted(k for k in features if isinstance(features[k], VarLenFeature))
    sparse_types = tuple(dtypes.as_dtype(features[k].dtype) for k in sparse)
    with name_scope(name, default_name, [serialized]):
        serialized = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        if serialized.shape.ndims is not None and serialized.shape.ndims != want_rank:
            raise ValueError("Input serialized must be a %s, got shape %s"
                             % ("scalar" if want_rank == 0 else "vector", serialized.shape))
        op = _create(ParseExample(tuple(keys), types, shapes, defaults, tuple(sparse),
                                  sparse_types), [serialized], default_name)
    n = len(sparse)
    out = dict(zip(keys, op.outputs[3 * n:]))
    if n:
        from minitf.framework.sparse_tensor import SparseTensor
        for i, key in enumerate(sparse):
            out[key] = SparseTensor(op.outputs[i], op.outputs[n + i], op.outputs[2 * n + i])
    return out


def parse_single_example(serialized, features, name=None, example_names=None):
    """tf.parse_single_example: one serialized Example (a scalar string) into a dict of dense
    tensors, one per FixedLenFeature of `features`."""
    return _parse(serialized, features, name, "ParseSingleExample", 0)


def parse_example(serialized, features, name=None, example_names=None):
    """tf.parse_example: a vector of serialized Examples into a dict of dense tensors with a
    leading batch dimension."""
    return _parse(serialized, features, name, "ParseExample", 1)


# -- CSV --------------------------------------------------------------------------------------

@register
class DecodeCSV(OpDef):
    """Splits each CSV record into fields, one output per column (its type and default from
    `record_defaults`; None for a required column)."""

    OUT_TYPE: tuple = ()
    defaults: tuple = ()
    field_delim: str = ","
    use_quote_delim: bool = True
    na_value: str = ""
    select_cols: tuple = None
    differentiable = False

    def infer(self, records):
        if records.dtype is not dtypes.string:
            raise TypeError("Expected string passed to parameter 'records', got %s"
                            % records.dtype.name)
        return [TensorSpec(records.shape, t) for t in self.OUT_TYPE]

    def compute(self, xp, records):
        return decode_csv_records(xp, self, records)


def _split(record, op):
    text = record.decode("utf-8") if isinstance(record, bytes) else record
    if op.use_quote_delim:
        return next(csv.reader([text], delimiter=op.field_delim, strict=False), [""])
    return text.split(op.field_delim)


def decode_csv_records(xp, op, records):
    """The columns of `records` (an array of CSV lines) as `op` (a DecodeCSV) describes them."""
    flat = records.reshape(-1).tolist()
    columns = [xp.empty(len(flat), dtype=t.as_numpy_dtype) for t in op.OUT_TYPE]
    wanted = op.select_cols or None  # TF writes an empty list for "every column"
    for r, record in enumerate(flat):
        fields = _split(record, op)
        if wanted is not None:
            if wanted[-1] >= len(fields):
                raise errors.InvalidArgumentError(
                    None, None, "Expect %d fields but have %d in record %d"
                    % (wanted[-1] + 1, len(fields), r))
            fields = [fields[i] for i in wanted]
        if len(fields) != len(op.OUT_TYPE):
            raise errors.InvalidArgumentError(
                None, None, "Expect %d fields but have %d in record %d"
                % (len(op.OUT_TYPE), len(fields), r))
        for c, (field, dtype, default) in enumerate(zip(fields, op.OUT_TYPE, op.defaults)):
            if field == "" or (op.na_value and field == op.na_value):
                if default is None:
                    raise errors.InvalidArgumentError(
                        None, None, "Field %d is required but missing in record %d!" % (c, r))
                columns[c][r] = default
                continue
            if dtype is dtypes.string:
                columns[c][r] = field.encode("utf-8")
                continue
            try:
                columns[c][r] = (float(field) if dtype.is_floating else int(field, 10))
            except ValueError:
                kind = "float" if dtype is dtypes.float32 else dtypes.runtime_name(dtype)
                raise errors.InvalidArgumentError(
                    None, None, "Field %d in record %d is not a valid %s: %s"
                    % (c, r, kind, field)) from None
    out = tuple(col.reshape(records.shape) for col in columns)  # (DecodeCSV)
    return out if len(out) != 1 else out[0]


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """tf.decode_csv: CSV lines into one tensor per column. Each entry of `record_defaults` is
    a one-element list giving the column's type and default (an empty list: required)."""
    types, defaults = [], []
    for i, d in enumerate(record_defaults):
        t = convert_to_tensor(d) if not isinstance(d, (list, tuple)) or d else None
        if t is None:
            raise ValueError("record_defaults[%d] is empty: give its type with a one-element "
                             "list, or a typed empty tensor" % i)
        from minitf.framework.tensor_util import constant_value
        value = constant_value(t)
        if value is None:
            raise ValueError("record_defaults[%d] must be known when the graph is built" % i)
        dtype = t.dtype
        if dtype not in (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64,
                         dtypes.string):
            raise TypeError("record_defaults[%d]: DecodeCSV supports float32, float64, int32, "
                            "int64 and string, got %s" % (i, dtype.name))
        types.append(dtype)
        defaults.append(value.reshape(-1).tolist()[0] if value.size else None)
    if select_cols is not None:
        select_cols = tuple(int(c) for c in select_cols)
        if list(select_cols) != sorted(set(select_cols)):
            raise ValueError("select_cols is not strictly increasing.")
        if len(select_cols) != len(types):
            raise ValueError("Length of select_cols and record_defaults do not match.")
    with name_scope(name, "DecodeCSV") as scope:
        records = convert_to_tensor(records, dtype=dtypes.string, name="records")
        op = _create(DecodeCSV(tuple(types), tuple(defaults), field_delim, use_quote_delim,
                               na_value, select_cols), [records], scope)
    return list(op.outputs)


# -- raw bytes --------------------------------------------------------------------------------

@register
class DecodeRaw(OpDef):
    """Reinterprets the bytes of each string as a vector of `out_type` (little endian)."""

    out_type: dtypes.DType = dtypes.uint8
    little_endian: bool = True
    differentiable = False

    def infer(self, bytes_):
        if bytes_.dtype is not dtypes.string:
            raise TypeError("Expected string passed to parameter 'bytes', got %s"
                            % bytes_.dtype.name)
        dims = bytes_.shape.as_tuple()
        return TensorSpec(TensorShape(None if dims is None else list(dims) + [None]),
                          self.out_type)

    def compute(self, xp, bytes_):
        dtype = xp.dtype(self.out_type.as_numpy_dtype).newbyteorder(
            "<" if self.little_endian else ">")
        flat = bytes_.reshape(-1).tolist()
        if not flat:
            return xp.empty(bytes_.shape + (0,), dtype=self.out_type.as_numpy_dtype)
        sizes = {len(b) for b in flat}
        if len(sizes) != 1:
            raise errors.InvalidArgumentError(
                None, None, "DecodeRaw requires input strings to all be the same size, but "
                "element 0 has size %d != %d" % (len(flat[0]), (sizes - {len(flat[0])}).pop()))
        size = sizes.pop()
        if size % dtype.itemsize:
            raise errors.InvalidArgumentError(
                None, None, "Input to DecodeRaw has length %d that is not a multiple of %d, "
                "the size of %s" % (size, dtype.itemsize, self.out_type.name))
        data = xp.frombuffer(b"".join(flat), dtype=dtype)
        data = data.astype(self.out_type.as_numpy_dtype)  # native byte order, writable
        return data.reshape(bytes_.shape + (size // dtype.itemsize,))


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):
    """tf.decode_raw: each string's bytes as a vector of `out_type`."""
    value = input_bytes if input_bytes is not None else bytes
    with name_scope(name, "DecodeRaw") as scope:
        value = convert_to_tensor(value, dtype=dtypes.string)
        return _create(DecodeRaw(dtypes.as_dtype(out_type), bool(little_endian)), [value],
                       scope).outputs[0]
