"""Normalization ops: fused batch norm (TF's FusedBatchNormV3 and its gradient op) and local
response normalization (LRN, LRNGrad), plus tf.nn.batch_normalization composed from ops.

The backprop ops are linear in the incoming gradient but not in x, so their own gradients are
built by differentiating, with tf.gradients, the same backprop written in elementary ops (TF
builds its FusedBatchNormGradGrad the same way)."""

import ctypes
import functools

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import reshape, size
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.math_ops import cast, matmul, pow, reduce_mean, reduce_sum, rsqrt, square
from minitf.ops.op_util import (SHARED_ARRAY, batch_tiles, channel_sums, dtype_error, each_tile,
                               TiledKernel, ordered_sum, per_channel, rank_error,
                               type_mismatch_error, work_array)

__all__ = ["fused_batch_norm", "batch_normalization", "batch_norm_with_global_normalization",
           "local_response_normalization", "lrn"]


def _second_order(backprop, inputs, output_grads):
    """Gradients of `backprop(*inputs)` (a list of tensors written in elementary ops) with
    respect to `inputs`, weighted by `output_grads`."""
    from minitf.gradients import gradients  # gradients imports the op modules
    outs = backprop(*inputs)
    pairs = [(o, g) for o, g in zip(outs, output_grads) if g is not None]
    return gradients([o for o, _ in pairs], list(inputs), grad_ys=[g for _, g in pairs])


# -- fused batch norm -----------------------------------------------------------------------------

# Training-mode batch norm of NHWC x runs in tiles of whole images of at most this many bytes of
# x, split over the session's workers: per-channel sums per tile, added in tile order, and the
# elementwise passes a tile at a time (so that they find the tile in cache).
NORM_TILE_BYTES = 1 << 20

# The same passes as native loops over a tile of contiguous NHWC rows of c channels (numpy's
# took 1.2x as long for the forward pass and 1.9x for the gradient in LeNet's steps: each is a
# call over the tile with temporaries, and the sums fold rows before adding them). Per-channel sums run over the tile's rows in order, in double;
# the elementwise maths is the numpy kernel's, operation for operation, in T (no fused
# multiply-adds: minitf/native.py's flags).
_NATIVE_SOURCE = r"""
template <typename T>
static void sums(long long rows, long long c, const T* __restrict__ a, const T* __restrict__ b,
                 const T* __restrict__ mean, double* __restrict__ first,
                 double* __restrict__ second) {
  for (long long r = 0; r < rows; ++r) {
    const T* ar = a + r * c;
    const T* br = b ? b + r * c : nullptr;
    if (!b) {  // sum of a, or of (a - mean)^2
      for (long long ch = 0; ch < c; ++ch) {
        if (mean) {
          const double d = (double)(T)(ar[ch] - mean[ch]);
          first[ch] += d * d;
        } else {
          first[ch] += (double)ar[ch];
        }
      }
    } else {  // sum of a (dy), and of a * (b - mean) (dy times x - mean)
      for (long long ch = 0; ch < c; ++ch) {
        first[ch] += (double)ar[ch];
        second[ch] += (double)ar[ch] * (double)(T)(br[ch] - mean[ch]);
      }
    }
  }
}

// y = (x - mean) * factor + offset
template <typename T>
static void normalize(long long rows, long long c, const T* __restrict__ x,
                      const T* __restrict__ mean, const T* __restrict__ factor,
                      const T* __restrict__ offset, T* __restrict__ y) {
  for (long long r = 0; r < rows; ++r)
    for (long long ch = 0; ch < c; ++ch) {
      T v = x[r * c + ch] - mean[ch];
      v = v * factor[ch];
      y[r * c + ch] = v + offset[ch];
    }
}

// dx = ((dy - shift) - (x - mean) * factor) * scale
template <typename T>
static void backprop(long long rows, long long c, const T* __restrict__ dy,
                     const T* __restrict__ x, const T* __restrict__ mean,
                     const T* __restrict__ factor, const T* __restrict__ shift,
                     const T* __restrict__ scale, T* __restrict__ dx) {
  for (long long r = 0; r < rows; ++r)
    for (long long ch = 0; ch < c; ++ch) {
      T centered = x[r * c + ch] - mean[ch];
      centered = centered * factor[ch];
      T part = dy[r * c + ch] - shift[ch];
      part = part - centered;
      dx[r * c + ch] = part * scale[ch];
    }
}

#define MINITF_BN(S, T)                                                                       \
  extern "C" void minitf_bn_sums_##S(long long rows, long long c, const T* a, const T* b,     \
                                      const T* mean, double* first, double* second) {        \
    sums<T>(rows, c, a, b, mean, first, second);                                              \
  }                                                                                           \
  extern "C" void minitf_bn_normalize_##S(long long rows, long long c, const T* x,           \
                                           const T* mean, const T* factor, const T* offset,  \
                                           T* y) {                                            \
    normalize<T>(rows, c, x, mean, factor, offset, y);                                        \
  }                                                                                           \
  extern "C" void minitf_bn_backprop_##S(long long rows, long long c, const T* dy,           \
                                          const T* x, const T* mean, const T* factor,         \
                                          const T* shift, const T* scale, T* dx) {            \
    backprop<T>(rows, c, dy, x, mean, factor, shift, scale, dx);                              \
  }
MINITF_BN(f32, float)
MINITF_BN(f64, double)
"""


