"""tf.contrib.framework's tensor utilities (with_shape, with_same_shape, reduce_sum_n,
get_name_scope, nest...) and checkpoint readers, and tf.contrib.training's checkpoint waiting
and queue-based bucketing.
TF 2.x has none of contrib.framework's tensor_util left to record, so the names, static shapes
and messages here are those TF 1.15's contrib/framework/python/framework/tensor_util.py builds
(read from its source); the checkpoint functions are tf.train's, tested in tests/train."""

import os
import threading

import numpy as np
import pytest

import minitf as tf

framework = tf.contrib.framework


def test_the_checkpoint_readers_are_tf_trains():
    assert framework.list_variables is tf.train.list_variables
    assert framework.load_variable is tf.train.load_variable
    assert framework.load_checkpoint is tf.train.load_checkpoint
    assert framework.is_tensor is tf.is_tensor
    assert framework.convert_to_tensor_or_sparse_tensor is tf.convert_to_tensor_or_sparse_tensor


def test_list_and_load_variables_from_a_checkpoint(tmp_path):
    v = tf.Variable([[1.0, 2.0]], name="v")
    with tf.Session() as sess:
        sess.run(v.initializer)
        path = tf.train.Saver().save(sess, str(tmp_path / "model"))
    assert framework.list_variables(str(tmp_path)) == [("v", [1, 2])]
    np.testing.assert_array_equal(framework.load_variable(path, "v"), [[1.0, 2.0]])
    assert framework.load_checkpoint(str(tmp_path)).has_tensor("v")


def test_reduce_sum_n_names_and_value():
    a = tf.constant([1.0, 2.0], name="a")
    b = tf.constant([[3.0], [4.0]], name="b")
    total = framework.reduce_sum_n([a, b])
    assert total.name == "reduce_sum_n:0" and total.op.type == "AddN"
    assert [t.op.name for t in total.op.inputs] == ["reduce_sum_n/a/sum", "reduce_sum_n/b/sum"]
    one = framework.reduce_sum_n([a], name="only")
    assert one.name == "only/a/sum:0"
    with tf.Session() as sess:
        assert sess.run([total, one]) == [10.0, 3.0]
    with pytest.raises(ValueError, match="No tensors provided."):
        framework.reduce_sum_n([])


def test_with_shape_static():
    x = tf.zeros([2, 3], name="x")
    assert framework.with_shape([2, 3], x) is x
    assert framework.with_shape((2, 3), x) is x  # (a list's int64 is taken as int32; an
    with pytest.raises(ValueError, match="Invalid dtype int64 for shape"):  # array's is not)
        framework.with_shape(np.array([2, 3], np.int64), x)
    with pytest.raises(ValueError, match=r"^Invalid shape for tensor x:0, expected \[3 2\], "
                                         r"got \(2, 3\)\.$"):
        framework.with_shape([3, 2], x)
    with pytest.raises(ValueError, match=r"Invalid rank 2 for shape \[\[2 3\]\] expected of "
                                         r"tensor x:0\."):
        framework.with_shape([[2, 3]], x)
    with pytest.raises(ValueError, match="Invalid dtype float64 for shape"):
        framework.with_shape([2.0, 3.0], x)
    with pytest.raises(ValueError, match="Invalid dtype <dtype: 'int64'> for shape"):
        framework.with_shape(tf.constant([2, 3], tf.int64), x)
    with pytest.raises(ValueError, match="SparseTensor not supported."):
        framework.with_shape([2], tf.SparseTensor([[0]], [1.0], [2]))
    # the scalar special case: [] takes a one-element tensor to a scalar
    scalar = framework.with_shape([], tf.constant([5.0], name="one"))
    assert scalar.name == "one/Reshape:0" and scalar.shape.as_list() == []


def test_with_shape_checked_when_run():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = framework.with_shape([2, 3], x)
    assert y.name == "x/Identity:0" and y.shape.as_list() == [2, 3]
    (check,) = y.op.control_inputs
    assert check.name == "x/assert_shape/Assert" and check.type == "Assert"
    assert check.inputs[0].op.name == "x/assert_shape/is_shape"
    dynamic = framework.with_shape(tf.shape(x), x)
    # (the scope `x/` is re-entered as it is: a second identity in it)
    assert dynamic.name == "x/Identity_1:0" and dynamic.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        value = np.ones([2, 3], np.float32)
        np.testing.assert_array_equal(sess.run(y, {x: value}), value)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Wrong shape for x:0 \[expected\] \[actual\]\.\] \[2 3\] "
                                 r"\[1 3\]"):
            sess.run(y, {x: np.ones([1, 3], np.float32)})


