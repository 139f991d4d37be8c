"""Keras recurrent layers (SimpleRNN, LSTM, GRU, return_sequences/return_state/go_backwards),
Bidirectional and TimeDistributed. The weights are the Keras layer's (kernel,
recurrent_kernel, bias: Keras's gate order i,f,c,o and z,r,h); the time loop is
tf.nn.dynamic_rnn's tf.while_loop, driven by a small cell that applies the Keras step."""

import minitf as tf
from minitf.keras import activations, backend as K, initializers
from minitf.keras.engine import Layer, clean_config, to_list
from minitf.ops.rnn import dynamic_rnn
from minitf.ops.rnn_cell_impl import _zero_state_tensors


class _StepCell:
    """What dynamic_rnn needs from a cell, over a Keras recurrent layer's step()."""

    def __init__(self, layer):
        self.layer = layer

    @property
    def state_size(self):
        n = self.layer.units
        return (n, n) if isinstance(self.layer, LSTM) else n

    @property
    def output_size(self):
        return self.layer.units

    def zero_state(self, batch_size, dtype):
        return _zero_state_tensors(self.state_size, batch_size, dtype)

    def __call__(self, inputs, state):
        return self.layer.step(inputs, state)


class _RNN(Layer):
    _gates = 1
    _config_keys = ("units", "activation", "recurrent_activation", "use_bias",
                    "kernel_initializer", "recurrent_initializer", "bias_initializer",
                    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                    "activity_regularizer", "return_sequences", "return_state", "go_backwards",
                    "stateful", "unroll", "dropout", "recurrent_dropout")

    @property
    def _weight_scope(self):  # tf-keras names them lstm/lstm_cell/kernel:0
        from minitf.keras.engine import to_snake_case
        return to_snake_case(type(self).__name__) + "_cell/"

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, dropout=0.0, recurrent_dropout=0.0,
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 **kwargs):
        if stateful:
            raise NotImplementedError("stateful=True recurrent layers are not implemented in "
                                      "minitf")
        if dropout or recurrent_dropout:
            raise NotImplementedError("dropout/recurrent_dropout in Keras recurrent layers are "
                                      "not implemented in minitf; use a Dropout layer")
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer, self.recurrent_regularizer = kernel_regularizer, \
            recurrent_regularizer
        self.bias_regularizer = bias_regularizer
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards = go_backwards
        self.stateful, self.unroll = stateful, unroll
        self.dropout, self.recurrent_dropout = dropout, recurrent_dropout

    def _bias_shape(self):
        return (self._gates * self.units,)

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError("Input 0 of layer %s is incompatible with the layer: expected "
                             "ndim=3 with a known last dimension, found shape %s"
                             % (self.name, input_shape))
        n = self._gates * self.units
        self.kernel = self.add_weight("kernel", (input_shape[-1], n),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, n),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer)
        self.bias = self.add_weight("bias", self._bias_shape(),
                                    initializer=self._bias_init(),
                                    regularizer=self.bias_regularizer) \
            if self.use_bias else None

    def _bias_init(self):
        return self.bias_initializer

    def _x(self, inputs):
        z = tf.matmul(inputs, self.kernel)
        return tf.nn.bias_add(z, self.bias) if self.use_bias and \
            len(self._bias_shape()) == 1 else z

    def call(self, inputs, initial_state=None, training=None, mask=None):
        if self.go_backwards:
            inputs = tf.reverse(inputs, [1])
        cell = _StepCell(self)
        state = None
        if initial_state is not None:
            state = tuple(to_list(initial_state)) if isinstance(self, LSTM) \
                else to_list(initial_state)[0]
        outputs, final = dynamic_rnn(cell, inputs, initial_state=state, dtype=inputs.dtype,
                                     scope="rnn")
        out = outputs if self.return_sequences else outputs[:, -1]
        if self.return_state:
            return [out] + list(final if isinstance(final, tuple) else [final])
        return out


class SimpleRNN(_RNN):
    def __init__(self, units, activation="tanh", use_bias=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)

    def step(self, x, h):
        new_h = self.activation(self._x(x) + tf.matmul(h, self.recurrent_kernel))
        return new_h, new_h


class LSTM(_RNN):
    _gates = 4
    _config_keys = _RNN._config_keys + ("unit_forget_bias",)

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base = initializers.get(self.bias_initializer)
        units = self.units

        def init(shape, dtype=None, partition_info=None):
            return tf.concat([base((units,), dtype), tf.ones((units,), dtype),
                              base((2 * units,), dtype)], 0)
        return init

    def step(self, x, state):
        c, h = state
        z = self._x(x) + tf.matmul(h, self.recurrent_kernel)
        zi, zf, zc, zo = tf.split(z, 4, axis=1)
        i, f, o = (self.recurrent_activation(zi), self.recurrent_activation(zf),
                   self.recurrent_activation(zo))
        new_c = f * c + i * self.activation(zc)
        new_h = o * self.activation(new_c)
        return new_h, (new_c, new_h)

    def call(self, inputs, initial_state=None, **kwargs):
        if initial_state is not None:  # Keras orders the state [h, c]; the cell keeps (c, h)
            h, c = to_list(initial_state)
            initial_state = [c, h]
        out = super().call(inputs, initial_state=initial_state, **kwargs)
        if self.return_state:
            o, c, h = out
            return [o, h, c]
        return out


