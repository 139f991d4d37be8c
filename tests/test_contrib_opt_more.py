"""tf.contrib.opt's NadamOptimizer, AdaMaxOptimizer, PowerSignOptimizer and AddSignOptimizer:
their update kernels (ApplyAdam with Nesterov, ApplyAdaMax, ApplyPowerSign, ApplyAddSign)
against TensorFlow's, recorded by tests/record_tf_contrib_opt_kernels.py (every bit, but where
Eigen's exp rounds differently from numpy's); slot, variable and op names as TF 1.15's contrib
makes them; dense and sparse (embedding) training against the formulas in float64 numpy."""

import hashlib
import json
import logging
import math
import os

import numpy as np
import pytest

import minitf as tf
from minitf.train import training_ops as T
from minitf.train.optimizer import Optimizer
from tests import contrib_opt_kernel_cases as cases
from tests import contrib_opt_programs as programs

with open(os.path.join(os.path.dirname(__file__), "fixtures",
                       "tf_contrib_opt_kernels.json")) as f:
    RECORDED = json.load(f)

opt = tf.contrib.opt
OPS = {"ApplyAdam": T.ApplyAdam, "ApplyAdaMax": T.ApplyAdaMax, "ApplyAddSign": T.ApplyAddSign,
       "ApplyPowerSign": T.ApplyPowerSign}


def _run_kernel(name):
    """The variable and slots after each step of case `name`, through minitf's op."""
    op_type, attrs, states, steps = cases.inputs(name)
    opdef = OPS[op_type](**attrs)
    out = []
    with tf.Graph().as_default():
        variables = [tf.Variable(s) for s in states]
        updates = [Optimizer._fused_update(opdef, *variables, *[
            grad if n == "grad" else np.float32(scalars[n])
            for n in opdef.input_names[len(variables):]]) for scalars, grad in steps]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for update in updates:
                sess.run(update)
                out.append(sess.run(variables))
    return out


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_kernels_are_tfs(name):
    for step, (got, want) in enumerate(zip(_run_kernel(name), RECORDED[name])):
        sha = hashlib.sha256(b"".join(a.tobytes() for a in got)).hexdigest()
        if name == "powersign":
            # exp(+-1): Eigen's vectorized exp need not round as numpy's does, which moves the
            # step by an ulp and the variable by a few of its own; with base 2
            # (powersign_base2) every bit is TF's
            assert sha != want[0]
            for a, w in zip(got, want[1:]):
                np.testing.assert_allclose(a[::32], w, rtol=3e-7, atol=5e-7)
            continue
        assert sha == want[0], (name, step)
        for a, w in zip(got, want[1:]):  # (the same, readable in a failure)
            assert a[::32].tolist() == w


@pytest.mark.parametrize("opdef,names", [
    (T.ApplyAdaMax(), ("var", "m", "v", "beta1_power", "lr", "beta1", "beta2", "epsilon",
                       "grad")),
    (T.ApplyAddSign(), ("var", "m", "lr", "alpha", "sign_decay", "beta", "grad")),
    (T.ApplyPowerSign(), ("var", "m", "lr", "logbase", "sign_decay", "beta", "grad"))])
def test_ops_check_their_inputs_when_built(opdef, names):
    assert opdef.input_names == names  # TF's order
    slots = opdef.num_slots
    with tf.Graph().as_default():
        v = [tf.Variable(np.zeros((3, 2), np.float32)) for _ in range(1 + slots)]
        scalars = [np.float32(0.5)] * (len(names) - 2 - slots)
        op = Optimizer._fused_update(opdef, *v, *scalars, np.ones((3, 2), np.float32))
        assert op.type == type(opdef).__name__
        assert op.outputs[0].shape.as_list() == [3, 2]
        refs = [x._ref() for x in v]
        with pytest.raises(ValueError, match=r"var and grad do not have the same shape: "
                                             r"\[3,2\] vs \[2,3\] for '%s_1' \(op: '%s'\)"
                                             % (op.type, op.type)):
            tf.get_default_graph().create_op(
                opdef, refs + [tf.constant(s) for s in scalars]
                + [tf.zeros((2, 3))])
        with pytest.raises(ValueError, match="Input '%s' must be a scalar, but has shape "
                                             r"\[2\] for '%s_2'" % (names[1 + slots], op.type)):
            tf.get_default_graph().create_op(
                opdef, refs + [tf.zeros((2,))] + [tf.constant(s) for s in scalars[1:]]
                + [tf.zeros((3, 2))])
        with pytest.raises(TypeError, match=names[-1]):
            tf.get_default_graph().create_op(
                opdef, refs + [tf.constant(s) for s in scalars]
                + [tf.zeros((3, 2), tf.float64)])