def test_with_same_shape():
    expected = tf.placeholder(tf.float32, [None, 2], name="e")
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = framework.with_same_shape(expected, x)
    assert y.name == "x/Identity:0"
    assert y.op.control_inputs[0].inputs[2].name == "x/expected_shape:0"
    assert framework.with_same_shape(tf.zeros([4, 2]), tf.ones([4, 2], name="o")).name == \
        "o:0"
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Wrong shape for x:0"):
            sess.run(y, {expected: np.ones([3, 2]), x: np.ones([2, 2])})


def test_get_name_scope_and_nest():
    assert framework.get_name_scope() == ""
    with tf.name_scope("outer"):
        with tf.name_scope("inner"):
            assert framework.get_name_scope() == "outer/inner"
    nest = framework.nest
    assert nest.flatten({"b": [1, (2, 3)], "a": 0}) == [0, 1, 2, 3]
    assert nest.pack_sequence_as(((1, 2), [3]), ["x", "y", "z"]) == (("x", "y"), ["z"])
    assert nest.map_structure(lambda v: v * 2, {"a": (1, 2)}) == {"a": (2, 4)}
    assert nest.is_sequence([1]) and not nest.is_sequence("ab")
    with pytest.raises(ValueError):
        nest.assert_same_structure([1, 2], [1])
    from minitf.contrib.framework import nest as imported
    assert imported is nest


def test_wait_for_new_checkpoint_and_iterator(tmp_path):
    training = tf.contrib.training
    assert training.checkpoints_iterator is tf.train.checkpoints_iterator
    assert training.wait_for_new_checkpoint(str(tmp_path), seconds_to_sleep=0.01,
                                            timeout=0.05) is None
    v = tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        first = saver.save(sess, os.path.join(str(tmp_path), "model"), global_step=1)
        assert training.wait_for_new_checkpoint(str(tmp_path), timeout=1) == first
        assert training.wait_for_new_checkpoint(str(tmp_path), first, 0.01, timeout=0.05) is \
            None
        timer = threading.Timer(0.05, lambda: saver.save(
            sess, os.path.join(str(tmp_path), "model"), global_step=2))
        timer.start()
        second = training.wait_for_new_checkpoint(str(tmp_path), first, 0.01, timeout=5)
        timer.join()
    assert second.endswith("model-2")
    assert list(training.checkpoints_iterator(str(tmp_path), timeout=0.05)) == [second]


def _bucketed(**kwargs):
    lengths = tf.constant([1, 5, 2, 6, 3, 7])
    index = tf.train.range_input_producer(6, shuffle=False).dequeue()
    length = tf.gather(lengths, index)
    sequence = tf.range(length) + 10 * index
    return tf.contrib.training.bucket_by_sequence_length(
        length, [sequence], batch_size=2, bucket_boundaries=[4], dynamic_pad=True, **kwargs)


def _take(fetches, n, until=None):
    """n runs of `fetches` with the queue runners going (or, with `until`, runs until
    until(results) holds, at most 40: which bucket's batch comes next depends on threads)."""
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        out = [sess.run(fetches) for _ in range(n)]
        while until is not None and not until(out) and len(out) < 40:
            out.append(sess.run(fetches))
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=5)
    return out


