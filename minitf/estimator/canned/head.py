"""The heads of TF 1.15's canned estimators: what turns a model's logits into predictions, a
loss, eval metrics, a train op and export signatures (binary logistic, multi-class softmax,
mean squared error regression), each with loss_reduction SUM by default as TF 1.x's."""

from minitf import dtypes
from minitf.estimator.export_output import (ClassificationOutput, PredictOutput,
                                            RegressionOutput)
from minitf.estimator.model_fn import EstimatorSpec, ModeKeys
from minitf.feature_column.feature_column import _DenseColumn, _LazyBuilder, numeric_column
from minitf.framework.graph import GraphKeys, control_dependencies, get_collection, name_scope
from minitf.framework.tensor import Tensor
from minitf.ops.constant_op import convert_to_tensor
from minitf import losses, metrics
from minitf.ops.control_ops import group
from minitf.ops.core import cast, expand_dims, identity, ones_like, reduce_sum, shape, zeros_like
from minitf.ops.elementwise import maximum, sigmoid
from minitf.ops.join_split import concat, tile
from minitf.ops.logging_ops import assert_less_equal, assert_non_negative
from minitf.ops.lookup_ops import index_table_from_tensor, index_to_string_table_from_tensor
from minitf.ops.nn_ops import sigmoid_cross_entropy_with_logits, softmax
from minitf.ops.ranges import range as range_
from minitf.ops.reductions import argmax
from minitf.ops.string_ops import as_string
from minitf.summary.summary_ops import scalar
from minitf.train.training_util import get_global_step

# the export signature keys of a canned model
_DEFAULT_SERVING_KEY = "serving_default"
_CLASSIFY_SERVING_KEY = "classification"
_REGRESS_SERVING_KEY = "regression"
_PREDICT_SERVING_KEY = "predict"


def _check_loss_reduction(loss_reduction):
    if (loss_reduction not in losses.Reduction.all()
            or loss_reduction == losses.Reduction.NONE):
        raise ValueError("Invalid loss_reduction: {}".format(loss_reduction))


def classifier_head(n_classes, weight_column, label_vocabulary, loss_reduction):
    """A binary logistic head when n_classes is 2, a softmax one otherwise (TF's checks and
    messages: n_classes must be > 2 for the latter)."""
    _check_loss_reduction(loss_reduction)
    if n_classes == 2:
        if label_vocabulary is not None and not isinstance(label_vocabulary, (list, tuple)):
            raise TypeError("label_vocabulary should be a list or tuple. Given type: {}"
                            .format(type(label_vocabulary)))
        return _BinaryHead(weight_column, label_vocabulary, loss_reduction)
    if n_classes is None:
        raise ValueError("n_classes cannot be None")
    if isinstance(n_classes, int) and n_classes <= 2:
        raise ValueError("n_classes must be > 2: %s." % n_classes)
    if label_vocabulary is not None and not isinstance(label_vocabulary, (list, tuple)):
        raise ValueError("label_vocabulary should be a list or a tuple. Given type: {}"
                         .format(type(label_vocabulary)))
    return _MultiClassHead(n_classes, weight_column, label_vocabulary, loss_reduction)


def regression_head(label_dimension, weight_column, loss_reduction):
    """A mean squared error head over `label_dimension` outputs."""
    _check_loss_reduction(loss_reduction)
    if label_dimension < 1:
        raise ValueError("Invalid label_dimension %s." % label_dimension)
    return _RegressionHead(label_dimension, weight_column, loss_reduction)


