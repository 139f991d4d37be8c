"""tf.signal's signal processing, composed from minitf's ops as TF composes it (so gradients
come from the ops'): frame and overlap_and_add, the Hann and Hamming windows, stft and
inverse_stft, the mel filterbank, MFCCs and the DCT (types 1-4) through the RFFT."""

import math

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.tensor import Tensor
from minitf.framework.tensor_util import constant_value
from minitf.ops.core import (cast, constant, convert_to_tensor, expand_dims, ones, ones_like,
                             reshape, shape, stack, zeros_like)
from minitf.ops.elementwise import (ceil, complex, cos, equal, exp, floormod, log, maximum,
                                    minimum, real, rsqrt, square, where_v2)
from minitf.ops.fft_ops import irfft, rfft
from minitf.ops.gather_scatter import gather
from minitf.ops.join_split import concat, split, tile
from minitf.ops.ranges import linspace
from minitf.ops.ranges import range as _range
from minitf.ops.reductions import reduce_sum
from minitf.ops.shape_ops import transpose
from minitf.ops.slicing import pad

__all__ = ["frame", "overlap_and_add", "hann_window", "hamming_window", "stft", "inverse_stft",
           "inverse_stft_window_fn", "linear_to_mel_weight_matrix",
           "mfccs_from_log_mel_spectrograms", "dct", "idct"]


def _scalar(t, what):
    if t.shape.ndims not in (None, 0):
        raise ValueError("Shape %s must have rank 0 (%s)" % (t.shape, what))
    return t


def _static(t):
    """A scalar tensor's value as a Python int when it is known while building, else the
    tensor."""
    value = constant_value(t)
    return t if value is None else int(value)


def _rank_at_least(t, rank):
    if t.shape.ndims is not None and t.shape.ndims < rank:
        raise ValueError("Shape %s must have rank at least %d" % (t.shape, rank))


def _known_rank(t, fn):
    if t.shape.ndims is None:
        raise ValueError("minitf's %s needs the rank of its input when the graph is built"
                         % fn)
    return t.shape.ndims


def _dims(t, start, stop=None):
    """t's dims [start:stop] as Python ints where all are known, else a 1-D int32 tensor."""
    dims = t.shape.as_tuple()[start:stop]
    return list(dims) if None not in dims else shape(t)[start:stop]


def _shape(outer, inner):
    """outer + inner as a shape argument: a list of ints when every entry is known."""
    if isinstance(outer, list) and not any(isinstance(d, Tensor) for d in inner):
        return outer + list(inner)
    inner = stack([d if isinstance(d, Tensor) else constant(d, dtypes.int32) for d in inner])
    return concat([outer if isinstance(outer, Tensor) else constant(outer, dtypes.int32),
                   inner], 0)


# -- framing -------------------------------------------------------------------------------

