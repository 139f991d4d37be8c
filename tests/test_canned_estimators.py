"""Tests of the canned estimators (tf.estimator.DNNClassifier, DNNRegressor, LinearClassifier,
LinearRegressor, DNNLinearCombinedClassifier/Regressor, BaselineClassifier/Regressor).

The programs of tests/record_tf_canned.py run here on minitf and must give what TF 1.15's
canned estimators (TF 2.15 + tensorflow-estimator, compat.v1) gave,
tests/fixtures/tf_canned.json: checkpoint variable names, the loss tensor's name, every
step's loss, evaluate's dict, predict's dicts, the summary tags, the export signatures (tensor
names, dtypes, shapes) and the errors misuse raises. Floats agree to float32 rounding (the
sums run in another order)."""

import json
import math
import pathlib
import shutil

import numpy as np
import pytest

import minitf as tf
from tests.helpers import recorded_program_tests

RECORDER, _, test_every_recorded_program_is_run = recorded_program_tests("tf_canned")
RECORDED = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf_canned.json")
                      .read_text())


@pytest.fixture(autouse=True)
def _close_cached_writers():
    yield
    tf.summary.FileWriterCache.clear()  # writers for tmp dirs must not outlive the test


def _assert_same(got, want, path="record"):
    """Equal structure and equal non-floats; floats within float32 rounding of sums."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), path
        for k in want:
            _assert_same(got[k], want[k], "%s/%s" % (path, k))
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            _assert_same(g, w, "%s/%d" % (path, i))
    elif isinstance(want, float):
        assert isinstance(got, (float, int)) and math.isclose(got, want, rel_tol=2e-5,
                                                              abs_tol=1e-6), (path, got, want)
    else:
        assert got == want, (path, got, want)


@pytest.mark.parametrize("program", RECORDER.PROGRAMS, ids=lambda p: p.__name__)
def test_programs_do_what_tensorflow_did(program, tmp_path):
    got = json.loads(json.dumps(program(tf, str(tmp_path)), default=str))
    _assert_same(got, RECORDED[program.__name__])


def test_training_resumes_from_tensorflow_s_checkpoint(tmp_path):
    """TF's checkpoint of the Iris DNNClassifier after 3 steps (its Adagrad slots under TF's
    keys, dnn/hiddenlayer_0/kernel/t_0/Adagrad): minitf's estimator restores it, variables and
    optimizer state, and its next 3 steps have the losses TF's steps 4 to 6 had."""
    model_dir = tmp_path / "iris"
    shutil.copytree(pathlib.Path(__file__).parent / "fixtures" / "tf_checkpoints" /
                    "canned_iris", model_dir)
    columns = [tf.feature_column.numeric_column(k) for k in sorted(RECORDER.IRIS_X)]
    est = tf.estimator.DNNClassifier(hidden_units=[10, 20], feature_columns=columns,
                                     n_classes=3, model_dir=str(model_dir))
    log = RECORDER._LossLog()
    est.train(tf.estimator.inputs.numpy_input_fn(
        RECORDER.IRIS_X, RECORDER.IRIS_Y, batch_size=10, shuffle=False, num_epochs=None),
        steps=3, hooks=[log.hook(tf)])
    recorded = RECORDED["iris_dnn"]
    _assert_same(log.losses[1:], recorded["losses"][3:])
    assert sorted(est.get_variable_names()) == recorded["variables"]
    assert est.get_variable_value("global_step") == 6


def _numeric_input(num_epochs=None):
    x = {"a": np.linspace(0, 1, 8).astype(np.float32),
         "b": np.linspace(1, -1, 8).astype(np.float32)}
    y = (x["a"] * 2 - x["b"]).astype(np.float32)
    return tf.estimator.inputs.numpy_input_fn(x, y, batch_size=4, shuffle=False,
                                              num_epochs=num_epochs)


def test_combined_regressor_trains_both_parts(tmp_path):
    """DNNLinearCombinedRegressor: one step updates the linear/ variables with Ftrl and the
    dnn/ ones with Adagrad, and the global step once."""
    columns = [tf.feature_column.numeric_column("a"), tf.feature_column.numeric_column("b")]
    est = tf.estimator.DNNLinearCombinedRegressor(
        model_dir=str(tmp_path), linear_feature_columns=columns[:1],
        dnn_feature_columns=columns, dnn_hidden_units=[3],
        config=tf.estimator.RunConfig(tf_random_seed=1))
    est.train(_numeric_input(), steps=2)
    names = est.get_variable_names()
    assert "linear/linear_model/a/weights/Ftrl" in names
    assert "dnn/hiddenlayer_0/kernel/Adagrad" in names
    assert "linear/linear_model/b/weights" not in names
    assert est.get_variable_value("global_step") == 2
    assert est.get_variable_value("linear/linear_model/a/weights")[0, 0] != 0.0
    result = est.evaluate(_numeric_input(num_epochs=1))
    assert sorted(result) == ["average_loss", "global_step", "label/mean", "loss",
                              "prediction/mean"]


def test_optimizer_forms(tmp_path, monkeypatch):
    """An optimizer name takes the estimator's learning rate; a callable is called in the
    model_fn; the default linear optimizer with None is Ftrl at min(0.2, 1/sqrt(n))."""
    columns = [tf.feature_column.numeric_column("a"), tf.feature_column.numeric_column("b")]
    made = []

    def make():
        made.append(tf.train.GradientDescentOptimizer(0.1))
        return made[-1]
    est = tf.estimator.LinearRegressor(columns, model_dir=str(tmp_path / "c"), optimizer=make)
    est.train(_numeric_input(), steps=1)
    assert len(made) == 1 and est.get_variable_names() == [
        "global_step", "linear/linear_model/a/weights", "linear/linear_model/b/weights",
        "linear/linear_model/bias_weights"]
    from minitf.estimator.canned.optimizers import get_optimizer_instance
    opt = get_optimizer_instance("RMSProp", learning_rate=0.05)
    assert isinstance(opt, tf.train.RMSPropOptimizer) and opt._learning_rate == 0.05
    with pytest.raises(ValueError, match="learning_rate must be specified"):
        get_optimizer_instance("Adam")
    seen = []

    class Recording(tf.train.FtrlOptimizer):
        def __init__(self, learning_rate, **kwargs):
            seen.append(learning_rate)
            super().__init__(learning_rate, **kwargs)
    from minitf.estimator.canned import linear
    monkeypatch.setattr(linear, "FtrlOptimizer", Recording)
    many = {"f%d" % i: np.ones(4, np.float32) for i in range(30)}
    tf.estimator.LinearRegressor(
        [tf.feature_column.numeric_column(k) for k in many], model_dir=str(tmp_path / "n"),
        optimizer=None).train(tf.estimator.inputs.numpy_input_fn(
            many, np.ones(4, np.float32), shuffle=False), steps=1)
    assert seen == [pytest.approx(1 / math.sqrt(30))]  # 30 columns: below 0.2


def test_canned_predict_modes_need_no_labels(tmp_path):
    """predict builds no loss (labels None) and yields TF's keys for a regressor."""
    est = tf.estimator.DNNRegressor([2], [tf.feature_column.numeric_column("a")],
                                    model_dir=str(tmp_path))
    x = {"a": np.arange(3, dtype=np.float32)}
    out = list(est.predict(tf.estimator.inputs.numpy_input_fn(x, shuffle=False)))
    assert [sorted(p) for p in out] == [["predictions"]] * 3
    assert out[0]["predictions"].shape == (1,)
