"""tf.contrib.seq2seq: sequence_loss (the weighted cross-entropy of sequence models), the
decoding API of minitf/contrib/seq2seq_decoder.py, and the attention mechanisms and
AttentionWrapper of minitf/contrib/seq2seq_attention.py."""

from minitf.contrib.seq2seq_attention import *  # noqa: F401,F403
from minitf.contrib.seq2seq_attention import __all__ as _attention_names
from minitf.framework.graph import name_scope
from minitf.ops.array_ops import reshape, shape
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import div_no_nan, reduce_sum
from minitf.ops.nn_ops import sparse_softmax_cross_entropy_with_logits

from minitf.contrib.seq2seq_decoder import *  # noqa: F401,F403 - Helpers, decoders, dynamic_decode

__all__ = ["sequence_loss"] + _attention_names


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None, name=None,
                  sum_over_timesteps=False, sum_over_batch=False):
    """tf.contrib.seq2seq.sequence_loss: the cross-entropy of logits [batch, time, classes]
    against targets [batch, time], weighted by weights [batch, time]; averaged (by the total
    weight) or summed over time and/or batch, as TF1."""
    logits, targets, weights = (convert_to_tensor(t) for t in (logits, targets, weights))
    if logits.shape.ndims not in (None, 3):
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if targets.shape.ndims not in (None, 2):
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if weights.shape.ndims not in (None, 2):
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to "
                         "True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at "
                         "same time.")
    with name_scope(name, "sequence_loss", [logits, targets, weights]):
        num_classes = shape(logits)[2]
        logits_flat = reshape(logits, [-1, num_classes])
        targets_flat = reshape(targets, [-1])
        if softmax_loss_function is None:
            crossent = sparse_softmax_cross_entropy_with_logits(labels=targets_flat,
                                                                logits=logits_flat)
        else:
            crossent = softmax_loss_function(labels=targets_flat, logits=logits_flat)
        crossent *= reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return div_no_nan(reduce_sum(crossent), reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            return div_no_nan(reduce_sum(crossent), reduce_sum(weights))
        crossent = reshape(crossent, shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return div_no_nan(reduce_sum(crossent, axis), reduce_sum(weights, axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            return div_no_nan(reduce_sum(crossent, axis), reduce_sum(weights, axis))
        return crossent
