"""tf.distributions against TensorFlow 1.15's (tests/record_tf_distributions.py, its fixture
tests/fixtures/tf_distributions.json): values of every method and statistic, gradients with
respect to the parameters, KL divergences and their registry, tensor names and static
shapes, error classes. Samples follow minitf's own random streams, so they are tested here by
shape, dtype, seed determinism, statistics and their gradients."""

import importlib.util
import json

import numpy as np
import pytest

import minitf as tf
from tests.helpers import TESTS

RECORDED = json.loads((TESTS / "fixtures" / "tf_distributions.json").read_text())
_spec = importlib.util.spec_from_file_location("record_tf_distributions",
                                               TESTS / "record_tf_distributions.py")
RECORDER = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(RECORDER)
d = tf.distributions


def _close(got, want, dtype):
    rtol, atol = (2e-6, 1e-6) if dtype == "float32" else (1e-13, 1e-15)
    np.testing.assert_allclose(np.array(got, float), np.array(want, float), rtol=rtol,
                               atol=atol)


@pytest.fixture(scope="module")
def values():
    return json.loads(json.dumps(RECORDER.values(tf), default=str))


@pytest.mark.parametrize("key", sorted(RECORDED["values"]))
def test_methods_and_statistics_are_tfs(values, key):
    got, want = values[key], RECORDED["values"][key]
    if isinstance(want, str):  # the class of the error TF raised at build time
        assert got == want
        return
    assert (got["dtype"], got["shape"]) == (want["dtype"], want["shape"])
    _close(got["value"], want["value"], want["dtype"])


@pytest.fixture(scope="module")
def gamma_values():
    return json.loads(json.dumps(RECORDER.gamma_values(tf), default=str))


# Where minitf departs from TF 1.15 on purpose (docs/distributions.md, "Where minitf differs"):
# Beta's and StudentT's cdfs go through tf.betainc, which refuses to broadcast in TF (a
# ValueError for these batches); minitf broadcasts first. The reference: TF's formulas on
# tf.betainc of arrays broadcast by numpy (tf.betainc itself is TF's to 5e-12,
# tests/test_special_math.py).
_BETAINC = {"%s.%s.%s" % (dtype, key, method) for dtype in ("float32", "float64")
            for key in ("beta", "beta_mode", "student_t")
            for method in ("cdf", "log_cdf", "survival_function", "log_survival_function")}


def _betainc_reference(key):
    dtype, name, method = key.split(".")
    f = np.dtype(dtype).type
    if name == "beta":
        a, b, x = np.broadcast_arrays(np.array([0.5, 2., 5.]), np.array([[1.5], [3.]]),
                                      np.array([[0.1], [0.85]]))
    elif name == "beta_mode":
        a, b, x = np.broadcast_arrays(np.array([0.5, 2., 5.]), 3., np.array([0.5]))
    else:
        df, y = np.broadcast_arrays(np.array([0.8, 1.5, 4.]),
                                    (np.array([[-1.], [3.]]) - 1.) / np.array([[0.5], [2.]]))
        a, b, x = 0.5 * df, np.full(df.shape, 0.5), df / (y ** 2 + df)
    with tf.Session() as sess:
        ib = sess.run(tf.betainc(*[tf.constant(v.astype(dtype)) for v in (a, b, x)]))
    cdf = ib if name != "student_t" else np.where(y < 0, 0.5 * ib, 1 - 0.5 * ib)
    return {"cdf": cdf, "log_cdf": np.log(cdf), "survival_function": 1 - cdf,
            "log_survival_function": np.log1p(-cdf)}[method].astype(f)


