"""Records what TF 2.x compat.v1 (TF 1.15's API) does with a few TF1 names:
tf.losses.mean_pairwise_squared_error, tf.initializers.identity / uniform_unit_scaling,
tf.verify_tensor_all_finite (tf.debugging.assert_all_finite), tf.add_check_numerics_ops,
tf.is_numeric_tensor and tf.data.AUTOTUNE, for tests/test_tf1_misc_names.py. Run in a throwaway
venv with tensorflow-cpu (never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_misc_names.py \\
        > tests/fixtures/tf_misc_names.json

The same programs run on minitf in the test (names both have), which compares the records.
Values are rounded to 6 significant digits where the two reduce in another order.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_tf_monitored_session import run_all  # noqa: E402


def _first_line(e):
    """The class and the first line that says what failed (TF prefixes 'Graph execution
    error'; minitf appends the failing op), for a run-time error."""
    lines = [line for line in str(e).splitlines() if "Tensor had" in line] or [str(e)]
    return [type(e).__name__, lines[0].split(" (op ")[0].strip()]


def _round(values):
    return [float("%.6g" % v) for v in np.ravel(values)]


def pairwise_loss(tf, _):
    rng = np.random.RandomState(0)
    labels = rng.randn(4, 3, 2).astype(np.float32)
    predictions = rng.randn(4, 3, 2).astype(np.float32)
    losses = [tf.losses.mean_pairwise_squared_error(labels, predictions),
              tf.losses.mean_pairwise_squared_error(
                  labels, predictions,
                  weights=np.array([1.0, 0.0, 2.0, 0.5], np.float32).reshape(4, 1, 1)),
              tf.losses.mean_pairwise_squared_error(
                  labels[:, :, 0], predictions[:, :, 0],
                  weights=np.array([[1.0, 0.0, 1.0]], np.float32)),
              tf.losses.mean_pairwise_squared_error(labels[:1, :1, 0], predictions[:1, :1, 0])]
    with tf.Session() as sess:
        values = sess.run(losses)
    try:
        tf.losses.mean_pairwise_squared_error(labels[:, :2], predictions)
        shape_error = None
    except ValueError as e:
        shape_error = type(e).__name__
    return {"names": [t.name for t in losses], "values": _round(values),
            "collected": len(tf.losses.get_losses()), "shape_error": shape_error}


def initializers(tf, _):
    identity = tf.initializers.identity(gain=2.0)
    scaled = tf.uniform_unit_scaling_initializer(factor=1.5, seed=3)
    with tf.Session() as sess:
        eye, sample = sess.run([identity([2, 3]), scaled([100, 50])])
    try:
        identity([2, 2, 2])
        rank_error = None
    except ValueError as e:
        rank_error = type(e).__name__
    bound = float(np.sqrt(3 / 100.0) * 1.5)
    return {"identity": eye.tolist(), "rank_error": rank_error,
            "same_function": tf.initializers.uniform_unit_scaling
            is tf.uniform_unit_scaling_initializer,
            "within_bound": bool(np.abs(sample).max() < bound),
            "spread": bool(np.abs(sample).max() > 0.95 * bound),
            "configs": [scaled.get_config(), identity.get_config()],
            "dtype": sample.dtype.name}


def verify_finite(tf, _):
    good = tf.verify_tensor_all_finite(tf.constant([1.0, 2.0]), "bad values")
    bad = tf.debugging.assert_all_finite(tf.constant([1.0, np.nan]), "bad values")
    with tf.Session() as sess:
        value = sess.run(good).tolist()
        try:
            sess.run(bad)
            failure = None
        except tf.errors.InvalidArgumentError as e:
            failure = _first_line(e)
    return {"names": [good.name, bad.name], "value": value, "failure": failure}


def check_numerics_ops(tf, _):
    with tf.Graph().as_default() as g:
        a = tf.constant([1.0, 2.0])
        b = tf.log(a - 1.5)
        tf.identity(b)
        tf.constant([1, 2])  # (an int32 output: not checked)
        check = tf.add_check_numerics_ops()
        checks = sorted(o.name for o in g.get_operations() if o.type == "CheckNumerics")
        with tf.Session() as sess:
            try:
                sess.run(check)
                failure = None
            except tf.errors.InvalidArgumentError as e:
                failure = _first_line(e)
    return {"op": [check.name, check.type], "checks": checks, "failure": failure}


def numeric_and_autotune(tf, _):
    return {"numeric": [tf.is_numeric_tensor(tf.constant(1)),
                        tf.is_numeric_tensor(tf.constant(1.5)),
                        tf.debugging.is_numeric_tensor(tf.constant("a")),
                        tf.is_numeric_tensor(tf.constant(True)),
                        tf.is_numeric_tensor(np.float32(1.0))],
            "autotune": tf.data.AUTOTUNE}


PROGRAMS = [pairwise_loss, initializers, verify_finite, check_numerics_ops,
            numeric_and_autotune]

if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    print(json.dumps(run_all(tf1, PROGRAMS), indent=1, sort_keys=True))
