"""Programs for complex numbers (tf.complex, real, imag, angle, conj, the complex gradients of
the elementwise and matrix ops) and the Fourier transforms (tf.fft..., tf.signal.rfft...),
run on TF by tests/record_tf_complex_fft.py and on minitf by tests/test_complex_fft.py. Each
takes the tf module and returns plain values (complex arrays as {"re": ..., "im": ...})."""

import numpy as np

RNG = np.random.RandomState(5)
Z = (RNG.randn(2, 3) + 1j * RNG.randn(2, 3)).astype(np.complex64)
W = (RNG.randn(2, 3) + 1j * RNG.randn(2, 3)).astype(np.complex64)
M = (RNG.randn(3, 2) + 1j * RNG.randn(3, 2)).astype(np.complex64)
B = (RNG.randn(2, 3, 2) + 1j * RNG.randn(2, 3, 2)).astype(np.complex64)
X = RNG.randn(2, 3).astype(np.float32)
SIGNAL = RNG.randn(2, 6).astype(np.float32)
SIGNAL_ODD = RNG.randn(3, 7).astype(np.float64)
IMAGE = RNG.randn(2, 4, 6).astype(np.float32)
VOLUME = RNG.randn(3, 4, 5).astype(np.float32)
SPEC3 = (RNG.randn(2, 3, 4) + 1j * RNG.randn(2, 3, 4)).astype(np.complex64)
HALF = (RNG.randn(2, 4) + 1j * RNG.randn(2, 4)).astype(np.complex64)
HALF2 = (RNG.randn(3, 4, 3) + 1j * RNG.randn(3, 4, 3)).astype(np.complex128)
FED = (RNG.randn(2, 3, 5) + 1j * RNG.randn(2, 3, 5)).astype(np.complex64)


def plain(value):
    value = np.asarray(value)
    if value.dtype.kind == "c":
        return {"re": value.real.tolist(), "im": value.imag.tolist()}
    return value.tolist()


def array(value):
    """plain's inverse: a numpy array (complex from {"re", "im"})."""
    if isinstance(value, dict):
        return np.array(value["re"]) + 1j * np.array(value["im"])
    return np.array(value)


