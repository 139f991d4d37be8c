"""tf.contrib.seq2seq's decoding API against TF: the cases of tests/seq2seq_decoder_cases.py
(recorded from tfa.seq2seq, contrib.seq2seq's TF2 port, by
tests/record_tf_seq2seq_decoder.py) built as a TF1 program would (TrainingHelper or
GreedyEmbeddingHelper, BasicDecoder, dynamic_decode; BeamSearchDecoder, also over an
AttentionWrapper) give TF's outputs, sample ids, beams, scores, final states, lengths,
gradients and static shapes, and TF 1.15's variable names; gather_tree gives TF's beams; the
other helpers, tile_batch, errors and a small training run."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests.seq2seq_decoder_cases import (ATTENTION_BEAM, BEAM_CASES, CASES, attention_beam_arrays,
                                         beam_results, case_arrays, gather_tree_inputs,
                                         loss_weights)

seq2seq = tf.contrib.seq2seq
with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_seq2seq_decoder.json")) as f:
    FIXTURE = json.load(f)
RECORDED = FIXTURE["cases"]
DECODERS = sorted(set(CASES) - set(BEAM_CASES))
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
    elif case["helper"] == "scheduled_output":
        inputs = tf.placeholder(tf.float32, [batch, None, case["depth"]])
        lengths = tf.placeholder(tf.int32, [batch])
        aux = case.get("aux", 0)
        helper = seq2seq.ScheduledOutputTrainingHelper(
            inputs[..., :case["depth"] - aux], lengths, case["probability"],
            next_inputs_fn=tf.tanh if case.get("fn") else None,
            auxiliary_inputs=inputs[..., case["depth"] - aux:] if aux else None)
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


@pytest.mark.parametrize("name", DECODERS)
def test_decoders_match_tf(name):
    want = RECORDED[name]
    case = CASES[name]
    with tf.Graph().as_default():
        (outputs, state, lengths), feeds, weights = build(name, case["batch"])
        want_shapes = dict(want["shapes_known_batch"])
        if case["helper"] == "scheduled_output":
            # tfa's TF 2 loop loses the batch of its Bernoulli draws; TF 1.15's TensorArray,
            # made with element shape [batch], keeps it
            assert want_shapes["sample_id"] == [None, None]
            want_shapes["sample_id"] = [case["batch"], None]
        assert static((outputs, state, lengths)) == want_shapes
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


@pytest.mark.parametrize("name", [n for n in DECODERS if RECORDED[n]["shapes_unknown_batch"]])
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
        for layer in (tf.tanh, tf.keras.layers.Dense(3)):  # TF 1.15 wants a tf.layers Layer
            with pytest.raises(TypeError, match="output_layer must be a Layer, received"):
                seq2seq.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32), layer)
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


def build_beam(name, batch):
    """The beam case as a TF1 program (initial state tile_batch'ed); `batch` is the static batch
    of the state placeholders. Returns (dynamic_decode's results, feeds, weights)."""
    case = BEAM_CASES[name]
    weights, data, state = case_arrays(name)
    width = case["beam_width"]
    cell = CELLS[case["cell"]](case["units"])
    states = [tf.placeholder(tf.float32, [batch, case["units"]]) for _ in state]
    tiled = seq2seq.tile_batch(states, width)
    init = tf.nn.rnn_cell.LSTMStateTuple(*tiled) if case["cell"] == "lstm" else tiled[0]
    embedding = tf.constant(data)
    if case.get("callable"):
        embedding = (lambda table: lambda ids: tf.tanh(tf.nn.embedding_lookup(table, ids)))(
            embedding)
    decoder = seq2seq.BeamSearchDecoder(
        cell, embedding, tf.fill(tf.shape(states[0])[:1], 1), case["end_token"], init, width,
        output_layer=tf.layers.Dense(case["dense"]) if case["dense"] else None,
        length_penalty_weight=case.get("length_penalty", 0.0))
    results = seq2seq.dynamic_decode(decoder, maximum_iterations=case["max_iter"])
    return results, dict(zip(states, state)), weights


def static_shapes(results):
    return {k: [x.shape.as_list() for x in v] if isinstance(v, list) else v.shape.as_list()
            for k, v in results.items()}


@pytest.mark.parametrize("name", sorted(BEAM_CASES))
def test_beam_search_matches_tf(name):
    want = RECORDED[name]
    with tf.Graph().as_default():
        results, feeds, weights = build_beam(name, BEAM_CASES[name]["batch"])
        fetches = beam_results(*results, tf.nest.flatten)
        assert static_shapes(fetches) == want["shapes_known_batch"]
        variables = tf.global_variables()
        assert [v.op.name for v in variables] == [n for n, _ in weights]
        assert isinstance(results[0], seq2seq.FinalBeamSearchDecoderOutput)
        assert isinstance(results[1], seq2seq.BeamSearchDecoderState)
        assert fetches["state_lengths"].dtype == tf.int64 and fetches["lengths"].dtype == tf.int32
        with tf.Session() as sess:
            for v, (_, value) in zip(variables, weights):
                v.load(value, sess)
            got = sess.run(fetches, feeds)
    for key in ("predicted_ids", "step_ids", "parent_ids", "finished", "state_lengths",
                "lengths"):
        assert got[key].tolist() == want[key], key
    for key in ("scores", "log_probs"):
        assert_close(got[key], want[key], key)
    for g, s in zip(got["cell_state"], want["cell_state"]):
        assert_close(g, s, "cell_state")


@pytest.mark.parametrize("name", sorted(BEAM_CASES))
def test_beam_search_static_shapes_with_unknown_batch(name):
    with tf.Graph().as_default():
        results, _, _ = build_beam(name, None)
        got = static_shapes(beam_results(*results, tf.nest.flatten))
        assert got == RECORDED[name]["shapes_unknown_batch"]


def test_gather_tree_matches_tf():
    for args, want in zip(gather_tree_inputs(), FIXTURE["gather_tree"]):
        with tf.Graph().as_default():
            beams = seq2seq.gather_tree(*args)
            assert beams.op.type == "GatherTree" and beams.dtype == tf.int32
            assert beams.shape.as_list() == list(args[0].shape)
            with tf.Session() as sess:
                assert sess.run(beams).tolist() == want


@pytest.mark.parametrize("memory_shape", ["static", "unknown"])
def test_beam_search_over_attention_with_penalties_matches_tf(memory_shape):
    """BeamSearchDecoder over an AttentionWrapper (tile_batch'ed memory, alignment history)
    with length and coverage penalties: TF's beams, scores, summed attention, and the alignment
    history with its beams put in the final beams' order; also with the memory's batch and
    length unknown to the graph, as an encoder's outputs are in the NMT tutorial (the state
    sizes of the alignments are then tensors)."""
    c = ATTENTION_BEAM
    want = FIXTURE["attention_beam"]
    weights, embedding, memory, state = attention_beam_arrays()
    width = c["beam_width"]
    with tf.Graph().as_default():
        lengths = np.array(c["memory_lengths"])
        batch = c["batch"] * width
        if memory_shape == "unknown":
            memory = tf.placeholder_with_default(memory, [None, None, memory.shape[-1]])
            lengths = tf.placeholder_with_default(lengths, [None])
            batch = tf.shape(memory)[0] * width
        mechanism = seq2seq.LuongAttention(
            c["units"], seq2seq.tile_batch(memory, width),
            memory_sequence_length=seq2seq.tile_batch(lengths, width))
        wrapper = seq2seq.AttentionWrapper(tf.nn.rnn_cell.GRUCell(c["units"]), mechanism,
                                           attention_layer_size=c["attention_size"],
                                           alignment_history=True)
        initial = wrapper.zero_state(batch, tf.float32).clone(
            cell_state=seq2seq.tile_batch(state, width))
        decoder = seq2seq.BeamSearchDecoder(
            wrapper, embedding, tf.fill([c["batch"]], 1), c["end_token"], initial, width,
            output_layer=tf.layers.Dense(c["vocab"]), length_penalty_weight=c["length_penalty"],
            coverage_penalty_weight=c["coverage_penalty"])
        outputs, final, lengths = seq2seq.dynamic_decode(decoder,
                                                         maximum_iterations=c["max_iter"])
        names = [v.op.name for v in tf.global_variables()]
        assert names == ["memory_layer/kernel",
                         "decoder/attention_wrapper/gru_cell/gates/kernel",
                         "decoder/attention_wrapper/gru_cell/gates/bias",
                         "decoder/attention_wrapper/gru_cell/candidate/kernel",
                         "decoder/attention_wrapper/gru_cell/candidate/bias",
                         "decoder/attention_wrapper/attention_layer/kernel",
                         "decoder/dense/kernel", "decoder/dense/bias"]
        history = final.cell_state.alignment_history
        assert isinstance(history, tf.Tensor)  # sorted and stacked (reorder_tensor_arrays)
        steps = outputs.beam_search_decoder_output
        fetches = {"predicted_ids": outputs.predicted_ids, "scores": steps.scores,
                   "parent_ids": steps.parent_ids, "log_probs": final.log_probs,
                   "lengths": lengths,
                   "accumulated_attention_probs": final.accumulated_attention_probs,
                   "cell_state": final.cell_state.cell_state, "alignment_history": history}
        with tf.Session() as sess:
            for v in tf.global_variables():
                key = v.op.name.replace("decoder/", "").replace("attention_wrapper/", "")
                v.load(weights[key], sess)
            got = sess.run(fetches)
    for key in ("predicted_ids", "parent_ids", "lengths"):
        assert got[key].tolist() == want[key], key
    for key in ("scores", "log_probs", "accumulated_attention_probs", "cell_state",
                "alignment_history"):
        assert_close(got[key], want[key], key)


def test_tile_batch_repeats_each_entry_in_place():
    x = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    with tf.Graph().as_default():
        known = seq2seq.tile_batch(x, 3)
        unknown = tf.placeholder(tf.float32, [None, 3, None])
        nested = seq2seq.tile_batch({"a": unknown, "b": (tf.constant([4, 5]),)}, 2)
        assert known.shape.as_list() == [6, 3, 2]
        assert nested["a"].shape.as_list() == [None, 3, None]
        assert nested["b"][0].shape.as_list() == [4]
        assert known.op.name.startswith("tile_batch/")
        with pytest.raises(ValueError, match="t must have statically known rank"):
            seq2seq.tile_batch(tf.constant(3), 2)
        with tf.Session() as sess:
            got, got_nested = sess.run([known, nested], {unknown: x})
    np.testing.assert_array_equal(got, np.repeat(x, 3, axis=0))
    np.testing.assert_array_equal(got_nested["a"], np.repeat(x, 2, axis=0))
    assert got_nested["b"][0].tolist() == [4, 4, 5, 5]


def test_gather_tree_errors_and_no_gradient():
    ids = np.zeros((3, 2, 2), np.int32)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Shape must be rank 3 but is rank 2 for "
                                             "'GatherTree'"):
            seq2seq.gather_tree(ids[0], ids[0], [3, 3], 1)
        with pytest.raises(ValueError, match=r"Dimensions must be equal, but are 2 and 3 for "
                                             r"'GatherTree'"):
            seq2seq.gather_tree(ids, ids, [3, 3, 3], 1)
        with pytest.raises(ValueError, match="Shapes of step_ids and parent_ids must be equal"):
            seq2seq.gather_tree(ids, ids[:, :, :1], [3, 3], 1)
        with pytest.raises(TypeError, match="Value passed to parameter 'step_ids' has DataType "
                                            "float32 not in list of allowed values: int32"):
            seq2seq.gather_tree(tf.zeros([3, 2, 2]), ids, [3, 3], 1)
        step = tf.placeholder(tf.int32, [None, None, None])
        parents = tf.placeholder(tf.int32, [None, None, None])
        beams = seq2seq.gather_tree(step, parents, [3, 3], 1)
        x = tf.cast(step, tf.float32)
        assert tf.gradients(tf.cast(beams, tf.float32) + x, [x])[0] is not None
        bad = ids.copy()
        bad[1, 1, 0] = 2                                  # beam_width is 2
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"Saw invalid parent id 2 at \(batch, time, beam\) == "
                                     r"\(1, 0, 0\)"):
                sess.run(beams, {step: ids, parents: bad})
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="step_ids.shape must match parent_ids.shape"):
                sess.run(beams, {step: ids, parents: ids[:2]})


