"""tf.contrib.seq2seq's attention against TF: the mechanisms, hardmax, safe_cumprod,
monotonic_attention and AttentionWrapper under dynamic_rnn give the values recorded by
tests/record_tf_attention.py (tensorflow-addons' port of TF 1.15's contrib attention, every
weight set from seeded arrays); variable names, scopes, state structure and errors are TF
1.15's (contrib/seq2seq/python/ops/attention_wrapper.py); a small attention model learns."""

import json
import os

import numpy as np
import pytest

import minitf as tf

s2s = tf.contrib.seq2seq
with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_attention.json")) as f:
    RECORDED = json.load(f)
MEMORY = np.array(RECORDED["memory"], np.float32)
SEQ_LEN = np.array(RECORDED["memory_sequence_length"], np.int32)

SCOPES = {("bahdanau", False): "bahdanau_attention", ("luong", False): "luong_attention",
          ("bahdanau", True): "bahdanau_monotonic_attention",
          ("luong", True): "luong_monotonic_attention"}


def close(got, want):
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                               rtol=1e-5, atol=1e-6)


def make_mechanism(case, memory=MEMORY):
    monotonic = case.get("monotonic", False)
    cls = {("bahdanau", False): s2s.BahdanauAttention, ("luong", False): s2s.LuongAttention,
           ("bahdanau", True): s2s.BahdanauMonotonicAttention,
           ("luong", True): s2s.LuongMonotonicAttention}[(case["kind"], monotonic)]
    kwargs = {k: case[k] for k in ("normalize", "scale", "mode", "score_bias_init") if k in case}
    if case.get("probability_fn") == "hardmax":
        kwargs["probability_fn"] = s2s.hardmax
    return cls(case["units"], memory, memory_sequence_length=SEQ_LEN if case.get("masked")
               else None, **kwargs)


def load(sess, weights, where):
    """Sets each recorded weight into the variable named where(weight name)."""
    by_name = {v.op.name: v for v in tf.global_variables()}
    for name, value in weights.items():
        by_name[where(name)].load(np.asarray(value, np.float32), sess)


def mechanism_names(scope, memory_layer="memory_layer"):
    """TF 1.15's variables of a mechanism first called in `scope`."""
    names = {"memory_layer/kernel": memory_layer + "/kernel"}
    for w in ("query_layer/kernel", "attention_v", "attention_g", "attention_b",
              "attention_score_bias"):
        names[w] = scope + "/" + w
    return names


@pytest.mark.parametrize("name", sorted(RECORDED["mechanisms"]))
def test_mechanism_matches_tf(name):
    rec = RECORDED["mechanisms"][name]
    case = rec["case"]
    with tf.Graph().as_default():
        mech = make_mechanism(case)
        query = tf.constant(np.array(rec["query"], np.float32))
        initial = mech.initial_state(2, tf.float32)
        with tf.variable_scope("step") as step:
            align0, _ = mech(query, initial)
        previous = tf.placeholder(tf.float32, [None, 4])
        with tf.variable_scope(step, reuse=True):  # as a cell's later steps: the same weights
            align1, state1 = mech(query, previous)
        scope = SCOPES[(case["kind"], case.get("monotonic", False))]
        names = mechanism_names("step/" + scope)
        assert sorted(v.op.name for v in tf.global_variables()) == sorted(
            names[w] for w in rec["weights"])
        assert align1.shape.as_list() == [2, 4] and align1.dtype is tf.float32
        assert mech.keys.shape.as_list() == [2, 4, case["units"]]
        assert (mech.batch_size, mech.alignments_size, mech.state_size) == (2, 4, 4)
        # TF's op names: the memory prepared under the mechanism's name, the keys in its
        # memory layer's scope
        prefix = {"bahdanau": "BahdanauAttention", "luong": "LuongAttention"}[case["kind"]]
        if case.get("monotonic"):
            prefix = prefix.replace("Attention", "MonotonicAttention")
        assert mech.keys.name == prefix + "/memory_layer/Tensordot:0"
        if case.get("masked"):
            assert mech.values.name == prefix + "/mul:0"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            load(sess, rec["weights"], names.get)
            got = sess.run(dict(keys=mech.keys, values=mech.values, initial=initial,
                                align0=align0, align1=align1, state1=state1),
                           {previous: np.array(rec["previous"], np.float32)})
    close(got["keys"], rec["keys"])
    close(got["values"], rec["values"])
    close(got["initial"], rec["initial_state"])
    close(got["align0"], rec["alignments_from_initial"])
    close(got["align1"], rec["alignments"])
    close(got["state1"], rec["next_state"])


