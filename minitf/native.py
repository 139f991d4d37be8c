"""Host elementwise kernels compiled from the formulas the GPU kernels are made of
(docs/performance.md, "Native kernels").

    kernel = native.elementwise_kernel("T lr, T g", "T var", "var = var - g * lr;", "name")
    kernel(lr, grad, var)   # var updated in place; raises Unsupported for arrays it cannot take

An optimizer update written as numpy calls makes one pass over memory per operation (Adam's is
twelve); TF runs it as one loop. Where a formula is also given as the body of one elementwise
kernel (`ApplyOp.fused`, which cupy compiles for the GPU), minitf compiles the same body for the
host with the system's C++ compiler, once per formula and machine (kept in a cache directory),
and calls it through ctypes, which releases the GIL. The loop does each element's float
operations in the body's order, and the compiler may not contract them into fused
multiply-adds (`-ffp-contract=off`) nor use approximate maths (no `-ffast-math`), so the bits
are the numpy sequence's: tests/test_native_kernels.py compares them. A loop of at least
PARALLEL_MIN_ELEMENTS elements runs on the compiled products' threads where a plan has set them
to more than one (ops/gemm.py parallel_for; docs/performance.md, "Native kernels").

There is no native kernel (`elementwise_kernel` returns None and minitf keeps its numpy
kernels) when `MINITF_NATIVE_KERNELS=0`, when no compiler is found (`CXX`, else `c++`, `g++`,
`clang++` on PATH), or when compiling fails (logged once). The cache is `$MINITF_KERNELS`, else
`~/.minitf/kernels` (beside the data-set cache); a shared library is loaded from it only when the directory and the
file belong to this user and nobody else may write them (else the kernels are compiled into a
private temporary directory removed at exit), and its name is a hash of the source, the
compiler, its flags and this CPU (the code is built for the CPU it runs on: `-march=native`).
"""

import atexit
import ctypes
import functools
import hashlib
import os
import platform
import re
import shutil
import subprocess
import tempfile
import threading
import weakref

import numpy

FLAGS = ("-O3", "-march=native", "-ffp-contract=off", "-fno-math-errno", "-fPIC", "-shared")
COMPILE_SECONDS = 120

_TYPES = {numpy.dtype(numpy.float32): ("float", "f32", ctypes.c_float),
          numpy.dtype(numpy.float64): ("double", "f64", ctypes.c_double)}

_lock = threading.Lock()
_compiler = None  # (path, version line), or () once none was found
_private_dir = None
_warned = False


# Loops of at least this many elements run on the compiled products' threads when a plan has
# set them to more than one (ops/gemm.py parallel_for), in chunks of at least PARALLEL_GRAIN.
PARALLEL_MIN_ELEMENTS = 1 << 16
PARALLEL_GRAIN = 1 << 13
MAX_BOUND = 256  # calls remembered per kernel (HostKernel._bound)


def _parallel():
    """gemm's parallel_for where the products' pool has more than one thread and this thread
    is not running a chunk of minitf's own split (minitf/workers.py), else None."""
    global _gemm, _workers
    if _gemm is None:
        from minitf import workers
        from minitf.ops import gemm
        _gemm, _workers = gemm, workers
    if _gemm.threads() < 2 or _workers.in_split():
        return None
    return _gemm.parallel_for()


_gemm = _workers = None


class Unsupported(Exception):
    """The arrays given cannot go to the native loop (not contiguous, of different sizes,
    overlapping, of another dtype): the caller runs its numpy kernel instead."""


def enabled():
    return os.environ.get("MINITF_NATIVE_KERNELS", "1").strip().lower() not in (
        "0", "false", "off", "no")


def elementwise_kernel(in_params, out_params, body, name):
    """A HostKernel for `body` (C++ in cupy.ElementwiseKernel's form: every parameter `T x`,
    outputs read and written in place), or None when there are no native kernels here."""
    if not enabled() or not _find_compiler():
        return None
    return _kernel(in_params, out_params, body, name)


