"""tf.layers convolution, pooling, dropout and batch normalization: TF1's variable names, the
class forms' attributes, values against numpy references, the moving-average updates in
UPDATE_OPS, regularizers, and a LeNet-style CNN that learns the bundled digits."""

import numpy as np
import pytest

import minitf as tf
from minitf.datasets import load_digits
from tests.op_specs.conv_specs import ref_conv2d, ref_conv2d_backprop_input, ref_pool

pytestmark = pytest.mark.usefixtures("fresh_graph")

HAS_COND = hasattr(tf, "cond")


def var_names(collection=tf.GraphKeys.GLOBAL_VARIABLES):
    return [(v.name, v.shape.as_list()) for v in tf.get_collection(collection)]


def test_tf1_variable_names_and_shapes():
    x = tf.placeholder(tf.float32, [None, 8, 8, 3])
    h = tf.layers.conv2d(x, 4, 3)
    h = tf.layers.conv2d(h, 5, (2, 3), padding="same", use_bias=False)
    h = tf.layers.batch_normalization(h, training=True)
    h = tf.layers.conv2d_transpose(h, 2, 3, strides=2)
    h = tf.layers.separable_conv2d(h, 6, 3, depth_multiplier=2)
    tf.layers.dense(tf.layers.flatten(h), 3)
    assert var_names() == [
        ("conv2d/kernel:0", [3, 3, 3, 4]), ("conv2d/bias:0", [4]),
        ("conv2d_1/kernel:0", [2, 3, 4, 5]),
        ("batch_normalization/gamma:0", [5]), ("batch_normalization/beta:0", [5]),
        ("batch_normalization/moving_mean:0", [5]),
        ("batch_normalization/moving_variance:0", [5]),
        ("conv2d_transpose/kernel:0", [3, 3, 2, 5]), ("conv2d_transpose/bias:0", [2]),
        ("separable_conv2d/depthwise_kernel:0", [3, 3, 2, 2]),
        ("separable_conv2d/pointwise_kernel:0", [1, 1, 4, 6]),
        ("separable_conv2d/bias:0", [6]),
        ("dense/kernel:0", [11 * 11 * 6, 3]), ("dense/bias:0", [3])]
    trainable = [n for n, _ in var_names(tf.GraphKeys.TRAINABLE_VARIABLES)]
    assert "batch_normalization/moving_mean:0" not in trainable
    assert "batch_normalization/gamma:0" in trainable
    assert h.shape.as_list() == [None, 11, 11, 6]


def test_class_forms_expose_their_variables_and_reuse_them():
    x = tf.placeholder(tf.float32, [None, 6, 6, 2])
    conv = tf.layers.Conv2D(3, 3, padding="same", name="c")
    bn = tf.layers.BatchNormalization()
    dense = tf.layers.Dense(4)
    a = dense(tf.layers.flatten(bn(conv(x), training=True)))
    b = dense(tf.layers.flatten(bn(conv(x), training=False)))
    assert conv.kernel.name == "c/kernel:0" and conv.bias.name == "c/bias:0"
    assert conv.variables == [conv.kernel, conv.bias]
    assert [v.name for v in bn.variables] == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert bn.trainable_variables == [bn.gamma, bn.beta]
    assert bn.non_trainable_variables == [bn.moving_mean, bn.moving_variance]
    assert len(tf.global_variables()) == 8  # the second call made no new variables
    assert dense.kernel.shape.as_list() == [108, 4]
    assert a.shape.as_list() == b.shape.as_list() == [None, 4]
    assert len(bn.updates) == 2 and len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2


