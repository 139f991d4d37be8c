"""tf.nn.raw_rnn beyond the TF parity program (tests/tf1_sparse_programs.py): an emit
structure of its own, the EmitArray reads, a loop that never runs, and loop_fn mistakes."""

import numpy as np
import pytest

import minitf as tf


def _loop_fn(cell, inputs, lengths, batch, emit=None):
    def loop_fn(time, cell_output, cell_state, loop_state):
        if cell_output is None:
            state, out = cell.zero_state(batch, tf.float32), emit
        else:
            state, out = cell_state, (cell_output, tf.reduce_sum(cell_output, 1))
        finished = time >= lengths
        x = tf.cond(tf.reduce_all(finished), lambda: tf.zeros_like(inputs[0]),
                    lambda: tf.gather(inputs, time))
        return finished, x, state, out, None
    return loop_fn


def test_emit_structure_reads_and_a_loop_that_never_runs():
    x = np.random.RandomState(0).randn(4, 2, 3).astype(np.float32)
    inputs = tf.constant(x)
    lengths = tf.placeholder(tf.int32, [2])
    cell = tf.nn.rnn_cell.GRUCell(5)
    emit = (tf.zeros([5]), tf.zeros([]))
    (outs, sums), state, loop_state = tf.nn.raw_rnn(cell, _loop_fn(cell, inputs, lengths, 2, emit))
    assert loop_state is None and outs.dtype == tf.float32
    assert outs.element_shape.as_list() == [2, 5] and sums.element_shape.as_list() == [2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        o, s, n, third = sess.run([outs.stack(), sums.stack(), outs.size(), outs.read(2)],
                                  {lengths: [3, 1]})
        assert o.shape == (3, 2, 5) and n == 3
        np.testing.assert_allclose(s, o.sum(2), rtol=1e-5, atol=1e-6)
        assert not o[1:, 1].any() and o[:, 0].all()  # entry 1 finished after one step
        np.testing.assert_array_equal(third, o[2])
        o, h = sess.run([outs.stack(), state], {lengths: [0, 0]})
        assert o.shape == (0, 2, 5) and not h.any()  # finished at once: the zero state


def test_loop_fn_mistakes_fail_when_the_graph_is_built():
    cell = tf.nn.rnn_cell.BasicRNNCell(4)
    with pytest.raises(TypeError, match="loop_fn"):
        tf.nn.raw_rnn(cell, None)

    def wrong_state(time, cell_output, cell_state, loop_state):
        state = (cell.zero_state(2, tf.float32),) * 2  # a tuple for a one-tensor state
        return tf.constant([False, False]), tf.zeros([2, 3]), state, None, None
    with pytest.raises(ValueError, match="structure"):
        tf.nn.raw_rnn(cell, wrong_state)
