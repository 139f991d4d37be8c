"""The intra-op worker pool (minitf/workers.py): chunks cover the range exactly once,
in the caller and the workers; the caller waits for every started chunk; exceptions reach the
caller; inline fallbacks (one participant, nested or concurrent splits, a worker that never
wakes); fork; no thread leak."""

import multiprocessing
import threading
import time

import numpy as np
import pytest

from minitf import workers


@pytest.fixture
def pool():
    """A pool of two workers (whatever this machine's core count), three participants."""
    saved = workers._pool
    workers._pool = workers._Pool(2)
    try:
        with workers.using(3):
            yield workers._pool
    finally:
        workers._pool.close()
        workers._pool = saved


def _recording():
    chunks, lock = [], threading.Lock()

    def fn(start, stop):
        with lock:
            chunks.append((start, stop, threading.get_ident()))
    return chunks, fn


@pytest.mark.parametrize("count, grain", [(10, 1), (10, 3), (1000, 64), (7, 7), (5, 10), (0, 4)])
def test_chunks_cover_the_range_once(pool, count, grain):
    chunks, fn = _recording()
    workers.split(count, fn, grain)
    covered = sorted((a, b) for a, b, _ in chunks)
    expected = [(a, min(a + grain, count)) for a in range(0, count, grain)] or [(0, 0)]
    if count <= grain:
        expected = [(0, count)]
    assert covered == expected


def test_workers_take_chunks_and_the_caller_waits_for_them(pool):
    out = np.zeros(8)
    other_thread_ran = threading.Event()
    caller = threading.get_ident()

    def fn(start, stop):
        if threading.get_ident() != caller:
            other_thread_ran.set()
            time.sleep(0.02)  # the caller runs out of chunks first, and must wait
        else:
            other_thread_ran.wait(10)
        out[start:stop] = start + 1
    workers.split(8, fn, 1)
    assert other_thread_ran.is_set()
    np.testing.assert_array_equal(out, np.arange(1, 9))


def test_one_participant_runs_inline():
    chunks, fn = _recording()
    with workers.using(1):
        workers.split(100, fn, 10)
    assert chunks == [(0, 100, threading.get_ident())]


def test_a_split_inside_a_chunk_runs_inline(pool):
    inner = []

    def fn(start, stop):
        chunks, record = _recording()
        workers.split(10, record, 1)  # the pool is busy: one inline call
        inner.append(chunks)
    workers.split(4, fn, 1)
    assert len(inner) == 4
    assert all(len(chunks) == 1 and chunks[0][:2] == (0, 10) for chunks in inner)


def test_a_split_while_another_thread_splits_runs_inline(pool):
    inside, release = threading.Event(), threading.Event()

    def slow(start, stop):
        inside.set()
        release.wait(10)
    def split_slowly():
        with workers.using(3):
            workers.split(2, slow, 1)
    other = threading.Thread(target=split_slowly)
    other.start()
    assert inside.wait(10)
    chunks, fn = _recording()
    workers.split(100, fn, 10)
    release.set()
    other.join(10)
    assert chunks == [(0, 100, threading.get_ident())]


def test_a_worker_that_never_wakes_costs_the_caller_nothing(pool, monkeypatch):
    for w in pool.workers:
        monkeypatch.setattr(w, "post", lambda job: None)  # no worker ever gets the job
    chunks, fn = _recording()
    t0 = time.perf_counter()
    workers.split(50, fn, 5)
    assert time.perf_counter() - t0 < 1.0
    assert sorted(c[:2] for c in chunks) == [(a, a + 5) for a in range(0, 50, 5)]
    assert {c[2] for c in chunks} == {threading.get_ident()}


@pytest.mark.parametrize("failing", ["caller", "worker"])
def test_an_exception_in_a_chunk_reaches_the_caller(pool, failing):
    caller = threading.get_ident()
    started = []
    worker_in = threading.Event()

    def fn(start, stop):
        started.append(start)
        in_caller = threading.get_ident() == caller
        if not in_caller:
            worker_in.set()
        if (failing == "caller") == in_caller:
            if in_caller:
                worker_in.wait(10)
            raise KeyError("chunk %d" % start)
        if in_caller:
            worker_in.wait(10)  # the caller's chunk lets a worker fail
        time.sleep(0.01)
    with pytest.raises(KeyError, match="chunk"):
        workers.split(1000, fn, 1)
    assert len(started) < 1000  # no new chunk after the failure
    workers.split(4, lambda a, b: None, 1)  # the pool still works


def test_no_threads_leak():
    with workers.using(2):
        workers.split(10, lambda a, b: None, 1)  # the module's own pool exists
        before = threading.active_count()
        for _ in range(200):
            workers.split(8, lambda a, b: None, 1)
    assert threading.active_count() == before


def _child_split(queue):
    out = np.zeros(64)
    idents = set()

    def fn(start, stop):
        idents.add(threading.get_ident())
        out[start:stop] = np.arange(start, stop)
    with workers.using(3):
        for _ in range(20):
            workers.split(64, fn, 4)
    queue.put((out.tolist(), workers._pool.pid == multiprocessing.current_process().pid,
               all(w.thread.is_alive() for w in workers._pool.workers)))


def test_after_fork_the_child_makes_its_own_pool(pool):
    workers.split(10, lambda a, b: None, 1)  # the parent's pool has started threads
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child_split, args=(queue,))
    child.start()
    values, own_pool, alive = queue.get(timeout=30)
    child.join(30)
    assert child.exitcode == 0
    assert values == list(range(64))
    assert own_pool and alive


def _fill(out):
    def fn(start, stop):
        out[start:stop] = 1
    workers.split(len(out), fn, 100)


def test_the_pool_keeps_no_reference_to_a_finished_split(pool):
    # (the buffer pool reuses an array only when nothing else refers to it)
    import sys
    out = np.zeros(1000)
    before = sys.getrefcount(out)
    _fill(out)
    assert sys.getrefcount(out) == before
    assert out.sum() == 1000


@pytest.mark.parametrize("shapes", [[(2048, 1100), (2048, 1100)], [(2048, 1100), (1100,)],
                                    [(2048, 1100), (2048, 1)], [(1, 1100), (2048, 1100)],
                                    [(3000000,), ()]])
def test_elementwise_kernels_split_over_rows_with_the_same_bits(pool, monkeypatch, shapes):
    calls = []
    real = workers.split
    monkeypatch.setattr(workers, "split", lambda *a: calls.append(a[0]) or real(*a))
    rng = np.random.default_rng(0)
    args = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    kernel = workers.elementwise(lambda x, y, out=None: np.add(np.tanh(x, out=out), y, out=out))
    out_shape = np.broadcast_shapes(*shapes)
    expected = np.add(np.tanh(np.broadcast_to(args[0], out_shape)), args[1])
    out = np.empty(out_shape, np.float32)
    assert kernel(*args, out=out) is out
    assert out.tobytes() == expected.tobytes()
    assert calls == [out_shape[0]]
    with workers.using(1):  # one participant, or no out=: one call
        kernel(*args, out=out)
    assert kernel(*args).tobytes() == expected.tobytes()
    assert calls == [out_shape[0]]
