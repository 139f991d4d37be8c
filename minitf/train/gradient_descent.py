"""tf.train.GradientDescentOptimizer: var -= learning_rate * grad (for a sparse gradient, a
scatter_sub of the rows named, so every other row stays bit-identical)."""

from minitf.ops.math_ops import cast
from minitf.ops.scatter_ops import scatter_sub
from minitf.train.optimizer import Optimizer
from minitf.train.training_ops import ApplyGradientDescent

__all__ = ["GradientDescentOptimizer"]


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent, var -= learning_rate * grad: TF1's ApplyGradientDescent."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self):
        self._learning_rate_tensor = self._hyper(self._learning_rate, "learning_rate")

    def _apply_dense(self, grad, var):
        return self._fused_update(ApplyGradientDescent(use_locking=self._use_locking), var,
                                  self._learning_rate_tensor, grad)

    def _apply_sparse_duplicate_indices(self, grad, var):
        # TF's form: scatter_sub sums repeated rows itself, so no Unique is needed.
        lr = cast(self._learning_rate_tensor, var.dtype)
        return scatter_sub(var, grad.indices, grad.values * lr, use_locking=self._use_locking)
