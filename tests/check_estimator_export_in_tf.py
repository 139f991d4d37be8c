"""The by-hand check that TensorFlow loads the SavedModels minitf's Estimator exports (tests
cannot import TensorFlow). Two steps, from the repository root:

    python tests/check_estimator_export_in_tf.py write /tmp/est_export     # minitf exports
    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/check_estimator_export_in_tf.py \
        check /tmp/est_export

`write` trains tests/record_tf_estimator.py's linear model for two steps with minitf, exports
it with a raw serving receiver and records minitf's predictions; it also trains the Iris-shaped
DNNClassifier of tests/record_tf_canned.py and exports it with a parsing receiver (its
FixedLenFeatures have no defaults: ParseExampleV2 takes its dense defaults as inputs, as TF's
does). `check` loads the exports in TensorFlow's compat.v1 loader, runs their signatures
(serving_default, and the classifier's classification and predict signatures over serialized
Examples) and raises unless they give minitf's predictions. `write` also trains that
classifier 3 steps from tests/record_tf_canned.py's initial weights, and `check` resumes
minitf's checkpoint (its Adagrad slots under TF's keys) in TF for 3 more steps, which must have
the losses TF's own run had at steps 4 to 6 (tests/fixtures/tf_canned.json).
"""

import json
import os
import shutil
import sys

import numpy as np

TESTS = os.path.dirname(os.path.abspath(__file__))


def write(directory):
    sys.path.insert(0, os.path.dirname(TESTS))
    import minitf as tf
    from tests import record_tf_estimator as programs
    shutil.rmtree(directory, ignore_errors=True)
    est = tf.estimator.Estimator(programs.linear_model_fn(tf, []),
                                 model_dir=os.path.join(directory, "model"), params={"lr": 0.1})
    est.train(tf.estimator.inputs.numpy_input_fn({"x": programs.X}, programs.Y, batch_size=4,
                                                 shuffle=False), steps=2)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 1], name="x")
    path = est.export_saved_model(os.path.join(directory, "raw"),
                                  tf.estimator.export.build_raw_serving_input_receiver_fn({"x": x}))
    want = [p["y"].tolist() for p in est.predict(tf.estimator.inputs.numpy_input_fn(
        {"x": programs.X}, shuffle=False))]
    canned = _write_canned(tf, directory)
    _write_resumable(tf, directory)
    with open(os.path.join(directory, "want.json"), "w") as f:
        json.dump({"path": path.decode(), "want": want, "canned": canned}, f)


def _examples(x):
    """x's rows as serialized tf.train.Examples (float features)."""
    from minitf.protos.example_pb2 import Example
    out = []
    for i in range(len(next(iter(x.values())))):
        example = Example()
        for key, values in x.items():
            example.features.feature[key].float_list.value.append(float(values[i]))
        out.append(example.SerializeToString())
    return out


def _iris_classifier(tf, programs, model_dir, **kwargs):
    columns = [tf.feature_column.numeric_column(k) for k in sorted(programs.IRIS_X)]
    return tf.estimator.DNNClassifier(hidden_units=[10, 20], feature_columns=columns,
                                      n_classes=3, model_dir=model_dir, **kwargs)


def _iris_input(tf, programs):
    return tf.estimator.inputs.numpy_input_fn(programs.IRIS_X, programs.IRIS_Y, batch_size=10,
                                              shuffle=False, num_epochs=None)


def _write_resumable(tf, directory):
    """record_tf_canned's iris_dnn model, trained 3 steps by minitf into directory/resume."""
    from tests import record_tf_canned as canned
    init = canned._initial_checkpoint(tf, directory, {
        "dnn/hiddenlayer_0/kernel": [4, 10], "dnn/hiddenlayer_0/bias": [10],
        "dnn/hiddenlayer_1/kernel": [10, 20], "dnn/hiddenlayer_1/bias": [20],
        "dnn/logits/kernel": [20, 3], "dnn/logits/bias": [3]})
    _iris_classifier(tf, canned, os.path.join(directory, "resume"),
                     warm_start_from=init).train(_iris_input(tf, canned), steps=3)


def _write_canned(tf, directory):
    """The Iris DNNClassifier trained 6 steps, exported with a parsing receiver: its path, the
    serialized Examples and minitf's predictions for them."""
    from tests import record_tf_canned as canned
    est = _iris_classifier(tf, canned, os.path.join(directory, "iris"))
    est.train(_iris_input(tf, canned), steps=6)
    spec = tf.feature_column.make_parse_example_spec(
        [tf.feature_column.numeric_column(k) for k in sorted(canned.IRIS_X)])
    path = est.export_saved_model(os.path.join(directory, "parsing"),
                                  tf.estimator.export.build_parsing_serving_input_receiver_fn(
                                      spec)).decode()
    x = {k: v[:5] for k, v in canned.IRIS_X.items()}
    predictions = list(est.predict(tf.estimator.inputs.numpy_input_fn(x, shuffle=False)))
    return {"path": path, "examples": [e.hex() for e in _examples(x)],
            "probabilities": [p["probabilities"].tolist() for p in predictions],
            "classes": [p["classes"][0].decode() for p in predictions]}


def check(directory):
    sys.path.remove(TESTS)  # tests/keras is not keras
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    sys.path.insert(0, TESTS)
    import record_tf_estimator as programs
    with open(os.path.join(directory, "want.json")) as f:
        want = json.load(f)
    got = programs._run_signature(tf, want["path"], "serving_default", {"x": programs.X})
    np.testing.assert_array_equal(got["y"], want["want"])
    print("TensorFlow %s loads minitf's export and predicts as minitf does: %s"
          % (tf.__version__ if hasattr(tf, "__version__") else "", want["path"]))
    canned = want["canned"]
    examples = np.array([bytes.fromhex(e) for e in canned["examples"]], dtype=object)
    for key in ("serving_default", "classification"):
        got = programs._run_signature(tf, canned["path"], key, {"inputs": examples})
        np.testing.assert_allclose(got["scores"], canned["probabilities"], rtol=1e-6)
        assert [row[int(np.argmax(s))].decode() for row, s in zip(
            got["classes"], got["scores"])] == canned["classes"]
    got = programs._run_signature(tf, canned["path"], "predict", {"examples": examples})
    np.testing.assert_allclose(got["probabilities"], canned["probabilities"], rtol=1e-6)
    print("... and the DNNClassifier's export with a parsing receiver (ParseExampleV2, dense "
          "features without defaults): serving_default, classification and predict agree: %s"
          % canned["path"])
    import record_tf_canned
    log = record_tf_canned._LossLog()
    _iris_classifier(tf, record_tf_canned, os.path.join(directory, "resume")).train(
        _iris_input(tf, record_tf_canned), steps=3, hooks=[log.hook(tf)])
    with open(os.path.join(TESTS, "fixtures", "tf_canned.json")) as f:
        np.testing.assert_allclose(log.losses[1:], json.load(f)["iris_dnn"]["losses"][3:],
                                   rtol=1e-5)
    print("... and resumes training from minitf's DNNClassifier checkpoint (TF's slot keys) "
          "with the losses of its own run: %s" % log.losses[1:])


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
