"""Sparse gradients: tf.IndexedSlices from gather / embedding_lookup, their aggregation and
densification, sparse optimizer updates (TF's formulas are checked against recorded TF values
in test_tf1_rnn_parity.py), scatter ops and embedding_lookup's errors."""

import re
import warnings

import numpy as np
import pytest

import minitf as tf


def test_gather_gradient_is_indexed_slices_and_fetches_as_a_value():
    p = tf.placeholder(tf.float32, [5, 2])
    g = tf.gradients(tf.reduce_sum(tf.gather(p, [3, 1, 3]) * 2.0), p)[0]
    assert isinstance(g, tf.IndexedSlices)
    assert g.dtype is tf.float32 and g.shape.as_list() == [5, 2]
    with tf.Session() as sess:
        got = sess.run(g, {p: np.zeros((5, 2), np.float32)})
    assert type(got).__name__ == "IndexedSlicesValue"
    np.testing.assert_array_equal(got.indices, [3, 1, 3])
    np.testing.assert_array_equal(got.values, np.full((3, 2), 2.0))
    np.testing.assert_array_equal(got.dense_shape, [5, 2])


def test_a_dense_and_a_sparse_contribution_concatenate_and_densify_to_their_sum():
    p = tf.placeholder(tf.float32, [3, 2])
    loss = tf.reduce_sum(tf.gather(p, [2]) * 5.0) + tf.reduce_sum(p)
    (g,) = tf.gradients(loss, p)
    assert isinstance(g, tf.IndexedSlices)
    dense = tf.convert_to_tensor(g)
    assert dense.op.type == "UnsortedSegmentSum"
    with tf.Session() as sess:
        got = sess.run(dense, {p: np.zeros((3, 2), np.float32)})
    np.testing.assert_array_equal(got, [[1, 1], [1, 1], [6, 6]])


def test_ops_other_than_identity_receive_the_dense_gradient():
    p = tf.placeholder(tf.float64, [4, 3])
    y = tf.reduce_sum(tf.square(tf.gather(p, [0, 0]) + tf.gather(p, [1, 2])))
    (g,) = tf.gradients(tf.reduce_sum(tf.convert_to_tensor(tf.gradients(y, p)[0]) ** 2), p)
    x = np.random.default_rng(0).standard_normal((4, 3))
    with tf.Session() as sess:
        got = sess.run(tf.convert_to_tensor(g), {p: x})
    # Compare with a finite-difference check instead of a hand derivation.
    def f(v):
        s = np.stack([v[0] + v[1], v[0] + v[2]])
        gg = np.zeros_like(v)
        np.add.at(gg, [0, 0], 2 * s)
        np.add.at(gg, [1, 2], 2 * s)
        return np.sum(gg ** 2)
    eps = 1e-6
    num = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        num[idx] = (f(x + d) - f(x - d)) / (2 * eps)
    np.testing.assert_allclose(got, num, rtol=1e-5, atol=1e-6)


def test_densifying_a_huge_indexed_slices_warns_as_tf():
    big = tf.placeholder(tf.float32, [200000, 1000])
    (g,) = tf.gradients(tf.reduce_sum(tf.gather(big, [0])), big)
    with pytest.warns(UserWarning, match="Converting sparse IndexedSlices to a dense Tensor with "
                      "200000000 elements. This may consume a large amount of memory."):
        tf.convert_to_tensor(g)
    small = tf.placeholder(tf.float32, [10, 3])
    (g,) = tf.gradients(tf.reduce_sum(tf.gather(small, [0])), small)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tf.convert_to_tensor(g)
    with pytest.raises(ValueError, match="Incompatible tensor conversion requested to `dtype` "
                       "float64 for IndexedSlices"):
        tf.convert_to_tensor(g, dtype=tf.float64)


def test_summaries_accept_indexed_slices():
    p = tf.placeholder(tf.float32, [4, 2])
    (g,) = tf.gradients(tf.reduce_sum(tf.gather(p, [1])), p)
    summary = tf.summary.histogram("grad", g)
    with tf.Session() as sess:
        raw = sess.run(summary, {p: np.ones((4, 2), np.float32)})
    proto = tf.Summary.FromString(raw)
    assert proto.value[0].histo.num == 8 and proto.value[0].histo.sum == 2.0


