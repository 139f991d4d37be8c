"""The by-hand check that TensorFlow loads the SavedModels minitf's Estimator exports (tests
cannot import TensorFlow). Two steps, from the repository root:

    python tests/check_estimator_export_in_tf.py write /tmp/est_export     # minitf exports
    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/check_estimator_export_in_tf.py \
        check /tmp/est_export

`write` trains tests/record_tf_estimator.py's linear model for two steps with minitf, exports
it with a raw serving receiver and records minitf's predictions. `check` loads the export in
TensorFlow's compat.v1 loader, runs its serving_default signature and raises unless it gives
those predictions.
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
    with open(os.path.join(directory, "want.json"), "w") as f:
        json.dump({"path": path.decode(), "want": want}, f)


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


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
