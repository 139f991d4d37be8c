"""tf.train optimizers: every variable and slot after each step against numpy versions of TF1's
update formulas, TF1's slot and op names, the global step, the fused Apply* ops, and errors."""

import hashlib

import numpy as np
import pytest

import minitf as tf
from minitf.train.optimizer import Optimizer
from minitf.train.training_ops import (ApplyAdadelta, ApplyAdagrad, ApplyAdagradV2, ApplyAdam,
                                       ApplyCenteredRMSProp, ApplyGradientDescent,
                                       ApplyKerasMomentum, ApplyMomentum, ApplyRMSProp)


def f32(value):
    """TF converts a Python float hyperparameter to a float32 constant, then casts it to the
    variable's dtype: a float64 model sees float64(float32(value))."""
    return float(np.float32(value))


# -- numpy versions of TF1's kernels (tensorflow/core/kernels/training_ops.cc) --------------------

class GD:
    def __init__(self, lr):
        self.lr = f32(lr)

    def slots(self, var):
        return {}

    def step(self, var, slots, g):
        var -= g * self.lr

    def finish(self):
        pass


class Momentum(GD):
    def __init__(self, lr, momentum, nesterov=False):
        self.lr, self.mu, self.nesterov = f32(lr), f32(momentum), nesterov

    def slots(self, var):
        return {"momentum": np.zeros_like(var)}

    def step(self, var, slots, g):
        accum = slots["momentum"]
        accum[...] = accum * self.mu + g
        if self.nesterov:
            var -= g * self.lr + accum * self.mu * self.lr
        else:
            var -= accum * self.lr


class Adam(GD):
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.lr, self.b1, self.b2, self.eps = f32(lr), f32(beta1), f32(beta2), f32(epsilon)
        # beta1_power and beta2_power are float32 variables (from Python floats) in TF.
        self.p1, self.p2 = np.float32(beta1), np.float32(beta2)

    def slots(self, var):
        return {"m": np.zeros_like(var), "v": np.zeros_like(var)}

    def step(self, var, slots, g):
        alpha = self.lr * np.sqrt(1 - float(self.p2)) / (1 - float(self.p1))
        m, v = slots["m"], slots["v"]
        m += (g - m) * (1 - self.b1)
        v += (g * g - v) * (1 - self.b2)
        var -= m * alpha / (np.sqrt(v) + self.eps)  # epsilon-hat: after the sqrt, uncorrected

    def finish(self):
        self.p1 = self.p1 * np.float32(self.b1)
        self.p2 = self.p2 * np.float32(self.b2)


class Adagrad(GD):
    def __init__(self, lr, initial_accumulator_value=0.1):
        self.lr, self.init = f32(lr), initial_accumulator_value  # the slot is made in var's dtype

    def slots(self, var):
        return {"accumulator": np.full_like(var, self.init)}

    def step(self, var, slots, g):
        accum = slots["accumulator"]
        accum += g * g
        var -= g * self.lr / np.sqrt(accum)


class RMSProp(GD):
    def __init__(self, lr, decay=0.9, momentum=0.0, epsilon=1e-10, centered=False):
        self.lr, self.rho, self.mu, self.eps = f32(lr), f32(decay), f32(momentum), f32(epsilon)
        self.centered = centered

    def slots(self, var):
        slots = {"rms": np.ones_like(var), "momentum": np.zeros_like(var)}
        if self.centered:
            slots["mg"] = np.zeros_like(var)
        return slots

    def step(self, var, slots, g):
        ms, mom = slots["rms"], slots["momentum"]
        ms += (g * g - ms) * (1 - self.rho)
        denominator = ms + self.eps
        if self.centered:
            mg = slots["mg"]
            mg += (g - mg) * (1 - self.rho)
            denominator = ms - mg * mg + self.eps
        mom[...] = mom * self.mu + g * self.lr / np.sqrt(denominator)
        var -= mom


class Adadelta(GD):
    def __init__(self, lr=0.001, rho=0.95, epsilon=1e-8):
        self.lr, self.rho, self.eps = f32(lr), f32(rho), f32(epsilon)

    def slots(self, var):
        return {"accum": np.zeros_like(var), "accum_update": np.zeros_like(var)}

    def step(self, var, slots, g):
        accum, accum_update = slots["accum"], slots["accum_update"]
        accum[...] = accum * self.rho + g * g * (1 - self.rho)
        update = np.sqrt(accum_update + self.eps) / np.sqrt(accum + self.eps) * g
        var -= update * self.lr
        accum_update[...] = accum_update * self.rho + update * update * (1 - self.rho)


