"""tf.contrib.opt's VariableClippingOptimizer, MultitaskOptimizerWrapper,
clip_gradients_by_global_norm and LARSOptimizer (composites of minitf's ops, built as TF 1.15's
contrib builds them): values against numpy, names, and TF's argument checks."""

import logging

import numpy as np
import pytest

import minitf as tf

opt = tf.contrib.opt
W0 = np.array([[3.0, 4.0], [0.3, 0.4], [1.0, -2.0]], np.float32)


def test_variable_clipping_clips_after_the_update():
    with tf.Graph().as_default() as g:
        w = tf.Variable(W0, name="w")
        b = tf.Variable(np.ones(2, np.float32), name="b")
        loss = tf.reduce_sum(w * w) / 2 + tf.reduce_sum(b)
        inner = tf.train.MomentumOptimizer(0.1, 0.5)
        clipping = opt.VariableClippingOptimizer(inner, {w: [1]}, 1.0)
        train = clipping.minimize(loss)
        assert train.name == "VariableClipping"
        assert clipping.get_slot(w, "momentum") is inner.get_slot(w, "momentum")
        assert clipping.get_slot_names() == ["momentum"]
        names = [op.name for op in g.get_operations()]
        assert "VariableClipping/Momentum/update_w/ApplyMomentum" in names
        assert "VariableClipping/clip_w/AssignSub" in names
        assert not any(n.startswith("VariableClipping/clip_b") for n in names)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want, mom = W0.astype(np.float64), np.zeros_like(W0, np.float64)
            for _ in range(2):
                sess.run(train)
                mom = 0.5 * mom + want
                want = want - 0.1 * mom
                norms = np.linalg.norm(want, axis=1, keepdims=True)
                want = want * 1.0 / np.maximum(norms, 1.0)
                np.testing.assert_allclose(sess.run(w), want, rtol=1e-6)
            np.testing.assert_allclose(sess.run(b), 1 - 0.1 - 0.1 * 1.5, rtol=1e-6)


def test_variable_clipping_of_a_sparse_gradient_clips_its_rows(caplog):
    with tf.Graph().as_default():
        w = tf.Variable(W0, name="w")
        loss = tf.reduce_sum(tf.gather(w, [2, 0, 2]))  # row 2 twice: its clip runs twice
        train = opt.VariableClippingOptimizer(tf.train.GradientDescentOptimizer(0.5),
                                              {w: [1]}, 1.0).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            got = sess.run(w)
    stepped = W0.astype(np.float64) - 0.5 * np.array([[1], [0], [2]])
    want = stepped.copy()
    for row in (2, 0, 2):  # (TF's scatter_sub of one delta per index)
        norm = np.linalg.norm(stepped[row])
        want[row] -= stepped[row] - stepped[row] / max(norm, 1.0)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert (got[1] == W0[1]).all()
    with tf.Graph().as_default():  # dimension 0 clipped: the whole variable, with a warning
        w = tf.Variable(W0, name="w")
        with caplog.at_level(logging.WARNING, logger="minitf"):
            opt.VariableClippingOptimizer(tf.train.GradientDescentOptimizer(0.5), {w: [0, 1]},
                                          1.0).minimize(tf.reduce_sum(tf.gather(w, [0])))
        assert "Clipping norm across dims [0, 1] for w is inefficient" in caplog.text


def test_multitask_wrapper_leaves_the_state_of_all_zero_gradients():
    with pytest.raises(TypeError, match="Supplied optimizer must be an instance of "
                                        "tf.train.Optimizer"):
        opt.MultitaskOptimizerWrapper(object())
    with tf.Graph().as_default():
        a = tf.Variable([1.0, 2.0], name="a")
        table = tf.Variable(W0, name="table")
        use_a = tf.placeholder(tf.float32, [])
        use_table = tf.placeholder(tf.float32, [])
        loss = (use_a * tf.reduce_sum(a * a)
                + use_table * tf.reduce_sum(tf.gather(table, [1])))
        wrapped = opt.MultitaskOptimizerWrapper(tf.train.MomentumOptimizer(0.1, 0.9))
        train = wrapped.minimize(loss)
        assert wrapped.get_slot_names() == ["momentum"]  # (the optimizer's own)
        mom_a = wrapped.get_slot(a, "momentum")
        mom_t = wrapped.get_slot(table, "momentum")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {use_a: 1.0, use_table: 1.0})
            before = sess.run([a, mom_a, table, mom_t])
            sess.run(train, {use_a: 0.0, use_table: 0.0})  # both tasks absent: no update
            after = sess.run([a, mom_a, table, mom_t])
            for x, y in zip(before, after):
                assert (x == y).all()
            sess.run(train, {use_a: 1.0, use_table: 0.0})
            got_a, got_mom = sess.run([a, mom_a])
    np.testing.assert_allclose(before[1], [2.0, 4.0])
    want_mom = 0.9 * before[1] + 2 * before[0]
    np.testing.assert_allclose(got_mom, want_mom, rtol=1e-6)
    np.testing.assert_allclose(got_a, before[0] - 0.1 * want_mom, rtol=1e-6)


