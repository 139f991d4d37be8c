"""Small datasets bundled with minitf so examples and demos run without a download."""

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
    test_fraction = float(test_fraction)
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(
            'test_fraction must be strictly between 0 and 1, got %r' % test_fraction)

    images, labels = _read_digits()
    x = images.reshape(images.shape[0], -1).astype(np.float32) / np.float32(16.0)
    y = labels.astype(np.int64)

    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for c in range(_NUM_CLASSES):
        idx = rng.permutation(np.flatnonzero(y == c))
        n_test = int(round(test_fraction * idx.size))
        n_test = min(max(n_test, 1), idx.size - 1)
        test_idx.append(idx[:n_test])
        train_idx.append(idx[n_test:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))

    return (x[train_idx], y[train_idx]), (x[test_idx], y[test_idx])
