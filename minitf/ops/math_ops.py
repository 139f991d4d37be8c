"""Math ops: elementwise arithmetic with numpy broadcasting, comparisons, casts, reductions and
matrix products; and the Tensor operators (`+`, `*`, `@`, `<`...) that build them."""

import dataclasses

import numpy as np

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import broadcast_dims, format_dims, normalize_axis, reduce_dims
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.ops.array_ops import (broadcast_to, expand_dims, shape, size, sum_to, zeros_like)
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["add", "subtract", "multiply", "divide", "truediv", "pow", "negative", "square",
           "exp", "log", "greater", "where", "cast", "add_n", "reduce_sum", "reduce_mean",
           "matmul"]


def _op(opdef, inputs, name):
    return get_default_graph().create_op(opdef, inputs, name=name).outputs[0]


def binary_operands(x, y):
    """Converts the operands of a binary op: a Python or numpy value takes the dtype of its
    Tensor partner (TF1's rule: `x * 2` with float32 x multiplies by a float32 2)."""
    if isinstance(x, Tensor) or hasattr(x, "_as_tensor"):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=None if _is_tensorish(y) else x.dtype, name="y")
    elif _is_tensorish(y):
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, dtype=y.dtype, name="x")
    else:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
    return x, y


def _is_tensorish(v):
    return isinstance(v, Tensor) or hasattr(v, "_as_tensor")


# -- elementwise families ----------------------------------------------------------------------

class UnaryOp(OpDef):
    """y = f(x) elementwise; subclasses set `kernel` (an xp function name) and `grad`."""

    kernel = ""
    supports_out = True
    allowed = "float"  # which dtypes the op accepts: "float", "numeric", "bool", "any"

    def infer(self, x):
        _check_dtype(self.type_name, x.dtype, self.allowed)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x, out=None):
        return getattr(xp, self.kernel)(x, out=out)


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
        return getattr(xp, self.kernel)(x, y, out=out)


def _check_dtype(op_type, dtype, allowed):
    ok = {"float": dtype.is_floating or dtype.is_complex,
          "numeric": dtype is not dtypes.bool and dtype is not dtypes.string,
          "bool": dtype is dtypes.bool,
          "any": True}[allowed]
    if not ok:
        raise TypeError("Value passed to %s has DataType %s not in the list of allowed values "
                        "(%s types)" % (op_type, dtype.name, allowed))


@register
class Add(BinaryOp):
    kernel = "add"

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(dy, x), sum_to(dy, y)]


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

    def grad(self, op, dy):
        x, y = op.inputs
        return [sum_to(dy / y, x), sum_to(negative(dy) * x / (y * y), y)]


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
class Exp(UnaryOp):
    kernel = "exp"

    def grad(self, op, dy):
        return [dy * op.outputs[0]]


@register
class Log(UnaryOp):
    kernel = "log"

    def grad(self, op, dy):
        return [dy / op.inputs[0]]


@register
class Greater(BinaryOp):
    kernel = "greater"
    result_dtype = dtypes.bool
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
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype is dtype:
        return x
    return _op(Cast(dtype), [x], name or "Cast")


# -- sums and reductions ----------------------------------------------------------------------

@register
class AddN(OpDef):
    supports_out = True

    def infer(self, *xs):
        if not xs:
            raise ValueError("add_n needs at least one input")
        dims = xs[0].shape.as_tuple()
        for i, x in enumerate(xs):
            if x.dtype is not xs[0].dtype:
                raise TypeError("AddN input %d has type %s, input 0 has %s"
                                % (i, x.dtype.name, xs[0].dtype.name))
            if not x.shape.is_compatible_with(xs[0].shape):
                raise ValueError("Inputs to AddN must have the same shape, got %s and %s"
                                 % (format_dims(dims), format_dims(x.shape.as_tuple())))
            dims = xs[0].shape.merge_with(x.shape).as_tuple()
        return TensorSpec(dims, xs[0].dtype)

    def compute(self, xp, *xs, out=None):
        if len(xs) == 1:
            if out is None:
                return xs[0].copy()
            out[...] = xs[0]
            return out
        out = xp.add(xs[0], xs[1], out=out)
        for x in xs[2:]:
            xp.add(out, x, out=out)
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

    kernel = ""
    supports_out = True
    allowed = "numeric"

    def infer(self, x):
        _check_dtype(self.type_name, x.dtype, self.allowed)
        return TensorSpec(reduce_dims(x.shape.as_tuple(), self.axis, self.keepdims), x.dtype)

    def compute(self, xp, x, out=None):
        return getattr(xp, self.kernel)(x, axis=self.axis, keepdims=self.keepdims, out=out)


def _reduce_axis(axis, reduction_indices):
    if axis is None:
        axis = reduction_indices
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        from minitf.framework.tensor_util import constant_value
        value = constant_value(axis)
        if value is None:
            raise ValueError("minitf needs reduction axes known when the graph is built; got "
                             "the tensor %s" % axis.name)
        axis = value
    axis = np.asarray(axis).reshape(-1).tolist() if not isinstance(axis, int) else [axis]
    return tuple(int(a) for a in axis)


def _keep(keepdims, keep_dims):
    return bool(keep_dims if keepdims is None else keepdims)


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
    axis: tuple = None
    keepdims: bool = False
    kernel = "sum"

    def grad(self, op, dy):
        (x,) = op.inputs
        dy = _restore_reduced_dims(dy, x, self.axis, self.keepdims)
        return [broadcast_to(dy, shape(x))]