class _Head:
    """Builds a mode's EstimatorSpec from logits [batch, logits_dimension]. Subclasses give
    logits_dimension, _predictions (the predictions dict and export outputs), _unreduced_loss
    (per-example losses [batch, d] and the labels as the metrics read them) and _metrics;
    _predictions gives the checked logits, the predictions dict and the export outputs."""

    logits_dimension = 1

    def __init__(self, weight_column, loss_reduction):
        self._weight_column = weight_column
        self._loss_reduction = loss_reduction

    def create_estimator_spec(self, features, mode, logits, labels=None, optimizer=None,
                              train_op_fn=None):
        with name_scope(None, "head"):
            logits, predictions, export_outputs = self._predictions(logits)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode, predictions=predictions,
                                     export_outputs=export_outputs)
            labels = _labels_as_logits(labels, logits, self._labels_dimension())
            unreduced, labels = self._unreduced_loss(labels, logits)
            weights = self._weights(features, logits)
            loss = losses.compute_weighted_loss(unreduced, weights=weights,
                                                reduction=self._loss_reduction)
            if mode == ModeKeys.EVAL:
                eval_inputs = (labels, predictions, weights, unreduced)
            else:
                if optimizer is not None and train_op_fn is not None:
                    raise ValueError("train_op_fn and optimizer cannot both be set.")
                if optimizer is not None:
                    train_op = optimizer.minimize(loss, global_step=get_global_step())
                elif train_op_fn is not None:
                    train_op = train_op_fn(loss)
                else:
                    raise ValueError("train_op_fn and optimizer cannot both be None.")
                update_ops = get_collection(GraphKeys.UPDATE_OPS)
                if update_ops:
                    train_op = group(train_op, *update_ops)
                mean_loss = None
                if self._loss_reduction == losses.Reduction.SUM:
                    mean_loss = loss / reduce_sum(weights * ones_like(unreduced))
        if mode == ModeKeys.EVAL:  # (TF builds the metrics after leaving the head's scope)
            return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                 eval_metric_ops=self._metrics(*eval_inputs))
        with name_scope(""):
            scalar("loss", loss)
            if mean_loss is not None:
                scalar("average_loss", mean_loss)
        return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op)

    def _labels_dimension(self):
        return 1

    def _weights(self, features, logits):
        """The weight column's values [batch, 1] as float32 (1. without one)."""
        with name_scope(None, "weights"):
            column = self._weight_column
            if column is None:
                return 1.0
            if isinstance(column, str):
                column = numeric_column(key=column, shape=(1,))
            if not isinstance(column, _DenseColumn):
                raise TypeError("Weight column must be either a string or _DenseColumn. "
                                "Given type: {}.".format(type(column)))
            weights = column._get_dense_tensor(_LazyBuilder(features))
            if not (weights.dtype.is_floating or weights.dtype.is_integer):
                raise ValueError("Weight column should be castable to float. Given dtype: {}"
                                 .format(weights.dtype))
            weights = cast(weights, dtypes.float32, name="weights")
            if weights.shape.ndims == logits.shape.ndims - 1:
                return expand_dims(weights, -1)
            return identity(weights)


def _labels_as_logits(labels, logits, dimension):
    """`labels` as a dense [batch, dimension] tensor (a [batch] one is expanded)."""
    if labels is None:
        raise ValueError("You must provide a labels Tensor. Given: None. Suggested "
                         "troubleshooting steps: Check that your data contain your label "
                         "feature. Check that your input_fn properly parses and returns labels.")
    with name_scope(None, "labels") as scope:
        labels = convert_to_tensor(labels)
        if (labels.shape.ndims is not None and logits.shape.ndims is not None
                and labels.shape.ndims == logits.shape.ndims - 1):
            labels = expand_dims(labels, -1)
        last = labels.shape.as_list()[-1] if labels.shape.ndims else None
        if last is not None and last != dimension:
            raise ValueError(
                "Mismatched label shape. Expected labels dimension=%s.  Received %s. Suggested "
                "Fix:If your classifier expects one-hot encoding label,check your n_classes "
                "argument to the estimator and/or the shape of your label. Otherwise, check "
                "the shape of your label." % (dimension, last))
        return identity(labels, name=scope.rstrip("/").rsplit("/", 1)[-1])


def _assert_range(labels, n_classes):
    """`labels`, checked at run time to be in [0, n_classes - 1]."""
    with name_scope(None, "assert_range"):
        checks = [assert_less_equal(labels, convert_to_tensor(n_classes - 1, dtype=labels.dtype),
                                    message="Labels must <= n_classes - 1"),
                  assert_non_negative(labels, message="Labels must >= 0")]
        with control_dependencies(checks):
            return identity(labels)


def _class_lists(logits, n_classes, label_vocabulary):
    """all_class_ids and all_classes: every class id / name, once per example."""
    batch = shape(logits)[0]
    ids = tile(expand_dims(range_(n_classes), 0), [batch, 1])
    names = label_vocabulary if label_vocabulary else as_string(range_(n_classes))
    return ids, tile(expand_dims(names, 0), [batch, 1])


def _class_names(class_ids, label_vocabulary):
    if label_vocabulary:
        return index_to_string_table_from_tensor(label_vocabulary,
                                                 name="class_string_lookup").lookup(class_ids)
    return as_string(class_ids, name="str_classes")


