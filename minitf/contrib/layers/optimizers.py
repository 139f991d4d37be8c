"""tf.contrib.layers.optimize_loss: the training op of a loss in one call (an optimizer by name,
class or instance; a learning rate and its decay; gradient clipping, noise and multipliers;
summaries), running the UPDATE_OPS (batch norm's moving averages) first."""

import numbers

from minitf.contrib.framework import _with_dependencies
from minitf.framework.graph import GraphKeys, get_collection
from minitf.framework.indexed_slices import IndexedSlices
from minitf.ops import variables as variables_module
from minitf.ops.clip_ops import clip_by_global_norm, global_norm
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.init_ops import constant_initializer
from minitf.ops.math_ops import cast
from minitf.ops.random_ops import truncated_normal
from minitf.ops.variable_scope import get_variable, variable_scope
from minitf.summary import summary_ops as summary
from minitf.train import training_util
from minitf.train.adagrad import AdagradOptimizer
from minitf.train.adam import AdamOptimizer
from minitf.train.ftrl import FtrlOptimizer
from minitf.train.gradient_descent import GradientDescentOptimizer
from minitf.train.momentum import MomentumOptimizer
from minitf.train.optimizer import Optimizer
from minitf.train.rmsprop import RMSPropOptimizer

__all__ = ["optimize_loss", "OPTIMIZER_CLS_NAMES", "OPTIMIZER_SUMMARIES"]

OPTIMIZER_CLS_NAMES = {
    "Adagrad": AdagradOptimizer,
    "Adam": AdamOptimizer,
    "Ftrl": FtrlOptimizer,
    "Momentum": lambda learning_rate: MomentumOptimizer(learning_rate, momentum=0.9),
    "RMSProp": RMSPropOptimizer,
    "SGD": GradientDescentOptimizer,
}

OPTIMIZER_SUMMARIES = ["learning_rate", "loss", "gradients", "gradient_norm",
                       "global_gradient_norm"]


def _values(gradient):
    return gradient.values if isinstance(gradient, IndexedSlices) else gradient


def _learning_rate(learning_rate):
    if learning_rate is None:
        return None
    if hasattr(learning_rate, "dtype") and learning_rate.shape.ndims == 0:
        return learning_rate
    if isinstance(learning_rate, float):
        if learning_rate < 0.0:
            raise ValueError("Invalid learning_rate %s." % learning_rate)
        return get_variable("learning_rate", [], trainable=False,
                            initializer=constant_initializer(learning_rate))
    raise ValueError("Learning rate should be 0d Tensor or float. Got %s of type %s"
                     % (learning_rate, type(learning_rate)))


def _optimizer(optimizer, lr, learning_rate):
    if isinstance(optimizer, str):
        if lr is None:
            raise ValueError("Learning rate is None, but should be specified if optimizer is "
                             "string (%s)." % optimizer)
        if optimizer not in OPTIMIZER_CLS_NAMES:
            raise ValueError("Optimizer name should be one of [%s], you provided %s."
                             % (", ".join(OPTIMIZER_CLS_NAMES), optimizer))
        return OPTIMIZER_CLS_NAMES[optimizer](learning_rate=lr)
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        if lr is None:
            raise ValueError("Learning rate is None, but should be specified if optimizer is "
                             "class (%s)." % optimizer)
        return optimizer(learning_rate=lr)
    if isinstance(optimizer, Optimizer):
        return optimizer
    if callable(optimizer):
        opt = optimizer(lr) if learning_rate is not None else optimizer()
        if not isinstance(opt, Optimizer):
            raise ValueError("Unrecognized optimizer: function should return subclass of "
                             "Optimizer. Got %s." % (opt,))
        return opt
    raise ValueError("Unrecognized optimizer: should be string, subclass of Optimizer, "
                     "instance of subclass of Optimizer or function with one argument. "
                     "Got %s." % (optimizer,))


def _noisy(gradients, scale):
    noisy = []
    for gradient, variable in gradients:
        if gradient is not None:
            dims = gradient.dense_shape if isinstance(gradient, IndexedSlices) else \
                gradient.shape.as_list()
            gradient = gradient + truncated_normal(dims) * scale
        noisy.append((gradient, variable))
    return noisy


def _multiplied(gradients, multipliers):
    out = []
    for gradient, variable in gradients:
        key = variable if variable in multipliers else variable.name
        if gradient is not None and key in multipliers:
            if isinstance(gradient, IndexedSlices):
                gradient = IndexedSlices(gradient.values * multipliers[key], gradient.indices,
                                         gradient.dense_shape)
            else:
                gradient = gradient * cast(multipliers[key], gradient.dtype)
        out.append((gradient, variable))
    return out


