"""Tests of MetaGraph export/import and tf.import_graph_def: a model saved by one graph is restored
and trained further in a fresh graph without the code that built it."""

import numpy as np
import pytest
from google.protobuf import text_format

import minitf as tf
from minitf import errors
from minitf.framework.importer import import_graph_def
from minitf.protos import meta_graph_pb2

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 8)).astype(np.float32)
Y = RNG.integers(0, 4, 32)


def build_mlp():
    tf.set_random_seed(3)
    x = tf.placeholder(tf.float32, [None, 8], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    h = tf.layers.dense(x, 16, activation=tf.nn.relu)
    logits = tf.layers.dense(h, 4)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits),
                          name="loss")
    train_op = tf.train.AdamOptimizer(0.05).minimize(
        loss, global_step=tf.train.get_or_create_global_step())
    return x, y, loss, train_op


def test_resume_training_from_the_meta_graph_alone(tmp_path):
    with tf.Graph().as_default() as g:
        x, y, loss, train_op = build_mlp()
        tf.summary.scalar("xent", loss)
        saver = tf.train.Saver()
        sess = tf.Session(graph=g)
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train_op, {x: X, y: Y})
        prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=3)
        # What continuing in the original graph gives, step for step.
        expected_losses = [sess.run([train_op, loss], {x: X, y: Y})[1] for _ in range(4)]
        expected_values = {v.op.name: sess.run(v) for v in tf.global_variables()}
        original_ops = [(op.name, op.type) for op in g.get_operations()]

    with tf.Graph().as_default() as fresh:
        restorer = tf.train.import_meta_graph(prefix + ".meta")
        assert [(op.name, op.type) for op in fresh.get_operations()] == original_ops
        sess = tf.Session(graph=fresh)
        restorer.restore(sess, prefix)
        assert sess.run(tf.train.get_global_step()) == 3
        (train_op,) = tf.get_collection(tf.GraphKeys.TRAIN_OP)
        assert isinstance(train_op, tf.Operation)
        feed = {"x:0": X, "y:0": Y}
        losses = [sess.run([train_op, "loss:0"], feed)[1] for _ in range(4)]
        assert losses == expected_losses
        assert all(b < a for a, b in zip(losses, losses[1:]))
        for v in tf.global_variables():
            np.testing.assert_array_equal(sess.run(v), expected_values[v.op.name])
        assert sess.run(tf.train.get_global_step()) == 7
        (summary,) = tf.get_collection(tf.GraphKeys.SUMMARIES)
        assert summary is fresh.get_tensor_by_name("xent:0") and summary.op.type == "ScalarSummary"
        event, now = sess.run([tf.summary.merge_all(), "loss:0"], feed)
        event = tf.summary.Summary.FromString(event)
        assert event.value[0].tag == "xent" and event.value[0].simple_value == now < losses[-1]


def test_collections_come_back_as_the_objects_they_were():
    with tf.Graph().as_default():
        w = tf.Variable([1.0, 2.0], name="w")
        frozen = tf.Variable(3.0, name="frozen", trainable=False)
        total = tf.reduce_sum(w, name="total")
        tf.add_to_collection("mixed_ints", 4)
        tf.add_to_collection("mixed_ints", 5)
        tf.add_to_collection("floats", 0.5)
        tf.add_to_collection("names", "hello")
        tf.add_to_collection("ops", total.op)
        tf.add_to_collection("tensors", total)
        meta = tf.train.export_meta_graph()
    assert meta.collection_def["variables"].WhichOneof("kind") == "bytes_list"
    assert list(meta.collection_def["ops"].node_list.value) == ["total"]
    assert list(meta.collection_def["tensors"].node_list.value) == ["total:0"]
    assert not meta.HasField("saver_def")

    with tf.Graph().as_default() as g2:
        saver = tf.train.import_meta_graph(meta)
        variables = tf.global_variables()
        assert [v.name for v in variables] == ["w:0", "frozen:0"]
        assert all(isinstance(v, tf.Variable) for v in variables)
        assert tf.trainable_variables() == [variables[0]]  # the same object in both
        assert variables[1].trainable is False
        assert variables[0].op is g2.get_operation_by_name("w")
        assert variables[0].initializer is g2.get_operation_by_name("w/Assign")
        assert g2.get_collection("mixed_ints") == [4, 5]
        assert g2.get_collection("floats") == [0.5]
        assert g2.get_collection("names") == [b"hello"]
        assert g2.get_collection("ops") == [g2.get_operation_by_name("total")]
        assert g2.get_collection("tensors") == [g2.get_tensor_by_name("total:0")]
        # No SaverDef was exported: a default Saver over the imported variables.
        assert isinstance(saver, tf.train.Saver)
        sess = tf.Session(graph=g2)
        sess.run(tf.global_variables_initializer())
        assert sess.run("total:0") == 3.0
        assert sess.run(variables[1] * 2) == 6.0  # imported Variables work in arithmetic


