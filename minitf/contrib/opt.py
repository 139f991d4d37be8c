"""tf.contrib.opt: the optimizers TF1 programs import from contrib. AdamW and MomentumW decay
the weights apart from the gradient step (Loshchilov & Hutter's decoupled weight decay: var -=
weight_decay * var, then the base optimizer's update on the decayed variable, which TF orders
with a control dependency); LazyAdam updates only the rows a sparse gradient names (embedding
tables), where tf.train.AdamOptimizer decays the moments of every row. Nadam is Adam with
Nesterov momentum (ApplyAdam's use_nesterov), AdaMax Adam with the infinity norm (ApplyAdaMax),
PowerSign and AddSign scale the gradient by how often its sign agrees with its moving average's
(ApplyPowerSign, ApplyAddSign; Bello et al.'s optimizers found by search)."""

import math

from minitf.framework import deprecation as _deprecation
from minitf.framework.graph import control_dependencies
from minitf.ops import array_ops, math_ops
from minitf.ops import core as _core
from minitf.ops import state_ops as _state_ops
from minitf.ops.control_ops import group
from minitf.ops.scatter_ops import scatter_add, scatter_sub, scatter_update
from minitf.train.adam import AdamOptimizer
from minitf.train.momentum import MomentumOptimizer
from minitf.train import optimizer as _optimizer
from minitf.train import training_ops as _training_ops

__all__ = ["DecoupledWeightDecayExtension", "extend_with_decoupled_weight_decay",
           "AdamWOptimizer", "MomentumWOptimizer", "LazyAdamOptimizer", "NadamOptimizer",
           "AdaMaxOptimizer", "PowerSignOptimizer", "AddSignOptimizer"]


class DecoupledWeightDecayExtension:
    """Mixed in before an optimizer class: its first constructor argument is `weight_decay` (a
    number, a Tensor or a callable), and each update of a variable first runs var -=
    weight_decay * var (only the rows of a sparse gradient), for the variables in
    `decay_var_list` when minimize/apply_gradients are given one, else all of them. The decay
    is not multiplied by the learning rate: schedule both together (TF's advice)."""

    def __init__(self, weight_decay, **kwargs):
        self._decay_var_list = None
        self._weight_decay = weight_decay
        self._weight_decay_tensor = None
        super().__init__(**kwargs)

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=1,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None, decay_var_list=None):
        self._decay_var_list = set(decay_var_list) if decay_var_list else None
        return super().minimize(loss, global_step=global_step, var_list=var_list,
                                gate_gradients=gate_gradients,
                                aggregation_method=aggregation_method,
                                colocate_gradients_with_ops=colocate_gradients_with_ops,
                                name=name, grad_loss=grad_loss)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None,
                        decay_var_list=None):
        if decay_var_list:  # (minimize's list stays set when it calls this without one)
            self._decay_var_list = set(decay_var_list)
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _prepare(self):
        self._weight_decay_tensor = self._hyper(self._weight_decay, "weight_decay")
        super()._prepare()

    def _decays(self, var):
        return not self._decay_var_list or var in self._decay_var_list

    def _decay_weights_op(self, var):
        if not self._decays(var):
            return group()
        return var.assign_sub(self._weight_decay_tensor * var, self._use_locking)

    def _decay_weights_sparse_op(self, var, indices):
        if not self._decays(var):
            return group()
        update = -self._weight_decay_tensor * array_ops.gather(var, indices)
        return scatter_add(var, indices, update, self._use_locking)

    def _apply_dense(self, grad, var):
        with control_dependencies([self._decay_weights_op(var)]):
            return super()._apply_dense(grad, var)

    def _apply_sparse(self, grad, var):
        with control_dependencies([self._decay_weights_sparse_op(var, grad.indices)]):
            return super()._apply_sparse(grad, var)


def extend_with_decoupled_weight_decay(base_optimizer):
    """A subclass of `base_optimizer` with decoupled weight decay (its constructor takes
    `weight_decay` first, then the base optimizer's arguments)."""

    class OptimizerWithDecoupledWeightDecay(DecoupledWeightDecayExtension, base_optimizer):
        # (the base optimizer's arguments go through **kwargs by name, as in TF)
        def __init__(self, weight_decay, *args, **kwargs):
            super().__init__(weight_decay, *args, **kwargs)

    OptimizerWithDecoupledWeightDecay.__name__ = base_optimizer.__name__ + "WithDecoupledWeightDecay"
    return OptimizerWithDecoupledWeightDecay


