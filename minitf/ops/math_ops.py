"""Math ops: elementwise arithmetic with numpy broadcasting, comparisons and logic, casts,
reductions and scans, matrix products and einsum, ranges, top_k; and the Tensor operators
(`+`, `//`, `@`, `<`, `&`...) that build them."""

import builtins
import collections
import math
import operator

import numpy as np

from minitf import dtypes, errors
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, lookup, register
from minitf.framework.shapes import (broadcast_dims, format_dims, merge_dims, normalize_axis,
                                     num_elements, reduce_dims)
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops import array_ops
from minitf.ops.array_ops import (_is_tensorish, _static_int, _static_ints, broadcast_to,
                                  expand_dims, ones_like, reshape, shape, size, stop_gradient,
                                  sum_to, zeros_like)
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["add", "subtract", "multiply", "divide", "truediv", "realdiv", "div", "div_no_nan",
           "floordiv", "floormod", "mod", "truncatediv", "truncatemod", "pow", "maximum", "minimum", "squared_difference",
           "atan2", "scalar_mul", "negative", "square", "exp", "log", "log1p", "expm1", "sqrt",
           "rsqrt", "reciprocal", "abs", "sign", "sin", "cos", "tan", "asin", "acos", "atan",
           "sinh", "cosh", "tanh", "sigmoid", "erf", "floor", "ceil", "round", "is_finite",
           "is_nan", "is_inf", "equal", "not_equal", "less", "less_equal", "greater",
           "greater_equal", "logical_and", "logical_or", "logical_not", "logical_xor", "where",
           "cast", "add_n", "reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
           "reduce_prod", "reduce_any", "reduce_all", "reduce_logsumexp", "argmax", "argmin",
           "cumsum", "cumprod", "arg_max", "arg_min", "count_nonzero", "matmul", "tensordot", "einsum", "range", "linspace",
           "clip_by_value", "clip_by_norm", "norm"]
# top_k is public as tf.nn.top_k (TF1 has no tf.top_k).


def _op(opdef, inputs, name):
    return get_default_graph().create_op(opdef, inputs, name=name).outputs[0]


def binary_operands(x, y, names=("x", "y")):
    """Converts the operands of a binary op: a Python or numpy value takes the dtype of its
    Tensor partner (TF1's rule: `x * 2` with float32 x multiplies by a float32 2), and becomes a
    constant named after its argument (`names`, as TF names them: 'mul/y')."""
    if isinstance(x, Tensor) or hasattr(x, "_as_tensor"):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=None if _is_tensorish(y) else x.dtype, name=names[1])
    elif _is_tensorish(y):
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, dtype=y.dtype, name=names[0])
    else:
        x = convert_to_tensor(x, name=names[0])
        y = convert_to_tensor(y, dtype=x.dtype, name=names[1])
    return x, y


# -- elementwise families ----------------------------------------------------------------------

def out_array(xp, like, out):
    """`out`, or a new array like `like` when the plan gave none: for kernels of several steps
    that write each step into the first one's result. (numpy returns a scalar, not an array,
    for a 0-d result, which cannot be passed on as `out=`.)"""
    return xp.empty_like(like) if out is None else out


class UnaryOp(OpDef):
    """y = f(x) elementwise; subclasses set `kernel` (an xp function taking out=) and `grad`."""

    kernel = ""
    supports_out = True
    allowed = "float"  # which dtypes the op accepts: "float", "numeric", "bool", "any"
    result_dtype = None  # e.g. dtypes.bool for is_nan

    def infer(self, x):
        _check_dtype(self.type_name, x.dtype, self.allowed)
        return TensorSpec(x.shape, self.result_dtype or x.dtype)

    def compute(self, xp, x, out=None):
        return getattr(xp, self.kernel)(x, out=out)


# Scalar loop bodies (a while_loop's counter) spend most of their time in ufunc dispatch: on two
# numpy scalars of one type, these operators give the ufunc's result without it.
_NUMPY_SCALARS = frozenset(np.dtype(c).type for c in "?bhilqBHILQefdFD")
_SCALAR_OPERATORS = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
                     "less": operator.lt, "less_equal": operator.le, "greater": operator.gt,
                     "greater_equal": operator.ge, "equal": operator.eq,
                     "not_equal": operator.ne}


class BinaryOp(OpDef):
    """z = f(x, y) elementwise with numpy broadcasting; both inputs have one dtype."""

    kernel = ""
    supports_out = True
    allowed = "numeric"
    result_dtype = None  # e.g. dtypes.bool for comparisons

    def infer(self, x, y):
        if x.dtype is not y.dtype:
            raise TypeError("Input 'y' of '%s' Op has type %s that does not match type %s of "
                            "argument 'x'" % (self.type_name, y.dtype.name, x.dtype.name))
        _check_dtype(self.type_name, x.dtype, self.allowed)
        return TensorSpec(broadcast_dims(x.shape.as_tuple(), y.shape.as_tuple()),
                          self.result_dtype or x.dtype)

    def compute(self, xp, x, y, out=None):
        if out is None and type(x) is type(y) and type(x) in _NUMPY_SCALARS:
            scalar = _SCALAR_OPERATORS.get(self.kernel)
            if scalar is not None:  # numpy's scalar arithmetic: same result, 30x cheaper
                return scalar(x, y)
        return getattr(xp, self.kernel)(x, y, out=out)


_KINDS = {  # the dtypes each word of `allowed` accepts
    "float": lambda d: d.is_floating or d.is_complex,
    "real": lambda d: d.is_floating,
    "numeric": lambda d: d is not dtypes.bool and d is not dtypes.string,
    "ordered": lambda d: d.is_floating or d.is_integer,
    "complex": lambda d: d.is_complex,
    "bool": lambda d: d is dtypes.bool,
    "any": lambda d: True,
}
# Every dtype, in the order TF's messages list them.
_ALL_DTYPES = tuple(dtypes.as_dtype(n) for n in (
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64", "complex64", "complex128", "bool", "string"))


def _check_dtype(op_type, dtype, allowed, arg=None):
    """Raises TypeError unless `dtype` is of the kind `allowed` names (a key of _KINDS). Given
    `arg`, the message is TF's op-def check naming that parameter and listing the types, with
    the op type (when not None) at the end."""
    accepts = _KINDS[allowed]
    if accepts(dtype):
        return
    if arg is None:
        raise TypeError("Value passed to %s has DataType %s not in the list of allowed values "
                        "(%s types)" % (op_type, dtype.name, allowed))
    raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed "
                    "values: %s%s" % (arg, dtype.name,
                                      ", ".join(d.name for d in _ALL_DTYPES if accepts(d)),
                                      "" if op_type is None else " (op %s)" % op_type))


# -- binary arithmetic -------------------------------------------------------------------------

@register
class Add(BinaryOp):
    kernel = "add"

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(dy, x), sum_to(dy, y)]


@register
class AddV2(Add):
    """The type name TF 2.x's tf.compat.v1 writes for `+` and tf.add: minitf builds Add (TF1's)
    and registers this only so graphs written by newer TensorFlow import."""


@register
class Sub(BinaryOp):
    kernel = "subtract"

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(dy, x), sum_to(negative(dy), y)]


@register
class Mul(BinaryOp):
    kernel = "multiply"

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(dy * y, x), sum_to(x * dy, y)]


@register
class RealDiv(BinaryOp):
    kernel = "divide"
    allowed = "float"  # TF has no integer kernel: truediv casts integers first, div floors

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(dy / y, x), sum_to(negative(dy) * x / (y * y), y)]


@register
class DivNoNan(BinaryOp):
    """x / y, and 0 where y is 0."""

    supports_out = False
    allowed = "float"

    def compute(self, xp, x, y):
        zero = y == 0
        return xp.where(zero, x.dtype.type(0), x / xp.where(zero, y.dtype.type(1), y))

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(div_no_nan(dy, y), x),
                sum_to(dy * div_no_nan(div_no_nan(negative(x), y), y), y)]


class _IntegerDivision(BinaryOp):
    """numpy gives 0 for an integer divided by zero; TF raises, and so does minitf."""

    @staticmethod
    def _by_zero():  # the plan reports it as InvalidArgumentError, naming the op
        return ZeroDivisionError("Integer division by zero")

    def compute(self, xp, x, y, out=None):
        if y.dtype.kind in "iu" and not xp.all(y):
            raise self._by_zero()
        return getattr(xp, self.kernel)(x, y, out=out)


@register
class FloorDiv(_IntegerDivision):
    kernel = "floor_divide"
    differentiable = False  # TF registers no gradient for it


@register
class FloorMod(_IntegerDivision):
    kernel = "remainder"  # Python's %: the result has the divisor's sign, as TF's FloorMod

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(dy, x), sum_to(dy * negative(floordiv(x, y)), y)]


@register
class TruncateDiv(_IntegerDivision):
    """C semantics: integer quotients round toward zero (-7 / 5 = -1); floats divide."""

    kernel = "floor_divide"
    supports_out = False
    differentiable = False  # TF registers no gradient for it

    @staticmethod
    def _by_zero():  # TF's truncating kernels report it as an InternalError
        return errors.InternalError(None, None, "Integer division by zero")

    def compute(self, xp, x, y):
        if x.dtype.kind not in "iu":
            return xp.true_divide(x, y)
        q = super().compute(xp, x, y)
        # floor and truncation differ where the division is inexact and the signs differ
        return q + ((q < 0) & (q * y != x)).astype(x.dtype)


@register
class TruncateMod(_IntegerDivision):
    """C's fmod: the remainder has the dividend's sign."""

    kernel = "fmod"
    differentiable = False  # TF registers no gradient for it
    _by_zero = staticmethod(TruncateDiv._by_zero)


