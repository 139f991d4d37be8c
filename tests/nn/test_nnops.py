"""tf.nn.dilation2d / erosion2d, tf.extract_volume_patches, tf.nn.with_space_to_batch, the
fake_quant_* ops and tf.guarantee_const against TensorFlow's recorded values, names, static
shapes and errors (tests/record_tf_nnops.py -> tests/fixtures/tf_nnops.json)."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests.nnops_programs import every_new_op, space_to_batch_graph

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_nnops.json")) as f:
    TF = json.load(f)

f32 = np.float32


def _run(fetches, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetches, feeds)


def _message(fixture):
    """TF's message up to the node description minitf words its own way."""
    return fixture[1].split(" for '{{node")[0]


# -- dilation2d / erosion2d -------------------------------------------------------------------

@pytest.mark.parametrize("case", range(len(TF["morphology"]["cases"])))
@pytest.mark.parametrize("kind", ["dilation", "erosion"])
def test_morphology_values_and_tie_breaking_gradients_are_tfs(case, kind):
    c = TF["morphology"]["cases"][case]
    want = c[kind]
    with tf.Graph().as_default():
        x, k = tf.constant(f32(c["x"])), tf.constant(f32(c["filter"]))
        fn = tf.nn.dilation2d if kind == "dilation" else tf.nn.erosion2d
        y = fn(x, k, c["strides"], c["rates"], c["padding"])
        gx, gk = tf.gradients(y, [x, k], tf.constant(f32(want["dy"])))
        got = _run([y, gx, gk])
    # Integer inputs: many windows have several equal maxima, and TF gives each output's
    # gradient to the first of them only.
    for g, w in zip(got, (want["y"], want["dx"], want["dfilter"])):
        np.testing.assert_array_equal(g, f32(w))


def test_morphology_names_and_static_shapes_are_tfs():
    want = TF["morphology"]["names"]
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 5, None, 3])
        k = tf.placeholder(tf.float32, [2, 3, 3])
        d = tf.nn.dilation2d(x, k, [1, 2, 1, 1], [1, 1, 1, 1], "SAME")
        d2 = tf.nn.dilation2d(x, k, [1, 1, 1, 1], [1, 2, 1, 1], "VALID", name="dil")
        e = tf.nn.erosion2d(x, k, [1, 1, 1, 1], [1, 1, 1, 1], "SAME")
        gx, gk = tf.gradients(d, [x, k])
        assert [d.name, d.shape.as_list()] == want["dilation"]
        assert [d2.name, d2.shape.as_list()] == want["named"]
        assert [e.name, e.shape.as_list()] == want["erosion"]
        assert [[t.name, t.op.type, t.shape.as_list()] for t in (gx, gk)] == want["grads"]
        # (minitf's ReverseV2 holds its axes as an attribute: no Const input)
        assert [[o.type, o.name] for o in g.get_operations()
                if o.name.startswith("erosion2d")] == [list(p) for p in want["erosion_ops"]
                                                       if p[0] != "Const"]


