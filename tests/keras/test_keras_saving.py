"""Keras HDF5 saving: files written by real Keras (tests/fixtures/keras_h5, made by
tests/keras/record_keras_h5.py) load and predict as Keras did and continue training with the
restored optimizer state; minitf's own save/load round trips for every layer with weights;
configs and JSON for every layer; weights-only files by order and by name; ModelCheckpoint;
the errors Keras gives for bad files."""

import json
import os
import warnings

import numpy as np
import pytest

import minitf as tf
from minitf import keras
from minitf.keras import saving
from tests.keras import record_keras_h5 as recorder

h5py = pytest.importorskip("h5py")
L = keras.layers
K = keras.backend
FIXTURES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "keras_h5")


@pytest.fixture(autouse=True)
def fresh_session():
    K.clear_session()
    yield
    K.clear_session()


def _recorded(name):
    data = np.load(os.path.join(FIXTURES, name + ".npz"))
    pick = lambda prefix: [data["%s%d" % (prefix, i)] for i in range(3)  # noqa: E731
                           if "%s%d" % (prefix, i) in data]
    return pick("x"), pick("y"), pick("pred"), pick("after"), float(data["step_loss"])


def _listed(v):
    return v if isinstance(v, list) else [v]


# -- files written by real Keras ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mlp", "cnn", "rnn"])
def test_keras_files_load_predict_and_keep_training(name):
    xs, ys, preds, after, step_loss = _recorded(name)
    model = keras.models.load_model(os.path.join(FIXTURES, name + ".h5"))
    for got, want in zip(_listed(model.predict(xs)), preds):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert model.optimizer.get_config()["name"] in ("Adam", "SGD", "RMSprop")
    assert int(K.get_value(model.optimizer.iterations)) == 3  # restored, not fresh
    if name == "cnn":  # dropout makes the step random: the state itself is compared
        with h5py.File(os.path.join(FIXTURES, "cnn.h5"), "r") as f:
            group = f["optimizer_weights"]
            saved = [np.asarray(group[n]) for n in saving.load_attributes(group,
                                                                          "weight_names")]
        for var, value in zip(model.optimizer.keras_weights(), saved):
            np.testing.assert_array_equal(K.get_value(var), value)
        return
    loss = _listed(model.train_on_batch(xs, ys))[0]
    np.testing.assert_allclose(loss, step_loss, rtol=1e-5)
    for got, want in zip(_listed(model.predict(xs)), after):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_keras_file_config_and_compile_restored():
    model = keras.models.load_model(os.path.join(FIXTURES, "rnn.h5"))
    assert model.input_names == ["tokens", "series"] and model.output_names == ["flag", "value"]
    assert [type(l).__name__ for l in model.layers].count("LSTM") == 1
    assert model.get_layer("lstm").recurrent_activation.__name__ == "sigmoid"  # tf-keras 2
    assert model.get_layer("gru").reset_after is True
    assert model.loss_weights == [1.0, 0.5]
    assert model.metrics_names == ["loss", "flag_loss", "value_loss"]
    assert model.optimizer.get_config()["learning_rate"] == pytest.approx(0.01)
    plain = keras.models.load_model(os.path.join(FIXTURES, "rnn.h5"), compile=False)
    assert not plain._compiled


