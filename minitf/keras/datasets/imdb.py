"""``keras.datasets.imdb``: 25,000 + 25,000 movie reviews as lists of word indices, labelled
positive (1) or negative (0).

Keras's ``imdb.npz`` stores the reviews as numpy object arrays, which numpy writes with pickle.
They are read here by an unpickler that builds only numpy arrays, dtypes and Python lists and
numbers, so a tampered download cannot run code (``np.load(allow_pickle=True)`` would)."""

import json
import os
import pickle
import zipfile

import numpy as np

from minitf.keras import data_utils

ORIGIN = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/'
NPZ_SHA256 = '69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f'
WORD_INDEX_MD5 = 'bfafd718b763782e994055a2d397834f'

_ALLOWED = {('numpy.core.multiarray', '_reconstruct'), ('numpy._core.multiarray', '_reconstruct'),
            ('numpy.core.multiarray', 'scalar'), ('numpy._core.multiarray', 'scalar'),
            ('numpy', 'ndarray'), ('numpy', 'dtype')}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError('%s.%s is not allowed in a data file (only numpy arrays of '
                                     'lists of numbers are)' % (module, name))


def _read_npy(f, name):
    version = np.lib.format.read_magic(f)
    shape, fortran, dtype = (np.lib.format.read_array_header_1_0(f) if version == (1, 0)
                             else np.lib.format.read_array_header_2_0(f))
    if not dtype.hasobject:
        data = np.frombuffer(f.read(), dtype=dtype, count=int(np.prod(shape)))
        return data.reshape(shape, order='F' if fortran else 'C')
    value = _ArrayUnpickler(f).load()
    if not isinstance(value, np.ndarray):
        raise ValueError('%s: %s does not hold an array' % (name, type(value).__name__))
    return value


def _read_npz(path):
    """{key: array} from an .npz whose object arrays are read by the restricted unpickler."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith('.npy'):
                with archive.open(member) as f:
                    out[member[:-4]] = _read_npy(f, '%s:%s' % (path, member))
    return out


def _resolve(path, origin, file_hash):
    path = os.fspath(path)
    if os.path.isabs(path) and os.path.isfile(path):
        return path
    return data_utils.get_file(path, origin=origin, file_hash=file_hash)


def load_data(path='imdb.npz', num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """Loads IMDB as ``(x_train, y_train), (x_test, y_test)``, as
    ``keras.datasets.imdb.load_data``: each ``x`` is an object array of lists of word indices
    (index ``i`` is the i-th most frequent word, shifted by `index_from`; each review starts with
    `start_char`), each ``y`` an int64 array of labels 0/1.

    Both splits are shuffled with ``np.random.RandomState(seed)`` (Keras's order). Reviews of
    `maxlen` words or more are dropped (ValueError when none is left). Words with index
    ``< skip_top`` or ``>= num_words`` become `oov_char`, or are removed when `oov_char` is None.

    `path` is an absolute path to a local ``imdb.npz``, or a name in minitf's data-set cache
    (``$MINITF_DATA`` or ``~/.minitf/datasets``), downloaded there from Keras's URL (sha256
    checked) when missing; offline, FileNotFoundError says where to put it."""
    if 'nb_words' in kwargs:
        num_words = kwargs.pop('nb_words')
    if kwargs:
        raise TypeError('Unrecognized keyword arguments: %s' % sorted(kwargs))
    data = _read_npz(_resolve(path, ORIGIN + 'imdb.npz', NPZ_SHA256))
    missing = [k for k in ('x_train', 'y_train', 'x_test', 'y_test') if k not in data]
    if missing:
        raise ValueError('%s lacks the arrays %s' % (path, ', '.join(missing)))
    rng = np.random.RandomState(seed)
    splits = []
    for x_key, y_key in (('x_train', 'y_train'), ('x_test', 'y_test')):
        order = np.arange(len(data[x_key]))
        rng.shuffle(order)
        xs = [list(data[x_key][i]) for i in order]
        ys = np.asarray(data[y_key])[order]
        if start_char is not None:
            xs = [[start_char] + [w + index_from for w in x] for x in xs]
        elif index_from:
            xs = [[w + index_from for w in x] for x in xs]
        if maxlen:
            keep = [i for i, x in enumerate(xs) if len(x) < maxlen]
            xs, ys = [xs[i] for i in keep], ys[keep]
        splits.append((xs, ys))
    if maxlen and not (splits[0][0] and splits[1][0]):
        raise ValueError('After filtering for sequences shorter than maxlen=%s, no sequence was '
                         'kept. Increase maxlen.' % maxlen)
    if not num_words:
        num_words = max(max(x) for xs, _ in splits for x in xs if x)
    out = []
    for xs, ys in splits:
        if oov_char is not None:
            xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
        else:
            xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
        array = np.empty(len(xs), dtype=object)
        array[:] = xs
        out.append((array, ys))
    return tuple(out)


def get_word_index(path='imdb_word_index.json'):
    """The ``{word: index}`` dict of IMDB's vocabulary (``imdb_word_index.json``; an absolute
    path, or a name in the cache, downloaded when missing). Index ``i`` here is ``i +
    index_from`` in the sequences `load_data` returns."""
    with open(_resolve(path, ORIGIN + 'imdb_word_index.json', WORD_INDEX_MD5),
              encoding='utf-8') as f:
        return json.load(f)

