"""tf.image augmentation, geometry, colour and quality functions against TensorFlow's recorded
values, gradients, static shapes, names and errors (tests/nn/record_image_adjust.py wrote
tests/fixtures/tf_image_adjust.json); the random ones by their ranges and seeds; and a CIFAR-10
style input function feeding tf.train.shuffle_batch."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests.nn import image_adjust_programs as programs

pytestmark = pytest.mark.usefixtures("fresh_graph")

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_image_adjust.json")) as f:
    TF = json.load(f)

# Output names that are artifacts of how TF wires its checks: TF returns the crop-or-pad of a
# batch through with_dependencies (an Identity named 'control_dependency_1' even when the
# checks were static and there is nothing to depend on); minitf returns the Pad itself.
NAME_DIFFERENCES = {
    "crop_or_pad_crop": "resize_image_with_crop_or_pad/Pad:0",
    "crop_or_pad_same": "resize_image_with_crop_or_pad_3/Pad:0",
    "crop_or_pad_batch": "resize_image_with_crop_or_pad/Pad:0",
    "crop_or_pad_hw": "resize_image_with_crop_or_pad_1/Pad:0",
}


def _static(t):
    return None if t.shape.ndims is None else t.shape.as_list()


@pytest.mark.parametrize("section, build", [("deterministic", programs.deterministic),
                                            ("color", programs.color),
                                            ("quality", programs.quality)])
def test_values_dtypes_shapes_and_names_match_tensorflow(section, build):
    out = build(tf)
    assert set(out) == set(TF[section])
    with tf.Session() as sess:
        got = sess.run(out)
    for key, want in TF[section].items():
        assert out[key].name == NAME_DIFFERENCES.get(key, want["name"]), key
        assert _static(out[key]) == want["static_shape"], key
        assert got[key].dtype.name == want["dtype"], key
        assert list(got[key].shape) == want["shape"], key
        np.testing.assert_allclose(got[key].astype(np.float64).ravel(), want["values"],
                                   rtol=1e-5, atol=1e-6, err_msg=key)


def test_gradients_match_tensorflow():
    out = dict(programs.gradients(tf), **programs.color_gradients(tf))
    want = dict(TF["gradients"], **TF["color_gradients"])
    assert set(out) == set(want)
    with tf.Session() as sess:
        got = {k: v.ravel() for k, v in sess.run(out).items()}
    # TF's RGBToHSV gradient multiplies the saturation and hue terms of a channel by
    # (channel > 0), so it is wrong at pixels with a channel at exactly 0 (rgb()'s first pixel
    # is (0, 0.37, 0.74): TF gives 0.056 for d/dred, the true slope is -1.971). minitf gives
    # the true derivative there: checked against a central difference instead.
    x = programs.rgb().astype(np.float64)
    zero_channel = np.repeat((x.reshape(-1, 3) == 0).any(axis=1), 3)
    assert zero_channel.sum() == 3
    want["rgb_to_hsv"] = np.where(zero_channel, _hsv_slope(x), want["rgb_to_hsv"])
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-5, err_msg=key)


def test_ssim_gradients_match_tensorflow():
    out = programs.quality_gradients(tf)
    assert set(out) == set(TF["quality_gradients"])
    with tf.Session() as sess:
        got = sess.run(out)
    for key, want in TF["quality_gradients"].items():  # values of 1e-5 to 4e-3
        np.testing.assert_allclose(got[key].ravel(), want, rtol=1e-4, atol=2e-7, err_msg=key)


def _hsv_slope(x, eps=1e-7):
    """Central differences of sum(w * rgb_to_hsv(x)) (w as programs.color_gradients's)."""
    def loss(v):
        hsv = np.stack(_hsv_reference(v), -1)
        return (hsv.ravel() * (np.arange(hsv.size) % 5 + 0.5)).sum()
    out = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        out[i] = (loss(x + e.reshape(x.shape)) - loss(x - e.reshape(x.shape))) / (2 * eps)
    return out


def _hsv_reference(x):
    r, g, b = np.moveaxis(x, -1, 0)
    v, low = x.max(-1), x.min(-1)
    span = v - low
    h = np.where(r == v, (g - b) / span, np.where(g == v, (b - r) / span + 2, (r - g) / span + 4))
    return (h / 6) % 1, span / v, v


@pytest.mark.parametrize("key", ["adjust_contrast", "adjust_hue", "adjust_saturation"])
def test_ops_tensorflow_cannot_differentiate_raise_lookup_error(key):
    assert TF["not_differentiable"][key].startswith("No gradient defined")
    x = tf.constant(programs.rgb())
    y = {"adjust_contrast": lambda: tf.image.adjust_contrast(x, 1.5),
         "adjust_hue": lambda: tf.image.adjust_hue(x, 0.1),
         "adjust_saturation": lambda: tf.image.adjust_saturation(x, 1.5)}[key]()
    op_type = {"adjust_contrast": "AdjustContrastv2", "adjust_hue": "AdjustHue",
               "adjust_saturation": "AdjustSaturation"}[key]
    op_name = "adjust_contrast" if key == "adjust_contrast" else key + "/" + op_type
    assert y.op.inputs[0].op.name == op_name
    with pytest.raises(LookupError, match=r"No gradient defined for operation '%s' \(op type: "
                                          r"%s\)" % (op_name, op_type)):
        tf.gradients(y, x)


def test_hsv_to_rgb_has_a_none_gradient_as_in_tensorflow():
    assert TF["not_differentiable"]["hsv_to_rgb"] == "None"
    x = tf.constant(programs.hsv())
    assert tf.gradients(tf.image.hsv_to_rgb(x), x) == [None]


# Messages TF's shape functions and op wrappers write (C++), which minitf words its own way:
# the class is compared, not the text.
_SHAPE_FUNCTION_MESSAGES = ("Dimensions must be equal", "Shape must be at least rank",
                            "Dimension must be 3", "Value passed to parameter")


@pytest.mark.parametrize("key", sorted(k for k, v in TF["errors"].items() if v))
def test_build_time_errors_match_tensorflow(key):
    cls, message = TF["errors"][key]
    call = dict(programs.errors(tf), **programs.color_errors(tf),
                **programs.quality_errors(tf))[key]
    with pytest.raises({"ValueError": ValueError, "TypeError": TypeError}[cls]) as info:
        call()
    if not message.startswith(_SHAPE_FUNCTION_MESSAGES):
        assert str(info.value) == message


# SSIM of images smaller than its window: TF's depthwise convolution fails first ("Computed
# output size would be negative"), minitf's Assert on the sizes (which TF also has) does.
_RUN_ERROR_WORDED_OTHERWISE = {"ssim_smaller_than_filter": "assertion failed: [1 8 9 3] [11]"}


@pytest.mark.parametrize("key", sorted(TF["run_errors"]))
def test_runs_fail_as_in_tensorflow(key):
    cls, message = TF["run_errors"][key]
    t = dict(programs.color_run_errors(tf), **programs.quality_run_errors(tf))[key]
    with tf.Session() as sess:
        with pytest.raises(getattr(tf.errors, cls)) as info:
            sess.run(t)
    assert _RUN_ERROR_WORDED_OTHERWISE.get(key, message) in str(info.value)


def test_static_shapes_and_names_with_unknown_dims_match_tensorflow():
    out = programs.static_shapes(tf)
    assert set(out) == set(TF["static"])
    for key, want in TF["static"].items():
        assert _static(out[key]) == want["static_shape"], key
        assert out[key].dtype.name == want["dtype"], key
        assert out[key].name == NAME_DIFFERENCES.get(key, want["name"]), key


def test_crop_or_pad_with_height_and_width_known_at_run_time():
    x = tf.placeholder(tf.float32, [2, None, None, 3])
    y = tf.image.resize_image_with_crop_or_pad(x, 4, 5)
    value = programs.rgb((2, 3, 6, 3))
    with tf.Session() as sess:
        got = sess.run(y, {x: value})
    want = np.zeros((2, 4, 5, 3), np.float32)
    want[:, 0:3] = value[:, :, 0:5]  # pad top 0 (1 // 2), crop left 0 (1 // 2)
    np.testing.assert_array_equal(got, want)


def test_rot90_by_a_tensor_k():
    k = tf.placeholder(tf.int32, [])
    x = programs.rgb((3, 4, 2))
    y = tf.image.rot90(tf.constant(x), k)
    with tf.Session() as sess:
        for turns in range(-2, 6):
            np.testing.assert_array_equal(sess.run(y, {k: turns}), np.rot90(x, turns))


def test_rot90_transpose_and_crop_or_pad_of_an_image_of_unknown_rank():
    x = tf.placeholder(tf.float32)
    turned, swapped = tf.image.rot90(x, 3), tf.image.transpose_image(x)
    with tf.Session() as sess:
        for value in (programs.rgb((3, 4, 2)), programs.rgb((2, 3, 4, 2))):
            axes = (-3, -2)
            got = sess.run([turned, swapped], {x: value})
            np.testing.assert_array_equal(got[0], np.rot90(value, 3, axes))
            np.testing.assert_array_equal(got[1], np.swapaxes(value, *axes))
        value = programs.rgb((4, 4, 2))
        got = sess.run(tf.image.resize_image_with_crop_or_pad(x, 3, 6), {x: value})
        np.testing.assert_array_equal(got[:, 1:5], value[0:3])  # crop top 0, pad left 1
        assert not got[:, [0, 5]].any()


@pytest.mark.parametrize("static", [[None, 2, None], None])
def test_grayscale_to_rgb_checks_a_partly_known_shape_at_run_time(static):
    x = tf.placeholder(tf.float32, static)
    y = tf.image.grayscale_to_rgb(x)
    assert _static(y) == (static and [None, 2, 3])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: np.ones((1, 2, 1))}), np.ones((1, 2, 3)))
        with pytest.raises(tf.errors.InvalidArgumentError, match="should be size 1"):
            sess.run(y, {x: np.ones((1, 2, 2))})


