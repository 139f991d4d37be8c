"""TF's rules for sample weights: a scalar, or a tensor of the values' rank whose every
dimension is 1 or the values' (checked when built where the shapes are known, else by an Assert
op), and `broadcast_weights`, which expands such weights to the values' shape."""

from minitf.framework.graph import control_dependencies, name_scope
from minitf.ops.core import convert_to_tensor, ones_like, shape
from minitf.ops.control_ops import no_op
from minitf.ops.elementwise import equal, logical_or, multiply
from minitf.ops.logging_ops import Assert
from minitf.ops.reductions import reduce_all

_ERROR_PREFIX = "weights can not be broadcast to values."


def assert_broadcastable(weights, values):
    """ValueError now when the static shapes break the rules; a NoOp when they are known to
    follow them; else an Assert op comparing the runtime shapes (InvalidArgumentError)."""
    with name_scope(None, "assert_broadcastable", (weights, values)):
        weights, values = convert_to_tensor(weights), convert_to_tensor(values)
        w_rank, v_rank = weights.shape.ndims, values.shape.ndims
        if w_rank == 0:
            return no_op(name="static_scalar_check_success")
        if w_rank is None or v_rank is None:  # nothing to compare: the multiply decides
            return no_op(name="unknown_rank")
        if w_rank != v_rank:
            raise ValueError("%s values.rank=%d. weights.rank=%d. values.shape=%s. "
                             "weights.shape=%s. Received weights=%s, values=%s"
                             % (_ERROR_PREFIX, v_rank, w_rank, values.shape, weights.shape,
                                weights, values))
        w_dims, v_dims = weights.shape.as_tuple(), values.shape.as_tuple()
        if None not in w_dims and None not in v_dims:
            for i, (dw, dv) in enumerate(zip(w_dims, v_dims)):
                if dw not in (1, dv):
                    raise ValueError("%s Mismatch at dim %d. values.shape=%s, weights.shape=%s. "
                                     "Received weights=%s, values=%s"
                                     % (_ERROR_PREFIX, i, _numpy_style(v_dims),
                                        _numpy_style(w_dims), weights, values))
            return no_op(name="static_dims_check_success")
        w_shape, v_shape = shape(weights), shape(values)
        valid = reduce_all(logical_or(equal(w_shape, 1), equal(w_shape, v_shape)))
        return Assert(valid, [_ERROR_PREFIX, "weights.shape=", weights.name, w_shape,
                              "values.shape=", values.name, v_shape, "is_scalar=", False])


def _numpy_style(dims):
    """A shape as TF prints its constant shape there: `[4 3]`."""
    return "[%s]" % " ".join(str(d) for d in dims)


def broadcast_weights(weights, values):
    """`weights` (cast to the values' dtype) expanded to the values' shape, after
    assert_broadcastable; returned as they are when both static shapes are known and equal."""
    with name_scope(None, "broadcast_weights", (weights, values)) as scope:
        values = convert_to_tensor(values, name="values")
        weights = convert_to_tensor(weights, dtype=values.dtype.base_dtype, name="weights")
        if weights.shape.is_fully_defined() and values.shape.is_fully_defined() and \
                weights.shape.is_compatible_with(values.shape):
            return weights
        with control_dependencies([assert_broadcastable(weights, values)]):
            return multiply(weights, ones_like(values), name=scope)
