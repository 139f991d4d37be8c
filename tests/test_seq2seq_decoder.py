"""tf.contrib.seq2seq's decoding API against TF: the cases of tests/seq2seq_decoder_cases.py
(recorded from tfa.seq2seq, contrib.seq2seq's TF2 port, by
tests/record_tf_seq2seq_decoder.py) built as a TF1 program would (TrainingHelper or
GreedyEmbeddingHelper, BasicDecoder, dynamic_decode) give TF's outputs, sample ids, final
states, lengths, gradients and static shapes, and TF 1.15's variable names; the other helpers,
errors and a small training run."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests.seq2seq_decoder_cases import CASES, case_arrays, loss_weights

seq2seq = tf.contrib.seq2seq
with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_seq2seq_decoder.json")) as f:
    RECORDED = json.load(f)["cases"]
CELLS = {"lstm": tf.nn.rnn_cell.BasicLSTMCell, "gru": tf.nn.rnn_cell.GRUCell,
         "rnn": tf.nn.rnn_cell.BasicRNNCell}


def build(name, batch):
    """The case as a TF1 program; `batch` is the placeholders' static batch (None: unknown).
    Returns (dynamic_decode's results, feeds-maker, the weights)."""
    case = CASES[name]
    weights, data, state = case_arrays(name)
    cell = CELLS[case["cell"]](case["units"])
    states = [tf.placeholder(tf.float32, [batch, case["units"]]) for _ in state]
    init = tf.nn.rnn_cell.LSTMStateTuple(*states) if case["cell"] == "lstm" else states[0]
    dense = tf.layers.Dense(case["dense"]) if case["dense"] else None
    if case["helper"] == "training":
        dims = [None, batch, case["depth"]] if case.get("time_major") else \
            [batch, None, case["depth"]]
        inputs = tf.placeholder(tf.float32, dims)
        lengths = tf.placeholder(tf.int32, [batch])
        helper = seq2seq.TrainingHelper(inputs, lengths, time_major=case.get("time_major",
                                                                             False))
        feeds = {inputs: data, lengths: case["lengths"]}
    else:
        embedding = tf.constant(data)
        start = tf.fill(tf.shape(states[0])[:1], 1)
        if case.get("callable"):
            helper = seq2seq.GreedyEmbeddingHelper(
                lambda ids: tf.tanh(tf.nn.embedding_lookup(embedding, ids)), start,
                case["end_token"])
        else:
            helper = seq2seq.GreedyEmbeddingHelper(embedding, start, case["end_token"])
        feeds = {}
    feeds.update(zip(states, state))
    decoder = seq2seq.BasicDecoder(cell, helper, init, output_layer=dense)
    results = seq2seq.dynamic_decode(decoder, output_time_major=case.get("time_major", False),
                                     impute_finished=case.get("impute", False),
                                     maximum_iterations=case.get("max_iter"))
    return results, feeds, weights


def static(results):
    outputs, state, lengths = results
    return {"rnn_output": outputs.rnn_output.shape.as_list(),
            "sample_id": outputs.sample_id.shape.as_list(),
            "state": [s.shape.as_list() for s in tf.nest.flatten(state)],
            "lengths": lengths.shape.as_list()}


def assert_close(got, want, what):
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                               rtol=2e-5, atol=2e-6, err_msg=what)


