"""Op table entries for complex numbers (Complex, Real, Imag, Angle, Conj, ComplexAbs, and the
elementwise and matrix ops on complex inputs, whose gradients follow TF's convention) and the
Fourier transforms (FFT/IFFT 1-3-D, RFFT/IRFFT 1-3-D with fft_length cropping and padding).

Complex inputs are checked by the numerical gradient check in complex128: a complex input's
gradient is dL/dRe + i dL/dIm, as TF's (minitf.testing.check_gradients)."""

import numpy as np

import minitf as tf
from tests.op_specs.spec import Arg, OpSpec

C = "complex64"


def _c(shape, static="same", low=-2.0, high=2.0):
    return Arg(shape, C, static=static, low=low, high=high)


def _fft_rows():
    rows = []
    for rank, fwd, inv in ((1, tf.fft, tf.ifft), (2, tf.fft2d, tf.ifft2d),
                           (3, tf.fft3d, tf.ifft3d)):
        np_f, np_i = np.fft.fftn, np.fft.ifftn
        axes = tuple(range(-rank, 0))
        shape = (2, 3, 4, 5)[-rank - 1:]
        static = (None,) * (len(shape) - 1) + shape[-1:]
        rows += [
            OpSpec("fft%dd" % rank, fwd, lambda x, f=np_f, a=axes: f(x, axes=a), [_c(shape)],
                   rtol=1e-5, atol=1e-5),
            OpSpec("ifft%dd/none_dims" % rank, inv, lambda x, f=np_i, a=axes: f(x, axes=a),
                   [_c(shape, static)], rtol=1e-5, atol=1e-6),
        ]
    return rows


