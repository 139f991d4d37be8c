"""Plan: what one Session.run signature (fetches + fed tensors) executes, compiled once.

Usage (Session.run, and the compiler of control-flow sub-graphs, whose inputs are fed
placeholders):

    plan = Plan(state, elements, fed_tensors)  # elements: the Tensors / Operations to fetch
    values = plan.run(feed_arrays)             # arrays in fed_tensors order -> one value per
                                               # element (None for an Operation)

Building is a chain of small passes, each a function of this module, over an explicit list of
Steps that read and write Slots:

    prune       the ops the fetches need, stopping at fed tensors
    fold        the values of what depends on neither feeds nor state, computed once, now
    prune       again, stopping at folded values too: a forward op whose only reader was folded
                (the Shape of a known shape in a gradient) no longer runs
    schedule    a deterministic topological order; ops that write variables after the ops
                that read them, where dependencies allow, so reads see the values from before
                the run's updates
    merge_duplicates  a pure op equal to one before it (same attributes, inputs and device:
                the same `sum_to` built by two gradient rules) does not run again; its outputs
                share the first one's slots
    make_steps  one Step per op that does something at run time; a Slot (feed, const, temp,
                state) per value; identities forward their input's slot; no-ops vanish
    place       each step's device; a value read on another device than its home is moved at
                its first reader there (a constant once, now), and the copy freed after its last
    mark_frees  each temp freed after its last reader; an output nobody reads right away
    emit        the only pass that writes Python: straight-line code calling kernels bound by
                OpDef.bind, in a namespace of kernels and constants

Running a plan is one call of the emitted function. What a failed run leaves behind: ops
that write variables come last, so a run that fails before its first write changes no
variable; a KeyboardInterrupt (Ctrl-C) that arrives once the writes have begun is deferred to
the end of the run (client/interrupts.py), so an interrupted training step is applied whole or
not at all; but a kernel that raises between two writes (an update whose shapes do not match)
leaves the writes before it applied, as in TF1.

Large intermediates go back to the
session's BufferPool (client/buffers.py) at their last use, and kernels that accept `out=`
write into a pooled array of the right shape and dtype instead of allocating.
"""

import collections
import dataclasses
import functools
import heapq
import operator
import time

import numpy

from minitf import backend, dtypes, errors, workers
from minitf.client import interrupts
from minitf.client.buffers import (NESTED_POOL_MIN_ELEMENTS, drawing_from, kept_for_next_run,
                                   worth_pooling)
from minitf.framework.folding import op_values
from minitf.framework.operation import data_inputs
from minitf.framework.registry import Call
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import Tensor
from minitf.ops import gemm
from minitf.ops.state_ops import variable_storage


class Slot:
    """Where one value lives during a run: a local variable of the emitted code.

    kind: FEED (a fed array), CONST (a folded value the plan holds, in `value`), TEMP (a
    kernel's output, freed after its last reader) or STATE (a variable's storage itself: never
    freed, and fetched at the end of the run, after the run's updates)."""

    FEED, CONST, TEMP, STATE = "feed", "const", "temp", "state"
    __slots__ = ("name", "kind", "value", "pooled", "tensor")

    def __init__(self, name, kind, value=None):
        self.name, self.kind, self.value = name, kind, value
        self.pooled = False  # its array comes from the buffer pool and goes back there
        self.tensor = None  # the Tensor it holds, for a pooled slot

    def __repr__(self):
        return "<Slot %s (%s)>" % (self.name, self.kind)


class Step:
    """One statement of the plan. CALL: `outs = kernel(*args)` for `op`; MOVE: `outs[0]` is a
    copy of `args[0]` on `device`, made for `op`; FORWARD: an identity, whose output is its
    input's slot (no code). `frees`: the slots deleted after the step."""

    CALL, MOVE, FORWARD = "call", "move", "forward"
    __slots__ = ("kind", "op", "args", "outs", "device", "frees", "group", "producers")

    def __init__(self, kind, op, args, outs, device=None):
        self.kind, self.op, self.args, self.outs = kind, op, list(args), list(outs)
        self.device = device
        self.frees = []
        # the ops of a CALL that runs several ops as one kernel (OpDef.bind_group; `op` is the
        # first): updates (group_updates), or a convolution and its bias op (fuse_conv_bias)
        self.group = None
        self.producers = None  # the ops computing their gradients, batched in the same call

    def __repr__(self):
        return "<Step %s %s(%s) -> %s>" % (self.kind, self.op.name,
                                          ", ".join(a.name for a in self.args),
                                          ", ".join(o.name for o in self.outs))


