"""Tests of tf.train.Saver: TF-named ops, save/restore round trips, rotation, the checkpoint file,
errors as TF1 raises them, and restoring checkpoints TensorFlow wrote."""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import minitf as tf
from minitf import errors
from minitf.protos import saver_pb2
from minitf.train import bundle, checkpoint_state
from minitf.train import saver as saver_module

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "tf_checkpoints"
DATA_SUFFIX = ".data-00000-of-00001"


@pytest.fixture
def graph():
    g = tf.Graph()
    with g.as_default():
        yield g


def make_vars():
    with tf.name_scope("scope"):
        w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    b = tf.Variable(np.array([1.5, -2.5]), name="b")  # float64
    n = tf.Variable(7, name="n")  # int32 scalar
    flags = tf.Variable([True, False, True], name="flags")
    return w, b, n, flags


def initialized_session(graph):
    sess = tf.Session(graph=graph)
    sess.run(tf.global_variables_initializer())
    return sess


# ------------------------------------------------------------------------------------------
# The graph a Saver builds
# ------------------------------------------------------------------------------------------

def test_saver_builds_the_ops_tf1_builds(graph):
    tf.Variable([1.0, 2.0], name="v")
    tf.Variable(3, name="w")
    saver = tf.train.Saver()
    ops = [(op.name, op.type) for op in graph.get_operations() if op.name.startswith("save/")]
    # The names and types TF 1.x's Saver creates for two ref variables (checked with TF).
    assert ops == [
        ("save/filename/input", "Const"), ("save/filename", "PlaceholderWithDefault"),
        ("save/Const", "PlaceholderWithDefault"), ("save/SaveV2/tensor_names", "Const"),
        ("save/SaveV2/shape_and_slices", "Const"), ("save/SaveV2", "SaveV2"),
        ("save/control_dependency", "Identity"), ("save/RestoreV2/tensor_names", "Const"),
        ("save/RestoreV2/shape_and_slices", "Const"), ("save/RestoreV2", "RestoreV2"),
        ("save/Assign", "Assign"), ("save/Assign_1", "Assign"), ("save/restore_all", "NoOp")]
    save_v2 = graph.get_operation_by_name("save/SaveV2")
    assert [t.name for t in save_v2.inputs[3:]] == ["v:0", "w:0"]
    # File I/O runs on the host whatever device the variables are on.
    assert save_v2.device == graph.get_operation_by_name("save/RestoreV2").device == "/device:CPU:0"
    assert graph.get_operation_by_name("save/Assign_1").inputs[1].name == "save/RestoreV2:1"
    assert [c.name for c in graph.get_operation_by_name("save/restore_all").control_inputs] == [
        "save/Assign", "save/Assign_1"]
    assert saver.saver_def == saver_pb2.SaverDef(
        filename_tensor_name="save/Const:0", save_tensor_name="save/control_dependency:0",
        restore_op_name="save/restore_all", max_to_keep=5, keep_checkpoint_every_n_hours=10000,
        version=saver_pb2.SaverDef.V2)
    assert saver.as_saver_def() is saver.saver_def
    assert tf.train.Saver(name="other").saver_def.restore_op_name == "other/restore_all"
    assert tf.train.Saver().saver_def.restore_op_name == "save_1/restore_all"


def test_variables_are_saved_in_sorted_key_order(graph):
    z = tf.Variable(1.0, name="z")
    a = tf.Variable(2.0, name="a")
    tf.train.Saver([z, a])
    names = graph.get_operation_by_name("save/SaveV2/tensor_names").get_attr("value")
    assert [n.decode() if isinstance(n, bytes) else n for n in names] == ["a", "z"]
    assert graph.get_operation_by_name("save/SaveV2").inputs[3] is a._ref()


# ------------------------------------------------------------------------------------------
# Round trips
# ------------------------------------------------------------------------------------------

