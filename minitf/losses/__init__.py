"""tf.losses: TF1's loss functions (weighted, reduced as `Reduction` says, added to the LOSSES
collection) and the helpers that collect losses and regularization losses.

Each function works as TF1's losses_impl does: inputs are cast as TF casts them, the loss per
element is multiplied by `weights` (a scalar, or a tensor broadcastable to the losses: the same
rank, each dimension 1 or equal), then reduced. The default reduction, SUM_BY_NONZERO_WEIGHTS,
divides the weighted sum by the number of elements whose weight is not zero (0 when all are).
Ops are named as TF names them (`softmax_cross_entropy_loss/value:0`).
"""

from minitf import dtypes
from minitf.framework.graph import GraphKeys, add_to_collection, get_collection, name_scope
from minitf.ops.array_ops import (ones_like, rank, shape, size, squeeze, stop_gradient,
                                  zeros_like)
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.math_ops import (abs, add, add_n, cast, div_no_nan, equal, greater, log, maximum,
                                 minimum, multiply, range, reduce_sum, square, squared_difference,
                                 subtract, where)
from minitf.ops.nn_ops import (relu, sigmoid_cross_entropy_with_logits,
                               softmax_cross_entropy_with_logits_v2,
                               sparse_softmax_cross_entropy_with_logits)

__all__ = ["Reduction", "compute_weighted_loss", "absolute_difference", "cosine_distance",
           "hinge_loss", "huber_loss", "log_loss", "mean_pairwise_squared_error",
           "mean_squared_error",
           "sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy",
           "add_loss", "get_losses", "get_regularization_losses", "get_regularization_loss",
           "get_total_loss"]


class Reduction:
    """How a loss function reduces its weighted losses (TF1's string values)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError("Invalid Reduction Key %s. Key should be one of %s."
                             % (key, cls.all()))


def _check_broadcastable(weights, values):
    """TF's assert_broadcastable, statically: weights are a scalar, or have the values' rank
    with each dimension 1 or equal to the values'. Unknown shapes are not checked."""
    w, v = weights.shape.as_tuple(), values.shape.as_tuple()
    if w is None or v is None or not w:
        return
    if len(w) != len(v) or any(dw is not None and dv is not None and dw not in (1, dv)
                               for dw, dv in zip(w, v)):
        raise ValueError("weights can not be broadcast to values. values.rank=%d. weights.rank=%d."
                         " values.shape=%s. weights.shape=%s. Received weights=%s, values=%s"
                         % (len(v), len(w), values.shape, weights.shape, weights, values))


def _num_present(losses, weights, per_batch=False):
    """The number of losses whose (broadcast) weight is not zero, as a float32 scalar (with
    `per_batch`, for each entry of the first axis, keeping the other axes as 1s)."""
    with name_scope(None, "num_present", (losses, weights)) as scope:
        weights = cast(weights, dtypes.float32)
        present = where(equal(weights, 0.0), zeros_like(weights), ones_like(weights))
        with name_scope(None, "broadcast_weights", (present, losses)) as bscope:
            present = multiply(present, ones_like(losses), name=bscope)
        if per_batch:
            return reduce_sum(present, axis=range(1, rank(present)), keepdims=True, name=scope)
        return reduce_sum(present, name=scope)


def _num_elements(losses):
    with name_scope(None, "num_elements", (losses,)) as scope:
        return cast(size(losses, name=scope), losses.dtype)


