"""Records what TensorFlow's seq2seq decoders do, for tests/test_seq2seq_decoder.py. TF 2 has no
tf.contrib; TensorFlow Addons' tfa.seq2seq is its port of contrib.seq2seq with the same
mathematics (TrainingSampler/GreedyEmbeddingSampler for TrainingHelper/GreedyEmbeddingHelper,
BasicDecoder with dynamic_decode inside). Run it with TF 2.15 and tensorflow-addons 0.23:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/record_tf_seq2seq_decoder.py \\
        > tests/fixtures/tf_seq2seq_decoder.json

For each case of tests/seq2seq_decoder_cases.py (TF1's cells from tf.compat.v1, weights set
from the case's seeded arrays): the outputs, sample ids, final state and lengths, the
gradients of sum(rnn_output * w) with respect to every weight, and the static shapes of the
results when traced with the batch known and unknown."""

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
from seq2seq_decoder_cases import CASES, case_arrays, loss_weights  # noqa: E402

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
    if case["helper"] == "training":
        sampler = tfa.seq2seq.TrainingSampler(time_major=case.get("time_major", False))
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
        return decoder(None if case.get("callable") else embedding,
                       start_tokens=tf.fill([tf.shape(states[0])[0]], 1),
                       end_token=case["end_token"], initial_state=init)
    return run, variables, data, state


def shapes(run, case, batch):
    depth = case["depth"]
    if case["helper"] == "training":
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
            # (tfa's impute_finished needs a known batch: TF1's tf.where did not)
            "shapes_unknown_batch": None if case.get("impute") else shapes(run, case, None)}


def main():
    print(json.dumps({"tf_version": tf.__version__, "tfa_version": tfa.__version__,
                      "cases": {name: record(name) for name in CASES}}))


if __name__ == "__main__":
    main()
