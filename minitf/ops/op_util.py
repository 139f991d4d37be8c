"""Helpers the op modules share: the dtype checks that produce TF's op-def messages,
arguments needed at graph-build time (static ints), `is_tensor_like`, and the public
tf.is_tensor and tf.get_static_value."""

import functools

import numpy as np

from minitf import dtypes
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import Tensor
from minitf.framework.tensor_util import constant_value


def is_tensor_like(v):
    """Whether `v` is a Tensor or converts to one by itself (a Variable: `_as_tensor`)."""
    return isinstance(v, Tensor) or hasattr(v, "_as_tensor")


def is_tensor(x):
    """tf.is_tensor: whether `x` is one of the graph's tensor types (a Tensor, Variable,
    SparseTensor or IndexedSlices), not a value that would convert to one (a numpy array, a
    Python number or list)."""
    return is_tensor_like(x) or isinstance(x, (SparseTensor, IndexedSlices))


def get_static_value(tensor, partial=False):
    """tf.get_static_value: the numpy value of `tensor` when it is known without running the
    graph (a constant, the shape of a fully known static shape, arithmetic on those), else None;
    a value that is not a tensor comes back unchanged. `partial` is accepted for TF's
    signature: where TF would give an object array with None entries (tf.stack of partly
    known scalars), minitf gives None."""
    del partial
    if not is_tensor(tensor):
        return tensor
    if hasattr(tensor, "_as_tensor"):  # a variable's value is only known when it runs
        return None
    if not isinstance(tensor, Tensor):
        return None
    return constant_value(tensor)


def static_ints(value, what):
    """A Python list of ints for an argument minitf needs at graph-build time (axes, perms)."""
    if isinstance(value, Tensor):
        known = constant_value(value)
        if known is None:
            raise ValueError("minitf needs %s known when the graph is built; got the tensor %s"
                             % (what, value.name))
        value = known
    return [int(v) for v in np.asarray(value).reshape(-1)]


def static_int(value, what):
    """A Python int for an argument minitf needs at graph-build time (an axis, a count)."""
    values = static_ints(value, what)
    if len(values) != 1:
        raise ValueError("minitf needs %s to be a single integer, got %d values"
                         % (what, len(values)))
    return values[0]


DTYPE_KINDS = {  # the dtypes each word of `allowed` accepts
    "float": lambda d: d.is_floating or d.is_complex,
    "real": lambda d: d.is_floating,
    "numeric": lambda d: d is not dtypes.bool and d is not dtypes.string,
    "ordered": lambda d: d.is_floating or d.is_integer,
    "complex": lambda d: d.is_complex,
    "bool": lambda d: d is dtypes.bool,
    "any": lambda d: True,
}


