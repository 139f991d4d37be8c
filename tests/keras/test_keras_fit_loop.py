"""fit's per-batch path: one plan per mode for all batches and epochs (K.function runs through
a Session.make_callable made once per session), the train-batch callback hooks of TF 1.15's
Keras, and K.function's feeds and sessions."""

import numpy as np
import pytest

import minitf as tf
from minitf import keras
from minitf.client import session as session_module
from minitf.keras import backend as K
from minitf.keras import layers as L


@pytest.fixture(autouse=True)
def fresh():
    K.clear_session()
    yield
    K.clear_session()


@pytest.fixture
def plans_made(monkeypatch):
    """A list that grows by one for every plan a session builds (not counting the plans of
    loop and branch bodies inside one)."""
    made = []

    class CountingPlan(session_module.Plan):
        def __init__(self, *args, **kwargs):
            if not kwargs.get("nested"):
                made.append(args[1])
            super().__init__(*args, **kwargs)
    monkeypatch.setattr(session_module, "Plan", CountingPlan)
    return made


def _model():
    model = keras.Sequential([L.Dense(8, activation="relu", input_shape=(4,)), L.Dropout(0.5),
                              L.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_fit_plans_each_mode_once(plans_made):
    rng = np.random.RandomState(0)
    x, y = rng.randn(50, 4).astype("float32"), rng.randint(0, 3, 50)
    model = _model()
    # 50 samples in batches of 16: a last batch of 2; validation runs the test function
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, validation_split=0.2)
    first = len(plans_made)
    assert 2 <= first <= 4  # train and test (and variable initialisation)
    model.fit(x, y, batch_size=7, epochs=3, verbose=0, shuffle="batch",
              validation_data=(x[:5], y[:5]), sample_weight=np.ones(50))
    model.fit(x, y, batch_size=50, epochs=1, verbose=0, class_weight={0: 2.0})
    model.evaluate(x, y, batch_size=9, verbose=0)
    model.train_on_batch(x[:3], y[:3])
    assert len(plans_made) == first
    model.predict(x, batch_size=9)
    model.predict(x[:2])
    assert len(plans_made) == first + 1


class _Recorder(keras.callbacks.Callback):
    def __init__(self, calls, name):
        super().__init__()
        self.calls, self.name = calls, name


class _NewHooks(_Recorder):
    def on_train_batch_begin(self, batch, logs=None):
        self.calls.append((self.name, "begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append((self.name, "end", batch, round(logs["loss"], 6)))


class _OldHooks(_Recorder):
    def on_batch_begin(self, batch, logs=None):
        self.calls.append((self.name, "begin", batch))

    def on_batch_end(self, batch, logs=None):
        self.calls.append((self.name, "end", batch, round(logs["loss"], 6)))


def test_train_batch_hooks_either_name_in_order():
    """TF 1.15's fit calls on_train_batch_begin/end, whose defaults call on_batch_begin/end:
    a callback may override either, and they run in the order given."""
    x = np.ones((6, 4), "float32")
    y = np.zeros(6, "int64")
    model = _model()
    calls = []
    lam = keras.callbacks.LambdaCallback(
        on_batch_end=lambda batch, logs: calls.append(("lambda", "end", batch,
                                                       round(logs["loss"], 6))))
    h = model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False,
                  callbacks=[_NewHooks(calls, "new"), _OldHooks(calls, "old"), lam,
                             keras.callbacks.Callback()])
    assert [c[:3] for c in calls] == [
        ("new", "begin", 0), ("old", "begin", 0), ("new", "end", 0), ("old", "end", 0),
        ("lambda", "end", 0), ("new", "begin", 1), ("old", "begin", 1), ("new", "end", 1),
        ("old", "end", 1), ("lambda", "end", 1)]
    losses = [c[3] for c in calls if c[0] == "new" and c[1] == "end"]
    assert losses == [c[3] for c in calls if c[0] == "lambda"]
    # the epoch loss is the batches' losses averaged over the samples (4 and 2)
    assert h.history["loss"][0] == pytest.approx((4 * losses[0] + 2 * losses[1]) / 6,
                                                 abs=1e-5)


def test_epoch_metrics_are_running_means_over_samples():
    x = np.arange(20, dtype="float32").reshape(10, 2)
    y = np.arange(10, dtype="float32").reshape(10, 1)
    model = keras.Sequential([L.Dense(1, input_shape=(2,), kernel_initializer="ones")])
    model.compile(keras.optimizers.SGD(0.0), "mse", metrics=["mae"])
    seen = []
    h = model.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False,
                  callbacks=[keras.callbacks.LambdaCallback(
                      on_batch_end=lambda b, logs: seen.append(logs["mae"]))])
    err = np.abs(x.sum(1) - y[:, 0])  # the weights never move (learning rate 0)
    want = [err[:4].mean(), err[:8].mean(), err.mean()]
    np.testing.assert_allclose(seen, want, rtol=1e-6)
    assert h.history["mae"][0] == pytest.approx(err.mean(), rel=1e-6)
    assert h.history["loss"][0] == pytest.approx((err ** 2).mean(), rel=1e-6)


def test_k_function_feed_dict_and_sessions():
    x = K.placeholder(shape=(None, 2))
    scale = tf.placeholder(tf.float32, shape=())
    v = K.variable(np.array([1.0, 2.0]))
    f = K.function([x], [x * scale + v], feed_dict={scale: 3.0})
    np.testing.assert_array_equal(f([np.ones((1, 2))])[0], [[4.0, 5.0]])
    # the same tensor fed twice: the last value wins, as in a feed dict
    twice = K.function([x, x], [x * 2])
    np.testing.assert_array_equal(twice([np.zeros((1, 2)), np.ones((1, 2))])[0], [[2, 2]])
    # another session: the function runs there (its variables initialised there)
    sess = tf.Session()
    K.set_session(sess)
    K.set_value(v, [10.0, 20.0])
    np.testing.assert_array_equal(f([np.ones((1, 2))])[0], [[13.0, 23.0]])
    with pytest.raises(TypeError, match="list or tuple"):
        f(np.ones((1, 2)))
    sess.close()
    K.set_session(None)
    np.testing.assert_array_equal(f([np.ones((1, 2))])[0], [[4.0, 5.0]])


def _batch_losses(shuffle, n=10, batch_size=4, seed=3):
    """The batch losses of one epoch whose batch loss is the mean of y^2 over its samples
    (the model predicts 0 and never learns), with y the sample's number: they say which
    samples each batch held."""
    model = keras.Sequential([L.Dense(1, input_shape=(1,), kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    seen = []
    np.random.seed(seed)
    model.fit(np.zeros((n, 1), "float32"), np.arange(n, dtype="float32").reshape(n, 1),
              batch_size=batch_size, epochs=1, verbose=0, shuffle=shuffle,
              callbacks=[keras.callbacks.LambdaCallback(
                  on_batch_end=lambda b, logs: seen.append(logs["loss"]))])
    return seen


def _losses_of(index, batch_size=4):
    return [float(np.mean(np.square(index[a:a + batch_size], dtype="float64")))
            for a in range(0, len(index), batch_size)]


@pytest.mark.parametrize("seed", [0, 3])
def test_shuffle_orders_as_keras(seed):
    # shuffle=False: the samples in order
    np.testing.assert_allclose(_batch_losses(False, seed=seed),
                               _losses_of(np.arange(10)), rtol=1e-6)
    # shuffle=True: np.random.shuffle of the sample numbers, then batches of it
    np.random.seed(seed)
    index = np.arange(10)
    np.random.shuffle(index)
    np.testing.assert_allclose(_batch_losses(True, seed=seed), _losses_of(index), rtol=1e-6)
    # shuffle='batch': Keras's batch_shuffle, whole batches shuffled, the partial one last
    np.random.seed(seed)
    blocks = np.arange(8).reshape(2, 4)
    np.random.shuffle(blocks)
    index = np.append(blocks.ravel(), [8, 9])
    got = _batch_losses("batch", seed=seed)
    np.testing.assert_allclose(got, _losses_of(index), rtol=1e-6)
    assert got[-1] == pytest.approx((64 + 81) / 2)


def test_shuffled_batches_gathered_on_the_products_threads_train_the_same(monkeypatch):
    """fit gathers its shuffled batches with ops/gemm.py gather_rows where it can; the
    weights come out as with numpy's take."""
    from minitf.ops import gemm
    rng = np.random.default_rng(15)
    x = rng.standard_normal((300, 12)).astype(np.float32)
    y = rng.integers(0, 3, 300).astype(np.int64)
    weights, calls = [], []
    real = gemm.gather_rows
    for gather in (real, lambda *args: False):
        def counted(*args, gather=gather):
            done = gather(*args)
            calls.append(done)
            return done
        monkeypatch.setattr(gemm, "gather_rows", counted)
        tf.reset_default_graph()
        keras.backend.clear_session()
        model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(12,)),
                                  keras.layers.Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.set_weights([np.full(w.shape, 0.1 * (i + 1), np.float32)
                           for i, w in enumerate(model.get_weights())])
        np.random.seed(3)
        model.fit(x, y, batch_size=64, epochs=2, verbose=0)
        weights.append(model.get_weights())
    if real(x, np.arange(2, dtype=np.int64), np.empty((2, 12), np.float32)):
        assert any(calls)  # (the first fit's gathers ran on the products' threads)
    for a, b in zip(*weights):
        assert a.tobytes() == b.tobytes()
