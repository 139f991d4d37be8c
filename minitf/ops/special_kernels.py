"""The special functions' kernels (log-gamma, digamma, Hurwitz zeta, incomplete gamma and beta,
inverse error functions, modified Bessel functions), vectorised against the array module
`xp` and computed in float64 whatever the caller's dtype.

Each is written from the mathematics: power series around 1 and 2 and Stirling's series for
lgamma, the recurrence and the asymptotic series for digamma, Euler-Maclaurin summation for
zeta, the series and the continued fraction (with their derivatives in `a`, carried alongside)
for the incomplete gamma function, a continued fraction for the incomplete beta function,
Newton's method on erf/erfc for their inverses, and the power and asymptotic series of the
Bessel functions. Where TensorFlow gives nan or inf at a pole or outside a domain, so do these
(tests/test_special_math.py compares them with TF's recorded values).
"""

import math
from fractions import Fraction

EULER = 0.57721566490153286061
HALF_LOG_2PI = 0.91893853320467274178
LOG_PI = 1.14472988584940017414
_EPS = 2.0 ** -53


def _bernoulli_even(count):
    """B_2, B_4, ..., B_2count as Fractions (the Akiyama-Tanigawa recurrence)."""
    row, numbers = [], []
    for m in range(2 * count + 1):
        row.append(Fraction(1, m + 1))
        for j in range(m, 0, -1):
            row[j - 1] = j * (row[j - 1] - row[j])
        numbers.append(row[0])
    return [numbers[2 * k] for k in range(1, count + 1)]


_B2K = _bernoulli_even(12)
# Stirling's series for lgamma: B_2k / (2k (2k-1) x^(2k-1)); digamma's: B_2k / (2k x^2k);
# Euler-Maclaurin for zeta: B_2k / (2k)!.
_STIRLING = [float(b / (2 * k * (2 * k - 1))) for k, b in enumerate(_B2K[:9], 1)]
_DIGAMMA_ASYMPTOTIC = [float(b / (2 * k)) for k, b in enumerate(_B2K[:9], 1)]
_EULER_MACLAURIN = [float(b / math.factorial(2 * k)) for k, b in enumerate(_B2K, 1)]


def work(xp, x):
    """x as a float64 array (the dtype every kernel here computes in)."""
    return xp.asarray(x).astype(xp.float64)


def polyval(xp, coefficients, t):
    """sum(c_k t^k) by Horner's rule, coefficients lowest first."""
    result = xp.zeros_like(t) + coefficients[-1]
    for c in reversed(coefficients[:-1]):
        result = result * t + c
    return result


def sinpi(xp, x):
    """sin(pi x) without the rounding of pi x for large x: x less its nearest integer n is
    exact, and sin(pi x) = (-1)^n sin(pi (x - n))."""
    n = xp.round(x)
    r = x - n
    sign = 1 - 2 * xp.remainder(xp.abs(n), 2)
    return sign * xp.sin(math.pi * r)


def tanpi(xp, x):
    """tan(pi x) from x less its nearest integer (tan has period 1)."""
    return xp.tan(math.pi * (x - xp.round(x)))


# -- Hurwitz zeta ------------------------------------------------------------------------------

_DIRECT_NEGATIVE = 64  # negative q down to -64 are summed term by term, as TF sums them


