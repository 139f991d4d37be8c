"""tf.gradients: adds the backward graph (symbolic, so it can be fetched, logged and
differentiated again) by a reverse walk over the ops between `xs` and `ys`."""

import enum

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.operation import data_inputs
from minitf.framework.registry import gradient_function
from minitf.framework.tensor import Tensor
from minitf.ops.array_ops import concat, fill, reshape, shape, stack, zeros_like
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.math_ops import add_n, cast
from minitf.ops.math_ops import range as range_
from minitf.ops.op_util import is_tensor_like
from minitf.ops import segment_ops  # noqa: F401 - registers the dense conversion of IndexedSlices

__all__ = ["gradients", "hessians"]


def _backprop_dtype(dtype):
    return dtype.is_floating or dtype.is_complex


def _carries_gradient(dtype):
    """Whether a gradient may flow through a tensor of `dtype`: a float one, or a variant (a
    TensorArray's flow, whose gradient is a gradient array)."""
    return dtype.is_floating or dtype.is_complex or dtype is dtypes.variant


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _as_source(x):
    """A gradient source: a Variable differentiates through its storage tensor (`v:0`), so
    every read of it counts, as TF1 does for reference variables."""
    if x is None:
        raise TypeError("tf.gradients: None is not a tensor to differentiate with respect to")
    ref = getattr(x, "_ref", None)
    return ref() if ref is not None else convert_to_tensor(x)


class UnconnectedGradients(enum.Enum):
    """What tf.gradients returns for an x that ys do not depend on: None (NONE, the default)
    or zeros of x's shape (ZERO)."""

    NONE = "none"
    ZERO = "zero"


