"""The compiled float32 product (minitf/ops/gemm.py): right against float64 products for every
layout and edge, the same bits at every thread count, declined where it cannot take the arrays,
used by MatMul, and safe with two callers and after a fork."""

import multiprocessing
import sysconfig
import threading
import time

import numpy as np
import pytest

import minitf as tf
from minitf.client import threads
from minitf.ops import gemm

pytestmark = pytest.mark.numpy_engine

product = gemm.kernel()
needs_kernel = pytest.mark.skipif(product is None, reason="no compiled product here (no "
                                  "AVX-512, no C++ compiler or MINITF_NATIVE_KERNELS=0)")


@pytest.fixture
def small_products(monkeypatch):
    """Lets small products through, so that the edges are cheap to test."""
    monkeypatch.setattr(gemm, "NATIVE_MACS", 1)
    monkeypatch.setattr(gemm, "MIN_ROWS", 1)
    monkeypatch.setattr(gemm, "MIN_DEPTH", 1)


@pytest.fixture
def thread_count():
    before = gemm.threads(), gemm.stealing()
    yield gemm.set_threads
    gemm.set_threads(*before)


# threads of the products, and whether they run stealing (C's run_steal: products of one block
# of K and of columns, the others on the caller alone)
MODES = [(1, False), (2, False), (2, True)]


def operands(rng, m, k, n, layout):
    a = rng.standard_normal((k, m), np.float32).T if "ta" in layout else \
        rng.standard_normal((m, k), np.float32)
    b = rng.standard_normal((n, k), np.float32).T if "tb" in layout else \
        rng.standard_normal((k, n), np.float32)
    if "strided" in layout:  # every other column of a wider array
        a = np.repeat(a, 2, axis=1)[:, ::2]
        b = np.repeat(b, 2, axis=1)[:, ::2]
    return a, b


def check(a, b, out):
    exact = a.astype(np.float64) @ b.astype(np.float64)
    scale = np.sqrt(a.shape[1]) * np.abs(a).max() * np.abs(b).max()
    np.testing.assert_allclose(out, exact, rtol=0, atol=4 * np.finfo(np.float32).eps * scale)


# rows not a multiple of the row tiles (6 or 12; 8 and 24 for products narrower than 32
# columns), columns not of the 64-, 32- or 16-column ones (the main tile, gemm.TILE_VECTORS, and
# the 12x32 one below its width), K over several blocks (gemm.K_BLOCK: 384 or 1024), the last
# one shorter (1025 or 2100), and K of one element
SHAPES = [(1, 1, 1), (13, 7, 33), (100, 37, 45), (12, 1024, 32), (25, 1025, 95), (97, 2100, 31),
          (300, 1, 70), (5, 3000, 200), (50, 300, 10), (49, 1100, 16), (30, 40, 17), (7, 9, 1)]


@needs_kernel
@pytest.mark.parametrize("layout", ["", "ta", "tb", "ta tb", "strided"])
@pytest.mark.parametrize("m,k,n", SHAPES)
def test_products_are_right_for_every_layout_and_edge(small_products, thread_count, layout,
                                                       m, k, n):
    rng = np.random.default_rng(m * 7 + k * 3 + n)
    a, b = operands(rng, m, k, n, layout)
    for count, steal in MODES:
        thread_count(count, steal)
        out = product(a, b)
        assert out.dtype == np.float32 and out.shape == (m, n)
        check(a, b, out)


@needs_kernel
@pytest.mark.parametrize("layout", ["", "ta", "tb", "strided"])
def test_narrow_products_give_the_bits_of_the_wide_kernel(small_products, layout):
    """Products under 32 columns take another tile (and read A in place) with the same sums:
    their columns come out as those of a wider product, bit for bit."""
    rng = np.random.default_rng(7)
    a, b = operands(rng, 61, 1500, 70, layout)
    wide = product(a, b)
    for n in (1, 10, 16, 31):
        assert product(a, b[:, :n]).tobytes() == np.ascontiguousarray(wide[:, :n]).tobytes()


@needs_kernel
def test_the_output_array_given_is_written_even_a_view_with_rows_apart(small_products):
    rng = np.random.default_rng(1)
    a, b = operands(rng, 40, 50, 60, "")
    wide = np.full((40, 100), 7.0, np.float32)
    assert product(a, b, wide[:, 20:80]) is not None
    check(a, b, wide[:, 20:80])
    assert (wide[:, :20] == 7).all() and (wide[:, 80:] == 7).all()


