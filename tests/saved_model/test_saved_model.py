"""tf.saved_model against what TensorFlow 1.x does (tests/record_tf_saved_model.py recorded it
into tests/fixtures/tf_saved_model.json and wrote tests/fixtures/tf_saved_model/): the
namespaces and constants, SignatureDefs field by field, the errors, a SavedModel TF wrote
loading and predicting what TF predicted, and minitf's own SavedModels round-tripping."""

import base64
import json
import os
import re
import shutil

import numpy as np
import pytest

import minitf as tf
from minitf.protos import meta_graph_pb2, saved_model_pb2
from tests.saved_model_programs import signature_graph, signatures

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TF_MODEL = os.path.join(HERE, "fixtures", "tf_saved_model")
with open(os.path.join(HERE, "fixtures", "tf_saved_model.json"), encoding="utf-8") as _f:
    RECORDED = json.load(_f)


def raises_as_tf(key, fn, directory=None):
    """Runs fn and checks it raises the class TF raised with TF's message."""
    cls_name, message = RECORDED["errors"][key]
    with pytest.raises(Exception) as info:
        fn()
    assert type(info.value).__name__ == cls_name
    got = info.value.args[0] if isinstance(info.value, KeyError) else str(info.value)
    if directory:
        got = got.replace(directory, "{dir}")
    want = message[1:-1] if isinstance(info.value, KeyError) else message
    assert got == want


# -- names and constants --------------------------------------------------------------------

def test_namespaces_and_constants_are_tf_1s():
    sm = tf.saved_model
    left_out = {"MethodNameUpdater"}  # TF 2's helper to edit method names: not TF 1.15's API
    for ns, names in RECORDED["namespaces"].items():
        ours = sorted(n for n in dir(getattr(sm, ns)) if not n.startswith("_"))
        assert ours == sorted(set(names) - left_out), ns
    for ns, values in RECORDED["constants"].items():
        for name, value in values.items():
            assert getattr(getattr(sm, ns), name) == value
            assert getattr(sm, name) == value  # TF 1.15's short name
    tf1_names = set(json.load(open(os.path.join(HERE, "fixtures", "tf1_symbols.json")))
                    ["namespaces"]["tf.saved_model"])
    top = {n for n in dir(sm) if not n.startswith("_")
           and not isinstance(getattr(sm, n), type(sm))}
    assert top <= tf1_names
    # What minitf leaves out: TF 2's object-based save/load and its options, and main_op.
    assert tf1_names - top == {"Asset", "SaveOptions", "load_v2", "save",
                               "main_op_with_restore"}
    assert sm.Builder is sm.builder.SavedModelBuilder
    assert sm.load is sm.loader.load


# -- SignatureDefs --------------------------------------------------------------------------

def test_signature_defs_equal_tfs_field_by_field():
    with tf.Graph().as_default():
        t = signature_graph(tf)
        assert {k: v.name for k, v in t.items() if k != "sp"} == RECORDED["tensor_names"]
        assert [t["sp"].indices.name, t["sp"].values.name, t["sp"].dense_shape.name] == \
            RECORDED["sparse_names"]
        ours = signatures(tf, t)
    assert set(ours) == set(RECORDED["signatures"])
    for key, encoded in RECORDED["signatures"].items():
        theirs = meta_graph_pb2.SignatureDef.FromString(base64.b64decode(encoded))
        mine = ours[key]
        assert mine.method_name == theirs.method_name, key
        for field in ("inputs", "outputs", "defaults"):
            assert sorted(getattr(mine, field)) == sorted(getattr(theirs, field)), (key, field)
            for name in getattr(theirs, field):
                assert getattr(mine, field)[name] == getattr(theirs, field)[name], \
                    (key, field, name, getattr(mine, field)[name], getattr(theirs, field)[name])
        assert mine == theirs
        assert mine.SerializeToString(deterministic=True) == base64.b64decode(encoded), key
        assert tf.saved_model.is_valid_signature(mine) is RECORDED["is_valid"][key], key


def test_tensor_info_back_to_tensors():
    with tf.Graph().as_default() as g:
        t = signature_graph(tf)
        info = tf.saved_model.build_tensor_info
        get = tf.saved_model.get_tensor_from_tensor_info
        assert get(info(t["scores"])) is t["scores"]
        sp = get(info(t["sp"]), graph=g)
        assert isinstance(sp, tf.SparseTensor)
        assert (sp.indices, sp.values, sp.dense_shape) == (t["sp"].indices, t["sp"].values,
                                                           t["sp"].dense_shape)
        raises_as_tf("tensor_info_empty", lambda: get(meta_graph_pb2.TensorInfo()))
        raises_as_tf("tensor_info_missing", lambda: get(info(t["x"]), import_scope="nowhere"))


