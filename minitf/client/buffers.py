"""The session's buffer pool: large intermediates a plan is done with, kept by shape and dtype
for kernels that write into `out=` (TF keeps its own allocator for the same reason: above
glibc's dynamic mmap ceiling every fresh array is a new mapping whose pages fault in on first
touch)."""

import inspect
import sys

import numpy

_POOL_MIN_ELEMENTS = 1 << 20  # 4 MB of float32: malloc already recycles smaller arrays well
# Arrays at least this large are kept for the next run even when no later step of this run
# draws them. malloc does not recycle them across runs: above glibc's dynamic mmap threshold
# (up to 32 MiB) each is a fresh mapping, and below it the freed top of the heap is returned to
# the system once it exceeds the trim threshold (twice the mmap threshold), so the next run's
# arrays fault their pages in again. Measured on the LeNet step of benchmarks/cnn.py (batch 128,
# arrays of 3-13 MB): 4,063 minor page faults per step and 12% more CPU time with a 32 MiB
# limit, none with 4 MiB. Smaller arrays are freed at their last use: an idle pooled array adds
# to the run's peak memory (the 784-256-256-10 MLP step's 512 KB arrays: 1.27x the tensors
# alive at once if kept, 1.01x if not).
_KEEP_MIN_BYTES = 4 << 20
# In a loop body (a nested plan) from 32 KB: a loop whose gradient keeps every iteration's values
# holds them all at once (an LSTM step: ~30 MB of 64x256 arrays); drawn from malloc, their pages
# faulted in every step (9,600 minor faults, a fifth of the step), drawn from the pool not.
NESTED_POOL_MIN_ELEMENTS = 1 << 13
# Pooled arrays of _KEEP_MIN_BYTES or more start at a multiple of ALIGN bytes (a cache line).
# A fresh numpy array that large is a mapping of its own, and malloc's header puts its data 16
# bytes past a page boundary: OpenBLAS writes a 4096x1024 @ 1024x1024 float32 product 2-6%
# faster into an aligned array (19.4-19.8 vs 19.9-20.7 ms on two threads), numpy's vector loops
# run 5-15% faster (bias add 0.78 vs 0.82 ms, relu 0.80 vs 0.93, the bias gradient's sum 0.48 vs
# 0.51), as TF aligns its tensors. A kernel's own output of that size is not kept (the next
# run draws an aligned one instead, `aligned_empty`).
ALIGN = 64


def worth_pooling(t, minimum=_POOL_MIN_ELEMENTS):
    """Whether tensor `t` is large enough (or of unknown size) to draw its array from the pool."""
    n = t.shape.num_elements()
    return n is None or n >= minimum


def kept_for_next_run(t):
    """Whether the array of tensor `t`, once no later step of the run can draw it, may be worth
    keeping for the next run (size unknown, or at least _KEEP_MIN_BYTES, whose pages malloc
    would map afresh): smaller ones are freed at their last use, as an idle pooled array would
    add to the run's peak memory."""
    n = t.shape.num_elements()
    return n is None or n * t.dtype.size >= _KEEP_MIN_BYTES


def drawing_from(pool, fn):
    """Calls `fn(*args, out=array)` with a pooled array of the shape and dtype its output had
    the last time its inputs had these shapes (an `out` of another shape would broadcast
    silently, so the shapes are checked, not trusted); when the pool has none, an aligned new
    one if it is that large (see ALIGN). A kernel of several outputs (a tuple) whose function
    takes `out` (a fused step's, ops/products.py MatMul.bind_group) draws its first one."""
    shapes = out_key = None
    aligned = False
    several = None  # whether a tuple's first array may be drawn (fn takes `out`)

    def call(*args):
        nonlocal shapes, out_key, aligned, several
        key = tuple([a.shape for a in args])
        if key == shapes:
            buf = pool.take(out_key)
            if buf is None and aligned:
                buf = aligned_empty(*out_key)
            if buf is not None:
                return fn(*args, out=buf)
        result = fn(*args)
        first = result
        if type(result) is tuple and result:
            if several is None:
                several = _takes_out(fn)
            first = result[0] if several else None
        if type(first) is numpy.ndarray and first.ndim:
            shapes, out_key = key, (first.shape, first.dtype)
            aligned = first.nbytes >= _KEEP_MIN_BYTES and first.dtype.kind in "biufc"
        else:
            shapes = None
        return result
    return call


def _takes_out(fn):
    try:
        return "out" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def aligned_empty(shape, dtype):
    """numpy.empty(shape, dtype) starting at a multiple of ALIGN bytes: a view of a flat byte
    array that nothing else refers to (BufferPool.give takes such views back)."""
    dtype = numpy.dtype(dtype)
    nbytes = dtype.itemsize
    for d in shape:
        nbytes *= d
    raw = numpy.empty(nbytes + ALIGN, numpy.uint8)
    start = -raw.__array_interface__["data"][0] % ALIGN
    return raw[start:start + nbytes].view(dtype).reshape(shape)


