"""Op table entries for the special functions (ops/special_math.py) and cumulative_logsumexp.
The numpy references are independent of minitf's kernels: Python's math.lgamma, math.erf and
math.erfc, central differences, direct Euler-Maclaurin sums for zeta, Simpson's rule on the
gamma and beta densities, bisection for the inverses and the power series of the Bessel
functions (their values against TensorFlow's are in tests/test_special_math.py)."""

import math

import numpy as np

import minitf as tf
from minitf.ops.special_math import IgammaGradA, RandomGammaGrad
from tests.op_specs.spec import Arg, OpSpec

_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


def _digamma(x, h=1e-5):
    x = np.asarray(x, np.float64)
    return ((_lgamma(x + h) - _lgamma(x - h)) / (2 * h)).astype(np.asarray(x).dtype)


def _zeta(s, q, terms=2000):
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    k = np.arange(terms).reshape((-1,) + (1,) * s.ndim)
    a = q + terms
    tail = a ** (1 - s) / (s - 1) + a ** -s / 2 + s * a ** (-s - 1) / 12
    return np.sum((q + k) ** -s, axis=0) + tail


def _polygamma(n, x):
    factorial = np.vectorize(math.factorial, otypes=[np.float64])(n.astype(int))
    return (-1.0) ** (n + 1) * factorial * _zeta(n + 1, x)


def _igamma(a, x, points=4001):
    """P(a, x) = int_0^x t^(a-1) e^-t dt / Gamma(a) by Simpson's rule in v, t = x v^4 (the
    integrand 4 x^a v^(4a-1) e^(-x v^4) is smooth at 0 for a >= 1)."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    v = np.linspace(0, 1, points).reshape((-1,) + (1,) * a.ndim)
    f = 4 * x ** a * v ** (4 * a - 1) * np.exp(-x * v ** 4)
    w = np.ones(points)
    w[1:-1:2], w[2:-1:2] = 4, 2
    w = w.reshape((-1,) + (1,) * a.ndim)
    return np.sum(w * f, axis=0) / (3 * (points - 1)) / np.exp(_lgamma(a))


def _igamma_grad_a(a, x, h=1e-5):
    a = np.asarray(a, np.float64)
    return (_igamma(a + h, x) - _igamma(a - h, x)) / (2 * h)


def _gamma_sample_grad(alpha, sample):
    alpha, sample = np.asarray(alpha, np.float64), np.asarray(sample, np.float64)
    density = np.exp((alpha - 1) * np.log(sample) - sample - _lgamma(alpha))
    return -_igamma_grad_a(alpha, sample) / density


def _betainc(a, b, x, points=4001):
    """I_x(a, b) by Simpson's rule in v, t = x v^4 (smooth at 0 for a >= 1; b >= 1 too)."""
    a, b, x = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, x)))
    v = np.linspace(0, 1, points).reshape((-1,) + (1,) * a.ndim)
    t = x * v ** 4
    f = 4 * x ** a * v ** (4 * a - 1) * (1 - t) ** (b - 1)
    w = np.ones(points)
    w[1:-1:2], w[2:-1:2] = 4, 2
    w = w.reshape((-1,) + (1,) * a.ndim)
    log_beta = _lgamma(a) + _lgamma(b) - _lgamma(a + b)
    return np.sum(w * f, axis=0) / (3 * (points - 1)) / np.exp(log_beta)


def _bisect(fn, target, low, high, steps=200):
    """The root of fn(v) = target (fn increasing) in [low, high], elementwise."""
    target = np.asarray(target, np.float64)
    lo, hi = np.full(target.shape, low), np.full(target.shape, high)
    for _ in range(steps):
        mid = (lo + hi) / 2
        below = fn(mid) < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _bessel(x, order):
    x = np.asarray(x, np.float64)
    q = x * x / 4
    term = np.ones_like(x) if order == 0 else x / 2
    total = term.copy()
    for k in range(1, 200):
        term = term * q / (k * (k + order))
        total = total + term
    return total


def _np_cumulative_logsumexp(x, axis, exclusive=False, reverse=False):
    x = np.asarray(x, np.float64)
    x = np.flip(x, axis) if reverse else x
    y = np.logaddexp.accumulate(x, axis=axis)
    if exclusive:
        y = np.concatenate([np.full_like(np.take(y, [0], axis), -np.inf),
                            np.delete(y, -1, axis)], axis)
    return np.flip(y, axis) if reverse else y


def _cast_like(ref):
    return lambda *xs: ref(*xs).astype(xs[-1].dtype)


