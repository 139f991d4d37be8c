"""Stateless random ops (tf.random.stateless_*): TF's own bits, from Philox-4x32-10.

TF's stateless ops are pure functions of (shape, seed): StatelessRandomGetKeyCounter scrambles
the seed into a Philox key and counter, and each sampler fills its output in groups, group g
from Philox block counter + g (uniform, normal) or from a stream of its own starting at
counter + 256 g (128 g for float64: the truncated normal, which rejects). The kernels below do
the same arithmetic, vectorised over the blocks (uint32 words, 32x32-bit products in uint64),
so the draws equal TF's bit for bit. None of them has a gradient (TF registers them as not
differentiable): tf.gradients through a draw gives None.
"""

import math
from typing import ClassVar

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import add
from minitf.ops.op_util import dtype_error, rank_error
from minitf.ops.random_ops import _dims, _output_shape, _shape_tensor

__all__ = []  # tf.random.stateless_* only (minitf/namespaces.py)

_U32 = 0xFFFFFFFF
_M0, _M1 = 0xD2511F53, 0xCD9E8D57      # Philox-4x32's multipliers
_W0, _W1 = 0x9E3779B9, 0xBB67AE85      # and its key increments (Weyl sequence)
_SEED_KEY = (0x3EC8F720, 0x02461E29)   # the key StatelessRandomGetKeyCounter scrambles with
_AUTO_SELECT = 3                       # TF's RNG_ALG_AUTO_SELECT (Philox on CPU and GPU)
_PHILOX = 1
_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)
_BOUNDED_INTS = (dtypes.int32, dtypes.int64)
_FULL_INTS = (dtypes.int32, dtypes.int64, dtypes.uint32, dtypes.uint64)
_SEED_DTYPES = (dtypes.int32, dtypes.int64)
# Truncated normal: each output group owns a stream of this many uint32 words (TF's
# kReservedSamplesPerOutput = 256 per output, four words per block).
_RESERVED_WORDS_PER_OUTPUT = 256


# -- Philox and TF's conversions of its words ------------------------------------------------------

def philox(xp, key, counter, offsets):
    """Philox-4x32-10 of the 128-bit counters `counter + offsets` under `key`: a (n, 4) uint32
    array. `key` is two 32-bit ints, `counter` four (least significant first), `offsets` a
    uint64 array."""
    u32, u64 = xp.uint32, xp.uint64
    offsets = xp.asarray(offsets, dtype=u64)
    low = u64(counter[0] | counter[1] << 32) + offsets          # wraps mod 2**64
    high = u64(counter[2] | counter[3] << 32) + (low < offsets).astype(u64)  # the carry
    c0, c1 = (low & u64(_U32)).astype(u32), (low >> u64(32)).astype(u32)
    c2, c3 = (high & u64(_U32)).astype(u32), (high >> u64(32)).astype(u32)
    k0, k1 = key
    for _ in range(10):
        p0, p1 = c0.astype(u64) * u64(_M0), c2.astype(u64) * u64(_M1)
        hi0, lo0 = (p0 >> u64(32)).astype(u32), p0.astype(u32)
        hi1, lo1 = (p1 >> u64(32)).astype(u32), p1.astype(u32)
        c0, c1, c2, c3 = hi1 ^ c1 ^ u32(k0), lo1, hi0 ^ c3 ^ u32(k1), lo0
        k0, k1 = (k0 + _W0) & _U32, (k1 + _W1) & _U32
    return xp.stack([c0, c1, c2, c3], axis=-1)


def key_and_counter(key, counter):
    """The Philox key (two words) and counter (four) of the V2 ops' uint64 inputs."""
    k, c0, c1 = int(key[0]), int(counter[0]), int(counter[1])
    return (k & _U32, k >> 32), (c0 & _U32, c0 >> 32, c1 & _U32, c1 >> 32)


def _blocks(xp, key, counter, n, stride=1, start=0):
    """Philox blocks counter + start + i * stride for i < n, as (n, 4) words."""
    offsets = xp.arange(n, dtype=xp.uint64) * xp.uint64(stride) + xp.uint64(start)
    return philox(xp, key, counter, offsets)


def _unit_float32(xp, words):
    """TF's Uint32ToFloat: 23 random mantissa bits under exponent 0, minus one: [0, 1)."""
    bits = (words & xp.uint32(0x7FFFFF)) | xp.uint32(0x3F800000)
    return bits.view(xp.float32) - xp.float32(1.0)


