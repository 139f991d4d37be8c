"""tf.layers: core (dense, dropout, flatten), convolution, pooling and batch normalization
layers, as functions and as classes."""

from minitf.layers import base as _base
from minitf.layers import convolutional as _convolutional
from minitf.layers import core as _core
from minitf.layers import normalization as _normalization
from minitf.layers import pooling as _pooling
from minitf.layers.base import *  # noqa: F401,F403
from minitf.layers.convolutional import *  # noqa: F401,F403
from minitf.layers.core import *  # noqa: F401,F403
from minitf.layers.normalization import *  # noqa: F401,F403
from minitf.layers.pooling import *  # noqa: F401,F403

__all__ = (list(_base.__all__) + list(_core.__all__) + list(_convolutional.__all__)
           + list(_pooling.__all__) + list(_normalization.__all__))
