"""tf.nn as a TF1 user meets it: op names and types, argument rules, build-time and run-time
errors, numerical stability, and which gradients the fused losses build (values are checked
against numpy in the op table, tests/op_specs/nn_specs.py)."""

import numpy as np
import pytest

import minitf as tf
from tests.helpers import run
from tests.op_specs.nn_specs import np_log_softmax, np_softmax


pytestmark = pytest.mark.usefixtures("fresh_graph")


def upstream_op_types(t):
    """Types of every op `t` needs (what a Session.run of `t` executes, before pruning feeds)."""
    seen, stack = set(), [t.op]
    while stack:
        op = stack.pop()
        if op not in seen:
            seen.add(op)
            stack.extend(i.op for i in op.inputs)
    return {op.type for op in seen}


# -- names and types ------------------------------------------------------------------------------

def test_default_op_names_and_types_follow_tf():
    x = tf.placeholder(tf.float32, [None, 5])
    labels = tf.placeholder(tf.float32, [None, 5])
    ids = tf.placeholder(tf.int32, [None])
    got = {
        tf.nn.relu(x): ("Relu", "Relu"),
        tf.nn.relu6(x): ("Relu6", "Relu6"),
        tf.nn.elu(x): ("Elu", "Elu"),
        tf.nn.selu(x): ("Selu", "Selu"),
        tf.nn.leaky_relu(x): ("LeakyRelu", "LeakyRelu"),
        tf.nn.softplus(x): ("Softplus", "Softplus"),
        tf.nn.softsign(x): ("Softsign", "Softsign"),
        tf.nn.softmax(x): ("Softmax", "Softmax"),
        tf.nn.log_softmax(x): ("LogSoftmax", "LogSoftmax"),
        tf.nn.l2_loss(x): ("L2Loss", "L2Loss"),
        tf.nn.bias_add(x, tf.zeros([5])): ("BiasAdd", "BiasAdd"),
        tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=x):
            ("softmax_cross_entropy_with_logits_sg", "SoftmaxCrossEntropyWithLogits"),
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=x):
            ("softmax_cross_entropy_with_logits", "SoftmaxCrossEntropyWithLogits"),
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=x):
            ("SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits",
             "SparseSoftmaxCrossEntropyWithLogits"),
        tf.nn.in_top_k(x, ids, 3): ("in_top_k/InTopKV2", "InTopKV2"),
    }
    for t, (name, op_type) in got.items():
        assert (t.op.name, t.op.type) == (name, op_type)
    g = tf.get_default_graph()
    assert g.get_operation_by_name(
        "softmax_cross_entropy_with_logits_sg/labels_stop_gradient").type == "StopGradient"


def test_explicit_names():
    x = tf.placeholder(tf.float32, [None, 3])
    assert tf.nn.relu(x, name="act").name == "act:0"
    assert tf.nn.softmax(x, name="probs").name == "probs:0"
    assert tf.nn.bias_add(x, [1.0, 2.0, 3.0], name="b").name == "b:0"
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=x, logits=x, name="loss")
    assert loss.name == "loss:0"
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=x, logits=x, name="xent")
    assert v1.name == "xent:0"
    assert v1.op.inputs[1].op.name == "xent/labels_stop_gradient"


def test_leaky_relu_alpha_is_an_attribute_and_ints_become_float32():
    y = tf.nn.leaky_relu(tf.constant([-2.0, 3.0]), alpha=0.1)
    assert y.op.opdef.alpha == pytest.approx(0.1)
    np.testing.assert_allclose(run(y), [-0.2, 3.0], rtol=1e-6)
    yi = tf.nn.leaky_relu(tf.constant([-2, 3]))
    assert yi.dtype == tf.float32
    np.testing.assert_allclose(run(yi), [-0.4, 3.0], rtol=1e-6)


def test_selu_uses_tf_constants():
    got = run(tf.nn.selu(tf.constant([1.0, -1.0])))
    np.testing.assert_allclose(got, [1.050701, -1.1113307], rtol=1e-6)


# -- build-time errors ----------------------------------------------------------------------------

def test_float_only_ops_reject_integers():
    ints = tf.constant([1, -2])
    for fn in (tf.nn.elu, tf.nn.selu, tf.nn.softplus, tf.nn.softsign, tf.nn.softmax,
               tf.nn.log_softmax, tf.nn.l2_loss):
        with pytest.raises(TypeError, match="int32"):
            fn(ints)
    assert tf.nn.relu(ints).dtype == tf.int32
    assert tf.nn.relu6(ints).dtype == tf.int32