@register
class Mean(Reduction):
    axis: tuple = None
    keepdims: bool = False
    kernel = "mean"
    allowed = "float"  # integer means need TF's truncating semantics; not offered

    def grad(self, op, dy):
        (x,) = op.inputs
        y = op.outputs[0]
        count = cast(size(x), x.dtype) / cast(size(y), x.dtype)
        dy = _restore_reduced_dims(dy, x, self.axis, self.keepdims)
        return [broadcast_to(dy / count, shape(x))]


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    x = convert_to_tensor(input_tensor)
    return _op(Sum(_reduce_axis(axis, reduction_indices), _keep(keepdims, keep_dims)), [x],
               name or "Sum")


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    x = convert_to_tensor(input_tensor)
    return _op(Mean(_reduce_axis(axis, reduction_indices), _keep(keepdims, keep_dims)), [x],
               name or "Mean")


# -- matrix products ---------------------------------------------------------------------------

@register
class MatMul(OpDef):
    transpose_a: bool = False
    transpose_b: bool = False
    supports_out = True

    def infer(self, a, b):
        if a.dtype is not b.dtype:
            raise TypeError("Input 'b' of 'MatMul' Op has type %s that does not match type %s "
                            "of argument 'a'" % (b.dtype.name, a.dtype.name))
        _check_dtype("MatMul", a.dtype, "numeric")
        da, db = a.shape.as_tuple(), b.shape.as_tuple()
        for name, d in (("a", da), ("b", db)):
            if d is not None and len(d) != 2:
                raise ValueError("Shape must be rank 2 but is rank %d (input '%s'); use "
                                 "tf.matmul for batched products of rank 3 and more" % (len(d), name))
        da = da or (None, None)
        db = db or (None, None)
        m, ka = (da[1], da[0]) if self.transpose_a else da
        kb, n = (db[1], db[0]) if self.transpose_b else db
        if ka is not None and kb is not None and ka != kb:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (ka, kb))
        return TensorSpec((m, n), a.dtype)

    def compute(self, xp, a, b, out=None):
        return xp.matmul(a.T if self.transpose_a else a, b.T if self.transpose_b else b, out=out)

    def grad(self, op, dy):
        a, b = op.inputs
        ta, tb = self.transpose_a, self.transpose_b
        if not ta and not tb:
            return [matmul(dy, b, transpose_b=True), matmul(a, dy, transpose_a=True)]
        if not ta and tb:
            return [matmul(dy, b), matmul(dy, a, transpose_a=True)]
        if ta and not tb:
            return [matmul(b, dy, transpose_b=True), matmul(a, dy)]
        return [matmul(b, dy, transpose_a=True, transpose_b=True),
                matmul(dy, a, transpose_a=True, transpose_b=True)]


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """tf.matmul for rank-2 inputs (batched ranks are added by BatchMatMulV2)."""
    a, b = binary_operands(a, b)
    return _op(MatMul(bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)), [a, b],
               name or "MatMul")


# -- public elementwise functions -------------------------------------------------------------

def _binary(opdef, x, y, name, default):
    with name_scope(name, default, [x, y]) as scope:
        x, y = binary_operands(x, y)
        return _op(opdef, [x, y], scope)


def _unary(opdef, x, name, default):
    return _op(opdef, [convert_to_tensor(x)], name or default)


def add(x, y, name=None):
    return _binary(Add(), x, y, name, "Add")


def subtract(x, y, name=None):
    return _binary(Sub(), x, y, name, "Sub")


def multiply(x, y, name=None):
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
    return truediv(x, y, name=name or "truediv")


def pow(x, y, name=None):  # noqa: A001 - TF's public name
    return _binary(Pow(), x, y, name, "Pow")


def negative(x, name=None):
    return _unary(Neg(), x, name, "Neg")


def square(x, name=None):
    return _unary(Square(), x, name, "Square")


def exp(x, name=None):
    return _unary(Exp(), x, name, "Exp")


def log(x, name=None):
    return _unary(Log(), x, name, "Log")


def greater(x, y, name=None):
    return _binary(Greater(), x, y, name, "Greater")


# -- Tensor operators ----------------------------------------------------------------------------

def _install_operator(dunder, fn, op_name, reverse=False):
    def forward(self, other):
        return fn(self, other, name=op_name)

    def backward(self, other):
        return fn(other, self, name=op_name)

    Tensor._override_operator(dunder, backward if reverse else forward)


def install_binary_operator(name, fn, op_name):
    """Installs `x <name> y` and its reflected form as `fn(x, y, name=op_name)`."""
    _install_operator("__%s__" % name, fn, op_name)
    _install_operator("__r%s__" % name, fn, op_name, reverse=True)


install_binary_operator("add", add, "add")
install_binary_operator("sub", subtract, "sub")
install_binary_operator("mul", multiply, "mul")
install_binary_operator("truediv", truediv, "truediv")
install_binary_operator("pow", pow, "pow")
install_binary_operator("matmul", matmul, None)
Tensor._override_operator("__neg__", lambda self: negative(self, name="Neg"))
Tensor._override_operator("__gt__", lambda self, other: greater(self, other, name="Greater"))