def test_sgd_on_a_large_embedding_touches_only_the_rows_looked_up():
    rng = np.random.default_rng(0)
    table0 = rng.standard_normal((100000, 64)).astype(np.float32)
    ids_value = rng.choice(100000, 100, replace=False)
    ids_value[1] = ids_value[0]  # a repeated id: its two gradients add up
    table = tf.Variable(table0, name="table")
    ids = tf.placeholder(tf.int32, [100])
    target = tf.placeholder(tf.float32, [100, 64])
    emb = tf.nn.embedding_lookup(table, ids)
    loss = tf.reduce_sum(tf.square(emb - target)) / 2
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    assert "ScatterSub" in [op.type for op in tf.get_default_graph().get_operations()]
    tgt = rng.standard_normal((100, 64)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {ids: ids_value, target: tgt})
        after = sess.run(table)
    touched = np.zeros(100000, bool)
    touched[ids_value] = True
    np.testing.assert_array_equal(after[~touched], table0[~touched])  # bit-identical
    want = table0.copy()
    np.subtract.at(want, ids_value, 0.5 * (table0[ids_value] - tgt))
    np.testing.assert_allclose(after[touched], want[touched], rtol=1e-6)
    assert not np.array_equal(after[ids_value[0]], table0[ids_value[0]])


def test_an_optimizer_without_a_sparse_rule_says_so():
    class DenseOnly(tf.train.Optimizer):
        def __init__(self):
            super().__init__(False, "DenseOnly")

        def _apply_dense(self, grad, var):
            return tf.assign_sub(var, grad)

    p = tf.Variable(np.ones((3, 2), np.float32))
    with pytest.raises(NotImplementedError):
        DenseOnly().minimize(tf.reduce_sum(tf.gather(p, [0])))


def test_sparse_apply_out_of_range_index_fails_and_changes_nothing():
    from minitf.train.training_ops import SparseApplyAdagrad
    var = tf.Variable(np.ones((3, 2), np.float32), name="v")
    acc = tf.Variable(np.ones((3, 2), np.float32), name="acc")
    grad = tf.placeholder(tf.float32, [None, 2])
    idx = tf.placeholder(tf.int32, [None])
    opt = tf.train.AdagradOptimizer(0.1)
    update = opt._fused_update(SparseApplyAdagrad(), var, acc, tf.constant(0.1), grad, idx)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = 3 is not in "
                           r"\[0, 3\)"):
            sess.run(update, {grad: np.ones((2, 2)), idx: [0, 3]})
        np.testing.assert_array_equal(sess.run(var), np.ones((3, 2)))
        np.testing.assert_array_equal(sess.run(acc), np.ones((3, 2)))
        sess.run(update, {grad: np.ones((1, 2)), idx: [2]})
        np.testing.assert_allclose(sess.run(var)[2], 1 - 0.1 / np.sqrt(2), rtol=1e-6)
        np.testing.assert_array_equal(sess.run(var)[:2], np.ones((2, 2)))
    with pytest.raises(ValueError, match="var and grad do not have the same shape"):
        opt._fused_update(SparseApplyAdagrad(), var, acc, tf.constant(0.1),
                          tf.zeros([2, 3]), tf.constant([0, 1]))


# -- scatter ops ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, want", [
    (tf.scatter_add, [[1, 1], [7, 7], [1, 1]]),
    (tf.scatter_sub, [[1, 1], [-5, -5], [1, 1]]),
    (tf.scatter_update, [[1, 1], [4, 4], [1, 1]]),
])
def test_scatter_ops(fn, want):
    v = tf.Variable(np.ones((3, 2), np.float32))
    op = fn(v, [1, 1], [[2.0, 2.0], [4.0, 4.0]]) if fn is not tf.scatter_update else \
        fn(v, [1], [[4.0, 4.0]])
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(op), want)
        np.testing.assert_array_equal(sess.run(v), want)


