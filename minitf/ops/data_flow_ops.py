"""TF1's queues: tf.FIFOQueue, tf.RandomShuffleQueue, tf.PaddingFIFOQueue and their enqueue /
dequeue / close / size ops, with TF1's blocking and closing semantics; and tf.count_up_to.

A queue lives in the Session (a resource keyed by its queue op), so two sessions have separate
queues. A kernel that must wait (a dequeue from an empty queue, an enqueue to a full one) waits
on a Condition built on the session's run lock: waiting releases the lock, so the runs that
will wake it (QueueRunner threads enqueueing) can proceed, and the waiter continues once they
are done. Closing a queue wakes its waiters (dequeues then get what is left or OutOfRangeError;
with cancel_pending_enqueues, waiting enqueues get CancelledError); closing the session cancels
every waiter. Waits honour the run's deadline (RunOptions.timeout_in_ms /
ConfigProto.operation_timeout_in_ms)."""

import collections
import threading
import time

import numpy

from minitf import dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.resources import ResourceOp, resource_of
from minitf.framework.shapes import TensorShape, as_shape, format_dims
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.random_ops import get_seed
from minitf.ops.state_ops import uninitialized_error, variable_ref, variable_storage

__all__ = ["QueueBase", "FIFOQueue", "RandomShuffleQueue", "PaddingFIFOQueue", "PriorityQueue",
           "count_up_to"]

_KINDS = {"FIFOQueueV2": "FIFOQueue", "RandomShuffleQueueV2": "RandomShuffleQueue",
          "PaddingFIFOQueueV2": "PaddingFIFOQueue", "PriorityQueueV2": "PriorityQueue"}


class QueueResource:
    """The state of one queue in one session."""

    def __init__(self, op, ctx):
        attrs = op.opdef
        self.kind = _KINDS[op.type]
        self.name = attrs.shared_name or "_%d_%s" % (len(ctx.resources), op.name)
        self.capacity = attrs.capacity if attrs.capacity >= 0 else None
        self.shapes = attrs.shapes
        self.dtypes = attrs.component_types
        self.min_after_dequeue = getattr(attrs, "min_after_dequeue", 0)
        self.cond = threading.Condition(ctx.lock)
        self.ctx = ctx
        self.items = collections.deque()
        self.closed = False
        self.cancel_enqueues = False
        self.cancelled = False
        if self.kind == "RandomShuffleQueue":
            seed, seed2 = attrs.seed, attrs.seed2
            self.rng = numpy.random.default_rng([seed, seed2] if (seed or seed2) else None)

    # -- waiting -------------------------------------------------------------------------------
    def _wait(self, ready, what, deadline):
        """Waits (releasing the session lock) until `ready()`; raises CancelledError when the
        session closes and DeadlineExceededError when the run's deadline passes."""
        while not ready():
            if self.cancelled:
                raise errors.CancelledError(None, None, "%s operation was cancelled" % what)
            if deadline is None:
                self.cond.wait()
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise errors.DeadlineExceededError(
                        None, None, "Timed out waiting for notification")
                self.cond.wait(left)
        if self.cancelled:
            raise errors.CancelledError(None, None, "%s operation was cancelled" % what)

    # -- operations ----------------------------------------------------------------------------
    def enqueue(self, elements, deadline):
        """Adds the elements (tuples of component arrays) one by one as capacity allows."""
        with self.cond:
            if self.closed:
                raise errors.CancelledError(None, None, "%s '%s' is closed."
                                            % (self.kind, self.name))
            for element in elements:
                if self.capacity is not None:
                    # Closing lets a pending enqueue finish when room is made, unless it
                    # cancels pending enqueues (TF1's semantics).
                    self._wait(lambda: len(self.items) < self.capacity or self.cancel_enqueues,
                               "Enqueue", deadline)
                    if self.cancel_enqueues:
                        raise errors.CancelledError(None, None, "Enqueue operation was cancelled")
                self.items.append(element)
                self.cond.notify_all()

    def dequeue(self, n, allow_smaller, deadline):
        """`n` elements (a list), waiting for them; fewer (at least one) if `allow_smaller`
        and the queue is closed."""
        with self.cond:
            def ready():
                if self.closed:
                    return True
                return len(self.items) >= n + (self.min_after_dequeue if n else 0)
            self._wait(ready, "Dequeue", deadline)
            if len(self.items) < max(n, 1) and self.closed:
                if not (allow_smaller and self.items):
                    raise errors.OutOfRangeError(
                        None, None, "%s '%s' is closed and has insufficient elements (requested "
                        "%d, current size %d)" % (self.kind, self.name, n, len(self.items)))
                n = len(self.items)
            taken = [self._take() for _ in range(n)]
            self.cond.notify_all()
            return taken

    def _take(self):
        if self.kind == "PriorityQueue":  # the lowest priority (component 0) first
            i = min(range(len(self.items)), key=lambda j: int(self.items[j][0]))
            self.items.rotate(-i)
            element = self.items.popleft()
            self.items.rotate(i)
            return element
        if self.kind == "RandomShuffleQueue":
            i = int(self.rng.integers(len(self.items)))
            self.items.rotate(-i)
            element = self.items.popleft()
            self.items.rotate(i)
            return element
        return self.items.popleft()

    def close(self, cancel_pending_enqueues):
        with self.cond:
            self.closed = True
            self.cancel_enqueues = self.cancel_enqueues or cancel_pending_enqueues
            self.cond.notify_all()

    def close_with_session(self):
        with self.cond:
            self.cancelled = True
            self.cond.notify_all()


