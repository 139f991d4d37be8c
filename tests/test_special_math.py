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
             "zeta": (1e-13, 0), "igamma": (5e-13, 2e-15), "igammac": (5e-13, 2e-15),
             # TF's betainc(5000, 2, 0.999) is 3.7e-12 off the exact x^a (1 + a (1 - x)),
             # minitf's 1.2e-13 (test_betainc_closed_forms)
             "betainc": (5e-12, 1e-15), "erfinv": (1e-13, 0), "ndtri": (1e-13, 0),
             "erfcinv": (1e-13, 0), "bessel_i0": (1e-13, 0), "bessel_i0e": (1e-13, 0),
             "bessel_i1": (1e-13, 0), "bessel_i1e": (1e-13, 0), "rint": (0, 0),
             "xlog1py": (1e-15, 0), "nextafter": (0, 0)}
FLOAT32 = dict(rtol=1e-6, atol=2e-7)
# TF's float32 incomplete gamma functions drift by up to 1e-5 (absolute) for large a, and give
# igammac(1e-10, x) < 0; minitf computes in float64 and rounds.
# TF's float32 betainc is up to 2.5e-4 off (0.1% relative).
FLOAT32_ATOL = {"igamma": 2e-5, "igammac": 2e-5, "betainc": 3e-4}


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


@pytest.mark.parametrize("kind,name", _cases("unary", rec.UNARY) + _cases("binary", rec.BINARY)
                         + _cases("ternary", rec.TERNARY))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_tf(kind, name, dtype):
    path, cols = _columns(kind, name)
    got = rec.evaluate(tf, path, cols, dtype)
    want = np.array(TF[kind][name][dtype])
    keep = np.ones(len(want), bool)
    if name in ("lgamma", "ndtri"):
        keep = np.asarray(cols[0]) != _SUBNORMAL
    if name == "erfinv":
        # TF computes erfinv(x) as ndtri((x + 1) / 2) / sqrt(2): rounding (x + 1) / 2 costs it
        # the digits below 1e-16 / |x| near 0 (erfinv(1e-20) is 0) and 1e-16 / (1 - |x|) near
        # +-1 (erfinv(1 - 2^-53) is inf); minitf's are checked in test_erfinv_keeps_its_digits.
        x = np.asarray(cols[0])
        keep = ~((np.abs(x) < 0.01) | (np.abs(x) > 0.99)) | np.isnan(x) | (np.abs(x) >= 1)
    if dtype == "float64":
        rtol, atol = TOLERANCE[name]
        _close(got[keep], want[keep], rtol, atol)
        return
    if name in ("zeta", "polygamma"):
        # TF's float32 kernel sums (q + k)^-s over a negative q in float32 and keeps no digit
        # (polygamma(1, -20.7) is -0.047, not 15.03); minitf computes in float64.
        keep = np.asarray(cols[1]) >= 0
    _close(got[keep], want[keep], FLOAT32["rtol"], FLOAT32_ATOL.get(name, FLOAT32["atol"]))


@pytest.mark.parametrize("name", list(rec.GRADIENTS))
def test_gradients_match_tf(name):
    path, cols = rec.GRADIENTS[name]
    got = rec.gradients(tf, path, cols)
    want = TF["gradients"][name]
    assert [g is None for g in got] == [w is None for w in want]
    if name == "bessel_i1":
        # I1'(0) is 1/2 (TF 1.15's bessel_i1, e^|x| bessel_i1e(x), gave it); TF 2's rule
        # imputes 1 at 0. Elsewhere the two agree.
        at_zero = list(cols[0]).index(0.0)
        assert got[0][at_zero] == 0.75 * 0.5 and want[0][at_zero] == 0.75 * 1.0
        got[0][at_zero] = want[0][at_zero]
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
        if want[1].startswith("Expected int"):
            # erfcinv's 0.5 * x: TF 2's conversion message; minitf has TF 1.15's
            # "Expected int32, got 0.5 of type 'float' instead."
            assert got[1] == "Expected %s, got 0.5 of type 'float' instead." % dtype, got
        elif want[0] == "TypeError":
            # TF lists bfloat16 among the allowed types; minitf has none.
            assert got[1].startswith(want[1].replace("bfloat16, ", "")), (got, want)
        else:
            assert got == want


def test_names_and_static_shapes_match_tf():
    assert rec.names(tf) == TF["names"]  # the recorder's program, run on minitf


