"""CIFAR-10 (60,000 32x32 colour images, 10 classes) from its *binary* version: fixed-size
records read with numpy, so downloaded data is never unpickled."""

import os
import tarfile

import numpy as np

from minitf.datasets import _cache

BASE_URL = 'https://www.cs.toronto.edu/~kriz/'
ARCHIVE = 'cifar-10-binary.tar.gz'
MD5 = 'c32a1d4ab5d03f1284b67883e8d87530'
FOLDER = 'cifar-10-batches-bin'
TRAIN_BATCHES = tuple('data_batch_%d.bin' % i for i in range(1, 6))
TEST_BATCH = 'test_batch.bin'
CLASS_NAMES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship',
               'truck')
_RECORD = 1 + 32 * 32 * 3  # one label byte, then 1024 red, 1024 green, 1024 blue bytes


def _parse(data, name):
    if len(data) % _RECORD:
        raise ValueError('%s has %d bytes, not a whole number of %d-byte CIFAR-10 records'
                         % (name, len(data), _RECORD))
    records = np.frombuffer(data, np.uint8).reshape(-1, _RECORD)
    labels = records[:, :1].copy()
    if labels.size and labels.max() > 9:
        raise ValueError('%s: label %d out of range 0..9' % (name, labels.max()))
    images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
    return images, labels


def _read_members(path):
    """{batch name: bytes} from the extracted folder `path/cifar-10-batches-bin` or the archive."""
    names = TRAIN_BATCHES + (TEST_BATCH,)
    folder = os.path.join(path, FOLDER)
    if all(os.path.exists(os.path.join(folder, n)) for n in names):
        out = {}
        for n in names:
            with open(os.path.join(folder, n), 'rb') as f:
                out[n] = f.read()
        return out
    out = {}
    with tarfile.open(os.path.join(path, ARCHIVE), 'r:gz') as tar:
        for member in tar.getmembers():
            base = os.path.basename(member.name)
            if base in names and member.isfile():
                out[base] = tar.extractfile(member).read()
    missing = [n for n in names if n not in out]
    if missing:
        raise ValueError('%s lacks %s' % (os.path.join(path, ARCHIVE), ', '.join(missing)))
    return out


def load_data(path=None, download=True):
    """Loads CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``, like
    ``keras.datasets.cifar10``: uint8 images ``(n, 32, 32, 3)`` (channels last) and uint8 labels
    ``(n, 1)``.

    Reads ``cifar-10-batches-bin/`` (the extracted binary version) or ``cifar-10-binary.tar.gz``
    from `path`, else from ``$MINITF_DATA/cifar10`` or ``~/.minitf/datasets/cifar10``;
    downloads the archive there (progress bar, MD5 check) when `download` is true and it is
    missing. The Python (pickle) version is deliberately not supported: unpickling downloaded
    data can run arbitrary code."""
    folder = path if path is not None else os.path.join(_cache.cache_dir(), 'cifar10')
    if not os.path.isdir(os.path.join(folder, FOLDER)):
        folder = _cache.fetch('cifar10', {ARCHIVE: MD5}, BASE_URL, folder, download)
    data = _read_members(folder)
    train = [_parse(data[n], n) for n in TRAIN_BATCHES]
    x_test, y_test = _parse(data[TEST_BATCH], TEST_BATCH)
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    return (x_train, y_train), (x_test, y_test)
