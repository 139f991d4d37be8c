"""Tests of tf.estimator: Estimator, EstimatorSpec, ModeKeys, RunConfig, numpy_input_fn.

The programs of tests/record_tf_estimator.py run here on minitf and must give what TF 1.15's
Estimator (TF 2.15 + tensorflow-estimator) gave, tests/fixtures/tf_estimator.json: per-step
losses, checkpoint files and global steps, event tags, evaluate's dict and its eval events,
predictions, variable values, the log lines, and the errors misuse raises. The other tests
cover what that record cannot (warm starts, shuffling under a seed, other model_fn forms)."""

import functools
import os
import logging

import numpy as np
import pytest

import minitf as tf
from tests.helpers import recorded_program_tests

RECORDER, test_programs_do_what_tensorflow_did, test_every_recorded_program_is_run = (
    recorded_program_tests("tf_estimator"))

X = RECORDER.X
Y = RECORDER.Y


@pytest.fixture(autouse=True)
def _close_cached_writers():
    yield
    tf.summary.FileWriterCache.clear()  # writers for tmp dirs must not outlive the test


def _input(num_epochs=1, **kwargs):
    return tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=4, shuffle=False,
                                              num_epochs=num_epochs, **kwargs)


def test_namespaces():
    assert tf.compat.v1.estimator is tf.estimator
    assert tf.estimator.inputs.numpy_input_fn is tf.compat.v1.estimator.inputs.numpy_input_fn
    assert tf.estimator.ModeKeys.PREDICT == "infer"


def test_warm_start_from_another_model_dir(tmp_path):
    """A new model_dir warm-started from a trained one starts from its variables (and its own
    global step): predictions before any training equal the trained model's."""
    source = tf.estimator.Estimator(RECORDER.linear_model_fn(tf, []), str(tmp_path / "a"),
                                    params={"lr": 0.1})
    source.train(_input(num_epochs=None), steps=3)
    warm = tf.estimator.Estimator(RECORDER.linear_model_fn(tf, []), str(tmp_path / "b"),
                                  params={"lr": 0.1}, warm_start_from=str(tmp_path / "a"))
    want = [p["y"] for p in source.predict(_input())]
    got = [p["y"] for p in warm.predict(_input())]
    np.testing.assert_array_equal(got, want)
    log = []
    warm = tf.estimator.Estimator(
        RECORDER.linear_model_fn(tf, log), str(tmp_path / "c"), params={"lr": 0.1},
        warm_start_from=tf.estimator.WarmStartSettings(str(tmp_path / "a"), "b"))
    warm.train(_input(num_epochs=None), steps=1)
    assert log[0][0] == 1  # its own global step (read after the first update, as in TF)
    # only b was warm-started: w is back at its initial value before the first update
    fresh = tf.estimator.Estimator(RECORDER.linear_model_fn(tf, []), str(tmp_path / "d"),
                                   params={"lr": 0.1})
    fresh.train(_input(num_epochs=None), steps=1)
    assert warm.get_variable_value("b") != fresh.get_variable_value("b")
    with pytest.raises(ValueError, match="warm_start_from must be a string"):
        tf.estimator.Estimator(RECORDER.linear_model_fn(tf, []), warm_start_from=3)


def test_evaluate_and_predict_without_checkpoint_initialize(tmp_path, caplog):
    est = tf.estimator.Estimator(RECORDER.linear_model_fn(tf, []), str(tmp_path),
                                 params={"lr": 0.1})
    with caplog.at_level(logging.INFO, logger="minitf"):
        result = est.evaluate(_input())
    assert result["global_step"] == 0
    # w = 0.5, b = 0.1 against y = 2x + 1
    np.testing.assert_allclose(result["mae"], np.mean(np.abs(X * 0.5 + 0.1 - Y)), rtol=1e-6)
    assert "running initialization to evaluate" in caplog.text
    first = next(est.predict(_input()))
    np.testing.assert_allclose(first["y"], [0.1])


def test_numpy_input_shuffle_keeps_rows_together():
    """shuffle=True: every row of every epoch once, features and targets still paired, not in
    order (TF's RandomShuffleQueue draws, so the order is not reproducible; neither is TF's)."""
    rows = np.arange(40, dtype=np.int64)
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        features, target = tf.estimator.inputs.numpy_input_fn(
            {"r": rows}, rows * 10, batch_size=16, shuffle=True, num_epochs=2)()
        got = []
        with tf.train.MonitoredSession() as sess:
            while not sess.should_stop():
                f, t = sess.run([features["r"], target])
                np.testing.assert_array_equal(t, f * 10)
                got.extend(f.tolist())
    assert sorted(got) == sorted(rows.tolist() * 2)
    assert got != sorted(got)


