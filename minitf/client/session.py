"""Session and InteractiveSession: map fetches, check and convert feeds, cache one Plan per
signature, and own the state (variable values, random generators) of one graph execution."""

import collections
import threading
import warnings

import numpy

from minitf import backend
from minitf.client.buffers import BufferPool
from minitf.client.plan import Plan
from minitf.framework import graph as graph_module
from minitf.framework.operation import Operation
from minitf.framework.tensor import Tensor

# The graph growing between this many consecutive runs means ops are built inside the loop.
GROWTH_RUNS_BEFORE_WARNING = 10


class SessionState:
    """What one Session owns: variable values (keyed by VariableV2 op), random generators, and
    the mutable state of other stateful kernels (`op_state`, keyed by op: tf.Print's count)."""

    def __init__(self):
        self.variables = {}
        self.op_state = {}
        self.buffers = BufferPool()
        self._rngs = {}

    @staticmethod
    def xp_for(op):
        return backend.array_module_for(op.device)

    def rng_for(self, op):
        """The op's own random stream: seeded from (seed, seed2) so a program repeats itself,
        advancing between runs so successive runs differ (TF1's semantics)."""
        rng = self._rngs.get(op)
        if rng is None:
            seed, seed2 = op.get_attr("seed"), op.get_attr("seed2")
            rng = numpy.random.default_rng([seed, seed2] if (seed or seed2) else None)
            self._rngs[op] = rng
        return rng


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
    """Runs a graph. Each Session has its own variable values and random state, as in TF1."""

    def __init__(self, target="", graph=None, config=None):
        if graph is None:
            graph = graph_module.get_default_graph()
        if not isinstance(graph, graph_module.Graph):
            raise TypeError("graph must be a tf.Graph, but got %s" % type(graph))
        self._graph = graph
        self._target = target
        self._config = config
        self._closed = False
        self._state = SessionState()
        self._plans = {}
        self._mappers = {}
        self._lock = threading.RLock()
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
        mapper = self._mapper(fetches)
        feed_tensors, feed_values = self._convert_feeds(feed_dict)
        self._note_graph_growth()
        key = (mapper.elements, tuple(feed_tensors))
        with self._lock:
            plan = self._plans.get(key)
            if plan is None:
                plan = self._plans[key] = Plan(self._state, mapper.elements, feed_tensors)
            values = plan.run(feed_values)
        return mapper.build(values)

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
        for key, value in feed_dict.items():
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
            plan = Plan(self._state, mapper.elements, feed_tensors)

        def call(*args, **kwargs):
            if self._closed:
                raise RuntimeError("Attempted to use a closed Session.")
            if len(args) != len(feed_tensors):
                raise TypeError("This callable takes %d feed values, got %d"
                                % (len(feed_tensors), len(args)))
            values = [convert_feed_value(t, k, v) for t, k, v in zip(feed_tensors, feed_keys, args)]
            with self._lock:
                return mapper.build(plan.run(values))
        return call

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self):
        """Releases the session's state (variable values); the session can no longer run."""
        if not self._closed:
            self._closed = True
            self._state = None
            self._plans.clear()
            self._mappers.clear()

    def as_default(self):
        return graph_module.default_session_context(self)

    def list_devices(self):
        devices = ["/job:localhost/replica:0/task:0/device:CPU:0"]
        if backend.gpu_available():
            devices.append("/job:localhost/replica:0/task:0/device:GPU:0")
        return devices

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


class InteractiveSession(Session):
    """A Session that installs itself as the default session on creation (for notebooks)."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        graph_module.set_interactive_session(self)

    def close(self):
        graph_module.clear_interactive_session(self)
        super().close()


def convert_feed_value(tensor, key, value):
    """A feed value as an array of the tensor's dtype, checked against its static shape."""
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        raise TypeError("The value of a feed cannot be a tf.Tensor object. Acceptable feed "
                        "values include Python scalars, strings, lists, numpy ndarrays, or "
                        "TensorHandles. For reference, the tensor object was %r which was "
                        "passed to the feed with key %r." % (value, key))
    np_dtype = tensor.dtype.as_numpy_dtype
    if type(value) is numpy.ndarray and value.dtype == np_dtype:
        array = value
    else:
        try:
            array = numpy.asarray(value, dtype=np_dtype)
        except (TypeError, ValueError) as e:  # numpy's class, as TF1 lets it through
            raise type(e)("Cannot convert the value fed for %s to %s: %s"
                          % (tensor.name, tensor.dtype.name, e)) from None
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

