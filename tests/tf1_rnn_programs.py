"""TF1 programs on sparse gradients, embeddings and recurrent networks, each a function of the
`tf` module it runs on (minitf, or TensorFlow's `tensorflow.compat.v1`) returning a dict of
what a user observes: fetched values (as nested lists), variable names, op names.

tests/test_tf1_rnn_parity.py runs them with minitf and compares with TensorFlow's results,
recorded into tests/tf1_rnn_recorded.py by running this file in a venv with TensorFlow 2.21:

    python tests/tf1_rnn_programs.py > tests/tf1_rnn_recorded.py

It imports only numpy; TensorFlow is imported only when this file is run as that script.
"""

import pprint
import sys

import numpy as np


def _values(xs):
    return [np.asarray(x).tolist() for x in xs]


# -- sparse gradients ------------------------------------------------------------------------------

def _emb_problem(tf):
    p = tf.Variable(np.arange(12.).reshape(4, 3).astype(np.float32) / 4, name="emb")
    e = tf.gather(p, tf.constant([0, 2, 2]))
    loss = tf.reduce_sum(e * e) + tf.reduce_sum(tf.gather(p, [1]) * 3.0)
    return p, loss


def sparse_optimizers(tf):
    """Two steps of each optimizer on a gradient with a repeated row and an untouched row."""
    optimizers = {
        "sgd": lambda: tf.train.GradientDescentOptimizer(0.1),
        "adam": lambda: tf.train.AdamOptimizer(0.1),
        "momentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9),
        "nesterov": lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
        "adagrad": lambda: tf.train.AdagradOptimizer(0.1),
        "rmsprop": lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.3),
        "centered_rmsprop": lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True),
        "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0),
    }
    out = {}
    for key, make in optimizers.items():
        with tf.Graph().as_default():
            p, loss = _emb_problem(tf)
            opt = make()
            train = opt.minimize(loss)
            slots = [opt.get_slot(p, n) for n in opt.get_slot_names()]
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run(train)
                sess.run(train)
                out[key] = _values(sess.run([p] + slots))
    return out


def sparse_gradient_values(tf):
    """The gradient of two gathers: an IndexedSlices concatenating both (in an order that
    depends on the traversal, so compared sorted by index), and its dense form."""
    with tf.Graph().as_default():
        p, loss = _emb_problem(tf)
        (g,) = tf.gradients(loss, [p])
        dense = tf.convert_to_tensor(g)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            v, d = sess.run([g, dense])
        order = np.argsort(v.indices, kind="stable")  # the order of the parts may differ
        return {"values": _values([v.values[order], v.indices[order], v.dense_shape, d]),
                "names": [g.values.name, g.indices.name]}


def embedding_max_norm(tf):
    with tf.Graph().as_default():
        table = tf.constant(np.arange(24.).reshape(6, 4).astype(np.float32) / 3)
        ids = tf.constant([[0, 5], [2, 2]])
        e = tf.nn.embedding_lookup(table, ids, max_norm=4.0)
        plain = tf.nn.embedding_lookup(table, ids, name="plain")
        grad = tf.gradients(tf.reduce_sum(e * e), table)[0]
        with tf.Session() as sess:
            got = sess.run([e, plain, tf.convert_to_tensor(grad)])
        return {"values": _values(got), "names": [e.name, plain.name, plain.op.inputs[0].name]}


# -- recurrent cells --------------------------------------------------------------------------------

def _cells(tf):
    rc = tf.nn.rnn_cell
    return {
        "basic_rnn": lambda: rc.BasicRNNCell(4),
        "basic_lstm": lambda: rc.BasicLSTMCell(4, forget_bias=0.5),
        "basic_lstm_concat_state": lambda: rc.BasicLSTMCell(4, state_is_tuple=False),
        "lstm_peephole_clip_proj": lambda: rc.LSTMCell(5, use_peepholes=True, cell_clip=0.3,
                                                       num_proj=3, proj_clip=0.4,
                                                       forget_bias=0.7),
        "lstm_concat_state": lambda: rc.LSTMCell(4, state_is_tuple=False),
        "gru": lambda: rc.GRUCell(4),
        "multi_lstm_gru": lambda: rc.MultiRNNCell([rc.BasicLSTMCell(4), rc.GRUCell(3)]),
        "residual_gru": lambda: rc.ResidualWrapper(rc.GRUCell(3)),
        "dropout_keep_all": lambda: rc.DropoutWrapper(rc.BasicLSTMCell(4), 1.0, 1.0, 1.0),
    }


