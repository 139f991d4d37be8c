"""ops/op_util.channel_sums, behind bias gradients and NHWC batch-norm statistics: per-channel
sums over rows folded side by side, against float64 sums, for row counts the folding divides
and does not, empty tensors, and dtypes it leaves to xp.sum."""

import numpy as np
import pytest

from minitf.ops.op_util import channel_sums


@pytest.mark.parametrize("shape", [(128, 28, 28, 32), (64, 7, 7, 64), (3, 5, 7), (7, 3),
                                   (1000, 10), (1, 1), (0, 4), (4, 0), (2, 3, 0, 5)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_channel_sums_match_float64_sums(shape, dtype):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape).astype(dtype)
    b = rng.standard_normal(shape).astype(dtype)
    axes = tuple(range(len(shape) - 1))
    for got, want in [(channel_sums(np, a), a.astype(np.float64).sum(axes)),
                      (channel_sums(np, a, b), (a.astype(np.float64) * b).sum(axes))]:
        assert got.shape == (shape[-1],) and got.dtype == dtype
        # float32: several accumulators of ~1e4 terms each, about 1e-6 of the terms' scale
        tol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got, want, rtol=0, atol=tol * np.sqrt(a.size + 1))


def test_other_dtypes_sum_as_numpy_does():
    a = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    got = channel_sums(np, a)
    np.testing.assert_array_equal(got, a.sum((0, 1)))
    assert got.dtype == a.sum((0, 1)).dtype
    h = np.linspace(-1, 1, 60, dtype=np.float16).reshape(3, 4, 5)
    np.testing.assert_array_equal(channel_sums(np, h), h.sum((0, 1)))
