"""TF 1.15's further tf.data transformations (shard, window, enumerate, scan, take_while,
unique, ignore_errors, choose/sample_from_datasets, group_by_window, bucket_by_sequence_length,
Counter) on minitf's cursors, and the ops that run a whole dataset inside a step (reduce,
get_single_element, cardinality).

Datasets of datasets (`window`, the groups `group_by_window` hands its reduce function) are
elements whose components are object arrays of `_Rows`: the window's elements, as blocks. A
function given such elements (flat_map, group_by_window's reduce_func) receives a
`_DatasetArgument` in their place, a dataset that reads those rows when its cursor starts."""

import numpy

from minitf import dtypes, errors
from minitf.data import structure as nest
from minitf.data.dataset_ops import (Cursor, Dataset, _component, _count, _Env,
                                     _ChainCursor, _FilterDataset, _int, _PaddedBatchDataset, _rng,
                                     _SliceCursor, _UnaryDataset)
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import TensorShape, as_shape
from minitf.framework.tensor import Tensor, TensorSpec

INFINITE = -1
UNKNOWN = -2


class DatasetSpec(TensorSpec):
    """An element component that is itself a dataset (of elements of `structure`)."""

    __slots__ = ("structure",)

    def __init__(self, structure):
        super().__init__(TensorShape([]), dtypes.variant)
        self.structure = structure

    def __repr__(self):
        return "DatasetSpec(%r)" % (self.structure,)


class _Rows:
    """The elements of a nested dataset: its flat components, each with the elements along
    axis 0."""

    __slots__ = ("arrays",)

    def __init__(self, arrays):
        self.arrays = arrays


def _nested_block(rows_list):
    """A block of one component of dataset-valued elements."""
    out = numpy.empty(len(rows_list), dtype=object)
    for i, rows in enumerate(rows_list):
        out[i] = rows
    return out


class _DatasetArgument(Dataset):
    """A function's dataset-valued argument: the rows given at each call (in `env.values`)."""

    def __init__(self, structure):
        super().__init__(structure)

    def _cursor(self, env):
        return _SliceCursor(env.values[self].arrays)

    def _cardinality(self, env):
        return len(env.values[self].arrays[0]) if self in env.values else UNKNOWN


def finite(n):
    """Whether a cardinality is a count (not INFINITE or UNKNOWN)."""
    return n >= 0


# -- shard ---------------------------------------------------------------------------------------

class _ShardDataset(_UnaryDataset):
    def __init__(self, input_dataset, num_shards, index):
        self._num = _count(num_shards, "num_shards")
        self._index = _count(index, "index")
        super().__init__(input_dataset, tensors=[c for c in (self._num, self._index)
                                                 if isinstance(c, Tensor)])

    def _arguments(self, env):
        num, index = _int(env, self._num), _int(env, self._index)
        if num <= 0:
            raise errors.InvalidArgumentError(
                None, None, "Number of shards must be greater than zero (currently num_shards "
                "= %d)." % num)
        if not 0 <= index < num:
            raise errors.InvalidArgumentError(
                None, None, "Index must be between 0 and %d (currently index = %d)."
                % (num - 1, index))
        return num, index

    def _cursor(self, env):
        num, index = self._arguments(env)
        return _ShardCursor(self._input._cursor(env), num, index)

    def _cardinality(self, env):
        n = self._input._cardinality(env)
        num, index = self._arguments(env)
        return n if not finite(n) else n // num + (1 if index < n % num else 0)


class _ShardCursor(Cursor):
    def __init__(self, upstream, num, index):
        self.upstream, self.num, self.index, self.seen = upstream, num, index, 0

    def next(self, n):
        while True:
            block = self.upstream.next(n * self.num)
            if block is None:
                return None
            positions = numpy.arange(self.seen, self.seen + len(block[0]))
            self.seen += len(block[0])
            keep = positions % self.num == self.index
            if keep.any():
                return [a[keep] for a in block]

    def close(self):
        self.upstream.close()


# -- Counter / enumerate -------------------------------------------------------------------------

class _CounterDataset(Dataset):
    """tf.data.experimental.Counter: start, start + step, ... for ever."""

    def __init__(self, start, step, dtype):
        self._dtype = dtypes.as_dtype(dtype)
        self._start, self._step = _component(start), _component(step)
        super().__init__(TensorSpec(TensorShape([]), self._dtype),
                         tensors=[c for c in (self._start, self._step) if isinstance(c, Tensor)])

    def _cursor(self, env):
        return _CounterCursor(int(env.value(self._start)), int(env.value(self._step)),
                              self._dtype.as_numpy_dtype)

    def _cardinality(self, env):
        return INFINITE


