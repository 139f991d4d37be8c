"""Control flow as ops whose attributes are sub-graphs: If (tf.cond, tf.case) and While
(tf.while_loop), with their gradients.

Each branch or loop body is built once in its own FuncGraph; the tensors it reads from outside
become inputs of the If / While op. The kernel compiles each sub-graph with the same plan
compiler as Session.run and calls it from a real Python `if` / `while`, so only the taken branch
runs, and stateful ops created inside a branch run only when it is taken.

Gradients: the gradient of a branch is built in the branch's own graph (so it can read the
branch's forward tensors); the gradient of If is an If over those gradient functions. What must
not be recomputed in the backward pass (outputs of stateful ops: random draws, assignments) is
kept by the forward kernel and handed over through the op's last output, a per-run token; pure
forward values are recomputed (rematerialised) in a branch. The gradient of While (WhileGrad)
replays the body's gradient in reverse over a per-run stack of each iteration's loop variables
and kept values (there every forward value the backward body reads is kept: recomputing would
cost one more forward of the body per iteration), so the trip count may depend on data; it
builds the gradients of only the captured tensors that lead to a requested x.
"""

import dataclasses

from minitf import backend, dtypes, errors
from minitf.framework import nest
from minitf.framework.func_graph import FuncGraph, Function, reached as _reached
from minitf.framework.graph import control_dependencies, get_default_graph, name_scope
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.operation import Operation
from minitf.framework.registry import OpDef, lookup, register
from minitf.framework.shapes import TensorShape, as_shape, format_dims, unknown_shape
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.gradients import gradients
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.core import Identity, identity, stack, zeros_like
from minitf.ops.logging_ops import Assert
from minitf.ops.math_ops import cast, equal, reduce_sum
from minitf.ops.op_util import rank_error
from minitf.ops.scatter_ops import apply_at
from minitf.ops.tensor_array_ops import TensorArray, TensorArrayValue, from_flows, to_flows

__all__ = ["cond", "case", "switch_case", "while_loop"]

_TOKEN = TensorSpec([], dtypes.int32)  # the per-run token output: what a gradient needs


# -- building functions ----------------------------------------------------------------------------

def _build_function(name, fn, arg_specs, outer):
    """Calls `fn` with placeholders for `arg_specs` ((dtype, shape, name) each) inside a new
    FuncGraph; returns (graph, args, result structure)."""
    graph = FuncGraph(name, outer)
    graph._names_in_use = outer._names_in_use  # one namespace: 'cond/add', 'cond/add_1'
    args = [graph.add_input(dt, shape, name=n) for dt, shape, n in arg_specs]
    with graph.as_default():
        result = fn(*args)
    return graph, args, result


def _flat_outputs(graph, result, what):
    """The tensors of `graph` a function returns (an Operation becomes a bool tensor that waits
    for it, as in TF1; a Variable its value)."""
    flat = []
    with graph.as_default():
        for x in nest.flatten(result):
            if x is None:
                raise ValueError("%s returned None; it must return tensors (or ops)." % what)
            if isinstance(x, Operation) or (hasattr(x, "_as_graph_element")
                                            and isinstance(x._as_graph_element(), Operation)):
                op = x if isinstance(x, Operation) else x._as_graph_element()
                with control_dependencies([op]):
                    x = constant(True)
            t = graph.capture(convert_to_tensor(x))
            flat.append(t)
    return flat


def _match_captures(graphs, args_per_graph):
    """One argument list for all `graphs`: each graph's explicit args, then every tensor any of
    them captured (a graph that did not read one gets an unused placeholder for it). Returns
    (outer tensors captured, per-graph arg lists)."""
    outer = []
    for g in graphs:
        for t, ph in g.captures.items():
            if t.graph is g.outer_graph and t not in outer:
                outer.append(t)
    lists = []
    for g, args in zip(graphs, args_per_graph):
        extra = []
        for t in outer:
            ph = g.captures.get(t)
            if ph is None:
                ph = g.capture(t)
            extra.append(ph)
        lists.append(list(args) + extra)
    return outer, lists


def _stateful(functions):
    """Whether running any of `functions` runs a stateful op (so the caller is stateful too)."""
    for fn in functions:
        ops, _ = _reached(fn.outputs, set(fn.args) | set(fn.residuals))
        if any(op.opdef.stateful and not op.opdef.must_be_fed for op in ops):
            return True
    return False


