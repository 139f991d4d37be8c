"""tf.losses.mean_pairwise_squared_error, tf.initializers.identity / uniform_unit_scaling,
tf.verify_tensor_all_finite, tf.add_check_numerics_ops, tf.is_numeric_tensor and
tf.data.AUTOTUNE do what TensorFlow did (tests/record_tf_misc_names.py, its fixture
tests/fixtures/tf_misc_names.json)."""

import numpy as np
import pytest

import minitf as tf
from tests.helpers import recorded_program_tests

recorder, test_programs_do_what_tensorflow_did, test_every_recorded_program_is_run = (
    recorded_program_tests("tf_misc_names"))


def test_mean_pairwise_squared_error_is_the_mean_over_pairs():
    # the definition, pair by pair, against TF's closed form from sums
    rng = np.random.RandomState(1)
    labels, predictions = rng.randn(3, 5).astype(np.float32), rng.randn(3, 5).astype(np.float32)
    d = (predictions - labels).astype(np.float64)
    want = sum(np.mean([(d[b, i] - d[b, j]) ** 2 for i in range(5) for j in range(5) if i != j])
               for b in range(3))
    loss = tf.losses.mean_pairwise_squared_error(labels, predictions)
    with tf.Session() as sess:
        assert sess.run(loss) == pytest.approx(want, rel=1e-5)
    # its gradient against central differences of the definition
    x = tf.placeholder(tf.float32, [None, 5])
    grad, = tf.gradients(tf.losses.mean_pairwise_squared_error(labels, x), [x])

    def definition(p):
        e = p.astype(np.float64) - labels
        return sum(np.mean([(e[b, i] - e[b, j]) ** 2 for i in range(5) for j in range(5)
                            if i != j]) for b in range(3))
    numeric = np.zeros_like(predictions, dtype=np.float64)
    for index in np.ndindex(*predictions.shape):
        step = np.zeros_like(predictions, dtype=np.float64)
        step[index] = 1e-4
        numeric[index] = (definition(predictions + step) - definition(predictions - step)) / 2e-4
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(grad, {x: predictions}), numeric, rtol=1e-3,
                                   atol=1e-4)


def test_the_initializers_build_variables_of_their_dtype():
    v = tf.get_variable("v", [3, 3], tf.float64, initializer=tf.initializers.identity())
    w = tf.get_variable("w", [4, 2], initializer=tf.uniform_unit_scaling_initializer(seed=1))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(v), np.eye(3))
        assert sess.run(v).dtype == np.float64
        assert np.abs(sess.run(w)).max() < np.sqrt(3 / 4.0)
    with pytest.raises(ValueError, match="Expected floating point type"):
        tf.initializers.identity(dtype=tf.int32)
