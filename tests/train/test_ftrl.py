"""tf.train.FtrlOptimizer against what TensorFlow 2.21's compat.v1 did
(tests/record_tf_ftrl.py -> tests/fixtures/tf_ftrl.json): the kernels bit for bit with the
default learning_rate_power -0.5 (square roots), within a few ulps with other powers (Eigen's
pow is not numpy's), slot and op names, trajectories dense and sparse, and TF's errors."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from minitf.train.training_ops import ApplyFtrl, ApplyFtrlV2
from tests.optimizer_programs import PROGRAMS, program
from tests.train.test_optimizers import _exact_inputs, _sha256, apply_once

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_ftrl.json")) as f:
    RECORDED = json.load(f)

KERNELS = {  # as tests/record_tf_ftrl.py: (lr, l1, l2, l2_shrinkage or None, lr_power)
    "ftrl": (0.1, 0.001, 0.01, None, -0.5),
    "ftrl_power": (0.1, 0.001, 0.01, None, -0.7),
    "ftrl_no_l1": (0.05, 0.0, 0.0, None, -0.5),
    "ftrl_v2": (0.1, 0.001, 0.01, 0.02, -0.5),
    "ftrl_v2_power": (0.1, 0.001, 0.01, 0.02, -0.3),
}


def one_update(lr, l1, l2, shrink, power):
    var, a, b, grad = _exact_inputs()
    f = np.float32
    states = [var, b + f(0.1), a]
    if shrink is None:
        return apply_once(ApplyFtrl(), states, grad, f(lr), f(l1), f(l2), f(power))
    return apply_once(ApplyFtrlV2(), states, grad, f(lr), f(l1), f(l2), f(shrink), f(power))


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_kernels_are_tfs(name):
    got = one_update(*KERNELS[name])
    sha, *every_16th = RECORDED["kernels"][name]
    assert all(g.dtype == np.float32 for g in got)
    if KERNELS[name][-1] == -0.5:
        assert _sha256(got) == sha  # every bit
    else:  # numpy's pow against Eigen's: a few ulps of the largest terms (linear's sum
        assert _sha256(got) != sha  # cancels some of them)
        for g, want in zip(got, every_16th):
            want = np.asarray(want, np.float32)
            np.testing.assert_allclose(g[::16], want, rtol=2e-6,
                                       atol=1e-6 + 1e-7 * np.abs(want).max())


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_programs_train_as_in_tensorflow(name):
    ours, theirs = program(tf, PROGRAMS[name]), RECORDED["programs"][name]
    assert ours["slots"] == theirs["slots"] == ["accum", "linear"]
    assert ours["slot_ops"] == theirs["slot_ops"]  # <var>/Ftrl (accum), <var>/Ftrl_1 (linear)
    assert ours["update_types"] == theirs["update_types"]  # the embedding's is sparse
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-6)
    for a, b in zip(ours["values"], theirs["values"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("key, kwargs", [
    ("negative_accum", dict(initial_accumulator_value=-0.1)),
    ("positive_power", dict(learning_rate_power=0.5)),
    ("negative_l1", dict(l1_regularization_strength=-1.0)),
    ("negative_l2", dict(l2_regularization_strength=-1.0)),
    ("negative_shrinkage", dict(l2_shrinkage_regularization_strength=-1.0)),
])
def test_bad_arguments_are_tfs_value_errors(key, kwargs):
    cls, message = RECORDED["errors"][key]
    with pytest.raises(ValueError) as info:
        tf.train.FtrlOptimizer(0.1, **kwargs)
    assert (type(info.value).__name__, str(info.value)) == (cls, message)


def test_strong_l1_makes_weights_exactly_positive_zero():
    with tf.Graph().as_default():
        w = tf.Variable([[0.5, -0.25], [-1.0, 2.0]])
        loss = tf.reduce_sum(tf.square(w - 0.1))
        train = tf.train.FtrlOptimizer(0.5, l1_regularization_strength=100.0).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            got = sess.run(w)
    assert not got.any() and not np.signbit(got).any()  # TF's select: +0.0, never -0.0