def zeta(xp, s, q):
    """The Hurwitz zeta function sum_k (q + k)^-s. TF's edge cases: s == 1 gives inf, s < 1
    nan; a non-positive integer q gives inf for an even integer s and nan otherwise; a
    negative q needs an integer s. The terms are summed directly until q + n > 9 (at least
    nine), the rest by Euler-Maclaurin summation with twelve Bernoulli terms. Below q = -64 the
    m = ceil(-q) terms below 0 are the first terms of zeta(s, f), f = 1 - (q + m), so
    zeta(s, q) = (-1)^s (zeta(s, f) - zeta(s, f + m)) + zeta(s, q + m), each with a positive q
    (however negative q is, a bounded number of terms)."""
    s, q = xp.broadcast_arrays(work(xp, s), work(xp, q))
    finite_q = xp.where(xp.isfinite(q), q, 1.0)
    s_ok = xp.where(xp.isfinite(s) & (s > 1), s, 2.0)
    far = finite_q < -_DIRECT_NEGATIVE
    m = xp.where(far, xp.ceil(-finite_q), 0.0)
    near = xp.where(far, finite_q + m, finite_q)  # in (0, 1] where q was far below 0
    f = xp.where(far & (near < 1), 1 - near, 1.0)
    parity = 1 - 2 * xp.remainder(s_ok, 2)
    total = _zeta_summed(xp, s_ok, near) + xp.where(
        far, parity * (_zeta_summed(xp, s_ok, f) - _zeta_summed(xp, s_ok, f + m)), 0.0)
    integer_q = (q <= 0) & (q == xp.floor(q))
    even_s = (s == xp.floor(s)) & (xp.remainder(s, 2) == 0)
    result = xp.where(xp.isinf(q) & (q > 0), 0.0, total)
    result = xp.where(xp.isinf(s), xp.where(q < 1, xp.inf, xp.where(q == 1, 1.0, 0.0)),
                      result)
    result = xp.where((q < 0) & (s != xp.floor(s)), xp.nan, result)
    result = xp.where(integer_q, xp.where(even_s | xp.isinf(s), xp.inf, xp.nan), result)
    result = xp.where(xp.isnan(q) | (s < 1) | xp.isnan(s), xp.nan, result)
    return xp.where(s == 1, xp.inf, result)


def _zeta_summed(xp, s, q):
    """zeta(s, q) for s > 1 and q > -65, not a non-positive integer: the terms summed in order
    until q + n > 9 (at least nine), the tail from there by Euler-Maclaurin summation."""
    n = xp.maximum(9, xp.floor(9 - q) + 1)
    total = xp.zeros_like(q)
    for k in range(int(n.max()) if n.size else 0):
        total = total + xp.where(k < n, (q + k) ** -s, 0.0)
    a = q + n
    b = a ** -s
    total = total + b / 2 + b * a / (s - 1)
    term = b * s / a
    for j, c in enumerate(_EULER_MACLAURIN):
        total = total + c * term
        term = term * (s + 2 * j + 1) * (s + 2 * j + 2) / (a * a)
    return total


def _zeta_constants(count):
    """zeta(k, 2) = zeta(k) - 1 for k = 2..count+1, by the kernel above on numpy."""
    import numpy
    return [float(v) for v in zeta(numpy, numpy.arange(2.0, count + 2), 2.0)]


# lgamma(1 + t) = -log1p(t) + (1 - euler) t + sum_k>=2 (-1)^k (zeta(k) - 1) / k t^k
_LGAMMA1P = [0.0, 0.0] + [(-1) ** k * z / k for k, z in enumerate(_zeta_constants(30), 2)]


# -- log-gamma and digamma ---------------------------------------------------------------------

def _lgamma1p_tail(xp, t):
    """lgamma(1 + t) + log1p(t), i.e. lgamma(2 + t), for |t| <= 1/2: the series above."""
    return (1 - EULER) * t + polyval(xp, _LGAMMA1P, t)


def _stirling(xp, y):
    """lgamma(y) for y >= 13 by Stirling's series."""
    inv = 1 / y
    inv2 = inv * inv
    return ((y - 0.5) * xp.log(y) - y + HALF_LOG_2PI
            + inv * polyval(xp, _STIRLING, inv2))


def lgamma(xp, x):
    """log|Gamma(x)|: around 1 and 2 the power series of lgamma(1 + t); from 2.5 to 13
    reduced into [1.5, 2.5) (the log of the product of the factors added); Stirling above 13;
    negative arguments by reflection, log(pi / |sin(pi x)|) - lgamma(1 - x). Poles (0 and the
    negative integers) and both infinities give inf, as TF."""
    x = work(xp, x)
    # Positive branch on |x| or 1 - x: every argument it sees is >= 0.5 or in (0, 0.5).
    p = xp.where(x <= 0, 1 - x, x)
    p = xp.where(xp.isfinite(p), p, 2.0)
    # (0, 0.5): lgamma(1 + x) - log(x) with t = x; [0.5, 1.5): t = x - 1.
    near1 = p < 1.5
    t1 = xp.where(p < 0.5, p, p - 1)
    t1 = xp.where(near1, t1, 0.0)
    small = _lgamma1p_tail(xp, t1) - xp.log1p(t1) - xp.where(p < 0.5, xp.log(xp.where(
        p < 0.5, p, 1.0)), 0.0)
    # [1.5, 13): z = p - n in [1.5, 2.5), lgamma(p) = lgamma(z) + log(z (z+1) ... (p-1)).
    mid = (p >= 1.5) & (p < 13)
    n = xp.where(mid, xp.floor(p - 1.5), 0.0)
    z = p - n
    product = xp.ones_like(p)
    for k in range(11):
        product = product * xp.where(k < n, z + k, 1.0)
    middle = _lgamma1p_tail(xp, xp.where(mid, z - 2, 0.0)) + xp.log(product)
    large = _stirling(xp, xp.maximum(p, 13.0))
    positive = xp.where(near1, small, xp.where(mid, middle, large))
    reflected = LOG_PI - xp.log(xp.abs(sinpi(xp, x))) - positive
    result = xp.where(x <= 0, reflected, positive)
    return xp.where(xp.isinf(x), xp.inf, xp.where(xp.isnan(x), xp.nan, result))


