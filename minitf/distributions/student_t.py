"""tf.distributions.StudentT: Student's t with `df` degrees of freedom, location and scale."""

import math

import numpy as np

from minitf.distributions import util
from minitf.distributions.distribution import FULLY_REPARAMETERIZED, ScalarEventDistribution
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, logging_ops, math_ops, random_ops, special_math


class StudentT(ScalarEventDistribution):
    """StudentT(df, loc, scale): density proportional to (1 + y**2 / df)**(-(df + 1) / 2),
    y = (x - loc) / scale. Samples are loc + scale * z / sqrt(g / df) for a normal z and a
    Gamma(df / 2, 1 / 2) draw g (FULLY_REPARAMETERIZED). validate_args=True checks df > 0.
    cdf is TF's formula through tf.betainc (broadcast first: TF's fails for broadcast
    batches)."""

    def __init__(self, df, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="StudentT"):
        parameters = dict(locals())
        with name_scope(name, values=[df, loc, scale]) as name:
            checks = [logging_ops.assert_positive(df)] if validate_args else []
            self._df, self._loc, self._scale = util.parameters_after(
                checks, df=df, loc=loc, scale=scale)
        super().__init__(dtype=self._scale.dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._df, self._loc, self._scale],
                         name=name)

    @staticmethod
    def _param_shapes(sample_shape):
        return util.same_shape_for_each(sample_shape, ("df", "loc", "scale"))

    @property
    def df(self):
        """The degrees of freedom (> 0)."""
        return self._df

    @property
    def loc(self):
        """The location: the mode, and the mean where df > 1."""
        return self._loc

    @property
    def scale(self):
        """The scale."""
        return self._scale

    def _batch_parameters(self):
        return [self._df, self._loc, self._scale]

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        normal = random_ops.random_normal(shape, dtype=self.dtype, seed=seed)
        df = self.df * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        gamma = random_ops.random_gamma([n], 0.5 * df, beta=0.5, dtype=self.dtype,
                                        seed=util.gen_new_seed(seed, "student_t"))
        return normal * math_ops.rsqrt(gamma / df) * self.scale + self.loc

    def _log_prob(self, x):
        y = (x - self.loc) / self.scale
        return (-0.5 * (self.df + 1.) * math_ops.log1p(y ** 2. / self.df)
                - self._log_normalization())

    def _cdf(self, x):
        # abs(scale): the sign of y picks the tail
        y = (x - self.loc) / math_ops.abs(self.scale)
        x_t = self.df / (y ** 2. + self.df)
        neg_cdf = 0.5 * util.betainc(0.5 * self.df, 0.5 * array_ops.ones_like(x_t), x_t)
        return math_ops.where_v2(math_ops.less(y, 0.), neg_cdf, 1. - neg_cdf)

    def _log_normalization(self):
        return (math_ops.log(math_ops.abs(self.scale)) + 0.5 * math_ops.log(self.df)
                + 0.5 * math.log(math.pi) + special_math.lgamma(0.5 * self.df)
                - special_math.lgamma(0.5 * (self.df + 1.)))

    def _entropy(self):
        ones = array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)[..., array_ops.newaxis]
        halves = array_ops.concat([ones * self.df[..., array_ops.newaxis], ones], -1) / 2.
        return (math_ops.log(math_ops.abs(self.scale)) + 0.5 * math_ops.log(self.df)
                + util.lbeta(halves)
                + 0.5 * (self.df + 1.) * (special_math.digamma(0.5 * (self.df + 1.))
                                          - special_math.digamma(0.5 * self.df)))

    def _mean(self):
        """loc, defined where df > 1."""
        # (batch_shape_tensor() called where TF calls it, so its scopes number alike)
        mean = self.loc * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        ones = array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        return util.where_defined(self, mean, math_ops.greater(self.df, ones),
                                  self.batch_shape_tensor(),
                                  [(self.df, "mean not defined for components of df <= 1")])

    def _variance(self):
        """scale**2 df / (df - 2) where df > 2, infinite for 1 < df <= 2, undefined below."""
        # (batch_shape_tensor() called where TF calls it, so its scopes number alike)
        denominator = math_ops.where_v2(math_ops.greater(self.df, 2.), self.df - 2.,
                                        array_ops.ones_like(self.df))
        variance = (array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
                    * math_ops.square(self.scale) * self.df / denominator)
        two = array_ops.fill(self.batch_shape_tensor(), np.array(2., self.dtype.as_numpy_dtype))
        inf = array_ops.fill(self.batch_shape_tensor(), np.array(np.inf,
                                                                 self.dtype.as_numpy_dtype),
                             name="inf")
        finite_or_inf = math_ops.where_v2(self.df > two, variance, inf)
        ones = array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        return util.where_defined(self, finite_or_inf, math_ops.greater(self.df, ones),
                                  self.batch_shape_tensor(),
                                  [(self.df, "variance not defined for components of df <= 1")])

    def _mode(self):
        return array_ops.identity(self.loc)
