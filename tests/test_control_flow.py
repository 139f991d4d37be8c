"""tf.cond / tf.case (and, below, tf.while_loop): semantics a TF1 user relies on (only the
taken branch runs, side effects exactly when TF1 has them), TF's errors for bad input, and
gradients (second derivatives, random draws kept for the backward pass)."""

import numpy as np
import pytest

import minitf as tf
from minitf.framework.graph_def import library_of


@pytest.fixture
def graph():
    g = tf.Graph()
    with g.as_default():
        yield g


def test_cond_names_and_values(graph):
    x = tf.placeholder(tf.float32, [], name="x")
    p = tf.placeholder(tf.bool, [], name="p")
    r = tf.cond(p, lambda: x * 2., lambda: x + 1.)
    a, b = tf.cond(p, lambda: (x, x * 3), lambda: (x + 1, x))
    assert r.name == "cond/Merge:0" and [a.name, b.name] == ["cond_1/Merge:0", "cond_1/Merge_1:0"]
    with tf.Session() as s:
        assert s.run(r, {x: 3., p: True}) == 6. and s.run(r, {x: 3., p: False}) == 4.
        assert s.run([a, b], {x: 2., p: True}) == [2., 6.]


def test_assign_inside_a_branch_runs_only_when_taken(graph):
    v = tf.Variable(0.)
    p = tf.placeholder(tf.bool, [])
    out = tf.cond(p, lambda: tf.assign_add(v, 1.), lambda: tf.identity(v))
    with tf.Session() as s:
        s.run(v.initializer)
        assert [s.run(out, {p: t}) for t in (True, False, True, False)] == [1., 1., 2., 2.]
        assert s.run(v) == 2.


def test_op_created_outside_runs_regardless_tf1_gotcha(graph):
    v = tf.Variable(0.)
    p = tf.placeholder(tf.bool, [])
    inc = tf.assign_add(v, 1.)  # created outside: an input of the If, so it always runs
    out = tf.cond(p, lambda: inc * 1., lambda: tf.constant(-1.))
    with tf.Session() as s:
        s.run(v.initializer)
        s.run(out, {p: False})
        s.run(out, {p: False})
        assert s.run(v) == 2.


def test_group_inside_branches_and_uninitialized_assign(graph):
    v = tf.Variable(5.)
    w = tf.Variable(0.)
    p = tf.placeholder(tf.bool, [])
    op = tf.cond(p, lambda: tf.group(tf.assign(v, 1.), tf.assign_add(w, 2.)), lambda: tf.no_op())
    assert op.dtype == tf.bool  # TF1 turns a branch's op into a tensor that waits for it
    with tf.Session() as s:
        s.run(w.initializer)
        s.run(op, {p: True})  # v assigned without ever being initialized, as in TF1
        assert s.run([v, w]) == [1., 2.]
        s.run(op, {p: False})
        assert s.run([v, w]) == [1., 2.]


def test_control_dependency_inside_a_branch_on_an_outer_op(graph):
    v = tf.Variable(0.)
    inc = tf.assign_add(v, 1.)
    p = tf.placeholder(tf.bool, [])

    def branch():
        with tf.control_dependencies([inc]):
            return tf.constant(1.)
    out = tf.cond(p, branch, lambda: tf.constant(0.))
    with tf.Session() as s:
        s.run(v.initializer)
        s.run(out, {p: False})
        assert s.run(v) == 1.  # the If waits for it, so it runs whichever branch is taken


def test_nested_cond_and_variable_created_in_a_branch(graph):
    x = tf.placeholder(tf.float32, [])
    p = tf.placeholder(tf.bool, [])
    q = tf.placeholder(tf.bool, [])

    def outer():
        w = tf.Variable(3., name="w")  # lifted out of the branch, as TF1's init_scope does
        return tf.cond(q, lambda: x * w, lambda: x - w)
    r = tf.cond(p, outer, lambda: x)
    assert [v.name for v in tf.global_variables()] == ["cond/w:0"]
    dr = tf.gradients(r, x)[0]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run([r, dr], {x: 2., p: True, q: True}) == [6., 3.]
        assert s.run([r, dr], {x: 2., p: True, q: False}) == [-1., 1.]
        assert s.run([r, dr], {x: 2., p: False, q: True}) == [2., 1.]


