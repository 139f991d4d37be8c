"""tf.distributions.Categorical: one of K classes per batch member, by logits or probs."""

from minitf import dtypes
from minitf.distributions import util
from minitf.distributions.distribution import NOT_REPARAMETERIZED, ScalarEventDistribution
from minitf.distributions.kullback_leibler import RegisterKL
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, math_ops, nn_ops, random_ops
from minitf.ops.core import convert_to_tensor
from minitf.ops.rnn import sequence_mask


def _broadcast_event_and_params(event, params, base_dtype):
    """The class indices and the [..., K] parameters broadcast against each other (float
    indices are cast to int32)."""
    if event.dtype.is_floating:
        event = math_ops.cast(event, dtypes.int32)
    elif not event.dtype.is_integer:
        raise TypeError("`value` should have integer `dtype` or `self.dtype` (%s)"
                        % base_dtype.name)
    known = (params.shape.ndims is not None and params.shape[:-1].is_fully_defined()
             and event.shape.is_fully_defined())
    if not known or params.shape[:-1] != event.shape:
        params = params * array_ops.ones_like(event[..., array_ops.newaxis], dtype=params.dtype)
        event = event * array_ops.ones(array_ops.shape(params)[:-1], dtype=event.dtype)
        if params.shape.ndims is not None:
            event.set_shape(params.shape[:-1])
    return event, params


class Categorical(ScalarEventDistribution):
    """Categorical(logits=None, probs=None, dtype=tf.int32): class k in [0, K) with
    probability probs[..., k] (= softmax(logits)[..., k]); the last axis of logits / probs
    holds the K classes, the others are the batch. Samples carry no gradient
    (NOT_REPARAMETERIZED)."""

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Categorical"):
        parameters = dict(locals())
        with name_scope(name, values=[logits, probs]) as name:
            self._logits, self._probs = util.get_logits_and_probs(
                logits=logits, probs=probs, validate_args=validate_args, multidimensional=True,
                name=name)
            if validate_args:
                self._logits = util.embed_check_categorical_event_shape(self._logits)
            static = self._logits.shape
            if static.ndims == 0:
                raise ValueError("Shape %s must have rank at least 1" % static)
            if static.ndims is not None:
                self._batch_rank = convert_to_tensor(static.ndims - 1, dtype=dtypes.int32,
                                                     name="batch_rank")
            else:
                with name_scope("batch_rank"):
                    self._batch_rank = array_ops.rank(self._logits) - 1
            logits_shape = array_ops.shape(self._logits, name="logits_shape")
            if static.ndims is not None and static[-1].value is not None:
                self._event_size = convert_to_tensor(static[-1].value, dtype=dtypes.int32,
                                                     name="event_size")
            else:
                with name_scope("event_size"):
                    self._event_size = array_ops.gather(logits_shape, self._batch_rank)
            if static.ndims is not None and static[:-1].is_fully_defined():
                self._batch_shape_val = convert_to_tensor(static[:-1].as_list(),
                                                          dtype=dtypes.int32,
                                                          name="batch_shape")
            else:
                with name_scope("batch_shape"):
                    self._batch_shape_val = logits_shape[:-1]
        super().__init__(dtype=dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=name)

    @property
    def event_size(self):
        """K, the number of classes (a scalar int32 tensor)."""
        return self._event_size

    @property
    def logits(self):
        """The log-probabilities, up to a constant per batch member."""
        return self._logits

    @property
    def probs(self):
        """The probabilities of the classes (last axis)."""
        return self._probs

    def _batch_shape_tensor(self):
        return array_ops.identity(self._batch_shape_val)

    def _batch_shape(self):
        return self.logits.shape[:-1]

    def _sample_n(self, n, seed=None):
        if self.logits.shape.ndims == 2:
            logits_2d = self.logits
        else:
            logits_2d = array_ops.reshape(self.logits, [-1, self.event_size])
        wide = self.dtype.size > 4
        draws = random_ops.multinomial(logits_2d, n, seed=seed,
                                       output_dtype=dtypes.int64 if wide else dtypes.int32)
        draws = array_ops.reshape(array_ops.transpose(draws),
                                  array_ops.concat([[n], self.batch_shape_tensor()], 0))
        return math_ops.cast(draws, self.dtype)

    def _checked_classes(self, k):
        k = convert_to_tensor(k, name="k")
        if self.validate_args:
            k = util.embed_check_integer_casting_closed(k, target_dtype=dtypes.int32)
        return k

    def _cdf(self, k):
        k, probs = _broadcast_event_and_params(self._checked_classes(k), self.probs,
                                               self.dtype.base_dtype)
        flat_probs = array_ops.reshape(probs, (-1, self._event_size))
        flat_k = array_ops.reshape(k, [-1])
        below_k = math_ops.where(sequence_mask(flat_k, self._event_size), flat_probs,
                                 array_ops.zeros_like(flat_probs))
        return array_ops.reshape(math_ops.reduce_sum(below_k, axis=-1), array_ops.shape(k))

    def _log_prob(self, k):
        k, logits = _broadcast_event_and_params(self._checked_classes(k), self.logits,
                                                self.dtype.base_dtype)
        return -nn_ops.sparse_softmax_cross_entropy_with_logits(labels=k, logits=logits)

    def _entropy(self):
        return -math_ops.reduce_sum(nn_ops.log_softmax(self.logits) * self.probs, axis=-1)

    def _mode(self):
        axis = self.logits.shape.ndims - 1 if self.logits.shape.ndims is not None else -1
        mode = math_ops.cast(math_ops.argmax(self.logits, axis=axis), self.dtype)
        mode.set_shape(self.batch_shape)
        return mode


@RegisterKL(Categorical, Categorical)
def _kl_categorical_categorical(a, b, name=None):
    """KL[a || b] = sum_k p_a[k] (log p_a[k] - log p_b[k])."""
    with name_scope(name, "kl_categorical_categorical", values=[a.logits, b.logits]):
        delta_log_probs = nn_ops.log_softmax(a.logits) - nn_ops.log_softmax(b.logits)
        return math_ops.reduce_sum(nn_ops.softmax(a.logits) * delta_log_probs, axis=-1)
