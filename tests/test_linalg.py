"""Band parts, inverses, determinants, solves, Cholesky and the QR gradient, against what TF
2.21 compat.v1 gives for the same programs (tests/record_tf_linalg.py); values and numerical
gradients of every op are in the op table (tests/op_specs/linalg_specs.py)."""

import numpy as np
import pytest

import minitf as tf


def test_op_names_and_static_shapes_are_tfs():
    a = tf.placeholder(tf.float32, [None, 3, 3])
    b = tf.placeholder(tf.float32, [None, 3, 2])
    got = {k: [(t.name, t.op.type, t.shape.as_list()) for t in (v if isinstance(v, tuple)
                                                                else (v,))]
           for k, v in dict(
               inv=tf.matrix_inverse(a), det=tf.matrix_determinant(a),
               slog=tf.linalg.slogdet(a), solve=tf.matrix_solve(a, b),
               tri=tf.matrix_triangular_solve(a, b), chol=tf.cholesky(a),
               band=tf.matrix_band_part(a, 1, 0), logdet=tf.linalg.logdet(a),
               cholsolve=tf.cholesky_solve(a, b)).items()}
    assert got == {
        "inv": [("MatrixInverse:0", "MatrixInverse", [None, 3, 3])],
        "det": [("MatrixDeterminant:0", "MatrixDeterminant", [None])],
        "slog": [("LogMatrixDeterminant:0", "LogMatrixDeterminant", [None]),
                 ("LogMatrixDeterminant:1", "LogMatrixDeterminant", [None])],
        "solve": [("MatrixSolve:0", "MatrixSolve", [None, 3, 2])],
        "tri": [("triangular_solve/MatrixTriangularSolve:0", "MatrixTriangularSolve",
                 [None, 3, 2])],
        "chol": [("Cholesky:0", "Cholesky", [None, 3, 3])],
        "band": [("MatrixBandPart:0", "MatrixBandPart", [None, 3, 3])],
        "logdet": [("logdet/mul:0", "Mul", [None])],
        "cholsolve": [("cholesky_solve/MatrixTriangularSolve_1:0", "MatrixTriangularSolve",
                       [None, 3, 2])],
    }


def test_qr_gradient_is_tfs():
    rng = np.random.RandomState(0)
    x, w1, w2 = rng.randn(5, 3), rng.randn(5, 3), rng.randn(3, 3)
    xt = tf.constant(x)
    q, r = tf.qr(xt)
    loss = tf.reduce_sum(q * w1) + tf.reduce_sum(r * w2)
    with tf.Session() as sess:
        got = sess.run(tf.gradients(loss, xt)[0])
    np.testing.assert_allclose(got, [  # recorded from TF
        [0.44895, -0.462302, 0.442344], [-0.387839, -0.193895, 0.536495],
        [-0.25622, -0.668556, 0.167857], [-0.667832, 1.669447, -0.506095],
        [0.144688, 0.022172, 1.107311]], atol=2e-6)


def test_qr_gradient_of_a_wide_matrix_says_what_tf_1x_said():
    q, r = tf.qr(tf.ones([3, 5]))
    with pytest.raises(NotImplementedError, match="QrGrad not implemented when ncols > nrows"):
        tf.gradients(tf.reduce_sum(r), q.op.inputs[0])