def test_softmax_axis_and_rank_errors():
    x = tf.placeholder(tf.float32, [None, 5])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"range \[-2, 2\)"):
        tf.nn.softmax(x, axis=5)
    with pytest.raises(ValueError, match="at least rank 1"):
        tf.nn.softmax(tf.constant(1.0))
    assert tf.nn.log_softmax(tf.placeholder(tf.float32), axis=3).shape.ndims is None


def test_softmax_xent_v1_needs_named_arguments():
    x = tf.zeros([2, 3])
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.softmax_cross_entropy_with_logits(x, x)
    with pytest.raises(ValueError, match="Both labels and logits"):
        tf.nn.softmax_cross_entropy_with_logits(logits=x)
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(x, x)


def test_softmax_xent_shape_and_dtype_errors():
    logits = tf.placeholder(tf.float32, [None, 5])
    with pytest.raises(ValueError, match="same shape") as e:
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.zeros([2, 4]), logits=logits)
    assert "SoftmaxCrossEntropyWithLogits" in str(e.value)
    with pytest.raises(TypeError, match="int32"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.zeros([5], tf.int32),
                                                   logits=tf.zeros([5], tf.int32))
    with pytest.raises(ValueError, match="at least one dimension"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=1.0, logits=2.0)


def test_softmax_xent_casts_labels_to_logits_dtype():
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=[[0, 1, 0]],
                                                      logits=[[1.0, 2.0, 3.0]])
    assert loss.dtype == tf.float32 and loss.shape.as_list() == [1]
    np.testing.assert_allclose(run(loss), -np_log_softmax([[1.0, 2.0, 3.0]])[:, 1], rtol=1e-6)


def test_sparse_xent_build_errors():
    logits = tf.placeholder(tf.float32, [None, 5])
    with pytest.raises(ValueError, match="labels.shape.rank"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.placeholder(tf.int32, [None, 2]), logits=logits)
    with pytest.raises(ValueError, match="except for the last dimension"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([3], tf.int32),
                                                       logits=tf.zeros([4, 5]))
    with pytest.raises(TypeError, match="int32, int64"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros([4]),
                                                       logits=tf.zeros([4, 5]))
    # One-hot labels, the usual mistake: TF checks the ranks before the labels' dtype.
    with pytest.raises(ValueError, match="labels.shape.rank"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.one_hot([1, 2], 5),
                                                       logits=tf.zeros([2, 5]))
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.placeholder(tf.int64, [7]), logits=logits)
    assert loss.shape.as_list() == [7]


def test_bias_add_errors():
    x = tf.placeholder(tf.float32, [None, 5])
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 5 and 3") as e:
        tf.nn.bias_add(x, tf.zeros([3]))
    assert "'BiasAdd'" in str(e.value) and "[?,5], [3]" in str(e.value)
    with pytest.raises(ValueError, match="at least rank 2"):
        tf.nn.bias_add(tf.zeros([3]), tf.zeros([3]))
    with pytest.raises(ValueError, match="must be rank 1"):
        tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([1, 3]))
    with pytest.raises(ValueError, match="at least rank 3"):
        tf.nn.bias_add(tf.zeros([2, 3]), tf.zeros([3]), data_format="NCHW")
    with pytest.raises(ValueError, match="float64"):
        tf.nn.bias_add(x, tf.zeros([5], tf.float64))
    unknown_channels = tf.placeholder(tf.float32, [2, None])
    assert tf.nn.bias_add(unknown_channels, tf.zeros([4])).shape.as_list() == [2, 4]


def test_in_top_k_errors():
    with pytest.raises(TypeError, match="float32"):
        tf.nn.in_top_k(tf.zeros([2, 3], tf.float64), [0, 1], 1)
    with pytest.raises(ValueError, match="rank 2"):
        tf.nn.in_top_k(tf.zeros([3]), [0], 1)
    with pytest.raises(TypeError, match="'k'"):
        tf.nn.in_top_k(tf.zeros([1, 3]), tf.constant([2], tf.int64), tf.constant(2))
    hits = tf.nn.in_top_k(tf.zeros([1, 3]), tf.constant([2], tf.int64), 2)
    assert hits.dtype == tf.bool
    assert hits.op.inputs[2].op.name == hits.op.name + "/k"  # TF names a Python k so


