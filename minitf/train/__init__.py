"""tf.train: optimizers, learning-rate schedules, global step, and checkpoints."""

from minitf.train.optimizer import Optimizer
from minitf.train.gradient_descent import GradientDescentOptimizer
