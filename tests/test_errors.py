"""Errors as TF1 raises them, with messages that say what went wrong and where: the tf.errors
classes, feed and fetch mistakes, uninitialized variables, build-time and run-time failures, and
that a failed run does not half-update variables."""

import inspect
import os
import pickle

import numpy as np
import pytest

import minitf as tf


HERE = os.path.basename(__file__)


def test_error_classes_have_tf_codes_and_fields():
    codes = {"CancelledError": 1, "UnknownError": 2, "InvalidArgumentError": 3,
             "DeadlineExceededError": 4, "NotFoundError": 5, "AlreadyExistsError": 6,
             "PermissionDeniedError": 7, "ResourceExhaustedError": 8,
             "FailedPreconditionError": 9, "AbortedError": 10, "OutOfRangeError": 11,
             "UnimplementedError": 12, "InternalError": 13, "UnavailableError": 14,
             "DataLossError": 15, "UnauthenticatedError": 16}
    op = tf.no_op(name="here")
    for name, code in codes.items():
        cls = getattr(tf.errors, name)
        assert issubclass(cls, tf.errors.OpError)
        e = cls(None, op, "what happened")
        assert (e.op, e.message, e.error_code, e.node_def, str(e)) == \
            (op, "what happened", code, None, "what happened")
        assert tf.errors.exception_type_from_error_code(code) is cls
        assert tf.errors.error_code_from_exception_type(cls) == code
    assert (tf.errors.OK, tf.errors.INVALID_ARGUMENT, tf.errors.FAILED_PRECONDITION) == (0, 3, 9)
    copy = pickle.loads(pickle.dumps(tf.errors.OutOfRangeError(None, None, "end")))
    assert type(copy) is tf.errors.OutOfRangeError and copy.message == "end"


def test_missing_feed_names_the_placeholder_and_the_fetch():
    x = tf.placeholder(tf.float32, [None, 3], name="images")
    y = tf.reduce_sum(x * 2.0, name="total")
    unrelated = tf.constant(1.0)
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run([unrelated, y])
        assert s.run(unrelated) == 1.0  # fetching what does not need it is fine
    message = str(info.value)
    assert "You must feed a value for placeholder tensor 'images' with dtype float and " \
           "shape [?,3]" in message
    assert "'total:0'" in message and "'Const:0'" not in message
    assert info.value.op is x.op


def test_wrong_feed_shape_names_both_shapes_and_the_axis():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.Session() as s:
        with pytest.raises(ValueError) as info:
            s.run(x, {x: np.ones((2, 4))})
        assert str(info.value) == ("Cannot feed value of shape (2, 4) for Tensor 'x:0', which has "
                                   "shape '(?, 3)': axis 1 has size 4, but the tensor needs 3.")
        with pytest.raises(ValueError, match=r"shape \(3,\).*the ranks differ \(1 vs 2\)"):
            s.run(x, {x: np.ones(3)})


def test_uninitialized_variable_names_it_and_where_it_was_created():
    line = inspect.currentframe().f_lineno + 1
    w = tf.Variable(tf.zeros([2]), name="weights")
    y = w * 2.0
    with tf.Session() as s:
        with pytest.raises(tf.errors.FailedPreconditionError) as info:
            s.run(y)
    message = str(info.value)
    assert "Attempting to use uninitialized value weights" in message
    assert "%s:%d" % (__file__, line) in message
    assert info.value.op is w.op


def test_fetch_or_feed_from_another_graph():
    with tf.Graph().as_default():
        other = tf.constant(1.0)
    mine = tf.constant(2.0)
    with tf.Session() as s:
        with pytest.raises(ValueError, match="cannot be interpreted as a Tensor.*not an element"):
            s.run(other)
        with pytest.raises(TypeError, match="Cannot interpret feed_dict key.*not an element"):
            s.run(mine, {other: 3.0})


def test_closed_session():
    c = tf.constant(1.0)
    s = tf.Session()
    s.close()
    s.close()  # closing twice is fine
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session"):
        s.run(c)


def test_a_tensor_is_not_a_feed_value():
    x = tf.placeholder(tf.float32, [1, 3])
    with tf.Session() as s:
        with pytest.raises(TypeError, match="The value of a feed cannot be a tf.Tensor"):
            s.run(x, {x: tf.ones([1, 3])})
        with pytest.raises(TypeError, match="cannot be a tf.Tensor"):
            s.run(x, {x: tf.Variable(tf.ones([1, 3]))})


def test_build_time_shape_mismatch_names_the_op_and_both_shapes():
    a = tf.placeholder(tf.float32, [2, 3])
    with pytest.raises(ValueError) as info:
        tf.matmul(a, tf.ones([4, 5]))
    message = str(info.value)
    assert "'MatMul'" in message and "[2,3], [4,5]" in message
    with pytest.raises(ValueError, match=r"'add'.*\[2,3\], \[3,2\]"):
        a + tf.ones([3, 2])


def test_runtime_kernel_failure_names_the_op_and_the_user_line():
    x = tf.placeholder(tf.float32, [None, None])
    y = tf.placeholder(tf.float32, [None, None])
    line = inspect.currentframe().f_lineno + 1
    product = tf.matmul(x, y, name="product")
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run(product, {x: np.ones((2, 3)), y: np.ones((4, 5))})
    message = str(info.value)
    assert "MatMul 'product'" in message
    assert "%s:%d" % (HERE, line) in message
    assert info.value.op is product.op


def test_a_failed_run_does_not_update_variables():
    v = tf.Variable(1.0, name="v")
    w = tf.Variable([1.0, 2.0], name="w")
    x = tf.placeholder(tf.float32, [None, None])
    y = tf.placeholder(tf.float32, [None, None])
    bad = tf.matmul(x, y) * v  # reads v, then fails
    updates = [v.assign_add(5.0), w.assign([7.0, 8.0]), w.assign_sub([1.0, 1.0])]
    feed = {x: np.ones((2, 3)), y: np.ones((4, 5))}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for fetches in ([updates[0], bad], [bad] + updates, [tf.group(*updates), bad]):
            with pytest.raises(tf.errors.InvalidArgumentError):
                s.run(fetches, feed)
            assert s.run(v) == 1.0
            np.testing.assert_array_equal(s.run(w), [1.0, 2.0])
        s.run(updates[0])
        assert s.run(v) == 6.0


def test_assign_of_the_wrong_shape():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match=r"\[2\] and \[3\]"):
        v.assign([1.0, 2.0, 3.0])
    p = tf.placeholder(tf.float32, [None])
    op = v.assign(p)
    with tf.Session() as s:
        s.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="lhs shape= \\[2\\] rhs shape= \\[3\\]"):
            s.run(op, {p: [1.0, 2.0, 3.0]})
        np.testing.assert_array_equal(s.run(v), [1.0, 2.0])


def test_os_errors_map_to_tf_classes_by_errno():
    import errno
    cases = {errno.ENOENT: tf.errors.NotFoundError, errno.EACCES: tf.errors.PermissionDeniedError,
             errno.EROFS: tf.errors.PermissionDeniedError, errno.ENOSPC: tf.errors.ResourceExhaustedError,
             errno.ENOTDIR: tf.errors.FailedPreconditionError, errno.EIO: tf.errors.UnknownError}
    for code, cls in cases.items():
        error = tf.errors._from_os_error(OSError(code, "boom"), None, "/some/path")
        assert type(error) is cls and "/some/path" in error.message