def _classification_output(scores, n_classes, label_vocabulary):
    names = label_vocabulary if label_vocabulary else as_string(range_(n_classes))
    return ClassificationOutput(scores=scores, classes=tile(
        expand_dims(names, 0), [shape(scores)[0], 1]))


def _class_ids_of(labels, label_vocabulary):
    if label_vocabulary is None:
        return labels
    return index_table_from_tensor(tuple(label_vocabulary),
                                   name="class_id_lookup").lookup(labels)


def _mean_of(values, weights, name, kind):
    """tf.metrics.mean of `values` (the `kind`: labels or predictions) as float32, weighted
    (the weights broadcast to the values)."""
    with name_scope(None, name) as scope:
        values = cast(values, dtypes.float32, name=kind)
        if weights is not None:
            weights = weights * ones_like(values)
        return metrics.mean(values, weights=weights, name=scope)


class _BinaryHead(_Head):
    """Logistic regression on one logit: sigmoid cross entropy against labels in {0, 1} (or
    the label vocabulary's two strings)."""

    def __init__(self, weight_column, label_vocabulary, loss_reduction):
        super().__init__(weight_column, loss_reduction)
        self._label_vocabulary = label_vocabulary

    def _predictions(self, logits):
        with name_scope(None, "predictions"):
            logits = _checked_logits(logits, 1)
            logistic = sigmoid(logits, name="logistic")
            two_class_logits = concat((zeros_like(logits), logits), axis=-1,
                                      name="two_class_logits")
            probabilities = softmax(two_class_logits, name="probabilities")
            class_ids = expand_dims(argmax(two_class_logits, axis=-1, name="class_ids"), -1)
            all_ids, all_classes = _class_lists(logits, 2, self._label_vocabulary)
            predictions = {"logits": logits, "logistic": logistic,
                           "probabilities": probabilities, "class_ids": class_ids,
                           "classes": _class_names(class_ids, self._label_vocabulary),
                           "all_class_ids": all_ids, "all_classes": all_classes}
        classification = _classification_output(probabilities, 2, self._label_vocabulary)
        return logits, predictions, {_DEFAULT_SERVING_KEY: classification,
                                     _CLASSIFY_SERVING_KEY: classification,
                                     _REGRESS_SERVING_KEY: RegressionOutput(value=logistic),
                                     _PREDICT_SERVING_KEY: PredictOutput(predictions)}

    def _unreduced_loss(self, labels, logits):
        labels = _class_ids_of(labels, self._label_vocabulary)
        labels = _assert_range(cast(labels, dtypes.float32), 2)
        return sigmoid_cross_entropy_with_logits(labels=labels, logits=logits), labels

    def _metrics(self, labels, predictions, weights, unreduced):
        weights = None if not isinstance(weights, Tensor) else weights
        with name_scope(None, "metrics"):
            logistic, class_ids = predictions["logistic"], predictions["class_ids"]
            labels_mean = _mean_of(labels, weights, "label/mean", "labels")
            with name_scope(None, "accuracy_baseline"):
                value, update = labels_mean
                baseline = (maximum(value, 1.0 - value, name="value"),
                            maximum(update, 1 - update, name="update_op"))
            return {
                "average_loss": metrics.mean(unreduced, weights=weights, name="average_loss"),
                "accuracy": metrics.accuracy(labels, class_ids, weights=weights,
                                             name="accuracy"),
                "precision": metrics.precision(labels, class_ids, weights=weights,
                                               name="precision"),
                "recall": metrics.recall(labels, class_ids, weights=weights, name="recall"),
                "prediction/mean": _mean_of(logistic, weights, "prediction/mean",
                                            "predictions"),
                "label/mean": labels_mean,
                "accuracy_baseline": baseline,
                "auc": _auc(labels, logistic, weights, "ROC", "auc"),
                "auc_precision_recall": _auc(labels, logistic, weights, "PR",
                                             "auc_precision_recall")}


def _auc(labels, logistic, weights, curve, name):
    with name_scope(None, name) as scope:
        predictions = cast(logistic, dtypes.float32, name="predictions")
        if weights is not None:
            weights = weights * ones_like(predictions)
        return metrics.auc(labels=labels, predictions=predictions, weights=weights,
                           curve=curve, name=scope)


