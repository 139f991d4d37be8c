"""3-D convolutions (tf.nn.conv3d, conv3d_transpose, conv3d_backprop_filter_v2), and
tf.nn.convolution over 1, 2 or 3 spatial dims. The ops are
Conv3D, Conv3DBackpropInputV2 and Conv3DBackpropFilterV2, each linear in two of its inputs, so
the gradients of each are the other two and second derivatives work.

Kernels work in NDHWC (NCDHW inputs are viewed as NDHWC and the result transposed back), the
way conv_ops.py does in 2-D: per tile of whole images (at most conv_ops.COL_BYTES of matrix),
the images are padded into a scratch array, a strided view holding every window is copied into
a (voxels, kd*kh*kw*c) matrix and multiplied with the filter. The filter gradient is that
matrix's transpose times the output gradient, summed over fixed groups of tiles in order (the
same bits however many threads ran them); the input gradient is the output gradient times the
filter's transpose, in the matrix's layout, added back one filter tap at a time (kd*kh*kw
vectorised adds, never a loop over voxels or images). Tiles split over the intra-op workers.
"""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import expand_dims, shape, squeeze
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.conv_ops import (COL_BYTES, _check_out_backprop, _check_rank, _check_same_dtype,
                                 _merge, _runtime_sizes, _sizes_spec, _spatial_rank,
                                 _summed_tile_products, _window, conv2d, conv2d_transpose)
from minitf.ops.join_split import concat
from minitf.ops.op_util import TiledKernel, batch_tiles, dtype_error, each_tile

__all__ = ["conv3d", "conv3d_transpose", "conv3d_backprop_filter_v2", "convolution",
           "conv1d_transpose", "conv_transpose"]

_FORMATS = ("NDHWC", "NCDHW")
_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


def _spatial(values, data_format):
    """The (depth, height, width) entries of a length-5 attr or shape in `data_format` order."""
    return tuple(values[2:5]) if data_format == "NCDHW" else tuple(values[1:4])


def _to_ndhwc_dims(dims, data_format):
    """(n, (d, h, w), c) of a rank-5 shape tuple in `data_format`."""
    channels = dims[1] if data_format == "NCDHW" else dims[4]
    return dims[0], _spatial(dims, data_format), channels


def _from_ndhwc_dims(n, spatial, c, data_format):
    return (n, c) + tuple(spatial) if data_format == "NCDHW" else (n,) + tuple(spatial) + (c,)


class NDHWCLayout:
    """Kernels that work in NDHWC: an NCDHW op's arrays are viewed so and transposed back."""

    def to_ndhwc(self, xp, x):
        return xp.transpose(x, (0, 2, 3, 4, 1)) if self.data_format == "NCDHW" else x

    def from_ndhwc(self, xp, y):
        if self.data_format == "NCDHW":
            return xp.ascontiguousarray(xp.transpose(y, (0, 4, 1, 2, 3)))
        return y


