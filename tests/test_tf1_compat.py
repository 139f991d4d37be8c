"""TF1's aliases and composites (tf.to_float, tf.initialize_all_variables, tf.assert_near,
tf.nn.swish, tf.nn.sufficient_statistics, the 1-D pools...): the programs of
tests/tf1_compat_programs.py run with minitf, against what TensorFlow gave (recorded by
tests/record_tf_compat.py in tests/fixtures/tf_compat.json). Where minitf builds a different
but equivalent graph the test says what differs and why."""

import json
import logging
import os

import numpy as np
import pytest

import minitf as tf
from minitf.testing import gradcheck
from tests.helpers import CapturedWarnings
from tests.tf1_compat_programs import run_program

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_compat.json")) as f:
    TF = json.load(f)


def _run_program(name, *warners):
    """The program `name` run with minitf, with what the "minitf" logger said while it ran.
    TF warns once per deprecated function and process: the warners are made to forget they
    warned, so the result does not depend on the tests that ran before."""
    for fn in warners:
        fn._warned.clear()
    handler = CapturedWarnings()
    logger = logging.getLogger("minitf")
    logger.addHandler(handler)
    try:
        with tf.Graph().as_default():
            return run_program(tf, name, handler.log)
    finally:
        logger.removeHandler(handler)


def _tf1(ops, drop=()):
    """TF's recorded [name, type] ops as minitf builds them: `+` built Add in TF 1.x (AddV2
    since TF 2.0), and the constants TF takes as inputs where minitf has attributes (a
    reduction's axes, ExpandDims' dim, ConcatV2's axis) are left out (`drop`: name
    suffixes)."""
    return [[name, "Add" if kind == "AddV2" else kind] for name, kind in ops
            if not any(name.endswith(d) for d in drop)]


def _close(got, want, rtol=1e-6, atol=1e-7):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g, np.float64), np.asarray(w, np.float64),
                                   rtol=rtol, atol=atol)


# -- tf.to_float & co, the deprecated initializers ----------------------------------------------

def test_deprecated_casts_name_their_cast_as_tf_and_warn_once():
    got = _run_program("casts", tf.to_float, tf.to_double, tf.to_int32, tf.to_int64)
    assert got == TF["casts"]


def test_deprecated_initializers_are_the_new_ones():
    got = _run_program("initializers", tf.initialize_all_variables,
                       tf.initialize_local_variables, tf.initialize_variables, tf.all_variables)
    assert got == TF["initializers"]
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        w = tf.Variable(2.0, collections=[tf.GraphKeys.LOCAL_VARIABLES])
        with tf.Session() as s:
            s.run([tf.initialize_all_variables(), tf.initialize_local_variables()])
            assert s.run([v, w]) == [1.0, 2.0]


def test_the_deprecation_warning_names_the_caller(caplog):
    tf.to_double._warned.clear()
    with caplog.at_level(logging.WARNING, logger="minitf"), tf.Graph().as_default():
        tf.to_double(tf.constant(1))
    assert caplog.records[0].getMessage().startswith("From %s:" % __file__)


def test_is_tensor():
    assert _run_program("is_tensor") == TF["is_tensor"]


def test_versions_say_tf_1_15_api_and_the_graph_def_producer_minitf_writes():
    assert tf.VERSION == "1.15.0"
    assert tf.GIT_VERSION == "minitf-" + tf.__version__
    assert isinstance(tf.COMPILER_VERSION, str) and tf.COMPILER_VERSION
    with tf.Graph().as_default() as g:
        tf.constant(1.0)
        assert g.as_graph_def().versions.producer == tf.GRAPH_DEF_VERSION == 22
    assert tf.GRAPH_DEF_VERSION_MIN_CONSUMER == tf.GRAPH_DEF_VERSION_MIN_PRODUCER == 0


# -- check_ops, shapes, static values, clipping -------------------------------------------------

def test_asserts():
    got, want = _run_program("asserts"), dict(TF["asserts"])
    # TF's reduce_all takes its axes from a Const (the 9th op); TF's assert_near Assert sits in
    # a cond guard, minitf's is the bare op (as for every minitf assert)
    for key in ("near_ops", "near_named_ops"):
        assert got.pop(key)[:9] == _tf1(want.pop(key), drop=("/Const",))
    mixed_kind, mixed_message = got.pop("near_mixed")
    assert mixed_kind == want.pop("near_mixed")[0] == "ValueError"
    assert "Tensor conversion requested dtype float32 for Tensor with dtype float64" \
        in mixed_message  # (TF 2 prefixes the argument's name, "y: ")
    assert got == want


