"""Records what TF 1.15's canned estimators (TF 2.15 with tensorflow-estimator 2.15,
compat.v1: DNNClassifier, DNNRegressor, LinearClassifier, LinearRegressor,
DNNLinearCombinedClassifier, BaselineClassifier, BaselineRegressor) do, for tests/test_canned_estimators.py: the variable names in
the checkpoint, the loss of every training step, evaluate's dict, predict's dicts, the
exported signatures, and the errors misuse raises. Run:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/record_tf_canned.py \
        > tests/fixtures/tf_canned.json

(which also writes TF's checkpoint tests/fixtures/tf_checkpoints/canned_iris, see
write_iris_checkpoint).

The same programs (PROGRAMS) run on minitf in the test, which compares the two records
(floats to a float32 tolerance: the sums are not done in TF's order). A DNN's variables start
from a checkpoint the program writes with numpy values (warm_start_from), so both start from
the same weights; the linear models start at zero in both.
"""
import glob
import json
import os
import sys

import numpy as np

RNG = np.random.RandomState(12)
# Iris-shaped: four measurements, three species
IRIS_X = {k: RNG.uniform(lo, hi, 30).astype(np.float32) for k, lo, hi in [
    ("SepalLength", 4.3, 7.9), ("SepalWidth", 2.0, 4.4), ("PetalLength", 1.0, 6.9),
    ("PetalWidth", 0.1, 2.5)]}
IRIS_Y = np.clip(((IRIS_X["PetalLength"] - 1.0) / 2.0).astype(np.int64), 0, 2)
# housing-shaped: rooms, age, distance to work, and a town name
HOUSE_X = {"rooms": RNG.uniform(3, 9, 24).astype(np.float32),
           "age": RNG.uniform(1, 100, 24).astype(np.float32),
           "dist": RNG.uniform(1, 12, 24).astype(np.float32),
           "town": np.array(["north", "south", "east", "west"] * 6)}
HOUSE_Y = (5.0 * HOUSE_X["rooms"] - 0.1 * HOUSE_X["age"] - HOUSE_X["dist"]).astype(
    np.float32)[:, None]
# census-shaped: age, hours, education, and an income bracket
CENSUS_X = {"age": RNG.uniform(18, 70, 20).astype(np.float32),
            "hours": RNG.uniform(10, 60, 20).astype(np.float32),
            "education": np.array(["Bachelors", "HS-grad", "Masters", "Doctorate"] * 5)}
CENSUS_Y = np.array([">50K" if a + h > 85 else "<=50K"
                     for a, h in zip(CENSUS_X["age"], CENSUS_X["hours"])])


def _err(e):
    from tests.record_tf_estimator import _err as err
    return err(e)


def _initial_checkpoint(tf, root, shapes):
    """A checkpoint holding variables of these {name: shape}, drawn from a seeded numpy
    generator: the weights both frameworks warm-start from."""
    rng = np.random.RandomState(5)
    path = os.path.join(root, "init", "model.ckpt")
    with tf.Graph().as_default():
        for name, shape in sorted(shapes.items()):
            tf.Variable(rng.uniform(-0.5, 0.5, shape).astype(np.float32), name=name)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver().save(sess, path)
    return path


class _LossLog:
    """A training hook (made by hook(tf)) that appends every step's loss to `losses`."""

    def __init__(self):
        self.losses = []

    def hook(self, tf):
        log = self.losses

        class Hook(tf.train.SessionRunHook):
            def begin(self):
                self._loss = tf.get_collection(tf.GraphKeys.LOSSES)[-1]
                log.append(self._loss.name)

            def before_run(self, run_context):
                return tf.train.SessionRunArgs(self._loss)

            def after_run(self, run_context, run_values):
                log.append(float(run_values.results))
        return Hook()


