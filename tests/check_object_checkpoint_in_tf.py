"""The by-hand check that TensorFlow restores the object-based checkpoints minitf writes
(tests cannot import TensorFlow). Two steps, from the repository root:

    python tests/check_object_checkpoint_in_tf.py write /tmp/obj_ckpt      # minitf saves
    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/check_object_checkpoint_in_tf.py \
        check /tmp/obj_ckpt

`write` runs tests/checkpoint_programs.py's program for two Adam steps with minitf, saves it
with tf.train.CheckpointManager and records the variables' values. `check` builds the same
program in TensorFlow (other initial values), restores minitf's latest checkpoint with
tf.train.Checkpoint, asserts that the checkpoint and the program match both ways
(assert_consumed) and raises unless every variable, slot and the save counter hold minitf's
values.
"""

import json
import os
import shutil
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TESTS)
import checkpoint_programs  # noqa: E402


def write(directory):
    sys.path.insert(0, os.path.dirname(TESTS))
    import minitf as tf
    shutil.rmtree(directory, ignore_errors=True)
    with tf.Graph().as_default():
        ckpt, train, variables = checkpoint_programs.build(tf)
        manager = tf.train.CheckpointManager(ckpt, directory, max_to_keep=1)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(2):
                sess.run(train)
                manager.save()
            want = {k: sess.run(v).tolist() for k, v in variables.items()}
    with open(os.path.join(directory, "want.json"), "w") as f:
        json.dump(want, f)


def check(directory):
    import numpy as np
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    with open(os.path.join(directory, "want.json")) as f:
        want = json.load(f)
    path = tf.train.latest_checkpoint(directory)
    with tf.Graph().as_default():
        ckpt, _, variables = checkpoint_programs.build(tf, scale=3.0)
        status = ckpt.restore(path)
        with tf.Session() as sess:
            status.run_restore_ops(sess)
            status.assert_consumed()
            for name, var in variables.items():
                np.testing.assert_array_equal(sess.run(var), np.asarray(want[name]), name)
            assert sess.run(ckpt.save_counter) == 2
    print("TensorFlow restored %s: %d variables and the save counter match" % (path, len(want)))


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
