"""Fused optimizer update ops (ApplyGradientDescent, ApplyAdam, ...): each updates its variable
and slots in place with the formulas of TF1's training_ops kernels."""

import functools
import operator
from typing import ClassVar

from minitf import backend, dtypes, errors, native
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import TensorShape, format_dims
from minitf.framework.tensor_util import constant_value
from minitf.framework.tensor import TensorSpec
from minitf.ops.op_util import dtype_error, kernel_splitter, type_mismatch_error
from minitf.ops.scatter_ops import check_row_indices
from minitf.ops.state_ops import uninitialized_error, variable_storage

__all__ = ["ApplyOp", "ApplyGradientDescent", "ApplyMomentum", "ApplyKerasMomentum", "ApplyAdam",
           "ApplyAdaMax", "ApplyAddSign", "ApplyPowerSign",
           "ApplyAdagrad", "ApplyAdagradV2", "ApplyAdagradDA", "SparseApplyAdagradDA", "ApplyRMSProp", "ApplyCenteredRMSProp", "ApplyAdadelta", "SparseApplyOp",
           "SparseApplyMomentum", "SparseApplyAdagrad", "SparseApplyRMSProp",
           "SparseApplyCenteredRMSProp", "SparseApplyAdadelta"]


class ApplyOp(OpDef):
    """An in-place update of a variable (input 0) and its slot variables (inputs 1..num_slots,
    passed by reference); the other inputs are scalar hyperparameters and the gradient.

    Subclasses name their inputs in TF's order in `input_names` and implement
    `update(xp, scratch, *inputs)`, which receives the variable and slot arrays (to be written
    in place) and the other input values in that order. `scratch(i)` returns the i-th work
    array shaped like the variable, kept between runs, so an update allocates nothing.
    """

    stateful = True
    fresh_output = False
    differentiable = False
    input_names: ClassVar[tuple] = ()
    num_slots: ClassVar[int] = 0
    grad_name: ClassVar[str] = "grad"
    use_locking: bool = False  # TF's attr (minitf's updates run one at a time anyway)
    # On a GPU, `update`'s dozen kernel launches per variable cost more than the arithmetic:
    # `fused(self)` may give (input params, output params, body) of one elementwise kernel
    # doing the same float operations in the same order (backend.elementwise_kernel), called
    # with the inputs that are not state, then the variable and its slots.
    def fused(self):
        return None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.ref_inputs = tuple(range(1 + cls.num_slots))

    def infer(self, *inputs):
        names = self.input_names
        if len(inputs) != len(names):
            raise ValueError("%s takes %d inputs (%s), got %d"
                             % (self.type_name, len(names), ", ".join(names), len(inputs)))
        _check_apply_inputs(self.type_name, names, inputs, self.num_slots, self.grad_name)
        return TensorSpec(inputs[0].shape, inputs[0].dtype)

    def bind(self, ctx, op):
        # This runs once per variable per training step: a 500-layer network's step runs it a
        # thousand times, so the checks are plain comparisons and nothing is allocated.
        xp = ctx.xp_for(op)
        store = ctx.variables
        refs = [variable_storage(ctx, op, i) for i in self.ref_inputs]
        grad_at = self.input_names.index(self.grad_name) - len(self.ref_inputs)  # among values
        update = _fused_or_plain_update(self, xp, len(refs))
        scratch = _Scratch(xp)
        size = op.inputs[0].shape.num_elements()
        split = kernel_splitter(ctx, xp) if (size or 0) >= 2 * self.SPLIT_MIN_ELEMENTS else None

        read = store.__getitem__

        def apply(*values):
            try:
                states = [*map(read, refs)]
            except KeyError:
                missing = next(r for r in refs if r not in store)
                raise uninitialized_error(missing, op) from None
            var = states[0]
            shape = var.shape
            if values[grad_at].shape != shape:
                raise self._shape_error(op, states, values[grad_at])
            for slot in states:
                if slot.shape != shape:
                    raise self._shape_error(op, states, values[grad_at])
            if split is not None and split.participants() > 1:
                self._split_update(xp, update, split, scratch.like(var), states, values,
                                   grad_at)
            else:
                update(xp, scratch.like(var), *states, *values)
            return var
        return apply

    # A large update splits over the run's intra-op workers (client/workers.py), in at most
    # SPLIT_CHUNKS chunks of at least SPLIT_MIN_ELEMENTS: the formula is elementwise, so every
    # element gets the same float operations, whichever thread runs its chunk.
    SPLIT_MIN_ELEMENTS = 1 << 18
    SPLIT_CHUNKS = 4

    def _split_update(self, xp, update, split, scratch, states, values, grad_at):
        arrays = states + [values[grad_at]]
        if not all(a.flags.c_contiguous for a in arrays):  # (a flat view of each is needed)
            update(xp, scratch, *states, *values)
            return
        flat = [a.reshape(-1) for a in arrays]
        size = flat[0].size
        grain = -(-size // min(self.SPLIT_CHUNKS, size // self.SPLIT_MIN_ELEMENTS))
        grain += -grain % 16  # (chunks start 64-byte aligned: the same vector loops)
        before, after = values[:grad_at], values[grad_at + 1:]

        def chunk(start, stop):
            pieces = [a[start:stop] for a in flat]
            update(xp, _Piece(scratch, start, stop), *pieces[:-1], *before, pieces[-1], *after)
        split.split(size, chunk, grain)

    def _shape_error(self, op, states, grad):
        names = self.input_names[:len(states)] + (self.grad_name,)
        shapes = ", ".join("%s %s" % (n, format_dims(a.shape))
                           for n, a in zip(names, states + [grad]))
        return errors.InvalidArgumentError(
            None, op, "%s: var and %s do not have the same shape (%s)"
            % (op.name, self.grad_name if grad.shape != states[0].shape else "its slots", shapes))

    def update(self, xp, scratch, var, *args):
        raise NotImplementedError

    # Updates of small variables of one kind (and dtype) with the same hyperparameters run as
    # one kernel: a dozen ufunc calls cost the same on a bias of 10 elements as on one of
    # 16,384, so on all the small variables together they cost what they cost on one. Only
    # small ones: the arena's gradients' array costs as much memory as the variables it holds.
    GROUP_MAX_ELEMENTS = 16384

    def group_key(self, op):
        size = op.inputs[0].shape.num_elements()
        if size is None:
            return None
        if size > self.GROUP_MAX_ELEMENTS:
            return op  # a key of its own: it runs alone, but does not part the small ones
        return self, op.inputs[0].dtype, self.hyperparameters_key(op)

    def hyperparameters_key(self, op):
        """The part of group_key that updates run as one kernel must share: their
        hyperparameters, the same tensors or constants of the same value (Keras gives each
        update its own constant beta_1). The kernel checks the values again as it runs."""
        return tuple(_value_key(t) for i, (name, t) in enumerate(zip(self.input_names,
                                                                   op.inputs))
                     if i > self.num_slots and name != self.grad_name)

    def bind_group(self, ctx, ops, producers=None):
        # The variables and their slots move into one array on the first run (`_Arena`: the
        # variables, then each kind of slot), so that from the second run on the gradients are
        # copied into one array and `update` runs once on the whole: the same float operations
        # on each element as one kernel per variable, with the same hyperparameter values (all
        # elementwise). Every shape is checked before the first write.
        xp = ctx.xp_for(ops[0])
        store = ctx.variables
        count, kinds = len(ops), len(self.ref_inputs)
        refs = [variable_storage(ctx, op, i) for i in self.ref_inputs for op in ops]
        n = len(self.input_names) - kinds  # values per update
        grad_at = self.input_names.index(self.grad_name) - kinds
        at = [i * n + j for i in range(count) for j in range(n) if j != grad_at]
        hyper = operator.itemgetter(*at)  # (at least two: two updates, a hyperparameter each)
        per = len(at) // count
        update, concatenate = _fused_or_plain_update(self, xp, kinds), xp.concatenate
        scratch, alone = _Scratch(xp), [_Scratch(xp) for _ in ops]
        arena, rebuilds, agreed = None, 0, None

        def same_hyperparameters(values):
            # (each run passes the same objects for a plan's constants and variables' reads
            # of one tensor: compared by value once, then by identity)
            nonlocal agreed
            given = hyper(values)
            firsts = given[:per] * (count - 1)
            if all(map(operator.is_, given[per:], firsts)) or (
                    agreed is not None and all(map(operator.is_, given, agreed))):
                return True
            if all(map(functools.partial(_same_value, xp), given[per:], firsts)):
                agreed = given
                return True
            return False

        def apply_all(*values):
            nonlocal arena, rebuilds
            states = _read_states(store, refs, lambda i: ops[i % count])
            grads = values[grad_at::n]
            held = arena is not None and arena.holds(states, grads)
            if held and same_hyperparameters(values):
                concatenate(grads, None, arena.grad_values)
                args = [*values[:n]]
                args[grad_at] = arena.grad_values
                update(xp, scratch.like(arena.grad_values), *arena.parts, *args)
                return
            if not held:
                for i, op in enumerate(ops):
                    mine = states[i::count]
                    shape = mine[0].shape
                    if grads[i].shape != shape or any(s.shape != shape for s in mine):
                        raise self._shape_error(op, mine, grads[i])
            for i in range(count):
                mine = states[i::count]
                update(xp, alone[i].like(mine[0]), *mine, *values[i * n:(i + 1) * n])
            # (the arrays this run read keep their updated values: what it fetches is right)
            if not held:
                rebuilds += 1
                if rebuilds <= _REBUILDS:
                    arena = _Arena(xp, store, refs, states, kinds=kinds)
        return apply_all


def _read_states(store, refs, op_of):
    """The arrays of the variables `refs`, for in-place updates; FailedPreconditionError for
    the first one not initialized, against `op_of(i)`, the update that reads refs[i]."""
    try:
        return [*map(store.__getitem__, refs)]
    except KeyError:
        i = next(i for i, r in enumerate(refs) if r not in store)
        raise uninitialized_error(refs[i], op_of(i)) from None


def _state_reader(ctx, op, ref_inputs):
    """A function returning the arrays of the variables behind `ref_inputs` (for in-place
    updates), raising FailedPreconditionError for one not initialized."""
    store = ctx.variables
    refs = [variable_storage(ctx, op, i) for i in ref_inputs]

    def read():
        try:
            return [store[r] for r in refs]
        except KeyError:
            missing = next(r for r in refs if r not in store)
            raise uninitialized_error(missing, op) from None
    return read


@functools.lru_cache(maxsize=None)
def _fused_kernels(opdef_type, source, xp):
    return backend.elementwise_kernel(xp, *source, "minitf_" + opdef_type.lower())


def _fused_or_plain_update(opdef, xp, n_states):
    """`opdef.update`, or a function of the same arguments calling its fused kernel (one per
    formula and module, compiled once: cupy's on a GPU, minitf/native.py's on the host) for
    float32 and float64 variables, and `update` where the native loop cannot take the arrays
    (a variable that is a strided view, say)."""
    source = opdef.fused()
    if source is None:
        return opdef.update
    kernel = _fused_kernels(opdef.type_name, source, xp)
    if kernel is None:
        return opdef.update
    plain = opdef.update

    def update(xp, scratch, *arrays):
        states, values = arrays[:n_states], arrays[n_states:]
        if states[0].dtype.kind != "f" or states[0].dtype.itemsize < 4:
            return plain(xp, scratch, *arrays)
        try:
            kernel(*values, *states)
        except native.Unsupported:
            plain(xp, scratch, *arrays)
    return update


class _Scratch:
    """Work arrays kept between runs: `like(a)` returns the scratch itself, set so that
    `scratch(i)` is the i-th array shaped like `a` (reallocated only when that shape changes),
    so an update allocates nothing."""

    def __init__(self, xp):
        self.xp = xp
        self.buffers = {}
        self._like = None

    def like(self, a):
        self._like = a
        return self

    def __call__(self, i):
        a = self._like
        buf = self.buffers.get(i)
        if buf is None or buf.shape != a.shape or buf.dtype != a.dtype:
            buf = self.buffers[i] = self.xp.empty_like(a)
        return buf


class _Piece:
    """The [start, stop) piece of each flattened work array of a _Scratch (set `like` the whole
    variable), for one chunk of a split update. Chunks may ask for an array the first time
    together: each may then make one, and each keeps using the one it got (writing only its
    own piece), so the result is right; later runs find the one kept."""

    __slots__ = ("scratch", "start", "stop", "got")

    def __init__(self, scratch, start, stop):
        self.scratch, self.start, self.stop, self.got = scratch, start, stop, {}

    def __call__(self, i):
        piece = self.got.get(i)
        if piece is None:
            piece = self.got[i] = self.scratch(i).reshape(-1)[self.start:self.stop]
        return piece


# A group whose variables keep leaving its arena (another group moved them: two train ops
# updating overlapping variables in turn) stops moving them after this many times and updates
# them one by one, as an update per kernel would.
_REBUILDS = 3


class _Arena:
    """Variables (of one dtype) moved into one array: `store[ref]` becomes a view of `values`,
    holding the variable's current value. `grads` are views of `grad_values` of the same
    layout. A variable whose storage is replaced later (an assignment of another shape, a
    restore that does not write in place) is no longer in the arena: `holds` says so.

    With `kinds` > 1, `states` are that many runs of the same shapes (the variables, then each
    kind of slot: m of each, then v of each): `parts` are the runs' pieces of `values`, and
    `grad_values` is laid out as the first run."""

    def __init__(self, xp, store, refs, states, grad_values=None, kinds=1):
        total = sum(v.size for v in states)
        self.values = xp.empty(total, states[0].dtype if states else None)
        size = total // kinds
        self.parts = [self.values[i * size:(i + 1) * size] for i in range(kinds)]
        self.grad_values = xp.empty_like(self.parts[0]) if grad_values is None else grad_values
        self.views, self.grads, start = [], [], 0
        for ref, var in zip(refs, states):
            end = start + var.size
            view = self.values[start:end].reshape(var.shape)
            view[...] = var
            store[ref] = view
            self.views.append(view)
            if start < size:
                self.grads.append(self.grad_values[start:end].reshape(var.shape))
            start = end
        self.shapes = [*map(_shape, self.grads)]

    def holds(self, states, deltas):
        """Whether `states` are still the arena's views and `deltas` have their shapes."""
        return all(map(operator.is_, states, self.views)) and \
            [*map(_shape, deltas)] == self.shapes


_shape = operator.attrgetter("shape")


def _size(shape):
    size = 1
    for d in shape:
        size *= d
    return size


def _one(index):
    """A getter of one argument as a one-element tuple (as itemgetter of several gives)."""
    return lambda values: (values[index],)


def _value_key(tensor):
    """A group key part for a hyperparameter: its value when known at build time, else the
    tensor."""
    value = constant_value(tensor)
    if value is None:
        return tensor
    return value.dtype.str, value.shape, value.tobytes()


def _same_value(xp, a, b):
    """Whether hyperparameter values `a` and `b` are the same bits (a -0.0 is not 0.0)."""
    if a is b:
        return True
    a, b = xp.asarray(a), xp.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _split(flat, shapes):
    """Views of consecutive pieces of `flat`, one of each shape's size."""
    pieces, start = [], 0
    for shape in shapes:
        end = start + _size(shape)
        pieces.append(flat[start:end])
        start = end
    return pieces


def _check_apply_inputs(type_name, names, inputs, num_slots, grad_name):
    """Every input has var's dtype (a global step: int64); slots and the gradient var's shape;
    the rest are scalars."""
    var = inputs[0]
    for i, (name, t) in enumerate(zip(names, inputs)):
        if name == "global_step":
            if t.dtype is not dtypes.int64:
                raise dtype_error("global_step", t.dtype, (dtypes.int64,))
        elif t.dtype is not var.dtype:
            raise type_mismatch_error(type_name, name, t.dtype, "var", var.dtype)
        if i <= num_slots or name == grad_name:
            if not var.shape.is_compatible_with(t.shape):
                raise ValueError("var and %s do not have the same shape: %s vs %s"
                                 % (name, format_dims(var.shape.as_tuple()),
                                    format_dims(t.shape.as_tuple())))
        elif t.shape.ndims not in (None, 0):
            raise ValueError("Input '%s' must be a scalar, but has shape %s"
                             % (name, format_dims(t.shape.as_tuple())))


# The kernels below apply TF's formulas (tensorflow/core/kernels/training_ops.cc) as a
# sequence of in-place ufunc calls through one work array where possible; products may be
# grouped differently than in TF's Eigen expressions, which changes results by rounding only.

@register
class ApplyGradientDescent(ApplyOp):
    input_names = ("var", "alpha", "delta")
    grad_name = "delta"

    def fused(self):
        return "T alpha, T delta", "T var", "var = var - delta * alpha;"

    def update(self, xp, scratch, var, alpha, delta):
        var -= xp.multiply(delta, alpha, out=scratch(0))

    def hyperparameters_key(self, op):
        return ()  # (any alpha: its kernel multiplies each gradient by its own)

    batch_input = 1  # delta

    def bind_group(self, ctx, ops, producers=None):
        if producers:
            return self._bind_batched(ctx, ops, producers)
        # A step updates every variable: a 500-layer network's, a thousand of them. As one
        # kernel, the variables move into one array (`_Arena`) on the first run, so that from
        # the second run on each update is one multiply into the gradients' array and one
        # subtraction updates them all: the same float operations (var -= delta * alpha). Every
        # shape is checked before the first write.
        xp = ctx.xp_for(ops[0])
        store = ctx.variables
        refs = [variable_storage(ctx, op) for op in ops]
        multiply, subtract = xp.multiply, xp.subtract
        arena, rebuilds = None, 0

        def apply_all(*values):
            nonlocal arena, rebuilds
            states = _read_states(store, refs, lambda i: ops[i])
            alphas, deltas = values[::2], values[1::2]
            if arena is not None and arena.holds(states, deltas):
                for delta, alpha, g in zip(deltas, alphas, arena.grads):
                    multiply(delta, alpha, g)  # (out= by position: a keyword costs ~100 ns)
                subtract(arena.values, arena.grad_values, arena.values)
                return
            for op, var, delta in zip(ops, states, deltas):
                if delta.shape != var.shape:
                    raise self._shape_error(op, [var], delta)
            for var, alpha, delta in zip(states, alphas, deltas):
                var -= multiply(delta, alpha)
            # (the arrays this run read keep their updated values: what it fetches is right)
            rebuilds += 1
            if rebuilds <= _REBUILDS:
                arena = _Arena(xp, store, refs, states)
        return apply_all

    def _bind_batched(self, ctx, ops, producers):
        # The gradients too are computed here: the producers of one batch key (the weight
        # gradients of the layers of one shape, their bias gradients) as one batched call
        # writing straight into the gradients' array, then one multiply and one subtraction
        # update every variable. Called with alpha, then each producer's inputs.
        xp = ctx.xp_for(ops[0])
        store = ctx.variables
        batches = {}
        for i, p in enumerate(producers):
            batches.setdefault(p.opdef.batch_key(p), []).append(i)
        order = [i for members in batches.values() for i in members]  # the arrays' layout
        refs = [variable_storage(ctx, ops[i]) for i in order]
        shapes = [ops[i].inputs[0].shape.as_tuple() for i in order]
        dtype = ops[0].inputs[0].dtype.as_numpy_dtype
        grads = xp.empty(sum(_size(s) for s in shapes), dtype)
        starts = [1]  # where each producer's inputs begin among the call's arguments
        for p in producers:
            starts.append(starts[-1] + len(p.inputs))
        runs, start = [], 0
        for members in batches.values():
            shape = ops[members[0]].inputs[0].shape.as_tuple()
            end = start + len(members) * _size(shape)
            columns = [operator.itemgetter(*[starts[i] + j for i in members])
                       if len(members) > 1 else _one(starts[members[0]] + j)
                       for j in range(len(producers[members[0]].inputs))]
            runs.append((producers[members[0]].opdef.bind_batch(xp, [producers[i] for i in
                                                                      members]),
                         grads[start:end].reshape((len(members),) + shape), columns))
            start = end
        multiply, subtract = xp.multiply, xp.subtract
        arena, rebuilds = None, 0

        def apply_all(alpha, *inputs):
            nonlocal arena, rebuilds
            values = (alpha,) + inputs
            for batch, out, columns in runs:
                batch(out, *[column(values) for column in columns])
            states = _read_states(store, refs, lambda i: ops[order[i]])
            if arena is not None and all(map(operator.is_, states, arena.views)):
                multiply(grads, alpha, grads)
                subtract(arena.values, grads, arena.values)
                return
            deltas = [g.reshape(s) for g, s in zip(_split(grads, shapes), shapes)]
            for i, var, delta in zip(order, states, deltas):
                if var.shape != delta.shape:
                    raise self._shape_error(ops[i], [var], delta)
            for var, delta in zip(states, deltas):
                var -= multiply(delta, alpha)
            rebuilds += 1
            if rebuilds <= _REBUILDS:
                arena = _Arena(xp, store, refs, states, grads)
        return apply_all


@register
class ApplyMomentum(ApplyOp):
    use_nesterov: bool = False
    input_names = ("var", "accum", "lr", "grad", "momentum")
    num_slots = 1

    def fused(self):
        step = ("T t = accum * momentum; t = t * lr; t = t + grad * lr; var = var - t;"
                if self.use_nesterov else "var = var - accum * lr;")
        return ("T lr, T grad, T momentum", "T var, T accum",
                "accum = accum * momentum + grad;" + step)

    def update(self, xp, scratch, var, accum, lr, grad, momentum):
        accum *= momentum                             # accum = accum * momentum + grad
        accum += grad
        t = scratch(0)
        if self.use_nesterov:                         # var -= grad * lr + accum * momentum * lr
            xp.multiply(accum, momentum, out=t)       # (the sum first, as TF: the same bits)
            t *= lr
            t += xp.multiply(grad, lr, out=scratch(1))
        else:                                         # var -= accum * lr
            xp.multiply(accum, lr, out=t)
        var -= t


@register
class ApplyKerasMomentum(ApplyMomentum):
    """The momentum update of Keras's SGD (TF's ResourceApplyKerasMomentum, here on a reference
    variable as minitf's other Apply ops): accum = accum * momentum - grad * lr; var += accum,
    or with Nesterov var += accum * momentum - grad * lr."""

    def fused(self):
        step = ("T t = accum * momentum; t = t - step; var = var + t;" if self.use_nesterov
                else "var = var + accum;")
        return ("T lr, T grad, T momentum", "T var, T accum",
                "accum = accum * momentum; T step = grad * lr; accum = accum - step;" + step)

    def update(self, xp, scratch, var, accum, lr, grad, momentum):
        accum *= momentum
        step = xp.multiply(grad, lr, out=scratch(0))
        accum -= step
        if self.use_nesterov:
            t = xp.multiply(accum, momentum, out=scratch(1))
            t -= step
            var += t
        else:
            var += accum


@register
class ApplyAdam(ApplyOp):
    use_nesterov: bool = False
    input_names = ("var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2",
                   "epsilon", "grad")
    num_slots = 2

    def fused(self):
        # the operations and order of `update` below (and of _moving_average)
        nesterov = ("T u = g * (T(1) - b1); u = u + b1 * m; u = u * alpha;" if self.use_nesterov
                    else "T u = m * alpha;")
        return ("T b1p, T b2p, T lr, T b1, T b2, T eps, T g", "T var, T m, T v",
                "T alpha = lr * sqrt(T(1) - b2p) / (T(1) - b1p);"
                + _c_moving_average("m", "g", "b1") + _c_moving_average("v", "g * g", "b2")
                + nesterov +
                "var = var - u / (sqrt(v) + eps);")

    def update(self, xp, scratch, var, m, v, beta1_power, beta2_power, lr, beta1, beta2,
               epsilon, grad):
        alpha = lr * xp.sqrt(1 - beta2_power) / (1 - beta1_power)
        t = scratch(0)
        _moving_average(xp, m, grad, beta1, t)
        _moving_average(xp, v, xp.square(grad, out=t), beta2, t)
        # var -= (m' * alpha) / (sqrt(v) + epsilon), m' = grad * (1 - beta1) + beta1 * m
        # with Nesterov, else m: TF's order of operations, so that the same bits come out
        u = scratch(1)
        if self.use_nesterov:
            xp.multiply(grad, 1 - beta1, out=u)
            u += xp.multiply(beta1, m, out=t)
            u *= alpha
        else:
            xp.multiply(m, alpha, out=u)
        xp.sqrt(v, out=t)
        t += epsilon
        u /= t
        var -= u


@register
class ApplyAdaMax(ApplyOp):
    """AdaMax (TF's ApplyAdaMax, tf.contrib.opt.AdaMaxOptimizer's update): m += (grad - m)
    (1 - beta1); v = max(beta2 v, |grad|); var -= lr / (1 - beta1_power) * (m / (v + epsilon)),
    in TF's order of operations."""

    input_names = ("var", "m", "v", "beta1_power", "lr", "beta1", "beta2", "epsilon", "grad")
    num_slots = 2

    def fused(self):
        # (max as Eigen's and numpy's: a NaN on either side gives a NaN)
        return ("T b1p, T lr, T b1, T b2, T eps, T g", "T var, T m, T v",
                _c_moving_average("m", "g", "b1") +
                "T a = b2 * v; T b = fabs(g); v = a < b ? b : (b != b ? b : a);"
                "T u = v + eps; u = m / u; T rate = lr / (T(1) - b1p); var = var - rate * u;")

    def update(self, xp, scratch, var, m, v, beta1_power, lr, beta1, beta2, epsilon, grad):
        t = scratch(0)
        _moving_average(xp, m, grad, beta1, t)
        v *= beta2
        xp.maximum(v, xp.abs(grad, out=t), out=v)
        xp.add(v, epsilon, out=t)
        xp.divide(m, t, out=t)
        t *= lr / (1 - beta1_power)
        var -= t


def _c_sign_product(grad, m):
    """sign(grad) * sign(m) as statements of a fused body (into `T sgm`), numpy's sign: a NaN
    stays NaN, a zero gives zero."""
    return ("T sg = %s > T(0) ? T(1) : (%s < T(0) ? T(-1) : %s);"
            "T sm = %s > T(0) ? T(1) : (%s < T(0) ? T(-1) : %s); T sgm = sg * sm;"
            % (grad, grad, grad, m, m, m))


def _sign_product(xp, grad, m, t, u):
    """sign(grad) * sign(m) into the work array `t` (`u` another)."""
    xp.sign(grad, out=t)
    t *= xp.sign(m, out=u)
    return t


def _sign_moving_average(xp, m, grad, beta, t):
    """m = m * beta + grad * (1 - beta), in place: the form of TF's AddSign and PowerSign
    kernels (not Adam's m += (grad - m) (1 - beta): other bits)."""
    m *= beta
    m += xp.multiply(grad, 1 - beta, out=t)


_C_SIGN_MOVING_AVERAGE = "m = m * beta + grad * (T(1) - beta);"


@register
class ApplyAddSign(ApplyOp):
    """AddSign (TF's ApplyAddSign, tf.contrib.opt.AddSignOptimizer's update): m = m beta +
    grad (1 - beta); var -= lr (alpha + sign_decay sign(grad) sign(m)) grad, in TF's order."""

    input_names = ("var", "m", "lr", "alpha", "sign_decay", "beta", "grad")
    num_slots = 1

    def fused(self):
        return ("T lr, T alpha, T sign_decay, T beta, T grad", "T var, T m",
                _C_SIGN_MOVING_AVERAGE + _c_sign_product("grad", "m") +
                "T u = sign_decay * sgm; u = alpha + u; u = lr * u; var = var - u * grad;")

    def update(self, xp, scratch, var, m, lr, alpha, sign_decay, beta, grad):
        t = scratch(0)
        _sign_moving_average(xp, m, grad, beta, t)
        _sign_product(xp, grad, m, t, scratch(1))
        t *= sign_decay
        xp.add(alpha, t, out=t)
        xp.multiply(lr, t, out=t)
        t *= grad
        var -= t


@register
class ApplyPowerSign(ApplyOp):
    """PowerSign (TF's ApplyPowerSign, tf.contrib.opt.PowerSignOptimizer's update): m = m beta
    + grad (1 - beta); var -= lr exp(logbase sign_decay sign(grad) sign(m)) grad, in TF's
    order. No fused body: the native exp need not round as numpy's does."""

    input_names = ("var", "m", "lr", "logbase", "sign_decay", "beta", "grad")
    num_slots = 1

    def update(self, xp, scratch, var, m, lr, logbase, sign_decay, beta, grad):
        t = scratch(0)
        _sign_moving_average(xp, m, grad, beta, t)
        _sign_product(xp, grad, m, t, scratch(1))
        t *= logbase * sign_decay
        xp.exp(t, out=t)
        xp.multiply(lr, t, out=t)
        t *= grad
        var -= t


@register
class ApplyAdagradDA(ApplyOp):
    """Adagrad dual averaging (TF's ApplyAdagradDA): g += grad, gg += grad^2, then var =
    -lr sign(g) max(|g| - T l1, 0) / (l2 T lr + sqrt(gg)) (-lr g / (...) when l1 is 0), T the
    global step (through float, as TF's kernel), in TF's order of operations."""

    input_names = ("var", "gradient_accumulator", "gradient_squared_accumulator", "grad", "lr",
                   "l1", "l2", "global_step")
    num_slots = 2

    def group_key(self, op):
        return None  # (the step is an int64 input: updates are not merged)

    def update(self, xp, scratch, var, g, gg, grad, lr, l1, l2, global_step):
        g += grad
        gg += xp.multiply(grad, grad, out=scratch(0))
        step = var.dtype.type(xp.float32(global_step))
        denominator = xp.sqrt(gg, out=scratch(0))
        denominator += l2 * (step * lr)
        if l1 > 0:
            shrunk = xp.abs(g, out=scratch(1))
            shrunk -= step * l1
            xp.maximum(shrunk, 0, out=shrunk)
            xp.sign(g, out=var)
            var *= -lr
            var *= shrunk
        else:
            xp.multiply(g, lr, out=var)
            xp.negative(var, out=var)
        var /= denominator


def _scaled_step(xp, var, rate, numerator, accum, t, epsilon=None):
    """var -= rate * numerator / (sqrt(accum) [+ epsilon]), in place, using scratch `t`."""
    xp.sqrt(accum, out=t)
    if epsilon is not None:
        t += epsilon
    xp.divide(numerator, t, out=t)
    t *= rate
    var -= t


@register
class ApplyAdagrad(ApplyOp):
    update_slots: bool = True
    input_names = ("var", "accum", "lr", "grad")
    num_slots = 1

    def fused(self):
        return ("T lr, T grad", "T var, T accum",
                ("accum = accum + grad * grad;" if self.update_slots else "")
                + "T t = sqrt(accum); t = grad / t; t = t * lr; var = var - t;")

    def update(self, xp, scratch, var, accum, lr, grad):
        t = scratch(0)
        if self.update_slots:                         # accum += grad^2
            accum += xp.square(grad, out=t)
        _scaled_step(xp, var, lr, grad, accum, t)     # var -= lr * grad / sqrt(accum)


@register
class ApplyAdagradV2(ApplyOp):
    """Adagrad with epsilon (TF 1.15's ApplyAdagradV2, which Keras's Adagrad runs):
    accum += grad^2; var -= grad * lr / (sqrt(accum) + epsilon)."""

    update_slots: bool = True
    input_names = ("var", "accum", "lr", "epsilon", "grad")
    num_slots = 1

    def fused(self):
        return ("T lr, T epsilon, T grad", "T var, T accum",
                ("accum = accum + grad * grad;" if self.update_slots else "")
                + "T u = sqrt(accum) + epsilon; T t = grad * lr; t = t / u; var = var - t;")

    def update(self, xp, scratch, var, accum, lr, epsilon, grad):
        t, u = scratch(0), scratch(1)
        if self.update_slots:
            accum += xp.square(grad, out=t)
        xp.sqrt(accum, out=u)
        u += epsilon
        xp.multiply(grad, lr, out=t)
        t /= u
        var -= t


@register
class ApplyRMSProp(ApplyOp):
    input_names = ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad")
    num_slots = 2

    def fused(self):
        return ("T lr, T rho, T momentum, T epsilon, T grad", "T var, T ms, T mom",
                _c_moving_average("ms", "grad * grad", "rho") + "T t = ms + epsilon;"
                + _C_MOMENTUM_STEP)

    def update(self, xp, scratch, var, ms, mom, lr, rho, momentum, epsilon, grad):
        t = scratch(0)
        _moving_average(xp, ms, xp.square(grad, out=t), rho, t)
        xp.add(ms, epsilon, out=t)                    # denominator: ms + epsilon
        _momentum_step(xp, var, mom, lr, momentum, grad, t, scratch(1))


@register
class ApplyCenteredRMSProp(ApplyOp):
    input_names = ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad")
    num_slots = 3

    def fused(self):
        return ("T lr, T rho, T momentum, T epsilon, T grad", "T var, T mg, T ms, T mom",
                _c_moving_average("ms", "grad * grad", "rho")
                + _c_moving_average("mg", "grad", "rho")
                + "T t = ms - mg * mg; t = t + epsilon;" + _C_MOMENTUM_STEP)

    def update(self, xp, scratch, var, mg, ms, mom, lr, rho, momentum, epsilon, grad):
        t = scratch(0)
        _moving_average(xp, ms, xp.square(grad, out=t), rho, t)
        _moving_average(xp, mg, grad, rho, t)
        xp.square(mg, out=t)                          # denominator: ms - mg^2 + epsilon
        xp.subtract(ms, t, out=t)
        t += epsilon
        _momentum_step(xp, var, mom, lr, momentum, grad, t, scratch(1))


# _moving_average and _momentum_step as statements of a fused kernel's body (ApplyOp.fused),
# doing the same operations in the same order.
def _c_moving_average(average, value, decay):
    return "%s = %s + (%s - %s) * (T(1) - %s);" % (average, average, value, average, decay)


_C_MOMENTUM_STEP = ("t = sqrt(t); T u = grad * lr; u = u / t; mom = mom * momentum + u;"
                    " var = var - mom;")


def _moving_average(xp, average, value, decay, t):
    """average += (value - average) * (1 - decay), in place, the form TF's kernels use for
    Adam's m and v and RMSProp's ms and mg. `t` is the work array; `value` may be `t`."""
    xp.subtract(value, average, out=t)
    t *= 1 - decay
    average += t


def _momentum_step(xp, var, mom, lr, momentum, grad, t, u):
    """RMSProp's tail, given the denominator in the work array `t` (overwritten; `u` another):
    mom = mom * momentum + (grad * lr) / sqrt(t); var -= mom, in TF's order (the same bits)."""
    xp.sqrt(t, out=t)
    xp.multiply(grad, lr, out=u)
    u /= t
    mom *= momentum
    mom += u
    var -= mom


@register
class ApplyAdadelta(ApplyOp):
    input_names = ("var", "accum", "accum_update", "lr", "rho", "epsilon", "grad")
    num_slots = 2

    def fused(self):
        return ("T lr, T rho, T epsilon, T grad", "T var, T accum, T accum_update",
                "accum = accum * rho; T t = grad * grad; t = t * (T(1) - rho); accum = accum + t;"
                " t = sqrt(accum_update + epsilon); T u = sqrt(accum + epsilon); t = t / u;"
                " t = t * grad; var = var - t * lr;"
                " accum_update = accum_update * rho; t = t * t; t = t * (T(1) - rho);"
                " accum_update = accum_update + t;")

    def update(self, xp, scratch, var, accum, accum_update, lr, rho, epsilon, grad):
        t, u = scratch(0), scratch(1)
        accum *= rho                                  # accum = accum * rho + grad^2 * (1 - rho)
        xp.square(grad, out=t)
        t *= 1 - rho
        accum += t
        xp.add(accum_update, epsilon, out=t)          # update = sqrt(accum_update + epsilon)
        xp.sqrt(t, out=t)                             #   / sqrt(accum + epsilon) * grad
        xp.add(accum, epsilon, out=u)
        t /= xp.sqrt(u, out=u)
        t *= grad
        var -= xp.multiply(t, lr, out=u)              # var -= update * lr
        accum_update *= rho                           # accum_update = accum_update * rho
        xp.square(t, out=t)                           #   + update^2 * (1 - rho)
        t *= 1 - rho
        accum_update += t


# -- sparse forms: the same formulas on the rows named by `indices` ----------------------------

class SparseApplyOp(ApplyOp):
    """The sparse form of a dense ApplyOp (subclass both): `grad` holds rows, `indices` (the
    input right after it) their row numbers in the variable. The dense update formula runs on
    the gathered rows of the variable and slots, which are then written back; the other rows
    are untouched (TF's SparseApply* kernels). Indices are expected distinct (optimizers sum
    repeated ones first, as TF's do)."""

    def infer(self, *inputs):
        names = self.input_names
        if len(inputs) != len(names):
            raise ValueError("%s takes %d inputs (%s), got %d"
                             % (self.type_name, len(names), ", ".join(names), len(inputs)))
        at = names.index("indices")
        var, grad, indices = inputs[0], inputs[at - 1], inputs[at]
        if indices.dtype not in (dtypes.int32, dtypes.int64):
            raise dtype_error("indices", indices.dtype, (dtypes.int32, dtypes.int64))
        if indices.shape.ndims not in (None, 1):
            raise ValueError("indices must be one-dimensional, got shape %s"
                             % format_dims(indices.shape.as_tuple()))
        dense_inputs = inputs[:at - 1] + (var,) + inputs[at + 1:]
        dense_names = names[:at - 1] + (self.grad_name,) + names[at + 1:]
        _check_apply_inputs(self.type_name, dense_names, dense_inputs, self.num_slots,
                            self.grad_name)
        rows = TensorShape([None]).concatenate(var.shape[1:]) if var.shape.ndims else None
        if grad.dtype is not var.dtype:
            raise type_mismatch_error(self.type_name, self.grad_name, grad.dtype, "var", var.dtype)
        if rows is not None and not grad.shape.is_compatible_with(rows):
            raise ValueError("var and %s do not have the same shape: %s vs %s (one row per "
                             "index)" % (self.grad_name, format_dims(var.shape.as_tuple()),
                                         format_dims(grad.shape.as_tuple())))
        return TensorSpec(var.shape, var.dtype)

    def group_key(self, op):
        return None

    def bind(self, ctx, op):
        xp = ctx.xp_for(op)
        read_states = _state_reader(ctx, op, self.ref_inputs)
        at = self.input_names.index("indices") - len(self.ref_inputs)  # among the values
        update = self.update
        scratch = _Scratch(xp)

        def apply(*values):
            states = read_states()
            var, grad, indices = states[0], values[at - 1], values[at]
            for slot in states:
                if slot.shape != var.shape:
                    raise self._shape_error(op, states, var)
            if grad.shape != indices.shape + var.shape[1:]:
                raise errors.InvalidArgumentError(
                    None, op, "%s: grad must be the rows of var named by indices: var %s, grad "
                    "%s, indices %s" % (op.name, format_dims(var.shape),
                                        format_dims(grad.shape), format_dims(indices.shape)))
            check_row_indices(xp, op, indices, var.shape[0])
            rows = [s[indices] for s in states]
            update(xp, scratch.like(rows[0]), *rows, *values[:at], *values[at + 1:])
            for s, r in zip(states, rows):
                s[indices] = r
            return var
        return apply


@register
class SparseApplyAdagradDA(SparseApplyOp, ApplyAdagradDA):
    """ApplyAdagradDA on the rows named by `indices`. TF's sparse kernel rearranges the
    formula: rows wider than one element compute -sign(g) max(|g| / T - l1, 0) / (l2 +
    sqrt(gg) / (T lr)) in the variable's dtype, a vector's elements compute the dense formula
    in float64 (the square root of gg in the variable's dtype); so does this, for the same
    bits."""

    input_names = ("var", "gradient_accumulator", "gradient_squared_accumulator", "grad",
                   "indices", "lr", "l1", "l2", "global_step")

    def update(self, xp, scratch, var, g, gg, grad, lr, l1, l2, global_step):
        if var.size == var.shape[0]:  # one element a row: TF's scalar loop, in float64
            self._update_elements(xp, var, g, gg, grad, lr, l1, l2, global_step)
            return
        g += grad
        gg += xp.multiply(grad, grad, out=scratch(0))
        step = var.dtype.type(global_step)
        denominator = xp.sqrt(gg, out=scratch(0))
        denominator /= step * lr
        denominator += l2
        scaled = xp.divide(g, step, out=scratch(1))
        if l1 > 0:
            xp.abs(scaled, out=scaled)
            scaled -= l1
            xp.maximum(scaled, 0, out=scaled)
            xp.sign(g, out=var)
            xp.negative(var, out=var)
            var *= scaled
        else:
            xp.negative(scaled, out=var)
        var /= denominator

    @staticmethod
    def _update_elements(xp, var, g, gg, grad, lr, l1, l2, global_step):
        wide = xp.float64
        grad = grad.astype(wide)
        g[...] = g.astype(wide) + grad
        gg[...] = gg.astype(wide) + grad * grad
        lr, l1, l2 = wide(lr), wide(l1), wide(l2)
        step = wide(global_step)
        root = xp.sqrt(gg).astype(wide)  # (std::sqrt of the variable's type)
        denominator = step * l2 * lr + root
        if l1 > 0:
            shrunk = xp.maximum(xp.abs(g).astype(wide) - step * l1, 0.0)
            var[...] = xp.sign(-g).astype(wide) * lr * shrunk / denominator
        else:
            var[...] = (-g.astype(wide) * lr) / denominator


@register
class SparseApplyMomentum(SparseApplyOp, ApplyMomentum):
    input_names = ("var", "accum", "lr", "grad", "indices", "momentum")


@register
class ApplyFtrl(ApplyOp):
    """FTRL-Proximal (TF's ApplyFtrl): accum' = accum + g^2; linear += g - sigma * var with
    sigma = (accum'^-p - accum^-p) / lr; var = (l1 sign(linear) - linear) / (accum'^-p / lr +
    2 l2) where |linear| > l1, else 0. With p = -0.5 (the default) the powers are square roots
    and every bit is TF's; other powers go through numpy's pow, a few ulps from Eigen's."""

    input_names = ("var", "accum", "linear", "grad", "lr", "l1", "l2", "lr_power")
    num_slots = 2

    def update(self, xp, scratch, var, accum, linear, grad, lr, l1, l2, lr_power):
        _ftrl(xp, scratch, var, accum, linear, grad, grad, lr, l1, l2, lr_power)


@register
class ApplyFtrlV2(ApplyOp):
    """ApplyFtrl with L2 shrinkage: the linear term sees g + 2 l2_shrinkage var (TF's
    ApplyFtrlV2; the accumulator still sums g^2)."""

    input_names = ("var", "accum", "linear", "grad", "lr", "l1", "l2", "l2_shrinkage",
                   "lr_power")
    num_slots = 2

    def update(self, xp, scratch, var, accum, linear, grad, lr, l1, l2, l2_shrinkage, lr_power):
        shrunk = xp.multiply(var, 2 * l2_shrinkage, out=scratch(2))
        shrunk += grad
        _ftrl(xp, scratch, var, accum, linear, grad, shrunk, lr, l1, l2, lr_power)


def _ftrl(xp, scratch, var, accum, linear, grad, linear_grad, lr, l1, l2, lr_power):
    """FTRL's update in TF's order of operations, in place; `linear_grad` (the gradient the
    linear term sees) may be scratch(2), which this overwrites only after reading it."""
    new_accum = xp.multiply(grad, grad, out=scratch(0))
    new_accum += accum
    if lr_power == -0.5:
        root = xp.sqrt(new_accum, out=scratch(1))
        sigma = xp.sqrt(accum, out=scratch(3))
    else:
        root = xp.power(new_accum, -lr_power, out=scratch(1))
        sigma = xp.power(accum, -lr_power, out=scratch(3))
    xp.subtract(root, sigma, out=sigma)
    sigma /= lr
    sigma *= var
    xp.subtract(linear_grad, sigma, out=sigma)
    linear += sigma
    root /= lr                                   # the denominator: accum'^-p / lr + 2 l2
    root += 2 * l2
    shrunk = xp.sign(linear, out=sigma)          # (l1 sign(linear) - linear) / denominator
    shrunk *= l1
    shrunk -= linear
    shrunk /= root
    var[...] = 0                                 # TF's select: +0.0 where |linear| <= l1 (or
    xp.copyto(var, shrunk, where=xp.abs(linear, out=root) > l1)  # NaN), whatever the sign
    accum[...] = new_accum


@register
class ApplyProximalGradientDescent(ApplyOp):
    """FOBOS with a fixed rate (TF's ApplyProximalGradientDescent): v = var - alpha delta;
    var = sign(v) max(|v| - alpha l1, 0) / (1 + alpha l2), or v / (1 + alpha l2) without l1.
    TF's order of operations: the same bits."""

    input_names = ("var", "alpha", "l1", "l2", "delta")
    grad_name = "delta"

    def update(self, xp, scratch, var, alpha, l1, l2, delta):
        prox = xp.multiply(delta, alpha, out=scratch(0))
        xp.subtract(var, prox, out=prox)
        _proximal_step(xp, scratch, var, prox, alpha, l1, 1 + l2 * alpha)


@register
class ApplyProximalAdagrad(ApplyOp):
    """FOBOS with Adagrad's rate (TF's ApplyProximalAdagrad): accum += g^2, rate = lr /
    sqrt(accum), then ApplyProximalGradientDescent's step with that rate. TF's CPU kernel takes
    Eigen's fast rsqrt (as ApplyAdagrad): about 4% of the values differ in the last bit."""

    input_names = ("var", "accum", "lr", "l1", "l2", "grad")
    num_slots = 1

    def update(self, xp, scratch, var, accum, lr, l1, l2, grad):
        accum += xp.multiply(grad, grad, out=scratch(0))
        rate = xp.sqrt(accum, out=scratch(1))
        xp.divide(1, rate, out=rate)
        rate *= lr
        prox = xp.multiply(grad, rate, out=scratch(0))
        xp.subtract(var, prox, out=prox)
        denominator = xp.multiply(rate, l2, out=scratch(2))
        denominator += 1
        _proximal_step(xp, scratch, var, prox, rate, l1, denominator)


def _proximal_step(xp, scratch, var, prox, rate, l1, denominator):
    """var = sign(prox) max(|prox| - rate l1, 0) / denominator (prox / denominator when l1 is
    0), in TF's order; `prox` is scratch(0), overwritten."""
    if l1 > 0:
        shrunk = xp.multiply(rate, l1, out=scratch(3))
        xp.subtract(xp.abs(prox, out=scratch(4)), shrunk, out=shrunk)
        xp.maximum(shrunk, 0, out=shrunk)
        xp.sign(prox, out=prox)
        prox *= shrunk
    xp.divide(prox, denominator, out=var)


@register
class SparseApplyAdagrad(SparseApplyOp, ApplyAdagrad):
    input_names = ("var", "accum", "lr", "grad", "indices")


@register
class SparseApplyRMSProp(SparseApplyOp, ApplyRMSProp):
    input_names = ("var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad", "indices")


@register
class SparseApplyCenteredRMSProp(SparseApplyOp, ApplyCenteredRMSProp):
    input_names = ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad",
                   "indices")


@register
class SparseApplyAdadelta(SparseApplyOp, ApplyAdadelta):
    input_names = ("var", "accum", "accum_update", "lr", "rho", "epsilon", "grad", "indices")


@register
class SparseApplyProximalGradientDescent(SparseApplyOp, ApplyProximalGradientDescent):
    input_names = ("var", "alpha", "l1", "l2", "grad", "indices")
    grad_name = "grad"


@register
class SparseApplyProximalAdagrad(SparseApplyOp, ApplyProximalAdagrad):
    input_names = ("var", "accum", "lr", "l1", "l2", "grad", "indices")


@register
class SparseApplyFtrl(SparseApplyOp, ApplyFtrl):
    input_names = ("var", "accum", "linear", "grad", "indices", "lr", "l1", "l2", "lr_power")


@register
class SparseApplyFtrlV2(SparseApplyOp, ApplyFtrlV2):
    input_names = ("var", "accum", "linear", "grad", "indices", "lr", "l1", "l2",
                   "l2_shrinkage", "lr_power")
