"""Learning-rate schedules of TF1 (tf.train.exponential_decay, ...): each returns a scalar Tensor
computed from the global step, so it changes as the step is incremented, and can be passed to
an optimizer as its learning rate."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.ops import math_ops
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["exponential_decay", "natural_exp_decay", "inverse_time_decay", "polynomial_decay",
           "piecewise_constant"]


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
