"""tf.feature_column (TF 1.x's API): columns that say how raw features (dense Tensors or
SparseTensors keyed by name) become model inputs, and input_layer / linear_model, which build
the dense input and the linear predictions from them with TF's variable names.

Columns are namedtuples (equal when built from the same arguments, usable as dict keys), as
in TF. Each one answers TF1's protocol: `name`, `_parse_example_spec`, `_transform_feature(
builder)`; dense columns add `_variable_shape` and `_get_dense_tensor`, categorical ones
`_num_buckets` and `_get_sparse_tensors` (a pair of SparseTensors: int64 ids, and weights or
None). `_LazyBuilder` transforms each column once per input_layer / linear_model call."""

import collections
import math

from minitf import dtypes
from minitf.framework.graph import (GraphKeys, add_to_collection, control_dependencies,
                                    get_collection, name_scope)
from minitf.framework.shapes import TensorShape
from minitf.framework.sparse_tensor import SparseTensor
from minitf.io import gfile
from minitf.ops.array_ops import (concat, expand_dims, fill, gather_nd, one_hot, reshape,
                                  scatter_nd, shape, stack, tile, transpose)
from minitf.ops.control_flow_ops import cond
from minitf.ops.embedding_ops import safe_embedding_lookup_sparse
from minitf.ops.histogram_ops import bucketize
from minitf.ops.init_ops import truncated_normal_initializer, zeros_initializer
from minitf.ops.logging_ops import assert_positive
from minitf.ops.lookup_ops import index_table_from_file, index_table_from_tensor
from minitf.ops.math_ops import (add_n, cast, equal, logical_or, matmul, not_equal, reduce_sum,
                                 where_v2)
from minitf.ops.ranges import range as tf_range
from minitf.ops.nn_ops import bias_add
from minitf.ops.parsing_ops import FixedLenFeature, VarLenFeature
from minitf.ops.shape_ops import rank as rank_of
from minitf.ops.sparse_cross import sparse_cross_hashed
from minitf.ops.sparse_manip import sparse_merge, sparse_reshape, sparse_slice
from minitf.ops.sparse_ops import convert_to_tensor_or_sparse_tensor, sparse_tensor_to_dense
from minitf.ops.string_ops import as_string, string_to_hash_bucket_fast
from minitf.ops.variable_scope import get_variable, get_variable_scope, variable_scope

__all__ = ["numeric_column", "bucketized_column", "categorical_column_with_identity",
           "categorical_column_with_vocabulary_list", "categorical_column_with_vocabulary_file",
           "categorical_column_with_hash_bucket", "crossed_column", "indicator_column",
           "embedding_column",
           "weighted_categorical_column", "shared_embedding_columns", "input_layer",
           "linear_model", "make_parse_example_spec"]


# -- the protocol ---------------------------------------------------------------------------------

class _FeatureColumn:
    """A feature column: `name`, `_var_scope_name` (the variable scope of its variables),
    `_parse_example_spec` ({key: FixedLenFeature or VarLenFeature}) and
    `_transform_feature(builder)`."""
    __slots__ = ()

    @property
    def _var_scope_name(self):
        return self.name


class _DenseColumn(_FeatureColumn):
    """A column input_layer accepts: `_variable_shape` (a TensorShape, per example) and
    `_get_dense_tensor(builder, weight_collections, trainable)` (float32, [batch] + that)."""
    __slots__ = ()


class _CategoricalColumn(_FeatureColumn):
    """A column of ids: `_num_buckets` and `_get_sparse_tensors(builder, ...)`, an
    IdWeightPair of an int64 SparseTensor of ids in [0, _num_buckets) and weights or None."""
    __slots__ = ()
    IdWeightPair = collections.namedtuple("IdWeightPair", ["id_tensor", "weight_tensor"])

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        return _CategoricalColumn.IdWeightPair(inputs.get(self), None)


def _check_key(key):
    if not isinstance(key, str):
        raise ValueError("key must be a string. Got: type {}. Given key: {}.".format(
            type(key), key))


def _check_string_or_int(dtype, prefix):
    if dtype is not dtypes.string and not dtype.is_integer:
        raise ValueError("{} dtype must be string or integer. dtype: {}.".format(prefix, dtype))


class _LazyBuilder:
    """The features of one input_layer / linear_model call: raw features by key (rank-1 ones
    as [batch, 1]), and each column's transformed feature, made once."""

    def __init__(self, features):
        self._features = dict(features)
        self._feature_tensors = {}

    def get(self, key):
        if key in self._feature_tensors:
            return self._feature_tensors[key]
        if isinstance(key, str):
            if key not in self._features:
                raise ValueError("Feature {} is not in features dictionary.".format(key))
            tensor = self._raw_feature(key)
        elif isinstance(key, _FeatureColumn):
            tensor = key._transform_feature(self)
            if tensor is None:
                raise ValueError("Column {} is not supported.".format(key.name))
        else:
            raise TypeError('"key" must be either a "str" or "_FeatureColumn". '
                            "Provided: {}".format(key))
        self._feature_tensors[key] = tensor
        return tensor

    def _raw_feature(self, key):
        feature = convert_to_tensor_or_sparse_tensor(self._features[key])
        message = "Feature (key: {}) cannot have rank 0. Given: {}".format(key, feature)
        sparse = isinstance(feature, SparseTensor)

        def as_matrix():
            if sparse:
                return sparse_reshape(feature, stack([feature.dense_shape[0], 1]))
            return expand_dims(feature, -1)

        rank = feature.shape.ndims
        if rank is not None:
            if rank == 0:
                raise ValueError(message)
            return as_matrix() if rank == 1 else feature
        # Rank known only at run time: TF checks it and reshapes a vector under a tf.cond.
        rank = shape(feature.dense_shape)[0] if sparse else rank_of(feature)
        with control_dependencies([assert_positive(rank, message=message)]):
            is_vector = equal(1, rank)
            if not sparse:
                return cond(is_vector, as_matrix, lambda: feature)
            parts = cond(is_vector, lambda: _parts(as_matrix()), lambda: _parts(feature))
            return SparseTensor(*parts)