def test_dilation2d_accepts_tf2_argument_names():
    with tf.Graph().as_default():
        x = tf.constant(f32(np.arange(16).reshape(1, 4, 4, 1)))
        w = tf.constant(f32([[[0.0], [1.0]]]))
        a = tf.nn.dilation2d(x, filters=w, strides=[1, 1, 1, 1], dilations=[1, 1, 1, 1],
                             padding="VALID")
        b = tf.nn.dilation2d(x, w, [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
        va, vb = _run([a, b])
    np.testing.assert_array_equal(va, vb)
    np.testing.assert_array_equal(va[0, :, :, 0], np.arange(16).reshape(4, 4)[:, 1:] + 1)
    with pytest.raises(ValueError, match="Cannot specify both 'filters' and 'filter'"):
        tf.nn.dilation2d(x, w, [1, 1, 1, 1], [1, 1, 1, 1], "VALID", filters=w)


def test_morphology_errors_are_tfs():
    want = TF["morphology"]["errors"]
    ph = tf.placeholder
    with tf.Graph().as_default():
        ones = [1, 1, 1, 1]
        for key, (xs, ks) in dict(depth=([1, 4, 4, 3], [2, 2, 2]), rank=([4, 4, 3], [2, 2, 3]),
                                  filter_rank=([1, 4, 4, 3], [2, 3])).items():
            with pytest.raises(ValueError) as e:
                tf.nn.dilation2d(ph(tf.float32, xs), ph(tf.float32, ks), ones, ones, "SAME")
            assert str(e.value).startswith(_message(want[key])), (key, str(e.value))
        with pytest.raises(TypeError) as e:
            tf.nn.dilation2d(ph(tf.float32, [1, 4, 4, 3]), tf.zeros([2, 2, 3], tf.float64),
                             ones, ones, "SAME")
        assert str(e.value).startswith(want["dtype"][1].rstrip("."))
        # TF's kernel refuses a batch stride when it runs (UnimplementedError); minitf when
        # the graph is built, with TF's text.
        assert want["strides"][0] == "UnimplementedError"
        with pytest.raises(ValueError, match=want["strides"][1]):
            tf.nn.dilation2d(ph(tf.float32, [1, 4, 4, 3]), ph(tf.float32, [2, 2, 3]),
                             [2, 1, 1, 1], ones, "SAME")
        # A VALID window larger than the input: an empty output, as TF's.
        y = tf.nn.dilation2d(tf.zeros([1, 2, 4, 3]), tf.zeros([3, 2, 3]), ones, ones, "VALID")
        assert want["valid_too_big"] is None
        assert y.shape.as_list() == [1, 0, 3, 3] and _run(y).shape == (1, 0, 3, 3)


# -- extract_volume_patches --------------------------------------------------------------------

@pytest.mark.parametrize("case", range(len(TF["volume"]["cases"])))
def test_volume_patches_and_gradient_are_tfs(case):
    c = TF["volume"]["cases"][case]
    with tf.Graph().as_default():
        x = tf.constant(f32(c["x"]))
        y = tf.extract_volume_patches(x, c["ksizes"], c["strides"], c["padding"])
        (gx,) = tf.gradients(y, [x], tf.constant(f32(c["dy"])))
        yv, gv = _run([y, gx])
    np.testing.assert_array_equal(yv, f32(c["y"]))
    np.testing.assert_allclose(gv, f32(c["dx"]), rtol=1e-6, atol=1e-6)


def test_volume_patches_names_shapes_and_errors():
    names = TF["volume"]["names"]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4, None, 6, 2])
        y = tf.extract_volume_patches(x, [1, 2, 3, 2, 1], [1, 1, 2, 3, 1], "SAME")
        y2 = tf.extract_volume_patches(x, [1, 2, 1, 2, 1], [1, 2, 1, 2, 1], "VALID", name="vp")
        x3 = tf.placeholder(tf.float32, [None, 4, 5, 6, 2])
        y3 = tf.extract_volume_patches(x3, [1, 2, 3, 2, 1], [1, 1, 2, 3, 1], "SAME")
        (gx,) = tf.gradients(y3, [x3])
        # TF's shape function returns a rank-4 shape when a spatial size is unknown (its
        # bug); minitf keeps rank 5 and the sizes it knows.
        assert names[0] == ["ExtractVolumePatches:0", [None, None, None, 24]]
        assert [y.name, y.shape.as_list()] == ["ExtractVolumePatches:0", [None, 4, None, 2, 24]]
        assert y2.name == names[1][0] and y2.shape.as_list() == [None, 2, None, 3, 8]
        assert [y3.name, y3.shape.as_list()] == names[2]
        assert gx.shape.as_list() == names[3][1]
        # TF's gradient needs the spatial sizes known; minitf's works without them.
        assert TF["volume"]["errors"]["unknown_spatial_grad"][0] == "TypeError"
        (g,) = tf.gradients(y, [x])
        value = _run(g, {x: np.ones((1, 4, 5, 6, 2), np.float32)})
        assert value.shape == (1, 4, 5, 6, 2) and value.max() > 1
        errors = TF["volume"]["errors"]
        with pytest.raises(ValueError) as e:
            tf.extract_volume_patches(tf.placeholder(tf.float32, [4, 5, 6, 2]), [1, 2, 2, 2, 1],
                                      [1, 1, 1, 1, 1], "SAME")
        assert str(e.value).startswith(_message(errors["rank"]))
        with pytest.raises(ValueError, match=errors["ksizes"][1]):
            tf.extract_volume_patches(x, [2, 2, 2, 2, 1], [1, 1, 1, 1, 1], "SAME")
        assert errors["too_big"] is None
        empty = tf.extract_volume_patches(tf.zeros([1, 2, 5, 6, 2]), [1, 3, 2, 2, 1],
                                          [1, 1, 1, 1, 1], "VALID")
        assert empty.shape.as_list() == [1, 0, 4, 5, 24] and _run(empty).shape == (1, 0, 4, 5, 24)


