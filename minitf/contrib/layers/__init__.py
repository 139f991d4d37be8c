"""tf.contrib.layers: the layer functions of TF1's contrib (slim's layers: fully_connected,
conv2d, batch_norm...), optimize_loss, and the regularizers and initializers TF1 code imports
from here."""

from minitf.contrib.layers.layers import *  # noqa: F401,F403
from minitf.contrib.layers.optimizers import *  # noqa: F401,F403
from minitf.contrib.layers.regularizers import *  # noqa: F401,F403
from minitf.contrib.layers.summaries import *  # noqa: F401,F403
from minitf.contrib.layers import layers as _layers
from minitf.contrib.layers import optimizers as _optimizers
from minitf.contrib.layers import regularizers as _regularizers
from minitf.contrib.layers import summaries as _summaries

__all__ = (list(_layers.__all__) + list(_optimizers.__all__) + list(_regularizers.__all__)
           + list(_summaries.__all__))
