"""Records TF's attention mechanisms and AttentionWrapper for tests/test_seq2seq_attention.py.

TF 2 has no tf.contrib; tensorflow-addons' tfa.seq2seq is the TF 2 port of TF 1.15's
contrib.seq2seq attention with the same mathematics, so this script runs it (eager, TF 2.15,
tensorflow-addons 0.23) in a throwaway venv, never a minitf dependency:

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_attention.py > tests/fixtures/tf_attention.json

Every weight is set from a seeded numpy array (the test sets the same values into minitf's
TF1-named variables), so the recorded alignments, attention vectors, outputs and states are
comparable. TF1's variable names are not recorded here (tfa's are Keras'); the test checks
them against TF 1.15's attention_wrapper.py as read.

Weight names in the fixture are minitf's (TF 1.15's), relative to the mechanism or cell:
memory_layer/kernel, query_layer/kernel, attention_v, attention_g, attention_b,
attention_score_bias, attention_layer/kernel, and the wrapped cell's kernel and bias (TF1's
layout: [inputs; state] rows, BasicLSTMCell's i, j, f, o columns with forget_bias 1)."""

import json
import os
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]  # tests/keras

warnings.filterwarnings("ignore")
import tensorflow as tf  # noqa: E402
import tensorflow_addons as tfa  # noqa: E402

s2s = tfa.seq2seq
BATCH, MAX_TIME, MEM_DEPTH = 2, 4, 3


def arr(seed, *shape, scale=0.5):
    return (np.random.RandomState(seed).uniform(-1, 1, shape) * scale).astype(np.float32)


MEMORY = arr(1, BATCH, MAX_TIME, MEM_DEPTH, scale=1.0)
SEQ_LEN = np.array([4, 2], np.int32)


def lst(x):
    return np.asarray(x, np.float64).tolist()


def mechanism_weights(kind, units, query_depth, normalize=False, scale=False, monotonic=False,
                      score_bias=0.0):
    w = {"memory_layer/kernel": arr(10, MEM_DEPTH, units)}
    if kind == "bahdanau":
        w["query_layer/kernel"] = arr(11, query_depth, units)
        w["attention_v"] = arr(12, units)
        if normalize:
            w["attention_g"] = np.float32(0.7)
            w["attention_b"] = arr(13, units, scale=0.2)
    elif scale:
        w["attention_g"] = np.float32(1.3)
    if monotonic:
        w["attention_score_bias"] = np.float32(score_bias)
    return w


def set_mechanism(mech, w):
    mech.memory_layer.kernel.assign(w["memory_layer/kernel"])
    if "query_layer/kernel" in w:
        mech.query_layer.kernel.assign(w["query_layer/kernel"])
    for name in ("attention_v", "attention_g", "attention_b", "attention_score_bias"):
        if name in w:
            attr = "scale_weight" if name == "attention_g" and hasattr(mech, "scale_weight") \
                else name
            getattr(mech, attr).assign(w[name])


def make_mechanism(case):
    cls = {("bahdanau", False): s2s.BahdanauAttention, ("luong", False): s2s.LuongAttention,
           ("bahdanau", True): s2s.BahdanauMonotonicAttention,
           ("luong", True): s2s.LuongMonotonicAttention}[(case["kind"],
                                                          case.get("monotonic", False))]
    kwargs = dict(units=case["units"], memory=MEMORY)
    if case.get("masked"):
        kwargs["memory_sequence_length"] = SEQ_LEN
    for k in ("normalize", "scale", "probability_fn", "mode", "score_bias_init"):
        if k in case:
            kwargs[k] = case[k]
    return cls(**kwargs)


MECHANISMS = {
    "bahdanau": dict(kind="bahdanau", units=6, query_depth=5),
    "bahdanau_masked": dict(kind="bahdanau", units=6, query_depth=5, masked=True),
    "bahdanau_normalized": dict(kind="bahdanau", units=6, query_depth=5, normalize=True,
                                masked=True),
    "bahdanau_hardmax": dict(kind="bahdanau", units=6, query_depth=5, masked=True,
                             probability_fn="hardmax"),
    "luong": dict(kind="luong", units=5, query_depth=5),
    "luong_masked": dict(kind="luong", units=5, query_depth=5, masked=True),
    "luong_scaled": dict(kind="luong", units=5, query_depth=5, scale=True, masked=True),
    "bahdanau_monotonic_parallel": dict(kind="bahdanau", units=6, query_depth=5,
                                        monotonic=True, mode="parallel", masked=True,
                                        score_bias_init=-0.5),
    "bahdanau_monotonic_recursive": dict(kind="bahdanau", units=6, query_depth=5,
                                         monotonic=True, mode="recursive", normalize=True,
                                         score_bias_init=0.25),
    "bahdanau_monotonic_hard": dict(kind="bahdanau", units=6, query_depth=5,
                                    monotonic=True, mode="hard", masked=True),
    "luong_monotonic_parallel": dict(kind="luong", units=5, query_depth=5, monotonic=True,
                                     mode="parallel", scale=True, score_bias_init=0.3),
    "luong_monotonic_recursive": dict(kind="luong", units=5, query_depth=5, monotonic=True,
                                      mode="recursive", masked=True),
}


