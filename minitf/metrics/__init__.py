"""tf.metrics: TF1's streaming evaluation metrics. Each returns (value, update_op): the update
op adds a batch to state kept in local variables (LOCAL_VARIABLES and METRIC_VARIABLES, set to
zero by tf.local_variables_initializer()) and returns the updated metric; the value tensor reads
the state without changing it.

Variables and ops are named as TF names them (`accuracy/total:0`, `accuracy/update_op:0`,
`auc/true_positives:0`), and values are computed by the same formulas in float32 (float64 for
the confusion matrix of mean_iou), so a stream of batches gives TF's numbers.
"""

import logging

from minitf import dtypes
from minitf.framework.deprecation import deprecated
from minitf.framework.graph import (GraphKeys, add_to_collections, control_dependencies,
                                    name_scope)
from minitf.framework.sparse_tensor import SparseTensor
from minitf.ops.control_flow_ops import cond
from minitf.ops.core import (cast, convert_to_tensor, expand_dims, identity, ones, ones_like,
                             reduce_sum, reshape, shape, zeros, zeros_like)
from minitf.ops.elementwise import (abs, add, divide, div_no_nan, equal, greater,
                                    greater_equal, less, log, logical_and, logical_not, maximum,
                                    minimum, multiply, not_equal, sqrt, squared_difference,
                                    subtract, where, where_v2)
from minitf.ops.histogram_ops import _squeeze_labels_or_predictions, confusion_matrix
from minitf.ops.linalg_ops import diag_part
from minitf.ops.logging_ops import assert_greater_equal, assert_less_equal, assert_rank_in
from minitf.ops.ranges import range as tf_range
from minitf.ops.reductions import (argmax, argmin, cumsum, reduce_any, reduce_max, reduce_mean,
                                   reduce_min, top_k)
from minitf.ops.scatter_ops import scatter_add
from minitf.ops.sparse_ops import sparse_tensor_to_dense, sparse_to_dense
from minitf.ops.shape_ops import rank, size, squeeze
from minitf.ops.state_ops import assign_add
from minitf.ops.variable_scope import variable_scope
from minitf.ops.variables import Variable
from minitf.ops.weights_broadcast_ops import assert_broadcastable, broadcast_weights

_logger = logging.getLogger("minitf")

__all__ = ["accuracy", "mean", "mean_tensor", "mean_absolute_error", "mean_squared_error",
           "root_mean_squared_error", "mean_relative_error", "mean_cosine_distance",
           "percentage_below", "true_positives", "false_positives", "true_negatives",
           "false_negatives", "true_positives_at_thresholds", "false_positives_at_thresholds",
           "true_negatives_at_thresholds", "false_negatives_at_thresholds", "precision",
           "recall", "precision_at_thresholds", "recall_at_thresholds", "auc",
           "sensitivity_at_specificity", "specificity_at_sensitivity", "mean_iou",
           "mean_per_class_accuracy", "recall_at_k", "recall_at_top_k", "precision_at_k",
           "precision_at_top_k", "sparse_precision_at_k", "average_precision_at_k",
           "sparse_average_precision_at_k"]


# -- state and the shared rules -------------------------------------------------------------------

def _metric_variable(shape, dtype, name):
    """A zero-initialized, non-trainable variable in LOCAL_VARIABLES and METRIC_VARIABLES."""
    return Variable(lambda: zeros(shape, dtype), trainable=False, name=name,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES])


def _collect(collections, tensor):
    if collections:
        add_to_collections(collections, tensor)
    return tensor


def _remove_squeezable_dimensions(predictions, labels, weights):
    """TF's rank alignment: labels or predictions of one more rank with a last dimension of 1
    lose it; weights of one more (or one less) rank than the predictions lose (gain) a last
    dimension; scalar weights stay scalar. Ranks must be known when built."""
    predictions = convert_to_tensor(predictions)
    if labels is not None:
        labels, predictions = _squeeze_labels_or_predictions(convert_to_tensor(labels),
                                                             predictions)
        predictions.shape.assert_is_compatible_with(labels.shape)
    if weights is None:
        return predictions, labels, None
    weights = convert_to_tensor(weights)
    w_rank, p_rank = weights.shape.ndims, predictions.shape.ndims
    if w_rank and p_rank is not None:
        if w_rank - p_rank == 1:
            weights = squeeze(weights, [-1])
        elif p_rank - w_rank == 1:
            weights = expand_dims(weights, -1)
    return predictions, labels, weights