# -- ops ---------------------------------------------------------------------------------------

class _QueueOp(ResourceOp):
    """A queue's handle: the queue itself is made in each session on first use."""

    component_types: tuple = ()
    shapes: tuple = ()
    capacity: int = -1
    container: str = ""
    shared_name: str = ""

    def create(self, ctx, op):
        return QueueResource(op, ctx)


@register
class FIFOQueueV2(_QueueOp):
    pass


@register
class PaddingFIFOQueueV2(_QueueOp):
    pass


@register
class PriorityQueueV2(_QueueOp):
    pass


@register
class RandomShuffleQueueV2(_QueueOp):
    min_after_dequeue: int = 0
    seed: int = 0
    seed2: int = 0


class _QueueUse(OpDef):
    """An op on the queue named by input 0 (a reference input: the queue is found at bind)."""

    stateful = True
    differentiable = False
    ref_inputs = (0,)

    def bind(self, ctx, op):
        queue_op = op.inputs[0].op
        run = self.run

        def kernel(*values):
            return run(resource_of(ctx, queue_op), ctx.deadline, *values)
        return kernel


def _check_component(queue, i, value):
    dtype = queue.dtypes[i]
    if value.dtype != dtype.as_numpy_dtype and not (dtype is dtypes.string
                                                     and value.dtype == object):
        raise errors.InvalidArgumentError(None, None, "Type mismatch in component %d" % i)


@register
class QueueEnqueueV2(_QueueUse):
    def infer(self, handle, *components):
        return []

    def run(self, queue, deadline, *components):
        queue.enqueue([tuple(numpy.asarray(c) for c in components)], deadline)


@register
class QueueEnqueueManyV2(_QueueUse):
    def infer(self, handle, *components):
        return []

    def run(self, queue, deadline, *components):
        n = {len(c) for c in components}
        if len(n) != 1:
            raise errors.InvalidArgumentError(
                None, None, "Shape mismatch in tuple component 1. Expected [%d,...], got [%d,...]"
                % (len(components[0]), len(components[1])))
        queue.enqueue([tuple(c[i, ...] for c in components) for i in range(n.pop())], deadline)


