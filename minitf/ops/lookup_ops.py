"""TF1's lookup tables (tf.lookup, tf.contrib.lookup): a table is a session resource made by a
HashTableV2 / MutableHashTableV2 op, filled by an initializer op that tf.tables_initializer
runs (GraphKeys.TABLE_INITIALIZERS), and read by LookupTableFindV2 and friends.

The ops that use a table take its handle as an ordinary input whose value is the table itself
(ResourceOp's handle kernel returns it). So a table read inside a tf.cond branch, a
tf.while_loop body or a tf.data map function is the session's table: the captured handle's
value is passed in like any other captured tensor, and no function state has its own copy."""

import threading

import numpy

from minitf import dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.framework.deprecation import deprecated
from minitf.framework.func_graph import lifted
from minitf.framework.graph import GraphKeys, get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.resources import ResourceOp
from minitf.framework.shapes import TensorShape
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["tables_initializer", "initialize_all_tables"]


# -- the table in a session -----------------------------------------------------------------------

def _key(value):
    """A key or value element as a hashable Python value (strings as bytes)."""
    if isinstance(value, str):
        return value.encode()
    return value


def _text(value):
    """A key or value as TF's messages print it."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float):
        return "%g" % value
    return str(value)


class Table:
    """One table's contents in one session. A static table (HashTableV2) starts uninitialized
    and is filled once by its initializer; a mutable one starts empty and takes inserts."""

    def __init__(self, op):
        self.mutable = op.type != "HashTableV2"
        self.key_dtype = op.opdef.key_dtype
        self.value_dtype = op.opdef.value_dtype
        self.value_shape = tuple(getattr(op.opdef, "value_shape", TensorShape([])).as_list())
        self.data = {}
        self.initialized = self.mutable
        self.lock = threading.Lock()

    def check_initialized(self, op):
        if not self.initialized:
            raise errors.FailedPreconditionError(None, op, "Table not initialized.")

    def initialize(self, op, pairs):
        """A static table's initializer: fills it with `pairs` (key, value); a key given two
        different values is an error. Run again it does nothing: the table keeps what it
        has, whatever the entries now are (TF's behaviour)."""
        with self.lock:
            if self.initialized:
                return
            data = {}
            for k, v in pairs:
                old = data.setdefault(k, v)
                if old != v:
                    raise errors.FailedPreconditionError(
                        None, op, "HashTable has different value for same key. Key %s has %s "
                        "and trying to add value %s" % (_text(k), _text(old), _text(v)))
            self.data = data
            self.initialized = True

    def find(self, op, keys, default):
        self.check_initialized(op)
        flat = [_key(k) for k in keys.reshape(-1).tolist()]
        dtype = self.value_dtype.as_numpy_dtype
        if not self.value_shape:
            default = _key(default.item())
            with self.lock:
                found = [self.data.get(k, default) for k in flat]
            out = numpy.empty(len(found), dtype=dtype)
            out[:] = found
            return out.reshape(keys.shape)
        with self.lock:
            found = [self.data.get(k) for k in flat]
        out = numpy.empty((len(found),) + self.value_shape, dtype=dtype)
        for i, v in enumerate(found):
            out[i] = default if v is None else v
        return out.reshape(keys.shape + self.value_shape)

    def insert(self, keys, values):
        flat_keys = [_key(k) for k in keys.reshape(-1).tolist()]
        rows = values.reshape((len(flat_keys),) + self.value_shape)
        with self.lock:
            for k, v in zip(flat_keys, rows):
                self.data[k] = _key(v.item()) if not self.value_shape else v.copy()

    def export(self):
        with self.lock:
            items = list(self.data.items())
        keys = numpy.empty(len(items), dtype=self.key_dtype.as_numpy_dtype)
        keys[:] = [k for k, _ in items]
        values = numpy.empty((len(items),) + self.value_shape,
                             dtype=self.value_dtype.as_numpy_dtype)
        for i, (_, v) in enumerate(items):
            values[i] = v
        return keys, values


def _table(handle):
    """The Table a handle value (a 0-d object array) holds."""
    return handle.item() if isinstance(handle, numpy.ndarray) else handle


# -- ops -------------------------------------------------------------------------------------------

class _TableOp(ResourceOp):
    """A table's handle: the table itself is made in each session on first use."""

    tf_signature = TFSignature(type_attrs=())
    container: str = ""
    shared_name: str = ""
    use_node_name_sharing: bool = False
    key_dtype: dtypes.DType = dtypes.string
    value_dtype: dtypes.DType = dtypes.int64

    def create(self, ctx, op):
        return Table(op)


@register
class HashTableV2(_TableOp):
    pass


@register
class MutableHashTableV2(_TableOp):
    pass


@register
class MutableHashTableOfTensorsV2(_TableOp):
    value_shape: TensorShape = TensorShape([])


class _TableUse(OpDef):
    """An op on the table whose handle is input 0 (its value is the session's Table)."""

    stateful = True
    differentiable = False
    host_only = True

    def bind(self, ctx, op):
        run = self.run
        # (a loop body's plan may pass a constant input as a Python scalar)
        return lambda handle, *values: run(op, _table(handle), *map(numpy.asarray, values))


def _check_handle(handle, op_type):
    if handle.dtype is not dtypes.resource:
        raise TypeError("%s: input 'table_handle' must be a table's resource handle, got a %s "
                        "tensor" % (op_type, handle.dtype.name))


@register
class LookupTableFindV2(_TableUse):
    """The value of each key, or `default_value` for keys not in the table."""

    tf_signature = TFSignature(type_attrs=(("Tin", 1), ("Tout", 2)))

    def infer(self, handle, keys, default_value):
        _check_handle(handle, "LookupTableFindV2")
        shape = keys.shape
        if default_value.shape.ndims:  # a table of tensors: each key's value has this shape
            shape = shape.concatenate(default_value.shape)
        return TensorSpec(shape, default_value.dtype)

    def run(self, op, table, keys, default_value):
        return table.find(op, keys, default_value)


@register
class LookupTableImportV2(_TableUse):
    """Fills a static table (its initializer: the keys given two values are an error) or
    replaces a mutable table's contents (a Saver's restore)."""

    tf_signature = TFSignature(type_attrs=(("Tin", 1), ("Tout", 2)))

    def infer(self, handle, keys, values):
        _check_handle(handle, "LookupTableImportV2")
        return []

    def run(self, op, table, keys, values):
        if values.size != keys.size * int(numpy.prod(table.value_shape)):
            raise errors.InvalidArgumentError(
                None, op, "Expected shape %s for value, got %s"
                % (list(keys.shape) + list(table.value_shape), list(values.shape)))
        if table.mutable:
            with table.lock:
                table.data = {}
            table.insert(keys, values)
            return
        flat = [_key(v) for v in values.reshape(-1).tolist()]
        table.initialize(op, list(zip([_key(k) for k in keys.reshape(-1).tolist()], flat)))


@register
class LookupTableInsertV2(_TableUse):
    """Adds or replaces entries of a mutable table."""

    tf_signature = TFSignature(type_attrs=(("Tin", 1), ("Tout", 2)))

    def infer(self, handle, keys, values):
        _check_handle(handle, "LookupTableInsertV2")
        return []

    def run(self, op, table, keys, values):
        if not table.mutable:
            raise errors.UnimplementedError(None, op, "Insert not supported by this table.")
        if values.shape != keys.shape + table.value_shape:
            raise errors.InvalidArgumentError(
                None, op, "Expected shape %s for value, got %s"
                % (list(keys.shape) + list(table.value_shape), list(values.shape)))
        table.insert(keys, values)


@register
class LookupTableRemoveV2(_TableUse):
    tf_signature = TFSignature(type_attrs=(("Tin", 1),))

    def infer(self, handle, keys):
        _check_handle(handle, "LookupTableRemoveV2")
        return []

    def run(self, op, table, keys):
        if not table.mutable:
            raise errors.UnimplementedError(None, op, "Remove not supported by this table.")
        with table.lock:
            for k in keys.reshape(-1).tolist():
                table.data.pop(_key(k), None)


@register
class LookupTableSizeV2(_TableUse):
    tf_signature = TFSignature(type_attrs=())

    def infer(self, handle):
        _check_handle(handle, "LookupTableSizeV2")
        return TensorSpec(TensorShape([]), dtypes.int64)

    def run(self, op, table):
        return numpy.int64(len(table.data))  # (0 before initialization, as in TF)


@register
class LookupTableExportV2(_TableUse):
    """All keys and values of the table (in the table's order: unspecified, as in TF)."""

    tf_signature = TFSignature(type_attrs=(), implied=("value_shape", TensorShape([])))
    Tkeys: dtypes.DType = dtypes.string
    Tvalues: dtypes.DType = dtypes.int64
    value_shape: TensorShape = TensorShape([])  # (from the table: not an attr of TF's op)

    def infer(self, handle):
        _check_handle(handle, "LookupTableExportV2")
        return [TensorSpec(TensorShape([None]), self.Tkeys),
                TensorSpec(TensorShape([None]).concatenate(self.value_shape), self.Tvalues)]

    def run(self, op, table):
        table.check_initialized(op)
        return table.export()


@register
class InitializeTableFromTextFileV2(_TableUse):
    """Fills a static table from a text file: per line, the key and the value are a column
    (split at `delimiter`), the whole line (-2) or the line number (-1)."""

    tf_signature = TFSignature(type_attrs=())
    key_index: int = -2
    value_index: int = -1
    vocab_size: int = -1
    delimiter: str = "\t"

    def infer(self, handle, filename):
        _check_handle(handle, "InitializeTableFromTextFileV2")
        if filename.dtype is not dtypes.string or filename.shape.ndims not in (None, 0):
            raise ValueError("InitializeTableFromTextFileV2: filename must be a string scalar, "
                             "got a %s %s" % (filename.dtype.name, filename.shape))
        return []

    def run(self, op, table, filename):
        name = filename.item()
        name = name.decode() if isinstance(name, bytes) else name
        table.initialize(op, list(self._pairs(op, table, name)))

    def _pairs(self, op, table, name):
        try:
            with open(name, "rb") as f:
                lines = f.read().split(b"\n")
        except FileNotFoundError:
            raise errors.NotFoundError(None, op, "%s; No such file or directory" % name) from None
        if lines and lines[-1] == b"":
            lines.pop()
        if 0 < self.vocab_size < len(lines):
            lines = lines[:self.vocab_size]
        if self.vocab_size > 0 and len(lines) < self.vocab_size:
            raise errors.InvalidArgumentError(
                None, op, "Invalid vocab_size in %s: expected %d but got %d"
                % (name, self.vocab_size, len(lines)))
        need = max(self.key_index, self.value_index) + 1
        for number, line in enumerate(lines):
            line = line[:-1] if line.endswith(b"\r") else line
            columns = line.split(self.delimiter.encode()) if need > 0 else None
            if need > 0 and len(columns) < need:
                raise errors.InvalidArgumentError(
                    None, op, "Invalid number of columns in %s line %d (%s) : expected at least "
                    "%d got %d" % (name, number, line.decode("utf-8", "replace"), need,
                                   len(columns)))
            yield (self._field(op, line, columns, number, self.key_index, table.key_dtype),
                   self._field(op, line, columns, number, self.value_index, table.value_dtype))

    @staticmethod
    def _field(op, line, columns, number, index, dtype):
        if index == -1:
            return number
        text = line if index == -2 else columns[index]
        if dtype is dtypes.string:
            return text
        try:
            value = (int if dtype.is_integer else float)(text)
        except ValueError:
            value = None
        if value is None or (dtype.is_integer and not dtype.min <= value <= dtype.max):
            raise errors.InvalidArgumentError(
                None, op, "Field %s in line %d is not a valid %s."
                % (text.decode("utf-8", "replace"), number, dtype.name))
        return value


def _create(opdef, inputs, name):
    return get_default_graph().create_op(opdef, list(inputs), name=name, device=HOST_DEVICE)


# -- initializers ----------------------------------------------------------------------------------

class _Typed:
    """Key and value dtypes (a table's, or its initializer's)."""

    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = dtypes.as_dtype(key_dtype)
        self._value_dtype = dtypes.as_dtype(value_dtype)

    @property
    def key_dtype(self):
        return self._key_dtype

    @property
    def value_dtype(self):
        return self._value_dtype


class TableInitializerBase(_Typed):
    """What a table's initializer is: its key and value dtypes and `initialize(table)`, which
    adds the op that fills the table to GraphKeys.TABLE_INITIALIZERS and returns it."""

    def initialize(self, table):
        raise NotImplementedError


def _check_table_dtypes(table, key_dtype, value_dtype):
    if key_dtype is not table.key_dtype:
        raise TypeError("Invalid key dtype, expected %s but got %s." % (table.key_dtype, key_dtype))
    if value_dtype is not table.value_dtype:
        raise TypeError("Invalid value dtype, expected %s but got %s."
                        % (table.value_dtype, value_dtype))


class KeyValueTensorInitializer(TableInitializerBase):
    """tf.lookup.KeyValueTensorInitializer(keys, values, key_dtype=None, value_dtype=None,
    name=None): the table maps keys[i] to values[i] (a key given two values fails at run)."""

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        with lifted():
            self._keys = convert_to_tensor(keys, dtype=key_dtype, name="keys")
            self._values = convert_to_tensor(values, dtype=value_dtype, name="values")
        self._name = name if name is not None else "key_value_init"
        super().__init__(self._keys.dtype, self._values.dtype)

    def initialize(self, table):
        _check_table_dtypes(table, self._keys.dtype, self._values.dtype)
        with name_scope(self._name, values=[table.resource_handle, self._keys,
                                            self._values]):
            op = _create(LookupTableImportV2(), [table.resource_handle, self._keys,
                                                 self._values], "LookupTableImportV2")
        get_default_graph().add_to_collection(GraphKeys.TABLE_INITIALIZERS, op)
        return op


class TextFileIndex:
    """tf.lookup.TextFileIndex: the column numbers that stand for the whole line and the line
    number in a TextFileInitializer."""

    WHOLE_LINE = -2
    LINE_NUMBER = -1


class TextFileInitializer(TableInitializerBase):
    """tf.lookup.TextFileInitializer(filename, key_dtype, key_index, value_dtype, value_index,
    vocab_size=None, delimiter='\\t', name=None): keys and values from the lines of a text
    file (a column, TextFileIndex.WHOLE_LINE or TextFileIndex.LINE_NUMBER each)."""

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index,
                 vocab_size=None, delimiter="\t", name=None):
        if not isinstance(filename, Tensor) and not filename:
            raise ValueError("Filename required for %s." % (name,))
        key_dtype, value_dtype = dtypes.as_dtype(key_dtype), dtypes.as_dtype(value_dtype)
        if key_index < -2:
            raise ValueError("Invalid key index %s." % key_index)
        if key_index == TextFileIndex.LINE_NUMBER and key_dtype is not dtypes.int64:
            raise ValueError("`key_dtype` must be int64 if `key_index` is -1, received: %s"
                             % key_dtype)
        if key_index == TextFileIndex.WHOLE_LINE and not (key_dtype.is_integer
                                                          or key_dtype is dtypes.string):
            raise ValueError("Signature mismatch. Keys must be integer or string, got %s."
                             % key_dtype)
        if value_index < -2:
            raise ValueError("Invalid value index %s." % value_index)
        if value_index == TextFileIndex.LINE_NUMBER and value_dtype is not dtypes.int64:
            raise ValueError("`value_dtype` must be int64 if `value_index` is -1, received: %s"
                             % value_dtype)
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError("`vocab_size` should be > 0, received: %s" % vocab_size)
        self._key_index = key_index
        self._value_index = value_index
        self._vocab_size = vocab_size
        self._delimiter = delimiter
        self._name = name
        with lifted():
            self._filename = convert_to_tensor(filename, dtype=dtypes.string, name="asset_path")
        super().__init__(key_dtype, value_dtype)

    def initialize(self, table):
        _check_table_dtypes(table, self.key_dtype, self.value_dtype)
        with name_scope(self._name, "text_file_init", [table.resource_handle]):
            op = _create(InitializeTableFromTextFileV2(
                self._key_index, self._value_index, -1 if self._vocab_size is None
                else int(self._vocab_size), self._delimiter),
                [table.resource_handle, self._filename], "InitializeTableFromTextFileV2")
        graph = get_default_graph()
        graph.add_to_collection(GraphKeys.TABLE_INITIALIZERS, op)
        if self._filename.op.type == "Const":
            graph.add_to_collection(GraphKeys.ASSET_FILEPATHS, self._filename)
        return op