class _CounterCursor(Cursor):
    def __init__(self, start, step, dtype):
        self.value, self.step, self.dtype = start, step, dtype

    def next(self, n):
        out = self.value + self.step * numpy.arange(n, dtype=numpy.int64)
        self.value += self.step * n
        return [out.astype(self.dtype)]


def enumerate_dataset(dataset, start=0):
    """(index, element) pairs, the index counting from `start` (int64)."""
    return Dataset.zip((_CounterDataset(start, 1, dtypes.int64), dataset))


# -- window --------------------------------------------------------------------------------------

class _WindowDataset(_UnaryDataset):
    """Dataset.window: each element a dataset (one per component) of `size` input elements
    `stride` apart, windows starting `shift` elements apart."""

    def __init__(self, input_dataset, size, shift, stride, drop_remainder):
        self._size = _count(size, "size")
        self._shift = self._size if shift is None else _count(shift, "shift")
        self._stride = _count(stride, "stride")
        self._drop = bool(drop_remainder)
        structure = nest.map_structure_any(DatasetSpec, input_dataset._structure)
        super().__init__(input_dataset, structure, tensors=[
            c for c in (self._size, self._shift, self._stride) if isinstance(c, Tensor)])

    def _arguments(self, env):
        size, shift, stride = (_int(env, c) for c in (self._size, self._shift, self._stride))
        for value, what in ((size, "size"), (shift, "shift"), (stride, "stride")):
            if value <= 0:
                raise errors.InvalidArgumentError(
                    None, None, "Window %s must be greater than zero." % what)
        return size, shift, stride

    def _cursor(self, env):
        return _WindowCursor(self._input._cursor(env), *self._arguments(env), self._drop)

    def _cardinality(self, env):
        n = self._input._cardinality(env)
        size, shift, stride = self._arguments(env)
        if not finite(n):
            return n
        if self._drop:
            rest = n - ((size - 1) * stride + 1)
            return rest // shift + 1 if rest > -1 else 0
        return n // shift + (1 if n % shift else 0)


class _WindowCursor(Cursor):
    def __init__(self, upstream, size, shift, stride, drop):
        self.upstream, self.size, self.shift, self.stride = upstream, size, shift, stride
        self.drop = drop
        self.buffer = []  # single elements (lists of arrays with one row)
        self.to_skip = 0
        self.ended = False

    def _pull(self, want):
        while not self.ended and len(self.buffer) < want:
            block = self.upstream.next(max(want - len(self.buffer), self.to_skip))
            if block is None:
                self.ended = True
                break
            rows = [[a[i:i + 1] for a in block] for i in range(len(block[0]))]
            skip = min(self.to_skip, len(rows))
            self.to_skip -= skip
            self.buffer += rows[skip:]

    def next(self, n):
        span = (self.size - 1) * self.stride + 1
        self._pull(span)
        window = self.buffer[:span:self.stride]
        if not window or (self.drop and len(window) < self.size):
            return None
        out = [_nested_block([_Rows([numpy.concatenate([w[k] for w in window])])])
               for k in range(len(window[0]))]
        self.to_skip = max(0, self.shift - len(self.buffer))
        del self.buffer[:self.shift]
        return out

    def close(self):
        self.upstream.close()


# -- stateful functions: scan, reduce ------------------------------------------------------------

def _state_components(initial_state):
    components = nest.map_structure_any(_component, initial_state)
    specs = nest.map_structure_any(
        lambda c: TensorSpec(c.shape if isinstance(c, Tensor) else TensorShape(c.shape),
                             c.dtype if isinstance(c, Tensor) else dtypes.as_dtype(c.dtype)),
        components)
    return components, specs


def _relax(a, b):
    da, db = a.as_tuple(), b.as_tuple()
    if da is None or db is None or len(da) != len(db):
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(da, db)])


