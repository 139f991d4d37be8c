"""Records the GraphDef form of TF's ParseExampleV2 (TF 2.15, compat.v1 graph mode), for
tests/test_parse_graph_def.py: the nodes tf.io.parse_example adds (names, ops, inputs), the
ParseExampleV2 node's attrs, and what the op parses. minitf writes the op as TF does (the dense
defaults as inputs), so TF loads SavedModels with parsing receivers. Run:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/record_tf_parse_graph_def.py \
        > tests/fixtures/tf_parse_graph_def.json
"""
import json
import os
import sys


def _example(tf, **features):
    def feature(values):
        if isinstance(values[0], bytes):
            return tf.train.Feature(bytes_list=tf.train.BytesList(value=values))
        if isinstance(values[0], float):
            return tf.train.Feature(float_list=tf.train.FloatList(value=values))
        return tf.train.Feature(int64_list=tf.train.Int64List(value=values))
    return tf.train.Example(features=tf.train.Features(feature={
        k: feature(v) for k, v in features.items()})).SerializeToString()


def _parse_node(graph_def):
    """The ParseExampleV2 node: its inputs and its attrs (as text), device aside."""
    node = [n for n in graph_def.node if n.op == "ParseExampleV2"][0]
    return {"name": node.name, "input": list(node.input),
            "attr": {k: str(v) for k, v in sorted(node.attr.items())}}


def _values(value):
    if hasattr(value, "indices"):
        return [_values(value.indices), _values(value.values), _values(value.dense_shape)]
    return [v.decode() if isinstance(v, bytes) else v for v in value.reshape(-1).tolist()]


def dense_and_sparse(tf, root):
    """A required feature, defaults of two dtypes and a VarLenFeature: every node and the
    parsed values."""
    with tf.Graph().as_default() as g:
        serialized = tf.placeholder(tf.string, [None], name="input_example_tensor")
        out = tf.io.parse_example(serialized, {
            "x": tf.io.FixedLenFeature([1], tf.float32),
            "y": tf.io.FixedLenFeature([2], tf.int64, default_value=[1, 2]),
            "q": tf.io.FixedLenFeature([], tf.string, default_value="a"),
            "t": tf.io.VarLenFeature(tf.string)})
        nodes = [[n.name, n.op, list(n.input)] for n in g.as_graph_def().node]
        with tf.Session() as sess:
            got = sess.run(out, {serialized: [
                _example(tf, x=[1.5], t=[b"u", b"v"]), _example(tf, x=[2.5], y=[7, 8],
                                                              q=[b"b"])]})
        return {"nodes": nodes, "parse": _parse_node(g.as_graph_def()),
                "values": {k: _values(v) for k, v in sorted(got.items())}}


def sequence_and_names(tf, root):
    """A FixedLenSequenceFeature with a pad value, one without, a named parse op and
    parse_single_example: the ParseExampleV2 nodes and the values."""
    rec = {}
    with tf.Graph().as_default() as g:
        serialized = tf.placeholder(tf.string, [None], name="s")
        out = tf.io.parse_example(serialized, {
            "z": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True,
                                               default_value=-1.0),
            "w": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True),
            "key with space": tf.io.FixedLenFeature([], tf.int64, default_value=3)},
            name="mine")
        rec["parse"] = _parse_node(g.as_graph_def())
        with tf.Session() as sess:
            got = sess.run(out, {serialized: [_example(tf, z=[1.0, 2.0, 3.0, 4.0], w=[5]),
                                              _example(tf, z=[6.0, 7.0])]})
        rec["values"] = {k: _values(v) for k, v in sorted(got.items())}
    with tf.Graph().as_default() as g:
        one = tf.io.parse_single_example(_example(tf, a=[1.0]), {
            "a": tf.io.FixedLenFeature([], tf.float32)})
        rec["single"] = _parse_node(g.as_graph_def())
        with tf.Session() as sess:
            rec["single_value"] = float(sess.run(one["a"]))
    return rec


PROGRAMS = [dense_and_sparse, sequence_and_names]


if __name__ == "__main__":
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repo root
    from tests.record_tf_monitored_session import run_all
    import tensorflow.compat.v1 as tf_v1
    tf_v1.disable_v2_behavior()
    print(json.dumps(run_all(tf_v1, PROGRAMS), indent=1, sort_keys=True))
