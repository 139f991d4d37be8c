"""Records what TF 2.x compat.v1 (TF 1.15's API) computes for the special functions (lgamma,
digamma, polygamma, zeta, igamma, igammac, betainc, lbeta, erfinv, erfcinv, ndtri, the
bessel_i* functions, xlog1py, nextafter, rint, cumulative_logsumexp, accumulate_n) and for
the alpha-gradient of random_gamma, for tests/test_special_math.py. Run in a throwaway venv
with tensorflow-cpu (never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_special_math.py \\
        > tests/fixtures/tf_special_math.json

The grids cover the edge cases (0, -0, negative integers, poles, nan, inf, tiny and huge
arguments); the test runs the same programs on minitf (`run_case` takes the tf module) and
compares the values. Values are written with repr's 17 digits (float32 results exactly).
"""
import json
import sys

import numpy as np

# -- grids -------------------------------------------------------------------------------------

_rng = np.random.RandomState(1234)

GAMMA_X = np.concatenate([
    [0.0, -0.0, 5e-324, 1e-300, 1e-30, 1e-10, 1e-5, 0.1, 0.5, 0.75, 1.0, 1.0 + 1e-8, 1.25,
     1.4616321449683622, 1.5, 1.75, 2.0, 2.0 - 1e-9, 2.25, 2.5, 3.0, 4.5, 7.3, 10.0, 12.9,
     13.0, 13.5, 20.0, 100.5, 1e3, 1e5, 1e10, 1e15, 1e17, 1e20, 1e100, 1e300, 1.7e308,
     np.inf, -np.inf, np.nan, -1.0, -2.0, -100.0, -0.5, -1.5, -2.5, -1e-10, -0.9999, -3.7,
     -10.3, -100.25, -1e5 + 0.5, -170.5, -171.5, -200.1],
    np.exp(_rng.uniform(np.log(1e-4), np.log(1e4), 60)),
    -_rng.uniform(0, 40, 30)])

POLYGAMMA_N = [1.0, 2.0, 3.0, 5.0, 10.0, 0.0, 1.5, -1.0]
POLYGAMMA_X = np.concatenate([
    [0.0, 1e-10, 0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 13.2, 50.0, 1e3, 1e6, np.inf, np.nan,
     -1.0, -0.5, -2.5, -3.3, -20.7],
    np.exp(_rng.uniform(np.log(1e-3), np.log(1e3), 20))])

ZETA_S = [1.0, 1.5, 2.0, 3.0, 4.5, 10.0, 30.0, 0.5, -1.0, np.inf, np.nan]
ZETA_Q = [0.0, 1e-8, 0.3, 1.0, 2.5, 8.9, 9.0, 13.0, 100.0, 1e6, np.inf, np.nan, -1.0, -0.5,
          -2.5, -7.25, -20.5]

IGAMMA_A = [1e-10, 0.01, 0.1, 0.5, 1.0, 2.5, 10.0, 50.0, 200.0, 1000.0, 0.0, -1.0, np.nan,
            np.inf]
IGAMMA_X = [0.0, 1e-3, 0.1, 0.5, 1.0, 2.0, 5.0, 9.5, 10.5, 20.0, 50.0, 100.0, 180.0, 220.0,
            500.0, 950.0, 1050.0, 2000.0, np.inf, np.nan, -1.0]

BETAINC_AB = [0.1, 0.5, 1.0, 2.5, 10.0, 100.0]
BETAINC_X = [0.0, 0.01, 0.3, 0.5, 0.7, 0.99, 1.0]
BETAINC_EDGES = [  # (a, b, x)
    (0.0, 1.0, 0.5), (1.0, 0.0, 0.5), (-1.0, 2.0, 0.5), (2.0, 3.0, -0.1), (2.0, 3.0, 1.1),
    (np.nan, 2.0, 0.5), (2.0, 2.0, np.nan), (np.inf, 2.0, 0.5), (1e-5, 1e-5, 0.5),
    (1000.0, 1000.0, 0.5), (1000.0, 1000.0, 0.49), (5000.0, 2.0, 0.999)]

