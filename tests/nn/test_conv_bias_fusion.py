"""A convolution and its bias as one kernel (client/plan.py: fuse_conv_bias; conv_ops.FUSE_BIAS):
`BiasAdd(Conv2D(x, w), b)` runs as one product with a column of ones, and
`Conv2DBackpropFilter(x, sizes, dz)` with `BiasAddGrad(dz)` as one product whose last row is the
bias gradient. The fused plans give the unfused values, happen in LeNet's first block, and are
left alone where they would change what a run returns or where the convolution is not im2col's."""

import numpy as np
import pytest

import minitf as tf
from minitf.ops import conv_ops

pytestmark = [pytest.mark.usefixtures("fresh_graph"), pytest.mark.numpy_engine]


def fused_groups(sess):
    """The op types of the fused steps of the session's largest plan."""
    plan = max(sess._plans.values(), key=lambda q: q.num_kernels)
    return sorted(tuple(op.type for op in s.group) for s in plan.steps
                  if s.group and s.op.type.startswith("Conv2D"))


FORWARD, BACKWARD = ("Conv2D", "BiasAdd"), ("Conv2DBackpropFilter", "BiasAddGrad")


def conv_bias_block(dtype, shape, filt, strides, padding, dilations=(1, 1)):
    """x -> relu(bias_add(conv2d(x, w), b)) and the gradients of a weighted sum, each fetched
    through an op reading it (a fetched value is never fused)."""
    rng = np.random.default_rng(7)
    xv = rng.standard_normal(shape).astype(dtype)
    x = tf.placeholder(dtype, [None] + list(shape[1:]))
    w = tf.Variable(rng.standard_normal(filt).astype(dtype))
    b = tf.Variable(rng.standard_normal(filt[-1]).astype(dtype))
    y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, *strides, 1], padding,
                                               dilations=[1, *dilations, 1]), b))
    weights = tf.constant(rng.standard_normal([1] + y.shape.as_list()[1:]).astype(dtype))
    # (the input gradient reads dz too: the fused gradients leave it to Conv2DBackpropInput)
    dx, dw, db = tf.gradients(tf.reduce_sum(y * weights), [x, w, b])
    return x, xv, [y * 1, dx * 1, dw * 1, db * 1]


