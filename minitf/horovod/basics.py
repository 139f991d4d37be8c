"""The MPI side of minitf.horovod: this process's place in the job, and the collectives the graph
ops call (checked across ranks first, so a mismatch is an error instead of a hang or garbage)."""

import hashlib
import operator
import os
import sys
import time
import warnings

import numpy

from minitf import errors

# Reduction ops, as Horovod numbers them.
Average = 0
Sum = 1
Adasum = 2

_NOT_INITIALIZED = "Horovod has not been initialized; use hvd.init()."

# numpy dtypes MPI can sum natively; float16 is summed by a user-defined op (MPI has no half).
_SUMMABLE = ("uint8", "int8", "uint16", "int16", "int32", "int64", "float16", "float32",
             "float64")

_job = None


def _env_float(name, default):
    text = os.environ.get(name)
    return float(text) if text else default


class _Job:
    """The communicators and settings of an initialized job."""

    def __init__(self, comm):
        from mpi4py import MPI
        self.MPI = MPI
        self.comm = comm.Dup()  # our own context: user MPI traffic never matches ours
        self.local = self.comm.Split_type(MPI.COMM_TYPE_SHARED)
        self.fusion_threshold = int(_env_float("HOROVOD_FUSION_THRESHOLD", 64 * 1024 * 1024))
        self.stall_warning = _env_float("HOROVOD_STALL_CHECK_TIME_SECONDS", 60.0)
        self.stall_shutdown = _env_float("HOROVOD_STALL_SHUTDOWN_TIME_SECONDS", 0.0)
        self.half_sum = MPI.Op.Create(_add_halves, commute=True)
        self.in_place = MPI.IN_PLACE
        self.size = self.comm.Get_size()
        # The collective every rank expects next (see _Expectation), and what decides it:
        # the same on every rank, since only outcomes every rank sees change it.
        self.expected = None
        self.run_signature = None  # the collective the last agreed rounds were, and how many
        self.run = 0
        self.needed = 2            # agreed rounds in a row before the next is expected
        self.fast_steps = 0        # steps made without an agreement round (for tests)
        self.misses = 0            # expectations a rank did not meet (for tests)

    def close(self):
        self.half_sum.Free()
        self.local.Free()
        self.comm.Free()


def _add_halves(inmem, inoutmem, datatype):
    """MPI user op: inout += in, both float16 (carried as MPI 16-bit integers)."""
    acc = numpy.frombuffer(inoutmem, dtype=numpy.float16)
    acc += numpy.frombuffer(inmem, dtype=numpy.float16)


def init(comm=None):
    """Starts MPI (if needed) and joins the job. `comm`: an mpi4py communicator, or a list of
    world ranks forming the job; default: every process of the `mpiexec` launch."""
    global _job
    if _job is not None:
        return
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ImportError("minitf.horovod needs mpi4py and an MPI library: "
                          "pip install -e '.[mpi]' (brings mpi4py and the mpich wheel)") from e
    if comm is None:
        comm = MPI.COMM_WORLD
    elif isinstance(comm, (list, tuple)):
        group = MPI.COMM_WORLD.Get_group().Incl(list(comm))
        comm = MPI.COMM_WORLD.Create_group(group)
    _job = _Job(comm)
    if _job.comm.Get_size() > 1:
        _abort_on_uncaught_exceptions()


def shutdown():
    """Leaves the job; hvd.* calls then need init() again."""
    global _job
    if _job is not None:
        _job.close()
        _job = None


def is_initialized():
    return _job is not None


def _require():
    if _job is None:
        raise ValueError(_NOT_INITIALIZED)
    return _job


def rank():
    """This process's rank in the job, 0 .. size()-1."""
    return _require().comm.Get_rank()


def size():
    """The number of processes in the job."""
    return _require().comm.Get_size()


def local_rank():
    """This process's rank among the processes on its machine."""
    return _require().local.Get_rank()


def local_size():
    """The number of processes of the job on this machine."""
    return _require().local.Get_size()


def mpi_threads_supported():
    job = _require()
    return job.MPI.Query_thread() == job.MPI.THREAD_MULTIPLE


def mpi_enabled():
    return True


def mpi_built():
    return True


def gloo_enabled():
    return False


def gloo_built():
    return False


def nccl_built():
    return False


