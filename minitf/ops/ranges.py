"""Tensors generated from a few scalars or vectors: range, linspace, one_hot and meshgrid."""

import builtins

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.core import cast, convert_to_tensor, ones, reshape, stack
from minitf.ops.op_util import check_dtype, check_int_dtype, is_tensor_like, static_int
from minitf.ops.shape_ops import size

__all__ = ["one_hot", "range", "linspace", "meshgrid"]


@register
class OneHot(OpDef):
    tf_signature = TFSignature(
        type_attrs=(("TI", 0), ("T", 2)), const_input=("depth", "depth", 1, 4))
    depth: int
    axis: int = -1
    differentiable = False  # TF has no gradient for OneHot, not even for on/off values

    def infer(self, indices, on_value, off_value):
        check_int_dtype(indices, "indices",
                         (dtypes.uint8, dtypes.int8, dtypes.int32, dtypes.int64))
        if on_value.dtype is not off_value.dtype:
            raise TypeError("dtype %s of on_value does not match dtype %s of off_value"
                            % (on_value.dtype.name, off_value.dtype.name))
        for t, what in ((on_value, "on_value"), (off_value, "off_value")):
            if t.shape.ndims not in (None, 0):
                raise ValueError("%s must be a scalar, got shape %s" % (what, t.shape))
        if self.depth < 0:
            raise ValueError("depth must be non-negative, got %d" % self.depth)
        dims = indices.shape.as_tuple()
        if self.axis < -1:
            raise ValueError("axis must be >= -1")
        if dims is None:
            return TensorSpec(None, on_value.dtype)
        if self.axis > len(dims):
            raise ValueError("Expected axis to be -1 or between [0, %d]. But received: %d"
                             % (len(dims), self.axis))
        axis = len(dims) if self.axis == -1 else self.axis
        return TensorSpec(dims[:axis] + (self.depth,) + dims[axis:], on_value.dtype)

    def compute(self, xp, indices, on_value, off_value):
        hot = indices[..., None] == xp.arange(self.depth)
        out = xp.where(hot, on_value, off_value)
        return out if self.axis == -1 else xp.moveaxis(out, -1, self.axis)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """tf.one_hot: `on_value` where the last (or `axis`) coordinate equals the index, else
    `off_value`; indices outside [0, depth) give all-off rows. The dtype comes from `dtype`, else
    from on/off values, else float32."""
    with name_scope(name, "one_hot", [indices, on_value, off_value]) as scope:
        # Tensors fix the dtype; Python values take an explicit `dtype`, else fix it too.
        found = [(what, v.dtype if is_tensor_like(v) else dtypes.result_type_of(v))
                 for what, v in (("on_value", on_value), ("off_value", off_value))
                 if v is not None and (is_tensor_like(v) or dtype is None)]
        if len(found) == 2 and found[0][1] is not found[1][1]:
            raise TypeError("dtype %s of on_value does not match dtype %s of off_value"
                            % (found[0][1], found[1][1]))
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
            for what, d in found:
                if d is not dtype:
                    raise TypeError("dtype %s of %s does not match dtype parameter %s"
                                    % (d, what, dtype))
        dtype = dtype or (found[0][1] if found else dtypes.float32)
        # TF names given values 'one_hot/Const', 'one_hot/Const_1' and defaults by their role.
        on = convert_to_tensor(1 if on_value is None else on_value, dtype,
                               name="on_value" if on_value is None else None)
        off = convert_to_tensor(0 if off_value is None else off_value, dtype,
                                name="off_value" if off_value is None else None)
        idx = convert_to_tensor(indices, name="indices")
        depth = static_int(depth, "one_hot's depth")
        return OneHot(depth, -1 if axis is None else int(axis))(idx, on, off, name=scope)


def _range_length(xp, start, limit, delta):
    """How many values arange(start, limit, delta) has, computed in the values' own dtype (as
    TF does), shared by inference and the kernel so the static shape is the runtime one."""
    return int(xp.ceil((limit - start) / delta).item())


