"""Run under mpiexec by test_horovod.py: Horovod's canonical TF1 script shape, a model of one
variable trained with hvd.DistributedOptimizer inside tf.train.MonitoredTrainingSession, with
hvd.BroadcastGlobalVariablesHook(0) and a StopAtStepHook; only rank 0 checkpoints. Ranks start
from different weights and each sees its own half of the data: after the broadcast and the
averaged gradients they hold the same weights, the least-squares solution."""

import sys

import numpy as np

import minitf as tf
import minitf.horovod as hvd


def main(checkpoint_dir):
    hvd.init()
    data = np.random.RandomState(0).randn(256, 4).astype(np.float32)
    truth = np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32)
    shard = slice(hvd.rank() * 256 // hvd.size(), (hvd.rank() + 1) * 256 // hvd.size())
    x, y = tf.placeholder(tf.float32, [None, 4]), tf.placeholder(tf.float32, [None, 1])
    w = tf.Variable(np.random.RandomState(hvd.rank() + 1).randn(4, 1).astype(np.float32))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    step = tf.train.get_or_create_global_step()
    opt = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1))
    train = opt.minimize(loss, global_step=step)
    hooks = [hvd.BroadcastGlobalVariablesHook(0), tf.train.StopAtStepHook(last_step=150)]
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=checkpoint_dir if hvd.rank() == 0 else None, hooks=hooks) as sess:
        while not sess.should_stop():
            _, weights = sess.run([train, w], {x: data[shard], y: data[shard] @ truth})
    np.testing.assert_allclose(weights, truth, atol=1e-4)
    print("monitored OK on rank %d: %s" % (hvd.rank(), weights.ravel().tolist()))


if __name__ == "__main__":
    main(sys.argv[1])
