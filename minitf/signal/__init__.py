"""tf.signal: Fourier transforms (minitf/ops/fft_ops.py) and their shifts."""

from minitf.ops.fft_ops import (fft, fft2d, fft3d, fftshift, ifft, ifft2d, ifft3d, ifftshift, irfft,
                                irfft2d, irfft3d, rfft, rfft2d, rfft3d)

__all__ = ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "rfft", "irfft", "rfft2d",
           "irfft2d", "rfft3d", "irfft3d", "fftshift", "ifftshift"]