def record_mechanisms():
    out = {}
    for name, case in MECHANISMS.items():
        w = mechanism_weights(case["kind"], case["units"], case["query_depth"],
                              normalize=case.get("normalize", False),
                              scale=case.get("scale", False),
                              monotonic=case.get("monotonic", False),
                              score_bias=case.get("score_bias_init", 0.0))
        query = arr(20, BATCH, case["query_depth"], scale=1.5)
        mech = make_mechanism(case)
        initial = mech.initial_state(BATCH, tf.float32)
        mech([query, initial])  # builds the query layer and the score's weights
        set_mechanism(mech, w)
        mech.setup_memory(MEMORY, memory_sequence_length=SEQ_LEN if case.get("masked") else None)
        # A previous state that is not the initial one, so the monotonic modes use it.
        prev = np.abs(arr(21, BATCH, MAX_TIME, scale=1.0))
        prev /= prev.sum(1, keepdims=True)
        align0, _ = mech([query, initial])
        align1, state1 = mech([query, tf.constant(prev)])
        out[name] = dict(case=case, weights={k: lst(v) for k, v in w.items()},
                         query=lst(query), previous=lst(prev), keys=lst(mech.keys),
                         values=lst(mech.values), initial_state=lst(initial),
                         alignments_from_initial=lst(align0), alignments=lst(align1),
                         next_state=lst(state1))
    return out


def functions():
    x = arr(30, 2, 5, scale=1.0)
    x[1, 2] = x[1, 4] = 0.9  # a tie: argmax takes the first
    p = 1 / (1 + np.exp(-arr(31, 2, 5, scale=3.0)))
    p[0, 1] = 0.0
    p[1, 3] = 1.0
    prev = np.abs(arr(32, 2, 5, scale=1.0))
    prev /= prev.sum(1, keepdims=True)
    hard_p = (arr(33, 2, 5, scale=1.0) > 0).astype(np.float32)
    hard_prev = np.eye(5, dtype=np.float32)[[0, 2]]
    out = {"x": lst(x), "p": lst(p), "previous": lst(prev), "hard_p": lst(hard_p),
           "hard_previous": lst(hard_prev),
           "hardmax": lst(s2s.hardmax(tf.constant(x)))}
    out["safe_cumprod"] = lst(s2s.safe_cumprod(tf.constant(p), axis=1))
    out["safe_cumprod_exclusive"] = lst(s2s.safe_cumprod(tf.constant(p), axis=1,
                                                         exclusive=True))
    for mode in ("recursive", "parallel"):
        out["monotonic_" + mode] = lst(s2s.monotonic_attention(tf.constant(p), tf.constant(prev),
                                                               mode))
    out["monotonic_hard"] = lst(s2s.monotonic_attention(tf.constant(hard_p),
                                                        tf.constant(hard_prev), "hard"))
    return out


WRAPPERS = {
    "luong_rnn": dict(cell="rnn", units=5, mechanisms=["luong_masked"],
                      attention_layer_size=4, alignment_history=True),
    "bahdanau_rnn_no_layer": dict(cell="rnn", units=5, mechanisms=["bahdanau_masked"],
                                  attention_layer_size=None, output_attention=False),
    "bahdanau_lstm": dict(cell="lstm", units=5, mechanisms=["bahdanau_normalized"],
                          attention_layer_size=4, alignment_history=True),
    "multi_lstm": dict(cell="lstm", units=5, mechanisms=["luong", "bahdanau_masked"],
                       attention_layer_size=[3, 4], alignment_history=True),
}
INPUT_DEPTH, STEPS = 2, 3


def cell_weights(cell, in_depth, units):
    rows = in_depth + units
    if cell == "rnn":
        return {"kernel": arr(40, rows, units), "bias": arr(41, units, scale=0.1)}
    return {"kernel": arr(40, rows, 4 * units), "bias": arr(41, 4 * units, scale=0.1)}


