"""tf.gradients as TF1 defines it: a symbolic backward graph under 'gradients/', sums over ys,
None for unconnected xs, stop_gradient and stop_gradients, grad_ys, integer tensors blocking
the flow, Variables and intermediate tensors as xs, and gradients of gradients."""

import numpy as np
import pytest

import minitf as tf


def _run(fetches, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(fetches, feed)


def test_gradients_are_ops_in_the_graph():
    x = tf.placeholder(tf.float32, [3], name="x")
    y = tf.placeholder(tf.float32, [3], name="y")
    product = x * y
    before = len(tf.get_default_graph().get_operations())
    gx, gy = tf.gradients(product, [x, y])
    added = tf.get_default_graph().get_operations()[before:]
    assert added and all(op.name.startswith("gradients/") for op in added)
    assert gx.name.startswith("gradients/mul_grad/") and gx.shape.as_list() == [3]
    again = tf.gradients(x * y, x)[0]
    assert again.name.startswith("gradients_1/")
    assert tf.gradients(x * y, x, name="mine")[0].name.startswith("mine/")
    vx, vy = _run([gx, gy], {x: [1, 2, 3], y: [4, 5, 6]})
    np.testing.assert_array_equal(vx, [4, 5, 6])
    np.testing.assert_array_equal(vy, [1, 2, 3])


def test_gradients_sum_over_ys_and_unconnected_xs_get_none():
    x = tf.placeholder(tf.float32, [2])
    other = tf.placeholder(tf.float32, [2])
    g = tf.gradients([x * x, 3.0 * x], [x, other])
    assert g[1] is None
    assert g[0].op.type == "AddN"  # the contributions of both ys are summed by one add_n
    np.testing.assert_allclose(_run(g[0], {x: [1.0, 2.0]}), [5.0, 7.0])
    assert tf.gradients(tf.constant(1.0) * 2.0, x) == [None]
    assert tf.gradients(x, x)[0] is not None
    np.testing.assert_array_equal(_run(tf.gradients(x, x)[0], {x: [5.0, 6.0]}), [1.0, 1.0])


def test_gradient_of_broadcasting_with_unknown_dims():
    x = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.float32, [3])
    gx, gb, gx2 = tf.gradients(x * b, [x, b, x])
    assert gb.shape.as_list() == [3]
    vx, vb, vx2 = _run([gx, gb, gx2], {x: np.arange(12.0).reshape(4, 3), b: [1.0, 2.0, 3.0]})
    np.testing.assert_array_equal(vx, np.tile([1.0, 2.0, 3.0], (4, 1)))
    np.testing.assert_array_equal(vb, np.arange(12.0).reshape(4, 3).sum(0))
    np.testing.assert_array_equal(vx2, vx)


def test_stop_gradient_and_stop_gradients():
    x = tf.placeholder(tf.float32, [2])
    assert tf.gradients(tf.stop_gradient(x), x) == [None]
    g = tf.gradients(tf.stop_gradient(x) * x, x)[0]
    np.testing.assert_array_equal(_run(g, {x: [2.0, 3.0]}), [2.0, 3.0])  # only one factor
    a = x * 2.0
    b = a * 3.0 + x
    (through_x,) = tf.gradients(b, x, stop_gradients=[a])
    np.testing.assert_array_equal(_run(through_x, {x: [1.0, 1.0]}), [1.0, 1.0])
    (at_a,) = tf.gradients(b, a, stop_gradients=[a])  # a stop tensor still gets its own
    np.testing.assert_array_equal(_run(at_a, {x: [1.0, 1.0]}), [3.0, 3.0])
    assert tf.gradients(a * 3.0, x, stop_gradients=[a]) == [None]


