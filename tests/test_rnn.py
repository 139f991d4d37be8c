"""Recurrent cells, static_rnn and the sequence helpers: variable names and sharing, user
cells, state structures, dropout, and bad input. Values and gradients against TF are in
test_tf1_rnn_parity.py; training tests in test_rnn_training.py."""

import numpy as np
import pytest

import minitf as tf

rnn_cell = tf.nn.rnn_cell


def _inputs(steps=3, batch=2, depth=3):
    return [tf.placeholder(tf.float32, [batch, depth], name="x%d" % t) for t in range(steps)]


def test_static_rnn_shares_one_set_of_variables_across_steps_and_calls():
    cell = rnn_cell.BasicLSTMCell(4)
    tf.nn.static_rnn(cell, _inputs(), dtype=tf.float32)
    names = [v.name for v in tf.global_variables()]
    assert names == ["rnn/basic_lstm_cell/kernel:0", "rnn/basic_lstm_cell/bias:0"]
    tf.nn.static_rnn(cell, _inputs(), dtype=tf.float32, scope="again")
    assert [v.name for v in tf.global_variables()] == names  # the cell keeps its scope
    assert cell.variables == tf.global_variables() == cell.trainable_variables
    other = rnn_cell.BasicLSTMCell(4)
    tf.nn.static_rnn(other, _inputs(), dtype=tf.float32)
    # TF's scope counting: re-entering the first cell's scope under "again" counted it
    assert [v.name for v in other.variables] == ["rnn/basic_lstm_cell_1/kernel:0",
                                                 "rnn/basic_lstm_cell_1/bias:0"]


def test_a_second_cell_in_the_same_scope_is_tfs_already_exists_error():
    tf.nn.static_rnn(rnn_cell.BasicLSTMCell(4), _inputs(), dtype=tf.float32)
    with pytest.raises(ValueError, match="Variable rnn/basic_lstm_cell/kernel already exists"):
        tf.nn.static_rnn(rnn_cell.BasicLSTMCell(4), _inputs(), dtype=tf.float32)
    tf.nn.static_rnn(rnn_cell.BasicLSTMCell(4), _inputs(), dtype=tf.float32, scope="second")


def test_cell_called_with_an_explicit_scope_puts_variables_there():
    cell = rnn_cell.GRUCell(2)
    state = cell.zero_state(2, tf.float32)
    cell(tf.zeros([2, 3]), state, scope="decoder")
    assert sorted(v.name for v in tf.global_variables()) == [
        "decoder/candidate/bias:0", "decoder/candidate/kernel:0", "decoder/gates/bias:0",
        "decoder/gates/kernel:0"]


def test_zero_state_structures_and_names():
    lstm = rnn_cell.LSTMCell(4, num_proj=2)
    z = lstm.zero_state(3, tf.float32)
    assert isinstance(z, rnn_cell.LSTMStateTuple)
    assert z.c.shape.as_list() == [3, 4] and z.h.shape.as_list() == [3, 2]
    assert z.c.name.startswith("LSTMCellZeroState/")
    multi = rnn_cell.MultiRNNCell([rnn_cell.BasicRNNCell(2), rnn_cell.BasicLSTMCell(3)])
    batch = tf.placeholder(tf.int32, [])
    z = multi.zero_state(batch, tf.float64)
    assert multi.state_size == (2, rnn_cell.LSTMStateTuple(3, 3))
    assert z[0].shape.as_list() == [None, 2] and z[1].h.dtype is tf.float64
    with tf.Session() as sess:
        got = sess.run(z, {batch: 5})
    assert got[1].c.shape == (5, 3) and not got[1].c.any()
    assert rnn_cell.BasicLSTMCell(3, state_is_tuple=False).state_size == 6


