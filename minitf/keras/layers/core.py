"""Keras core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
Lambda, the advanced activations, Embedding, BatchNormalization, and the merge layers."""

import numpy as np

import minitf as tf
from minitf.keras import activations, backend as K, constraints, initializers
from minitf.keras.engine import Layer, clean_config, to_list


class Dense(Layer):
    _config_keys = ("units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                    "kernel_regularizer", "bias_regularizer", "activity_regularizer",
                    "kernel_constraint", "bias_constraint")

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        if input_shape is None or input_shape[-1] is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            out = tf.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            out.set_shape(inputs.shape[:-1].concatenate([self.units]))
        else:
            out = tf.matmul(inputs, self.kernel)
        if self.use_bias:
            out = tf.nn.bias_add(out, self.bias)
        return self.activation(out)


class Activation(Layer):
    _config_keys = ("activation",)

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)


class Dropout(Layer):
    """Drops `rate` of the inputs while the learning phase is 1 (fit feeds it), identity
    otherwise."""

    _config_keys = ("rate", "noise_shape", "seed")

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = min(1.0, max(0.0, float(rate)))
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=None):
        if not 0.0 < self.rate < 1.0:
            return inputs
        noise_shape = self.noise_shape
        if noise_shape is not None:
            noise_shape = tf.stack([tf.shape(inputs)[i] if d is None else d
                                    for i, d in enumerate(noise_shape)])
        return K.in_train_phase(
            lambda: tf.nn.dropout(inputs, rate=self.rate, noise_shape=noise_shape,
                                  seed=self.seed),
            lambda: tf.identity(inputs), training=training)


class Flatten(Layer):
    _config_keys = ("data_format",)

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or K.image_data_format()

    def call(self, inputs):
        from minitf.layers.core import flatten
        return flatten(inputs, data_format=self.data_format)


class Reshape(Layer):
    _config_keys = ("target_shape",)

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        known = inputs.shape.as_list()[1:] if inputs.shape.ndims is not None else None
        target = list(self.target_shape)
        if known is not None and None not in known and -1 in target:
            rest = int(np.prod([d for d in target if d != -1]))
            target[target.index(-1)] = int(np.prod(known)) // rest
        if -1 not in target:
            return tf.reshape(inputs, [-1] + target)
        return tf.reshape(inputs, tf.stack([tf.shape(inputs)[0]] + target))


class Permute(Layer):
    _config_keys = ("dims",)

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation `dims` for Permute Layer: %s. The set of "
                             "indices in `dims` must be consecutive and start from 1."
                             % (dims,))

    def call(self, inputs):
        return tf.transpose(inputs, (0,) + self.dims)


class RepeatVector(Layer):
    _config_keys = ("n",)

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        return K.repeat(inputs, self.n)


