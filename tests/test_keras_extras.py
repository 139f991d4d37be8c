"""keras.utils, keras.datasets, keras.preprocessing against what real tf-keras gave
(tests/keras_extras_programs.py recorded tests/fixtures/keras_extras_recorded.npz)."""

import json
import os
import tarfile
import warnings
import zipfile

import numpy as np
import pytest

from minitf.datasets import _cache
from minitf.keras import datasets as kdatasets
from minitf.keras import data_utils as utils
from minitf.keras.datasets import imdb
from minitf.keras.preprocessing import image, sequence, text
from tests import keras_extras_programs as programs

REC = dict(np.load(programs.OUT))


# -- keras.utils.get_file -------------------------------------------------------------------
@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv('MINITF_DATA', str(tmp_path / 'data'))
    return tmp_path / 'data'


@pytest.fixture
def served(tmp_path, monkeypatch):
    """Files 'downloaded' through the real download code from file:// URLs."""
    src = tmp_path / 'server'
    src.mkdir()
    return src


def test_get_file_downloads_once_checks_hash_and_reuses_the_cache(cache, served, capsys):
    (served / 'a.txt').write_bytes(b'hello keras')
    md5 = _cache.file_hash(str(served / 'a.txt'), 'md5')
    sha = _cache.file_hash(str(served / 'a.txt'), 'sha256')
    url = (served / 'a.txt').as_uri()
    path = utils.get_file('a.txt', origin=url, file_hash=sha)
    assert path == os.path.join(str(cache), 'a.txt')
    assert open(path, 'rb').read() == b'hello keras'
    assert 'a.txt [' in capsys.readouterr().err  # the progress bar
    (served / 'a.txt').write_bytes(b'changed')  # the cached copy is used, not the origin
    assert utils.get_file(origin=url, md5_hash=md5) == path
    assert open(path, 'rb').read() == b'hello keras'
    # The cached file has another hash: downloaded again (and kept when the new one matches).
    new_md5 = _cache.file_hash(str(served / 'a.txt'), 'md5')
    assert utils.get_file('a.txt', origin=url, file_hash=new_md5) == path
    assert open(path, 'rb').read() == b'changed'
    with pytest.raises(FileNotFoundError, match='could not be downloaded.*has MD5'):
        utils.get_file('a.txt', origin=url, file_hash='0' * 32)
    assert open(path, 'rb').read() == b'changed'  # a rejected download is not kept
    other = utils.get_file('b.txt', origin=url, cache_subdir='models',
                           cache_dir=str(cache.parent / 'k'))
    assert other == str(cache.parent / 'k' / 'models' / 'b.txt')


def test_get_file_offline_message_says_where_to_put_the_file(cache):
    with pytest.raises(FileNotFoundError) as e:
        utils.get_file('x.npz', origin='http://127.0.0.1:9/x.npz')
    msg = str(e.value)
    assert 'x.npz' in msg and os.path.join(str(cache), 'x.npz') in msg and 'by hand' in msg


def test_get_file_extracts_archives_and_refuses_escaping_members(cache, served):
    with tarfile.open(served / 'pack.tar.gz', 'w:gz') as tar:
        (served / 'inner.txt').write_text('inside')
        tar.add(served / 'inner.txt', arcname='pack/inner.txt')
    folder = utils.get_file('pack', origin=(served / 'pack.tar.gz').as_uri(), untar=True)
    assert open(os.path.join(folder, 'inner.txt')).read() == 'inside'
    with zipfile.ZipFile(served / 'z.zip', 'w') as z:
        z.writestr('zipped.txt', 'zip')
    utils.get_file('z.zip', origin=(served / 'z.zip').as_uri(), extract=True)
    assert (cache / 'zipped.txt').read_text() == 'zip'
    with tarfile.open(served / 'evil.tar', 'w') as tar:
        tar.add(served / 'inner.txt', arcname='../evil.txt')
    with pytest.raises(ValueError, match='outside'):
        utils.get_file('evil.tar', origin=(served / 'evil.tar').as_uri(), extract=True)
    assert not (cache.parent / 'evil.txt').exists()


