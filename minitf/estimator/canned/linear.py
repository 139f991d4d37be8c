"""TF 1.15's LinearClassifier and LinearRegressor: tf.feature_column.linear_model's
weighted sum (variables linear/linear_model/<column>/weights and
linear/linear_model/bias_weights, all starting at zero), trained with Ftrl by default."""

import math

from minitf import dtypes
from minitf.estimator.canned import head as head_lib
from minitf.estimator.canned.optimizers import get_optimizer_instance, tf_checkpoint_keys
from minitf.estimator.estimator import Estimator
from minitf.feature_column.feature_column import linear_model_in_scope
from minitf.framework.graph import name_scope
from minitf.losses import Reduction
from minitf.ops.core import cast
from minitf.ops.elementwise import add_n
from minitf.ops.nn_impl import zero_fraction
from minitf.ops.variable_scope import variable_scope
from minitf.summary.summary_ops import histogram, scalar
from minitf.train.ftrl import FtrlOptimizer

__all__ = ["LinearClassifier", "LinearRegressor"]

_LEARNING_RATE = 0.2


def _fraction_of_zero(variables):
    """The fraction of the variables' entries that are zero (TF's sparsity summary)."""
    with name_scope("zero_fraction"):
        total = sum(v.shape.num_elements() for v in variables)
        zeros = add_n([zero_fraction(v) * float(v.shape.num_elements()) for v in variables])
        return cast(zeros, dtypes.float32) / float(total)


def linear_logits(features, units, feature_columns, sparse_combiner):
    """The logits [batch, units] of linear_model, with TF's bias and sparsity summaries."""
    cols_to_vars = {}
    # TF 1.15's variables linear_model/..., its ops linear_model/linear_model/linear_model/...
    # (a Keras model holding a layer, both named linear_model)
    with variable_scope("linear_model", auxiliary_name_scope=False), \
            name_scope("linear_model"), name_scope("linear_model"), name_scope("linear_model"):
        logits = linear_model_in_scope(features, feature_columns, units=units,
                                       sparse_combiner=sparse_combiner,
                                       cols_to_vars=cols_to_vars)
    bias = cols_to_vars.pop("bias")
    if units > 1:
        histogram("bias", bias[0])
    else:
        scalar("bias", bias[0][0])
    scalar("fraction_of_zero_weights",
           _fraction_of_zero([v for vs in cols_to_vars.values() for v in vs]))
    return logits


def _linear_model_fn(features, labels, mode, head, feature_columns, optimizer,
                     sparse_combiner, config):
    if not isinstance(features, dict):
        raise ValueError("features should be a dictionary of `Tensor`s. Given type: {}"
                         .format(type(features)))
    with variable_scope("linear", values=tuple(features.values())) as scope:
        logits = linear_logits(features, head.logits_dimension, feature_columns,
                               sparse_combiner)
        if optimizer is None:
            optimizer = FtrlOptimizer(
                learning_rate=min(_LEARNING_RATE, 1.0 / math.sqrt(len(feature_columns))))
        optimizer = get_optimizer_instance(optimizer, learning_rate=_LEARNING_RATE)
    # (as DNNClassifier's: the slots are <var>/<Slot> in the graph, TF's keys in checkpoints)
    with name_scope(scope.original_name_scope):
        spec = head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                          optimizer=optimizer, logits=logits)
    return tf_checkpoint_keys(spec, optimizer, scope.name, config)


class _Linear(Estimator):
    def __init__(self, head, feature_columns, model_dir, optimizer, config, warm_start_from,
                 sparse_combiner):
        feature_columns = tuple(feature_columns or [])

        def model_fn(features, labels, mode, config):
            return _linear_model_fn(features, labels, mode, head, feature_columns, optimizer,
                                    sparse_combiner, config)
        super().__init__(model_fn=model_fn, model_dir=model_dir, config=config,
                         warm_start_from=warm_start_from)


class LinearClassifier(_Linear):
    """tf.estimator.LinearClassifier (TF 1.x's): a linear model over `feature_columns`
    classifying into n_classes (a logistic head for 2, softmax above); `optimizer` 'Ftrl' is
    Ftrl(0.2), None is Ftrl(min(0.2, 1 / sqrt(number of columns)))."""

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction=Reduction.SUM, sparse_combiner="sum"):
        head = head_lib.classifier_head(n_classes, weight_column, label_vocabulary,
                                        loss_reduction)
        super().__init__(head, feature_columns, model_dir, optimizer, config,
                         warm_start_from, sparse_combiner)


class LinearRegressor(_Linear):
    """tf.estimator.LinearRegressor (TF 1.x's): a linear model over `feature_columns`
    predicting `label_dimension` values, trained on their squared error."""

    def __init__(self, feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, partitioner=None, warm_start_from=None,
                 loss_reduction=Reduction.SUM, sparse_combiner="sum"):
        head = head_lib.regression_head(label_dimension, weight_column, loss_reduction)
        super().__init__(head, feature_columns, model_dir, optimizer, config,
                         warm_start_from, sparse_combiner)