@functools.lru_cache(maxsize=None)
def _native(dtype):
    """(sums, normalize, backprop): the native tile loops in `dtype` (float32, float64), or
    None where there are none (minitf/native.py)."""
    from minitf import native
    suffix = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}.get(np.dtype(dtype))
    if suffix is None:
        return None
    L, P = ctypes.c_longlong, ctypes.c_void_p
    fns = [native.function(_NATIVE_SOURCE, "minitf_bn_%s_%s" % (name, suffix), [L, L] + [P] * n)
           for name, n in (("sums", 5), ("normalize", 5), ("backprop", 7))]
    return None if None in fns else tuple(fns)


def _native_tiles(xp, *arrays):
    """The native loops for a tiled kernel over these arrays (numpy, C-contiguous, one dtype),
    or None."""
    if xp is not np or not all(a.flags.c_contiguous and a.dtype == arrays[0].dtype
                               for a in arrays):
        return None
    return _native(arrays[0].dtype)


def _address(a):
    return a.__array_interface__["data"][0]


class _BatchNormBase(TiledKernel, OpDef):
    def _tiled(self, x, scale):
        """The tiles (slices of the batch) of a training-mode kernel over x, or None when it
        runs whole (NCHW, or x converted to another dtype for the statistics)."""
        if not self.is_training or self.data_format != "NHWC" or x.dtype != scale.dtype \
                or x.dtype not in (np.float32, np.float64) or scale.shape != x.shape[3:]:
            return None  # (a wrong scale gets the whole-array kernel's message)
        return batch_tiles(x.shape[0], x[:1].nbytes, NORM_TILE_BYTES)

    def _axes(self, rank=4):
        return (0, 2, 3) if self.data_format == "NCHW" else (0, 1, 2)

    def _channel(self):
        return 1 if self.data_format == "NCHW" else 3

    def _param_shape(self):
        return (1, -1, 1, 1) if self.data_format == "NCHW" else (1, 1, 1, -1)

    def _check(self, x, params):
        if self.data_format not in ("NHWC", "NCHW"):
            raise ValueError("%s: data_format must be NHWC or NCHW, got %r"
                             % (self.type_name, self.data_format))
        if not x.dtype.is_floating:
            raise dtype_error("x", x.dtype, "float16, float32, float64", self.type_name)
        if x.shape.ndims not in (None, 4):
            raise rank_error(4, x.shape.ndims, " (argument 'x')")
        u = params[0][1].dtype
        channels = x.shape[self._channel()].value if x.shape.ndims == 4 else None
        for arg, t in params:
            if t.dtype is not u:
                raise type_mismatch_error(self.type_name, arg, t.dtype, params[0][0], u)
            if t.shape.ndims not in (None, 1):
                raise rank_error(1, t.shape.ndims, " (argument '%s')" % arg)
            n = t.shape[0].value if t.shape.ndims == 1 else None
            if n is not None and channels is not None and n != channels:
                raise ValueError("Dimensions must be equal, but are %d and %d (the channels of "
                                 "x and the size of '%s')" % (channels, n, arg))
            channels = channels if channels is not None else n
        if not (u is dtypes.float32 or u is x.dtype):
            raise TypeError("%s: scale, offset, mean and variance must be float32 (or x's "
                            "dtype), got %s" % (self.type_name, u.name))
        return channels, u

    def _sums(self, xp, a, b=None):
        """Per channel, the sum of a (or of a * b) over the other axes."""
        if self.data_format == "NHWC":
            return channel_sums(xp, a, b)
        return xp.sum(a if b is None else a * b, axis=self._axes())

    def _stats(self, xp, x, scale, mean, variance, batch=None):
        """x in the statistics dtype, the mean and variance used, 1/sqrt(variance + epsilon),
        the number of values per channel, and x - mean when it was computed (else None). In
        training the batch's statistics: computed from x (the variance as the mean square of
        x - mean), or `batch` = (mean, variance) when they are known."""
        xf = x.astype(scale.dtype, copy=False)
        count = x.size // max(x.shape[self._channel()], 1)
        centered = None
        if self.is_training and batch is not None:
            mean, variance = batch
        elif self.is_training:
            mean = self._sums(xp, xf) / count
            centered = xp.subtract(xf, mean.reshape(self._param_shape()))
            variance = self._sums(xp, centered, centered) / count
        for arg, t in (("scale", scale), ("mean", mean), ("variance", variance)):
            if t.shape != (x.shape[self._channel()],):
                raise ValueError("%s: %s must have shape [%d] (x's channels), got %s"
                                 % (self.type_name, arg, x.shape[self._channel()],
                                    list(t.shape)))
        inv = 1 / xp.sqrt(variance + self.epsilon)
        return xf, mean, variance, inv, count, centered