def _parts(sparse):
    return [sparse.indices, sparse.values, sparse.dense_shape]


def _to_sparse_input_and_drop_ignore_values(input_tensor, ignore_value=None):
    """A dense Tensor as a SparseTensor of its entries other than `ignore_value` ("" for
    strings, -1 for integers, 0 otherwise: TF's marks of a missing value); a SparseTensor as
    it is."""
    input_tensor = convert_to_tensor_or_sparse_tensor(input_tensor)
    if isinstance(input_tensor, SparseTensor):
        return input_tensor
    with name_scope(None, "to_sparse_input", [input_tensor]):
        if ignore_value is None:
            if input_tensor.dtype is dtypes.string:
                ignore_value = ""
            elif input_tensor.dtype.is_integer:
                ignore_value = -1
            else:
                ignore_value = 0.0
        ignore_value = cast(ignore_value, input_tensor.dtype, name="ignore_value")
        indices = where_v2(not_equal(input_tensor, ignore_value), name="indices")
        return SparseTensor(indices=indices,
                            values=gather_nd(input_tensor, indices, name="values"),
                            dense_shape=shape(input_tensor, out_type=dtypes.int64,
                                              name="dense_shape"))


def _normalize_feature_columns(feature_columns):
    """The columns as a list, after TF's checks (not empty, all columns, no name twice)."""
    if isinstance(feature_columns, _FeatureColumn):
        feature_columns = [feature_columns]
    if isinstance(feature_columns, dict):
        raise ValueError("Expected feature_columns to be iterable, found dict.")
    feature_columns = list(feature_columns)
    for column in feature_columns:
        if not isinstance(column, _FeatureColumn):
            raise ValueError("Items of feature_columns must be a _FeatureColumn. "
                             "Given (type {}): {}.".format(type(column), column))
    if not feature_columns:
        raise ValueError("feature_columns must not be empty.")
    by_name = {}
    for column in feature_columns:
        if column.name in by_name:
            raise ValueError(
                "Duplicate feature column name found for columns: {} and {}. This usually "
                "means that these columns refer to same base feature. Either one must be "
                "discarded or a duplicated but renamed item must be inserted in features "
                "dict.".format(column, by_name[column.name]))
        by_name[column.name] = column
    return feature_columns


# -- numeric and bucketized -----------------------------------------------------------------------

def _nested(value):
    return isinstance(value, (list, tuple))


def _flat(value):
    return [x for v in value for x in _flat(v)] if _nested(value) else [value]


def _filled(shape, value):
    return tuple(_filled(shape[1:], value) for _ in range(shape[0])) if shape else value


def _as_tuple(value):
    return tuple(_as_tuple(v) for v in value) if _nested(value) else value


def _fits(value, shape):
    if _nested(value) != bool(shape):
        return False
    if not shape:
        return True
    return len(value) == shape[0] and all(_fits(v, shape[1:]) for v in value)


def _checked_default(shape, default_value, dtype, key):
    """TF's rule: None, a number for every entry, or a nested list of `shape`, as a tuple."""
    if default_value is None:
        return None
    if isinstance(default_value, int) or (isinstance(default_value, float)
                                          and dtype.is_floating):
        return _filled(shape, default_value)
    if callable(getattr(default_value, "tolist", None)):
        default_value = default_value.tolist()
    if _nested(default_value):
        if not _fits(default_value, shape):
            raise ValueError("The shape of default_value must be equal to given shape. "
                             "default_value: {}, shape: {}, key: {}".format(
                                 default_value, shape, key))
        flat = _flat(default_value)
        if all(isinstance(v, int) for v in flat) or (
                any(isinstance(v, float) for v in flat) and dtype.is_floating):
            return _as_tuple(default_value)
    raise TypeError("default_value must be compatible with dtype. default_value: {}, "
                    "dtype: {}, key: {}".format(default_value, dtype, key))


def _check_shape(shape, key):
    shape = tuple(shape) if _nested(shape) else (shape,)
    for dim in shape:
        if not isinstance(dim, int):
            raise TypeError("shape dimensions must be integer. shape: {}, key: {}".format(
                shape, key))
        if dim < 1:
            raise ValueError("shape dimensions must be greater than 0. shape: {}, key: {}"
                             .format(shape, key))
    return shape


class NumericColumn(_DenseColumn, collections.namedtuple(
        "NumericColumn", ["key", "shape", "default_value", "dtype", "normalizer_fn"])):
    """numeric_column: the feature as float32 (after normalizer_fn)."""
    __slots__ = ()

    @property
    def name(self):
        return self.key

    @property
    def _parse_example_spec(self):
        return {self.key: FixedLenFeature(self.shape, self.dtype, self.default_value)}

    def _transform_feature(self, inputs):
        tensor = inputs.get(self.key)
        if isinstance(tensor, SparseTensor):
            raise ValueError("The corresponding Tensor of numerical column must be a Tensor. "
                             "SparseTensor is not supported. key: {}".format(self.key))
        if self.normalizer_fn is not None:
            tensor = self.normalizer_fn(tensor)
        return cast(tensor, dtypes.float32)

    @property
    def _variable_shape(self):
        return TensorShape(self.shape)

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        return inputs.get(self)


def numeric_column(key, shape=(1,), default_value=None, dtype=dtypes.float32,
                   normalizer_fn=None):
    """tf.feature_column.numeric_column: a real-valued feature of `shape` per example."""
    shape = _check_shape(shape, key)
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_integer or dtype.is_floating):
        raise ValueError("dtype must be convertible to float. dtype: {}, key: {}".format(
            dtype, key))
    default_value = _checked_default(shape, default_value, dtype, key)
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError("normalizer_fn must be a callable. Given: {}".format(normalizer_fn))
    _check_key(key)
    return NumericColumn(key, shape, default_value, dtype, normalizer_fn)