def _summary_tags(tf, logdir):
    """The tags of the summaries training wrote (global_step/sec aside)."""
    tf.summary.FileWriterCache.get(logdir).flush()
    tags = set()
    for path in glob.glob(os.path.join(logdir, "events.out.tfevents.*")):
        for e in tf.train.summary_iterator(path):
            if e.HasField("summary"):
                tags.update(v.tag for v in e.summary.value)
    return sorted(tags - {"global_step/sec"})


def _plain(value):
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    return value


def _run(tf, est, train_fn, eval_fn, predict_fn, steps, n_predict=4):
    """Trains `steps` steps logging the losses, then evaluates and predicts."""
    log = _LossLog()
    est.train(train_fn, steps=steps, hooks=[log.hook(tf)])
    rec = {"variables": sorted(est.get_variable_names()), "loss_name": log.losses[0],
           "losses": log.losses[1:], "summary_tags": _summary_tags(tf, est.model_dir)}
    rec["evaluate"] = {k: _plain(v) for k, v in sorted(est.evaluate(eval_fn).items())}
    rec["predict"] = [{k: _plain(v) for k, v in sorted(p.items())}
                      for p in list(est.predict(predict_fn))[:n_predict]]
    return rec


def _signatures(tf, est, root, feature_spec):
    """The signatures of an export with a raw receiver over `feature_spec` {key: dtype}."""
    from tests.record_tf_estimator import _signatures as signatures
    with tf.Graph().as_default():
        raw = {k: tf.placeholder(dtype, [None], name=k) for k, dtype in feature_spec.items()}
    path = est.export_saved_model(os.path.join(root, "export"),
                                  tf.estimator.export.build_raw_serving_input_receiver_fn(raw))
    return signatures(tf, path.decode())


def iris_dnn(tf, root):
    """The Iris tutorial's DNNClassifier: 4 numeric columns, hidden_units [10, 20], 3
    classes, Adagrad(0.05) by default."""
    columns = [tf.feature_column.numeric_column(k) for k in sorted(IRIS_X)]
    init = _initial_checkpoint(tf, root, {
        "dnn/hiddenlayer_0/kernel": [4, 10], "dnn/hiddenlayer_0/bias": [10],
        "dnn/hiddenlayer_1/kernel": [10, 20], "dnn/hiddenlayer_1/bias": [20],
        "dnn/logits/kernel": [20, 3], "dnn/logits/bias": [3]})
    est = tf.estimator.DNNClassifier(hidden_units=[10, 20], feature_columns=columns,
                                     n_classes=3, model_dir=os.path.join(root, "iris"),
                                     warm_start_from=init)
    inputs = tf.estimator.inputs.numpy_input_fn
    rec = _run(tf, est, inputs(IRIS_X, IRIS_Y, batch_size=10, shuffle=False, num_epochs=None),
               inputs(IRIS_X, IRIS_Y, batch_size=8, shuffle=False),
               inputs(IRIS_X, batch_size=8, shuffle=False), steps=6)
    rec["export"] = _signatures(tf, est, root, {k: tf.float32 for k in IRIS_X})
    return rec


def binary_dnn(tf, root):
    """A two-class DNNClassifier with a label vocabulary, a weight column, Adam by name,
    tanh and a dropout layer (of rate 0: TF's draws are not minitf's)."""
    columns = [tf.feature_column.numeric_column("age"), tf.feature_column.numeric_column(
        "hours")]
    features = dict(CENSUS_X, w=np.linspace(0.5, 2.0, 20).astype(np.float32))
    init = _initial_checkpoint(tf, root, {
        "dnn/hiddenlayer_0/kernel": [2, 5], "dnn/hiddenlayer_0/bias": [5],
        "dnn/logits/kernel": [5, 1], "dnn/logits/bias": [1]})
    est = tf.estimator.DNNClassifier(
        hidden_units=[5], feature_columns=columns, model_dir=os.path.join(root, "bin"),
        label_vocabulary=["<=50K", ">50K"], weight_column="w", optimizer="Adam",
        activation_fn=tf.nn.tanh, dropout=0.0, warm_start_from=init)
    inputs = tf.estimator.inputs.numpy_input_fn
    rec = _run(tf, est, inputs(features, CENSUS_Y, batch_size=5, shuffle=False,
                               num_epochs=None),
               inputs(features, CENSUS_Y, batch_size=20, shuffle=False),
               inputs(features, batch_size=20, shuffle=False), steps=4)
    rec["export"] = _signatures(tf, est, root, {"age": tf.float32, "hours": tf.float32})
    return rec