def save_one_variable(path, value, write_meta_graph=True):
    """Saves a variable `v` holding `value` from its own graph: (graph, saver, prefix)."""
    with tf.Graph().as_default() as g:
        v = tf.Variable(value, name="v")
        saver = tf.train.Saver()
        sess = tf.Session(graph=g)
        sess.run(v.initializer)
        return g, saver, saver.save(sess, path, write_meta_graph=write_meta_graph)


def test_import_scope_prefixes_names_and_the_saver_follows(tmp_path):
    _, _, prefix = save_one_variable(str(tmp_path / "m"), [1.0, 2.0])
    with tf.Graph().as_default() as g2:
        tf.Variable(0.0, name="v")  # the unscoped name is taken: no clash
        restorer = tf.train.import_meta_graph(prefix + ".meta", import_scope="tower")
        assert restorer.saver_def.restore_op_name == "tower/save/restore_all"
        assert restorer.saver_def.filename_tensor_name == "tower/save/Const:0"
        sess = tf.Session(graph=g2)
        restorer.restore(sess, prefix)
        assert sess.run("tower/v:0").tolist() == [1.0, 2.0]
        assert [v.name for v in tf.global_variables()] == ["v:0", "tower/v:0"]


def test_without_a_saver_def_the_new_saver_uses_the_exported_names(tmp_path):
    _, _, prefix = save_one_variable(str(tmp_path / "m"), [5.0, 6.0], write_meta_graph=False)
    with tf.Graph().as_default():
        tf.Variable([0.0, 0.0], name="v")
        meta = tf.train.export_meta_graph()  # no saver_def
    with tf.Graph().as_default() as g:
        with tf.name_scope("outer"):
            saver = tf.train.import_meta_graph(meta, import_scope="copy")
            tf.train.import_meta_graph(meta)  # no import scope: the current name scope
        assert [v.op.name for v in tf.global_variables()] == ["outer/copy/v", "outer/v"]
        sess = tf.Session(graph=g)
        saver.restore(sess, prefix)  # key "v", as exported
        assert sess.run("outer/copy/v:0").tolist() == [5.0, 6.0]


def test_text_format_meta_graph_and_missing_file(tmp_path):
    with tf.Graph().as_default():
        tf.Variable(1.0, name="v")
        path = str(tmp_path / "sub" / "graph.pbtxt")
        meta = tf.train.export_meta_graph(path, as_text=True)
    text = open(path).read()
    assert text_format.Parse(text, meta_graph_pb2.MetaGraphDef()) == meta
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(path)
        assert g.get_operation_by_name("v").type == "VariableV2"
    with pytest.raises(IOError, match="does not exist"):
        tf.train.import_meta_graph(str(tmp_path / "missing.meta"))


def test_saver_meta_file_holds_graph_collections_and_saver_def(tmp_path):
    g, saver, prefix = save_one_variable(str(tmp_path / "m"), 1.0)
    meta = meta_graph_pb2.MetaGraphDef()
    with open(prefix + ".meta", "rb") as f:
        meta.ParseFromString(f.read())
    assert meta.saver_def == saver.saver_def
    assert {n.name for n in meta.graph_def.node} == {op.name for op in g.get_operations()}
    assert set(meta.collection_def) == {"variables", "trainable_variables"}