@pytest.mark.parametrize("key", sorted(RECORDED["gamma_values"]))
def test_gamma_family_methods_and_statistics_are_tfs(gamma_values, key):
    got, want = gamma_values[key], RECORDED["gamma_values"][key]
    if key in _BETAINC:
        assert want == "ValueError"
        _close(got["value"], _betainc_reference(key), key.split(".")[0])
    elif key.endswith("dirichlet.mode"):
        # TF broadcasts a batch's "defined" condition against the classes axis (ValueError);
        # minitf gives each member its mode, NaN where a concentration is <= 1.
        assert want == "ValueError"
        c = np.array([[0.5, 2., 3.], [2., 2., 4.]])
        mode = (c - 1.) / (c.sum(-1, keepdims=True) - 3.)
        mode[0] = np.nan
        _close(got["value"], mode, key.split(".")[0])
    elif key in ("float64.student_t.variance", "float64.student_t.stddev"):
        # TF compares float64 df with a float32 fill(2.0) (TypeError); minitf's twos have df's
        # dtype, and its values are TF's float32 ones to float64 precision.
        assert want == "TypeError"
        _close(got["value"], RECORDED["gamma_values"]["float32" + key[7:]]["value"], "float32")
    elif isinstance(want, str):
        assert got == want
    else:
        assert (got["dtype"], got["shape"]) == (want["dtype"], want["shape"])
        _close(got["value"], want["value"], want["dtype"])


def test_gamma_family_names_shapes_and_errors_are_tfs():
    got = json.loads(json.dumps(RECORDER.gamma_names_and_errors(tf), default=str))
    want = dict(RECORDED["gamma_names_and_errors"])
    # TF cannot see a [1]-shaped concentration's class count until run time; minitf knows the
    # shape when building, and raises the same InvalidArgumentError then.
    assert (want.pop("dirichlet_one_class"), got.pop("dirichlet_one_class")) == \
        (None, "InvalidArgumentError")
    assert got == want


def test_gradients_are_tfs():
    got, want = RECORDER.gradients(tf), RECORDED["gradients"]
    assert sorted(got) == sorted(want)
    assert got["normal.sample_connected"] == want["normal.sample_connected"] == [True, True]
    for key in want:
        if key.endswith("connected"):
            continue
        assert [g is None for g in got[key]] == [g is None for g in want[key]], key
        for g, w in zip(got[key], want[key]):
            if w is not None:  # (igamma's derivative in its shape parameter: to 3e-13)
                np.testing.assert_allclose(np.array(g, float), np.array(w, float), rtol=1e-11,
                                           atol=1e-13, err_msg=key)


def test_kl_divergences_are_tfs():
    got, want = RECORDER.kl_values(tf), RECORDED["kl_values"]
    assert sorted(got) == sorted(want)
    for key in want:
        assert (got[key]["name"], got[key]["shape"]) == (want[key]["name"], want[key]["shape"])
        _close(got[key]["value"], want[key]["value"], "float32")


def test_kl_registry_lookup_and_errors_are_tfs():
    got, want = RECORDER.kl_registry(tf), RECORDED["kl_registry"]
    _close(got.pop("values"), want["values"], "float32")
    assert got == {k: v for k, v in want.items() if k != "values"}


def test_names_static_shapes_and_metadata_are_tfs():
    assert json.loads(json.dumps(RECORDER.names_and_shapes(tf), default=str)) == \
        RECORDED["names_and_shapes"]


def test_invalid_arguments_raise_tfs_errors():
    assert RECORDER.errors(tf) == RECORDED["errors"]


def test_the_namespace_is_tf_1_15s():
    assert tf.compat.v1.distributions is d
    assert sorted(d.__all__) == sorted(n for n in dir(d) if not n.startswith("_")
                                       and not isinstance(getattr(d, n), type(np)))


# -- samples: minitf's own streams ----------------------------------------------------------

