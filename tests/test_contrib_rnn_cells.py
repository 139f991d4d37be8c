"""contrib.rnn's research cells against float64 numpy references written from TF 1.15's
equations (TF 2 has no contrib.rnn, and TF Addons' ports use other weight layouts): TF's
variable names and shapes, the outputs and states of a few steps with the weights set, the
input gradient against central differences, TF's errors, and a short training run."""

import numpy as np
import pytest

import minitf as tf
from minitf.testing.gradcheck import compute_gradient_error

r = tf.contrib.rnn
BATCH, STEPS, DEPTH = 2, 3, 4
X = np.random.RandomState(0).uniform(-1, 1, (BATCH, STEPS, DEPTH))


def sig(x):
    return 1 / (1 + np.exp(-x))


def layer_norm(x, gamma, beta):
    mean = x.mean(1, keepdims=True)
    var = ((x - mean) ** 2).mean(1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * gamma + beta


def gru(w, x, h, names=("w_ru", "b_ru", "w_c", "b_c")):
    w_ru, b_ru, w_c, b_c = (w[n] for n in names)
    ru = sig(np.concatenate([x, h], 1) @ w_ru + b_ru)
    rr, u = np.split(ru, 2, 1)
    c = np.tanh(np.concatenate([x, rr * h], 1) @ w_c + b_c)
    return u * h + (1 - u) * c, u * h + (1 - u) * c


def layer_norm_lstm(w, x, state, forget_bias=1.0):
    c, h = state
    gates = np.concatenate([x, h], 1) @ w["kernel"]
    i, j, f, o = (layer_norm(g, w[n + "/gamma"], w[n + "/beta"]) for g, n in
                  zip(np.split(gates, 4, 1), ("input", "transform", "forget", "output")))
    c = c * sig(f + forget_bias) + sig(i) * np.tanh(j)
    c = layer_norm(c, w["state/gamma"], w["state/beta"])
    h = np.tanh(c) * sig(o)
    return h, (c, h)


def ugrnn(w, x, h):
    g, c = np.split(np.concatenate([x, h], 1) @ w["kernel"] + w["bias"], 2, 1)
    g = sig(g + 1.0)
    h = g * h + (1 - g) * np.tanh(c)
    return h, h


def intersection(w, x, h):
    x = x @ w["in_projection/kernel"] + w["in_projection/bias"]
    gh, hh, gy, y = np.split(np.concatenate([x, h], 1) @ w["kernel"] + w["bias"], 4, 1)
    gh, gy = sig(gh + 1.0), sig(gy + 1.0)
    return gy * x + (1 - gy) * np.maximum(y, 0), gh * h + (1 - gh) * np.tanh(hh)


def nas(w, x, state):
    c, m = state
    a = np.split(x @ w["kernel"], 8, 1)
    b = np.split(m @ w["recurrent_kernel"] + w["bias"], 8, 1)
    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    l1 = [sig(a[0] + b[0]), relu(a[1] + b[1]), sig(a[2] + b[2]), relu(a[3] * b[3]),
          np.tanh(a[4] + b[4]), sig(a[5] + b[5]), np.tanh(a[6] + b[6]), sig(a[7] + b[7])]
    l2_0 = np.tanh(np.tanh(l1[0] * l1[1]) + c)
    new_c = l2_0 * np.tanh(l1[2] + l1[3])
    new_m = np.tanh(new_c * np.tanh(np.tanh(l1[4] * l1[5]) + sig(l1[6] + l1[7])))
    new_m = new_m @ w["projection_weights"]
    return new_m, (new_c, new_m)


def indrnn(w, x, h):
    h = np.tanh(x @ w["kernel_w"] + h * w["kernel_u"] + w["bias"])
    return h, h


def indy_lstm(w, x, state):
    c, h = state
    i, j, f, o = np.split(x @ w["kernel_w"] + np.tile(h, [1, 4]) * w["kernel_u"] + w["bias"],
                          4, 1)
    c = c * sig(f + 1.0) + sig(i) * np.tanh(j)
    h = np.tanh(c) * sig(o)
    return h, (c, h)


def attention(w, x, state, length=2):
    (c, h), attns, window = state
    window = window.reshape(BATCH, length, -1)
    inp = np.concatenate([x, attns], 1) @ w["kernel"] + w["bias"]
    out, (c, h) = lstm(w, inp, (c, h))
    k = w["attention/attn_w"][0, 0]
    features = window @ k
    y = np.concatenate([c, h], 1) @ w["attention/kernel"] + w["attention/bias"]
    s = (w["attention/attn_v"] * np.tanh(features + y[:, None, :])).sum(2)
    a = np.exp(s - s.max(1, keepdims=True))
    a /= a.sum(1, keepdims=True)
    read = (a[:, :, None] * window).sum(1)
    output = np.concatenate([out, read], 1) @ w["attn_output_projection/kernel"] + \
        w["attn_output_projection/bias"]
    window = np.concatenate([window[:, 1:], output[:, None]], 1).reshape(BATCH, -1)
    return output, ((c, h), read, window)


def lstm(w, x, state):
    c, h = state
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ w["basic_lstm_cell/kernel"] +
                          w["basic_lstm_cell/bias"], 4, 1)
    c = c * sig(f + 1.0) + sig(i) * np.tanh(j)
    h = np.tanh(c) * sig(o)
    return h, (c, h)


