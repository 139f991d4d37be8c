"""tf.contrib.opt: the optimizers TF1 programs import from contrib. AdamW and MomentumW decay
the weights apart from the gradient step (Loshchilov & Hutter's decoupled weight decay: var -=
weight_decay * var, then the base optimizer's update on the decayed variable, which TF orders
with a control dependency); LazyAdam updates only the rows a sparse gradient names (embedding
tables), where tf.train.AdamOptimizer decays the moments of every row."""

from minitf.framework.graph import control_dependencies
from minitf.ops import array_ops, math_ops
from minitf.ops.control_ops import group
from minitf.ops.scatter_ops import scatter_add, scatter_sub, scatter_update
from minitf.train.adam import AdamOptimizer
from minitf.train.momentum import MomentumOptimizer

__all__ = ["DecoupledWeightDecayExtension", "extend_with_decoupled_weight_decay",
           "AdamWOptimizer", "MomentumWOptimizer", "LazyAdamOptimizer"]


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
