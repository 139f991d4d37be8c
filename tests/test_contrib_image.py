"""tf.contrib.image against TensorFlow's (TF Addons' port, recorded by
tests/record_tf_contrib_image.py into tests/fixtures/tf_contrib_image.json): transforms,
rotations, translations, composition, and TF's gradient of the transform."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests import contrib_image_programs as programs

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_contrib_image.json")) as f:
    RECORDED = json.load(f)
OURS = {}


def ours():
    if not OURS:
        OURS.update(programs.run_all(tf, tf.contrib.image))
    return OURS


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_as_tf(name):
    got, want = ours()[name], RECORDED[name]
    assert (got["shape"], got["dtype"]) == (want["shape"], want["dtype"])
    if "rotate" in name or name == "gradient bilinear":
        # (sin and cos of an angle, and the inverse matrix of the gradient's transform, differ
        # from TF's in the last bits)
        np.testing.assert_allclose(got["value"], want["value"], rtol=1e-5, atol=1e-5)
    else:  # the same float32 operations in the same order: TF's bits
        assert got["value"] == want["value"]


def test_static_shapes_names_and_errors():
    x = tf.placeholder(tf.float32, [None, 5, 6, 3])
    out = tf.contrib.image.transform(x, [1, 0, 0, 0, 1, 0, 0, 0], output_shape=[4, 7])
    assert out.shape.as_list() == [None, 4, 7, 3]
    assert out.op.type == "ImageProjectiveTransformV2" and out.op.get_attr("interpolation") == \
        "NEAREST"
    assert tf.contrib.image.rotate(tf.zeros([4, 7]), 1.0).shape.as_list() == [4, 7]
    # TF's op def's attributes (a GraphDef with this node was imported and run by TF 2.21, by
    # hand, giving minitf's values)
    (node,) = [n for n in tf.get_default_graph().as_graph_def().node
               if n.name == out.op.name]
    assert sorted(node.attr) == ["dtype", "fill_mode", "interpolation"]
    with pytest.raises(TypeError, match="rank between 2 and 4"):
        tf.contrib.image.rotate(tf.zeros([4]), 1.0)
    with pytest.raises(TypeError, match="Invalid dtype"):
        tf.contrib.image.transform(tf.zeros([4, 4], tf.bool), [1, 0, 0, 0, 1, 0, 0, 0])
    with pytest.raises(ValueError, match="fills with zeros only"):
        from minitf.ops.image_transform_ops import ImageProjectiveTransformV2
        ImageProjectiveTransformV2(fill_mode="REFLECT")(tf.zeros([1, 2, 2, 1]),
                                                          tf.zeros([1, 8]), tf.constant([2, 2]))
    with pytest.raises(ValueError, match=r"transforms must be \[num_images or 1, 8\]"):
        tf.contrib.image.transform(tf.zeros([1, 4, 4, 1]), tf.zeros([1, 6]))
