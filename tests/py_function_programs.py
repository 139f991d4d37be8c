"""tf.py_function programs run by tests/record_tf_py_function.py in TensorFlow and by
tests/test_py_function.py in minitf: each takes the framework's module as `tf`."""

import numpy as np

X = np.array([1.0, 2.0], np.float32)

# name: (function of the one input X, Tout)
CASES = {
    "float64 array to float32": (lambda a: np.array([1.5, 2.5]), "float32"),
    "int to float32": (lambda a: 3, "float32"),
    "float32 numpy() to float64": (lambda a: a.numpy(), "float64"),
    "the input to float64": (lambda a: a, "float64"),
    "arithmetic on the input": (lambda a: a * 2 + 1, "float32"),
    "None to float32": (lambda a: None, "float32"),
    "str to string": (lambda a: "h\u00e9llo", "string"),
    "int64 array to int32": (lambda a: np.array([1, 2]), "int32"),
    "bool to int32": (lambda a: True, "int32"),
    "1.5 to int32": (lambda a: 1.5, "int32"),
    "2.0 to int32": (lambda a: 2.0, "int32"),
    "a list of one for [float32]": (lambda a: [7.0], ["float32"]),
    "two values for [float32, int64]": (lambda a: (a.numpy().sum(), 5), ["float32", "int64"]),
    "ZeroDivisionError": (lambda a: 1 / 0, "float32"),
    "ValueError": (lambda a: int("x"), "float32"),
    "StopIteration": (lambda a: next(iter(())), "float32"),
}


def as_json(value):
    """A fetched value as {dtype, shape, value} (strings as latin-1 text), lists as lists."""
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    if isinstance(value, bytes):
        value = np.array(value, dtype=object)
    value = np.asarray(value)
    if value.dtype == object:
        return {"dtype": "string", "value": [v.decode("latin-1") for v in value.reshape(-1)],
                "shape": list(value.shape)}
    return {"dtype": value.dtype.name, "value": value.reshape(-1).tolist(),
            "shape": list(value.shape)}


def run_case(tf, name):
    """{"value": ...} or {"error": class name, "python_error": [the Python error's line]}."""
    func, tout = CASES[name]
    with tf.Graph().as_default():
        dtypes = [getattr(tf, t) for t in tout] if isinstance(tout, list) else getattr(tf, tout)
        out = tf.py_function(func, [tf.constant(X)], dtypes)
        with tf.Session() as sess:
            try:
                return {"value": as_json(sess.run(out))}
            except tf.errors.OpError as e:
                python_error = [line.strip() for line in e.message.splitlines()
                                if "Error: " in line and not line.startswith(" ")]
                return {"error": type(e).__name__, "python_error": python_error[:1]}


def graph_facts(tf):
    """Op names and types, and what the function receives."""
    with tf.Graph().as_default():
        one = tf.py_function(lambda a: a, [tf.constant(X)], tf.float32)
        two = tf.py_function(lambda a: (a, a), [tf.constant(X)], [tf.float32, tf.float32],
                             name="pair")
        none = tf.py_function(lambda a: None, [tf.constant(X)], [])
        seen = {}

        def look(a, s):
            seen.update(argument=type(a.numpy()).__name__, scalar=type(s.numpy()).__name__,
                        scalar_value=str(s.numpy()), sum=float(np.sum(a)))
            return a

        look_out = tf.py_function(look, [tf.constant(X), tf.constant(b"hi")], tf.float32)
        with tf.Session() as sess:
            sess.run(look_out)
        return {"one": [one.name, one.op.type, one.shape.ndims],
                "two": [t.name for t in two], "none": [type(none).__name__, none.name],
                "seen": seen}


def run_all(tf):
    return {"graph": graph_facts(tf), "cases": {name: run_case(tf, name) for name in CASES}}
