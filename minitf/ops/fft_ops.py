"""Fourier transforms (TF's spectral ops): FFT and IFFT over the last 1, 2 or 3 axes of a
complex tensor, RFFT and IRFFT between real signals and their half spectra, their public
functions (tf.fft..., tf.signal.rfft...) and fftshift / ifftshift.

Every kernel is one call of the array module's fft module (numpy.fft or cupy.fft); results
are cast back to the input's precision, as TF's single-precision transforms stay 32-bit."""

from typing import ClassVar

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.core import (cast, constant, convert_to_tensor, index_tensor, shape, stack,
                             zeros_like)
from minitf.ops.elementwise import equal, less, maximum, minimum, real, where
from minitf.ops.gather_scatter import gather
from minitf.ops.join_split import concat
from minitf.ops.op_util import check_shape_tensor, dtype_error, rank_error
from minitf.ops.ranges import range as _range
from minitf.ops.reductions import reduce_prod
from minitf.ops.shape_ops import rank as _rank
from minitf.ops.shape_ops import roll
from minitf.ops.slicing import pad, slice

__all__ = ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d"]

_COMPLEX = (dtypes.complex64, dtypes.complex128)
_REAL = (dtypes.float32, dtypes.float64)


def _check_inner_rank(x, rank):
    dims = x.shape.as_tuple()
    if dims is not None and len(dims) < rank:
        raise rank_error(rank, len(dims), at_least=True)


def _axes(rank):
    return tuple(range(-rank, 0))


def _fft_size(t, rank, dtype):
    """The number of points of a rank-`rank` transform of `t` (its last axes), as `dtype`."""
    dims = t.shape.as_tuple()
    if dims is not None and None not in dims[-rank:]:
        n = 1
        for d in dims[-rank:]:
            n *= d
        return constant(n, dtype.real_dtype if dtype.is_complex else dtype)
    return cast(reduce_prod(shape(t)[-rank:]), dtype.real_dtype if dtype.is_complex else dtype)


# -- complex to complex --------------------------------------------------------------------------

class ComplexFFT(OpDef):
    """The n-D discrete Fourier transform (or its inverse, 1/N included) over the last `rank`
    axes of a complex tensor; the result has the input's shape and dtype."""

    rank: ClassVar[int] = 1
    inverse: ClassVar[bool] = False
    tf_signature = TFSignature(type_attrs=(("Tcomplex", 0),))

    def infer(self, x):
        if x.dtype not in _COMPLEX:
            raise dtype_error("input", x.dtype, _COMPLEX, self.type_name)
        _check_inner_rank(x, self.rank)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        if 0 in x.shape[-self.rank:]:
            return xp.zeros(x.shape, x.dtype)
        fn = xp.fft.ifftn if self.inverse else xp.fft.fftn
        return fn(x, axes=_axes(self.rank)).astype(x.dtype, copy=False)

    def grad(self, op, dy):
        # TF's: the adjoint of the transform is N times the inverse (1/N times the forward).
        size = _fft_size(dy, self.rank, dy.dtype)
        if self.inverse:
            return [_COMPLEX_OPS[self.rank][0]()(dy) * cast(1 / size, dy.dtype)]
        return [_COMPLEX_OPS[self.rank][1]()(dy) * cast(size, dy.dtype)]


@register
class FFT(ComplexFFT):
    pass


@register
class IFFT(ComplexFFT):
    inverse = True


@register
class FFT2D(ComplexFFT):
    rank = 2


@register
class IFFT2D(ComplexFFT):
    rank, inverse = 2, True


@register
class FFT3D(ComplexFFT):
    rank = 3


@register
class IFFT3D(ComplexFFT):
    rank, inverse = 3, True


_COMPLEX_OPS = {1: (FFT, IFFT), 2: (FFT2D, IFFT2D), 3: (FFT3D, IFFT3D)}


def _complex_fft(opdef, input, name):
    with name_scope(name, opdef.type_name, [input]) as scope:
        return opdef(convert_to_tensor(input, name="input"), name=scope)


def fft(input, name=None):  # noqa: A002 - TF's argument name
    """tf.fft / tf.signal.fft: the discrete Fourier transform over the last axis."""
    return _complex_fft(FFT(), input, name)