class BufferPool:
    """Arrays no longer in use, by (shape, dtype), for kernels that write into `out=`.

    A plan gives an intermediate back at its last use; it is kept only if nothing else refers
    to it (a view of it, a fetched result, a variable's storage, a constant): the reference
    count tells, measured against that of an array held by one local variable. At the end of
    each run, arrays that sat idle all run long are dropped, so the pool holds about as much as
    was alive at once, not the sum of every intermediate. Runs of one session are serialised,
    so one pool serves all its plans."""

    def __init__(self):
        self._free = {}
        self._idle = {}  # key -> fewest arrays free since the key was first asked for this run
        self._work = []  # flat uint8 arrays behind the session's Workspace
        self._work_used = False

    def take(self, key):
        free = self._free.get(key)
        if not free:
            self._idle[key] = 0
            return None
        buf = free.pop()
        self._idle[key] = min(self._idle.get(key, len(free) + 1), len(free))
        return buf

    def give(self, value):
        """Keeps `value`, an intermediate at its last use, if nothing else refers to it or to
        its memory (see _reusable)."""
        if _reusable(value):
            self._free.setdefault((value.shape, value.dtype), []).append(value)

    def give_last(self, value):
        """give() for an array no later step of the run can draw: kept for the next run only
        from _KEEP_MIN_BYTES (see kept_for_next_run), else left to malloc."""
        if type(value) is numpy.ndarray and value.nbytes >= _KEEP_MIN_BYTES and \
                _reusable(value):
            self._free.setdefault((value.shape, value.dtype), []).append(value)

    def end_run(self):
        """Drops what this run did not need (all of a key nobody asked for)."""
        for key in list(self._free):
            idle = self._idle.get(key, len(self._free[key]))
            if idle:
                del self._free[key][-idle:]
            if not self._free[key]:
                del self._free[key]
        self._idle.clear()
        if not self._work_used:
            self._work.clear()
        self._work_used = False

    def clear(self):
        self._free.clear()
        self._idle.clear()
        self._work.clear()

    def workspace(self, xp):
        """The Workspace kernels on array module `xp` use in this session (pooled for numpy)."""
        return Workspace(xp, self if xp is numpy else None)

    def work_bytes(self, index, nbytes):
        """The index-th flat work array, at least `nbytes` long (grown when too short)."""
        self._work_used = True
        work = self._work
        while len(work) <= index:
            work.append(None)
        buf = work[index]
        if buf is None or buf.nbytes < nbytes:
            buf = work[index] = numpy.empty(nbytes, numpy.uint8)
        return buf


def _reusable(value):
    """Whether the pool may keep `value` (called by BufferPool.give with the plan's local
    variable the only other reference): a writeable array that owns its data and nothing
    else refers to, or a view of the whole of a flat array that only it refers to
    (aligned_empty's). An unaligned array of _KEEP_MIN_BYTES or more is left to malloc, so
    that the next run draws an aligned one."""
    if type(value) is not numpy.ndarray or not value.flags.writeable or \
            sys.getrefcount(value) > _UNSHARED:
        return False
    base = value.base
    if base is None:
        return value.nbytes < _KEEP_MIN_BYTES or \
            not value.__array_interface__["data"][0] % ALIGN
    return (type(base) is numpy.ndarray and base.base is None and value.flags.c_contiguous
            and base.nbytes <= value.nbytes + ALIGN and sys.getrefcount(base) <= _OWNED)


class Workspace:
    """Scratch arrays a kernel needs only while it runs (im2col matrices, padded copies).
    `array(i, shape, dtype)` is a view of the session's i-th work array, which is kept between
    kernels and runs (dropped after a run that used none), so a convolution's large
    temporaries do not fault in fresh pages on every call. Kernels of a session run one at a
    time, so one set serves them all; a kernel must not return or keep a view of one. Without
    a pool (cupy, or a kernel called outside a session) `array` allocates a fresh array."""

    __slots__ = ("xp", "_pool")

    def __init__(self, xp, pool=None):
        self.xp, self._pool = xp, pool

    def array(self, index, shape, dtype):
        if self._pool is None:
            return self.xp.empty(shape, dtype)
        dtype = numpy.dtype(dtype)
        size = 1
        for d in shape:
            size *= d
        nbytes = size * dtype.itemsize
        return self._pool.work_bytes(index, nbytes)[:nbytes].view(dtype).reshape(shape)


def _references(owner):
    """sys.getrefcount, seen inside _reusable called from BufferPool.give, of an array held
    only by a plan's local variable (`owner` False), or of the flat array behind a view of it
    that only the view refers to (True); interpreters differ in how many references a call
    adds."""
    namespace = {}
    exec("def probe(numpy, pool, owner):\n"
         "    t = numpy.empty(8, numpy.uint8)[:4] if owner else numpy.empty(1)\n"
         "    return pool.give(t)\n", namespace)

    def inner(value):
        if owner:
            base = value.base
            return sys.getrefcount(base)
        return sys.getrefcount(value)

    class Probe:
        def give(self, value):
            return inner(value)
    return namespace["probe"](numpy, Probe(), owner)


_UNSHARED = _references(False)
_OWNED = _references(True)
