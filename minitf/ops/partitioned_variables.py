"""Partitioned variables: one variable stored as parts along one axis (`w/part_0`,
`w/part_1`...), made by tf.get_variable(..., partitioner=) or tf.create_partitioned_variables;
the partitioners that choose the number of parts; and the PartitionedVariable standing for the
whole (concatenated when used as a tensor, looked up part by part by embedding_lookup, saved
under one checkpoint key in slices)."""

import collections.abc
import math

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.shapes import TensorShape, as_shape
from minitf.ops.core import identity
from minitf.ops.join_split import concat, split

__all__ = ["fixed_size_partitioner", "variable_axis_size_partitioner",
           "min_max_variable_partitioner", "create_partitioned_variables"]


class PartitionInfo:
    """What a part's initializer is told (TF's _PartitionInfo): the full variable's shape and
    the part's offset in it (variance-scaling initializers take their fans from the full
    shape)."""

    def __init__(self, full_shape, var_offset):
        self.full_shape = list(full_shape)
        self.var_offset = list(var_offset)

    def single_offset(self, shape):
        """The offset along the one axis the variable is split on."""
        return self.var_offset[self.single_slice_dim(shape)]

    def single_slice_dim(self, shape):
        """The axis the variable is split on: where a part's shape differs from the full one
        (0 when none does)."""
        for i, (part, full) in enumerate(zip(shape, self.full_shape)):
            if part != full or self.var_offset[i]:
                return i
        return 0