class Plan:
    """A compiled, runnable schedule for one (fetch elements, fed tensors) signature."""

    def __init__(self, state, elements, fed_tensors, trace=False, nested=False, prefix="",
                 feed_names=None):
        fed = set(fed_tensors)
        needed = prune(elements, fed)
        check_feeds(needed, fed, elements)
        known = keep_only_reused_values(fold(needed, fed), needed)
        order = schedule(prune(elements, fed.union(known)), fed)
        order, same = merge_duplicates(order, fed.union(elements), known)
        steps, slot_of = make_steps(order, fed_tensors, known, NESTED_POOL_MIN_ELEMENTS
                                    if nested else None, same)
        steps = place(steps, state.device_for, backend.HOST, feeds_anywhere=nested)
        steps = mask_before_pooling_gradient(steps, {slot_of[e] for e in elements
                                                     if e in slot_of})
        if not trace:
            steps = fuse_conv_bias(steps, {slot_of[e] for e in elements if e in slot_of})
            steps = fuse_matmul_bias(steps, {slot_of[e] for e in elements if e in slot_of})
            steps = fuse_matmul_relu_grad(steps, {slot_of[e] for e in elements if e in slot_of})
            steps = fuse_bias_relu(steps, {slot_of[e] for e in elements if e in slot_of})
        if not (nested or trace):
            steps = group_updates(steps, {slot_of[e] for e in elements if e in slot_of})
        mark_frees(steps)
        memo = {} if nested or trace else shape_values(
            steps, {slot_of[e] for e in elements if e in slot_of})
        if prefix or feed_names:
            rename(steps, [slot_of[t] for t in fed_tensors], prefix, feed_names)
        self.steps = steps
        self.uses_gpu = any(s.device is not None and s.device is not backend.HOST for s in steps)
        self.num_kernels = sum(s.kind == Step.CALL for s in steps)
        if not nested and any(s.kind == Step.CALL and s.op.opdef.ref_inputs for s in steps):
            interrupts.install()
        self._buffers = state.buffers
        self._filename = "<minitf plan %x>" % id(self)
        # (the products whose b no step writes: their threads pack b each for itself, and the
        # thread policy tells inference plans by them)
        self.stable = stable_products(steps)
        self.source, namespace, self._line_to_op = emit(
            steps, [slot_of[t] for t in fed_tensors], elements, slot_of, state, trace, nested,
            prefix, memo, self.stable)
        # (what client/loops.py inlines into a loop: the statements between the feeds' unpacking
        # and the return, the ops of their lines, the result expressions, the namespace)
        lines = self.source.splitlines()
        start = 2 if fed_tensors else 1
        self.statements = lines[start:-1]
        self.statement_ops = {line - 1 - start: op for line, op in self._line_to_op.items()}
        self.results = namespace.pop("_results")
        self.namespace = dict(namespace)
        exec(compile(self.source, self._filename, "exec"), namespace)
        # inf/nan propagate silently, as in TF (decorating once costs half of a `with` per run)
        self._run = numpy.errstate(all="ignore")(namespace["run"])
        self._run_nested = namespace["run"]  # (the enclosing run already set errstate)

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
        except BaseException:  # a KeyboardInterrupt before the writes: nothing was written
            self._buffers.end_run()
            raise
        finally:
            interrupts.end_writes()  # raises a KeyboardInterrupt deferred by the writes
        if self.uses_gpu:
            values = [_snapshot(backend.to_numpy(v)) for v in values]
        return values

    def call(self, feeds):
        """Runs the plan as a sub-plan of a control-flow kernel (a branch, a loop body): the
        enclosing run ends the pool's run, and the values stay on their device. An error names
        the op inside the sub-graph that failed."""
        try:
            return self._run_nested(feeds)
        except errors.OpError:
            raise
        except Exception as e:
            raise self._op_error(e) from e

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


# -- the passes ------------------------------------------------------------------------------------

def prune(elements, stop):
    """The ops the fetch `elements` need: their data and control inputs, transitively, not
    walking past tensors in `stop` (fed or already known)."""
    needed = set()
    stack = [e.op if isinstance(e, Tensor) else e for e in elements
             if not (isinstance(e, Tensor) and e in stop)]
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        needed.add(op)
        for t in data_inputs(op):
            if t not in stop:
                stack.append(t.op)
        # As in TF, a feed stands in for its op: waiting on a fed placeholder is satisfied.
        stack.extend(c for c in op.control_inputs
                     if not (c.outputs and all(t in stop for t in c.outputs)))
    return needed


def check_feeds(ops, fed, elements):
    """Raises TF's error for the first op among `ops` whose value must be fed and is not."""
    for op in sorted(ops, key=lambda o: o.index):
        if op.opdef.must_be_fed:
            needing = [e for e in elements if op in prune([e], fed)]
            shape = op.outputs[0].shape
            raise errors.InvalidArgumentError(
                None, op, "You must feed a value for placeholder tensor '%s' with dtype %s%s "
                "(needed by fetch %s). Add it to feed_dict." % (
                    op.name, dtypes.runtime_name(op.outputs[0].dtype),
                    "" if shape.ndims is None else " and shape %s" % _dims(shape),
                    ", ".join("'%s'" % e.name for e in needing) or "?"))


# A folded value that is a view of this size or less (a gradient broadcast from a scalar) is
# stored as a contiguous copy.
FOLDED_COPY_BYTES = 1 << 20


def fold(ops, fed):
    """{tensor: value} for the outputs of `ops` known without running: pure ops that know
    their value or whose inputs are all known (creation order is a topological order)."""
    known = {}
    for op in sorted(ops, key=lambda o: o.index):
        values = op_values(op, known.get, fed)
        if values is not None:
            for t, v in zip(op.outputs, values):
                if isinstance(v, numpy.ndarray):
                    if not v.flags.c_contiguous and v.nbytes <= FOLDED_COPY_BYTES:
                        # (a broadcast gradient: every run's readers are then one pass over
                        # contiguous memory, ~4x faster than over stride-0 axes)
                        v = numpy.ascontiguousarray(v)
                    v.setflags(write=False)  # shared by every run of the plan
                known[t] = v
    return known


def keep_only_reused_values(known, ops):
    """`known` without the large computed values that only variable writes read (an
    initializer's `tf.zeros`): the plan would hold each for the session's lifetime beside the
    variable it was copied into, for a run that happens once. Those ops run instead."""
    def only_written(t):
        readers = [op for op in t.consumers() if op in ops]
        return readers and all(
            op.opdef.ref_inputs and t not in [op.inputs[i] for i in op.opdef.ref_inputs]
            for op in readers)
    return {t: v for t, v in known.items()
            if t.op.opdef.is_constant or not worth_pooling(t) or not only_written(t)}