def test_grad_ys_weight_each_y():
    x = tf.placeholder(tf.float32, [3])
    y1, y2 = x * x, 2.0 * x
    (g,) = tf.gradients([y1, y2], x, grad_ys=[tf.constant([1.0, 0.0, 2.0]), None])
    np.testing.assert_allclose(_run(g, {x: [1.0, 2.0, 3.0]}), [4.0, 2.0, 14.0])
    (scaled,) = tf.gradients(tf.reduce_sum(y1), x, grad_ys=0.5)  # a Python number is fine
    np.testing.assert_allclose(_run(scaled, {x: [1.0, 2.0, 3.0]}), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"grad_ys\[0\] has shape \(4,\)"):
        tf.gradients(y1, x, grad_ys=tf.ones([4]))
    with pytest.raises(TypeError, match=r"grad_ys\[0\] has dtype int32"):
        tf.gradients(y1, x, grad_ys=tf.constant([1, 1, 1]))
    with pytest.raises(ValueError, match="Passed 2 grad_ys for 1 ys"):
        tf.gradients(y1, x, grad_ys=[None, None])


def test_integer_tensors_block_the_flow():
    x = tf.placeholder(tf.float32, [3])
    rounded = tf.cast(tf.cast(x, tf.int32), tf.float32)
    (g,) = tf.gradients(rounded * x, x)
    # only the direct factor counts: d/dx [round(x)] is not defined through the int cast
    np.testing.assert_array_equal(_run(g, {x: [1.5, 2.5, -3.5]}), [1.0, 2.0, -3.0])
    assert tf.gradients(rounded, x) == [None]
    i = tf.placeholder(tf.int32, [3])
    assert tf.gradients(tf.cast(i, tf.float32) * 2.0, i) == [None]
    with pytest.raises(TypeError, match="None is not a tensor"):
        tf.gradients(x * 2.0, [None])


def test_gradient_with_respect_to_a_variable_and_an_intermediate():
    w = tf.Variable([1.0, 2.0], name="w")
    hidden = w * 3.0
    loss = tf.reduce_sum(hidden * hidden) + tf.reduce_sum(w)
    gw, gh = tf.gradients(loss, [w, hidden])
    vw, vh = _run([gw, gh])
    np.testing.assert_allclose(vw, 18.0 * np.array([1.0, 2.0]) + 1.0)  # both reads of w count
    np.testing.assert_allclose(vh, 2.0 * 3.0 * np.array([1.0, 2.0]))
    (via_read,) = tf.gradients(loss, w.value())
    np.testing.assert_allclose(_run(via_read), vw)
    (around_hidden,) = tf.gradients(loss, w, stop_gradients=[hidden])
    np.testing.assert_allclose(_run(around_hidden), [1.0, 1.0])
    (stopped_at_w,) = tf.gradients(loss, w, stop_gradients=[w])  # w still gets its own
    np.testing.assert_allclose(_run(stopped_at_w), vw)


def test_second_derivatives():
    x = tf.placeholder(tf.float64, [3])
    cases = [(x ** 3, lambda v: 6 * v),
             (tf.exp(2.0 * x), lambda v: 4 * np.exp(2 * v)),
             (tf.log(x), lambda v: -1 / v ** 2),
             (tf.square(x) * x, lambda v: 6 * v),
             (x / (1.0 + x), lambda v: -2 / (1 + v) ** 3)]
    value = np.array([0.5, 1.0, 2.0])
    for y, second in cases:
        (first,) = tf.gradients(y, x)
        (hessian_diag,) = tf.gradients(first, x)
        assert hessian_diag.name.startswith("gradients_")
        np.testing.assert_allclose(_run(hessian_diag, {x: value}), second(value), rtol=1e-10)


def test_hessian_of_a_quadratic_form():
    a = np.array([[2.0, 1.0, 0.0], [0.5, 3.0, -1.0], [0.0, 4.0, 1.0]])
    x = tf.placeholder(tf.float64, [3, 1])
    quad = tf.matmul(tf.matmul(x, tf.constant(a), transpose_a=True), x)  # x^T A x
    (grad,) = tf.gradients(quad, x)
    rows = [tf.gradients(tf.reduce_sum(grad * tf.constant(np.eye(3)[:, i:i + 1])), x)[0]
            for i in range(3)]
    v = np.array([[1.0], [-2.0], [0.5]])
    g_value, *h_rows = _run([grad] + rows, {x: v})
    np.testing.assert_allclose(g_value, (a + a.T) @ v)
    np.testing.assert_allclose(np.hstack(h_rows).T, a + a.T)