def test_the_checks_are_in_tf_debugging_too():
    assert tf.debugging.assert_near is tf.assert_near
    assert tf.debugging.assert_rank_in is tf.assert_rank_in
    assert tf.debugging.assert_same_float_dtype is tf.assert_same_float_dtype


def test_assert_rank_in_checks_a_rank_known_only_when_run_is_a_scalar():
    with tf.Graph().as_default():
        z = tf.placeholder(tf.float32)
        r = tf.placeholder(tf.int32)
        with tf.Session() as s:
            s.run(tf.assert_rank_in(z, (r,)), {z: np.ones(3), r: 1})
            with pytest.raises(tf.errors.InvalidArgumentError, match="Rank must be a scalar"):
                s.run(tf.assert_rank_in(z, (r,)), {z: np.ones(3), r: [1]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="must have rank in"):
                s.run(tf.assert_rank_in(z, (r,)), {z: np.ones(3), r: 2})


def test_dimension_helpers_and_get_static_value():
    assert _run_program("shapes") == TF["shapes"]
    with tf.Graph().as_default():
        assert tf.get_static_value(tf.Variable(1.0)) is None
        assert tf.get_static_value(tf.constant(2.0) * 3).tolist() == 6.0


def test_clip_by_average_norm():
    got, want = _run_program("clip_by_average_norm", tf.clip_by_average_norm), \
        dict(TF["clip_by_average_norm"])
    _close(got.pop("values"), want.pop("values"))
    f64_kind, f64_message = got.pop("float64")
    assert f64_kind == want.pop("float64")[0] == "TypeError" and "float32" in f64_message
    assert got == want


# -- tf.nn --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nn():
    return _run_program("nn"), TF["nn"]


def test_swish_values_and_gradient(nn):
    got, want = nn
    # TF's custom gradient adds Identity + IdentityN after the same four ops
    assert got["swish_ops"] == want["swish_ops"][:4]
    _close(got["swish"][:1] + got["swish"][2:3], want["swish"][:1] + want["swish"][2:3])
    _close(got["swish"][1:2] + got["swish"][3:], want["swish"][1:2] + want["swish"][3:],
           rtol=1e-13, atol=1e-15)  # float64, beta 1.5
    assert tf.nn.silu is tf.nn.swish


def test_swish_gradient_numerically():
    with tf.Graph().as_default():
        x = tf.constant(np.linspace(-3, 3, 7), tf.float64)
        err = gradcheck.compute_gradient_error(x, [7], tf.nn.swish(x, beta=0.7), [7])
    assert err < 1e-6


def test_relu_layer_xw_plus_b_and_crelu(nn):
    got, want = nn
    assert got["relu_layer_ops"] == want["relu_layer_ops"]
    _close(got["relu_layer"], want["relu_layer"])
    assert got["crelu_ops"] == _tf1(want["crelu_ops"], drop=("/axis",))
    assert got["crelu"] == want["crelu"]


def test_pools(nn):
    got, want = nn
    for key in want["pools"]:
        (got_ops, got_shape, got_value), (ops, shape, value) = got["pools"][key], \
            want["pools"][key]
        assert got_ops == _tf1(ops, drop=("/dim",)) and got_shape == shape, key
        _close(got_value, value)
    assert tf.nn.avg_pool2d is tf.nn.avg_pool


def test_pool_v2_needs_rank_3_or_4():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="must be 3, 4 or 5"):
            tf.nn.max_pool_v2(tf.zeros([2, 2]), 2, 2, "SAME")
        with pytest.raises(ValueError, match="no 3-D pooling"):
            tf.nn.avg_pool_v2(tf.zeros([1, 2, 2, 2, 1]), 2, 2, "SAME")
        with pytest.raises(ValueError, match="data_format"):
            tf.nn.max_pool1d(tf.zeros([1, 4, 2]), 2, 2, "SAME", data_format="NHWC")


