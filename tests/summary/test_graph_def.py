"""Graph export (Graph.as_graph_def): NodeDefs with TF's op types, input edges, devices and
attrs; the attr and tensor conversions both ways; OpDefs rebuilt from their NodeDefs."""

import dataclasses

import numpy as np
import pytest
from tensorboardX.proto import attr_value_pb2, tensor_pb2

import minitf as tf
from minitf.framework.func_graph import function_graphs
from minitf.framework.graph_def import (library_of, from_attr_value, minitf_form, ndarray_to_tensor_proto,
                                        node_def_to_opdef, parse_input, tensor_proto_to_ndarray,
                                        to_attr_value)
from minitf.framework.registry import OpDef
from minitf.framework.tensor import TensorSpec


pytestmark = pytest.mark.usefixtures("fresh_graph")


def nodes_of(graph, **kwargs):
    return {n.name: n for n in graph.as_graph_def(**kwargs).node}


@dataclasses.dataclass(frozen=True)
class ToySplit(OpDef):
    """A two-output op that is not registered (so the op table does not see it)."""
    type_name = "ToySplit"
    options: dict = None

    def infer(self, x):
        return [TensorSpec(x.shape, x.dtype), TensorSpec([None], tf.int64)]


def test_nodes_edges_devices_and_name_scopes():
    g = tf.get_default_graph()
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    first, second = g.create_op(ToySplit(), [x], name="split").outputs
    with tf.name_scope("layer"), tf.device("/gpu:0"):
        w = tf.Variable(tf.ones([3, 2]), name="W")
        y = tf.matmul(first, w)
    with tf.control_dependencies([w.initializer, y]):
        out = tf.identity(second, name="out")
    nodes = nodes_of(g)
    assert list(nodes) == [op.name for op in g.get_operations()]  # creation order
    assert nodes["out"].op == "Identity"
    assert list(nodes["out"].input) == ["split:1", "^layer/W/Assign", "^layer/MatMul"]
    assert list(nodes["layer/MatMul"].input) == ["split", "layer/W/read"]
    assert list(nodes["layer/W/Assign"].input) == ["layer/W", "layer/ones"]  # the ref edge
    assert nodes["layer/MatMul"].device == "/device:GPU:0" and nodes["x"].device == ""
    assert out.op.type == "Identity"
    assert [parse_input(i) for i in nodes["out"].input] == [
        ("split", 1, False), ("layer/W/Assign", 0, True), ("layer/MatMul", 0, True)]


def test_attrs_tensorboard_shows():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.ones([3, 2], np.float32), name="w")
    s = tf.reduce_sum(tf.matmul(x, w, transpose_b=False), axis=1, keepdims=True)
    total = tf.add_n([s, s, s])
    tf.cast(total, tf.int32, name="cast")
    nodes = nodes_of(tf.get_default_graph(), add_shapes=True)
    assert nodes["x"].attr["dtype"].type == tf.float32.as_datatype_enum
    assert [d.size for d in nodes["x"].attr["shape"].shape.dim] == [-1, 3]
    assert nodes["w"].op == "VariableV2"
    assert [d.size for d in nodes["w"].attr["shape"].shape.dim] == [3, 2]
    assert nodes["w/read"].attr["T"].type == tf.float32.as_datatype_enum
    assert nodes["MatMul"].attr["transpose_b"].b is False
    assert nodes["Sum"].attr["keep_dims"].b is True and "keepdims" not in nodes["Sum"].attr
    assert nodes["AddN"].attr["N"].i == 3
    assert "T" not in nodes["cast"].attr
    assert nodes["cast"].attr["DstT"].type == tf.int32.as_datatype_enum
    initial = nodes["w/initial_value"].attr["value"].tensor
    np.testing.assert_array_equal(tensor_proto_to_ndarray(initial), np.ones([3, 2]))
    shapes = {name: [[d.size for d in s.dim] for s in n.attr["_output_shapes"].list.shape]
              for name, n in nodes.items()}
    assert shapes["Sum"] == [[-1, 1]] and shapes["w/Assign"] == [[3, 2]]
    assert "_output_shapes" not in nodes_of(tf.get_default_graph())["Sum"].attr


