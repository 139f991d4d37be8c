"""tf.contrib.layers' layer functions (slim's layers): fully_connected, conv2d, batch_norm...
Each opens a variable scope of TF's name (`fully_connected`, `Conv`, `BatchNorm`...), makes its
variables as model variables named as TF names them (`weights`, `biases`), and runs minitf's
tf.layers classes inside that scope; all of them accept arg_scope defaults."""

import functools

from minitf import dtypes
from minitf.contrib.framework import add_arg_scope, model_variable
from minitf.contrib.layers.regularizers import xavier_initializer
from minitf.contrib.layers.utils import collect_named_outputs
from minitf.framework.graph import (GraphKeys, add_to_collection, add_to_collections,
                                    control_dependencies, get_collection, name_scope)
from minitf.layers import convolutional, core, normalization, pooling
from minitf.layers.base import smart_cond
from minitf.ops import conv_ops, norm_ops
from minitf.ops.array_ops import (concat, gather, identity, ones, reshape, shape, strided_slice,
                                  tile)
from minitf.ops.segment_ops import unique as _unique
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.embedding_ops import embedding_lookup
from minitf.ops.init_ops import ones_initializer, zeros_initializer
from minitf.ops.math_ops import cast, div, reduce_sum, sqrt, square
from minitf.ops.nn_ops import bias_add as _nn_bias_add
from minitf.ops.nn_ops import moments, relu
from minitf.ops.nn_ops import softmax as _nn_softmax
from minitf.ops.op_util import get_static_value
from minitf.ops.ranges import one_hot
from minitf.ops.variable_scope import get_variable_scope, variable_scope
from minitf.train.moving_averages import assign_moving_average

__all__ = ["avg_pool2d", "avg_pool3d", "batch_norm", "bias_add", "conv1d", "conv2d",
           "conv2d_in_plane", "conv2d_transpose", "conv3d", "convolution", "convolution1d",
           "convolution2d", "convolution2d_in_plane", "convolution2d_transpose",
           "convolution3d", "dense_to_sparse", "dropout", "embed_sequence", "flatten",
           "fully_connected", "group_norm", "images_to_sequence", "instance_norm",
           "layer_norm", "max_pool2d", "max_pool3d", "maxout", "one_hot_encoding",
           "poincare_normalize", "repeat", "scale_gradient", "separable_conv2d",
           "separable_convolution2d", "sequence_to_images", "softmax", "spatial_softmax",
           "stack", "unit_norm"]

_WEIGHTS = {"kernel": "weights", "bias": "biases"}


def _model_variable_getter(rename):
    """A custom getter making tf.layers' variables contrib's: renamed (`kernel` -> `weights`),
    in MODEL_VARIABLES, their regularization losses named after the layer's own name
    (`<scope>/kernel/Regularizer/...`), as TF's Keras-based layers name them."""
    def getter(getter, name, regularizer=None, collections=None, **kwargs):
        short = name.split("/")[-1]
        if regularizer is not None:
            def named_regularizer(var, regularizer=regularizer):
                with name_scope(name + "/Regularizer/"):
                    return regularizer(var)
        kwargs.pop("reuse", None)
        kwargs.pop("validate_shape", None)
        kwargs.pop("constraint", None)
        return model_variable(name[:len(name) - len(short)] + rename.get(short, short),
                              regularizer=named_regularizer if regularizer is not None else None,
                              collections=collections, custom_getter=getter, **kwargs)
    return getter


def _collections(variables_collections, name):
    """The collections the `name` variables go to: a dict's entry, or the list itself."""
    if isinstance(variables_collections, dict):
        return variables_collections.get(name)
    return variables_collections


def _add_to(variable, variables_collections, name):
    for collection in _collections(variables_collections, name) or []:
        if not any(v is variable for v in get_collection(collection)):
            add_to_collection(collection, variable)


def _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc):
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return collect_named_outputs(outputs_collections, sc.name, outputs)


def _run_layer(layer, sc, inputs, weights, variables_collections, normalizer_fn,
               normalizer_params, activation_fn, outputs_collections):
    """Applies a tf.layers layer in `sc`, puts its `weights` attributes and its bias in the
    weights and biases collections asked for, then normalizer_fn and activation_fn."""
    outputs = layer._apply_in(sc, inputs)
    for name in weights:
        _add_to(getattr(layer, name), variables_collections, "weights")
    if layer.bias is not None:
        _add_to(layer.bias, variables_collections, "biases")
    return _finish(outputs, normalizer_fn, normalizer_params, activation_fn,
                   outputs_collections, sc)


def _channels(data_format):
    return "channels_first" if data_format and data_format.startswith("NC") else \
        "channels_last"


def _check_2d_format(data_format):
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=xavier_initializer(),
                    weights_regularizer=None, biases_initializer=zeros_initializer(),
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """activation_fn(normalizer_fn(inputs @ weights + biases)) over the last axis; variables
    `<scope>/weights` and `<scope>/biases` (none when there is a normalizer_fn or
    biases_initializer is None); default scope `fully_connected`."""
    if not isinstance(num_outputs, int) or isinstance(num_outputs, bool):
        raise ValueError("num_outputs type should be one of %s, got %s."
                         % ([int], type(num_outputs)))
    with variable_scope(scope, "fully_connected", [inputs], reuse=reuse,
                        custom_getter=_model_variable_getter(_WEIGHTS)) as sc:
        inputs = convert_to_tensor(inputs)
        layer = core.Dense(num_outputs, use_bias=not normalizer_fn and
                           biases_initializer is not None,
                           kernel_initializer=weights_initializer,
                           bias_initializer=biases_initializer,
                           kernel_regularizer=weights_regularizer,
                           bias_regularizer=biases_regularizer, trainable=trainable)
        return _run_layer(layer, sc, inputs, ("kernel",), variables_collections,
                          normalizer_fn, normalizer_params, activation_fn, outputs_collections)


_CONV_CLASSES = {3: convolutional.Conv1D, 4: convolutional.Conv2D, 5: convolutional.Conv3D}