class _Conv3DBase(NDHWCLayout, TiledKernel, OpDef):
    """Attributes (TF's names), their checks and the geometry shared by the three ops."""

    strides: tuple = (1, 1, 1, 1, 1)
    padding: str = "VALID"
    data_format: str = "NDHWC"
    dilations: tuple = (1, 1, 1, 1, 1)

    def _check_attrs(self):
        if self.data_format not in _FORMATS:
            raise ValueError("%s: data_format must be NDHWC or NCDHW, got %r"
                             % (self.type_name, self.data_format))
        if self.padding not in ("SAME", "VALID"):
            raise ValueError("Attr 'padding' of '%s' Op passed string '%s' not in: \"SAME\", "
                             "\"VALID\"." % (self.type_name, self.padding))
        for arg, values, message in (("strides", self.strides, "Stride must be > 0"),
                                     ("dilations", self.dilations, "Dilation rate must be >= 1")):
            if len(values) != 5:
                raise ValueError("Attr '%s' of '%s' Op passed list of length %d %s 5."
                                 % (arg, self.type_name, len(values),
                                    "less than minimum" if len(values) < 5 else "instead of"))
            if min(values) < 1:
                raise ValueError("%s, but got %s=%s" % (message, arg, list(values)))
            n, _, c = _to_ndhwc_dims(values, self.data_format)
            if n != 1 or c != 1:
                raise ValueError("%s: %s of the batch and channel dimensions must be 1 (windows "
                                 "slide over depth, height and width only), got %s"
                                 % (self.type_name, arg, list(values)))

    def _check_dtype(self, dtype, arg):
        if dtype not in _DTYPES:
            raise dtype_error(arg, dtype, _DTYPES, self.type_name)

    def geometry(self, spatial, kernel):
        """((od, oh, ow), ((pad before, after) per spatial dim)); a None size or filter size
        gives None."""
        strides = _spatial(self.strides, self.data_format)
        dilations = _spatial(self.dilations, self.data_format)
        sizes = [(None, None) if k is None else _window(size, k, s, d, self.padding)
                 for size, k, s, d in zip(spatial, kernel, strides, dilations)]
        return tuple(s for s, _ in sizes), tuple(p for _, p in sizes)

    def _out_spec(self, x_dims, w_dims, dtype):
        """The static output spec of the forward convolution."""
        n, spatial, c = _to_ndhwc_dims(x_dims or (None,) * 5, self.data_format)
        kd, kh, kw, fc, o = w_dims or (None,) * 5
        if c is not None and fc is not None and c != fc:
            raise ValueError("%s: depth of input (%d) does not match the input depth of filter "
                             "(%d)" % (self.type_name, c, fc))
        out, _ = self.geometry(spatial, (kd, kh, kw))
        return TensorSpec(_from_ndhwc_dims(n, out, o, self.data_format), dtype)

    def _runtime(self, x_shape, w_shape, dy_shape=None):
        """((n, spatial, c), kernel, o, out spatial, pads) of NDHWC shapes, checked."""
        n, spatial, c = x_shape[0], tuple(x_shape[1:4]), x_shape[4]
        kernel, fc, o = tuple(w_shape[:3]), w_shape[3], w_shape[4]
        if c != fc:
            raise ValueError("%s: depth of input (%d) does not match the input depth of filter "
                             "(%d)" % (self.type_name, c, fc))
        out, pads = self.geometry(spatial, kernel)
        if dy_shape is not None and tuple(dy_shape) != (n,) + out + (o,):
            raise ValueError("%s: out_backprop has shape %s (NDHWC) but the convolution of an "
                             "input of %s with a filter of %s gives %s"
                             % (self.type_name, list(dy_shape), list(x_shape), list(w_shape),
                                [n] + list(out) + [o]))
        return (n, spatial, c), kernel, o, out, pads

    def _family_op(self, cls, *inputs):
        return cls(**self.attrs())(*inputs, name=cls.type_name)


class _Cols:
    """The im2col matrices of one 3-D convolution, a tile of whole images at a time: the tile's
    padded images and their (voxels, kd*kh*kw*c) matrix, both in the caller's scratch arrays."""

    def __init__(self, op, xp, x, kernel, out, pads):
        self.xp, self.x, self.kernel, self.out, self.pads = xp, x, kernel, out, pads
        self.strides = _spatial(op.strides, op.data_format)
        self.dilations = _spatial(op.dilations, op.data_format)
        self.padded = any(p for pair in pads for p in pair)
        n, c = x.shape[0], x.shape[4]
        self.k = kernel[0] * kernel[1] * kernel[2] * c
        self.voxels = out[0] * out[1] * out[2]
        self.tiles = batch_tiles(n, self.voxels * self.k * x.itemsize, COL_BYTES)
        self.full = self.tiles[0].stop - self.tiles[0].start

    def scratch(self):
        """(shape, dtype) of the scratch arrays `tile` needs: padded images, then the matrix."""
        padded = (self.full,) + tuple(s + sum(p) for s, p in zip(self.x.shape[1:4], self.pads)) \
            + (self.x.shape[4],)
        return [(padded if self.padded else (0,), self.x.dtype),
                ((self.full * self.voxels, self.k), self.x.dtype)]

    def tile(self, arrays, t):
        """The im2col matrix of the images in slice t, in arrays[1]."""
        xs = self.x[t]
        m = xs.shape[0]
        if self.padded:
            xpad = arrays[0][:m]
            xpad[...] = 0
            xpad[(slice(None),) + tuple(slice(p[0], p[0] + s)
                                        for p, s in zip(self.pads, xs.shape[1:4]))] = xs
            xs = xpad
        matrix = arrays[1][:m * self.voxels]
        matrix.reshape((m,) + self.out + self.kernel + (xs.shape[4],))[...] = \
            _windows(self.xp, xs, self.kernel, self.out, self.strides, self.dilations)
        return matrix


