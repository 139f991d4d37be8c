"""Special functions as ops, each under its TF type name (lgamma, digamma, polygamma, zeta,
igamma, igammac and igamma's derivative in a, betainc, erfinv, ndtri, the modified Bessel
functions, xlog1py, nextafter, rint), with the composites TF builds from them (lbeta, erfcinv)
and accumulate_n. The kernels are in ops/special_kernels.py, computed in float64 and rounded
to the input's dtype."""

import math

from minitf import dtypes, errors
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import TensorShape, as_shape, broadcast_dims, format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops import special_kernels as kernels
from minitf.ops.core import (cast, convert_to_tensor, fill, identity, reduce_sum, shape, sum_to,
                             zeros_like)
from minitf.ops.elementwise import (BinaryOp, UnaryOp, add_n, binary_operands, div_no_nan,
                                    equal, exp, log, negative, not_equal, reciprocal_no_nan,
                                    sign, square, unary_op, where_v2, xdivy, xlogy)
from minitf.ops.op_util import check_dtype, dtype_error, type_mismatch_error

# erfinv, ndtri, erfcinv, the bessel functions, xlog1py, nextafter and cumulative_logsumexp are
# tf.math's only (minitf/namespaces.py), as in TF 1.15.
__all__ = ["lgamma", "digamma", "polygamma", "zeta", "igamma", "igammac", "betainc", "lbeta",
           "rint", "accumulate_n"]


def _maxlog(dtype):
    """log of the largest finite value TF's kernel computes in for `dtype` (float16 in
    float32)."""
    return 709.782712893384 if dtype == "float64" else 88.72283905206835


class _SpecialUnary(UnaryOp):
    """y = f(x) for floats (float16, float32, float64), f one of special_kernels' functions."""

    supports_out = False
    allowed = "real"

    def infer(self, x):
        check_dtype(self.type_name, x.dtype, self.allowed, "x")
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return self.values(xp, x).astype(x.dtype, copy=False)


class _SpecialBinary(BinaryOp):
    """z = f(x, y) with broadcasting for floats; `args` are TF's argument names."""

    supports_out = False
    allowed = "real"
    args = ("x", "y")
    no_half = False  # TF's kernel takes float32 and float64 only

    def infer(self, x, y):
        if x.dtype is not y.dtype:
            raise type_mismatch_error(self.type_name, self.args[1], y.dtype, self.args[0],
                                      x.dtype)
        if self.no_half and x.dtype not in (dtypes.float32, dtypes.float64):
            raise dtype_error(self.args[0], x.dtype, (dtypes.float32, dtypes.float64),
                              self.type_name)
        check_dtype(self.type_name, x.dtype, self.allowed, self.args[0])
        return TensorSpec(broadcast_dims(x.shape.as_tuple(), y.shape.as_tuple()), x.dtype)

    def compute(self, xp, x, y):
        return self.values(xp, x, y).astype(x.dtype, copy=False)


def _binary(opdef, x, y, name, default):
    with name_scope(name, default, [x, y]) as scope:
        x, y = binary_operands(x, y, names=opdef.args)
        return opdef(x, y, name=scope)


# -- gamma family ------------------------------------------------------------------------------

@register
class Lgamma(_SpecialUnary):
    """log|Gamma(x)|; inf at 0, the negative integers and both infinities."""

    @staticmethod
    def values(xp, x):
        return kernels.lgamma(xp, x)

    def grad(self, op, dy):
        return [dy * digamma(op.inputs[0])]


def lgamma(x, name=None):
    """tf.lgamma (also tf.math.lgamma): the log of the absolute value of Gamma(x)."""
    return unary_op(Lgamma(), x, name, "Lgamma")


@register
class Digamma(_SpecialUnary):
    """psi(x), the derivative of lgamma; nan at 0 and the negative integers."""

    @staticmethod
    def values(xp, x):
        return kernels.digamma(xp, x)

    def grad(self, op, dy):
        x = op.inputs[0]
        return [dy * polygamma(x.dtype.as_numpy_dtype(1), x)]


def digamma(x, name=None):
    """tf.digamma (also tf.math.digamma): psi(x) = d lgamma(x) / dx."""
    return unary_op(Digamma(), x, name, "Digamma")


@register
class Polygamma(_SpecialBinary):
    """The a-th derivative of digamma at x (nan for an `a` that is not a natural number)."""

    args = ("a", "x")
    no_half = True

    @staticmethod
    def values(xp, a, x):
        return kernels.polygamma(xp, a, x)

    def grad(self, op, dy):  # TF gives `a` no gradient
        a, x = op.inputs
        return [None, sum_to(dy * polygamma(a + a.dtype.as_numpy_dtype(1), x), x)]


