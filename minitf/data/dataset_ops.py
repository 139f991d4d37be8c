"""tf.data.Dataset and its transformations, as TF1 has them.

A Dataset is a Python description of a pipeline; nothing runs when it is built. Tensors it uses
(a placeholder given to `from_tensor_slices`, an outer tensor a `map` function reads) are
captured and evaluated when an iterator over it is initialized (see iterator_ops.py).

Running a pipeline is pulling *blocks*: a cursor's `next(n)` returns the flat components of
between 1 and `n` consecutive elements stacked along a new first axis (or None at the end), so
`from_tensor_slices -> shuffle -> map -> batch(128)` moves 128 rows per call through numpy
instead of one Python object per element. `map` and `filter` functions are traced once into a
function graph and compiled into a Plan; when every op of the function works elementwise the
plan runs once per block, otherwise once per element. `prefetch` runs its input in a background
thread with a bounded buffer, stopped when the iterator is re-initialized or its session closes.
"""

import collections
import glob as _glob
import itertools
import json
import os
import queue
import threading

import numpy
from numpy.lib.format import read_array, write_array

from minitf import dtypes, errors
from minitf.data import structure as nest
from minitf.framework.graph import get_default_graph
from minitf.framework.shapes import TensorShape, as_shape
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.lib.io.fixed_length import check_sizes, read_fixed_length
from minitf.lib.io.tf_record import open_for_reading, read_records
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.op_util import rank_error

AUTOTUNE = -1
_PREFETCH_AUTOTUNE_SIZE = 2


def _component(value, name="component"):
    """A dataset input as a numpy array of TF's dtype, or a Tensor to capture."""
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        return convert_to_tensor(value)
    if isinstance(value, numpy.ndarray) and value.dtype.kind not in "SUO":
        return value
    dtype = dtypes.result_type_of(value)
    if dtype is dtypes.string:
        flat = numpy.asarray(value, dtype=object)
        out = numpy.empty(flat.shape, dtype=object)
        for i, v in enumerate(flat.reshape(-1)):
            out.reshape(-1)[i] = v.encode("utf-8") if isinstance(v, str) else bytes(v)
        return out
    return numpy.asarray(value, dtype=dtype.as_numpy_dtype)


def _spec_of(component):
    if isinstance(component, Tensor):
        return TensorSpec(component.shape, component.dtype)
    return TensorSpec(TensorShape(component.shape), dtypes.as_dtype(component.dtype))


def _stack_rows(rows):
    """One block from single elements (lists of flat component arrays)."""
    return [numpy.stack([r[i] for r in rows]) for i in range(len(rows[0]))]


class _Env:
    """What one iterator initialization evaluates: the captured tensors' values, how many
    passes each shuffle has made (for reshuffle_each_iteration), and the cursors to close."""

    def __init__(self, values):
        self.values = values
        self.passes = {}
        self.cursors = []
        self.caches = {}
        self.functions = {}

    def value(self, component):
        return self.values[component] if isinstance(component, Tensor) else component

    def next_pass(self, dataset):
        n = self.passes.get(dataset, 0)
        self.passes[dataset] = n + 1
        return n


class Cursor:
    """One pass over a dataset. `next(n)`: the flat components of 1..n elements (each array
    with the elements along axis 0), or None when the pass is over."""

    def next(self, n):
        raise NotImplementedError

    def close(self):
        pass


class Dataset:
    """A TF1 tf.data.Dataset: a description of a sequence of elements of one structure."""

    def __init__(self, structure, inputs=(), tensors=()):
        self._structure = structure  # nested TensorSpecs
        self._inputs = tuple(inputs)
        self._tensors = tuple(tensors)  # outer Tensors this node reads
        self._graph = get_default_graph()

    # -- what the elements are -------------------------------------------------------------------
    @property
    def output_types(self):
        return nest.map_structure_any(lambda s: s.dtype, self._structure)

    @property
    def output_shapes(self):
        return nest.map_structure_any(lambda s: s.shape, self._structure)

    @property
    def output_classes(self):
        return nest.map_structure_any(lambda s: Tensor, self._structure)

    @property
    def _flat_specs(self):
        return nest.flatten(self._structure)

    def _captures(self):
        """Every outer Tensor the pipeline reads, once each, in a fixed order."""
        out = []
        for d in self._inputs:
            out += [t for t in d._captures() if t not in out]
        out += [t for t in self._tensors if t not in out]
        return out

    def _cursor(self, env):
        raise NotImplementedError

    def _cardinality(self, env):
        """The number of elements (the captured tensors' values in `env`), or -1 (infinite)
        or -2 (unknown), by TF's rules: unknown unless a subclass knows better."""
        return -2

    def __repr__(self):
        return "<%s shapes: %s, types: %s>" % (type(self).__name__, self.output_shapes,
                                                self.output_types)

    # -- sources ---------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors):
        """The slices of `tensors` (nested) along their first dimension, one element each."""
        return _TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors):
        """One element: `tensors` (nested) as they are."""
        return _TensorDataset(tensors)

    @staticmethod
    def range(*args):
        """int64 elements like Python's range(start, stop, step)."""
        return _RangeDataset(*args)

    @staticmethod
    def zip(datasets):
        """Elements of a (nested) tuple or dict of datasets, taken together; ends with the
        shortest."""
        return _ZipDataset(datasets)

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """The elements `generator(*args)` yields, converted to `output_types` and checked
        against `output_shapes` (unknown dimensions when not given)."""
        return _GeneratorDataset(generator, output_types, output_shapes, args)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None):
        """The names of the files matching `file_pattern` (a glob, or several), matched when the
        iterator is initialized; shuffled unless `shuffle=False` (TF's default)."""
        return _ListFilesDataset(file_pattern, shuffle, seed)

    # -- transformations -------------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False):
        return _BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes, padding_values=None, drop_remainder=False):
        return _PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def repeat(self, count=None):
        return _RepeatDataset(self, count)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        return _ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def map(self, map_func, num_parallel_calls=None):
        return _MapDataset(self, map_func, num_parallel_calls)

    def filter(self, predicate):
        return _FilterDataset(self, predicate)

    def prefetch(self, buffer_size):
        return _PrefetchDataset(self, buffer_size)

    def take(self, count):
        return _TakeDataset(self, count)

    def skip(self, count):
        return _SkipDataset(self, count)

    def cache(self, filename=""):
        return _CacheDataset(self, filename)

    def concatenate(self, dataset):
        return _ConcatenateDataset(self, dataset)

    def flat_map(self, map_func):
        return _FlatMapDataset(self, map_func, cycle_length=1, block_length=1)

    def interleave(self, map_func, cycle_length=None, block_length=1, num_parallel_calls=None):
        return _FlatMapDataset(self, map_func, cycle_length or 1, block_length)

    def shard(self, num_shards, index):
        """Every `num_shards`-th element, starting with element `index`."""
        from minitf.data.transformations import _ShardDataset
        return _ShardDataset(self, num_shards, index)

    def window(self, size, shift=None, stride=1, drop_remainder=False):
        """A dataset of windows, each a dataset (one per component) of `size` elements
        `stride` apart; windows start `shift` (default `size`) elements apart."""
        from minitf.data.transformations import _WindowDataset
        return _WindowDataset(self, size, shift, stride, drop_remainder)

    def enumerate(self, start=0):
        """(int64 index from `start`, element) pairs."""
        from minitf.data.transformations import enumerate_dataset
        return enumerate_dataset(self, start)

    def unbatch(self):
        """Each element split along its first dimension into elements."""
        return _UnbatchDataset(self)

    def reduce(self, initial_state, reduce_func):
        """Tensors: the state `reduce_func(state, element)` leaves after the last element."""
        from minitf.data.transformations import reduce
        return reduce(self, initial_state, reduce_func)

    def options(self):
        """The tf.data.Options of this pipeline: its inputs' merged, then its own."""
        from minitf.data.options import Options
        options = Options()
        for d in self._inputs:
            options = options.merge(d.options())
        own = getattr(self, "_options", None)
        return options.merge(own) if own is not None else options

    def with_options(self, options):
        """This dataset with `options` merged over its pipeline's (they change nothing in how
        minitf runs it)."""
        from minitf.data.options import Options
        if not isinstance(options, Options):
            raise TypeError("`options` must be a `tf.data.Options`, got %r" % (options,))
        dataset = _PassThroughDataset(self)
        dataset._options = options
        return dataset

    def __iter__(self):
        raise RuntimeError("dataset.__iter__() is only supported when eager execution is "
                           "enabled. (minitf builds graphs: use make_one_shot_iterator() and "
                           "run its get_next().)")

    def apply(self, transformation_func):
        dataset = transformation_func(self)
        if not isinstance(dataset, Dataset):
            raise TypeError("`transformation_func` must return a Dataset.")
        return dataset

    # -- iterators (TF1's methods) ---------------------------------------------------------------
    def make_one_shot_iterator(self):
        from minitf.data.iterator_ops import Iterator
        return Iterator._one_shot(self)

    def make_initializable_iterator(self, shared_name=None):
        from minitf.data.iterator_ops import Iterator
        iterator = Iterator.from_structure(self.output_types, self.output_shapes,
                                           shared_name=shared_name)
        iterator._initializer = iterator.make_initializer(self)
        return iterator