def test_clip_gradients_by_global_norm_leaves_out_all_zero_gradients():
    with tf.Graph().as_default():
        v = [tf.Variable(np.zeros(2, np.float32)) for _ in range(4)]
        grads = [tf.constant([3.0, 0.0]), tf.zeros([2]), None, tf.constant([0.0, 4.0])]
        clipped, norm = opt.clip_gradients_by_global_norm(list(zip(grads, v)), 2.5)
        assert norm.shape.as_list() == [] and norm.dtype == tf.float32
        assert [p[1] for p in clipped] == v and clipped[2][0] is None
        with tf.Session() as sess:
            got_norm, *got = sess.run([norm] + [clipped[i][0] for i in (0, 1, 3)])
        default, _ = opt.clip_gradients_by_global_norm(list(zip(grads, v)))
        with tf.Session() as sess:  # the default clip norm, 20: no clipping here
            np.testing.assert_allclose(sess.run(default[0][0]), [3.0, 0.0])
    assert got_norm == 5.0
    np.testing.assert_allclose(got, [[1.5, 0.0], [0.0, 0.0], [0.0, 2.0]], rtol=1e-6)


def _lars_in_numpy(w, grads_of, lr, momentum, wd, eeta, eps, steps, skip=False):
    mom = np.zeros_like(w)
    out = []
    for _ in range(steps):
        g = grads_of(w)
        w_norm, g_norm = np.linalg.norm(w), np.linalg.norm(g)
        ratio = (eeta * w_norm / (g_norm + wd * w_norm + eps)
                 if w_norm > 0 and g_norm > 0 else 1.0)
        mom = mom * momentum + g
        w = w - (lr if skip else lr * ratio) * mom
        out.append(w)
    return out


@pytest.mark.parametrize("skip", [False, True])
def test_lars_scales_the_learning_rate_of_each_variable(skip):
    with tf.Graph().as_default() as g:
        w = tf.Variable(W0, name="w")
        loss = tf.reduce_sum(w * w * w) / 3
        optimizer = opt.LARSOptimizer(0.5, momentum=0.8, weight_decay=0.01, eeta=0.2,
                                      epsilon=1e-3, skip_list=["w:"] if skip else None)
        train = optimizer.minimize(loss)
        assert optimizer.get_slot(w, "momentum").op.name == "w/LARSOptimizer"
        assert g.get_operation_by_name("LARSOptimizer/update_w/ApplyMomentum").type == \
            "ApplyMomentum"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = []
            for _ in range(3):
                sess.run(train)
                got.append(sess.run(w))
    want = _lars_in_numpy(W0.astype(np.float64), lambda x: x * x, 0.5, 0.8, 0.01, 0.2, 1e-3, 3,
                          skip)
    np.testing.assert_allclose(got, want, rtol=2e-5)


def test_lars_of_zero_weights_and_of_a_sparse_gradient():
    with tf.Graph().as_default():
        z = tf.Variable(np.zeros(3, np.float32), name="z")  # |w| = 0: the ratio is 1
        table = tf.Variable(W0, name="table")
        loss = tf.reduce_sum(z * [1.0, 2.0, 3.0]) + tf.reduce_sum(tf.gather(table, [2]))
        train = opt.LARSOptimizer(0.1, use_nesterov=True).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            got_z, got_t = sess.run([z, table])
    # Nesterov momentum with the plain rate: var -= lr * (g + momentum * accum), accum = g
    np.testing.assert_allclose(got_z, -0.1 * 1.9 * np.array([1.0, 2.0, 3.0]), rtol=1e-6)
    want = W0.copy()
    want[2] -= 0.1 * 1.9
    np.testing.assert_allclose(got_t, want, rtol=1e-6)


def test_lars_checks_its_arguments():
    with pytest.raises(ValueError, match="momentum should be positive: -0.1"):
        opt.LARSOptimizer(0.1, momentum=-0.1)
    with pytest.raises(ValueError, match="weight_decay should be positive: -1"):
        opt.LARSOptimizer(0.1, weight_decay=-1)
    assert opt.LARSOptimizer(0.1).get_name() == "LARSOptimizer"


def test_moving_average_optimizer_and_its_swapping_saver(tmp_path):
    path = str(tmp_path / "model.ckpt")
    with tf.Graph().as_default() as g:
        w = tf.Variable([1.0, -2.0], name="w")
        other = tf.Variable(7.0, name="other", trainable=False)
        optimizer = opt.MovingAverageOptimizer(tf.train.GradientDescentOptimizer(0.5),
                                               average_decay=0.5)
        with pytest.raises(RuntimeError, match="Must call apply_gradients or minimize before "
                                               "creating the swapping_saver"):
            optimizer.swapping_saver()
        train = optimizer.minimize(tf.reduce_sum(w * w))
        assert train.name == "train_with_avg"
        average = g.get_tensor_by_name("w/ExponentialMovingAverage:0")
        saver = optimizer.swapping_saver()
        assert saver.saver_def.filename_tensor_name.startswith("swapping_saver/")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want_w, want_avg = np.array([1.0, -2.0]), np.array([1.0, -2.0])
            for _ in range(3):
                sess.run(train)
                want_w = want_w - 0.5 * 2 * want_w  # w -= lr * 2w
                want_avg = 0.5 * want_avg + 0.5 * want_w  # after the update (sequential)
            np.testing.assert_allclose(sess.run(w), want_w)
            np.testing.assert_allclose(sess.run(average), want_avg)
            saver.save(sess, path)
    reader = tf.train.NewCheckpointReader(path)
    np.testing.assert_allclose(reader.get_tensor("w"), want_avg)  # the average under w's name
    np.testing.assert_allclose(reader.get_tensor("w/ExponentialMovingAverage"), want_w)
    assert reader.get_tensor("other") == 7.0
    with tf.Graph().as_default():  # a plain Saver restores the averages into the model
        w = tf.Variable([0.0, 0.0], name="w")
        with tf.Session() as sess:
            tf.train.Saver([w]).restore(sess, path)
            np.testing.assert_allclose(sess.run(w), want_avg)