def test_clear_devices_strip_default_attrs_and_export_scope():
    with tf.Graph().as_default():
        with tf.device("/cpu:0"), tf.name_scope("block"):
            a = tf.constant([[1.0, 2.0]], name="a")
            tf.reduce_sum(a, axis=1, name="s")
            tf.Variable(1.0, name="v")
        tf.identity(a, name="outside")
        tf.Variable(2.0, name="w")
        full = tf.train.export_meta_graph()
        cleared = tf.train.export_meta_graph(clear_devices=True, strip_default_attrs=True)
        scoped = tf.train.export_meta_graph(export_scope="block")
    devices = {n.device for n in full.graph_def.node if n.name.startswith("block/")}
    assert devices == {"/device:CPU:0"}
    assert {n.device for n in cleared.graph_def.node} == {""}
    assert cleared.meta_info_def.stripped_default_attrs
    summed = [n for n in full.graph_def.node if n.name == "block/s"][0]
    stripped = [n for n in cleared.graph_def.node if n.name == "block/s"][0]
    assert "keep_dims" in summed.attr and "keep_dims" not in stripped.attr
    assert sorted(n.name for n in scoped.graph_def.node) == [
        "a", "s", "s/reduction_indices", "v", "v/Assign", "v/initial_value", "v/read"]
    assert len(scoped.collection_def["variables"].bytes_list.value) == 1  # "w" is outside
    with tf.Graph().as_default():
        tf.train.import_meta_graph(scoped, import_scope="copy")
        assert [v.name for v in tf.global_variables()] == ["copy/v:0"]
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(cleared)
        with tf.Session(graph=g) as sess:
            assert sess.run("block/s:0").tolist() == [3.0]
        assert g.get_operation_by_name("block/s").get_attr("keepdims") is False


# ------------------------------------------------------------------------------------------
# tf.import_graph_def
# ------------------------------------------------------------------------------------------

def small_graph_def():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.constant([[1.0, 0.5], [2.0, -1.0]], name="w")
        y = tf.matmul(x, w, name="y")
        z = tf.reshape(y + 1.0, [-1], name="z")
        with tf.control_dependencies([z]):
            tf.no_op(name="done")
    return g.as_graph_def(), g


def test_import_graph_def_rebuilds_ops_with_prefix_and_shapes():
    graph_def, original = small_graph_def()
    with tf.Graph().as_default() as g:
        assert import_graph_def(graph_def) is None
        imported = {op.name: op for op in g.get_operations()}
        for op in original.get_operations():
            new = imported["import/" + op.name]
            assert new.type == op.type
            assert new.opdef == op.opdef
            assert [t.shape.as_list() if t.shape.ndims is not None else None for t in new.outputs] \
                == [t.shape.as_list() if t.shape.ndims is not None else None for t in op.outputs]
            assert [t.op.name for t in new.inputs] == ["import/" + t.op.name for t in op.inputs]
        assert [c.name for c in imported["import/done"].control_inputs] == ["import/z"]
        np.testing.assert_array_equal(imported["import/w"].get_attr("value"),
                                      [[1.0, 0.5], [2.0, -1.0]])
        with tf.Session(graph=g) as sess:
            out = sess.run("import/z:0", {"import/x:0": [[1.0, 1.0]]})
        np.testing.assert_allclose(out, [4.0, 0.5])
        # Exporting the imported graph gives the same nodes, prefixed.
        again = g.as_graph_def()
        for a, b in zip(graph_def.node, again.node):
            assert b.name == "import/" + a.name and b.op == a.op and dict(a.attr) == dict(b.attr)


def test_import_graph_def_input_map_and_return_elements():
    graph_def, _ = small_graph_def()
    with tf.Graph().as_default() as g:
        feed = tf.constant([[2.0, 0.0]], name="feed")
        z, y_op = import_graph_def(graph_def, input_map={"x": feed},
                                   return_elements=["z:0", "y"], name="net")
        assert z.name == "net/z:0" and isinstance(y_op, tf.Operation) and y_op.name == "net/y"
        assert y_op.inputs[0] is feed
        assert z.shape.as_list() == [2]  # the static shape follows the mapped input
        with tf.Session(graph=g) as sess:
            np.testing.assert_allclose(sess.run(z), [3.0, 2.0])
        (second,) = import_graph_def(graph_def, return_elements=["z:0"], name="net")
        assert second.name == "net_1/z:0"
        (bare,) = import_graph_def(graph_def, return_elements=["w:0"], name="")
        (bare_again,) = import_graph_def(graph_def, return_elements=["w:0"], name="")
        assert (bare.name, bare_again.name) == ("w:0", "w_1:0")


