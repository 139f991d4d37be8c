"""tf.distributions.Normal: the Gaussian with mean `loc` and standard deviation `scale`, and its
closed-form KL divergence to another Normal."""

import math

from minitf.distributions import special_math
from minitf.distributions.distribution import LocationScaleDistribution
from minitf.distributions.kullback_leibler import RegisterKL
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, math_ops, random_ops


class Normal(LocationScaleDistribution):
    """Normal(loc, scale): density exp(-((x - loc) / scale)**2 / 2) / (sqrt(2 pi) scale).

    loc and scale broadcast to the batch shape; samples are loc + scale * a standard normal
    draw, so they differentiate to both (FULLY_REPARAMETERIZED). validate_args=True checks
    scale > 0."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Normal"):
        super().__init__(loc, scale, validate_args, allow_nan_stats, name, dict(locals()))

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        noise = random_ops.random_normal(shape, dtype=self.loc.dtype, seed=seed)
        return noise * self.scale + self.loc

    def _log_prob(self, x):
        return -0.5 * math_ops.square(self._z(x)) - (0.5 * math.log(2. * math.pi)
                                                      + math_ops.log(self.scale))

    def _cdf(self, x):
        return special_math.ndtr(self._z(x))

    def _log_cdf(self, x):
        return special_math.log_ndtr(self._z(x))

    def _survival_function(self, x):
        return special_math.ndtr(-self._z(x))

    def _log_survival_function(self, x):
        return special_math.log_ndtr(-self._z(x))

    def _quantile(self, p):
        z = special_math.ndtri(p)
        with name_scope("reconstruct", values=[z]):
            return z * self.scale + self.loc

    def _entropy(self):
        return 0.5 * math.log(2. * math.pi * math.e) + math_ops.log(
            self.scale * array_ops.ones_like(self.loc))

    def _mean(self):
        return self.loc * array_ops.ones_like(self.scale)

    def _mode(self):
        return self._mean()

    def _stddev(self):
        return self.scale * array_ops.ones_like(self.loc)

    def _z(self, x):  # TF's Normal (only) standardizes in a scope of its own
        with name_scope("standardize", values=[x]):
            return (x - self.loc) / self.scale


@RegisterKL(Normal, Normal)
def _kl_normal_normal(a, b, name=None):
    """KL[a || b] = (mu_a - mu_b)^2 / (2 s_b^2) + (r - 1 - log r) / 2, r = s_a^2 / s_b^2."""
    with name_scope(name, "kl_normal_normal", [a.loc, b.loc]):
        var_a, var_b = math_ops.square(a.scale), math_ops.square(b.scale)
        ratio = var_a / var_b
        return (math_ops.squared_difference(a.loc, b.loc) / (2. * var_b)
                + 0.5 * (ratio - 1. - math_ops.log(ratio)))