def _ref_only(functions, indices):
    """The `indices` of arguments every function uses only as a variable reference (assigned,
    never read): the caller passes no value for them, so assigning an uninitialized variable
    inside a branch works."""
    refs = []
    for i in indices:
        only = True
        for fn in functions:
            ph = fn.args[i]
            if any(t is ph for t in fn.outputs):  # returned as it is: its value is read
                only = False
            for op in fn.graph.get_operations():
                if any(t is ph and j not in op.opdef.ref_inputs for j, t in enumerate(op.inputs)):
                    only = False
        if only:
            refs.append(i)
    return refs


def _join_shapes(a, b):
    ta, tb = a.as_tuple(), b.as_tuple()
    if ta is None or tb is None or len(ta) != len(tb):
        return unknown_shape()
    return TensorShape([x if x == y else None for x, y in zip(ta, tb)])


def _gradient_function(fn, wrt, sparse_from=None, keep_forward=False):
    """The vector-Jacobian product of `fn` as a Function in fn's own graph: args are fn's args
    then one dy per output; outputs are the gradients with respect to fn.args[i] for i in
    `wrt` (zeros where an arg does not matter). A gradient of an arg at index >= `sparse_from`
    that is a tf.IndexedSlices (a gather inside a loop body) is returned as two outputs,
    values and int64 indices, so the caller can add it up without densifying it
    (`gfn.sparse` tells which). Residuals are the values the backward pass must not recompute
    (outputs of stateful ops and of ops with control inputs, and fn's own residuals),
    registered in fn.saved so the forward kernel keeps them."""
    g = fn.graph
    n_before = len(g.get_operations())
    with g.as_default():
        with g.name_scope(None):
            dys = [g.create_op(lookup("Placeholder")(t.dtype, t.shape), [], name="dy").outputs[0]
                   for t in fn.outputs]
        xs = [fn.args[i] for i in wrt]
        raw = gradients(fn.outputs, xs, grad_ys=dys) if xs else []
        sparse, grads = [], []
        for i, x, gr in zip(wrt, xs, raw):
            if sparse_from is not None and i >= sparse_from and isinstance(gr, IndexedSlices):
                sparse.append(True)
                grads += [gr.values, cast(gr.indices, dtypes.int64)]
            else:  # (a plan output is dense)
                sparse.append(False)
                grads.append(zeros_like(x) if gr is None else convert_to_tensor(gr))
    boundary = set(fn.residuals)
    for op in g.get_operations()[:n_before]:
        if (op.opdef.stateful and not op.opdef.must_be_fed) or op.control_inputs or (
                keep_forward and not (op.opdef.must_be_fed or op.opdef.is_constant)):
            boundary.update(op.outputs)
    boundary -= set(fn.args)
    _, reads = _reached(grads, set(fn.args) | set(dys) | boundary)
    residuals = _ordered(reads & boundary)
    gfn = Function(g, fn.args + dys, grads, residuals)
    gfn.sparse = tuple(sparse)
    for t in residuals:
        if t not in fn.saved:
            fn.saved.append(t)
    gfn.residual_index = [fn.saved.index(t) for t in residuals]
    return gfn


def _ordered(tensors):
    return sorted(tensors, key=lambda t: (t.op.index, t.value_index))


def _signature(fn, data_args):
    """(what a plan of `fn` fetches, what it is fed): fn's outputs, then what its gradients
    asked to keep (fn.saved); the args at positions `data_args`, then its residuals."""
    return fn.outputs + fn.saved, [fn.args[i] for i in data_args] + fn.residuals


def _compile(ctx, fn, data_args):
    return ctx.compile(*_signature(fn, data_args))


def _results_on(ctx, op):
    """A function that leaves a sub-graph's results on the device `op` runs on, where the plan
    around it expects them: they come back from wherever the sub-graph's ops ran (a folded
    constant from the host, a scalar loop's values as numpy scalars)."""
    device = ctx.device_for(op)
    if device.kind == "CPU" and not backend.gpus():
        return lambda values: values  # every value is on the host already
    return lambda values: [device.put(v) for v in values]


# -- If ----------------------------------------------------------------------------------------------

