"""tf.nn.static_bidirectional_rnn (also tf.contrib.rnn's) against TensorFlow
(tests/record_tf_static_birnn.py, its fixture tests/fixtures/tf_static_birnn.json): output and
variable names, static shapes, values with and without sequence_length, error classes. The
final states' op names are not compared: TF 1.x's static_rnn copies states through with
tf.cond, minitf with a select (docs/rnn.md)."""

import importlib.util
import json

import numpy as np
import pytest

import minitf as tf
from tests.helpers import TESTS

RECORDED = json.loads((TESTS / "fixtures" / "tf_static_birnn.json").read_text())
_spec = importlib.util.spec_from_file_location("record_tf_static_birnn",
                                               TESTS / "record_tf_static_birnn.py")
RECORDER = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(RECORDER)


@pytest.mark.parametrize("program", [RECORDER.birnn_lstm, RECORDER.birnn_gru_with_lengths],
                         ids=lambda p: p.__name__)
def test_outputs_variables_and_values_are_tfs(program):
    got, want = program(tf, None), RECORDED[program.__name__]
    assert got["outputs"] == want["outputs"]
    assert got["shapes"] == want["shapes"]
    assert got["variables"] == want["variables"]
    assert len(got["states"]) == len(want["states"])
    for a, b in zip(got["values"], want["values"]):
        np.testing.assert_allclose(a, b, atol=2e-6)


def test_errors_are_tfs_classes():
    assert RECORDER.birnn_errors(tf, None) == RECORDED["birnn_errors"]


def test_contrib_rnn_has_it_and_lengths_reverse_each_entry_within_its_length():
    assert tf.contrib.rnn.static_bidirectional_rnn is tf.nn.static_bidirectional_rnn
    # an identity-like backward pass: a cell whose output is its input shows the reversal
    steps = [tf.constant([[1.0], [10.0]]), tf.constant([[2.0], [20.0]]),
             tf.constant([[3.0], [30.0]])]

    class Echo(tf.nn.rnn_cell.RNNCell):
        state_size, output_size = 1, 1

        def __call__(self, inputs, state, scope=None):
            return inputs, state
    outputs, _, _ = tf.nn.static_bidirectional_rnn(Echo(), Echo(), steps, dtype=tf.float32,
                                                   sequence_length=[2, 3])
    with tf.Session() as sess:
        got = np.array(sess.run(outputs))[:, :, 1]  # the backward half, step by step
    # entry 0 (length 2) sees 2, 1 reversed into place, then zero past its length
    np.testing.assert_array_equal(got, [[1.0, 10.0], [2.0, 20.0], [0.0, 30.0]])
