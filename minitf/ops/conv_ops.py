"""Convolution and pooling ops (tf.nn.conv2d, depthwise_conv2d, max_pool, avg_pool...) and their
backprop ops, each a real op with its own gradient so that second derivatives work.

Kernels work in NHWC (NCHW inputs are viewed as NHWC and the result transposed back). A
convolution is im2col through stride tricks (a strided view of the padded input holding every
window, copied into a (pixels, kh*kw*cin) matrix) and one matmul with the filter; the filter
gradient is the same matrix's transpose times the output gradient. The input gradient of a
stride-1 convolution is itself a convolution (of the output gradient with the filter rotated
by 180 degrees, its channels swapped); with larger strides it is one matmul followed by a
scatter-add per filter tap (kh*kw vectorised adds, never a loop over pixels or batch items).
The im2col matrix is built in tiles of whole images of at most `COL_BYTES`, each multiplied
while it is still in cache, and it and the padded copies live in the session's Workspace
(client/buffers.py), reused from call to call instead of faulting in fresh pages.
Stride-1 3x3 and 5x5 float32/float64 convolutions with enough channels run as Winograd's
minimal filtering F(4x4, r x r) instead (`_Winograd`; `WINOGRAD` turns it off).
Pooling is one vectorised max/add per window tap.
"""

import collections
import dataclasses
import functools
import numbers
from fractions import Fraction
from typing import ClassVar

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import Dimension
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value, constant_value_as_shape
from minitf.ops.array_ops import expand_dims, shape, squeeze, zeros_like
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.op_util import (SHARED_ARRAY, batch_tiles, dtype_error, each_tile,
                               kernel_splitter, TiledKernel, ordered_sum, rank_error,
                               type_mismatch_error, work_array)

__all__ = ["conv2d", "conv2d_transpose", "conv2d_backprop_input", "conv2d_backprop_filter",
           "depthwise_conv2d", "depthwise_conv2d_native", "separable_conv2d", "conv1d",
           "atrous_conv2d", "max_pool", "avg_pool", "pool", "max_pool_with_argmax",
           "max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "max_pool_v2", "avg_pool_v2",
           "depthwise_conv2d_native_backprop_input", "depthwise_conv2d_native_backprop_filter",
           "depthwise_conv2d_backprop_input", "depthwise_conv2d_backprop_filter",
           "atrous_conv2d_transpose"]

# Upper bound of one im2col tile, in bytes: the batch runs in tiles of whole images (at least
# one per tile) whose matrix stays under it, so that the matmul reads it from cache and the work
# array stays small. Measured (docs/performance.md): tiles of 1-8 MiB took 20-25% less CPU time
# than one matrix for the whole batch; 4 MiB keeps the matmuls few for two BLAS threads.
COL_BYTES = 4 << 20

# The filter gradient sums a partial product per tile group (_filter_groups): one group per
# tile while their partial sums take at most PARTS_BYTES, else FILTER_GROUPS groups.
PARTS_BYTES = 16 << 20
FILTER_GROUPS = 8

# MaxPoolGrad runs in tiles of whole images of at most this many bytes of input, so that the
# window taps, which read the input and write the gradient one tap at a time, find the cache
# lines the previous taps brought in (pool of (128, 28, 28, 32) 2x2: 6.0 -> 4.4 ms at 1 MiB).
POOL_TILE_BYTES = 1 << 20

# The input gradient of a stride-1 convolution runs as a convolution (no scatter-add) when the
# input has at least this many channels: below it the matmul's output is too narrow to pay
# (measured: 1 channel 2-4x slower as a convolution, 8 or more 1.05-3.9x faster).
AS_CONV_MIN_CHANNELS = 4

# A Conv2D whose output only a BiasAdd reads runs with it as one kernel, the bias added by the
# im2col product (a column of ones in the matrix, the bias a row of the filter matrix), and a
# Conv2DBackpropFilter with the BiasAddGrad of its out_backprop as one kernel whose product
# gives the bias gradient as its last row (client/plan.py: fuse_conv_bias; _ConvBase.fuses_bias
# says when). LeNet's first block, 1 -> 32 channels 5x5 on 28x28, batch 128: forward 2.35 ->
# 1.74 ms, filter and bias gradients 3.47 -> 2.03 ms at one thread; at two participants
# ~1.57 -> 1.12 ms and ~1.57 -> 1.29 ms (docs/cnn.md, "Seventh session"). The sums round
# differently in the last bits (the product's own order of summation; TF's fused kernel's
# differ too), no less accurately. False turns it off for plans made from then on.
FUSE_BIAS = True
_FUSED_BIAS_DTYPES = (dtypes.float32, dtypes.float64)

_PADDINGS = ("SAME", "VALID", "EXPLICIT")
_CONV_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32)


# -- geometry -------------------------------------------------------------------------------------

def _hw(values, data_format):
    """The (height, width) entries of a length-4 attr in `data_format` order."""
    return (values[2], values[3]) if data_format == "NCHW" else (values[1], values[2])


def _nhwc_dims(dims, data_format):
    """(n, h, w, c) of a rank-4 shape tuple in `data_format`."""
    if data_format == "NCHW":
        return dims[0], dims[2], dims[3], dims[1]
    return tuple(dims)


def _from_nhwc_dims(n, h, w, c, data_format):
    return (n, c, h, w) if data_format == "NCHW" else (n, h, w, c)


def _window(size, k, stride, dilation, padding, pads=(0, 0)):
    """(output size, (pad before, pad after)) of one spatial dim, as TF computes them; raises
    ValueError when a VALID window does not fit. `size` None gives (None, None)."""
    effective = (k - 1) * dilation + 1
    if size is None:
        return None, None
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + effective - size, 0)
        return out, (total // 2, total - total // 2)
    padded = size + pads[0] + pads[1]
    if padded < effective:
        raise ValueError("Negative dimension size caused by subtracting %d from %d"
                         % (effective, padded))
    return (padded - effective) // stride + 1, tuple(pads)


def _check_rank(t, rank, arg):
    if t.shape.ndims is not None and t.shape.ndims != rank:
        raise rank_error(rank, t.shape.ndims, " (argument '%s')" % arg)


def _check_same_dtype(op_type, x, other, arg, first="input"):
    if other.dtype is not x.dtype:
        raise type_mismatch_error(op_type, arg, other.dtype, first, x.dtype)


def _check_dtype(op_type, dtype, arg="input"):
    if dtype not in _CONV_DTYPES:
        raise dtype_error(arg, dtype, _CONV_DTYPES, op_type)


def _channels_match(op_type, c, filter_c, what="input depth of filter"):
    if c is not None and filter_c is not None and c != filter_c:
        raise ValueError("%s: depth of input (%d) does not match the %s (%d)"
                         % (op_type, c, what, filter_c))


class _Windowed(TiledKernel, OpDef):
    """Shared by the convolution and pooling ops: checks strides, dilations, padding and data
    format (TF's messages), and computes output sizes and paddings."""

    strides: tuple = (1, 1, 1, 1)
    padding: str = "VALID"
    data_format: str = "NHWC"

    def _check_attrs(self):
        fmt = self.data_format
        if fmt not in ("NHWC", "NCHW"):
            raise ValueError("%s: data_format must be NHWC or NCHW, got %r"
                             % (self.type_name, fmt))
        if self.padding not in _PADDINGS or (self.padding == "EXPLICIT" and
                                             not hasattr(self, "explicit_paddings")):
            allowed = _PADDINGS if hasattr(self, "explicit_paddings") else _PADDINGS[:2]
            raise ValueError("Attr 'padding' of '%s' Op passed string '%s' not in: %s."
                             % (self.type_name, self.padding,
                                ", ".join('"%s"' % p for p in allowed)))
        checks = [("strides", self.strides, "Stride must be > 0")]
        if hasattr(self, "ksize"):
            checks.append(("ksize", self.ksize, "Sliding window ksize must be > 0"))
        if hasattr(self, "dilations"):
            checks.append(("dilations", self.dilations, "Dilation rate must be >= 1"))
        for arg, values, message in checks:
            if len(values) != 4:
                raise ValueError("%s: %s must have 4 entries (one per dimension of %s), got %s"
                                 % (self.type_name, arg, fmt, list(values)))
            for v in values:
                if v < 1:
                    raise ValueError("%s, but got %d (%s=%s)" % (message, v, arg, list(values)))
            batch, channel = (values[0], values[1]) if fmt == "NCHW" else (values[0], values[3])
            if batch != 1 or channel != 1:
                raise ValueError("%s: %s of the batch and depth dimensions must be 1 (minitf "
                                 "slides windows over height and width only), got %s"
                                 % (self.type_name, arg, list(values)))
        if getattr(self, "explicit_paddings", ()) and self.padding != "EXPLICIT":
            raise ValueError("%s: explicit_paddings are given only with padding EXPLICIT"
                             % self.type_name)
        if self.padding == "EXPLICIT":
            p = self.explicit_paddings
            if len(p) != 8 or min(p) < 0:
                raise ValueError("%s: explicit_paddings must be 8 non-negative numbers (before "
                                 "and after each dimension), got %s" % (self.type_name, list(p)))
            pairs = [p[0:2], p[2:4], p[4:6], p[6:8]]
            batch, channel = (pairs[0], pairs[1]) if fmt == "NCHW" else (pairs[0], pairs[3])
            if any(batch) or any(channel):
                raise ValueError("%s: explicit_paddings of the batch and depth dimensions must "
                                 "be 0, got %s" % (self.type_name, list(p)))

    def _pads(self):
        if self.padding != "EXPLICIT":
            return (0, 0), (0, 0)
        pairs = [tuple(self.explicit_paddings[i:i + 2]) for i in range(0, 8, 2)]
        return _hw(pairs, self.data_format)

    def geometry(self, h, w, kh, kw):
        """(oh, ow, (pad top, bottom), (pad left, right)) for an input of h x w and a kh x kw
        window; None sizes give None."""
        sh, sw = _hw(self.strides, self.data_format)
        dh, dw = _hw(getattr(self, "dilations", (1, 1, 1, 1)), self.data_format)
        ph, pw = self._pads()
        oh, pad_h = _window(h, kh, sh, dh, self.padding, ph)
        ow, pad_w = _window(w, kw, sw, dw, self.padding, pw)
        return oh, ow, pad_h, pad_w

    def taps(self, kh, kw, oh, ow):
        """The (height slice, width slice) of the padded input each window tap reads, for every
        output position at once."""
        sh, sw = _hw(self.strides, self.data_format)
        dh, dw = _hw(getattr(self, "dilations", (1, 1, 1, 1)), self.data_format)
        return [(slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                 slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))
                for i in range(kh) for j in range(kw)]

    def to_nhwc(self, xp, x):
        return xp.transpose(x, (0, 2, 3, 1)) if self.data_format == "NCHW" else x

    def from_nhwc(self, xp, y, out=None):
        """y (NHWC) in the op's data format, written into `out` when one is given (and y is
        not out already)."""
        if self.data_format == "NCHW":
            y = xp.transpose(y, (0, 3, 1, 2))
            if out is None:
                return xp.ascontiguousarray(y)
        if out is None or y is out:
            return y
        out[...] = y
        return out

    def nhwc_out(self, out):
        """`out` when the kernel can write its NHWC result into it directly, else None."""
        return out if self.data_format == "NHWC" else None


def _fill_pad(x, pad_h, pad_w, value, into, border=True):
    """Writes x (NHWC) padded with `value` on height and width into `into`. When the border is
    at least a quarter of the padded array, the whole array is filled first (one contiguous
    fill instead of strided runs of a few pixels at each row's ends) and the interior copied
    over it. `border=False`: only the interior is written (`into`'s border holds the padding
    from an earlier call already)."""
    n, h, w, c = x.shape
    (top, bottom), (left, right) = pad_h, pad_w
    hp, wp = into.shape[1:3]
    if not border:
        pass
    elif 4 * (hp * wp - h * w) >= hp * wp:
        into[...] = value
    else:
        into[:, :top] = value
        into[:, top + h:] = value
        into[:, top:top + h, :left] = value
        into[:, top:top + h, left + w:] = value
    into[:, top:top + h, left:left + w] = x
    return into


def _padded_shape(x_shape, pad_h, pad_w):
    n, h, w, c = x_shape
    return (n, h + sum(pad_h), w + sum(pad_w), c)


def _pad_hw(xp, x, pad_h, pad_w, value=0, work=None):
    """x (NHWC) padded with `value` on height and width, in the Workspace's array 0 when one is
    given (x itself when there is no padding)."""
    if not any(pad_h) and not any(pad_w):
        return x
    out = work_array(xp, work, 0, _padded_shape(x.shape, pad_h, pad_w), x.dtype)
    return _fill_pad(x, pad_h, pad_w, value, out)


def _crop_hw(x, pad_h, pad_w, h, w):
    return x[:, pad_h[0]:pad_h[0] + h, pad_w[0]:pad_w[0] + w]


def _patches(xp, xpad, kh, kw, oh, ow, strides, dilations):
    """A strided view (n, oh, ow, kh, kw, c) of every window of the padded NHWC input: no copy."""
    n, _, _, c = xpad.shape
    s = xpad.strides
    sh, sw = strides
    dh, dw = dilations
    return xp.lib.stride_tricks.as_strided(
        xpad, (n, oh, ow, kh, kw, c), (s[0], s[1] * sh, s[2] * sw, s[1] * dh, s[2] * dw, s[3]))


def _tiles(xp, n, bytes_per_item, limit=None):
    """Slices of the batch whose im2col matrices stay under COL_BYTES (or `limit`; whole images
    only); one empty slice for an empty batch. On a GPU, one slice: tiles that fit a CPU's
    cache only multiply the kernel launches (LeNet's step on an H200: 22 tiles of its second
    convolution, each a few launches, made it 7.6x a hand-written cupy step)."""
    if xp is not np:
        return [slice(0, n)]
    return batch_tiles(n, bytes_per_item, COL_BYTES if limit is None else limit)