# -- keras.datasets ------------------------------------------------------------------------------
@pytest.mark.parametrize('i,kw', list(enumerate(programs.IMDB_CASES)))
def test_imdb_load_data_matches_keras(tmp_path, i, kw):
    path = str(tmp_path / 'imdb.npz')
    np.savez(path, **programs.imdb_arrays())
    (xa, ya), (xb, yb) = imdb.load_data(path=path, **kw)
    want = json.loads(str(REC['imdb_%d' % i]))
    assert xa.dtype == object and xa.ndim == 1 and ya.dtype == np.int64
    assert [list(s) for s in xa] == want[0] and ya.tolist() == want[1]
    assert [list(s) for s in xb] == want[2] and yb.tolist() == want[3]


def test_imdb_refuses_pickles_that_are_not_plain_arrays(tmp_path):
    path = str(tmp_path / 'imdb.npz')
    evil = np.empty(1, dtype=object)
    evil[0] = os.system  # pickled as a reference to a global the reader must not resolve
    arrays = programs.imdb_arrays()
    arrays['x_train'] = evil
    np.savez(path, **arrays)
    with pytest.raises(Exception, match='not allowed'):
        imdb.load_data(path=path)
    with pytest.raises(ValueError, match='maxlen=2'):
        np.savez(path, **programs.imdb_arrays())
        imdb.load_data(path=path, maxlen=2)


def test_imdb_word_index_and_mnist_npz_from_local_files(tmp_path, cache):
    (tmp_path / 'wi.json').write_text('{"the": 1, "film": 2}')
    assert imdb.get_word_index(str(tmp_path / 'wi.json')) == {'the': 1, 'film': 2}
    arrays = {k: np.full(s, 3, np.uint8) for k, s in [('x_train', (2, 28, 28)), ('y_train', (2,)),
                                                     ('x_test', (1, 28, 28)), ('y_test', (1,))]}
    np.savez(tmp_path / 'm.npz', **arrays)
    (x, y), (xt, yt) = kdatasets.mnist.load_data(str(tmp_path / 'm.npz'))
    assert x.shape == (2, 28, 28) and x.dtype == np.uint8 and yt.shape == (1,)


def test_keras_datasets_read_minitf_cache(cache, monkeypatch):
    calls = []
    for mod, theirs in ((kdatasets.mnist, 'mnist'), (kdatasets.fashion_mnist, 'fashion_mnist'),
                        (kdatasets.cifar10, 'cifar10')):
        monkeypatch.setattr(getattr(mod, '_' + theirs), 'load_data',
                            lambda *a, _n=theirs, **k: calls.append(_n) or 'data')
        assert mod.load_data() == 'data'
    assert calls == ['mnist', 'fashion_mnist', 'cifar10']


def test_cifar10_from_cached_binary_batches(cache):
    """The real reader on a tiny cache: Keras's shapes and dtypes."""
    folder = cache / 'cifar10' / 'cifar-10-batches-bin'
    folder.mkdir(parents=True)
    rng = np.random.RandomState(0)
    for name in [b for b in ['data_batch_%d.bin' % i for i in range(1, 6)] + ['test_batch.bin']]:
        rec = np.concatenate([rng.randint(0, 10, (2, 1)), rng.randint(0, 256, (2, 3072))], 1)
        (folder / name).write_bytes(rec.astype(np.uint8).tobytes())
    (x, y), (xt, yt) = kdatasets.cifar10.load_data()
    assert x.shape == (10, 32, 32, 3) and x.dtype == np.uint8
    assert y.shape == (10, 1) and y.dtype == np.uint8 and xt.shape == (2, 32, 32, 3)


# -- keras.preprocessing.sequence / text ---------------------------------------------------------
@pytest.mark.parametrize('i,kw', list(enumerate(programs.PAD_CASES)))
def test_pad_sequences_matches_keras(i, kw):
    got = sequence.pad_sequences(programs.sequences(), **kw)
    want = REC['pad_%d' % i]
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_pad_sequences_items_with_shape_and_errors():
    got = sequence.pad_sequences([np.ones((2, 3)), np.arange(12).reshape(4, 3)], maxlen=3,
                                 padding='post')
    np.testing.assert_array_equal(got, REC['pad_2d'])
    with pytest.raises(ValueError, match='Padding type "middle"'):
        sequence.pad_sequences([[1]], padding='middle')
    with pytest.raises(ValueError, match='non-iterable'):
        sequence.pad_sequences([[1], 3])
    with pytest.raises(ValueError, match='dtype=object'):
        sequence.pad_sequences([[1]], value='x')