def test_signature_helpers_raise_as_tf():
    sm = tf.saved_model
    with tf.Graph().as_default():
        t = signature_graph(tf)
        raises_as_tf("predict_empty_inputs", lambda: sm.predict_signature_def({}, {"y": t["x"]}))
        raises_as_tf("predict_no_outputs", lambda: sm.predict_signature_def({"x": t["x"]}, None))
        raises_as_tf("classify_not_string",
                     lambda: sm.classification_signature_def(t["x"], t["classes"], None))
        raises_as_tf("classify_no_outputs",
                     lambda: sm.classification_signature_def(t["examples"], None, None))
        raises_as_tf("classify_int_scores",
                     lambda: sm.classification_signature_def(t["examples"], None, t["count"]))
        raises_as_tf("regress_int", lambda: sm.regression_signature_def(t["examples"],
                                                                       t["count"]))
        raises_as_tf("regress_none", lambda: sm.regression_signature_def(None, t["x"]))


# -- a SavedModel TensorFlow wrote ----------------------------------------------------------

def test_loads_tfs_saved_model_and_predicts_what_tf_did(tmp_path):
    x = np.array(RECORDED["input"], np.float32)
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, [tf.saved_model.SERVING], TF_MODEL)
        assert list(meta.meta_info_def.tags) == ["serve"]
        assert sorted(meta.signature_def) == ["label", "serving_default"]
        sig = meta.signature_def["serving_default"]
        y = sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: x})
        # TF's softmax rounds differently in the last place: an ulp of 2.
        np.testing.assert_allclose(y, RECORDED["predictions"], rtol=3e-7, atol=0)
        # The main op ran: the local variable saved at 99 is back at its initial 3.
        (scale,) = tf.local_variables()
        assert sess.run(scale) == 3.0
        label = meta.signature_def["label"]
        np.testing.assert_array_equal(
            sess.run(label.outputs["label"].name, {label.inputs["inputs"].name: x}),
            np.argmax(RECORDED["predictions"], 1))
        # TF's sharded Saver runs in minitf: its shards merge into one checkpoint.
        saver = tf.train.Saver(saver_def=meta.saver_def)
        assert meta.saver_def.sharded
        prefix = saver.save(sess, str(tmp_path / "ck"), write_meta_graph=False)
        assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ck.data-00000-of-00001",
                                                "ck.index"]
        reader = tf.train.NewCheckpointReader(prefix)
        np.testing.assert_array_equal(reader.get_tensor("dense/kernel"),
                                      [[2.0, -1.0], [0.5, 0.25], [-0.75, 1.5]])


def test_loads_under_an_import_scope_and_exports_again(tmp_path):
    x = np.array(RECORDED["input"], np.float32)
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.load(sess, ["serve"], TF_MODEL, import_scope="m")
        sig = meta.signature_def["serving_default"]
        assert sig.inputs["x"].name == "x:0"  # the MetaGraphDef as stored, without the scope
        y_t = tf.saved_model.get_tensor_from_tensor_info(sig.outputs["y"], import_scope="m")
        x_t = tf.saved_model.get_tensor_from_tensor_info(sig.inputs["x"], import_scope="m")
        assert (y_t.name, x_t.name) == ("m/y:0", "m/x:0")
        y = sess.run(y_t, {x_t: x})
        # A model loaded from TF saves again (minitf's Saver next to TF's sharded one).
        tf.saved_model.simple_save(sess, str(tmp_path / "again"), {"x": x_t}, {"y": y_t})
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], str(tmp_path / "again"))
        sig = meta.signature_def["serving_default"]
        assert sig.outputs["y"].name == "m/y:0"
        np.testing.assert_array_equal(
            sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: x}), y)


def test_loader_errors_are_tfs(tmp_path):
    with tf.Session(graph=tf.Graph()) as sess:
        raises_as_tf("load_missing", lambda: tf.saved_model.loader.load(
            sess, ["x"], str(tmp_path / "missing")), str(tmp_path))
        raises_as_tf("load_tags", lambda: tf.saved_model.loader.load(
            sess, ["serve", "gpu"], TF_MODEL))
        assert sess.graph.get_operations() == []  # nothing half imported
    assert tf.saved_model.contains_saved_model(TF_MODEL)
    assert tf.saved_model.maybe_saved_model_directory(TF_MODEL)
    assert not tf.saved_model.contains_saved_model(tmp_path)


