"""tf.contrib.legacy_seq2seq programs run by tests/record_tf_legacy_seq2seq.py in TensorFlow
(TF 2.15's compat.v1 cells and ops under a re-creation of TF 1.15's legacy_seq2seq, which TF 2
dropped) and by tests/test_legacy_seq2seq.py in minitf. Each program builds a model, sets every
variable to values drawn from its name, and records the variables' names and shapes, the
outputs, the final state, the loss and the loss's gradients."""

import copy
import zlib

import numpy as np

BATCH = 2


def _values(name, shape):
    rng = np.random.RandomState(zlib.crc32(name.encode()) % (2 ** 31))
    return rng.uniform(-0.6, 0.6, shape).astype(np.float32)


def _ids(rng, steps, vocab):
    return [rng.randint(0, vocab, BATCH).astype(np.int32) for _ in range(steps)]


def _run(tf, outputs, state, loss, feeds, extra=None, grads=True):
    """Set the variables, run, and return the record of one program."""
    variables = tf.global_variables()
    fetches = {"outputs": list(outputs), "state": tf.nest.flatten(state) if state is not None
               else [], "loss": loss}
    if grads:
        g = tf.gradients(loss, variables)
        fetches["grads"] = {v.op.name: tf.convert_to_tensor(d) for v, d in zip(variables, g)
                            if d is not None}
    if extra:
        fetches.update(extra)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for v in variables:
            v.load(_values(v.op.name, v.shape.as_list()), sess)
        runs = [sess.run(fetches, feed) for feed in feeds]
    record = {"variables": [[v.op.name, v.shape.as_list()] for v in variables],
              "runs": [_lists(r) for r in runs]}
    return record


def _lists(x):
    if isinstance(x, dict):
        return {k: _lists(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_lists(v) for v in x]
    return np.asarray(x).tolist()


def _targets_loss(tf, legacy, outputs, steps, seed):
    rng = np.random.RandomState(seed)
    num = outputs[0].shape.as_list()[-1]
    targets = [tf.constant(t) for t in _ids(rng, steps, num)]
    weights = [tf.constant(rng.uniform(0.2, 1.0, BATCH).astype(np.float32))
               for _ in range(steps)]
    return legacy.sequence_loss(outputs, targets, weights)


def char_rnn(tf, legacy, infer):
    """sherjilozair/char-rnn-tensorflow's model: an embedding, a 2-layer LSTM decoded by
    rnn_decoder in scope 'rnnlm' (greedy-sampling loop_function when infer), a softmax layer and
    sequence_loss_by_example."""
    vocab, size, steps = 6, 4, 3
    rng = np.random.RandomState(1)
    x = tf.placeholder(tf.int32, [BATCH, steps])
    y = tf.placeholder(tf.int32, [BATCH, steps])
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(size) for _ in range(2)])
    initial_state = cell.zero_state(BATCH, tf.float32)
    with tf.variable_scope("rnnlm"):
        softmax_w = tf.get_variable("softmax_w", [size, vocab])
        softmax_b = tf.get_variable("softmax_b", [vocab])
        embedding = tf.get_variable("embedding", [vocab, size])
        inputs = tf.split(tf.nn.embedding_lookup(embedding, x), steps, 1)
        inputs = [tf.squeeze(i, [1]) for i in inputs]

    def loop(prev, _):
        prev = tf.matmul(prev, softmax_w) + softmax_b
        return tf.nn.embedding_lookup(embedding, tf.stop_gradient(tf.argmax(prev, 1)))
    outputs, state = legacy.rnn_decoder(inputs, initial_state, cell,
                                        loop_function=loop if infer else None, scope="rnnlm")
    output = tf.reshape(tf.concat(outputs, 1), [-1, size])
    logits = tf.matmul(output, softmax_w) + softmax_b
    loss = legacy.sequence_loss_by_example([logits], [tf.reshape(y, [-1])],
                                           [tf.ones([BATCH * steps])])
    cost = tf.reduce_sum(loss) / BATCH / steps
    feed = {x: rng.randint(0, vocab, (BATCH, steps)), y: rng.randint(0, vocab, (BATCH, steps))}
    return _run(tf, [logits], state, cost, [feed], extra={"per_example": loss})