# -- sources -----------------------------------------------------------------------------------

class _TensorSliceDataset(Dataset):
    def __init__(self, tensors):
        components = nest.map_structure_any(_component, tensors)
        flat = nest.flatten(components)
        if not flat:
            raise ValueError("from_tensor_slices needs at least one component")
        specs = []
        n = None
        for c in flat:
            spec = _spec_of(c)
            if spec.shape.ndims == 0:
                raise rank_error(1, 0, " for 'TensorSliceDataset' (every component is sliced "
                                 "along its first dimension)", at_least=True)
            if spec.shape.ndims is not None:
                first = spec.shape.as_tuple()[0]
                if first is not None:
                    if n is not None and first != n:
                        raise ValueError("Dimensions %d and %d are not compatible" % (n, first))
                    n = first
                spec = TensorSpec(TensorShape(spec.shape.as_tuple()[1:]), spec.dtype)
            specs.append(spec)
        self._components = flat
        super().__init__(nest.pack_as(components, specs),
                         tensors=[c for c in flat if isinstance(c, Tensor)])

    def _cursor(self, env):
        arrays = [env.value(c) for c in self._components]
        n = len(arrays[0])
        for a in arrays[1:]:
            if len(a) != n:
                raise errors.InvalidArgumentError(
                    None, None, "Dimension 0 in both shapes must be equal: the components have "
                    "%d and %d slices" % (n, len(a)))
        return _SliceCursor(arrays)

    def _cardinality(self, env):
        return len(env.value(self._components[0]))


class _SliceCursor(Cursor):
    def __init__(self, arrays):
        self.arrays, self.i, self.n = arrays, 0, len(arrays[0])

    def next(self, n):
        i = self.i
        if i >= self.n:
            return None
        self.i = j = min(self.n, i + n)
        return [a[i:j] for a in self.arrays]


class _TensorDataset(Dataset):
    def __init__(self, tensors):
        components = nest.map_structure_any(_component, tensors)
        self._components = nest.flatten(components)
        super().__init__(nest.map_structure_any(_spec_of, components),
                         tensors=[c for c in self._components if isinstance(c, Tensor)])

    def _cursor(self, env):
        return _SliceCursor([numpy.asarray(env.value(c))[None] for c in self._components])

    def _cardinality(self, env):
        return 1


class _RangeDataset(Dataset):
    def __init__(self, *args):
        if not 1 <= len(args) <= 3:
            raise ValueError("Dataset.range takes 1 to 3 arguments (start, stop, step)")
        self._args = tuple(_count(a, "range argument") for a in args)
        if len(args) == 3 and isinstance(self._args[2], int) and self._args[2] == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        super().__init__(TensorSpec(TensorShape([]), dtypes.int64),
                         tensors=[a for a in self._args if isinstance(a, Tensor)])

    def _range(self, env):
        args = [_int(env, a) for a in self._args]
        if len(args) == 3 and args[2] == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        return range(*args)

    def _cursor(self, env):
        r = self._range(env)
        return _SliceCursor([numpy.arange(r.start, r.stop, r.step, dtype=numpy.int64)])

    def _cardinality(self, env):
        return len(self._range(env))


class _ZipDataset(Dataset):
    def __init__(self, datasets):
        flat = nest.flatten(datasets)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError("The argument to `Dataset.zip()` must be a (nested) structure "
                                "of `Dataset` objects, got %r" % (d,))
        self._datasets = datasets
        super().__init__(nest.map_structure_any(lambda d: d._structure, datasets), inputs=flat)

    def _cursor(self, env):
        return _ZipCursor([d._cursor(env) for d in self._inputs])

    def _cardinality(self, env):
        counts = [d._cardinality(env) for d in self._inputs]
        if -2 in counts:
            return -2
        finite = [n for n in counts if n >= 0]
        return min(finite) if finite else -1


class _ZipCursor(Cursor):
    def __init__(self, cursors):
        self.cursors = cursors
        self.pending = [None] * len(cursors)

    def next(self, n):
        blocks = []
        for k, c in enumerate(self.cursors):
            block = self.pending[k]
            if block is None:
                block = c.next(n)
                if block is None:
                    return None
            blocks.append(block)
        m = min(len(b[0]) for b in blocks)
        out = []
        for k, b in enumerate(blocks):
            out += [a[:m] for a in b]
            self.pending[k] = [a[m:] for a in b] if len(b[0]) > m else None
        return out

    def close(self):
        for c in self.cursors:
            c.close()


def _element_specs(output_types, output_shapes):
    types, shapes = nest.types_and_shapes(output_types, output_shapes)
    return nest.map_structure(lambda t, s: TensorSpec(s, t), types, shapes)


