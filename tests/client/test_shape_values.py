"""Values computed from run-time shapes alone (a Shape, Size or Rank, and pure ops of such
values and constants: the Mean gradient's Size // Size for a batch of unknown size) keep their
last result while the shapes stay, and are computed again when a shape changes
(plan.shape_values)."""

import numpy as np
import pytest

import minitf as tf
from minitf.client import plan as plan_module

pytestmark = pytest.mark.usefixtures("fresh_graph")


def memoized_types(sess):
    return sorted(step.op.type for p in sess._plans.values()
                  for step in plan_module.shape_values(p.steps, set()))


@pytest.mark.numpy_engine
def test_mean_gradient_follows_the_batch_size():
    x = tf.placeholder(tf.float32, (None, 3))
    w = tf.Variable(np.ones((3, 2), np.float32))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    grad, = tf.gradients(loss, [w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for batch in (4, 4, 7, 4, 1, 7):
            value = np.arange(batch * 3, dtype=np.float32).reshape(batch, 3) / 10
            want = 2 * value.T @ (value @ np.ones((3, 2), np.float32)) / (batch * 2)
            np.testing.assert_allclose(sess.run(grad, {x: value}), want, rtol=1e-5)
        types = memoized_types(sess)
    assert "Size" in types and "Shape" in types and "FloorDiv" in types


def test_a_shape_that_depends_on_values_is_computed_again():
    x = tf.placeholder(tf.float32, (5,))
    kept = tf.boolean_mask(x, x > 0)
    n = tf.size(kept) * 2 + tf.shape(kept)[0]
    with tf.Session() as sess:
        for value in ([1, 2, 3, -1, -2], [1, -2, -3, -1, -2], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]):
            assert sess.run(n, {x: np.array(value, np.float32)}) == 3 * sum(
                v > 0 for v in value)


def test_fetched_values_are_fresh_arrays():
    x = tf.placeholder(tf.float32, (None, 2))
    s = tf.shape(x)
    double = s * 2
    with tf.Session() as sess:
        first, first_double = sess.run([s, double], {x: np.zeros((3, 2), np.float32)})
        first[0] = 99  # the caller owns what it fetched
        first_double[0] = 99
        again, again_double = sess.run([s, double], {x: np.zeros((3, 2), np.float32)})
        assert again.tolist() == [3, 2] and again_double.tolist() == [6, 4]


def test_what_a_stateful_op_reads_is_not_kept():
    x = tf.placeholder(tf.float32, (None,))
    size = tf.size(x) + 0
    queue = tf.FIFOQueue(10, tf.int32, shapes=[()])
    enqueue = queue.enqueue(size)
    with tf.Session() as sess:
        plan = None
        sess.run(enqueue, {x: np.zeros(3, np.float32)})
        plan, = sess._plans.values()
        memo = plan_module.shape_values(plan.steps, set())
        assert sorted(step.op.type for step in memo) == ["Size"]  # not the Add the queue keeps
        sess.run(enqueue, {x: np.zeros(5, np.float32)})
        assert sess.run(queue.dequeue_many(2)).tolist() == [3, 5]