class _Im2col:
    """The im2col matrices of one convolution, built a tile of whole images at a time: for the
    images of a tile, their padded copy and the (pixels, kh*kw*c) matrix of their windows, both
    in the caller's scratch arrays (small enough to stay in cache for the matmul that reads
    them). With one input channel the matrix is built transposed, a row per filter tap (each
    row a shifted copy of the images, read in runs of a whole image row instead of windows of
    kw numbers), and the view returned is its transpose, which matmul reads as it is (LeNet's
    first layer, 1 -> 32 channels 5x5 on 28x28: forward 4.0 -> 1.7 ms, filter gradient 3.5 ->
    2.1 ms at one thread; with 2 or more channels the window-major matrix is as fast or
    faster)."""

    def __init__(self, xp, x, kh, kw, pads, oh, ow, strides, dilations, ones=False):
        self.xp, self.x, self.pads = xp, x, pads
        self.geometry = (kh, kw, oh, ow, strides, dilations)
        self.padded = any(pads[0] + pads[1])
        n, _, _, c = x.shape
        # the matrix's width: a column per filter tap and channel, and with `ones` one more
        # column of ones after them (a bias row of the filter matrix then adds the bias in the
        # same product; the filter gradient's product gets the bias gradient as its last row)
        self.ones = ones
        self.k = kh * kw * c + ones
        self.tiles = _tiles(xp, n, oh * ow * self.k * x.itemsize)
        self.full = self.tiles[0].stop - self.tiles[0].start  # images in a full tile
        self._views = {}  # id(scratch list) -> views of it for a full tile (made once)
        # id(scratch list) whose padded images have their zero border from an earlier full
        # tile of this call: later tiles in it copy only their interior (a shorter last tile
        # uses the first images of the same array)
        self._bordered = set()

    def scratch(self):
        """(shape, dtype) of the scratch arrays `tile` needs: padded images, then the matrix."""
        kh, kw, oh, ow, _, _ = self.geometry
        pad = _padded_shape((self.full,) + self.x.shape[1:], *self.pads) if self.padded \
            else (0,)
        return [(pad, self.x.dtype), ((self.full * oh * ow * self.k,), self.x.dtype)]

    def _views_of(self, arrays, m):
        """(padded images, their windows, the matrix as yielded, its window-shaped view) for a
        tile of m images in `arrays`."""
        kh, kw, oh, ow, strides, dilations = self.geometry
        x = arrays[0][:m] if self.padded else None
        patches = None if x is None else _patches(self.xp, x, kh, kw, oh, ow, strides,
                                                   dilations)
        rows, k, taps = m * oh * ow, self.k, self.k - self.ones
        flat = arrays[1][:rows * k]
        if self.x.shape[3] == 1:
            tile = flat.reshape(k, rows)
            return x, patches, tile.T, tile[:taps].reshape(kh, kw, 1, m, oh, ow)
        tile = flat.reshape(rows, k)
        # (each axis splits into several: a view, never a copy; numpy 2.5 deprecates setting
        # .shape, which said so by raising)
        windows = tile[:, :taps].reshape(m, oh, ow, kh, kw, self.x.shape[3])
        return x, patches, tile, windows

    def tile(self, arrays, t):
        """The im2col matrix (pixels, k) of the images in slice t, in arrays[1]. The views of
        a slot's arrays are made once per kernel call (they cost more than a small tile's
        copy)."""
        m = t.stop - t.start
        views = self._views.get(id(arrays)) if m == self.full else None
        if views is None:
            views = self._views_of(arrays, m)
            if m == self.full:
                self._views[id(arrays)] = views
        xpad, patches, matrix, windows = views
        if self.padded:
            key = id(arrays)
            _fill_pad(self.x[t], *self.pads, 0, xpad, key not in self._bordered)
            if m == self.full:
                self._bordered.add(key)
        else:
            kh, kw, oh, ow, strides, dilations = self.geometry
            patches = _patches(self.xp, self.x[t], kh, kw, oh, ow, strides, dilations)
        if self.x.shape[3] == 1:
            windows[...] = patches.transpose(3, 4, 5, 0, 1, 2)
        else:
            windows[...] = patches
        if self.ones:  # (every tile: the scratch arrays are shared with other kernels)
            matrix[:, -1] = 1
        return matrix


def _im2col_conv(xp, work, split, x, w, pads, strides, dilations, out, bias=None):
    """Writes into `out` (n, oh, ow, o) the convolution of NHWC x, padded by pads = (pad_h,
    pad_w), with HWIO w: per tile of images, its im2col matrix (_Im2col) times the filter
    matrix, the tiles split over the workers. A 1x1 filter of stride 1 over unpadded x is one
    matmul of x itself. With a `bias` (o,), the result is the convolution plus the bias: the
    matrix has a column of ones and the filter matrix the bias as its last row, so the
    product adds it (conv_bias)."""
    n, _, _, c = x.shape
    kh, kw, _, o = w.shape
    _, oh, ow, _ = out.shape
    wmat = w.reshape(kh * kw * c, o)
    if kh == kw == 1 and not any(pads[0] + pads[1]) and tuple(strides) == (1, 1):
        xp.matmul(x.reshape(-1, c), wmat, out=out.reshape(-1, o))
        return out if bias is None else xp.add(out, bias, out=out)
    if bias is not None:
        wmat = xp.concatenate([wmat, bias.reshape(1, o)])
    cols = _Im2col(xp, x, kh, kw, pads, oh, ow, strides, dilations, ones=bias is not None)

    def tile(arrays, t):
        xp.matmul(cols.tile(arrays, t), wmat, out=out[t].reshape(-1, o))
    each_tile(xp, work, split, cols.tiles, cols.scratch(), tile)
    return out


# -- Winograd minimal filtering -------------------------------------------------------------------

# Stride-1, dilation-1 float32 and float64 convolutions with a square filter of a size in
# WINOGRAD_TILE run as Winograd's minimal filtering F(m x m, r x r) (Lavin & Gray, "Fast
# algorithms for convolutional neural networks", 2016): each a x a tile (a = m + r - 1, step m)
# of the padded input is transformed (B^T d B), multiplied channel-wise with the transformed
# filter (G g G^T) as a*a matrix products (tiles, c) x (c, o), and the products transformed
# back (A^T M A) to m x m outputs. F(4x4, 5x5) needs 64 products per 16 outputs where im2col
# needs 25 x 16 (6.25x fewer multiplications), F(4x4, 3x3) 36 where im2col needs 9 x 16 (4x
# fewer), against transforms that are memory passes. Results differ from im2col's in the last
# bits (docs/cnn.md, "Sixth session: Winograd": measured errors). False turns it off (every
# convolution runs as im2col).
WINOGRAD = True

# Filter size -> (output tile size m, the interpolation points of F(m, r): m + r - 2 finite
# points, then infinity, the largest share of padding past the outputs that whole tiles may
# add: tiles of th*m x tw*m outputs for oh x ow). The points are those with the smallest
# errors measured (docs/cnn.md): 0, +-1, +-2, +-1/2 for 8-point transforms, 0, +-1, 2, -1/2
# for 6-point ones.
WINOGRAD_TILE = {3: (4, (0, 1, -1, 2, -0.5), 1.5), 5: (4, (0, 1, -1, 2, -2, 0.5, -0.5), 2.0)}

# Winograd runs with at least WINOGRAD_MIN_CHANNELS input channels (the side whose tiles are
# transformed; below it the products are too thin to pay for the transforms), half as many
# output channels, and WINOGRAD_MIN_MACS multiply-adds as im2col would make (below it the
# transforms' dozen numpy calls a tile cost more than they save). Measured at one thread
# (docs/cnn.md): 5x5 8 -> 8 channels 1.06x, 16 -> 16 1.27x; 3x3 16 -> 16 on 14x14 (14M) 0.83x,
# 16 -> 8 on 28x28 (29M) 1.19x.
WINOGRAD_MIN_CHANNELS = 16
WINOGRAD_MIN_MACS = 1 << 24

# The batch runs in tiles of whole images whose transformed products (a*a, tiles, o) take at
# most WINOGRAD_TILE_BYTES, so that the transforms' passes stay in cache.
WINOGRAD_TILE_BYTES = 1 << 20

# The filter gradient's partial sums (_filter_groups' budget): 0, FILTER_GROUPS groups of
# tiles. One partial sum (a*a, c, o) per tile, as im2col's, made LeNet's 32 partial sums of
# 512 KiB, whose sum after the split took ~0.5 ms (filter gradient on two participants 4.45
# -> 3.96 ms with 8 groups).
WINOGRAD_PARTS_BYTES = 0

_WINOGRAD_DTYPES = (dtypes.float32, dtypes.float64)


@functools.lru_cache(maxsize=None)
def winograd_matrices(m, r, points):
    """(A^T (m, a), G (a, r), B^T (a, a)) of F(m, r) over `points` (a - 1 finite points, then
    infinity), exact rationals as tuples of Python floats. A^T and G are Cook-Toom's
    (Vandermonde rows; G divided by each point's product of differences); B^T is the solution
    of sum_j A^T[i, j] G[j, k] B^T[j, l] = [l == i + k], solved in floats and rounded to the
    nearest fraction of denominator at most 1024, then checked exactly."""
    a = m + r - 1
    p = [Fraction(v).limit_denominator(64) for v in points]
    at = [[p[j] ** i for j in range(a - 1)] + [Fraction(int(i == m - 1))] for i in range(m)]
    g = []
    for j in range(a - 1):
        f = Fraction(1)
        for l in range(a - 1):
            if l != j:
                f *= p[j] - p[l]
        g.append([p[j] ** k / f for k in range(r)])
    g.append([Fraction(int(k == r - 1)) for k in range(r)])
    rows = [[at[i][j] * g[j][k] for j in range(a)] for i in range(m) for k in range(r)]
    rhs = [[float(l == i + k) for l in range(a)] for i in range(m) for k in range(r)]
    solved = np.linalg.lstsq(np.array(rows, dtype=np.float64), np.array(rhs), rcond=None)[0]
    bt = [[Fraction(float(v)).limit_denominator(1024) for v in row] for row in solved]
    for row, want in zip(rows, rhs):
        for l in range(a):
            if sum(row[j] * bt[j][l] for j in range(a)) != want[l]:
                raise ArithmeticError("F(%d, %d) over %s has no exact transform" % (m, r, points))
    return tuple(tuple(tuple(float(v) for v in row) for row in mat) for mat in (at, g, bt))


