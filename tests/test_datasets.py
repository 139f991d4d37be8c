"""Tests for the bundled 8x8 handwritten digits dataset (minitf.datasets)."""

import numpy as np
import pytest

from minitf import datasets
from minitf.datasets import load_digits

N_TOTAL = 1797
N_CLASSES = 10


def _row_keys(x):
    """Map each 64-pixel row to a hashable key (raw float32 bytes)."""
    return [row.tobytes() for row in np.ascontiguousarray(x)]


def test_public_api():
    assert datasets.__all__ == ['load_digits']
    assert {'digits', 'mnist', 'fashion_mnist', 'cifar10'} <= set(vars(datasets))
    assert datasets.__doc__ and datasets.__doc__.strip()


def test_raw_file_contents():
    images, labels = datasets._read_digits()
    assert images.shape == (N_TOTAL, 8, 8)
    assert labels.shape == (N_TOTAL,)
    assert images.dtype == np.uint8
    assert labels.dtype == np.uint8
    assert images.min() == 0 and images.max() == 16
    assert sorted(np.unique(labels).tolist()) == list(range(N_CLASSES))


def test_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = load_digits()
    assert x_train.ndim == 2 and x_train.shape[1] == 64
    assert x_test.ndim == 2 and x_test.shape[1] == 64
    assert y_train.shape == (x_train.shape[0],)
    assert y_test.shape == (x_test.shape[0],)
    assert x_train.shape[0] + x_test.shape[0] == N_TOTAL
    assert x_train.dtype == np.float32 and x_test.dtype == np.float32
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64


@pytest.mark.parametrize('test_fraction', [0.2, 0.5, 0.1])
def test_split_sizes_follow_test_fraction(test_fraction):
    (x_train, _), (x_test, _) = load_digits(test_fraction=test_fraction)
    # Stratified per-class rounding can move each class by at most 0.5.
    assert abs(x_test.shape[0] - test_fraction * N_TOTAL) <= N_CLASSES / 2
    assert x_train.shape[0] + x_test.shape[0] == N_TOTAL


def test_value_ranges():
    (x_train, y_train), (x_test, y_test) = load_digits()
    for x in (x_train, x_test):
        assert np.all(np.isfinite(x))
        assert x.min() == 0.0
        assert x.max() == 1.0
        # Pixels are counts 0..16 divided by 16, so x * 16 is integral.
        assert np.array_equal(x * 16, np.round(x * 16))
    for y in (y_train, y_test):
        assert y.min() >= 0 and y.max() <= N_CLASSES - 1


def test_all_classes_in_both_splits():
    (_, y_train), (_, y_test) = load_digits()
    assert set(y_train.tolist()) == set(range(N_CLASSES))
    assert set(y_test.tolist()) == set(range(N_CLASSES))
    # Stratified: each class's test share is close to test_fraction.
    train_counts = np.bincount(y_train, minlength=N_CLASSES)
    test_counts = np.bincount(y_test, minlength=N_CLASSES)
    share = test_counts / (train_counts + test_counts)
    assert np.all(np.abs(share - 0.2) < 0.01)


def test_deterministic_for_same_seed():
    (a_xtr, a_ytr), (a_xte, a_yte) = load_digits(seed=7)
    (b_xtr, b_ytr), (b_xte, b_yte) = load_digits(seed=7)
    assert np.array_equal(a_xtr, b_xtr)
    assert np.array_equal(a_ytr, b_ytr)
    assert np.array_equal(a_xte, b_xte)
    assert np.array_equal(a_yte, b_yte)


def test_different_seed_gives_different_split():
    (_, _), (a_xte, _) = load_digits(seed=0)
    (_, _), (b_xte, _) = load_digits(seed=1)
    assert a_xte.shape == b_xte.shape
    assert not np.array_equal(a_xte, b_xte)
    # Not just a reordering: a different set of examples is held out.
    assert sorted(_row_keys(a_xte)) != sorted(_row_keys(b_xte))


def test_train_and_test_do_not_overlap():
    # Recover which source index each returned example came from (the 1797
    # images are pairwise distinct, so a row identifies its index) and check
    # that every source example is used exactly once across both splits.
    images, labels = datasets._read_digits()
    source = images.reshape(N_TOTAL, 64).astype(np.float32) / np.float32(16.0)
    index_of = {key: i for i, key in enumerate(_row_keys(source))}
    assert len(index_of) == N_TOTAL

    (x_train, y_train), (x_test, y_test) = load_digits()
    train_ids = [index_of[key] for key in _row_keys(x_train)]
    test_ids = [index_of[key] for key in _row_keys(x_test)]
    assert np.array_equal(labels[train_ids], y_train)
    assert np.array_equal(labels[test_ids], y_test)
    assert len(set(train_ids)) == len(train_ids)
    assert len(set(test_ids)) == len(test_ids)
    assert not set(train_ids) & set(test_ids)
    assert len(train_ids) + len(test_ids) == N_TOTAL


@pytest.mark.parametrize('bad', [0.0, 1.0, -0.1, 1.5])
def test_rejects_bad_test_fraction(bad):
    with pytest.raises(ValueError):
        load_digits(test_fraction=bad)
