"""keras.activations: by name or as functions."""

import minitf as tf
from minitf.keras import backend as K


def linear(x):
    return x


def relu(x, alpha=0.0, max_value=None, threshold=0):
    return K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def elu(x, alpha=1.0):
    return K.elu(x, alpha)


def selu(x):
    return tf.nn.selu(x)


def softmax(x, axis=-1):
    return tf.nn.softmax(x, axis=axis)


softplus, softsign, sigmoid, hard_sigmoid, tanh = (K.softplus, K.softsign, K.sigmoid,
                                                   K.hard_sigmoid, K.tanh)


def exponential(x):
    return tf.exp(x)


_ALL = {f.__name__: f for f in (linear, relu, elu, selu, softmax, softplus, softsign, sigmoid,
                                hard_sigmoid, tanh, exponential)}


def get(identifier):
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _ALL:
        return _ALL[identifier]
    raise ValueError("Unknown activation function:" + str(identifier))


def serialize(activation):
    name = getattr(activation, "__name__", None)
    if name in _ALL and _ALL[name] is activation:
        return name
    return name or str(activation)