def _rfft_rows():
    rows = []
    for rank, fwd, inv, np_f, np_i in (
            (1, tf.signal.rfft, tf.signal.irfft, np.fft.rfftn, np.fft.irfftn),
            (2, tf.signal.rfft2d, tf.signal.irfft2d, np.fft.rfftn, np.fft.irfftn),
            (3, tf.signal.rfft3d, tf.signal.irfft3d, np.fft.rfftn, np.fft.irfftn)):
        axes = tuple(range(-rank, 0))
        shape = (2, 4, 3, 6)[-rank - 1:]
        half = shape[:-1] + (shape[-1] // 2 + 1,)
        for tag, n in (("", None), ("/pad_odd", shape[-rank:-1] + (7,)),
                       ("/crop", (3,) * rank), ("/pad_even", tuple(d + 2 for d in shape[-rank:]))):
            rows.append(OpSpec(
                "rfft%dd%s" % (rank, tag), lambda x, f=fwd, n=n: f(x, n),
                lambda x, f=np_f, n=n, a=axes: f(x, s=n, axes=a),
                [Arg(shape)], rtol=1e-5, atol=1e-5))
            length = None if n is None else n[-rank:]
            rows.append(OpSpec(
                "irfft%dd%s" % (rank, tag), lambda z, f=inv, n=length: f(z, n),
                lambda z, f=np_i, n=length, a=axes: f(
                    z, s=n if n is not None else z.shape[-len(a):-1] + (2 * (z.shape[-1] - 1),),
                    axes=a),
                [_c(half)], rtol=1e-5, atol=1e-5))
    rows += [
        OpSpec("rfft/none_dims", tf.signal.rfft, np.fft.rfft, [Arg((3, 8), static=(None, None))],
               rtol=1e-5, atol=1e-5),
        OpSpec("irfft/none_dims", tf.signal.irfft, np.fft.irfft,
               [_c((3, 5), static=(None, None))], rtol=1e-5, atol=1e-5),
        OpSpec("rfft2d/float64", tf.signal.rfft2d, np.fft.rfft2, [Arg((3, 5), "float64")]),
        OpSpec("irfft2d/complex128_odd", lambda z: tf.signal.irfft2d(z, [4, 5]),
               lambda z: np.fft.irfft2(z, (4, 5)), [Arg((4, 3), "complex128")]),
    ]
    return rows


def _elementwise(name, fn, ref, shapes=((2, 3), (2, 3)), low=0.3, high=1.5):
    return OpSpec(name + "/complex", fn, ref, [_c(s, low=low, high=high) for s in shapes],
                  rtol=1e-5, atol=1e-6)


SPECS = [
    OpSpec("complex/broadcast", tf.complex, lambda a, b: a + 1j * b,
           [Arg((2, 3)), Arg((3,))]),
    OpSpec("complex/float64", tf.complex, lambda a, b: a + 1j * b,
           [Arg((2, 2), "float64", static=(None, 2)), Arg((2, 2), "float64")]),
    OpSpec("real", tf.real, np.real, [_c((2, 3))]),
    OpSpec("imag/none_dims", tf.imag, np.imag, [_c((2, 3), static=(None, 3))]),
    OpSpec("angle", tf.angle, np.angle, [_c((2, 3), low=0.2, high=2)]),
    OpSpec("angle/complex128", tf.math.angle, np.angle,
           [Arg((3,), "complex128", values=[1 - 1j, -2 + 0.5j, -1 - 1j])]),
    OpSpec("conj", tf.conj, np.conj, [_c((2, 3))]),
    OpSpec("complex_abs/grad", tf.abs, np.abs, [_c((2, 3), low=0.2, high=2)]),
    OpSpec("to_complex64", tf.to_complex64, lambda x: x.astype(np.complex64), [Arg((3,))],
           grad=False),  # (float64 inputs in the gradient check: to_complex128 below)
    OpSpec("to_complex128", tf.to_complex128, lambda x: x + 0j, [Arg((3,), "float64")]),
    OpSpec("cast/complex_to_float", lambda z: tf.cast(z, tf.float64), np.real,
           [Arg((3,), "complex128")]),
    _elementwise("add", tf.add, np.add, ((2, 3), (3,))),
    _elementwise("mul", tf.multiply, np.multiply, ((2, 3), (3,))),
    _elementwise("div", tf.divide, np.divide),
    _elementwise("square", tf.square, np.square, ((2, 3),)),
    _elementwise("exp", tf.exp, np.exp, ((2, 3),)),
    _elementwise("log", tf.log, np.log, ((2, 3),)),
    _elementwise("sqrt", tf.sqrt, np.sqrt, ((2, 3),)),
    _elementwise("reciprocal", tf.reciprocal, np.reciprocal, ((2, 3),)),
    _elementwise("sin", tf.sin, np.sin, ((2, 3),)),
    _elementwise("cos", tf.cos, np.cos, ((2, 3),)),
    _elementwise("tanh", tf.tanh, np.tanh, ((2, 3),)),
    _elementwise("tan", tf.tan, np.tan, ((2, 3),)),
    _elementwise("asin", tf.asin, np.arcsin, ((2, 3),), low=0.1, high=0.6),
    _elementwise("acos", tf.acos, np.arccos, ((2, 3),), low=0.1, high=0.6),
    _elementwise("atan", tf.atan, np.arctan, ((2, 3),), low=0.1, high=0.6),
    _elementwise("asinh", tf.asinh, np.arcsinh, ((2, 3),)),
    _elementwise("acosh", tf.acosh, np.arccosh, ((2, 3),), low=1.2, high=2.0),
    _elementwise("atanh", tf.atanh, np.arctanh, ((2, 3),), low=0.1, high=0.6),
    _elementwise("sinh", tf.sinh, np.sinh, ((2, 3),)),
    _elementwise("cosh", tf.cosh, np.cosh, ((2, 3),)),
    _elementwise("expm1", tf.expm1, np.expm1, ((2, 3),)),
    _elementwise("log1p", tf.log1p, np.log1p, ((2, 3),)),
    _elementwise("rsqrt", tf.rsqrt, lambda z: 1 / np.sqrt(z), ((2, 3),)),
    _elementwise("sigmoid", tf.sigmoid, lambda z: 1 / (1 + np.exp(-z)), ((2, 3),)),
    _elementwise("pow", tf.pow, np.power),
    _elementwise("reduce_sum", lambda z: tf.reduce_sum(z, 1), lambda z: z.sum(1), ((2, 3),)),
    _elementwise("matmul", tf.matmul, np.matmul, ((2, 3), (3, 2))),
    _elementwise("matmul_adjoint", lambda a, b: tf.matmul(a, b, adjoint_a=True, transpose_b=True),
                 lambda a, b: np.conj(a).T @ b.T, ((3, 2), (2, 3))),
    _elementwise("batch_matmul_adjoint",
                 lambda a, b: tf.matmul(a, b, transpose_a=True, adjoint_b=True),
                 lambda a, b: np.swapaxes(a, -1, -2) @ np.conj(np.swapaxes(b, -1, -2)),
                 ((2, 3, 2), (2, 4, 3))),
] + _fft_rows() + _rfft_rows()
