"""The ops of TensorFlow's sharded Saver graph (in every SavedModel TF writes): StringJoin,
StaticRegexFullMatch and ShardedFilename against the values TF computed
(tests/record_tf_saved_model.py), and MergeV2Checkpoints on checkpoints on disk."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from minitf.ops.string_ops import StaticRegexFullMatch, StringJoin
from minitf.train import bundle
from minitf.train.saver import MergeV2Checkpoints, ShardedFilename

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(HERE, "fixtures", "tf_saved_model.json"), encoding="utf-8") as _f:
    RECORDED = json.load(_f)["string_ops"]


def test_string_ops_compute_what_tf_does():
    with tf.Graph().as_default(), tf.Session() as sess:
        words = tf.constant([["a", "bc"], ["", "d/e"]])
        joined = StringJoin(separator="-")(words, tf.constant("_x"), words)
        match = StaticRegexFullMatch(pattern="^s3://.*")(
            tf.constant(["s3://b/c", "/tmp/s3://", "s3:/"]))
        shard = ShardedFilename()(tf.constant("dir/model_temp/part"), tf.constant(3),
                                  tf.constant(12))
        assert [t.shape.as_list() for t in (joined, match, shard)] == RECORDED["shapes"]
        assert (joined.dtype, match.dtype, shard.dtype) == (tf.string, tf.bool, tf.string)
        values = sess.run([joined, match, shard])
    assert [[b.decode() for b in row] for row in values[0]] == RECORDED["joined"]
    assert values[1].tolist() == RECORDED["match"]
    assert values[2].decode() == RECORDED["sharded"]


def test_string_ops_check_their_inputs_when_built():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"Dimension 0 in both shapes must be equal, but are "
                                             r"2 and 3. Shapes are \[2\] and \[3\]"):
            StringJoin()(tf.constant(["a", "b"]), tf.constant(["a", "b", "c"]))
        with pytest.raises(TypeError, match="StringJoin expects string inputs; input 1"):
            StringJoin()(tf.constant("a"), tf.constant(1.0))
        with pytest.raises(TypeError, match="shard must be an int32 scalar, got int64"):
            ShardedFilename()(tf.constant("a"), tf.constant(1, tf.int64), tf.constant(2))


def test_merge_v2_checkpoints_merges_and_deletes_the_shards(tmp_path):
    temp = tmp_path / "model_temp"
    temp.mkdir()
    shards = [str(temp / ("part-%05d-of-00002" % i)) for i in range(2)]
    bundle.write_bundle(shards[0], {"a": np.arange(3, dtype=np.float32)})
    bundle.write_bundle(shards[1], {"b": np.array([[7]], np.int64)})
    destination = str(tmp_path / "model")
    with tf.Graph().as_default(), tf.Session() as sess:
        prefixes = tf.placeholder(tf.string, [None])
        target = tf.placeholder(tf.string, [])
        sess.run(MergeV2Checkpoints()(prefixes, target), {prefixes: shards, target: destination})
        missing = MergeV2Checkpoints(allow_missing_files=True)(prefixes, target)
        with pytest.raises(tf.errors.NotFoundError):
            sess.run(MergeV2Checkpoints()(prefixes, target),
                     {prefixes: [str(tmp_path / "nothing")], target: destination + "2"})
        sess.run(missing, {prefixes: [str(tmp_path / "nothing")], target: destination + "3"})
    assert sorted(os.listdir(tmp_path)) == ["model.data-00000-of-00001", "model.index",
                                            "model3.data-00000-of-00001", "model3.index"]
    reader = tf.train.NewCheckpointReader(destination)
    np.testing.assert_array_equal(reader.get_tensor("a"), [0, 1, 2])
    np.testing.assert_array_equal(reader.get_tensor("b"), [[7]])
    assert tf.train.list_variables(destination + "3") == []