def polygamma(a, x, name=None):
    """tf.polygamma (also tf.math.polygamma): the a-th derivative of digamma at x."""
    return _binary(Polygamma(), a, x, name, "Polygamma")


@register
class Zeta(_SpecialBinary):
    """The Hurwitz zeta function sum_k (q + k)^-x."""

    args = ("x", "q")
    no_half = True

    @staticmethod
    def values(xp, x, q):
        return kernels.zeta(xp, x, q)

    def grad(self, op, dy):  # TF gives x no gradient
        x, q = op.inputs
        return [None, sum_to(dy * negative(x) * zeta(x + x.dtype.as_numpy_dtype(1), q), q)]


def zeta(x, q, name=None):
    """tf.zeta (also tf.math.zeta): the Hurwitz zeta function sum_k (q + k)^-x."""
    return _binary(Zeta(), x, q, name, "Zeta")


class _IncompleteGamma(_SpecialBinary):
    args = ("a", "x")
    want = ""

    def compute(self, xp, a, x):
        return kernels.igamma_parts(xp, a, x, self.want, _maxlog(a.dtype.name)).astype(
            a.dtype, copy=False)

    def grad(self, op, dy):
        """TF's: d/da by IgammaGradA, d/dx the Gamma(a) density at x (negated for Q)."""
        a, x = op.inputs
        one = a.dtype.as_numpy_dtype(1)
        sign = 1 if self.want == "P" else -1
        density = exp(negative(x) + (a - one) * log(x) - lgamma(a))
        return [sum_to(dy * (sign * IgammaGradA()(a, x)), a), sum_to(dy * (sign * density), x)]


@register
class Igamma(_IncompleteGamma):
    """The regularized lower incomplete gamma function P(a, x)."""

    want = "P"


def igamma(a, x, name=None):
    """tf.igamma (also tf.math.igamma): the regularized lower incomplete gamma function."""
    return _binary(Igamma(), a, x, name, "Igamma")


@register
class Igammac(_IncompleteGamma):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""

    want = "Q"


def igammac(a, x, name=None):
    """tf.igammac (also tf.math.igammac): the regularized upper incomplete gamma function."""
    return _binary(Igammac(), a, x, name, "Igammac")


@register
class IgammaGradA(_IncompleteGamma):
    """dP(a, x)/da, igamma's gradient in a (no gradient of its own, as TF)."""

    want = "dP/da"
    differentiable = False


@register
class RandomGammaGrad(_IncompleteGamma):
    """d sample / d alpha for a Gamma(alpha, 1) sample (its CDF held fixed): random_gamma's
    gradient in alpha (no gradient of its own, as TF)."""

    args = ("alpha", "sample")
    want = "sample"
    differentiable = False



# -- incomplete beta function ------------------------------------------------------------------

def _betainc_shape(shapes):
    """TF's rule: the inputs that are not scalars share one shape (no broadcasting)."""
    out = ()
    for dims in shapes:
        if dims is None or dims == ():
            continue
        if out == ():
            out = dims
            continue
        if len(dims) != len(out):
            raise ValueError("Shapes must be equal rank, but are %d and %d" % (len(out), len(dims)))
        merged = []
        for i, (p, q) in enumerate(zip(out, dims)):
            if p is not None and q is not None and p != q:
                raise ValueError("Dimension %d in both shapes must be equal, but are %d and %d. "
                                 "Shapes are %s and %s." % (i, p, q, format_dims(out),
                                                            format_dims(dims)))
            merged.append(p if p is not None else q)
        out = tuple(merged)
    if out == () and any(dims is None for dims in shapes):
        return None
    return out


@register
class Betainc(OpDef):
    """The regularized incomplete beta function I_x(a, b), for float32 and float64; a, b and x
    share a shape or are scalars (no other broadcasting, as TF)."""

    def infer(self, a, b, x):
        for arg, t in (("b", b), ("x", x)):
            if t.dtype is not a.dtype:
                raise type_mismatch_error("Betainc", arg, t.dtype, "a", a.dtype)
        if a.dtype not in (dtypes.float32, dtypes.float64):
            raise dtype_error("a", a.dtype, (dtypes.float32, dtypes.float64), "Betainc")
        return TensorSpec(_betainc_shape([t.shape.as_tuple() for t in (a, b, x)]), a.dtype)

    def compute(self, xp, a, b, x):
        shapes = {t.shape for t in (a, b, x) if t.ndim}
        if len(shapes) > 1:
            raise errors.InvalidArgumentError(
                None, None, "Shapes of a, b and x are inconsistent: %s %s %s"
                % tuple(format_dims(t.shape) for t in (a, b, x)))
        return kernels.betainc(xp, a, b, x).astype(a.dtype, copy=False)

    def grad(self, op, dy):
        """TF's: none for a and b; for x the Beta(a, b) density, through xlog1py and xlogy so
        its tails are right when a or b is 1."""
        a, b, x = op.inputs
        one = a.dtype.as_numpy_dtype(1)
        log_beta = lgamma(a) + lgamma(b) - lgamma(a + b)
        density = exp(xlog1py(b - one, negative(x)) + xlogy(a - one, x) - log_beta)
        return [None, None, sum_to(density * dy, x)]