def _streaming_mean(values, weights, metrics_collections, updates_collections, name,
                    default_name, per_element):
    """mean and mean_tensor: sums of (weighted) values and of weights, divided on reading."""
    with variable_scope(name, default_name, (values, weights)):
        values = cast(values, dtypes.float32)
        shape = values.shape if per_element else []
        total = _metric_variable(shape, dtypes.float32,
                                 "total_tensor" if per_element else "total")
        count = _metric_variable(shape, dtypes.float32,
                                 "count_tensor" if per_element else "count")
        num_values = ones_like(values) if per_element else None
        if weights is None:
            if not per_element:
                num_values = cast(size(values), dtypes.float32)
        else:
            values, _, weights = _remove_squeezable_dimensions(values, None, weights)
            weights = broadcast_weights(cast(weights, dtypes.float32), values)
            values = multiply(values, weights)
            num_values = multiply(num_values, weights) if per_element else reduce_sum(weights)
        update_total = assign_add(total, values if per_element else reduce_sum(values))
        with control_dependencies([values]):
            update_count = assign_add(count, num_values)
        value = _collect(metrics_collections,
                         div_no_nan(total, maximum(count, 0), name="value"))
        update = _collect(updates_collections,
                          div_no_nan(update_total, maximum(update_count, 0), name="update_op"))
        return value, update


# -- means ------------------------------------------------------------------------------------------

def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.mean: the (weighted) mean of every value seen; float32 scalar."""
    return _streaming_mean(values, weights, metrics_collections, updates_collections, name,
                           "mean", per_element=False)


def mean_tensor(values, weights=None, metrics_collections=None, updates_collections=None,
                name=None):
    """tf.metrics.mean_tensor: the element-wise (weighted) mean over batches of values of one
    fixed shape (variables `total_tensor` and `count_tensor` of that shape)."""
    return _streaming_mean(values, weights, metrics_collections, updates_collections, name,
                           "mean", per_element=True)


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """tf.metrics.accuracy: the (weighted) fraction of predictions equal to labels (both of one
    shape after squeezing a last dimension of 1; predictions cast to the labels' dtype)."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    if labels.dtype != predictions.dtype:
        predictions = cast(predictions, labels.dtype)
    is_correct = cast(equal(predictions, labels), dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections,
                name or "accuracy")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """tf.metrics.mean_absolute_error: the (weighted) mean of |predictions - labels|."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    return mean(abs(predictions - labels), weights, metrics_collections, updates_collections,
                name or "mean_absolute_error")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    """tf.metrics.mean_squared_error: the (weighted) mean of (labels - predictions)**2."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    return mean(squared_difference(labels, predictions), weights, metrics_collections,
                updates_collections, name or "mean_squared_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """tf.metrics.root_mean_squared_error: the square root of the streaming mean squared
    error."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    mse, update_mse = mean_squared_error(labels, predictions, weights, None, None,
                                         name or "root_mean_squared_error")
    return (_collect(metrics_collections, sqrt(mse)),
            _collect(updates_collections, sqrt(update_mse)))


def mean_relative_error(labels, predictions, normalizer, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """tf.metrics.mean_relative_error: the (weighted) mean of |labels - predictions| /
    normalizer, an element whose normalizer is 0 counting as 0."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    normalizer, predictions = _squeeze_labels_or_predictions(convert_to_tensor(normalizer),
                                                             predictions)
    predictions.shape.assert_is_compatible_with(normalizer.shape)
    relative_errors = where(equal(normalizer, 0.0), zeros_like(labels),
                            divide(abs(labels - predictions), normalizer))
    return mean(relative_errors, weights, metrics_collections, updates_collections,
                name or "mean_relative_error")


def mean_cosine_distance(labels, predictions, dim, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """tf.metrics.mean_cosine_distance: 1 - the (weighted) mean over the other axes of the dot
    product of (unit-normalized) labels and predictions along axis `dim`."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels, weights)
    radial = reduce_sum(multiply(predictions, labels), axis=[dim], keepdims=True)
    distance, update = mean(radial, weights, None, None, name or "mean_cosine_distance")
    return (_collect(metrics_collections, subtract(1.0, distance)),
            _collect(updates_collections, subtract(1.0, update)))


def percentage_below(values, threshold, weights=None, metrics_collections=None,
                     updates_collections=None, name=None):
    """tf.metrics.percentage_below: the (weighted) fraction of values below `threshold`."""
    is_below = cast(less(values, threshold), dtypes.float32)
    return mean(is_below, weights, metrics_collections, updates_collections,
                name or "percentage_below_threshold")


# -- counts of true / false positives / negatives -------------------------------------------------

def _count_condition(values, weights, metrics_collections, updates_collections):
    """A float32 `count` variable summing the (weighted) true entries of the bool `values`;
    weights are a scalar or of the values' rank (multiplied as they are)."""
    count = _metric_variable([], dtypes.float32, "count")
    values = cast(values, dtypes.float32)
    if weights is not None:
        with control_dependencies([assert_rank_in(weights, (0, rank(values)))]):
            weights = cast(weights, dtypes.float32)
            values = multiply(values, weights)
    value = _collect(metrics_collections, identity(count))
    update = _collect(updates_collections, assign_add(count, reduce_sum(values)))
    return value, update


def _count(label_is, prediction_is, default_name):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with variable_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _remove_squeezable_dimensions(
                cast(predictions, dtypes.bool), cast(labels, dtypes.bool), weights)
            condition = logical_and(equal(labels, label_is), equal(predictions, prediction_is))
            return _count_condition(condition, weights, metrics_collections,
                                    updates_collections)
    metric.__name__ = metric.__qualname__ = default_name
    metric.__doc__ = ("tf.metrics.%s: the (weighted) number of entries whose label is %s and "
                      "whose prediction is %s (both cast to bool); float32 scalar."
                      % (default_name, label_is, prediction_is))
    return metric


true_positives = _count(True, True, "true_positives")
false_positives = _count(False, True, "false_positives")
true_negatives = _count(False, False, "true_negatives")
false_negatives = _count(True, False, "false_negatives")

_CONFUSION_KEYS = ("tp", "fn", "tn", "fp")
_CONFUSION_NAMES = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
                    "fp": "false_positives"}