@pytest.mark.parametrize("name", sorted(CASES))
def test_decoders_match_tf(name):
    want = RECORDED[name]
    case = CASES[name]
    with tf.Graph().as_default():
        (outputs, state, lengths), feeds, weights = build(name, case["batch"])
        assert static((outputs, state, lengths)) == want["shapes_known_batch"]
        variables = tf.global_variables()
        assert [v.op.name for v in variables] == [n for n, _ in weights]
        rnn_output = outputs.rnn_output
        if case.get("time_major"):
            rnn_output = tf.transpose(rnn_output, [1, 0, 2])
        w = tf.constant(loss_weights(name, len(want["rnn_output"][0] if not
                                               case.get("time_major") else want["rnn_output"])))
        grads = tf.gradients(tf.reduce_sum(rnn_output * w), variables)
        with tf.Session() as sess:
            for v, (_, value) in zip(variables, weights):
                v.load(value, sess)
            got = sess.run({"out": outputs, "state": tf.nest.flatten(state), "len": lengths,
                            "grads": grads}, feeds)
    assert_close(got["out"].rnn_output, want["rnn_output"], "rnn_output")
    assert got["out"].sample_id.dtype == np.int32
    assert got["out"].sample_id.tolist() == want["sample_id"]
    assert got["len"].tolist() == want["lengths"]
    for g, s in zip(got["state"], want["state"]):
        assert_close(g, s, "state")
    for v, g, s in zip(variables, got["grads"], want["grads"]):
        assert_close(g, s, "gradient of " + v.op.name)


@pytest.mark.parametrize("name", sorted(n for n in CASES if RECORDED[n]["shapes_unknown_batch"]))
def test_static_shapes_with_unknown_batch(name):
    with tf.Graph().as_default():
        results, _, _ = build(name, None)
        assert static(results) == RECORDED[name]["shapes_unknown_batch"]


def _lstm_decoder(helper, batch=2, units=4, vocab=5, scope=None):
    cell = tf.nn.rnn_cell.BasicLSTMCell(units)
    decoder = seq2seq.BasicDecoder(cell, helper, cell.zero_state(batch, tf.float32),
                                   output_layer=tf.layers.Dense(vocab))
    return decoder


def test_scope_and_output_size_rules():
    with tf.Graph().as_default():
        helper = seq2seq.TrainingHelper(tf.zeros([2, 3, 4]), [3, 1])
        decoder = _lstm_decoder(helper)
        assert decoder.output_size == seq2seq.BasicDecoderOutput(tf.TensorShape([5]),
                                                                 tf.TensorShape([]))
        assert decoder.output_dtype == seq2seq.BasicDecoderOutput(tf.float32, tf.int32)
        assert not decoder.tracks_own_finished
        outputs, _, _ = seq2seq.dynamic_decode(decoder, scope="my_decoder")
        assert [v.op.name for v in tf.global_variables()] == [
            "my_decoder/basic_lstm_cell/kernel", "my_decoder/basic_lstm_cell/bias",
            "my_decoder/dense/kernel", "my_decoder/dense/bias"]
        # without an output layer, rnn_output is the cell's output (a plain int size)
        cell = tf.nn.rnn_cell.GRUCell(3)
        plain = seq2seq.BasicDecoder(cell, helper, cell.zero_state(2, tf.float64))
        assert plain.output_size == seq2seq.BasicDecoderOutput(3, tf.TensorShape([]))
        assert plain.output_dtype == seq2seq.BasicDecoderOutput(tf.float64, tf.int32)


