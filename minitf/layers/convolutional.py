"""tf.layers convolution layers (Conv1D, Conv2D, Conv3D, Conv2DTranspose, Conv3DTranspose,
SeparableConv1D, SeparableConv2D) and their function forms, with TF1's variable names
(`conv2d/kernel`, `conv2d/bias`...)."""

import re

from minitf.layers.base import Layer, check_floating
from minitf.ops import conv3d_ops, conv_ops
from minitf.ops.array_ops import expand_dims, shape, squeeze, stack
from minitf.ops.init_ops import zeros_initializer
from minitf.ops.nn_ops import bias_add

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose",
           "SeparableConv1D", "SeparableConv2D", "conv1d", "conv2d", "conv3d",
           "conv2d_transpose", "conv3d_transpose", "separable_conv1d", "separable_conv2d"]


def _tuple(value, n, what):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError("The `%s` argument must be a tuple of %d integers. Received: %s"
                         % (what, n, value))
    return value


def _padding(padding):
    padding = str(padding).lower()
    if padding not in ("valid", "same"):
        raise ValueError("The `padding` argument must be one of \"valid\", \"same\". "
                         "Received: %s" % padding)
    return padding.upper()


def _channels_first(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         '"channels_last". Received: %s' % data_format)
    return data_format == "channels_first"


class _Conv(Layer):
    """The N-D convolution layer (N = 1, 2 or 3): kernel (*kernel_size, in_channels,
    filters)."""

    _rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 _reuse=None):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, _reuse=_reuse)
        self.filters = int(filters)
        self.kernel_size = _tuple(kernel_size, self._rank, "kernel_size")
        self.strides = _tuple(strides, self._rank, "strides")
        self.padding = _padding(padding)
        self.data_format = data_format
        self._channels_first = _channels_first(data_format)
        self.dilation_rate = _tuple(dilation_rate, self._rank, "dilation_rate")
        self._kernel_and_bias(activation, use_bias, kernel_initializer, bias_initializer,
                              kernel_regularizer, bias_regularizer, kernel_constraint,
                              bias_constraint)

    def _in_channels(self, inputs):
        check_floating(self, inputs)
        rank = inputs.shape.ndims
        if rank is not None and rank != self._rank + 2:
            raise ValueError("Input 0 of layer %s is incompatible with the layer: expected "
                             "ndim=%d, found ndim=%d. Full shape received: %s"
                             % (self.name, self._rank + 2, rank, inputs.shape))
        channels = inputs.shape[1 if self._channels_first else -1].value \
            if rank is not None else None
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found "
                             "`None`.")
        return channels

    def _kernel_shape(self, channels):
        return list(self.kernel_size) + [channels, self.filters]

    def build(self, inputs):
        channels = self._in_channels(inputs)
        self.kernel = self.add_weight("kernel", self._kernel_shape(channels), inputs.dtype,
                                      self.kernel_initializer, self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._build_bias(inputs)

    def _build_bias(self, inputs):
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.filters], inputs.dtype,
                                        self.bias_initializer, self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _convolve(self, inputs):
        fmt = "NCHW" if self._channels_first else "NHWC"
        if self._rank == 1:
            return conv_ops.conv1d(inputs, self.kernel, self.strides[0], self.padding,
                                   data_format="NCW" if self._channels_first else "NWC",
                                   dilations=self.dilation_rate[0])
        if self._rank == 3:
            return conv3d_ops.conv3d(inputs, self.kernel, _full(self.strides, self),
                                     self.padding, data_format=self._format(),
                                     dilations=_full(self.dilation_rate, self))
        return conv_ops.conv2d(inputs, self.kernel, list(self.strides), self.padding,
                               data_format=fmt, dilations=list(self.dilation_rate))

    def _format(self):
        return {(2, False): "NHWC", (2, True): "NCHW", (3, False): "NDHWC",
                (3, True): "NCDHW"}[self._rank, self._channels_first]

    def call(self, inputs):
        outputs = self._convolve(inputs)
        if self.use_bias:
            outputs = bias_add(outputs, self.bias,
                               data_format="NCHW" if self._channels_first else "NHWC")
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs


class Conv1D(_Conv):
    """tf.layers.Conv1D: 1-D convolution over (batch, width, channels)."""

    _rank = 1
    _default_name = "conv1d"


class Conv2D(_Conv):
    """tf.layers.Conv2D: 2-D convolution; kernel (kh, kw, in_channels, filters)."""

    _default_name = "conv2d"


class Conv3D(_Conv):
    """tf.layers.Conv3D: 3-D convolution over (depth, height, width); kernel (kd, kh, kw,
    in_channels, filters)."""

    _rank = 3
    _default_name = "conv3d"


def _full(values, layer):
    """A layer's spatial strides or rates as the op's 5 (or 4) values in its data format."""
    return [1, 1] + list(values) if layer._channels_first else [1] + list(values) + [1]


def _deconv_length(size, k, stride, padding):
    """The output length of a transposed convolution (TF's deconv_output_length)."""
    if padding == "SAME":
        return size * stride
    return size * stride + max(k - stride, 0)