def test_adjust_gamma_checks_a_tensor_gamma_at_run_time():
    gamma = tf.placeholder(tf.float32, [])
    y = tf.image.adjust_gamma(tf.constant(programs.rgb()), gamma, 2.0)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {gamma: 2.0}), 2 * programs.rgb() ** 2, rtol=1e-6)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Gamma should be a non-negative"):
            sess.run(y, {gamma: -0.5})


def test_psnr_checks_shapes_at_run_time():
    a = tf.placeholder(tf.float32, [None, None, None])
    b = tf.placeholder(tf.float32, [None, None, None])
    db = tf.image.psnr(a, b, 1.0)
    with tf.Session() as sess:
        x = programs.rgb((3, 4, 3))
        assert sess.run(db, {a: x, b: x * 0.5}) == pytest.approx(
            -10 * np.log10(np.mean((x * 0.5) ** 2)), rel=1e-5)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(db, {a: x, b: x[:2, :, :3]})


# -- random ones: ranges, seeds (TF's random draws cannot be matched bit for bit) -----------------

def _windows(image, size):
    """Every size[0] x size[1] window of an h, w, c image, by offset."""
    h, w = image.shape[:2]
    return {(i, j): image[i:i + size[0], j:j + size[1]]
            for i in range(h - size[0] + 1) for j in range(w - size[1] + 1)}


