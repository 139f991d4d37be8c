"""TF 1.15's DNNLinearCombinedClassifier and DNNLinearCombinedRegressor ("wide & deep"):
the sum of a linear model's logits (variable scope linear/, Ftrl) and a network's (dnn/,
Adagrad), each part trained by its own optimizer in one step."""

import math

from minitf.estimator.canned import head as head_lib
from minitf.estimator.canned.dnn import dnn_logits, layer_summaries
from minitf.estimator.canned.linear import linear_logits
from minitf.estimator.canned.optimizers import get_optimizer_instance
from minitf.estimator.estimator import Estimator
from minitf.framework.graph import GraphKeys, control_dependencies, get_collection
from minitf.losses import Reduction
from minitf.ops.control_ops import group
from minitf.ops.nn_ops import relu
from minitf.ops.state_ops import assign_add
from minitf.ops.variable_scope import variable_scope
from minitf.train.training_util import get_global_step

__all__ = ["DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor"]

_DNN_LEARNING_RATE = 0.001
_LINEAR_LEARNING_RATE = 0.005


def _combined_model_fn(features, labels, mode, head, linear_feature_columns, linear_optimizer,
                       dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
                       dnn_dropout, batch_norm, linear_sparse_combiner):
    if not isinstance(features, dict):
        raise ValueError("features should be a dictionary of `Tensor`s. Given type: {}"
                         .format(type(features)))
    if not linear_feature_columns and not dnn_feature_columns:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")
    parts = []  # (logits, optimizer, variable scope name)
    if dnn_feature_columns:
        dnn_optimizer = get_optimizer_instance(dnn_optimizer, learning_rate=_DNN_LEARNING_RATE)
        if not dnn_hidden_units:
            raise ValueError("dnn_hidden_units must be defined when dnn_feature_columns is "
                             "specified.")
        with variable_scope("dnn", values=tuple(features.values())) as scope:
            parts.append((dnn_logits(features, mode, head.logits_dimension, dnn_hidden_units,
                                     dnn_feature_columns, dnn_activation_fn, dnn_dropout,
                                     batch_norm), dnn_optimizer, scope.name))
    if linear_feature_columns:
        linear_optimizer = get_optimizer_instance(linear_optimizer, learning_rate=min(
            _LINEAR_LEARNING_RATE, 1.0 / math.sqrt(len(linear_feature_columns))))
        with variable_scope("linear", values=tuple(features.values())) as scope:
            logits = linear_logits(features, head.logits_dimension, linear_feature_columns,
                                   linear_sparse_combiner)
            layer_summaries(logits, scope.name)
            parts.append((logits, linear_optimizer, scope.name))
    logits = parts[0][0] if len(parts) == 1 else parts[0][0] + parts[1][0]

    def train_op_fn(loss):
        updates = group(*[optimizer.minimize(loss, var_list=get_collection(
            GraphKeys.TRAINABLE_VARIABLES, scope=scope_name)) for _, optimizer, scope_name
                          in parts])
        with control_dependencies([updates]):
            return assign_add(get_global_step(), 1).op
    return head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                      train_op_fn=train_op_fn, logits=logits)


def _check_columns(linear_feature_columns, dnn_feature_columns):
    if not list(linear_feature_columns or []) + list(dnn_feature_columns or []):
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")


class _Combined(Estimator):
    def __init__(self, head, model_dir, linear_feature_columns, linear_optimizer,
                 dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
                 dnn_dropout, config, warm_start_from, batch_norm, linear_sparse_combiner):
        def model_fn(features, labels, mode, config):
            return _combined_model_fn(
                features, labels, mode, head, linear_feature_columns, linear_optimizer,
                dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
                dnn_dropout, batch_norm, linear_sparse_combiner)
        super().__init__(model_fn=model_fn, model_dir=model_dir, config=config,
                         warm_start_from=warm_start_from)


class DNNLinearCombinedClassifier(_Combined):
    """tf.estimator.DNNLinearCombinedClassifier (TF 1.x's): wide (linear) and deep (DNN)
    logits added, classifying into n_classes; Ftrl(min(0.005, 1 / sqrt(number of linear
    columns))) and Adagrad(0.001) by default."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=relu, dnn_dropout=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=Reduction.SUM, batch_norm=False,
                 linear_sparse_combiner="sum"):
        _check_columns(linear_feature_columns, dnn_feature_columns)
        head = head_lib.classifier_head(n_classes, weight_column, label_vocabulary,
                                        loss_reduction)
        super().__init__(head, model_dir, linear_feature_columns, linear_optimizer,
                         dnn_feature_columns, dnn_optimizer, dnn_hidden_units,
                         dnn_activation_fn, dnn_dropout, config, warm_start_from, batch_norm,
                         linear_sparse_combiner)


class DNNLinearCombinedRegressor(_Combined):
    """tf.estimator.DNNLinearCombinedRegressor (TF 1.x's): wide (linear) and deep (DNN)
    logits added, predicting `label_dimension` values."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=relu, dnn_dropout=None, label_dimension=1,
                 weight_column=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=Reduction.SUM, batch_norm=False,
                 linear_sparse_combiner="sum"):
        _check_columns(linear_feature_columns, dnn_feature_columns)
        head = head_lib.regression_head(label_dimension, weight_column, loss_reduction)
        super().__init__(head, model_dir, linear_feature_columns, linear_optimizer,
                         dnn_feature_columns, dnn_optimizer, dnn_hidden_units,
                         dnn_activation_fn, dnn_dropout, config, warm_start_from, batch_norm,
                         linear_sparse_combiner)