@register
class FusedBatchNormV3(_BatchNormBase):
    """(y, batch_mean, batch_variance, reserve_space_1..3): y = (x - mean) / sqrt(variance +
    epsilon) * scale + offset per channel. Training uses the batch's statistics and returns the
    unbiased batch variance (for moving averages); inference uses the mean and variance given."""
    tf_signature = TFSignature(type_attrs=(("T", 0), ("U", 1)))

    epsilon: float = 0.0001
    exponential_avg_factor: float = 1.0
    data_format: str = "NHWC"
    is_training: bool = True

    def infer(self, x, scale, offset, mean, variance):
        params = [("scale", scale), ("offset", offset)]
        if not self.is_training:
            params += [("mean", mean), ("variance", variance)]
        channels, u = self._check(x, params)
        vec = TensorSpec([channels], u)
        return [TensorSpec(x.shape, x.dtype), vec, vec, vec, vec, TensorSpec([0], u)]

    def compute(self, xp, x, scale, offset, mean, variance, work=None, split=None):
        tiles = self._tiled(x, scale) if offset.shape == scale.shape else None
        if tiles is not None:
            y, used_mean, used_var, inv, count = self._tiled_forward(
                xp, x, scale, offset, tiles, work, split)
        else:
            xf, used_mean, used_var, inv, count, y = self._stats(xp, x, scale, mean, variance)
            shape = self._param_shape()
            if y is None:
                y = xp.subtract(xf, used_mean.reshape(shape))
            y *= (inv * scale).reshape(shape)
            y += offset.reshape(shape)
        if not self.is_training:  # the inputs themselves: outputs must be fresh arrays
            used_mean, used_var = used_mean.copy(), used_var.copy()
        batch_mean, batch_var = used_mean, used_var
        if self.is_training:
            batch_var = used_var * (count / max(count - 1, 1))
            f = self.exponential_avg_factor
            if f != 1.0:
                batch_mean = (1 - f) * mean + f * batch_mean
                batch_var = (1 - f) * variance + f * batch_var
        return (y.astype(x.dtype, copy=False), batch_mean, batch_var, used_mean.copy(),
                used_var.copy(), xp.zeros(0, dtype=scale.dtype))

    def _tiled_forward(self, xp, x, scale, offset, tiles, work, split):
        """Training mode over NHWC x in tiles: (y, mean, biased variance, 1/sqrt(variance +
        epsilon), count). The same passes as the whole-array kernel (the sum of x, then y = x -
        mean and the sum of its squares, then y scaled and offset), a tile at a time; the
        per-channel sums are the tiles' sums added in tile order."""
        c = x.shape[3]
        count = x.size // max(c, 1)
        y = xp.empty_like(x)
        items = list(enumerate(tiles))
        loops = _native_tiles(xp, x, scale, offset)
        if loops is not None:
            return self._native_forward(x, scale, offset, y, items, count, loops, work, split)
        sums = work_array(xp, work, SHARED_ARRAY, (2, len(tiles), c), x.dtype)

        def total(arrays, item):
            i, t = item
            sums[0, i] = channel_sums(xp, x[t])
        each_tile(xp, work, split, items, [], total)
        mean = ordered_sum(sums[0]) / count

        def centre(arrays, item):
            i, t = item
            yt = per_channel(xp, xp.subtract, x[t], mean, y[t])
            sums[1, i] = channel_sums(xp, yt, yt)
        each_tile(xp, work, split, items, [], centre)
        variance = ordered_sum(sums[1]) / count
        inv = 1 / xp.sqrt(variance + self.epsilon)
        factor = inv * scale

        def scale_tile(arrays, item):
            yt = y[item[1]]
            per_channel(xp, xp.multiply, yt, factor, yt)
            per_channel(xp, xp.add, yt, offset, yt)
        each_tile(xp, work, split, items, [], scale_tile)
        return y, mean, variance, inv, count

    def _native_forward(self, x, scale, offset, y, items, count, loops, work, split):
        """_tiled_forward's passes in native loops: each tile's per-channel sums in double
        (added in tile order), the mean and variance rounded to x's dtype."""
        sums, normalize, _ = loops
        c, rows = x.shape[3], x[:1].size // max(x.shape[3], 1)
        partial = np.zeros((2, len(items), c))

        def total(arrays, item):
            i, t = item
            sums((t.stop - t.start) * rows, c, _address(x[t]), None, None,
                 _address(partial[0, i]), None)
        each_tile(np, work, split, items, [], total)
        mean = (ordered_sum(partial[0]) / count).astype(x.dtype)

        def spread(arrays, item):
            i, t = item
            sums((t.stop - t.start) * rows, c, _address(x[t]), None, _address(mean),
                 _address(partial[1, i]), None)
        each_tile(np, work, split, items, [], spread)
        variance = (ordered_sum(partial[1]) / count).astype(x.dtype)
        inv = 1 / np.sqrt(variance + self.epsilon)
        factor = inv * scale

        def apply(arrays, item):
            t = item[1]
            normalize((t.stop - t.start) * rows, c, _address(x[t]), _address(mean),
                      _address(factor), _address(offset), _address(y[t]))
        each_tile(np, work, split, items, [], apply)
        return y, mean, variance, inv, count

    def grad(self, op, dy, *unused):
        x, scale, _, _, _ = op.inputs
        _, _, _, r1, r2, r3 = op.outputs
        dx, dscale, doffset, _, _ = FusedBatchNormGradV3(
            self.epsilon, self.data_format, self.is_training)(
            dy, x, scale, r1, r2, r3, name="FusedBatchNormGradV3")
        # As TF: no gradient for the mean and variance inputs (in inference they are moving
        # averages, not trained).
        return [dx, dscale, doffset, None, None]


