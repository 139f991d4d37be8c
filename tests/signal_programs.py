"""Programs for tf.signal's signal processing (frame, overlap_and_add, the windows, stft and
inverse_stft, the mel matrix, MFCCs, dct / idct), run on TF by tests/record_tf_signal.py and
on minitf by tests/test_signal.py. Each takes the tf module and returns plain values
(complex arrays as {"re": ..., "im": ...})."""

import numpy as np

from tests.complex_fft_programs import _run, array, attempt_in, plain  # noqa: F401 - array: tests

RNG = np.random.RandomState(17)
SIGNAL = RNG.randn(2, 50).astype(np.float32)
SHORT = RNG.randn(2, 10).astype(np.float32)
MULTI = RNG.randn(2, 9, 3).astype(np.float32)
FRAMES = RNG.randn(2, 5, 6).astype(np.float32)
LOG_MEL = RNG.randn(2, 5, 8).astype(np.float32)
COEFS = RNG.randn(3, 7).astype(np.float32)
COEFS64 = RNG.randn(2, 6)


def _record(tf, tensors, feed=None):
    values = _run(tf, tensors, feed)
    return {k: {"shape": None if t.shape.ndims is None else t.shape.as_list(),
                "dtype": t.dtype.name, "value": plain(values[k])}
            for k, t in tensors.items()}


def _weighted(tf, y, seed):
    w = np.random.RandomState(seed).randn(*y.shape.as_list())
    if y.dtype.is_complex:
        return tf.reduce_sum(tf.real(y) * w.astype(np.float32) + tf.imag(y))
    return tf.reduce_sum(y * w.astype(y.dtype.as_numpy_dtype))


def framing(tf):
    with tf.Graph().as_default():
        s = tf.constant(SHORT)
        m = tf.constant(MULTI)
        f = tf.constant(FRAMES)
        out = {
            "frame": tf.signal.frame(s, 4, 3), "frame_pad": tf.signal.frame(s, 4, 3, True, 1.5),
            "frame_axis0": tf.signal.frame(tf.transpose(s), 3, 2, axis=0),
            "frame_axis1": tf.signal.frame(m, 4, 2, pad_end=True, axis=1),
            "frame_short": tf.signal.frame(s, 12, 3),
            "frame_short_pad": tf.signal.frame(s, 12, 3, pad_end=True),
            "overlap": tf.signal.overlap_and_add(f, 2),
            "overlap_fast": tf.signal.overlap_and_add(f, 6),
            "overlap_gaps": tf.signal.overlap_and_add(f, 8),
            "overlap_4d": tf.signal.overlap_and_add(tf.reshape(f, [2, 1, 5, 6]), 4),
        }
        grads = {"frame_grad": tf.gradients(_weighted(tf, out["frame_pad"], 1), s)[0],
                 "frame_axis1_grad": tf.gradients(_weighted(tf, out["frame_axis1"], 2), m)[0],
                 "overlap_grad": tf.gradients(_weighted(tf, out["overlap"], 3), f)[0]}
        result = _record(tf, dict(out, **grads))
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 10])
        y = tf.placeholder(tf.float32, [2, None])
        z = tf.placeholder(tf.float32, [None, 5, 6])
        shapes = {"frame_none": tf.signal.frame(x, 4, 3),
                  "frame_none_len": tf.signal.frame(y, 4, 3, pad_end=True),
                  "frame_none_len_valid": tf.signal.frame(y, 4, 3),
                  "overlap_none": tf.signal.overlap_and_add(z, 2)}
        result.update({"shapes/" + k: v for k, v in _record(
            tf, shapes, {x: SHORT, y: SHORT, z: FRAMES}).items()})
    return result


def windows(tf):
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        out = {
            "hann8": tf.signal.hann_window(8), "hann8_sym": tf.signal.hann_window(8, False),
            "hann7": tf.signal.hann_window(7), "hann7_sym": tf.signal.hann_window(7, False),
            "hann1": tf.signal.hann_window(1), "hamming10": tf.signal.hamming_window(10),
            "hamming5_64": tf.signal.hamming_window(5, False, tf.float64),
            "hann_fed": tf.signal.hann_window(n), "hann_fed1": tf.signal.hamming_window(n * 0 + 1),
            "inverse_window": tf.signal.inverse_stft_window_fn(4)(16, tf.float32),
            "inverse_window_hamming": tf.signal.inverse_stft_window_fn(
                3, tf.signal.hamming_window)(10, tf.float64),
        }
        return _record(tf, out, {n: 6})