# -- tables ----------------------------------------------------------------------------------------

class LookupInterface(_Typed):
    """What every table has: key and value dtypes, a name, size() and lookup(keys)."""

    @property
    def name(self):
        return self._table_name

    def _check_keys(self, keys):
        if keys.dtype.base_dtype is not self._key_dtype:
            raise TypeError("Dtype of argument `keys` must be %s, received: %s"
                            % (self._key_dtype, keys.dtype))

    @property
    def resource_handle(self):
        return self._resource_handle

    @property
    def default_value(self):
        return self._default_value

    def size(self, name=None):
        """The number of entries (an int64 scalar)."""
        with name_scope(name, "%s_Size" % self.name, [self._resource_handle]):
            return _create(LookupTableSizeV2(), [self._resource_handle],
                           "LookupTableSizeV2").outputs[0]


def _key_values(keys):
    """(the keys' values tensor, a function that puts looked-up values back in keys' form)."""
    if isinstance(keys, SparseTensor):
        return keys.values, lambda v: SparseTensor(keys.indices, v, keys.dense_shape)
    return convert_to_tensor(keys), lambda v: v


class StaticHashTable(LookupInterface):
    """tf.lookup.StaticHashTable(initializer, default_value, name=None) (tf.contrib.lookup's
    HashTable): an immutable table, filled by tf.tables_initializer() running its initializer."""

    def __init__(self, initializer, default_value, name=None):
        super().__init__(initializer.key_dtype, initializer.value_dtype)
        self._initializer = initializer
        self._default_value = convert_to_tensor(default_value, dtype=self._value_dtype)
        if self._default_value.shape.ndims not in (None, 0):
            raise ValueError("Shapes must be equal rank, but are %d and 0"
                             % self._default_value.shape.ndims)
        with lifted():
            self._resource_handle = _create(
                HashTableV2(key_dtype=self._key_dtype, value_dtype=self._value_dtype), [],
                name or "hash_table").outputs[0]
            self._table_name = self._resource_handle.op.name.split("/")[-1]
            self._init_op = initializer.initialize(self)

    @property
    def initializer(self):
        return self._init_op

    def lookup(self, keys, name=None):
        """Each key's value, default_value where the table has none (keys' shape; a
        SparseTensor of keys gives one of values)."""
        key_tensor, repack = _key_values(keys)
        self._check_keys(key_tensor)
        with name_scope(name, "%s_Lookup" % self.name,
                        [self._resource_handle, key_tensor, self._default_value]):
            values = _create(LookupTableFindV2(), [self._resource_handle, key_tensor,
                                                   self._default_value], "LookupTableFindV2").outputs[0]
        return repack(values)


