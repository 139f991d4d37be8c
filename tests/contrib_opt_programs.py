"""tf.contrib.opt programs run by tests/record_tf_contrib_opt.py in TensorFlow (TF Addons'
ports: AdamW, SGDW, LazyAdam; TF 1.15 does not install here) and by tests/test_contrib_opt.py
in minitf: a linear model on an embedding table, so one variable gets a dense gradient and one
a sparse one (with a repeated row), trained a few steps."""

import numpy as np

STEPS = 3


def data():
    rng = np.random.RandomState(5)
    return {"table": rng.randn(6, 3).astype(np.float32),
            "w": rng.randn(3, 2).astype(np.float32),
            "ids": np.array([4, 1, 4], np.int32),
            "y": rng.randn(3, 2).astype(np.float32)}


def train(tf, make_optimizer, minimize, sparse=True):
    """The variables' values after each of STEPS steps. `make_optimizer()` builds the
    optimizer; `minimize(optimizer, loss, variables)` returns the training op. With sparse
    False the table's rows are picked by a product with one-hot rows (a dense gradient)."""
    d = data()
    with tf.Graph().as_default():
        table = tf.Variable(d["table"], name="table", use_resource=True)
        w = tf.Variable(d["w"], name="w", use_resource=True)
        if sparse:
            rows = tf.gather(table, d["ids"])
        else:
            rows = tf.matmul(np.eye(len(d["table"]), dtype=np.float32)[d["ids"]], table)
        loss = tf.reduce_mean(tf.square(tf.matmul(rows, w) - d["y"]))
        step = minimize(make_optimizer(), loss, [table, w])
        out = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(STEPS):
                sess.run(step)
                out.append([v.tolist() for v in sess.run([table, w])])
    return out


# (optimizer, sparse) recorded from TF Addons. Its AdamW and SGDW do not order their weight
# decay after the gradients in graph mode (recording twice gave two results: the decay may run
# before the forward pass or a gradient reads the weights), so the decayed optimizers are
# checked against numpy in the test (gradients at the weights before the decay, TF 1.15's
# contrib order), and only LazyAdam is compared with TF Addons.
KINDS = [("lazyadam", True), ("lazyadam", False)]
