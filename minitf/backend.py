"""The only module that imports cupy: devices (where arrays live and kernels run, each with its
array module `xp`) and moving arrays between them.

Kernels receive `xp` (numpy or cupy) and call only `xp.*`, so each kernel is written once. Device
strings follow TF1 (`/cpu:0`, `/device:GPU:1`, canonical `/device:GPU:1`): `/gpu:1` is the second
GPU. Placement is soft by default, as with TF's `allow_soft_placement=True`: a GPU that is not
there means the first GPU, or the host when there is none (a Session with
`allow_soft_placement=False` refuses instead).
"""

import contextlib
import functools
import os
import re

import numpy

# Where ops that work on the host run whatever the placement (printing, summaries,
# checkpoint I/O: their kernels format values or touch files).
HOST_DEVICE = "/device:CPU:0"

_cupy = None
_cupy_checked = False


def cupy_module():
    """cupy if it is installed and sees a GPU (and MINITF_DISABLE_GPU is unset), else None."""
    global _cupy, _cupy_checked
    if not _cupy_checked:
        _cupy_checked = True
        if not os.environ.get("MINITF_DISABLE_GPU"):
            try:
                import cupy
                if cupy.cuda.runtime.getDeviceCount() > 0:
                    _cupy = cupy
            except Exception:  # no cupy, no driver, or no device: numpy it is
                _cupy = None
    return _cupy


def gpu_available():
    return cupy_module() is not None


class Device:
    """A place where arrays live and kernels run: `kind` ("CPU" or "GPU"), `index`, and `xp`,
    the array module its kernels use. There is one object per device (compare with `is`)."""

    __slots__ = ("kind", "index", "xp", "name")

    def __init__(self, kind, index, xp):
        self.kind, self.index, self.xp = kind, index, xp
        self.name = "/device:%s:%d" % (kind, index)

    def activate(self):
        """A context in which new arrays and kernel launches go to this device."""
        if self.kind == "CPU":
            return contextlib.nullcontext()
        return self.xp.cuda.Device(self.index)

    def put(self, value):
        """`value` as an array on this device (a copy only when it is elsewhere). A tuple is a
        control-flow op's per-run token (the residuals its gradient reads): it stays as it is, as
        do None (no value) and an object marked `device_free` (a TensorArray's flow or handle,
        whose elements stay where they were written)."""
        if self.kind == "CPU":
            return to_numpy(value)
        if value is None or isinstance(value, tuple) or getattr(value, "device_free", False):
            return value
        if not isinstance(value, self.xp.ndarray):
            with self.activate():
                return self.xp.asarray(value)
        if _device_id(value) == self.index:
            return value
        with self.activate():  # from another GPU
            return self.xp.array(value)

    def __repr__(self):
        return "<Device %s>" % self.name


def _device_id(value):
    device = getattr(value, "device", None)
    return getattr(device, "id", None)


HOST = Device("CPU", 0, numpy)
_gpus = {}  # cupy module -> its Device objects


def gpus():
    """The GPUs cupy sees (none without cupy or with MINITF_DISABLE_GPU set)."""
    cp = cupy_module()
    if cp is None:
        return []
    if cp not in _gpus:
        _gpus[cp] = [Device("GPU", i, cp) for i in range(cp.cuda.runtime.getDeviceCount())]
    return _gpus[cp]


_SPEC = re.compile(r".*(cpu|gpu)(?::(\d+))?$", re.IGNORECASE)


def device_for(spec, soft=True, max_gpus=None):
    """The Device of an op placed on `spec` ('' lets minitf choose: the first GPU when there is
    one, as TF1 does, else the host). A GPU that is not there is the first GPU, or the host,
    when `soft`; else None. `max_gpus` (ConfigProto's device_count["GPU"]) hides the GPUs past
    that many."""
    available = gpus()[:max_gpus]
    m = _SPEC.match(spec or "")
    if m is None:
        return available[0] if available else HOST
    if m.group(1).lower() == "cpu":
        return HOST
    index = int(m.group(2) or 0)
    if index < len(available):
        return available[index]
    if not soft:
        return None
    return available[0] if available else HOST