@pytest.mark.parametrize("build, error, message", [
    (lambda p: tf.matrix_inverse(p([3, 2])), ValueError,
     "Dimensions must be equal, but are 3 and 2 for 'MatrixInverse' (op: 'MatrixInverse') "
     "with input shapes: [3,2]."),
    (lambda p: tf.matrix_inverse(p([3])), ValueError,
     "Shape must be at least rank 2 but is rank 1 for 'MatrixInverse'"),
    (lambda p: tf.matrix_determinant(p([3, 2])), ValueError,
     "Dimensions must be equal, but are 2 and 3 for 'MatrixDeterminant'"),
    (lambda p: tf.matrix_solve(p([3, 3]), p([2, 1])), ValueError,
     "Dimensions must be equal, but are 3 and 2 for 'MatrixSolve'"),
    (lambda p: tf.matrix_triangular_solve(p([3, 3]), p([2, 1])), ValueError,
     "Dimensions must be equal, but are 3 and 2 for 'triangular_solve/MatrixTriangularSolve'"),
    (lambda p: tf.cholesky(p([3, 2])), ValueError,
     "Dimensions must be equal, but are 3 and 2 for 'Cholesky'"),
    (lambda p: tf.matrix_inverse(tf.constant([[1, 2], [3, 4]])), TypeError,
     "Value passed to parameter 'input' has DataType int32 not in list of allowed values: "
     "float16, float32, float64, complex64, complex128"),
])
def test_build_time_errors_are_tfs(build, error, message):
    with pytest.raises(error) as info:
        build(lambda shape: tf.placeholder(tf.float32, shape))
    assert message in str(info.value)


@pytest.mark.parametrize("build, message", [
    (lambda: tf.matrix_inverse(tf.constant([[1., 2.], [2., 4.]])), "Input is not invertible."),
    (lambda: tf.matrix_solve(tf.constant([[1., 2.], [2., 4.]]), tf.ones([2, 1])),
     "Input matrix is not invertible."),
    # TF 1.x's message (TF 2.21's CPU kernel returns garbage instead)
    (lambda: tf.cholesky(tf.constant([[1., 2.], [2., 1.]])),
     "Cholesky decomposition was not successful. The input might not be valid."),
])
def test_run_time_errors_are_tfs_and_change_nothing(build, message):
    v = tf.Variable(1.0)
    bad = build()
    step = tf.assign_add(v, 1.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            sess.run([step, bad])
        assert sess.run(v) == 1.0


def test_closed_form_linear_regression_as_the_tf1_cookbook_writes_it():
    """Least squares by the normal equations, once with matrix_inverse and once through a
    Cholesky factor (the classic 'TensorFlow Machine Learning Cookbook' recipes)."""
    rng = np.random.RandomState(1)
    x_vals = np.linspace(0, 10, 100)
    y_vals = x_vals * 1.5 + 2 + rng.normal(0, 1, 100)
    A = np.column_stack([x_vals, np.ones(100)])
    b = y_vals.reshape(-1, 1)
    A_t, b_t = tf.constant(A), tf.constant(b)
    tA_A = tf.matmul(tf.transpose(A_t), A_t)
    by_inverse = tf.matmul(tf.matmul(tf.matrix_inverse(tA_A), tf.transpose(A_t)), b_t)
    L = tf.cholesky(tA_A)
    sol1 = tf.matrix_solve(L, tf.matmul(tf.transpose(A_t), b_t))
    by_cholesky = tf.matrix_solve(tf.transpose(L), sol1)
    expected = np.linalg.lstsq(A, b, rcond=None)[0]
    with tf.Session() as sess:
        for got in sess.run([by_inverse, by_cholesky]):
            np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_gradients_of_a_gaussian_log_likelihood_through_cholesky():
    """logdet and cholesky_solve under tf.gradients: d/dK of -1/2 (y^T K^-1 y + log|K|) is
    1/2 (K^-1 y y^T K^-1 - K^-1)."""
    rng = np.random.RandomState(2)
    m = rng.randn(4, 4)
    K_value = m @ m.T + 4 * np.eye(4)
    y_value = rng.randn(4, 1)
    K = tf.constant(K_value)
    alpha = tf.cholesky_solve(tf.cholesky(K), tf.constant(y_value))
    nll = 0.5 * tf.reduce_sum(y_value * alpha) + 0.5 * tf.linalg.logdet(K)
    (grad,) = tf.gradients(-nll, K)
    k_inv = np.linalg.inv(K_value)
    a = k_inv @ y_value
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(grad), 0.5 * (a @ a.T - k_inv), rtol=1e-8,
                                   atol=1e-10)