def test_variables_are_tfs_and_their_initial_values():
    """attention_g starts at sqrt(1 / num_units) (Bahdanau, normalized) or 1 (Luong, scaled),
    attention_b and the score bias at zero and score_bias_init; two mechanisms get
    memory_layer and memory_layer_1, and a second call of one mechanism reuses nothing (a new
    variable scope, as TF's variable_scope(None, default_name))."""
    with tf.Graph().as_default():
        b = s2s.BahdanauAttention(6, MEMORY, normalize=True)
        lu = s2s.LuongMonotonicAttention(5, MEMORY, scale=True, score_bias_init=-2.0)
        b(tf.zeros([2, 5]), b.initial_state(2, tf.float32))
        lu(tf.zeros([2, 5]), lu.initial_state(2, tf.float32))
        b(tf.zeros([2, 5]), b.initial_state(2, tf.float32))
        names = [v.op.name for v in tf.global_variables()]
        assert names == ["memory_layer/kernel", "memory_layer_1/kernel",
                         "bahdanau_attention/query_layer/kernel",
                         "bahdanau_attention/attention_v", "bahdanau_attention/attention_g",
                         "bahdanau_attention/attention_b", "luong_monotonic_attention/attention_g",
                         "luong_monotonic_attention/attention_score_bias",
                         "bahdanau_attention_1/attention_v", "bahdanau_attention_1/attention_g",
                         "bahdanau_attention_1/attention_b"]
        shapes = {v.op.name: v.shape.as_list() for v in tf.global_variables()}
        assert shapes["memory_layer/kernel"] == [3, 6]
        assert shapes["bahdanau_attention/attention_g"] == []
        assert shapes["luong_monotonic_attention/attention_score_bias"] == []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            g, bias, lg, sb = sess.run(["bahdanau_attention/attention_g:0",
                                        "bahdanau_attention/attention_b:0",
                                        "luong_monotonic_attention/attention_g:0",
                                        "luong_monotonic_attention/attention_score_bias:0"])
    assert g == np.float32(np.sqrt(1 / 6)) and not bias.any()
    assert lg == 1.0 and sb == -2.0


def test_functions_match_tf():
    rec = RECORDED["functions"]
    x, p, prev = (np.array(rec[k], np.float32) for k in ("x", "p", "previous"))
    with tf.Graph().as_default():
        h = s2s.hardmax(x)
        assert h.name == "Hardmax/one_hot:0" and h.dtype is tf.float32
        c = s2s.safe_cumprod(p, axis=1)
        assert c.name == "SafeCumprod/Exp:0"
        got = dict(hardmax=h, safe_cumprod=c,
                   safe_cumprod_exclusive=s2s.safe_cumprod(p, axis=1, exclusive=True),
                   monotonic_recursive=s2s.monotonic_attention(p, prev, "recursive"),
                   monotonic_parallel=s2s.monotonic_attention(p, prev, "parallel"),
                   monotonic_hard=s2s.monotonic_attention(
                       np.array(rec["hard_p"], np.float32),
                       np.array(rec["hard_previous"], np.float32), "hard"))
        with tf.Session() as sess:
            got = sess.run(got)
        with pytest.raises(ValueError, match="mode must be 'recursive', 'parallel', or 'hard'"):
            s2s.monotonic_attention(p, prev, "soft")
    for k, v in got.items():
        close(v, rec[k])