@pytest.mark.parametrize("dtype,tolerance", [(np.float32, 2e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("shape,filt,strides,padding,dilations", [
    ((5, 9, 8, 1), (5, 5, 1, 6), (1, 1), "SAME", (1, 1)),   # LeNet's kind: taps layout
    ((5, 9, 8, 1), (3, 2, 1, 4), (2, 1), "VALID", (1, 1)),
    ((5, 9, 8, 3), (3, 3, 3, 4), (1, 1), "SAME", (1, 1)),   # several channels: window layout
    ((5, 9, 8, 3), (3, 3, 3, 5), (2, 2), "VALID", (1, 1)),
    ((5, 9, 8, 2), (2, 3, 2, 4), (1, 2), "SAME", (2, 1))])
@pytest.mark.parametrize("tiles", ["one", "per image"])
def test_fused_plans_give_the_unfused_values(monkeypatch, dtype, tolerance, shape, filt,
                                             strides, padding, dilations, tiles):
    x, xv, fetches = conv_bias_block(dtype, shape, filt, strides, padding, dilations)
    if tiles == "per image":  # tiles of one image (the ones column of each written again)
        monkeypatch.setattr(conv_ops, "COL_BYTES", 1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fused = sess.run(fetches, {x: xv})
        assert fused_groups(sess) == [FORWARD, BACKWARD]
        fused_again = sess.run(fetches, {x: xv[::-1].copy()})
    monkeypatch.setattr(conv_ops, "FUSE_BIAS", False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        plain = sess.run(fetches, {x: xv})
        assert fused_groups(sess) == []
        plain_again = sess.run(fetches, {x: xv[::-1].copy()})
    for got, want in zip(fused + fused_again, plain + plain_again):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)


def lenet_first_blocks(batch):
    """benchmarks/cnn.py's LeNet up to the second block, and its Adam step."""
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    h = tf.layers.conv2d(x, 32, 5, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.conv2d(h, 64, 5, padding="same", use_bias=False)
    h = tf.nn.relu(tf.layers.batch_normalization(h, training=True))
    h = tf.layers.max_pooling2d(h, 2, 2)
    logits = tf.layers.dense(tf.layers.flatten(h), 10)
    loss = tf.reduce_mean(logits * logits)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    xv = np.random.default_rng(1).random((batch, 28, 28, 1), dtype=np.float32)
    return x, xv, loss, train


def test_lenets_first_block_runs_fused_and_trains_as_unfused(monkeypatch):
    x, xv, loss, train = lenet_first_blocks(4)
    losses = {}
    for fuse in (True, False):
        monkeypatch.setattr(conv_ops, "FUSE_BIAS", fuse)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses[fuse] = [sess.run([loss, train], {x: xv})[0] for _ in range(3)]
            plan = max(sess._plans.values(), key=lambda q: q.num_kernels)
            fused = {tuple(op.name for op in s.group) for s in plan.steps
                     if s.group and s.op.type.startswith("Conv2D")}
            # the second convolution has no bias (batch norm follows) and runs as Winograd
            assert fused == ({("conv2d/Conv2D", "conv2d/BiasAdd"),
                              ("gradients/conv2d/Conv2D_grad/Conv2DBackpropFilter",
                               "gradients/conv2d/BiasAdd_grad/BiasAddGrad")} if fuse else set())
    np.testing.assert_allclose(losses[True], losses[False], rtol=1e-5)


def unfused_case(case):
    """A conv + bias block in which `case` keeps the fusion from happening; returns the
    placeholder, its value, the fetches, and which halves still fuse."""
    rng = np.random.default_rng(3)
    fmt, shape, filt = "NHWC", (2, 8, 8, 1), (3, 3, 1, 4)
    if case == "NCHW":
        fmt, shape = "NCHW", (2, 1, 8, 8)
    elif case == "Winograd":  # 5x5, 16 -> 16 channels on 28x28: Winograd's minimal filtering
        shape, filt = (2, 28, 28, 16), (5, 5, 16, 16)
    elif case == "1x1":
        filt = (1, 1, 1, 4)
    elif case == "float16":
        pass
    dtype = np.float16 if case == "float16" else np.float32
    xv = rng.standard_normal(shape).astype(dtype)
    x = tf.placeholder(dtype, [None] + list(shape[1:]))
    w = tf.Variable(rng.standard_normal(filt).astype(dtype))
    b = tf.Variable(rng.standard_normal(filt[-1]).astype(dtype))
    conv = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", data_format=fmt)
    z = tf.nn.bias_add(conv, b, data_format=fmt)
    loss = tf.reduce_sum(z * z)
    dw, db = tf.gradients(loss, [w, b])
    fetches, halves = [loss, dw * 1, db * 1], []
    if case == "conv fetched":
        fetches.append(conv)
        halves = [BACKWARD]
    elif case == "conv read elsewhere":
        fetches.append(tf.reduce_sum(conv))
        halves = [BACKWARD]
    elif case == "sum fetched":
        fetches.append(z)
        halves = [BACKWARD]
    elif case == "gradients fetched":
        fetches += [dw, db]
        halves = [FORWARD]
    return x, xv, fetches, halves


@pytest.mark.parametrize("case", ["conv fetched", "conv read elsewhere", "sum fetched",
                                  "gradients fetched", "NCHW", "Winograd", "1x1", "float16"])
def test_no_fusion_where_it_would_change_a_result_or_the_conv_is_not_im2cols(case):
    x, xv, fetches, halves = unfused_case(case)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(fetches, {x: xv})
        assert fused_groups(sess) == halves
    for value in got:
        assert np.all(np.isfinite(value))


def test_an_error_inside_a_fused_kernel_names_the_convolution():
    x = tf.placeholder(tf.float32, [None, 8, 8, None])
    w = tf.Variable(np.ones((3, 3, 1, 4), np.float32))
    b = tf.Variable(np.zeros(4, np.float32))
    y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", name="c"), b))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(y, {x: np.ones((1, 8, 8, 1), np.float32)})[0, 4, 4, 0] == 9
        assert fused_groups(sess) == [FORWARD]
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            sess.run(y, {x: np.ones((1, 8, 8, 2), np.float32)})
    assert info.value.op.name == "c" and "'c'" in str(info.value)
    assert "depth of input (2)" in str(info.value)


def test_a_loop_body_runs_fused_and_gives_the_unfused_values(monkeypatch):
    rng = np.random.default_rng(5)
    xv = rng.standard_normal((2, 6, 6, 1))
    x = tf.placeholder(tf.float64, [None, 6, 6, 1])
    w = tf.constant(rng.standard_normal((3, 3, 1, 1)))
    b = tf.constant(rng.standard_normal(1))

    def body(i, h):
        return i + 1, tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, w, [1, 1, 1, 1], "SAME"), b))
    _, out = tf.while_loop(lambda i, h: i < 3, body, [0, x])
    bound = []
    plain_bind = conv_ops.Conv2D.bind_group
    monkeypatch.setattr(conv_ops.Conv2D, "bind_group",
                        lambda self, *a, **k: bound.append(a[1]) or plain_bind(self, *a, **k))
    got = {}
    for fuse in (True, False):
        monkeypatch.setattr(conv_ops, "FUSE_BIAS", fuse)
        with tf.Session() as sess:
            got[fuse] = sess.run(out * 1, {x: xv})
        assert [[op.type for op in ops] for ops in bound] == [["Conv2D", "BiasAdd"]]
    np.testing.assert_allclose(got[True], got[False], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("channels", [1, 3])
def test_an_empty_batch_gives_empty_values_and_zero_gradients_fused(channels):
    x, xv, fetches = conv_bias_block(np.float32, (0, 6, 6, channels), (3, 3, channels, 4),
                                     (1, 1), "SAME")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y, dx, dw, db = sess.run(fetches, {x: xv})
        assert fused_groups(sess) == [FORWARD, BACKWARD]
    assert y.shape == (0, 6, 6, 4) and dx.shape == (0, 6, 6, channels)
    assert dw.shape == (3, 3, channels, 4) and not dw.any() and db.shape == (4,) and not db.any()