# -- the optimizers: names ---------------------------------------------------------------------

def _build(make, sparse=False, global_step=False):
    g = tf.Graph()
    with g.as_default():
        w = tf.Variable(np.ones((4, 2), np.float32), name="w")
        x = tf.gather(w, [0, 2]) if sparse else w
        loss = tf.reduce_sum(tf.square(x))
        step = tf.train.get_or_create_global_step() if global_step else None
        optimizer = make()
        train = optimizer.minimize(loss, global_step=step)
    return g, w, optimizer, train


@pytest.mark.parametrize("make,name,slots,update,non_slot", [
    (lambda: opt.NadamOptimizer(), "Adam", ["w/Adam", "w/Adam_1"], "ApplyAdam",
     ["beta1_power", "beta2_power"]),
    (lambda: opt.AdaMaxOptimizer(), "AdaMax", ["w/AdaMax", "w/AdaMax_1"], "ApplyAdaMax",
     ["beta1_power"]),
    (lambda: opt.PowerSignOptimizer(), "PowerSignOptimizer", ["w/PowerSignOptimizer"],
     "ApplyPowerSign", []),
    (lambda: opt.AddSignOptimizer(), "AddSignOptimizer", ["w/AddSignOptimizer"],
     "ApplyAddSign", []),
])
def test_names_are_tf_1_15s(make, name, slots, update, non_slot):
    g, w, optimizer, train = _build(make)
    assert optimizer.get_name() == name
    assert optimizer.get_slot_names() == (["m", "v"] if len(slots) == 2 else ["m"])
    assert [optimizer.get_slot(w, n).op.name for n in optimizer.get_slot_names()] == slots
    with g.as_default():
        assert [v.op.name for v in optimizer.variables()] == sorted(non_slot + slots)
    op = g.get_operation_by_name("%s/update_w/%s" % (name, update))
    assert op.type == update
    if update == "ApplyAdam":
        assert op.get_attr("use_nesterov") is True
    if name.endswith("SignOptimizer"):
        base = "logbase" if name.startswith("Power") else "alpha"
        for const in ("learning_rate", "beta", "sign_decay", base):
            assert g.get_operation_by_name("%s/%s" % (name, const)).type == "Const"
        assert op.inputs[4].op.name == name + "/sign_decay"


def test_sign_decay_fn_gets_the_global_step():
    seen, decayed = [], []

    def decay(step):
        seen.append(step)
        decayed.append(1.0 - tf.cast(step, tf.float32) / 4.0)
        return decayed[-1]

    g, w, optimizer, train = _build(lambda: opt.AddSignOptimizer(0.1, sign_decay_fn=decay),
                                    global_step=True)
    with g.as_default():
        assert seen == [tf.train.get_global_step()]
        update = g.get_operation_by_name("AddSignOptimizer/update_w/ApplyAddSign")
        assert update.inputs[4] is decayed[0]  # (a tensor is taken as it is)
        # alpha + decay * sign(g) sign(m): g = 2 w = 2 and m > 0 each step
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want = np.ones((4, 2))
            for t in range(3):
                sess.run(train)
                want -= 0.1 * (1.0 + (1.0 - t / 4.0)) * 2 * want
                np.testing.assert_allclose(sess.run(w), want, rtol=1e-6)
    # a number from sign_decay_fn: a constant "sign_decay" made outside the optimizer's scope
    g, w, optimizer, train = _build(lambda: opt.PowerSignOptimizer(sign_decay_fn=lambda s: 0.5))
    update = g.get_operation_by_name("PowerSignOptimizer/update_w/ApplyPowerSign")
    assert update.inputs[4].op.name == "sign_decay"
    assert "PowerSignOptimizer/sign_decay" not in [o.name for o in g.get_operations()]


