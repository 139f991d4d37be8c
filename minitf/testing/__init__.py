"""Testing helpers users can call too: numerical gradient checks in float64."""

from minitf.testing.gradcheck import (GradientCheckError, check_gradients, compute_gradient,
                                      compute_gradient_error)

__all__ = ["GradientCheckError", "check_gradients", "compute_gradient", "compute_gradient_error"]