# (minitf optimizer, numpy reference, w after the 4 steps of `_problem` as real TF computes it)
# The last column was recorded once with TensorFlow 2.21's tf.compat.v1 in graph mode with
# reference variables (tf.disable_v2_behavior()), running this exact problem (same seed, same
# batches) and printing w.tolist(). The numpy references above matched TF's every variable and
# slot after every step to within 5e-13 (Adagrad's large accumulators) and 3e-14 otherwise.
CASES = {
    "gd": (lambda: tf.train.GradientDescentOptimizer(0.1), lambda: GD(0.1),
           [[-0.1386016978230875, -0.01632409378941422], [-0.5679759234774365, 0.8652485761111465],
            [0.42645838249422163, -0.4193049541049235]]),
    "momentum": (lambda: tf.train.MomentumOptimizer(0.1, 0.9), lambda: Momentum(0.1, 0.9),
                 [[1.2081714877172582, -1.3399480429493371],
                  [-0.6946930839030618, -1.3446538105809989],
                  [1.193291226656126, -3.9652163585073277]]),
    "nesterov": (lambda: tf.train.MomentumOptimizer(0.05, 0.8, use_nesterov=True),
                 lambda: Momentum(0.05, 0.8, nesterov=True),
                 [[0.15006485013393847, 0.18470406137775358],
                  [-0.8462180366876408, 0.9240703432322968],
                  [0.4953535733824268, -1.134845827521137]]),
    "adam": (lambda: tf.train.AdamOptimizer(0.1), lambda: Adam(0.1),
             [[-0.28057210659187326, -0.23845129126452722],
              [-0.18585710753951667, -1.4034849926547095],
              [0.09583136208226027, -0.164881700530889]]),
    "adagrad": (lambda: tf.train.AdagradOptimizer(0.3, initial_accumulator_value=0.2),
                lambda: Adagrad(0.3, 0.2),
                [[-0.2981108836397388, -0.164565707784115],
                 [-0.5168973169940143, -0.8997954673119041],
                 [0.20598247091568045, -0.02526438375569383]]),
    "rmsprop": (lambda: tf.train.RMSPropOptimizer(0.05, decay=0.8, momentum=0.5),
                lambda: RMSProp(0.05, decay=0.8, momentum=0.5),
                [[-0.2794328119447768, -0.24913682452900757],
                 [-0.21963725881360557, -1.2479925256850022],
                 [0.13288613605619054, -0.12542282127090384]]),
    "centered": (lambda: tf.train.RMSPropOptimizer(0.05, momentum=0.3, epsilon=1e-3,
                                                   centered=True),
                 lambda: RMSProp(0.05, momentum=0.3, epsilon=1e-3, centered=True),
                 [[-0.25960878652266717, -0.21530561317788893],
                  [-0.27797195477621484, -1.107201919448541],
                  [0.14334662592634478, -0.0976027335386308]]),
    "adadelta": (lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-4),
                 lambda: Adadelta(1.0, rho=0.9, epsilon=1e-4),
                 [[-0.22845058722836273, -0.47455601667564834],
                  [-0.016733329582608987, -1.6490839715498191],
                  [0.24279390300389353, -0.2648149335813962]]),
}


def _problem():
    """Initial w (3x2), b (2,) and four (x, target) batches of different sizes."""
    rng = np.random.default_rng(20240611)
    w0 = rng.normal(size=(3, 2))
    b0 = rng.normal(size=(2,))
    batches = [(rng.normal(size=(n, 3)), rng.normal(size=(n, 2))) for n in (4, 2, 5, 3)]
    return w0, b0, batches


def _grads(w, b, x, t):
    r = x @ w + b - t  # loss = sum((x w + b - t)^2)
    return 2 * x.T @ r, 2 * r.sum(axis=0)


def _close(got, want, what):
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12, err_msg=what)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_variable_and_slot_follows_tf_formulas(case):
    make_opt, make_ref, tf_final_w = CASES[case]
    w0, b0, batches = _problem()
    ref = make_ref()
    w, b = w0.copy(), b0.copy()
    ref_slots = {"w": ref.slots(w), "b": ref.slots(b)}
    g = tf.Graph()
    with g.as_default():
        wv = tf.Variable(w0, name="w")
        bv = tf.Variable(b0, name="b")
        unused = tf.Variable(np.ones(3), name="unused")  # trainable, but the loss ignores it
        x = tf.placeholder(tf.float64, [None, 3])
        t = tf.placeholder(tf.float64, [None, 2])
        loss = tf.reduce_sum(tf.square(tf.matmul(x, wv) + bv - t))
        opt = make_opt()
        train = opt.minimize(loss)
        assert sorted(ref_slots["w"]) == opt.get_slot_names()
        assert all(opt.get_slot(unused, n) is None for n in opt.get_slot_names())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step, (xb, tb) in enumerate(batches):
                gw, gb = _grads(w, b, xb, tb)
                ref.step(w, ref_slots["w"], gw)
                ref.step(b, ref_slots["b"], gb)
                ref.finish()
                sess.run(train, {x: xb, t: tb})
                _close(sess.run(wv), w, "%s w after step %d" % (case, step + 1))
                _close(sess.run(bv), b, "%s b after step %d" % (case, step + 1))
                for var, name in ((wv, "w"), (bv, "b")):
                    for slot, want in ref_slots[name].items():
                        _close(sess.run(opt.get_slot(var, slot)), want,
                               "%s slot %s of %s after step %d" % (case, slot, name, step + 1))
                if isinstance(ref, Adam):
                    powers = sess.run(opt._get_beta_accumulators())
                    assert [p.dtype for p in powers] == [np.float32, np.float32]
                    assert list(powers) == [ref.p1, ref.p2]
            np.testing.assert_array_equal(sess.run(unused), np.ones(3))
            _close(sess.run(wv), tf_final_w, "%s: w after 4 steps vs real TF" % case)


def test_float32_adam_matches_the_reference_and_keeps_dtypes():
    w0, _, batches = _problem()
    w0 = w0.astype(np.float32)
    ref = Adam(0.05, epsilon=1e-3)
    w = w0.copy()
    slots = ref.slots(w)
    with tf.Graph().as_default():
        wv = tf.Variable(w0, name="w")
        x = tf.placeholder(tf.float32, [None, 3])
        loss = tf.reduce_sum(tf.square(tf.matmul(x, wv)))
        opt = tf.train.AdamOptimizer(0.05, epsilon=1e-3)
        train = opt.minimize(loss)
        assert opt.get_slot(wv, "m").dtype is tf.float32
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for xb, _ in batches:
                xb = xb.astype(np.float32)
                ref.step(w, slots, 2 * xb.T @ (xb @ w))
                ref.finish()
                sess.run(train, {x: xb})
            got = sess.run(wv)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, w, rtol=2e-5, atol=1e-6)


