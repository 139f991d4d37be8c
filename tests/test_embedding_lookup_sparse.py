"""tf.nn.embedding_lookup_sparse and safe_embedding_lookup_sparse beyond the TF parity programs
(tests/tf1_sparse_programs.py): TF1's warning for the default combiner, the sparse optimizer
path (rows not looked up stay bit-identical), ids outside the table; and the segment ops'
TF type attrs in an exported GraphDef."""

import logging

import numpy as np
import pytest

import minitf as tf


def _ids():
    return tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([7, 3, 7], tf.int64), [3, 2])


@pytest.mark.parametrize("lookup", [tf.nn.embedding_lookup_sparse,
                                    tf.contrib.layers.safe_embedding_lookup_sparse])
def test_combiner_none_is_mean_with_tf1s_warning(lookup, caplog):
    table = np.arange(30.0).reshape(10, 3)
    with caplog.at_level(logging.WARNING, logger="minitf"):
        y = lookup(tf.constant(table), _ids(), None, combiner=None)
    assert 'combiner will change from "mean" to "sqrtn"' in caplog.text
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y)[[0, 2]], [(table[7] + table[3]) / 2, table[7]])


def test_sgd_moves_only_the_rows_looked_up():
    start = np.random.RandomState(0).randn(1000, 4).astype(np.float32)
    table = tf.Variable(start)
    y = tf.nn.embedding_lookup_sparse(table, _ids(), None, combiner="sqrtn")
    (grad,) = tf.gradients(tf.reduce_sum(y), [table])
    assert isinstance(grad, tf.IndexedSlices)
    step = tf.train.GradientDescentOptimizer(0.5).minimize(tf.reduce_sum(y))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        after = sess.run(table)
    moved = np.flatnonzero((after != start).any(1))
    assert moved.tolist() == [3, 7]
    np.testing.assert_allclose(after[3], start[3] - 0.5 / np.sqrt(2), rtol=1e-6)
    np.testing.assert_allclose(after[7], start[7] - 0.5 / np.sqrt(2) - 0.5, rtol=1e-6)


def test_an_id_outside_the_table_is_an_invalid_argument_error():
    y = tf.nn.embedding_lookup_sparse(tf.zeros([5, 2]), _ids(), None, combiner="sum")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="not in"):
        sess.run(y)


def test_segment_ops_export_with_tfs_type_attrs():
    from minitf.framework.graph_def import from_attr_value
    data = tf.placeholder(tf.float32, [None, 2])
    ids = tf.placeholder(tf.int64, [None])
    tf.math.segment_max(data, ids, name="smax")
    y = tf.sparse.segment_mean(data, tf.constant([0, 1]), ids, num_segments=3, name="smean")
    tf.gradients(y, data)
    nodes = {n.op: n for n in tf.get_default_graph().as_graph_def().node}
    want = {"SegmentMax": {"T": tf.float32, "Tindices": tf.int64},
            "SparseSegmentMeanWithNumSegments": {"T": tf.float32, "Tidx": tf.int32,
                                                 "Tsegmentids": tf.int64,
                                                 "Tnumsegments": tf.int32},
            "SparseSegmentMeanGrad": {"T": tf.float32, "Tidx": tf.int32,
                                      "Tsegmentids": tf.int64}}
    for op, attrs in want.items():
        got = {k: from_attr_value(v) for k, v in nodes[op].attr.items() if k in attrs}
        assert got == attrs, op