def basic(tf, legacy):
    rng = np.random.RandomState(2)
    enc = [tf.constant(rng.randn(BATCH, 3).astype(np.float32)) for _ in range(3)]
    dec = [tf.constant(rng.randn(BATCH, 2).astype(np.float32)) for _ in range(2)]
    outputs, state = legacy.basic_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.GRUCell(3))
    return _run(tf, outputs, state, tf.reduce_sum(tf.add_n(outputs) ** 2), [{}])


def tied(tf, legacy):
    rng = np.random.RandomState(3)
    enc = [tf.constant(rng.randn(BATCH, 3).astype(np.float32)) for _ in range(2)]
    dec = [tf.constant(rng.randn(BATCH, 3).astype(np.float32)) for _ in range(3)]
    outputs, state = legacy.tied_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.BasicLSTMCell(3),
                                             loop_function=lambda prev, i: prev * 0.5)
    return _run(tf, outputs, state, tf.reduce_sum(tf.add_n(outputs) ** 2), [{}])


def embedding_rnn(tf, legacy, feed_previous):
    rng = np.random.RandomState(4)
    enc = [tf.constant(t) for t in _ids(rng, 3, 5)]
    dec = [tf.constant(t) for t in _ids(rng, 3, 6)]
    pred = feed_previous
    if feed_previous == "tensor":
        pred = tf.placeholder(tf.bool, [])
    outputs, state = legacy.embedding_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.GRUCell(3), 5, 6, 2,
                                                  feed_previous=pred)
    loss = _targets_loss(tf, legacy, outputs, 3, 5)
    if feed_previous == "tensor":
        return _run(tf, outputs, state, loss, [{pred: True}, {pred: False}], grads=False)
    return _run(tf, outputs, state, loss, [{}])


def embedding_tied(tf, legacy):
    rng = np.random.RandomState(6)
    enc = [tf.constant(t) for t in _ids(rng, 2, 7)]
    dec = [tf.constant(t) for t in _ids(rng, 3, 7)]
    w = tf.constant(rng.uniform(-1, 1, (3, 7)).astype(np.float32))
    b = tf.constant(rng.uniform(-1, 1, 7).astype(np.float32))
    outputs, state = legacy.embedding_tied_rnn_seq2seq(
        enc, dec, tf.nn.rnn_cell.BasicLSTMCell(3), 7, 3, output_projection=(w, b),
        feed_previous=True)
    logits = [tf.nn.xw_plus_b(o, w, b) for o in outputs]
    return _run(tf, outputs, state, _targets_loss(tf, legacy, logits, 3, 7), [{}])


def embedding_tied_tensor(tf, legacy):
    rng = np.random.RandomState(7)
    enc = [tf.constant(t) for t in _ids(rng, 2, 7)]
    dec = [tf.constant(t) for t in _ids(rng, 2, 7)]
    pred = tf.placeholder(tf.bool, [])
    outputs, state = legacy.embedding_tied_rnn_seq2seq(
        enc, dec, tf.nn.rnn_cell.BasicLSTMCell(2), 7, 3, num_decoder_symbols=5,
        feed_previous=pred)
    return _run(tf, outputs, state, tf.reduce_sum(outputs[-1]), [{pred: True}, {pred: False}],
                grads=False)


def embedding_attention(tf, legacy, feed_previous, num_heads, initial_state_attention):
    rng = np.random.RandomState(8)
    enc = [tf.constant(t) for t in _ids(rng, 3, 5)]
    dec = [tf.constant(t) for t in _ids(rng, 3, 6)]
    pred = tf.placeholder(tf.bool, []) if feed_previous == "tensor" else feed_previous
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.GRUCell(3)])
    outputs, state = legacy.embedding_attention_seq2seq(
        enc, dec, cell, 5, 6, 2, num_heads=num_heads, feed_previous=pred,
        initial_state_attention=initial_state_attention)
    loss = _targets_loss(tf, legacy, outputs, 3, 9)
    if feed_previous == "tensor":
        return _run(tf, outputs, state, loss, [{pred: True}, {pred: False}], grads=False)
    return _run(tf, outputs, state, loss, [{}])


