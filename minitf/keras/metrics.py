"""keras.metrics: per-sample metric functions, and Keras's choice of the accuracy function from
the loss ('acc'/'accuracy')."""

import minitf as tf
from minitf.keras import backend as K
from minitf.keras.losses import (binary_crossentropy, categorical_crossentropy, cosine_proximity,
                                 hinge, kullback_leibler_divergence, logcosh, mae, mape,
                                 mean_absolute_error, mean_absolute_percentage_error,
                                 mean_squared_error, mean_squared_logarithmic_error, mse, msle,
                                 poisson, sparse_categorical_crossentropy, squared_hinge)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_pred = tf.cast(y_pred > threshold, y_pred.dtype.base_dtype)
    return K.mean(tf.cast(tf.equal(y_true, y_pred), K.floatx()), axis=-1)


def categorical_accuracy(y_true, y_pred):
    return tf.cast(tf.equal(tf.argmax(y_true, -1), tf.argmax(y_pred, -1)), K.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    if y_true.shape.ndims is not None and y_pred.shape.ndims is not None and \
            y_true.shape.ndims == y_pred.shape.ndims:
        y_true = tf.squeeze(y_true, [-1])
    pred = tf.cast(tf.argmax(y_pred, -1), K.floatx())
    return tf.cast(tf.equal(tf.cast(y_true, K.floatx()), pred), K.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    return tf.cast(tf.nn.in_top_k(y_pred, tf.argmax(y_true, -1), k), K.floatx())


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    return tf.cast(tf.nn.in_top_k(y_pred, tf.cast(tf.reshape(y_true, [-1]), tf.int32), k),
                   K.floatx())


_ALL = {name: fn for name, fn in dict(globals()).items()
        if callable(fn) and not isinstance(fn, type) and name not in ("accuracy_for", "get")
        and getattr(fn, "__module__", "").startswith("minitf.keras")}


def accuracy_for(loss_fn, output_shape):
    """Keras's pick: binary accuracy for binary crossentropy or one output unit, sparse for
    sparse categorical crossentropy, categorical otherwise."""
    name = getattr(loss_fn, "__name__", "")
    if name == "binary_crossentropy" or (output_shape and output_shape[-1] == 1
                                         and name != "sparse_categorical_crossentropy"):
        return binary_accuracy
    if name == "sparse_categorical_crossentropy":
        return sparse_categorical_accuracy
    return categorical_accuracy


def get(identifier):
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and _ALL.get(identifier) is not None:
        return _ALL[identifier]
    raise ValueError("Unknown metric function:" + str(identifier))


__all__ = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "get",
           "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
           "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "hinge", "squared_hinge", "logcosh",
           "kullback_leibler_divergence", "poisson", "cosine_proximity", "mse", "mae", "mape",
           "msle"]
