"""The faster kernels of the MLP step (docs/performance.md, "The MLP step's kernels") give the
same bits as the plain numpy formula they replace, on special values too."""

import numpy as np
import pytest

import minitf as tf
from minitf.ops import nn_ops

pytestmark = pytest.mark.numpy_engine  # the numpy engine's own bits and plan passes

SPECIAL = [-0.0, 0.0, np.nan, -np.nan, np.inf, -np.inf, 1e-45, -1e-45, 1e-40, -1e-40, 3.0, -3.0,
           65504.0, -2.5e-8]


def special_array(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    values = np.array(SPECIAL, np.float64)
    if np.dtype(dtype).kind in "iu":
        values = np.array([0, 1, -1, 7, -128, 127], np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        base = rng.choice(values, size=int(np.prod(shape))).astype(dtype)
        noise = (rng.standard_normal(base.size) * 3).astype(dtype)
    take = rng.random(base.size) < 0.5
    return np.where(take, base, noise).reshape(shape)


def run_op(fn, *arrays):
    """fn(*placeholders) in a session, fed `arrays` (static shapes unknown but the last axis,
    so the plan's kernels see shapes only at run time)."""
    with tf.Graph().as_default():
        holders = [tf.placeholder(tf.as_dtype(a.dtype), (None,) * (a.ndim - 1) + a.shape[-1:])
                   for a in arrays]
        with tf.Session() as sess:
            return sess.run(fn(*holders), dict(zip(holders, arrays)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32])
@pytest.mark.parametrize("shape", [(7,), (3, 5), (33, 31), (9, 32), (130, 64), (4, 3, 256),
                                   (1, 1000)])
def test_relu_same_bits_as_maximum_with_zero(shape, dtype):
    x = special_array(shape, dtype)
    got = run_op(tf.nn.relu, x)
    want = np.maximum(x, 0)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes()


def test_relu_row_of_zeros_only_for_wide_rows():
    # (what makes the kernel fast; a narrow row keeps the scalar, and a 0-d input works)
    assert nn_ops.RELU_ROW > 8
    assert run_op(tf.nn.relu, np.array([-2.0, 3.0], np.float32)).tolist() == [0.0, 3.0]
    with tf.Graph().as_default(), tf.Session() as sess:
        assert sess.run(tf.nn.relu(tf.constant(-1.5))) == 0.0


def xent_reference(logits, labels):
    """The kernel's formula as it was written before it was made faster."""
    classes = logits.shape[-1]
    flat_labels = labels.reshape(-1)
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    total = np.sum(np.exp(shifted), axis=-1, keepdims=True)
    rows = np.arange(flat_labels.size)
    picked = shifted.reshape(-1, classes)[rows, flat_labels].reshape(labels.shape)
    loss = np.log(total[..., 0]) - picked
    backprop = np.exp(shifted, out=shifted)
    backprop /= total
    backprop.reshape(-1, classes)[rows, flat_labels] -= 1
    return loss, backprop


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("label_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("shape", [(1, 10), (63, 10), (512, 10), (300, 2), (200, 32), (100, 33),
                                   (8, 40, 5), (4, 1000)])
def test_sparse_xent_same_bits_as_before(shape, dtype, label_dtype):
    rng = np.random.default_rng(shape[0])
    logits = (rng.standard_normal(shape) * 4).astype(dtype)
    with np.errstate(invalid="ignore"):
        logits.reshape(-1)[::7] = special_array((logits.size + 6) // 7, dtype)
    logits.reshape(-1)[::13] = -np.inf * (shape[-1] > 2)  # (a row of only -inf gives nan)
    labels = rng.integers(0, shape[-1], shape[:-1]).astype(label_dtype)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.as_dtype(dtype), (None,) * (len(shape) - 1) + shape[-1:])
        y = tf.placeholder(tf.as_dtype(label_dtype), (None,) * (len(shape) - 1))
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x)
        grad, = tf.gradients(tf.reduce_sum(loss), [x])
        with tf.Session() as sess:
            got_loss, got_grad = sess.run([loss, grad], {x: logits, y: labels})
    with np.errstate(all="ignore"):
        want_loss, want_grad = xent_reference(logits, labels)
    # the same bits, but for the sign of a NaN (the row maximum may meet another NaN first)
    for got, want in ((got_loss, want_loss), (got_grad, want_grad)):
        assert np.array_equal(np.isnan(got), np.isnan(want))
        assert got[~np.isnan(got)].tobytes() == want[~np.isnan(want)].tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(512, 10), (300, 2), (200, 32), (8, 40, 5), (100, 33),
                                   (20, 10)])