def test_conv_layers_compute_convolution_plus_bias():
    rng = np.random.default_rng(0)
    xv = rng.standard_normal((2, 7, 6, 3)).astype(np.float32)
    x = tf.constant(xv)
    conv = tf.layers.Conv2D(4, (3, 2), strides=(2, 1), padding="same", activation=tf.nn.relu,
                            bias_initializer=tf.constant_initializer(0.5))
    y = conv(x)
    first = tf.layers.Conv2D(4, 3, data_format="channels_first")
    y_cf = first(tf.transpose(x, [0, 3, 1, 2]))
    conv1 = tf.layers.Conv1D(2, 3, strides=2, padding="same")
    y1 = conv1(x[:, 0])
    tconv = tf.layers.Conv2DTranspose(2, 3, strides=2, padding="same")
    yt = tconv(x)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_cf, got1, got_t, k, kcf, k1, kt = sess.run(
            [y, y_cf, y1, yt, conv.kernel, first.kernel, conv1.kernel, tconv.kernel])
    np.testing.assert_allclose(got, np.maximum(ref_conv2d(xv, k, (2, 1), "SAME") + 0.5, 0),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_cf, ref_conv2d(xv, kcf).transpose(0, 3, 1, 2), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(got1, ref_conv2d(xv[:, :1], k1[None], (1, 2), "SAME")[:, 0],
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_t, ref_conv2d_backprop_input((2, 14, 12, 2), kt, xv, (2, 2),
                                                                "SAME"), rtol=1e-4, atol=1e-5)


def test_pooling_layers():
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((2, 7, 6, 3)).astype(np.float32)
    x = tf.constant(xv)
    outs = [tf.layers.max_pooling2d(x, 2, 2), tf.layers.average_pooling2d(x, 3, 2, "same"),
            tf.layers.max_pooling1d(x[:, 0], 2, 1), tf.layers.average_pooling1d(x[:, 0], 3, 3),
            tf.layers.MaxPooling2D(2, 2, data_format="channels_first")(x)]
    assert outs[0].op.name == "max_pooling2d/MaxPool"
    with tf.Session() as sess:
        got = sess.run(outs)
    want = [ref_pool(xv, (2, 2), (2, 2), "VALID", "MAX"),
            ref_pool(xv, (3, 3), (2, 2), "SAME", "AVG"),
            ref_pool(xv[:, :1], (1, 2), (1, 1), "VALID", "MAX")[:, 0],
            ref_pool(xv[:, :1], (1, 3), (1, 3), "VALID", "AVG")[:, 0],
            ref_pool(xv.transpose(0, 2, 3, 1), (2, 2), (2, 2), "VALID", "MAX")
            .transpose(0, 3, 1, 2)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_dropout_layer_drops_only_while_training():
    x = tf.ones([200, 50])
    train = tf.layers.dropout(x, rate=0.3, training=True, seed=1)
    test = tf.layers.dropout(x, rate=0.3)
    with tf.Session() as sess:
        got_train, got_test = sess.run([train, test])
    np.testing.assert_array_equal(got_test, np.ones((200, 50)))
    assert set(np.unique(got_train)) <= {0.0, np.float32(1 / 0.7)}
    assert 0.25 < np.mean(got_train == 0) < 0.35


def test_training_as_a_tensor():
    x = tf.ones([4, 3])
    training = tf.placeholder(tf.bool, [])
    if not HAS_COND:
        with pytest.raises(NotImplementedError, match="needs tf.cond.*pass a Python bool"):
            tf.layers.dropout(x, 0.5, training=training)
        return
    y = tf.layers.dropout(x, 0.5, training=training)
    xv = np.arange(12, dtype=np.float32).reshape(4, 3)
    bn = tf.layers.BatchNormalization(momentum=0.5)
    z = bn(tf.constant(xv), training=training)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(y, {training: False}), np.ones((4, 3)))
        assert set(np.unique(sess.run(y, {training: True}))) <= {0.0, 2.0}
        # Not training: the moving averages (0, 1) normalize, and the updates change nothing.
        got, mean, var = sess.run([z] + updates, {training: False})
        np.testing.assert_allclose(got, xv / np.sqrt(1 + 1e-3), rtol=1e-6)
        np.testing.assert_array_equal([mean, var], [[0] * 3, [1] * 3])
        got, mean, var = sess.run([z] + updates, {training: True})
        np.testing.assert_allclose(got, (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3),
                                   rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose([mean, var], [0.5 * xv.mean(0), 0.5 + 0.5 * xv.var(0)])
        for bad in ("False", 0.5, [True]):
            with pytest.raises((tf.errors.InvalidArgumentError, ValueError),
                               match="Cannot feed"):
                sess.run(y, {training: bad})
        with pytest.raises(tf.errors.InvalidArgumentError, match="feed True or False"):
            sess.run(y, {training: "False"})


def test_training_must_be_bool():
    with pytest.raises(TypeError, match="`training` must be a Python bool or a bool tensor"):
        tf.layers.dropout(tf.ones([2, 2]), training=tf.placeholder(tf.float32, []))


def test_batch_normalization_updates_moving_averages_through_update_ops():
    rng = np.random.default_rng(2)
    xv = (rng.standard_normal((4, 3, 2, 5)) * 3 + 1).astype(np.float32)
    x = tf.constant(xv)
    bn = tf.layers.BatchNormalization(momentum=0.9, epsilon=0.01)
    y_train = bn(x, training=True)
    y_test = bn(x, training=False)
    flat = tf.constant(xv.reshape(24, 5))
    y_flat = tf.layers.batch_normalization(flat, training=True, name="bn_flat")
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 4
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(y_train)
        mean, var = xv.mean((0, 1, 2)), xv.var((0, 1, 2))
        np.testing.assert_allclose(got, (xv - mean) / np.sqrt(var + 0.01), rtol=1e-4, atol=1e-4)
        assert np.allclose(sess.run(bn.moving_mean), 0)  # nothing ran the updates yet
        sess.run(updates)
        unbiased = var * 24 / 23  # the fused op's batch variance, as TF1's fused path uses it
        np.testing.assert_allclose(sess.run(bn.moving_mean), 0.1 * mean, rtol=1e-5)
        np.testing.assert_allclose(sess.run(bn.moving_variance), 0.9 + 0.1 * unbiased,
                                   rtol=1e-5)
        np.testing.assert_allclose(
            sess.run(y_test), (xv - 0.1 * mean) / np.sqrt(0.9 + 0.1 * unbiased + 0.01),
            rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(sess.run(y_flat), (xv.reshape(24, 5) - mean) /
                                   np.sqrt(var + 1e-3), rtol=1e-3, atol=1e-3)


def test_regularizers_are_any_callable_and_collected():
    x = tf.placeholder(tf.float32, [None, 5, 5, 2])
    tf.layers.conv2d(x, 3, 3, kernel_regularizer=lambda w: 0.5 * tf.reduce_sum(tf.abs(w)),
                     bias_regularizer=tf.nn.l2_loss)
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 2
    kernel, bias = tf.global_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(bias.assign([1.0, 2.0, 3.0]))
        k, l1, l2 = sess.run([kernel, losses[0], losses[1]])
    assert l1 == pytest.approx(0.5 * np.abs(k).sum(), rel=1e-5)
    assert l2 == pytest.approx(7.0)


def test_layer_input_errors():
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 5, 5]), 3, 3)
    with pytest.raises(ValueError, match="The channel dimension of the inputs should be defined"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 5, 5, None]), 3, 3)
    with pytest.raises(ValueError, match="The `padding` argument must be one of"):
        tf.layers.max_pooling2d(tf.placeholder(tf.float32, [None, 5, 5, 1]), 2, 2, "full")
    with pytest.raises(ValueError, match="kernel_size.*tuple of 2 integers"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 5, 5, 1]), 3, (3, 3, 3))


