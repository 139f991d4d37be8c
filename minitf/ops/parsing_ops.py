"""Parsing ops: tf.parse_single_example / tf.parse_example (tf.train.Example protos into
tensors, described by tf.io.FixedLenFeature, FixedLenSequenceFeature, VarLenFeature and
SparseFeature), tf.io.parse_(single_)sequence_example (tf.train.SequenceExample protos),
tf.io.decode_json_example, tf.decode_csv and tf.decode_raw. They work on strings, so they run
on the host."""

import collections
import csv
import re

from minitf import dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape, as_shape
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["FixedLenFeature", "FixedLenSequenceFeature", "VarLenFeature", "SparseFeature",
           "parse_single_example", "parse_example", "parse_single_sequence_example",
           "decode_json_example", "decode_csv", "decode_raw"]  # parse_sequence_example: tf.io

_EXAMPLE_TYPES = {dtypes.float32: "float_list", dtypes.int64: "int64_list",
                  dtypes.string: "bytes_list"}
_PROTO_TYPE_NAMES = {"float_list": "float", "int64_list": "int64", "bytes_list": "string"}


class FixedLenFeature(collections.namedtuple("FixedLenFeature",
                                             ["shape", "dtype", "default_value"])):
    """tf.io.FixedLenFeature(shape, dtype, default_value=None): a feature with a fixed number
    of values, parsed into a dense tensor of `shape` (required when there is no default)."""

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """tf.io.FixedLenSequenceFeature(shape, dtype, allow_missing=False, default_value=None):
    any number of values of `shape` each, parsed into a dense tensor [steps] + shape. In a
    SequenceExample's feature lists a step is one Feature; in parse_example (allow_missing
    must be True there) the feature's flat values are cut into steps, and examples are padded
    to the longest with `default_value` (a scalar; zero by default)."""

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """tf.io.VarLenFeature(dtype): a feature with any number of values, parsed into a
    tf.SparseTensor (missing: no values)."""


class SparseFeature(collections.namedtuple(
        "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"])):
    """tf.io.SparseFeature(index_key, value_key, dtype, size, already_sorted=False): a
    SparseTensor of dense shape [size] (a list of sizes for a list of index keys) whose values
    are the `value_key` feature's, at the positions the `index_key` feature(s) give, reordered
    to row-major order unless already_sorted. parse_example only, as in TF."""

    def __new__(cls, index_key, value_key, dtype, size, already_sorted=False):
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)


def _create(opdef, inputs, name):
    return get_default_graph().create_op(opdef, inputs, name=name, device=HOST_DEVICE)


# -- the features a parse op reads --------------------------------------------------------------

