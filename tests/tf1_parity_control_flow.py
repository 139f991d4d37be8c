"""Classic TF1 control-flow programs (a Collatz loop, a cumulative sum with tf.scan, dropout
switched by a bool placeholder, a learning-rate warm-up via tf.cond, misuse errors), each a
function of the `tf` module it runs on, returning what a user observes: fetched values and
gradients, the names of the tensors tf.cond / tf.while_loop return, and error classes and
messages.

tests/test_tf1_parity_control_flow.py runs them with minitf and compares with TensorFlow's
results, recorded by running this file in a venv with TensorFlow 2.21:

    python tests/tf1_parity_control_flow.py > recorded.py

It imports only numpy; TensorFlow is imported only when this file is run as that script.
"""

import numpy as np


def _v(x):
    return np.asarray(x).tolist()


def collatz(tf):
    n0 = tf.placeholder(tf.int32, [], name="n0")

    def body(n, steps):
        return tf.cond(tf.equal(n % 2, 0), lambda: n // 2, lambda: 3 * n + 1), steps + 1
    n, steps = tf.while_loop(lambda n, steps: n > 1, body, [n0, tf.constant(0)])
    with tf.Session() as s:
        runs = [_v(s.run([n, steps], {n0: k})) for k in (1, 6, 27, 97)]
    return {"names": [n.name, steps.name], "runs": runs}


def cumulative_sum(tf):
    x = tf.constant([[1., 2.], [3., 4.], [5., 6.]])
    c = tf.scan(lambda a, r: a + r, x)
    c2 = tf.scan(lambda a, r: a * r, x, initializer=tf.ones([2]), reverse=True)
    dx = tf.gradients(tf.reduce_sum(c * c) + tf.reduce_sum(c2), x)[0]
    with tf.Session() as s:
        cv, c2v, dxv = s.run([c, c2, tf.convert_to_tensor(dx)])
    return {"scan": _v(cv), "reverse_scan": _v(c2v), "grad": _v(dxv),
            "shapes": [c.shape.as_list(), c2.shape.as_list()]}


def dropout_switch(tf):
    x = tf.placeholder(tf.float32, [4, 8], name="x")
    training = tf.placeholder(tf.bool, [], name="training")
    y = tf.cond(training, lambda: tf.nn.dropout(x, keep_prob=0.5, seed=7), lambda: x)
    dx = tf.gradients(tf.reduce_sum(y * 2.), x)[0]
    xv = np.arange(32, dtype=np.float32).reshape(4, 8) + 1
    with tf.Session() as s:
        y_eval, dx_eval = s.run([y, dx], {x: xv, training: False})
        y_train, dx_train = s.run([y, dx], {x: xv, training: True})
    kept = y_train != 0
    return {"name": y.name, "eval": _v(y_eval), "eval_grad": _v(dx_eval),
            "train_values_are_2x_or_0": bool(np.allclose(y_train[kept], 2 * xv[kept])),
            "train_grad_matches_mask": bool(np.array_equal(dx_train, np.where(kept, 4., 0.)))}


def lr_warmup(tf):
    w = tf.Variable(1.0, name="w")
    step = tf.Variable(0, trainable=False, name="step")
    warm = 3
    lr = tf.cond(step < warm,
                 lambda: 0.1 * tf.cast(step + 1, tf.float32) / warm, lambda: tf.constant(0.1))
    loss = tf.square(w - 3.)
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=step)
    out = []
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(5):
            out.append(_v(s.run(lr)))
            s.run(train)
            out.append(_v(s.run(w)))
    return {"name": lr.name, "trace": out}


def errors(tf):
    def catch(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return [type(e).__name__, str(e).split("\n")[0]]
        return None
    x = tf.constant(1.)
    return {
        "branch_dtypes": catch(lambda: tf.cond(tf.constant(True), lambda: x,
                                               lambda: tf.constant(1))),
        "branch_structure": catch(lambda: tf.cond(tf.constant(True), lambda: x,
                                                  lambda: (x, x))),
        "shape_change": catch(lambda: tf.while_loop(
            lambda v: tf.reduce_sum(v) < 10, lambda v: tf.concat([v, v], 0),
            [tf.constant([1.], name="v0")])),
        "bad_invariant": catch(lambda: tf.while_loop(
            lambda v: True, lambda v: v, [tf.constant([1.], name="v1")],
            shape_invariants=[tf.TensorShape([2])])),
    }


def stacked_names_and_dense_gradients(tf):
    """The names tf.map_fn and tf.scan give their stacked results, and the elements'
    gradients through scan, foldl and foldr fetched as they come (a Tensor in TF1, so an
    array when run, not IndexedSlices)."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    doubled = tf.map_fn(lambda r: r * 2., x)
    pair = tf.map_fn(lambda r: (r, r * r), x, dtype=(tf.float32, tf.float32))
    with tf.name_scope("outer"):
        scoped = tf.map_fn(lambda r: r + 1., x, name="mm")
    sums = tf.scan(lambda a, r: a + r, x)
    products = tf.scan(lambda a, r: (a[0] * r, a[1] + r), x,
                       initializer=(tf.ones([3]), tf.zeros([3])), reverse=True)
    left = tf.foldl(lambda a, r: a + r * a, x)
    right = tf.foldr(lambda a, r: a * r, x)
    grads = [tf.gradients(tf.reduce_sum(t), x)[0] for t in (sums, left, right)]
    grads.append(tf.gradients(tf.reduce_sum(sums) + tf.reduce_sum(doubled), x)[0])
    xv = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    with tf.Session() as s:
        values = s.run([doubled, sums, products[0], left, right] + grads, {x: xv})
    return {"names": [t.name for t in [doubled, pair[0], pair[1], scoped, sums] +
                      list(products)],
            "sparse_gradients": [isinstance(g, tf.IndexedSlices) for g in grads],
            "values": {k: _v(v) for k, v in zip(
                ["doubled", "sums", "products", "left", "right", "d_sums", "d_left", "d_right",
                 "d_sums_and_doubled"], values)},
            "fetched_arrays": [isinstance(v, np.ndarray) for v in values]}


PROGRAMS = [collatz, cumulative_sum, dropout_switch, lr_warmup, errors,
            stacked_names_and_dense_gradients]


def run_program(tf, program):
    g = tf.Graph()
    with g.as_default():
        return program(tf)


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    print("RECORDED = {}")
    for p in PROGRAMS:
        print("RECORDED[%r] = %r" % (p.__name__, run_program(tf1, p)))
