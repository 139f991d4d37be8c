"""Array ops: placeholders, identity, shapes, reshaping, filling, broadcasting and stacking."""

import dataclasses

import numpy as np

from minitf import dtypes
from minitf import errors
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import (TensorShape, as_shape, broadcast_dims, format_dims,
                                     normalize_axis, num_elements)
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value, constant_value_as_shape
from minitf.ops.constant_op import constant, convert_to_tensor

__all__ = ["placeholder", "placeholder_with_default", "identity", "stop_gradient", "shape",
           "size", "rank", "reshape", "fill", "zeros", "ones", "zeros_like", "ones_like",
           "broadcast_to", "expand_dims", "stack"]


def _op(opdef, inputs, name):
    return get_default_graph().create_op(opdef, inputs, name=name).outputs[0]


# -- placeholders ------------------------------------------------------------------------------

@register
class Placeholder(OpDef):
    dtype: dtypes.DType
    shape: TensorShape
    stateful = True  # its value comes from the feed, never from folding

    def infer(self):
        return TensorSpec(self.shape, self.dtype)

    def bind(self, ctx, op):
        def missing():
            raise errors.InvalidArgumentError(
                None, op, "You must feed a value for placeholder tensor '%s' with dtype %s%s"
                % (op.name, self.dtype.name,
                   "" if self.shape.ndims is None else " and shape %s" % format_dims(self.shape.as_tuple())))
        return missing


def placeholder(dtype, shape=None, name=None):
    """tf.placeholder: a tensor whose value must be fed to Session.run."""
    return _op(Placeholder(dtypes.as_dtype(dtype), as_shape(shape)), [], name or "Placeholder")


@register
class PlaceholderWithDefault(OpDef):
    shape: TensorShape
    fresh_output = False
    is_identity = True

    def infer(self, x):
        if not x.shape.is_compatible_with(self.shape):
            raise ValueError("The default value's shape %s is not compatible with the "
                             "placeholder shape %s" % (x.shape, self.shape))
        return TensorSpec(self.shape, x.dtype)

    def compute(self, xp, x):
        return x

    def grad(self, op, dy):
        return [dy]


def placeholder_with_default(input, shape, name=None):
    """tf.placeholder_with_default: `input` unless a value is fed."""
    x = convert_to_tensor(input)
    return _op(PlaceholderWithDefault(as_shape(shape)), [x], name or "PlaceholderWithDefault")


# -- identity ----------------------------------------------------------------------------------

@register
class Identity(OpDef):
    fresh_output = False
    is_identity = True

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return x

    def grad(self, op, dy):
        return [dy]


def identity(input, name=None):
    return _op(Identity(), [convert_to_tensor(input)], name or "Identity")


@register
class StopGradient(OpDef):
    fresh_output = False
    is_identity = True
    differentiable = False

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return x


def stop_gradient(input, name=None):
    """tf.stop_gradient: the identity whose gradient is None (tf.gradients stops here)."""
    return _op(StopGradient(), [convert_to_tensor(input)], name or "StopGradient")


# -- shapes ------------------------------------------------------------------------------------

@register
class Shape(OpDef):
    out_type: dtypes.DType = dtypes.int32
    differentiable = False

    def infer(self, x):
        return TensorSpec([x.shape.ndims], self.out_type)

    def compute(self, xp, x):
        return xp.asarray(x.shape, dtype=self.out_type.as_numpy_dtype)

    def static_value(self, op):
        dims = op.inputs[0].shape
        if dims.is_fully_defined():
            return np.asarray(dims.as_list(), dtype=self.out_type.as_numpy_dtype)
        return None


def shape(input, name=None, out_type=dtypes.int32):
    return _op(Shape(dtypes.as_dtype(out_type)), [convert_to_tensor(input)], name or "Shape")


@register
class Size(OpDef):
    out_type: dtypes.DType = dtypes.int32
    differentiable = False

    def infer(self, x):
        return TensorSpec([], self.out_type)

    def compute(self, xp, x):
        return xp.asarray(x.size, dtype=self.out_type.as_numpy_dtype)

    def static_value(self, op):
        n = op.inputs[0].shape.num_elements()
        return None if n is None else np.asarray(n, dtype=self.out_type.as_numpy_dtype)


def size(input, name=None, out_type=dtypes.int32):
    return _op(Size(dtypes.as_dtype(out_type)), [convert_to_tensor(input)], name or "Size")


@register
class Rank(OpDef):
    differentiable = False

    def infer(self, x):
        return TensorSpec([], dtypes.int32)

    def compute(self, xp, x):
        return xp.asarray(x.ndim, dtype=np.int32)

    def static_value(self, op):
        r = op.inputs[0].shape.ndims
        return None if r is None else np.asarray(r, dtype=np.int32)


