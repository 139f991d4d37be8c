"""tf.train.MomentumOptimizer: accum = accum * momentum + grad; var -= lr * accum (or the
Nesterov form), with the slot `<var>/Momentum`."""

from minitf.train.optimizer import Optimizer
from minitf.train.training_ops import ApplyMomentum, SparseApplyMomentum

__all__ = ["MomentumOptimizer"]


class MomentumOptimizer(Optimizer):
    """Gradient descent with (optionally Nesterov) momentum: TF1's fused ApplyMomentum."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")
        self._momentum_tensor = self._hyper(self._momentum, "momentum")

    def _apply_dense(self, grad, var):
        opdef = ApplyMomentum(use_locking=self._use_locking, use_nesterov=self._use_nesterov)
        return self._fused_update(opdef, var, self.get_slot(var, "momentum"),
                                  self._learning_rate_tensor, grad, self._momentum_tensor)

    def _apply_sparse(self, grad, var):
        opdef = SparseApplyMomentum(use_locking=self._use_locking,
                                    use_nesterov=self._use_nesterov)
        return self._fused_update(opdef, var, self.get_slot(var, "momentum"),
                                  self._learning_rate_tensor, grad.values, grad.indices,
                                  self._momentum_tensor)
