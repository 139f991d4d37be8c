"""tf.linalg.tridiagonal_solve / tridiagonal_matmul, tf.image.extract_glimpse and
tf.nn.fractional_max_pool / fractional_avg_pool against TensorFlow's recorded values, names,
static shapes and errors (tests/record_tf_nnops2.py -> tests/fixtures/tf_nnops2.json)."""

import json
import math
import os

import numpy as np
import pytest

import minitf as tf
from minitf.ops import fractional_pool_ops
from minitf.testing import check_gradients

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_nnops2.json")) as f:
    TF = json.load(f)


def _run(fetches, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetches, feeds)


# -- tridiagonal -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_tridiagonal_values_and_gradients_are_tfs_to_the_bit(dtype):
    c = TF["tridiagonal"][dtype]
    diags, rhs, dy = (np.asarray(c[k], dtype) for k in ("diags", "rhs", "dy"))
    with tf.Graph().as_default():
        d, r = tf.constant(diags), tf.constant(rhs)
        got = {}
        for pivot in (True, False):
            x = tf.linalg.tridiagonal_solve(d, r, partial_pivoting=pivot)
            got["solve_%s" % pivot] = [x] + tf.gradients(x, [d, r], tf.constant(dy))
        m = tf.linalg.tridiagonal_matmul(d, r)
        got["matmul"] = [m] + tf.gradients(m, [d, r], tf.constant(dy))
        got["solve_sequence"] = [tf.linalg.tridiagonal_solve(
            [d[:, 0, :-1], d[:, 1], d[:, 2, 1:]], r, diagonals_format="sequence")]
        got["matmul_sequence"] = [tf.linalg.tridiagonal_matmul(
            [d[:, 0], d[:, 1], d[:, 2]], r, diagonals_format="sequence")]
        dense = tf.constant(np.asarray(_dense(diags), dtype))
        got["solve_matrix"] = [tf.linalg.tridiagonal_solve(dense, r, diagonals_format="matrix")]
        got["matmul_matrix"] = [tf.linalg.tridiagonal_matmul(dense, r,
                                                              diagonals_format="matrix")]
        got["solve_vector_rhs"] = [tf.linalg.tridiagonal_solve(d, r[..., 0])]
        got["solve_transposed_rhs"] = [tf.linalg.tridiagonal_solve(
            d, tf.linalg.matrix_transpose(r), transpose_rhs=True)]
        values = _run(got)
    # (The first system needs row interchanges: its pivots are 1e-3, 0 and 2.)
    for key, vs in values.items():
        for v, want in zip(vs, c[key]):
            np.testing.assert_array_equal(v, np.asarray(want, dtype), err_msg=key)


def _dense(diags):
    m = diags.shape[-1]
    out = np.zeros(diags.shape[:-2] + (m, m))
    i = np.arange(m)
    out[..., i, i] = diags[..., 1, :]
    out[..., i[:-1], i[1:]] = diags[..., 0, :-1]
    out[..., i[1:], i[:-1]] = diags[..., 2, 1:]
    return out


