"""Special functions as ops (lgamma, digamma, polygamma, zeta, igamma, igammac and the
derivative of igamma in a), each under its TF type name; the kernels are in
ops/special_kernels.py, computed in float64 and rounded to the input's dtype."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import register
from minitf.framework.tensor import TensorSpec
from minitf.framework.shapes import broadcast_dims
from minitf.ops import special_kernels as kernels
from minitf.ops.core import sum_to
from minitf.ops.elementwise import (BinaryOp, UnaryOp, binary_operands, exp, log, negative,
                                    unary_op)
from minitf.ops.op_util import check_dtype, dtype_error, type_mismatch_error

__all__ = ["lgamma", "digamma", "polygamma", "zeta", "igamma", "igammac"]


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

