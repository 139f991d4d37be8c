"""TF1's array ops minitf added from real programs' needs (tensor_scatter_nd_*, the variables'
scatter_nd_* and scatter_mul/div/max/min, dynamic_partition/stitch, where_v2, ensure_shape,
searchsorted, repeat, batch_gather...): the programs of tests/array_ops_programs.py run with
minitf against what TensorFlow gave (tests/record_tf_array_ops.py wrote
tests/fixtures/tf_array_ops.json). Where minitf differs on purpose the test says so."""

import json
import logging
import os

import numpy as np
import pytest

import minitf as tf
from tests.array_ops_programs import TENSOR_SCATTERS, VARIABLE_SCATTERS, run_program
from tests.helpers import CapturedWarnings

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_array_ops.json")) as f:
    TF = json.load(f)


@pytest.fixture(scope="module")
def tensor_scatter():
    return run_program(tf, "tensor_scatter")


@pytest.fixture(scope="module")
def variable_scatter():
    return run_program(tf, "variable_scatter")


def _same_error(got, want):
    """The same class, and TF's message (minitf goes on to name the op and input shapes)."""
    assert got[0] == want[0], (got, want)
    assert got[1].startswith(want[1].rstrip(".")), (got, want)


def _same_values(got, want):
    """Values and gradients to the bit (NaN where TF has NaN, -0.0 as 0.0)."""
    np.testing.assert_array_equal(np.asarray(got, np.float64), np.asarray(want, np.float64))


@pytest.mark.parametrize("fname", TENSOR_SCATTERS)
def test_tensor_scatter_matches_tf(tensor_scatter, fname):
    got, want = tensor_scatter[fname], TF["tensor_scatter"][fname]
    for case in ("rows", "elements"):  # [name, type, shape, dtype, value, d tensor, d updates]
        assert got[case][:4] == want[case][:4], case
        for g, w in zip(got[case][4:], want[case][4:]):
            _same_values(g, w)
    for key in ("named", "none_dims", "unknown_indices", "int32"):
        assert got[key] == want[key], key
    errs, tf_errs = got["errors"], want["errors"]
    for key in ("updates_dtype", "negative", "out_of_range"):
        _same_error(errs[key], tf_errs[key])
    # TF 2's TensorScatterUpdate also takes int16/uint16 indices; TF 1.15's took int32, int64
    assert errs["float_indices"][0] == "TypeError"
    assert errs["float_indices"][1].split(": ")[0] == tf_errs["float_indices"][1].split(": ")[0]
    # TF's message, up to where its shape function adds its own detail
    assert errs["updates_shape"][0] == "ValueError"
    assert errs["updates_shape"][1].startswith(tf_errs["updates_shape"][1].split(": ")[0])
    # An index tuple longer than the tensor's rank: TF builds the op and its kernel refuses it;
    # minitf knows at build time and says so there
    assert tf_errs["index_depth"][0] == "InvalidArgumentError"
    assert errs["index_depth"][0] == "ValueError"
    assert "indices.shape[-1] = 3 is more than the rank 2 of tensor[shape=[4,3]]" in \
        errs["index_depth"][1]