def schedule(ops, fed):
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
    ready = [(bool(op.opdef.ref_inputs), op.index, op) for op in ops if pending[op] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, _, op = heapq.heappop(ready)
        order.append(op)
        for u in users[op]:
            pending[u] -= 1
            if pending[u] == 0:
                heapq.heappush(ready, (bool(u.opdef.ref_inputs), u.index, u))
    return order


def merge_duplicates(order, keep, known):
    """Common subexpressions: `order` without the pure ops equal to one before them (same
    OpDef, same inputs once merged or same small folded values, same device), and {output of
    a dropped op: the output standing for it}. Kept as they are: stateful ops, ops ordered by control dependencies
    (either way), identities, ops with an output in `keep` (fed or fetched tensors) or folded,
    ops making a variant (two equal tf.TensorArray ops make two arrays), and OpDefs whose
    equality leaves a field out or that do not hash."""
    ordered = {c for op in order for c in op.control_inputs}
    first_of, same, kept = {}, {}, []
    for op in order:
        opdef = op.opdef
        if (opdef.stateful or opdef.is_identity or not op.outputs or op.control_inputs
                or op in ordered or not _compares_every_field(type(opdef))
                or any(t in keep or t in known or t.dtype is dtypes.variant for t in op.outputs)):
            kept.append(op)
            continue
        key = (opdef, tuple(_input_key(same.get(t, t), known) for t in op.inputs), op.device)
        try:
            first = first_of.setdefault(key, op)
        except TypeError:  # an attribute that does not hash (an array): never merged
            first = op
        if first is op:
            kept.append(op)
        else:
            same.update(zip(op.outputs, first.outputs))
    return kept, same


def _input_key(t, known):
    """What identifies an input of a pure op: a small folded value by its contents (two
    `x * 2.0` have two Const 2.0s), anything else by the tensor."""
    value = known.get(t)
    if isinstance(value, (numpy.ndarray, numpy.generic)) and value.size <= 64 and \
            value.dtype.kind != "O":
        return value.dtype.str, value.shape, value.tobytes()
    return t


@functools.lru_cache(maxsize=None)
def _compares_every_field(opdef_class):
    return all(f.compare for f in dataclasses.fields(opdef_class))


def make_steps(order, fed_tensors, known, pool_min=None, same=None):
    """The Steps that run `order`, and {tensor: Slot} for every value a step or fetch reads.
    Ops whose outputs were all folded and no-ops (no outputs, no state) get no step. Outputs
    of `pool_min` elements or more (default: buffers.worth_pooling's) draw from the pool.
    `same` ({tensor: tensor}, from merge_duplicates) gives tensors the slot of another."""
    pooling = (worth_pooling if pool_min is None
               else lambda t: worth_pooling(t, pool_min))
    slot_of = {t: Slot("f%d" % i, Slot.FEED) for i, t in enumerate(fed_tensors)}
    for i, (t, value) in enumerate(known.items()):
        slot_of[t] = Slot("c%d" % i, Slot.CONST, value)
    same = same or {}
    steps = []
    for op in order:
        opdef = op.opdef
        if (op.outputs and all(t in known for t in op.outputs)) or (
                not op.outputs and not opdef.stateful):
            continue
        args = [slot_of[same.get(t, t)] for t in data_inputs(op)]
        if opdef.is_identity and op.outputs[0] not in slot_of:
            slot_of[op.outputs[0]] = args[0]
            steps.append(Step(Step.FORWARD, op, args, args[:1]))
            continue
        kind = Slot.STATE if opdef.is_variable else Slot.TEMP
        outs = [Slot("t%d_%d" % (len(steps), t.value_index), kind) for t in op.outputs]
        for t, slot in zip(op.outputs, outs):
            slot_of.setdefault(t, slot)  # a fed output keeps the fed value
        if opdef.supports_out and len(outs) == 1 and pooling(op.outputs[0]):
            outs[0].pooled, outs[0].tensor = True, op.outputs[0]
        steps.append(Step(Step.CALL, op, args, outs))
    for t, first in same.items():
        slot_of[t] = slot_of[first]
    return steps, slot_of


def place(steps, device_of, host, feeds_anywhere=False):
    """Sets each CALL step's device (`device_of(op)`); where a step reads a value whose home is
    another device, inserts a MOVE step before the first such reader on that device (a
    constant is moved now, once). Feeds and constants live on `host`, and so do shape-valued
    values: an op's `host_inputs` are read on the host, and an op with `host_outputs` reads
    only its inputs' shapes, wherever they are. With `feeds_anywhere` (a branch or loop body:
    its arguments come from the ops around it, a loop's from its own last iteration), a feed
    may be on any device: every device that reads it gets a MOVE, which costs nothing when the
    value is there already. Returns the steps."""
    for step in steps:
        if step.kind == Step.CALL:
            step.device = device_of(step.op)
    if all(step.device is None or step.device is host for step in steps):
        return steps
    home = {}
    copies = {}  # (slot, device) -> the slot of its copy there
    placed = []
    anywhere = object()  # the home of a feed that may be on any device
    for step in steps:
        if step.kind == Step.CALL and not step.op.opdef.host_outputs:
            on_host = step.op.opdef.host_inputs
            for k, slot in enumerate(step.args):
                where = host if k in on_host else step.device
                default = anywhere if feeds_anywhere and slot.kind == Slot.FEED else host
                if home.get(slot, default) is not where:
                    step.args[k] = _copy_on(step, slot, where, copies, placed)
            for slot in step.outs:
                home[slot] = step.device
            if step.op.opdef.ref_inputs:  # it wrote a variable: earlier copies of state are stale
                for key in [key for key in copies if key[0].kind == Slot.STATE]:
                    del copies[key]
        placed.append(step)
    return placed


def _copy_on(step, slot, device, copies, placed):
    key = (slot, device)
    if key not in copies:
        name = "%s_to%s" % (slot.name, _device_tag(device))
        if slot.kind == Slot.CONST:
            copies[key] = Slot(name, Slot.CONST, device.put(slot.value))
        else:
            copies[key] = Slot(name, Slot.TEMP)
            placed.append(Step(Step.MOVE, step.op, [slot], [copies[key]], device))
    return copies[key]


def _device_tag(device):
    return "%s%d" % (device.kind.lower(), device.index)


def mask_before_pooling_gradient(steps, wanted):
    """ReLU's gradient of a max pooling's gradient, ReluGrad(MaxPoolGrad(x, y, dy), x) with x
    the ReLU's output (a conv -> relu -> max_pool block's backward pass), computed as
    MaxPoolGrad(x, y, ReluGrad(dy, y)): where a window's gradient lands, x equals the window's
    maximum y, so the masks agree, and the mask is applied to the pooled gradient (a quarter of
    the size for 2x2 pools) instead of in a pass of its own over the input-sized one (LeNet's
    first block: 7.6 -> 6.3 ms at one thread, cold caches). The same bits when windows do not
    overlap (each position gets one window's gradient or zero: the products are the same two
    factors), so only then (MaxPoolGrad.masks_commute). The steps keep their ops (errors name
    them); the intermediate must be read by the ReLU gradient alone, and neither it nor the
    result fetched (a fetch is snapshotted by the op that makes it)."""
    readers = collections.Counter(a for step in steps for a in step.args)
    made_by = {o: step for step in steps for o in step.outs}
    host = lambda step: step.device is None or step.device is backend.HOST  # noqa: E731
    order = list(steps)
    for r in steps:
        if r.kind != Step.CALL or r.op.type != "ReluGrad" or len(r.args) != 2 or not host(r):
            continue
        g, features = r.args
        p = made_by.get(g)
        if (p is None or p.kind != Step.CALL or p.op.type != "MaxPoolGrad" or not host(p)
                or g.kind != Slot.TEMP or readers[g] != 1 or g in wanted or r.outs[0] in wanted
                or p.args[0] is not features or not p.op.opdef.masks_commute()):
            continue
        x, y, dy = p.args
        masked = Slot(g.name + "_masked", Slot.TEMP)
        # (drawn from the pool as ReluGrad's output was: of the pooled gradient's shape now)
        masked.pooled, masked.tensor = r.outs[0].pooled, data_inputs(p.op)[2]
        r.args, r.outs, p.args, p.outs = [dy, y], [masked], [x, y, masked], r.outs
        order.remove(r)
        order.insert(order.index(p), r)
    return _pool_before_relu(order, wanted)


def _pool_before_relu(steps, wanted):
    """The forward half of mask_before_pooling_gradient: `MaxPool(Relu(z))` runs as
    `Relu(MaxPool(z))` (the maximum of max(z, 0) over a window is max(max z, 0)), on the
    pooled grid instead of the input-sized one, when the ReLU's output is read only by the
    pool and by the pooling gradient (as x, with the pool's output as y, and as its pooled
    gradient ReluGrad(dy, y), as mask_before_pooling_gradient leaves it: that gradient then
    reads z and MaxPool(z), whose first maximum is the same position wherever the window's
    maximum is positive, and the pooled gradient is zero elsewhere),
    nothing of it fetched, and the windows do not overlap. Same values; a zero's sign may
    differ where a window holds no positive value."""
    readers = collections.Counter(a for step in steps for a in step.args)
    made_by = {o: step for step in steps for o in step.outs}
    host = lambda step: step.device is None or step.device is backend.HOST  # noqa: E731
    by_first_arg = collections.defaultdict(list)
    for step in steps:
        if step.kind == Step.CALL and step.args:
            by_first_arg[step.args[0]].append(step)
    order = list(steps)
    for relu in steps:
        if relu.kind != Step.CALL or relu.op.type != "Relu" or not host(relu) or \
                len(relu.args) != 1 or len(relu.outs) != 1:
            continue
        r = relu.outs[0]
        users = by_first_arg.get(r, [])
        pools = [s for s in users if s.op.type == "MaxPool"]
        if len(pools) != 1 or r.kind != Slot.TEMP or r in wanted or readers[r] != 2:
            continue
        pool = pools[0]
        y = pool.outs[0]
        grads = [s for s in users if s.op.type == "MaxPoolGrad" and s.args[1] is y]
        if (len(grads) != 1 or len(pool.args) != 1 or not host(pool) or not host(grads[0])
                or y in wanted or not grads[0].op.opdef.masks_commute()
                or pool.op.opdef.attrs() != grads[0].op.opdef.attrs()):
            continue
        grad = grads[0]
        mask = made_by.get(grad.args[2])  # the pooled gradient must be ReLU's, masked by y
        if mask is None or mask.kind != Step.CALL or mask.op.type != "ReluGrad" or \
                mask.args[1] is not y:
            continue
        pooled = Slot(r.name + "_pooled", Slot.TEMP)
        pooled.pooled, pooled.tensor = y.pooled, y.tensor  # (MaxPool's output: its shape)
        z = relu.args[0]
        pool.args, pool.outs = [z], [pooled]
        relu.args, relu.outs = [pooled], [y]
        grad.args = [z, pooled] + grad.args[2:]
        order.remove(relu)
        order.insert(order.index(pool) + 1, relu)
    return order


def fuse_conv_bias(steps, wanted):
    """Each convolution with its bias op as one CALL whose kernel is the convolution's
    bind_group (ops/conv_ops.py: FUSE_BIAS), where the convolution says it may take the bias
    (fuses_bias): `BiasAdd(Conv2D(x, w), b)`, the Conv2D's output read by the BiasAdd alone,
    runs as one step writing the BiasAdd's output slot (the bias added by the convolution's
    product instead of in a pass of its own); `Conv2DBackpropFilter(x, sizes, dz)` and
    `BiasAddGrad(dz)` run as one step with both outputs (the bias gradient a row of the filter
    gradient's product), and so do a dense layer's `MatMul(x, dz)` and `BiasAddGrad(dz)` where
    MatMul.fuses_bias says so (the bias gradient summed as the compiled product packs dz).
    The step keeps the convolution (the MatMul) as its op, which errors name. Left
    alone: steps off the host, values fetched (a fetch is snapshotted by the op making it),
    and pairs with a variable update between them."""
    readers, made_by, position, pairable = _fusing(steps, wanted)

    def fusable(first, second):
        return pairable(first, second) and first.op.opdef.fuses_bias(first.op, second.op)
    replace = {}  # step -> the fused step in its place (None: dropped)
    by_dy = collections.defaultdict(list)
    for step in steps:
        if step.kind != Step.CALL:
            continue
        if step.op.type == "BiasAdd" and len(step.args) == 2:
            conv = made_by.get(step.args[0])
            if (conv is not None and conv.op.type == "Conv2D" and len(conv.args) == 2
                    and readers[step.args[0]] == 1 and step.args[1] is not step.args[0]
                    and conv not in replace and fusable(conv, step)):
                fused = Step(Step.CALL, conv.op, conv.args + step.args[1:], step.outs,
                             conv.device)
                fused.group = [conv.op, step.op]
                replace[conv], replace[step] = None, fused
        elif step.op.type in ("Conv2DBackpropFilter", "BiasAddGrad", "MatMul"):
            by_dy[step.args[-1]].append(step)
    for pair in by_dy.values():
        filters = [s for s in pair if (s.op.type, len(s.args)) in (
            ("Conv2DBackpropFilter", 3), ("MatMul", 2))]
        grads = [s for s in pair if s.op.type == "BiasAddGrad" and len(s.args) == 1]
        if (len(filters) != 1 or len(grads) != 1 or grads[0].outs[0].pooled
                or not fusable(filters[0], grads[0])):
            continue
        f, g = filters[0], grads[0]
        first, later = sorted((f, g), key=position.get)
        between = steps[position[first] + 1:position[later]]
        if any(position.get(made_by.get(a), -1) > position[first] for a in f.args):
            # an input of the filter gradient is made after the bias gradient (its
            # filter_sizes): the fused step goes in the later one's place, if nothing
            # between them reads what the earlier one makes
            if any(a in first.outs for step in between for a in step.args):
                continue
            first, later = later, first
        fused = Step(Step.CALL, f.op, f.args, f.outs + g.outs, f.device)
        fused.group = [f.op, g.op]
        replace[first], replace[later] = fused, None
    return _replaced(steps, replace)


def _fusing(steps, wanted):
    """What the fusing passes look up: how many steps read each slot, the step making each
    slot, each step's position, and `pairable(first, second)`: whether two CALLs may run as one
    step (both on the host, neither a group already, no variable update between them, and
    no output of theirs fetched, a fetch being snapshotted by the op making it)."""
    readers = collections.Counter(a for step in steps for a in step.args)
    made_by = {o: step for step in steps for o in step.outs}
    position = {step: i for i, step in enumerate(steps)}
    writes = [i for i, step in enumerate(steps)
              if step.kind == Step.CALL and step.op.opdef.ref_inputs]
    host = lambda step: step.device is None or step.device is backend.HOST  # noqa: E731

    def pairable(first, second):
        a, b = sorted((position[first], position[second]))
        return (first.kind == second.kind == Step.CALL and host(first) and host(second)
                and not (first.group or second.group)
                and not any(a < i < b for i in writes)
                and not any(o in wanted or o.kind != Slot.TEMP for o in first.outs + second.outs))
    return readers, made_by, position, pairable


def stable_products(steps):
    """The MatMul steps whose b is a constant, or a variable that no step of the plan writes:
    from one run to the next b does not change (unless another plan writes it in between),
    and MatMul.bind(stable_b=True) lets each thread of the compiled product pack it for
    itself. An inference plan's weights, not a training step's (its updates write them)."""
    written = set()
    for step in steps:
        for op in (step.group or [step.op]) if step.kind == Step.CALL else ():
            try:
                written |= _written_variables(op)
            except TypeError:  # (state that is not a variable: an iterator, a table)
                pass
    stable = set()
    for step in steps:
        if step.kind != Step.CALL or step.op.type != "MatMul" or len(step.args) < 2:
            continue
        b = step.args[1]
        if b.kind == Slot.CONST:
            stable.add(step)
        elif b.kind == Slot.STATE:
            try:
                variable = variable_storage(None, step.op, 1)
            except TypeError:
                continue
            if variable not in written:
                stable.add(step)
    return stable


def _replaced(steps, replace):
    """`steps` with each step in `replace` replaced by its value there (None: dropped)."""
    if not replace:
        return steps
    return [replace.get(step, step) for step in steps if replace.get(step, step) is not None]


def fuse_matmul_bias(steps, wanted):
    """`BiasAdd(MatMul(a, b), bias)` on the host, and `Relu` of that, the MatMul's (and the
    BiasAdd's) output read by the next op alone, as one CALL in the last op's place whose
    kernel is the MatMul's bind_group: the compiled float32 product (ops/gemm.py) adds the
    bias and takes the relu as it writes each element, instead of two more passes over the
    output. Only where there is a compiled product; the step keeps the MatMul as its op, which
    errors name. Left alone as fuse_bias_relu leaves pairs: steps off the host, values
    fetched, and ops with a variable update between them."""
    readers, made_by, _, pairable = _fusing(steps, wanted)
    relu_of = {s.args[0]: s for s in steps
               if s.kind == Step.CALL and s.op.type == "Relu" and len(s.args) == 1}
    replace = {}
    for step in steps:
        if (step.kind != Step.CALL or step.op.type != "BiasAdd" or len(step.args) != 2
                or not step.op.opdef.fuses_relu(step.op)):
            continue
        product = _float32_product_of(step, made_by, readers, pairable, replace)
        if product is None or step.args[1] in product.args or \
                not _bias_fits(product.op, step.op):
            continue
        if gemm.kernel() is None:
            return steps
        last, group = step, [product.op, step.op]
        relu = relu_of.get(step.outs[0])
        if relu is not None and readers[step.outs[0]] == 1 and pairable(step, relu):
            last, group = relu, group + [relu.op]
        fused = Step(Step.CALL, product.op, product.args + step.args[1:], last.outs,
                     product.device)
        fused.group = group
        replace[product], replace[step], replace[last] = None, None, fused
    return _replaced(steps, replace)


def fuse_matmul_relu_grad(steps, wanted):
    """`ReluGrad(MatMul(a, b), features)` on the host, the MatMul's output read by the
    ReluGrad alone (a ReLU layer's input gradient), as one CALL in the ReluGrad's place whose
    kernel is the MatMul's bind_group: the compiled float32 product multiplies each element by
    1 or 0 as it writes it, instead of a pass of its own over the gradient. Only where there
    is a compiled product and both are matrices of one static shape (_same_matrix). Left
    alone as fuse_matmul_bias leaves pairs."""
    readers, made_by, _, pairable = _fusing(steps, wanted)
    replace = {}
    for step in steps:
        if step.kind != Step.CALL or step.op.type != "ReluGrad" or len(step.args) != 2:
            continue
        product = _float32_product_of(step, made_by, readers, pairable, replace)
        if product is None or not _same_matrix(product.op.outputs[0], step.op.inputs[1]):
            continue
        if gemm.kernel() is None:
            return steps
        fused = Step(Step.CALL, product.op, product.args + step.args[1:], step.outs,
                     product.device)
        fused.group = [product.op, step.op]
        replace[product], replace[step] = None, fused
    return _replaced(steps, replace)


def _float32_product_of(step, made_by, readers, pairable, replace):
    """The float32 MatMul step making `step`'s first input, when `step` alone reads it, the
    two may run as one (pairable) and the MatMul is not fused already; else None."""
    product = made_by.get(step.args[0])
    if (product is None or product.kind != Step.CALL or product.op.type != "MatMul"
            or len(product.args) != 2 or readers[step.args[0]] != 1
            or product.op.outputs[0].dtype.name != "float32" or product in replace
            or not pairable(product, step)):
        return None
    return product


def _same_matrix(a, b):
    """Whether tensors a and b are matrices of one static shape, the batch size maybe open in
    both (then a run feeding two batch sizes finds the product declining the features, and
    runs the two kernels one after the other)."""
    x, y = a.shape.as_tuple(), b.shape.as_tuple()
    return x is not None and y is not None and len(x) == len(y) == 2 and \
        x[1] is not None and x == y


def _bias_fits(product, bias_add):
    """Whether the bias's length is known when the plan is made and is the product's column
    count: then the fused kernel cannot meet a bias of another length, whose error would name
    the MatMul rather than the BiasAdd."""
    columns = product.outputs[0].shape.as_tuple()
    bias = bias_add.inputs[1].shape.as_tuple()
    return columns is not None and bias is not None and len(bias) == 1 and \
        bias[0] is not None and bias[0] == columns[-1]


def fuse_bias_relu(steps, wanted):
    """`Relu(BiasAdd(x, b))`, the BiasAdd's output read by the Relu alone, as
    one CALL in the Relu's place whose kernel is the BiasAdd's bind_group (one pass where the
    host has native kernels, ops/nn_ops.py), writing the Relu's output, where the BiasAdd
    says it may (fuses_relu). The step keeps the BiasAdd as its op, which errors name. Left
    alone: steps off the host, values fetched (a fetch is snapshotted by the op making it),
    and pairs with a variable update between them (b may be a variable's storage)."""
    readers, made_by, _, pairable = _fusing(steps, wanted)
    replace = {}
    for step in steps:
        if step.kind != Step.CALL or step.op.type != "Relu" or len(step.args) != 1:
            continue
        bias = made_by.get(step.args[0])
        if (bias is not None and bias.kind == Step.CALL and bias.op.type == "BiasAdd"
                and len(bias.args) == 2 and len(bias.outs) == 1
                and readers[step.args[0]] == 1 and pairable(bias, step)
                and bias.op.opdef.fuses_relu(bias.op)):
            fused = Step(Step.CALL, bias.op, bias.args, step.outs, bias.device)
            fused.group = [bias.op, step.op]
            replace[bias], replace[step] = None, fused
    return _replaced(steps, replace)


def group_updates(steps, wanted):
    """`steps` with each run of consecutive variable updates (ops with a `group_key`, on the
    host, whose outputs neither a step reads nor the run fetches: `wanted`) made one CALL per
    key, whose kernel is OpDef.bind_group. A run in which two updates write one variable is
    left as it is (their order would matter); otherwise the order of updates of different
    variables does not. The steps making the updates' gradients move into the group where
    they may (`_batched_producers`): its kernel computes them batched."""
    readers = collections.Counter(wanted)  # slot -> how many steps read it (a fetch counts)
    made_by, position = {}, {}
    for i, step in enumerate(steps):
        readers.update(step.args)
        made_by.update((slot, step) for slot in step.outs)
        position[step] = i
    grouped, run, absorbed, last_write = [], [], set(), -1
    for step in steps + [None]:
        if step is not None and step.kind == Step.CALL and step.op.opdef.group_key(
                step.op) is not None and (step.device is None or step.device is backend.HOST) \
                and not any(slot in readers for slot in step.outs):
            run.append(step)
            continue
        written = [_written_variables(s.op) for s in run]
        if len(run) < 2 or len(set().union(*written)) < sum(map(len, written)):
            grouped.extend(run)
        else:
            by_key = {}
            for member in run:
                by_key.setdefault(member.op.opdef.group_key(member.op), []).append(member)
            for members in by_key.values():
                first = members[0]
                if len(members) == 1:
                    grouped.append(first)
                    continue
                group = Step(Step.CALL, first.op, [a for m in members for a in m.args], [],
                             first.device)
                group.group = [m.op for m in members]
                producers = _batched_producers(members, made_by, readers, position,
                                               last_write)
                if producers is not None:
                    k = first.op.opdef.batch_input
                    group.args = [a for i, a in enumerate(first.args) if i != k] + [
                        a for p in producers for a in p.args]
                    group.producers = [p.op for p in producers]
                    absorbed.update(producers)
                grouped.append(group)
        run = []
        if step is not None:
            if step.kind == Step.CALL and step.op.opdef.ref_inputs:
                last_write = position[step]
            grouped.append(step)
    return [step for step in grouped if step not in absorbed]


# Batching pays where a call costs more than its arithmetic; the inputs of a batched producer
# stay alive until the group runs, so only small ones are.
_BATCHED_INPUT_MAX = 4096  # elements


def _batched_producers(members, made_by, readers, position, last_write):
    """The steps making the `batch_input` of each of the updates `members` (one group), when
    the group's kernel may compute them itself, batched (OpDef.batch_key): each of them read
    by its update alone, from values no write before the group changes (not a variable's,
    made after the last write before the group, not pooled), of the static shape of the
    variable updated, small (_BATCHED_INPUT_MAX); the members' other inputs the same. Else
    None."""
    k = members[0].op.opdef.batch_input
    if k is None or len({tuple(a for i, a in enumerate(m.args) if i != k)
                         for m in members}) != 1:
        return None
    producers = []
    for member in members:
        slot = member.args[k]
        p = made_by.get(slot)
        if (p is None or p.kind != Step.CALL or p.group or len(p.outs) != 1
                or slot.kind != Slot.TEMP or slot.pooled or readers[slot] != 1
                or position[p] < last_write or p.op.opdef.batch_key(p.op) is None
                or not (p.device is None or p.device is backend.HOST)
                or any(a.kind == Slot.STATE or a.pooled for a in p.args)
                or not all(0 <= (t.shape.num_elements() or -1) <= _BATCHED_INPUT_MAX
                           for t in data_inputs(p.op))
                or not member.op.inputs[0].shape.is_fully_defined()
                or p.op.outputs[0].shape.as_tuple() != member.op.inputs[0].shape.as_tuple()):
            return None
        producers.append(p)
    return producers


def _written_variables(op):
    """The variables `op` writes (its reference inputs, followed through identities)."""
    return {variable_storage(None, op, i) for i in op.opdef.ref_inputs}


def rename(steps, feed_slots, prefix, feed_names=None):
    """Gives every slot `prefix` before its name, and the feeds `feed_names` (in order): the
    names of a plan inlined into another function (client/loops.py)."""
    named = set()
    if feed_names is not None:
        for slot, name in zip(feed_slots, feed_names):
            slot.name = name
            named.add(slot)
    for step in steps:
        for slot in step.args + step.outs:
            if slot not in named:
                slot.name = prefix + slot.name
                named.add(slot)


def mark_frees(steps):
    """Sets each step's `frees`: the temps it is the last reader of, then the temps it makes
    that nothing reads (an identity's output is its input: freed at its last reader)."""
    last = {}
    for i, step in enumerate(steps):
        for slot in step.args:
            last[slot] = i
    for i, step in enumerate(steps):
        frees = []
        for slot in step.args:
            if last[slot] == i and slot.kind == Slot.TEMP and slot not in frees:
                frees.append(slot)
        if step.kind != Step.FORWARD:
            frees.extend(o for o in step.outs if o.kind == Slot.TEMP and o not in last)
        step.frees = frees


def emit(steps, feed_slots, elements, slot_of, state, trace=False, nested=False, prefix="",
         memo=None, stable=frozenset()):
    """The source of `run(_feeds)`, the namespace it runs in (kernels bound to `state`,
    constants, helpers), and {line number: (op, argument names)} for error messages. With
    `trace`, each kernel call appends (op, start, end, outputs) (perf_counter nanoseconds, the
    (shape, bytes) of each output) to `state.trace` (a run traced through
    RunOptions.trace_level).

    A fetched value is copied right after the step that makes it (a pooled array must not
    escape or change); a fetched variable at the end of the run, after the run's updates, as
    TF1's reference variables are (`s.run([step, x, f])` gives x after the step, f before).
    A `nested` plan (a branch, a loop body) returns its values to a control-flow kernel, not
    to the user: a kernel's fresh output is returned as it is (a view is still copied, since
    it may alias a variable), and a 0-d array stays an array. The steps in `memo`
    (shape_values) keep their last result. The MatMul steps in `stable` (stable_products)
    are bound with stable_b."""
    memo = memo or {}
    namespace = {"_snap": _snapshot, "_copy": _copy, "_give": state.buffers.give,
                 "_give_last": state.buffers.give_last, "_writes": interrupts.begin_writes}
    drawn_later = _drawn_later(steps)
    writing = False
    lines = ["def run(_feeds):"]
    if feed_slots:
        lines.append("    %s, = _feeds" % ", ".join(s.name for s in feed_slots))
    line_to_op = {}
    fetched = {e for e in elements if isinstance(e, Tensor)}
    snapshots = {}
    for i, step in enumerate(steps):
        op = step.op
        for slot in step.args:
            if slot.kind == Slot.CONST:
                namespace[slot.name] = _scalar(slot.value) if nested else slot.value
        if step.kind == Step.CALL and op.opdef.ref_inputs and not (writing or nested):
            writing = True  # from here on a KeyboardInterrupt waits for the end of the run
            lines.append("    _writes()")
        if step.kind == Step.CALL and step.outs and step.outs[0].pooled and op.opdef.elementwise:
            # An input it is the last reader of, of the output's shape and dtype, goes back
            # first, so that the output (drawn from the pool) is that array: bias add, relu and
            # their gradients run in place.
            early = [s for s in step.frees if s.pooled and s in step.args
                     and _fits(s.tensor, step.outs[0].tensor)][:1]
            for slot in early:
                lines.append("    _give(%s)" % slot.name)
        else:
            early = []
        expression = None
        if step.kind == Step.CALL and nested and len(step.outs) == 1 and not step.outs[0].pooled:
            expression = op.opdef.inline(op, *[a.name for a in step.args])
        if expression is not None:
            lines.append("    %s = %s" % (step.outs[0].name, expression))
            line_to_op[len(lines)] = (op, [a.name for a in step.args])
        elif step.kind == Step.CALL:
            hint = {"stable_b": True} if step in stable else {}
            fn = (op.opdef.bind_group(state, step.group, step.producers, **hint) if step.group
                  else op.opdef.bind(state, op, **hint))
            wrapped = (step.outs and step.outs[0].pooled) or trace or step in memo or (
                step.device is not None and step.device.index and step.device.kind == "GPU")
            arguments = None
            if isinstance(fn, Call):
                if wrapped:
                    fn = fn.fallback
                else:  # the call written out: `k3(t1, t2.T)`
                    fn, arguments = fn.fn, fn.arguments([a.name for a in step.args])
            if step.outs and step.outs[0].pooled:
                if op.opdef.elementwise and splits_elementwise(step):
                    fn = workers.elementwise(fn)
                fn = drawing_from(state.buffers, fn)
            if step in memo:
                fn = memo[step](fn)
            if step.device is not None and step.device.index and step.device.kind == "GPU":
                fn = _on(step.device, fn)
            if trace:
                fn = _timed(state, op, fn)
            namespace[prefix + "k%d" % i] = fn
            _emit_call(lines, prefix + "k%d" % i, step, arguments)
            line_to_op[len(lines)] = (op, [a.name for a in step.args])
        elif step.kind == Step.MOVE:
            mover = prefix + "_to" + _device_tag(step.device)
            namespace[mover] = step.device.put
            _emit_call(lines, mover, step)
            line_to_op[len(lines)] = (op, [step.args[0].name])
        if step.kind != Step.MOVE:
            for t, slot in zip(op.outputs, step.outs):
                if t in fetched and t not in snapshots and slot_of.get(t) is slot and \
                        slot.kind not in (Slot.STATE, Slot.FEED):
                    snapshots[t] = prefix + "r%d" % len(snapshots)
                    if nested and op.opdef.fresh_output:
                        lines.append("    %s = %s if %s.base is None else %s.copy()"
                                     % (snapshots[t], slot.name, slot.name, slot.name))
                        continue
                    helper = "_snap" if op.opdef.fresh_output else "_copy"
                    lines.append("    %s = %s(%s)" % (snapshots[t], helper, slot.name))
        for slot in step.frees:
            if not slot.pooled or slot in early:  # only what draws from the pool goes back
                continue
            # (a loop body's next iteration is the same plan again: everything goes back)
            if nested or any(_fits(slot.tensor, t) for t in drawn_later[i]):
                lines.append("    _give(%s)" % slot.name)
            elif kept_for_next_run(slot.tensor):
                lines.append("    _give_last(%s)" % slot.name)
        if step.frees:
            lines.append("    del %s" % ", ".join(s.name for s in step.frees))
    results = []
    for e in elements:
        slot = slot_of.get(e) if isinstance(e, Tensor) else None
        if slot is None:
            results.append("None")
        elif e in snapshots:
            results.append(snapshots[e])
        elif slot.kind == Slot.STATE:
            snapshots[e] = prefix + "r%d" % len(snapshots)
            lines.append("    %s = _copy(%s)" % (snapshots[e], slot.name))
            results.append(snapshots[e])
        elif slot.kind == Slot.CONST:
            namespace[slot.name] = slot.value
            results.append("_copy(%s)" % slot.name)
        else:  # a fed tensor fetched back (the fed array itself, as TF1 returns it)
            results.append(slot.name if nested else "_snap(%s)" % slot.name)
    lines.append("    return [%s]" % ", ".join(results))
    namespace["_results"] = results
    return "\n".join(lines) + "\n", namespace, line_to_op


# Ops whose value is a function of their input's shape alone.
SHAPE_OPS = frozenset(("Shape", "Size", "Rank"))


def shape_values(steps, fetched):
    """{step: wrapper} for the steps that compute a value from run-time shapes alone: a Shape,
    Size or Rank of any value (its kernel runs again only when the input's shape changes), and
    a pure op whose inputs are all such values or constants (the Mean gradient's
    `Size // Size`, its Cast and division, the BroadcastTo of a gradient to a batch of unknown
    size), which runs again only when one of those inputs is a new object. In the MLP step
    these seven kernels cost ~45 us, cold after the products, against ~3 us of checks. Left
    alone: values fetched, drawn from the pool, or on a GPU (whose consumers may write into
    or hand them out, as may a stateful reader)."""
    memo, derived = {}, set()
    for step in steps:
        op = step.op
        if (step.kind != Step.CALL or step.group or len(step.outs) != 1
                or step.outs[0].pooled or step.outs[0] in fetched
                or not (step.device is None or step.device is backend.HOST)):
            continue
        if op.type in SHAPE_OPS:
            memo[step] = _by_shapes
        elif (not (op.opdef.stateful or op.opdef.ref_inputs or op.control_inputs)
              and step.args and all(a in derived or a.kind == Slot.CONST for a in step.args)
              and any(a in derived for a in step.args)):
            memo[step] = _by_identity
        else:
            continue
        derived.add(step.outs[0])
    # (a stateful reader, a queue or a py_func, might keep or change the object it was given;
    # a group of updates is led by an update, which has ref_inputs: a fused convolution and
    # bias (fuse_conv_bias) keeps nothing, and its filter_sizes stay memoized)
    kept = {a for step in steps if step.kind == Step.CALL and (
        step.op.opdef.stateful or step.op.opdef.ref_inputs) for a in step.args}
    return {step: wrap for step, wrap in memo.items() if step.outs[0] not in kept}


def _by_shapes(fn):
    """`fn` (a kernel of SHAPE_OPS) that returns its last result while its inputs' shapes stay."""
    last = [None, None]

    def call(*args):
        shapes = tuple([a.shape for a in args])
        if shapes != last[0]:
            last[1] = fn(*args)
            last[0] = shapes
        return last[1]
    return call


def _by_identity(fn):
    """`fn` (a pure kernel) that returns its last result while its inputs are the same
    objects (the last results of _by_shapes or _by_identity kernels, and constants)."""
    last = [(), None]

    def call(*args):
        before = last[0]
        if len(before) != len(args) or not all(map(operator.is_, before, args)):
            last[1] = fn(*args)
            last[0] = args
        return last[1]
    return call


def splits_elementwise(step):
    """Whether the kernel of `step`, an elementwise op drawing its output from the pool, may be
    large enough to split over the intra-op workers (workers.elementwise): a numpy kernel whose
    output may have workers.ELEMENTWISE_SPLIT elements."""
    n = step.outs[0].tensor.shape.num_elements()
    return (step.device is None or step.device is backend.HOST) and (
        n is None or n >= workers.ELEMENTWISE_SPLIT)


def _drawn_later(steps):
    """For each step, the tensors that the steps after it draw from the pool, one per static
    shape and dtype: a pooled array goes back to the pool at its last use only if one of them
    may take it in the same run."""
    later, result = {}, []
    for step in reversed(steps):
        result.append(list(later.values()))
        for slot in step.outs:
            if slot.pooled:
                later.setdefault((slot.tensor.dtype, slot.tensor.shape.as_tuple()), slot.tensor)
    return result[::-1]


def _fits(a, b):
    """Whether an array of tensor `a` may serve as one of tensor `b` (static shape and dtype)."""
    return a.dtype is b.dtype and a.shape.is_compatible_with(b.shape)


def _timed(state, op, fn):
    """`fn` appending (op, start, end, [(shape, bytes) per output]) to `state.trace`."""
    clock = time.perf_counter_ns

    def call(*args, **kwargs):
        start = clock()
        result = fn(*args, **kwargs)
        end = clock()
        values = result if len(op.outputs) > 1 else () if not op.outputs else (result,)
        state.trace.append((op, start, end, [_described(v) for v in values]))
        return result
    return call


def _described(value):
    """(shape, bytes) of a kernel's output; ((), 0) for what is not an array."""
    shape = getattr(value, "shape", None)
    if shape is None:
        return (), 0
    return tuple(shape), int(getattr(value, "nbytes", 0))


def _emit_call(lines, kernel, step, arguments=None):
    call = "%s(%s)" % (kernel, ", ".join(a.name for a in step.args) if arguments is None
                       else arguments)
    if not step.outs:
        lines.append("    " + call)
    else:
        lines.append("    %s, = %s" % (", ".join(o.name for o in step.outs), call)
                     if len(step.outs) > 1 else "    %s = %s" % (step.outs[0].name, call))


def _dims(shape):
    return format_dims(shape.as_tuple())


def _dims_of(runtime_shape):
    return "?" if runtime_shape is None else format_dims(tuple(runtime_shape))


# -- run-time helpers the emitted code calls ------------------------------------------------------

def _on(device, fn):
    """`fn` run with `device` active (kernels on a GPU other than the first)."""
    def call(*args, **kwargs):
        with device.activate():
            return fn(*args, **kwargs)
    return call


def _scalar(value):
    """A 0-d numpy array as a numpy scalar (kernels on scalars skip ufunc dispatch), else
    `value`."""
    if type(value) is numpy.ndarray and not value.ndim:
        return value[()]
    return value


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