def test_samples_have_the_shape_dtype_and_statistics_of_the_distribution():
    tf.set_random_seed(7)
    loc, scale = np.array([-1., 3.], np.float32), np.array([0.5, 2.], np.float32)
    draws = {"normal": d.Normal(loc, scale).sample(20000, seed=1),
             "laplace": d.Laplace(loc, scale).sample([100, 200], seed=2),
             "uniform": d.Uniform(loc, loc + scale).sample(20000, seed=3),
             "bernoulli": d.Bernoulli(probs=[0.2, 0.9]).sample(20000, seed=4),
             "categorical": d.Categorical(probs=[[0.1, 0.6, 0.3]]).sample(30000, seed=5)}
    assert draws["laplace"].shape.as_list() == [100, 200, 2]
    assert draws["bernoulli"].dtype == tf.int32 and draws["categorical"].dtype == tf.int32
    with tf.Session() as sess:
        got = sess.run(draws)
    np.testing.assert_allclose(got["normal"].mean(0), loc, atol=0.05)
    np.testing.assert_allclose(got["normal"].std(0), scale, rtol=0.03)
    laplace = got["laplace"].reshape(-1, 2)
    np.testing.assert_allclose(np.median(laplace, 0), loc, atol=0.06)
    np.testing.assert_allclose(laplace.std(0), np.sqrt(2.) * scale, rtol=0.05)
    uniform = got["uniform"]
    assert (uniform >= loc).all() and (uniform < loc + scale).all()
    np.testing.assert_allclose(uniform.std(0), scale / np.sqrt(12.), rtol=0.03)
    assert set(np.unique(got["bernoulli"])) == {0, 1}
    np.testing.assert_allclose(got["bernoulli"].mean(0), [0.2, 0.9], atol=0.015)
    assert got["categorical"].shape == (30000, 1)
    np.testing.assert_allclose(np.bincount(got["categorical"][:, 0]) / 30000., [0.1, 0.6, 0.3],
                               atol=0.015)


def test_a_seeded_sample_repeats_in_a_new_session_and_graph():
    def draw():
        with tf.Graph().as_default():
            tf.set_random_seed(3)
            s = d.Normal(0., 1.).sample([3, 2], seed=9)
            with tf.Session() as sess:
                return sess.run(s), sess.run(s)

    first, second = draw(), draw()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    assert not np.array_equal(first[0], first[1])  # each run draws anew


def test_samples_of_reparameterized_distributions_differentiate_to_the_parameters():
    loc = tf.constant([0.5, -1.], tf.float64)
    scale = tf.constant([2., 0.3], tf.float64)
    for dist in (d.Normal(loc, scale), d.Laplace(loc, scale)):
        s = dist.sample(4, seed=1)
        g_loc, g_scale = tf.gradients(tf.reduce_sum(s), [loc, scale])
        with tf.Session() as sess:
            s, g_loc, g_scale, lv, sv = sess.run([s, g_loc, g_scale, loc, scale])
        np.testing.assert_allclose(g_loc, [4., 4.])
        # s = loc + scale * noise, so d sum(s) / d scale = sum(noise) = sum((s - loc) / scale)
        np.testing.assert_allclose(g_scale, ((s - lv) / sv).sum(0), rtol=1e-12)
    low, high = tf.constant(1., tf.float64), tf.constant(3., tf.float64)
    s = d.Uniform(low, high).sample(5, seed=2)
    g_low, g_high = tf.gradients(tf.reduce_sum(s), [low, high])
    with tf.Session() as sess:
        s, g_low, g_high = sess.run([s, g_low, g_high])
    u = (s - 1.) / 2.
    np.testing.assert_allclose([g_low, g_high], [(1 - u).sum(), u.sum()], rtol=1e-12)
    assert tf.gradients(d.Bernoulli(logits=loc).sample(), [loc]) == [None]


def test_a_vae_style_objective_trains_through_sample_and_kl():
    # E[(z - t)^2] + KL(N(mu, s) || N(0, 1)) is least at mu = 2t/3, s^2 = 1/3.
    tf.set_random_seed(1)
    mu = tf.Variable(0.)
    log_s = tf.Variable(0.)
    posterior = d.Normal(mu, tf.exp(log_s))
    z = posterior.sample(4000, seed=3)
    loss = (tf.reduce_mean(tf.square(z - 1.5))
            + d.kl_divergence(posterior, d.Normal(0., 1.)))
    step = tf.train.AdamOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(300):
            sess.run(step)
        got_mu, got_s = sess.run([mu, tf.exp(log_s)])
    np.testing.assert_allclose([got_mu, got_s], [1., np.sqrt(1. / 3.)], atol=0.03)


