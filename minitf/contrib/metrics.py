"""tf.contrib.metrics (slim.metrics): the `streaming_*` names of TF1's streaming metrics, which
take predictions first, as calls of tf.metrics; and aggregate_metrics / aggregate_metric_map,
which split (value, update_op) pairs for an evaluation loop."""

from minitf import metrics as _metrics
from minitf.framework.graph import add_to_collections
from minitf.ops.math_ops import cast, multiply, reduce_sum, subtract
from minitf.ops.nn_ops import in_top_k
from minitf import dtypes

__all__ = ["aggregate_metric_map", "aggregate_metrics", "streaming_accuracy", "streaming_auc",
           "streaming_false_negatives", "streaming_false_positives", "streaming_mean",
           "streaming_mean_absolute_error", "streaming_mean_cosine_distance",
           "streaming_mean_iou", "streaming_mean_relative_error",
           "streaming_mean_squared_error", "streaming_mean_tensor",
           "streaming_percentage_less", "streaming_precision", "streaming_recall",
           "streaming_recall_at_k", "streaming_root_mean_squared_error",
           "streaming_sparse_precision_at_k", "streaming_sparse_recall_at_k",
           "streaming_true_negatives", "streaming_true_positives"]


def _paired(metric):
    """The streaming_ form of a tf.metrics function of (labels, predictions, ...): the same
    metric with predictions first."""
    def streaming(predictions, labels, weights=None, metrics_collections=None,
                  updates_collections=None, name=None):
        return metric(labels=labels, predictions=predictions, weights=weights,
                      metrics_collections=metrics_collections,
                      updates_collections=updates_collections, name=name)
    streaming.__name__ = streaming.__qualname__ = "streaming_" + metric.__name__
    streaming.__doc__ = ("tf.metrics.%s with predictions first: (value, update_op)."
                         % metric.__name__)
    return streaming


streaming_accuracy = _paired(_metrics.accuracy)
streaming_precision = _paired(_metrics.precision)
streaming_recall = _paired(_metrics.recall)
streaming_true_positives = _paired(_metrics.true_positives)
streaming_true_negatives = _paired(_metrics.true_negatives)
streaming_false_positives = _paired(_metrics.false_positives)
streaming_false_negatives = _paired(_metrics.false_negatives)
streaming_mean_absolute_error = _paired(_metrics.mean_absolute_error)
streaming_mean_squared_error = _paired(_metrics.mean_squared_error)
streaming_root_mean_squared_error = _paired(_metrics.root_mean_squared_error)


def streaming_mean(values, weights=None, metrics_collections=None, updates_collections=None,
                   name=None):
    """tf.metrics.mean: the running (weighted) mean of `values`, (value, update_op)."""
    return _metrics.mean(values, weights, metrics_collections, updates_collections, name)


def streaming_mean_tensor(values, weights=None, metrics_collections=None,
                          updates_collections=None, name=None):
    """tf.metrics.mean_tensor: the running element-wise mean of `values`."""
    return _metrics.mean_tensor(values, weights, metrics_collections, updates_collections, name)


def streaming_auc(predictions, labels, weights=None, num_thresholds=200,
                  metrics_collections=None, updates_collections=None, curve="ROC", name=None):
    """tf.metrics.auc with predictions first."""
    return _metrics.auc(labels, predictions, weights, num_thresholds, metrics_collections,
                        updates_collections, curve, name)


def streaming_mean_relative_error(predictions, labels, normalizer, weights=None,
                                  metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.mean_relative_error with predictions first."""
    return _metrics.mean_relative_error(labels, predictions, normalizer, weights,
                                        metrics_collections, updates_collections, name)


def streaming_percentage_less(values, threshold, weights=None, metrics_collections=None,
                              updates_collections=None, name=None):
    """tf.metrics.percentage_below: the running fraction of `values` below `threshold`."""
    return _metrics.percentage_below(values, threshold, weights, metrics_collections,
                                     updates_collections, name)


def streaming_mean_iou(predictions, labels, num_classes, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.mean_iou with predictions first."""
    return _metrics.mean_iou(labels, predictions, num_classes, weights, metrics_collections,
                             updates_collections, name)


def streaming_sparse_recall_at_k(predictions, labels, k, class_id=None, weights=None,
                                 metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.recall_at_k with predictions first."""
    return _metrics.recall_at_k(labels, predictions, k, class_id, weights, metrics_collections,
                                updates_collections, name)


def streaming_sparse_precision_at_k(predictions, labels, k, class_id=None, weights=None,
                                    metrics_collections=None, updates_collections=None,
                                    name=None):
    """tf.metrics.precision_at_k with predictions first."""
    return _metrics.precision_at_k(labels, predictions, k, class_id, weights,
                                   metrics_collections, updates_collections, name)


def streaming_recall_at_k(predictions, labels, k, weights=None, metrics_collections=None,
                          updates_collections=None, name=None):
    """The running fraction of examples whose label is among the k highest predictions
    (tf.nn.in_top_k), named `recall_at_<k>`."""
    hits = cast(in_top_k(predictions, labels, k), dtypes.float32)
    return streaming_mean(hits, weights, metrics_collections, updates_collections,
                          name or "recall_at_%d" % k)


def streaming_mean_cosine_distance(predictions, labels, dim, weights=None,
                                   metrics_collections=None, updates_collections=None,
                                   name=None):
    """The running mean of 1 - sum(predictions * labels) over `dim` (unit vectors)."""
    predictions.shape.assert_is_compatible_with(labels.shape)
    radial = reduce_sum(multiply(predictions, labels), axis=[dim], keepdims=True)
    mean_distance, update_op = streaming_mean(radial, weights, None, None,
                                              name or "mean_cosine_distance")
    mean_distance, update_op = subtract(1.0, mean_distance), subtract(1.0, update_op)
    if metrics_collections:
        add_to_collections(metrics_collections, mean_distance)
    if updates_collections:
        add_to_collections(updates_collections, update_op)
    return mean_distance, update_op


def aggregate_metrics(*value_update_tuples):
    """([values], [update_ops]) from (value, update_op) pairs."""
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    values, updates = zip(*value_update_tuples)
    return list(values), list(updates)


def aggregate_metric_map(names_to_tuples):
    """({name: value}, {name: update_op}) from {name: (value, update_op)}."""
    names = list(names_to_tuples)
    values, updates = zip(*names_to_tuples.values())
    return dict(zip(names, values)), dict(zip(names, updates))