@add_arg_scope
def convolution(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                rate=1, activation_fn=relu, normalizer_fn=None, normalizer_params=None,
                weights_initializer=xavier_initializer(), weights_regularizer=None,
                biases_initializer=zeros_initializer(), biases_regularizer=None, reuse=None,
                variables_collections=None, outputs_collections=None, trainable=True,
                scope=None, conv_dims=None):
    """An N-D convolution (N from the input's rank: 3, 4 or 5), then biases, normalizer_fn and
    activation_fn; variables `Conv/weights`, `Conv/biases` by default."""
    if data_format not in (None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW"):
        raise ValueError("Invalid data_format: %r" % (data_format,))
    with variable_scope(scope, "Conv", [inputs], reuse=reuse,
                        custom_getter=_model_variable_getter(_WEIGHTS)) as sc:
        inputs = convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if conv_dims is not None and conv_dims + 2 != rank:
            raise ValueError("Convolution expects input with rank %d, got %s"
                             % (conv_dims + 2, rank))
        if rank not in _CONV_CLASSES:
            raise ValueError("Convolution not supported for input with rank %s" % rank)
        layer = _CONV_CLASSES[rank](
            num_outputs, kernel_size, strides=stride, padding=padding,
            data_format=_channels(data_format), dilation_rate=rate,
            use_bias=not normalizer_fn and biases_initializer is not None,
            kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
            trainable=trainable)
        return _run_layer(layer, sc, inputs, ("kernel",), variables_collections,
                          normalizer_fn, normalizer_params, activation_fn, outputs_collections)


@add_arg_scope
def convolution2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                  rate=1, activation_fn=relu, normalizer_fn=None, normalizer_params=None,
                  weights_initializer=xavier_initializer(), weights_regularizer=None,
                  biases_initializer=zeros_initializer(), biases_regularizer=None, reuse=None,
                  variables_collections=None, outputs_collections=None, trainable=True,
                  scope=None):
    """`convolution` of a 4-D input (NHWC, or NCHW with data_format='NCHW'); kernel_size and
    stride an int or a pair; variables `Conv/weights` (kh, kw, in, out) and `Conv/biases`."""
    return convolution(inputs, num_outputs, kernel_size, stride, padding, data_format, rate,
                       activation_fn, normalizer_fn, normalizer_params, weights_initializer,
                       weights_regularizer, biases_initializer, biases_regularizer, reuse,
                       variables_collections, outputs_collections, trainable, scope,
                       conv_dims=2)


conv2d = convolution2d


@add_arg_scope
def convolution1d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                  rate=1, activation_fn=relu, normalizer_fn=None, normalizer_params=None,
                  weights_initializer=xavier_initializer(), weights_regularizer=None,
                  biases_initializer=zeros_initializer(), biases_regularizer=None, reuse=None,
                  variables_collections=None, outputs_collections=None, trainable=True,
                  scope=None):
    """`convolution` of a 3-D input (NWC, or NCW); variables `Conv/weights` (k, in, out)."""
    return convolution(inputs, num_outputs, kernel_size, stride, padding, data_format, rate,
                       activation_fn, normalizer_fn, normalizer_params, weights_initializer,
                       weights_regularizer, biases_initializer, biases_regularizer, reuse,
                       variables_collections, outputs_collections, trainable, scope,
                       conv_dims=1)


@add_arg_scope
def convolution3d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                  rate=1, activation_fn=relu, normalizer_fn=None, normalizer_params=None,
                  weights_initializer=xavier_initializer(), weights_regularizer=None,
                  biases_initializer=zeros_initializer(), biases_regularizer=None, reuse=None,
                  variables_collections=None, outputs_collections=None, trainable=True,
                  scope=None):
    """`convolution` of a 5-D input (NDHWC, or NCDHW); variables `Conv/weights` (kd, kh, kw,
    in, out)."""
    return convolution(inputs, num_outputs, kernel_size, stride, padding, data_format, rate,
                       activation_fn, normalizer_fn, normalizer_params, weights_initializer,
                       weights_regularizer, biases_initializer, biases_regularizer, reuse,
                       variables_collections, outputs_collections, trainable, scope,
                       conv_dims=3)


conv1d = convolution1d
conv3d = convolution3d


@add_arg_scope
def convolution2d_in_plane(inputs, kernel_size, stride=1, padding="SAME", activation_fn=relu,
                           normalizer_fn=None, normalizer_params=None,
                           weights_initializer=xavier_initializer(), weights_regularizer=None,
                           biases_initializer=zeros_initializer(), biases_regularizer=None,
                           reuse=None, variables_collections=None, outputs_collections=None,
                           trainable=True, scope=None):
    """One (kh, kw) filter `ConvInPlane/weights` applied to every channel of an NHWC input on
    its own (a depthwise convolution with the filter tiled over the channels), then biases
    (one per channel), normalizer_fn and activation_fn."""
    with variable_scope(scope, "ConvInPlane", [inputs], reuse=reuse) as sc:
        inputs = convert_to_tensor(inputs)
        dtype = inputs.dtype.base_dtype
        kernel_h, kernel_w = _pair(kernel_size)
        stride_h, stride_w = _pair(stride)
        if inputs.shape.ndims is None or inputs.shape.ndims < 4 or \
                inputs.shape[-1].value is None:
            raise ValueError("conv2d_in_plane needs a 4-D input with a known last dimension, "
                             "got shape %s" % inputs.shape)
        channels = inputs.shape[-1].value
        weights = model_variable("weights", shape=[kernel_h, kernel_w, 1, 1], dtype=dtype,
                                 initializer=weights_initializer,
                                 regularizer=weights_regularizer,
                                 collections=_collections(variables_collections, "weights"),
                                 trainable=trainable)
        outputs = conv_ops.depthwise_conv2d(inputs, tile(weights, [1, 1, channels, 1]),
                                            [1, stride_h, stride_w, 1], padding)
        if normalizer_fn is None and biases_initializer is not None:
            biases = model_variable("biases", shape=[channels], dtype=dtype,
                                    initializer=biases_initializer,
                                    regularizer=biases_regularizer,
                                    collections=_collections(variables_collections, "biases"),
                                    trainable=trainable)
            outputs = _nn_bias_add(outputs, biases)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn,
                       outputs_collections, sc)


conv2d_in_plane = convolution2d_in_plane


