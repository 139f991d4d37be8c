"""keras.applications cases run on minitf.keras and on TF 1.15's architectures: Keras-Applications
1.0.8 (what TF 1.15's tf.keras.applications called) built with tf-keras 2.21's layers in graph
mode. Each case builds one model in a fresh graph and returns what a user observes: the model's
name, its layers' names in order, its weights' names and shapes, count_params, the output shape
and (for some) the prediction (and the classifier's input) on a small seeded batch, with every weight set from a seeded
generator so both sides hold the same values.

tests/keras/test_applications.py compares minitf with the values recorded by running this file
in the TF venv (which needs `pip install --no-deps keras-applications==1.0.8`):

    TF_USE_LEGACY_KERAS=1 /work/tfvenv/bin/python tests/keras/applications_programs.py \
        > tests/fixtures/keras_applications.json

It imports only numpy; TensorFlow is imported only when run as that script.
"""

import json
import sys

import numpy as np

# name -> (architecture, keyword arguments, input batch shape to predict on or None)
CASES = {
    "vgg16_top": ("VGG16", dict(input_shape=(32, 32, 3), classes=10), (2, 32, 32, 3)),
    "vgg16_notop": ("VGG16", dict(include_top=False), (1, 40, 36, 3)),
    "vgg16_avg": ("VGG16", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg"),
                  None),
    "vgg19_max": ("VGG19", dict(include_top=False, input_shape=(48, 48, 3), pooling="max"),
                  (2, 48, 48, 3)),
    "resnet50_top": ("ResNet50", dict(input_shape=(32, 32, 3), classes=7), (2, 32, 32, 3)),
    "resnet50_notop": ("ResNet50", dict(include_top=False), None),
    "resnet50_max": ("ResNet50", dict(include_top=False, input_shape=(64, 64, 3),
                                      pooling="max"), None),
    "resnet101_avg": ("ResNet101", dict(include_top=False, input_shape=(32, 32, 3),
                                        pooling="avg"), None),
    "inception_v3_top": ("InceptionV3", dict(input_shape=(75, 75, 3), classes=5),
                         (2, 75, 75, 3)),
    "inception_v3_avg": ("InceptionV3", dict(include_top=False, pooling="avg"), None),
    "mobilenet_top": ("MobileNet", dict(), (1, 224, 224, 3)),
    "mobilenet_alpha": ("MobileNet", dict(include_top=False, input_shape=(32, 32, 3), alpha=0.5,
                                          depth_multiplier=2, pooling="avg"), (2, 32, 32, 3)),
    "mobilenet_notop_160": ("MobileNet", dict(include_top=False, input_shape=(160, 160, 3),
                                              alpha=0.25), None),
    "mobilenet_top_classes": ("MobileNet", dict(input_shape=(32, 32, 3), alpha=0.75,
                                                classes=3, dropout=0.5), (2, 32, 32, 3)),
}


def seeded_weights(model, seed=0):
    """One array per weight of `model`, in `model.weights` order, from RandomState(seed): the
    kernels uniform with variance 2/fan_in (so deep nets keep their scale), gammas and moving
    variances around 1, betas, biases and moving means small."""
    rng = np.random.RandomState(seed)
    out = []
    for w in model.weights:
        shape = tuple(w.shape.as_list())
        name = w.name
        if "moving_variance" in name or "gamma" in name:
            value = rng.uniform(0.5, 1.5, shape)
        elif "beta" in name or "bias" in name or "moving_mean" in name:
            value = rng.uniform(-0.2, 0.2, shape)
        else:
            fan_in = int(np.prod(shape[:2] if "depthwise" in name else shape[:-1]))
            value = rng.uniform(-1, 1, shape) * np.sqrt(6.0 / fan_in)
        out.append(value.astype("float32"))
    return out


def images(shape, seed=1):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32")


def _rounded(a):
    return [float("%.7g" % v) for v in np.asarray(a, "float64").ravel()]