def test_zero_maximum_iterations_decodes_nothing():
    # TF 1.15: every entry starts finished, the loop never runs, the stacked outputs are empty
    with tf.Graph().as_default():
        helper = seq2seq.GreedyEmbeddingHelper(tf.ones([5, 3]), [1, 1], 2)
        outputs, state, lengths = seq2seq.dynamic_decode(_lstm_decoder(helper),
                                                         maximum_iterations=0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out, n = sess.run([outputs, lengths])
    assert out.rnn_output.shape == (2, 0, 5) and out.sample_id.shape == (2, 0)
    assert n.tolist() == [0, 0]


def test_custom_and_inference_helpers():
    with tf.Graph().as_default():
        vocab = tf.constant(np.eye(5, dtype=np.float32))
        custom = seq2seq.CustomHelper(
            initialize_fn=lambda: (tf.constant([False, False]), tf.zeros([2, 5])),
            sample_fn=lambda time, outputs, state: tf.argmax(outputs, -1, output_type=tf.int32),
            next_inputs_fn=lambda time, outputs, state, sample_ids: (
                tf.greater_equal(time + 1, tf.constant([2, 3])),
                tf.nn.embedding_lookup(vocab, sample_ids), state))
        with pytest.raises(ValueError, match="batch_size accessed before initialize was called"):
            custom.batch_size
        out_c, _, len_c = seq2seq.dynamic_decode(_lstm_decoder(custom))
        inference = seq2seq.InferenceHelper(
            sample_fn=lambda outputs: tf.nn.softmax(outputs), sample_shape=[5],
            sample_dtype=tf.float32, start_inputs=tf.zeros([2, 5]),
            end_fn=lambda sample_ids: tf.greater(sample_ids[:, 0], 2.0))
        decoder = _lstm_decoder(inference)
        assert decoder.output_size.sample_id == tf.TensorShape([5])
        assert decoder.output_dtype.sample_id == tf.float32
        out_i, _, len_i = seq2seq.dynamic_decode(decoder, maximum_iterations=3)
        assert out_i.sample_id.shape.as_list() == [2, None, 5]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            c, nc, i, ni = sess.run([out_c, len_c, out_i, len_i])
    assert nc.tolist() == [2, 3] and c.rnn_output.shape == (2, 3, 5)
    assert c.sample_id.tolist() == np.argmax(c.rnn_output, -1).tolist()
    assert ni.tolist() == [3, 3]
    np.testing.assert_allclose(i.sample_id.sum(-1), 1.0, rtol=1e-5)


def test_sample_embedding_helper_is_seeded_and_valid():
    def draws(seed):
        with tf.Graph().as_default():
            tf.set_random_seed(7)
            helper = seq2seq.SampleEmbeddingHelper(tf.ones([6, 3]) * 0.1, tf.fill([50], 0), 5,
                                                   softmax_temperature=2.0, seed=seed)
            outputs, _, lengths = seq2seq.dynamic_decode(_lstm_decoder(helper, batch=50,
                                                                       vocab=6),
                                                         maximum_iterations=4)
            assert outputs.sample_id.dtype == tf.int32
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                return sess.run([outputs.sample_id, lengths])
    ids, lengths = draws(3)
    again, _ = draws(3)
    other, _ = draws(4)
    assert ids.tolist() == again.tolist() and ids.tolist() != other.tolist()
    assert ids.min() >= 0 and ids.max() < 6 and len(set(ids.ravel().tolist())) > 2
    # an entry stops at its first end token (5), or after 4 steps
    for row, n in zip(ids, lengths):
        ends = np.flatnonzero(row == 5)
        assert n == (ends[0] + 1 if len(ends) else 4)


def test_scheduled_embedding_training_helper():
    x = np.random.RandomState(0).randn(3, 4, 5).astype(np.float32)

    def run(probability):
        with tf.Graph().as_default():
            tf.set_random_seed(1)
            helper = seq2seq.ScheduledEmbeddingTrainingHelper(
                x, [4, 2, 3], tf.constant(np.eye(5, dtype=np.float32)), probability, seed=2,
                scheduling_seed=3)
            cell, dense = tf.nn.rnn_cell.BasicLSTMCell(4), tf.layers.Dense(5)
            outputs, _, lengths = seq2seq.dynamic_decode(seq2seq.BasicDecoder(
                cell, helper, cell.zero_state(3, tf.float32), dense))
            with tf.variable_scope(tf.get_variable_scope(), reuse=True):
                train = seq2seq.dynamic_decode(seq2seq.BasicDecoder(
                    cell, seq2seq.TrainingHelper(x, [4, 2, 3]), cell.zero_state(3, tf.float32),
                    dense))[0]
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                return sess.run([outputs, lengths, train])
    never, n, teacher = run(0.0)
    assert n.tolist() == [4, 2, 3]
    assert (never.sample_id == -1).all()
    np.testing.assert_allclose(never.rnn_output, teacher.rnn_output, rtol=1e-6)
    always, _, _ = run(1.0)
    assert (always.sample_id >= 0).all() and (always.sample_id < 5).all()
    assert not np.allclose(always.rnn_output[0, 1:], teacher.rnn_output[0, 1:])
    with pytest.raises(ValueError, match="sampling_probability must be either a scalar or a "
                                         "vector"):
        seq2seq.ScheduledEmbeddingTrainingHelper(x, [4, 2, 3], tf.ones([5, 5]),
                                                 tf.ones([2, 2]))


def test_misuse_raises_tf_errors():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="Expected decoder to be type Decoder, but saw"):
            seq2seq.dynamic_decode("decoder")
        with pytest.raises(ValueError, match="Expected sequence_length to be a vector"):
            seq2seq.TrainingHelper(tf.zeros([2, 3, 4]), 3)
        with pytest.raises(ValueError, match="start_tokens must be a vector"):
            seq2seq.GreedyEmbeddingHelper(tf.ones([5, 3]), 1, 2)
        with pytest.raises(ValueError, match="end_token must be a scalar"):
            seq2seq.GreedyEmbeddingHelper(tf.ones([5, 3]), [1], [2])
        helper = seq2seq.GreedyEmbeddingHelper(tf.ones([5, 3]), [1, 1], 2)
        cell = tf.nn.rnn_cell.GRUCell(3)
        with pytest.raises(TypeError, match="helper must be a Helper, received"):
            seq2seq.BasicDecoder(cell, "helper", cell.zero_state(2, tf.float32))
        with pytest.raises(TypeError, match="output_layer must be a Layer, received"):
            seq2seq.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32), tf.tanh)
        with pytest.raises(ValueError, match="maximum_iterations must be a scalar"):
            seq2seq.dynamic_decode(_lstm_decoder(helper), maximum_iterations=[3])
        with pytest.raises(TypeError, match="Expected outputs to be a single Tensor"):
            helper.sample(0, (tf.zeros([2, 3]),), None)


