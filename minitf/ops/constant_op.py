"""`tf.constant` and `tf.convert_to_tensor` under TF's module name; they live in
minitf/ops/core.py with the other ops every gradient rule uses."""

from minitf.ops.core import constant, convert_to_tensor

__all__ = ["constant", "convert_to_tensor"]
