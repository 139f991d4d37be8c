"""tf.data.experimental: the names TF1 programs use from it."""

from minitf.data.dataset_ops import AUTOTUNE

__all__ = ["AUTOTUNE"]
