"""Each pass of the plan compiler on its own (client/plan.py): prune, fold, prune again (dead
forward ops go), schedule, merge_duplicates, make_steps (slot kinds), place (transfers),
mark_frees, emit."""

import re

import numpy as np
import pytest

import minitf as tf
from minitf import errors
from minitf.client import plan as P
from minitf.client.buffers import BufferPool

pytestmark = pytest.mark.usefixtures("fresh_graph")


def steps_for(elements, fed=()):
    """The passes up to mark_frees, as Plan runs them, on the host only."""
    fed_set = set(fed)
    known = P.fold(P.prune(elements, fed_set), fed_set)
    order = P.schedule(P.prune(elements, fed_set.union(known)), fed_set)
    steps, slot_of = P.make_steps(order, list(fed), known)
    P.mark_frees(steps)
    return steps, slot_of, known


def test_prune_stops_at_stop_tensors_and_follows_control_inputs():
    x = tf.placeholder(tf.float32, (2,), name="x")
    a = tf.sin(x, name="a")
    side = tf.cos(x, name="side")
    with tf.control_dependencies([side]):
        b = tf.identity(a * 2.0, name="b")
    unrelated = tf.exp(x, name="unrelated")
    names = {op.name for op in P.prune([b], set())}
    assert {"x", "a", "side", "b"} <= names and "unrelated" not in names
    names = {op.name for op in P.prune([b], {a})}
    assert "a" not in names and "side" in names  # a is given, the control input still runs
    assert P.prune([x], {x}) == set()
    assert unrelated.op not in P.prune([b, side.op], set())


def test_check_feeds_names_the_placeholder_and_the_fetch_needing_it():
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    y = tf.reduce_sum(x, name="total")
    with pytest.raises(errors.InvalidArgumentError,
                       match=r"placeholder tensor 'x' with dtype float and shape \[\?,3\] "
                             r"\(needed by fetch 'total:0'\)"):
        P.check_feeds(P.prune([y], set()), set(), [y])
    P.check_feeds(P.prune([y], {x}), {x}, [y])  # fed: nothing to say


def test_fold_computes_what_needs_neither_feeds_nor_state():
    x = tf.placeholder(tf.float32, (2, 3))
    v = tf.Variable(1.0)
    c = tf.constant(2.0) * 3.0               # constants: folded
    s = tf.shape(x)                          # a known static shape: folded, x is not read
    r = tf.random_uniform(())                # stateful: never
    mixed = c * v                            # reads state: never
    with tf.control_dependencies([r]):
        ordered = tf.constant(1.0) + 1.0     # must wait for r: not folded
    elements = [c, s, r, mixed, ordered]
    known = P.fold(P.prune(elements, set()), set())
    assert float(known[c]) == 6.0
    np.testing.assert_array_equal(known[s], [2, 3])
    assert r not in known and mixed not in known and ordered not in known
    assert not known[c].flags.writeable  # shared by every run: nobody may write into it
    fed_known = P.fold(P.prune([c], {c}), {c})
    assert c not in fed_known  # a fed tensor is the feed's value, not its folded one


def test_fold_makes_zeros_like_and_ones_like_of_a_static_shape_constants():
    # (as Grappler does): the value depends on the shape alone, so x is not even read
    x = tf.placeholder(tf.float32, (2, 3))
    v = tf.Variable(np.ones(4, np.int32))
    z, o, zv = tf.zeros_like(x), tf.ones_like(x) / 2.0, tf.zeros_like(v)
    dynamic = tf.placeholder(tf.float32, (None, 3))
    zd = tf.zeros_like(dynamic)
    known = P.fold(P.prune([z, o, zv, zd], {x, dynamic}), {x, dynamic})
    np.testing.assert_array_equal(known[z], np.zeros((2, 3), np.float32))
    np.testing.assert_array_equal(known[o], np.full((2, 3), 0.5, np.float32))
    assert known[zv].dtype == np.int32 and known[zv].shape == (4,)
    assert zd not in known  # the shape is known when it runs
    steps, _, _ = steps_for([z, o, zd], [x, dynamic])
    assert [s.op.type for s in steps if s.kind == P.Step.CALL] == ["ZerosLike"]
    with tf.Session() as sess:
        got = sess.run([z, o, zd], {x: np.ones((2, 3)), dynamic: np.ones((5, 3))})
    assert got[2].shape == (5, 3) and not got[2].any() and got[1][1, 2] == 0.5


def test_pruning_again_drops_forward_ops_only_folded_values_needed():
    x = tf.placeholder(tf.float32, (4, 3))
    w = tf.Variable(np.ones((3, 2), np.float32))
    loss = tf.reduce_sum(tf.nn.relu(x @ w) * 2)
    (g,) = tf.gradients(loss, w)
    steps, _, _ = steps_for([g], [x])
    ran = [s.op.type for s in steps if s.kind == P.Step.CALL]
    assert "Sum" not in ran and "Mul" not in ran  # the forward tail feeds only a folded Shape
    assert ran.count("MatMul") == 2 and "ReluGrad" in ran
    with tf.Session() as sess:
        sess.run(w.initializer)
        got = sess.run(g, {x: np.ones((4, 3), np.float32)})
    np.testing.assert_allclose(got, np.full((3, 2), 8.0))