class _GeneratorDataset(Dataset):
    def __init__(self, generator, output_types, output_shapes, args):
        if not callable(generator):
            raise TypeError("`generator` must be callable.")
        self._generator = generator
        self._args = tuple(args) if args is not None else ()
        arg_components = [_component(a) for a in self._args]
        self._arg_components = arg_components
        super().__init__(_element_specs(output_types, output_shapes),
                         tensors=[a for a in arg_components if isinstance(a, Tensor)])

    def _cursor(self, env):
        args = [env.value(a) for a in self._arg_components]
        args = [a.item() if isinstance(a, numpy.ndarray) and not a.ndim else a for a in args]
        return _GeneratorCursor(iter(self._generator(*args)), self._structure)


class _GeneratorCursor(Cursor):
    def __init__(self, iterator, structure):
        self.iterator = iterator
        self.structure = structure
        self.specs = nest.flatten(structure)

    def next(self, n):
        try:
            value = next(self.iterator)
        except StopIteration:
            return None
        if nest.is_sequence(self.structure):
            try:
                nest.assert_same_structure(self.structure, value if nest.is_sequence(value)
                                           else tuple(value) if isinstance(value, list) else value)
            except TypeError:
                raise errors.InvalidArgumentError(
                    None, None, "`generator` yielded an element that did not match the expected "
                    "structure. The expected structure was %s, but the yielded element was %r."
                    % (self.structure, value)) from None
            if isinstance(value, list):
                value = tuple(value)
        flat = nest.flatten(value) if nest.is_sequence(self.structure) else [value]
        out = []
        for v, spec in zip(flat, self.specs):
            try:
                a = _component(v)
                a = a.astype(spec.dtype.as_numpy_dtype) if a.dtype != spec.dtype.as_numpy_dtype \
                    else a
            except (TypeError, ValueError) as e:
                raise errors.InvalidArgumentError(
                    None, None, "TypeError: `generator` yielded an element that could not be "
                    "converted to the expected type. The expected type was %s, but the yielded "
                    "element was %r. (%s)" % (spec.dtype.name, v, e)) from None
            if not spec.shape.is_compatible_with(a.shape):
                raise errors.InvalidArgumentError(
                    None, None, "`generator` yielded an element of shape %s where an element of "
                    "shape %s was expected." % (_shape_str(a.shape), _shape_str(spec.shape.as_tuple())))
            out.append(a[None])
        return out


def _shape_str(dims):
    if dims is None:
        return "<unknown>"
    return "(%s)" % ", ".join("?" if d is None else str(d) for d in dims) if len(dims) != 1 \
        else "(%s,)" % ("?" if dims[0] is None else dims[0])


def _as_bytes_list(value):
    flat = numpy.asarray(value, dtype=object).reshape(-1)
    return [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in flat]


class _ListFilesDataset(Dataset):
    def __init__(self, file_pattern, shuffle, seed):
        self._pattern = _component(file_pattern)
        self._shuffle = True if shuffle is None else bool(shuffle)
        from minitf.ops.random_ops import get_seed
        self._seeds = get_seed(seed)
        super().__init__(TensorSpec(TensorShape([]), dtypes.string),
                         tensors=[self._pattern] if isinstance(self._pattern, Tensor) else [])

    def _cursor(self, env):
        names = []
        patterns = _as_bytes_list(env.value(self._pattern))
        for p in patterns:
            names += sorted(_glob.glob(os.fsdecode(p)))
        if not names:
            raise errors.InvalidArgumentError(
                None, None, "No files matched pattern: %s" % ",".join(os.fsdecode(p) for p in patterns))
        files = numpy.empty(len(names), dtype=object)
        files[:] = [os.fsencode(n) for n in names]
        if self._shuffle:
            _rng(self._seeds, env.next_pass(self)).shuffle(files)
        return _SliceCursor([files])


def _rng(seeds, salt):
    seed, seed2 = seeds
    if seed is None and seed2 is None:
        return numpy.random.default_rng()
    return numpy.random.default_rng([seed or 0, seed2 or 0, salt])


# -- file readers ------------------------------------------------------------------------------

class _FileDataset(Dataset):
    """Records read from each of `filenames` in turn (a string, a list, a string tensor, or a
    dataset of file names)."""

    def __init__(self, filenames, compression_type=None):
        if isinstance(filenames, Dataset):
            self._files = filenames
            inputs, tensors = [filenames], []
        else:
            self._files = _component(filenames)
            inputs = []
            tensors = [self._files] if isinstance(self._files, Tensor) else []
        self._compression = _component(compression_type or "")
        if isinstance(self._compression, Tensor):
            tensors.append(self._compression)
        super().__init__(TensorSpec(TensorShape([]), dtypes.string), inputs=inputs,
                         tensors=tensors)

    def _cursor(self, env):
        if isinstance(self._files, Dataset):
            files = self._files._cursor(env)
        else:
            files = _SliceCursor([numpy.asarray(_as_bytes_list(env.value(self._files)),
                                                dtype=object)])
        compression = env.value(self._compression)
        compression = compression.item() if isinstance(compression, numpy.ndarray) else compression
        compression = compression.decode() if isinstance(compression, bytes) else compression
        records = self._reader(env)
        return _RecordCursor(files, lambda f: records(f, compression))

    def _reader(self, env):
        """records(filename, compression) for this iterator (sizes read from `env`)."""
        return self._records


class _RecordCursor(Cursor):
    def __init__(self, files, records):
        self.files, self.records, self.current = files, records, None

    def next(self, n):
        while True:
            if self.current is None:
                block = self.files.next(1)
                if block is None:
                    return None
                self.current = self.records(block[0][0])
            out = []
            for record in self.current:
                out.append(record)
                if len(out) == n:
                    break
            else:
                self.current = None
            if out:
                arr = numpy.empty(len(out), dtype=object)
                arr[:] = out
                return [arr]

    def close(self):
        self.current = None
        self.files.close()


class TextLineDataset(_FileDataset):
    """tf.data.TextLineDataset: the lines of text files, without their line endings."""

    def __init__(self, filenames, compression_type=None, buffer_size=None):
        super().__init__(filenames, compression_type)

    @staticmethod
    def _records(filename, compression):
        with open_for_reading(filename, compression) as f:
            for line in f:
                if line.endswith(b"\n"):
                    line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
                yield line


class TFRecordDataset(_FileDataset):
    """tf.data.TFRecordDataset: the records of TFRecord files (checked against their CRCs)."""

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None):
        super().__init__(filenames, compression_type)

    @staticmethod
    def _records(filename, compression):
        with open_for_reading(filename, compression) as f:
            yield from read_records(f, os.fsdecode(filename))


class FixedLengthRecordDataset(_FileDataset):
    """tf.data.FixedLengthRecordDataset: fixed-size records of binary files (CIFAR-10's
    format). A file whose body (after the header, before the footer) is not a whole number of
    records is TF's error: InvalidArgumentError before its first record (DataLossError after
    its records when compressed)."""

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 buffer_size=None, compression_type=None):
        super().__init__(filenames, compression_type)
        self._sizes = [_count(0 if v is None else v, what) for v, what in (
            (record_bytes, "record_bytes"), (header_bytes, "header_bytes"),
            (footer_bytes, "footer_bytes"))]
        self._tensors += tuple(v for v in self._sizes if isinstance(v, Tensor))

    def _reader(self, env):
        record, header, footer = [_int(env, v) for v in self._sizes]
        check_sizes(record, header, footer, 0, dataset=True)
        return lambda f, compression: read_fixed_length(f, record, header, footer, 0,
                                                        compression, strict=True)