def test_keras_2_2_files_load(tmp_path):
    # TF 1.15 / Keras 2.2's Sequential config: no InputLayer, the shape on the first layer,
    # initializers with dtype, "lr" and epsilon=None in the optimizer config, and Keras 2.2's
    # Adam state (iterations, m, v and one-element vhats) that does not fit OptimizerV2's
    model_config = {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
        {"class_name": "Dense", "config": {
            "name": "dense_1", "trainable": True, "batch_input_shape": [None, 3],
            "dtype": "float32", "units": 2, "activation": "tanh", "use_bias": True,
            "kernel_initializer": {"class_name": "VarianceScaling", "config": {
                "scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None,
                "dtype": "float32"}},
            "bias_initializer": {"class_name": "Zeros", "config": {"dtype": "float32"}},
            "kernel_regularizer": None, "bias_regularizer": None,
            "activity_regularizer": None, "kernel_constraint": None,
            "bias_constraint": None}}]}}
    training_config = {"optimizer_config": {"class_name": "Adam", "config": {
        "lr": 0.0005, "beta_1": 0.9, "beta_2": 0.999, "decay": 0.0, "epsilon": None,
        "amsgrad": False}}, "loss": "mean_squared_error", "metrics": ["acc"],
        "sample_weight_mode": None, "loss_weights": None}
    kernel = np.arange(6, dtype="float32").reshape(3, 2) / 10
    path = str(tmp_path / "keras22.h5")
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        f.attrs["training_config"] = json.dumps(training_config).encode("utf8")
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = [b"dense_1"]
        group = weights.create_group("dense_1")
        group.attrs["weight_names"] = [b"dense_1/kernel:0", b"dense_1/bias:0"]
        group["dense_1/kernel:0"] = kernel
        group["dense_1/bias:0"] = np.array([0.5, -0.5], "float32")
        opt = f.create_group("optimizer_weights")
        names = [b"Adam/iterations:0"] + [b"training/Adam/Variable_%d:0" % i for i in range(6)]
        opt.attrs["weight_names"] = names
        for name, value in zip(names, [np.int64(7), kernel, np.ones(2), kernel, np.ones(2),
                                       np.zeros(1), np.zeros(1)]):
            opt[name.decode()] = value
    with pytest.warns(UserWarning, match="freshly initialized optimizer"):
        model = keras.models.load_model(path)
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(model.predict(x), np.tanh(x @ kernel + [0.5, -0.5]), rtol=1e-6)
    config = model.optimizer.get_config()
    assert config["learning_rate"] == pytest.approx(0.0005) and config["epsilon"] == 1e-7
    assert model.metrics_names == ["loss", "acc"]


def _mlp(names=("dense_a", "dense_b")):
    return keras.Sequential([L.Dense(16, activation="relu", input_shape=(8,), name=names[0]),
                             L.Dense(3, activation="softmax", name=names[1])])