def trace_with_state(fn, state, element_structure, kind, new_state_of):
    """`fn(state, element)` traced until the state's shapes are stable (TF relaxes a state
    whose shape changes and traces again): (TracedFunction, state specs). The new state must
    have the initial state's structure and dtypes (TypeError)."""
    from minitf.data.function import TracedFunction
    while True:
        traced = TracedFunction(fn, (state, element_structure), kind)
        new = new_state_of(traced.output_structure)
        try:
            nest.assert_same_structure(state, new)
        except (TypeError, ValueError) as e:
            raise TypeError("The element types for the new state must match the initial "
                            "state. %s" % e) from None
        flat_old, flat_new = nest.flatten(state), nest.flatten(new)
        for old, got in zip(flat_old, flat_new):
            if old.dtype is not got.dtype:
                raise TypeError("The element types for the new state must match the initial "
                                "state. Expected %s; got %s." % (
                                    [s.dtype.name for s in flat_old],
                                    [s.dtype.name for s in flat_new]))
        relaxed = [TensorSpec(_relax(o.shape, g.shape), o.dtype)
                   for o, g in zip(flat_old, flat_new)]
        if all(r.shape.as_tuple() == o.shape.as_tuple() for r, o in zip(relaxed, flat_old)):
            return traced, state
        state = nest.pack_as(state, relaxed)


def _step(runner, state, element):
    """One call of a traced (state, element) function: its flat outputs."""
    return runner._run_one([numpy.asarray(s)[None] for s in state] + element, 0)


class _ScanDataset(_UnaryDataset):
    def __init__(self, input_dataset, initial_state, scan_func):
        self._initial, state = _state_components(initial_state)
        self._fn, state = trace_with_state(
            scan_func, state, input_dataset._structure, "scan",
            lambda out: out[0] if isinstance(out, tuple) and len(out) == 2 else _bad_scan(out))
        self._n_state = len(nest.flatten(state))
        super().__init__(input_dataset, self._fn.output_structure[1], tensors=list(
            self._fn.captures) + [c for c in nest.flatten(self._initial)
                                  if isinstance(c, Tensor)])

    def _cursor(self, env):
        state = [env.value(c) for c in nest.flatten(self._initial)]
        return _ScanCursor(self._input._cursor(env), self._fn.instantiate(env.values), state,
                           self._n_state)

    def _cardinality(self, env):
        return self._input._cardinality(env)


def _bad_scan(out):
    raise TypeError("The scan function must return a pair comprising the new state and the "
                    "output value, got %r." % (out,))


class _ScanCursor(Cursor):
    def __init__(self, upstream, runner, state, n_state):
        self.upstream, self.runner, self.state, self.n_state = upstream, runner, state, n_state

    def next(self, n):
        block = self.upstream.next(n)
        if block is None:
            return None
        rows = []
        for i in range(len(block[0])):
            outs = _step(self.runner, self.state, [a[i:i + 1] for a in block])
            self.state, out = outs[:self.n_state], outs[self.n_state:]
            rows.append(out)
        return [numpy.stack([r[k] for r in rows]) for k in range(len(rows[0]))]

    def close(self):
        self.upstream.close()


# -- take_while, unique, ignore_errors -----------------------------------------------------------

class _TakeWhileDataset(_FilterDataset):
    _kind = "take_while"

    def _cursor(self, env):
        return _TakeWhileCursor(self._input._cursor(env), self._fn.instantiate(env.values))


class _TakeWhileCursor(Cursor):
    def __init__(self, upstream, fn):
        self.upstream, self.fn, self.done = upstream, fn, False

    def next(self, n):
        if self.done:
            return None
        block = self.upstream.next(n)
        if block is None:
            return None
        keep = self.fn.mask(block)
        if keep.all():
            return block
        self.done = True
        stop = int(numpy.argmin(keep))
        return [a[:stop] for a in block] if stop else None

    def close(self):
        self.upstream.close()


class _UniqueDataset(_UnaryDataset):
    def __init__(self, input_dataset):
        spec = input_dataset._structure
        if nest.is_sequence(spec):
            raise TypeError("Dataset.unique() does not support structured elements.")
        if spec.dtype not in (dtypes.int32, dtypes.int64, dtypes.string):
            raise TypeError("Dataset.unique() does not support type %s; it supports int32, "
                            "int64 and string." % spec.dtype.name)
        super().__init__(input_dataset)

    def _cursor(self, env):
        return _UniqueCursor(self._input._cursor(env))


