"""Records what TensorFlow's bounding-box and resampling image ops give, for
tests/nn/test_image_boxes.py (TF is never a minitf dependency; run with TensorFlow):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_image_boxes.py

writes tests/fixtures/tf_image_boxes.json. The cases are built by functions taking the `tf`
module, so the test builds the very same graphs on minitf and compares:

- the non_max_suppression family on boxes with tied scores, IoU exactly at the threshold,
  corners given flipped (y2, x2, y1, x1), zero-area boxes, empty inputs, max_output_size 0 and
  score thresholds that remove every box: selected indices (exactly), scores, valid counts,
  static shapes and op names;
- crop_and_resize (bilinear and nearest, boxes reaching outside the image, flipped boxes, one
  pixel crops, extrapolation_value, integer images) and its gradients w.r.t. image and boxes;
- resize_bicubic (its gradient too) and resize_area with every align_corners /
  half_pixel_centers combination, resize_images with BICUBIC and AREA (and an image already of
  the size, for every method), resize_image_with_pad, draw_bounding_boxes (default colours for
  1, 3 and 4 channels, given colours, inverted boxes and boxes outside) and extract_patches;
- the errors (class and message) bad shapes raise, at build time and at run time."""

import json
import os
import re

import numpy as np

# -- inputs ---------------------------------------------------------------------------------------

# Box 1 is box 0 with its corners given flipped; box 2 overlaps box 0 with IoU exactly 0.5
# (inter 2, union 4); box 3 overlaps box 0 with IoU exactly 1/3 (inter 2, union 6); box 4 has
# zero area; boxes 5-7 are apart from the rest, 6 and 7 with IoU 0.6 of each other.
BOXES = np.array([
    [0, 0, 2, 2],
    [2, 2, 0, 0],
    [0, 0, 2, 1],
    [0, 1, 2, 3],
    [1, 1, 1, 3],
    [5, 5, 6, 6],
    [10, 10, 12, 12],
    [10.4, 10, 12.4, 12],
    [20, 20, 21, 22],
    [21, 22, 20, 20],
], dtype=np.float32)
# Ties: boxes 0 and 1 (same box), 6 and 7, 8 and 9.
SCORES = np.array([0.9, 0.9, 0.8, 0.75, 0.95, 0.3, 0.6, 0.6, 0.5, 0.5], dtype=np.float32)


def random_boxes(n=60, seed=1):
    rng = np.random.RandomState(seed)
    corners = rng.uniform(0, 10, (n, 2, 2)).astype(np.float32)
    sizes = rng.uniform(0.5, 3, (n, 2, 2)).astype(np.float32)
    boxes = np.concatenate([corners[:, 0], corners[:, 0] + sizes[:, 0]], 1)
    flip = rng.rand(n) < 0.3
    boxes[flip] = boxes[flip][:, [2, 3, 0, 1]]
    scores = (rng.randint(0, 12, n) / 12.0).astype(np.float32)  # many ties
    return boxes, scores


def overlaps():
    rng = np.random.RandomState(2)
    return rng.uniform(0, 1, (8, 8)).astype(np.float32)


def image(shape=(2, 5, 6, 3)):
    return ((np.arange(np.prod(shape), dtype=np.float32).reshape(shape) * 13) % 17) / 4


CROP_BOXES = np.array([
    [0.1, 0.2, 0.8, 0.9],
    [0.0, 0.0, 1.0, 1.0],
    [-0.3, 0.5, 0.6, 1.4],   # reaches outside: extrapolated
    [0.9, 0.8, 0.2, 0.1],    # flipped: an upside-down, mirrored crop
    [0.35, 0.45, 0.35, 0.45],
], dtype=np.float32)
CROP_INDICES = np.array([0, 1, 1, 0, 1], dtype=np.int32)


# -- cases ----------------------------------------------------------------------------------------

