"""tf.train.AdadeltaOptimizer (Zeiler 2012), with slots `<var>/Adadelta` (accum) and
`<var>/Adadelta_1` (accum_update)."""

from minitf.train.optimizer import Optimizer
from minitf.train.training_ops import ApplyAdadelta, SparseApplyAdadelta

__all__ = ["AdadeltaOptimizer"]


class AdadeltaOptimizer(Optimizer):
    """Adadelta (Zeiler 2012) with TF1's fused ApplyAdadelta update.

    accum = rho accum + (1 - rho) g^2; update = sqrt(accum_update + epsilon) /
    sqrt(accum + epsilon) * g; var -= lr * update; accum_update = rho accum_update +
    (1 - rho) update^2."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _prepare(self):
        self._lr_t = self._hyper(self._lr, "lr")
        self._rho_t = self._hyper(self._rho, "rho")
        self._epsilon_t = self._hyper(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        return self._fused_update(ApplyAdadelta(use_locking=self._use_locking), var,
                                  self.get_slot(var, "accum"),
                                  self.get_slot(var, "accum_update"), self._lr_t, self._rho_t,
                                  self._epsilon_t, grad)

    def _apply_sparse(self, grad, var):
        return self._fused_update(SparseApplyAdadelta(use_locking=self._use_locking), var,
                                  self.get_slot(var, "accum"),
                                  self.get_slot(var, "accum_update"), self._lr_t, self._rho_t,
                                  self._epsilon_t, grad.values, grad.indices)