class PartitionedVariable:
    """A variable stored as parts (tf.Variables whose SaveSliceInfo places them in the whole),
    sorted by offset. Iterating gives the parts; converting it to a tensor concatenates them
    (ops `name/ConcatPartitions/concat` and an Identity called `name`), as TF's does."""

    def __init__(self, name, shape, dtype, variable_list, partitions):
        if not variable_list:
            raise ValueError("variable_list may not be empty")
        for v in variable_list:
            info = v._get_save_slice_info()
            if info is None or info.full_name != name:
                raise ValueError("All variables must have a save_slice_info naming %s: %s"
                                 % (name, v.name))
        self._name = name
        self._shape = as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._variable_list = sorted(variable_list,
                                     key=lambda v: v._get_save_slice_info().var_offset)
        self._partitions = list(partitions)

    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)

    @property
    def graph(self):
        return self._variable_list[0].graph

    def get_shape(self):
        return self._shape

    def __iter__(self):
        return iter(self._variable_list)

    def __len__(self):
        axes = self._partition_axes()
        if len(axes) > 1:
            raise ValueError("Cannot get a length for %d > 1 partition axes" % len(axes))
        return len(self._variable_list)

    def _get_variable_list(self):
        return self._variable_list

    def _get_partitions(self):
        return self._partitions

    def _partition_axes(self):
        if all(p == 1 for p in self._partitions):
            return [0]
        return [i for i, p in enumerate(self._partitions) if p > 1]

    def _concat(self):
        if len(self._variable_list) == 1:
            with name_scope(None):
                return identity(self._variable_list[0], name=self._name)
        axis = self._partition_axes()[0]
        with name_scope(self._name + "/ConcatPartitions/"):
            concatenated = concat(self._variable_list, axis)
        with name_scope(None):
            return identity(concatenated, name=self._name)

    def as_tensor(self):
        """The parts concatenated (a new op each call), outside any control dependencies."""
        with get_default_graph().control_dependencies(None):
            return self._concat()

    def _as_tensor(self, dtype=None):
        if dtype is not None and dtypes.as_dtype(dtype) is not self._dtype:
            raise ValueError("Incompatible type conversion requested to type '%s' for "
                             "partitioned variable of type '%s'"
                             % (dtypes.as_dtype(dtype).name, self._dtype.name))
        return self.as_tensor()

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Assigns the matching slice of `value` to each part; the list of their assigns."""
        axis = self._partition_axes()[0]
        sizes = [v.shape[axis].value for v in self._variable_list]
        values = split(value, sizes, axis=axis)
        return [v.assign(x, use_locking, name, read_value)
                for v, x in zip(self._variable_list, values)]

    def __repr__(self):
        return "<PartitionedVariable '%s' shape=%s dtype=%s parts=%d>" % (
            self._name, self._shape, self._dtype.name, len(self._variable_list))


# -- partitioners -------------------------------------------------------------------------------

def _element_size(dtype, bytes_per_string_element):
    dtype = dtypes.as_dtype(dtype)
    return bytes_per_string_element if dtype is dtypes.string else dtype.size


def fixed_size_partitioner(num_shards, axis=0):
    """tf.fixed_size_partitioner: `num_shards` parts along `axis` (no more than its size)."""
    def _partitioner(shape, **unused_args):
        partitions = [1] * len(shape)
        partitions[axis] = min(num_shards, shape.dims[axis].value)
        return partitions
    return _partitioner


def variable_axis_size_partitioner(max_shard_bytes, axis=0, bytes_per_string_element=16,
                                   max_shards=None):
    """tf.variable_axis_size_partitioner: as many parts along `axis` as keep each under
    `max_shard_bytes` (at least one slice of the axis per part; at most `max_shards`)."""
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError("Both max_shard_bytes and bytes_per_string_element must be positive. "
                         "Currently, max_shard_bytes is %s andbytes_per_string_element is %s"
                         % (max_shard_bytes, bytes_per_string_element))
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        if not isinstance(shape, TensorShape):
            raise ValueError("shape is not a TensorShape: %s" % shape)
        if not shape.is_fully_defined():
            raise ValueError("shape is not fully defined: %s" % shape)
        size = _element_size(dtype, bytes_per_string_element)
        partitions = [1] * shape.ndims
        bytes_per_slice = 1.0 * (shape.num_elements() / shape.dims[axis].value) * size
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
        shards = int(math.ceil(1.0 * shape.dims[axis].value / slices_per_shard))
        if max_shards:
            shards = min(max_shards, shards)
        partitions[axis] = shards
        return partitions
    return _partitioner


def min_max_variable_partitioner(max_partitions=1, axis=0, min_slice_size=256 << 10,
                                 bytes_per_string_element=16):
    """tf.min_max_variable_partitioner: parts of at least `min_slice_size` bytes along `axis`,
    at most `max_partitions` of them (and no more than the axis has rows)."""
    def _partitioner(shape, dtype):
        if axis >= len(shape):
            raise ValueError("Cannot partition variable along axis %d when shape is only %s"
                             % (axis, shape))
        total = shape.num_elements() * _element_size(dtype, bytes_per_string_element)
        partitions = [1] * len(shape)
        partitions[axis] = max(1, min(shape.dims[axis].value, max_partitions,
                                      int(math.ceil(total / min_slice_size))))
        return partitions
    return _partitioner


def call_partitioner(partitioner, shape, dtype):
    """The partitions `partitioner` gives a new variable of `shape`, checked as TF checks
    them (one split axis, a part count per axis, none below one)."""
    if not shape.is_fully_defined():
        raise ValueError("Shape of a new partitioned variable must be fully defined, but "
                         "instead was %s." % (shape,))
    if shape.ndims < 1:
        raise ValueError("A partitioned Variable must have rank at least 1, shape: %s" % shape)
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, collections.abc.Sequence):
        raise ValueError("Partitioner must return a sequence, but saw: %s" % (slicing,))
    if len(slicing) != shape.ndims:
        raise ValueError("Partitioner returned a partition list that does not match the "
                         "Variable's rank: %s vs. %s" % (slicing, shape))
    if any(p < 1 for p in slicing):
        raise ValueError("Partitioner returned zero partitions for some axes: %s" % (slicing,))
    if sum(p > 1 for p in slicing) > 1:
        raise ValueError("Can only slice a variable along one dimension: shape: %s, "
                         "partitioning: %s" % (shape, slicing))
    return list(slicing)


def iter_slices(full_shape, partitions):
    """(offset, shape) of each part: the split axis's size divided evenly, the first parts
    one larger when it does not divide."""
    axis, count = next(((i, p) for i, p in enumerate(partitions) if p > 1), (0, 1))
    excess = full_shape[axis] % count
    smallest = full_shape[axis] // count
    offset = [0] * len(full_shape)
    for i in range(count):
        shape = list(full_shape)
        shape[axis] = smallest + (1 if i < excess else 0)
        yield list(offset), shape
        offset[axis] += shape[axis]


def create_partitioned_variables(shape, slicing, initializer, dtype=dtypes.float32,
                                 trainable=True, collections=None, name=None, reuse=None):
    """tf.create_partitioned_variables: the parts (a list of Variables) of a variable of
    `shape` split as `slicing` says, in a variable scope `name` (default
    "PartitionedVariable")."""
    from minitf.ops.variable_scope import _get_partitioned_variable_in_scope, variable_scope
    if len(shape) != len(slicing):
        raise ValueError("The 'shape' and 'slicing' of a partitioned Variable must have the "
                         "length: shape: %s, slicing: %s" % (shape, slicing))
    if len(shape) < 1:
        raise ValueError("A partitioned Variable must have rank at least 1: shape: %s" % shape)
    with variable_scope(name, "PartitionedVariable", reuse=reuse):
        return list(_get_partitioned_variable_in_scope(
            shape=shape, dtype=dtype, initializer=initializer, trainable=trainable,
            partitioner=lambda **unused: slicing, collections=collections))
