"""Reductions over axes given as a tensor known only at run time (RuntimeAxisReduction): one
graph run with several axis values, gradients, TF's static shapes and run-time errors, and the
GraphDef round trip in TF's form (Sum with the axis tensor as its reduction_indices input)."""

import numpy as np
import pytest

import minitf as tf
from minitf.framework.graph_def import graph_to_graph_def

REDUCTIONS = [(tf.reduce_sum, np.sum), (tf.reduce_mean, np.mean), (tf.reduce_max, np.max),
              (tf.reduce_min, np.min), (tf.reduce_prod, np.prod)]
AXES = [1, [0, 2], [-1], [2, 0], [], [-3, 1], np.int64(2)]


def _numerical_grad(f, xv, delta=1e-6):
    g = np.zeros_like(xv)
    for i in np.ndindex(xv.shape):
        up, down = xv.copy(), xv.copy()
        up[i] += delta
        down[i] -= delta
        g[i] = (f(up) - f(down)) / (2 * delta)
    return g


@pytest.mark.parametrize("reduce,ref", REDUCTIONS, ids=lambda v: getattr(v, "__name__", ""))
def test_one_graph_many_axes_values_and_gradients(reduce, ref):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [2, 3, 4])
        axis = tf.placeholder(tf.int32, None)
        y = reduce(x, axis)
        yk = reduce(x, axis, keepdims=True)
        assert y.shape.rank is None and yk.shape.as_list() == [None, None, None]
        (dx,) = tf.gradients(tf.reduce_sum(y * y), x)
        xv = np.random.RandomState(1).uniform(0.5, 1.5, (2, 3, 4))
        with tf.Session() as sess:
            for a in AXES:
                axes = tuple(np.atleast_1d(a).tolist())
                got, kept, grad = sess.run([y, yk, dx], {x: xv, axis: a})
                np.testing.assert_allclose(got, ref(xv, axis=axes), rtol=1e-12)
                np.testing.assert_allclose(kept, ref(xv, axis=axes, keepdims=True), rtol=1e-12)
                want = _numerical_grad(lambda v: np.sum(ref(v, axis=axes) ** 2), xv)
                np.testing.assert_allclose(grad, want, rtol=1e-5, atol=1e-7)


def test_max_ties_and_prod_zeros_share_gradients_as_tf():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, None)
        axis = tf.placeholder(tf.int64, [])
        gmax = tf.gradients(tf.reduce_max(x, axis), x)[0]
        gprod = tf.gradients(tf.reduce_prod(x, axis), x)[0]
        xv = np.array([[1.0, 3.0, 3.0], [0.0, 0.0, 2.0], [0.0, 4.0, 5.0]])
        with tf.Session() as sess:
            m, p = sess.run([gmax, gprod], {x: xv, axis: 1})
            np.testing.assert_allclose(m, [[0, .5, .5], [0, 0, 1], [0, 0, 1]])
            np.testing.assert_allclose(p, [[9, 3, 3], [0, 0, 0], [20, 0, 0]])
            m0 = sess.run(gmax, {x: xv, axis: 0})
            np.testing.assert_allclose(m0, [[1, 0, 0], [0, 0, 0], [0, 1, 1]])


def test_logsumexp_any_all_and_axis_computed_from_rank():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, None)  # unknown rank: the last axis is rank - 1
        last = tf.rank(x) - 1
        lse = tf.reduce_logsumexp(x, last)
        b = tf.placeholder(tf.bool, [2, 3])
        axis = tf.placeholder(tf.int32, [1])
        any_, all_ = tf.reduce_any(b, axis), tf.reduce_all(b, axis, keepdims=True)
        assert all_.shape.as_list() == [None, None] and any_.shape.rank is None
        xv = np.random.RandomState(0).randn(2, 3, 4).astype(np.float32)
        bv = np.array([[True, False, True], [True, True, True]])
        with tf.Session() as sess:
            got = sess.run(lse, {x: xv})
            np.testing.assert_allclose(got, np.log(np.exp(xv).sum(-1)), rtol=1e-5)
            for a in (0, 1):
                r_any, r_all = sess.run([any_, all_], {b: bv, axis: [a]})
                np.testing.assert_array_equal(r_any, bv.any(a))
                np.testing.assert_array_equal(r_all, bv.all(a, keepdims=True))


