"""keras.losses: per-sample losses (the mean over the last axis), by name or as functions."""

import minitf as tf
from minitf.keras import backend as K


def mean_squared_error(y_true, y_pred):
    return K.mean(tf.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    return K.mean(tf.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    diff = tf.abs((y_true - y_pred) / K.clip(tf.abs(y_true), K.epsilon(), None))
    return 100.0 * K.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    first = tf.log(K.clip(y_pred, K.epsilon(), None) + 1.0)
    second = tf.log(K.clip(y_true, K.epsilon(), None) + 1.0)
    return K.mean(tf.square(first - second), axis=-1)


def hinge(y_true, y_pred):
    return K.mean(tf.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    return K.mean(tf.square(tf.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def logcosh(y_true, y_pred):
    x = y_pred - y_true
    return K.mean(x + tf.nn.softplus(-2.0 * x) - tf.log(2.0), axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False):
    return K.categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    return K.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits)


def binary_crossentropy(y_true, y_pred, from_logits=False):
    return K.mean(K.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=-1)


def kullback_leibler_divergence(y_true, y_pred):
    y_true = K.clip(y_true, K.epsilon(), 1)
    y_pred = K.clip(y_pred, K.epsilon(), 1)
    return tf.reduce_sum(y_true * tf.log(y_true / y_pred), -1)


def poisson(y_true, y_pred):
    return K.mean(y_pred - y_true * tf.log(y_pred + K.epsilon()), axis=-1)


def cosine_proximity(y_true, y_pred):
    y_true = tf.nn.l2_normalize(y_true, axis=-1)
    y_pred = tf.nn.l2_normalize(y_pred, axis=-1)
    return -tf.reduce_sum(y_true * y_pred, -1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
cosine = cosine_proximity

_ALL = {name: fn for name, fn in globals().items()
        if callable(fn) and getattr(fn, "__module__", None) == __name__}


def get(identifier):
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _ALL:
        return _ALL[identifier]
    raise ValueError("Unknown loss function:" + str(identifier))


def serialize(loss):
    return getattr(loss, "__name__", str(loss))
