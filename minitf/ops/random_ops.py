"""Random ops (normal, uniform, truncated normal, shuffle, multinomial, gamma, Poisson) and
TF1's seed rules.

Each random op owns a generator in the Session (``SessionState.rng_for``), seeded from the op's
``seed`` / ``seed2`` attributes: the same program gives the same numbers, successive runs of one
session differ, and two sessions on one graph start from the same values. Samples are drawn on
the host with numpy's Generator and then moved with ``xp.asarray``, so numpy and cupy sessions
produce identical numbers.
"""


import numpy as np

from minitf import backend, dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import Dimension, TensorShape, format_dims
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value, constant_value_as_shape
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.core import expand_dims, reduce_sum, zeros_like
from minitf.ops.math_ops import add, maximum
from minitf.ops.op_util import check_dtype, dtype_error, rank_error
from minitf.ops.special_math import RandomGammaGrad

__all__ = ["random_normal", "random_uniform", "truncated_normal", "random_shuffle",
           "multinomial", "set_random_seed", "get_seed", "random_gamma", "random_poisson"]

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2 ** 31 - 1
_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


# -- seeds -----------------------------------------------------------------------------------------

def set_random_seed(seed):
    """Sets the graph-level seed of the default graph: random ops created afterwards repeat their
    sequences from one program run to the next."""
    get_default_graph().seed = seed


def get_seed(op_seed):
    """The (seed, seed2) pair a random op records, following TF1's rules: with a graph seed and no
    op seed, the op seed is the number of ops in the graph so far (TF1's `graph._last_id`); with
    only an op seed the graph seed is 87654321; with neither, (None, None): nondeterministic."""
    graph = get_default_graph()
    if graph.seed is not None:
        if op_seed is None:
            op_seed = graph.version
        seeds = (int(graph.seed) % _MAXINT32, int(op_seed) % _MAXINT32)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, int(op_seed) % _MAXINT32)
    else:
        return None, None
    # (0, 0) means "nondeterministic" to the kernels; a user who set seeds asked for repeatability.
    return (0, _MAXINT32) if seeds == (0, 0) else seeds


def _seed_attrs(op_seed):
    seed, seed2 = get_seed(op_seed)
    return {"seed": seed or 0, "seed2": seed2 or 0}


# -- ops -------------------------------------------------------------------------------------------

def _output_shape(shape):
    """The static shape a 1-D int `shape` tensor describes (None where it is not known yet)."""
    if shape.dtype not in (dtypes.int32, dtypes.int64):
        raise dtype_error("shape", shape.dtype, (dtypes.int32, dtypes.int64))
    if shape.shape.ndims not in (None, 1):
        raise rank_error(1, shape.shape.ndims)
    return constant_value_as_shape(shape)


def _dims(shape, dtype):
    dims = tuple(shape.tolist())
    backend.check_allocation(None, dims, dtype)  # drawn on the host, in `dtype`
    return dims


def _host_float(dtype):
    """The dtype numpy's Generator draws in for `dtype` (it has no float16 sampler)."""
    return "float64" if dtype is dtypes.float64 else "float32"


class RandomOp(OpDef):
    """Base of the random ops: stateful, not differentiable, and bound to the op's generator.

    Subclasses implement ``sample(xp, rng, *inputs)``: draw with the numpy Generator `rng` on the
    host and return an `xp` array (a fresh one: it must not alias an input)."""

    seed: int = 0
    seed2: int = 0
    stateful = True
    differentiable = False

    def bind(self, ctx, op):
        xp, rng = ctx.xp_for(op), ctx.rng_for(op)
        return lambda *inputs: self.sample(xp, rng, *inputs)

    def sample(self, xp, rng, *inputs):
        raise NotImplementedError


class _FloatSampler(RandomOp):
    """A random op that takes a shape and draws floats of `dtype`."""

    dtype: dtypes.DType = dtypes.float32

    def infer(self, shape):
        check_dtype(None, self.dtype, "real", "dtype")
        return TensorSpec(_output_shape(shape), self.dtype)


@register
class RandomStandardNormal(_FloatSampler):
    def sample(self, xp, rng, shape):
        x = rng.standard_normal(_dims(shape, _host_float(self.dtype)),
                                dtype=_host_float(self.dtype))
        return xp.asarray(x.astype(self.dtype.as_numpy_dtype, copy=False))


@register
class TruncatedNormal(_FloatSampler):
    """Standard normal samples, those of magnitude 2 or more re-drawn (as TF's kernel does)."""

    def sample(self, xp, rng, shape):
        host = _host_float(self.dtype)
        x = rng.standard_normal(_dims(shape, host), dtype=host)
        bad = abs(x) >= 2.0
        while bad.any():
            x[bad] = rng.standard_normal(int(bad.sum()), dtype=host)
            bad = abs(x) >= 2.0
        return xp.asarray(x.astype(self.dtype.as_numpy_dtype, copy=False))


