"""The session's buffer pool: large intermediates are reused between and within runs, memory
stays bounded by what is alive at once, and a pooled array is never handed out while anything
(a view, a fetched result, a variable) still refers to it."""

import numpy as np
import pytest

import minitf as tf
from minitf.client import buffers
from minitf.ops import gemm

pytestmark = [pytest.mark.usefixtures("fresh_graph"), pytest.mark.numpy_engine]

N = 1 << 20  # 4 MB of float32: above the pooling threshold


def pooled_bytes(sess):
    return sum(a.nbytes for free in sess._state.buffers._free.values() for a in free)


def count_takes(sess, record=lambda key, buf: key):
    """The list of record(key, array) of each array the session's pool hands out, from now."""
    pool = sess._state.buffers
    taken = []
    original = pool.take

    def take(key):
        buf = original(key)
        if buf is not None:
            taken.append(record(key, buf))
        return buf
    pool.take = take
    return taken


def test_a_long_chain_holds_only_what_is_alive_at_once():
    x = tf.placeholder(tf.float32, (N,))
    y = x
    for _ in range(30):
        y = tf.sin(y) + 1.0
    total = tf.reduce_sum(y)
    value = np.linspace(0, 1, N, dtype=np.float32)
    want = value
    for _ in range(30):
        want = np.sin(want) + np.float32(1)
    with tf.Session() as sess:
        for _ in range(3):
            got = sess.run(total, {x: value})
            assert got == pytest.approx(float(want.sum(dtype=np.float64)), rel=1e-5)
            # 60 intermediates of 4 MB each were computed; at most a few are kept for reuse.
            assert pooled_bytes(sess) <= 3 * 4 * N


