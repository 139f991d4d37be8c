"""Single-op edge cases against TensorFlow's recorded results (tests/tf1_edge_cases.py):
reductions and softmax over empty axes give TF's identities, integer division by zero raises
InvalidArgumentError, scalars go through multi-step kernels."""

import numpy as np
import pytest

import minitf as tf
from tests.tf1_edge_cases import CASES, observe

inf, nan = float("inf"), float("nan")


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_behaves_as_in_tensorflow(case):
    ours, theirs = observe(tf, case), RECORDED[case]
    assert ours[:2] == theirs[:2], (ours, theirs)
    if ours[0] == "OK":
        assert ours[2] == theirs[2]
        np.testing.assert_array_equal(np.array(ours[3]), np.array(theirs[3]))
    else:
        assert ours[2] == theirs[2], (ours, theirs)


def test_the_recording_covers_every_case():
    assert sorted(RECORDED) == sorted(CASES)


# Recorded with TensorFlow 2.21 (tf.compat.v1, CPU): python tests/tf1_edge_cases.py
RECORDED = {
    'reduce_sum_empty': ('OK', 'float32', [3], [0.0, 0.0, 0.0]),
    'reduce_prod_empty': ('OK', 'float32', [3], [1.0, 1.0, 1.0]),
    'reduce_max_empty': ('OK', 'float32', [3], [-inf, -inf, -inf]),
    'reduce_min_empty': ('OK', 'float32', [3], [inf, inf, inf]),
    'reduce_mean_empty': ('OK', 'float32', [3], [nan, nan, nan]),
    'reduce_max_empty_all_axes': ('OK', 'float32', [], -inf),
    'reduce_max_empty_keepdims': ('OK', 'float32', [1, 3], [[-inf, -inf, -inf]]),
    'reduce_max_empty_int32': ('OK', 'int32', [3], [-2147483648, -2147483648, -2147483648]),
    'reduce_min_empty_int32': ('OK', 'int32', [3], [2147483647, 2147483647, 2147483647]),
    'reduce_max_empty_uint8': ('OK', 'uint8', [3], [0, 0, 0]),
    'reduce_min_empty_float64': ('OK', 'float64', [3], [inf, inf, inf]),
    'reduce_any_empty': ('OK', 'bool', [3], [False, False, False]),
    'reduce_all_empty': ('OK', 'bool', [3], [True, True, True]),
    'reduce_logsumexp_empty': ('OK', 'float32', [3], [-inf, -inf, -inf]),
    'reduce_max_other_axis_empty': ('OK', 'float32', [0], []),
    'softmax_empty_axis': ('OK', 'float32', [2, 0], [[], []]),
    'log_softmax_empty_axis': ('OK', 'float32', [2, 0], [[], []]),
    'softmax_empty_batch': ('OK', 'float32', [0, 4], []),
    'norm_empty': ('OK', 'float32', [3], [0.0, 0.0, 0.0]),
    'argmax_empty': ('ERR', 'InvalidArgumentError', []),
    'rsqrt_scalar': ('OK', 'float32', [], 0.5),
    'sigmoid_scalar': ('OK', 'float32', [], 0.5),
    'floordiv_by_zero': ('ERR', 'InvalidArgumentError', ['Integer division by zero']),
    'floormod_by_zero': ('ERR', 'InvalidArgumentError', ['Integer division by zero']),
    'div_by_zero': ('ERR', 'InvalidArgumentError', ['Integer division by zero']),
    'mod_by_zero_int64': ('ERR', 'InvalidArgumentError', ['Integer division by zero']),
    'floordiv_by_zero_uint8': ('ERR', 'InvalidArgumentError', ['Integer division by zero']),
    'floormod_float_by_zero': ('OK', 'float32', [], nan),
    'floordiv_float_by_zero': ('OK', 'float32', [], inf),
    'floordiv_negative': ('OK', 'int32', [2], [-4, -4]),
}