def wrapper_names(case):
    """TF 1.15's variable names of a recorded wrapper run by dynamic_rnn."""
    cell = "basic_rnn_cell" if case["cell"] == "rnn" else "basic_lstm_cell"
    names = {"cell": {w: "rnn/attention_wrapper/%s/%s" % (cell, w) for w in ("kernel", "bias")},
             "mechanisms": [], "attention_layers": []}
    seen = {}
    for i, m in enumerate(case["mechanisms"]):
        mcase = RECORDED["mechanisms"][m]["case"]
        scope = SCOPES[(mcase["kind"], False)]
        n = seen.get(scope, 0)
        seen[scope] = n + 1
        names["mechanisms"].append(mechanism_names(
            "rnn/attention_wrapper/" + scope + ("_%d" % n if n else ""),
            "memory_layer" + ("_%d" % i if i else "")))
    sizes = case["attention_layer_size"]
    for i in range(0 if sizes is None else len(sizes) if isinstance(sizes, list) else 1):
        names["attention_layers"].append("rnn/attention_wrapper/attention_layer%s/kernel"
                                         % ("_%d" % i if i else ""))
    return names


def build_wrapper(case):
    mechs = [make_mechanism(RECORDED["mechanisms"][m]["case"]) for m in case["mechanisms"]]
    units = case["units"]
    cell = (tf.nn.rnn_cell.BasicRNNCell(units) if case["cell"] == "rnn"
            else tf.nn.rnn_cell.BasicLSTMCell(units))
    return s2s.AttentionWrapper(cell, mechs if len(mechs) > 1 else mechs[0],
                                attention_layer_size=case["attention_layer_size"],
                                alignment_history=case.get("alignment_history", False),
                                output_attention=case.get("output_attention", True))


@pytest.mark.parametrize("name", sorted(RECORDED["wrappers"]))
def test_wrapper_in_dynamic_rnn_matches_tf(name):
    rec = RECORDED["wrappers"][name]
    case = rec["case"]
    multi = len(case["mechanisms"]) > 1
    with tf.Graph().as_default():
        wrapper = build_wrapper(case)
        inputs = tf.placeholder(tf.float32, [2, None, 2])
        outputs, final = tf.nn.dynamic_rnn(wrapper, inputs, dtype=tf.float32)
        assert isinstance(final, s2s.AttentionWrapperState)
        assert outputs.shape.as_list() == [2, None, wrapper.output_size]
        names = wrapper_names(case)
        expected = set(names["cell"].values()) | set(names["attention_layers"])
        for weights, mnames in zip(rec["weights"]["mechanisms"], names["mechanisms"]):
            expected |= {mnames[w] for w in weights}
        assert {v.op.name for v in tf.global_variables()} == expected
        assert set(wrapper.trainable_variables) >= {
            v for v in tf.trainable_variables() if v.op.name.startswith("rnn/")}
        fetch = dict(outputs=outputs, attention=final.attention, time=final.time,
                     alignments=final.alignments, cell_state=final.cell_state)
        if case.get("alignment_history"):
            history = final.alignment_history
            fetch["alignment_history"] = ([h.stack() for h in history] if multi
                                          else history.stack())
        else:
            assert final.alignment_history == (((), ()) if multi else ())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            load(sess, rec["weights"]["cell"], names["cell"].get)
            for weights, mnames in zip(rec["weights"]["mechanisms"], names["mechanisms"]):
                load(sess, weights, mnames.get)
            for value, vname in zip(rec["weights"]["attention_layers"],
                                    names["attention_layers"]):
                load(sess, {vname: value}, lambda n: n)
            got = sess.run(fetch, {inputs: np.array(rec["inputs"], np.float32)})
    want = rec["final_state"]
    close(got["outputs"], rec["outputs"])
    close(got["attention"], want["attention"])
    assert got["time"] == 3
    if case["cell"] == "lstm":
        close(got["cell_state"].c, want["cell_state"]["c"])
        close(got["cell_state"].h, want["cell_state"]["h"])
    else:
        close(got["cell_state"], want["cell_state"])
    for k in ("alignments", "alignment_history"):
        if k in want:
            close(np.array(got[k]), np.array(want[k]))


