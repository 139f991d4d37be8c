"""tf.train.Checkpoint and CheckpointManager against TF 2.21's recording
(tests/record_tf_object_checkpoint.py): the keys, object graph, values and state file minitf
writes for the same program, TF's own checkpoint restored, the manager's sequence and the
restore assertions' errors. (TF restoring minitf's checkpoints is checked by hand with
tests/check_object_checkpoint_in_tf.py.)"""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from google.protobuf import text_format

import minitf as tf
from minitf.protos import trackable_object_graph_pb2
from tests import checkpoint_programs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RECORDED = json.loads((FIXTURES / "tf_object_checkpoint.json").read_text())
TF_CHECKPOINT = str(FIXTURES / "tf_checkpoints" / "object_graph" / RECORDED["checkpoint"]["path"])


def _object_graph(path):
    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(tf.train.load_checkpoint(path).get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    return graph


def _values(sess, variables):
    return {k: sess.run(v).tolist() for k, v in variables.items()}


def test_save_writes_tfs_keys_object_graph_values_and_state(tmp_path):
    path, values = checkpoint_programs.train_and_save(tf, str(tmp_path / "ckpt"))
    assert values == RECORDED["checkpoint"]["values"]
    assert os.path.basename(path) == RECORDED["checkpoint"]["path"]
    dtypes = tf.train.load_checkpoint(path).get_variable_to_dtype_map()
    assert [[k, dtypes[k].name, s] for k, s in sorted(tf.train.list_variables(path))] == \
        RECORDED["checkpoint"]["keys"]
    assert text_format.MessageToString(_object_graph(path)) == \
        RECORDED["checkpoint"]["object_graph"]
    assert (tmp_path / "checkpoint").read_text() == RECORDED["checkpoint"]["state"]


def test_restores_the_checkpoint_tf_wrote(tmp_path):
    with tf.Graph().as_default():
        ckpt, _, variables = checkpoint_programs.build(tf, scale=3.0)
        status = ckpt.restore(TF_CHECKPOINT)
        assert type(status).__name__ == "CheckpointLoadStatus"
        with tf.Session() as sess:
            assert status.run_restore_ops(sess) is None  # as TF's, in graph mode
            assert status.assert_consumed() is status
            assert _values(sess, variables) == RECORDED["checkpoint"]["values"]
            assert sess.run(ckpt.save_counter) == 1
            # the restored counter goes on counting
            assert ckpt.save(str(tmp_path / "c"), session=sess) == str(tmp_path / "c-2")


def test_slots_made_after_restore_are_restored_by_names_not_graph_names():
    """Deferred restoration: the optimizer's slots exist only once minimize runs, after
    restore(); the variables here have other graph names than TF's program gave them."""
    with tf.Graph().as_default():
        kernel = tf.get_variable("k2", initializer=np.zeros((2, 3), np.float32))
        bias = tf.get_variable("b2", initializer=np.zeros(3, np.float32))
        optimizer = tf.train.AdamOptimizer(0.1)
        ckpt = tf.train.Checkpoint(model=tf.train.Checkpoint(
            layer=tf.train.Checkpoint(kernel=kernel, bias=bias)), optimizer=optimizer,
            step=tf.Variable(np.int64(0), name="other_step"))
        status = ckpt.restore(TF_CHECKPOINT)
        optimizer.minimize(tf.reduce_sum(kernel) + tf.reduce_sum(bias))
        with tf.Session() as sess:
            status.initialize_or_restore(sess)
            status.assert_consumed()
            want = RECORDED["checkpoint"]["values"]
            assert sess.run(optimizer.get_slot(kernel, "m")).tolist() == want["kernel_m"]
            assert sess.run(bias).tolist() == want["bias"]
            assert sess.run(optimizer._get_beta_accumulators()[0]).tolist() == \
                want["beta1_power"]


def test_write_and_restore_round_trip_without_numbering(tmp_path):
    with tf.Graph().as_default():
        a = tf.Variable([1.5, -2.0], name="a")
        n = tf.Variable(np.int32(4), name="n")
        inner = tf.train.Checkpoint(n=n)
        ckpt = tf.train.Checkpoint(a=a)
        ckpt.inner = inner  # attributes set later are tracked too
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert ckpt.write(str(tmp_path / "w"), session=sess) == str(tmp_path / "w")
    assert not (tmp_path / "checkpoint").exists()
    assert sorted(k for k, _ in tf.train.list_variables(str(tmp_path / "w"))) == [
        "_CHECKPOINTABLE_OBJECT_GRAPH", "a/.ATTRIBUTES/VARIABLE_VALUE",
        "inner/n/.ATTRIBUTES/VARIABLE_VALUE"]
    with tf.Graph().as_default():
        a = tf.Variable([0.0, 0.0], name="renamed")
        n = tf.Variable(np.int32(0))
        ckpt = tf.train.Checkpoint(a=a, inner=tf.train.Checkpoint(n=n))
        status = ckpt.restore(str(tmp_path / "w"))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            status.run_restore_ops(sess)
            assert sess.run(a).tolist() == [1.5, -2.0] and sess.run(n) == 4
            # As in TF: restore() makes the save counter, which write() never saved.
            with pytest.raises(AssertionError, match=r"Showing 1 of 1 unmatched objects: "
                               r"\[<tf.Variable 'save_counter:0' shape=\(\) dtype=int64"):
                status.assert_consumed()


def test_manager_saves_deletes_and_lists_as_tf(tmp_path):
    assert checkpoint_programs.manager_run(tf, str(tmp_path)) == RECORDED["manager"]


def test_manager_takes_a_global_step_and_keeps_hours(tmp_path):
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        ckpt = tf.train.Checkpoint(step=step)
        manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=1,
                                             keep_checkpoint_every_n_hours=1e-9)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step.assign(42))
            assert manager.save(checkpoint_number=step) == str(tmp_path / "ckpt-42")
            manager.save()
    # the older one is kept for good (outside the list) since an hour's tiny fraction passed
    assert manager.checkpoints == [str(tmp_path / "ckpt-2")]
    assert (tmp_path / "ckpt-42.index").exists()
    assert manager.directory == str(tmp_path)


