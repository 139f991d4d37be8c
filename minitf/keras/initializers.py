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


# Keras's class names in configs -> a constructor from that config (dtype is accepted and
# dropped: the layer's weight dtype decides)
_BY_CLASS = {
    "Zeros": lambda **c: Zeros(), "Ones": lambda **c: Ones(),
    "Constant": lambda value=0, **c: Constant(value),
    "RandomNormal": lambda mean=0.0, stddev=0.05, seed=None, **c: RandomNormal(mean, stddev, seed),
    "TruncatedNormal": lambda mean=0.0, stddev=0.05, seed=None, **c:
        TruncatedNormal(mean, stddev, seed),
    "RandomUniform": lambda minval=-0.05, maxval=0.05, seed=None, **c:
        RandomUniform(minval, maxval, seed),
    "VarianceScaling": lambda scale=1.0, mode="fan_in", distribution="truncated_normal",
    seed=None, **c: VarianceScaling(scale, mode, distribution, seed),
    "Orthogonal": lambda gain=1.0, seed=None, **c: Orthogonal(gain, seed),
    "GlorotUniform": lambda seed=None, **c: glorot_uniform(seed),
    "GlorotNormal": lambda seed=None, **c: glorot_normal(seed),
    "HeUniform": lambda seed=None, **c: he_uniform(seed),
    "HeNormal": lambda seed=None, **c: he_normal(seed),
    "LecunUniform": lambda seed=None, **c: lecun_uniform(seed),
    "LecunNormal": lambda seed=None, **c: lecun_normal(seed),
}
_CLASS_OF = [(init_ops.glorot_uniform_initializer, "GlorotUniform"),
             (init_ops.glorot_normal_initializer, "GlorotNormal"),
             (Zeros, "Zeros"), (Ones, "Ones"), (Constant, "Constant"),
             (RandomNormal, "RandomNormal"), (TruncatedNormal, "TruncatedNormal"),
             (RandomUniform, "RandomUniform"), (VarianceScaling, "VarianceScaling"),
             (Orthogonal, "Orthogonal")]


def serialize(initializer):
    """Keras's {"class_name", "config"} form of an initializer (a name stays a name)."""
    if initializer is None or isinstance(initializer, (str, dict)):  # dict: config form
        return initializer
    for cls, name in _CLASS_OF:
        if isinstance(initializer, cls):
            config = {k: v for k, v in initializer.get_config().items() if k != "dtype"}
            return {"class_name": name, "config": config}
    raise ValueError("Cannot serialize initializer %r: it is not one of Keras's initializers "
                     "(%s)" % (initializer, ", ".join(sorted(_BY_CLASS))))


def deserialize(config, custom_objects=None):
    """The initializer of a Keras config: a name or {"class_name": ..., "config": {...}}."""
    if isinstance(config, str):
        return get(config)
    name, args = config["class_name"], config.get("config") or {}
    if custom_objects and name in custom_objects:
        return custom_objects[name](**args)
    if name not in _BY_CLASS:
        raise ValueError("Unknown initializer: " + name)
    return _BY_CLASS[name](**args)


def get(identifier):
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
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


__all__ = ["get", "serialize", "deserialize", "Zeros", "Ones", "Constant", "RandomNormal",
           "RandomUniform", "TruncatedNormal",
           "VarianceScaling", "Orthogonal"] + list(_BY_NAME)
del tf