# Every dtype, in the order TF's messages list them.
ALL_DTYPES = tuple(dtypes.as_dtype(n) for n in (
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64", "complex64", "complex128", "bool", "string"))


def dtype_error(arg, dtype, allowed, op_type=None):
    """TF's TypeError for parameter `arg` whose `dtype` is not one of `allowed` (DTypes, or a
    phrase such as 'real number types'), naming `op_type` at the end when given."""
    if not isinstance(allowed, str):
        allowed = ", ".join(d.name for d in allowed)
    return TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed "
                     "values: %s%s" % (arg, dtype.name, allowed,
                                       "" if op_type is None else " (op %s)" % op_type))


def type_mismatch_error(op_type, arg, dtype, other_arg, other_dtype):
    """TF's TypeError for input `arg` of an `op_type` op whose `dtype` differs from the dtype
    of argument `other_arg`, which it must share (one type attr)."""
    return TypeError("Input '%s' of '%s' Op has type %s that does not match type %s of argument "
                     "'%s'." % (arg, op_type, dtype.name, other_dtype.name, other_arg))


def rank_error(expected, rank, detail="", at_least=False):
    """TF's ValueError for a tensor of rank `rank` where rank `expected` (`at_least`: at least
    that) is needed; `detail` follows TF's text (" (argument 'x')", " for 'Op' ...")."""
    return ValueError("Shape must be %srank %d but is rank %d%s"
                      % ("at least " if at_least else "", expected, rank, detail))


def check_dtype(op_type, dtype, allowed, arg=None):
    """Raises TypeError unless `dtype` is of the kind `allowed` names (a key of DTYPE_KINDS). Given
    `arg`, the message is TF's op-def check naming that parameter and listing the types, with
    the op type (when not None) at the end."""
    accepts = DTYPE_KINDS[allowed]
    if accepts(dtype):
        return
    if arg is None:
        raise TypeError("Value passed to %s has DataType %s not in the list of allowed values "
                        "(%s types)" % (op_type, dtype.name, allowed))
    raise dtype_error(arg, dtype, [d for d in ALL_DTYPES if accepts(d)], op_type)


def check_int_dtype(t, what, allowed=(dtypes.int32, dtypes.int64)):
    if t.dtype not in allowed:
        raise dtype_error(what, t.dtype, allowed)


def check_same_dtype(op_type, a, b, names=("a", "b")):
    if a.dtype is not b.dtype:
        raise type_mismatch_error(op_type, names[1], b.dtype, names[0], a.dtype)
    check_dtype(op_type, a.dtype, "numeric")


def check_shape_tensor(t, what):
    if not t.dtype.is_integer or t.shape.ndims not in (None, 1):
        raise ValueError("%s must be a 1-D integer tensor, got shape %s and dtype %s"
                         % (what, t.shape, t.dtype.name))


def check_same_shape(a, b, message):
    """Raises ValueError(message % (a.shape, b.shape)) unless the two static shapes are
    compatible."""
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError(message % (a.shape, b.shape))


def known_dims(tensor):
    """The tensor's static shape as a tuple of ints when fully known, else None (what a
    kernel specialized when the plan is built may rely on, checking it once per run)."""
    dims = tensor.shape.as_tuple()
    return None if dims is None or None in dims else dims


def kernel_outputs(parts):
    """A multi-output kernel's result: the plan expects a lone array when the op has one output."""
    parts = tuple(parts)
    return parts[0] if len(parts) == 1 else parts


# From this many elements an elementwise kernel with a native loop (native_elementwise) calls
# it: below, the loop's fixed cost (~5-9 us of Python and ctypes) is more than numpy's passes.
NATIVE_MIN_ELEMENTS = 1 << 14


def native_elementwise(xp, params, body, name, fallback, broadcast_last=False):
    """`fallback(*inputs, out=None)` (a kernel of one or more passes), or where the host has
    native kernels (minitf/native.py) a function of the same arguments that runs `body` (C++
    over one element: the inputs named by `params`, "T a, T b", assigning `out`; the same
    operations in the same order as `fallback`, so the same bits) as one loop, for float
    inputs of one shape and contiguous memory from NATIVE_MIN_ELEMENTS elements. With
    `broadcast_last`, inputs after the first may also be rows of the first's last axis (a
    bias)."""
    if xp is not np:
        return fallback
    from minitf import backend, native
    kernel = backend.elementwise_kernel(xp, params, "T out", body, name)
    if kernel is None:
        return fallback
    empty, unsupported, minimum = xp.empty, native.Unsupported, NATIVE_MIN_ELEMENTS

    def same_shape(a, shape):
        return a.shape == shape or (broadcast_last and a.ndim == 1 and a.shape == shape[-1:])

    def run(*inputs, out=None):
        first = inputs[0]
        shape = first.shape
        if first.size >= minimum and all(same_shape(a, shape) for a in inputs) and (
                out is None or out.shape == shape):
            result = empty(first.shape, first.dtype) if out is None else out
            try:
                kernel(*inputs, result)
                return result
            except unsupported:
                pass
        return fallback(*inputs, out=out)
    return run


def out_array(xp, like, out):
    """`out`, or a new array like `like` when the plan gave none: for kernels of several steps
    that write each step into the first one's result. (numpy returns a scalar, not an array,
    for a 0-d result, which cannot be passed on as `out=`.)"""
    return xp.empty_like(like) if out is None else out


# Row width that channel_sums folds rows into: long enough that numpy adds long vectors.
_FOLD_WIDTH = 1024


def fold_factor(rows, c, width):
    """The largest power of two k dividing `rows` with k * c <= width (at least 1): (rows, c)
    viewed as (rows / k, k * c) has rows of up to `width` values."""
    k = 1
    while k * 2 * c <= width and rows % (k * 2) == 0 and rows:
        k *= 2
    return k


# Row width that per_channel folds rows into. numpy runs a broadcast operation a row at a time
# and each row costs ~0.1-0.2 us beyond its values: rows of 32 channels run at a third of the
# speed of rows of thousands of values.
_BROADCAST_WIDTH = 16384


def broadcast_fold(a, v, out=None):
    """The k per_channel folds rows by (1: it runs the operation as it is)."""
    c = a.shape[-1] if a.ndim else 0
    rows = a.size // c if c else 0
    if rows < 2 or v.shape != (c,) or not a.flags.c_contiguous or (
            out is not None and (not out.flags.c_contiguous or out.shape != a.shape)):
        return 1
    return fold_factor(rows, c, _BROADCAST_WIDTH)


def per_channel(xp, ufunc, a, v, out=None, repeats=None, k=None):
    """ufunc(a, v, out=out) for a vector v of a's last dimension, broadcast over a's other axes
    (a bias, a batch-norm mean or scale over NHWC values): with a (and out) C-contiguous, as
    (rows / k, k * c) views against v repeated k times (fold_factor), so that numpy loops over
    long rows instead of rows of c values. Every element is the same ufunc of the same two
    numbers: the same bits. Measured at one thread, 128x28x28x32 float32 + bias: 0.98 -> 0.58
    ms (two full arrays added: 0.58); 128x14x14x64: 0.32 -> 0.19 ms. `repeats`: a dict the
    caller keeps, {k: v repeated k times}, when v never changes (ReLU's zeros); `k`: the
    caller's broadcast_fold(a, v, out), when it computed it already."""
    if k is None:
        k = broadcast_fold(a, v, out)
    if k == 1:
        return ufunc(a, v, out=out)
    shape = (a.size // (k * v.shape[0]), k * v.shape[0])
    if repeats is None:
        row = xp.tile(v, k)
    else:
        row = repeats.get(k)
        if row is None:
            row = repeats[k] = xp.tile(v, k)
    result = ufunc(a.reshape(shape), row, out=None if out is None else out.reshape(shape))
    return result.reshape(a.shape) if out is None else out


def channel_sums(xp, a, b=None):
    """Per channel (the last axis), the sum of `a`, or of a * b (b of a's shape), over every
    other axis: the bias gradient and batch-norm statistics of NHWC tensors. numpy sums a
    (rows, c) array over its rows one short vector of c at a time; here rows are first folded
    into rows of up to _FOLD_WIDTH values (k consecutive rows side by side, k a power of two
    dividing the row count), summed as long vectors, and the k partial sums added. Measured at
    one thread: (100352, 32) 1.77 -> 0.20 ms, (25088, 64) dy * x 1.19 -> 0.20 ms. The sums run
    over k accumulators instead of one, so they differ from xp.sum's in the last bits (and are
    closer to the exact sum). Float32/float64 only; other dtypes sum as xp.sum does."""
    c = a.shape[-1]
    rows = a.size // c if c else 0
    if a.dtype not in (np.float32, np.float64) or not c:
        s = a if b is None else a * b
        return xp.sum(s.reshape(rows, c), axis=0)
    k = fold_factor(rows, c, _FOLD_WIDTH)
    a2 = a.reshape(rows // k, k * c)
    if b is None:
        s = xp.sum(a2, axis=0)
    else:
        s = xp.einsum("ij,ij->j", a2, b.reshape(rows // k, k * c))
    return s.reshape(k, c).sum(axis=0) if k > 1 else s


# -- kernels split over the session's workers -----------------------------------------------------

# Workspace arrays of a kernel run by each_tile: each concurrent caller has its own set of
# SLOT_ARRAYS indices (slot s owns s * SLOT_ARRAYS .. + SLOT_ARRAYS - 2); SHARED_ARRAY, the last
# index of slot 0's range, holds an array the whole kernel shares (partial sums).
SLOT_ARRAYS = 8
SHARED_ARRAY = SLOT_ARRAYS - 1

# batch_tiles makes at least MIN_TILES tiles of a batch of MIN_TILES * MIN_TILE_BYTES or more.
MIN_TILES = 8
MIN_TILE_BYTES = 256 << 10


def kernel_splitter(ctx, xp):
    """What a kernel bound in `ctx` (the session's state) hands its tiles to (each_tile): the
    intra-op workers (minitf/workers.py: `participants()`, set by the thread policy for the
    run, and `split`) for numpy kernels, None (one thread) otherwise."""
    return getattr(ctx, "workers", None) if xp is np else None


class TiledKernel:
    """Base of the OpDefs whose kernels run in tiles that may split over the intra-op workers
    (each_tile): bound with the session's Workspace for their temporaries and the run's
    splitter. The thread policy (client/threads.py) gives a plan with one of them its threads
    as split participants rather than as BLAS threads."""

    def bind(self, ctx, op):
        xp = ctx.xp_for(op)
        return functools.partial(self.compute, xp, work=ctx.buffers.workspace(xp),
                                 split=kernel_splitter(ctx, xp))


def work_array(xp, work, index, shape, dtype):
    """A temporary for a kernel: the Workspace's index-th array, or a fresh one without one."""
    return xp.empty(shape, dtype) if work is None else work.array(index, shape, dtype)


def ordered_sum(parts):
    """parts[0] + parts[1] + ... in that order (the same result whichever thread made each)."""
    total = parts[0].copy()
    for part in parts[1:]:
        total += part
    return total


def batch_tiles(n, bytes_per_item, limit):
    """Slices of a batch of n items, each of at most `limit` bytes (at least one item); one
    empty slice for an empty batch. A batch of MIN_TILES * MIN_TILE_BYTES or more makes at
    least MIN_TILES tiles, so that a split over a few threads keeps them all busy to the end
    (the tiles depend on the shapes only, never on the threads)."""
    step = max(1, limit // max(bytes_per_item, 1))
    want = min(MIN_TILES, n * bytes_per_item // MIN_TILE_BYTES)
    if want > 1:
        step = min(step, -(-n // want))
    return [slice(b, min(b + step, n)) for b in range(0, n, step)] or [slice(0, 0)]


def each_tile(xp, work, split, items, scratch, fn):
    """Runs fn(arrays, item) for every item of `items` (tiles of a kernel's work: slices of
    the batch), where `arrays` are temporaries of the (shape, dtype) pairs in `scratch`, one
    set per concurrent caller, from the Workspace `work`. With a splitter (kernel_splitter)
    whose run allows several threads, the items are split over them; items must be
    independent (each writes only its own part of the outputs, or its own partial sum), so
    that the results depend neither on which thread ran which item nor in which order."""
    width = 1 if split is None or len(items) < 2 else min(split.participants(), len(items))
    sets = [[work_array(xp, work, s * SLOT_ARRAYS + i, shape, dtype)
             for i, (shape, dtype) in enumerate(scratch)] for s in range(max(width, 1))]
    if width < 2:
        for item in items:
            fn(sets[0], item)
        return

    def run(start, stop):
        arrays = sets.pop()  # (atomic: two concurrent callers never get one set)
        try:
            for i in range(start, stop):
                fn(arrays, items[i])
        finally:
            sets.append(arrays)
    split.split(len(items), run, 1)
