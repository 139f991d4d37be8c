"""Run under mpiexec by test_horovod.py: every collective against numpy, on every rank."""

import sys

import numpy as np

import minitf as tf
import minitf.horovod as hvd


def main():
    hvd.init()
    r, n = hvd.rank(), hvd.size()
    assert 0 <= hvd.local_rank() < hvd.local_size() <= n

    def value(rank, shape, dtype):
        rng = np.random.default_rng(rank)
        return (rng.standard_normal(shape) * 10).astype(dtype)

    checks = []
    for dtype in ("float32", "float64", "int32", "int64", "float16", "uint8"):
        for shape in ((), (0,), (3,), (2, 5), (4, 0, 2)):
            x = tf.placeholder(dtype, shape)
            checks.append(("sum", dtype, shape, x, hvd.allreduce(x, op=hvd.Sum)))
            if dtype.startswith("float"):
                checks.append(("average", dtype, shape, x, hvd.allreduce(x)))
            checks.append(("broadcast", dtype, shape, x, hvd.broadcast(x, n - 1)))
            if shape:
                checks.append(("allgather", dtype, shape, x, hvd.allgather(x)))
    grouped_in = [tf.placeholder("float32", s) for s in ((3,), (2, 2), ())]
    grouped = hvd.grouped_allreduce(grouped_in)
    lone_in = tf.placeholder("float32", (2, 3))  # a group of one (a one-variable model's)
    lone_group = hvd.grouped_allreduce([lone_in])
    fp16_in = tf.placeholder("float32", (1000,))
    fp16_out = hvd.allreduce(fp16_in, compression=hvd.Compression.fp16)
    ragged = tf.placeholder("float64", (None, 2))
    ragged_out = hvd.allgather(ragged)
    # The ops hand back views of their own persistent buffers: two ops in one run must not
    # share one, a fetched value must not change with the next run, a strided input (a
    # transpose) is packed, not sent as it lies in memory.
    p, q = tf.placeholder("float32", (3, 4)), tf.placeholder("float32", (5,))
    first = hvd.grouped_allreduce([p, q], op=hvd.Sum)
    second = hvd.grouped_allreduce([p * 2, q * 2], op=hvd.Sum)
    combined = first[0] + second[0] * 10  # read after both ops ran
    strided = hvd.allreduce(tf.transpose(p), op=hvd.Sum)
    # Collectives the ranks come to expect (the same one agreed on twice in a row: its data
    # then goes without an agreement round, see basics._Expectation): two dtypes (two fusion
    # buffers, the flag element after the first), integers, and a lone small tensor.
    e32, e64 = tf.placeholder("float32", (4, 3)), tf.placeholder("float64", (5,))
    ei = tf.placeholder("int32", (6,))
    expected_ops = {"mixed": hvd.grouped_allreduce([e32, e64, e32 * 3]),
                    "ints": hvd.grouped_allreduce([ei, ei * 2], op=hvd.Sum),
                    "lone": hvd.allreduce(e32, op=hvd.Sum)}

    with tf.Session() as sess:
        feed = {x: value(r, s, d) for _, d, s, x, _ in checks}
        got = sess.run([out for *_, out in checks], feed)
        for (kind, dtype, shape, x, out), g in zip(checks, got):
            everyone = [value(k, shape, dtype) for k in range(n)]
            if kind == "sum":
                want = sum(e.astype("float64") for e in everyone).astype(dtype) \
                    if dtype != "uint8" else sum(everyone).astype(dtype)
            elif kind == "average":
                want = sum(e.astype("float64") for e in everyone) / n
            elif kind == "broadcast":
                want = everyone[n - 1]
            else:
                want = np.concatenate(everyone)
            assert g.dtype == np.dtype(want.dtype) or kind == "average", (kind, dtype, g.dtype)
            assert g.shape == want.shape, (kind, dtype, shape, g.shape, want.shape)
            tol = 2e-2 if dtype == "float16" else 1e-6
            np.testing.assert_allclose(g.astype("float64"), want.astype("float64"),
                                       rtol=tol, atol=tol, err_msg="%s %s %s" % (kind, dtype, shape))

        gvals = [value(r, s.shape.as_list(), "float32") for s in grouped_in]
        gout = sess.run(grouped, dict(zip(grouped_in, gvals)))
        for i, g in enumerate(gout):
            want = sum(value(k, grouped_in[i].shape.as_list(), "float32").astype("float64")
                       for k in range(n)) / n
            np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-6)
        lone_got = sess.run(lone_group, {lone_in: value(r, (2, 3), "float32")})
        assert len(lone_got) == 1 and lone_got[0].shape == (2, 3)
        np.testing.assert_allclose(lone_got[0], sum(value(k, (2, 3), "float32").astype(
            "float64") for k in range(n)) / n, rtol=1e-6, atol=1e-6)

        base = np.linspace(-3, 3, 1000).astype("float32")
        got16 = sess.run(fp16_out, {fp16_in: base * (r + 1)})
        assert got16.dtype == np.float32
        want16 = base * sum(range(1, n + 1)) / n
        np.testing.assert_allclose(got16, want16, rtol=2e-3, atol=2e-3)  # float16's 11 bits
        assert not np.array_equal(got16, want16.astype("float32")) or n == 1

        mine = np.full((r + 1, 2), r, "float64")  # rank r sends r+1 rows
        rows = sess.run(ragged_out, {ragged: mine})
        assert rows.shape == (n * (n + 1) // 2, 2), rows.shape
        assert rows[:, 0].tolist() == [k for k in range(n) for _ in range(k + 1)]
        ranks = sum(range(1, n + 1))
        for step in (1, 2):
            pv = np.arange(12, dtype="float32").reshape(3, 4) * (r + 1) * step
            qv = np.ones(5, "float32") * (r + 1) * step
            fetched = sess.run([first, combined, strided, second], {p: pv, q: qv})
            base = np.arange(12, dtype="float32").reshape(3, 4) * ranks * step
            np.testing.assert_array_equal(fetched[0][0], base)
            np.testing.assert_array_equal(fetched[0][1], np.ones(5) * ranks * step)
            np.testing.assert_array_equal(fetched[1], base * 21)
            np.testing.assert_array_equal(fetched[2], base.T)
            np.testing.assert_array_equal(fetched[3][1], np.ones(5) * ranks * step * 2)
            if step == 1:
                kept = fetched
        np.testing.assert_array_equal(kept[0][0], np.arange(12).reshape(3, 4) * ranks)
        np.testing.assert_array_equal(kept[3][0], np.arange(12).reshape(3, 4) * ranks * 2)

        def expected_step(which, step):
            f32 = np.arange(12, dtype="float32").reshape(4, 3) * (r + 1) + step
            f64 = np.linspace(0, 1, 5) * (r + 1) - step
            iv = np.arange(6, dtype="int32") * (r + 1) + step
            got = sess.run(expected_ops[which], {e32: f32, e64: f64, ei: iv})
            sum32 = np.arange(12, dtype="float32").reshape(4, 3) * ranks + n * step
            if which == "mixed":
                np.testing.assert_allclose(got[0], sum32 / n, rtol=1e-6)
                np.testing.assert_allclose(got[1], (np.linspace(0, 1, 5) * ranks - n * step) / n,
                                           rtol=1e-12, atol=1e-12)
                np.testing.assert_allclose(got[2], sum32 * 3 / n, rtol=1e-6)
            elif which == "ints":
                want = np.arange(6, dtype="int32") * ranks + n * step
                np.testing.assert_array_equal(got[0], want)
                np.testing.assert_array_equal(got[1], want * 2)
            else:
                np.testing.assert_array_equal(got, sum32)

        job = hvd.basics._job
        for which in ("mixed", "ints", "lone"):
            # 20 steps: a run long enough to pay for the miss that ends it (the next op then
            # is expected after 2 agreed steps again)
            fast = job.fast_steps
            for step in range(20):
                expected_step(which, step)
            assert job.fast_steps - fast == (18 if n > 1 else 0), (which, job.fast_steps - fast)
        # a broadcast between expected steps: every rank declines the expectation, then agrees
        misses = job.misses
        assert sess.run(hvd.broadcast(tf.constant([r, 7]), 0)).tolist() == [0, 7]
        assert job.misses == misses + (n > 1)
        expected_step("mixed", 9)
        # collectives that alternate are never expected: no step goes without agreement
        fast = job.fast_steps
        for step in range(6):
            expected_step("mixed" if step % 2 else "ints", step)
        assert job.fast_steps == fast, job.fast_steps - fast
    print("collectives OK on rank %d of %d (%d checks)" % (r, n, len(checks) + 3))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
