"""tf.train.AdagradDAOptimizer: Adagrad dual averaging (Duchi, Hazan & Singer, 2011), for
sparse linear models with L1/L2 regularization; TF's ApplyAdagradDA and SparseApplyAdagradDA.
Slots `gradient_accumulator` (zeros) and `gradient_squared_accumulator` (starting at
`initial_gradient_squared_accumulator_value`); the update reads `global_step` + 1, so the
optimizer needs the global step it increments (minimize(..., global_step=...))."""

from minitf.framework.graph import colocate_with
from minitf.ops.array_ops import identity
from minitf.ops.constant_op import constant
from minitf.train.optimizer import Optimizer, slot_shape
from minitf.train.training_ops import ApplyAdagradDA, SparseApplyAdagradDA

__all__ = ["AdagradDAOptimizer"]


class AdagradDAOptimizer(Optimizer):
    """Adagrad dual averaging with TF1's fused updates: the variable is recomputed each step
    from the sums of the gradients and of their squares (no decaying state)."""

    def __init__(self, learning_rate, global_step, initial_gradient_squared_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="AdagradDA"):
        if initial_gradient_squared_accumulator_value <= 0.0:
            raise ValueError("initial_gradient_squared_accumulator_value must be positive: %s"
                             % initial_gradient_squared_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_gradient_squared_accumulator_value = (
            initial_gradient_squared_accumulator_value)
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._global_step = global_step

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot(v, lambda v=v: constant(0.0, v.dtype, slot_shape(v)),
                                   "gradient_accumulator", self._name)
            self._get_or_make_slot(
                v, lambda v=v: constant(self._initial_gradient_squared_accumulator_value,
                                        v.dtype, slot_shape(v)),
                "gradient_squared_accumulator", self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")
        # (TF's copy of the global step beside the rate, so that workers do not all read the
        # parameter server's; the update sees the step this run will have made)
        with colocate_with(self._learning_rate_tensor):
            self._global_step_on_worker = identity(self._global_step) + 1

    def _update_inputs(self, var):
        return (var, self.get_slot(var, "gradient_accumulator"),
                self.get_slot(var, "gradient_squared_accumulator"))

    def _hyperparameters(self):
        return (self._learning_rate_tensor, self._l1_regularization_strength,
                self._l2_regularization_strength, identity(self._global_step_on_worker))

    def _apply_dense(self, grad, var):
        return self._fused_update(ApplyAdagradDA(use_locking=self._use_locking),
                                  *self._update_inputs(var), grad, *self._hyperparameters())

    def _apply_sparse(self, grad, var):
        return self._fused_update(SparseApplyAdagradDA(use_locking=self._use_locking),
                                  *self._update_inputs(var), grad.values, grad.indices,
                                  *self._hyperparameters())