ERFINV_X = np.concatenate([
    [-1.0, 1.0, 0.0, -0.0, 1e-300, 1e-20, 1e-10, -1e-5, 0.1, 0.4, 0.5, 0.9, 0.99, 0.999999,
     1 - 1e-10, -(1 - 1e-15), 1 - 2 ** -53, -1 + 2 ** -53, 1.5, -2.0, np.nan, np.inf],
    _rng.uniform(-1, 1, 30)])
NDTRI_P = np.concatenate([
    [0.0, 1.0, 5e-324, 1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.01, 0.1, 0.135, 0.14, 0.3, 0.5,
     0.5 + 1e-12, 0.7, 0.86, 0.87, 0.99, 1 - 1e-10, 1 - 2 ** -53, -0.1, 1.1, np.nan, np.inf],
    _rng.uniform(0, 1, 30)])
ERFCINV_X = np.concatenate([
    [0.0, 2.0, 1.0, 1e-300, 1e-20, 1e-5, 0.5, 1.5, 2 - 1e-10, -0.5, 2.5, np.nan],
    _rng.uniform(0, 2, 20)])

BESSEL_X = np.concatenate([
    [0.0, -0.0, 1e-300, 1e-10, 0.1, 1.0, 2.0, 7.9, 8.0, 8.1, 15.0, 20.0, 29.0, 30.0, 31.0,
     50.0, 100.0, 700.0, 713.0, 720.0, 1e5, 1e300, np.inf, -np.inf, np.nan, -1.0, -8.5,
     -35.0, -720.0],
    _rng.uniform(-60, 60, 30)])

XLOG1PY = [(0.0, -1.0), (0.0, np.nan), (0.0, 0.5), (1.0, -1.0), (2.0, 1e-10), (2.0, 3.0),
           (-1.5, 0.25), (np.nan, 0.0), (1.0, -2.0), (0.0, np.inf), (3.0, np.inf)]
NEXTAFTER = [(1.0, 2.0), (1.0, 0.0), (0.0, 1.0), (0.0, -1.0), (-0.0, 0.0), (0.0, -0.0),
             (1.0, 1.0), (np.inf, 0.0), (-np.inf, 0.0), (1e300, np.inf), (np.nan, 1.0),
             (1.0, np.nan), (5e-324, 0.0), (-1.5, -np.inf), (3.4e38, np.inf)]
RINT_X = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 2.4, -2.6, 1e16 + 1.0,
          4503599627370497.0, -0.0, 0.0, np.inf, -np.inf, np.nan, 123456.5, -7.5]

UNARY = {  # name: (tf path, x grid)
    "lgamma": ("lgamma", GAMMA_X), "digamma": ("digamma", GAMMA_X),
    "erfinv": ("math.erfinv", ERFINV_X), "ndtri": ("math.ndtri", NDTRI_P),
    "erfcinv": ("math.erfcinv", ERFCINV_X),
    "bessel_i0": ("math.bessel_i0", BESSEL_X), "bessel_i0e": ("math.bessel_i0e", BESSEL_X),
    "bessel_i1": ("math.bessel_i1", BESSEL_X), "bessel_i1e": ("math.bessel_i1e", BESSEL_X),
    "rint": ("rint", RINT_X),
}


def _pairs(first, second):
    a, b = np.meshgrid(np.asarray(first, np.float64), np.asarray(second, np.float64),
                       indexing="ij")
    return [a.ravel(), b.ravel()]


BINARY = {  # name: (tf path, [x, y] columns)
    "polygamma": ("polygamma", _pairs(POLYGAMMA_N, POLYGAMMA_X)),
    "zeta": ("zeta", _pairs(ZETA_S, ZETA_Q)),
    "igamma": ("igamma", _pairs(IGAMMA_A, IGAMMA_X)),
    "igammac": ("igammac", _pairs(IGAMMA_A, IGAMMA_X)),
    "xlog1py": ("math.xlog1py", [np.array(c) for c in zip(*XLOG1PY)]),
    "nextafter": ("math.nextafter", [np.array(c) for c in zip(*NEXTAFTER)]),
}


