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

from minitf.ops.elementwise import _erf_parts

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


_SQRT2 = math.sqrt(2.0)
_SQRT_PI = math.sqrt(math.pi)


# -- modified Bessel functions of order 0 and 1 --------------------------------------------------

_BESSEL_SWITCH = 25.0  # power series below, asymptotic series above


def _bessel_series(xp, ax, order):
    """I0 or I1 of ax <= 25 by the power series sum (ax/2)^(2k+n) / (k! (k+n)!) (positive
    terms: no cancellation)."""
    q = ax * ax / 4
    term = xp.ones_like(ax) if order == 0 else ax / 2
    total = term
    for k in range(1, 80):
        term = term * q / (k * (k + order))
        total = total + term
    return total


def _bessel_asymptotic(xp, ax, order):
    """e^-x I_n(x) for x >= 25: (2 pi x)^-1/2 sum_k (-1)^k a_k(n) / x^k, a_k(n) =
    prod_{j<=k} (4n^2 - (2j-1)^2) / (k! 8^k); 40 terms reach the series' smallest term there."""
    inv = 1 / ax
    term = xp.ones_like(ax)
    total = term
    mu = 4.0 * order * order
    for k in range(1, 40):
        term = term * (-(mu - (2 * k - 1) ** 2) / (8.0 * k)) * inv
        total = total + term
    return total / xp.sqrt(2 * math.pi * ax)


def bessel_ie(xp, x, order):
    """e^-|x| I_n(x), n = 0 or 1 (odd in x for n = 1)."""
    x = work(xp, x)
    ax = xp.abs(x)
    small = xp.minimum(ax, _BESSEL_SWITCH)
    big = xp.maximum(ax, _BESSEL_SWITCH)
    value = xp.where(ax <= _BESSEL_SWITCH, _bessel_series(xp, small, order) * xp.exp(-small),
                     _bessel_asymptotic(xp, big, order))
    value = xp.where(ax == xp.inf, 0.0, value)
    return xp.copysign(value, x) if order == 1 else value


def bessel_i(xp, x, order):
    """I_n(x) as TF computes it: e^|x| times e^-|x| I_n(x) (so inf where e^|x| overflows, nan
    at the infinities)."""
    x = work(xp, x)
    return xp.exp(xp.abs(x)) * bessel_ie(xp, x, order)


# -- inverse error functions ---------------------------------------------------------------------

def _erfinv_center(xp, d):
    """w with erf(w) = d for |d| <= 1/2 (|w| < 0.48): the series start, then Newton's steps on
    erf (Cody's approximations, accurate relative to d)."""
    d2 = d * d
    w = d * (_SQRT_PI / 2) * (1 + d2 * (math.pi / 12 + d2 * (7 * math.pi ** 2 / 480)))
    for _ in range(4):
        ax, small, erfc_abs = _erf_parts(xp, w)
        erf = xp.where(ax <= 0.46875, small, xp.copysign(1 - erfc_abs, w))
        w = w - (erf - d) * (_SQRT_PI / 2) * xp.exp(w * w)
    return w


def _erfcinv_tail(xp, c):
    """w > 0.47 with erfc(w) = c for 0 < c <= 1/2: Newton's steps on log erfc from
    sqrt(-log c), which lies above the root (erfc(w) < e^-w^2), so they fall to it
    monotonically (log erfc is concave)."""
    log_c = xp.log(c)
    w = xp.sqrt(-log_c)
    for _ in range(12):
        _, _, erfc_w = _erf_parts(xp, w)
        # d log erfc / dw = -2/sqrt(pi) e^-w^2 / erfc(w)
        slope = -(2 / _SQRT_PI) * xp.exp(-w * w) / erfc_w
        w = w - (xp.log(erfc_w) - log_c) / slope
    return w


def erfinv(xp, x):
    """The inverse of erf on [-1, 1]: Newton on erf for |x| <= 1/2, on log erfc(w) = log(1 - |x|)
    (exact) beyond; +-inf at +-1, nan outside."""
    x = work(xp, x)
    ax = xp.abs(x)
    center = _erfinv_center(xp, xp.where(ax <= 0.5, x, 0.0))
    tail = xp.copysign(_erfcinv_tail(xp, xp.where((ax > 0.5) & (ax < 1), 1 - ax, 0.5)), x)
    result = xp.where(ax <= 0.5, center, tail)
    result = xp.where(ax == 1, xp.copysign(xp.inf, x), result)
    return xp.where((ax > 1) | xp.isnan(x), xp.nan, result)