def test_lecture_gradient_descent_on_x_squared_is_exact():
    with tf.Graph().as_default():
        x = tf.Variable(3.0, name="x")
        f = x ** 2
        step = tf.train.GradientDescentOptimizer(0.1).minimize(f)
        assert step.name == "GradientDescent" and step.type == "NoOp"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want = np.float32(3.0)
            for _ in range(10):
                sess.run(step)
                want = want - np.float32(0.1) * (np.float32(2) * want)  # x <- 0.8 x in float32
                got = sess.run(x)
                assert got.dtype == np.float32 and got == want
    assert abs(float(want) - 3.0 * 0.8 ** 10) < 1e-6


# -- names ----------------------------------------------------------------------------------------

def _names_after(make_opt):
    g = tf.Graph()
    with g.as_default():
        w = tf.Variable([1.0, 2.0], name="w")
        b = tf.Variable(0.5, name="b")
        loss = tf.reduce_sum(w * w) + b * b
        opt = make_opt()
        train = opt.minimize(loss)
    return g, opt, train, w, b


@pytest.mark.parametrize("make_opt, slot_ops, slot_names, op_type", [
    (lambda: tf.train.GradientDescentOptimizer(0.1), [], [], "ApplyGradientDescent"),
    (lambda: tf.train.MomentumOptimizer(0.1, 0.9), ["Momentum"], ["momentum"], "ApplyMomentum"),
    (lambda: tf.train.AdamOptimizer(), ["Adam", "Adam_1"], ["m", "v"], "ApplyAdam"),
    (lambda: tf.train.AdagradOptimizer(0.1), ["Adagrad"], ["accumulator"], "ApplyAdagrad"),
    (lambda: tf.train.RMSPropOptimizer(0.1), ["RMSProp", "RMSProp_1"], ["momentum", "rms"],
     "ApplyRMSProp"),
    (lambda: tf.train.RMSPropOptimizer(0.1, centered=True), ["RMSProp", "RMSProp_1", "RMSProp_2"],
     ["mg", "momentum", "rms"], "ApplyCenteredRMSProp"),
    (lambda: tf.train.AdadeltaOptimizer(), ["Adadelta", "Adadelta_1"], ["accum", "accum_update"],
     "ApplyAdadelta"),
])
def test_slot_and_op_names_are_tf1s(make_opt, slot_ops, slot_names, op_type):
    g, opt, train, w, b = _names_after(make_opt)
    name = opt.get_name()
    assert train.name == name
    assert opt.get_slot_names() == slot_names
    assert sorted(opt.get_slot(w, n).op.name for n in slot_names) == ["w/" + s for s in slot_ops]
    for var in (w, b):
        update = g.get_operation_by_name("%s/update_%s/%s" % (name, var.op.name, op_type))
        assert update.type == op_type
        assert update.inputs[0] is var.op.outputs[0]  # the variable itself, not its read
    for s in slot_ops:
        slot = g.get_operation_by_name("w/" + s)
        assert slot.type == "VariableV2"
        assert slot.outputs[0].shape.as_list() == [2]
    with g.as_default():
        own = opt.variables()
    assert all(not v.trainable for v in own)
    assert [v.op.name for v in own if "_power" not in v.op.name] == sorted(
        "%s/%s" % (var, s) for var in ("b", "w") for s in slot_ops)


def test_rmsprop_slots_are_tf1s_in_creation_order():
    g, opt, _, w, _ = _names_after(lambda: tf.train.RMSPropOptimizer(0.1, centered=True))
    assert opt.get_slot(w, "rms").op.name == "w/RMSProp"
    assert opt.get_slot(w, "mg").op.name == "w/RMSProp_1"
    assert opt.get_slot(w, "momentum").op.name == "w/RMSProp_2"
    # TF's ApplyCenteredRMSProp takes (var, mg, ms, mom, lr, rho, momentum, epsilon, grad).
    update = g.get_operation_by_name("RMSProp/update_w/ApplyCenteredRMSProp")
    assert [t.op.name for t in update.inputs[:4]] == [
        "w", "w/RMSProp_1", "w/RMSProp", "w/RMSProp_2"]
    assert [t.op.name for t in update.inputs[4:8]] == [
        "RMSProp/learning_rate", "RMSProp/decay", "RMSProp/momentum", "RMSProp/epsilon"]
    with tf.Session(graph=g) as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(opt.get_slot(w, "rms")), [1.0, 1.0])