def nms_cases(tf, padded=None):
    """{name: a tensor or a tuple of tensors}; `padded` stands in for
    tf.image.non_max_suppression_padded (the recorder passes TF 1.15's)."""
    out = {}
    b, s = tf.constant(BOXES), tf.constant(SCORES)
    nms = tf.image.non_max_suppression
    out["nms"] = nms(b, s, 10)
    out["nms_iou_third"] = nms(b, s, 10, iou_threshold=1 / 3)
    out["nms_iou_zero"] = nms(b, s, 10, iou_threshold=0.0)
    out["nms_iou_one"] = nms(b, s, 10, iou_threshold=1.0)
    out["nms_max3"] = nms(b, s, 3)
    out["nms_max0"] = nms(b, s, 0)
    out["nms_score_threshold"] = nms(b, s, 10, score_threshold=0.6)
    out["nms_score_threshold_all"] = nms(b, s, 10, score_threshold=0.95)
    out["nms_empty"] = nms(tf.zeros([0, 4]), tf.zeros([0]), 5)
    rb, rs = random_boxes()
    out["nms_random"] = nms(tf.constant(rb), tf.constant(rs), 40, iou_threshold=0.3,
                            name="random_nms")
    out["nms_float16"] = nms(tf.constant(BOXES.astype(np.float16)),
                             tf.constant(SCORES.astype(np.float16)), 10)
    ws = tf.image.non_max_suppression_with_scores
    out["with_scores_hard"] = ws(b, s, 10, iou_threshold=0.5)
    out["with_scores_soft"] = ws(b, s, 10, iou_threshold=0.5, soft_nms_sigma=0.5)
    out["with_scores_soft_threshold"] = ws(b, s, 10, score_threshold=0.45, soft_nms_sigma=0.3)
    out["with_scores_soft_random"] = ws(tf.constant(rb), tf.constant(rs), 30,
                                        score_threshold=0.05, soft_nms_sigma=0.8)
    pad = padded or tf.image.non_max_suppression_padded
    out["padded"] = pad(b, s, 8, pad_to_max_output_size=True)
    out["padded_no_pad"] = pad(b, s, 8)
    out["padded_threshold_all"] = pad(b, s, 4, score_threshold=0.99,
                                      pad_to_max_output_size=True)
    ov = tf.constant(overlaps())
    sc = tf.constant(np.linspace(0.9, 0.2, 8).astype(np.float32)[[3, 1, 0, 2, 7, 5, 6, 4]])
    out["overlaps"] = tf.image.non_max_suppression_overlaps(ov, sc, 8, overlap_threshold=0.6)
    out["overlaps_threshold"] = tf.image.non_max_suppression_overlaps(
        ov, sc, 5, overlap_threshold=0.9, score_threshold=0.4)
    return out


def combined_inputs():
    rng = np.random.RandomState(3)
    boxes = rng.uniform(-0.2, 1.1, (2, 6, 3, 4)).astype(np.float32)
    scores = rng.permutation(2 * 6 * 3).reshape(2, 6, 3).astype(np.float32) / 36  # no ties
    return boxes, scores


def combined_cases(tf):
    boxes, scores = combined_inputs()
    cnms = tf.image.combined_non_max_suppression
    out = {}
    out["combined"] = cnms(tf.constant(boxes[:, :, :1]), tf.constant(scores), 3, 7,
                           iou_threshold=0.3)
    out["combined_q_classes"] = cnms(tf.constant(boxes), tf.constant(scores), 4, 6,
                                     iou_threshold=0.4, score_threshold=0.2)
    out["combined_pad_per_class"] = cnms(tf.constant(boxes), tf.constant(scores), 2, 20,
                                         score_threshold=0.3, pad_per_class=True)
    out["combined_no_clip"] = cnms(tf.constant(boxes[:, :, :1]), tf.constant(scores), 2, 4,
                                   clip_boxes=False)
    out["combined_threshold_all"] = cnms(tf.constant(boxes[:, :, :1]), tf.constant(scores), 2,
                                         3, score_threshold=1.0)
    return out


def crop_cases(tf):
    out = {}
    x = tf.constant(image())
    b, i = tf.constant(CROP_BOXES), tf.constant(CROP_INDICES)
    car = tf.image.crop_and_resize
    for method in ("bilinear", "nearest"):
        for size in ((3, 4), (1, 1), (4, 2)):
            key = "crop_%s_%dx%d" % ((method,) + size)
            y = car(x, b, i, size, method=method)
            out[key] = y
            w = tf.constant(np.cos(np.arange(5 * size[0] * size[1] * 3)).reshape(
                (5,) + size + (3,)).astype(np.float32))
            gx, gb = tf.gradients(tf.reduce_sum(y * w), [x, b])
            out[key + "_grads"] = (gx, gb)
    out["crop_extrapolation"] = car(x, b, i, (3, 3), extrapolation_value=-1.5)
    out["crop_box_indices_name"] = car(x, b, crop_size=(2, 2), box_indices=i,
                                       name="crops")
    out["crop_uint8"] = car(tf.constant(np.arange(2 * 4 * 4 * 1, dtype=np.uint8).reshape(
        2, 4, 4, 1) * 7), b, i, (3, 3))
    out["crop_float64"] = car(tf.constant(image().astype(np.float64)), b, i, (2, 3),
                              method="nearest")
    out["crop_empty"] = car(x, tf.zeros([0, 4]), tf.zeros([0], tf.int32), (2, 3))
    return out


