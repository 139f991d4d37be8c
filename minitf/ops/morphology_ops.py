"""Grayscale morphology (tf.nn.dilation2d, tf.nn.erosion2d): op Dilation2D, the max over each
(dilated) window of input + filter, and TF's gradient ops Dilation2DBackpropInput and
Dilation2DBackpropFilter. Erosion is TF's composite, -dilation2d(-x, reversed filter).

TF's choice among equal maxima, kept: each output's gradient goes to the FIRST window tap (row
by row, then column) whose input + filter is the strict maximum, both for the input and for
the filter (tests/nn/test_nnops.py checks it on integer inputs full of ties)."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.conv_ops import _check_rank, _check_same_dtype
from minitf.ops.core import convert_to_tensor
from minitf.ops.elementwise import negative
from minitf.ops.op_util import dtype_error
from minitf.ops.shape_ops import reverse
from minitf.ops.space_batch_ops import _patch_geometry

__all__ = ["dilation2d", "erosion2d"]

_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


class _Dilation2DBase(OpDef):
    """The attributes of the three ops, their checks, and the windows every kernel walks."""

    strides: tuple = (1, 1, 1, 1)
    rates: tuple = (1, 1, 1, 1)
    padding: str = "SAME"

    def _check(self, x, w):
        if x.dtype not in _DTYPES:
            raise dtype_error("input", x.dtype, _DTYPES, self.type_name)
        _check_same_dtype(self.type_name, x, w, "filter")
        if self.padding not in ("SAME", "VALID"):
            raise ValueError("Attr 'padding' of '%s' Op passed string '%s' not in: \"SAME\", "
                             "\"VALID\"." % (self.type_name, self.padding))
        for what, values in (("Stride", self.strides), ("Rate", self.rates)):
            if len(values) != 4 or min(values) < 1:
                raise ValueError("%s: %ss must be 4 positive integers, got %s"
                                 % (self.type_name, what.lower(), list(values)))
            if values[0] != 1 or values[3] != 1:
                raise ValueError("%s is only supported across spatial dimensions." % what)
        _check_rank(x, 4, "input")
        _check_rank(w, 3, "filter")

    def _out_dims(self, x, w):
        """Static [batch, rows, cols, depth]: rows and cols unknown unless both input sizes and
        both filter sizes are known (TF's shape function)."""
        n, h, wd, c = x.shape.as_tuple() or (None,) * 4
        kh, kw, kc = w.shape.as_tuple() or (None,) * 3
        if c is not None and kc is not None and c != kc:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (c, kc))
        depth = c if c is not None else kc
        if None in (h, wd, kh, kw):
            return [n, None, None, depth]
        return [n, self._geometry(h, kh, 1)[0], self._geometry(wd, kw, 2)[0], depth]

    def _geometry(self, size, k, axis):
        return _patch_geometry(size, k, self.strides[axis], self.rates[axis], self.padding)

    def taps(self, xp, x, w):
        """(padded input, [(tap row, tap col, index of that tap's input cells)], rows, cols,
        (top, left)): one strided index of the padded input per filter tap, in TF's order."""
        n, h, wd, c = x.shape
        kh, kw, _ = w.shape
        (rows, top), (cols, left) = self._geometry(h, kh, 1), self._geometry(wd, kw, 2)
        sh, sw = self.strides[1:3]
        rh, rw = self.rates[1:3]
        bottom = max((rows - 1) * sh + (kh - 1) * rh + 1 - h - top, 0)
        right = max((cols - 1) * sw + (kw - 1) * rw + 1 - wd - left, 0)
        # Cells outside the input never win: -inf + filter stays below TF's start value.
        padded = xp.full((n, h + top + bottom, wd + left + right, c), -xp.inf, x.dtype)
        padded[:, top:top + h, left:left + wd] = x
        index = [(i, j, (slice(None), slice(i * rh, i * rh + (rows - 1) * sh + 1, sh),
                         slice(j * rw, j * rw + (cols - 1) * sw + 1, sw)))
                 for i in range(kh) for j in range(kw)] if rows > 0 and cols > 0 else []
        return padded, index, max(rows, 0), max(cols, 0), (top, left)

    def best(self, xp, x, w):
        """(the max over each window of input + filter, starting from the dtype's lowest
        value as TF does; the index of the first tap reaching it; taps()'s index, padded shape
        and (top, left))."""
        padded, index, rows, cols, corner = self.taps(xp, x, w)
        out = xp.full((x.shape[0], rows, cols, x.shape[3]), xp.finfo(x.dtype).min, x.dtype)
        arg = xp.zeros(out.shape, xp.int32)
        for t, (i, j, cells) in enumerate(index):
            values = padded[cells] + w[i, j]
            better = values > out
            out = xp.where(better, values, out)
            arg = xp.where(better, t, arg)
        return out, arg, index, padded.shape, corner

    def _family(self, cls, *inputs):
        return cls(**self.attrs())(*inputs, name=cls.type_name)


