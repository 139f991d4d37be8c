"""Consecutive variable updates of a plan run as one kernel (plan.group_updates,
ApplyGradientDescent.bind_group): the same values bit for bit as one kernel per update (a traced
run does not group), the variables moved into one array from the first run on, and storage
replaced later followed."""

import numpy as np
import pytest

import minitf as tf
from minitf import errors
from minitf.framework.tensor_util import constant_value
from minitf.ops.core import SumTo

pytestmark = [pytest.mark.usefixtures("fresh_graph"), pytest.mark.numpy_engine]

TRACED = dict(options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
              run_metadata=tf.RunMetadata())


def network(seed=0):
    """Three float32 variables and a float64 one, one GradientDescent step on all four."""
    rng = np.random.default_rng(seed)
    x = tf.placeholder(tf.float32, (4, 3))
    w = tf.Variable(rng.standard_normal((3, 5)).astype(np.float32), name="w")
    b = tf.Variable(rng.standard_normal(5).astype(np.float32), name="b")
    s = tf.Variable(np.float32(0.5), name="s")
    d = tf.Variable(rng.standard_normal(2), name="d")  # float64: a group of its own
    loss = tf.reduce_sum(tf.tanh(tf.matmul(x, w) + b) * s)
    loss64 = tf.reduce_sum(tf.square(d))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss + tf.cast(loss64, tf.float32))
    feed = {x: rng.standard_normal((4, 3)).astype(np.float32)}
    return step, [w, b, s, d], feed


def update_steps(sess):
    plan = max(sess._plans.values(), key=lambda p: p.num_kernels)
    return [s for s in plan.steps if s.kind == "call" and s.op.type == "ApplyGradientDescent"]


def sessions():
    """A session that groups updates and one whose runs are traced (never grouped), both
    initialised."""
    grouped, traced = tf.Session(), tf.Session()
    for sess in (grouped, traced):
        sess.run(tf.global_variables_initializer())
    return grouped, traced


def assert_same_bytes(grouped, traced, variables):
    for v in variables:
        assert grouped.run(v).tobytes() == traced.run(v).tobytes(), v.name


def test_updates_run_as_one_kernel_per_dtype_with_the_values_of_one_kernel_each():
    step, variables, feed = network()
    grouped, traced = sessions()
    for _ in range(3):
        grouped.run(step, feed)
        traced.run(step, feed, **TRACED)
        assert_same_bytes(grouped, traced, variables)
    # float32: one kernel for three updates; the float64 update alone
    assert sorted(len(s.group or [s.op]) for s in update_steps(grouped)) == [1, 3]
    assert len(update_steps(traced)) == 4


def test_a_variable_fetched_with_the_step_is_the_updated_value_on_the_first_runs():
    step, (w, b, s, d), feed = network()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for _ in range(3):  # the first run moves the variables into one array
        _, w_value, b_value = sess.run([step, w, b], feed)
        np.testing.assert_array_equal(w_value, sess.run(w))
        np.testing.assert_array_equal(b_value, sess.run(b))


def test_storage_replaced_after_the_first_run_is_followed():
    step, variables, feed = network()
    grouped, traced = sessions()
    grouped.run(step, feed)
    traced.run(step, feed, **TRACED)
    w = variables[0]
    new = np.arange(15, dtype=np.float32).reshape(3, 5) / 10
    for sess in (grouped, traced):
        sess.run(w.initializer)  # an assignment of the same shape: in place
        sess._state.variables[w.op] = new.copy()  # a restore that does not write in place
    for _ in range(2):
        grouped.run(step, feed)
        traced.run(step, feed, **TRACED)
        assert_same_bytes(grouped, traced, variables)


def test_two_steps_sharing_variables_alternate():
    rng = np.random.default_rng(1)
    a, b, c = (tf.Variable(rng.standard_normal(3).astype(np.float32)) for _ in range(3))
    first = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(a * b))
    second = tf.train.GradientDescentOptimizer(0.2).minimize(tf.reduce_sum(tf.sin(b) * c))
    grouped, traced = sessions()
    for _ in range(6):  # (each takes b from the other's array; after 3 times, one by one)
        for train in (first, second):
            grouped.run(train)
            traced.run(train, **TRACED)
        assert_same_bytes(grouped, traced, (a, b, c))


def test_a_bad_gradient_shape_fails_before_any_variable_is_written():
    v1 = tf.Variable(np.ones(3, np.float32))
    v2 = tf.Variable(np.ones((2, 2), np.float32))
    g1 = tf.placeholder(tf.float32, None)
    g2 = tf.placeholder(tf.float32, None)
    step = tf.train.GradientDescentOptimizer(1.0).apply_gradients([(g1, v1), (g2, v2)])
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    good = {g1: np.ones(3, np.float32), g2: np.ones((2, 2), np.float32)}
    sess.run(step, good)
    sess.run(step, good)  # (from the array of both)
    before = sess.run([v1, v2])
    with pytest.raises(errors.InvalidArgumentError, match="var and delta do not have the same"):
        sess.run(step, {g1: np.ones(3, np.float32), g2: np.ones((2, 3), np.float32)})
    for value, was in zip(sess.run([v1, v2]), before):
        np.testing.assert_array_equal(value, was)
    np.testing.assert_array_equal(before[0], [-1, -1, -1])