def test_model_fn_forms(tmp_path):
    """A functools.partial and a bound method are called with the arguments they name."""
    class Model:
        def model_fn(self, features, labels, mode):
            w = tf.get_variable("w", initializer=tf.constant([[2.0]]))
            pred = tf.matmul(features["x"], w)
            return tf.estimator.EstimatorSpec(mode, predictions=pred, loss=tf.reduce_mean(
                tf.square(pred - labels)) if labels is not None else None,
                train_op=tf.no_op() if mode == "train" else None)

    def scaled(features, labels, mode, params, factor):
        w = tf.get_variable("w", initializer=tf.constant([[factor]]))
        return tf.estimator.EstimatorSpec(mode, predictions=tf.matmul(features["x"], w))

    est = tf.estimator.Estimator(Model().model_fn, str(tmp_path / "m"))
    assert next(est.predict(_input())) == pytest.approx([0.0])
    with pytest.raises(ValueError, match="not expected args: \\['factor'\\]"):
        tf.estimator.Estimator(scaled, str(tmp_path / "p"), params={})
    est = tf.estimator.Estimator(functools.partial(scaled, factor=3.0), str(tmp_path / "p"),
                                 params={})
    np.testing.assert_allclose([p for p in est.predict(_input())][1], [0.3], rtol=1e-6)


def test_config_and_spec_checks():
    config = tf.estimator.RunConfig(model_dir="/tmp/x")
    with pytest.raises(ValueError, match="save_summary_steps should be >= 0"):
        config.replace(save_summary_steps=-1)
    assert config.replace(save_checkpoints_steps=5).save_checkpoints_secs is None
    est = tf.estimator.Estimator(lambda features: None, config=config)
    assert est.config.session_config.allow_soft_placement  # TF's default session config
    assert est.config is not est.config and est.model_dir == "/tmp/x"
    with tf.Graph().as_default():
        loss = tf.constant(1.0)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match='loss with "Const:0" must be from the default'):
            tf.estimator.EstimatorSpec("eval", loss=loss)


def test_hooks_are_tf_train_s():
    for name in ["CheckpointSaverHook", "CheckpointSaverListener", "FeedFnHook", "FinalOpsHook",
                 "GlobalStepWaiterHook", "LoggingTensorHook", "NanLossDuringTrainingError",
                 "NanTensorHook", "ProfilerHook", "SecondOrStepTimer", "StepCounterHook",
                 "StopAtStepHook", "SummarySaverHook", "SessionRunArgs", "SessionRunContext",
                 "SessionRunHook", "SessionRunValues"]:
        assert getattr(tf.estimator, name) is getattr(tf.train, name)


def _trained(tmp_path):
    est = tf.estimator.Estimator(RECORDER.linear_model_fn(tf, []), str(tmp_path / "model"),
                                 params={"lr": 0.1})
    est.train(_input(num_epochs=None), steps=2)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 1], name="x")
    return est, tf.estimator.export.build_raw_serving_input_receiver_fn({"x": x})


def test_latest_exporter_keeps_the_newest(tmp_path):
    est, receiver_fn = _trained(tmp_path)
    base = tmp_path / "exports"
    for stamp in ("1000000001", "1000000002", "1000000003"):  # older exports
        (base / stamp).mkdir(parents=True)
    (base / "notes").mkdir()
    exporter = tf.estimator.LatestExporter("latest", receiver_fn, exports_to_keep=2)
    path = exporter.export(est, str(base), est.latest_checkpoint(), {}, False)
    assert sorted(p.name for p in base.iterdir()) == ["1000000003", os.path.basename(path.decode()),
                                                      "notes"]
    assert tf.estimator.FinalExporter("f", receiver_fn).export(
        est, str(base), est.latest_checkpoint(), {}, False) is None


def test_export_savedmodel_is_loaded_back(tmp_path):
    """TF 1.x's export_savedmodel writes what export_saved_model does, default attrs kept;
    minitf's loader runs it as predict does."""
    est, receiver_fn = _trained(tmp_path)
    path = est.export_savedmodel(str(tmp_path / "old"), receiver_fn, as_text=True)
    assert os.listdir(path) and b"saved_model.pbtxt" in os.listdir(path)
    got = RECORDER._run_signature(tf, path.decode(), "serving_default", {"x": X})
    want = [p["y"].tolist() for p in est.predict(_input())]
    assert got["y"] == want
    assert os.listdir(tmp_path / "old") == [os.path.basename(path.decode())]  # no temp- left
