"""tf.nn convolution and pooling: TF's static shapes for odd sizes, strides and dilations
(recorded from TensorFlow), the errors bad input raises at build time and at run time, tiling
of the im2col buffer, and the exported GraphDef's TF op types."""

import numpy as np
import pytest

import minitf as tf
from minitf.framework.graph_def import from_attr_value
from minitf.ops import conv_ops
from tests.nn.tf_conv_shapes import CASES
from tests.op_specs.conv_specs import (ref_conv2d, ref_conv2d_backprop_filter,
                                      ref_conv2d_backprop_input)

pytestmark = pytest.mark.usefixtures("fresh_graph")


def build(kind, x, w, s, d, pad):
    xt = tf.placeholder(tf.float32, x)
    if kind == "conv2d":
        return tf.nn.conv2d(xt, tf.placeholder(tf.float32, w), s, pad, dilations=d)
    if kind == "depthwise_conv2d":
        return tf.nn.depthwise_conv2d(xt, tf.placeholder(tf.float32, w), s, pad)
    if kind == "conv1d":
        return tf.nn.conv1d(xt, tf.placeholder(tf.float32, w), s, pad)
    return getattr(tf.nn, kind)(xt, w, s, pad)


def test_static_shapes_match_tensorflow():
    assert len(CASES) > 300
    for kind, x, w, s, d, pad, want in CASES:
        if want is None:
            with pytest.raises(ValueError, match="Negative dimension size"):
                build(kind, x, w, s, d, pad)
        else:
            assert build(kind, x, w, s, d, pad).shape.as_list() == want, (kind, x, w, s, d, pad)


def test_runtime_shapes_match_static_ones():
    cases = [c for c in CASES[::5] if c[-1] is not None]
    ys = [build(*case[:-1]) for case in cases]
    feeds = {p: np.ones(p.shape.as_list(), np.float32) for y in ys for p in _placeholders(y)}
    with tf.Session() as sess:
        got = sess.run(ys, feeds)
    for case, value in zip(cases, got):
        assert list(value.shape) == case[-1], case


def _placeholders(t):
    seen, stack, out = set(), [t.op], []
    while stack:
        op = stack.pop()
        if op not in seen:
            seen.add(op)
            out += [op.outputs[0]] if op.type == "Placeholder" else []
            stack.extend(i.op for i in op.inputs)
    return out


X = tf.placeholder


