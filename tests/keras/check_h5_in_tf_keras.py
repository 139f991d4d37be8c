"""By-hand check that HDF5 files written by minitf load in real Keras (tf-keras 2.21, TF 1.x
graph mode), the other direction of tests/keras/test_keras_saving.py. Two steps, one per venv:

    python tests/keras/check_h5_in_tf_keras.py write /tmp/minitf_h5      # minitf (dev venv)
    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/keras/check_h5_in_tf_keras.py \
        check /tmp/minitf_h5                                              # tf-keras

`write` builds the models of tests/keras/record_keras_h5.py with minitf.keras, trains three
steps, and saves `<name>.h5` (model.save), `<name>_weights.h5` and `<name>.npz` (inputs,
predictions, one more step's loss and predictions). `check` loads each file with
keras.models.load_model, compares the predictions, trains one step from the restored optimizer
state and compares the loss and predictions, loads the weights-only file by order into a clone of
the loaded architecture made by tf-keras, and prints one line per check; it exits 1 if any differs.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_keras_h5 import MODELS, record  # noqa: E402


def _as_list(v):
    return [np.asarray(a) for a in v] if isinstance(v, list) else [np.asarray(v)]


def check(keras, directory):
    failures = 0
    for name in MODELS:
        keras.backend.clear_session()
        data = np.load(os.path.join(directory, name + ".npz"))
        pick = lambda p: [data["%s%d" % (p, i)] for i in range(3)  # noqa: E731
                          if "%s%d" % (p, i) in data]
        xs, ys, preds, after = pick("x"), pick("y"), pick("pred"), pick("after")
        model = keras.models.load_model(os.path.join(directory, name + ".h5"))
        results = [("predict", max(float(np.abs(g - w).max())
                                   for g, w in zip(_as_list(model.predict(xs)), preds)))]
        if name != "cnn":
            loss = _as_list(model.train_on_batch(xs, ys))[0]
            results.append(("train step loss", abs(float(loss) - float(data["step_loss"]))))
            results.append(("predict after step", max(
                float(np.abs(g - w).max()) for g, w in zip(_as_list(model.predict(xs)), after))))
        fresh = keras.models.clone_model(model)  # minitf's defaults (GRU reset_after=False)
        fresh.load_weights(os.path.join(directory, name + "_weights.h5"))
        results.append(("weights-only by order", max(
            float(np.abs(g - w).max()) for g, w in zip(_as_list(fresh.predict(xs)), preds))))
        for what, diff in results:
            ok = diff <= 1e-5
            failures += not ok
            print("%-4s %-24s max abs difference %.3g  %s" % (name, what, diff,
                                                              "ok" if ok else "DIFFERS"))
    return failures


if __name__ == "__main__":
    mode, out = sys.argv[1], sys.argv[2]
    if mode == "write":
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                        os.pardir, os.pardir))
        from minitf import keras as minitf_keras
        os.makedirs(out, exist_ok=True)
        for model_name in MODELS:
            record(minitf_keras, model_name, out)
        print("wrote", sorted(os.listdir(out)))
    else:
        os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        import tf_keras as keras
        keras.optimizers = keras.optimizers.legacy
        sys.exit(1 if check(keras, out) else 0)