def _betainc_columns():
    a, b, x = np.meshgrid(BETAINC_AB, BETAINC_AB, BETAINC_X, indexing="ij")
    cols = [a.ravel(), b.ravel(), x.ravel()]
    edges = np.array(BETAINC_EDGES).T
    return [np.concatenate([c, e]) for c, e in zip(cols, edges)]


TERNARY = {"betainc": ("betainc", _betainc_columns())}

# Gradients: the function's float64 gradient with respect to each argument (None where TF
# gives none), at points inside the domain.
GRADIENTS = {
    "lgamma": ("lgamma", [[0.3, 1.0, 2.7, 15.5, -0.5, -2.3]]),
    "digamma": ("digamma", [[0.3, 1.0, 2.7, 15.5, -0.5, -2.3]]),
    "polygamma": ("polygamma", [[1.0, 2.0, 3.0, 1.0], [0.7, 2.5, 11.0, -1.5]]),
    "zeta": ("zeta", [[2.0, 3.5, 5.0], [0.5, 2.0, 13.0]]),
    "igamma": ("igamma", [[0.5, 2.5, 10.0, 30.0], [0.3, 3.0, 8.0, 45.0]]),
    "igammac": ("igammac", [[0.5, 2.5, 10.0, 30.0], [0.3, 3.0, 8.0, 45.0]]),
    "betainc": ("betainc", [[0.5, 2.0, 5.0], [1.5, 3.0, 0.5], [0.2, 0.6, 0.9]]),
    "lbeta": ("lbeta", [[[0.5, 2.0, 5.0], [1.5, 3.0, 0.25]]]),
    "erfinv": ("math.erfinv", [[-0.9, -0.2, 0.0, 0.5, 0.99]]),
    "erfcinv": ("math.erfcinv", [[0.01, 0.5, 1.0, 1.7]]),
    "ndtri": ("math.ndtri", [[1e-5, 0.2, 0.5, 0.9]]),
    "bessel_i0": ("math.bessel_i0", [[-3.0, 0.0, 0.5, 12.0, 40.0]]),
    "bessel_i0e": ("math.bessel_i0e", [[-3.0, 0.0, 0.5, 12.0, 40.0]]),
    "bessel_i1": ("math.bessel_i1", [[-3.0, 0.0, 0.5, 12.0, 40.0]]),
    "bessel_i1e": ("math.bessel_i1e", [[-3.0, 0.0, 0.5, 12.0, 40.0]]),
    "xlog1py": ("math.xlog1py", [[0.0, 1.0, 2.0, -1.5], [0.5, -0.5, 3.0, 0.25]]),
    "nextafter": ("math.nextafter", [[1.0, 2.0], [2.0, 0.0]]),
    "rint": ("rint", [[0.3, 1.7]]),
    "cumulative_logsumexp": ("math.cumulative_logsumexp",
                             [[[0.5, -1.0, 2.0, 0.0], [1.0, 3.0, -2.0, 0.5]]]),
}

RANDOM_GAMMA_GRAD = _pairs([0.01, 0.1, 0.5, 1.0, 2.5, 10.0, 100.0],
                           [1e-20, 1e-3, 0.05, 0.5, 1.0, 3.0, 9.0, 30.0, 120.0])

CUMULATIVE_LOGSUMEXP = [  # (values, axis, exclusive, reverse)
    ([[0.5, -1.0, 2.0, 0.0], [1.0, 3.0, -2.0, 0.5]], 1, False, False),
    ([[0.5, -1.0, 2.0, 0.0], [1.0, 3.0, -2.0, 0.5]], 0, False, False),
    ([[0.5, -1.0, 2.0, 0.0], [1.0, 3.0, -2.0, 0.5]], -1, True, False),
    ([[0.5, -1.0, 2.0, 0.0], [1.0, 3.0, -2.0, 0.5]], 1, False, True),
    ([[0.5, -1.0, 2.0, 0.0], [1.0, 3.0, -2.0, 0.5]], 1, True, True),
    ([-np.inf, -np.inf, 1.0, np.inf, 2.0, np.nan, 0.0], 0, False, False),
    ([700.0, 710.0, 800.0, -800.0], 0, False, False),
]

