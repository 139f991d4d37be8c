"""TF1's ``tensorflow.examples.tutorials.mnist.input_data``: ``read_data_sets`` returning
train/validation/test ``DataSet`` objects with ``next_batch``, as the old tutorials use them."""

import collections
import os

import numpy as np

from minitf import dtypes
from minitf.datasets import _cache, mnist

Datasets = collections.namedtuple('Datasets', ['train', 'validation', 'test'])

DEFAULT_SOURCE_URL = mnist.BASE_URL
NUM_CLASSES = 10


def dense_to_one_hot(labels_dense, num_classes=NUM_CLASSES):
    """Class indices of shape ``(n,)`` to one-hot rows of shape ``(n, num_classes)``."""
    labels_dense = np.asarray(labels_dense)
    one_hot = np.zeros((labels_dense.shape[0], num_classes), np.uint8)
    one_hot[np.arange(labels_dense.shape[0]), labels_dense.astype(np.int64)] = 1
    return one_hot


class DataSet:
    """Images and labels in memory, served in shuffled mini-batches by ``next_batch``.

    As in TF1: with ``dtype=tf.float32`` the uint8 pixels are scaled to ``[0, 1]``; with
    ``reshape=True`` images of shape ``(n, rows, cols[, 1])`` become ``(n, rows * cols)``."""

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=dtypes.float32,
                 reshape=True, seed=None):
        dtype = dtypes.as_dtype(dtype)
        if dtype not in (dtypes.uint8, dtypes.float32):
            raise TypeError('Invalid image dtype %r, expected uint8 or float32' % dtype)
        self._rng = np.random.RandomState(seed)
        self.one_hot = one_hot
        if fake_data:
            self._num_examples = 10000
        else:
            images, labels = np.asarray(images), np.asarray(labels)
            if images.shape[0] != labels.shape[0]:
                raise ValueError('images.shape: %s labels.shape: %s'
                                 % (images.shape, labels.shape))
            self._num_examples = images.shape[0]
            if reshape:
                images = images.reshape(images.shape[0], -1)
            if dtype == dtypes.float32:
                images = images.astype(np.float32) * np.float32(1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0
        self._fake_data = fake_data

    images = property(lambda self: self._images)
    labels = property(lambda self: self._labels)
    num_examples = property(lambda self: self._num_examples)
    epochs_completed = property(lambda self: self._epochs_completed)

    def _shuffle(self):
        perm = self._rng.permutation(self._num_examples)
        self._images = self._images[perm]
        self._labels = self._labels[perm]

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next `batch_size` examples. The data is shuffled before the first epoch and
        after each one; a batch that crosses an epoch's end takes the epoch's remaining examples
        then the first ones of the next (reshuffled) epoch, as TF1 does."""
        if fake_data:
            fake_image = [1.0] * 784
            fake_label = [1] + [0] * 9 if self.one_hot else 0
            return ([fake_image for _ in range(batch_size)],
                    [fake_label for _ in range(batch_size)])
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size > self._num_examples:
            self._epochs_completed += 1
            rest = self._num_examples - start
            images_rest, labels_rest = self._images[start:], self._labels[start:]
            if shuffle:
                self._shuffle()
            self._index_in_epoch = batch_size - rest
            end = self._index_in_epoch
            return (np.concatenate((images_rest, self._images[:end]), axis=0),
                    np.concatenate((labels_rest, self._labels[:end]), axis=0))
        self._index_in_epoch += batch_size
        return self._images[start:self._index_in_epoch], self._labels[start:self._index_in_epoch]


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=dtypes.float32, reshape=True,
                   validation_size=5000, seed=None, source_url=DEFAULT_SOURCE_URL):
    """MNIST as ``Datasets(train, validation, test)`` of ``DataSet``, reading the four IDX
    ``.gz`` files from `train_dir` (downloading missing ones from `source_url` into it, with an
    MD5 check). The first `validation_size` training images form the validation set."""
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)
        return Datasets(train=fake(), validation=fake(), test=fake())
    if not source_url.endswith('/'):
        source_url += '/'
    folder = _cache.fetch('mnist', dict(zip(mnist.FILES, mnist.MD5)), source_url,
                          path=os.path.expanduser(train_dir))
    train_images, train_labels, test_images, test_labels = (
        _cache.read_idx(os.path.join(folder, name)) for name in mnist.FILES)
    train_images, test_images = train_images[..., None], test_images[..., None]
    if one_hot:
        train_labels, test_labels = dense_to_one_hot(train_labels), dense_to_one_hot(test_labels)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError('Validation size should be between 0 and %d. Received: %d.'
                         % (len(train_images), validation_size))
    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    return Datasets(
        train=DataSet(train_images[validation_size:], train_labels[validation_size:], **options),
        validation=DataSet(train_images[:validation_size], train_labels[:validation_size],
                           **options),
        test=DataSet(test_images, test_labels, **options))
