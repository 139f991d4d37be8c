"""tf.py_function (the EagerPyFunc op) against what TF 2.21 compat.v1 does with the same
functions (tests/record_tf_py_function.py -> tests/fixtures/tf_py_function.json): names, what
the function receives, how its results are converted to Tout, and the error classes."""

import json
import os

import numpy as np
import pytest

import minitf as tf

from tests import py_function_programs as programs
from tests.py_function_programs import X

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_py_function.json")) as f:
    RECORDED = json.load(f)


@pytest.mark.parametrize("name", sorted(programs.CASES))
def test_results_are_converted_to_tout_as_tf_converts_them(name):
    ours, recorded = programs.run_case(tf, name), RECORDED["cases"][name]
    if "value" in recorded:
        assert ours == recorded
    else:
        assert ours["error"] == recorded["error"]
        # TF's Python error line, but for the repr of an EagerTensor that minitf does not have
        assert [line.split(": <tf.Tensor")[0] for line in ours["python_error"]] == \
            [line.split(": <tf.Tensor")[0] for line in recorded["python_error"]]


def test_names_outputs_and_what_the_function_receives():
    assert programs.graph_facts(tf) == RECORDED["graph"]


def test_a_wrong_number_of_results_is_an_error_where_tf_drops_the_rest():
    # TF zips the results with Tout, so (1.0, 2.0) for one float32 silently gives 1.0
    out = tf.py_function(lambda a: (1.0, 2.0), [tf.constant(X)], tf.float32)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="returns 2 values, but expects to see 1"):
        sess.run(out)


def test_minitf_ops_inside_the_function_fail_clearly_and_change_nothing():
    v = tf.Variable(1.0)
    out = tf.py_function(lambda a: tf.reduce_sum(a), [tf.constant(X)], tf.float32)
    with tf.control_dependencies([out]):
        bump = v.assign_add(1.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="no eager mode"):
            sess.run(bump)
        assert sess.run(v) == 1.0


def test_gradients_need_a_registered_gradient():
    x = tf.constant(X)
    y = tf.py_function(lambda a: a * 3, [x], tf.float32)
    with pytest.raises(LookupError, match="EagerPyFunc.*eager gradient tape"):
        tf.gradients(tf.reduce_sum(y), x)
    graph = tf.get_default_graph()
    with graph.gradient_override_map({"EagerPyFunc": "Identity"}):
        z = tf.py_function(lambda a: a * 3, [x], tf.float32)
    (g,) = tf.gradients(tf.reduce_sum(z), x)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(g), np.ones_like(X))


def test_in_a_dataset_map():
    dataset = tf.data.Dataset.from_tensor_slices(np.arange(4, dtype=np.int64)).map(
        lambda i: tf.py_function(lambda v: v.numpy() * 10, [i], tf.int64))
    item = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert [sess.run(item) for _ in range(4)] == [0, 10, 20, 30]