# -- run-time behaviour ---------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [5, -1])
def test_sparse_labels_out_of_range_is_invalid_argument_naming_the_op(bad):
    logits = tf.placeholder(tf.float32, [None, 5])
    labels = tf.placeholder(tf.int32, [None])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits, name="xent")
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        run(loss, {logits: np.zeros((3, 5)), labels: [1, bad, 2]})
    msg = str(e.value)
    assert "Received a label value of %d which is outside the valid range of [0, 5)" % bad in msg
    assert "xent/SparseSoftmaxCrossEntropyWithLogits" in msg
    assert e.value.op is loss.op


def test_losses_are_finite_and_exact_for_huge_logits():
    logits = tf.constant([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    labels = tf.constant([[0.0, 0.0, 1.0], [0.5, 0.25, 0.25]])
    ids = tf.constant([2, 0])
    losses = [tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits),
              tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits),
              tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=logits)]
    grads = [tf.gradients(loss, logits)[0] for loss in losses]
    got = run(losses + grads)
    lv, lab = run(logits), run(labels)
    want = -(lab * np_log_softmax(lv)).sum(-1)
    np.testing.assert_allclose(got[0], want, rtol=1e-6)
    np.testing.assert_allclose(got[1], want, rtol=1e-6)
    np.testing.assert_allclose(got[2], [1000.0, 2000.3132617], rtol=1e-6)
    np.testing.assert_allclose(got[3], np_softmax(lv) - lab, atol=1e-6)
    np.testing.assert_allclose(got[5], np_softmax(lv) - np.eye(3)[[2, 0]], atol=1e-6)
    assert all(np.all(np.isfinite(g)) for g in got)


def test_softmax_and_log_softmax_of_huge_logits():
    x = tf.constant([[1000.0, 999.0, -1000.0]])
    sm, lsm = run([tf.nn.softmax(x), tf.nn.log_softmax(x)])
    np.testing.assert_allclose(sm, [[0.7310586, 0.2689414, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(lsm, [[-0.3132617, -1.3132617, -2000.3132617]], rtol=1e-6)


def test_softplus_does_not_overflow():
    x = tf.constant([1000.0, -1000.0, 0.0])
    y = tf.nn.softplus(x)
    got, grad = run([y, tf.gradients(y, x)[0]])
    np.testing.assert_allclose(got, [1000.0, 0.0, np.log(2)], rtol=1e-6)
    np.testing.assert_allclose(grad, [1.0, 0.0, 0.5], rtol=1e-6)


def test_in_top_k_ties_and_non_finite_rows():
    preds = tf.constant([[1.0, 2.0, 2.0, 2.0], [1.0, np.nan, 2.0, 2.0], [1.0, 3.0, 2.0, 0.0]])
    got = run(tf.nn.in_top_k(preds, [1, 2, 2], 1))
    # Ties at the boundary count as in (row 0); any non-finite value makes the row False (row 1).
    np.testing.assert_array_equal(got, [True, False, False])
    np.testing.assert_array_equal(run(tf.nn.in_top_k(preds, [1, 2, 2], 2)), [True, False, True])


# -- gradients ------------------------------------------------------------------------------------

def test_v1_stops_the_label_gradient_and_v2_does_not():
    logits = tf.constant([[1.0, 2.0, 3.0], [1000.0, -1000.0, 0.0]])
    labels = tf.constant([[0.2, 0.3, 0.5], [0.0, 0.0, 1.0]])
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    g_logits, g_labels = tf.gradients(v1, [logits, labels])
    assert g_labels is None and g_logits is not None
    g2_logits, g2_labels = run(tf.gradients(v2, [logits, labels]))
    lv, lab = run([logits, labels])
    np.testing.assert_allclose(g2_logits, np_softmax(lv) - lab, atol=1e-6)
    np.testing.assert_allclose(g2_labels, -np_log_softmax(lv), rtol=1e-6)
    np.testing.assert_allclose(run(g_logits), g2_logits, atol=1e-7)


def test_fused_xent_gradient_reuses_the_saved_backprop():
    logits = tf.placeholder(tf.float32, [None, 10])
    labels = tf.placeholder(tf.float32, [None, 10])
    ids = tf.placeholder(tf.int64, [None])
    for loss in (tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits),
                 tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=logits)):
        (g,) = tf.gradients(tf.reduce_mean(loss), logits)
        types = upstream_op_types(g)
        assert loss.op.type in types
        # No softmax is recomputed: the gradient multiplies the op's second output.
        assert not types & {"Softmax", "LogSoftmax", "Exp"}, types


def test_activation_gradients_at_the_kinks_follow_tf():
    x = tf.constant([-1.0, 0.0, 3.0, 6.0, 7.0])
    fns = [tf.nn.relu, tf.nn.relu6, tf.nn.leaky_relu, tf.nn.elu, tf.nn.selu]
    got = run([tf.gradients(f(x), x)[0] for f in fns])
    scale = 1.0507009873554805
    want = [[0, 0, 1, 1, 1], [0, 0, 1, 0, 0], [0.2, 0.2, 1, 1, 1], [np.exp(-1), 1, 1, 1, 1],
            [scale * 1.6732632423543772 * np.exp(-1), scale, scale, scale, scale]]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_relu_gradient_is_one_fused_op_on_the_output():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.nn.relu(x)
    (g,) = tf.gradients(y, x)
    assert g.op.type == "ReluGrad"
    assert g.op.inputs[1] is y
    np.testing.assert_array_equal(run(g, {x: [[-1.0, 0.0, 2.0, 3.0]]}), [[0.0, 0.0, 1.0, 1.0]])


def test_bias_add_gradient_uses_bias_add_grad():
    x = tf.placeholder(tf.float32, [None, 3])
    b = tf.constant([1.0, 2.0, 3.0])
    gx, gb = tf.gradients(tf.nn.bias_add(x, b), [x, b])
    assert gb.op.type == "BiasAddGrad" and gb.shape.as_list() == [3]
    xv = np.ones((4, 3), np.float32)
    got_x, got_b = run([gx, gb], {x: xv})
    np.testing.assert_array_equal(got_x, np.ones((4, 3)))
    np.testing.assert_array_equal(got_b, [4.0, 4.0, 4.0])


# -- composed functions ---------------------------------------------------------------------------

def test_composed_function_names_follow_tf():
    x = tf.placeholder(tf.float32, [None, 4])
    assert tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=x).name == "logistic_loss:0"
    assert tf.nn.weighted_cross_entropy_with_logits(
        labels=x, logits=x, pos_weight=2.0).name == "logistic_loss_1:0"
    assert tf.nn.l2_normalize(x, 1).name == "l2_normalize:0"
    mean, var = tf.nn.moments(x, [0])
    assert (mean.name, var.name) == ("moments/Squeeze:0", "moments/Squeeze_1:0")
    assert mean.shape.as_list() == [4] and var.shape.as_list() == [4]
    mean, var = tf.nn.moments(x, [0], keep_dims=True)
    assert (mean.name, var.name) == ("moments_1/mean:0", "moments_1/variance:0")
    assert mean.shape.as_list() == [1, 4]


