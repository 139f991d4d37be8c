"""tf.distributions.Laplace: the double exponential with location `loc` and scale `scale`."""

import math

import numpy as np

from minitf.distributions import special_math
from minitf.distributions.distribution import LocationScaleDistribution
from minitf.ops import array_ops, math_ops, random_ops


class Laplace(LocationScaleDistribution):
    """Laplace(loc, scale): density exp(-|x - loc| / scale) / (2 scale).

    Samples invert the cdf at a uniform draw in (-1, 1) (FULLY_REPARAMETERIZED).
    validate_args=True checks scale > 0."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Laplace"):
        super().__init__(loc, scale, validate_args, allow_nan_stats, name, dict(locals()))

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        np_dtype = self.dtype.as_numpy_dtype
        # -1 excluded: log1p(-|u|) must stay finite.
        u = random_ops.random_uniform(shape, minval=np.nextafter(np_dtype(-1.), np_dtype(0.)),
                                      maxval=1., dtype=self.dtype, seed=seed)
        return self.loc - self.scale * math_ops.sign(u) * math_ops.log1p(-math_ops.abs(u))

    def _log_prob(self, x):
        return -math_ops.abs(self._z(x)) - (math.log(2.) + math_ops.log(self.scale))

    def _prob(self, x):
        return math_ops.exp(self._log_prob(x))

    def _log_cdf(self, x):
        return special_math.log_cdf_laplace(self._z(x))

    def _log_survival_function(self, x):
        return special_math.log_cdf_laplace(-self._z(x))

    def _cdf(self, x):
        z = self._z(x)
        return 0.5 + 0.5 * math_ops.sign(z) * (1. - math_ops.exp(-math_ops.abs(z)))

    def _entropy(self):
        return math.log(2.) + 1. + math_ops.log(self.scale + array_ops.zeros_like(self.loc))

    def _mean(self):
        return self.loc + array_ops.zeros_like(self.scale)

    def _mode(self):
        return self._mean()

    def _stddev(self):
        return math.sqrt(2.) * self.scale + array_ops.zeros_like(self.loc)