def _as_string(keys):
    from minitf.ops.string_ops import as_string
    return keys if keys.dtype is dtypes.string else as_string(keys)


class StaticVocabularyTable(LookupInterface):
    """tf.lookup.StaticVocabularyTable(initializer, num_oov_buckets, lookup_key_dtype=None,
    name=None): ids from the initializer's int64 values; a key it lacks goes to one of
    `num_oov_buckets` extra ids after the table's, size + Fingerprint64(key) % buckets (an
    integer key's decimal text is hashed), as TF chooses."""

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None):
        if num_oov_buckets <= 0:
            raise ValueError("`num_oov_buckets` must be > 0; use StaticHashTable.")
        if name:
            name = name.rstrip("/")
        if initializer is not None:
            if lookup_key_dtype is None:
                lookup_key_dtype = initializer.key_dtype
            lookup_key_dtype = dtypes.as_dtype(lookup_key_dtype)
            if initializer.key_dtype not in (dtypes.int64, dtypes.string):
                raise TypeError("Invalid key dtype, expected one of (tf.int64, tf.string), but "
                                "got %s." % initializer.key_dtype)
            if initializer.key_dtype.is_integer != lookup_key_dtype.is_integer:
                raise TypeError("Invalid key dtype, expected %s but got %s."
                                % ("integer" if lookup_key_dtype.is_integer else "non-integer",
                                   initializer.key_dtype))
            if initializer.value_dtype is not dtypes.int64:
                raise TypeError("Invalid `value_dtype`, expected %s but got %s."
                                % (dtypes.int64, initializer.value_dtype))
            self._table = StaticHashTable(initializer, default_value=-1)
            name = name or self._table.name
        else:
            lookup_key_dtype = dtypes.string
            self._table = None
            name = name or "hash_bucket"
        lookup_key_dtype = dtypes.as_dtype(lookup_key_dtype)
        if not lookup_key_dtype.is_integer and lookup_key_dtype is not dtypes.string:
            raise TypeError("Invalid key_dtype, expected integer or string, got %s."
                            % lookup_key_dtype)
        self._num_oov_buckets = num_oov_buckets
        self._table_name = name.split("/")[-1]
        super().__init__(lookup_key_dtype, dtypes.int64)

    @property
    def resource_handle(self):
        return self._table.resource_handle if self._table is not None else None

    @property
    def initializer(self):
        from minitf.ops.control_ops import no_op
        return self._table.initializer if self._table is not None else no_op()

    def size(self, name=None):
        """The table's size plus the number of OOV buckets (int64)."""
        with name_scope(name, "%s_Size" % self.name):
            if self._table is None:
                return convert_to_tensor(self._num_oov_buckets, dtype=dtypes.int64)
            return self._table.size() + self._num_oov_buckets

    def lookup(self, keys, name=None):
        """Each key's id: its table value, or a hash bucket after the table's ids."""
        from minitf.ops.core import cast
        from minitf.ops.elementwise import add, not_equal, where_v2
        from minitf.ops.string_ops import string_to_hash_bucket_fast
        values, repack = _key_values(keys)
        if values.dtype not in (dtypes.int32, dtypes.int64, dtypes.string):
            raise TypeError("Dtype of argument `keys` must be one of %s, received: %s"
                            % ("[int32, int64, string]", values.dtype))
        if self._table is not None and self._table.key_dtype is dtypes.int64:
            values = cast(values, dtypes.int64)
        with name_scope(name, "%s_Lookup" % self.name):
            buckets = string_to_hash_bucket_fast(_as_string(values), self._num_oov_buckets,
                                                 name="hash_bucket")
            if self._table is None:
                return repack(buckets)
            ids = self._table.lookup(values)
            buckets = add(buckets, self._table.size())
            ids = where_v2(not_equal(ids, self._table.default_value), ids, buckets)
        return repack(ids)


