"""Records TensorFlow's tf.image results on small inputs (resizes with every align_corners /
half_pixel_centers combination, crops, pads, standardization, dtype conversion). Run in a venv
with TensorFlow:

    python tests/nn/record_image.py > tests/nn/tf_image_values.py

tests/nn/test_image.py replays them (without TensorFlow)."""

import numpy as np


def image():
    return (np.arange(2 * 3 * 4 * 2, dtype=np.float32).reshape(2, 3, 4, 2) * 7 % 11) / 3


def cases(tf):
    x = tf.constant(image())
    out = {}
    for size in ((5, 7), (2, 3), (3, 4), (1, 1), (6, 2)):
        for align, half in ((False, False), (True, False), (False, True)):
            key = "%dx%d_align%d_half%d" % (size + (align, half))
            out["bilinear_" + key] = tf.image.resize_bilinear(
                x, size, align_corners=align, half_pixel_centers=half)
            out["nearest_" + key] = tf.image.resize_nearest_neighbor(
                x, size, align_corners=align, half_pixel_centers=half)
    out["resize_images_nearest_3d"] = tf.image.resize_images(
        x[0], (5, 3), method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    out["resize_images_bilinear_align"] = tf.image.resize_images(x, (4, 6), align_corners=True)
    out["flip_left_right"] = tf.image.flip_left_right(x)
    out["flip_up_down_3d"] = tf.image.flip_up_down(x[1])
    out["per_image_standardization"] = tf.image.per_image_standardization(x)
    out["per_image_standardization_uint8_3d"] = tf.image.per_image_standardization(
        tf.constant(np.arange(12, dtype=np.uint8).reshape(2, 2, 3)))
    out["per_image_standardization_constant"] = tf.image.per_image_standardization(
        tf.ones([2, 2, 1]))
    out["central_crop_0.5"] = tf.image.central_crop(x, 0.5)
    out["central_crop_0.7_3d"] = tf.image.central_crop(x[0], 0.7)
    out["pad_to_bounding_box"] = tf.image.pad_to_bounding_box(x, 1, 2, 5, 7)
    out["crop_to_bounding_box"] = tf.image.crop_to_bounding_box(x[0], 1, 1, 2, 2)
    u8 = tf.constant(np.array([[[0], [1], [128], [255]]], dtype=np.uint8))
    out["uint8_to_float32"] = tf.image.convert_image_dtype(u8, tf.float32)
    out["uint8_to_int16"] = tf.image.convert_image_dtype(u8, tf.int16)
    out["int16_to_uint8"] = tf.image.convert_image_dtype(
        tf.constant(np.array([[[0], [255], [32767]]], dtype=np.int16)), tf.uint8)
    f = tf.constant(np.array([[[0.0], [0.5], [1.0], [1.2], [-0.1]]], dtype=np.float32))
    out["float32_to_uint8_saturate"] = tf.image.convert_image_dtype(f, tf.uint8, saturate=True)
    out["float32_to_float64"] = tf.image.convert_image_dtype(f, tf.float64)
    return out


def main():
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    out = cases(tf)
    with tf.Session() as sess:
        values = sess.run(out)
    print('"""TensorFlow 2.21 (compat.v1) tf.image results, recorded by record_image.py."""\n')
    print("VALUES = {")
    for k in out:
        v = values[k]
        print("    %r: (%r, %r, %r)," % (k, v.dtype.name, list(v.shape),
                                         np.round(v.astype(np.float64), 6).ravel().tolist()))
    print("}")


if __name__ == "__main__":
    main()