@register
class RandomUniform(_FloatSampler):
    """Uniform samples in [0, 1)."""

    def sample(self, xp, rng, shape):
        if self.dtype is dtypes.float16:
            # Rounding a float32 draw to half precision could give 1.0; draw the 10 mantissa bits.
            x = (rng.integers(0, 1024, _dims(shape, "float64")) * 2.0 ** -10).astype("float16")
        else:
            x = rng.random(_dims(shape, _host_float(self.dtype)), dtype=_host_float(self.dtype))
        return xp.asarray(x)


@register
class RandomUniformInt(RandomOp):
    """Integers uniform in [minval, maxval); the dtype is the bounds' dtype."""
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tout", 1)))


    def infer(self, shape, minval, maxval):
        if minval.dtype is not maxval.dtype or minval.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError("minval and maxval must both be int32 or both int64, got %s and %s"
                            % (minval.dtype.name, maxval.dtype.name))
        for what, t in (("minval", minval), ("maxval", maxval)):
            if t.shape.ndims not in (None, 0):
                raise ValueError("%s must be 0-D, got shape %s"
                                 % (what, format_dims(t.shape.as_tuple())))
        lo, hi = constant_value(minval), constant_value(maxval)
        if lo is not None and hi is not None and not lo < hi:
            raise ValueError("Need minval < maxval, got %d >= %d" % (lo, hi))
        return TensorSpec(_output_shape(shape), minval.dtype)

    def sample(self, xp, rng, shape, minval, maxval):
        lo, hi = int(minval), int(maxval)
        if not lo < hi:
            raise ValueError("Need minval < maxval, got %d >= %d" % (lo, hi))
        return xp.asarray(rng.integers(lo, hi, _dims(shape, minval.dtype), dtype=minval.dtype))


@register
class RandomShuffle(RandomOp):
    """The input with its first axis randomly permuted."""


    def infer(self, value):
        return TensorSpec(value.shape, value.dtype)

    def sample(self, xp, rng, value):
        if value.ndim == 0:
            return value.copy()
        return value[xp.asarray(rng.permutation(value.shape[0]))]


@register
class Multinomial(RandomOp):
    """`num_samples` class indices per row of `logits` (unnormalized log-probabilities)."""

    output_dtype: dtypes.DType = dtypes.int64

    def infer(self, logits, num_samples):
        check_dtype(None, logits.dtype, "real", "dtype")
        if logits.shape.ndims not in (None, 2):
            raise ValueError("logits should be a matrix, got shape %s"
                             % format_dims(logits.shape.as_tuple()))
        if num_samples.dtype is not dtypes.int32 or num_samples.shape.ndims not in (None, 0):
            raise ValueError("num_samples must be an int32 scalar, got %s of shape %s"
                             % (num_samples.dtype.name, format_dims(num_samples.shape.as_tuple())))
        if self.output_dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError("output_dtype must be int32 or int64, got %s" % self.output_dtype.name)
        n = constant_value(num_samples)
        if n is not None and n < 0:
            raise ValueError("num_samples should be nonnegative, got %d" % n)
        batch = logits.shape[0].value if logits.shape.ndims == 2 else None
        return TensorSpec([batch, None if n is None else int(n)], self.output_dtype)

    def sample(self, xp, rng, logits, num_samples):
        batch, classes = logits.shape
        n = int(num_samples)
        if n < 0:
            raise ValueError("num_samples should be nonnegative, got %d" % n)
        if classes == 0:
            raise ValueError("num_classes should be positive, got 0")
        # Inverse CDF for all rows in one search: row i's CDF is shifted by i, so one sorted
        # array holds every row and each query u + i lands in its own row.
        logits = logits.astype(xp.float64)
        p = xp.exp(logits - logits.max(axis=1, keepdims=True))
        cdf = xp.cumsum(p, axis=1)
        cdf /= cdf[:, -1:]
        rows = xp.arange(batch, dtype=xp.float64)[:, None]
        u = xp.asarray(rng.random((batch, n))) + rows
        idx = xp.searchsorted((cdf + rows).reshape(-1), u.reshape(-1), side="right")
        idx = idx.reshape(batch, n) - xp.arange(batch)[:, None] * classes
        return xp.clip(idx, 0, classes - 1).astype(self.output_dtype.as_numpy_dtype)


