"""A MatMul whose b no op of the plan writes (an inference plan's weights, a constant) lets
each thread of the compiled product pack b for itself (plan.stable_products, MatMul.bind's
stable_b, ops/gemm.py own_b); a training step's products, whose weights its updates write,
keep the shared packing. The values are the same either way."""

import numpy as np
import pytest

import minitf as tf
from minitf.client import plan as plan_module
from minitf.ops import gemm

pytestmark = pytest.mark.skipif(gemm.kernel() is None, reason="no compiled product here")


@pytest.fixture
def products(monkeypatch):
    """Records own_b of each call of the compiled product."""
    compiled, calls = gemm.kernel(), []

    def recording(*args, **kwargs):
        calls.append(kwargs.get("own_b", False))
        return compiled(*args, **kwargs)
    monkeypatch.setattr(gemm, "kernel", lambda: recording)
    return calls


def mlp(train):
    rng = np.random.default_rng(5)
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, 64))
    y = tf.placeholder(tf.int64, (None,))
    w1 = tf.Variable(rng.standard_normal((64, 48)).astype(np.float32) * 0.1)
    b1 = tf.Variable(np.zeros(48, np.float32))
    w2 = tf.constant(rng.standard_normal((48, 40)).astype(np.float32) * 0.1)
    h = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, w1), b1))
    logits = tf.matmul(h, w2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    fetch = tf.train.AdamOptimizer(1e-3).minimize(loss) if train else logits
    feed = {x: rng.standard_normal((300, 64)).astype(np.float32),
            y: rng.integers(0, 40, 300)}
    return fetch, loss, feed, w1


def stable_names(sess):
    return sorted(s.op.name for plan in sess._plans.values()
                  for s in plan_module.stable_products(plan.steps))


def test_an_inference_plan_packs_its_weights_per_thread_and_a_training_step_does_not(
        products):
    fetch, loss, feed, w1 = mlp(train=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(fetch, feed)
        assert stable_names(sess) == ["MatMul", "MatMul_1"]
        assert products and all(products)
    fetch, loss, feed, w1 = mlp(train=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        del products[:]
        sess.run(fetch, feed)
        # w1 is written by the step's update; the constant w2 is not, but its products are
        # the forward one (stable) and the gradients' (b a temporary or w2 transposed)
        assert "MatMul" not in stable_names(sess)
        assert "MatMul_1" in stable_names(sess)
        assert products.count(True) < len(products)


def test_the_values_are_those_of_the_shared_packing(monkeypatch):
    fetch, loss, feed, w1 = mlp(train=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        own = sess.run(fetch, feed)
    monkeypatch.setattr(plan_module, "stable_products", lambda steps: set())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        shared = sess.run(fetch, feed)
    assert own.tobytes() == shared.tobytes()


def test_a_variable_written_by_another_plan_between_runs_is_read_as_it_is_now():
    """Whether b is stable is the plan's view: another run that assigns the weights in
    between is seen by the next inference run."""
    fetch, loss, feed, w1 = mlp(train=False)
    new = tf.placeholder(tf.float32, (64, 48))
    assign = tf.assign(w1, new)
    x_value = next(v for v in feed.values() if v.dtype == np.float32)
    value = np.random.default_rng(9).standard_normal((64, 48)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(fetch, feed)
        sess.run(assign, {new: value})
        after = sess.run(fetch, feed)
        w2 = sess.run(fetch.op.inputs[1])
    expected = np.maximum(x_value.astype(np.float64) @ value, 0) @ w2
    np.testing.assert_allclose(after, expected, rtol=1e-4, atol=1e-4)
    assert not np.allclose(before, after)
