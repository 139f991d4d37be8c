"""tf.metrics against TF's recorded streams (tests/metrics_programs.py, recorded by
tests/record_tf_metrics.py): names of value and update tensors and of the local variables, the
update op's value after each of three batches, the value tensor at the end, build-time and
run-time errors."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests import metrics_programs as programs

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_metrics.json")


@pytest.fixture(scope="module")
def recorded():
    with open(FIXTURE) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def core():
    return programs.core(tf)


def _assert_streams_match(got_all, recorded, rtol, atol=0.0):
    """Names, shapes, dtypes, variables by collection and every streamed value as TF's."""
    assert sorted(got_all) == sorted(recorded)
    for key, want in recorded.items():
        got = got_all[key]
        for field in ("value_name", "update_name", "value_shape", "value_dtype", "local",
                      "metric", "global"):
            assert got[field] == want[field], (key, field)
        # minitf has no reference dtypes (docs/differences.md): an assign_add update op is
        # float32 where TF says float32_ref
        assert got["update_dtype"] == want["update_dtype"].replace("_ref", ""), key
        for field in ("initial", "updates", "value"):
            np.testing.assert_allclose(np.asarray(got[field], np.float64),
                                       np.asarray(want[field], np.float64),
                                       rtol=rtol, atol=atol, err_msg="%s %s" % (key, field))


def test_every_core_metric_streams_tfs_values(recorded, core):
    _assert_streams_match(core, recorded["core"], rtol=2e-6, atol=1e-7)


def test_every_top_k_metric_streams_tfs_values(recorded):
    got = programs.top_k(tf)
    # float64 sums of 0/1 counts, or of float32 weights, in TF's order
    _assert_streams_match(got, recorded["top_k"], rtol=1e-12)
    assert np.isnan(got["precision_at_k_unseen_class"]["value"])  # 0 / 0, as in TF


def test_counts_and_means_of_exact_sums_are_bit_equal(recorded, core):
    exact = ["accuracy", "true_positives", "true_negatives", "true_positives_at_thresholds",
             "false_negatives_at_thresholds", "precision", "recall", "mean_iou",
             "mean_per_class_accuracy", "percentage_below"]
    for key in exact:
        assert core[key]["updates"] == recorded["core"][key]["updates"], key
        assert core[key]["value"] == recorded["core"][key]["value"], key


def test_names_scopes_and_collections_are_tfs(recorded):
    got, want = programs.naming(tf), recorded["naming"]
    assert got == want


def test_errors_are_tfs(recorded):
    got, want = programs.errors(tf), recorded["errors"]
    assert sorted(got) == sorted(want)
    for key, expected in want.items():
        assert got[key] == expected, key


def test_a_tf_data_and_monitored_session_eval_loop_gives_tfs_metrics(recorded):
    got, want = programs.eval_loop(tf), recorded["eval_loop"]
    assert got["steps"] == want["steps"] == 5
    for key in ("accuracy", "auc", "loss", "per_class"):
        np.testing.assert_allclose(got[key], want[key], rtol=2e-6, err_msg=key)


def test_metric_state_is_local_and_per_session():
    with tf.Graph().as_default():
        labels = tf.placeholder(tf.int32, [None])
        predictions = tf.placeholder(tf.int32, [None])
        acc, acc_op = tf.metrics.accuracy(labels, predictions)
        assert tf.global_variables() == [] and tf.trainable_variables() == []
        assert [v.name for v in tf.local_variables()] == ["accuracy/total:0", "accuracy/count:0"]
        with tf.Session() as one, tf.Session() as two:
            for sess in (one, two):
                sess.run(tf.local_variables_initializer())
            one.run(acc_op, {labels: [1, 2, 3, 4], predictions: [1, 2, 0, 0]})
            assert two.run(acc) == 0.0
            one.run(acc_op, {labels: [5, 6], predictions: [5, 6]})
            assert one.run(acc) == np.float32(4 / 6)
            # re-initializing starts the stream again
            one.run(tf.local_variables_initializer())
            assert one.run(acc) == 0.0


def test_a_control_dependency_on_a_fed_placeholder_is_satisfied_by_the_feed():
    # mean() waits on its values, which are the placeholder itself when already float32
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None])
        with tf.control_dependencies([x]):
            y = tf.constant(2.0) * 3.0
        with tf.Session() as sess:
            assert sess.run(y, {x: [1.0]}) == 6.0
            with pytest.raises(tf.errors.InvalidArgumentError, match="must feed a value"):
                sess.run(y)


def test_auc_logs_tfs_warnings(caplog):
    tf.metrics.auc._warned.clear()  # TF warns once per process: forget earlier tests' use
    with tf.Graph().as_default(), caplog.at_level("WARNING", logger="minitf"):
        labels, predictions = tf.constant([True, False]), tf.constant([0.7, 0.1])
        tf.metrics.auc(labels, predictions, curve="PR")
        tf.metrics.auc(labels, predictions, curve="PR", summation_method="careful_interpolation")
    messages = [r.getMessage() for r in caplog.records]
    # value and update op each warn about the trapezoidal PR curve; careful interpolation not
    assert sum("Trapezoidal rule is known to produce incorrect PR-AUCs" in m
               for m in messages) == 2
    assert sum("is deprecated" in m for m in messages) == 1
    assert any("auc (from minitf.metrics) is deprecated" in m for m in messages)