def test_a_graph_writing_elsewhere_is_refused(tmp_path):
    """The SavedModel's save ops may only write under the prefix the caller feeds (TF's
    shard names of it included): a suffix or a merge destination of the file's own is
    refused when loading, as import_meta_graph refuses it."""
    saved = saved_model_pb2.SavedModel.FromString(
        open(os.path.join(TF_MODEL, "saved_model.pb"), "rb").read())
    nodes = {n.name: n for n in saved.meta_graphs[0].graph_def.node}
    for case, node, value in [("suffix", "save/Const_1", b"/../../../tmp/evil/part"),
                              ("merge", "save/MergeV2Checkpoints", None)]:
        copy = saved_model_pb2.SavedModel()
        copy.CopyFrom(saved)
        edited = {n.name: n for n in copy.meta_graphs[0].graph_def.node}
        if value is not None:
            assert nodes[node].op == "Const"
            edited[node].attr["value"].tensor.string_val[0] = value
        else:  # merge into a file name of the graph's choosing
            edited[node].input[1] = "save/filename/input"
        directory = tmp_path / case
        shutil.copytree(TF_MODEL, directory)
        (directory / "saved_model.pb").write_bytes(copy.SerializeToString())
        with tf.Session(graph=tf.Graph()) as sess:
            with pytest.raises(tf.errors.PermissionDeniedError, match="Refusing to import"):
                tf.saved_model.loader.load(sess, ["serve"], str(directory))
            tf.saved_model.loader.load(sess, ["serve"], str(directory), allow_file_writes=True)


# -- minitf's own SavedModels ---------------------------------------------------------------

def _train_small_model():
    """A two-layer classifier trained a few steps on fixed data; returns its tensors."""
    rng = np.random.RandomState(0)
    data = rng.randn(32, 4).astype(np.float32)
    labels = (data[:, 0] + data[:, 1] > 0).astype(np.int64)
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    tf.set_random_seed(1)
    hidden = tf.layers.dense(x, 8, activation=tf.nn.relu)
    logits = tf.layers.dense(hidden, 2)
    probs = tf.nn.softmax(logits, name="probs")
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    step = tf.train.AdamOptimizer(0.05).minimize(loss)
    return data, labels, x, y, probs, step


def test_simple_save_round_trip(tmp_path):
    export_dir = str(tmp_path / "model")
    with tf.Graph().as_default(), tf.Session() as sess:
        data, labels, x, y, probs, step = _train_small_model()
        sess.run(tf.global_variables_initializer())
        for _ in range(20):
            sess.run(step, {x: data, y: labels})
        want = sess.run(probs, {x: data})
        tf.saved_model.simple_save(sess, export_dir, {"x": x}, {"probs": probs})
    files = sorted(os.path.relpath(os.path.join(d, f), export_dir)
                   for d, _, fs in os.walk(export_dir) for f in fs)
    assert files == RECORDED["model_files"]  # TF's layout
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING],
                                          export_dir)
        sig = meta.signature_def[tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY]
        assert sig.method_name == tf.saved_model.PREDICT_METHOD_NAME
        got = sess.run(sig.outputs["probs"].name, {sig.inputs["x"].name: data})
    np.testing.assert_array_equal(got, want)
    # simple_save clears devices and saves Adam's slots too (every global variable).
    keys = {name for name, _ in tf.train.list_variables(os.path.join(export_dir, "variables",
                                                                     "variables"))}
    assert {"dense/kernel", "dense/kernel/Adam", "beta1_power"} <= keys


def test_builder_meta_graphs_assets_and_main_op(tmp_path):
    """Two MetaGraphDefs sharing variables; an asset copied under assets/ and fed to the main
    op with its new path; tags matched as sets; save(as_text=True)."""
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\n")
    export_dir = str(tmp_path / "model")
    with tf.Graph().as_default(), tf.Session() as sess:
        v = tf.get_variable("v", [2], initializer=tf.constant_initializer([1.5, -2.0]))
        asset = tf.constant(str(vocab), name="vocab_path")
        tf.add_to_collection(tf.GraphKeys.ASSET_FILEPATHS, asset)
        path = tf.get_variable("path", [], tf.string, initializer=tf.constant_initializer(""),
                               collections=[tf.GraphKeys.LOCAL_VARIABLES])
        main_op = tf.group(tf.assign(path, asset), name="main")
        out = tf.identity(v * 2.0, name="out")
        sess.run(tf.global_variables_initializer())
        builder = tf.saved_model.Builder(export_dir)
        builder.add_meta_graph_and_variables(
            sess, ["serve"], {"sig": tf.saved_model.predict_signature_def({"v": v}, {"o": out})},
            assets_collection=tf.get_collection(tf.GraphKeys.ASSET_FILEPATHS), main_op=main_op)
        builder.add_meta_graph(["train", "gpu"])
        returned = builder.save(as_text=True)
    assert [type(returned).__name__, os.path.basename(returned).decode()] == \
        ["bytes", "saved_model.pbtxt"]
    assert open(os.path.join(export_dir, "assets", "vocab.txt")).read() == "a\nb\n"
    for tags in (["serve"], ["gpu", "train"]):
        with tf.Session(graph=tf.Graph()) as sess:
            meta = tf.saved_model.loader.load(sess, tags, export_dir)
            assert sorted(meta.meta_info_def.tags) == sorted(tags)
            assert sess.run("path:0") == os.path.join(export_dir, "assets",
                                                      "vocab.txt").encode()
            np.testing.assert_array_equal(sess.run("out:0"), [3.0, -4.0])
    with tf.Session(graph=tf.Graph()) as sess:
        with pytest.raises(RuntimeError, match=re.escape(
                "with available tags '[{'serve'}, {'")):
            tf.saved_model.loader.load(sess, ["train"], export_dir)