def test_save_and_restore_round_trip_every_dtype(graph, tmp_path):
    w, b, n, flags = make_vars()
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    prefix = saver.save(sess, str(tmp_path / "model.ckpt"))
    assert prefix == str(tmp_path / "model.ckpt")
    for suffix in (".index", DATA_SUFFIX, ".meta"):
        assert os.path.exists(prefix + suffix)
    reader = tf.train.NewCheckpointReader(prefix)
    assert reader.get_variable_to_shape_map() == {"scope/w": [2, 3], "b": [2], "n": [],
                                                  "flags": [3]}
    assert reader.get_tensor("b").dtype == np.float64

    sess.run([w.assign(np.zeros((2, 3), np.float32)), b.assign([0.0, 0.0]), n.assign(0),
              flags.assign([False] * 3)])
    saver.restore(sess, prefix)
    got = sess.run([w, b, n, flags])
    np.testing.assert_array_equal(got[0], np.arange(6, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(got[1], [1.5, -2.5])
    assert got[2] == 7 and got[3].tolist() == [True, False, True]

    # A fresh session restores into uninitialized variables (no initializer run).
    fresh = tf.Session(graph=graph)
    saver.restore(fresh, prefix)
    assert fresh.run(n) == 7


def test_global_step_suffix_and_state_file(graph, tmp_path):
    v = tf.Variable(1.0, name="v")
    step = tf.Variable(42, dtype=tf.int64, name="global_step", trainable=False)
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    base = str(tmp_path / "model.ckpt")
    assert saver.save(sess, base, global_step=3) == base + "-3"
    assert saver.save(sess, base, global_step=step) == base + "-42"
    assert saver.save(sess, base, global_step=np.int64(5)) == base + "-5"
    assert tf.train.latest_checkpoint(str(tmp_path)) == base + "-5"
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == [base + "-3", base + "-42", base + "-5"]
    padded = tf.train.Saver([v], pad_step_number=True)
    assert padded.save(sess, base, global_step=7) == base + "-00000007"


def test_write_state_and_meta_graph_can_be_turned_off(graph, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    prefix = saver.save(sess, str(tmp_path / "m"), write_meta_graph=False, write_state=False)
    assert sorted(os.listdir(tmp_path)) == ["m" + DATA_SUFFIX, "m.index"]
    saver.save(sess, str(tmp_path / "m"), latest_filename="latest", meta_graph_suffix="graph")
    assert sorted(os.listdir(tmp_path)) == ["latest", "m" + DATA_SUFFIX, "m.graph", "m.index"]
    assert tf.train.latest_checkpoint(str(tmp_path), "latest") == prefix


def test_var_list_dict_renames_and_list_restores_a_subset(graph, tmp_path):
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable(3.0, name="b")
    sess = initialized_session(graph)
    prefix = tf.train.Saver({"renamed/a": a, "b": b}).save(sess, str(tmp_path / "m"))
    assert tf.train.list_variables(prefix) == [("b", []), ("renamed/a", [2])]
    sess.run([a.assign([0.0, 0.0]), b.assign(0.0)])
    tf.train.Saver({"renamed/a": a}).restore(sess, prefix)  # extra keys are fine, as in TF
    assert sess.run(a).tolist() == [1.0, 2.0] and sess.run(b) == 0.0
    tf.train.Saver([b]).restore(sess, prefix)
    assert sess.run(b) == 3.0


def test_bad_var_lists(graph):
    with pytest.raises(ValueError, match="No variables to save"):
        tf.train.Saver()
    v = tf.Variable(1.0, name="v")
    with pytest.raises(ValueError, match="At least two variables have the same name: v"):
        tf.train.Saver([v, v])
    with pytest.raises(TypeError, match="not a Variable"):
        tf.train.Saver([tf.constant(1.0)])
    with pytest.raises(TypeError, match="saves tf.Variables"):
        tf.train.Saver({"x": tf.constant(1.0)})
    with pytest.raises(ValueError, match="build cannot be deferred"):
        tf.train.Saver([v], defer_build=True)


def test_allow_empty_and_defer_build(tmp_path):
    with tf.Graph().as_default() as g:
        empty = tf.train.Saver(allow_empty=True)
        sess = tf.Session(graph=g)
        assert empty.save(sess, str(tmp_path / "e"), write_meta_graph=False) is None
        assert empty.restore(sess, str(tmp_path / "e")) is None
        assert not os.listdir(tmp_path)
        deferred = tf.train.Saver(defer_build=True)
        with pytest.raises(RuntimeError, match="build"):
            deferred.save(sess, str(tmp_path / "d"))
        v = tf.Variable(2.0, name="v")
        deferred.build()
        sess.run(v.initializer)
        assert tf.train.load_variable(deferred.save(sess, str(tmp_path / "d")), "v") == 2.0


# ------------------------------------------------------------------------------------------
# Rotation
# ------------------------------------------------------------------------------------------

def checkpoint_files(directory):
    return sorted(f for f in os.listdir(directory) if f != "checkpoint")


def test_max_to_keep_deletes_the_oldest_checkpoints(graph, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=2)
    sess = initialized_session(graph)
    base = str(tmp_path / "m")
    for step in range(4):
        saver.save(sess, base, global_step=step)
    assert saver.last_checkpoints == [base + "-2", base + "-3"]
    assert checkpoint_files(tmp_path) == ["m-2" + DATA_SUFFIX, "m-2.index", "m-2.meta",
                                          "m-3" + DATA_SUFFIX, "m-3.index", "m-3.meta"]
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == [base + "-2", base + "-3"]
    # Saving an existing prefix again moves it to the end instead of listing it twice.
    saver.save(sess, base, global_step=2)
    assert saver.last_checkpoints == [base + "-3", base + "-2"]


@pytest.mark.parametrize("max_to_keep", [0, None])
def test_max_to_keep_zero_or_none_keeps_everything(graph, tmp_path, max_to_keep):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=max_to_keep)
    sess = initialized_session(graph)
    for step in range(3):
        saver.save(sess, str(tmp_path / "m"), global_step=step, write_meta_graph=False)
    assert len(checkpoint_files(tmp_path)) == 6
    assert saver.last_checkpoints == []  # as TF: nothing is tracked
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == [str(tmp_path / "m-2")]


def test_keep_checkpoint_every_n_hours_keeps_one_per_period(graph, tmp_path, monkeypatch):
    clock = [1000.0]

    class FakeTime:
        @staticmethod
        def time():
            return clock[0]

    monkeypatch.setattr(saver_module, "time", FakeTime)
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1.0)
    sess = initialized_session(graph)
    for step, minutes in enumerate([0, 30, 70, 80, 100]):
        clock[0] = 1000.0 + 60 * minutes
        saver.save(sess, str(tmp_path / "m"), global_step=step, write_meta_graph=False)
    # Step 2 (70 min) is the first saved after the one-hour mark, so it is kept for good;
    # the others are deleted as they drop out of max_to_keep.
    assert sorted({f.split(".")[0] for f in checkpoint_files(tmp_path)}) == ["m-2", "m-4"]


def test_recover_last_checkpoints_resumes_rotation(graph, tmp_path):
    tf.Variable(1.0, name="v")
    sess = initialized_session(graph)
    first = tf.train.Saver(max_to_keep=3)
    for step in range(3):
        first.save(sess, str(tmp_path / "m"), global_step=step, write_meta_graph=False)
    second = tf.train.Saver(max_to_keep=3)
    state = tf.train.get_checkpoint_state(str(tmp_path))
    paths = list(state.all_model_checkpoint_paths) + [str(tmp_path / "gone")]
    second.recover_last_checkpoints(paths)
    assert second.last_checkpoints == [str(tmp_path / ("m-%d" % i)) for i in range(3)]
    second.save(sess, str(tmp_path / "m"), global_step=3, write_meta_graph=False)
    assert not os.path.exists(str(tmp_path / "m-0.index"))
    second.set_last_checkpoints_with_time([("x", 1.0)])
    assert second.last_checkpoints == ["x"]
    with pytest.raises(TypeError):
        second.set_last_checkpoints_with_time(("x", 1.0))


def test_save_relative_paths_lets_the_directory_move(graph, tmp_path):
    v = tf.Variable(5.0, name="v")
    saver = tf.train.Saver(save_relative_paths=True)
    sess = initialized_session(graph)
    saver.save(sess, str(tmp_path / "run" / "m"), global_step=1)
    text = (tmp_path / "run" / "checkpoint").read_text()
    assert 'model_checkpoint_path: "m-1"' in text
    shutil.move(str(tmp_path / "run"), str(tmp_path / "moved"))
    sess.run(v.assign(0.0))
    saver.restore(sess, tf.train.latest_checkpoint(str(tmp_path / "moved")))
    assert sess.run(v) == 5.0


# ------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------

def test_save_errors_as_tf1(graph, tmp_path):
    v = tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    missing = str(tmp_path / "no" / "such" / "model")
    with pytest.raises(ValueError, match="Parent directory of .*model doesn't exist, can't save."):
        saver.save(sess, missing)
    # Like TF's bundle writer, one missing directory level is created.
    assert saver.save(sess, str(tmp_path / "new" / "m")) == str(tmp_path / "new" / "m")
    with pytest.raises(ValueError, match="must not contain path components"):
        saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
    with pytest.raises(ValueError, match="collides"):
        saver.save(sess, str(tmp_path / "checkpoint"))
    with pytest.raises(TypeError, match="'sess' must be a Session"):
        saver.save("not a session", str(tmp_path / "m"))
    uninitialized = tf.Session(graph=graph)
    with pytest.raises(errors.FailedPreconditionError, match="uninitialized value v"):
        saver.save(uninitialized, str(tmp_path / "m"))
    del v


def test_restore_errors_as_tf1(graph, tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    with pytest.raises(ValueError, match="Can't load save_path when it is None."):
        saver.restore(sess, None)
    nope = str(tmp_path / "nope")
    with pytest.raises(ValueError, match="The passed save_path is not a valid checkpoint: " + nope):
        saver.restore(sess, nope)
    saver.save(sess, str(tmp_path / "m"))
    # A directory instead of a prefix: TF's DataLossError, with a hint.
    with pytest.raises(errors.DataLossError, match="latest_checkpoint"):
        saver.restore(sess, str(tmp_path))


def save_checkpoint(tmp_path, values):
    """Writes a checkpoint of {name: value} with minitf's Saver in its own graph."""
    with tf.Graph().as_default() as g:
        variables = [tf.Variable(value, name=name) for name, value in values.items()]
        sess = initialized_session(g)
        return tf.train.Saver(variables).save(sess, str(tmp_path / "ckpt"), write_meta_graph=False)


def test_mismatched_graph_is_one_error_and_changes_nothing(graph, tmp_path):
    prefix = save_checkpoint(tmp_path, {"dense/kernel": np.ones((2, 3), np.float32),
                                        "dense/bias": np.ones(3, np.float32),
                                        "step": np.int64(4), "extra": np.float32(1)})
    with tf.name_scope("dense"):
        kernel = tf.Variable(np.zeros((2, 3), np.float32), name="kernl")  # a typo
        bias = tf.Variable(np.zeros(4, np.float32), name="bias")  # wrong shape
    step = tf.Variable(0, name="step")  # int32, the checkpoint has int64
    other = tf.Variable(0.0, name="other")
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    with pytest.raises(errors.NotFoundError) as info:
        saver.restore(sess, prefix)
    message = str(info.value)
    assert "Not found in the checkpoint (2): 'dense/kernl' (did you mean 'dense/kernel'?), " \
           "'other'" in message
    assert "'dense/bias': the graph has float32 [4], the checkpoint float32 [3]" in message
    assert "'step': the graph has int32 [], the checkpoint int64 []" in message
    assert "In the checkpoint but not restored (2): 'dense/kernel', 'extra'" in message
    for v in (kernel, bias, step, other):
        assert not np.any(sess.run(v))


def test_shape_mismatch_alone_is_invalid_argument(graph, tmp_path):
    prefix = save_checkpoint(tmp_path, {"v": np.ones(3, np.float32)})
    v = tf.Variable(np.zeros(2, np.float32), name="v")
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    with pytest.raises(errors.InvalidArgumentError, match="'v': the graph has float32 \\[2\\]"):
        saver.restore(sess, prefix)
    assert sess.run(v).tolist() == [0.0, 0.0]


def test_corrupted_data_file_is_data_loss_and_changes_nothing(graph, tmp_path):
    prefix = save_checkpoint(tmp_path, {"a": np.arange(4, dtype=np.float32),
                                        "b": np.arange(4, dtype=np.float32)})
    data = bytearray(Path(prefix + DATA_SUFFIX).read_bytes())
    data[-1] ^= 0x01  # last byte: tensor "b", so "a" reads fine before the damage is found
    Path(prefix + DATA_SUFFIX).write_bytes(bytes(data))
    a = tf.Variable(np.zeros(4, np.float32), name="a")
    b = tf.Variable(np.zeros(4, np.float32), name="b")
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    with pytest.raises(errors.DataLossError, match=DATA_SUFFIX):
        saver.restore(sess, prefix)
    assert not np.any(sess.run(a)) and not np.any(sess.run(b))


def test_truncated_index_is_data_loss_naming_the_file(graph, tmp_path):
    prefix = save_checkpoint(tmp_path, {"a": np.arange(4, dtype=np.float32)})
    index = Path(bundle.index_filename(prefix))
    index.write_bytes(index.read_bytes()[:-10])
    tf.Variable(np.zeros(4, np.float32), name="a")
    sess = initialized_session(graph)
    with pytest.raises(errors.DataLossError, match=str(index)):
        tf.train.Saver().restore(sess, prefix)


def test_restore_op_run_directly_reports_like_tf(graph, tmp_path):
    prefix = save_checkpoint(tmp_path, {"v": np.float64(1.0)})
    tf.Variable(np.float32(0), name="v")
    tf.Variable(np.float32(0), name="w")
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    feed = {saver.saver_def.filename_tensor_name: prefix}
    with pytest.raises(errors.NotFoundError, match="Key w not found in checkpoint"):
        sess.run(saver.saver_def.restore_op_name, feed)
    only_v = tf.train.Saver(tf.global_variables()[:1])
    with pytest.raises(errors.InvalidArgumentError,
                       match="tensor_name = v; expected dtype float32 does not equal original "
                             "dtype float64"):
        sess.run(only_v.saver_def.restore_op_name,
                 {only_v.saver_def.filename_tensor_name: prefix})


# ------------------------------------------------------------------------------------------
# Checkpoints TensorFlow wrote
# ------------------------------------------------------------------------------------------

def test_restores_tf_adam_mlp_with_slots_and_beta_powers(graph):
    x = tf.placeholder(tf.float32, [None, 8])
    labels = tf.placeholder(tf.int64, [None])
    h = tf.layers.dense(x, 16, activation=tf.nn.relu)
    h = tf.layers.dense(h, 16, activation=tf.nn.relu)
    logits = tf.layers.dense(h, 4)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                         logits=logits))
    tf.train.AdamOptimizer(0.01).minimize(loss, global_step=tf.train.get_or_create_global_step())
    saver = tf.train.Saver()
    sess = tf.Session(graph=graph)
    saver.restore(sess, tf.train.latest_checkpoint(str(FIXTURES / "adam_mlp")))
    expected = np.load(FIXTURES / "adam_mlp" / "expected.npz")
    variables = tf.global_variables()
    assert sorted(v.op.name for v in variables) == sorted(expected.files)
    for v in variables:
        value = sess.run(v)
        want = expected[v.op.name]
        assert value.dtype == want.dtype and value.tobytes() == want.tobytes(), v.op.name