def _windows(xp, xpad, kernel, out, strides, dilations):
    """A strided view (n, od, oh, ow, kd, kh, kw, c) of every window of padded NDHWC input."""
    s = xpad.strides
    return xp.lib.stride_tricks.as_strided(
        xpad, (xpad.shape[0],) + tuple(out) + tuple(kernel) + (xpad.shape[4],),
        (s[0],) + tuple(s[i + 1] * strides[i] for i in range(3))
        + tuple(s[i + 1] * dilations[i] for i in range(3)) + (s[4],))


@register
class Conv3D(_Conv3DBase):
    """output[n, i, j, l, o] = sum over (a, b, e, c) of
    input[n, i*sd + a*dd - pad_front, j*sh + b*dh - pad_top, l*sw + e*dw - pad_left, c] *
    filter[a, b, e, c, o]."""

    def infer(self, x, w):
        _check_same_dtype(self.type_name, x, w, "filter")
        self._check_dtype(x.dtype, "input")
        _check_rank(x, 5, "input")
        _check_rank(w, 5, "filter")
        self._check_attrs()
        return self._out_spec(x.shape.as_tuple(), w.shape.as_tuple(), x.dtype)

    def compute(self, xp, x, w, work=None, split=None):
        x = self.to_ndhwc(xp, x)
        (n, _, c), kernel, o, out, pads = self._runtime(x.shape, w.shape)
        y = xp.empty((n,) + out + (o,), dtype=x.dtype)
        cols = _Cols(self, xp, x, kernel, out, pads)
        wmat = w.reshape(-1, o)

        def tile(arrays, t):
            xp.matmul(cols.tile(arrays, t), wmat, out=y[t].reshape(-1, o))
        each_tile(xp, work, split, cols.tiles, cols.scratch(), tile)
        return self.from_ndhwc(xp, y)

    def grad(self, op, dy):
        x, w = op.inputs
        return [self._family_op(Conv3DBackpropInputV2, shape(x), w, dy),
                self._family_op(Conv3DBackpropFilterV2, x, shape(w), dy)]


@register
class Conv3DBackpropInputV2(_Conv3DBase):
    """The gradient of Conv3D with respect to its input, of shape `input_sizes` (also
    conv3d_transpose)."""

    tf_signature = TFSignature(type_attrs=(("T", 1), ("Tshape", 0)))

    def infer(self, input_sizes, w, dy):
        _check_same_dtype(self.type_name, w, dy, "out_backprop", "filter")
        self._check_dtype(w.dtype, "filter")
        _check_rank(w, 5, "filter")
        _check_rank(dy, 5, "out_backprop")
        self._check_attrs()
        dims = _sizes_spec(self.type_name, input_sizes, "input_sizes", rank=5)
        w_dims = w.shape.as_tuple() or (None,) * 5
        dy_dims = dy.shape.as_tuple() or (None,) * 5
        n, spatial, c = _to_ndhwc_dims(dims, self.data_format)
        c = _merge(c, w_dims[3])
        _check_out_backprop(self, self._out_spec(
            _from_ndhwc_dims(n, spatial, c, self.data_format), w_dims, dy.dtype), dy_dims, dims,
            w_dims)
        n = _merge(n, _to_ndhwc_dims(dy_dims, self.data_format)[0])
        return TensorSpec(_from_ndhwc_dims(n, spatial, c, self.data_format), dy.dtype)

    def compute(self, xp, input_sizes, w, dy, work=None, split=None):
        n, spatial, c = _to_ndhwc_dims(_runtime_sizes(input_sizes), self.data_format)
        dy = self.to_ndhwc(xp, dy)
        _, kernel, o, out, pads = self._runtime((n,) + spatial + (c,), w.shape, dy.shape)
        dx = xp.empty((n,) + spatial + (c,), dtype=dy.dtype)
        padded = tuple(s + sum(p) for s, p in zip(spatial, pads))
        strides = _spatial(self.strides, self.data_format)
        dilations = _spatial(self.dilations, self.data_format)
        k = kernel[0] * kernel[1] * kernel[2] * c
        voxels = out[0] * out[1] * out[2]
        tiles = batch_tiles(n, voxels * k * dy.itemsize, COL_BYTES)
        m = tiles[0].stop - tiles[0].start
        wmat_t = w.reshape(k, o).T
        taps = [(a, b, e) for a in range(kernel[0]) for b in range(kernel[1])
                for e in range(kernel[2])]
        crop = (slice(None),) + tuple(slice(p[0], p[0] + s) for p, s in zip(pads, spatial))

        def tap_slices(tap):
            return (slice(None),) + tuple(
                slice(tap[i] * dilations[i], tap[i] * dilations[i] + strides[i] * (out[i] - 1)
                      + 1, strides[i]) for i in range(3))

        def tile(arrays, t):
            mt = t.stop - t.start
            dxpad = arrays[0][:mt]
            dxpad[...] = 0
            cols = arrays[1][:mt * voxels]
            xp.matmul(dy[t].reshape(-1, o), wmat_t, out=cols)
            cols = cols.reshape((mt,) + out + kernel + (c,))
            for tap in taps:
                dxpad[tap_slices(tap)] += cols[(slice(None),) * 4 + tap]
            dx[t] = dxpad[crop]
        each_tile(xp, work, split, tiles,
                  [((m,) + padded + (c,), dy.dtype), ((m * voxels, k), dy.dtype)], tile)
        return self.from_ndhwc(xp, dx)

    def grad(self, op, ddx):
        _, w, dy = op.inputs
        return [None, self._family_op(Conv3DBackpropFilterV2, ddx, shape(w), dy),
                self._family_op(Conv3D, ddx, w)]