class _FunctionalOp(OpDef):
    """Base of the ops whose attributes are Functions. In a GraphDef a Function attr is the
    name of its graph, whose ops are exported next to the op's own node (for TensorBoard):
    such a node cannot be turned back into an op."""

    fresh_output = False  # an output may be an input passed through

    def __post_init__(self):
        for f in dataclasses.fields(self):
            if f.type in (Function, "Function") and not isinstance(getattr(self, f.name), Function):
                raise TypeError("%s needs a Function for its attr '%s', got %r"
                                % (self.type_name, f.name, getattr(self, f.name)))

    # TF's form in a GraphDef (framework/graph_def.py): the TF op type (stateful, stateless) and
    # the fields TF's op has under its own name; the others go in `_minitf_attr_<field>` attrs
    # (TF keeps and ignores attrs starting with '_'). A Function attr names a library function.
    tf_types = None
    tf_fields = ()

    def tf_form(self, op):
        fields = super().attrs()
        if self.tf_types is None:
            return self.type_name, fields
        attrs = {k: v for k, v in fields.items() if k in self.tf_fields}
        attrs.update(("_minitf_attr_" + k, v) for k, v in fields.items()
                     if k not in self.tf_fields)
        attrs.update(self.tf_type_attrs(op))
        return self.tf_types[0 if self.stateful else 1], attrs

    def attrs(self):
        return {k: (v.graph.name if isinstance(v, Function) else v)
                for k, v in super().attrs().items()}

    def compute(self, xp, *inputs):
        raise NotImplementedError("%s runs through bind (it needs the session to compile its "
                                  "sub-graphs)" % self.type_name)


@register
class If(_FunctionalOp):
    """outputs = then_branch(*args) if pred else else_branch(*args), plus the token. Inputs:
    pred, the args, and (for a gradient If) the forward If's token."""

    then_branch: Function
    else_branch: Function
    ref_inputs: tuple = ()       # input positions of args used only as variable references
    stateful: bool = False       # a branch runs a stateful op
    token_input: bool = False    # last input: the forward If's token (gradient Ifs)

    tf_types = ("If", "StatelessIf")
    tf_fields = ("then_branch", "else_branch")

    def tf_type_attrs(self, op):
        return {"Tcond": dtypes.bool, "Tin": tuple(t.dtype for t in op.inputs[1:]),
                "Tout": tuple(t.dtype for t in op.outputs[:-1])}

    def infer(self, pred, *args):
        if pred.dtype is not dtypes.bool:
            raise TypeError("Input 'pred' of 'If' Op has type %s that does not match expected "
                            "type of bool" % pred.dtype.name)
        if pred.shape.ndims not in (None, 0):
            raise rank_error(0, pred.shape.ndims)
        specs = [TensorSpec(_join_shapes(a.shape, b.shape), a.dtype)
                 for a, b in zip(self.then_branch.outputs, self.else_branch.outputs)]
        return specs + [_TOKEN]

    def bind(self, ctx, op):
        n_args = len(op.inputs) - 1 - int(self.token_input)
        data = [i - 1 for i in range(1, 1 + n_args) if i not in self.ref_inputs]
        branches = (self.then_branch, self.else_branch)
        plans = [_compile(ctx, fn, data) for fn in branches]
        index = [getattr(fn, "residual_index", []) for fn in branches]
        n_out = len(self.then_branch.outputs)
        token_input = self.token_input
        placed = _results_on(ctx, op)

        def run(pred, *args):
            k = 0 if pred else 1
            if token_input:
                kept = args[-1][1]
                args = list(args[:-1]) + [kept[j] for j in index[k]]
            values = plans[k].call(args)
            if not n_out:
                return (k, values)
            return (*placed(values[:n_out]), (k, values[n_out:]))
        return run

    def grad(self, op, *dys):
        n_args = len(op.inputs) - 1 - int(self.token_input)
        args = list(op.inputs[1:1 + n_args])
        wrt = [i for i, a in enumerate(args)
               if _differentiable(a.dtype) and (i + 1) not in self.ref_inputs]
        if not wrt:
            return [None] * len(op.inputs)
        # The values the gradient reads are kept from the forward run, not recomputed (as
        # TF's cond_v2 outputs its intermediates): a branch's fused batch norm or convolution
        # would otherwise run twice per training step.
        fns = [_gradient_function(fn, wrt, keep_forward=True)
               for fn in (self.then_branch, self.else_branch)]
        dys = list(dys[:-1])
        opdef = If(fns[0], fns[1], ref_inputs=self.ref_inputs, stateful=_stateful(fns),
                   token_input=True)
        grad_op = get_default_graph().create_op(
            opdef, [op.inputs[0]] + args + dys + [op.outputs[-1]], name="If")
        result = [None] * len(op.inputs)
        for k, i in enumerate(wrt):
            result[1 + i] = grad_op.outputs[k]
        return result


