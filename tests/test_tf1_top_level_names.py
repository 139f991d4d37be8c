"""TF1 top-level names: TF's protocol buffer classes (tf.GraphDef, tf.NodeDef, tf.MetaGraphDef, ...),
the classes minitf itself writes, so a frozen graph loads the TF1 way and TF's files parse; and
TF 1.15's switches to TF 2 behaviour whose TF1 side minitf already has."""

import os

import numpy as np

import minitf as tf

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def test_a_frozen_graph_loads_the_tf1_way(tmp_path):
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.constant([[1.0], [2.0]], name="w")
        tf.nn.relu(tf.matmul(x, w) - 1.0, name="y")
        path = str(tmp_path / "frozen.pb")
        with open(path, "wb") as f:
            f.write(graph.as_graph_def().SerializeToString())
        assert isinstance(graph.as_graph_def(), tf.GraphDef)
    graph_def = tf.GraphDef()
    with open(path, "rb") as f:
        graph_def.ParseFromString(f.read())
    assert isinstance(graph_def.node[0], tf.NodeDef)
    assert isinstance(graph_def.node[0].attr["dtype"], tf.AttrValue)
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        with tf.Session() as sess:
            out = sess.run("y:0", {"x:0": np.array([[1.0, 1.0], [0.0, 0.0]], np.float32)})
    np.testing.assert_array_equal(out, [[2.0], [0.0]])


def test_tfs_meta_graph_parses_as_a_meta_graph_def():
    from minitf.protos.saved_model_pb2 import SavedModel
    with open(os.path.join(FIXTURES, "tf_saved_model", "saved_model.pb"), "rb") as f:
        saved = SavedModel.FromString(f.read())
    meta = tf.MetaGraphDef.FromString(saved.meta_graphs[0].SerializeToString())
    assert meta.graph_def.node and isinstance(meta.graph_def, tf.GraphDef)
    inputs = meta.signature_def["serving_default"].inputs
    assert all(isinstance(info, tf.TensorInfo) for info in inputs.values())
    with tf.Graph().as_default():
        tf.Variable(1.0)
        assert isinstance(tf.train.export_meta_graph(), tf.MetaGraphDef)


def test_event_classes_are_the_ones_summaries_use(tmp_path):
    assert tf.Event is tf.summary.Event and tf.SessionLog is tf.summary.SessionLog
    writer = tf.summary.FileWriter(str(tmp_path))
    writer.add_session_log(tf.SessionLog(status=tf.SessionLog.START), 1)
    histogram = tf.HistogramProto(min=0.0, max=1.0, num=2, sum=1.0, sum_squares=1.0,
                                  bucket_limit=[1.0], bucket=[2.0])
    metadata = tf.SummaryMetadata(display_name="h")
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="h", histo=histogram,
                                                         metadata=metadata)]), 2)
    writer.close()
    (name,) = os.listdir(str(tmp_path))
    events = list(tf.train.summary_iterator(str(tmp_path / name)))
    assert all(isinstance(e, tf.Event) for e in events)
    assert events[1].session_log.status == tf.SessionLog.START
    assert events[2].summary.value[0].histo.bucket == [2.0]
    assert events[2].summary.value[0].metadata.display_name == "h"
    assert tf.LogMessage(level=tf.LogMessage.INFO, message="m").level == tf.LogMessage.INFO
    assert tf.NameAttrList(name="f").name == "f"
    assert tf.summary.SummaryDescription(type_hint="scalar").type_hint == "scalar"
    assert tf.summary.TaggedRunMetadata(tag="step_1").tag == "step_1"


def test_tf1_behaviour_switches_that_hold_already():
    # what TF 2.21's compat.v1 answers after tf.disable_v2_behavior(), recorded by hand
    for switch in (tf.disable_resource_variables, tf.disable_tensor_equality,
                   tf.disable_v2_tensorshape):
        assert switch() is None
    assert tf.resource_variables_enabled() is False
    assert tf.executing_eagerly_outside_functions() is False
    x = tf.placeholder(tf.float32, [None, 3])
    assert isinstance(x.shape[1], tf.Dimension)          # v1 TensorShape
    assert (x == x) is True and len({x, x}) == 1           # identity equality, hashable
    assert [tf.is_symbolic_tensor(v) for v in (tf.constant(1), 1, tf.Variable(1.0))] == \
        [True, False, False]


def test_op_scope_and_variable_op_scope_are_the_old_spellings(caplog):
    # names recorded by hand from TF 2.21's compat.v1 (the same program)
    x = tf.constant(1.0)
    with caplog.at_level("WARNING", logger="minitf"):
        with tf.op_scope([x], "foo", "default") as scope:
            assert scope == "foo/" and tf.identity(x).name == "foo/Identity:0"
        with tf.op_scope([x], None, "default") as scope:
            assert scope == "default/"
        names = []
        for name in ("bar", None, None):
            with tf.variable_op_scope([x], name, "dflt",
                                      initializer=tf.ones_initializer()) as vs:
                names.append((vs.name, tf.get_variable("w", [1]).name))
    assert names == [("bar", "bar/w:0"), ("dflt", "dflt/w:0"), ("dflt_1", "dflt_1/w:0")]
    warnings = [r.getMessage() for r in caplog.records]
    assert warnings.count("tf.op_scope(values, name, default_name) is deprecated, use "
                          "tf.name_scope(name, default_name, values)") == 2  # every call
    assert warnings.count("tf.variable_op_scope(values, name, default_name) is deprecated, "
                          "use tf.variable_scope(name, default_name, values)") == 3
