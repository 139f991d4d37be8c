"""tf.contrib.legacy_seq2seq against TF: the programs of tests/legacy_seq2seq_programs.py
(recorded by tests/record_tf_legacy_seq2seq.py, TF 1.15's definitions on TF 2.15's cells and
ops) give TF's variable names and shapes, outputs, states, losses and gradients; the
char-rnn and translate models train; misuse raises TF's errors."""

import copy
import json
import os

import numpy as np
import pytest

import minitf as tf
from tests.legacy_seq2seq_programs import PROGRAMS, errors, losses, run_program

legacy = tf.contrib.legacy_seq2seq
with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_legacy_seq2seq.json")) as f:
    RECORDED = json.load(f)


def assert_close(got, want, path=""):
    if isinstance(want, dict):
        assert sorted(got) == sorted(want), path
        for k in want:
            assert_close(got[k], want[k], path + "/" + k)
    elif isinstance(want, list) and want and isinstance(want[0], (list, dict)) and \
            not isinstance(got, np.ndarray):
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, "%s[%d]" % (path, i))
    else:
        np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                                   rtol=2e-5, atol=2e-6, err_msg=path)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_programs_match_tf(name):
    got = run_program(tf, legacy, name)
    want = RECORDED[name]
    assert got["variables"] == want["variables"]
    assert_close(got["runs"], want["runs"])


def test_losses_match_tf():
    with tf.Graph().as_default():
        got = losses(tf, legacy)
    want = RECORDED["losses"]
    assert got.pop("names") == want.pop("names")
    assert_close(got, want)


def test_errors_are_tfs():
    with tf.Graph().as_default():
        assert errors(tf, legacy) == RECORDED["errors"]


def test_char_rnn_trains_and_samples():
    """sherjilozair/char-rnn-tensorflow's Model: train it on a repeating text, then sample from
    the same weights with infer=True (batch 1, one step, the loop_function)."""
    text = np.array([0, 1, 2, 3, 2, 1] * 12, np.int32)
    vocab, size, steps, batch = 4, 16, 6, 4

    def model(infer):
        b, n = (1, 1) if infer else (batch, steps)
        x = tf.placeholder(tf.int32, [b, n])
        y = tf.placeholder(tf.int32, [b, n])
        cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(size)
                                            for _ in range(2)])
        initial_state = cell.zero_state(b, tf.float32)
        with tf.variable_scope("rnnlm"):
            softmax_w = tf.get_variable("softmax_w", [size, vocab])
            softmax_b = tf.get_variable("softmax_b", [vocab])
            embedding = tf.get_variable("embedding", [vocab, size])
            inputs = [tf.squeeze(i, [1]) for i in
                      tf.split(tf.nn.embedding_lookup(embedding, x), n, 1)]

        def loop(prev, _):
            prev = tf.matmul(prev, softmax_w) + softmax_b
            return tf.nn.embedding_lookup(embedding, tf.stop_gradient(tf.argmax(prev, 1)))
        outputs, state = legacy.rnn_decoder(inputs, initial_state, cell,
                                            loop_function=loop if infer else None,
                                            scope="rnnlm")
        logits = tf.matmul(tf.reshape(tf.concat(outputs, 1), [-1, size]), softmax_w) + softmax_b
        loss = legacy.sequence_loss_by_example([logits], [tf.reshape(y, [-1])],
                                               [tf.ones([b * n])])
        cost = tf.reduce_sum(loss) / b / n
        return x, y, initial_state, state, tf.nn.softmax(logits), cost

    tf.set_random_seed(1)
    with tf.variable_scope("model"):
        x, y, _, _, _, cost = model(False)
        train = tf.train.AdamOptimizer(0.05).minimize(cost)
    with tf.variable_scope("model", reuse=True):
        sx, _, s_init, s_state, probs, _ = model(True)
    assert len(tf.trainable_variables()) == 7  # the sampler shares the trained weights
    starts = np.arange(batch) * 11
    xs = np.stack([text[s:s + steps] for s in starts])
    ys = np.stack([text[s + 1:s + steps + 1] for s in starts])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(cost, {x: xs, y: ys})
        for _ in range(40):
            last, _ = sess.run([cost, train], {x: xs, y: ys})
        assert last < first / 4
        state, char, sampled = sess.run(s_init), 0, []
        for _ in range(6):
            p, state = sess.run([probs, s_state], {sx: [[char]], s_init: state})
            char = int(np.argmax(p))
            sampled.append(char)
    assert sampled == [1, 2, 3, 2, 1, 0]