def _safe_mean(losses, num_present):
    return div_no_nan(reduce_sum(losses), num_present, name="value")


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.compute_weighted_loss: `losses * weights` reduced by `reduction`, computed in
    float32 and cast back to the losses' dtype, added to `loss_collection`."""
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", (losses, weights)):
        losses = convert_to_tensor(losses)
        input_dtype = losses.dtype
        losses = cast(losses, dtypes.float32)
        weights = cast(weights, dtypes.float32)
        _check_broadcastable(weights, losses)
        weighted_losses = multiply(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted_losses
        else:
            loss = reduce_sum(weighted_losses)
            if reduction == Reduction.MEAN:
                loss = _safe_mean(loss, reduce_sum(ones_like(losses) * weights))
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _safe_mean(loss, _num_present(losses, weights))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _safe_mean(loss, _num_elements(losses))
        loss = cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


def _check_given(**arguments):
    for name, value in arguments.items():  # in the caller's order
        if value is None:
            raise ValueError("%s must not be None." % name)


def _float32_pair(labels, predictions, predictions_name="predictions"):
    _check_given(labels=labels, **{predictions_name: predictions})
    return cast(labels, dtypes.float32), cast(predictions, dtypes.float32)


def _check_compatible(a, b):
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError("Shapes %s and %s are incompatible" % (a.shape, b.shape))


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.absolute_difference: |predictions - labels|, weighted and reduced."""
    labels, predictions = _float32_pair(labels, predictions)
    with name_scope(scope, "absolute_difference", (predictions, labels, weights)) as scope:
        _check_compatible(predictions, labels)
        losses = abs(subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """tf.losses.cosine_distance: 1 - sum(labels * predictions, axis), for unit-normalized
    inputs; `axis` is required."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    labels, predictions = _float32_pair(labels, predictions)
    with name_scope(scope, "cosine_distance_loss", (predictions, labels, weights)) as scope:
        _check_compatible(predictions, labels)
        radial_diffs = multiply(predictions, labels)
        losses = 1 - reduce_sum(radial_diffs, axis=(axis,), keepdims=True)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.hinge_loss: relu(1 - (2 * labels - 1) * logits), labels in {0, 1}."""
    labels, logits = _float32_pair(labels, logits, predictions_name="logits")
    with name_scope(scope, "hinge_loss", (logits, labels, weights)) as scope:
        _check_compatible(logits, labels)
        all_ones = ones_like(labels)
        labels = subtract(2 * labels, all_ones)
        losses = relu(subtract(all_ones, multiply(labels, logits)))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.huber_loss: 0.5 * e**2 where |e| <= delta, else delta * (|e| - 0.5 * delta)."""
    labels, predictions = _float32_pair(labels, predictions)
    with name_scope(scope, "huber_loss", (predictions, labels, weights)) as scope:
        _check_compatible(predictions, labels)
        abs_error = abs(subtract(predictions, labels))
        quadratic = minimum(abs_error, delta)
        linear = subtract(abs_error, quadratic)
        losses = add(multiply(convert_to_tensor(0.5, dtype=quadratic.dtype),
                              multiply(quadratic, quadratic)),
                     multiply(delta, linear))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.log_loss: -labels * log(p + eps) - (1 - labels) * log(1 - p + eps)."""
    labels, predictions = _float32_pair(labels, predictions)
    with name_scope(scope, "log_loss", (predictions, labels, weights)) as scope:
        _check_compatible(predictions, labels)
        losses = -multiply(labels, log(predictions + epsilon)) - multiply(
            (1 - labels), log(1 - predictions + epsilon))
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=GraphKeys.LOSSES):
    """tf.losses.mean_pairwise_squared_error: for each entry of the batch (axis 0), the mean
    over pairs of its elements of ((p_i - p_j) - (l_i - l_j))^2, computed as TF does from the
    sums of the differences and of their squares; times `weights` (one per batch entry, or
    broadcastable to the inputs: zero-weighted elements leave the pairs) and summed over the
    batch. No `reduction` argument, as in TF."""
    _check_given(labels=labels, predictions=predictions)
    with name_scope(scope, "mean_pairwise_squared_error",
                    (predictions, labels, weights)) as scope:
        weights = cast(weights, dtypes.float32)
        labels = cast(labels, dtypes.float32)
        predictions = cast(predictions, dtypes.float32)
        _check_compatible(predictions, labels)
        diffs = subtract(predictions, labels)
        axis = range(1, rank(diffs))
        sum_squares_diff_per_batch = reduce_sum(square(diffs), axis=axis, keepdims=True)
        num_present_per_batch = _num_present(diffs, weights, per_batch=True)
        term1 = 2.0 * div_no_nan(sum_squares_diff_per_batch,
                                 maximum(num_present_per_batch - 1, 0), name="value")
        sum_diff = reduce_sum(diffs, axis=axis, keepdims=True)
        term2 = 2.0 * div_no_nan(
            square(sum_diff),
            maximum(multiply(num_present_per_batch, num_present_per_batch - 1), 0),
            name="value")
        loss = reduce_sum(multiply(term1 - term2, weights))
        mean_loss = where(greater(reduce_sum(num_present_per_batch), 0), loss, zeros_like(loss),
                          name="value")
        add_loss(mean_loss, loss_collection)
        return mean_loss


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.mean_squared_error: (predictions - labels) ** 2, weighted and reduced."""
    labels, predictions = _float32_pair(labels, predictions)
    with name_scope(scope, "mean_squared_error", (predictions, labels, weights)) as scope:
        _check_compatible(predictions, labels)
        losses = squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.sigmoid_cross_entropy: sigmoid_cross_entropy_with_logits per element; with
    label_smoothing, labels become labels * (1 - s) + 0.5 * s."""
    _check_given(multi_class_labels=multi_class_labels, logits=logits)
    with name_scope(scope, "sigmoid_cross_entropy_loss",
                    (logits, multi_class_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        multi_class_labels = cast(multi_class_labels, logits.dtype)
        _check_compatible(logits, multi_class_labels)
        if label_smoothing > 0:
            multi_class_labels = (multi_class_labels * (1 - label_smoothing)
                                  + 0.5 * label_smoothing)
        losses = sigmoid_cross_entropy_with_logits(labels=multi_class_labels, logits=logits,
                                                   name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.softmax_cross_entropy: softmax cross entropy over the last axis (no gradient
    into the labels); with label_smoothing s over C classes, labels become
    labels * (1 - s) + s / C. `weights` weigh the examples (shape [batch] or a scalar)."""
    _check_given(onehot_labels=onehot_labels, logits=logits)
    with name_scope(scope, "softmax_cross_entropy_loss",
                    (logits, onehot_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        onehot_labels = cast(onehot_labels, logits.dtype)
        _check_compatible(logits, onehot_labels)
        if label_smoothing > 0:
            num_classes = cast(shape(onehot_labels)[-1], logits.dtype)
            smooth_positives = 1.0 - label_smoothing
            smooth_negatives = label_smoothing / num_classes
            onehot_labels = onehot_labels * smooth_positives + smooth_negatives
        onehot_labels = stop_gradient(onehot_labels, name="labels_stop_gradient")
        losses = softmax_cross_entropy_with_logits_v2(labels=onehot_labels, logits=logits,
                                                      name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


def _remove_squeezable_dimensions(labels, predictions, weights):
    """Labels of shape [batch, 1] (rank of the logits) lose their last axis, and so do weights
    of one more rank than the labels whose last dimension is 1, as TF does."""
    labels = convert_to_tensor(labels)
    predictions = convert_to_tensor(predictions)
    lrank, prank = labels.shape.ndims, predictions.shape.ndims
    if lrank is not None and prank is not None and lrank == prank and \
            labels.shape.as_tuple()[-1] == 1:
        with name_scope(None, "remove_squeezable_dimensions", (labels, predictions)):
            labels = squeeze(labels, [-1])
    if not isinstance(weights, (int, float)):
        weights = convert_to_tensor(weights)
        wrank, lrank = weights.shape.ndims, labels.shape.ndims
        if wrank is not None and lrank is not None and wrank == lrank + 1 and \
                weights.shape.as_tuple()[-1] == 1:
            weights = squeeze(weights, [-1])
    return labels, predictions, weights


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.sparse_softmax_cross_entropy: sparse softmax cross entropy for int class
    labels of shape [batch] (or [batch, 1], squeezed), weighted and reduced."""
    _check_given(labels=labels, logits=logits)
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", (logits, labels, weights)) as scope:
        labels, logits, weights = _remove_squeezable_dimensions(labels, logits, weights)
        losses = sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction)


# -- collecting losses -------------------------------------------------------------------------------

def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Adds `loss` to the collection `loss_collection` (nothing when it is None or empty)."""
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """The losses in `loss_collection` (names filtered by the `scope` regex)."""
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """The tensors in REGULARIZATION_LOSSES (filtered by the `scope` regex)."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses, or a constant 0.0 when there are none."""
    losses = get_regularization_losses(scope)
    if losses:
        return add_n(losses, name=name)
    return constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """add_n of get_losses() (and, by default, of the regularization losses)."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    if not losses:
        raise ValueError("No losses to add: the LOSSES and REGULARIZATION_LOSSES collections "
                         "are empty (build a tf.losses loss, or call tf.losses.add_loss, first).")
    return add_n(losses, name=name)