def test_integer_mean_and_constant_axes_keep_the_static_op():
    with tf.Graph().as_default():
        x = tf.constant([[1, 2], [-1, -2]])
        axis = tf.placeholder(tf.int32, [])
        y = tf.reduce_mean(x, axis)
        assert y.op.type == "RuntimeAxisReduction" and y.dtype == tf.int32
        static = tf.reduce_sum(x, tf.constant(1) + 0)  # folded at build time: the static op
        assert static.op.type == "Sum" and static.shape.as_list() == [2]
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {axis: 1}), [1, -1])


@pytest.mark.parametrize("axis_value,message", [
    (3, "Invalid reduction dimension (3 for input with 3 dimension(s)"),
    ([-4], "Invalid reduction dimension (-4 for input with 3 dimension(s)"),
    ([1, 1], "Invalid reduction arguments: Axes contains duplicate dimension: 1"),
    ([-1, 2], "Invalid reduction arguments: Axes contains duplicate dimension: 2"),
])
def test_bad_axes_fail_at_run_time_with_tfs_message(axis_value, message):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3, 4])
        axis = tf.placeholder(tf.int32, None)
        v = tf.Variable(1.0)
        step = tf.assign_add(v, tf.reduce_sum(tf.reduce_sum(x, axis)))
        with tf.Session() as sess:
            sess.run(v.initializer)
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                sess.run(step, {x: np.ones((2, 3, 4)), axis: axis_value})
            assert message in str(info.value)
            assert sess.run(v) == 1.0


def test_axis_dtype_and_rank_checked_at_build_time():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        with pytest.raises(TypeError, match="parameter 'reduction_indices' has DataType float32 "
                                            "not in list of allowed values: int32, int64"):
            tf.reduce_sum(x, tf.placeholder(tf.float32))
        with pytest.raises(ValueError, match="scalar or a vector"):
            tf.reduce_max(x, tf.placeholder(tf.int32, [1, 1]))
        with pytest.raises(TypeError, match="Any"):
            tf.reduce_any(x, tf.placeholder(tf.int32))


def test_graph_def_is_tfs_form_and_imports_back():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2, 3], name="x")
        axis = tf.placeholder(tf.int32, None, name="axis")
        tf.reduce_mean(x, axis, keepdims=True, name="m")
        tf.reduce_all(tf.placeholder(tf.bool, [2], name="b"), axis, name="all")
        graph_def = graph_to_graph_def(g)
    nodes = {n.name: n for n in graph_def.node}
    assert nodes["m"].op == "Mean" and list(nodes["m"].input) == ["x", "axis"]
    assert nodes["m"].attr["keep_dims"].b and nodes["m"].attr["Tidx"].type == 3  # DT_INT32
    assert nodes["m"].attr["T"].type == 1 and "T" not in nodes["all"].attr
    assert nodes["all"].op == "All" and list(nodes["all"].input) == ["b", "axis"]
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        g = tf.get_default_graph()
        m = g.get_tensor_by_name("m:0")
        assert m.op.type == "RuntimeAxisReduction" and m.shape.as_list() == [None, None]
        xv = np.arange(6, dtype=np.float32).reshape(2, 3)
        with tf.Session() as sess:
            for a in (0, 1, [0, 1]):
                np.testing.assert_allclose(sess.run(m, {"x:0": xv, "axis:0": a}),
                                           xv.mean(tuple(np.atleast_1d(a)), keepdims=True))
