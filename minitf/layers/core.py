"""tf.layers core layers: Dense (fully connected, owning its variables) and flatten."""

import numpy as np

from minitf.framework.graph import name_scope
from minitf.framework.shapes import as_shape
from minitf.layers.base import Layer, check_floating, is_tensor_like, smart_cond
from minitf.ops.array_ops import expand_dims, reshape, shape, stack, transpose
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.init_ops import zeros_initializer
from minitf.ops.math_ops import matmul, tensordot
from minitf.ops import nn_ops
from minitf.ops.array_ops import identity
from minitf.ops.nn_ops import bias_add

__all__ = ["Dense", "Dropout", "Flatten", "dense", "dropout", "flatten"]


class Dense(Layer):
    """tf.layers.Dense: `outputs = activation(inputs @ kernel + bias)` over the last axis of
    the inputs. The variables `kernel` and `bias` are made by the first call, with
    tf.get_variable in a variable scope named after the layer (`dense`, `dense_1`... when no
    name is given); later calls reuse them."""

    _default_name = "dense"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, _reuse=None):
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, _reuse=_reuse)
        self.units = int(units)
        self._kernel_and_bias(activation, use_bias, kernel_initializer, bias_initializer,
                              kernel_regularizer, bias_regularizer, kernel_constraint,
                              bias_constraint)

    def build(self, inputs):
        dims = inputs.shape
        check_floating(self, inputs)
        if dims.ndims is not None and dims.ndims < 2:
            raise ValueError("Input 0 of layer %s is incompatible with the layer: expected "
                             "min_ndim=2, found ndim=%d. Full shape received: %s"
                             % (self.name, dims.ndims, dims))
        if dims.ndims is None or dims[-1].value is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        self.kernel = self.add_weight("kernel", shape=[dims[-1].value, self.units],
                                      dtype=inputs.dtype, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=[self.units], dtype=inputs.dtype,
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape):
        """The output's static shape for inputs of `input_shape`: the last axis becomes
        `units` (what seq2seq's BasicDecoder asks its output layer)."""
        input_shape = as_shape(input_shape)
        if input_shape.ndims is None or input_shape[-1].value is None:
            raise ValueError("The innermost dimension of input_shape must be defined, but saw: "
                             "%s" % input_shape)
        return input_shape[:-1].concatenate([self.units])

    def call(self, inputs):
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            # Contract the last axis; tensordot reshapes to a matrix and back, as in TF.
            outputs = tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape[:-1].concatenate([self.units]))
        else:
            outputs = matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          trainable=True, name=None, reuse=None):
    """tf.layers.dense: a fully connected layer applied to `inputs` (see Dense). Variables are
    `<name>/kernel` and `<name>/bias`; with `reuse=True` a layer of the same name shares them."""
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                  bias_constraint=bias_constraint, trainable=trainable, name=name, _reuse=reuse)
    layer._scope_name = name
    return layer(inputs)


def flatten(inputs, name=None, data_format="channels_last"):
    """tf.layers.flatten: reshapes to (batch, -1), keeping the static size of the flattened
    axis when the non-batch dims are known; channels_first inputs are made channels_last first
    so the element order matches."""
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         '"channels_last". Received: %s' % data_format)
    with name_scope(name, "flatten", [inputs]):
        x = convert_to_tensor(inputs)
        rank = x.shape.ndims
        if rank == 1:
            return expand_dims(x, 1)
        if data_format == "channels_first" and rank is not None and rank > 2:
            x = transpose(x, [0] + list(range(2, rank)) + [1])
        dims = x.shape.as_tuple()
        if dims is not None and None not in dims[1:]:
            return reshape(x, [-1, int(np.prod(dims[1:], dtype=np.int64))])
        if dims is not None and dims[0] is not None:
            return reshape(x, [dims[0], -1])
        return reshape(x, stack([shape(x)[0], -1]))


class Flatten(Layer):
    """tf.layers.Flatten: reshapes to (batch, -1) (see flatten)."""

    _default_name = "flatten"

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = data_format

    def call(self, inputs):
        return flatten(inputs, data_format=self.data_format)


class Dropout(Layer):
    """tf.layers.Dropout: tf.nn.dropout with `rate` while `training` (a Python bool or a bool
    tensor), the inputs unchanged otherwise."""

    _default_name = "dropout"

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=False):
        def drop():
            return nn_ops.dropout(inputs, noise_shape=self.noise_shape, seed=self.seed,
                                  rate=self.rate)
        if not is_tensor_like(training) and not training:
            return identity(inputs)
        return smart_cond(training, drop, lambda: identity(inputs))


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """tf.layers.dropout: dropout of `rate` when `training` is True (or a bool tensor that is
    True when run); the inputs unchanged otherwise (training defaults to False, as in TF1)."""
    return Dropout(rate, noise_shape, seed, name=name)(inputs, training=training)