class IdTableWithHashBuckets(StaticVocabularyTable):
    """tf.contrib.lookup.IdTableWithHashBuckets(table, num_oov_buckets, hasher_spec=..., name=None,
    key_dtype=None): `table`'s ids, and hash buckets after them for the keys it lacks (its
    default value)."""

    def __init__(self, table, num_oov_buckets, hasher_spec=None, name=None, key_dtype=None):
        if hasher_spec not in (None, FastHashSpec):
            raise NotImplementedError("minitf's IdTableWithHashBuckets hashes with FastHashSpec "
                                      "(Fingerprint64) only")
        if num_oov_buckets < 0:
            raise ValueError("oov_buckets must be >= 0.")
        if table is not None:
            key_dtype = dtypes.as_dtype(key_dtype or table.key_dtype)
            if table.key_dtype.is_integer != key_dtype.is_integer:
                raise TypeError("Invalid key dtype, expected %s but got %s."
                                % ("integer" if key_dtype.is_integer else "non-integer",
                                   table.key_dtype))
            if table.value_dtype is not dtypes.int64:
                raise TypeError("Invalid value dtype, expected %s but got %s."
                                % (dtypes.int64, table.value_dtype))
            name = name or table.name
        else:
            key_dtype = dtypes.as_dtype(key_dtype or dtypes.string)
            name = name or "hash_bucket"
        self._table = table
        self._num_oov_buckets = num_oov_buckets
        self._table_name = name.split("/")[-1]
        LookupInterface.__init__(self, key_dtype, dtypes.int64)


