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


PROGRAMS = [collatz, cumulative_sum, dropout_switch, lr_warmup, errors]


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