def test_second_derivative_through_cond(graph):
    x = tf.placeholder(tf.float64, [])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: x ** 3, lambda: tf.sin(x))
    dy = tf.gradients(y, x)[0]
    d2y = tf.gradients(dy, x)[0]
    with tf.Session() as s:
        np.testing.assert_allclose(s.run([dy, d2y], {x: 2., p: True}), [12., 12.])
        np.testing.assert_allclose(s.run([dy, d2y], {x: 2., p: False}), [np.cos(2.), -np.sin(2.)])


def test_dropout_in_a_branch_gradient_uses_the_same_mask(graph):
    x = tf.placeholder(tf.float32, [1000])
    training = tf.placeholder(tf.bool, [])
    y = tf.cond(training, lambda: tf.nn.dropout(x, keep_prob=0.5, seed=1), lambda: x)
    dx = tf.gradients(tf.reduce_sum(y * 3.), x)[0]
    with tf.Session() as s:
        xv = np.ones(1000, np.float32)
        yv, dxv = s.run([y, dx], {x: xv, training: True})
        np.testing.assert_allclose(dxv, np.where(yv > 0, 6., 0.))  # the kept mask, not a redraw
        assert 300 < (yv > 0).sum() < 700
        np.testing.assert_allclose(s.run(dx, {x: xv, training: False}), 3.)


def test_unconnected_and_integer_inputs(graph):
    x = tf.placeholder(tf.float32, [])
    n = tf.placeholder(tf.int32, [])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: x * tf.cast(n, tf.float32), lambda: tf.constant(1.))
    gx, gn = tf.gradients(y, [x, n])
    assert gn is None
    with tf.Session() as s:
        assert s.run(gx, {x: 1., n: 4, p: True}) == 4.
        assert s.run(gx, {x: 1., n: 4, p: False}) == 0.


def test_strict_and_singletons(graph):
    x = tf.constant(1.)
    assert isinstance(tf.cond(True, lambda: [x], lambda: [x]), tf.Tensor)
    assert isinstance(tf.cond(True, lambda: [x], lambda: [x], strict=True), list)


def test_case(graph):
    x = tf.placeholder(tf.int32, [])
    r = tf.case({x < 0: lambda: tf.constant(-1), x > 0: lambda: tf.constant(1)},
                default=lambda: tf.constant(0))
    with tf.Session() as s:
        assert [s.run(r, {x: v}) for v in (-5, 0, 7)] == [-1, 0, 1]


@pytest.mark.parametrize("pred, error, text", [
    (lambda: tf.constant(1.), TypeError, "type float32 that does not match expected type of bool"),
    (lambda: tf.constant([True, False]), ValueError, "Shape must be rank 0 but is rank 1"),
])
def test_bad_predicate(graph, pred, error, text):
    with pytest.raises(error, match=text):
        tf.cond(pred(), lambda: tf.constant(1.), lambda: tf.constant(2.))


def test_branches_must_agree(graph):
    x = tf.constant(1.)
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tf.cond(True, lambda: x, lambda: (x, x))
    with pytest.raises(ValueError, match="Received float32 from 'true_fn' and int32 from 'false_fn'"):
        tf.cond(True, lambda: x, lambda: tf.constant(1))


def test_error_inside_a_branch_names_the_inner_op(graph):
    x = tf.placeholder(tf.float32, [None])
    y = tf.cond(tf.constant(True), lambda: tf.reshape(x, [2, 2]), lambda: tf.reshape(x, [4, 1]))
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="cond/Reshape"):
            s.run(y, {x: [1., 2., 3.]})
        assert s.run(y, {x: [1., 2., 3., 4.]}).shape == (2, 2)  # the session still works


def test_graph_def_saver_and_meta_graph_import(graph, tmp_path):
    x = tf.placeholder(tf.float32, [], name="x")
    v = tf.Variable(2., name="v")
    p = tf.placeholder(tf.bool, [], name="p")
    r = tf.cond(p, lambda: x * v, lambda: x + 1.)
    graph_def = graph.as_graph_def()
    nodes = {n.name: n for n in graph_def.node}
    # TF's functional form: a StatelessIf whose branches are library functions
    assert nodes["cond/If"].op == "StatelessIf"
    assert list(nodes["cond/If"].input) == ["p", "x", "v/read"]
    assert "cond/mul" not in nodes
    library = {f.signature.name: f for f in library_of(graph_def).function}
    then = library[nodes["cond/If"].attr["then_branch"].func.name]
    assert [n.op for n in then.node_def] == ["Mul"]
    assert list(then.node_def[0].input) == ["arg0", "arg1"]
    saver = tf.train.Saver()
    with tf.Session() as s:
        s.run(v.initializer)
        path = saver.save(s, str(tmp_path / "m"))
    with tf.Graph().as_default():
        restorer = tf.train.import_meta_graph(path + ".meta")
        with tf.Session() as s:
            restorer.restore(s, path)
            assert s.run("cond/Merge:0", {"x:0": 3., "p:0": True}) == 6.
            assert s.run("cond/Merge:0", {"x:0": 3., "p:0": False}) == 4.