def _set_weights(tf, sess):
    """Every variable set from a generator seeded by its name, so both frameworks use the same
    weights; returns the names."""
    import zlib
    names = []
    for v in sorted(tf.global_variables(), key=lambda v: v.name):
        rng = np.random.default_rng(zlib.crc32(v.name.encode()))
        value = rng.uniform(-0.8, 0.8, v.shape.as_list()).astype(np.float32)
        sess.run(v.assign(value))
        names.append(v.name)
    return names


_X = np.random.default_rng(7).uniform(-1, 1, (4, 2, 3)).astype(np.float32)  # time, batch, depth


def _run_rnn(tf, make_cell, run, lengths):
    """Outputs, final state and gradients (wrt the inputs and every variable) of a weighted sum
    of both, for the cell run over _X by `run(cell, x_time_major, lengths)`."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, _X.shape)
        outputs, state = run(make_cell(), x, lengths)
        flat_state = [s for s in tf.nest.flatten(state)] if hasattr(tf, "nest") else \
            list(_flatten(state))
        rng = np.random.default_rng(3)
        loss = tf.reduce_sum(outputs * rng.uniform(-1, 1, outputs.shape.as_list())
                             .astype(np.float32))
        for s in flat_state:
            loss += tf.reduce_sum(s * rng.uniform(-1, 1, s.shape.as_list()).astype(np.float32))
        variables = sorted(tf.global_variables(), key=lambda v: v.name)
        grads = tf.gradients(loss, [x] + variables)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            names = _set_weights(tf, sess)
            got = sess.run([outputs] + flat_state + grads, {x: _X})
    return {"names": names, "values": _values(got)}


def _flatten(s):
    if isinstance(s, (tuple, list)):
        for x in s:
            yield from _flatten(x)
    else:
        yield s


def _static(tf, cell, x, lengths):
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(x), dtype=tf.float32,
                                      sequence_length=lengths)
    return tf.stack(outputs), state


def static_rnn_cells(tf):
    """Every cell under static_rnn, with and without sequence lengths."""
    out = {}
    for key, make in _cells(tf).items():
        out[key] = _run_rnn(tf, make, lambda c, x, n: _static(tf, c, x, n), None)
        out[key + "/lengths"] = _run_rnn(tf, make, lambda c, x, n: _static(tf, c, x, n), [3, 1])
    return out


def _dynamic(tf, cell, x, lengths, time_major):
    if not time_major:
        x = tf.transpose(x, [1, 0, 2])
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32,
                                       time_major=time_major)
    return (outputs if time_major else tf.transpose(outputs, [1, 0, 2])), state


def dynamic_rnn_cells(tf):
    """Every cell under dynamic_rnn: batch- and time-major, with and without lengths."""
    out = {}
    for key, make in _cells(tf).items():
        for major in (False, True):
            for lengths in (None, [3, 1]):
                name = "%s/%s%s" % (key, "time_major" if major else "batch_major",
                                    "/lengths" if lengths else "")
                out[name] = _run_rnn(
                    tf, make, lambda c, x, n, m=major: _dynamic(tf, c, x, n, m), lengths)
    return out


def bidirectional(tf):
    def run(cell, x, lengths):
        (fw, bw), (sf, sb) = tf.nn.bidirectional_dynamic_rnn(
            cell, tf.nn.rnn_cell.GRUCell(2), x, sequence_length=lengths, dtype=tf.float32,
            time_major=True)
        return tf.concat([fw, bw], 2), (sf, sb)
    return {"lengths": _run_rnn(tf, lambda: tf.nn.rnn_cell.BasicLSTMCell(3), run, [2, 4]),
            "full": _run_rnn(tf, lambda: tf.nn.rnn_cell.BasicLSTMCell(3), run, None)}


# -- sampled losses (word2vec) ---------------------------------------------------------------------

def sampled_losses(tf):
    """nce_loss and sampled_softmax_loss with given samples (one of them also a true class, so
    accidental hits are removed), their gradients, and the expected counts of the true classes
    that the non-unique samplers give (those do not depend on the draw)."""
    rng = np.random.default_rng(11)
    w0 = rng.uniform(-1, 1, (20, 4)).astype(np.float32)
    b0 = rng.uniform(-1, 1, (20,)).astype(np.float32)
    x0 = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
    labels0 = np.array([[1, 4], [7, 0], [4, 19]], np.int64)
    out = {}
    with tf.Graph().as_default():
        sampled = (tf.constant([4, 2, 9], tf.int64),
                   tf.constant([[0.3, 0.2], [0.1, 0.5], [0.3, 0.05]]),
                   tf.constant([0.3, 0.25, 0.1]))
        w, b, x = tf.Variable(w0), tf.Variable(b0), tf.constant(x0)
        losses = [tf.nn.nce_loss(w, b, labels0, x, 3, 20, num_true=2, sampled_values=sampled),
                  tf.nn.nce_loss(w, b, labels0, x, 3, 20, num_true=2, sampled_values=sampled,
                                 remove_accidental_hits=True),
                  tf.nn.sampled_softmax_loss(w, b, labels0, x, 3, 20, num_true=2,
                                             sampled_values=sampled)]
        total = tf.add_n([tf.reduce_sum(l) for l in losses])
        grads = [tf.convert_to_tensor(g) for g in tf.gradients(total, [w, b, x])]
        counts = [tf.nn.log_uniform_candidate_sampler(labels0, 2, 5, False, 20, seed=1)[1],
                  tf.nn.uniform_candidate_sampler(labels0, 2, 5, False, 20, seed=1)[1]]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["values"] = _values(sess.run(losses + grads + counts))
    return out


def seq2seq_sequence_loss(tf):
    """contrib.seq2seq.sequence_loss in its averaging and summing modes, and its gradient."""
    rng = np.random.default_rng(5)
    logits0 = rng.standard_normal((2, 3, 4)).astype(np.float32)
    targets0 = np.array([[1, 0, 3], [2, 2, 0]], np.int32)
    weights0 = np.array([[1, 1, 0], [1, 0.5, 0]], np.float32)
    with tf.Graph().as_default():
        logits = tf.constant(logits0)
        modes = [{}, {"average_across_batch": False}, {"average_across_timesteps": False},
                 {"average_across_timesteps": False, "average_across_batch": False},
                 {"average_across_timesteps": False, "average_across_batch": False,
                  "sum_over_timesteps": True}]
        losses = [tf.contrib.seq2seq.sequence_loss(logits, targets0, weights0, **m)
                  for m in modes]
        grad = tf.gradients(losses[0], logits)[0]
        with tf.Session() as sess:
            return {"values": _values(sess.run(losses + [grad]))}


PROGRAMS = [sparse_optimizers, sparse_gradient_values, embedding_max_norm, static_rnn_cells,
            dynamic_rnn_cells, bidirectional, sampled_losses, seq2seq_sequence_loss]


def main():
    import types

    import tensorflow.compat.v1 as tf
    # TF 2.21's tf.nn.rnn_cell needs Keras 2; the same TF1 classes live on in TF itself.
    from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl
    tf.disable_v2_behavior()
    tf.nn.rnn_cell = types.SimpleNamespace(**{
        name: getattr(rnn_cell_impl, name) for name in (
            "RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
            "DropoutWrapper", "ResidualWrapper", "LSTMStateTuple")})
    from tensorflow.python.ops import math_ops, nn_ops
    # tf.contrib is gone from TF 2.x; its sequence_loss (TF 1.15's code) is rebuilt here.

    def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                      average_across_batch=True, sum_over_timesteps=False,
                      sum_over_batch=False):
        num_classes = tf.shape(logits)[2]
        crossent = nn_ops.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(targets, [-1]), logits=tf.reshape(logits, [-1, num_classes]))
        crossent *= tf.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return math_ops.div_no_nan(tf.reduce_sum(crossent), tf.reduce_sum(weights))
        crossent = tf.reshape(crossent, tf.shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
        elif sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
        else:
            return crossent
        return math_ops.div_no_nan(tf.reduce_sum(crossent, axis), tf.reduce_sum(weights, axis))
    tf.contrib = types.SimpleNamespace(seq2seq=types.SimpleNamespace(sequence_loss=sequence_loss))
    recorded = {p.__name__: p(tf) for p in PROGRAMS}
    print('"""What tests/tf1_rnn_programs.py gave with TensorFlow %s (generated; do not edit)."""'
          % tf.__version__)
    print()
    print("RECORDED = " + pprint.pformat(recorded, width=100, compact=True))


if __name__ == "__main__":
    sys.exit(main())
