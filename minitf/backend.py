"""The only module that imports cupy: picks the array module (`xp`) for a device and moves arrays.

Kernels receive `xp` (numpy or cupy) and call only `xp.*`, so each kernel is written once. Device
strings follow TF1 (`/cpu:0`, `/device:GPU:0`); placement is soft, as with TF's
`allow_soft_placement=True`: a GPU request without a usable GPU runs on numpy.
"""

import os

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


def array_module_for(device):
    """The array module an op placed on `device` runs with. With no device given, ops run on the
    GPU when one is usable (TF1's default placement), else on numpy."""
    device = (device or "").lower()
    if "cpu" in device:
        return numpy
    cp = cupy_module()
    return cp if cp is not None else numpy


def to_numpy(value):
    """A host (numpy) copy of a device array; anything else passes through unchanged."""
    if _cupy is not None and isinstance(value, _cupy.ndarray):
        return _cupy.asnumpy(value)
    return value


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


def check_allocation(xp, shape, dtype):  # xp None: the host
    """Raises MemoryError (a run reports it as ResourceExhaustedError naming the op) when an
    array of `shape` and `dtype` cannot fit in host memory, before trying: with the kernel's
    usual overcommit a too-large allocation can succeed and then get the process killed when
    its pages are touched. On a GPU, cupy raises its own out-of-memory error."""
    if xp is not None and xp is not numpy:
        return
    count = 1
    for d in shape:
        count *= int(d)
    nbytes = count * numpy.dtype(dtype).itemsize
    limit = host_memory_bytes()
    if limit is not None and nbytes > limit:
        raise MemoryError("OOM: cannot allocate %d bytes for a tensor of shape %s and dtype %s "
                          "(this machine has %d bytes of memory)"
                          % (nbytes, list(shape), numpy.dtype(dtype).name, limit))