class _Spec(collections.namedtuple("_Spec", ["dense_keys", "dense_types", "dense_shapes",
                                             "dense_defaults", "dense_default_given",
                                             "sparse_keys", "sparse_types",
                                             "sparse_features"])):
    """What one parse op reads from a features dict (TF's _ParseOpParams): dense keys with
    their types, shapes (a FixedLenSequenceFeature's with a leading None) and defaults (None:
    required; a sequence feature's: its one-element pad value; whether the feature gave one),
    sparse keys (VarLenFeatures and the SparseFeatures' keys) with their types, and the
    SparseFeatures to merge afterwards."""

    @classmethod
    def of(cls, features, allowed, sparse_param="sparse_types"):
        spec = cls([], [], [], [], [], [], [], {})
        for key in sorted(features or {}):
            feature = features[key]
            if not isinstance(feature, allowed):
                raise ValueError("Unsupported %s %s for key '%s'"
                                 % (type(feature).__name__, feature, key))
            if isinstance(feature, VarLenFeature):
                spec._add_sparse(key, feature.dtype, sparse_param)
            elif isinstance(feature, SparseFeature):
                index_keys = feature.index_key
                index_keys = [index_keys] if isinstance(index_keys, str) else list(index_keys)
                for index_key in sorted(index_keys):
                    spec._add_sparse(index_key, dtypes.int64, sparse_param)
                spec._add_sparse(feature.value_key, feature.dtype, sparse_param)
                spec.sparse_features[key] = feature
            elif isinstance(feature, FixedLenSequenceFeature):
                spec._add_dense(key, feature, sequence=True)
            else:
                spec._add_dense(key, feature, sequence=False)
        both = set(spec.dense_keys) & set(spec.sparse_keys)
        if both:
            raise ValueError("Dense and sparse keys must not intersect; dense_keys: %s, "
                             "sparse_keys: %s, intersection: %s"
                             % (spec.dense_keys, spec.sparse_keys, both))
        return spec

    def _add_sparse(self, key, dtype, param):
        dtype = dtypes.as_dtype(dtype)
        if dtype not in _EXAMPLE_TYPES:
            raise TypeError("Value passed to parameter '%s' has DataType %s not in list of "
                            "allowed values: float32, int64, string" % (param, dtype.name))
        if key in self.sparse_keys:
            known = self.sparse_types[self.sparse_keys.index(key)]
            if known is not dtype:
                raise ValueError("Conflicting type %s vs %s for feature %s."
                                 % (known, dtype, key))
            return
        self.sparse_keys.append(key)
        self.sparse_types.append(dtype)

    def _add_dense(self, key, feature, sequence):
        dtype = dtypes.as_dtype(feature.dtype)
        if dtype not in _EXAMPLE_TYPES:
            raise ValueError("Unsupported dtype %s for feature %r: an Example holds float32, "
                             "int64 or string values" % (dtype.name, key))
        shape = as_shape(feature.shape)
        if not shape.is_fully_defined():
            raise ValueError("All dimensions of shape for feature %s need to be known but "
                             "received %s." % (key, shape))
        size = shape.num_elements()
        default = None
        if feature.default_value is not None or sequence:
            from minitf.framework.tensor_util import constant_value
            from minitf.ops.core import _to_numpy
            value = feature.default_value
            if value is None:  # a sequence feature pads with zeros
                value = b"" if dtype is dtypes.string else 0
                size = 1
            elif sequence:
                size = 1
            if isinstance(value, Tensor):
                array = constant_value(convert_to_tensor(value, dtype=dtype))
            else:  # (a Python value: read as a constant would be, no Const in the graph)
                array = _to_numpy(value, dtype)[0]
            if array is None:
                raise ValueError("The default value of feature %r must be known when the graph "
                                 "is built" % key)
            if array.size != size:
                raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d "
                                 "elements) for the default value of feature %r"
                                 % (array.size, [] if sequence else shape.as_list(), size,
                                    key))
            default = tuple(array.reshape(-1).tolist())
        self.dense_keys.append(key)
        self.dense_types.append(dtype)
        self.dense_shapes.append(TensorShape([None] + shape.as_list()) if sequence else shape)
        self.dense_defaults.append(default)
        self.dense_default_given.append(feature.default_value is not None)


def _output_specs(lead, sparse_types, dense_types, dense_shapes, sparse_rank):
    """TF's output order for one group of features: sparse indices, values, dense shapes;
    then the dense tensors (`lead` + each shape)."""
    n = len(sparse_types)
    return ([TensorSpec(TensorShape([None, sparse_rank]), dtypes.int64)] * n +
            [TensorSpec(TensorShape([None]), t) for t in sparse_types] +
            [TensorSpec(TensorShape([sparse_rank]), dtypes.int64)] * n +
            [TensorSpec(TensorShape(lead + s.as_list()), t)
             for t, s in zip(dense_types, dense_shapes)])


def _lead(serialized):
    """The static leading dims of a parse op's outputs: [] for a scalar input, [n] for a
    vector; or an error naming the op's input."""
    if serialized.dtype is not dtypes.string:
        raise TypeError("Expected string passed to parameter 'serialized', got %s"
                        % serialized.dtype.name)
    if serialized.shape.ndims not in (0, 1, None):
        raise ValueError("serialized must be a scalar or a vector, got shape %s"
                         % serialized.shape)
    lead = serialized.shape.as_tuple()
    return [None] if lead is None else list(lead)


# -- the kernels' readers -----------------------------------------------------------------------

