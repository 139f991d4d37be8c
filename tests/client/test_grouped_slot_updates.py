"""The updates of optimizers with slots (Adam, Momentum, RMSProp, Adagrad, Adadelta) of small
variables run as one kernel when their hyperparameters agree (ApplyOp.group_key/bind_group):
the variables and their slots move into one array, and each run gives the same bytes as one
kernel per variable (a traced run never groups), in the first runs, once moved, and when a
hyperparameter's value turns out to differ at run time."""

import numpy as np
import pytest

import minitf as tf
from minitf import errors
from minitf.train.optimizer import Optimizer
from minitf.train.training_ops import ApplyMomentum, ApplyOp

from tests.client.test_grouped_updates import TRACED, assert_same_bytes, sessions

pytestmark = [pytest.mark.usefixtures("fresh_graph"), pytest.mark.numpy_engine]

OPTIMIZERS = {
    "adam": lambda: tf.train.AdamOptimizer(0.01),
    "momentum": lambda: tf.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5),
    "centered": lambda: tf.train.RMSPropOptimizer(0.01, centered=True),
    "adagrad": lambda: tf.train.AdagradOptimizer(0.1),
    "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0),
}
BIG = ApplyOp.GROUP_MAX_ELEMENTS + 1


def groups(sess):
    """The update kernels of the session's plans that update variables (each the same): the
    names of the variables each kernel updates."""
    found = []
    for plan in sess._plans.values():
        kernels = sorted(sorted(op.inputs[0].op.name for op in (s.group or [s.op]))
                         for s in plan.steps if s.kind == "call"
                         and isinstance(s.op.opdef, ApplyOp))
        if kernels and kernels not in found:
            found.append(kernels)
    assert len(found) <= 1, found
    return found[0] if found else []


def network():
    """Small variables on either side of one too large to group, float32, and a float64 one."""
    rng = np.random.default_rng(0)
    x = tf.placeholder(tf.float32, (4, 3))
    w = tf.Variable(rng.standard_normal((3, 5)).astype(np.float32), name="w")
    b = tf.Variable(rng.standard_normal(5).astype(np.float32), name="b")
    big = tf.Variable(rng.standard_normal(BIG).astype(np.float32) * 0.01, name="big")
    s = tf.Variable(np.float32(0.5), name="s")
    d = tf.Variable(rng.standard_normal(2), name="d")
    loss = tf.reduce_sum(tf.tanh(tf.matmul(x, w) + b) * s) + tf.reduce_sum(tf.sin(big)) \
        + tf.cast(tf.reduce_sum(tf.square(d)), tf.float32)
    return loss, {x: rng.standard_normal((4, 3)).astype(np.float32)}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_grouped_updates_give_the_bytes_of_one_kernel_each(name):
    loss, feed = network()
    step = OPTIMIZERS[name]().minimize(loss)
    grouped, traced = sessions()
    for _ in range(4):  # the first run updates one by one and moves them; then as one
        grouped.run(step, feed)
        traced.run(step, feed, **TRACED)
        assert_same_bytes(grouped, traced, tf.global_variables())
    assert groups(grouped) == [["b", "s", "w"], ["big"], ["d"]]


def test_the_variables_and_slots_of_a_group_share_one_array():
    loss, feed = network()
    opt = tf.train.AdamOptimizer(0.01)
    step = opt.minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    sess.run(step, feed)
    store = sess._state.variables
    small = [v for v in tf.trainable_variables() if v.op.name in ("w", "b", "s")]
    held = [store[a.op] for v in small for a in (v, opt.get_slot(v, "m"), opt.get_slot(v, "v"))]
    assert len({id(a.base) for a in held}) == 1 and held[0].base is not None
    assert store[tf.trainable_variables()[2].op].base is None  # big: its own array


def two_updates(lr1, lr2):
    """Two Momentum updates written by hand, with learning rates `lr1` and `lr2`."""
    rng = np.random.default_rng(4)
    v1, v2 = (tf.Variable(rng.standard_normal(3).astype(np.float32)) for _ in range(2))
    a1, a2 = (tf.Variable(np.zeros(3, np.float32)) for _ in range(2))
    g = tf.placeholder(tf.float32, (3,))
    momentum = tf.constant(0.9)
    step = tf.group(
        Optimizer._fused_update(ApplyMomentum(), v1, a1, lr1, g, momentum),
        Optimizer._fused_update(ApplyMomentum(), v2, a2, lr2, g * 2, momentum))
    return step, g, [v1, v2, a1, a2]