class _UniqueCursor(Cursor):
    def __init__(self, upstream):
        self.upstream, self.seen = upstream, set()

    def next(self, n):
        while True:
            block = self.upstream.next(n)
            if block is None:
                return None
            a = block[0]
            keep = numpy.zeros(len(a), dtype=bool)
            for i in range(len(a)):
                key = a[i].tobytes() if a.dtype != object else bytes(a[i])
                if key not in self.seen:
                    self.seen.add(key)
                    keep[i] = True
            if keep.any():
                return [a[keep]]

    def close(self):
        self.upstream.close()


class _IgnoreErrorsDataset(_UnaryDataset):
    def _cursor(self, env):
        return _IgnoreErrorsCursor(self._input._cursor(env))


class _IgnoreErrorsCursor(Cursor):
    """Pulls one element at a time, so an error drops only the element that raised it."""

    def __init__(self, upstream):
        self.upstream = upstream

    def next(self, n):
        while True:
            try:
                return self.upstream.next(1)
            except errors.OpError:
                continue

    def close(self):
        self.upstream.close()


# -- choose_from_datasets / sample_from_datasets -------------------------------------------------

def _common_structure(datasets, what):
    if not datasets:
        raise ValueError("`datasets` must be a non-empty list of datasets.")
    first = datasets[0]._structure
    for d in datasets[1:]:
        nest.assert_same_structure(first, d._structure)
        for a, b in zip(nest.flatten(first), nest.flatten(d._structure)):
            if a.dtype is not b.dtype:
                raise TypeError("Datasets given to %s must have the same types: %s and %s."
                                % (what, first, d._structure))
    return nest.pack_as(first, [
        TensorSpec(TensorShape([x if all(x == y for y in others) else None for x, *others in
                                zip(*[s.shape.as_tuple() for s in specs])])
                   if len({s.shape.ndims for s in specs}) == 1 and specs[0].shape.ndims is not None
                   else TensorShape(None), specs[0].dtype)
        for specs in zip(*[nest.flatten(d._structure) for d in datasets])])


class _DirectedInterleaveDataset(Dataset):
    """Elements of `datasets` picked by a selector: the elements of `selector` (a dataset of
    int64 indices) or, without one, draws from `weights` (sample_from_datasets). An exhausted
    input is skipped; the output ends with the selector or when every input is exhausted."""

    def __init__(self, datasets, selector=None, weights=None, seed=None):
        datasets = list(datasets)
        structure = _common_structure(datasets, "choose_from_datasets" if selector is not None
                                      else "sample_from_datasets")
        self._selector = selector
        tensors = []
        if selector is None:
            if isinstance(weights, Dataset):
                raise TypeError("minitf's sample_from_datasets takes fixed weights (a list or "
                                "a tensor), not a dataset of weights.")
            from minitf.ops.random_ops import get_seed
            self._seeds = get_seed(seed)
            self._weights = _component(weights if weights is not None
                                       else [1.0 / len(datasets)] * len(datasets))
            if isinstance(self._weights, Tensor):
                tensors.append(self._weights)
            inputs = datasets
        else:
            spec = selector._structure
            if nest.is_sequence(spec) or spec.dtype is not dtypes.int64 or spec.shape.ndims != 0:
                raise TypeError("`choice_dataset` must be a dataset of scalar `tf.int64` "
                                "tensors.")
            inputs = [selector] + datasets
        self._datasets = datasets
        super().__init__(structure, inputs=inputs, tensors=tensors)

    def _cursor(self, env):
        cursors = [d._cursor(env) for d in self._datasets]
        if self._selector is not None:
            return _DirectedCursor(self._selector._cursor(env), cursors)
        weights = numpy.asarray(env.value(self._weights), dtype=numpy.float64).reshape(-1)
        if len(weights) != len(cursors):
            raise errors.InvalidArgumentError(
                None, None, "The number of weights (%d) must match the number of datasets (%d)."
                % (len(weights), len(cursors)))
        return _DirectedCursor(_SampleCursor(_rng(self._seeds, env.next_pass(self)), weights),
                               cursors)



class _SampleCursor(Cursor):
    def __init__(self, rng, weights):
        self.rng, self.p = rng, weights / weights.sum()

    def next(self, n):
        return [self.rng.choice(len(self.p), size=max(n, 64), p=self.p).astype(numpy.int64)]


