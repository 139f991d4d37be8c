"""tf.vectorized_map: values, structure and static shapes as TF 2.21's compat.v1 printed them
for the same programs (run by hand); minitf runs fn in a while loop where TF vectorizes."""

import numpy as np
import pytest

import minitf as tf


def test_structure_shapes_and_values():
    x = tf.placeholder(tf.float32, [None, 3])
    total, doubled = tf.vectorized_map(lambda r: (tf.reduce_sum(r), r * 2), x)
    assert (total.shape.as_list(), doubled.shape.as_list()) == ([None], [None, 3])
    known = tf.vectorized_map(lambda r: tf.reduce_sum(r), tf.constant(np.ones((4, 3), np.float32)))
    assert known.shape.as_list() == [4]
    with tf.Session() as sess:
        t, d = sess.run([total, doubled], {x: np.arange(6.0).reshape(2, 3)})
        np.testing.assert_array_equal(t, [3.0, 12.0])
        np.testing.assert_array_equal(d, [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]])
        np.testing.assert_array_equal(sess.run(known), [3.0] * 4)


def test_gradients_flow_and_errors_are_clear():
    x = tf.constant(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    y = tf.vectorized_map(lambda r: tf.reduce_sum(r * r), x)
    (g,) = tf.gradients(tf.reduce_sum(y), x)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(g), 2 * np.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError, match="1\\+ dimensional"):  # TF: an IndexError
        tf.vectorized_map(lambda r: r, tf.constant(1.0))
    with pytest.raises(ValueError, match="no vectorizing rewrite"):
        tf.vectorized_map(lambda r: r, x, fallback_to_while_loop=False)
