"""Plan: what one Session.run signature (fetches + fed tensors) executes, compiled once.

Building a plan prunes the graph to the ops the fetches need (stopping at fed tensors), folds
what does not depend on feeds or state into constants, orders the rest (ops that read a
variable before ops that update it in place, where dependencies allow, so a run is
deterministic and a failing run changes nothing), and emits
straight-line Python that calls the bound kernels with each intermediate deleted after its last
use. Running a plan is one function call.

Large intermediates go back to the session's BufferPool at their last use (when nothing else
holds them), and kernels that accept `out=` write into a pooled array of the right shape and
dtype instead of allocating: above glibc's dynamic mmap ceiling every fresh array is a new
mapping whose pages fault in on first touch. Memory stays bounded by the largest set of arrays
alive at once, as with any allocator's cache.
"""

import functools
import heapq
import sys

import numpy

from minitf import backend, dtypes, errors
from minitf.framework.operation import data_inputs
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import Tensor


class Plan:
    """A compiled, runnable schedule for one (fetch elements, fed tensors) signature."""

    def __init__(self, state, elements, fed_tensors):
        fed = set(fed_tensors)
        ops = _needed_ops(elements, fed)
        _check_feeds(ops, fed, elements)
        self._build(state, ops, fed, elements, fed_tensors)

    # -- building ------------------------------------------------------------------------------
    def _build(self, state, ops, fed, elements, fed_tensors):
        order = _schedule(ops, fed)
        self._buffers = state.buffers
        namespace = {"_snap": _snapshot, "_copy": _copy, "_give": state.buffers.give}
        pooled = set()
        slot_of = {}  # Tensor -> local variable name in the generated code
        for i, t in enumerate(fed_tensors):
            slot_of[t] = "f%d" % i

        # Fold: pure ops whose inputs are all known become constants of the plan.
        folded = {}
        runnable = []
        for op in order:
            value = _fold(op, folded, fed)
            if value is not None:
                for t, v in zip(op.outputs, value):
                    name = "c%d" % len(folded)
                    folded[t] = v
                    namespace[name] = v
                    slot_of[t] = name
            else:
                runnable.append(op)

        fetched = {e for e in elements if isinstance(e, Tensor)}
        devices = {state.xp_for(op) for op in runnable}
        self.uses_gpu = any(xp is not numpy for xp in devices)

        # Pass 1: a local name per tensor; ops that forward their input get no call at all.
        steps = []  # (op, kernel name or None)
        state_views = set()  # tensors that are a variable's storage itself
        for i, op in enumerate(runnable):
            if op.type == "VariableV2":
                state_views.update(op.outputs)
            if op.opdef.is_identity and op.outputs[0] not in fed:
                slot_of[op.outputs[0]] = slot_of[op.inputs[0]]
                if op.inputs[0] in state_views:
                    state_views.add(op.outputs[0])
                steps.append((op, None))
            elif not op.outputs and not op.opdef.stateful:
                continue  # NoOp: it only orders things, and the order is already fixed
            else:
                for t in op.outputs:
                    if t not in fed:  # a fed output keeps the fed value
                        slot_of[t] = "t%d_%d" % (i, t.value_index)
                steps.append((op, "k%d" % i))
        last_use = {}
        for i, (op, _) in enumerate(steps):
            for t in data_inputs(op):
                last_use[slot_of[t]] = i

        # With a GPU in the plan, a value crosses to another device once, at its first
        # consumer there (constants when the plan is built), and is deleted after its last use.
        home = {}  # slot -> the array module its value lives on
        moved_last_use = {}  # (slot, xp) -> last step that reads the moved copy
        if self.uses_gpu:
            for i, (op, kname) in enumerate(steps):
                for t in data_inputs(op):
                    slot = slot_of[t]
                    home.setdefault(slot, numpy)  # feeds and constants live on the host
                    if kname is not None and home[slot] is not state.xp_for(op):
                        moved_last_use[(slot, state.xp_for(op))] = i
                if kname is not None:  # (an identity's output lives where its input does)
                    for t in op.outputs:
                        if t not in fed:
                            home[slot_of[t]] = state.xp_for(op)

        # Pass 2: emit the straight-line code.
        lines = ["def run(_feeds):"]
        if fed_tensors:
            lines.append("    %s, = _feeds" % ", ".join("f%d" % i for i in range(len(fed_tensors))))
        self._line_to_op = {}
        snapshots = {}
        moved = {}  # (slot, xp) -> the name of its copy on that device
        for i, (op, kname) in enumerate(steps):
            opdef = op.opdef
            if kname is not None:
                fn = opdef.bind(state, op)
                if opdef.supports_out and len(op.outputs) == 1 and _worth_pooling(op.outputs[0]):
                    fn = _drawing_from(state.buffers, fn)
                    pooled.update(op.outputs)
                args = [slot_of[t] for t in data_inputs(op)]
                if self.uses_gpu:
                    xp = state.xp_for(op)
                    for k, slot in enumerate(args):
                        if home[slot] is not xp:
                            args[k] = self._moved(slot, xp, namespace, lines, moved)
                namespace[kname] = fn
                call = "%s(%s)" % (kname, ", ".join(args))
                outs = ["_" if t in fed else slot_of[t] for t in op.outputs]
                if not outs:
                    lines.append("    " + call)
                elif len(outs) == 1:
                    lines.append("    %s = %s" % (outs[0], call))
                else:
                    lines.append("    %s, = %s" % (", ".join(outs), call))
                self._line_to_op[len(lines)] = (op, args)
                unused = [o for t, o in zip(op.outputs, outs)
                          if o not in last_use and t not in fetched and o != "_"]
                if unused and len(outs) > 1:  # outputs nobody reads: free them at once
                    lines.append("    del %s" % ", ".join(unused))
            for t in op.outputs:
                if t in fetched and t not in snapshots and t not in state_views:
                    # Copy now, not at the end: a pooled array must not escape or change.
                    snapshots[t] = "r%d" % len(snapshots)
                    helper = "_snap" if opdef.fresh_output else "_copy"
                    lines.append("    %s = %s(%s)" % (snapshots[t], helper, slot_of[t]))
            for key in [k for k, last in moved_last_use.items() if last == i]:
                if not key[0].startswith("c"):
                    lines.append("    del %s" % moved[key])
            for t in data_inputs(op):
                slot = slot_of[t]
                # (a variable's storage costs nothing to keep; it may still be fetched)
                if last_use.get(slot) == i and slot.startswith("t") and t not in state_views:
                    if t in pooled:  # only what draws from the pool goes back: it stays bounded
                        lines.append("    _give(%s)" % slot)
                    lines.append("    del %s" % slot)
                    del last_use[slot]
        # A fetched variable reports its value at the end of the run, after the run's updates,
        # as TF1's reference variables do (`s.run([step, x, f])` gives x after the step and f
        # from before it).
        for t in elements:
            if t in state_views and t not in snapshots:
                snapshots[t] = "r%d" % len(snapshots)
                lines.append("    %s = _copy(%s)" % (snapshots[t], slot_of[t]))
        results = []
        for e in elements:
            if not isinstance(e, Tensor):
                results.append("None")
            elif e in snapshots:
                results.append(snapshots[e])
            elif e in folded:
                results.append("_copy(%s)" % slot_of[e])
            else:  # a fed tensor fetched back (the fed array itself, as TF1 returns it)
                results.append("_snap(%s)" % slot_of[e])
        lines.append("    return [%s]" % ", ".join(results))
        self.source = "\n".join(lines) + "\n"
        self._filename = "<minitf plan %x>" % id(self)
        exec(compile(self.source, self._filename, "exec"), namespace)
        # inf/nan propagate silently, as in TF (decorating once costs half of a `with` per run)
        self._run = numpy.errstate(all="ignore")(namespace["run"])
        self.num_kernels = len(self._line_to_op)

    @staticmethod
    def _moved(slot, xp, namespace, lines, moved):
        """The name of `slot`'s copy on `xp`, emitting the transfer at its first use (a
        constant's copy is made now, once)."""
        key = (slot, xp)
        if key not in moved:
            moved[key] = name = "%s_to%d" % (slot, id(xp) % 10007)
            if slot.startswith("c"):
                namespace[name] = backend.to_module(namespace[slot], xp)
            else:
                mover = "_to%d" % (id(xp) % 10007)
                namespace[mover] = functools.partial(_transfer, xp=xp)
                lines.append("    %s = %s(%s)" % (name, mover, slot))
        return moved[key]

    # -- running -------------------------------------------------------------------------------
    def run(self, feeds):
        """Runs the plan with the converted feed arrays (in `fed_tensors` order)."""
        try:
            values = self._run(feeds)
            self._buffers.end_run()
        except errors.OpError as e:
            self._buffers.end_run()
            self._release(e)
            raise
        except Exception as e:
            self._buffers.end_run()
            error = self._op_error(e)
            self._release(e)
            raise error from e
        if self.uses_gpu:
            values = [_snapshot(backend.to_numpy(v)) for v in values]
        return values

    def _op_error(self, exc):
        """The OpError for a kernel's exception: it names the op, the shapes its inputs had in
        this run and statically, and the line of user code that created the op."""
        tb = exc.__traceback__
        step = frame = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self._filename:
                frame, step = tb.tb_frame, self._line_to_op.get(tb.tb_lineno)
            tb = tb.tb_next
        if step is None:
            return errors.UnknownError(None, None, "%s: %s" % (type(exc).__name__, exc))
        op, args = step
        local = frame.f_locals
        shapes = ", ".join(_dims_of(getattr(local.get(a, frame.f_globals.get(a)), "shape", None))
                           for a in args)
        if isinstance(local, dict):
            local.clear()  # Python < 3.13 caches this snapshot on the frame: let _release free it
        static = ", ".join(_dims(t.shape) for t in data_inputs(op))
        cls = (errors.ResourceExhaustedError if isinstance(exc, MemoryError)
               else errors.InvalidArgumentError)
        return cls(None, op, "%s (op %s '%s' with input shapes %s, static shapes %s; created at %s)"
                   % (exc, op.type, op.name, shapes or "[]", static or "[]", op.where()))

    def _release(self, exc):
        """Clears the finished frames of the failed run, whose locals are that run's
        intermediates, so that an error kept around (a notebook's last exception) does not
        keep them in memory."""
        tb, inside = exc.__traceback__, False
        while tb is not None:
            inside = inside or tb.tb_frame.f_code.co_filename == self._filename
            if inside:
                try:
                    tb.tb_frame.clear()
                except RuntimeError:  # still executing: not ours to clear
                    pass
            tb = tb.tb_next