def test_tridiagonal_names_shapes_and_errors_are_tfs():
    t = TF["tridiagonal"]
    with tf.Graph().as_default():
        d = tf.placeholder(tf.float32, [None, 3, 5])
        r = tf.placeholder(tf.float32, [None, 5, 2])
        x = tf.linalg.tridiagonal_solve(d, r)
        m = tf.linalg.tridiagonal_matmul(d, r)
        gd, gr = tf.gradients(x, [d, r])
        md, mr = tf.gradients(m, [d, r])
        v = tf.linalg.tridiagonal_solve(d, tf.placeholder(tf.float32, [None, 5]), name="tv")
        names = t["names"]
        assert [[u.name, u.op.type, u.shape.as_list()] for u in (x, m, v, gd, gr)] == \
            names[:5]
        assert v.op.inputs[0].op.name == "tv"
        # The matmul's gradients: TF's shapes (its op names come from its strided slices).
        assert [md.shape.as_list(), mr.shape.as_list()] == [names[5][2], names[6][2]]
        # A zero pivot: TF's kernel logs a warning and returns NaN for that system.
        singular = tf.linalg.tridiagonal_solve(
            tf.constant([[[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]]),
            tf.ones([1, 3, 1]), partial_pivoting=False)
        assert t["errors"]["singular_no_pivot"] is None
        assert np.isnan(_run(singular)).all()
    errors = t["errors"]
    ph = lambda s: tf.placeholder(tf.float32, s)  # noqa: E731
    with tf.Graph().as_default():
        for key, call in dict(
                three=lambda: tf.linalg.tridiagonal_solve(ph([2, 4, 5]), ph([2, 5, 1])),
                lhs_rhs=lambda: tf.linalg.tridiagonal_solve(ph([2, 3, 5]), ph([2, 4, 1])),
                rank=lambda: tf.linalg.tridiagonal_solve(ph([2, 3, 5]), ph([1, 1, 2, 5, 1])),
                perturb=lambda: tf.linalg.tridiagonal_solve(ph([3, 5]), ph([5, 1]),
                                                            partial_pivoting=False,
                                                            perturb_singular=True),
                format=lambda: tf.linalg.tridiagonal_solve(ph([3, 5]), ph([5, 1]),
                                                           diagonals_format="bands")).items():
            with pytest.raises(ValueError) as e:
                call()
            assert str(e.value) == errors[key][1], key
        with pytest.raises(TypeError) as e:
            tf.linalg.tridiagonal_matmul(tf.zeros([3, 4], tf.float64), ph([4, 2]))
        assert str(e.value).startswith(errors["matmul_dtype"][1].rstrip("."))
        with pytest.raises(NotImplementedError, match="perturb_singular"):
            tf.linalg.tridiagonal_solve(ph([3, 5]), ph([5, 1]), perturb_singular=True)


# -- extract_glimpse ---------------------------------------------------------------------------

G = TF["glimpse"]
G_IMAGE = np.float32(G["image"])


@pytest.mark.parametrize("case", G["cases"],
                         ids=lambda c: "c%d_n%d_%dx%d" % (c["centered"], c["normalized"],
                                                          *c["size"]))
def test_glimpse_windows_are_tfs(case):
    with tf.Graph().as_default():
        y = tf.image.extract_glimpse(G_IMAGE, case["size"], np.float32(case["offsets"]),
                                     centered=case["centered"], normalized=case["normalized"])
        assert y.op.type == G["op_type"] == "ExtractGlimpse"
        np.testing.assert_array_equal(_run(y), np.float32(case["value"]))


def test_glimpse_outside_the_image_is_noise_and_the_inside_is_tfs():
    with tf.Graph().as_default():
        offsets = np.float32([[-1.0, -1.0], [1.0, 1.0]])
        uniform = tf.image.extract_glimpse(G_IMAGE, [5, 5], offsets)
        gaussian = tf.image.extract_glimpse(G_IMAGE, [5, 5], offsets, uniform_noise=False)
        u, g = _run([uniform, gaussian])
    want, want_g = np.float32(G["outside"]), np.float32(G["outside_gaussian"])
    # The corners land at (-2, -2) and (6, 8): rows/cols 2.. of the first window and ..2/..2
    # of the second are the image (TF's values); the rest is noise.
    inside = np.zeros((2, 5, 5), bool)
    inside[0, 2:, 2:] = True
    inside[1, :3, :3] = True
    for got, tf_value in ((u, want), (g, want_g)):
        np.testing.assert_array_equal(got[inside], tf_value[inside])
        assert not np.isin(got[~inside], G_IMAGE).all()  # noise, not pixels
    for b in range(2):  # uniform noise between the image's minimum and maximum, as TF's
        assert G_IMAGE[b].min() <= u[b].min() and u[b].max() <= G_IMAGE[b].max()
        assert G_IMAGE[b].min() <= want[b].min() and want[b].max() <= G_IMAGE[b].max()


def test_glimpse_names_shapes_and_missing_gradient_are_tfs():
    with tf.Graph().as_default():
        image = tf.constant(G_IMAGE)
        tf.image.extract_glimpse(image, [5, 5], tf.zeros([2, 2]))
        tf.image.extract_glimpse(image, [5, 5], tf.zeros([2, 2]))
        x = tf.placeholder(tf.float32, [None, None, 8, 3])
        g = tf.image.extract_glimpse(x, [2, 3], tf.placeholder(tf.float32, [None, 2]))
        g2 = tf.image.extract_glimpse(x, tf.placeholder(tf.int32, [2]),
                                      tf.placeholder(tf.float32, [4, 2]), name="gl")
        assert [[g.name, g.op.type, g.shape.as_list()], [g2.name, g2.shape.as_list()]] == \
            G["names"]
        assert G["grad"] is None and tf.gradients(g, x) == [None]


# -- fractional pooling ------------------------------------------------------------------------

FP = TF["fractional"]


def _follows_tf_rules(seq, size, ratio, pseudo_random):
    """Whether a pooling sequence is one TF's generator can draw."""
    out = int(math.floor(np.float32(size) / np.float32(ratio)))
    k = size // out
    widths = np.diff(seq)
    if len(seq) != out + 1 or seq[0] != 0 or seq[-1] != size or not set(widths) <= {k, k + 1}:
        return False
    if size % out == 0 or not pseudo_random:
        return (widths == k + 1).sum() == size % out
    alpha = size / out
    u_max = min((k + 2) / alpha - 1, (size + 1 - k) / alpha - (out - 1))
    return any(all(math.ceil(alpha * (i + u)) - 1 == seq[i] for i in range(1, out))
               for u in np.linspace(0, u_max, 20001)[:-1])


@pytest.mark.parametrize("case", range(len(FP["cases"])))
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_fractional_pool_and_gradient_given_tfs_sequences_are_tfs(case, kind):
    c = FP["cases"][case]
    want = c[kind]
    x = np.float32(c["x"])
    for axis, seq in ((1, want["rows"]), (2, want["cols"])):
        assert _follows_tf_rules(seq, x.shape[axis], c["ratio"][axis], c["pseudo_random"])
    assert want["same_again"]  # deterministic: the same sequences on every run
    y = fractional_pool_ops.pool_with_sequences(np, x, want["rows"], want["cols"],
                                                c["overlapping"], kind)
    np.testing.assert_array_equal(y, np.float32(want["y"]))
    with tf.Graph().as_default():
        rows, cols = tf.constant(want["rows"], tf.int64), tf.constant(want["cols"], tf.int64)
        dy = tf.constant(np.float32(want["dy"]))
        if kind == "max":  # integer inputs: ties, and TF's first maximum takes the gradient
            grad = fractional_pool_ops.FractionalMaxPoolGrad(c["overlapping"])(
                tf.constant(x), tf.constant(y), dy, rows, cols)
        else:
            grad = fractional_pool_ops.FractionalAvgPoolGrad(c["overlapping"])(
                tf.constant(np.int64(x.shape)), dy, rows, cols)
        np.testing.assert_array_equal(_run(grad), np.float32(want["dx"]))


@pytest.mark.parametrize("pseudo_random", [False, True])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_fractional_pool_ops_draw_tf_sequences_and_pool_with_them(pseudo_random, kind):
    fn = tf.nn.fractional_max_pool if kind == "max" else tf.nn.fractional_avg_pool
    x = np.random.default_rng(3).uniform(-1, 1, (2, 23, 17, 2)).astype(np.float32)
    with tf.Graph().as_default():
        xt = tf.placeholder(tf.float32, [None, 23, 17, 2])
        y, rows, cols = fn(xt, [1.0, 1.6, 1.3, 1.0], pseudo_random, overlapping=True,
                           deterministic=True, seed=1, seed2=2)
        (gx,) = tf.gradients(y, xt, tf.ones_like(y))
        free = fn(xt, [1.0, 1.6, 1.3, 1.0], pseudo_random)
        with tf.Session() as sess:
            first = sess.run([y, rows, cols, gx], {xt: x})
            second = sess.run([rows, cols], {xt: x})
            draws = [sess.run(free[1:], {xt: x}) for _ in range(8)]
    yv, rv, cv, gv = first
    assert rv.dtype == np.int64 and y.shape.as_list() == [None, 14, 13, 2]
    assert _follows_tf_rules(list(rv), 23, 1.6, pseudo_random)
    assert _follows_tf_rules(list(cv), 17, 1.3, pseudo_random)
    np.testing.assert_array_equal(second[0], rv)  # deterministic
    np.testing.assert_array_equal(second[1], cv)
    assert len({tuple(r) + tuple(c) for r, c in draws}) > 1  # not deterministic: new windows
    assert all(_follows_tf_rules(list(r), 23, 1.6, pseudo_random) for r, _ in draws)
    np.testing.assert_array_equal(
        yv, fractional_pool_ops.pool_with_sequences(np, x, list(rv), list(cv), True, kind))
    # Each output passes its whole gradient (1) on, to one input or spread over its window.
    assert gv.sum() == pytest.approx(2 * 14 * 13 * 2, rel=1e-5)


@pytest.mark.parametrize("fn", [tf.nn.fractional_max_pool, tf.nn.fractional_avg_pool])
def test_fractional_pool_gradients_float64(fn):
    # Fixed seeds: every session draws the same windows, so central differences see one
    # function.
    x = np.random.default_rng(4).uniform(-1, 1, (1, 7, 6, 2))
    check_gradients(lambda t: fn(t, [1.0, 1.5, 1.4, 1.0], True, True, True, 5, 6)[0], [x],
                    [(None, 7, 6, 2)])


def test_fractional_pool_names_shapes_and_errors_are_tfs():
    names = FP["names"]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 10, None, 3])
        y, r, c = tf.nn.fractional_max_pool(x, [1, 1.5, 1.5, 1])
        a, ar, ac = tf.nn.fractional_avg_pool(x, [1.0, 2.0, 1.3, 1.0], name="fap")
        gy = tf.gradients(y, x)
        got = [[t.name, t.op.type, t.shape.as_list(), t.dtype.name]
               for t in [y, r, c, a, ar, ac] + gy]
        # TF's shape function gives the sequences [output] entries; they hold output + 1.
        assert names[1][2] == [6] and names[4][2] == [5]
        want = [list(n) for n in names[:7]]
        want[1][2], want[4][2] = [7], [6]
        assert got == want
        assert {k: y.op.get_attr(k) for k in FP["attrs"]} == FP["attrs"]
        # TF's FractionalAvgPool gradient needs the input shape known; minitf's reads it when
        # the graph runs.
        assert FP["avg_grad_unknown_shape"][0] == "ValueError"
        (ga,) = tf.gradients(a, x)
        assert ga.op.type == "FractionalAvgPoolGrad" and ga.shape.as_list() == [None, 10, None, 3]
        assert _run(ga, {x: np.ones((1, 10, 4, 3))}).shape == (1, 10, 4, 3)
        x2 = tf.placeholder(tf.float32, [2, 10, 6, 3])
        (g2,) = tf.gradients(tf.nn.fractional_avg_pool(x2, [1.0, 2.0, 1.3, 1.0])[0], x2)
        assert [g2.op.type, g2.shape.as_list()] == names[7][1:3]
    errors = FP["errors"]
    ph = lambda s: tf.placeholder(tf.float32, s)  # noqa: E731
    with tf.Graph().as_default():
        for key, call in dict(
                ratio_small=lambda: tf.nn.fractional_max_pool(ph([1, 4, 4, 1]),
                                                              [1, 0.5, 1.5, 1]),
                rank=lambda: tf.nn.fractional_max_pool(ph([4, 4, 1]), [1, 1.5, 1.5, 1]),
                # TF raises these three when the kernel runs; minitf when building.
                ratio_batch=lambda: tf.nn.fractional_max_pool(ph([1, 4, 4, 1]),
                                                              [2, 1.5, 1.5, 1]),
                seeds=lambda: tf.nn.fractional_max_pool(ph([1, 4, 4, 1]), [1, 1.5, 1.5, 1],
                                                        seed=3),
                too_small=lambda: tf.nn.fractional_avg_pool(ph([1, 1, 4, 1]),
                                                            [1, 1.5, 1.5, 1])).items():
            with pytest.raises(ValueError) as e:
                call()
            assert str(e.value).startswith(errors[key][1].split(" for '{{node")[0].rstrip(".")), key