SPECS = [
    OpSpec("lgamma", tf.lgamma, _cast_like(_lgamma),
           [Arg((4, 3), static=(None, 3), low=-3.9, high=6.0)]),
    OpSpec("lgamma/poles", tf.lgamma, _cast_like(_lgamma),
           [Arg((5,), values=[1.0, 2.0, 0.5, -0.5, 30.0])], grad=False),
    OpSpec("digamma", tf.digamma, _cast_like(_digamma),
           [Arg((4, 3), static=(None, 3), low=0.2, high=8.0)], rtol=1e-5, atol=1e-5),
    OpSpec("digamma/negative", tf.digamma, _cast_like(_digamma),
           [Arg((4,), values=[-0.5, -1.3, -2.7, -9.6])], rtol=1e-5, atol=1e-5),
    OpSpec("polygamma", tf.polygamma, _cast_like(_polygamma),
           [Arg((2, 1), values=[[1.0], [3.0]]), Arg((3,), static=(None,), low=0.3, high=4.0)],
           wrt=[1], rtol=1e-5),
    OpSpec("zeta", tf.zeta, _cast_like(_zeta),
           [Arg((3,), values=[2.0, 3.5, 6.0]), Arg((2, 3), static=(None, 3), low=0.5, high=5)],
           wrt=[1], rtol=1e-5),
    OpSpec("igamma", tf.igamma, _cast_like(_igamma),
           [Arg((3, 1), low=1.0, high=4.0), Arg((4,), low=0.2, high=6.0)], rtol=1e-5,
           grad_rtol=1e-4),
    OpSpec("igammac", tf.igammac, lambda a, x: (1 - _igamma(a, x)).astype(x.dtype),
           [Arg((2, 3), static=(None, 3), low=1.0, high=4.0), Arg((3,), low=0.2, high=6.0)],
           rtol=1e-5, atol=1e-6),
    OpSpec("igamma_grad_a", lambda a, x: IgammaGradA()(a, x), _cast_like(_igamma_grad_a),
           [Arg((3,), low=1.0, high=4.0), Arg((2, 3), low=0.2, high=6.0)], grad=False,
           rtol=1e-4, atol=1e-6),
    OpSpec("random_gamma_grad", lambda a, s: RandomGammaGrad()(a, s),
           _cast_like(_gamma_sample_grad),
           [Arg((3,), low=1.0, high=4.0), Arg((2, 3), low=0.2, high=6.0)], grad=False,
           rtol=1e-4, atol=1e-6),
]

SPECS += [
    OpSpec("betainc", tf.betainc, _cast_like(_betainc),
           [Arg((2, 3), low=1.0, high=4.0), Arg((2, 3), low=1.0, high=4.0),
            Arg((2, 3), low=0.05, high=0.95)], wrt=[2], rtol=1e-5, atol=1e-6),
    OpSpec("betainc/scalar_x", tf.betainc, _cast_like(_betainc),
           [Arg((4,), static=(None,), low=1.0, high=4.0), Arg((4,), low=1.0, high=4.0),
            Arg((), low=0.1, high=0.9)], wrt=[2], rtol=1e-5, atol=1e-6),
    OpSpec("erfinv", tf.math.erfinv, _cast_like(lambda x: _bisect(_erf, x, -6.0, 6.0)),
           [Arg((4, 3), static=(None, 3), low=-0.99, high=0.99)], rtol=1e-5),
    OpSpec("ndtri", tf.math.ndtri,
           _cast_like(lambda p: _bisect(lambda z: (1 + _erf(z / math.sqrt(2))) / 2, p, -9.0,
                                        9.0)),
           [Arg((4, 3), static=(None, 3), low=0.01, high=0.99)], rtol=1e-5),
    OpSpec("bessel_i0", tf.math.bessel_i0, _cast_like(lambda x: _bessel(x, 0)),
           [Arg((4, 3), static=(None, 3), low=-6.0, high=6.0)], rtol=1e-5),
    OpSpec("bessel_i0e", tf.math.bessel_i0e,
           _cast_like(lambda x: _bessel(x, 0) * np.exp(-np.abs(x))),
           [Arg((4, 3), low=-6.0, high=6.0)], rtol=1e-5),
    OpSpec("bessel_i1", tf.math.bessel_i1, _cast_like(lambda x: _bessel(x, 1)),
           [Arg((4, 3), low=-6.0, high=6.0)], rtol=1e-5),
    OpSpec("bessel_i1e", tf.math.bessel_i1e,
           _cast_like(lambda x: _bessel(x, 1) * np.exp(-np.abs(x))),
           [Arg((4, 3), static=(None, 3), low=-6.0, high=6.0)], rtol=1e-5),
    OpSpec("xlog1py", tf.math.xlog1py, lambda x, y: x * np.log1p(y),
           [Arg((3, 4), static=(None, 4)), Arg((4,), low=-0.5, high=2.0)]),
    OpSpec("xlog1py/zero_x", tf.math.xlog1py,
           lambda x, y: np.where(x == 0, 0, x * np.log1p(np.where(x == 0, 0, y))).astype(x.dtype),
           [Arg((4,), values=[0.0, 1.5, 0.0, -2.0]), Arg((4,), values=[-1.0, 0.5, np.nan, 3.0])],
           grad=False),
    OpSpec("nextafter", tf.math.nextafter, np.nextafter,
           [Arg((3, 4), static=(None, 4)), Arg((4,))], grad_delta=1e-3),
    OpSpec("rint", tf.rint, np.rint, [Arg((3, 4), static=(None, 4), low=-5.0, high=5.0)],
           grad=False),
    OpSpec("rint/halves", tf.rint, np.rint,
           [Arg((6,), values=[0.5, 1.5, 2.5, -0.5, -1.5, -2.5])], grad=False),
    OpSpec("cumulative_logsumexp", lambda x: tf.math.cumulative_logsumexp(x, axis=1),
           _cast_like(lambda x: _np_cumulative_logsumexp(x, 1)),
           [Arg((3, 4), static=(None, 4))]),
    OpSpec("cumulative_logsumexp/exclusive_reverse",
           lambda x: tf.math.cumulative_logsumexp(x, axis=0, exclusive=True, reverse=True),
           _cast_like(lambda x: _np_cumulative_logsumexp(x, 0, True, True)),
           [Arg((3, 4))], grad=False),  # its last row is -inf: checked without it below
    OpSpec("cumulative_logsumexp/exclusive_reverse_finite_rows",
           lambda x: tf.math.cumulative_logsumexp(x, axis=0, exclusive=True, reverse=True)[:-1],
           _cast_like(lambda x: _np_cumulative_logsumexp(x, 0, True, True)[:-1]),
           [Arg((3, 4))]),
]
