"""relu(bias_add(matmul(a, b), bias)) and bias_add(matmul(a, b), bias) run as one step on the
host (plan.fuse_matmul_bias: the compiled product adds the bias and takes the relu as it
writes each element), and so does a ReLU layer's input gradient, ReluGrad(matmul(dy, w.T),
features) (plan.fuse_matmul_relu_grad), with the bits of the ops run apart (a traced run
fuses nothing)."""

import numpy as np
import pytest

import minitf as tf
from minitf.ops import gemm

pytestmark = pytest.mark.skipif(gemm.kernel() is None, reason="no compiled product here")


def fused_groups(sess):
    return [[op.type for op in s.group] for plan in sess._plans.values() for s in plan.steps
            if s.kind == "call" and s.group and s.op.type == "MatMul"]


def traced(sess, fetches, feed):
    return sess.run(fetches, feed, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                    run_metadata=tf.RunMetadata())


@pytest.mark.parametrize("rows", [300, 20])  # the compiled product's, and numpy's below it
@pytest.mark.parametrize("transpose_b", [False, True])
def test_a_dense_layer_runs_as_one_step_with_the_same_bits(rows, transpose_b):
    rng = np.random.default_rng(8)
    x_value = rng.standard_normal((rows, 64)).astype(np.float32)
    x_value[0, :4] = [np.nan, -0.0, np.inf, -np.inf]
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, 64))
    w1 = tf.Variable(rng.standard_normal((40, 64) if transpose_b else (64, 40))
                     .astype(np.float32))
    b1 = tf.Variable(rng.standard_normal(40).astype(np.float32))
    w2 = tf.Variable(rng.standard_normal((40, 10)).astype(np.float32))
    b2 = tf.Variable(rng.standard_normal(10).astype(np.float32))
    h = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, w1, transpose_b=transpose_b), b1))
    logits = tf.nn.bias_add(tf.matmul(h, w2), b2)
    loss = tf.reduce_sum(logits ** 2)
    grads = tf.gradients(loss, [w1, b1, w2, b2])
    fetches = [logits, loss] + grads
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with np.errstate(invalid="ignore"):
            fused = sess.run(fetches, {x: x_value})
        # the hidden layer with its relu, the logits without (a fetch is never fused: the
        # logits' BiasAdd is fetched, so its product runs alone); the hidden layer's gradient
        # product with its ReluGrad
        assert fused_groups(sess) == [["MatMul", "BiasAdd", "Relu"], ["MatMul", "ReluGrad"]]
        apart = traced(sess, fetches, {x: x_value})
        for a, c in zip(fused, apart):
            assert a.tobytes() == c.tobytes()
        w1_value, b1_value, w2_value, b2_value = sess.run([w1, b1, w2, b2])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(logits * 1, {x: x_value})
        assert fused_groups(sess) == [["MatMul", "BiasAdd", "Relu"], ["MatMul", "BiasAdd"]]
        assert out.tobytes() == fused[0].tobytes()
    # (row 0 holds the NaN and infinities)
    h_exact = np.maximum(x_value[1:].astype(np.float64) @ (w1_value.T if transpose_b else
                                                           w1_value) + b1_value, 0)
    np.testing.assert_allclose(out[1:], h_exact @ w2_value + b2_value, rtol=1e-4, atol=1e-3)


def test_what_is_read_elsewhere_fetched_or_of_unknown_length_is_not_fused():
    rng = np.random.default_rng(9)
    feed_value = rng.standard_normal((300, 32)).astype(np.float32)
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, 32))
    w = tf.constant(rng.standard_normal((32, 48)).astype(np.float32))
    b = tf.constant(rng.standard_normal(48).astype(np.float32))
    z = tf.matmul(x, w)
    y = tf.nn.bias_add(z, b)
    r = tf.nn.relu(y)
    with tf.Session() as sess:
        out = sess.run([r, z], {x: feed_value})  # the product fetched
        assert fused_groups(sess) == []
        assert np.array_equal(out[0], np.maximum(out[1] + sess.run(b), 0))
    with tf.Session() as sess:
        sess.run(r * 2 + y, {x: feed_value})  # the bias add read by the relu and the add
        assert fused_groups(sess) == [["MatMul", "BiasAdd"]]
    with tf.Session() as sess:
        sess.run(r * 2 + z, {x: feed_value})  # the product read twice
        assert fused_groups(sess) == []
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, 32))
    bias = tf.placeholder(tf.float32, None)  # its length known only when fed
    r = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, tf.ones((32, 48))), bias, name="the_bias")) * 2
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="the_bias"):
            sess.run(r, {x: feed_value, bias: np.zeros(40, np.float32)})
        assert fused_groups(sess) == []
    tf.reset_default_graph()
    x = tf.placeholder(tf.float64, (None, 32))
    r = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, tf.ones((32, 48), tf.float64)),
                                  tf.ones(48, tf.float64))) * 2
    with tf.Session() as sess:
        sess.run(r, {x: feed_value.astype(np.float64)})
        assert fused_groups(sess) == []  # (float64: no compiled product)