@pytest.mark.parametrize("call, error, message", [
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float32, [3, 3, 4, 8]),
                          [1, 1, 1, 1], "SAME"),
     ValueError, r"depth of input \(3\) does not match the input depth of filter \(4\).*"
                 r"'Conv2D'.*\[1,5,5,3\], \[3,3,4,8\]"),
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float32, [3, 3, 3]),
                          [1, 1, 1, 1], "SAME"),
     ValueError, r"Shape must be rank 4 but is rank 3 \(argument 'filter'\).*Conv2D"),
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float32, [3, 3, 3, 8]),
                          [1, 1, 1, 1], "FULL"),
     ValueError, r"Attr 'padding' of 'Conv2D' Op passed string 'FULL' not in: "
                 r"\"SAME\", \"VALID\", \"EXPLICIT\""),
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float32, [3, 3, 3, 8]),
                          [1, 0, 1, 1], "SAME"),
     ValueError, r"Stride must be > 0, but got 0"),
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float32, [3, 3, 3, 8]),
                          [1, 1, 1], "SAME"),
     ValueError, r"strides should be of length 1, 2 or 4. Received: strides=\[1, 1, 1\]"),
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float32, [3, 3, 3, 8]),
                          [1, 1, 1, 1], "SAME", dilations=[1, 0, 1, 1]),
     ValueError, r"Dilation rate must be >= 1, but got 0"),
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 2, 2, 3]), X(tf.float32, [3, 3, 3, 8]),
                          [1, 1, 1, 1], "VALID"),
     ValueError, r"Negative dimension size caused by subtracting 3 from 2 for 'Conv2D'"),
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float64, [3, 3, 3, 8]),
                          [1, 1, 1, 1], "SAME"),
     TypeError, r"Input 'filter' of 'Conv2D' Op has type float64 that does not match type "
                r"float32 of argument 'input'"),
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float32, [3, 3, 3, 8]),
                          [2, 1, 1, 1], "SAME"),
     ValueError, r"strides of the batch and depth dimensions must be 1"),
    (lambda: tf.nn.max_pool(X(tf.float32, [2, 3, 3, 8]), [1, 4, 4, 1], [1, 2, 2, 1], "VALID"),
     ValueError, r"Negative dimension size caused by subtracting 4 from 3 for 'MaxPool'"),
    (lambda: tf.nn.max_pool(X(tf.float32, [2, 3, 3, 8]), [1, 2, 2, 1], [1, 2, 2, 1], "FOO"),
     ValueError, r"Attr 'padding' of 'MaxPool' Op passed string 'FOO' not in: "
                 r"\"SAME\", \"VALID\""),
    # TF's attr check is case-sensitive: "same" is a typo of the nn API, not an alias
    # (tf.layers takes lowercase and converts it itself).
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float32, [3, 3, 3, 8]),
                          [1, 1, 1, 1], "same"),
     ValueError, r"Attr 'padding' of 'Conv2D' Op passed string 'same' not in"),
    (lambda: tf.nn.max_pool(X(tf.float32, [2, 4, 4, 8]), [1, 2, 2, 1], [1, 2, 2, 1], "same"),
     ValueError, r"Attr 'padding' of 'MaxPool' Op passed string 'same' not in"),
    (lambda: tf.nn.max_pool(X(tf.float32, [2, 3, 3, 8]), [1, 0, 2, 1], [1, 2, 2, 1], "SAME"),
     ValueError, r"`ksize` cannot be zero"),
    (lambda: tf.nn.avg_pool(X(tf.float32, [2, 3, 3, 8]), [1, 2, 2, 2], [1, 1, 1, 1], "SAME"),
     ValueError, r"ksize of the batch and depth dimensions must be 1"),
    (lambda: tf.nn.avg_pool(X(tf.int32, [2, 3, 3, 8]), [1, 2, 2, 1], [1, 1, 1, 1], "SAME"),
     TypeError, r"DataType int32 not in list of allowed values: float16, float32, float64"),
    (lambda: tf.nn.depthwise_conv2d(X(tf.float32, [None, 7, 7, 3]), X(tf.float32, [3, 3, 4, 2]),
                                    [1, 2, 2, 1], "SAME"),
     ValueError, r"Dimensions must be equal, but are 3 and 4.*DepthwiseConv2dNative"),
    (lambda: tf.nn.conv2d(X(tf.float32, [1, 5, 5, 3]), X(tf.float32, [3, 3, 3, 8]),
                          [1, 1, 1, 1], "SAME", data_format="NWHC"),
     ValueError, r"data_format must be \"NHWC\" or \"NCHW\""),
    (lambda: tf.nn.conv2d_transpose(X(tf.float32, [2, 4, 4, 5]), X(tf.float32, [3, 3, 3, 5]),
                                    [2, 8, 8, 4], [1, 2, 2, 1], "SAME"),
     ValueError, r"output_shape does not match filter's output channels, 4 != 3"),
    (lambda: tf.nn.conv2d_transpose(X(tf.float32, [2, 4, 4, 5]), X(tf.float32, [3, 3, 3, 4]),
                                    [2, 8, 8, 3], [1, 2, 2, 1], "SAME"),
     ValueError, r"input channels does not match filter's input channels, 5 != 4"),
    (lambda: tf.nn.conv2d_transpose(X(tf.float32, [2, 4, 4, 5]), X(tf.float32, [3, 3, 3, 5]),
                                    [2, 12, 12, 3], [1, 2, 2, 1], "VALID"),
     ValueError, r"out_backprop has shape \[2, 4, 4, 5\], but a convolution of an input of "
                 r"shape \[2, 12, 12, 3\] with a filter of shape \[3, 3, 3, 5\] gives "
                 r"\[2, 5, 5, 5\]"),
], ids=["channels", "filter_rank", "padding", "zero_stride", "stride_length", "zero_dilation",
        "kernel_larger_than_valid_input", "dtype", "batch_stride", "pool_too_big",
        "pool_padding", "lowercase_padding", "lowercase_pool_padding",
        "zero_ksize", "depth_pooling", "int_avg_pool", "depthwise_channels",
        "data_format", "transpose_output_channels", "transpose_input_channels",
        "transpose_mismatched_output_shape"])