@needs_kernel
@pytest.mark.parametrize("m,k,n,layout", [(4096 // 4, 1024, 1024, ""), (256, 4096, 256, "ta"),
                                          (999, 777, 130, "tb"), (4096, 1024, 10, ""),
                                          (1024, 4096, 10, "ta")])
def test_the_same_bits_at_every_thread_count(thread_count, m, k, n, layout):
    rng = np.random.default_rng(3)
    a, b = operands(rng, m, k, n, layout)
    results = []
    for count, steal in MODES + [(3, False), (3, True), (1, False)]:
        thread_count(count, steal)
        results.append(product(a, b).tobytes())
    assert all(r == results[0] for r in results)
    check(a, b, np.frombuffer(results[0], np.float32).reshape(m, n))


@needs_kernel
def test_special_values_follow_the_sums(small_products):
    a = np.ones((20, 40), np.float32)
    b = np.ones((40, 50), np.float32)
    a[3, 5] = np.inf
    a[4, 6] = np.nan
    b[7, 9] = -np.inf
    out = product(a, b)
    with np.errstate(invalid="ignore"):  # (inf - inf in the float64 product)
        exact = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(exact))
    finite = np.isfinite(exact)
    np.testing.assert_array_equal(out[~finite & ~np.isnan(exact)],
                                  exact[~finite & ~np.isnan(exact)])
    np.testing.assert_array_equal(out[finite], exact[finite])


@needs_kernel
def test_what_it_cannot_take_is_declined():
    rng = np.random.default_rng(2)
    a, b = operands(rng, 256, 512, 256, "")
    assert product(a.astype(np.float64), b.astype(np.float64)) is None  # numpy's then
    assert product(a[:100], b) is None  # fewer rows than MIN_ROWS: OpenBLAS is as fast
    assert product(a[:, :2], b[:2]) is None  # ... or a sum of two terms
    out = np.empty((256, 256), np.float32)
    assert product(a, b, out.T) is None  # rows of the output not contiguous
    square = rng.standard_normal((256, 256), np.float32)
    assert product(square, square, square) is None  # the output is an input
    assert product(a, b, np.empty((256, 256), np.float64)) is None


@needs_kernel
def test_two_callers_at_once_each_get_their_product(thread_count):
    thread_count(2)
    rng = np.random.default_rng(4)
    pairs = [operands(rng, 512, 600 + 10 * i, 256, "") for i in range(4)]
    expected = [product(a, b).tobytes() for a, b in pairs]
    errors = []

    def work(i):
        try:
            for _ in range(20):
                if product(*pairs[i]).tobytes() != expected[i]:
                    errors.append(i)
        except Exception as e:  # (pragma: the assertion below shows it)
            errors.append(e)
    runners = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for r in runners:
        r.start()
    for r in runners:
        r.join()
    assert errors == []


def _child_product(queue):
    rng = np.random.default_rng(5)
    a, b = operands(rng, 512, 784, 256, "")
    gemm.set_threads(2)
    queue.put(gemm.kernel()(a, b).tobytes())


@needs_kernel
def test_a_forked_child_starts_its_own_workers(thread_count):
    thread_count(2)
    rng = np.random.default_rng(5)
    a, b = operands(rng, 512, 784, 256, "")
    mine = product(a, b).tobytes()  # (the parent's workers now exist)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_product, args=(queue,))
    child.start()
    theirs = queue.get(timeout=60)
    child.join(60)
    assert child.exitcode == 0 and theirs == mine


@needs_kernel
def test_matmul_runs_it_and_the_library_stays_at_one_thread(monkeypatch):
    for name in threads.ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    rng = np.random.default_rng(6)
    w_value = rng.standard_normal((784, 256)).astype(np.float32)
    feed = rng.standard_normal((512, 784)).astype(np.float32)
    x = tf.placeholder(tf.float32, (None, 784))
    y = tf.matmul(x, tf.constant(w_value))
    before = gemm.calls[0]
    with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=2)) as sess:
        out = sess.run(y, {x: feed})
        (policy,) = [p for p in sess._plan_threads.values() if p is not None]
        assert policy.native and gemm.threads() == 2
    assert gemm.calls[0] == before + 1
    check(feed, w_value, out)