def run_case(keras, build, name):
    """Builds case `name` with build(architecture, **kwargs) in a fresh graph."""
    arch, kwargs, batch = CASES[name]
    keras.backend.clear_session()
    model = build(arch, weights=None, **kwargs)
    out = {"model_name": model.name,
           "layers": [layer.name for layer in model.layers],
           "weights": [[w.name, list(w.shape.as_list())] for w in model.weights],
           "trainable": len(model.trainable_weights),
           "count_params": int(model.count_params()),
           "output_shape": list(model.output_shape)}
    if batch is not None:
        model.set_weights(seeded_weights(model))
        pred = model.predict(images(batch), batch_size=batch[0])
        out["pred_shape"] = list(pred.shape)
        out["pred"] = _rounded(pred)
        if kwargs.get("include_top", True):   # the classifier's input too (softmax saturates)
            features = keras.models.Model(model.input, model.layers[-2].output)
            out["features"] = _rounded(features.predict(images(batch), batch_size=batch[0]))
    return out


def input_tensor_cases(keras, build):
    """`input_tensor`: a Keras tensor from other layers (the model's input is its source Input)
    and a plain graph tensor (wrapped in an Input)."""
    keras.backend.clear_session()
    inp = keras.layers.Input(shape=(32, 32, 3), name="image")
    scaled = keras.layers.Lambda(lambda t: t * 2.0, name="scale")(inp)
    model = build("VGG16", weights=None, include_top=False, input_tensor=scaled, pooling="avg")
    keras_tensor = {"inputs": [t.name for t in model.inputs],
                    "layers": [layer.name for layer in model.layers],
                    "output_shape": list(model.output_shape)}
    keras.backend.clear_session()
    plain = keras.backend.placeholder(shape=(None, 64, 64, 3), name="pixels")
    model = build("MobileNet", weights=None, include_top=False, input_tensor=plain,
                  alpha=0.25)
    return {"keras_tensor": keras_tensor,
            "plain_tensor": {"model_name": model.name,
                             "layers": [layer.name for layer in model.layers][:3],
                             "input_shape": list(model.input_shape),
                             "output_shape": list(model.output_shape)}}


def fine_tune(keras, build):
    """A small MobileNet under a new classifier, trained by fit (batch-norm batch moments,
    depthwise gradients): the loss history and the predictions after it."""
    keras.backend.clear_session()
    base = build("MobileNet", weights=None, include_top=False, input_shape=(32, 32, 3),
                 alpha=0.25, pooling="avg")
    out = keras.layers.Dense(2, activation="softmax", name="head")(base.output)
    model = keras.models.Model(base.input, out)
    model.set_weights(seeded_weights(model, seed=3))
    # (a small rate: with batch-norm moments over 8 samples the gradients are large)
    model.compile(keras.optimizers.SGD(1e-5), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x = images((16, 32, 32, 3), seed=4)
    y = (x[:, :, :, 0].mean(axis=(1, 2)) > 0).astype("int64")
    history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    return {"history": {k: [float(v) for v in vs] for k, vs in sorted(history.history.items())},
            "pred": _rounded(model.predict(x[:4]))}


def record_all(keras, build):
    out = {name: run_case(keras, build, name) for name in CASES}
    out["input_tensor"] = input_tensor_cases(keras, build)
    out["fine_tune"] = fine_tune(keras, build)
    return out


if __name__ == "__main__":
    import os
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tf_keras as keras
    keras.optimizers = keras.optimizers.legacy   # the graph-mode (TF 1.15) optimizers
    import keras_applications
    from keras_applications import inception_v3, mobilenet, resnet, vgg16, vgg19
    assert keras_applications.__version__ == "1.0.8"
    modules = dict(backend=keras.backend, layers=keras.layers, models=keras.models,
                   utils=keras.utils)
    builders = {"VGG16": vgg16.VGG16, "VGG19": vgg19.VGG19, "ResNet50": resnet.ResNet50,
                "ResNet101": resnet.ResNet101, "InceptionV3": inception_v3.InceptionV3,
                "MobileNet": mobilenet.MobileNet}

    def build(arch, **kwargs):
        return builders[arch](**kwargs, **modules)

    json.dump(record_all(keras, build), sys.stdout, indent=0, sort_keys=True)