def test_bucket_by_sequence_length_groups_and_pads():
    lengths, (sequences,) = _bucketed()
    assert lengths.shape.as_list() == [2] and sequences.shape.as_list() == [2, None]
    assert lengths.op.name == "bucket_by_sequence_length/bucket/dequeue_top"
    assert lengths.dtype == tf.int32 and sequences.dtype == tf.int32
    queues = [qr.queue.name for qr in tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)]
    assert queues[1:] == ["bucket_by_sequence_length/bucket/bucket_queue_0",
                          "bucket_by_sequence_length/bucket/bucket_queue_1",
                          "bucket_by_sequence_length/bucket/top_queue"]
    short, long_ = [], []
    both = lambda out: len({int(got_lengths[0] < 4) for got_lengths, _ in out}) == 2  # noqa
    for got_lengths, got in _take([lengths, sequences], 4, until=both):
        (short if got_lengths[0] < 4 else long_).append(got_lengths.tolist())
        assert all(length < 4 for length in got_lengths) or all(
            length >= 4 for length in got_lengths)
        assert got.shape == (2, max(got_lengths))
        for row, length in zip(got, got_lengths):  # each row its own sequence, then zeros
            assert (row[length:] == 0).all() and (np.diff(row[:length]) == 1).all()
    # each bucket's batches come in the input's order: lengths 1, 2, 3, 1... and 5, 6, 7, 5...
    assert sum(short, []) == ([1, 2, 3] * 30)[:2 * len(short)]
    assert sum(long_, []) == ([5, 6, 7] * 30)[:2 * len(long_)]
    assert short and long_


def test_bucket_by_sequence_length_options_and_errors():
    lengths, sequences = _bucketed(allow_smaller_final_batch=True, name="b")
    assert lengths.shape.as_list() == [None] and isinstance(sequences, list)
    training = tf.contrib.training
    x = tf.constant([1.0])
    with pytest.raises(TypeError, match="bucket_boundaries must be a list or tuple"):
        training.bucket_by_sequence_length(1, [x], 2, 4)
    with pytest.raises(ValueError, match="bucket_boundaries must not be empty"):
        training.bucket_by_sequence_length(1, [x], 2, [])
    with pytest.raises(ValueError, match="sequential increasing lengths, but saw: 4 before 4"):
        training.bucket_by_sequence_length(1, [x], 2, [4, 4])
    with pytest.raises(TypeError, match="must be integers, but saw: 1.5 and 4"):
        training.bucket_by_sequence_length(1, [x], 2, [1.5, 4])
    with pytest.raises(ValueError, match="If batch_size is a list it must have num_buckets"):
        training.bucket_by_sequence_length(1, [x], [2, 2, 2], [4])
    with pytest.raises(ValueError, match=r"bucket_capacities \(\[3\]\) must have exactly "
                                         r"num_buckets \(2\)"):
        training.bucket_by_sequence_length(1, [x], 2, [4], bucket_capacities=[3])


def test_bucket_with_dict_and_per_bucket_batch_sizes():
    index = tf.train.range_input_producer(4, shuffle=False).dequeue()
    which, batch = tf.contrib.training.bucket({"i": index, "twice": 2 * index}, index % 2,
                                              batch_size=[1, 2], num_buckets=2)
    assert which.shape.as_list() == [] and batch["i"].shape.as_list() == [None]
    seen = {0: [], 1: []}
    for got_which, got in _take([which, batch], 3,
                                until=lambda out: len({int(w) for w, _ in out}) == 2):
        assert (got["twice"] == 2 * got["i"]).all() and (got["i"] % 2 == got_which).all()
        assert len(got["i"]) == (1 if got_which == 0 else 2)
        seen[int(got_which)].append(got["i"].tolist())
    assert sum(seen[0], []) == ([0, 2] * 40)[:len(seen[0])]
    assert sum(seen[1], []) == ([1, 3] * 40)[:2 * len(seen[1])]


def test_bucket_keep_input_drops_elements():
    lengths = tf.constant([1, 5, 2, 6, 3, 7])
    index = tf.train.range_input_producer(6, shuffle=False).dequeue()
    length = tf.gather(lengths, index)
    got_lengths, (values,) = tf.contrib.training.bucket_by_sequence_length(
        length, [index], batch_size=2, bucket_boundaries=[4], num_threads=2,
        keep_input=tf.not_equal(length, 2))
    assert values.shape.as_list() == [2]
    batches = _take([got_lengths, values], 4)
    for got, idx in batches:
        assert 2 not in got.tolist()
        np.testing.assert_array_equal(got, np.array([1, 5, 2, 6, 3, 7])[idx])


def test_bucket_refuses_sparse_tensors():
    sparse = tf.SparseTensor([[0]], [1.0], [3])
    with pytest.raises(TypeError, match="does not take SparseTensors"):
        tf.contrib.training.bucket([sparse], 0, 2, 2)
