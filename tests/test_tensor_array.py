"""tf.TensorArray against TensorFlow's recorded behaviour (tests/record_tf_tensor_array.py ->
tests/fixtures/tf_tensor_array.json): values, names and static shapes outside and inside
while loops, gradients (an RNN trained with Adam and SGD included), and misuses' errors."""

import json
import os
import re

import numpy as np
import pytest

import minitf as tf
from tests import tensor_array_programs as P

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_tensor_array.json")) as f:
    TF = json.load(f)

# Tensors whose names differ from TF's: gradients (minitf's gradient graph is its own).
_OWN_NAMES = set()


@pytest.mark.parametrize("name", sorted(P.VALUE_PROGRAMS))
def test_values_names_and_shapes_match_tf(name):
    want = TF["values"][name]
    with tf.Graph().as_default():
        fetches = P.VALUE_PROGRAMS[name](tf)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run({k: v for k, v in fetches.items() if not k.endswith("flow")})
    assert sorted(fetches) == sorted(want)
    for key, t in fetches.items():
        w = want[key]
        if not key.startswith("d") and key not in _OWN_NAMES:
            assert t.name == w["name"], key
        if key.endswith("flow"):
            assert t.dtype is tf.variant and t.shape.as_list() == []  # (TF1: a float32 dummy)
            continue
        assert t.dtype.name == w["dtype"], key
        if not key.startswith("d"):
            assert P.shape_of(t) == w["shape"], key
        else:
            assert t.shape.is_compatible_with(w["shape"]), key
        np.testing.assert_allclose(got[key], np.asarray(w["value"], np.float32), rtol=2e-5,
                                   atol=1e-6, err_msg=key)


def test_static_shapes_match_tf():
    with tf.Graph().as_default():
        fetches = P.static_shapes(tf)
    for key, w in TF["shapes"]["static_shapes"].items():
        assert P.shape_of(fetches[key]) == w["shape"], key
        assert fetches[key].name == w["name"], key


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_rnn_training_matches_tf(optimizer):
    got = P.run_training(tf, optimizer)
    want = TF["training"][optimizer]
    np.testing.assert_allclose(got["losses"], want["losses"], rtol=2e-5)
    for g, w in zip(got["variables"], want["variables"]):
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-6)


def _message(text):
    """A message with the array's resource name (TF: op name + a process-wide counter) made
    generic."""
    return re.sub(r"TensorArray \S+_\d+:", "TensorArray <name>:", text)


# TF 2.x's compat.v1 returns zeros for an element never written when the element shape is
# known; TF 1.15 (the spec) raises, with this message (its tensor_array_ops_test).
_TF1_15 = {"read_unwritten": "TensorArray <name>: Could not read from TensorArray index 1 "
                             "because it has not yet been written to.",
           "read_unwritten_known_shape": "TensorArray <name>: Could not read from TensorArray "
                                         "index 1 because it has not yet been written to."}


@pytest.mark.parametrize("name", sorted(P.RUN_ERRORS))
def test_run_time_errors_match_tf(name):
    want = TF["run_errors"][name]
    with tf.Graph().as_default():
        out = P.RUN_ERRORS[name](tf)
        fetch, feed = out if isinstance(out, tuple) else (out, None)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.OpError) as info:
                sess.run(fetch, feed)
    if name in _TF1_15:
        assert want["class"] is None  # (recorded from TF 2.x)
        assert type(info.value).__name__ == "InvalidArgumentError"
        assert _message(info.value.message) == _TF1_15[name]
        return
    assert type(info.value).__name__ == want["class"]
    assert _message(info.value.message) == _message(want["message"])


@pytest.mark.parametrize("name", sorted(P.BUILD_ERRORS))
def test_build_errors_match_tf(name):
    want = TF["build_errors"][name]
    with tf.Graph().as_default():
        if want["class"] is None:  # TF logs an error and fails at run time: minitf at build
            with pytest.raises(TypeError, match="TensorArray dtype is float32 but Op is trying "
                               "to write dtype int32"):
                P.BUILD_ERRORS[name](tf)
            return
        with pytest.raises(ValueError) as info:
            P.BUILD_ERRORS[name](tf)
    assert type(info.value).__name__ == want["class"]
    assert str(info.value) == want["message"]


