"""Run under mpiexec by test_horovod.py: how a job fails. argv[1] is the scenario:
raise     rank 1 raises mid-training; the job must end (MPI_Abort), not hang;
mismatch  ranks allreduce tensors of different shapes under one name: every rank gets
          InvalidArgumentError naming the tensor and the ranks (caught and printed here);
          then the same once the ranks expect a collective (after steps that agreed, when
          they send data without an agreement round): ranks 1.. feed other shapes, then they
          run another collective while rank 0 sends the expected data; the job goes on;
stall     rank 1 never joins a collective; rank 0 gives up after
          HOROVOD_STALL_SHUTDOWN_TIME_SECONDS with DeadlineExceededError, ending the job;
stall-expected  the same after 4 steps, when rank 0 sends the data of the collective it expects
          without an agreement round."""

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
        x = tf.placeholder(tf.float32, [None])
        late = hvd.grouped_allreduce([x, x * 2], name="late")
        other = hvd.broadcast(tf.ones([3]), 0, name="other")
        job = hvd.basics._job

        def steps(count):
            for _ in range(count):
                a, b = sess.run(late, {x: np.full(3, r + 1.0, "float32")})
                mean = (hvd.size() + 1) / 2  # of 1, 2, ..., size
                np.testing.assert_allclose(a, np.full(3, mean, "float32"), rtol=1e-6)
                np.testing.assert_allclose(b, np.full(3, 2 * mean, "float32"), rtol=1e-6)

        with tf.Session() as sess:
            for attempt in ("shape", "collective"):
                fast = job.fast_steps
                steps(5)
                assert job.fast_steps - fast >= 2, (attempt, job.fast_steps - fast)
                assert job.expected is not None  # the next step goes without agreement
                try:
                    if attempt == "shape":
                        sess.run(late, {x: np.ones(3 + r, "float32")})
                    else:
                        sess.run(late if r == 0 else other, {x: np.ones(3, "float32")})
                except tf.errors.InvalidArgumentError as e:
                    print("rank %d caught when expected (%s): %s" % (r, attempt, e.message))
                steps(3)  # the job goes on
        print("mismatch scenario done on rank %d" % r)
        sys.stdout.flush()
    elif scenario in ("stall", "stall-expected"):
        t = hvd.allreduce(tf.ones([3]), name="lonely")
        with tf.Session() as sess:
            if scenario == "stall-expected":
                for _ in range(4):
                    sess.run(t)
                assert hvd.basics._job.expected is not None
            if r == 1:
                time.sleep(60)  # never joins; the abort from rank 0 ends this process
            sess.run(t)


if __name__ == "__main__":
    main(sys.argv[1])
