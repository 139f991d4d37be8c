"""tf.contrib.layers: regularizers (l1, l2, l1_l2, sum, apply_regularization) and the
initializers TF1 code imports from here (xavier_initializer, variance_scaling_initializer)."""

import math
import numbers

from minitf import dtypes
from minitf.framework.graph import GraphKeys, add_to_collection, get_collection, name_scope
from minitf.ops import random_ops
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.init_ops import _dims
from minitf.ops.math_ops import abs, add_n, multiply, reduce_sum
from minitf.ops.nn_ops import l2_loss
from minitf.ops.embedding_ops import safe_embedding_lookup_sparse

__all__ = ["l1_regularizer", "l2_regularizer", "l1_l2_regularizer", "sum_regularizer",
           "apply_regularization", "xavier_initializer", "xavier_initializer_conv2d",
           "variance_scaling_initializer", "safe_embedding_lookup_sparse"]


def _check_scale(scale):
    """True when the regularizer is off (scale 0); raises on TF's bad scales."""
    if isinstance(scale, numbers.Integral):
        raise ValueError("scale cannot be an integer: %s" % (scale,))
    if isinstance(scale, numbers.Real):
        if scale < 0.:
            raise ValueError("Setting a scale less than 0 on a regularizer: %g" % scale)
        return scale == 0.
    return False


def _scaled(kind, penalty, scale, scope):
    """A regularizer `weights -> scale * penalty(weights)` named like TF's ('<kind>' scope,
    the product named after it)."""
    if _check_scale(scale):
        return lambda _: None

    def regularizer(weights, name=None):
        with name_scope(scope, kind, [weights]) as name:
            my_scale = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return multiply(my_scale, penalty(weights), name=name)
    return regularizer


def l1_regularizer(scale, scope=None):
    """A function `weights -> scale * sum(|weights|)` (None when scale is 0)."""
    return _scaled("l1_regularizer", lambda w: reduce_sum(abs(w)), scale, scope)


def l2_regularizer(scale, scope=None):
    """A function `weights -> scale * sum(weights ** 2) / 2` (tf.nn.l2_loss; None when scale
    is 0)."""
    return _scaled("l2_regularizer", l2_loss, scale, scope)


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """The sum of an l1 and an l2 regularizer (either alone when the other's scale is 0)."""
    if isinstance(scale_l1, numbers.Real) and isinstance(scale_l2, numbers.Real) and \
            scale_l1 == 0 and scale_l2 == 0:
        return lambda _: None
    scope = scope or "l1_l2_regularizer"
    if scale_l1 == 0.:
        return l2_regularizer(scale_l2, scope)
    if scale_l2 == 0.:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def sum_regularizer(regularizer_list, scope=None):
    """A regularizer adding the penalties of `regularizer_list` (None when it is empty)."""
    regularizer_list = [reg for reg in regularizer_list if reg is not None]
    if not regularizer_list:
        return None

    def sum_reg(weights):
        with name_scope(scope, "sum_regularizer", [weights]) as name:
            tensors = [t for t in (reg(weights) for reg in regularizer_list) if t is not None]
            return add_n(tensors, name=name) if tensors else None
    return sum_reg


def apply_regularization(regularizer, weights_list=None):
    """Adds the sum of `regularizer` over `weights_list` (default: the WEIGHTS collection) to
    REGULARIZATION_LOSSES and returns it."""
    if not weights_list:
        weights_list = get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p if p is not None else constant(0.0) for p in penalties]
        for p in penalties:
            if p.shape.ndims != 0:
                raise ValueError("regularizer must return a scalar Tensor instead of a Tensor "
                                 "with rank %d." % p.shape.ndims)
        summed_penalty = add_n(penalties, name=scope)
        add_to_collection(GraphKeys.REGULARIZATION_LOSSES, summed_penalty)
        return summed_penalty


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=dtypes.float32):
    """contrib's variance scaling (He et al. by default): samples with variance factor / n, n
    the fan_in, fan_out or their mean; uniform in [-sqrt(3 factor / n), +...] or a normal
    truncated at two standard deviations with stddev sqrt(1.3 factor / n), as contrib's."""
    if not dtypes.as_dtype(dtype).is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ["FAN_IN", "FAN_OUT", "FAN_AVG"]:
        raise TypeError("Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]" % (mode,))

    def _initializer(shape, dtype=dtype, partition_info=None):
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        dims = _dims(shape)
        if dims:
            fan_in = float(dims[-2]) if len(dims) > 1 else float(dims[-1])
            fan_out = float(dims[-1])
        else:
            fan_in = fan_out = 1.0
        for dim in dims[:-2]:
            fan_in *= float(dim)
            fan_out *= float(dim)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_ops.random_uniform(shape, -limit, limit, dtype, seed=seed)
        return random_ops.truncated_normal(shape, 0.0, math.sqrt(1.3 * factor / n), dtype,
                                           seed=seed)
    return _initializer


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """Glorot & Bengio's initializer: variance_scaling_initializer(1.0, 'FAN_AVG', uniform)."""
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed,
                                        dtype=dtype)


xavier_initializer_conv2d = xavier_initializer
