"""tf.contrib.image programs run by tests/record_tf_contrib_image.py in TensorFlow (TF Addons'
tfa.image, the port of contrib.image, TF 1.15 not installing here) and by
tests/test_contrib_image.py in minitf. `image` is the module with transform/rotate/...."""

import inspect

import numpy as np


def inputs():
    rng = np.random.RandomState(2)
    return {"batch": rng.rand(2, 5, 6, 3).astype(np.float32) * 10,
            "gray": (rng.rand(4, 7) * 255).astype(np.uint8),
            "rgb": rng.rand(6, 4, 3).astype(np.float32),
            "transforms": np.array([[1, 0.3, -1.2, 0.1, 0.9, 0.5, 0.01, -0.02],
                                    [0.8, -0.2, 0.7, 0.3, 1.1, -0.4, 0, 0]], np.float32),
            "weights": rng.rand(2, 4, 7, 3).astype(np.float32)}


def compose(image, *transforms):
    """contrib's compose_transforms(*transforms); TF Addons' takes one list."""
    varargs = inspect.signature(image.compose_transforms).parameters
    if any(p.kind is p.VAR_POSITIONAL for p in varargs.values()):
        return image.compose_transforms(*transforms)
    return image.compose_transforms(list(transforms))


def run_all(tf, image):
    d = inputs()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 5, 6, 3])
        out = {
            "transform nearest": image.transform(x, d["transforms"], interpolation="NEAREST",
                                                 output_shape=[4, 7]),
            "transform bilinear": image.transform(x, d["transforms"], interpolation="BILINEAR",
                                                  output_shape=[4, 7]),
            "transform one for all": image.transform(x, d["transforms"][1], "BILINEAR"),
            "transform uint8 2-D": image.transform(d["gray"], d["transforms"][0], "BILINEAR"),
            "rotate": image.rotate(x, 0.4),
            "rotate per image": image.rotate(x, [0.4, -1.1], "BILINEAR"),
            "rotate 3-D": image.rotate(d["rgb"], 2.0, "BILINEAR"),
            "translate": image.translate(x, [[1.5, -2.0], [0.0, 3.0]], "BILINEAR"),
            "compose": compose(image, image.angles_to_projective_transforms(0.3, 5.0, 6.0),
                               image.translations_to_projective_transforms([1.0, 2.0])),
            "matrices": image.flat_transforms_to_matrices(d["transforms"]),
        }
        loss = tf.reduce_sum(out["transform bilinear"] * d["weights"])
        out["gradient bilinear"] = tf.gradients(loss, x)[0]
        loss = tf.reduce_sum(out["transform nearest"] * d["weights"])
        out["gradient nearest"] = tf.gradients(loss, x)[0]
        with tf.Session() as sess:
            values = sess.run(out, {x: d["batch"]})
    return {k: {"shape": list(v.shape), "dtype": v.dtype.name, "value": v.reshape(-1).tolist()}
            for k, v in values.items()}