class BucketizedColumn(_DenseColumn, _CategoricalColumn, collections.namedtuple(
        "BucketizedColumn", ["source_column", "boundaries"])):
    """bucketized_column: each value's bucket, one-hot when dense; as ids, the buckets of
    the i-th value are numbered from i * (len(boundaries) + 1)."""
    __slots__ = ()

    @property
    def name(self):
        return "{}_bucketized".format(self.source_column.name)

    @property
    def _parse_example_spec(self):
        return self.source_column._parse_example_spec

    def _transform_feature(self, inputs):
        return bucketize(inputs.get(self.source_column), boundaries=self.boundaries)

    @property
    def _variable_shape(self):
        return TensorShape(tuple(self.source_column.shape) + (len(self.boundaries) + 1,))

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        return one_hot(cast(inputs.get(self), dtypes.int64), depth=len(self.boundaries) + 1,
                       on_value=1.0, off_value=0.0)

    @property
    def _num_buckets(self):
        return (len(self.boundaries) + 1) * self.source_column.shape[0]

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        buckets = inputs.get(self)
        batch = shape(buckets)[0]
        width = self.source_column.shape[0]
        rows = reshape(tile(expand_dims(tf_range(0, batch), 1), [1, width]), (-1,))
        cols = tile(tf_range(0, width), [batch])
        ids = reshape(buckets, (-1,)) + (len(self.boundaries) + 1) * cols
        indices = cast(transpose(stack((rows, cols))), dtypes.int64)
        dense_shape = cast(stack([batch, width]), dtypes.int64)
        return _CategoricalColumn.IdWeightPair(SparseTensor(indices, ids, dense_shape), None)


def bucketized_column(source_column, boundaries):
    """tf.feature_column.bucketized_column: a one-dimensional numeric column cut at the
    sorted `boundaries` (bucket i holds boundaries[i-1] <= x < boundaries[i])."""
    if not isinstance(source_column, NumericColumn):
        raise ValueError("source_column must be a column generated with numeric_column(). "
                         "Given: {}".format(source_column))
    if len(source_column.shape) > 1:
        raise ValueError("source_column must be one-dimensional column. Given: {}".format(
            source_column))
    if not boundaries:
        raise ValueError("boundaries must not be empty.")
    if not isinstance(boundaries, (list, tuple)):
        raise ValueError("boundaries must be a sorted list.")
    for i in range(len(boundaries) - 1):
        if boundaries[i] >= boundaries[i + 1]:
            raise ValueError("boundaries must be a sorted list.")
    return BucketizedColumn(source_column, tuple(boundaries))


# -- categorical columns --------------------------------------------------------------------------

class _KeyedCategoricalColumn(_CategoricalColumn):
    """A categorical column of one raw feature: named after its key, parsed as a
    VarLenFeature of `_key_dtype` (the column's dtype unless a class says otherwise)."""
    __slots__ = ()

    @property
    def _key_dtype(self):
        return self.dtype

    @property
    def name(self):
        return self.key

    @property
    def _parse_example_spec(self):
        return {self.key: VarLenFeature(self._key_dtype)}


def _check_input_dtype(column, tensor):
    if column.dtype.is_integer != tensor.dtype.is_integer:
        raise ValueError("Column dtype and SparseTensors dtype must be compatible. key: {}, "
                         "column dtype: {}, tensor dtype: {}".format(
                             column.key, column.dtype, tensor.dtype))
    _check_string_or_int(tensor.dtype, "column_name: {} input_tensor".format(column.key))


class HashedCategoricalColumn(_KeyedCategoricalColumn, collections.namedtuple(
        "HashedCategoricalColumn", ["key", "hash_bucket_size", "dtype"])):
    """categorical_column_with_hash_bucket: FarmHash Fingerprint64 of each value (integers
    as their decimal strings) modulo hash_bucket_size."""
    __slots__ = ()

    def _transform_feature(self, inputs):
        sparse = _to_sparse_input_and_drop_ignore_values(inputs.get(self.key))
        if not isinstance(sparse, SparseTensor):
            raise ValueError("SparseColumn input must be a SparseTensor.")
        _check_string_or_int(sparse.dtype, "column_name: {} input_tensor".format(self.key))
        if self.dtype.is_integer != sparse.dtype.is_integer:
            raise ValueError("Column dtype and SparseTensors dtype must be compatible. key: "
                             "{}, column dtype: {}, tensor dtype: {}".format(
                                 self.key, self.dtype, sparse.dtype))
        values = sparse.values
        if self.dtype is not dtypes.string:
            values = as_string(values)
        ids = string_to_hash_bucket_fast(values, self.hash_bucket_size, name="lookup")
        return SparseTensor(sparse.indices, ids, sparse.dense_shape)

    @property
    def _num_buckets(self):
        return self.hash_bucket_size


def categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=dtypes.string):
    """tf.feature_column.categorical_column_with_hash_bucket: string or integer values
    hashed into hash_bucket_size ids (TF's buckets)."""
    if hash_bucket_size is None:
        raise ValueError("hash_bucket_size must be set. key: {}".format(key))
    if hash_bucket_size < 1:
        raise ValueError("hash_bucket_size must be at least 1. hash_bucket_size: {}, key: {}"
                         .format(hash_bucket_size, key))
    _check_key(key)
    dtype = dtypes.as_dtype(dtype)
    _check_string_or_int(dtype, "column_name: {}".format(key))
    return HashedCategoricalColumn(key, hash_bucket_size, dtype)


