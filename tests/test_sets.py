"""tf.sets against what TensorFlow does (tests/record_tf_sets.py -> tests/fixtures/tf_sets.json):
every case of tests/set_cases.py gives TF's indices, values, dense_shape, dtypes, tensor names,
static shapes, op type and set_operation attr; every misuse TF's error class and message."""

import json
import os
import sys

import numpy as np
import pytest

import minitf as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from set_cases import CASES, ERRORS, SP_IDX, SP_VAL  # noqa: E402

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_sets.json")) as f:
    RECORDED = json.load(f)


def _plain(x):
    x = np.asarray(x)
    if x.dtype.kind in "SO":
        return [v.decode() if isinstance(v, bytes) else v for v in x.ravel().tolist()]
    return x.tolist()


def _spec(t):
    return {"name": t.name, "dtype": t.dtype.name,
            "shape": None if t.shape.ndims is None else t.shape.as_list()}


def test_every_case_was_recorded():
    assert sorted(CASES) == sorted(RECORDED["cases"])
    assert sorted(ERRORS) == sorted(RECORDED["errors"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_matches_tf(case):
    want = RECORDED["cases"][case]
    with tf.Graph().as_default():
        out, feeds = CASES[case](tf)
        with tf.Session() as sess:
            value = sess.run(out, feeds)
        if want["sparse"]:
            op = out.indices.op
            assert isinstance(out, tf.SparseTensor)
            assert [_spec(t) for t in (out.indices, out.values, out.dense_shape)] == want["specs"]
            assert (op.type, op.get_attr("set_operation")) == (want["op"], want["set_operation"])
            assert value.indices.tolist() == want["indices"]
            assert value.indices.dtype == np.int64 and value.dense_shape.dtype == np.int64
            assert _plain(value.values) == want["values"]
            assert value.values.dtype == out.values.dtype.as_numpy_dtype
            assert value.dense_shape.tolist() == want["dense_shape"]
        else:
            assert out.op.type == want["op"] and [_spec(out)] == want["specs"]
            assert value.dtype == np.int32 and value.tolist() == want["value"]


def _split_dtypes(message):
    """The message with TF's frozenset of supported dtypes (in hash order) as a set."""
    head, _, rest = message.partition("`frozenset({")
    return head, set(rest.split("})")[0].split(", ")) if rest else None


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_matches_tf(case):
    want = RECORDED["errors"][case]
    error = getattr(tf.errors, want["class"], None) or getattr(__builtins__, want["class"], None)
    error = error or {"TypeError": TypeError, "ValueError": ValueError}[want["class"]]
    with pytest.raises(error) as info:
        with tf.Graph().as_default():
            out, feeds = ERRORS[case](tf)
            with tf.Session() as sess:
                sess.run(out, feeds)
    assert type(info.value) is error
    message = getattr(info.value, "message", None) or str(info.value)
    head, dtypes = _split_dtypes(message)
    want_head, want_dtypes = _split_dtypes(want["message"])
    assert head.startswith(want_head.rstrip(".")) and dtypes == want_dtypes


def test_validate_indices_false_takes_unsorted_rows():
    """TF leaves unsorted indices undefined without validation; minitf groups them by row."""
    order = [2, 0, 4, 1, 3]
    shuffled = tf.SparseTensor([SP_IDX[i] for i in order],
                               tf.constant([SP_VAL[i] for i in order], tf.int64), [3, 5])
    size = tf.sets.size(shuffled, validate_indices=False)
    union = tf.sets.union(shuffled, tf.constant([[1], [2], [3]], tf.int64),
                          validate_indices=False)
    assert size.op.get_attr("validate_indices") is False
    with tf.Session() as sess:
        got_size, got_union = sess.run([size, union])
    assert got_size.tolist() == [2, 0, 2]
    assert got_union.values.tolist() == [1, 3, 7, 2, 1, 3, 8]
    assert got_union.dense_shape.tolist() == [3, 3]


def test_no_gradient_through_set_ops():
    x = tf.constant([[1.0, 2.0]])
    ids = tf.cast(x, tf.int32)
    out = tf.sets.union(ids, ids)
    assert tf.gradients(tf.cast(out.values, tf.float32), ids) == [None]
    assert out.indices.op.opdef.differentiable is False


def test_namespace_names():
    assert tf.sets.intersection is tf.sets.set_intersection
    assert tf.sets.union is tf.sets.set_union
    assert tf.sets.difference is tf.sets.set_difference
    assert tf.sets.size is tf.sets.set_size


def test_graph_def_nodes_carry_tf_attrs():
    """Exported as TF's NodeDefs: T is the values' dtype, set_operation and validate_indices
    are attrs; importing gives back the same ops."""
    with tf.Graph().as_default() as g:
        sp = tf.SparseTensor([[0, 0], [1, 1]], tf.constant([3, 4], tf.int32), [2, 2])
        tf.sets.union(sp, sp, validate_indices=False)
        tf.sets.size(sp)
        tf.sets.difference(tf.constant([[1, 2]], tf.int16), tf.constant([[2]], tf.int16))
        nodes = {n.op: n for n in g.as_graph_def().node}
    union, size = nodes["SparseToSparseSetOperation"], nodes["SetSize"]
    assert union.attr["T"].type == size.attr["T"].type == tf.int32.as_datatype_enum
    assert union.attr["set_operation"].s == b"union"
    assert union.attr["validate_indices"].b is False and size.attr["validate_indices"].b
    assert nodes["DenseToDenseSetOperation"].attr["T"].type == tf.int16.as_datatype_enum
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(g.as_graph_def(), name="")
        op = g2.get_operation_by_name("SparseToSparseSetOperation")
        assert op.get_attr("set_operation") == "union" and not op.get_attr("validate_indices")