class GRU(_RNN):
    _gates = 3
    _config_keys = _RNN._config_keys + ("reset_after",)

    def __init__(self, units, reset_after=False, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def step(self, x, h):
        u = self.units
        if self.reset_after:
            xz = tf.matmul(x, self.kernel)
            inner = tf.matmul(h, self.recurrent_kernel)
            if self.use_bias:
                xz = xz + self.bias[0]
                inner = inner + self.bias[1]
            x_z, x_r, x_h = tf.split(xz, 3, axis=1)
            i_z, i_r, i_h = tf.split(inner, 3, axis=1)
            z = self.recurrent_activation(x_z + i_z)
            r = self.recurrent_activation(x_r + i_r)
            hh = self.activation(x_h + r * i_h)
        else:
            x_z, x_r, x_h = tf.split(self._x(x), 3, axis=1)
            rk = self.recurrent_kernel
            z = self.recurrent_activation(x_z + tf.matmul(h, rk[:, :u]))
            r = self.recurrent_activation(x_r + tf.matmul(h, rk[:, u:2 * u]))
            hh = self.activation(x_h + tf.matmul(r * h, rk[:, 2 * u:]))
        new_h = z * h + (1.0 - z) * hh
        return new_h, new_h


class Bidirectional(Layer):
    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if merge_mode not in ("sum", "mul", "ave", "concat", None):
            raise ValueError('Invalid merge mode. Merge mode should be one of {"sum", "mul", '
                             '"ave", "concat", None}')
        super().__init__(name=kwargs.pop("name", None) or
                         K.unique_object_name("bidirectional"), **kwargs)
        config = layer.get_config()
        self.forward_layer = layer
        config = dict(config, name="backward_" + layer.name,
                      go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer or type(layer).from_config(config)
        self.forward_layer.name = "forward_" + layer.name
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences

    def get_config(self):
        inner = dict(self.forward_layer.get_config(), name=self.forward_layer.name[8:])
        return dict(super().get_config(), merge_mode=self.merge_mode,
                    layer={"class_name": type(self.forward_layer).__name__, "config": inner})

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minitf.keras.layers import deserialize
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize(backward, custom_objects)
        return cls(layer, backward_layer=backward, **clean_config(cls, config))

    @property
    def trainable_weights(self):
        return self.forward_layer.trainable_weights + self.backward_layer.trainable_weights \
            if self.trainable else []

    @property
    def non_trainable_weights(self):
        out = self.forward_layer.non_trainable_weights + \
            self.backward_layer.non_trainable_weights
        return out if self.trainable else self.forward_layer.weights + \
            self.backward_layer.weights

    def call(self, inputs):
        y = self.forward_layer(inputs)
        y_rev = self.backward_layer(inputs)
        if self.return_sequences:
            y_rev = tf.reverse(y_rev, [1])
        if self.merge_mode == "concat":
            return K.concatenate([y, y_rev])
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2.0
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]


class TimeDistributed(Layer):
    def __init__(self, layer, **kwargs):
        super().__init__(name=kwargs.pop("name", None) or
                         K.unique_object_name("time_distributed"), **kwargs)
        self.layer = layer

    def get_config(self):
        return dict(super().get_config(), layer={"class_name": type(self.layer).__name__,
                                                 "config": self.layer.get_config()})

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from minitf.keras.layers import deserialize
        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects)
        return cls(layer, **clean_config(cls, config))

    @property
    def trainable_weights(self):
        return self.layer.trainable_weights if self.trainable else []

    @property
    def non_trainable_weights(self):
        return self.layer.non_trainable_weights if self.trainable else self.layer.weights

    def call(self, inputs, training=None):
        if not self.layer.built:  # Keras puts the inner weights in this layer's scope
            self.layer._scope = self._scope_name
        shape = inputs.shape.as_list()
        dyn = tf.shape(inputs)
        flat = tf.reshape(inputs, tf.concat([[-1], dyn[2:]], 0))
        flat.set_shape([None] + shape[2:])
        y = self.layer(flat)
        out_shape = y.shape.as_list()
        out = tf.reshape(y, tf.concat([dyn[:2], tf.shape(y)[1:]], 0))
        out.set_shape([shape[0], shape[1]] + out_shape[1:])
        return out
