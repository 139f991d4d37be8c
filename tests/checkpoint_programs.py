"""The object-based checkpoint program that tests/record_tf_object_checkpoint.py runs in
TensorFlow and tests/train/test_object_checkpoint.py in minitf, written once for both (`tf` is
either module)."""

import os

import numpy as np

KERNEL = (np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5) / 4
BIAS = np.array([0.5, -1.0, 0.25], np.float32)
X = np.array([[1.0, 2.0], [-0.5, 0.75]], np.float32)


def build(tf, scale=1.0):
    """A dense layer (kernel and bias under 'dense/'), a step counter, an Adam optimizer that
    trains the layer, and the Checkpoint of them: model (a nested Checkpoint holding layer, one
    more Checkpoint), optimizer, step. `scale` multiplies the initial values (a program that
    restores starts from others). Returns (checkpoint, train op, {name: variable})."""
    kernel = tf.get_variable("dense/kernel", initializer=KERNEL * np.float32(scale))
    bias = tf.get_variable("dense/bias", initializer=BIAS * np.float32(scale))
    step = tf.Variable(np.int64(7 * scale), name="step", trainable=False)
    loss = tf.reduce_sum(tf.square(tf.matmul(tf.constant(X), kernel) + bias))
    optimizer = tf.train.AdamOptimizer(0.1)
    train = optimizer.minimize(loss)
    layer = tf.train.Checkpoint(kernel=kernel, bias=bias)
    checkpoint = tf.train.Checkpoint(model=tf.train.Checkpoint(layer=layer),
                                     optimizer=optimizer, step=step)
    variables = {"kernel": kernel, "bias": bias, "step": step,
                 "kernel_m": optimizer.get_slot(kernel, "m"),
                 "kernel_v": optimizer.get_slot(kernel, "v"),
                 "bias_m": optimizer.get_slot(bias, "m"),
                 "beta1_power": optimizer._get_beta_accumulators()[0]}
    return checkpoint, train, variables


def train_and_save(tf, prefix):
    """Two Adam steps of build()'s program, then Checkpoint.save(prefix): (the path, the
    variables' values as lists)."""
    with tf.Graph().as_default():
        ckpt, train, variables = build(tf)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            sess.run(train)
            path = ckpt.save(prefix, session=sess)
            return path, {k: sess.run(v).tolist() for k, v in variables.items()}


def manager_run(tf, directory):
    """What CheckpointManager returns and leaves in `directory` (an empty folder) over five
    saves (max_to_keep 2, then a numbered one, then a second manager of another name), paths
    relative to the folder; the state file's lines without the timestamps."""
    out = {}
    rel = lambda paths: [os.path.relpath(p, directory) for p in paths]  # noqa: E731
    with tf.Graph().as_default():
        ckpt = tf.train.Checkpoint(a=tf.Variable(1.0, name="a"))
        m = tf.train.CheckpointManager(ckpt, directory, max_to_keep=2)
        out["before"] = [m.latest_checkpoint, m.checkpoints]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["saves"] = [[rel([m.save()])[0], rel(m.checkpoints)] for _ in range(3)]
            out["numbered"] = [rel([m.save(checkpoint_number=10)])[0], rel(m.checkpoints)]
            out["save_counter"] = int(sess.run(ckpt.save_counter))
            out["files"] = sorted(os.listdir(directory))
            with open(os.path.join(directory, "checkpoint")) as f:
                out["state"] = [line for line in f.read().splitlines() if "timestamp" not in line]
            m2 = tf.train.CheckpointManager(ckpt, directory, max_to_keep=3,
                                            checkpoint_name="model")
            out["reopened"] = rel(m2.checkpoints)
            out["reopened_save"] = [rel([m2.save()])[0], rel(m2.checkpoints)]
            out["latest"] = os.path.relpath(tf.train.latest_checkpoint(directory), directory)
    return out


def misuses(tf, path):
    """The exception class and message (None: no error) of misuses and of restore assertions
    against the checkpoint `path` of build()'s program; and what initialize_or_restore gives."""
    out = {}

    def record(key, fn):
        try:
            fn()
            out[key] = None
        except Exception as e:  # noqa: BLE001 - the class and message are recorded
            out[key] = [type(e).__name__, str(e)]

    with tf.Graph().as_default():
        record("not_trackable", lambda: tf.train.Checkpoint(a=3))
        record("max_to_keep", lambda: tf.train.CheckpointManager(
            tf.train.Checkpoint(), "/tmp/x", max_to_keep=0))
    with tf.Graph().as_default():
        status = tf.train.Checkpoint(step=tf.Variable(np.int64(0), name="step")).restore(path)
        record("unresolved", status.assert_consumed)
        record("existing_ok", status.assert_existing_objects_matched)
    with tf.Graph().as_default():
        extra = tf.Variable(5.0, name="extra")
        ckpt = tf.train.Checkpoint(step=tf.Variable(np.int64(0), name="step"), extra=extra)
        status = ckpt.restore(path)
        record("unmatched", status.assert_existing_objects_matched)
        with tf.Session() as sess:
            status.initialize_or_restore(sess)
            out["initialize_or_restore"] = [int(sess.run(ckpt.step)), float(sess.run(extra))]
    with tf.Graph().as_default():
        status = tf.train.Checkpoint(a=tf.Variable(1.0)).restore(None)
        out["none_status"] = type(status).__name__
        record("none_consumed", status.assert_consumed)
    return out
