"""tf.image against values recorded from TensorFlow (tests/nn/record_image.py), seeded random
flips, and the errors bad boxes and sizes raise."""

import re

import numpy as np
import pytest

import minitf as tf
from tests.nn.record_image import cases, image
from tests.nn.tf_image_values import VALUES

pytestmark = pytest.mark.usefixtures("fresh_graph")


def test_matches_tensorflow():
    out = cases(tf)
    assert set(out) == set(VALUES)
    with tf.Session() as sess:
        got = sess.run(out)
    for key, (dtype, shape, values) in VALUES.items():
        assert got[key].dtype.name == dtype, key
        assert list(got[key].shape) == shape == out[key].shape.as_list(), key
        np.testing.assert_allclose(got[key].astype(np.float64).ravel(), values, rtol=1e-5,
                                   atol=2e-6, err_msg=key)


def test_random_flips_are_seeded_and_per_image():
    x = tf.constant(image())
    tf.set_random_seed(3)
    flips = tf.image.random_flip_left_right(x, seed=7)
    one = tf.image.random_flip_up_down(x[0], seed=1)
    runs = []
    for _ in range(2):
        with tf.Session() as sess:
            runs.append([sess.run(flips) for _ in range(8)] + [sess.run(one)])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)  # same seeds, same flips in a new session
    xv = image()
    seen = set()
    for value in runs[0][:8]:
        for i in range(2):
            flipped = np.array_equal(value[i], xv[i, :, ::-1])
            assert flipped or np.array_equal(value[i], xv[i])
            seen.add((i, flipped))
    assert len(seen) == 4  # each image both flipped and not, independently


@pytest.mark.parametrize("call, message", [
    (lambda x: tf.image.crop_to_bounding_box(x, 2, 0, 2, 2), "height must be >= target + offset"),
    (lambda x: tf.image.pad_to_bounding_box(x, 0, 3, 5, 6), "width must be <= target - offset"),
    (lambda x: tf.image.pad_to_bounding_box(x, -1, 0, 5, 6), "offset_height must be >= 0"),
    (lambda x: tf.image.central_crop(x, 0.0), r"central_fraction must be within \(0, 1\]"),
    (lambda x: tf.image.flip_left_right(x[0, 0]), "must have either 3 or 4 dimensions"),
    (lambda x: tf.image.resize_bilinear(x, (0, 3)), "'size' must be positive"),
    (lambda x: tf.image.resize_bilinear(x, (2, 3), align_corners=True, half_pixel_centers=True),
     "If half_pixel_centers is True, align_corners must be False"),
])
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=re.escape(message) if "+" in message else message):
        call(tf.constant(image()))


def test_resize_with_a_size_known_at_run_time():
    size = tf.placeholder(tf.int32, [2])
    x = tf.placeholder(tf.float32, [None, None, None, 2])
    y = tf.image.resize_bilinear(x, size, half_pixel_centers=True)
    assert y.shape.as_list() == [None, None, None, 2]
    with tf.Session() as sess:
        got = sess.run(y, {x: image(), size: [5, 7]})
        np.testing.assert_allclose(got.ravel(), VALUES["bilinear_5x7_align0_half1"][2],
                                   rtol=1e-5, atol=2e-6)
        with pytest.raises(tf.errors.InvalidArgumentError, match="must be positive"):
            sess.run(y, {x: image(), size: [0, 7]})
