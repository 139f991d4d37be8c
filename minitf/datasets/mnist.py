"""MNIST (60,000 + 10,000 handwritten digits, 28x28), read from its IDX files in the cache."""

from minitf.datasets import _idx_dataset

BASE_URL = 'https://storage.googleapis.com/cvdf-datasets/mnist/'
MD5 = ('f68b3c2dcbeaaa9fbdd348bbdeb94873', 'd53e105ee54ea40749a09fcbcd1e9432',
       '9fb629c4189551a2d022fa330f9573f3', 'ec29112dd5afa0611ce80d1b7f02629c')
FILES = _idx_dataset.FILES


def load_data(path=None, download=True):
    """Loads MNIST as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.mnist``.

    The four IDX files (``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
    ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``) are read from `path` when
    given, else from ``$MINITF_DATA/mnist`` or ``~/.minitf/datasets/mnist``; missing ones are
    downloaded there (progress bar, MD5 check) when `download` is true and the network allows.
    Otherwise FileNotFoundError says where to put them.

    Returns uint8 arrays: images of shape ``(n, 28, 28)`` (0..255) and labels of shape ``(n,)``.
    """
    return _idx_dataset.load('mnist', MD5, BASE_URL, path, download)
