"""Run under mpiexec by test_horovod.py: data-parallel training equals single-process training.

Every rank trains the digits MLP on its 1/N of each global batch with hvd.DistributedOptimizer;
rank 0 also trains the same model alone on the whole global batches. After 20 Adam steps the
weights must agree. Before training, ranks start from different random weights and
broadcast_global_variables(0) must make them rank 0's; after training, rank 0 saves a
checkpoint that the other ranks restore (only rank 0 writes)."""

import os
import sys

import numpy as np

import minitf as tf
import minitf.horovod as hvd
from minitf.datasets import load_digits

GLOBAL_BATCH = 48  # divisible by 2 and 3
STEPS = 20


def model(x, y, seed):
    rng = np.random.default_rng(seed)
    w1 = tf.Variable(rng.standard_normal((64, 32)).astype("float32") * 0.1, name="w1")
    b1 = tf.Variable(np.zeros(32, "float32"), name="b1")
    w2 = tf.Variable(rng.standard_normal((32, 10)).astype("float32") * 0.1, name="w2")
    b2 = tf.Variable(np.zeros(10, "float32"), name="b2")
    logits = tf.matmul(tf.nn.relu(tf.matmul(x, w1) + b1), w2) + b2
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return loss, [w1, b1, w2, b2]


def batches():
    (images, labels), _ = load_digits()
    for step in range(STEPS):
        i = step * GLOBAL_BATCH
        yield images[i:i + GLOBAL_BATCH], labels[i:i + GLOBAL_BATCH].astype("int32")


def train_alone():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 64])
        y = tf.placeholder(tf.int32, [None])
        loss, weights = model(x, y, seed=0)
        step = tf.train.AdamOptimizer(0.01).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for xs, ys in batches():
                sess.run(step, {x: xs, y: ys})
            return sess.run(weights)


def main(ckpt_dir):
    hvd.init()
    r, n = hvd.rank(), hvd.size()
    x = tf.placeholder(tf.float32, [None, 64])
    y = tf.placeholder(tf.int32, [None])
    loss, weights = model(x, y, seed=100 + r)  # a different start on every rank
    opt = hvd.DistributedOptimizer(tf.train.AdamOptimizer(0.01))
    step = opt.minimize(loss)
    bcast = hvd.broadcast_global_variables(0)
    gathered = hvd.allgather(tf.reshape(weights[0], [1, -1]))
    saver = tf.train.Saver(weights)
    barrier = hvd.allreduce(tf.constant(1.0), name="barrier")
    assert any(op.type == "HorovodGroupedAllreduce" for op in tf.get_default_graph().get_operations())

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(gathered)
        assert not np.allclose(before[0], before[1]), "ranks should start apart"
        sess.run(bcast)
        after = sess.run(gathered)
        for k in range(n):
            np.testing.assert_array_equal(after[k], after[0])
        # Start from the single-process run's weights: loaded on rank 0, broadcast to all.
        start = model_start(0)
        if r == 0:
            for v, s in zip(weights, start):
                v.load(s, sess)
        sess.run(bcast)
        share = GLOBAL_BATCH // n
        for xs, ys in batches():
            sess.run(step, {x: xs[r * share:(r + 1) * share], y: ys[r * share:(r + 1) * share]})
        mine = sess.run(weights)
        if r == 0:
            alone = train_alone()
            for a, b in zip(mine, alone):
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
            assert not np.allclose(mine[0], start[0])  # training moved the weights
            saver.save(sess, os.path.join(ckpt_dir, "model"))
        sess.run(barrier)  # the checkpoint exists once every rank is past this collective
        if r != 0:
            for v in weights:
                v.load(np.zeros(v.shape.as_list(), "float32"), sess)
            saver.restore(sess, os.path.join(ckpt_dir, "model"))
        restored = sess.run(gathered)
        for k in range(n):
            np.testing.assert_array_equal(restored[k], mine[0].reshape(1, -1)[0])
    written = sorted(os.listdir(ckpt_dir))
    print("train OK on rank %d of %d; checkpoint files %s" % (r, n, written))
    sys.stdout.flush()


def model_start(seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((64, 32)).astype("float32") * 0.1, np.zeros(32, "float32"),
            rng.standard_normal((32, 10)).astype("float32") * 0.1, np.zeros(10, "float32")]


if __name__ == "__main__":
    main(sys.argv[1])