def _check_pred(pred):
    if pred.dtype is not dtypes.bool:
        raise TypeError("Input 'pred' of tf.cond has type %s that does not match expected type "
                        "of bool." % pred.dtype.name)
    if pred.shape.ndims not in (None, 0):
        raise rank_error(0, pred.shape.ndims, " for the predicate '%s' of tf.cond with input "
                         "shapes: %s." % (pred.name, format_dims(pred.shape.as_tuple())))


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """tf.cond: true_fn() if pred else false_fn(), as one If op. Only the taken branch runs, and
    ops created inside a branch run only when it is taken; tensors created outside and read
    inside are computed whether or not the branch is taken (TF1's semantics)."""
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    with name_scope(name, "cond", [pred]) as scope:
        graph = get_default_graph()
        pred = convert_to_tensor(pred)
        _check_pred(pred)
        then_g, _, then_res = _build_function(scope + "then", lambda: true_fn(), [], graph)
        else_g, _, else_res = _build_function(scope + "else", lambda: false_fn(), [], graph)
        if not strict:
            then_res, else_res = _unpack_singleton(then_res), _unpack_singleton(else_res)
        nest.assert_same_structure(then_res, else_res)
        arrays = then_res  # (TensorArrays return as their flows, and come back as arrays)
        then_res, else_res = to_flows(then_res), to_flows(else_res)
        then_out = _flat_outputs(then_g, then_res, "true_fn")
        else_out = _flat_outputs(else_g, else_res, "false_fn")
        for a, b in zip(then_out, else_out):
            if a.dtype is not b.dtype:
                raise ValueError("Outputs of 'true_fn' and 'false_fn' must have the same type(s). "
                                 "Received %s from 'true_fn' and %s from 'false_fn'."
                                 % (a.dtype.name, b.dtype.name))
        captured, (then_args, else_args) = _match_captures([then_g, else_g], [[], []])
        fns = [Function(then_g, then_args, then_out), Function(else_g, else_args, else_out)]
        refs = tuple(i + 1 for i in _ref_only(fns, range(len(captured))))
        controls = [c for g in (then_g, else_g) for c in g.control_captures]
        op = graph.create_op(If(fns[0], fns[1], ref_inputs=refs, stateful=_stateful(fns)),
                             [pred] + captured, name="If", control_inputs=controls)
        merged = [graph.create_op(Identity(), [t], name="Merge").outputs[0]
                  for t in op.outputs[:-1]]
        return from_flows(arrays, merged)


def _unpack_singleton(x):
    if isinstance(x, (list, tuple)) and not hasattr(x, "_fields") and len(x) == 1:
        return x[0]
    return x


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """tf.case: the fn of the first pair whose predicate holds (else `default`; without one,
    the last pair's fn), as nested tf.cond. With `exclusive=True`, a run where more than one
    predicate holds fails with InvalidArgumentError (TF1's message)."""
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    pairs = list(pred_fn_pairs)
    for p in pairs:
        if not isinstance(p, tuple) or len(p) != 2:
            raise TypeError("Each entry in pred_fn_pairs must be a 2-tuple, got %r" % (p,))
        if not callable(p[1]):
            raise TypeError("fn for pred %s must be callable." % getattr(p[0], "name", p[0]))
    if not pairs and default is None:
        raise ValueError("pred_fn_pairs must not be empty when there is no default.")
    with name_scope(name, "case", [p for p, _ in pairs]):
        preds = [convert_to_tensor(p) for p, _ in pairs]
        for p in preds:
            _check_pred(p)
        if exclusive and len(preds) > 1:
            packed = stack(preds)
            check = Assert(reduce_sum(cast(packed, dtypes.int32)) <= 1, [
                "Input error: exclusive=True: more than 1 conditions (%s) evaluated as True:"
                % ", ".join(p.name for p in preds), packed])
            with control_dependencies([check]):
                preds = [identity(p) for p in preds]
        if default is None:
            pairs, default = pairs[:-1], pairs[-1][1]
        fn = default
        for p, (_, f) in reversed(list(zip(preds, pairs))):
            fn = (lambda p, f, rest: lambda: cond(p, f, rest, strict=strict))(p, f, fn)
        return fn()


# -- While ---------------------------------------------------------------------------------------