def test_state_size_output_size_and_zero_state():
    with tf.Graph().as_default():
        luong = s2s.LuongAttention(5, MEMORY)
        bahdanau = s2s.BahdanauMonotonicAttention(6, MEMORY)
        cell = tf.nn.rnn_cell.BasicLSTMCell(5)
        single = s2s.AttentionWrapper(cell, luong)
        assert single.output_size == 3  # the memory's depth: no attention layer
        assert single.state_size == s2s.AttentionWrapperState(
            cell_state=cell.state_size, attention=3, time=tf.TensorShape([]), alignments=4,
            alignment_history=(), attention_state=4)
        multi = s2s.AttentionWrapper(cell, [luong, bahdanau], attention_layer_size=[2, 7],
                                     alignment_history=True, output_attention=False)
        assert multi.output_size == 5
        assert multi.state_size.attention == 9
        assert multi.state_size.alignments == (4, 4)
        assert multi.state_size.alignment_history == (4, 4)
        layer = tf.layers.Dense(6, use_bias=False, name="my_layer")
        assert s2s.AttentionWrapper(cell, luong, attention_layer=layer).output_size == 6
        state = multi.zero_state(2, tf.float32)
        assert state.attention.shape.as_list() == [2, 9]
        assert state.time.dtype is tf.int32 and state.time.shape.as_list() == []
        assert state.cell_state.c.op.name == \
            "AttentionWrapperZeroState/checked_cell_state"
        assert all(isinstance(h, tf.TensorArray) for h in state.alignment_history)
        with tf.Session() as sess:
            zero = sess.run(state.alignments)
        np.testing.assert_array_equal(zero[0], np.zeros((2, 4)))
        np.testing.assert_array_equal(zero[1], [[1, 0, 0, 0]] * 2)  # monotonic: dirac at 0

        # clone replaces fields, keeping the static shapes; incompatible ones are refused.
        h = tf.placeholder(tf.float32, [None, 5])
        cloned = state.clone(cell_state=tf.nn.rnn_cell.LSTMStateTuple(h, h))
        assert cloned.cell_state.c.shape.as_list() == [2, 5]
        assert cloned.attention is state.attention
        with pytest.raises(ValueError, match="Invalid shape for tensor"):
            state.clone(attention=tf.zeros([2, 8]))
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(cloned.cell_state.c, {h: np.zeros((3, 5), np.float32)})

        # zero_state with another batch size than the memory's: TF's assert_equal fails at
        # build time for a static size, when run for a fed one.
        with pytest.raises(tf.errors.InvalidArgumentError, match="Non-matching batch sizes"):
            single.zero_state(3, tf.float32)
        batch = tf.placeholder(tf.int32, [])
        fed = single.zero_state(batch, tf.float32)
        assert fed.attention.shape.as_list() == [None, 3]
        with tf.Session() as sess:
            assert sess.run(fed.cell_state.h, {batch: 2}).shape == (2, 5)
            with pytest.raises(tf.errors.InvalidArgumentError, match="Non-matching batch"):
                sess.run(fed.cell_state.h, {batch: 3})


def test_zero_state_over_a_memory_of_unknown_length():
    # The NMT tutorial's memory is an encoder's outputs, [batch, time, depth] with both None:
    # the alignments' size is then a tensor, as TF's _zero_state_tensors allows.
    with tf.Graph().as_default():
        memory = tf.placeholder(tf.float32, [None, None, 3])
        lengths = tf.placeholder(tf.int32, [None])
        cell = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicLSTMCell(5),
                                    s2s.LuongAttention(5, memory, lengths), alignment_history=True)
        state = cell.zero_state(tf.shape(memory)[0], tf.float32)
        assert state.alignments.shape.as_list() == [None, None]
        assert state.attention_state.shape.as_list() == [None, None]
        outputs, final = tf.nn.dynamic_rnn(cell, tf.placeholder_with_default(
            tf.ones([2, 4, 2]), [None, None, 2]), initial_state=state)
        feed = {memory: np.ones((2, 7, 3), np.float32), lengths: [7, 5]}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            zero, last, history = sess.run([state.alignments, final.alignments,
                                            final.alignment_history.stack()], feed)
        np.testing.assert_array_equal(zero, np.zeros((2, 7)))
        assert history.shape == (4, 2, 7)
        np.testing.assert_allclose(last.sum(axis=1), [1, 1], rtol=1e-6)
        np.testing.assert_array_equal(last[1, 5:], [0, 0])  # masked past its length