def test_arrays_are_reused_across_runs():
    x = tf.placeholder(tf.float32, (None,))
    y = tf.exp(x) * 2.0 - 1.0
    total = tf.reduce_sum(y)
    with tf.Session() as sess:
        taken = count_takes(sess)
        sess.run(total, {x: np.zeros(N, np.float32)})
        assert not taken  # the first run allocates
        first = len(taken)
        got = sess.run(total, {x: np.ones(N, np.float32)})
        assert len(taken) > first
        assert got == pytest.approx((np.exp(1.0) * 2 - 1) * N, rel=1e-5)
        # a new batch size: the shapes no longer match, so nothing stale is written into
        got = sess.run(total, {x: np.ones(N // 2, np.float32)})
        assert got == pytest.approx((np.exp(1.0) * 2 - 1) * N / 2, rel=1e-5)


def test_a_pooled_array_that_is_still_viewed_or_fetched_is_not_reused():
    x = tf.placeholder(tf.float32, (N,))
    y = tf.exp(x)                      # pooled op
    flat = tf.reshape(y, [-1, 2])      # a view of y's array, used after y's last use
    z = tf.sin(x) * 3.0                # pooled ops that would like y's array
    out = tf.reduce_sum(flat, axis=1)[:3] + tf.reduce_sum(z)
    with tf.Session() as sess:
        for seed in range(3):
            v = np.random.default_rng(seed).uniform(-1, 1, N).astype(np.float32)
            y_val, got = sess.run([y, out], {x: v})
            want = np.exp(v).reshape(-1, 2).sum(axis=1)[:3] + (np.sin(v) * 3).sum()
            np.testing.assert_allclose(got, want, rtol=1e-4)
            np.testing.assert_allclose(y_val, np.exp(v), rtol=1e-6)
            kept = y_val.copy()
            sess.run(out, {x: -v})      # a later run must not write into a fetched result
            np.testing.assert_array_equal(y_val, kept)


def test_variables_never_share_storage_with_the_pool():
    x = tf.placeholder(tf.float32, (N,))
    v = tf.Variable(np.zeros(N, np.float32))
    update = v.assign(tf.exp(x) * 2.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(update, {x: np.zeros(N, np.float32)})
        sess.run(tf.reduce_sum(tf.exp(x) * 5.0), {x: np.ones(N, np.float32)})
        np.testing.assert_allclose(sess.run(v)[:5], 2.0)


def taken_arrays(sess):
    """The ids of the arrays the session's pool hands out, in order (give is left alone: its
    reference count check must see the plan's own call)."""
    pool, taken = sess._state.buffers, []
    take = pool.take

    def recording_take(key):
        buf = take(key)
        if buf is not None:
            taken.append(id(buf))
        return buf
    pool.take = recording_take
    return taken


def test_bias_add_and_relu_write_into_the_product_they_read():
    # An elementwise op that is the last reader of a pooled input gets that input's array as
    # its output: a layer's matmul and its bias add and relu share one buffer (before: two).
    rows, cols = 1024, N // 1024
    x = tf.placeholder(tf.float32, (None, 64))
    wv = np.random.default_rng(0).standard_normal((64, cols)).astype(np.float32)
    bv = np.linspace(-1, 1, cols, dtype=np.float32)
    w, b = tf.constant(wv), tf.constant(bv)
    h = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, w), b))
    total = tf.reduce_sum(h)
    gw, = tf.gradients(tf.reduce_sum(h * h), [w])
    value = np.random.default_rng(1).standard_normal((rows, 64)).astype(np.float32)
    want_h = np.maximum(value @ wv + bv, 0)
    want_gw = value.T @ (2 * want_h)
    compiled = gemm.kernel() is not None
    with tf.Session() as sess:
        taken = taken_arrays(sess)
        for run in range(3):
            del taken[:]
            got = sess.run(total, {x: value})
            assert got == pytest.approx(float(want_h.sum(dtype=np.float64)), rel=1e-5)
            if run and compiled:  # (the first run learns the shapes and allocates)
                # the product, bias add and relu are one step (plan.fuse_matmul_bias) that
                # writes the relu's output alone: from the third run on it draws the array the
                # previous run kept
                assert len(taken) == (0 if run == 1 else 1)
            elif run:
                # the product goes back before the bias add and relu (one step:
                # plan.fuse_bias_relu), which takes it: one array; from the third run on the
                # product draws it too (the previous run kept it)
                assert len(taken) == (1 if run == 1 else 2) and len(set(taken)) == 1
            # the relu's output, which no later step could use, is kept for the next run (4 MB:
            # malloc would fault its pages in afresh) once a run has asked for that shape
            assert pooled_bytes(sess) == (4 * N if run else 0)
    with tf.Session() as sess:
        for _ in range(3):  # the gradient's relu runs in place too
            np.testing.assert_allclose(sess.run(gw, {x: value}), want_gw, rtol=1e-4, atol=1e-2)


def test_arrays_from_4_mib_are_kept_for_the_next_run():
    x = tf.placeholder(tf.float32, (None,))
    y = tf.exp(x) * 2.0
    total = tf.reduce_sum(y)
    with tf.Session() as sess:
        for _ in range(2):
            sess.run(total, {x: np.zeros(N // 2, np.float32)})
        assert pooled_bytes(sess) == 0  # 2 MB: left to malloc
        for _ in range(2):
            sess.run(total, {x: np.zeros(N, np.float32)})
        assert pooled_bytes(sess) == 4 * N  # 4 MB: kept, one array in place through the run
        big = 9 * N  # 36 MB of float32: above glibc's 32 MB mmap ceiling
        for _ in range(2):
            assert sess.run(total, {x: np.ones(big, np.float32)}) == pytest.approx(
                2 * np.exp(1.0) * big, rel=1e-4)
        assert pooled_bytes(sess) == 4 * big  # one array, in place through the whole run


def address(a):
    return a.__array_interface__["data"][0]


def test_large_pooled_arrays_start_on_a_cache_line():
    x = tf.placeholder(tf.float32, (None, 1024))
    w = tf.constant(np.full((1024, 1024), 1e-3, np.float32))
    h = tf.nn.relu(tf.matmul(x, w) + 1.0)
    total = tf.reduce_sum(h)
    value = np.ones((1024, 1024), np.float32)
    with tf.Session() as sess:
        pool = sess._state.buffers
        # (addresses, not the arrays: the pool keeps only unshared ones)
        seen = count_takes(sess, lambda key, buf: address(buf))
        for run in range(4):
            assert sess.run(total, {x: value}) == pytest.approx(2.024 * 1024 * 1024, rel=1e-4)
            kept = [a for free in pool._free.values() for a in free]
            if run:  # the first run's own arrays were left to malloc, the second drew aligned
                assert kept and all(address(a) % buffers.ALIGN == 0 for a in kept)
        assert seen and all(a % buffers.ALIGN == 0 for a in seen)


def test_an_aligned_array_is_kept_only_while_nothing_else_sees_its_memory(monkeypatch):
    pool = buffers.BufferPool()
    a = buffers.aligned_empty((1024, 1024), np.float32)
    assert address(a) % buffers.ALIGN == 0 and a.base is not None
    other = a.reshape(-1)  # another view of the same memory, alive
    pool.give(a)
    assert pool.take(((1024, 1024), np.dtype(np.float32))) is None
    del other
    pool.give(a)
    assert pool.take(((1024, 1024), np.dtype(np.float32))) is a
    part = a[:10]  # a view of part of an array: its memory is not all its own
    del a
    pool.give(part)
    assert pool.take(((10, 1024), np.dtype(np.float32))) is None
    # an unaligned array of 4 MiB or more is left to malloc, a smaller one kept
    # Where malloc places a large array differs between machines (16 bytes past a page with
    # glibc's mmap, but CI has seen cache-line-aligned ones), so the alignment asked for is
    # raised until this array misses it.
    big = np.empty(N, np.float32)
    lowest_bit = address(big) & -address(big)
    monkeypatch.setattr(buffers, "ALIGN", max(buffers.ALIGN, 2 * lowest_bit))
    assert address(big) % buffers.ALIGN
    pool.give(big)
    assert pool.take(((N,), np.dtype(np.float32))) is None
    small = np.empty(1000, np.float32)
    pool.give(small)
    assert pool.take(((1000,), np.dtype(np.float32))) is small
