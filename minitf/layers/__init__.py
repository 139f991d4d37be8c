"""tf.layers: dense and flatten."""

from minitf.layers import core as _core
from minitf.layers.core import *  # noqa: F401,F403

__all__ = list(_core.__all__)
