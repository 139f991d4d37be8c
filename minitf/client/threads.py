"""How many threads a plan's kernels use (docs/performance.md, "Threads"): the BLAS library's
own threads, and the participants of minitf's intra-op splits (minitf/workers.py).

OpenBLAS's worker threads spin-wait for a core between calls; on a 2-core machine with other
processes busy, a small matrix product run on two threads waits for the second one and takes
100x longer than on one, and a large one gets no more than a third of the machine. minitf's
own workers block instead: a large kernel (a big matrix product, minitf/workers.py's users)
is cut into chunks that the calling thread and a worker take from one counter, so a worker that
gets no core costs only its wake-up, and each chunk is a one-thread BLAS call, giving the same
bits as the whole product at one thread. The policy, for the plans that contain an op calling
BLAS, as (BLAS threads, split participants):

1. `tf.ConfigProto(intra_op_parallelism_threads=N)`, N > 0: (1, N): N threads in splits
   (N = 1: nothing is split), BLAS at one thread.
2. else OPENBLAS_NUM_THREADS, MKL_NUM_THREADS or OMP_NUM_THREADS (the first one set, read when
   the Session is made): (N, 1): the BLAS library at that count, as the user asked, no splits.
3. else (automatic): one thread while a one-thread run of the plan takes under
   `SMALL_RUN_SECONDS` (a second thread gains at most that much); for bigger plans, as many
   threads as there are free cores, measured from /proc/stat every `SAMPLE_SECONDS` (the CPU
   time other processes used; this process's own is subtracted; after a pause between runs,
   a fresh window of FIRST_SAMPLE_SECONDS, the estimate from before it kept meanwhile; a plan
   of compiled products gets two where every core runs one other thread, and a training
   step's products then run stealing, ops/gemm.py, so that a worker that loses its core
   costs the caller no wait), never more than this process's cores or the library's count
   when the run starts (so an enclosing
   `threadpoolctl.threadpool_limits(1)` means one thread). A multi-thread run that does not
   take under MULTI_GAIN of the plan's one-thread time, SLOW_RUNS times in a row (not counting
   the first WARMUP_RUNS after one-thread runs), sends the plan back to one thread for
   FIRST_BACKOFF_SECONDS, twice that each time again until a multi-thread run pays, at most
   BACKOFF_SECONDS. The threads go to minitf's splits, (1, n),
   when the plan has a convolution (a tiled kernel, ops/op_util.TiledKernel, that calls BLAS:
   its tiles each make one-thread BLAS calls), or no BLAS op but a large elementwise kernel;
   to the BLAS library, (n, 1), when its BLAS ops are matrix products (tiled kernels that call
   no BLAS, as a bias gradient, then run on one thread): on two idle cores
   OpenBLAS's own threads run the MLP's 512x784x256 product in 566 us against 674 us for two
   row blocks (each block packs the whole right-hand matrix again), and the free-core
   estimate keeps its spinning threads away from a busy machine.
   A plan whose last run had a float32 product in minitf's compiled kernel (ops/gemm.py: 256
   rows or more) gives the (n, 1) threads to that kernel instead and keeps the library at one
   thread, whose worker would otherwise spin on the core the compiled product needs.

The kernels decide whether an op is large enough to split (ops/products.py: SPLIT_PRODUCT).
The BLAS count stays set between runs (switching around every run costs ~5 us); a count the
user sets meanwhile is noticed at the next run, and Session.close() gives the library back the
user's count. Participants are set for the thread that runs the plan. Plans with no BLAS op
(the lecture's step) touch nothing: their hot path gains one None check.
ConfigProto's inter_op_parallelism_threads is obeyed trivially: a plan runs its ops one at a
time, in one thread (TF's inter-op pool of size 1).
"""

import os
import time

from minitf import workers
from minitf.workers import available_cores  # noqa: F401 - one definition, used here too
from minitf.ops import gemm
from minitf.ops.op_util import TiledKernel

