"""Op table rows on 0-d inputs, one per op whose kernel takes `out=`: numpy returns scalars,
not arrays, for 0-d results, which such kernels must not pass on as `out` (tf.rsqrt of a
scalar once failed that way). `OUT_KERNELS_NEEDING_RANK` lists the ones that cannot take 0-d
inputs; tests/test_op_table.py checks that every other one has a row here."""

import numpy as np

import minitf as tf
from minitf.ops import elementwise
from tests.op_specs.spec import Arg, OpSpec

F = "float32"

# Out-taking kernels of ops that need inputs of rank >= 1 (or 2), so have no 0-d row.
OUT_KERNELS_NEEDING_RANK = {"MatMul", "BatchMatMulV2", "BiasAdd", "BiasAddGrad", "ConcatV2",
                            "Softmax", "LogSoftmax", "Conv2D", "Conv2DBackpropInput",
                            "MaxPool", "MaxPoolGrad"}


def _scalar(low=-2.0, high=2.0, dtype=F):
    return Arg((), dtype, low=low, high=high)


def _unary(name, fn, ref, low=-2.0, high=2.0, dtype=F):
    return OpSpec(name + "/scalar", fn, ref, [_scalar(low, high, dtype)], grad=False)


def _binary(name, fn, ref, low=-2.0, high=2.0, dtype=F, y_low=None):
    y = _scalar(low if y_low is None else y_low, high, dtype)
    return OpSpec(name + "/scalar", fn, ref, [_scalar(low, high, dtype), y], grad=False)


def _grad_of(activation):
    return lambda x: tf.gradients(activation(x), x)[0]


SPECS = [
    _unary("abs", tf.abs, np.abs),
    _unary("rint", tf.rint, np.rint, -5.0, 5.0),
    _unary("acos", tf.acos, np.arccos, -0.9, 0.9),
    _unary("asin", tf.asin, np.arcsin, -0.9, 0.9),
    _unary("atan", tf.atan, np.arctan),
    _unary("ceil", tf.ceil, np.ceil),
    _unary("cos", tf.cos, np.cos),
    _unary("cosh", tf.cosh, np.cosh),
    _unary("exp", tf.exp, np.exp),
    _unary("expm1", tf.expm1, np.expm1),
    _unary("floor", tf.floor, np.floor),
    _unary("log", tf.log, np.log, 0.5),
    _unary("log1p", tf.log1p, np.log1p, -0.5),
    _unary("negative", tf.negative, np.negative),
    _unary("reciprocal", tf.reciprocal, np.reciprocal, 0.5),
    _unary("relu", tf.nn.relu, lambda x: np.maximum(x, np.float32(0))),
    _unary("relu6", tf.nn.relu6, lambda x: np.clip(x, np.float32(0), np.float32(6)), -2, 8),
    _unary("round", tf.round, np.round),
    _unary("rsqrt", tf.rsqrt, lambda x: 1 / np.sqrt(x), 0.5),
    _unary("sigmoid", tf.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    _unary("sign", tf.sign, np.sign),
    _unary("sin", tf.sin, np.sin),
    _unary("sinh", tf.sinh, np.sinh),
    _unary("sqrt", tf.sqrt, np.sqrt, 0.5),
    _unary("square", tf.square, np.square),
    _unary("tan", tf.tan, np.tan, -1, 1),
    _unary("tanh", tf.tanh, np.tanh),
    _unary("acosh", tf.acosh, np.arccosh, 1.2, 4.0),
    _unary("asinh", tf.asinh, np.arcsinh),
    _unary("atanh", tf.atanh, np.arctanh, -0.9, 0.9),
    _unary("is_finite", tf.is_finite, np.isfinite),
    _unary("is_inf", tf.is_inf, np.isinf),
    _unary("is_nan", tf.is_nan, np.isnan),
    _unary("logical_not", tf.logical_not, np.logical_not, dtype="bool"),
    _unary("complex_abs", tf.abs, lambda x: np.abs(x).astype(np.float32), dtype="complex64"),
    _unary("conj", tf.conj, np.conj, dtype="complex64"),
    _unary("relu_grad", _grad_of(tf.nn.relu), lambda x: (x > 0).astype(np.float32)),
    _unary("tanh_grad", _grad_of(tf.tanh), lambda x: 1 - np.tanh(x) ** 2),
    _unary("sigmoid_grad", _grad_of(tf.sigmoid), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    _unary("relu6_grad", _grad_of(tf.nn.relu6),
           lambda x: ((x > 0) & (x < 6)).astype(np.float32), -2, 8),
    _unary("leaky_relu_grad", _grad_of(tf.nn.leaky_relu),
           lambda x: np.where(x > 0, 1, 0.2).astype(np.float32)),
    _unary("reduce_sum", tf.reduce_sum, np.sum),
    _unary("reduce_mean", tf.reduce_mean, np.mean),
    _unary("reduce_max", tf.reduce_max, np.max),
    _unary("reduce_min", tf.reduce_min, np.min),
    _unary("reduce_prod", tf.reduce_prod, np.prod),
    _unary("reduce_all", tf.reduce_all, np.all, dtype="bool"),
    _unary("reduce_any", tf.reduce_any, np.any, dtype="bool"),
    _unary("add_n", lambda x: tf.add_n([x, x, x]), lambda x: x + x + x),
    _binary("add", tf.add, np.add),
    _binary("add_v2", lambda x, y: x.graph.create_op(elementwise.AddV2(), [x, y]).outputs[0],
            np.add),
    _binary("subtract", tf.subtract, np.subtract),
    _binary("multiply", tf.multiply, np.multiply),
    _binary("realdiv", tf.realdiv, np.divide, y_low=0.5),
    _binary("floordiv", tf.floordiv, np.floor_divide, y_low=0.5),
    _binary("floormod", tf.floormod, np.remainder, y_low=0.5),
    _binary("floordiv/int", tf.floordiv, np.floor_divide, -9, 9, "int32", y_low=1),
    _binary("floormod/int", tf.floormod, np.remainder, -9, 9, "int32", y_low=1),
    _binary("truncatemod", tf.truncatemod, np.fmod, y_low=0.5),
    _binary("truncatemod/int", tf.truncatemod, np.fmod, -9, 9, "int32", y_low=1),
    _binary("pow", tf.pow, np.power, 0.5),
    _binary("maximum", tf.maximum, np.maximum),
    _binary("minimum", tf.minimum, np.minimum),
    _binary("squared_difference", tf.squared_difference, lambda x, y: (x - y) ** 2),
    _binary("atan2", tf.atan2, np.arctan2),
    _binary("equal", tf.equal, np.equal, -2, 2, "int32"),
    _binary("not_equal", tf.not_equal, np.not_equal, -2, 2, "int32"),
    _binary("greater", tf.greater, np.greater),
    _binary("greater_equal", tf.greater_equal, np.greater_equal),
    _binary("less", tf.less, np.less),
    _binary("less_equal", tf.less_equal, np.less_equal),
    _binary("logical_and", tf.logical_and, np.logical_and, dtype="bool"),
    _binary("logical_or", tf.logical_or, np.logical_or, dtype="bool"),
]
