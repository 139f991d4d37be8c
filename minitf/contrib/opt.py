"""tf.contrib.opt: the optimizers TF1 programs import from contrib. AdamW and MomentumW decay
the weights apart from the gradient step (Loshchilov & Hutter's decoupled weight decay: var -=
weight_decay * var, then the base optimizer's update on the decayed variable, which TF orders
with a control dependency); LazyAdam updates only the rows a sparse gradient names (embedding
tables), where tf.train.AdamOptimizer decays the moments of every row. Nadam is Adam with
Nesterov momentum (ApplyAdam's use_nesterov), AdaMax Adam with the infinity norm (ApplyAdaMax),
PowerSign and AddSign scale the gradient by how often its sign agrees with its moving average's
(ApplyPowerSign, ApplyAddSign; Bello et al.'s optimizers found by search)."""

import math

import logging as _logging

from minitf import dtypes as _dtypes
from minitf.framework import deprecation as _deprecation
from minitf.framework.graph import control_dependencies, name_scope as _name_scope
from minitf.framework.indexed_slices import IndexedSlices as _IndexedSlices
from minitf.ops import array_ops, math_ops
from minitf.ops import core as _core
from minitf.ops import state_ops as _state_ops
from minitf.ops import variables as _variables
from minitf.ops import clip_ops as _clip_ops
from minitf.ops import control_flow_ops as _control_flow_ops
from minitf.ops import reductions as _reductions
from minitf.ops.control_ops import group, no_op as _no_op
from minitf.ops.scatter_ops import scatter_add, scatter_sub, scatter_update
from minitf.train.adam import AdamOptimizer
from minitf.train.momentum import MomentumOptimizer
from minitf.train import optimizer as _optimizer
from minitf.train import moving_averages as _moving_averages
from minitf.train import saver as _saver
from minitf.train import training_ops as _training_ops

_logger = _logging.getLogger("minitf")

__all__ = ["DecoupledWeightDecayExtension", "extend_with_decoupled_weight_decay",
           "AdamWOptimizer", "MomentumWOptimizer", "LazyAdamOptimizer", "NadamOptimizer",
           "AdaMaxOptimizer", "PowerSignOptimizer", "AddSignOptimizer", "VariableClippingOptimizer",
           "MultitaskOptimizerWrapper", "clip_gradients_by_global_norm", "LARSOptimizer",
           "MovingAverageOptimizer", "get_linear_decay_fn", "get_cosine_decay_fn",
           "get_restart_decay_fn"]


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


def _required(global_step, decay):
    if global_step is None:
        raise ValueError("global_step is required for %s." % decay)
    return global_step


def get_linear_decay_fn(decay_steps):
    """tf.contrib.opt.get_linear_decay_fn(decay_steps): a sign_decay_fn for PowerSign and
    AddSign giving max(0, (decay_steps - global_step) / decay_steps), in float32 (ValueError
    without a global step)."""
    def linear_decay_fn(global_step):
        step = math_ops.minimum(_required(global_step, "linear_decay"), decay_steps)
        remaining = math_ops.to_int32(decay_steps) - math_ops.to_int32(step)
        return math_ops.maximum(0.0, math_ops.to_float(remaining) / math_ops.to_float(decay_steps))
    return linear_decay_fn


def _cosine(fraction):
    return 0.5 * (1.0 + math_ops.cos(_core.convert_to_tensor(math.pi) * fraction))


def get_cosine_decay_fn(decay_steps, num_periods=0.5, zero_after=None):
    """tf.contrib.opt.get_cosine_decay_fn(decay_steps, num_periods=0.5, zero_after=None): a
    sign_decay_fn giving 0.5 (1 + cos(2 pi num_periods min(global_step, decay_steps) /
    decay_steps)), 0 once 2 num_periods step / decay_steps reaches 2 zero_after."""
    def cosine_decay_fn(global_step):
        step = math_ops.minimum(_required(global_step, "cosine_decay"), decay_steps)
        fraction = 2.0 * num_periods * (math_ops.to_float(step)
                                        / math_ops.to_float(decay_steps))
        decayed = _cosine(fraction)
        if zero_after is not None:
            decayed = math_ops.where(math_ops.greater_equal(fraction, 2 * zero_after), 0.0,
                                     decayed)
        return decayed
    return cosine_decay_fn


def get_restart_decay_fn(decay_steps, num_periods=1, zero_after=None):
    """tf.contrib.opt.get_restart_decay_fn(decay_steps, num_periods=1, zero_after=None): a
    sign_decay_fn restarting a cosine decay: 0.5 (1 + cos(pi ((num_periods step) mod
    decay_steps) / decay_steps)), step = min(global_step, decay_steps); 0 once num_periods
    step / decay_steps reaches zero_after. (Its ValueError without a global step names
    cosine_decay, as TF's does.)"""
    def restart_decay_fn(global_step):
        step = math_ops.minimum(_required(global_step, "cosine_decay"), decay_steps)
        num = math_ops.mod(num_periods * math_ops.to_float(step), decay_steps)
        decayed = _cosine(num / math_ops.to_float(decay_steps))
        if zero_after is not None:
            periods = math_ops.to_float(num_periods * step) / math_ops.to_float(decay_steps)
            decayed = math_ops.where(math_ops.greater_equal(periods, zero_after), 0.0, decayed)
        return decayed
    return restart_decay_fn


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