def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """tf.signal.frame: the frames of `frame_length` samples every `frame_step` along `axis`
    (replaced by [frames, frame_length]); `pad_end` pads the end with `pad_value` so that
    every sample is in a frame. The frames are one gather along `axis`."""
    with name_scope(name, "frame", [signal, frame_length, frame_step, pad_value]):
        signal = convert_to_tensor(signal, name="signal")
        frame_length = _scalar(convert_to_tensor(frame_length, name="frame_length"),
                               "frame_length")
        frame_step = _scalar(convert_to_tensor(frame_step, name="frame_step"), "frame_step")
        _rank_at_least(signal, 1)
        rank = _known_rank(signal, "frame")
        axis_value = constant_value(convert_to_tensor(axis, name="axis"))
        if axis_value is None:
            raise ValueError("minitf's frame needs `axis` when the graph is built")
        axis = range(rank)[int(axis_value)]
        dims = signal.shape.as_tuple()
        length = dims[axis]
        length = shape(signal)[axis] if length is None else length
        fl, step = _static(frame_length), _static(frame_step)
        if pad_end:
            frames = -(-length // step)
            missing = maximum(0, fl + step * (frames - 1) - length)
            missing = _static(missing) if isinstance(missing, Tensor) else missing
            pads = [[0, 0]] * rank
            pads[axis] = [0, missing]
            if isinstance(missing, Tensor):
                zero = constant(0, dtypes.int32)
                pads = stack([stack([zero, cast(p[1], dtypes.int32) if isinstance(p[1], Tensor)
                                     else constant(p[1], dtypes.int32)]) for p in pads])
            signal = pad(signal, pads, constant_values=convert_to_tensor(
                pad_value, signal.dtype, name="pad_value"))
        else:
            frames = maximum(0, 1 + (length - fl) // step)
        frames = _static(frames) if isinstance(frames, Tensor) else max(frames, 0)
        if not isinstance(frames, Tensor) and not isinstance(fl, Tensor) and \
                not isinstance(step, Tensor):
            indices = (np.arange(frames)[:, None] * step + np.arange(fl)[None, :])
            indices = constant(indices.astype(np.int32).reshape(frames, fl))
        else:
            indices = (reshape(_range(frames) * step, [-1, 1])
                       + reshape(_range(fl), [1, -1]))
        frames = gather(signal, indices, axis=axis)
        # TF's static shape: the signal's other dims survive a padding computed at run time
        frames.set_shape(dims[:axis] + (frames.shape[axis].value, frames.shape[axis + 1].value)
                         + dims[axis + 1:])
        return frames


def overlap_and_add(signal, frame_step, name=None):
    """tf.signal.overlap_and_add: frames [..., frames, frame_length] added at every
    `frame_step` samples, giving [..., frame_length + frame_step * (frames - 1)]. Each frame
    is cut into segments of frame_step samples; skewing the segments by one frame per row
    (a reshape of a padded array) lines up those that add."""
    with name_scope(name, "overlap_and_add", [signal, frame_step]):
        signal = convert_to_tensor(signal, name="signal")
        _rank_at_least(signal, 2)
        frame_step = _scalar(convert_to_tensor(frame_step, name="frame_step"), "frame_step")
        if not frame_step.dtype.is_integer:
            raise ValueError("frame_step must be an integer. Got %s" % frame_step.dtype)
        rank = _known_rank(signal, "overlap_and_add")
        step, length = _static(frame_step), signal.shape[-1].value
        if isinstance(step, Tensor) or length is None:
            raise ValueError("minitf's overlap_and_add needs frame_step and the frame length "
                             "when the graph is built")
        frames = signal.shape[-2].value
        frames = shape(signal)[-2] if frames is None else frames
        outer = _dims(signal, 0, -2)
        out_length = length + step * (frames - 1)
        if step == length:
            return reshape(signal, _shape(outer, [out_length]))
        segments = -(-length // step)
        x = pad(signal, [[0, 0]] * (rank - 2) + [[0, segments], [0, segments * step - length]])
        x = reshape(x, _shape(outer, [frames + segments, segments, step]))
        x = transpose(x, list(range(rank - 2)) + [rank - 1, rank - 2, rank])
        # segment k of frame f sits at row k * (frames + segments) + f; read with rows one
        # shorter, it moves to column f + k: the output chunk it adds into.
        x = reshape(x, _shape(outer, [segments * (frames + segments), step]))
        x = x[..., :segments * (frames + segments - 1), :]
        x = reshape(x, _shape(outer, [segments, frames + segments - 1, step]))
        x = reduce_sum(x, -3)
        x = reshape(x, _shape(outer, [(frames + segments - 1) * step]))
        return x[..., :out_length]


# -- windows -------------------------------------------------------------------------------

def _raised_cosine(name, default, window_length, periodic, dtype, a, b):
    """a - b cos(2 pi n / N) for n < window_length: N is the length for a periodic window of
    even length, else the length - 1 (TF's rule); a window of one sample is [1]."""
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError("dtype must be a floating point type. Found %s" % dtype)
    with name_scope(name, default, [window_length, periodic]):
        window_length = _scalar(convert_to_tensor(window_length, dtypes.int32,
                                                  name="window_length"), "window_length")
        known = constant_value(window_length)
        if known is not None and int(known) == 1:
            return ones([1], dtype=dtype)
        periodic = cast(convert_to_tensor(periodic, dtypes.bool, name="periodic"),
                        dtypes.int32)
        even = 1 - floormod(window_length, 2)
        n = cast(window_length + periodic * even - 1, dtype)
        count = cast(_range(window_length), dtype)
        window = cast(a - b * cos(constant(2 * np.pi, dtype) * count / n), dtype)
        if known is not None:
            return window
        return where_v2(equal(window_length, 1), ones_like(window), window)


def hann_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """tf.signal.hann_window: 0.5 - 0.5 cos(2 pi n / N) (see _raised_cosine for N)."""
    return _raised_cosine(name, "hann_window", window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """tf.signal.hamming_window: 0.54 - 0.46 cos(2 pi n / N)."""
    return _raised_cosine(name, "hamming_window", window_length, periodic, dtype, 0.54, 0.46)


# -- short-time Fourier transforms -----------------------------------------------------------

def _enclosing_power_of_two(value):
    """The smallest power of two >= value (a constant when value is known)."""
    known = constant_value(value)
    if known is not None:
        return constant(int(2 ** np.ceil(np.log2(float(known)))), value.dtype)
    exponent = math.log(2.0)
    return cast(exp(exponent * ceil(log(cast(value, dtypes.float32)) / exponent)),
                value.dtype)


def _stft_lengths(frame_length, frame_step, fft_length):
    """stft's and inverse_stft's scalar arguments as tensors; fft_length defaults to the
    power of two enclosing frame_length."""
    frame_length = _scalar(convert_to_tensor(frame_length, name="frame_length"),
                           "frame_length")
    frame_step = _scalar(convert_to_tensor(frame_step, name="frame_step"), "frame_step")
    if fft_length is None:
        fft_length = _enclosing_power_of_two(frame_length)
    else:
        fft_length = convert_to_tensor(fft_length, name="fft_length")
    return frame_length, frame_step, fft_length


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None):
    """tf.signal.stft: the rfft of each windowed frame: [..., frames, fft_length // 2 + 1];
    fft_length defaults to the power of two enclosing frame_length."""
    with name_scope(name, "stft", [signals, frame_length, frame_step]):
        signals = convert_to_tensor(signals, name="signals")
        _rank_at_least(signals, 1)
        frame_length, frame_step, fft_length = _stft_lengths(frame_length, frame_step,
                                                             fft_length)
        framed = frame(signals, frame_length, frame_step, pad_end=pad_end)
        if window_fn is not None:
            framed = framed * window_fn(frame_length, dtype=framed.dtype)
        return rfft(framed, stack([fft_length]))


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """tf.signal.inverse_stft_window_fn: a window function for inverse_stft that undoes
    `forward_window_fn` (Griffin and Lim's: the forward window over the sum of the squared
    windows that overlap each sample)."""
    def inverse_window(frame_length, dtype):
        with name_scope(name, "inverse_stft_window_fn", [forward_window_fn]):
            step = _scalar(convert_to_tensor(frame_step, name="frame_step"), "frame_step")
            length = _scalar(convert_to_tensor(frame_length, name="frame_length"),
                             "frame_length")
            forward = forward_window_fn(length, dtype=dtype)
            overlaps = -(-length // step)
            squares = pad(square(forward), stack([stack([0, overlaps * step - length])]))
            squares = reshape(squares, stack([overlaps, step]))
            per_sample = reduce_sum(squares, 0, keepdims=True)
            denominator = reshape(tile(per_sample, stack([overlaps, 1])),
                                  stack([overlaps * step]))
            return forward / denominator[:length]
    return inverse_window


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None):
    """tf.signal.inverse_stft: the irfft of each frame, cropped or zero-padded to
    frame_length, windowed, and overlapped and added. For a perfect reconstruction pass
    window_fn=tf.signal.inverse_stft_window_fn(frame_step)."""
    with name_scope(name, "inverse_stft", [stfts]):
        stfts = convert_to_tensor(stfts, name="stfts")
        _rank_at_least(stfts, 2)
        frame_length, frame_step, fft_length = _stft_lengths(frame_length, frame_step,
                                                             fft_length)
        frames = irfft(stfts, stack([fft_length]))
        want = constant_value(frame_length)
        have = None if frames.shape.ndims is None else frames.shape[-1].value
        if want is None or have is None:
            frames = frames[..., :frame_length]
            rank = _known_rank(frames, "inverse_stft")
            after = maximum(0, frame_length - shape(frames)[-1])
            frames = pad(frames, stack([stack([0, 0])] * (rank - 1) + [stack([0, after])]))
        elif have > int(want):
            frames = frames[..., :int(want)]
        elif have < int(want):
            frames = pad(frames, [[0, 0]] * (frames.shape.ndims - 1) + [[0, int(want) - have]])
        if want is not None and frames.shape.ndims is not None:
            frames.set_shape([None] * (frames.shape.ndims - 1) + [int(want)])
        if window_fn is not None:
            frames = frames * window_fn(frame_length, dtype=stfts.dtype.real_dtype)
        return overlap_and_add(frames, frame_step)


# -- mel filterbank, MFCCs ---------------------------------------------------------------------

_MEL_BREAK_HZ = 700.0
_MEL_HIGH_Q = 1127.0


def _hertz_to_mel(hz):
    return _MEL_HIGH_Q * log(1.0 + hz / _MEL_BREAK_HZ)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=dtypes.float32, name=None):
    """tf.signal.linear_to_mel_weight_matrix: [num_spectrogram_bins, num_mel_bins] triangular
    filters (peak 1) on the HTK mel scale between the edge frequencies; the bin of 0 Hz is
    all zeros. `matmul(spectrogram, matrix)` warps a linear spectrogram to mel bands."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "linear_to_mel_weight_matrix") as scope:
        if isinstance(sample_rate, Tensor) and constant_value(sample_rate) is not None:
            sample_rate = constant_value(sample_rate).item()
        if num_mel_bins <= 0:
            raise ValueError("num_mel_bins must be positive. Got: %s" % num_mel_bins)
        if lower_edge_hertz < 0.0:
            raise ValueError("lower_edge_hertz must be non-negative. Got: %s"
                             % lower_edge_hertz)
        if lower_edge_hertz >= upper_edge_hertz:
            raise ValueError("lower_edge_hertz %.1f >= upper_edge_hertz %.1f"
                             % (lower_edge_hertz, upper_edge_hertz))
        if not isinstance(sample_rate, Tensor):
            if sample_rate <= 0.0:
                raise ValueError("sample_rate must be positive. Got: %s" % sample_rate)
            if upper_edge_hertz > sample_rate / 2:
                raise ValueError("upper_edge_hertz must not be larger than the Nyquist "
                                 "frequency (sample_rate / 2). Got %s for sample_rate: %s"
                                 % (upper_edge_hertz, sample_rate))
        if not dtype.is_floating:
            raise ValueError("dtype must be a floating point type. Got: %s" % dtype)
        rate = cast(sample_rate, dtype, name="sample_rate")
        lower = convert_to_tensor(lower_edge_hertz, dtype, name="lower_edge_hertz")
        upper = convert_to_tensor(upper_edge_hertz, dtype, name="upper_edge_hertz")
        zero = convert_to_tensor(0.0, dtype)
        # every spectrogram bin but 0 Hz, in mels, as a column
        bins_mel = expand_dims(_hertz_to_mel(
            linspace(zero, rate / 2.0, num_spectrogram_bins)[1:]), 1)
        edges = frame(linspace(_hertz_to_mel(lower), _hertz_to_mel(upper), num_mel_bins + 2),
                      frame_length=3, frame_step=1)
        left, centre, right = (reshape(t, [1, num_mel_bins]) for t in split(edges, 3, axis=1))
        rising = (bins_mel - left) / (centre - left)
        falling = (right - bins_mel) / (right - centre)
        weights = maximum(zero, minimum(rising, falling))
        return pad(weights, [[1, 0], [0, 0]], name=scope)


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """tf.signal.mfccs_from_log_mel_spectrograms: the orthonormal-scaled DCT-II of the last
    axis (TF's: dct type 2 times rsqrt(2 * num_mel_bins)); keep the first coefficients."""
    with name_scope(name, "mfccs_from_log_mel_spectrograms", [log_mel_spectrograms]):
        x = convert_to_tensor(log_mel_spectrograms)
        bins = x.shape[-1].value if x.shape.ndims else None
        if bins == 0:
            raise ValueError("num_mel_bins must be positive. Got: %s" % x)
        if bins is None:
            bins = shape(x)[-1]
        coefficients = dct(x, type=2)
        return coefficients * rsqrt(cast(bins, coefficients.dtype) * 2.0)


# -- discrete cosine transforms ------------------------------------------------------------------

def _check_dct(x, dct_type, n, axis, norm):
    if axis != -1:
        raise NotImplementedError("axis must be -1. Got: %s" % axis)
    if n is not None and n < 1:
        raise ValueError("n should be a positive integer or None")
    if dct_type not in (1, 2, 3, 4):
        raise ValueError("Types I, II, III and IV (I)DCT are supported.")
    if dct_type == 1:
        if norm == "ortho":
            raise ValueError("Normalization is not supported for the Type-I DCT.")
        if x.shape.ndims and x.shape[-1].value is not None and x.shape[-1].value < 2:
            raise ValueError("Type-I DCT requires the dimension to be greater than one.")
    if norm not in (None, "ortho"):
        raise ValueError("Unknown normalization. Expected None or 'ortho', got: %s" % norm)


def _first_and_rest(first, rest, size, dtype):
    """A vector [first, rest, rest, ...] of `size` entries (the orthonormal weights)."""
    return pad(expand_dims(cast(first, dtype), 0), stack([stack([0, size - 1])]),
               constant_values=cast(rest, dtype))


def _phase(length, sign, dtype):
    """2 exp(sign i pi k / (2 length)) for k < length, in the complex dtype of `dtype`."""
    k = cast(_range(length), dtype)
    angle = k * (sign * math.pi * 0.5) / cast(length, dtype)
    return 2.0 * exp(complex(zeros_like(angle), angle))


def _dct(x, dct_type, n, norm):
    x = convert_to_tensor(x)
    if n is not None:
        rank = _known_rank(x, "dct with n")
        size = x.shape[-1].value
        if size is None:
            x = x[..., :n]
            after = maximum(0, n - shape(x)[-1])
            x = pad(x, stack([stack([0, 0])] * (rank - 1) + [stack([0, after])]))
            x.set_shape([None] * (rank - 1) + [n])
        elif n <= size:
            x = x[..., :n]
        else:
            x = pad(x, [[0, 0]] * (rank - 1) + [[0, n - size]])
    size = x.shape[-1].value if x.shape.ndims else None
    size = shape(x)[-1] if size is None else size
    size_f = cast(size, x.dtype)
    if dct_type == 1:
        # the even extension x0 .. x(N-1) x(N-2) .. x1 has a real spectrum
        return real(rfft(concat([x, x[..., -2:0:-1]], axis=-1)))
    if dct_type == 2:
        spectrum = rfft(x, stack([2 * size]))[..., :size]
        y = real(spectrum * _phase(size, -1, x.dtype))
        if norm == "ortho":
            first = 0.5 * rsqrt(size_f)
            y = y * _first_and_rest(first, first * math.sqrt(2.0), size, x.dtype)
        return y
    if dct_type == 3:
        if norm == "ortho":
            first = size_f ** 0.5
            x = x * _first_and_rest(first, first * math.sqrt(0.5), size, x.dtype)
        else:
            x = x * size_f
        spectrum = _phase(size, 1, x.dtype) * complex(x, zeros_like(x))
        return real(irfft(spectrum, stack([2 * size])))[..., :size]
    y = _dct(x, 2, 2 * size, None)[..., 1::2]
    if norm == "ortho":
        y = y * (math.sqrt(0.5) * rsqrt(size_f))
    return y


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002 - TF's names
    """tf.signal.dct: the DCT of the last axis, types 1-4 (scipy's definitions; norm='ortho'
    for types 2-4), computed through the RFFT; `n` crops or zero-pads the input first."""
    x = convert_to_tensor(input)
    _check_dct(x, type, n, axis, norm)
    with name_scope(name, "dct", [x]):
        return _dct(x, type, n, norm)


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """tf.signal.idct: the inverse DCT (type 2 and 3 swap; with norm='ortho' it inverts dct
    exactly, without it dct then idct scales by 2N)."""
    x = convert_to_tensor(input)
    _check_dct(x, type, n, axis, norm)
    with name_scope(name, "dct", [x]):
        return _dct(x, {1: 1, 2: 3, 3: 2, 4: 4}[type], n, norm)