def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """tf.switch_case: the branch_fns[branch_index]() of a list of callables (or of (int,
    callable) pairs, or a dict, whose keys are 0..n-1), `default` (else the last branch) when
    the index is out of range. Built as nested tf.cond on the index (TF builds one n-way Case
    op): the same values and gradients; only the taken branch runs."""
    if not isinstance(branch_index, Tensor):
        raise TypeError("'branch_index' must be a Tensor, got %s" % type(branch_index))
    if not branch_index.dtype.is_integer:
        raise TypeError("'branch_index' must be an integer Tensor, got %r" % branch_index.dtype)
    if not branch_fns:
        raise ValueError("Must provide at least one item in 'branch_fns'")
    if not isinstance(branch_fns, (list, tuple, dict)):
        raise TypeError("'branch_fns' must be a list, tuple, or dict")
    pairs = list(branch_fns.items()) if isinstance(branch_fns, dict) else list(branch_fns)
    if all(callable(fn) for fn in pairs):
        pairs = list(enumerate(pairs))
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError("Each entry in 'branch_fns' must be a 2-tuple. Received %s."
                            % (pair,))
        if not isinstance(pair[0], int):
            raise TypeError("key must be a Python `int`, got %s" % type(pair[0]))
        if not callable(pair[1]):
            raise TypeError("fn for key %d must be callable." % pair[0])
    keys = sorted(key for key, _ in pairs)
    if keys != list(range(len(keys))):
        raise ValueError("branch indices (keys) must form contiguous range of [0 to %d) but "
                         "found {%s}" % (len(keys), ",".join(map(str, keys))))
    fns = [fn for _, fn in sorted(pairs, key=lambda p: p[0])]
    if default is not None:
        fns.append(default)
    with name_scope(name, "switch_case", [branch_index]):
        last = len(fns) - 1

        def chain(k):
            if k == last:
                return fns[k]
            return lambda: cond(equal(branch_index, k), fns[k], chain(k + 1))
        return chain(0)()


@register
class While(_FunctionalOp):
    """Loop variables through `body` while `cond` holds (and fewer than the maximum number of
    iterations ran, when the last input gives one). Inputs: the n_vars initial loop variables,
    then the captured tensors. Outputs: the final loop variables; then, for each of the body's
    `n_stacked` extra outputs, its values of every iteration stacked (tf.scan and tf.map_fn
    collect their results so); then the token (each iteration's loop variables and kept
    values, when a gradient asked for them)."""

    cond: Function
    body: Function
    n_vars: int
    n_stacked: int = 0
    back_prop: bool = True
    parallel_iterations: int = 10
    has_maximum: bool = False
    ref_inputs: tuple = ()
    stateful: bool = False

    tf_types = ("While", "StatelessWhile")
    tf_fields = ("cond", "body", "parallel_iterations")

    def tf_type_attrs(self, op):
        return {"T": tuple(t.dtype for t in op.inputs)}

    def infer(self, *inputs):
        specs = [TensorSpec(t.shape, t.dtype) for t in self.body.args[:self.n_vars]]
        for t in self.body.outputs[self.n_vars:]:
            specs.append(TensorSpec(TensorShape([None]).concatenate(t.shape), t.dtype))
        return specs + [_TOKEN]

    def bind(self, ctx, op):
        n, n_stacked, has_maximum = self.n_vars, self.n_stacked, self.has_maximum
        data = [i for i in range(len(self.body.args)) if i not in self.ref_inputs]
        keep = getattr(self.body, "keep_history", False)
        loop = ctx.compile_loop(_signature(self.cond, data), _signature(self.body, data), n,
                                n_stacked, keep, has_maximum)
        xp = ctx.xp_for(op)
        stacked_specs = op.outputs[n:n + n_stacked]
        placed = _results_on(ctx, op)

        def run(*values):
            limit = None
            if has_maximum:
                values, limit = values[:-1], values[-1]
            args = [_scalar(v) for v in values[:n]] + [_dense(v) for v in values[n:]]
            history = [] if keep else None
            stacks = [[] for _ in range(n_stacked)]
            loop_vars, i = loop.run(args, limit, history, stacks)
            stacked = [xp.stack(placed(s)) if s else _empty(xp, t)
                       for s, t in zip(stacks, stacked_specs)]
            return (*placed(loop_vars), *stacked, (i, history))
        return run

    grad_prunes = True

    def grad(self, op, *dys, needed=None):
        n, n_stacked = self.n_vars, self.n_stacked
        n_args = len(self.body.args)
        if not self.back_prop:
            return [None] * len(op.inputs)
        args = op.inputs[:n_args]
        # Every float loop variable carries gradient between iterations; a captured tensor's
        # gradient (e.g. dynamic_rnn's whole input sequence) is built only when it leads to a
        # requested x (`needed`, from tf.gradients), as TF's while_v2 prunes its gradient.
        wrt = [i for i in range(n_args)
               if _differentiable(args[i].dtype) and i not in self.ref_inputs
               and (i < n or needed is None or needed[i])]
        if not any(i >= n for i in wrt) and needed is not None and not any(needed[:n]):
            return [None] * len(op.inputs)
        if not wrt:
            return [None] * len(op.inputs)
        gfn = _gradient_function(self.body, wrt, sparse_from=n, keep_forward=True)
        self.body.keep_history = True
        opdef = WhileGrad(gfn, n_vars=n, n_stacked=n_stacked, wrt=tuple(wrt),
                          ref_inputs=tuple(i - n for i in self.ref_inputs),
                          stateful=_stateful([gfn]))
        grad_op = get_default_graph().create_op(
            opdef, list(args[n:]) + list(dys[:n + n_stacked]) + [op.outputs[-1]], name="WhileGrad")
        result = [None] * len(op.inputs)
        for k, i in enumerate(wrt):
            result[i] = grad_op.outputs[k]
        return result


