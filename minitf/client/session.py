"""Session and InteractiveSession: map fetches, check and convert feeds, cache one Plan per
signature, and own the state (variable values, random generators) of one graph execution."""

import collections
import functools
import random
import sys
import threading
import time
import warnings

import numpy

from minitf import backend, dtypes, errors, workers
from minitf.client import threads
from minitf.client.buffers import BufferPool
from minitf.client.loops import Loop
from minitf.client.plan import Plan, prune
from minitf.framework import context, nest
from minitf.framework import graph as graph_module
from minitf.framework.graph_def import shape_to_proto
from minitf.framework.indexed_slices import IndexedSlices, IndexedSlicesValue
from minitf.framework.operation import Operation
from minitf.framework.sparse_tensor import SparseTensor, SparseTensorValue
from minitf.framework.tensor import Tensor
from minitf.ops.op_util import is_tensor_like
from minitf.protos.config_pb2 import ConfigProto, RunMetadata, RunOptions

# The graph growing between this many consecutive runs means ops are built inside the loop.
GROWTH_RUNS_BEFORE_WARNING = 10


class SessionState:
    """What one Session owns: variable values (keyed by VariableV2 op), random generators, the
    mutable state of other stateful kernels (`op_state`, keyed by op: tf.Print's count), and
    resources (queues, iterators, readers: `resources`, keyed by the op that creates them).

    From the session's ConfigProto it also holds what kernels and the engine may read:
    `intra_op_threads` and `inter_op_threads` (ConfigProto's intra_op_parallelism_threads and
    inter_op_parallelism_threads; 0 means "the system's choice", as in TF), and `deadline`,
    the time.monotonic() by which the current run's blocking kernels must give up (None: no
    deadline); a blocking kernel waits at most `seconds_left()` and then raises
    DeadlineExceededError (`check_deadline()`).

    `lock` is the session's run lock. A kernel that must wait for another run (a dequeue from an
    empty queue) waits on a `threading.Condition(lock)`, which releases the lock meanwhile, so
    the runs that would wake it (enqueues from QueueRunner threads) can proceed; it reads
    `deadline` before it waits, since the runs it lets in set their own. A resource with a
    `close_with_session()` method is closed with the session: it wakes its waiters, which then
    raise CancelledError, and stops its threads."""

    def __init__(self, config=None, lock=None):
        self.variables = {}
        self.op_state = {}
        self.resources = {}
        self.buffers = BufferPool()
        self.workers = workers  # the intra-op pool tiled kernels split over (op_util.each_tile)
        self.lock = lock if lock is not None else threading.RLock()
        self.closed = False
        self._rngs = {}
        self.intra_op_threads = config.intra_op_parallelism_threads if config else 0
        self.inter_op_threads = config.inter_op_parallelism_threads if config else 0
        self.deadline = None
        self.trace = None  # (op, start_ns, end_ns, outputs) per kernel while a traced run runs
        # ConfigProto(device_count={"GPU": n}) hides the GPUs past n, as in TF (n = 0: CPU only)
        self.max_gpus = config.device_count["GPU"] if config and "GPU" in config.device_count \
            else None

    def compile(self, elements, fed_tensors):
        """A Plan over this state for a sub-graph (a branch, a loop body), run with Plan.call."""
        return Plan(self, elements, fed_tensors, nested=True)

    def compile_loop(self, cond, body, n_vars, n_stacked, keep, has_maximum):
        """A while loop over this state with its condition and body inlined (client/loops.py)."""
        return Loop(self, cond, body, n_vars, n_stacked, keep, has_maximum)

    def resource(self, op, make):
        """The resource `op` created in this session, made by `make()` on first use."""
        res = self.resources.get(op)
        if res is None:
            with self.lock:
                res = self.resources.get(op)
                if res is None:
                    if self.closed:
                        raise errors.CancelledError(None, op, "Session has been closed.")
                    res = self.resources[op] = make()
        return res

    def close(self):
        """Closes every resource (wakes blocked kernels, stops background threads). It does not
        take the run lock: a run blocked inside a kernel may hold it."""
        self.closed = True
        for res in list(self.resources.values()):
            close = getattr(res, "close_with_session", None)
            if close is not None:
                close()

    def device_for(self, op):
        """The Device `op` runs on: its placement, except that these run on the host: ops
        whose outputs are shapes (host memory), ops whose kernels need numpy, ops that read or
        make strings (TF has no GPU kernels for them: soft placement puts them on the CPU),
        and ops on int32 values alone: int32 in, int32 or bool out (TF keeps int32 tensors of
        a GPU in host memory: shape arithmetic such as a mean's gradient, and a while loop's
        `i < n`, never sync with the device)."""
        opdef = op.opdef
        if opdef.host_outputs or opdef.host_only:
            return backend.HOST
        ins, outs = {t.dtype for t in op.inputs}, {t.dtype for t in op.outputs}
        if dtypes.string in ins or dtypes.string in outs:
            return backend.HOST
        if ins <= {dtypes.int32} and outs and outs <= ({dtypes.int32, dtypes.bool} if ins
                                                        else {dtypes.int32}):
            return backend.HOST
        return backend.device_for(op.device, max_gpus=self.max_gpus)

    def xp_for(self, op):
        return self.device_for(op).xp

    def rng_for(self, op):
        """The op's own random stream: seeded from (seed, seed2) so a program repeats itself,
        advancing between runs so successive runs differ (TF1's semantics)."""
        rng = self._rngs.get(op)
        if rng is None:
            seed, seed2 = op.get_attr("seed"), op.get_attr("seed2")
            rng = numpy.random.default_rng([seed, seed2] if (seed or seed2) else None)
            self._rngs[op] = rng
        return rng

    def seconds_left(self):
        """Seconds until the current run's deadline (None: no deadline); raises
        DeadlineExceededError once it has passed."""
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.check_deadline()
        return left

    def check_deadline(self, op=None):
        """Raises DeadlineExceededError when the current run's deadline has passed."""
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise errors.DeadlineExceededError(None, op, "Timed out waiting for notification")