@pytest.mark.parametrize("case", range(len(rec.CUMULATIVE_LOGSUMEXP)))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cumulative_logsumexp_matches_tf(case, dtype):
    got = rec.cumulative_logsumexp(tf, *rec.CUMULATIVE_LOGSUMEXP[case], dtype)
    want = TF["cumulative_logsumexp"][case][dtype]
    _close(got, want, 1e-15 if dtype == "float64" else 1e-7, 0)


def test_tf_and_tf_math_names():
    for name in ("lgamma", "digamma", "polygamma", "zeta", "igamma", "igammac", "betainc",
                 "lbeta", "rint", "accumulate_n"):
        assert getattr(tf.math, name) is getattr(tf, name)
    for name in ("erfinv", "erfcinv", "ndtri", "bessel_i0", "bessel_i0e", "bessel_i1",
                 "bessel_i1e", "xlog1py", "nextafter", "cumulative_logsumexp"):
        assert callable(getattr(tf.math, name)) and not hasattr(tf, name)  # as TF 1.15
    assert tf.random.gamma is tf.random_gamma and tf.random.poisson is tf.random_poisson


def _run(t):
    with tf.Session(graph=t.graph) as sess:
        return sess.run(t)


def test_erfinv_and_ndtri_keep_their_digits():
    # Where TF's erfinv(x) = ndtri((x + 1) / 2) / sqrt(2) loses digits (near 0 and +-1),
    # minitf's does not: erfinv(x) ~ sqrt(pi) / 2 (x + pi x^3 / 12) near 0, and erfc of it
    # gives back 1 - x near 1.
    with tf.Graph().as_default():
        tiny = np.array([1e-300, 1e-20, 1e-10, -1e-5])
        got = _run(tf.math.erfinv(tf.constant(tiny)))
        np.testing.assert_allclose(got, tiny * np.sqrt(np.pi) / 2 * (1 + np.pi * tiny ** 2 / 12),
                                   rtol=2e-16)
        near_one = np.array([1 - 2 ** -53, -(1 - 2 ** -52), 1 - 1e-10, 0.999999, 0.75])
        back = _run(tf.erfc(tf.math.erfinv(tf.constant(near_one))))
        np.testing.assert_allclose(back, 1 - near_one, rtol=1e-14)  # erfc amplifies 2 w dw
        p = np.array([1e-300, 1e-100, 1e-20, 0.3, 0.5 + 2 ** -40, 0.9, 1 - 2 ** -53])
        z = _run(tf.math.ndtri(tf.constant(p)))
        lower = np.where(p < 0.5, p, 1 - p)  # the CDF of -|z|, computed without cancellation
        # (rounding |z| / sqrt(2) = w alone moves erfc(w) by 2 w^2 ulp: 3e-13 at p = 1e-300)
        np.testing.assert_allclose(_run(tf.erfc(tf.constant(np.abs(z) / np.sqrt(2)))) / 2,
                                   lower, rtol=5e-13)


def test_betainc_closed_forms():
    # I_x(a, 1) = x^a, I_x(a, 2) = x^a (1 + a (1 - x)), I_x(1, b) = 1 - (1 - x)^b
    a = np.array([0.5, 3.0, 40.0, 5000.0])
    x = np.array([0.3, 0.7, 0.95, 0.999])
    with tf.Graph().as_default():
        ones = np.ones_like(a)
        got = _run(tf.stack([tf.betainc(a, ones, x), tf.betainc(a, 2 * ones, x),
                             tf.betainc(ones, a, x)]))
    want = [x ** a, x ** a * (1 + a * (1 - x)), -np.expm1(a * np.log1p(-x))]
    np.testing.assert_allclose(got, want, rtol=2e-13)


def test_betainc_shapes_and_errors():
    with tf.Graph().as_default():
        v = tf.placeholder(tf.float32, [None])
        assert tf.betainc(v, tf.ones([3]), 0.5).shape.as_list() == [3]
        with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal, but are "
                                             "3 and 4"):
            tf.betainc(tf.ones([3]), tf.ones([4]), tf.ones([3]))
        with pytest.raises(ValueError, match="Shapes must be equal rank, but are 2 and 1"):
            tf.betainc(tf.ones([2, 3]), tf.ones([3]), 0.5)
        with pytest.raises(TypeError, match="'a' has DataType float16"):
            tf.betainc(tf.ones([3], tf.float16), tf.ones([3], tf.float16), 0.5)
        t = tf.betainc(v, v, tf.placeholder(tf.float32, [None]))
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Shapes of a, b and x"):
                sess.run(t, {t.op.inputs[0]: [1.0, 2.0], t.op.inputs[2]: [0.5, 0.5, 0.5]})