@register
class FusedBatchNormGradV3(_BatchNormBase):
    """(x_backprop, scale_backprop, offset_backprop, reserve_space_4, reserve_space_5) of
    FusedBatchNormV3, given its reserve spaces (the mean and biased variance it used)."""
    tf_signature = TFSignature(type_attrs=(("T", 0), ("U", 2)))

    epsilon: float = 0.0001
    data_format: str = "NHWC"
    is_training: bool = True

    def infer(self, dy, x, scale, r1, r2, r3):
        if dy.dtype is not x.dtype:
            raise type_mismatch_error(self.type_name, "x", x.dtype, "y_backprop", dy.dtype)
        channels, u = self._check(x, [("scale", scale), ("reserve_space_1", r1),
                                      ("reserve_space_2", r2)])
        if not x.shape.is_compatible_with(dy.shape):
            raise ValueError("%s: y_backprop has shape %s but x has %s"
                             % (self.type_name, dy.shape, x.shape))
        vec = TensorSpec([channels], u)
        return [TensorSpec(x.shape.merge_with(dy.shape), x.dtype), vec, vec, TensorSpec([0], u),
                TensorSpec([0], u)]

    def compute(self, xp, dy, x, scale, r1, r2, r3, work=None, split=None):
        # In training r1 and r2 are the batch mean and biased variance the forward op used
        # (its reserve spaces), as in TF: not computed again from x.
        xf, mean, _, inv, count, _ = self._stats(xp, x, scale, r1, r2, (r1, r2))
        if dy.shape != x.shape:
            raise ValueError("%s: y_backprop has shape %s but x has %s"
                             % (self.type_name, list(dy.shape), list(x.shape)))
        tiles = self._tiled(x, scale) if dy.dtype == x.dtype else None
        if tiles is not None:
            return self._tiled_backprop(xp, dy, x, scale, mean, inv, count, tiles, work, split)
        shape = self._param_shape()
        dyf = dy.astype(scale.dtype, copy=False)
        # xhat = (x - mean) * inv is never formed: dscale = sum(dy * xhat) = inv * sum(dy *
        # (x - mean)), and its term in dx is (x - mean) times one per-channel factor (a pass
        # over x fewer; the products round differently in the last bits).
        centered = xp.subtract(xf, mean.reshape(shape))
        doffset = self._sums(xp, dyf)
        dscale = self._sums(xp, dyf, centered) * inv
        if self.is_training:
            centered *= (inv * dscale / count).reshape(shape)
            dx = xp.subtract(dyf, (doffset / count).reshape(shape))
            dx -= centered
            dx *= (scale * inv).reshape(shape)
        else:
            dx = dyf * (scale * inv).reshape(shape)
        empty = xp.zeros(0, dtype=scale.dtype)
        return dx.astype(x.dtype, copy=False), dscale, doffset, empty, empty

    def _tiled_backprop(self, xp, dy, x, scale, mean, inv, count, tiles, work, split):
        """Training mode over NHWC x in tiles: the whole-array kernel's passes a tile at a
        time (x - mean is kept in dx until the second pass overwrites it); the per-channel
        sums are the tiles' sums added in tile order."""
        c = x.shape[3]
        m = tiles[0].stop - tiles[0].start
        items = list(enumerate(tiles))
        dx = xp.empty_like(x)
        loops = _native_tiles(xp, dy, x, scale, mean)
        if loops is not None:
            return self._native_backprop(dy, x, scale, mean, inv, count, dx, items, loops,
                                         work, split)
        sums = work_array(xp, work, SHARED_ARRAY, (2, len(tiles), c), x.dtype)

        def totals(arrays, item):
            i, t = item
            centered = per_channel(xp, xp.subtract, x[t], mean, dx[t])
            sums[0, i] = channel_sums(xp, dy[t])
            sums[1, i] = channel_sums(xp, dy[t], centered)
        each_tile(xp, work, split, items, [], totals)
        doffset = ordered_sum(sums[0])
        dscale = ordered_sum(sums[1]) * inv
        factor, shift, dx_scale = inv * dscale / count, doffset / count, scale * inv

        def backprop(arrays, item):
            t = item[1]
            centered = per_channel(xp, xp.multiply, dx[t], factor, dx[t])
            part = per_channel(xp, xp.subtract, dy[t], shift, arrays[0][:t.stop - t.start])
            part -= centered
            per_channel(xp, xp.multiply, part, dx_scale, centered)
        each_tile(xp, work, split, items, [((m,) + x.shape[1:], x.dtype)], backprop)
        empty = xp.zeros(0, dtype=scale.dtype)
        return dx, dscale, doffset, empty, empty

    def _native_backprop(self, dy, x, scale, mean, inv, count, dx, items, loops, work, split):
        """_tiled_backprop's passes in native loops: each tile's sums of dy and of dy * (x -
        mean) in double (added in tile order), then dx a tile at a time."""
        sums, _, backprop = loops
        c, rows = x.shape[3], x[:1].size // max(x.shape[3], 1)
        partial = np.zeros((2, len(items), c))

        def totals(arrays, item):
            i, t = item
            sums((t.stop - t.start) * rows, c, _address(dy[t]), _address(x[t]), _address(mean),
                 _address(partial[0, i]), _address(partial[1, i]))
        each_tile(np, work, split, items, [], totals)
        doffset = ordered_sum(partial[0]).astype(x.dtype)
        dscale = ordered_sum(partial[1]).astype(x.dtype) * inv
        factor, shift, dx_scale = inv * dscale / count, doffset / count, scale * inv

        def apply(arrays, item):
            t = item[1]
            backprop((t.stop - t.start) * rows, c, _address(dy[t]), _address(x[t]),
                     _address(mean), _address(factor), _address(shift), _address(dx_scale),
                     _address(dx[t]))
        each_tile(np, work, split, items, [], apply)
        empty = np.zeros(0, dtype=scale.dtype)
        return dx, dscale, doffset, empty, empty

    def _composed(self, dy, x, scale, r1, r2):
        """The same backprop in elementary ops (training: the statistics recomputed from x)."""
        shape = list(self._param_shape())
        axes = list(self._axes())
        u = scale.dtype
        xf, dyf = cast(x, u), cast(dy, u)
        if self.is_training:
            mean = reduce_mean(xf, axes, keepdims=True)
            var = reduce_mean(square(xf - mean), axes, keepdims=True)
        else:
            mean, var = reshape(r1, shape), reshape(r2, shape)
        inv = rsqrt(var + self.epsilon)
        xhat = (xf - mean) * inv
        doffset = reduce_sum(dyf, axes)
        dscale = reduce_sum(dyf * xhat, axes)
        scale_inv = reshape(scale, shape) * inv
        if self.is_training:
            count = cast(size(x), u) / cast(size(scale), u)
            dx = scale_inv * (dyf - reshape(doffset, shape) / count
                              - xhat * reshape(dscale, shape) / count)
        else:
            dx = dyf * scale_inv
        return [cast(dx, x.dtype), dscale, doffset]

    def grad(self, op, ddx, ddscale, ddoffset, *unused):
        dy, x, scale, r1, r2, _ = op.inputs
        grads = _second_order(lambda a, b, c: self._composed(a, b, c, r1, r2), [dy, x, scale],
                              [ddx, ddscale, ddoffset])
        return grads + [None, None, None]


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None,
                     exponential_avg_factor=1.0):
    """tf.nn.fused_batch_norm: (y, batch_mean, batch_variance) of a 4-D input, normalized per
    channel. Training (the default) normalizes with the batch's statistics and returns them
    (the variance unbiased); otherwise `mean` and `variance` are used."""
    if not is_training and (mean is None or variance is None):
        raise ValueError("Both 'mean' and 'variance' must be a 1D tensor when is_training is "
                         "False.")
    with name_scope(name, "FusedBatchNormV3", [x, scale, offset]) as scope:
        x = convert_to_tensor(x, name="input")
        scale = convert_to_tensor(scale, name="scale")
        offset = convert_to_tensor(offset, dtype=scale.dtype, name="offset")
        mean = constant([], scale.dtype) if mean is None else \
            convert_to_tensor(mean, dtype=scale.dtype, name="mean")
        variance = constant([], scale.dtype) if variance is None else \
            convert_to_tensor(variance, dtype=scale.dtype, name="variance")
        # TF raises epsilon to cuDNN's minimum, on every device.
        epsilon = max(float(epsilon), 1.001e-5)
        opdef = FusedBatchNormV3(epsilon, float(exponential_avg_factor),
                                 "NCHW" if str(data_format).startswith("NC") else "NHWC",
                                 bool(is_training))
        y, batch_mean, batch_var = opdef(x, scale, offset, mean, variance, name=scope)[:3]
        return y, batch_mean, batch_var


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """tf.nn.batch_normalization: (x - mean) * scale / sqrt(variance + epsilon) + offset, with
    broadcasting (offset and scale may be None), composed from elementary ops as in TF."""
    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x, name="x")
        inv = rsqrt(convert_to_tensor(variance, dtype=x.dtype) + variance_epsilon)
        if scale is not None:
            inv = inv * convert_to_tensor(scale, dtype=x.dtype)
        # TF's order of ops (and so its names: .../mul_1, .../sub, .../add_1)
        scaled = x * inv
        mean = convert_to_tensor(mean, dtype=x.dtype)
        shift = (convert_to_tensor(offset, dtype=x.dtype) - mean * inv if offset is not None
                 else -mean * inv)
        return scaled + shift


