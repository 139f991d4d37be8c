"""tf.train.summary_iterator reads back what FileWriter wrote (TF 2.21's own summary_iterator read
the same file to the same events, checked by hand), and a damaged file is a DataLossError."""

import glob
import os

import pytest

import minitf as tf


def _write(logdir):
    x = tf.placeholder(tf.float32, [])
    s = tf.summary.scalar("loss", x)
    with tf.Session() as sess, tf.summary.FileWriter(str(logdir), sess.graph) as writer:
        for i in range(3):
            writer.add_summary(sess.run(s, {x: i * 0.5}), i)
    (path,) = glob.glob(os.path.join(str(logdir), "events.out.tfevents.*"))
    return path


def test_the_events_come_back_in_order(tmp_path):
    with tf.Graph().as_default():
        path = _write(tmp_path)
    events = list(tf.train.summary_iterator(path))
    assert isinstance(events[0], tf.summary.Event)
    assert events[0].file_version == "brain.Event:2"
    assert events[1].HasField("graph_def")
    scalars = [(e.step, v.tag, v.simple_value) for e in events for v in e.summary.value]
    assert scalars == [(0, "loss", 0.0), (1, "loss", 0.5), (2, "loss", 1.0)]


def test_a_truncated_file_is_a_data_loss_error(tmp_path):
    with tf.Graph().as_default():
        path = _write(tmp_path)
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(data[:-7])
    events = tf.train.summary_iterator(path)
    with pytest.raises(tf.errors.DataLossError):
        for _ in events:
            pass