@register
class Conv3DBackpropFilterV2(_Conv3DBase):
    """The gradient of Conv3D with respect to its filter, of shape `filter_sizes`."""

    def infer(self, x, filter_sizes, dy):
        _check_same_dtype(self.type_name, x, dy, "out_backprop")
        self._check_dtype(x.dtype, "input")
        _check_rank(x, 5, "input")
        _check_rank(dy, 5, "out_backprop")
        self._check_attrs()
        dims = _sizes_spec(self.type_name, filter_sizes, "filter_sizes", rank=5)
        x_dims = x.shape.as_tuple() or (None,) * 5
        dy_dims = dy.shape.as_tuple() or (None,) * 5
        _check_out_backprop(self, self._out_spec(x_dims, dims, x.dtype), dy_dims, x_dims, dims)
        c = _merge(dims[3], _to_ndhwc_dims(x_dims, self.data_format)[2])
        o = _merge(dims[4], _to_ndhwc_dims(dy_dims, self.data_format)[2])
        return TensorSpec(tuple(dims[:3]) + (c, o), x.dtype)

    def compute(self, xp, x, filter_sizes, dy, work=None, split=None):
        x, dy = self.to_ndhwc(xp, x), self.to_ndhwc(xp, dy)
        w_shape = _runtime_sizes(filter_sizes)
        _, kernel, o, out, pads = self._runtime(x.shape, w_shape, dy.shape)
        cols = _Cols(self, xp, x, kernel, out, pads)
        return _summed_tile_products(xp, work, split, cols, dy).reshape(w_shape)

    def grad(self, op, ddw):
        x, _, dy = op.inputs
        return [self._family_op(Conv3DBackpropInputV2, shape(x), ddw, dy), None,
                self._family_op(Conv3D, x, ddw)]


# -- public functions -----------------------------------------------------------------------------

def _attrs(strides, padding, data_format, dilations):
    data_format = "NDHWC" if data_format is None else data_format
    if data_format not in _FORMATS:
        raise ValueError("data_format must be \"NDHWC\" or \"NCDHW\", got %r" % (data_format,))
    if strides is None:
        raise ValueError("conv3d needs strides: a list of 5 ints")
    dilations = (1, 1, 1, 1, 1) if dilations is None else dilations
    return dict(strides=tuple(int(s) for s in strides), padding=str(padding),
                data_format=data_format, dilations=tuple(int(d) for d in dilations))