# -- local response normalization -----------------------------------------------------------------


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None,
                                         variance_epsilon=None, scale_after_normalization=None,
                                         name=None, input=None, mean=None, variance=None):
    """tf.nn.batch_norm_with_global_normalization (TF 0.x's batch norm, still in TF 1.x):
    batch_normalization with gamma applied only when scale_after_normalization; `input`,
    `mean`, `variance` are the newer names of t, m, v."""
    def one(new, old, what):
        if new is not None and old is not None:
            raise ValueError("Cannot specify both '%s' and '%s'" % (what[0], what[1]))
        return new if new is not None else old
    t = one(input, t, ("input", "t"))
    m = one(mean, m, ("mean", "m"))
    v = one(variance, v, ("variance", "v"))
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None,
                               variance_epsilon, name)

def _band(xp, channels, radius, dtype):
    """The (channels, channels) 0/1 matrix summing a window of +-radius channels."""
    index = xp.arange(channels)
    return (xp.abs(index[:, None] - index[None, :]) <= radius).astype(dtype)


class _LRNBase(OpDef):
    def _check(self, x, arg="input"):
        if x.dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
            raise dtype_error(arg, x.dtype, "float16, float32, float64", self.type_name)
        if x.shape.ndims not in (None, 4):
            raise rank_error(4, x.shape.ndims, " (argument '%s')" % arg)
        if self.depth_radius < 0:
            raise ValueError("%s: depth_radius must be >= 0, got %d"
                             % (self.type_name, self.depth_radius))

    def _scale(self, xp, x):
        band = _band(xp, x.shape[-1], self.depth_radius, x.dtype)
        return self.bias + self.alpha * xp.matmul(x * x, band)

    def _composed_forward(self, x):
        channels = x.shape[-1].value
        if channels is None:
            raise ValueError("%s's second derivative needs the channel count known when the "
                             "graph is built" % self.type_name)
        band = constant(_band(np, channels, self.depth_radius, x.dtype.as_numpy_dtype))
        sqr_sum = reshape(matmul(reshape(square(x), [-1, channels]), band), [-1] +
                          [d if d is not None else -1 for d in x.shape.as_tuple()[1:]])
        return x * pow(self.bias + self.alpha * sqr_sum, -self.beta)