def _differentiable(dtype):
    """Whether a loop variable or captured tensor of `dtype` gets a gradient: a float one, or
    a TensorArray's flow (variant; its gradient is a gradient array)."""
    return dtype.is_floating or dtype is dtypes.variant


def _owned(value):
    """A first gradient contribution that WhileGrad may add the next ones into, in place (a
    copy: the value may alias an input)."""
    if type(value) is TensorArrayValue:
        return value.owned_copy()
    return value.copy() if hasattr(value, "copy") else value


def _zeros(xp, value):
    return value.zeros() if type(value) is TensorArrayValue else xp.zeros_like(value)


def _scalar(value):
    """A 0-d array as a scalar of its type: scalar kernels skip ufunc dispatch (each iteration
    of a scalar loop costs a few of them)."""
    return value[()] if getattr(value, "ndim", None) == 0 and hasattr(value, "item") \
        and type(value).__module__ == "numpy" else value


def _dense(value):
    """A captured value as the loop body reads it on every iteration: a strided view (the
    time-major transpose of dynamic_rnn's inputs) is copied once into a C-contiguous array,
    or every per-iteration gather / matmul of it would copy or stride through it again."""
    value = _scalar(value)
    if getattr(value, "ndim", 0) >= 2 and not value.flags.c_contiguous:
        return value.copy()  # (numpy and cupy: C order)
    return value


def _empty(xp, t):
    dims = t.shape.as_tuple()
    if dims is None or any(d is None for d in dims[1:]):
        raise errors.InvalidArgumentError(
            None, t.op, "The loop ran no iteration, so the shape of its stacked output %s is "
            "unknown (static shape %s)" % (t.name, format_dims(dims) if dims else "unknown"))
    return xp.zeros((0,) + dims[1:], dtype=t.dtype.as_numpy_dtype)


