"""Keras programs run on minitf.keras and on real tf-keras 2.21 in graph mode; each is a function
of the `keras` module (and `tf`) returning what a user observes: predictions, weight names and
shapes, the history of `fit`, optimizer trajectories. Weights are set from a fixed numpy seed so
both sides start equal.

tests/keras/test_keras_parity.py compares minitf with the values recorded by running this file in
the TF venv:

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/keras/keras_parity_programs.py \
        > tests/fixtures/keras_parity.json

It imports only numpy; TensorFlow is imported only when run as that script.
"""

import json
import sys

import numpy as np


def _set_seeded_weights(model, seed=0):
    rng = np.random.RandomState(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])


def _weights_layout(model):
    return [[w.name, list(w.shape.as_list())] for w in model.weights]


def _x(shape, seed=1):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32")


# layer name -> (constructor, input shape without batch); weights seeded, batch of 2
def layer_cases(keras):
    L = keras.layers
    return {
        "dense": (lambda: L.Dense(3, activation="relu"), (4,)),
        "dense_nobias_tanh": (lambda: L.Dense(2, use_bias=False, activation="tanh"), (3,)),
        "dense_3d": (lambda: L.Dense(2), (3, 4)),
        "activation_sigmoid": (lambda: L.Activation("sigmoid"), (5,)),
        "activation_softmax": (lambda: L.Activation("softmax"), (5,)),
        "activation_softplus": (lambda: L.Activation("softplus"), (5,)),
        "activation_hard_sigmoid": (lambda: L.Activation("hard_sigmoid"), (5,)),
        "activation_selu": (lambda: L.Activation("selu"), (5,)),
        "activation_linear": (lambda: L.Activation("linear"), (5,)),
        "flatten": (lambda: L.Flatten(), (2, 3)),
        "reshape": (lambda: L.Reshape((3, 2)), (6,)),
        "reshape_minus1": (lambda: L.Reshape((-1, 2)), (2, 3)),
        "permute": (lambda: L.Permute((2, 1)), (2, 3)),
        "repeat_vector": (lambda: L.RepeatVector(3), (2,)),
        "lambda": (lambda: L.Lambda(lambda t: t * 2.0 + 1.0), (3,)),
        "leaky_relu": (lambda: L.LeakyReLU(alpha=0.2), (5,)),
        "prelu": (lambda: L.PReLU(), (4,)),
        "elu": (lambda: L.ELU(alpha=0.5), (5,)),
        "softmax": (lambda: L.Softmax(), (5,)),
        "dropout_inference": (lambda: L.Dropout(0.5), (5,)),
        "batchnorm_inference": (lambda: L.BatchNormalization(), (3,)),
        "batchnorm_images": (lambda: L.BatchNormalization(), (2, 2, 3)),
        "conv2d_same_relu": (lambda: L.Conv2D(3, 3, padding="same", activation="relu"), (5, 5, 2)),
        "conv2d_strided": (lambda: L.Conv2D(2, (2, 3), strides=2), (6, 7, 2)),
        "conv1d": (lambda: L.Conv1D(3, 2), (6, 2)),
        "conv2d_transpose": (lambda: L.Conv2DTranspose(2, 3, strides=2), (3, 3, 2)),
        "conv2d_transpose_same": (lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same"),
                                  (3, 3, 2)),
        "separable_conv2d": (lambda: L.SeparableConv2D(3, 2, depth_multiplier=2), (4, 4, 2)),
        "depthwise_conv2d_same": (lambda: L.DepthwiseConv2D(3, padding="same", depth_multiplier=2,
                                                            activation="relu"), (5, 5, 2)),
        "depthwise_conv2d_strided": (lambda: L.DepthwiseConv2D((2, 3), strides=2,
                                                               use_bias=False), (6, 7, 3)),
        "max_pooling2d": (lambda: L.MaxPooling2D(), (4, 5, 2)),
        "average_pooling2d_same": (lambda: L.AveragePooling2D(3, 2, padding="same"), (5, 5, 2)),
        "max_pooling1d": (lambda: L.MaxPooling1D(), (6, 2)),
        "average_pooling1d": (lambda: L.AveragePooling1D(3), (6, 2)),
        "global_average_pooling2d": (lambda: L.GlobalAveragePooling2D(), (3, 3, 2)),
        "global_max_pooling2d": (lambda: L.GlobalMaxPooling2D(), (3, 3, 2)),
        "global_average_pooling1d": (lambda: L.GlobalAveragePooling1D(), (4, 2)),
        "global_max_pooling1d": (lambda: L.GlobalMaxPooling1D(), (4, 2)),
        "zero_padding2d": (lambda: L.ZeroPadding2D(((1, 0), (2, 1))), (2, 3, 1)),
        "cropping2d": (lambda: L.Cropping2D(((1, 0), (0, 2))), (4, 4, 1)),
        "up_sampling2d": (lambda: L.UpSampling2D((2, 3)), (2, 2, 1)),
        "simple_rnn": (lambda: L.SimpleRNN(3), (4, 2)),
        "simple_rnn_sequences": (lambda: L.SimpleRNN(3, return_sequences=True), (4, 2)),
        "lstm": (lambda: L.LSTM(3, recurrent_activation="sigmoid"), (4, 2)),
        "lstm_hard_sigmoid": (lambda: L.LSTM(3, recurrent_activation="hard_sigmoid"), (4, 2)),
        "lstm_sequences": (lambda: L.LSTM(2, return_sequences=True, recurrent_activation="sigmoid"),
                           (3, 2)),
        "gru_reset_after": (lambda: L.GRU(3, reset_after=True, recurrent_activation="sigmoid"),
                            (4, 2)),
        "gru_reset_before": (lambda: L.GRU(3, reset_after=False,
                                             recurrent_activation="hard_sigmoid"), (4, 2)),
        "bidirectional_lstm": (lambda: L.Bidirectional(
            L.LSTM(2, return_sequences=True, recurrent_activation="sigmoid")), (3, 2)),
        "bidirectional_gru_sum": (lambda: L.Bidirectional(
            L.GRU(2, reset_after=False, recurrent_activation="sigmoid"), merge_mode="sum"),
            (3, 2)),
        "time_distributed_dense": (lambda: L.TimeDistributed(L.Dense(2)), (3, 4)),
    }