def _abort_on_uncaught_exceptions():
    """An exception no one catches on one rank ends the whole job (MPI_Abort), as Horovod does
    without elastic mode: the other ranks would otherwise wait forever in their next collective."""
    previous = sys.excepthook

    def abort(kind, value, tb):
        # The one-line summary first: the launcher may end this process while the traceback
        # is still being written (once another rank's abort reaches it).
        try:
            first_line = (str(value).splitlines() or [""])[0]
            sys.stderr.write("minitf.horovod: rank %d raised an uncaught %s: %s\n"
                             "minitf.horovod: aborting the job so the other ranks do not wait "
                             "for it forever.\n"
                             % (_mpi().COMM_WORLD.Get_rank(), kind.__name__, first_line))
            sys.stderr.flush()
            previous(kind, value, tb)
            sys.stderr.flush()
            sys.stdout.flush()
            for stream in (sys.stdout, sys.stderr):
                _drain(stream)
        finally:
            _mpi().COMM_WORLD.Abort(1)
    if getattr(previous, "_minitf_aborts", False):
        return  # installed by an earlier init()
    abort._minitf_aborts = True
    sys.excepthook = abort


def _mpi():
    from mpi4py import MPI
    return MPI


def _drain(stream, limit=2.0):
    """Waits, at most `limit` seconds, until whoever reads `stream` through a pipe (the MPI
    launcher, forwarding a rank's output) has read all that was written to it. An abort makes
    the launcher tear the job down at once, and what it had not read yet was lost: under load
    a failed rank's message sometimes never appeared. Not a pipe: returns at once."""
    try:
        import array
        import fcntl
        import stat
        import termios
        fd = stream.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return
        unread = array.array("i", [0])
        deadline = time.monotonic() + limit
        while True:
            fcntl.ioctl(fd, termios.FIONREAD, unread, True)  # bytes still in the pipe
            if unread[0] == 0 or time.monotonic() > deadline:
                return
            time.sleep(0.001)
    except (ImportError, OSError, ValueError, AttributeError):
        return  # no pipe to wait for (a closed or replaced stream, another platform)


# -- agreement between ranks --------------------------------------------------------------------

def _signature(description):
    digest = hashlib.blake2b(repr(description).encode(), digest_size=7).digest()
    return int.from_bytes(digest, "little")


def agree(job, description):
    """Checks that every rank is at the same collective with the same tensors. `description`
    is a tuple (kind, name, [(dtype, shape)...], ...) that must be equal on all ranks; on a
    mismatch every rank raises InvalidArgumentError listing what each rank submitted. Waiting
    here warns after HOROVOD_STALL_CHECK_TIME_SECONDS and, when
    HOROVOD_STALL_SHUTDOWN_TIME_SECONDS is set, gives up with DeadlineExceededError."""
    finish_agreement(job, start_agreement(job, _signature(description), description),
                     description)


def start_agreement(job, signature, description):
    """Posts the agreement round for a description's `signature` (see agree); None alone.
    When the ranks expect another collective, this rank first tells them it is not there."""
    if job.size == 1:
        return None
    if job.expected is not None:
        _decline_expected(job, description)
    send = numpy.array([signature, -signature], dtype=numpy.int64)
    got = numpy.empty(2, dtype=numpy.int64)
    return job.comm.Iallreduce(send, got, op=job.MPI.MAX), send, got


def finish_agreement(job, pending, description, expectation=None):
    """Waits for the round start_agreement posted; raises if the ranks' descriptions differ.
    `expectation`: the _Expectation of the collective agreed on, when it can be expected."""
    if pending is None:
        return
    request, _, got = pending
    _wait(job, request, description)
    if got[0] == -got[1]:  # the largest signature equals the smallest: all ranks agree
        _agreed(job, expectation)
        return
    _agreed(job, None)
    everyone = job.comm.allgather(description)
    lines = ["  rank %d: %s %r with %s" % (r, d[0], d[1], _describe(d[2]))
             for r, d in enumerate(everyone)]
    differing = [r for r, d in enumerate(everyone) if d != description]
    raise errors.InvalidArgumentError(
        None, None,
        "Mismatched Horovod collectives: ranks %s submitted something different from rank %d "
        "at the same step (every rank must run the same collectives on tensors of the same "
        "names, dtypes and shapes, in the same order):\n%s"
        % (differing, job.comm.Get_rank(), "\n".join(lines)))