def winograd_applies(xp, dtype, n, w_shape, strides, dilations, out_hw):
    """Whether a convolution of n images, HWIO filter shape w_shape and outputs of out_hw runs
    as Winograd: WINOGRAD on, on numpy (on cupy, where it was never measured, im2col's
    products are cuBLAS's), a dtype of _WINOGRAD_DTYPES, stride and dilation 1, a square
    filter of a size in WINOGRAD_TILE, whole tiles adding at most its share of padding, at
    least WINOGRAD_MIN_CHANNELS input channels and half as many output channels, and at least
    WINOGRAD_MIN_MACS multiply-adds."""
    kh, kw, c, o = w_shape
    if not (WINOGRAD and xp is np and dtypes.as_dtype(dtype) in _WINOGRAD_DTYPES and kh == kw
            and kh in WINOGRAD_TILE and tuple(strides) == (1, 1) and tuple(dilations) == (1, 1)
            and c >= WINOGRAD_MIN_CHANNELS and 2 * o >= WINOGRAD_MIN_CHANNELS):
        return False
    m, _, waste = WINOGRAD_TILE[kh]
    oh, ow = out_hw
    tiled = -(-oh // m) * m * -(-ow // m) * m
    return 0 < tiled <= waste * oh * ow and n * oh * ow * kh * kw * c * o >= WINOGRAD_MIN_MACS


class _Winograd:
    """The tiles of one Winograd convolution geometry: an NHWC input of n images padded by
    pads (and with zeros up to whole tiles), transformed in tiles of whole images, each in the
    caller's scratch arrays (flat: 0 the padded images, 1-3 the input's transforms, which 1
    ends in, 4 the products or the output gradient's transform, 5 the padded output gradient
    when the outputs do not make whole tiles, 6 a product of the filter gradient). The views
    of a scratch set are made once per kernel call and tile size (`views`): as_strided and
    reshapes cost more than a small tile's passes, and they hold the GIL, which the other
    participants of a split need (with views made per tile, two participants were slower than
    one on tiles of one image)."""

    def __init__(self, xp, x_shape, r, pads, oh, ow, o, dtype, itemsize):
        n, h, wd, c = x_shape
        self.xp, self.r, self.pads, self.oh, self.ow = xp, r, pads, oh, ow
        self.m, points, _ = WINOGRAD_TILE[r]
        m = self.m
        self.a = a = m + r - 1
        self.th, self.tw = -(-oh // m), -(-ow // m)
        self.hp, self.wp = self.th * m + r - 1, self.tw * m + r - 1
        at, g, bt = winograd_matrices(m, r, points)
        self.at, self.g, self.bt = (xp.asarray(v, dtype=dtype) for v in (at, g, bt))
        self.c, self.o, self.dtype, self.h, self.wd = c, o, dtype, h, wd
        per_image = a * a * self.th * self.tw * max(c, o) * itemsize
        self.tiles = batch_tiles(n, per_image, WINOGRAD_TILE_BYTES)
        self.full = self.tiles[0].stop - self.tiles[0].start
        self.whole = (oh, ow) == (self.th * m, self.tw * m)
        # the outputs' parts: whole tiles, then the partial last row and column of tiles, as
        # (first tile row, tile rows, rows of each; the same for columns)
        fh, fw = oh // m, ow // m
        rows = [(0, fh, m)] + ([(fh, 1, oh - fh * m)] if fh < self.th else [])
        cols = [(0, fw, m)] + ([(fw, 1, ow - fw * m)] if fw < self.tw else [])
        self.parts = [r_ + c_ for r_ in rows for c_ in cols if r_[1] and c_[1]]
        self._bordered = set()  # id(scratch list) whose padded arrays have their zero border
        self._views = {}

    def scratch(self, filter_gradient=False):
        """(shape, dtype) of the scratch arrays (see the class)."""
        k, a, m, c, o = self.full, self.a, self.m, self.c, self.o
        tiles = k * self.th * self.tw
        big = max(a * a * tiles * c, m * m * tiles * o)
        once = max(k * a * self.th * self.wp * c, a * m * tiles * o)
        padded_dy = (k, self.th * m, self.tw * m, o) if filter_gradient and not self.whole \
            else (0,)
        sizes = [(k, self.hp, self.wp, c), (big,), (once,), (big,), (a * a * tiles * o,),
                 padded_dy] + ([(a * a * c * o,)] if filter_gradient else [])
        return [(shape, self.dtype) for shape in sizes]

    def _border(self, arrays, k):
        """Whether the padded arrays of `arrays` need their zero border written (not yet for
        this call); a tile of full size gives them one."""
        key = id(arrays)
        if key in self._bordered:
            return False
        if k == self.full:
            self._bordered.add(key)
        return True

    def views(self, arrays, k, filter_gradient=False):
        """The views of the scratch set `arrays` for a tile of k images (see the class)."""
        key = (id(arrays), k)
        views = self._views.get(key)
        if views is None:
            views = self._views[key] = self._make_views(arrays, k, filter_gradient)
        return views

    def _make_views(self, arrays, k, filter_gradient):
        xp, a, m, c, o = self.xp, self.a, self.m, self.c, self.o
        th, tw, wp = self.th, self.tw, self.wp
        count = k * th * tw
        strided = xp.lib.stride_tricks.as_strided
        (top, _), (left, _) = self.pads
        v = {"padded": arrays[0][:k]}
        v["interior"] = v["padded"][:, top:top + self.h, left:left + self.wd]
        # the input: B^T on the a rows of each row of tiles, read in place from the padded
        # images; then the column tiles gathered, B on the right
        s = v["padded"].strides
        v["once"] = _flat(arrays[2], (k, th, a, wp * c))
        v["rows"] = strided(v["padded"], v["once"].shape, (s[0], m * s[1], s[1], s[3]))
        s = v["once"].strides
        tiles = _flat(arrays[3], (a, a, k, th, tw, c))
        v["tiles"] = tiles
        v["columns"] = strided(v["once"], tiles.shape,
                               (s[2], c * s[3], s[0], s[1], m * c * s[3], s[3]))
        v["tiles3"] = tiles.reshape(a, a, -1)
        v["done"] = _flat(arrays[1], (a, a, count * c))
        v["u"] = v["done"].reshape(a * a, count, c)
        if not filter_gradient:  # the products, A on the right, then on the left
            v["products"] = _flat(arrays[4], (a * a, count, o))
            v["products3"] = v["products"].reshape(a, a, -1)
            v["right"] = _flat(arrays[2], (a, m, count * o))
            v["right2"] = v["right"].reshape(a, -1)
            y = _flat(arrays[3], (m, m, k, th, tw, o))
            v["y2"] = y.reshape(m, -1)
            v["y_parts"] = [y[:mr, :mc, :, r0:r0 + nr, c0:c0 + nc].transpose(2, 3, 0, 4, 1, 5)
                            for r0, nr, mr, c0, nc, mc in self.parts]
            return v
        # the output gradient: its m x m tiles gathered, A on the left, then on the right
        if not self.whole:
            v["padded_dy"] = arrays[5][:k]
            v["dy_interior"] = v["padded_dy"][:, :self.oh, :self.ow]
            v["dy_tiles"] = v["padded_dy"].reshape(k, th, m, tw, m, o).transpose(
                2, 4, 0, 1, 3, 5)
        v["g_tiles"] = _flat(arrays[3], (m, m, k, th, tw, o))
        v["g_tiles2"] = v["g_tiles"].reshape(m, -1)
        v["g_left"] = _flat(arrays[2], (a, m, count * o))
        v["g_left2"] = v["g_left"].reshape(a, -1)
        v["g_done"] = _flat(arrays[4], (a, a, count * o))
        v["e"] = v["g_done"].reshape(a * a, count, o)
        v["ut"] = v["u"].transpose(0, 2, 1)
        v["part"] = arrays[6].reshape(a * a, c, o)
        return v

    def transform_input(self, views, x, t, border):
        """B^T d B of every tile of the images x[t], as (a*a, tiles, c): the images padded
        (the padding stays from the set's first full tile when `border` is False), B^T applied
        to each row of tiles in place, the column tiles gathered and B applied."""
        xp = self.xp
        if border:
            views["padded"][...] = 0
        views["interior"][...] = x[t]
        xp.matmul(self.bt, views["rows"], out=views["once"])
        views["tiles"][...] = views["columns"]
        xp.matmul(self.bt, views["tiles3"], out=views["done"])
        return views["u"]

    def transform_filter(self, w):
        """G w G^T of the (r, r, c, o) filter w, as (a*a, c, o)."""
        xp, a, r = self.xp, self.a, self.r
        once = xp.matmul(self.g, w.reshape(r, -1))
        return xp.matmul(self.g, once.reshape(a, r, -1)).reshape(a * a, self.c, self.o)

    def output_parts(self, out):
        """Views of `out` (n, oh, ow, o), one per part of the outputs (self.parts), as
        (n, tile rows, rows, tile columns, columns, o)."""
        m, s = self.m, out.strides
        return [self.xp.lib.stride_tricks.as_strided(
            out[:, r0 * m:, c0 * m:], (out.shape[0], nr, mr, nc, mc, self.o),
            (s[0], m * s[1], s[1], m * s[2], s[2], s[3]))
            for r0, nr, mr, c0, nc, mc in self.parts]

    def conv_tile(self, arrays, x, v, out_parts, t):
        """The convolution of x[t] into out_parts (output_parts): the transformed tiles times
        the transformed filter v (a*a products), then A^T M A of each tile (A on the right
        first), each part of the tiles written straight into its part of the outputs."""
        xp = self.xp
        k = t.stop - t.start
        views = self.views(arrays, k)
        u = self.transform_input(views, x, t, self._border(arrays, k))
        xp.matmul(u, v, out=views["products"])
        xp.matmul(self.at, views["products3"], out=views["right"])
        xp.matmul(self.at, views["right2"], out=views["y2"])
        for target, part in zip(out_parts, views["y_parts"]):
            target[t] = part

    def transform_gradient(self, views, dy, t, border):
        """A dy A^T of every m x m tile of dy[t] (zeros past its edges), as (a*a, tiles, o)."""
        xp, m = self.xp, self.m
        if self.whole:
            k = t.stop - t.start
            views["g_tiles"][...] = dy[t].reshape(k, self.th, m, self.tw, m, self.o).transpose(
                2, 4, 0, 1, 3, 5)
        else:
            if border:
                views["padded_dy"][...] = 0
            views["dy_interior"][...] = dy[t]
            views["g_tiles"][...] = views["dy_tiles"]
        xp.matmul(self.at.T, views["g_tiles2"], out=views["g_left2"])
        xp.matmul(self.at.T, views["g_left"], out=views["g_done"])
        return views["e"]

    def filter_tile(self, arrays, x, dy, t, out=None):
        """The filter gradient's a*a products (c, o) of the images x[t], into `out` when
        given, else into the scratch set's product (returned)."""
        k = t.stop - t.start
        views = self.views(arrays, k, True)
        border = self._border(arrays, k)
        e = self.transform_gradient(views, dy, t, border)
        self.transform_input(views, x, t, border)
        return self.xp.matmul(views["ut"], e, out=views["part"] if out is None else out)

    def filter_from(self, acc):
        """G^T M G of the summed products M (a*a, c, o), as the (r, r, c, o) filter
        gradient."""
        xp, a, r = self.xp, self.a, self.r
        once = xp.matmul(self.g.T, acc.reshape(a, -1))
        return xp.matmul(self.g.T, once.reshape(r, a, -1)).reshape(r, r, self.c, self.o)


def _flat(array, shape):
    """The first elements of the flat scratch `array`, viewed as `shape`."""
    size = 1
    for d in shape:
        size *= d
    return array[:size].reshape(shape)


def _winograd_conv(xp, work, split, x, w, pads, out):
    """Writes into `out` (n, oh, ow, o) the stride-1 convolution of NHWC x, padded by pads,
    with the square HWIO filter w, as Winograd's F(m x m, r x r) (winograd_applies), the tiles
    of images split over the workers."""
    _, oh, ow, o = out.shape
    plan = _Winograd(xp, x.shape, w.shape[0], pads, oh, ow, o, x.dtype, x.itemsize)
    v = plan.transform_filter(w)
    parts = plan.output_parts(out)

    def tile(arrays, t):
        plan.conv_tile(arrays, x, v, parts, t)
    each_tile(xp, work, split, plan.tiles, plan.scratch(), tile)
    return out


def _winograd_filter(xp, work, split, x, w_shape, dy, pads):
    """The filter gradient of a Winograd convolution (its transpose): per tile, the input's
    transformed tiles times the output gradient's (A dy A^T), summed as _backprop_filter sums
    im2col products (groups of tiles in order, then the groups in order), then G^T M G."""
    r, _, c, o = w_shape
    _, oh, ow, _ = dy.shape
    plan = _Winograd(xp, x.shape, r, pads, oh, ow, o, x.dtype, x.itemsize)
    a2 = plan.a * plan.a
    groups = _filter_groups(plan.tiles, a2 * c * o * x.itemsize, WINOGRAD_PARTS_BYTES)

    def product(arrays, t, out=None):
        return plan.filter_tile(arrays, x, dy, t, out=out)
    return plan.filter_from(_sum_in_groups(xp, work, split, groups, (a2, c, o), x.dtype,
                                           plan.scratch(True), product))


# -- Conv2D and its backprop ops ------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _ConvAttrs(_Windowed):
    """The attributes (TF's attr names) of the regular and the depthwise convolutions.
    _check_attrs tells them from pooling ops by the presence of dilations and
    explicit_paddings, so they are declared here and not on _Windowed."""

    explicit_paddings: tuple = ()
    dilations: tuple = (1, 1, 1, 1)

    # (forward, backprop-input, backprop-filter) op classes of the family, set once they exist:
    # each is linear in two inputs, so the gradients of every one are the other two.
    family: ClassVar[tuple] = ()

    def _family_op(self, role, inputs):
        cls = self.family[role]
        return cls(**self.attrs())(*inputs, name=cls.type_name)

    def _forward_grad(self, op, dy):
        x, w = op.inputs
        return [self._family_op(1, [shape(x), w, dy]), self._family_op(2, [x, shape(w), dy])]

    def _backprop_input_compute(self, xp, input_sizes, w, dy, out=None, work=None,
                                split=None):
        sizes = _nhwc_dims(_runtime_sizes(input_sizes), self.data_format)
        return self.from_nhwc(xp, self._backprop_input(xp, sizes, w, self.to_nhwc(xp, dy),
                                                       self.nhwc_out(out), work, split), out)

    def _backprop_input_grad(self, op, ddx):
        _, w, dy = op.inputs
        return [None, self._family_op(2, [ddx, shape(w), dy]), self._family_op(0, [ddx, w])]

    def _backprop_filter_compute(self, xp, x, filter_sizes, dy, work=None, split=None):
        return self._backprop_filter(xp, self.to_nhwc(xp, x), _runtime_sizes(filter_sizes),
                                     self.to_nhwc(xp, dy), work, split)

    def _backprop_filter_grad(self, op, ddw):
        x, _, dy = op.inputs
        return [self._family_op(1, [shape(x), ddw, dy]), None, self._family_op(0, [x, ddw])]


class _ConvBase(_ConvAttrs):
    """Geometry shared by Conv2D and its two backprop ops."""

    use_cudnn_on_gpu: bool = True

    def _strides_hw(self):
        return _hw(self.strides, self.data_format)

    def _dilations_hw(self):
        return _hw(self.dilations, self.data_format)

    def _runtime_geometry(self, x_shape, w_shape, dy_shape=None):
        n, h, w, c = _nhwc_dims(tuple(x_shape), self.data_format)
        kh, kw, fc, o = w_shape
        if c != fc:
            raise ValueError("%s: depth of input (%d) does not match the input depth of filter "
                             "(%d)" % (self.type_name, c, fc))
        oh, ow, pad_h, pad_w = self.geometry(h, w, kh, kw)
        if dy_shape is not None:
            want = _from_nhwc_dims(n, oh, ow, o, self.data_format)
            if tuple(dy_shape) != want:
                raise ValueError("%s: out_backprop has shape %s but the convolution of an input "
                                 "of %s with a filter of %s gives %s"
                                 % (self.type_name, list(dy_shape), list(x_shape), list(w_shape),
                                    list(want)))
        return (n, h, w, c), (kh, kw, o), (oh, ow), (pad_h, pad_w)

    def _out_spec(self, x_dims, w_dims, dtype):
        """The static output spec of the forward convolution."""
        n, h, w, c = _nhwc_dims(x_dims, self.data_format) if x_dims else (None,) * 4
        kh, kw, fc, o = w_dims if w_dims else (None,) * 4
        _channels_match(self.type_name, c, fc)
        if kh is None or kw is None:
            oh = ow = None
        else:
            oh, ow, _, _ = self.geometry(h, w, kh, kw)
        return TensorSpec(_from_nhwc_dims(n, oh, ow, o, self.data_format), dtype)

    def fuses_bias(self, op, bias_op):
        """Whether a plan may run `op` (this op's Conv2D, or Conv2DBackpropFilter) with
        `bias_op` (the BiasAdd reading its output; the BiasAddGrad of its out_backprop) as one
        kernel (bind_group): FUSE_BIAS on, both NHWC, float32 or float64, and static shapes for
        which the convolution takes the im2col path whatever the batch size (not Winograd, not
        a 1x1 filter), with a bias of the filter's output channels."""
        if not (FUSE_BIAS and self.data_format == "NHWC" and
                getattr(bias_op.opdef, "data_format", None) == "NHWC"):
            return False
        x = op.inputs[0]
        w_shape = (op.inputs[1] if op.type == "Conv2D" else op.outputs[0]).shape
        dims = x.shape.as_tuple()
        bias_dims = (bias_op.inputs[1] if bias_op.type == "BiasAdd"
                     else bias_op.outputs[0]).shape.as_tuple()
        if (x.dtype not in _FUSED_BIAS_DTYPES or dims is None or len(dims) != 4
                or None in dims[1:3] or not w_shape.is_fully_defined()):
            return False
        kh, kw, c, o = w_shape.as_tuple()
        oh, ow, _, _ = self.geometry(dims[1], dims[2], kh, kw)
        return (bias_dims == (o,) and not kh == kw == 1 and not winograd_applies(
            np, x.dtype, dims[0] or 1 << 40, (kh, kw, c, o), self._strides_hw(),
            self._dilations_hw(), (oh, ow)))

    def _conv(self, xp, x, w, out=None, work=None, split=None, bias=None):
        """The forward convolution of NHWC x with HWIO w (into `out` when given), plus `bias`
        (o,) when given: in the im2col product (_im2col_conv), else added after it."""
        (n, h, wd, c), (kh, kw, o), (oh, ow), pads = self._runtime_geometry(
            _from_nhwc_dims(*x.shape, self.data_format), w.shape)
        if out is None:
            out = xp.empty((n, oh, ow, o), dtype=x.dtype)
        if winograd_applies(xp, x.dtype, n, w.shape, self._strides_hw(), self._dilations_hw(),
                            (oh, ow)):
            out = _winograd_conv(xp, work, split, x, w, pads, out)
            return out if bias is None else xp.add(out, bias, out=out)
        return _im2col_conv(xp, work, split, x, w, pads, self._strides_hw(),
                            self._dilations_hw(), out, bias)

    def _backprop_input(self, xp, x_shape, w, dy, out=None, work=None, split=None):
        """d(conv)/d(input) for an NHWC input of x_shape (into `out` when given). Stride 1:
        the convolution of dy, padded by (effective filter size - 1 - the forward's padding)
        on each side, with the filter rotated by 180 degrees and its in/out channels swapped.
        Otherwise (or when the forward padding exceeds the filter): per tile of images, one
        matmul into the im2col layout, then one strided scatter-add per filter tap into the
        tile's padded gradient."""
        n, h, wd, c = x_shape
        kh, kw, _, o = w.shape
        _, _, (oh, ow), (pad_h, pad_w) = self._runtime_geometry(
            _from_nhwc_dims(*x_shape, self.data_format), w.shape,
            _from_nhwc_dims(*dy.shape, self.data_format))
        if out is None:
            out = xp.empty((n, h, wd, c), dtype=dy.dtype)
        (dh, dw), strides = self._dilations_hw(), self._strides_hw()
        eh, ew = (kh - 1) * dh + 1, (kw - 1) * dw + 1
        full = ((eh - 1 - pad_h[0], eh - 1 - pad_h[1]), (ew - 1 - pad_w[0], ew - 1 - pad_w[1]))
        if strides == (1, 1) and min(full[0] + full[1]) >= 0 and c >= AS_CONV_MIN_CHANNELS:
            flipped = xp.transpose(w[::-1, ::-1], (0, 1, 3, 2))
            if winograd_applies(xp, dy.dtype, n, flipped.shape, strides, (dh, dw), (h, wd)):
                return _winograd_conv(xp, work, split, dy, flipped, full, out)
            return _im2col_conv(xp, work, split, dy, flipped, full, (1, 1), (dh, dw), out)
        padded = any(pad_h + pad_w)
        wmat_t = w.reshape(kh * kw * c, o).T
        taps = self.taps(kh, kw, oh, ow)
        tiles = _tiles(xp, n, oh * ow * kh * kw * c * dy.itemsize)
        m = tiles[0].stop - tiles[0].start
        scratch = [(_padded_shape((m, h, wd, c), pad_h, pad_w) if padded else (0,), dy.dtype),
                   ((m * oh * ow, kh * kw * c), dy.dtype)]

        def tile(arrays, t):
            mt = t.stop - t.start
            dxpad = arrays[0][:mt] if padded else out[t]
            dxpad[...] = 0
            cols = arrays[1][:mt * oh * ow]
            xp.matmul(dy[t].reshape(-1, o), wmat_t, out=cols)
            cols = cols.reshape(-1, oh, ow, kh, kw, c)
            for k, (rows, columns) in enumerate(taps):
                dxpad[:, rows, columns] += cols[:, :, :, k // kw, k % kw]
            if padded:
                out[t] = _crop_hw(dxpad, pad_h, pad_w, h, wd)
        each_tile(xp, work, split, tiles, scratch, tile)
        return out

    def _backprop_filter(self, xp, x, w_shape, dy, work=None, split=None, bias_grad=None):
        """d(conv)/d(filter): the im2col matrix's transpose times the output gradient, summed
        over the tiles in a fixed order (_summed_tile_products). With `bias_grad` (a kernel
        summing dy over all axes but the channels, the bias gradient's own), the pair
        (filter gradient, bias gradient): on the im2col path from the same products, the
        matrix having a column of ones (the product's last row is then dy's sum)."""
        (n, h, wd, c), (kh, kw, o), (oh, ow), pads = self._runtime_geometry(
            _from_nhwc_dims(*x.shape, self.data_format), w_shape,
            _from_nhwc_dims(*dy.shape, self.data_format))
        if winograd_applies(xp, x.dtype, n, (kh, kw, c, o), self._strides_hw(),
                            self._dilations_hw(), (oh, ow)):
            dw = _winograd_filter(xp, work, split, x, (kh, kw, c, o), dy, pads)
            return dw if bias_grad is None else (dw, bias_grad(dy))
        cols = _Im2col(xp, x, kh, kw, pads, oh, ow, self._strides_hw(), self._dilations_hw(),
                       ones=bias_grad is not None)
        sums = _summed_tile_products(xp, work, split, cols, dy)
        if bias_grad is None:
            return sums.reshape(kh, kw, c, o)
        return sums[:-1].reshape(kh, kw, c, o), sums[-1].copy()


def _summed_tile_products(xp, work, split, cols, dy):
    """The sum over the tiles of `cols` (an im2col builder: .tiles, .k, .scratch(), .tile) of
    each tile matrix's transpose times the tile's rows of dy (the filter gradient, (k, o)),
    summed in fixed groups (_sum_in_groups)."""
    k, o, dtype = cols.k, dy.shape[-1], dy.dtype
    groups = _filter_groups(cols.tiles, k * o * dy.itemsize)

    def product(arrays, t, out=None):
        return xp.matmul(cols.tile(arrays, t).T, dy[t].reshape(-1, o),
                         out=arrays[2] if out is None else out)
    scratch = cols.scratch() + [((k, o) if max(map(len, groups)) > 1 else (0,), dtype)]
    return _sum_in_groups(xp, work, split, groups, (k, o), dtype, scratch, product)


def _sum_in_groups(xp, work, split, groups, shape, dtype, scratch, product):
    """The sum of product(arrays, t) over the tiles t of `groups` (groups of consecutive tiles,
    _filter_groups, fixed by the shapes alone): each group sums its tiles' products in order
    into its own partial sum (product(arrays, t, out=) writes the first there), and the
    partial sums are added in group order: the same result however many threads ran the
    groups (each_tile, with the scratch arrays `scratch`)."""
    parts = xp.empty((1,) + shape, dtype=dtype) if len(groups) == 1 else \
        work_array(xp, work, SHARED_ARRAY, (len(groups),) + shape, dtype)

    def group(arrays, item):
        g, tiles = item
        product(arrays, tiles[0], out=parts[g])
        for t in tiles[1:]:
            parts[g] += product(arrays, t)
    each_tile(xp, work, split, list(enumerate(groups)), scratch, group)
    return parts[0] if len(groups) == 1 else ordered_sum(parts)


def _filter_groups(tiles, part_bytes, budget=None):
    """The filter gradient's tiles in groups of consecutive tiles, one partial sum each: one
    tile per group while the partial sums take at most `budget` (PARTS_BYTES when None), else
    FILTER_GROUPS groups as even as possible (fixed by the shapes, never by the thread
    count)."""
    count = len(tiles)
    budget = PARTS_BYTES if budget is None else budget
    g = min(count, max(FILTER_GROUPS, budget // max(part_bytes, 1)))
    size, extra = divmod(count, g)
    bounds = [i * size + min(i, extra) for i in range(g + 1)]
    return [tiles[bounds[i]:bounds[i + 1]] for i in range(g)]


def _sizes_spec(op_type, sizes, arg, rank=4):
    """The static shape a 1-D int32 sizes input (input_sizes, filter_sizes) holds."""
    if sizes.dtype not in (dtypes.int32, dtypes.int64) or sizes.shape.ndims not in (None, 1):
        raise ValueError("%s: %s must be a 1-D int32 tensor, got shape %s and dtype %s"
                         % (op_type, arg, sizes.shape, sizes.dtype.name))
    if sizes.shape.ndims == 1 and sizes.shape[0].value not in (None, rank):
        raise ValueError("%s: %s must have %d elements, got %d"
                         % (op_type, arg, rank, sizes.shape[0].value))
    dims = constant_value_as_shape(sizes)
    return (None,) * rank if dims.ndims is None else dims.as_tuple()


def _check_out_backprop(op, expected, dy_dims, x_dims, w_dims):
    """Fails a backprop op whose out_backprop's static shape `dy_dims` is not the `expected`
    spec of the convolution of an input of `x_dims` with a filter of `w_dims`."""
    if not expected.shape.is_compatible_with(dy_dims):
        raise ValueError("%s: out_backprop has shape %s, but a convolution of an input of shape "
                         "%s with a filter of shape %s gives %s"
                         % (op.type_name, list(dy_dims), list(x_dims), list(w_dims),
                            list(expected.shape.as_tuple())))


def _merge(a, b):
    return Dimension(a).merge_with(Dimension(b)).value


def _runtime_sizes(sizes):
    return tuple(int(v) for v in sizes.tolist())


@register
class Conv2D(_ConvBase):
    """output[n, i, j, o] = sum over (di, dj, c) of
    input[n, i*sh + di*dh - pad_top, j*sw + dj*dw - pad_left, c] * filter[di, dj, c, o]."""

    supports_out = True


    def infer(self, x, w):
        _check_same_dtype(self.type_name, x, w, "filter")
        _check_dtype(self.type_name, x.dtype)
        _check_rank(x, 4, "input")
        _check_rank(w, 4, "filter")
        self._check_attrs()
        return self._out_spec(x.shape.as_tuple(), w.shape.as_tuple(), x.dtype)

    def compute(self, xp, x, w, out=None, work=None, split=None):
        return self.from_nhwc(xp, self._conv(xp, self.to_nhwc(xp, x), w, self.nhwc_out(out),
                                             work, split), out)

    def bind_group(self, ctx, ops, producers=None):
        """The kernel of [this Conv2D, the BiasAdd reading its output] (fuses_bias; NHWC):
        `(x, w, bias, out=None)` -> the convolution plus the bias."""
        xp = ctx.xp_for(ops[0])
        work, split = ctx.buffers.workspace(xp), kernel_splitter(ctx, xp)

        def conv_bias(x, w, bias, out=None):
            return self._conv(xp, x, w, out, work, split, bias)
        return conv_bias

    grad = _ConvAttrs._forward_grad


@register
class Conv2DBackpropInput(_ConvBase):
    """The gradient of Conv2D with respect to its input, of shape `input_sizes` (also
    conv2d_transpose). Linear in filter and out_backprop, so its gradients are Conv2D and
    Conv2DBackpropFilter."""
    tf_signature = TFSignature(type_attrs=(("T", 1),))

    supports_out = True


    def infer(self, input_sizes, w, dy):
        _check_same_dtype(self.type_name, w, dy, "out_backprop", "filter")
        _check_dtype(self.type_name, w.dtype, "filter")
        _check_rank(w, 4, "filter")
        _check_rank(dy, 4, "out_backprop")
        self._check_attrs()
        dims = _sizes_spec(self.type_name, input_sizes, "input_sizes")
        w_dims = w.shape.as_tuple() or (None,) * 4
        dy_dims = dy.shape.as_tuple() or (None,) * 4
        n, h, wd, c = _nhwc_dims(dims, self.data_format)
        c = _merge(c, w_dims[2])
        _check_out_backprop(self, self._out_spec(
            _from_nhwc_dims(n, h, wd, c, self.data_format), w_dims, dy.dtype), dy_dims, dims,
            w_dims)
        n = _merge(n, _nhwc_dims(dy_dims, self.data_format)[0])
        return TensorSpec(_from_nhwc_dims(n, h, wd, c, self.data_format), dy.dtype)

    compute = _ConvAttrs._backprop_input_compute
    grad = _ConvAttrs._backprop_input_grad


@register
class Conv2DBackpropFilter(_ConvBase):
    """The gradient of Conv2D with respect to its filter, of shape `filter_sizes`."""

    def infer(self, x, filter_sizes, dy):
        _check_same_dtype(self.type_name, x, dy, "out_backprop")
        _check_dtype(self.type_name, x.dtype)
        _check_rank(x, 4, "input")
        _check_rank(dy, 4, "out_backprop")
        self._check_attrs()
        dims = _sizes_spec(self.type_name, filter_sizes, "filter_sizes")
        x_dims = x.shape.as_tuple() or (None,) * 4
        dy_dims = dy.shape.as_tuple() or (None,) * 4
        _check_out_backprop(self, self._out_spec(x_dims, dims, x.dtype), dy_dims, x_dims, dims)
        kh, kw, c, o = dims
        c = _merge(c, _nhwc_dims(x_dims, self.data_format)[3])
        o = _merge(o, _nhwc_dims(dy_dims, self.data_format)[3])
        return TensorSpec((kh, kw, c, o), x.dtype)

    compute = _ConvAttrs._backprop_filter_compute
    grad = _ConvAttrs._backprop_filter_grad

    def bind_group(self, ctx, ops, producers=None):
        """The kernel of [this op, the BiasAddGrad of its out_backprop] (fuses_bias; NHWC):
        `(x, filter_sizes, dy)` -> (filter gradient, bias gradient), the bias gradient from
        the filter gradient's products (the BiasAddGrad's own kernel where those are not
        im2col's)."""
        xp = ctx.xp_for(ops[0])
        work, split = ctx.buffers.workspace(xp), kernel_splitter(ctx, xp)
        bias_grad = ops[1].opdef.bind(ctx, ops[1])

        def filter_and_bias_grad(x, filter_sizes, dy):
            return self._backprop_filter(xp, x, _runtime_sizes(filter_sizes), dy, work, split,
                                         bias_grad)
        return filter_and_bias_grad


_ConvBase.family = (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter)


# -- depthwise convolution ------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _DepthwiseBase(_ConvAttrs):
    """Depthwise convolution: filter (kh, kw, c, m) convolves each input channel c with its own
    m filters; output channel c*m + k. One vectorised multiply-add per filter tap."""

    def _out_spec(self, x_dims, w_dims, dtype):
        n, h, w, c = _nhwc_dims(x_dims, self.data_format) if x_dims else (None,) * 4
        kh, kw, fc, m = w_dims if w_dims else (None,) * 4
        if c is not None and fc is not None and c != fc:
            raise ValueError("Dimensions must be equal, but are %d and %d (the input's depth "
                             "and the filter's in_channels)" % (c, fc))
        c = _merge(c, fc)
        oh = ow = None
        if kh is not None and kw is not None:
            oh, ow, _, _ = self.geometry(h, w, kh, kw)
        out_c = None if c is None or m is None else c * m
        return TensorSpec(_from_nhwc_dims(n, oh, ow, out_c, self.data_format), dtype)

    def _runtime(self, x_shape, w_shape, dy_shape=None):
        n, h, w, c = x_shape
        kh, kw, fc, m = w_shape
        if c != fc:
            raise ValueError("%s: input depth %d does not match the filter's in_channels %d"
                             % (self.type_name, c, fc))
        oh, ow, pad_h, pad_w = self.geometry(h, w, kh, kw)
        if dy_shape is not None and tuple(dy_shape) != (n, oh, ow, c * m):
            raise ValueError("%s: out_backprop has shape %s (NHWC), expected %s"
                             % (self.type_name, list(dy_shape), [n, oh, ow, c * m]))
        return oh, ow, pad_h, pad_w

    def _forward(self, xp, x, w, work=None, split=None):
        n, h, wd, c = x.shape
        kh, kw, _, m = w.shape
        oh, ow, pad_h, pad_w = self._runtime(x.shape, w.shape)
        xpad = _pad_hw(xp, x, pad_h, pad_w, work=work)
        out = xp.zeros((n, oh, ow, c, m), dtype=x.dtype)
        for k, (rows, cols) in enumerate(self.taps(kh, kw, oh, ow)):
            out += xpad[:, rows, cols, :, None] * w[k // kw, k % kw]
        return out.reshape(n, oh, ow, c * m)

    def _backprop_input(self, xp, x_shape, w, dy, out=None, work=None, split=None):
        n, h, wd, c = x_shape
        kh, kw, _, m = w.shape
        oh, ow, pad_h, pad_w = self._runtime(x_shape, w.shape, dy.shape)
        dy = dy.reshape(n, oh, ow, c, m)
        dxpad = xp.zeros((n, h + sum(pad_h), wd + sum(pad_w), c), dtype=dy.dtype)
        for k, (rows, cols) in enumerate(self.taps(kh, kw, oh, ow)):
            dxpad[:, rows, cols] += xp.sum(dy * w[k // kw, k % kw], axis=-1)
        return xp.ascontiguousarray(_crop_hw(dxpad, pad_h, pad_w, h, wd))

    def _backprop_filter(self, xp, x, w_shape, dy, work=None, split=None):
        n, h, wd, c = x.shape
        kh, kw, _, m = w_shape
        oh, ow, pad_h, pad_w = self._runtime(x.shape, w_shape, dy.shape)
        xpad = _pad_hw(xp, x, pad_h, pad_w, work=work)
        dy = dy.reshape(-1, c, m)
        dw = xp.empty((kh, kw, c, m), dtype=x.dtype)
        for k, (rows, cols) in enumerate(self.taps(kh, kw, oh, ow)):
            tap = xpad[:, rows, cols].reshape(-1, c)
            dw[k // kw, k % kw] = xp.sum(tap[:, :, None] * dy, axis=0)
        return dw


@register
class DepthwiseConv2dNative(_DepthwiseBase):

    def infer(self, x, w):
        _check_same_dtype(self.type_name, x, w, "filter")
        _check_dtype(self.type_name, x.dtype)
        _check_rank(x, 4, "input")
        _check_rank(w, 4, "filter")
        self._check_attrs()
        return self._out_spec(x.shape.as_tuple(), w.shape.as_tuple(), x.dtype)

    def compute(self, xp, x, w, work=None, split=None):
        return self.from_nhwc(xp, self._forward(xp, self.to_nhwc(xp, x), w, work))

    grad = _ConvAttrs._forward_grad


@register
class DepthwiseConv2dNativeBackpropInput(_DepthwiseBase):

    tf_signature = TFSignature(type_attrs=(("T", 1),))
    def infer(self, input_sizes, w, dy):
        _check_same_dtype(self.type_name, w, dy, "out_backprop", "filter")
        _check_dtype(self.type_name, w.dtype, "filter")
        _check_rank(w, 4, "filter")
        _check_rank(dy, 4, "out_backprop")
        self._check_attrs()
        dims = _sizes_spec(self.type_name, input_sizes, "input_sizes")
        expected = self._out_spec(dims, w.shape.as_tuple(), dy.dtype).shape
        if not expected.is_compatible_with(dy.shape):
            raise ValueError("%s: out_backprop has shape %s, expected %s"
                             % (self.type_name, dy.shape, expected))
        return TensorSpec(dims, dy.dtype)

    compute = _ConvAttrs._backprop_input_compute
    grad = _ConvAttrs._backprop_input_grad


@register
class DepthwiseConv2dNativeBackpropFilter(_DepthwiseBase):

    def infer(self, x, filter_sizes, dy):
        _check_same_dtype(self.type_name, x, dy, "out_backprop")
        _check_dtype(self.type_name, x.dtype)
        _check_rank(x, 4, "input")
        _check_rank(dy, 4, "out_backprop")
        self._check_attrs()
        dims = _sizes_spec(self.type_name, filter_sizes, "filter_sizes")
        expected = self._out_spec(x.shape.as_tuple(), dims, x.dtype).shape
        if not expected.is_compatible_with(dy.shape):
            raise ValueError("%s: out_backprop has shape %s, expected %s"
                             % (self.type_name, dy.shape, expected))
        return TensorSpec(dims, x.dtype)

    compute = _ConvAttrs._backprop_filter_compute
    grad = _ConvAttrs._backprop_filter_grad


_DepthwiseBase.family = (DepthwiseConv2dNative, DepthwiseConv2dNativeBackpropInput,
                         DepthwiseConv2dNativeBackpropFilter)


# -- pooling --------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class _PoolBase(_Windowed):
    """ksize/strides/padding/data_format and the output geometry shared by the pooling ops."""

    ksize: tuple = (1, 1, 1, 1)


    def _out_spec(self, x):
        _check_rank(x, 4, "input")
        self._check_attrs()
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec([None] * 4, x.dtype)
        n, h, w, c = _nhwc_dims(dims, self.data_format)
        kh, kw = _hw(self.ksize, self.data_format)
        oh, ow, _, _ = self.geometry(h, w, kh, kw)
        return TensorSpec(_from_nhwc_dims(n, oh, ow, c, self.data_format), x.dtype)

    def _runtime(self, x_shape, y_shape=None, what="grad"):
        n, h, w, c = x_shape
        kh, kw = _hw(self.ksize, self.data_format)
        oh, ow, pad_h, pad_w = self.geometry(h, w, kh, kw)
        if y_shape is not None and tuple(y_shape) != (n, oh, ow, c):
            raise ValueError("%s: %s has shape %s (NHWC), but pooling an input of %s gives %s"
                             % (self.type_name, what, list(y_shape), list(x_shape),
                                [n, oh, ow, c]))
        return (kh, kw), (oh, ow), (pad_h, pad_w)


def _pool_tiles(xp, x, pads, scratch):
    """(tiles of POOL_TILE_BYTES of padded input, scratch) for a pooling kernel over NHWC x:
    the scratch arrays `scratch` preceded by the tile's padded input (_padded_tile)."""
    shape = _padded_shape(x.shape, *pads)
    tiles = _tiles(xp, x.shape[0], x.itemsize * shape[1] * shape[2] * shape[3], POOL_TILE_BYTES)
    m = tiles[0].stop - tiles[0].start
    padded = any(pads[0] + pads[1])
    return tiles, [((m,) + shape[1:] if padded else (0,), x.dtype)] + scratch


def _padded_tile(xp, x, t, pads, arrays):
    """The images t of NHWC x padded with the dtype's lowest value, in arrays[0] (the images
    themselves when there is no padding)."""
    if not any(pads[0] + pads[1]):
        return x[t]
    xs = x[t]
    return _fill_pad(xs, *pads, _lowest(xp, x.dtype), arrays[0][:xs.shape[0]])


def _one_hit_per_window(xp, x, y, dy, dx, hits, repeated):
    """For pooling windows that tile NHWC x exactly (y, dy: (n, oh, ow, c)): writes into dx
    each window's gradient at the position of its maximum and returns True, when every window
    holds its maximum at exactly one position (then "the first" is that one); returns False,
    with dx untouched, when some window holds it twice or not at all (a tie, or a NaN): the
    caller then goes tap by tap. y and dy are first repeated kw times along the rows into
    `repeated` ((n, oh, ow, kw, c)), so that the comparison and the product run over whole
    rows of x (ow * kw * c values) broadcast over the window's kh rows, not over runs of c
    values: 2x2 windows of 32 channels, 10 images of 28x28, 175 -> 151 us."""
    n, oh, ow, c = y.shape
    kh, kw = x.shape[1] // oh, x.shape[2] // ow
    rows = (n, oh, kh, ow * kw * c)
    hits = hits.reshape(rows)
    xp.copyto(repeated, y[:, :, :, None])
    xp.equal(x.reshape(rows), repeated.reshape(n, oh, 1, rows[3]), out=hits)
    if int(xp.count_nonzero(hits)) != y.size or \
            (y.dtype.kind == "f" and bool(xp.isnan(y).any())):
        return False
    xp.copyto(repeated, dy[:, :, :, None])
    xp.multiply(repeated.reshape(n, oh, 1, rows[3]), hits, out=dx.reshape(rows))
    return True


# MaxPoolGrad's tap-by-tap rule (the numpy kernel's, below) as one loop, for windows that tile
# the unpadded input exactly: each tap in row-major order gets dy * (x == y and no earlier tap
# of its window did), so the same bits (dy * 0 where it misses: -0.0 for a negative dy).
_MAX_POOL_GRAD_SOURCE = """\
#include <vector>
template <typename T>
static void max_pool_grad(long long n, long long oh, long long ow, long long kh, long long kw,
                          long long c, const T* __restrict__ x, const T* __restrict__ y,
                          const T* __restrict__ dy, T* __restrict__ dx) {
    const long long w = ow * kw, window_row = ow * c;
    std::vector<T> free_(window_row);  // 1 while a window's maximum is not found yet, else 0
    T* __restrict__ fs_ = free_.data();
    for (long long b = 0; b < n; ++b) {
        for (long long i = 0; i < oh; ++i) {
            const long long out_row = (b * oh + i) * window_row;
            const T* __restrict__ ys = y + out_row;
            const T* __restrict__ gs = dy + out_row;
            for (long long k = 0; k < window_row; ++k) fs_[k] = T(1);
            for (long long a = 0; a < kh; ++a) {
                const long long in_row = ((b * oh + i) * kh + a) * w * c;
                for (long long j = 0; j < ow; ++j) {
                    for (long long t = 0; t < kw; ++t) {
                        const T* __restrict__ xs = x + in_row + (j * kw + t) * c;
                        T* __restrict__ ds = dx + in_row + (j * kw + t) * c;
                        T* __restrict__ fs = fs_ + j * c;
                        const T* __restrict__ yj = ys + j * c;
                        const T* __restrict__ gj = gs + j * c;
                        for (long long ch = 0; ch < c; ++ch) {
                            const T hit = xs[ch] == yj[ch] ? fs[ch] : T(0);
                            ds[ch] = gj[ch] * hit;
                            fs[ch] = fs[ch] - hit;
                        }
                    }
                }
            }
        }
    }
}
extern "C" void minitf_max_pool_grad_f32(long long n, long long oh, long long ow, long long kh,
        long long kw, long long c, const float* x, const float* y, const float* dy, float* dx) {
    max_pool_grad<float>(n, oh, ow, kh, kw, c, x, y, dy, dx);
}
extern "C" void minitf_max_pool_grad_f64(long long n, long long oh, long long ow, long long kh,
        long long kw, long long c, const double* x, const double* y, const double* dy,
        double* dx) {
    max_pool_grad<double>(n, oh, ow, kh, kw, c, x, y, dy, dx);
}
"""


@functools.lru_cache(maxsize=None)
def _native_max_pool_grad(dtype):
    """The native loop for MaxPoolGrad of tiling windows in `dtype` (float32, float64), or None
    (minitf/native.py)."""
    from minitf import native
    import ctypes
    suffix = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}.get(np.dtype(dtype))
    if suffix is None:
        return None
    return native.function(_MAX_POOL_GRAD_SOURCE, "minitf_max_pool_grad_" + suffix,
                           [ctypes.c_longlong] * 6 + [ctypes.c_void_p] * 4)


def _lowest(xp, dtype):
    return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min


def _check_pool_dtype(op_type, dtype):
    if not (dtype.is_floating or dtype.is_integer):
        raise dtype_error("input", dtype, "float16, float32, float64, int8, int16, int32, int64, "
                          "uint8, uint16", op_type)


def _first_max_masks(xp, op, x, y):
    """For each window tap, where that tap holds the window's maximum and no earlier tap did
    (TF routes a tied maximum's gradient to the first one in row-major order)."""
    (kh, kw), (oh, ow), (pad_h, pad_w) = op._runtime(x.shape, y.shape, "orig_output")
    xpad = _pad_hw(xp, x, pad_h, pad_w, _lowest(xp, x.dtype))
    taken = xp.zeros(y.shape, dtype=bool)
    for rows, cols in op.taps(kh, kw, oh, ow):
        hit = xpad[:, rows, cols] == y
        hit &= ~taken
        taken |= hit
        yield (rows, cols), hit, (pad_h, pad_w)


@register
class MaxPool(_PoolBase):

    def infer(self, x):
        _check_pool_dtype(self.type_name, x.dtype)
        return self._out_spec(x)

    supports_out = True

    def compute(self, xp, x, out=None, work=None, split=None):
        """The maximum of the window taps, one tap at a time, in tiles of POOL_TILE_BYTES of
        input (as MaxPoolGrad), split over the workers."""
        x = self.to_nhwc(xp, x)
        (kh, kw), (oh, ow), pads = self._runtime(x.shape)
        y = self.nhwc_out(out)
        if y is None:
            y = xp.empty((x.shape[0], oh, ow, x.shape[3]), dtype=x.dtype)
        taps = self.taps(kh, kw, oh, ow)
        tiles, scratch = _pool_tiles(xp, x, pads, [])

        def tile(arrays, t):
            xs, ys = _padded_tile(xp, x, t, pads, arrays), y[t]
            ys[...] = xs[:, taps[0][0], taps[0][1]]
            for rows, cols in taps[1:]:
                xp.maximum(ys, xs[:, rows, cols], out=ys)
        each_tile(xp, work, split, tiles, scratch, tile)
        return self.from_nhwc(xp, y, out)

    def grad(self, op, dy):
        return [MaxPoolGrad(**self.attrs())(op.inputs[0], op.outputs[0], dy, name="MaxPoolGrad")]


@register
class MaxPoolGrad(_PoolBase):
    """Routes each window's gradient to the (first) position of its maximum."""


    def infer(self, x, y, dy):
        _check_same_dtype(self.type_name, x, y, "orig_output", "orig_input")
        _check_same_dtype(self.type_name, x, dy, "grad", "orig_input")
        _check_pool_dtype(self.type_name, x.dtype)
        out = self._out_spec(x).shape
        for t, arg in ((y, "orig_output"), (dy, "grad")):
            _check_rank(t, 4, arg)
            if not out.is_compatible_with(t.shape):
                raise ValueError("%s: %s has shape %s but pooling orig_input gives %s"
                                 % (self.type_name, arg, t.shape, out))
        return TensorSpec(x.shape, x.dtype)

    supports_out = True

    def compute(self, xp, x, y, dy, out=None, work=None, split=None):
        """Per window tap: where it holds its window's maximum and no earlier tap did, it gets
        the window's gradient. Windows that do not overlap (stride >= window) assign each
        input position at most once, so the taps write straight into the result. In tiles of
        POOL_TILE_BYTES of input, split over the workers."""
        x, y, dy = (self.to_nhwc(xp, t) for t in (x, y, dy))
        if dy.shape != y.shape:
            raise ValueError("%s: grad has shape %s but orig_output has %s"
                             % (self.type_name, list(dy.shape), list(y.shape)))
        (kh, kw), (oh, ow), pads = self._runtime(x.shape, y.shape, "orig_output")
        n, h, w, c = x.shape
        sh, sw = _hw(self.strides, self.data_format)
        dx = self.nhwc_out(out)
        if dx is None:
            dx = xp.empty((n, h, w, c), dtype=dy.dtype)
        padded = any(pads[0] + pads[1])
        disjoint = sh >= kh and sw >= kw
        hp, wp = h + sum(pads[0]), w + sum(pads[1])
        covered = disjoint and (oh * sh, ow * sw) == (hp, wp) and (sh, sw) == (kh, kw)
        # windows that tile the unpadded input exactly (2x2 pools of stride 2 on even sizes):
        # every tap at once, as one comparison with the window's maximum broadcast over it
        tiled = covered and not padded and dx.flags.c_contiguous
        tiles, _ = _pool_tiles(xp, x, pads, [])
        m = tiles[0].stop - tiles[0].start
        shape = (m,) + y.shape[1:]
        tiles, scratch = _pool_tiles(xp, x, pads, [
            ((m, hp, wp, c) if padded else (0,), dy.dtype),  # the tile's padded gradient
            (shape, bool), (shape, bool),  # hit; windows whose maximum is not found yet
            (shape if not disjoint else (0,), dy.dtype),
            ((m, oh, kh, ow, kw, c) if tiled else (0,), bool),  # every tap's hit
            ((m, oh, ow, kw, c) if tiled else (0,), dy.dtype)])  # y, then dy, repeated kw times
        taps = self.taps(kh, kw, oh, ow)
        loop = None
        if tiled and xp is np and all(a.flags.c_contiguous for a in (x, y, dy)):
            loop = _native_max_pool_grad(dx.dtype)

        def tile(arrays, t):
            mt = t.stop - t.start
            if loop is not None:  # (the batch slices of contiguous NHWC arrays are too)
                loop(mt, oh, ow, kh, kw, c, *[a[t].__array_interface__["data"][0]
                                              for a in (x, y, dy, dx)])
                return
            xs, ys, dys = _padded_tile(xp, x, t, pads, arrays), y[t], dy[t]
            if tiled and _one_hit_per_window(xp, xs, ys, dys, dx[t], arrays[5][:mt],
                                             arrays[6][:mt]):
                return
            dxs = arrays[1][:mt] if padded else dx[t]
            hit, free = arrays[2][:mt], arrays[3][:mt]
            if not covered:
                dxs[...] = 0  # some positions are in no window (or in several)
            for k, (rows, cols) in enumerate(taps):
                xp.equal(xs[:, rows, cols], ys, out=hit)
                if k:
                    xp.logical_and(hit, free, out=hit)
                if disjoint:
                    xp.multiply(dys, hit, out=dxs[:, rows, cols])
                else:
                    dxs[:, rows, cols] += xp.multiply(dys, hit, out=arrays[4][:mt])
                if k == 0:
                    xp.logical_not(hit, out=free)
                elif k < len(taps) - 1:
                    xp.greater(free, hit, out=free)  # free and not hit
            if padded:
                dx[t] = _crop_hw(dxs, pads[0], pads[1], h, w)
        each_tile(xp, work, split, tiles, scratch, tile)
        return self.from_nhwc(xp, dx, out)

    def masks_commute(self):
        """Whether windows do not overlap, so that masking the gradient (ReLU's) at the input
        positions or at the windows' maxima gives the same bits (plan.py,
        mask_before_pooling_gradient)."""
        (kh, kw), (sh, sw) = _hw(self.ksize, self.data_format), _hw(self.strides,
                                                                   self.data_format)
        return sh >= kh and sw >= kw

    def grad(self, op, ddx):
        x, y, _ = op.inputs
        return [zeros_like(x), zeros_like(y),
                MaxPoolGradGrad(**self.attrs())(x, y, ddx, name="MaxPoolGradGrad")]


@register
class MaxPoolGradGrad(_PoolBase):
    """Picks, for each window, the incoming gradient at the position of its maximum (the
    gradient of MaxPoolGrad with respect to its `grad` input)."""


    def infer(self, x, y, ddx):
        _check_same_dtype(self.type_name, x, y, "orig_output", "orig_input")
        _check_same_dtype(self.type_name, x, ddx, "grad", "orig_input")
        _check_pool_dtype(self.type_name, x.dtype)
        out = self._out_spec(x)
        if not x.shape.is_compatible_with(ddx.shape) or \
                not out.shape.is_compatible_with(y.shape):
            raise ValueError("%s: grad must have orig_input's shape %s and orig_output the "
                             "pooled shape %s; got %s and %s"
                             % (self.type_name, x.shape, out.shape, ddx.shape, y.shape))
        return out

    def compute(self, xp, x, y, ddx, work=None, split=None):
        x, y, ddx = (self.to_nhwc(xp, t) for t in (x, y, ddx))
        if ddx.shape != x.shape:
            raise ValueError("%s: grad has shape %s but orig_input has %s"
                             % (self.type_name, list(ddx.shape), list(x.shape)))
        out = xp.zeros(y.shape, dtype=ddx.dtype)
        ddxpad = None
        for (rows, cols), hit, (pad_h, pad_w) in _first_max_masks(xp, self, x, y):
            if ddxpad is None:
                ddxpad = _pad_hw(xp, ddx, pad_h, pad_w)
            out += ddxpad[:, rows, cols] * hit
        return self.from_nhwc(xp, out)

    def grad(self, op, ddy):
        x, y, _ = op.inputs
        return [zeros_like(x), zeros_like(y),
                MaxPoolGrad(**self.attrs())(x, y, ddy, name="MaxPoolGrad")]


# -- max pooling with the positions of the maxima (tf.nn.max_pool_with_argmax) ------------------

def _argmax_taps(xp, op, x_shape):
    """Per window tap, in row-major window order: (the tap's (height, width) slices of the
    padded input, for every window; the windows whose tap lies inside the input, shaped
    (1, oh, ow, 1); the flat index in its image of the tap's position for every window and
    channel, (1, oh, ow, c))."""
    _, h, w, c = x_shape
    (kh, kw), (oh, ow), (pad_h, pad_w) = op._runtime(tuple(x_shape))
    sh, sw = op.strides[1], op.strides[2]
    channels = xp.arange(c).reshape(1, 1, 1, c)
    for k, (rows, cols) in enumerate(op.taps(kh, kw, oh, ow)):
        row = xp.arange(oh).reshape(1, oh, 1, 1) * sh + (k // kw - pad_h[0])
        col = xp.arange(ow).reshape(1, 1, ow, 1) * sw + (k % kw - pad_w[0])
        inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
        yield (rows, cols), inside, (row * w + col) * c + channels


def _image_offsets(xp, n, image_size, dtype):
    """(n, 1, 1, 1): where each image starts in the flattened batch."""
    return (xp.arange(n) * image_size).astype(dtype).reshape(n, 1, 1, 1)


class _ArgmaxPool(_PoolBase):
    """Attributes shared by MaxPoolWithArgmax and the ops of its gradients (NHWC only: TF's
    ops have no data_format)."""

    tf_signature = TFSignature(type_attrs=(("T", 0), ("Targmax", 2)),
                               implied=("data_format", "NHWC"))
    include_batch_in_index: bool = False

    def _check_format(self):
        if self.data_format != "NHWC":
            raise ValueError("%s: data_format must be NHWC, got %r"
                             % (self.type_name, self.data_format))

    def _flat_indices(self, xp, argmax, shape):
        """argmax as indices into the flattened batch of NHWC `shape`, checked to be in it."""
        n, h, w, c = shape
        flat = argmax if self.include_batch_in_index else \
            argmax + _image_offsets(xp, argmax.shape[0], h * w * c, argmax.dtype)
        if flat.size and (int(flat.min()) < 0 or int(flat.max()) >= n * h * w * c):
            raise ValueError("%s: argmax holds an index outside the input of shape %s (with "
                             "include_batch_in_index=%s)" % (self.type_name, list(shape),
                                                             self.include_batch_in_index))
        return flat


@register
class MaxPoolWithArgmax(_ArgmaxPool):
    """The maximum of each window and the flat index of where it is: ((y * width + x) *
    channels + c), plus batch * height * width * channels with include_batch_in_index. As TF's
    kernel: only positions inside the input count (SAME padding never wins), and a tie goes to
    the first in row-major window order."""

    tf_signature = TFSignature(type_attrs=(("T", 0),), implied=("data_format", "NHWC"))
    Targmax: dtypes.DType = dtypes.int64

    def infer(self, x):
        self._check_format()
        if self.Targmax not in (dtypes.int32, dtypes.int64):
            raise TypeError("%s: Targmax must be int32 or int64, got %s"
                            % (self.type_name, self.Targmax.name))
        _check_pool_dtype(self.type_name, x.dtype)
        y = self._out_spec(x)
        return [y, TensorSpec(y.shape, self.Targmax)]

    def compute(self, xp, x, work=None, split=None):
        n, h, w, c = x.shape
        (kh, kw), (oh, ow), (pad_h, pad_w) = self._runtime(x.shape)
        index_dtype = self.Targmax.as_numpy_dtype
        xpad = _pad_hw(xp, x, pad_h, pad_w, _lowest(xp, x.dtype))
        y = xp.full((n, oh, ow, c), _lowest(xp, x.dtype), dtype=x.dtype)
        argmax = xp.zeros((n, oh, ow, c), dtype=index_dtype)
        have = xp.zeros((1, oh, ow, 1), dtype=bool)  # windows that took a position already
        for (rows, cols), inside, index in _argmax_taps(xp, self, x.shape):
            values = xpad[:, rows, cols]
            take = inside & (~have | (values > y))
            xp.copyto(y, values, where=take)
            xp.copyto(argmax, index.astype(index_dtype), where=take)
            have |= inside
        if self.include_batch_in_index:
            argmax += _image_offsets(xp, n, h * w * c, index_dtype)
        return y, argmax

    def grad(self, op, dy, dargmax):
        attrs = self.attrs()
        attrs.pop("Targmax")
        return [MaxPoolGradWithArgmax(**attrs)(op.inputs[0], dy, op.outputs[1],
                                               name="MaxPoolGradWithArgmax")]


@register
class MaxPoolGradWithArgmax(_ArgmaxPool):
    """Adds each window's gradient at the input position argmax names (input: for its shape)."""

    def infer(self, x, dy, argmax):
        self._check_format()
        _check_same_dtype(self.type_name, x, dy, "grad")
        _check_pool_dtype(self.type_name, x.dtype)
        if argmax.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError("%s: argmax must be int32 or int64, got %s"
                            % (self.type_name, argmax.dtype.name))
        out = self._out_spec(x).shape
        for t, arg in ((dy, "grad"), (argmax, "argmax")):
            _check_rank(t, 4, arg)
            if not out.is_compatible_with(t.shape):
                raise ValueError("%s: %s has shape %s but pooling input gives %s"
                                 % (self.type_name, arg, t.shape, out))
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x, dy, argmax, work=None, split=None):
        if dy.shape != argmax.shape:
            raise ValueError("%s: grad has shape %s but argmax has %s"
                             % (self.type_name, list(dy.shape), list(argmax.shape)))
        self._runtime(x.shape, dy.shape)
        flat = self._flat_indices(xp, argmax, x.shape)
        sums = xp.bincount(flat.ravel(), weights=dy.ravel(), minlength=x.size)
        return sums.astype(dy.dtype).reshape(x.shape)

    def grad(self, op, ddx):
        x, _, argmax = op.inputs
        return [zeros_like(x), MaxPoolGradGradWithArgmax(**self.attrs())(
            x, ddx, argmax, name="MaxPoolGradGradWithArgmax"), None]


@register
class MaxPoolGradGradWithArgmax(_ArgmaxPool):
    """Picks, for each window, the incoming gradient at the position argmax names (the
    gradient of MaxPoolGradWithArgmax with respect to its `grad` input)."""

    def infer(self, x, ddx, argmax):
        self._check_format()
        _check_same_dtype(self.type_name, x, ddx, "grad")
        _check_pool_dtype(self.type_name, x.dtype)
        _check_rank(argmax, 4, "argmax")
        if not x.shape.is_compatible_with(ddx.shape):
            raise ValueError("%s: grad has shape %s but input has %s"
                             % (self.type_name, ddx.shape, x.shape))
        out = self._out_spec(x)
        if not out.shape.is_compatible_with(argmax.shape):
            raise ValueError("%s: argmax has shape %s but pooling input gives %s"
                             % (self.type_name, argmax.shape, out.shape))
        return out

    def compute(self, xp, x, ddx, argmax, work=None, split=None):
        if ddx.shape != x.shape:
            raise ValueError("%s: grad has shape %s but input has %s"
                             % (self.type_name, list(ddx.shape), list(x.shape)))
        self._runtime(x.shape, argmax.shape, "argmax")
        flat = self._flat_indices(xp, argmax, x.shape)
        return ddx.reshape(-1)[flat]

    def grad(self, op, ddy):
        x, _, argmax = op.inputs
        return [zeros_like(x), MaxPoolGradWithArgmax(**self.attrs())(
            x, ddy, argmax, name="MaxPoolGradWithArgmax"), None]


def _avg_counts(xp, op, x_shape, dtype):
    """How many real (unpadded) inputs each output window averages, shaped (1, oh, ow, 1): TF's
    SAME average pooling leaves the padding out of the average."""
    n, h, w, c = x_shape
    (kh, kw), (oh, ow), (pad_h, pad_w) = op._runtime(x_shape)
    sh, sw = _hw(op.strides, op.data_format)

    def count(size, k, stride, pad, out):
        start = xp.arange(out) * stride - pad
        return xp.minimum(start + k, size) - xp.maximum(start, 0)

    counts = count(h, kh, sh, pad_h[0], oh)[:, None] * count(w, kw, sw, pad_w[0], ow)[None, :]
    return counts.reshape(1, oh, ow, 1).astype(dtype)


@register
class AvgPool(_PoolBase):

    def infer(self, x):
        _check_dtype_float(self.type_name, x.dtype)
        return self._out_spec(x)

    def compute(self, xp, x, work=None, split=None):
        x = self.to_nhwc(xp, x)
        (kh, kw), (oh, ow), (pad_h, pad_w) = self._runtime(x.shape)
        xpad = _pad_hw(xp, x, pad_h, pad_w)
        out = xp.zeros((x.shape[0], oh, ow, x.shape[3]), dtype=x.dtype)
        for rows, cols in self.taps(kh, kw, oh, ow):
            out += xpad[:, rows, cols]
        out /= _avg_counts(xp, self, x.shape, x.dtype)
        return self.from_nhwc(xp, out)

    def grad(self, op, dy):
        return [AvgPoolGrad(**self.attrs())(shape(op.inputs[0]), dy, name="AvgPoolGrad")]


def _check_dtype_float(op_type, dtype, arg="value"):
    if not dtype.is_floating:
        raise dtype_error(arg, dtype, "float16, float32, float64", op_type)


@register
class AvgPoolGrad(_PoolBase):
    """Spreads each window's gradient evenly over the real inputs it averaged."""
    tf_signature = TFSignature(type_attrs=(("T", 1),))


    def infer(self, orig_input_shape, dy):
        _check_dtype_float(self.type_name, dy.dtype, "grad")
        _check_rank(dy, 4, "grad")
        dims = _sizes_spec(self.type_name, orig_input_shape, "orig_input_shape")
        out = self._out_spec(TensorSpec(dims, dy.dtype)).shape
        if not out.is_compatible_with(dy.shape):
            raise ValueError("%s: grad has shape %s but pooling an input of %s gives %s"
                             % (self.type_name, dy.shape, list(dims), out))
        return TensorSpec(dims, dy.dtype)

    def compute(self, xp, orig_input_shape, dy, work=None, split=None):
        x_shape = _nhwc_dims(_runtime_sizes(orig_input_shape), self.data_format)
        dy = self.to_nhwc(xp, dy)
        n, h, w, c = x_shape
        (kh, kw), (oh, ow), (pad_h, pad_w) = self._runtime(x_shape, dy.shape)
        g = dy / _avg_counts(xp, self, x_shape, dy.dtype)
        dxpad = xp.zeros((n, h + sum(pad_h), w + sum(pad_w), c), dtype=dy.dtype)
        for rows, cols in self.taps(kh, kw, oh, ow):
            dxpad[:, rows, cols] += g
        return self.from_nhwc(xp, xp.ascontiguousarray(_crop_hw(dxpad, pad_h, pad_w, h, w)))

    def grad(self, op, ddx):
        return [None, AvgPool(**self.attrs())(ddx, name="AvgPool")]


# -- public functions -----------------------------------------------------------------------------

def _data_format(data_format, rank=4):
    if data_format is None:
        return "NHWC"
    if rank == 4 and data_format in ("NHWC", "NCHW"):
        return data_format
    raise ValueError("data_format must be \"NHWC\" or \"NCHW\", got %r" % (data_format,))


def _expand4(value, what, data_format, allow=(1, 2, 4)):
    """A length-4 strides/dilations/ksize list from an int or a list of 1, 2 or 4 ints."""
    if value is None:
        value = 1
    if isinstance(value, numbers.Integral):
        value = [int(value)]
    value = [int(v) for v in np.asarray(value).reshape(-1)] \
        if not isinstance(value, (list, tuple)) else [int(v) for v in value]
    if len(value) not in allow:
        raise ValueError("%s should be of length %s. Received: %s=%s of length %d"
                         % (what, " or ".join(", ".join(str(a) for a in allow).rsplit(", ", 1)),
                            what, value, len(value)))
    if len(value) == 4:
        return tuple(value)
    h, w = (value[0], value[0]) if len(value) == 1 else value
    return (1, 1, h, w) if data_format == "NCHW" else (1, h, w, 1)


def _padding(padding, data_format):
    """(padding, explicit_paddings): a string, or TF's explicit list of (before, after) pairs."""
    if isinstance(padding, (list, tuple)):
        pairs = [tuple(int(v) for v in p) for p in padding]
        if len(pairs) != 4 or any(len(p) != 2 for p in pairs):
            raise ValueError("padding should be a list of 4 [before, after] pairs (one per "
                             "dimension of %s), got %s" % (data_format, list(padding)))
        return "EXPLICIT", tuple(v for p in pairs for v in p)
    if not isinstance(padding, str):
        raise ValueError("padding must be \"SAME\", \"VALID\" or a list of pairs, got %r"
                         % (padding,))
    return padding, ()


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,
           data_format="NHWC", dilations=None, name=None, filters=None):
    """tf.nn.conv2d: 2-D convolution of a 4-D input with an HWIO filter (height, width,
    in_channels, out_channels). `padding` is "SAME", "VALID" or explicit [before, after] pairs
    for each of the 4 dimensions; strides and dilations are an int or lists of 1, 2 or 4."""
    if filter is None:
        filter = filters
    if filter is None:
        raise ValueError("conv2d needs a filter")
    data_format = _data_format(data_format)
    padding, explicit = _padding(padding, data_format)
    with name_scope(name, "Conv2D", [input, filter]) as scope:
        x = convert_to_tensor(input, name="input")
        w = convert_to_tensor(filter, dtype=x.dtype if not hasattr(filter, "dtype") else None,
                              name="filter")
        opdef = Conv2D(strides=_expand4(strides, "strides", data_format), padding=padding,
                       explicit_paddings=explicit, data_format=data_format,
                       dilations=_expand4(dilations, "dilations", data_format),
                       use_cudnn_on_gpu=bool(use_cudnn_on_gpu))
        return opdef(x, w, name=scope)


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=None, name=None, filters=None):
    """tf.nn.conv2d_backprop_input: the gradient of conv2d with respect to an input of shape
    `input_sizes`."""
    filter = filters if filter is None else filter
    data_format = _data_format(data_format)
    padding, explicit = _padding(padding, data_format)
    with name_scope(name, "Conv2DBackpropInput", [filter, out_backprop]) as scope:
        dy = convert_to_tensor(out_backprop, name="out_backprop")
        w = convert_to_tensor(filter, dtype=dy.dtype, name="filter")
        sizes = convert_to_tensor(input_sizes, dtype=dtypes.int32, name="input_sizes")
        opdef = Conv2DBackpropInput(strides=_expand4(strides, "strides", data_format),
                                    padding=padding, explicit_paddings=explicit,
                                    data_format=data_format,
                                    dilations=_expand4(dilations, "dilations", data_format),
                                    use_cudnn_on_gpu=bool(use_cudnn_on_gpu))
        return opdef(sizes, w, dy, name=scope)


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=None,
                           name=None):
    """tf.nn.conv2d_backprop_filter: the gradient of conv2d with respect to a filter of shape
    `filter_sizes`."""
    data_format = _data_format(data_format)
    padding, explicit = _padding(padding, data_format)
    with name_scope(name, "Conv2DBackpropFilter", [input, out_backprop]) as scope:
        x = convert_to_tensor(input, name="input")
        dy = convert_to_tensor(out_backprop, dtype=x.dtype, name="out_backprop")
        sizes = convert_to_tensor(filter_sizes, dtype=dtypes.int32, name="filter_sizes")
        opdef = Conv2DBackpropFilter(strides=_expand4(strides, "strides", data_format),
                                     padding=padding, explicit_paddings=explicit,
                                     data_format=data_format,
                                     dilations=_expand4(dilations, "dilations", data_format),
                                     use_cudnn_on_gpu=bool(use_cudnn_on_gpu))
        return opdef(x, sizes, dy, name=scope)


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None, padding="SAME",
                     data_format="NHWC", name=None, input=None, filters=None, dilations=None):
    """tf.nn.conv2d_transpose: the transpose (gradient) of conv2d, producing `output_shape`
    (a list, numpy array or 1-D int tensor). The filter is (height, width, out_channels,
    in_channels): its last dim matches `value`'s channels."""
    value = input if value is None else value
    filter = filters if filter is None else filter
    data_format = _data_format(data_format)
    with name_scope(name, "conv2d_transpose", [value, filter, output_shape]) as scope:
        value = convert_to_tensor(value, name="value")
        filter = convert_to_tensor(filter, dtype=value.dtype, name="filter")
        if isinstance(output_shape, (list, tuple, np.ndarray)):
            output_shape = [int(d) for d in np.asarray(output_shape).reshape(-1)]
        output_shape = convert_to_tensor(output_shape, dtype=dtypes.int32, name="output_shape")
        if not output_shape.shape.is_compatible_with([4]):
            raise ValueError("output_shape must have shape (4,), got %s" % output_shape.shape)
        c_axis = 1 if data_format == "NCHW" else 3
        in_c = value.shape[c_axis].value if value.shape.ndims == 4 else None
        if filter.shape.ndims == 4:
            f_in = filter.shape[3].value
            if in_c is not None and f_in is not None and in_c != f_in:
                raise ValueError("input channels does not match filter's input channels, "
                                 "%d != %d" % (in_c, f_in))
            out = constant_value(output_shape)
            f_out = filter.shape[2].value
            if out is not None and f_out is not None and int(out[c_axis]) != f_out:
                raise ValueError("output_shape does not match filter's output channels, "
                                 "%d != %d" % (int(out[c_axis]), f_out))
        padding, explicit = _padding(padding, data_format)
        opdef = Conv2DBackpropInput(strides=_expand4(strides, "strides", data_format),
                                    padding=padding, explicit_paddings=explicit,
                                    data_format=data_format,
                                    dilations=_expand4(dilations, "dilations", data_format))
        return opdef(output_shape, filter, value, name=scope)


def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",
                            dilations=None, name=None):
    """tf.nn.depthwise_conv2d_native: the DepthwiseConv2dNative op itself."""
    data_format = _data_format(data_format)
    padding, explicit = _padding(padding, data_format)
    with name_scope(name, "DepthwiseConv2dNative", [input, filter]) as scope:
        x = convert_to_tensor(input, name="input")
        w = convert_to_tensor(filter, dtype=x.dtype, name="filter")
        opdef = DepthwiseConv2dNative(strides=_expand4(strides, "strides", data_format),
                                      padding=padding, explicit_paddings=explicit,
                                      data_format=data_format,
                                      dilations=_expand4(dilations, "dilations", data_format))
        return opdef(x, w, name=scope)


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop, strides, padding,
                                           data_format="NHWC", dilations=None, name=None):
    """tf.nn.depthwise_conv2d_native_backprop_input (also depthwise_conv2d_backprop_input):
    the gradient of depthwise_conv2d_native with respect to an input of shape input_sizes."""
    data_format = _data_format(data_format)
    padding, explicit = _padding(padding, data_format)
    with name_scope(name, "DepthwiseConv2dNativeBackpropInput", [filter, out_backprop]) as scope:
        dy = convert_to_tensor(out_backprop, name="out_backprop")
        w = convert_to_tensor(filter, dtype=dy.dtype, name="filter")
        sizes = convert_to_tensor(input_sizes, dtype=dtypes.int32, name="input_sizes")
        opdef = DepthwiseConv2dNativeBackpropInput(
            strides=_expand4(strides, "strides", data_format), padding=padding,
            explicit_paddings=explicit, data_format=data_format,
            dilations=_expand4(dilations, "dilations", data_format))
        return opdef(sizes, w, dy, name=scope)


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop, strides, padding,
                                            data_format="NHWC", dilations=None, name=None):
    """tf.nn.depthwise_conv2d_native_backprop_filter (also depthwise_conv2d_backprop_filter):
    the gradient of depthwise_conv2d_native with respect to a filter of shape filter_sizes."""
    data_format = _data_format(data_format)
    padding, explicit = _padding(padding, data_format)
    with name_scope(name, "DepthwiseConv2dNativeBackpropFilter", [input, out_backprop]) as scope:
        x = convert_to_tensor(input, name="input")
        dy = convert_to_tensor(out_backprop, dtype=x.dtype, name="out_backprop")
        sizes = convert_to_tensor(filter_sizes, dtype=dtypes.int32, name="filter_sizes")
        opdef = DepthwiseConv2dNativeBackpropFilter(
            strides=_expand4(strides, "strides", data_format), padding=padding,
            explicit_paddings=explicit, data_format=data_format,
            dilations=_expand4(dilations, "dilations", data_format))
        return opdef(x, sizes, dy, name=scope)


depthwise_conv2d_backprop_input = depthwise_conv2d_native_backprop_input
depthwise_conv2d_backprop_filter = depthwise_conv2d_native_backprop_filter


def _rate(rate, dilations):
    if rate is not None and dilations is not None:
        raise ValueError("Cannot specify both 'rate' and 'dilations'.")
    return rate if rate is not None else dilations


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None, data_format=None,
                     dilations=None):
    """tf.nn.depthwise_conv2d: filter (height, width, in_channels, multiplier) applies
    `multiplier` filters to each input channel separately; the output has
    in_channels * multiplier channels. `rate` (or dilations) dilates the filter."""
    with name_scope(name, "depthwise", [input, filter]) as scope:
        rate = _rate(rate, dilations)
        return depthwise_conv2d_native(input, filter, strides, padding,
                                       data_format=_data_format(data_format), dilations=rate,
                                       name=scope)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, rate=None,
                     name=None, data_format=None, dilations=None):
    """tf.nn.separable_conv2d: a depthwise convolution followed by a 1x1 convolution with
    `pointwise_filter` (1, 1, in_channels * multiplier, out_channels)."""
    data_format = _data_format(data_format)
    with name_scope(name, "separable_conv2d",
                    [input, depthwise_filter, pointwise_filter]) as scope:
        pointwise = convert_to_tensor(pointwise_filter, name="pointwise_filter")
        dims = pointwise.shape.as_tuple()
        if dims is not None and (len(dims) != 4 or dims[0] not in (1, None)
                                 or dims[1] not in (1, None)):
            raise ValueError("pointwise_filter must have shape (1, 1, in_channels * multiplier, "
                             "out_channels), got %s" % pointwise.shape)
        depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding,
                                     rate=_rate(rate, dilations), name="depthwise",
                                     data_format=data_format)
        return conv2d(depthwise, pointwise, [1, 1, 1, 1], "VALID", data_format=data_format,
                      name=scope)


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None,
           data_format=None, name=None, input=None, dilations=None):
    """tf.nn.conv1d: a 1-D convolution of (batch, width, channels) ("NWC"; "NCW" for
    channels first) with a (width, in_channels, out_channels) filter, as TF builds it: a
    conv2d over a height of 1."""
    value = input if value is None else value
    if data_format not in (None, "NWC", "NCW", "NHWC", "NCHW"):
        raise ValueError("data_format must be \"NWC\" or \"NCW\", got %r" % (data_format,))
    channels_first = data_format in ("NCW", "NCHW")
    with name_scope(name, "conv1d", [value, filters]) as scope:
        x = convert_to_tensor(value, name="input")
        if x.shape.ndims not in (None, 3):
            raise ValueError("conv1d: the input must have rank 3 (batch, width, channels), "
                             "got shape %s" % x.shape)
        x = expand_dims(x, 2 if channels_first else 1)
        w = expand_dims(convert_to_tensor(filters, dtype=x.dtype, name="filters"), 0)
        stride = _expand4(stride, "stride", "NHWC", allow=(1,))[2]
        dilation = _expand4(dilations, "dilations", "NHWC", allow=(1,))[2]
        fmt = "NCHW" if channels_first else "NHWC"
        y = conv2d(x, w, _expand4([1, stride], "strides", fmt), padding, data_format=fmt,
                   dilations=_expand4([1, dilation], "dilations", fmt))
        return squeeze(y, [2 if channels_first else 1], name=scope)


