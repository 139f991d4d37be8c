"""Records what TensorFlow's seq2seq decoders do, for tests/test_seq2seq_decoder.py. TF 2 has no
tf.contrib; TensorFlow Addons' tfa.seq2seq is its port of contrib.seq2seq with the same
mathematics (TrainingSampler/GreedyEmbeddingSampler for TrainingHelper/GreedyEmbeddingHelper,
BasicDecoder with dynamic_decode inside). Run it with TF 2.15 and tensorflow-addons 0.23:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/record_tf_seq2seq_decoder.py \\
        > tests/fixtures/tf_seq2seq_decoder.json

For each case of tests/seq2seq_decoder_cases.py (TF1's cells from tf.compat.v1, weights set
from the case's seeded arrays): the outputs, sample ids, final state and lengths, the
gradients of sum(rnn_output * w) with respect to every weight, and the static shapes of the
results when traced with the batch known and unknown; for the beam cases (tfa's
BeamSearchDecoder) the beams, per-step scores, ids and parents, final log-probabilities,
lengths and cell states; a beam search over an AttentionWrapper with length and coverage
penalties (with its sorted alignment history); and gather_tree on a few inputs (tfa's
gather_tree; its compiled kernel does not load here, so its TF-ops fallback runs)."""

import json
import os
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# (tests/keras would shadow the keras package that tensorflow_addons imports)
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
import tensorflow as tf  # noqa: E402
import tensorflow_addons as tfa  # noqa: E402

sys.path.append(HERE)
from recording import short  # noqa: E402
from seq2seq_decoder_cases import (ATTENTION_BEAM, CASES, attention_beam_arrays,  # noqa: E402
                                   beam_results, case_arrays, gather_tree_inputs, loss_weights)

warnings.filterwarnings("ignore")
CELLS = {"lstm": tf.compat.v1.nn.rnn_cell.BasicLSTMCell, "gru": tf.compat.v1.nn.rnn_cell.GRUCell,
         "rnn": tf.compat.v1.nn.rnn_cell.BasicRNNCell}


def build(name):
    """The case's decoder and a function (batch-sized arguments) -> decoder results."""
    case = CASES[name]
    weights, data, state = case_arrays(name)
    cell = CELLS[case["cell"]](case["units"])
    cell.build(tf.TensorShape([None, case["depth"]]))
    n_cell = len(cell.weights)
    cell.set_weights([w for _, w in weights[:n_cell]])
    dense = None
    if case["dense"]:
        dense = tf.keras.layers.Dense(case["dense"])
        dense.build(tf.TensorShape([None, case["units"]]))
        dense.set_weights([w for _, w in weights[n_cell:]])
    embedding = tf.constant(data)
    if case["helper"] == "beam":
        return build_beam(case, cell, dense, embedding), data, state
    if case["helper"] == "training":
        sampler = tfa.seq2seq.TrainingSampler(time_major=case.get("time_major", False))
    elif case["helper"] == "scheduled_output":
        sampler = tfa.seq2seq.ScheduledOutputTrainingSampler(
            case["probability"], next_inputs_fn=tf.tanh if case.get("fn") else None)
    elif case.get("callable"):
        sampler = tfa.seq2seq.GreedyEmbeddingSampler(
            lambda ids: tf.tanh(tf.nn.embedding_lookup(embedding, ids)))
    else:
        sampler = tfa.seq2seq.GreedyEmbeddingSampler()
    decoder = tfa.seq2seq.BasicDecoder(
        cell, sampler, output_layer=dense, impute_finished=case.get("impute", False),
        maximum_iterations=case.get("max_iter"), output_time_major=case.get("time_major", False))
    variables = cell.weights + (dense.weights if dense else [])

    def run(inputs, lengths, states):
        init = tf.compat.v1.nn.rnn_cell.LSTMStateTuple(*states) if case["cell"] == "lstm" \
            else states[0]
        if case["helper"] == "training":
            return decoder(inputs, initial_state=init, sequence_length=lengths)
        if case["helper"] == "scheduled_output":
            aux = case.get("aux", 0)
            main = inputs[..., :inputs.shape[-1] - aux]
            return decoder(main, initial_state=init, sequence_length=lengths,
                           auxiliary_inputs=inputs[..., -aux:] if aux else None)
        return decoder(None if case.get("callable") else embedding,
                       start_tokens=tf.fill([tf.shape(states[0])[0]], 1),
                       end_token=case["end_token"], initial_state=init)
    return run, variables, data, state