CASES = {
    "gru_block": (lambda: r.GRUBlockCell(3), gru, [
        ("gru_cell/w_ru", [7, 6]), ("gru_cell/b_ru", [6]), ("gru_cell/w_c", [7, 3]),
        ("gru_cell/b_c", [3])]),
    "layer_norm_lstm": (lambda: r.LayerNormBasicLSTMCell(3), layer_norm_lstm, [
        ("layer_norm_basic_lstm_cell/kernel", [7, 12])] + [
        ("layer_norm_basic_lstm_cell/%s/%s" % (n, p), [3])
        for n in ("input", "transform", "forget", "output", "state") for p in ("gamma", "beta")]),
    "ugrnn": (lambda: r.UGRNNCell(3), ugrnn, [
        ("ugrnn_cell/kernel", [7, 6]), ("ugrnn_cell/bias", [6])]),
    "intersection": (lambda: r.IntersectionRNNCell(3, num_in_proj=3), intersection, [
        ("intersection_rnn_cell/in_projection/kernel", [4, 3]),
        ("intersection_rnn_cell/in_projection/bias", [3]),
        ("intersection_rnn_cell/kernel", [6, 12]), ("intersection_rnn_cell/bias", [12])]),
    "nas": (lambda: r.NASCell(3, num_proj=2, use_biases=True), nas, [
        ("nas_cell/recurrent_kernel", [2, 24]), ("nas_cell/kernel", [4, 24]),
        ("nas_cell/bias", [24]), ("nas_cell/projection_weights", [3, 2])]),
    "indrnn": (lambda: r.IndRNNCell(3), indrnn, [
        ("ind_rnn_cell/kernel_w", [4, 3]), ("ind_rnn_cell/kernel_u", [1, 3]),
        ("ind_rnn_cell/bias", [3])]),
    "indy_lstm": (lambda: r.IndyLSTMCell(3), indy_lstm, [
        ("indy_lstm_cell/kernel_w", [4, 12]), ("indy_lstm_cell/kernel_u", [1, 12]),
        ("indy_lstm_cell/bias", [12])]),
    "attention": (lambda: r.AttentionCellWrapper(r.BasicLSTMCell(3), 2), attention, [
        ("attention_cell_wrapper/kernel", [7, 4]), ("attention_cell_wrapper/bias", [4]),
        ("attention_cell_wrapper/basic_lstm_cell/kernel", [7, 12]),
        ("attention_cell_wrapper/basic_lstm_cell/bias", [12]),
        ("attention_cell_wrapper/attention/attn_w", [1, 1, 3, 3]),
        ("attention_cell_wrapper/attention/attn_v", [3]),
        ("attention_cell_wrapper/attention/kernel", [6, 3]),
        ("attention_cell_wrapper/attention/bias", [3]),
        ("attention_cell_wrapper/attn_output_projection/kernel", [6, 3]),
        ("attention_cell_wrapper/attn_output_projection/bias", [3])]),
}


def _set_weights(sess, variables, prefix):
    rng = np.random.RandomState(1)
    weights = {}
    for v in variables:
        value = rng.uniform(-0.7, 0.7, v.shape.as_list())
        v.load(value, sess)
        weights[v.op.name[len(prefix):]] = value
    return weights


def indy_gru(w, x, h):
    ru = sig(x @ w["gates/kernel_w"] + np.tile(h, [1, 2]) * w["gates/kernel_u"] +
             w["gates/bias"])
    rr, u = np.split(ru, 2, 1)
    c = np.tanh(x @ w["candidate/kernel"] + rr * h * w["candidate/kernel_u"] +
                w["candidate/bias"])
    return u * h + (1 - u) * c, u * h + (1 - u) * c


