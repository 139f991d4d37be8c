"""tf.py_func / tf.numpy_function against what TF 2.21 compat.v1 does with the same programs
(tests/record_tf_py_func.py): op names and types, values, dtype checks and error classes."""

import numpy as np
import pytest

import minitf as tf

X = np.arange(6, dtype=np.float32).reshape(2, 3)


def run(fetch):
    with tf.Session() as sess:
        return sess.run(fetch)


def test_one_dtype_gives_one_tensor_a_list_gives_a_list():
    p = tf.py_func(lambda a: a * 2, [X], tf.float32)
    assert (p.name, p.op.type, p.shape.ndims, p.dtype) == ("PyFunc:0", "PyFunc", None, tf.float32)
    np.testing.assert_array_equal(run(p), X * 2)
    both = tf.py_func(lambda a: [a * 2, a.sum().astype(np.int64)], [X], [tf.float32, tf.int64])
    assert [t.name for t in both] == ["PyFunc_1:0", "PyFunc_1:1"]
    doubled, total = run(both)
    assert total == 15 and total.dtype == np.int64
    (alone,) = run(tf.py_func(lambda a: a * 2, [X], [tf.float32]))  # a list of one
    np.testing.assert_array_equal(alone, X * 2)
    assert run(tf.py_func(lambda a: 3, [X], tf.int64)) == 3  # a Python int is an int64


def test_names_stateless_numpy_function_and_no_outputs():
    q = tf.py_func(lambda a: a, [X], tf.float32, stateful=False, name="myfn")
    assert (q.name, q.op.type) == ("myfn:0", "PyFuncStateless")
    n = tf.numpy_function(lambda a: a + 1, [X], tf.float32)
    assert (n.op.name, n.op.type) == ("PyFunc", "PyFunc")
    seen = []
    op = tf.py_func(lambda a: seen.append(a.shape), [X], [])
    assert isinstance(op, tf.Operation)
    run(op)
    run(op)
    assert seen == [(2, 3), (2, 3)]  # it runs every time, never folded


def test_strings_go_in_and_out_as_bytes():
    up = tf.py_func(lambda s: s.upper(), [tf.constant(b"ab")], tf.string)
    assert run(up) == b"AB"
    words = tf.py_func(lambda v: np.array([w + b"!" for w in v], dtype=object),
                       [tf.constant(["a", "bc"])], tf.string)
    assert list(run(words)) == [b"a!", b"bc!"]


@pytest.mark.parametrize("func, tout, error, message", [
    (lambda a: a.astype(np.float64), tf.float32, tf.errors.InvalidArgumentError,
     "0-th value returned by pyfunc_\\d+ is double, but expects float"),
    (lambda a: 3.5, tf.float32, tf.errors.InvalidArgumentError,
     "0-th value returned by pyfunc_\\d+ is double, but expects float"),
    (lambda a: np.array([1, 2], np.int64), tf.int32, tf.errors.InvalidArgumentError,
     "is int64, but expects int32"),
    (lambda a: (a, a), tf.float32, tf.errors.InvalidArgumentError,
     "pyfunc_\\d+ returns 2 values, but expects to see 1 values."),
    (lambda a: [1, 2], tf.int32, tf.errors.InvalidArgumentError,
     "returns 2 values, but expects to see 1 values."),
])
def test_wrong_results_are_tfs_errors(func, tout, error, message):
    with pytest.raises(error, match=message):
        run(tf.py_func(func, [X], tout))


def _raise(kind):
    def func(a):
        raise kind("boom")
    return func


@pytest.mark.parametrize("kind, error", [
    (ValueError, tf.errors.InvalidArgumentError), (TypeError, tf.errors.InvalidArgumentError),
    (StopIteration, tf.errors.OutOfRangeError), (RuntimeError, tf.errors.UnknownError),
    (NotImplementedError, tf.errors.UnimplementedError),
])
def test_exceptions_map_to_tfs_classes_and_change_nothing(kind, error):
    v = tf.Variable(1.0)
    step = tf.assign_add(v, 1.0)
    bad = tf.py_func(_raise(kind), [X], tf.float32)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(error, match="%s: boom" % kind.__name__) as info:
            sess.run([step, bad])
        assert "Traceback" in info.value.message and info.value.op is bad.op
        assert sess.run(v) == 1.0


def test_no_gradient_flows_through_it():
    x = tf.constant(X)
    r = tf.py_func(lambda a: a * 2, [x], tf.float32)
    assert tf.gradients(tf.reduce_sum(r), x) == [None]  # as TF


def test_in_a_dataset_map_with_set_shape():
    """The classic tf.data use: decode with Python inside map, then restore the static shape."""
    def parse(i):
        out = tf.py_func(lambda v: np.full(3, v, np.float32), [i], tf.float32)
        out.set_shape([3])
        return out
    ds = tf.data.Dataset.range(4).map(parse).batch(2)
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    assert nxt.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(nxt), [[0, 0, 0], [1, 1, 1]])
        np.testing.assert_array_equal(sess.run(nxt), [[2, 2, 2], [3, 3, 3]])


def test_an_imported_graph_cannot_run_a_function_it_does_not_have():
    x = tf.placeholder(tf.float32)
    tf.py_func(lambda a: a, [x], tf.float32)
    graph_def = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default() as imported:
        tf.import_graph_def(graph_def, name="")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="ValueError: callback pyfunc_\\d+ is not found"):
                sess.run("PyFunc:0", {"Placeholder:0": 1.0})
    assert imported.get_operation_by_name("PyFunc").type == "PyFunc"
