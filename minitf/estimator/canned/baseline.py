"""TF 1.15's BaselineClassifier and BaselineRegressor: a model that ignores its features and
learns one bias per output (the variable baseline/bias, starting at zero), trained with
Ftrl(0.3) by default; the score a real model has to beat."""

from minitf.estimator.canned import head as head_lib
from minitf.estimator.canned.optimizers import get_optimizer_instance
from minitf.estimator.estimator import Estimator
from minitf.framework.graph import control_dependencies
from minitf.losses import Reduction
from minitf.ops.core import ones, shape
from minitf.ops.elementwise import multiply
from minitf.ops.init_ops import zeros_initializer
from minitf.ops.logging_ops import assert_equal
from minitf.ops.variable_scope import get_variable, variable_scope
from minitf.train.training_util import get_global_step

__all__ = ["BaselineClassifier", "BaselineRegressor"]

_LEARNING_RATE = 0.3


def _baseline_logits(features, units, weight_key):
    """bias * ones([batch, units]), the batch size read from the features (the weight column
    aside), which must all have it."""
    checks, batch = [], None
    for key, feature in features.items():
        if key == weight_key:
            continue
        first = shape(feature)[0]
        if batch is None:
            batch = first
        else:
            checks.append(assert_equal(batch, first))
    with control_dependencies(checks), variable_scope("baseline"):
        bias = get_variable("bias", shape=[units], initializer=zeros_initializer())
        return multiply(bias, ones([batch, units]))


def _weight_key(weight_column):
    if weight_column is None or isinstance(weight_column, str):
        return weight_column
    return weight_column.key


class _Baseline(Estimator):
    def __init__(self, head, model_dir, optimizer, config, weight_key):
        def model_fn(features, labels, mode, config):
            logits = _baseline_logits(features, head.logits_dimension, weight_key)

            def train_op_fn(loss):
                return get_optimizer_instance(optimizer, learning_rate=_LEARNING_RATE).minimize(
                    loss, global_step=get_global_step())
            return head.create_estimator_spec(features=features, mode=mode, logits=logits,
                                              labels=labels, train_op_fn=train_op_fn)
        super().__init__(model_fn=model_fn, model_dir=model_dir, config=config)


class BaselineClassifier(_Baseline):
    """tf.estimator.BaselineClassifier (TF 1.x's): predicts the classes' learned prior,
    whatever the features (a logistic head for n_classes 2, softmax above)."""

    def __init__(self, model_dir=None, n_classes=2, weight_column=None, label_vocabulary=None,
                 optimizer="Ftrl", config=None, loss_reduction=Reduction.SUM):
        head = head_lib.classifier_head(n_classes, weight_column, label_vocabulary,
                                        loss_reduction)
        super().__init__(head, model_dir, optimizer, config, _weight_key(weight_column))


class BaselineRegressor(_Baseline):
    """tf.estimator.BaselineRegressor (TF 1.x's): predicts the labels' learned mean, whatever
    the features."""

    def __init__(self, model_dir=None, label_dimension=1, weight_column=None, optimizer="Ftrl",
                 config=None, loss_reduction=Reduction.SUM):
        head = head_lib.regression_head(label_dimension, weight_column, loss_reduction)
        # (TF 1.15 does not tell the regressor's model which feature is the weight column)
        super().__init__(head, model_dir, optimizer, config, None)