CASES["indy_gru"] = (lambda: r.IndyGRUCell(3), indy_gru, [
    ("indy_gru_cell/gates/kernel_w", [4, 6]), ("indy_gru_cell/gates/kernel_u", [1, 6]),
    ("indy_gru_cell/gates/bias", [6]), ("indy_gru_cell/candidate/kernel", [4, 3]),
    ("indy_gru_cell/candidate/kernel_u", [1, 3]), ("indy_gru_cell/candidate/bias", [3])])


FLOAT32 = {"attention"}  # (its attention variables are float32 whatever the inputs, as in TF)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cell_matches_its_equations(name):
    make, reference, names = CASES[name]
    dtype = tf.float32 if name in FLOAT32 else tf.float64
    tol = dict(rtol=2e-5, atol=1e-6) if name in FLOAT32 else dict(rtol=1e-10, atol=1e-12)
    x = tf.placeholder(dtype, [BATCH, STEPS, DEPTH])
    cell = make()
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=dtype)
    variables = tf.global_variables()
    assert [(v.op.name, v.shape.as_list()) for v in variables] == \
        [("rnn/" + n, s) for n, s in names]
    with tf.Session() as sess:
        w = _set_weights(sess, variables, "rnn/" + names[0][0].split("/")[0] + "/")
        got, got_state = sess.run([outputs, state], {x: X})
        error = compute_gradient_error(x, [BATCH, STEPS, DEPTH], outputs[-1],
                                       outputs[-1].shape.as_list(), x_init_value=X,
                                       delta=1e-6 if dtype == tf.float64 else 1e-2,
                                       session=sess)
    want_state = tf.nest.map_structure(lambda s: np.zeros([BATCH] + [s]), cell.state_size)
    for t in range(STEPS):
        want, want_state = reference(w, X[:, t], want_state)
        np.testing.assert_allclose(got[t], want, **tol)
    for g, s in zip(tf.nest.flatten(got_state), tf.nest.flatten(want_state)):
        np.testing.assert_allclose(g, s, **tol)
    assert error < (1e-7 if dtype == tf.float64 else 2e-3)


def test_conv_lstm_cells():
    """Conv2DLSTMCell over [batch, h, w, c] images: the gates are SAME convolutions of
    [input, h]; the scope is `conv_lstm_cell` (TF 1.15 drops the subclasses' names)."""
    x = tf.placeholder(tf.float64, [BATCH, STEPS, 4, 5, 2])
    cell = r.Conv2DLSTMCell(input_shape=[4, 5, 2], output_channels=3, kernel_shape=[3, 3])
    assert cell.output_size.as_list() == [4, 5, 3] and cell.state_size.c.as_list() == [4, 5, 3]
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float64)
    assert outputs.shape.as_list() == [BATCH, STEPS, 4, 5, 3]
    assert [(v.op.name, v.shape.as_list()) for v in tf.global_variables()] == [
        ("rnn/conv_lstm_cell/kernel", [3, 3, 5, 12]), ("rnn/conv_lstm_cell/biases", [12])]
    images = np.random.RandomState(2).uniform(-1, 1, (BATCH, STEPS, 4, 5, 2))
    with tf.Session() as sess:
        w = _set_weights(sess, tf.global_variables(), "rnn/conv_lstm_cell/")
        got, (got_c, _) = sess.run([outputs, state], {x: images})
    c = h = np.zeros((BATCH, 4, 5, 3))
    for t in range(STEPS):
        z = np.pad(np.concatenate([images[:, t], h], -1), [(0, 0), (1, 1), (1, 1), (0, 0)])
        gates = sum(z[:, a:a + 4, b:b + 5] @ w["kernel"][a, b] for a in range(3)
                    for b in range(3)) + w["biases"]
        i, j, f, o = np.split(gates, 4, -1)
        c = sig(f + 1.0) * c + sig(i) * np.tanh(j)
        h = np.tanh(c) * sig(o)
        np.testing.assert_allclose(got[:, t], h, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_c, c, rtol=1e-10, atol=1e-12)
    # skip_connection puts the inputs after the output channels (and, as in TF 1.15, in the
    # state's h too, so such a cell only runs one step)
    skip = r.Conv2DLSTMCell(input_shape=[4, 5, 2], output_channels=3, kernel_shape=[3, 3],
                            skip_connection=True)
    assert skip.output_size.as_list() == [4, 5, 5]
    out, (_, skip_h) = skip(tf.ones([1, 4, 5, 2]), skip.zero_state(1, tf.float32))
    assert out.shape.as_list() == skip_h.shape.as_list() == [1, 4, 5, 5]
    with pytest.raises(ValueError, match=r"Invalid input_shape \[4, 2\] for conv_ndims=2."):
        r.ConvLSTMCell(2, [4, 2], 3, [3])
    one_d = r.Conv1DLSTMCell(input_shape=[6, 2], output_channels=2, kernel_shape=[3])
    out, _ = tf.nn.dynamic_rnn(one_d, tf.zeros([1, 2, 6, 2]), dtype=tf.float32, scope="c1")
    three_d = r.Conv3DLSTMCell(input_shape=[2, 3, 4, 1], output_channels=2,
                               kernel_shape=[1, 3, 3], use_bias=False)
    out3, _ = tf.nn.dynamic_rnn(three_d, tf.zeros([1, 2, 2, 3, 4, 1]), dtype=tf.float32,
                                scope="c3")
    assert out.shape.as_list() == [1, 2, 6, 2] and out3.shape.as_list() == [1, 2, 2, 3, 4, 2]
    assert tf.get_default_graph().get_tensor_by_name("c3/conv_lstm_cell/kernel:0") \
        .shape.as_list() == [1, 3, 3, 3, 8]


