"""Learning-rate schedules of TF1 (tf.train.exponential_decay, ...): each returns a scalar Tensor
computed from the global step, so it changes as the step is incremented, and can be passed to
an optimizer as its learning rate."""

import math

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.ops.constant_op import constant
from minitf.ops import math_ops, random_ops
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["exponential_decay", "natural_exp_decay", "inverse_time_decay", "polynomial_decay",
           "piecewise_constant", "piecewise_constant_decay", "cosine_decay",
           "cosine_decay_restarts", "linear_cosine_decay", "noisy_linear_cosine_decay"]


def _initial_rate(learning_rate, global_step, what):
    """learning_rate as a Tensor, as TF's schedules start (its dtype is the schedule's)."""
    if global_step is None:
        raise ValueError("global_step is required for %s." % what)
    return convert_to_tensor(learning_rate, name="initial_learning_rate")


def _decay_exponent(learning_rate, global_step, decay_steps, decay_rate, staircase):
    """(decay_rate, global_step / decay_steps floored if staircase), in the learning rate's
    dtype; the casts come in TF's order, which numbers the ops 'Cast', 'Cast_1', ..."""
    dtype = learning_rate.dtype
    decay_steps = math_ops.cast(decay_steps, dtype)
    decay_rate = math_ops.cast(decay_rate, dtype)
    p = math_ops.cast(global_step, dtype) / decay_steps
    return decay_rate, (math_ops.floor(p) if staircase else p)


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * decay_rate ^ (global_step / decay_steps), exponent floored if staircase.

    With `staircase` the rate drops every `decay_steps` steps."""
    with name_scope(name, "ExponentialDecay",
                    [learning_rate, global_step, decay_steps, decay_rate]) as scope:
        learning_rate = _initial_rate(learning_rate, global_step, "exponential_decay")
        decay_rate, p = _decay_exponent(learning_rate, global_step, decay_steps, decay_rate,
                                        staircase)
        return math_ops.multiply(learning_rate, math_ops.pow(decay_rate, p), name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * exp(-decay_rate * global_step / decay_steps), exponent floored if staircase.

    TF builds it as exponential_decay with the rate exp(-decay_rate)."""
    if global_step is None:
        raise ValueError("global_step is required for natural_exp_decay.")
    rate = math_ops.exp(math_ops.negative(decay_rate))
    return exponential_decay(learning_rate, global_step, decay_steps, rate, staircase, name)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """learning_rate / (1 + decay_rate * global_step / decay_steps), floored if staircase."""
    with name_scope(name, "InverseTimeDecay",
                    [learning_rate, global_step, decay_steps, decay_rate]) as scope:
        learning_rate = _initial_rate(learning_rate, global_step, "inverse_time_decay")
        decay_rate, p = _decay_exponent(learning_rate, global_step, decay_steps, decay_rate,
                                        staircase)
        one = math_ops.cast(convert_to_tensor(1), learning_rate.dtype)
        denominator = math_ops.add(one, math_ops.multiply(decay_rate, p))
        return math_ops.divide(learning_rate, denominator, name=scope)


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """Decays learning_rate to end_learning_rate over decay_steps along (1 - t)^power.

    The rate is (learning_rate - end_learning_rate) * (1 - step / decay_steps) ^ power
    + end_learning_rate, with step = min(global_step, decay_steps); with `cycle`, decay_steps
    grows to the first multiple of itself that is >= global_step instead."""
    with name_scope(name, "PolynomialDecay",
                    [learning_rate, global_step, decay_steps, end_learning_rate, power]) as scope:
        learning_rate = _initial_rate(learning_rate, global_step, "polynomial_decay")
        dtype = learning_rate.dtype
        end_learning_rate = math_ops.cast(end_learning_rate, dtype)
        power = math_ops.cast(power, dtype)
        step = math_ops.cast(global_step, dtype)
        decay_steps_t = math_ops.cast(decay_steps, dtype)
        if cycle:
            # Step 0 uses one period, not zero periods (which would divide by zero).
            multiplier = math_ops.where(math_ops.equal(step, 0), convert_to_tensor(1.0, dtype),
                                        math_ops.ceil(step / decay_steps))
            decay_steps_t = math_ops.multiply(decay_steps_t, multiplier)
        else:
            step = math_ops.minimum(step, decay_steps_t)
        p = math_ops.divide(step, decay_steps_t)
        return math_ops.add(
            math_ops.multiply(learning_rate - end_learning_rate, math_ops.pow(1 - p, power)),
            end_learning_rate, name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """A step function of x: values[i] on the i-th interval that `boundaries` cut.

    values[0] while x <= boundaries[0], values[i] while boundaries[i-1] < x <= boundaries[i],
    and values[-1] once x > boundaries[-1]. Boundaries have x's dtype (Python ints are cast
    to an int64 x, as TF does); values share one dtype."""
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with name_scope(name, "PiecewiseConstant", [x]):
        x = convert_to_tensor(x)
        bounds = []
        for b in boundaries:
            b = convert_to_tensor(b)
            if b.dtype is not x.dtype:
                if b.dtype is dtypes.int32 and x.dtype is dtypes.int64:
                    b = math_ops.cast(b, dtypes.int64)
                else:
                    raise ValueError("Boundaries (%s) must have the same dtype as x (%s)."
                                     % (b.dtype.name, x.dtype.name))
            bounds.append(b)
        values = [convert_to_tensor(v) for v in values]
        for v in values[1:]:
            if v.dtype is not values[0].dtype:
                raise ValueError("Values must have elements all with the same dtype (%s vs %s)."
                                 % (values[0].dtype.name, v.dtype.name))
        # One Select per boundary, from the last interval down: where x <= b, the value of the
        # interval ending at b wins over everything above it.
        result = values[-1]
        for b, v in zip(reversed(bounds), reversed(values[:-1])):
            result = math_ops.where(math_ops.greater(x, b), result, v)
        return result


# (TF 1.13+'s name for it)
piecewise_constant_decay = piecewise_constant


def _in_dtype(dtype, *values):
    """`values` cast to the schedule's dtype, one Cast each in order (TF's op names)."""
    return [math_ops.cast(v, dtype) for v in values]


def _cosine(fraction):
    """0.5 * (1 + cos(pi * fraction)), pi a float32 constant as in TF."""
    return 0.5 * (1.0 + math_ops.cos(constant(math.pi) * fraction))


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * t)) + alpha), t = min(global_step,
    decay_steps) / decay_steps: a half cosine from learning_rate down to alpha * learning_rate
    (Loshchilov & Hutter's SGDR without restarts)."""
    with name_scope(name, "CosineDecay"):
        learning_rate = _initial_rate(learning_rate, global_step, "cosine_decay")
        dtype = learning_rate.dtype
        decay_steps = math_ops.cast(decay_steps, dtype)
        step = math_ops.minimum(math_ops.cast(global_step, dtype), decay_steps)
        decayed = (1 - alpha) * _cosine(step / decay_steps) + alpha
        return math_ops.multiply(learning_rate, decayed)


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0,
                          alpha=0.0, name=None):
    """Cosine decay with warm restarts (SGDR): the first period lasts first_decay_steps, each
    next one t_mul times longer, and restarts at m_mul times the previous peak. (TF picks the
    geometric or the plain period count with a tf.cond on t_mul == 1; here t_mul is a number and
    Python picks: the same values, a graph without that cond.)"""
    with name_scope(name, "SGDRDecay") as scope:
        learning_rate = _initial_rate(learning_rate, global_step, "cosine_decay_restarts")
        dtype = learning_rate.dtype
        first_decay_steps, alpha_t, t_mul_t, m_mul_t = _in_dtype(
            dtype, first_decay_steps, alpha, t_mul, m_mul)
        fraction = math_ops.cast(global_step, dtype) / first_decay_steps
        if t_mul == 1.0:
            i_restart = math_ops.floor(fraction)
            fraction = fraction - i_restart
        else:
            i_restart = math_ops.floor(math_ops.log(1.0 - fraction * (1.0 - t_mul_t))
                                       / math_ops.log(t_mul_t))
            sum_r = (1.0 - t_mul_t ** i_restart) / (1.0 - t_mul_t)
            fraction = (fraction - sum_r) / t_mul_t ** i_restart
        cosine_decayed = 0.5 * m_mul_t ** i_restart * (
            1.0 + math_ops.cos(constant(math.pi) * fraction))
        decayed = (1 - alpha_t) * cosine_decayed + alpha_t
        return math_ops.multiply(learning_rate, decayed, name=scope)


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0,
                        beta=0.001, name=None):
    """learning_rate * ((alpha + (1 - t)) * 0.5 * (1 + cos(2 pi num_periods t)) + beta), t =
    min(global_step, decay_steps) / decay_steps (Bello et al.'s linear cosine decay)."""
    with name_scope(name, "LinearCosineDecay") as scope:
        learning_rate = _initial_rate(learning_rate, global_step, "linear_cosine_decay")
        dtype = learning_rate.dtype
        decay_steps, num_periods, alpha, beta = _in_dtype(dtype, decay_steps, num_periods,
                                                          alpha, beta)
        step = math_ops.minimum(math_ops.cast(global_step, dtype), decay_steps)
        linear_decayed = (decay_steps - step) / decay_steps
        fraction = 2.0 * num_periods * (step / decay_steps)
        decayed = (alpha + linear_decayed) * _cosine(fraction) + beta
        return math_ops.multiply(learning_rate, decayed, name=scope)