# -- transformations ----------------------------------------------------------------------------

class _UnaryDataset(Dataset):
    def __init__(self, input_dataset, structure=None, tensors=()):
        if not isinstance(input_dataset, Dataset):
            raise TypeError("Expected a Dataset, got %r" % (input_dataset,))
        self._input = input_dataset
        super().__init__(input_dataset._structure if structure is None else structure,
                         inputs=[input_dataset], tensors=tensors)


def _count(value, what):
    """A count given as a Python int or a scalar tensor (captured)."""
    c = _component(value)
    if isinstance(c, Tensor):
        return c
    if c.ndim:
        raise ValueError("%s must be a scalar, got shape %s" % (what, c.shape))
    return int(c)


def _int(env, c):
    return int(env.value(c))


class _BatchDataset(_UnaryDataset):
    def __init__(self, input_dataset, batch_size, drop_remainder):
        self._batch_size = _count(batch_size, "batch_size")
        self._drop = bool(drop_remainder)
        first = self._batch_size if (self._drop and isinstance(self._batch_size, int)) else None
        super().__init__(input_dataset, nest.map_structure_any(
            lambda s: TensorSpec(TensorShape([first]).concatenate(s.shape), s.dtype),
            input_dataset._structure),
            tensors=[self._batch_size] if isinstance(self._batch_size, Tensor) else [])

    def _cursor(self, env):
        size = _int(env, self._batch_size)
        if size <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        return _BatchCursor(self._input._cursor(env), size, self._drop, self._combine)

    def _cardinality(self, env):
        return _batches(self._input._cardinality(env), _int(env, self._batch_size), self._drop)

    @staticmethod
    def _combine(blocks):
        if len(blocks) == 1:
            return [a[None] for a in blocks[0]]
        out = []
        for i in range(len(blocks[0])):
            parts = [b[i] for b in blocks]
            first = parts[0].shape[1:]
            for k, p in enumerate(parts):
                if p.shape[1:] != first:
                    raise errors.InvalidArgumentError(
                        None, None, "Cannot batch tensors with different shapes in component %d. "
                        "First element had shape %s and element %d had shape %s."
                        % (i, _dims(first), sum(len(q) for q in parts[:k]), _dims(p.shape[1:])))
            out.append(numpy.concatenate(parts)[None])
        return out


def _batches(n, size, drop):
    """The cardinality of batches of `size` of `n` elements."""
    if n < 0:
        return n
    return n // size if drop else -(-n // size)


def _dims(shape):
    return "[%s]" % ",".join(str(d) for d in shape)


class _BatchCursor(Cursor):
    def __init__(self, upstream, size, drop, combine):
        self.upstream, self.size, self.drop, self.combine = upstream, size, drop, combine
        self.done = False

    def next(self, n):
        if self.done:
            return None
        blocks, have = [], 0
        while have < self.size:
            block = self.upstream.next(self.size - have)
            if block is None:
                self.done = True
                break
            blocks.append(block)
            have += len(block[0])
        if not blocks or (self.drop and have < self.size):
            return None
        return self.combine(blocks)

    def close(self):
        self.upstream.close()


class _PaddedBatchDataset(_UnaryDataset):
    def __init__(self, input_dataset, batch_size, padded_shapes, padding_values, drop_remainder):
        self._batch_size = _count(batch_size, "batch_size")
        self._drop = bool(drop_remainder)
        structure = input_dataset._structure
        if nest.is_sequence(structure):
            shapes = nest.map_structure_any(as_shape, padded_shapes)
        else:
            shapes = as_shape(padded_shapes)
        nest.assert_same_structure(structure, shapes)
        self._padded = [s.as_tuple() for s in nest.flatten(shapes)]
        for spec, padded in zip(nest.flatten(structure), self._padded):
            if not spec.shape.is_compatible_with(TensorShape([None] * len(padded))) or (
                    padded is None):
                raise ValueError("The padded shape %s is not compatible with the corresponding "
                                 "input component shape %s." % (TensorShape(padded), spec.shape))
        if padding_values is None:
            values = [b"" if s.dtype is dtypes.string else 0 for s in nest.flatten(structure)]
        else:
            values = nest.flatten(padding_values) if nest.is_sequence(structure) \
                else [padding_values]
        self._values = [_component(v) for v in values]
        first = self._batch_size if (self._drop and isinstance(self._batch_size, int)) else None
        specs = []
        for spec, padded in zip(nest.flatten(structure), self._padded):
            dims = [p if p is not None and p >= 0 else None for p in padded]
            specs.append(TensorSpec(TensorShape([first] + dims), spec.dtype))
        super().__init__(input_dataset, nest.pack_as(structure, specs),
                         tensors=[c for c in [self._batch_size] + self._values
                                  if isinstance(c, Tensor)])

    def _cursor(self, env):
        size = _int(env, self._batch_size)
        values = [numpy.asarray(env.value(v)) for v in self._values]
        return _BatchCursor(self._input._cursor(env), size, self._drop,
                            lambda blocks: self._combine(blocks, values))

    def _cardinality(self, env):
        return _batches(self._input._cardinality(env), _int(env, self._batch_size), self._drop)

    def _combine(self, blocks, values, padded_shapes=None):
        """One batch of `blocks`, padded to `padded_shapes` (default: the dataset's)."""
        out = []
        for i, (padded, value) in enumerate(zip(padded_shapes or self._padded, values)):
            parts = [b[i] for b in blocks]
            rank = parts[0].ndim - 1
            longest = [max(p.shape[1 + d] for p in parts) for d in range(rank)]
            target = []
            for d, (want, have) in enumerate(zip(padded, longest)):
                if want is None or want == -1:
                    target.append(have)
                elif have > want:
                    raise errors.InvalidArgumentError(
                        None, None, "Attempted to pad to a smaller size than the input element.")
                else:
                    target.append(want)
            n = sum(len(p) for p in parts)
            batch = numpy.empty([n] + target, dtype=parts[0].dtype)
            batch[...] = value.astype(parts[0].dtype) if parts[0].dtype != object else value
            k = 0
            for p in parts:
                batch[(slice(k, k + len(p)),) + tuple(slice(0, s) for s in p.shape[1:])] = p
                k += len(p)
            out.append(batch[None])
        return out


class _UnbatchDataset(_UnaryDataset):
    """Elements split along their first dimension (tf.data.experimental.unbatch)."""

    def __init__(self, input_dataset):
        specs = []
        for spec in input_dataset._flat_specs:
            if spec.shape.ndims == 0:
                raise ValueError("Cannot unbatch an input with scalar components.")
            specs.append(TensorSpec(spec.shape[1:] if spec.shape.ndims is not None
                                    else TensorShape(None), spec.dtype))
        super().__init__(input_dataset, nest.pack_as(input_dataset._structure, specs))

    def _cursor(self, env):
        return _UnbatchCursor(self._input._cursor(env))