def _train_graph():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.linspace(-1., 1., 6).reshape(3, 2).astype(np.float32), name="w")
    h = tf.matmul(x, w)
    h = tf.cond(tf.reduce_sum(h) > 0., lambda: tf.nn.dropout(h, 0.5, seed=3) * 2.,
                lambda: h - w[0])
    _, acc = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.tanh(a * w[1] + h)),
                           [0, h])
    ys = tf.scan(lambda a, e: a + e, tf.transpose(acc))
    loss = tf.reduce_mean(tf.square(acc)) + tf.reduce_sum(ys)
    tf.identity(loss, name="loss")
    tf.train.AdamOptimizer(0.05).minimize(loss, name="train")


def test_meta_graph_with_cond_and_while_trains_the_same_after_import(tmp_path):
    feeds = [np.random.RandomState(i).randn(4, 3).astype(np.float32) for i in range(3)]
    feeds[1] = -np.abs(feeds[1]) * 3  # the other branch
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        _train_graph()
        saver = tf.train.Saver()
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            path = saver.save(s, str(tmp_path / "m"))
            expected = [s.run(["loss:0", "train"], {"x:0": f})[0] for f in feeds]
            w_expected = s.run("w:0")
    with tf.Graph().as_default() as g2:
        restorer = tf.train.import_meta_graph(path + ".meta")
        assert {"StatelessIf", "If", "While", "WhileGrad"} & {op.type for op in
                                                              g2.get_operations()}
        with tf.Session() as s:
            restorer.restore(s, path)
            got = [s.run(["loss:0", "train"], {"x:0": f})[0] for f in feeds]
            np.testing.assert_allclose(got, expected, rtol=1e-5)
            np.testing.assert_allclose(s.run("w:0"), w_expected, rtol=1e-5)
        # a new gradient through the imported cond and while loop
        x = g2.get_tensor_by_name("x:0")
        dw = tf.gradients(g2.get_tensor_by_name("loss:0"), g2.get_tensor_by_name("w:0"))[0]
        with tf.Session() as s:
            restorer.restore(s, path)
            assert np.all(np.isfinite(s.run(dw, {x: feeds[0]})))


def test_graph_def_import_refuses_file_writes_inside_a_function_and_keeps_the_graph():
    with tf.Graph().as_default() as g:
        p = tf.placeholder(tf.bool, [], name="p")
        x = tf.constant(1.)

        def branch():
            with tf.control_dependencies([tf.print("hi", output_stream="file:///tmp/evil")]):
                return x + 1.
        tf.cond(p, branch, lambda: x)
        graph_def = g.as_graph_def()
    with tf.Graph().as_default() as g2:
        with pytest.raises(tf.errors.PermissionDeniedError, match="evil"):
            tf.import_graph_def(graph_def)
        assert not g2.get_operations()
        tf.import_graph_def(graph_def, allow_file_writes=True)
        assert g2.get_operations()
    broken = type(graph_def)()
    broken.CopyFrom(graph_def)
    for node in broken.node:
        if node.op in ("If", "StatelessIf"):
            node.attr["then_branch"].func.name = "missing"
    with tf.Graph().as_default() as g3:
        with pytest.raises(ValueError, match="'missing' is not in the GraphDef's function"):
            tf.import_graph_def(broken, allow_file_writes=True)
        assert not g3.get_operations()


# -- tf.while_loop ---------------------------------------------------------------------------------