def test_softmax_same_bits_as_before(shape, dtype):
    """Short rows (native loops over the rows, numpy's exp and numpy's order of each row's sum:
    nn_ops.SHORT_ROWS_MAX_CLASSES) and the others give the plain formula's bits."""
    rng = np.random.default_rng(shape[-1])
    logits = (rng.standard_normal(shape) * 4).astype(dtype)
    logits.reshape(-1)[::11] = special_array((logits.size + 10) // 11, dtype)
    got = run_op(tf.nn.softmax, logits)
    out = np.empty_like(logits)
    with np.errstate(all="ignore"):
        want = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
        want /= np.sum(want, axis=-1, keepdims=True)
        # and into an array of its own given as out=, as a plan passes one
        assert nn_ops.Softmax(-1).compute(np, logits, out=out) is out
    for array in (got, out):
        assert np.array_equal(np.isnan(array), np.isnan(want))
        assert array[~np.isnan(array)].tobytes() == want[~np.isnan(want)].tobytes()
    loops = nn_ops._short_rows(np, logits)
    if nn_ops._short_rows_loops(logits.dtype) is not None:  # (a compiler here)
        assert (loops is not None) == (logits.size >= nn_ops.SHORT_ROWS_MIN_ELEMENTS
                                       and shape[-1] <= nn_ops.SHORT_ROWS_MAX_CLASSES)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(512, 10), (300, 2), (200, 32), (8, 40, 5), (100, 33),
                                   (20, 10)])
def test_dense_xent_same_bits_as_before(shape, dtype):
    """softmax_cross_entropy_with_logits over short rows (nn_ops._xent_short_rows) and the
    others: the plain formula's bits, soft labels and special values among the logits."""
    rng = np.random.default_rng(shape[0] + 1)
    logits = (rng.standard_normal(shape) * 4).astype(dtype)
    logits.reshape(-1)[::13] = special_array((logits.size + 12) // 13, dtype)
    labels = rng.random(shape).astype(dtype)
    labels /= labels.sum(axis=-1, keepdims=True)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.as_dtype(dtype), (None,) * (len(shape) - 1) + shape[-1:])
        y = tf.placeholder(tf.as_dtype(dtype), x.shape)
        loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=x)
        grad, = tf.gradients(tf.reduce_sum(loss), [x])
        with tf.Session() as sess:
            got_loss, got_grad = sess.run([loss, grad], {x: logits, y: labels})
    with np.errstate(all="ignore"):
        shifted = logits - np.max(logits, axis=-1, keepdims=True)
        total = np.sum(np.exp(shifted), axis=-1, keepdims=True)
        want_loss = np.sum((np.log(total) - shifted) * labels, axis=-1)
        want_grad = np.exp(shifted) / total - labels
    for got, want in ((got_loss, want_loss), (got_grad, want_grad)):
        assert np.array_equal(np.isnan(got), np.isnan(want))
        assert got[~np.isnan(got)].tobytes() == want[~np.isnan(want)].tobytes()


@pytest.mark.parametrize("bad", [-1, 10, 2 ** 31 - 1])
def test_sparse_xent_labels_out_of_range_still_named(bad):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, (None, 10))
        y = tf.placeholder(tf.int32, (None,))
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x)
        with tf.Session() as sess:
            labels = np.zeros(100, np.int32)
            labels[37] = bad
            with pytest.raises(tf.errors.InvalidArgumentError, match="label value of %d" % bad):
                sess.run(loss, {x: np.zeros((100, 10), np.float32), y: labels})


@pytest.mark.parametrize("shape", [(512, 256), (4096, 1024), (3000, 100), (64, 7, 7, 64)])
def test_bias_grad_one_thread_sums_tiles_in_the_same_order(shape):
    from minitf import workers
    from minitf.client.buffers import BufferPool
    from minitf.ops.op_util import batch_tiles, channel_sums, ordered_sum
    dy = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    kernel = nn_ops.BiasAddGrad()
    tiles = batch_tiles(dy.shape[0], dy[:1].nbytes, nn_ops.BIAS_TILE_BYTES)
    want = ordered_sum([channel_sums(np, dy[t]) for t in tiles])
    one = kernel.compute(np, dy, work=BufferPool().workspace(np), split=None)
    with workers.using(2):
        two = kernel.compute(np, dy, work=BufferPool().workspace(np), split=workers)
    assert one.tobytes() == want.tobytes() == two.tobytes()
    assert len(tiles) > 1 or shape == (64, 7, 7, 64)
