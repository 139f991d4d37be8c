"""keras.applications against TF 1.15's architectures (Keras-Applications 1.0.8 on tf-keras 2.21,
recorded by tests/keras/applications_programs.py into tests/fixtures/keras_applications.json):
model and layer names in Keras's order, weight names and shapes, count_params, output shapes,
and predictions with equal seeded weights; plus the arguments' errors and the weights files."""

import json
import os

import numpy as np
import pytest

from minitf import backend, keras
from tests.keras import applications_programs as programs

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                       "keras_applications.json")) as f:
    RECORDED = json.load(f)


def build(arch, **kwargs):
    return getattr(keras.applications, arch)(**kwargs)


def close(ours, theirs, rtol=1e-4):
    """Equal to rtol, or to 1e-5 of the largest value (float32 sums over deep nets cancel)."""
    theirs = np.asarray(theirs, "float64")
    np.testing.assert_allclose(np.asarray(ours, "float64"), theirs, rtol=rtol,
                               atol=1e-5 * max(1.0, np.abs(theirs).max()))


@pytest.mark.parametrize("name", sorted(programs.CASES))
def test_architecture_matches_tf_keras(name):
    ours, theirs = programs.run_case(keras, build, name), RECORDED[name]
    assert ours["model_name"] == theirs["model_name"]
    assert ours["layers"] == theirs["layers"]
    assert ours["weights"] == theirs["weights"]
    assert ours["trainable"] == theirs["trainable"]
    assert ours["count_params"] == theirs["count_params"]
    assert ours["output_shape"] == theirs["output_shape"]
    assert sorted(ours) == sorted(theirs)
    if "pred" in theirs:
        assert ours["pred_shape"] == theirs["pred_shape"]
        close(ours["pred"], theirs["pred"])
    if "features" in theirs:
        close(ours["features"], theirs["features"])


def test_input_tensor_keras_and_plain():
    ours, theirs = programs.input_tensor_cases(keras, build), RECORDED["input_tensor"]
    assert ours == theirs


def test_fine_tuning_a_mobilenet_matches_tf_keras():
    ours, theirs = programs.fine_tune(keras, build), RECORDED["fine_tune"]
    # the gradients agree to ~1e-5, but one step of rate 1e-5 moves the loss by 40% (batch
    # norms over 8 samples): float32 differences grow to ~1e-3 of the loss by the 6th step
    assert sorted(ours["history"]) == sorted(theirs["history"])
    assert ours["history"]["acc"] == theirs["history"]["acc"]
    # (on a GPU, cuBLAS and cupy's reductions add in other orders than numpy: ~3e-3 by then)
    close(ours["history"]["loss"], theirs["history"]["loss"],
          rtol=5e-3 if backend.gpu_available() else 2e-3)
    close(ours["pred"], theirs["pred"])


def test_full_size_parameter_counts():
    """Keras's documented sizes (graphs only: nothing is initialised)."""
    expected = {"VGG16": 138357544, "ResNet50": 25636712, "InceptionV3": 23851784}
    for arch, count in expected.items():
        keras.backend.clear_session()
        assert build(arch, weights=None).count_params() == count, arch


def test_module_preprocessing_modes():
    x = np.array([[[[0.0, 127.5, 255.0]]]], "float32")
    np.testing.assert_allclose(keras.applications.mobilenet.preprocess_input(x.copy()),
                               [[[[-1.0, 0.0, 1.0]]]])
    np.testing.assert_allclose(keras.applications.inception_v3.preprocess_input(x.copy()),
                               [[[[-1.0, 0.0, 1.0]]]])
    caffe = [[[[255.0 - 103.939, 127.5 - 116.779, 0.0 - 123.68]]]]
    for module in ("vgg16", "vgg19", "resnet", "resnet50"):
        out = getattr(keras.applications, module).preprocess_input(x.copy())
        np.testing.assert_allclose(out, caffe, rtol=1e-6, err_msg=module)