class _MultiClassHead(_Head):
    """Softmax cross entropy over n_classes logits against integer class ids (or the label
    vocabulary's strings)."""

    def __init__(self, n_classes, weight_column, label_vocabulary, loss_reduction):
        super().__init__(weight_column, loss_reduction)
        self._n_classes = n_classes
        self._label_vocabulary = label_vocabulary
        self.logits_dimension = n_classes

    def _predictions(self, logits):
        logits = _checked_logits(logits, self._n_classes)
        with name_scope(None, "predictions"):
            all_ids, all_classes = _class_lists(logits, self._n_classes,
                                                self._label_vocabulary)
            class_ids = expand_dims(argmax(logits, axis=-1, name="class_ids"), -1)
            classes = _class_names(class_ids, self._label_vocabulary)
            probabilities = softmax(logits, name="probabilities")
            predictions = {"logits": logits, "probabilities": probabilities,
                           "class_ids": class_ids, "classes": classes,
                           "all_class_ids": all_ids, "all_classes": all_classes}
        classification = _classification_output(probabilities, self._n_classes,
                                                self._label_vocabulary)
        return logits, predictions, {_DEFAULT_SERVING_KEY: classification,
                                     _CLASSIFY_SERVING_KEY: classification,
                                     _PREDICT_SERVING_KEY: PredictOutput(predictions)}

    def _unreduced_loss(self, labels, logits):
        if self._label_vocabulary is None:
            if not labels.dtype.is_integer:
                raise ValueError("Labels dtype should be integer. Instead got {}."
                                 .format(labels.dtype))
        elif labels.dtype != dtypes.string:
            raise ValueError("Labels dtype should be string if there is a vocabulary. "
                             "Instead got {}".format(labels.dtype))
        label_ids = _assert_range(_class_ids_of(labels, self._label_vocabulary),
                                  self._n_classes)
        loss = losses.sparse_softmax_cross_entropy(labels=label_ids, logits=logits,
                                                   reduction=losses.Reduction.NONE)
        return expand_dims(loss, -1), label_ids

    def _metrics(self, labels, predictions, weights, unreduced):
        weights = None if not isinstance(weights, Tensor) else weights
        with name_scope(None, "metrics"):
            return {"average_loss": metrics.mean(unreduced, weights=weights,
                                                 name="average_loss"),
                    "accuracy": metrics.accuracy(labels, predictions["class_ids"],
                                                 weights=weights, name="accuracy")}


class _RegressionHead(_Head):
    """Mean squared error between the logits (the predictions) and float labels."""

    def __init__(self, label_dimension, weight_column, loss_reduction):
        super().__init__(weight_column, loss_reduction)
        self.logits_dimension = label_dimension

    def _labels_dimension(self):
        return self.logits_dimension

    def _predictions(self, logits):
        logits = _checked_logits(logits, self.logits_dimension)
        regression = RegressionOutput(value=logits)
        return logits, {"predictions": logits}, {
            _DEFAULT_SERVING_KEY: regression, _REGRESS_SERVING_KEY: regression,
            _PREDICT_SERVING_KEY: PredictOutput({"predictions": logits})}

    def _unreduced_loss(self, labels, logits):
        labels = cast(labels, dtypes.float32)
        return losses.mean_squared_error(labels=labels, predictions=logits,
                                         reduction=losses.Reduction.NONE), labels

    def _metrics(self, labels, predictions, weights, unreduced):
        weights = None if not isinstance(weights, Tensor) else weights
        if weights is not None:
            weights = weights * ones_like(unreduced)
        return {"average_loss": metrics.mean(unreduced, weights=weights),
                "prediction/mean": _mean_of(predictions["predictions"], weights,
                                            "prediction/mean", "predictions"),
                "label/mean": metrics.mean(labels, weights=weights)}


def _checked_logits(logits, dimension):
    """`logits` as float32, whose last dimension must be `dimension` (checked statically)."""
    with name_scope(None, "logits"):
        logits = cast(convert_to_tensor(logits), dtypes.float32)
        last = logits.shape.as_list()[-1] if logits.shape.ndims else None
        if logits.shape.ndims is not None and logits.shape.ndims < 2:
            raise ValueError("logits shape must be [D0, D1, ... DN, logits_dimension]")
        if last is not None and last != dimension:
            raise ValueError("logits shape must be [D0, D1, ... DN, logits_dimension=%s], "
                             "got %s." % (dimension, logits.shape))
        return logits