def test_while_collatz_and_names(graph):
    n0 = tf.placeholder(tf.int32, [], name="n0")

    def body(n, steps):
        return tf.cond(tf.equal(n % 2, 0), lambda: n // 2, lambda: 3 * n + 1), steps + 1
    n, steps = tf.while_loop(lambda n, steps: n > 1, body, [n0, tf.constant(0)])
    assert [n.name, steps.name] == ["while/Exit:0", "while/Exit_1:0"]

    def collatz(k):
        s = 0
        while k > 1:
            k, s = (k // 2 if k % 2 == 0 else 3 * k + 1), s + 1
        return s
    with tf.Session() as s:
        for k in (1, 6, 27, 97):
            assert s.run(steps, {n0: k}) == collatz(k)


def test_while_nested_structures_and_maximum_iterations(graph):
    State = __import__("collections").namedtuple("State", "i acc")
    out = tf.while_loop(lambda s, d: s.i < 100,
                        lambda s, d: (State(s.i + 1, s.acc + d["x"]), {"x": d["x"] * 2.}),
                        [State(tf.constant(0), tf.constant(0.)), {"x": tf.constant(1.)}],
                        maximum_iterations=5)
    assert isinstance(out[0], State) and set(out[1]) == {"x"}
    single = tf.while_loop(lambda i: True, lambda i: i + 2, [tf.constant(0)], maximum_iterations=4)
    same = tf.while_loop(lambda i: i < 3, lambda i: [i + 1], [tf.constant(0)],
                         return_same_structure=True)
    with tf.Session() as s:
        st, d = s.run(out)
        assert (st.i, st.acc, d["x"]) == (5, 31., 32.)
        assert s.run(single) == 8 and s.run(same) == [3]


def test_nested_loops_sum_of_products(graph):
    n = tf.placeholder(tf.int32, [])

    def outer(i, total):
        inner = tf.while_loop(lambda j, t: j < i, lambda j, t: (j + 1, t + i * j),
                              [tf.constant(0), tf.constant(0)])[1]
        return i + 1, total + inner
    _, total = tf.while_loop(lambda i, t: i < n, outer, [tf.constant(0), tf.constant(0)])
    with tf.Session() as s:
        assert s.run(total, {n: 7}) == sum(i * j for i in range(7) for j in range(i))


def test_assign_add_inside_the_body_runs_once_per_iteration(graph):
    v = tf.Variable(0)
    with tf.control_dependencies(None):
        out = tf.while_loop(lambda i: i < 4,
                            lambda i: tf.cond(tf.equal(i % 2, 0),
                                              lambda: i + 1 + 0 * tf.assign_add(v, 10),
                                              lambda: i + 1), [tf.constant(0)])
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(out) == 4 and s.run(v) == 20  # taken on i = 0 and 2 only


def test_shape_invariants(graph):
    v0 = tf.constant([1.])
    with pytest.raises(ValueError, match=r"Input tensor 'Const:0' enters the loop with shape "
                       r"\(1,\), but has shape \(2,\) after one iteration. To allow the shape"):
        tf.while_loop(lambda v: tf.reduce_sum(v) < 10, lambda v: tf.concat([v, v], 0), [v0])
    with pytest.raises(ValueError, match="not compatible with the initial shape"):
        tf.while_loop(lambda v: True, lambda v: v, [v0], shape_invariants=[tf.TensorShape([2])])
    r = tf.while_loop(lambda v: tf.reduce_sum(v) < 10, lambda v: tf.concat([v, v], 0), [v0],
                      shape_invariants=[tf.TensorShape([None])])
    assert r.shape.as_list() == [None]
    with tf.Session() as s:
        assert s.run(r).tolist() == [1.] * 16


def test_while_bad_input(graph):
    x = tf.constant(1.)
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tf.while_loop(lambda v: v < 10, lambda v: (v, v), [x])
    with pytest.raises(TypeError, match="enters the loop with type float32, but has type int32"):
        tf.while_loop(lambda v: v < 10, lambda v: tf.cast(v, tf.int32), [x])
    with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
        tf.while_loop(lambda v: tf.constant([True]), lambda v: v, [x])
    with pytest.raises(TypeError, match="cond must be callable"):
        tf.while_loop(None, lambda v: v, [x])


def test_ctrl_c_interrupts_a_loop_that_never_ends_and_the_session_survives(graph):
    import _thread
    import threading
    v = tf.Variable(1.)
    forever = tf.while_loop(lambda i: i >= 0, lambda i: i + 1, [tf.constant(0)])
    with tf.Session() as s:
        s.run(v.initializer)
        timer = threading.Timer(0.3, _thread.interrupt_main)
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            s.run(forever)
        timer.join()
        assert s.run(v * 2.) == 2.


def test_while_gradients_fixed_and_data_dependent_trip_counts(graph):
    x = tf.placeholder(tf.float64, [3])
    w = tf.placeholder(tf.float64, [3, 3])
    n = tf.placeholder(tf.int32, [])
    # h <- tanh(h @ w + x), n times; then the loop over a data-dependent count: double h
    # until its norm exceeds 10.
    _, h = tf.while_loop(lambda i, h: i < n, lambda i, h: (i + 1, tf.tanh(
        tf.reshape(tf.matmul(tf.reshape(h, [1, 3]), w), [3]) + x)), [tf.constant(0), x])
    _, g = tf.while_loop(lambda k, g: tf.reduce_sum(g * g) < 100., lambda k, g: (k + 1, g * 2.),
                         [tf.constant(0), h + 0.1])
    loss = tf.reduce_sum(g * g * tf.sin(x))
    dx, dw = tf.gradients(loss, [x, w])
    rng = np.random.default_rng(0)
    xv, wv = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, (3, 3))

    def f(xv, wv, nv):
        h = xv
        for _ in range(nv):
            h = np.tanh(h @ wv + xv)
        g = h + 0.1
        while (g * g).sum() < 100:
            g = g * 2
        return (g * g * np.sin(xv)).sum()
    with tf.Session() as s:
        for nv in (0, 1, 4):
            gx, gw = s.run([dx, dw], {x: xv, w: wv, n: nv})
            eps = 1e-6
            num_x = [(f(xv + eps * e, wv, nv) - f(xv - eps * e, wv, nv)) / (2 * eps) for e in np.eye(3)]
            num_w = [(f(xv, wv + eps * e.reshape(3, 3), nv) - f(xv, wv - eps * e.reshape(3, 3), nv))
                     / (2 * eps) for e in np.eye(9)]
            np.testing.assert_allclose(gx, num_x, rtol=1e-5, atol=1e-7)
            np.testing.assert_allclose(gw.reshape(-1), num_w, rtol=1e-5, atol=1e-7)


def test_while_gradient_with_dropout_in_the_body_keeps_each_iterations_mask(graph):
    x = tf.placeholder(tf.float32, [500])
    _, y = tf.while_loop(lambda i, h: i < 3,
                         lambda i, h: (i + 1, tf.nn.dropout(h, keep_prob=0.5, seed=3) * 0.5),
                         [tf.constant(0), x])
    dx = tf.gradients(tf.reduce_sum(y), x)[0]
    with tf.Session() as s:
        yv, dxv = s.run([y, dx], {x: np.ones(500, np.float32)})
        np.testing.assert_allclose(dxv, yv)  # y = x * (the product of the 3 masks): linear
        assert 0 < (yv > 0).sum() < 200


def test_back_prop_false_gives_no_gradient(graph):
    x = tf.placeholder(tf.float32, [])
    y = tf.while_loop(lambda v: v < 10., lambda v: v * 2., [x], back_prop=False)
    assert tf.gradients(y, x) == [None]


def test_case_exclusive_fails_when_two_predicates_hold(graph):
    x = tf.placeholder(tf.int32, [])
    r = tf.case([(x > 0, lambda: tf.constant(1)), (x > 1, lambda: tf.constant(2))],
                default=lambda: tf.constant(0), exclusive=True)
    last = tf.case([(x > 0, lambda: tf.constant(1)), (x > 1, lambda: tf.constant(2))])
    with tf.Session() as s:
        assert s.run(r, {x: 1}) == 1 and s.run(r, {x: 0}) == 0
        assert s.run(last, {x: 0}) == 2  # no default: the last pair's fn, as in TF1
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"exclusive=True: more than 1 conditions \(Greater:0, "
                                 r"Greater_1:0\) evaluated as True"):
            s.run(r, {x: 5})