def _placeholders(tf, *specs):
    return [tf.placeholder(dtype, shape) for dtype, shape in specs]


def error_cases(tf):
    """{name: (build, feed)}: build() makes the graph (a build-time error raises there) and
    returns what to run; feed is the feed_dict maker (None for build-time errors)."""
    f32, i32 = tf.float32, tf.int32
    nms = tf.image.non_max_suppression
    car = tf.image.crop_and_resize

    def nms_feed(boxes_shape, scores_shape, **kw):
        def build():
            boxes, scores = _placeholders(tf, (f32, None), (f32, None))
            return nms(boxes, scores, 3, **kw), {boxes: np.zeros(boxes_shape, np.float32),
                                                 scores: np.zeros(scores_shape, np.float32)}
        return build

    def car_feed(**values):
        def build():
            x, boxes, ind, size = _placeholders(tf, (f32, None), (f32, None), (i32, None),
                                                (i32, None))
            feeds = {x: np.zeros((2, 4, 4, 1), np.float32), boxes: np.zeros((3, 4), np.float32),
                     ind: np.zeros(3, np.int32), size: np.array([2, 2], np.int32)}
            phs = {"image": x, "boxes": boxes, "box_ind": ind, "crop_size": size}
            for k, v in values.items():
                feeds[phs[k]] = v
            return car(x, boxes, ind, size), feeds
        return build

    return {
        "nms_boxes_3_columns": lambda: nms(tf.zeros([5, 3]), tf.zeros([5]), 3),
        "nms_boxes_rank_1": lambda: nms(tf.zeros([5]), tf.zeros([5]), 3),
        "nms_scores_rank_2": lambda: nms(tf.zeros([5, 4]), tf.zeros([5, 1]), 3),
        "nms_max_output_size_vector": lambda: nms(tf.zeros([5, 4]), tf.zeros([5]), [3]),
        "nms_iou_threshold_vector": lambda: nms(tf.zeros([5, 4]), tf.zeros([5]), 3,
                                                iou_threshold=[0.5]),
        "nms_int_boxes": lambda: nms(tf.zeros([5, 4], tf.int32), tf.zeros([5]), 3),
        "nms_run_boxes_3_columns": nms_feed((5, 3), (5,)),
        "nms_run_scores_length": nms_feed((5, 4), (4,)),
        "nms_run_iou_threshold_range": lambda: (
            nms(tf.zeros([5, 4]), tf.zeros([5]), 3, iou_threshold=1.5), {}),
        "nms_run_negative_max_output_size": lambda: (
            nms(tf.zeros([5, 4]), tf.zeros([5]), -1), {}),
        "soft_nms_negative_sigma": lambda: (tf.image.non_max_suppression_with_scores(
            tf.zeros([5, 4]), tf.zeros([5]), 3, soft_nms_sigma=-1.0)[0], {}),
        "overlaps_not_square": lambda: tf.image.non_max_suppression_overlaps(
            tf.zeros([5, 4]), tf.zeros([5]), 3),
        "combined_boxes_rank_3": lambda: tf.image.combined_non_max_suppression(
            tf.zeros([2, 5, 4]), tf.zeros([2, 5, 3]), 2, 4),
        "combined_q_mismatch": lambda: (tf.image.combined_non_max_suppression(
            tf.zeros([2, 5, 2, 4]), tf.zeros([2, 5, 3]), 2, 4)[0], {}),
        "crop_boxes_3_columns": lambda: car(tf.zeros([2, 4, 4, 1]), tf.zeros([3, 3]),
                                            tf.zeros([3], tf.int32), [2, 2]),
        "crop_image_rank_3": lambda: car(tf.zeros([4, 4, 1]), tf.zeros([3, 4]),
                                         tf.zeros([3], tf.int32), [2, 2]),
        "crop_box_ind_rank_2": lambda: car(tf.zeros([2, 4, 4, 1]), tf.zeros([3, 4]),
                                           tf.zeros([3, 1], tf.int32), [2, 2]),
        "crop_box_ind_length": lambda: car(tf.zeros([2, 4, 4, 1]), tf.zeros([3, 4]),
                                           tf.zeros([2], tf.int32), [2, 2]),
        "crop_size_3_elements": lambda: car(tf.zeros([2, 4, 4, 1]), tf.zeros([3, 4]),
                                            tf.zeros([3], tf.int32), [2, 2, 2]),
        "crop_size_zero": lambda: (car(tf.zeros([2, 4, 4, 1]), tf.zeros([3, 4]),
                                       tf.zeros([3], tf.int32), [0, 2]), {}),
        "crop_size_negative": lambda: (car(tf.zeros([2, 4, 4, 1]), tf.zeros([3, 4]),
                                           tf.zeros([3], tf.int32), [2, -1]), {}),
        "crop_run_box_ind_range": car_feed(box_ind=np.array([0, 2, 1], np.int32)),
        "crop_run_boxes_3_columns": car_feed(boxes=np.zeros((3, 3), np.float32)),
        "crop_run_box_ind_length": car_feed(box_ind=np.zeros(2, np.int32)),
        "crop_run_size_zero": car_feed(crop_size=np.array([2, 0], np.int32)),
        "crop_run_image_rank_3": car_feed(image=np.zeros((4, 4, 1), np.float32)),
        "draw_boxes_rank_2": lambda: tf.image.draw_bounding_boxes(tf.zeros([1, 4, 4, 3]),
                                                                  tf.zeros([1, 4])),
        "draw_run_depth_2": lambda: (tf.image.draw_bounding_boxes(
            tf.zeros([1, 4, 4, 2]), tf.zeros([1, 1, 4])), {}),
        "draw_run_batch": lambda: (tf.image.draw_bounding_boxes(
            tf.zeros([2, 4, 4, 3]), tf.placeholder(tf.float32, [None, 1, 4])),
            {"Placeholder:0": np.zeros((1, 1, 4), np.float32)}),
        "crop_bad_method": lambda: car(tf.zeros([2, 4, 4, 1]), tf.zeros([3, 4]),
                                       tf.zeros([3], tf.int32), [2, 2], method="bicubic"),
    }