@register
class Pow(BinaryOp):
    kernel = "power"

    def grad(self, op, dy):
        x, y = op.inputs
        z = op.outputs[0]
        gx = dy * y * pow(x, y - 1)
        log_x = where(greater(x, 0), log(x), zeros_like(x))
        gy = dy * z * log_x
        return [sum_to(gx, x), sum_to(gy, y)]


class _MaxMinOp(BinaryOp):
    """Maximum / Minimum; the gradient goes to x where `selects_x(x, y)` (ties go to x, as
    TF's)."""

    allowed = "ordered"

    def grad(self, op, dy):
        x, y = op.inputs
        x_wins = self.selects_x(x, y)
        zeros = zeros_like(dy)
        return [sum_to(where(x_wins, dy, zeros), x), sum_to(where(x_wins, zeros, dy), y)]


@register
class Maximum(_MaxMinOp):
    kernel = "maximum"

    @staticmethod
    def selects_x(x, y):
        return greater_equal(x, y)


@register
class Minimum(_MaxMinOp):
    kernel = "minimum"

    @staticmethod
    def selects_x(x, y):
        return less_equal(x, y)


@register
class SquaredDifference(BinaryOp):
    def compute(self, xp, x, y, out=None):
        return xp.square(xp.subtract(x, y, out=out), out=out)

    def grad(self, op, dy):
        x, y = op.inputs
        g = dy * ((x - y) * 2)
        return [sum_to(g, x), sum_to(negative(g), y)]


@register
class Atan2(BinaryOp):
    """atan2(y, x): the op's inputs are (y, x), as TF's."""

    kernel = "arctan2"
    allowed = "real"

    def grad(self, op, dz):
        y, x = op.inputs
        scale = dz / (square(x) + square(y))
        return [sum_to(x * scale, y), sum_to(negative(y) * scale, x)]


# -- unary math ----------------------------------------------------------------------------------

@register
class Neg(UnaryOp):
    kernel = "negative"
    allowed = "numeric"

    def grad(self, op, dy):
        return [negative(dy)]


@register
class Square(UnaryOp):
    kernel = "square"
    allowed = "numeric"

    def grad(self, op, dy):
        (x,) = op.inputs
        return [dy * (x * 2)]


@register
class Abs(UnaryOp):
    kernel = "absolute"
    allowed = "ordered"  # complex inputs take ComplexAbs

    def grad(self, op, dy):
        return [dy * sign(op.inputs[0])]


@register
class ComplexAbs(UnaryOp):
    """|x| of a complex tensor, in the matching real dtype `Tout` (tf.abs on complex inputs)."""

    Tout: dtypes.DType = dtypes.float32
    kernel = "absolute"
    allowed = "complex"

    def infer(self, x):
        _check_dtype(self.type_name, x.dtype, self.allowed)
        if self.Tout is not x.dtype.real_dtype:
            raise TypeError("ComplexAbs of %s gives %s, not %s"
                            % (x.dtype.name, x.dtype.real_dtype.name, self.Tout.name))
        return TensorSpec(x.shape, self.Tout)

    def grad(self, op, dy):
        # TF's rule: dy * x / |x| (0 where x is 0), in x's complex dtype.
        (x,) = op.inputs
        return [div_no_nan(cast(dy, x.dtype) * x, cast(op.outputs[0], x.dtype))]


@register
class Sign(UnaryOp):
    kernel = "sign"
    allowed = "numeric"

    def grad(self, op, dy):
        return [zeros_like(op.inputs[0])]


@register
class Exp(UnaryOp):
    kernel = "exp"

    def grad(self, op, dy):
        return [dy * op.outputs[0]]


@register
class Expm1(UnaryOp):
    kernel = "expm1"

    def grad(self, op, dy):
        return [dy * exp(op.inputs[0])]


@register
class Log(UnaryOp):
    kernel = "log"

    def grad(self, op, dy):
        return [dy / op.inputs[0]]


@register
class Log1p(UnaryOp):
    kernel = "log1p"

    def grad(self, op, dy):
        return [dy / (op.inputs[0] + 1)]


@register
class Sqrt(UnaryOp):
    kernel = "sqrt"

    def grad(self, op, dy):
        return [dy / (op.outputs[0] * 2)]


@register
class Rsqrt(UnaryOp):
    def compute(self, xp, x, out=None):
        root = xp.sqrt(x, out=out_array(xp, x, out))
        return xp.divide(1, root, out=root)

    def grad(self, op, dy):
        y = op.outputs[0]
        return [dy * (y * y * y) * -0.5]


@register
class Reciprocal(UnaryOp):
    kernel = "reciprocal"

    def grad(self, op, dy):
        return [negative(dy) * square(op.outputs[0])]


@register
class Sin(UnaryOp):
    kernel = "sin"

    def grad(self, op, dy):
        return [dy * cos(op.inputs[0])]


@register
class Cos(UnaryOp):
    kernel = "cos"

    def grad(self, op, dy):
        return [negative(dy) * sin(op.inputs[0])]


@register
class Tan(UnaryOp):
    kernel = "tan"

    def grad(self, op, dy):
        return [dy * square(reciprocal(cos(op.inputs[0])))]


@register
class Asin(UnaryOp):
    kernel = "arcsin"

    def grad(self, op, dy):
        return [dy * rsqrt(1 - square(op.inputs[0]))]


@register
class Acos(UnaryOp):
    kernel = "arccos"

    def grad(self, op, dy):
        return [negative(dy) * rsqrt(1 - square(op.inputs[0]))]


@register
class Atan(UnaryOp):
    kernel = "arctan"

    def grad(self, op, dy):
        return [dy / (square(op.inputs[0]) + 1)]


@register
class Sinh(UnaryOp):
    kernel = "sinh"

    def grad(self, op, dy):
        return [dy * cosh(op.inputs[0])]


@register
class Cosh(UnaryOp):
    kernel = "cosh"

    def grad(self, op, dy):
        return [dy * sinh(op.inputs[0])]


@register
class Tanh(UnaryOp):
    kernel = "tanh"

    def grad(self, op, dy):
        y = op.outputs[0]
        return [dy * (1 - square(y))]


@register
class Sigmoid(UnaryOp):
    def compute(self, xp, x, out=None):
        if x.dtype == xp.float16:
            # exp(-x) overflows half precision from x < -11, where sigmoid is still far above
            # the smallest float16: compute in float32 (as Erf does).
            y = self.compute(xp, x.astype(xp.float32))
            if out is None:
                return y.astype(x.dtype)
            out[...] = y
            return out
        # 1 / (1 + exp(-x)): exp overflowing to inf for very negative x still gives the exact
        # limit 0, so no branch on the sign is needed.
        y = xp.negative(x, out=out_array(xp, x, out))
        xp.exp(y, out=y)
        y += 1
        return xp.reciprocal(y, out=y)

    def grad(self, op, dy):
        y = op.outputs[0]
        return [dy * (y * (1 - y))]


# W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969; netlib specfun CALERF),
# the ones libm and SciPy use: relative error below 1e-16 in float64. Coefficients are listed
# from the constant term up, for _polyval.
_ERF_A = (3.20937758913846947e03, 3.77485237685302021e02, 1.13864154151050156e02,
          3.16112374387056560e00, 1.85777706184603153e-1)
_ERF_B = (2.84423683343917062e03, 1.28261652607737228e03, 2.44024637934444173e02,
          2.36012909523441209e01, 1.0)
_ERFC_C = (1.23033935479799725e03, 2.05107837782607147e03, 1.71204761263407058e03,
           8.81952221241769090e02, 2.98635138197400131e02, 6.61191906371416295e01,
           8.88314979438837594e00, 5.64188496988670089e-1, 2.15311535474403846e-8)
_ERFC_D = (1.23033935480374942e03, 3.43936767414372164e03, 4.36261909014324716e03,
           3.29079923573345963e03, 1.62138957456669019e03, 5.37181101862009858e02,
           1.17693950891312499e02, 1.57449261107098347e01, 1.0)
_ERFC_P = (6.58749161529837803e-4, 1.60837851487422766e-2, 1.25781726111229246e-1,
           3.60344899949804439e-1, 3.05326634961232344e-1, 1.63153871373020978e-2)
_ERFC_Q = (2.33520497626869185e-3, 6.05183413124413191e-2, 5.27905102951428412e-1,
           1.87295284992346047e00, 2.56852019228982242e00, 1.0)
_ONE_OVER_SQRT_PI = 5.6418958354775628695e-1


def _polyval(coefficients, t):
    result = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = result * t + c
    return result


@register
class Erf(UnaryOp):
    """erf with Cody's three rational approximations (|x| <= 0.46875, <= 4, > 4), written
    against xp so it runs on numpy and cupy alike (neither has a vectorised erf)."""

    supports_out = False
    allowed = "real"

    def compute(self, xp, x):
        work = x.astype(xp.promote_types(x.dtype, xp.float32), copy=False)  # float16 overflows
        ax = xp.abs(work)
        # Each branch sees its argument clipped to its own interval, so the branches xp.where
        # discards stay finite (no overflow warnings, no inf/inf).
        small_x = xp.clip(work, -0.5, 0.5)
        t = small_x * small_x
        small = small_x * _polyval(_ERF_A, t) / _polyval(_ERF_B, t)
        mid_x = xp.minimum(ax, 4)
        mid = _polyval(_ERFC_C, mid_x) / _polyval(_ERFC_D, mid_x)
        big_x = xp.clip(ax, 4, 30)  # erfc(30) is 0 even in float64
        u = 1 / (big_x * big_x)
        big = (_ONE_OVER_SQRT_PI - u * _polyval(_ERFC_P, u) / _polyval(_ERFC_Q, u)) / big_x
        erfc = xp.where(ax <= 4, mid, big) * xp.exp(-(xp.minimum(ax, 30) ** 2))
        result = xp.where(ax <= 0.46875, small, xp.copysign(1 - erfc, work))
        return result.astype(x.dtype, copy=False)

    def grad(self, op, dy):
        x = op.inputs[0]
        return [dy * (exp(negative(square(x))) * (2 / math.sqrt(math.pi)))]