def test_rnn_style_training_through_a_while_loop_with_variables_created_in_the_body(graph):
    x = tf.placeholder(tf.float32, [5, 2, 3])

    def body(t, h):
        with tf.variable_scope("cell", reuse=tf.AUTO_REUSE):
            h = tf.layers.dense(tf.concat([tf.gather(x, t), h], 1), 4, activation=tf.tanh,
                                name="dense")
        return t + 1, h
    _, h = tf.while_loop(lambda t, h: t < 5, body, [tf.constant(0), tf.zeros([2, 4])])
    assert [v.name for v in tf.global_variables()] == ["cell/dense/kernel:0", "cell/dense/bias:0"]
    loss = tf.reduce_sum(h * h)
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    xv = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        losses = [s.run([loss, train], {x: xv})[0] for _ in range(20)]
    assert losses[-1] < 0.5 * losses[0]


def test_gradient_of_a_while_loop_inside_a_cond(graph):
    x = tf.placeholder(tf.float64, [2])
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.sin(a) * x),
                                         [0, x])[1], lambda: x * x)
    g = tf.gradients(tf.reduce_sum(y), x)[0]

    def f(xv, pv):
        if not pv:
            return (xv * xv).sum()
        a = xv
        for _ in range(3):
            a = np.sin(a) * xv
        return a.sum()
    xv = np.array([0.3, -0.7])
    with tf.Session() as s:
        for pv in (True, False):
            num = [(f(xv + 1e-6 * e, pv) - f(xv - 1e-6 * e, pv)) / 2e-6 for e in np.eye(2)]
            np.testing.assert_allclose(s.run(g, {x: xv, p: pv}), num, rtol=1e-6)