def betainc(a, b, x, name=None):
    """tf.betainc (also tf.math.betainc): the regularized incomplete beta function I_x(a, b)."""
    with name_scope(name, "Betainc", [a, b, x]) as scope:
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, dtype=a.dtype, name="b")
        x = convert_to_tensor(x, dtype=a.dtype, name="x")
        return Betainc()(a, b, x, name=scope)


def lbeta(x, name=None):
    """tf.lbeta (also tf.math.lbeta): log |B(x)| over the last axis, sum(lgamma(x)) -
    lgamma(sum(x)), as TF builds it."""
    with name_scope(name, "lbeta", [x]):
        x = convert_to_tensor(x, name="x")
        log_prod_gamma_x = reduce_sum(lgamma(x), axis=[-1])
        log_gamma_sum_x = lgamma(reduce_sum(x, axis=[-1]))
        return log_prod_gamma_x - log_gamma_sum_x


# -- inverse error functions -------------------------------------------------------------------

@register
class Erfinv(_SpecialUnary):
    """The inverse of erf on [-1, 1] (+-inf at +-1, nan outside)."""

    @staticmethod
    def values(xp, x):
        return kernels.erfinv(xp, x)

    def grad(self, op, dy):  # TF's: sqrt(pi) / 2 exp(y^2)
        y = op.outputs[0]
        return [dy * y.dtype.as_numpy_dtype(math.sqrt(math.pi) / 2) * exp(square(y))]


def erfinv(x, name=None):
    """tf.math.erfinv: the inverse error function."""
    with name_scope(name, "erfinv", [x]):
        return Erfinv()(convert_to_tensor(x, name="x"))


@register
class Ndtri(_SpecialUnary):
    """The inverse of the standard normal CDF on [0, 1] (-inf at 0, inf at 1, nan outside)."""

    @staticmethod
    def values(xp, p):
        return kernels.ndtri(xp, p)

    def grad(self, op, dy):  # TF's: sqrt(2 pi) exp(y^2 / 2)
        y = op.outputs[0]
        dtype = y.dtype.as_numpy_dtype
        return [dy * dtype(math.sqrt(2 * math.pi)) * exp(square(y) / dtype(2))]


def ndtri(x, name=None):
    """tf.math.ndtri: the quantile function of the standard normal distribution."""
    with name_scope(name, "ndtri", [x]):
        return Ndtri()(convert_to_tensor(x, name="x"))


def erfcinv(x, name=None):
    """tf.math.erfcinv: the inverse of erfc on [0, 2], -ndtri(x / 2) / sqrt(2), as TF builds
    it."""
    with name_scope(name, "erfcinv", [x]):
        x = convert_to_tensor(x, name="start")
        return -ndtri(0.5 * x) * math.sqrt(0.5)


# -- modified Bessel functions -----------------------------------------------------------------

class _Bessel(_SpecialUnary):
    order = 0
    scaled = True  # e^-|x| I_n(x); otherwise I_n(x) = e^|x| times that, as TF computes it

    def values(self, xp, x):
        if self.scaled:
            return kernels.bessel_ie(xp, x, self.order)
        return kernels.bessel_i(xp, x, self.order)


@register
class BesselI0(_Bessel):
    """I0(x), the modified Bessel function of order 0."""

    scaled = False

    def grad(self, op, dy):
        return [dy * bessel_i1(op.inputs[0])]


@register
class BesselI0e(_Bessel):
    """e^-|x| I0(x)."""

    def grad(self, op, dy):
        x, y = op.inputs[0], op.outputs[0]
        return [dy * (bessel_i1e(x) - sign(x) * y)]


@register
class BesselI1(_Bessel):
    """I1(x), the modified Bessel function of order 1."""

    order = 1
    scaled = False

    def grad(self, op, dy):
        """I0(x) - I1(x) / x, and 1/2 at x = 0 (TF 2's rule imputes 1 there; TF 1.15's
        bessel_i1, e^|x| bessel_i1e(x), had 1/2, the true value)."""
        x, y = op.inputs[0], op.outputs[0]
        return [dy * _at_zero(x, 0.5, bessel_i0(x) - div_no_nan(y, x))]


@register
class BesselI1e(_Bessel):
    """e^-|x| I1(x)."""

    order = 1

    def grad(self, op, dy):
        """TF's: I0e(x) - y (sign(x) + 1/x), and 1/2 at x = 0."""
        x, y = op.inputs[0], op.outputs[0]
        return [dy * _at_zero(x, 0.5, bessel_i0e(x) - y * (sign(x) + reciprocal_no_nan(x)))]


