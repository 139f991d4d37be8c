"""Random ops: TF1's op structure and seed rules, repeatability across programs and sessions,
distribution statistics, static shapes and errors."""

import numpy as np
import pytest

import minitf as tf
from minitf.ops import random_ops


def _types(graph):
    return [(op.name, op.type) for op in graph.get_operations()]


# -- graph structure -------------------------------------------------------------------------------

def test_random_normal_is_composed_as_tf_does():
    g = tf.Graph()
    with g.as_default():
        out = tf.random_normal((2, 3), mean=1.0, stddev=2.0)
    assert out.name == "random_normal:0"
    assert _types(g) == [("random_normal/shape", "Const"), ("random_normal/mean", "Const"),
                         ("random_normal/stddev", "Const"),
                         ("random_normal/RandomStandardNormal", "RandomStandardNormal"),
                         ("random_normal/mul", "Mul"), ("random_normal", "Add")]


def test_random_uniform_float_and_int_structure():
    g = tf.Graph()
    with g.as_default():
        f = tf.random_uniform((2, 3), -1.0, 3.0)
        i = tf.random_uniform((2, 3), 1, 5, dtype=tf.int32)
    assert f.name == "random_uniform:0" and i.name == "random_uniform_1:0"
    names = [n for n, _ in _types(g)]
    assert names[:7] == ["random_uniform/shape", "random_uniform/min", "random_uniform/max",
                         "random_uniform/RandomUniform", "random_uniform/sub",
                         "random_uniform/mul", "random_uniform"]
    assert i.op.type == "RandomUniformInt" and i.dtype == tf.int32
    assert [t.op.name for t in i.op.inputs] == ["random_uniform_1/shape", "random_uniform_1/min",
                                                "random_uniform_1/max"]


def test_truncated_shuffle_and_multinomial_names():
    g = tf.Graph()
    with g.as_default():
        t = tf.truncated_normal([4])
        s = tf.random_shuffle(tf.constant([1, 2, 3]))
        m = tf.multinomial([[0.0, 1.0]], 3)
    assert t.name == "truncated_normal:0"
    assert g.get_operation_by_name("truncated_normal/TruncatedNormal").type == "TruncatedNormal"
    assert s.name == "RandomShuffle:0"
    assert m.name == "multinomial/Multinomial:0" and m.dtype == tf.int64
    assert [t.op.name for t in m.op.inputs] == ["multinomial/logits",
                                                "multinomial/Multinomial/num_samples"]


# -- static shapes ---------------------------------------------------------------------------------

def test_static_shapes_and_dtypes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        n = tf.placeholder(tf.int32, [2])
        assert tf.random_normal([2, 3]).shape.as_list() == [2, 3]
        assert tf.random_uniform(tf.TensorShape([4, 5])).shape.as_list() == [4, 5]
        assert tf.random_uniform([]).shape.as_list() == []
        assert tf.random_normal(tf.shape(x)).shape.as_list() == [None, 3]
        assert tf.truncated_normal(n).shape.as_list() == [None, None]
        assert tf.random_normal([2], dtype=tf.float64).dtype == tf.float64
        assert tf.random_uniform([2], 0, 10, dtype=tf.int64).dtype == tf.int64
        assert tf.random_shuffle(x).shape.as_list() == [None, 3]
        assert tf.multinomial(tf.zeros([5, 3]), 7).shape.as_list() == [5, 7]


def test_unknown_shape_is_resolved_at_run_time():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        r = tf.random_uniform(tf.shape(x))
        with tf.Session() as sess:
            assert sess.run(r, {x: np.zeros((5, 3))}).shape == (5, 3)


# -- seeds -----------------------------------------------------------------------------------------

def test_get_seed_rules():
    with tf.Graph().as_default() as g:
        assert random_ops.get_seed(None) == (None, None)
        assert random_ops.get_seed(7) == (random_ops.DEFAULT_GRAPH_SEED, 7)
        tf.set_random_seed(5)
        assert g.seed == 5
        tf.constant(1)
        tf.constant(2)
        assert random_ops.get_seed(None) == (5, 2)  # the number of ops so far (TF1's _last_id)
        assert random_ops.get_seed(9) == (5, 9)
        tf.set_random_seed(0)
        assert random_ops.get_seed(0) == (0, 2 ** 31 - 1)  # (0, 0) would mean "no seed"
        # the public names (TF 1.15: tf.get_seed and tf.random.get_seed); a large op seed is
        # truncated as TF truncates it
        assert tf.get_seed is tf.random.get_seed is random_ops.get_seed
        assert tf.random.get_seed(2 ** 40) == (0, 2 ** 40 % (2 ** 31 - 1))
    # TF 1.15's tf.random also has the samplers of tf.nn
    assert tf.random.log_uniform_candidate_sampler is tf.nn.log_uniform_candidate_sampler
    assert tf.random.uniform_candidate_sampler is tf.nn.uniform_candidate_sampler


