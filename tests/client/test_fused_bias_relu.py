"""relu(bias_add(x, b)) runs as one step (plan.fuse_bias_relu; one native pass on the host where
there are native kernels), with the bits of the two ops run apart (a traced run fuses nothing)."""

import numpy as np
import pytest

import minitf as tf
from minitf.ops import op_util


def fused_steps(sess):
    return [s for plan in sess._plans.values() for s in plan.steps
            if s.kind == "call" and s.group and s.op.type == "BiasAdd"]


def traced(sess, fetches, feed):
    return sess.run(fetches, feed, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                    run_metadata=tf.RunMetadata())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows", [3, op_util.NATIVE_MIN_ELEMENTS // 16])  # below and above
def test_bias_and_relu_run_as_one_step_with_the_same_bits(dtype, rows):
    rng = np.random.default_rng(4)
    x_value = rng.standard_normal((rows, 32)).astype(dtype)
    x_value[0, :6] = [np.nan, -0.0, 0.0, np.inf, -np.inf, 1e-45]
    tf.reset_default_graph()
    x = tf.placeholder(dtype, (None, 32))
    b = tf.Variable(rng.standard_normal(32).astype(dtype))
    w = tf.Variable(rng.standard_normal((32, 32)).astype(dtype))
    h = tf.nn.relu(tf.nn.bias_add(x, b))
    y = tf.matmul(h, w)
    grads = tf.gradients(tf.reduce_sum(y), [b, w])
    # the relu's values through an identity: a fetched value is not fused
    fetches = [h * 1, y] + grads
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fused = sess.run(fetches, {x: x_value})
        assert len(fused_steps(sess)) == 1
        apart = traced(sess, fetches, {x: x_value})
        for a, c in zip(fused, apart):
            assert a.tobytes() == c.tobytes()
        with np.errstate(invalid="ignore"):
            expected = np.maximum(x_value + sess.run(b), np.zeros(32, dtype))
        assert fused[0].tobytes() == expected.tobytes()


def test_a_bias_add_read_elsewhere_or_fetched_is_not_fused():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, 4))
    y = tf.nn.bias_add(x, tf.constant([1.0, -2.0, 3.0, -4.0]))
    r = tf.nn.relu(y)
    feed = {x: np.ones((2, 4), np.float32)}
    with tf.Session() as sess:
        out = sess.run([r, y], feed)  # y fetched
        assert fused_steps(sess) == []
        assert np.array_equal(out[0], np.maximum(out[1], 0))
    with tf.Session() as sess:
        sess.run(r + y, feed)  # y read by the relu and the add
        assert fused_steps(sess) == []
    with tf.Session() as sess:
        assert np.array_equal(sess.run(r * 2, feed), [[4, 0, 8, 0]] * 2)
        assert len(fused_steps(sess)) == 1


def test_nchw_bias_is_not_fused_and_errors_name_the_bias_add():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, 3, 2, 2))
    r = tf.nn.relu(tf.nn.bias_add(x, tf.constant([1.0, 2.0, 3.0]), data_format="NCHW"))
    with tf.Session() as sess:
        sess.run(r, {x: np.zeros((1, 3, 2, 2), np.float32)})
        assert fused_steps(sess) == []
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, None)
    b = tf.placeholder(tf.float32, None)
    r = tf.nn.relu(tf.nn.bias_add(x, b, name="the_bias")) * 2
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="the_bias"):
            sess.run(r, {x: np.zeros((2, 3), np.float32), b: np.zeros(4, np.float32)})
        assert len(fused_steps(sess)) == 1