def _unit_float16(xp, words):
    """TF's Uint16ToHalf of a word's low 16 bits: 10 mantissa bits, minus one, in half."""
    bits = ((words & xp.uint32(0x3FF)) | xp.uint32(15 << 10)).astype(xp.uint16)
    return bits.view(xp.float16) - xp.float16(1.0)


def _unit_float64(xp, high, low):
    """TF's Uint64ToDouble(x0, x1): 52 mantissa bits of x0 << 32 | x1, minus one: [0, 1)."""
    bits = (high.astype(xp.uint64) << xp.uint64(32)) | low.astype(xp.uint64)
    bits = (bits & xp.uint64((1 << 52) - 1)) | xp.uint64(1023 << 52)
    return bits.view(xp.float64) - 1.0


def _rounded(xp, fn, x):
    """The float32 fn(x), evaluated in float64 and rounded once."""
    return fn(x.astype(xp.float64)).astype(xp.float32)


def _box_muller_float(xp, x0, x1):
    """TF's BoxMullerFloat on word arrays: two float32 normals per pair of words. TF calls the
    C library's logf and sincosf, which are not correctly rounded in every case; here they are
    (float64, rounded once), so about one value in a hundred differs from TF's by 1-2 units
    in the last place (docs/random.md)."""
    u1 = xp.maximum(_unit_float32(xp, x0), xp.float32(1.0e-7))
    v1 = (2.0 * math.pi * _unit_float32(xp, x1).astype(xp.float64)).astype(xp.float32)
    u2 = xp.sqrt(xp.float32(-2.0) * _rounded(xp, xp.log, u1))
    return _rounded(xp, xp.sin, v1) * u2, _rounded(xp, xp.cos, v1) * u2


def _box_muller_double(xp, x0, x1, x2, x3):
    """TF's BoxMullerDouble: two float64 normals per four words (numpy's log, sin and cos, which
    differ from the C library's TF calls in about one value in a thousand, by an ulp or two)."""
    u1 = xp.maximum(_unit_float64(xp, x0, x1), 1.0e-7)
    v1 = 2.0 * math.pi * _unit_float64(xp, x2, x3)
    u2 = xp.sqrt(-2.0 * xp.log(u1))
    return xp.sin(v1) * u2, xp.cos(v1) * u2


def _normals(xp, dtype, words):
    """Normals of `dtype` (float64, else float32) from (n, 4) words, in TF's order: four per
    block, the Box-Muller pairs of words (0, 1) and (2, 3); two per block for float64."""
    if dtype is dtypes.float64:
        parts = _box_muller_double(xp, *(words[:, i] for i in range(4)))
    else:
        parts = (_box_muller_float(xp, words[:, 0], words[:, 1])
                 + _box_muller_float(xp, words[:, 2], words[:, 3]))
    return xp.stack(parts, axis=-1).reshape(-1)


# -- the ops ---------------------------------------------------------------------------------------

def _check_seed(seed):
    if seed.dtype not in _SEED_DTYPES:
        raise dtype_error("seed", seed.dtype, _SEED_DTYPES)
    if seed.shape.ndims not in (None, 1):
        raise rank_error(1, seed.shape.ndims)
    if seed.shape.ndims == 1 and seed.shape[0].value not in (None, 2):
        raise ValueError("Dimension must be 2 but is %d" % seed.shape[0].value)


def _seed_words(seed):
    """A [2] seed array as TF's kernels read it: two int64s, as four 32-bit counter words."""
    if tuple(seed.shape) != (2,):
        raise ValueError("seed must have shape [2], not %s" % format_dims(seed.shape))
    s0, s1 = (int(s) & (2 ** 64 - 1) for s in seed.tolist())
    return (s0 & _U32, s0 >> 32, s1 & _U32, s1 >> 32)


@register
class StatelessRandomGetKeyCounter(OpDef):
    """The Philox key ([1] uint64) and counter ([2] uint64) of a [2] int seed: the seed as a
    counter, scrambled by one Philox block under a fixed key (TF's GenerateKey)."""

    differentiable = False
    tf_signature = TFSignature(type_attrs=(("Tseed", 0),))

    def infer(self, seed):
        _check_seed(seed)
        return [TensorSpec([1], dtypes.uint64), TensorSpec([2], dtypes.uint64)]

    def compute(self, xp, seed):
        mix = philox(xp, _SEED_KEY, _seed_words(seed), xp.zeros(1, xp.uint64))[0]
        mix = mix.astype(xp.uint64)
        key = mix[0] | (mix[1] << xp.uint64(32))
        counter = xp.zeros(2, xp.uint64)
        counter[1] = mix[2] | (mix[3] << xp.uint64(32))
        return key.reshape(1), counter