class AdamWOptimizer(DecoupledWeightDecayExtension, AdamOptimizer):
    """tf.contrib.opt.AdamWOptimizer(weight_decay, learning_rate=0.001, beta1=0.9,
    beta2=0.999, epsilon=1e-8, use_locking=False, name="AdamW"): Adam on weights decayed by
    weight_decay * var first."""

    def __init__(self, weight_decay, learning_rate=0.001, beta1=0.9, beta2=0.999,
                 epsilon=1e-8, use_locking=False, name="AdamW"):
        super().__init__(weight_decay, learning_rate=learning_rate, beta1=beta1, beta2=beta2,
                         epsilon=epsilon, use_locking=use_locking, name=name)


class MomentumWOptimizer(DecoupledWeightDecayExtension, MomentumOptimizer):
    """tf.contrib.opt.MomentumWOptimizer(weight_decay, learning_rate, momentum,
    use_locking=False, name="MomentumW", use_nesterov=False): momentum on weights decayed by
    weight_decay * var first."""

    def __init__(self, weight_decay, learning_rate, momentum, use_locking=False,
                 name="MomentumW", use_nesterov=False):
        super().__init__(weight_decay, learning_rate=learning_rate, momentum=momentum,
                         use_locking=use_locking, name=name, use_nesterov=use_nesterov)


class LazyAdamOptimizer(AdamOptimizer):
    """tf.contrib.opt.LazyAdamOptimizer (name "LazyAdam"): Adam, but a sparse gradient updates
    m, v and the variable in its rows only (the others keep their moments), which is what an
    embedding table of a large vocabulary wants; a dense gradient is Adam's update."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="LazyAdam"):
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name)

    def _apply_sparse(self, grad, var):
        dtype = var.dtype
        beta1_power, beta2_power = (math_ops.cast(p, dtype)
                                    for p in self._get_beta_accumulators())
        lr_t, beta1_t, beta2_t, epsilon_t = (math_ops.cast(t, dtype) for t in (
            self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t))
        lr = lr_t * math_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        rows = grad.indices
        m = self.get_slot(var, "m")
        m_t = scatter_update(m, rows, beta1_t * array_ops.gather(m, rows)
                             + (1 - beta1_t) * grad.values, use_locking=self._use_locking)
        v = self.get_slot(var, "v")
        v_t = scatter_update(v, rows, beta2_t * array_ops.gather(v, rows)
                             + (1 - beta2_t) * math_ops.square(grad.values),
                             use_locking=self._use_locking)
        step = lr * array_ops.gather(m_t, rows) / (math_ops.sqrt(array_ops.gather(v_t, rows))
                                                   + epsilon_t)
        return group(scatter_sub(var, rows, step, use_locking=self._use_locking), m_t, v_t)


def _cast_all(dtype, *tensors):
    return [math_ops.cast(t, dtype) for t in tensors]


class NadamOptimizer(AdamOptimizer):
    """tf.contrib.opt.NadamOptimizer(learning_rate=0.001, beta1=0.9, beta2=0.999,
    epsilon=1e-8, use_locking=False, name="Adam"): Adam with Nesterov momentum (Dozat), TF's
    ApplyAdam with use_nesterov: var -= lr_t (g (1 - beta1) + beta1 m) / (sqrt(v) + epsilon).
    Adam's slots, powers and default name. A sparse gradient decays m and v of every row, as
    tf.train.AdamOptimizer's does, and moves only its own rows."""

    @_deprecation.deprecated(None,
                             "WARNING: wrong behavior with XLA. Use tf.keras.optimizers.Nadam.")
    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name)

    def _apply_dense(self, grad, var):
        beta1_power, beta2_power = self._get_beta_accumulators()
        return self._fused_update(
            _training_ops.ApplyAdam(use_locking=self._use_locking, use_nesterov=True), var,
            self.get_slot(var, "m"), self.get_slot(var, "v"), beta1_power, beta2_power,
            self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t, grad)

    def _apply_sparse(self, grad, var):
        # TF 1.15's composite: m and v of every row decay, the gradient rows are added, and
        # the named rows move by m_bar / (sqrt(v) + epsilon), m_bar the Nesterov moment
        beta1_power, beta2_power, lr_t, beta1_t, beta2_t, epsilon_t = _cast_all(
            var.dtype, *self._get_beta_accumulators(), self._lr_t, self._beta1_t,
            self._beta2_t, self._epsilon_t)
        lr = lr_t * math_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        rows, locking = grad.indices, self._use_locking
        m = self.get_slot(var, "m")
        m_scaled_g_values = grad.values * (1 - beta1_t)
        m_t = _state_ops.assign(m, m * beta1_t, use_locking=locking)
        with control_dependencies([m_t]):
            m_t = scatter_add(m, rows, m_scaled_g_values, use_locking=locking)
            m_bar = m_scaled_g_values + beta1_t * array_ops.gather(m_t, rows)
        v = self.get_slot(var, "v")
        v_scaled_g_values = (grad.values * grad.values) * (1 - beta2_t)
        v_t = _state_ops.assign(v, v * beta2_t, use_locking=locking)
        with control_dependencies([v_t]):
            v_t = scatter_add(v, rows, v_scaled_g_values, use_locking=locking)
        v_sqrt = math_ops.sqrt(array_ops.gather(v_t, rows))
        var_update = scatter_add(var, rows, -lr * m_bar / (v_sqrt + epsilon_t),
                                 use_locking=locking)
        return group(var_update, m_bar, v_t)