def test_seed_attributes_on_the_op():
    with tf.Graph().as_default() as g:
        tf.random_normal([2])
        op = g.get_operation_by_name("random_normal/RandomStandardNormal")
        assert (op.get_attr("seed"), op.get_attr("seed2")) == (0, 0)
        tf.set_random_seed(3)
        b = tf.random_uniform([2], seed=11)
        op = g.get_operation_by_name("random_uniform/RandomUniform")
        assert (op.get_attr("seed"), op.get_attr("seed2")) == (3, 11)


def _program(graph_seed=None, op_seed=None):
    g = tf.Graph()
    with g.as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        outs = [tf.random_normal([3, 4], seed=op_seed), tf.random_uniform([5], seed=op_seed),
                tf.truncated_normal([6], seed=op_seed),
                tf.random_uniform([4], 0, 100, dtype=tf.int32, seed=op_seed),
                tf.random_shuffle(tf.constant(np.arange(10)), seed=op_seed),
                tf.multinomial([[0.0, 0.5, 1.0]], 8, seed=op_seed)]
    return g, outs


def _run_fresh(graph_seed=None, op_seed=None):
    g, outs = _program(graph_seed, op_seed)
    with tf.Session(graph=g) as sess:
        return sess.run(outs)


def _assert_all_equal(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_same_program_with_graph_seed_repeats():
    _assert_all_equal(_run_fresh(graph_seed=42), _run_fresh(graph_seed=42))
    first, other = _run_fresh(graph_seed=42), _run_fresh(graph_seed=43)
    assert not np.array_equal(first[0], other[0])


def test_op_seed_alone_is_deterministic():
    _assert_all_equal(_run_fresh(op_seed=7), _run_fresh(op_seed=7))


def test_no_seed_is_nondeterministic():
    assert not np.array_equal(_run_fresh()[0], _run_fresh()[0])


def test_successive_runs_differ_and_sessions_start_alike():
    g, outs = _program(graph_seed=1)
    with tf.Session(graph=g) as s1, tf.Session(graph=g) as s2:
        first = s1.run(outs)
        second = s1.run(outs)
        assert not np.array_equal(first[0], second[0])
        assert not np.array_equal(first[1], second[1])
        _assert_all_equal(s2.run(outs), first)  # a second session starts from the same values
        _assert_all_equal(s2.run(outs), second)


def test_ops_with_equal_seeds_give_equal_values():
    with tf.Graph().as_default():
        a = tf.random_uniform([3], seed=1)
        b = tf.random_uniform([3], seed=1)
        c = tf.random_uniform([3], seed=2)
        with tf.Session() as sess:
            va, vb, vc = sess.run([a, b, c])
    np.testing.assert_array_equal(va, vb)
    assert not np.array_equal(va, vc)


# -- distributions ---------------------------------------------------------------------------------

N = 200_000


def _sample(t):
    with tf.Session(graph=t.graph) as sess:
        return sess.run(t)


def test_normal_statistics():
    with tf.Graph().as_default():
        x = _sample(tf.random_normal([N], mean=3.0, stddev=2.0, seed=1))
    assert x.dtype == np.float32
    assert abs(x.mean() - 3.0) < 0.02 and abs(x.std() - 2.0) < 0.02
    assert abs(((x - 3) / 2 > 1).mean() - 0.1587) < 0.005  # shape, not only two moments


def test_truncated_normal_bounds_and_statistics():
    with tf.Graph().as_default():
        x = _sample(tf.truncated_normal([N], mean=-1.0, stddev=0.5, seed=2))
    assert np.all(np.abs(x + 1.0) < 2 * 0.5 + 1e-6)
    assert abs(x.mean() + 1.0) < 0.01
    assert abs(x.std() - 0.5 * 0.87962566) < 0.005
    assert (np.abs(x + 1.0) > 0.9).mean() > 0.01  # the tails up to the bound are populated


def test_uniform_float_bounds_and_statistics():
    with tf.Graph().as_default():
        x = _sample(tf.random_uniform([N], -2.0, 6.0, seed=3))
        h = _sample(tf.random_uniform([N], dtype=tf.float16, seed=3))
        d = _sample(tf.random_uniform([10], dtype=tf.float64, seed=3))
    assert x.min() >= -2.0 and x.max() < 6.0
    assert abs(x.mean() - 2.0) < 0.03 and abs(x.var() - 64 / 12) < 0.05
    assert h.dtype == np.float16 and h.min() >= 0 and h.max() < 1
    assert d.dtype == np.float64


def test_uniform_int_range_and_balance():
    with tf.Graph().as_default():
        x = _sample(tf.random_uniform([N], -3, 4, dtype=tf.int64, seed=4))
    assert x.dtype == np.int64
    counts = np.bincount(x + 3)
    assert len(counts) == 7  # every value of [-3, 4) appears, 4 never
    assert np.all(np.abs(counts / N - 1 / 7) < 0.005)


def test_random_shuffle_permutes_rows():
    data = np.arange(20).reshape(10, 2)
    with tf.Graph().as_default():
        s = tf.random_shuffle(tf.constant(data), seed=5)
        scalar = tf.random_shuffle(tf.constant(3.0))
        with tf.Session() as sess:
            runs = [sess.run(s) for _ in range(3)]
            assert sess.run(scalar) == 3.0
    for r in runs:
        np.testing.assert_array_equal(r[:, 1] - r[:, 0], 1)  # rows stay whole
        np.testing.assert_array_equal(np.sort(r[:, 0]), data[:, 0])
    assert any(not np.array_equal(r, data) for r in runs)
    assert not all(np.array_equal(runs[0], r) for r in runs[1:])


def test_multinomial_frequencies():
    with tf.Graph().as_default():
        logits = np.array([[0.0, np.log(3.0), -np.inf], np.log([5.0, 1.0, 4.0])], np.float32)
        x = _sample(tf.multinomial(logits, 40_000, seed=6,
                                   output_dtype=tf.int32))
    assert x.shape == (2, 40_000) and x.dtype == np.int32
    np.testing.assert_allclose(np.bincount(x[0], minlength=3) / 40_000, [0.25, 0.75, 0], atol=0.01)
    np.testing.assert_allclose(np.bincount(x[1], minlength=3) / 40_000, [0.5, 0.1, 0.4], atol=0.01)


# -- gradients and errors --------------------------------------------------------------------------

def test_gradients_flow_to_mean_but_not_through_sampling():
    with tf.Graph().as_default():
        mean = tf.constant(2.0)
        x = tf.constant([1.0, 2.0, 3.0])
        (g_mean,) = tf.gradients(tf.reduce_sum(tf.random_normal([3], mean=mean)), [mean])
        assert tf.gradients(tf.random_shuffle(x), [x]) == [None]
        with tf.Session() as sess:
            assert sess.run(g_mean) == 3.0


def test_build_time_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Must specify maxval for integer dtype"):
            tf.random_uniform([2], dtype=tf.int32)
        with pytest.raises(ValueError, match="Need minval < maxval, got 5 >= 5"):
            tf.random_uniform([2], 5, 5, dtype=tf.int32)
        with pytest.raises(ValueError, match="Invalid dtype"):
            tf.random_uniform([2], dtype=tf.bool)
        with pytest.raises(TypeError):
            tf.random_normal([2], dtype=tf.int32)
        with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
            tf.random_normal(tf.constant([[2]]))
        with pytest.raises(TypeError, match="'shape' has DataType float32"):
            tf.random_normal(tf.constant([2.0]))
        with pytest.raises(ValueError, match="logits should be a matrix"):
            tf.multinomial([0.0, 1.0], 2)


def test_run_time_bound_error_names_the_op():
    with tf.Graph().as_default():
        lo = tf.placeholder(tf.int32, [])
        r = tf.random_uniform([2], lo, 5, dtype=tf.int32)
        with tf.Session() as sess:
            assert sess.run(r, {lo: 4}).tolist() == [4, 4]
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="Need minval < maxval, got 5 >= 5.*random_uniform"):
                sess.run(r, {lo: 5})


@pytest.mark.gpu
def test_cupy_and_numpy_give_the_same_numbers():
    def run(device):
        g = tf.Graph()
        with g.as_default(), tf.device(device):
            tf.set_random_seed(9)
            outs = [tf.random_normal([50]), tf.truncated_normal([50]), tf.random_uniform([50]),
                    tf.random_uniform([50], 0, 9, dtype=tf.int32),
                    tf.random_shuffle(tf.constant(np.arange(50.0))),
                    tf.multinomial([[0.0, 1.0, 2.0]], 50)]
        with tf.Session(graph=g) as sess:
            return sess.run(outs)
    for a, b in zip(run("/gpu:0"), run("/cpu:0")):
        np.testing.assert_allclose(a, b, rtol=1e-6)