def dnn_regressor(tf, root):
    """DNNRegressor with label_dimension 2, an optimizer instance and SUM_OVER_BATCH_SIZE."""
    columns = [tf.feature_column.numeric_column("rooms"),
               tf.feature_column.numeric_column("dist")]
    labels = np.concatenate([HOUSE_Y, HOUSE_Y / 10.0], axis=1)
    init = _initial_checkpoint(tf, root, {
        "dnn/hiddenlayer_0/kernel": [2, 4], "dnn/hiddenlayer_0/bias": [4],
        "dnn/logits/kernel": [4, 2], "dnn/logits/bias": [2]})
    est = tf.estimator.DNNRegressor(
        hidden_units=[4], feature_columns=columns, model_dir=os.path.join(root, "reg"),
        label_dimension=2, optimizer=tf.train.GradientDescentOptimizer(0.001),
        loss_reduction=tf.losses.Reduction.SUM_OVER_BATCH_SIZE, warm_start_from=init)
    inputs = tf.estimator.inputs.numpy_input_fn
    rec = _run(tf, est, inputs(HOUSE_X, labels, batch_size=6, shuffle=False, num_epochs=None),
               inputs(HOUSE_X, labels, batch_size=24, shuffle=False),
               inputs(HOUSE_X, batch_size=24, shuffle=False), steps=3)
    rec["export"] = _signatures(tf, est, root, {"rooms": tf.float32, "dist": tf.float32})
    return rec


def batch_norm(tf, root):
    """A DNNRegressor with batch_norm: its variables' names (moving statistics included) and
    the losses of its first steps from the initial weights given for the kernels (the batch
    normalization's start at gamma 1, beta 0)."""
    columns = [tf.feature_column.numeric_column("rooms"),
               tf.feature_column.numeric_column("dist")]
    init = _initial_checkpoint(tf, root, {
        "dnn/hiddenlayer_0/kernel": [2, 3], "dnn/hiddenlayer_0/bias": [3],
        "dnn/logits/kernel": [3, 1], "dnn/logits/bias": [1]})
    est = tf.estimator.DNNRegressor(
        hidden_units=[3], feature_columns=columns, model_dir=os.path.join(root, "bn"),
        batch_norm=True, optimizer="SGD",
        warm_start_from=tf.estimator.WarmStartSettings(init, ".*(kernel|bias)"))
    inputs = tf.estimator.inputs.numpy_input_fn
    return _run(tf, est, inputs(HOUSE_X, HOUSE_Y, batch_size=6, shuffle=False,
                                num_epochs=None),
                inputs(HOUSE_X, HOUSE_Y, batch_size=24, shuffle=False),
                inputs(HOUSE_X, batch_size=24, shuffle=False), steps=2, n_predict=2)


def housing_linear(tf, root):
    """The housing LinearRegressor: numeric, bucketized and vocabulary columns, Ftrl by
    default; the model starts at zero."""
    fc = tf.feature_column
    rooms = fc.numeric_column("rooms")
    columns = [rooms, fc.numeric_column("age"), fc.numeric_column("dist"),
               fc.bucketized_column(rooms, [4.0, 6.0, 8.0]),
               fc.categorical_column_with_vocabulary_list("town", ["north", "south", "east"])]
    est = tf.estimator.LinearRegressor(columns, model_dir=os.path.join(root, "house"))
    inputs = tf.estimator.inputs.numpy_input_fn
    rec = _run(tf, est, inputs(HOUSE_X, HOUSE_Y, batch_size=8, shuffle=False, num_epochs=None),
               inputs(HOUSE_X, HOUSE_Y, batch_size=12, shuffle=False),
               inputs(HOUSE_X, batch_size=12, shuffle=False), steps=5)
    rec["export"] = _signatures(tf, est, root, {"rooms": tf.float32, "age": tf.float32,
                                                "dist": tf.float32, "town": tf.string})
    return rec


