"""minitf.keras (also tf.keras): Keras 2's API as TF 1.15 shipped it, on minitf's graph and
session. Layers build minitf variables on their first call and return minitf Tensors, so they
mix with TF1 code. See docs/keras.md."""

from minitf.keras import (activations, backend, callbacks, constraints, initializers, layers,
                          losses, metrics, models, optimizers, regularizers, utils)
from minitf.keras import applications, datasets, preprocessing
from minitf.keras.engine import Input
from minitf.keras.training import Model, Sequential

__version__ = "2.2.4-tf"
