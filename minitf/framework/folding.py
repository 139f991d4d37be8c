"""Build-time evaluation: the values of tensors that are known without running the graph.

One evaluator serves static shape inference (`tensor_util.constant_value`: small, shape-like
values, while the graph is being built) and the plan's fold pass (any size, once it is known
which tensors a run feeds). Dependencies are walked with an explicit stack, never recursion,
so a chain of thousands of ops (`shape = shape + 0`, repeated) folds without a RecursionError.
"""

import numpy

from minitf import dtypes

from minitf.framework.shapes import num_elements

BUILD_TIME_LIMIT = 1024  # elements: only shape-like tensors are evaluated while building


def op_values(op, value_of, fed=None, limit=None):
    """The values of `op`'s outputs (a list) if they can be known now, else None.

    `value_of(tensor)` gives an input's known value or None. `fed` is None while building,
    when a tensor that may be fed (`placeholder_with_default`) has no known value; in a plan it
    is the set of tensors the run feeds, and an op with control inputs is not folded (it must
    wait for them). Stateful ops never fold. Ops that know their value say so
    (`OpDef.static_value`: Const, the Shape of a known shape...); any other op is computed with
    numpy when all its inputs are known and, with a `limit`, no tensor it touches is larger."""
    opdef = op.opdef
    if opdef.stateful or not op.outputs or any(t.dtype is dtypes.variant for t in op.outputs):
        return None  # (a variant, a TensorArray's flow, is made anew by each run)
    if fed is None:
        if opdef.may_be_fed:
            return None
    elif op.control_inputs or any(t in fed for t in op.outputs):
        return None
    static = opdef.static_value(op)
    if static is not None and len(op.outputs) == 1:
        return [static]
    if limit is not None and any(_larger(t, limit) for t in op.inputs + tuple(op.outputs)):
        return None
    args = [value_of(t) for t in op.inputs]
    if fed is not None and opdef.value_from_shape:  # (in a plan: any value of the shape)
        args = [_stand_in(t) if a is None else a for t, a in zip(op.inputs, args)]
    if any(a is None for a in args):
        return None
    try:
        with numpy.errstate(all="ignore"):
            value = opdef.compute(numpy, *args)
    except Exception:  # a bad value: leave it to run time, which reports it against the op
        return None
    return list(value) if len(op.outputs) > 1 else [value]


def _stand_in(t):
    """An array of `t`'s static shape and dtype when both are known, numeric and the array is
    small (a folded value the plan keeps for the session), else None."""
    dims, dtype = t.shape.as_tuple(), t.dtype
    if dims is None or None in dims or not (dtype.is_floating or dtype.is_integer or
                                            dtype.is_complex or dtype.is_bool):
        return None
    if num_elements(dims) * dtype.size > STAND_IN_BYTES:
        return None
    return numpy.empty(dims, dtype.as_numpy_dtype)


STAND_IN_BYTES = 1 << 20


def _larger(t, limit):
    n = num_elements(t.shape.as_tuple())
    return n is None or n > limit


def known_value(tensor, cache=None, limit=BUILD_TIME_LIMIT):
    """The numpy value of `tensor` when it is known while building the graph, else None.

    `cache` ({op: output values or None}) may be shared between calls that ask about the same
    graph, so each op is evaluated once."""
    cache = {} if cache is None else cache
    stack = [tensor.op]
    while stack:
        op = stack[-1]
        if op in cache:
            stack.pop()
            continue
        unvisited = []

        def value_of(t):
            if t.op not in cache:
                unvisited.append(t.op)
                return None
            values = cache[t.op]
            return None if values is None else values[t.value_index]
        values = op_values(op, value_of, limit=limit)
        if values is None and unvisited:
            stack.extend(unvisited)  # evaluate the inputs first, then this op again
            continue
        stack.pop()
        cache[op] = values
    values = cache[tensor.op]
    return None if values is None else numpy.asarray(values[tensor.value_index])