def test_sigmoid_xent_argument_errors_and_extremes():
    with pytest.raises(ValueError, match="same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros([2, 4]), logits=tf.zeros([2, 5]))
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sigmoid_cross_entropy_with_logits(tf.zeros([2]), tf.zeros([2]))
    with pytest.raises(ValueError, match="both 'labels' and 'targets'"):
        tf.nn.weighted_cross_entropy_with_logits(labels=[1.0], targets=[1.0], logits=[1.0],
                                                 pos_weight=1.0)
    logits = tf.constant([1000.0, -1000.0, 0.0])
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=[0.0, 1.0, 0.5], logits=logits)
    got, grad = run([loss, tf.gradients(loss, logits)[0]])
    np.testing.assert_allclose(got, [1000.0, 1000.0, np.log(2)], rtol=1e-6)
    # d/dx = sigmoid(x) - z
    np.testing.assert_allclose(grad, [1.0, -1.0, 0.0], atol=1e-6)


def test_reexported_math_functions():
    from minitf.ops import math_ops
    assert tf.nn.sigmoid is math_ops.sigmoid and tf.nn.tanh is math_ops.tanh
    values, indices = run(tf.nn.top_k(tf.constant([[1.0, 5.0, 3.0]]), k=2))
    np.testing.assert_array_equal(values, [[5.0, 3.0]])
    np.testing.assert_array_equal(indices, [[1, 2]])


# -- dropout --------------------------------------------------------------------------------------