def _is_leaf(fetch):
    return isinstance(fetch, (Tensor, Operation, str)) or hasattr(fetch, "_as_graph_element")


class _FetchMapper:
    """Flattens nested fetches (lists, tuples, namedtuples, dicts) into unique graph elements and
    rebuilds the same structure around their values."""

    def __init__(self, graph, fetches):
        self.elements = []
        index = {}

        def flatten(f):
            if f is None:
                raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
            if isinstance(f, (list, tuple)):
                parts = [flatten(x) for x in f]
                if hasattr(f, "_fields"):  # namedtuple
                    return lambda v: type(f)(*[p(v) for p in parts])
                kind = type(f)
                return lambda v: kind(p(v) for p in parts)
            if isinstance(f, SparseTensor):
                parts = [flatten(t) for t in (f.indices, f.values, f.dense_shape)]
                return lambda v: SparseTensorValue(*[p(v) for p in parts])
            if isinstance(f, IndexedSlices):  # TF returns its three parts' values
                parts = [flatten(t) if t is not None else (lambda v: None)
                         for t in (f.values, f.indices, f.dense_shape)]
                return lambda v: IndexedSlicesValue(*[p(v) for p in parts])
            if isinstance(f, dict):
                keys = list(f)
                parts = [flatten(f[k]) for k in keys]
                kind = type(f) if not isinstance(f, collections.defaultdict) else dict
                return lambda v: kind(zip(keys, (p(v) for p in parts)))
            try:
                element = graph.as_graph_element(f, allow_tensor=True, allow_operation=True)
            except TypeError:
                raise TypeError("Fetch argument %r has invalid type %r, must be a string or "
                                "Tensor. (Can not convert a %s into a Tensor or Operation.)"
                                % (f, type(f), type(f).__name__)) from None
            except ValueError as e:
                raise ValueError("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                                 % (f, e)) from None
            except KeyError as e:
                raise ValueError("Fetch argument %r cannot be interpreted as a Tensor. (%s)"
                                 % (f, e.args[0])) from None
            if element not in index:
                index[element] = len(self.elements)
                self.elements.append(element)
            i = index[element]
            return lambda v: v[i]

        self.build = flatten(fetches)
        self.elements = tuple(self.elements)  # the plan cache key, built once


class Session:
    """Runs a graph. Each Session has its own variable values and random state, as in TF1.

    `config` (a tf.ConfigProto, copied when the session is made) is honoured where it means
    something in minitf: `log_device_placement` prints each op's device the first time a run
    uses it; `allow_soft_placement=False` makes an op pinned to a GPU that is not there an
    InvalidArgumentError (without a config, placement is soft); `operation_timeout_in_ms` is
    the default deadline of blocking kernels (RunOptions.timeout_in_ms overrides it per run);
    `intra_op_parallelism_threads` / `inter_op_parallelism_threads` are kept on the session
    state (`SessionState.intra_op_threads` / `inter_op_threads`): the first is the BLAS
    thread count of every run (minitf/client/threads.py has the policy without it);
    `device_count={"GPU": n}` hides the GPUs past n (0: CPU only). Other fields are accepted
    and ignored (docs/config.md lists them)."""

    def __init__(self, target="", graph=None, config=None):
        if graph is None:
            graph = context.get_default_graph()
        if not isinstance(graph, graph_module.Graph):
            raise TypeError("graph must be a tf.Graph, but got %s" % type(graph))
        if config is not None:
            if not isinstance(config, ConfigProto):
                raise TypeError("config must be a tf.ConfigProto, but got %s" % type(config))
            config, given = ConfigProto(), config
            config.CopyFrom(given)  # later changes to the caller's proto do not apply (as TF)
        self._graph = graph
        self._target = target
        self._config = config
        self._closed = False
        self._lock = threading.RLock()
        self._state = SessionState(config, self._lock)
        self._placed = set()  # ops whose placement was checked (and logged)
        self._plans = {}
        self._plan_threads = {}  # plan key -> threads.PlanThreads (None: the plan calls no BLAS)
        self._env_threads = threads.env_threads()
        self._mappers = {}
        self._last_version = None
        self._growth_streak = 0
        self._warned_growth = False
        self._default_context = None

    @property
    def graph(self):
        return self._graph

    @property
    def graph_def(self):
        return self._graph.as_graph_def()

    @property
    def sess_str(self):
        return self._target

    # -- running -------------------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Evaluates `fetches` (a graph element, its name, or a nested list / tuple / dict /
        namedtuple of them) with `feed_dict` values, returning values in the same structure."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if options is not None and not isinstance(options, RunOptions):
            raise TypeError("options must be a tf.RunOptions, but got %s" % type(options))
        if run_metadata is not None and not isinstance(run_metadata, RunMetadata):
            raise TypeError("run_metadata must be a tf.RunMetadata, but got %s"
                            % type(run_metadata))
        mapper = self._mapper(fetches)
        feed_tensors, feed_values = self._convert_feeds(feed_dict)
        self._note_graph_growth()
        trace = bool(options is not None and options.trace_level and run_metadata is not None)
        key = (mapper.elements, tuple(feed_tensors), trace) if trace else (
            mapper.elements, tuple(feed_tensors))
        timeout_ms = options.timeout_in_ms if options is not None else 0
        if timeout_ms <= 0 and self._config is not None:
            timeout_ms = self._config.operation_timeout_in_ms
        with self._lock:
            if self._closed:  # closed by another thread while this one waited for the lock
                raise RuntimeError("Attempted to use a closed Session.")
            plan = self._plans.get(key)
            if plan is None:
                self._place(mapper.elements, feed_tensors)
                plan = Plan(self._state, mapper.elements, feed_tensors, trace=trace)
                self._plans[key] = plan
                self._plan_threads[key] = self._threads_for(plan)
            policy = self._plan_threads.get(key)
            state = self._state
            state.deadline = time.monotonic() + timeout_ms / 1000. if timeout_ms > 0 else None
            if trace:
                state.trace = []
                start = (time.time_ns(), time.perf_counter_ns())
            try:
                values = plan.run(feed_values) if policy is None else policy.run(plan, feed_values)
            finally:
                state.deadline = None
                records, state.trace = state.trace, None
        if run_metadata is not None:
            if trace:
                _record_step_stats(run_metadata, records, start, state)
            if options is not None and options.output_partition_graphs:
                run_metadata.partition_graphs.add().CopyFrom(self._graph.as_graph_def())
        return mapper.build(values)

    def _threads_for(self, plan):
        """The BLAS thread policy of a new plan (minitf/client/threads.py)."""
        return threads.for_plan(plan, self._state.intra_op_threads, self._env_threads)

    def _place(self, elements, feed_tensors):
        """Checks (and with log_device_placement prints) the device of each op a new plan
        runs, once per op per session."""
        config = self._config
        if config is None:
            return
        ops = prune(elements, set(feed_tensors))
        # (constants last: TF names the op that computes, not its Const inputs)
        for op in sorted(ops - self._placed, key=lambda o: (o.opdef.is_constant, o.index)):
            if not config.allow_soft_placement and backend.device_for(
                    op.device, soft=False, max_gpus=self._state.max_gpus) is None:
                raise errors.InvalidArgumentError(
                    None, op, "Cannot assign a device for operation %s: {{node %s}} was "
                    "explicitly assigned to %s but available devices are [ %s ]. Make sure "
                    "the device specification refers to a valid device."
                    % (op.name, op.name, op.device,
                       ", ".join(d.name for d in self.list_devices())))
            if config.log_device_placement:
                print("%s: (%s): %s" % (op.name, op.type,
                                        _device_name(self._state.device_for(op))),
                      file=sys.stdout)
            self._placed.add(op)

    def _mapper(self, fetches):
        # Cached only for one element or a flat list / tuple of elements: nested structures
        # (namedtuples, dicts, lists of tuples) compare equal across types, so they are mapped
        # each time.
        if _is_leaf(fetches):
            key = fetches
        elif type(fetches) in (list, tuple) and all(_is_leaf(f) for f in fetches):
            key = (type(fetches), tuple(fetches))
        else:
            return _FetchMapper(self._graph, fetches)
        mapper = self._mappers.get(key)
        if mapper is None:
            mapper = _FetchMapper(self._graph, fetches)
            if len(self._mappers) < 4096:
                self._mappers[key] = mapper
        return mapper

    def _convert_feeds(self, feed_dict):
        if not feed_dict:
            return (), ()
        tensors, values = [], []
        for key, value in _expand_sparse_feeds(feed_dict):
            tensor = self._feed_tensor(key)
            tensors.append(tensor)
            values.append(convert_feed_value(tensor, key, value))
        return tensors, values

    def _feed_tensor(self, key):
        try:
            t = self._graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
        except TypeError:
            raise TypeError("Cannot interpret feed_dict key as Tensor: Can not convert a %s "
                            "into a Tensor." % type(key).__name__) from None
        except (KeyError, ValueError) as e:
            raise TypeError("Cannot interpret feed_dict key as Tensor: %s"
                            % (e.args[0] if e.args else e)) from None
        return t

    def _note_graph_growth(self):
        version = self._graph.version
        if self._last_version is not None and version > self._last_version:
            self._growth_streak += 1
            if self._growth_streak >= GROWTH_RUNS_BEFORE_WARNING and not self._warned_growth:
                self._warned_growth = True
                warnings.warn(
                    "The graph has grown between each of the last %d Session.run calls (now %d "
                    "ops). Ops created inside a training loop stay in the graph forever and slow "
                    "every step: build the graph once, before the loop, and only run it inside."
                    % (self._growth_streak, version), RuntimeWarning, stacklevel=3)
        else:
            self._growth_streak = 0
        self._last_version = version

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function `f(*feed_values)` that runs `fetches`, fed in `feed_list` order."""
        mapper = _FetchMapper(self._graph, fetches)
        feed_tensors = [self._feed_tensor(k) for k in (feed_list or [])]
        feed_keys = list(feed_list or [])
        with self._lock:
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            plan = Plan(self._state, mapper.elements, feed_tensors)
            policy = self._threads_for(plan)

        def call(*args, **kwargs):
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            if len(args) != len(feed_tensors):
                raise TypeError("This callable takes %d feed values, got %d"
                                % (len(feed_tensors), len(args)))
            values = [convert_feed_value(t, k, v) for t, k, v in zip(feed_tensors, feed_keys, args)]
            with self._lock:
                if self._closed:
                    raise RuntimeError("Attempted to use a closed Session.")
                return mapper.build(plan.run(values) if policy is None
                                    else policy.run(plan, values))
        return call

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self):
        """Releases the session's state (variable values); the session can no longer run. A
        run in progress in another thread finishes first; later runs raise RuntimeError
        ("Attempted to use a closed Session."), as in TF."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._state.close()
                self._state = None
                self._plans.clear()
                self._plan_threads.clear()
                threads.restore()
                self._mappers.clear()

    def as_default(self):
        return context.default_session_context(self)

    def list_devices(self):
        """The devices this session can place ops on, as TF1's `_DeviceAttributes` (name,
        device_type, memory_limit_bytes, incarnation)."""
        return [DeviceAttributes(_device_name(d), d.kind, _memory_limit(d))
                for d in backend.list_devices(self._state.max_gpus)]

    def __enter__(self):
        self._default_context = self.as_default()
        self._graph_context = self._graph.as_default()
        self._graph_context.__enter__()
        self._default_context.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        self._default_context.__exit__(exc_type, exc, tb)
        self._graph_context.__exit__(exc_type, exc, tb)
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def _as_bytes_array(tensor, array):
    """A string feed as TF holds it: every element bytes (str is encoded as UTF-8), so what
    a run returns for a tf.string tensor is bytes, as in TF1."""
    flat = array.reshape(-1)
    if all(type(v) is bytes for v in flat.tolist()):
        return array
    out = numpy.empty(array.shape, dtype=object)
    out_flat = out.reshape(-1)
    for i, v in enumerate(flat.tolist()):
        if isinstance(v, str):
            v = v.encode("utf-8")
        elif not isinstance(v, (bytes, bytearray)):
            raise TypeError("The value fed for %s (a tf.string tensor) holds %r, which is not a "
                            "string" % (tensor.name, v))
        out_flat[i] = bytes(v)
    return out