@register
class QueueDequeueV2(_QueueUse):
    component_types: tuple = ()
    shapes: tuple = ()

    def infer(self, handle):
        return [TensorSpec(s, t) for t, s in zip(self.component_types, self.shapes)]

    def run(self, queue, deadline):
        element = queue.dequeue(1, False, deadline)[0]
        return element if len(element) != 1 else element[0]


@register
class QueueDequeueManyV2(_QueueUse):
    """n elements stacked (padded to the longest in each dimension by a PaddingFIFOQueue)."""

    n: int = 1
    component_types: tuple = ()
    shapes: tuple = ()
    allow_smaller: bool = False

    def infer(self, handle):
        first = None if self.allow_smaller else self.n
        return [TensorSpec(TensorShape([first]).concatenate(s), t)
                for t, s in zip(self.component_types, self.shapes)]

    def run(self, queue, deadline):
        elements = queue.dequeue(self.n, self.allow_smaller, deadline)
        out = []
        for i, dtype in enumerate(self.component_types):
            parts = [e[i] for e in elements]
            if not parts:
                out.append(numpy.empty((0,) + tuple(self.shapes[i].as_list()),
                                       dtype=dtype.as_numpy_dtype))
            elif queue.kind == "PaddingFIFOQueue":
                out.append(_padded_stack(parts, dtype))
            else:
                out.append(numpy.stack(parts))
        return tuple(out) if len(out) != 1 else out[0]


def _padded_stack(parts, dtype):
    rank = parts[0].ndim
    longest = [max(p.shape[d] for p in parts) for d in range(rank)]
    out = numpy.full([len(parts)] + longest, b"" if dtype is dtypes.string else 0,
                     dtype=dtype.as_numpy_dtype)
    for i, p in enumerate(parts):
        out[(i,) + tuple(slice(0, s) for s in p.shape)] = p
    return out


@register
class QueueCloseV2(_QueueUse):
    cancel_pending_enqueues: bool = False

    def infer(self, handle):
        return []

    def run(self, queue, deadline):
        queue.close(self.cancel_pending_enqueues)


@register
class QueueSizeV2(_QueueUse):
    def infer(self, handle):
        return TensorSpec(TensorShape([]), dtypes.int32)

    def run(self, queue, deadline):
        return numpy.int32(len(queue.items))


@register
class QueueIsClosedV2(_QueueUse):
    def infer(self, handle):
        return TensorSpec(TensorShape([]), dtypes.bool)

    def run(self, queue, deadline):
        return numpy.bool_(queue.closed)


def _create(opdef, inputs, name):
    return get_default_graph().create_op(opdef, list(inputs), name=name, device=HOST_DEVICE)


# -- the Python classes --------------------------------------------------------------------------

def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


