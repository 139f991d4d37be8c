"""keras.callbacks.TensorBoard: the event files a fit writes, read back with TensorBoard's own
reader (EventAccumulator): the graph, per-epoch and per-batch scalars equal to the History,
weight/output/gradient histograms over the validation data, weight images."""

import glob
import json
import os

import numpy as np
import pytest

from minitf import keras
from tests.keras import tensorboard_programs as programs

ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
loader = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")


def read(logdir):
    acc = ea.EventAccumulator(str(logdir), size_guidance=ea.STORE_EVERYTHING_SIZE_GUIDANCE)
    acc.Reload()
    return acc


def scalars(acc, tag):
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def data(n=40, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.uniform(-1, 1, (n, 4)).astype("float32")
    y = keras.utils.to_categorical((x[:, 0] > x[:, 1]).astype("int64"), 2)
    return x, y


def small_model():
    keras.backend.clear_session()
    model = keras.models.Sequential([
        keras.layers.Dense(5, activation="relu", input_shape=(4,), name="hidden"),
        keras.layers.Dense(2, activation="softmax", name="out")])
    model.compile(keras.optimizers.SGD(0.1), "categorical_crossentropy", metrics=["accuracy"])
    return model


def test_epoch_scalars_graph_and_histograms_over_validation_data(tmp_path):
    x, y = data()
    model = small_model()
    tb = keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=2,
                                     write_grads=True, write_images=True)
    hist = model.fit(x, y, batch_size=4, epochs=3, verbose=0, validation_split=0.25,
                     callbacks=[tb])
    acc = read(tmp_path)
    tags = acc.Tags()
    for key in ("loss", "acc", "val_loss", "val_acc"):
        got = scalars(acc, "epoch_" + key)
        assert [s for s, _ in got] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in got], hist.history[key], rtol=1e-6)
    assert not [t for t in tags["scalars"] if t.startswith("batch_")]
    graph = acc.Graph()
    names = {node.name for node in graph.node}
    assert "hidden/kernel" in names and "out/Softmax" in names
    expected = {"hidden/kernel_0", "hidden/bias_0", "out/kernel_0", "out/bias_0",
                "hidden_out", "out_out", "hidden/kernel_0_grad", "out/bias_0_grad"}
    assert expected <= set(tags["histograms"])
    # epochs 0 and 2, over 10 validation samples in fit's batches of 4: 3 batches each
    kernel = acc.Histograms("hidden/kernel_0")
    assert [e.step for e in kernel] == [0, 1, 2, 3, 4, 5]
    final = model.layers[0].get_weights()[0]
    last = kernel[-1].histogram_value
    assert last.num == final.size
    # (the model is not seeded: a sum of 20 weights near 0 needs an absolute tolerance, the
    # float32 rounding of that sum, ~1e-6)
    np.testing.assert_allclose([last.min, last.max, last.sum], [final.min(), final.max(),
                                                                final.sum()], rtol=1e-5, atol=1e-5)
    out = acc.Histograms("out_out")[-1].histogram_value
    assert out.num == 2 * 2   # the last validation batch: 2 samples x 2 classes
    assert 0.0 <= out.min and out.max <= 1.0
    # image ops come after the histograms of the same name, hence TF's "_1" (and "/image/0")
    assert {"hidden/kernel_0_1/image/0", "out/bias_0_1/image/0"} <= set(tags["images"])
    kernel_image = acc.Images("hidden/kernel_0_1/image/0")[-1]
    assert (kernel_image.height, kernel_image.width) == (4, 5)   # transposed to be wide


def test_same_summaries_at_the_same_steps_as_tf_keras(tmp_path):
    """Tags, kinds and steps of every summary equal TF 1.15's callback's (recorded)."""
    with open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                           "keras_tensorboard.json")) as f:
        recorded = json.load(f)
    programs.fit_with_tensorboard(keras, keras.callbacks.TensorBoard, str(tmp_path),
                                  keras.optimizers.SGD)
    events = [(e.step, e.summary)
              for path in glob.glob(str(tmp_path / "events.*"))
              for e in loader.LegacyEventFileLoader(path).Load() if e.HasField("summary")]
    assert programs.steps_by_summary(events) == recorded


def test_batch_scalars_every_batch_or_every_n_samples(tmp_path):
    x, y = data(30)
    model = small_model()
    history = model.fit(x, y, batch_size=10, epochs=2, verbose=0, shuffle=False,
                        callbacks=[keras.callbacks.TensorBoard(str(tmp_path / "batch"),
                                                               update_freq="batch",
                                                               write_graph=False)])
    acc = read(tmp_path / "batch")
    assert [s for s, _ in scalars(acc, "batch_loss")] == [0, 1, 2, 3, 4, 5]
    assert [s for s, _ in scalars(acc, "epoch_loss")] == [30, 60]   # steps in samples
    np.testing.assert_allclose([v for _, v in scalars(acc, "epoch_loss")],
                               history.history["loss"], rtol=1e-6)
    assert acc.Tags()["graph"] is False
    assert acc.Tags()["histograms"] == []

    model = small_model()
    model.fit(x, y, batch_size=10, epochs=2, verbose=0, shuffle=False,
              callbacks=[keras.callbacks.TensorBoard(str(tmp_path / "n"), update_freq=25)])
    acc = read(tmp_path / "n")
    # written once 25 samples have passed since the last write: after batches 2 and 5
    assert [s for s, _ in scalars(acc, "batch_acc")] == [2, 5]


def test_weight_histograms_without_validation_data_and_errors(tmp_path):
    x, y = data(20)
    model = small_model()
    model.fit(x, y, batch_size=10, epochs=2, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1)])
    acc = read(tmp_path)
    assert [e.step for e in acc.Histograms("out/kernel_0")] == [0, 1]
    assert "hidden_out" not in acc.Tags()["histograms"]
    with pytest.raises(ValueError, match="update_freq"):
        keras.callbacks.TensorBoard(update_freq="sometimes")
    with pytest.raises(NotImplementedError, match="projector"):
        keras.callbacks.TensorBoard(embeddings_freq=1)


def test_fit_generator_with_validation_arrays_writes_output_histograms(tmp_path):
    x, y = data(20)
    model = small_model()

    def batches():
        while True:
            for i in range(0, 20, 10):
                yield x[i:i + 10], y[i:i + 10]

    model.fit_generator(batches(), steps_per_epoch=2, epochs=1, verbose=0,
                        validation_data=(x[:6], y[:6]),
                        callbacks=[keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1,
                                                               batch_size=4)])
    acc = read(tmp_path)
    # validation arrays in the callback's batches of 4 (fit_generator has no batch size)
    assert [e.step for e in acc.Histograms("out_out")] == [0, 1]
    assert acc.Histograms("out_out")[-1].histogram_value.num == 2 * 2