class _DirectedCursor(Cursor):
    def __init__(self, selector, cursors):
        self.selector, self.cursors = selector, cursors
        self.live = [True] * len(cursors)
        self.pending = []

    def next(self, n):
        while any(self.live):
            if not self.pending:
                block = self.selector.next(n)
                if block is None:
                    return None
                self.pending = block[0].tolist()
            choice = self.pending.pop(0)
            if not 0 <= choice < len(self.cursors):
                raise errors.InvalidArgumentError(
                    None, None, "Selector index out of range: %d >= %d" % (choice,
                                                                          len(self.cursors)))
            if not self.live[choice]:
                continue
            block = self.cursors[choice].next(1)
            if block is None:
                self.live[choice] = False
                continue
            return block
        return None

    def close(self):
        self.selector.close()
        for c in self.cursors:
            c.close()


# -- rejection_resample -------------------------------------------------------------------------

class _RejectionResampleDataset(_UnaryDataset):
    """(class, element) pairs whose classes follow `target_dist`: each element is kept with
    probability (target / initial)[class] / max(target / initial), the initial distribution
    given or, without one, the class frequencies seen so far."""

    def __init__(self, input_dataset, class_func, target_dist, initial_dist, seed):
        from minitf.data.function import TracedFunction
        from minitf.ops.random_ops import get_seed
        self._class = TracedFunction(class_func, input_dataset._structure, "class")
        out = self._class.output_structure
        if nest.is_sequence(out) or not out.dtype.is_integer or out.shape.ndims not in (0, None):
            raise ValueError("`class_func` must return a scalar integer tensor, got %s" % (out,))
        self._target = _component(target_dist)
        self._initial = None if initial_dist is None else _component(initial_dist)
        self._seeds = get_seed(seed)
        super().__init__(input_dataset, (TensorSpec(TensorShape([]), out.dtype),
                                         input_dataset._structure),
                         tensors=list(self._class.captures) + [
                             c for c in (self._target, self._initial) if isinstance(c, Tensor)])

    def _cursor(self, env):
        target = numpy.asarray(env.value(self._target), dtype=numpy.float64).reshape(-1)
        initial = None if self._initial is None else numpy.asarray(
            env.value(self._initial), dtype=numpy.float64).reshape(-1)
        return _RejectionCursor(self._input._cursor(env), self._class.instantiate(env.values),
                                target, initial, _rng(self._seeds, env.next_pass(self)))


class _RejectionCursor(Cursor):
    def __init__(self, upstream, class_fn, target, initial, rng):
        self.upstream, self.class_fn, self.target, self.rng = upstream, class_fn, target, rng
        self.dtype = class_fn.specs[0].dtype.as_numpy_dtype
        self.initial = initial
        self.counts = numpy.zeros(len(target))

    def next(self, n):
        while True:
            block = self.upstream.next(n)
            if block is None:
                return None
            classes = numpy.asarray(self.class_fn.apply_block(block)[0][0]).reshape(-1) \
                if self.class_fn.fn.vectorized else numpy.array(
                    [self.class_fn._run_one(block, i)[0] for i in range(len(block[0]))])
            if ((classes < 0) | (classes >= len(self.target))).any():
                raise errors.InvalidArgumentError(
                    None, None, "class_func returned a class outside [0, %d)" % len(self.target))
            keep = numpy.zeros(len(classes), dtype=bool)
            draws = self.rng.random(len(classes))
            for i, c in enumerate(classes.tolist()):
                self.counts[c] += 1
                initial = self.initial if self.initial is not None else \
                    self.counts / self.counts.sum()
                with numpy.errstate(divide="ignore", invalid="ignore"):
                    ratio = numpy.where(initial > 0, self.target / initial, 0.0)
                keep[i] = draws[i] < ratio[c] / ratio.max()
            if keep.any():
                return [classes[keep].astype(self.dtype)] + [a[keep] for a in block]

    def close(self):
        self.upstream.close()


def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    """For Dataset.apply: (class, element) pairs resampled to the class distribution
    `target_dist` by rejection (minitf's random stream)."""
    return lambda dataset: _RejectionResampleDataset(dataset, class_func, target_dist,
                                                     initial_dist, seed)


# -- group_by_window / bucket_by_sequence_length ------------------------------------------------