# Op types whose kernels call BLAS / LAPACK (numpy's matmul, tensordot, einsum, linalg), and
# the ops that run sub-graphs (If, While), which may.
BLAS_OP_TYPES = frozenset((
    "MatMul", "BatchMatMul", "BatchMatMulV2", "Einsum", "Conv2D", "Conv2DBackpropInput",
    "Conv2DBackpropFilter", "DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
    "DepthwiseConv2dNativeBackpropFilter", "Conv3D", "Conv3DBackpropInputV2",
    "Conv3DBackpropFilterV2", "Qr", "MatrixInverse", "MatrixSolve",
    "MatrixDeterminant", "LogMatrixDeterminant", "Cholesky", "MatrixTriangularSolve",
    "SelfAdjointEigV2", "Svd", "ResizeBilinear", "ResizeBilinearGrad",
    "If", "While", "WhileGrad", "StatelessIf", "StatelessWhile",
))
ENV_VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
SMALL_RUN_SECONDS = 0.0005
SAMPLE_SECONDS = 0.25
FIRST_SAMPLE_SECONDS = 0.05  # (/proc/stat counts 10 ms ticks: a coarse but usable first look)
MULTI_GAIN = 0.85      # more threads are kept only while a run takes < 0.85x one thread's time
BACKOFF_SECONDS = 1.0  # after multi-thread runs that did not pay: one thread this long at most
FIRST_BACKOFF_SECONDS = 0.125  # the first time; doubled at each back-off until one pays
SLOW_RUNS = 3          # ... that many in a row
MAX_FEED_SHAPES = 16   # one-thread times kept per plan, one per shape of its feeds
WARMUP_RUNS = 3        # multi-thread runs after one-thread runs that do not count as slow


def env_threads(environ=None):
    """The thread count the user's environment asks for (first of ENV_VARS that holds a
    positive integer), or None."""
    environ = os.environ if environ is None else environ
    for name in ENV_VARS:
        value = environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return None


def decide(uses_blas, config_threads=0, env=None, cores=1, library_threads=None,
           single_run_seconds=None, free_cores=None, tiled=True, others_running=None):
    """(BLAS threads, split participants) for one run of a plan, or None to leave both alone.

    `config_threads`: ConfigProto's intra_op_parallelism_threads; `env`: env_threads();
    `cores`: cores this process may use; `library_threads`: the BLAS library's count as the
    user left it (an upper bound in auto mode, so that threadpool_limits is obeyed);
    `single_run_seconds`: the plan's last one-thread run time (None: not run yet);
    `free_cores`: cores other processes left idle lately (None: all of them); `tiled`: whether
    the plan's threads go to splits (a tiled or large elementwise kernel) or to BLAS;
    `others_running`: other processes' runnable threads at the last look, given for a plan
    whose products run in the compiled kernel (None: not known, or not one)."""
    if not uses_blas:
        return None
    if config_threads > 0:
        return 1, config_threads
    if env is not None:
        return env, 1
    if single_run_seconds is None or single_run_seconds < SMALL_RUN_SECONDS:
        return 1, 1
    n = cores if free_cores is None else min(cores, int(free_cores + 0.5))
    if others_running == cores and n < 2 <= cores:
        # Every core busy with one other runnable thread: two threads get a CPU's worth
        # between them where one gets two thirds. An inference plan's products, which pack b
        # per thread, meet only at their ends (two busy loops on two cores: the MLP forward
        # 4.24 -> 3.33 ms and 4.10 -> 3.50, TF1's 4.52 and 4.87 in the same turns); a
        # training step's run stealing (PlanThreads.counts_for_run), where the caller never
        # waits for a preempted worker (the MLP step 0.87-0.91x of one thread's time, in
        # turns). Not with fewer others (one thread has a core to itself) or more (two wait
        # on each other's preempted rows), nor more than two (docs/performance.md, "Under
        # load").
        n = 2
    if library_threads is not None:
        n = min(n, library_threads)
    n = max(1, n)
    return (1, n) if tiled else (n, 1)


class _Load:
    """Free cores, from /proc/stat's busy time minus this process's own CPU time, re-sampled at
    most every SAMPLE_SECONDS. Until two samples exist (or without /proc/stat) it says one."""

    def __init__(self):
        self.cores = workers.available_cores()
        self.total_cores = os.cpu_count() or self.cores
        self.free = 1.0
        self.sampled = False  # whether `free` comes from two samples yet
        self.last = None  # (monotonic, busy seconds of all CPUs, own CPU seconds)
        self.ran = 0.0  # when a plan the policy manages last finished a run (monotonic)
        self.others_running = None  # other threads runnable at the last sample (None: unknown)
        try:
            self.tick = float(os.sysconf("SC_CLK_TCK"))
        except (AttributeError, ValueError, OSError):
            self.tick = 100.0

    def _running_threads(self):
        """Runnable threads on the machine now (/proc/loadavg's count)."""
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[3].split(b"/")[0])

    def _busy_seconds(self):
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()[1:]
        ticks = [int(v) for v in fields[:8]]
        return (sum(ticks) - ticks[3] - ticks[4]) / self.tick  # minus idle and iowait

    def free_cores(self, now, idle=0.0):
        """`idle`: seconds since this process's last run of a plan the policy manages."""
        last = self.last
        # the first estimate comes after FIRST_SAMPLE_SECONDS, not SAMPLE_SECONDS: a plan's
        # first quarter second ran on one thread on an idle machine
        wait = SAMPLE_SECONDS if self.sampled else FIRST_SAMPLE_SECONDS
        if last is not None and now - last[0] < wait and idle < FIRST_SAMPLE_SECONDS:
            return self.free
        try:
            busy = self._busy_seconds()
        except (OSError, ValueError, IndexError):
            return self.free
        own = time.process_time()
        try:  # less this thread, which runs this, and the compiled products' workers awake
            self.others_running = max(0, self._running_threads() - 1 - gemm.awake_workers())
        except (OSError, ValueError, IndexError):
            self.others_running = None
        if last is not None and idle >= FIRST_SAMPLE_SECONDS:
            # After a pause the window since the last sample is mostly time when this process
            # ran nothing, so other processes could use every core: a Keras epoch of another
            # framework, run in turn with minitf's, sent minitf's next 0.25 s to one thread
            # (0.57 s an epoch against 0.46). Start a new window instead, with the short first
            # look, keeping the estimate from before the pause until then.
            self.sampled = False
            self.last = (now, busy, own)
            return self.free
        if last is not None:
            others = ((busy - last[1]) - (own - last[2])) / (now - last[0])
            # other processes' busy cores, spread over the whole machine
            self.free = max(0.0, self.cores - max(0.0, others) * self.cores / self.total_cores)
            self.sampled = True
        self.last = (now, busy, own)
        return self.free


