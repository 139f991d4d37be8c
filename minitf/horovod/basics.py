"""The MPI side of minitf.horovod: this process's place in the job, and the collectives the graph
ops call (checked across ranks first, so a mismatch is an error instead of a hang or garbage)."""

import hashlib
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
        self._fusion = {}  # dtype -> persistent buffer (grown, never shrunk)

    def fusion_buffer(self, dtype, size):
        """A persistent flat buffer of `dtype` with `size` elements (a view of the dtype's
        fusion buffer)."""
        buffer = self._fusion.get(dtype)
        if buffer is None or buffer.size < size:
            buffer = numpy.empty(size, dtype=dtype)
            self._fusion[dtype] = buffer
        return buffer[:size]

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
        finally:
            _mpi().COMM_WORLD.Abort(1)
    if getattr(previous, "_minitf_aborts", False):
        return  # installed by an earlier init()
    abort._minitf_aborts = True
    sys.excepthook = abort


def _mpi():
    from mpi4py import MPI
    return MPI


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
    MPI = job.MPI
    if job.comm.Get_size() == 1:
        return
    mine = _signature(description)
    send = numpy.array([mine, -mine], dtype=numpy.int64)
    got = numpy.empty(2, dtype=numpy.int64)
    request = job.comm.Iallreduce(send, got, op=MPI.MAX)
    _wait(job, request, description)
    if got[0] == -got[1]:  # the largest signature equals the smallest: all ranks agree
        return
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


def _describe(specs):
    return ", ".join("%s%s" % (dtype, list(shape)) for dtype, shape in specs) or "no tensors"


def _wait(job, request, description):
    # Spin on MPI_Test first (ranks usually arrive within microseconds of each other, and a
    # blocking MPI call would spin too), then poll every millisecond so a rank far behind does
    # not burn a core the others need; either way Ctrl-C and the stall limits stay possible.
    start = time.monotonic()
    spin_until = start + 0.02
    warned = False
    spins = 0
    while not request.Test():
        spins += 1
        if spins & 63:
            continue
        now = time.monotonic()
        if now < spin_until:
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


def grouped_allreduce(name, arrays, postscale=1.0):
    """Sums each array across ranks; returns new arrays. Arrays of one dtype are packed into
    one of the job's persistent fusion buffers, at most HOROVOD_FUSION_THRESHOLD bytes at a
    time (an array larger than that goes alone), and reduced in place there with one MPI call
    per buffer: Horovod's tensor fusion. Persistent buffers matter: MPI moves a buffer it has
    seen before several times faster than freshly allocated memory."""
    job = _require()
    for a in arrays:
        if a.dtype.name not in _SUMMABLE:
            raise errors.InvalidArgumentError(
                None, None, "Horovod cannot allreduce %s tensors (%r): only %s"
                % (a.dtype.name, name, ", ".join(_SUMMABLE)))
    agree(job, ("allreduce", name, _specs(arrays)))
    out = [None] * len(arrays)
    for dtype, members in _buckets(arrays, job.fusion_threshold):
        sizes = [arrays[i].size for i in members]
        buffer = job.fusion_buffer(dtype, sum(sizes))
        offset = 0
        for i, n in zip(members, sizes):
            buffer[offset:offset + n] = arrays[i].reshape(-1)
            offset += n
        _sum_in_place(job, buffer)
        if postscale != 1.0:
            buffer *= dtype.type(postscale)
        offset = 0
        for i, n in zip(members, sizes):
            out[i] = buffer[offset:offset + n].reshape(arrays[i].shape).copy()
            offset += n
    return out


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


def _sum_in_place(job, buffer):
    MPI = job.MPI
    if buffer.dtype == numpy.float16:  # MPI has no half type: our op on 16-bit carriers
        job.comm.Allreduce(MPI.IN_PLACE, [buffer.view(numpy.uint16), MPI.UINT16_T],
                           op=job.half_sum)
    else:
        job.comm.Allreduce(MPI.IN_PLACE, buffer, op=MPI.SUM)


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

