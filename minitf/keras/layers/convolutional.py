"""Keras convolution, pooling and resizing layers. The convolutions and pools are those of
tf.layers (minitf/layers/convolutional.py, pooling.py), run on weights the Keras layer owns."""

import minitf as tf
from minitf.keras import activations, backend as K
from minitf.keras.engine import Layer
from minitf.layers import convolutional as tfl_conv
from minitf.layers import pooling as tfl_pool


def _fmt(data_format):
    return data_format or K.image_data_format()


class _Conv(Layer):
    _impl_cls = tfl_conv.Conv2D
    _rank = 2
    _config_keys = ("filters", "kernel_size", "strides", "padding", "data_format",
                    "dilation_rate", "activation", "use_bias", "kernel_initializer",
                    "bias_initializer", "kernel_regularizer", "bias_regularizer",
                    "activity_regularizer", "kernel_constraint", "bias_constraint")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        impl_kwargs = {"strides": strides, "padding": padding,
                       "data_format": _fmt(data_format)}
        if dilation_rate is not None:
            impl_kwargs["dilation_rate"] = dilation_rate
        self._impl = self._make_impl(filters, kernel_size, impl_kwargs)
        self.filters = None if filters is None else int(filters)
        self.kernel_size = self._impl.kernel_size
        self.strides, self.padding = self._impl.strides, padding
        self.dilation_rate = getattr(self._impl, "dilation_rate", (1,) * self._rank)
        self.data_format = _fmt(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def _make_impl(self, filters, kernel_size, kwargs):
        return self._impl_cls(filters, kernel_size, **kwargs)

    def _channels(self, input_shape):
        if len(input_shape) != self._rank + 2:
            raise ValueError("Input 0 of layer %s is incompatible with the layer: expected "
                             "ndim=%d, found ndim=%d. Full shape received: %s"
                             % (self.name, self._rank + 2, len(input_shape), input_shape))
        c = input_shape[1 if self.data_format == "channels_first" else -1]
        if c is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found "
                             "`None`.")
        return c

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.kernel = self._impl.kernel = self.add_weight(
            "kernel", self._impl._kernel_shape(channels), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self._build_bias()

    def _build_bias(self):
        self.bias = self.add_weight("bias", (self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        out = self._impl._convolve(inputs)
        if self.use_bias:
            out = tf.nn.bias_add(out, self.bias, data_format="NCHW"
                                 if self.data_format == "channels_first" else "NHWC")
        return self.activation(out)


class Conv1D(_Conv):
    _impl_cls = tfl_conv.Conv1D
    _rank = 1


class Conv2D(_Conv):
    pass


class Conv2DTranspose(_Conv):
    _impl_cls = tfl_conv.Conv2DTranspose

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 activation=None, use_bias=True, dilation_rate=(1, 1), **kwargs):
        if any(d != 1 for d in ((dilation_rate,) if isinstance(dilation_rate, int)
                                else dilation_rate)):
            raise NotImplementedError("Conv2DTranspose with dilation_rate=%s is not "
                                      "implemented in minitf" % (dilation_rate,))
        super().__init__(filters, kernel_size, strides, padding, data_format, None, activation,
                         use_bias, **kwargs)


class SeparableConv2D(_Conv):
    _impl_cls = tfl_conv.SeparableConv2D
    _config_keys = _Conv._config_keys + ("depth_multiplier", "depthwise_initializer",
                                         "pointwise_initializer")

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        self.depth_multiplier = int(depth_multiplier)
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer=bias_initializer, **kwargs)
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer

    def _make_impl(self, filters, kernel_size, kwargs):
        return self._impl_cls(filters, kernel_size, depth_multiplier=self.depth_multiplier,
                              **kwargs)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.depthwise_kernel = self._impl.depthwise_kernel = self.add_weight(
            "depthwise_kernel", tuple(self.kernel_size) + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer)
        self.pointwise_kernel = self._impl.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1, 1, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer)
        self._build_bias()


