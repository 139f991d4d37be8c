"""minitf.keras beyond the recorded parity: the learning phase, Keras layers in TF1 training
loops, generators, callbacks, errors, K functions, TF checkpoints of Keras models."""

import io
import contextlib
import os

import numpy as np
import pytest

import minitf as tf
from minitf import keras
from minitf.keras import backend as K
from minitf.keras import layers as L


@pytest.fixture(autouse=True)
def fresh():
    K.clear_session()
    yield
    K.clear_session()


def test_learning_phase_switches_dropout_and_batchnorm():
    x = L.Input(shape=(1000,))
    drop = L.Dropout(0.5)(x)
    bn = L.BatchNormalization(momentum=0.0)
    y = bn(x)
    f = K.function([x, K.learning_phase()], [drop, y])
    data = np.random.RandomState(0).normal(3.0, 2.0, (8, 1000)).astype("float32")
    d_test, y_test = f([data, False])
    np.testing.assert_array_equal(d_test, data)
    np.testing.assert_allclose(y_test, data / np.sqrt(1 + 1e-3), rtol=1e-5)  # moving 0/1
    d_train, y_train = f([data, True])
    zeros = np.mean(d_train == 0)
    assert 0.4 < zeros < 0.6
    np.testing.assert_allclose(d_train[d_train != 0], 2 * data[d_train != 0], rtol=1e-6)
    np.testing.assert_allclose(y_train.mean(0), 0, atol=1e-4)


def test_batchnorm_moving_moments_move_only_in_fit():
    model = keras.Sequential([L.BatchNormalization(momentum=0.5, input_shape=(2,))])
    model.compile("sgd", "mse")
    x = np.array([[1.0, 2.0], [3.0, 6.0]], "float32")
    model.predict(x)
    np.testing.assert_array_equal(K.get_value(model.layers[0].moving_mean), [0, 0])
    model.train_on_batch(x, x)
    np.testing.assert_allclose(K.get_value(model.layers[0].moving_mean), [1.0, 2.0])
    # unbiased variance of [1,3] is 2, of [2,6] is 8; 0.5 * 1 + 0.5 * v
    np.testing.assert_allclose(K.get_value(model.layers[0].moving_variance), [1.5, 4.5])


@pytest.mark.parametrize("fused", [None, False])
def test_batchnorm_of_images_fused_as_tf_keras(fused):
    # A 4-D input normalised over its channels runs as FusedBatchNormV3 (tf.keras's fused=None
    # choice); fused=False keeps the elementary ops; both normalise and move alike.
    x = L.Input(shape=(5, 5, 3))
    bn = L.BatchNormalization(momentum=0.25, fused=fused)
    L.BatchNormalization(fused=fused)(x, training=True)  # (the cond's branches are functions)
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert ("FusedBatchNormV3" in types) == (fused is None)
    y = bn(x)
    f = K.function([x, K.learning_phase()], [y], updates=bn.updates)
    data = np.random.RandomState(1).normal(2.0, 3.0, (4, 5, 5, 3)).astype("float32")
    flat = data.reshape(-1, 3)
    (y_train,) = f([data, True])
    want = (data - flat.mean(0)) / np.sqrt(flat.var(0) + 1e-3)
    np.testing.assert_allclose(y_train, want, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(K.get_value(bn.moving_mean), 0.75 * flat.mean(0), rtol=1e-5)
    np.testing.assert_allclose(K.get_value(bn.moving_variance),
                               0.25 + 0.75 * flat.var(0, ddof=1), rtol=1e-5)
    moving = K.get_value(bn.moving_mean), K.get_value(bn.moving_variance)
    (y_test,) = f([data, False])
    np.testing.assert_allclose(y_test, (data - moving[0]) / np.sqrt(moving[1] + 1e-3),
                               rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(K.get_value(bn.moving_mean), moving[0])


def test_batchnorm_fused_needs_images():
    with pytest.raises(ValueError, match="fused BatchNormalization needs a 4-D input"):
        L.BatchNormalization(fused=True)(L.Input(shape=(3,)))


def test_keras_layers_in_a_tf1_adam_loop():
    rng = np.random.RandomState(0)
    xs = rng.normal(size=(64, 2)).astype("float32")
    ys = (xs[:, :1] * xs[:, 1:] > 0).astype("float32")
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 1])
    h = L.Dense(16, activation="tanh")(x)
    logits = L.Dense(1)(h)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    sess = tf.Session()
    K.set_session(sess)
    sess.run(tf.global_variables_initializer())
    first = sess.run(loss, {x: xs, y: ys})
    for _ in range(150):
        sess.run(train, {x: xs, y: ys})
    assert sess.run(loss, {x: xs, y: ys}) < 0.3 * first
    assert [v.name for v in tf.trainable_variables()] == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"]