def test_restore_assertions_and_errors_are_tfs():
    assert checkpoint_programs.misuses(tf, TF_CHECKPOINT) == RECORDED["errors"]


def test_restore_failures(tmp_path):
    with tf.Graph().as_default():
        ckpt = tf.train.Checkpoint(a=tf.Variable(1.0, name="a"))
        with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files"):
            ckpt.restore(str(tmp_path / "missing"))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            named = tf.train.Saver().save(sess, str(tmp_path / "named"))
        with pytest.raises(tf.errors.NotFoundError, match="name-based checkpoint"):
            ckpt.restore(named)
    with tf.Graph().as_default():
        kernel = tf.get_variable("kernel", initializer=np.ones((3, 3), np.float32))
        ckpt = tf.train.Checkpoint(model=tf.train.Checkpoint(layer=tf.train.Checkpoint(
            kernel=kernel)))
        status = ckpt.restore(TF_CHECKPOINT)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"float32 \[3,3\]"):
                status.run_restore_ops(sess)
            assert sess.run(kernel).tolist() == np.ones((3, 3)).tolist()  # nothing changed


def test_save_needs_a_session_and_initialized_variables(tmp_path):
    with tf.Graph().as_default():
        ckpt = tf.train.Checkpoint(a=tf.Variable(1.0))
        with pytest.raises(ValueError, match="no default session"):
            ckpt.save(str(tmp_path / "x"))
        with tf.Session() as sess, pytest.raises(tf.errors.FailedPreconditionError):
            ckpt.save(str(tmp_path / "x"), session=sess)
        assert not list(tmp_path.iterdir())