class _StatelessV2(OpDef):
    """Base of the V2 samplers: inputs shape, key, counter, alg (then their own), output of
    `dtype` and of the shape `shape` holds; pure (the same inputs give the same draw)."""

    dtype: dtypes.DType = dtypes.float32
    differentiable = False
    host_inputs = (0, 1, 2, 3)
    tf_signature = TFSignature(type_attrs=(("Tshape", 0),))
    allowed = _FLOATS

    def infer(self, shape, key, counter, alg, *bounds):
        for what, t in (("key", key), ("counter", counter)):
            if t.dtype is not dtypes.uint64:
                raise dtype_error(what, t.dtype, (dtypes.uint64,))
            if t.shape.ndims not in (None, 1):
                raise rank_error(1, t.shape.ndims, " (argument '%s')" % what)
        if alg.dtype is not dtypes.int32 or alg.shape.ndims not in (None, 0):
            raise ValueError("alg must be an int32 scalar, got %s of shape %s"
                             % (alg.dtype.name, format_dims(alg.shape.as_tuple())))
        return self.output_spec(shape, *bounds)

    def output_spec(self, shape, *bounds):
        """The output's spec (the checks of `dtype` and of the sampler's own inputs)."""
        if self.dtype not in self.allowed:
            raise dtype_error("dtype", self.dtype, self.allowed)
        return TensorSpec(_output_shape(shape), self.dtype)

    def compute(self, xp, shape, key, counter, alg, *bounds):
        if int(alg) not in (_PHILOX, _AUTO_SELECT):
            raise ValueError("Unsupported algorithm id: %d (minitf implements Philox, 1, and "
                             "auto-select, 3, which is Philox)" % int(alg))
        return self.fill(xp, shape, *key_and_counter(key, counter), *bounds)

    def fill(self, xp, shape, key, counter, *bounds):
        """The output of the shape the array `shape` holds, drawn under `key` and `counter`."""
        dims = _dims(shape, self.dtype.as_numpy_dtype)
        size = math.prod(dims)
        return self.draw(xp, key, counter, size, *bounds)[:size].reshape(dims)

    def draw(self, xp, key, counter, size, *bounds):
        """At least `size` samples, flat, in TF's order."""
        raise NotImplementedError


def _per_block(dtype):
    """How many outputs one Philox block gives: two of 64 bits, four of 32 or fewer."""
    return 2 if dtype.size == 8 else 4


