"""tf.train.write_graph / tf.io.write_graph: text and binary GraphDefs that load back (the binary
one with tf.import_graph_def, into a graph that computes the same), the directory created, the
path returned, the file replaced whole, and a clear error where the directory cannot be."""

import os

import numpy as np
import pytest
from google.protobuf import text_format

import minitf as tf


def _model():
    a = tf.constant(1.5, name="a")
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    return tf.reduce_sum(x * a, axis=1, name="y")


def test_text_and_binary_graphs_load_back(tmp_path):
    with tf.Graph().as_default() as g:
        _model()
        with tf.Session() as sess:
            text = tf.train.write_graph(sess.graph_def, str(tmp_path / "a" / "b"), "g.pbtxt")
        binary = tf.io.write_graph(g, tmp_path, "g.pb", as_text=False)
        graph_def = g.as_graph_def()
    assert text == os.path.join(str(tmp_path / "a" / "b"), "g.pbtxt")
    assert binary == os.path.join(str(tmp_path), "g.pb")
    from_text = text_format.Parse(open(text).read(), type(graph_def)())
    from_binary = type(graph_def).FromString(open(binary, "rb").read())
    assert from_text == from_binary == graph_def
    assert [n.name for n in from_binary.node] == ["a", "x", "mul", "y/reduction_indices", "y"]
    with tf.Graph().as_default():
        tf.import_graph_def(from_binary, name="")
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run("y:0", {"x:0": [[1.0, 2.0, 3.0]]}), [9.0])


def test_rewriting_replaces_the_file_and_a_file_in_the_way_is_an_error(tmp_path):
    with tf.Graph().as_default() as g:
        tf.constant(1.0, name="first")
        path = tf.train.write_graph(g, tmp_path, "g.pbtxt")
        tf.constant(2.0, name="second")
        assert tf.train.write_graph(g, tmp_path, "g.pbtxt") == path
        assert 'name: "second"' in open(path).read()
        assert os.listdir(tmp_path) == ["g.pbtxt"]  # no temporary file left
        (tmp_path / "file").write_text("x")
        with pytest.raises(tf.errors.FailedPreconditionError, match="not a directory"):
            tf.train.write_graph(g, tmp_path / "file", "g.pbtxt")
