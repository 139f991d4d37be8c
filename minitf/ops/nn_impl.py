"""tf.nn functions TF1 composes from other ops (its nn_impl.py): swish, relu_layer, xw_plus_b,
crelu, the moment helpers (sufficient_statistics, normalize_moments, weighted_moments),
log_poisson_loss, zero_fraction, and the per-replica loss helpers (compute_average_loss,
scale_regularization_loss) for minitf's one replica. Their gradients are those of the ops
they build."""

import math

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.ops.array_ops import (concat, expand_dims, gather, identity, rank, shape, size,
                                  squeeze, stack)
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.core import ones_like, zeros_like
from minitf.ops.math_ops import (add, cast, count_nonzero, div_no_nan, exp, greater_equal,
                                 less_equal, log, logical_and, matmul, multiply, reciprocal,
                                 reduce_prod, reduce_sum, sigmoid, square, squared_difference,
                                 subtract, where)
from minitf.ops.logging_ops import assert_integer, assert_non_negative, assert_scalar
from minitf.ops.nn_ops import bias_add, relu

__all__ = ["swish", "silu", "relu_layer", "xw_plus_b", "crelu", "sufficient_statistics",
           "normalize_moments", "weighted_moments", "log_poisson_loss", "zero_fraction",
           "compute_average_loss", "scale_regularization_loss"]


def swish(features, beta=1.0):
    """tf.nn.swish (also tf.nn.silu): features * sigmoid(beta * features).

    TF wraps the same ops in a custom gradient (its output is an `IdentityN`); minitf's output
    is the product itself (`mul_1`), and its gradient, the gradient of these ops, is the same
    function (both checked against TF's values)."""
    features = convert_to_tensor(features, name="features")
    beta = cast(convert_to_tensor(beta, name="beta"), features.dtype)
    return features * sigmoid(beta * features)


silu = swish


def relu_layer(x, weights, biases, name=None):
    """tf.nn.relu_layer: relu(matmul(x, weights) + biases), the Relu named `name`."""
    with name_scope(name, "relu_layer", [x, weights, biases]) as name:
        x = convert_to_tensor(x, name="x")
        weights = convert_to_tensor(weights, name="weights")
        biases = convert_to_tensor(biases, name="biases")
        return relu(bias_add(matmul(x, weights), biases), name=name)


def xw_plus_b(x, weights, biases, name=None):
    """tf.nn.xw_plus_b: matmul(x, weights) + biases, the BiasAdd named `name`."""
    with name_scope(name, "xw_plus_b", [x, weights, biases]) as name:
        x = convert_to_tensor(x, name="x")
        weights = convert_to_tensor(weights, name="weights")
        biases = convert_to_tensor(biases, name="biases")
        return bias_add(matmul(x, weights), biases, name=name)


def crelu(features, name=None, axis=-1):
    """tf.nn.crelu: relu of [features, -features] concatenated along `axis` (twice the
    depth)."""
    with name_scope(name, "CRelu", [features]) as name:
        features = convert_to_tensor(features, name="features")
        return relu(concat([features, -features], axis, name=name))


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """tf.nn.sufficient_statistics: (count, sum of x - shift, sum of (x - shift)^2, shift)
    over `axes`. The count is a constant of x's dtype when those dims are known, else
    computed from tf.shape(x) ("count")."""
    axes = list(set(axes))
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "sufficient_statistics", [x, shift]):
        x = convert_to_tensor(x, name="x")
        dims = x.shape.as_tuple()
        if dims is not None and all(dims[d] is not None for d in axes):
            counts = constant(math.prod(dims[d] for d in axes), dtype=x.dtype)
        else:
            counts = reduce_prod(gather(cast(shape(x), x.dtype), _positive_axes(x, axes)),
                                 name="count")
        if shift is not None:
            shift = convert_to_tensor(shift, name="shift")
            m_ss, v_ss = subtract(x, shift), squared_difference(x, shift)
        else:
            m_ss, v_ss = x, square(x)
        m_ss = reduce_sum(m_ss, axes, keepdims=keep, name="mean_ss")
        v_ss = reduce_sum(v_ss, axes, keepdims=keep, name="var_ss")
    return counts, m_ss, v_ss, shift


