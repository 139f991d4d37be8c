"""``keras.datasets.cifar10``."""

from minitf.datasets import cifar10 as _cifar10


def load_data():
    """Loads CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``: uint8 images
    ``(50000, 32, 32, 3)`` / ``(10000, 32, 32, 3)`` (channels last, Keras's default image data
    format) and uint8 labels ``(n, 1)``, as ``keras.datasets.cifar10.load_data``. Read from the
    *binary* version in ``<cache>/cifar10`` by ``minitf.datasets.cifar10`` (downloaded when
    missing); Keras's pickled Python version is never unpickled."""
    return _cifar10.load_data()
