"""3-D pooling (tf.nn.max_pool3d, tf.nn.avg_pool3d) over (depth, height, width) windows of
NDHWC or NCDHW inputs: ops MaxPool3D, AvgPool3D and TF's gradient ops MaxPool3DGrad,
MaxPool3DGradGrad, AvgPool3DGrad. Kernels work on a strided view of every window of the padded
NDHWC input (conv3d_ops._windows); gradients are added back one window tap at a time
(kd*kh*kw vectorised adds).

TF's own choice on ties, kept: MaxPool3DGrad gives the gradient to every input equal to its
window's maximum, while MaxPool3DGradGrad reads the first one (tests/test_pool3d.py records
both)."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import shape, zeros_like
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.conv3d_ops import (NDHWCLayout, _from_ndhwc_dims, _spatial, _to_ndhwc_dims,
                                   _windows)
from minitf.ops.conv_ops import _check_rank, _runtime_sizes, _sizes_spec, _window
from minitf.ops.op_util import dtype_error

__all__ = ["max_pool3d", "avg_pool3d"]

_FORMATS = ("NDHWC", "NCDHW")
_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


class _Pool3DBase(NDHWCLayout, OpDef):
    """The attributes, their checks and the window geometry of the five ops."""

    ksize: tuple = (1, 1, 1, 1, 1)
    strides: tuple = (1, 1, 1, 1, 1)
    padding: str = "VALID"
    data_format: str = "NDHWC"

    def _check(self, dtype, arg):
        if dtype not in _DTYPES:
            raise dtype_error(arg, dtype, _DTYPES)
        if self.padding not in ("SAME", "VALID"):
            raise ValueError("Attr 'padding' of '%s' Op passed string '%s' not in: \"SAME\", "
                             "\"VALID\"." % (self.type_name, self.padding))
        for what, values in (("ksize", self.ksize), ("strides", self.strides)):
            if len(values) != 5 or min(values) < 1:
                raise ValueError("%s: %s must be 5 positive integers, got %s"
                                 % (self.type_name, what, list(values)))
            n, _, c = _to_ndhwc_dims(values, self.data_format)
            if n != 1:
                raise ValueError("Pooling is not yet supported on the batch dimension (%s %s "
                                 "of %s)." % (what, list(values), self.type_name))
            if c != 1:
                raise ValueError("Pooling is not yet supported on the depth (channel) "
                                 "dimension (%s %s of %s)." % (what, list(values),
                                                                 self.type_name))

    def geometry(self, spatial):
        """((od, oh, ow), ((before, after) pads per spatial dim)); None sizes stay None."""
        sizes = [_window(size, k, s, 1, self.padding) for size, k, s in zip(
            spatial, _spatial(self.ksize, self.data_format),
            _spatial(self.strides, self.data_format))]
        return tuple(s for s, _ in sizes), tuple(p for _, p in sizes)

    def _out_spec(self, dims, dtype):
        n, spatial, c = _to_ndhwc_dims(dims or (None,) * 5, self.data_format)
        out, _ = self.geometry(spatial)
        return TensorSpec(_from_ndhwc_dims(n, out, c, self.data_format), dtype)

    def padded_windows(self, xp, x, fill):
        """(every window of NDHWC x padded with `fill`, (od, oh, ow), pads)."""
        out, pads = self.geometry(x.shape[1:4])
        if any(p for pair in pads for p in pair):
            padded = xp.full((x.shape[0],) + tuple(s + sum(p) for s, p in zip(x.shape[1:4], pads))
                             + (x.shape[4],), fill, dtype=x.dtype)
            padded[_inner(pads, x.shape[1:4])] = x
            x = padded
        kernel = _spatial(self.ksize, self.data_format)
        strides = _spatial(self.strides, self.data_format)
        return _windows(xp, x, kernel, out, strides, (1, 1, 1)), out, pads

    def spread(self, xp, per_tap, x_shape, out, pads, dtype):
        """The input-shaped sum of per_tap(a, b, c) (an (n, od, oh, ow, ch) array: what window
        tap (a, b, c) of every window sends back to its input)."""
        kernel = _spatial(self.ksize, self.data_format)
        strides = _spatial(self.strides, self.data_format)
        n, spatial, c = x_shape[0], x_shape[1:4], x_shape[4]
        grad = xp.zeros((n,) + tuple(s + sum(p) for s, p in zip(spatial, pads)) + (c,), dtype)
        for a in range(kernel[0]):
            for b in range(kernel[1]):
                for e in range(kernel[2]):
                    index = (slice(None),) + tuple(
                        slice(t, t + s * (o - 1) + 1, s)
                        for t, s, o in zip((a, b, e), strides, out))
                    grad[index] += per_tap(a, b, e)
        return grad[_inner(pads, spatial)]

    def _family(self, cls, *inputs):
        return cls(**self.attrs())(*inputs, name=cls.type_name)


def _inner(pads, spatial):
    """The index of the unpadded part of a padded NDHWC array."""
    return (slice(None),) + tuple(slice(p[0], p[0] + s) for p, s in zip(pads, spatial)) + (
        slice(None),)


def _avg_counts(xp, op, spatial, dtype):
    """How many real (unpadded) inputs each output window averages, (od, oh, ow, 1)."""
    counts = []
    for size, k, s in zip(spatial, _spatial(op.ksize, op.data_format),
                          _spatial(op.strides, op.data_format)):
        out, (before, _) = _window(size, k, s, 1, op.padding)
        starts = xp.arange(out) * s - before
        counts.append(xp.minimum(starts + k, size) - xp.maximum(starts, 0))
    return (counts[0][:, None, None] * counts[1][None, :, None] * counts[2][None, None, :]
            )[..., None].astype(dtype)


class _Pool3DForward(_Pool3DBase):
    """MaxPool3D and AvgPool3D: a rank-5 float input to its pooled windows."""

    def infer(self, x):
        self._check(x.dtype, "input")
        _check_rank(x, 5, "input")
        return self._out_spec(x.shape.as_tuple(), x.dtype)


@register
class MaxPool3D(_Pool3DForward):
    """The maximum of each window (SAME pads with -inf)."""

    def compute(self, xp, x):
        x = self.to_ndhwc(xp, x)
        windows, _, _ = self.padded_windows(xp, x, -xp.inf)
        return self.from_ndhwc(xp, windows.max(axis=(4, 5, 6)))

    def grad(self, op, dy):
        return [self._family(MaxPool3DGrad, op.inputs[0], op.outputs[0], dy)]


@register
class MaxPool3DGrad(_Pool3DBase):
    """Inputs (orig_input, orig_output, grad): each window's gradient goes to every input
    equal to the window's maximum (TF's CPU kernel on ties)."""

    def infer(self, x, y, dy):
        self._check(dy.dtype, "grad")
        for t, arg in ((x, "orig_input"), (y, "orig_output"), (dy, "grad")):
            _check_rank(t, 5, arg)
        return TensorSpec(x.shape, dy.dtype)

    def compute(self, xp, x, y, dy):
        x, y, dy = self.to_ndhwc(xp, x), self.to_ndhwc(xp, y), self.to_ndhwc(xp, dy)
        windows, out, pads = self.padded_windows(xp, x, -xp.inf)
        peak = y[:, :, :, :, None, None, None, :]
        sent = xp.where(windows == peak, dy[:, :, :, :, None, None, None, :],
                        xp.zeros((), dy.dtype))
        return self.from_ndhwc(xp, xp.ascontiguousarray(self.spread(
            xp, lambda a, b, e: sent[:, :, :, :, a, b, e], x.shape, out, pads, dy.dtype)))

    def grad(self, op, ddx):
        x, y, _ = op.inputs
        return [zeros_like(x), zeros_like(y), self._family(MaxPool3DGradGrad, x, y, ddx)]


@register
class MaxPool3DGradGrad(_Pool3DBase):
    """Inputs (orig_input, orig_output, grad of the input's shape): per window, grad at the
    first input equal to the window's maximum (TF's choice)."""

    def infer(self, x, y, g):
        self._check(g.dtype, "grad")
        for t, arg in ((x, "orig_input"), (y, "orig_output"), (g, "grad")):
            _check_rank(t, 5, arg)
        return TensorSpec(y.shape, g.dtype)

    def compute(self, xp, x, y, g):
        x, y, g = self.to_ndhwc(xp, x), self.to_ndhwc(xp, y), self.to_ndhwc(xp, g)
        windows, out, _ = self.padded_windows(xp, x, -xp.inf)
        g_windows, _, _ = self.padded_windows(xp, g, 0)
        n, c = x.shape[0], x.shape[4]
        flat = (n,) + tuple(out) + (-1, c)
        first = xp.argmax((windows == y[:, :, :, :, None, None, None, :]).reshape(flat), axis=4)
        picked = xp.take_along_axis(g_windows.reshape(flat), first[:, :, :, :, None, :], axis=4)
        return self.from_ndhwc(xp, picked[:, :, :, :, 0, :])

    def grad(self, op, dy):
        x, y, _ = op.inputs
        return [zeros_like(x), zeros_like(y), self._family(MaxPool3DGrad, x, y, dy)]


@register
class AvgPool3D(_Pool3DForward):
    """The mean of each window's real inputs (SAME padding is not counted)."""

    def compute(self, xp, x):
        x = self.to_ndhwc(xp, x)
        windows, _, _ = self.padded_windows(xp, x, 0)
        counts = _avg_counts(xp, self, x.shape[1:4], x.dtype)
        return self.from_ndhwc(xp, windows.sum(axis=(4, 5, 6)) / counts)

    def grad(self, op, dy):
        sizes = shape(op.inputs[0], out_type=dtypes.int32)
        return [self._family(AvgPool3DGrad, sizes, dy)]


