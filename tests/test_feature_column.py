"""tf.feature_column against TF's recorded behaviour: tests/record_tf_feature_column.py's
`record` runs here on minitf, and each part of its result (input_layer and linear_model
outputs with known variable values, names, shapes, hash bucket ids, parse specs, errors) is
compared with what it gave on TF (tests/fixtures/tf_feature_column.json)."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests.record_tf_feature_column import record

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_feature_column.json")
TF = json.load(open(FIXTURE))


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    return record(tf, str(tmp_path_factory.mktemp("feature_column")))


def _close(got, want):
    """Equal structure; floats to float32's precision (sqrtn and max_norm divide)."""
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (got, want)
        for g, w in zip(got, want):
            _close(g, w)
    elif isinstance(want, float):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    else:
        assert got == want


def _same(got, want):
    if isinstance(want, dict) and "value" in want:
        _close(got["value"], want["value"])
        got, want = ({k: v for k, v in d.items() if k != "value"} for d in (got, want))
    assert got == want


@pytest.mark.parametrize("part", sorted(k for k in TF if k not in ("tf_version", "errors",
                                                                    "crossed")))
def test_matches_tf(ours, part):
    _same(ours[part], TF[part])


@pytest.mark.parametrize("case", sorted(TF["crossed"]))
def test_crosses_match_tf(ours, case):
    """Cross ids (through indicator columns), crosses of crosses and of columns, the raw
    64-bit hashes and strings of tf.sparse.cross(_hashed). TF's shape inference evaluates
    the constant inputs' cross, so its outputs know the batch size; minitf's say None."""
    got, want = ours["crossed"][case], TF["crossed"][case]
    if isinstance(want, dict) and "shape" in want:
        got = dict(got)
        assert got.pop("shape") in (want["shape"], [None] + want["shape"][1:])
        want = {k: v for k, v in want.items() if k != "shape"}
    _same(got, want)


@pytest.mark.parametrize("case", sorted(TF["errors"]))
def test_errors_match_tf(ours, case):
    assert ours["errors"][case] == TF["errors"][case]


def _example(price, fruit):
    feature = {"price": tf.train.Feature(float_list=tf.train.FloatList(value=[price])),
               "fruit": tf.train.Feature(bytes_list=tf.train.BytesList(
                   value=[f.encode() for f in fruit]))}
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def test_parsed_examples_through_input_layer():
    """make_parse_example_spec -> tf.parse_example -> input_layer: a VarLenFeature's
    SparseTensor (a row without values included) and a FixedLenFeature."""
    tf.reset_default_graph()
    fc = tf.feature_column
    fruit = fc.categorical_column_with_vocabulary_list("fruit", ["apple", "kiwi"])
    columns = [fc.numeric_column("price"), fc.indicator_column(fruit)]
    spec = fc.make_parse_example_spec(columns)
    serialized = tf.placeholder(tf.string, [None])
    out = fc.input_layer(tf.parse_example(serialized, spec), columns)
    assert out.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        got = sess.run(out, {serialized: [_example(2.5, ["kiwi", "apple", "kiwi"]),
                                          _example(-1.0, []), _example(0.0, ["plum"])]})
    np.testing.assert_array_equal(got, [[1.0, 2.0, 2.5], [0, 0, -1.0], [0, 0, 0.0]])


def test_sparse_input_of_unknown_rank_and_rank_one():
    """A SparseTensor whose rank is known only at run time goes through TF's tf.cond (a
    vector becomes [batch, 1]); a rank-1 SparseTensor is reshaped when the graph is built."""
    tf.reset_default_graph()
    fc = tf.feature_column
    column = fc.indicator_column(fc.categorical_column_with_identity("ids", 3))
    unknown = tf.sparse_placeholder(tf.int64)
    out = fc.input_layer({"ids": unknown}, [column])
    tf.reset_default_graph()
    vector = tf.SparseTensor([[0], [2]], tf.constant([2, 1], tf.int64), [3])
    out_vector = fc.input_layer({"ids": vector}, [column])
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out_vector), [[0, 0, 1], [0, 0, 0], [0, 1, 0]])
    with tf.Session(graph=out.graph) as sess:
        for value, want in [
                (([[0], [1]], [1, 2], [2]), [[0, 1, 0], [0, 0, 1]]),
                (([[0, 0], [0, 1], [1, 0]], [0, 2, 2], [2, 2]), [[1, 0, 1], [0, 0, 1]])]:
            np.testing.assert_array_equal(sess.run(out, {unknown: value}), want)


def test_embedding_trains_only_the_rows_looked_up():
    """The embedding table's gradient is an IndexedSlices: one SGD step moves only the rows
    of the ids in the batch, by the mean combiner's share of the loss gradient."""
    tf.reset_default_graph()
    fc = tf.feature_column
    column = fc.embedding_column(fc.categorical_column_with_identity("ids", 5), 2,
                                 initializer=tf.zeros_initializer())
    out = fc.input_layer({"ids": [[1, 3], [3, -1]]}, [column])
    table = tf.global_variables()[0]
    (grad,) = tf.gradients(tf.reduce_sum(out), [table])
    assert isinstance(grad, tf.IndexedSlices)
    step = tf.train.GradientDescentOptimizer(1.0).minimize(tf.reduce_sum(out))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        np.testing.assert_allclose(sess.run(table), [[0, 0], [-0.5, -0.5], [0, 0],
                                                     [-1.5, -1.5], [0, 0]])


def test_embedding_loads_from_checkpoint(tmp_path):
    """ckpt_to_load_from + tensor_name_in_ckpt: the initializer reads the saved table."""
    tf.reset_default_graph()
    saved = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="old/table")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "model"))
    tf.reset_default_graph()
    fc = tf.feature_column
    column = fc.embedding_column(fc.categorical_column_with_identity("ids", 3), 2,
                                 combiner="sum", ckpt_to_load_from=prefix,
                                 tensor_name_in_ckpt="old/table")
    out = fc.input_layer({"ids": [[2, 0], [1, -1]]}, [column])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(out), [[4, 6], [2, 3]])


def test_shared_embedding_columns_share_one_variable_across_calls():
    """A second input_layer in the same graph reuses the collection's variable."""
    tf.reset_default_graph()
    fc = tf.feature_column
    a, b = fc.shared_embedding_columns([fc.categorical_column_with_identity("a", 3),
                                        fc.categorical_column_with_identity("b", 3)], 2)
    fc.input_layer({"a": [[1]]}, [a])
    fc.input_layer({"b": [[2]]}, [b])
    assert [v.name for v in tf.global_variables()] == [
        "input_layer/a_b_shared_embedding/embedding_weights:0"]
    assert tf.get_collection("a_b_shared_embedding") == tf.global_variables()