def atrous_conv2d(value, filters, rate, padding, name=None):
    """tf.nn.atrous_conv2d: conv2d with the filter dilated by `rate` (stride 1)."""
    if int(rate) < 1:
        raise ValueError("rate %s should be a positive integer" % rate)
    with name_scope(name, "atrous_conv2d", [value, filters]) as scope:
        return conv2d(value, filters, [1, 1, 1, 1], padding, dilations=[1, rate, rate, 1],
                      name=scope)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """tf.nn.atrous_conv2d_transpose: the transpose of atrous_conv2d (NHWC; filters (height,
    width, out_channels, in_channels)). TF builds it from SpaceToBatchND, Conv2DBackpropInput
    and BatchToSpaceND; minitf gives the one Conv2DBackpropInput the rate as its dilations
    (the same values)."""
    if int(rate) < 1:
        raise ValueError("`rate` cannot be less than one. Received: rate=%s" % rate)
    with name_scope(name, "atrous_conv2d_transpose", [value, filters, output_shape]) as scope:
        return conv2d_transpose(value, filters, output_shape, [1, 1, 1, 1], padding,
                                dilations=[1, int(rate), int(rate), 1], name=scope)


def _pool_attrs(ksize, strides, data_format):
    data_format = _data_format(data_format)
    ksize = _expand4(ksize, "ksize", data_format)
    if 0 in ksize:
        raise ValueError("`ksize` cannot be zero. Received: ksize=%s" % list(ksize))
    return ksize, _expand4(strides, "strides", data_format), data_format


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """tf.nn.max_pool: the maximum of each ksize window (padding SAME pads with -inf)."""
    value = input if value is None else value
    ksize, strides, data_format = _pool_attrs(ksize, strides, data_format)
    with name_scope(name, "MaxPool", [value]) as scope:
        x = convert_to_tensor(value, name="input")
        return MaxPool(ksize=ksize, strides=strides, padding=str(padding),
                       data_format=data_format)(x, name=scope)