def conv3d(input, filter=None, strides=None, padding=None, data_format="NDHWC",
           dilations=(1, 1, 1, 1, 1), name=None, filters=None):
    """tf.nn.conv3d: 3-D convolution of a 5-D input (NDHWC or NCDHW) with a DHWIO filter
    (depth, height, width, in_channels, out_channels); strides and dilations are lists of 5
    with 1 for the batch and channels; padding "SAME" or "VALID"."""
    filter = filters if filter is None else filter
    if filter is None:
        raise ValueError("conv3d needs a filter")
    attrs = _attrs(strides, padding, data_format, dilations)
    with name_scope(name, "Conv3D", [input, filter]) as scope:
        x = convert_to_tensor(input, name="input")
        w = convert_to_tensor(filter, dtype=x.dtype if not hasattr(filter, "dtype") else None,
                              name="filter")
        return Conv3D(**attrs)(x, w, name=scope)


def conv3d_transpose(value, filter=None, output_shape=None, strides=None, padding="SAME",
                     data_format="NDHWC", name=None, input=None, filters=None, dilations=None):
    """tf.nn.conv3d_transpose: the gradient of conv3d with respect to its input, used as a
    learnable upsampling; `filter` is (depth, height, width, output_channels, in_channels) and
    `output_shape` the 5-D shape of the result."""
    value = input if value is None else value
    filter = filters if filter is None else filter
    attrs = _attrs(strides, padding, data_format, dilations)
    with name_scope(name, "conv3d_transpose", [value, filter, output_shape]) as scope:
        dy = convert_to_tensor(value, name="value")
        w = convert_to_tensor(filter, dtype=dy.dtype, name="filter")
        sizes = convert_to_tensor(output_shape, dtype=dtypes.int32, name="output_shape")
        channels = _to_ndhwc_dims(dy.shape.as_tuple() or (None,) * 5, attrs["data_format"])[2]
        w_dims = w.shape.as_tuple() or (None,) * 5
        if channels is not None and w_dims[4] is not None and channels != w_dims[4]:
            raise ValueError("input channels does not match filter's input channels, %d != %d"
                             % (channels, w_dims[4]))
        return Conv3DBackpropInputV2(**attrs)(sizes, w, dy, name=scope)


def conv3d_backprop_filter_v2(input, filter_sizes, out_backprop, strides, padding,
                              data_format="NDHWC", dilations=(1, 1, 1, 1, 1), name=None):
    """tf.nn.conv3d_backprop_filter_v2: the gradient of conv3d with respect to a filter of
    shape `filter_sizes`."""
    attrs = _attrs(strides, padding, data_format, dilations)
    with name_scope(name, "Conv3DBackpropFilterV2", [input, out_backprop]) as scope:
        x = convert_to_tensor(input, name="input")
        dy = convert_to_tensor(out_backprop, dtype=x.dtype, name="out_backprop")
        sizes = convert_to_tensor(filter_sizes, dtype=dtypes.int32, name="filter_sizes")
        return Conv3DBackpropFilterV2(**attrs)(x, sizes, dy, name=scope)