def test_unknown_sample_shape_and_batch_still_give_what_is_known():
    logits = tf.placeholder(tf.float32, [None, 4])
    n = tf.placeholder(tf.int32, [])
    c = d.Categorical(logits=logits)
    s = c.sample(n)
    assert s.shape.as_list() == [None, None]
    with tf.Session() as sess:
        got = sess.run(s, {logits: np.zeros([3, 4]), n: 5})
    assert got.shape == (5, 3) and got.min() >= 0 and got.max() <= 3


def test_gamma_family_samples_have_their_moments():
    tf.set_random_seed(11)
    draws = {
        "gamma": d.Gamma([0.5, 3.], [2., 1.]).sample(40000, seed=1),
        "exponential": d.Exponential([0.5, 4.]).sample(40000, seed=2),
        "beta": d.Beta([0.5, 2.], [1.5, 5.]).sample(40000, seed=3),
        "student_t": d.StudentT(6., [0., 2.], [1., 0.5]).sample(40000, seed=4),
        "dirichlet": d.Dirichlet([[0.5, 1., 2.5]]).sample(20000, seed=5),
        "multinomial": d.Multinomial([3., 5.], probs=[0.2, 0.3, 0.5]).sample(20000, seed=6),
        "dirichlet_multinomial": d.DirichletMultinomial(4., [1., 2., 3.]).sample(20000,
                                                                                seed=7),
    }
    assert draws["dirichlet"].shape.as_list() == [20000, 1, 3]
    assert draws["multinomial"].shape.as_list() == [20000, 2, 3]
    assert draws["multinomial"].dtype == tf.float32
    with tf.Session() as sess:
        got = sess.run(draws)
    np.testing.assert_allclose(got["gamma"].mean(0), [0.25, 3.], rtol=0.03)
    np.testing.assert_allclose(got["gamma"].var(0), [0.125, 3.], rtol=0.06)
    np.testing.assert_allclose(got["exponential"].mean(0), [2., 0.25], rtol=0.03)
    np.testing.assert_allclose(got["beta"].mean(0), [0.25, 2. / 7.], rtol=0.03)
    np.testing.assert_allclose(got["student_t"].mean(0), [0., 2.], atol=0.03)
    np.testing.assert_allclose(got["student_t"].var(0), [1.5, 0.375], rtol=0.08)
    dirichlet = got["dirichlet"][:, 0]
    np.testing.assert_allclose(dirichlet.sum(-1), 1., rtol=1e-5)
    np.testing.assert_allclose(dirichlet.mean(0), [0.125, 0.25, 0.625], atol=0.01)
    multinomial = got["multinomial"]
    assert (multinomial == np.round(multinomial)).all()
    np.testing.assert_array_equal(multinomial.sum(-1), np.tile([3., 5.], (20000, 1)))
    np.testing.assert_allclose(multinomial.mean(0), [[0.6, 0.9, 1.5], [1., 1.5, 2.5]],
                               atol=0.04)
    dm = got["dirichlet_multinomial"]
    np.testing.assert_array_equal(dm.sum(-1), 4.)
    np.testing.assert_allclose(dm.mean(0), [4. / 6., 8. / 6., 2.], atol=0.04)


