"""Helpers shared by the distributions: logits <-> probs, and the argument checks that
validate_args=True adds as assert ops (InvalidArgumentError when run, or at once when the
values are known at build time, as tf.assert_* do)."""

import hashlib

import numpy as np

from minitf import dtypes
from minitf.framework.graph import control_dependencies, name_scope
from minitf.ops import array_ops, logging_ops, math_ops, nn_ops, special_math
from minitf.ops.core import convert_to_tensor


def with_dependencies(assertions, x):
    """x, passed through an identity that runs after `assertions`."""
    with control_dependencies(assertions):
        return array_ops.identity(x)


def largest_integer(dtype):
    """The largest integer `dtype` holds exactly (2**(mantissa bits + 1) for floats)."""
    if dtype.is_floating:
        return int(2 ** (np.finfo(dtype.as_numpy_dtype).nmant + 1))
    if dtype.is_integer:
        return int(np.iinfo(dtype.as_numpy_dtype).max)
    if dtype.base_dtype is dtypes.bool:
        return 1
    raise TypeError("Unrecognized dtype: %s" % dtype.name)


def _integer_like(dtype):
    return dtype.is_integer or dtype.base_dtype is dtypes.bool


def get_logits_and_probs(logits=None, probs=None, multidimensional=False, validate_args=False,
                         name="get_logits_and_probs", dtype=None):
    """(logits, probs) from exactly one of them: sigmoid / softmax of logits, or log-odds /
    log of probs (validated to lie in [0, 1], or to sum to 1 along the last axis)."""
    with name_scope(name):
        if (probs is None) == (logits is None):
            raise ValueError("Must pass probs or logits, but not both.")
        if probs is None:
            logits = convert_to_tensor(logits, name="logits", dtype=dtype)
            if not logits.dtype.is_floating:
                raise TypeError("logits must having floating type.")
            if multidimensional:
                if validate_args:
                    logits = embed_check_categorical_event_shape(logits)
                return logits, nn_ops.softmax(logits, name="probs")
            return logits, math_ops.sigmoid(logits, name="probs")
        probs = convert_to_tensor(probs, name="probs", dtype=dtype)
        if not probs.dtype.is_floating:
            raise TypeError("probs must having floating type.")
        if validate_args:
            with name_scope("validate_probs"):
                one = convert_to_tensor(1., dtype=probs.dtype)
                checks = [logging_ops.assert_non_negative(probs)]
                if multidimensional:
                    probs = embed_check_categorical_event_shape(probs)
                    checks.append(logging_ops.assert_near(math_ops.reduce_sum(probs, -1), one,
                                                          message="probs does not sum to 1."))
                else:
                    checks.append(logging_ops.assert_less_equal(
                        probs, one, message="probs has components greater than 1."))
                probs = with_dependencies(checks, probs)
        with name_scope("logits"):
            if multidimensional:
                return math_ops.log(probs), probs
            return math_ops.log(probs) - math_ops.log1p(-1. * probs), probs


def embed_check_categorical_event_shape(param, name="embed_check_categorical_event_shape"):
    """`param` (logits or probs, classes on the last axis), checked to have at least 2 classes
    and no more than its float dtype counts exactly: ValueError when known now."""
    with name_scope(name, values=[param]):
        x = convert_to_tensor(param, name="categorical_param")
        if not x.dtype.is_floating:
            raise TypeError("Unable to validate size of unrecognized dtype (%s)." % x.dtype.name)
        max_event_size = largest_integer(x.dtype)
        if x.shape.ndims is not None and x.shape.ndims < 1:
            raise ValueError("A categorical-distribution parameter must have at least 1 "
                             "dimension.")
        if x.shape.ndims is not None and x.shape[-1].value is not None:
            event_size = x.shape[-1].value
            if event_size < 2:
                raise ValueError("A categorical-distribution parameter must have at least 2 "
                                 "events.")
            if event_size > max_event_size:
                raise ValueError("Number of classes exceeds `dtype` precision, i.e., %s implies "
                                 "shape (%d) cannot exceed %d." % (x.dtype.name, event_size,
                                                                   max_event_size))
            return x
        event_size = array_ops.shape(x, name="x_shape")[-1]
        return with_dependencies([
            logging_ops.assert_rank_at_least(
                x, 1, message="A categorical-distribution parameter must have at least 1 "
                              "dimension."),
            logging_ops.assert_greater_equal(
                event_size, 2, message="A categorical-distribution parameter must have at least "
                                       "2 events."),
            logging_ops.assert_less_equal(
                event_size, max_event_size,
                message="Number of classes exceeds `dtype` precision, i.e., %s dtype cannot "
                        "exceed %d shape." % (x.dtype.name, max_event_size))], x)


