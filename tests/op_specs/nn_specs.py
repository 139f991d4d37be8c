"""Op table entries for nn_ops (tf.nn)."""

import numpy as np

import minitf as tf
from minitf.ops import nn_ops
from tests.op_specs.spec import Arg, OpSpec

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def np_log_softmax(x, axis=-1):
    x = np.asarray(x, np.float64)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def np_softmax(x, axis=-1):
    return np.exp(np_log_softmax(x, axis))


def np_xent(logits, labels, axis=-1):
    return -(labels * np_log_softmax(logits, axis)).sum(axis=axis)


def np_sparse_xent(logits, labels):
    picked = np.take_along_axis(np_log_softmax(logits), labels[..., None].astype(np.int64), -1)
    return -picked[..., 0]


def np_sigmoid_xent(logits, labels):
    x = logits.astype(np.float64)
    return np.logaddexp(0, x) - x * labels


def np_weighted_xent(logits, labels, pos_weight):
    x = logits.astype(np.float64)
    return labels * pos_weight * np.logaddexp(0, -x) + (1 - labels) * np.logaddexp(0, x)


def np_l2_normalize(x, axis, epsilon=1e-12):
    x = x.astype(np.float64)
    return x / np.sqrt(np.maximum((x * x).sum(axis=axis, keepdims=True), epsilon))


def np_bias_add_nchw(x, b):
    return x + b.reshape((-1,) + (1,) * (x.ndim - 2))


def np_in_top_k(predictions, targets, k):
    out = []
    for row, t in zip(predictions, targets):
        ok = 0 <= t < len(row) and np.all(np.isfinite(row))
        out.append(bool(ok and np.sum(row > row[t]) < k))
    return np.array(out)


def grad_of(fn, wrt=0):
    """Builds d fn(inputs)/d inputs[wrt] weighted by a last input `dy`: the op's gradient rule as
    an op of its own, so the table checks its value and (second-order) gradient too."""
    def build(*args):
        *inputs, dy = args
        return tf.gradients(fn(*inputs), inputs[wrt], grad_ys=dy)[0]
    return build


def logistic_loss(logits, labels):
    return nn_ops.logistic_loss(labels=labels, logits=logits)


def xent_v1(logits, labels):
    return tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def xent_v2(logits, labels, axis=None):
    return tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=axis)


def sparse_xent(logits, labels):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def sigmoid_xent(logits, labels):
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


# Rows are probability distributions over 4 classes; soft (not one-hot) so every entry matters.
SOFT_LABELS = [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [0.0, 1.0, 0.0, 0.0]]
BIG_LOGITS = [[1000.0, -1000.0, 0.0, 999.0], [-1000.0, -1000.0, -999.0, -1000.0],
              [0.0, 1000.0, 0.0, 0.0]]