def test_errors_are_tfs():
    with tf.Graph().as_default():
        luong = s2s.LuongAttention(4, MEMORY)
        with pytest.raises(ValueError, match="Incompatible or unknown inner dimensions between "
                                             "query and keys"):
            luong(tf.zeros([2, 5]), luong.initial_state(2, tf.float32))
        cell = tf.nn.rnn_cell.BasicRNNCell(3)
        with pytest.raises(TypeError, match="attention_mechanism must be an AttentionMechanism"):
            s2s.AttentionWrapper(cell, object())
        with pytest.raises(TypeError, match="must contain only instances of AttentionMechanism"):
            s2s.AttentionWrapper(cell, [luong, 3])
        with pytest.raises(ValueError, match="exactly one integer per attention_mechanism, "
                                             "saw: 2 vs 1"):
            s2s.AttentionWrapper(cell, luong, attention_layer_size=[2, 3])
        with pytest.raises(ValueError, match="Only one of attention_layer_size and "
                                             "attention_layer should be set"):
            s2s.AttentionWrapper(cell, luong, attention_layer_size=2,
                                 attention_layer=tf.layers.Dense(2))
        with pytest.raises(TypeError, match="cell_input_fn must be callable"):
            s2s.AttentionWrapper(cell, luong, cell_input_fn=3)
        with pytest.raises(TypeError, match="Expected state to be instance of "
                                            "AttentionWrapperState"):
            s2s.AttentionWrapper(cell, luong)(tf.zeros([2, 2]), tf.zeros([2, 3]))
        with pytest.raises(ValueError, match="to have fully defined inner dims"):
            s2s.LuongAttention(4, tf.placeholder(tf.float32, [2, 4, None]))
        # A zero length is refused when the scores are masked.
        lengths = tf.placeholder(tf.int32, [2])
        masked = s2s.BahdanauAttention(3, MEMORY, memory_sequence_length=lengths)
        align, _ = masked(tf.zeros([2, 5]), masked.initial_state(2, tf.float32))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="must be greater than zero"):
                sess.run(align, {lengths: [2, 0]})
            # past the length, the alignments are exactly 0 (score -inf before the softmax)
            got = sess.run(align, {lengths: [1, 3]})
        assert got[0, 1:].tolist() == [0, 0, 0] and got[1, 3] == 0
        np.testing.assert_allclose(got.sum(1), 1, rtol=1e-6)


def test_custom_key_value_fn_and_attention_fn():
    """custom_key_value_fn(keys, values) replaces both after the memory layer; attention_fn
    replaces the wrapper's attention step (here: the alignments themselves as attention)."""
    with tf.Graph().as_default():
        mech = s2s.LuongAttention(5, MEMORY, custom_key_value_fn=lambda k, v: (k * 2., v + 1.))
        plain = s2s.LuongAttention(5, MEMORY)

        def alignments_as_attention(mechanism, cell_output, state, layer):
            alignments, next_state = mechanism(cell_output, state)
            return alignments, alignments, next_state
        wrapper = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicRNNCell(5), mech,
                                       attention_fn=alignments_as_attention)
        assert wrapper.output_size == 3  # TF sizes it from the values, whatever attention_fn
        out, state = wrapper(tf.zeros([2, 1]), wrapper.zero_state(2, tf.float32))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(plain.memory_layer.kernel.assign(mech.memory_layer.kernel))
            keys, values, pkeys, pvalues, o, al = sess.run(
                [mech.keys, mech.values, plain.keys, plain.values, out, state.alignments])
    np.testing.assert_allclose(keys, 2 * pkeys, rtol=1e-6)
    np.testing.assert_allclose(values, pvalues + 1, rtol=1e-6)
    np.testing.assert_array_equal(o, al)


