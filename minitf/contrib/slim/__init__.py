"""tf.contrib.slim (also `minitf.contrib.slim`): TF-Slim's one namespace for model code: the
contrib.layers layer functions, arg_scope and the model-variable helpers of
contrib.framework, with slim.losses, slim.metrics and slim.learning."""

from minitf.contrib.framework import *  # noqa: F401,F403
from minitf.contrib.layers import *  # noqa: F401,F403
from minitf.contrib import framework as _framework
from minitf.contrib import layers as _layers
from minitf.contrib import losses  # noqa: F401 - slim.losses
from minitf.contrib import metrics  # noqa: F401 - slim.metrics
from minitf.contrib.layers import utils  # noqa: F401 - slim.utils
from minitf.contrib.slim import evaluation, learning  # noqa: F401

__all__ = list(_layers.__all__) + [n for n in _framework.__all__ if n not in _layers.__all__]