def linear_classifiers(tf, root):
    """LinearClassifier: binary (SGD by name, 'mean' sparse combiner) and three classes
    (Ftrl by default)."""
    fc = tf.feature_column
    columns = [fc.numeric_column("age"),
               fc.categorical_column_with_vocabulary_list(
                   "education", ["Bachelors", "HS-grad", "Masters"])]
    inputs = tf.estimator.inputs.numpy_input_fn
    labels = (CENSUS_Y == ">50K").astype(np.int64)
    est = tf.estimator.LinearClassifier(columns, model_dir=os.path.join(root, "bin"),
                                        optimizer="SGD", sparse_combiner="mean")
    binary = _run(tf, est, inputs(CENSUS_X, labels, batch_size=5, shuffle=False,
                                  num_epochs=None),
                  inputs(CENSUS_X, labels, batch_size=20, shuffle=False),
                  inputs(CENSUS_X, batch_size=20, shuffle=False), steps=3)
    three = (CENSUS_X["age"] > 40).astype(np.int64) + (CENSUS_X["hours"] > 30)
    est = tf.estimator.LinearClassifier(columns, model_dir=os.path.join(root, "multi"),
                                        n_classes=3)
    multi = _run(tf, est, inputs(CENSUS_X, three, batch_size=5, shuffle=False,
                                 num_epochs=None),
                 inputs(CENSUS_X, three, batch_size=20, shuffle=False),
                 inputs(CENSUS_X, batch_size=20, shuffle=False), steps=3)
    multi["export"] = _signatures(tf, est, root, {"age": tf.float32, "education": tf.string})
    return {"binary": binary, "multi": multi}


def wide_and_deep(tf, root):
    """The census wide & deep DNNLinearCombinedClassifier: a vocabulary column and a
    bucketized age in the linear part, an embedding of the vocabulary column and the numeric
    columns in the DNN part."""
    fc = tf.feature_column
    age = fc.numeric_column("age")
    education = fc.categorical_column_with_vocabulary_list(
        "education", ["Bachelors", "HS-grad", "Masters", "Doctorate"])
    init = _initial_checkpoint(tf, root, {
        "dnn/input_from_feature_columns/input_layer/education_embedding/embedding_weights":
            [4, 3],
        "dnn/hiddenlayer_0/kernel": [5, 6], "dnn/hiddenlayer_0/bias": [6],
        "dnn/hiddenlayer_1/kernel": [6, 3], "dnn/hiddenlayer_1/bias": [3],
        "dnn/logits/kernel": [3, 1], "dnn/logits/bias": [1]})
    est = tf.estimator.DNNLinearCombinedClassifier(
        model_dir=os.path.join(root, "wd"),
        linear_feature_columns=[education, fc.bucketized_column(age, [30.0, 50.0])],
        dnn_feature_columns=[age, fc.numeric_column("hours"),
                             fc.embedding_column(education, 3)],
        dnn_hidden_units=[6, 3], label_vocabulary=["<=50K", ">50K"],
        warm_start_from=tf.estimator.WarmStartSettings(init, "dnn/.*"))
    inputs = tf.estimator.inputs.numpy_input_fn
    rec = _run(tf, est, inputs(CENSUS_X, CENSUS_Y, batch_size=5, shuffle=False,
                               num_epochs=None),
               inputs(CENSUS_X, CENSUS_Y, batch_size=20, shuffle=False),
               inputs(CENSUS_X, batch_size=20, shuffle=False), steps=4)
    rec["export"] = _signatures(tf, est, root, {"age": tf.float32, "hours": tf.float32,
                                                "education": tf.string})
    return rec