def _run(tf, fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _record(tf, tensors, feed=None):
    """name, static shape, dtype and value of each tensor of a dict."""
    values = _run(tf, tensors, feed)
    return {k: {"name": t.name, "shape": t.shape.as_list() if t.shape.ndims is not None
                else None, "dtype": t.dtype.name, "value": plain(values[k])}
            for k, t in tensors.items()}


def parts(tf):
    with tf.Graph().as_default():
        z = tf.constant(Z)
        x = tf.constant(X)
        n = tf.constant([-1.5, 0.0, 2.0, -0.0])
        out = {
            "complex": tf.complex(x, x * 2), "complex_py": tf.complex(1.5, -2.0),
            "complex64_of_float64": tf.complex(tf.cast(x, tf.float64), tf.cast(x, tf.float64)),
            "real": tf.real(z), "imag": tf.imag(z), "angle": tf.angle(z), "conj": tf.conj(z),
            "abs": tf.abs(z), "math_real": tf.math.real(z, name="re"),
            "real_of_float": tf.real(x), "imag_of_float": tf.imag(x),
            "angle_of_float": tf.angle(n), "conj_of_float": tf.conj(x),
            "to_complex64": tf.to_complex64(x), "to_complex128": tf.to_complex128(x),
            "cast_to_float": tf.cast(z, tf.float32), "cast_to_int": tf.cast(z * 3, tf.int32),
            "cast_to_bool": tf.cast(tf.constant([0j, 1j, 2 + 0j], tf.complex64), tf.bool),
            "sign": tf.sign(z), "zero_sign": tf.sign(tf.constant([0j], tf.complex64)),
            "matmul_adjoint": tf.matmul(z, z, adjoint_b=True),
            "batch_matmul_transpose": tf.matmul(tf.constant(B), tf.constant(B),
                                                transpose_a=True),
            "batch_matmul_adjoint": tf.matmul(tf.constant(B), tf.constant(B), adjoint_a=True),
            "mean": tf.reduce_mean(z, 0), "prod": tf.reduce_prod(z, 1),
            "sum": tf.reduce_sum(z),
        }
        return _record(tf, out)


def gradients(tf):
    """d/dz of real losses through each op, in TF's convention (dL/dRe + i dL/dIm)."""
    cases = {
        "mul": lambda z, w: z * w, "div": lambda z, w: z / w, "div_by": lambda z, w: w / z,
        "add": lambda z, w: z + w, "sub": lambda z, w: w - z, "neg": lambda z, w: -z * w,
        "exp": lambda z, w: tf.exp(z) * w, "log": lambda z, w: tf.log(z) * w,
        "square": lambda z, w: tf.square(z) * w, "sqrt": lambda z, w: tf.sqrt(z) * w,
        "rsqrt": lambda z, w: tf.rsqrt(z) * w,
        "reciprocal": lambda z, w: tf.reciprocal(z) * w, "sin": lambda z, w: tf.sin(z) * w,
        "cos": lambda z, w: tf.cos(z) * w, "tan": lambda z, w: tf.tan(z) * w,
        "sinh": lambda z, w: tf.sinh(z) * w, "cosh": lambda z, w: tf.cosh(z) * w,
        "tanh": lambda z, w: tf.tanh(z) * w, "sigmoid": lambda z, w: tf.sigmoid(z) * w,
        "expm1": lambda z, w: tf.expm1(z) * w, "log1p": lambda z, w: tf.log1p(z) * w,
        "asin": lambda z, w: tf.asin(z) * w, "acos": lambda z, w: tf.acos(z) * w,
        "atan": lambda z, w: tf.atan(z) * w, "asinh": lambda z, w: tf.asinh(z) * w,
        "acosh": lambda z, w: tf.acosh(z) * w, "atanh": lambda z, w: tf.atanh(z) * w,
        "pow": lambda z, w: tf.pow(z, w), "pow_base": lambda z, w: tf.pow(w, z),
        "conj": lambda z, w: tf.conj(z) * w, "abs": lambda z, w: tf.complex(tf.abs(z), 0.0) * w,
        "angle": lambda z, w: tf.complex(tf.angle(z), 0.0) * w,
        "real": lambda z, w: tf.complex(tf.real(z), tf.imag(z) * 3) * w,
        "matmul": lambda z, w: tf.matmul(z, tf.transpose(w)),
        "matmul_adjoint": lambda z, w: tf.matmul(z, w, adjoint_a=True),
        "matmul_transpose": lambda z, w: tf.matmul(w, z, transpose_b=True),
        "sum": lambda z, w: tf.reduce_sum(z * w, 1), "mean": lambda z, w: tf.reduce_mean(z * w),
        "cast": lambda z, w: tf.cast(tf.cast(z, tf.complex128) * tf.cast(w, tf.complex128),
                                     tf.complex64),
    }
    out = {}
    with tf.Graph().as_default():
        z = tf.constant(Z)
        w = tf.constant(W)
        grads = {}
        for key, fn in cases.items():
            y = fn(z, w)
            loss = tf.reduce_sum(tf.real(y) + 0.5 * tf.imag(y))
            grads[key] = tf.gradients(loss, z)[0]
        x = tf.constant(X)
        y = tf.complex(x, x * 2) * w
        grads["complex_real_part"] = tf.gradients(tf.reduce_sum(tf.abs(y)), x)[0]
        b = tf.constant(B)
        prod = tf.matmul(b, b, adjoint_a=True)
        grads["batch_matmul_adjoint"] = tf.gradients(tf.reduce_sum(tf.abs(prod)), b)[0]
        values = _run(tf, grads)
        for key, g in grads.items():
            out[key] = {"dtype": g.dtype.name, "value": plain(values[key])}
    return out


def transforms(tf):
    out = {}
    with tf.Graph().as_default():
        z = tf.constant(SPEC3)
        z128 = tf.constant(SPEC3.astype(np.complex128))
        s = tf.constant(SIGNAL)
        h = tf.constant(HALF)
        fetch = {
            "fft": tf.fft(z), "ifft": tf.ifft(z), "fft2d": tf.fft2d(z), "ifft2d": tf.ifft2d(z),
            "fft3d": tf.fft3d(z), "ifft3d": tf.ifft3d(z), "fft_128": tf.signal.fft(z128),
            "spectral_ifft2d": tf.spectral.ifft2d(z128),
            "rfft": tf.signal.rfft(s), "rfft_pad": tf.signal.rfft(s, [9]),
            "rfft_crop": tf.signal.rfft(s, [4]), "rfft_odd64": tf.signal.rfft(SIGNAL_ODD),
            "irfft": tf.signal.irfft(h), "irfft_odd": tf.signal.irfft(h, [7]),
            "irfft_pad": tf.signal.irfft(h, [10]), "irfft_crop": tf.signal.irfft(h, [4]),
            "rfft2d": tf.signal.rfft2d(tf.constant(IMAGE)),
            "rfft2d_len": tf.spectral.rfft2d(tf.constant(IMAGE), [3, 7]),
            "irfft2d": tf.signal.irfft2d(tf.constant(HALF2)),
            "irfft2d_len": tf.signal.irfft2d(tf.constant(HALF2), [5, 5]),
            "rfft3d": tf.signal.rfft3d(tf.constant(VOLUME)),
            "irfft3d": tf.signal.irfft3d(tf.constant(SPEC3), [2, 3, 6]),
            "fftshift": tf.signal.fftshift(tf.constant(IMAGE)),
            "fftshift_axis": tf.signal.fftshift(tf.constant(SIGNAL_ODD), axes=1),
            "ifftshift_axes": tf.signal.ifftshift(tf.constant(VOLUME), axes=[0, -1]),
        }
        out["values"] = _record(tf, fetch)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 6])
        c = tf.placeholder(tf.complex64, [2, None, 5])
        n = tf.placeholder(tf.int32, [1])
        u = tf.placeholder(tf.float32)
        shapes = {
            "rfft_none": tf.signal.rfft(x), "rfft_len": tf.signal.rfft(x, [10]),
            "rfft_fed_len": tf.signal.rfft(x, n), "irfft_none": tf.signal.irfft(c),
            "irfft2d_none": tf.signal.irfft2d(c), "fft2d_none": tf.fft2d(c),
            "rfft2d_none": tf.signal.rfft2d(x), "rfft_unknown_rank": tf.signal.rfft(u),
        }
        out["shapes"] = {k: {"name": t.name, "shape": None if t.shape.ndims is None
                             else t.shape.as_list(), "dtype": t.dtype.name}
                         for k, t in shapes.items()}
        feed = {x: SIGNAL, c: FED, n: [5], u: SIGNAL}
        values = _run(tf, shapes, feed)
        out["shape_values"] = {k: plain(v) for k, v in values.items()}
    return out