@pytest.mark.parametrize("target_shape, indices", [
    ((50, 8), [3, 7, 3, 3, 9, 7]),               # repeats: one pass per occurrence, in order
    ((50, 8), list(range(40))),                  # distinct rows: one pass
    ((50, 4, 3), [[1, 2], [2, 1], [1, 1]]),      # 2-D indices, rows of rank 2
    ((20, 5), [4] * 9 + [1, 2]),                 # more repeats than passes: ufunc.at finishes
    ((50,), [1, 1, 2]),                          # 1-D: ufunc.at itself
    ((50, 8), [[5]]),
    ((6, 3), []),
    ((6, 0), [1, 3]),                            # rows of no elements
])
@pytest.mark.parametrize("ufunc", [np.add, np.subtract])
def test_apply_at_is_ufunc_at_bit_for_bit(target_shape, indices, ufunc):
    from minitf.ops.scatter_ops import apply_at
    rng = np.random.default_rng(1)
    target = rng.standard_normal(target_shape).astype(np.float32)
    indices = np.asarray(indices, np.int64)
    updates = (rng.standard_normal(indices.shape + target_shape[1:]) * 1e3).astype(np.float32)
    want, got = target.copy(), target.copy()
    ufunc.at(want, indices, updates)
    apply_at(np, ufunc, got, indices, updates)
    np.testing.assert_array_equal(got, want)
    told = target.copy()  # the caller's answer to "distinct?" (ScatterSub's index check)
    apply_at(np, ufunc, told, indices, updates, len(set(indices.ravel().tolist())) == indices.size)
    np.testing.assert_array_equal(told, want)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32, np.complex64])
def test_apply_at_writes_distinct_rows_of_any_dtype_and_layout(dtype):
    # Distinct rows of a C-contiguous numpy target are written back as whole opaque rows
    # (`put`); other layouts by fancy indexing: both give ufunc.at's bits.
    from minitf.ops.scatter_ops import apply_at
    rng = np.random.default_rng(2)
    indices = np.array([7, 0, 3, 11], np.int32)
    values = (rng.standard_normal((12, 10, 3)) * 100).astype(dtype)
    layouts = [lambda: values.copy(),
               lambda: values.copy()[:, ::3, 0],  # strided rows
               lambda: np.asfortranarray(values[:, :5, 1])]
    for make in layouts:
        want, got = make(), make()
        assert got.flags.c_contiguous == (make is layouts[0])
        updates = (rng.standard_normal(indices.shape + got.shape[1:]) * 100).astype(dtype)
        np.subtract.at(want, indices, updates)
        apply_at(np, np.subtract, got, indices, updates, True)
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("indices, rows, want", [
    ([3, 0, 2], 4, True), ([[3, 0], [2, 3]], 4, False), ([7], 8, True), ([], 2, True),
    ([1, 1], 2, False)])
def test_check_row_indices_says_whether_the_rows_are_distinct(indices, rows, want):
    from minitf.ops.scatter_ops import check_row_indices
    for dtype in (np.int32, np.int64):
        assert check_row_indices(np, None, np.asarray(indices, dtype), rows, True) is want
        assert check_row_indices(np, None, np.asarray(indices, dtype), rows) is None


@pytest.mark.parametrize("indices, position", [([0, 4, 1], "[1]"), ([2, -1], "[1]"),
                                               ([[0, 1], [-3, 9]], "[1,0]")])
def test_check_row_indices_names_the_first_bad_index(indices, position):
    from minitf.ops.scatter_ops import check_row_indices
    for dtype, distinct in [(np.int32, True), (np.int64, True), (np.int64, False)]:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"indices%s = -?\d+ is not in \[0, 4\)" % re.escape(position)):
            check_row_indices(np, None, np.asarray(indices, dtype), 4, distinct)


def test_scatter_errors():
    v = tf.Variable(np.ones((3, 2), np.float32))
    with pytest.raises(ValueError, match="Shapes of updates and indices do not match"):
        tf.scatter_add(v, [0], [[1.0, 2.0, 3.0]])
    with pytest.raises(TypeError, match="parameter 'indices'"):
        tf.scatter_add(v, tf.constant([0.5]), [[1.0, 2.0]])
    idx = tf.placeholder(tf.int32, [1])
    op = tf.scatter_add(v, idx, [[1.0, 2.0]])
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = -1 is not in "
                           r"\[0, 3\)"):
            sess.run(op, {idx: [-1]})
        np.testing.assert_array_equal(sess.run(v), np.ones((3, 2)))