def as_lists(value):
    value = np.asarray(value)
    return {"dtype": value.dtype.name, "shape": list(value.shape),
            "values": value.astype(np.float64).ravel().tolist()}


def static(t):
    return None if t.shape.ndims is None else t.shape.as_list()


def run_cases(tf, builders):
    """{name: {"names", "static", "values"}} of every case, built in one graph."""
    out = {}
    with tf.Graph().as_default():
        cases = {}
        for builder in builders:
            cases.update(builder(tf))
        fetches = {k: list(v) if isinstance(v, tuple) else [v] for k, v in cases.items()}
        with tf.Session() as sess:
            values = sess.run(fetches)
        for k, ts in fetches.items():
            out[k] = {"names": [t.name for t in ts], "static": [static(t) for t in ts],
                      "values": [as_lists(v) for v in values[k]]}
    return out


def describe(error):
    """[class name, message, input shapes]: a build-time error's message without the node TF
    names (TF 2.21 spells out the NodeDef) and the input shapes it lists, or a run-time error's
    line from the kernel, without the traceback TF adds."""
    message = getattr(error, "message", None) or str(error)
    detail = [line for line in message.split("\n") if line and not line.startswith("\t")][-1]
    shapes = None
    found = re.match(r"(.*?) for '.*? with input shapes: (.*)\.$", detail)
    if found:
        detail, shapes = found.groups()
    return [type(error).__name__, detail, shapes]


def raised(tf, build):
    """What building (and, for a (fetch, feed) case, running) `build` raises, or None."""
    with tf.Graph().as_default():
        try:
            made = build()
            if isinstance(made, tuple):
                with tf.Session() as sess:
                    sess.run(*made)
        except Exception as e:  # noqa: BLE001 - what is raised is what we record
            return e
    return None


def run_errors(tf, cases):
    """{name: describe(what building or running the case raises)}."""
    return {name: describe(raised(tf, build)) for name, build in cases.items()}


# -- resampling: bicubic and area resizes, resize_images, resize_image_with_pad, patches -------

def resize_image(shape=(2, 5, 7, 3)):
    return np.sin(np.arange(np.prod(shape), dtype=np.float32).reshape(shape) * 0.37) * 4


RESIZE_SIZES = ((3, 4), (8, 11), (1, 1), (5, 7), (4, 2))