class Conv2DTranspose(_Conv):
    """tf.layers.Conv2DTranspose: the transpose of Conv2D; kernel (kh, kw, filters,
    in_channels)."""

    _default_name = "conv2d_transpose"

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 _reuse=None):
        super().__init__(filters, kernel_size, strides, padding, data_format, 1, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint,
                         bias_constraint, trainable, name, _reuse)

    def _kernel_shape(self, channels):
        return list(self.kernel_size) + [self.filters, channels]

    def _convolve(self, inputs):
        first = 2 if self._channels_first else 1
        dims = shape(inputs)
        sizes = []
        for axis, k, s in zip(range(first, first + self._rank), self.kernel_size, self.strides):
            static = inputs.shape[axis].value
            sizes.append(_deconv_length(static if static is not None else dims[axis], k, s,
                                        self.padding))
        batch = inputs.shape[0].value if inputs.shape[0].value is not None else dims[0]
        out = [batch, self.filters] + sizes if self._channels_first else \
            [batch] + sizes + [self.filters]
        output_shape = stack(out) if any(hasattr(d, "op") for d in out) else out
        if self._rank == 3:
            return conv3d_ops.conv3d_transpose(inputs, self.kernel, output_shape,
                                               _full(self.strides, self), self.padding,
                                               data_format=self._format())
        return conv_ops.conv2d_transpose(inputs, self.kernel, output_shape,
                                         _full(self.strides, self), self.padding,
                                         data_format=self._format())


class Conv3DTranspose(Conv2DTranspose):
    """tf.layers.Conv3DTranspose: the transpose of Conv3D; kernel (kd, kh, kw, filters,
    in_channels)."""

    _rank = 3
    _default_name = "conv3d_transpose"


class SeparableConv2D(_Conv):
    """tf.layers.SeparableConv2D: a depthwise convolution (depthwise_kernel (kh, kw,
    in_channels, depth_multiplier)) then a 1x1 one (pointwise_kernel)."""

    _default_name = "separable_conv2d"

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=zeros_initializer(),
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, pointwise_constraint=None,
                 bias_constraint=None, trainable=True, name=None, _reuse=None):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, None, bias_initializer, None, bias_regularizer,
                         activity_regularizer, None, bias_constraint, trainable, name, _reuse)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint
        self.depthwise_kernel = None
        self.pointwise_kernel = None

    def build(self, inputs):
        channels = self._in_channels(inputs)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", list(self.kernel_size) + [channels, self.depth_multiplier],
            inputs.dtype, self.depthwise_initializer, self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", [1] * self._rank + [channels * self.depth_multiplier,
                                                    self.filters],
            inputs.dtype, self.pointwise_initializer, self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._build_bias(inputs)

    def _convolve(self, inputs):
        fmt = "NCHW" if self._channels_first else "NHWC"
        strides = [1, 1] + list(self.strides) if self._channels_first else \
            [1] + list(self.strides) + [1]
        return conv_ops.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                         strides, self.padding, rate=list(self.dilation_rate),
                                         data_format=fmt)


class SeparableConv1D(SeparableConv2D):
    """tf.layers.SeparableConv1D: SeparableConv2D over (batch, width, channels), run as TF
    runs it: the input, both kernels and the rates gain a height of 1, then lose it."""

    _rank = 1
    _default_name = "separable_conv1d"

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, depth_multiplier=1, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, **kwargs)

    def call(self, inputs):
        # TF adds the bias before it drops the height again: the output is .../Squeeze
        axis = 2 if self._channels_first else 1
        fmt = "NCHW" if self._channels_first else "NHWC"
        strides = [1, 1, 1] + list(self.strides) if self._channels_first else \
            [1, 1] + list(self.strides) + [1]
        outputs = conv_ops.separable_conv2d(
            expand_dims(inputs, axis), expand_dims(self.depthwise_kernel, 0),
            expand_dims(self.pointwise_kernel, 0), strides, self.padding,
            rate=[1] + list(self.dilation_rate), data_format=fmt)
        if self.use_bias:
            outputs = bias_add(outputs, self.bias, data_format=fmt)
        outputs = squeeze(outputs, [axis])
        return self.activation(outputs) if self.activation is not None else outputs


def _layer_function(cls, name, doc):
    """The function form of a layer class: tf.layers.<name>(inputs, *args, reuse=None,
    training=..., **kwargs)."""
    def fn(inputs, *args, **kwargs):
        reuse = kwargs.pop("reuse", None)
        call_kwargs = {"training": kwargs.pop("training")} if "training" in kwargs else {}
        try:
            layer = cls(*args, _reuse=reuse, **kwargs)
        except TypeError as e:  # name the function the user called, not an internal class
            raise TypeError(re.sub(r"^[\w.]*__init__\(\)", name + "()", str(e))) from None
        layer._scope_name = kwargs.get("name")
        return layer(inputs, **call_kwargs)
    fn.__doc__ = doc
    fn.__name__ = fn.__qualname__ = name
    return fn


conv1d = _layer_function(Conv1D, "conv1d", "tf.layers.conv1d(inputs, filters, kernel_size, "
                                           "...): Conv1D applied to inputs.")
conv2d = _layer_function(Conv2D, "conv2d", "tf.layers.conv2d(inputs, filters, kernel_size, "
                                           "...): Conv2D applied to inputs.")
conv3d = _layer_function(Conv3D, "conv3d", "tf.layers.conv3d(inputs, filters, kernel_size, "
                                           "...): Conv3D applied to inputs.")
conv3d_transpose = _layer_function(Conv3DTranspose, "conv3d_transpose",
                                   "tf.layers.conv3d_transpose(inputs, filters, kernel_size, "
                                   "...).")
separable_conv1d = _layer_function(SeparableConv1D, "separable_conv1d",
                                   "tf.layers.separable_conv1d(inputs, filters, kernel_size, "
                                   "...).")
conv2d_transpose = _layer_function(Conv2DTranspose, "conv2d_transpose",
                                   "tf.layers.conv2d_transpose(inputs, filters, kernel_size, "
                                   "...).")
separable_conv2d = _layer_function(SeparableConv2D, "separable_conv2d",
                                   "tf.layers.separable_conv2d(inputs, filters, kernel_size, "
                                   "...).")