class AdaMaxOptimizer(AdamOptimizer):
    """tf.contrib.opt.AdaMaxOptimizer(learning_rate=0.001, beta1=0.9, beta2=0.999,
    epsilon=1e-8, use_locking=False, name="AdaMax"): Adam with the infinity norm (Kingma & Ba,
    section 7.1), TF's ApplyAdaMax: m = beta1 m + (1 - beta1) g; v = max(beta2 v, |g|);
    var -= lr / (1 - beta1^t) * m / (v + epsilon). Slots m and v (`<var>/AdaMax`,
    `<var>/AdaMax_1`) and one non-slot variable, beta1_power. A sparse gradient updates only its
    rows (of var, m and v: lazily, unlike the dense update)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="AdaMax"):
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name)

    def _get_beta_accumulators(self):
        return self._get_non_slot_variable("beta1_power")

    def _create_slots(self, var_list):
        first_var = min(var_list, key=lambda v: v.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _apply_dense(self, grad, var):
        return self._fused_update(
            _training_ops.ApplyAdaMax(use_locking=self._use_locking), var,
            self.get_slot(var, "m"), self.get_slot(var, "v"), self._get_beta_accumulators(),
            self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t, grad)

    def _apply_sparse(self, grad, var):
        beta1_power, lr_t, beta1_t, beta2_t, epsilon_t = _cast_all(
            var.dtype, self._get_beta_accumulators(), self._lr_t, self._beta1_t,
            self._beta2_t, self._epsilon_t)
        rows, locking = grad.indices, self._use_locking
        m = self.get_slot(var, "m")
        m_t_slice = array_ops.gather(m, rows) * beta1_t + grad.values * (1 - beta1_t)
        with control_dependencies([m_t_slice]):
            m_t = scatter_update(m, rows, m_t_slice, use_locking=locking)
        v = self.get_slot(var, "v")
        v_t_slice = math_ops.maximum(array_ops.gather(v, rows) * beta2_t,
                                     math_ops.abs(grad.values))
        with control_dependencies([v_t_slice]):
            v_t = scatter_update(v, rows, v_t_slice, use_locking=locking)
        var_slice = -lr_t / (1 - beta1_power) * (m_t_slice / (v_t_slice + epsilon_t))
        with control_dependencies([var_slice]):
            var_update = scatter_add(var, rows, var_slice, use_locking=locking)
        return group(var_update, m_t, v_t)

    def _finish(self, update_ops, name_scope):
        with control_dependencies(update_ops):
            beta1_power = self._get_beta_accumulators()
            update_beta1 = beta1_power.assign(beta1_power * self._beta1_t,
                                              use_locking=self._use_locking)
        return group(*update_ops + [update_beta1], name=name_scope)


class _SignOptimizer(_optimizer.Optimizer):
    """PowerSign's and AddSign's shared part: the slot m (`<var>/<name>`), the learning rate,
    beta, the constant of the op's formula (its input `_OP.input_names[3]`: logbase, alpha) and
    the sign decay: `sign_decay_fn(global_step)` (made a Tensor named "sign_decay" by
    apply_gradients, outside the optimizer's scope) or 1.0."""

    def __init__(self, learning_rate, constant, beta, sign_decay_fn, use_locking, name):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._constant = constant
        self._beta = beta
        self._sign_decay_fn = sign_decay_fn
        self._sign_decay_t = None

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        if self._sign_decay_fn is not None:
            self._sign_decay_t = _core.convert_to_tensor(self._sign_decay_fn(global_step),
                                                         name="sign_decay")
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "m", self._name)

    def _prepare(self):
        self._lr_t = _core.convert_to_tensor(self._lr, name="learning_rate")
        self._beta_t = _core.convert_to_tensor(self._beta, name="beta")
        self._constant_t = _core.convert_to_tensor(self._constant,
                                                   name=self._OP.input_names[3])
        if self._sign_decay_fn is None:
            self._sign_decay_t = _core.convert_to_tensor(1.0, name="sign_decay")

    def _apply_dense(self, grad, var):
        return self._fused_update(self._OP(use_locking=self._use_locking), var,
                                  self.get_slot(var, "m"), self._lr_t, self._constant_t,
                                  self._sign_decay_t, self._beta_t, grad)

    def _apply_sparse(self, grad, var):
        # TF 1.15's composite: m of every row decays (the gradient made dense), and the named
        # rows move by lr * multiplier * grad
        lr_t, beta_t, constant, sign_decay = _cast_all(
            var.dtype, self._lr_t, self._beta_t, self._constant_t, self._sign_decay_t)
        m = self.get_slot(var, "m")
        dense_grad = _core.convert_to_tensor(grad)
        m_t = _state_ops.assign(m, (m * beta_t) + (dense_grad * (1 - beta_t)),
                                use_locking=self._use_locking)
        sign_gm = array_ops.gather(math_ops.sign(m_t), grad.indices) * math_ops.sign(grad.values)
        multiplier = self._multiplier(constant, sign_decay * sign_gm)
        var_update = scatter_sub(var, grad.indices, lr_t * multiplier * grad.values,
                                 use_locking=self._use_locking)
        return group(var_update, m_t)