def _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights=None,
                                    includes=_CONFUSION_KEYS):
    """Per threshold t, the (weighted) counts of `includes` among tp / fn / tn / fp where a
    prediction counts as positive when > t: ({key: variable}, {key: update op}), variables of
    shape [len(thresholds)]. Predictions outside [0, 1] fail TF's asserts when run."""
    for key in includes:
        if key not in _CONFUSION_KEYS:
            raise ValueError("Invalid key: %s" % key)
    predictions = convert_to_tensor(predictions)
    message = "predictions must be in [0, 1]"
    with control_dependencies([
            assert_greater_equal(predictions, cast(0.0, predictions.dtype), message=message),
            assert_less_equal(predictions, cast(1.0, predictions.dtype), message=message)]):
        predictions, labels, weights = _remove_squeezable_dimensions(
            cast(predictions, dtypes.float32), cast(labels, dtypes.bool), weights)
    num_thresholds = len(thresholds)
    # [num_thresholds, num_predictions] by broadcasting a row of predictions against a column
    # of thresholds.
    predictions_row = reshape(predictions, [1, -1])
    labels_row = reshape(labels, [1, -1])
    threshold_column = reshape(convert_to_tensor(list(thresholds), dtypes.float32), [-1, 1])
    pred_is_pos = greater(predictions_row, threshold_column)
    pred_is_neg = logical_not(pred_is_pos)
    label_is_neg = logical_not(labels_row)
    weights_row = None
    if weights is not None:
        weights = broadcast_weights(cast(weights, dtypes.float32), predictions)
        weights_row = reshape(weights, [1, -1])
    conditions = {"tp": (labels_row, pred_is_pos), "fn": (labels_row, pred_is_neg),
                  "tn": (label_is_neg, pred_is_neg), "fp": (label_is_neg, pred_is_pos)}
    values, updates = {}, {}
    for key in _CONFUSION_KEYS:
        if key not in includes:
            continue
        variable = _metric_variable([num_thresholds], dtypes.float32, _CONFUSION_NAMES[key])
        hits = cast(logical_and(*conditions[key]), dtypes.float32)
        if weights_row is not None:
            hits = hits * weights_row
        updates[key] = assign_add(variable, reduce_sum(hits, 1))
        values[key] = variable
    return values, updates


def _count_at_thresholds(key):
    default_name = _CONFUSION_NAMES[key]

    def metric(labels, predictions, thresholds, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with variable_scope(name, default_name, (predictions, labels, weights)):
            values, updates = _confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                              weights, includes=(key,))
            return (_collect(metrics_collections, identity(values[key])),
                    _collect(updates_collections, updates[key]))
    metric.__name__ = metric.__qualname__ = default_name + "_at_thresholds"
    metric.__doc__ = ("tf.metrics.%s_at_thresholds: for each threshold, the (weighted) number "
                      "of %s when a prediction in [0, 1] above the threshold counts as "
                      "positive; float32 of shape [len(thresholds)]."
                      % (default_name, default_name.replace("_", " ")))
    return metric


true_positives_at_thresholds = _count_at_thresholds("tp")
false_positives_at_thresholds = _count_at_thresholds("fp")
true_negatives_at_thresholds = _count_at_thresholds("tn")
false_negatives_at_thresholds = _count_at_thresholds("fn")


# -- precision, recall and curves -----------------------------------------------------------------