def test_gamma_family_samples_differentiate_to_the_parameters():
    """Exactly where a sample is an explicit function of a parameter; in expectation (the
    derivative of the mean) through random_gamma's implicit gradient."""
    tf.set_random_seed(5)
    c = tf.constant(2.5, tf.float64)
    rate = tf.constant(2., tf.float64)
    c0 = tf.constant(1.5, tf.float64)
    conc = tf.constant([1., 2., 3.], tf.float64)
    df, loc, scale = (tf.constant(v, tf.float64) for v in (5., 1., 2.))
    gamma = d.Gamma(c, rate).sample(4000, seed=1)
    exponential = d.Exponential(rate).sample(100, seed=2)
    beta = d.Beta(c, c0).sample(4000, seed=3)
    dirichlet = d.Dirichlet(conc).sample(4000, seed=4)
    student_t = d.StudentT(df, loc, scale).sample(100, seed=5)
    grads = {
        "gamma": tf.gradients(tf.reduce_mean(gamma), [c, rate]),
        "exponential": tf.gradients(tf.reduce_sum(exponential), rate),
        "beta": tf.gradients(tf.reduce_mean(beta), [c, c0]),
        "dirichlet": tf.gradients(tf.reduce_mean(dirichlet[:, 0]), conc),
        "student_t": tf.gradients(tf.reduce_sum(student_t), [df, loc, scale]),
    }
    with tf.Session() as sess:
        g, s = sess.run([grads, {"gamma": gamma, "exponential": exponential,
                                 "student_t": student_t}])
    np.testing.assert_allclose(g["gamma"][0], 1. / 2., rtol=0.03)  # d(c / rate) / dc
    np.testing.assert_allclose(g["gamma"][1], -s["gamma"].mean() / 2., rtol=1e-12)
    np.testing.assert_allclose(g["exponential"][0], -s["exponential"].sum() / 2., rtol=1e-12)
    np.testing.assert_allclose(g["beta"], [1.5 / 16., -2.5 / 16.], rtol=0.04)
    np.testing.assert_allclose(g["dirichlet"][0], [5. / 36., -1. / 36., -1. / 36.], atol=4e-3)
    assert g["student_t"][0] is not None and np.isfinite(g["student_t"][0])
    np.testing.assert_allclose(g["student_t"][1:], [100., (s["student_t"] - 1.).sum() / 2.],
                               rtol=1e-12)


def test_a_policy_gradient_learns_the_best_arm_of_a_bandit():
    # REINFORCE on a 3-armed bandit with rewards 0, 1, 0.2: the policy moves to arm 1.
    tf.set_random_seed(2)
    logits = tf.Variable(tf.zeros([3]))
    policy = d.Categorical(logits=logits)
    actions = policy.sample(256, seed=1)
    rewards = tf.gather(tf.constant([0., 1., 0.2]), actions)
    advantage = rewards - tf.reduce_mean(rewards)
    loss = -tf.reduce_mean(policy.log_prob(actions) * tf.stop_gradient(advantage))
    step = tf.train.GradientDescentOptimizer(1.).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(60):
            sess.run(step)
        probs = sess.run(policy.probs)
    assert probs[1] > 0.9 and probs.argmax() == 1


def test_a_user_distribution_gets_tfs_fallbacks_and_errors():
    class Coin(d.Distribution):
        """P[1] = p, P[0] = 1 - p; only _prob and _variance are written."""

        def __init__(self, p):
            self._p = tf.convert_to_tensor(p, name="p")
            super().__init__(dtype=tf.float32, reparameterization_type=d.NOT_REPARAMETERIZED,
                             validate_args=False, allow_nan_stats=True,
                             graph_parents=[self._p], name="Coin")

        def _prob(self, x):
            return x * self._p + (1. - x) * (1. - self._p)

        def _variance(self):
            return self._p * (1. - self._p)

    coin = Coin(0.2)
    log_p, stddev = coin.log_prob(1.), coin.stddev()
    assert (log_p.name, stddev.name) == ("Coin/log_prob/Log:0", "Coin/stddev/Sqrt:0")
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run([log_p, stddev]), [np.log(0.2), 0.4], rtol=1e-6)
    with pytest.raises(NotImplementedError, match="cdf is not implemented: Coin"):
        coin.cdf(0.)
    with pytest.raises(NotImplementedError, match="sample_n is not implemented: Coin"):
        coin.sample()
    with pytest.raises(NotImplementedError, match="No KL.*type Coin and distribution_b type"):
        d.kl_divergence(coin, coin)
