"""tf.init_scope: the outermost graph, the current name scope and device, no control
dependencies. Every expected name and value here is what TF 2.21's compat.v1 printed for the
same program (run by hand)."""

import minitf as tf


def test_names_devices_and_control_dependencies():
    x = tf.constant(1.0, name="x")
    with tf.name_scope("s"), tf.device("/cpu:0"):
        with tf.control_dependencies([x.op]):
            with tf.init_scope():
                c = tf.constant(2.0, name="c")
            d = tf.constant(4.0, name="d")
    assert (c.name, c.op.control_inputs, c.device) == ("s/c:0", [], "/device:CPU:0")
    assert [op.name for op in d.op.control_inputs] == ["x"]


def test_state_made_in_a_branch_or_a_loop_body_lives_outside_it():
    x = tf.constant(1.0, name="x")
    p = tf.placeholder(tf.bool, [])
    made = []

    def branch():
        with tf.init_scope():
            made.append(tf.constant(3.0, name="lifted"))
        return x + made[-1]

    def body(i):
        with tf.init_scope():
            made.append(tf.Variable(5.0, name="v"))
        return i + made[-1]

    y = tf.cond(p, branch, lambda: x)
    z = tf.while_loop(lambda i: i < 20.0, body, [x])
    graph = tf.get_default_graph()
    assert [m.name for m in made] == ["cond/lifted:0", "while/v:0"]
    assert all(m.graph is graph for m in made)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run([y, z], {p: True}) == [4.0, 21.0]
        assert sess.run(y, {p: False}) == 1.0
