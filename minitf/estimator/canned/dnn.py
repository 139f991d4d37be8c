"""TF 1.15's DNNClassifier and DNNRegressor: feed-forward networks over feature columns
(variables dnn/hiddenlayer_<i>/{kernel,bias} and dnn/logits/{kernel,bias}, glorot uniform
kernels, zero biases), trained with Adagrad(0.05) by default."""

from minitf.estimator.canned import head as head_lib
from minitf.estimator.canned.optimizers import get_optimizer_instance, tf_checkpoint_keys
from minitf.estimator.estimator import Estimator
from minitf.feature_column.feature_column import input_layer
from minitf.framework.graph import name_scope
from minitf.layers.normalization import BatchNormalization
from minitf.layers.core import Dense, dropout as dropout_layer
from minitf.losses import Reduction
from minitf.ops.init_ops import glorot_uniform_initializer
from minitf.ops.nn_impl import zero_fraction
from minitf.ops.nn_ops import relu
from minitf.ops.variable_scope import variable_scope
from minitf.summary.summary_ops import histogram, scalar
from minitf.estimator.model_fn import ModeKeys

__all__ = ["DNNClassifier", "DNNRegressor"]

_LEARNING_RATE = 0.05


def layer_summaries(value, tag):
    """TF's summaries of a layer's output: the fraction of zeros and a histogram."""
    scalar("%s/fraction_of_zero_values" % tag, zero_fraction(value))
    histogram("%s/activation" % tag, value)


def dnn_logits(features, mode, units, hidden_units, feature_columns, activation_fn, dropout,
               batch_norm):
    """The logits [batch, units] of the network, built in the current variable scope
    (TF's: input_from_feature_columns/input_layer, hiddenlayer_<i>, batchnorm_<i>,
    logits)."""
    if not isinstance(units, int):
        raise ValueError("units must be an int.  Given type: {}".format(type(units)))
    training = mode == ModeKeys.TRAIN
    with variable_scope("input_from_feature_columns"):
        net = input_layer(features, feature_columns)
    for i, width in enumerate(hidden_units):
        with variable_scope("hiddenlayer_%d" % i) as scope:
            net = Dense(width, activation=activation_fn,
                        kernel_initializer=glorot_uniform_initializer())._apply_in(scope, net)
            if dropout is not None and training:
                net = dropout_layer(net, rate=dropout, training=True)
            if batch_norm:  # (TF's variables hiddenlayer_<i>/batchnorm_<i>/...)
                net = BatchNormalization(momentum=0.999, trainable=True,
                                         name="batchnorm_%d" % i)(net, training=training)
        layer_summaries(net, scope.name)
    with variable_scope("logits") as scope:
        logits = Dense(units, kernel_initializer=glorot_uniform_initializer())._apply_in(
            scope, net)
    layer_summaries(logits, scope.name)
    return logits


def check_features(features):
    if not isinstance(features, dict):
        raise ValueError("features should be a dictionary of `Tensor`s. Given type: {}"
                         .format(type(features)))


def _dnn_model_fn(features, labels, mode, head, hidden_units, feature_columns, optimizer,
                  activation_fn, dropout, batch_norm, config):
    optimizer = get_optimizer_instance(optimizer, learning_rate=_LEARNING_RATE)
    check_features(features)
    with variable_scope("dnn", values=tuple(features.values())) as scope:
        logits = dnn_logits(features, mode, head.logits_dimension, hidden_units,
                            feature_columns, activation_fn, dropout, batch_norm)
    # TF's head runs in the variable scope too, which names the optimizer's slots of its
    # (one-part partitioned) variables <var>/t_0/<Slot> in the checkpoint; minitf's slots are
    # <var>/<Slot> in the graph, and the Saver writes TF's keys
    with name_scope(scope.original_name_scope):
        spec = head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                          optimizer=optimizer, logits=logits)
    return tf_checkpoint_keys(spec, optimizer, scope.name, config)


class _DNN(Estimator):
    def __init__(self, head, hidden_units, feature_columns, model_dir, optimizer,
                 activation_fn, dropout, config, warm_start_from, batch_norm):
        feature_columns = tuple(feature_columns or [])

        def model_fn(features, labels, mode, config):
            return _dnn_model_fn(features, labels, mode, head, hidden_units, feature_columns,
                                 optimizer, activation_fn, dropout, batch_norm, config)
        super().__init__(model_fn=model_fn, model_dir=model_dir, config=config,
                         warm_start_from=warm_start_from)


class DNNClassifier(_DNN):
    """tf.estimator.DNNClassifier (TF 1.x's): a network over `feature_columns` with
    `hidden_units` (a list of widths) classifying into n_classes (a logistic head for 2,
    softmax above), labels being class ids or strings of `label_vocabulary`."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                 activation_fn=relu, dropout=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=Reduction.SUM, batch_norm=False):
        head = head_lib.classifier_head(n_classes, weight_column, label_vocabulary,
                                        loss_reduction)
        super().__init__(head, hidden_units, feature_columns, model_dir, optimizer,
                         activation_fn, dropout, config, warm_start_from, batch_norm)


class DNNRegressor(_DNN):
    """tf.estimator.DNNRegressor (TF 1.x's): a network over `feature_columns` with
    `hidden_units` predicting `label_dimension` values, trained on their squared error."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, label_dimension=1,
                 weight_column=None, optimizer="Adagrad", activation_fn=relu, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None,
                 loss_reduction=Reduction.SUM, batch_norm=False):
        head = head_lib.regression_head(label_dimension, weight_column, loss_reduction)
        super().__init__(head, hidden_units, feature_columns, model_dir, optimizer,
                         activation_fn, dropout, config, warm_start_from, batch_norm)
