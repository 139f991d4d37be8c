"""``keras.datasets.fashion_mnist``."""

from minitf.datasets import fashion_mnist as _fashion_mnist


def load_data():
    """Loads Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)`` (uint8 images
    ``(n, 28, 28)``, uint8 labels ``(n,)``), as ``keras.datasets.fashion_mnist.load_data``,
    from the IDX files in ``<cache>/fashion_mnist`` (downloaded when missing; the reader is
    ``minitf.datasets.fashion_mnist``)."""
    return _fashion_mnist.load_data()
