"""tf.image: resizing, flips, standardization, crops, pads and dtype conversion."""

from minitf.ops import image_ops as _image_ops
from minitf.ops.image_ops import *  # noqa: F401,F403

__all__ = list(_image_ops.__all__)
