"""tf.contrib.losses (slim.losses): TF1's older loss functions, predictions or logits first,
whose weights may have fewer dimensions than the losses (a weight per example); built on
tf.losses."""

from minitf import losses as _tf_losses
from minitf.framework.graph import name_scope
from minitf.losses import add_loss, get_losses, get_regularization_losses
from minitf.ops.array_ops import ones_like, reshape, squeeze, zeros_like
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import (cast, div_no_nan, greater, multiply, not_equal, reduce_sum,
                                 square, subtract, where)
from minitf.ops.nn_ops import relu
from minitf import dtypes

__all__ = ["absolute_difference", "add_loss", "compute_weighted_loss", "cosine_distance",
           "get_losses", "get_regularization_losses", "get_total_loss", "hinge_loss",
           "log_loss", "mean_pairwise_squared_error", "mean_squared_error",
           "sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy"]


def _leading(weights, rank):
    """contrib's weights: a scalar, or the leading dimensions of the losses (a last dimension
    of 1 dropped); given trailing 1s up to `rank`, so tf.losses broadcasts them alike."""
    weights = convert_to_tensor(weights, dtype=dtypes.float32) if not hasattr(weights, "dtype") \
        else cast(weights, dtypes.float32)
    dims = weights.shape.ndims
    if dims is None:
        raise ValueError("weights.get_shape().ndims cannot be None")
    if dims > 1 and weights.shape[-1].is_compatible_with(1):
        weights, dims = squeeze(weights, [-1]), dims - 1
    if 0 < dims < rank:
        known = weights.shape.as_list()
        weights = reshape(weights, [-1 if d is None else d for d in known] + [1] * (rank - dims))
    return weights


def compute_weighted_loss(losses, weights=1.0, scope=None):
    """The weighted mean of `losses`: sum(losses * weights) / the number of losses with a
    non-zero weight, added to tf.GraphKeys.LOSSES."""
    losses = convert_to_tensor(losses)
    if losses.shape.ndims is None:
        raise ValueError("losses.get_shape().ndims cannot be None")
    return _tf_losses.compute_weighted_loss(losses, _leading(weights, losses.shape.ndims),
                                            scope=scope)


def absolute_difference(predictions, labels=None, weights=1.0, scope=None):
    """The weighted mean of |predictions - labels|."""
    return _tf_losses.absolute_difference(labels, predictions,
                                          _leading(weights, predictions.shape.ndims), scope)


def mean_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """The weighted mean of (predictions - labels) ** 2."""
    return _tf_losses.mean_squared_error(labels, predictions,
                                         _leading(weights, predictions.shape.ndims), scope)


def log_loss(predictions, labels=None, weights=1.0, epsilon=1e-7, scope=None):
    """The weighted mean of the binary cross-entropy of probabilities `predictions`."""
    return _tf_losses.log_loss(labels, predictions,
                               _leading(weights, predictions.shape.ndims), epsilon, scope)


def sigmoid_cross_entropy(logits, multi_class_labels, weights=1.0, label_smoothing=0,
                          scope=None):
    """The weighted mean of tf.nn.sigmoid_cross_entropy_with_logits (labels smoothed towards
    1/2 by label_smoothing)."""
    return _tf_losses.sigmoid_cross_entropy(multi_class_labels, logits,
                                            _leading(weights, logits.shape.ndims),
                                            label_smoothing, scope)


def softmax_cross_entropy(logits, onehot_labels, weights=1.0, label_smoothing=0, scope=None):
    """The weighted mean over examples of the softmax cross-entropy (one-hot labels smoothed
    towards 1/classes by label_smoothing)."""
    return _tf_losses.softmax_cross_entropy(onehot_labels, logits,
                                            _leading(weights, logits.shape.ndims - 1),
                                            label_smoothing, scope)


def sparse_softmax_cross_entropy(logits, labels, weights=1.0, scope=None):
    """The weighted mean over examples of the softmax cross-entropy of class indices."""
    return _tf_losses.sparse_softmax_cross_entropy(labels, logits, _leading(weights, 1), scope)


def cosine_distance(predictions, labels=None, axis=None, weights=1.0, scope=None, dim=None):
    """The weighted mean of 1 - sum(predictions * labels) over `axis` (unit vectors)."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    return _tf_losses.cosine_distance(labels, predictions, axis,
                                      _leading(weights, predictions.shape.ndims), scope)


def mean_pairwise_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """For each example, 2 * (the mean of d ** 2 - the squared mean of d), d = predictions -
    labels over its elements (contrib's normalization by n and n ** 2, where tf.losses' uses
    n - 1 and n (n - 1)); weighted per example and summed."""
    with name_scope(scope, "mean_pairwise_squared_error", [predictions, labels, weights]):
        predictions.shape.assert_is_compatible_with(labels.shape)
        diffs = subtract(cast(predictions, dtypes.float32), cast(labels, dtypes.float32))
        rank = diffs.shape.ndims
        if rank is None:
            raise ValueError("diffs.get_shape().ndims cannot be None")
        weights = _leading(weights, 1)
        axis = list(range(1, rank))
        present = reduce_sum(cast(not_equal(_leading(weights, rank), 0.0), dtypes.float32) *
                             ones_like(diffs), axis=axis)
        term1 = 2.0 * div_no_nan(reduce_sum(square(diffs), axis=axis), present, name="value")
        term2 = 2.0 * div_no_nan(square(reduce_sum(diffs, axis=axis)), square(present),
                                 name="value")
        loss = reduce_sum(multiply(term1 - term2, weights))
        mean_loss = where(greater(reduce_sum(present), 0.0), loss, zeros_like(loss),
                          name="value")
        add_loss(mean_loss)
        return mean_loss


def hinge_loss(logits, labels=None, scope=None):
    """The hinge loss of each logit, max(0, 1 - (2 labels - 1) * logits): not reduced and not
    added to the loss collection (contrib's)."""
    with name_scope(scope, "hinge_loss", [logits, labels]):
        logits.shape.assert_is_compatible_with(labels.shape)
        labels = cast(labels, dtypes.float32)
        all_ones = ones_like(labels)
        labels = subtract(2 * labels, all_ones)
        return relu(subtract(all_ones, multiply(labels, logits)))


def get_total_loss(add_regularization_losses=True, name="total_loss"):
    """The sum of the LOSSES collection and (by default) the regularization losses."""
    return _tf_losses.get_total_loss(add_regularization_losses, name)
