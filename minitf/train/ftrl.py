"""tf.train.FtrlOptimizer: FTRL-Proximal (McMahan et al., 2013), the optimizer of TF1's linear
and wide models. Slots `<var>/Ftrl` (accum, starting at initial_accumulator_value) and
`<var>/Ftrl_1` (linear, zeros), in TF's creation order; TF's fused ApplyFtrl (ApplyFtrlV2 with
L2 shrinkage) and their sparse forms."""

from minitf.ops.array_ops import ones
from minitf.ops.math_ops import maximum
from minitf.train.optimizer import Optimizer, slot_shape
from minitf.train.training_ops import (ApplyFtrl, ApplyFtrlV2, SparseApplyFtrl,
                                        SparseApplyFtrlV2)

__all__ = ["FtrlOptimizer"]


class FtrlOptimizer(Optimizer):
    """FTRL with TF1's arguments; `beta` adds beta / (2 lr) to the L2 strength, as TF does."""

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="Ftrl", accum_name=None, linear_name=None,
                 l2_shrinkage_regularization_strength=0.0, beta=None):
        super().__init__(use_locking, name)
        for value, what, sign in (
                (initial_accumulator_value, "initial_accumulator_value", "positive"),
                (-learning_rate_power, "learning_rate_power", "negative"),
                (l1_regularization_strength, "l1_regularization_strength", "positive"),
                (l2_regularization_strength, "l2_regularization_strength", "positive"),
                (l2_shrinkage_regularization_strength, "l2_shrinkage_regularization_strength",
                 "positive")):
            if value < 0.0:
                shown = -value if sign == "negative" else value
                raise ValueError("%s %f needs to be %s or zero" % (what, shown, sign))
        self._learning_rate = learning_rate
        self._learning_rate_power = learning_rate_power
        self._initial_accumulator_value = initial_accumulator_value
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength
        self._l2_shrinkage = l2_shrinkage_regularization_strength
        self._beta = 0.0 if beta is None else beta
        self._accum_name = accum_name
        self._linear_name = linear_name

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot(
                v, lambda v=v: ones(slot_shape(v), v.dtype) * self._initial_accumulator_value,
                "accum", self._accum_name or self._name)
            self._zeros_slot(v, "linear", self._linear_name or self._name)

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")
        self._l1_tensor = self._hyper(self._l1, "l1_regularization_strength")
        # (TF builds this one from the Python values even when the rate is a Tensor)
        self._adjusted_l2_tensor = self._hyper(
            self._l2 + self._beta / (2. * maximum(self._learning_rate, 1e-36)),
            "adjusted_l2_regularization_strength")
        self._beta_tensor = self._hyper(self._beta, "beta")
        self._l2_shrinkage_tensor = self._hyper(self._l2_shrinkage,
                                                "l2_shrinkage_regularization_strength")
        self._learning_rate_power_tensor = self._hyper(self._learning_rate_power,
                                                       "learning_rate_power")

    def _apply_dense(self, grad, var):
        return self._update(var, (grad,), ApplyFtrlV2, ApplyFtrl)

    def _apply_sparse(self, grad, var):
        return self._update(var, (grad.values, grad.indices), SparseApplyFtrlV2,
                            SparseApplyFtrl)

    def _update(self, var, grad_inputs, shrinking_op, plain_op):
        head = (var, self.get_slot(var, "accum"), self.get_slot(var, "linear")) + grad_inputs
        rates = (self._learning_rate_tensor, self._l1_tensor, self._adjusted_l2_tensor)
        if self._l2_shrinkage <= 0.0:
            return self._fused_update(plain_op(use_locking=self._use_locking), *head, *rates,
                                      self._learning_rate_power_tensor)
        return self._fused_update(shrinking_op(use_locking=self._use_locking), *head, *rates,
                                  self._l2_shrinkage_tensor, self._learning_rate_power_tensor)
