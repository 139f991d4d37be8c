"""Convolution, pooling and batch-norm kernels split over workers (op_util.each_tile) give
bit for bit the results of the same kernels run in one thread: odd batch sizes, tile
boundaries (tiny tile bounds, so a batch makes many tiles), NHWC and NCHW, strides,
dilations, SAME/VALID/explicit padding, several filter-gradient groups. The splitter here runs
the chunks in threads and in a scrambled order, so that nothing may depend on which thread
ran a tile, nor when."""

import threading

import numpy as np
import pytest

from minitf.client.buffers import BufferPool, Workspace
from minitf.ops import conv_ops, norm_ops
from minitf.ops.op_util import each_tile


class Scrambled:
    """A splitter (the interface each_tile uses): `participants()` threads, the chunks of
    size `grain` handed out in reverse order to three threads."""

    def __init__(self, participants=3):
        self.n = participants
        self.calls = 0

    def participants(self):
        return self.n

    def split(self, count, fn, grain=1):
        self.calls += 1
        chunks = [(s, min(s + grain, count)) for s in range(0, count, grain)][::-1]
        lock, errors = threading.Lock(), []

        def worker():
            while True:
                with lock:
                    if not chunks:
                        return
                    start, stop = chunks.pop(0)
                try:
                    fn(start, stop)
                except BaseException as e:  # (re-raised below)
                    errors.append(e)
        threads = [threading.Thread(target=worker) for _ in range(self.n - 1)]
        for t in threads:
            t.start()
        worker()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]


def workspace():
    return Workspace(np, BufferPool())


def both(kernel, *args, **kwargs):
    """(one thread, split) results of kernel(np, *args, work=..., split=...)."""
    alone = kernel(np, *args, work=workspace(), split=None, **kwargs)
    splitter = Scrambled()
    split = kernel(np, *args, work=workspace(), split=splitter, **kwargs)
    return alone, split, splitter.calls


def assert_identical(a, b):
    for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
        assert x.shape == y.shape and x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)


CONV_CASES = [  # (x NHWC shape, filter, strides, padding, dilations)
    ((7, 9, 8, 5), (3, 3, 5, 4), (1, 1), "SAME", (1, 1)),    # as a conv: backprop input
    ((5, 9, 7, 1), (3, 2, 1, 6), (1, 1), "SAME", (1, 1)),    # one channel: transposed tiles
    ((6, 10, 9, 3), (3, 3, 3, 4), (2, 1), "VALID", (1, 1)),  # strides: scatter-add backprop
    ((5, 11, 8, 4), (2, 3, 4, 2), (1, 1), "SAME", (2, 1)),   # dilations
    ((3, 8, 7, 6), (3, 2, 6, 5), (1, 2), "EXPLICIT", (1, 1)),
]


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: "x%s-w%s-%s" % (c[0], c[1], c[3]))
def test_convolution_kernels_split_give_the_one_thread_results(monkeypatch, case,
                                                               data_format):
    x_shape, w_shape, strides, padding, dilations = case
    monkeypatch.setattr(conv_ops, "PARTS_BYTES", 0)  # filter gradient: FILTER_GROUPS groups
    monkeypatch.setattr(conv_ops, "FILTER_GROUPS", 2)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal(w_shape)
    explicit = (0, 0, 1, 2, 0, 1, 0, 0) if padding == "EXPLICIT" else ()
    to_fmt = (lambda a: a.transpose(0, 3, 1, 2).copy()) if data_format == "NCHW" else \
        (lambda a: a)
    four = (lambda h, v: (1, 1, h, v)) if data_format == "NCHW" else (lambda h, v: (1, h, v, 1))
    if explicit and data_format == "NCHW":
        explicit = (0, 0, 0, 0, 1, 2, 0, 1)
    attrs = dict(strides=four(*strides), padding=padding, explicit_paddings=explicit,
                 dilations=four(*dilations), data_format=data_format)
    xf = to_fmt(x)
    oh, ow = conv_ops.Conv2D(**attrs).compute(np, xf, w).shape[1:3] if data_format == "NHWC" \
        else conv_ops.Conv2D(**attrs).compute(np, xf, w).shape[2:4]
    one = oh * ow * w_shape[0] * w_shape[1] * w_shape[2] * 8  # an image's im2col matrix
    monkeypatch.setattr(conv_ops, "COL_BYTES", 2 * one)  # tiles of 2 images: 2 + 2 + ...
    y, y_split, calls = both(conv_ops.Conv2D(**attrs).compute, xf, w)
    assert_identical(y, y_split)
    assert calls == 1  # (a 1x1 product would not split; these all make several tiles)
    dy = rng.standard_normal(y.shape)
    sizes = np.array(xf.shape, np.int32)
    assert_identical(*both(conv_ops.Conv2DBackpropInput(**attrs).compute, sizes, w, dy)[:2])
    dw, dw_split, _ = both(conv_ops.Conv2DBackpropFilter(**attrs).compute, xf,
                           np.array(w_shape, np.int32), dy)
    assert_identical(dw, dw_split)
    # and against the one matrix of the whole batch, to the last bits of the summation order
    monkeypatch.setattr(conv_ops, "COL_BYTES", 1 << 40)
    whole = conv_ops.Conv2DBackpropFilter(**attrs).compute(np, xf, np.array(w_shape, np.int32),
                                                           dy, work=workspace())
    np.testing.assert_allclose(dw, whole, rtol=1e-12, atol=1e-12)