def test_weights_only_files_load_by_order_and_by_name():
    xs, _, preds, _, _ = _recorded("mlp")
    path = os.path.join(FIXTURES, "mlp_weights.h5")
    model = _mlp()  # other names: by order still works
    model.load_weights(path)
    np.testing.assert_allclose(model.predict(xs), preds[0], rtol=1e-5, atol=1e-6)

    # by name: the file's layers are dense and dense_1; an extra layer keeps its weights
    inp = L.Input((8,))
    hidden = L.Dense(16, activation="relu", name="dense")(inp)
    extra = L.Dense(4, name="extra")(hidden)
    out = L.Dense(3, activation="softmax", name="dense_1")(hidden)
    by_name = keras.Model(inp, [out, extra])
    before = K.get_value(by_name.get_layer("extra").kernel)
    by_name.load_weights(path, by_name=True)
    np.testing.assert_allclose(by_name.predict(xs)[0], preds[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(K.get_value(by_name.get_layer("extra").kernel), before)
    with pytest.raises(ValueError, match="2 layers into a model with 3 layers"):
        by_name.load_weights(path)
    # a whole-model file works for load_weights too
    model2 = _mlp()
    model2.load_weights(os.path.join(FIXTURES, "mlp.h5"))
    np.testing.assert_allclose(model2.predict(xs), preds[0], rtol=1e-5, atol=1e-6)


def test_bad_files_give_keras_errors(tmp_path):
    with pytest.raises(OSError):
        keras.models.load_model(str(tmp_path / "missing.h5"))
    with pytest.raises(OSError):
        _mlp().load_weights(str(tmp_path / "missing.h5"))
    not_h5 = tmp_path / "text.h5"
    not_h5.write_text("hello")
    with pytest.raises(OSError, match="not an HDF5 file"):
        keras.models.load_model(str(not_h5))
    path = os.path.join(FIXTURES, "mlp_weights.h5")
    wrong = keras.Sequential([L.Dense(16, input_shape=(8,), name="a"),
                              L.Dense(5, name="b")])
    with pytest.raises(ValueError) as err:
        wrong.load_weights(path)
    assert '"b"' in str(err.value) and "(16, 5)" in str(err.value) \
        and "(16, 3)" in str(err.value)
    wrong2 = keras.Sequential([L.Dense(16, input_shape=(8,), name="dense"),
                               L.Dense(5, name="dense_1")])
    with pytest.raises(ValueError, match=r'"dense_1".*\(16, 5\).*\(16, 3\)'):
        wrong2.load_weights(path, by_name=True)
    with pytest.warns(UserWarning, match="Skipping"):
        wrong2.load_weights(path, by_name=True, skip_mismatch=True)
    counts = keras.Sequential([L.Dense(16, input_shape=(8,), use_bias=False),
                               L.Dense(3)])
    with pytest.raises(ValueError, match="expects 1 weights, but the saved weights have 2"):
        counts.load_weights(path)
    config = json.loads(_mlp().to_json())
    config["config"]["layers"][1]["class_name"] = "Densely"
    with pytest.raises(ValueError, match="Unknown layer: Densely"):
        keras.models.model_from_json(json.dumps(config))
    custom = keras.models.model_from_json(json.dumps(config), custom_objects={"Densely": L.Dense})
    assert type(custom.layers[0]) is L.Dense


# -- minitf round trips ---------------------------------------------------------------------------

WEIGHTED, UNWEIGHTED = recorder.layer_cases(keras)


def _layer_model(kind, cases):
    build, shape, dtype = cases[kind]
    inp = L.Input(shape, dtype=dtype)
    return keras.Model(inp, build(inp)), recorder.layer_input(shape, dtype)


@pytest.mark.parametrize("kind", sorted(WEIGHTED))
def test_round_trip_every_weighted_layer(kind, tmp_path):
    model, x = _layer_model(kind, WEIGHTED)
    recorder.seed_weights(model)
    want = model.predict(x)
    path = str(tmp_path / (kind + ".h5"))
    model.save(path)
    weights_path = str(tmp_path / (kind + "_w.h5"))
    model.save_weights(weights_path)
    K.clear_session()
    loaded = keras.models.load_model(path, compile=False)
    np.testing.assert_allclose(loaded.predict(x), want, rtol=1e-5, atol=1e-6)
    assert json.loads(loaded.to_json()) == json.loads(model.to_json())
    fresh = keras.models.clone_model(loaded)
    fresh.load_weights(weights_path)
    np.testing.assert_allclose(fresh.predict(x), want, rtol=1e-5, atol=1e-6)


# every layer, also those without weights: config -> JSON -> model gives the same model
@pytest.mark.parametrize("kind", sorted(dict(WEIGHTED, **UNWEIGHTED)))
def test_json_round_trip_every_layer(kind):
    model, x = _layer_model(kind, dict(WEIGHTED, **UNWEIGHTED))
    text = model.to_json()
    rebuilt = keras.models.model_from_json(text)
    assert json.loads(rebuilt.to_json()) == json.loads(text)
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(x), model.predict(x), rtol=1e-6)


with open(os.path.join(FIXTURES, "layer_configs.json")) as _f:
    KERAS_CONFIGS = json.load(_f)


@pytest.mark.parametrize("kind", sorted(KERAS_CONFIGS))
def test_tf_keras_configs_of_every_layer_load(kind):
    # configs written by tf-keras 2.21 (its newer keys, its defaults such as GRU reset_after)
    case = KERAS_CONFIGS[kind]
    model = keras.models.model_from_json(case["json"])
    model.set_weights([np.asarray(w, "float32") for w in case["weights"]])
    x = np.asarray(case["x"], case["dtype"])
    np.testing.assert_allclose(model.predict(x), np.asarray(case["y"]), rtol=1e-5, atol=1e-5)


def test_configs_of_nested_shared_and_multi_io_models(tmp_path):
    a, b = L.Input((5,), name="a"), L.Input((3,), name="b")
    inner = keras.Sequential([L.Dense(4, activation="relu", input_shape=(5,)), L.Dense(3)],
                             name="inner")
    shared = L.Dense(3, name="shared")
    branch = shared(inner(a))
    again = shared(b)  # the same layer on another input: two nodes
    out1 = L.Dense(1, name="o1")(L.concatenate([branch, again]))
    out2 = L.Add(name="o2")([again, branch])
    model = keras.Model([a, b], [out1, out2])
    model.compile("sgd", ["mse", "mae"], metrics=["mae"])
    xs = [np.ones((2, 5), "float32"), np.full((2, 3), 0.5, "float32")]
    want = model.predict(xs)
    config = model.get_config()
    shared_entry = [l for l in config["layers"] if l["name"] == "shared"][0]
    assert [[n[0][:2] for n in shared_entry["inbound_nodes"]]] == [[["inner", 1], ["b", 0]]]
    model.save(str(tmp_path / "nested.h5"))
    K.clear_session()
    loaded = keras.models.load_model(str(tmp_path / "nested.h5"))
    for got, w in zip(loaded.predict(xs), want):
        np.testing.assert_allclose(got, w, rtol=1e-6)
    assert loaded.get_layer("inner").get_layer("dense").kernel is not None
    assert loaded.metrics_names == model.metrics_names
    loaded.fit(xs, [np.zeros((2, 1)), np.zeros((2, 3))], verbose=0)


def test_applications_models_round_trip(tmp_path):
    model = keras.applications.MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.25,
                                         classes=5)
    x = np.random.RandomState(0).uniform(size=(1, 32, 32, 3)).astype("float32")
    want = model.predict(x)
    model.save(str(tmp_path / "mobilenet.h5"))
    K.clear_session()
    loaded = keras.models.load_model(str(tmp_path / "mobilenet.h5"), compile=False)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    np.testing.assert_allclose(loaded.predict(x), want, rtol=1e-5, atol=1e-6)


