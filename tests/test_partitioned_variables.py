"""Partitioned variables (tf.get_variable(..., partitioner=), the partitioners,
tf.create_partitioned_variables, embedding lookups over parts) and their checkpoints, against
what TF recorded (tests/record_tf_partitioned.py, tests/fixtures/tf_partitioned.json and the
TF-written checkpoint tests/fixtures/tf_checkpoints/partitioned)."""

from tests.helpers import recorded_program_tests

recorder, test_programs_do_what_tensorflow_did, test_every_recorded_program_is_run = \
    recorded_program_tests("tf_partitioned")


import os  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import minitf as tf  # noqa: E402
from minitf.train import bundle  # noqa: E402

PREFIX = os.path.join(recorder.FIXTURE, "model.ckpt")


def test_tf_checkpoint_lists_each_partitioned_variable_once_and_reads_it_whole():
    assert tf.train.list_variables(PREFIX) == [("a", [3]), ("big", [130, 2]), ("emb", [7, 2]),
                                               ("w", [5, 3]), ("z", [])]
    reader = tf.train.NewCheckpointReader(PREFIX)
    np.testing.assert_array_equal(reader.get_tensor("w"), recorder.W)
    np.testing.assert_array_equal(reader.get_tensor("emb"), recorder.EMB)
    np.testing.assert_array_equal(reader.get_tensor("big"), recorder.BIG)


def test_saver_writes_the_tf_checkpoint_byte_for_byte(tmp_path):
    recorder._model(tf)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "model.ckpt"),
                                       write_meta_graph=False, write_state=False)
    for suffix in (".index", ".data-00000-of-00001"):
        with open(prefix + suffix, "rb") as mine, open(PREFIX + suffix, "rb") as theirs:
            assert mine.read() == theirs.read(), suffix


def test_partitioned_and_whole_checkpoints_restore_into_each_other(tmp_path):
    with tf.Graph().as_default():
        w = tf.get_variable("w", [5, 3], partitioner=tf.fixed_size_partitioner(2))
        with tf.Session() as sess:
            sess.run(w.assign(recorder.W))
            tf.train.Saver().save(sess, str(tmp_path / "parts"))
    with tf.Graph().as_default():
        whole = tf.get_variable("w", [5, 3])
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, str(tmp_path / "parts"))
            np.testing.assert_array_equal(sess.run(whole), recorder.W)
            tf.train.Saver().save(sess, str(tmp_path / "whole"))
    with tf.Graph().as_default():
        w = tf.get_variable("w", [5, 3], partitioner=tf.fixed_size_partitioner(4))
        with tf.Session() as sess:
            tf.train.Saver({"w": w}).restore(sess, str(tmp_path / "whole"))
            parts = sess.run(list(w))
    assert [p.shape for p in parts] == [(2, 3), (1, 3), (1, 3), (1, 3)]
    np.testing.assert_array_equal(np.concatenate(parts), recorder.W)


def test_a_missing_slice_entry_is_data_loss(tmp_path):
    prefix = str(tmp_path / "damaged")
    w = recorder.W
    bundle.write_bundle(prefix, {"w": bundle.Slices((5, 3), [([(0, 3), (0, 3)], w[:3]),
                                                            ([(3, 2), (0, 3)], w[3:])])})
    index = bundle.index_filename(prefix)
    items = bundle._read_table(open(index, "rb").read(), index)
    kept = [item for item in items if item[0] != bundle.slice_key("w", [(3, 2), (0, 3)])]
    assert len(kept) == len(items) - 1
    with open(index, "wb") as f:
        f.write(bundle._build_table(kept))
    with pytest.raises(tf.errors.DataLossError, match=r"slice \[\(3, 2\), \(0, 3\)\] of 'w'"):
        bundle.BundleReader(prefix).get_tensor("w")


def test_slice_keys_use_tf_ordered_code_numbers():
    # one byte up to 63 in magnitude, then longer; -1 (a whole dimension) is 0x7f
    assert bundle.slice_key("w", [(0, -1), (63, 64)]) == \
        b"\x00w\x00\x01\x01\x02\x80\x7f\xbf\xc0\x40"
    assert bundle.slice_key("a\x00b", [(0, 1)]) == b"\x00a\x00\xffb\x00\x01\x01\x01\x80\x81"


def test_restore_of_a_slice_with_another_full_shape_names_both_shapes(tmp_path):
    from minitf.train.saver import RestoreV2, checkpoint_op
    bundle.write_bundle(str(tmp_path / "c"), {"w": recorder.W})
    graph = tf.get_default_graph()
    restore = checkpoint_op(graph, RestoreV2((tf.float32,)), tf.constant(str(tmp_path / "c")),
                            ["w"], [], specs=["6 3 0,3:0,3"]).outputs[0]
    part = checkpoint_op(graph, RestoreV2((tf.float32,)), tf.constant(str(tmp_path / "c")),
                         ["w"], [], specs=["5 3 1,2:-"]).outputs[0]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(part), recorder.W[1:3])
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[6, 3\].*\[5, 3\]"):
            sess.run(restore)