# -- expected collectives ----------------------------------------------------------------------
#
# A training loop runs the same fused allreduce every step. Once every rank has agreed on the
# same one `job.needed` times in a row, every rank EXPECTS it next: the next step sends its
# data at once, without an agreement round, in a buffer one element longer than the data. That
# element is 0 from a rank at the expected collective; a rank at any other collective (or the
# same one with other shapes) sends instead a buffer of the expected length and dtype holding
# 1 there (so MPI sees the same collective, count and type on every rank, as it must), then
# takes the agreement round of its own collective. The sum of that element is exact (buffers
# of 4- and 8-byte numbers only), the same on every rank, and 0 only when every rank was at
# the expected collective:
# then the data is good; else every rank drops it and takes the agreement round (where a
# mismatch is reported as always). Each decision rests only on outcomes every rank sees, so
# the ranks never disagree about whether a collective is expected.
# A miss costs one round of the expected size; after a miss that ended a short run (under 16
# rounds) the next run must be twice as long before its collective is expected (collectives
# that alternate, such as a gradient allreduce and a metric allreduce in one loop, are then
# never expected); a long run brings it back to 2.

_EXPECT_SMALL_BYTES = 64 * 1024  # a lone tensor up to this size is copied to be expected


class _Expectation:
    """The collective every rank expects next: its signature, and the length and dtype of
    the buffer it sends (data and the flag element)."""

    __slots__ = ("signature", "count", "dtype")

    def __init__(self, signature, count, dtype):
        self.signature = signature
        self.count = count
        self.dtype = dtype


def _agreed(job, expectation):
    """Every rank agreed on a collective that may be expected (`expectation`), or on one that
    may not, or disagreed (None)."""
    signature = None if expectation is None else expectation.signature
    if signature is not None and signature == job.run_signature:
        job.run += 1
    else:
        _run_ended(job, missed=False)
        job.run_signature = signature
        job.run = 0 if signature is None else 1
    if job.run >= job.needed:
        job.expected = expectation


def _missed(job):
    """Some rank was not at the expected collective: every rank stops expecting it."""
    job.expected = None
    job.misses += 1
    _run_ended(job, missed=True)
    job.run_signature = None
    job.run = 0


def _run_ended(job, missed):
    """A run of the same collective ended (by a miss, or by agreeing on another one): a long
    run pays for a miss, so the next one is expected after 2 agreed rounds again; a miss after
    a short run doubles the agreed rounds the next run needs."""
    if job.run >= 16:
        job.needed = 2
    elif missed:
        job.needed = min(2 * job.needed, 1 << 20)


def _decline_expected(job, description):
    """This rank is not at the expected collective: it sends the flag (see above)."""
    expected = job.expected
    dummy = numpy.zeros(expected.count, dtype=expected.dtype)
    dummy[-1] = 1
    _wait(job, job.comm.Iallreduce(job.MPI.IN_PLACE, dummy, op=job.MPI.SUM), description)
    _missed(job)


def _describe(specs):
    return ", ".join("%s%s" % (dtype, list(shape)) for dtype, shape in specs) or "no tensors"


_yield = getattr(os, "sched_yield", lambda: None)


_SPIN_SECONDS = 0.0002  # about one 1 MB allreduce on one machine
_YIELD_SECONDS = 0.02