def _rnn_loop(x, w):
    """h <- tanh(x[i] @ w + h) over the rows of the captured [T, 1, 3] sequence x."""
    _, h = tf.while_loop(lambda i, h: i < 4,
                         lambda i, h: (i + 1, tf.tanh(tf.matmul(tf.gather(x, i), w) + h)),
                         [tf.constant(0), tf.zeros([1, 3], tf.float64)])
    return h


def test_while_gradient_builds_only_the_requested_captured_gradients(graph):
    x = tf.placeholder(tf.float64, [4, 1, 3])
    w = tf.placeholder(tf.float64, [3, 3])
    loss = tf.reduce_sum(_rnn_loop(x, w) ** 2)
    dw_only = tf.gradients(loss, w)[0]
    dx, dw = tf.gradients(loss, [x, w])
    grad_ops = [op for op in graph.get_operations() if op.type == "WhileGrad"]
    assert len(grad_ops) == 2
    # wrt indexes the While's inputs (i, h, then the captured x, w): x's gradient (every
    # iteration a scatter into [4, 1, 3]) is built only when x is among the xs
    captured = {op.opdef.wrt for op in grad_ops}
    assert captured == {(1, 3), (1, 2, 3)}, captured
    rng = np.random.default_rng(1)
    xv, wv = rng.uniform(-1, 1, (4, 1, 3)), rng.uniform(-1, 1, (3, 3))

    def f(xv, wv):
        h = np.zeros((1, 3))
        for i in range(4):
            h = np.tanh(xv[i] @ wv + h)
        return (h ** 2).sum()
    eps = 1e-6
    num_w = [(f(xv, wv + eps * e.reshape(3, 3)) - f(xv, wv - eps * e.reshape(3, 3))) / (2 * eps)
             for e in np.eye(9)]
    num_x = [(f(xv + eps * e.reshape(4, 1, 3), wv) - f(xv - eps * e.reshape(4, 1, 3), wv))
             / (2 * eps) for e in np.eye(12)]
    with tf.Session() as s:
        g1, gx, gw = s.run([dw_only, tf.convert_to_tensor(dx), dw], {x: xv, w: wv})
    np.testing.assert_allclose(g1.reshape(-1), num_w, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gw, g1, rtol=1e-12)
    np.testing.assert_allclose(gx.reshape(-1), num_x, rtol=1e-6, atol=1e-9)


def test_while_gradient_keeps_the_forward_values_instead_of_recomputing_them(graph):
    from minitf.ops.control_flow_ops import _reached
    x = tf.placeholder(tf.float64, [4, 1, 3])
    w = tf.placeholder(tf.float64, [3, 3])
    dw = tf.gradients(tf.reduce_sum(_rnn_loop(x, w)), w)[0]
    (grad_op,) = [op for op in graph.get_operations() if op.type == "WhileGrad"]
    fn = grad_op.opdef.body_grad
    ops, _ = _reached(fn.outputs, set(fn.args) | set(fn.residuals))
    # the backward body runs the matmuls of the gradient only, no forward MatMul / Tanh again
    forward = [op for op in ops if op.type in ("MatMul", "Tanh") and "_grad" not in op.name]
    assert forward == [] and fn.residuals
    # and only dw's: the gradient of the gathered x row is pruned as x was not asked for
    assert [op.type for op in ops if op.type == "MatMul"] == ["MatMul"]
    with tf.Session() as s:
        assert s.run(dw, {x: np.ones((4, 1, 3)), w: np.eye(3) * 0.1}).shape == (3, 3)


