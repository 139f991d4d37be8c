"""Records what TensorFlow's tf.image colour, geometry and augmentation functions give on the
programs of tests/nn/image_adjust_programs.py, for tests/nn/test_image_adjust.py (TF is never
a minitf dependency; run this in a venv with TensorFlow):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/nn/record_image_adjust.py \
        > tests/fixtures/tf_image_adjust.json

- values, dtypes, static shapes and tensor names of the deterministic functions and of the
  colour-space conversions and hue / saturation adjustments, and of SSIM and MS-SSIM;
- gradients of sum(w * f(x)) for the differentiable ones, and which raise LookupError;
- the exception class and message of build-time misuse, and of runs the kernels refuse;
- static shapes and names of functions built on placeholders with unknown dimensions."""

import json
import os
import sys

import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from tests.nn import image_adjust_programs as programs  # noqa: E402

tf.disable_v2_behavior()

NOT_DIFFERENTIABLE = {  # TF registers no gradient for these ops
    "adjust_contrast": lambda tf, x: tf.image.adjust_contrast(x, 1.5),
    "hsv_to_rgb": lambda tf, x: tf.image.hsv_to_rgb(x),
    "adjust_hue": lambda tf, x: tf.image.adjust_hue(x, 0.1),
    "adjust_saturation": lambda tf, x: tf.image.adjust_saturation(x, 1.5),
}


def described(tensors, values=None):
    out = {}
    for k, t in tensors.items():
        d = {"name": t.name, "dtype": t.dtype.name,
             "static_shape": None if t.shape.ndims is None else t.shape.as_list()}
        if values is not None:
            v = values[k]
            d["shape"] = list(v.shape)
            d["values"] = v.ravel().tolist()
        out[k] = d
    return out


def main():
    result = {}
    with tf.Graph().as_default():
        out = programs.deterministic(tf)
        with tf.Session() as sess:
            result["deterministic"] = described(out, sess.run(out))
    with tf.Graph().as_default():
        out = programs.color(tf)
        with tf.Session() as sess:
            result["color"] = described(out, sess.run(out))
    with tf.Graph().as_default():
        out = programs.quality(tf)
        with tf.Session() as sess:
            result["quality"] = described(out, sess.run(out))
    for key, build in (("gradients", programs.gradients),
                       ("color_gradients", programs.color_gradients),
                       ("quality_gradients", programs.quality_gradients)):
        with tf.Graph().as_default():
            out = build(tf)
            with tf.Session() as sess:
                result[key] = {k: v.ravel().tolist() for k, v in sess.run(out).items()}
    result["not_differentiable"] = {}
    for name, build in NOT_DIFFERENTIABLE.items():
        with tf.Graph().as_default():
            x = tf.constant(programs.rgb())
            try:  # NotDifferentiable: a None gradient; no gradient registered: LookupError
                (grad,) = tf.gradients(build(tf, x), x)
                result["not_differentiable"][name] = "None" if grad is None else "a gradient"
            except LookupError as e:
                result["not_differentiable"][name] = str(e)
    result["errors"] = {}
    with tf.Graph().as_default():
        calls = dict(programs.errors(tf), **programs.color_errors(tf),
                     **programs.quality_errors(tf))
        for name, call in calls.items():
            try:
                call()
                result["errors"][name] = None
            except Exception as e:  # noqa: BLE001 - the class is what is recorded
                result["errors"][name] = [type(e).__name__, str(e)]
    result["run_errors"] = {}
    with tf.Graph().as_default():
        tensors = dict(programs.color_run_errors(tf), **programs.quality_run_errors(tf))
        for name, t in tensors.items():
            with tf.Session() as sess:
                try:
                    sess.run(t)
                    result["run_errors"][name] = None
                except tf.errors.OpError as e:
                    # The kernel's words: the line before TF's "[[{{node ...}}]]" (the rest is
                    # a traceback of this script).
                    result["run_errors"][name] = [type(e).__name__, e.message.splitlines()[-2]]
    with tf.Graph().as_default():
        result["static"] = described(programs.static_shapes(tf))
    result["tensorflow"] = tf.__version__
    json.dump(result, sys.stdout, indent=0, sort_keys=True)


if __name__ == "__main__":
    main()
