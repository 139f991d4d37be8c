"""A save killed at any point (SIGKILL, no cleanup) leaves the previous checkpoint loadable and the
`checkpoint` state file naming complete checkpoints only."""

import os
import random
import select
import signal
import time

import numpy as np
import pytest

import minitf as tf

SIZE = 250_000  # ~1 MB of float32: a save takes long enough to be killed in the middle
ITERATIONS = 20


def check_consistent(directory, graph, saver, variables):
    """Everything the state file names loads, with the values of the step in its name."""
    latest = tf.train.latest_checkpoint(directory)
    assert latest is not None
    state = tf.train.get_checkpoint_state(directory)
    assert state.all_model_checkpoint_paths[-1] == latest
    for prefix in state.all_model_checkpoint_paths:
        step = int(prefix.rsplit("-", 1)[1])
        reader = tf.train.NewCheckpointReader(prefix)  # checks every block CRC of the index
        assert reader.get_tensor("step") == step
        big = reader.get_tensor("big")  # checks the data CRC
        assert big[0] == step and big[-1] == step
    sess = tf.Session(graph=graph)
    saver.restore(sess, latest)
    big, step = sess.run(variables)
    assert step == int(latest.rsplit("-", 1)[1]) and np.all(big == step)
    return step


@pytest.mark.numpy_engine
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_sigkill_during_saves_never_breaks_the_latest_checkpoint(tmp_path):
    directory = str(tmp_path)
    prefix = os.path.join(directory, "model.ckpt")
    with tf.Graph().as_default() as graph:
        big = tf.Variable(np.zeros(SIZE, np.float32), name="big")
        step_var = tf.Variable(0, dtype=tf.int64, name="step")
        value = tf.placeholder(tf.float32, [], name="value")
        update = tf.group(big.assign(tf.fill([SIZE], value)),
                          step_var.assign(tf.cast(value, tf.int64)))
        saver = tf.train.Saver(max_to_keep=3)
    sess = tf.Session(graph=graph)
    sess.run(update, {value: 0.0})
    saver.save(sess, prefix, global_step=0)

    rng = random.Random(1234)
    step = 0
    kills_during_save = 0
    temporary = set()
    for _ in range(ITERATIONS):
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: resume like a restarted job, then save in a loop until killed
            try:
                os.close(ready_r)
                child = tf.Session(graph=graph)
                state = tf.train.get_checkpoint_state(directory)
                saver.recover_last_checkpoints(list(state.all_model_checkpoint_paths))
                s = step
                while True:
                    s += 1
                    child.run(update, {value: float(s)})
                    saver.save(child, prefix, global_step=s)
                    if ready_w is not None:  # from now on the child is always inside a save
                        os.write(ready_w, b"x")
                        os.close(ready_w)
                        ready_w = None
            finally:
                os._exit(0)
        os.close(ready_w)
        try:
            assert select.select([ready_r], [], [], 20)[0], "the child never finished a save"
            time.sleep(rng.uniform(0.0, 0.02))
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(ready_r)
        leftovers = {f for f in os.listdir(directory) if "tempstate" in f}
        kills_during_save += bool(leftovers - temporary)
        temporary |= leftovers
        new_step = check_consistent(directory, graph, saver, [big, step_var])
        assert new_step >= step
        step = new_step
    assert step > 0, "the children never completed a save"
    # Kills land inside saves often (temporary files left behind): the test exercised them.
    assert kills_during_save > 0