def test_an_uninitialized_variable_is_named():
    v1 = tf.Variable(np.ones(3, np.float32), name="first")
    v2 = tf.Variable(np.ones(3, np.float32), name="second")
    g = tf.placeholder(tf.float32, (3,))
    step = tf.train.GradientDescentOptimizer(1.0).apply_gradients([(g, v1), (g, v2)])
    sess = tf.Session()
    sess.run(v1.initializer)
    with pytest.raises(errors.FailedPreconditionError, match="uninitialized value second"):
        sess.run(step, {g: np.ones(3, np.float32)})
    np.testing.assert_array_equal(sess.run(v1), [1, 1, 1])  # nothing written


def chain(layers=6, seed=2):
    """tanh(h @ w + b) layers of 4x5 tensors and one GradientDescent step (run.py's chain)."""
    rng = np.random.default_rng(seed)
    x = tf.placeholder(tf.float32, (4, 5))
    h = x
    for i in range(layers):
        w = tf.Variable((rng.standard_normal((5, 5)) * 0.5).astype(np.float32))
        b = tf.Variable(rng.standard_normal(5).astype(np.float32))
        h = tf.tanh(tf.matmul(h, w) + b)
    loss = tf.reduce_sum(h)
    return loss, {x: rng.standard_normal((4, 5)).astype(np.float32)}


def test_the_gradients_an_update_alone_reads_are_computed_batched_in_its_kernel():
    loss, feed = chain()
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    grouped, traced = sessions()
    for _ in range(3):
        grouped.run(step, feed)
        traced.run(step, feed, **TRACED)
        assert_same_bytes(grouped, traced, tf.global_variables())
    group, = update_steps(grouped)
    assert sorted(p.type for p in group.producers) == ["MatMul"] * 6 + ["SumTo"] * 6
    plan = max(grouped._plans.values(), key=lambda p: p.num_kernels)
    matmuls = [s for s in plan.steps if s.kind == "call" and s.op.type == "MatMul"]
    assert len(matmuls) == 6 + 5  # forward, and the input gradients (not the first layer's)


def test_a_gradient_also_read_elsewhere_is_not_batched():
    loss, feed = chain(layers=2)
    opt = tf.train.GradientDescentOptimizer(0.1)
    pairs = opt.compute_gradients(loss)
    step = opt.apply_gradients(pairs)
    grad = pairs[0][0]
    grouped, traced = sessions()
    for _ in range(2):
        got = grouped.run([step, grad], feed)[1]
        want = traced.run([step, grad], feed, **TRACED)[1]
        assert got.tobytes() == want.tobytes()
        assert_same_bytes(grouped, traced, tf.global_variables())
    group, = update_steps(grouped)
    assert group.producers is None  # (one gradient is fetched: the group takes the values)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batched_products_and_sums_equal_each_alone_bit_for_bit(dtype):
    rng = np.random.default_rng(3)
    cases = []
    for m, k, n in [(1, 4, 3), (4, 16, 16), (5, 1, 2), (3, 7, 1), (16, 4, 16)]:
        for ta in (False, True):
            for tb in (False, True):
                a = tf.placeholder(dtype, (k, m) if ta else (m, k))
                b = tf.placeholder(dtype, (n, k) if tb else (k, n))
                cases.append(tf.matmul(a, b, transpose_a=ta, transpose_b=tb).op)
    for dims, target in [((4, 16), (16,)), ((3, 5, 7), (7,)), ((17, 9), (9,)),
                         ((2, 300), (300,)), ((300, 2), (2,))]:
        g = tf.placeholder(dtype, dims)
        cases.append(SumTo()(g, tf.constant(np.array(target, np.int32))).op)
    kept = SumTo()(tf.placeholder(dtype, (3, 5)), tf.constant(np.array([3, 1], np.int32)))
    assert kept.op.opdef.batch_key(kept.op) is None  # (a sum to keep dimensions: not batched)
    for op in cases:
        opdef = op.opdef
        assert opdef.batch_key(op) is not None, op
        columns = [[rng.standard_normal(t.shape.as_tuple()).astype(dtype) if t.op.type ==
                    "Placeholder" else constant_value(t) for _ in range(5)]
                   for t in op.inputs]
        out = np.empty((5,) + op.outputs[0].shape.as_tuple(), dtype)
        opdef.bind_batch(np, [op] * 5)(out, *columns)
        kernel = opdef.specialize(np, op)
        for i in range(5):
            alone = kernel(*[c[i] for c in columns])
            assert alone.shape == out[i].shape and alone.tobytes() == out[i].tobytes(), op


def test_large_variables_are_not_grouped():
    """The arena doubles the memory of what it holds: only small variables go there."""
    from minitf.train.training_ops import ApplyGradientDescent
    limit = ApplyGradientDescent.GROUP_MAX_ELEMENTS
    x = tf.placeholder(tf.float32, (2, limit + 1))
    big = tf.Variable(np.ones((limit + 1, 1), np.float32), name="big")
    big2 = tf.Variable(np.ones((limit + 1, 1), np.float32), name="big2")
    small = tf.Variable(np.ones(3, np.float32), name="small")
    small2 = tf.Variable(np.ones(3, np.float32), name="small2")
    loss = (tf.reduce_sum(tf.matmul(x, big)) + tf.reduce_sum(tf.matmul(x, big2))
            + tf.reduce_sum(small * small2))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    sess.run(step, {x: np.ones((2, limit + 1), np.float32)})
    groups = [[op.inputs[0].op.name for op in (s.group or [s.op])] for s in update_steps(sess)]
    assert sorted(map(sorted, groups)) == [["big"], ["big2"], ["small", "small2"]]
