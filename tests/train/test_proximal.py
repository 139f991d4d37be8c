"""tf.train.ProximalGradientDescentOptimizer and ProximalAdagradOptimizer against what
TensorFlow 2.21's compat.v1 did (tests/record_tf_proximal.py -> tests/fixtures/tf_proximal.json):
ProximalGradientDescent's kernel bit for bit; ProximalAdagrad's within one ulp (TF's CPU kernel
takes Eigen's fast rsqrt, as ApplyAdagrad); names, trajectories dense and sparse, and the
error of a non-positive initial accumulator."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from minitf.train.training_ops import ApplyProximalAdagrad, ApplyProximalGradientDescent
from tests.optimizer_programs import PROXIMAL_PROGRAMS, program
from tests.train.test_optimizers import _exact_inputs, _sha256, apply_once

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_proximal.json")) as f:
    RECORDED = json.load(f)

KERNELS = {  # as tests/record_tf_proximal.py: (op, lr, l1, l2)
    "pgd": ("ProximalGradientDescent", 0.1, 0.01, 0.02),
    "pgd_no_l1": ("ProximalGradientDescent", 0.1, 0.0, 0.02),
    "padagrad": ("ProximalAdagrad", 0.1, 0.01, 0.02),
    "padagrad_no_l1": ("ProximalAdagrad", 0.05, 0.0, 0.3),
}


def one_update(kind, lr, l1, l2):
    var, _, b, grad = _exact_inputs()
    f = np.float32
    if kind == "ProximalGradientDescent":
        return apply_once(ApplyProximalGradientDescent(), [var], f(lr), f(l1), f(l2), grad)
    return apply_once(ApplyProximalAdagrad(), [var, b + f(0.1)], f(lr), f(l1), f(l2), grad)


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_kernels_are_tfs(name):
    got = one_update(*KERNELS[name])
    sha, *every_16th = RECORDED["kernels"][name]
    if KERNELS[name][0] == "ProximalGradientDescent":
        assert _sha256(got) == sha  # every bit
    else:  # Eigen's rsqrt: one ulp here and there, the accumulator exact
        np.testing.assert_array_equal(got[1][::16], np.asarray(every_16th[1], np.float32))
        want = np.asarray(every_16th[0], np.float32)
        ulps = np.abs(got[0][::16].view(np.int32) - want.view(np.int32))
        assert ulps.max() <= 1 and (ulps == 0).mean() > 0.9


@pytest.mark.parametrize("name", sorted(PROXIMAL_PROGRAMS))
def test_programs_train_as_in_tensorflow(name):
    optimizer, kwargs = PROXIMAL_PROGRAMS[name]
    ours, theirs = program(tf, kwargs, optimizer), RECORDED["programs"][name]
    assert ours["slots"] == theirs["slots"]
    assert ours["slot_ops"] == theirs["slot_ops"]
    assert ours["update_types"] == theirs["update_types"]  # the embedding's is sparse
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-6)
    for a, b in zip(ours["values"], theirs["values"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("value", [0.0, -1.0])
def test_a_non_positive_initial_accumulator_is_tfs_value_error(value):
    cls, message = RECORDED["errors"][str(value)]
    with pytest.raises(ValueError) as info:
        tf.train.ProximalAdagradOptimizer(0.1, initial_accumulator_value=value)
    assert (type(info.value).__name__, str(info.value)) == (cls, message)


def test_l1_drives_small_weights_to_zero_and_l2_shrinks_the_rest():
    with tf.Graph().as_default():
        w = tf.Variable([0.001, -0.002, 3.0])
        step = tf.train.ProximalGradientDescentOptimizer(
            0.5, l1_regularization_strength=0.1, l2_regularization_strength=1.0).minimize(
            tf.reduce_sum(0.0 * w))  # a zero gradient: only the proximal step moves w
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step)
            got = sess.run(w)
    # sign(v) max(|v| - 0.05, 0) / (1 + 0.5)
    np.testing.assert_array_equal(got, np.float32([0.0, -0.0, (3.0 - 0.05) / 1.5]))