def embed_check_integer_casting_closed(x, target_dtype, assert_nonnegative=True,
                                       name="embed_check_casting_closed"):
    """x, checked (when run) to survive a cast to `target_dtype` unchanged: non-negative,
    integer-valued when x is a float, and within target_dtype's range."""
    with name_scope(name, values=[x]):
        x = convert_to_tensor(x, name="x")
        if not (_integer_like(x.dtype) or x.dtype.is_floating):
            raise TypeError("%s.dtype must be floating- or integer-type." % x.dtype.name)
        if not (_integer_like(target_dtype) or target_dtype.is_floating):
            raise TypeError("target_dtype (%s) must be floating- or integer-type."
                            % target_dtype.name)
        if not (_integer_like(x.dtype) or _integer_like(target_dtype)):
            raise TypeError("At least one of %s.dtype (%s) and target_dtype (%s) must be "
                            "integer-type." % (x, x.dtype.name, target_dtype.name))
        checks = []
        if assert_nonnegative:
            checks.append(logging_ops.assert_non_negative(
                x, message="Elements must be non-negative."))
        if x.dtype.is_floating:
            checks.append(assert_integer_form(
                x, int_dtype=target_dtype,
                message="Elements must be %s-equivalent." % target_dtype.name))
        elif largest_integer(x.dtype) > largest_integer(target_dtype):
            checks.append(logging_ops.assert_less_equal(
                x, convert_to_tensor(largest_integer(target_dtype), dtype=x.dtype),
                message="Elements cannot exceed %d." % largest_integer(target_dtype)))
        return with_dependencies(checks, x) if checks else x


def assert_integer_form(x, message=None, int_dtype=None, name="assert_integer_form"):
    """An assert that float x has no fractional part (x == cast(cast(x, int), float))."""
    with name_scope(name, values=[x]):
        x = convert_to_tensor(x, name="x")
        if int_dtype is None:
            int_dtype = {dtypes.float16: dtypes.int16, dtypes.float32: dtypes.int32,
                         dtypes.float64: dtypes.int64}[x.dtype.base_dtype]
        return logging_ops.assert_equal(
            x, math_ops.cast(math_ops.cast(x, int_dtype), x.dtype),
            message=message or "%s has non-integer components" % x)


def parameters_after(checks, **values):
    """The parameters as named identities ('Normal/loc') that run after `checks` (the
    validate_args asserts; empty when not validating), all of one float dtype (ValueError
    naming the first that differs, as tf.assert_same_float_dtype)."""
    with control_dependencies(checks):
        tensors = [array_ops.identity(v, name=k) for k, v in values.items()]
    logging_ops.assert_same_float_dtype(tensors)
    return tensors


def static_batch_shape(*params):
    """The broadcast of the parameters' static shapes."""
    shape = params[0].shape
    for p in params[1:]:
        shape = array_ops.broadcast_static_shape(shape, p.shape)
    return shape


def dynamic_batch_shape(*params):
    """The broadcast of the parameters' shapes, as a 1-D int32 tensor."""
    shape = array_ops.shape(params[0])
    for p in params[1:]:
        shape = array_ops.broadcast_dynamic_shape(shape, array_ops.shape(p))
    return shape


def same_shape_for_each(sample_shape, names):
    """param_shapes of a distribution whose parameters all have the sample's shape."""
    shape = convert_to_tensor(sample_shape, dtype=dtypes.int32)
    return {name: shape for name in names}


def gen_new_seed(seed, salt):
    """A second op seed derived from `seed` (None stays None), for a distribution that draws
    from two random ops (Beta's two gammas, Student's t's normal and gamma)."""
    if seed is None:
        return None
    digest = hashlib.md5(("%s%s" % (seed, salt)).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) & 0x7FFFFFFF


def lbeta(x):
    """log of the multivariate beta function over the last axis:
    sum(lgamma(x), -1) - lgamma(sum(x, -1))."""
    with name_scope("lbeta", values=[x]):
        return (math_ops.reduce_sum(special_math.lgamma(x), -1)
                - special_math.lgamma(math_ops.reduce_sum(x, -1)))


def betainc(a, b, x):
    """tf.betainc of a, b, x broadcast against each other first: TF's Betainc refuses unequal
    shapes (so TF's Beta and StudentT cdfs fail for broadcast batches); equal static shapes
    and scalars go straight in, as in TF."""
    shapes = [t.shape for t in (a, b, x)]
    same = all(s.is_fully_defined() for s in shapes) and len(
        {tuple(s.as_list()) for s in shapes if s.ndims}) <= 1
    if not same:
        ones = array_ops.ones_like(a + b + x)
        a, b, x = a * ones, b * ones, x * ones
    return special_math.betainc(a, b, x)


def log_combinations(n, counts):
    """log of the multinomial coefficient n! / prod(counts!), counts on the last axis."""
    with name_scope("log_combinations", values=[n, counts]):
        return (special_math.lgamma(n + 1.)
                - math_ops.reduce_sum(special_math.lgamma(counts + 1.), -1))


def embed_check_nonnegative_integer_form(x, name="embed_check_nonnegative_integer_form"):
    """x, checked when run to be non-negative and (when a float) integer-valued."""
    with name_scope(name, values=[x]):
        x = convert_to_tensor(x, name="x")
        checks = [logging_ops.assert_non_negative(x, message="'%s' must be non-negative." % x)]
        if not x.dtype.is_integer:
            checks.append(assert_integer_form(
                x, message="'%s' cannot contain fractional components." % x))
        return with_dependencies(checks, x)


def where_defined(dist, value, defined, shape, lower_bounds):
    """A statistic defined only where `defined`: NaN elsewhere when dist.allow_nan_stats, else
    `value` after asserts that each (parameter, message) of `lower_bounds` is > 1."""
    if dist.allow_nan_stats:
        nan = array_ops.fill(shape, np.array(np.nan, dist.dtype.as_numpy_dtype), name="nan")
        return math_ops.where_v2(defined, value, nan)
    one = array_ops.ones([], dtype=dist.dtype)
    return with_dependencies([logging_ops.assert_less(one, p, message=message)
                              for p, message in lower_bounds], value)