def spectrograms(tf):
    with tf.Graph().as_default():
        s = tf.constant(SIGNAL)
        st = tf.signal.stft(s, 16, 8)
        out = {
            "stft": st, "stft_12": tf.signal.stft(s, 12, 5),
            "stft_pad": tf.signal.stft(s, 16, 8, pad_end=True),
            "stft_fft32": tf.signal.stft(s, 16, 8, 32, window_fn=None),
            "stft_hamming": tf.signal.stft(s, 10, 4, window_fn=tf.signal.hamming_window),
            "istft": tf.signal.inverse_stft(st, 16, 8),
            "istft_inverse_window": tf.signal.inverse_stft(
                st, 16, 8, window_fn=tf.signal.inverse_stft_window_fn(8)),
            "istft_12": tf.signal.inverse_stft(tf.signal.stft(s, 12, 5), 12, 5),
            "istft_crop": tf.signal.inverse_stft(st, 10, 8),
            "istft_pad": tf.signal.inverse_stft(st, 20, 8, 16),
        }
        out["stft_grad"] = tf.gradients(tf.reduce_sum(tf.abs(out["stft_12"])), s)[0]
        out["istft_grad"] = tf.gradients(_weighted(tf, out["istft"], 4), st)[0]
        result = _record(tf, out)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None])
        c = tf.placeholder(tf.complex64, [None, None, 9])
        shapes = {"stft_none": tf.signal.stft(x, 16, 8),
                  "istft_none": tf.signal.inverse_stft(c, 16, 8)}
        feed = {x: SIGNAL, c: _run(tf, tf.signal.stft(tf.constant(SIGNAL), 16, 8))}
        result.update({"shapes/" + k: v for k, v in _record(tf, shapes, feed).items()})
    return result


def mel(tf):
    with tf.Graph().as_default():
        lm = tf.constant(LOG_MEL)
        out = {
            "mel_default": tf.signal.linear_to_mel_weight_matrix(),
            "mel_custom": tf.signal.linear_to_mel_weight_matrix(8, 33, 16000, 20.0, 8000.0,
                                                                tf.float64),
            "mel_tensor_rate": tf.signal.linear_to_mel_weight_matrix(
                6, 17, tf.constant(4000), 0.0, 2000.0),
            "mfcc": tf.signal.mfccs_from_log_mel_spectrograms(lm),
        }
        out["mfcc_grad"] = tf.gradients(_weighted(tf, out["mfcc"], 5), lm)[0]
        return _record(tf, out)


def cosine_transforms(tf):
    with tf.Graph().as_default():
        x = tf.constant(COEFS)
        x64 = tf.constant(COEFS64)
        out = {}
        for t in (1, 2, 3, 4):
            out["dct%d" % t] = tf.signal.dct(x, type=t)
            out["idct%d" % t] = tf.signal.idct(x64, type=t)
            if t > 1:
                out["dct%d_ortho" % t] = tf.signal.dct(x64, type=t, norm="ortho")
                out["idct%d_ortho" % t] = tf.signal.idct(x, type=t, norm="ortho")
        out["dct2_n_crop"] = tf.signal.dct(x, n=4)
        out["dct2_n_pad"] = tf.signal.dct(x, n=9, norm="ortho")
        out["dct1_n"] = tf.spectral.dct(x, type=1, n=5)
        out["roundtrip"] = tf.signal.idct(tf.signal.dct(x, norm="ortho"), norm="ortho")
        out["dct2_grad"] = tf.gradients(_weighted(tf, out["dct2_ortho"], 6), x64)[0]
        out["dct3_grad"] = tf.gradients(_weighted(tf, out["dct3"], 7), x)[0]
        out["dct1_grad"] = tf.gradients(_weighted(tf, out["dct1"], 8), x)[0]
        return _record(tf, out)


def errors(tf):
    attempt = attempt_in(tf)
    x = np.ones((2, 6), np.float32)
    return {
        "frame_of_scalar": attempt(lambda: tf.signal.frame(tf.constant(1.0), 2, 1)),
        "frame_vector_length": attempt(lambda: tf.signal.frame(tf.constant(x), [2], 1)),
        "overlap_of_vector": attempt(lambda: tf.signal.overlap_and_add(tf.constant(x[0]), 2)),
        "overlap_float_step": attempt(lambda: tf.signal.overlap_and_add(tf.constant(x), 2.0)),
        "window_int_dtype": attempt(lambda: tf.signal.hann_window(4, dtype=tf.int32)),
        "dct_type5": attempt(lambda: tf.signal.dct(tf.constant(x), type=5)),
        "dct1_ortho": attempt(lambda: tf.signal.dct(tf.constant(x), type=1, norm="ortho")),
        "dct1_length1": attempt(lambda: tf.signal.dct(tf.constant(x[:, :1]), type=1)),
        "dct_axis0": attempt(lambda: tf.signal.dct(tf.constant(x), axis=0)),
        "dct_norm": attempt(lambda: tf.signal.dct(tf.constant(x), norm="forward")),
        "dct_n0": attempt(lambda: tf.signal.dct(tf.constant(x), n=0)),
        "mel_edges": attempt(lambda: tf.signal.linear_to_mel_weight_matrix(
            lower_edge_hertz=500.0, upper_edge_hertz=100.0)),
        "mel_nyquist": attempt(lambda: tf.signal.linear_to_mel_weight_matrix(
            sample_rate=4000, upper_edge_hertz=3000.0)),
        "mel_bins": attempt(lambda: tf.signal.linear_to_mel_weight_matrix(0)),
        "mel_dtype": attempt(lambda: tf.signal.linear_to_mel_weight_matrix(dtype=tf.int32)),
        "stft_of_scalar": attempt(lambda: tf.signal.stft(tf.constant(1.0), 4, 2)),
    }


def run_all(tf):
    return {"framing": framing(tf), "windows": windows(tf), "spectrograms": spectrograms(tf),
            "mel": mel(tf), "cosine_transforms": cosine_transforms(tf), "errors": errors(tf)}