class _GroupByWindowDataset(_UnaryDataset):
    """Elements grouped by an int64 key; each group of `window_size` elements (or what is left
    of it at the end, groups in key order) goes through `reduce_func(key, dataset)`."""

    def __init__(self, input_dataset, key_func, reduce_func, window_size_func):
        from minitf.data.function import DatasetFunction, TracedFunction
        self._key = TracedFunction(key_func, input_dataset._structure, "key")
        out = self._key.output_structure
        if nest.is_sequence(out) or out.dtype is not dtypes.int64 or out.shape.ndims not in (0, None):
            raise ValueError("`key_func` must return a single tf.int64 tensor. Got type=%s and "
                             "shape=%s" % (getattr(out, "dtype", out), getattr(out, "shape", "")))
        key_spec = TensorSpec(TensorShape([]), dtypes.int64)
        self._size = TracedFunction(window_size_func, key_spec, "window_size")
        if nest.is_sequence(self._size.output_structure) or \
                self._size.output_structure.dtype is not dtypes.int64:
            raise ValueError("`window_size_func` must return a single tf.int64 scalar tensor.")
        self._reduce = DatasetFunction(reduce_func, (key_spec, DatasetSpec(
            input_dataset._structure)))
        super().__init__(input_dataset, self._reduce.output_structure, tensors=list(
            self._key.captures) + list(self._size.captures) + list(self._reduce.captures))

    def _cursor(self, env):
        key = self._key.instantiate(env.values)
        size = self._size.instantiate(env.values)

        def window_size(k):
            return int(size._run_one([numpy.array([k], dtype=numpy.int64)], 0)[0])

        def reduce(k, elements):
            rows = [numpy.concatenate([e[c] for e in elements]) for c in range(len(elements[0]))]
            return self._reduce.cursor_for([numpy.array([k], dtype=numpy.int64),
                                            _nested_block([_Rows(rows)])], env)
        return _GroupCursor(self._input._cursor(env), key, window_size, reduce)


class _GroupCursor(_ChainCursor):
    """The elements of the reduced windows, one window after another."""

    def __init__(self, upstream, key, window_size, reduce):
        self.upstream, self.key, self.window_size, self.reduce = upstream, key, window_size, reduce
        self.groups = {}  # key: [window size, [single-element blocks]]
        self.rest = None  # the part of a block after the element that completed a window
        self.ended = False
        super().__init__(self._reduced())

    def _next_window(self):
        """The (key, elements) of the next complete group, or at the end a remaining one."""
        while not self.ended:
            block, self.rest = self.rest, None
            if block is None:
                block = self.upstream.next(64)
            if block is None:
                self.ended = True
                break
            keys = [int(k) for k in numpy.asarray(self.key.apply_block(block)[0][0]).reshape(-1)] \
                if self.key.fn.vectorized else \
                [int(self.key._run_one(block, i)[0]) for i in range(len(block[0]))]
            for i, k in enumerate(keys):
                group = self.groups.get(k)
                if group is None:
                    size = self.window_size(k)
                    if size <= 0:
                        raise errors.InvalidArgumentError(
                            None, None, "Window size must be greater than zero, but got %d."
                            % size)
                    group = self.groups[k] = [size, []]
                group[1].append([a[i:i + 1] for a in block])
                if len(group[1]) == group[0]:
                    del self.groups[k]
                    if i + 1 < len(block[0]):  # the rest of the block, for the next window
                        self.rest = [a[i + 1:] for a in block]
                    return k, group[1]
        if self.groups:
            k = min(self.groups)
            return k, self.groups.pop(k)[1]
        return None

    def _reduced(self):
        """The cursors of the reduced windows, in turn (the chain's sequence)."""
        while True:
            window = self._next_window()
            if window is None:
                return
            yield self.reduce(*window)

    def close(self):
        super().close()
        self.upstream.close()


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """For Dataset.apply: groups of `window_size` elements with one key, reduced to datasets."""
    if (window_size is None) == (window_size_func is None):
        raise ValueError("Either the `window_size` argument or the `window_size_func` argument "
                         "must be specified.")
    if window_size is not None:
        size = _component(window_size)
        size = size if isinstance(size, Tensor) else numpy.int64(size)
        window_size_func = (lambda key: size)
    return lambda dataset: _GroupByWindowDataset(dataset, key_func, reduce_func,
                                                 window_size_func)