@register
class StatelessRandomUniformV2(_StatelessV2):
    """Uniform floats in [0, 1): one word each (two for float64)."""

    def draw(self, xp, key, counter, size):
        w = _blocks(xp, key, counter, -(-size // _per_block(self.dtype)))
        if self.dtype is dtypes.float64:
            return _unit_float64(xp, w[:, 0::2].reshape(-1), w[:, 1::2].reshape(-1))
        w = w.reshape(-1)
        return _unit_float16(xp, w) if self.dtype is dtypes.float16 else _unit_float32(xp, w)


def _int_words(xp, dtype, key, counter, size):
    """TF's integer samples' raw bits: a word each for 32-bit types, and for 64-bit ones the
    pair (w0, w1) as w0 | w1 << 32."""
    w = _blocks(xp, key, counter, -(-size // _per_block(dtype)))
    if dtype.size == 4:
        return w.reshape(-1)
    w = w.astype(xp.uint64)
    return (w[:, 0::2] | (w[:, 1::2] << xp.uint64(32))).reshape(-1)


@register
class StatelessRandomUniformIntV2(_StatelessV2):
    """Integers in [minval, maxval): lo + bits % (hi - lo), in the unsigned type (TF's
    UniformDistribution; slightly biased unless the range is a power of two)."""

    dtype: dtypes.DType = dtypes.int32
    allowed = _BOUNDED_INTS

    def output_spec(self, shape, minval, maxval):
        for what, t in (("minval", minval), ("maxval", maxval)):
            if t.dtype is not self.dtype:
                raise dtype_error(what, t.dtype, (self.dtype,))
            if t.shape.ndims not in (None, 0):
                raise ValueError("%s must be 0-D, got shape %s"
                                 % (what, format_dims(t.shape.as_tuple())))
        return super().output_spec(shape)

    def draw(self, xp, key, counter, size, minval, maxval):
        lo, hi = int(minval), int(maxval)
        if not lo < hi:
            raise ValueError("Need minval < maxval, got %d >= %d" % (lo, hi))
        bits = _int_words(xp, self.dtype, key, counter, size)
        unsigned = bits.dtype.type
        wrap = 2 ** (8 * self.dtype.size) - 1
        shifted = unsigned(lo & wrap) + bits % unsigned((hi - lo) & wrap)  # wraps, as TF's
        return shifted.view(self.dtype.as_numpy_dtype)


@register
class StatelessRandomUniformFullIntV2(_StatelessV2):
    """Integers over the dtype's whole range: the raw bits."""

    dtype: dtypes.DType = dtypes.uint64
    allowed = _FULL_INTS

    def draw(self, xp, key, counter, size):
        return _int_words(xp, self.dtype, key, counter, size).view(self.dtype.as_numpy_dtype)


@register
class StatelessRandomNormalV2(_StatelessV2):
    """Standard normals by Box-Muller: four per block (two for float64); half precision
    rounds float32 normals."""

    def draw(self, xp, key, counter, size):
        w = _blocks(xp, key, counter, -(-size // _per_block(self.dtype)))
        return _normals(xp, self.dtype, w).astype(self.dtype.as_numpy_dtype, copy=False)


@register
class StatelessTruncatedNormalV2(_StatelessV2):
    """Standard normals with those of magnitude 2 or more rejected, TF's way: output group g
    (four values, two for float64) draws Box-Muller pairs from its own stream of blocks, which
    starts at counter + g * 256 (128 for float64), and keeps the accepted values in order."""

    def draw(self, xp, key, counter, size):
        per = _per_block(self.dtype)
        stride = per * _RESERVED_WORDS_PER_OUTPUT // 4
        groups = -(-size // per)
        out = xp.zeros((groups, per), self.dtype.as_numpy_dtype)
        filled = xp.zeros(groups, xp.int64)
        pending = xp.arange(groups, dtype=xp.uint64)
        used = 0  # blocks of each pending group's stream drawn so far
        while pending.size:
            step = 2  # blocks per round: enough for almost every group in the first one
            offsets = (pending[:, None] * xp.uint64(stride)
                       + xp.arange(used, used + step, dtype=xp.uint64)[None, :])
            w = philox(xp, key, counter, offsets.reshape(-1))
            cand = _normals(xp, self.dtype, w).reshape(pending.size, -1)  # stream order
            ok = xp.abs(cand) < 2.0
            rows = pending.astype(xp.int64)
            slot = filled[rows][:, None] + xp.cumsum(ok, axis=1) - 1
            take = ok & (slot < per)
            r, c = xp.nonzero(take)
            out[rows[r], slot[r, c]] = cand[r, c].astype(out.dtype)
            filled[rows] = xp.minimum(filled[rows] + ok.sum(axis=1), per)
            pending = pending[filled[rows] < per]
            used += step
        return out.reshape(-1)


class _StatelessV1(OpDef):
    """TF 1.x's form of a sampler (what TF 1.15's tf.random.stateless_* build, and so what its
    GraphDefs hold): the [2] seed itself as input 1, scrambled inside the kernel as
    StatelessRandomGetKeyCounter does, so the draw equals the V2 op's."""

    dtype: dtypes.DType = dtypes.float32
    differentiable = False
    host_inputs = (0, 1)
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tseed", 1)))
    v2: ClassVar[type] = None  # the V2 op that draws

    def infer(self, shape, seed, *bounds):
        _check_seed(seed)
        return self.v2(dtype=self.dtype).output_spec(shape, *bounds)

    def compute(self, xp, shape, seed, *bounds):
        key, counter = key_and_counter(*StatelessRandomGetKeyCounter().compute(xp, seed))
        return self.v2(dtype=self.dtype).fill(xp, shape, key, counter, *bounds)


@register
class StatelessRandomUniform(_StatelessV1):
    v2 = StatelessRandomUniformV2


@register
class StatelessRandomUniformInt(_StatelessV1):
    dtype: dtypes.DType = dtypes.int32
    v2 = StatelessRandomUniformIntV2


@register
class StatelessRandomNormal(_StatelessV1):
    v2 = StatelessRandomNormalV2


@register
class StatelessTruncatedNormal(_StatelessV1):
    v2 = StatelessTruncatedNormalV2


@register
class StatelessMultinomial(OpDef):
    """`num_samples` class indices per row of `logits`, TF's way: a [2] seed read directly,
    the rows' unnormalised CDFs (over the finite logits, in float64), and per sample a
    uniform double from two consecutive words of one stream, row after row; the index is the
    CDF's upper bound of u * total. (TF's CPU kernel splits large batches over its threads,
    each starting its own stream; minitf follows the single-threaded stream, which TF uses
    when the batch is small.)"""

    output_dtype: dtypes.DType = dtypes.int64
    differentiable = False
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tseed", 2)))

    def infer(self, logits, num_samples, seed):
        if not logits.dtype.is_floating:
            raise dtype_error("logits", logits.dtype, _FLOATS)
        if logits.shape.ndims not in (None, 2):
            raise rank_error(2, logits.shape.ndims, " (argument 'logits')")
        if num_samples.dtype is not dtypes.int32 or num_samples.shape.ndims not in (None, 0):
            raise ValueError("num_samples must be an int32 scalar, got %s of shape %s"
                             % (num_samples.dtype.name, format_dims(num_samples.shape.as_tuple())))
        _check_seed(seed)
        if self.output_dtype not in _BOUNDED_INTS:
            raise dtype_error("output_dtype", self.output_dtype, _BOUNDED_INTS)
        n = constant_value(num_samples)
        batch = logits.shape[0].value if logits.shape.ndims == 2 else None
        return TensorSpec([batch, None if n is None else int(n)], self.output_dtype)

    def compute(self, xp, logits, num_samples, seed):
        n = int(num_samples)
        if n < 0:
            raise ValueError("num_samples should be non-negative, got %d" % n)
        batch, classes = logits.shape
        if classes == 0 and batch:
            raise ValueError("num_classes should be positive, got 0")
        key_counter = StatelessRandomGetKeyCounter().compute(xp, seed)
        key, counter = key_and_counter(*key_counter)
        finite = xp.isfinite(logits)
        lowest = xp.finfo(logits.dtype).min
        top = xp.where(finite, logits, lowest).max(axis=1, keepdims=True) if classes else 0
        p = xp.exp(logits.astype(xp.float64) - xp.asarray(top).astype(xp.float64))
        cdf = xp.cumsum(xp.where(finite, p, 0.0), axis=1)
        total = cdf[:, -1:] if classes else xp.zeros((batch, 1))
        words = _blocks(xp, key, counter, -(-2 * batch * n // 4)).reshape(-1)[:2 * batch * n]
        u = _unit_float64(xp, words[0::2], words[1::2]).reshape(batch, n) * total
        idx = (cdf[:, None, :] <= u[:, :, None]).sum(axis=2)  # upper_bound in each row's CDF
        return idx.astype(self.output_dtype.as_numpy_dtype)


# -- public functions ------------------------------------------------------------------------------

def _tf2_repr(dtype):
    """A dtype as TF 2's messages about these functions write it (they are TF 2's API)."""
    return "<dtype: '%s'>" % dtype.name


def _key_counter_alg(seed, alg):
    """TF's get_key_counter_alg for alg 'auto_select': StatelessRandomGetKeyCounter of the
    seed (named `seed` under the op's scope)."""
    if alg not in ("auto_select", _AUTO_SELECT) and not (
            isinstance(alg, str)
            and alg.strip().lower().replace("-", "").replace("_", "") == "autoselect"):
        raise ValueError("minitf's stateless random ops implement alg='auto_select' (Philox) "
                         "only, got %r" % (alg,))
    with name_scope(None, "StatelessRandomGetKeyCounter") as scope:
        seed = convert_to_tensor(seed, name="seed")
        key, counter = StatelessRandomGetKeyCounter()(seed, name=scope)
    return key, counter


def _alg_const():
    return convert_to_tensor(np.int32(_AUTO_SELECT), name="alg")


def _v2(opclass, shape_t, key, counter, dtype, *bounds, name=None):
    """The V2 op under its own scope (TF's `<scope>/<Op>/alg` and `<scope>/<Op>`), or named
    `name` with its alg beside it (`<name>/alg` is then `<scope>/alg`)."""
    if name is None:
        with name_scope(None, opclass.__name__) as scope:
            return opclass(dtype=dtype)(shape_t, key, counter, _alg_const(), *bounds, name=scope)
    alg = _alg_const()
    return opclass(dtype=dtype)(shape_t, key, counter, alg, *bounds, name=name)


def stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32, name=None,
                             alg="auto_select"):
    """tf.random.stateless_uniform: TF's uniform draw for the [2] int `seed`, in [minval,
    maxval) (maxval defaults to 1 for floats); integer dtypes need both bounds, or neither for
    the dtype's whole range (uint32 and uint64 only that way)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _FLOATS + _FULL_INTS:
        raise ValueError("Argument `dtype` got invalid value %s. Accepted dtypes are (tf.float16, "
                         "tf.float32, tf.float64, tf.int32, tf.int64, tf.uint32, tf.uint64)."
                         % _tf2_repr(dtype))
    if dtype.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError("For integer `dtype` argument %s, argument `minval` and `maxval` "
                             "must be both None or not None. Got `minval`=%s and `maxval`=%s."
                             % (_tf2_repr(dtype), minval, maxval))
        if minval is not None and dtype not in _BOUNDED_INTS:
            raise ValueError("Argument `dtype` got invalid value %s when argument `minval` is "
                             "not None. Please don't use unsigned integers in this case."
                             % _tf2_repr(dtype))
    elif maxval is None:
        maxval = 1
    with name_scope(name, "stateless_random_uniform", [shape, seed, minval, maxval]) as scope:
        shape_t = _shape_tensor(shape)
        if dtype.is_integer and minval is None:
            key, counter = _key_counter_alg(seed, alg)
            return _v2(StatelessRandomUniformFullIntV2, shape_t, key, counter, dtype, name=scope)
        lo = convert_to_tensor(minval, dtype, name="min")
        hi = convert_to_tensor(maxval, dtype, name="max")
        key, counter = _key_counter_alg(seed, alg)
        if dtype.is_integer:
            return _v2(StatelessRandomUniformIntV2, shape_t, key, counter, dtype, lo, hi,
                       name=scope)
        rnd = _v2(StatelessRandomUniformV2, shape_t, key, counter, dtype)
        return add(rnd * (hi - lo), lo, name=scope)


def _normal(opclass, default_name, shape, seed, mean, stddev, dtype, name, alg):
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, default_name, [shape, seed, mean, stddev]) as scope:
        shape_t = _shape_tensor(shape)
        mean_t = convert_to_tensor(mean, dtype, name="mean")
        stddev_t = convert_to_tensor(stddev, dtype, name="stddev")
        key, counter = _key_counter_alg(seed, alg)
        rnd = _v2(opclass, shape_t, key, counter, dtype)
        return add(rnd * stddev_t, mean_t, name=scope)


def stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None,
                            alg="auto_select"):
    """tf.random.stateless_normal: TF's normal draw for the [2] int `seed`."""
    return _normal(StatelessRandomNormalV2, "stateless_random_normal", shape, seed, mean, stddev,
                   dtype, name, alg)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None,
                               alg="auto_select"):
    """tf.random.stateless_truncated_normal: TF's draw of normals within two standard
    deviations of `mean` for the [2] int `seed`."""
    return _normal(StatelessTruncatedNormalV2, "stateless_truncated_normal", shape, seed, mean,
                   stddev, dtype, name, alg)


def _multinomial(logits, num_samples, seed, dtype):
    logits = convert_to_tensor(logits, name="logits")
    dtype = dtypes.as_dtype(dtype) if dtype else dtypes.int64
    if dtype not in _BOUNDED_INTS:
        raise ValueError("Argument `dtype` got invalid value %s. Accepted dtypes are (tf.int32, "
                         "tf.int64)." % _tf2_repr(dtype))
    with name_scope(None, "StatelessMultinomial") as scope:
        num_samples = convert_to_tensor(num_samples, dtypes.int32, name="num_samples")
        seed = convert_to_tensor(seed, name="seed")
        return StatelessMultinomial(output_dtype=dtype)(logits, num_samples, seed, name=scope)


def stateless_categorical(logits, num_samples, seed, dtype=dtypes.int64, name=None):
    """tf.random.stateless_categorical: TF's `num_samples` class indices per row of the
    [batch, classes] `logits` for the [2] int `seed`."""
    with name_scope(name, "stateless_categorical", [logits, seed]):
        return _multinomial(logits, num_samples, seed, dtype)


def stateless_multinomial(logits, num_samples, seed, output_dtype=dtypes.int64, name=None):
    """tf.random.stateless_multinomial: stateless_categorical with the dtype named
    `output_dtype` (TF1's spelling)."""
    with name_scope(name, "stateless_multinomial", [logits, seed]):
        return _multinomial(logits, num_samples, seed, output_dtype)
