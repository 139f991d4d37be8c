"""keras.regularizers: l1, l2, l1_l2."""

import minitf as tf


class L1L2:
    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        total = tf.constant(0.0, dtype=x.dtype.base_dtype)
        if self.l1:
            total = total + self.l1 * tf.reduce_sum(tf.abs(x))
        if self.l2:
            total = total + self.l2 * tf.reduce_sum(tf.square(x))
        return total

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


Regularizer = L1L2


def l1(l=0.01):  # noqa: E741 - Keras's name
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741 - Keras's name
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1=l1, l2=l2)


def serialize(regularizer):
    """Keras's {"class_name", "config"} form (None and names stay as they are)."""
    if regularizer is None or isinstance(regularizer, (str, dict)):  # dict: config form
        return regularizer
    if not isinstance(regularizer, L1L2):
        raise ValueError("Cannot serialize regularizer %r: only Keras's L1L2 can be saved "
                         "(pass a custom one through custom_objects when loading)" % regularizer)
    return {"class_name": "L1L2", "config": regularizer.get_config()}


_BY_CLASS = {"L1L2": L1L2, "L1": lambda l1=0.01, **c: L1L2(l1=l1),
             "L2": lambda l2=0.01, **c: L1L2(l2=l2)}


def deserialize(config, custom_objects=None):
    """The regularizer of a name or a {"class_name", "config"} dict."""
    if isinstance(config, str):
        return get(config)
    name, args = config["class_name"], config.get("config") or {}
    table = dict(_BY_CLASS, **(custom_objects or {}))
    if name not in table:
        raise ValueError("Unknown regularizer: " + name)
    return table[name](**args)


def get(identifier):
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if identifier is None or callable(identifier):
        return identifier
    if identifier in ("l1", "l2", "l1_l2"):
        return globals()[identifier]()
    raise ValueError("Could not interpret regularizer identifier: " + str(identifier))