def test_powersign_base_is_taken_as_its_log():
    _, _, optimizer, _ = _build(lambda: opt.PowerSignOptimizer(base=2.0))
    assert optimizer._logbase == math.log(2.0)
    with pytest.raises(ValueError):  # (math.log's: TF's constructor takes the log too)
        opt.PowerSignOptimizer(base=0.0)


def test_nadam_warns_that_it_is_deprecated(caplog):
    init = opt.NadamOptimizer.__init__
    init._warned.clear()
    with caplog.at_level(logging.WARNING, logger="minitf"):
        opt.NadamOptimizer()
    assert "NadamOptimizer.__init__ (from minitf.contrib.opt) is deprecated" in caplog.text
    assert "Use tf.keras.optimizers.Nadam." in caplog.text


# -- the optimizers: values --------------------------------------------------------------------

def _numpy_steps(kind, sparse, **hp):
    """programs.train's values for `kind`, in float64 numpy (TF 1.15's formulas: the dense
    update on a dense gradient; on a sparse one, Nadam decays m and v of every row but moves
    only the named rows, AdaMax updates only the named rows, PowerSign and AddSign decay m of
    every row and move only the named rows)."""
    d = programs.data()
    table, w = d["table"].astype(np.float64), d["w"].astype(np.float64)
    values = [table, w]
    slots = [[np.zeros_like(x), np.zeros_like(x)] for x in values]
    out = []
    for t in range(1, programs.STEPS + 1):
        table, w = values
        err = table[d["ids"]] @ w - d["y"]
        dpred = 2 * err / err.size
        g_w = table[d["ids"]].T @ dpred
        g_rows = dpred @ w.T
        g_table = np.zeros_like(table)
        np.add.at(g_table, d["ids"], g_rows)
        named = np.unique(d["ids"]) if sparse else np.arange(len(table))
        for i, (x, g) in enumerate(((table, g_table), (w, g_w))):
            rows = named if i == 0 else np.arange(len(x))
            m, v = slots[i]
            lazy = rows if kind == "adamax" else np.arange(len(x))
            if kind in ("nadam", "adamax"):
                b1, b2, lr, eps = 0.9, 0.999, hp["lr"], 1e-8
                m[lazy] = b1 * m[lazy] + (1 - b1) * g[lazy]
                if kind == "nadam":
                    v[:] = b2 * v + (1 - b2) * g * g
                    step = (lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                            * (b1 * m + (1 - b1) * g) / (np.sqrt(v) + eps))
                else:
                    v[lazy] = np.maximum(b2 * v[lazy], np.abs(g[lazy]))
                    step = lr / (1 - b1 ** t) * m / (v + eps)
            else:
                beta, lr, decay = 0.9, hp["lr"], hp["decay"]
                m[:] = beta * m + (1 - beta) * g
                sgm = np.sign(g) * np.sign(m) * decay
                mult = np.exp(math.log(hp["base"]) * sgm) if kind == "powersign" \
                    else hp["alpha"] + sgm
                step = lr * mult * g
            x[rows] -= step[rows]
        out.append([table.copy(), w.copy()])
    return out


KINDS = {
    "nadam": (lambda: opt.NadamOptimizer(0.05), dict(lr=0.05)),
    "adamax": (lambda: opt.AdaMaxOptimizer(0.05), dict(lr=0.05)),
    "powersign": (lambda: opt.PowerSignOptimizer(0.05, base=2.0, sign_decay_fn=lambda s: 0.5),
                  dict(lr=0.05, base=2.0, decay=0.5)),
    "addsign": (lambda: opt.AddSignOptimizer(0.05, alpha=0.5), dict(lr=0.05, alpha=0.5,
                                                                      decay=1.0)),
}


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_training_follows_the_formulas(kind, sparse):
    make, hp = KINDS[kind]
    ours = programs.train(tf, make, lambda o, loss, vs: o.minimize(loss, var_list=vs), sparse)
    want = _numpy_steps(kind, sparse, **hp)
    for step, (got, expected) in enumerate(zip(ours, want)):
        for name, a, b in zip(("table", "w"), got, expected):
            np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6,
                                       err_msg="%s %s %d" % (kind, name, step))


