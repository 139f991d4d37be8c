"""tf.contrib.layers regularizers, the initializers TF1 code imports (contrib's xavier and
variance scaling, tf.initializers.he_* / lecun_* / glorot_*, orthogonal) checked for their
fan computations and distributions on large samples, and tf.clip_by_global_norm."""

import math

import numpy as np
import pytest

import minitf as tf

layers = tf.contrib.layers
W0 = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)


def _run(t):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(t)


@pytest.mark.parametrize("make,expected,name", [
    (lambda: layers.l1_regularizer(0.1), 0.1 * 6.5, "l1_regularizer"),
    (lambda: layers.l2_regularizer(0.1), 0.1 * (1 + 4 + 0.25 + 9) / 2, "l2_regularizer"),
    (lambda: layers.l1_l2_regularizer(0.1, 0.2), 0.65 + 0.2 * 14.25 / 2, "l1_l2_regularizer"),
    (lambda: layers.sum_regularizer([layers.l1_regularizer(1.0), None,
                                     layers.l2_regularizer(1.0)]), 6.5 + 7.125,
     "sum_regularizer"),
])
def test_regularizer_values_and_names(make, expected, name):
    w = tf.constant(W0)
    penalty = make()(w)
    assert penalty.name == name + ":0" and penalty.shape.ndims == 0
    assert _run(penalty) == pytest.approx(expected, rel=1e-6)


def test_regularizer_scales_and_get_variable():
    assert layers.l2_regularizer(0.0)(tf.constant(W0)) is None
    assert layers.l1_l2_regularizer(0.0, 0.0)(tf.constant(W0)) is None
    assert layers.sum_regularizer([None]) is None
    with pytest.raises(ValueError, match="scale cannot be an integer: 1"):
        layers.l2_regularizer(1)
    with pytest.raises(ValueError, match="Setting a scale less than 0 on a regularizer: -0.5"):
        layers.l1_regularizer(-0.5)
    w = tf.get_variable("w", initializer=W0, regularizer=layers.l2_regularizer(0.01))
    (loss,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert loss.name == "w/Regularizer/l2_regularizer:0"
    assert _run(loss) == pytest.approx(0.01 * 14.25 / 2)
    assert w.dtype == tf.float32


def test_apply_regularization():
    a = tf.Variable(W0, name="a")
    b = tf.Variable([2.0], name="b")
    tf.add_to_collection(tf.GraphKeys.WEIGHTS, a)
    penalty = layers.apply_regularization(layers.l1_regularizer(0.5))
    assert penalty.name == "get_regularization_penalty:0"
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [penalty]
    both = layers.apply_regularization(layers.l1_regularizer(0.5), [a, b])
    assert _run([penalty, both]) == pytest.approx([3.25, 4.25])
    with tf.Graph().as_default(), pytest.raises(ValueError, match="No weights to regularize"):
        layers.apply_regularization(layers.l1_regularizer(0.5))
    with pytest.raises(ValueError, match="regularizer must return a scalar"):
        layers.apply_regularization(lambda w: w * 2.0, [a])


# Shapes and their (fan_in, fan_out): a dense kernel and a 3x3 conv kernel (16 -> 32 channels).
DENSE, CONV = ([400, 300], (400, 300)), ([3, 3, 16, 32], (144, 288))


def _sample(initializer, shape):
    return _run(tf.get_variable("v", shape, initializer=initializer))


@pytest.mark.parametrize("shape,fans", [DENSE, CONV])
@pytest.mark.parametrize("kind", ["xavier_uniform", "xavier_normal", "he_contrib",
                                  "fan_out_uniform", "glorot_uniform", "glorot_normal",
                                  "he_normal", "he_uniform", "lecun_normal", "lecun_uniform"])
def test_initializer_distributions(kind, shape, fans):
    fan_in, fan_out = fans
    init, variance, uniform = {
        "xavier_uniform": (layers.xavier_initializer(seed=1), 2 / (fan_in + fan_out), True),
        "xavier_normal": (layers.xavier_initializer(uniform=False, seed=1),
                          1.3 * 2 / (fan_in + fan_out), False),
        "he_contrib": (layers.variance_scaling_initializer(seed=1), 1.3 * 2 / fan_in, False),
        "fan_out_uniform": (layers.variance_scaling_initializer(1.0, "FAN_OUT", True, seed=1),
                            1 / fan_out, True),
        "glorot_uniform": (tf.glorot_uniform_initializer(seed=1), 2 / (fan_in + fan_out), True),
        "glorot_normal": (tf.glorot_normal_initializer(seed=1), 2 / (fan_in + fan_out) /
                          0.87962566103423978 ** 2, False),
        "he_normal": (tf.initializers.he_normal(seed=1), 2 / fan_in / 0.87962566103423978 ** 2,
                      False),
        "he_uniform": (tf.initializers.he_uniform(seed=1), 2 / fan_in, True),
        "lecun_normal": (tf.initializers.lecun_normal(seed=1),
                         1 / fan_in / 0.87962566103423978 ** 2, False),
        "lecun_uniform": (tf.initializers.lecun_uniform(seed=1), 1 / fan_in, True),
    }[kind]
    # `variance` is the variance before truncation (normal) or of the uniform distribution.
    x = _sample(init, shape).ravel()
    assert x.dtype == np.float32 and x.size == np.prod(shape)
    sigma = math.sqrt(variance)
    if uniform:
        limit = math.sqrt(3 * variance)
        assert x.max() < limit and x.min() > -limit and x.max() > 0.99 * limit
        assert x.std() == pytest.approx(sigma, rel=0.03)
    else:  # a normal truncated at two standard deviations: std shrinks by 0.8796
        assert np.abs(x).max() <= 2 * sigma * 1.0001 and np.abs(x).max() > 1.9 * sigma
        assert x.std() == pytest.approx(sigma * 0.87962566103423978, rel=0.03)
    assert abs(x.mean()) < 4 * x.std() / math.sqrt(x.size)


def test_initializers_are_seeded_and_reject_bad_arguments():
    a = _sample(layers.xavier_initializer(seed=3), [5, 4])
    with tf.Graph().as_default():
        b = _sample(layers.xavier_initializer(seed=3), [5, 4])
    np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="Unknown mode fan_in"):
        layers.variance_scaling_initializer(mode="fan_in")
    with pytest.raises(TypeError, match="non-floating point"):
        layers.xavier_initializer(dtype=tf.int32)
    assert layers.xavier_initializer_conv2d is layers.xavier_initializer


