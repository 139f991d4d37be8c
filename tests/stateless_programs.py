"""The graphs and misuses of tf.random.stateless_* that tests/record_tf_stateless_random.py
runs in TensorFlow and tests/test_stateless_random.py in minitf, written once for both (`tf` is
either module)."""


def graph_outputs(tf):
    """One call of each public function (and of the integer forms): the outputs, in order."""
    return [tf.random.stateless_uniform([2, 3], seed=[1, 2]),
            tf.random.stateless_uniform([2], seed=[1, 2], minval=1, maxval=9, dtype=tf.int64),
            tf.random.stateless_uniform([2], seed=[1, 2], minval=None, maxval=None,
                                        dtype=tf.int32),
            tf.random.stateless_normal([2, 3], seed=[1, 2], name="noise"),
            tf.random.stateless_truncated_normal(tf.constant([4], tf.int64), seed=[1, 2]),
            tf.random.stateless_categorical([[1.0, 2.0]], 3, seed=[1, 2]),
            tf.random.stateless_multinomial([[1.0, 2.0]], 3, seed=[1, 2]),
            tf.random.stateless_uniform(tf.placeholder(tf.int32, [2]), seed=[3, 4])]


def build_errors(tf):
    """Misuses that fail while the graph is built."""
    return {
        "int_maxval_only": lambda: tf.random.stateless_uniform([2], [1, 2], maxval=5,
                                                               minval=None, dtype=tf.int32),
        "bad_dtype": lambda: tf.random.stateless_uniform([2], [1, 2], dtype=tf.int8),
        "seed_shape": lambda: tf.random.stateless_uniform([2], [1, 2, 3]),
        "seed_float": lambda: tf.random.stateless_normal([2], [1.0, 2.0]),
        "categorical_dtype": lambda: tf.random.stateless_categorical([[1.0]], 2, [1, 2],
                                                                     dtype=tf.float32),
        "unsigned_bounds": lambda: tf.random.stateless_uniform([2], [1, 2], minval=0, maxval=3,
                                                               dtype=tf.uint32),
    }


def run_errors(tf):
    """Misuses that fail when the graph runs: the tensor to fetch."""
    return {
        "minval_ge_maxval": lambda: tf.random.stateless_uniform(
            [2], [1, 2], minval=tf.placeholder_with_default(5, []), maxval=5, dtype=tf.int32),
        "negative_samples": lambda: tf.random.stateless_categorical(
            [[1.0, 2.0]], tf.placeholder_with_default(-1, []), [1, 2]),
        "no_classes": lambda: tf.random.stateless_categorical(tf.zeros([2, 0]), 3, [1, 2]),
        "seed_runtime_shape": lambda: tf.random.stateless_uniform(
            [2], tf.placeholder_with_default([1, 2, 3], [None])),
    }
