"""Elementwise ops with numpy broadcasting: arithmetic, unary math functions, comparisons and
logic, select (`tf.where`), add_n and clip_by_value; each public function sits under
its op class."""

import functools
import math
import operator
from typing import ClassVar

import numpy as np

from minitf import dtypes, errors
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import broadcast_dims, format_dims, merge_dims
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.ops.core import cast, convert_to_tensor, ones_like, sum_to, zeros_like
from minitf.ops.op_util import (check_dtype, check_same_shape, is_tensor_like, known_dims,
                                out_array, type_mismatch_error)

__all__ = ["add", "subtract", "multiply", "divide", "truediv", "realdiv", "div", "div_no_nan",
           "xlogy", "xdivy", "multiply_no_nan", "reciprocal_no_nan", "acosh", "asinh", "atanh",
           "erfc", "complex", "real", "imag", "angle", "conj",
           "floordiv", "floormod", "mod", "truncatediv", "truncatemod", "pow", "maximum",
           "minimum", "squared_difference", "atan2", "scalar_mul", "negative", "square", "exp",
           "log", "log1p", "expm1", "sqrt", "rsqrt", "reciprocal", "abs", "sign", "sin", "cos",
           "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "erf", "floor",
           "ceil", "round", "is_finite", "is_nan", "is_inf", "equal", "not_equal", "less",
           "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_not",
           "logical_xor", "where", "add_n", "clip_by_value"]


def binary_operands(x, y, names=("x", "y")):
    """Converts the operands of a binary op: a Python or numpy value takes the dtype of its
    Tensor partner (TF1's rule: `x * 2` with float32 x multiplies by a float32 2), and becomes a
    constant named after its argument (`names`, as TF names them: 'mul/y')."""
    if is_tensor_like(x):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=None if is_tensor_like(y) else x.dtype, name=names[1])
    elif is_tensor_like(y):
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, dtype=y.dtype, name=names[0])
    else:
        x = convert_to_tensor(x, name=names[0])
        y = convert_to_tensor(y, dtype=x.dtype, name=names[1])
    return x, y


# -- elementwise families ----------------------------------------------------------------------

class UnaryOp(OpDef):
    """y = f(x) elementwise; subclasses set `kernel` (an xp function taking out=) and `grad`."""

    kernel = ""
    supports_out = True
    elementwise = True
    allowed = "float"  # which dtypes the op accepts: "float", "numeric", "bool", "any"
    result_dtype = None  # e.g. dtypes.bool for is_nan

    def infer(self, x):
        check_dtype(self.type_name, x.dtype, self.allowed)
        return TensorSpec(x.shape, self.result_dtype or x.dtype)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _own_kernel_not_in_place(cls)

    def compute(self, xp, x, out=None):
        return getattr(xp, self.kernel)(x, out=out)

    def specialize(self, xp, op):
        if type(self).compute is UnaryOp.compute:
            return getattr(xp, self.kernel)  # the ufunc itself: compute is this one call
        return super().specialize(xp, op)


def _own_kernel_not_in_place(cls):
    """A subclass with a kernel of its own runs in place only where it says so (a kernel of
    several passes may read an input after writing `out`)."""
    if "compute" in cls.__dict__ and "elementwise" not in cls.__dict__:
        cls.elementwise = False


# Scalar loop bodies (a while_loop's counter) spend most of their time in ufunc dispatch: on two
# numpy scalars of one type, these operators give the ufunc's result without it.
_NUMPY_SCALARS = frozenset(np.dtype(c).type for c in "?bhilqBHILQefdFD")


_SCALAR_OPERATORS = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
                     "less": operator.lt, "less_equal": operator.le, "greater": operator.gt,
                     "greater_equal": operator.ge, "equal": operator.eq,
                     "not_equal": operator.ne}
_OPERATOR_SYMBOLS = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.lt: "<",
                     operator.le: "<=", operator.gt: ">", operator.ge: ">=", operator.eq: "==",
                     operator.ne: "!="}


class BinaryOp(OpDef):
    """z = f(x, y) elementwise with numpy broadcasting; both inputs have one dtype."""

    kernel = ""
    supports_out = True
    elementwise = True
    allowed = "numeric"
    result_dtype = None  # e.g. dtypes.bool for comparisons

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _own_kernel_not_in_place(cls)

    def infer(self, x, y):
        if x.dtype is not y.dtype:
            raise type_mismatch_error(self.type_name, "y", y.dtype, "x", x.dtype)
        check_dtype(self.type_name, x.dtype, self.allowed)
        return TensorSpec(broadcast_dims(x.shape.as_tuple(), y.shape.as_tuple()),
                          self.result_dtype or x.dtype)

    def compute(self, xp, x, y, out=None):
        if out is None and type(x) is type(y) and type(x) in _NUMPY_SCALARS:
            scalar = _SCALAR_OPERATORS.get(self.kernel)
            if scalar is not None:  # numpy's scalar arithmetic: same result, 30x cheaper
                return scalar(x, y)
        return getattr(xp, self.kernel)(x, y, out=out)

    def inline(self, op, x, y):
        """`x + y` for two scalars (static shape []) of a numeric or bool dtype: numpy's
        operators on numpy scalars and 0-d arrays are its ufuncs."""
        scalar = _SCALAR_OPERATORS.get(self.kernel)
        a, b = op.inputs
        if scalar is None or a.shape.as_tuple() != () or b.shape.as_tuple() != () or not (
                a.dtype.is_floating or a.dtype.is_integer or a.dtype is dtypes.bool):
            return None
        return "%s %s %s" % (x, _OPERATOR_SYMBOLS[scalar], y)

    def specialize(self, xp, op):
        if type(self).compute is BinaryOp.compute and any(
                t.shape.ndims for t in op.inputs):
            # An input of rank >= 1 is an array, so the scalar shortcut never applies.
            return getattr(xp, self.kernel)
        return super().specialize(xp, op)