def test_adam_graph_is_tf1s():
    g, opt, train, w, b = _names_after(lambda: tf.train.AdamOptimizer(0.1))
    with g.as_default():
        assert [v.op.name for v in opt.variables()] == [
            "b/Adam", "b/Adam_1", "beta1_power", "beta2_power", "w/Adam", "w/Adam_1"]
        beta1_power, beta2_power = opt._get_beta_accumulators()
        assert beta1_power.dtype is tf.float32 and beta1_power in tf.global_variables()
    assert g.get_operation_by_name("w/Adam/Initializer/zeros").type == "Const"
    update_w = g.get_operation_by_name("Adam/update_w/ApplyAdam")
    assert [t.op.name for t in update_w.inputs[:9]] == [
        "w", "w/Adam", "w/Adam_1", "beta1_power/read", "beta2_power/read", "Adam/learning_rate",
        "Adam/beta1", "Adam/beta2", "Adam/epsilon"]
    # The powers advance after both updates, then the group named 'Adam' runs it all.
    mul = g.get_operation_by_name("Adam/mul")
    assert set(c.name for c in mul.control_inputs) == {"Adam/update_w/ApplyAdam",
                                                        "Adam/update_b/ApplyAdam"}
    assert g.get_operation_by_name("Adam/Assign").inputs[0].op is beta1_power.op
    assert g.get_operation_by_name("Adam/Assign_1").inputs[0].op is beta2_power.op
    assert train.name == "Adam" and train.type == "NoOp"
    assert {c.name for c in train.control_inputs} == {
        "Adam/update_w/ApplyAdam", "Adam/update_b/ApplyAdam", "Adam/Assign", "Adam/Assign_1"}
    assert g.get_collection(tf.GraphKeys.TRAIN_OP) == [train]


def test_optimizer_in_a_name_scope_and_a_second_minimize():
    with tf.Graph().as_default() as g:
        w = tf.Variable([1.0, 2.0], name="w")
        loss = tf.reduce_sum(w * w)
        with tf.name_scope("training"):
            opt = tf.train.AdamOptimizer(0.1)
            first = opt.minimize(loss)
        second = opt.minimize(loss, name="again")
        assert first.name == "training/Adam" and second.name == "again"
        # Slots live next to their variable; the powers in the caller's name scope (TF's
        # init_scope keeps it); a second minimize reuses both.
        assert opt.get_slot(w, "m").op.name == "w/Adam"
        assert [v.op.name for v in opt.variables()] == [
            "training/beta1_power", "training/beta2_power", "w/Adam", "w/Adam_1"]
        assert g.get_operation_by_name("again/update_w/ApplyAdam").inputs[1].op.name == "w/Adam"
        assert first in g.get_collection(tf.GraphKeys.TRAIN_OP)
        assert second in g.get_collection(tf.GraphKeys.TRAIN_OP)


def test_names_in_a_variable_scope_and_of_a_second_optimizer_match_tf():
    # Recorded from TF1: ['beta1_power', 'beta2_power', 'w/Adam', 'w/Adam_1'], then
    # ['beta1_power_1', 'beta2_power_1', 'w/Adam_2', 'w/Adam_3'], then under
    # variable_scope('outer'): ['outer/beta1_power', 'outer/beta2_power', 'outer/w/Adam',
    # 'outer/w/Adam_1'] and 'outer/global_step'.
    with tf.Graph().as_default():
        w = tf.Variable([1.0, 2.0], name="w")
        loss = tf.reduce_sum(w * w)
        first, second = tf.train.AdamOptimizer(0.1), tf.train.AdamOptimizer(0.1)
        first.minimize(loss)
        second.minimize(loss)
        assert [v.op.name for v in first.variables()] == [
            "beta1_power", "beta2_power", "w/Adam", "w/Adam_1"]
        assert [v.op.name for v in second.variables()] == [
            "beta1_power_1", "beta2_power_1", "w/Adam_2", "w/Adam_3"]
        with tf.variable_scope("outer"):
            third = tf.train.AdamOptimizer(0.1)
            third.minimize(loss)
            assert tf.train.get_or_create_global_step().op.name == "outer/global_step"
        assert [v.op.name for v in third.variables()] == [
            "outer/beta1_power", "outer/beta2_power", "outer/w/Adam", "outer/w/Adam_1"]


def test_variables_lists_only_the_default_graphs():
    opt = tf.train.MomentumOptimizer(0.1, 0.5)
    graphs = [tf.Graph(), tf.Graph()]
    for g in graphs:
        with g.as_default():
            v = tf.Variable([1.0], name="v")
            opt.minimize(v * v)
    for g in graphs:
        with g.as_default():
            assert [(s.op.name, s.graph) for s in opt.variables()] == [("v/Momentum", g)]


# -- global step ----------------------------------------------------------------------------------

def test_global_step_is_created_once_and_counts_steps():
    with tf.Graph().as_default() as g:
        assert tf.train.get_global_step() is None
        with tf.name_scope("somewhere"):
            gs = tf.train.get_or_create_global_step()
        assert gs.op.name == "global_step" and gs.dtype is tf.int64 and gs.shape.ndims == 0
        assert not gs.trainable
        assert gs in tf.global_variables() and gs not in tf.trainable_variables()
        assert g.get_collection(tf.GraphKeys.GLOBAL_STEP) == [gs]
        assert g.get_operation_by_name("global_step/Initializer/zeros").type == "Const"
        assert tf.train.get_global_step() is gs and tf.train.get_or_create_global_step(g) is gs
        with pytest.raises(ValueError, match='"global_step" already exists'):
            tf.train.create_global_step()
        x = tf.Variable(1.0, name="x")
        train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(x * x, global_step=gs)
        assert train.name == "Momentum" and train.type == "AssignAdd"
        assert g.get_operation_by_name("Momentum/update").type == "NoOp"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert tf.train.global_step(sess, gs) == 0
            for i in range(3):
                sess.run(train)
            assert tf.train.global_step(sess, gs) == 3
            assert isinstance(tf.train.global_step(sess, gs), int)
            np.testing.assert_allclose(sess.run(x), _momentum_scalar(1.0, 0.1, 0.9, 3), rtol=1e-6)


def _momentum_scalar(x, lr, mu, steps):
    accum = 0.0
    for _ in range(steps):
        accum = accum * mu + 2 * x
        x -= lr * accum
    return x


