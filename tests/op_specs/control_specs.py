"""Op table entries for control flow (tf.cond / tf.case: If): values against Python references
and float64 numerical gradients through the taken branch (including the predicate chosen from
the data, and a branch reading a tensor it does not get a gradient for)."""

import numpy as np

import minitf as tf
from tests.op_specs.spec import Arg, OpSpec


def _cond_sum(x, y):
    return tf.cond(tf.reduce_sum(x) > 0, lambda: tf.sin(x) * y, lambda: x * x - y)


def _np_cond_sum(x, y):
    return np.sin(x) * y if x.sum() > 0 else x * x - y


def _case(x):
    s = tf.reduce_sum(x)
    return tf.case([(s > 1, lambda: tf.exp(x)), (s < -1, lambda: x ** 3)], default=lambda: -x)


def _np_case(x):
    s = x.sum()
    return np.exp(x) if s > 1 else x ** 3 if s < -1 else -x


def _power_loop(x, y):
    """x * y**3 by a loop of three multiplications (a fixed trip count)."""
    return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * y), [tf.constant(0), x])[1]


def _halving_loop(x):
    """x halved until its sum of squares is below 1 (a trip count that depends on x)."""
    return tf.while_loop(lambda a: tf.reduce_sum(a * a) > 1., lambda a: a * 0.5 + 0. * tf.sin(a),
                         [x])


def _np_halving(x):
    while (x * x).sum() > 1:
        x = x * 0.5
    return x


SPECS = [
    OpSpec("cond_true", lambda x, y: tf.cond(tf.constant(True), lambda: x * y, lambda: x + y),
           lambda x, y: x * y, [Arg((2, 3)), Arg((2, 3))]),
    OpSpec("cond_false_tuple",
           lambda x, y: list(tf.cond(tf.constant(False), lambda: (x, y), lambda: (y * 2., tf.tanh(x)))),
           lambda x, y: [y * 2, np.tanh(x)], [Arg((3,)), Arg((3,))]),
    OpSpec("cond_data_pred_pos", _cond_sum, _np_cond_sum, [Arg((4,), low=0.5, high=2.), Arg((4,))]),
    OpSpec("cond_data_pred_neg", _cond_sum, _np_cond_sum, [Arg((4,), low=-2., high=-0.5), Arg((4,))]),
    OpSpec("cond_unknown_batch", lambda x: tf.cond(tf.shape(x)[0] > 2, lambda: x[:2], lambda: x),
           lambda x: x[:2] if x.shape[0] > 2 else x, [Arg((3, 2), static=(None, 2))]),
    OpSpec("case_first", _case, _np_case, [Arg((3,), low=0.5, high=1.)]),
    OpSpec("case_second", _case, _np_case, [Arg((3,), low=-1., high=-0.5)]),
    OpSpec("case_default", _case, _np_case, [Arg((2,), values=[0.3, -0.2])]),
    OpSpec("while_power", _power_loop, lambda x, y: x * y ** 3, [Arg((2, 3)), Arg((2, 3))]),
    OpSpec("while_data_dependent", _halving_loop, _np_halving, [Arg((4,), low=1., high=3.)]),
    OpSpec("while_cond_in_body",
           lambda x: tf.while_loop(lambda i, a: i < 4, lambda i, a: (i + 1, tf.cond(
               tf.equal(i % 2, 0), lambda: tf.tanh(a), lambda: a * a)), [tf.constant(0), x])[1],
           lambda x: (np.tanh(np.tanh(x) ** 2)) ** 2, [Arg((3,), low=-1., high=1.)]),
    OpSpec("map_fn", lambda x: tf.map_fn(lambda r: tf.tanh(r) * r[0], x),
           lambda x: np.tanh(x) * x[:, :1], [Arg((4, 3))]),
    OpSpec("scan_cumsum", lambda x: tf.scan(lambda a, r: a + r, x), lambda x: np.cumsum(x, 0),
           [Arg((5, 2))]),
    OpSpec("scan_rnn_reverse",
           lambda x, w: tf.scan(lambda h, r: tf.tanh(tf.reshape(tf.matmul(
               tf.reshape(h, [1, 3]), w), [3]) + r), x, initializer=tf.zeros([3], x.dtype),
               reverse=True),
           lambda x, w: _np_rnn(x, w), [Arg((4, 3)), Arg((3, 3), low=-1., high=1.)]),
    OpSpec("foldl_foldr", lambda x: [tf.foldl(lambda a, r: a * 0.5 + r, x),
                                     tf.foldr(lambda a, r: a * r, x, initializer=tf.ones([2], x.dtype))],
           lambda x: [_np_foldl(x), np.prod(x, 0)], [Arg((4, 2))]),
]


def _np_rnn(x, w):
    h, out = np.zeros(3, x.dtype), []
    for r in x[::-1]:
        h = np.tanh(h @ w + r)
        out.append(h)
    return np.stack(out[::-1])


def _np_foldl(x):
    a = x[0]
    for r in x[1:]:
        a = a * 0.5 + r
    return a


# -- tf.TensorArray: its ops (TensorArrayV3 and the reads and writes on its flow) built as a
# user does, checked against numpy and by float64 numerical gradients through each gradient
# rule (TensorArrayGradV3 included).

def _ta_write_read(x, y):
    ta = tf.TensorArray(x.dtype, size=2).write(0, x).write(1, y)
    return ta.read(0) * ta.read(1)


def _ta_loop(x):
    """Writes tanh of each row in a while loop into a growing array; adds the array's size."""
    ta = tf.TensorArray(x.dtype, size=1, dynamic_size=True)
    _, ta = tf.while_loop(lambda i, ta: i < 4,
                          lambda i, ta: (i + 1, ta.write(i, tf.tanh(x[i]) * x[3 - i])), [0, ta])
    return ta.stack() + tf.cast(ta.size(), x.dtype)


SPECS += [
    OpSpec("tensor_array_unstack_stack",
           lambda x: tf.TensorArray(x.dtype, size=3).unstack(x).stack() * x,
           lambda x: x * x, [Arg((3, 2))]),
    OpSpec("tensor_array_write_read", _ta_write_read, lambda x, y: x * y,
           [Arg((2, 3)), Arg((2, 3))]),
    OpSpec("tensor_array_scatter_gather",
           lambda x: tf.TensorArray(x.dtype, size=4, clear_after_read=False).scatter(
               [3, 0, 1, 2], x).gather([0, 0, 2]),
           lambda x: x[[1, 1, 3]], [Arg((4, 2))]),
    OpSpec("tensor_array_split_concat",
           lambda x: tf.TensorArray(x.dtype, size=2, infer_shape=False).split(
               x, [2, 3]).concat() ** 2,
           lambda x: x ** 2, [Arg((5, 2))]),
    OpSpec("tensor_array_while_dynamic_size", _ta_loop,
           lambda x: np.tanh(x) * x[::-1] + 4, [Arg((4, 3))]),
]