@register
class WhileGrad(_FunctionalOp):
    """The gradient of While: the body's gradient function replayed over the forward run's
    iterations in reverse (from the token's per-iteration stack), summing the gradients of
    the captured tensors. Inputs: the captured tensors, the gradients of the While's outputs
    (loop variables, then stacked outputs), the token. Outputs: the gradients of the loop
    variables' initial values and of the captured tensors listed in `wrt`."""

    body_grad: Function
    n_vars: int
    n_stacked: int
    wrt: tuple
    ref_inputs: tuple = ()
    stateful: bool = False

    def infer(self, *inputs):
        return [TensorSpec(self.body_grad.args[i].shape, self.body_grad.args[i].dtype)
                for i in self.wrt]

    def bind(self, ctx, op):
        n, n_stacked, wrt = self.n_vars, self.n_stacked, self.wrt
        fn = self.body_grad
        n_captured = len(op.inputs) - n - n_stacked - 1
        data_caps = [j for j in range(n_captured) if j not in self.ref_inputs]
        data = list(range(n)) + [n + j for j in data_caps] + list(
            range(n + n_captured, len(fn.args)))
        plan = _compile(ctx, fn, data)
        index = fn.residual_index
        xp = ctx.xp_for(op)
        cap_pos = {n + j: k for k, j in enumerate(data_caps)}
        position, k = [], 0  # where each gradient starts among the plan's outputs
        for is_sparse in fn.sparse:
            position.append(k)
            k += 2 if is_sparse else 1
        sparse = [s and hasattr(xp.add, "at") for s in fn.sparse]
        placed = _results_on(ctx, op)

        def run(*values):
            captured = [_dense(v) for v in values[:len(data_caps)]]
            rest = values[len(data_caps):]
            dvars, dstacked, token = list(rest[:n]), rest[n:n + n_stacked], rest[-1]
            _, history = token
            sums = {}
            for it in range(len(history) - 1, -1, -1):
                loop_vars, kept = history[it]
                dy = dvars + [d[it] for d in dstacked]
                out = placed(plan.call(list(loop_vars) + captured + dy + [kept[j] for j in index]))
                for k, i in enumerate(wrt):
                    g = out[position[k]]
                    if i < n:
                        dvars[i] = g
                    elif fn.sparse[k]:  # rows of a gathered tensor: add them in place
                        if i not in sums:
                            sums[i] = _zeros(xp, captured[cap_pos[i]])
                        if sparse[k]:
                            apply_at(xp, xp.add, sums[i], out[position[k] + 1], g)
                        else:
                            sums[i][out[position[k] + 1]] += g  # (unique rows only)
                    elif i not in sums:
                        sums[i] = _owned(g)
                    else:
                        sums[i] += g  # in place: no new [captured] array per iteration
            grads = tuple(dvars[i] if i < n else
                          sums[i] if i in sums else _zeros(xp, captured[cap_pos[i]])
                          for i in wrt)
            return grads if len(grads) > 1 else grads[0]
        return run

    def grad(self, op, *dys):
        raise LookupError("Second derivatives through tf.while_loop are not supported (op '%s'"
                          "); tf.cond supports them." % op.name)


def _shape_fits(shape, invariant):
    """Whether `shape` is at least as specific as `invariant` (TF's rule for loop variables)."""
    inv = invariant.as_tuple()
    if inv is None:
        return True
    dims = shape.as_tuple()
    return dims is not None and len(dims) == len(inv) and all(
        i is None or i == d for d, i in zip(dims, inv))


def _shape_text(shape):
    dims = shape.as_tuple()
    if dims is None:
        return "<unknown>"
    return "(%s)" % "".join("%s, " % ("?" if d is None else d) for d in dims).rstrip(" ")[:-1] \
        if len(dims) != 1 else "(%s,)" % ("?" if dims[0] is None else dims[0])