def test_layer_norm_lstm_options_and_dropout():
    """Without layer_norm the cell is BasicLSTMCell's equations with a `bias`; the recurrent
    dropout drops the candidate only (a seeded mask, kept values scaled by 1 / keep)."""
    x = tf.constant(X[:, 0])
    plain = r.LayerNormBasicLSTMCell(3, layer_norm=False, forget_bias=0.5)
    out, _ = plain(x, plain.zero_state(BATCH, tf.float64))
    assert [v.op.name for v in tf.global_variables()] == [
        "layer_norm_basic_lstm_cell/kernel", "layer_norm_basic_lstm_cell/bias"]
    dropped = r.LayerNormBasicLSTMCell(3, dropout_keep_prob=0.5, dropout_prob_seed=3)
    d_out, (d_c, _) = dropped(x, dropped.zero_state(BATCH, tf.float64))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, bias = sess.run(tf.global_variables()[:2])
        got = sess.run(out)
        c1, c2 = sess.run(d_c), sess.run(d_c)
    i, j, f, o = np.split(np.concatenate([X[:, 0], np.zeros((BATCH, 3))], 1) @ kernel + bias,
                          4, 1)
    c = sig(i) * np.tanh(j)
    np.testing.assert_allclose(got, np.tanh(c) * sig(o), rtol=1e-12)
    assert not np.array_equal(c1, c2)  # a new mask per run


def test_misuse_raises_tfs_errors():
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size must be "):
        r.GRUBlockCell()
    with pytest.raises(ValueError, match="Exactly one of num_units or cell_size must be "):
        r.GRUBlockCellV2(3, cell_size=3)
    with pytest.raises(ValueError, match="attn_length should be greater than zero, got 0"):
        r.AttentionCellWrapper(r.GRUCell(2), 0)
    with pytest.raises(ValueError, match="Cell returns tuple of states, but the flag "
                       "state_is_tuple is not set. State size is: "):
        r.AttentionCellWrapper(r.BasicLSTMCell(2), 2, state_is_tuple=False)
    with pytest.raises(TypeError, match="The parameter cell is not RNNCell."):
        r.AttentionCellWrapper("cell", 2)
    cell = r.IntersectionRNNCell(3)
    with pytest.raises(ValueError, match="Must have input size == output size for "
                       "Intersection RNN. To fix, num_in_proj should be set to num_units"):
        cell(tf.zeros([2, 4]), tf.zeros([2, 3]))


def test_attention_wrapper_with_a_concatenated_state():
    """state_is_tuple=False: the cell's state, the read and the window side by side."""
    cell = r.AttentionCellWrapper(r.GRUCell(3), 2, state_is_tuple=False)
    assert cell.state_size == 3 + 3 + 6
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(tf.constant(X, tf.float32), axis=1),
                                      dtype=tf.float32)
    assert state.shape.as_list() == [BATCH, 12] and outputs[-1].shape.as_list() == [BATCH, 3]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_state, got = sess.run([state, outputs[-1]])
    np.testing.assert_array_equal(got_state[:, -3:], got)  # the newest output ends the window