def test_layer_order_follows_keras_for_branching_models():
    # Keras orders a functional model's layers by depth, then by a walk from the outputs:
    # weight files are read in that order (tf-keras gives this order for the same graph).
    x = L.Input((4,), name="x")
    left = L.Dense(2, name="left")(x)
    right = L.Dense(2, name="right")(L.Dense(3, name="pre")(x))
    model = keras.Model(x, L.add([left, right], name="sum"))
    assert [l.name for l in model.layers] == ["x", "pre", "left", "right", "sum"]


def test_lambda_bytecode_is_refused_without_custom_objects(tmp_path):
    inp = L.Input((3,))
    model = keras.Model(inp, L.Lambda(lambda t: t * 2.0, name="double")(inp))
    config = model.get_config()
    assert [l for l in config["layers"] if l["name"] == "double"][0]["config"][
        "function_type"] == "lambda"
    model.save(str(tmp_path / "lambda.h5"))
    with pytest.raises(ValueError, match="marshalled Python bytecode.*custom_objects"):
        keras.models.load_model(str(tmp_path / "lambda.h5"), compile=False)
    loaded = keras.models.load_model(str(tmp_path / "lambda.h5"), compile=False,
                                     custom_objects={"double": lambda t: t * 2.0})
    np.testing.assert_allclose(loaded.predict(np.ones((1, 3), "float32")), [[2, 2, 2]])
    # a named function is saved by name and found in custom_objects or its module
    named = keras.Model(inp, L.Lambda(negate)(inp))
    text = named.to_json()
    assert json.loads(text)["config"]["layers"][1]["config"]["function"] == "negate"
    rebuilt = keras.models.model_from_json(text)  # this module is imported: found there
    assert rebuilt.layers[1].function is negate


def negate(t):
    return -t


