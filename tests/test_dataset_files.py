"""minitf.datasets' file-backed sets (MNIST, Fashion-MNIST, CIFAR-10 binary), the cache folder,
downloads (from file:// URLs the tests write: no network), and TF1's input_data helper."""

import gzip
import hashlib
import io
import os
import tarfile

import numpy as np
import pytest

from minitf.datasets import _cache, cifar10, digits, fashion_mnist, mnist
from minitf.examples.tutorials.mnist import input_data

RNG = np.random.default_rng(0)


def idx_bytes(array):
    array = np.asarray(array, np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, '>u4').tobytes()
    return header + array.tobytes()


def write_idx_set(folder, n_train=7, n_test=3, rows=28):
    os.makedirs(folder, exist_ok=True)
    arrays = (RNG.integers(0, 256, (n_train, rows, rows)), RNG.integers(0, 10, n_train),
              RNG.integers(0, 256, (n_test, rows, rows)), RNG.integers(0, 10, n_test))
    for name, array in zip(mnist.FILES, arrays):
        with gzip.open(os.path.join(folder, name), 'wb') as f:
            f.write(idx_bytes(array))
    return [a.astype(np.uint8) for a in arrays]


def md5(path):
    return hashlib.md5(open(path, 'rb').read()).hexdigest()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv('MINITF_DATA', str(tmp_path / 'cache'))
    return tmp_path / 'cache'


@pytest.mark.parametrize('module', [mnist, fashion_mnist], ids=['mnist', 'fashion_mnist'])
def test_idx_sets_load_from_path_and_from_the_cache(module, tmp_path, cache):
    arrays = write_idx_set(str(tmp_path / 'files'))
    (x_train, y_train), (x_test, y_test) = module.load_data(path=str(tmp_path / 'files'))
    for got, want in zip((x_train, y_train, x_test, y_test), arrays):
        assert got.dtype == np.uint8 and np.array_equal(got, want)
    cached = write_idx_set(str(cache / module.__name__.rsplit('.', 1)[1]), n_train=4)
    (x_train, _), _ = module.load_data(download=False)
    assert np.array_equal(x_train, cached[0]) and x_train.shape == (4, 28, 28)