def binary_op(opdef, x, y, name, default):
    with name_scope(name, default, [x, y]) as scope:
        x, y = binary_operands(x, y)
        return opdef(x, y, name=scope)


def unary_op(opdef, x, name, default):
    with name_scope(name, default, [x]) as scope:
        return opdef(convert_to_tensor(x, name="x"), name=scope)


# -- binary arithmetic -------------------------------------------------------------------------

@register
class Add(BinaryOp):
    kernel = "add"

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(dy, x), sum_to(dy, y)]


def add(x, y, name=None):
    """tf.add: x + y with broadcasting."""
    return binary_op(Add(), x, y, name, "Add")


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


def subtract(x, y, name=None):
    """tf.subtract: x - y with broadcasting."""
    return binary_op(Sub(), x, y, name, "Sub")


@register
class Mul(BinaryOp):
    kernel = "multiply"

    def grad(self, op, dy):
        x, y = op.inputs  # TF conjugates the factors of complex inputs
        return [sum_to(dy * conj(y), x), sum_to(conj(x) * dy, y)]


def multiply(x, y, name=None):
    """tf.multiply: x * y with broadcasting."""
    return binary_op(Mul(), x, y, name, "Mul")


def scalar_mul(scalar, x, name=None):
    """tf.scalar_mul: a 0-D `scalar` (converted to x's dtype) times x."""
    x = convert_to_tensor(x)
    scalar = convert_to_tensor(scalar, dtype=None if is_tensor_like(scalar) else x.dtype,
                               name="scalar")
    if scalar.shape.ndims != 0:
        raise ValueError("The input scalar must be a 0-D value. Received shape %s."
                         % scalar.shape)
    return binary_op(Mul(), scalar, x, name, "Mul")


@register
class RealDiv(BinaryOp):
    kernel = "divide"
    allowed = "float"  # TF has no integer kernel: truediv casts integers first, div floors

    def grad(self, op, dy):
        x, y = (conj(t) for t in op.inputs)
        return [sum_to(dy / y, op.inputs[0]), sum_to(negative(dy) * x / (y * y), op.inputs[1])]


def truediv(x, y, name=None):
    """x / y; integer inputs are cast to float (int32 -> float64), as TF1 does."""
    with name_scope(name, "truediv", [x, y]) as scope:
        x, y = binary_operands(x, y)
        if x.dtype.is_integer:
            target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
            x, y = cast(x, target), cast(y, target)
        return RealDiv()(x, y, name=scope)


def divide(x, y, name=None):
    """tf.divide: true division (as `/`)."""
    return truediv(x, y, name=name or "truediv")


def realdiv(x, y, name=None):
    """tf.realdiv: x / y for floating-point inputs (no casting)."""
    return binary_op(RealDiv(), x, y, name, "RealDiv")


def div(x, y, name=None):
    """tf.div (TF1's Python 2 division): floor division for integers, true for floats."""
    with name_scope(name, "div", [x, y]) as scope:
        x, y = binary_operands(x, y)
        opdef = RealDiv() if (x.dtype.is_floating or x.dtype.is_complex) else FloorDiv()
        return opdef(x, y, name=scope)


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


def div_no_nan(x, y, name=None):
    """tf.div_no_nan: x / y, and 0 where y is 0 (also in the gradient)."""
    return binary_op(DivNoNan(), x, y, name, "div_no_nan")


def reciprocal_no_nan(x, name=None):
    """tf.math.reciprocal_no_nan: 1 / x, and 0 where x is 0 (a DivNoNan of a constant one)."""
    with name_scope(name, "reciprocal_no_nan", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        one = convert_to_tensor(1, dtype=x.dtype, name="one")
        return DivNoNan()(one, x, name=scope)


class _ZeroWhere(BinaryOp):
    """x <op> y, and 0 wherever `zero_where` (x == 0, or y == 0) holds, whatever the other
    operand (NaN and inf included): TF's Xlogy, Xdivy and MulNoNan."""

    supports_out = False
    allowed = "float"

    def compute(self, xp, x, y):
        zero = self.zero_where(x, y)
        return xp.where(zero, x.dtype.type(0), self.value(xp, x, y))


@register
class Xlogy(_ZeroWhere):
    """x * log(y), and 0 where x is 0."""

    @staticmethod
    def zero_where(x, y):
        return x == 0

    @staticmethod
    def value(xp, x, y):
        return x * xp.log(y)

    def grad(self, op, dy):  # TF's: x != 0 selects log(y), x / y is 0 where x is
        x, y = op.inputs
        nonzero_x = cast(not_equal(x, zeros_like(x)), x.dtype)
        return [sum_to(xlogy(nonzero_x, y) * dy, x), sum_to(xdivy(x, y) * dy, y)]


def xlogy(x, y, name=None):
    """tf.math.xlogy: x * log(y), and 0 where x is 0 (even where y is 0 or NaN)."""
    return binary_op(Xlogy(), x, y, name, "Xlogy")


@register
class Xdivy(_ZeroWhere):
    """x / y, and 0 where x is 0."""

    @staticmethod
    def zero_where(x, y):
        return x == 0

    @staticmethod
    def value(xp, x, y):
        return x / y

    def grad(self, op, dy):
        x, y = op.inputs
        nonzero_x = cast(not_equal(x, zeros_like(x)), x.dtype)
        return [sum_to(xdivy(nonzero_x, y) * dy, x),
                sum_to(xdivy(negative(x), square(y)) * dy, y)]


def xdivy(x, y, name=None):
    """tf.math.xdivy: x / y, and 0 where x is 0 (even where y is 0 or NaN); the op is
    "<scope>/Xdivy" under the scope "xdivy", as in TF."""
    with name_scope(name, "xdivy", [x, y]):
        x, y = binary_operands(x, y)
        return Xdivy()(x, y, name="Xdivy")


@register
class MulNoNan(_ZeroWhere):
    """x * y, and 0 where y is 0."""

    @staticmethod
    def zero_where(x, y):
        return y == 0

    @staticmethod
    def value(xp, x, y):
        return x * y

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(MulNoNan()(dy, y), x), sum_to(MulNoNan()(x, dy), y)]


