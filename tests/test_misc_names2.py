"""TF 1.x's smaller top-level names against what TF 2.21 compat.v1 gives for the same programs
(tests/misc_names_programs.py, recorded by tests/record_tf_misc_names2.py): tf.AggregationMethod,
tf.OpError / tf.NoGradient, tf.floor_div, tf.bitcast, tf.switch_case, tf.grad_pass_through,
tf.histogram_fixed_width_bins, tf.required_space_to_batch_paddings, tf.batch_scatter_update,
tf.assert_variables_initialized, tf.assert_proper_iterable and the composite-tensor
conversions."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests import misc_names_programs as programs

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_misc_names2.json")


@pytest.fixture(scope="module")
def runs():
    with open(FIXTURE) as f:
        recorded = json.load(f)
    return json.loads(json.dumps(programs.run_all(tf))), recorded


SAME = ("aggregation", "aliases", "names", "shapes", "initialized", "grads", "floor_div",
        "hist", "paddings", "batch_scatter_update", "bitcast", "switch", "switch_dict",
        "grad_pass", "switch_grad", "conversions")


@pytest.mark.parametrize("key", SAME)
def test_values_names_and_shapes_are_tfs(runs, key):
    got, recorded = runs
    assert got[key] == recorded[key]


def test_where_minitf_differs_on_purpose(runs):
    got, recorded = runs
    # TF returns int32 bins whatever dtype= asks for; minitf gives the dtype asked for
    assert recorded["dtypes"][1] == "int32" and got["dtypes"][1] == "int64"
    # minitf's scatter functions return the variable's new value, not a ref
    assert recorded["dtypes"][2] == "float32_ref" and got["dtypes"][2] == "float32"


def test_errors_are_tfs(runs):
    got, recorded = runs
    assert got["uninitialized"][0] == recorded["uninitialized"][0] == "FailedPreconditionError"
    assert got["uninitialized"][1].startswith("Attempting to use uninitialized value Variable")
    for key, want in recorded["errors"].items():
        assert got["errors"][key][0] == want[0], key
    for key in ("switch_keys", "switch_empty"):
        assert got["errors"][key] == recorded["errors"][key]
    assert got["errors"]["bitcast_shape"][1].startswith(
        "Cannot bitcast from 5 to 3 due to shape. 3 does not match 2 for 'Bitcast'")
    assert [e if e == "ok" else e[0] for e in got["proper_iterable"]] == \
        [e if e == "ok" else e[0] for e in recorded["proper_iterable"]]
    assert got["proper_iterable"][1:4] == recorded["proper_iterable"][1:4]


def test_bitcast_round_trips_and_runs_no_gradient():
    values = np.array([[1.5, -2.25], [3.0, 1e-30]], np.float32)
    x = tf.constant(values)
    as_bytes = tf.bitcast(x, tf.uint8)
    back = tf.bitcast(as_bytes, tf.float32)
    assert as_bytes.shape.as_list() == [2, 2, 4] and back.shape.as_list() == [2, 2]
    with tf.Session() as sess:
        raw, again = sess.run([as_bytes, back])
    np.testing.assert_array_equal(raw, values.view(np.uint8).reshape(2, 2, 4))
    assert again.dtype == np.float32
    np.testing.assert_array_equal(again, values)
    assert tf.gradients(tf.reduce_sum(tf.cast(back, tf.float32)), x) == [None]


def test_switch_case_picks_one_branch_and_runs_only_it():
    index = tf.placeholder(tf.int32, [])
    counter = tf.Variable(0)
    branches = [lambda: tf.identity(tf.assign_add(counter, 1)),
                lambda: tf.identity(tf.assign_add(counter, 10))]
    out = tf.switch_case(index, branches, default=lambda: tf.identity(counter))
    with tf.Session() as sess:
        sess.run(counter.initializer)
        assert [sess.run(out, {index: i}) for i in (1, 0, 7, -1)] == [10, 11, 11, 11]