def test_random_crop_is_a_uniform_seeded_window():
    x = programs.rgb((5, 6, 3))
    tf.set_random_seed(11)
    crop = tf.random_crop(tf.constant(x), [3, 4, 3], seed=5)
    assert crop.name == "random_crop:0" and crop.shape.as_list() == [3, 4, 3]
    assert tf.image.random_crop is tf.random_crop
    windows = _windows(x, (3, 4))
    runs = []
    for _ in range(2):
        with tf.Session() as sess:
            runs.append([sess.run(crop) for _ in range(120)])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)  # same seeds: the same crops in a new session
    counts = dict.fromkeys(windows, 0)
    for value in runs[0]:
        (offset,) = [o for o, w in windows.items() if np.array_equal(w, value)]
        counts[offset] += 1
    assert min(counts.values()) >= 5  # 12 offsets, 120 draws: each about 10 times


def test_random_crop_of_a_too_small_value_fails_at_run_time():
    x = tf.placeholder(tf.float32, [None, None, 3])
    crop = tf.random_crop(x, [4, 4, 3])
    with tf.Session() as sess:
        assert sess.run(crop, {x: np.zeros((4, 5, 3))}).shape == (4, 4, 3)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Need value.shape >= size"):
            sess.run(crop, {x: np.zeros((3, 5, 3))})