def test_restores_tf_dtypes_and_shapes(graph):
    expected = np.load(FIXTURES / "dtypes_and_shapes" / "expected.npz")
    variables = []
    for key in expected.files:
        scope, _, name = key.rpartition("/")
        with tf.name_scope(scope + "/" if scope else None):
            variables.append(tf.Variable(np.zeros_like(expected[key]), name=name))
    sess = tf.Session(graph=graph)
    tf.train.Saver().restore(sess, str(FIXTURES / "dtypes_and_shapes" / "model.ckpt"))
    for key, v in zip(expected.files, variables):
        assert v.op.name == key
        value = np.asarray(sess.run(v))
        assert value.dtype == expected[key].dtype and value.shape == expected[key].shape
        assert value.tobytes() == expected[key].tobytes(), key


def test_restores_tf_many_vars_into_a_subset_by_dict(graph):
    expected = np.load(FIXTURES / "many_vars" / "expected.npz")
    chosen = {"layer07/w": tf.Variable(np.zeros(3, np.float32), name="seven"),
              "layer39/w": tf.Variable(np.zeros(5, np.float32), name="last")}
    sess = tf.Session(graph=graph)
    tf.train.Saver(chosen).restore(sess, tf.train.latest_checkpoint(str(FIXTURES / "many_vars")))
    for key, v in chosen.items():
        np.testing.assert_array_equal(sess.run(v), expected[key])


def test_checkpoint_state_names_only_complete_checkpoints(graph, tmp_path, monkeypatch):
    # The state file is written after the data, index and meta files.
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    sess = initialized_session(graph)
    calls = []
    original = checkpoint_state.update_checkpoint_state

    def spy(save_dir, path, *args, **kwargs):
        calls.append(sorted(os.listdir(save_dir)))
        return original(save_dir, path, *args, **kwargs)

    monkeypatch.setattr(checkpoint_state, "update_checkpoint_state", spy)
    saver.save(sess, str(tmp_path / "m"))
    assert calls == [["m" + DATA_SUFFIX, "m.index", "m.meta"]]
