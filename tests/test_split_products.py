"""Matrix products split over the intra-op workers (ops/products.py, split_product): the same
bytes as one BLAS call at one thread, for every dtype, transpose and participant count; which
products split and into which row blocks."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from minitf import workers
from minitf.ops import products


@pytest.fixture(autouse=True)
def one_blas_thread():
    with threadpool_limits(1, user_api="blas"):
        yield


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = products.split
    monkeypatch.setattr(products, "split", lambda count, fn, grain: calls.append(count) or
                        real(count, fn, grain))
    return calls


# (rows, participants, multiply-adds) -> block boundaries
BLOCKS = [
    ((512, 2, 512 * 784 * 256), [0, 288, 512]),
    ((784, 2, 784 * 512 * 256), [0, 384, 784]),
    ((4096, 2, 4096 * 1024 * 1024), [0, 1056, 2112, 3168, 4096]),  # 2 x participants chunks
    ((256, 2, 256 * 512 * 256), [0, 96, 192, 256]),  # the last block may be short ...
    ((426, 2, 426 * 403 * 10), [0, 426]),  # ... but never under _MIN_CHUNK multiply-adds
    ((150, 2, 150 * 2000 * 2000), [0, 96, 150]),
    ((100, 2, 100 * 2000 * 2000), [0, 100]),  # (not 96 + 4)
]


@pytest.mark.parametrize("args, bounds", BLOCKS)
def test_row_blocks(args, bounds):
    assert products.row_blocks(*args) == bounds


def _random_product(rng, dtype, m, k, n, ta, tb):
    a = rng.standard_normal((k, m) if ta else (m, k))
    b = rng.standard_normal((n, k) if tb else (k, n))
    if np.dtype(dtype).kind == "c":
        a, b = a + 1j * a[::-1], b + 1j * b[::-1]
    a, b = a.astype(dtype), b.astype(dtype)
    return (a.T if ta else a), (b.T if tb else b)


CASES = [(dtype, shape, ta, tb)
         for dtype, shape in [(np.float32, (1000, 300, 700)), (np.float64, (1025, 64, 513)),
                              (np.complex64, (700, 150, 200)), (np.float32, (4000, 1000, 8)),
                              (np.float64, (777, 900, 97)), (np.float32, (3000, 1000, 12))]
         for ta in (False, True) for tb in (False, True)]


@pytest.mark.parametrize("dtype, shape, ta, tb", CASES)
def test_split_products_give_the_bytes_of_one_call(counted, dtype, shape, ta, tb):
    rng = np.random.default_rng(sum(shape))
    x, y = _random_product(rng, dtype, *shape, ta, tb)
    expected = np.matmul(x, y).tobytes()
    for n in (2, 3):
        with workers.using(n):
            assert products.split_product(np, np.matmul, x, y).tobytes() == expected
            out = np.full((shape[0], shape[2]), np.nan, dtype)
            assert products.split_product(np, np.matmul, x, y, out) is out
            assert out.tobytes() == expected
    assert counted  # it did split


def test_stacks_split_over_whole_matrices(counted):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 300, 400)).astype(np.float32)
    y = rng.standard_normal((6, 400, 500)).astype(np.float32)
    with workers.using(2):
        got = products.split_product(np, np.matmul, x, y)
    assert got.tobytes() == np.matmul(x, y).tobytes()
    assert counted == [6]


@pytest.mark.parametrize("case", ["one participant", "small", "x @ x.T", "integer",
                                  "broadcast stack", "few rows"])
def test_what_does_not_split(counted, case):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1024, 1024)).astype(np.float32)
    y = rng.standard_normal((1024, 512)).astype(np.float32)
    n = 2
    if case == "one participant":
        n = 1
    elif case == "small":
        x, y = x[:64, :256], y[:256, :256]
    elif case == "x @ x.T":  # numpy makes it one symmetric product, summed in its own order
        y = x.T
    elif case == "integer":
        x, y = x.astype(np.int32)[:300], y.astype(np.int32)
    elif case == "broadcast stack":
        x, y = x.reshape(4, 256, 1024), y[None].repeat(1, 0)
    else:
        x = x[:100]
    with workers.using(n):
        got = products.split_product(np, np.matmul, x, y)
    assert got.tobytes() == np.matmul(x, y).tobytes()
    assert counted == []