FastHashSpec = "FastHashSpec"  # tf.contrib.lookup.FastHashSpec: Fingerprint64 buckets


class MutableHashTable(LookupInterface):
    """tf.contrib.lookup.MutableHashTable(key_dtype, value_dtype, default_value,
    name='MutableHashTable', checkpoint=True): a table filled by insert(); with checkpoint,
    tf.train.Saver saves and restores its contents ('<name>-keys', '<name>-values')."""

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable",
                 checkpoint=True):
        super().__init__(key_dtype, value_dtype)
        self._default_value = convert_to_tensor(default_value, dtype=self._value_dtype)
        self._value_shape = self._default_value.shape
        self._checkpoint = checkpoint
        with lifted():
            kind = dict(key_dtype=self._key_dtype, value_dtype=self._value_dtype,
                        use_node_name_sharing=bool(checkpoint))
            opdef = (MutableHashTableV2(**kind) if self._value_shape.ndims == 0
                     else MutableHashTableOfTensorsV2(value_shape=self._value_shape, **kind))
            self._resource_handle = _create(opdef, [], name).outputs[0]
        self._table_name = self._resource_handle.op.name.split("/")[-1]
        if checkpoint:
            get_default_graph().add_to_collection(GraphKeys.SAVEABLE_OBJECTS,
                                                  _TableSaveable(self, name))


    def lookup(self, keys, dynamic_default_value=None, name=None):
        """Each key's value, the default value where it has none."""
        default = self._default_value if dynamic_default_value is None else \
            convert_to_tensor(dynamic_default_value, dtype=self._value_dtype)
        with name_scope(name, "%s_lookup_table_find" % self.name,
                        [self._resource_handle, keys, default]):
            keys = convert_to_tensor(keys, dtype=self._key_dtype, name="keys")
            return _create(LookupTableFindV2(), [self._resource_handle, keys, default], "LookupTableFindV2").outputs[0]

    def insert(self, keys, values, name=None):
        """Adds or replaces the entries keys[i] -> values[i]; returns the op."""
        with name_scope(name, "%s_lookup_table_insert" % self.name,
                        [self._resource_handle, keys, values]):
            keys = convert_to_tensor(keys, dtype=self._key_dtype, name="keys")
            values = convert_to_tensor(values, dtype=self._value_dtype, name="values")
            return _create(LookupTableInsertV2(), [self._resource_handle, keys, values], "LookupTableInsertV2")

    def remove(self, keys, name=None):
        """Removes the keys (absent keys are ignored); returns the op."""
        if keys.dtype is not self._key_dtype:
            raise TypeError("Signature mismatch. Keys must be dtype %s, got %s."
                            % (self._key_dtype, keys.dtype))
        with name_scope(name, "%s_lookup_table_remove" % self.name,
                        [self._resource_handle, keys]):
            return _create(LookupTableRemoveV2(), [self._resource_handle, keys], "LookupTableRemoveV2")

    def export(self, name=None):
        """(keys, values): all entries, in the table's own order."""
        with name_scope(name, "%s_lookup_table_export_values" % self.name,
                        [self._resource_handle]):
            op = _create(LookupTableExportV2(self._key_dtype, self._value_dtype,
                                             self._value_shape), [self._resource_handle], "LookupTableExportV2")
            return op.outputs[0], op.outputs[1]


