"""How many threads a plan's kernels use (docs/performance.md, "Threads"): the BLAS library's
own threads, and the participants of minitf's intra-op splits (client/workers.py).

OpenBLAS's worker threads spin-wait for a core between calls; on a 2-core machine with other
processes busy, a small matrix product run on two threads waits for the second one and takes
100x longer than on one, and a large one gets no more than a third of the machine. minitf's
own workers block instead: a large kernel (a big matrix product, client/workers.py's users)
is cut into chunks that the calling thread and a worker take from one counter, so a worker that
gets no core costs only its wake-up, and each chunk is a one-thread BLAS call, giving the same
bits as the whole product at one thread. The policy, for the plans that contain an op calling
BLAS, as (BLAS threads, split participants):

1. `tf.ConfigProto(intra_op_parallelism_threads=N)`, N > 0: (1, N): N threads in splits
   (N = 1: nothing is split), BLAS at one thread.
2. else OPENBLAS_NUM_THREADS, MKL_NUM_THREADS or OMP_NUM_THREADS (the first one set, read when
   the Session is made): (N, 1): the BLAS library at that count, as the user asked, no splits.
3. else (automatic): (1, cores): the cores this process may run on, never more than the
   library's count when the run starts (so an enclosing `threadpoolctl.threadpool_limits(1)`
   means one thread).

The kernels decide whether an op is large enough to split (ops/products.py: SPLIT_PRODUCT).
The BLAS count stays set between runs (switching around every run costs ~5 us); a count the
user sets meanwhile is noticed at the next run, and Session.close() gives the library back the
user's count. Participants are set for the thread that runs the plan. Plans with no BLAS op
(the lecture's step) touch nothing: their hot path gains one None check.
ConfigProto's inter_op_parallelism_threads is obeyed trivially: a plan runs its ops one at a
time, in one thread (TF's inter-op pool of size 1).
"""

import os

from minitf.client import workers
from minitf.client.workers import available_cores  # noqa: F401 - one definition, used here too

# Op types whose kernels call BLAS / LAPACK (numpy's matmul, tensordot, einsum, linalg), and
# the ops that run sub-graphs (If, While), which may.
BLAS_OP_TYPES = frozenset((
    "MatMul", "BatchMatMul", "BatchMatMulV2", "Einsum", "Conv2D", "Conv2DBackpropInput",
    "Conv2DBackpropFilter", "DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
    "DepthwiseConv2dNativeBackpropFilter", "Qr", "MatrixInverse", "MatrixSolve",
    "MatrixDeterminant", "LogMatrixDeterminant", "Cholesky", "MatrixTriangularSolve",
    "SelfAdjointEigV2", "Svd", "ResizeBilinear", "ResizeBilinearGrad",
    "If", "While", "WhileGrad", "StatelessIf", "StatelessWhile",
))
ENV_VARS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def env_threads(environ=None):
    """The thread count the user's environment asks for (first of ENV_VARS that holds a
    positive integer), or None."""
    environ = os.environ if environ is None else environ
    for name in ENV_VARS:
        value = environ.get(name, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return None


def decide(uses_blas, config_threads=0, env=None, cores=1, library_threads=None):
    """(BLAS threads, split participants) for the runs of a plan, or None to leave both alone.

    `config_threads`: ConfigProto's intra_op_parallelism_threads; `env`: env_threads();
    `cores`: cores this process may use; `library_threads`: the BLAS library's count as the
    user left it (an upper bound in auto mode, so that threadpool_limits is obeyed)."""
    if not uses_blas:
        return None
    if config_threads > 0:
        return 1, config_threads
    if env is not None:
        return env, 1
    n = cores if library_threads is None else min(cores, library_threads)
    return 1, max(1, n)


_ours = None      # the count minitf last set (None: it has not set one)
_baseline = None  # the library's count as the user left it (minitf's upper bound in auto mode)
_controller = None
_cores = None


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

    def __init__(self, config_threads=0, env=None):
        global _cores
        if _cores is None:
            _cores = workers.available_cores()
        self.config_threads = config_threads
        self.env = env
        self.last_threads = None  # what the last run used (for tests and the benchmark)
        self.last_participants = None

    def run(self, plan, feeds):
        current = _enter()
        blas, parts = decide(True, self.config_threads, self.env, _cores, _baseline)
        if current is not None and blas != current:
            _set(blas)
        self.last_threads, self.last_participants = blas, parts
        workers.set_participants(parts)
        return plan.run(feeds)


def uses_blas(plan):
    """Whether any kernel of `plan` may call BLAS."""
    return any(step.op is not None and step.op.type in BLAS_OP_TYPES for step in plan.steps)


def splits(plan):
    """Whether `plan` may split a kernel over the workers: an op that may call BLAS, or an
    elementwise kernel the plan splits when it is large (plan.splits_elementwise)."""
    from minitf.client.plan import splits_elementwise
    return uses_blas(plan) or any(
        step.op is not None and step.op.opdef.elementwise and step.outs and
        step.outs[0].pooled and splits_elementwise(step) for step in plan.steps)


def for_plan(plan, config_threads, env):
    """The PlanThreads of a new plan, or None when it neither calls BLAS nor splits a kernel
    (nothing to manage)."""
    return PlanThreads(config_threads, env) if splits(plan) else None
