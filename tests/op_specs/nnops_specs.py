"""Op table entries for grayscale morphology (Dilation2D and its backprop ops), volume patches,
fake quantization and GuaranteeConst, against direct-loop numpy references. TF's recorded
values (ties, bits) are checked in tests/nn/test_nnops.py."""

import numpy as np

import minitf as tf
from tests.op_specs.spec import Arg, OpSpec


def _same_pad(size, k, stride, rate, padding):
    window = (k - 1) * rate + 1
    if padding == "VALID":
        return (size - window) // stride + 1, 0
    out = -(-size // stride)
    return out, max((out - 1) * stride + window - size, 0) // 2


def _dilation_taps(x, w, strides, rates, padding):
    """{(b, i, j, c): [(value, input index, filter tap)...]} over in-bounds taps, TF's order."""
    n, h, wd, c = x.shape
    kh, kw, _ = w.shape
    rows, top = _same_pad(h, kh, strides[0], rates[0], padding)
    cols, left = _same_pad(wd, kw, strides[1], rates[1], padding)
    taps = {}
    for b, i, j, d in np.ndindex(n, rows, cols, c):
        cells = []
        for a in range(kh):
            for e in range(kw):
                y, z = i * strides[0] + a * rates[0] - top, j * strides[1] + e * rates[1] - left
                if 0 <= y < h and 0 <= z < wd:
                    cells.append((x[b, y, z, d] + w[a, e, d], (b, y, z, d), (a, e, d)))
        taps[b, i, j, d] = cells
    return taps, (n, rows, cols, c)


def _first_max(cells):
    best = max(v for v, _, _ in cells)
    return next(cell for cell in cells if cell[0] == best)


def ref_dilation(x, w, strides, rates, padding):
    taps, shape = _dilation_taps(x, w, strides, rates, padding)
    out = np.zeros(shape, x.dtype)
    for idx, cells in taps.items():
        out[idx] = _first_max(cells)[0]
    return out


def ref_dilation_backprop(x, w, dy, strides, rates, padding, wrt):
    taps, _ = _dilation_taps(x, w, strides, rates, padding)
    grad = np.zeros((x if wrt == "input" else w).shape, dy.dtype)
    for idx, cells in taps.items():
        _, at_input, at_filter = _first_max(cells)
        grad[at_input if wrt == "input" else at_filter] += dy[idx]
    return grad


def ref_volume_patches(x, k, strides, padding):
    n, c = x.shape[0], x.shape[4]
    geo = [_same_pad(s, kk, st, 1, padding) for s, kk, st in zip(x.shape[1:4], k, strides)]
    out = np.zeros([n] + [o for o, _ in geo] + [np.prod(k) * c], x.dtype)
    for b, p, r, q in np.ndindex(n, *[o for o, _ in geo]):
        entries = []
        for a, e, f in np.ndindex(*k):
            at = [o * st + t - before for o, st, t, (_, before) in
                  zip((p, r, q), strides, (a, e, f), geo)]
            inside = all(0 <= v < s for v, s in zip(at, x.shape[1:4]))
            entries.append(x[(b, *at)] if inside else np.zeros(c, x.dtype))
        out[b, p, r, q] = np.concatenate(entries)
    return out


def _nudged(low, high, num_bits, narrow):
    """TF's nudged (min, max, scale), in float64."""
    qmin, qmax = (1 if narrow else 0), 2 ** num_bits - 1
    scale = (high - low) / (qmax - qmin)
    zero = min(max(np.floor(qmin - low / scale + 0.5), qmin), qmax)
    return (qmin - zero) * scale, (qmax - zero) * scale, scale


def ref_fake_quant(x, low, high, num_bits=8, narrow=False):
    low, high = np.asarray(low, np.float64), np.asarray(high, np.float64)
    ranges = [_nudged(a, b, num_bits, narrow) for a, b in
              zip(np.atleast_1d(low), np.atleast_1d(high))]
    nmin, nmax, scale = (np.asarray([r[i] for r in ranges]) for i in range(3))
    clamped = np.clip(x.astype(np.float64), nmin, nmax)
    return (np.floor((clamped - nmin) / scale + 0.5) * scale + nmin).astype(np.float32)


def ref_fake_quant_grads(dy, x, low, high, num_bits=8, narrow=False, per_channel=False):
    nmin, nmax, _ = (np.asarray(v) for v in zip(*[
        _nudged(a, b, num_bits, narrow) for a, b in
        zip(np.atleast_1d(np.float64(low)), np.atleast_1d(np.float64(high)))]))
    if not per_channel:
        nmin, nmax = nmin[0], nmax[0]
    axes = tuple(range(x.ndim - 1)) if per_channel else None
    return [np.where((x >= nmin) & (x <= nmax), dy, 0).astype(np.float32),
            np.where(x < nmin, dy, 0).sum(axis=axes).astype(np.float32),
            np.where(x > nmax, dy, 0).sum(axis=axes).astype(np.float32)]


DIL_SAME = ((1, 1), (1, 1), "SAME")
DIL_STRIDED = ((2, 1), (1, 2), "VALID")


def _dilation(strides, rates, padding):
    return lambda x, w: tf.nn.dilation2d(x, w, [1, *strides, 1], [1, *rates, 1], padding)


def _backprop(strides, rates, padding, wrt):
    return lambda x, w, dy: tf.gradients(_dilation(strides, rates, padding)(x, w),
                                         x if wrt == "input" else w, grad_ys=dy)[0]


SPECS = [
    OpSpec("dilation2d/same", _dilation(*DIL_SAME),
           lambda x, w: ref_dilation(x, w, *DIL_SAME),
           [Arg((2, 4, 5, 2), static=(None, 4, 5, 2)), Arg((2, 3, 2))]),
    OpSpec("dilation2d/valid_strided_rates", _dilation(*DIL_STRIDED),
           lambda x, w: ref_dilation(x, w, *DIL_STRIDED),
           [Arg((1, 6, 7, 3), static=(None, None, None, 3)), Arg((2, 2, 3))]),
    OpSpec("erosion2d/same", lambda x, w: tf.nn.erosion2d(x, w, [1, 1, 1, 1], [1, 1, 1, 1],
                                                          "SAME"),
           lambda x, w: -ref_dilation(-x, w[::-1, ::-1], *DIL_SAME),
           [Arg((1, 4, 4, 2)), Arg((3, 2, 2))]),
    # The backprop ops have no gradient in TF: values only.
    OpSpec("dilation2d/backprop_input", _backprop(*DIL_STRIDED, "input"),
           lambda x, w, dy: ref_dilation_backprop(x, w, dy, *DIL_STRIDED, "input"),
           [Arg((1, 6, 7, 3)), Arg((2, 2, 3)), Arg((1, 3, 5, 3))], grad=False),
    OpSpec("dilation2d/backprop_filter", _backprop(*DIL_SAME, "filter"),
           lambda x, w, dy: ref_dilation_backprop(x, w, dy, *DIL_SAME, "filter"),
           [Arg((2, 4, 5, 2), static=(None, 4, 5, 2)), Arg((2, 3, 2)), Arg((2, 4, 5, 2))],
           grad=False),
    OpSpec("extract_volume_patches/same_strided",
           lambda x: tf.extract_volume_patches(x, [1, 2, 3, 2, 1], [1, 1, 2, 3, 1], "SAME"),
           lambda x: ref_volume_patches(x, (2, 3, 2), (1, 2, 3), "SAME"),
           [Arg((2, 3, 4, 5, 2), static=(None, 3, None, 5, 2))]),
    OpSpec("extract_volume_patches/valid",
           lambda x: tf.extract_volume_patches(x, [1, 2, 1, 2, 1], [1, 2, 1, 1, 1], "VALID"),
           lambda x: ref_volume_patches(x, (2, 1, 2), (2, 1, 1), "VALID"),
           [Arg((1, 5, 3, 4, 3))]),
    # float32-only ops whose gradient is TF's straight-through estimate, not the derivative of
    # a step function: values here, gradients against TF's recording.
    OpSpec("fake_quant_with_min_max_args",
           lambda x: tf.fake_quant_with_min_max_args(x, -1.3, 1.1, num_bits=5),
           lambda x: ref_fake_quant(x, -1.3, 1.1, 5), [Arg((3, 40), static=(None, 40))],
           grad=False),
    OpSpec("fake_quant_with_min_max_args/grad_op",
           lambda x, dy: tf.gradients(tf.fake_quant_with_min_max_args(x, 0.2, 1.5), x,
                                      grad_ys=dy)[0],
           lambda x, dy: ref_fake_quant_grads(dy, x, 0.2, 1.5)[0],
           [Arg((3, 40)), Arg((3, 40))], grad=False),
    OpSpec("fake_quant_with_min_max_vars",
           lambda x, lo, hi: tf.fake_quant_with_min_max_vars(x, lo, hi, narrow_range=True),
           lambda x, lo, hi: ref_fake_quant(x, lo, hi, 8, True),
           [Arg((5, 24), static=(None, None)), Arg((), values=-1.6), Arg((), values=0.9)],
           grad=False),
    OpSpec("fake_quant_with_min_max_vars/grad_op",
           lambda x, lo, hi, dy: tf.gradients(tf.fake_quant_with_min_max_vars(x, lo, hi, 4),
                                              [x, lo, hi], grad_ys=dy),
           lambda x, lo, hi, dy: ref_fake_quant_grads(dy, x, lo, hi, 4),
           [Arg((5, 24)), Arg((), values=-1.1), Arg((), values=1.3), Arg((5, 24))], grad=False),
    OpSpec("fake_quant_with_min_max_vars_per_channel",
           lambda x, lo, hi: tf.fake_quant_with_min_max_vars_per_channel(x, lo, hi, 6),
           lambda x, lo, hi: ref_fake_quant(x, lo, hi, 6),
           [Arg((4, 5, 3), static=(None, 5, 3)), Arg((3,), values=[-1.0, -0.4, 0.3]),
            Arg((3,), values=[1.2, 0.5, 1.9])], grad=False),
    OpSpec("fake_quant_with_min_max_vars_per_channel/grad_op",
           lambda x, lo, hi, dy: tf.gradients(
               tf.fake_quant_with_min_max_vars_per_channel(x, lo, hi), [x, lo, hi],
               grad_ys=dy),
           lambda x, lo, hi, dy: ref_fake_quant_grads(dy, x, lo, hi, per_channel=True),
           [Arg((4, 5, 3)), Arg((3,), values=[-1.0, -0.4, 0.3]),
            Arg((3,), values=[1.2, 0.5, 1.9]), Arg((4, 5, 3))], grad=False),
    # TF registers no gradient for GuaranteeConst.
    OpSpec("guarantee_const", lambda x: tf.guarantee_const(x), lambda x: x,
           [Arg((2, 3), static=(None, 3))], grad=False),
]


# -- tridiagonal matrices ----------------------------------------------------------------------

def _dense_tridiagonal(d):
    """[..., M, M] matrices from compact [..., 3, M] diagonals."""
    m = d.shape[-1]
    out = np.zeros(d.shape[:-2] + (m, m), d.dtype)
    i = np.arange(m)
    out[..., i, i] = d[..., 1, :]
    out[..., i[:-1], i[1:]] = d[..., 0, :-1]
    out[..., i[1:], i[:-1]] = d[..., 2, 1:]
    return out


def _diagonally_dominant(shape):
    """Compact diagonals whose main diagonal dominates (well conditioned), some rows with a
    small pivot so that partial pivoting swaps rows."""
    return Arg(shape, values=np.stack([
        np.linspace(-0.9, 0.8, np.prod(shape[:-2]) * shape[-1]).reshape(shape[:-2] + shape[-1:]),
        3.0 + np.cos(np.arange(np.prod(shape[:-2]) * shape[-1])).reshape(
            shape[:-2] + shape[-1:]),
        np.linspace(0.7, -0.6, np.prod(shape[:-2]) * shape[-1]).reshape(shape[:-2] + shape[-1:]),
    ], axis=-2))


SPECS += [
    OpSpec("tridiagonal_matmul/compact", lambda d, r: tf.linalg.tridiagonal_matmul(d, r),
           lambda d, r: _dense_tridiagonal(d) @ r,
           [Arg((2, 3, 5), static=(None, 3, 5)), Arg((2, 5, 3), static=(None, 5, None))]),
    OpSpec("tridiagonal_solve/pivoting", lambda d, r: tf.linalg.tridiagonal_solve(d, r),
           lambda d, r: np.linalg.solve(_dense_tridiagonal(d), r),
           [Arg((2, 3, 5), static=(None, 3, 5), low=-1, high=1), Arg((2, 5, 2))],
           rtol=1e-4, atol=1e-5),
    OpSpec("tridiagonal_solve/thomas", lambda d, r: tf.linalg.tridiagonal_solve(
        d, r, partial_pivoting=False),
           lambda d, r: np.linalg.solve(_dense_tridiagonal(d), r),
           [_diagonally_dominant((2, 3, 4)), Arg((2, 4, 3), static=(2, 4, None))],
           rtol=1e-4, atol=1e-5),
    # Offsets inside the image: no noise, a deterministic window (corner: the offset scaled
    # by the size, halved, moved to the centre, less half the window, truncated: (1, 2) and
    # (3, 0)). TF has no gradient for it.
    OpSpec("extract_glimpse/inside", lambda x, o: tf.image.extract_glimpse(x, [3, 2], o),
           lambda x, o: np.stack([x[0, 1:4, 2:4], x[1, 3:6, 0:2]]),
           [Arg((2, 7, 6, 2), static=(None, 7, 6, 2)),
            Arg((2, 2), values=[[-0.2, 0.3], [0.4, -0.5]])], grad=False),
]