def test_from_version_exports_only_newer_ops():
    g = tf.get_default_graph()
    tf.constant(1.0, name="old")
    version = g.version
    tf.constant(2.0, name="new")
    assert [n.name for n in g.as_graph_def(from_version=version).node] == ["new"]


def test_session_graph_def():
    tf.constant(1.0, name="c")
    with tf.Session() as s:
        assert [n.name for n in s.graph_def.node] == ["c"]


def test_training_graph_rebuilds_every_opdef_from_its_node_def():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    with tf.name_scope("dense"):
        w = tf.Variable(np.arange(8, dtype=np.float32).reshape(4, 2), name="kernel")
        logits = tf.matmul(x, w) + tf.constant([0.5, -0.5])
    loss = tf.reduce_mean(tf.square(logits))
    tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    tf.summary.scalar("loss", loss)
    tf.summary.image("im", tf.zeros([1, 2, 2, 3]), max_outputs=1)
    tf.summary.text("note", tf.constant("hi"))
    tf.summary.merge_all()
    g = tf.get_default_graph()
    graph_def = g.as_graph_def(add_shapes=True)
    names = [n.name for n in graph_def.node]
    assert any(n.startswith("gradients/") for n in names)
    assert "GradientDescent" in names
    nodes = minitf_form(graph_def.node)
    assert len(nodes) == len(g.get_operations())
    for node, op in zip(nodes, g.get_operations()):
        opdef = node_def_to_opdef(node)
        assert type(opdef) is type(op.opdef) and same_fields(opdef, op), node.name
        for field in dataclasses.fields(opdef):
            if isinstance(getattr(opdef, field.name), np.ndarray):  # compare=False fields
                np.testing.assert_array_equal(getattr(opdef, field.name),
                                              as_bytes(getattr(op.opdef, field.name)))


def same_fields(opdef, op):
    """Equal OpDefs, where all axes (None) comes back from TF's form as the explicit axes of a
    tensor of known rank (and no perm as the reversed axes)."""
    if opdef == op.opdef:
        return True
    rank = op.inputs[0].shape.rank
    fields = op.opdef.attrs()
    for name, implied in (("axis", tuple(range(rank))), ("perm", tuple(range(rank))[::-1])):
        if fields.get(name, ...) is None:
            fields[name] = implied
    return opdef == type(opdef)(**fields)


def as_bytes(array):
    """String tensors read back hold bytes, as in TF; minitf's own constants may hold str."""
    if array.dtype != object:
        return array
    return np.vectorize(lambda s: s.encode() if isinstance(s, str) else s, otypes=[object])(array)


def test_every_op_in_the_op_table_exports_and_comes_back():
    from tests.op_specs import SPECS
    exported = set()
    for spec in SPECS:
        g = tf.Graph()
        with g.as_default():
            spec.build(*[tf.placeholder(tf.as_dtype(np.dtype(a.dtype)), a.static_shape)
                         for a in spec.inputs])
        graph_def = g.as_graph_def(add_shapes=True)
        nodes = minitf_form(graph_def.node)
        if function_graphs(g.get_operations()):
            # Control flow: the sub-graphs are library functions; the import rebuilds them.
            assert library_of(graph_def).function
            with tf.Graph().as_default() as g2:
                tf.import_graph_def(graph_def, name="")
            assert [op.type for op in g2.get_operations()] == \
                [op.type for op in g.get_operations()]
            exported.update(op.type for op in g.get_operations())
            continue
        assert len(nodes) == len(g.get_operations())
        for node, op in zip(nodes, g.get_operations()):
            assert node.op == op.type, (spec, node.name)
            assert same_fields(node_def_to_opdef(node), op), (spec, node.name)
            exported.add(op.type)
    assert {"MatMul", "Sum", "Placeholder"} <= exported