def test_translate_model_trains_with_buckets():
    """The translate tutorial's Seq2SeqModel core: embedding_attention_seq2seq with an output
    projection and sampled-softmax-free loss in model_with_buckets, trained by SGD on a copy
    task: the loss of every bucket drops."""
    tf.set_random_seed(2)
    buckets = [(3, 3), (4, 5)]
    enc = [tf.placeholder(tf.int32, [None], name="encoder%d" % i) for i in range(4)]
    dec = [tf.placeholder(tf.int32, [None], name="decoder%d" % i) for i in range(6)]
    wts = [tf.placeholder(tf.float32, [None], name="weight%d" % i) for i in range(5)]
    targets = dec[1:]
    w = tf.get_variable("proj_w", [8, 6])
    b = tf.get_variable("proj_b", [6])
    cell = tf.nn.rnn_cell.GRUCell(8)

    def seq2seq_f(encoder_inputs, decoder_inputs):
        return legacy.embedding_attention_seq2seq(
            encoder_inputs, decoder_inputs, copy.deepcopy(cell), num_encoder_symbols=6,
            num_decoder_symbols=6, embedding_size=8, output_projection=(w, b),
            feed_previous=False)
    outputs, losses = legacy.model_with_buckets(
        enc, dec, targets, wts, buckets, seq2seq_f,
        softmax_loss_function=lambda labels, logits: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=tf.nn.xw_plus_b(logits, w, b)))  # (the output projection)
    assert [len(o) for o in outputs] == [3, 5] and outputs[1][0].shape.as_list() == [None, 8]
    names = [v.op.name for v in tf.trainable_variables()]
    assert "embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/AttnW_0" \
        in names and len(names) == len(set(names)) == 20
    opt = tf.train.GradientDescentOptimizer(0.5)
    updates = [opt.minimize(l) for l in losses]
    rng = np.random.RandomState(0)
    src = rng.randint(2, 6, (8, 4)).astype(np.int32)
    feed = {p: src[:, i] for i, p in enumerate(enc)}
    tgt = np.concatenate([np.ones((8, 1)), src, np.zeros((8, 1))], 1).astype(np.int32)  # GO, EOS
    feed.update({p: tgt[:, i] for i, p in enumerate(dec)})
    feed.update({p: np.ones(8, np.float32) for p in wts})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(losses, feed)
        for step in range(60):
            sess.run(updates[step % 2], feed)
        last = sess.run(losses, feed)
    assert all(l < f * 0.5 for f, l in zip(first, last)), (first, last)


def test_a_nested_tuple_of_tensors_is_fed_its_structure():
    """TF1 feeds an RNN's state tuple by the tuple itself (the char-rnn sampler does)."""
    a, b = tf.placeholder(tf.float32, [2]), tf.placeholder(tf.float32, [2])
    state = tf.nn.rnn_cell.LSTMStateTuple(a, b)
    with tf.Session() as sess:
        got = sess.run(a - b, {state: tf.nn.rnn_cell.LSTMStateTuple(np.ones(2), np.array([3., 4.]))})
        np.testing.assert_array_equal(got, [-2, -3])
        assert sess.run(a * b, {((a,), b): ((np.array([2, 2]),), np.array([1, 5]))}).tolist() == [2, 10]
        with pytest.raises(ValueError) as e:
            sess.run(a + b, {(a, b): np.ones(2)})
    assert str(e.value) == (
        "Could not flatten dictionary. Key had 2 elements, but value had 1 elements. Key: "
        "[<tf.Tensor 'Placeholder:0' shape=(2,) dtype=float32>, <tf.Tensor 'Placeholder_1:0' "
        "shape=(2,) dtype=float32>], value: [array([1., 1.])].")  # (TF's words)