def _expand_sparse_feeds(feed_dict):
    """The (key, value) pairs of a feed_dict, a SparseTensor key fed a SparseTensorValue (or an
    (indices, values, dense_shape) tuple) becoming its three tensors, and a nested tuple of
    tensors (an RNN's state) fed the same structure of values becoming its leaves, as TF1
    does."""
    for key, value in feed_dict.items():
        if isinstance(key, tuple) and not isinstance(key, SparseTensor):
            keys, values = nest.flatten(key), nest.flatten(value)
            if len(keys) != len(values):
                raise ValueError("Could not flatten dictionary. Key had %d elements, but value "
                                 "had %d elements. Key: %s, value: %s."
                                 % (len(keys), len(values), keys, values))
            yield from _expand_sparse_feeds(dict(zip(keys, values)))
        elif isinstance(key, SparseTensor):
            if not (isinstance(value, tuple) and len(value) == 3):
                raise TypeError("The value fed for a SparseTensor must be a tf.SparseTensorValue "
                                "or an (indices, values, dense_shape) tuple, got %r" % (value,))
            yield from zip((key.indices, key.values, key.dense_shape), value)
        else:
            yield key, value


def _device_name(device):
    return "/job:localhost/replica:0/task:0" + device.name


# TF's CPU allocator reports a fixed 256 MiB as the host's memory limit; minitf says the same.
_HOST_MEMORY_LIMIT = 268435456


