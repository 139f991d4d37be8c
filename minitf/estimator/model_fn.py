"""tf.estimator.ModeKeys and EstimatorSpec: what a model_fn returns, checked as TF checks it
(which fields each mode needs, their types, and that tensors are from the default graph)."""

import collections

from minitf.estimator.export_output import get_export_outputs
from minitf.framework.graph import get_default_graph
from minitf.framework.operation import Operation
from minitf.framework.tensor import Tensor
from minitf.ops.array_ops import reshape
from minitf.ops.variables import Variable
from minitf.train.monitored_session import Scaffold
from minitf.train.session_run_hook import SessionRunHook

__all__ = ["ModeKeys", "EstimatorSpec"]


class ModeKeys:
    """The mode a model_fn is called in."""
    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


_NOT_DEFAULT_GRAPH = (
    '{0} with "{1}" must be from the default graph. Possible causes of this error include: '
    '\n\n1) {0} was created outside the context of the default graph.\n\n2) The object passed '
    'through to EstimatorSpec was not created in the most recent call to "model_fn".')

_FIELDS = ["mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
           "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks",
           "prediction_hooks"]


class EstimatorSpec(collections.namedtuple("EstimatorSpec", _FIELDS)):
    """A model_fn's result. TRAIN needs loss and train_op, EVAL needs loss, PREDICT needs
    predictions; a loss of shape [1] becomes a scalar; a PREDICT spec without export_outputs
    gets {"serving_default": PredictOutput(predictions)}; scaffold defaults to a Scaffold()."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None,
                scaffold=None, evaluation_hooks=None, prediction_hooks=None):
        train_op = _check_train_op(train_op, mode)
        loss = _check_loss(loss, mode)
        predictions = _check_predictions(predictions, mode)
        if mode == ModeKeys.PREDICT:
            export_outputs = get_export_outputs(export_outputs, predictions)
        hooks = [_check_hooks(h) for h in (training_hooks, evaluation_hooks, prediction_hooks,
                                           training_chief_hooks)]
        eval_metric_ops = _check_eval_metric_ops(eval_metric_ops)
        scaffold = scaffold or Scaffold()
        if not isinstance(scaffold, Scaffold):
            raise TypeError("scaffold must be tf.train.Scaffold. Given: {}".format(scaffold))
        return super().__new__(cls, mode=mode, predictions=predictions, loss=loss,
                               train_op=train_op, eval_metric_ops=eval_metric_ops,
                               export_outputs=export_outputs, training_chief_hooks=hooks[3],
                               training_hooks=hooks[0], scaffold=scaffold,
                               evaluation_hooks=hooks[1], prediction_hooks=hooks[2])

    def _replace(self, **kwds):
        if "mode" in kwds and self.mode != kwds["mode"]:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        return EstimatorSpec(*map(kwds.pop, self._fields, list(self)))


def _check_graph(what, name, value):
    if value.graph is not get_default_graph():
        raise ValueError(_NOT_DEFAULT_GRAPH.format(what, name))


def _check_tensor(value, name):
    if not isinstance(value, Tensor):
        raise TypeError("{} must be Tensor, given: {}".format(name, value))
    return value


def _check_train_op(train_op, mode):
    if train_op is None:
        if mode == ModeKeys.TRAIN:
            raise ValueError("Missing train_op.")
        return None
    if isinstance(train_op, Variable):
        train_op = train_op.op
    if not isinstance(train_op, (Operation, Tensor)):
        raise TypeError("train_op must be Operation or Tensor, given: {}".format(train_op))
    _check_graph("train_op", train_op.name, train_op)
    return train_op


def _check_loss(loss, mode):
    if loss is None:
        if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
            raise ValueError("Missing loss.")
        return None
    loss = _check_tensor(loss, "loss")
    if loss.shape.num_elements() not in (None, 1):
        raise ValueError("Loss must be scalar, given: {}".format(loss))
    if loss.shape.rank != 0:
        loss = reshape(loss, [])
    _check_graph("loss", loss.name, loss)
    return loss


def _check_predictions(predictions, mode):
    if predictions is None:
        if mode == ModeKeys.PREDICT:
            raise ValueError("Missing predictions.")
        return {}
    if isinstance(predictions, dict):
        predictions = {k: _check_tensor(v, "predictions[{}]".format(k))
                       for k, v in predictions.items()}
        for key, value in predictions.items():
            _check_graph("prediction values", "{0}: {1}".format(key, value.name), value)
        return predictions
    predictions = _check_tensor(predictions, "predictions")
    _check_graph("prediction values", predictions.name, predictions)
    return predictions


def _check_hooks(hooks):
    hooks = tuple(hooks or [])
    for hook in hooks:
        if not isinstance(hook, SessionRunHook):
            raise TypeError("All hooks must be SessionRunHook instances, given: {}".format(hook))
    return hooks


def _check_eval_metric_ops(eval_metric_ops):
    if eval_metric_ops is None:
        return {}
    if not isinstance(eval_metric_ops, dict):
        raise TypeError("eval_metric_ops must be a dict, given: {}".format(eval_metric_ops))
    for key, value in eval_metric_ops.items():
        if not isinstance(value, tuple) or len(value) != 2:
            raise TypeError("Values of eval_metric_ops must be (metric_value, update_op) "
                            "tuples, given: {} for key: {}".format(value, key))
        for part in value:
            _check_graph("eval_metric_ops", "{0}: {1}".format(key, part.name), part)
    return eval_metric_ops