def _positive_axes(x, axes):
    """`axes` with negative entries counted from x's rank (a tensor when the rank is
    unknown)."""
    if any(a < 0 for a in axes) and x.shape.ndims is None:
        r = rank(x)
        return stack([a + r if a < 0 else constant(a) for a in axes])
    return [a % x.shape.ndims if a < 0 else a for a in axes]


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """tf.nn.normalize_moments: (mean, variance) from sufficient_statistics' sums."""
    with name_scope(name, "normalize", [counts, mean_ss, variance_ss, shift]):
        divisor = reciprocal(counts, name="divisor")
        if shift is not None:
            shifted_mean = multiply(mean_ss, divisor, name="shifted_mean")
            mean = add(shifted_mean, shift, name="mean")
        else:
            shifted_mean = mean = multiply(mean_ss, divisor, name="mean")
        variance = subtract(multiply(variance_ss, divisor), square(shifted_mean),
                            name="variance")
    return mean, variance


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """tf.nn.weighted_moments: the frequency-weighted mean and variance of x over `axes`
    (weights broadcast against x and are cast to its dtype; a zero total weight gives 0, by
    div_no_nan). float16 is computed in float32, as in TF."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name, "weighted_moments", [x, frequency_weights, axes]):
        x = convert_to_tensor(x, name="x")
        frequency_weights = convert_to_tensor(frequency_weights, name="frequency_weights")
        half = x.dtype is dtypes.float16
        if half:
            x = cast(x, dtypes.float32)
        if frequency_weights.dtype is not x.dtype:
            frequency_weights = cast(frequency_weights, x.dtype)
        weighted_input_sum = reduce_sum(frequency_weights * x, axes, keepdims=True,
                                        name="weighted_input_sum")
        sum_of_weights = reduce_sum(frequency_weights + zeros_like(x), axes, keepdims=True,
                                    name="sum_of_weights")
        mean = div_no_nan(weighted_input_sum, sum_of_weights)
        weighted_distsq = reduce_sum(frequency_weights * squared_difference(x, mean), axes,
                                     keepdims=True, name="weighted_distsq")
        variance = div_no_nan(weighted_distsq, sum_of_weights)
        if not keep:
            mean, variance = squeeze(mean, axis=axes), squeeze(variance, axis=axes)
        if half:
            mean, variance = cast(mean, dtypes.float16), cast(variance, dtypes.float16)
        return mean, variance


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """tf.nn.log_poisson_loss: exp(log_input) - log_input * targets, plus (with
    compute_full_loss) Stirling's approximation of log(targets!) where targets > 1."""
    with name_scope(name, "log_poisson_loss", [log_input, targets]):
        log_input = convert_to_tensor(log_input, name="log_input")
        targets = convert_to_tensor(targets, name="targets")
        if not targets.shape.is_compatible_with(log_input.shape):
            raise ValueError("`log_input` and `targets` must have the same shape, received "
                             "(%s vs %s)." % (log_input.shape, targets.shape))
        result = exp(log_input) - log_input * targets
        if compute_full_loss:
            point_five = constant(0.5, dtype=targets.dtype)
            two_pi = constant(2 * math.pi, dtype=targets.dtype)
            stirling = (targets * log(targets)) - targets + point_five * log(two_pi * targets)
            zeros = zeros_like(targets, dtype=targets.dtype)
            ones = ones_like(targets, dtype=targets.dtype)
            small = logical_and(greater_equal(targets, zeros), less_equal(targets, ones))
            result += where(small, zeros, stirling)
        return result


def zero_fraction(value, name=None):
    """tf.nn.zero_fraction (also tf.math.zero_fraction): the float32 fraction of `value`'s
    entries that are zero, named "<scope>/fraction". TF counts in int32 under a tf.cond when
    the size fits; minitf counts in int64 always (the same number)."""
    with name_scope(name, "zero_fraction", [value]):
        value = convert_to_tensor(value, name="value")
        n = size(value, out_type=dtypes.int64)
        num_nonzero = count_nonzero(value, dtype=dtypes.int64)
        with name_scope("counts_to_fraction"):
            num_zero = n - num_nonzero
            fraction = cast(num_zero, dtypes.float32) / cast(n, dtypes.float32)
        return identity(fraction, name="fraction")


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """tf.nn.compute_average_loss: sum(per_example_loss * sample_weight) / global_batch_size,
    0 for an empty batch (div_no_nan, as TF 2; TF 1.15 divided). global_batch_size defaults
    to the batch's size, minitf running one replica; it must be a non-negative integer scalar
    (TF's checks, decided when the graph is built). A weight of one rank less or more than the
    loss gains or loses a last axis of 1 first, where the ranks are known then."""
    per_example_loss = convert_to_tensor(per_example_loss)
    dtype = per_example_loss.dtype
    if per_example_loss.shape.ndims == 0:
        raise ValueError("Invalid value passed for `per_example_loss`. Expected a tensor with "
                         "at least rank 1. Received per_example_loss=%s with rank 0"
                         % per_example_loss)
    if sample_weight is not None:
        weight = cast(convert_to_tensor(sample_weight), dtype)
        lrank, wrank = per_example_loss.shape.ndims, weight.shape.ndims
        if lrank is not None and wrank not in (None, 0):
            if wrank == lrank + 1:
                weight = squeeze(weight, [-1])
            elif wrank == lrank - 1:
                weight = expand_dims(weight, -1)
        per_example_loss = multiply(per_example_loss, weight)
    if global_batch_size is None:
        global_batch_size = shape(per_example_loss)[0] * 1  # one replica
    global_batch_size = convert_to_tensor(global_batch_size)
    assert_scalar(global_batch_size, message="global_batch_size must be scalar.")
    assert_integer(global_batch_size, message="global_batch_size must be an integer.")
    assert_non_negative(global_batch_size, message="global_batch_size must be non-negative.")
    return div_no_nan(reduce_sum(per_example_loss), cast(global_batch_size, dtype))


def scale_regularization_loss(regularization_loss):
    """tf.nn.scale_regularization_loss: the summed loss divided by the number of replicas
    (minitf runs one, so the sum itself, as TF's `truediv`)."""
    return reduce_sum(regularization_loss) / 1