def baselines(tf, root):
    """BaselineClassifier (three classes, Ftrl(0.3) by default) and BaselineRegressor with a
    weight column and SGD: the learned bias and what it predicts."""
    inputs = tf.estimator.inputs.numpy_input_fn
    est = tf.estimator.BaselineClassifier(model_dir=os.path.join(root, "clf"), n_classes=3)
    clf = _run(tf, est, inputs(IRIS_X, IRIS_Y, batch_size=10, shuffle=False, num_epochs=None),
               inputs(IRIS_X, IRIS_Y, batch_size=30, shuffle=False),
               inputs(IRIS_X, batch_size=30, shuffle=False), steps=3, n_predict=1)
    clf["export"] = _signatures(tf, est, root, {"PetalLength": tf.float32})
    features = dict(HOUSE_X, w=np.linspace(0.5, 2.0, 24).astype(np.float32))
    est = tf.estimator.BaselineRegressor(model_dir=os.path.join(root, "reg"),
                                         weight_column="w", optimizer="SGD")
    reg = _run(tf, est, inputs(features, HOUSE_Y, batch_size=8, shuffle=False,
                               num_epochs=None),
               inputs(features, HOUSE_Y, batch_size=24, shuffle=False),
               inputs(features, batch_size=24, shuffle=False), steps=3, n_predict=1)
    return {"classifier": clf, "regressor": reg}


def errors(tf, root):
    """The classes and messages of the canned estimators' checks."""
    columns = [tf.feature_column.numeric_column("x")]
    x = {"x": np.arange(4, dtype=np.float32)}
    inputs = tf.estimator.inputs.numpy_input_fn
    rec = {}

    def attempt(name, call, needle=None):
        """Records call's error: [class, message], or [class, whether the message holds
        `needle`] for run-time failures (whose messages carry TF's op details)."""
        rec[name] = None
        try:
            call()
        except Exception as e:  # noqa: BLE001 - the class is what is recorded
            rec[name] = _err(e) if needle is None else [type(e).__name__, needle in str(e)]

    def d(name):
        return os.path.join(root, name)
    est = tf.estimator
    attempt("n_classes_1", lambda: est.DNNClassifier([3], columns, n_classes=1))
    attempt("linear_n_classes_0", lambda: est.LinearClassifier(columns, n_classes=0))
    attempt("vocabulary_str", lambda: est.DNNClassifier([3], columns, label_vocabulary="ab"))
    attempt("vocabulary_str_multi", lambda: est.DNNClassifier(
        [3], columns, n_classes=3, label_vocabulary="abc"))
    attempt("loss_reduction_none", lambda: est.DNNRegressor(
        [3], columns, loss_reduction=tf.losses.Reduction.NONE))
    attempt("label_dimension_0", lambda: est.LinearRegressor(columns, label_dimension=0))
    attempt("no_columns", lambda: est.DNNLinearCombinedClassifier())
    attempt("hidden_units_empty", lambda: est.DNNClassifier([], columns, model_dir=d(
        "e")).train(inputs(x, np.array([0, 1, 0, 1]), batch_size=4, shuffle=False), steps=1))
    attempt("optimizer_name", lambda: est.DNNRegressor([3], columns, model_dir=d(
        "o"), optimizer="Momentum").train(inputs(x, x["x"], shuffle=False), steps=1))
    attempt("optimizer_object", lambda: est.LinearRegressor(columns, model_dir=d(
        "o2"), optimizer=3).train(inputs(x, x["x"], shuffle=False), steps=1))
    attempt("float_labels_multi", lambda: est.DNNClassifier(
        [3], columns, n_classes=3, model_dir=d("f")).train(
            inputs(x, x["x"], shuffle=False), steps=1))
    attempt("int_labels_vocabulary", lambda: est.LinearClassifier(
        columns, label_vocabulary=["a", "b"], model_dir=d("v")).train(
            inputs(x, np.array([0, 1, 0, 1]), shuffle=False), steps=1))
    attempt("features_not_dict", lambda: est.DNNRegressor(
        [3], columns, model_dir=d("n")).train(
            lambda: (tf.constant([[1.0]]), tf.constant([[1.0]])), steps=1))
    attempt("dnn_columns_no_units", lambda: est.DNNLinearCombinedRegressor(
        dnn_feature_columns=columns, model_dir=d("u")).train(
            inputs(x, x["x"], shuffle=False), steps=1))
    attempt("label_shape", lambda: est.DNNRegressor([3], columns, model_dir=d("s")).train(
        inputs(x, np.zeros((4, 2), np.float32), shuffle=False), steps=1))

    rec["features_not_dict"][1] = rec["features_not_dict"][1].split(" Given type")[0]
    attempt("label_out_of_range", lambda: est.DNNClassifier(
        [3], columns, n_classes=3, model_dir=d("r")).train(
            inputs(x, np.array([0, 1, 2, 3]), shuffle=False), steps=1),
        "Labels must <= n_classes - 1")
    attempt("label_not_in_vocabulary", lambda: est.LinearClassifier(
        columns, label_vocabulary=["a", "b"], model_dir=d("w")).train(
            inputs(x, np.array(["a", "b", "c", "a"]), shuffle=False), steps=1),
        "Labels must >= 0")
    return rec