def digamma(xp, x):
    """psi(x) = d lgamma / dx: raised above 10 by psi(x) = psi(x + n) - sum 1/(x + k), then the
    asymptotic series; negative arguments by reflection, psi(1 - x) - pi / tan(pi x). TF gives
    nan at 0 and the negative integers, at -inf, and where 1/x overflows."""
    x = work(xp, x)
    p = xp.where(x <= 0, 1 - x, x)
    p = xp.where(xp.isfinite(p), p, 20.0)
    n = xp.maximum(xp.ceil(10 - p), 0.0)
    shift = xp.zeros_like(p)
    for k in range(10):
        shift = shift + xp.where(k < n, 1 / (p + k), 0.0)
    y = p + n
    inv2 = 1 / (y * y)
    positive = xp.log(y) - 0.5 / y - inv2 * polyval(xp, _DIGAMMA_ASYMPTOTIC, inv2) - shift
    result = xp.where(x <= 0, positive - math.pi / tanpi(xp, x), positive)
    bad = xp.isnan(x) | ((x <= 0) & (x == xp.floor(x))) | xp.isinf(1 / x)
    return xp.where(bad, xp.nan, xp.where(x == xp.inf, xp.inf, result))


def polygamma(xp, n, x):
    """The n-th derivative of digamma: digamma for n = 0, (-1)^(n+1) n! zeta(n + 1, x) for a
    positive integer n, nan for any other n (as TF)."""
    n, x = xp.broadcast_arrays(work(xp, n), work(xp, x))
    integer = (n >= 0) & (n == xp.floor(n))
    order = xp.where(integer & (n > 0), n, 1.0)
    factorial = xp.exp(lgamma(xp, order + 1))
    sign = 1 - 2 * xp.remainder(order + 1, 2)
    higher = sign * factorial * zeta(xp, order + 1, x)
    result = xp.where(n == 0, digamma(xp, x), higher)
    return xp.where(integer, result, xp.nan)


# -- incomplete gamma function -----------------------------------------------------------------

_MAX_TERMS = 2000  # both expansions stop here, converged or not (as TF's kernels do)


def _gamma_series(xp, a, x):
    """P(a, x) = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n)) for x < a + 1:
    (the sum, its derivative in a, and the log of the prefactor less log(x / a))."""
    term = xp.ones_like(x)
    dterm = xp.zeros_like(x)
    harmonic = xp.zeros_like(x)
    total, dtotal = term, dterm
    for n in range(1, _MAX_TERMS):
        ratio = x / (a + n)
        harmonic = harmonic + 1 / (a + n)
        term = term * ratio
        dterm = -term * harmonic
        total, dtotal = total + term, dtotal + dterm
        if n % 8 == 0 and not bool(xp.any(term > _EPS * total)):
            break
    return total, dtotal