@register
class LRN(_LRNBase):
    """output = input / (bias + alpha * sum of input ** 2 over depth_radius channels on each
    side) ** beta, over the last axis of an NHWC input."""

    depth_radius: int = 5
    bias: float = 1.0
    alpha: float = 1.0
    beta: float = 0.5

    def infer(self, x):
        self._check(x)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return x * self._scale(xp, x) ** -self.beta

    def grad(self, op, dy):
        return [LRNGrad(**self.attrs())(dy, op.inputs[0], op.outputs[0], name="LRNGrad")]


@register
class LRNGrad(_LRNBase):
    """The gradient of LRN given its input and output: dy * s**-beta - 2 alpha beta x *
    window_sum(dy * y / s), with s = bias + alpha * window_sum(x ** 2)."""

    depth_radius: int = 5
    bias: float = 1.0
    alpha: float = 1.0
    beta: float = 0.5

    def infer(self, dy, x, y):
        for t, arg in ((dy, "input_grads"), (x, "input_image"), (y, "output_image")):
            self._check(t, arg)
            if t.dtype is not x.dtype or not t.shape.is_compatible_with(x.shape):
                raise ValueError("%s: input_grads, input_image and output_image must have one "
                                 "shape and dtype, got %s %s, %s %s, %s %s"
                                 % (self.type_name, dy.shape, dy.dtype.name, x.shape,
                                    x.dtype.name, y.shape, y.dtype.name))
        return TensorSpec(x.shape.merge_with(dy.shape).merge_with(y.shape), x.dtype)

    def compute(self, xp, dy, x, y):
        if not dy.shape == x.shape == y.shape:
            raise ValueError("%s: input_grads %s, input_image %s and output_image %s must have "
                             "one shape" % (self.type_name, list(dy.shape), list(x.shape),
                                            list(y.shape)))
        s = self._scale(xp, x)
        band = _band(xp, x.shape[-1], self.depth_radius, x.dtype)
        window = xp.matmul(dy * y / s, band)
        return dy * s ** -self.beta - (2 * self.alpha * self.beta) * x * window

    def grad(self, op, ddx):
        from minitf.gradients import gradients
        dy, x, _ = op.inputs

        def backprop(dy, x):
            return gradients(self._composed_forward(x), x, grad_ys=dy)

        grads = _second_order(backprop, [dy, x], [ddx])
        return grads + [None]


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None):
    """tf.nn.local_response_normalization (tf.nn.lrn): each value divided by (bias + alpha *
    the sum of squares of the 2 * depth_radius + 1 channels around it) ** beta."""
    x = convert_to_tensor(input, name="input")
    return LRN(int(depth_radius), float(bias), float(alpha), float(beta))(x, name=name or "LRN")


lrn = local_response_normalization
