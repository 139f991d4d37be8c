"""tf.svd, tf.self_adjoint_eig, tf.matrix_solve_ls, tf.linalg.sqrtm / expm / lu and the functions
built on them, against what TF 2.21 compat.v1 gives for the same programs
(tests/linalg_decomp_programs.py, recorded by tests/record_tf_linalg_decomp.py): tensor names
and static shapes, float64 values and gradients, the error classes. The op table
(tests/op_specs/linalg_specs.py) checks each op against numpy and numerical gradients."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests import linalg_decomp_programs as programs

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_linalg_decomp.json")


@pytest.fixture(scope="module")
def recorded():
    with open(FIXTURE) as f:
        return json.load(f)


def _close(got, want, where):
    """Nested lists of floats (ragged where a program returns several arrays) equal to
    float64 rounding."""
    if isinstance(want, list) and want and isinstance(want[0], list) and \
            len({np.shape(w) for w in want}) > 1:
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            _close(g, w, "%s[%d]" % (where, i))
        return
    np.testing.assert_allclose(np.asarray(got, float), np.asarray(want, float), rtol=1e-8,
                               atol=1e-10, err_msg=where)


def test_tensor_names_and_static_shapes_are_tfs(recorded):
    assert programs.static(tf) == recorded["static"]


def test_values_are_tfs(recorded):
    got = programs.values(tf)
    assert sorted(got) == sorted(recorded["values"])
    for key, want in recorded["values"].items():
        if key in ("eig", "svd_tall", "svd_wide", "svd_square", "lu", "normalize",
                   "normalize_l1"):
            assert len(got[key]) == len(want)
            for i, (g, w) in enumerate(zip(got[key], want)):
                _close(g, w, "%s[%d]" % (key, i))
        else:
            _close(got[key], want, key)


def test_gradients_are_tfs(recorded):
    got = programs.gradients(tf)
    assert sorted(got) == sorted(recorded["gradients"])
    for key, want in recorded["gradients"].items():
        _close(got[key], want, key)


def test_error_classes_are_tfs(recorded):
    got = programs.errors(tf)
    for key, want in recorded["errors"].items():
        assert got[key][0] == want[0], (key, got[key], want)
    # the build-time messages as TF 1.x words them (TF 2.21 prints its node in another form)
    assert got["svd_rank1"][1].startswith(
        "Shape must be at least rank 2 but is rank 1 for 'Svd' (op: 'Svd')")
    assert got["eig_nonsquare"][1].startswith(
        "Dimensions must be equal, but are 3 and 2 for 'SelfAdjointEigV2'")
    assert got["lstsq_rows"][1].startswith(
        "Dimensions must be equal, but are 4 and 3 for 'matrix_solve_ls/MatMul_1'")
    assert got["lu_singular"][1].startswith("Input is not invertible.")
    assert "Input is not invertible." in recorded["errors"]["lu_singular"][1] or \
        recorded["errors"]["lu_singular"][1] == "Graph execution error:"


def test_gradient_errors_are_tfs(recorded):
    got = programs.gradient_errors(tf)
    for key, want in recorded["gradient_errors"].items():
        assert got[key][0] == want[0], (key, got[key], want)
    assert got["svd_full_far"] == recorded["gradient_errors"]["svd_full_far"]
    assert got["svd_unknown"] == recorded["gradient_errors"]["svd_unknown"]
    assert got["lstsq_slow"] == recorded["gradient_errors"]["lstsq_slow"]
    assert got["lu"][1].startswith("No gradient defined for operation 'Lu' (op type: Lu)")


def test_a_singular_lu_fails_the_run_and_changes_nothing():
    v = tf.Variable(1.0)
    step = tf.assign_add(v, 1.0)
    bad = tf.linalg.lu(tf.constant([[1.0, 2.0], [2.0, 4.0]]))
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Input is not invertible"):
            sess.run([step, bad])
        assert sess.run(v) == 1.0


def test_pca_by_svd_as_tf1_tutorials_write_it():
    """Centre the data, take its SVD, project on the first two right singular vectors: the
    projection keeps the variance of the two largest singular values."""
    rng = np.random.RandomState(3)
    data = rng.randn(200, 5) @ np.diag([5.0, 3.0, 1.0, 0.5, 0.1]) @ np.linalg.qr(
        rng.randn(5, 5))[0]
    x = tf.placeholder(tf.float64, [None, 5])
    centred = x - tf.reduce_mean(x, axis=0)
    s, u, v = tf.svd(centred)
    projected = tf.matmul(centred, v[:, :2])
    with tf.Session() as sess:
        s_value, p_value = sess.run([s, projected], {x: data})
    np.testing.assert_allclose(np.sum(p_value ** 2, axis=0), s_value[:2] ** 2, rtol=1e-10)
    np.testing.assert_allclose(s_value, np.linalg.svd(data - data.mean(0), compute_uv=False),
                               rtol=1e-10)


def test_least_squares_and_ridge_fits_by_matrix_solve_ls():
    """The cookbook's least-squares fit, and a ridge fit whose gradient w.r.t. the
    regularizer's input data flows through the Cholesky factor."""
    rng = np.random.RandomState(4)
    xs = np.linspace(0, 10, 50)
    a = np.column_stack([xs, np.ones_like(xs)])
    b = (1.5 * xs + 2 + rng.normal(0, 1, 50))[:, None]
    with tf.Session() as sess:
        fit = sess.run(tf.matrix_solve_ls(tf.constant(a), tf.constant(b)))
        ridge = sess.run(tf.matrix_solve_ls(tf.constant(a), tf.constant(b),
                                            l2_regularizer=10.0))
    np.testing.assert_allclose(fit, np.linalg.lstsq(a, b, rcond=None)[0], rtol=1e-9)
    np.testing.assert_allclose(ridge, np.linalg.solve(a.T @ a + 10 * np.eye(2), a.T @ b),
                               rtol=1e-9)


def test_eigh_whitening_and_its_gradient_train_a_variable():
    """Minimise the largest eigenvalue of W^T W + I with Adam: the gradient of eigvalsh
    reaches a variable and the eigenvalue falls."""
    rng = np.random.RandomState(5)
    w = tf.Variable(rng.randn(4, 3))
    top = tf.linalg.eigvalsh(tf.matmul(w, w, transpose_a=True) + tf.eye(3, dtype=tf.float64))[-1]
    step = tf.train.AdamOptimizer(0.05).minimize(top)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(top)
        for _ in range(30):
            sess.run(step)
        assert sess.run(top) < first - 0.5