# TF's kernel messages: tf.train.Example features, SequenceExample context features, and
# SequenceExample feature lists word the same errors differently.
_EXAMPLE_ERRORS = {
    "type": "Name: <unknown>, Key: {key}, Index: {i}.  Data types don't match. Data type: "
            "{given} but expected type: {kind}",
    "missing": "Name: <unknown>, Feature: {key} (data type: {kind}) is required but could not "
               "be found.",
    "size": "Name: <unknown>, Key: {key}, Index: {i}.  Number of {kind} values != expected.  "
            "Values size: {n} but output shape: [{dims}]",
    "stride": "Name: <unknown>, Key: {key}, Index: {i}.  Number of {kind} values is not a "
              "multiple of stride length. Saw {n} values but output shape is: [?{tail}]",
}
_CONTEXT_ERRORS = {
    "type": "Name: <unknown>, Context feature: {key}.  Data types don't match. Expected type: "
            "{kind}",
    "missing": "Inconsistent max number of elements for feature {key}: expected {size}, but "
               "found 0",
    "size": "Inconsistent max number of elements for feature {key}: expected {size}, but found "
            "{n}",
}
_LIST_ERRORS = {
    "type": "Name: <unknown>, Feature list: {key}, Index: {i}.  Data types don't match. "
            "Expected type: {kind}",
    "missing": "Name: <unknown>, Feature list '{key}' is required but could not be found.  "
               "Did you mean to include it in feature_list_dense_missing_assumed_empty or "
               "feature_list_dense_defaults?",
    "size": "Name: <unknown>, Key: {key}, Index: {i}.  Number of values != expected.  values "
            "size: {n} but output shape: [{dims}]",
    "total": "Feature list '{key}' has an unexpected number of values.  Total values size: "
             "{n} is not consistent with output shape: [?{tail}]",
}


def _fail(errors_, what, **fields):
    raise errors.InvalidArgumentError(None, None, errors_[what].format(**fields))


def _decode(serialized, proto, message):
    """The protos of the `serialized` array, flat; `message(record)` words a bad record."""
    out = []
    for record in serialized.reshape(-1).tolist():
        try:
            out.append(proto.FromString(record))
        except Exception:
            raise errors.InvalidArgumentError(None, None, message(record)) from None
    return out


def _feature_values(feature, key, i, kind, errors_):
    """The list of values of `feature` (None when absent), step or example `i`; a feature of
    another kind than `kind` (e.g. "int64_list") is TF's InvalidArgumentError."""
    given = feature.WhichOneof("kind") if feature is not None else None
    if given is None:
        return None
    if given != kind:
        _fail(errors_, "type", key=key, i=i, given=_PROTO_TYPE_NAMES[given],
              kind=_PROTO_TYPE_NAMES[kind])
    return list(getattr(feature, kind).value)


def _sparse_tensor(xp, dtype, entries, dense_shape, batched):
    """indices, values and dense_shape arrays from (index tuple, value) entries; without a
    batch the first coordinate (always 0) is dropped."""
    rank = len(dense_shape)
    index = xp.array([e[0] for e in entries], dtype=xp.int64).reshape(len(entries), rank)
    values = xp.empty(len(entries), dtype=dtype.as_numpy_dtype)
    values[:] = [e[1] for e in entries]
    shape = xp.array(dense_shape, dtype=xp.int64)
    if not batched:
        return index[:, 1:].copy(), values, shape[1:].copy()
    return index, values, shape


def _group(outputs, n_sparse):
    """TF's output order from (indices, values, shape) triples and dense arrays."""
    return ([t[0] for t in outputs[:n_sparse]] + [t[1] for t in outputs[:n_sparse]] +
            [t[2] for t in outputs[:n_sparse]] + list(outputs[n_sparse:]))


def _parse_features(xp, attrs, maps, lead, errors_):
    """The outputs of one group of features (attrs: dense keys, types, shapes and defaults,
    sparse keys and types, as _Spec holds them) read from the
    feature maps of the protos (one map per proto), in TF's output order."""
    keys, types, shapes, defaults, sparse_keys, sparse_types = attrs
    out = []
    for key, dtype in zip(sparse_keys, sparse_types):
        kind = _EXAMPLE_TYPES[dtype]
        entries, longest = [], 0
        for i, features in enumerate(maps):
            values = _feature_values(features.get(key), key, i, kind, errors_) or []
            entries += [((i, j), v) for j, v in enumerate(values)]
            longest = max(longest, len(values))
        out.append(_sparse_tensor(xp, dtype, entries, [len(maps), longest], bool(lead)))
    for key, dtype, shape, default in zip(keys, types, shapes, defaults):
        kind = _EXAMPLE_TYPES[dtype]
        dims = shape.as_tuple()
        rows = [_feature_values(features.get(key), key, i, kind, errors_)
                for i, features in enumerate(maps)]
        if dims and dims[0] is None:  # a FixedLenSequenceFeature: cut into steps, padded
            step = dims[1:]
            stride = _num_elements(step)
            for i, values in enumerate(rows):
                if values and len(values) % stride:
                    _fail(errors_, "stride", key=key, i=i, kind=_PROTO_TYPE_NAMES[kind],
                          n=len(values), tail="".join("," + str(d) for d in step))
            out.append(_padded(xp, dtype, step, default[0], [r or [] for r in rows],
                               lead)[0])
            continue
        size = _num_elements(dims)
        for i, values in enumerate(rows):
            if values is None:
                if default is None:
                    _fail(errors_, "missing", key=key, kind=_PROTO_TYPE_NAMES[kind], size=size)
                rows[i] = list(default)
            elif len(values) != size:
                _fail(errors_, "size", key=key, i=i, kind=_PROTO_TYPE_NAMES[kind],
                      n=len(values), size=size, dims=",".join(map(str, dims)))
        array = xp.empty((len(rows), size), dtype=dtype.as_numpy_dtype)
        for i, row in enumerate(rows):
            array[i] = row
        out.append(array.reshape(tuple(lead) + dims))
    return _group(out, len(sparse_keys))


