"""tf.train.ProximalGradientDescentOptimizer and tf.train.ProximalAdagradOptimizer: FOBOS
(Duchi & Singer, 2009) with L1 and L2 regularization applied in the update, with a fixed rate
or Adagrad's; TF's fused ApplyProximalGradientDescent / ApplyProximalAdagrad and their sparse
forms. ProximalAdagrad's slot is `<var>/ProximalAdagrad` (accumulator)."""

from minitf.train.adagrad import accumulator_slots
from minitf.train.optimizer import Optimizer
from minitf.train.training_ops import (ApplyProximalAdagrad, ApplyProximalGradientDescent,
                                        SparseApplyProximalAdagrad,
                                        SparseApplyProximalGradientDescent)

__all__ = ["ProximalGradientDescentOptimizer", "ProximalAdagradOptimizer"]


class _Proximal(Optimizer):
    """The hyperparameters both share: the rate, L1 and L2 (as float32 tensors, as TF's)."""

    def __init__(self, learning_rate, l1_regularization_strength, l2_regularization_strength,
                 use_locking, name):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")
        self._l1_tensor = self._hyper(self._l1, "l1_regularization_strength")
        self._l2_tensor = self._hyper(self._l2, "l2_regularization_strength")

    def _rates(self):
        return self._learning_rate_tensor, self._l1_tensor, self._l2_tensor


class ProximalGradientDescentOptimizer(_Proximal):
    """Gradient descent with TF1's proximal L1/L2 step (no slots)."""

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        super().__init__(learning_rate, l1_regularization_strength, l2_regularization_strength,
                         use_locking, name)

    def _apply_dense(self, grad, var):
        return self._fused_update(ApplyProximalGradientDescent(use_locking=self._use_locking),
                                  var, *self._rates(), grad)

    def _apply_sparse(self, grad, var):
        return self._fused_update(
            SparseApplyProximalGradientDescent(use_locking=self._use_locking), var,
            *self._rates(), grad.values, grad.indices)


class ProximalAdagradOptimizer(_Proximal):
    """Adagrad's rate with TF1's proximal L1/L2 step; slot `accumulator`."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalAdagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s"
                             % initial_accumulator_value)
        super().__init__(learning_rate, l1_regularization_strength, l2_regularization_strength,
                         use_locking, name)
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        accumulator_slots(self, var_list, self._initial_accumulator_value)

    def _apply_dense(self, grad, var):
        return self._fused_update(ApplyProximalAdagrad(use_locking=self._use_locking), var,
                                  self.get_slot(var, "accumulator"), *self._rates(), grad)

    def _apply_sparse(self, grad, var):
        return self._fused_update(SparseApplyProximalAdagrad(use_locking=self._use_locking),
                                  var, self.get_slot(var, "accumulator"), *self._rates(),
                                  grad.values, grad.indices)