def noisy_linear_cosine_decay(learning_rate, global_step, decay_steps, initial_variance=1.0,
                              variance_decay=0.55, num_periods=0.5, alpha=0.0, beta=0.001,
                              name=None):
    """linear_cosine_decay with Gaussian noise on its linear part: learning_rate * ((alpha +
    (1 - t) + eps) * 0.5 * (1 + cos(2 pi num_periods t)) + beta), eps ~ N(0, initial_variance /
    (1 + step)^variance_decay), drawn at every run; t and step as linear_cosine_decay's."""
    with name_scope(name, "NoisyLinearCosineDecay") as scope:
        learning_rate = _initial_rate(learning_rate, global_step, "noisy_linear_cosine_decay")
        dtype = learning_rate.dtype
        decay_steps, initial_variance, variance_decay, num_periods, alpha, beta = _in_dtype(
            dtype, decay_steps, initial_variance, variance_decay, num_periods, alpha, beta)
        step = math_ops.minimum(math_ops.cast(global_step, dtype), decay_steps)
        linear_decayed = (decay_steps - step) / decay_steps
        variance = initial_variance / math_ops.pow(1.0 + step, variance_decay)
        # (TF draws the noise in float32 whatever the rate's dtype, so a float64 rate fails
        # there; here the noise has the rate's dtype)
        noise = random_ops.random_normal(linear_decayed.shape, stddev=math_ops.sqrt(variance),
                                         dtype=dtype)
        noisy_linear_decayed = linear_decayed + noise
        fraction = 2.0 * num_periods * (step / decay_steps)
        decayed = (alpha + noisy_linear_decayed) * _cosine(fraction) + beta
        return math_ops.multiply(learning_rate, decayed, name=scope)