class QueueBase:
    """tf.QueueBase: the operations every queue has."""

    def __init__(self, dtypes_, shapes, names, queue_ref):
        self._dtypes = dtypes_
        self._shapes = shapes
        self._names = names
        self._queue_ref = queue_ref
        self._name = queue_ref.op.name.split("/")[-1]  # its ops are named in the current scope

    @property
    def queue_ref(self):
        return self._queue_ref

    @property
    def name(self):
        """The queue op's full name (TF's; its own ops are named from the last part)."""
        return self._queue_ref.op.name

    @property
    def dtypes(self):
        return list(self._dtypes)

    @property
    def shapes(self):
        return list(self._shapes)

    @property
    def names(self):
        return self._names

    def _components(self, vals, many):
        if self._names is not None:
            if not isinstance(vals, dict) or set(vals) != set(self._names):
                raise ValueError("Queue must have names %s, got %r" % (self._names, vals))
            vals = [vals[n] for n in self._names]
        vals = _as_list(vals) if len(self._dtypes) > 1 or isinstance(vals, (list, tuple)) \
            else [vals]
        if len(vals) != len(self._dtypes):
            raise ValueError("Expected %d components to enqueue, got %d"
                             % (len(self._dtypes), len(vals)))
        out = []
        for i, (v, dtype, shape) in enumerate(zip(vals, self._dtypes, self._shapes)):
            t = convert_to_tensor(v, dtype=dtype, name="component_%d" % i)
            element = t.shape[1:] if many and t.shape.ndims is not None else (
                TensorShape(None) if many else t.shape)
            if not shape.is_compatible_with(element):
                raise ValueError("Shapes %s and %s are incompatible" % (
                    format_dims(element.as_tuple()), format_dims(shape.as_tuple())))
            out.append(t)
        return out

    def enqueue(self, vals, name=None):
        """Adds one element (blocks while the queue is full)."""
        with name_scope(name, "%s_enqueue" % self._name, _as_list(vals)) as scope:
            components = self._components(vals, False)
            return _create(QueueEnqueueV2(), [self._queue_ref] + components, scope)

    def enqueue_many(self, vals, name=None):
        """Adds the slices of `vals` along their first dimension, as separate elements."""
        with name_scope(name, "%s_EnqueueMany" % self._name, _as_list(vals)) as scope:
            components = self._components(vals, True)
            return _create(QueueEnqueueManyV2(), [self._queue_ref] + components, scope)

    def _result(self, outputs):
        if self._names is not None:
            return dict(zip(self._names, outputs))
        return outputs[0] if len(outputs) == 1 else list(outputs)

    def dequeue(self, name=None):
        """Removes one element (blocks while the queue is empty; OutOfRangeError once it is
        closed and empty)."""
        op = _create(QueueDequeueV2(tuple(self._dtypes), tuple(self._shapes)),
                     [self._queue_ref], name or "%s_Dequeue" % self._name)
        return self._result(op.outputs)

    def _dequeue_n(self, n, name, allow_smaller, default):
        if isinstance(n, Tensor):
            from minitf.framework.tensor_util import constant_value
            value = constant_value(n)
            if value is None:
                raise ValueError("minitf's dequeue_many needs `n` known when the graph is built")
            n = value
        n = int(n)
        for s in self._shapes:
            if not s.is_fully_defined() and not isinstance(self, PaddingFIFOQueue):
                raise ValueError("Queue shapes must be fully defined to dequeue many: %s"
                                 % (self._shapes,))
        op = _create(QueueDequeueManyV2(n, tuple(self._dtypes), tuple(self._shapes),
                                        allow_smaller), [self._queue_ref],
                     name or "%s_%s" % (self._name, default))
        return self._result(op.outputs)

    def dequeue_many(self, n, name=None):
        """`n` elements stacked along a new first dimension."""
        return self._dequeue_n(n, name, False, "DequeueMany")

    def dequeue_up_to(self, n, name=None):
        """Like dequeue_many, but a closed queue gives what it has left (at least one)."""
        return self._dequeue_n(n, name, True, "DequeueUpTo")

    def close(self, cancel_pending_enqueues=False, name=None):
        """Closes the queue: later enqueues fail; dequeues drain it, then raise
        OutOfRangeError."""
        return _create(QueueCloseV2(bool(cancel_pending_enqueues)), [self._queue_ref],
                       name or "%s_Close" % self._name)

    def is_closed(self, name=None):
        return _create(QueueIsClosedV2(), [self._queue_ref],
                       name or "%s_IsClosed" % self._name).outputs[0]

    def size(self, name=None):
        """The number of elements in the queue (an int32 scalar)."""
        return _create(QueueSizeV2(), [self._queue_ref], name or "%s_Size" % self._name).outputs[0]


def _specs(dtypes_, shapes, names):
    dtypes_ = [dtypes.as_dtype(d) for d in _as_list(dtypes_)]
    if shapes is None:
        shapes = [TensorShape(None)] * len(dtypes_)
    else:
        shapes = [as_shape(s) for s in (shapes if shapes and isinstance(
            shapes[0], (list, tuple, TensorShape)) else [shapes])]
        if len(shapes) != len(dtypes_):
            raise ValueError("Queue shapes must have the same length as dtypes")
    if names is not None:
        names = _as_list(names)
        if len(names) != len(dtypes_):
            raise ValueError("Queue names must have the same length as dtypes")
    return dtypes_, shapes, names