# -- graph walking ---------------------------------------------------------------------------------

def _needed_ops(elements, fed):
    needed = set()
    stack = [e.op if isinstance(e, Tensor) else e for e in elements
             if not (isinstance(e, Tensor) and e in fed)]
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        needed.add(op)
        for t in data_inputs(op):
            if t not in fed:
                stack.append(t.op)
        stack.extend(op.control_inputs)
    return needed


def _check_feeds(ops, fed, elements):
    for op in sorted(ops, key=lambda o: o._id):
        if op.type == "Placeholder":
            needing = [e for e in elements if op in _needed_ops([e], fed)]
            shape = op.outputs[0].shape
            raise errors.InvalidArgumentError(
                None, op, "You must feed a value for placeholder tensor '%s' with dtype %s%s "
                "(needed by fetch %s). Add it to feed_dict." % (
                    op.name, dtypes.runtime_name(op.outputs[0].dtype),
                    "" if shape.ndims is None else " and shape %s" % _dims(shape),
                    ", ".join("'%s'" % e.name for e in needing) or "?"))


def _dims(shape):
    return format_dims(shape.as_tuple())


def _dims_of(runtime_shape):
    return "?" if runtime_shape is None else format_dims(tuple(runtime_shape))


def _schedule(ops, fed):
    """Topological order of `ops`; among ready ops, pure ones first and ops that write variables
    last, then creation order (so runs are deterministic)."""
    pending = {}
    users = {op: [] for op in ops}
    for op in ops:
        deps = {t.op for t in data_inputs(op) if t not in fed and t.op in ops}
        deps.update(c for c in op.control_inputs if c in ops)
        pending[op] = len(deps)
        for d in deps:
            users[d].append(op)
    ready = [(bool(op.opdef.ref_inputs), op._id, op) for op in ops if pending[op] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, _, op = heapq.heappop(ready)
        order.append(op)
        for u in users[op]:
            pending[u] -= 1
            if pending[u] == 0:
                heapq.heappush(ready, (bool(u.opdef.ref_inputs), u._id, u))
    return order


def _fold(op, folded, fed):
    """The outputs of `op` computed now, if it is pure and everything it reads is known."""
    opdef = op.opdef
    if opdef.stateful or not op.outputs or any(t in fed for t in op.outputs):
        return None
    if op.control_inputs:  # it must wait for them: folding would drop that ordering
        return None
    static = opdef.static_value(op)
    if static is not None and len(op.outputs) == 1:
        return [static]
    if any(t not in folded for t in op.inputs):
        return None
    try:
        with numpy.errstate(all="ignore"):
            value = opdef.compute(numpy, *[folded[t] for t in op.inputs])
    except Exception:  # leave it to run time, which reports it against the op
        return None
    values = list(value) if len(op.outputs) > 1 else [value]
    for v in values:
        if isinstance(v, numpy.ndarray):
            v.setflags(write=False)  # shared by every run of the plan
    return values


# -- kernel wrappers --------------------------------------------------------------------------------

_POOL_MIN_ELEMENTS = 1 << 20  # 4 MB of float32: malloc already recycles smaller arrays well


def _worth_pooling(t):
    n = t.shape.num_elements()
    return n is None or n >= _POOL_MIN_ELEMENTS


def _drawing_from(pool, fn):
    """Calls `fn(*args, out=array)` with a pooled array of the shape and dtype its output had
    the last time its inputs had these shapes (an `out` of another shape would broadcast
    silently, so the shapes are checked, not trusted)."""
    shapes = out_key = None

    def call(*args):
        nonlocal shapes, out_key
        key = tuple([a.shape for a in args])
        if key == shapes:
            buf = pool.take(out_key)
            if buf is not None:
                return fn(*args, out=buf)
        result = fn(*args)
        if type(result) is numpy.ndarray and result.ndim:
            shapes, out_key = key, (result.shape, result.dtype)
        else:
            shapes = None
        return result
    return call


class BufferPool:
    """Arrays no longer in use, by (shape, dtype), for kernels that write into `out=`.

    A plan gives an intermediate back at its last use; it is kept only if nothing else refers
    to it (a view of it, a fetched result, a variable's storage, a constant): the reference
    count tells, measured against that of an array held by one local variable. At the end of
    each run, arrays that sat idle all run long are dropped, so the pool holds about as much as
    was alive at once, not the sum of every intermediate. Runs of one session are serialised,
    so one pool serves all its plans."""

    def __init__(self):
        self._free = {}
        self._idle = {}  # key -> fewest arrays free since the key was first asked for this run

    def take(self, key):
        free = self._free.get(key)
        if not free:
            self._idle[key] = 0
            return None
        buf = free.pop()
        self._idle[key] = min(self._idle.get(key, len(free) + 1), len(free))
        return buf

    def give(self, value):
        if (type(value) is numpy.ndarray and value.base is None and value.flags.writeable
                and sys.getrefcount(value) <= _UNSHARED):
            self._free.setdefault((value.shape, value.dtype), []).append(value)

    def end_run(self):
        """Drops what this run did not need (all of a key nobody asked for)."""
        for key in list(self._free):
            idle = self._idle.get(key, len(self._free[key]))
            if idle:
                del self._free[key][-idle:]
            if not self._free[key]:
                del self._free[key]
        self._idle.clear()

    def clear(self):
        self._free.clear()
        self._idle.clear()


def _references_of_an_unshared_array():
    """sys.getrefcount of an array held only by a plan's local variable, seen from inside
    BufferPool.give (interpreters differ in how many references a call adds)."""
    namespace = {}
    exec("def probe(numpy, pool):\n    t = numpy.empty(1)\n    return pool.count(t)\n", namespace)

    class Counter:
        def count(self, value):
            return sys.getrefcount(value)
    return namespace["probe"](numpy, Counter())


_UNSHARED = _references_of_an_unshared_array()


def _transfer(value, xp):
    return backend.to_module(value, xp)


def _snapshot(value):
    """A fetched value the caller may keep: views (numpy or cupy) are copied, since they may
    alias state, and 0-d arrays become numpy scalars (TF1 returns `numpy.float32(3.0)`)."""
    if isinstance(value, numpy.ndarray) and not value.ndim:
        return value[()]
    if getattr(value, "base", None) is not None:
        return value.copy()
    return value


def _copy(value):
    if isinstance(value, numpy.ndarray):
        return value.copy() if value.ndim else value[()]
    copy = getattr(value, "copy", None)
    return copy() if copy is not None else value