@register
class AvgPool3DGrad(_Pool3DBase):
    """Inputs (orig_input_shape, grad): each window's gradient spread evenly over the real
    inputs it averaged."""

    def infer(self, sizes, dy):
        self._check(dy.dtype, "grad")
        _check_rank(dy, 5, "grad")
        dims = _sizes_spec(self.type_name, sizes, "orig_input_shape", rank=5)
        return TensorSpec(dims, dy.dtype)

    def compute(self, xp, sizes, dy):
        n, spatial, c = _to_ndhwc_dims(_runtime_sizes(sizes), self.data_format)
        dy = self.to_ndhwc(xp, dy)
        out, pads = self.geometry(spatial)
        share = dy / _avg_counts(xp, self, spatial, dy.dtype)
        return self.from_ndhwc(xp, xp.ascontiguousarray(self.spread(
            xp, lambda a, b, e: share, (n,) + tuple(spatial) + (c,), out, pads, dy.dtype)))

    def grad(self, op, ddx):
        return [None, self._family(AvgPool3D, ddx)]


def _expand5(values, what, data_format):
    """A length-5 ksize / strides in data_format order from 1, 3 or 5 values (TF 1.15's
    compat.v1 pool functions accept all three)."""
    values = [int(v) for v in ([values] if isinstance(values, int) else values)]
    if len(values) == 1:
        values = values * 3
    if len(values) == 3:
        values = [1, 1] + values if data_format == "NCDHW" else [1] + values + [1]
    if len(values) != 5:
        raise ValueError("%s should be of length 1, 3 or 5. Received: %s=%s of length %d"
                         % (what, what, values, len(values)))
    return tuple(values)


def _pool3d(cls, default, input, ksize, strides, padding, data_format, name):
    if data_format not in _FORMATS:
        raise ValueError("data_format must be \"NDHWC\" or \"NCDHW\", got %r" % (data_format,))
    op = cls(ksize=_expand5(ksize, "ksize", data_format),
             strides=_expand5(strides, "strides", data_format), padding=str(padding),
             data_format=data_format)
    with name_scope(name, default, [input]) as scope:
        return op(convert_to_tensor(input, name="input"), name=scope)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """tf.nn.max_pool3d: the maximum of each (kd, kh, kw) window of a rank-5 input."""
    return _pool3d(MaxPool3D, "MaxPool3D", input, ksize, strides, padding, data_format, name)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """tf.nn.avg_pool3d: the mean of each (kd, kh, kw) window of a rank-5 input (SAME
    padding is not counted in the mean)."""
    return _pool3d(AvgPool3D, "AvgPool3D", input, ksize, strides, padding, data_format, name)