@register
class Range(OpDef):
    tf_signature = TFSignature(type_attrs=(("Tidx", 0),))
    differentiable = False

    def infer(self, start, limit, delta):
        for what, t in (("start", start), ("limit", limit), ("delta", delta)):
            if t.shape.ndims not in (None, 0):
                raise ValueError("%s must be a scalar, not shape %s" % (what, t.shape))
            if t.dtype is not start.dtype:
                raise TypeError("Range's %s has type %s, start has %s"
                                % (what, t.dtype.name, start.dtype.name))
        check_dtype("Range", start.dtype, "ordered")
        values = [constant_value(t) for t in (start, limit, delta)]
        if builtins.any(v is None for v in values):
            return TensorSpec([None], start.dtype)
        s, l, d = values
        if d == 0:
            raise ValueError("Requires delta != 0")
        if (d > 0 and s > l) or (d < 0 and s < l):
            raise ValueError("Requires start %s limit when delta %s 0: %s/%s"
                             % ("<=" if d > 0 else ">=", ">" if d > 0 else "<", s, l))
        return TensorSpec([_range_length(np, s, l, d)], start.dtype)

    def compute(self, xp, start, limit, delta):
        n = builtins.max(_range_length(xp, start, limit, delta), 0)
        return xp.arange(n, dtype=start.dtype) * delta + start


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """tf.range(limit) or tf.range(start, limit, delta): the dtype is `dtype`, else the widest
    of the arguments' (int32 < int64 < float32 < float64), as TF1."""
    if limit is None:
        start, limit = 0, start
    with name_scope(name, "Range", [start, limit, delta]) as scope:
        args = [convert_to_tensor(v, dtype=dtype, name=n)
                for v, n in ((start, "start"), (limit, "limit"), (delta, "delta"))]
        if dtype is None:
            order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]
            dtype = builtins.max((a.dtype for a in args),
                                 key=lambda d: order.index(d) if d in order else -1)
        args = [cast(a, dtype) for a in args]
        return Range()(*args, name=scope)


@register
class LinSpace(OpDef):
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tidx", 2)))
    differentiable = False  # TF registers none

    def infer(self, start, stop, num):
        check_dtype("LinSpace", start.dtype, "real")
        if stop.dtype is not start.dtype:
            raise TypeError("LinSpace's stop has type %s, start has %s"
                            % (stop.dtype.name, start.dtype.name))
        if num.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError("LinSpace's num must be int32 or int64, got %s" % num.dtype.name)
        for what, t in (("start", start), ("stop", stop), ("num", num)):
            if t.shape.ndims not in (None, 0):
                raise ValueError("%s must be a scalar, not shape %s" % (what, t.shape))
        n = constant_value(num)
        if n is not None and n <= 0:
            raise ValueError("Requires num > 0: %d" % n)
        return TensorSpec([None if n is None else int(n)], start.dtype)

    def compute(self, xp, start, stop, num):
        return xp.linspace(start.item(), stop.item(), int(num), dtype=start.dtype)


def linspace(start, stop, num, name=None):
    """tf.linspace (TF1's LinSpace op): `num` evenly spaced values from start to stop."""
    with name_scope(name, "LinSpace", [start, stop, num]) as scope:
        start = convert_to_tensor(start, name="start")
        stop = convert_to_tensor(stop, dtype=start.dtype, name="stop")
        num = convert_to_tensor(num, name="num")
        return LinSpace()(start, stop, num, name=scope)


def meshgrid(*args, **kwargs):
    """tf.meshgrid(*vectors, indexing="xy", name="meshgrid"): N coordinate grids from N
    vectors, each the vector reshaped along its own axis times ones of the grid's shape.
    With "xy" indexing (the default, as numpy's) the first two axes are swapped: the grids
    have shape (len(v1), len(v0), ...); with "ij", (len(v0), len(v1), ...)."""
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    for key in kwargs:
        raise TypeError("'%s' is an invalid keyword argument for this function" % key)
    if indexing not in ("xy", "ij"):
        raise ValueError("Argument `indexing` parameter must be either 'xy' or 'ij', got '%s'"
                         % indexing)
    with name_scope(name, "meshgrid", list(args)):
        n = len(args)
        if not n:
            return []
        along = [reshape(stack(v), [1] * i + [-1] + [1] * (n - i - 1))
                 for i, v in enumerate(args)]
        sizes = [size(v) for v in args]
        dtype = convert_to_tensor(args[0]).dtype.base_dtype
        if indexing == "xy" and n > 1:
            along[0] = reshape(along[0], [1, -1] + [1] * (n - 2))
            along[1] = reshape(along[1], [-1, 1] + [1] * (n - 2))
            sizes[0], sizes[1] = sizes[1], sizes[0]
        grid = ones(sizes, dtype)
        return [v * grid for v in along]
