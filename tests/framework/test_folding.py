"""One build-time evaluator (framework/folding.py) for static shape inference and for the plan's
fold pass: iterative (long chains fold without RecursionError, also when imported), size-capped
only while building, and aware that a placeholder_with_default may be fed."""

import numpy as np
import pytest

import minitf as tf
from minitf.client import plan as P
from minitf.framework import folding
from minitf.framework.tensor_util import constant_value

pytestmark = pytest.mark.usefixtures("fresh_graph")

CHAIN = 1500  # more than Python's default recursion limit (1000)


def shape_chain(n):
    shape = tf.shape(tf.ones((2, 3)))
    for _ in range(n):
        shape = shape + 0
    return shape


def test_a_long_chain_of_shape_arithmetic_folds_without_recursion_error():
    shape = shape_chain(CHAIN)
    np.testing.assert_array_equal(constant_value(shape), [2, 3])
    x = tf.placeholder(tf.float32, (None, 3))
    y = tf.reshape(x, shape)
    assert y.shape.as_list() == [2, 3]  # static inference saw through the whole chain
    with tf.Session() as sess:
        assert sess.run(y, {x: np.ones((2, 3))}).shape == (2, 3)
        plan = next(iter(sess._plans.values()))
    assert plan.num_kernels == 1  # the chain folded: only the reshape runs


def test_importing_a_long_chain_does_not_raise_recursion_error():
    x = tf.placeholder(tf.float32, (None, 3), name="x")
    tf.reshape(x, shape_chain(CHAIN), name="y")
    graph_def = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        g = tf.get_default_graph()
        y = g.get_tensor_by_name("y:0")
        assert y.shape.as_list() == [2, 3]
        with tf.Session() as sess:
            got = sess.run(y, {g.get_tensor_by_name("x:0"): np.arange(6.0).reshape(2, 3)})
    np.testing.assert_array_equal(got, np.arange(6.0).reshape(2, 3))


def test_a_shared_cache_evaluates_each_op_once():
    a = tf.constant([1, 2]) * 3
    b = a + 1
    c = a - 1
    cache = {}
    np.testing.assert_array_equal(folding.known_value(b, cache), [4, 7])
    assert a.op in cache and c.op not in cache
    evaluated = dict(cache)
    np.testing.assert_array_equal(folding.known_value(c, cache), [2, 5])
    assert all(cache[op] is values for op, values in evaluated.items())  # reused, not redone


def test_build_time_is_size_capped_and_plan_time_is_not():
    big = tf.ones((64, 64)) * 2.0  # 4096 elements: above the build-time limit
    assert constant_value(big) is None
    known = P.fold(P.prune([big], set()), set())
    assert known[big].shape == (64, 64) and known[big][0, 0] == 2.0


def test_a_placeholder_with_default_is_unknown_while_building_and_folded_when_not_fed():
    p = tf.placeholder_with_default(tf.constant([4, 5]), (2,))
    doubled = p * 2
    assert constant_value(doubled) is None  # it may be fed later
    assert P.fold(P.prune([doubled], set()), set())[doubled].tolist() == [8, 10]
    assert doubled not in P.fold(P.prune([doubled], {p}), {p})
    with tf.Session() as sess:
        assert sess.run(doubled).tolist() == [8, 10]
        assert sess.run(doubled, {p: [1, 1]}).tolist() == [2, 2]


def test_control_inputs_block_folding_in_a_plan_not_at_build_time():
    r = tf.random_uniform(())
    with tf.control_dependencies([r]):
        one = tf.constant(1) + 0
    assert int(constant_value(one)) == 1          # the value does not depend on r
    assert one not in P.fold(P.prune([one], set()), set())  # but a run must wait for r


def test_a_kernel_error_at_fold_time_is_left_to_run_time():
    bad = tf.reshape(tf.constant([1.0, 2.0, 3.0]), tf.placeholder_with_default([2, 2], (2,)))
    assert P.fold(P.prune([bad], set()), set()).get(bad) is None
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="Reshape"):
        sess.run(bad)
