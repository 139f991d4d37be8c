"""The small decoders of tests/test_seq2seq_decoder.py, shared with their recorder
(tests/record_tf_seq2seq_decoder.py, which runs them in TensorFlow Addons' tfa.seq2seq, the TF2
port of contrib.seq2seq): each case's cell, sizes and numpy-seeded weights, inputs and initial
state, so both sides decode the same model. Weights are listed under TF 1.15's variable
names, in the order a cell's and a Dense layer's `weights` list them."""

import numpy as np

CELL_WEIGHTS = {  # cell -> [(name under decoder/, shape as a function of (input depth, units))]
    "lstm": [("basic_lstm_cell/kernel", lambda d, n: (d + n, 4 * n)),
             ("basic_lstm_cell/bias", lambda d, n: (4 * n,))],
    "gru": [("gru_cell/gates/kernel", lambda d, n: (d + n, 2 * n)),
            ("gru_cell/gates/bias", lambda d, n: (2 * n,)),
            ("gru_cell/candidate/kernel", lambda d, n: (d + n, n)),
            ("gru_cell/candidate/bias", lambda d, n: (n,))],
    "rnn": [("basic_rnn_cell/kernel", lambda d, n: (d + n, n)),
            ("basic_rnn_cell/bias", lambda d, n: (n,))],
}

# helper: "training" (inputs [batch, time, depth] with lengths) or "greedy" (an embedding
# [vocab, depth], start token 1); dense: the output layer's units (None: no output layer).
CASES = {
    "train_lstm": dict(cell="lstm", units=4, depth=3, dense=5, helper="training", batch=3,
                       time=4, lengths=[4, 2, 3], seed=1),
    "train_lstm_impute": dict(cell="lstm", units=4, depth=3, dense=5, helper="training",
                              batch=3, time=4, lengths=[4, 2, 3], seed=1, impute=True),
    "train_gru_time_major": dict(cell="gru", units=4, depth=3, dense=None, helper="training",
                                 batch=2, time=3, lengths=[1, 3], seed=2, time_major=True),
    "greedy_gru": dict(cell="gru", units=5, depth=3, dense=6, helper="greedy", batch=4,
                       end_token=4, max_iter=6, seed=3),
    "greedy_gru_impute": dict(cell="gru", units=5, depth=3, dense=6, helper="greedy", batch=4,
                              end_token=4, max_iter=6, seed=3, impute=True),
    "greedy_rnn_callable": dict(cell="rnn", units=6, depth=6, dense=None, helper="greedy",
                                batch=3, end_token=0, max_iter=5, seed=4, callable=True),
    "greedy_lstm_one_step": dict(cell="lstm", units=4, depth=3, dense=5, helper="greedy",
                                 batch=2, end_token=1, max_iter=1, seed=5),
    # ScheduledOutputTrainingHelper with probability 1 or 0 (no draw decides): `aux` trailing
    # features of the inputs are its auxiliary_inputs; `fn`: next_inputs_fn=tanh.
    "scheduled_output_always": dict(cell="lstm", units=4, depth=5, dense=3,
                                    helper="scheduled_output", batch=3, time=4,
                                    lengths=[4, 2, 3], seed=6, probability=1.0, aux=2, fn=True),
    "scheduled_output_always_no_fn": dict(cell="gru", units=4, depth=3, dense=3,
                                          helper="scheduled_output", batch=2, time=3,
                                          lengths=[3, 3], seed=7, probability=1.0),
    "scheduled_output_never": dict(cell="gru", units=4, depth=3, dense=3,
                                   helper="scheduled_output", batch=2, time=3, lengths=[3, 1],
                                   seed=8, probability=0.0),
}

# BeamSearchDecoder (start token 1; the initial state is tile_batch'ed to the beams).
BEAM_CASES = {
    "beam_lstm": dict(cell="lstm", units=4, depth=3, dense=7, helper="beam", batch=2,
                      beam_width=3, end_token=6, max_iter=6, seed=11),
    "beam_gru_length_penalty": dict(cell="gru", units=5, depth=4, dense=6, helper="beam",
                                    batch=3, beam_width=4, end_token=0, max_iter=7, seed=12,
                                    length_penalty=0.6),
    "beam_rnn_callable": dict(cell="rnn", units=5, depth=5, dense=None, helper="beam", batch=2,
                              beam_width=2, end_token=4, max_iter=5, seed=13, callable=True),
}
CASES.update(BEAM_CASES)