@pytest.mark.parametrize("hidden, classes", [(64, 1100), (20, 1100), (256, 16)])
def test_a_relu_layers_input_gradient_runs_as_one_step_with_the_same_bits(hidden, classes):
    """The gradient product over more than one block of K (1100 > 1024: the features are read
    after partial sums were written), narrow (20 columns) and wide. (Special values: in
    tests/test_gemm.py, where they do not spread to every element of the result.)"""
    rng = np.random.default_rng(hidden + classes)
    x_value = rng.standard_normal((300, 32)).astype(np.float32)
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, 32))
    w1 = tf.Variable(rng.standard_normal((32, hidden)).astype(np.float32))
    w2 = tf.Variable(rng.standard_normal((hidden, classes)).astype(np.float32))
    h = tf.nn.relu(tf.matmul(x, w1))
    loss = tf.reduce_sum(tf.matmul(h, w2) ** 2)
    (dw1,) = tf.gradients(loss, [w1])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fused = sess.run(dw1, {x: x_value})
        assert fused_groups(sess) == [["MatMul", "ReluGrad"]]
        calls = gemm.calls[0]
        sess.run(dw1, {x: x_value})
        assert gemm.calls[0] > calls
        apart = traced(sess, dw1, {x: x_value})
        assert fused.tobytes() == apart.tobytes()
        w1_value, w2_value = sess.run([w1, w2])
    xs = x_value.astype(np.float64)
    z = xs @ w1_value
    dz = (2 * np.maximum(z, 0) @ w2_value) @ w2_value.T * (z > 0)
    exact = xs.T @ dz
    np.testing.assert_allclose(fused, exact, rtol=2e-3, atol=2e-3 * np.abs(exact).max())


def test_a_relu_gradient_of_another_shape_or_read_twice_is_not_fused():
    rng = np.random.default_rng(10)
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (300, 32))
    w1 = tf.Variable(rng.standard_normal((32, 48)).astype(np.float32))
    w2 = tf.Variable(rng.standard_normal((48, 64)).astype(np.float32))
    h = tf.nn.relu(tf.matmul(x, w1))
    y = tf.matmul(h, w2)
    dh, dw1 = tf.gradients(tf.reduce_sum(y ** 2), [h, w1])
    feed = {x: rng.standard_normal((300, 32)).astype(np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([dw1, dh], feed)  # the gradient product fetched
        assert fused_groups(sess) == []
        sess.run(dw1, feed)
        assert fused_groups(sess) == [["MatMul", "ReluGrad"]]
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, 32))
    a = tf.placeholder(tf.float32, (None, None))  # a shape not known to be the product's
    w = tf.constant(rng.standard_normal((32, 48)).astype(np.float32))
    dx = tf.nn.relu(a)
    grad = tf.gradients(dx, a, grad_ys=tf.matmul(x, w))[0]
    with tf.Session() as sess:
        value = rng.standard_normal((300, 48)).astype(np.float32)
        out = sess.run(grad, {x: feed[next(iter(feed))], a: value})
        assert fused_groups(sess) == []
        expected = (feed[next(iter(feed))] @ sess.run(w)) * (value > 0)
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("units", [64, 10, 1100])  # wide, narrow (16-column tiles), > NC/KC
def test_a_dense_layers_weight_and_bias_gradients_run_as_one_step(units):
    """x^T @ dz and BiasAddGrad(dz) as one step: the bias gradient summed over dz's rows in
    order as the product packs dz, the weight gradient the product's own bits."""
    rng = np.random.default_rng(units)
    x_value = rng.standard_normal((600, 300)).astype(np.float32)
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, 300))
    w = tf.Variable(rng.standard_normal((300, units)).astype(np.float32) * 0.1)
    b = tf.Variable(rng.standard_normal(units).astype(np.float32))
    z = tf.nn.bias_add(tf.matmul(x, w), b)
    loss = tf.reduce_sum(tf.sin(z))
    dw, db = tf.gradients(loss, [w, b])
    (dz,) = tf.gradients(loss, [z])
    dw, db = dw * 1.0, db * 1.0  # (what a step fetches is not fused: these read the pair)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fused_w, fused_b = sess.run([dw, db], {x: x_value})
        groups = [[op.type for op in s.group] for plan in sess._plans.values()
                  for s in plan.steps if s.kind == "call" and s.group]
        assert ["MatMul", "BiasAddGrad"] in groups
        apart_w, apart_b, dz_value = traced(sess, [dw, db, dz], {x: x_value})
    assert fused_w.tobytes() == apart_w.tobytes()
    ordered = np.zeros(units, np.float32)
    for row in dz_value:
        ordered += row
    assert fused_b.tobytes() == ordered.tobytes()
    np.testing.assert_allclose(fused_b, apart_b, rtol=1e-5, atol=1e-4)


def test_a_pooled_weight_gradient_is_written_into_the_pool_s_array():
    """A fused step of two outputs draws its first (4 MB and more) from the buffer pool, as
    the product alone did (client/buffers.py drawing_from)."""
    rng = np.random.default_rng(13)
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (256, 1024))
    w = tf.Variable(rng.standard_normal((1024, 1024)).astype(np.float32) * 0.01)
    b = tf.Variable(np.zeros(1024, np.float32))
    loss = tf.reduce_sum(tf.nn.bias_add(tf.matmul(x, w), b) ** 2)
    step = tf.train.GradientDescentOptimizer(1e-4).minimize(loss)
    feed = {x: rng.standard_normal((256, 1024)).astype(np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        pool = sess._state.buffers
        taken, original = [], pool.take
        pool.take = lambda key: taken.append(key) or original(key)
        for _ in range(3):
            sess.run(step, feed)
        groups = [[op.type for op in s.group] for plan in sess._plans.values()
                  for s in plan.steps if s.kind == "call" and s.group]
        assert ["MatMul", "BiasAddGrad"] in groups
        assert ((1024, 1024), np.dtype(np.float32)) in taken