def test_tokenizer_matches_keras():
    want = json.loads(str(REC['tokenizer_json']))
    for name, kw in (('plain', {}), ('oov', dict(num_words=5, oov_token='<unk>'))):
        tok = text.Tokenizer(**kw)
        tok.fit_on_texts(programs.TEXTS)
        seqs = tok.texts_to_sequences(programs.TEXTS + ['the bird sat'])
        assert tok.word_index == want[name]['word_index']
        assert seqs == want[name]['sequences']
        assert tok.sequences_to_texts(seqs) == want[name]['texts']
        assert dict(tok.word_docs) == want[name]['word_docs']
        for mode in ('binary', 'count', 'freq', 'tfidf'):
            np.testing.assert_allclose(tok.texts_to_matrix(programs.TEXTS, mode=mode),
                                       REC['tok_%s_%s' % (name, mode)], rtol=1e-12)
    tok = text.Tokenizer(char_level=True)
    tok.fit_on_texts(['abca', 'Bd'])
    assert tok.word_index == want['char']['word_index']
    assert tok.texts_to_sequences(['dcba']) == want['char']['sequences']
    assert text.text_to_word_sequence('Hello, World!  foo-bar') == want['words']
    assert text.hashing_trick('a b a', 10, 'md5')[0] == text.hashing_trick('a', 10, 'md5')[0]


# -- keras.preprocessing.image -------------------------------------------------------------------
@pytest.mark.parametrize('mode', ['nearest', 'constant', 'reflect', 'wrap'])
@pytest.mark.parametrize('order', [0, 1])
def test_affine_transform_matches_keras_scipy(mode, order):
    img = programs.images()[0]
    for i, kw in enumerate(programs.AFFINE_CASES):
        got = image.apply_affine_transform(img, row_axis=0, col_axis=1, channel_axis=2,
                                           fill_mode=mode, cval=3.0, order=order, **kw)
        want = REC['affine_%s_%d_%d' % (mode, order, i)]
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, atol=1e-3, err_msg='%s %d %s' % (mode, order, kw))


def test_channels_first_transform_matches_keras():
    gen = image.ImageDataGenerator(data_format='channels_first', rotation_range=10)
    img = programs.images()[0].transpose(2, 0, 1)
    np.testing.assert_allclose(gen.apply_transform(img, dict(theta=25, tx=1, zy=1.2)),
                               REC['affine_channels_first'], atol=1e-3)


@pytest.mark.parametrize('i,kw', list(enumerate(programs.GENERATOR_CASES)))
def test_flow_with_seed_gives_keras_batches(i, kw):
    """Same seed, same draws in the same order: the batches equal Keras's."""
    gen = image.ImageDataGenerator(**kw)
    x = programs.images()
    it = gen.flow(x, np.arange(len(x)), batch_size=4, seed=11)
    for b in range(3):
        xb, yb = next(it)
        np.testing.assert_array_equal(yb, REC['flow_%d_%d_y' % (i, b)])
        assert xb.dtype == np.float32 and xb.shape == REC['flow_%d_%d_x' % (i, b)].shape
        np.testing.assert_allclose(xb, REC['flow_%d_%d_x' % (i, b)], rtol=1e-4, atol=2e-3)
    np.testing.assert_allclose(it[1][0], REC['flow_%d_item1' % i], rtol=1e-4, atol=2e-3)
    params = gen.get_random_transform(x.shape[1:], seed=3)
    want = json.loads(str(REC['params_%d' % i]))
    assert set(params) == set(want)
    for k, v in want.items():
        assert (params[k] is None) == (v is None) and (v is None or np.isclose(params[k], v)), k