def _memory_limit(device):
    """The bytes TF would report for `device`: 256 MiB for the host, a GPU's free memory."""
    if device.kind == "CPU":
        return _HOST_MEMORY_LIMIT
    return backend.gpu_properties(device)[3]


class DeviceAttributes:
    """One entry of `Session.list_devices()` (TF1's `session._DeviceAttributes`)."""

    __slots__ = ("name", "device_type", "memory_limit_bytes", "incarnation")

    def __init__(self, name, device_type, memory_limit_bytes):
        self.name, self.device_type = name, device_type
        self.memory_limit_bytes = memory_limit_bytes
        self.incarnation = random.getrandbits(63)  # TF: a random id of this device's instance

    def __repr__(self):
        return "_DeviceAttributes(%s, %s, %d, %d)" % (
            self.name, self.device_type, self.memory_limit_bytes, self.incarnation)


def _record_step_stats(run_metadata, records, start, state):
    """Fills run_metadata.step_stats with one NodeExecStats per kernel the traced run called:
    times relative to the run's start, TF's label `name = Type(input, input:1, ^control)` and
    each output's dtype, shape and bytes, which tf.python.client.timeline reads for its
    dataflow arrows and memory view."""
    by_device = {}
    for op, t0, t1, outputs in records:
        device = by_device.get(state.device_for(op))
        if device is None:
            device = by_device[state.device_for(op)] = run_metadata.step_stats.dev_stats.add()
            device.device = _device_name(state.device_for(op))
        stats = device.node_stats.add()
        stats.node_name = op.name
        stats.timeline_label = "%s = %s(%s)" % (op.name, op.type, ", ".join(
            [t.op.name if t.value_index == 0 else t.name for t in op.inputs]
            + ["^" + c.name for c in op.control_inputs]))
        stats.all_start_nanos = start[0] + (t0 - start[1])
        stats.all_start_micros = stats.all_start_nanos // 1000
        stats.op_end_rel_nanos = stats.all_end_rel_nanos = t1 - t0
        stats.op_end_rel_micros = stats.all_end_rel_micros = (t1 - t0) // 1000
        allocator = _allocator_name(state.device_for(op))
        for slot, (tensor, (shape, nbytes)) in enumerate(zip(op.outputs, outputs)):
            description = stats.output.add(slot=slot).tensor_description
            description.dtype = tensor.dtype.as_datatype_enum
            description.shape.CopyFrom(shape_to_proto(shape))
            description.allocation_description.requested_bytes = nbytes
            description.allocation_description.allocator_name = allocator


