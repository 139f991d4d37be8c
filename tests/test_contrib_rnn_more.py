"""contrib.rnn's additions: the block cells are LSTMCell / GRUCell (same variables, same
results), the projection and embedding wrappers compute what their numpy formulas say under
TF1's variable names, and the stacked bidirectional RNNs are their layers composed."""

import numpy as np
import pytest

import minitf as tf

r = tf.contrib.rnn
RNG = np.random.RandomState(4)
X = RNG.rand(2, 5, 4).astype(np.float32)
LENGTHS = np.array([5, 3], np.int32)


def run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


@pytest.mark.parametrize("block,core,state_size", [
    (lambda: r.LSTMBlockCell(3, forget_bias=0.5, use_peephole=True),
     lambda: tf.nn.rnn_cell.LSTMCell(3, forget_bias=0.5, use_peepholes=True), (3, 3)),
    (lambda: r.GRUBlockCellV2(cell_size=3), lambda: tf.nn.rnn_cell.GRUCell(3), 3)])
def test_block_cells_are_the_core_cells(block, core, state_size):
    with tf.Graph().as_default():
        out_block, _ = tf.nn.dynamic_rnn(block(), X, LENGTHS, dtype=tf.float32, scope="a")
        out_core, _ = tf.nn.dynamic_rnn(core(), X, LENGTHS, dtype=tf.float32, scope="b")
        a = [v for v in tf.global_variables() if v.name.startswith("a/")]
        b = [v for v in tf.global_variables() if v.name.startswith("b/")]
        assert [v.name[2:] for v in a] == [v.name[2:] for v in b]  # lstm_cell/kernel...
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for va, vb in zip(a, b):
                vb.load(sess.run(va), sess)
            got, want = sess.run([out_block, out_core])
    np.testing.assert_array_equal(got, want)


def test_projection_and_embedding_wrappers():
    ids = np.array([[3, 1, 4, 1], [5, 9, 2, 6]], np.int32)
    cell = r.OutputProjectionWrapper(r.EmbeddingWrapper(r.BasicRNNCell(3), 10, 2), 4,
                                     activation=tf.nn.relu)
    out, _ = tf.nn.dynamic_rnn(cell, ids[..., None], dtype=tf.float32)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["rnn/output_projection_wrapper/embedding_wrapper/embedding",
                     "rnn/output_projection_wrapper/embedding_wrapper/basic_rnn_cell/kernel",
                     "rnn/output_projection_wrapper/embedding_wrapper/basic_rnn_cell/bias",
                     "rnn/output_projection_wrapper/kernel",
                     "rnn/output_projection_wrapper/bias"]
    (embedding, kernel, bias, proj, proj_bias), got = run([tf.global_variables(), out])
    assert np.abs(embedding).max() <= np.sqrt(3) and not proj_bias.any()
    h = np.zeros((2, 3), np.float32)
    for t in range(4):
        h = np.tanh(np.concatenate([embedding[ids[:, t]], h], 1) @ kernel + bias)
        np.testing.assert_allclose(got[:, t], np.maximum(h @ proj + proj_bias, 0), rtol=1e-5,
                                   atol=1e-6)


def test_input_projection_wrapper():
    cell = r.InputProjectionWrapper(r.BasicRNNCell(2), 3)
    out, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["rnn/input_projection_wrapper/kernel", "rnn/input_projection_wrapper/bias",
                     "rnn/input_projection_wrapper/basic_rnn_cell/kernel",
                     "rnn/input_projection_wrapper/basic_rnn_cell/bias"]
    (proj, proj_bias, kernel, bias), got = run([tf.global_variables(), out])
    h = np.zeros((2, 2), np.float32)
    for t in range(5):
        h = np.tanh(np.concatenate([X[:, t] @ proj + proj_bias, h], 1) @ kernel + bias)
        np.testing.assert_allclose(got[:, t], h, rtol=1e-5, atol=1e-6)


def test_stacked_bidirectional_rnns_compose_their_layers():
    cells = lambda: [r.LSTMBlockCell(3), r.GRUBlockCellV2(2)]  # noqa: E731
    out, states_fw, states_bw = r.stack_bidirectional_dynamic_rnn(
        cells(), cells(), X, sequence_length=LENGTHS, dtype=tf.float32)
    assert out.shape.as_list() == [2, 5, 4] and len(states_fw) == len(states_bw) == 2
    names = [v.op.name for v in tf.global_variables()]
    assert names[0] == "stack_bidirectional_rnn/cell_0/bidirectional_rnn/fw/lstm_cell/kernel"
    assert names[-1] == "stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/gru_cell/candidate/bias"
    # the same layers by hand, in scopes named as the stack's, reusing its variables
    with tf.variable_scope("stack_bidirectional_rnn", reuse=True):
        layer = X
        for i, (fw, bw) in enumerate(zip(cells(), cells())):
            with tf.variable_scope("cell_%d" % i):
                pair, _ = tf.nn.bidirectional_dynamic_rnn(fw, bw, layer, LENGTHS,
                                                          dtype=tf.float32)
                layer = tf.concat(pair, 2)
    got, want = run([out, layer])
    np.testing.assert_array_equal(got, want)
    steps = tf.unstack(X, axis=1)
    static_out, _, _ = r.stack_bidirectional_rnn(cells(), cells(), steps, dtype=tf.float32,
                                                 scope="static")
    assert len(static_out) == 5 and static_out[0].shape.as_list() == [2, 4]
    with pytest.raises(ValueError, match="same depth"):
        r.stack_bidirectional_dynamic_rnn(cells(), cells()[:1], X, dtype=tf.float32)