def test_bad_input_fails_at_build_time(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_shapes_unknown_at_build_time_fail_at_run_time():
    x = tf.placeholder(tf.float32, [None, None, None, None])
    w = tf.placeholder(tf.float32, [3, 3, 4, 8])
    y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "VALID")
    p = tf.nn.max_pool(x, [1, 3, 3, 1], [1, 1, 1, 1], "VALID")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"depth of input \(3\) does not match the input depth of "
                                 r"filter \(4\).*Conv2D"):
            sess.run(y, {x: np.zeros((1, 5, 5, 3)), w: np.zeros((3, 3, 4, 8))})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Negative dimension size caused by subtracting 3 from 2"):
            sess.run(y, {x: np.zeros((1, 2, 5, 4)), w: np.zeros((3, 3, 4, 8))})
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"subtracting 3 from 2.*MaxPool"):
            sess.run(p, {x: np.zeros((1, 2, 5, 4))})


def test_conv2d_transpose_with_numpy_inputs_and_tensor_output_shape():
    rng = np.random.default_rng(0)
    v = rng.standard_normal((2, 4, 4, 5)).astype(np.float32)
    w = rng.standard_normal((3, 3, 3, 5)).astype(np.float32)
    batch = tf.placeholder(tf.int32, [])
    y = tf.nn.conv2d_transpose(v, w, tf.stack([batch, 8, 8, 3]), [1, 2, 2, 1], "SAME")
    assert y.shape.as_list() == [2, 8, 8, 3]  # the batch comes from `value`
    with tf.Session() as sess:
        got = sess.run(y, {batch: 2})
    want = ref_conv2d_backprop_input((2, 8, 8, 3), w, v, (2, 2), "SAME")
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_the_im2col_buffer_is_tiled_over_the_batch(monkeypatch):
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((5, 6, 7, 3)).astype(np.float64)
    wv = rng.standard_normal((3, 3, 3, 4))
    x, w = tf.constant(xv), tf.constant(wv)
    y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    gx, gw = tf.gradients(tf.reduce_sum(y * y), [x, w])
    with tf.Session() as sess:
        untiled = sess.run([y, gx, gw])
    one_image = 6 * 7 * 9 * 3 * 8
    monkeypatch.setattr(conv_ops, "COL_BYTES", 2 * one_image)  # tiles of 2 images: 2 + 2 + 1
    assert conv_ops._tiles(np, 5, one_image) == [slice(0, 2), slice(2, 4), slice(4, 5)]
    with tf.Session() as sess:
        tiled = sess.run([y, gx, gw])
    for a, b in zip(untiled, tiled):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(untiled[0], ref_conv2d(xv, wv, padding="SAME"), rtol=1e-10)


@pytest.mark.parametrize("strides,padding,dilations", [
    ((1, 1), "SAME", (1, 1)), ((1, 1), "VALID", (1, 1)), ((2, 1), "SAME", (1, 1)),
    ((1, 2), [[0, 0], [2, 0], [1, 3], [0, 0]], (2, 1))])