DTYPES = ["float16", "bfloat16", "float32", "float64", "int32", "int64", "complex64"]
DTYPE_FUNCTIONS = ["lgamma", "digamma", "polygamma", "zeta", "igamma", "igammac", "betainc",
                   "lbeta", "math.erfinv", "math.erfcinv", "math.ndtri", "math.bessel_i0",
                   "math.bessel_i0e", "math.bessel_i1", "math.bessel_i1e", "math.xlog1py",
                   "math.nextafter", "rint", "math.cumulative_logsumexp"]
ARITY = {"polygamma": 2, "zeta": 2, "igamma": 2, "igammac": 2, "betainc": 3,
         "math.xlog1py": 2, "math.nextafter": 2}


# -- programs (run by the recorder on TF and by the test on minitf) ----------------------------

def function(tf, path):
    fn = tf
    for part in path.split("."):
        fn = getattr(fn, part)
    return fn


def evaluate(tf, path, columns, dtype):
    """Builds fn(*constants) for one dtype and runs it: the flat result as float64 values."""
    g = tf.Graph()
    with g.as_default(), np.errstate(over="ignore"):  # 1e300 is inf in float32
        args = [tf.constant(np.asarray(c, np.float64).astype(dtype)) for c in columns]
        out = function(tf, path)(*args)
        with tf.Session(graph=g) as sess:
            return np.asarray(sess.run(out), np.float64).ravel()


def gradients(tf, path, columns):
    """d sum(fn(*args)) / d each argument in float64 (None where TF gives no gradient)."""
    g = tf.Graph()
    with g.as_default():
        args = [tf.constant(np.asarray(c, np.float64)) for c in columns]
        out = function(tf, path)(*args)
        grads = tf.gradients(tf.reduce_sum(out * out.dtype.as_numpy_dtype(0.75)), args)
        with tf.Session(graph=g) as sess:
            return [None if gr is None else np.asarray(sess.run(gr)).ravel().tolist()
                    for gr in grads]


def random_gamma_grad(tf, alpha, sample, dtype):
    """d sample / d alpha of standard gamma samples (the gradient random_gamma passes back),
    through tf.gradients of random_gamma with a stop at the sample values."""
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(np.asarray(alpha).astype(dtype))
        x = tf.constant(np.asarray(sample).astype(dtype))
        return _run(tf, g, _gamma_grad_op(tf)(a, x))


def _gamma_grad_op(tf):
    ops = __import__("tensorflow.python.ops.gen_random_ops", fromlist=["x"])
    return ops.random_gamma_grad


def _run(tf, g, out):
    with tf.Session(graph=g) as sess:
        return np.asarray(sess.run(out), np.float64).ravel()


def cumulative_logsumexp(tf, values, axis, exclusive, reverse, dtype):
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(np.asarray(values, dtype))
        out = tf.math.cumulative_logsumexp(x, axis=axis, exclusive=exclusive, reverse=reverse)
        return _run(tf, g, out)


def dtype_outcome(tf, path, dtype):
    """'ok', or the error class and first line TF gives for arguments of `dtype`."""
    g = tf.Graph()
    with g.as_default():
        args = [tf.constant(np.ones([2]).astype("float32"), dtype=getattr(tf, dtype))
                if dtype not in ("int32", "int64") else tf.constant([1, 2], dtype=getattr(tf, dtype))
                for _ in range(ARITY.get(path, 1))]
        try:
            out = function(tf, path)(*args)
        except Exception as e:  # noqa: BLE001 - the class is what is recorded
            return [type(e).__name__, str(e).splitlines()[0]]
        return ["ok", out.dtype.name]


