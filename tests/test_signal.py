"""tf.signal's signal processing against what TF 2.21 compat.v1 gives for the same programs
(tests/signal_programs.py, recorded by tests/record_tf_signal.py): frame, overlap_and_add,
the windows, stft / inverse_stft, the mel matrix, MFCCs and dct / idct, with their static
shapes (None dims included), dtypes, values, gradients and error classes. They are composites
of minitf's ops; their gradients are also checked numerically in float64 here."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from minitf.testing import check_gradients
from tests import signal_programs as programs

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_signal.json")


@pytest.fixture(scope="module")
def recorded():
    with open(FIXTURE) as f:
        return json.load(f)


def _same(got, want, atol=2e-5):
    assert sorted(got) == sorted(want)
    for key, w in want.items():
        assert got[key]["shape"] == w["shape"], (key, got[key]["shape"], w["shape"])
        assert got[key]["dtype"] == w["dtype"], key
        g, v = programs.array(got[key]["value"]), programs.array(w["value"])
        assert g.shape == v.shape, key
        # float32 FFTs and sums differ from TF's in the last bits
        np.testing.assert_allclose(g, v, rtol=1e-5, atol=atol, err_msg=key)


@pytest.mark.parametrize("section", ["framing", "windows", "spectrograms", "mel",
                                     "cosine_transforms"])
def test_values_shapes_and_gradients_are_tfs(recorded, section):
    _same(getattr(programs, section)(tf), recorded[section])


def test_shapes_tf_knows_while_building(recorded):
    framing = recorded["framing"]
    assert framing["shapes/frame_none"]["shape"] == [None, 3, 4]
    assert framing["shapes/frame_none_len"]["shape"] == [2, None, 4]
    assert framing["shapes/overlap_none"]["shape"] == [None, 14]
    assert recorded["spectrograms"]["shapes/stft_none"]["shape"] == [None, None, 9]
    # TF's window quirk: a periodic window of odd length is the symmetric one
    windows = recorded["windows"]
    assert windows["hann7"]["value"] == windows["hann7_sym"]["value"]
    assert windows["hann8"]["value"] != windows["hann8_sym"]["value"]


def test_error_classes_are_tfs(recorded):
    got = programs.errors(tf)
    assert {k: v[0] for k, v in got.items()} == {k: v[0] for k, v in recorded["errors"].items()}
    for key in ("dct_type5", "dct1_ortho", "mel_edges", "mel_nyquist", "overlap_float_step"):
        assert got[key][1] == recorded["errors"][key][1], key


def test_inverse_stft_with_the_inverse_window_reconstructs():
    x = programs.SIGNAL.astype(np.float64)
    with tf.Graph().as_default():
        st = tf.signal.stft(tf.constant(x), 16, 4)
        back = tf.signal.inverse_stft(st, 16, 4, window_fn=tf.signal.inverse_stft_window_fn(4))
        with tf.Session() as sess:
            got = sess.run(back)
    # samples covered by a full set of overlapping frames come back exactly
    np.testing.assert_allclose(got[:, 12:36], x[:, 12:36], atol=1e-12)


@pytest.mark.parametrize("fn", [
    lambda x: tf.signal.frame(x, 3, 2, pad_end=True),
    lambda x: tf.signal.overlap_and_add(tf.reshape(x, [2, 3, 2]), 1),
    lambda x: tf.signal.dct(x, type=1),
    lambda x: tf.signal.dct(x, type=2, norm="ortho"),
    lambda x: tf.signal.idct(x, type=2, n=4),
    lambda x: tf.signal.dct(x, type=4),
    lambda x: tf.abs(tf.signal.stft(x, 4, 2, 8)),
], ids=["frame", "overlap_and_add", "dct1", "dct2", "idct2_n", "dct4", "stft"])
def test_gradients_numerically(fn):
    x = np.random.default_rng(2).standard_normal((2, 6))
    check_gradients(fn, [x], static_shapes=[(None, 6)])