def _lookup(column, inputs, make_table):
    sparse = _to_sparse_input_and_drop_ignore_values(inputs.get(column.key))
    _check_input_dtype(column, sparse)
    key_dtype = column.dtype
    if sparse.dtype.is_integer:
        key_dtype = dtypes.int64
        if sparse.dtype is not dtypes.int64:
            sparse = SparseTensor(sparse.indices, cast(sparse.values, dtypes.int64),
                                  sparse.dense_shape)
    table = make_table(key_dtype, "{}_lookup".format(column.key))
    return SparseTensor(sparse.indices, table.lookup(sparse.values), sparse.dense_shape)


class VocabularyFileCategoricalColumn(_KeyedCategoricalColumn, collections.namedtuple(
        "VocabularyFileCategoricalColumn", ["key", "vocabulary_file", "vocabulary_size",
                                            "num_oov_buckets", "dtype", "default_value",
                                            "file_format"])):
    """categorical_column_with_vocabulary_file: each value's line in the file."""
    __slots__ = ()

    def _transform_feature(self, inputs):
        return _lookup(self, inputs, lambda key_dtype, name: index_table_from_file(
            vocabulary_file=self.vocabulary_file, num_oov_buckets=self.num_oov_buckets,
            vocab_size=self.vocabulary_size, default_value=self.default_value,
            key_dtype=key_dtype, name=name))

    @property
    def _num_buckets(self):
        return self.vocabulary_size + self.num_oov_buckets


def categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None,
                                            num_oov_buckets=0, default_value=None,
                                            dtype=dtypes.string):
    """tf.feature_column.categorical_column_with_vocabulary_file: ids from a vocabulary file
    (one value a line; its first vocabulary_size lines, all by default); values not in it
    get default_value (-1: missing) or one of num_oov_buckets hash buckets after the file's."""
    if not vocabulary_file:
        raise ValueError("Missing vocabulary_file in {}.".format(key))
    if vocabulary_size is None:
        if not gfile.exists(vocabulary_file):
            raise ValueError("vocabulary_file in {} does not exist.".format(key))
        with gfile.GFile(vocabulary_file, mode="rb") as f:
            vocabulary_size = sum(1 for _ in f)
    if vocabulary_size < 1:
        raise ValueError("Invalid vocabulary_size in {}.".format(key))
    if num_oov_buckets:
        if default_value is not None:
            raise ValueError("Can't specify both num_oov_buckets and default_value in {}."
                             .format(key))
        if num_oov_buckets < 0:
            raise ValueError("Invalid num_oov_buckets {} in {}.".format(num_oov_buckets, key))
    dtype = dtypes.as_dtype(dtype)
    _check_string_or_int(dtype, "column_name: {}".format(key))
    _check_key(key)
    return VocabularyFileCategoricalColumn(
        key, vocabulary_file, vocabulary_size, num_oov_buckets or 0, dtype,
        -1 if default_value is None else default_value, None)


class VocabularyListCategoricalColumn(_KeyedCategoricalColumn, collections.namedtuple(
        "VocabularyListCategoricalColumn", ["key", "vocabulary_list", "dtype", "default_value",
                                            "num_oov_buckets"])):
    """categorical_column_with_vocabulary_list: each value's position in the list."""
    __slots__ = ()

    def _transform_feature(self, inputs):
        return _lookup(self, inputs, lambda key_dtype, name: index_table_from_tensor(
            vocabulary_list=tuple(self.vocabulary_list), default_value=self.default_value,
            num_oov_buckets=self.num_oov_buckets, dtype=key_dtype, name=name))

    @property
    def _num_buckets(self):
        return len(self.vocabulary_list) + self.num_oov_buckets


def _list_dtype(values):
    """The dtype numpy gives a list: string for text, int64 for integers (TF's rule)."""
    if all(isinstance(v, (str, bytes)) for v in values):
        return dtypes.string
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return dtypes.int64
    if all(isinstance(v, (int, float)) for v in values):
        return dtypes.float64
    return dtypes.as_dtype(type(values[0]))


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1,
                                            num_oov_buckets=0):
    """tf.feature_column.categorical_column_with_vocabulary_list: ids from an in-memory
    vocabulary (strings or integers); values not in it get default_value (-1: missing) or one
    of num_oov_buckets hash buckets after the list's ids."""
    if vocabulary_list is None or len(vocabulary_list) < 1:
        raise ValueError("vocabulary_list {} must be non-empty, column_name: {}".format(
            vocabulary_list, key))
    if len(set(vocabulary_list)) != len(vocabulary_list):
        raise ValueError("Duplicate keys in vocabulary_list {}, column_name: {}".format(
            vocabulary_list, key))
    vocabulary_dtype = _list_dtype(list(vocabulary_list))
    if num_oov_buckets:
        if default_value != -1:
            raise ValueError("Can't specify both num_oov_buckets and default_value in {}."
                             .format(key))
        if num_oov_buckets < 0:
            raise ValueError("Invalid num_oov_buckets {} in {}.".format(num_oov_buckets, key))
    _check_string_or_int(vocabulary_dtype, "column_name: {} vocabulary".format(key))
    if dtype is None:
        dtype = vocabulary_dtype
    else:
        dtype = dtypes.as_dtype(dtype)
        if dtype.is_integer != vocabulary_dtype.is_integer:
            raise ValueError("dtype {} and vocabulary dtype {} do not match, column_name: {}"
                             .format(dtype, vocabulary_dtype, key))
    _check_string_or_int(dtype, "column_name: {}".format(key))
    _check_key(key)
    return VocabularyListCategoricalColumn(key, tuple(vocabulary_list), dtype, default_value,
                                           num_oov_buckets)