def attention(tf, legacy):
    """attention_decoder alone: attention states of unknown length, an LSTM state (a tuple
    query), output_size and a loop_function."""
    rng = np.random.RandomState(10)
    states = tf.placeholder(tf.float32, [None, None, 4])
    dec = [tf.constant(rng.randn(BATCH, 3).astype(np.float32)) for _ in range(3)]
    cell = tf.nn.rnn_cell.BasicLSTMCell(2)
    init = cell.zero_state(BATCH, tf.float32)
    outputs, state = legacy.attention_decoder(dec, init, states, cell, output_size=3,
                                              loop_function=lambda prev, i: tf.tanh(prev),
                                              scope="att")
    feed = {states: rng.randn(BATCH, 5, 4).astype(np.float32)}
    return _run(tf, outputs, state, tf.reduce_sum(tf.add_n(outputs) ** 2), [feed])


def buckets(tf, legacy, per_example_loss):
    rng = np.random.RandomState(11)
    enc = [tf.constant(rng.randn(BATCH, 2).astype(np.float32)) for _ in range(3)]
    dec = [tf.constant(rng.randn(BATCH, 2).astype(np.float32)) for _ in range(3)]
    targets = [tf.constant(t) for t in _ids(rng, 3, 4)]
    weights = [tf.constant(rng.uniform(0, 1, BATCH).astype(np.float32)) for _ in range(3)]
    cell = tf.nn.rnn_cell.GRUCell(4)
    outputs, losses = legacy.model_with_buckets(
        enc, dec, targets, weights, [(2, 2), (3, 3)],
        lambda x, y: legacy.basic_rnn_seq2seq(x, y, copy.deepcopy(cell)),  # (as translate)
        per_example_loss=per_example_loss)
    return _run(tf, outputs[0] + outputs[1], None, tf.add_n(losses), [{}],
                extra={"losses": losses})


def one2many(tf, legacy, feed_previous=True):
    rng = np.random.RandomState(12)
    enc = [tf.constant(t) for t in _ids(rng, 2, 5)]
    dec = {"a": [tf.constant(t) for t in _ids(rng, 2, 4)],
           "b": [tf.constant(t) for t in _ids(rng, 3, 3)]}
    cells = {"a": tf.nn.rnn_cell.GRUCell(3), "b": tf.nn.rnn_cell.GRUCell(3)}
    pred = tf.placeholder(tf.bool, []) if feed_previous == "tensor" else feed_previous
    outputs, states = legacy.one2many_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.GRUCell(3), cells,
                                                  5, {"a": 4, "b": 3}, 2, feed_previous=pred)
    loss = tf.reduce_sum(tf.add_n(outputs["a"])) + tf.reduce_sum(tf.add_n(outputs["b"]) ** 2)
    if feed_previous == "tensor":
        return _run(tf, outputs["a"] + outputs["b"], [states["a"], states["b"]], loss,
                    [{pred: True}, {pred: False}], grads=False)
    return _run(tf, outputs["a"] + outputs["b"], [states["a"], states["b"]], loss, [{}])


def losses(tf, legacy):
    rng = np.random.RandomState(13)
    logits = [tf.constant(rng.randn(3, 4).astype(np.float32)) for _ in range(2)]
    targets = [tf.constant(rng.randint(0, 4, 3).astype(np.int32)) for _ in range(2)]
    weights = [tf.constant(np.array([1.0, 0.5, 0.0], np.float32)),
               tf.constant(np.array([0.0, 1.0, 0.0], np.float32))]
    out = {}
    with tf.Session() as sess:
        for a in (True, False):
            out["by_example_%s" % a] = sess.run(legacy.sequence_loss_by_example(
                logits, targets, weights, average_across_timesteps=a)).tolist()
            for b in (True, False):
                out["loss_%s_%s" % (a, b)] = float(sess.run(legacy.sequence_loss(
                    logits, targets, weights, average_across_timesteps=a,
                    average_across_batch=b)))
        custom = legacy.sequence_loss(
            logits, targets, weights, softmax_loss_function=lambda labels, logits:
            tf.reduce_sum(logits, 1) * tf.cast(labels, tf.float32))
        out["custom"] = float(sess.run(custom))
        named = legacy.sequence_loss(logits, targets, weights, name="my_loss")
        out["names"] = [named.name, legacy.sequence_loss_by_example(logits, targets,
                                                                    weights).name]
    return out