@register
class Floor(UnaryOp):
    kernel = "floor"
    allowed = "real"
    differentiable = False  # TF's gradient is None


@register
class Ceil(UnaryOp):
    kernel = "ceil"
    allowed = "real"
    differentiable = False


@register
class Round(UnaryOp):
    """Rounds half to even (banker's rounding), as TF's Round and numpy's round."""

    kernel = "round"
    allowed = "numeric"
    differentiable = False


@register
class IsFinite(UnaryOp):
    kernel = "isfinite"
    allowed = "real"
    result_dtype = dtypes.bool
    differentiable = False


@register
class IsNan(UnaryOp):
    kernel = "isnan"
    allowed = "real"
    result_dtype = dtypes.bool
    differentiable = False


@register
class IsInf(UnaryOp):
    kernel = "isinf"
    allowed = "real"
    result_dtype = dtypes.bool
    differentiable = False


# -- comparisons and logic -------------------------------------------------------------------

class _Comparison(BinaryOp):
    allowed = "ordered"
    result_dtype = dtypes.bool
    differentiable = False


@register
class Greater(_Comparison):
    kernel = "greater"


@register
class GreaterEqual(_Comparison):
    kernel = "greater_equal"


@register
class Less(_Comparison):
    kernel = "less"


@register
class LessEqual(_Comparison):
    kernel = "less_equal"


@register
class Equal(_Comparison):
    kernel = "equal"
    allowed = "any"


@register
class NotEqual(_Comparison):
    kernel = "not_equal"
    allowed = "any"


@register
class LogicalAnd(_Comparison):
    kernel = "logical_and"
    allowed = "bool"


@register
class LogicalOr(_Comparison):
    kernel = "logical_or"
    allowed = "bool"


@register
class LogicalNot(UnaryOp):
    kernel = "logical_not"
    allowed = "bool"
    differentiable = False


@register
class Select(OpDef):
    """tf.where(cond, x, y) in TF1: cond has x's shape, or is a vector over x's first axis."""

    def infer(self, cond, x, y):
        if cond.dtype is not dtypes.bool:
            raise TypeError("condition must be a bool tensor, got %s" % cond.dtype.name)
        if x.dtype is not y.dtype:
            raise TypeError("Input 'e' of 'Select' Op has type %s that does not match type %s "
                            "of argument 't'" % (y.dtype.name, x.dtype.name))
        if not x.shape.is_compatible_with(y.shape):
            raise ValueError("Shapes %s and %s are not compatible"
                             % (format_dims(x.shape.as_tuple()), format_dims(y.shape.as_tuple())))
        dims = x.shape.merge_with(y.shape)
        if cond.shape.ndims == 1 and dims.ndims not in (None, 1):
            if not cond.shape[0].is_compatible_with(dims[0]):
                raise ValueError("The condition vector's length %s does not match the first "
                                 "dimension %s" % (cond.shape[0], dims[0]))
        elif not cond.shape.is_compatible_with(dims):
            raise ValueError("Shapes %s and %s are not compatible"
                             % (format_dims(cond.shape.as_tuple()), format_dims(dims.as_tuple())))
        return TensorSpec(dims, x.dtype)

    def compute(self, xp, cond, x, y):
        if cond.ndim == 1 and x.ndim > 1:
            cond = cond.reshape(cond.shape + (1,) * (x.ndim - 1))
        return xp.where(cond, x, y)

    def grad(self, op, dy):
        cond = op.inputs[0]
        zeros = zeros_like(dy)
        return [None, where(cond, dy, zeros), where(cond, zeros, dy)]


def where(condition, x=None, y=None, name=None):
    """tf.where (TF1): elementwise select when x and y are given."""
    if x is None or y is None:
        from minitf.ops.array_ops import where_indices  # noqa: the coordinates form
        return where_indices(condition, name=name)
    cond = convert_to_tensor(condition, dtypes.bool)
    x, y = binary_operands(x, y)
    return _op(Select(), [cond, x, y], name or "Select")


# -- casts -------------------------------------------------------------------------------------

@register
class Cast(OpDef):
    DstT: dtypes.DType
    supports_out = False

    def infer(self, x):
        return TensorSpec(x.shape, self.DstT)

    def compute(self, xp, x):
        return x.astype(self.DstT.as_numpy_dtype)

    def grad(self, op, dy):
        src = op.inputs[0].dtype
        if (src.is_floating or src.is_complex) and (self.DstT.is_floating or self.DstT.is_complex):
            return [cast(dy, src)]
        return [None]


def cast(x, dtype, name=None):
    """tf.cast: converts `x` to `dtype` (no op is added when it already has it)."""
    dtype = dtypes.as_dtype(dtype)
    if isinstance(x, Tensor) and x.dtype is dtype:
        return x
    with name_scope(name, "Cast", [x]) as scope:
        x = convert_to_tensor(x, name="x")  # a Python value is 'Cast/x', as in TF
        if x.dtype is dtype:
            return x
        return _op(Cast(dtype), [x], scope)


# -- sums and reductions ----------------------------------------------------------------------

@register
class AddN(OpDef):
    supports_out = True

    def infer(self, *xs):
        if not xs:
            raise ValueError("add_n needs at least one input")
        dims = xs[0].shape.as_tuple()  # every input's shape merged so far
        for i, x in enumerate(xs):
            if x.dtype is not xs[0].dtype:
                raise TypeError("AddN input %d has type %s, input 0 has %s"
                                % (i, x.dtype.name, xs[0].dtype.name))
            try:
                dims = merge_dims(dims, x.shape.as_tuple())
            except ValueError:
                raise ValueError("Inputs to AddN must have the same shape, got %s and %s"
                                 % (format_dims(dims), format_dims(x.shape.as_tuple()))) from None
        return TensorSpec(dims, xs[0].dtype)

    def compute(self, xp, *xs, out=None):
        first = xs[0].shape
        for i, x in enumerate(xs):
            if x.shape != first:  # numpy would broadcast them
                raise ValueError("Inputs to operation AddN of type AddN must have the same size "
                                 "and shape.  Input 0: %s != input %d: %s"
                                 % (format_dims(first), i, format_dims(x.shape)))
        if len(xs) == 1:
            if out is None:
                return xs[0].copy()
            out[...] = xs[0]
            return out
        out = xp.add(xs[0], xs[1], out=out)
        for x in xs[2:]:
            # 0-d sums come back as numpy scalars, which cannot be out= targets
            out = xp.add(out, x, out=out if getattr(out, "ndim", 0) else None)
        return out

    def grad(self, op, dy):
        return [dy] * len(op.inputs)


def add_n(inputs, name=None):
    """tf.add_n: the elementwise sum of a list of tensors of one shape and dtype."""
    tensors = [convert_to_tensor(x) for x in inputs]
    if len(tensors) == 1 and name is None:
        return tensors[0]
    return _op(AddN(), tensors, name or "AddN")


class Reduction(OpDef):
    """Reduces over static `axis` (None = all). Subclasses set `kernel`."""

    axis: tuple = None
    keepdims: bool = False
    kernel = ""
    supports_out = True
    allowed = "numeric"
    keeps_dtype = False  # pass dtype=: numpy sums small ints in the platform int, TF does not

    def infer(self, x):
        _check_dtype(self.type_name, x.dtype, self.allowed)
        return TensorSpec(reduce_dims(x.shape.as_tuple(), self.axis, self.keepdims), x.dtype)

    def compute(self, xp, x, out=None):
        if x.size == 0:
            fill = self.empty_value(xp, x.dtype)
            if fill is not None:  # numpy raises (max, min) or warns (mean) on empty input
                return xp.full(reduce_dims(x.shape, self.axis, self.keepdims), fill, x.dtype)
        if self.keeps_dtype:
            return getattr(xp, self.kernel)(x, axis=self.axis, dtype=x.dtype,
                                            keepdims=self.keepdims, out=out)
        return getattr(xp, self.kernel)(x, axis=self.axis, keepdims=self.keepdims, out=out)

    def empty_value(self, xp, dtype):
        """What TF gives for a reduction over no elements, where numpy's own result differs
        (None: numpy's is TF's, as 0 for sum and 1 for prod)."""
        return None


def _reduce_axis(axis, reduction_indices):
    if axis is None:
        axis = reduction_indices
    return None if axis is None else tuple(_static_ints(axis, "reduction axes"))


def _keep(keepdims, keep_dims):
    return bool(keep_dims if keepdims is None else keepdims)


def _runtime_axis(axis, reduction_indices):
    """The axis tensor when the reduction axes are a tensor whose value is known only at run
    time (else None: the axes are static and become the op's attribute)."""
    axis = reduction_indices if axis is None else axis
    if isinstance(axis, Tensor) and constant_value(axis) is None:
        array_ops._check_int_dtype(axis, "reduction_indices")
        return axis
    return None


