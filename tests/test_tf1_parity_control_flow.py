"""minitf against TensorFlow on the classic control-flow programs of
tests/tf1_parity_control_flow.py. RECORDED (at the end) is what those programs gave with
TensorFlow 2.21's tf.compat.v1 (recorded by running that file as a script in a TF venv);
this test never imports TensorFlow."""

import numpy as np
import pytest

import minitf as tf
from tests.tf1_parity_control_flow import PROGRAMS, run_program


def _close(ours, theirs, path="result"):
    if isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs), path
        for k in theirs:
            _close(ours[k], theirs[k], "%s[%r]" % (path, k))
    elif isinstance(theirs, list) and theirs and isinstance(theirs[0], (list, float)):
        np.testing.assert_allclose(np.asarray(ours, float), np.asarray(theirs, float),
                                   rtol=1e-6, atol=1e-6, err_msg=path)
    else:
        assert ours == theirs, path


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_control_flow_program_behaves_as_in_tensorflow(program):
    _close(run_program(tf, program), RECORDED[program.__name__])


def test_the_recording_covers_every_program():
    assert sorted(RECORDED) == sorted(p.__name__ for p in PROGRAMS)


RECORDED = {}
RECORDED['collatz'] = {'names': ['while/Exit:0', 'while/Exit_1:0'], 'runs': [[1, 0], [1, 8], [1, 111], [1, 118]]}
RECORDED['cumulative_sum'] = {'scan': [[1.0, 2.0], [4.0, 6.0], [9.0, 12.0]], 'reverse_scan': [[15.0, 48.0], [15.0, 24.0], [5.0, 6.0]], 'grad': [[43.0, 64.0], [36.0, 54.0], [25.0, 37.0]], 'shapes': [[3, 2], [3, 2]]}
RECORDED['dropout_switch'] = {'name': 'cond/Merge:0', 'eval': [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0], [17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0], [25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0]], 'eval_grad': [[2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]], 'train_values_are_2x_or_0': True, 'train_grad_matches_mask': True}
RECORDED['lr_warmup'] = {'name': 'cond/Merge:0', 'trace': [0.03333333507180214, 1.1333333253860474, 0.06666667014360428, 1.3822221755981445, 0.10000000894069672, 1.7057777643203735, 0.10000000149011612, 1.9646222591400146, 0.10000000149011612, 2.1716978549957275]}
RECORDED['errors'] = {'branch_dtypes': ['ValueError', "Outputs of 'true_fn' and 'false_fn' must have the same type(s). Received float32 from 'true_fn' and int32 from 'false_fn'."], 'branch_structure': ['ValueError', "The two structures don't have the same nested structure."], 'shape_change': ['ValueError', "Input tensor 'v0:0' enters the loop with shape (1,), but has shape (2,) after one iteration. To allow the shape to vary across iterations, use the `shape_invariants` argument of tf.while_loop to specify a less-specific shape."], 'bad_invariant': ['ValueError', 'The shape invariant specified for v1:0 is not compatible with the initial shape of the loop variable. It enters the loop with shape (1,), but the specified shape invariant is (2,).']}
RECORDED['stacked_names_and_dense_gradients'] = {'names': ['map/TensorArrayStack/TensorArrayGatherV3:0', 'map_1/TensorArrayStack/TensorArrayGatherV3:0', 'map_1/TensorArrayStack_1/TensorArrayGatherV3:0', 'outer/mm/TensorArrayStack/TensorArrayGatherV3:0', 'scan/TensorArrayStack/TensorArrayGatherV3:0', 'scan_1/TensorArrayStack/TensorArrayGatherV3:0', 'scan_1/TensorArrayStack_1/TensorArrayGatherV3:0'], 'sparse_gradients': [False, False, False, False], 'values': {'doubled': [[2.0, 4.0, 6.0], [8.0, 10.0, 12.0]], 'sums': [[1.0, 2.0, 3.0], [5.0, 7.0, 9.0]], 'products': [[4.0, 10.0, 18.0], [4.0, 5.0, 6.0]], 'left': [5.0, 12.0, 21.0], 'right': [4.0, 10.0, 18.0], 'd_sums': [[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]], 'd_left': [[5.0, 6.0, 7.0], [1.0, 2.0, 3.0]], 'd_right': [[4.0, 5.0, 6.0], [1.0, 2.0, 3.0]], 'd_sums_and_doubled': [[4.0, 4.0, 4.0], [3.0, 3.0, 3.0]]}, 'fetched_arrays': [True, True, True, True, True, True, True, True, True]}
