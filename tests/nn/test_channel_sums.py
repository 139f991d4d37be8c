"""ops/op_util.channel_sums, behind bias gradients and NHWC batch-norm statistics: per-channel
sums over rows folded side by side, against float64 sums, for row counts the folding divides
and does not, empty tensors, and dtypes it leaves to xp.sum. And ops/op_util.per_channel (a
per-channel vector broadcast over folded rows: bias adds, batch norm's passes, ReLU): the same
bits as numpy's broadcast, whatever the layout."""

import numpy as np
import pytest

import minitf as tf
from minitf.ops.op_util import broadcast_fold, channel_sums, per_channel


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


@pytest.mark.parametrize("shape", [(128, 28, 28, 32), (16, 14, 14, 64), (3, 5, 7), (7, 3),
                                   (512, 256), (1, 1), (0, 4), (4, 0), (5,)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_per_channel_gives_numpys_broadcast_bit_for_bit(shape, dtype):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(shape).astype(dtype)
    a.flat[::7] = np.nan
    a.flat[1::11] = -0.0
    v = rng.standard_normal(shape[-1]).astype(dtype)
    for ufunc in (np.add, np.subtract, np.multiply, np.maximum):
        want = ufunc(a, v)
        got = per_channel(np, ufunc, a, v)
        assert got.shape == a.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        assert np.array_equal(np.signbit(got), np.signbit(want))
        out = np.full_like(a, 7)
        assert per_channel(np, ufunc, a, v, out) is out
        np.testing.assert_array_equal(out, want)
        inplace = a.copy()
        per_channel(np, ufunc, inplace, v, inplace)
        np.testing.assert_array_equal(inplace, want)
        if a.ndim > 1:  # a transposed view and a strided out: numpy's own broadcast
            t = a[..., ::-1]
            np.testing.assert_array_equal(per_channel(np, ufunc, t, v), ufunc(t, v))
            wide = np.zeros(shape[:-1] + (2 * shape[-1],), dtype)
            per_channel(np, ufunc, a, v, wide[..., ::2])
            np.testing.assert_array_equal(wide[..., ::2], want)


def test_per_channel_folds_contiguous_channels_into_long_rows():
    a = np.zeros((128, 28, 28, 32), np.float32)
    v = np.zeros(32, np.float32)
    k = broadcast_fold(a, v)
    assert k * 32 >= 8192 and (a.size // 32) % k == 0
    assert broadcast_fold(a[..., ::-1], v) == 1  # not contiguous
    assert broadcast_fold(a, v, np.zeros((128, 28, 28, 64), np.float32)[..., :32]) == 1
    assert broadcast_fold(a, np.zeros(1, np.float32)) == 1  # not one value per channel
    assert broadcast_fold(np.zeros((7, 3), np.float32), np.zeros(3, np.float32)) == 1


def test_relu_and_bias_add_over_narrow_channels_keep_their_bits():
    # LeNet's first block: 32 channels, ReLU and bias add folded into long rows (NaN, -0.0
    # and ties as numpy's maximum and add give them)
    rng = np.random.default_rng(2)
    xv = rng.standard_normal((4, 6, 6, 3)).astype(np.float32)
    xv.flat[::5] = np.nan
    xv.flat[1::7] = -0.0
    bv = rng.standard_normal(3).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 6, 6, 3])
    b = tf.constant(bv)
    ys = [tf.nn.relu(x), tf.nn.bias_add(x, b), tf.nn.relu(tf.transpose(x, [0, 2, 1, 3]))]
    with tf.Session() as sess:
        got = sess.run(ys, {x: xv})
    wants = [np.maximum(xv, 0), xv + bv, np.maximum(xv.transpose(0, 2, 1, 3), 0)]
    for g, w in zip(got, wants):
        np.testing.assert_array_equal(g, w)
        assert np.array_equal(np.signbit(g), np.signbit(w))