def _gamma_samples(xp, rng, alpha):
    """Gamma(alpha, 1) samples (float64, alpha's shape) by Marsaglia and Tsang's method: for
    alpha >= 1, d (1 + c z)^3 with z standard normal, accepted when log u < z^2 / 2 + d (1 - v +
    log v) (d = alpha - 1/3, c = 1 / sqrt(9 d), v = (1 + c z)^3); the rejected ones drawn
    again. Below alpha = 1 a sample for alpha + 1 times u^(1 / alpha). As TF, alpha = 0 gives
    0, alpha < 0 or nan gives nan."""
    valid = (alpha > 0) & (alpha < xp.inf)
    boost = valid & (alpha < 1)
    a = xp.where(valid, xp.where(boost, alpha + 1, alpha), 1.0).reshape(-1)
    d = a - 1 / 3
    c = 1 / xp.sqrt(9 * d)
    out = xp.empty_like(a)
    pending = xp.arange(a.size)
    while pending.size:
        z = xp.asarray(rng.standard_normal(pending.size))
        u = xp.asarray(rng.random(pending.size))
        dp, v = d[pending], (1 + c[pending] * z) ** 3
        log_v = xp.log(xp.where(v > 0, v, 1.0))
        accept = (v > 0) & (xp.log(u) < 0.5 * z * z + dp * (1 - v + log_v))
        out[pending[accept]] = (dp * v)[accept]
        pending = pending[~accept]
    out = out.reshape(alpha.shape)
    if bool(xp.any(boost)):
        u = 1 - xp.asarray(rng.random(alpha.shape))  # in (0, 1]
        out = xp.where(boost, out * u ** (1 / xp.where(boost, alpha, 1.0)), out)
    edge = xp.where(alpha == xp.inf, xp.inf, xp.where(alpha == 0, 0.0, xp.nan))
    return xp.where(valid, out, edge)


@register
class RandomGamma(RandomOp):
    """Gamma(alpha, 1) samples of shape `shape` + alpha's shape (_gamma_samples), in alpha's
    dtype; differentiable in alpha, as TF: the implicit derivative of each sample with its CDF
    held fixed (RandomGammaGrad)."""

    differentiable = True
    tf_signature = TFSignature(type_attrs=(("S", 0), ("T", 1)))

    def infer(self, shape, alpha):
        check_dtype("RandomGamma", alpha.dtype, "real", "alpha")
        return TensorSpec(_output_shape(shape).concatenate(alpha.shape), alpha.dtype)

    def sample(self, xp, rng, shape, alpha):
        dims = tuple(shape.tolist())
        backend.check_allocation(None, dims + alpha.shape, "float64")
        wide = xp.broadcast_to(alpha.astype(xp.float64), dims + alpha.shape)
        return _gamma_samples(xp, rng, wide).astype(alpha.dtype, copy=False)

    def grad(self, op, dy):
        """TF's: RandomGammaGrad(alpha, sample) summed over the sample dimensions."""
        shape, alpha = op.inputs
        k = shape.shape[0].value
        if k is None:
            raise ValueError("minitf needs the length of random_gamma's shape known when the "
                             "gradient is built")
        alpha_b = alpha
        for _ in range(k):
            alpha_b = expand_dims(alpha_b, 0)
        partial = RandomGammaGrad()(alpha_b, op.outputs[0])
        return [None, reduce_sum(dy * partial, axis=list(range(k))) if k else dy * partial]


_POISSON_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)


@register
class RandomPoissonV2(RandomOp):
    """Poisson(rate) counts of shape `shape` + rate's shape, in `dtype` (numpy's sampler on the
    op's generator). As TF: a rate <= 0 gives 0, an infinite one inf (0 for integer dtypes);
    a nan rate gives nan (0 for integer dtypes), where TF's sampler never returns. No
    gradient: tf.gradients raises LookupError, as TF."""

    dtype: dtypes.DType = dtypes.float32
    differentiable = True  # but no rule: OpDef.grad raises TF's LookupError
    tf_signature = TFSignature(type_attrs=(("S", 0), ("R", 1)))

    def infer(self, shape, rate):
        if rate.dtype not in _POISSON_DTYPES:
            raise dtype_error("rate", rate.dtype, _POISSON_DTYPES)
        if self.dtype not in _POISSON_DTYPES:
            raise dtype_error("dtype", self.dtype, _POISSON_DTYPES)
        return TensorSpec(_output_shape(shape).concatenate(rate.shape), self.dtype)

    def sample(self, xp, rng, shape, rate):
        dims = tuple(shape.tolist()) + rate.shape
        backend.check_allocation(None, dims, self.dtype.as_numpy_dtype)
        lam = rate.astype(xp.float64)
        finite = xp.isfinite(lam) & (lam > 0)
        drawn = rng.poisson(backend.to_numpy(xp.where(finite, lam, 0.0)), dims)
        edge = xp.where(lam == xp.inf, xp.inf, xp.where(xp.isnan(lam), xp.nan, 0.0))
        counts = xp.where(finite, xp.asarray(drawn).astype(xp.float64), edge)
        if self.dtype.is_integer:
            counts = xp.where(xp.isfinite(counts), counts, 0.0)
        return counts.astype(self.dtype.as_numpy_dtype)