def test_accumulate_n_as_tf():
    with tf.Graph().as_default():
        a = tf.constant([[1.0, 2.0]])
        s = tf.accumulate_n([a, a, [[3.0, 4.0]]], shape=[1, 2], tensor_dtype=tf.float32)
        assert s.op.type == "AddN" and s.name == "AddN:0"
        np.testing.assert_array_equal(_run(s), [[5.0, 8.0]])
        assert tf.accumulate_n([a]) is a
        assert tf.accumulate_n([a], name="only").name == "only:0"
        for bad in ([], None, [a, tf.constant([[1, 2]])]):
            with pytest.raises(ValueError, match="inputs must be a list of at least one Tensor"):
                tf.accumulate_n(bad)
        with pytest.raises(ValueError, match="not compatible"):
            tf.accumulate_n([a, a], shape=[2, 1])
        with pytest.raises(TypeError, match="The `tensor_dtype` argument is <dtype: 'int32'>"):
            tf.accumulate_n([a, a], tensor_dtype=tf.int32)
        (g,) = tf.gradients(tf.reduce_sum(tf.accumulate_n([a, a * 3.0])), [a])
        np.testing.assert_array_equal(_run(g), [[4.0, 4.0]])


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


def test_random_edges_as_tf():
    # gamma: alpha 0 gives 0 (then the dtype's tiny), negative or nan alpha nan, inf inf;
    # Poisson: a rate <= 0 gives 0, inf gives inf (0 in an integer dtype)
    got, want = rec.random_edges(tf), TF["random_edges"]
    assert got.keys() == want.keys()
    for key in got:
        np.testing.assert_array_equal(got[key], want[key])


# -- random_poisson ----------------------------------------------------------------------------

def _poisson(lam, shape, dtype=tf.float32, seed=5, runs=1):
    g = tf.Graph()
    with g.as_default():
        p = tf.random_poisson(lam, shape, dtype=dtype, seed=seed)
        with tf.Session(graph=g) as sess:
            return [sess.run(p) for _ in range(runs)]


def test_random_poisson_moments_shapes_and_dtypes():
    lam = np.array([[0.3, 4.0, 25.0], [1.0, 100.0, 2500.0]])
    (v,) = _poisson(lam, [20000], tf.float64)
    assert v.shape == (20000, 2, 3) and v.dtype == np.float64
    n = v.shape[0]
    assert np.all(np.abs(v.mean(0) - lam) < 5 * np.sqrt(lam / n))
    assert np.all(np.abs(v.var(0) / lam - 1) < 5 * np.sqrt((1 / lam + 2) / n))
    assert np.array_equal(v, np.round(v))
    for dtype in (tf.float16, tf.float32, tf.int32, tf.int64):
        (w,) = _poisson([1.0, 2.0], [3, 1], dtype)
        assert w.dtype == dtype.as_numpy_dtype and w.shape == (3, 1, 2)
    with tf.Graph().as_default():
        (w,) = [_run(tf.random_poisson(tf.constant([0, 3, -2]), [4], dtype=tf.int32))]
        assert w.dtype == np.int32 and np.all(w[:, [0, 2]] == 0)
        with pytest.raises(TypeError, match="'dtype' has DataType bool not in list of allowed "
                                            "values: float16, float32, float64, int32, int64"):
            tf.random_poisson([1.0], [2], dtype=tf.bool)
        with pytest.raises(TypeError, match="'rate' has DataType bool"):
            tf.random_poisson(tf.constant([True]), [2])


def test_random_poisson_seeds_edges_and_no_gradient():
    a, b = _poisson([3.0, 7.0], [500], seed=2, runs=2)
    (c,) = _poisson([3.0, 7.0], [500], seed=2)
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, b)
    # TF's sampler never returns for a nan rate: minitf gives nan (0 in an integer dtype)
    (f,) = _poisson([np.nan, 1.0], [2])
    assert np.isnan(f[:, 0]).all() and not np.isnan(f[:, 1]).any()
    (i,) = _poisson([np.nan], [2], tf.int32)
    np.testing.assert_array_equal(i, np.zeros((2, 1)))
    with tf.Graph().as_default():
        lam = tf.constant([1.0, 2.0])
        p = tf.random_poisson(lam, [3])
        with pytest.raises(LookupError, match="No gradient defined for operation "
                                              "'random_poisson/RandomPoissonV2'"):
            tf.gradients(tf.reduce_sum(p), lam)