def test_each_run_makes_a_new_array():
    # clear_after_read is per run: a second run reads the element again, and two equal
    # TensorArray ops are two arrays (never merged as common subexpressions).
    ta = tf.TensorArray(tf.float32, size=1).write(0, [1., 2.])
    twin = tf.TensorArray(tf.float32, size=1).write(0, [1., 2.])
    r, s = ta.read(0), twin.read(0)
    with tf.Session() as sess:
        for _ in range(2):
            a, b = sess.run([r, s])
            np.testing.assert_array_equal(a, [1., 2.])
            np.testing.assert_array_equal(b, [1., 2.])


def test_constructor_checks_and_properties():
    with pytest.raises(ValueError, match="Size must be provided"):
        tf.TensorArray(tf.float32)
    ta = tf.TensorArray(tf.float32, size=2, dynamic_size=True, element_shape=[3])
    with pytest.raises(ValueError, match="flow must not be None"):
        tf.TensorArray(tf.float32, handle=ta.handle)
    assert ta.dtype is tf.float32 and ta.dynamic_size
    assert ta.element_shape.as_list() == [3]
    assert ta.handle.name == "TensorArray:0" and ta.handle.dtype is tf.resource
    assert ta.flow.name == "TensorArray:1"
    same = tf.TensorArray(tf.float32, handle=ta.handle, flow=ta.flow)
    assert same.flow is ta.flow
    assert ta.close().type == "TensorArrayCloseV3"


def test_while_loop_returns_tensor_arrays_and_gradients_of_cond_writes():
    x = tf.constant(P._seq(3, 1, 2))
    ta = tf.TensorArray(tf.float32, size=3)

    def body(i, ta):
        assert isinstance(ta, tf.TensorArray)
        v = x[i] * x[i]
        return i + 1, tf.cond(i > 0, lambda: ta.write(i, v), lambda: ta.write(i, -v))
    _, out = tf.while_loop(lambda i, ta: i < 3, body, [0, ta])
    assert isinstance(out, tf.TensorArray)
    loss = tf.reduce_sum(out.stack() * [1., 2., 3.][0])
    dx = tf.gradients(loss, x)[0]
    xv = P._seq(3, 1, 2)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(dx), 2 * xv * np.array([-1, 1, 1])[:, None, None],
                                   rtol=1e-6)


def test_graph_export_has_tf_op_types():
    ta = tf.TensorArray(tf.float32, size=2).unstack(tf.zeros([2, 3]))
    y = ta.read(0)
    tf.gradients(tf.reduce_sum(y), [])
    types = {n.op for n in tf.get_default_graph().as_graph_def().node}
    assert {"TensorArrayV3", "TensorArrayScatterV3", "TensorArrayReadV3"} <= types
    meta = tf.train.export_meta_graph()
    assert any(n.op == "TensorArrayV3" for n in meta.graph_def.node)


def test_rnn_graph_exports_and_imports_with_tf_values(tmp_path):
    # The RNN's graph (a loop carrying a TensorArray, and its gradient) goes to TensorBoard
    # and through a meta graph; the imported graph computes TF's loss and gradient.
    with tf.Graph().as_default() as g:
        fetches = P.rnn_gradients(tf)
        tf.summary.FileWriter(str(tmp_path), g).close()
        meta = tf.train.export_meta_graph()
    assert list(tmp_path.iterdir())
    with tf.Graph().as_default() as g2:
        tf.train.import_meta_graph(meta)
        assert "TensorArrayWriteV3" in {op.type for op in g2.get_operations()}
        loss, dwx = (g2.get_tensor_by_name(fetches[k].name) for k in ("loss", "dwx"))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run([loss, dwx])
    want = TF["values"]["rnn_gradients"]
    np.testing.assert_allclose(got[0], want["loss"]["value"], rtol=2e-5)
    np.testing.assert_allclose(got[1], want["dwx"]["value"], rtol=2e-5, atol=1e-6)
