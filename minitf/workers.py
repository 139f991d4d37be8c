"""A tiny intra-op pool of blocking worker threads (docs/performance.md, "Threads").

    from minitf import workers
    workers.split(count, fn, grain)   # fn(start, stop) over [0, count), in chunks of `grain`

A kernel that is large enough (a big matrix product, a multi-million-element ufunc) hands its
work to `split`: the calling thread and the pool's workers take the next chunk from one shared
counter until none is left (work stealing), each calling `fn(start, stop)`. numpy releases the
GIL inside BLAS calls and large ufunc loops, so the chunks run in parallel where cores are free.

Why blocking threads and not OpenBLAS's own: OpenBLAS's workers spin for a core between calls,
and a product split among them waits for the slowest; on a busy 2-core machine that is a
collapse. Here a worker sleeps on a lock until woken; if it gets no core, the caller runs every
chunk itself and the split cost only the wake-up (a lock release, ~1 us). The caller waits only
for chunks a worker has actually started (it spins briefly, then blocks).

How many threads take part is `participants()`: set per calling thread by the thread policy
(client/threads.py, `set_participants`) for the runs of a plan; 1 (the default) means `split` runs
`fn(0, count)` inline. The pool has `available_cores() - 1` workers, started at first use;
a split with fewer participants wakes fewer. Calls made while the pool is busy (another
thread's split, or a chunk that splits again) run inline. After fork() the child makes a new
pool at its first split (threads do not survive fork). Exceptions raised by a chunk (in any
thread) reach the caller, after every started chunk has finished; no chunk starts after one has
failed.
"""

import itertools
import os
import threading
import time

SPIN_SECONDS = 20e-6  # the caller's busy wait for a worker's last chunk before it blocks


class _Job:
    __slots__ = ("fn", "count", "grain", "claims", "error", "busy", "done", "waiting", "workers")

    def __init__(self, fn, count, grain, workers):
        self.fn, self.count, self.grain = fn, count, grain
        self.claims = itertools.count()  # next(claims) is atomic under the GIL
        self.error = None
        self.workers = workers  # how many workers may join
        self.busy = [False] * workers  # worker i is inside the job (claiming or running)
        self.done = None  # per worker, a lock the caller blocks on (made when it must wait)
        self.waiting = False

    def work(self):
        """Runs chunks until none is left (or one failed)."""
        fn, count, grain, claims = self.fn, self.count, self.grain, self.claims
        while self.error is None:
            start = next(claims) * grain
            if start >= count:
                return
            try:
                fn(start, min(start + grain, count))
            except BaseException as e:  # (re-raised in the caller)
                if self.error is None:
                    self.error = e
                return


class _Worker:
    def __init__(self, pool, index):
        self.pool, self.index = pool, index
        self.wake = threading.Lock()
        self.wake.acquire()
        self.job = None
        self.thread = threading.Thread(target=self._loop, name="minitf-worker-%d" % index,
                                       daemon=True)
        self.thread.start()

    def post(self, job):
        self.job = job
        try:
            self.wake.release()
        except RuntimeError:  # not woken since the last post: it will read the newest job
            pass

    def _loop(self):
        i = self.index
        _local.chunk = True
        while True:
            self.wake.acquire()
            job = self.job
            if job is None:  # the pool was closed
                return
            if i >= job.workers:
                continue
            job.busy[i] = True
            job.work()
            job.busy[i] = False
            if job.waiting:
                job.done[i].release()