def multiply_no_nan(x, y, name=None):
    """tf.math.multiply_no_nan: x * y, and 0 where y is 0 (even where x is NaN or inf)."""
    return binary_op(MulNoNan(), x, y, name, "multiply_no_nan")


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


def floordiv(x, y, name=None):
    """tf.floordiv (the `//` operator): floor(x / y), for integers and floats."""
    return binary_op(FloorDiv(), x, y, name, "floordiv")


def floor_div(x, y, name=None):
    """tf.floor_div: the FloorDiv op itself (named FloorDiv, as TF's generated function)."""
    return binary_op(FloorDiv(), x, y, name, "FloorDiv")


@register
class FloorMod(_IntegerDivision):
    kernel = "remainder"  # Python's %: the result has the divisor's sign, as TF's FloorMod

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(dy, x), sum_to(dy * negative(floordiv(x, y)), y)]


def floormod(x, y, name=None):
    """tf.floormod (the `%` operator): x - floor(x / y) * y, with the sign of y."""
    return binary_op(FloorMod(), x, y, name, "FloorMod")


def mod(x, y, name=None):
    """tf.mod: TF1's other public name for floormod."""
    return floormod(x, y, name=name)


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


def truncatediv(x, y, name=None):
    """tf.truncatediv: x / y rounded toward zero for integers (C semantics: -7 / 5 = -1), the
    true quotient for floats."""
    return binary_op(TruncateDiv(), x, y, name, "TruncateDiv")


@register
class TruncateMod(_IntegerDivision):
    """C's fmod: the remainder has the dividend's sign."""

    kernel = "fmod"
    differentiable = False  # TF registers no gradient for it
    _by_zero = staticmethod(TruncateDiv._by_zero)


def truncatemod(x, y, name=None):
    """tf.truncatemod: the remainder of truncated division (C's fmod: the sign of x)."""
    return binary_op(TruncateMod(), x, y, name, "TruncateMod")


@register
class Pow(BinaryOp):
    kernel = "power"

    def grad(self, op, dy):
        x, y, z = conj(op.inputs[0]), conj(op.inputs[1]), conj(op.outputs[0])
        gx = dy * y * pow(x, y - 1)
        if x.dtype.is_complex:  # TF's: log(x) wherever x != 0
            nonzero = not_equal(x, zeros_like(x))
            log_x = where(nonzero, log(where(nonzero, x, ones_like(x))), zeros_like(x))
        else:
            log_x = where(greater(x, 0), log(x), zeros_like(x))
        gy = dy * z * log_x
        return [sum_to(gx, op.inputs[0]), sum_to(gy, op.inputs[1])]


def pow(x, y, name=None):  # noqa: A001 - TF's public name
    """tf.pow: x ** y with broadcasting."""
    return binary_op(Pow(), x, y, name, "Pow")


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


def maximum(x, y, name=None):
    """tf.maximum: the elementwise larger value; the gradient goes to x on ties."""
    return binary_op(Maximum(), x, y, name, "Maximum")


@register
class Minimum(_MaxMinOp):
    kernel = "minimum"

    @staticmethod
    def selects_x(x, y):
        return less_equal(x, y)


def minimum(x, y, name=None):
    """tf.minimum: the elementwise smaller value; the gradient goes to x on ties."""
    return binary_op(Minimum(), x, y, name, "Minimum")


@register
class SquaredDifference(BinaryOp):
    def compute(self, xp, x, y, out=None):
        return xp.square(xp.subtract(x, y, out=out), out=out)

    def grad(self, op, dy):
        x, y = op.inputs
        g = dy * ((x - y) * 2)
        return [sum_to(g, x), sum_to(negative(g), y)]


def squared_difference(x, y, name=None):
    """tf.squared_difference: (x - y) ** 2 in one op."""
    return binary_op(SquaredDifference(), x, y, name, "SquaredDifference")


@register
class Atan2(BinaryOp):
    """atan2(y, x): the op's inputs are (y, x), as TF's."""

    kernel = "arctan2"
    allowed = "real"

    def grad(self, op, dz):
        y, x = op.inputs
        scale = dz / (square(x) + square(y))
        return [sum_to(x * scale, y), sum_to(negative(y) * scale, x)]


def atan2(y, x, name=None):
    """tf.atan2(y, x): the angle of the point (x, y), in [-pi, pi]."""
    return binary_op(Atan2(), y, x, name, "Atan2")


# -- unary math --------------------------------------------------------------------------------

@register
class Neg(UnaryOp):
    kernel = "negative"
    allowed = "numeric"

    def grad(self, op, dy):
        return [negative(dy)]


def negative(x, name=None):
    """tf.negative: -x."""
    return unary_op(Neg(), x, name, "Neg")


@register
class Square(UnaryOp):
    kernel = "square"
    allowed = "numeric"

    def grad(self, op, dy):
        (x,) = op.inputs
        return [dy * (conj(x) * 2)]


