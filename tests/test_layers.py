"""tf.layers.dense / Dense and tf.layers.flatten: variable and op names, sharing, shapes, values,
regularizers, and a small network that trains."""

import numpy as np
import pytest

import minitf as tf


pytestmark = pytest.mark.usefixtures("fresh_graph")


def initialized_session():
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return sess


def var_names(collection=tf.GraphKeys.GLOBAL_VARIABLES):
    return [(v.name, v.shape.as_list()) for v in tf.get_collection(collection)]


# -- dense: names and sharing ---------------------------------------------------------------------

def test_dense_variable_and_op_names():
    x = tf.placeholder(tf.float32, [None, 5])
    h = tf.layers.dense(x, 3, activation=tf.nn.relu)
    y = tf.layers.dense(h, 2)
    assert var_names() == [("dense/kernel:0", [5, 3]), ("dense/bias:0", [3]),
                           ("dense_1/kernel:0", [3, 2]), ("dense_1/bias:0", [2])]
    assert var_names(tf.GraphKeys.TRAINABLE_VARIABLES) == var_names()
    assert h.name == "dense/Relu:0" and y.name == "dense_1/BiasAdd:0"
    assert h.shape.as_list() == [None, 3] and y.shape.as_list() == [None, 2]
    g = tf.get_default_graph()
    assert g.get_operation_by_name("dense/MatMul").type == "MatMul"
    assert g.get_operation_by_name("dense/BiasAdd").type == "BiasAdd"


def test_named_dense_reuse_shares_variables_and_duplicates_fail():
    x = tf.placeholder(tf.float32, [None, 5])
    a = tf.layers.dense(x, 4, name="fc", use_bias=False)
    b = tf.layers.dense(x, 4, name="fc", reuse=True, use_bias=False)
    assert var_names() == [("fc/kernel:0", [5, 4])]
    assert (a.name, b.name) == ("fc/MatMul:0", "fc_1/MatMul:0")
    assert b.op.inputs[1].op.inputs[0] is a.op.inputs[1].op.inputs[0]  # one kernel
    with pytest.raises(ValueError, match="fc/kernel already exists"):
        tf.layers.dense(x, 4, name="fc")
    with pytest.raises(ValueError, match="other/kernel does not exist"):
        tf.layers.dense(x, 4, name="other", reuse=True)
    with tf.variable_scope("outer"):
        tf.layers.dense(x, 2)
    with tf.variable_scope("outer", reuse=True):
        c = tf.layers.dense(x, 2, name="dense")
    assert [n for n, _ in var_names()][-2:] == ["outer/dense/kernel:0", "outer/dense/bias:0"]
    sess = initialized_session()
    xv = np.ones((1, 5), np.float32)
    np.testing.assert_array_equal(*sess.run([a, b], {x: xv}))
    assert c.shape.as_list() == [None, 2]


def test_dense_layer_object_reuses_its_variables_in_its_name_scope():
    x = tf.placeholder(tf.float32, [None, 5])
    layer = tf.layers.Dense(3, activation=tf.nn.tanh, name="proj")
    assert not layer.built
    y1, y2 = layer(x), layer(x * 2.0)
    assert layer.built and layer.name == "proj"
    assert [v.name for v in layer.variables] == ["proj/kernel:0", "proj/bias:0"]
    assert layer.trainable_variables == layer.variables
    assert (y1.name, y2.name) == ("proj/Tanh:0", "proj/Tanh_1:0")
    assert len(tf.global_variables()) == 2
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        layer(tf.placeholder(tf.float32, [None, 4]))
    with tf.variable_scope("outer"):
        inner = tf.layers.Dense(2)
        inner(x)
    assert inner.name == "dense" and inner.kernel.name == "outer/dense/kernel:0"


