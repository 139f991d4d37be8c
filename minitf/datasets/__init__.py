"""Data sets: the 8x8 digits bundled with minitf (offline), and MNIST, Fashion-MNIST and CIFAR-10
read from a cache folder (``$MINITF_DATA`` or ``~/.minitf/datasets``), downloaded when possible.

``digits.load_data()``, ``mnist.load_data()``, ``fashion_mnist.load_data()`` and
``cifar10.load_data()`` follow ``keras.datasets``; ``load_digits`` is the older two-way split the
demo uses."""

from importlib import resources

import numpy as np

__all__ = ['load_digits']

_DIGITS_FILE = 'digits.npz'
_NUM_CLASSES = 10


def _read_digits():
    """Return the raw ``(images, labels)`` uint8 arrays from the packaged npz."""
    with resources.files(__name__).joinpath(_DIGITS_FILE).open('rb') as f:
        with np.load(f) as data:
            return data['images'], data['labels']


def _check_fraction(name, value):
    value = float(value)
    if not 0.0 < value < 1.0:
        raise ValueError('%s must be strictly between 0 and 1, got %r' % (name, value))
    return value


def _stratified_split(y, fractions, rng):
    """Index arrays: one per fraction in `fractions` then the rest, each class split alike.

    Within each class the examples are shuffled and ``round(f * class_size)`` of them (at least
    one, and at least one left for the rest) go to the part of fraction f; each part is then
    shuffled with the same generator (the rest first, for the seeds load_digits has always used)."""
    parts = [[] for _ in range(len(fractions) + 1)]
    for c in range(_NUM_CLASSES):
        idx = rng.permutation(np.flatnonzero(y == c))
        start = 0
        for k, frac in enumerate(fractions):
            n = int(round(frac * idx.size))
            n = min(max(n, 1), idx.size - start - 1)
            parts[k].append(idx[start:start + n])
            start += n
        parts[-1].append(idx[start:])
    rest = rng.permutation(np.concatenate(parts[-1]))
    return [rng.permutation(np.concatenate(p)) for p in parts[:-1]] + [rest]


def _digits_xy():
    images, labels = _read_digits()
    x = images.reshape(images.shape[0], -1).astype(np.float32) / np.float32(16.0)
    return x, labels.astype(np.int64)


def load_digits(test_fraction=0.2, seed=0):
    """Load the 8x8 UCI handwritten digits (1797 images) as a train/test split.

    The data is the "Optical Recognition of Handwritten Digits" set
    (E. Alpaydin and C. Kaynak, UCI ML Repository, CC BY 4.0); see
    ``DIGITS_LICENSE.txt`` next to this module.

    The split is stratified by class: within each of the ten classes the
    examples are shuffled with ``numpy.random.default_rng(seed)`` and
    ``round(test_fraction * class_size)`` of them (at least one, and at least
    one left for training) go to the test set. Both splits are then shuffled
    with the same generator, so the result depends only on ``seed`` and
    ``test_fraction``.

    Args:
      test_fraction: fraction of each class held out for testing, in (0, 1).
      seed: seed for ``numpy.random.default_rng``.

    Returns:
      ``(x_train, y_train), (x_test, y_test)`` where the ``x`` arrays are
      float32 of shape ``(n, 64)`` with values in ``[0, 1]`` (pixel counts
      0..16 divided by 16) and the ``y`` arrays are int64 labels in ``0..9``.
    """
    test_fraction = _check_fraction('test_fraction', test_fraction)
    x, y = _digits_xy()
    test_idx, train_idx = _stratified_split(y, [test_fraction], np.random.default_rng(seed))
    return (x[train_idx], y[train_idx]), (x[test_idx], y[test_idx])


from minitf.datasets import cifar10, digits, fashion_mnist, mnist  # noqa: E402,F401
