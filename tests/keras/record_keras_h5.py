"""Makes the HDF5 fixtures of tests/keras/test_keras_saving.py with real Keras (tf-keras 2.21,
TF 1.x graph mode and the OptimizerV2 optimizers TF 1.15 shipped), run by hand in the TF venv:

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/keras/record_keras_h5.py \
        tests/fixtures/keras_h5

For each model (an MLP, a small CNN, a two-input functional model with Embedding, LSTM, GRU and
Concatenate and two outputs) it compiles, trains a few steps, and writes `<name>.h5`
(model.save), `<name>_weights.h5` (save_weights) and `<name>.npz`: fixed inputs, the
predictions, and one more training step's loss and predictions (what minitf must get after
loading the file and its optimizer state). `layer_configs.json` holds, for every layer kind
of `layer_cases`, tf-keras's JSON config of a one-layer model with seeded weights, an input
and the output. Only numpy is needed to read the results.
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


def layer_cases(keras):
    """(layers with weights, layers without): kind -> (builder of the output from an input
    tensor, input shape, input dtype). test_keras_saving.py round-trips each through minitf's
    files and JSON; the recorder writes tf-keras's JSON config of each (layer_configs.json)."""
    L = keras.layers
    weighted = {
        "dense": (lambda x: L.Dense(3, kernel_regularizer=keras.regularizers.l2(0.01))(x),
                  (5,), "float32"),
        "conv1d": (lambda x: L.Conv1D(2, 2, padding="same")(x), (6, 3), "float32"),
        "conv2d": (lambda x: L.Conv2D(2, 3, strides=2, activation="relu")(x), (7, 7, 2),
                   "float32"),
        "conv2d_transpose": (lambda x: L.Conv2DTranspose(2, 3, strides=2)(x), (3, 3, 2),
                             "float32"),
        "separable_conv2d": (lambda x: L.SeparableConv2D(3, 2, depth_multiplier=2)(x),
                             (5, 5, 2), "float32"),
        "depthwise_conv2d": (lambda x: L.DepthwiseConv2D(2, depth_multiplier=2,
                                                         padding="same")(x), (4, 4, 3),
                             "float32"),
        "batch_normalization": (lambda x: L.BatchNormalization(momentum=0.5)(x), (4,),
                                "float32"),
        "prelu": (lambda x: L.PReLU(alpha_initializer=keras.initializers.Constant(0.3))(x),
                  (4,), "float32"),
        "embedding": (lambda x: L.Embedding(10, 3)(x), (4,), "int32"),
        "simple_rnn": (lambda x: L.SimpleRNN(3, return_sequences=True)(x), (4, 3), "float32"),
        "lstm": (lambda x: L.LSTM(3, go_backwards=True)(x), (4, 3), "float32"),
        "gru": (lambda x: L.GRU(3)(x), (4, 3), "float32"),
        "gru_reset_after": (lambda x: L.GRU(3, reset_after=True,
                                            recurrent_activation="sigmoid")(x), (4, 3),
                            "float32"),
        "bidirectional": (lambda x: L.Bidirectional(L.LSTM(2, return_sequences=True))(x),
                          (4, 3), "float32"),
        "time_distributed": (lambda x: L.TimeDistributed(L.Dense(2))(x), (4, 3), "float32"),
    }
    unweighted = {
        "activation": (lambda x: L.Activation("tanh")(x), (4,)),
        "dropout": (lambda x: L.Dropout(0.3, seed=1)(x), (4,)),
        "flatten": (lambda x: L.Flatten()(x), (2, 3)),
        "reshape": (lambda x: L.Reshape((3, 2))(x), (6,)),
        "permute": (lambda x: L.Permute((2, 1))(x), (2, 3)),
        "repeat_vector": (lambda x: L.RepeatVector(2)(x), (3,)),
        "leaky_relu": (lambda x: L.LeakyReLU(0.1)(x), (4,)),
        "elu": (lambda x: L.ELU(0.5)(x), (4,)),
        "relu": (lambda x: L.ReLU(max_value=0.5)(x), (4,)),
        "softmax": (lambda x: L.Softmax()(x), (4,)),
        "max_pooling1d": (lambda x: L.MaxPooling1D(2)(x), (4, 2)),
        "average_pooling1d": (lambda x: L.AveragePooling1D(2)(x), (4, 2)),
        "max_pooling2d": (lambda x: L.MaxPooling2D((2, 2), padding="same")(x), (3, 3, 1)),
        "average_pooling2d": (lambda x: L.AveragePooling2D()(x), (4, 4, 1)),
        "global_pools": (lambda x: L.add([L.GlobalAveragePooling2D()(x),
                                          L.GlobalMaxPooling2D()(x)]), (3, 3, 2)),
        "global_pools_1d": (lambda x: L.multiply([L.GlobalAveragePooling1D()(x),
                                                  L.GlobalMaxPooling1D()(x)]), (3, 2)),
        "zero_padding2d": (lambda x: L.ZeroPadding2D(((1, 0), (2, 1)))(x), (2, 2, 1)),
        "cropping2d": (lambda x: L.Cropping2D(((1, 0), (0, 1)))(x), (3, 3, 1)),
        "upsampling2d": (lambda x: L.UpSampling2D((2, 1))(x), (2, 2, 1)),
        "merges": (lambda x: L.concatenate([L.subtract([x, x]), L.average([x, x]),
                                            L.maximum([x, x]), L.minimum([x, x]),
                                            L.dot([x, x], axes=1, normalize=True)]), (4,)),
    }
    return weighted, {k: (b, s, "float32") for k, (b, s) in unweighted.items()}


def layer_input(shape, dtype, seed=1):
    rng = np.random.RandomState(seed)
    if dtype == "int32":
        return rng.randint(0, 10, (2,) + shape).astype("int32")
    return rng.uniform(0, 1, (2,) + shape).astype("float32")


def seed_weights(model, seed=0):
    rng = np.random.RandomState(seed)
    model.set_weights([rng.uniform(0.1, 0.9, w.shape).astype("float32")
                       for w in model.get_weights()])


def record_layer_configs(keras, path):
    """tf-keras's JSON of a one-layer model per layer kind, seeded weights, input, output."""
    import json
    out = {}
    weighted, unweighted = layer_cases(keras)
    for kind, (build, shape, dtype) in sorted(dict(weighted, **unweighted).items()):
        keras.backend.clear_session()
        inp = keras.layers.Input(shape, dtype=dtype)
        model = keras.models.Model(inp, build(inp))
        seed_weights(model)
        x = layer_input(shape, dtype)
        out[kind] = {"json": model.to_json(), "dtype": dtype, "x": x.tolist(),
                     "weights": [w.tolist() for w in model.get_weights()],
                     "y": np.asarray(model.predict(x)).astype("float64").round(7).tolist()}
    with open(path, "w") as f:
        json.dump(out, f, sort_keys=True)


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
    record_layer_configs(keras, os.path.join(out, "layer_configs.json"))
