"""tf.distributions.Multinomial: counts of `total_count` draws over K classes, by logits or
probs (classes on the last axis)."""

from minitf import dtypes
from minitf.distributions import util
from minitf.distributions.dirichlet import _valid_counts
from minitf.distributions.distribution import NOT_REPARAMETERIZED, Distribution
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, math_ops, nn_ops, random_ops
from minitf.ops.core import convert_to_tensor
from minitf.ops.linalg_ops import matrix_set_diag
from minitf.ops.ranges import one_hot
from minitf.ops.rnn import sequence_mask


class Multinomial(Distribution):
    """Multinomial(total_count, logits=None, probs=None): how many of `total_count` draws
    fall in each of K classes of probabilities probs (= softmax(logits)). total_count
    broadcasts with the batch; samples (float counts) carry no gradient
    (NOT_REPARAMETERIZED)."""

    def __init__(self, total_count, logits=None, probs=None, validate_args=False,
                 allow_nan_stats=True, name="Multinomial"):
        parameters = dict(locals())
        with name_scope(name, values=[total_count, logits, probs]) as name:
            self._total_count = convert_to_tensor(total_count, name="total_count")
            if validate_args:
                self._total_count = util.embed_check_nonnegative_integer_form(self._total_count)
            self._logits, self._probs = util.get_logits_and_probs(
                logits=logits, probs=probs, multidimensional=True, validate_args=validate_args,
                name=name)
            self._mean_val = self._total_count[..., array_ops.newaxis] * self._probs
        super().__init__(dtype=self._probs.dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._logits, self._probs],
                         name=name)

    @property
    def total_count(self):
        """The number of draws."""
        return self._total_count

    @property
    def logits(self):
        """The log-probabilities of the classes, up to a constant."""
        return self._logits

    @property
    def probs(self):
        """The probabilities of the classes (last axis)."""
        return self._probs

    def _batch_shape_tensor(self):
        return array_ops.shape(self._mean_val)[:-1]

    def _batch_shape(self):
        shape = self._mean_val.shape
        return shape[:-1] if shape.ndims is not None else shape

    def _event_shape_tensor(self):
        return array_ops.shape(self._mean_val)[-1:]

    def _event_shape(self):
        shape = self._mean_val.shape
        return shape[-1:] if shape.ndims is not None else shape

    def _sample_n(self, n, seed=None):
        # Each batch member draws n * (its count) classes; one multinomial op draws n times
        # the largest count for every member, and the draws past a member's count are masked.
        k = self.event_shape_tensor()[0]
        n_draws = math_ops.cast(self.total_count, dtypes.int32)
        n_draws = array_ops.ones_like(self.logits[..., 0], dtype=dtypes.int32) * n_draws
        logits = array_ops.ones_like(n_draws[..., array_ops.newaxis],
                                     dtype=self.logits.dtype) * self.logits
        flat_logits = array_ops.reshape(logits, [-1, k])
        flat_counts = array_ops.reshape(n_draws, [-1])
        most = math_ops.reduce_max(flat_counts)
        draws = random_ops.multinomial(flat_logits, n * most, seed=seed)
        draws = array_ops.reshape(draws, array_ops.stack([-1, n, most]), name="draws")
        kept = math_ops.cast(sequence_mask(flat_counts, most), self.dtype)
        counts = math_ops.reduce_sum(one_hot(draws, depth=k, dtype=self.dtype)
                                     * kept[:, array_ops.newaxis, :, array_ops.newaxis], -2)
        counts = array_ops.transpose(counts, [1, 0, 2])
        final_shape = array_ops.concat([[n], self.batch_shape_tensor(), [k]], 0)
        return array_ops.reshape(counts, final_shape)

    def _log_prob(self, counts):
        counts = _valid_counts(self, counts)
        log_normalization = -util.log_combinations(self.total_count, counts)
        return math_ops.reduce_sum(counts * nn_ops.log_softmax(self.logits), -1) - log_normalization

    def _mean(self):
        return array_ops.identity(self._mean_val)

    def _variance(self):
        p = self.probs * array_ops.ones_like(self.total_count)[..., array_ops.newaxis]
        return self._mean_val - self._mean_val * p

    def _covariance(self):
        p = self.probs * array_ops.ones_like(self.total_count)[..., array_ops.newaxis]
        outer = math_ops.matmul(self._mean_val[..., array_ops.newaxis],
                                p[..., array_ops.newaxis, :])
        return matrix_set_diag(-outer, self._variance())
