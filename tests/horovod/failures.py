"""Run under mpiexec by test_horovod.py: how a job fails. argv[1] is the scenario:
raise     rank 1 raises mid-training; the job must end (MPI_Abort), not hang;
mismatch  ranks allreduce tensors of different shapes under one name: every rank gets
          InvalidArgumentError naming the tensor and the ranks (caught and printed here);
stall     rank 1 never joins a collective; rank 0 gives up after
          HOROVOD_STALL_SHUTDOWN_TIME_SECONDS with DeadlineExceededError, ending the job."""

import sys
import time

import numpy as np

import minitf as tf
import minitf.horovod as hvd


def main(scenario):
    hvd.init()
    r = hvd.rank()
    if scenario == "raise":
        x = tf.Variable(np.ones(4, "float32"))
        step = x.assign(hvd.allreduce(x))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i in range(1000):
                if r == 1 and i == 3:
                    raise RuntimeError("rank 1 fails at step 3")
                sess.run(step)
    elif scenario == "mismatch":
        t = hvd.allreduce(tf.ones([3 + r]), name="grads")
        with tf.Session() as sess:
            try:
                sess.run(t)
            except tf.errors.InvalidArgumentError as e:
                print("rank %d caught: %s" % (r, e.message))
        sys.stdout.flush()
    elif scenario == "stall":
        t = hvd.allreduce(tf.ones([3]), name="lonely")
        with tf.Session() as sess:
            if r == 1:
                time.sleep(60)  # never joins; the abort from rank 0 ends this process
            sess.run(t)


if __name__ == "__main__":
    main(sys.argv[1])
