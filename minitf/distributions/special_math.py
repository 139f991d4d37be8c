"""The standard normal cdf and its logarithm, computed where each formula keeps its precision
(as TF's distributions do), the normal quantile, and the Laplace log-cdf; all composed of
minitf ops, so they differentiate."""

import math

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, math_ops
from minitf.ops.core import convert_to_tensor

# Where log_ndtr switches formulas, by dtype: above `upper`, log(1 - q) ~ -q with q = ndtr(-x);
# below `lower`, the asymptotic series (ndtr underflows there).
_LOG_NDTR_SEGMENTS = {dtypes.float32: (-10., 5.), dtypes.float64: (-20., 8.)}


def _float_input(x, what):
    x = convert_to_tensor(x, name=what)
    if x.dtype.base_dtype not in _LOG_NDTR_SEGMENTS:
        raise TypeError("%s.dtype=%s is not handled, see docstring for supported types."
                        % (what, x.dtype.name))
    return x


def ndtr(x, name="ndtr"):
    """The standard normal cdf, 0.5 * (1 + erf(x / sqrt(2))), float32 or float64."""
    with name_scope(name, values=[x]):
        return _ndtr(_float_input(x, "x"))


def _ndtr(x):
    # Near 0 erf is exact; away from it erfc keeps the small tail's digits.
    half_sqrt_2 = convert_to_tensor(np.sqrt(0.5), dtype=x.dtype, name="half_sqrt_2")
    w = x * half_sqrt_2
    z = math_ops.abs(w)
    tails = math_ops.where_v2(w > 0., 2. - math_ops.erfc(z), math_ops.erfc(z))
    return 0.5 * math_ops.where_v2(z < half_sqrt_2, 1. + math_ops.erf(w), tails)


def log_ndtr(x, series_order=3, name="log_ndtr"):
    """log(ndtr(x)), accurate far into both tails: -ndtr(-x) above 5 (float32) / 8 (float64),
    an asymptotic series of `series_order` terms below -10 / -20."""
    if not isinstance(series_order, int):
        raise TypeError("series_order must be a Python integer.")
    if series_order < 0:
        raise ValueError("series_order must be non-negative.")
    if series_order > 30:
        raise ValueError("series_order must be <= 30.")
    with name_scope(name, values=[x]):
        x = _float_input(x, "x")
        lower, upper = _LOG_NDTR_SEGMENTS[x.dtype.base_dtype]
        # Each branch sees only inputs inside its segment, so no branch makes a NaN gradient.
        middle = math_ops.log(_ndtr(math_ops.maximum(x, lower)))
        below = _log_ndtr_lower(math_ops.minimum(x, lower), series_order)
        return math_ops.where_v2(x > upper, -_ndtr(-x),
                                 math_ops.where_v2(x > lower, middle, below))


def _log_ndtr_lower(x, series_order):
    """log ndtr(x) for x << 0: log(phi(x) / -x) + log(1 - 1/x^2 + 3/x^4 - 15/x^6 ...)."""
    x_2 = math_ops.square(x)
    log_scale = -0.5 * x_2 - math_ops.log(-x) - 0.5 * math.log(2. * math.pi)
    series = array_ops.ones_like(x)
    power, coefficient = x_2, 1.
    for n in range(1, series_order + 1):
        coefficient *= 2 * n - 1  # (2n-1)!!
        series = series + (-1) ** n * coefficient / power
        power = power * x_2
    return log_scale + math_ops.log(series)


def ndtri(p, name="ndtri"):
    """The standard normal quantile (inverse of ndtr): -inf at 0, inf at 1.

    A rational start (Abramowitz and Stegun 26.2.23, error below 4.5e-4) polished by Newton
    steps on log ndtr of the lower tail, so tiny probabilities keep their digits; the
    gradient is 1 / phi(x)."""
    with name_scope(name, values=[p]):
        p = _float_input(p, "p")
        return _ndtri(p)


def _ndtri(p):
    # Work in the lower tail q = min(p, 1 - p) <= 1/2 and mirror: x(p) = -x(1 - p).
    upper_half = p > 0.5
    q = math_ops.where_v2(upper_half, 1. - p, p)
    safe_q = math_ops.where_v2(q > 0., q, 0.5 * array_ops.ones_like(q))
    t = math_ops.sqrt(-2. * math_ops.log(safe_q))
    x = -(t - (2.515517 + t * (0.802853 + t * 0.010328))
          / (1. + t * (1.432788 + t * (0.189269 + t * 0.001308))))
    log_q = math_ops.log(safe_q)
    for _ in range(3):  # quadratic convergence: 4.5e-4 -> 1e-7 -> 1e-14 -> rounding
        log_cdf = log_ndtr(x)
        # d/dx log ndtr(x) = phi(x) / ndtr(x) = exp(log phi(x) - log ndtr(x))
        slope = math_ops.exp(-0.5 * math_ops.square(x) - 0.5 * math.log(2. * math.pi)
                             - log_cdf)
        x = x - (log_cdf - log_q) / slope
    x = math_ops.where_v2(upper_half, -x, x)
    inf = np.array(np.inf, p.dtype.as_numpy_dtype)
    return math_ops.where_v2(p <= 0., -inf * array_ops.ones_like(x),
                             math_ops.where_v2(p >= 1., inf * array_ops.ones_like(x), x))


def log_cdf_laplace(x, name="log_cdf_laplace"):
    """log of the standard Laplace cdf: x - log 2 below 0, log1p(-exp(-x) / 2) above."""
    with name_scope(name, values=[x]):
        x = convert_to_tensor(x, name="x")
        below = x - math.log(2.)
        above = math_ops.log1p(-0.5 * math_ops.exp(-math_ops.abs(x)))
        return math_ops.where_v2(x < 0., below, above)