def square(x, name=None):
    """tf.square: x * x."""
    return unary_op(Square(), x, name, "Square")


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
        check_dtype(self.type_name, x.dtype, self.allowed)
        if self.Tout is not x.dtype.real_dtype:
            raise TypeError("ComplexAbs of %s gives %s, not %s"
                            % (x.dtype.name, x.dtype.real_dtype.name, self.Tout.name))
        return TensorSpec(x.shape, self.Tout)

    def grad(self, op, dy):
        # TF's rule: dy * x / |x| (0 where x is 0), in x's complex dtype.
        (x,) = op.inputs
        return [div_no_nan(cast(dy, x.dtype) * x, cast(op.outputs[0], x.dtype))]


def abs(x, name=None):  # noqa: A001 - TF's public name
    """tf.abs (and the abs() builtin on a Tensor): |x|; for complex x the magnitude, in the
    real dtype of the same precision (op ComplexAbs)."""
    x = convert_to_tensor(x)
    if x.dtype.is_complex:
        return unary_op(ComplexAbs(x.dtype.real_dtype), x, name, "Abs")
    return unary_op(Abs(), x, name, "Abs")


# -- complex parts ----------------------------------------------------------------------------

class ComplexPart(UnaryOp):
    """A real tensor from a complex one (Real, Imag, Angle): `Tout` is the real dtype of the
    same precision, the result a fresh array (numpy's .real and .imag are views)."""

    Tout: dtypes.DType = dtypes.float32
    allowed = "complex"
    supports_out = False
    elementwise = False

    def infer(self, x):
        check_dtype(self.type_name, x.dtype, self.allowed, "input")
        if self.Tout is not x.dtype.real_dtype:
            raise TypeError("%s of %s gives %s, not %s" % (self.type_name, x.dtype.name,
                                                            x.dtype.real_dtype.name,
                                                            self.Tout.name))
        return TensorSpec(x.shape, self.Tout)

    def compute(self, xp, x):
        return xp.array(getattr(xp, self.kernel)(x))


@register
class Real(ComplexPart):
    kernel = "real"

    def grad(self, op, dy):
        return [complex(dy, zeros_like(dy))]  # TF's: the gradient is real


@register
class Imag(ComplexPart):
    kernel = "imag"

    def grad(self, op, dy):
        return [complex(zeros_like(dy), dy)]


@register
class Angle(ComplexPart):
    kernel = "angle"

    def grad(self, op, dy):
        # TF's rule: -dy / (Im(x) + i Re(x)), the conjugate of d(angle)/dz = -i / z.
        (x,) = op.inputs
        return [negative(complex(dy, zeros_like(dy))) * reciprocal(complex(Imag(dy.dtype)(x),
                                                                          Real(dy.dtype)(x)))]


@register
class Conj(UnaryOp):
    kernel = "conjugate"
    allowed = "complex"

    def grad(self, op, dy):
        return [conj(dy)]


@register
class Complex(OpDef):
    """real + i imag, broadcasting; both parts float32 (complex64) or float64 (complex128)."""

    Tout: dtypes.DType = dtypes.complex64
    tf_signature = TFSignature()

    def infer(self, re, im):
        if re.dtype is not im.dtype:
            raise type_mismatch_error(self.type_name, "imag", im.dtype, "real", re.dtype)
        check_dtype(self.type_name, re.dtype, "real", "real")
        if re.dtype not in (dtypes.float32, dtypes.float64) or self.Tout.real_dtype is not re.dtype:
            raise TypeError("Complex of %s parts cannot give %s" % (re.dtype.name,
                                                                    self.Tout.name))
        return TensorSpec(broadcast_dims(re.shape.as_tuple(), im.shape.as_tuple()), self.Tout)

    def compute(self, xp, re, im):
        # Filled part by part: re + 1j * im would make inf * 0 a NaN real part.
        z = xp.empty(xp.broadcast(re, im).shape, self.Tout.as_numpy_dtype)
        z.real[...] = re  # (views of z: cupy sets parts through them as numpy does)
        z.imag[...] = im
        return z

    def grad(self, op, dz):
        re, im = op.inputs
        return [sum_to(Real(re.dtype)(dz), re), sum_to(Imag(im.dtype)(dz), im)]


def complex(real, imag, name=None):  # noqa: A001 - TF's public name
    """tf.complex: real + i imag (float32 parts give complex64, float64 ones complex128)."""
    real = convert_to_tensor(real, name="real")
    imag = convert_to_tensor(imag, name="imag")
    with name_scope(name, "Complex", [real, imag]) as scope:
        kinds = (real.dtype, imag.dtype)
        if kinds not in ((dtypes.float32, dtypes.float32), (dtypes.float64, dtypes.float64)):
            raise TypeError("The `real` and `imag` components have incorrect types: %s %s. They "
                            "must be consistent, and one of [tf.float32, tf.float64]"
                            % (real.dtype.name, imag.dtype.name))
        tout = dtypes.complex64 if real.dtype is dtypes.float32 else dtypes.complex128
        return Complex(tout)(real, imag, name=scope)


