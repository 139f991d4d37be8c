"""tf.distributions.Beta: the distribution on (0, 1) with density proportional to
x**(concentration1 - 1) (1 - x)**(concentration0 - 1), and the Beta-Beta KL divergence."""

from minitf.distributions import util
from minitf.distributions.distribution import FULLY_REPARAMETERIZED, ScalarEventDistribution
from minitf.distributions.kullback_leibler import RegisterKL
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, logging_ops, math_ops, random_ops, special_math
from minitf.ops.core import convert_to_tensor


def _valid_concentration(concentration, validate_args):
    if not validate_args:
        return concentration
    return util.with_dependencies([logging_ops.assert_positive(
        concentration, message="Concentration parameter must be positive.")], concentration)


class Beta(ScalarEventDistribution):
    """Beta(concentration1, concentration0): mean concentration1 / (concentration1 +
    concentration0). Samples are g1 / (g1 + g0) for gamma draws g1, g0, differentiable to
    both concentrations (FULLY_REPARAMETERIZED). cdf is tf.betainc (broadcast first: TF's
    fails when the parameters' and the value's shapes differ)."""

    def __init__(self, concentration1=None, concentration0=None, validate_args=False,
                 allow_nan_stats=True, name="Beta"):
        parameters = dict(locals())
        with name_scope(name, values=[concentration1, concentration0]) as name:
            self._concentration1 = _valid_concentration(
                convert_to_tensor(concentration1, name="concentration1"), validate_args)
            self._concentration0 = _valid_concentration(
                convert_to_tensor(concentration0, name="concentration0"), validate_args)
            logging_ops.assert_same_float_dtype([self._concentration1, self._concentration0])
            self._total_concentration = self._concentration1 + self._concentration0
        super().__init__(dtype=self._total_concentration.dtype,
                         reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._concentration1, self._concentration0,
                                        self._total_concentration], name=name)

    @staticmethod
    def _param_shapes(sample_shape):
        return util.same_shape_for_each(sample_shape, ("concentration1", "concentration0"))

    @property
    def concentration1(self):
        """The concentration of the ones (alpha)."""
        return self._concentration1

    @property
    def concentration0(self):
        """The concentration of the zeros (beta)."""
        return self._concentration0

    @property
    def total_concentration(self):
        """concentration1 + concentration0."""
        return self._total_concentration

    def _batch_parameters(self):
        return [self._total_concentration]

    def _sample_n(self, n, seed=None):
        ones = array_ops.ones_like(self.total_concentration, dtype=self.dtype)
        gamma1 = random_ops.random_gamma([n], alpha=ones * self.concentration1,
                                         dtype=self.dtype, seed=seed)
        gamma0 = random_ops.random_gamma([n], alpha=ones * self.concentration0,
                                         dtype=self.dtype, seed=util.gen_new_seed(seed, "beta"))
        return gamma1 / (gamma1 + gamma0)

    def _log_prob(self, x):
        x = self._valid_sample(x)
        return (math_ops.xlogy(self.concentration1 - 1., x)
                + (self.concentration0 - 1.) * math_ops.log1p(-x)) - self._log_normalization()

    def _prob(self, x):
        return math_ops.exp(self._log_prob(x))

    def _log_normalization(self):
        return (special_math.lgamma(self.concentration1) + special_math.lgamma(self.concentration0)
                - special_math.lgamma(self.total_concentration))

    def _cdf(self, x):
        return util.betainc(self.concentration1, self.concentration0,
                            convert_to_tensor(x, dtype=self.dtype))

    def _entropy(self):
        c1, c0, total = self.concentration1, self.concentration0, self.total_concentration
        return (self._log_normalization() - (c1 - 1.) * special_math.digamma(c1)
                - (c0 - 1.) * special_math.digamma(c0)
                + (total - 2.) * special_math.digamma(total))

    def _mean(self):
        return self._concentration1 / self._total_concentration

    def _variance(self):
        return self._mean() * (1. - self._mean()) / (1. + self.total_concentration)

    def _mode(self):
        """(concentration1 - 1) / (total - 2), defined where both concentrations are > 1."""
        return util.where_defined(
            self, (self.concentration1 - 1.) / (self.total_concentration - 2.),
            math_ops.logical_and(self.concentration1 > 1., self.concentration0 > 1.),
            self.batch_shape_tensor(),
            [(self.concentration1, "Mode undefined for concentration1 <= 1."),
             (self.concentration0, "Mode undefined for concentration0 <= 1.")])

    def _valid_sample(self, x):
        if not self.validate_args:
            return x
        return util.with_dependencies([
            logging_ops.assert_positive(x, message="sample must be positive"),
            logging_ops.assert_less(x, array_ops.ones([], self.dtype),
                                    message="sample must be less than `1`.")], x)


@RegisterKL(Beta, Beta)
def _kl_beta_beta(d1, d2, name=None):
    """KL[d1 || d2] from the log-normalizers and digammas of d1's concentrations."""
    with name_scope(name, "kl_beta_beta", values=[d1.concentration1, d1.concentration0,
                                                  d1.total_concentration, d2.concentration1,
                                                  d2.concentration0, d2.total_concentration]):
        return (d2._log_normalization() - d1._log_normalization()
                - special_math.digamma(d1.concentration1)
                * (d2.concentration1 - d1.concentration1)
                - special_math.digamma(d1.concentration0)
                * (d2.concentration0 - d1.concentration0)
                + special_math.digamma(d1.total_concentration)
                * (d2.total_concentration - d1.total_concentration))
