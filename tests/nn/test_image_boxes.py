"""tf.image's bounding-box and resampling ops against TensorFlow's recorded results
(tests/record_tf_image_boxes.py builds the same graphs here): indices exactly, values to float32
rounding, output names, static shapes, and the errors bad shapes raise."""

import json

import numpy as np
import pytest

import minitf as tf
from tests import record_tf_image_boxes as rec

pytestmark = pytest.mark.usefixtures("fresh_graph")

with open(rec.FIXTURE) as _f:
    RECORDED = json.load(_f)


@pytest.fixture(scope="module")
def got():
    return rec.run_cases(tf, rec.CASES)


# Names that differ from TF's, and why.
OTHER_NAMES = {
    # The image itself is returned, as in TF; the graphs number their constants differently.
    **{"resize_images_same_%d" % m: "Const" for m in range(4)},
    # minitf's pad_to_bounding_box names its Pad op after its scope.
    "resize_with_pad_bicubic": "resize_image_with_pad_1/pad_to_bounding_box:0",
    "resize_with_pad_nearest_align": "resize_image_with_pad_2/pad_to_bounding_box:0",
}


@pytest.mark.parametrize("name", sorted(RECORDED["cases"]))
def test_matches_tensorflow(got, name):
    want, mine = RECORDED["cases"][name], got[name]
    if name in OTHER_NAMES:
        assert [n.startswith(OTHER_NAMES[name]) for n in mine["names"]] == [True]
    else:
        assert mine["names"] == want["names"]
    assert mine["static"] == want["static"]
    for m, w in zip(mine["values"], want["values"]):
        assert (m["dtype"], m["shape"]) == (w["dtype"], w["shape"])
        if w["dtype"].startswith("int"):
            assert m["values"] == w["values"]  # selected indices and counts: exactly
        else:
            np.testing.assert_allclose(m["values"], w["values"], rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(RECORDED["errors"]))
def test_errors_match_tensorflow(name):
    cls, message, shapes = RECORDED["errors"][name]
    error = rec.raised(tf, rec.error_cases(tf)[name])
    assert error is not None
    mine = rec.describe(error)
    assert mine[0] == cls, (mine, cls)
    assert mine[1].startswith(message), (mine[1], message)
    if shapes is not None:  # build time: the graph names the node and the input shapes
        assert mine[2] == shapes


def test_gradients_tf_does_not_define_raise_lookup_error():
    x = tf.placeholder(tf.float32, [1, 4, 5, 3])
    for y in (tf.image.resize_area(x, [2, 3]),
              tf.gradients(tf.image.resize_bicubic(x, [7, 3]), x)[0],
              tf.image.draw_bounding_boxes(x, tf.zeros([1, 1, 4]), colors=[[1.0, 0, 0, 1]])):
        with pytest.raises(LookupError, match="No gradient defined for operation"):
            tf.gradients(y, x)
    boxes, scores = tf.placeholder(tf.float32, [5, 4]), tf.placeholder(tf.float32, [5])
    crops = tf.image.crop_and_resize(x, boxes, tf.zeros([5], tf.int32), [2, 2])
    for y, wrt in ((tf.image.non_max_suppression_with_scores(boxes, scores, 3)[1], scores),
                   (tf.image.combined_non_max_suppression(
                       boxes[None, :, None], scores[None, :, None], 2, 3)[1], scores),
                   (tf.gradients(crops, x)[0], boxes), (tf.gradients(crops, boxes)[0], boxes)):
        with pytest.raises(LookupError, match="No gradient defined for operation"):
            tf.gradients(y, wrt)
    # DrawBoundingBoxes (no colours) is marked not differentiable: None, as in TF.
    assert tf.gradients(tf.image.draw_bounding_boxes(x, tf.zeros([1, 1, 4])), x) == [None]


def test_sample_distorted_bounding_box_keeps_its_constraints_on_every_draw():
    height, width = 50, 80
    box = np.array([0.2, 0.3, 0.7, 0.8], np.float32)
    begin, size, bboxes = tf.image.sample_distorted_bounding_box(
        tf.constant([height, width, 3]), box.reshape(1, 1, 4), seed=4, seed2=7,
        min_object_covered=0.3, aspect_ratio_range=(0.5, 2.0), area_range=(0.1, 0.6),
        max_attempts=50)
    # The names, shapes and dtypes TF 2.21's compat.v1 gives (its draws are not reproduced).
    assert begin.name == "sample_distorted_bounding_box/SampleDistortedBoundingBoxV2:0"
    assert [t.shape.as_list() for t in (begin, size, bboxes)] == [[3], [3], [1, 1, 4]]
    assert (begin.dtype, size.dtype, bboxes.dtype) == (tf.int32, tf.int32, tf.float32)
    runs = []
    for _ in range(2):
        with tf.Session() as sess:
            runs.append([sess.run([begin, size, bboxes]) for _ in range(200)])
    for a, b in zip(*runs):  # the same seeds: the same draws in a new session
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
    oy0, ox0, oy1, ox1 = (int(box[0] * height), int(box[1] * width), int(box[2] * height),
                          int(box[3] * width))
    seen = set()
    for (y, x, z), (h, w, minus_one), bb in runs[0]:
        assert (z, minus_one) == (0, -1)
        assert 0 <= y and 0 <= x and y + h <= height and x + w <= width
        np.testing.assert_array_equal(bb.ravel(), np.array(
            [y / height, x / width, (y + h) / height, (x + w) / width], np.float32))
        seen.add((y, x, h, w))
        if (h, w) == (height, width):
            continue  # no draw met the constraints: the whole image
        assert 0.1 * height * width <= h * w <= 0.6 * height * width
        assert 0.5 - 0.5 / h <= w / h <= 2.0 + 0.5 / h  # w = round(h * aspect ratio)
        inter = max(min(y + h, oy1) - max(y, oy0), 0) * max(min(x + w, ox1) - max(x, ox0), 0)
        assert inter / ((oy1 - oy0) * (ox1 - ox0)) >= 0.3
    assert len(seen) > 100  # the draws vary


def test_sample_distorted_bounding_box_without_boxes():
    begin, size, _ = tf.image.sample_distorted_bounding_box(
        [10, 20, 3], tf.zeros([1, 0, 4]), seed=1, use_image_if_no_bounding_boxes=True,
        area_range=(0.2, 0.3))
    fails = tf.image.sample_distorted_bounding_box([10, 20, 3], tf.zeros([1, 0, 4]), seed=1)
    with tf.Session() as sess:
        for _ in range(20):
            h, w, _ = sess.run(size)
            assert 0.2 * 200 <= h * w <= 0.3 * 200
        with pytest.raises(tf.errors.InvalidArgumentError, match="No bounding boxes provided"):
            sess.run(fails)