def test_save_failure_keeps_previous_file(tmp_path, monkeypatch):
    path = str(tmp_path / "model.h5")
    model = _mlp()
    model.save(path)
    before = open(path, "rb").read()

    def broken(group, layers):
        group.create_group("partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(saving, "save_weights_to_group", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        model.save(path)
    assert open(path, "rb").read() == before
    assert os.listdir(str(tmp_path)) == ["model.h5"]


def test_long_attributes_are_split_as_keras_does(tmp_path, monkeypatch):
    monkeypatch.setattr(saving, "_HDF5_ATTR_LIMIT", 30)  # HDF5's is 64 KiB
    names = ("dense_layer_number_a", "dense_layer_number_b")
    model = _mlp(names)
    path = str(tmp_path / "split.h5")
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert "layer_names" not in f.attrs and "layer_names1" in f.attrs
        assert saving.load_attributes(f, "layer_names") == list(names)
        assert "weight_names1" in f[names[0]].attrs
    want = model.get_weights()
    K.set_value(model.layers[0].bias, np.ones(16))
    model.load_weights(path)
    for got, w in zip(model.get_weights(), want):
        np.testing.assert_array_equal(got, w)
    with pytest.raises(RuntimeError, match="larger than 30 bytes"):
        _mlp(("a_very_long_layer_name_indeed_yes", "b")).save_weights(path)


def test_tf_train_optimizer_is_not_saved(tmp_path):
    model = _mlp()
    model.compile(tf.train.GradientDescentOptimizer(0.1), "mse")
    with pytest.warns(UserWarning, match="cannot save the optimizer"):
        model.save(str(tmp_path / "tfopt.h5"))
    with h5py.File(str(tmp_path / "tfopt.h5"), "r") as f:
        assert "training_config" not in f.attrs and "optimizer_weights" not in f


def test_saved_learning_rate_is_the_current_one(tmp_path):
    model = _mlp()
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.train_on_batch(np.ones((2, 8)), np.ones((2, 3)))
    K.set_value(model.optimizer.lr, 0.025)  # what LearningRateScheduler does
    model.save(str(tmp_path / "lr.h5"))
    K.clear_session()
    loaded = keras.models.load_model(str(tmp_path / "lr.h5"))
    assert float(K.get_value(loaded.optimizer.lr)) == pytest.approx(0.025)


def test_save_formats_and_tf_checkpoint_weights(tmp_path):
    model = _mlp()
    x = np.random.RandomState(0).uniform(size=(2, 8)).astype("float32")
    want = model.predict(x)
    model.save(str(tmp_path / "noext"))  # TF 1.x: HDF5 whatever the name
    assert h5py.is_hdf5(str(tmp_path / "noext"))
    with pytest.raises(NotImplementedError, match="HDF5 only"):
        model.save(str(tmp_path / "sm"), save_format="tf")
    model.save_weights(str(tmp_path / "ckpt"))  # TF 1.15: no .h5 -> a TF checkpoint
    assert os.path.exists(str(tmp_path / "ckpt.index"))
    K.set_value(model.layers[0].kernel, np.zeros((8, 16)))
    model.load_weights(str(tmp_path / "ckpt"))
    np.testing.assert_allclose(model.predict(x), want)
    K.clear_session()
    loaded = keras.models.load_model(str(tmp_path / "noext"), compile=False)
    np.testing.assert_allclose(loaded.predict(x), want, rtol=1e-6)
    with pytest.warns(UserWarning, match="No training configuration"):
        keras.models.load_model(str(tmp_path / "noext"))


def test_optimizer_state_round_trip_for_each_optimizer(tmp_path):
    x = np.random.RandomState(0).uniform(size=(6, 3)).astype("float32")
    y = np.random.RandomState(1).uniform(size=(6, 2)).astype("float32")
    for make in (lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
                 lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
                 lambda: keras.optimizers.Adagrad(0.1),
                 lambda: keras.optimizers.Adadelta(1.0),
                 lambda: keras.optimizers.Adam(0.01, amsgrad=True),
                 lambda: keras.optimizers.Adamax(0.01),
                 lambda: keras.optimizers.Nadam(0.01)):
        K.clear_session()
        model = keras.Sequential([L.Dense(2, input_shape=(3,))])
        model.compile(make(), "mse")
        for _ in range(2):
            model.train_on_batch(x, y)
        path = str(tmp_path / "opt.h5")
        model.save(path)
        want = [model.train_on_batch(x, y) for _ in range(2)]
        want_w = model.get_weights()
        K.clear_session()
        loaded = keras.models.load_model(path)
        got = [loaded.train_on_batch(x, y) for _ in range(2)]
        name = type(loaded.optimizer).__name__
        np.testing.assert_allclose(got, want, rtol=1e-5, err_msg=name)
        for g, w in zip(loaded.get_weights(), want_w):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-7, err_msg=name)