def _at_zero(x, value, elsewhere):
    """`elsewhere`, with `value` where x is 0 (the rules' quotients by x are 0 there)."""
    return where_v2(equal(x, zeros_like(x)), fill(shape(x), x.dtype.as_numpy_dtype(value)),
                    elsewhere)


def _bessel_function(opclass, scope):
    def fn(x, name=None):
        with name_scope(name, scope, [x]):
            return opclass()(convert_to_tensor(x, name="x"))
    fn.__name__ = fn.__qualname__ = scope
    fn.__doc__ = "tf.math.%s: %s" % (scope, opclass.__doc__)
    return fn


bessel_i0 = _bessel_function(BesselI0, "bessel_i0")
bessel_i0e = _bessel_function(BesselI0e, "bessel_i0e")
bessel_i1 = _bessel_function(BesselI1, "bessel_i1")
bessel_i1e = _bessel_function(BesselI1e, "bessel_i1e")


# -- xlog1py, nextafter, rint ------------------------------------------------------------------

@register
class Xlog1py(_SpecialBinary):
    """x * log1p(y), and 0 where x is 0 (even where y is -1 or nan)."""

    allowed = "float"  # complex too, as TF

    @staticmethod
    def values(xp, x, y):
        return xp.where(x == 0, x.dtype.type(0), x * xp.log1p(y))

    def compute(self, xp, x, y):
        return self.values(xp, x, y)

    def grad(self, op, dy):  # TF's: x != 0 selects log1p(y), x / (y + 1) is 0 where x is
        x, y = op.inputs
        nonzero_x = cast(not_equal(x, zeros_like(x)), x.dtype)
        return [sum_to(xlog1py(nonzero_x, y) * dy, x),
                sum_to(xdivy(x, y + x.dtype.as_numpy_dtype(1)) * dy, y)]


def xlog1py(x, y, name=None):
    """tf.math.xlog1py: x * log1p(y), and 0 where x is 0."""
    with name_scope(name, "xlog1py", [x, y]):
        x, y = binary_operands(x, y)
        return Xlog1py()(x, y, name="Xlog1py")


@register
class NextAfter(_SpecialBinary):
    """The next representable value after x1 towards x2 (float32 and float64)."""

    args = ("x1", "x2")

    def infer(self, x1, x2):
        if x1.dtype not in (dtypes.float64, dtypes.float32):
            raise dtype_error("x1", x1.dtype, (dtypes.float64, dtypes.float32), "NextAfter")
        return super().infer(x1, x2)

    def compute(self, xp, x1, x2):
        return xp.nextafter(x1, x2)

    def grad(self, op, dy):  # TF's: 1 for x1, zeros (not None) for x2
        x1, x2 = op.inputs
        return [sum_to(dy, x1), sum_to(dy * zeros_like(x2), x2)]


def nextafter(x1, x2, name=None):
    """tf.math.nextafter: the next representable value of x1's dtype after x1 towards x2."""
    return _binary(NextAfter(), x1, x2, name, "NextAfter")


@register
class Rint(UnaryOp):
    """x rounded to the nearest integer, halves to even (no gradient, as TF)."""

    kernel = "rint"
    allowed = "real"
    differentiable = False

    def infer(self, x):
        check_dtype(self.type_name, x.dtype, self.allowed, "x")
        return TensorSpec(x.shape, x.dtype)


def rint(x, name=None):
    """tf.rint (also tf.math.rint): round half to even."""
    return unary_op(Rint(), x, name, "Rint")


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """tf.accumulate_n (also tf.math.accumulate_n): the sum of `inputs` with TF's checks (one
    dtype, compatible shapes, `shape` and `tensor_dtype` when given): tf.add_n, as TF 2's
    compat.v1 builds it (op `AddN`); one input comes back as it is (or through an identity
    named `name`)."""
    message = "inputs must be a list of at least one Tensor with the same dtype and shape"
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError(message)
    inputs = [convert_to_tensor(t) for t in inputs]
    if not all(t.dtype is inputs[0].dtype for t in inputs):
        raise ValueError(message)
    merged = TensorShape(None) if shape is None else as_shape(shape)
    for t in inputs:
        merged = merged.merge_with(t.shape)
    if tensor_dtype is not None and dtypes.as_dtype(tensor_dtype) is not inputs[0].dtype:
        raise TypeError("The `tensor_dtype` argument is %s, but `input` is of type %s. These "
                        "must be equal. Try casting the input to the desired type."
                        % (dtypes.as_dtype(tensor_dtype), inputs[0].dtype))
    if len(inputs) == 1:
        return inputs[0] if name is None else identity(inputs[0], name=name)
    return add_n(inputs, name=name)