def _allocator_name(device):
    """The allocator TF names in a trace: "cpu" for the host, "GPU_<n>_bfc" for a GPU."""
    return "cpu" if device.kind == "CPU" else "GPU_%d_bfc" % device.index


class InteractiveSession(Session):
    """A Session that installs itself as the default session on creation (for notebooks)."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        context.set_interactive_session(self)

    def close(self):
        context.clear_interactive_session(self)
        super().close()


def _check_bool_feed(tensor, value):
    """A bool tensor (a `training` switch) takes bools, or the integers 0 and 1: TF1 would turn
    0.5 or the string 'False' into True without a word."""
    raw = numpy.asarray(value)
    if raw.dtype.kind == "b" or (raw.dtype.kind in "iu" and numpy.isin(raw, (0, 1)).all()):
        return
    raise errors.InvalidArgumentError(
        None, tensor.op, "Cannot feed %s to the bool tensor %s: feed True or False"
        % ("the %s value %r" % (raw.dtype.name, value) if raw.size <= 4 else
           "a %s array" % raw.dtype.name, tensor.name))


@functools.lru_cache(maxsize=None)
def _iinfo(np_dtype):
    return numpy.iinfo(np_dtype)  # (~1 us to build: once per feed of an int array otherwise)


def _check_integer_range(tensor, value, np_dtype):
    """An integer array fed to a narrower integer dtype would wrap around silently (numpy's
    cast, and TF1's): InvalidArgumentError naming the feed and the dtype instead."""
    if not isinstance(value, (numpy.ndarray, numpy.integer)):
        return
    value = numpy.asarray(value)
    if not (value.dtype.kind in "iu" and value.size and numpy.dtype(np_dtype).kind in "iu"):
        return
    info = _iinfo(np_dtype)
    low, high = int(value.min()), int(value.max())
    if low < info.min or high > info.max:
        raise errors.InvalidArgumentError(
            None, None, "The value fed for %s does not fit in its dtype %s: it holds %d, "
            "outside [%d, %d]" % (tensor.name, numpy.dtype(np_dtype).name,
                                  low if low < info.min else high, info.min, info.max))


def convert_feed_value(tensor, key, value):
    """A feed value as an array of the tensor's dtype, checked against its static shape."""
    if is_tensor_like(value):
        raise TypeError("The value of a feed cannot be a tf.Tensor object. Acceptable feed "
                        "values include Python scalars, strings, lists, numpy ndarrays, or "
                        "TensorHandles. For reference, the tensor object was %r which was "
                        "passed to the feed with key %r." % (value, key))
    np_dtype = tensor.dtype.as_numpy_dtype
    if np_dtype is numpy.bool_:
        _check_bool_feed(tensor, value)
    if type(value) is numpy.ndarray and value.dtype == np_dtype:
        array = value
    else:
        _check_integer_range(tensor, value, np_dtype)
        try:
            array = numpy.asarray(value, dtype=np_dtype)
        except OverflowError as e:  # a Python int beyond the dtype: numpy's OverflowError
            raise errors.InvalidArgumentError(
                None, None, "The value fed for %s does not fit in its dtype %s: %s"
                % (tensor.name, tensor.dtype.name, e)) from None
        except (TypeError, ValueError) as e:  # numpy's class, as TF1 lets it through
            raise type(e)("Cannot convert the value fed for %s to %s: %s"
                          % (tensor.name, tensor.dtype.name, e)) from None
    if np_dtype is numpy.object_:
        array = _as_bytes_array(tensor, array)
    dims = tensor.shape.as_tuple()
    if dims is not None and (len(dims) != array.ndim or any(
            d is not None and d != a for d, a in zip(dims, array.shape))):
        if len(dims) != array.ndim:
            detail = "the ranks differ (%d vs %d)" % (array.ndim, len(dims))
        else:
            axis = next(i for i, (d, a) in enumerate(zip(dims, array.shape))
                        if d is not None and d != a)
            detail = "axis %d has size %d, but the tensor needs %d" % (axis, array.shape[axis], dims[axis])
        raise ValueError("Cannot feed value of shape %s for Tensor '%s', which has shape '%s': %s."
                         % (array.shape, tensor.name, tensor.shape, detail))
    return array