def optimize_loss(loss, global_step, learning_rate, optimizer, gradient_noise_scale=None,
                  gradient_multipliers=None, clip_gradients=None, learning_rate_decay_fn=None,
                  update_ops=None, variables=None, name=None, summaries=None,
                  colocate_gradients_with_ops=False, increment_global_step=True):
    """The training op of the scalar `loss`: its value, after the UPDATE_OPS (or `update_ops`)
    and the optimizer's step (`<name>/train`, incrementing `global_step`) have run.

    `optimizer` is a name ('SGD', 'Adam', 'Adagrad', 'Momentum', 'RMSProp', 'Ftrl'), an
    Optimizer class or instance, or a function of the learning rate returning one;
    `learning_rate` a float (kept in the variable `OptimizeLoss/learning_rate`) or a scalar
    tensor, decayed by `learning_rate_decay_fn(lr, global_step)`; `clip_gradients` a float
    (clip by global norm) or a function of the (gradient, variable) pairs; `summaries` from
    OPTIMIZER_SUMMARIES (default loss, learning_rate, global_gradient_norm)."""
    loss = convert_to_tensor(loss)
    if loss.shape.ndims is not None and loss.shape.ndims != 0:
        raise ValueError("Expected scalar shape for %s, saw shape: %s."
                         % (loss.name, loss.shape))
    if global_step is None:
        global_step = training_util.get_global_step()
    else:
        training_util.assert_global_step(global_step)
    with variable_scope(name, "OptimizeLoss", [loss, global_step]):
        if update_ops is None:
            update_ops = get_collection(GraphKeys.UPDATE_OPS)
        if update_ops:
            loss = _with_dependencies(list(update_ops), loss)
        lr = _learning_rate(learning_rate)
        if summaries is None:
            summaries = ["loss", "learning_rate", "global_gradient_norm"]
        for summ in summaries:
            if summ not in OPTIMIZER_SUMMARIES:
                raise ValueError("Summaries should be one of [%s], you provided %s."
                                 % (", ".join(OPTIMIZER_SUMMARIES), summ))
        if learning_rate is not None and learning_rate_decay_fn is not None:
            if global_step is None:
                raise ValueError("global_step is required for learning_rate_decay_fn.")
            lr = learning_rate_decay_fn(lr, global_step)
            if "learning_rate" in summaries:  # (only a decayed rate is summarized, as in TF)
                summary.scalar("learning_rate", lr)
        opt = _optimizer(optimizer, lr, learning_rate)
        if variables is None:
            variables = variables_module.trainable_variables()
        gradients = opt.compute_gradients(
            loss, variables, colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gradient_noise_scale is not None:
            gradients = _noisy(gradients, gradient_noise_scale)
        if gradient_multipliers is not None:
            gradients = _multiplied(gradients, gradient_multipliers)
            if not gradients:
                raise ValueError("Empty list of (gradient, var) pairs encountered. This is most "
                                 "likely to be caused by an improper value of "
                                 "gradient_multipliers.")
        norms = "global_gradient_norm" in summaries or "gradient_norm" in summaries
        if norms:
            summary.scalar("global_norm/gradient_norm",
                           global_norm([_values(g) for g, _ in gradients if g is not None]))
        if isinstance(clip_gradients, numbers.Real) and not isinstance(clip_gradients, bool):
            grads, variables_ = zip(*gradients)
            clipped, _ = clip_by_global_norm(list(grads), clip_gradients)
            gradients = list(zip(clipped, variables_))
        elif callable(clip_gradients):
            gradients = clip_gradients(gradients)
        elif clip_gradients is not None:
            raise ValueError("Unknown type %s for clip_gradients" % type(clip_gradients))
        if "loss" in summaries:
            summary.scalar("loss", loss)
        for gradient, variable in gradients:
            values = _values(gradient)
            if values is not None:
                var_name = variable.name.replace(":", "_")
                if "gradients" in summaries:
                    summary.histogram("gradients/%s" % var_name, values)
                if "gradient_norm" in summaries:
                    summary.scalar("gradient_norm/%s" % var_name, global_norm([values]))
        if clip_gradients is not None and norms:
            summary.scalar("global_norm/clipped_gradient_norm",
                           global_norm([_values(g) for g, _ in gradients if g is not None]))
        grad_updates = opt.apply_gradients(
            gradients, global_step=global_step if increment_global_step else None, name="train")
        return _with_dependencies([grad_updates], loss)
