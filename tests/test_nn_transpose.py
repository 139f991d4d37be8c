"""tf.nn.conv1d_transpose, conv_transpose, atrous_conv2d_transpose, the depthwise backprop
functions and batch_norm_with_global_normalization against what TF 2.21 compat.v1 gives for
the same programs (tests/nn_transpose_programs.py, recorded by
tests/record_tf_nn_transpose.py): names, static shapes and values; and their gradients."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from minitf.testing import check_gradients
from tests import nn_transpose_programs as programs

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_nn_transpose.json")


@pytest.fixture(scope="module")
def runs():
    with open(FIXTURE) as f:
        return programs.run_all(tf), json.load(f)


def test_names_are_tfs(runs):
    got, recorded = runs
    assert got["names"] == recorded["names"]


@pytest.mark.parametrize("key", [
    "conv1d_t", "conv1d_t_valid", "conv1d_t_ncw", "conv_t_1d", "conv_t_2d", "conv_t_3d",
    "atrous_t_same", "atrous_t_valid", "atrous_t_rate1", "dw_input", "dw_filter",
    "dw_input_v1", "bn_global", "bn_global_noscale"])
def test_shapes_and_values_are_tfs(runs, key):
    got, recorded = runs
    assert got[key]["shape"] == recorded[key]["shape"]
    np.testing.assert_allclose(got[key]["value"], recorded[key]["value"], rtol=1e-5,
                               atol=1e-5)


def test_transposed_convolutions_are_the_adjoints_of_the_forward_ones():
    """<conv(x), y> == <x, conv_transpose(y)> for the 1-D and atrous forms, and the gradients
    of each with respect to its input and filter pass a float64 numerical check."""
    rng = np.random.RandomState(0)
    x = rng.randn(2, 11, 10, 3)
    w = rng.randn(3, 3, 3, 4)  # (the transpose takes the forward convolution's filter)
    y = tf.nn.atrous_conv2d(tf.constant(x), tf.constant(w), 2, "SAME")
    dy = rng.randn(2, 11, 10, 4)
    back = tf.nn.atrous_conv2d_transpose(tf.constant(dy), tf.constant(w), [2, 11, 10, 3], 2,
                                         "SAME")
    with tf.Session() as sess:
        y_value, back_value = sess.run([y, back])
    np.testing.assert_allclose(np.sum(y_value * dy), np.sum(x * back_value), rtol=1e-10)
    check_gradients(lambda v, f: tf.nn.conv1d_transpose(v, f, [2, 9, 4], 2),
                    [rng.randn(2, 5, 3), rng.randn(3, 4, 3)], [(2, 5, 3), (3, 4, 3)])
    check_gradients(lambda v, f: tf.nn.atrous_conv2d_transpose(v, f, [1, 6, 5, 2], 2, "VALID"),
                    [rng.randn(1, 2, 1, 3), rng.randn(3, 3, 2, 3)],
                    [(1, 2, 1, 3), (3, 3, 2, 3)])