def test_gradients_of_the_alignments_are_tfs_rule():
    """float64 numerical check of d(alignments and attention)/d(query, memory) through the
    masked Bahdanau score, the softmax and the context."""
    rng = np.random.RandomState(0)
    memory = rng.uniform(-1, 1, (2, 4, 3))
    query = rng.uniform(-1, 1, (2, 5))
    with tf.Graph().as_default():
        m_t = tf.constant(memory)
        q_t = tf.constant(query)
        mech = s2s.BahdanauAttention(3, m_t, memory_sequence_length=[4, 2], normalize=True,
                                     dtype=tf.float64)
        align, _ = mech(q_t, mech.initial_state(2, tf.float64))
        context = tf.squeeze(tf.matmul(tf.expand_dims(align, 1), mech.values), [1])
        y = tf.concat([align, context], 1)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for x, value in ((q_t, query), (m_t, memory)):
                err = tf.test.compute_gradient_error(x, list(value.shape), y, [2, 7],
                                                     x_init_value=value, delta=1e-6,
                                                     session=sess)
                assert err < 1e-6


def test_attention_model_learns_to_reverse():
    """An encoder-decoder with Luong attention (teacher forcing) learns to reverse short
    sequences: the loss falls well below its start, with alignment_history on."""
    vocab, steps, batch = 6, 5, 16
    rng = np.random.RandomState(1)
    data = rng.randint(1, vocab, (batch, steps)).astype(np.int32)
    targets = data[:, ::-1]
    dec_in = np.concatenate([np.zeros((batch, 1), np.int32), targets[:, :-1]], 1)
    tf.set_random_seed(3)
    src = tf.placeholder(tf.int32, [None, steps])
    tgt_in = tf.placeholder(tf.int32, [None, steps])
    tgt = tf.placeholder(tf.int32, [None, steps])
    emb = tf.get_variable("embedding", [vocab, 8])
    with tf.variable_scope("encoder"):
        memory, enc_state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(16),
                                              tf.nn.embedding_lookup(emb, src), dtype=tf.float32)
    mech = s2s.LuongAttention(16, memory, scale=True)
    cell = s2s.AttentionWrapper(tf.nn.rnn_cell.GRUCell(16), mech, attention_layer_size=16,
                                alignment_history=True)
    initial = cell.zero_state(tf.shape(src)[0], tf.float32).clone(cell_state=enc_state)
    with tf.variable_scope("decoder"):
        out, final = tf.nn.dynamic_rnn(cell, tf.nn.embedding_lookup(emb, tgt_in),
                                       initial_state=initial)
    logits = tf.layers.dense(out, vocab)
    loss = s2s.sequence_loss(logits, tgt, tf.ones_like(tgt, tf.float32))
    train = tf.train.AdamOptimizer(0.02).minimize(loss)
    history = final.alignment_history.stack()
    feed = {src: data, tgt_in: dec_in, tgt: targets}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, feed)
        for _ in range(150):
            sess.run(train, feed)
        last, hist = sess.run([loss, history], feed)
    assert hist.shape == (steps, batch, steps)
    np.testing.assert_allclose(hist.sum(2), 1, rtol=1e-5)
    assert last < 0.05 < 1.0 < first, (first, last)


def test_wrapper_with_sequence_length_and_static_rnn():
    """dynamic_rnn's sequence_length: outputs past an entry's length are zero and its state is
    the state at its length, while the alignment history (a TensorArray) is written at every
    step; static_rnn calls the wrapper once per step with the same variables."""
    rec = RECORDED["wrappers"]["luong_rnn"]
    inputs = np.array(rec["inputs"], np.float32)
    with tf.Graph().as_default():
        wrapper = build_wrapper(rec["case"])
        outputs, final = tf.nn.dynamic_rnn(wrapper, inputs, sequence_length=[3, 1],
                                           dtype=tf.float32)
        history = final.alignment_history.stack()
        n_vars = len(tf.global_variables())
        static_out, static_final = tf.nn.static_rnn(wrapper, tf.unstack(inputs, axis=1),
                                                    dtype=tf.float32, scope="rnn")
        assert len(tf.global_variables()) == n_vars  # reused: the same scope and names
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out, t, att, hist, s_out, s_att = sess.run(
                [outputs, final.time, final.attention, history, tf.stack(static_out, 1),
                 static_final.attention])
    assert t == 3 and hist.shape == (3, 2, 4)
    assert not out[1, 1:].any() and out[0, 2].any()
    np.testing.assert_array_equal(att[1], out[1, 0])  # entry 1's state is from step 1
    np.testing.assert_allclose(s_out[0], out[0], rtol=1e-6)
    np.testing.assert_allclose(s_att[0], att[0], rtol=1e-6)