# -- with_space_to_batch -----------------------------------------------------------------------

def test_with_space_to_batch_values_names_and_gradient_are_tfs():
    want = TF["space_to_batch"]
    x, w = f32(want["x"]), f32(want["w"])
    with tf.Graph().as_default():
        xt, ys, g = space_to_batch_graph(tf, w)
        values, gv = _run([ys, g], {xt: x})
    for key, y in ys.items():
        assert [y.name, y.shape.as_list()] == [want[key]["name"], want[key]["shape"]], key
        np.testing.assert_allclose(values[key], f32(want[key]["value"]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gv, f32(want["grad"]), rtol=1e-5, atol=1e-6)


def test_with_space_to_batch_errors_are_tfs():
    want = TF["space_to_batch"]["errors"]
    same = lambda inp, num_spatial_dims, padding: inp  # noqa: E731
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 4, 4, 1])
        for key, call in dict(
                no_filter_shape=lambda: tf.nn.with_space_to_batch(x, [2, 2], "SAME", same),
                rate=lambda: tf.nn.with_space_to_batch(x, [0, 2], "VALID", same),
                spatial_dims=lambda: tf.nn.with_space_to_batch(x, [2, 2], "VALID", same,
                                                               spatial_dims=[2, 1]),
                rank=lambda: tf.nn.with_space_to_batch(tf.placeholder(tf.float32, [4, 4]),
                                                       [2, 2], "VALID", same)).items():
            with pytest.raises(ValueError) as e:
                call()
            assert str(e.value) == want[key][1], key
        with pytest.raises(NotImplementedError, match="spatial sizes known"):
            tf.nn.with_space_to_batch(tf.placeholder(tf.float32, [1, None, 4, 1]), [2, 2],
                                      "VALID", same)


# -- fake quantization -------------------------------------------------------------------------

def _bits(a):
    return np.asarray(a, np.float32).reshape(-1).view(np.uint32)


FQ = TF["fake_quant"]
FQ_X = np.asarray(FQ["x"], np.uint32).view(np.float32)
FQ_G = np.asarray(FQ["g"], np.uint32).view(np.float32)


@pytest.mark.parametrize("case", FQ["cases"],
                         ids=lambda c: "%(min)g_%(max)g_%(num_bits)d_%(narrow_range)s" % c)
def test_fake_quant_is_tfs_to_the_bit(case):
    args = (case["min"], case["max"], case["num_bits"], case["narrow_range"])
    low, high = f32(args[0]), f32(args[1])
    with tf.Graph().as_default():
        a = tf.fake_quant_with_min_max_args(FQ_X, *args)
        ag = tf.fake_quant_with_min_max_args_gradient(FQ_G, FQ_X, *args)
        v = tf.fake_quant_with_min_max_vars(FQ_X, low, high, *args[2:])
        vg = tf.fake_quant_with_min_max_vars_gradient(FQ_G, FQ_X, low, high, *args[2:])
        av, agv, vv, vgv = _run([a, ag, v, vg])
    # The inputs include every boundary and its float neighbours: TF's nudged range, its
    # float32 rounding (the _vars kernel divides by the scale, _args multiplies by its
    # inverse), -0.0 for negative gradients outside the range, subnormals read as 0.
    np.testing.assert_array_equal(_bits(av), case["args"])
    np.testing.assert_array_equal(_bits(agv), case["args_grad"])
    np.testing.assert_array_equal(_bits(vv), case["vars"])
    for got, want in zip(vgv, case["vars_grad"]):
        np.testing.assert_array_equal(_bits(got), want)


@pytest.mark.parametrize("key", sorted(FQ["per_channel"]))
def test_fake_quant_per_channel_is_tfs_to_the_bit(key):
    bits, narrow = int(key.split("_")[0]), key.endswith("True")
    low, high = f32(FQ["channel_min"]), f32(FQ["channel_max"])
    x, g = FQ_X[:630].reshape(5, 42, 3), FQ_G[:630].reshape(5, 42, 3)
    with tf.Graph().as_default():
        p = tf.fake_quant_with_min_max_vars_per_channel(x, low, high, bits, narrow)
        pg = tf.fake_quant_with_min_max_vars_per_channel_gradient(g, x, low, high, bits, narrow)
        pv, pgv = _run([p, pg])
    np.testing.assert_array_equal(_bits(pv), FQ["per_channel"][key]["out"])
    for got, want in zip(pgv, FQ["per_channel"][key]["grad"]):
        np.testing.assert_array_equal(_bits(got), want)


