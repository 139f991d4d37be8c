"""Keras's cross-entropies of a Softmax (Sigmoid) output use the op's logits, as tf.keras does:
no clipping, so a confidently wrong output still has its full loss and gradient."""

import numpy as np
import pytest

import minitf as tf
from minitf.keras import backend as K
from minitf.keras import losses


@pytest.mark.parametrize("name, activation, target", [
    ("categorical_crossentropy", tf.nn.softmax, [[0.0, 1.0, 0.0]]),
    ("sparse_categorical_crossentropy", tf.nn.softmax, [1]),
    ("binary_crossentropy", tf.sigmoid, [[0.0, 1.0, 1.0]]),
])
def test_saturated_outputs_keep_their_loss_and_gradient(name, activation, target):
    K.clear_session()
    logits = tf.constant([[40.0, -40.0, 0.0]])
    loss = tf.reduce_sum(losses.get(name)(tf.constant(target, tf.float32), activation(logits)))
    grad = tf.gradients(loss, logits)[0]
    if name == "binary_crossentropy":
        expected_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
            labels=tf.constant(target), logits=logits))  # Keras's loss: the mean over the last axis
    else:
        expected_loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits_v2(
            labels=tf.constant([[0.0, 1.0, 0.0]]), logits=logits))
    with tf.Session() as s:
        got, want, g = s.run([loss, expected_loss, grad])
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert got > 26  # clipping at 1e-7 would cap the loss near 16 (binary: 11)
    assert np.abs(g).max() > 0.3  # and kill the gradient (binary: the mean of three)


def test_probabilities_not_made_by_softmax_are_clipped_as_keras_does():
    K.clear_session()
    probabilities = tf.constant([[1.0, 0.0, 0.0]])
    loss = K.categorical_crossentropy(tf.constant([[0.0, 1.0, 0.0]]), probabilities)
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(loss), [-np.log(1e-7)], rtol=1e-5)