def resize_cases(tf):
    out = {}
    x = tf.constant(resize_image())
    for size in RESIZE_SIZES:
        for align, half in ((False, False), (True, False), (False, True)):
            key = "%dx%d_align%d_half%d" % (size + (align, half))
            y = tf.image.resize_bicubic(x, size, align_corners=align, half_pixel_centers=half)
            out["bicubic_" + key] = y
            if not half:
                out["area_" + key] = tf.image.resize_area(x, size, align_corners=align)
            if size in ((3, 4), (8, 11)):
                w = tf.constant(np.cos(np.arange(2 * size[0] * size[1] * 3)).reshape(
                    (2,) + size + (3,)).astype(np.float32))
                out["bicubic_grad_" + key] = tf.gradients(tf.reduce_sum(y * w), x)[0]
    x64 = tf.constant(resize_image((1, 4, 6, 2)).astype(np.float64))
    y64 = tf.image.resize_bicubic(x64, (7, 5), half_pixel_centers=True)
    out["bicubic_float64"] = y64
    out["bicubic_grad_float64"] = tf.gradients(tf.reduce_sum(y64 * y64), x64)[0]
    u8 = tf.constant((np.arange(2 * 4 * 5 * 1) * 37 % 256).astype(np.uint8).reshape(2, 4, 5, 1))
    out["bicubic_uint8"] = tf.image.resize_bicubic(u8, (7, 3))
    out["area_uint8"] = tf.image.resize_area(u8, (3, 2))
    out["area_float64"] = tf.image.resize_area(x64, (3, 4))
    for method in (2, 3):
        out["resize_images_%d" % method] = tf.image.resize_images(x, (6, 9), method=method)
        out["resize_images_%d_3d" % method] = tf.image.resize_images(x[0], (4, 3), method=method,
                                                                     align_corners=True)
    for method in range(4):
        out["resize_images_same_%d" % method] = tf.image.resize_images(u8, (4, 5),
                                                                       method=method)
    out["resize_with_pad_3d"] = tf.image.resize_image_with_pad(u8[0], 6, 8)
    out["resize_with_pad_bicubic"] = tf.image.resize_image_with_pad(x, 9, 4, method=2)
    out["resize_with_pad_nearest_align"] = tf.image.resize_image_with_pad(
        x, 4, 12, method=1, align_corners=True)
    return out


def draw_cases(tf):
    out = {}
    boxes = tf.constant(np.array([
        [[0.1, 0.2, 0.6, 0.7], [0.5, -0.3, 1.4, 0.5], [0.0, 0.0, 1.0, 1.0]],
        [[0.7, 0.6, 0.2, 0.1], [1.2, 0.1, 1.5, 0.9], [0.3, 0.3, 0.3, 0.8]]], np.float32))
    for depth in (1, 3, 4):
        images = tf.constant(np.full((2, 6, 7, depth), 0.25, np.float32))
        out["draw_depth%d" % depth] = tf.image.draw_bounding_boxes(images, boxes)
    images = tf.constant(np.full((2, 6, 7, 3), 0.25, np.float32))
    out["draw_colors"] = tf.image.draw_bounding_boxes(
        images, boxes, colors=np.array([[0.9, 0.1, 0.2, 1], [0.3, 0.4, 0.5, 1]], np.float32))
    out["draw_float16"] = tf.image.draw_bounding_boxes(tf.cast(images, tf.float16), boxes,
                                                       name="drawn")
    return out


def patch_cases(tf):
    x = tf.constant(resize_image((2, 6, 7, 2)))
    return {"extract_patches": tf.image.extract_patches(x, [1, 3, 2, 1], [1, 2, 3, 1],
                                                        [1, 1, 2, 1], "SAME"),
            "extract_patches_valid": tf.image.extract_patches(x, [1, 2, 2, 1], [1, 1, 1, 1],
                                                              [1, 2, 1, 1], "VALID",
                                                              name="patches")}


CASES = (nms_cases, combined_cases, crop_cases, resize_cases, draw_cases, patch_cases)
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                       "tf_image_boxes.json")


def tf115_padded(tf):
    """TF 1.15's non_max_suppression_padded: one NonMaxSuppressionV4 (TF 2's is another,
    batched algorithm that also takes the corners as given)."""
    def padded(boxes, scores, max_output_size, iou_threshold=0.5,
               score_threshold=float("-inf"), pad_to_max_output_size=False, name=None):
        with tf.name_scope(name, "non_max_suppression_padded"):
            iou_threshold = tf.convert_to_tensor(iou_threshold, name="iou_threshold")
            score_threshold = tf.convert_to_tensor(score_threshold, name="score_threshold")
            return tuple(tf.raw_ops.NonMaxSuppressionV4(
                boxes=boxes, scores=scores, max_output_size=max_output_size,
                iou_threshold=iou_threshold, score_threshold=score_threshold,
                pad_to_max_output_size=pad_to_max_output_size))
    return padded


def main():
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    cases = (lambda tf: nms_cases(tf, tf115_padded(tf)),) + CASES[1:]
    record = {"version": tf.__version__, "cases": run_cases(tf, cases),
              "errors": run_errors(tf, error_cases(tf))}
    with open(FIXTURE, "w") as f:
        json.dump(record, f, indent=0, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
