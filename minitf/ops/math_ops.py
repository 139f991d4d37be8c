"""Math ops under TF's module name (`math_ops`): the public functions, re-exported from the
modules that hold each op family (see docs/architecture.md, "The ops layer"), and the Tensor
operators (`+`, `//`, `@`, `<`, `&`...) that build them."""

from minitf import dtypes
from minitf.framework.deprecation import deprecated
from minitf.framework.graph import name_scope
from minitf.framework.tensor import Tensor
from minitf.ops.core import cast, convert_to_tensor, reduce_sum, zeros_like
from minitf.ops.elementwise import (add, subtract, multiply, divide, truediv, realdiv, div,
                                    div_no_nan, floordiv, floor_div, floormod, mod, truncatediv, truncatemod,
                                    pow, maximum, minimum, squared_difference, atan2, scalar_mul,
                                    negative, square, exp, log, log1p, expm1, sqrt, rsqrt,
                                    reciprocal, abs, sign, sin, cos, tan, asin, acos, atan, sinh,
                                    cosh, tanh, sigmoid, erf, floor, ceil, round, is_finite,
                                    is_nan, is_inf, equal, not_equal, less, less_equal, greater,
                                    greater_equal, logical_and, logical_or, logical_not,
                                    logical_xor, where, add_n, clip_by_value, xlogy, xdivy,
                                    multiply_no_nan, reciprocal_no_nan, acosh, asinh, atanh, erfc,
                                    complex, real, imag, angle, conj)
from minitf.ops.ranges import range, linspace
from minitf.ops.elementwise import where_v2
from minitf.ops.reductions import (reduce_mean, reduce_max, reduce_min, reduce_prod, reduce_any,
                                   reduce_all, reduce_logsumexp, argmax, argmin, cumsum, cumprod,
                                   arg_max, arg_min, count_nonzero, clip_by_norm, norm,
                                   reduce_euclidean_norm, sort, argsort)
from minitf.ops.products import matmul, tensordot, einsum

from minitf.ops.reductions import reduce_std, reduce_variance  # noqa: F401 - tf.math's
from minitf.ops.reductions import cumulative_logsumexp  # noqa: F401 - tf.math's

__all__ = ["add", "subtract", "multiply", "divide", "truediv", "realdiv", "div", "div_no_nan",
           "floordiv", "floor_div", "floormod", "mod", "truncatediv", "truncatemod", "pow", "maximum",
           "minimum", "squared_difference", "atan2", "scalar_mul", "negative", "square", "exp",
           "log", "log1p", "expm1", "sqrt", "rsqrt", "reciprocal", "abs", "sign", "sin", "cos",
           "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "erf", "floor",
           "ceil", "round", "is_finite", "is_nan", "is_inf", "equal", "not_equal", "less",
           "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_not",
           "logical_xor", "where", "cast", "add_n", "reduce_sum", "reduce_mean", "reduce_max",
           "reduce_min", "reduce_prod", "reduce_any", "reduce_all", "reduce_logsumexp", "argmax",
           "argmin", "cumsum", "cumprod", "arg_max", "arg_min", "count_nonzero", "matmul",
           "tensordot", "einsum", "range", "linspace", "clip_by_value", "clip_by_norm", "norm"]
# top_k is public as tf.nn.top_k (TF1 has no tf.top_k).
__all__ += ["to_float", "to_double", "to_int32", "to_int64", "acosh", "asinh", "atanh", "erfc",
            "sort", "argsort", "saturate_cast", "lin_space", "where_v2", "complex", "real",
            "imag", "angle", "conj", "to_complex64", "to_complex128"]
# xlogy, xdivy, multiply_no_nan, reciprocal_no_nan, polyval, reduce_euclidean_norm are tf.math's
# only (TF 1.15 has no tf.xlogy)


# -- TF1's deprecated casts (tf.cast with a default name; no op when x has the dtype) -----------

def _deprecated_cast(fn_name, dtype, default_name):
    def cast_to(x, name=default_name):
        return cast(x, dtype, name=name)
    cast_to.__name__ = cast_to.__qualname__ = fn_name
    cast_to.__doc__ = ('tf.%s: tf.cast(x, tf.%s), the op named "%s".'
                       % (fn_name, dtype.name, default_name))
    return deprecated(None, "Use `tf.cast` instead.")(cast_to)


to_float = _deprecated_cast("to_float", dtypes.float32, "ToFloat")
to_double = _deprecated_cast("to_double", dtypes.float64, "ToDouble")
to_int32 = _deprecated_cast("to_int32", dtypes.int32, "ToInt32")
to_int64 = _deprecated_cast("to_int64", dtypes.int64, "ToInt64")
to_complex64 = _deprecated_cast("to_complex64", dtypes.complex64, "ToComplex64")
to_complex128 = _deprecated_cast("to_complex128", dtypes.complex128, "ToComplex128")


lin_space = linspace  # TF1's other name for it


def saturate_cast(value, dtype, name=None):
    """tf.saturate_cast: `value` clamped to the range of `dtype` (with maximum and minimum, only
    where value's own range is wider, as TF 1.15), then cast to it."""
    with name_scope(name, "saturate_cast", [value]) as name:
        value = convert_to_tensor(value, name="value")
        dtype = dtypes.as_dtype(dtype)
        if value.dtype.min < dtype.min:
            value = maximum(value, convert_to_tensor(dtype.min, value.dtype, name="min"))
        if value.dtype.max > dtype.max:
            value = minimum(value, convert_to_tensor(dtype.max, value.dtype, name="max"))
        return cast(value, dtype, name=name)


def polyval(coeffs, x, name=None):
    """tf.math.polyval: coeffs[0] * x**(n-1) + ... + coeffs[n-1], by Horner's rule (a list of
    coefficients, each converted as "coeff_<i>"; zeros_like(x) for an empty list)."""
    if not isinstance(coeffs, list):
        raise ValueError("Argument coeffs must be list type. Received type %s." % type(coeffs))
    with name_scope(name, "polyval", coeffs + [x]) as name:
        x = convert_to_tensor(x, name="x")
        if not coeffs:
            return zeros_like(x, name=name)
        coeffs = [convert_to_tensor(c, name="coeff_%d" % i) for i, c in enumerate(coeffs)]
        result = coeffs[0]
        for c in coeffs[1:]:
            result = c + result * x
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
