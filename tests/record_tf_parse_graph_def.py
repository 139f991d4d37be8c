"""Records the GraphDef form of TF's ParseExampleV2 and ParseSequenceExampleV2 (TF 2.15,
compat.v1 graph mode), for tests/test_parse_graph_def.py: the nodes tf.io.parse_example and
tf.io.parse_(single_)sequence_example add (names, ops, inputs), the parse node's attrs, and what
the op parses. minitf writes the ops as TF does (the dense defaults and the keys as inputs), so
TF loads SavedModels with parsing receivers. TF 2.21 writes the same nodes. Run:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/record_tf_parse_graph_def.py \
        > tests/fixtures/tf_parse_graph_def.json
    TF_CPP_MIN_LOG_LEVEL=3 /work/tf215/bin/python tests/record_tf_parse_graph_def.py graph_def \
        > tests/fixtures/tf_parse_sequence_graph_def.json

(the second: TF's serialized GraphDef of sequence_batch_graph, which minitf must import and run
with the values TF gave).
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


def _sequence_example(tf, context, lists):
    """A serialized SequenceExample: context {key: values}, lists {key: [values per step]}."""
    def one(values):  # (an Example's only feature, re-read as a Feature; [] is int64)
        if not values:
            return tf.train.Feature(int64_list=tf.train.Int64List(value=[]))
        return tf.train.Example.FromString(_example(tf, f=values)).features.feature["f"]
    return tf.train.SequenceExample(
        context=tf.train.Features(feature={k: one(v) for k, v in context.items()}),
        feature_lists=tf.train.FeatureLists(feature_list={
            k: tf.train.FeatureList(feature=[one(v) for v in steps])
            for k, steps in lists.items()})).SerializeToString()


def _parse_node(graph_def, op_type="ParseExampleV2"):
    """The parse node: its inputs and its attrs (as text), device aside."""
    node = [n for n in graph_def.node if n.op == op_type][0]
    return {"name": node.name, "input": list(node.input),
            "attr": {k: str(v) for k, v in sorted(node.attr.items())}}


def _values(value):
    if hasattr(value, "indices"):
        return [_values(value.indices), _values(value.values), _values(value.dense_shape)]
    if isinstance(value, bytes):  # (a scalar string)
        return [value.decode()]
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


def sequence_records(tf):
    """Two serialized SequenceExamples: the first lacks context feature c and list d, the
    second lists v, d and sp."""
    return [_sequence_example(tf, {"r": [0.5], "v": [b"x"]},
                              {"d": [[1.0, 2.0], [3.0, 4.0]], "e": [[7]], "sp": [[1, 2], []]}),
            _sequence_example(tf, {"c": [5, 6], "r": [1.5]}, {"e": [[8], [9]]})]


def sequence_batch_graph(tf):
    """A graph with parse_sequence_example over placeholder `s`: context defaults, a required
    context feature, a context and a feature list VarLenFeature and dense feature lists (one
    allow_missing). Returns the graph and the op's outputs (context, lists, lengths)."""
    with tf.Graph().as_default() as g:
        serialized = tf.placeholder(tf.string, [None], name="s")
        out = tf.io.parse_sequence_example(serialized, context_features={
            "c": tf.io.FixedLenFeature([2], tf.int64, default_value=[1, 2]),
            "r": tf.io.FixedLenFeature([], tf.float32),
            "v": tf.io.VarLenFeature(tf.string)}, sequence_features={
            "d": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True),
            "e": tf.io.FixedLenSequenceFeature([], tf.int64),
            "sp": tf.io.VarLenFeature(tf.int64)})
    return g, out


def sequence_single_graph(tf):
    """A graph with a named parse_single_sequence_example over scalar placeholder `s` (a
    context key with a space, a dense feature list). Returns the graph and the outputs."""
    with tf.Graph().as_default() as g:
        serialized = tf.placeholder(tf.string, [], name="s")
        out = tf.io.parse_single_sequence_example(serialized, context_features={
            "key with space": tf.io.FixedLenFeature([], tf.string, default_value="z")},
            sequence_features={"d": tf.io.FixedLenSequenceFeature([2], tf.float32,
                                                                  allow_missing=True)},
            name="mine")
    return g, out


def sequence_fetches(out):
    """[[key, tensor name or a SparseTensor's (indices, values, dense_shape) names]] of a parse
    op's output dicts, in the order sequence_examples lists their values."""
    return [[k, [v.indices.name, v.values.name, v.dense_shape.name]
             if hasattr(v, "indices") else v.name]
            for part in out for k, v in sorted(part.items())]


def sequence_examples(tf, root):
    """sequence_batch_graph's nodes, its ParseSequenceExampleV2 node and values, then a named
    parse_single_sequence_example's node and values."""
    rec = {}
    records = sequence_records(tf)
    g, out = sequence_batch_graph(tf)
    rec["nodes"] = [[n.name, n.op, list(n.input)] for n in g.as_graph_def().node]
    rec["parse"] = _parse_node(g.as_graph_def(), "ParseSequenceExampleV2")
    with tf.Session(graph=g) as sess:
        got = sess.run(out, {"s:0": records})
    rec["values"] = [{k: _values(v) for k, v in sorted(part.items())} for part in got]
    g, out = sequence_single_graph(tf)
    rec["single"] = _parse_node(g.as_graph_def(), "ParseSequenceExampleV2")
    with tf.Session(graph=g) as sess:
        got = sess.run(out, {"s:0": records[0]})
    rec["single_values"] = [{k: _values(v) for k, v in sorted(part.items())} for part in got]
    return rec


PROGRAMS = [dense_and_sparse, sequence_and_names, sequence_examples]


if __name__ == "__main__":
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repo root
    from tests.record_tf_monitored_session import run_all
    import tensorflow.compat.v1 as tf_v1
    tf_v1.disable_v2_behavior()
    if sys.argv[1:] == ["graph_def"]:  # TF's own GraphDef of sequence_batch_graph
        g, out = sequence_batch_graph(tf_v1)
        print(json.dumps({"graph_def": g.as_graph_def().SerializeToString(deterministic=True).hex(),
                          "fetches": sequence_fetches(out)}, indent=1))
    else:
        print(json.dumps(run_all(tf_v1, PROGRAMS), indent=1, sort_keys=True))
