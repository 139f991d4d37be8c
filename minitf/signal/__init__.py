"""tf.signal: Fourier transforms (minitf/ops/fft_ops.py) and signal processing composed from
minitf's ops (minitf/ops/signal_ops.py): framing, windows, short-time Fourier transforms,
the mel filterbank, MFCCs and the DCT."""

from minitf.ops.fft_ops import (fft, fft2d, fft3d, fftshift, ifft, ifft2d, ifft3d, ifftshift, irfft,
                                irfft2d, irfft3d, rfft, rfft2d, rfft3d)
from minitf.ops.signal_ops import (dct, frame, hamming_window, hann_window, idct, inverse_stft,
                                   inverse_stft_window_fn, linear_to_mel_weight_matrix,
                                   mfccs_from_log_mel_spectrograms, overlap_and_add, stft)

__all__ = ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "rfft", "irfft", "rfft2d",
           "irfft2d", "rfft3d", "irfft3d", "fftshift", "ifftshift", "frame", "overlap_and_add",
           "hann_window", "hamming_window", "stft", "inverse_stft", "inverse_stft_window_fn",
           "linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms", "dct", "idct"]