def rank(input, name=None):
    return _op(Rank(), [convert_to_tensor(input)], name or "Rank")


def _check_shape_tensor(t, what):
    if not t.dtype.is_integer or t.shape.ndims not in (None, 1):
        raise ValueError("%s must be a 1-D integer tensor, got shape %s and dtype %s"
                         % (what, t.shape, t.dtype.name))


@register
class Reshape(OpDef):
    def infer(self, x, new_shape):
        _check_shape_tensor(new_shape, "Reshape's shape")
        target = constant_value_as_shape(new_shape)
        value = constant_value(new_shape)
        if target.ndims is None:
            return TensorSpec(None, x.dtype)
        dims = list(target.as_tuple())
        n_in = x.shape.num_elements()
        if value is not None:
            minus = [i for i, d in enumerate(value.reshape(-1)) if d == -1]
            if len(minus) > 1:
                raise ValueError("Cannot infer the shape with more than one -1 in %s" % list(value))
            known = num_elements([d for i, d in enumerate(dims) if i not in minus])
            if minus and n_in is not None and known:
                if n_in % known:
                    raise ValueError("Cannot reshape a tensor with %d elements to shape %s"
                                     % (n_in, format_dims(tuple(int(v) for v in value))))
                dims[minus[0]] = n_in // known
            elif not minus and n_in is not None and known != n_in:
                raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)"
                                 % (n_in, format_dims(tuple(dims)), known))
        return TensorSpec(dims, x.dtype)

    def compute(self, xp, x, new_shape):
        return xp.reshape(x, tuple(int(d) for d in new_shape))

    def grad(self, op, dy):
        return [reshape(dy, shape(op.inputs[0])), None]


def reshape(tensor, shape, name=None):
    """tf.reshape; one entry of `shape` may be -1."""
    x = convert_to_tensor(tensor)
    return _op(Reshape(), [x, convert_to_tensor(shape, dtypes.int32)], name or "Reshape")


@register
class Fill(OpDef):
    def infer(self, dims, value):
        _check_shape_tensor(dims, "Fill's dims")
        if value.shape.ndims not in (None, 0):
            raise ValueError("value must be a scalar, got shape %s" % value.shape)
        return TensorSpec(constant_value_as_shape(dims), value.dtype)

    def compute(self, xp, dims, value):
        return xp.full(tuple(int(d) for d in dims), value, dtype=value.dtype)

    def grad(self, op, dy):
        return [None, reduce_sum_all(dy)]


def fill(dims, value, name=None):
    return _op(Fill(), [convert_to_tensor(dims, dtypes.int32), convert_to_tensor(value)],
               name or "Fill")


def _filled(shape_, dtype, number, name, default_name):
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, default_name) as scope:
        if isinstance(shape_, (list, tuple, int, np.ndarray, TensorShape)) and not _has_tensor(shape_):
            dims = as_shape(shape_).as_list() if not isinstance(shape_, np.ndarray) else list(shape_)
            if num_elements(dims) is not None and num_elements(dims) <= 1000:
                return constant(np.full(dims, number, dtype.as_numpy_dtype), dtype, name=scope)
        return fill(convert_to_tensor(shape_, dtypes.int32), constant(number, dtype), name=scope)


def _has_tensor(v):
    from minitf.framework.tensor import Tensor
    return isinstance(v, Tensor) or (isinstance(v, (list, tuple)) and any(_has_tensor(e) for e in v))