# -- embedding_lookup --------------------------------------------------------------------------------

def test_embedding_lookup_ops_and_names_are_tfs():
    table = tf.Variable(np.zeros((4, 3), np.float32), name="emb")
    e = tf.nn.embedding_lookup(table, [1, 2])
    assert e.name == "embedding_lookup/Identity:0"
    assert e.op.inputs[0].op.type == "GatherV2" and e.op.inputs[0].op.name == "embedding_lookup"
    assert e.op.inputs[0].op.inputs[0].name == "emb/read:0"
    assert tf.nn.embedding_lookup([table], [[0]]).shape.as_list() == [1, 1, 3]


def test_embedding_lookup_out_of_range_names_the_id_and_the_table_size():
    table = tf.Variable(np.zeros((4, 3), np.float32))
    ids = tf.placeholder(tf.int32, [None])
    e = tf.nn.embedding_lookup(table, ids)
    with tf.Session() as sess:
        sess.run(table.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"indices\[2\] = 9 is not in \[0, 4\)"):
            sess.run(e, {ids: [0, 3, 9]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"indices\[0\] = -1 is not in \[0, 4\)"):
            sess.run(e, {ids: [-1]})


def test_embedding_lookup_argument_errors():
    table = tf.zeros([4, 3])
    with pytest.raises(ValueError, match="Need at least one param"):
        tf.nn.embedding_lookup([], [0])
    with pytest.raises(ValueError, match="Unrecognized partition strategy: foo"):
        tf.nn.embedding_lookup(table, [0], partition_strategy="foo")
    assert tf.nn.embedding_lookup([table, table], [0]).shape.as_list() == [1, 3]  # shards
    with pytest.raises(TypeError, match="indices"):
        tf.nn.embedding_lookup(table, [0.5])


def test_unique_keeps_the_order_of_first_appearance():
    y, idx = tf.unique(tf.constant([4, 1, 4, 7, 1]))
    with tf.Session() as sess:
        got_y, got_idx = sess.run([y, idx])
    np.testing.assert_array_equal(got_y, [4, 1, 7])
    np.testing.assert_array_equal(got_idx, [0, 1, 0, 2, 1])


def test_unsorted_segment_sum_drops_negative_ids_and_rejects_large_ones():
    ids = tf.placeholder(tf.int32, [3])
    out = tf.unsorted_segment_sum(tf.constant([1.0, 2.0, 4.0]), ids, 2)
    assert out.shape.as_list() == [2]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out, {ids: [1, -1, 1]}), [0, 5])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"segment_ids\[2\] = 2 is out of range \[0, 2\)"):
            sess.run(out, {ids: [0, 0, 2]})
    with pytest.raises(ValueError, match="is not a prefix of data.shape"):
        tf.unsorted_segment_sum(tf.zeros([3, 2]), tf.zeros([2], tf.int32), 2)


def test_clip_by_global_norm_keeps_sparse_gradients_sparse_and_optimizers_apply_them():
    table = tf.Variable(np.ones((5, 2), np.float32))
    w = tf.Variable(np.ones((2,), np.float32))
    loss = tf.reduce_sum(tf.nn.embedding_lookup(table, [1, 3]) * w * 10.0)
    opt = tf.train.GradientDescentOptimizer(1.0)
    grads, variables = zip(*opt.compute_gradients(loss))
    clipped, norm = tf.clip_by_global_norm(grads, 1.0)
    assert isinstance(clipped[0], tf.IndexedSlices)
    train = opt.apply_gradients(zip(clipped, variables))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        total = sess.run(norm)
        sess.run(train)
        after = sess.run(table)
    np.testing.assert_allclose(total, np.sqrt(4 * 100 + 2 * 400), rtol=1e-6)
    np.testing.assert_array_equal(after[[0, 2, 4]], 1.0)
    np.testing.assert_allclose(after[[1, 3]], 1 - 10 / total, rtol=1e-6)


# -- candidate samplers and sampled losses -------------------------------------------------------------

