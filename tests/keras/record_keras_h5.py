"""Makes the HDF5 fixtures of tests/keras/test_keras_saving.py with real Keras (tf-keras 2.21,
TF 1.x graph mode and the OptimizerV2 optimizers TF 1.15 shipped), run by hand in the TF venv:

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/keras/record_keras_h5.py \
        tests/fixtures/keras_h5

For each model (an MLP, a small CNN, a two-input functional model with Embedding, LSTM, GRU and
Concatenate and two outputs) it compiles, trains a few steps, and writes `<name>.h5`
(model.save), `<name>_weights.h5` (save_weights) and `<name>.npz`: fixed inputs, the
predictions, and one more training step's loss and predictions (what minitf must get after
loading the file and its optimizer state). Only numpy is needed to read the results.
"""

import os
import sys

import numpy as np


def _data(seed, shapes):
    rng = np.random.RandomState(seed)
    return [rng.uniform(-1, 1, s).astype("float32") for s in shapes]


def build_mlp(keras):
    L = keras.layers
    model = keras.models.Sequential([L.Dense(16, activation="relu", input_shape=(8,)),
                                     L.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy", metrics=["accuracy"])
    x, = _data(1, [(32, 8)])
    y = np.eye(3, dtype="float32")[np.random.RandomState(2).randint(0, 3, 32)]
    return model, [x], [y]


def build_cnn(keras):
    L = keras.layers
    model = keras.models.Sequential([
        L.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)),
        L.BatchNormalization(),
        L.MaxPooling2D(),
        L.Dropout(0.25),
        L.Flatten(),
        L.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, = _data(3, [(16, 8, 8, 1)])
    y = np.random.RandomState(4).randint(0, 3, (16, 1)).astype("float32")
    return model, [x], [y]


def build_rnn(keras):
    L = keras.layers
    tokens = L.Input((5,), dtype="int32", name="tokens")
    series = L.Input((5, 2), name="series")
    a = L.LSTM(4)(L.Embedding(20, 3)(tokens))
    b = L.GRU(3)(series)
    merged = L.Concatenate()([a, b])
    flag = L.Dense(1, activation="sigmoid", name="flag")(merged)
    value = L.Dense(2, name="value")(merged)
    model = keras.models.Model([tokens, series], [flag, value])
    model.compile(keras.optimizers.RMSprop(0.01), ["binary_crossentropy", "mse"],
                  loss_weights=[1.0, 0.5])
    rng = np.random.RandomState(5)
    x_tokens = rng.randint(0, 20, (12, 5)).astype("int32")
    x_series, y_value = _data(6, [(12, 5, 2), (12, 2)])
    y_flag = (rng.uniform(size=(12, 1)) > 0.5).astype("float32")
    return model, [x_tokens, x_series], [y_flag, y_value]


MODELS = {"mlp": build_mlp, "cnn": build_cnn, "rnn": build_rnn}


def _as_list(v):
    return [np.asarray(a) for a in v] if isinstance(v, list) else [np.asarray(v)]


def record(keras, name, directory):
    keras.backend.clear_session()
    np.random.seed(0)
    model, xs, ys = MODELS[name](keras)
    for _ in range(3):
        model.train_on_batch(xs, ys)
    model.save(os.path.join(directory, name + ".h5"))
    model.save_weights(os.path.join(directory, name + "_weights.h5"))
    predictions = _as_list(model.predict(xs))
    if name == "cnn":  # Dropout makes a training step random: no continuation to compare
        step_loss, after = np.float64(np.nan), predictions
    else:
        step_loss = _as_list(model.train_on_batch(xs, ys))[0]
        after = _as_list(model.predict(xs))
    arrays = {"x%d" % i: x for i, x in enumerate(xs)}
    arrays.update({"y%d" % i: y for i, y in enumerate(ys)})
    arrays.update({"pred%d" % i: p for i, p in enumerate(predictions)})
    arrays.update({"after%d" % i: p for i, p in enumerate(after)})
    np.savez_compressed(os.path.join(directory, name + ".npz"), step_loss=step_loss, **arrays)


if __name__ == "__main__":
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tf_keras as keras
    keras.optimizers = keras.optimizers.legacy  # OptimizerV2, what TF 1.15 had
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/keras_h5"
    os.makedirs(out, exist_ok=True)
    for model_name in MODELS:
        record(keras, model_name, out)