def test_equal_constants_group_and_a_value_fed_in_their_place_is_used():
    lr1, lr2 = tf.constant(0.1), tf.constant(0.1)
    step, g, variables = two_updates(lr1, lr2)
    grouped, traced = sessions()
    feeds = [{g: np.full(3, 0.5, np.float32)}] * 3 + [  # then a plan feeding one rate:
        {g: np.full(3, 0.5, np.float32), lr2: np.float32(value)} for value in (0.3, 0.3, 0.1)
    ] + [{g: np.full(3, 0.25, np.float32)}]
    for feed in feeds:
        grouped.run(step, feed)
        traced.run(step, feed, **TRACED)
        assert_same_bytes(grouped, traced, variables)
    assert len(groups(grouped)) == 1  # (both plans: equal constants, whether fed or not)


def test_one_fed_rate_groups_and_two_do_not():
    rate = tf.placeholder(tf.float32, ())
    step, g, variables = two_updates(rate, rate)
    grouped, traced = sessions()
    for value in (0.1, 0.1, 0.2):
        feed = {g: np.arange(3, dtype=np.float32), rate: np.float32(value)}
        grouped.run(step, feed)
        traced.run(step, feed, **TRACED)
        assert_same_bytes(grouped, traced, variables)
    assert len(groups(grouped)) == 1
    rate2 = tf.placeholder(tf.float32, ())
    step, g, variables = two_updates(rate, rate2)
    grouped, traced = sessions()
    grouped.run(step, {g: np.ones(3, np.float32), rate: 0.1, rate2: 0.1})
    assert len(groups(grouped)) == 2  # two placeholders: two keys


def test_a_bad_gradient_shape_fails_before_any_variable_or_slot_is_written():
    v1 = tf.Variable(np.ones(3, np.float32))
    v2 = tf.Variable(np.ones((2, 2), np.float32))
    g1, g2 = tf.placeholder(tf.float32, None), tf.placeholder(tf.float32, None)
    opt = tf.train.AdamOptimizer(0.1)
    step = opt.apply_gradients([(g1, v1), (g2, v2)])
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    good = {g1: np.ones(3, np.float32), g2: np.ones((2, 2), np.float32)}
    for bad in ({g1: np.ones(3, np.float32), g2: np.ones((2, 3), np.float32)},
                {g1: np.ones(2, np.float32), g2: np.ones((2, 2), np.float32)}):
        sess.run(step, good)
        sess.run(step, good)  # (from the arena)
        before = [v.tobytes() for v in sess.run(tf.global_variables())]
        with pytest.raises(errors.InvalidArgumentError,
                           match="var and grad do not have the same shape"):
            sess.run(step, bad)
        assert [v.tobytes() for v in sess.run(tf.global_variables())] == before
    assert [len(g) for g in groups(sess)] == [2]


def test_an_uninitialized_slot_is_named_and_nothing_is_written():
    v1 = tf.Variable(np.ones(3, np.float32), name="first")
    v2 = tf.Variable(np.ones(3, np.float32), name="second")
    g = tf.placeholder(tf.float32, (3,))
    opt = tf.train.MomentumOptimizer(0.1, 0.9)
    step = opt.apply_gradients([(g, v1), (g, v2)])
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    sess._state.variables.pop(opt.get_slot(v2, "momentum").op)
    with pytest.raises(errors.FailedPreconditionError, match="second/Momentum"):
        sess.run(step, {g: np.ones(3, np.float32)})
    np.testing.assert_array_equal(sess.run(v1), [1, 1, 1])


def test_storage_replaced_after_the_first_runs_is_followed():
    loss, feed = network()
    opt = tf.train.AdamOptimizer(0.01)
    step = opt.minimize(loss)
    grouped, traced = sessions()
    w = [v for v in tf.trainable_variables() if v.op.name == "w"][0]
    m = opt.get_slot(w, "m")
    for i in range(5):
        grouped.run(step, feed)
        traced.run(step, feed, **TRACED)
        if i == 1:  # a restore that does not write in place, of a slot
            for sess in (grouped, traced):
                sess._state.variables[m.op] = np.full((3, 5), 0.25, np.float32)
        assert_same_bytes(grouped, traced, tf.global_variables())
