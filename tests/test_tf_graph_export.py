"""GraphDefs in TensorFlow's form: what minitf keeps as fields goes out as TF's Const inputs
with TF's type attrs, minitf-only ops as TF ops, and TF-written GraphDefs import into minitf."""

import numpy as np
import pytest
from tensorboardX.proto import graph_pb2

import minitf as tf
from minitf.framework.graph_def import from_attr_value

pytestmark = pytest.mark.usefixtures("fresh_graph")


def exported():
    return {n.name: n for n in tf.get_default_graph().as_graph_def().node}


def attrs(node):
    return {k: from_attr_value(v) for k, v in node.attr.items()}


def const_value(node):
    assert node.op == "Const" and from_attr_value(node.attr["dtype"]) is tf.int32
    return from_attr_value(node.attr["value"]).tolist()


def test_reduction_axes_become_tfs_reduction_indices_input():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    tf.reduce_sum(x, axis=-1, keepdims=True, name="s")
    tf.reduce_mean(x, name="m")
    tf.reduce_any(tf.cast(x, tf.bool), axis=0, name="any")
    nodes = exported()
    assert list(nodes["s"].input) == ["x", "s/reduction_indices"]
    assert const_value(nodes["s/reduction_indices"]) == [-1]
    assert attrs(nodes["s"]) == {"keep_dims": True, "T": tf.float32, "Tidx": tf.int32}
    assert const_value(nodes["m/reduction_indices"]) == [0, 1]  # all axes of a rank-2 input
    assert attrs(nodes["any"]) == {"keep_dims": False, "Tidx": tf.int32}  # TF's Any has no T
    names = [n.name for n in tf.get_default_graph().as_graph_def().node]
    assert names.index("s/reduction_indices") == names.index("s") - 1


def test_all_axes_of_unknown_rank_keep_minitfs_attr():
    x = tf.placeholder(tf.float32, None, name="x")
    tf.reduce_sum(x, name="s")
    tf.transpose(x, name="t")
    nodes = exported()
    assert list(nodes["s"].input) == ["x"] and attrs(nodes["s"])["axis"] is None
    assert list(nodes["t"].input) == ["x"] and attrs(nodes["t"])["perm"] is None


@pytest.mark.parametrize("build, inputs, tf_attrs", [
    (lambda x, i: tf.transpose(x, [1, 0], name="op"), ["x", "op/perm"],
     {"T": tf.float32, "Tperm": tf.int32}),
    (lambda x, i: tf.concat([x, x, x], -1, name="op"), ["x", "x", "x", "op/axis"],
     {"T": tf.float32, "Tidx": tf.int32, "N": 3}),
    (lambda x, i: tf.expand_dims(x, 1, name="op"), ["x", "op/dim"],
     {"T": tf.float32, "Tdim": tf.int32}),
    (lambda x, i: tf.argmax(x, 1, name="op"), ["x", "op/dimension"],
     {"T": tf.float32, "Tidx": tf.int32, "output_type": tf.int64}),
    (lambda x, i: tf.gather(x, i, axis=1, name="op"), ["x", "i", "op/axis"],
     {"Tparams": tf.float32, "Tindices": tf.int64, "Taxis": tf.int32}),
    (lambda x, i: tf.one_hot(i, 4, name="op"), ["i", "op/depth", "op/on_value", "op/off_value"],
     {"TI": tf.int64, "T": tf.float32, "axis": -1}),
    (lambda x, i: tf.split(x, 3, axis=1, name="op"), ["op/split_dim", "x"],
     {"T": tf.float32, "num_split": 3}),
    (lambda x, i: tf.cumsum(x, 1, reverse=True, name="op"), ["x", "op/axis"],
     {"T": tf.float32, "Tidx": tf.int32, "exclusive": False, "reverse": True}),
    (lambda x, i: tf.reverse(x, [0], name="op"), ["x", "op/axis"],
     {"T": tf.float32, "Tidx": tf.int32}),
    (lambda x, i: tf.nn.top_k(x, 2, name="op"), ["x", "op/k"], {"T": tf.float32, "sorted": True}),
], ids=["Transpose", "ConcatV2", "ExpandDims", "ArgMax", "GatherV2", "OneHot", "Split", "Cumsum",
        "ReverseV2", "TopKV2"])