def case_arrays(name):
    """The case's weights (a list of (TF 1.15 name, array)), the decoder's inputs (training) or
    embedding (greedy), and its initial state (a list: [c, h] for an LSTM), from its seed."""
    case = CASES[name]
    rng = np.random.RandomState(case["seed"])
    weights = []
    for wname, shape in CELL_WEIGHTS[case["cell"]]:
        weights.append(("decoder/" + wname, shape(case["depth"], case["units"])))
    if case["dense"]:
        weights += [("decoder/dense/kernel", (case["units"], case["dense"])),
                    ("decoder/dense/bias", (case["dense"],))]
    weights = [(n, rng.uniform(-0.9, 0.9, s).astype(np.float32)) for n, s in weights]
    if case["helper"] in ("training", "scheduled_output"):
        dims = (case["time"], case["batch"]) if case.get("time_major") else \
            (case["batch"], case["time"])
        data = rng.randn(*dims, case["depth"]).astype(np.float32)
    else:
        vocab = case["dense"] or case["units"]
        data = rng.randn(vocab, case["depth"]).astype(np.float32)
    n_states = 2 if case["cell"] == "lstm" else 1
    state = [(0.5 * rng.randn(case["batch"], case["units"])).astype(np.float32)
             for _ in range(n_states)]
    return weights, data, state


def loss_weights(name, steps):
    """Fixed weights w of the loss sum(rnn_output * w) whose gradients are compared."""
    case = CASES[name]
    width = case["dense"] or case["units"]
    rng = np.random.RandomState(100 + case["seed"])
    return rng.randn(case["batch"], steps, width).astype(np.float32)


def beam_results(outputs, final, lengths, flatten):
    """The compared results of a beam search (dynamic_decode's three results), by name;
    `flatten` is the framework's nest.flatten (for the cell state)."""
    steps = outputs.beam_search_decoder_output
    return {"predicted_ids": outputs.predicted_ids, "scores": steps.scores,
            "step_ids": steps.predicted_ids, "parent_ids": steps.parent_ids,
            "log_probs": final.log_probs, "finished": final.finished,
            "state_lengths": final.lengths, "lengths": lengths,
            "cell_state": flatten(final.cell_state)}


def gather_tree_inputs():
    """Inputs of gather_tree: (step_ids, parent_ids, max_sequence_lengths, end_token) cases,
    with beams that end early, lengths shorter than the time axis (and 0), ids after an end."""
    rng = np.random.RandomState(21)
    cases = []
    for steps, batch, width, lengths, end in ((5, 3, 4, [5, 3, 0], 2), (4, 2, 3, [4, 6], 1),
                                              (1, 1, 2, [1], 0)):
        step_ids = rng.randint(0, 5, (steps, batch, width)).astype(np.int32)
        parent_ids = rng.randint(0, width, (steps, batch, width)).astype(np.int32)
        cases.append((step_ids, parent_ids, np.array(lengths, np.int32), end))
    return cases


# A BeamSearchDecoder over an AttentionWrapper (GRUCell, LuongAttention over tile_batch'ed
# memory, attention layer, alignment history) with length and coverage penalties.
ATTENTION_BEAM = dict(batch=2, beam_width=3, memory_time=4, memory_depth=3, units=5,
                      attention_size=4, depth=3, vocab=6, end_token=2, max_iter=5,
                      length_penalty=0.3, coverage_penalty=0.4, memory_lengths=[4, 2])


def attention_beam_arrays():
    """The weights (by the end of their TF 1.15 names), embedding, memory and encoder state."""
    c = ATTENTION_BEAM
    rng = np.random.RandomState(31)
    cell_in = c["depth"] + c["attention_size"]
    shapes = [("memory_layer/kernel", (c["memory_depth"], c["units"])),
              ("gru_cell/gates/kernel", (cell_in + c["units"], 2 * c["units"])),
              ("gru_cell/gates/bias", (2 * c["units"],)),
              ("gru_cell/candidate/kernel", (cell_in + c["units"], c["units"])),
              ("gru_cell/candidate/bias", (c["units"],)),
              ("attention_layer/kernel", (c["units"] + c["memory_depth"], c["attention_size"])),
              ("dense/kernel", (c["attention_size"], c["vocab"])),
              ("dense/bias", (c["vocab"],))]
    weights = {n: rng.uniform(-1.2, 1.2, s).astype(np.float32) for n, s in shapes}
    embedding = rng.randn(c["vocab"], c["depth"]).astype(np.float32)
    memory = rng.randn(c["batch"], c["memory_time"], c["memory_depth"]).astype(np.float32)
    state = (0.5 * rng.randn(c["batch"], c["units"])).astype(np.float32)
    return weights, embedding, memory, state