class IdentityCategoricalColumn(_KeyedCategoricalColumn, collections.namedtuple(
        "IdentityCategoricalColumn", ["key", "number_buckets", "default_value"])):
    """categorical_column_with_identity: integer values are the ids."""
    __slots__ = ()

    _key_dtype = dtypes.int64

    def _transform_feature(self, inputs):
        sparse = _to_sparse_input_and_drop_ignore_values(inputs.get(self.key))
        if not sparse.dtype.is_integer:
            raise ValueError("Invalid input, not integer. key: {} dtype: {}".format(
                self.key, sparse.dtype))
        values = sparse.values
        if values.dtype is not dtypes.int64:
            values = cast(values, dtypes.int64, name="values")
        if self.default_value is not None:
            buckets = cast(self.number_buckets, dtypes.int64, name="num_buckets")
            zero = cast(0, dtypes.int64, name="zero")
            outside = logical_or(values < zero, values >= buckets, name="out_of_range")
            values = where_v2(outside, fill(dims=shape(values),
                                            value=cast(self.default_value, dtypes.int64),
                                            name="default_values"), values)
        return SparseTensor(sparse.indices, values, sparse.dense_shape)

    @property
    def _num_buckets(self):
        return self.number_buckets


def categorical_column_with_identity(key, num_buckets, default_value=None):
    """tf.feature_column.categorical_column_with_identity: integer ids in [0, num_buckets);
    others become default_value when given (else they fail the lookup that uses them)."""
    if num_buckets < 1:
        raise ValueError("num_buckets {} < 1, column_name {}".format(num_buckets, key))
    if default_value is not None and (default_value < 0 or default_value >= num_buckets):
        raise ValueError("default_value {} not in range [0, {}), column_name {}".format(
            default_value, num_buckets, key))
    _check_key(key)
    return IdentityCategoricalColumn(key, num_buckets, default_value)


class WeightedCategoricalColumn(_CategoricalColumn, collections.namedtuple(
        "WeightedCategoricalColumn", ["categorical_column", "weight_feature_key", "dtype"])):
    """weighted_categorical_column: ids with a weight each, from a second feature."""
    __slots__ = ()

    @property
    def name(self):
        return "{}_weighted_by_{}".format(self.categorical_column.name,
                                          self.weight_feature_key)

    @property
    def _parse_example_spec(self):
        config = dict(self.categorical_column._parse_example_spec)
        if self.weight_feature_key in config:
            raise ValueError("Parse config {} already exists for {}.".format(
                config[self.weight_feature_key], self.weight_feature_key))
        config[self.weight_feature_key] = VarLenFeature(self.dtype)
        return config

    @property
    def _num_buckets(self):
        return self.categorical_column._num_buckets

    def _transform_feature(self, inputs):
        weights = inputs.get(self.weight_feature_key)
        if weights is None:
            raise ValueError("Missing weights {}.".format(self.weight_feature_key))
        weights = convert_to_tensor_or_sparse_tensor(weights)
        if self.dtype is not weights.dtype.base_dtype:
            raise ValueError("Bad dtype, expected {}, but got {}.".format(self.dtype,
                                                                          weights.dtype))
        if not isinstance(weights, SparseTensor):
            weights = _to_sparse_input_and_drop_ignore_values(weights, ignore_value=0.0)
        if not weights.dtype.is_floating:
            weights = SparseTensor(weights.indices, cast(weights.values, dtypes.float32),
                                   weights.dense_shape)
        return inputs.get(self.categorical_column), weights

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        ids, weights = inputs.get(self)
        return _CategoricalColumn.IdWeightPair(ids, weights)


def weighted_categorical_column(categorical_column, weight_feature_key, dtype=dtypes.float32):
    """tf.feature_column.weighted_categorical_column: the ids of `categorical_column`
    weighted by the feature `weight_feature_key` (same indices; 0 in a dense weight tensor
    is missing)."""
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    if dtype is None or not (dtype.is_integer or dtype.is_floating):
        raise ValueError("dtype {} is not convertible to float.".format(dtype))
    return WeightedCategoricalColumn(categorical_column, weight_feature_key, dtype)


# -- dense columns over categorical ones ----------------------------------------------------------

class _OverCategorical(_DenseColumn):
    """A dense column made from `self.categorical_column`, parsed as that column is."""
    __slots__ = ()

    @property
    def _parse_example_spec(self):
        return self.categorical_column._parse_example_spec


class _EmbeddingBase(_OverCategorical):
    """An embedding of `self.categorical_column`'s ids: `self.dimension` values each."""
    __slots__ = ()

    def _transform_feature(self, inputs):
        return inputs.get(self.categorical_column)

    @property
    def _variable_shape(self):
        return TensorShape([self.dimension])


class IndicatorColumn(_OverCategorical, collections.namedtuple("IndicatorColumn",
                                                               ["categorical_column"])):
    """indicator_column: a multi-hot vector of the ids (their weights when weighted)."""
    __slots__ = ()

    @property
    def name(self):
        return "{}_indicator".format(self.categorical_column.name)

    @property
    def _variable_shape(self):
        return TensorShape([1, self.categorical_column._num_buckets])

    def _transform_feature(self, inputs):
        ids, weights = self.categorical_column._get_sparse_tensors(inputs)
        size = self.categorical_column._num_buckets
        if weights is not None:
            merged = sparse_merge(sp_ids=ids, sp_values=weights, vocab_size=int(size))
            merged = sparse_slice(merged, [0, 0], merged.dense_shape)  # drops the -1 ids
            dense = scatter_nd(merged.indices, merged.values, merged.dense_shape)
            if ids.shape.ndims is not None:  # TF's shape inference folds the shape this far
                dense.set_shape(ids.shape[:-1].concatenate([size]))
            return dense
        dense_ids = sparse_tensor_to_dense(ids, default_value=-1)
        return reduce_sum(one_hot(dense_ids, depth=size, on_value=1.0, off_value=0.0),
                          axis=[-2])

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        return inputs.get(self)


def indicator_column(categorical_column):
    """tf.feature_column.indicator_column: a categorical column as a dense multi-hot input."""
    if not isinstance(categorical_column, _CategoricalColumn):
        raise ValueError("Unsupported input type. Input must be a CategoricalColumn. Given: {}"
                         .format(categorical_column))
    return IndicatorColumn(categorical_column)


