"""tf.distributions.Uniform: the continuous uniform distribution on [low, high)."""

import math

from minitf.distributions import util
from minitf.distributions.distribution import FULLY_REPARAMETERIZED, ScalarEventDistribution
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, logging_ops, math_ops, random_ops


class Uniform(ScalarEventDistribution):
    """Uniform(low=0., high=1.): density 1 / (high - low) on [low, high), 0 elsewhere.

    Samples are low + (high - low) * a uniform draw (FULLY_REPARAMETERIZED).
    validate_args=True checks low < high."""

    def __init__(self, low=0., high=1., validate_args=False, allow_nan_stats=True,
                 name="Uniform"):
        parameters = dict(locals())
        with name_scope(name, values=[low, high]) as name:
            checks = [logging_ops.assert_less(
                low, high, message="uniform not defined when low >= high.")
                      ] if validate_args else []
            self._low, self._high = util.parameters_after(checks, low=low, high=high)
        super().__init__(dtype=self._low.dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._low, self._high],
                         name=name)

    @staticmethod
    def _param_shapes(sample_shape):
        return util.same_shape_for_each(sample_shape, ("low", "high"))

    @property
    def low(self):
        """The lower bound (included)."""
        return self._low

    @property
    def high(self):
        """The upper bound (excluded)."""
        return self._high

    def range(self, name="range"):
        """high - low."""
        with self._name_scope(name):
            return self.high - self.low

    def _batch_parameters(self):
        return [self._low, self._high]

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        draws = random_ops.random_uniform(shape, dtype=self.dtype, seed=seed)
        return self.low + self.range() * draws

    def _prob(self, x):
        x = x * array_ops.ones(self.batch_shape_tensor(), dtype=x.dtype)
        inside = math_ops.where_v2(math_ops.logical_or(x < self.low, x >= self.high),
                                   array_ops.zeros_like(x), array_ops.ones_like(x) / self.range())
        return math_ops.where_v2(math_ops.is_nan(x), x, inside)  # NaN stays NaN

    def _cdf(self, x):
        shape = array_ops.broadcast_dynamic_shape(array_ops.shape(x), self.batch_shape_tensor())
        zeros = array_ops.zeros(shape, dtype=self.dtype)
        ones = array_ops.ones(shape, dtype=self.dtype)
        below_high = math_ops.where_v2(x < self.low, zeros, (x * ones - self.low) / self.range())
        return math_ops.where_v2(x >= self.high, ones, below_high)

    def _entropy(self):
        return math_ops.log(self.range())

    def _mean(self):
        return (self.low + self.high) / 2.

    def _variance(self):
        return math_ops.square(self.range()) / 12.

    def _stddev(self):
        return self.range() / math.sqrt(12.)