def build_while_loop(cond, body, loop_vars, shape_invariants, name, maximum_iterations,
                     back_prop, parallel_iterations, n_stacked=False):
    """Builds a While op; returns (the final loop variables flat, the stacked outputs). With
    `n_stacked`, body returns (loop variables, list of per-iteration outputs to stack)."""
    graph = get_default_graph()
    arrays, loop_vars = loop_vars, to_flows(loop_vars)  # a TensorArray travels as its flow
    flat = [convert_to_tensor(v) for v in nest.flatten(loop_vars)]
    if shape_invariants is None:
        invariants = [t.shape for t in flat]
    else:
        nest.assert_same_structure(loop_vars, shape_invariants)
        invariants = [TensorShape([]) if isinstance(a, TensorArray) else as_shape(s)
                      for a, s in zip(nest.flatten(arrays), nest.flatten(shape_invariants))]
        for t, inv in zip(flat, invariants):
            if not _shape_fits(t.shape, inv):
                raise ValueError(
                    "The shape invariant specified for %s is not compatible with the initial "
                    "shape of the loop variable. It enters the loop with shape %s, but the "
                    "specified shape invariant is %s." % (t.name, _shape_text(t.shape),
                                                          _shape_text(inv)))
    specs = [(t.dtype, inv, "loop_var") for t, inv in zip(flat, invariants)]

    def call(fn, args):
        packed = from_flows(arrays, args)
        result = fn(*packed) if isinstance(packed, (list, tuple)) else fn(packed)
        return to_flows(result)

    scope = graph.get_name_scope() + "/"
    cond_g, cond_args, cond_res = _build_function(scope + "cond", lambda *a: call(cond, a),
                                                  specs, graph)
    cond_out = _flat_outputs(cond_g, cond_res, "cond")
    if len(cond_out) != 1 or cond_out[0].dtype is not dtypes.bool:
        raise TypeError("The loop condition must return one bool tensor, got %s"
                        % ", ".join("%s" % t.dtype.name for t in cond_out))
    if cond_out[0].shape.ndims not in (None, 0):
        pred = cond_out[0]
        raise rank_error(0, pred.shape.ndims, " for the loop condition '%s' with input shapes: "
                         "%s." % (pred.name, format_dims(pred.shape.as_tuple())))
    body_g, body_args, body_res = _build_function(scope + "body", lambda *a: call(body, a),
                                                  specs, graph)
    stacked = []
    if n_stacked:
        body_res, stacked = body_res
        stacked = list(stacked)
    if not nest.is_sequence(body_res):
        body_res = [body_res]
    top = loop_vars if isinstance(loop_vars, (list, tuple)) and not hasattr(loop_vars, "_fields") \
        else [loop_vars]
    structure = list(top) if not hasattr(loop_vars, "_fields") else loop_vars
    nest.assert_same_structure(list(structure) if not hasattr(loop_vars, "_fields") else structure,
                               list(body_res) if not hasattr(loop_vars, "_fields") else body_res)
    body_out = _flat_outputs(body_g, body_res, "body") + _flat_outputs(body_g, stacked, "body")
    for t, out, inv in zip(flat, body_out, invariants):
        if out.dtype is not t.dtype:
            raise TypeError("Loop variable %s enters the loop with type %s, but has type %s after "
                            "one iteration." % (t.name, t.dtype.name, out.dtype.name))
        if not _shape_fits(out.shape, inv):
            raise ValueError(
                "Input tensor '%s' enters the loop with shape %s, but has shape %s after one "
                "iteration. To allow the shape to vary across iterations, use the "
                "`shape_invariants` argument of tf.while_loop to specify a less-specific shape."
                % (t.name, _shape_text(inv), _shape_text(out.shape)))
    n = len(flat)
    captured, (cond_all, body_all) = _match_captures([cond_g, body_g], [cond_args, body_args])
    fns = [Function(cond_g, cond_all, cond_out), Function(body_g, body_all, body_out)]
    if len(body_out) == n:  # TF's While: the body returns every input, captured ones unchanged
        fns[1].passthrough = tuple(range(n, len(body_all)))
    refs = tuple(_ref_only(fns, range(n, n + len(captured))))
    controls = [c for g in (cond_g, body_g) for c in g.control_captures]
    inputs = flat + captured
    if maximum_iterations is not None:
        maximum_iterations = convert_to_tensor(maximum_iterations, name="maximum_iterations")
        if not maximum_iterations.dtype.is_integer or maximum_iterations.shape.ndims not in (None, 0):
            raise ValueError("maximum_iterations must be a scalar integer tensor, got %s"
                             % maximum_iterations)
        inputs.append(maximum_iterations)
    op = graph.create_op(
        While(fns[0], fns[1], n_vars=n, n_stacked=len(body_out) - n, back_prop=back_prop,
              parallel_iterations=parallel_iterations,
              has_maximum=maximum_iterations is not None, ref_inputs=refs,
              stateful=_stateful(fns)),
        inputs, name="While", control_inputs=controls)
    exits = [graph.create_op(Identity(), [t], name="Exit").outputs[0] for t in op.outputs[:n]]
    return exits, op.outputs[n:-1]


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """tf.while_loop: repeats `body` on `loop_vars` while `cond` holds, as one While op (cond
    and body are sub-graphs run from a Python `while`). Loop variables may be nested
    structures; each keeps its shape unless `shape_invariants` relaxes it; at most
    `maximum_iterations` iterations run when given. `parallel_iterations` and `swap_memory`
    are accepted (iterations run one after another, in host memory)."""
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if not isinstance(parallel_iterations, int) or parallel_iterations < 1:
        raise TypeError("parallel_iterations must be a positive integer.")
    if not loop_vars and loop_vars != 0:
        raise ValueError("No loop variables provided")
    with name_scope(name, "while", nest.flatten(loop_vars)):
        exits, _ = build_while_loop(cond, body, loop_vars, shape_invariants, name,
                                    maximum_iterations, back_prop, parallel_iterations)
        result = from_flows(loop_vars, exits)
        if not return_same_structure and len(exits) == 1:
            return nest.flatten(result)[0]
        return result