class FIFOQueue(QueueBase):
    """tf.FIFOQueue(capacity, dtypes, shapes=None, names=None, shared_name=None,
    name='fifo_queue'): elements come out in the order they went in."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        dtypes_, shapes, names = _specs(dtypes, shapes, names)
        ref = _create(FIFOQueueV2(tuple(dtypes_), tuple(shapes), int(capacity), "",
                                  shared_name or ""), [], name).outputs[0]
        super().__init__(dtypes_, shapes, names, ref)


class PaddingFIFOQueue(QueueBase):
    """tf.PaddingFIFOQueue: a FIFOQueue whose dequeue_many pads each component to the longest
    element (shapes may have None dimensions)."""

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):
        dtypes_, shapes, names = _specs(dtypes, shapes, names)
        if any(s.ndims is None for s in shapes):
            raise ValueError("Shapes must be of known rank for a PaddingFIFOQueue: %s" % shapes)
        ref = _create(PaddingFIFOQueueV2(tuple(dtypes_), tuple(shapes), int(capacity), "",
                                         shared_name or ""), [], name).outputs[0]
        super().__init__(dtypes_, shapes, names, ref)


class RandomShuffleQueue(QueueBase):
    """tf.RandomShuffleQueue(capacity, min_after_dequeue, dtypes, ...): dequeues a random
    element, waiting until more than `min_after_dequeue` remain (unless the queue is closed)."""

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None, seed=None,
                 shared_name=None, name="random_shuffle_queue"):
        dtypes_, shapes, names = _specs(dtypes, shapes, names)
        seed, seed2 = get_seed(seed)
        ref = _create(RandomShuffleQueueV2(tuple(dtypes_), tuple(shapes), int(capacity), "",
                                           shared_name or "", int(min_after_dequeue),
                                           seed or 0, seed2 or 0), [], name).outputs[0]
        super().__init__(dtypes_, shapes, names, ref)


class PriorityQueue(QueueBase):
    """tf.PriorityQueue(capacity, types, shapes=None, names=None, shared_name=None,
    name='priority_queue'): each element starts with an int64 priority (a scalar component
    before `types`); dequeues give the lowest priority first."""

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        types, shapes, _ = _specs(types, shapes, None)
        ref = _create(PriorityQueueV2(tuple(types), tuple(shapes), int(capacity), "",
                                      shared_name or ""), [], name).outputs[0]
        # `names`, when given, name the priority too
        super().__init__([dtypes.int64] + types, [TensorShape([])] + shapes,
                         None if names is None else _as_list(names), ref)


# -- count_up_to -------------------------------------------------------------------------------

@register
class CountUpTo(OpDef):
    """Increments the variable (input 0) and returns its old value; OutOfRangeError once it
    has reached `limit`."""

    limit: int = 0
    stateful = True
    differentiable = False
    ref_inputs = (0,)

    def infer(self, ref):
        if not ref.dtype.is_integer:
            raise TypeError("count_up_to needs an int32 or int64 variable, got %s"
                            % ref.dtype.name)
        return TensorSpec(ref.shape, ref.dtype)

    def bind(self, ctx, op):
        store, var = ctx.variables, variable_storage(ctx, op)

        def count():
            try:
                current = store[var]
            except KeyError:
                raise uninitialized_error(var, op) from None
            old = current.copy()
            if old >= self.limit:
                raise errors.OutOfRangeError(None, op, "Reached limit of %d" % self.limit)
            current += 1
            return old
        return count


def count_up_to(ref, limit, name=None):
    """tf.count_up_to: increments `ref`, returning its old value, until it reaches `limit`
    (then OutOfRangeError)."""
    return get_default_graph().create_op(CountUpTo(int(limit)), [variable_ref(ref)],
                                         name=name or "CountUpTo").outputs[0]