@needs_kernel
@pytest.mark.parametrize("m,k,n", [(300, 784, 256), (61, 2500, 70), (40, 100, 10), (13, 7, 33)])
def test_the_bias_and_relu_epilogue_gives_the_bits_of_the_two_ops(small_products,
                                                                 thread_count, m, k, n):
    rng = np.random.default_rng(m + k + n)
    a, b = operands(rng, m, k, n, "")
    a[0, 0] = np.nan
    bias = rng.standard_normal(n).astype(np.float32)
    bias[1] = -np.inf
    for count, steal in MODES:
        thread_count(count, steal)
        plain = product(a, b)
        with np.errstate(invalid="ignore"):
            summed = plain + bias
            expected = np.maximum(summed, np.zeros(n, np.float32))
        assert product(a, b, bias=bias).tobytes() == summed.tobytes()
        assert product(a, b, bias=bias, relu=True).tobytes() == expected.tobytes()
    assert product(a, b, bias=bias[:-1]) is None  # (a bias of another length: declined)
    assert product(a, b, bias=bias.astype(np.float64)) is None


@needs_kernel
@pytest.mark.parametrize("m,k,n", [(300, 784, 256), (61, 2500, 70), (40, 1100, 20), (13, 7, 33)])
def test_the_relu_gradient_epilogue_gives_the_bits_of_relu_grad(small_products, thread_count,
                                                                 m, k, n):
    """The mask read as each element is written, after its partial sums over blocks of K
    (2500 and 1100 over 1024), tiles wide and narrow, rows and columns at the tiles' edges."""
    rng = np.random.default_rng(m + k + n + 1)
    a, b = operands(rng, m, k, n, "")
    a[1, 0] = np.nan
    b[0, 1] = np.inf
    features = np.maximum(rng.standard_normal((m, n)).astype(np.float32), 0)
    features[0, :6] = [np.nan, -0.0, 0.0, np.inf, 1e-45, -np.inf]
    features[-1, -1] = -1.0
    for count, steal in MODES:
        thread_count(count, steal)
        plain = product(a, b)
        with np.errstate(invalid="ignore"):
            expected = np.multiply(plain, features > 0)
        assert product(a, b, mask=features).tobytes() == expected.tobytes()
        wide = np.zeros((m, n + 5), np.float32)
        wide[:, :n] = features  # (rows of the mask apart by more than its width)
        assert product(a, b, mask=wide[:, :n]).tobytes() == expected.tobytes()
    assert product(a, b, mask=features[:-1]) is None  # another shape: declined
    assert product(a, b, mask=features.astype(np.float64)) is None
    assert product(a, b, mask=np.asfortranarray(features)) is None
    assert product(a, b, out=features, mask=features) is None  # read after partial writes


@needs_kernel
def test_the_arrays_data_pointers_read_in_c_are_numpys(small_products, monkeypatch):
    """Where kernel() found numpy's data pointer in the array objects, C reads it there
    (gemm._Objects); the products are the same bits as through `.ctypes.data`, for arrays,
    views at an offset, transposed and strided, and an output with rows apart."""
    rng = np.random.default_rng(12)
    big = rng.standard_normal((70, 90), np.float32)
    cases = [(big[:40, :30], big[40:70, 5:25]), (big[3:33, 7:47].T, big[::2, 1:31:2].T[:40]),
             (big[10:50, 60:90], np.ascontiguousarray(big[:30, :20]))]
    results = []
    saved = dict(gemm._state)
    found = gemm._data_offset()
    try:
        for offset in (found, None):
            gemm._state.clear()
            monkeypatch.setattr(gemm, "_data_offset", lambda: offset)
            fn = gemm.kernel()
            assert fn is not None
            outs = []
            for a, b in cases:
                wide = np.full((a.shape[0], b.shape[1] + 3), 7.0, np.float32)
                assert fn(a, b, wide[:, 1:-2], bias=b[0].copy(), relu=True) is not None
                assert fn(a, b, mask=np.ascontiguousarray(b[:1].repeat(a.shape[0], 0)))\
                    is not None
                outs.append(wide.tobytes() + fn(a, b).tobytes())
            results.append(outs)
    finally:
        gemm._state.clear()
        gemm._state.update(saved)
        saved["set"](saved.get("threads", 1), *gemm._spin_and_steal())
    assert results[0] == results[1]
    if gemm.platform.python_implementation() == "CPython" and not \
            sysconfig.get_config_var("Py_GIL_DISABLED"):
        assert found == 2 * np.dtype(np.intp).itemsize  # (found on CPython)


@needs_kernel
@pytest.mark.parametrize("m,k,n,layout", [(300, 784, 256, "ta"), (40, 2100, 70, ""),
                                          (30, 3000, 20, "ta"), (50, 600, 45, "tb"),
                                          (20, 700, 4100, "")])