def function(source, symbol, argtypes):
    """The C function `symbol` (with ctypes `argtypes`, returning nothing) of a library built
    from C++ `source`, for a kernel that is more than one elementwise body (loops over windows,
    say), or None when there are no native kernels here. Built once per machine, as the
    elementwise ones."""
    if not enabled() or not _find_compiler():
        return None
    return _function(source, symbol, argtypes)


def function_address(source, symbol):
    """The address of the C function `symbol` of the library built from `source` (one that
    another native function calls, ops/gemm.py parallel_for's chunks), or None when there are
    no native kernels here."""
    if not enabled() or not _find_compiler():
        return None
    return _address(source, symbol)


def _address(source, symbol):
    library = _library(source)
    return None if library is None else ctypes.cast(getattr(library, symbol),
                                                    ctypes.c_void_p).value


def _function(source, symbol, argtypes):
    library = _library(source)
    if library is None:
        return None
    fn = getattr(library, symbol)
    fn.argtypes, fn.restype = argtypes, None
    return fn


@functools.lru_cache(maxsize=None)
def _library(source):
    return _load(source)


@functools.lru_cache(maxsize=None)
def _kernel(in_params, out_params, body, name):
    # (one per formula: a plan binding the same op again finds its loops compiled)
    return HostKernel(_parse(in_params), _parse(out_params), body, name)


def _parse(params):
    names = []
    for param in params.split(","):
        words = param.split()
        if len(words) != 2 or words[0] != "T" or not re.fullmatch(r"[A-Za-z_]\w*", words[1]):
            raise ValueError("native kernels take parameters 'T name', not %r" % param.strip())
        names.append(words[1])
    return tuple(names)


