"""tf.debugging.assert_shapes against what TF 2.21's compat.v1 does with the same programs
(tests/record_tf_assert_shapes.py -> tests/fixtures/tf_assert_shapes.json): build-time errors
word for word, the op it returns, and what each run with given shapes says."""

import json
import os

import pytest

import minitf as tf
from tests import assert_shapes_programs as programs

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_assert_shapes.json")) as f:
    RECORDED = json.load(f)


@pytest.mark.parametrize("name", sorted(programs.CASES))
def test_as_tf(name):
    assert programs.run_case(tf, name) == RECORDED[name]


def test_a_dict_and_a_tensor_shape_spec():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 3])
    op = tf.debugging.assert_shapes({x: ("N", 3), y: tf.TensorShape([None, 3])})
    with tf.Session() as sess:
        sess.run(op, {x: [[1, 2, 3]], y: [[1, 2, 3], [4, 5, 6]]})  # y's None is any size
    with pytest.raises(ValueError, match="must have size 2"):
        tf.debugging.assert_shapes([(x, ("N", 2))])