def _reduce(opclass, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    runtime_axis = _runtime_axis(axis, reduction_indices)
    with name_scope(name, opclass.type_name, [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor, name="input")
        if runtime_axis is not None:
            opdef = RuntimeAxisReduction(opclass.type_name, _keep(keepdims, keep_dims))
            return _op(opdef, [x, runtime_axis], scope)
        opdef = opclass(_reduce_axis(axis, reduction_indices), _keep(keepdims, keep_dims))
        return _op(opdef, [x], scope)


def _restore_reduced_dims(dy, x, axis, keepdims):
    """dy of a reduction, with the reduced axes put back as size-1 dims (for broadcasting)."""
    if keepdims or axis is None:
        return dy
    rank = x.shape.ndims
    axes = normalize_axis(axis, rank)
    if axes is None:
        raise ValueError("The gradient of a reduction over negative axes needs the input's rank")
    for a in axes:
        dy = expand_dims(dy, a)
    return dy


@register
class Sum(Reduction):
    kernel = "sum"
    keeps_dtype = True

    def grad(self, op, dy):
        (x,) = op.inputs
        dy = _restore_reduced_dims(dy, x, self.axis, self.keepdims)
        return [broadcast_to(dy, shape(x))]


@register
class Mean(Reduction):
    """The mean; for integers, the sum divided by the count in integer arithmetic, truncated
    toward zero as TF's kernel does (mean([1, 2]) is 1, mean([-1, -2]) is -1)."""

    kernel = "mean"

    def compute(self, xp, x, out=None):
        if x.dtype.kind not in "iu":
            return super().compute(xp, x, out=out)
        wide = xp.uint64 if x.dtype.kind == "u" else xp.int64  # TF's sum does not wrap here
        total = xp.sum(x, axis=self.axis, dtype=wide, keepdims=self.keepdims)
        count = x.size // max(total.size, 1)
        if count == 0:
            return xp.zeros(total.shape, x.dtype)
        quotient = xp.abs(total) // count
        return (xp.where(total < 0, -quotient, quotient)).astype(x.dtype)

    def empty_value(self, xp, dtype):
        return xp.nan  # 0 / 0, as TF

    def grad(self, op, dy):
        (x,) = op.inputs
        y = op.outputs[0]
        # The count is divided in integers, then cast (TF's _safe_shape_div): casting size(x)
        # first overflows float16 beyond 65504 elements.
        count = cast(floordiv(size(x), maximum(size(y), 1)), x.dtype)
        dy = _restore_reduced_dims(dy, x, self.axis, self.keepdims)
        return [broadcast_to(dy / count, shape(x))]


class _MaxMinReduction(Reduction):
    allowed = "ordered"

    def grad(self, op, dy):
        # TF's rule: the gradient is shared equally among the entries that attain the extreme.
        (x,) = op.inputs
        y = _restore_reduced_dims(op.outputs[0], x, self.axis, self.keepdims)
        dy = _restore_reduced_dims(dy, x, self.axis, self.keepdims)
        hits = cast(equal(y, x), x.dtype)
        count = reduce_sum(hits, self.axis, keepdims=True)
        return [hits / count * dy]


@register
class Max(_MaxMinReduction):
    kernel = "max"

    def empty_value(self, xp, dtype):
        return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min  # TF's identities


@register
class Min(_MaxMinReduction):
    kernel = "min"

    def empty_value(self, xp, dtype):
        return xp.inf if dtype.kind == "f" else xp.iinfo(dtype).max


@register
class Prod(Reduction):
    kernel = "prod"
    keeps_dtype = True

    def grad(self, op, dy):
        # d prod / d x_i is the product of all the other entries: built from exclusive cumulative
        # products from both ends, so zeros in x need no division (TF's approach). Several axes
        # are peeled one at a time: the others along axis a, times the others of the partial
        # product over the remaining axes.
        (x,) = op.inputs
        if self.axis == ():  # axis=[] reduces nothing: the op is the identity
            return [dy]
        dy = _restore_reduced_dims(dy, x, self.axis, self.keepdims)
        if self.axis is None:
            flat = reshape(x, [-1])
            others = reshape(_exclusive_product(flat, 0), shape(x))
            return [others * dy]
        axes = normalize_axis(self.axis, x.shape.ndims)
        if axes is None:
            raise ValueError("The gradient of a reduction over negative axes needs the input's rank")
        others, partial = None, x
        for a in axes:
            excluded = _exclusive_product(partial, a)
            others = excluded if others is None else others * excluded
            partial = reduce_prod(partial, a, keepdims=True)
        return [others * dy]


def _exclusive_product(x, axis):
    return cumprod(x, axis, exclusive=True) * cumprod(x, axis, exclusive=True, reverse=True)


@register
class Any(Reduction):
    kernel = "any"
    allowed = "bool"
    differentiable = False


@register
class All(Reduction):
    kernel = "all"
    allowed = "bool"
    differentiable = False


@register
class RuntimeAxisReduction(OpDef):
    """A reduction (`kind`: Sum, Mean, Max, Min, Prod, Any or All) over axes given as a second
    input whose value is known only at run time (the axes of the static classes above are
    attributes). One class for all kinds: the kernel is the static class's, built per run with
    the run's axes, so empty inputs, integer means and dtypes behave exactly alike. Exported to
    a GraphDef as TF's own `kind` op with the axes as its `reduction_indices` input."""

    kind: str = "Sum"
    keepdims: bool = False

    def _static(self, axes=None):
        return lookup(self.kind)(axes, self.keepdims)

    @property
    def differentiable(self):
        return self.kind not in ("Any", "All")

    def infer(self, x, axis):
        static = self._static()
        _check_dtype(self.kind, x.dtype, static.allowed)
        if axis.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError("Value passed to parameter 'reduction_indices' has DataType %s not "
                            "in list of allowed values: int32, int64" % axis.dtype.name)
        if axis.shape.rank is not None and axis.shape.rank > 1:
            raise ValueError("%s: the reduction axes must be a scalar or a vector, got shape %s"
                             % (self.kind, format_dims(axis.shape.as_tuple())))
        rank = x.shape.rank
        dims = (None,) * rank if self.keepdims and rank is not None else None
        return TensorSpec(dims, x.dtype)

    def compute(self, xp, x, axis):
        rank, axes = x.ndim, []
        for a in axis.reshape(-1).tolist():
            if not -rank <= a < max(rank, 1):
                raise errors.InvalidArgumentError(
                    None, None, "Invalid reduction dimension (%d for input with %d dimension(s)"
                    % (a, rank))
            a = a % rank if rank else 0
            if a in axes:
                raise errors.InvalidArgumentError(
                    None, None, "Invalid reduction arguments: Axes contains duplicate "
                    "dimension: %d" % a)
            axes.append(a)
        return self._static(tuple(axes)).compute(xp, x)

    def tf_form(self, op):
        x, axis = op.inputs
        attrs = {"keep_dims": self.keepdims, "Tidx": axis.dtype}
        if self.kind not in ("Any", "All"):
            attrs["T"] = x.dtype
        return self.kind, attrs

    def grad(self, op, dy):
        x, axis = op.inputs
        y = op.outputs[0]
        # dy and y with the reduced axes put back as size-1 dims, from the run's axes and shape.
        keep = _reduced_shape(shape(x), axis)
        dy = reshape(dy, keep)
        if self.kind == "Sum":
            dx = broadcast_to(dy, shape(x))
        elif self.kind == "Mean":
            count = cast(floordiv(size(x), maximum(size(y), 1)), x.dtype)
            dx = broadcast_to(dy / count, shape(x))
        elif self.kind in ("Max", "Min"):
            hits = cast(equal(reshape(y, keep), x), x.dtype)
            dx = hits / reduce_sum(hits, axis, keepdims=True) * dy
        else:  # Prod: the product of the other entries of each group, exact with zeros in x
            is_zero = equal(x, zeros_like(x))
            zeros = reduce_sum(cast(is_zero, dtypes.int32), axis, keepdims=True)
            nonzero_product = reduce_prod(where(is_zero, ones_like(x), x), axis, keepdims=True)
            safe_x = where(is_zero, ones_like(x), x)
            others = where(equal(zeros, 0), nonzero_product / safe_x,
                           where(logical_and(is_zero, equal(zeros, 1)),
                                 broadcast_to(nonzero_product, shape(x)), zeros_like(x)))
            dx = others * dy
        return [dx, None]


def _reduced_shape(input_shape, axis):
    """The shape `input_shape` has after a keepdims reduction over `axis` (tensors; TF's
    reduced_shape): 1 on the reduced axes, the input's size elsewhere."""
    rank = size(input_shape)
    axes = floormod(reshape(cast(axis, dtypes.int32), [1, -1]), rank)
    reduced = reduce_any(equal(reshape(range(rank), [-1, 1]), axes), axis=1)
    return where(reduced, ones_like(input_shape), input_shape)


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_sum: the sum over `axis` (all axes when None)."""
    return _reduce(Sum, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """tf.reduce_mean: the mean over `axis` (all axes when None); integer means truncate
    toward zero, as TF's."""
    return _reduce(Mean, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_max: the maximum over `axis`; ties share the gradient equally."""
    return _reduce(Max, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_min: the minimum over `axis`; ties share the gradient equally."""
    return _reduce(Min, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """tf.reduce_prod: the product over `axis` (all axes when None)."""
    return _reduce(Prod, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_any: logical or over `axis` of a bool tensor."""
    return _reduce(Any, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_all(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_all: logical and over `axis` of a bool tensor."""
    return _reduce(All, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                     keep_dims=None):
    """tf.reduce_logsumexp: log(sum(exp(x))) over `axis`, computed as TF does it: the maximum
    (where finite) is subtracted first and added back, behind a stop_gradient."""
    keepdims = _keep(keepdims, keep_dims)
    runtime_axis = _runtime_axis(axis, reduction_indices)
    axis = _reduce_axis(axis, reduction_indices) if runtime_axis is None else runtime_axis
    with name_scope(name, "ReduceLogSumExp", [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor)
        raw_max = reduce_max(x, axis, keepdims=True)
        my_max = stop_gradient(where(is_finite(raw_max), raw_max, zeros_like(raw_max)))
        result = log(reduce_sum(exp(x - my_max), axis, keepdims=keepdims))
        if not keepdims:
            my_max = reshape(my_max, shape(result))
        return add(result, my_max, name=scope)


class _ArgReduction(OpDef):
    axis: int = 0
    output_type: dtypes.DType = dtypes.int64
    differentiable = False
    kernel = ""

    def infer(self, x):
        _check_dtype(self.type_name, x.dtype, "ordered")
        if self.output_type not in (dtypes.int32, dtypes.int64):
            raise TypeError("output_type must be int32 or int64, got %s" % self.output_type.name)
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, self.output_type)
        if not dims:
            raise ValueError("%s needs an input of rank >= 1, got a scalar" % self.type_name)
        (axis,) = normalize_axis(self.axis, len(dims), "%s axis" % self.type_name)
        return TensorSpec(dims[:axis] + dims[axis + 1:], self.output_type)

    def compute(self, xp, x):
        return getattr(xp, self.kernel)(x, axis=self.axis).astype(self.output_type.as_numpy_dtype)


@register
class ArgMax(_ArgReduction):
    kernel = "argmax"


@register
class ArgMin(_ArgReduction):
    kernel = "argmin"


def arg_max(input, dimension, name=None, output_type=dtypes.int64):
    """tf.arg_max: TF1's older spelling of tf.argmax (the axis is `dimension`)."""
    return argmax(input, axis=dimension, name=name, output_type=output_type)


def arg_min(input, dimension, name=None, output_type=dtypes.int64):
    """tf.arg_min: TF1's older spelling of tf.argmin (the axis is `dimension`)."""
    return argmin(input, axis=dimension, name=name, output_type=output_type)


def count_nonzero(input_tensor, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None):
    """tf.count_nonzero: the number of entries not equal to zero over `axis`, as `dtype`."""
    with name_scope(name, "count_nonzero", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        zero = array_ops.zeros([], dtype=x.dtype)
        return cast(reduce_sum(cast(not_equal(x, zero), dtypes.int64), axis=axis,
                               keepdims=keepdims, reduction_indices=reduction_indices,
                               keep_dims=keep_dims), dtype=dtype)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """tf.math.reduce_variance: the mean squared deviation from the mean over `axis`."""
    with name_scope(name, "reduce_variance", [input_tensor]):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        mean = reduce_mean(x, axis=axis, keepdims=True)
        return reduce_mean(squared_difference(x, mean), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """tf.math.reduce_std: the square root of reduce_variance."""
    with name_scope(name, "reduce_std", [input_tensor]):
        return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def _arg_reduction(opclass, input, axis, name, dimension, output_type):
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    axis = dimension if axis is None else axis
    axis = 0 if axis is None else _static_int(axis, "the axis of %s" % opclass.type_name)
    with name_scope(name, opclass.type_name, [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return _op(opclass(axis, dtypes.as_dtype(output_type)), [x], scope)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):
    """tf.argmax: the index of the largest entry along `axis` (default 0); the first on ties."""
    return _arg_reduction(ArgMax, input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):
    """tf.argmin: the index of the smallest entry along `axis` (default 0); the first on ties."""
    return _arg_reduction(ArgMin, input, axis, name, dimension, output_type)


# -- scans -------------------------------------------------------------------------------------

class _Scan(OpDef):
    """Cumulative sum / product along a static axis; `exclusive` shifts in the identity,
    `reverse` scans from the end."""

    axis: int = 0
    exclusive: bool = False
    reverse: bool = False
    kernel = ""
    identity = 0

    def infer(self, x):
        _check_dtype(self.type_name, x.dtype, "numeric")
        rank = x.shape.ndims
        if rank is not None:
            if rank == 0:
                raise ValueError("%s needs an input of rank >= 1, got a scalar" % self.type_name)
            normalize_axis(self.axis, rank, "%s axis" % self.type_name)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        axis = self.axis % x.ndim
        if self.reverse:
            x = xp.flip(x, axis)
        y = getattr(xp, self.kernel)(x, axis=axis, dtype=x.dtype)
        if self.exclusive:
            y = xp.roll(y, 1, axis=axis)
            y[(slice(None),) * axis + (slice(0, 1),)] = self.identity
        return xp.flip(y, axis) if self.reverse else y


@register
class Cumsum(_Scan):
    kernel = "cumsum"

    def grad(self, op, dy):
        return [cumsum(dy, self.axis, exclusive=self.exclusive, reverse=not self.reverse)]


@register
class Cumprod(_Scan):
    kernel = "cumprod"
    identity = 1

    def grad(self, op, dy):
        # TF's rule (it divides by x, so it is 0, not the true value, where x is 0).
        (x,) = op.inputs
        prods = cumprod(x, self.axis, exclusive=self.exclusive, reverse=self.reverse)
        sums = cumsum(prods * dy, self.axis, exclusive=self.exclusive, reverse=not self.reverse)
        return [div_no_nan(sums, x)]


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumsum: running sums along `axis`."""
    x = convert_to_tensor(x)
    opdef = Cumsum(_static_int(axis, "cumsum's axis"), bool(exclusive), bool(reverse))
    return _op(opdef, [x], name or "Cumsum")


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumprod: running products along `axis`."""
    x = convert_to_tensor(x)
    opdef = Cumprod(_static_int(axis, "cumprod's axis"), bool(exclusive), bool(reverse))
    return _op(opdef, [x], name or "Cumprod")


# -- matrix products ---------------------------------------------------------------------------

def _check_same_dtype(op_type, a, b, names=("a", "b")):
    if a.dtype is not b.dtype:
        raise TypeError("Input '%s' of '%s' Op has type %s that does not match type %s of "
                        "argument '%s'" % (names[1], op_type, b.dtype.name, a.dtype.name, names[0]))
    _check_dtype(op_type, a.dtype, "numeric")


def _check_inner_dims(ka, kb):
    if ka is not None and kb is not None and ka != kb:
        raise ValueError("Dimensions must be equal, but are %d and %d" % (ka, kb))


def _matmul_grads(a, b, dy, ta, tb):
    """TF's gradients of a @ b for the transpose (adjoint) flags ta, tb of either MatMul op."""
    if not ta and not tb:
        return matmul(dy, b, transpose_b=True), matmul(a, dy, transpose_a=True)
    if not ta and tb:
        return matmul(dy, b), matmul(dy, a, transpose_a=True)
    if ta and not tb:
        return matmul(b, dy, transpose_b=True), matmul(a, dy)
    return (matmul(b, dy, transpose_a=True, transpose_b=True),
            matmul(dy, a, transpose_a=True, transpose_b=True))


@register
class MatMul(OpDef):
    transpose_a: bool = False
    transpose_b: bool = False
    supports_out = True

    def infer(self, a, b):
        _check_same_dtype("MatMul", a, b)
        da, db = a.shape.as_tuple(), b.shape.as_tuple()
        for name, d in (("a", da), ("b", db)):
            if d is not None and len(d) != 2:
                raise ValueError("Shape must be rank 2 but is rank %d (input '%s'); use "
                                 "tf.matmul for batched products of rank 3 and more" % (len(d), name))
        da = da or (None, None)
        db = db or (None, None)
        m, ka = (da[1], da[0]) if self.transpose_a else da
        kb, n = (db[1], db[0]) if self.transpose_b else db
        _check_inner_dims(ka, kb)
        return TensorSpec((m, n), a.dtype)

    def compute(self, xp, a, b, out=None):
        a = a.T if self.transpose_a else a
        b = b.T if self.transpose_b else b
        _check_contraction(a, b)
        return xp.matmul(a, b, out=out)

    def grad(self, op, dy):
        a, b = op.inputs
        return list(_matmul_grads(a, b, dy, self.transpose_a, self.transpose_b))


@register
class BatchMatMulV2(OpDef):
    """Matrix products over the last two axes; the leading (batch) axes broadcast."""

    adj_x: bool = False
    adj_y: bool = False
    supports_out = True

    def infer(self, x, y):
        _check_same_dtype("BatchMatMulV2", x, y, ("x", "y"))
        dx, dy = x.shape.as_tuple(), y.shape.as_tuple()
        for name, d in (("x", dx), ("y", dy)):
            if d is not None and len(d) < 2:
                raise ValueError("Shape must be at least rank 2 but is rank %d (input '%s')"
                                 % (len(d), name))
        if dx is None or dy is None:
            return TensorSpec(None, x.dtype)
        m, k = (dx[-1], dx[-2]) if self.adj_x else dx[-2:]
        k2, n = (dy[-1], dy[-2]) if self.adj_y else dy[-2:]
        _check_inner_dims(k, k2)
        return TensorSpec(broadcast_dims(dx[:-2], dy[:-2]) + (m, n), x.dtype)

    def compute(self, xp, x, y, out=None):
        x = xp.swapaxes(x, -1, -2) if self.adj_x else x
        y = xp.swapaxes(y, -1, -2) if self.adj_y else y
        _check_contraction(x, y)
        return xp.matmul(x, y, out=out)

    def grad(self, op, dz):
        x, y = op.inputs
        gx, gy = _matmul_grads(x, y, dz, self.adj_x, self.adj_y)
        return [sum_to(gx, x), sum_to(gy, y)]


def _check_contraction(a, b):
    """TF's run-time message for matrices that do not fit (numpy's gufunc text is cryptic)."""
    if a.shape[-1] != b.shape[-2]:
        raise ValueError("Matrix size-incompatible: In[0]: %s, In[1]: %s: the last dimension "
                         "of the first (%d) must equal the second-to-last of the second (%d)"
                         % (list(a.shape), list(b.shape), a.shape[-1], b.shape[-2]))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """tf.matmul: MatMul for two matrices; BatchMatMulV2 (batch axes broadcast) when either
    input has rank > 2 or an unknown rank, as TF1. Adjoints are transposes (real dtypes)."""
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    with name_scope(name, "MatMul", [a, b]) as scope:
        a, b = binary_operands(a, b, names=("a", "b"))
        ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
        ranks = (a.shape.ndims, b.shape.ndims)
        if None in ranks or builtins.max(ranks) > 2:
            return _op(BatchMatMulV2(ta, tb), [a, b], scope)
        return _op(MatMul(ta, tb), [a, b], scope)


def _einsum_tokens(subscripts):
    """'...ij' -> ['...', 'i', 'j']: the ellipsis is one token and may only lead."""
    lead = subscripts.startswith("...")
    rest = subscripts[3:] if lead else subscripts
    if not builtins.all(c.isalpha() for c in rest):
        raise ValueError("Invalid einsum subscripts %r: use letters, and '...' only at the start"
                         % subscripts)
    if len(set(rest)) != len(rest):
        raise ValueError("minitf's einsum does not take diagonals: subscript %r repeats a label"
                         % subscripts)
    return (["..."] if lead else []) + list(rest)


def _einsum_split(equation):
    lhs, _, rhs = equation.partition("->")
    return [_einsum_tokens(s) for s in lhs.split(",")], _einsum_tokens(rhs)


def _einsum_equation(equation, n):
    """The explicit form 'ij,jk->ik' of `equation`, checked against `n` operands."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    subs = lhs.split(",")
    if len(subs) != n:
        raise ValueError("The einsum equation %r names %d operands, but %d tensors were given"
                         % (equation, len(subs), n))
    tokens = [_einsum_tokens(s) for s in subs]
    ellipsis = builtins.any(t[:1] == ["..."] for t in tokens)
    if not arrow:  # implicit output: the labels used once, sorted, after the ellipsis (numpy's rule)
        counts = collections.Counter(c for t in tokens for c in t if c != "...")
        rhs = ("..." if ellipsis else "") + "".join(sorted(c for c, k in counts.items() if k == 1))
    out = _einsum_tokens(rhs)
    labels = {c for t in tokens for c in t}
    for c in out:
        if c not in labels:
            raise ValueError("Output subscript %r of einsum %r appears in no input" % (c, equation))
    if ellipsis and out[:1] != ["..."]:
        raise ValueError("The output of einsum %r must keep '...' (minitf does not sum over "
                         "broadcast axes)" % equation)
    return ",".join(subs) + "->" + rhs


@register
class Einsum(OpDef):
    """One einsum; the gradient for each operand is an einsum of the output gradient with the
    other operands (plus ones_like(x) when x has a label no other term carries)."""

    equation: str
    fresh_output = False  # a one-operand einsum ('ij->ji') returns a view of its input

    def infer(self, *xs):
        ins, out = _einsum_split(self.equation)
        for i, x in enumerate(xs[1:], 1):
            _check_same_dtype("Einsum", xs[0], x, ("inputs[0]", "inputs[%d]" % i))
        label_dims, ellipsis_dims = {}, ()
        for i, (x, sub) in enumerate(zip(xs, ins)):
            dims = x.shape.as_tuple()
            labels = [c for c in sub if c != "..."]
            if dims is None:
                ellipsis_dims = None if sub[:1] == ["..."] else ellipsis_dims
                continue
            n_ellipsis = len(dims) - len(labels)
            if n_ellipsis < 0 or (n_ellipsis and sub[:1] != ["..."]):
                raise ValueError("Input %d of einsum has rank %d, which does not match its "
                                 "subscripts '%s'" % (i, len(dims), "".join(sub)))
            if ellipsis_dims is not None and sub[:1] == ["..."]:
                ellipsis_dims = broadcast_dims(ellipsis_dims, dims[:n_ellipsis])
            for c, d in zip(labels, dims[n_ellipsis:]):
                known = label_dims.get(c)
                if d is not None and known is not None and d != known:
                    raise ValueError("Dimensions must be equal for einsum subscript '%s', but "
                                     "are %d and %d" % (c, known, d))
                label_dims[c] = known if known is not None else d
        if out[:1] == ["..."] and ellipsis_dims is None:
            return TensorSpec(None, xs[0].dtype)
        lead = ellipsis_dims if out[:1] == ["..."] else ()
        return TensorSpec(lead + tuple(label_dims.get(c) for c in out if c != "..."),
                          xs[0].dtype)

    def compute(self, xp, *xs):
        return xp.einsum(self.equation, *xs, optimize=True)

    def grad(self, op, dy):
        ins, out = _einsum_split(self.equation)
        batched = out[:1] == ["..."]
        grads = []
        for k, x in enumerate(op.inputs):
            terms = [out] + [s for j, s in enumerate(ins) if j != k]
            operands = [dy] + [t for j, t in enumerate(op.inputs) if j != k]
            if set(ins[k]) - {c for t in terms for c in t}:
                terms.append(ins[k])
                operands.append(ones_like(x))
            target = (["..."] if batched else []) + [c for c in ins[k] if c != "..."]
            equation = ",".join("".join(t) for t in terms) + "->" + "".join(target)
            g = _op(Einsum(equation), operands, "Einsum")
            grads.append(sum_to(g, x) if batched else g)
        return grads


def einsum(equation, *inputs, **kwargs):
    """tf.einsum: one Einsum op for subscripts like 'ij,jk->ik', 'bij,bjk->bik', 'ij->ji' or
    '...ij,...jk->...ik' (leading ellipsis); repeated labels within an operand (diagonals) are
    not supported. Takes `name=` as a keyword."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("Invalid keyword arguments for einsum: %s" % ", ".join(kwargs))
    with name_scope(name, "einsum", list(inputs)):
        tensors = [convert_to_tensor(x) for x in inputs]
        return _op(Einsum(_einsum_equation(equation, len(tensors))), tensors, "Einsum")


def tensordot(a, b, axes, name=None):
    """tf.tensordot: sums a's `axes[0]` against b's `axes[1]` (or a's last `axes` axes against
    b's first), composed as TF does it: transpose, reshape to matrices, matmul, reshape."""
    with name_scope(name, "Tensordot", [a, b]) as scope:
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b")
        a_axes, b_axes = _tensordot_axes(a, b, axes)
        a_matrix, a_free = _tensordot_reshape(a, a_axes, flipped=False)
        b_matrix, b_free = _tensordot_reshape(b, b_axes, flipped=True)
        product = matmul(a_matrix, b_matrix)
        dims = a_free[1] + b_free[1]
        if product.shape.is_fully_defined() and product.shape.as_list() == dims:
            return product
        if sum(d is None for d in dims) <= 1:
            return reshape(product, [-1 if d is None else d for d in dims], name=scope)
        free_shape = array_ops.concat([_sizes(a, a_free[0]), _sizes(b, b_free[0])], 0)
        result = reshape(product, free_shape, name=scope)
        result.set_shape(dims)
        return result


def _tensordot_axes(a, b, axes):
    if isinstance(axes, Tensor):
        axes = constant_value(axes)
        if axes is None:
            raise ValueError("minitf's tensordot needs `axes` known when the graph is built")
        axes = axes.tolist()
    if isinstance(axes, (int, np.integer)):
        axes = int(axes)
        if axes < 0:
            raise ValueError("'axes' must be at least 0.")
        rank = a.shape.ndims
        if rank is None:
            raise ValueError("minitf's tensordot needs the rank of %s" % a.name)
        if axes > rank:
            raise ValueError("'axes' must not be larger than the number of dimensions of tensor "
                             "%s." % a.name)
        return list(builtins.range(rank - axes, rank)), list(builtins.range(axes))
    if len(axes) != 2:
        raise ValueError("'axes' must be an integer or have length 2.")
    a_axes, b_axes = ([x] if isinstance(x, (int, np.integer)) else list(x) for x in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError("Different number of contraction axes 'a' and 'b', %d != %d."
                         % (len(a_axes), len(b_axes)))
    return [int(x) for x in a_axes], [int(x) for x in b_axes]


def _tensordot_reshape(a, axes, flipped):
    """`a` transposed and reshaped to a matrix with the contracted axes last (first when
    flipped); also (free axes, their static dims)."""
    rank = a.shape.ndims
    if rank is None:
        raise ValueError("minitf's tensordot needs the rank of %s" % a.name)
    for x in axes:
        if not -rank <= x < rank:
            raise ValueError("tensordot axis %d is out of range for %s of rank %d"
                             % (x, a.name, rank))
    axes = [x % rank for x in axes]
    free = [i for i in builtins.range(rank) if i not in axes]
    dims = a.shape.as_tuple()
    free_dims = [dims[i] for i in free]
    prod_free = num_elements(free_dims)
    prod_axes = num_elements([dims[i] for i in axes])
    perm = axes + free if flipped else free + axes
    if perm != list(builtins.range(rank)):
        a = array_ops.transpose(a, perm)
    new_shape = [prod_axes, prod_free] if flipped else [prod_free, prod_axes]
    if a.shape.as_tuple() == tuple(new_shape) and None not in new_shape:
        return a, (free, free_dims)
    if None not in new_shape or new_shape.count(None) == 1:
        return reshape(a, [-1 if d is None else d for d in new_shape]), (free, free_dims)
    n_free = reduce_prod(_sizes(a, builtins.range(len(axes), rank) if flipped
                                else builtins.range(len(free))))
    target = array_ops.stack([-1, n_free] if flipped else [n_free, -1])
    return reshape(a, target), (free, free_dims)


def _sizes(t, axes):
    """The runtime sizes of `t` along `axes`, as a 1-D int32 tensor."""
    return array_ops.gather(shape(t), np.asarray(list(axes), np.int32))


# -- sequences -----------------------------------------------------------------------------------

def _range_length(xp, start, limit, delta):
    """How many values arange(start, limit, delta) has, computed in the values' own dtype (as
    TF does), shared by inference and the kernel so the static shape is the runtime one."""
    return int(xp.ceil((limit - start) / delta).item())


@register
class Range(OpDef):
    differentiable = False

    def infer(self, start, limit, delta):
        for what, t in (("start", start), ("limit", limit), ("delta", delta)):
            if t.shape.ndims not in (None, 0):
                raise ValueError("%s must be a scalar, not shape %s" % (what, t.shape))
            if t.dtype is not start.dtype:
                raise TypeError("Range's %s has type %s, start has %s"
                                % (what, t.dtype.name, start.dtype.name))
        _check_dtype("Range", start.dtype, "ordered")
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
        return _op(Range(), args, scope)


@register
class LinSpace(OpDef):
    differentiable = False  # TF registers none

    def infer(self, start, stop, num):
        _check_dtype("LinSpace", start.dtype, "real")
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
        return _op(LinSpace(), [start, stop, num], scope)


# -- top_k ---------------------------------------------------------------------------------------

TopKResult = collections.namedtuple("TopKV2", ["values", "indices"])


@register
class TopKV2(OpDef):
    """The k largest entries along the last axis, in decreasing order (ties: lower index first)."""

    k: int
    sorted: bool = True

    def infer(self, x):
        _check_dtype("TopKV2", x.dtype, "ordered")
        if self.k < 0:
            raise ValueError("Need k >= 0, got %d" % self.k)
        dims = x.shape.as_tuple()
        if dims is None:
            return [TensorSpec(None, x.dtype), TensorSpec(None, dtypes.int32)]
        if not dims:
            raise ValueError("input must be at least rank 1 but is rank 0")
        if dims[-1] is not None and dims[-1] < self.k:
            raise ValueError("input must have last dimension >= k = %d but is %d"
                             % (self.k, dims[-1]))
        out = dims[:-1] + (self.k,)
        return [TensorSpec(out, x.dtype), TensorSpec(out, dtypes.int32)]

    def compute(self, xp, x):
        # A stable ascending sort of the reversed row, read backwards, orders ties by index.
        n = x.shape[-1]
        if n < self.k:
            raise ValueError("input must have at least k columns. Had %d, needed %d"
                             % (n, self.k))
        order = xp.argsort(xp.flip(x, -1), axis=-1, kind="stable")
        indices = (n - 1 - xp.flip(order, -1)[..., :self.k]).astype(xp.int32)
        return xp.take_along_axis(x, indices, axis=-1), indices

    def grad(self, op, dvalues, dindices):
        # Scatters dvalues back to the chosen positions: a [..., k, n] mask of which position
        # each value came from, so the rule is linear in dvalues and differentiable again.
        x = op.inputs[0]
        indices = op.outputs[1]
        positions = cumsum(ones_like(x, dtype=dtypes.int32), -1, exclusive=True)
        hits = cast(equal(expand_dims(indices, -1), expand_dims(positions, -2)), x.dtype)
        return [reduce_sum(expand_dims(dvalues, -1) * hits, axis=-2)]


def top_k(input, k=1, sorted=True, name=None):
    """tf.nn.top_k: (values, indices) of the k largest entries of each last-axis row."""
    x = convert_to_tensor(input)
    k = _static_int(k, "top_k's k")
    values, indices = get_default_graph().create_op(
        TopKV2(k, bool(sorted)), [x], name=name or "TopKV2").outputs
    return TopKResult(values, indices)


# -- public elementwise functions -------------------------------------------------------------

def _binary(opdef, x, y, name, default):
    with name_scope(name, default, [x, y]) as scope:
        x, y = binary_operands(x, y)
        return _op(opdef, [x, y], scope)


def _unary(opdef, x, name, default):
    with name_scope(name, default, [x]) as scope:
        return _op(opdef, [convert_to_tensor(x, name="x")], scope)


def add(x, y, name=None):
    """tf.add: x + y with broadcasting."""
    return _binary(Add(), x, y, name, "Add")


def subtract(x, y, name=None):
    """tf.subtract: x - y with broadcasting."""
    return _binary(Sub(), x, y, name, "Sub")


def multiply(x, y, name=None):
    """tf.multiply: x * y with broadcasting."""
    return _binary(Mul(), x, y, name, "Mul")


def truediv(x, y, name=None):
    """x / y; integer inputs are cast to float (int32 -> float64), as TF1 does."""
    with name_scope(name, "truediv", [x, y]) as scope:
        x, y = binary_operands(x, y)
        if x.dtype.is_integer:
            target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
            x, y = cast(x, target), cast(y, target)
        return _op(RealDiv(), [x, y], scope)


def divide(x, y, name=None):
    """tf.divide: true division (as `/`)."""
    return truediv(x, y, name=name or "truediv")


def realdiv(x, y, name=None):
    """tf.realdiv: x / y for floating-point inputs (no casting)."""
    return _binary(RealDiv(), x, y, name, "RealDiv")


def div(x, y, name=None):
    """tf.div (TF1's Python 2 division): floor division for integers, true for floats."""
    with name_scope(name, "div", [x, y]) as scope:
        x, y = binary_operands(x, y)
        opdef = RealDiv() if (x.dtype.is_floating or x.dtype.is_complex) else FloorDiv()
        return _op(opdef, [x, y], scope)


def div_no_nan(x, y, name=None):
    """tf.div_no_nan: x / y, and 0 where y is 0 (also in the gradient)."""
    return _binary(DivNoNan(), x, y, name, "div_no_nan")


def floordiv(x, y, name=None):
    """tf.floordiv (the `//` operator): floor(x / y), for integers and floats."""
    return _binary(FloorDiv(), x, y, name, "floordiv")


def floormod(x, y, name=None):
    """tf.floormod (the `%` operator): x - floor(x / y) * y, with the sign of y."""
    return _binary(FloorMod(), x, y, name, "FloorMod")


def truncatediv(x, y, name=None):
    """tf.truncatediv: x / y rounded toward zero for integers (C semantics: -7 / 5 = -1), the
    true quotient for floats."""
    return _binary(TruncateDiv(), x, y, name, "TruncateDiv")


def truncatemod(x, y, name=None):
    """tf.truncatemod: the remainder of truncated division (C's fmod: the sign of x)."""
    return _binary(TruncateMod(), x, y, name, "TruncateMod")


def mod(x, y, name=None):
    """tf.mod: TF1's other public name for floormod."""
    return floormod(x, y, name=name)


def pow(x, y, name=None):  # noqa: A001 - TF's public name
    """tf.pow: x ** y with broadcasting."""
    return _binary(Pow(), x, y, name, "Pow")


def maximum(x, y, name=None):
    """tf.maximum: the elementwise larger value; the gradient goes to x on ties."""
    return _binary(Maximum(), x, y, name, "Maximum")


def minimum(x, y, name=None):
    """tf.minimum: the elementwise smaller value; the gradient goes to x on ties."""
    return _binary(Minimum(), x, y, name, "Minimum")


def squared_difference(x, y, name=None):
    """tf.squared_difference: (x - y) ** 2 in one op."""
    return _binary(SquaredDifference(), x, y, name, "SquaredDifference")


def atan2(y, x, name=None):
    """tf.atan2(y, x): the angle of the point (x, y), in [-pi, pi]."""
    return _binary(Atan2(), y, x, name, "Atan2")


def scalar_mul(scalar, x, name=None):
    """tf.scalar_mul: a 0-D `scalar` (converted to x's dtype) times x."""
    x = convert_to_tensor(x)
    scalar = convert_to_tensor(scalar, dtype=None if _is_tensorish(scalar) else x.dtype,
                               name="scalar")
    if scalar.shape.ndims != 0:
        raise ValueError("The input scalar must be a 0-D value. Received shape %s."
                         % scalar.shape)
    return _binary(Mul(), scalar, x, name, "Mul")


def negative(x, name=None):
    """tf.negative: -x."""
    return _unary(Neg(), x, name, "Neg")


def square(x, name=None):
    """tf.square: x * x."""
    return _unary(Square(), x, name, "Square")


def exp(x, name=None):
    """tf.exp: e ** x."""
    return _unary(Exp(), x, name, "Exp")


def log(x, name=None):
    """tf.log: the natural logarithm."""
    return _unary(Log(), x, name, "Log")


def log1p(x, name=None):
    """tf.log1p: log(1 + x), accurate for small x."""
    return _unary(Log1p(), x, name, "Log1p")


def expm1(x, name=None):
    """tf.expm1: exp(x) - 1, accurate for small x."""
    return _unary(Expm1(), x, name, "Expm1")


def sqrt(x, name=None):
    """tf.sqrt: the square root."""
    return _unary(Sqrt(), x, name, "Sqrt")


def rsqrt(x, name=None):
    """tf.rsqrt: 1 / sqrt(x)."""
    return _unary(Rsqrt(), x, name, "Rsqrt")


def reciprocal(x, name=None):
    """tf.reciprocal: 1 / x."""
    return _unary(Reciprocal(), x, name, "Reciprocal")


def abs(x, name=None):  # noqa: A001 - TF's public name
    """tf.abs (and the abs() builtin on a Tensor): |x|; for complex x the magnitude, in the
    real dtype of the same precision (op ComplexAbs)."""
    x = convert_to_tensor(x)
    if x.dtype.is_complex:
        return _unary(ComplexAbs(x.dtype.real_dtype), x, name, "Abs")
    return _unary(Abs(), x, name, "Abs")


def sign(x, name=None):
    """tf.sign: -1, 0 or 1; its gradient is zero."""
    return _unary(Sign(), x, name, "Sign")


def sin(x, name=None):
    """tf.sin."""
    return _unary(Sin(), x, name, "Sin")


def cos(x, name=None):
    """tf.cos."""
    return _unary(Cos(), x, name, "Cos")


def tan(x, name=None):
    """tf.tan."""
    return _unary(Tan(), x, name, "Tan")


def asin(x, name=None):
    """tf.asin: the inverse sine."""
    return _unary(Asin(), x, name, "Asin")


def acos(x, name=None):
    """tf.acos: the inverse cosine."""
    return _unary(Acos(), x, name, "Acos")


def atan(x, name=None):
    """tf.atan: the inverse tangent."""
    return _unary(Atan(), x, name, "Atan")


def sinh(x, name=None):
    """tf.sinh."""
    return _unary(Sinh(), x, name, "Sinh")


def cosh(x, name=None):
    """tf.cosh."""
    return _unary(Cosh(), x, name, "Cosh")


def tanh(x, name=None):
    """tf.tanh (its gradient uses the output: 1 - y**2)."""
    return _unary(Tanh(), x, name, "Tanh")


def sigmoid(x, name=None):
    """tf.sigmoid: 1 / (1 + exp(-x)) (its gradient uses the output: y * (1 - y))."""
    return _unary(Sigmoid(), x, name, "Sigmoid")


def erf(x, name=None):
    """tf.erf: the Gauss error function."""
    return _unary(Erf(), x, name, "Erf")


def floor(x, name=None):
    """tf.floor (no gradient, as TF)."""
    return _unary(Floor(), x, name, "Floor")


def ceil(x, name=None):
    """tf.ceil (no gradient, as TF)."""
    return _unary(Ceil(), x, name, "Ceil")


def round(x, name=None):  # noqa: A001 - TF's public name
    """tf.round: to the nearest integer, halves to even (banker's rounding); integer tensors
    are returned as they are, as TF1."""
    x = convert_to_tensor(x)
    if x.dtype.is_integer:
        return x
    return _unary(Round(), x, name, "Round")


def is_finite(x, name=None):
    """tf.is_finite: neither inf nor nan."""
    return _unary(IsFinite(), x, name, "IsFinite")


def is_nan(x, name=None):
    """tf.is_nan."""
    return _unary(IsNan(), x, name, "IsNan")


def is_inf(x, name=None):
    """tf.is_inf: +inf or -inf."""
    return _unary(IsInf(), x, name, "IsInf")


def equal(x, y, name=None):
    """tf.equal: elementwise x == y (the `==` operator stays identity, as TF1)."""
    return _binary(Equal(), x, y, name, "Equal")


def not_equal(x, y, name=None):
    """tf.not_equal: elementwise x != y."""
    return _binary(NotEqual(), x, y, name, "NotEqual")


def less(x, y, name=None):
    """tf.less: elementwise x < y."""
    return _binary(Less(), x, y, name, "Less")


def less_equal(x, y, name=None):
    """tf.less_equal: elementwise x <= y."""
    return _binary(LessEqual(), x, y, name, "LessEqual")


def greater(x, y, name=None):
    """tf.greater: elementwise x > y."""
    return _binary(Greater(), x, y, name, "Greater")


def greater_equal(x, y, name=None):
    """tf.greater_equal: elementwise x >= y."""
    return _binary(GreaterEqual(), x, y, name, "GreaterEqual")


def logical_and(x, y, name=None):
    """tf.logical_and of two bool tensors."""
    return _binary(LogicalAnd(), x, y, name, "LogicalAnd")


def logical_or(x, y, name=None):
    """tf.logical_or of two bool tensors."""
    return _binary(LogicalOr(), x, y, name, "LogicalOr")


def logical_not(x, name=None):
    """tf.logical_not of a bool tensor."""
    return _unary(LogicalNot(), x, name, "LogicalNot")


def logical_xor(x, y, name="LogicalXor"):
    """tf.logical_xor, composed as TF1 does: (x | y) & ~(x & y)."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


# -- composed functions ----------------------------------------------------------------------------

def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """tf.clip_by_value: minimum then maximum, as TF (so inputs outside the range get no
    gradient); the bounds may broadcast but must not change t's shape."""
    with name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        values = convert_to_tensor(t, name="t")
        t_min = minimum(values, clip_value_max)
        _check_same_shape(values, t_min, _NO_BROADCAST.format("clip_value_max"))
        t_max = maximum(t_min, clip_value_min, name=scope)
        _check_same_shape(values, t_max, _NO_BROADCAST.format("clip_value_min"))
        return t_max


_NO_BROADCAST = "Shapes %s and %s are incompatible: {} must not broadcast t to a larger shape"


def _check_same_shape(a, b, message):
    """Raises ValueError(message % (a.shape, b.shape)) unless the two static shapes are
    compatible."""
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError(message % (a.shape, b.shape))


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """tf.clip_by_norm: t * clip_norm / max(l2norm(t, axes), clip_norm), with TF's two-sided
    tf.where so a zero tensor gets a finite gradient."""
    with name_scope(name, "clip_by_norm", [t, clip_norm]) as scope:
        values = convert_to_tensor(t, name="t")
        l2sum = reduce_sum(values * values, axes, keepdims=True)
        pred = l2sum > 0
        l2sum_safe = where(pred, l2sum, ones_like(l2sum))
        l2norm = where(pred, sqrt(l2sum_safe), l2sum)
        intermediate = values * clip_norm
        _check_same_shape(values, intermediate, _NO_BROADCAST.format("clip_norm"))
        return array_ops.identity(intermediate / maximum(l2norm, clip_norm), name=scope)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):
    """tf.norm: vector norms ('euclidean'/2, 1, np.inf, any p > 0) over `axis` (None: all
    entries), and matrix norms ('euclidean'/'fro', 1, np.inf) over a pair of axes. The matrix
    2-norm (which needs an SVD) is not offered."""
    keepdims = _keep(keepdims, keep_dims)
    is_matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if is_matrix:
        axis = tuple(axis)
        if not builtins.all(isinstance(a, int) for a in axis) or axis[0] == axis[1]:
            raise ValueError("'axis' must be None, an integer, or a tuple of 2 unique integers, "
                             "got %s" % (axis,))
        if ord not in ("euclidean", "fro", 1, np.inf):
            raise ValueError("'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, "
                             "inf] (minitf has no matrix 2-norm), got %s" % (ord,))
    else:
        if not (axis is None or isinstance(axis, int)):
            raise ValueError("'axis' must be None, an integer, or a tuple of 2 unique integers, "
                             "got %s" % (axis,))
        if ord != "euclidean" and (isinstance(ord, str) or ord <= 0):
            raise ValueError("'ord' must be a supported vector norm, got %s" % (ord,))
        if axis is not None:
            axis = (axis,)
    with name_scope(name, "norm", [tensor]):
        x = convert_to_tensor(tensor)
        if ord in ("euclidean", "fro", 2):
            result = sqrt(reduce_sum(x * x, axis, keepdims=True))
        else:
            result = abs(x)
            if ord == 1:
                result = reduce_sum(result, None if axis is None else axis[0], keepdims=True)
                if is_matrix:
                    result = reduce_max(result, axis[-1], keepdims=True)
            elif ord == np.inf:
                if is_matrix:
                    result = reduce_sum(result, axis[1], keepdims=True)
                result = reduce_max(result, None if axis is None else axis[0], keepdims=True)
            else:
                result = pow(reduce_sum(pow(result, ord), axis, keepdims=True), 1.0 / ord)
        if not keepdims:
            result = array_ops.squeeze(result, axis)
        return result


# -- Tensor operators ----------------------------------------------------------------------------

def _install_operator(dunder, fn, op_name, reverse=False):
    # As TF's operator wrapper: everything the op builds (a converted Python operand, the
    # inner ops of a composed one like xor) lives in the scope `op_name/`, and the result is
    # named `op_name`.
    def forward(self, other):
        with name_scope(None, op_name, [self, other]) as scope:
            return fn(self, other, name=scope)

    def backward(self, other):
        with name_scope(None, op_name, [self, other]) as scope:
            return fn(other, self, name=scope)

    Tensor._override_operator(dunder, backward if reverse else forward)


def install_binary_operator(name, fn, op_name):
    """Installs `x <name> y` and its reflected form as `fn(x, y, name=op_name)`."""
    _install_operator("__%s__" % name, fn, op_name)
    _install_operator("__r%s__" % name, fn, op_name, reverse=True)


install_binary_operator("add", add, "add")
install_binary_operator("sub", subtract, "sub")
install_binary_operator("mul", multiply, "mul")
install_binary_operator("truediv", truediv, "truediv")
install_binary_operator("floordiv", floordiv, "floordiv")
install_binary_operator("mod", floormod, "mod")
install_binary_operator("pow", pow, "pow")
install_binary_operator("matmul", matmul, "matmul")
install_binary_operator("and", logical_and, "and")
install_binary_operator("or", logical_or, "or")
install_binary_operator("xor", logical_xor, "xor")
# Comparisons have no reflected form: Python turns `2 < x` into `x > 2` itself.
for _dunder, _fn, _name in (("__lt__", less, "Less"), ("__le__", less_equal, "LessEqual"),
                            ("__gt__", greater, "Greater"),
                            ("__ge__", greater_equal, "GreaterEqual")):
    _install_operator(_dunder, _fn, _name)
Tensor._override_operator("__neg__", lambda self: negative(self, name="Neg"))
Tensor._override_operator("__abs__", lambda self: abs(self, name="Abs"))
Tensor._override_operator("__invert__", lambda self: logical_not(self, name="LogicalNot"))