def test_fields_tf_takes_as_inputs_become_const_inputs(build, inputs, tf_attrs):
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    i = tf.placeholder(tf.int64, [2], name="i")
    out = build(x, i)
    op = (out[0] if isinstance(out, (list, tuple)) else out).op
    node = exported()[op.name]
    assert node.op == op.type and list(node.input) == [s.replace("op/", op.name + "/")
                                                        for s in inputs]
    assert attrs(node) == tf_attrs


def test_type_attrs_follow_tfs_op_definitions():
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    tf.cast(x, tf.int32, name="cast")
    tf.placeholder_with_default(x, [None, 3], name="pwd")
    tf.random_uniform(tf.shape(x), dtype=tf.float64, name="ru")
    tf.range(tf.constant(3, tf.int64), name="range")
    tf.nn.softmax(x, name="sm")
    tf.nn.softmax(x, axis=0, name="sm0")
    nodes = exported()
    assert attrs(nodes["cast"]) == {"SrcT": tf.float32, "DstT": tf.int32}
    assert attrs(nodes["pwd"]) == {"dtype": tf.float32, "shape": tf.TensorShape([None, 3])}
    ru = attrs(nodes["ru/RandomUniform"])
    assert ru["T"] is tf.int32 and ru["dtype"] is tf.float64
    assert attrs(nodes["range"]) == {"Tidx": tf.int64}
    assert attrs(nodes["sm"]) == {"T": tf.float32}  # TF's Softmax is over the last axis only
    # over another axis, as TF's wrapper builds it: transpose, Softmax, transpose back
    assert nodes["sm0"].op == "Transpose" and list(nodes["sm0"].input) == ["sm0/Softmax",
                                                                           "sm0/perm"]
    assert list(nodes["sm0/Softmax"].input) == ["sm0/transpose"]
    assert const_value(nodes["sm0/perm"]) == [1, 0]
    assert attrs(nodes["sm0"])["_minitf_attr_axis"] == 0


def test_saver_ops_have_no_T():
    tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver()
    nodes = {n.op: n for n in exported().values()}
    assert saver.saver_def.save_tensor_name
    assert "T" not in nodes["SaveV2"].attr and "T" not in nodes["RestoreV2"].attr
    assert attrs(nodes["SaveV2"])["dtypes"] == (tf.float32,)


def test_const_input_names_are_unique():
    x = tf.placeholder(tf.float32, [2], name="x")
    tf.constant([5], name="s/reduction_indices")
    tf.reduce_sum(x, axis=0, name="s")
    nodes = exported()
    assert list(nodes["s"].input) == ["x", "s/reduction_indices_1"]
    assert const_value(nodes["s/reduction_indices"]) == [5]


def broadcast_gradient():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    b = tf.Variable([1.0, 2.0, 3.0], name="b")
    (grad,) = tf.gradients(tf.reduce_sum(x * b), [b])
    return x, grad


def test_sum_to_exports_as_tfs_broadcast_gradient_ops():
    _, grad = broadcast_gradient()
    assert grad.op.type == "SumTo"
    nodes = exported()
    name = grad.op.name
    node = nodes[name]
    assert node.op == "Reshape" and list(node.input) == [name + "/Sum", grad.op.inputs[1].op.name]
    assert from_attr_value(node.attr["_minitf_op"]) == "SumTo"
    assert [nodes[name + "/" + s].op for s in ("Shape", "BroadcastGradientArgs", "Sum")] == \
        ["Shape", "BroadcastGradientArgs", "Sum"]
    assert list(nodes[name + "/Sum"].input) == [grad.op.inputs[0].op.name,
                                                 name + "/BroadcastGradientArgs"]
    assert list(nodes[name + "/BroadcastGradientArgs"].input) == [
        grad.op.inputs[1].op.name, name + "/Shape"]