def _embedding_lookup(column, sparse_tensors, table):
    if column.ckpt_to_load_from is not None:
        from minitf.train.checkpoint_utils import init_from_checkpoint
        init_from_checkpoint(column.ckpt_to_load_from, {column.tensor_name_in_ckpt: table})
    return safe_embedding_lookup_sparse(table, sparse_tensors.id_tensor,
                                        sparse_tensors.weight_tensor, combiner=column.combiner,
                                        name="%s_weights" % column.name,
                                        max_norm=column.max_norm)


def _with_global(weight_collections):
    if weight_collections and GraphKeys.GLOBAL_VARIABLES not in weight_collections:
        weight_collections.append(GraphKeys.GLOBAL_VARIABLES)
    return weight_collections


class EmbeddingColumn(_EmbeddingBase, collections.namedtuple(
        "EmbeddingColumn", ["categorical_column", "dimension", "combiner", "initializer",
                            "ckpt_to_load_from", "tensor_name_in_ckpt", "max_norm", "trainable",
                            "use_safe_embedding_lookup"])):
    """embedding_column: the combination of the ids' rows of a [num_buckets, dimension]
    variable `embedding_weights`."""
    __slots__ = ()

    @property
    def name(self):
        return "{}_embedding".format(self.categorical_column.name)

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        sparse_tensors = self.categorical_column._get_sparse_tensors(inputs, weight_collections,
                                                                     trainable)
        table = get_variable(
            "embedding_weights", shape=(self.categorical_column._num_buckets, self.dimension),
            dtype=dtypes.float32, initializer=self.initializer,
            trainable=self.trainable and trainable, collections=_with_global(weight_collections))
        return _embedding_lookup(self, sparse_tensors, table)


def _check_embedding_args(dimension, ckpt_to_load_from, tensor_name_in_ckpt):
    if dimension is None or dimension < 1:
        raise ValueError("Invalid dimension {}.".format(dimension))
    if (ckpt_to_load_from is None) != (tensor_name_in_ckpt is None):
        raise ValueError("Must specify both `ckpt_to_load_from` and `tensor_name_in_ckpt` or "
                         "none of them.")


def _default_initializer(initializer, dimension):
    if initializer is None:
        return truncated_normal_initializer(mean=0.0, stddev=1.0 / math.sqrt(dimension))
    return initializer


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True, use_safe_embedding_lookup=True):
    """tf.feature_column.embedding_column: a categorical column as a dense `dimension`-vector
    per example, the "mean" (or "sum", "sqrtn") of its ids' embeddings (weighted when the
    column is); initializer default: truncated normal with stddev 1/sqrt(dimension)."""
    _check_embedding_args(dimension, ckpt_to_load_from, tensor_name_in_ckpt)
    if initializer is not None and not callable(initializer):
        raise ValueError("initializer must be callable if specified. Embedding of "
                         "column_name: {}".format(categorical_column.name))
    return EmbeddingColumn(categorical_column, dimension, combiner,
                           _default_initializer(initializer, dimension), ckpt_to_load_from,
                           tensor_name_in_ckpt, max_norm, trainable, use_safe_embedding_lookup)


class _SharedEmbeddingColumn(_EmbeddingBase, collections.namedtuple(
        "_SharedEmbeddingColumn", ["categorical_column", "dimension", "combiner", "initializer",
                                   "shared_embedding_collection_name", "ckpt_to_load_from",
                                   "tensor_name_in_ckpt", "max_norm", "trainable",
                                   "use_safe_embedding_lookup"])):
    """One of shared_embedding_columns: an embedding column whose `embedding_weights` is
    made by the first of the group to be used and found by the others in the graph
    collection shared_embedding_collection_name."""
    __slots__ = ()

    @property
    def name(self):
        return "{}_shared_embedding".format(self.categorical_column.name)

    @property
    def _var_scope_name(self):
        return self.shared_embedding_collection_name

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        with name_scope(None, self.name):
            sparse_tensors = self.categorical_column._get_sparse_tensors(
                inputs, weight_collections=weight_collections, trainable=trainable)
            table_shape = (self.categorical_column._num_buckets, self.dimension)
            shared = get_collection(self.shared_embedding_collection_name)
            if shared:
                if len(shared) > 1:
                    raise ValueError(
                        "Collection {} can only contain one variable. Suggested fix A: Choose "
                        "a unique name for this collection. Suggested fix B: Do not add any "
                        "variables to this collection. The feature_column library already "
                        "adds a variable under the hood.".format(shared))
                table = shared[0]
                if table.shape != TensorShape(table_shape):
                    raise ValueError(
                        "Shared embedding collection {} contains variable {} of unexpected "
                        "shape {}. Expected shape is {}. Suggested fix A: Choose a unique name "
                        "for this collection. Suggested fix B: Do not add any variables to "
                        "this collection. The feature_column library already adds a variable "
                        "under the hood.".format(self.shared_embedding_collection_name,
                                                 table.name, table.shape, table_shape))
            else:
                table = get_variable("embedding_weights", shape=table_shape,
                                     dtype=dtypes.float32, initializer=self.initializer,
                                     trainable=self.trainable and trainable,
                                     collections=weight_collections)
                add_to_collection(self.shared_embedding_collection_name, table)
            return _embedding_lookup(self, sparse_tensors, table)


def _unweighted(column):
    while isinstance(column, WeightedCategoricalColumn):
        column = column.categorical_column
    return column