class _TableSaveable:
    """What tf.train.Saver saves of a mutable table: its exported keys and values under
    '<name>-keys' and '<name>-values'; restoring imports them (replacing the contents)."""

    def __init__(self, table, name):
        self.table = table
        self.name = name
        keys, values = table.export()
        self.specs = [(name + "-keys", keys), (name + "-values", values)]

    def restore(self, restored_tensors):
        with name_scope("%s_table_restore" % self.name):
            return _create(LookupTableImportV2(), [self.table.resource_handle]
                           + list(restored_tensors), "LookupTableImportV2")


# -- tf.contrib.lookup's helpers ------------------------------------------------------------------

def index_table_from_file(vocabulary_file=None, num_oov_buckets=0, vocab_size=None,
                          default_value=-1, hasher_spec=FastHashSpec, key_dtype=dtypes.string,
                          name=None, key_column_index=TextFileIndex.WHOLE_LINE,
                          value_column_index=TextFileIndex.LINE_NUMBER, delimiter="\t"):
    """tf.contrib.lookup.index_table_from_file: each key's line number in a vocabulary file
    (or the columns given), `default_value` or one of `num_oov_buckets` hash buckets for the
    others."""
    if vocabulary_file is None or (isinstance(vocabulary_file, str) and not vocabulary_file):
        raise ValueError("`vocabulary_file` must be specified and must not be empty.")
    if num_oov_buckets < 0:
        raise ValueError("num_oov_buckets must be greater or equal than 0, got %d."
                         % num_oov_buckets)
    if vocab_size is not None and vocab_size < 1:
        raise ValueError("`vocab_size` must be greater than 0, got %d for vocabulary_file: %s."
                         % (vocab_size, vocabulary_file))
    key_dtype = dtypes.as_dtype(key_dtype)
    if not key_dtype.is_integer and key_dtype is not dtypes.string:
        raise TypeError("Only integer and string keys are supported.")
    with name_scope(name, "string_to_index"):
        with name_scope(None, "hash_table"):
            init = TextFileInitializer(
                vocabulary_file, dtypes.int64 if key_dtype.is_integer else key_dtype,
                key_column_index, dtypes.int64, value_column_index, vocab_size=vocab_size,
                delimiter=delimiter, name="table_init")
            table = StaticHashTable(init, default_value)
        if num_oov_buckets:
            table = IdTableWithHashBuckets(table, num_oov_buckets, hasher_spec,
                                           key_dtype=key_dtype)
        return table