_PoolWithArgmax = collections.namedtuple("MaxPoolWithArgmax", ["output", "argmax"])


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC", Targmax=None,
                         name=None, output_dtype=None, include_batch_in_index=False):
    """tf.nn.max_pool_with_argmax: (the max pool of NHWC `input`, the flat index of each
    maximum: (y * width + x) * channels + c, plus the image's offset batch * height * width *
    channels when include_batch_in_index). The index dtype is Targmax (or its newer name
    output_dtype), int64 by default. Ties go to the first position in the window."""
    if data_format != "NHWC":
        raise ValueError("`data_format` values other than 'NHWC' are not supported. Received: "
                         "data_format=%s" % (data_format,))
    if Targmax is not None and output_dtype is not None and \
            dtypes.as_dtype(Targmax) is not dtypes.as_dtype(output_dtype):
        raise ValueError("Targmax and output_dtype are the same argument: give one")
    index_dtype = dtypes.as_dtype(Targmax or output_dtype or dtypes.int64)
    ksize, strides, _ = _pool_attrs(ksize, strides, "NHWC")
    with name_scope(name, "MaxPoolWithArgmax", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return _PoolWithArgmax(*MaxPoolWithArgmax(
            ksize=ksize, strides=strides, padding=str(padding), Targmax=index_dtype,
            include_batch_in_index=bool(include_batch_in_index))(x, name=scope))


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """tf.nn.avg_pool: the mean of each ksize window; with SAME padding the padded positions
    are left out of the mean (as in TF)."""
    value = input if value is None else value
    ksize, strides, data_format = _pool_attrs(ksize, strides, data_format)
    with name_scope(name, "AvgPool", [value]) as scope:
        x = convert_to_tensor(value, name="value")
        return AvgPool(ksize=ksize, strides=strides, padding=str(padding),
                       data_format=data_format)(x, name=scope)


avg_pool2d = avg_pool  # TF1's tf.nn.avg_pool2d is tf.nn.avg_pool itself


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """tf.nn.max_pool2d: tf.nn.max_pool under the default name "MaxPool2d"."""
    return max_pool(input, ksize, strides, padding, data_format=data_format,
                    name=name or "MaxPool2d")


def _pool1d(pool2d, default_name, input, ksize, strides, padding, data_format, name):
    """A 1-D pooling of (batch, width, channels) ("NWC", or "NCW") as TF builds it: the 2-D
    pooling (named `name`) of the input with a height of 1, squeezed ("<name>/Squeeze")."""
    if data_format not in ("NWC", "NCW"):
        raise ValueError("`data_format` must be 'NWC' or 'NCW'. Received: data_format=%s"
                         % (data_format,))
    axis, fmt = (1, "NHWC") if data_format == "NWC" else (2, "NCHW")

    def spatial(value, what):  # an int, or a list of 1 or 3 (batch, width, channels)
        value = [value] if isinstance(value, numbers.Integral) else [int(v) for v in value]
        if len(value) not in (1, 3):
            raise ValueError("%s should be of length 1 or 3. Received: %s=%s of length %d"
                             % (what, what, value, len(value)))
        return [1, value[0] if len(value) == 1 else value[axis]]

    with name_scope(name, default_name, [input]) as scope:
        x = expand_dims(convert_to_tensor(input, name="input"), axis)
        y = pool2d(x, spatial(ksize, "ksize"), spatial(strides, "strides"), padding,
                   data_format=fmt, name=scope)
        return squeeze(y, [axis])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """tf.nn.max_pool1d: the maximum of each ksize window along the width (TF's MaxPool over
    a height of 1, "MaxPool1d")."""
    return _pool1d(max_pool, "MaxPool1d", input, ksize, strides, padding, data_format, name)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """tf.nn.avg_pool1d: the mean of each ksize window along the width (TF's AvgPool over a
    height of 1, "AvgPool1D")."""
    return _pool1d(avg_pool, "AvgPool1D", input, ksize, strides, padding, data_format, name)


def _spatial_rank(input, data_format):
    """The number of spatial dims of a pooling or convolution input, as TF's v2 functions
    find it: from the static rank, else from the data format's length."""
    if input.shape.ndims is not None:
        n = input.shape.ndims - 2
    elif data_format is not None:
        n = len(data_format) - 2
    else:
        raise ValueError("`input` must have a static shape or a data format.")
    if not 1 <= n <= 3:
        raise ValueError("`input.shape.rank` must be 3, 4 or 5. Received: input.shape=%s of "
                         "rank %d." % (input.shape, n + 2))
    return n


def _pool_v2(one_d, two_d, what, input, ksize, strides, padding, data_format, name):
    input = convert_to_tensor(input, name="input")
    n = _spatial_rank(input, data_format)
    if n == 3:
        raise ValueError("minitf has no 3-D pooling: %s needs an input of rank 3 or 4, got "
                         "shape %s" % (what, input.shape))
    if n == 1:
        return one_d(input, ksize, strides, padding, data_format=data_format or "NWC",
                     name=name)
    return two_d(input, ksize, strides, padding, data_format=data_format or "NHWC", name=name)


def max_pool_v2(input, ksize, strides, padding, data_format=None, name=None):
    """tf.nn.max_pool_v2 (TF 2's tf.nn.max_pool): max_pool1d or max_pool2d by the input's
    rank (minitf has no 3-D pooling: a rank-5 input is a ValueError)."""
    return _pool_v2(max_pool1d, max_pool2d, "max_pool_v2", input, ksize, strides, padding,
                    data_format, name)


def avg_pool_v2(input, ksize, strides, padding, data_format=None, name=None):
    """tf.nn.avg_pool_v2 (TF 2's tf.nn.avg_pool): avg_pool1d or avg_pool by the input's
    rank (minitf has no 3-D pooling: a rank-5 input is a ValueError)."""
    return _pool_v2(avg_pool1d, avg_pool, "avg_pool_v2", input, ksize, strides, padding,
                    data_format, name)


def pool(input, window_shape, pooling_type, padding, dilation_rate=None, strides=None,
         name=None, data_format=None):
    """tf.nn.pool: "MAX" or "AVG" pooling over 1 or 2 spatial dims (N-spatial-C or, with a
    data_format starting "NC", channels first). minitf supports dilation_rate 1 only."""
    window_shape = [int(k) for k in window_shape]
    rank = len(window_shape)
    if rank not in (1, 2):
        raise ValueError("minitf's pool supports 1 or 2 spatial dimensions, got window_shape %s"
                         % window_shape)
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError("pooling_type must be \"MAX\" or \"AVG\", got %r" % (pooling_type,))
    if dilation_rate is not None and any(int(d) != 1 for d in dilation_rate):
        raise ValueError("minitf's pool supports dilation_rate 1 only, got %s"
                         % list(dilation_rate))
    strides = [1] * rank if strides is None else [int(s) for s in strides]
    if len(strides) != rank:
        raise ValueError("strides must have one entry per spatial dimension (%d), got %s"
                         % (rank, strides))
    channels_first = data_format is not None and data_format.startswith("NC")
    fmt = "NCHW" if channels_first else "NHWC"
    fn = max_pool if pooling_type == "MAX" else avg_pool
    with name_scope(name, "%s_pool" % pooling_type.lower(), [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if rank == 2:
            return fn(x, [1] + window_shape + [1] if fmt == "NHWC" else [1, 1] + window_shape,
                      _expand4(strides, "strides", fmt), padding, data_format=fmt, name=scope)
        axis = 2 if channels_first else 1
        y = fn(expand_dims(x, axis), _expand4([1] + window_shape, "ksize", fmt),
               _expand4([1] + strides, "strides", fmt), padding, data_format=fmt)
        return squeeze(y, [axis], name=scope)