class _Pool:
    def __init__(self, n_workers):
        self.owner = threading.Lock()  # held by the thread whose split runs
        self.workers = [_Worker(self, i) for i in range(n_workers)]
        self.pid = os.getpid()

    def run(self, fn, count, grain, participants):
        n = min(participants - 1, len(self.workers), (count + grain - 1) // grain - 1)
        job = _Job(fn, count, grain, n)
        try:
            for w in self.workers[:n]:
                w.post(job)
            job.work()
        finally:
            _wait(job)
            # A worker keeps its last job until the next one: it must not keep the chunks'
            # arrays alive too (the buffer pool reuses only arrays nothing else refers to).
            # One that wakes late finds no chunk left and never calls fn.
            job.fn = None
        if job.error is not None:
            raise job.error

    def close(self):
        for w in self.workers:
            w.post(None)
        for w in self.workers:
            w.thread.join()


def _wait(job):
    """Returns once no worker is inside `job` (a worker that wakes later finds no chunk left)."""
    if not any(job.busy):
        return
    deadline = time.perf_counter() + SPIN_SECONDS
    while any(job.busy) and time.perf_counter() < deadline:
        pass
    if not any(job.busy):
        return
    done = []
    for _ in job.busy:
        lock = threading.Lock()
        lock.acquire()
        done.append(lock)
    job.done = done
    job.waiting = True  # from here a worker leaving the job releases its lock
    for i, lock in enumerate(done):
        if job.busy[i]:
            lock.acquire()
            # (a worker that left between the test and its release released the lock
            # already: acquire returns at once)


def available_cores():
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_pool = None
_pool_lock = threading.Lock()
_local = threading.local()


def _get_pool():
    global _pool
    pool = _pool
    if pool is None or pool.pid != os.getpid():
        with _pool_lock:
            if _pool is None or _pool.pid != os.getpid():
                _pool = _Pool(max(0, available_cores() - 1))
            pool = _pool
    return pool


def participants():
    """How many threads a split in this thread may use (the thread policy's choice; 1: none)."""
    return getattr(_local, "n", 1)


class using:
    """`with using(n):` splits in this thread use up to `n` threads (the caller included)."""

    __slots__ = ("n", "before")

    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self.before = getattr(_local, "n", 1)
        _local.n = self.n
        return self

    def __exit__(self, *exc):
        _local.n = self.before


def in_split():
    """Whether this thread is running a split's chunk (a worker, or the caller of `split`):
    native elementwise loops then stay on it (minitf/native.py)."""
    return getattr(_local, "chunk", False)


def set_participants(n):
    """Sets participants() for this thread (the thread policy keeps it between runs)."""
    _local.n = n


def split(count, fn, grain=1):
    """Runs `fn(start, stop)` over [0, count) in chunks of `grain` (the last may be shorter),
    in this thread and up to participants() - 1 pool workers; returns when all have finished.
    Inline (`fn(0, count)`) when one participant is allowed, when there is one chunk, or when
    the pool is busy. The chunks must write disjoint outputs."""
    n = getattr(_local, "n", 1)
    if n < 2 or count <= grain:
        fn(0, count)
        return
    pool = _get_pool()
    if not pool.workers or not pool.owner.acquire(False):
        fn(0, count)
        return
    try:
        _local.chunk = True
        pool.run(fn, count, grain, n)
    finally:
        _local.chunk = False
        pool.owner.release()


# Elementwise kernels with outputs of at least this many elements split over their first axis
# (plan.py wraps the pooled outputs' kernels of elementwise ops, `OpDef.elementwise`): a
# 3.2M-element float32 multiply took 1.72 -> 1.05 ms on two idle threads, a 131K one was slower.
# From 2^20 (was 2^21), the 1.6M-element Relu and ReluGrad after LeNet's batch norm split too:
# its step 0.5-1.5 ms faster on two idle cores (in-process alternation, medians). From 2^19
# (seventh session), the 0.8M-element ReLU and ReLU gradients of LeNet's first pooled grid too:
# 24.38 -> 24.10 and 23.59 -> 23.46 ms a step (25 in-process alternations, medians; 2^18 the
# same as 2^19: no tensor of these steps lies between).
ELEMENTWISE_SPLIT = 1 << 19


def elementwise(fn):
    """`fn(*args, out=...)`, an elementwise kernel with numpy broadcasting, split over `out`'s
    first axis when `out` has ELEMENTWISE_SPLIT elements or more and this thread's
    participants allow: each chunk reads the same rows of the inputs that have all of `out`'s
    axes and as many rows, and the whole of the others (broadcast). Every element is computed
    by the same loop as unsplit, so the bits are the same."""
    def call(*args, out=None):
        n = getattr(_local, "n", 1)
        if n < 2 or out is None or out.size < ELEMENTWISE_SPLIT or out.ndim == 0 or \
                out.shape[0] < 2:
            return fn(*args, out=out)
        rows, ndim = out.shape[0], out.ndim
        cut = [getattr(a, "ndim", 0) == ndim and a.shape[0] == rows for a in args]

        def rows_of(start, stop):
            fn(*[a[start:stop] if c else a for a, c in zip(args, cut)], out=out[start:stop])
        split(rows, rows_of, -(-rows // min(rows, 2 * n)))
        return out
    return call


def _forget_pool():
    global _pool, _pool_lock
    _pool = None  # the child has none of the parent's threads; it makes a pool at first use
    _pool_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)
