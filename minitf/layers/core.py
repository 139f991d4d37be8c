"""tf.layers core layers: Dense (fully connected, owning its variables) and flatten."""

import numpy as np

from minitf.framework.graph import GraphKeys, add_to_collection, name_scope
from minitf.ops.array_ops import expand_dims, reshape, shape, stack, transpose
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.init_ops import zeros_initializer
from minitf.ops.math_ops import cast, matmul, tensordot
from minitf.ops.nn_ops import bias_add
from minitf.ops.variable_scope import get_variable, variable_scope

__all__ = ["Dense", "dense", "flatten"]


class Dense:
    """tf.layers.Dense: `outputs = activation(inputs @ kernel + bias)` over the last axis of
    the inputs. The variables `kernel` and `bias` are made by the first call, with
    tf.get_variable in a variable scope named after the layer (`dense`, `dense_1`... when no
    name is given); later calls reuse them."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, _reuse=None):
        self.units = int(units)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.activity_regularizer = activity_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.trainable = trainable
        self.name = name
        self.kernel = None
        self.bias = None
        self._reuse = _reuse
        self._scope = None  # the VariableScope of the first call, re-entered by later ones

    @property
    def built(self):
        return self._scope is not None

    @property
    def variables(self):
        return [v for v in (self.kernel, self.bias) if v is not None]

    @property
    def trainable_variables(self):
        return self.variables if self.trainable else []

    def __call__(self, inputs):
        inputs = convert_to_tensor(inputs)
        if self._scope is None:
            with variable_scope(self.name, default_name="dense", reuse=self._reuse) as scope:
                self._scope = scope
                self.name = scope.name.split("/")[-1]
                self._build(inputs)
                return self._call(inputs)
        # Later calls put their ops in the first call's name scope, as TF1 layers do.
        with variable_scope(self._scope, reuse=True, auxiliary_name_scope=False), \
                name_scope(self._scope.original_name_scope):
            return self._call(inputs)

    def _build(self, inputs):
        dims = inputs.shape
        if not inputs.dtype.is_floating:
            raise TypeError("Unable to build `Dense` layer with non-floating point dtype %s"
                            % inputs.dtype.name)
        if dims.ndims is not None and dims.ndims < 2:
            raise ValueError("Input 0 of layer %s is incompatible with the layer: expected "
                             "min_ndim=2, found ndim=%d. Full shape received: %s"
                             % (self.name, dims.ndims, dims))
        if dims.ndims is None or dims[-1].value is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        self.kernel = get_variable("kernel", shape=[dims[-1].value, self.units],
                                   dtype=inputs.dtype, initializer=self.kernel_initializer,
                                   regularizer=self.kernel_regularizer,
                                   constraint=self.kernel_constraint, trainable=self.trainable)
        if self.use_bias:
            self.bias = get_variable("bias", shape=[self.units], dtype=inputs.dtype,
                                     initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint, trainable=self.trainable)

    def _call(self, inputs):
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
        if self.activity_regularizer is not None:
            with name_scope("ActivityRegularizer"):
                loss = self.activity_regularizer(outputs)
                # Keras (and so TF 1.15's tf.layers) averages the activity loss over the batch.
                batch = cast(shape(outputs)[0], loss.dtype)
                add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss / batch)
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