def errors(tf, legacy):
    """(class, message) of TF's misuse errors."""
    out = {}
    x = [tf.zeros([2, 3])]

    def record(key, fn):
        try:
            fn()
            out[key] = None
        except Exception as e:  # noqa: BLE001 - recording whichever TF raises
            out[key] = [type(e).__name__, str(e)]
    cell = tf.nn.rnn_cell.GRUCell(2)
    record("attention_no_inputs", lambda: legacy.attention_decoder(
        [], None, tf.zeros([2, 3, 4]), cell))
    record("attention_no_heads", lambda: legacy.attention_decoder(
        x, None, tf.zeros([2, 3, 4]), cell, num_heads=0))
    record("attention_unknown_size", lambda: legacy.attention_decoder(
        x, None, tf.placeholder(tf.float32, [2, 3, None]), cell))
    record("loss_lengths", lambda: legacy.sequence_loss_by_example(x, x + x, x))
    record("buckets_encoder", lambda: legacy.model_with_buckets(
        x, x, x, x, [(2, 1)], None))
    record("buckets_targets", lambda: legacy.model_with_buckets(
        x + x, x, x, x, [(2, 2)], None))
    record("buckets_weights", lambda: legacy.model_with_buckets(
        x + x, x, x + x, x, [(2, 2)], None))
    record("one2many_keys", lambda: legacy.one2many_rnn_seq2seq(
        x, {"a": x}, cell, {"b": cell}, 2, {"a": 2}, 2))
    record("one2many_enc_cell", lambda: legacy.one2many_rnn_seq2seq(
        x, {"a": x}, "cell", {"a": cell}, 2, {"a": 2}, 2))
    record("projection_shape", lambda: legacy.embedding_rnn_decoder(
        [tf.zeros([2], tf.int32)], tf.zeros([2, 2]), cell, 5, 2,
        output_projection=(tf.zeros([2, 4]), tf.zeros([4]))))
    return out


PROGRAMS = {
    "char_rnn_train": lambda tf, legacy: char_rnn(tf, legacy, False),
    "char_rnn_infer": lambda tf, legacy: char_rnn(tf, legacy, True),
    "basic": basic,
    "tied": tied,
    "embedding_rnn": lambda tf, legacy: embedding_rnn(tf, legacy, False),
    "embedding_rnn_feed_previous": lambda tf, legacy: embedding_rnn(tf, legacy, True),
    "embedding_rnn_tensor": lambda tf, legacy: embedding_rnn(tf, legacy, "tensor"),
    "embedding_tied": embedding_tied,
    "embedding_tied_tensor": embedding_tied_tensor,
    "embedding_attention": lambda tf, legacy: embedding_attention(tf, legacy, False, 1, False),
    "embedding_attention_heads": lambda tf, legacy: embedding_attention(tf, legacy, True, 2,
                                                                        True),
    "embedding_attention_tensor": lambda tf, legacy: embedding_attention(tf, legacy, "tensor",
                                                                         1, False),
    "attention": attention,
    "buckets": lambda tf, legacy: buckets(tf, legacy, False),
    "buckets_per_example": lambda tf, legacy: buckets(tf, legacy, True),
    "one2many": one2many,
    "one2many_tensor": lambda tf, legacy: one2many(tf, legacy, "tensor"),
}


def run_program(tf, legacy, name):
    with tf.Graph().as_default():
        return PROGRAMS[name](tf, legacy)


def run_all(tf, legacy):
    out = {name: run_program(tf, legacy, name) for name in PROGRAMS}
    for name, fn in (("losses", losses), ("errors", errors)):
        with tf.Graph().as_default():
            out[name] = fn(tf, legacy)
    return out
