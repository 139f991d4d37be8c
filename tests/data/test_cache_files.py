"""Dataset.cache(filename): the first complete pass is written to a file that later passes,
iterators, sessions and programs read instead of running the input; an interrupted pass
leaves nothing behind."""

import os

import numpy as np
import pytest

import minitf as tf
from tests.data.test_dataset import drain

pytestmark = pytest.mark.usefixtures("fresh_graph")


def counted(n, calls):
    """A dataset of n elements (an int, a float vector, a string) that counts its passes."""
    def gen():
        calls.append(1)
        for i in range(n):
            yield i, np.full(i % 3, i, np.float32), ("s%d" % i).encode() * (i % 4)
    return tf.data.Dataset.from_generator(gen, (tf.int64, tf.float32, tf.string),
                                          ([], [None], []))


def run_all(dataset):
    with tf.Session() as sess:
        return drain(sess, dataset.make_one_shot_iterator().get_next())


def same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        for u, v in zip(x, y):
            np.testing.assert_array_equal(u, v)


def test_a_complete_pass_is_written_and_read_back_by_later_iterators(tmp_path):
    prefix = str(tmp_path / "train")
    calls = []
    first = run_all(counted(10, calls).cache(prefix))
    assert len(first) == 10 and len(calls) == 1
    assert os.listdir(tmp_path) == ["train.minitf-cache"]
    # a new dataset object, graph and session: the file is read, the input does not run
    with tf.Graph().as_default():
        second = run_all(counted(10, calls).cache(prefix))
    assert len(calls) == 1
    same(first, second)
    assert second[7][2] == b"s7s7s7" and second[4][2] == b"" and second[4][1].tolist() == [4.0]


def test_repeat_reads_the_cache_after_the_first_pass(tmp_path):
    calls = []
    ds = counted(6, calls).cache(str(tmp_path / "c")).repeat(3)
    values = run_all(ds)
    assert len(values) == 18 and len(calls) == 1
    same(values[:6], values[12:])


def test_an_interrupted_pass_is_not_used(tmp_path):
    prefix = str(tmp_path / "part")
    calls = []
    ds = counted(10, calls).cache(prefix)
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        for _ in range(4):
            sess.run(nxt)
    assert os.listdir(tmp_path) == []  # the partial file is gone with the session
    # take(10) of 10 elements stops without asking for an 11th: the pass never sees the end
    # of its input, so it is not complete either (TF discards it likewise)
    values = run_all(counted(10, calls).cache(prefix).take(10))
    assert len(values) == 10 and len(calls) == 2
    assert os.listdir(tmp_path) == []
    values = run_all(counted(10, calls).cache(prefix))
    assert len(values) == 10 and len(calls) == 3  # computed again, in full
    assert os.listdir(tmp_path) == ["part.minitf-cache"]


def test_reinitializing_mid_pass_drops_the_partial_file(tmp_path):
    calls = []
    it = counted(10, calls).cache(str(tmp_path / "r")).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer)
        sess.run(nxt)
        sess.run(it.initializer)
        assert len(drain(sess, nxt)) == 10
    assert os.listdir(tmp_path) == ["r.minitf-cache"]


def test_the_filename_can_be_fed(tmp_path):
    name = tf.placeholder(tf.string, [])
    it = tf.data.Dataset.range(5).map(lambda x: x * 3).cache(name).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {name: str(tmp_path / "fed")})
        assert drain(sess, nxt) == [0, 3, 6, 9, 12]
    assert os.path.exists(str(tmp_path / "fed.minitf-cache"))


def test_a_missing_folder_is_not_found(tmp_path):
    ds = tf.data.Dataset.range(3).cache(str(tmp_path / "no" / "such" / "dir"))
    with pytest.raises(tf.errors.NotFoundError, match="No such file"):
        run_all(ds)


def test_a_damaged_or_foreign_cache_file_is_an_error(tmp_path):
    prefix = str(tmp_path / "d")
    run_all(tf.data.Dataset.range(100).cache(prefix))
    path = prefix + ".minitf-cache"
    data = open(path, "rb").read()
    open(path, "wb").write(data[:len(data) - 10])
    with pytest.raises(tf.errors.DataLossError, match="corrupted or truncated"):
        run_all(tf.data.Dataset.range(100).cache(prefix))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a cache of this dataset"):
        run_all(tf.data.Dataset.range(100).map(lambda x: tf.cast(x, tf.float32)).cache(prefix))