def test_convolution(nn):
    got, want = nn
    for key in want["convolution"]:
        assert got["convolution"][key][:2] == want["convolution"][key][:2], key
        _close(got["convolution"][key][2], want["convolution"][key][2], rtol=1e-5, atol=1e-6)
    with tf.Graph().as_default():
        img = tf.constant(np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2))
        f2 = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 2, 2, 3) / 10 - 1)
        dilated = tf.nn.convolution(img, f2, "SAME", dilation_rate=[2, 2])
        same = tf.nn.conv2d(img, f2, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1])
        with tf.Session() as s:
            np.testing.assert_array_equal(*s.run([dilated, same]))
        with pytest.raises(ValueError, match="dilation_rate"):
            tf.nn.convolution(img, f2, "SAME", strides=[2, 2], dilation_rate=[2, 2])


def test_moments_helpers(nn):
    got, want = nn
    # the reduction axes: a Const input in TF, an attribute in minitf
    assert got["sufficient_statistics_ops"] == _tf1(want["sufficient_statistics_ops"],
                                                    drop=("/reduction_indices",))
    assert got["normalize_moments_ops"] == want["normalize_moments_ops"]
    assert got["sufficient_statistics"][:4] == want["sufficient_statistics"][:4]
    for g, w in zip(got["sufficient_statistics"][4:], want["sufficient_statistics"][4:]):
        _close(g, w)
    ops = _tf1(want["weighted_moments_ops"], drop=("/reduction_indices",))
    # zeros_like of a static shape: a Const in TF, a ZerosLike op in minitf
    assert [o for o in got["weighted_moments_ops"] if o[0] != "weighted_moments/zeros_like"] \
        == [o for o in ops if o[0] != "weighted_moments/zeros_like"]
    assert got["weighted_moments"][0] == want["weighted_moments"][0]
    _close(got["weighted_moments"][1:], want["weighted_moments"][1:])


def test_log_poisson_loss_and_zero_fraction(nn):
    got, want = nn
    # TF's ones_like of a static shape is a Fill of two constants, minitf's one OnesLike op
    ops = _tf1(want["log_poisson_loss_ops"])
    assert got["log_poisson_loss_ops"][:15] == ops[:15]
    assert got["log_poisson_loss_ops"][-5:] == ops[-5:]
    _close(got["log_poisson_loss"], want["log_poisson_loss"])
    assert got["log_poisson_loss_error"] == want["log_poisson_loss_error"]
    assert got["zero_fraction"] == want["zero_fraction"]


# -- tf.math ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def math():
    return _run_program("math"), TF["math"]


def test_xlogy_xdivy_multiply_no_nan(math):
    got, want = math
    assert got["binary_ops"] == want["binary_ops"]
    for g, w in zip(got["binary"], want["binary"]):  # NaN, inf and 0 where TF has them
        np.testing.assert_allclose(np.asarray(g, np.float32), np.asarray(w, np.float32),
                                   rtol=1e-6)
    _close(got["binary_grads"], want["binary_grads"], rtol=1e-14)
    for key in ("int_xlogy", "int_multiply_no_nan"):
        assert got[key][0] == want[key][0] == "TypeError"


def test_reduce_euclidean_norm(math):
    got, want = math
    # the reduction axes: a Const input in TF, an attribute in minitf
    assert got["norm_ops"] == [o for o in want["norm_ops"] if o[1] != "Const"]
    assert got["norm"][:4] == want["norm"][:4]
    _close(got["norm"][4:], want["norm"][4:])


def test_monotone_checks(math):
    got, want = math
    assert got["monotone_names"] == want["monotone_names"]
    assert got["monotone"] == want["monotone"]
    assert got["monotone_string"] == want["monotone_string"]


def test_polyval_and_meshgrid(math):
    got, want = math
    # TF folds zeros_like of a constant to a Const, minitf has a ZerosLike op
    assert got["polyval_ops"][1:] == _tf1([[n, "ZerosLike" if n == "polyval_1" else k]
                                           for n, k in want["polyval_ops"][1:]])
    assert got["polyval"] == want["polyval"]
    kind, message = got["polyval_error"]
    assert [kind, message.split("<")[0]] == [want["polyval_error"][0],
                                             want["polyval_error"][1].split("<")[0]]
    assert got["meshgrid"] == want["meshgrid"]
    assert got["meshgrid_error"] == want["meshgrid_error"]