def test_fake_quant_names_defaults_gradients_and_errors_are_tfs():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        mn, mx = tf.placeholder(tf.float32, []), tf.placeholder(tf.float32, [])
        cmn, cmx = tf.placeholder(tf.float32, [3]), tf.placeholder(tf.float32, [None])
        a = tf.fake_quant_with_min_max_args(x)
        v = tf.fake_quant_with_min_max_vars(x, mn, mx, name="fq")
        p = tf.fake_quant_with_min_max_vars_per_channel(x, cmn, cmx)
        grads = tf.gradients(a, x) + tf.gradients(v, [x, mn, mx]) + tf.gradients(p, [x, cmn, cmx])
        assert [[t.name, t.op.type, t.shape.as_list()] for t in [a, v, p] + grads] == FQ["names"]
        assert {k: a.op.get_attr(k) for k in FQ["defaults"]} == FQ["defaults"]
    errors = FQ["errors"]
    ph = lambda s: tf.placeholder(tf.float32, s)  # noqa: E731
    with tf.Graph().as_default():
        # TF's kernels refuse bad attrs when they run (InvalidArgumentError); minitf when the
        # graph is built, with TF's text.
        for key, call in dict(
                args_bits=lambda: tf.fake_quant_with_min_max_args(ph([3]), num_bits=1),
                args_bits17=lambda: tf.fake_quant_with_min_max_args(ph([3]), num_bits=17),
                args_range=lambda: tf.fake_quant_with_min_max_args(ph([3]), min=1.0,
                                                                   max=1.0)).items():
            assert errors[key][0] == "InvalidArgumentError"
            with pytest.raises(ValueError) as e:
                call()
            assert str(e.value).startswith(errors[key][1]), (key, str(e.value))
        with pytest.raises(TypeError) as e:
            tf.fake_quant_with_min_max_args(tf.zeros([3], tf.float64))
        assert str(e.value).startswith(errors["args_dtype"][1].rstrip("."))
        for key, call in dict(
                vars_rank=lambda: tf.fake_quant_with_min_max_vars(ph([3]), ph([1]), ph([])),
                channel_shape=lambda: tf.fake_quant_with_min_max_vars_per_channel(
                    ph([2, 3]), ph([2]), ph([2])),
                channel_rank=lambda: tf.fake_quant_with_min_max_vars_per_channel(
                    ph([2, 3]), ph([]), ph([3]))).items():
            with pytest.raises(ValueError) as e:
                call()
            assert str(e.value).startswith(_message(errors[key])), (key, str(e.value))
        # min > max is no error for the _vars op (TF's too).
        assert errors["vars_range"] is None
        _run(tf.fake_quant_with_min_max_vars(tf.zeros([3]), 2.0, 1.0))


def test_fake_quant_trains_its_range_in_a_tf1_program():
    with tf.Graph().as_default():
        x = tf.constant(f32([-3.0, -0.5, 0.25, 0.5, 2.5]))
        lo, hi = tf.Variable(-1.0), tf.Variable(1.0)
        loss = tf.reduce_sum(tf.fake_quant_with_min_max_vars(x, lo, hi, num_bits=4))
        step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step)
            # d loss / d min: one input below, d max: one above (each a gradient of 1).
            np.testing.assert_allclose(sess.run([lo, hi]), [-1.1, 0.9], rtol=1e-6)


# -- guarantee_const ---------------------------------------------------------------------------

def test_guarantee_const_names_value_and_missing_gradient_are_tfs():
    want = TF["guarantee_const"]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        y = tf.guarantee_const(x)
        y2 = tf.guarantee_const(x, name="gc")
        assert [[y.name, y.op.type, y.shape.as_list()], [y2.name]] == want["names"]
        np.testing.assert_array_equal(_run(y, {x: [[1, 2]]}), [[1, 2]])
        assert want["grad"][0] == "LookupError"
        with pytest.raises(LookupError, match="No gradient defined for operation"):
            tf.gradients(y, x)


# -- GraphDef export ---------------------------------------------------------------------------

def test_graph_def_nodes_have_tfs_attrs_so_tf_imports_them():
    want = {k: v for k, v in TF["node_attrs"].items() if k not in ("StridedSlice", "ExpandDims")}
    got = {}
    for node in every_new_op(tf).as_graph_def().node:
        if node.op in want:
            got.setdefault(node.op, sorted(node.attr))
    assert got == want