def test_single_channel_convolutions_build_the_im2col_matrix_by_taps(
        monkeypatch, strides, padding, dilations):
    # One input channel: the im2col tile is built transposed (a row per filter tap); forward
    # and filter gradient against the direct loops, in tiles of 2 images (2 + 2 + 1).
    rng = np.random.default_rng(3)
    xv, wv = rng.standard_normal((5, 7, 6, 1)), rng.standard_normal((3, 2, 1, 4))
    x, w = tf.constant(xv), tf.constant(wv)
    y = tf.nn.conv2d(x, w, [1, *strides, 1], padding, dilations=[1, *dilations, 1])
    dy = rng.standard_normal(y.shape.as_list())
    gw, = tf.gradients(y, [w], grad_ys=tf.constant(dy))
    oh, ow = y.shape.as_list()[1:3]
    monkeypatch.setattr(conv_ops, "COL_BYTES", 2 * oh * ow * 6 * 8)
    with tf.Session() as sess:
        got_y, got_gw = sess.run([y, gw])
    if isinstance(padding, list):  # the reference takes [(top, bottom), (left, right)]
        padding = [tuple(padding[1]), tuple(padding[2])]
    np.testing.assert_allclose(got_y, ref_conv2d(xv, wv, strides, padding, dilations),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        got_gw, ref_conv2d_backprop_filter(xv, wv.shape, dy, strides, padding, dilations),
        rtol=1e-10, atol=1e-12)