@register
class Dilation2D(_Dilation2DBase):
    """Inputs (input [N, H, W, C], filter [kh, kw, C]): out[n, y, x, c] = max over the taps
    (i, j) of input[n, y*sh + i*rh - top, x*sw + j*rw - left, c] + filter[i, j, c]."""

    def infer(self, x, w):
        self._check(x, w)
        return TensorSpec(self._out_dims(x, w), x.dtype)

    def compute(self, xp, x, w):
        return self.best(xp, x, w)[0]

    def grad(self, op, dy):
        x, w = op.inputs
        return [self._family(Dilation2DBackpropInput, x, w, dy),
                self._family(Dilation2DBackpropFilter, x, w, dy)]


class _Dilation2DBackprop(_Dilation2DBase):
    """Inputs (input, filter, out_backprop): each output's gradient goes to the first tap
    reaching its maximum."""

    def _check_backprop(self, x, w, dy):
        self._check(x, w)
        _check_same_dtype(self.type_name, x, dy, "out_backprop")
        _check_rank(dy, 4, "out_backprop")
        want = self._out_dims(x, w)
        got = dy.shape.as_tuple() or (None,) * 4
        for a, b in zip(want, got):
            if a is not None and b is not None and a != b:
                raise ValueError("%s: out_backprop has shape %s, the forward output %s"
                                 % (self.type_name, list(got), want))


@register
class Dilation2DBackpropInput(_Dilation2DBackprop):
    """The gradient with respect to the input."""

    def infer(self, x, w, dy):
        self._check_backprop(x, w, dy)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x, w, dy):
        _, arg, index, padded_shape, (top, left) = self.best(xp, x, w)
        grad = xp.zeros(padded_shape, dy.dtype)
        zero = xp.zeros((), dy.dtype)
        for t, (_, _, cells) in enumerate(index):
            grad[cells] += xp.where(arg == t, dy, zero)  # one tap: distinct cells per output
        return xp.ascontiguousarray(grad[:, top:top + x.shape[1], left:left + x.shape[2]])


@register
class Dilation2DBackpropFilter(_Dilation2DBackprop):
    """The gradient with respect to the filter."""

    def infer(self, x, w, dy):
        self._check_backprop(x, w, dy)
        return TensorSpec(w.shape, x.dtype)

    def compute(self, xp, x, w, dy):
        _, arg, index, _, _ = self.best(xp, x, w)
        grad = xp.zeros(w.shape, dy.dtype)
        zero = xp.zeros((), dy.dtype)
        for t, (i, j, _) in enumerate(index):
            grad[i, j] = xp.where(arg == t, dy, zero).sum(axis=(0, 1, 2))
        return grad


def _attr4(values, what):
    values = [int(v) for v in values]
    if len(values) != 4:
        raise ValueError("%s must have 4 entries [1, rows, cols, 1], got %s" % (what, values))
    return tuple(values)


def _dilation_op(strides, rates, padding):
    return Dilation2D(_attr4(strides, "strides"), _attr4(rates, "rates"), str(padding))


def dilation2d(input, filter=None, strides=None, rates=None, padding=None, name=None,  # noqa: A002
               filters=None, dilations=None):
    """tf.nn.dilation2d (TF1): grayscale dilation of input [N, H, W, C] by filter [kh, kw, C]:
    the max over each window (rates dilate it) of input + filter. TF 2's names `filters` and
    `dilations` are accepted too."""
    filter = _one_of("filters", filters, "filter", filter)
    rates = _one_of("dilations", dilations, "rates", rates)
    return _dilation_op(strides, rates, padding)(
        convert_to_tensor(input, name="input"), convert_to_tensor(filter, name="filter"),
        name=name or "Dilation2D")


def _one_of(new, new_value, old, old_value):
    if new_value is not None and old_value is not None:
        raise ValueError("Cannot specify both '%s' and '%s'." % (new, old))
    return new_value if new_value is not None else old_value


def erosion2d(value, kernel, strides, rates, padding, name=None):
    """tf.nn.erosion2d (TF1): grayscale erosion, the min over each window of value - kernel,
    built as TF does: -dilation2d(-value, kernel reversed in both spatial axes)."""
    with name_scope(name, "erosion2d", [value, kernel]) as scope:
        value = convert_to_tensor(value, name="value")
        kernel = convert_to_tensor(kernel, name="kernel")
        dilated = _dilation_op(strides, rates, padding)(
            negative(value), reverse(kernel, [0, 1]), name=scope)
        return negative(dilated)