def test_layer_objects_of_one_name_get_unique_scopes_as_in_tf1():
    # Recorded with TF 2.21's tf.compat.v1.layers: a layer object's name is the default of a
    # unique variable scope (x, x_1), where the function form's name is the scope itself (a
    # second tf.layers.dense(name='x') raises unless reuse); under reuse=True the unique x_1
    # does not exist, under AUTO_REUSE it is made.
    x = tf.placeholder(tf.float32, [None, 4])
    image = tf.placeholder(tf.float32, [None, 8, 8, 3])
    outputs = [tf.layers.Dense(3, name="x")(x), tf.layers.Dense(3, name="x")(x),
               tf.layers.Conv2D(2, 3, name="c")(image), tf.layers.Conv2D(2, 3, name="c")(image),
               tf.layers.BatchNormalization(name="b")(x), tf.layers.BatchNormalization(name="b")(x)]
    with tf.variable_scope("s"):
        outputs.append(tf.layers.Dense(3, name="x")(x))
    assert [t.name for t in outputs] == [
        "x/BiasAdd:0", "x_1/BiasAdd:0", "c/BiasAdd:0", "c_1/BiasAdd:0",
        "b/batchnorm/add_1:0", "b_1/batchnorm/add_1:0", "s/x/BiasAdd:0"]
    assert [v.name for v in tf.global_variables()] == [
        "x/kernel:0", "x/bias:0", "x_1/kernel:0", "x_1/bias:0", "c/kernel:0", "c/bias:0",
        "c_1/kernel:0", "c_1/bias:0", "b/gamma:0", "b/beta:0", "b/moving_mean:0",
        "b/moving_variance:0", "b_1/gamma:0", "b_1/beta:0", "b_1/moving_mean:0",
        "b_1/moving_variance:0", "s/x/kernel:0", "s/x/bias:0"]
    for fn in (lambda: tf.layers.dense(x, 3, name="x"),
               lambda: tf.layers.conv2d(image, 2, 3, name="c"),
               lambda: tf.layers.batch_normalization(x, name="b")):
        with pytest.raises(ValueError, match="already exists"):
            fn()
    with tf.variable_scope(tf.get_variable_scope(), reuse=True):
        with pytest.raises(ValueError, match="x_2/kernel does not exist"):
            tf.layers.Dense(3, name="x")(x)
    with tf.variable_scope(tf.get_variable_scope(), reuse=tf.AUTO_REUSE):
        made = tf.layers.Dense(3, name="x")
        made(x)
    assert made.kernel.name == "x_2/kernel:0"  # (the failed attempt took no name)
    assert tf.layers.max_pooling2d(image, 2, 2, name="p").name == "p/MaxPool:0"
    assert tf.layers.max_pooling2d(image, 2, 2, name="p").name == "p_1/MaxPool:0"


def test_dense_auto_reuse():
    x = tf.placeholder(tf.float32, [None, 5])
    for _ in range(3):
        tf.layers.dense(x, 4, name="shared", reuse=tf.AUTO_REUSE)
    assert var_names() == [("shared/kernel:0", [5, 4]), ("shared/bias:0", [4])]


def test_dense_without_bias_and_not_trainable():
    x = tf.placeholder(tf.float32, [None, 5])
    y = tf.layers.dense(x, 3, use_bias=False, trainable=False)
    assert var_names() == [("dense/kernel:0", [5, 3])]
    assert tf.trainable_variables() == []
    assert y.op.type == "MatMul"


def test_dense_input_errors():
    with pytest.raises(TypeError, match="non-floating point dtype int32"):
        tf.layers.dense(tf.placeholder(tf.int32, [None, 3]), 2)
    with pytest.raises(ValueError, match="last dimension of the inputs to `Dense` should be"):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 2)
    with pytest.raises(ValueError, match="should be defined"):
        tf.layers.dense(tf.placeholder(tf.float32), 2)
    with pytest.raises(ValueError, match="min_ndim=2, found ndim=1"):
        tf.layers.dense(tf.placeholder(tf.float32, [3]), 2)


# -- dense: values --------------------------------------------------------------------------------

def test_dense_computes_activation_of_affine_map_with_glorot_kernel_and_zero_bias():
    x = tf.placeholder(tf.float32, [None, 20])
    layer = tf.layers.Dense(30, activation=tf.nn.relu)
    y = layer(x)
    sess = initialized_session()
    kernel, bias = sess.run([layer.kernel, layer.bias])
    limit = np.sqrt(6.0 / (20 + 30))
    assert np.all(np.abs(kernel) <= limit) and kernel.std() > limit / 3
    np.testing.assert_array_equal(bias, np.zeros(30))
    xv = np.random.default_rng(0).standard_normal((4, 20)).astype(np.float32)
    np.testing.assert_allclose(sess.run(y, {x: xv}), np.maximum(xv @ kernel + bias, 0),
                               rtol=1e-5, atol=1e-6)