class _UnbatchCursor(Cursor):
    def __init__(self, upstream):
        self.upstream, self.pending = upstream, []

    def next(self, n):
        while not self.pending:
            block = self.upstream.next(1)
            if block is None:
                return None
            element = [a[0] for a in block]
            if len({len(a) for a in element}) != 1:
                raise errors.InvalidArgumentError(
                    None, None, "Input element must have the same batch size in each component")
            if len(element[0]):
                self.pending = [element]
        element = self.pending[0]
        out = [a[:n] for a in element]
        rest = [a[n:] for a in element]
        self.pending = [rest] if len(rest[0]) else []
        return out

    def close(self):
        self.upstream.close()


class _RepeatDataset(_UnaryDataset):
    def __init__(self, input_dataset, count):
        self._count = _count(-1 if count is None else count, "count")
        super().__init__(input_dataset,
                         tensors=[self._count] if isinstance(self._count, Tensor) else [])

    def _cursor(self, env):
        return _RepeatCursor(self._input, env, _int(env, self._count))

    def _cardinality(self, env):
        n, count = self._input._cardinality(env), _int(env, self._count)
        if count < 0:
            return 0 if n == 0 else -1
        if count == 0:
            return 0
        return n if n < 0 else n * count


class _RepeatCursor(Cursor):
    def __init__(self, dataset, env, count):
        self.dataset, self.env, self.left = dataset, env, count
        self.current = None

    def next(self, n):
        empty_pass = False
        while self.left != 0:
            if self.current is None:
                self.current = self.dataset._cursor(self.env)
                empty_pass = True
            block = self.current.next(n)
            if block is not None:
                return block
            self.current.close()
            self.current = None
            if self.left > 0:
                self.left -= 1
            if empty_pass:  # an empty input repeated forever is still empty
                return None
        return None

    def close(self):
        if self.current is not None:
            self.current.close()


class _ShuffleDataset(_UnaryDataset):
    def __init__(self, input_dataset, buffer_size, seed, reshuffle_each_iteration):
        self._buffer_size = _count(buffer_size, "buffer_size")
        from minitf.ops.random_ops import get_seed
        self._seeds = get_seed(seed)
        self._reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        super().__init__(input_dataset, tensors=[self._buffer_size]
                         if isinstance(self._buffer_size, Tensor) else [])

    def _cursor(self, env):
        size = _int(env, self._buffer_size)
        if size <= 0:
            raise errors.InvalidArgumentError(None, None, "buffer_size must be greater than zero.")
        salt = env.next_pass(self) if self._reshuffle else 0
        known = all(spec.shape.is_fully_defined() for spec in self._flat_specs)
        return _ShuffleCursor(self._input._cursor(env), size, _rng(self._seeds, salt),
                              one_at_a_time=not known)

    def _cardinality(self, env):
        return self._input._cardinality(env)


class _ShuffleCursor(Cursor):
    """TF's shuffle buffer: fill it with `size` elements, then each output is a uniformly chosen
    buffered element whose place the next input takes.

    The buffer is one array per component with a row per slot, so `k` outputs take a few numpy
    operations, not a Python loop: one gather of the picked slots, one scatter of the arrivals
    into them. Picking a slot that an earlier pick of the same call emptied gives the element
    that replaced it, as the one-at-a-time algorithm does. Elements whose static shape is not
    fully known (a generator's sequences) may differ in shape: they go one at a time, through
    a buffer that is a list of elements."""

    def __init__(self, upstream, size, rng, one_at_a_time):
        self.upstream, self.size, self.rng = upstream, size, rng
        self.one_at_a_time = one_at_a_time
        self.store = None  # per component: an array of `size` rows (or a list of elements)
        self.live = None  # the slots holding an element, in the order they are drained
        self.pending = None  # arrived rows not yet in the buffer (a block)
        self.exhausted = False
        self.draining = False

    def _arrivals(self, count):
        """Up to `count` rows from upstream (fewer only at its end), as a list of blocks."""
        got, have = [], 0
        while have < count and not self.exhausted:
            block = self.pending
            self.pending = None
            if block is None:
                block = self.upstream.next(count - have)
                if block is None:
                    self.exhausted = True
                    break
            if have + len(block[0]) > count:
                self.pending = [a[count - have:] for a in block]
                block = [a[:count - have] for a in block]
            got.append(block)
            have += len(block[0])
        return got

    def _fill(self):
        blocks = self._arrivals(self.size)
        if self.one_at_a_time:
            self.store = [[a[i:i + 1] for a in b] for b in blocks for i in range(len(b[0]))]
            count = len(self.store)
        elif blocks:
            self.store = [numpy.empty((self.size,) + a.shape[1:], dtype=a.dtype)
                          for a in blocks[0]]
            count = 0
            for b in blocks:
                for buffer, a in zip(self.store, b):
                    buffer[count:count + len(a)] = a
                count += len(b[0])
        else:
            count = 0
        self.live = numpy.arange(count, dtype=numpy.int64)

    def next(self, n):
        if self.live is None:
            self._fill()
        if not len(self.live):
            return None
        k = 1 if self.one_at_a_time else n
        blocks = [] if self.draining else self._arrivals(k)
        incoming = blocks[0] if len(blocks) == 1 else \
            [numpy.concatenate(c) for c in zip(*blocks)] if blocks else None
        arrived = 0 if incoming is None else len(incoming[0])
        parts = []
        if arrived:
            parts.append(self._picks(incoming))
        if arrived < k:  # the input is ending: the buffer drains
            drained = self._drain(min(k - arrived, len(self.live)))
            if drained is not None:
                parts.append(drained)
        if len(parts) == 1:
            return parts[0]
        return [numpy.concatenate(c) for c in zip(*parts)]

    def _picks(self, incoming):
        """One output per arrival, each arrival taking the place of the output (the buffer is
        full: slot numbers are positions in it)."""
        k = len(incoming[0])
        slots = (self.rng.random(k) * len(self.live)).astype(numpy.int64)
        order = numpy.argsort(slots, kind="stable")
        ordered = slots[order]
        again = ordered[1:] == ordered[:-1]  # the same slot as the pick before it
        last = numpy.append(~again, True)  # each slot's last pick leaves its arrival there
        if self.one_at_a_time:  # k == 1
            out, self.store[slots[0]] = self.store[slots[0]], incoming
            return out
        out = [buffer[slots] for buffer in self.store]
        if again.any():  # a pick of a slot picked earlier in this call: that pick's arrival
            previous = numpy.full(k, -1, dtype=numpy.int64)
            previous[order[1:][again]] = order[:-1][again]
            repeat = previous >= 0
            for o, a in zip(out, incoming):
                o[repeat] = a[previous[repeat]]
        for buffer, a in zip(self.store, incoming):
            buffer[ordered[last]] = a[order[last]]
        return out

    def _drain(self, k):
        """k picks from a buffer that is no longer refilled: once the input has ended, the
        buffer is put in a random order and read from the front (the same distribution as
        picking a random slot each time)."""
        if not self.draining:
            self.live = self.live[self.rng.permutation(len(self.live))]
            self.draining = True
        if not k:
            return None
        taken, self.live = self.live[:k], self.live[k:]
        if self.one_at_a_time:  # k == 1
            return self.store[taken[0]]
        return [buffer[taken] for buffer in self.store]

    def close(self):
        self.store = self.pending = None
        self.upstream.close()


