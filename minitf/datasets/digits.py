"""The 8x8 UCI handwritten digits that ship with minitf (1797 images): no download, ever."""

import numpy as np

from minitf import datasets as _datasets


def load_data(validation_fraction=0.1, test_fraction=0.2, seed=0, flatten=True):
    """Loads the bundled digits as ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``.

    The split is stratified by class and depends only on the fractions and `seed` (see
    ``minitf.datasets.load_digits``). Images are float32 in ``[0, 1]`` (pixel counts 0..16 over
    16), of shape ``(n, 64)``, or ``(n, 8, 8)`` with ``flatten=False``; labels are int64 0..9.
    """
    fractions = [_datasets._check_fraction('test_fraction', test_fraction),
                 _datasets._check_fraction('validation_fraction', validation_fraction)]
    if sum(fractions) >= 1.0:
        raise ValueError('validation_fraction + test_fraction must be below 1, got %r'
                         % sum(fractions))
    x, y = _datasets._digits_xy()
    if not flatten:
        x = x.reshape(-1, 8, 8)
    test, val, train = _datasets._stratified_split(y, fractions, np.random.default_rng(seed))
    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])