def test_graph_def_written_by_tf_with_control_flow_v2_imports_and_runs():
    # recorded by tests/record_tf_control_flow_graph.py (TF 2.21 compat.v1, control flow v2)
    import json
    import os
    from tensorboardX.proto.graph_pb2 import GraphDef
    here = os.path.join(os.path.dirname(__file__), "data")
    with open(os.path.join(here, "tf_control_flow_v2.pb"), "rb") as f:
        graph_def = GraphDef.FromString(f.read())
    with open(os.path.join(here, "tf_control_flow_v2.json")) as f:
        recorded = json.load(f)
    assert {"StatelessIf", "StatelessWhile"} <= set(recorded["ops"])
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph_def, name="")
        assert {"If", "While"} <= {op.type for op in g.get_operations()}
        with tf.Session() as s:
            for feed, out in zip(recorded["feeds"], recorded["out"]):
                np.testing.assert_allclose(s.run("out:0", {"x:0": feed}), out, rtol=1e-6)


def test_function_bodies_name_outputs_as_tf_does(graph):
    # TF resolves 'node:<output arg>:<index>' with its own arg names (Less's is 'z'); a graph
    # exported so imports into TF 2.21 and gives minitf's values (checked by hand, see
    # docs/control_flow.md)
    i = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)])
    library = {f.signature.name: f for f in library_of(graph.as_graph_def()).function}
    while_node = [n for n in graph.as_graph_def().node if n.op == "StatelessWhile"][0]
    cond = library[while_node.attr["cond"].func.name]
    body = library[while_node.attr["body"].func.name]
    assert list(cond.ret.values()) == ["while/Less:z:0"]
    assert list(body.ret.values()) == ["while/add:z:0"]
    with tf.Session() as s:
        assert s.run(i) == 3


def test_scoped_meta_graph_export_keeps_the_function_library(tmp_path):
    with tf.Graph().as_default():
        with tf.name_scope("net"):
            x = tf.placeholder(tf.float32, [], name="x")
            tf.cond(x > 0., lambda: x * 2., lambda: x - 1., name="c")
        meta = tf.train.export_meta_graph(str(tmp_path / "m.meta"), export_scope="net")
    assert library_of(meta.graph_def).function
    with tf.Graph().as_default():
        tf.train.import_meta_graph(str(tmp_path / "m.meta"))
        with tf.Session() as s:
            assert s.run("c/Merge:0", {"x:0": 3.}) == 6.
            assert s.run("c/Merge:0", {"x:0": -3.}) == -4.


def test_a_branch_may_return_an_outer_tensor_unchanged():
    # The captured placeholder is the branch's output: it must be passed in as data, not
    # treated as a variable reference nobody reads (which asked for a feed of 'cond/then/capture').
    x, y = tf.constant(1.0), tf.constant(2.0)
    p = tf.placeholder(tf.bool, [])
    r = tf.cond(p, lambda: x, lambda: y * 3)
    v = tf.Variable(5.0)
    r2 = tf.cond(p, lambda: v, lambda: v + 1)
    _, last = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, x), [0, 0.0])
    dx, dy = tf.gradients(r, [x, y])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run([r, r2, dx, dy], {p: True}) == [1.0, 5.0, 1.0, 0.0]
        assert sess.run([r, r2, dx, dy], {p: False}) == [6.0, 6.0, 0.0, 3.0]
        assert sess.run(last) == 1.0


@pytest.mark.parametrize("fold", [tf.map_fn, tf.scan, tf.foldl, tf.foldr])
def test_a_fold_of_something_not_callable_says_so(fold):
    with pytest.raises(TypeError, match=r"%s: fn must be callable, got 3" % fold.__name__):
        fold(3, tf.constant([1.0, 2.0]))


# -- loops and the buffer pool ---------------------------------------------------------------------

