"""tf.train.AdagradOptimizer: accum += grad^2; var -= lr * grad / sqrt(accum), with the slot
`<var>/Adagrad` starting at `initial_accumulator_value`."""

from minitf.ops.constant_op import constant
from minitf.train.optimizer import Optimizer, slot_shape
from minitf.train.training_ops import ApplyAdagrad, SparseApplyAdagrad

__all__ = ["AdagradOptimizer"]


class AdagradOptimizer(Optimizer):
    """Adagrad with TF1's fused ApplyAdagrad update: accum += g^2; var -= lr g / sqrt(accum)."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s"
                             % initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        accumulator_slots(self, var_list, self._initial_accumulator_value)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")

    def _apply_dense(self, grad, var):
        return self._fused_update(ApplyAdagrad(use_locking=self._use_locking), var,
                                  self.get_slot(var, "accumulator"),
                                  self._learning_rate_tensor, grad)

    def _apply_sparse(self, grad, var):
        return self._fused_update(SparseApplyAdagrad(use_locking=self._use_locking), var,
                                  self.get_slot(var, "accumulator"),
                                  self._learning_rate_tensor, grad.values, grad.indices)


def accumulator_slots(optimizer, var_list, initial_value):
    """Adagrad's `accumulator` slot of each variable, `<var>/<optimizer name>`, starting at
    `initial_value` (also ProximalAdagrad's)."""
    for v in var_list:
        optimizer._get_or_make_slot(
            v, lambda v=v: constant(initial_value, v.dtype, slot_shape(v)), "accumulator",
            optimizer._name)