class PowerSignOptimizer(_SignOptimizer):
    """tf.contrib.opt.PowerSignOptimizer(learning_rate=0.1, base=math.e, beta=0.9,
    sign_decay_fn=None, use_locking=False, name="PowerSignOptimizer"): m = beta m + (1 - beta) g;
    var -= lr base^(sign_decay sign(g) sign(m)) g (TF's ApplyPowerSign, with log(base) as
    `logbase`). `sign_decay_fn` takes the global step given to minimize/apply_gradients."""

    _OP = _training_ops.ApplyPowerSign

    def __init__(self, learning_rate=0.1, base=math.e, beta=0.9, sign_decay_fn=None,
                 use_locking=False, name="PowerSignOptimizer"):
        self._logbase = math.log(base)
        super().__init__(learning_rate, self._logbase, beta, sign_decay_fn, use_locking, name)

    @staticmethod
    def _multiplier(logbase, decayed_sign):
        # (TF's sparse form: e to the power, where its kernel calls exp)
        return math_ops.pow(math_ops.cast(math.e, logbase.dtype), logbase * decayed_sign)


class AddSignOptimizer(_SignOptimizer):
    """tf.contrib.opt.AddSignOptimizer(learning_rate=0.1, alpha=1.0, beta=0.9,
    sign_decay_fn=None, use_locking=False, name="AddSignOptimizer"): m = beta m + (1 - beta) g;
    var -= lr (alpha + sign_decay sign(g) sign(m)) g (TF's ApplyAddSign). `sign_decay_fn`
    takes the global step given to minimize/apply_gradients."""

    _OP = _training_ops.ApplyAddSign

    def __init__(self, learning_rate=0.1, alpha=1.0, beta=0.9, sign_decay_fn=None,
                 use_locking=False, name="AddSignOptimizer"):
        super().__init__(learning_rate, alpha, beta, sign_decay_fn, use_locking, name)

    @staticmethod
    def _multiplier(alpha, decayed_sign):
        return alpha + decayed_sign