class Lambda(Layer):
    """Wraps a Python function as a layer. In a config, a named function is saved by name (and
    module) and found again through custom_objects or its already imported module; an
    anonymous one is saved as Keras does (marshalled bytecode), which minitf writes for tf-keras
    but refuses to run when loading: see docs/security.md."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape

    def call(self, inputs):
        return self.function(inputs, **self.arguments)

    def get_config(self):
        import base64
        import marshal
        config = super().get_config()
        fn = self.function
        if getattr(fn, "__name__", "<lambda>") == "<lambda>":
            code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
            config.update(function=[code, fn.__defaults__, None], function_type="lambda")
        else:
            config.update(function=fn.__name__, function_type="function")
        config.update(module=getattr(fn, "__module__", None), arguments=self.arguments,
                      output_shape=self._output_shape, output_shape_type="raw")
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        import sys
        config = dict(config)
        custom_objects = custom_objects or {}
        name = config.get("name")
        kind = config.pop("function_type", "function")
        saved = config.pop("function")
        module = config.pop("module", None)
        config.pop("output_shape_type", None)
        config.pop("output_shape_module", None)
        if name in custom_objects:
            fn = custom_objects[name]
        elif kind == "function" and saved in custom_objects:
            fn = custom_objects[saved]
        elif kind == "function" and module in sys.modules and \
                callable(getattr(sys.modules[module], saved, None)):
            fn = getattr(sys.modules[module], saved)
        elif kind == "function":
            raise ValueError("Unknown function in Lambda layer %r: %s (module %s). Pass it as "
                             "custom_objects={%r: function}." % (name, saved, module, saved))
        else:
            raise ValueError(
                "Lambda layer %r was saved as marshalled Python bytecode; minitf does not run "
                "code read from a file (a crafted file could run anything, see "
                "docs/security.md). Pass the function as custom_objects={%r: function}."
                % (name, name))
        config = clean_config(cls, config)
        return cls(fn, **config)


class LeakyReLU(Layer):
    _config_keys = ("alpha",)

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return tf.nn.leaky_relu(inputs, alpha=self.alpha)


class ELU(Layer):
    _config_keys = ("alpha",)

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return K.elu(inputs, self.alpha)


class ReLU(Layer):
    _config_keys = ("max_value", "negative_slope", "threshold")

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        return K.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                      threshold=self.threshold)


class Softmax(Layer):
    _config_keys = ("axis",)

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return tf.nn.softmax(inputs, axis=self.axis)


class PReLU(Layer):
    _config_keys = ("alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes")

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = alpha_initializer
        self.alpha_regularizer = alpha_regularizer
        self.alpha_constraint = alpha_constraint
        self.shared_axes = None if shared_axes is None else list(to_list(shared_axes))

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def call(self, inputs):
        return tf.nn.relu(inputs) - self.alpha * tf.nn.relu(-inputs)


class Embedding(Layer):
    _config_keys = ("input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
                    "activity_regularizer", "embeddings_constraint", "mask_zero", "input_length")

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = tuple(to_list(input_length))
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = (initializers.RandomUniform(-0.05, 0.05)
                                       if embeddings_initializer == "uniform"
                                       else embeddings_initializer)
        self.embeddings_regularizer = embeddings_regularizer
        self.embeddings_constraint = embeddings_constraint
        self.mask_zero = mask_zero
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs):
        if inputs.dtype.base_dtype not in (tf.int32, tf.int64):
            inputs = tf.cast(inputs, tf.int32)
        return tf.nn.embedding_lookup(self.embeddings, inputs)


class BatchNormalization(Layer):
    """Normalises with the batch's moments while training (moving the moving moments by
    `momentum`, with the unbiased variance as Keras does) and with the moving moments at
    inference; the learning phase (or `training`) decides. A 4-D input normalised over its
    last axis (or axis 1) runs as one FusedBatchNormV3 op (and its gradient), as tf.keras
    does with `fused=None`; `fused=False` keeps the elementary ops."""

    _config_keys = ("axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
                    "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
                    "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, fused=None, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        self.fused = fused
        self.center, self.scale = center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint

    def build(self, input_shape):
        axis = self.axis
        if isinstance(axis, (list, tuple)):  # tf-keras writes [axis]
            if len(axis) != 1:
                raise NotImplementedError("BatchNormalization over several axes (%s) is not "
                                          "implemented in minitf" % (axis,))
            axis = axis[0]
        axis = axis % len(input_shape)
        dim = input_shape[axis]
        if dim is None:
            raise ValueError("Axis %d of input tensor should have a defined dimension but the "
                             "layer received an input with shape %s." % (self.axis, input_shape))
        self._axis = axis
        self.gamma = self.add_weight("gamma", (dim,), initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", (dim,), initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", (dim,), trainable=False,
                                           initializer=self.moving_mean_initializer)
        self.moving_variance = self.add_weight("moving_variance", (dim,), trainable=False,
                                               initializer=self.moving_variance_initializer)

    def _shaped(self, v, rank):
        if v is None or self._axis == rank - 1:
            return v
        shape = [1] * rank
        shape[self._axis] = -1
        return tf.reshape(v, shape)

    def call(self, inputs, training=None):
        rank = inputs.shape.ndims
        fused = rank == 4 and self._axis in (1, 3)
        if self.fused and not fused:
            raise ValueError("fused BatchNormalization needs a 4-D input normalized over axis 1 "
                             "or 3 (got rank %s, axis %d)" % (rank, self._axis))
        if training is None:
            training = K.learning_phase()
        if fused and self.fused is not False:
            return self._fused_call(inputs, training)
        reduce_axes = [i for i in range(rank) if i != self._axis]
        gamma, beta = self._shaped(self.gamma, rank), self._shaped(self.beta, rank)

        def normalize(mean, var):
            return tf.nn.batch_normalization(inputs, self._shaped(mean, rank),
                                             self._shaped(var, rank), beta, gamma, self.epsilon)

        def infer():
            return normalize(self.moving_mean, self.moving_variance)

        if isinstance(training, (bool, int)) and not training:
            return infer()
        mean, var = tf.nn.moments(inputs, reduce_axes)
        n = tf.cast(tf.reduce_prod(tf.gather(tf.shape(inputs), reduce_axes)), var.dtype)
        unbiased = var * n / tf.maximum(n - 1.0, 1.0)
        if isinstance(training, (bool, int)):
            new_mean, new_var = mean, unbiased
            out = normalize(mean, var)
        else:
            # The moving moments stay put outside the training phase.
            new_mean = tf.cond(training, lambda: tf.identity(mean),
                               lambda: tf.identity(self.moving_mean))
            new_var = tf.cond(training, lambda: tf.identity(unbiased),
                              lambda: tf.identity(self.moving_variance))
            out = tf.cond(training, lambda: normalize(mean, var), infer)
        self.add_update([K.moving_average_update(self.moving_mean, new_mean, self.momentum),
                         K.moving_average_update(self.moving_variance, new_var, self.momentum)])
        return out

    def _fused_call(self, inputs, training):
        """FusedBatchNormV3 in training (its batch variance is the unbiased one the moving
        variance follows) or at inference, one cond choosing for a learning-phase tensor."""
        fmt = "NCHW" if self._axis == 1 else "NHWC"
        channels = inputs.shape[self._axis].value
        gamma = self.gamma if self.gamma is not None else \
            tf.constant([1.0] * channels, self.moving_mean.dtype)
        beta = self.beta if self.beta is not None else \
            tf.constant([0.0] * channels, self.moving_mean.dtype)

        def train():
            return tf.nn.fused_batch_norm(inputs, gamma, beta, epsilon=self.epsilon,
                                          data_format=fmt)

        def infer():
            return tf.nn.fused_batch_norm(inputs, gamma, beta, self.moving_mean,
                                          self.moving_variance, epsilon=self.epsilon,
                                          data_format=fmt, is_training=False)[0]

        if isinstance(training, (bool, int)):
            if not training:
                return infer()
            out, mean, var = train()
        else:
            # The moving moments stay put outside the training phase.
            out, mean, var = tf.cond(training, train, lambda: (
                infer(), tf.identity(self.moving_mean), tf.identity(self.moving_variance)))
        self.add_update([K.moving_average_update(self.moving_mean, mean, self.momentum),
                         K.moving_average_update(self.moving_variance, var, self.momentum)])
        return out


# -- merge layers ---------------------------------------------------------------------------------

class _Merge(Layer):
    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError("A merge layer should be called on a list of at least 2 inputs. "
                             "Got %d inputs." % len(to_list(inputs)))
        return self._merge(list(inputs))


def _fold(fn, xs):
    out = xs[0]
    for x in xs[1:]:
        out = fn(out, x)
    return out


class Add(_Merge):
    def _merge(self, xs):
        return _fold(lambda a, b: a + b, xs)


class Subtract(_Merge):
    def _merge(self, xs):
        if len(xs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs")
        return xs[0] - xs[1]


class Multiply(_Merge):
    def _merge(self, xs):
        return _fold(lambda a, b: a * b, xs)


class Average(_Merge):
    def _merge(self, xs):
        return _fold(lambda a, b: a + b, xs) / float(len(xs))


class Maximum(_Merge):
    def _merge(self, xs):
        return _fold(tf.maximum, xs)


class Minimum(_Merge):
    def _merge(self, xs):
        return _fold(tf.minimum, xs)


class Concatenate(_Merge):
    _config_keys = ("axis",)

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def _merge(self, xs):
        return K.concatenate(xs, axis=self.axis)


class Dot(_Merge):
    _config_keys = ("axes", "normalize")

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes, self.normalize = axes, normalize

    def _merge(self, xs):
        x, y = xs
        axes = self.axes if isinstance(self.axes, (list, tuple)) else (self.axes, self.axes)
        axes = (axes[0] % x.shape.ndims, axes[1] % y.shape.ndims)
        if self.normalize:
            x = tf.nn.l2_normalize(x, axis=axes[0])
            y = tf.nn.l2_normalize(y, axis=axes[1])
        return K.batch_dot(x, y, axes)


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