def program_layers(tf, keras):
    out = {}
    for name, (make, shape) in sorted(layer_cases(keras).items()):
        keras.backend.clear_session()
        inp = keras.layers.Input(shape=shape)
        layer = make()
        model = keras.models.Model(inp, layer(inp))
        _set_seeded_weights(model)
        if name.startswith("batchnorm"):
            # moving variance must be positive
            model.set_weights([np.abs(w) + 0.5 for w in model.get_weights()])
        pred = model.predict(_x((2,) + shape))
        out[name] = {"weights": [[w.name, w.shape.as_list()] for w in layer.weights],
                     "trainable": len(layer.trainable_weights),
                     "output_shape": list(model.output_shape),
                     "layer_name": layer.name,
                     "pred": pred.tolist()}
    return out


def program_embedding_merge(tf, keras):
    L = keras.layers
    keras.backend.clear_session()
    out = {}
    ids = keras.layers.Input(shape=(3,), dtype="int32")
    emb = L.Embedding(5, 2)
    e = emb(ids)
    m = keras.models.Model(ids, e)
    _set_seeded_weights(m)
    out["embedding"] = {"weights": [[w.name, w.shape.as_list()] for w in emb.weights],
                        "output_shape": list(m.output_shape),
                        "pred": m.predict(np.array([[0, 1, 4], [3, 3, 2]], "int32")).tolist()}
    a, b = L.Input(shape=(3,)), L.Input(shape=(3,))
    xa, xb = _x((2, 3), 1), _x((2, 3), 2)
    for name, layer in [("concatenate", L.Concatenate()), ("add", L.Add()),
                        ("multiply", L.Multiply()), ("average", L.Average()),
                        ("subtract", L.Subtract()), ("maximum", L.Maximum()),
                        ("dot", L.Dot(axes=1)), ("dot_normalize", L.Dot(axes=1, normalize=True))]:
        mm = keras.models.Model([a, b], layer([a, b]))
        out[name] = {"output_shape": list(mm.output_shape),
                     "pred": mm.predict([xa, xb]).tolist()}
    return out


def program_rnn_state(tf, keras):
    L = keras.layers
    keras.backend.clear_session()
    inp = L.Input(shape=(3, 2))
    out, h, c = L.LSTM(2, return_state=True, recurrent_activation="sigmoid")(inp)
    m = keras.models.Model(inp, [out, h, c])
    _set_seeded_weights(m)
    gout, gh = L.GRU(2, return_state=True, reset_after=False,
                     recurrent_activation="sigmoid", go_backwards=True)(inp)
    m2 = keras.models.Model(inp, [gout, gh])
    _set_seeded_weights(m2, 4)
    return {"lstm": [p.tolist() for p in m.predict(_x((2, 3, 2)))],
            "gru": [p.tolist() for p in m2.predict(_x((2, 3, 2)))]}


def program_names(tf, keras):
    keras.backend.clear_session()
    L = keras.layers
    model = keras.models.Sequential([L.Dense(4, input_shape=(3,), activation="relu"),
                                     L.Dense(4), L.Dropout(0.1), L.Dense(2, activation="softmax")])
    other = keras.models.Sequential([L.Dense(1, input_shape=(2,))])
    return {"layers": [l.name for l in model.layers] + [l.name for l in other.layers],
            "weights": _weights_layout(model) + _weights_layout(other),
            "model_names": [model.name, other.name],
            "output_shape": list(model.output_shape),
            "count_params": model.count_params()}