class _MapDataset(_UnaryDataset):
    def __init__(self, input_dataset, map_func, num_parallel_calls):
        from minitf.data.function import TracedFunction
        self._fn = TracedFunction(map_func, input_dataset._structure, "map")
        if not (num_parallel_calls is None or isinstance(num_parallel_calls, Tensor)
                or isinstance(num_parallel_calls, (int, numpy.integer))):
            raise TypeError("num_parallel_calls must be an integer (or AUTOTUNE), got %r"
                            % (num_parallel_calls,))
        self._parallel = None if num_parallel_calls is None else \
            _count(num_parallel_calls, "num_parallel_calls")
        if isinstance(self._parallel, int) and self._parallel != AUTOTUNE and self._parallel <= 0:
            raise ValueError("num_parallel_calls must be a positive integer or "
                             "tf.data.experimental.AUTOTUNE, got %d" % self._parallel)
        tensors = list(self._fn.captures)
        if isinstance(self._parallel, Tensor):
            tensors.append(self._parallel)
        super().__init__(input_dataset, self._fn.output_structure, tensors=tensors)

    def _cursor(self, env):
        upstream = self._input._cursor(env)
        if self._parallel is None:
            return _MapCursor(upstream, self._fn.instantiate(env.values))
        threads = _int(env, self._parallel)
        if threads == AUTOTUNE:
            from minitf.client.threads import available_cores
            threads = available_cores()
        elif threads <= 0:
            raise errors.InvalidArgumentError(None, None, "num_parallel_calls must be greater "
                                              "than zero, got %d" % threads)
        if self._fn.stateful:  # random ops: one stream, used in order (deterministic)
            return _MapCursor(upstream, self._fn.instantiate(env.values))
        runners = [self._fn.instantiate(env.values) for _ in range(threads)]
        return _ParallelMapCursor(upstream, runners, env)


class _MapCursor(Cursor):
    def __init__(self, upstream, fn):
        self.upstream, self.fn = upstream, fn
        self.pending = []

    def next(self, n):
        if not self.pending:
            block = self.upstream.next(n)
            if block is None:
                return None
            self.pending = self.fn.apply_block(block)
        return self.pending.pop(0)

    def close(self):
        self.upstream.close()


class _Chunk:
    """Rows of the input on their way through a map worker."""

    __slots__ = ("block", "result", "error", "done")

    def __init__(self, block):
        self.block, self.result, self.error = block, None, None
        self.done = threading.Event()