def test_log_uniform_sampler_is_seeded_unique_and_zipfian():
    labels = tf.constant([[0], [3]], tf.int64)

    def draw():
        tf.reset_default_graph()
        tf.set_random_seed(4)
        out = tf.nn.log_uniform_candidate_sampler(tf.constant([[0], [3]], tf.int64), 1, 50,
                                                  True, 1000)
        with tf.Session() as sess:
            return sess.run(out), out
    (sampled, true_count, sampled_count), ops = draw()
    (again, _, _), _ = draw()
    np.testing.assert_array_equal(sampled, again)
    assert ops[0].shape.as_list() == [50] and ops[0].dtype is tf.int64
    assert ops[1].shape.as_list() == [2, 1] and ops[2].dtype is tf.float32
    assert len(set(sampled.tolist())) == 50 and sampled.min() >= 0 and sampled.max() < 1000
    assert np.median(sampled) < 100  # Zipfian: small ids are frequent
    assert true_count[0, 0] > true_count[1, 0] > 0  # class 0 is likelier than class 3
    with pytest.raises(ValueError, match="Sampler's range is too small"):
        tf.nn.uniform_candidate_sampler(labels, 1, 10, True, 5)
    with pytest.raises(TypeError, match="true_classes"):
        tf.nn.uniform_candidate_sampler(tf.constant([[1]]), 1, 2, True, 5)