class _BucketDataset(_UnaryDataset):
    """bucket_by_sequence_length: elements go to the bucket of their length (buckets end at
    `boundaries`); a bucket with `batch_sizes[b]` elements is padded and batched."""

    def __init__(self, input_dataset, length_func, boundaries, batch_sizes, padded_shapes,
                 padding_values, pad_to_bucket_boundary, no_padding, drop_remainder):
        from minitf.data.function import TracedFunction
        self._length = TracedFunction(length_func, input_dataset._structure, "element_length")
        self._boundaries = [int(b) for b in boundaries]
        self._sizes = [int(b) for b in batch_sizes]
        self._pad_to_boundary, self._no_padding = bool(pad_to_bucket_boundary), bool(no_padding)
        self._drop = bool(drop_remainder)
        structure = input_dataset._structure
        shapes = padded_shapes if padded_shapes is not None else nest.map_structure_any(
            lambda s: s.shape, structure)
        shapes = nest.map_structure_any(as_shape, shapes) if nest.is_sequence(structure) \
            else as_shape(shapes)
        self._padded = [s.as_tuple() for s in nest.flatten(shapes)]
        # the batches are made by _PaddedBatchDataset's code (the sizes are per bucket)
        self._batcher = _PaddedBatchDataset(input_dataset, 1, shapes, padding_values, False)
        specs = [TensorSpec(TensorShape([None]).concatenate(
            TensorShape(None) if self._no_padding and s.shape.ndims is None else
            s.shape if self._no_padding else
            TensorShape([d if d is not None and d >= 0 else None for d in p])), s.dtype)
            for s, p in zip(nest.flatten(structure), self._padded)]
        super().__init__(input_dataset, nest.pack_as(structure, specs), tensors=list(
            self._length.captures) + [v for v in self._batcher._values if isinstance(v, Tensor)])

    def _cursor(self, env):
        length = self._length.instantiate(env.values)
        values = [numpy.asarray(env.value(v)) for v in self._batcher._values]

        def reduce(k, elements):
            return _SliceCursor(self._batch(k, elements, values))
        cursor = _GroupCursor(self._input._cursor(env), _BucketKey(length, self._boundaries),
                              lambda k: self._sizes[k], reduce)
        return cursor

    def _batch(self, k, elements, values):
        """One batch of the single-element blocks `elements` of bucket `k` (no batch when
        `drop_remainder` and they are too few)."""
        if self._drop and len(elements) < self._sizes[k]:
            return [a[:0][None][:0] for a in elements[0]]
        if self._no_padding:
            return [numpy.concatenate([e[c] for e in elements])[None]
                    for c in range(len(elements[0]))]
        padded = self._padded
        if self._pad_to_boundary:
            if k >= len(self._boundaries):
                raise errors.InvalidArgumentError(
                    None, None, "When pad_to_bucket_boundary=True, elements must have length < "
                    "max(bucket_boundaries).")
            fill = self._boundaries[k] - 1
            padded = [tuple(fill if d is None or d < 0 else d for d in p) for p in padded]
        return self._batcher._combine(elements, values, padded)


class _BucketKey:
    """Stands in for a key function: the bucket of each element's length."""

    def __init__(self, length, boundaries):
        self.length, self.boundaries = length, numpy.asarray(boundaries, dtype=numpy.int64)
        self.fn = self

    vectorized = False

    def _run_one(self, block, i):
        n = int(self.length._run_one(block, i)[0])
        return [int(numpy.searchsorted(self.boundaries, n, side="right"))]


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """For Dataset.apply: elements bucketed by length and padded-batched per bucket."""
    if len(bucket_batch_sizes) != len(bucket_boundaries) + 1:
        raise ValueError("`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` but "
                         "`len(bucket_batch_sizes)=%d` and `len(bucket_boundaries)=%d`."
                         % (len(bucket_batch_sizes), len(bucket_boundaries)))
    if list(bucket_boundaries) != sorted(bucket_boundaries):
        raise ValueError("`bucket_boundaries` must be sorted.")
    return lambda dataset: _BucketDataset(dataset, element_length_func, bucket_boundaries,
                                          bucket_batch_sizes, padded_shapes, padding_values,
                                          pad_to_bucket_boundary, no_padding, drop_remainder)


# -- ops that run a dataset within a step --------------------------------------------------------

class _DatasetRunOp(OpDef):
    """An op that runs the dataset registered as `dataset` in its graph; its first `n_captures`
    inputs are the dataset's captured tensors; its outputs have the given types and shapes."""

    dataset: int = 0
    n_captures: int = 0
    output_types: tuple = ()
    output_shapes: tuple = ()
    stateful = True
    differentiable = False

    def infer(self, *inputs):
        return [TensorSpec(s, t) for t, s in zip(self.output_types, self.output_shapes)]

    def _env(self, op, values):
        from minitf.data.iterator_ops import _dataset
        dataset = _dataset(op, self.dataset)
        return dataset, _Env(dict(zip(op.inputs[:self.n_captures], values[:self.n_captures])))