def test_import_graph_def_errors_as_tf():
    graph_def, _ = small_graph_def()
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"Attempted to map inputs that were not found in "
                                             r"graph_def: \[q:0\]"):
            import_graph_def(graph_def, input_map={"q:0": tf.constant(1.0)})
        with pytest.raises(ValueError, match="Requested return tensor 'q:0' not found"):
            import_graph_def(graph_def, return_elements=["q:0"])
        with pytest.raises(ValueError, match="Requested return node 'q' not found in graph def"):
            import_graph_def(graph_def, return_elements=["q"])
        with pytest.raises(ValueError, match="Input 0 of node bad/y was passed int32 from i:0 "
                                             "incompatible with expected float32."):
            import_graph_def(graph_def, input_map={"x:0": tf.constant([[1, 2]], name="i")},
                             name="bad")
        with pytest.raises(TypeError, match="graph_def must be a GraphDef proto."):
            import_graph_def("not a graph def")
        unknown = type(graph_def)()
        unknown.CopyFrom(graph_def)
        unknown.node[0].op = "NoSuchOp"
        with pytest.raises(ValueError, match="Op type not registered 'NoSuchOp'"):
            import_graph_def(unknown)
        dangling = type(graph_def)()
        dangling.node.add(name="a", op="Identity", input=["ghost"])
        with pytest.raises(ValueError, match="Unknown input node 'ghost'"):
            import_graph_def(dangling)
        cycle = type(graph_def)()
        cycle.node.add(name="a", op="Identity", input=["b"])
        cycle.node.add(name="b", op="Identity", input=["a"])
        with pytest.raises(ValueError, match="cycle .* through: a, b"):
            import_graph_def(cycle)
        cycle.node[1].name = "a"
        with pytest.raises(ValueError, match="Duplicate node name in graph: 'a'"):
            import_graph_def(cycle)


def test_import_graph_def_accepts_nodes_out_of_order():
    graph_def, _ = small_graph_def()
    shuffled = type(graph_def)()
    shuffled.node.extend(reversed(graph_def.node))
    with tf.Graph().as_default() as g:
        (z,) = import_graph_def(shuffled, return_elements=["z:0"])
        with tf.Session(graph=g) as sess:
            np.testing.assert_allclose(sess.run(z, {"import/x:0": [[1.0, 1.0]]}), [4.0, 0.5])


def test_imported_saver_graph_restores_with_the_saver_def(tmp_path):
    # The SaverDef's op names work on the imported graph without any Saver bookkeeping.
    g, saver, prefix = save_one_variable(str(tmp_path / "m"), [3.0, 4.0], write_meta_graph=False)
    graph_def = g.as_graph_def()
    with tf.Graph().as_default() as g2:
        import_graph_def(graph_def, name="")
        sess = tf.Session(graph=g2)
        sess.run(saver.saver_def.restore_op_name, {saver.saver_def.filename_tensor_name: prefix})
        assert sess.run("v:0").tolist() == [3.0, 4.0]
        with pytest.raises(errors.NotFoundError):
            sess.run(saver.saver_def.restore_op_name,
                     {saver.saver_def.filename_tensor_name: str(tmp_path / "nope")})


def test_a_failed_import_leaves_the_graph_as_it_was(tmp_path):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, (2,), name="x")
        v = tf.Variable([1.0, 2.0], name="v")
        tf.add_to_collection("things", tf.identity(x * v, name="y"))
        meta = str(tmp_path / "m.meta")
        tf.train.export_meta_graph(meta)
    with tf.Graph().as_default() as g:
        keep = tf.constant(1)
        things = g.get_collection_ref("things")
        with pytest.raises(ValueError):
            tf.train.import_meta_graph(meta, input_map={"v/read:0": tf.constant(1)})
        assert g.get_operations() == [keep.op, g.get_operation_by_name("Const_1")]
        assert g.get_collection("things") == [] and things == []
        assert tf.global_variables() == []
        # the names it had taken are free again
        assert tf.constant(2.0, name="v").op.name == "v"
