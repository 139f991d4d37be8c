"""tf.losses: each loss against a numpy formula under every Reduction, weights (broadcast,
zeros, bad shapes), TF1's op names, the LOSSES / REGULARIZATION_LOSSES collections and the
helpers that sum them; values and names are also matched against real TF in
tests/tf1_wild (program `losses_every_reduction`)."""

import numpy as np
import pytest

import minitf as tf

R = tf.losses.Reduction
rng = np.random.RandomState(0)
LABELS = rng.rand(4, 3).astype(np.float32)
PREDS = rng.rand(4, 3).astype(np.float32)
W = np.array([[1.0], [0.0], [2.0], [0.5]], np.float32)


def _reduce(per_element, weights, reduction):
    weighted = per_element * weights
    full_weights = np.broadcast_to(weights, per_element.shape)
    if reduction == R.NONE:
        return weighted
    total = weighted.sum()
    if reduction == R.SUM:
        return total
    if reduction == R.MEAN:
        return total / full_weights.sum() if full_weights.sum() else 0.0
    if reduction == R.SUM_OVER_BATCH_SIZE:
        return total / per_element.size
    present = (full_weights != 0).sum()
    return total / present if present else 0.0


def _huber(e, delta=1.0):
    a = np.abs(e)
    q = np.minimum(a, delta)
    return 0.5 * q * q + delta * (a - q)


def _log_softmax(x):
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


CASES = {
    "absolute_difference": (lambda l, p, **kw: tf.losses.absolute_difference(l, p, **kw),
                            lambda l, p: np.abs(p - l)),
    "mean_squared_error": (lambda l, p, **kw: tf.losses.mean_squared_error(l, p, **kw),
                           lambda l, p: (p - l) ** 2),
    "huber_loss": (lambda l, p, **kw: tf.losses.huber_loss(l, 3 * p, delta=0.5, **kw),
                   lambda l, p: _huber(3 * p - l, 0.5)),
    "log_loss": (lambda l, p, **kw: tf.losses.log_loss(l, p, **kw),
                 lambda l, p: -l * np.log(p + 1e-7) - (1 - l) * np.log(1 - p + 1e-7)),
    "hinge_loss": (lambda l, p, **kw: tf.losses.hinge_loss(tf.round(l), 2 * p - 1, **kw),
                   lambda l, p: np.maximum(0, 1 - (2 * np.round(l) - 1) * (2 * p - 1))),
    "sigmoid_cross_entropy": (
        lambda l, p, **kw: tf.losses.sigmoid_cross_entropy(l, p, label_smoothing=0.2, **kw),
        lambda l, p: np.maximum(p, 0) - p * (0.8 * l + 0.1) + np.log1p(np.exp(-np.abs(p)))),
}


@pytest.mark.parametrize("reduction", R.all()[:5])
@pytest.mark.parametrize("case", sorted(CASES))
def test_elementwise_losses_match_numpy(case, reduction):
    build, ref = CASES[case]
    l = tf.placeholder(tf.float32, [None, 3])
    p = tf.placeholder(tf.float32, [None, 3])
    w = tf.placeholder(tf.float32, [None, 1])
    loss = build(l, p, weights=w, reduction=reduction)
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]
    with tf.Session() as s:
        got = s.run(loss, {l: LABELS, p: PREDS, w: W})
    np.testing.assert_allclose(got, _reduce(ref(LABELS, PREDS), W, reduction), rtol=2e-5)
    assert loss.dtype == tf.float32
    if reduction == R.NONE:
        assert loss.shape.as_list() == [None, 3]
    else:
        assert loss.shape.as_list() == [] and loss.name == (
            "%s/Sum:0" if reduction == R.SUM else "%s/value:0") % {
            "sigmoid_cross_entropy": "sigmoid_cross_entropy_loss"}.get(case, case)