def names(tf):
    """Op names, output names and static shapes of each function on placeholders."""
    g = tf.Graph()
    out = {}
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y = tf.placeholder(tf.float32, [3], name="y")
        made = {"lgamma": tf.lgamma(x), "digamma": tf.digamma(x), "polygamma": tf.polygamma(y, x),
                "zeta": tf.zeta(x, y), "igamma": tf.igamma(x, y), "igammac": tf.igammac(x, y),
                "betainc": tf.betainc(y, y, y), "lbeta": tf.lbeta(x),
                "erfinv": tf.math.erfinv(x), "erfcinv": tf.math.erfcinv(x),
                "ndtri": tf.math.ndtri(x), "bessel_i0": tf.math.bessel_i0(x),
                "bessel_i0e": tf.math.bessel_i0e(x), "bessel_i1": tf.math.bessel_i1(x),
                "bessel_i1e": tf.math.bessel_i1e(x), "xlog1py": tf.math.xlog1py(x, y),
                "nextafter": tf.math.nextafter(x, y), "rint": tf.rint(x),
                "cumulative_logsumexp": tf.math.cumulative_logsumexp(x, axis=1),
                "accumulate_n": tf.accumulate_n([x, x, x]),
                "random_gamma": tf.random_gamma([5], y),
                "random_gamma_beta": tf.random.gamma([5, 2], y, tf.ones([2, 1])),
                "random_poisson": tf.random_poisson(y, [5]),
                "random_poisson_int": tf.random.poisson(y, [5, 1], dtype=tf.int64)}
        for k, t in made.items():
            out[k] = [t.name, t.dtype.name, None if t.shape.ndims is None else
                      [d if isinstance(d, int) or d is None else d.value
                       for d in t.shape.as_list()]]
    return out


def random_edges(tf):
    """What random_gamma and random_poisson give for degenerate parameters (deterministic):
    gamma alphas 0, -1, nan, inf, 1e-30; Poisson rates 0, -1, inf, 1e-30 in float32 and int32
    (a nan rate never returns in TF); and the rate dtype a Python int list takes."""
    g = tf.Graph()
    with g.as_default():
        gamma = tf.random_gamma([2], [0.0, -1.0, np.nan, np.inf, 1e-30], dtype=tf.float64,
                                seed=1)
        lam = [0.0, -1.0, np.inf, 1e-30]
        poisson = [tf.random_poisson(lam, [2], dtype=d, seed=1) for d in (tf.float32, tf.int32)]
        int_rate = tf.random_poisson([1, 2], [2]).op.inputs[1].dtype.name
        with tf.Session(graph=g) as sess:
            values = sess.run([gamma] + poisson)
    return {"gamma": values[0].tolist(), "poisson_float32": values[1].tolist(),
            "poisson_int32": values[2].tolist(), "int_rate_dtype": int_rate}


def _finite(values):
    return [float(v) for v in values]


def main():
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    out = {"unary": {}, "binary": {}, "ternary": {}, "gradients": {}, "dtypes": {}}
    for kind, table in (("unary", UNARY), ("binary", BINARY), ("ternary", TERNARY)):
        for name, (path, cols) in table.items():
            cols = [cols] if kind == "unary" else cols
            out[kind][name] = {dtype: _finite(evaluate(tf, path, cols, dtype))
                               for dtype in ("float64", "float32")}
    for name, (path, cols) in GRADIENTS.items():
        out["gradients"][name] = gradients(tf, path, cols)
    out["random_gamma_grad"] = {dtype: _finite(random_gamma_grad(
        tf, RANDOM_GAMMA_GRAD[0], RANDOM_GAMMA_GRAD[1], dtype)) for dtype in
        ("float64", "float32")}
    out["cumulative_logsumexp"] = [
        {dtype: _finite(cumulative_logsumexp(tf, *case, dtype)) for dtype in
         ("float64", "float32")} for case in CUMULATIVE_LOGSUMEXP]
    for path in DTYPE_FUNCTIONS:
        out["dtypes"][path] = {d: dtype_outcome(tf, path, d) for d in DTYPES}
    out["names"] = names(tf)
    out["random_edges"] = random_edges(tf)
    json.dump(out, sys.stdout, indent=0, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