def ifft(input, name=None):  # noqa: A002
    """tf.ifft / tf.signal.ifft: the inverse transform over the last axis (1/N included)."""
    return _complex_fft(IFFT(), input, name)


def fft2d(input, name=None):  # noqa: A002
    """tf.fft2d / tf.signal.fft2d: the 2-D transform over the last two axes."""
    return _complex_fft(FFT2D(), input, name)


def ifft2d(input, name=None):  # noqa: A002
    """tf.ifft2d / tf.signal.ifft2d: the inverse 2-D transform over the last two axes."""
    return _complex_fft(IFFT2D(), input, name)


def fft3d(input, name=None):  # noqa: A002
    """tf.fft3d / tf.signal.fft3d: the 3-D transform over the last three axes."""
    return _complex_fft(FFT3D(), input, name)


def ifft3d(input, name=None):  # noqa: A002
    """tf.ifft3d / tf.signal.ifft3d: the inverse 3-D transform over the last three axes."""
    return _complex_fft(IFFT3D(), input, name)


# -- real to half spectrum and back ----------------------------------------------------------------

def _fit_inner(g, like, rank):
    """`g` cropped or zero-padded at the end of its last `rank` axes to the sizes of `like`'s
    (the gradient of a kernel that pads or crops its input to fft_length)."""
    gd, ld = g.shape.as_tuple(), like.shape.as_tuple()
    if gd is not None and ld is not None and None not in gd[-rank:] + ld[-rank:] \
            and gd[-rank:] == ld[-rank:]:
        return g
    g_shape, like_inner = shape(g), shape(like)[-rank:]
    keep = minimum(g_shape[-rank:], like_inner)
    outer = g_shape[:-rank]
    g = slice(g, zeros_like(g_shape), concat([outer, keep], 0))
    after = concat([zeros_like(outer), like_inner - keep], 0)
    g = pad(g, stack([zeros_like(after), after], axis=1))
    g.set_shape(like.shape)
    return g