@pytest.mark.parametrize("fname", VARIABLE_SCATTERS)
def test_variable_scatter_matches_tf(variable_scatter, fname):
    got, want = variable_scatter[fname], TF["variable_scatter"][fname]
    for case in ("rows", "elements", "repeated"):  # [name, type, shape, dtype, value, after]
        if case not in want:
            continue
        # minitf has no reference dtypes: a variable's update gives float32 for float32_ref
        assert got[case][:4] == want[case][:3] + [want[case][3].replace("_ref", "")], case
        for g, w in zip(got[case][4:], want[case][4:]):
            _same_values(g, w)
    assert got["int32"] == [want["int32"][0].replace("_ref", ""), want["int32"][1]]
    assert got["use_locking"] == want["use_locking"]
    # TF 2's scatter_nd_* pass name= positionally into a new bad_indices_policy argument and
    # lose it; TF 1.15 names the op, as minitf does
    assert got["named"] == "foo:0"
    assert want["named"] == ("foo:0" if "_nd_" not in fname else want["named"])
    errs, tf_errs = got["errors"], want["errors"]
    _same_error(errs["updates_dtype"], tf_errs["updates_dtype"])
    assert errs["updates_shape"][0] == tf_errs["updates_shape"][0] == "ValueError"
    assert "[2,4]" in errs["updates_shape"][1]
    assert errs["uninitialized"][0] == tf_errs["uninitialized"][0]
    assert errs["uninitialized"][1].startswith(tf_errs["uninitialized"][1])
    # TF 2's ScatterNdAdd/Sub on a reference variable skip an index out of range; TF 1.15 and
    # every other scatter refuse it, as minitf does (the variable is left as it was)
    tf_range = tf_errs["out_of_range"] or TF["variable_scatter"]["scatter_nd_update"]["errors"][
        "out_of_range"]
    _same_error(errs["out_of_range"], tf_range)


def test_scatter_out_of_range_leaves_the_variable_alone():
    with tf.Graph().as_default():
        v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        bad = tf.scatter_nd_add(v, [[0, 0], [2, 0]], [5.0, 6.0])
        with tf.Session() as s:
            s.run(v.initializer)
            with pytest.raises(tf.errors.InvalidArgumentError):
                s.run(bad)
            np.testing.assert_array_equal(s.run(v), [[1.0, 2.0], [3.0, 4.0]])


def test_tensor_scatter_dtype_rules():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="'T' has DataType bool not in list"):
            tf.tensor_scatter_nd_add(tf.constant([True, False]), [[0]], [True])
        with pytest.raises(TypeError, match="'T' has DataType complex64 not in list"):
            tf.tensor_scatter_nd_max(tf.constant([1j]), [[0]], [2j])
        y = tf.tensor_scatter_nd_update(tf.constant([True, False]), [[1]], [True])
        with tf.Session() as s:
            assert s.run(y).tolist() == [True, True]


def test_dynamic_partition_and_stitch_match_tf():
    got, want = run_program(tf, "partition_stitch"), TF["partition_stitch"]
    for key in ("partition", "partition_values", "partition_2d", "stitch", "stitch_values",
                "stitch_dup"):
        assert got[key] == want[key], key
    # TF 2 stitches the partition gradient with ParallelDynamicStitch (the same values for
    # the disjoint positions it stitches), and its reductions take their axes as a Const
    assert [t for t in want["partition_grad_ops"] if t not in ("Identity", "Const")] == [
        "ParallelDynamicStitch" if t == "DynamicStitch" else t
        for t in got["partition_grad_ops"] if t != "Const"]
    errs, tf_errs = got["partition_errors"], want["partition_errors"]
    _same_error(errs["out_of_range"], tf_errs["out_of_range"])
    assert errs["float_partitions"][0] == tf_errs["float_partitions"][0] == "TypeError"
    assert errs["shape"][0] == "ValueError" and "[?,2,3]" in errs["shape"][1]
    errs, tf_errs = got["stitch_errors"], want["stitch_errors"]
    for key in ("negative", "dtypes", "lengths"):
        _same_error(errs[key], tf_errs[key])
    assert errs["shape"][0] == "ValueError" and "[2,3]" in errs["shape"][1]


