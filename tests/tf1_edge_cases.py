"""Edge cases of single ops (reductions and softmax over empty axes, integer division by zero,
scalars through multi-step kernels), each a function of the `tf` module it runs on, returning
what a user observes: ("OK", dtype, shape, values) or ("ERR", error class, key phrase found).

tests/test_edge_cases.py runs them with minitf and compares with TensorFlow's results,
recorded by running this file in a venv with TensorFlow:

    python tests/tf1_edge_cases.py > recorded.py

It imports only numpy; TensorFlow is imported only when this file is run as that script.
"""

import sys

import numpy as np

# Phrases whose presence in an error message is recorded (TF wraps messages in tracebacks).
PHRASES = ("Integer division by zero",)


def _empty(tf, dtype=np.float32):
    return tf.constant(np.zeros((0, 3), dtype))


CASES = {
    "reduce_sum_empty": lambda tf: tf.reduce_sum(_empty(tf), 0),
    "reduce_prod_empty": lambda tf: tf.reduce_prod(_empty(tf), 0),
    "reduce_max_empty": lambda tf: tf.reduce_max(_empty(tf), 0),
    "reduce_min_empty": lambda tf: tf.reduce_min(_empty(tf), 0),
    "reduce_mean_empty": lambda tf: tf.reduce_mean(_empty(tf), 0),
    "reduce_max_empty_all_axes": lambda tf: tf.reduce_max(_empty(tf)),
    "reduce_max_empty_keepdims": lambda tf: tf.reduce_max(_empty(tf), 0, keepdims=True),
    "reduce_max_empty_int32": lambda tf: tf.reduce_max(_empty(tf, np.int32), 0),
    "reduce_min_empty_int32": lambda tf: tf.reduce_min(_empty(tf, np.int32), 0),
    "reduce_max_empty_uint8": lambda tf: tf.reduce_max(_empty(tf, np.uint8), 0),
    "reduce_min_empty_float64": lambda tf: tf.reduce_min(_empty(tf, np.float64), 0),
    "reduce_any_empty": lambda tf: tf.reduce_any(_empty(tf, bool), 0),
    "reduce_all_empty": lambda tf: tf.reduce_all(_empty(tf, bool), 0),
    "reduce_logsumexp_empty": lambda tf: tf.reduce_logsumexp(_empty(tf), 0),
    "reduce_max_other_axis_empty": lambda tf: tf.reduce_max(_empty(tf), 1),
    "softmax_empty_axis": lambda tf: tf.nn.softmax(tf.zeros((2, 0))),
    "log_softmax_empty_axis": lambda tf: tf.nn.log_softmax(tf.zeros((2, 0))),
    "softmax_empty_batch": lambda tf: tf.nn.softmax(tf.zeros((0, 4))),
    "norm_empty": lambda tf: tf.norm(_empty(tf), axis=0),
    "argmax_empty": lambda tf: tf.argmax(_empty(tf), 0),
    "rsqrt_scalar": lambda tf: tf.rsqrt(tf.constant(4.0)),
    "sigmoid_scalar": lambda tf: tf.sigmoid(tf.constant(0.0)),
    "floordiv_by_zero": lambda tf: tf.constant([7, 8]) // tf.constant([1, 0]),
    "floormod_by_zero": lambda tf: tf.floormod(7, 0),
    "div_by_zero": lambda tf: tf.div(7, 0),
    "mod_by_zero_int64": lambda tf: tf.constant(7, tf.int64) % tf.constant(0, tf.int64),
    "floordiv_by_zero_uint8": lambda tf: tf.floordiv(tf.constant(7, tf.uint8),
                                                     tf.constant(0, tf.uint8)),
    "floormod_float_by_zero": lambda tf: tf.floormod(7.0, 0.0),
    "floordiv_float_by_zero": lambda tf: tf.floordiv(7.0, 0.0),
    "floordiv_negative": lambda tf: tf.constant([-7, 7]) // tf.constant([2, -2]),
}


def observe(tf, case):
    """Runs one case in a fresh graph and session."""
    try:
        with tf.Graph().as_default():
            t = CASES[case](tf)
            with tf.Session() as sess:
                v = np.asarray(sess.run(t))
        return ("OK", v.dtype.name, list(v.shape), v.tolist())
    except Exception as e:  # the class and the phrases are what is compared
        return ("ERR", type(e).__name__, [p for p in PHRASES if p in str(e)])


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    print("RECORDED = {")
    for name in CASES:
        print("    %r: %r," % (name, observe(tf1, name)))
    print("}")
    sys.stdout.flush()