def _num_elements(dims):
    size = 1
    for d in dims:
        size *= d
    return size


def _padded(xp, dtype, step, pad, rows, lead):
    """The dense [n, longest] + step array of each row's flat values (a whole number of
    steps), padded with `pad`, and the number of steps of each row."""
    stride = _num_elements(step)
    lengths = [len(r) // stride if stride else 0 for r in rows]
    longest = max(lengths, default=0)
    array = xp.full((len(rows), longest * stride), pad, dtype=dtype.as_numpy_dtype)
    for i, row in enumerate(rows):
        array[i, :len(row)] = row
    return (array.reshape(tuple(lead) + (longest,) + tuple(step)),
            xp.array(lengths, dtype=xp.int64).reshape(tuple(lead)))


# -- Example parsing ---------------------------------------------------------------------------

@register
class ParseExampleV2(OpDef):
    """Parses serialized tf.train.Example protos (a scalar, or a vector of them): each sparse
    key's indices, values and dense shape, then one dense tensor per dense key (keys sorted, as
    TF orders them). TF's form: the inputs are the protos, their names, the sparse, dense and
    ragged keys (string vectors) and one default tensor per dense key (empty: the feature is
    required; a FixedLenSequenceFeature's, whose dense shape has a leading None, is its scalar
    pad value). minitf parses no ragged features (ragged_keys must be empty)."""

    Tdense: tuple = ()
    num_sparse: int = 0
    sparse_types: tuple = ()
    ragged_value_types: tuple = ()
    ragged_split_types: tuple = ()
    dense_shapes: tuple = ()
    differentiable = False
    tf_signature = TFSignature(type_attrs=())

    def infer(self, serialized, names, sparse_keys, dense_keys, ragged_keys, *dense_defaults):
        lead = _lead(serialized)
        _check_defaults("ParseExampleV2", "Tdense", dense_defaults, self.Tdense,
                        self.ragged_value_types + self.ragged_split_types)
        return _output_specs(lead, self.sparse_types, self.Tdense, self.dense_shapes,
                             len(lead) + 1)

    def compute(self, xp, serialized, names, sparse_keys, dense_keys, ragged_keys,
                *dense_defaults):
        from minitf.protos.example_pb2 import Example
        maps = [e.features.feature for e in _decode(
            serialized, Example,
            lambda record: "Could not parse example input, value: '%r'" % (record[:64],))]
        out = _parse_features(xp, (_strings(dense_keys), self.Tdense, self.dense_shapes,
                                   _defaults(dense_defaults, self.dense_shapes),
                                   _strings(sparse_keys), self.sparse_types),
                              maps, serialized.shape, _EXAMPLE_ERRORS)
        return tuple(out) if len(out) != 1 else out[0]


def _check_defaults(op_type, types_attr, defaults, types, ragged_types):
    """The build-time checks of a parse op's dense default inputs against its types attr
    (one default of each type), and that it parses no ragged features."""
    if ragged_types:
        raise NotImplementedError("%s: minitf parses no ragged features" % op_type)
    if len(defaults) != len(types):
        raise ValueError("%s: %d dense_defaults for %d dense types (%s)"
                         % (op_type, len(defaults), len(types), types_attr))
    for default, dtype in zip(defaults, types):
        if default.dtype is not dtype:
            raise TypeError("%s: a dense default of %s where %s says %s"
                            % (op_type, default.dtype.name, types_attr, dtype.name))


def _defaults(dense_defaults, dense_shapes):
    """Each dense key's default as _parse_features takes it, from the op's default inputs:
    None (an empty default: required), the flat default, or a sequence feature's pad."""
    out = []
    for default, shape in zip(dense_defaults, dense_shapes):
        flat = default.reshape(-1).tolist()
        sequence = shape.ndims and shape.as_tuple()[0] is None
        out.append(flat if flat or sequence else None)
    return out


def _key_inputs(named_values):
    """The string (or bool) vector Consts a parse op takes as inputs, named as TF names them
    inside the op's scope: [(input name, values, dtype)]."""
    return [convert_to_tensor(values, dtype=dtype, name=input_name)
            for input_name, values, dtype in named_values]


def _strings(keys):
    """A string vector's values as Python str (the keys of a proto's feature map)."""
    return [k.decode() if isinstance(k, bytes) else str(k) for k in keys.reshape(-1).tolist()]


def _sparse_tensors(outputs, keys):
    """{key: SparseTensor} from an op's indices, values and shapes outputs (in that order)."""
    from minitf.framework.sparse_tensor import SparseTensor
    n = len(keys)
    return {key: SparseTensor(outputs[i], outputs[n + i], outputs[2 * n + i])
            for i, key in enumerate(keys)}


def _merge_sparse_features(spec, sparse, features):
    """The SparseFeatures' SparseTensors (tf.sparse_merge of their index and value keys' parsed
    VarLen tensors); `sparse` keeps only the keys `features` asks for."""
    from minitf.ops.sparse_manip import sparse_merge
    out = {k: v for k, v in sparse.items() if k in features}
    for key, feature in spec.sparse_features.items():
        index_keys = feature.index_key
        sizes = feature.size
        if isinstance(index_keys, str):
            ids, sizes = sparse[index_keys], sizes
        else:
            ids, sizes = [sparse[k] for k in index_keys], list(sizes)
        out[key] = sparse_merge(ids, sparse[feature.value_key], sizes,
                                already_sorted=feature.already_sorted)
    return out


def _check_features(features):
    if not features:
        raise ValueError("Missing: features was empty.")
    for feature in features.values():
        if isinstance(feature, FixedLenSequenceFeature) and not feature.allow_missing:
            raise ValueError("Unsupported: FixedLenSequenceFeature requires allow_missing to "
                             "be True.")
    return _Spec.of(features, (FixedLenFeature, FixedLenSequenceFeature, VarLenFeature,
                               SparseFeature))


def _parse_example_op(serialized, spec, name, want_rank):
    """TF's names: the ParseExampleV2 op in a ParseExample scope (both called `name` if
    given); its dense tensors and the SparseTensors of its sparse keys."""
    with name_scope(name, "ParseExample", [serialized]):
        serialized = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        if serialized.shape.ndims is not None and serialized.shape.ndims != want_rank:
            raise ValueError("Input serialized must be a %s, got shape %s"
                             % ("scalar" if want_rank == 0 else "vector", serialized.shape))
        defaults = _dense_default_tensors(spec)
        with name_scope(name, "ParseExampleV2") as scope:
            keys = _key_inputs([(input_name, values, dtypes.string) for input_name, values in [
                ("names", []), ("sparse_keys", spec.sparse_keys),
                ("dense_keys", spec.dense_keys), ("ragged_keys", [])]])
            op = _create(ParseExampleV2(
                Tdense=tuple(spec.dense_types), num_sparse=len(spec.sparse_keys),
                sparse_types=tuple(spec.sparse_types), dense_shapes=tuple(spec.dense_shapes)),
                [serialized] + keys + defaults, scope)
    n = len(spec.sparse_keys)
    return dict(zip(spec.dense_keys, op.outputs[3 * n:])), _sparse_tensors(op.outputs,
                                                                            spec.sparse_keys)


def _dense_default_tensors(spec):
    """The dense default inputs of a parse op reading `spec` (a _Spec), one per dense key."""
    return [_dense_default_tensor(*args) for args in zip(
        spec.dense_keys, spec.dense_types, spec.dense_shapes, spec.dense_defaults,
        spec.dense_default_given)]


def _dense_default_tensor(key, dtype, shape, flat, given):
    """ParseExampleV2's default input for one dense key, made as TF makes it: an empty Const
    for a required feature, `key_<key>` reshaped to the feature's shape for a default, and for a
    FixedLenSequenceFeature its scalar pad value (`padding_<key>` when given)."""
    from minitf.ops.core import constant, reshape
    clean = re.sub(r"[^A-Za-z0-9_.\-/]", "_", key)
    if shape.ndims and shape.as_tuple()[0] is None:
        if not given:
            return constant(flat[0], dtype=dtype)
        return reshape(constant(list(flat), dtype=dtype, name="padding_" + clean), [])
    if flat is None:
        return constant([], dtype=dtype)
    return reshape(constant(list(flat), dtype=dtype, name="key_" + clean), shape.as_list())


def parse_single_example(serialized, features, name=None, example_names=None):
    """tf.parse_single_example: one serialized Example (a scalar string) into a dict of
    tensors (dense for FixedLenFeatures, SparseTensors for VarLen and SparseFeatures)."""
    spec = _check_features(features)
    with name_scope(name, "ParseSingleExample", [serialized]):
        serialized = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        out, sparse = _parse_example_op(serialized, spec, name, 0)
        out.update(_merge_sparse_features(spec, sparse, features))
        return out


def parse_example(serialized, features, name=None, example_names=None):
    """tf.parse_example: a vector of serialized Examples into a dict of tensors with a leading
    batch dimension."""
    spec = _check_features(features)
    out, sparse = _parse_example_op(serialized, spec, name, 1)
    out.update(_merge_sparse_features(spec, sparse, features))
    return out


# -- SequenceExample parsing -------------------------------------------------------------------

@register
class ParseSequenceExampleV2(OpDef):
    """Parses serialized tf.train.SequenceExample protos (a scalar, or a vector of them): the
    context features as ParseExample reads an Example's, then the feature lists (sparse:
    indices, values, shapes with a step dim; dense: [steps] + shape, padded), then the number
    of steps of each dense feature list. Outputs in TF's order. TF's form: the inputs are the
    protos, their debug names, the context sparse, dense and ragged keys, the feature list
    sparse, dense and ragged keys (string vectors), whether each dense feature list may be
    missing (a bool vector), then one default tensor per context dense key (empty: the feature
    is required). minitf parses no ragged features."""

    Ncontext_sparse: int = 0
    Tcontext_dense: tuple = ()
    context_sparse_types: tuple = ()
    context_ragged_value_types: tuple = ()
    context_ragged_split_types: tuple = ()
    context_dense_shapes: tuple = ()
    Nfeature_list_sparse: int = 0
    Nfeature_list_dense: int = 0
    feature_list_dense_types: tuple = ()
    feature_list_sparse_types: tuple = ()
    feature_list_ragged_value_types: tuple = ()
    feature_list_ragged_split_types: tuple = ()
    feature_list_dense_shapes: tuple = ()  # each step's shape
    differentiable = False
    tf_signature = TFSignature(type_attrs=())

    def infer(self, serialized, debug_name, context_sparse_keys, context_dense_keys,
              context_ragged_keys, feature_list_sparse_keys, feature_list_dense_keys,
              feature_list_ragged_keys, feature_list_dense_missing_assumed_empty,
              *context_dense_defaults):
        _check_defaults("ParseSequenceExampleV2", "Tcontext_dense", context_dense_defaults,
                        self.Tcontext_dense,
                        self.context_ragged_value_types + self.context_ragged_split_types +
                        self.feature_list_ragged_value_types +
                        self.feature_list_ragged_split_types)
        lead = _lead(serialized)
        rank = len(lead) + 1
        return (_output_specs(lead, self.context_sparse_types, self.Tcontext_dense,
                              self.context_dense_shapes, rank) +
                _output_specs(lead + [None], self.feature_list_sparse_types,
                              self.feature_list_dense_types, self.feature_list_dense_shapes,
                              rank + 1) +
                [TensorSpec(TensorShape(lead), dtypes.int64)] * self.Nfeature_list_dense)

    def compute(self, xp, serialized, debug_name, context_sparse_keys, context_dense_keys,
                context_ragged_keys, feature_list_sparse_keys, feature_list_dense_keys,
                feature_list_ragged_keys, feature_list_dense_missing_assumed_empty,
                *context_dense_defaults):
        from minitf.protos.example_pb2 import SequenceExample
        protos = _decode(serialized, SequenceExample,
                         lambda record: "Invalid protocol message input, example id: <unknown>")
        lead = serialized.shape
        out = _parse_features(xp, (_strings(context_dense_keys), self.Tcontext_dense,
                                   self.context_dense_shapes,
                                   _defaults(context_dense_defaults, self.context_dense_shapes),
                                   _strings(context_sparse_keys), self.context_sparse_types),
                              [p.context.feature for p in protos], lead, _CONTEXT_ERRORS)
        lists = [p.feature_lists.feature_list for p in protos]
        sparse = []
        for key, dtype in zip(_strings(feature_list_sparse_keys),
                              self.feature_list_sparse_types):
            kind = _EXAMPLE_TYPES[dtype]
            entries, steps, longest = [], 0, 0
            for i, feature_lists in enumerate(lists):
                found = feature_lists[key].feature if key in feature_lists else []
                for t, feature in enumerate(found):
                    values = _feature_values(feature, key, t, kind, _LIST_ERRORS) or []
                    entries += [((i, t, j), v) for j, v in enumerate(values)]
                    longest = max(longest, len(values))
                steps = max(steps, len(found))
            sparse.append(_sparse_tensor(xp, dtype, entries, [len(lists), steps, longest],
                                         bool(lead)))
        dense, lengths = [], []
        for key, dtype, shape, empty in zip(
                _strings(feature_list_dense_keys), self.feature_list_dense_types,
                self.feature_list_dense_shapes,
                feature_list_dense_missing_assumed_empty.reshape(-1).tolist()):
            values, length = _padded(xp, dtype, shape.as_tuple(),
                                     b"" if dtype is dtypes.string else 0,
                                     _dense_list_rows(lists, key, dtype, shape, empty, lead),
                                     lead)
            dense.append(values)
            lengths.append(length)
        out += _group(sparse + dense, len(sparse)) + lengths
        return tuple(out) if len(out) != 1 else out[0]


def _dense_list_rows(lists, key, dtype, shape, empty, lead):
    """Each proto's flat values of the dense feature list `key` (every step `shape`), checked
    as TF checks them: a single proto's total first, then each step."""
    kind = _EXAMPLE_TYPES[dtype]
    dims = shape.as_tuple()
    stride = _num_elements(dims)
    rows = []
    for feature_lists in lists:
        if key not in feature_lists:
            if not empty:
                _fail(_LIST_ERRORS, "missing", key=key)
            rows.append([])
            continue
        steps = [_feature_values(f, key, t, kind, _LIST_ERRORS) or []
                 for t, f in enumerate(feature_lists[key].feature)]
        total = sum(len(s) for s in steps)
        if not lead and stride and total % stride:
            _fail(_LIST_ERRORS, "total", key=key, n=total,
                  tail="".join("," + str(d) for d in dims))
        for t, step in enumerate(steps):
            if len(step) != stride:
                _fail(_LIST_ERRORS, "size", key=key, i=t, n=len(step),
                      dims=",".join(map(str, dims)))
        rows.append([v for step in steps for v in step])
    return rows


def _parse_sequence(serialized, context_features, sequence_features, name, debug_name=None):
    """The ParseSequenceExampleV2 op for `serialized` (its protos' names `debug_name`) and its
    outputs as (context dict, feature list dict, lengths dict)."""
    context = _Spec.of(context_features, (FixedLenFeature, VarLenFeature), "context_sparse_types")
    lists = _Spec.of(sequence_features, (FixedLenSequenceFeature, VarLenFeature),
                     "feature_list_sparse_types")
    assumed_empty = []
    for key in lists.dense_keys:
        feature = sequence_features[key]
        if feature.default_value is not None:
            raise ValueError("Value feature_list.dense_defaults[%s] must be None" % key)
        assumed_empty.append(bool(feature.allow_missing))
    with name_scope(name, "ParseSequenceExample", [serialized]):
        serialized = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        if serialized.shape.ndims is None:
            raise ValueError("serialized must have statically-known rank to parse sequence "
                             "examples")
        defaults = _dense_default_tensors(context)
        with name_scope(name, "ParseSequenceExampleV2") as scope:
            keys = _key_inputs([
                ("debug_name", [] if debug_name is None else debug_name, dtypes.string),
                ("context_sparse_keys", context.sparse_keys, dtypes.string),
                ("context_dense_keys", context.dense_keys, dtypes.string),
                ("context_ragged_keys", [], dtypes.string),
                ("feature_list_sparse_keys", lists.sparse_keys, dtypes.string),
                ("feature_list_dense_keys", lists.dense_keys, dtypes.string),
                ("feature_list_ragged_keys", [], dtypes.string),
                ("feature_list_dense_missing_assumed_empty", assumed_empty, dtypes.bool)])
            op = _create(ParseSequenceExampleV2(
                Ncontext_sparse=len(context.sparse_keys),
                Tcontext_dense=tuple(context.dense_types),
                context_sparse_types=tuple(context.sparse_types),
                context_dense_shapes=tuple(context.dense_shapes),
                Nfeature_list_sparse=len(lists.sparse_keys),
                Nfeature_list_dense=len(lists.dense_keys),
                feature_list_dense_types=tuple(lists.dense_types),
                feature_list_sparse_types=tuple(lists.sparse_types),
                feature_list_dense_shapes=tuple(TensorShape(s.as_list()[1:])
                                                for s in lists.dense_shapes)),
                [serialized] + keys + defaults, scope)
    outputs = op.outputs
    n = len(context.sparse_keys)
    context_out = dict(zip(context.dense_keys, outputs[3 * n:3 * n + len(context.dense_keys)]))
    context_out.update(_sparse_tensors(outputs, context.sparse_keys))
    outputs = outputs[3 * n + len(context.dense_keys):]
    m = len(lists.sparse_keys)
    list_out = dict(zip(lists.dense_keys, outputs[3 * m:3 * m + len(lists.dense_keys)]))
    list_out.update(_sparse_tensors(outputs, lists.sparse_keys))
    lengths = dict(zip(lists.dense_keys, outputs[3 * m + len(lists.dense_keys):]))
    return context_out, list_out, lengths


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None):
    """tf.io.parse_single_sequence_example: one serialized tf.train.SequenceExample (a scalar
    string) into (context dict, feature list dict): FixedLenFeature and VarLenFeature context
    features, FixedLenSequenceFeature ([steps] + shape) and VarLenFeature feature lists."""
    if not (context_features or sequence_features):
        raise ValueError("Both context_features and sequence_features are None, but at least "
                         "one should have values.")
    with name_scope(name, "ParseSingleSequenceExample", [serialized]):
        with name_scope(name, "ParseSingleExample", [serialized]):
            serialized = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
            if serialized.shape.ndims is not None and serialized.shape.ndims != 0:
                raise ValueError("Input serialized must be a scalar")
        return _parse_sequence(serialized, context_features, sequence_features, name,
                               example_name)[:2]