SPECS = [
    # -- activations
    OpSpec("relu", tf.nn.relu, lambda x: np.maximum(x, 0), [Arg((3, 4), static=(None, 4))]),
    OpSpec("relu/int32", tf.nn.relu, lambda x: np.maximum(x, 0),
           [Arg((6,), "int32", low=-5, high=5)], grad=False),
    OpSpec("relu/grad_op", grad_of(tf.nn.relu), lambda x, dy: dy * (x > 0),
           [Arg((3, 4), static=(None, 4)), Arg((3, 4))]),
    OpSpec("relu6", tf.nn.relu6, lambda x: np.clip(x, 0, 6),
           [Arg((4, 5), static=(None, 5), low=-3, high=9)]),
    OpSpec("relu6/grad_op", grad_of(tf.nn.relu6), lambda x, dy: dy * ((x > 0) & (x < 6)),
           [Arg((4, 5), low=-3, high=9), Arg((4, 5))]),
    OpSpec("elu", tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x)),
           [Arg((3, 4), static=(None, None))]),
    OpSpec("elu/grad_op", grad_of(tf.nn.elu), lambda x, dy: dy * np.where(x > 0, 1, np.exp(x)),
           [Arg((3, 4)), Arg((3, 4))]),
    OpSpec("selu", tf.nn.selu,
           lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
           [Arg((3, 4), static=(None, 4))]),
    OpSpec("leaky_relu", tf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x),
           [Arg((3, 4), static=(None, 4))]),
    OpSpec("leaky_relu/alpha_above_one", lambda x: tf.nn.leaky_relu(x, alpha=2.5),
           lambda x: np.where(x > 0, x, 2.5 * x), [Arg((5,), static=None)]),
    OpSpec("leaky_relu/int_input_gives_float32", tf.nn.leaky_relu,
           lambda x: np.where(x > 0, x, 0.2 * x).astype(np.float32),
           [Arg((6,), "int32", low=-5, high=5)], grad=False),
    OpSpec("leaky_relu/grad_op", grad_of(lambda x: tf.nn.leaky_relu(x, alpha=0.3)),
           lambda x, dy: dy * np.where(x > 0, 1, 0.3), [Arg((3, 4)), Arg((3, 4))]),
    OpSpec("softplus", tf.nn.softplus, lambda x: np.logaddexp(0, x.astype(np.float64)),
           [Arg((3, 4), static=(None, 4), low=-5, high=5)]),
    OpSpec("softplus/extreme_values", tf.nn.softplus,
           lambda x: np.logaddexp(0, x.astype(np.float64)),
           [Arg((5,), values=[1000.0, -1000.0, 0.0, 80.0, -80.0])]),
    OpSpec("softsign", tf.nn.softsign, lambda x: x / (1 + np.abs(x)),
           [Arg((3, 4), static=(None, 4), low=-4, high=4)]),
    OpSpec("softmax", tf.nn.softmax, np_softmax, [Arg((3, 5), static=(None, 5))]),
    OpSpec("softmax/axis0", lambda x: tf.nn.softmax(x, axis=0), lambda x: np_softmax(x, 0),
           [Arg((3, 5), static=(None, 5))]),
    OpSpec("softmax/rank3_negative_axis", lambda x: tf.nn.softmax(x, axis=-2),
           lambda x: np_softmax(x, -2), [Arg((2, 3, 4), static=(None, 3, None))]),
    OpSpec("softmax/large_logits", tf.nn.softmax, np_softmax, [Arg((3, 4), values=BIG_LOGITS)],
           grad=False),
    OpSpec("softmax/grad_op", grad_of(tf.nn.softmax),
           lambda x, dy: (dy - (dy * np_softmax(x)).sum(-1, keepdims=True)) * np_softmax(x),
           [Arg((2, 4)), Arg((2, 4))]),
    OpSpec("log_softmax", tf.nn.log_softmax, np_log_softmax, [Arg((3, 5), static=(None, 5))]),
    OpSpec("log_softmax/dim1_of_rank3", lambda x: tf.nn.log_softmax(x, dim=1),
           lambda x: np_log_softmax(x, 1), [Arg((2, 3, 4))]),
    OpSpec("log_softmax/large_logits", tf.nn.log_softmax, np_log_softmax,
           [Arg((3, 4), values=BIG_LOGITS)], grad=False),

    # -- cross entropy (logits first, then labels, in every builder)
    OpSpec("softmax_xent_v2", xent_v2, np_xent,
           [Arg((3, 4), static=(None, 4)), Arg((3, 4), values=SOFT_LABELS)]),
    OpSpec("softmax_xent_v1/labels_get_no_gradient", xent_v1, np_xent,
           [Arg((3, 4), static=(None, 4)), Arg((3, 4), values=SOFT_LABELS)], wrt=[0]),
    OpSpec("softmax_xent_v2/axis0_unknown_dims", lambda x, y: xent_v2(x, y, axis=0),
           lambda x, y: np_xent(x, y, 0),
           [Arg((4, 3), static=(None, None)), Arg((4, 3), values=np.transpose(SOFT_LABELS))]),
    OpSpec("softmax_xent_v2/rank3", xent_v2, np_xent,
           [Arg((2, 3, 4), static=(None, 3, 4)), Arg((2, 3, 4), values=SOFT_LABELS * 2)],
           wrt=[0]),
    OpSpec("softmax_xent_v2/large_logits", xent_v2, np_xent,
           [Arg((3, 4), values=BIG_LOGITS), Arg((3, 4), values=SOFT_LABELS)], grad=False),
    OpSpec("softmax_xent/second_order", grad_of(xent_v2),
           lambda x, y, dy: dy[:, None] * (np_softmax(x) - y),
           [Arg((3, 4)), Arg((3, 4), values=SOFT_LABELS), Arg((3,))]),
    OpSpec("sparse_softmax_xent", sparse_xent, np_sparse_xent,
           [Arg((4, 5), static=(None, 5)), Arg((4,), "int32", static=(None,), low=0, high=4)]),
    OpSpec("sparse_softmax_xent/rank3_int64", sparse_xent, np_sparse_xent,
           [Arg((2, 3, 5), static=(None, 3, 5)), Arg((2, 3), "int64", low=0, high=4)]),
    OpSpec("sparse_softmax_xent/large_logits", sparse_xent, np_sparse_xent,
           [Arg((3, 4), values=BIG_LOGITS), Arg((3,), "int32", values=[1, 2, 0])], grad=False),
    OpSpec("sparse_softmax_xent/second_order", grad_of(sparse_xent),
           lambda x, y, dy: dy[:, None] * (np_softmax(x) - np.eye(4)[y]),
           [Arg((3, 4)), Arg((3,), "int64", values=[3, 0, 1]), Arg((3,))]),
    OpSpec("sigmoid_xent", sigmoid_xent, np_sigmoid_xent,
           [Arg((3, 4), static=(None, 4), low=-5, high=5), Arg((3, 4), low=0, high=1)]),
    OpSpec("sigmoid_xent/large_logits", sigmoid_xent, np_sigmoid_xent,
           [Arg((3, 4), values=BIG_LOGITS), Arg((3, 4), values=SOFT_LABELS)], grad=False),
    # nce_loss's fused logistic loss (one op, its gradient one op: the composite's bits)
    OpSpec("logistic_loss", logistic_loss, np_sigmoid_xent,
           [Arg((3, 4), static=(None, 4), low=-5, high=5), Arg((3, 4), low=0, high=1)]),
    OpSpec("logistic_loss/large_logits", logistic_loss, np_sigmoid_xent,
           [Arg((3, 4), values=BIG_LOGITS), Arg((3, 4), values=SOFT_LABELS)], grad=False),
    OpSpec("logistic_loss/scalar", logistic_loss, np_sigmoid_xent,
           [Arg(()), Arg((), low=0, high=1)]),
    OpSpec("logistic_loss/grad_scalar", grad_of(logistic_loss),
           lambda x, z, dy: dy * (0.5 + 0.5 * np.tanh(x.astype(np.float64) / 2) - z),
           [Arg(()), Arg((), low=0, high=1), Arg(())]),
    OpSpec("logistic_loss/grad", grad_of(logistic_loss),
           lambda x, z, dy: dy * (0.5 + 0.5 * np.tanh(x.astype(np.float64) / 2) - z),
           [Arg((2, 5), static=(None, 5), low=-5, high=5), Arg((2, 5), low=0, high=1),
            Arg((2, 5))]),
    OpSpec("logistic_loss/grad_large_logits", grad_of(logistic_loss),
           lambda x, z, dy: dy * (0.5 + 0.5 * np.tanh(x.astype(np.float64) / 2) - z),
           [Arg((3, 4), values=BIG_LOGITS), Arg((3, 4), values=SOFT_LABELS), Arg((3, 4))],
           grad=False),
    OpSpec("logistic_loss/grad_labels", grad_of(logistic_loss, 1), lambda x, z, dy: -x * dy,
           [Arg((2, 3)), Arg((2, 3), low=0, high=1), Arg((2, 3))]),
    OpSpec("weighted_xent",
           lambda x, z: tf.nn.weighted_cross_entropy_with_logits(labels=z, logits=x,
                                                                 pos_weight=2.5),
           lambda x, z: np_weighted_xent(x, z, 2.5),
           [Arg((3, 4), static=(None, 4), low=-5, high=5), Arg((3, 4), low=0, high=1)]),
    OpSpec("weighted_xent/large_logits_targets_keyword",
           lambda x, z: tf.nn.weighted_cross_entropy_with_logits(targets=z, logits=x,
                                                                 pos_weight=0.5),
           lambda x, z: np_weighted_xent(x, z, 0.5),
           [Arg((3, 4), values=BIG_LOGITS), Arg((3, 4), values=SOFT_LABELS)], grad=False),

    # -- other ops
    OpSpec("softplus/grad_op", grad_of(tf.nn.softplus), lambda x, dy: dy / (1 + np.exp(-x)),
           [Arg((3, 4)), Arg((3, 4))]),
    OpSpec("softsign/grad_op", grad_of(tf.nn.softsign), lambda x, dy: dy / (1 + np.abs(x)) ** 2,
           [Arg((3, 4), low=-3, high=3), Arg((3, 4))]),
    OpSpec("moments", lambda x: tf.nn.moments(x, [0]), lambda x: (x.mean(0), x.var(0)),
           [Arg((5, 3), static=(None, 3))]),
    OpSpec("moments/keep_dims_two_axes", lambda x: tf.nn.moments(x, [0, 2], keep_dims=True),
           lambda x: (x.mean((0, 2), keepdims=True), x.var((0, 2), keepdims=True)),
           [Arg((4, 3, 2), static=(None, 3, None))]),
    OpSpec("l2_normalize", lambda x: tf.nn.l2_normalize(x, axis=1),
           lambda x: np_l2_normalize(x, 1), [Arg((3, 4), static=(None, 4))]),
    OpSpec("l2_normalize/all_axes_dim_keyword", lambda x: tf.nn.l2_normalize(x, dim=None),
           lambda x: np_l2_normalize(x, None), [Arg((2, 3))]),
    OpSpec("l2_normalize/zero_row_uses_epsilon", lambda x: tf.nn.l2_normalize(x, -1, epsilon=1e-4),
           lambda x: np_l2_normalize(x, -1, 1e-4),
           [Arg((2, 2), values=[[3.0, 4.0], [0.0, 0.0]])], grad=False),
    OpSpec("l2_loss", tf.nn.l2_loss, lambda x: np.sum(x.astype(np.float64) ** 2) / 2,
           [Arg((3, 4), static=(None, 4))]),
    OpSpec("bias_add", tf.nn.bias_add, np.add, [Arg((3, 4), static=(None, 4)), Arg((4,))]),
    OpSpec("bias_add/rank4_nhwc_unknown_channels", tf.nn.bias_add, np.add,
           [Arg((2, 3, 2, 4), static=(None, None, None, None)), Arg((4,))]),
    OpSpec("bias_add/nchw", lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
           np_bias_add_nchw, [Arg((2, 3, 2, 2), static=(None, 3, None, None)), Arg((3,))]),
    OpSpec("bias_add/nchw_rank3", lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
           np_bias_add_nchw, [Arg((2, 3, 2)), Arg((3,))]),
    OpSpec("bias_add/bias_grad_op", grad_of(tf.nn.bias_add, wrt=1),
           lambda x, b, dy: dy.sum(axis=(0, 1)), [Arg((2, 3, 4)), Arg((4,)), Arg((2, 3, 4))],
           wrt=[2]),
    OpSpec("bias_add/nchw_bias_grad_op", grad_of(
        lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"), wrt=1),
        lambda x, b, dy: dy.sum(axis=(0, 2, 3)),
        [Arg((2, 3, 2, 2)), Arg((3,)), Arg((2, 3, 2, 2), static=(None, 3, None, None))], wrt=[2]),
    OpSpec("in_top_k", lambda p, t: tf.nn.in_top_k(p, t, 2), lambda p, t: np_in_top_k(p, t, 2),
           [Arg((5, 4), static=(None, 4),
                values=[[0.1, 0.5, 0.3, 0.1], [0.1, 0.5, 0.3, 0.1], [0.2, 0.2, 0.2, 0.4],
                        [1, 2, np.inf, 0], [1, 2, 3, 4]]),
            Arg((5,), "int32", static=(None,), values=[2, 0, 1, 1, 3])], grad=False),
    OpSpec("in_top_k/int64_targets_out_of_range", lambda p, t: tf.nn.in_top_k(p, t, 1),
           lambda p, t: np_in_top_k(p, t, 1),
           [Arg((4, 3)), Arg((4,), "int64", values=[-1, 3, 0, 2])], grad=False),
]