_load = None
_ours = None      # the count minitf last set (None: it has not set one)
_baseline = None  # the library's count as the user left it (minitf's upper bound in auto mode)
_controller = None


def _blas():
    """threadpoolctl's controllers of the BLAS libraries loaded (made once: scanning costs ms)."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController
        _controller = ThreadpoolController().select(user_api="blas").lib_controllers
    return _controller


def _enter():
    """The library's count now, noting it as the user's when minitf did not set it."""
    global _baseline
    libs = _controller if _controller is not None else _blas()
    if not libs:
        return None
    current = libs[0].get_num_threads()
    if current != _ours or _baseline is None:
        _baseline = current  # set by the user (threadpool_limits, or its exit) since
    return current


def _set(n):
    global _ours
    for lib in _controller:
        lib.set_num_threads(n)
    _ours = n


def restore():
    """Gives the library back the count the user left it at (when a Session closes)."""
    global _ours
    libs = _controller
    if libs and _ours is not None and _baseline is not None:
        if libs[0].get_num_threads() == _ours and _ours != _baseline:
            for lib in libs:
                lib.set_num_threads(_baseline)
    _ours = None


class PlanThreads:
    """The thread policy of one plan in one session: `run(plan, feeds)` runs the plan with the
    BLAS count and split participants decide() chose. The BLAS count stays set after the run
    (switching back and forth around every run costs about 5 us with OpenBLAS); a count the
    user sets in between (threadpool_limits, or leaving its block) is noticed and becomes the
    upper bound again, and Session.close() restores it."""

    def __init__(self, config_threads=0, env=None, tiled=True, inference=False):
        global _load
        if _load is None:
            _load = _Load()
        self.config_threads = config_threads
        self.env = env
        self.tiled = tiled
        self.inference = inference  # whether all the plan's products are stable (inference)
        # whether the plan's last run had a product in ops/gemm.py: its threads then take the
        # BLAS library's share, and the library stays at one thread (its workers would spin
        # on the core the compiled product needs)
        self.native = False
        # The one-thread time per shape of the feeds: an epoch's last, smaller batch runs
        # faster, and compared with that time the full batches' multi-thread runs looked
        # slow, which sent a Keras MLP fit back to one thread again and again.
        self._single, self._key = {}, None
        self.backoff_until = 0.0
        self.slow_runs = 0  # multi-thread runs in a row that were not faster
        self.warmup = WARMUP_RUNS  # multi-thread runs left before slow ones count
        self.backoff = FIRST_BACKOFF_SECONDS  # the next back-off's length
        self.steal = False  # whether the compiled products run stealing (counts_for_run)
        self.last_threads = None  # what the last run used (for tests and the benchmark)
        self.last_participants = None

    @property
    def single_run_seconds(self):
        """The estimate of a one-thread run's time, for the feeds' shapes of the last run."""
        return self._single.get(self._key)

    @single_run_seconds.setter
    def single_run_seconds(self, seconds):
        if len(self._single) >= MAX_FEED_SHAPES and self._key not in self._single:
            self._single.clear()  # (feeds of ever new shapes: sequences of many lengths)
        self._single[self._key] = seconds

    def counts_for_run(self, now, library_threads):
        free = 1.0
        big = (self.config_threads <= 0 and self.env is None and self.single_run_seconds is not None
               and self.single_run_seconds >= SMALL_RUN_SECONDS)
        others = None
        if big and now >= self.backoff_until:
            free = _load.free_cores(now, now - _load.ran)
            if self.native and not self.tiled:
                others = _load.others_running
        counts = decide(True, self.config_threads, self.env, _load.cores, library_threads,
                        self.single_run_seconds, free, self.tiled, others)
        # every core busy with another thread: a worker may lose its core in mid-product,
        # and a training step's products then run stealing (ops/gemm.py), its loops on one
        # thread
        self.steal = others == _load.cores and not self.inference and counts[0] > 1
        return counts

    def run(self, plan, feeds):
        self._key = tuple(getattr(v, "shape", None) for v in feeds) if feeds else None
        current = _enter()
        blas, parts = self.counts_for_run(time.monotonic(), _baseline)
        library = 1 if self.native and self.env is None else blas
        if current is not None and library != current:
            _set(library)
        gemm.set_threads(blas if parts == 1 else parts, self.steal)
        self.last_threads, self.last_participants = blas, parts
        workers.set_participants(parts)
        products = gemm.calls[0]
        t0 = time.perf_counter()
        values = plan.run(feeds)
        elapsed = time.perf_counter() - t0
        _load.ran = time.monotonic()
        self.native = gemm.calls[0] != products
        if blas == parts == 1:  # a low estimate: follows faster runs at once, slower ones slowly
            est = self.single_run_seconds
            self.single_run_seconds = elapsed if est is None or elapsed < est else (
                est + 0.25 * (elapsed - est))
            self.warmup = WARMUP_RUNS
        elif self.warmup > 0:
            # the first runs on more threads are slow by themselves (OpenBLAS starts or wakes
            # its threads, which then touch their buffers): counting them, the MLP's first
            # three two-thread runs (9.7, 4.5, 4.3 ms against 4.0 on one thread) backed a
            # Keras fit off to one thread for its whole second
            self.warmup -= 1
        elif self.single_run_seconds is not None and (
                elapsed >= MULTI_GAIN * self.single_run_seconds):
            # more threads did not pay (the load estimate lags): one thread for a while, once
            # it happens SLOW_RUNS times in a row after the warm-up runs; short the first time
            # (a fresh process's BLAS threads sometimes took six runs, ~25 ms, to pay),
            # longer each time again while the machine stays busy
            self.slow_runs += 1
            if self.slow_runs >= SLOW_RUNS:
                self.backoff_until = time.monotonic() + self.backoff
                self.backoff = min(2 * self.backoff, BACKOFF_SECONDS)
                self.slow_runs = 0
        else:
            self.slow_runs = 0
            self.backoff = FIRST_BACKOFF_SECONDS
        return values


def uses_blas(plan):
    """Whether any kernel of `plan` may call BLAS."""
    return any(step.op is not None and step.op.type in BLAS_OP_TYPES for step in plan.steps)


def _large_elementwise(plan):
    """Whether `plan` has an elementwise kernel it splits when large (plan.splits_elementwise)."""
    from minitf.client.plan import splits_elementwise
    return any(step.op is not None and step.op.opdef.elementwise and step.outs and
               step.outs[0].pooled and splits_elementwise(step) for step in plan.steps)


def threads_to_splits(plan):
    """Whether `plan`'s threads go to minitf's splits rather than to BLAS: it has a tiled kernel
    that calls BLAS (a convolution: op_util.TiledKernel, in BLAS_OP_TYPES), or no BLAS op but a
    large elementwise kernel. A plan of matrix products gives its threads to BLAS even when it
    has other tiled kernels (a bias gradient, pooling, batch norm: they then run on one
    thread) or elementwise kernels that may be large (any with a batch size of None): for the
    MLP step OpenBLAS's two threads take 2.3 ms on two idle cores against 3.6-4.2 ms for
    splits, whose products are one-thread BLAS calls and split only when very large."""
    return any(step.op is not None and isinstance(step.op.opdef, TiledKernel) and
               step.op.type in BLAS_OP_TYPES for step in plan.steps) or not uses_blas(plan)


def splits(plan):
    """Whether `plan` may use more than one thread: an op that may call BLAS, or an elementwise
    kernel the plan splits when it is large."""
    return uses_blas(plan) or _large_elementwise(plan)


def for_plan(plan, config_threads, env):
    """The PlanThreads of a new plan, or None when it neither calls BLAS nor splits a kernel
    (nothing to manage)."""
    if not splits(plan):
        return None
    return PlanThreads(config_threads, env, threads_to_splits(plan), inference(plan))


def inference(plan):
    """Whether `plan` has matrix products and each one's b is stable (`plan.stable`, from
    plan.stable_products: no step of the plan writes it), as in an inference plan."""
    products = [step for step in plan.steps if step.op is not None and step.op.type == "MatMul"]
    return bool(products) and all(step in plan.stable for step in products)