def shared_embedding_columns(categorical_columns, dimension, combiner="mean", initializer=None,
                             shared_embedding_collection_name=None, ckpt_to_load_from=None,
                             tensor_name_in_ckpt=None, max_norm=None, trainable=True,
                             use_safe_embedding_lookup=True):
    """tf.feature_column.shared_embedding_columns: embedding columns of categorical columns
    of one kind and size that share one `embedding_weights` variable (in the variable scope
    named after the columns: "a_b_shared_embedding")."""
    _check_embedding_args(dimension, ckpt_to_load_from, tensor_name_in_ckpt)
    if initializer is not None and not callable(initializer):
        raise ValueError("initializer must be callable if specified.")
    initializer = _default_initializer(initializer, dimension)
    ordered = sorted(categorical_columns, key=lambda c: c.name)
    first = ordered[0]
    if not isinstance(first, _CategoricalColumn):
        raise ValueError("All categorical_columns must be subclasses of _CategoricalColumn. "
                         "Given: {}, of type: {}".format(first, type(first)))
    buckets = first._num_buckets
    first = _unweighted(first)
    for column in ordered[1:]:
        column = _unweighted(column)
        if not isinstance(column, type(first)):
            raise ValueError(
                "To use shared_embedding_column, all categorical_columns must have the same "
                "type, or be weighted_categorical_column or sequence column of the same type. "
                "Given column: {} of type: {} does not match given column: {} of type: {}"
                .format(first, type(first), column, type(column)))
        if buckets != column._num_buckets:
            # TF's text, typos included.
            raise ValueError(
                "To use shared_embedding_column, all categorical_columns must have the same "
                "number of buckets. ven column: {} with buckets: {} does  not match column: "
                "{} with buckets: {}".format(first, buckets, column, column._num_buckets))
    if not shared_embedding_collection_name:
        shared_embedding_collection_name = "_".join(c.name for c in ordered)
        shared_embedding_collection_name += "_shared_embedding"
    return [_SharedEmbeddingColumn(column, dimension, combiner, initializer,
                                   shared_embedding_collection_name, ckpt_to_load_from,
                                   tensor_name_in_ckpt, max_norm, trainable,
                                   use_safe_embedding_lookup)
            for column in categorical_columns]


# -- crossed columns ------------------------------------------------------------------------------

def _leaf_keys(cross):
    """The keys of a cross with the keys of crosses inside it in their place."""
    keys = []
    for key in cross.keys:
        keys.extend(_leaf_keys(key) if isinstance(key, CrossedColumn) else [key])
    return keys


class CrossedColumn(_CategoricalColumn, collections.namedtuple(
        "CrossedColumn", ["keys", "hash_bucket_size", "hash_key"])):
    """crossed_column: each combination of one value of every key (a raw feature's value, or
    a categorical column's id), hashed into hash_bucket_size ids as TF's SparseCross does."""
    __slots__ = ()

    @property
    def name(self):
        return "_X_".join(sorted(k.name if isinstance(k, _FeatureColumn) else k
                                 for k in _leaf_keys(self)))

    @property
    def _parse_example_spec(self):
        config = {}
        for key in self.keys:
            if isinstance(key, _FeatureColumn):
                config.update(key._parse_example_spec)
            else:
                config[key] = VarLenFeature(dtypes.string)
        return config

    def _transform_feature(self, inputs):
        tensors = []
        for key in _leaf_keys(self):
            if isinstance(key, str):
                tensors.append(inputs.get(key))
                continue
            ids, weights = key._get_sparse_tensors(inputs)
            if weights is not None:
                raise ValueError("crossed_column does not support weight_tensor, but the "
                                 "given column populates weight_tensor. Given column: {}"
                                 .format(key.name))
            tensors.append(ids)
        return sparse_cross_hashed(tensors, num_buckets=self.hash_bucket_size,
                                   hash_key=self.hash_key)

    @property
    def _num_buckets(self):
        return self.hash_bucket_size


def crossed_column(keys, hash_bucket_size, hash_key=None):
    """tf.feature_column.crossed_column: the conjunction of features (raw feature keys, or
    categorical columns other than hashed ones, or other crosses), as ids in
    [0, hash_bucket_size): TF's FingerprintCat64 of the features' fingerprints, the same ids
    as TF's."""
    if not hash_bucket_size or hash_bucket_size < 1:
        raise ValueError("hash_bucket_size must be > 1. hash_bucket_size: {}".format(
            hash_bucket_size))
    if not keys or len(keys) < 2:
        raise ValueError("keys must be a list with length > 1. Given: {}".format(keys))
    for key in keys:
        if not isinstance(key, (str, _CategoricalColumn)):
            raise ValueError("Unsupported key type. All keys must be either string, or "
                             "categorical column except HashedCategoricalColumn. Given: {}"
                             .format(key))
        if isinstance(key, HashedCategoricalColumn):
            raise ValueError(
                "categorical_column_with_hash_bucket is not supported for crossing. Hashing "
                "before crossing will increase probability of collision. Instead, use the "
                "feature name as a string. Given: {}".format(key))
    return CrossedColumn(tuple(keys), hash_bucket_size, hash_key)


# -- input_layer, linear_model, make_parse_example_spec --------------------------------------------

def _model_collections(weight_collections):
    collections_ = list(weight_collections or [])
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES):
        if key not in collections_:
            collections_.append(key)
    return collections_


def _check_batch_sizes(tensors, columns):
    """TF's build-time check: the known first dimensions of the columns' outputs agree."""
    expected, first = None, None
    for tensor, column in zip(tensors, columns):
        dim = tensor.shape.dims[0] if tensor.shape.dims else None
        if dim is None or dim.value is None:
            continue
        if expected is None:
            expected, first = dim, column
        elif not expected.is_compatible_with(dim):
            raise ValueError("Batch size (first dimension) of each feature must be same. "
                             "Batch size of columns ({}, {}): ({}, {})".format(
                                 first.name, column.name, expected, dim))


def _flattened(tensor, column):
    """The column's output as [batch, its number of elements]."""
    return reshape(tensor, (shape(tensor)[0], column._variable_shape.num_elements()))


def _scope_variables(scope_name):
    return get_collection(GraphKeys.GLOBAL_VARIABLES, scope=scope_name)