def test_minitf_imports_its_tf_form_back_to_the_same_ops_and_values():
    x, grad = broadcast_gradient()
    y = tf.concat([tf.transpose(x), tf.expand_dims(tf.reduce_max(x, 1), 0)], 0, name="y")
    graph_def = tf.get_default_graph().as_graph_def()
    feed = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run([grad, y], {x: feed})
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph_def, name="")
        assert g.get_operation_by_name(grad.op.name).type == "SumTo"
        assert not any(op.name.endswith("reduction_indices") for op in g.get_operations())
        assert [n.name for n in g.as_graph_def().node] == [n.name for n in graph_def.node]
        with tf.Session() as sess:
            sess.run(g.get_operation_by_name("b/Assign"))
            got = sess.run([grad.name, "y:0"], {"x:0": feed})
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(want[0], feed.sum(0))


# Written by TensorFlow 2.21 (tf.compat.v1, graph mode):
#   x = tf.placeholder(tf.float32, [None, 3], name="x")
#   s = tf.reduce_sum(x * 2.0, axis=1, keepdims=True, name="s"); m = tf.reduce_mean(x, name="m")
#   t = tf.transpose(x, [1, 0], name="t"); c = tf.concat([x, x], axis=0, name="c")
#   a = tf.argmax(x, 1, name="a"); e = tf.expand_dims(s, 0, name="e")
#   tf.get_default_graph().as_graph_def().SerializeToString()
TF_GRAPH_DEF = (
    b'\n;\n\x01x\x12\x0bPlaceholder*\x1c\n\x05shape\x12\x13:\x11\x12\x0b\x08\xff\xff\xff\xff\xff'
    b'\xff\xff\xff\xff\x01\x12\x02\x08\x03*\x0b\n\x05dtype\x12\x020\x01\n2\n\x05mul/y\x12\x05Const'
    b'*\x0b\n\x05dtype\x12\x020\x01*\x15\n\x05value\x12\x0cB\n\x08\x01\x12\x00*\x04\x00\x00\x00@'
    b'\n\x1d\n\x03mul\x12\x03Mul\x1a\x01x\x1a\x05mul/y*\x07\n\x01T\x12\x020\x01\n=\n\x13s/reduct'
    b'ion_indices\x12\x05Const*\x0b\n\x05dtype\x12\x020\x03*\x12\n\x05value\x12\tB\x07\x08\x03'
    b'\x12\x00:\x01\x01\nH\n\x01s\x12\x03Sum\x1a\x03mul\x1a\x13s/reduction_indices*\x07\n\x01T'
    b'\x12\x020\x01*\x0f\n\tkeep_dims\x12\x02(\x01*\n\n\x04Tidx\x12\x020\x03\n:\n\x05Const\x12'
    b'\x05Const*\x0b\n\x05dtype\x12\x020\x03*\x1d\n\x05value\x12\x14B\x12\x08\x03\x12\x04\x12\x02'
    b'\x08\x02"\x08\x00\x00\x00\x00\x01\x00\x00\x00\n9\n\x01m\x12\x04Mean\x1a\x01x\x1a\x05Const'
    b'*\x07\n\x01T\x12\x020\x01*\x0f\n\tkeep_dims\x12\x02(\x00*\n\n\x04Tidx\x12\x020\x03\n;\n'
    b'\x06t/perm\x12\x05Const*\x0b\n\x05dtype\x12\x020\x03*\x1d\n\x05value\x12\x14B\x12\x08\x03'
    b'\x12\x04\x12\x02\x08\x02"\x08\x01\x00\x00\x00\x00\x00\x00\x00\n/\n\x01t\x12\tTranspose\x1a'
    b'\x01x\x1a\x06t/perm*\x0b\n\x05Tperm\x12\x020\x03*\x07\n\x01T\x12\x020\x01\n0\n\x06c/axis'
    b'\x12\x05Const*\x0b\n\x05dtype\x12\x020\x03*\x12\n\x05value\x12\tB\x07\x08\x03\x12\x00:\x01'
    b'\x00\n9\n\x01c\x12\x08ConcatV2\x1a\x01x\x1a\x01x\x1a\x06c/axis*\x07\n\x01T\x12\x020\x01*'
    b'\x07\n\x01N\x12\x02\x18\x02*\n\n\x04Tidx\x12\x020\x03\n5\n\x0ba/dimension\x12\x05Const*\x0b'
    b'\n\x05dtype\x12\x020\x03*\x12\n\x05value\x12\tB\x07\x08\x03\x12\x00:\x01\x01\nC\n\x01a\x12'
    b'\x06ArgMax\x1a\x01x\x1a\x0ba/dimension*\x07\n\x01T\x12\x020\x01*\x11\n\x0boutput_type\x12'
    b'\x020\t*\n\n\x04Tidx\x12\x020\x03\n/\n\x05e/dim\x12\x05Const*\x0b\n\x05dtype\x12\x020\x03'
    b'*\x12\n\x05value\x12\tB\x07\x08\x03\x12\x00:\x01\x00\n.\n\x01e\x12\nExpandDims\x1a\x01s'
    b'\x1a\x05e/dim*\n\n\x04Tdim\x12\x020\x03*\x07\n\x01T\x12\x020\x01"\x03\x08\xaa\x13')