def test_copy_task_trains_end_to_end():
    """An encoder (dynamic_rnn) and a teacher-forced decoder learn to copy a 3-token sequence;
    a greedy decoder sharing its variables (reuse) is built next to it."""
    rng = np.random.RandomState(0)
    vocab, go = 6, 0
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        src = tf.placeholder(tf.int32, [None, 3])
        embedding = tf.get_variable("embedding", [vocab, 8])
        encoder_cell = tf.nn.rnn_cell.GRUCell(16, name="encoder")
        _, state = tf.nn.dynamic_rnn(encoder_cell, tf.nn.embedding_lookup(embedding, src),
                                     dtype=tf.float32)
        batch = tf.shape(src)[0]
        dec_in = tf.concat([tf.fill([batch, 1], go), src[:, :-1]], 1)
        cell = tf.nn.rnn_cell.GRUCell(16)
        projection = tf.layers.Dense(vocab, use_bias=False)
        helper = seq2seq.TrainingHelper(tf.nn.embedding_lookup(embedding, dec_in),
                                        tf.fill([batch], 3))
        outputs, _, _ = seq2seq.dynamic_decode(seq2seq.BasicDecoder(cell, helper, state,
                                                                    projection))
        loss = seq2seq.sequence_loss(outputs.rnn_output, src, tf.ones([batch, 3]))
        train = tf.train.AdamOptimizer(0.05).minimize(loss)
        with tf.variable_scope(tf.get_variable_scope(), reuse=True):
            greedy = seq2seq.GreedyEmbeddingHelper(embedding, tf.fill([batch], go), -1)
            inferred, _, _ = seq2seq.dynamic_decode(
                seq2seq.BasicDecoder(cell, greedy, state, projection), maximum_iterations=3)
        assert len(tf.trainable_variables()) == 10  # embedding, 2 GRUs, the projection
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            data = rng.randint(1, vocab, (32, 3))
            first = sess.run(loss, {src: data})
            for _ in range(60):
                sess.run(train, {src: data})
            last, ids = sess.run([loss, inferred.sample_id], {src: data})
    assert last < 0.25 * first
    assert (ids == data).mean() > 0.8