def test_adamax_sparse_leaves_the_other_rows_and_their_moments():
    g, w, optimizer, train = _build(lambda: opt.AdaMaxOptimizer(0.1), sparse=True)
    with g.as_default(), tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        got, m, v = sess.run([w, optimizer.get_slot(w, "m"), optimizer.get_slot(w, "v")])
    assert (got[[1, 3]] == 1).all() and (m[[1, 3]] == 0).all() and (v[[1, 3]] == 0).all()
    np.testing.assert_allclose(got[[0, 2]], 1 - 0.1, rtol=1e-6)  # m/v = 0.1 * 2 / 2, / 0.1


# -- sign decay functions ----------------------------------------------------------------------

def _decays(make, steps):
    with tf.Graph().as_default():
        step = tf.placeholder(tf.int64, [])
        decayed = make()(step)
        assert decayed.dtype == tf.float32 and decayed.shape.as_list() == []
        with tf.Session() as sess:
            return [sess.run(decayed, {step: s}) for s in steps]


STEPS = [0, 1, 3, 5, 7, 10, 12]


def test_linear_sign_decay():
    np.testing.assert_allclose(_decays(lambda: opt.get_linear_decay_fn(10), STEPS),
                               [1.0, 0.9, 0.7, 0.5, 0.3, 0.0, 0.0], rtol=1e-6)


@pytest.mark.parametrize("periods,zero_after", [(0.5, None), (2, None), (2, 1)])
def test_cosine_sign_decay(periods, zero_after):
    got = _decays(lambda: opt.get_cosine_decay_fn(10, num_periods=periods,
                                                  zero_after=zero_after), STEPS)
    fraction = 2.0 * periods * np.minimum(STEPS, 10) / 10
    want = 0.5 * (1 + np.cos(np.pi * fraction))
    if zero_after is not None:
        want[fraction >= 2 * zero_after] = 0
    np.testing.assert_allclose(got, want, atol=1e-6)


@pytest.mark.parametrize("periods,zero_after", [(1, None), (3, None), (3, 2)])
def test_restart_sign_decay(periods, zero_after):
    got = _decays(lambda: opt.get_restart_decay_fn(10, num_periods=periods,
                                                   zero_after=zero_after), STEPS)
    steps = np.minimum(STEPS, 10)
    want = 0.5 * (1 + np.cos(np.pi * np.mod(periods * steps, 10) / 10))
    if zero_after is not None:
        want[periods * steps / 10 >= zero_after] = 0
    np.testing.assert_allclose(got, want, atol=1e-6)


@pytest.mark.parametrize("make,name", [(opt.get_linear_decay_fn, "linear_decay"),
                                       (opt.get_cosine_decay_fn, "cosine_decay"),
                                       (opt.get_restart_decay_fn, "cosine_decay")])
def test_sign_decays_need_a_global_step(make, name):
    with pytest.raises(ValueError, match="global_step is required for %s." % name):
        make(10)(None)
    with tf.Graph().as_default():  # (minimize without a global step: the same error)
        w = tf.Variable([1.0])
        with pytest.raises(ValueError, match="global_step is required"):
            opt.AddSignOptimizer(sign_decay_fn=make(10)).minimize(tf.reduce_sum(w))


def test_powersign_with_a_linear_sign_decay_trains():
    with tf.Graph().as_default():
        w = tf.Variable([1.0, -1.0])
        step = tf.train.get_or_create_global_step()
        train = opt.PowerSignOptimizer(0.1, sign_decay_fn=opt.get_linear_decay_fn(2)).minimize(
            tf.reduce_sum(w * w), global_step=step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want = np.array([1.0, -1.0])
            for t in range(3):
                sess.run(train)
                decay = max(0.0, (2 - min(t, 2)) / 2)  # (the step before its increment)
                want = want - 0.1 * np.exp(decay) * 2 * want  # sign(g) sign(m) = 1
                np.testing.assert_allclose(sess.run(w), want, rtol=1e-6)
