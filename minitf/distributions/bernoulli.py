"""tf.distributions.Bernoulli: one coin flip per batch member, by logits or probs."""

from minitf import dtypes
from minitf.distributions import util
from minitf.distributions.distribution import NOT_REPARAMETERIZED, ScalarEventDistribution
from minitf.distributions.kullback_leibler import RegisterKL
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, math_ops, nn_ops, random_ops


class Bernoulli(ScalarEventDistribution):
    """Bernoulli(logits=None, probs=None, dtype=tf.int32): 1 with probability `probs`
    (= sigmoid(logits)), else 0; give exactly one of logits and probs. Samples have `dtype`
    and carry no gradient (NOT_REPARAMETERIZED)."""

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Bernoulli"):
        parameters = dict(locals())
        with name_scope(name) as name:
            self._logits, self._probs = util.get_logits_and_probs(
                logits=logits, probs=probs, validate_args=validate_args, name=name)
        super().__init__(dtype=dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=name)

    @staticmethod
    def _param_shapes(sample_shape):
        return util.same_shape_for_each(sample_shape, ("logits",))

    @property
    def logits(self):
        """The log-odds of a 1."""
        return self._logits

    @property
    def probs(self):
        """The probability of a 1."""
        return self._probs

    def _batch_parameters(self):
        return [self._logits]

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        uniform = random_ops.random_uniform(shape, seed=seed, dtype=self.probs.dtype)
        return math_ops.cast(math_ops.less(uniform, self.probs), self.dtype)

    def _log_prob(self, event):
        if self.validate_args:
            event = util.embed_check_integer_casting_closed(event, target_dtype=dtypes.bool)
        event = math_ops.cast(event, self.logits.dtype)
        logits = self.logits
        if not (event.shape.is_fully_defined() and logits.shape.is_fully_defined()
                and event.shape == logits.shape):
            logits, event = (array_ops.ones_like(event) * logits,
                             array_ops.ones_like(logits) * event)
        return -nn_ops.sigmoid_cross_entropy_with_logits(labels=event, logits=logits)

    def _entropy(self):
        return (-self.logits * (math_ops.sigmoid(self.logits) - 1)
                + nn_ops.softplus(-self.logits))

    def _mean(self):
        return array_ops.identity(self.probs)

    def _variance(self):
        return self._mean() * (1. - self.probs)

    def _mode(self):
        return math_ops.cast(self.probs > 0.5, self.dtype)


@RegisterKL(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(a, b, name=None):
    """KL[a || b] = sum over {0, 1} of p_a log(p_a / p_b), through softplus of the logits."""
    with name_scope(name, "kl_bernoulli_bernoulli", values=[a.logits, b.logits]):
        delta_log_p0 = nn_ops.softplus(-b.logits) - nn_ops.softplus(-a.logits)
        delta_log_p1 = nn_ops.softplus(b.logits) - nn_ops.softplus(a.logits)
        return (math_ops.sigmoid(a.logits) * delta_log_p0
                + math_ops.sigmoid(-a.logits) * delta_log_p1)