class VariableClippingOptimizer(_optimizer.Optimizer):
    """tf.contrib.opt.VariableClippingOptimizer(opt, vars_to_clip_dims, max_norm,
    use_locking=False, colocate_clip_ops_with_vars=False, name="VariableClipping"): `opt`'s
    update, then each variable of `vars_to_clip_dims` (a dict: variable -> the dimensions of
    its L2 norm, as tf.clip_by_norm's axes) is clipped to norm `max_norm`. A sparse gradient
    clips only its rows (unless the dimensions include 0: then the whole variable, with TF's
    warning); its repeated rows are clipped once per repeat, as TF's scatter_sub does."""

    def __init__(self, opt, vars_to_clip_dims, max_norm, use_locking=False,
                 colocate_clip_ops_with_vars=False, name="VariableClipping"):
        super().__init__(use_locking, name)
        self._opt = opt
        self._vars_to_clip_dims = {v: list(dims) for v, dims in vars_to_clip_dims.items()}
        self._max_norm = max_norm
        self._colocate_clip_ops_with_vars = colocate_clip_ops_with_vars  # (one device here)

    def compute_gradients(self, *args, **kwargs):
        return self._opt.compute_gradients(*args, **kwargs)

    def get_slot(self, *args, **kwargs):
        return self._opt.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._opt.get_slot_names(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        with _name_scope(name, self._name) as scope:
            update_op = self._opt.apply_gradients(grads_and_vars, global_step=global_step)
            clips = []
            with control_dependencies([update_op]):
                for grad, var in grads_and_vars:
                    if grad is None or var not in self._vars_to_clip_dims:
                        continue
                    with _name_scope("clip_" + var.op.name):
                        if isinstance(grad, _IndexedSlices):
                            clips.append(self._clip_sparse(grad, var))
                        else:
                            clips.append(self._clip_dense(var))
            return group(update_op, *clips, name=scope)

    def _clip_dense(self, var):
        value = var.read_value()
        delta = value - _reductions.clip_by_norm(value, self._max_norm,
                                                 self._vars_to_clip_dims[var])
        return var.assign_sub(delta, use_locking=self._use_locking)

    def _clip_sparse(self, grad, var):
        dims = self._vars_to_clip_dims[var]
        if 0 in dims:
            _logger.warning("Clipping norm across dims %s for %s is inefficient when including "
                            "sparse dimension 0.", dims, var.op.name)
            return self._clip_dense(var)
        rows = array_ops.gather(var, grad.indices)
        delta = rows - _reductions.clip_by_norm(rows, self._max_norm, dims)
        return scatter_sub(var, grad.indices, delta, use_locking=self._use_locking)


def _is_all_zeros(grad):
    return math_ops.equal(math_ops.count_nonzero(grad), 0)


class MultitaskOptimizerWrapper:
    """tf.contrib.opt.MultitaskOptimizerWrapper(opt): `opt` (a tf.train.Optimizer), whose
    update of a variable runs only when its gradient is not all zeros (a tf.cond), so that a
    task missing from a batch leaves the optimizer's state (momentum, Adam's moments) alone.
    Everything else is `opt`'s: minimize, compute_gradients, apply_gradients, slots. As in TF,
    the wrapped optimizer itself is changed."""

    def __init__(self, opt):
        if not isinstance(opt, _optimizer.Optimizer):
            raise TypeError("Supplied optimizer must be an instance of tf.train.Optimizer")
        self._opt = opt
        for method in ("_apply_dense", "_apply_sparse"):
            setattr(opt, method, self._skipping_zeros(getattr(opt, method)))

    @staticmethod
    def _skipping_zeros(update):
        def maybe_update(grad, *args, **kwargs):
            return _control_flow_ops.cond(_is_all_zeros(grad), _no_op,
                                          lambda: update(grad, *args, **kwargs))
        return maybe_update

    def __getattr__(self, name):
        return getattr(self._opt, name)


def clip_gradients_by_global_norm(gradients_variables, clip_norm=20.0):
    """tf.contrib.opt.clip_gradients_by_global_norm(gradients_variables, clip_norm=20.0):
    tf.clip_by_global_norm of the gradients of (gradient, variable) pairs, with a global norm
    that leaves out the gradients that are all zeros (MultitaskOptimizerWrapper's skipped
    tasks, which would otherwise lower it). Returns the clipped pairs and that norm."""
    gradients, variables = zip(*gradients_variables)

    def counted(grad):
        if grad is None:
            return None
        return _control_flow_ops.cond(_is_all_zeros(grad),
                                      lambda: array_ops.zeros([], _dtypes.as_dtype(grad.dtype)),
                                      lambda: grad)
    fixed_global_norm = _clip_ops.global_norm([counted(g) for g in gradients])
    gradients, _ = _clip_ops.clip_by_global_norm(gradients, clip_norm,
                                                 use_norm=fixed_global_norm)
    return list(zip(gradients, variables)), fixed_global_norm


class LARSOptimizer(MomentumOptimizer):
    """tf.contrib.opt.LARSOptimizer(learning_rate, momentum=0.9, weight_decay=0.0001,
    eeta=0.001, epsilon=0.0, name="LARSOptimizer", skip_list=None, use_nesterov=False):
    layer-wise adaptive rate scaling (You, Gitman & Ginsburg): momentum (TF's ApplyMomentum)
    with the learning rate of each variable scaled by eeta |w| / (|g| + weight_decay |w| +
    epsilon) (1 where |w| or |g| is 0), except for variables whose name contains a string of
    `skip_list`. `weight_decay` only enters that ratio. A sparse gradient gets plain momentum
    (SparseApplyMomentum), as in TF. Slot `momentum` (`<var>/LARSOptimizer`)."""

    def __init__(self, learning_rate, momentum=0.9, weight_decay=0.0001, eeta=0.001,
                 epsilon=0.0, name="LARSOptimizer", skip_list=None, use_nesterov=False):
        if momentum < 0.0:
            raise ValueError("momentum should be positive: %s" % momentum)
        if weight_decay < 0.0:
            raise ValueError("weight_decay should be positive: %s" % weight_decay)
        super().__init__(learning_rate, momentum, use_locking=False, name=name,
                         use_nesterov=use_nesterov)
        self._weight_decay = weight_decay
        self._eeta = eeta
        self._epsilon = epsilon
        self._skip_list = skip_list

    def compute_lr(self, grad, var):
        """The learning rate of `var` for this step: learning_rate * the trust ratio."""
        if self._skip_list is not None and any(s in var.name for s in self._skip_list):
            return self._learning_rate_tensor
        w_norm = _reductions.norm(var, ord=2)
        g_norm = _reductions.norm(grad, ord=2)
        ratio = self._eeta * w_norm / (g_norm + self._weight_decay * w_norm + self._epsilon)
        trust_ratio = math_ops.where(
            math_ops.greater(w_norm, 0),
            math_ops.where(math_ops.greater(g_norm, 0), ratio, 1.0), 1.0)
        return self._learning_rate_tensor * trust_ratio

    def _apply_dense(self, grad, var):
        return self._fused_update(
            _training_ops.ApplyMomentum(use_nesterov=self._use_nesterov), var,
            self.get_slot(var, "momentum"), self.compute_lr(grad, var), grad,
            self._momentum_tensor)


class MovingAverageOptimizer(_optimizer.Optimizer):
    """tf.contrib.opt.MovingAverageOptimizer(opt, average_decay=0.9999, num_updates=None,
    sequential_update=True): `opt`'s training op grouped (as "train_with_avg") with a
    tf.train.ExponentialMovingAverage of the trained variables, updated after `opt`'s update
    (or alongside it with sequential_update=False). `swapping_saver()`, made after minimize,
    is a Saver that writes each average under its variable's name and the variable under the
    average's, so that a plain Saver restores the averages into the model (for evaluation).
    As in TF, only compute_gradients, apply_gradients, minimize and swapping_saver are offered."""

    def __init__(self, opt, average_decay=0.9999, num_updates=None, sequential_update=True):
        # (TF's wrapper does not run Optimizer's constructor either: it has no slots or name)
        self._optimizer = opt
        self._ema = _moving_averages.ExponentialMovingAverage(average_decay,
                                                              num_updates=num_updates)
        self._swapped = None  # op name -> the variable saved under it
        self._sequential_update = sequential_update

    def compute_gradients(self, *args, **kwargs):
        return self._optimizer.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        train_op = self._optimizer.apply_gradients(grads_and_vars, global_step=global_step,
                                                   name=name)
        var_list = [v for g, v in grads_and_vars if g is not None]
        if self._sequential_update:
            with control_dependencies([train_op]):
                average_op = self._ema.apply(var_list)
        else:
            average_op = self._ema.apply(var_list)
        self._swapped = {}
        for v in var_list:
            average = self._ema.average(v)
            self._swapped[v.op.name] = average
            self._swapped[average.op.name] = v
        return group(train_op, average_op, name="train_with_avg")

    def swapping_saver(self, var_list=None, name="swapping_saver", **kwargs):
        """A tf.train.Saver of `var_list` (default: every global variable; a list or a dict,
        as Saver's) with each trained variable and its moving average swapped. RuntimeError
        before minimize/apply_gradients."""
        if self._swapped is None:
            raise RuntimeError("Must call apply_gradients or minimize before creating the "
                               "swapping_saver")
        if var_list is None:
            var_list = _variables.global_variables()

        def swap(v):
            return self._swapped.get(v.op.name, v)
        swapped = {key: [swap(p) for p in v] if isinstance(v, list) else swap(v)
                   for key, v in _saver._names_to_variables(var_list).items()}
        return _saver.Saver(swapped, name=name, **kwargs)