def test_functional_shared_layers_and_nested_models():
    a, b = L.Input(shape=(3,)), L.Input(shape=(3,))
    shared = L.Dense(2, use_bias=False, name="shared")
    merged = L.Add()([shared(a), shared(b)])
    inner = keras.Model([a, b], merged, name="inner")
    c, d = L.Input(shape=(3,)), L.Input(shape=(3,))
    outer = keras.Model([c, d], L.Dense(1, name="head")(inner([c, d])))
    assert len(shared.weights) == 1 and len(outer.weights) == 3
    w = K.get_value(shared.kernel)
    xa, xb = np.ones((2, 3), "float32"), np.full((2, 3), 2.0, "float32")
    np.testing.assert_allclose(inner.predict([xa, xb]), xa @ w + xb @ w, rtol=1e-6)
    head = K.get_value(outer.get_layer("head").kernel)
    np.testing.assert_allclose(outer.predict([xa, xb]), (xa @ w + xb @ w) @ head, rtol=1e-5)


def test_trainable_false_freezes_weights():
    model = keras.Sequential([L.Dense(2, input_shape=(2,), name="frozen"), L.Dense(1)])
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 2 and len(model.non_trainable_weights) == 2
    model.compile("sgd", "mse")
    before = model.layers[0].get_weights()
    model.fit(np.ones((8, 2)), np.zeros((8, 1)), epochs=2, verbose=0)
    for w0, w1 in zip(before, model.layers[0].get_weights()):
        np.testing.assert_array_equal(w0, w1)


class Batches(keras.utils.Sequence):
    def __init__(self, x, y, size):
        self.x, self.y, self.size = x, y, size

    def __len__(self):
        return int(np.ceil(len(self.x) / self.size))

    def __getitem__(self, i):
        return self.x[i * self.size:(i + 1) * self.size], self.y[i * self.size:(i + 1) * self.size]


def test_generators_and_sequences_match_arrays():
    rng = np.random.RandomState(1)
    x, y = rng.normal(size=(20, 3)).astype("float32"), rng.normal(size=(20, 1)).astype("float32")
    model = keras.Sequential([L.Dense(1, input_shape=(3,))])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    w0 = model.get_weights()
    h1 = model.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0)
    model.set_weights(w0)
    h2 = model.fit_generator(Batches(x, y, 5), epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-6)

    def gen():
        while True:
            for i in range(4):
                yield x[i * 5:(i + 1) * 5], y[i * 5:(i + 1) * 5]
    assert model.evaluate_generator(gen(), steps=4) == pytest.approx(
        model.evaluate(x, y, batch_size=5, verbose=0), rel=1e-6)
    # Batches of 5 against one batch of 20: the BLAS may sum a row's three products in another
    # order per batch size and CPU, so a value that cancels to near 0 differs by an ulp of its
    # terms (CI: 3.7e-8 at 0.0369), hence the absolute tolerance.
    np.testing.assert_allclose(model.predict_generator(Batches(x, y, 5)), model.predict(x),
                               rtol=1e-6, atol=1e-6)