def test_exported_graph_uses_tfs_op_types_and_attrs():
    x = tf.placeholder(tf.float32, [2, 7, 6, 3], name="x")
    w = tf.placeholder(tf.float32, [3, 3, 3, 4], name="w")
    y = tf.nn.conv2d(x, w, [1, 2, 1, 1], [[0, 0], [1, 2], [2, 1], [0, 0]], name="conv")
    z = tf.nn.avg_pool(tf.nn.max_pool(y, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
                       [1, 2, 2, 1], [1, 1, 1, 1], "SAME")
    tf.gradients(tf.reduce_sum(z), [x, w])
    nodes = {n.name: n for n in tf.get_default_graph().as_graph_def().node}
    types = {n.op for n in nodes.values()}
    assert {"Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "MaxPool", "MaxPoolGrad",
            "AvgPool", "AvgPoolGrad"} <= types
    attrs = {k: from_attr_value(v) for k, v in nodes["conv"].attr.items()}
    assert attrs == {"T": tf.float32, "strides": (1, 2, 1, 1), "padding": "EXPLICIT",
                     "explicit_paddings": (0, 0, 1, 2, 2, 1, 0, 0), "data_format": "NHWC",
                     "dilations": (1, 1, 1, 1), "use_cudnn_on_gpu": True}
    backprop = next(n for n in nodes.values() if n.op == "Conv2DBackpropInput")
    assert from_attr_value(backprop.attr["T"]) is tf.float32  # from the filter, not the sizes
    assert [nodes[i].op for i in backprop.input] == ["Shape", "Placeholder", "Reshape"] or \
        nodes[backprop.input[0]].op == "Shape"


@pytest.mark.parametrize("min_channels", [0, 10 ** 9])  # as a convolution / scatter-add
@pytest.mark.parametrize("strides,padding,dilations", [
    ((1, 1), "SAME", (1, 1)), ((1, 1), "VALID", (1, 1)), ((1, 1), "SAME", (2, 1)),
    ((1, 1), [[0, 0], [2, 0], [1, 3], [0, 0]], (1, 1)),
    ((1, 1), [[0, 0], [4, 0], [0, 0], [0, 0]], (1, 1)),  # pads beyond the filter: scatter-add
    ((2, 1), "SAME", (1, 1))])
def test_both_ways_of_the_input_gradient_agree_with_the_reference(
        monkeypatch, min_channels, strides, padding, dilations):
    monkeypatch.setattr(conv_ops, "AS_CONV_MIN_CHANNELS", min_channels)
    rng = np.random.default_rng(2)
    x_shape, w = (2, 7, 6, 5), rng.standard_normal((3, 2, 5, 4))
    y = tf.nn.conv2d(tf.zeros(x_shape, tf.float64), w, [1, *strides, 1], padding,
                     dilations=[1, *dilations, 1])
    dy = rng.standard_normal(y.shape.as_list())
    dx = tf.nn.conv2d_backprop_input(x_shape, w, dy, [1, *strides, 1], padding,
                                     dilations=[1, *dilations, 1])
    with tf.Session() as sess:
        got = sess.run(dx)
    if isinstance(padding, list):  # the reference takes [(top, bottom), (left, right)]
        padding = [tuple(padding[1]), tuple(padding[2])]
    want = ref_conv2d_backprop_input(x_shape, w, dy, strides, padding, dilations)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.numpy_engine
def test_kernel_temporaries_are_reused_and_never_escape():
    """The padded input and im2col tiles live in the session's Workspace: the same arrays from
    run to run, dropped after a run that needs none, and never part of a result."""
    rng = np.random.default_rng(3)
    x = tf.placeholder(tf.float32, [4, 9, 9, 6])
    wv = rng.standard_normal((3, 3, 6, 8)).astype(np.float32)
    w = tf.constant(wv)
    y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    dx, dw = tf.gradients(tf.reduce_sum(y * y), [x, w])
    other = tf.reduce_sum(x)
    xv = rng.standard_normal((4, 9, 9, 6)).astype(np.float32)
    with tf.Session() as sess:
        first = sess.run([y, dx, dw], {x: xv})
        work = list(sess._state.buffers._work)
        assert len(work) == 3 and all(a is not None for a in work)  # padded, im2col, part
        second = sess.run([y, dx, dw], {x: xv})
        assert all(a is b for a, b in zip(sess._state.buffers._work, work))
        for a, b in zip(first, second):
            np.testing.assert_array_equal(a, b)
            assert not any(np.shares_memory(a, buf) for buf in work)
        sess.run(other, {x: xv})
        assert not sess._state.buffers._work
    want = ref_conv2d(xv.astype(np.float64), wv.astype(np.float64), padding="SAME")
    np.testing.assert_allclose(first[0], want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("k,strides,padding", [
    ((2, 2), (2, 2), "VALID"),   # disjoint windows covering the input: written, not added
    ((2, 2), (3, 2), "VALID"),   # disjoint, with rows in no window
    ((2, 2), (2, 2), "SAME"),    # disjoint, padded (odd sizes)
    ((3, 3), (2, 1), "SAME")])   # overlapping windows: added
@pytest.mark.parametrize("tile_images", [1, 2, 10])  # the batch of 5 in tiles: 1 x 5, 2+2+1, 5
def test_max_pool_gradient_goes_to_the_first_of_tied_maxima(monkeypatch, k, strides, padding,
                                                             tile_images):
    from tests.op_specs.conv_specs import ref_max_pool_grad, ref_pool
    rng = np.random.default_rng(4)
    xv = rng.integers(0, 3, (5, 7, 5, 3)).astype(np.float32)  # many ties
    monkeypatch.setattr(conv_ops, "POOL_TILE_BYTES", tile_images * 8 * 6 * 3 * 4)  # padded
    x = tf.constant(xv)
    y = tf.nn.max_pool(x, [1, *k, 1], [1, *strides, 1], padding)
    dyv = rng.standard_normal(y.shape.as_list()).astype(np.float32)
    (dx,) = tf.gradients(y, [x], grad_ys=tf.constant(dyv))
    with tf.Session() as sess:
        got_y, got = sess.run([y, dx])
    np.testing.assert_array_equal(got_y, ref_pool(xv, k, strides, padding, "MAX"))
    want = ref_max_pool_grad(xv, dyv, k, strides, padding)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("values", ["continuous", "ties", "nan"])
@pytest.mark.parametrize("tile_images", [1, 2, 10])  # the batch of 5 in tiles: 1 x 5, 2+2+1, 5
def test_max_pool_gradient_of_windows_tiling_the_input_takes_every_tap_at_once(
        monkeypatch, request, values, tile_images):
    # 2x2 windows of stride 2 on even sizes compare every tap with the window's maximum in
    # one pass (_one_hit_per_window) when each window holds its maximum once; a tile with a
    # tie or a NaN goes tap by tap: the same bits as tap by tap everywhere, ties to the first
    # (the numpy kernel's paths: with native kernels, one loop runs instead, compared with
    # them in tests/test_native_kernels.py)
    from tests.op_specs.conv_specs import ref_max_pool_grad
    monkeypatch.setenv("MINITF_NATIVE_KERNELS", "0")
    conv_ops._native_max_pool_grad.cache_clear()
    request.addfinalizer(conv_ops._native_max_pool_grad.cache_clear)
    rng = np.random.default_rng(5)
    xv = rng.standard_normal((5, 6, 8, 3)).astype(np.float32)
    if values == "ties":
        xv[3] = rng.integers(0, 3, xv[3].shape)  # one image of many ties
    if values == "nan":
        xv[1, 2, 5, 0] = np.nan
    monkeypatch.setattr(conv_ops, "POOL_TILE_BYTES", tile_images * 6 * 8 * 3 * 4)
    x = tf.placeholder(tf.float32, [None, 6, 8, 3])
    y = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    dyv = rng.standard_normal((5, 3, 4, 3)).astype(np.float32)
    (dx,) = tf.gradients(y, [x], grad_ys=tf.constant(dyv))
    at_once = []
    one_hit = conv_ops._one_hit_per_window
    monkeypatch.setattr(conv_ops, "_one_hit_per_window",
                        lambda *a: at_once.append(one_hit(*a)) or at_once[-1])
    with tf.Session() as sess:
        got = sess.run(dx, {x: xv})
    bad = {"continuous": None, "ties": 3, "nan": 1}[values]  # the image that has one
    step = min(tile_images, 5)
    assert at_once == [not (start <= (bad if bad is not None else -1) < start + step)
                       for start in range(0, 5, step)]
    monkeypatch.setattr(conv_ops, "_one_hit_per_window", lambda *a: False)
    with tf.Session() as sess:
        tap_by_tap = sess.run(dx, {x: xv})
    assert got.tobytes() == tap_by_tap.tobytes()
    if values != "nan":
        np.testing.assert_array_equal(got, ref_max_pool_grad(xv, dyv, (2, 2), (2, 2), "VALID"))


def test_an_empty_batch_gives_empty_results_and_a_zero_filter_gradient():
    x = tf.placeholder(tf.float32, [None, 6, 6, 5])
    w = tf.constant(np.ones((3, 3, 5, 4), np.float32))
    y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    p = tf.nn.max_pool(y, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    dx, dw = tf.gradients(tf.reduce_sum(p), [x, w])
    strided = tf.nn.conv2d_backprop_input([0, 6, 6, 5], w, tf.zeros([0, 3, 3, 4]),
                                          [1, 2, 2, 1], "SAME")
    with tf.Session() as sess:
        got = sess.run([y, p, dx, dw, strided], {x: np.zeros((0, 6, 6, 5), np.float32)})
    assert [a.shape for a in got] == [(0, 6, 6, 4), (0, 3, 3, 4), (0, 6, 6, 5), (3, 3, 5, 4),
                                      (0, 6, 6, 5)]
    assert not got[3].any()


@pytest.mark.numpy_engine
@pytest.mark.parametrize("ksize,strides,padding,rewritten", [
    (2, 2, "VALID", True), (3, 3, "SAME", True), ((2, 3), (2, 3), "SAME", True),
    (3, 2, "SAME", False)])  # overlapping windows keep ReLU's own gradient pass
def test_relu_gradient_of_a_max_pool_gradient_is_applied_to_the_pooled_gradient(
        ksize, strides, padding, rewritten):
    # conv -> relu -> max_pool's backward pass: the plan runs ReluGrad on the pooled gradient
    # (where a window's gradient lands, the input equals its maximum) and MaxPoolGrad after
    # it; the results are the same bits as the two kernels in TF's order (forced here by
    # fetching the pooling gradient too), with ties (ReLU's zeros, equal integers).
    rng = np.random.default_rng(4)
    xv = rng.integers(-3, 4, (3, 7, 8, 2)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 7, 8, 2])
    r = tf.nn.relu(x)
    p = tf.nn.max_pool(r, ksize, strides, padding)
    loss = tf.reduce_sum(p * tf.constant(rng.standard_normal((1,) + tuple(
        p.shape.as_list()[1:])).astype(np.float32)))
    dx = tf.gradients(loss, x)[0] * 1.0  # (the ReLU gradient itself is not fetched)
    (pool_grad,) = [op.outputs[0] for op in tf.get_default_graph().get_operations()
                    if op.type == "MaxPoolGrad"]
    with tf.Session() as sess:
        got = sess.run(dx, {x: xv})
        plan = max(sess._plans.values(), key=lambda q: q.num_kernels)
        steps = [s for s in plan.steps if s.op.type in ("ReluGrad", "MaxPoolGrad")]
        assert [s.op.type for s in steps] == (["ReluGrad", "MaxPoolGrad"] if rewritten else
                                              ["MaxPoolGrad", "ReluGrad"])
        if rewritten:  # the pooled gradient, masked, is drawn from the buffer pool
            masked = steps[0].outs[0]
            assert masked.pooled and masked.tensor.shape.as_list() == p.shape.as_list()
        want, g = sess.run([dx, pool_grad], {x: xv})
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, g * (xv > 0))
    assert np.signbit(got).tolist() == np.signbit(want).tolist()


@pytest.mark.numpy_engine
@pytest.mark.parametrize("ksize,strides,padding,rewritten", [
    (2, 2, "VALID", True), (3, 3, "SAME", True), (3, 2, "SAME", False)])
def test_max_pool_of_a_relu_runs_as_relu_of_the_max_pool_when_only_the_pool_reads_it(
        ksize, strides, padding, rewritten):
    # The forward twin: Relu(z) read only by MaxPool and its gradient runs as Relu(MaxPool(z))
    # on the pooled grid, the gradient reading z and MaxPool(z); the values are those of TF's
    # order (forced by fetching the ReLU's output too), the gradient included.
    rng = np.random.default_rng(5)
    xv = rng.integers(-3, 4, (3, 7, 8, 2)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 7, 8, 2])
    r = tf.nn.relu(x * 1.0)
    p = tf.nn.max_pool(r, ksize, strides, padding)
    w = tf.constant(rng.standard_normal((1,) + tuple(p.shape.as_list()[1:])).astype(np.float32))
    loss = tf.reduce_sum(p * w)
    dx = tf.gradients(loss, x)[0] * 1.0
    with tf.Session() as sess:
        got_loss, got_dx = sess.run([loss, dx], {x: xv})
        plan = max(sess._plans.values(), key=lambda q: q.num_kernels)
        types = [s.op.type for s in plan.steps if s.op.type in ("Relu", "MaxPool")]
        assert types == (["MaxPool", "Relu"] if rewritten else ["Relu", "MaxPool"])
        want_loss, want_dx, _ = sess.run([loss, dx, r], {x: xv})
        # the gradient with respect to the ReLU's output itself is not masked: no rewrite
        dr = tf.gradients(loss, r)[0] * 1.0
        got_dr = sess.run(dr, {x: xv})
        plan = [q for q in sess._plans.values() if q.num_kernels][-1]
        assert [s.op.type for s in plan.steps if s.op.type in ("Relu", "MaxPool")] == \
            ["Relu", "MaxPool"]
        want_dr, _ = sess.run([dr, r], {x: xv})
    np.testing.assert_array_equal(got_loss, want_loss)
    np.testing.assert_array_equal(got_dx, want_dx)
    np.testing.assert_array_equal(got_dr, want_dr)