def test_default_cache_folder_is_in_the_home_directory(monkeypatch, tmp_path):
    monkeypatch.delenv('MINITF_DATA', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    assert _cache.cache_dir() == os.path.join(str(tmp_path), '.minitf', 'datasets')


def test_missing_files_say_where_to_put_them(cache):
    with pytest.raises(FileNotFoundError) as e:
        mnist.load_data(download=False)
    message = str(e.value)
    assert os.path.join(str(cache), 'mnist') in message
    assert 'train-images-idx3-ubyte.gz' in message and mnist.BASE_URL in message
    assert 'MINITF_DATA' in message


def serve(tmp_path, monkeypatch, module, arrays_folder):
    """Points `module`'s download URL at a folder of files (file://) with their real MD5s."""
    monkeypatch.setattr(module, 'BASE_URL', (tmp_path / arrays_folder).as_uri() + '/')
    monkeypatch.setattr(module, 'MD5', tuple(md5(str(tmp_path / arrays_folder / n))
                                             for n in module.FILES))


def test_download_shows_progress_checks_md5_and_fills_the_cache(tmp_path, cache, monkeypatch,
                                                                 capsys):
    arrays = write_idx_set(str(tmp_path / 'server'))
    serve(tmp_path, monkeypatch, mnist, 'server')
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert np.array_equal(x_test, arrays[2]) and np.array_equal(y_train, arrays[1])
    err = capsys.readouterr().err
    assert 't10k-labels-idx1-ubyte.gz [' in err and '100%' in err
    assert sorted(os.listdir(cache / 'mnist')) == sorted(mnist.FILES)  # no .part files left


def test_a_download_with_the_wrong_checksum_is_not_kept(tmp_path, cache, monkeypatch, capsys):
    write_idx_set(str(tmp_path / 'server'))
    serve(tmp_path, monkeypatch, mnist, 'server')
    monkeypatch.setattr(mnist, 'MD5', ('0' * 32,) + mnist.MD5[1:])
    with pytest.raises(FileNotFoundError) as e:
        mnist.load_data()
    assert 'expected 00000000' in str(e.value) and 'train-images-idx3-ubyte.gz' in str(e.value)
    assert sorted(os.listdir(cache / 'mnist')) == sorted(mnist.FILES[1:])


def test_an_unreachable_server_gives_the_clear_message(tmp_path, cache, monkeypatch, capsys):
    monkeypatch.setattr(mnist, 'BASE_URL', (tmp_path / 'nowhere').as_uri() + '/')
    with pytest.raises(FileNotFoundError, match='could not be downloaded'):
        mnist.load_data()


def test_read_idx_rejects_bad_files(tmp_path):
    bad = tmp_path / 'bad.idx'
    bad.write_bytes(b'\x01\x02\x03\x04')
    with pytest.raises(ValueError, match='not an IDX file'):
        _cache.read_idx(str(bad))
    short = tmp_path / 'short.idx'
    short.write_bytes(idx_bytes(np.zeros((2, 3)))[:-1])
    with pytest.raises(ValueError, match=r'header says \(2, 3\)'):
        _cache.read_idx(str(short))
    wide = tmp_path / 'wide.idx'
    wide.write_bytes(bytes([0, 0, 0x0C, 1]) + np.asarray([2], '>u4').tobytes()
                     + np.asarray([-1, 70000], '>i4').tobytes())
    assert _cache.read_idx(str(wide)).tolist() == [-1, 70000]


def cifar_records(n):
    labels = RNG.integers(0, 10, n).astype(np.uint8)
    planes = RNG.integers(0, 256, (n, 3, 32, 32)).astype(np.uint8)
    data = np.concatenate([labels[:, None], planes.reshape(n, -1)], axis=1).tobytes()
    return data, planes.transpose(0, 2, 3, 1), labels


def write_cifar_archive(path):
    batches = {}
    with tarfile.open(path, 'w:gz') as tar:
        for name in cifar10.TRAIN_BATCHES + (cifar10.TEST_BATCH,):
            data, images, labels = cifar_records(2)
            batches[name] = (images, labels)
            info = tarfile.TarInfo(cifar10.FOLDER + '/' + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return batches


def test_cifar10_binary_from_a_downloaded_archive(tmp_path, cache, monkeypatch, capsys):
    (tmp_path / 'server').mkdir()
    batches = write_cifar_archive(str(tmp_path / 'server' / cifar10.ARCHIVE))
    monkeypatch.setattr(cifar10, 'BASE_URL', (tmp_path / 'server').as_uri() + '/')
    monkeypatch.setattr(cifar10, 'MD5', md5(str(tmp_path / 'server' / cifar10.ARCHIVE)))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and y_train.shape == (10, 1)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    want = np.concatenate([batches[n][0] for n in cifar10.TRAIN_BATCHES])
    assert np.array_equal(x_train, want)  # channels last: pixel (r, g, b) from the 3 planes
    assert np.array_equal(y_test[:, 0], batches[cifar10.TEST_BATCH][1])
    assert (cache / 'cifar10' / cifar10.ARCHIVE).exists()


def test_cifar10_reads_the_extracted_folder_and_rejects_broken_records(tmp_path):
    folder = tmp_path / cifar10.FOLDER
    folder.mkdir()
    for name in cifar10.TRAIN_BATCHES + (cifar10.TEST_BATCH,):
        (folder / name).write_bytes(cifar_records(3)[0])
    (x_train, _), (x_test, _) = cifar10.load_data(path=str(tmp_path), download=False)
    assert x_train.shape == (15, 32, 32, 3) and x_test.shape == (3, 32, 32, 3)
    (folder / cifar10.TEST_BATCH).write_bytes(cifar_records(1)[0][:-5])
    with pytest.raises(ValueError, match='whole number'):
        cifar10.load_data(path=str(tmp_path), download=False)


def test_digits_load_data_is_a_stratified_three_way_split():
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = digits.load_data()
    assert len(x_tr) + len(x_va) + len(x_te) == 1797
    assert abs(len(x_va) - 0.1 * 1797) <= 5 and abs(len(x_te) - 0.2 * 1797) <= 5
    keys = [set(map(bytes, x)) for x in (x_tr, x_va, x_te)]
    assert not (keys[0] & keys[1]) and not (keys[0] & keys[2]) and not (keys[1] & keys[2])
    for y in (y_tr, y_va, y_te):
        assert set(y.tolist()) == set(range(10))
    (x8, _), _, _ = digits.load_data(flatten=False)
    assert x8.shape[1:] == (8, 8) and x8.dtype == np.float32 and x8.max() == 1.0
    with pytest.raises(ValueError, match='below 1'):
        digits.load_data(validation_fraction=0.5, test_fraction=0.5)


def test_read_data_sets_and_next_batch_as_tf1(tmp_path, cache):
    arrays = write_idx_set(str(tmp_path / 'MNIST_data'), n_train=7, n_test=3)
    data = input_data.read_data_sets(str(tmp_path / 'MNIST_data'), one_hot=True,
                                     validation_size=2, seed=1)
    assert data.train.num_examples == 5 and data.validation.num_examples == 2
    assert data.test.images.shape == (3, 784) and data.test.images.dtype == np.float32
    assert np.allclose(data.test.images, arrays[2].reshape(3, 784) / 255.0)
    assert data.test.labels.shape == (3, 10)
    assert np.array_equal(data.test.labels.argmax(1), arrays[3])
    # Two epochs of batches of 2 from 5 examples: the third batch straddles the epoch end.
    seen = [data.train.next_batch(2) for _ in range(5)]
    assert all(x.shape == (2, 784) and y.shape == (2, 10) for x, y in seen)
    first_epoch = np.concatenate([x for x, _ in seen])[:5]
    back = np.rint(first_epoch * 255).astype(np.uint8)
    want = {bytes(r) for r in arrays[0][2:].reshape(5, 784)}
    assert {bytes(r) for r in back} == want and len(back) == 5  # each example once per epoch
    assert data.train.epochs_completed == 1
    dense = input_data.read_data_sets(str(tmp_path / 'MNIST_data'), validation_size=0,
                                      reshape=False, dtype='uint8')
    assert dense.train.images.shape == (7, 28, 28, 1) and dense.train.labels.tolist() == \
        arrays[1].tolist()
    with pytest.raises(ValueError, match='Validation size'):
        input_data.read_data_sets(str(tmp_path / 'MNIST_data'), validation_size=8)
