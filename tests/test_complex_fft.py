"""Complex numbers and Fourier transforms against what TF 2.21 compat.v1 gives for the same
programs (tests/complex_fft_programs.py, recorded by tests/record_tf_complex_fft.py): names,
static shapes (None dims included), dtypes and values of tf.complex / real / imag / angle /
conj and the transforms, the gradients of real losses with respect to complex tensors (TF's
convention: dL/dRe + i dL/dIm) and through every transform, and the error classes. The op
table (tests/op_specs/complex_specs.py) checks each op against numpy and numerical gradients."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests import complex_fft_programs as programs

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_complex_fft.json")


@pytest.fixture(scope="module")
def recorded():
    with open(FIXTURE) as f:
        return json.load(f)


def _close(got, want, key, rtol=2e-6, atol=2e-6):
    got, want = programs.array(got), programs.array(want)
    assert got.shape == want.shape, key
    if want.dtype == bool:
        np.testing.assert_array_equal(got, want, err_msg=key)
    else:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=key)


def _same_tensors(got, want, skip_names=()):
    assert sorted(got) == sorted(want)
    for key, w in want.items():
        for field in ("shape", "dtype") + (() if key in skip_names else ("name",)):
            assert got[key][field] == w[field], (key, field, got[key][field], w[field])
        # float32 transforms differ from TF's in the last bits (another FFT library)
        _close(got[key]["value"], w["value"], key, rtol=1e-5, atol=2e-5)


def test_complex_parts_are_tfs(recorded):
    got = programs.parts(tf)
    # TF 2's compat.v1 builds complex tf.sign as DivNoNan(x, |x|); TF 1.15 (and minitf) as Sign.
    _same_tensors(got, recorded["parts"], skip_names=("sign", "zero_sign"))
    # the cases that show TF's rules: a real input's parts, and casts reading the real part
    want = recorded["parts"]
    assert want["real_of_float"]["name"] == "Const_1:0"  # the input itself, no op
    assert want["angle_of_float"]["value"] == pytest.approx([np.pi, 0.0, 0.0, 0.0])
    assert want["cast_to_bool"]["value"] == [False, False, True]  # 1j is False: Re is 0
    assert want["complex_py"]["dtype"] == "complex64"


def test_complex_gradients_are_tfs(recorded):
    got = programs.gradients(tf)
    assert sorted(got) == sorted(recorded["gradients"])
    for key, want in recorded["gradients"].items():
        assert got[key]["dtype"] == want["dtype"], key
        _close(got[key]["value"], want["value"], key, rtol=1e-5, atol=1e-5)


def test_transforms_are_tfs(recorded):
    got = programs.transforms(tf)
    _same_tensors(got["values"], recorded["transforms"]["values"])
    assert got["shapes"] == recorded["transforms"]["shapes"]
    for key, want in recorded["transforms"]["shape_values"].items():
        _close(got["shape_values"][key], want, key, rtol=1e-5, atol=2e-5)


def test_static_shapes_follow_tfs_rules(recorded):
    """What TF knows before running: a constant fft_length gives the inner dims; a computed
    one (or a computed padding of the input) leaves them unknown, outer ones too."""
    shapes = recorded["transforms"]["shapes"]
    assert shapes["rfft_none"]["shape"] == [None, 4]
    assert shapes["rfft_len"]["shape"] == [None, 6]
    assert shapes["rfft_fed_len"]["shape"] == [None, None]
    assert shapes["irfft2d_none"]["shape"] == [None, None, None]
    assert shapes["rfft_unknown_rank"]["shape"] is None


def test_transform_gradients_are_tfs(recorded):
    got = programs.transform_gradients(tf)
    assert sorted(got) == sorted(recorded["transform_gradients"])
    for key, want in recorded["transform_gradients"].items():
        assert got[key]["dtype"] == want["dtype"], key
        assert got[key]["shape"] == want["shape"], key
        _close(got[key]["value"], want["value"], key, rtol=1e-5, atol=1e-4)


def test_error_classes_are_tfs(recorded):
    got = programs.errors(tf)
    want = recorded["errors"]
    # TF has no gradient for RFFT3D / IRFFT3D; minitf's (checked numerically in the op table)
    # is the 1-D and 2-D rule on three axes.
    assert want.pop("rfft3d_gradient")[0] == "LookupError"
    assert got.pop("rfft3d_gradient")[0] == "none"
    assert {k: v[0] for k, v in got.items()} == {k: v[0] for k, v in want.items()}
    for key in ("fft_of_float", "complex_mixed", "complex_of_int", "rfft_of_int"):
        assert got[key][1].startswith(want[key][1].split(" Op ")[0][:60]), (key, got[key])


def test_rfft_gradient_of_a_cropped_signal():
    """TF's RFFT gradient breaks when fft_length crops the signal (its correction terms have
    the signal's length); minitf's is the exact one: zero for the dropped samples."""
    x = np.arange(6, dtype=np.float64)
    with tf.Graph().as_default():
        t = tf.constant(x)
        y = tf.signal.rfft(t, [4])
        g = tf.gradients(tf.reduce_sum(tf.real(y) - 2 * tf.imag(y)), t)[0]
        with tf.Session() as sess:
            got = sess.run(g)
    k = np.arange(3)[:, None]
    n = np.arange(4)[None, :]
    want = (np.cos(2 * np.pi * k * n / 4) + 2 * np.sin(2 * np.pi * k * n / 4)).sum(0)
    np.testing.assert_allclose(got, np.concatenate([want, [0, 0]]), atol=1e-12)


def test_namespaces_hold_the_same_functions():
    import importlib
    assert tf.signal.fft is tf.fft and tf.spectral.ifft3d is tf.ifft3d
    assert tf.spectral.rfft is tf.signal.rfft and tf.spectral.irfft2d is tf.signal.irfft2d
    assert tf.spectral.dct is tf.signal.dct and tf.spectral.idct is tf.signal.idct
    assert tf.math.conj is tf.conj and tf.math.real is tf.real and tf.math.angle is tf.angle
    assert importlib.import_module("minitf.spectral") is tf.spectral
    assert importlib.import_module("minitf.signal") is tf.signal
