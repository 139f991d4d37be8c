"""tf.train.AdagradDAOptimizer against what TensorFlow 2.21's compat.v1 did
(tests/record_tf_adagrad_da.py -> tests/fixtures/tf_adagrad_da.json): the dense kernel bit for
bit, with and without L1; five training steps through TF's three kernels (dense, sparse rows,
sparse vector elements), the sparse ones bit for bit; names; the error of a non-positive
initial accumulator."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from minitf.train.training_ops import ApplyAdagradDA
from tests.optimizer_programs import ADAGRAD_DA_PROGRAMS, adagrad_da_program
from tests.train.test_optimizers import _exact_inputs, _sha256, apply_once

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_adagrad_da.json")) as f:
    RECORDED = json.load(f)

KERNELS = {  # as tests/record_tf_adagrad_da.py: (lr, l1, l2, global step)
    "l1_l2": (0.1, 0.01, 0.02, 7),
    "no_l1": (0.05, 0.0, 0.3, 3),
}


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_the_dense_kernel_is_tfs(name):
    lr, l1, l2, step = KERNELS[name]
    var, a, b, grad = _exact_inputs()
    f = np.float32
    got = apply_once(ApplyAdagradDA(), [var, a, b + f(0.1)], grad, f(lr), f(l1), f(l2),
                     np.int64(step))
    assert _sha256(got) == RECORDED["kernels"][name][0]


# adagrad_da_program's values: w, b, emb, bias, the step, then the slots (accumulator, squared
# accumulator) of w, emb and bias
SPARSE = [2, 3, 7, 8, 9, 10]  # the embedding's and the vector's, and their slots


@pytest.mark.parametrize("name", sorted(ADAGRAD_DA_PROGRAMS))
def test_programs_train_as_in_tensorflow(name):
    ours, theirs = adagrad_da_program(tf, ADAGRAD_DA_PROGRAMS[name]), RECORDED["programs"][name]
    assert ours["slots"] == theirs["slots"]
    assert ours["slot_ops"] == theirs["slot_ops"]
    assert ours["update_types"] == theirs["update_types"]  # dense, and the two sparse ones
    assert ours["values"][4] == theirs["values"][4] == [5]  # the global step
    # TF's two sparse kernels, every bit over five steps (their gradients are exact sums)
    for i in SPARSE:
        assert ours["values"][i] == theirs["values"][i]
    # the regression's gradients differ from TF's by an ulp (reductions), so its values do
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-6)
    for a, b in zip(ours["values"], theirs["values"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("value", [0.0, -1.0])
def test_a_non_positive_initial_accumulator_is_tfs_value_error(value):
    cls, message = RECORDED["errors"][str(value)]
    with pytest.raises(ValueError) as info:
        tf.train.AdagradDAOptimizer(0.1, None, initial_gradient_squared_accumulator_value=value)
    assert (type(info.value).__name__, str(info.value)) == (cls, message)


def test_the_global_step_must_be_int64():
    var = tf.Variable([1.0, 2.0])
    slots = [tf.Variable([0.0, 0.0]), tf.Variable([0.1, 0.1])]
    with pytest.raises(TypeError, match="global_step"):
        tf.get_default_graph().create_op(
            ApplyAdagradDA(), [var._ref(), slots[0]._ref(), slots[1]._ref(),
                               tf.constant([0.5, 0.5]), tf.constant(0.1), tf.constant(0.0),
                               tf.constant(0.0), tf.constant(3)])