OPTIMIZERS = [
    ("sgd", {"learning_rate": 0.1}),
    ("sgd_momentum", {"learning_rate": 0.1, "momentum": 0.9}),
    ("sgd_nesterov", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd_decay", {"learning_rate": 0.1, "decay": 0.5}),
    ("rmsprop", {"learning_rate": 0.01}),
    ("rmsprop_momentum", {"learning_rate": 0.01, "momentum": 0.5}),
    ("adagrad", {"learning_rate": 0.1}),
    ("adadelta", {"learning_rate": 1.0}),
    ("adam", {"learning_rate": 0.01}),
    ("adam_amsgrad", {"learning_rate": 0.01, "amsgrad": True}),
    ("adamax", {"learning_rate": 0.01}),
    ("nadam", {"learning_rate": 0.01}),
]


def optimizer_class(keras, name):
    return {"sgd": keras.optimizers.SGD, "rmsprop": keras.optimizers.RMSprop,
            "adagrad": keras.optimizers.Adagrad, "adadelta": keras.optimizers.Adadelta,
            "adam": keras.optimizers.Adam, "adamax": keras.optimizers.Adamax,
            "nadam": keras.optimizers.Nadam}[name.split("_")[0]]


def program_optimizers(tf, keras, optimizers=None):
    out = {}
    x, y = _x((6, 3), 3), _x((6, 2), 4)
    for name, kwargs in OPTIMIZERS:
        keras.backend.clear_session()
        model = keras.models.Sequential([keras.layers.Dense(2, input_shape=(3,))])
        _set_seeded_weights(model)
        opt = (optimizers or optimizer_class(keras, name))(**kwargs) if optimizers is None \
            else optimizers(name)(**kwargs)
        model.compile(opt, "mse")
        traj = []
        for _ in range(4):
            loss = model.train_on_batch(x, y)
            traj.append([float(np.asarray(loss))] + [w.ravel().tolist() for w in model.get_weights()])
        out[name] = traj
    return out


def program_fit(tf, keras):
    keras.backend.clear_session()
    L = keras.layers
    rng = np.random.RandomState(5)
    x = rng.uniform(-1, 1, (40, 4)).astype("float32")
    labels = (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 0.5)
    y = keras.utils.to_categorical(labels, 3)
    model = keras.models.Sequential([L.Dense(8, activation="relu", input_shape=(4,)),
                                     L.Dense(3, activation="softmax")])
    _set_seeded_weights(model)
    model.compile(keras.optimizers.SGD(learning_rate=0.2), "categorical_crossentropy",
                  metrics=["accuracy"])
    h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, validation_split=0.25)
    ev = model.evaluate(x, y, batch_size=7, verbose=0)
    # sparse labels, adam, sample weights
    keras.backend.clear_session()
    m2 = keras.models.Sequential([L.Dense(8, activation="tanh", input_shape=(4,)),
                                  L.Dense(3, activation="softmax")])
    _set_seeded_weights(m2, 2)
    m2.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy",
               metrics=["accuracy"])
    sw = np.linspace(0.5, 1.5, 40).astype("float32")
    h2 = m2.fit(x, labels, batch_size=10, epochs=2, shuffle=False, verbose=0, sample_weight=sw)
    # binary, functional with two outputs and loss weights
    keras.backend.clear_session()
    inp = L.Input(shape=(4,))
    hid = L.Dense(5, activation="relu", name="hid")(inp)
    o1 = L.Dense(1, activation="sigmoid", name="o1")(hid)
    o2 = L.Dense(2, name="o2")(hid)
    m3 = keras.models.Model(inp, [o1, o2])
    _set_seeded_weights(m3, 3)
    m3.compile(keras.optimizers.SGD(0.1), ["binary_crossentropy", "mse"], loss_weights=[1.0, 0.5],
               metrics=["accuracy"])
    yb = (x[:, :1] > 0).astype("float32")
    h3 = m3.fit(x, [yb, x[:, 1:3]], batch_size=20, epochs=2, shuffle=False, verbose=0)
    return {"history": {k: [float(v) for v in vs] for k, vs in sorted(h.history.items())},
            "evaluate": [float(v) for v in ev],
            "history_sparse": {k: [float(v) for v in vs] for k, vs in sorted(h2.history.items())},
            "history_two_outputs": {k: [float(v) for v in vs]
                                    for k, vs in sorted(h3.history.items())},
            "metrics_names": m3.metrics_names}


PROGRAMS = [program_layers, program_embedding_merge, program_names, program_optimizers,
            program_fit, program_rnn_state]


if __name__ == "__main__":
    import os
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tf_keras as keras
    keras.optimizers = keras.optimizers.legacy if hasattr(keras.optimizers, "legacy") \
        else keras.optimizers
    json.dump({p.__name__: p(tf, keras) for p in PROGRAMS}, sys.stdout, indent=0,
              sort_keys=True)