def test_fit_statistics_and_zca_match_keras():
    x = programs.images()
    gen = image.ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                                   rescale=0.5)
    gen.fit(x)
    np.testing.assert_allclose(gen.mean, REC['fit_mean'], rtol=1e-5)
    np.testing.assert_allclose(gen.std, REC['fit_std'], rtol=1e-5)
    np.testing.assert_allclose(next(gen.flow(x, batch_size=3, shuffle=False)), REC['fit_flow'],
                               rtol=1e-4, atol=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        gen = image.ImageDataGenerator(zca_whitening=True)
    gen.fit(x[:, :3, :3, :1])
    np.testing.assert_allclose(gen.zca_whitening_matrix, REC['zca_matrix'], rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(next(gen.flow(x[:, :3, :3, :1], batch_size=6, shuffle=False)),
                               REC['zca_flow'], rtol=1e-3, atol=1e-3)
    gen = image.ImageDataGenerator(featurewise_center=True, rotation_range=40)
    gen.fit(x, augment=True, rounds=2, seed=4)
    np.testing.assert_allclose(gen.mean, REC['fit_augment_mean'], rtol=1e-4)


def test_flow_checks_and_subsets():
    gen = image.ImageDataGenerator(validation_split=0.5)
    x = programs.images()
    y = np.array([0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match='same length'):
        gen.flow(x, y[:3])
    with pytest.raises(ValueError, match='rank 4'):
        gen.flow(x[0], None)
    val = gen.flow(x, y, subset='validation', shuffle=False, batch_size=10)
    train = gen.flow(x, y, subset='training', shuffle=False, batch_size=10)
    np.testing.assert_array_equal(val[0][0], x[:3])
    np.testing.assert_array_equal(train[0][0], x[3:])
    with pytest.raises(ValueError, match='different number of classes'):
        gen.flow(x, np.array([0, 0, 0, 1, 1, 1]), subset='training')
    with pytest.raises(ValueError, match='zoom_range'):
        image.ImageDataGenerator(zoom_range=[1, 2, 3])
    (xb, extra), yb = gen.flow((x, np.arange(6) * 10), y, shuffle=False, batch_size=2)[1]
    np.testing.assert_array_equal(xb, x[2:4])
    np.testing.assert_array_equal(extra, [20, 30])
    np.testing.assert_array_equal(yb, [0, 1])


# -- keras.applications.imagenet_utils -----------------------------------------------------------
@pytest.mark.parametrize('mode', ['caffe', 'tf', 'torch'])
def test_preprocess_input_matches_keras(mode):
    from minitf.keras.applications.imagenet_utils import preprocess_input
    np.testing.assert_allclose(preprocess_input(programs.images(2, 4, 5), mode=mode),
                               REC['pre_%s_last' % mode], rtol=1e-6)
    first = programs.images(2, 4, 5).transpose(0, 3, 1, 2).copy()
    np.testing.assert_allclose(preprocess_input(first, data_format='channels_first', mode=mode),
                               REC['pre_%s_first' % mode], rtol=1e-6)
    one = programs.images(1, 4, 5)[0].transpose(2, 0, 1).copy()
    np.testing.assert_allclose(preprocess_input(one, data_format='channels_first', mode=mode),
                               REC['pre_%s_one' % mode], rtol=1e-6)


def test_preprocess_input_integers_and_errors():
    from minitf.keras.applications.imagenet_utils import preprocess_input
    got = preprocess_input(programs.images(2, 3, 3).astype(np.uint8))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, REC['pre_uint8'], rtol=1e-6)
    with pytest.raises(ValueError, match='mode'):
        preprocess_input(np.zeros((1, 2, 2, 3)), mode='keras')
    with pytest.raises(ValueError, match='3 colour channels'):
        preprocess_input(np.zeros((1, 2, 2, 4)))


def test_decode_predictions_matches_keras_and_says_where_the_index_goes(monkeypatch, cache):
    from minitf.keras.applications import imagenet_utils
    monkeypatch.setattr(imagenet_utils, 'CLASS_INDEX', programs.class_index())
    got = imagenet_utils.decode_predictions(programs.predictions(), top=3)
    want = json.loads(str(REC['decoded']))
    assert [[(a, b) for a, b, _ in row] for row in got] == [[(a, b) for a, b, _ in row]
                                                            for row in want]
    np.testing.assert_allclose([[c for *_, c in row] for row in got],
                               [[c for *_, c in row] for row in want], rtol=1e-6)
    with pytest.raises(ValueError, match=r'\(samples, 1000\)'):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))
    monkeypatch.setattr(imagenet_utils, 'CLASS_INDEX', None)
    monkeypatch.setattr(imagenet_utils, 'CLASS_INDEX_PATH', 'http://127.0.0.1:9/index.json')
    with pytest.raises(FileNotFoundError, match='imagenet_class_index.json'):
        imagenet_utils.decode_predictions(programs.predictions())
