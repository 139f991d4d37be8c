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


PROGRAMS = [sparse_optimizers, sparse_gradient_values, embedding_max_norm]


def main():
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    recorded = {p.__name__: p(tf) for p in PROGRAMS}
    print('"""What tests/tf1_rnn_programs.py gave with TensorFlow %s (generated; do not edit)."""'
          % tf.__version__)
    print()
    print("RECORDED = " + pprint.pformat(recorded, width=100, compact=True))


if __name__ == "__main__":
    sys.exit(main())
