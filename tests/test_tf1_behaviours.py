"""Behaviours TF1 has that real programs rely on: string feeds come back as bytes, integer
reduce_mean truncates, softmax cross-entropy broadcasts labels of another shape."""

import numpy as np
import pytest

import minitf as tf


def test_string_feeds_and_fetches_are_bytes():
    p = tf.placeholder(tf.string, [None])
    q = tf.placeholder(tf.string)
    with tf.Session() as s:
        got = s.run([p, tf.identity(p), q, tf.constant("c")],
                    {p: ["u", b"v"], q: "h\u00e9"})
        assert got[0].tolist() == [b"u", b"v"] and got[1].tolist() == [b"u", b"v"]
        assert got[2] == b"h\xc3\xa9" and got[3] == b"c"
        assert s.run(p, {p: np.array(["a", "b"])}).tolist() == [b"a", b"b"]
        with pytest.raises(TypeError, match="not a string"):
            s.run(p, {p: [1, 2]})


def test_integer_reduce_mean_truncates_toward_zero():
    x = tf.constant([[1, 2], [-1, -2], [7, 8]])
    with tf.Session() as s:
        total, rows, cols = s.run([tf.reduce_mean(x), tf.reduce_mean(x, 1),
                                   tf.reduce_mean(x, 0, keepdims=True)])
        assert total == 2 and total.dtype == np.int32
        assert rows.tolist() == [1, -1, 7] and cols.tolist() == [[2, 2]]
        assert s.run(tf.reduce_mean(tf.constant([200, 100], tf.uint8))) == 150
        empty = s.run(tf.reduce_mean(tf.constant([], tf.int64)))
        assert empty == 0 and empty.dtype == np.int64


def _xent(labels, logits):
    m = logits.max(-1, keepdims=True)
    log_probs = logits - m - np.log(np.exp(logits - m).sum(-1, keepdims=True))
    return -(labels * log_probs).sum(-1)


@pytest.mark.parametrize("labels_shape,logits_shape,loss_shape", [
    ((1, 3), (4, 3), (4,)), ((3,), (4, 3), (4,)), ((2, 4, 3), (4, 3), (2, 4)),
    ((1, 1, 3), (2, 4, 3), (2, 4))])
def test_softmax_cross_entropy_broadcasts_labels(labels_shape, logits_shape, loss_shape):
    rng = np.random.RandomState(0)
    labels = rng.dirichlet(np.ones(3), size=labels_shape[:-1] or None).astype(np.float32)
    labels = labels.reshape(labels_shape)
    logits = rng.randn(*logits_shape).astype(np.float32)
    lab, log = tf.constant(labels), tf.constant(logits)
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=lab, logits=log)
    assert loss.shape.as_list() == list(loss_shape)
    d_logits, d_labels = tf.gradients(tf.reduce_sum(loss), [log, lab])
    assert d_logits.shape.as_list() == list(logits_shape)
    assert d_labels.shape.as_list() == list(labels_shape)
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(loss), _xent(labels, logits), rtol=1e-5)
    with pytest.raises(ValueError, match="logits and labels must have the same shape"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.ones([2, 3]), logits=tf.ones([4, 3]))


def test_a_constant_of_arbitrary_objects_is_a_type_error_not_a_string_tensor():
    # TF: "Failed to convert elements of ... to Tensor"; an object array of str/bytes stays a string
    for value in (object(), [object()], np.array([object(), "a"], dtype=object)):
        with pytest.raises(TypeError, match="Failed to convert elements of .* to Tensor"):
            tf.constant(value)
    assert tf.constant(np.array(["a", b"b"], dtype=object)).dtype == tf.string