def _half_spectrum_mask(n, dtype):
    """TF's IRFFT gradient weights over the n // 2 + 1 bins: 1 for the bins the half spectrum
    holds once (0, and n / 2 for even n), 2 for those standing for a conjugate pair."""
    k = _range(n // 2 + 1)
    once = cast(equal(k, 0), dtype) + cast(equal(2 * k, n), dtype)
    return 2 - once


class RealFFT(OpDef):
    """RFFT: the transform of a real signal over its last `rank` axes, cropped or zero-padded
    to `fft_length`, keeping the fft_length[-1] // 2 + 1 non-negative frequencies of the last
    axis. IRFFT (`inverse`): the real signal of fft_length whose half spectrum is the input
    (cropped or padded likewise), 1/N included."""

    rank: ClassVar[int] = 1
    inverse: ClassVar[bool] = False
    host_inputs = (1,)  # fft_length stays on the host

    def _out_dtype(self):
        raise NotImplementedError

    def infer(self, x, fft_length):
        allowed = _COMPLEX if self.inverse else _REAL
        if x.dtype not in allowed:
            raise dtype_error("input", x.dtype, allowed, self.type_name)
        if fft_length.dtype is not dtypes.int32:
            raise dtype_error("fft_length", fft_length.dtype, (dtypes.int32,), self.type_name)
        check_shape_tensor(fft_length, "%s's fft_length" % self.type_name)
        _check_inner_rank(x, self.rank)
        n = fft_length.shape.as_tuple()
        if n is not None and n[0] is not None and n[0] != self.rank:
            raise ValueError("%s's fft_length must have %d entries (one per transformed axis), "
                             "not %d" % (self.type_name, self.rank, n[0]))
        # TF's: the inner dims are known only from a constant fft_length, not a partial one.
        value = constant_value(fft_length)
        lengths = [None] * self.rank if value is None else [int(v) for v in value.reshape(-1)]
        if any(v is not None and v < 0 for v in lengths):
            raise ValueError("%s's fft_length must not be negative, got %s"
                             % (self.type_name, lengths))
        if not self.inverse and lengths[-1] is not None:
            lengths[-1] = lengths[-1] // 2 + 1
        dims = x.shape.as_tuple()
        out = None if dims is None else list(dims[:-self.rank]) + lengths
        return TensorSpec(out, self._out_dtype())

    def compute(self, xp, x, fft_length):
        n = tuple(int(v) for v in fft_length.tolist())
        dtype = self._out_dtype().as_numpy_dtype
        out_inner = n if self.inverse else n[:-1] + (n[-1] // 2 + 1,)
        if 0 in n or x.size == 0:
            return xp.zeros(x.shape[:-self.rank] + out_inner, dtype)
        fn = xp.fft.irfftn if self.inverse else xp.fft.rfftn
        return fn(x, s=n, axes=_axes(self.rank)).astype(dtype, copy=False)

    def grad(self, op, dy):
        x, fft_length = op.inputs
        n = fft_length[-1]
        if self.inverse:
            # TF's: the half spectrum of dy, the bins standing for conjugate pairs counted
            # twice, over N.
            size = _fft_size(dy, self.rank, dy.dtype)
            weights = cast(_half_spectrum_mask(n, dy.dtype) / size, x.dtype)
            g = _REAL_OPS[self.rank][0](x.dtype)(dy, fft_length, name="RFFT") * weights
        else:
            # The real part of N times the inverse transform of the full spectrum whose
            # frequencies RFFT dropped are zero: TF's value (TF builds it from IRFFT and a
            # correction of the bins held once; minitf needs no case for the 2-D and 3-D forms).
            zeros = zeros_like(shape(dy))
            after = concat([zeros[:-1], stack([n - (n // 2 + 1)])], 0)
            full = pad(dy, stack([zeros, after], axis=1))
            size = _fft_size(full, self.rank, dy.dtype)
            g = real(_COMPLEX_OPS[self.rank][1]()(full) * cast(size, dy.dtype))
        return [_fit_inner(g, x, self.rank), None]


class _RFFT(RealFFT):
    Tcomplex: dtypes.DType = dtypes.complex64
    tf_signature = TFSignature(type_attrs=(("Treal", 0),))

    def _out_dtype(self):
        return self.Tcomplex


class _IRFFT(RealFFT):
    Treal: dtypes.DType = dtypes.float32
    inverse = True
    tf_signature = TFSignature(type_attrs=(("Tcomplex", 0),))

    def _out_dtype(self):
        return self.Treal


@register
class RFFT(_RFFT):
    pass


@register
class IRFFT(_IRFFT):
    pass


@register
class RFFT2D(_RFFT):
    rank = 2


@register
class IRFFT2D(_IRFFT):
    rank = 2


@register
class RFFT3D(_RFFT):
    rank = 3


@register
class IRFFT3D(_IRFFT):
    rank = 3


_REAL_OPS = {1: (RFFT, IRFFT), 2: (RFFT2D, IRFFT2D), 3: (RFFT3D, IRFFT3D)}


def _default_fft_length(x, rank, inverse):
    """TF's fft_length when none is given: the inner dims of x (IRFFT: the last one
    2 * (d - 1), the signal length of an even transform); a tensor when they are unknown."""
    dims = x.shape.as_tuple()
    if dims is not None and None not in dims[-rank:]:
        lengths = list(dims[-rank:])
        if inverse:
            lengths[-1] = max(0, 2 * (lengths[-1] - 1))
        return index_tensor(lengths, name="fft_length")
    inner = shape(x)[-rank:]
    if not inverse:
        return inner
    return concat([inner[:-1], maximum(0, 2 * (inner[-1:] - 1))], 0)


def _pad_to_fft_length(x, rank, fft_length, inverse):
    """TF's wrappers zero-pad the inner dims of x up to fft_length (IRFFT's last one to
    fft_length[-1] // 2 + 1): a static Pad where the sizes are known, else one whose paddings
    are computed (whose output shape TF leaves unknown, as minitf's Pad does)."""
    dims = x.shape.as_tuple()
    if dims is not None and 0 in dims:
        return x
    value = constant_value(fft_length)
    if value is not None and dims is not None and None not in dims[-rank:]:
        target = [int(v) for v in value.reshape(-1)]
        if inverse:
            target[-1] = target[-1] // 2 + 1
        after = [max(t - d, 0) for t, d in zip(target, dims[-len(target):])]
        if not any(after):
            return x
        return pad(x, [[0, 0]] * (len(dims) - len(after)) + [[0, a] for a in after])
    if inverse:
        fft_length = concat([fft_length[:-1], fft_length[-1:] // 2 + 1], 0)
    outer = zeros_like(shape(x))[:maximum(0, _rank(x) - rank)]
    after = concat([outer, maximum(0, fft_length - shape(x)[-rank:])], 0)
    return pad(x, stack([zeros_like(after), after], axis=1))


def _real_fft(rank, inverse, input_tensor, fft_length, name, default):
    with name_scope(name, default, [input_tensor, fft_length]) as scope:
        # TF's: a Python or numpy value is converted to float32 (complex64) where it can be.
        x = convert_to_tensor(input_tensor,
                              preferred_dtype=dtypes.complex64 if inverse else dtypes.float32)
        allowed = _COMPLEX if inverse else _REAL
        if x.dtype not in allowed:
            raise ValueError("%s requires tf.%s or tf.%s inputs, got: %s"
                             % ("IRFFT" if inverse else "RFFT", allowed[0].name,
                                allowed[1].name, x))
        _check_inner_rank(x, rank)
        if fft_length is None:
            fft_length = _default_fft_length(x, rank, inverse)
        else:
            fft_length = convert_to_tensor(fft_length, dtypes.int32, name="fft_length")
        x = _pad_to_fft_length(x, rank, fft_length, inverse)
        opdef = _REAL_OPS[rank][inverse]
        other = x.dtype.real_dtype if inverse else {dtypes.float32: dtypes.complex64,
                                                    dtypes.float64: dtypes.complex128}[x.dtype]
        return opdef(other)(x, fft_length, name=scope)


def rfft(input_tensor, fft_length=None, name=None):
    """tf.signal.rfft: the half spectrum (n // 2 + 1 bins) of a real signal's last axis,
    cropped or zero-padded to fft_length (default: its length)."""
    return _real_fft(1, False, input_tensor, fft_length, name, "rfft")


def irfft(input_tensor, fft_length=None, name=None):
    """tf.signal.irfft: the real signal of length fft_length (default 2 * (bins - 1)) whose
    half spectrum is the last axis of `input_tensor`."""
    return _real_fft(1, True, input_tensor, fft_length, name, "irfft")


def rfft2d(input_tensor, fft_length=None, name=None):
    """tf.signal.rfft2d: rfft over the last two axes (the half spectrum on the last)."""
    return _real_fft(2, False, input_tensor, fft_length, name, "rfft2d")


def irfft2d(input_tensor, fft_length=None, name=None):
    """tf.signal.irfft2d: the inverse of rfft2d."""
    return _real_fft(2, True, input_tensor, fft_length, name, "irfft2d")


def rfft3d(input_tensor, fft_length=None, name=None):
    """tf.signal.rfft3d: rfft over the last three axes."""
    return _real_fft(3, False, input_tensor, fft_length, name, "rfft3d")


def irfft3d(input_tensor, fft_length=None, name=None):
    """tf.signal.irfft3d: the inverse of rfft3d."""
    return _real_fft(3, True, input_tensor, fft_length, name, "irfft3d")


# -- shifts ----------------------------------------------------------------------------------------

def _shift(x, axes, name, default, sign):
    with name_scope(name, default) as scope:
        x = convert_to_tensor(x)
        if axes is None:
            axes = tuple(range(x.shape.ndims))
            shift = shape(x) // 2
        elif isinstance(axes, int):
            shift = shape(x)[axes] // 2
        else:
            axes = convert_to_tensor(axes, dtypes.int32)
            axes = where(less(axes, 0), axes + _rank(x), axes)
            shift = gather(shape(x), axes) // 2
        return roll(x, shift if sign > 0 else -shift, axes, name=scope)


def fftshift(x, axes=None, name=None):
    """tf.signal.fftshift: the zero frequency moved to the centre (a roll by n // 2 along
    `axes`, default all)."""
    return _shift(x, axes, name, "fftshift", 1)


def ifftshift(x, axes=None, name=None):
    """tf.signal.ifftshift: fftshift undone (a roll by -(n // 2))."""
    return _shift(x, axes, name, "ifftshift", -1)