def test_softmax_cross_entropy_label_smoothing_weights_and_no_label_gradient():
    onehot = np.eye(3, dtype=np.float32)[[0, 1, 2, 1]]
    logits = tf.constant(PREDS * 4)
    labels = tf.constant(onehot)
    weights = np.array([1.0, 0.0, 2.0, 1.0], np.float32)
    loss = tf.losses.softmax_cross_entropy(labels, logits, weights=weights, label_smoothing=0.3)
    smoothed = onehot * 0.7 + 0.1
    per_example = -(smoothed * _log_softmax(PREDS * 4)).sum(-1)
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(loss), (per_example * weights).sum() / 3, rtol=1e-5)
    assert loss.name == "softmax_cross_entropy_loss/value:0"
    assert tf.gradients(loss, labels) == [None]  # TF stops the gradient into the labels


def test_sparse_softmax_cross_entropy_squeezes_labels_and_weights():
    labels = tf.constant([[0], [1], [2], [1]])  # [batch, 1], as often fed
    weights = tf.constant([[1.0], [0.0], [2.0], [1.0]])
    loss = tf.losses.sparse_softmax_cross_entropy(labels, PREDS, weights=weights, scope="sp")
    per_example = -_log_softmax(PREDS)[np.arange(4), [0, 1, 2, 1]]
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(loss),
                                   (per_example * [1, 0, 2, 1]).sum() / 3, rtol=1e-5)
    assert loss.name == "sp/value:0"


def test_zero_weights_give_zero_and_float64_comes_back_as_float64():
    zero = tf.losses.mean_squared_error(LABELS, PREDS, weights=0.0)
    sig = tf.losses.sigmoid_cross_entropy(LABELS.astype(np.float64), PREDS.astype(np.float64))
    with tf.Session() as s:
        assert s.run(zero) == 0.0
        assert sig.dtype == tf.float64
        expected = np.maximum(PREDS, 0) - PREDS * LABELS + np.log1p(np.exp(-np.abs(PREDS)))
        np.testing.assert_allclose(s.run(sig), expected.mean(), rtol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="Invalid Reduction Key mean"):
        tf.losses.mean_squared_error(LABELS, PREDS, reduction="mean")
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        tf.losses.mean_squared_error(LABELS, PREDS, weights=np.ones(3, np.float32))
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        tf.losses.mean_squared_error(LABELS, PREDS, weights=np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="labels must not be None"):
        tf.losses.absolute_difference(None, PREDS)
    with pytest.raises(ValueError, match="Shapes .* are incompatible"):
        tf.losses.mean_squared_error(LABELS, PREDS[:, :2])
    with pytest.raises(ValueError, match="You must specify 'axis'"):
        tf.losses.cosine_distance(LABELS, PREDS)


def test_loss_collections_and_totals():
    a = tf.losses.mean_squared_error(LABELS, PREDS)
    b = tf.losses.absolute_difference(LABELS, PREDS, loss_collection=None)  # not collected
    w = tf.get_variable("w", [2], initializer=tf.constant_initializer([1.0, -2.0]),
                        regularizer=tf.contrib.layers.l2_regularizer(0.5))
    extra = tf.reduce_sum(w) * 0.0 + 3.0
    tf.losses.add_loss(extra)
    assert tf.losses.get_losses() == [a, extra]
    assert tf.losses.get_losses(scope="mean_") == [a]
    reg = tf.losses.get_regularization_losses()
    assert [r.name for r in reg] == ["w/Regularizer/l2_regularizer:0"]
    total_reg = tf.losses.get_regularization_loss()
    total = tf.losses.get_total_loss()
    no_reg = tf.losses.get_total_loss(add_regularization_losses=False, name="data_loss")
    assert (total_reg.name, total.name, no_reg.name) == (
        "total_regularization_loss:0", "total_loss:0", "data_loss:0")
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        va, vb, vreg, vtotal, vno = s.run([a, b, total_reg, total, no_reg])
    assert vreg == pytest.approx(0.5 * (1 + 4) / 2)
    assert vtotal == pytest.approx(va + 3.0 + vreg, rel=1e-6)
    assert vno == pytest.approx(va + 3.0, rel=1e-6)
    with tf.Graph().as_default():
        assert tf.Session().run(tf.losses.get_regularization_loss()) == 0.0
        with pytest.raises(ValueError, match="No losses to add"):
            tf.losses.get_total_loss()
