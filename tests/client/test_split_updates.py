"""A large variable's update (ApplyOp of SPLIT_MIN_ELEMENTS * 2 elements or more) splits over
the intra-op workers when the run allows several threads: the formula is elementwise, so every
optimizer gives the same bytes at one and at two threads."""

import numpy as np
import pytest

import minitf as tf
from minitf import workers
from minitf.train.training_ops import ApplyOp

from tests.client.test_grouped_slot_updates import OPTIMIZERS

pytestmark = [pytest.mark.usefixtures("fresh_graph"), pytest.mark.numpy_engine]

OPTIMIZERS = dict(OPTIMIZERS, sgd=lambda: tf.train.GradientDescentOptimizer(0.1))
ROWS, COLS = 700, 1000  # 700,000 elements: two chunks


def trajectory(make_optimizer, participants, calls):
    with tf.Graph().as_default():
        return _trajectory(make_optimizer, participants, calls)


def _trajectory(make_optimizer, participants, calls):
    rng = np.random.default_rng(0)
    w = tf.Variable(rng.standard_normal((ROWS, COLS)).astype(np.float32))
    small = tf.Variable(rng.standard_normal(10).astype(np.float32))
    x = tf.placeholder(tf.float32, (ROWS, COLS))
    loss = tf.reduce_sum(tf.square(w * x)) + tf.reduce_sum(small * small)
    step = make_optimizer().minimize(loss)
    slots = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        original = workers.split

        def counting(count, fn, grain=1):
            calls.append((count, grain))
            return original(count, fn, grain)
        workers.split = counting
        try:
            with workers.using(participants):  # (a plan without BLAS: the policy leaves it)
                for i in range(3):
                    sess.run(step, {x: rng.uniform(-1, 1, (ROWS, COLS)).astype(np.float32)})
        finally:
            workers.split = original
        values = sess.run([w, small] + [v for v in tf.global_variables()
                                          if v not in (w, small)])
    return [np.asarray(v).tobytes() for v in values]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_split_update_gives_the_same_bytes(name):
    one, two = [], []
    assert ROWS * COLS >= 2 * ApplyOp.SPLIT_MIN_ELEMENTS
    assert trajectory(OPTIMIZERS[name], 1, one) == trajectory(OPTIMIZERS[name], 2, two)
    assert not one  # one thread: nothing splits
    assert (ROWS * COLS, ROWS * COLS // 2) in two  # two chunks