def test_b_s_column_sums_come_from_its_packing_in_the_order_of_k(small_products, thread_count,
                                                                   m, k, n, layout):
    """Over several blocks of K, narrow and wide tiles, columns past one block of NC (4096),
    B strided: each column summed from k = 0 on, the same bits at every thread count."""
    rng = np.random.default_rng(m + k + n + 2)
    a, b = operands(rng, m, k, n, layout)
    ordered = np.zeros(n, np.float32)
    for row in b:
        ordered += row
    for count, steal in MODES + [(3, False), (3, True)]:
        thread_count(count, steal)
        sums = np.full(n, np.nan, np.float32)  # (zeroed by the product)
        assert product(a, b, sums=sums).tobytes() == product(a, b).tobytes()
        assert sums.tobytes() == ordered.tobytes()
    assert product(a, b, sums=np.empty(n + 1, np.float32)) is None
    assert product(a, b, sums=np.empty(n, np.float64)) is None
    out = np.empty((m, n + 1), np.float32)
    assert product(a, b, out[:, 1:], sums=out[0, :n]) is None  # (overlapping the output)


@needs_kernel
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.uint8])
def test_rows_gathered_on_the_products_threads_are_takes(thread_count, dtype):
    rng = np.random.default_rng(14)
    source = (rng.standard_normal((3000, 7, 5)) * 50).astype(dtype)
    index = rng.permutation(3000)[:700]
    for count in (1, 2):
        thread_count(count)
        out = np.empty((700, 7, 5), dtype)
        assert gemm.gather_rows(source, index, out)
        assert out.tobytes() == source[index].tobytes()
    out = np.zeros((700, 7, 5), dtype)
    assert not gemm.gather_rows(source, index.astype(np.int32), out)
    assert not gemm.gather_rows(source[:, ::2], index, out[:, :4])  # not contiguous
    assert not gemm.gather_rows(source, np.append(index[:-1], 3000), out)  # out of range
    assert not gemm.gather_rows(source, np.append(index[:-1], -1), out)
    assert not gemm.gather_rows(source, index, out[:-1])
    assert not out.any()  # (nothing written by a declined gather)


@needs_kernel
def test_rows_and_chunks_claimed_from_the_back_as_the_workers_do_cover_everything_once(
        small_products, thread_count):
    """The workers claim rows and a parallel_for's chunks from the back of the counters the
    caller claims from the front of; a caller made to claim as a worker (both ends then taken
    from the back whoever joins) gives the same bits, every row and chunk done once."""
    import ctypes
    from minitf import native
    seat = native.function(gemm.SOURCE, "minitf_gemm_seat", [ctypes.c_int])
    seat.restype = ctypes.c_int
    rng = np.random.default_rng(21)
    source = rng.standard_normal((30000, 3)).astype(np.float32)
    index = rng.permutation(30000)[:25000]
    cases = [operands(rng, m, k, n, layout) for (m, k, n), layout in
             [((997, 300, 70), ""), ((1000, 1100, 33), "ta"), ((611, 50, 10), "tb"),
              ((700, 40, 17), "strided")]]
    for count in (1, 2):
        thread_count(count)
        front = [product(a, b) for a, b in cases]
        before = seat(1)
        try:
            back = [product(a, b) for a, b in cases]
            out = np.full((25000, 3), np.nan, np.float32)
            assert gemm.gather_rows(source, index, out)
        finally:
            seat(before)
        for (a, b), f, g in zip(cases, front, back):
            check(a, b, g)
            assert g.tobytes() == f.tobytes()
        assert out.tobytes() == source[index].tobytes()


@needs_kernel
@pytest.mark.parametrize("layout", ["", "tb", "strided"])
def test_b_packed_by_each_thread_for_itself_gives_the_same_bits(small_products, thread_count,
                                                                layout):
    """own_b (b unchanged between calls: each thread packs all of it for itself) over one and
    several blocks of K, with the bias and relu and the relu-gradient epilogues; ignored where
    b's column sums are taken and for products narrower than 32 columns."""
    rng = np.random.default_rng(31)
    for m, k, n in [(300, 200, 70), (97, 2100, 64), (50, 40, 17)]:
        a, b = operands(rng, m, k, n, layout)
        bias = rng.standard_normal(n).astype(np.float32)
        mask = rng.standard_normal((m, n)).astype(np.float32)
        for count in (1, 2, 3):
            thread_count(count)
            for kwargs in ({}, {"bias": bias, "relu": True}, {"mask": mask}):
                shared = product(a, b, **kwargs)
                own = product(a, b, own_b=True, **kwargs)
                assert own.tobytes() == shared.tobytes()
            check(a, b, product(a, b, own_b=True))
            sums, own_sums = np.empty(n, np.float32), np.empty(n, np.float32)
            assert (product(a, b, sums=sums).tobytes() ==
                    product(a, b, sums=own_sums, own_b=True).tobytes())
            assert sums.tobytes() == own_sums.tobytes()