def index_table_from_tensor(vocabulary_list, num_oov_buckets=0, default_value=-1,
                            hasher_spec=FastHashSpec, dtype=dtypes.string, name=None):
    """tf.contrib.lookup.index_table_from_tensor: each key's position in `vocabulary_list`,
    `default_value` or one of `num_oov_buckets` hash buckets for the others."""
    from minitf.ops.core import cast
    from minitf.ops.ranges import range as range_
    from minitf.ops.shape_ops import size
    if vocabulary_list is None:
        raise ValueError("vocabulary_list must be specified.")
    if num_oov_buckets < 0:
        raise ValueError("num_oov_buckets must be greater or equal than 0, got %d."
                         % num_oov_buckets)
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_integer and dtype is not dtypes.string:
        raise TypeError("Only integer and string keys are supported.")
    with name_scope(name, "string_to_index"):
        keys = convert_to_tensor(vocabulary_list)
        if keys.dtype.is_integer != dtype.is_integer:
            raise ValueError("Expected %s, got %s." % ("integer" if dtype.is_integer
                                                       else "non-integer", keys.dtype))
        if not dtype.is_integer and keys.dtype is not dtype:
            raise ValueError("Expected %s, got %s." % (dtype, keys.dtype))
        values = cast(range_(size(keys)), dtypes.int64)
        with name_scope(None, "hash_table"):
            table_keys = cast(keys, dtypes.int64) if keys.dtype.is_integer and \
                keys.dtype is not dtypes.int64 else keys
            init = KeyValueTensorInitializer(table_keys, values, table_keys.dtype, dtypes.int64,
                                             name="table_init")
            table = StaticHashTable(init, default_value)
        if num_oov_buckets:
            table = IdTableWithHashBuckets(table, num_oov_buckets, hasher_spec, key_dtype=dtype)
        return table