# -- public functions ------------------------------------------------------------------------------

def _shape_tensor(shape):
    """A shape given as a list, tuple, TensorShape or Tensor, as an int tensor named `shape`."""
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError("Cannot convert a partially known TensorShape %s to a Tensor" % shape)
        shape = shape.as_list()
    if isinstance(shape, (list, tuple)):
        shape = [d.value if isinstance(d, Dimension) else d for d in shape]
        if not shape:  # a scalar's shape: an empty int32 vector, which [] alone would not give
            return convert_to_tensor(np.zeros([0], np.int32), name="shape")
    return convert_to_tensor(shape, name="shape")


def _normal(opclass, default_name, shape, mean, stddev, dtype, seed, name):
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, default_name, [shape, mean, stddev]) as scope:
        shape_t = _shape_tensor(shape)
        mean_t = convert_to_tensor(mean, dtype, name="mean")
        stddev_t = convert_to_tensor(stddev, dtype, name="stddev")
        rnd = opclass(dtype=dtype, **_seed_attrs(seed))(shape_t)
        return add(rnd * stddev_t, mean_t, name=scope)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples from a normal distribution: RandomStandardNormal * stddev + mean."""
    return _normal(RandomStandardNormal, "random_normal", shape, mean, stddev, dtype, seed, name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples from a normal distribution truncated to two standard deviations around `mean`."""
    return _normal(TruncatedNormal, "truncated_normal", shape, mean, stddev, dtype, seed, name)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Samples uniformly from [minval, maxval) (maxval defaults to 1 for floats and is required
    for integer dtypes)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _FLOATS + (dtypes.int32, dtypes.int64):
        raise ValueError("Invalid dtype %r" % dtype)
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("Must specify maxval for integer dtype %r" % dtype)
        maxval = 1
    with name_scope(name, "random_uniform", [shape, minval, maxval]) as scope:
        shape_t = _shape_tensor(shape)
        lo = convert_to_tensor(minval, dtype, name="min")
        hi = convert_to_tensor(maxval, dtype, name="max")
        if dtype.is_integer:
            return RandomUniformInt(**_seed_attrs(seed))(shape_t, lo, hi, name=scope)
        rnd = RandomUniform(dtype=dtype, **_seed_attrs(seed))(shape_t)
        return add(rnd * (hi - lo), lo, name=scope)


def random_gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """tf.random_gamma (also tf.random.gamma): Gamma(alpha, beta) samples (beta a rate) of
    shape `shape` + the broadcast shape of alpha and beta, at least the dtype's smallest
    normal number (as TF)."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "random_gamma", [shape, alpha, beta]):
        shape_t = _shape_tensor(shape)
        alpha = convert_to_tensor(alpha, dtype, name="alpha")
        beta = convert_to_tensor(1 if beta is None else beta, dtype, name="beta")
        alpha_broadcast = alpha + zeros_like(beta)
        sample = RandomGamma(**_seed_attrs(seed))(shape_t, alpha_broadcast)
        return maximum(np.finfo(dtype.as_numpy_dtype).tiny, sample / beta)


def random_poisson(lam, shape, dtype=dtypes.float32, seed=None, name=None):
    """tf.random_poisson (also tf.random.poisson): Poisson(lam) counts of shape `shape` +
    lam's shape, in `dtype` (float16, float32, float64, int32 or int64); lam may be a float or
    an integer tensor."""
    with name_scope(name, "random_poisson", [lam, shape]):
        shape_t = _shape_tensor(shape)
        lam = convert_to_tensor(lam, name="rate")
        opdef = RandomPoissonV2(dtype=dtypes.as_dtype(dtype), **_seed_attrs(seed))
        return opdef(shape_t, lam)


def random_shuffle(value, seed=None, name=None):
    """`value` with its first dimension randomly permuted."""
    value = convert_to_tensor(value)
    return RandomShuffle(**_seed_attrs(seed))(value, name=name or "RandomShuffle")


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """tf.random.categorical: tf.multinomial with the output dtype named `dtype`."""
    return multinomial(logits, num_samples, seed=seed, name=name, output_dtype=dtype)


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """Draws `num_samples` class indices per row of the [batch, classes] `logits`."""
    with name_scope(name, "multinomial", [logits]):
        logits = convert_to_tensor(logits, name="logits")
        output_dtype = dtypes.as_dtype(output_dtype or dtypes.int64)
        opdef = Multinomial(output_dtype=output_dtype, **_seed_attrs(seed))
        with name_scope(None, "Multinomial") as scope:  # TF: 'multinomial/Multinomial/num_samples'
            num_samples = convert_to_tensor(num_samples, dtypes.int32, name="num_samples")
            return opdef(logits, num_samples, name=scope)
