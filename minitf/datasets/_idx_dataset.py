"""The loader shared by MNIST and Fashion-MNIST: four IDX files in a cache folder."""

import os

from minitf.datasets import _cache

FILES = ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
         't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')


def load(dataset, md5s, base_url, path, download):
    folder = _cache.fetch(dataset, dict(zip(FILES, md5s)), base_url, path, download)
    x_train, y_train, x_test, y_test = (_cache.read_idx(os.path.join(folder, name))
                                        for name in FILES)
    for x, y, split in ((x_train, y_train, 'train'), (x_test, y_test, 't10k')):
        if x.ndim != 3 or y.ndim != 1 or x.shape[0] != y.shape[0]:
            raise ValueError('%s files in %s disagree: images %s, labels %s'
                             % (split, folder, x.shape, y.shape))
    return (x_train, y_train), (x_test, y_test)
