"""tf.nn.ctc_loss, the CTC decoders and tf.edit_distance against TensorFlow
(tests/record_tf_ctc.py, its fixture tests/fixtures/tf_ctc.json): losses and gradients within
float32 rounding, decoded indices / values / shapes exactly, log probabilities, distances,
static shapes, op names, error classes and messages, and a short Adam training run's curve."""

import importlib.util
import json

import numpy as np
import pytest

import minitf as tf
from tests.helpers import TESTS

RECORDED = json.loads((TESTS / "fixtures" / "tf_ctc.json").read_text())
_spec = importlib.util.spec_from_file_location("record_tf_ctc", TESTS / "record_tf_ctc.py")
RECORDER = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(RECORDER)


def _close(got, want, rtol, atol):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=rtol, atol=atol)


@pytest.fixture(scope="module")
def loss_values():
    return RECORDER.ctc_loss_values(tf, None)


@pytest.mark.parametrize("case", sorted(RECORDED["ctc_loss_values"]))
def test_ctc_loss_and_gradient_are_tfs(loss_values, case):
    got, want = loss_values[case], RECORDED["ctc_loss_values"][case]
    assert got["dtype"] == want["dtype"]
    # (TF's float64 kernel adds its log probabilities with float32's expf and log1pf, so
    # float32 rounding is the bar in both precisions)
    tol = 2e-6
    _close(got["loss"], want["loss"], rtol=tol, atol=tol)
    _close(got["grad"], want["grad"], rtol=tol, atol=tol * 2)


def test_cases_cover_what_tf_does_at_the_edges():
    rec = RECORDED["ctc_loss_values"]
    assert rec["repeated_no_path"]["loss"] == [float("inf")]   # no path: inf, gradient = softmax
    assert rec["ignore_longer"]["loss"][0] == 0.0 and rec["ignore_longer"]["loss"][2] == 0.0
    assert rec["zero_length_entry"]["loss"][1] == 0.0


def test_ctc_loss_names_shapes_and_gradient_ops_are_tfs():
    got, want = RECORDER.ctc_loss_graph(tf, None), RECORDED["ctc_loss_graph"]
    # minitf's ExpandDims holds its axis as an attribute: no ExpandDims/dim constant
    want = dict(want, grad_ops=[n for n in want["grad_ops"] if not n.endswith("/dim")])
    assert got == want


@pytest.mark.parametrize("case", sorted(RECORDED["ctc_loss_errors"]))
def test_ctc_loss_errors_are_tfs(case):
    got = RECORDER.ctc_loss_errors(tf, None)[case]
    _same_error(got, RECORDED["ctc_loss_errors"][case], case)


def _same_error(got, want, case):
    if want is None:
        assert got is None
        return
    assert got is not None, case
    assert got[:2] == want[:2], (got, want)
    message = want[2].rstrip(".")  # minitf adds the op and its input shapes after it
    if case == "dense_labels":  # TF's repr of the tensor and its class name differ
        message = message.split(" Received")[0]
    assert message in got[2], (got[2], message)


def test_greedy_decoder_is_tfs():
    got, want = RECORDER.ctc_greedy(tf, None), RECORDED["ctc_greedy"]
    assert got["static"] == want["static"]
    for case in sorted(k for k in want if k not in ("static", "errors")):
        g, w = got[case], want[case]
        for key in ("indices", "values", "dense_shape", "shape", "dtype"):
            assert g[key] == w[key], (case, key)
        # summed step by step in the input precision, as TF's kernel: the same bits
        assert g["log_probability"] == w["log_probability"], case
    for case, error in want["errors"].items():
        _same_error(got["errors"][case], error, case)


def test_edit_distance_is_tfs():
    got, want = RECORDER.edit_distances(tf, None), RECORDED["edit_distances"]
    for case in sorted(k for k in want if k != "errors"):
        assert got[case] == want[case], case
    for case, error in want["errors"].items():
        _same_error(got["errors"][case], error, case)


def test_training_with_adam_follows_tfs_loss_curve():
    got, want = RECORDER.ctc_training(tf, None)["curve"], RECORDED["ctc_training"]["curve"]
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