def _complex_part(opdef_cls, input, name, default, otherwise):
    with name_scope(name, default, [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.dtype.is_complex:
            return opdef_cls(x.dtype.real_dtype)(x, name=scope)
        return otherwise(x)


def _numeric_itself(x):
    if x.dtype is dtypes.bool or x.dtype is dtypes.string:
        raise TypeError("input must be a numeric tensor, but got tensor with dtype %r" % x.dtype)
    return x


def real(input, name=None):  # noqa: A002 - TF's argument name
    """tf.real / tf.math.real: the real part of a complex tensor; a real tensor itself."""
    return _complex_part(Real, input, name, "Real", _numeric_itself)


def imag(input, name=None):  # noqa: A002
    """tf.imag / tf.math.imag: the imaginary part of a complex tensor; zeros for a real one."""
    return _complex_part(Imag, input, name, "Imag", zeros_like)


def angle(input, name=None):  # noqa: A002
    """tf.angle / tf.math.angle: the argument of a complex tensor, in [-pi, pi]; for a real
    tensor pi where it is negative, else 0 (TF's where(x < 0, pi, 0))."""
    def real_angle(x):
        return where(x < 0, math.pi * ones_like(x), zeros_like(x))
    return _complex_part(Angle, input, name, "Angle", real_angle)


def conj(x, name=None):
    """tf.conj / tf.math.conj: the complex conjugate; a real (float or integer) tensor is
    returned itself, with no op. Gradient rules call it on the factors TF conjugates, so it
    costs nothing in a real graph."""
    if isinstance(x, Tensor) and (x.dtype.is_floating or x.dtype.is_integer):
        return x
    with name_scope(name, "Conj", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.is_complex:
            return Conj()(x, name=scope)
        if x.dtype.is_floating or x.dtype.is_integer:
            return x
        raise TypeError("Expected numeric or variant tensor, got dtype %r" % x.dtype)


@register
class Sign(UnaryOp):
    kernel = "sign"
    allowed = "numeric"

    def grad(self, op, dy):
        return [zeros_like(op.inputs[0])]


def sign(x, name=None):
    """tf.sign: -1, 0 or 1; its gradient is zero."""
    return unary_op(Sign(), x, name, "Sign")


@register
class Exp(UnaryOp):
    kernel = "exp"

    def grad(self, op, dy):
        return [dy * conj(op.outputs[0])]


def exp(x, name=None):
    """tf.exp: e ** x."""
    return unary_op(Exp(), x, name, "Exp")


@register
class Expm1(UnaryOp):
    kernel = "expm1"

    def grad(self, op, dy):
        return [dy * conj(exp(op.inputs[0]))]


def expm1(x, name=None):
    """tf.expm1: exp(x) - 1, accurate for small x."""
    return unary_op(Expm1(), x, name, "Expm1")


@register
class Log(UnaryOp):
    kernel = "log"

    def grad(self, op, dy):
        return [dy / conj(op.inputs[0])]


def log(x, name=None):
    """tf.log: the natural logarithm."""
    return unary_op(Log(), x, name, "Log")


@register
class Log1p(UnaryOp):
    kernel = "log1p"

    def grad(self, op, dy):
        return [dy / conj(op.inputs[0] + 1)]


def log1p(x, name=None):
    """tf.log1p: log(1 + x), accurate for small x."""
    return unary_op(Log1p(), x, name, "Log1p")


@register
class Sqrt(UnaryOp):
    kernel = "sqrt"

    def grad(self, op, dy):
        return [dy / (conj(op.outputs[0]) * 2)]


def sqrt(x, name=None):
    """tf.sqrt: the square root."""
    return unary_op(Sqrt(), x, name, "Sqrt")


@register
class Rsqrt(UnaryOp):
    def compute(self, xp, x, out=None):
        root = xp.sqrt(x, out=out_array(xp, x, out))
        return xp.divide(1, root, out=root)

    def grad(self, op, dy):
        y = conj(op.outputs[0])
        return [dy * (y * y * y) * -0.5]


def rsqrt(x, name=None):
    """tf.rsqrt: 1 / sqrt(x)."""
    return unary_op(Rsqrt(), x, name, "Rsqrt")


@register
class Reciprocal(UnaryOp):
    kernel = "reciprocal"

    def grad(self, op, dy):
        return [negative(dy) * square(conj(op.outputs[0]))]


def reciprocal(x, name=None):
    """tf.reciprocal: 1 / x."""
    return unary_op(Reciprocal(), x, name, "Reciprocal")


@register
class Sin(UnaryOp):
    kernel = "sin"

    def grad(self, op, dy):
        return [dy * conj(cos(op.inputs[0]))]


def sin(x, name=None):
    """tf.sin."""
    return unary_op(Sin(), x, name, "Sin")


@register
class Cos(UnaryOp):
    kernel = "cos"

    def grad(self, op, dy):
        return [negative(dy) * conj(sin(op.inputs[0]))]


def cos(x, name=None):
    """tf.cos."""
    return unary_op(Cos(), x, name, "Cos")


@register
class Tan(UnaryOp):
    kernel = "tan"

    def grad(self, op, dy):
        return [dy * conj(square(reciprocal(cos(op.inputs[0]))))]


def tan(x, name=None):
    """tf.tan."""
    return unary_op(Tan(), x, name, "Tan")


@register
class Asin(UnaryOp):
    kernel = "arcsin"

    def grad(self, op, dy):
        return [dy * conj(rsqrt(1 - square(op.inputs[0])))]


def asin(x, name=None):
    """tf.asin: the inverse sine."""
    return unary_op(Asin(), x, name, "Asin")


@register
class Acos(UnaryOp):
    kernel = "arccos"

    def grad(self, op, dy):
        return [negative(dy) * conj(rsqrt(1 - square(op.inputs[0])))]


def acos(x, name=None):
    """tf.acos: the inverse cosine."""
    return unary_op(Acos(), x, name, "Acos")


@register
class Atan(UnaryOp):
    kernel = "arctan"

    def grad(self, op, dy):
        return [dy / conj(square(op.inputs[0]) + 1)]


def atan(x, name=None):
    """tf.atan: the inverse tangent."""
    return unary_op(Atan(), x, name, "Atan")


@register
class Sinh(UnaryOp):
    kernel = "sinh"

    def grad(self, op, dy):
        return [dy * conj(cosh(op.inputs[0]))]


def sinh(x, name=None):
    """tf.sinh."""
    return unary_op(Sinh(), x, name, "Sinh")


@register
class Cosh(UnaryOp):
    kernel = "cosh"

    def grad(self, op, dy):
        return [dy * conj(sinh(op.inputs[0]))]


def cosh(x, name=None):
    """tf.cosh."""
    return unary_op(Cosh(), x, name, "Cosh")


@register
class Acosh(UnaryOp):
    kernel = "arccosh"

    def grad(self, op, dy):
        return [dy / conj(sinh(op.outputs[0]))]


def acosh(x, name=None):
    """tf.acosh: the inverse hyperbolic cosine (NaN below 1)."""
    return unary_op(Acosh(), x, name, "Acosh")


@register
class Asinh(UnaryOp):
    kernel = "arcsinh"

    def grad(self, op, dy):
        return [dy / conj(cosh(op.outputs[0]))]


def asinh(x, name=None):
    """tf.asinh: the inverse hyperbolic sine."""
    return unary_op(Asinh(), x, name, "Asinh")


@register
class Atanh(UnaryOp):
    kernel = "arctanh"

    def grad(self, op, dy):
        x = op.inputs[0]
        return [dy * conj(reciprocal(1 - square(x)))]


def atanh(x, name=None):
    """tf.atanh: the inverse hyperbolic tangent (inf at +-1, NaN beyond)."""
    return unary_op(Atanh(), x, name, "Atanh")


@register
class Tanh(UnaryOp):
    kernel = "tanh"

    def grad(self, op, dy):
        return [TanhGrad()(conj(op.outputs[0]), dy, name="TanhGrad")]


def tanh(x, name=None):
    """tf.tanh (its gradient uses the output: 1 - y**2)."""
    return unary_op(Tanh(), x, name, "Tanh")


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
        return [SigmoidGrad()(conj(op.outputs[0]), dy, name="SigmoidGrad")]


def sigmoid(x, name=None):
    """tf.sigmoid: 1 / (1 + exp(-x)) (its gradient uses the output: y * (1 - y))."""
    return unary_op(Sigmoid(), x, name, "Sigmoid")


class PairGrad(OpDef):
    """An activation's gradient as one kernel of two inputs of one shape and dtype, as TF fuses
    them (TanhGrad, and ReluGrad's family in nn_ops): one kernel instead of a chain of small
    elementwise ops, which a deep or recurrent network runs once per layer or time step.
    `names`: the inputs' names in TF's order, for the messages."""

    supports_out = True
    names: ClassVar[tuple] = ("y", "dy")

    def infer(self, a, b):
        if a.dtype is not b.dtype:
            raise TypeError("Input '%s' of '%s' Op has type %s that does not match type %s of "
                            "argument '%s'" % (self.names[1], self.type_name, b.dtype.name,
                                               a.dtype.name, self.names[0]))
        return TensorSpec(merge_dims(a.shape.as_tuple(), b.shape.as_tuple()), a.dtype)

    def _arrays_only(self, op):
        """Whether both inputs have a static rank >= 1: the ufuncs of the kernel then return
        arrays (a 0-d product is a numpy scalar, which a later call cannot write into)."""
        return all(t.shape.ndims for t in op.inputs)


@register
class TanhGrad(PairGrad):
    """dx = dy * (1 - y * y) for y = tanh(x) (TF1's op; the same float operations, in the same
    order, as the chain of ops it replaces)."""

    def compute(self, xp, y, dy, out=None):
        if out is None:  # (small arrays: a fresh temporary costs less than empty_like)
            return dy * (1 - y * y)
        t = xp.multiply(y, y, out=out)
        xp.subtract(1, t, out=t)
        return xp.multiply(dy, t, out=t)

    def specialize(self, xp, op):
        if not self._arrays_only(op):
            return super().specialize(xp, op)
        # compute's float operations in one frame, `out` passed by position (a keyword costs
        # a ufunc call about 100 ns): 1,340 -> 1,030 ns for 4x16 arrays.
        one, multiply, subtract = op.inputs[0].dtype.as_numpy_dtype(1), xp.multiply, xp.subtract

        def tanh_grad(y, dy, out=None):
            t = multiply(y, y) if out is None else multiply(y, y, out)
            subtract(one, t, t)
            return multiply(dy, t, t)
        return tanh_grad

    def grad(self, op, ddx):
        # TF's _TanhGradGrad: d/dy = ddx * -2 * dy * y, d/d(dy) = the same op on ddx.
        y, dy = op.inputs
        return [ddx * -2 * dy * y, self(y, ddx, name="TanhGrad")]


@register
class SigmoidGrad(PairGrad):
    """dx = dy * (y * (1 - y)) for y = sigmoid(x) (TF1's op)."""

    def compute(self, xp, y, dy, out=None):
        if out is None:
            return dy * (y * (1 - y))
        t = xp.subtract(1, y, out=out)
        xp.multiply(y, t, out=t)
        return xp.multiply(dy, t, out=t)

    def specialize(self, xp, op):
        if not self._arrays_only(op):
            return super().specialize(xp, op)
        one, multiply, subtract = op.inputs[0].dtype.as_numpy_dtype(1), xp.multiply, xp.subtract

        def sigmoid_grad(y, dy, out=None):  # (as TanhGrad's)
            t = subtract(one, y) if out is None else subtract(one, y, out)
            multiply(y, t, t)
            return multiply(dy, t, t)
        return sigmoid_grad

    def grad(self, op, ddx):
        # TF's _SigmoidGradGrad: d/dy = g - 2 * g * y with g = ddx * dy, d/d(dy) = the same
        # op on ddx.
        y, dy = op.inputs
        g = ddx * dy
        return [g - 2 * g * y, self(y, ddx, name="SigmoidGrad")]


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


def _erf_parts(xp, work):
    """Cody's three rational approximations (|x| <= 0.46875, <= 4, > 4) of erf, written against
    xp so they run on numpy and cupy alike (neither has a vectorised erf): (|x|, erf(x) for
    the small branch, erfc(|x|) for the other two)."""
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
    erfc_abs = xp.where(ax <= 4, mid, big) * xp.exp(-(xp.minimum(ax, 30) ** 2))
    return ax, small, erfc_abs


def _erf_work(xp, x):
    return x.astype(xp.promote_types(x.dtype, xp.float32), copy=False)  # float16 overflows


@register
class Erf(UnaryOp):
    """erf by Cody's approximations (_erf_parts)."""

    supports_out = False
    allowed = "real"

    def compute(self, xp, x):
        work = _erf_work(xp, x)
        ax, small, erfc_abs = _erf_parts(xp, work)
        result = xp.where(ax <= 0.46875, small, xp.copysign(1 - erfc_abs, work))
        return result.astype(x.dtype, copy=False)

    def grad(self, op, dy):
        x = op.inputs[0]
        return [dy * (exp(negative(square(x))) * (2 / math.sqrt(math.pi)))]


def erf(x, name=None):
    """tf.erf: the Gauss error function."""
    return unary_op(Erf(), x, name, "Erf")


@register
class Erfc(UnaryOp):
    """erfc = 1 - erf, by the same approximations; for x > 0.46875 without the subtraction, so
    the tail keeps its relative precision (erfc(9) is 4.1e-37)."""

    supports_out = False
    allowed = "real"

    def compute(self, xp, x):
        work = _erf_work(xp, x)
        ax, small, erfc_abs = _erf_parts(xp, work)
        result = xp.where(ax <= 0.46875, 1 - small, xp.where(work < 0, 2 - erfc_abs, erfc_abs))
        return result.astype(x.dtype, copy=False)

    def grad(self, op, dy):
        x = op.inputs[0]
        return [dy * ((-2 / math.sqrt(math.pi)) * exp(negative(square(x))))]


def erfc(x, name=None):
    """tf.erfc (also tf.math.erfc): the complementary error function 1 - erf(x)."""
    return unary_op(Erfc(), x, name, "Erfc")


@register
class Floor(UnaryOp):
    kernel = "floor"
    allowed = "real"
    differentiable = False  # TF's gradient is None


def floor(x, name=None):
    """tf.floor (no gradient, as TF)."""
    return unary_op(Floor(), x, name, "Floor")


@register
class Ceil(UnaryOp):
    kernel = "ceil"
    allowed = "real"
    differentiable = False


def ceil(x, name=None):
    """tf.ceil (no gradient, as TF)."""
    return unary_op(Ceil(), x, name, "Ceil")


@register
class Round(UnaryOp):
    """Rounds half to even (banker's rounding), as TF's Round and numpy's round."""

    kernel = "round"
    allowed = "numeric"
    differentiable = False


def round(x, name=None):  # noqa: A001 - TF's public name
    """tf.round: to the nearest integer, halves to even (banker's rounding); integer tensors
    are returned as they are, as TF1."""
    x = convert_to_tensor(x)
    if x.dtype.is_integer:
        return x
    return unary_op(Round(), x, name, "Round")


@register
class IsFinite(UnaryOp):
    kernel = "isfinite"
    allowed = "real"
    result_dtype = dtypes.bool
    differentiable = False


def is_finite(x, name=None):
    """tf.is_finite: neither inf nor nan."""
    return unary_op(IsFinite(), x, name, "IsFinite")


@register
class IsNan(UnaryOp):
    kernel = "isnan"
    allowed = "real"
    result_dtype = dtypes.bool
    differentiable = False


def is_nan(x, name=None):
    """tf.is_nan."""
    return unary_op(IsNan(), x, name, "IsNan")


@register
class IsInf(UnaryOp):
    kernel = "isinf"
    allowed = "real"
    result_dtype = dtypes.bool
    differentiable = False


def is_inf(x, name=None):
    """tf.is_inf: +inf or -inf."""
    return unary_op(IsInf(), x, name, "IsInf")


# -- comparisons and logic ---------------------------------------------------------------------

class _Comparison(BinaryOp):
    allowed = "ordered"
    result_dtype = dtypes.bool
    differentiable = False


@register
class Greater(_Comparison):
    kernel = "greater"


def greater(x, y, name=None):
    """tf.greater: elementwise x > y."""
    return binary_op(Greater(), x, y, name, "Greater")


@register
class GreaterEqual(_Comparison):
    kernel = "greater_equal"


def greater_equal(x, y, name=None):
    """tf.greater_equal: elementwise x >= y."""
    return binary_op(GreaterEqual(), x, y, name, "GreaterEqual")


@register
class Less(_Comparison):
    kernel = "less"


def less(x, y, name=None):
    """tf.less: elementwise x < y."""
    return binary_op(Less(), x, y, name, "Less")


@register
class LessEqual(_Comparison):
    kernel = "less_equal"


def less_equal(x, y, name=None):
    """tf.less_equal: elementwise x <= y."""
    return binary_op(LessEqual(), x, y, name, "LessEqual")


@register
class Equal(_Comparison):
    kernel = "equal"
    allowed = "any"


def equal(x, y, name=None):
    """tf.equal: elementwise x == y (the `==` operator stays identity, as TF1)."""
    return binary_op(Equal(), x, y, name, "Equal")


@register
class NotEqual(_Comparison):
    kernel = "not_equal"
    allowed = "any"


def not_equal(x, y, name=None):
    """tf.not_equal: elementwise x != y."""
    return binary_op(NotEqual(), x, y, name, "NotEqual")


@register
class LogicalAnd(_Comparison):
    tf_signature = TFSignature(type_attrs=())
    kernel = "logical_and"
    allowed = "bool"


def logical_and(x, y, name=None):
    """tf.logical_and of two bool tensors."""
    return binary_op(LogicalAnd(), x, y, name, "LogicalAnd")


@register
class LogicalOr(_Comparison):
    tf_signature = TFSignature(type_attrs=())
    kernel = "logical_or"
    allowed = "bool"


def logical_or(x, y, name=None):
    """tf.logical_or of two bool tensors."""
    return binary_op(LogicalOr(), x, y, name, "LogicalOr")


@register
class LogicalNot(UnaryOp):
    tf_signature = TFSignature(type_attrs=())
    kernel = "logical_not"
    allowed = "bool"
    differentiable = False


def logical_not(x, name=None):
    """tf.logical_not of a bool tensor."""
    return unary_op(LogicalNot(), x, name, "LogicalNot")


def logical_xor(x, y, name="LogicalXor"):
    """tf.logical_xor, composed as TF1 does: (x | y) & ~(x & y)."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


# -- selection ---------------------------------------------------------------------------------

@register
class Select(OpDef):
    """tf.where(cond, x, y) in TF1: cond has x's shape, or is a vector over x's first axis."""
    tf_signature = TFSignature(type_attrs=(("T", 1),))

    def infer(self, cond, x, y):
        if cond.dtype is not dtypes.bool:
            raise TypeError("condition must be a bool tensor, got %s" % cond.dtype.name)
        if x.dtype is not y.dtype:
            raise type_mismatch_error("Select", "e", y.dtype, "t", x.dtype)
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
        return where_indices(condition, name=name)
    cond = convert_to_tensor(condition, dtypes.bool)
    x, y = binary_operands(x, y)
    return Select()(cond, x, y, name=name or "Select")


@register
class SelectV2(OpDef):
    """tf.where_v2(cond, x, y): elementwise select with numpy broadcasting of all three."""
    tf_signature = TFSignature(type_attrs=(("T", 1),))

    def infer(self, cond, x, y):
        if cond.dtype is not dtypes.bool:
            raise TypeError("condition must be a bool tensor, got %s" % cond.dtype.name)
        if x.dtype is not y.dtype:
            raise type_mismatch_error("SelectV2", "e", y.dtype, "t", x.dtype)
        dims = broadcast_dims(x.shape.as_tuple(), y.shape.as_tuple())
        return TensorSpec(broadcast_dims(cond.shape.as_tuple(), dims), x.dtype)

    def compute(self, xp, cond, x, y):
        return xp.where(cond, x, y)

    def grad(self, op, dy):
        cond, x, y = op.inputs
        return [None, sum_to(where_v2(cond, dy, 0), like=x), sum_to(where_v2(cond, 0, dy), like=y)]


def where_v2(condition, x=None, y=None, name=None):
    """tf.where_v2: the coordinates of true elements (x and y None), else elementwise
    `condition ? x : y` with condition, x and y broadcast together (TF's SelectV2)."""
    if x is None and y is None:
        return where_indices(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    with name_scope(name, "SelectV2", [condition, x, y]) as scope:
        cond = convert_to_tensor(condition, dtypes.bool, name="condition")
        x, y = binary_operands(x, y, names=("t", "e"))
        return SelectV2()(cond, x, y, name=scope)


@register
class Where(OpDef):
    """tf.where(condition) with one argument: the [N, rank] int64 coordinates of true (non-zero)
    elements, in row-major order."""

    differentiable = False

    def infer(self, condition):
        return TensorSpec([None, condition.shape.ndims], dtypes.int64)

    def compute(self, xp, condition):
        return xp.argwhere(condition).astype(xp.int64, copy=False)


def where_indices(condition, name=None):
    """The coordinates form of tf.where (tf.where calls it when x and y are None)."""
    return Where()(convert_to_tensor(condition), name=name or "Where")


# -- sums of several tensors, clipping ---------------------------------------------------------

@register
class AddN(OpDef):
    tf_signature = TFSignature(n_list=0)
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

    def specialize(self, xp, op):
        if op.outputs[0].dtype is dtypes.variant:  # gradients of a TensorArray's flow
            return lambda *xs: functools.reduce(operator.add, xs)
        # Inputs of one static shape of rank >= 1 (a gradient's sums): the adds alone, in order.
        dims = [known_dims(t) for t in op.inputs]
        if len(dims) < 2 or dims[0] is None or not dims[0] or dims.count(dims[0]) != len(dims):
            return super().specialize(xp, op)
        if len(dims) == 2:
            return xp.add

        def add_n(*xs, out=None):
            out = xp.add(xs[0], xs[1], out=out)
            for x in xs[2:]:
                xp.add(out, x, out=out)
            return out
        return add_n


def add_n(inputs, name=None):
    """tf.add_n: the elementwise sum of a list of tensors of one shape and dtype."""
    tensors = [convert_to_tensor(x) for x in inputs]
    if len(tensors) == 1 and name is None:
        return tensors[0]
    return AddN()(*tensors, name=name or "AddN")


NO_BROADCAST = "Shapes %s and %s are incompatible: {} must not broadcast t to a larger shape"


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """tf.clip_by_value: minimum then maximum, as TF (so inputs outside the range get no
    gradient); the bounds may broadcast but must not change t's shape."""
    with name_scope(name, "clip_by_value", [t, clip_value_min, clip_value_max]) as scope:
        values = convert_to_tensor(t, name="t")
        t_min = minimum(values, clip_value_max)
        check_same_shape(values, t_min, NO_BROADCAST.format("clip_value_max"))
        t_max = maximum(t_min, clip_value_min, name=scope)
        check_same_shape(values, t_max, NO_BROADCAST.format("clip_value_min"))
        return t_max
