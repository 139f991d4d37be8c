"""tf.distributions.Dirichlet (a distribution over the probability simplex) and
DirichletMultinomial (counts from a Dirichlet-distributed multinomial); the last axis of
`concentration` holds the K classes, the others are the batch."""

from minitf import dtypes
from minitf.distributions import util
from minitf.distributions.distribution import (FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED,
                                               Distribution)
from minitf.distributions.kullback_leibler import RegisterKL
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, logging_ops, math_ops, random_ops, special_math
from minitf.ops.core import convert_to_tensor
from minitf.ops.linalg_ops import matrix_set_diag
from minitf.ops.ranges import one_hot


class _VectorEvent(Distribution):
    """Shapes of a distribution over vectors of K = concentration.shape[-1] entries: the
    batch is the shape of total_concentration (the concentrations' sum over the classes)."""

    def _batch_shape_tensor(self):
        return array_ops.shape(self._total_concentration)

    def _batch_shape(self):
        return self._total_concentration.shape

    def _event_shape_tensor(self):
        return array_ops.shape(self._concentration)[-1:]

    def _event_shape(self):
        shape = self._concentration.shape
        if shape.ndims == 0:
            raise ValueError("Shape %s must have rank at least 1" % shape)
        return shape[-1:] if shape.ndims is not None else shape

    @property
    def concentration(self):
        """The concentration of each class (last axis)."""
        return self._concentration

    @property
    def total_concentration(self):
        """The concentrations summed over the classes."""
        return self._total_concentration

    def _covariance_from(self, scale):
        """Dirichlet(-multinomial) covariance: -outer(x, x) off the diagonal with x = scale *
        mean, the variance on it."""
        x = scale * self._mean()
        outer = math_ops.matmul(x[..., array_ops.newaxis], x[..., array_ops.newaxis, :])
        return matrix_set_diag(-outer, self._variance())


class Dirichlet(_VectorEvent):
    """Dirichlet(concentration): density proportional to prod_k x_k**(c_k - 1) on the simplex
    (x_k > 0, sum_k x_k = 1). Samples are normalized gamma draws, differentiable to the
    concentration (FULLY_REPARAMETERIZED)."""

    def __init__(self, concentration, validate_args=False, allow_nan_stats=True,
                 name="Dirichlet"):
        parameters = dict(locals())
        with name_scope(name, values=[concentration]) as name:
            concentration = convert_to_tensor(concentration, name="concentration")
            if validate_args:
                concentration = util.with_dependencies([
                    logging_ops.assert_positive(
                        concentration, message="Concentration parameter must be positive."),
                    logging_ops.assert_rank_at_least(
                        concentration, 1,
                        message="Concentration parameter must have >=1 dimensions."),
                    logging_ops.assert_less(
                        1, array_ops.shape(concentration)[-1],
                        message="Concentration parameter must have event_size >= 2.")],
                    concentration)
            self._concentration = concentration
            self._total_concentration = math_ops.reduce_sum(concentration, -1)
        super().__init__(dtype=self._concentration.dtype,
                         reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._concentration, self._total_concentration],
                         name=name)

    def _sample_n(self, n, seed=None):
        gamma = random_ops.random_gamma([n], alpha=self.concentration, dtype=self.dtype,
                                        seed=seed)
        return gamma / math_ops.reduce_sum(gamma, -1, keepdims=True)

    def _log_prob(self, x):
        x = self._valid_sample(x)
        return (math_ops.reduce_sum(math_ops.xlogy(self.concentration - 1., x), -1)
                - util.lbeta(self.concentration))

    def _prob(self, x):
        return math_ops.exp(self._log_prob(x))

    def _entropy(self):
        k = math_ops.cast(self.event_shape_tensor()[0], self.dtype)
        total = self.total_concentration
        return (util.lbeta(self.concentration) + (total - k) * special_math.digamma(total)
                - math_ops.reduce_sum((self.concentration - 1.)
                                      * special_math.digamma(self.concentration), axis=-1))

    def _mean(self):
        return self.concentration / self.total_concentration[..., array_ops.newaxis]

    def _variance(self):
        scale = self._variance_scale()
        x = scale * self._mean()
        return x * (scale - x)

    def _covariance(self):
        return self._covariance_from(self._variance_scale())

    def _variance_scale(self):
        return math_ops.rsqrt(1. + self.total_concentration[..., array_ops.newaxis])

    def _mode(self):
        """(c - 1) / (total - K), defined where every concentration is > 1."""
        k = math_ops.cast(self.event_shape_tensor()[0], self.dtype)
        mode = (self.concentration - 1.) / (self.total_concentration[..., array_ops.newaxis] - k)
        # (TF 1.15 broadcasts the batch's condition against the classes axis; per member here)
        defined = math_ops.reduce_all(self.concentration > 1., axis=-1)[..., array_ops.newaxis]
        return util.where_defined(
            self, mode, defined, array_ops.shape(mode),
            [(self.concentration, "Mode undefined when any concentration <= 1")])

    def _valid_sample(self, x):
        if not self.validate_args:
            return x
        return util.with_dependencies([
            logging_ops.assert_positive(x, message="samples must be positive"),
            logging_ops.assert_near(array_ops.ones([], dtype=self.dtype),
                                    math_ops.reduce_sum(x, -1),
                                    message="sample last-dimension must sum to `1`")], x)