def _ratio_of_counts(labels, predictions, weights, metrics_collections, updates_collections,
                     name, default_name, other_count):
    """precision and recall: tp / (tp + other), 0 while tp + other is 0."""
    with variable_scope(name, default_name, (predictions, labels, weights)):
        predictions, labels, weights = _remove_squeezable_dimensions(
            cast(predictions, dtypes.bool), cast(labels, dtypes.bool), weights)
        tp, tp_update = true_positives(labels, predictions, weights)
        other, other_update = other_count(labels, predictions, weights)

        def ratio(tp, other, name):
            return where(greater(tp + other, 0), divide(tp, tp + other), 0, name)
        return (_collect(metrics_collections, ratio(tp, other, "value")),
                _collect(updates_collections, ratio(tp_update, other_update, "update_op")))


def precision(labels, predictions, weights=None, metrics_collections=None,
              updates_collections=None, name=None):
    """tf.metrics.precision: tp / (tp + fp) of bool-cast labels and predictions (0 when no
    prediction was positive)."""
    return _ratio_of_counts(labels, predictions, weights, metrics_collections,
                            updates_collections, name, "precision", false_positives)


def recall(labels, predictions, weights=None, metrics_collections=None,
           updates_collections=None, name=None):
    """tf.metrics.recall: tp / (tp + fn) of bool-cast labels and predictions (0 when no label
    was positive)."""
    return _ratio_of_counts(labels, predictions, weights, metrics_collections,
                            updates_collections, name, "recall", false_negatives)


def _ratio_at_thresholds(labels, predictions, thresholds, weights, metrics_collections,
                         updates_collections, name, what, other):
    with variable_scope(name, what + "_at_thresholds", (predictions, labels, weights)):
        values, updates = _confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                          weights, includes=("tp", other))

        def ratio(tp, other, suffix):
            return divide(tp, 1e-7 + tp + other, name=what + "_" + suffix)
        return (_collect(metrics_collections, ratio(values["tp"], values[other], "value")),
                _collect(updates_collections,
                         ratio(updates["tp"], updates[other], "update_op")))


def precision_at_thresholds(labels, predictions, thresholds, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.precision_at_thresholds: tp / (tp + fp + 1e-7) per threshold."""
    return _ratio_at_thresholds(labels, predictions, thresholds, weights, metrics_collections,
                                updates_collections, name, "precision", "fp")


def recall_at_thresholds(labels, predictions, thresholds, weights=None,
                         metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.recall_at_thresholds: tp / (tp + fn + 1e-7) per threshold."""
    return _ratio_at_thresholds(labels, predictions, thresholds, weights, metrics_collections,
                                updates_collections, name, "recall", "fn")


_KEPSILON = 1e-7  # thresholds just outside [0, 1], so that 0 and 1 fall inside the sweep


def _evenly_spaced_thresholds(num_thresholds, top=1.0 + _KEPSILON):
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - _KEPSILON] + inner + [top]


_SUMMATION_METHODS = ("trapezoidal", "careful_interpolation", "minoring", "majoring")


@deprecated(None, "The value of AUC returned by this may race with the update so this is "
                  "deprecated. Please use tf.keras.metrics.AUC instead.")
def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):
    """tf.metrics.auc: the area under the ROC or PR curve, from tp/fn/tn/fp counts at
    `num_thresholds` evenly spaced thresholds (or the given `thresholds`, sorted, plus one just
    below 0 and one just above 1), summed as `summation_method` says ('careful_interpolation'
    interpolates precision for PR and is 'trapezoidal' for ROC)."""
    with variable_scope(name, "auc", (labels, predictions, weights)):
        if curve not in ("ROC", "PR"):
            raise ValueError("Curve must be either ROC or PR. Curve %s is unknown." % curve)
        if summation_method not in _SUMMATION_METHODS:
            raise ValueError("Invalid summation_method: %s summation_method should be "
                             "'trapezoidal', 'careful_interpolation', 'minoring', or "
                             "'majoring'." % summation_method)
        if thresholds is not None:
            thresholds = [0.0 - _KEPSILON] + sorted(thresholds) + [1.0 + _KEPSILON]
        else:
            thresholds = _evenly_spaced_thresholds(num_thresholds)
        n = len(thresholds)
        values, updates = _confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                          weights)
        epsilon = 1.0e-6

        def interpolated_pr_auc(tp, fp, fn):
            # Precision is interpolated linearly in the number of positive predictions
            # between neighbouring thresholds (Davis & Goadrich), integrated exactly.
            dtp = tp[:n - 1] - tp[1:]
            p = tp + fp
            slope = div_no_nan(dtp, maximum(p[:n - 1] - p[1:], 0), name="prec_slope")
            intercept = tp[1:] - multiply(slope, p[1:])
            p_ratio = where(logical_and(p[:n - 1] > 0, p[1:] > 0),
                            div_no_nan(p[:n - 1], maximum(p[1:], 0),
                                       name="recall_relative_ratio"),
                            ones_like(p[1:]))
            return reduce_sum(div_no_nan(slope * (dtp + intercept * log(p_ratio)),
                                         maximum(tp[1:] + fn[1:], 0), name="pr_auc_increment"),
                              name="interpolate_pr_auc")

        def area(tp, fn, tn, fp, name):
            if curve == "PR" and summation_method == "careful_interpolation":
                return interpolated_pr_auc(tp, fp, fn)
            if curve == "PR" and summation_method == "trapezoidal":
                _logger.warning("Trapezoidal rule is known to produce incorrect PR-AUCs; "
                                "please switch to \"careful_interpolation\" instead.")
            rec = divide(tp + epsilon, tp + fn + epsilon)
            if curve == "ROC":
                x, y = divide(fp, fp + tn + epsilon), rec
            else:
                x, y = rec, divide(tp + epsilon, tp + fp + epsilon)
            if summation_method in ("trapezoidal", "careful_interpolation"):
                heights = (y[:n - 1] + y[1:]) / 2.
            elif summation_method == "minoring":
                heights = minimum(y[:n - 1], y[1:])
            else:
                heights = maximum(y[:n - 1], y[1:])
            return reduce_sum(multiply(x[:n - 1] - x[1:], heights), name=name)
        value = area(values["tp"], values["fn"], values["tn"], values["fp"], "value")
        update = area(updates["tp"], updates["fn"], updates["tn"], updates["fp"], "update_op")
        return _collect(metrics_collections, value), _collect(updates_collections, update)