def list_devices(max_gpus=None):
    """The devices ops can run on: the host, then each GPU cupy sees (at most `max_gpus`)."""
    return [HOST] + gpus()[:max_gpus]


def gpu_properties(device):
    """(name, pci bus id, compute capability "major.minor", free bytes) of a GPU Device."""
    runtime = device.xp.cuda.runtime
    props = runtime.getDeviceProperties(device.index)
    name = props["name"]
    if isinstance(name, bytes):
        name = name.decode()
    bus = "%04x:%02x:%02x.0" % (props.get("pciDomainID", 0), props.get("pciBusID", 0),
                                props.get("pciDeviceID", 0))
    with device.activate():
        free = runtime.memGetInfo()[0]
    return name, bus, "%d.%d" % (props["major"], props["minor"]), free


def array_module_for(device):
    """The array module an op placed on the device string `device` runs with."""
    return device_for(device).xp


def to_numpy(value):
    """A host (numpy) copy of a device array; anything else passes through unchanged."""
    if _cupy is not None and isinstance(value, _cupy.ndarray):
        return _cupy.asnumpy(value)
    return value


# What numpy's and cupy's solvers raise for a singular or non-positive-definite input.
LinAlgError = numpy.linalg.LinAlgError


def linalg_errors(xp):
    """A context in which `xp`'s solvers raise LinAlgError for a singular input, as numpy's
    do: cupy's, by default, return NaNs and infinities without reading the solver's status
    back from the GPU."""
    if getattr(xp, "__name__", None) != "cupy":
        return contextlib.nullcontext()
    import cupyx
    return cupyx.errstate(linalg="raise")


def elementwise_kernel(xp, in_params, out_params, body, name):
    """One fused kernel for a formula that would otherwise make a pass (or a GPU launch) per
    operation: on a GPU a cupy.ElementwiseKernel, on the host the same body compiled with the
    system's C++ compiler (minitf/native.py), or None where there is none. Compiled without
    fused multiply-adds, so each operation rounds as numpy's does: the same bits."""
    if xp is numpy:
        from minitf import native
        return native.elementwise_kernel(in_params, out_params, body, name)
    make = getattr(xp, "ElementwiseKernel", None)
    if make is None:
        return None
    return make(in_params, out_params, body, name, options=("--fmad=false",))


def to_module(value, xp):
    """`value` as an array of module `xp` (a copy only when it has to cross devices)."""
    if xp is numpy:
        return to_numpy(value)
    return xp.asarray(value)


def host_memory_bytes():
    """The most one array on the host can take: the machine's physical memory, or the
    process's address-space limit when that is lower."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not POSIX: no check
        return None
    try:
        import resource
        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            total = min(total, soft)
    except (ImportError, OSError, ValueError):
        pass
    return total


@functools.lru_cache(maxsize=None)
def _gpu_memory_bytes(xp):
    """The total memory of the GPU current when first asked (once: Fill checks it every run)."""
    return xp.cuda.runtime.memGetInfo()[1]


def check_allocation(xp, shape, dtype):  # xp None: the host
    """Raises MemoryError (a run reports it as ResourceExhaustedError naming the op) when an
    array of `shape` and `dtype` cannot fit in host memory, before trying: with the kernel's
    usual overcommit a too-large allocation can succeed and then get the process killed when
    its pages are touched. On a GPU the limit is the device's memory (a broadcast view would
    otherwise pass, and fail only when it is copied back)."""
    count = 1
    for d in shape:
        count *= int(d)
    nbytes = count * numpy.dtype(dtype).itemsize
    if xp is not None and xp is not numpy:
        limit, where = _gpu_memory_bytes(xp), "this GPU has"
    else:
        limit, where = host_memory_bytes(), "this machine has"
    if limit is not None and nbytes > limit:
        raise MemoryError("OOM: cannot allocate %d bytes for a tensor of shape %s and dtype %s "
                          "(%s %d bytes of memory)"
                          % (nbytes, list(shape), numpy.dtype(dtype).name, where, limit))