def test_global_step_lookup_by_name_and_type_checks():
    with tf.Graph().as_default() as g:
        tf.Variable(0, dtype=tf.int64, name="global_step", trainable=False)
        assert tf.train.get_global_step(g).name == "global_step:0"  # found by name, as in TF
    with tf.Graph().as_default() as g:
        tf.Variable(0.0, name="global_step")
        with pytest.raises(TypeError, match="integer"):
            tf.train.get_global_step()
    with tf.Graph().as_default() as g:
        tf.add_to_collection(tf.GraphKeys.GLOBAL_STEP, tf.Variable([0, 0], name="step"))
        with pytest.raises(TypeError, match="not scalar"):
            tf.train.get_or_create_global_step()


# -- learning rates that are tensors --------------------------------------------------------------

def test_a_decaying_learning_rate_tensor_drives_the_updates():
    with tf.Graph().as_default():
        gs = tf.train.get_or_create_global_step()
        lr = tf.train.exponential_decay(0.5, gs, decay_steps=2, decay_rate=0.5, staircase=True)
        x = tf.Variable(np.array([1.0, -2.0]), name="x")  # float64: lr is cast, as in TF
        train = tf.train.GradientDescentOptimizer(lr).minimize(tf.reduce_sum(x * x),
                                                               global_step=gs)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want = np.array([1.0, -2.0])
            for step in range(5):
                rate = f32(np.float32(0.5) * np.float32(0.5) ** np.float32(step // 2))
                want = want - 2 * want * rate
                sess.run(train)
                np.testing.assert_allclose(sess.run(x), want, rtol=1e-12)
            assert tf.train.global_step(sess, gs) == 5


def test_callable_hyperparameters_and_tensor_momentum():
    with tf.Graph().as_default():
        x = tf.Variable(2.0, name="x")
        mu = tf.placeholder(tf.float32, [])
        train = tf.train.MomentumOptimizer(lambda: 0.25, mu).minimize(x * x)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {mu: 0.0})
            sess.run(train, {mu: 1.0})
            # accum: 4, then 4 + 2 * 1 = 6; x: 2 - 1 = 1, then 1 - 1.5 = -0.5
            assert sess.run(x) == np.float32(-0.5)


# -- errors ---------------------------------------------------------------------------------------

def test_no_variables_to_optimize():
    with tf.Graph().as_default():
        loss = tf.constant(1.0) * 2.0
        with pytest.raises(ValueError, match="No variables to optimize"):
            tf.train.GradientDescentOptimizer(0.1).minimize(loss)


def test_no_gradients_names_the_variables():
    with tf.Graph().as_default():
        a = tf.Variable(1.0, name="alpha")
        b = tf.Variable(2.0, name="beta")
        loss = tf.stop_gradient(a * b) + 1.0
        with pytest.raises(ValueError) as err:
            tf.train.AdamOptimizer().minimize(loss)
        message = str(err.value)
        assert "No gradients provided for any variable" in message
        assert "alpha:0" in message and "beta:0" in message and "does not depend" in message
        with pytest.raises(ValueError, match="No gradients provided for any variable.*alpha"):
            tf.train.AdamOptimizer().apply_gradients([(None, a), (None, b)])


def test_gradient_dtype_and_loss_dtype_errors():
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros(2), name="v")  # float64
        with pytest.raises(TypeError, match="float32.*v:0.*float64"):
            tf.train.GradientDescentOptimizer(0.1).apply_gradients(
                [(tf.constant([1.0, 2.0]), v)])
        with pytest.raises(ValueError, match="Invalid type int32 for loss"):
            tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(3), var_list=[v])
        with pytest.raises(ValueError, match="No variables provided"):
            tf.train.GradientDescentOptimizer(0.1).apply_gradients([])
        with pytest.raises(TypeError, match="not a tf.Variable"):
            tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(v * v),
                                                            var_list=[v.value()])
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with pytest.raises(ValueError, match="Must specify the optimizer name"):
        tf.train.AdamOptimizer(name="")


def test_var_list_may_be_one_variable_or_nested_as_tf1_flattens_it():
    # The course passes one Variable (`minimize(f, var_list=x)`); TF1 flattens var_list.
    with tf.Graph().as_default():
        x = tf.get_variable("x", shape=(), dtype=tf.float32,
                            initializer=tf.constant_initializer(3.0))
        y = tf.Variable(1.0, name="y")
        step = tf.train.GradientDescentOptimizer(0.1).minimize(x ** 2 + y ** 2, var_list=x)
        pairs = tf.train.GradientDescentOptimizer(0.1).compute_gradients(
            x * y, var_list={"b": [y], "a": (x,)})
        assert [v for _, v in pairs] == [x, y]  # dict values in key order, as nest.flatten
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(step)
            assert s.run(x) == pytest.approx(2.4) and s.run(y) == 1.0  # y is not trained


def test_one_variable_where_a_list_is_expected_says_so():
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0], name="v")
        with pytest.raises(TypeError, match=r"'Variable' object is not iterable: v:0 .* pass \[v\]"):
            list(v)
        with pytest.raises(TypeError, match=r"single Variable v:0: pass \[v\]"):
            tf.variables_initializer(v)
        with pytest.raises(TypeError, match="should be passed in a dict or a list"):
            tf.train.Saver(v)
        with pytest.raises(TypeError, match=r"Where a list of tensors is expected, pass \[t\]"):
            tf.add_n(v * 2)
        assert tf.concat(v * 2, 0).shape.as_list() == [2]  # one tensor: TF1 accepts it