def _wait(job, request, description):
    # Three phases. (1) Spin on MPI_Test for up to 200 us: the other ranks usually arrive
    # within microseconds, and a moderate transfer completes in that time; a rank that gives
    # its core away meanwhile (sched_yield) may get it back only a time slice later when other
    # processes want it (the MLP gradients' 1 MB packed and reduced by MPI_Iallreduce, 2 ranks
    # at load 2-3: per-round median 0.55-0.82x a raw blocking MPI_Allreduce with the spin,
    # 0.93-1.18x yielding from the first test).
    # (2) Then yield the core between tests, as MPI's own waits do: on a machine with more
    # runnable processes than cores, a rank spinning without yielding keeps the rank it waits
    # for off the core (measured 1.9x the time of MPI_Wait, 1.1x with the yield).
    # (3) After 20 ms, poll every millisecond so a rank far behind does not burn a core the
    # others need. Ctrl-C and the stall limits work throughout.
    if request.Test():
        return
    start = time.monotonic()
    spin_until = start + _SPIN_SECONDS
    yield_until = start + _YIELD_SECONDS
    warned = False
    while not request.Test():
        now = time.monotonic()
        if now < spin_until:
            continue
        if now < yield_until:
            _yield()
            continue
        time.sleep(0.001)
        waited = now - start
        if not warned and waited > job.stall_warning:
            warned = True
            warnings.warn("minitf.horovod: rank %d has waited %.0f s for the other ranks at %s "
                          "%r; one of them may have stopped or be running different ops"
                          % (job.comm.Get_rank(), waited, description[0], description[1]))
        if job.stall_shutdown and waited > job.stall_shutdown:
            # The request stays posted (MPI cannot cancel a collective): an uncaught error
            # then aborts the job, which is what ends the ranks still waiting.
            raise errors.DeadlineExceededError(
                None, None,
                "minitf.horovod: rank %d gave up after %.0f s waiting for the other ranks at %s "
                "%r (HOROVOD_STALL_SHUTDOWN_TIME_SECONDS=%g): another rank failed, stopped, or "
                "runs different collectives" % (job.comm.Get_rank(), waited, description[0],
                                                description[1], job.stall_shutdown))


# -- the collectives (host numpy buffers) -------------------------------------------------------

def _specs(arrays):
    return [(a.dtype.name, tuple(a.shape)) for a in arrays]


def check_summable(name, arrays):
    for a in arrays:
        if a.dtype.name not in _SUMMABLE:
            raise errors.InvalidArgumentError(
                None, None, "Horovod cannot allreduce %s tensors (%r): only %s"
                % (a.dtype.name, name, ", ".join(_SUMMABLE)))


class FusedAllreduce:
    """One allreduce op's reduction (Horovod's tensor fusion): arrays of one dtype are packed
    into a fusion buffer, at most HOROVOD_FUSION_THRESHOLD bytes each (an array larger than
    that goes alone), summed in place there with one MPI call per buffer, and handed back as
    views of that buffer: no copy out. An array alone in its bucket is reduced straight from
    the input into the op's own output buffer (no copy in either), as a raw MPI_Allreduce.

    The buffers belong to this op and persist across runs: MPI moves memory it has touched
    before several times faster than fresh pages, and an output never needs allocating. The
    outputs are therefore overwritten by the op's next run; the op declares no fresh output,
    so the session copies them when they are fetched, as it does a variable's value.

    Everything a step needs besides the values (the agreement signature, the views the
    inputs are packed into, which are also the outputs) is made once per layout of the
    inputs (their dtypes and shapes) as a _Plan: a step of a known layout makes no view and
    builds no list (numpy makes a view in about 1 us, and the MLP's six tensors needed twelve
    a step)."""

    _MAX_PLANS = 16  # layouts remembered (a tensor whose shape changes every step makes many)

    def __init__(self, name, postscale=1.0):
        self.name = name
        self.postscale = postscale
        self.plan = None   # the last step's plan
        self.plans = {}    # layout -> _Plan
        self.buffers = []  # one persistent flat array per bucket (grown, never shrunk)

    def __call__(self, arrays):
        return self.step(*arrays)

    def step(self, *arrays):
        """Reduces `arrays` (host arrays: the kernel of a host op calls this directly) and
        returns the outputs, one per array, as a tuple."""
        job = _job
        plan = self.plan
        if plan is None or plan.job is not job or \
                list(map(_dtype_and_shape, arrays)) != plan.layout:
            plan = self._find_plan(job, arrays)
        expected = job.expected
        if expected is not None and expected.signature == plan.signature:
            # A step every rank expected (see _Expectation): the data goes at once, with the
            # flag element after the first bucket's (always packed: see _plan).
            first = plan.buckets[0]
            first.pack(arrays)
            wire = first.wire
            wire[-1] = 0
            # (MPI_SUM is the default op; naming it costs mpi4py 0.4 us)
            _wait(job, job.comm.Iallreduce(job.in_place, wire), plan.description)
            if wire[-1] == 0:
                job.run += 1
                job.fast_steps += 1
                if first.postscale is not None:
                    first.buffer *= first.postscale
                for bucket in plan.rest:
                    bucket.reduce(job, arrays)
                return plan.outputs
            # some rank was elsewhere: every rank drops the data and takes the agreement round
            _missed(job)
        # The agreement round travels while the inputs are packed (a 16-byte message that
        # would otherwise be a second wait per step).
        pending = start_agreement(job, plan.signature, plan.description)
        sources = [bucket.stage(arrays) for bucket in plan.buckets]
        finish_agreement(job, pending, plan.description, plan.expectation)
        for bucket, source in zip(plan.buckets, sources):
            bucket.finish(job, source)
        return plan.outputs

    def _find_plan(self, job, arrays):
        if job is None:
            raise ValueError(_NOT_INITIALIZED)
        layout = tuple(map(_dtype_and_shape, arrays))
        plan = self.plans.get(layout)
        if plan is None or plan.job is not job:
            plan = self._plan(job, layout, arrays)
        self.plan = plan
        return plan

    def _plan(self, job, layout, arrays):
        check_summable(self.name, arrays)
        if len(self.plans) >= self._MAX_PLANS:
            self.plans.clear()
        buckets = []
        outputs = [None] * len(arrays)
        for k, (dtype, members) in enumerate(_buckets(arrays, job.fusion_threshold)):
            total = sum(arrays[i].size for i in members)
            if k == len(self.buffers):
                self.buffers.append(None)
            buffer = self.buffers[k]
            if buffer is None or buffer.dtype != dtype or buffer.size < total + 1:
                # a new buffer: plans holding views of the old one are dropped with it
                self.plans.clear()
                buffer = self.buffers[k] = numpy.empty(total + 1, dtype=dtype)  # + the flag
            bucket = _Bucket(buffer[:total + 1], members, arrays, self.postscale)
            for i, view in zip(members, bucket.views):
                outputs[i] = view
            buckets.append(bucket)
        description = ("allreduce", self.name, _specs(arrays))
        # the bucketing and scale are part of what every rank must agree on
        signature = _signature(description + (job.fusion_threshold, self.postscale))
        expectation = None
        first = buckets[0] if buckets else None
        if job.size > 1 and first is not None and first.buffer.dtype.itemsize >= 4 and (
                first.alone is None or first.buffer.nbytes <= _EXPECT_SMALL_BYTES):
            first.alone = None  # packed, to travel with the flag element
            expectation = _Expectation(signature, first.wire.size, first.buffer.dtype)
        plan = self.plans[layout] = _Plan(job, layout, signature, description, buckets,
                                          tuple(outputs), expectation)
        return plan