@pytest.mark.parametrize("sampler", ["LogUniformCandidateSampler", "UniformCandidateSampler"])
def test_sampler_expected_counts_from_its_table_are_the_computed_ones(sampler):
    # The expected counts use a table of log1p(-P(k)) over the whole range: the same bits as
    # computing them for the classes drawn; a true class outside the range is computed.
    from minitf.framework.registry import REGISTRY
    op = REGISTRY[sampler](num_true=1, num_sampled=3, unique=True, range_max=1000)
    ids = np.array([0, 1, 2, 999, 500, 7, 7, 123], np.int64)
    want = np.log1p(-op.probability(ids.astype(np.float64)))
    np.testing.assert_array_equal(op.log1p_neg_p(ids).view(np.uint64), want.view(np.uint64))
    outside = np.array([3, 1000, -2], np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.testing.assert_array_equal(op.log1p_neg_p(outside),
                                      np.log1p(-op.probability(outside.astype(np.float64))))


def _reference_distinct(draw, rng, n):
    # The samplers' unique draws written the plain way (what they did before one sort found
    # the first occurrences): draw 2 * (n - found) + 8 values at a time, keep each class the
    # first time it is drawn, count every draw up to the n-th class.
    chosen, tries = [], 0
    while len(chosen) < n:
        for v in draw(rng, 2 * (n - len(chosen)) + 8).tolist():
            tries += 1
            if v not in chosen:
                chosen.append(v)
                if len(chosen) == n:
                    break
    return chosen, tries


@pytest.mark.parametrize("sampler", ["LogUniformCandidateSampler", "UniformCandidateSampler"])
def test_unique_sampler_draws_the_same_classes_as_the_plain_loop(sampler):
    # Same seed, same classes in the same order and the same number of tries (which the
    # expected counts use), including ranges so small that one round of draws is not enough.
    from minitf.framework.registry import REGISTRY
    for num_sampled, range_max in [(64, 50000), (8, 200), (64, 80), (60, 64), (10, 10), (1, 1)]:
        op = REGISTRY[sampler](num_true=1, num_sampled=num_sampled, unique=True,
                               range_max=range_max)
        ours, theirs = np.random.default_rng(5), np.random.default_rng(5)
        for _ in range(40):
            sampled, tries = op.draw_distinct(ours, num_sampled)
            want, want_tries = _reference_distinct(op.draw, theirs, num_sampled)
            assert sampled.dtype == np.int64
            assert sampled.tolist() == want and tries == want_tries
        sampled, true_count, sampled_count = op.sample(np, ours, np.array([[0], [range_max - 1]]))
        want, tries = _reference_distinct(op.draw, theirs, num_sampled)
        assert sampled.tolist() == want
        p = op.probability(np.asarray(want + [0, range_max - 1], np.float64))
        # (-expm1(tries * log1p(-p)), the chance of being drawn at least once; with no
        # repeat drawn, p * num_sampled, as TF's samplers)
        expected = ((p * num_sampled) if tries == num_sampled else
                    -np.expm1(tries * np.log1p(-p))).astype(np.float32)
        np.testing.assert_array_equal(sampled_count, expected[:-2])
        np.testing.assert_array_equal(true_count.ravel(), expected[-2:])


def test_log_uniform_sampler_follows_zipfs_law():
    # Without unique, the classes drawn follow P(k) = log((k + 2) / (k + 1)) / log(range + 1).
    from minitf.framework.registry import REGISTRY
    op = REGISTRY["LogUniformCandidateSampler"](num_true=1, num_sampled=1, unique=False,
                                                  range_max=20)
    draws = op.draw(np.random.default_rng(2), 200_000)
    freq = np.bincount(draws, minlength=20) / draws.size
    p = op.probability(np.arange(20, dtype=np.float64))
    assert draws.min() >= 0 and draws.max() < 20
    np.testing.assert_allclose(freq, p, atol=4 * np.sqrt(p * (1 - p) / draws.size).max())


def test_word2vec_with_nce_loss_trains_and_updates_only_rows_it_touched():
    rng = np.random.default_rng(0)
    vocab, dim = 200, 16
    # A corpus where word k is always followed by word (k + 1) % 20 (ids < 20 only).
    centers = rng.integers(0, 20, 512)
    contexts = (centers + 1) % 20
    tf.set_random_seed(3)
    embeddings = tf.Variable(tf.random_uniform([vocab, dim], -1.0, 1.0))
    nce_w = tf.Variable(tf.truncated_normal([vocab, dim], stddev=0.25))
    nce_b = tf.Variable(tf.zeros([vocab]))
    inputs = tf.placeholder(tf.int32, [None])
    labels = tf.placeholder(tf.int64, [None, 1])
    loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, labels,
                                         tf.nn.embedding_lookup(embeddings, inputs), 8, vocab))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(embeddings)
        feed = {inputs: centers, labels: contexts[:, None]}
        first = np.mean([sess.run(loss, feed) for _ in range(5)])
        for _ in range(200):
            sess.run(train, feed)
        last = np.mean([sess.run(loss, feed) for _ in range(5)])
        after = sess.run(embeddings)
    assert last < first / 2, (first, last)
    np.testing.assert_array_equal(after[20:], before[20:])  # never looked up
    assert not np.array_equal(after[:20], before[:20])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_nce_loss_fused_logistic_loss_is_the_composite_bit_for_bit(dtype):
    # nce_loss computes its logistic loss and the gradient as one op each: every element is
    # evaluated as sigmoid_cross_entropy_with_logits' ten ops evaluate it, so the values are
    # the same bits (zeros of either sign, large logits, exp underflow included).
    from minitf.ops.nn_ops import logistic_loss
    rng = np.random.default_rng(3)
    special = [0.0, -0.0, 1e-30, -1e-30, 200.0, -200.0, 30.0, -30.0, 1.0, -1.0]
    x0 = np.concatenate([special, rng.standard_normal(54) * 8]).astype(dtype).reshape(8, 8)
    z0 = np.concatenate([[1.0, 0.0, -0.0, 0.5] * 4, rng.random(48)]).astype(dtype).reshape(8, 8)
    dy0 = np.concatenate([[1.0, -1.0, 0.0, -0.0, 1e-3] * 4, rng.standard_normal(44)]).astype(
        dtype).reshape(8, 8)
    x, z, dy = (tf.constant(v) for v in (x0, z0, dy0))
    x, z, dy = (tf.placeholder_with_default(v, v.shape) for v in (x, z, dy))  # (no folding)
    fused = logistic_loss(labels=z, logits=x)
    composite = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)
    assert fused.op.type == "SigmoidCrossEntropyWithLogits"
    grads = [tf.gradients(loss, [x, z], grad_ys=dy) for loss in (fused, composite)]
    assert grads[0][0].op.type == "SigmoidCrossEntropyWithLogitsGrad"
    with tf.Session() as sess:
        got = sess.run([fused, composite] + grads[0] + grads[1])
    bits = "u%d" % np.dtype(dtype).itemsize
    for ours, theirs in [(got[0], got[1]), (got[2], got[4]), (got[3], got[5])]:
        assert ours.dtype == dtype
        np.testing.assert_array_equal(ours.view(bits), theirs.view(bits))