def ndtri(xp, p):
    """The inverse of the standard normal CDF: sqrt(2) erfinv(2p - 1) for p in [1/4, 3/4]
    (2p - 1 exact), -sqrt(2) erfcinv(2p) below and sqrt(2) erfcinv(2 (1 - p)) above (1 - p
    exact); -inf at 0, inf at 1, nan outside [0, 1]."""
    p = work(xp, p)
    center = (p >= 0.25) & (p <= 0.75)
    z_center = _SQRT2 * _erfinv_center(xp, xp.where(center, 2 * (p - 0.5), 0.0))
    q = xp.where(p < 0.5, p, 1 - p)
    q = xp.where(center | (q <= 0) | ~(q == q), 0.25, q)
    z_tail = _SQRT2 * _erfcinv_tail(xp, 2 * q)
    result = xp.where(center, z_center, xp.where(p < 0.5, -z_tail, z_tail))
    result = xp.where(p == 0, -xp.inf, xp.where(p == 1, xp.inf, result))
    return xp.where((p < 0) | (p > 1) | xp.isnan(p), xp.nan, result)


# -- incomplete beta function --------------------------------------------------------------------

def _log_beta(xp, a, b):
    """log B(a, b) without the cancellation of lgamma(a) + lgamma(b) - lgamma(a + b) for large
    arguments. With s = min(a, b), l = max(a, b) and c(y) the remainder of Stirling's series:
    s >= 8: (s - 1/2) log(s / (s + l)) + (l - 1/2) log(l / (s + l)) - log(s + l) / 2 +
    log(2 pi) / 2 + c(s) + c(l) - c(s + l); only l >= 8: lgamma(s) - (l - 1/2) log1p(s / l)
    - s log(s + l) + s + c(l) - c(s + l); else lgamma's."""
    def remainder(y):
        inv = 1 / y
        return inv * polyval(xp, _STIRLING, inv * inv)

    small, large = xp.minimum(a, b), xp.maximum(a, b)
    ls = xp.maximum(large, 8.0)
    both = xp.maximum(small, 8.0)
    total = both + ls
    symmetric = ((both - 0.5) * xp.log(both / total) + (ls - 0.5) * xp.log(ls / total)
                 - 0.5 * xp.log(total) + HALF_LOG_2PI + remainder(both) + remainder(ls)
                 - remainder(total))
    s = xp.where(large >= 8, small, 1.0)
    total = s + ls
    one_sided = (lgamma(xp, s) - (ls - 0.5) * xp.log1p(s / ls) - s * xp.log(total) + s
                 + remainder(ls) - remainder(total))
    plain = lgamma(xp, a) + lgamma(xp, b) - lgamma(xp, a + b)
    return xp.where(small >= 8, symmetric, xp.where(large >= 8, one_sided, plain))


def _beta_fraction(xp, a, b, x):
    """The continued fraction of I_x(a, b) (x below the mean): 1 / (1 + d1 / (1 + d2 / ...)),
    d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)), d_2m = m (b - m) x /
    ((a + 2m - 1)(a + 2m)), by the modified Lentz method."""
    tiny = 1e-300

    def guard(v):
        return xp.where(xp.abs(v) < tiny, tiny, v)

    c = xp.ones_like(x)
    d = 1 / guard(1 - (a + b) * x / (a + 1))
    h = d
    for m in range(1, 3000):
        num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1 / guard(1 + num * d)
        c = guard(1 + num / c)
        h = h * d * c
        num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1 / guard(1 + num * d)
        c = guard(1 + num / c)
        delta = d * c
        h = h * delta
        if m % 4 == 0 and not bool(xp.any(xp.abs(delta - 1) > _EPS)):
            break
    return h


def betainc(xp, a, b, x):
    """The regularized incomplete beta function I_x(a, b) = x^a (1-x)^b / (a B(a, b)) times the
    continued fraction, used below the mean (a + 1) / (a + b + 2) and through
    I_x(a, b) = 1 - I_1-x(b, a) above. nan for a or b not positive and finite, x outside
    [0, 1] or nan (TF's edges); 0 at x = 0, 1 at x = 1."""
    a, b, x = xp.broadcast_arrays(work(xp, a), work(xp, b), work(xp, x))
    valid = (a > 0) & (b > 0) & (a < xp.inf) & (b < xp.inf) & (x > 0) & (x < 1)
    swap = x > (a + 1) / (a + b + 2)
    p = xp.where(valid, xp.where(swap, b, a), 1.0)
    q = xp.where(valid, xp.where(swap, a, b), 1.0)
    y = xp.where(valid, xp.where(swap, 1 - x, x), 0.5)
    log_front = p * xp.log(y) + q * xp.log1p(-y) - _log_beta(xp, p, q) - xp.log(p)
    value = xp.exp(log_front) * _beta_fraction(xp, p, q, y)
    value = xp.where(swap, 1 - value, value)
    value = xp.where(x == 0, 0.0, xp.where(x == 1, 1.0, value))
    ok = (a > 0) & (b > 0) & (a < xp.inf) & (b < xp.inf) & (x >= 0) & (x <= 1)
    return xp.where(ok, value, xp.nan)