def test_gradient_matches_numerical_differences_in_float64():
    rng = np.random.RandomState(0)
    logits = rng.randn(5, 2, 4)
    labels = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1]], np.array([1, 1, 0, 2], np.int32),
                             [2, 2])
    x = tf.placeholder(tf.float64, [5, 2, 4])
    loss = tf.nn.ctc_loss(labels, x, [5, 4])
    grad = tf.gradients(loss, x)[0]
    with tf.Session() as sess:
        analytic = sess.run(grad, {x: logits})
        numeric = np.zeros_like(logits)
        for i in np.ndindex(*logits.shape):
            up, down = logits.copy(), logits.copy()
            up[i] += 1e-6
            down[i] -= 1e-6
            numeric[i] = (sess.run(loss, {x: up}).sum() - sess.run(loss, {x: down}).sum()) / 2e-6
    np.testing.assert_allclose(analytic, numeric, atol=1e-7)
    assert np.all(analytic[4, 1] == 0)  # past entry 1's length


def test_float16_logits_are_computed_in_float32_and_cast_back():
    labels = tf.SparseTensor([[0, 0]], np.array([1], np.int32), [1, 1])
    logits = np.random.RandomState(1).randn(3, 1, 3)
    loss16 = tf.nn.ctc_loss(labels, tf.constant(logits, tf.float16), [3])
    loss32 = tf.nn.ctc_loss(labels, tf.constant(logits.astype(np.float16), tf.float32), [3])
    assert loss16.dtype == tf.float16
    with tf.Session() as sess:
        a, b = sess.run([loss16, loss32])
    assert a[0] == np.float16(b[0])


def test_beam_search_paths_order_and_scores_are_tfs_to_the_bit():
    got, want = RECORDER.ctc_beam_search(tf, None), RECORDED["ctc_beam_search"]
    assert got["static"] == want["static"]
    for case in sorted(k for k in want if k not in ("static", "errors")):
        g, w = got[case], want[case]
        assert g["paths"] == w["paths"], case              # indices, values, dense shapes
        assert (g["shape"], g["dtype"]) == (w["shape"], w["dtype"]), case
        if w["dtype"] == "float32":  # the kernel's float operations, rounded as TF's are
            assert g["log_probability"] == w["log_probability"], case
        else:
            np.testing.assert_allclose(g["log_probability"], w["log_probability"], rtol=1e-6)
    for case, error in want["errors"].items():
        _same_error(got["errors"][case], error, case)


def test_beam_search_ties_keep_tfs_order():
    # every prefix equally likely: which survive and their order come from TF's top-N heap
    want = RECORDED["ctc_beam_search"]["all_equal_merge_True"]
    values = [p[1] for p in want["paths"]]
    assert values == [[1, 0], [0, 1], [0, 1]]
    got = RECORDER.ctc_beam_search(tf, None)["all_equal_merge_True"]
    assert got == want


def test_beam_search_merges_repeats_of_the_decoded_path():
    # "1 - 1" is the sequence [1, 1]; TF 1.x's merge_repeated=True reports it as [1]
    x = np.log(np.array([[[0.1, 0.8, 0.1]], [[0.1, 0.1, 0.8]], [[0.1, 0.8, 0.1]]], np.float32))
    decoded = {}
    for merge in (True, False):
        (d,), _ = tf.nn.ctc_beam_search_decoder(x, [3], beam_width=4, merge_repeated=merge)
        with tf.Session() as sess:
            decoded[merge] = sess.run(d).values.tolist()
    assert decoded == {True: [1], False: [1, 1]}


def test_ctc_loss_v2_is_tfs_for_dense_and_sparse_labels_and_every_blank():
    got, want = RECORDER.ctc_loss_v2_values(tf, None), RECORDED["ctc_loss_v2_values"]
    for case in sorted(k for k in want if k != "sparse_without_blank"):
        assert got[case]["shape"] == want[case]["shape"], case
        _close(got[case]["loss"], want[case]["loss"], rtol=2e-6, atol=2e-6)
        _close(got[case]["grad"], want[case]["grad"], rtol=2e-6, atol=4e-6)
    assert got["sparse_without_blank"] == want["sparse_without_blank"]


def test_collapse_repeated_and_unique_labels_are_tfs():
    got, want = RECORDER.ctc_label_helpers(tf, None), RECORDED["ctc_label_helpers"]
    for case in want:
        g, w = got[case], want[case]
        if case.startswith("unique"):
            # TF pads inside a map_fn, so its static shape forgets the length; minitf keeps it
            assert w["static"][0] == [3, None] and g["static"][0] == [3, 6]
            g, w = dict(g, static=None), dict(w, static=None)
        assert g == w, case