def test_callbacks_early_stopping_scheduler_csv_lambda(tmp_path):
    x = np.ones((10, 1), "float32")
    model = keras.Sequential([L.Dense(1, input_shape=(1,), kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    seen = []
    path = str(tmp_path / "log.csv")
    h = model.fit(x, x, epochs=10, verbose=0, callbacks=[
        keras.callbacks.EarlyStopping(monitor="loss", patience=2),
        keras.callbacks.LearningRateScheduler(lambda epoch: 0.0),
        keras.callbacks.CSVLogger(path),
        keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))])
    assert h.epoch == [0, 1, 2] and seen == [0, 1, 2]
    lines = open(path).read().splitlines()
    assert lines[0] == "epoch,loss,lr" and len(lines) == 4


def test_terminate_on_nan_and_reduce_lr():
    model = keras.Sequential([L.Dense(1, input_shape=(1,))])
    model.compile(keras.optimizers.SGD(1e30), "mse")
    x = np.full((4, 1), 1e10, "float32")
    with contextlib.redirect_stdout(io.StringIO()):
        h = model.fit(x, x, epochs=5, batch_size=1, verbose=0,
                      callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(h.epoch) == 1
    K.clear_session()
    model = keras.Sequential([L.Dense(1, input_shape=(1,), kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=3, verbose=0,
              callbacks=[keras.callbacks.ReduceLROnPlateau("loss", factor=0.5, patience=1)])
    assert K.get_value(model.optimizer.lr) == pytest.approx(0.0)


def test_progress_bar_lines():
    model = keras.Sequential([L.Dense(1, input_shape=(1,))])
    model.compile("sgd", "mse", metrics=["mae"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.fit(np.ones((64, 1)), np.ones((64, 1)), batch_size=16, epochs=2, verbose=1)
    text = out.getvalue()
    assert "Epoch 1/2" in text and "Epoch 2/2" in text
    assert "64/64 [==============================]" in text
    assert " - loss: " in text and " - mean_absolute_error: " not in text and " - mae: " in text
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.fit(np.ones((64, 1)), np.ones((64, 1)), batch_size=16, epochs=2, verbose=2)
    assert out.getvalue().count(" - loss: ") == 2 and "[" not in out.getvalue()


def test_summary_table():
    model = keras.Sequential([L.Dense(4, input_shape=(3,)), L.Dense(2)])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0] == 'Model: "sequential"'
    assert lines[4].startswith("dense (Dense)") and "(None, 4)" in lines[4] and "16" in lines[4]
    assert "Total params: 26" in lines


def test_tf_saver_checkpoints_keras_weights(tmp_path):
    model = keras.Sequential([L.Dense(2, input_shape=(3,))])
    saver = tf.train.Saver(model.weights)
    sess = K.get_session()
    want = model.get_weights()
    path = saver.save(sess, str(tmp_path / "ckpt"))
    model.set_weights([np.zeros_like(w) for w in want])
    saver.restore(sess, path)
    for a, b in zip(model.get_weights(), want):
        np.testing.assert_array_equal(a, b)


def test_k_functions_and_errors():
    v = K.variable(np.array([[1.0, 2.0]]))
    assert K.int_shape(v) == (1, 2) and K.ndim(v) == 2 and K.dtype(v) == "float32"
    K.set_value(v, [[3.0, 4.0]])
    np.testing.assert_array_equal(K.eval(K.sum(v * 2, axis=1)), [14.0])
    x = K.placeholder(shape=(None, 2))
    g = K.gradients(K.sum(K.square(x)), [x])[0]
    np.testing.assert_array_equal(K.function([x], [g])([np.ones((1, 2))])[0], [[2, 2]])
    model = keras.Sequential([L.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="expecting 2 weights"):
        model.layers[0].set_weights([np.zeros((2, 1))])
    with pytest.raises(RuntimeError, match="compile"):
        model.train_on_batch(np.ones((1, 2)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="Unknown loss"):
        model.compile("sgd", "nope")


def test_small_cnn_and_lstm_train_with_fit():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(32, 6, 6, 1)).astype("float32")
    y = (x[:, :3].mean(axis=(1, 2, 3)) > x[:, 3:].mean(axis=(1, 2, 3))).astype("float32")
    cnn = keras.Sequential([L.Conv2D(4, 3, padding="same", activation="relu",
                                     input_shape=(6, 6, 1)),
                            L.MaxPooling2D(), L.Flatten(), L.Dense(1, activation="sigmoid")])
    cnn.compile(keras.optimizers.Adam(0.02), "binary_crossentropy", metrics=["accuracy"])
    h = cnn.fit(x, y, batch_size=16, epochs=15, verbose=0)
    assert h.history["loss"][-1] < 0.6 * h.history["loss"][0]
    seq = rng.normal(size=(32, 5, 2)).astype("float32")
    target = seq[:, :, :1].sum(axis=1)
    rnn = keras.Sequential([L.LSTM(8, input_shape=(5, 2)), L.Dense(1)])
    rnn.compile(keras.optimizers.Adam(0.05), "mse")
    h = rnn.fit(seq, target, batch_size=16, epochs=15, verbose=0)
    assert h.history["loss"][-1] < 0.5 * h.history["loss"][0]


def test_keras_gru_in_a_tf1_loop_with_variable_time():
    x = tf.placeholder(tf.float32, [None, None, 3])
    gru = L.GRU(4, return_sequences=True)
    out = L.TimeDistributed(L.Dense(3))(gru(x))
    assert out.shape.as_list() == [None, None, 3]
    loss = tf.reduce_mean(tf.square(out - x))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    sess = K.get_session()
    data = np.random.RandomState(1).normal(size=(4, 7, 3)).astype("float32")
    first = sess.run(loss, {x: data})
    for _ in range(30):
        sess.run(train, {x: data})
    assert sess.run(loss, {x: data}) < 0.7 * first
    assert sess.run(out, {x: data[:, :2]}).shape == (4, 2, 3)


# compute_output_shape as tf_keras 2.15 answers it (recorded with TF 2.21's legacy Keras;
# TF 1.15's layers override it with the same rules): layer, input shape, output shape.
OUTPUT_SHAPES = [
    (lambda L: L.Dense(5), (None, 3), (None, 5)),
    (lambda L: L.Dense(5), (2, 7, 3), (2, 7, 5)),
    (lambda L: L.Conv2D(4, 3), (None, 8, 8, 3), (None, 6, 6, 4)),
    (lambda L: L.Conv2DTranspose(2, 3, strides=2, padding="same"), (None, 4, 4, 3),
     (None, 8, 8, 2)),
    (lambda L: L.Flatten(), (None, 4, 5), (None, 20)),
    (lambda L: L.MaxPooling2D(), (None, 8, 8, 3), (None, 4, 4, 3)),
    (lambda L: L.GlobalAveragePooling2D(), (None, 5, 5, 3), (None, 3)),
    (lambda L: L.LSTM(6, return_sequences=True), (None, 7, 3), (None, 7, 6)),
    (lambda L: L.GRU(6), (None, 7, 3), (None, 6)),
    (lambda L: L.Embedding(10, 4), (None, 5), (None, 5, 4)),
    (lambda L: L.Dropout(0.5), (None, 3), (None, 3)),
    (lambda L: L.Reshape((2, 3)), (None, 6), (None, 2, 3)),
    (lambda L: L.RepeatVector(3), (None, 4), (None, 3, 4)),
    (lambda L: L.Permute((2, 1)), (None, 3, 4), (None, 4, 3)),
    (lambda L: L.Concatenate(), [(None, 3), (None, 4)], (None, 7)),
]


@pytest.mark.parametrize("make,shape,expected", OUTPUT_SHAPES)
def test_compute_output_shape_is_tf_kerass(make, shape, expected):
    graph = tf.Graph()
    with graph.as_default():
        layer = make(tf.keras.layers)
        got = layer.compute_output_shape(shape)
        assert isinstance(got, tf.TensorShape) and got.as_list() == list(expected)
        # nothing was added to the user's graph, and the layer itself was not built
        assert graph.get_operations() == [] and not layer.built


def test_compute_output_shape_of_a_custom_layer_without_config_says_what_to_do():
    class Scale(tf.keras.layers.Layer):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

    with pytest.raises(NotImplementedError, match="implement compute_output_shape"):
        Scale(2.0).compute_output_shape((None, 3))