@needs_kernel
def test_workers_not_asleep_are_counted(thread_count):
    # (the thread policy counts them among this process's runnable threads)
    thread_count(2)
    a, b = operands(np.random.default_rng(8), 512, 784, 256, "")
    set_spin = gemm._state["set"]
    set_spin(2, 5_000_000, 0)  # a worker spins 5 s for the next product before it sleeps
    try:
        product(a, b)
        deadline = time.monotonic() + 10  # (on a busy machine the worker wakes late)
        while not gemm.awake_workers() and time.monotonic() < deadline:
            time.sleep(0.001)
        assert gemm.awake_workers() >= 1
    finally:
        set_spin(2, gemm.SPIN_MICROSECONDS, 0)  # (read by the spinning worker: it sleeps soon)
    deadline = time.monotonic() + 10
    while gemm.awake_workers() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gemm.awake_workers() == 0


@needs_kernel
def test_a_worker_late_for_a_stealing_product_writes_nothing_and_its_inputs_stay_alive(
        thread_count):
    """With stealing, the caller takes the runs of rows of a worker that has not written them
    (a worker that lost its core) and returns without waiting for it. The late worker then
    finds its runs taken: it writes nothing into the output, which the caller may already use
    for something else, and the inputs it still reads stay alive (gemm._held) until no worker
    is inside a finished product."""
    import ctypes
    from minitf import native
    late = native.function(gemm.SOURCE, "minitf_gemm_late", [ctypes.c_long])
    held = gemm._state["held"]
    a, b = operands(np.random.default_rng(41), 768, 1024, 512, "")
    bias = np.linspace(-1, 1, 512).astype(np.float32)
    thread_count(1)
    expected = product(a, b, bias=bias, relu=True)
    thread_count(2, True)
    gemm._state["set"](2, 5_000_000, 1)  # (the worker stays awake: it joins at once)
    try:
        for attempt in range(5):
            late(300_000)  # a worker waits 0.3 s between computing its first run and copying it
            out = product(a, b, bias=bias, relu=True)
            if held():
                break
        assert held(), "the worker never joined a product in time"
        assert out.tobytes() == expected.tobytes()
        assert any(x[0] is a and x[1] is b and x[2] is bias for x in gemm._held)
        kept = len(gemm._held)
        other = operands(np.random.default_rng(43), 512, 64, 64, "")
        gemm.set_threads(1)
        check(*other, product(*other))  # (the late worker cannot read this one's inputs)
        assert held() and len(gemm._held) == kept
        thread_count(2, True)
        out.fill(7.0)  # the caller's to use now
        deadline = time.monotonic() + 10
        while held() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert not held()
        assert (out == 7.0).all()
    finally:
        late(0)
        gemm._state["set"](2, gemm.STEAL_SPIN_MICROSECONDS, 1)
    small = operands(np.random.default_rng(42), 512, 64, 64, "")
    gemm.set_threads(1)  # (no worker joins: none can be inside it when it returns)
    check(*small, product(*small))
    assert gemm._held == []  # (a product that returned with no worker late let them go)


def test_the_l1_data_cache_is_read_from_sysfs(tmp_path):
    """The blocking (gemm.K_BLOCK and the main tile) follows the L1 data cache's size: the
    instruction cache of the same level and the L2 are not it, and where nothing is told it
    is None."""
    for index, (level, kind, size) in enumerate([("1", "Instruction", "32K"), ("1", "Data", "48K"),
                                                 ("2", "Unified", "1280K")]):
        folder = tmp_path / ("index%d" % index)
        folder.mkdir()
        for name, value in (("level", level), ("type", kind), ("size", size)):
            (folder / name).write_text(value + "\n")
    assert gemm._l1_data_bytes(str(tmp_path)) == 48 * 1024
    (tmp_path / "index1" / "size").write_text("32768\n")
    assert gemm._l1_data_bytes(str(tmp_path)) == 32768
    assert gemm._l1_data_bytes(str(tmp_path / "missing")) is None
    assert gemm.K_BLOCK in (384, 1024)