def lenet(x, training):
    """The LeNet-style CNN of the test and the benchmark: two conv+pool blocks, batch norm,
    dropout, dense; built as layer objects so that a test tower can share the variables."""
    h = tf.layers.conv2d(x, 32, 3, padding="same", activation=tf.nn.relu, name="conv1",
                         reuse=tf.AUTO_REUSE)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.conv2d(h, 64, 3, padding="same", use_bias=False, name="conv2",
                         reuse=tf.AUTO_REUSE)
    h = tf.nn.relu(tf.layers.batch_normalization(h, momentum=0.9, training=training, name="bn",
                                                 reuse=tf.AUTO_REUSE))
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.dense(tf.layers.flatten(h), 128, activation=tf.nn.relu, name="fc1",
                        reuse=tf.AUTO_REUSE)
    h = tf.layers.dropout(h, 0.3, training=training)
    return tf.layers.dense(h, 10, name="logits", reuse=tf.AUTO_REUSE)


def test_lenet_cnn_learns_the_digits():
    (xtr, ytr), (xte, yte) = load_digits()
    xtr, xte = xtr.reshape(-1, 8, 8, 1), xte.reshape(-1, 8, 8, 1)
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    y = tf.placeholder(tf.int64, [None])
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=y, logits=lenet(x, training=True)))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(0.003).minimize(loss)
    test_logits = lenet(x, training=False)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(test_logits, 1), y), tf.float32))
    rng = np.random.default_rng(0)
    with tf.Session() as sess:  # tiny matrices: the session runs BLAS on one thread
        sess.run(tf.global_variables_initializer())
        for _ in range(15):
            perm = rng.permutation(len(xtr))
            for i in range(0, len(xtr), 64):
                sess.run(train, {x: xtr[perm[i:i + 64]], y: ytr[perm[i:i + 64]]})
        assert sess.run(accuracy, {x: xte, y: yte}) >= 0.97


def test_a_layer_function_missing_an_argument_names_the_function():
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    with pytest.raises(TypeError, match=r"^max_pooling2d\(\) missing 1 required positional "
                                        r"argument: 'strides'"):
        tf.layers.max_pooling2d(x, 2)
    with pytest.raises(TypeError, match=r"^conv2d\(\) missing 2 required"):
        tf.layers.conv2d(x)
