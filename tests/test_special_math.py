"""The special functions against TensorFlow's recorded values (tests/record_tf_special_math.py,
fixture tests/fixtures/tf_special_math.json): values over grids with the edge cases (poles,
nan, inf, tiny and huge arguments) in float64 and float32, gradients, accepted dtypes and the
errors for others, op names and static shapes; and random_gamma's samples (shapes, dtypes,
determinism under seeds, moments) and its gradient in alpha."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from minitf.ops.special_math import RandomGammaGrad
from tests import record_tf_special_math as rec

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_special_math.json"),
          encoding="utf-8") as _f:
    TF = json.load(_f)

# name: (float64 rtol, float64 atol). float64 values are TF's within these; float32 values are
# minitf's float64 results rounded, which TF's float32 kernels miss by a few ulp (digamma by up
# to 7e-7 relative near 1.25, and it gives 0.0 at the float32 nearest its root, -1.2e-8).
TOLERANCE = {"lgamma": (1e-13, 1e-15), "digamma": (1e-13, 1e-15), "polygamma": (1e-13, 0),
             "zeta": (1e-13, 0), "igamma": (5e-13, 2e-15), "igammac": (5e-13, 2e-15)}
FLOAT32 = dict(rtol=1e-6, atol=2e-7)
# TF's float32 incomplete gamma functions drift by up to 1e-5 (absolute) for large a, and give
# igammac(1e-10, x) < 0; minitf computes in float64 and rounds.
FLOAT32_ATOL = {"igamma": 2e-5, "igammac": 2e-5}


def _close(got, want, rtol, atol):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.isposinf(got), np.isposinf(want))
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(want))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=rtol, atol=atol)


def _cases(kind, table):
    return [(kind, name) for name in table if name in TOLERANCE]


def _columns(kind, name):
    path, cols = {"unary": rec.UNARY, "binary": rec.BINARY, "ternary": rec.TERNARY}[kind][name]
    return path, [cols] if kind == "unary" else cols


# TF's lgamma of the smallest subnormal is 1075 log 2 (the log of 2^-1075, not of 2^-1074):
# minitf gives -log(x) there.
_SUBNORMAL = 5e-324


@pytest.mark.parametrize("kind,name", _cases("unary", rec.UNARY) + _cases("binary", rec.BINARY))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_tf(kind, name, dtype):
    path, cols = _columns(kind, name)
    got = rec.evaluate(tf, path, cols, dtype)
    want = np.array(TF[kind][name][dtype])
    keep = np.ones(len(want), bool)
    if name == "lgamma":
        keep = np.asarray(cols[0]) != _SUBNORMAL
    if dtype == "float64":
        rtol, atol = TOLERANCE[name]
        _close(got[keep], want[keep], rtol, atol)
        return
    if name in ("zeta", "polygamma"):
        # TF's float32 kernel sums (q + k)^-s over a negative q in float32 and keeps no digit
        # (polygamma(1, -20.7) is -0.047, not 15.03); minitf computes in float64.
        keep = np.asarray(cols[1]) >= 0
    _close(got[keep], want[keep], FLOAT32["rtol"], FLOAT32_ATOL.get(name, FLOAT32["atol"]))


GRADIENT_CASES = [n for n in rec.GRADIENTS if n in TOLERANCE]


@pytest.mark.parametrize("name", GRADIENT_CASES)
def test_gradients_match_tf(name):
    path, cols = rec.GRADIENTS[name]
    got = rec.gradients(tf, path, cols)
    want = TF["gradients"][name]
    assert [g is None for g in got] == [w is None for w in want]
    for g, w in zip(got, want):
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_random_gamma_grad_matches_tf(dtype):
    alpha, sample = rec.RANDOM_GAMMA_GRAD
    g = tf.Graph()
    with g.as_default():
        out = RandomGammaGrad()(tf.constant(alpha.astype(dtype)), tf.constant(sample.astype(dtype)))
        with tf.Session(graph=g) as sess:
            got = sess.run(out)
    assert got.dtype == dtype
    want = TF["random_gamma_grad"][dtype]
    if dtype == "float64":
        _close(got, want, 5e-13, 0)
    else:
        _close(got, want, rtol=2e-5, atol=1e-30)  # TF's float32 series drifts a few ulp


@pytest.mark.parametrize("path", [p for p in rec.DTYPE_FUNCTIONS if p.split(".")[-1] in TOLERANCE])
def test_dtypes_accepted_and_refused_as_tf(path):
    for dtype in rec.DTYPES:
        want = TF["dtypes"][path][dtype]
        if dtype == "bfloat16":
            continue  # minitf has no bfloat16
        got = rec.dtype_outcome(tf, path, dtype)
        assert got[0] == want[0], (path, dtype, got, want)
        if want[0] == "TypeError":
            # TF lists bfloat16 among the allowed types; minitf has none.
            assert got[1].startswith(want[1].replace("bfloat16, ", "")), (got, want)
        else:
            assert got == want


def test_names_and_static_shapes_match_tf():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y = tf.placeholder(tf.float32, [3], name="y")
        made = {"lgamma": tf.lgamma(x), "digamma": tf.digamma(x),
                "polygamma": tf.polygamma(y, x), "zeta": tf.zeta(x, y),
                "igamma": tf.igamma(x, y), "igammac": tf.igammac(x, y)}
        for k, t in made.items():
            assert [t.name, t.dtype.name, t.shape.as_list()] == TF["names"][k], k
        t = tf.random_gamma([5], y)
        assert [t.name, t.dtype.name, t.shape.as_list()] == TF["names"]["random_gamma"]
        t = tf.random.gamma([5, 2], y, tf.ones([2, 1]))
        assert [t.name, t.dtype.name, t.shape.as_list()] == TF["names"]["random_gamma_beta"]


def test_tf_math_has_the_gamma_family():
    for name in ("lgamma", "digamma", "polygamma", "zeta", "igamma", "igammac"):
        assert getattr(tf.math, name) is getattr(tf, name)
    assert tf.random.gamma is tf.random_gamma


# -- random_gamma ------------------------------------------------------------------------------

def _draw(alpha, n, beta=None, dtype=tf.float64, seed=7, runs=1):
    g = tf.Graph()
    with g.as_default():
        s = tf.random_gamma([n], alpha, beta, dtype=dtype, seed=seed)
        with tf.Session(graph=g) as sess:
            return [sess.run(s) for _ in range(runs)]


def test_random_gamma_moments():
    alpha = np.array([0.05, 0.3, 1.0, 2.5, 40.0])
    beta = np.array([[2.0], [0.5]])
    (v,) = _draw(alpha, 40000, beta)
    assert v.shape == (40000, 2, 5) and v.dtype == np.float64
    mean, var = alpha / beta, alpha / beta ** 2
    n = v.shape[0]
    # means within 5 standard errors; variances within 10% (the 4th moment is large for
    # small alpha: its standard error is var * sqrt((6 / alpha + 2) / n))
    assert np.all(np.abs(v.mean(0) - mean) < 5 * np.sqrt(var / n))
    assert np.all(np.abs(v.var(0) / var - 1) < 5 * np.sqrt((6 / alpha + 2) / n))
    assert v.min() >= np.finfo(np.float64).tiny


def test_random_gamma_seeds_and_dtypes():
    a, b = _draw([1.5, 0.5], 1000, seed=11, runs=2)
    (c,) = _draw([1.5, 0.5], 1000, seed=11)
    np.testing.assert_array_equal(a, c)  # the same program repeats its draws
    assert not np.array_equal(a, b)      # successive runs differ
    for dtype in (tf.float16, tf.float32):
        (v,) = _draw(2.0, 10, dtype=dtype)
        assert v.dtype == dtype.as_numpy_dtype and v.shape == (10,)
    with pytest.raises(TypeError, match="parameter 'alpha' has DataType int32"):
        tf.random_gamma([3], 2, dtype=tf.int32)


def test_random_gamma_gradient_is_the_implicit_derivative():
    # d sample / d alpha for the drawn samples is RandomGammaGrad(alpha, sample); summed over
    # the sample dimension and divided by beta through the division, as TF.
    g = tf.Graph()
    with g.as_default():
        alpha = tf.constant([0.7, 3.0])
        beta = tf.constant(2.0)
        s = tf.random_gamma([4, 3], alpha, beta, dtype=tf.float32, seed=1)
        ga, gb = tf.gradients(tf.reduce_sum(s), [alpha, beta])
        assert ga.shape.as_list() == [2]
        with tf.Session(graph=g) as sess:
            sv, gav, gbv = sess.run([s, ga, gb])
    standard = (sv * 2.0).reshape(12, 2)
    with tf.Graph().as_default():
        want = RandomGammaGrad()(tf.constant(np.tile([0.7, 3.0], (12, 1)).astype(np.float32)),
                                 tf.constant(standard))
        with tf.Session() as sess:
            want = sess.run(want)
    np.testing.assert_allclose(gav, want.sum(0) / 2.0, rtol=1e-5)
    np.testing.assert_allclose(gbv, -sv.sum() / 2.0, rtol=1e-5)