@pytest.mark.parametrize("shape", [[6, 4], [3, 8], [2, 3, 5]])
def test_orthogonal_initializer(shape):
    x = _sample(tf.orthogonal_initializer(gain=2.0, seed=5), shape)
    flat = x.reshape(-1, shape[-1]) / 2.0
    small = min(flat.shape)
    product = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    np.testing.assert_allclose(product, np.eye(small), atol=1e-5)
    with tf.Graph().as_default():
        again = _sample(tf.initializers.orthogonal(gain=2.0, seed=5), shape)
    np.testing.assert_array_equal(x, again)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        tf.orthogonal_initializer()([4])


def test_orthogonal_columns_are_haar_distributed():
    # Sign-fixed QR makes the first entry of each column symmetric around zero.
    firsts = []
    for seed in range(1, 41):
        with tf.Graph().as_default():
            firsts.append(_sample(tf.orthogonal_initializer(seed=seed), [3, 3])[0])
    firsts = np.array(firsts).ravel()
    assert abs((firsts > 0).mean() - 0.5) < 0.2 and abs(firsts.mean()) < 0.25


def test_clip_by_global_norm():
    a = tf.constant([3.0, 4.0])
    b = tf.constant([[12.0]])
    clipped, norm = tf.clip_by_global_norm([a, None, b], 6.5)
    assert clipped[1] is None
    assert [t.name for t in (clipped[0], clipped[2], norm)] == [
        "clip_by_global_norm/clip_by_global_norm/_0:0",
        "clip_by_global_norm/clip_by_global_norm/_2:0", "global_norm/global_norm:0"]
    va, vb, vn = _run([clipped[0], clipped[2], norm])
    assert vn == pytest.approx(13.0)
    np.testing.assert_allclose(va, [1.5, 2.0], rtol=1e-6)
    np.testing.assert_allclose(vb, [[6.0]], rtol=1e-6)
    unclipped, _ = tf.clip_by_global_norm([a], 100.0)
    np.testing.assert_allclose(_run(unclipped[0]), [3.0, 4.0])
    inf, _ = tf.clip_by_global_norm([a, tf.constant([np.inf])], 1.0)
    assert np.isnan(_run(inf[0])).all()  # a non-finite norm poisons every value, as TF
    assert _run(tf.global_norm([a, b])) == pytest.approx(13.0)
    with pytest.raises(TypeError, match="t_list should be a sequence"):
        tf.clip_by_global_norm(a, 1.0)


def test_clip_by_global_norm_in_a_training_step():
    w = tf.Variable([3.0, 4.0])
    loss = tf.reduce_sum(w * w)
    opt = tf.train.GradientDescentOptimizer(0.1)
    grads, variables = zip(*opt.compute_gradients(loss))
    clipped, norm = tf.clip_by_global_norm(grads, 1.0)
    step = opt.apply_gradients(zip(clipped, variables))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(norm) == pytest.approx(10.0)
        s.run(step)
        np.testing.assert_allclose(s.run(w), [3.0 - 0.06, 4.0 - 0.08], rtol=1e-6)


def test_clip_by_global_norm_keeps_sparse_gradients_sparse():
    table = tf.Variable(np.ones((5, 2), np.float32))
    dense = tf.Variable([3.0])
    loss = tf.reduce_sum(tf.gather(table, [0, 2, 0]) * 2.0) + tf.reduce_sum(dense * 4.0)
    grads = tf.gradients(loss, [table, dense])
    assert isinstance(grads[0], tf.IndexedSlices)
    clipped, norm = tf.clip_by_global_norm(grads, 2.0)
    assert isinstance(clipped[0], tf.IndexedSlices) and clipped[0].indices is grads[0].indices
    rows, vdense, vnorm = _run([clipped[0].values, clipped[1], norm])
    assert vnorm == pytest.approx(np.sqrt(6 * 4 + 16))  # three rows of [2, 2], then [4]
    np.testing.assert_allclose(rows, np.full((3, 2), 2.0 * 2.0 / vnorm), rtol=1e-6)
    np.testing.assert_allclose(vdense, [4.0 * 2.0 / vnorm], rtol=1e-6)