def test_sort_and_argsort(math):
    got, want = math
    assert got["sort"] == want["sort"]
    assert got["sort_error"] == want["sort_error"]
    # TF computes k from tf.shape and transposes by a constant permutation; minitf's top_k
    # takes k (and Transpose its perm) as attributes
    ops = [o for o in want["sort_ops"] if o[1] not in ("Const", "StridedSlice")]
    assert [o for o in got["sort_ops"] if o[1] != "Const"] == ops
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="known when the graph is built"):
            tf.sort(tf.placeholder(tf.float32, [2, None]))


def test_inverse_hyperbolic_functions_and_erfc(math):
    got, want = math
    assert got["unary_ops"] == want["unary_ops"]
    _close(got["unary"][:5], want["unary"][:5], rtol=1e-14, atol=0)
    _close(got["unary"][5:6], want["unary"][5:6], rtol=3e-7, atol=0)  # float32 erfc: 2 ulp
    _close(got["unary"][6:], want["unary"][6:], rtol=1e-14, atol=0)
    assert got["unary_int"][0] == want["unary_int"][0] == "TypeError"
    assert tf.math.erfc is tf.erfc and tf.math.acosh is tf.acosh


# -- array, segment and counting ops ------------------------------------------------------------

@pytest.fixture(scope="module")
def array():
    return _run_program("array", tf.setdiff1d), TF["array"]


def _same_error(got, want):
    """The class and TF's message, up to where TF's shape functions add the node
    (" for '{{node ...") and minitf its op (" for 'name' (op: ...", the message's own full
    stop dropped)."""
    assert got[0] == want[0]
    assert got[1].split(" for '")[0].rstrip(".") == want[1].split(" for '")[0].rstrip(".")


def test_roll(array):
    got, want = array
    assert got["roll_ops"] == want["roll_ops"]
    assert got["roll"] == want["roll"]
    _same_error(got["roll_error"], want["roll_error"])
    assert got["roll_axis"] == want["roll_axis"]


def test_unsorted_segment_reductions(array):
    got, want = array
    assert got["segment_names"] == want["segment_names"]
    assert got["segment_ops"] == want["segment_ops"]
    _close(got["segment"], want["segment"], rtol=1e-15, atol=0)
    assert got["segment"][1][1] == want["segment"][1][1]  # an empty max: the lowest float64
    assert got["segment_float32_empty"] == want["segment_float32_empty"]
    assert got["segment_out_of_range"] == want["segment_out_of_range"]


def test_confusion_matrix(array):
    got, want = array
    assert got["confusion_names"] == want["confusion_names"]
    assert got["confusion"] == want["confusion"]
    assert got["confusion_bound"] == want["confusion_bound"]
    # TF 2 writes the message as a prefix ("... values.  "); TF 1.x and minitf as a line
    kind, message = got["confusion_negative"]
    assert [kind, message] == [want["confusion_negative"][0],
                               want["confusion_negative"][1].rstrip(". ")]


def test_bincount_and_histogram(array):
    got, want = array
    for key in ("bincount_names", "bincount", "bincount_negative", "histogram_names",
                "histogram", "histogram_bad_range"):
        assert got[key] == want[key], key
    _same_error(got["histogram_bad_nbins"], want["histogram_bad_nbins"])


def test_setdiff1d_unique_with_counts_and_invert_permutation(array):
    got, want = array
    for key in ("setdiff_names", "setdiff", "setdiff_types", "setdiff_deprecations",
                "unique_with_counts_names", "unique_with_counts", "unique_with_counts_types",
                "invert_permutation", "invert_permutation_repeat",
                "invert_permutation_range"):
        assert got[key] == want[key], key
    _same_error(got["invert_permutation_rank"], want["invert_permutation_rank"])


def test_compute_average_loss_and_scale_regularization_loss():
    got, want = _run_program("average_loss"), TF["average_loss"]
    for key in ("names", "values", "fed"):
        assert got[key] == want[key], key
    # TF 2 doubles the full stop of the message it prefixes; the first sentence is TF's
    for key in ("float_batch", "vector_batch", "negative_batch"):
        assert got[key][0] == want[key][0]
        assert got[key][1].split(".")[0] == want[key][1].split(".")[0], key
    assert got["rank0"][0] == want["rank0"][0] == "ValueError"
    assert got["rank0"][1].split("=Tensor")[0] == want["rank0"][1].split("=Tensor")[0]