def test_dense_on_rank3_inputs_contracts_the_last_axis():
    x = tf.placeholder(tf.float32, [None, None, 5])
    y = tf.layers.dense(x, 6, kernel_initializer=tf.random_normal_initializer(),
                        bias_initializer=tf.constant_initializer(0.5))
    assert y.shape.as_list() == [None, None, 6]
    sess = initialized_session()
    (kernel,) = sess.run([v for v in tf.global_variables() if v.name == "dense/kernel:0"])
    xv = np.random.default_rng(1).standard_normal((2, 3, 5)).astype(np.float32)
    np.testing.assert_allclose(sess.run(y, {x: xv}), np.einsum("bti,io->bto", xv, kernel) + 0.5,
                               rtol=1e-5, atol=1e-6)


def test_dense_regularizers_add_losses():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.layers.dense(x, 2, kernel_initializer=tf.ones_initializer(),
                        kernel_regularizer=lambda w: 0.1 * tf.reduce_sum(tf.square(w)),
                        activity_regularizer=lambda a: tf.reduce_sum(tf.abs(a)))
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 2
    sess = initialized_session()
    xv = np.array([[1.0, -2.0, 0.5], [3.0, 1.0, 1.0]], np.float32)
    kernel_loss, activity_loss = sess.run(losses, {x: xv})
    assert kernel_loss == pytest.approx(0.1 * 6)
    # The activity loss is averaged over the batch, as TF 1.15's layers do.
    assert activity_loss == pytest.approx(np.abs(xv.sum(1, keepdims=True) * [1, 1]).sum() / 2)
    assert sess.run(y, {x: xv}).shape == (2, 2)


# -- flatten --------------------------------------------------------------------------------------

@pytest.mark.parametrize("static, runtime, want_static", [
    ([None, 3, 4], (2, 3, 4), [None, 12]),
    ([None, None, 4], (2, 3, 4), [None, None]),
    ([2, 3, 4], (2, 3, 4), [2, 12]),
    ([2, None, 4], (2, 3, 4), [2, None]),
    (None, (2, 3, 4), [None, None]),
    ([None], (3,), [None, 1]),
])
def test_flatten_shapes(static, runtime, want_static):
    x = tf.placeholder(tf.float32, static)
    y = tf.layers.flatten(x)
    assert y.shape.as_list() == want_static
    assert y.op.name.startswith("flatten/")
    xv = np.arange(np.prod(runtime), dtype=np.float32).reshape(runtime)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: xv}), xv.reshape(runtime[0], -1))


def test_flatten_names_and_channels_first():
    x = tf.placeholder(tf.float32, [None, 2, 3, 4])
    assert tf.layers.flatten(x).name == "flatten/Reshape:0"
    y = tf.layers.flatten(x, data_format="channels_first", name="flat")
    assert y.name == "flat/Reshape:0" and y.shape.as_list() == [None, 24]
    xv = np.arange(48, dtype=np.float32).reshape(2, 2, 3, 4)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: xv}),
                                      xv.transpose(0, 2, 3, 1).reshape(2, -1))
    with pytest.raises(ValueError, match="data_format"):
        tf.layers.flatten(x, data_format="NCHW")


# -- end to end -----------------------------------------------------------------------------------

def test_two_layer_net_learns_a_toy_problem():
    rng = np.random.default_rng(0)
    centers = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    ids = rng.integers(0, 3, 300)
    xv = (centers[ids] + 0.6 * rng.standard_normal((300, 2))).astype(np.float32)
    onehot = np.eye(3, dtype=np.float32)[ids]

    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 2])
    labels = tf.placeholder(tf.float32, [None, 3])
    hidden = tf.layers.dense(x, 16, activation=tf.nn.relu)
    logits = tf.layers.dense(hidden, 3)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    targets = tf.argmax(labels, 1, output_type=tf.int32)
    accuracy = tf.reduce_mean(tf.cast(tf.nn.in_top_k(logits, targets, 1), tf.float32))
    feed = {x: xv, labels: onehot}
    sess = initialized_session()
    start = sess.run(loss, feed)
    for _ in range(150):
        sess.run(train, feed)
    end, acc = sess.run([loss, accuracy], feed)
    assert end < start / 10, (start, end)
    assert acc > 0.95