def _close_env(cursor, env):
    from minitf.data.iterator_ops import _close
    _close(cursor, env)


def _result(arrays):
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


@register
class DatasetCardinality(_DatasetRunOp):
    def bind(self, ctx, op):
        def cardinality(*values):
            dataset, env = self._env(op, values)
            return numpy.int64(dataset._cardinality(env))
        return cardinality


@register
class DatasetToSingleElement(_DatasetRunOp):
    def bind(self, ctx, op):
        def single(*values):
            dataset, env = self._env(op, values)
            cursor = dataset._cursor(env)
            try:
                first = cursor.next(2)
                if first is None:
                    raise errors.InvalidArgumentError(None, op, "Dataset was empty.")
                if len(first[0]) > 1 or cursor.next(1) is not None:
                    raise errors.InvalidArgumentError(None, op,
                                                      "Dataset had more than one element.")
            finally:
                _close_env(cursor, env)
            return _result([a[0] for a in first])
        return single


@register
class ReduceDataset(_DatasetRunOp):
    """Runs the reduce function (the registered _ReduceHolder's) over the elements; the inputs
    after the dataset's captures are the function's captures, then the initial state."""

    def bind(self, ctx, op):
        def reduce(*values):
            dataset, env = self._env(op, values)
            fn = dataset._reduce_fn
            k = len(fn.captures)
            env.values.update(zip(fn.captures, values[self.n_captures:self.n_captures + k]))
            state = list(values[self.n_captures + k:])
            runner = fn.instantiate(env.values)
            cursor = dataset._cursor(env)
            try:
                while True:
                    block = cursor.next(256)
                    if block is None:
                        break
                    for i in range(len(block[0])):
                        state = _step(runner, state, [a[i:i + 1] for a in block])
            finally:
                _close_env(cursor, env)
            return _result([numpy.asarray(s) for s in state])
        return reduce


class _ReduceHolder(_UnaryDataset):
    """The dataset a ReduceDataset op runs, with the traced reduce function."""

    def __init__(self, dataset, fn):
        self._reduce_fn = fn
        super().__init__(dataset)

    def _cursor(self, env):
        return self._input._cursor(env)


def _run_op(opdef_type, dataset, extra_inputs, specs, name):
    """The outputs of an op of `opdef_type` running `dataset` (outputs as `specs`)."""
    from minitf.data.iterator_ops import _create, _register_dataset
    captures = dataset._captures()
    opdef = opdef_type(_register_dataset(dataset), len(captures),
                       tuple(s.dtype for s in specs), tuple(s.shape for s in specs))
    return _create(opdef, list(captures) + list(extra_inputs), name).outputs


def reduce(dataset, initial_state, reduce_func):
    """Dataset.reduce: the final state of `reduce_func(state, element)` over the elements."""
    from minitf.ops.constant_op import convert_to_tensor
    components, state = _state_components(initial_state)
    fn, state = trace_with_state(reduce_func, state, dataset._structure, "reduce",
                                 lambda out: out)
    initial = [convert_to_tensor(c) for c in nest.flatten(components)]
    outputs = _run_op(ReduceDataset, _ReduceHolder(dataset, fn), list(fn.captures) + initial,
                      nest.flatten(state), "ReduceDataset")
    return nest.pack_as(state, outputs)


def get_single_element(dataset):
    """The single element of `dataset` as tensors (InvalidArgumentError when it has none or
    more than one)."""
    if not isinstance(dataset, Dataset):
        raise TypeError("`dataset` must be a `tf.data.Dataset` object.")
    outputs = _run_op(DatasetToSingleElement, dataset, [], dataset._flat_specs,
                      "DatasetToSingleElement")
    return nest.pack_as(dataset._structure, outputs)


def cardinality(dataset):
    """The number of elements of `dataset` as an int64 scalar tensor: INFINITE_CARDINALITY
    (-1) or UNKNOWN_CARDINALITY (-2) where TF's rules say so."""
    return _run_op(DatasetCardinality, dataset, [], [TensorSpec(TensorShape([]), dtypes.int64)],
                   "DatasetCardinality")[0]