def test_unexportable_attr_is_a_type_error_naming_op_and_attr():
    x = tf.placeholder(tf.float32, [2], name="x")
    tf.get_default_graph().create_op(ToySplit(options={"a": 1}), [x], name="odd")
    with pytest.raises(TypeError, match="attr 'options' of op 'odd' \\(ToySplit\\).*dict"):
        tf.get_default_graph().as_graph_def()


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 2.5, 0.3, 1e-7, "SAME", "", tf.float32, tf.string,
    tf.TensorShape([None, 3]),
    tf.TensorShape(None), tf.TensorShape([]), (), (1, 2, 3), (0.5, 0.1), ("a", "bc"),
    (True, False), (tf.int32, tf.float64), (tf.TensorShape([1]), tf.TensorShape(None))],
    ids=repr)
def test_attr_values_round_trip(value):
    attr = to_attr_value(value)
    assert isinstance(attr, attr_value_pb2.AttrValue)
    again = from_attr_value(attr_value_pb2.AttrValue.FromString(attr.SerializeToString()))
    assert again == value and type(again) is type(value)


def test_attr_value_kinds_and_coercions():
    assert to_attr_value(np.int64(4)).i == 4 and to_attr_value(np.float32(0.5)).f == 0.5
    assert to_attr_value(np.bool_(True)).b is True
    assert to_attr_value((1, 2.5)).list.f == [1.0, 2.5]
    assert from_attr_value(to_attr_value(b"\xff\x00")) == b"\xff\x00"  # not UTF-8: stays bytes
    nested = from_attr_value(to_attr_value(((1, 2), (3, 4))))
    np.testing.assert_array_equal(nested, [[1, 2], [3, 4]])
    with pytest.raises(TypeError, match="list"):
        to_attr_value((1, "a"))
    with pytest.raises(TypeError, match="object"):
        to_attr_value(object())


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int16", "int32",
                                   "int64", "uint8", "uint16", "uint32", "uint64", "bool",
                                   "complex64", "complex128"])
@pytest.mark.parametrize("shape", [(), (1,), (2, 3), (0, 2)], ids=str)
def test_tensor_protos_round_trip(dtype, shape):
    rng = np.random.default_rng(0)
    value = np.asarray(rng.normal(size=shape) * 50).astype(dtype)
    if dtype.startswith("complex"):
        value = (value + 1j * np.asarray(rng.normal(size=shape))).astype(dtype)
    proto = ndarray_to_tensor_proto(value)
    assert proto.dtype == tf.as_dtype(dtype).as_datatype_enum
    again = tensor_proto_to_ndarray(tensor_pb2.TensorProto.FromString(proto.SerializeToString()))
    assert again.dtype == value.dtype and again.shape == value.shape
    np.testing.assert_array_equal(again, value)


def test_tensor_protos_as_tf_writes_them():
    strings = ndarray_to_tensor_proto(np.array([["a", "é"]], dtype=object))
    assert strings.dtype == tf.string.as_datatype_enum
    assert list(strings.string_val) == [b"a", "é".encode()]
    assert tensor_proto_to_ndarray(strings).tolist() == [[b"a", "é".encode()]]
    assert list(ndarray_to_tensor_proto(np.float32(3)).float_val) == [3.0]  # scalars: typed field
    assert ndarray_to_tensor_proto(np.arange(3, dtype=np.int32)).tensor_content == \
        np.arange(3, dtype="<i4").tobytes()
    # TF's shorthand: a short value list repeats its last value over the shape
    fill = tensor_pb2.TensorProto(dtype=tf.float32.as_datatype_enum, float_val=[1.0, 2.0])
    fill.tensor_shape.dim.add(size=4)
    assert tensor_proto_to_ndarray(fill).tolist() == [1.0, 2.0, 2.0, 2.0]
    half = tensor_pb2.TensorProto(dtype=tf.float16.as_datatype_enum,
                                  half_val=[int(np.float16(1.5).view(np.uint16))])
    assert tensor_proto_to_ndarray(half) == np.float16(1.5)
