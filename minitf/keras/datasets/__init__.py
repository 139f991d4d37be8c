"""``keras.datasets``: MNIST, Fashion-MNIST, CIFAR-10 and IMDB with Keras's `load_data`
signatures and return shapes/dtypes, read from the same cache as ``minitf.datasets``
(docs/datasets.md, docs/keras.md)."""

from minitf.keras.datasets import cifar10, fashion_mnist, imdb, mnist  # noqa: F401