def build_beam(case, cell, dense, embedding):
    embedding_fn = (lambda ids: tf.tanh(tf.nn.embedding_lookup(embedding, ids))) \
        if case.get("callable") else None
    decoder = tfa.seq2seq.BeamSearchDecoder(
        cell, case["beam_width"], embedding_fn=embedding_fn, output_layer=dense,
        length_penalty_weight=case.get("length_penalty", 0.0),
        maximum_iterations=case["max_iter"])

    def run(states):
        states = [tfa.seq2seq.tile_batch(s, case["beam_width"]) for s in states]
        init = tf.compat.v1.nn.rnn_cell.LSTMStateTuple(*states) if case["cell"] == "lstm" \
            else states[0]
        return decoder(None if case.get("callable") else embedding,
                       start_tokens=tf.fill([tf.shape(states[0])[0] // case["beam_width"]], 1),
                       end_token=case["end_token"], initial_state=init)
    return run


def record_beam(name):
    """A beam search's results, and their static shapes with the batch known and unknown."""
    case = CASES[name]
    run, _, state = build(name)

    def results(outputs, final, lengths):
        return beam_results(outputs, final, lengths, tf.nest.flatten)

    got = results(*run([tf.constant(s) for s in state]))
    out = {k: [short(x.numpy().tolist()) for x in v] if isinstance(v, list)
           else short(v.numpy().tolist()) for k, v in got.items()}
    for key, batch in (("shapes_known_batch", case["batch"]), ("shapes_unknown_batch", None)):
        n_states = 2 if case["cell"] == "lstm" else 1
        specs = [tf.TensorSpec([batch, case["units"]], tf.float32)] * n_states
        traced = tf.function(run).get_concrete_function(specs).structured_outputs
        out[key] = {k: [x.shape.as_list() for x in v] if isinstance(v, list)
                    else v.shape.as_list() for k, v in results(*traced).items()}
    return out


def shapes(run, case, batch):
    depth = case["depth"]
    if case["helper"] in ("training", "scheduled_output"):
        dims = [None, batch, depth] if case.get("time_major") else [batch, None, depth]
        inputs = tf.TensorSpec(dims, tf.float32)
    else:
        inputs = tf.TensorSpec([], tf.float32)
    n_states = 2 if case["cell"] == "lstm" else 1
    specs = [tf.TensorSpec([batch, case["units"]], tf.float32)] * n_states
    fn = tf.function(lambda x, n, s: run(x, n, s))
    out = fn.get_concrete_function(inputs, tf.TensorSpec([batch], tf.int32), specs)
    outputs, state, lengths = out.structured_outputs
    return {"rnn_output": outputs.rnn_output.shape.as_list(),
            "sample_id": outputs.sample_id.shape.as_list(),
            "state": [s.shape.as_list() for s in tf.nest.flatten(state)],
            "lengths": lengths.shape.as_list()}


def record(name):
    case = CASES[name]
    if case["helper"] == "beam":
        return record_beam(name)
    run, variables, data, state = build(name)
    lengths = tf.constant(case.get("lengths", [0] * case["batch"]), tf.int32)
    with tf.GradientTape() as tape:
        outputs, final, final_lengths = run(tf.constant(data), lengths,
                                            [tf.constant(s) for s in state])
        rnn_output = outputs.rnn_output
        if case.get("time_major"):
            rnn_output = tf.transpose(rnn_output, [1, 0, 2])
        w = loss_weights(name, int(rnn_output.shape[1]))
        loss = tf.reduce_sum(rnn_output * w)
    grads = tape.gradient(loss, variables)
    return {"rnn_output": short(outputs.rnn_output.numpy().tolist()),
            "sample_id": outputs.sample_id.numpy().tolist(),
            "state": [short(s.numpy().tolist()) for s in tf.nest.flatten(final)],
            "lengths": final_lengths.numpy().tolist(),
            "grads": [None if g is None else short(g.numpy().tolist()) for g in grads],
            "shapes_known_batch": shapes(run, case, case["batch"]),
            # (tfa's impute_finished and scheduled output sampler need a known batch: TF1's
            # tf.where did not)
            "shapes_unknown_batch": None if case.get("impute") or
            case["helper"] == "scheduled_output" else shapes(run, case, None)}


def record_attention_beam():
    """BeamSearchDecoder over an AttentionWrapper, with length and coverage penalties; the
    alignment history comes back with its beams in the final order."""
    c = ATTENTION_BEAM
    weights, embedding, memory, state = attention_beam_arrays()
    width = c["beam_width"]
    tiled_memory = tfa.seq2seq.tile_batch(memory, width)
    tiled_lengths = tfa.seq2seq.tile_batch(np.array(c["memory_lengths"], np.int32), width)
    mechanism = tfa.seq2seq.LuongAttention(c["units"], memory=tiled_memory,
                                           memory_sequence_length=tiled_lengths)
    cell = tf.compat.v1.nn.rnn_cell.GRUCell(c["units"])
    wrapper = tfa.seq2seq.AttentionWrapper(cell, mechanism, attention_layer_size=
                                           c["attention_size"], alignment_history=True)
    dense = tf.keras.layers.Dense(c["vocab"])
    n = c["batch"] * width
    wrapper(tf.zeros([n, c["depth"]]), wrapper.get_initial_state(batch_size=n,
                                                                 dtype=tf.float32))
    dense.build(tf.TensorShape([None, c["attention_size"]]))
    mechanism.memory_layer.kernel.assign(weights["memory_layer/kernel"])
    # (eager: the keys were computed with the old kernel)
    mechanism.setup_memory(tiled_memory, memory_sequence_length=tiled_lengths)
    cell.set_weights([weights["gru_cell/" + k] for k in ("gates/kernel", "gates/bias",
                                                         "candidate/kernel", "candidate/bias")])
    wrapper._attention_layers[0].kernel.assign(weights["attention_layer/kernel"])
    dense.set_weights([weights["dense/kernel"], weights["dense/bias"]])
    decoder = tfa.seq2seq.BeamSearchDecoder(
        wrapper, width, output_layer=dense, length_penalty_weight=c["length_penalty"],
        coverage_penalty_weight=c["coverage_penalty"], maximum_iterations=c["max_iter"])
    initial = wrapper.get_initial_state(batch_size=n, dtype=tf.float32).clone(
        cell_state=tfa.seq2seq.tile_batch(tf.constant(state), width))
    outputs, final, lengths = decoder(tf.constant(embedding),
                                      start_tokens=tf.fill([c["batch"]], 1),
                                      end_token=c["end_token"], initial_state=initial)
    steps = outputs.beam_search_decoder_output
    values = {"predicted_ids": outputs.predicted_ids, "scores": steps.scores,
              "parent_ids": steps.parent_ids, "log_probs": final.log_probs,
              "lengths": lengths, "accumulated_attention_probs":
              final.accumulated_attention_probs, "cell_state": final.cell_state.cell_state,
              "alignment_history": final.cell_state.alignment_history}
    return {k: short(v.numpy().tolist()) for k, v in values.items()}


def main():
    gather = [tfa.seq2seq.gather_tree(*args).numpy().tolist() for args in gather_tree_inputs()]
    print(json.dumps({"tf_version": tf.__version__, "tfa_version": tfa.__version__,
                      "cases": {name: record(name) for name in CASES},
                      "gather_tree": gather, "attention_beam": record_attention_beam()}))


if __name__ == "__main__":
    main()
