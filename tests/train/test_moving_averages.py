"""tf.train.ExponentialMovingAverage against TF: the values, names and collections recorded once
with TensorFlow 2.21's tf.compat.v1 in graph mode (reference variables) running these same
programs; the CIFAR-10 tutorial's pattern (averages updated after each step, evaluation
restoring them through variables_to_restore)."""

import numpy as np
import pytest

import minitf as tf


def _program():
    w = tf.Variable([1.0, 2.0], name="w")
    with tf.variable_scope("s"):
        b = tf.Variable(3.0, name="b")
    loss = tf.reduce_sum(w * w) + b
    gs = tf.train.get_or_create_global_step()
    ema = tf.train.ExponentialMovingAverage(0.9, num_updates=gs)
    return w, b, loss, gs, ema, ema.apply([w, b, loss])


def test_averages_follow_tfs_values_bit_for_bit(fresh_graph):
    w, b, loss, gs, ema, op = _program()
    step, inc = tf.assign(w, w * 0.5), tf.assign_add(gs, 1)
    averages = [ema.average(v) for v in (w, b, loss)]
    got = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(averages)  # a variable's average starts at its initial value
        for _ in range(3):
            sess.run(op)
            sess.run([step, inc])
            got.append(sess.run(averages))
    assert [a.tolist() for a in first] == [[1.0, 2.0], 3.0, 0.0]
    # recorded from TF (the decay is min(0.9, (1 + step) / (10 + step)))
    want = [[[1.0, 2.0], 3.0, 7.199999809265137],
            [[0.5909091234207153, 1.1818182468414307], 3.0, 4.78636360168457],
            [[0.33522728085517883, 0.6704545617103577], 3.0, 3.6809659004211426]]
    for g, row in zip(got, want):
        for a, v in zip(g, row):
            assert a.dtype == np.float32
            np.testing.assert_array_equal(a, np.float32(v))


def test_names_collections_and_ops_are_tfs(fresh_graph):
    w, b, loss, gs, ema, op = _program()
    assert (op.name, op.type) == ("ExponentialMovingAverage", "NoOp")
    assert [ema.average(v).name for v in (w, b, loss)] == [
        "w/ExponentialMovingAverage:0", "s/b/ExponentialMovingAverage:0",
        "add/ExponentialMovingAverage:0"]
    assert [ema.average_name(v) for v in (w, b, loss)] == [
        "w/ExponentialMovingAverage", "s/b/ExponentialMovingAverage",
        "add/ExponentialMovingAverage"]
    assert [v.name for v in tf.global_variables()] == [
        "w:0", "s/b:0", "global_step:0", "w/ExponentialMovingAverage:0",
        "s/b/ExponentialMovingAverage:0", "add/ExponentialMovingAverage:0"]
    assert [v.name for v in tf.trainable_variables()] == ["w:0", "s/b:0"]
    assert [v.name for v in tf.moving_average_variables()] == ["w:0", "s/b:0"]
    names = [o.name for o in fresh_graph.get_operations()
             if o.name.startswith("ExponentialMovingAverage")]
    assert names == [
        "ExponentialMovingAverage/decay", "ExponentialMovingAverage/num_updates",
        "ExponentialMovingAverage/add/x", "ExponentialMovingAverage/add",
        "ExponentialMovingAverage/add_1/x", "ExponentialMovingAverage/add_1",
        "ExponentialMovingAverage/truediv", "ExponentialMovingAverage/Minimum"] + [
        "ExponentialMovingAverage/AssignMovingAvg%s/%s" % (k, n) if n else
        "ExponentialMovingAverage/AssignMovingAvg%s" % k
        for k in ("", "_1", "_2") for n in ("sub/x", "sub", "sub_1", "mul", "")] + [
        "ExponentialMovingAverage"]
    assert sorted(ema.variables_to_restore()) == [
        "add/ExponentialMovingAverage", "global_step", "s/b/ExponentialMovingAverage",
        "w/ExponentialMovingAverage"]
    assert ema.average(tf.constant(1.0)) is None and ema.name == "ExponentialMovingAverage"


def test_zero_debiased_average_of_a_tensor(fresh_graph):
    x = tf.placeholder(tf.float32, [2])
    ema = tf.train.ExponentialMovingAverage(0.8, zero_debias=True, name="avg")
    op = ema.apply([x])
    assert [v.name for v in tf.global_variables()] == [
        "Placeholder/avg:0", "Placeholder/avg/biased:0", "Placeholder/avg/local_step:0"]
    got = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for v in ([1.0, 2.0], [3.0, -1.0], [0.5, 0.5]):
            sess.run(op, {x: v})
            got.append(sess.run(ema.average(x)))
    want = [[1.0, 2.0], [2.1111111640930176, 0.33333340287208557],
            [1.4508196115493774, 0.4016393721103668]]  # recorded from TF
    for g, v in zip(got, want):
        np.testing.assert_array_equal(g, np.float32(v))


def test_bad_input(fresh_graph):
    with pytest.raises(TypeError, match="must be half, float, or double: i:0"):
        tf.train.ExponentialMovingAverage(0.9).apply([tf.Variable(1, name="i")])
    f = tf.Variable(1.0, name="f")
    ema = tf.train.ExponentialMovingAverage(0.9)
    ema.apply([f])
    with pytest.raises(ValueError, match="already computed for: f:0"):  # as TF 1.x
        ema.apply([f])
    with pytest.raises(ValueError, match="not fully defined"):
        ema.apply([tf.placeholder(tf.float32, [None])])


def test_cifar10_tutorial_pattern_evaluates_with_the_averages(fresh_graph, tmp_path):
    # train: averages updated after each gradient step; evaluate: a Saver built from
    # variables_to_restore() loads the averages into the model's own variables
    rng = np.random.default_rng(0)
    xv = rng.standard_normal((32, 3)).astype(np.float32)
    yv = xv @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(tf.zeros([3, 1]), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - yv))
    gs = tf.train.get_or_create_global_step()
    apply_gradients = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
    ema = tf.train.ExponentialMovingAverage(0.5, gs)
    with tf.control_dependencies([apply_gradients]):
        train = ema.apply(tf.trainable_variables())
    saver = tf.train.Saver()
    # recorded from TF running this program: the average and w after 5 steps (the decay reads
    # the global step after the gradient step incremented it: the ops of apply() are made under
    # the control dependency)
    want_average = np.float32([[0.6384398341178894], [-0.9464613199234009], [0.3724001944065094]])
    want_w = np.float32([[0.6909465789794922], [-1.0452361106872559], [0.4033167064189911]])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(train, {x: xv})
        np.testing.assert_array_equal(sess.run(ema.average(w)), want_average)
        np.testing.assert_array_equal(sess.run(w), want_w)
        path = saver.save(sess, str(tmp_path / "model"))
    restore = tf.train.Saver(ema.variables_to_restore())
    with tf.Session() as sess:
        restore.restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), want_average)
