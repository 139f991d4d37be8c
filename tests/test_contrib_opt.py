"""tf.contrib.opt's AdamW, MomentumW and LazyAdam: LazyAdam against TF Addons' port (recorded by
tests/record_tf_contrib_opt.py into tests/fixtures/tf_contrib_opt.json), the decayed optimizers
against numpy (tests/contrib_opt_programs.py says why); a dense and a sparse (embedding)
gradient, three steps."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests import contrib_opt_programs as programs

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_contrib_opt.json")) as f:
    RECORDED = json.load(f)

opt = tf.contrib.opt
MAKERS = {
    "adamw": lambda: opt.AdamWOptimizer(0.1, learning_rate=0.05),
    "adamw_decay_list": lambda: opt.AdamWOptimizer(weight_decay=0.1, learning_rate=0.05),
    "momentumw": lambda: opt.MomentumWOptimizer(0.05, 0.1, 0.9),
    "momentumw_nesterov": lambda: opt.MomentumWOptimizer(0.05, 0.1, 0.9, use_nesterov=True),
    "lazyadam": lambda: opt.LazyAdamOptimizer(0.05),
}


def minimize(kind):
    def run(optimizer, loss, variables):
        if kind == "adamw_decay_list":  # decay the dense weights only
            return optimizer.minimize(loss, var_list=variables, decay_var_list=variables[1:])
        return optimizer.minimize(loss, var_list=variables)
    return run


@pytest.mark.parametrize("kind,sparse", programs.KINDS)
def test_updates_as_tf(kind, sparse):
    ours = programs.train(tf, MAKERS[kind], minimize(kind), sparse)
    recorded = RECORDED["%s %s" % (kind, "sparse" if sparse else "dense")]
    for step, (got, want) in enumerate(zip(ours, recorded)):
        for name, a, b in zip(("table", "w"), got, want):
            np.testing.assert_allclose(a, b, rtol=2e-6, atol=2e-6, err_msg="%s %d" % (name, step))


@pytest.mark.parametrize("kind,decay,sparse", [("momentumw", 0.05, True),
                                               ("momentumw", 0.05, False),
                                               ("adamw", 0.1, True), ("adamw", 0.1, False)])
def test_decay_then_update_in_numpy(kind, decay, sparse):
    # the gradients are taken at the weights before the decay; a sparse gradient decays only
    # its rows, momentum accumulates only those, and TF1's (non-lazy) sparse Adam is dense Adam
    # with zero gradient rows
    d = programs.data()
    values = [d["table"].astype(np.float64), d["w"].astype(np.float64)]
    slots = [[np.zeros_like(x), np.zeros_like(x)] for x in values]
    named = np.unique(d["ids"]) if sparse else np.arange(len(values[0]))
    beta1, beta2 = 0.9, 0.999
    expected = []
    for step in range(1, programs.STEPS + 1):
        table, w = values
        err = table[d["ids"]] @ w - d["y"]
        d_rows = 2 * err / err.size
        grads = [np.zeros_like(table), table[d["ids"]].T @ d_rows]
        np.add.at(grads[0], d["ids"], d_rows @ w.T)
        lr_t = 0.05 * np.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
        for i, (x, g, (a, b)) in enumerate(zip(values, grads, slots)):
            rows = named if i == 0 else np.arange(len(x))
            x[rows] -= decay * x[rows]
            if kind == "adamw":
                a[:] = beta1 * a + (1 - beta1) * g
                b[:] = beta2 * b + (1 - beta2) * g ** 2
                x -= lr_t * a / (np.sqrt(b) + 1e-8)
            else:
                a[rows] = 0.9 * a[rows] + g[rows]
                x[rows] -= 0.1 * a[rows]
        expected.append([x.copy() for x in values])
    ours = programs.train(tf, MAKERS[kind], minimize(kind), sparse)
    for got, want in zip(ours, expected):
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_lazy_adam_leaves_rows_alone_once_they_are_not_named():
    # step 1 names row 0, steps 2 and 3 row 1: Adam keeps moving row 0 with its decaying m
    # (every row's moments decay), LazyAdam leaves it where step 1 put it
    def rows_after(optimizer):
        with tf.Graph().as_default():
            table = tf.Variable(np.ones((3, 2), np.float32))
            ids = tf.placeholder(tf.int32, [None])
            step = optimizer().minimize(tf.reduce_sum(tf.gather(table, ids)))
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run(step, {ids: [0]})
                after_first = sess.run(table)
                for _ in range(2):
                    sess.run(step, {ids: [1]})
                return after_first, sess.run(table)
    first, last = rows_after(MAKERS["lazyadam"])
    np.testing.assert_array_equal(last[0], first[0])
    np.testing.assert_array_equal(last[2], np.ones(2))
    first, last = rows_after(lambda: tf.train.AdamOptimizer(0.05))
    assert np.abs(last[0] - first[0]).min() > 1e-3


def test_adamw_is_adam_on_decayed_weights_in_numpy():
    # one dense step by hand: var' = var - wd * var, then TF1's Adam update of var'
    w0 = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
    x = np.array([[1.0, 2.0]], np.float32)
    w = tf.Variable(w0)
    loss = tf.reduce_sum(tf.matmul(x, w))
    step = opt.AdamWOptimizer(0.01, learning_rate=0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        got = sess.run(w)
        slots = sorted(v.op.name for v in tf.global_variables())
    grad = np.repeat(x.T, 2, axis=1)
    m, v = 0.1 * grad, 0.001 * grad ** 2
    lr_t = 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9)
    np.testing.assert_allclose(got, w0 - 0.01 * w0 - lr_t * m / (np.sqrt(v) + 1e-8), rtol=1e-6)
    assert slots == ["Variable", "Variable/AdamW", "Variable/AdamW_1", "beta1_power",
                     "beta2_power"]


def test_extend_with_decoupled_weight_decay():
    SGDW = opt.extend_with_decoupled_weight_decay(tf.train.GradientDescentOptimizer)
    w = tf.Variable([2.0, -4.0])
    step = SGDW(weight_decay=0.5, learning_rate=0.1).minimize(tf.reduce_sum(w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        np.testing.assert_allclose(sess.run(w), [2.0 - 1.0 - 0.1, -4.0 + 2.0 - 0.1])