@add_arg_scope
def convolution2d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                            data_format="NHWC", activation_fn=relu, normalizer_fn=None,
                            normalizer_params=None, weights_initializer=xavier_initializer(),
                            weights_regularizer=None, biases_initializer=zeros_initializer(),
                            biases_regularizer=None, reuse=None, variables_collections=None,
                            outputs_collections=None, trainable=True, scope=None):
    """The transposed 2-D convolution (tf.layers.Conv2DTranspose) with contrib's variables
    `Conv2d_transpose/weights` (kh, kw, out, in) and `Conv2d_transpose/biases`."""
    with variable_scope(scope, "Conv2d_transpose", [inputs], reuse=reuse,
                        custom_getter=_model_variable_getter(_WEIGHTS)) as sc:
        _check_2d_format(data_format)
        inputs = convert_to_tensor(inputs)
        layer = convolutional.Conv2DTranspose(
            num_outputs, kernel_size, strides=stride, padding=padding,
            data_format=_channels(data_format),
            use_bias=not normalizer_fn and biases_initializer is not None,
            kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
            trainable=trainable)
        return _run_layer(layer, sc, inputs, ("kernel",), variables_collections,
                          normalizer_fn, normalizer_params, activation_fn, outputs_collections)


conv2d_transpose = convolution2d_transpose


def _pair(value):
    return (int(value),) * 2 if isinstance(value, int) else tuple(int(v) for v in value)


@add_arg_scope
def separable_convolution2d(inputs, num_outputs, kernel_size, depth_multiplier=1, stride=1,
                            padding="SAME", data_format="NHWC", rate=1, activation_fn=relu,
                            normalizer_fn=None, normalizer_params=None,
                            weights_initializer=xavier_initializer(), pointwise_initializer=None,
                            weights_regularizer=None, biases_initializer=zeros_initializer(),
                            biases_regularizer=None, reuse=None, variables_collections=None,
                            outputs_collections=None, trainable=True, scope=None):
    """A depthwise convolution (`depthwise_weights`) then, when num_outputs is not None, a 1x1
    one (`pointwise_weights`), then biases; default scope `SeparableConv2d`."""
    _check_2d_format(data_format)
    rename = {"bias": "biases", "depthwise_kernel": "depthwise_weights",
              "pointwise_kernel": "pointwise_weights"}
    with variable_scope(scope, "SeparableConv2d", [inputs], reuse=reuse,
                        custom_getter=_model_variable_getter(rename)) as sc:
        inputs = convert_to_tensor(inputs)
        use_bias = not normalizer_fn and biases_initializer is not None
        if num_outputs is not None:
            layer = convolutional.SeparableConv2D(
                num_outputs, kernel_size, strides=stride, padding=padding,
                data_format=_channels(data_format), dilation_rate=_pair(rate),
                depth_multiplier=depth_multiplier, use_bias=use_bias,
                depthwise_initializer=weights_initializer,
                pointwise_initializer=pointwise_initializer or weights_initializer,
                bias_initializer=biases_initializer, depthwise_regularizer=weights_regularizer,
                pointwise_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
                trainable=trainable)
            return _run_layer(layer, sc, inputs, ("depthwise_kernel", "pointwise_kernel"),
                              variables_collections, normalizer_fn, normalizer_params,
                              activation_fn, outputs_collections)
        # Depthwise only: num_outputs = depth_multiplier * in_channels.
        channel_axis = 1 if data_format == "NCHW" else 3
        if inputs.shape.ndims is None or inputs.shape.ndims < 4 or \
                inputs.shape[channel_axis].value is None:
            raise ValueError("separable_conv2d needs a 4-D input with a known channel "
                             "dimension, got shape %s" % inputs.shape)
        channels = inputs.shape[channel_axis].value
        kernel_h, kernel_w = _pair(kernel_size)
        stride_h, stride_w = _pair(stride)
        depthwise = model_variable(
            "depthwise_weights", shape=[kernel_h, kernel_w, channels, depth_multiplier],
            dtype=inputs.dtype.base_dtype, initializer=weights_initializer,
            regularizer=weights_regularizer, trainable=trainable,
            collections=_collections(variables_collections, "weights"))
        strides = [1, 1, stride_h, stride_w] if data_format == "NCHW" else \
            [1, stride_h, stride_w, 1]
        outputs = conv_ops.depthwise_conv2d(inputs, depthwise, strides, padding,
                                            rate=list(_pair(rate)), data_format=data_format)
        if normalizer_fn is None and biases_initializer is not None:
            biases = model_variable(
                "biases", shape=[depth_multiplier * channels], dtype=inputs.dtype.base_dtype,
                initializer=biases_initializer, regularizer=biases_regularizer,
                trainable=trainable, collections=_collections(variables_collections, "biases"))
            outputs = _nn_bias_add(outputs, biases, data_format=data_format)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn,
                       outputs_collections, sc)


separable_conv2d = separable_convolution2d