class DirichletMultinomial(_VectorEvent):
    """DirichletMultinomial(total_count, concentration): counts of `total_count` draws over K
    classes whose probabilities are themselves Dirichlet(concentration). Samples (float counts
    of the concentration's dtype) carry no gradient (NOT_REPARAMETERIZED)."""

    def __init__(self, total_count, concentration, validate_args=False, allow_nan_stats=True,
                 name="DirichletMultinomial"):
        parameters = dict(locals())
        with name_scope(name, values=[total_count, concentration]) as name:
            self._total_count = convert_to_tensor(total_count, name="total_count")
            if validate_args:
                self._total_count = util.embed_check_nonnegative_integer_form(self._total_count)
            concentration = convert_to_tensor(concentration, name="concentration")
            if validate_args:
                concentration = util.embed_check_categorical_event_shape(concentration)
                concentration = util.with_dependencies([logging_ops.assert_positive(
                    concentration, message="Concentration parameter must be positive.")],
                    concentration)
            self._concentration = concentration
            self._total_concentration = math_ops.reduce_sum(concentration, -1)
        super().__init__(dtype=self._concentration.dtype,
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._concentration], name=name)

    @property
    def total_count(self):
        """The number of draws."""
        return self._total_count

    def _sample_n(self, n, seed=None):
        n_draws = math_ops.cast(self.total_count, dtypes.int32)
        k = self.event_shape_tensor()[0]
        gamma = random_ops.random_gamma([n], alpha=self.concentration, dtype=self.dtype,
                                        seed=seed)
        logits = array_ops.reshape(math_ops.log(gamma), [-1, k])
        draws = random_ops.multinomial(logits, n_draws,
                                       seed=util.gen_new_seed(seed, "dirichlet_multinomial"))
        counts = math_ops.reduce_sum(one_hot(draws, depth=k), -2)
        final_shape = array_ops.concat([[n], self.batch_shape_tensor(), [k]], 0)
        return math_ops.cast(array_ops.reshape(counts, final_shape), self.dtype)

    def _log_prob(self, counts):
        counts = _valid_counts(self, counts)
        return (util.lbeta(self.concentration + counts) - util.lbeta(self.concentration)
                + util.log_combinations(self.total_count, counts))

    def _prob(self, counts):
        return math_ops.exp(self._log_prob(counts))

    def _mean(self):
        return self.total_count * (self.concentration
                                   / self.total_concentration[..., array_ops.newaxis])

    def _variance(self):
        scale = self._variance_scale()
        x = scale * self._mean()
        return x * (self.total_count * scale - x)

    def _covariance(self):
        return self._covariance_from(self._variance_scale())

    def _variance_scale(self):
        total = self.total_concentration[..., array_ops.newaxis]
        return math_ops.sqrt((1. + total / self.total_count) / (1. + total))


def _valid_counts(dist, counts):
    """Counts checked (validate_args) to be non-negative integers summing to total_count."""
    if not dist.validate_args:
        return counts
    counts = util.embed_check_nonnegative_integer_form(counts)
    return util.with_dependencies([logging_ops.assert_equal(
        dist.total_count, math_ops.reduce_sum(counts, -1),
        message="counts last-dimension must sum to `self.total_count`")], counts)


@RegisterKL(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(d1, d2, name=None):
    """KL[d1 || d2] = sum_k (c1_k - c2_k)(digamma(c1_k) - digamma(total1)) - lbeta(c1) +
    lbeta(c2)."""
    with name_scope(name, "kl_dirichlet_dirichlet", values=[d1.concentration,
                                                            d2.concentration]):
        digamma_total = special_math.digamma(
            math_ops.reduce_sum(d1.concentration, axis=-1, keepdims=True))
        digamma_diff = special_math.digamma(d1.concentration) - digamma_total
        return (math_ops.reduce_sum((d1.concentration - d2.concentration) * digamma_diff,
                                    axis=-1)
                - util.lbeta(d1.concentration) + util.lbeta(d2.concentration))
