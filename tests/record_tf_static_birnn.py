"""Records what TF 2.x compat.v1 (TF 1.15's API) does with tf.nn.static_bidirectional_rnn,
for tests/test_static_birnn.py: output, state and variable names, static shapes, values (cells
with constant initial weights, so both frameworks start alike) with and without
sequence_length, and its errors' classes. Run in a throwaway venv with tensorflow-cpu and
tf-keras:

    TF_USE_LEGACY_KERAS=1 TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python \
        tests/record_tf_static_birnn.py \
        > tests/fixtures/tf_static_birnn.json

The test runs the same programs on minitf and compares the records.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_tf_monitored_session import run_all  # noqa: E402

X = (np.arange(3 * 2 * 4, dtype=np.float32).reshape(3, 2, 4) % 5 - 2) / 4


def _birnn(tf, cells, sequence_length=None, lengths_fed=None):
    with tf.Graph().as_default():
        steps = [tf.placeholder(tf.float32, [None, 4], name="x%d" % i) for i in range(3)]
        lengths = None if sequence_length is None else tf.placeholder(tf.int32, [None], "len")
        with tf.variable_scope("model", initializer=tf.constant_initializer(0.1)):
            outputs, state_fw, state_bw = tf.nn.static_bidirectional_rnn(
                cells(tf, "fw"), cells(tf, "bw"), steps, dtype=tf.float32,
                sequence_length=lengths)
        feed = {s: X[i] for i, s in enumerate(steps)}
        if lengths is not None:
            feed[lengths] = sequence_length
        flat_states = _flat((state_fw, state_bw))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = sess.run(outputs + flat_states, feed)
        return {"outputs": [o.name for o in outputs],
                "shapes": [o.shape.as_list() for o in outputs],
                "states": [s.name for s in flat_states],
                "variables": sorted(v.name for v in tf.global_variables()),
                "values": [np.round(v.astype(np.float64), 6).tolist() for v in values]}


def _flat(structure):
    """The tensors of a state (a tensor, or tuples of them), in order."""
    if isinstance(structure, tuple):
        return [t for part in structure for t in _flat(part)]
    return [structure]


def _lstm(tf, name):
    return tf.nn.rnn_cell.BasicLSTMCell(3, name=name + "_lstm")


def _gru(tf, name):
    return tf.nn.rnn_cell.GRUCell(2, name=name + "_gru")


def birnn_lstm(tf, _):
    return _birnn(tf, _lstm)


def birnn_gru_with_lengths(tf, _):
    return _birnn(tf, _gru, sequence_length=np.array([2, 3], np.int32))


def birnn_errors(tf, _):
    out = {}
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.BasicRNNCell(2)
        for key, call in [("empty", lambda: tf.nn.static_bidirectional_rnn(
                              cell, cell, [], dtype=tf.float32)),
                          ("not_a_cell", lambda: tf.nn.static_bidirectional_rnn(
                              None, cell, [tf.zeros([1, 2])], dtype=tf.float32))]:
            try:
                call()
                out[key] = None
            except (TypeError, ValueError) as e:
                out[key] = type(e).__name__  # (TF 2 reworded TF 1.15's messages)
    return out


PROGRAMS = [birnn_lstm, birnn_gru_with_lengths, birnn_errors]

if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    print(json.dumps(run_all(tf1, PROGRAMS), indent=1, sort_keys=True))