def test_beam_search_decoder_rules_and_errors():
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.GRUCell(4)
        embedding = tf.ones([6, 3])
        state = cell.zero_state(6, tf.float32)
        decoder = seq2seq.BeamSearchDecoder(cell, embedding, [1, 1], 2, state, 3,
                                            output_layer=tf.layers.Dense(6))
        assert decoder.tracks_own_finished
        assert decoder.output_size == seq2seq.BeamSearchDecoderOutput(
            tf.TensorShape([3]), tf.TensorShape([3]), tf.TensorShape([3]))
        assert decoder.output_dtype == seq2seq.BeamSearchDecoderOutput(tf.float32, tf.int32,
                                                                      tf.int32)
        finished, inputs, initial = decoder.initialize()
        assert inputs.shape.as_list() == [2, 3, 3]
        assert initial.cell_state.shape.as_list() == [2, 3, 4]
        assert initial.lengths.dtype == tf.int64 and initial.accumulated_attention_probs == ()
        with tf.Session() as sess:
            f, p = sess.run([finished, initial.log_probs])
        assert f.tolist() == [[False, True, True]] * 2       # only beam 0 is alive at first
        assert p.tolist() == [[0.0, -np.inf, -np.inf]] * 2
        with pytest.raises(ValueError, match="start_tokens must be a vector"):
            seq2seq.BeamSearchDecoder(cell, embedding, 1, 2, state, 3)
        with pytest.raises(ValueError, match="end_token must be a scalar"):
            seq2seq.BeamSearchDecoder(cell, embedding, [1, 1], [2], state, 3)
        # a state not tiled to the beams: TF's Reshape shape function refuses it, as here
        with pytest.raises(ValueError, match=r"Cannot reshape a tensor with 8 elements to shape "
                                             r"\[2,3,4\] \(24 elements\)"):
            seq2seq.BeamSearchDecoder(cell, embedding, [1, 1], 2, cell.zero_state(2, tf.float32),
                                      3)
        with pytest.raises(TypeError, match="output_layer must be a Layer"):
            seq2seq.BeamSearchDecoder(cell, embedding, [1, 1], 2, state, 3, output_layer=tf.tanh)
        covered = seq2seq.BeamSearchDecoder(cell, embedding, [1, 1], 2, state, 3,
                                            coverage_penalty_weight=0.5)
        with pytest.raises(ValueError, match="coverage_penalty_weight must be 0.0 if no cell is "
                                             "attentional"):
            covered.initialize()


def test_scheduled_output_helper_draws_are_seeded():
    x = np.random.RandomState(1).randn(40, 5, 3).astype(np.float32)

    def run(seed):
        with tf.Graph().as_default():
            tf.set_random_seed(2)
            helper = seq2seq.ScheduledOutputTrainingHelper(x, np.full(40, 5, np.int32), 0.5,
                                                           seed=seed)
            cell = tf.nn.rnn_cell.GRUCell(3)
            outputs = seq2seq.dynamic_decode(seq2seq.BasicDecoder(
                cell, helper, cell.zero_state(40, tf.float32)))[0]
            assert outputs.sample_id.dtype == tf.int32
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                return sess.run(outputs.sample_id)
    ids = run(5)
    assert ids.tolist() == run(5).tolist() and ids.tolist() != run(6).tolist()
    assert set(ids.ravel().tolist()) == {0, 1} and 0.3 < ids.mean() < 0.7
    with pytest.raises(ValueError, match="sampling_probability must be either a scalar or a "
                                         "vector"):
        seq2seq.ScheduledOutputTrainingHelper(x, np.full(40, 5, np.int32), [[0.5]])