class DepthwiseConv2D(Conv2D):
    """keras.layers.DepthwiseConv2D: each input channel convolved with its own
    `depth_multiplier` filters (``tf.nn.depthwise_conv2d``); weights ``depthwise_kernel``
    (kh, kw, in_channels, depth_multiplier) and ``bias`` (in_channels * depth_multiplier,)."""

    _config_keys = ("kernel_size", "strides", "padding", "depth_multiplier", "data_format",
                    "dilation_rate", "activation", "use_bias", "depthwise_initializer",
                    "bias_initializer", "depthwise_regularizer", "bias_regularizer",
                    "activity_regularizer", "depthwise_constraint", "bias_constraint")

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, dilation_rate=(1, 1),
                 **kwargs):
        self.depth_multiplier = int(depth_multiplier)
        super().__init__(None, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, bias_initializer=bias_initializer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depthwise_initializer = depthwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.depthwise_constraint = depthwise_constraint

    def _make_impl(self, filters, kernel_size, kwargs):
        # tf.layers' Conv2D checks the geometry arguments; its filter count is unused here
        return self._impl_cls(1, kernel_size, **kwargs)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.filters = channels * self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", tuple(self.kernel_size) + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self._build_bias()

    def call(self, inputs):
        channels_first = self.data_format == "channels_first"
        strides = (1, 1) + self.strides if channels_first else (1,) + self.strides + (1,)
        out = tf.nn.depthwise_conv2d(inputs, self.depthwise_kernel, strides,
                                     self.padding.upper(), rate=self._impl.dilation_rate,
                                     data_format="NCHW" if channels_first else "NHWC")
        if self.use_bias:
            out = tf.nn.bias_add(out, self.bias, data_format="NCHW"
                                 if channels_first else "NHWC")
        return self.activation(out)


Convolution1D, Convolution2D, Deconvolution2D, Deconv2D = Conv1D, Conv2D, Conv2DTranspose, \
    Conv2DTranspose
SeparableConvolution2D = SeparableConv2D


class _Pool(Layer):
    _impl_cls = tfl_pool.MaxPooling2D
    _config_keys = ("pool_size", "strides", "padding", "data_format")

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size, self.padding = pool_size, padding
        self.strides = pool_size if strides is None else strides
        self.data_format = _fmt(data_format)
        self._impl = self._impl_cls(pool_size, self.strides, padding=padding,
                                    data_format=self.data_format)

    def call(self, inputs):
        return self._impl.call(inputs)


class MaxPooling1D(_Pool):
    _impl_cls = tfl_pool.MaxPooling1D


class MaxPooling2D(_Pool):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pool):
    _impl_cls = tfl_pool.AveragePooling1D


class AveragePooling2D(MaxPooling2D):
    _impl_cls = tfl_pool.AveragePooling2D


MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, \
    AveragePooling2D


class _GlobalPool(Layer):
    _config_keys = ("data_format",)
    _rank = 2
    _reduce = staticmethod(tf.reduce_mean)

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _fmt(data_format)

    def call(self, inputs):
        axes = list(range(1, self._rank + 1)) if self.data_format == "channels_last" \
            else list(range(2, self._rank + 2))
        return self._reduce(inputs, axes)


class GlobalAveragePooling1D(_GlobalPool):
    _rank = 1


class GlobalAveragePooling2D(_GlobalPool):
    pass


class GlobalMaxPooling1D(_GlobalPool):
    _rank = 1
    _reduce = staticmethod(tf.reduce_max)


class GlobalMaxPooling2D(_GlobalPool):
    _reduce = staticmethod(tf.reduce_max)


GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D = (
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D)


def _pairs(value, what):
    if isinstance(value, int):
        return ((value, value), (value, value))
    value = tuple(value)
    if len(value) != 2:
        raise ValueError("`%s` should have two elements. Found: %s" % (what, value))
    return tuple((v, v) if isinstance(v, int) else tuple(v) for v in value)


def _spatial_axes(data_format):
    return (1, 2) if data_format == "channels_last" else (2, 3)


class ZeroPadding2D(Layer):
    _config_keys = ("padding", "data_format")

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, "padding")
        self.data_format = _fmt(data_format)

    def call(self, inputs):
        pads = [[0, 0]] * 4
        for axis, p in zip(_spatial_axes(self.data_format), self.padding):
            pads[axis] = list(p)
        return tf.pad(inputs, pads)


class Cropping2D(Layer):
    _config_keys = ("cropping", "data_format")

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, "cropping")
        self.data_format = _fmt(data_format)

    def call(self, inputs):
        index = [slice(None)] * 4
        for axis, (a, b) in zip(_spatial_axes(self.data_format), self.cropping):
            index[axis] = slice(a, -b if b else None)
        return inputs[tuple(index)]


class UpSampling2D(Layer):
    """Nearest-neighbour upsampling: each pixel repeated size[0] x size[1] times."""

    _config_keys = ("size", "data_format", "interpolation")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        if interpolation != "nearest":
            raise NotImplementedError("UpSampling2D: only interpolation='nearest' is "
                                      "implemented in minitf")
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.interpolation = interpolation
        self.data_format = _fmt(data_format)

    def call(self, inputs):
        x = inputs if self.data_format == "channels_last" else \
            tf.transpose(inputs, [0, 2, 3, 1])
        sh, sw = self.size
        s = tf.shape(x)
        h, w, c = x.shape.as_list()[1:]
        y = tf.tile(tf.expand_dims(tf.expand_dims(x, 2), 4), [1, 1, sh, 1, sw, 1])
        y = tf.reshape(y, tf.stack([s[0], s[1] * sh, s[2] * sw, s[3]]))
        y.set_shape([None, None if h is None else h * sh, None if w is None else w * sw, c])
        return y if self.data_format == "channels_last" else tf.transpose(y, [0, 3, 1, 2])
