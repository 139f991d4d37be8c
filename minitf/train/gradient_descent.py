"""tf.train.GradientDescentOptimizer: var -= learning_rate * grad."""

from minitf.framework.graph import get_default_graph
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import cast
from minitf.train.optimizer import Optimizer
from minitf.train.training_ops import ApplyGradientDescent


class GradientDescentOptimizer(Optimizer):
    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self):
        lr = self._learning_rate() if callable(self._learning_rate) else self._learning_rate
        self._learning_rate_tensor = convert_to_tensor(lr, name="learning_rate")

    def _apply_dense(self, grad, var):
        lr = cast(self._learning_rate_tensor, var.dtype)
        return get_default_graph().create_op(
            ApplyGradientDescent(use_locking=self._use_locking), [var._ref(), lr, grad],
            name="ApplyGradientDescent")