def test_schedule_puts_variable_writers_after_readers_whatever_the_creation_order():
    v = tf.Variable(1.0)
    bump = tf.assign_add(v, 1.0)             # created first
    read = v * 10.0                          # created after, independent of bump
    order = P.schedule(P.prune([bump, read], set()), set())
    assert order.index(read.op) < order.index(bump.op)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([bump, read])[1] == 10.0  # it saw the value from before the update


def test_merge_duplicates_runs_an_equal_pure_op_once_and_keeps_what_must_stay():
    x = tf.placeholder(tf.float32, (3,), name="x")
    a, b = tf.sin(x), tf.sin(x)
    a2, b2 = a * x, b * x                           # equal once b stands for a
    c1, c2 = x * 3.0, x * 3.0                       # two Const 3.0s, one value
    m1, m2 = tf.reshape(x, (1, 3)), tf.reshape(x, (1, 3))
    other_axis = [tf.reduce_sum(m, axis=i) for i, m in enumerate((m1, m2))]  # two axes: kept
    r1, r2 = tf.random_uniform((3,), seed=1), tf.random_uniform((3,), seed=1)  # stateful
    v = tf.Variable(np.ones(3, np.float32))
    before = v.value() * 2.0
    with tf.control_dependencies([tf.assign_add(v, np.ones(3, np.float32))]):
        after = v.value() * 2.0                     # ordered after the write: kept
    fetched = tf.sin(x)                             # a fetched tensor keeps its own op
    total = a2 + b2 + c1 + c2 + other_axis[0][0] + other_axis[1][0] + r1 + r2 + before + after
    elements = [total, fetched]
    order = P.schedule(P.prune(elements, {x}), {x})
    known = P.fold(order, {x})
    kept, same = P.merge_duplicates(order, {x, total, fetched}, known)
    assert same == {b: a, b2: a2, c2: c1, m2: m1}
    assert [op for op in order if op not in (b.op, b2.op, c2.op, m2.op)] == kept
    assert {r1.op, r2.op, before.op, after.op, fetched.op} <= set(kept)
    assert all(t.op in kept for t in other_axis)
    steps, slot_of = P.make_steps(kept, [x], known, same=same)
    assert slot_of[b] is slot_of[a] and slot_of[b2] is slot_of[a2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        xv = np.array([0.5, 1.0, 2.0], np.float32)
        got, got_sin = sess.run(elements, {x: xv})
        (plan,) = [p for p in sess._plans.values() if any(s.op is total.op for s in p.steps)]
        ran = [s.op for s in plan.steps]
        assert a.op in ran and a2.op in ran and b.op not in ran and b2.op not in ran
    np.testing.assert_allclose(got_sin, np.sin(xv), rtol=1e-6)
    expected = 2 * np.sin(xv) * xv + 6 * xv + xv[0] + xv.sum() + 2.0 + 4.0  # but r1 + r2
    assert np.all(got - expected >= 0) and np.all(got - expected < 2)  # (uniform in [0, 1))


def test_make_steps_gives_slots_kinds_forwards_identities_and_drops_no_ops():
    x = tf.placeholder(tf.float32, (3,))
    v = tf.Variable(np.zeros(3, np.float32))
    y = tf.identity(tf.exp(x) + v)
    c = tf.constant(2.0) + 1.0
    with tf.control_dependencies([y]):
        marker = tf.no_op()
    steps, slot_of, _ = steps_for([y, c, marker], [x])
    assert slot_of[x].kind == P.Slot.FEED and slot_of[c].kind == P.Slot.CONST
    assert slot_of[v.value()].kind == P.Slot.STATE
    assert slot_of[y.op.inputs[0]].kind == P.Slot.TEMP
    forward = next(s for s in steps if s.op is y.op)
    assert forward.kind == P.Step.FORWARD and slot_of[y] is slot_of[y.op.inputs[0]]
    assert marker not in [s.op for s in steps]  # a no-op only orders; the order is fixed
    assert c.op not in [s.op for s in steps]    # folded: no step


class FakeDevice:
    """A device for the place pass alone: it only tags what is put on it."""

    def __init__(self, kind, index):
        self.kind, self.index = kind, index

    def put(self, value):
        return ("on", self.kind, float(value))


def test_place_moves_a_value_once_per_device_and_constants_at_build_time():
    gpu, host = FakeDevice("GPU", 0), FakeDevice("CPU", 0)
    x = tf.placeholder(tf.float32, ())
    with tf.device("/gpu:0"):
        a = tf.exp(x)
        b = tf.sin(x) + a * 2.0
    with tf.device("/cpu:0"):
        c = tf.identity(b)
        d = tf.cos(c)
    steps, _, _ = steps_for([d], [x])
    placed = P.place(steps, lambda op: gpu if "GPU" in op.device else host, host)
    moves = [s for s in placed if s.kind == P.Step.MOVE]
    assert [m.args[0].name for m in moves] == ["f0", "t3_0"]  # x up once, b back down once
    assert [m.outs[0].name for m in moves] == ["f0_togpu0", "t3_0_tocpu0"]
    assert moves[0].device is gpu and moves[1].device is host
    two = next(s for s in placed if s.op.type == "Mul").args[1]
    assert two.kind == P.Slot.CONST and two.value == ("on", "GPU", 2.0)
    host_only = P.place(steps_for([d], [x])[0], lambda op: host, host)
    assert not any(s.kind == P.Step.MOVE for s in host_only)


def test_place_keeps_shape_values_on_the_host():
    gpu, host = FakeDevice("GPU", 0), FakeDevice("CPU", 0)
    x = tf.placeholder(tf.float32, (None, 3))
    with tf.device("/gpu:0"):
        y = tf.exp(x)
        flat = tf.reshape(y, tf.shape(tf.transpose(y)))
        ones = tf.fill(tf.shape(y), 1.0)
    steps, _, _ = steps_for([flat, ones], [x])

    def device_of(op):  # as SessionState.device_for: shape-valued ops run on the host
        return host if op.opdef.host_outputs or "GPU" not in op.device else gpu
    placed = P.place(steps, device_of, host)
    moved = [s.args[0].name for s in placed if s.kind == P.Step.MOVE]
    assert moved == ["f0"]  # only x goes up: Shape reads y where it is, shapes stay down
    reshape = next(s for s in placed if s.op.type == "Reshape")
    assert reshape.device is gpu and reshape.args[0].name.startswith("t")


def test_mark_frees_deletes_temps_after_their_last_reader_and_unread_outputs_at_once():
    x = tf.placeholder(tf.float32, (4, 2))
    v = tf.Variable(np.ones((2, 2), np.float32))
    first, unused = tf.split(x, 2, axis=0)
    y = tf.exp(first) * v
    z = tf.sin(y) + y
    steps, slot_of, _ = steps_for([z], [x])
    freed_at = {slot.name: s.op.name for s in steps for slot in s.frees}
    assert freed_at[slot_of[unused].name] == first.op.name  # made and never read
    assert freed_at[slot_of[y].name] == z.op.name          # read last by the add
    assert slot_of[x].name not in freed_at and slot_of[v.value()].name not in freed_at
    assert slot_of[z].name in freed_at  # fetched: copied into the results first


def test_emit_writes_straight_line_code_with_snapshots_and_frees():
    x = tf.placeholder(tf.float32, (3,))
    v = tf.Variable(np.ones(3, np.float32))
    y = tf.exp(x) * 2.0
    bump = tf.assign_add(v, y)

    class State:
        buffers = BufferPool()
        variables = {}
        xp_for = staticmethod(lambda op: np)
    steps, slot_of, known = steps_for([y, v.value(), bump.op], [x])
    source, namespace, line_to_op = P.emit(steps, [slot_of[x]], [y, v.value(), bump.op],
                                           slot_of, State())
    lines = source.splitlines()
    assert lines[:2] == ["def run(_feeds):", "    f0, = _feeds"]
    assert lines[-1] == "    return [r0, r1, None]"
    made = lines.index("    %s = k%d(%s, c0)" % (slot_of[y].name, steps.index(
        next(s for s in steps if s.op is y.op)), slot_of[y.op.inputs[0]].name))
    assert lines[made + 1] == "    r0 = _snap(%s)" % slot_of[y].name  # y copied at once
    assert lines[-2] == "    r1 = _copy(%s)" % slot_of[v.value()].name  # v after the update
    assert {op.type for op, _ in line_to_op.values()} == {"Exp", "Mul", "VariableV2", "AssignAdd"}
    assert namespace["c0"] == 2.0


@pytest.mark.numpy_engine
def test_a_nested_plan_writes_scalar_arithmetic_as_python_operators_with_numpy_results():
    a = tf.placeholder(tf.int32, [], name="a")
    b = tf.placeholder(tf.int32, [], name="b")
    v = tf.placeholder(tf.float32, [3], name="v")
    with tf.Session() as sess:
        plan = sess._state.compile([(a + b) * a, a < b, v + v], [a, b, v])
    assert "f0 + f1" in plan.source and "f0 < f1" in plan.source, plan.source
    assert re.findall(r"\bk\d+\(", plan.source) == ["k3("], plan.source  # only v + v calls one
    big = np.int32(2 ** 30)
    with np.errstate(all="ignore"):  # (as the enclosing run)
        total, less, twice = plan.call([big, big, np.ones(3, np.float32)])
        want = np.multiply(np.add(big, big), big)  # int32 wraps around as the kernel's ufunc
    assert type(total) is np.int32 and total == want
    assert type(less) is np.bool_ and not less
    np.testing.assert_array_equal(twice, [2, 2, 2])