class _Plan:
    """What a FusedAllreduce step of one layout needs besides the values."""

    __slots__ = ("job", "layout", "signature", "description", "buckets", "rest", "outputs",
                 "expectation")

    def __init__(self, job, layout, signature, description, buckets, outputs, expectation):
        self.job = job
        self.expectation = expectation  # an _Expectation when every rank may expect it
        self.layout = list(layout)  # [(dtype, shape)] per input: compared with a step's
        self.signature = signature
        self.description = description
        self.buckets = buckets
        self.rest = buckets[1:]  # what an expected step reduces after the first bucket
        self.outputs = outputs


class _Bucket:
    """One fusion buffer of a plan: the members' views in it (shaped as the inputs; they are
    the outputs too, since the sum is made in place) and how values are scaled."""

    __slots__ = ("buffer", "wire", "members", "views", "pairs", "scale", "postscale", "alone")

    def __init__(self, wire, members, arrays, postscale):
        self.wire = wire  # the buffer and the flag element after it (see _Expectation)
        buffer = self.buffer = wire[:-1]
        self.members = members
        offset = 0
        self.views = []
        for i in members:
            a = arrays[i]
            self.views.append(buffer[offset:offset + a.size].reshape(a.shape))
            offset += a.size
        self.pairs = list(zip(members, self.views))
        dtype = buffer.dtype
        scaled = postscale != 1.0
        # Floats are scaled as they are packed (Horovod's prescale: the values are written
        # once either way, where a scale after the sum is a second pass); integers after.
        # (A 0-d array rather than a numpy scalar: numpy resolves the loop for it 0.15 us
        # faster a call, and multiplies the same.)
        self.scale = numpy.array(postscale, dtype) if scaled and dtype.kind == "f" else None
        self.postscale = numpy.array(postscale, dtype) if scaled and dtype.kind != "f" \
            else None
        self.alone = members[0] if len(members) == 1 and self.scale is None else None

    def stage(self, arrays):
        """What MPI sends: the input itself when it is alone in the bucket and contiguous
        (summed straight into the buffer), else None after packing the inputs into the
        buffer (summed in place)."""
        if self.alone is not None:
            a = arrays[self.alone]
            if a.flags.c_contiguous:
                return a.reshape(-1)
        self.pack(arrays)
        return None

    def pack(self, arrays):
        """Writes the members into the buffer (scaled, for floats)."""
        scale = self.scale
        if scale is None:
            for i, view in self.pairs:
                numpy.copyto(view, arrays[i])
        else:
            multiply = numpy.multiply
            for i, view in self.pairs:
                multiply(arrays[i], scale, view)

    def finish(self, job, source):
        """Sums what stage() made ready over the ranks, into the buffer."""
        _sum_into(job, source, self.buffer)
        if self.postscale is not None:
            self.buffer *= self.postscale  # floats were scaled as they were packed

    def reduce(self, job, arrays):
        self.finish(job, self.stage(arrays))