def sensitivity_at_specificity(labels, predictions, specificity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """tf.metrics.sensitivity_at_specificity: the recall at the threshold whose specificity
    is closest to `specificity` (the first such threshold)."""
    if specificity < 0 or specificity > 1:
        raise ValueError("`specificity` must be in the range [0, 1]. Currently, `specificity` "
                         "got %s." % specificity)
    with variable_scope(name, "sensitivity_at_specificity", (predictions, labels, weights)):
        values, updates = _confusion_matrix_at_thresholds(
            labels, predictions, _evenly_spaced_thresholds(num_thresholds), weights)

        def compute(tp, tn, fp, fn, name):
            specificities = divide(tn, tn + fp + _KEPSILON)
            index = cast(argmin(abs(specificities - specificity), 0), dtypes.int32)
            return divide(tp[index], tp[index] + fn[index] + _KEPSILON, name)
        value = compute(values["tp"], values["tn"], values["fp"], values["fn"], "value")
        update = compute(updates["tp"], updates["tn"], updates["fp"], updates["fn"],
                         "update_op")
        return _collect(metrics_collections, value), _collect(updates_collections, update)


def specificity_at_sensitivity(labels, predictions, sensitivity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """tf.metrics.specificity_at_sensitivity: the specificity at the threshold whose
    sensitivity is closest to `sensitivity` (the last such threshold; as in TF the sweep's top
    threshold is 1 - 1e-7)."""
    if sensitivity < 0 or sensitivity > 1:
        raise ValueError("`sensitivity` must be in the range [0, 1]. Currently, `sensitivity` "
                         "is %s." % sensitivity)
    with variable_scope(name, "specificity_at_sensitivity", (predictions, labels, weights)):
        values, updates = _confusion_matrix_at_thresholds(
            labels, predictions, _evenly_spaced_thresholds(num_thresholds, 1.0 - _KEPSILON),
            weights)

        def compute(tp, tn, fp, fn, name):
            distance = abs(divide(tp, tp + fn + _KEPSILON) - sensitivity)
            at_min = cast(equal(distance, reduce_min(distance)), dtypes.int64)
            # argmax of the running count of minima: the last index where the minimum is met
            index = cast(argmax(cumsum(at_min), 0), dtypes.int32)
            return divide(tn[index], tn[index] + fp[index] + _KEPSILON, name)
        value = compute(values["tp"], values["tn"], values["fp"], values["fn"], "value")
        update = compute(updates["tp"], updates["tn"], updates["fp"], updates["fn"],
                         "update_op")
        return _collect(metrics_collections, value), _collect(updates_collections, update)


# -- classes: confusion matrix based ----------------------------------------------------------------

def _flat(t):
    return reshape(t, [-1]) if t.shape.ndims > 1 else t


def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """tf.metrics.mean_iou: the mean over classes that occur (in labels or predictions) of
    intersection over union, from a float64 [num_classes, num_classes] confusion matrix; the
    update op returns the updated confusion matrix."""
    with variable_scope(name, "mean_iou", (predictions, labels, weights)):
        predictions, labels = convert_to_tensor(predictions), convert_to_tensor(labels)
        predictions.shape.assert_is_compatible_with(labels.shape)
        total_cm = _metric_variable([num_classes, num_classes], dtypes.float64,
                                    "total_confusion_matrix")
        predictions = _flat(cast(predictions, dtypes.int64))
        labels = _flat(cast(labels, dtypes.int64))
        if weights is not None:
            weights = _flat(convert_to_tensor(weights))
        batch_cm = confusion_matrix(labels, predictions, cast(num_classes, dtypes.int64),
                                    weights=weights, dtype=dtypes.float64)
        update = assign_add(total_cm, batch_cm)
        rows = cast(reduce_sum(total_cm, 0), dtypes.float32)
        cols = cast(reduce_sum(total_cm, 1), dtypes.float32)
        diag = cast(diag_part(total_cm), dtypes.float32)
        union = rows + cols - diag
        num_valid = reduce_sum(cast(not_equal(union, 0), dtypes.float32))
        union = where(greater(union, 0), union, ones_like(union))
        iou = divide(diag, union)
        value = where(greater(num_valid, 0), reduce_sum(iou, name="mean_iou") / num_valid, 0)
        return _collect(metrics_collections, value), _collect(updates_collections, update)


def mean_per_class_accuracy(labels, predictions, num_classes, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.mean_per_class_accuracy: the mean over classes of the (weighted) fraction of
    that class's labels predicted right (a class never seen counts 0); the update op returns
    the per-class accuracies."""
    with variable_scope(name, "mean_accuracy", (predictions, labels, weights)):
        labels = _flat(cast(labels, dtypes.int64))
        predictions = _flat(convert_to_tensor(predictions))
        predictions.shape.assert_is_compatible_with(labels.shape)
        total = _metric_variable([num_classes], dtypes.float32, "total")
        count = _metric_variable([num_classes], dtypes.float32, "count")
        seen = ones([size(labels)], dtypes.float32)
        if labels.dtype != predictions.dtype:
            predictions = cast(predictions, labels.dtype)
        is_correct = cast(equal(predictions, labels), dtypes.float32)
        if weights is not None:
            weights = cast(_flat(convert_to_tensor(weights)), dtypes.float32)
            is_correct *= weights
            seen *= weights
        update_total = scatter_add(total, labels, seen)
        update_count = scatter_add(count, labels, is_correct)
        per_class = div_no_nan(count, maximum(total, 0))
        value = reduce_mean(per_class, name="mean_accuracy")
        update = div_no_nan(update_count, maximum(update_total, 0), name="update_op")
        return _collect(metrics_collections, value), _collect(updates_collections, update)


# -- top-k: labels as sets of class ids -----------------------------------------------------------
#
# TF counts with its set ops (tf.sets): per row, tp = |predicted ∩ labels|, fp = |predicted -
# labels|, fn = |labels - predicted|. minitf compares the rows' entries pairwise instead (a
# row holds k predictions and a few labels): each entry is counted once, at its first
# occurrence in the row, and looked up in the other row.

def _id_rows(ids):
    """(values, mask): a dense [..., n] int64 tensor of ids and which of its entries are
    members; a SparseTensor's rows hold its values (absent entries are not members)."""
    if isinstance(ids, SparseTensor):
        values = sparse_tensor_to_dense(ids, default_value=0)
        mask = sparse_to_dense(ids.indices, ids.dense_shape, ones_like(ids.values, dtypes.bool),
                               default_value=False)
        return cast(values, dtypes.int64), mask
    ids = cast(ids, dtypes.int64)
    return ids, ones_like(ids, dtypes.bool)


def _matches(a, b, b_mask):
    """For each entry of a: whether a member of b's row equals it ([..., n_a] bool)."""
    return reduce_any(logical_and(equal(expand_dims(a, -1), expand_dims(b, -2)),
                                  expand_dims(b_mask, -2)), -1)


def _first_members(a, a_mask):
    """a_mask without the repeats of an id in its row: the members counted by a set."""
    n = shape(a)[-1]
    positions = tf_range(n)
    earlier = less(expand_dims(positions, 0), expand_dims(positions, 1))  # [i, j]: j < i
    repeat = reduce_any(logical_and(logical_and(equal(expand_dims(a, -1), expand_dims(a, -2)),
                                                expand_dims(a_mask, -2)), earlier), -1)
    return logical_and(a_mask, logical_not(repeat))


def _set_count(kind, labels, predictions_idx, class_id):
    """Per row, as float64: 'tp' |predictions ∩ labels|, 'fp' |predictions - labels| or 'fn'
    |labels - predictions|, of the sets restricted to {class_id} when it is given."""
    label_ids, label_mask = labels
    predicted, predicted_mask = _id_rows(predictions_idx)
    if class_id is not None:
        label_mask = logical_and(label_mask, equal(label_ids, class_id))
        predicted_mask = logical_and(predicted_mask, equal(predicted, class_id))
    if kind == "fn":
        counted = logical_and(_first_members(label_ids, label_mask),
                              logical_not(_matches(label_ids, predicted, predicted_mask)))
    else:
        found = _matches(predicted, label_ids, label_mask)
        counted = logical_and(_first_members(predicted, predicted_mask),
                              found if kind == "tp" else logical_not(found))
    return cast(reduce_sum(cast(counted, dtypes.int32), -1), dtypes.float64)


def _expand_labels(labels, predictions_idx):
    """Labels of one rank less than the predictions gain a last dimension of 1 (a class id
    per row); returned as _id_rows pairs."""
    predictions_rank = predictions_idx.shape.ndims
    if isinstance(labels, SparseTensor):
        labels_rank = labels.dense_shape.shape.as_tuple()[0]
        values, mask = _id_rows(labels)
        if labels_rank is not None and predictions_rank == labels_rank + 1:
            values, mask = expand_dims(values, -1), expand_dims(mask, -1)
        return values, mask
    labels = convert_to_tensor(labels)
    labels_rank = labels.shape.ndims
    if labels_rank is not None and predictions_rank is not None:
        if predictions_rank == labels_rank + 1:
            labels = expand_dims(labels, -1)
        elif predictions_rank != labels_rank:
            raise ValueError("Unexpected labels shape %s for predictions shape %s. Predictions "
                             "rank should be the same rank as labels rank or labels rank plus "
                             "one ." % (labels.shape, predictions_idx.shape))
    return _id_rows(labels)


def _at_k_name(name, k=None, class_id=None):
    name = "%s_at_%d" % (name, k) if k is not None else "%s_at_k" % name
    return name if class_id is None else "%s_class%d" % (name, class_id)


def _streaming_set_count(kind, labels, predictions_idx, k, class_id, weights):
    """A float64 variable summing a set count over the rows (weighted): (variable, update)."""
    prefix = {"tp": "true_positive", "fp": "false_positive", "fn": "false_negative"}[kind]
    with name_scope(None, _at_k_name(prefix, k, class_id),
                    (predictions_idx, weights)) as scope:
        inner = {"tp": "true_positives", "fp": "false_positives", "fn": "false_negatives"}[kind]
        with name_scope(None, inner):
            counts = _set_count(kind, labels, predictions_idx, class_id)
            if weights is not None:
                with control_dependencies([assert_broadcastable(weights, counts)]):
                    counts = multiply(counts, cast(weights, dtypes.float64))
        batch_total = cast(reduce_sum(counts), dtypes.float64)
        variable = _metric_variable([], dtypes.float64, scope)
        return variable, assign_add(variable, batch_total, name="update")


def _top_k_ratio(labels, predictions_idx, k, class_id, weights, metrics_collections,
                 updates_collections, scope, other):
    """precision (other 'fp') or recall (other 'fn') at k: tp / (tp + other), float64."""
    predictions_idx = convert_to_tensor(predictions_idx)
    labels = _expand_labels(labels, predictions_idx)
    top_k_idx = cast(predictions_idx, dtypes.int64)
    tp, tp_update = _streaming_set_count("tp", labels, top_k_idx, k, class_id, weights)
    rest, rest_update = _streaming_set_count(other, labels, top_k_idx, k, class_id, weights)
    value = divide(tp, add(tp, rest), name=scope)
    update = divide(tp_update, add(tp_update, rest_update), name="update")
    return _collect(metrics_collections, value), _collect(updates_collections, update)


def recall_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                    metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.recall_at_top_k: over all rows, |labels ∩ predicted| / |labels| (float64),
    for class ids already chosen (`predictions_idx` [..., k]); labels are [..., num_labels]
    ids, [...] (one per row) or a SparseTensor. With `class_id`, only that class counts (NaN
    while it never occurred)."""
    with name_scope(name, _at_k_name("recall", k, class_id), (predictions_idx, weights)) as scope:
        return _top_k_ratio(labels, predictions_idx, k, class_id, weights, metrics_collections,
                            updates_collections, scope, "fn")


def precision_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.precision_at_top_k: over all rows, |labels ∩ predicted| / |predicted|
    (float64) for class ids already chosen; see recall_at_top_k."""
    with name_scope(name, _at_k_name("precision", k, class_id),
                    (predictions_idx, weights)) as scope:
        return _top_k_ratio(labels, predictions_idx, k, class_id, weights, metrics_collections,
                            updates_collections, scope, "fp")


def recall_at_k(labels, predictions, k, class_id=None, weights=None, metrics_collections=None,
                updates_collections=None, name=None):
    """tf.metrics.recall_at_k: recall_at_top_k of the k classes with the largest
    `predictions` (logits or probabilities, [..., num_classes])."""
    with name_scope(name, _at_k_name("recall", k, class_id), (predictions, weights)) as scope:
        _, top_k_idx = top_k(predictions, k)
        return recall_at_top_k(labels, top_k_idx, k, class_id, weights, metrics_collections,
                               updates_collections, name=scope)


def precision_at_k(labels, predictions, k, class_id=None, weights=None,
                   metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.precision_at_k: precision_at_top_k of the k classes with the largest
    `predictions`."""
    with name_scope(name, _at_k_name("precision", k, class_id),
                    (predictions, weights)) as scope:
        _, top_k_idx = top_k(predictions, k)
        return precision_at_top_k(labels, top_k_idx, k, class_id, weights, metrics_collections,
                                  updates_collections, name=scope)


@deprecated(None, "Use precision_at_k instead")
def sparse_precision_at_k(labels, predictions, k, class_id=None, weights=None,
                          metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.sparse_precision_at_k: TF's deprecated name of precision_at_k."""
    return precision_at_k(labels, predictions, k, class_id, weights, metrics_collections,
                          updates_collections, name)


def average_precision_at_k(labels, predictions, k, weights=None, metrics_collections=None,
                           updates_collections=None, name=None):
    """tf.metrics.average_precision_at_k: the mean over rows (weighted) of the average
    precision of the top k predicted classes: the sum of precision@i over the positions i that
    hold a label, divided by min(number of labels, k); labels not below the number of classes
    count as absent, as in TF."""
    if k < 1:
        raise ValueError("Invalid k=%s. `k` should be >= 1." % k)
    with name_scope(name, _at_k_name("average_precision", k), (predictions, weights)) as scope:
        predictions = convert_to_tensor(predictions)
        _, predictions_idx = top_k(predictions, k)
        labels = _out_of_range_absent(labels, cast(shape(predictions)[-1], dtypes.int64))
        with name_scope(None, "average_precision", (predictions_idx,)):
            predictions_idx = cast(predictions_idx, dtypes.int64, name="predictions_idx")
            label_rows = _expand_labels(labels, predictions_idx)
            label_ids, label_mask = label_rows
            relevant = cast(_matches(predictions_idx, label_ids, label_mask), dtypes.float64)
            tp_per_k = cumsum(relevant, axis=-1, name="tp_per_k")
            retrieved_per_k = cumsum(ones_like(relevant), axis=-1, name="retrieved_per_k")
            precision_per_k = divide(tp_per_k, retrieved_per_k, name="precision_per_k")
            precision_sum = reduce_sum(multiply(precision_per_k, relevant), axis=(-1,),
                                       name="precision_sum")
            if isinstance(labels, SparseTensor):  # a sparse row counts its distinct ids
                present = _first_members(label_ids, label_mask)
            else:  # a dense row counts its non-negative entries
                present = greater_equal(label_ids, 0)
            num_labels = reduce_sum(cast(present, dtypes.int64), -1)
            num_relevant = cast(minimum(num_labels, k), dtypes.float64)
            average_precision = divide(precision_sum, num_relevant)
        if weights is not None:
            weights = broadcast_weights(cast(weights, dtypes.float64), average_precision)
            average_precision = multiply(average_precision, weights)
        with name_scope(None, "max", (average_precision,)) as max_scope:
            max_var = _metric_variable([], dtypes.float64, max_scope)
            if weights is None:
                batch_max = cast(size(average_precision, name="batch_max"), dtypes.float64)
            else:
                batch_max = reduce_sum(weights, name="batch_max")
            max_update = assign_add(max_var, batch_max, name="update")
        with name_scope(None, "total", (average_precision,)) as total_scope:
            total_var = _metric_variable([], dtypes.float64, total_scope)
            batch_total = reduce_sum(average_precision, name="batch_total")
            total_update = assign_add(total_var, batch_total, name="update")
        value = div_no_nan(total_var, max_var, name="mean")
        update = div_no_nan(total_update, max_update, name=scope)
        return _collect(metrics_collections, value), _collect(updates_collections, update)


def _out_of_range_absent(labels, num_classes):
    """Label ids not below num_classes become -1 (never predicted; a dense row does not count
    them), when the largest id shows there are some."""
    sparse = isinstance(labels, SparseTensor)
    ids = labels.values if sparse else convert_to_tensor(labels)
    num_classes = cast(num_classes, ids.dtype)
    ids = cond(greater_equal(reduce_max(ids), num_classes),
               lambda: where_v2(greater_equal(ids, num_classes), -1 * ones_like(ids), ids),
               lambda: ids)
    return SparseTensor(labels.indices, ids, labels.dense_shape) if sparse else ids


@deprecated(None, "Use average_precision_at_k instead")
def sparse_average_precision_at_k(labels, predictions, k, weights=None,
                                  metrics_collections=None, updates_collections=None,
                                  name=None):
    """tf.metrics.sparse_average_precision_at_k: TF's deprecated name of
    average_precision_at_k."""
    return average_precision_at_k(labels, predictions, k, weights, metrics_collections,
                                  updates_collections, name)