def transform_gradients(tf):
    """Gradients of real losses through each transform, TF's values."""
    out = {}
    with tf.Graph().as_default():
        z = tf.constant(SPEC3)
        s = tf.constant(SIGNAL)
        s64 = tf.constant(SIGNAL_ODD)
        h = tf.constant(HALF)
        image = tf.constant(IMAGE)
        h2 = tf.constant(HALF2)
        rng = np.random.RandomState(3)

        def loss(y):
            w = tf.constant(rng.randn(*y.shape.as_list()).astype(y.dtype.real_dtype.as_numpy_dtype))
            return tf.reduce_sum(tf.real(y) * w + tf.imag(y) * (1 - w))
        cases = {
            "fft": (tf.fft, z), "ifft": (tf.ifft, z), "fft2d": (tf.fft2d, z),
            "ifft2d": (tf.ifft2d, z), "fft3d": (tf.fft3d, z), "ifft3d": (tf.ifft3d, z),
            "rfft": (tf.signal.rfft, s), "rfft_odd64": (tf.signal.rfft, s64),
            "rfft_pad": (lambda t: tf.signal.rfft(t, [9]), s),
            "irfft": (tf.signal.irfft, h), "irfft_odd": (lambda t: tf.signal.irfft(t, [7]), h),
            "irfft_pad": (lambda t: tf.signal.irfft(t, [12]), h),
            "rfft2d": (tf.signal.rfft2d, image),
            "rfft2d_pad": (lambda t: tf.signal.rfft2d(t, [5, 7]), image),
            "irfft2d": (tf.signal.irfft2d, h2),
            "irfft2d_odd": (lambda t: tf.signal.irfft2d(t, [4, 5]), h2),
        }
        grads = {k: tf.gradients(loss(fn(x)), x)[0] for k, (fn, x) in cases.items()}
        values = _run(tf, grads)
        for key, g in grads.items():
            out[key] = {"dtype": g.dtype.name, "shape": g.shape.as_list(),
                        "value": plain(values[key])}
    return out


def attempt_in(tf):
    """attempt(fn): [error class, message] of what fn() raises in a new graph, or ["none", ""]."""
    def attempt(fn):
        with tf.Graph().as_default():
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - the class is what is recorded
                return [type(e).__name__, str(e)]
            return ["none", ""]
    return attempt


def errors(tf):
    attempt = attempt_in(tf)
    f = np.ones((2, 4), np.float32)
    return {
        "fft_of_float": attempt(lambda: tf.fft(tf.constant(f))),
        "fft2d_of_vector": attempt(lambda: tf.fft2d(tf.constant([1j, 2j]))),
        "fft_of_scalar": attempt(lambda: tf.fft(tf.constant(1j))),
        "rfft_of_complex": attempt(lambda: tf.signal.rfft(tf.constant([1j, 2j]))),
        "rfft_of_int": attempt(lambda: tf.signal.rfft(tf.constant([1, 2]))),
        "irfft_of_float": attempt(lambda: tf.signal.irfft(tf.constant(f))),
        "rfft_length_entries": attempt(lambda: tf.signal.rfft(tf.constant(f), [2, 2])),
        "rfft2d_of_vector": attempt(lambda: tf.signal.rfft2d(tf.constant([1.0, 2.0]))),
        "complex_mixed": attempt(lambda: tf.complex(tf.constant(1.0),
                                                    tf.constant(1.0, tf.float64))),
        "complex_of_int": attempt(lambda: tf.complex(1, 2)),
        "real_of_bool": attempt(lambda: tf.real(tf.constant([True]))),
        "conj_of_string": attempt(lambda: tf.conj(tf.constant(["a"]))),
        "add_complex_float": attempt(lambda: tf.constant([1j]) + tf.constant([1.0])),
        "rfft3d_gradient": attempt(lambda: _rfft3d_gradient(tf)),
    }


def _rfft3d_gradient(tf):
    x = tf.constant(np.ones((2, 2, 2), np.float32))
    return tf.gradients(tf.reduce_sum(tf.abs(tf.signal.rfft3d(x))), x)


def run_all(tf):
    return {"parts": parts(tf), "gradients": gradients(tf), "transforms": transforms(tf),
            "transform_gradients": transform_gradients(tf), "errors": errors(tf)}
