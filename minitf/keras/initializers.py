"""keras.initializers: by name (Keras's defaults: glorot_uniform kernels, zeros biases) or as
minitf initializer objects."""

import minitf as tf
from minitf.ops import init_ops

Zeros = init_ops.zeros_initializer
Ones = init_ops.ones_initializer
Constant = init_ops.constant_initializer
RandomNormal = init_ops.random_normal_initializer
RandomUniform = init_ops.random_uniform_initializer
TruncatedNormal = init_ops.truncated_normal_initializer
VarianceScaling = init_ops.variance_scaling_initializer
Orthogonal = init_ops.orthogonal_initializer
zeros, ones, constant = Zeros, Ones, Constant


def glorot_uniform(seed=None):
    return init_ops.variance_scaling_initializer(1.0, "fan_avg", "uniform", seed=seed)


def glorot_normal(seed=None):
    return init_ops.variance_scaling_initializer(1.0, "fan_avg", "truncated_normal", seed=seed)


def he_uniform(seed=None):
    return init_ops.variance_scaling_initializer(2.0, "fan_in", "uniform", seed=seed)


def he_normal(seed=None):
    return init_ops.variance_scaling_initializer(2.0, "fan_in", "truncated_normal", seed=seed)


def lecun_uniform(seed=None):
    return init_ops.variance_scaling_initializer(1.0, "fan_in", "uniform", seed=seed)


def lecun_normal(seed=None):
    return init_ops.variance_scaling_initializer(1.0, "fan_in", "truncated_normal", seed=seed)


_BY_NAME = {"zeros": Zeros, "ones": Ones, "glorot_uniform": glorot_uniform,
            "glorot_normal": glorot_normal, "he_uniform": he_uniform, "he_normal": he_normal,
            "lecun_uniform": lecun_uniform, "lecun_normal": lecun_normal,
            "random_normal": RandomNormal, "random_uniform": RandomUniform,
            "truncated_normal": TruncatedNormal, "orthogonal": Orthogonal}


def get(identifier):
    if identifier is None:
        return None
    if isinstance(identifier, str):
        key = identifier if identifier in _BY_NAME else \
            "".join("_" + c.lower() if c.isupper() else c for c in identifier).lstrip("_")
        if key not in _BY_NAME:
            raise ValueError("Unknown initializer: " + identifier)
        return _BY_NAME[key]()
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret initializer identifier: " + str(identifier))


__all__ = ["get", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
           "VarianceScaling", "Orthogonal"] + list(_BY_NAME)
del tf