def test_tf_saver_still_saves_keras_models(tmp_path):
    model = _mlp()
    model.save(str(tmp_path / "m.h5"))  # the HDF5 writer does not disturb the graph's state
    saver = tf.train.Saver(model.weights)
    sess = K.get_session()
    prefix = saver.save(sess, str(tmp_path / "model.ckpt"))
    want = model.get_weights()
    K.set_value(model.layers[1].bias, np.ones(3))
    saver.restore(sess, prefix)
    for got, w in zip(model.get_weights(), want):
        np.testing.assert_array_equal(got, w)


# -- ModelCheckpoint ------------------------------------------------------------------------------

def _fit_with(callback, epochs=4, val_losses=None):
    model = keras.Sequential([L.Dense(1, input_shape=(2,), kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.ones((4, 2), "float32")
    callbacks = [callback]
    if val_losses is not None:  # scripted epoch logs, put before the checkpoint sees them
        class Script(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs["val_loss"] = val_losses[epoch]
                logs["val_acc"] = 1.0 - val_losses[epoch]
        callbacks = [Script(), callback]
    model.fit(x, np.ones((4, 1), "float32"), epochs=epochs, verbose=0, callbacks=callbacks)
    return model


def test_model_checkpoint_formats_names_and_period(tmp_path):
    pattern = str(tmp_path / "weights.{epoch:02d}-{val_loss:.2f}.hdf5")
    _fit_with(keras.callbacks.ModelCheckpoint(pattern, save_weights_only=True, period=2),
              val_losses=[0.9, 0.8, 0.7, 0.6])
    assert sorted(os.listdir(str(tmp_path))) == ["weights.02-0.80.hdf5", "weights.04-0.60.hdf5"]
    with h5py.File(str(tmp_path / "weights.04-0.60.hdf5"), "r") as f:
        assert "model_config" not in f.attrs and "layer_names" in f.attrs
    whole = str(tmp_path / "model.h5")
    model = _fit_with(keras.callbacks.ModelCheckpoint(whole), epochs=2)
    loaded = keras.models.load_model(whole)
    np.testing.assert_allclose(loaded.get_weights()[0], model.get_weights()[0])


@pytest.mark.parametrize("mode,monitor,saved_epochs", [
    ("min", "val_loss", [1, 3]), ("auto", "val_loss", [1, 3]),
    ("max", "val_loss", [1, 2, 4]), ("auto", "val_acc", [1, 3])])
def test_model_checkpoint_save_best_only(tmp_path, capsys, mode, monitor, saved_epochs):
    pattern = str(tmp_path / "best-{epoch}.h5")
    _fit_with(keras.callbacks.ModelCheckpoint(pattern, monitor=monitor, save_best_only=True,
                                              mode=mode, verbose=1),
              val_losses=[0.5, 0.6, 0.4, 0.7])
    assert sorted(os.listdir(str(tmp_path))) == ["best-%d.h5" % e for e in saved_epochs]
    out = capsys.readouterr().out
    if (mode, monitor) == ("min", "val_loss"):
        assert "Epoch 00001: val_loss improved from inf to 0.50000, saving model to " + \
            str(tmp_path / "best-1.h5") in out
        assert "Epoch 00002: val_loss did not improve from 0.50000" in out


def test_model_checkpoint_missing_monitor_and_bad_mode_warn(tmp_path):
    with pytest.warns(RuntimeWarning, match="fallback to auto"):
        check = keras.callbacks.ModelCheckpoint(str(tmp_path / "m.h5"), mode="best",
                                                save_best_only=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _fit_with(check, epochs=1)
    assert any("Can save best model only with val_loss available" in str(w.message)
               for w in caught)
    assert not os.listdir(str(tmp_path))
