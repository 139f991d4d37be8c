"""``keras.datasets.mnist``."""

import os

import numpy as np

from minitf.datasets import _cache
from minitf.datasets import mnist as _mnist


def load_data(path='mnist.npz'):
    """Loads MNIST as ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(60000, 28, 28)``
    and ``(10000, 28, 28)``, uint8 labels ``(60000,)`` and ``(10000,)``, as
    ``keras.datasets.mnist.load_data``.

    When `path` names an existing ``.npz`` with Keras's keys (``x_train``, ``y_train``,
    ``x_test``, ``y_test``) — as given, or inside minitf's data-set cache — that file is read
    (without unpickling). Otherwise the four IDX files are read from ``<cache>/mnist`` and
    downloaded there when missing, exactly as ``minitf.datasets.mnist.load_data`` does
    (FileNotFoundError offline, saying where to put them)."""
    for candidate in (os.fspath(path), os.path.join(_cache.cache_dir(), os.fspath(path))):
        if os.path.isfile(candidate):
            with np.load(candidate, allow_pickle=False) as f:
                return (f['x_train'], f['y_train']), (f['x_test'], f['y_test'])
    return _mnist.load_data()
