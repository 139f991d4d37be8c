"""Op table entries for the special functions (ops/special_math.py). The numpy references are
independent of minitf's kernels: Python's math.lgamma, central differences of it, direct
Euler-Maclaurin sums for zeta, and Simpson's rule on the gamma density for igamma (their
values against TensorFlow's are in tests/test_special_math.py)."""

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