def test_a_user_cell_overriding_call_runs_under_static_rnn():
    class Accumulator(rnn_cell.RNNCell):
        """state += x @ w; output = 2 * state (the course's custom-cell shape)."""

        def __init__(self, units):
            super().__init__()
            self.units = units

        @property
        def state_size(self):
            return self.units

        @property
        def output_size(self):
            return self.units

        def build(self, inputs_shape):
            self.w = self.add_variable("w", [inputs_shape[-1].value, self.units],
                                       initializer=tf.ones_initializer())

        def call(self, inputs, state):
            new = state + tf.matmul(inputs, self.w)
            return 2 * new, new

    outputs, state = tf.nn.static_rnn(Accumulator(2), _inputs(3), dtype=tf.float32)
    assert [v.name for v in tf.global_variables()] == ["rnn/accumulator/w:0"]
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    feed = {p: x for p in tf.get_default_graph().get_operations() and
            [op.outputs[0] for op in tf.get_default_graph().get_operations()
             if op.type == "Placeholder"]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, final = sess.run([outputs, state], feed)
    row = x.sum(1, keepdims=True) * np.ones((1, 2))
    np.testing.assert_allclose(final, 3 * row)
    np.testing.assert_allclose(out[0], 2 * row)


def test_sequence_length_zeroes_outputs_and_copies_states_through():
    x = _inputs(4, batch=3)
    outputs, state = tf.nn.static_rnn(rnn_cell.BasicRNNCell(2), x, dtype=tf.float32,
                                      sequence_length=[4, 1, 0])
    full, full_state = tf.nn.static_rnn(rnn_cell.BasicRNNCell(2), x[:1], dtype=tf.float32,
                                        scope="one_step")
    feed = {p: np.full((3, 3), t + 1.0, np.float32) for t, p in enumerate(x)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, final = sess.run([outputs, state], feed)
    assert not out[1][1:].any() and not out[3][2].any() and out[3][0].any()
    np.testing.assert_array_equal(final[1], out[0][1])  # the state at its length
    np.testing.assert_array_equal(final[2], 0)           # length 0: the initial state


def test_dropout_wrapper_is_seeded_and_drops_only_h_of_an_lstm_state():
    def run(seed):
        tf.reset_default_graph()
        tf.set_random_seed(1)
        cell = rnn_cell.DropoutWrapper(rnn_cell.BasicLSTMCell(50), input_keep_prob=0.5,
                                       output_keep_prob=0.5, state_keep_prob=0.5, seed=seed)
        out, state = cell(tf.ones([4, 8]), cell.zero_state(4, tf.float32))
        plain_c = cell.cell(tf.ones([4, 8]), cell.zero_state(4, tf.float32))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run([out, state.h, state.c])
    a, b = run(3), run(3)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    out, h, c = a
    assert (out == 0).mean() > 0.3 and (h == 0).mean() > 0.3
    assert (c != 0).all()  # the cell state is never dropped
    with pytest.raises(ValueError, match="must be between 0 and 1"):
        rnn_cell.DropoutWrapper(rnn_cell.GRUCell(2), output_keep_prob=1.5)


def test_residual_wrapper_adds_the_input():
    cell = rnn_cell.ResidualWrapper(rnn_cell.BasicRNNCell(3))
    x = tf.constant(np.ones((2, 3), np.float32))
    out, state = cell(x, cell.zero_state(2, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        o, s = sess.run([out, state])
    np.testing.assert_allclose(o, s + 1, rtol=1e-6)
    with pytest.raises(ValueError, match="input shape"):
        rnn_cell.ResidualWrapper(rnn_cell.BasicRNNCell(4))(x, tf.zeros([2, 4]))


def test_static_rnn_bad_input():
    cell = rnn_cell.BasicLSTMCell(2)
    with pytest.raises(TypeError, match="inputs must be a sequence"):
        tf.nn.static_rnn(cell, tf.zeros([3, 2, 2]), dtype=tf.float32)
    with pytest.raises(ValueError, match="dtype must be specified"):
        tf.nn.static_rnn(cell, _inputs(), )
    with pytest.raises(ValueError, match="at least rank 2"):
        tf.nn.static_rnn(cell, [tf.zeros([])], dtype=tf.float32)
    with pytest.raises(ValueError, match="rank"):  # (vectors pass for EmbeddingWrapper's ids)
        tf.nn.static_rnn(cell, [tf.zeros([3])], dtype=tf.float32)
    with pytest.raises(ValueError, match="must be accessible via shape inference"):
        tf.nn.static_rnn(cell, [tf.placeholder(tf.float32, [2, None])], dtype=tf.float32)
    with pytest.raises(ValueError, match="initial_state does not have the structure"):
        tf.nn.static_rnn(cell, _inputs(), initial_state=tf.zeros([2, 4]))
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tf.nn.static_rnn(cell, _inputs(), dtype=tf.float32, sequence_length=[[1, 2]])
    with pytest.raises(ValueError, match="Expected state to be a tuple"):
        multi = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(2)])
        multi(tf.zeros([2, 2]), tf.zeros([2, 2]))


# -- sequence helpers ----------------------------------------------------------------------------

def test_sequence_mask():
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(tf.sequence_mask([1, 3, 0])),
                                      [[1, 0, 0], [1, 1, 1], [0, 0, 0]])
        got = sess.run(tf.sequence_mask([[2], [0]], maxlen=3, dtype=tf.float32))
    np.testing.assert_array_equal(got, [[[1, 1, 0]], [[0, 0, 0]]])
    assert got.dtype == np.float32
    with pytest.raises(ValueError, match="maxlen must be scalar"):
        tf.sequence_mask([1], maxlen=[2, 3])


def test_reverse_sequence_errors():
    x = tf.placeholder(tf.float32, [2, 3])
    n = tf.placeholder(tf.int32, [None])
    r = tf.reverse_sequence(x, n, seq_axis=1)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"seq_lens\(1\) > input.dims"):
            sess.run(r, {x: np.zeros((2, 3)), n: [1, 4]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Length of seq_lengths"):
            sess.run(r, {x: np.zeros((2, 3)), n: [1]})
    with pytest.raises(ValueError, match=r"Length of seq_lengths != input.dims\(0\)"):
        tf.reverse_sequence(x, [1, 2, 3], seq_axis=1)
    with pytest.raises(TypeError, match="seq_lengths"):
        tf.reverse_sequence(x, tf.constant([1.0, 2.0]), seq_axis=1)


# -- dynamic_rnn ---------------------------------------------------------------------------------

def test_dynamic_rnn_runs_any_number_of_steps_with_one_set_of_variables():
    x = tf.placeholder(tf.float32, [None, None, 3])
    outputs, state = tf.nn.dynamic_rnn(rnn_cell.GRUCell(4), x, dtype=tf.float32)
    assert [v.name for v in tf.global_variables()] == [
        "rnn/gru_cell/gates/kernel:0", "rnn/gru_cell/gates/bias:0",
        "rnn/gru_cell/candidate/kernel:0", "rnn/gru_cell/candidate/bias:0"]
    assert outputs.shape.as_list() == [None, None, 4] and state.shape.as_list() == [None, 4]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for steps in (1, 5):
            out, final = sess.run([outputs, state], {x: np.ones((2, steps, 3))})
            assert out.shape == (2, steps, 4)
            np.testing.assert_array_equal(out[:, -1], final)


def test_dynamic_rnn_bad_input():
    cell = rnn_cell.BasicLSTMCell(2)
    with pytest.raises(ValueError, match="Shape must be at least rank 3 but is rank 2"):
        tf.nn.dynamic_rnn(cell, tf.zeros([4, 3]), dtype=tf.float32)
    with pytest.raises(ValueError, match="Input size .depth of inputs. must be accessible"):
        tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [2, 3, None]), dtype=tf.float32)
    with pytest.raises(ValueError, match="you must give a dtype"):
        tf.nn.dynamic_rnn(cell, tf.zeros([2, 3, 3]))
    with pytest.raises(ValueError, match="initial_state does not have the structure"):
        tf.nn.dynamic_rnn(cell, tf.zeros([2, 3, 3]), initial_state=tf.zeros([2, 2]))
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tf.nn.dynamic_rnn(cell, tf.zeros([2, 3, 3]), dtype=tf.float32,
                          sequence_length=[[1, 2]])
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [2, None, 3])
    lengths = tf.placeholder(tf.int32, [None])
    outputs, _ = tf.nn.dynamic_rnn(rnn_cell.BasicLSTMCell(2), x, dtype=tf.float32,
                                   sequence_length=lengths)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Expected shape for Tensor rnn/sequence_length:0 is \] \[2\]"):
            sess.run(outputs, {x: np.ones((2, 3, 3)), lengths: [1, 2, 3]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="longer than the time axis"):
            sess.run(outputs, {x: np.ones((2, 3, 3)), lengths: [1, 4]})
        assert sess.run(outputs, {x: np.ones((2, 3, 3)), lengths: [1, 3]}).shape == (2, 3, 2)


def test_bidirectional_dynamic_rnn_names():
    x = tf.placeholder(tf.float32, [2, 5, 3])
    (fw, bw), (sf, sb) = tf.nn.bidirectional_dynamic_rnn(
        rnn_cell.GRUCell(2), rnn_cell.BasicLSTMCell(3), x, dtype=tf.float32)
    assert fw.shape.as_list() == [2, 5, 2] and bw.shape.as_list() == [2, 5, 3]
    assert sorted(v.name for v in tf.global_variables()) == [
        "bidirectional_rnn/bw/basic_lstm_cell/bias:0",
        "bidirectional_rnn/bw/basic_lstm_cell/kernel:0",
        "bidirectional_rnn/fw/gru_cell/candidate/bias:0",
        "bidirectional_rnn/fw/gru_cell/candidate/kernel:0",
        "bidirectional_rnn/fw/gru_cell/gates/bias:0",
        "bidirectional_rnn/fw/gru_cell/gates/kernel:0"]


# -- TF1 checkpoints ---------------------------------------------------------------------------------

def test_a_tf1_checkpoint_of_an_rnn_model_loads_and_minitf_writes_the_same_keys(tmp_path):
    import pathlib
    fixture = pathlib.Path(__file__).parent / "fixtures" / "tf_checkpoints" / "rnn_model"
    expected = np.load(fixture / "expected.npz")
    ids = tf.constant([[1, 2, 3, 0], [4, 4, 9, 7]])
    emb = tf.get_variable("embedding", [10, 4])
    cell = rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(5), rnn_cell.GRUCell(3)])
    out, _ = tf.nn.dynamic_rnn(cell, tf.nn.embedding_lookup(emb, ids), sequence_length=[4, 3],
                               dtype=tf.float32)
    logits = tf.matmul(out[:, -1], tf.get_variable("out_w", [3, 2]))
    tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(tf.square(logits)))
    saver = tf.train.Saver()
    with tf.Session() as sess:
        saver.restore(sess, str(fixture / "model.ckpt"))  # every variable and Adam slot
        np.testing.assert_allclose(sess.run(logits), expected["logits"], rtol=1e-5, atol=1e-6)
        for v in tf.global_variables():
            np.testing.assert_array_equal(sess.run(v), expected[v.op.name.replace("/", "__")])
        path = saver.save(sess, str(tmp_path / "model.ckpt"))
    ours = tf.train.list_variables(path)
    theirs = tf.train.list_variables(str(fixture / "model.ckpt"))
    assert ours == theirs and len(ours) == 26


def test_sequence_loss_argument_errors():
    logits, targets, weights = tf.zeros([2, 3, 4]), tf.zeros([2, 3], tf.int32), tf.ones([2, 3])
    with pytest.raises(ValueError, match="Logits must be a"):
        tf.contrib.seq2seq.sequence_loss(tf.zeros([2, 4]), targets, weights)
    with pytest.raises(ValueError, match="cannot be set to True at same time"):
        tf.contrib.seq2seq.sequence_loss(logits, targets, weights, sum_over_timesteps=True)
    with tf.Session() as sess:  # weights all zero: 0, not NaN (div_no_nan)
        assert sess.run(tf.contrib.seq2seq.sequence_loss(logits, targets, weights * 0)) == 0
