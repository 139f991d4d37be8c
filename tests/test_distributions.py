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
    rtol, atol = (2e-6, 1e-7) if dtype == "float32" else (1e-13, 1e-15)
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


def test_gradients_are_tfs():
    got, want = RECORDER.gradients(tf), RECORDED["gradients"]
    assert sorted(got) == sorted(want)
    assert got["normal.sample_connected"] == want["normal.sample_connected"] == [True, True]
    for key in want:
        if key.endswith("connected"):
            continue
        assert [g is None for g in got[key]] == [g is None for g in want[key]], key
        for g, w in zip(got[key], want[key]):
            if w is not None:
                _close(g, w, "float64")


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