def convolution(input, filter, padding, strides=None, dilation_rate=None, name=None,
                data_format=None, filters=None, dilations=None):
    """tf.nn.convolution: an N-D convolution (N = 1, 2 or 3, from the input's rank) named
    "convolution": conv2d or conv3d, and for 1-D a conv2d over a height of 1 ("<name>/Squeeze").
    `strides` and `dilation_rate` (or `dilations`) have one entry per spatial dim; the data
    format is channels last unless it starts with "NC". TF computes a dilated convolution with
    SpaceToBatchND / BatchToSpaceND around the Conv2D; minitf gives the Conv2D its dilations
    (the same values)."""
    filter = filters if filter is None else filter
    dilation_rate = dilations if dilation_rate is None else dilation_rate
    with name_scope(name, "convolution", [input, filter]) as scope:
        x = convert_to_tensor(input, name="input")
        w = convert_to_tensor(filter, name="filter")
        n = _spatial_rank(x, data_format)
        strides = [1] * n if strides is None else [int(v) for v in strides]
        rates = [1] * n if dilation_rate is None else [int(v) for v in dilation_rate]
        if len(strides) != n or len(rates) != n:
            raise ValueError("strides and dilation_rate must have %d entries (one per spatial "
                             "dimension), got %s and %s" % (n, strides, rates))
        if any(r != 1 for r in rates) and any(s != 1 for s in strides):
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        channels_first = data_format is not None and data_format.startswith("NC")
        if n == 3:
            fmt = "NCDHW" if channels_first else "NDHWC"
            full = (lambda v: [1, 1] + v) if channels_first else (lambda v: [1] + v + [1])
            return conv3d(x, w, full(strides), padding, data_format=fmt,
                          dilations=full(rates), name=scope)
        fmt = "NCHW" if channels_first else "NHWC"
        if n == 2:
            return conv2d(x, w, strides, padding, data_format=fmt, dilations=rates, name=scope)
        axis = 2 if channels_first else 1
        y = conv2d(expand_dims(x, axis), expand_dims(w, 0), [1] + strides, padding,
                   data_format=fmt, dilations=[1] + rates, name=scope)
        return squeeze(y, [axis])


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC",
                     dilations=None, name=None):
    """tf.nn.conv1d_transpose: conv2d_transpose over a height of 1, as TF builds it (the
    result is "<name>/Squeeze"); filters (width, output_channels, in_channels)."""
    if data_format not in (None, "NWC", "NCW"):
        raise ValueError("`data_format` must be 'NWC' or 'NCW'. Received: data_format=%s"
                         % (data_format,))
    channels_first = data_format == "NCW"
    axis = 2 if channels_first else 1
    with name_scope(name, "conv1d_transpose", [input, filters, output_shape]) as scope:
        x = expand_dims(convert_to_tensor(input, name="input"), axis)
        w = expand_dims(convert_to_tensor(filters, name="filters"), 0)
        if isinstance(output_shape, (list, tuple)):
            shape = list(output_shape[:axis]) + [1] + list(output_shape[axis:])
        else:
            sizes = convert_to_tensor(output_shape, dtype=dtypes.int32, name="output_shape")
            shape = concat([sizes[:axis], [1], sizes[axis:]], 0)
        one = (lambda v: [1, 1, 1, v]) if channels_first else (lambda v: [1, 1, v, 1])
        stride = _single(strides, "strides")
        rate = 1 if dilations is None else _single(dilations, "dilations")
        y = conv2d_transpose(x, w, shape, one(stride), padding,
                             data_format="NCHW" if channels_first else "NHWC",
                             dilations=one(rate), name=scope)
        return squeeze(y, [axis])


def _single(value, what):
    """The one spatial entry of a 1-D stride or rate given as an int or a list of 1 or 3."""
    values = [value] if isinstance(value, int) else [int(v) for v in value]
    if len(values) == 3:
        values = values[1:2] if values[0] == values[2] == 1 else values
    if len(values) != 1:
        raise ValueError("%s must be an int or a list of 1 or 3 ints with 1 for the batch and "
                         "channels, got %s" % (what, value))
    return values[0]


def conv_transpose(input, filters, output_shape, strides, padding="SAME", data_format=None,
                   dilations=None, name=None):
    """tf.nn.conv_transpose: conv1d_transpose, conv2d_transpose or conv3d_transpose by the
    length of output_shape (3, 4 or 5)."""
    with name_scope(name, "conv_transpose", [input, filters, output_shape]) as scope:
        if isinstance(output_shape, (list, tuple)):
            n = len(output_shape) - 2
        else:
            dims = convert_to_tensor(output_shape, dtype=dtypes.int32).shape
            n = dims[0].value - 2 if dims.ndims == 1 and dims[0].value is not None else None
        if n not in (1, 2, 3):
            raise ValueError("output_shape must have 3, 4 or 5 entries (a known length), got "
                             "%s" % (output_shape,))
        if n == 1:
            return conv1d_transpose(input, filters, output_shape, strides, padding,
                                    data_format or "NWC", dilations, name=scope)
        if n == 2:
            return conv2d_transpose(input, filters, output_shape, strides, padding,
                                    data_format=data_format or "NHWC", dilations=dilations,
                                    name=scope)
        fmt = data_format or "NDHWC"
        return conv3d_transpose(input, filters, output_shape, _five(strides, fmt), padding,
                                data_format=fmt,
                                dilations=None if dilations is None else _five(dilations, fmt),
                                name=scope)


def _five(value, data_format):
    """A 3-D stride or rate given as an int or 1, 3 or 5 ints, as the 5 values of the op."""
    values = [value] if isinstance(value, int) else [int(v) for v in value]
    if len(values) == 1:
        values = values * 3
    if len(values) == 3:
        values = [1, 1] + values if data_format == "NCDHW" else [1] + values + [1]
    return values