def input_layer(features, feature_columns, weight_collections=None, trainable=True,
                cols_to_vars=None, cols_to_output_tensors=None):
    """tf.feature_column.input_layer: the dense [batch, sum of sizes] float32 input of the
    dense `feature_columns`, concatenated in the order of their names, built in variable
    scope "input_layer" (a column's variables in input_layer/<column name>/).
    `cols_to_vars` (a dict) receives each column's variables."""
    feature_columns = _normalize_feature_columns(feature_columns)
    for column in feature_columns:
        if not isinstance(column, _DenseColumn):
            raise ValueError("Items of feature_columns must be a _DenseColumn. You can wrap a "
                             "categorical column with an embedding_column or indicator_column. "
                             "Given: {}".format(column))
    weight_collections = _model_collections(weight_collections)
    with variable_scope(None, default_name="input_layer", values=list(features.values())):
        builder = _LazyBuilder(features)
        outputs, ordered = [], sorted(feature_columns, key=lambda c: c.name)
        for column in ordered:
            with variable_scope(None, default_name=column._var_scope_name):
                tensor = column._get_dense_tensor(builder, weight_collections=weight_collections,
                                                  trainable=trainable)
                output = _flattened(tensor, column)
                outputs.append(output)
                if cols_to_vars is not None:
                    cols_to_vars[column] = _scope_variables(get_variable_scope().name)
                if cols_to_output_tensors is not None:
                    cols_to_output_tensors[column] = output
        _check_batch_sizes(outputs, ordered)
        return concat(outputs, 1)


def _weighted_sum(column, builder, units, sparse_combiner, weight_collections, trainable):
    """One column's [batch, units] share of linear_model, with its variable `weights`."""
    if isinstance(column, _CategoricalColumn):
        pair = column._get_sparse_tensors(builder, weight_collections=weight_collections,
                                          trainable=trainable)
        ids, weights = pair
        ids = sparse_reshape(ids, stack([ids.dense_shape[0], -1]))
        if weights is not None:
            weights = sparse_reshape(weights, stack([weights.dense_shape[0], -1]))
        weight = get_variable("weights", shape=(column._num_buckets, units),
                              initializer=zeros_initializer(), trainable=trainable,
                              collections=weight_collections)
        return safe_embedding_lookup_sparse(weight, ids, sparse_weights=weights,
                                            combiner=sparse_combiner, name="weighted_sum")
    tensor = column._get_dense_tensor(builder, weight_collections=weight_collections,
                                      trainable=trainable)
    num_elements = column._variable_shape.num_elements()
    weight = get_variable("weights", shape=[num_elements, units],
                          initializer=zeros_initializer(), trainable=trainable,
                          collections=weight_collections)
    return matmul(_flattened(tensor, column), weight, name="weighted_sum")


def linear_model(features, feature_columns, units=1, sparse_combiner="sum",
                 weight_collections=None, trainable=True, cols_to_vars=None):
    """tf.feature_column.linear_model: the [batch, units] float32 predictions sum over the
    columns (in the order of their names) of input x weights, plus a bias: a dense column's
    values times its variable linear_model/<name>/weights, a categorical column's weights
    rows of its ids combined by `sparse_combiner` ("sum", "mean" or "sqrtn"), and
    linear_model/bias_weights. All start at zero. `cols_to_vars` receives each column's
    variables and "bias"."""
    # TF's linear_model is a layer named after a first "linear_model" variable scope; its
    # call opens the next name scope of that name and the variable scope again inside it:
    # variables linear_model/..., ops linear_model_1/linear_model/...
    with variable_scope(None, default_name="linear_model") as scope:
        model_name = scope.name.rsplit("/", 1)[-1]
    with name_scope(model_name), variable_scope(model_name):
        return linear_model_in_scope(features, feature_columns, units, sparse_combiner,
                                     weight_collections, trainable, cols_to_vars)


def linear_model_in_scope(features, feature_columns, units=1, sparse_combiner="sum",
                          weight_collections=None, trainable=True, cols_to_vars=None):
    """linear_model's sum built in the current variable scope and name scope (its variables
    <scope>/<column name>/weights and <scope>/bias_weights), for callers that name the
    model's scopes as their TF counterpart does (the canned linear estimators)."""
    feature_columns = _normalize_feature_columns(feature_columns)
    for column in feature_columns:
        if not isinstance(column, (_DenseColumn, _CategoricalColumn)):
            raise ValueError("Items of feature_columns must be either a _DenseColumn or "
                             "_CategoricalColumn. Given: {}".format(column))
    weight_collections = _model_collections(weight_collections)
    builder = _LazyBuilder(features)
    sums, ordered = [], sorted(feature_columns, key=lambda c: c.name)
    found = {}
    for column in ordered:
        with variable_scope(None, default_name=column._var_scope_name) as scope:
            sums.append(_weighted_sum(column, builder, units, sparse_combiner,
                                      weight_collections, trainable))
            found[column] = _scope_variables(scope.name + "/")
    _check_batch_sizes(sums, ordered)
    no_bias = add_n(sums, name="weighted_sum_no_bias")
    bias = get_variable("bias_weights", shape=[units], initializer=zeros_initializer(),
                        trainable=trainable, collections=weight_collections)
    predictions = bias_add(no_bias, bias, name="weighted_sum")
    if cols_to_vars is not None:
        cols_to_vars.update(found)
        cols_to_vars["bias"] = [bias]
    return predictions


def make_parse_example_spec(feature_columns):
    """tf.feature_column.make_parse_example_spec: the features dict for tf.parse_example
    that the columns read ({key: FixedLenFeature or VarLenFeature}); a key two columns parse
    differently is a ValueError."""
    result = {}
    for column in feature_columns:
        if not isinstance(column, _FeatureColumn):
            raise ValueError("All feature_columns must be _FeatureColumn instances. "
                             "Given: {}".format(column))
        config = column._parse_example_spec
        for key, value in config.items():
            if key in result and value != result[key]:
                raise ValueError("feature_columns contain different parse_spec for key {}. "
                                 "Given {} and {}".format(key, value, result[key]))
        result.update(config)
    return result