def test_uninitialized_slot_is_reported_by_name():
    with tf.Graph().as_default():
        w = tf.Variable([1.0], name="w")
        train = tf.train.AdamOptimizer().minimize(tf.reduce_sum(w * w))
        with tf.Session() as sess:
            sess.run(w.initializer)
            with pytest.raises(tf.errors.FailedPreconditionError, match="w/Adam|beta1_power"):
                sess.run(train)


def test_runtime_gradient_shape_mismatch_raises_invalid_argument():
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0, 3.0], name="v")
        g = tf.placeholder(tf.float32, [None])
        train = tf.train.MomentumOptimizer(0.1, 0.9).apply_gradients([(g, v)])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="var and grad.*\\[3\\].*\\[1\\]"):
                sess.run(train, {g: [1.0]})
            sess.run(train, {g: [1.0, 1.0, 1.0]})
            np.testing.assert_allclose(sess.run(v), [0.9, 1.9, 2.9], rtol=1e-6)


# -- the fused ops themselves ---------------------------------------------------------------------

@pytest.mark.parametrize("opdef, names", [
    (ApplyGradientDescent(), ["var", "alpha", "delta"]),
    (ApplyMomentum(), ["var", "accum", "lr", "grad", "momentum"]),
    (ApplyAdam(), ["var", "m", "v", "beta1_power", "beta2_power", "lr", "beta1", "beta2",
                   "epsilon", "grad"]),
    (ApplyAdagrad(), ["var", "accum", "lr", "grad"]),
    (ApplyKerasMomentum(), ["var", "accum", "lr", "grad", "momentum"]),
    (ApplyAdagradV2(), ["var", "accum", "lr", "epsilon", "grad"]),
    (ApplyRMSProp(), ["var", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"]),
    (ApplyCenteredRMSProp(), ["var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon",
                              "grad"]),
    (ApplyAdadelta(), ["var", "accum", "accum_update", "lr", "rho", "epsilon", "grad"]),
])
def test_apply_ops_check_dtypes_and_shapes_at_build_time(opdef, names):
    assert list(opdef.input_names) == names
    grad_name = opdef.grad_name
    with tf.Graph().as_default() as g:
        refs = [tf.Variable(np.zeros((2, 3), np.float32), name=n)._ref()
                for n in names[:len(opdef.ref_inputs)]]

        def inputs(**override):
            return refs + [override[n] if n in override else
                           tf.zeros([2, 3] if n == grad_name else []) for n in names[len(refs):]]

        op = g.create_op(opdef, inputs(), name="ok")
        assert op.outputs[0].shape.as_list() == [2, 3] and op.outputs[0].dtype is tf.float32
        scalar = names[len(refs)]
        with pytest.raises(TypeError, match="Input '%s' of '%s' Op has type float64" % (
                scalar, opdef.type_name)):
            g.create_op(opdef, inputs(**{scalar: tf.zeros([], tf.float64)}))
        with pytest.raises(ValueError,
                           match="'%s' must be a scalar.*%s" % (scalar, opdef.type_name)):
            g.create_op(opdef, inputs(**{scalar: tf.zeros([2])}))
        with pytest.raises(ValueError, match="var and %s do not have the same shape" % grad_name):
            g.create_op(opdef, inputs(**{grad_name: tf.zeros([3, 2])}))
        unknown = tf.placeholder(tf.float32, None)
        op = g.create_op(opdef, inputs(**{grad_name: unknown}))
        assert op.outputs[0].shape.as_list() == [2, 3]


def _storage(sess, variables):
    return [sess._state.variables[v.op] for v in variables]


@pytest.mark.parametrize("case", sorted(CASES))
def test_updates_happen_in_place(case):
    make_opt = CASES[case][0]
    with tf.Graph().as_default():
        w = tf.Variable(np.linspace(-1.0, 1.0, 12).reshape(3, 4), name="w")
        x = tf.placeholder(tf.float64, [None, 3])
        train = make_opt().minimize(tf.reduce_sum(tf.square(tf.matmul(x, w))))
        state = [v for v in tf.global_variables()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: np.ones((2, 3))})
            before = _storage(sess, state)
            values = [a.copy() for a in before]
            sess.run(train, {x: np.ones((5, 3))})
            after = _storage(sess, state)
            assert all(a is b for a, b in zip(before, after))
            assert not np.array_equal(values[0], after[0])  # w changed, in the same array


def _run_fused(opdef, slot_values, scalars, grad, var_value):
    """Runs `opdef` once on float64 variables; returns the variable and slot values after."""
    with tf.Graph().as_default():
        var = tf.Variable(var_value, name="var")
        slots = [tf.Variable(s, name="slot%d" % i) for i, s in enumerate(slot_values)]
        inputs = [var._ref()] + [s._ref() for s in slots]
        inputs += [tf.constant(v, tf.float64) for v in scalars] + [tf.constant(grad)]
        op = tf.get_default_graph().create_op(opdef, inputs)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(op)
            return sess.run([var] + slots)


def test_adam_op_nesterov_attr_follows_tf_kernel():
    # The same inputs through TF's own ApplyAdam(use_nesterov=True) gave this formula's result
    # exactly (max difference 0.0), checked once with the reference TensorFlow.
    rng = np.random.default_rng(3)
    var, m, v, grad = rng.normal(size=(4, 4))
    v = np.abs(v)
    b1p, b2p, lr, b1, b2, eps = 0.9 ** 2, 0.999 ** 2, 0.01, 0.9, 0.999, 1e-7
    got_var, got_m, got_v = _run_fused(ApplyAdam(use_nesterov=True), [m, v],
                                       [b1p, b2p, lr, b1, b2, eps], grad, var)
    alpha = lr * np.sqrt(1 - b2p) / (1 - b1p)
    m = m + (grad - m) * (1 - b1)
    v = v + (grad * grad - v) * (1 - b2)
    want = var - (grad * (1 - b1) + b1 * m) * alpha / (np.sqrt(v) + eps)
    _close(got_m, m, "m")
    _close(got_v, v, "v")
    _close(got_var, want, "var")


def test_adagrad_op_without_slot_update_keeps_the_accumulator():
    rng = np.random.default_rng(4)
    var, grad = rng.normal(size=(2, 3))
    accum = np.full(3, 2.0)
    got_var, got_accum = _run_fused(ApplyAdagrad(update_slots=False), [accum], [0.5], grad, var)
    np.testing.assert_array_equal(got_accum, accum)
    _close(got_var, var - grad * 0.5 / np.sqrt(accum), "var")


def test_slots_need_a_fully_defined_variable_shape():
    with tf.Graph().as_default():
        v = tf.Variable(tf.placeholder_with_default([1.0, 2.0], [None]), validate_shape=False,
                        name="v")
        with pytest.raises(ValueError, match="slot for variable v:0.*not fully defined"):
            tf.train.AdamOptimizer().apply_gradients([(tf.ones_like(v.value()), v)])


# -- the kernels Keras's SGD (with momentum) and Adagrad run: TF's, bit for bit -------------------

KERAS_KERNELS = {  # float32 arrays as hex bytes (tests/record_tf_keras_kernels.py)
    'var': (
        '614b4dbf9884a9bf82527ebe9944d73ef969913fc0ade03d4b7a0dbf5ee748bfcead3f3f9240d13f'
        '59a88b3eb7dd9dbfde5075bf6dcdcc3f6ac04f3e98b6ddbf',
    ),
    'accum': (
        'e968abbd97e494bf061921bfe6dbf9beb59b36bf36aa0d3f383381bdf8e416bf0dbcd13e6671543f'
        '974ed2bf227283be42127bbf9a4f31beac0ba5bfe77ea93c',
    ),
    'grad': (
        '142e1bbd28d29bbe752286bf76d9cabeaab08bbf7b77adbf3b2e663e2eff8dbf43cc953f4a72373f'
        '75b8ffbf7a548b3e0d058dbf0267073d76b7323dde84febf',
    ),
    'momentum_nesterov_0': (
        'b19b5fbf22d015c0dcbd35bf90e0aa3c256b1a3fce463e3f69c421bf9a279abfca0c803ff1d61340'
        '33ca80bfb5ecbebfbe89ddbf8c6eb83fda4276bfb9e0c1bf',
        '838292bdad1b82bf7652ecbe9096ccbecd6808bf1631223ff150a2bdabcfd6be8ad7803ea0da2c3f'
        '49b4a3bff83b84be9fc245bf04f722be7a1995bff9ae5e3e',
    ),
    'momentum_nesterov_1': (
        '93ce5cbf205c0dc03e190fbfc0b1cd3d5cff433f31c0503f287e25bfb19586bfbeb25b3f9eee0a40'
        'dab12dbf1e1abfbf4e8cc5bfb70bba3fe68e59bfa035abbf',
        '838292bdad1b82bf7652ecbe9096ccbecd6808bf1631223ff150a2bdabcfd6be8ad7803ea0da2c3f'
        '49b4a3bff83b84be9fc245bf04f722be7a1995bff9ae5e3e',
    ),
    'adagrad_v2': (
        '6bf849bfb40aa6bf64ad2cbeb586f03e62899b3fde1a4a3ecc8c1ebf71da33bfea37293fa456c93f'
        '22c0b63e25eca3bff04662bfeec9cb3fe2d14b3e56f2d0bf',
        '7059ae3d9cbfa03fb11cdd3fed1c253f80c0f33f42f51840c5aee83daaf8e83fd5bde33f00f3ab3f'
        '254cb4408e5ca93e21730c40116e323e0e4aa53feb5e7e40',
    ),
}


def _f32(key, i=0):
    """The i-th array recorded under `key`."""
    return np.frombuffer(bytes.fromhex(KERAS_KERNELS[key][i]), np.float32)


def _run_float32(opdef, accum, *scalars):
    with tf.Graph().as_default():
        var, acc = tf.Variable(_f32("var")), tf.Variable(accum)
        op = Optimizer._fused_update(opdef, var, acc, *scalars)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(op)
            return [a.tobytes().hex() for a in sess.run([var, acc])]


@pytest.mark.parametrize("nesterov", [False, True])
def test_keras_momentum_is_tfs_kernel_bit_for_bit(nesterov):
    got = _run_float32(ApplyKerasMomentum(use_nesterov=nesterov), _f32("accum"),
                       np.float32(0.1), _f32("grad"), np.float32(0.9))
    assert got == list(KERAS_KERNELS["momentum_nesterov_%d" % nesterov])  # var, accum


@pytest.mark.parametrize("update_slots", [True, False])
def test_adagrad_v2_is_tfs_kernel_bit_for_bit(update_slots):
    accum = np.abs(_f32("accum"))
    got = _run_float32(ApplyAdagradV2(update_slots=update_slots), accum, np.float32(0.1),
                       np.float32(1e-7), _f32("grad"))
    if update_slots:
        assert got == list(KERAS_KERNELS["adagrad_v2"])
    else:
        assert got[1] == accum.tobytes().hex()
        var, grad = _f32("var"), _f32("grad")
        want = var - grad * np.float32(0.1) / (np.sqrt(accum) + np.float32(1e-7))
        assert got[0] == want.tobytes().hex()


KERNEL_SHA256 = {  # of TF's variable and slots after one update (tests/record_tf_keras_kernels.py)
    'adam': '1ff2828159bdefa67f76ede6bb9d097cf277daa8595086f683f1b822e6134e71',
    'adam_nesterov': '4455ce659f09fb09e6f23af03a2f6c79fa364c2c9aa6ca61bfd82a5dfa058f66',
    'momentum_nesterov': 'f10f2802fc93086a6e794e45ca00c058cd430df4a3dd067fc8b7e28b6bf3ecca',
    'rmsprop': '7d7f51d6777813ef60401d22df4696eacb9497a29103bd3518783d50ca0cdd55',
    'centered_rmsprop': '607820d91e120b3b79e829e1c10502de068be3e56da054a67ce3a33629120649',
}

ADAM_SCALARS = dict(beta1_power=0.9 ** 3, beta2_power=0.999 ** 3, lr=0.01, beta1=0.9,
                    beta2=0.999, epsilon=1e-7)
RMSPROP_SCALARS = dict(lr=0.01, rho=0.9, momentum=0.9, epsilon=1e-7)


def _exact_inputs(n=4096):
    """tests/record_tf_keras_kernels.py's exact_inputs: var, a slot of either sign, a slot >= 0,
    grad; exact rational values, no random stream."""
    i = np.arange(n, dtype=np.float64)
    var, a, b, grad = [((i * k) % m - m / 2).astype(np.float32) / np.float32(c) for k, m, c in
                       ((7, 97, 13), (11, 89, 170), (13, 83, 9000), (17, 79, 5))]
    return var, a, np.abs(b), grad


def apply_once(opdef, states, *inputs):
    """The variable and slot values (`states`, in the op's order) after one `opdef` update
    with the other `inputs` (in the op's order after the states)."""
    with tf.Graph().as_default():
        variables = [tf.Variable(x) for x in states]
        op = Optimizer._fused_update(opdef, *variables, *inputs)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(op)
            return sess.run(variables)


def _adam_in_numpy(nesterov, tf_order=True):
    """TF's ApplyAdam kernel in float32 numpy: alpha = lr sqrt(1 - beta2^t) / (1 - beta1^t);
    m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2); var -= (m' alpha) / (sqrt(v) + eps),
    m' = g (1 - beta1) + beta1 m with Nesterov, else m (tf_order=False: (m' / (sqrt(v) + eps))
    alpha, the order minitf had before)."""
    var, m, v, g = _exact_inputs()
    k = {name: np.float32(x) for name, x in ADAM_SCALARS.items()}
    one = np.float32(1)
    alpha = k["lr"] * np.sqrt(one - k["beta2_power"]) / (one - k["beta1_power"])
    m = m + (g - m) * (one - k["beta1"])
    v = v + (g * g - v) * (one - k["beta2"])
    step = g * (one - k["beta1"]) + k["beta1"] * m if nesterov else m
    denominator = np.sqrt(v) + k["epsilon"]
    var = var - (step * alpha / denominator if tf_order else step / denominator * alpha)
    return var, m, v


def _sha256(arrays):
    return hashlib.sha256(b"".join(np.asarray(a).tobytes() for a in arrays)).hexdigest()


def _kernel_case(key):
    """(opdef, slot values, scalar inputs in the op's order) of KERNEL_SHA256's `key`."""
    _, a, b, _ = _exact_inputs()
    f = np.float32
    adam = [f(x) for x in ADAM_SCALARS.values()]
    rms = [f(x) for x in RMSPROP_SCALARS.values()]
    return {"adam": (ApplyAdam(), [a, b], adam),
            "adam_nesterov": (ApplyAdam(use_nesterov=True), [a, b], adam),
            "momentum_nesterov": (ApplyMomentum(use_nesterov=True), [a], [f(0.01)]),
            "rmsprop": (ApplyRMSProp(), [b, a], rms),
            "centered_rmsprop": (ApplyCenteredRMSProp(), [a * f(0.01), b + f(0.01), a], rms),
            }[key]


@pytest.mark.parametrize("key", sorted(KERNEL_SHA256))
def test_update_kernels_are_tfs_bit_for_bit(key):
    # TF's order of operations (Adam: var -= (m' * alpha) / (sqrt(v) + epsilon); Nesterov
    # momentum subtracts grad * lr + accum * momentum * lr at once; RMSProp's step is
    # (grad * lr) / sqrt(denominator)), so that every bit is TF's
    opdef, slots, scalars = _kernel_case(key)
    var, _, _, grad = _exact_inputs()
    with tf.Graph().as_default():
        variables = [tf.Variable(x) for x in [var] + slots]
        inputs = variables + scalars + [grad]
        if key == "momentum_nesterov":  # (var, accum, lr, grad, momentum)
            inputs = variables + scalars + [grad, np.float32(0.9)]
        op = Optimizer._fused_update(opdef, *inputs)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(op)
            got = sess.run(variables)
    assert all(g.dtype == np.float32 for g in got)
    assert _sha256(got) == KERNEL_SHA256[key]


@pytest.mark.parametrize("nesterov", [False, True])
def test_adams_formula_in_numpy_is_tfs_and_tells_the_orders_apart(nesterov):
    want = _adam_in_numpy(nesterov)
    assert _sha256(want) == KERNEL_SHA256["adam_nesterov" if nesterov else "adam"]
    other = _adam_in_numpy(nesterov, tf_order=False)
    assert (other[0] != want[0]).sum() > 0