def _pool(layer_class, default_name, inputs, kernel_size, stride, padding, data_format,
          outputs_collections, scope, check_format=_check_2d_format):
    check_format(data_format)
    with name_scope(scope, default_name, [inputs]) as sc:
        layer = layer_class(kernel_size, stride, padding=padding,
                            data_format=_channels(data_format))
        outputs = layer._apply_in(get_variable_scope(), inputs)
        return collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D max pooling (name scope `MaxPool2D`); kernel_size and stride an int or a pair."""
    return _pool(pooling.MaxPooling2D, "MaxPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


@add_arg_scope
def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D average pooling (name scope `AvgPool2D`); kernel_size and stride an int or a pair."""
    return _pool(pooling.AveragePooling2D, "AvgPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


def _check_3d_format(data_format):
    if data_format not in ("NCDHW", "NDHWC"):
        raise ValueError("data_format has to be either NCDHW or NDHWC.")


@add_arg_scope
def max_pool3d(inputs, kernel_size, stride=2, padding="VALID", data_format="NDHWC",
               outputs_collections=None, scope=None):
    """3-D max pooling (name scope `MaxPool3D`); kernel_size and stride an int or a triple."""
    return _pool(pooling.MaxPooling3D, "MaxPool3D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope, _check_3d_format)


@add_arg_scope
def avg_pool3d(inputs, kernel_size, stride=2, padding="VALID", data_format="NDHWC",
               outputs_collections=None, scope=None):
    """3-D average pooling (name scope `AvgPool3D`)."""
    return _pool(pooling.AveragePooling3D, "AvgPool3D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope, _check_3d_format)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """Reshapes to (batch, -1), keeping the static size of the flattened axis (name scope
    `Flatten`)."""
    with name_scope(scope, "Flatten", [inputs]) as sc:
        inputs = convert_to_tensor(inputs)
        if inputs.shape.ndims is not None and inputs.shape.ndims < 2:
            raise ValueError("Inputs must have a least 2 dimensions.")
        return collect_named_outputs(outputs_collections, sc, core.flatten(inputs))


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None,
            scope=None, seed=None):
    """tf.layers.dropout keeping `keep_prob` of the elements while `is_training` (default True:
    contrib's dropout is on unless told otherwise), scope `Dropout`."""
    with variable_scope(scope, "Dropout", [inputs]) as sc:
        inputs = convert_to_tensor(inputs)
        layer = core.Dropout(rate=1 - keep_prob, noise_shape=noise_shape, seed=seed)
        outputs = layer._apply_in(sc, inputs, training=is_training)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


# -- normalization ------------------------------------------------------------------------------

def _moving_stats(shape_, dtype, param_initializers, variables_collections):
    """moving_mean and moving_variance: model variables, not trainable."""
    made = []
    for name, default in (("moving_mean", zeros_initializer()),
                          ("moving_variance", ones_initializer())):
        made.append(model_variable(name, shape=shape_, dtype=dtype,
                                   initializer=param_initializers.get(name, default),
                                   trainable=False,
                                   collections=_collections(variables_collections, name)))
    return made


def _beta_gamma(center, scale, shape_, dtype, param_initializers, param_regularizers,
                variables_collections, trainable):
    """beta (when center) and gamma (when scale) in that order; None for the others."""
    made = []
    for name, on, default in (("beta", center, zeros_initializer()),
                              ("gamma", scale, ones_initializer())):
        made.append(model_variable(
            name, shape=shape_, dtype=dtype, initializer=param_initializers.get(name, default),
            regularizer=param_regularizers.get(name), trainable=trainable,
            collections=_collections(variables_collections, name)) if on else None)
    return made


def _moving_updates(is_training, updates_collections, moving_mean, moving_variance, mean,
                    variance, decay, zero_debias_moving_mean, outputs, otherwise):
    """The moving-average updates of batch_norm: ops in `updates_collections`, or (with None)
    run before `outputs` (a tuple of tensors) is returned: then the result is identities of
    `outputs` while training and `otherwise` when not."""
    def updates():
        return (assign_moving_average(moving_mean, mean, decay,
                                      zero_debias=zero_debias_moving_mean),
                assign_moving_average(moving_variance, variance, decay, zero_debias=False))
    training = is_training if not _is_tensor(is_training) else get_static_value(is_training)
    if training is not None and not training:
        return outputs
    if updates_collections is None:
        def forced():
            with control_dependencies(list(updates())):
                return tuple(identity(t) for t in outputs)
        result = smart_cond(is_training, forced, lambda: otherwise, "is_training")
        return result if isinstance(result, (tuple, list)) else (result,)  # cond unpacks 1-tuples
    update_mean, update_variance = smart_cond(is_training, updates,
                                              lambda: (moving_mean, moving_variance),
                                              "is_training")
    add_to_collections(updates_collections, update_mean)
    add_to_collections(updates_collections, update_variance)
    return outputs


def _is_tensor(value):
    return hasattr(value, "op") or hasattr(value, "_ref")


def _fused_batch_norm(inputs, decay, center, scale, epsilon, activation_fn, param_initializers,
                      param_regularizers, updates_collections, is_training, reuse,
                      variables_collections, outputs_collections, trainable, data_format,
                      zero_debias_moving_mean, scope):
    """batch_norm through tf.nn.fused_batch_norm (a 2-D input is made (N, 1, 1, C) first)."""
    _check_2d_format(data_format)
    with variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
        original = inputs
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError("Inputs %s has undefined rank" % inputs.name)
        if rank not in (2, 4):
            raise ValueError("Inputs %s has unsupported rank. Expected 2 or 4 but got %d"
                             % (inputs.name, rank))
        if rank == 2:
            channels = inputs.shape[-1].value
            if channels is None:
                raise ValueError("`C` dimension must be known but is None")
            inputs = reshape(inputs, [-1, channels, 1, 1] if data_format == "NCHW" else
                             [-1, 1, 1, channels])
        params_shape = inputs.shape[1:2] if data_format == "NCHW" else inputs.shape[-1:]
        if not params_shape.is_fully_defined():
            raise ValueError("Inputs %s has undefined `C` dimension %s."
                             % (inputs.name, params_shape))
        beta, gamma = _beta_gamma(center, scale, params_shape, dtypes.float32,
                                  param_initializers, param_regularizers,
                                  variables_collections, trainable)
        if beta is None:
            beta = constant(0.0, dtype=dtypes.float32, shape=params_shape.as_list())
        if gamma is None:
            gamma = constant(1.0, dtype=dtypes.float32, shape=params_shape.as_list())
        moving_mean, moving_variance = _moving_stats(params_shape, dtypes.float32,
                                                     param_initializers, variables_collections)

        def train():
            return norm_ops.fused_batch_norm(inputs, gamma, beta, epsilon=epsilon,
                                             data_format=data_format)

        def infer():
            return norm_ops.fused_batch_norm(inputs, gamma, beta, mean=moving_mean,
                                             variance=moving_variance, epsilon=epsilon,
                                             is_training=False, data_format=data_format)
        outputs, mean, variance = smart_cond(is_training, train, infer, "is_training")
        (outputs,) = _moving_updates(is_training, updates_collections, moving_mean,
                                     moving_variance, mean, variance, decay,
                                     zero_debias_moving_mean, (outputs,), (outputs,))
        outputs.set_shape(inputs.shape)
        if rank == 2:
            dims = original.shape.as_list()
            if dims.count(None) <= 1:
                outputs = reshape(outputs, [-1 if d is None else d for d in dims])
            else:
                outputs = reshape(outputs, shape(original))
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None,
               param_initializers=None, param_regularizers=None,
               updates_collections=GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC",
               zero_debias_moving_mean=False, scope=None, renorm=False, renorm_clipping=None,
               renorm_decay=0.99, adjustment=None):
    """Batch normalization over the channel axis (last, or 1 for NCHW): batch statistics while
    `is_training` (a Python bool or a bool tensor), with moving-average updates (decay 0.999)
    put in `updates_collections` (tf.GraphKeys.UPDATE_OPS: run them with the train op) or, with
    None, run in place; the moving averages otherwise. Variables `BatchNorm/beta` (center),
    `BatchNorm/gamma` (scale, off by default), `BatchNorm/moving_mean`,
    `BatchNorm/moving_variance`. fused (default) uses the fused kernel for 2-D and 4-D inputs."""
    if renorm or adjustment is not None:
        raise NotImplementedError("minitf's batch_norm has no renorm or adjustment")
    if fused is None:
        fused = True
    inputs = convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    param_initializers = param_initializers or {}
    param_regularizers = param_regularizers or {}
    standard_updates = updates_collections is GraphKeys.UPDATE_OPS or \
        updates_collections == GraphKeys.UPDATE_OPS
    if fused and batch_weights is None and rank in (2, 4) and \
            (zero_debias_moving_mean or rank == 2 or not standard_updates):
        return _fused_batch_norm(inputs, decay, center, scale, epsilon, activation_fn,
                                 param_initializers, param_regularizers, updates_collections,
                                 is_training, reuse, variables_collections,
                                 outputs_collections, trainable, data_format,
                                 zero_debias_moving_mean, scope)
    _check_2d_format(data_format)
    with variable_scope(scope, "BatchNorm", [inputs], reuse=reuse,
                        custom_getter=_model_variable_getter({})) as sc:
        if batch_weights is None and standard_updates and not zero_debias_moving_mean:
            axis = 1 if data_format == "NCHW" else -1
            layer = normalization.BatchNormalization(
                axis=axis, momentum=decay, epsilon=epsilon, center=center, scale=scale,
                beta_initializer=param_initializers.get("beta", zeros_initializer()),
                gamma_initializer=param_initializers.get("gamma", ones_initializer()),
                moving_mean_initializer=param_initializers.get("moving_mean",
                                                               zeros_initializer()),
                moving_variance_initializer=param_initializers.get("moving_variance",
                                                                   ones_initializer()),
                beta_regularizer=param_regularizers.get("beta"),
                gamma_regularizer=param_regularizers.get("gamma"), trainable=trainable,
                # TF's layer falls back to the plain kernels where the fused one cannot run.
                fused=bool(fused) and rank == 4)
            outputs = layer._apply_in(sc, inputs, training=is_training)
            for name in ("moving_mean", "moving_variance", "beta", "gamma"):
                if getattr(layer, name) is not None:
                    _add_to(getattr(layer, name), variables_collections, name)
            if activation_fn is not None:
                outputs = activation_fn(outputs)
            return collect_named_outputs(outputs_collections, sc.name, outputs)
        return _plain_batch_norm(inputs, decay, center, scale, epsilon, activation_fn,
                                 param_initializers, updates_collections, is_training,
                                 variables_collections, outputs_collections, trainable,
                                 batch_weights, data_format, zero_debias_moving_mean, sc)


def _plain_batch_norm(inputs, decay, center, scale, epsilon, activation_fn, param_initializers,
                      updates_collections, is_training, variables_collections,
                      outputs_collections, trainable, batch_weights, data_format,
                      zero_debias_moving_mean, sc):
    """batch_norm from tf.nn.moments (or weighted_moments) and tf.nn.batch_normalization: the
    path for batch_weights, updates_collections other than UPDATE_OPS and zero-debiased moving
    means on inputs the fused kernel does not take."""
    from minitf.ops.nn_impl import weighted_moments
    dims = inputs.shape
    rank = dims.ndims
    if rank is None:
        raise ValueError("Inputs %s has undefined rank." % inputs.name)
    dtype = inputs.dtype.base_dtype
    if batch_weights is not None:
        batch_weights = convert_to_tensor(batch_weights)
        dims[0:1].assert_is_compatible_with(batch_weights.shape)
        batch_weights = reshape(batch_weights, [-1] + [1] * (rank - 1))
    if data_format == "NCHW":
        axes = [0] + list(range(2, rank))
        params_shape = dims[1:2]
        broadcast = [1, dims[1].value] + [1] * (rank - 2)
    else:
        axes = list(range(rank - 1))
        params_shape = dims[-1:]
        broadcast = None
    if not params_shape.is_fully_defined():
        raise ValueError("Inputs %s has undefined channels dimension %s."
                         % (inputs.name, params_shape))
    beta, gamma = _beta_gamma(center, scale, params_shape, dtype, param_initializers, {},
                              variables_collections, trainable)
    moving_mean, moving_variance = _moving_stats(params_shape, dtype, param_initializers,
                                                 variables_collections)
    training = is_training if not _is_tensor(is_training) else get_static_value(is_training)
    if training is None or training:
        keep = data_format == "NCHW"
        if batch_weights is None:
            mean, variance = moments(inputs, axes, keep_dims=keep)
        else:
            mean, variance = weighted_moments(inputs, axes, batch_weights, keepdims=keep)
        if keep:
            mean, variance = reshape(mean, [-1]), reshape(variance, [-1])
        moving = (moving_mean, moving_variance)
        mean, variance = _moving_updates(is_training, updates_collections, moving_mean,
                                         moving_variance, mean, variance, decay,
                                         zero_debias_moving_mean, (mean, variance), moving)
        if updates_collections is not None:
            batch = (mean, variance)
            mean, variance = smart_cond(is_training, lambda: batch, lambda: moving,
                                        "is_training")
    else:
        mean, variance = moving_mean, moving_variance
    if broadcast is not None:
        mean, variance = reshape(mean, broadcast), reshape(variance, broadcast)
        beta = reshape(beta, broadcast) if beta is not None else None
        gamma = reshape(gamma, broadcast) if gamma is not None else None
    return _normalized(inputs, mean, variance, beta, gamma, epsilon, activation_fn,
                       outputs_collections, sc)


def _normalized(inputs, mean, variance, beta, gamma, epsilon, activation_fn,
                outputs_collections, sc):
    """tf.nn.batch_normalization with the input's static shape, then activation_fn."""
    outputs = norm_ops.batch_normalization(inputs, mean, variance, beta, gamma, epsilon)
    outputs.set_shape(inputs.shape)
    return _finish(outputs, None, None, activation_fn, outputs_collections, sc)


@add_arg_scope
def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               begin_norm_axis=1, begin_params_axis=-1, scope=None):
    """Normalizes over the axes from begin_norm_axis on (mean 0, variance 1, epsilon 1e-12),
    then scales by `LayerNorm/gamma` and shifts by `LayerNorm/beta` (shaped like the axes from
    begin_params_axis on)."""
    with variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as sc:
        inputs = convert_to_tensor(inputs)
        dims = inputs.shape
        rank = dims.ndims
        if rank is None:
            raise ValueError("Inputs %s has undefined rank." % inputs.name)
        dtype = inputs.dtype.base_dtype
        if begin_norm_axis < 0:
            begin_norm_axis = rank + begin_norm_axis
        if begin_params_axis >= rank or begin_norm_axis >= rank:
            raise ValueError("begin_params_axis (%d) and begin_norm_axis (%d) must be < "
                             "rank(inputs) (%d)" % (begin_params_axis, begin_norm_axis, rank))
        params_shape = dims[begin_params_axis:]
        if not params_shape.is_fully_defined():
            raise ValueError("Inputs %s: shape(inputs)[%s:] is not fully defined: %s"
                             % (inputs.name, begin_params_axis, dims))
        beta, gamma = _beta_gamma(center, scale, params_shape, dtype, {}, {},
                                  variables_collections, trainable)
        mean, variance = moments(inputs, list(range(begin_norm_axis, rank)), keep_dims=True)
        epsilon = 1e-12 if dtype is not dtypes.float16 else 1e-3
        return _normalized(inputs, mean, variance, beta, gamma, epsilon, activation_fn,
                           outputs_collections, sc)


def _norm_params(center, scale, channels, broadcast, dtype, param_initializers,
                 variables_collections, trainable):
    """beta and gamma of instance_norm / group_norm, `channels` long, reshaped to `broadcast`
    (when given) so they line up with the channel axis."""
    beta, gamma = _beta_gamma(center, scale, channels, dtype, param_initializers or {}, {},
                              variables_collections, trainable)
    if broadcast is not None:
        beta = reshape(beta, broadcast) if beta is not None else None
        gamma = reshape(gamma, broadcast) if gamma is not None else None
    return beta, gamma


@add_arg_scope
def instance_norm(inputs, center=True, scale=True, epsilon=1e-6, activation_fn=None,
                  param_initializers=None, reuse=None, variables_collections=None,
                  outputs_collections=None, trainable=True, data_format="NHWC", scope=None):
    """Normalizes each example's each channel over its other axes (all but the batch and
    channel axes: the last one, or axis 1 with data_format='NCHW'), then scales by
    `InstanceNorm/gamma` and shifts by `InstanceNorm/beta` (one per channel)."""
    inputs = convert_to_tensor(inputs)
    dims = inputs.shape
    rank = dims.ndims
    if rank is None:
        raise ValueError("Inputs %s has undefined rank." % inputs.name)
    _check_2d_format(data_format)
    with variable_scope(scope, "InstanceNorm", [inputs], reuse=reuse) as sc:
        channel_axis = 1 if data_format == "NCHW" else rank - 1
        broadcast = [1, dims[1].value] + [1] * (rank - 2) if data_format == "NCHW" else None
        params_shape = dims[channel_axis:channel_axis + 1]
        if not params_shape.is_fully_defined():
            raise ValueError("Inputs %s has undefined channels dimension %s."
                             % (inputs.name, params_shape))
        beta, gamma = _norm_params(center, scale, params_shape, broadcast,
                                   inputs.dtype.base_dtype, param_initializers,
                                   variables_collections, trainable)
        axes = [a for a in range(1, rank) if a != channel_axis]
        mean, variance = moments(inputs, axes, keep_dims=True)
        outputs = norm_ops.batch_normalization(inputs, mean, variance, beta, gamma, epsilon,
                                               name="instancenorm")
        return _finish(outputs, None, None, activation_fn, outputs_collections, sc)


@add_arg_scope
def group_norm(inputs, groups=32, channels_axis=-1, reduction_axes=(-3, -2), center=True,
               scale=True, epsilon=1e-6, activation_fn=None, param_initializers=None,
               reuse=None, variables_collections=None, outputs_collections=None,
               trainable=True, scope=None, mean_close_to_zero=False):
    """Splits the channels into `groups` and normalizes each example's each group over the
    group's channels and the `reduction_axes`, then scales by `GroupNorm/gamma` and shifts by
    `GroupNorm/beta` (one per channel). mean_close_to_zero computes the variance from the
    sums of squares (tf.nn.sufficient_statistics) instead of from the mean."""
    from minitf.ops.elementwise import rsqrt
    from minitf.ops.nn_impl import normalize_moments, sufficient_statistics
    inputs = convert_to_tensor(inputs)
    dims = inputs.shape
    rank = dims.ndims
    if rank is None:
        raise ValueError("Inputs %s has undefined rank." % inputs.name)
    if channels_axis > rank - 1:
        raise ValueError("Axis is out of bounds.")
    dynamic = shape(inputs)
    sizes = [dynamic[i] if d.value is None else d.value for i, d in enumerate(dims)]
    if channels_axis < 0:
        channels_axis += rank
    channels = dims[channels_axis].value
    if channels is None:
        raise ValueError("Inputs %s has undefined channel dimension: %d."
                         % (inputs.name, channels_axis))
    reduction_axes = [a + rank if a < 0 else a for a in reduction_axes]
    for axis in reduction_axes:
        if axis > rank:
            raise ValueError("Axis is out of bounds.")
        if dims[axis].value is None:
            raise ValueError("Inputs %s has undefined dimensions %d." % (inputs.name, axis))
        if axis == channels_axis:
            raise ValueError("reduction_axis must be mutually exclusive with channels_axis")
    if groups > channels:
        raise ValueError("Invalid groups %d for %d channels." % (groups, channels))
    if channels % groups:
        raise ValueError("%d channels is not commensurate with %d groups."
                         % (channels, groups))
    split = [groups, channels // groups]
    broadcast = [1] * channels_axis + split + [1] * (rank - channels_axis - 1)
    grouped = reshape(inputs, sizes[:channels_axis] + split + sizes[channels_axis + 1:])
    axes = [channels_axis + 1] + [a + 1 if a > channels_axis else a for a in reduction_axes]
    with variable_scope(scope, "GroupNorm", [grouped], reuse=reuse) as sc:
        beta, gamma = _norm_params(center, scale, [channels], broadcast,
                                   grouped.dtype.base_dtype, param_initializers,
                                   variables_collections, trainable)
        if mean_close_to_zero:
            counts, mean_ss, variance_ss, _ = sufficient_statistics(grouped, axes,
                                                                    keep_dims=True)
            mean, variance = normalize_moments(counts, mean_ss, variance_ss, shift=None)
        else:
            mean, variance = moments(grouped, axes, keep_dims=True)
        # TF's order: gain and offset per group, gamma and beta folded in, one multiply-add
        gain = rsqrt(variance + epsilon)
        offset = -mean * gain
        if gamma is not None:
            gain *= gamma
            offset *= gamma
        if beta is not None:
            offset += beta
        outputs = reshape(grouped * gain + offset, sizes)
        return _finish(outputs, None, None, activation_fn, outputs_collections, sc)


@add_arg_scope
def maxout(inputs, num_units, axis=-1, scope=None):
    """The maximum over each of `num_units` consecutive blocks of the features along `axis`
    (whose size must be a multiple of num_units), in variable scope `MaxOut`."""
    from minitf.ops.reductions import reduce_max
    with variable_scope(scope, "MaxOut", [inputs]):
        inputs = convert_to_tensor(inputs)
        sizes = inputs.shape.as_list()
        features = sizes[axis]
        if features is None:  # (TF fails here on `None % num_units`, a bare TypeError)
            raise TypeError("maxout needs the size of axis %d known, got shape %s"
                            % (axis, inputs.shape))
        if features % num_units:
            raise ValueError("number of features({}) is not a multiple of num_units({})"
                             .format(features, num_units))
        sizes[axis] = num_units
        sizes.append(features // num_units)
        dynamic = None
        for i, size in enumerate(sizes):
            if size is None:
                dynamic = shape(inputs) if dynamic is None else dynamic
                sizes[i] = dynamic[i]
        return reduce_max(reshape(inputs, sizes), -1, keepdims=False)


def scale_gradient(inputs, gradient_multiplier):
    """`inputs` unchanged forward; the gradient flowing back is multiplied by
    gradient_multiplier (tf.custom_gradient: the output is an IdentityN)."""
    from minitf.custom_gradient import custom_gradient

    @custom_gradient
    def scaled(x, multiplier):
        return x, lambda dy: [dy * multiplier, None]
    return scaled(inputs, gradient_multiplier)


@add_arg_scope
def spatial_softmax(features, temperature=None, name=None, variables_collections=None,
                    trainable=True, data_format="NHWC"):
    """For each channel, the softmax over its spatial positions (of features / the model
    variable `spatial_softmax/temperature`, initialized to `temperature` or 1) and the expected
    (x, y) position in [-1, 1] under it: a (batch, 2 * channels) tensor of keypoints."""
    from minitf.ops.ranges import linspace, meshgrid
    from minitf.ops.reductions import reduce_sum as _reduce_sum
    from minitf.ops.init_ops import constant_initializer
    from minitf.ops.shape_ops import transpose
    with variable_scope(name, "spatial_softmax"):
        dynamic = shape(features)
        if data_format == "NHWC":
            height, width, channels = dynamic[1], dynamic[2], features.shape[3].value
        elif data_format == "NCHW":
            channels, height, width = features.shape[1].value, dynamic[2], dynamic[3]
        else:
            raise ValueError("data_format has to be either NCHW or NHWC.")
        if channels is None:
            raise ValueError("The num_channels dimension of the inputs to `spatial_softmax` "
                             "should be defined. Found `None`.")
        with name_scope("spatial_softmax_op", "spatial_softmax_op", [features]):
            pos_x, pos_y = meshgrid(linspace(-1.0, 1.0, num=height),
                                    linspace(-1.0, 1.0, num=width), indexing="ij")
            pos_x = reshape(pos_x, [height * width])
            pos_y = reshape(pos_y, [height * width])
            temperature = model_variable(
                "temperature", shape=(), dtype=dtypes.float32,
                initializer=ones_initializer() if temperature is None else
                constant_initializer(temperature),
                collections=_collections(variables_collections, "temperature")
                if trainable else None, trainable=trainable)
            if data_format == "NHWC":
                features = transpose(features, [0, 3, 1, 2])
            attention = _nn_softmax(reshape(features, [-1, height * width]) / temperature)
            expected = concat([_reduce_sum(pos_x * attention, [1], keepdims=True),
                               _reduce_sum(pos_y * attention, [1], keepdims=True)], 1)
            keypoints = reshape(expected, [-1, channels * 2])
            keypoints.set_shape([None, channels * 2])
    return keypoints


@add_arg_scope
def images_to_sequence(inputs, data_format="NHWC", outputs_collections=None, scope=None):
    """Images (batch, height, width, depth) (or NCHW) as a sequence over their columns:
    (width, batch * height, depth), in name scope `ImagesToSequence`."""
    from minitf.ops.shape_ops import transpose
    _check_2d_format(data_format)
    with name_scope(scope, "ImagesToSequence", [inputs]) as sc:
        inputs = convert_to_tensor(inputs)
        if data_format == "NCHW":
            inputs = transpose(inputs, [0, 2, 3, 1])
        _, _, width, depth = inputs.shape.as_list()
        dynamic = shape(inputs)
        outputs = reshape(transpose(inputs, [2, 0, 1, 3]),
                          [width, dynamic[0] * dynamic[1], depth])
        return collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def sequence_to_images(inputs, height, output_data_format="channels_last",
                       outputs_collections=None, scope=None):
    """images_to_sequence's inverse: a (width, batch * height, depth) sequence as images
    (batch, height, width, depth), or (batch, depth, height, width) with
    output_data_format='channels_first'; name scope `SequenceToImages`."""
    from minitf.ops.shape_ops import transpose
    with name_scope(scope, "SequenceToImages", [inputs]) as sc:
        inputs = convert_to_tensor(inputs)
        width, batch, depth = inputs.shape.as_list()
        batch = -1 if batch is None else batch // height
        images = reshape(inputs, [width, batch, height, depth])
        perm = [1, 3, 2, 0] if output_data_format == "channels_first" else [1, 2, 0, 3]
        return collect_named_outputs(outputs_collections, sc, transpose(images, perm))


@add_arg_scope
def dense_to_sparse(tensor, eos_token=0, outputs_collections=None, scope=None):
    """The SparseTensor of `tensor`'s entries that differ from eos_token (int64 indices and
    dense_shape), in variable scope `dense_to_sparse`."""
    from minitf.framework.sparse_tensor import SparseTensor
    from minitf.ops.elementwise import not_equal, where_indices
    from minitf.ops.gather_scatter import gather_nd
    with variable_scope(scope, "dense_to_sparse", [tensor]) as sc:
        tensor = convert_to_tensor(tensor)
        indices = where_indices(not_equal(tensor, constant(eos_token, tensor.dtype)))
        outputs = SparseTensor(indices, gather_nd(tensor, indices),
                               shape(tensor, out_type=dtypes.int64))
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def poincare_normalize(x, axis=1, epsilon=1e-5, name=None):
    """x scaled into the open unit ball: x * min((1 - epsilon) / ||x||, 1), the norm over
    `axis` (an int or a list); the result is named `name` (default `poincare_normalize`)."""
    from minitf.ops.elementwise import minimum, multiply, rsqrt
    with name_scope(name, "poincare_normalize", [x]) as name:
        x = convert_to_tensor(x, name="x")
        inv_norm = rsqrt(reduce_sum(square(x), axis, keepdims=True))
        return multiply(x, minimum((1.0 - epsilon) * inv_norm, 1.0), name=name)


@add_arg_scope
def bias_add(inputs, activation_fn=None, initializer=zeros_initializer(), regularizer=None,
             reuse=None, variables_collections=None, outputs_collections=None, trainable=True,
             data_format="NHWC", scope=None):
    """inputs + `BiasAdd/biases` over the channel axis, then activation_fn."""
    _check_2d_format(data_format)
    with variable_scope(scope, "BiasAdd", [inputs], reuse=reuse) as sc:
        inputs = convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError("Dims of shape must be known but is None")
        if rank != 4 and data_format == "NCHW":
            raise ValueError("Data format NCHW only supports 4D Tensor")
        features = inputs.shape[1 if data_format == "NCHW" else -1].value
        if features is None:
            raise ValueError("`C` dimension must be known but is None")
        biases = model_variable("biases", shape=[features], dtype=inputs.dtype.base_dtype,
                                initializer=initializer, regularizer=regularizer,
                                collections=_collections(variables_collections, "biases"),
                                trainable=trainable)
        outputs = _nn_bias_add(inputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


# -- small helpers ------------------------------------------------------------------------------

@add_arg_scope
def one_hot_encoding(labels, num_classes, on_value=1.0, off_value=0.0, outputs_collections=None,
                     scope=None):
    """tf.one_hot of integer `labels` (float32 on/off values), name scope `OneHotEncoding`."""
    with name_scope(scope, "OneHotEncoding", [labels, num_classes]) as sc:
        labels = convert_to_tensor(labels)
        if labels.dtype is dtypes.int32:
            labels = cast(labels, dtypes.int64)
        outputs = one_hot(labels, num_classes, on_value=on_value, off_value=off_value)
        return collect_named_outputs(outputs_collections, sc, outputs)


def _layer_name(layer, default):
    if hasattr(layer, "__name__"):
        return layer.__name__
    if isinstance(layer, functools.partial) and hasattr(layer.func, "__name__"):
        return layer.func.__name__
    return default


def repeat(inputs, repetitions, layer, *args, **kwargs):
    """Applies `layer(outputs, *args, **kwargs)` `repetitions` times in variable scope `scope`
    (default `Repeat`), the i-th call with scope `<scope>_<i>` (scope defaulting to the
    layer's name)."""
    scope = kwargs.pop("scope", None)
    with variable_scope(scope, "Repeat", [inputs]):
        outputs = convert_to_tensor(inputs)
        scope = scope or _layer_name(layer, "repeat")
        for i in range(repetitions):
            kwargs["scope"] = "%s_%d" % (scope, i + 1)
            outputs = layer(outputs, *args, **kwargs)
        return outputs


def stack(inputs, layer, stack_args, **kwargs):
    """Applies `layer` once per entry of `stack_args` (the positional arguments after the
    input: one value or a tuple), chained, the i-th in scope `<scope>_<i>` inside variable
    scope `scope` (default `Stack`)."""
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with variable_scope(scope, "Stack", [inputs]):
        outputs = convert_to_tensor(inputs)
        scope = scope or _layer_name(layer, "stack")
        for i, layer_args in enumerate(stack_args):
            kwargs["scope"] = "%s_%d" % (scope, i + 1)
            if not isinstance(layer_args, (list, tuple)):
                layer_args = [layer_args]
            outputs = layer(outputs, *layer_args, **kwargs)
        return outputs


@add_arg_scope
def unit_norm(inputs, dim, epsilon=1e-7, scope=None):
    """inputs / sqrt(epsilon + sum(inputs ** 2 over `dim`)), in variable scope `UnitNorm`."""
    with variable_scope(scope, "UnitNorm", [inputs]):
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError("The input rank must be known.")
        if dim < 0 or dim >= rank:
            raise ValueError("dim must be positive but smaller than the input rank.")
        lengths = sqrt(epsilon + reduce_sum(square(inputs), dim, True))
        multiples = []
        if dim > 0:
            multiples.append(ones([dim], dtypes.int32))
        multiples.append(strided_slice(shape(inputs), [dim], [dim + 1]))
        if dim < rank - 1:
            multiples.append(ones([rank - 1 - dim], dtypes.int32))
        return div(inputs, tile(lengths, concat(multiples, 0)))


@add_arg_scope
def softmax(logits, scope=None):
    """tf.nn.softmax over the last axis of `logits` of any rank >= 2 (computed on the logits
    made 2-D), in variable scope `softmax`."""
    with variable_scope(scope, "softmax", [logits]):
        dims = logits.shape
        if dims.ndims is None or dims.ndims < 2:
            raise ValueError("Shape %s must have rank >= 2" % dims)
        classes = dims[-1].value
        if classes is None:
            raise ValueError("Inputs %s has undefined last dimension %s." % (logits.name, dims))
        predictions = _nn_softmax(reshape(logits, [-1, classes]))
        predictions = reshape(predictions, shape(logits))
        predictions.set_shape(dims)
        return predictions


def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None,
                   regularizer=None, trainable=True, scope=None, reuse=None):
    """The embeddings of the ids: a lookup into the model variable
    `EmbedSequence/embeddings` (vocab_size, embed_dim); `unique` looks each distinct id up
    once."""
    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError("Must specify vocab size and embedding dimension when not reusing. "
                         "Got vocab_size=%s and embed_dim=%s" % (vocab_size, embed_dim))
    with variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape_ = [vocab_size, embed_dim] if vocab_size and embed_dim else None
        embeddings = model_variable("embeddings", shape=shape_, initializer=initializer,
                                    regularizer=regularizer, trainable=trainable)
        if not unique:
            return embedding_lookup(embeddings, ids)
        with name_scope(None, "EmbeddingLookupUnique", [embeddings, ids]):
            ids = convert_to_tensor(ids)
            flat_ids = reshape(ids, [-1])
            unique_ids, idx = _unique(flat_ids)
            embedded = gather(embedding_lookup(embeddings, unique_ids), idx)
            outputs = reshape(embedded, concat([shape(ids), shape(embedded)[1:]], 0))
            outputs.set_shape(ids.shape.concatenate(embedded.shape[1:]))
            return outputs
