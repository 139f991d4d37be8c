"""tf.train.RMSPropOptimizer: a running mean of squared gradients scales each step, with
momentum; slots `<var>/RMSProp` (rms, starting at ones), and `<var>/RMSProp_1`, `_2` (mg when
centered, then momentum), in TF's creation order."""

from minitf.ops.array_ops import ones
from minitf.train.optimizer import Optimizer, slot_shape
from minitf.train.training_ops import (ApplyCenteredRMSProp, ApplyRMSProp,
                                        SparseApplyCenteredRMSProp, SparseApplyRMSProp)

__all__ = ["RMSPropOptimizer"]


class RMSPropOptimizer(Optimizer):
    """RMSProp with momentum: TF1's fused ApplyRMSProp (ApplyCenteredRMSProp if `centered`)."""

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot(v, lambda v=v: ones(slot_shape(v), v.dtype), "rms",
                                   self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")
        self._decay_tensor = self._hyper(self._decay, "decay")
        self._momentum_tensor = self._hyper(self._momentum, "momentum")
        self._epsilon_tensor = self._hyper(self._epsilon, "epsilon")

    def _apply_dense(self, grad, var):
        return self._update(var, (grad,), ApplyCenteredRMSProp, ApplyRMSProp)

    def _apply_sparse(self, grad, var):
        return self._update(var, (grad.values, grad.indices), SparseApplyCenteredRMSProp,
                            SparseApplyRMSProp)

    def _update(self, var, grad_inputs, centered_op, plain_op):
        hypers = (self._learning_rate_tensor, self._decay_tensor, self._momentum_tensor,
                  self._epsilon_tensor) + grad_inputs
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        if self._centered:
            return self._fused_update(centered_op(use_locking=self._use_locking), var,
                                      self.get_slot(var, "mg"), rms, mom, *hypers)
        return self._fused_update(plain_op(use_locking=self._use_locking), var, rms, mom,
                                  *hypers)