def parse_sequence_example(serialized, context_features=None, sequence_features=None,
                           example_names=None, name=None):
    """tf.io.parse_sequence_example: a vector of serialized SequenceExamples (or one, a
    scalar) into (context dict, feature list dict, lengths dict); dense feature lists are
    padded with zeros to the longest, and lengths holds each one's number of steps."""
    if not (context_features or sequence_features):
        raise ValueError("Both `context_features` and `sequence_features` argument are None, "
                         "but at least one should have values.")
    with name_scope(name, "ParseSequenceExample", [serialized]):
        return _parse_sequence(serialized, context_features, sequence_features, name,
                               example_names)


# -- JSON ---------------------------------------------------------------------------------------

@register
class DecodeJSONExample(OpDef):
    """Each JSON-encoded tf.train.Example (protobuf's JSON mapping) as the serialized proto."""

    differentiable = False

    def infer(self, json_examples):
        if json_examples.dtype is not dtypes.string:
            raise TypeError("Input 'json_examples' of 'DecodeJSONExample' Op has type %s that "
                            "does not match expected type of string." % json_examples.dtype.name)
        return TensorSpec(json_examples.shape, dtypes.string)

    def compute(self, xp, json_examples):
        from google.protobuf import json_format
        from minitf.protos.example_pb2 import Example
        out = xp.empty(json_examples.shape, dtype=object)
        flat = out.reshape(-1)
        for i, text in enumerate(json_examples.reshape(-1).tolist()):
            try:
                flat[i] = json_format.Parse(text, Example()).SerializeToString()
            except json_format.ParseError as e:
                raise errors.InvalidArgumentError(
                    None, None, "Error while parsing JSON: %s" % e) from None
        return out


def decode_json_example(json_examples, name=None):
    """tf.io.decode_json_example: JSON-encoded Examples (strings of any shape) into
    serialized tf.train.Example protos of the same shape."""
    with name_scope(name, "DecodeJSONExample") as scope:
        json_examples = convert_to_tensor(json_examples, name="json_examples")
        return _create(DecodeJSONExample(), [json_examples], scope).outputs[0]


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
