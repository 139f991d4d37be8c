"""keras.constraints: applied to a weight after each optimizer update."""

import minitf as tf


class Constraint:
    def __call__(self, w):
        return w

    def get_config(self):
        return {}


class MaxNorm(Constraint):
    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}

    def __call__(self, w):
        norms = tf.sqrt(tf.reduce_sum(tf.square(w), self.axis, keepdims=True))
        desired = tf.clip_by_value(norms, 0.0, float(self.max_value))
        return w * (desired / (1e-7 + norms))


class NonNeg(Constraint):
    def __call__(self, w):
        return w * tf.cast(w >= 0.0, w.dtype.base_dtype)


class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def get_config(self):
        return {"axis": self.axis}

    def __call__(self, w):
        return w / (1e-7 + tf.sqrt(tf.reduce_sum(tf.square(w), self.axis, keepdims=True)))


max_norm, non_neg, unit_norm = MaxNorm, NonNeg, UnitNorm


def serialize(constraint):
    """Keras's {"class_name", "config"} form (None and names stay as they are)."""
    if constraint is None or isinstance(constraint, (str, dict)):  # dict: config form
        return constraint
    if not isinstance(constraint, Constraint):
        raise ValueError("Cannot serialize constraint %r: only keras.constraints classes can be "
                         "saved (pass a custom one through custom_objects when loading)"
                         % constraint)
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}


def deserialize(config, custom_objects=None):
    """The constraint of a name or a {"class_name", "config"} dict."""
    if isinstance(config, str):
        return get(config)
    name, args = config["class_name"], config.get("config") or {}
    table = dict({"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm},
                 **(custom_objects or {}))
    if name not in table:
        raise ValueError("Unknown constraint: " + name)
    return table[name](**args)


def get(identifier):
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if identifier is None or callable(identifier):
        return identifier
    table = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm}
    if identifier in table:
        return table[identifier]()
    raise ValueError("Could not interpret constraint identifier: " + str(identifier))