def test_random_brightness_and_contrast_draw_one_factor_per_run_in_range():
    x = programs.rgb()
    bright = tf.image.random_brightness(tf.constant(x), 0.3, seed=1)
    contrast = tf.image.random_contrast(tf.constant(x), 0.2, 1.8, seed=2)
    mean = x.mean(axis=(1, 2), keepdims=True)
    deltas, factors = [], []
    with tf.Session() as sess:
        for _ in range(60):
            b, c = sess.run([bright, contrast])
            delta = b - x
            assert np.ptp(delta) < 1e-6  # one delta for the whole batch
            deltas.append(delta.flat[0])
            factor = (c - mean) / (x - mean)
            assert np.ptp(factor) < 1e-4  # one factor for every image and channel
            factors.append(factor.flat[0])
    assert -0.3 <= min(deltas) < -0.1 and 0.1 < max(deltas) <= 0.3
    assert 0.2 <= min(factors) < 0.6 and 1.4 < max(factors) <= 1.8
    with tf.Session() as sess:  # seeded: a new session repeats the first draw
        np.testing.assert_allclose(sess.run(bright) - x, deltas[0], atol=1e-6)


def test_random_brightness_saturates_uint8():
    u8 = programs.rgb_uint8()
    y = tf.image.random_brightness(tf.constant(u8), 0.9, seed=3)
    with tf.Session() as sess:
        values = [sess.run(y) for _ in range(10)]
    assert all(v.dtype == np.uint8 for v in values)
    assert any((v == 255).sum() > (u8 == 255).sum() for v in values)  # clipped, not wrapped
    assert any((v == 0).sum() > (u8 == 0).sum() for v in values)


def test_random_hue_and_saturation_draw_one_shift_or_factor_per_run_in_range():
    x = programs.rgb()
    h0, s0, _ = _hsv_reference(x.astype(np.float64))
    hue = tf.image.random_hue(tf.constant(x), 0.3, seed=4)
    saturation = tf.image.random_saturation(tf.constant(x), 0.2, 0.9, seed=5)
    shifts, factors, runs = [], [], []
    with tf.Session() as sess:
        for _ in range(40):
            a, b = sess.run([hue, saturation])
            runs.append(a)
            shift = (_hsv_reference(a.astype(np.float64))[0] - h0 + 0.5) % 1 - 0.5
            assert np.ptp(shift) < 1e-5  # one delta for the batch
            shifts.append(shift.flat[0])
            factor = _hsv_reference(b.astype(np.float64))[1] / s0
            assert np.ptp(factor) < 1e-5
            factors.append(factor.flat[0])
    assert -0.3 <= min(shifts) < -0.15 and 0.15 < max(shifts) <= 0.3
    assert 0.2 <= min(factors) < 0.4 and 0.7 < max(factors) <= 0.9
    with tf.Session() as sess:  # seeded: a new session repeats the draws
        np.testing.assert_array_equal(sess.run(hue), runs[0])


# -- a CIFAR-10 style input function ---------------------------------------------------------------

def test_cifar10_style_distorted_inputs_through_shuffle_batch():
    """cifar10_input.distorted_inputs' preprocessing on a queue of 32x32 uint8 images."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (16, 32, 32, 3)).astype(np.uint8)
    labels = np.arange(16, dtype=np.int32)
    tf.set_random_seed(1)
    image, label = tf.train.slice_input_producer([images, labels], shuffle=False)
    reshaped = tf.cast(image, tf.float32)
    distorted = tf.random_crop(reshaped, [24, 24, 3])
    distorted = tf.image.random_flip_left_right(distorted)
    distorted = tf.image.random_brightness(distorted, max_delta=63)
    distorted = tf.image.random_contrast(distorted, lower=0.2, upper=1.8)
    standardized = tf.image.per_image_standardization(distorted)
    standardized.set_shape([24, 24, 3])
    batch, batch_labels = tf.train.shuffle_batch([standardized, label], batch_size=8,
                                                 capacity=40, min_after_dequeue=10,
                                                 num_threads=2)
    assert batch.shape.as_list() == [8, 24, 24, 3]
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            for _ in range(3):
                x, y = sess.run([batch, batch_labels])
                assert x.dtype == np.float32 and y.shape == (8,)
                np.testing.assert_allclose(x.mean(axis=(1, 2, 3)), 0, atol=1e-4)
                np.testing.assert_allclose(x.std(axis=(1, 2, 3)), 1, rtol=1e-3)
        finally:
            coord.request_stop()
            coord.join(threads)