class AggregationMethod:
    """tf.AggregationMethod: how tf.gradients sums the gradients an op's output receives from
    several consumers (`aggregation_method=`). minitf accepts each and sums with AddN, which
    gives the same values (TF's other methods trade memory for order of summation)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients=UnconnectedGradients.NONE):
    """Symbolic partial derivatives of sum(ys) with respect to each of `xs` (None for an x that
    ys do not depend on; a tf.IndexedSlices for one read only through gather / embedding
    lookups). `grad_ys` weights each y (ones by default); `stop_gradients` are
    treated as constants: nothing flows through the ops computing them (as TF, they still get
    a gradient of their own when they are among `xs`). `unconnected_gradients` (a
    tf.UnconnectedGradients or its string) chooses None or zeros for unconnected xs."""
    unconnected_gradients = UnconnectedGradients(unconnected_gradients)
    ys = [convert_to_tensor(y) for y in _as_list(ys)]
    xs = [_as_source(x) for x in _as_list(xs)]
    grad_ys = _as_list(grad_ys) if grad_ys is not None else [None] * len(ys)
    if len(grad_ys) != len(ys):
        raise ValueError("Passed %d grad_ys for %d ys" % (len(grad_ys), len(ys)))
    stop_ops = {t.op if hasattr(t, "op") else convert_to_tensor(t).op  # a Variable: its VariableV2
                for t in _as_list(stop_gradients or [])}
    graph = ys[0].graph

    with name_scope(name, "gradients", ys + xs):
        between = _ops_between(graph, xs, ys, stop_ops)
        grads = {}
        for i, (y, gy) in enumerate(zip(ys, grad_ys)):
            if gy is None:
                if not _backprop_dtype(y.dtype):
                    continue
                gy = fill(shape(y), constant(1, y.dtype, name="grad_ys_%d" % i))
            else:
                gy = convert_to_tensor(gy, dtype=None if is_tensor_like(gy) else y.dtype)
                if gy.dtype is not y.dtype:
                    raise TypeError("grad_ys[%d] has dtype %s, but ys[%d] (%s) has dtype %s"
                                    % (i, gy.dtype.name, i, y.name, y.dtype.name))
                if not gy.shape.is_compatible_with(y.shape):
                    raise ValueError("grad_ys[%d] has shape %s, but ys[%d] (%s) has shape %s"
                                     % (i, gy.shape, i, y.name, y.shape))
            grads.setdefault(y, []).append(gy)

        for op in sorted(between, key=lambda o: o.index, reverse=True):
            out_grads = [_aggregate(grads.get(t)) for t in op.outputs]
            if all(g is None for g in out_grads):
                continue
            grad_fn = gradient_function(op)
            if grad_fn is None:
                continue
            own_rule = op._gradient_op_type is None and grad_fn == op.opdef.grad
            if not (own_rule and op.opdef.sparse_grads):
                out_grads = [convert_to_tensor(g) if isinstance(g, IndexedSlices) else g
                             for g in out_grads]
            out_grads = [zeros_like(t) if g is None else g for t, g in zip(op.outputs, out_grads)]
            with name_scope(op.name + "_grad"):
                if own_rule and op.opdef.grad_prunes:  # told which inputs lead to an x (While)
                    in_grads = grad_fn(op, *out_grads, needed=tuple(
                        t.op in between or t in xs for t in op.inputs))
                else:
                    in_grads = grad_fn(op, *out_grads)
            # (a registered function may return the one gradient of a one-input op itself)
            in_grads = [in_grads] if isinstance(in_grads, (Tensor, IndexedSlices)) else list(in_grads)
            if len(in_grads) != len(op.inputs):
                raise ValueError("The gradient rule of %s '%s' returned %d gradients for %d inputs"
                                 % (op.type, op.name, len(in_grads), len(op.inputs)))
            for t, g in zip(op.inputs, in_grads):
                if g is None or (t.op not in between and t not in xs):
                    continue
                if not isinstance(g, (Tensor, IndexedSlices)):
                    g = convert_to_tensor(g, dtype=t.dtype)
                if not g.shape.is_compatible_with(t.shape):
                    raise ValueError("The gradient rule of %s '%s' returned a gradient of shape %s "
                                     "for input %s of shape %s" % (op.type, op.name, g.shape, t.name, t.shape))
                if g.dtype is not t.dtype:
                    raise TypeError("The gradient rule of %s '%s' returned a %s gradient for the "
                                    "%s input %s" % (op.type, op.name, g.dtype.name, t.dtype.name, t.name))
                grads.setdefault(t, []).append(g)
        results = [_aggregate(grads.get(x)) for x in xs]
        if unconnected_gradients is UnconnectedGradients.ZERO:
            results = [zeros_like(x) if g is None else g for x, g in zip(xs, results)]
        return results


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False, gate_gradients=False,
             aggregation_method=None):
    """For each x of `xs`, the second derivatives of sum(ys) with respect to x, shaped
    x.shape + x.shape: row j is tf.gradients of the j-th entry of the (flattened) gradient,
    as TF builds it. TF computes the rows in a while loop; minitf's loop bodies cannot
    differentiate tensors of the graph around them, so it builds one gradient per entry of x,
    and x's size must be known when building."""
    xs = _as_list(xs)
    results = []
    for x, grad in zip(xs, gradients(ys, xs, name=name)):
        source = _as_source(x)
        size = source.shape.num_elements()
        if size is None:
            raise ValueError("tf.hessians needs the size of %s known when the graph is built "
                             "(its shape is %s)" % (source.name, source.shape))
        if grad is None:
            raise ValueError("tf.hessians: ys do not depend on %s" % source.name)
        grad = reshape(convert_to_tensor(grad), [-1])
        rows = []
        for j in range(size):
            row = gradients(grad[j], x, name=name)[0]
            if row is None:
                raise ValueError("tf.hessians: the gradient with respect to %s is constant in "
                                 "it (entry %d), so its derivative is None" % (source.name, j))
            rows.append(convert_to_tensor(row))
        dims = source.shape.as_list()
        results.append(reshape(stack(rows), dims + dims))
    return results


def _aggregate(contributions):
    """The sum of a tensor's gradient contributions: add_n of dense ones; when any is an
    IndexedSlices, one IndexedSlices concatenating them all (dense ones as every row), as TF1."""
    if not contributions:
        return None
    if len(contributions) == 1:
        return contributions[0]
    if not any(isinstance(g, IndexedSlices) for g in contributions):
        return add_n(contributions)
    slices = [g if isinstance(g, IndexedSlices) else
              IndexedSlices(g, range_(shape(g)[0]), shape(g)) for g in contributions]
    index_dtype = (dtypes.int64 if any(s.indices.dtype is dtypes.int64 for s in slices)
                   else dtypes.int32)
    return IndexedSlices(concat([s.values for s in slices], 0),
                         concat([cast(s.indices, index_dtype) for s in slices], 0),
                         slices[0].dense_shape)


def _ops_between(graph, xs, ys, stop_ops):
    """Ops on a differentiable path from some x to some y that does not pass through a stop op."""
    forward = set()
    stack = [x for x in xs]
    while stack:
        t = stack.pop()
        if not _carries_gradient(t.dtype):
            continue
        for op in graph.consumers_of(t):
            if op not in forward and op not in stop_ops and t in data_inputs(op):
                forward.add(op)
                stack.extend(op.outputs)
    between = set()
    stack = [y.op for y in ys]
    while stack:
        op = stack.pop()
        if op in between or op not in forward:
            continue
        between.add(op)
        stack.extend(t.op for t in data_inputs(op))
    return between