def test_a_graph_def_written_by_tf_imports_and_computes():
    graph_def = graph_pb2.GraphDef.FromString(TF_GRAPH_DEF)
    s, m, t, c, a, e = tf.import_graph_def(
        graph_def, return_elements=["s:0", "m:0", "t:0", "c:0", "a:0", "e:0"])
    g = tf.get_default_graph()
    assert s.op.get_attr("axis") == (1,) and s.op.get_attr("keepdims") is True
    assert t.op.get_attr("perm") == (1, 0) and c.op.get_attr("axis") == 0
    assert s.shape.as_list() == [None, 1] and e.shape.as_list() == [1, None, 1]
    names = {op.name for op in g.get_operations()}
    assert "import/mul/y" in names  # read as a value: kept
    assert not {"import/s/reduction_indices", "import/Const", "import/t/perm"} & names
    xv = np.array([[1, 5, 2], [-3, 0, 4]], np.float32)
    with tf.Session() as sess:
        got = sess.run([s, m, t, c, a, e], {"import/x:0": xv})
    # what TF computed for this feed
    want = [[[16.0], [2.0]], 1.5, [[1.0, -3.0], [5.0, 0.0], [2.0, 4.0]],
            [[1.0, 5.0, 2.0], [-3.0, 0.0, 4.0], [1.0, 5.0, 2.0], [-3.0, 0.0, 4.0]], [1, 2],
            [[[16.0], [2.0]]]]
    for value, expected in zip(got, want):
        assert value.tolist() == expected


def test_tf_form_input_that_is_not_a_const_is_an_error_naming_the_node():
    graph_def = graph_pb2.GraphDef.FromString(TF_GRAPH_DEF)
    node = [n for n in graph_def.node if n.name == "t"][0]
    node.input[1] = "x"
    with pytest.raises(ValueError, match="Node 't' \\(Transpose\\).*'perm'.*Const.*'x'"):
        tf.import_graph_def(graph_def)
    assert tf.get_default_graph().get_operations() == []
    # A reduction's axes may be any tensor (RuntimeAxisReduction): x is float, so its type
    # check names the input.
    graph_def = graph_pb2.GraphDef.FromString(TF_GRAPH_DEF)
    [n for n in graph_def.node if n.name == "s"][0].input[1] = "x"
    with pytest.raises(ValueError, match="Node 's'.*'reduction_indices' has DataType float32"):
        tf.import_graph_def(graph_def)
    assert tf.get_default_graph().get_operations() == []