class HostKernel:
    """Called like cupy's ElementwiseKernel: the inputs (scalars, arrays of the outputs' size,
    or 1-D arrays of the size of their last axis, repeated over it as numpy broadcasts them),
    then the outputs, updated in place. A loop is compiled for each dtype (float32,
    float64) and each choice of which inputs are arrays, at its first call."""

    def __init__(self, inputs, outputs, body, name):
        self.inputs, self.outputs, self.body, self.name = inputs, outputs, body, name
        self._loops = {}
        # The arguments of the last call per output array, checked once: a plan calls a kernel
        # with the same arrays every run (a variable's update: 9 -> 3 us of the 10-argument
        # Adam call). Weak references, so that a buffer the pool would reuse is not kept
        # alive; a dead one never matches, even where its id was given to a new array.
        self._bound = {}

    def __call__(self, *args):
        bound = self._bound.get(id(args[-1])) if args else None
        if bound is not None and len(args) == len(bound[0]):
            refs, template, loop, ranged = bound
            call = list(template)
            for i, (ref, a) in enumerate(zip(refs, args)):
                if ref is None:
                    if getattr(a, "ndim", 0):
                        break
                    call[i + 2] = float(a)
                elif ref[0]() is not a or a.shape != ref[1] or a.dtype != ref[2]:
                    break  # (an array's shape and dtype may be set in place)
            else:
                if all(a.flags.writeable for a in args[len(self.inputs):]):
                    return self._run(call, loop, ranged)
        n_in = len(self.inputs)
        if len(args) != n_in + len(self.outputs):
            raise TypeError("%s takes %d arguments, got %d"
                            % (self.name, n_in + len(self.outputs), len(args)))
        first = args[n_in]
        dtype, size = first.dtype, first.size
        columns = first.shape[-1] if first.ndim else 1
        call, pattern, spans, refs = [size, columns], [], [], []
        for i, a in enumerate(args):
            if i < n_in and not getattr(a, "ndim", 0):
                pattern.append("s")
                call.append(float(a))
                refs.append(None)
                continue
            if a.dtype != dtype or not a.flags.c_contiguous or (
                    i >= n_in and not a.flags.writeable):
                raise Unsupported(a)
            if a.size == size:
                kind = "a"
            elif i < n_in and a.ndim == 1 and a.size == columns and columns:
                kind = "r"
            else:
                raise Unsupported(a)
            if i < n_in:
                pattern.append(kind)
            address = a.__array_interface__["data"][0]
            call.append(address)
            spans.append((address, a.nbytes))
            refs.append((weakref.ref(a), a.shape, a.dtype))
        spans.sort()
        for (start, nbytes), (next_start, _) in zip(spans, spans[1:]):
            if start != next_start and start + nbytes > next_start:
                raise Unsupported("overlapping arrays")
        key = (dtype, "".join(pattern))
        try:
            loop, ranged = self._loops[key]
        except KeyError:
            if dtype not in _TYPES:
                raise Unsupported(dtype) from None
            loop, ranged = self._loops[key] = self._compile(dtype, key[1])
        if loop is None:
            raise Unsupported("the native kernel %s did not compile" % self.name)
        if len(self._bound) >= MAX_BOUND:
            self._bound.clear()
        self._bound[id(args[-1])] = (refs, call, loop, ranged)
        return self._run(list(call), loop, ranged)

    @staticmethod
    def _run(call, loop, ranged):
        size = call[0]
        if ranged is not None and size >= PARALLEL_MIN_ELEMENTS:
            run = _parallel()
            if run is not None:
                # (addresses below 2^53 are exact as doubles; the scalars are doubles already)
                args = numpy.array(call[2:], numpy.float64)
                run(ranged, args.ctypes.data, size, max(PARALLEL_GRAIN, -(-size // 8)))
                return
        loop(*call)

    def _compile(self, dtype, pattern):
        """(loop, ranged): the loop for inputs that are arrays of the outputs' size ("a"),
        rows of their last axis's size repeated over the others ("r", a bias), or scalars
        ("s"); and, without rows, the address of the same loop over a range of the elements,
        `ranged(start, stop, args)`, its arguments as doubles (addresses too), for
        _parallel(), or None."""
        c_name, suffix, c_type = _TYPES[dtype]
        symbol = "minitf_%s_%s_%s" % (re.sub(r"\W", "_", self.name), suffix, pattern or "x")
        params, loads, stores = ["long long n_", "long long c_"], [], []
        argtypes = [ctypes.c_longlong, ctypes.c_longlong]
        for name, kind in zip(self.inputs, pattern):
            if kind == "s":
                params.append("const T %s" % name)
                argtypes.append(c_type)
                continue
            params.append("const T* __restrict__ %s_p_" % name)
            loads.append("const T %s = %s_p_[%s];" % (name, name, "j_" if kind == "r" else "i_"))
            argtypes.append(ctypes.c_void_p)
        for name in self.outputs:
            params.append("T* __restrict__ %s_p_" % name)
            loads.append("T %s = %s_p_[i_];" % (name, name))
            stores.append("%s_p_[i_] = %s;" % (name, name))
            argtypes.append(ctypes.c_void_p)
        loop = _ROWS_LOOP if "r" in pattern else _LOOP
        body = {"loads": " ".join(loads), "body": self.body, "stores": " ".join(stores),
                "start": "0", "stop": "n_"}
        source = _SOURCE % {"symbol": symbol, "T": c_name, "params": ", ".join(params),
                            "loop": loop % body}
        if "r" in pattern:
            return _function(source, symbol, argtypes), None
        unpack = []
        for i, param in enumerate(params[2:]):
            kind, name = param.rsplit(" ", 1)
            if kind == "const T":
                unpack.append("const T %s = (T)a_[%d];" % (name, i))
            else:
                unpack.append("%s %s = (%s)(uintptr_t)a_[%d];" % (
                    kind, name, kind.replace("__restrict__", "").strip(), i))
        source += _RANGE_SOURCE % {"symbol": symbol, "unpack": " ".join(unpack),
                                   "loop": _LOOP % dict(body, start="lo_", stop="hi_")}
        fn = _function(source, symbol, argtypes)
        return (None, None) if fn is None else (fn, _address(source, symbol + "_range"))


_SOURCE = """\
#include <cmath>
#include <cstdint>
using std::sqrt; using std::exp; using std::log; using std::fabs; using std::pow;
typedef %(T)s T;
extern "C" void %(symbol)s(%(params)s) {
%(loop)s
}
"""
_RANGE_SOURCE = """\
extern "C" void %(symbol)s_range(long long lo_, long long hi_, const double* a_) {
    %(unpack)s
%(loop)s
}
"""
_LOOP = """\
    for (long long i_ = %(start)s; i_ < %(stop)s; ++i_) {
        %(loads)s
        %(body)s
        %(stores)s
    }"""
_ROWS_LOOP = """\
    for (long long r_ = 0; r_ < n_; r_ += c_) {
        for (long long j_ = 0; j_ < c_; ++j_) {
            const long long i_ = r_ + j_;
            %(loads)s
            %(body)s
            %(stores)s
        }
    }"""


# -- compiling and the cache ------------------------------------------------------------------

def _find_compiler():
    global _compiler
    if _compiler is None:
        with _lock:
            if _compiler is None:
                _compiler = _probe_compiler()
    return _compiler


def _probe_compiler():
    names = [os.environ["CXX"]] if os.environ.get("CXX") else ["c++", "g++", "clang++"]
    for name in names:
        path = shutil.which(name)
        if path is None:
            continue
        try:
            done = subprocess.run([path, "--version"], capture_output=True, text=True,
                                  timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return path, (done.stdout.splitlines() or [""])[0]
    return ()


def _machine():
    """What -march=native builds for: the architecture and this CPU's feature flags."""
    identity = [platform.machine()]
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("flags", "model name", "Features", "CPU part")):
                    identity.append(line.strip())
                elif not line.strip() and len(identity) > 1:
                    break
    except OSError:
        identity.append(platform.processor())
    return "\n".join(identity)


def _private(path, is_dir):
    """Whether `path` belongs to this user and nobody else may write it."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & 0o022 and (os.path.isdir(path) if is_dir else True)


def _cache_dir():
    path = os.environ.get("MINITF_KERNELS") or os.path.join(os.path.expanduser("~"), ".minitf",
                                                             "kernels")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError:
        return _private_temp_dir()
    return path if _private(path, True) else _private_temp_dir()


def _private_temp_dir():
    global _private_dir
    if _private_dir is None:
        _private_dir = tempfile.mkdtemp(prefix="minitf-kernels-")
        atexit.register(shutil.rmtree, _private_dir, True)
    return _private_dir


def _load(source):
    """The shared library built from `source` (from the cache, or compiled into it), or None
    when it does not compile."""
    compiler, version = _find_compiler()
    key = hashlib.sha256("\0".join((source, compiler, version, " ".join(FLAGS), _machine()))
                         .encode()).hexdigest()[:32]
    with _lock:
        directory = _cache_dir()
        path = os.path.join(directory, key + ".so")
        if not (os.path.exists(path) and _private(path, False)):
            if not _compile(compiler, source, directory, path):
                return None
        return ctypes.CDLL(path)


def _compile(compiler, source, directory, path):
    global _warned
    fd, src = tempfile.mkstemp(suffix=".cpp", dir=directory)
    tmp = src[:-4] + ".so"
    try:
        with os.fdopen(fd, "w") as f:
            f.write(source)
        try:
            done = subprocess.run([compiler, *FLAGS, "-o", tmp, src], capture_output=True,
                                  text=True, timeout=COMPILE_SECONDS)
            failed = done.returncode != 0 and (done.stderr or done.stdout).strip()
        except (OSError, subprocess.SubprocessError) as e:
            failed = str(e)
        if failed:
            if not _warned:
                _warned = True
                from minitf import tf_logging
                tf_logging.warning("minitf: a native kernel did not compile with %s, so the "
                                   "numpy kernels run instead (the same results, slower); set "
                                   "CXX to another C++ compiler, or MINITF_NATIVE_KERNELS=0 "
                                   "to skip compiling. The compiler said: %s", compiler,
                                   failed[-2000:])
            return False
        os.chmod(tmp, 0o700)
        os.replace(tmp, path)  # (atomic: another process compiling the same kernel is harmless)
        return True
    finally:
        for leftover in (src, tmp):
            try:
                os.remove(leftover)
            except OSError:
                pass