def test_builder_errors_are_tfs(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("")
    raises_as_tf("not_empty", lambda: tf.saved_model.Builder(str(full)), str(tmp_path))
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.get_variable("v", [1])
        sess.run(tf.global_variables_initializer())
        b = tf.saved_model.builder.SavedModelBuilder(str(tmp_path / "b"))
        raises_as_tf("add_meta_graph_first", lambda: b.add_meta_graph(["x"]))
        raises_as_tf("bad_main_op", lambda: b.add_meta_graph_and_variables(
            sess, ["x"], main_op="init"))
        bad = tf.saved_model.build_signature_def(
            {"x": meta_graph_pb2.TensorInfo(name="Const:0", tensor_shape={})})
        raises_as_tf("no_dtype", lambda: b.add_meta_graph_and_variables(
            sess, ["x"], signature_def_map={"s": bad}))
        b.add_meta_graph_and_variables(sess, ["x"])
        raises_as_tf("twice", lambda: b.add_meta_graph_and_variables(sess, ["y"]))


def test_a_failed_export_leaves_nothing_that_loads(tmp_path):
    """Variables are saved first, saved_model.pb last: a directory whose export failed (here,
    an uninitialized variable) or was never finished with save() holds no SavedModel."""
    export_dir = str(tmp_path / "model")
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.get_variable("v", [2])
        with pytest.raises(tf.errors.FailedPreconditionError):
            tf.saved_model.simple_save(sess, export_dir, {"v": tf.global_variables()[0]},
                                       {"o": tf.global_variables()[0]})
        unfinished = str(tmp_path / "unfinished")
        sess.run(tf.global_variables_initializer())
        tf.saved_model.Builder(unfinished).add_meta_graph_and_variables(sess, ["serve"])
    for directory in (export_dir, unfinished):
        assert not tf.saved_model.contains_saved_model(directory)
        with tf.Session(graph=tf.Graph()) as sess, pytest.raises(OSError, match="does not exist"):
            tf.saved_model.loader.load(sess, ["serve"], directory)
    with pytest.raises(AssertionError, match="already exists, and isn't empty"):
        tf.saved_model.Builder(unfinished)  # as TF: start again in a fresh directory


def test_strip_default_attrs_strips_only_tfs_defaults(tmp_path):
    """TF's rule: an attr goes only when it equals the default in TF's OpDef, so an attr TF
    requires (Const's dtype, Conv2D's strides) stays however minitf defaults it; a missing
    attr comes back as TF's default."""
    export_dir = str(tmp_path / "model")
    images = np.arange(2 * 5 * 5 * 1, dtype=np.float32).reshape(2, 5, 5, 1) / 50
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None, 5, 5, 1], name="x")
        k = tf.get_variable("k", [3, 3, 1, 2], initializer=tf.constant_initializer(0.5))
        conv = tf.nn.conv2d(x, k, strides=[1, 1, 1, 1], padding="VALID")
        flat = tf.reshape(conv, [-1, 18])
        out = tf.reduce_sum(tf.matmul(flat, tf.ones([18, 3])), axis=1, name="out")
        sess.run(tf.global_variables_initializer())
        want = sess.run(out, {x: images})
        builder = tf.saved_model.Builder(export_dir)
        builder.add_meta_graph_and_variables(
            sess, ["serve"], {"s": tf.saved_model.predict_signature_def({"x": x}, {"o": out})},
            strip_default_attrs=True)
        builder.save()
    saved = saved_model_pb2.SavedModel.FromString(
        open(os.path.join(export_dir, "saved_model.pb"), "rb").read())
    meta = saved.meta_graphs[0]
    assert meta.meta_info_def.stripped_default_attrs
    nodes = {n.op: n for n in meta.graph_def.node}
    assert {"dtype", "value"} <= set(nodes["Const"].attr)            # required by TF
    assert {"strides", "padding"} <= set(nodes["Conv2D"].attr)        # required by TF
    assert "data_format" not in nodes["Conv2D"].attr                  # TF's default, NHWC
    assert not {"transpose_a", "transpose_b"} & set(nodes["MatMul"].attr)
    assert "keep_dims" not in nodes["Sum"].attr
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["serve"], export_dir)
        np.testing.assert_array_equal(sess.run("out:0", {"x:0": images}), want)