class _ParallelMapCursor(Cursor):
    """map(num_parallel_calls=N): N worker threads, each with its own instance of the function
    (a plan of its own), apply it to chunks of the input: each block pulled from upstream is cut
    into N chunks, and up to 2N chunks are in flight. Upstream is pulled by the consumer only,
    the results are returned in input order, so the output is the same as a sequential map's.
    The threads overlap where the function's kernels release the GIL (numpy and BLAS on large
    arrays). They start at the first `next` and stop at `close()` (re-initialization or the
    session closing), which waits for them."""

    def __init__(self, upstream, runners, env):
        self.upstream, self.runners, self.env = upstream, runners, env
        self.tasks = queue.SimpleQueue()
        self.inflight = collections.deque()
        self.pending = []
        self.exhausted = False
        self.stopped = False
        self.threads = []
        env.cursors.append(self)

    def _work(self, runner):
        while True:
            chunk = self.tasks.get()
            if chunk is None:
                return
            try:
                chunk.result = runner.apply_block(chunk.block)
            except Exception as e:  # delivered to the consumer in order
                chunk.error = e
            chunk.block = None
            chunk.done.set()

    def _feed(self, n):
        width = len(self.runners)
        while not self.exhausted and len(self.inflight) < 2 * width:
            block = self.upstream.next(max(n, width))
            if block is None:
                self.exhausted = True
                break
            rows = len(block[0])
            pieces = max(1, min(width, rows))
            bounds = [rows * i // pieces for i in range(pieces + 1)]
            for a, b in zip(bounds[:-1], bounds[1:]):
                chunk = _Chunk([x[a:b] for x in block])
                self.inflight.append(chunk)
                self.tasks.put(chunk)

    def next(self, n):
        if not self.threads:
            if self.stopped:
                return None
            self.threads = [threading.Thread(target=self._work, args=(r,), daemon=True,
                                             name="minitf-map-%d" % i)
                            for i, r in enumerate(self.runners)]
            for t in self.threads:
                t.start()
        while not self.pending:
            self._feed(n)
            try:
                chunk = None if self.stopped else self.inflight.popleft()
            except IndexError:  # the end (or close() emptied it meanwhile)
                chunk = None
            if chunk is None:
                return None
            while not chunk.done.wait(0.1):
                if self.stopped:
                    return None
            if chunk.error is not None:
                raise chunk.error
            self.pending = chunk.result
        block = self.pending[0]
        if len(block[0]) > n:  # chunks were cut for an earlier, larger request
            self.pending[0] = [a[n:] for a in block]
            return [a[:n] for a in block]
        return self.pending.pop(0)

    def close(self):
        if self.stopped:
            return
        self.stopped = True
        for _ in self.threads:
            self.tasks.put(None)
        for t in self.threads:
            if t is not threading.current_thread():
                t.join(timeout=5.0)
        self.inflight.clear()
        self.pending = []
        if self in self.env.cursors:
            self.env.cursors.remove(self)
        self.upstream.close()


class _FilterDataset(_UnaryDataset):
    """filter (and take_while, a subclass): a predicate returning a scalar bool per element."""

    _kind = "filter"

    def __init__(self, input_dataset, predicate):
        from minitf.data.function import TracedFunction
        self._fn = TracedFunction(predicate, input_dataset._structure, self._kind)
        out = self._fn.output_structure
        if nest.is_sequence(out) or out.dtype is not dtypes.bool or out.shape.ndims not in (0, None):
            raise ValueError("`predicate` return type must be convertible to a scalar boolean "
                             "tensor. Was %s." % (out,))
        super().__init__(input_dataset, tensors=self._fn.captures)

    def _cursor(self, env):
        return _FilterCursor(self._input._cursor(env), self._fn.instantiate(env.values))


class _FilterCursor(Cursor):
    def __init__(self, upstream, fn):
        self.upstream, self.fn = upstream, fn

    def next(self, n):
        while True:
            block = self.upstream.next(n)
            if block is None:
                return None
            keep = self.fn.mask(block)
            if keep.all():
                return block
            if keep.any():
                return [a[keep] for a in block]


class _TakeDataset(_UnaryDataset):
    def __init__(self, input_dataset, count):
        self._count = _count(count, "count")
        super().__init__(input_dataset,
                         tensors=[self._count] if isinstance(self._count, Tensor) else [])

    def _cursor(self, env):
        return _TakeCursor(self._input._cursor(env), _int(env, self._count))

    def _cardinality(self, env):
        n, count = self._input._cardinality(env), _int(env, self._count)
        if n == -2:
            return -2
        if count < 0:
            return n
        return count if n == -1 else min(n, count)


class _TakeCursor(Cursor):
    def __init__(self, upstream, left):
        self.upstream, self.left = upstream, left

    def next(self, n):
        if self.left == 0:
            return None
        block = self.upstream.next(n if self.left < 0 else min(n, self.left))
        if block is None:
            self.left = 0
            return None
        if self.left > 0:
            if len(block[0]) > self.left:
                block = [a[:self.left] for a in block]
            self.left -= len(block[0])
        return block

    def close(self):
        self.upstream.close()


class _SkipDataset(_UnaryDataset):
    def __init__(self, input_dataset, count):
        self._count = _count(count, "count")
        super().__init__(input_dataset,
                         tensors=[self._count] if isinstance(self._count, Tensor) else [])

    def _cursor(self, env):
        return _SkipCursor(self._input._cursor(env), _int(env, self._count))

    def _cardinality(self, env):
        n, count = self._input._cardinality(env), _int(env, self._count)
        if n < 0:
            return n
        return 0 if count < 0 else max(0, n - count)


class _SkipCursor(Cursor):
    def __init__(self, upstream, skip):
        self.upstream, self.skip = upstream, skip

    def next(self, n):
        while self.skip != 0:
            block = self.upstream.next(1024 if self.skip < 0 else min(1024, self.skip))
            if block is None:
                return None
            if self.skip > 0:
                self.skip -= len(block[0])
        return self.upstream.next(n)

    def close(self):
        self.upstream.close()


class _CacheDataset(_UnaryDataset):
    """TF1's `cache()`: the elements of the first complete pass, kept for the passes after it.
    In memory without a `filename`; with one, in a file (see _CacheWriter), which later
    iterators, sessions and programs read instead of running the input."""

    def __init__(self, input_dataset, filename):
        self._filename = _component(filename)
        super().__init__(input_dataset, tensors=[self._filename]
                         if isinstance(self._filename, Tensor) else [])

    def _cursor(self, env):
        name = env.value(self._filename)
        name = name.item() if isinstance(name, numpy.ndarray) else name
        name = os.fsdecode(name)
        if name:
            path = name + CACHE_SUFFIX
            if os.path.exists(path):
                return _CacheReader(path, self._flat_specs)
            return _CacheWriter(self._input._cursor(env), path, self._flat_specs)
        cache = env.caches.setdefault(self, [])
        if cache and cache[-1] is None:  # complete
            return _SliceCursorBlocks(cache[:-1])
        cache.clear()
        return _CachingCursor(self._input._cursor(env), cache)

    def _cardinality(self, env):
        return self._input._cardinality(env)


class _CachingCursor(Cursor):
    def __init__(self, upstream, cache):
        self.upstream, self.cache = upstream, cache

    def next(self, n):
        block = self.upstream.next(n)
        if block is None:
            self.cache.append(None)
        else:
            self.cache.append(block)
        return block

    def close(self):
        self.upstream.close()


class _SliceCursorBlocks(Cursor):
    def __init__(self, blocks):
        self.blocks, self.i, self.row = blocks, 0, 0

    def next(self, n):
        while self.i < len(self.blocks):
            block = self.blocks[self.i]
            size = len(block[0])
            if self.row < size:
                j = min(size, self.row + n)
                out = [a[self.row:j] for a in block]
                self.row = j
                return out
            self.i, self.row = self.i + 1, 0
        return None


# -- cache files -------------------------------------------------------------------------------
#
# A cache file (`<filename>.minitf-cache`) is a header line, b"MINITF-CACHE 1 " and the JSON
# list of the components' dtype names, then the blocks as the first pass produced them, each
# component of each block in numpy's .npy format (never pickled): a numeric component as its
# array; a string component as three arrays (its shape, the length of each string, and their
# bytes, concatenated). The writer writes to `<cache file>.partial-<pid>-<n>` and renames it
# to the cache file when the pass reaches the input's end; a pass that stops before (take(),
# an error, a closed session or re-initialization) deletes its partial file, so an
# interrupted epoch is never read back.

CACHE_SUFFIX = ".minitf-cache"
_CACHE_MAGIC = b"MINITF-CACHE 1 "
_partial_numbers = itertools.count()


def _cache_header(specs):
    return _CACHE_MAGIC + json.dumps([s.dtype.name for s in specs]).encode() + b"\n"


def _file_error(e, path):
    kind = errors.NotFoundError if isinstance(e, FileNotFoundError) else \
        errors.PermissionDeniedError if isinstance(e, PermissionError) else errors.UnknownError
    return kind(None, None, "%s; %s" % (path, e.strerror or e))


class _CacheWriter(Cursor):
    def __init__(self, upstream, path, specs):
        self.upstream, self.path, self.specs = upstream, path, specs
        self.partial = "%s.partial-%d-%d" % (path, os.getpid(), next(_partial_numbers))
        try:
            self.file = open(self.partial, "wb")
        except OSError as e:
            raise _file_error(e, self.partial) from None
        self.file.write(_cache_header(specs))

    def next(self, n):
        if self.file is None:
            return None
        block = self.upstream.next(n)
        if block is None:
            self.file.close()
            self.file = None
            os.replace(self.partial, self.path)  # complete: later passes read it
            return None
        for a, spec in zip(block, self.specs):
            if spec.dtype is dtypes.string:
                flat = [bytes(v) for v in a.reshape(-1)]
                write_array(self.file, numpy.array(a.shape, dtype=numpy.int64))
                write_array(self.file, numpy.array([len(v) for v in flat], dtype=numpy.int64))
                write_array(self.file, numpy.frombuffer(b"".join(flat), dtype=numpy.uint8))
            else:
                write_array(self.file, numpy.ascontiguousarray(a), allow_pickle=False)
        return block

    def close(self):
        if self.file is not None:  # stopped before the end: the partial cache is not kept
            self.file.close()
            self.file = None
            try:
                os.remove(self.partial)
            except OSError:
                pass
        self.upstream.close()


class _CacheReader(Cursor):
    def __init__(self, path, specs):
        self.path, self.specs = path, specs
        try:
            self.file = open(path, "rb")
        except OSError as e:
            raise _file_error(e, path) from None
        header = self.file.readline()
        if header != _cache_header(specs):
            self.file.close()
            raise errors.InvalidArgumentError(
                None, None, "%s is not a cache of this dataset: its header is %r, elements of "
                "this dataset have components %s" % (path, header[:200],
                                                     [s.dtype.name for s in specs]))
        self.pending = None

    def _read(self, spec):
        if spec.dtype is dtypes.string:
            shape, lengths, data = (read_array(self.file, allow_pickle=False) for _ in range(3))
            out = numpy.empty(int(numpy.prod(shape)), dtype=object)
            ends = numpy.cumsum(lengths).tolist()
            raw = data.tobytes()
            out[:] = [raw[e - k:e] for e, k in zip(ends, lengths.tolist())]
            return out.reshape(tuple(shape))
        return read_array(self.file, allow_pickle=False)

    def next(self, n):
        block = self.pending
        self.pending = None
        if block is None:
            if self.file is None:
                return None
            if not self.file.peek(1):  # the end of the file: of the cached pass
                self.close()
                return None
            try:
                block = [self._read(spec) for spec in self.specs]
            except (ValueError, EOFError, OSError) as e:
                self.close()
                raise errors.DataLossError(None, None, "The cache file %s is corrupted or "
                                           "truncated: %s" % (self.path, e)) from None
        if len(block[0]) > n:
            self.pending = [a[n:] for a in block]
            block = [a[:n] for a in block]
        return block

    def close(self):
        if self.file is not None:
            self.file.close()
            self.file = None


class _ConcatenateDataset(Dataset):
    def __init__(self, first, second):
        a, b = first._structure, second._structure
        nest.assert_same_structure(a, b)
        for x, y in zip(nest.flatten(a), nest.flatten(b)):
            if x.dtype is not y.dtype:
                raise TypeError("Two datasets to concatenate have different types %s and %s"
                                % (first.output_types, second.output_types))
        specs = [TensorSpec(x.shape.most_specific_compatible_shape(y.shape)
                            if hasattr(x.shape, "most_specific_compatible_shape")
                            else (x.shape if x.shape.as_tuple() == y.shape.as_tuple()
                                  else TensorShape(None)), x.dtype)
                 for x, y in zip(nest.flatten(a), nest.flatten(b))]
        super().__init__(nest.pack_as(a, specs), inputs=[first, second])

    def _cursor(self, env):
        return _ChainCursor(iter(d._cursor(env) for d in self._inputs))

    def _cardinality(self, env):
        a, b = (d._cardinality(env) for d in self._inputs)
        if -2 in (a, b):
            return -2
        return -1 if -1 in (a, b) else a + b


class _ChainCursor(Cursor):
    def __init__(self, cursors):
        self.cursors, self.current = cursors, None

    def next(self, n):
        while True:
            if self.current is None:
                self.current = next(self.cursors, None)
                if self.current is None:
                    return None
            block = self.current.next(n)
            if block is not None:
                return block
            self.current.close()
            self.current = None

    def close(self):
        if self.current is not None:
            self.current.close()


class _FlatMapDataset(_UnaryDataset):
    """flat_map and interleave: `map_func` returns a dataset per input element; their elements
    are taken `block_length` at a time from `cycle_length` of them in turn."""

    def __init__(self, input_dataset, map_func, cycle_length, block_length):
        from minitf.data.function import DatasetFunction
        self._fn = DatasetFunction(map_func, input_dataset._structure)
        self._cycle, self._block = int(cycle_length), int(block_length)
        if self._cycle == AUTOTUNE:
            self._cycle = 2
        super().__init__(input_dataset, self._fn.output_structure, tensors=self._fn.captures)

    def _cursor(self, env):
        return _InterleaveCursor(self._input._cursor(env), self._fn, env, self._cycle,
                                 self._block)


class _InterleaveCursor(Cursor):
    def __init__(self, upstream, fn, env, cycle, block):
        self.upstream, self.fn, self.env = upstream, fn, env
        self.cycle, self.block = cycle, block
        self.active = []  # [cursor, taken in this turn]
        self.turn = 0
        self.done = False

    def _fill(self):
        while not self.done and len(self.active) < self.cycle:
            element = self.upstream.next(1)
            if element is None:
                self.done = True
                break
            self.active.append([self.fn.cursor_for(element, self.env), 0])

    def next(self, n):
        while True:
            self._fill()
            if not self.active:
                return None
            self.turn %= len(self.active)
            entry = self.active[self.turn]
            block = entry[0].next(min(n, self.block - entry[1]))
            if block is None:
                entry[0].close()
                del self.active[self.turn]
                continue
            entry[1] += len(block[0])
            if entry[1] >= self.block:
                entry[1] = 0
                self.turn += 1
            return block

    def close(self):
        for entry in self.active:
            entry[0].close()
        self.upstream.close()


# -- prefetch ----------------------------------------------------------------------------------

class _PrefetchDataset(_UnaryDataset):
    def __init__(self, input_dataset, buffer_size):
        size = _count(buffer_size, "buffer_size")
        if isinstance(size, Tensor):
            raise TypeError("minitf's prefetch takes a Python int buffer_size")
        self._size = _PREFETCH_AUTOTUNE_SIZE if size == AUTOTUNE else size
        if self._size < 0:
            raise ValueError("buffer_size must be positive or tf.data.experimental.AUTOTUNE")
        super().__init__(input_dataset)

    def _cursor(self, env):
        upstream = self._input._cursor(env)
        if self._size == 0:
            return upstream
        return _PrefetchCursor(upstream, self._size, env)

    def _cardinality(self, env):
        return self._input._cardinality(env)


class _PassThroughDataset(_UnaryDataset):
    """The input's elements unchanged (with_options attaches its options to one)."""

    def _cursor(self, env):
        return self._input._cursor(env)

    def _cardinality(self, env):
        return self._input._cardinality(env)


class _PrefetchCursor(Cursor):
    """Runs `upstream` in a daemon thread into a buffer of at most `size` elements. Errors are
    delivered in order, like elements. `close()` stops the thread and waits for it."""

    def __init__(self, upstream, size, env):
        self.upstream, self.size, self.env = upstream, size, env
        env.cursors.append(self)  # closed with the iterator's initialization
        self.cond = threading.Condition(threading.Lock())
        self.items = []  # blocks, exceptions, or None (the end)
        self.count = 0
        self.stopped = False
        self.thread = None

    def _start(self):
        self.thread = threading.Thread(target=self._produce, name="minitf-prefetch", daemon=True)
        self.thread.start()

    def _produce(self):
        cond = self.cond
        while True:
            with cond:
                while self.count >= self.size and not self.stopped:
                    cond.wait()
                if self.stopped:
                    return
                want = self.size - self.count
            try:
                item = self.upstream.next(want)
            except Exception as e:  # delivered to the consumer in order
                item = e
            with cond:
                if self.stopped:
                    return
                self.items.append(item)
                if isinstance(item, list):
                    self.count += len(item[0])
                cond.notify_all()
                if item is None:
                    return

    def next(self, n):
        if self.thread is None:
            self._start()
        cond = self.cond
        with cond:
            while not self.items:
                if self.stopped:
                    return None
                cond.wait()
            item = self.items[0]
            if item is None:
                return None
            if isinstance(item, Exception):
                self.items.pop(0)
                raise item
            if len(item[0]) > n:
                self.items[0] = [a[n:] for a in item]
                item = [a[:n] for a in item]
            else:
                self.items.pop(0)
            self.count -= len(item[0])
            cond.notify_all()
            return item

    def close(self):
        with self.cond:
            if self.stopped:
                return
            self.stopped = True
            self.items = []
            self.cond.notify_all()
        thread = self.thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        if self in self.env.cursors:
            self.env.cursors.remove(self)
        self.upstream.close()
