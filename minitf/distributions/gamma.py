"""tf.distributions.Gamma (shape `concentration`, inverse scale `rate`) and its special case
Exponential (concentration 1), with the closed-form Gamma-Gamma KL divergence."""

import numpy as np

from minitf.distributions import util
from minitf.distributions.distribution import FULLY_REPARAMETERIZED, ScalarEventDistribution
from minitf.distributions.kullback_leibler import RegisterKL
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, logging_ops, math_ops, random_ops, special_math
from minitf.ops.core import convert_to_tensor


class Gamma(ScalarEventDistribution):
    """Gamma(concentration, rate): density x**(c - 1) exp(-rate x) rate**c / Gamma(c) on x > 0.

    Samples are tf.random_gamma draws, differentiable to both parameters through the draw's
    implicit gradient (FULLY_REPARAMETERIZED). validate_args=True checks both are > 0 (and
    values given to log_prob / cdf are > 0)."""

    def __init__(self, concentration, rate, validate_args=False, allow_nan_stats=True,
                 name="Gamma"):
        parameters = dict(locals())
        with name_scope(name, values=[concentration, rate]) as name:
            checks = [logging_ops.assert_positive(concentration),
                      logging_ops.assert_positive(rate)] if validate_args else []
            self._concentration, self._rate = util.parameters_after(
                checks, concentration=concentration, rate=rate)
        super().__init__(dtype=self._concentration.dtype,
                         reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._concentration, self._rate], name=name)

    @staticmethod
    def _param_shapes(sample_shape):
        return util.same_shape_for_each(sample_shape, ("concentration", "rate"))

    @property
    def concentration(self):
        """The shape parameter."""
        return self._concentration

    @property
    def rate(self):
        """The inverse scale."""
        return self._rate

    def _batch_parameters(self):
        return [self.concentration, self.rate]

    def _sample_n(self, n, seed=None):
        return random_ops.random_gamma([n], alpha=self.concentration, beta=self.rate,
                                       dtype=self.dtype, seed=seed)

    def _log_prob(self, x):
        x = self._valid_sample(x)
        return (math_ops.xlogy(self.concentration - 1., x) - self.rate * x
                - (special_math.lgamma(self.concentration)
                   - self.concentration * math_ops.log(self.rate)))

    def _cdf(self, x):
        return special_math.igamma(self.concentration, self.rate * self._valid_sample(x))

    def _entropy(self):
        c = self.concentration
        return (c - math_ops.log(self.rate) + special_math.lgamma(c)
                + (1. - c) * special_math.digamma(c))

    def _mean(self):
        return self.concentration / self.rate

    def _variance(self):
        return self.concentration / math_ops.square(self.rate)

    def _stddev(self):
        return math_ops.sqrt(self.concentration) / self.rate

    def _mode(self):
        """(concentration - 1) / rate, defined where concentration > 1."""
        return util.where_defined(
            self, (self.concentration - 1.) / self.rate, self.concentration > 1.,
            self.batch_shape_tensor(),
            [(self.concentration, "mode not defined when any concentration <= 1")])

    def _valid_sample(self, x):
        logging_ops.assert_same_float_dtype([x], self.dtype)
        if not self.validate_args:
            return x
        return util.with_dependencies([logging_ops.assert_positive(x)], x)


class Exponential(Gamma):
    """Exponential(rate): density rate exp(-rate x) on x > 0, a Gamma of concentration 1.

    Samples are -log(u) / rate for a uniform draw u (FULLY_REPARAMETERIZED)."""

    def __init__(self, rate, validate_args=False, allow_nan_stats=True, name="Exponential"):
        parameters = dict(locals())
        with name_scope(name, values=[rate]) as name:
            self._rate = convert_to_tensor(rate, name="rate")
        super().__init__(concentration=array_ops.ones([], dtype=self._rate.dtype),
                         rate=self._rate, validate_args=validate_args,
                         allow_nan_stats=allow_nan_stats, name=name)
        self._parameters = {k: v for k, v in parameters.items()
                            if k not in ("self", "__class__")}
        self._graph_parents.append(self._rate)

    @staticmethod
    def _param_shapes(sample_shape):
        return util.same_shape_for_each(sample_shape, ("rate",))

    @property
    def rate(self):
        """The inverse scale (1 / mean)."""
        return self._rate

    def _log_survival_function(self, x):
        return self._log_prob(x) - math_ops.log(self._rate)

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], array_ops.shape(self._rate)], 0)
        # The smallest normal number, not 0: log(u) must be finite.
        u = random_ops.random_uniform(shape, minval=np.finfo(self.dtype.as_numpy_dtype).tiny,
                                      maxval=1., seed=seed, dtype=self.dtype)
        return -math_ops.log(u) / self._rate


@RegisterKL(Gamma, Gamma)
def _kl_gamma_gamma(g0, g1, name=None):
    """KL[g0 || g1] in closed form (digamma, lgamma and logs of the parameters)."""
    with name_scope(name, "kl_gamma_gamma", values=[g0.concentration, g0.rate,
                                                    g1.concentration, g1.rate]):
        c0, r0, c1, r1 = g0.concentration, g0.rate, g1.concentration, g1.rate
        return ((c0 - c1) * special_math.digamma(c0) + special_math.lgamma(c1)
                - special_math.lgamma(c0) + c1 * math_ops.log(r0) - c1 * math_ops.log(r1)
                + c0 * (r1 / r0 - 1.))