class StaleWorkspace:
    """A Workspace whose arrays start full of NaN (as a kernel before may leave them) and are
    kept from call to call, as the session's are."""

    def __init__(self):
        self.arrays = {}

    def array(self, index, shape, dtype):
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        if index not in self.arrays or self.arrays[index].size < size:
            self.arrays[index] = np.full(size // 8 + 1, np.nan).view(np.uint8)
        return self.arrays[index][:size].view(dtype).reshape(shape)


@pytest.mark.parametrize("splitter", [None, Scrambled], ids=["one-thread", "split"])
def test_padded_tiles_write_their_border_once_per_scratch_set(monkeypatch, splitter):
    # Later tiles in a scratch set copy only their images into the padded buffer, relying on
    # the border a first full tile wrote: with stale NaN scratch, tiles of 2 + 2 + 1 images
    # (the short last one reusing the first images of the buffer) give the whole batch's
    # results.
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 6, 7, 4))
    w = rng.standard_normal((3, 3, 4, 5))
    attrs = dict(strides=(1, 1, 1, 1), padding="SAME")
    dy = rng.standard_normal((5, 6, 7, 5))
    sizes, w_sizes = np.array(x.shape, np.int32), np.array(w.shape, np.int32)
    kernels = [(conv_ops.Conv2D(**attrs).compute, (x, w)),
               (conv_ops.Conv2DBackpropInput(**attrs).compute, (sizes, w, dy)),
               (conv_ops.Conv2DBackpropFilter(**attrs).compute, (x, w_sizes, dy))]
    whole = [fn(np, *args, work=workspace()) for fn, args in kernels]
    monkeypatch.setattr(conv_ops, "COL_BYTES", 2 * 6 * 7 * 9 * 5 * 8)  # 2 + 2 + 1 images
    stale = StaleWorkspace()
    for (fn, args), want in zip(kernels, whole):
        got = fn(np, *args, work=stale, split=splitter and splitter())
        assert not np.isnan(got).any()
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_filter_gradient_groups_are_fixed_by_the_shapes():
    tiles = [slice(i, i + 1) for i in range(22)]
    # partial sums of PARTS_BYTES in all: one group per tile (the one-thread order of old)
    small = conv_ops._filter_groups(tiles, conv_ops.PARTS_BYTES // 22)
    assert small == [[t] for t in tiles]
    # larger ones: FILTER_GROUPS runs of consecutive tiles, as even as possible
    big = conv_ops._filter_groups(tiles, conv_ops.PARTS_BYTES // 2)
    assert [len(g) for g in big] == [3, 3, 3, 3, 3, 3, 2, 2]
    assert [t for g in big for t in g] == tiles
    assert conv_ops._filter_groups(tiles[:3], conv_ops.PARTS_BYTES) == [[t] for t in tiles[:3]]


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("k,strides,padding", [
    ((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"), ((3, 2), (1, 1), "SAME")])
def test_pooling_kernels_split_give_the_one_thread_results(monkeypatch, k, strides, padding,
                                                           data_format):
    monkeypatch.setattr(conv_ops, "POOL_TILE_BYTES", 2 * 9 * 8 * 3 * 4)  # about 2 images
    rng = np.random.default_rng(1)
    x = rng.integers(0, 4, (7, 7, 6, 3)).astype(np.float32)  # ties
    if data_format == "NCHW":
        x = x.transpose(0, 3, 1, 2).copy()
        attrs = dict(ksize=(1, 1, *k), strides=(1, 1, *strides))
    else:
        attrs = dict(ksize=(1, *k, 1), strides=(1, *strides, 1))
    attrs.update(padding=padding, data_format=data_format)
    y, y_split, calls = both(conv_ops.MaxPool(**attrs).compute, x)
    assert_identical(y, y_split)
    assert calls == 1
    dy = rng.standard_normal(y.shape).astype(np.float32)
    assert_identical(*both(conv_ops.MaxPoolGrad(**attrs).compute, x, y, dy)[:2])


@pytest.mark.parametrize("n", [1, 7, 20])
def test_batch_norm_kernels_split_give_the_one_thread_results(monkeypatch, n):
    monkeypatch.setattr(norm_ops, "NORM_TILE_BYTES", 3 * 5 * 6 * 4 * 8)  # 3 images a tile
    rng = np.random.default_rng(2)
    x = rng.standard_normal((n, 5, 6, 4)) * 3 + 1
    scale, offset = rng.standard_normal(4), rng.standard_normal(4)
    empty = np.zeros(0)
    forward = norm_ops.FusedBatchNormV3(epsilon=0.001)
    out, out_split, _ = both(forward.compute, x, scale, offset, empty, empty)
    assert_identical(out, out_split)
    dy = rng.standard_normal(x.shape)
    backprop = norm_ops.FusedBatchNormGradV3(epsilon=0.001)
    grads, grads_split, _ = both(backprop.compute, dy, x, scale, out[3], out[4], out[5])
    assert_identical(grads, grads_split)
    # the tiles' sums, added in order, are the batch's sums to rounding
    mean = x.mean(axis=(0, 1, 2))
    np.testing.assert_allclose(out[3], mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out[4], x.var(axis=(0, 1, 2)), rtol=1e-12)
    np.testing.assert_allclose(grads[2], dy.sum(axis=(0, 1, 2)), rtol=1e-12, atol=1e-12)
    inv = 1 / np.sqrt(out[4] + 0.001)
    np.testing.assert_allclose(grads[1], ((x - mean) * inv * dy).sum(axis=(0, 1, 2)),
                               rtol=1e-10)


def test_each_tile_gives_each_concurrent_caller_its_own_scratch():
    seen = {}
    guard = threading.Lock()
    barrier = threading.Barrier(3, timeout=10)

    def fn(arrays, item):
        if item < 3:
            barrier.wait()  # three tiles at once: three sets in use together
        with guard:
            seen.setdefault(item, arrays[0].__array_interface__["data"][0])
        arrays[0][...] = item
        assert (arrays[0] == item).all()

    split = Scrambled(3)
    split.split = lambda count, run, grain=1: Scrambled.split(split, count, run, grain)
    each_tile(np, workspace(), split, [2, 1, 0, 5, 4, 3], [((64,), np.int64)], fn)
    assert len({seen[i] for i in range(3)}) == 3
    assert sorted(seen) == list(range(6))


@pytest.mark.parametrize("shape", [(9, 5, 3, 8), (37, 16), (1, 4, 4)])
def test_bias_gradient_split_gives_the_one_thread_result(monkeypatch, shape):
    from minitf.ops import nn_ops
    monkeypatch.setattr(nn_ops, "BIAS_TILE_BYTES", 2 * int(np.prod(shape[1:])) * 4)  # 2 rows
    dy = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    alone, split, calls = both(nn_ops.BiasAddGrad().compute, dy)
    assert_identical(alone, split)
    assert calls == (shape[0] > 2)
    np.testing.assert_allclose(alone, dy.astype(np.float64).reshape(-1, shape[-1]).sum(0),
                               rtol=1e-5, atol=1e-5)


def test_a_large_batch_makes_enough_tiles_to_split_evenly():
    from minitf.ops import op_util
    big = op_util.MIN_TILE_BYTES
    assert len(op_util.batch_tiles(128, big // 2, 1 << 40)) == op_util.MIN_TILES  # 16 a tile
    assert op_util.batch_tiles(128, big // 2, big) == [slice(i, i + 2) for i in range(0, 128, 2)]
    assert op_util.batch_tiles(5, big // 4, 1 << 40) == [slice(0, 5)]  # small: one tile
    assert op_util.batch_tiles(3, 10 * big, 1 << 40) == [slice(0, 1), slice(1, 2), slice(2, 3)]
    assert op_util.batch_tiles(0, big, big) == [slice(0, 0)]


@pytest.mark.numpy_engine
def test_a_cnn_step_split_over_the_session_workers_gives_the_one_thread_results(monkeypatch):
    # The kernels of a real session take the workers the thread policy allows the run
    # (ConfigProto's intra_op_parallelism_threads, here); a batch-norm CNN's forward and
    # gradients, bit for bit.
    import minitf as tf
    from minitf import workers
    splits = []
    real = workers.split
    monkeypatch.setattr(workers, "split", lambda count, fn, grain=1: (
        splits.append(count), real(count, fn, grain)))
    tf.reset_default_graph()
    tf.set_random_seed(7)
    rng = np.random.default_rng(5)
    x = tf.constant(rng.random((37, 20, 20, 1), dtype=np.float32))
    h = tf.layers.conv2d(x, 16, 5, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.conv2d(h, 32, 3, padding="same", use_bias=False)
    h = tf.nn.relu(tf.layers.batch_normalization(h, training=True))
    h = tf.layers.max_pooling2d(h, 2, 2, padding="same")
    loss = tf.reduce_sum(tf.square(h))
    fetches = [loss] + tf.gradients(loss, tf.trainable_variables())
    results = []
    for threads in (1, 2):
        config = tf.ConfigProto(intra_op_parallelism_threads=threads)
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            results.append(sess.run(fetches))
        if threads == 1:
            assert not splits
    assert len(splits) >= 8  # conv, pooling and batch-norm kernels and their gradients
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 2e-5), (np.float64, 1e-12)])
def test_batch_norm_native_loops_agree_with_the_numpy_passes(monkeypatch, dtype, rtol):
    """The native tile loops (norm_ops._NATIVE_SOURCE: sums in double, the elementwise maths
    operation for operation) against the numpy passes they replace, forward and backprop,
    channels not a multiple of the vector width, tiles of 3 images."""
    if norm_ops._native(np.float32) is None:
        pytest.skip("no native kernels here (no C++ compiler or MINITF_NATIVE_KERNELS=0)")
    monkeypatch.setattr(norm_ops, "NORM_TILE_BYTES", 3 * 5 * 6 * 13 * 8)
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((10, 5, 6, 13)) * 3 + 1).astype(dtype)
    dy = rng.standard_normal(x.shape).astype(dtype)
    scale = rng.standard_normal(13).astype(dtype)
    offset = rng.standard_normal(13).astype(dtype)
    empty = np.zeros(0, dtype)
    forward = norm_ops.FusedBatchNormV3(epsilon=0.001)
    backprop = norm_ops.FusedBatchNormGradV3(epsilon=0.001)
    results = []
    for native in (True, False):
        if not native:
            monkeypatch.setattr(norm_ops, "_native_tiles", lambda xp, *arrays: None)
        out = forward.compute(np, x, scale, offset, empty, empty)
        grads = backprop.compute(np, dy, x, scale, out[3], out[4], out[5])
        results.append(list(out[:5]) + list(grads[:3]))
    for native, numpy in zip(*results):
        assert native.dtype == numpy.dtype == dtype and native.shape == numpy.shape
        np.testing.assert_allclose(native, numpy, rtol=rtol, atol=rtol)