def write_iris_checkpoint(tf, directory):
    """TF's checkpoint of iris_dnn's model after its first 3 steps (its data and index files
    and the state file; the graph is left out), for the test that resumes it with minitf:
    the variables, the Adagrad slots under TF's keys and the global step."""
    import shutil
    import tempfile
    root = tempfile.mkdtemp()
    columns = [tf.feature_column.numeric_column(k) for k in sorted(IRIS_X)]
    init = _initial_checkpoint(tf, root, {
        "dnn/hiddenlayer_0/kernel": [4, 10], "dnn/hiddenlayer_0/bias": [10],
        "dnn/hiddenlayer_1/kernel": [10, 20], "dnn/hiddenlayer_1/bias": [20],
        "dnn/logits/kernel": [20, 3], "dnn/logits/bias": [3]})
    model_dir = os.path.join(root, "iris")
    est = tf.estimator.DNNClassifier(hidden_units=[10, 20], feature_columns=columns,
                                     n_classes=3, model_dir=model_dir, warm_start_from=init)
    est.train(tf.estimator.inputs.numpy_input_fn(IRIS_X, IRIS_Y, batch_size=10, shuffle=False,
                                                 num_epochs=None), steps=3)
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    for suffix in (".index", ".data-00000-of-00001"):
        shutil.copy(os.path.join(model_dir, "model.ckpt-3" + suffix), directory)
    with open(os.path.join(directory, "checkpoint"), "w") as f:
        f.write('model_checkpoint_path: "model.ckpt-3"\n'
                'all_model_checkpoint_paths: "model.ckpt-3"\n')
    shutil.rmtree(root)


PROGRAMS = [iris_dnn, binary_dnn, dnn_regressor, batch_norm, housing_linear, linear_classifiers,
            wide_and_deep, baselines, errors]


if __name__ == "__main__":
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repo root
    from tests.record_tf_monitored_session import run_all
    import tensorflow.compat.v1 as tf_v1
    tf_v1.disable_v2_behavior()
    write_iris_checkpoint(tf_v1, os.path.join(sys.path[0], "tests", "fixtures",
                                              "tf_checkpoints", "canned_iris"))
    print(json.dumps(run_all(tf_v1, PROGRAMS), indent=1, sort_keys=True))