def test_selects_shapes_and_casts_match_tf():
    got, want = run_program(tf, "shapes_and_selects"), TF["shapes_and_selects"]
    for key in ("where_v2", "where_v2_values", "where_v2_scalar", "where_v2_coordinates",
                "ensure_shape", "ensure_shape_value", "ensure_shape_grad",
                "broadcast_static_shape", "saturate_cast_int", "saturate_cast_grad",
                "unravel_index", "unravel_scalar", "unravel_matrix"):
        assert got[key] == want[key], key
    for key in ("where_v2_errors", "unravel_errors"):
        for case in want[key]:
            if want[key][case][1].startswith("Dimensions must be equal"):  # TF's node text
                want[key][case][1] = want[key][case][1].split(" for '")[0]
            _same_error(got[key][case], want[key][case])
    # TF names the tensor after its executor's feed node (_arg_e_0_0); minitf after the input
    for case, name in (("run", "e"), ("rank", "Placeholder")):
        cls, message = want["ensure_shape_errors"][case]
        assert got["ensure_shape_errors"][case] == [
            cls, message.replace("_arg_%s_0_0" % name, name)]
    assert got["ensure_shape_errors"]["static"][0] == "ValueError"
    # (TF folds tf.shape of a fully known shape into a Const; minitf keeps the Shape op)
    assert got["broadcast_dynamic_shape"][0] == want["broadcast_dynamic_shape"][0]
    assert got["broadcast_dynamic_shape"][1][1:] == want["broadcast_dynamic_shape"][1][1:]
    assert got["broadcast_dynamic_shape"][2:] == want["broadcast_dynamic_shape"][2:]
    # TF 2 clamps with its ClipByValue op; TF 1.15 with Maximum and Minimum, as minitf does
    assert got["saturate_cast"][0] == want["saturate_cast"][0]
    assert got["saturate_cast"][2] == want["saturate_cast"][2]
    assert [t for _, t in got["saturate_cast"][1]] == [
        "Const", "Const", "Maximum", "Const", "Minimum", "Cast"]
    # tf.lin_space: TF 1.15's LinSpace op (TF 2 slices a computed range), the same values
    assert got["aliases"][:2] == want["aliases"][:2]
    assert got["aliases"][3] == want["aliases"][3]
    assert tf.reverse_v2 is tf.reverse and tf.lin_space is tf.linspace


def test_searchsorted_repeat_and_batch_gather_match_tf():
    tf.batch_gather._warned.clear()  # (TF warns once per process: forget earlier tests)
    handler = CapturedWarnings()
    logger = logging.getLogger("minitf")
    logger.addHandler(handler)
    try:
        got = run_program(tf, "searches_and_repeats", handler.log)
    finally:
        logger.removeHandler(handler)
    want = TF["searches_and_repeats"]
    # names, op types, static shapes, values and gradients; TF's deprecation instructions
    for key in want:
        if key != "searchsorted_errors":
            assert got[key] == want[key], key
    _same_error(got["searchsorted_errors"]["rows"], want["searchsorted_errors"]["rows"])
    # TF 1.15's words for a bad side (TF 2 reworded it)
    assert got["searchsorted_errors"]["side"] == [
        "ValueError", "side must be either 'right' or 'left'.  Saw: middle."]


def test_space_depth_and_batch_ops_match_tf():
    got, want = run_program(tf, "space_depth_batch"), TF["space_depth_batch"]
    for key in want:  # names, op types, static shapes, values and gradients
        if not key.endswith(("errors", "_ops")):
            assert got[key] == want[key], key
    assert got["space_to_depth_ops"] == want["space_to_depth_ops"]
    # TF takes block_shape and paddings as Const inputs; minitf holds them as attributes
    for key in ("space_to_batch_nd_ops", "space_to_batch_ops"):
        assert got[key][0] == want[key][2]
    for key in ("depth_errors", "batch_errors"):
        for case, (cls, message) in want[key].items():
            if case == "paddings_shape":  # minitf says what it needs; TF its shape algebra
                assert got[key][case][0] == cls
                continue
            _same_error(got[key][case], [cls, message.split(" for '{{node")[0]])


def test_extract_image_patches_matches_tf():
    got, want = run_program(tf, "image_patches"), TF["image_patches"]
    for key in ("valid", "same_rates", "named", "too_big"):  # shapes, values, gradients
        assert got[key] == want[key], key
    _same_error(got["errors"]["padding"], want["errors"]["padding"])
