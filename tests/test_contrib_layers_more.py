"""tf.contrib.layers' instance_norm, group_norm and the smaller functions against TF-Slim
(tests/record_tf_contrib_layers.py records tests/contrib_layers_programs.py with tf_slim, TF
1.15's contrib.layers code, into tests/fixtures/tf_contrib_layers.json): variable names and
collections, output names, static shapes and values, and the errors of misuse."""

import json
import os

import pytest

import minitf as tf
from tests import contrib_layers_programs as programs
from tests.test_slim import _compare

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_contrib_layers.json")) as f:
    RECORDED = json.load(f)


@pytest.mark.parametrize("name", programs.case_names())
def test_matches_tf_slim(name):
    _compare(programs.run_case(tf, tf.contrib.layers, name), RECORDED[name], name)


def test_maxout_needs_a_known_axis():
    x = tf.placeholder(tf.float32, [None, None, 3])
    with pytest.raises(TypeError, match="axis 1 known, got shape \\(\\?, \\?, 3\\)"):
        tf.contrib.layers.maxout(x, 2, axis=1)
    assert tf.contrib.layers.maxout(x, 3).shape.as_list() == [None, None, 3]


def test_arg_scope_defaults_reach_the_norm_layers():
    layers = tf.contrib.layers
    with tf.contrib.framework.arg_scope([layers.instance_norm, layers.group_norm],
                                        center=False):
        layers.instance_norm(tf.zeros([2, 3, 4]))
        layers.group_norm(tf.zeros([2, 3, 4, 8]), groups=4)
    assert [v.op.name for v in tf.global_variables()] == ["InstanceNorm/gamma",
                                                          "GroupNorm/gamma"]


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(programs.case_names() + ["create_train_op"])


@pytest.mark.parametrize("case", ["default", "transform", "partial"])
def test_create_train_op_matches_tf_slim(case):
    ours = programs.create_train_op(tf, tf.contrib.training)[case]
    _compare(ours, RECORDED["create_train_op"][case], case)