def test_dropout_argument_rules():
    x = tf.placeholder(tf.float32, [None, 5])
    with pytest.raises(ValueError, match="both 'keep_prob' and 'rate'"):
        tf.nn.dropout(x, keep_prob=0.5, rate=0.5)
    with pytest.raises(ValueError, match="provide a rate"):
        tf.nn.dropout(x)
    for kwargs in ({"rate": 1.0}, {"keep_prob": 0.0}, {"rate": -0.1}):
        with pytest.raises(ValueError, match=r"range \[0, 1\)"):
            tf.nn.dropout(x, **kwargs)
    with pytest.raises(ValueError, match="floating point"):
        tf.nn.dropout(tf.constant([1, 2]), rate=0.5)
    assert tf.nn.dropout(x, rate=0.0) is x
    assert tf.nn.dropout(x, keep_prob=1.0) is x


def test_dropout_zeroes_a_fraction_and_rescales_the_rest():
    x = tf.placeholder(tf.float32, [None, 50])
    y = tf.nn.dropout(x, rate=0.3)
    assert y.shape.as_list() == [None, 50]
    (g,) = tf.gradients(tf.reduce_sum(y), x)
    xv = np.ones((2000, 50), np.float32)
    out, grad = run([y, g], {x: xv})
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7], rtol=1e-6)
    assert abs((out == 0).mean() - 0.3) < 0.01
    np.testing.assert_array_equal(grad, out)  # the gradient sees the same mask


def test_dropout_keep_prob_placeholder_and_noise_shape():
    x = tf.placeholder(tf.float32, [None, 20])
    keep = tf.placeholder(tf.float32, [])
    y = tf.nn.dropout(x, keep_prob=keep)
    rows = tf.nn.dropout(x, rate=0.5, noise_shape=tf.stack([tf.shape(x)[0], 1]))
    xv = np.random.default_rng(0).standard_normal((400, 20)).astype(np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: xv, keep: 1.0}), xv)
        half = sess.run(y, {x: xv, keep: 0.5})
        assert set(np.unique(np.round(half / xv, 5))) == {0.0, 2.0}
        by_row = sess.run(rows, {x: xv})
    kept = np.all(by_row == 2 * xv, axis=1)
    dropped = np.all(by_row == 0, axis=1)
    assert np.all(kept | dropped) and 150 < kept.sum() < 250


# -- kernels inside a cached plan -----------------------------------------------------------------

def test_out_buffers_reused_between_runs_hold_each_runs_values():
    # Intermediates (not fetched) get the previous run's buffer as `out=`: run the same plan
    # twice with different values and check both results.
    x = tf.placeholder(tf.float32, [None, 4])
    b = tf.placeholder(tf.float32, [4])
    outs = [tf.nn.relu(x) * 1.0, tf.nn.relu6(x * 4.0) * 1.0, tf.nn.softmax(x) * 1.0,
            tf.nn.log_softmax(x) * 1.0, tf.nn.bias_add(x, b) * 1.0]
    grads = tf.gradients([tf.nn.relu(x), tf.nn.relu6(x * 4.0), tf.nn.leaky_relu(x),
                          tf.nn.bias_add(x, b)], [x, b], grad_ys=None)
    outs += [g * 1.0 for g in grads]
    rng = np.random.default_rng(0)
    with tf.Session() as sess:
        for _ in range(2):
            xv = rng.standard_normal((3, 4)).astype(np.float32)
            bv = rng.standard_normal(4).astype(np.float32)
            got = sess.run(outs, {x: xv, b: bv})
            want = [np.maximum(xv, 0), np.clip(4 * xv, 0, 6), np_softmax(xv), np_log_softmax(xv),
                    xv + bv,
                    (xv > 0) + 4.0 * ((xv > 0) & (xv < 1.5)) + np.where(xv > 0, 1, 0.2) + 1,
                    np.full(4, 3.0)]
            for g, w in zip(got, want):
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_runtime_shape_mismatches_are_invalid_argument_errors():
    logits = tf.placeholder(tf.float32, [None, 5])
    bias = tf.placeholder(tf.float32, [None])
    ids = tf.placeholder(tf.int32, [None])
    probs = tf.placeholder(tf.float32, [None, 5])
    cases = [
        (tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=logits),
         {ids: [1]}, "same first dimensions"),
        (tf.nn.softmax_cross_entropy_with_logits_v2(labels=probs, logits=logits),
         {probs: np.full((1, 5), 0.2)}, "same size"),
        (tf.nn.bias_add(logits, bias), {bias: [1.0]}, "as many biases"),
        (tf.nn.in_top_k(logits, ids, 1), {ids: [1]}, "must match length of targets"),
    ]
    for t, feed, msg in cases:
        with pytest.raises(tf.errors.InvalidArgumentError, match=msg):
            run(t, {logits: np.zeros((4, 5)), **feed})