@pytest.mark.parametrize("call, message", [
    (lambda A: A.VGG16(weights="no/such/file.h5"), "The `weights` argument should be either"),
    (lambda A: A.ResNet50(weights="imagenet", classes=10), "`classes` should be 1000"),
    (lambda A: A.VGG16(weights=None, input_shape=(31, 40, 3)), "at least 32x32"),
    (lambda A: A.InceptionV3(weights=None, include_top=False, input_shape=(74, 80, 3)),
     "at least 75x75"),
    (lambda A: A.MobileNet(weights=None, input_shape=(None, None, 3)),
     "you should specify a static `input_shape`"),
    (lambda A: A.ResNet50(weights=None, input_shape=(32, 32)),
     "must be a tuple of three integers"),
    (lambda A: A.VGG19(weights="imagenet", input_shape=(200, 200, 3)),
     r"`input_shape` should be \(224, 224, 3\)"),
    (lambda A: A.VGG16(weights="imagenet", include_top=False, input_shape=(64, 64, 1)),
     "The input must have 3 channels"),
    (lambda A: A.MobileNet(weights="imagenet", depth_multiplier=2),
     "depth multiplier must be 1"),
    (lambda A: A.MobileNet(weights="imagenet", alpha=0.3), "alpha can be one of"),
])
def test_argument_errors(call, message):
    keras.backend.clear_session()
    with pytest.raises(ValueError, match=message):
        call(keras.applications)


def test_imagenet_weights_offline_say_what_to_download_and_where(tmp_path, monkeypatch):
    monkeypatch.setenv("MINITF_DATA", str(tmp_path / "datasets"))
    monkeypatch.setattr(keras.applications.resnet, "_WEIGHTS", "http://127.0.0.1:9/")
    keras.backend.clear_session()
    with pytest.raises(FileNotFoundError) as info:
        keras.applications.ResNet50(include_top=False)
    text = str(info.value)
    assert "ResNet50(weights='imagenet')" in text
    assert "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5" in text
    assert str(tmp_path / "models") in text and "weights=None" in text
    assert not (tmp_path / "models" / "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
                ).exists()


def _seeded_mobilenet(**kwargs):
    keras.backend.clear_session()
    model = keras.applications.MobileNet(weights=None, alpha=0.25, **kwargs)
    model.set_weights(programs.seeded_weights(model, seed=5))
    return model


def test_weights_file_saved_by_minitf_loads_through_weights_argument(tmp_path):
    kwargs = dict(input_shape=(32, 32, 3), depth_multiplier=2, classes=3)
    model = _seeded_mobilenet(**kwargs)
    x = programs.images((2, 32, 32, 3))
    expected, weights = model.predict(x), model.get_weights()
    model.save_weights(str(tmp_path / "w.h5"))
    model.save(str(tmp_path / "model.h5"))
    keras.backend.clear_session()
    loaded = keras.applications.MobileNet(weights=str(tmp_path / "w.h5"), alpha=0.25, **kwargs)
    for a, b in zip(loaded.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.predict(x), expected)
    keras.backend.clear_session()
    with pytest.warns(UserWarning, match="not\\* compiled"):   # saved uncompiled
        whole = keras.models.load_model(str(tmp_path / "model.h5"))   # DepthwiseConv2D's config
    assert [layer.name for layer in whole.layers] == [layer.name for layer in loaded.layers]
    np.testing.assert_array_equal(whole.predict(x), expected)
    keras.backend.clear_session()
    with pytest.raises(ValueError, match=r"conv1/kernel:0 has shape \(3, 3, 3, 16\), but the "
                                         r"saved weight has shape \(3, 3, 3, 8\)"):
        keras.applications.MobileNet(weights=str(tmp_path / "w.h5"), alpha=0.5, **kwargs)


def test_imagenet_weights_come_from_the_keras_cache(tmp_path, monkeypatch):
    """weights='imagenet' reads Keras's file name from <cache>/models without downloading."""
    monkeypatch.setenv("MINITF_DATA", str(tmp_path / "datasets"))
    monkeypatch.setattr(keras.applications.mobilenet, "_WEIGHTS", "http://127.0.0.1:9/")
    kwargs = dict(include_top=False, input_shape=(128, 128, 3))
    model = _seeded_mobilenet(**kwargs)
    x = programs.images((1, 128, 128, 3))
    expected = model.predict(x)
    (tmp_path / "models").mkdir()
    model.save_weights(str(tmp_path / "models" / "mobilenet_2_5_128_tf_no_top.h5"))
    keras.backend.clear_session()
    cached = keras.applications.MobileNet(alpha=0.25, **kwargs)
    np.testing.assert_array_equal(cached.predict(x), expected)