def _lstm_steps(steps=3):
    """Losses and weights of `steps` training steps of an LSTM whose [8, 1024] arrays are large
    enough for a loop body to draw them from the session's buffer pool."""
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(3)
        x = tf.constant(np.random.default_rng(0).standard_normal((8, 5, 16)).astype(np.float32))
        outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(1024), x,
                                       sequence_length=[5, 3, 5, 1, 4, 5, 2, 5], dtype=tf.float32)
        loss = tf.reduce_mean(tf.square(outputs))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        # one BLAS thread: the automatic count follows the machine's load, and a product's
        # float32 result depends on it (docs/performance.md), which is not what this compares
        sess = tf.Session(graph=g, config=tf.ConfigProto(intra_op_parallelism_threads=1))
        sess.run(tf.global_variables_initializer())
        losses = [sess.run([train, loss])[1] for _ in range(steps)]
        pooled = {key: len(arrays) for key, arrays in sess._state.buffers._free.items()}
        weights = sess.run(tf.trainable_variables())
    return losses, weights, pooled


@pytest.mark.numpy_engine
def test_loop_bodies_draw_from_the_pool_and_results_stay_the_same(monkeypatch):
    from minitf.client import plan
    losses, weights, pooled = _lstm_steps()
    assert pooled.get(((8, 1024), np.dtype(np.float32))), pooled
    monkeypatch.setattr(plan, "NESTED_POOL_MIN_ELEMENTS", 1 << 40)  # as before: only 1M and up
    want_losses, want_weights, unpooled = _lstm_steps()
    assert ((8, 1024), np.dtype(np.float32)) not in unpooled
    assert losses == want_losses
    for w, want in zip(weights, want_weights):
        np.testing.assert_array_equal(w, want)


@pytest.mark.numpy_engine
def test_a_forward_loop_over_pooled_arrays_repeats_its_results(graph):
    h0 = np.random.default_rng(1).standard_normal(10000).astype(np.float32)
    _, h = tf.while_loop(lambda i, h: i < 6, lambda i, h: (i + 1, tf.tanh(h) * 0.5 + h),
                         [tf.constant(0), tf.constant(h0)])
    want = h0
    for _ in range(6):
        want = np.tanh(want) * np.float32(0.5) + want
    with tf.Session() as sess:
        for _ in range(3):  # (runs after the first draw spent arrays from the pool)
            np.testing.assert_array_equal(sess.run(h), want)


def test_error_inside_a_loop_body_names_the_inner_op_and_the_session_goes_on(graph):
    table = tf.constant(np.arange(5, dtype=np.float32))
    _, total = tf.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + tf.gather(table, i)),
                             [tf.constant(0), tf.constant(0.0)])
    _, ok = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + tf.gather(table, i)),
                          [tf.constant(0), tf.constant(0.0)])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"indices\[\] = 5 is not in \[0, 5\).*'while/GatherV2'"):
            sess.run(total)
        assert sess.run(ok) == 10.0


def test_cond_gradient_keeps_the_forward_values_instead_of_recomputing_them(graph):
    # As TF's cond_v2: what the gradient reads (a fused batch norm's reserve spaces) is output
    # by the forward If, so the gradient branch does not run the branch's forward ops again.
    from minitf.ops.control_flow_ops import _reached
    x = tf.placeholder(tf.float32, [2, 3, 3, 2])
    training = tf.placeholder(tf.bool, [])
    gamma = tf.constant([1.0, 2.0])
    beta = tf.constant([0.5, 0.0])
    y = tf.cond(training, lambda: tf.nn.fused_batch_norm(x, gamma, beta)[0],
                lambda: x * 2.0)
    dx = tf.gradients(tf.reduce_sum(y * y), x)[0]
    (grad_op,) = [op for op in graph.get_operations()
                  if op.type == "If" and op.opdef.token_input]
    fn = grad_op.opdef.then_branch
    ops, _ = _reached(fn.outputs, set(fn.args) | set(fn.residuals))
    types = [op.type for op in ops]
    assert "FusedBatchNormGradV3" in types and "FusedBatchNormV3" not in types
    xv = np.random.default_rng(0).standard_normal((2, 3, 3, 2)).astype(np.float32)
    with tf.Session() as s:
        got = s.run(dx, {x: xv, training: True})
        want = s.run(tf.gradients(tf.reduce_sum(tf.square(
            tf.nn.fused_batch_norm(x, gamma, beta)[0])), x)[0], {x: xv})
        np.testing.assert_array_equal(got, want)
        np.testing.assert_allclose(s.run(dx, {x: xv, training: False}), 8 * xv, rtol=1e-6)