def index_to_string_table_from_file(vocabulary_file, vocab_size=None, default_value="UNK",
                                    name=None, key_column_index=TextFileIndex.LINE_NUMBER,
                                    value_column_index=TextFileIndex.WHOLE_LINE, delimiter="\t"):
    """tf.contrib.lookup.index_to_string_table_from_file: int64 ids to the lines of a
    vocabulary file (or the columns given), `default_value` for other ids."""
    if vocabulary_file is None or (isinstance(vocabulary_file, str) and not vocabulary_file):
        raise ValueError("vocabulary_file must be specified and must not be empty.")
    if vocab_size is not None and vocab_size < 1:
        raise ValueError("vocab_size must be greater than 0, got %d." % vocab_size)
    with name_scope(name, "index_to_string"):
        init = TextFileInitializer(vocabulary_file, dtypes.int64, key_column_index,
                                   dtypes.string, value_column_index, vocab_size=vocab_size,
                                   delimiter=delimiter, name="table_init")
        return StaticHashTable(init, default_value)


def index_to_string_table_from_tensor(vocabulary_list, default_value="UNK", name=None):
    """tf.contrib.lookup.index_to_string_table_from_tensor: int64 ids to the strings of
    `vocabulary_list`, `default_value` for other ids."""
    from minitf.ops.core import cast
    from minitf.ops.ranges import range as range_
    from minitf.ops.shape_ops import size
    if vocabulary_list is None:
        raise ValueError("vocabulary_list must be specified.")
    with name_scope(name, "index_to_string"):
        vocabulary_list = convert_to_tensor(vocabulary_list, dtype=dtypes.string)
        keys = cast(range_(size(vocabulary_list)), dtypes.int64)
        init = KeyValueTensorInitializer(keys, vocabulary_list, dtypes.int64, dtypes.string,
                                         name="table_init")
        return StaticHashTable(init, default_value)


# -- tf.tables_initializer ------------------------------------------------------------------------

def tables_initializer(name="init_all_tables"):
    """tf.tables_initializer: one op running every table initializer of the graph
    (GraphKeys.TABLE_INITIALIZERS); a no_op when there are none."""
    from minitf.ops.control_ops import group, no_op
    initializers = get_default_graph().get_collection(GraphKeys.TABLE_INITIALIZERS)
    if initializers:
        return group(*initializers, name=name)
    return no_op(name=name)


@deprecated(None, "Use `tf.tables_initializer` instead.")
def initialize_all_tables(name="init_all_tables"):
    """tf.initialize_all_tables: TF1's deprecated name of tf.tables_initializer."""
    return tables_initializer(name)