_dtype_and_shape = operator.attrgetter("dtype", "shape")  # what a plan is made for, per input


def _buckets(arrays, threshold):
    """(dtype, [indices]) groups in order: one dtype each, at most `threshold` bytes unless a
    single array is larger."""
    open_ = {}
    result = []
    for i, a in enumerate(arrays):
        entry = open_.get(a.dtype)
        if entry is None or (entry[2] + a.nbytes > threshold and entry[1]):
            entry = [a.dtype, [], 0]
            open_[a.dtype] = entry
            result.append(entry)
        entry[1].append(i)
        entry[2] += a.nbytes
    return [(dtype, members) for dtype, members, _ in result]


def _sum_into(job, source, buffer):
    """buffer = the sum over the ranks of `source` (None: of `buffer` itself, in place)."""
    MPI = job.MPI
    send = MPI.IN_PLACE if source is None else source
    if buffer.dtype == numpy.float16:  # MPI has no half type: our op on 16-bit carriers
        if source is not None:
            send = [source.view(numpy.uint16), MPI.UINT16_T]
        job.comm.Allreduce(send, [buffer.view(numpy.uint16), MPI.UINT16_T], op=job.half_sum)
    else:
        job.comm.Allreduce(send, buffer)  # MPI_SUM


def allgather(name, array):
    """Concatenates every rank's array along axis 0 (the first dimension may differ)."""
    job = _require()
    agree(job, ("allgather", name, [(array.dtype.name, tuple(array.shape[1:]))]))
    array = _contiguous(array)
    rows = job.comm.allgather(array.shape[0] if array.ndim else 1)
    if array.ndim == 0:
        raise errors.InvalidArgumentError(None, None,
                                          "Horovod allgather needs a tensor of rank >= 1: %r"
                                          % name)
    row_bytes = array.nbytes // array.shape[0] if array.shape[0] else \
        array.dtype.itemsize * int(numpy.prod(array.shape[1:]))
    counts = [r * row_bytes for r in rows]
    displacements = numpy.concatenate([[0], numpy.cumsum(counts)[:-1]]).tolist()
    result = numpy.empty((sum(rows),) + array.shape[1:], dtype=array.dtype)
    job.comm.Allgatherv([_bytes(array), job.MPI.BYTE],
                        [_bytes(result), (counts, displacements),
                         job.MPI.BYTE])
    return result


def broadcast(name, array, root_rank):
    """Rank `root_rank`'s array, on every rank."""
    job = _require()
    check_root_rank(root_rank)
    agree(job, ("broadcast", name, _specs([array]), root_rank))
    result = numpy.array(array, copy=True, order="C")
    job.comm.Bcast([_bytes(result), job.MPI.BYTE], root=root_rank)
    return result


def _contiguous(array):
    # not numpy.ascontiguousarray: it turns a scalar into shape (1,)
    return array if array.flags.c_contiguous else array.copy(order="C")


def _bytes(array):
    """A contiguous array's memory as a flat uint8 view (what MPI moves for gathers and
    broadcasts, whatever the dtype)."""
    return array.reshape(-1).view(numpy.uint8)


def check_root_rank(root_rank):
    n = size()
    if not isinstance(root_rank, (int, numpy.integer)) or not 0 <= root_rank < n:
        raise ValueError("root_rank must be a rank of the job, 0 .. %d; got %r"
                         % (n - 1, root_rank))