def test_wrapper_in_basic_decoder():
    """The NMT tutorial's decoder: an AttentionWrapper in BasicDecoder and dynamic_decode, with
    TF 1.15's variable names under `decoder/` and the alignment history of every step."""
    with tf.Graph().as_default():
        with tf.variable_scope("decoder"):
            mech = s2s.BahdanauAttention(6, MEMORY, memory_sequence_length=SEQ_LEN)
            cell = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicLSTMCell(5), mech,
                                        attention_layer_size=4, alignment_history=True)
            helper = s2s.TrainingHelper(tf.ones([2, 3, 2]), [3, 2])
            decoder = s2s.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32),
                                       output_layer=tf.layers.Dense(7))
        out, state, _ = s2s.dynamic_decode(decoder, scope="decoder")
        assert sorted(v.op.name for v in tf.global_variables()) == [
            "decoder/attention_wrapper/attention_layer/kernel",
            "decoder/attention_wrapper/bahdanau_attention/attention_v",
            "decoder/attention_wrapper/bahdanau_attention/query_layer/kernel",
            "decoder/attention_wrapper/basic_lstm_cell/bias",
            "decoder/attention_wrapper/basic_lstm_cell/kernel",
            "decoder/dense/bias", "decoder/dense/kernel", "decoder/memory_layer/kernel"]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            logits, history, time = sess.run([out.rnn_output, state.alignment_history.stack(),
                                              state.time])
    assert logits.shape == (2, 3, 7) and history.shape == (3, 2, 4) and time == 3
    assert not history[:, 1, 2:].any()  # memory entry 1 has length 2


def test_initial_cell_state_noise_and_score_mask_value():
    """initial_cell_state becomes zero_state's cell state (checked against the memory's batch
    size: TF's InvalidArgumentError when it differs); sigmoid_noise adds Gaussian noise before
    the sigmoid (with a seed, a new session repeats the draws, as TF's seeded random ops);
    score_mask_value replaces -inf past the memory's length."""
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        mech = s2s.LuongAttention(5, MEMORY)
        start = tf.nn.rnn_cell.LSTMStateTuple(tf.fill([2, 5], 0.5), tf.fill([2, 5], -0.5))
        wrapper = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicLSTMCell(5), mech,
                                       initial_cell_state=start)
        state = wrapper.zero_state(2, tf.float32)
        assert state.cell_state.c.op.name == "AttentionWrapperZeroState/checked_cell_state"
        with pytest.raises(tf.errors.InvalidArgumentError, match="initial_cell_state"):
            s2s.AttentionWrapper(tf.nn.rnn_cell.BasicLSTMCell(5), mech,
                                 initial_cell_state=tf.zeros([3, 5]))

        noisy = s2s.BahdanauMonotonicAttention(6, MEMORY, sigmoid_noise=1.0,
                                               sigmoid_noise_seed=7)
        query = tf.constant(np.linspace(-1, 1, 10, dtype=np.float32).reshape(2, 5))
        a_noisy, _ = noisy(query, noisy.initial_state(2, tf.float32))
        lengths = tf.constant(SEQ_LEN)
        masked = s2s.LuongAttention(5, MEMORY, memory_sequence_length=lengths,
                                    probability_fn=lambda s: s, score_mask_value=-7.0)
        scores, _ = masked(query, masked.initial_state(2, tf.float32))
        runs = []
        for _ in range(2):
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                c, h = sess.run(state.cell_state)
                runs.append((sess.run(a_noisy), sess.run(a_noisy)))
                got = sess.run(scores)
    assert (c == 0.5).all() and (h == -0.5).all()
    (first, second), (again, _) = runs
    assert first.shape == (2, 4) and (first >= 0).all() and (first <= 1).all()
    assert not np.array_equal(first, second)  # new noise at every run
    np.testing.assert_array_equal(first, again)  # the graph seed repeats weights and noise
    assert got[1, 2:].tolist() == [-7.0, -7.0] and (got[0] != -7.0).all()