def _gamma_fraction(xp, a, x):
    """Q(a, x) = x^a e^-x / Gamma(a) * F for x >= a + 1, F the continued fraction
    1 / (b0 + a1 / (b1 + a2 / (b2 + ...))), b_n = x + 2n + 1 - a, a_n = n (a - n), evaluated by
    its forward recurrences (rescaled), with the derivative of every convergent in a:
    (F, dF/da)."""
    p2, dp2, q2, dq2 = xp.ones_like(x), xp.zeros_like(x), xp.zeros_like(x), xp.zeros_like(x)
    p1 = x + 1 - a
    dp1, q1, dq1 = -xp.ones_like(x), xp.ones_like(x), xp.zeros_like(x)
    f, df = q1 / p1, (dq1 * p1 - q1 * dp1) / (p1 * p1)
    for n in range(1, _MAX_TERMS):
        an, bn = n * (a - n), x + 2 * n + 1 - a
        p = bn * p1 + an * p2
        q = bn * q1 + an * q2
        dp = bn * dp1 - p1 + an * dp2 + n * p2
        dq = bn * dq1 - q1 + an * dq2 + n * q2
        scale = xp.where(xp.abs(p) > 2.0 ** 500, 2.0 ** -500, 1.0)
        p2, dp2, q2, dq2 = p1 * scale, dp1 * scale, q1 * scale, dq1 * scale
        p1, dp1, q1, dq1 = p * scale, dp * scale, q * scale, dq * scale
        f_new = q1 / p1
        df_new = (dq1 * p1 - q1 * dp1) / (p1 * p1)
        done = (xp.abs(f_new - f) <= _EPS * xp.abs(f_new)) & (
            xp.abs(df_new - df) <= _EPS * xp.abs(df_new))
        f, df = f_new, df_new
        if n % 8 == 0 and bool(xp.all(done)):
            break
    return f, df


def igamma_parts(xp, a, x, want, maxlog=709.782712893384):
    """The regularized lower incomplete gamma function P(a, x) and what its callers need
    ("P", "Q" = 1 - P, "dP/da", or "sample": -dP/da divided by the Gamma(a) density at x,
    the implicit derivative of a gamma sample in its shape a), by the series for x < 1 or
    x < a and the continued fraction for Q elsewhere. As TF: where x^a e^-x / Gamma(a) is
    below exp(-maxlog) (the log of the largest float of the caller's dtype), the expansion's
    part is 0; out of the domain (a <= 0, x < 0, nan) the result is nan; at x == 0, P is 0
    (even for such an a), at x == inf it is 1, and for a == inf it is 0."""
    a, x = xp.broadcast_arrays(work(xp, a), work(xp, x))
    valid = (a > 0) & (x > 0) & xp.isfinite(a) & xp.isfinite(x)
    series = valid & ((x < 1) | (x < a))
    fraction = valid & ~series
    result = xp.zeros_like(a)
    for mask, expansion in ((series, _series_part), (fraction, _fraction_part)):
        if bool(xp.any(mask)):
            ma, mx = a[mask], x[mask]
            log_ax = ma * xp.log(mx) - mx - lgamma(xp, ma)
            value, underflow = expansion(xp, ma, mx, log_ax, want)
            result[mask] = xp.where(log_ax < -maxlog, underflow, value)
    return _igamma_edges(xp, a, x, want, result)


def _series_part(xp, a, x, log_ax, want):
    """P from the series; x^a e^-x / Gamma(a + 1) = exp(log_ax) / a."""
    total, dtotal = _gamma_series(xp, a, x)
    dlog = xp.log(x) - digamma(xp, a + 1)
    if want == "sample":  # the Gamma(a) density is exp(log_ax) / x
        return -(x / a) * (total * dlog + dtotal), 0.0
    prefactor = xp.exp(log_ax) / a
    p = prefactor * total
    return {"P": (p, 0.0), "Q": (1 - p, 1.0),
            "dP/da": (prefactor * (total * dlog + dtotal), 0.0)}[want]


def _fraction_part(xp, a, x, log_ax, want):
    """Q from the continued fraction; x^a e^-x / Gamma(a) = exp(log_ax)."""
    f, df = _gamma_fraction(xp, a, x)
    dlog = xp.log(x) - digamma(xp, a)
    if want == "sample":
        return x * (f * dlog + df), 0.0
    prefactor = xp.exp(log_ax)
    q = prefactor * f
    return {"P": (1 - q, 1.0), "Q": (q, 0.0),
            "dP/da": (-prefactor * (f * dlog + df), 0.0)}[want]


def _igamma_edges(xp, a, x, want, result):
    finite_x = xp.isfinite(x)
    if want == "P":
        result = xp.where(x == xp.inf, 1.0, result)
    elif want == "Q":
        result = xp.where(x == xp.inf, 0.0, xp.where((a == xp.inf) & finite_x, 1.0, result))
    result = xp.where((a == xp.inf) & (want != "Q"), 0.0, result)
    bad = (a <= 0) | (x < 0) | xp.isnan(a) | xp.isnan(x)
    result = xp.where(bad, xp.nan, result)
    if want == "Q":
        return xp.where((x == 0) & (a > 0), 1.0, result)
    return xp.where(x == 0, 0.0, result)
