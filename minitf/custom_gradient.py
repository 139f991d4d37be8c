"""tf.custom_gradient in graph mode, as TF1 builds it: the function's outputs pass through one
IdentityN op whose gradient is overridden by the user's gradient function."""

import functools
import inspect
import itertools

from minitf.framework import nest
from minitf.framework.graph import GraphKeys, get_default_graph
from minitf.framework.registry import RegisterGradient
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.core import identity_n

__all__ = ["custom_gradient", "grad_pass_through"]

_names = itertools.count(1)


def custom_gradient(f):
    """Decorator: `f(*tensors)` returns `(y, grad_fn)`; the decorated function returns y (any
    nest of tensors), and tf.gradients through it calls `grad_fn(*dys)` (one dy per tensor of
    y) for the gradients of f's inputs instead of differentiating f's ops. If f reads
    variables that are not among its inputs, grad_fn must take a `variables` keyword argument:
    it is called with them (sorted by name) and returns `(input_grads, variable_grads)`.
    Positional arguments only, as TF1's graph mode."""

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        if kwargs:
            raise ValueError("The custom_gradient decorator currently supports keywords "
                             "arguments only when eager execution is enabled.")
        return _custom_gradient_call(f, [convert_to_tensor(a) for a in args])
    return decorated


def grad_pass_through(f):
    """tf.grad_pass_through: f's forward pass, with the gradient of its output passed to its
    input unchanged (a straight-through estimator: `tf.grad_pass_through(tf.round)(x)`).
    Variables f reads get no gradient."""
    @custom_gradient
    def pass_through(*args):
        def grad(*dys, variables=None):
            if variables is not None:
                return list(dys), [None] * len(variables)
            return dys[0] if len(dys) == 1 else list(dys)
        return f(*args), grad
    return functools.wraps(f)(pass_through)


def _custom_gradient_call(f, args):
    result, grad_fn = f(*args)
    flat_result = [convert_to_tensor(t) for t in nest.flatten(result)]
    variables = _variables_between(args, flat_result)
    params = inspect.signature(grad_fn).parameters.values()
    takes_variables = any(p.name == "variables" or p.kind is p.VAR_KEYWORD for p in params)
    if variables and not takes_variables:
        raise TypeError("@tf.custom_gradient grad_fn must accept keyword argument 'variables', "
                        "since function uses variables: %s" % variables)
    n_results = len(flat_result)

    def gradient(op, *grads):
        result_grads = grads[:n_results]
        if variables:
            input_grads, variable_grads = grad_fn(*result_grads, variables=variables)
            if len(variable_grads) != len(variables):
                raise ValueError("Must return gradient for each variable from "
                                 "@custom_gradient grad_fn.")
        else:
            input_grads, variable_grads = grad_fn(*result_grads), []
        # One gradient per IdentityN input: none for f's outputs, which makes tf.gradients
        # skip the ops f built.
        return [None] * n_results + nest.flatten(input_grads) + list(variable_grads)

    name = "CustomGradient-%d" % next(_names)
    RegisterGradient(name)(gradient)
    with get_default_graph().gradient_override_map({"IdentityN": name}):
        outputs = identity_n(flat_result + args + [v.value() for v in variables])
    return nest.pack_sequence_as(result, outputs[:n_results])


def _variables_between(args, results):
    """The variables whose values reach `results` along differentiable paths that do not pass
    through `args` (TF's graph walk), sorted by name."""
    stop = set(args)
    seen, stack, storages = set(), [t.op for t in results if t not in stop], set()
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.opdef.is_variable:
            storages.add(op)
            continue
        if not op.opdef.differentiable:
            continue
        stack.extend(t.op for t in op.inputs if t not in stop)
    graph = results[0].graph if results else get_default_graph()
    found = [v for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES) if v.op in storages]
    return sorted(found, key=lambda v: v.name)