def zeros(shape, dtype=dtypes.float32, name=None):
    return _filled(shape, dtype, 0, name, "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    return _filled(shape, dtype, 1, name, "ones")


@register
class ZerosLike(OpDef):
    differentiable = False

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return xp.zeros_like(x)


@register
class OnesLike(OpDef):
    differentiable = False

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return xp.ones_like(x)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    x = convert_to_tensor(tensor)
    out = _op(ZerosLike(), [x], name or "zeros_like")
    return out if dtype is None or dtypes.as_dtype(dtype) is x.dtype else _cast(out, dtype)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    x = convert_to_tensor(tensor)
    out = _op(OnesLike(), [x], name or "ones_like")
    return out if dtype is None or dtypes.as_dtype(dtype) is x.dtype else _cast(out, dtype)


def _cast(x, dtype):
    from minitf.ops.math_ops import cast
    return cast(x, dtype)


# -- broadcasting and its inverse ----------------------------------------------------------------

@register
class BroadcastTo(OpDef):
    def infer(self, x, target):
        _check_shape_tensor(target, "broadcast_to's shape")
        dims = constant_value_as_shape(target).as_tuple()
        if dims is not None and x.shape.ndims is not None:
            out = broadcast_dims(x.shape.as_tuple(), dims)
            if len(out) != len(dims) or any(
                    d is not None and o is not None and d != o for d, o in zip(dims, out)):
                raise ValueError("Cannot broadcast a tensor of shape %s to shape %s"
                                 % (format_dims(x.shape.as_tuple()), format_dims(dims)))
        return TensorSpec(dims, x.dtype)

    def compute(self, xp, x, target):
        return xp.broadcast_to(x, tuple(int(d) for d in target))

    def grad(self, op, dy):
        return [sum_to(dy, op.inputs[0]), None]


def broadcast_to(input, shape, name=None):
    x = convert_to_tensor(input)
    return _op(BroadcastTo(), [x, convert_to_tensor(shape, dtypes.int32)], name or "BroadcastTo")


@register
class SumTo(OpDef):
    """Sums a broadcast gradient back to a shape: the inverse of broadcasting (minitf's one
    helper for undoing broadcasting in every gradient rule; TF spells it BroadcastGradientArgs
    + Sum + Reshape)."""

    fresh_output = False

    def infer(self, g, target):
        return TensorSpec(constant_value_as_shape(target), g.dtype)

    def compute(self, xp, g, target):
        target = tuple(int(d) for d in target)
        if g.shape == target:
            return g
        lead = g.ndim - len(target)
        axes = tuple(range(lead)) + tuple(
            i + lead for i, d in enumerate(target) if d == 1 and g.shape[i + lead] != 1)
        return xp.sum(g, axis=axes, keepdims=True).reshape(target)

    def grad(self, op, dy):
        return [broadcast_to(dy, shape(op.inputs[0])), None]


def sum_to(g, like):
    """`g` summed down to the runtime shape of `like` (no op when both shapes are known and
    equal). Gradient rules call this after any broadcasting op."""
    if like.shape.is_fully_defined() and g.shape.is_fully_defined() and \
            g.shape.as_tuple() == like.shape.as_tuple():
        return g
    return _op(SumTo(), [g, shape(like)], "SumTo")


def reduce_sum_all(x):
    from minitf.ops.math_ops import reduce_sum
    return reduce_sum(x)


# -- adding and stacking dimensions -------------------------------------------------------------

@register
class ExpandDims(OpDef):
    axis: int

    def infer(self, x):
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, x.dtype)
        (axis,) = normalize_axis(self.axis, len(dims) + 1, "expand_dims axis")
        return TensorSpec(dims[:axis] + (1,) + dims[axis:], x.dtype)

    def compute(self, xp, x):
        return xp.expand_dims(x, self.axis)

    def grad(self, op, dy):
        return [reshape(dy, shape(op.inputs[0]))]


def expand_dims(input, axis=None, name=None, dim=None):
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("tf.expand_dims needs an axis")
    x = convert_to_tensor(input)
    return _op(ExpandDims(int(axis)), [x], name or "ExpandDims")


@register
class Pack(OpDef):
    axis: int = 0

    def infer(self, *xs):
        if not xs:
            raise ValueError("tf.stack needs at least one tensor")
        dtype = xs[0].dtype
        dims = None
        for i, x in enumerate(xs):
            if x.dtype is not dtype:
                raise TypeError("Input %d of Pack has type %s that does not match type %s of "
                                "input 0" % (i, x.dtype.name, dtype.name))
            try:
                dims = x.shape.as_tuple() if dims is None else _merge(dims, x.shape.as_tuple())
            except ValueError:
                raise ValueError("Shapes of all inputs must match: values[0].shape = %s != "
                                 "values[%d].shape = %s" % (xs[0].shape, i, x.shape)) from None
        if dims is None:
            return TensorSpec(None, dtype)
        (axis,) = normalize_axis(self.axis, len(dims) + 1, "stack axis")
        return TensorSpec(dims[:axis] + (len(xs),) + dims[axis:], dtype)

    def compute(self, xp, *xs):
        return xp.stack(xs, axis=self.axis)

    def grad(self, op, dy):
        from minitf.ops.array_ops import unstack
        return list(unstack(dy, num=len(op.inputs), axis=self.axis))


def _merge(a, b):
    from minitf.framework.shapes import merge_dims
    return merge_dims(a, b)


def stack(values, axis=0, name="stack"):
    """tf.stack (TF's op type is Pack)."""
    tensors = [convert_to_tensor(v) for v in values]
    return _op(Pack(int(axis)), tensors, name)