def set_keras_cell(cell, kind, w, in_depth, units):
    kernel, bias = w["kernel"], w["bias"]
    if kind == "rnn":
        cell.kernel.assign(kernel[:in_depth])
        cell.recurrent_kernel.assign(kernel[in_depth:])
        cell.bias.assign(bias)
        return
    # TF1's BasicLSTMCell: columns i, j, f, o and sigmoid(f + forget_bias=1); Keras: i, f, c, o.
    blocks = np.split(kernel, 4, axis=1)
    bias_blocks = np.split(bias, 4)
    order = (0, 2, 1, 3)
    keras_kernel = np.concatenate([blocks[k] for k in order], 1)
    keras_bias = np.concatenate([bias_blocks[k] + (1.0 if k == 2 else 0.0) for k in order])
    cell.kernel.assign(keras_kernel[:in_depth])
    cell.recurrent_kernel.assign(keras_kernel[in_depth:])
    cell.bias.assign(keras_bias.astype(np.float32))


def record_wrappers():
    out = {}
    inputs = arr(50, BATCH, STEPS, INPUT_DEPTH, scale=1.0)
    for name, case in WRAPPERS.items():
        mech_cases = [MECHANISMS[m] for m in case["mechanisms"]]
        mechs = [make_mechanism(c) for c in mech_cases]
        units = case["units"]
        cell = (tf.keras.layers.SimpleRNNCell(units) if case["cell"] == "rnn"
                else tf.keras.layers.LSTMCell(units))
        sizes = case["attention_layer_size"]
        wrapper = s2s.AttentionWrapper(
            cell, mechs if len(mechs) > 1 else mechs[0], attention_layer_size=sizes,
            alignment_history=case.get("alignment_history", False),
            output_attention=case.get("output_attention", True))
        if sizes is None:
            attention_depth = MEM_DEPTH * len(mechs)
        else:
            attention_depth = sum(sizes) if isinstance(sizes, list) else sizes
        state = wrapper.get_initial_state(batch_size=BATCH, dtype=tf.float32)
        wrapper(inputs[:, 0], state)  # builds every layer
        cw = cell_weights(case["cell"], INPUT_DEPTH + attention_depth, units)
        set_keras_cell(cell, case["cell"], cw, INPUT_DEPTH + attention_depth, units)
        weights = {"cell": {k: lst(v) for k, v in cw.items()}, "mechanisms": [],
                   "attention_layers": []}
        for i, (mech, c) in enumerate(zip(mechs, mech_cases)):
            w = mechanism_weights(c["kind"], c["units"], units,
                                  normalize=c.get("normalize", False),
                                  scale=c.get("scale", False))
            set_mechanism(mech, w)
            mech.setup_memory(MEMORY, memory_sequence_length=SEQ_LEN if c.get("masked")
                              else None)
            weights["mechanisms"].append({k: lst(v) for k, v in w.items()})
        if sizes is not None:
            in_rows = units + MEM_DEPTH
            for i, (layer, size) in enumerate(zip(wrapper._attention_layers,
                                                  sizes if isinstance(sizes, list)
                                                  else [sizes])):
                k = arr(60 + i, in_rows, size)
                layer.kernel.assign(k)
                weights["attention_layers"].append(lst(k))
        state = wrapper.get_initial_state(batch_size=BATCH, dtype=tf.float32)
        outputs = []
        for t in range(STEPS):
            o, state = wrapper(inputs[:, t], state)
            outputs.append(lst(o))
        cell_state = state.cell_state
        if case["cell"] == "lstm":
            cell_state = {"c": lst(cell_state[1]), "h": lst(cell_state[0])}
        else:
            cell_state = lst(cell_state[0] if isinstance(cell_state, (list, tuple))
                             else cell_state)

        def many(x, f):
            return [f(v) for v in x] if len(mechs) > 1 else f(x)
        final = {"cell_state": cell_state, "attention": lst(state.attention),
                 "alignments": many(state.alignments, lst)}
        if case.get("alignment_history"):
            final["alignment_history"] = many(state.alignment_history,
                                              lambda ta: lst(ta.stack()))
        out[name] = dict(case=case, weights=weights, inputs=lst(inputs),
                         outputs=[lst(np.stack(outputs, 1))][0], final_state=final)
    return out


def main():
    print(json.dumps({"mechanisms": record_mechanisms(), "functions": functions(),
                      "wrappers": record_wrappers(),
                      "memory": lst(MEMORY), "memory_sequence_length": SEQ_LEN.tolist()},
                     sort_keys=True))


if __name__ == "__main__":
    main()
