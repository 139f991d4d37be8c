"""tf.train.AdamOptimizer (Kingma & Ba), with TF1's epsilon placement (added to sqrt(v), not
bias-corrected), slots `<var>/Adam` (m) and `<var>/Adam_1` (v), and the non-slot variables
`beta1_power` and `beta2_power` updated once per step after every variable's update. A sparse
gradient follows TF1's non-lazy rule: m and v of every row decay, so every row moves."""

from minitf.framework.graph import control_dependencies
from minitf.ops.control_ops import group
from minitf.ops.math_ops import cast, sqrt
from minitf.ops.scatter_ops import scatter_add
from minitf.ops.state_ops import assign, assign_sub
from minitf.train.optimizer import Optimizer
from minitf.train.training_ops import ApplyAdam

__all__ = ["AdamOptimizer"]


class AdamOptimizer(Optimizer):
    """Adam with TF1's fused ApplyAdam update (epsilon added to sqrt(v), not bias-corrected).

    lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m = beta1 m + (1 - beta1) g;
    v = beta2 v + (1 - beta2) g^2; var -= lr_t * m / (sqrt(v) + epsilon)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _get_beta_accumulators(self):
        return (self._get_non_slot_variable("beta1_power"),
                self._get_non_slot_variable("beta2_power"))

    def _create_slots(self, var_list):
        # TF colocates the shared powers with the variable that sorts first by name.
        first_var = min(var_list, key=lambda v: v.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self):
        self._lr_t = self._hyper(self._lr, "learning_rate")
        self._beta1_t = self._hyper(self._beta1, "beta1")
        self._beta2_t = self._hyper(self._beta2, "beta2")
        self._epsilon_t = self._hyper(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        beta1_power, beta2_power = self._get_beta_accumulators()
        return self._fused_update(
            ApplyAdam(use_locking=self._use_locking), var, self.get_slot(var, "m"),
            self.get_slot(var, "v"), beta1_power, beta2_power, self._lr_t, self._beta1_t,
            self._beta2_t, self._epsilon_t, grad)

    def _finish(self, update_ops, name_scope):
        # The powers advance after every variable has used this step's values.
        with control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators()
            update_beta1 = beta1_power.assign(beta1_power * self._beta1_t,
                                              use_locking=self._use_locking)
            update_beta2 = beta2_power.assign(beta2_power * self._beta2_t,
                                              use_locking=self._use_locking)
        return group(*update_ops + [update_beta1, update_beta2], name=name_scope)

    def _apply_sparse(self, grad, var):
        # TF1's non-lazy sparse Adam, op for op: m and v of EVERY row decay (assign), the
        # gradient rows are added (scatter_add), and every row of var moves by its m / sqrt(v).
        beta1_power, beta2_power = (cast(p, var.dtype) for p in self._get_beta_accumulators())
        lr_t, beta1_t, beta2_t, epsilon_t = (cast(t, var.dtype) for t in (
            self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t))
        lr = lr_t * sqrt(1 - beta2_power) / (1 - beta1_power)
        m = self.get_slot(var, "m")
        m_scaled_g_values = grad.values * (1 - beta1_t)
        m_t = assign(m, m * beta1_t, use_locking=self._use_locking)
        with control_dependencies([m_t]):
            m_t = scatter_add(m, grad.indices, m_scaled_g_values, use_locking=self._use_locking)
        v = self.get_slot(var, "v")
        v_scaled_g_values = (grad.values * grad.values) * (1 - beta2_t)
        v_t = assign(v, v * beta2_t, use_locking=self._use_locking)
        with control_dependencies([v_t]):
            v_t = scatter_add(v, grad.indices, v_scaled_g_values, use_locking=self._use_locking)
        var_update = assign_sub(var, lr * m_t / (sqrt(v_t) + epsilon_t),
                                use_locking=self._use_locking)
        return group(var_update, m_t, v_t)