def test_cells_train():
    """Each cell learns to sum its inputs' signs over time: the loss drops."""
    rng = np.random.RandomState(3)
    xs = rng.uniform(-1, 1, (16, 5, 2)).astype(np.float32)
    ys = np.sign(xs.sum((1, 2)))[:, None].astype(np.float32)
    losses = {}
    for name, cell in [("ugrnn", r.UGRNNCell(8)), ("indy", r.IndyLSTMCell(8)),
                       ("nas", r.NASCell(8)), ("ln", r.LayerNormBasicLSTMCell(8)),
                       ("gru", r.GRUBlockCell(8)), ("ind", r.IndRNNCell(8))]:
        with tf.Graph().as_default():
            tf.set_random_seed(0)
            _, state = tf.nn.dynamic_rnn(cell, tf.constant(xs), dtype=tf.float32)
            h = state.h if isinstance(state, tuple) else state
            loss = tf.reduce_mean((tf.layers.dense(h, 1) - ys) ** 2)
            train = tf.train.AdamOptimizer(0.05).minimize(loss)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                first = sess.run(loss)
                for _ in range(25):
                    sess.run(train)
                losses[name] = (first, sess.run(loss))
    assert all(last < first / 2 for first, last in losses.values()), losses


def test_lstm_block_fused_cell():
    """The fused cell over time-major inputs with lengths: LSTMCell's steps (peepholes
    included), zero outputs past a length, the final state at the length; a list of steps in
    gives a list out; the same cell object called again shares its variables."""
    lengths = np.array([3, 1])
    x = tf.placeholder(tf.float64, [STEPS, BATCH, DEPTH])
    cell = r.LSTMBlockFusedCell(3, forget_bias=0.5, use_peephole=True)
    outputs, (c, h) = cell(x, dtype=tf.float64, sequence_length=lengths)
    again, _ = cell(tf.unstack(x), dtype=tf.float64)
    assert isinstance(again, list) and len(again) == STEPS
    assert outputs.shape.as_list() == [STEPS, BATCH, 3]
    assert sorted((v.op.name, v.shape.as_list()) for v in tf.global_variables()) == [
        ("lstm_fused_cell/bias", [12]), ("lstm_fused_cell/kernel", [7, 12]),
        ("lstm_fused_cell/w_f_diag", [3]), ("lstm_fused_cell/w_i_diag", [3]),
        ("lstm_fused_cell/w_o_diag", [3])]
    xs = X.transpose(1, 0, 2)
    with tf.Session() as sess:
        w = _set_weights(sess, tf.global_variables(), "lstm_fused_cell/")
        got, got_c, got_h, got_again = sess.run([outputs, c, h, again], {x: xs})
    state = (np.zeros((BATCH, 3)), np.zeros((BATCH, 3)))
    finals = {}
    for t in range(STEPS):
        cp, hp = state
        i, j, f, o = np.split(np.concatenate([xs[t], hp], 1) @ w["kernel"] + w["bias"], 4, 1)
        cn = sig(f + 0.5 + w["w_f_diag"] * cp) * cp + sig(i + w["w_i_diag"] * cp) * np.tanh(j)
        hn = sig(o + w["w_o_diag"] * cn) * np.tanh(cn)
        state = (cn, hn)
        np.testing.assert_allclose(got_again[t], hn, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(got[t], hn * (t < lengths)[:, None], rtol=1e-10, atol=1e-12)
        for b in range(BATCH):
            if t + 1 == lengths[b]:
                finals[b] = (cn[b], hn[b])
    np.testing.assert_allclose(got_c, [finals[0][0], finals[1][0]], rtol=1e-10)
    np.testing.assert_allclose(got_h, [finals[0][1], finals[1][1]], rtol=1e-10)
    with pytest.raises(ValueError, match="Either initial_state or dtype needs to be specified"):
        cell(x)
    with pytest.raises(ValueError, match="Expecting initial_state to be a tuple with length 2"):
        cell(x, initial_state=(tf.zeros([2, 3]),))


def test_variables_made_in_call_are_the_cells():
    """As TF's layers track them: a cell's `variables` holds what get_variable made in its
    scope during its calls (contrib's cells make theirs in `call`), and a wrapper's holds the
    wrapped cell's."""
    cell = r.LayerNormBasicLSTMCell(2)
    wrapped = r.AttentionCellWrapper(r.UGRNNCell(2), 2)
    tf.nn.static_rnn(cell, [tf.zeros([1, 3])] * 2, dtype=tf.float32, scope="a")
    tf.nn.dynamic_rnn(wrapped, tf.zeros([1, 2, 3]), dtype=tf.float32, scope="b")
    assert cell.variables == [v for v in tf.global_variables() if v.name.startswith("a/")]
    assert len(cell.variables) == 11 and cell.trainable_variables == cell.variables
    assert wrapped.variables == [v for v in tf.global_variables() if v.name.startswith("b/")]
    assert "b/attention_cell_wrapper/ugrnn_cell/kernel:0" in [v.name for v in wrapped.variables]
