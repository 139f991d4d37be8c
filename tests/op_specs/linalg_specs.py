"""Op table entries for linalg_ops (diagonals, cross, QR, band parts, inverses, determinants,
solves, Cholesky), SparseToDense and the truncating divisions."""

import numpy as np

import minitf as tf
from tests.op_specs.spec import Arg, OpSpec


def _np_matrix_diag(d, rows=None, cols=None):
    k = d.shape[-1]
    out = np.zeros(d.shape[:-1] + (rows or k, cols or k), d.dtype)
    for i in range(k):
        out[..., i, i] = d[..., i]
    return out


def _np_set_diag(x, d):
    out = x.copy()
    for i in range(d.shape[-1]):
        out[..., i, i] = d[..., i]
    return out


def _np_sparse_to_dense(values, default):
    out = np.full((3, 4), default, values.dtype)
    out[[0, 1, 2], [1, 0, 3]] = values
    return out


def _np_qr(x):
    q, r = np.linalg.qr(x)
    return [q, r]


def _np_band(x, lower, upper):
    m, n = x.shape[-2:]
    below = np.arange(m)[:, None] - np.arange(n)[None, :]
    keep = np.ones((m, n), bool)
    if lower >= 0:
        keep &= below <= lower
    if upper >= 0:
        keep &= -below <= upper
    return np.where(keep, x, 0).astype(x.dtype)


def _conditioned(x):  # a well-conditioned square matrix from any input
    return x + 4 * np.eye(x.shape[-1], dtype=x.dtype)


def _tf_conditioned(x):
    return x + 4 * tf.eye(int(x.shape[-1]), dtype=x.dtype)


def _spd(x):  # a symmetric positive-definite matrix from any square input
    return x @ np.swapaxes(x, -1, -2) + x.shape[-1] * np.eye(x.shape[-1], dtype=x.dtype)


def _tf_spd(x):
    return tf.matmul(x, x, transpose_b=True) + int(x.shape[-1]) * tf.eye(int(x.shape[-1]),
                                                                         dtype=x.dtype)


def _np_slogdet(x):
    sign, logdet = np.linalg.slogdet(_conditioned(x))
    return [sign.astype(x.dtype), logdet.astype(x.dtype)]


def _np_truncatediv(x, y):
    return (np.trunc(x / y)).astype(x.dtype) if x.dtype.kind in "iu" else x / y


def _np_svd_squares(x, full=False):
    u, s, vh = np.linalg.svd(x, full_matrices=full)
    return [s, u * u, np.swapaxes(vh, -1, -2) ** 2]


def _tf_svd_squares(x, full=False):
    s, u, v = tf.svd(x, full_matrices=full)
    return [s, u * u, v * v]


def _np_eigh_squares(x):
    e, v = np.linalg.eigh(_spd(x))
    return [e, v * v]


def _tf_eigh_squares(x):
    e, v = tf.self_adjoint_eig(_tf_spd(x))
    return [e, v * v]


def _np_sqrtm(x):
    e, v = np.linalg.eigh(_spd(x))
    return (v * np.sqrt(e)[..., None, :]) @ np.swapaxes(v, -1, -2)


def _np_expm(x):  # (a second method: the eigendecomposition; these matrices have one)
    w, v = np.linalg.eig(x.astype(np.float64))
    return np.real((v * np.exp(w)[..., None, :]) @ np.linalg.inv(v)).astype(x.dtype)


def _np_lu(x):  # Doolittle with partial pivoting, one matrix at a time
    a = x.astype(np.float64).copy()
    n = a.shape[-1]
    perm = np.arange(n)
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))
        a[[k, p]], perm[[k, p]] = a[[p, k]], perm[[p, k]]
        a[k + 1:, k] /= a[k, k]
        a[k + 1:, k + 1:] -= np.outer(a[k + 1:, k], a[k, k + 1:])
    return [a.astype(x.dtype), perm.astype(np.int32)]


_LU_MATRIX = np.array([[1.0, 4.0, -2.0], [3.0, 0.5, 1.0], [-2.0, 1.0, 5.0]])


def _np_lstsq(a, b):
    return np.linalg.lstsq(a.astype(np.float64), b.astype(np.float64), rcond=None)[0].astype(
        a.dtype)


SPECS = [
    OpSpec("svd/tall", _tf_svd_squares, _np_svd_squares, [Arg((4, 3))], rtol=1e-4, atol=1e-5),
    OpSpec("svd/wide_batched", _tf_svd_squares, _np_svd_squares,
           [Arg((2, 3, 4), static=(None, 3, 4))], rtol=1e-4, atol=1e-5),
    OpSpec("svd/full_matrices", lambda x: _tf_svd_squares(x, True),
           lambda x: _np_svd_squares(x, True), [Arg((3, 2))], rtol=1e-4, atol=1e-5),
    OpSpec("svd/values_only", lambda x: tf.svd(x, compute_uv=False),
           lambda x: np.linalg.svd(x, compute_uv=False), [Arg((2, 3, 3))], rtol=1e-4,
           atol=1e-5),
    OpSpec("self_adjoint_eig", _tf_eigh_squares, _np_eigh_squares,
           [Arg((2, 3, 3), static=(None, 3, 3))], rtol=1e-4, atol=1e-5),
    OpSpec("self_adjoint_eigvals", lambda x: tf.self_adjoint_eigvals(_tf_spd(x)),
           lambda x: np.linalg.eigvalsh(_spd(x)), [Arg((4, 4))], rtol=1e-4, atol=1e-5),
    OpSpec("matrix_solve_ls/fast", tf.matrix_solve_ls, _np_lstsq, [Arg((5, 3)), Arg((5, 2))],
           rtol=1e-4, atol=1e-5),
    OpSpec("matrix_solve_ls/minimum_norm", lambda a, b: tf.matrix_solve_ls(a, b, fast=False),
           lambda a, b: (np.linalg.pinv(a.astype(np.float64)) @ b).astype(a.dtype),
           [Arg((2, 3, 5)), Arg((2, 3, 2))], grad=False, rtol=1e-4, atol=1e-5),
    OpSpec("matrix_square_root", lambda x: tf.linalg.sqrtm(_tf_spd(x)), _np_sqrtm,
           [Arg((2, 3, 3))], rtol=1e-4, atol=1e-5),
    OpSpec("matrix_exponential", tf.linalg.expm, _np_expm, [Arg((2, 3, 3),
                                                                static=(None, 3, 3))],
           rtol=1e-4, atol=1e-5),
    OpSpec("lu", lambda x: list(tf.linalg.lu(x)), _np_lu, [Arg((4, 4))], grad=False,
           rtol=1e-5, atol=1e-6),
    OpSpec("lu_solve", lambda b: tf.linalg.lu_solve(*tf.linalg.lu(tf.constant(
        _LU_MATRIX, b.dtype)), b), lambda b: np.linalg.solve(_LU_MATRIX, b).astype(b.dtype),
           [Arg((3, 2))], rtol=1e-4, atol=1e-5),
    OpSpec("pinv", tf.linalg.pinv, lambda x: np.linalg.pinv(x), [Arg((4, 3))], rtol=1e-4,
           atol=1e-5),
    OpSpec("matrix_diag", tf.matrix_diag, _np_matrix_diag, [Arg((2, 3), static=(None, 3))]),
    OpSpec("matrix_diag/vector", tf.matrix_diag, _np_matrix_diag, [Arg((4,))]),
    OpSpec("matrix_diag/eye_rectangular", lambda x: tf.eye(2, 3, batch_shape=[2], dtype=x.dtype) * x,
           lambda x: _np_matrix_diag(np.ones((2, 2), np.float32), 2, 3) * x, [Arg((2, 1, 1))]),
    OpSpec("matrix_diag_part", tf.matrix_diag_part,
           lambda x: np.diagonal(x, axis1=-2, axis2=-1), [Arg((2, 3, 4), static=(2, None, 4))]),
    OpSpec("matrix_diag_part/tall", tf.matrix_diag_part,
           lambda x: np.diagonal(x, axis1=-2, axis2=-1), [Arg((4, 3))]),
    OpSpec("matrix_set_diag", tf.matrix_set_diag, _np_set_diag,
           [Arg((2, 4, 3), static=(None, 4, None)), Arg((2, 3))]),
    OpSpec("trace", tf.trace, lambda x: np.trace(x, axis1=-2, axis2=-1), [Arg((2, 3, 3))]),
    OpSpec("diag", tf.diag, lambda d: np.diag(d.ravel()).reshape(d.shape + d.shape),
           [Arg((2, 3))]),
    OpSpec("diag_part", tf.diag_part,
           lambda x: np.diagonal(x.reshape(6, 6)).reshape(2, 3), [Arg((2, 3, 2, 3))]),
    OpSpec("cross", tf.cross, np.cross, [Arg((4, 3), static=(None, 3)), Arg((4, 3))]),
    OpSpec("qr", lambda x: list(tf.qr(x)), _np_qr, [Arg((5, 3))], rtol=1e-4, atol=1e-5),
    OpSpec("qr/square_batched", lambda x: list(tf.qr(x, full_matrices=True)), _np_qr,
           [Arg((2, 3, 3))], rtol=1e-4, atol=1e-5),
    OpSpec("matrix_band_part", lambda x: tf.matrix_band_part(x, 1, 2),
           lambda x: _np_band(x, 1, 2), [Arg((2, 4, 5), static=(None, 4, None))]),
    OpSpec("matrix_band_part/lower_triangle", lambda x: tf.linalg.band_part(x, -1, 0),
           lambda x: _np_band(x, -1, 0), [Arg((5, 3))]),
    OpSpec("matrix_band_part/upper_triangle", lambda x: tf.matrix_band_part(x, 0, -1),
           lambda x: _np_band(x, 0, -1), [Arg((3, 4))]),
    OpSpec("matrix_band_part/diagonal", lambda x: tf.matrix_band_part(x, 0, 0),
           lambda x: _np_band(x, 0, 0), [Arg((2, 3, 3))]),
    OpSpec("matrix_inverse", lambda x: tf.matrix_inverse(_tf_conditioned(x)),
           lambda x: np.linalg.inv(_conditioned(x)), [Arg((2, 3, 3), static=(None, 3, 3))],
           rtol=1e-4, atol=1e-5),
    OpSpec("matrix_inverse/adjoint", lambda x: tf.linalg.inv(_tf_conditioned(x), adjoint=True),
           lambda x: np.swapaxes(np.linalg.inv(_conditioned(x)), -1, -2), [Arg((4, 4))],
           rtol=1e-4, atol=1e-5),
    OpSpec("matrix_determinant", lambda x: tf.matrix_determinant(_tf_conditioned(x)),
           lambda x: np.linalg.det(_conditioned(x)).astype(x.dtype), [Arg((2, 3, 3))],
           rtol=1e-4),
    OpSpec("log_matrix_determinant", lambda x: list(tf.linalg.slogdet(_tf_conditioned(x))),
           _np_slogdet, [Arg((2, 3, 3), static=(None, 3, 3))], rtol=1e-4),
    OpSpec("matrix_solve", lambda a, b: tf.matrix_solve(_tf_conditioned(a), b),
           lambda a, b: np.linalg.solve(_conditioned(a), b), [Arg((2, 3, 3)), Arg((2, 3, 2))],
           rtol=1e-4, atol=1e-5),
    OpSpec("matrix_solve/adjoint", lambda a, b: tf.linalg.solve(_tf_conditioned(a), b, True),
           lambda a, b: np.linalg.solve(np.swapaxes(_conditioned(a), -1, -2), b),
           [Arg((3, 3)), Arg((3, 4), static=(3, None))], rtol=1e-4, atol=1e-5),
    OpSpec("matrix_triangular_solve", lambda a, b: tf.matrix_triangular_solve(
        _tf_conditioned(a), b), lambda a, b: np.linalg.solve(np.tril(_conditioned(a)), b),
           [Arg((2, 3, 3)), Arg((2, 3, 2))], rtol=1e-4, atol=1e-5),
    OpSpec("matrix_triangular_solve/upper_adjoint", lambda a, b: tf.linalg.triangular_solve(
        _tf_conditioned(a), b, lower=False, adjoint=True),
           lambda a, b: np.linalg.solve(np.triu(_conditioned(a)).T, b),
           [Arg((4, 4)), Arg((4, 1))], rtol=1e-4, atol=1e-5),
    OpSpec("cholesky", lambda x: tf.cholesky(_tf_spd(x)),
           lambda x: np.linalg.cholesky(_spd(x)), [Arg((2, 3, 3), static=(None, 3, 3))],
           rtol=1e-4, atol=1e-5),
    OpSpec("cholesky_solve", lambda x, b: tf.cholesky_solve(tf.linalg.cholesky(_tf_spd(x)), b),
           lambda x, b: np.linalg.solve(_spd(x), b), [Arg((3, 3)), Arg((3, 2))],
           rtol=1e-4, atol=1e-5),
    OpSpec("logdet", lambda x: tf.linalg.logdet(_tf_spd(x)),
           lambda x: np.linalg.slogdet(_spd(x))[1].astype(x.dtype), [Arg((2, 4, 4))],
           rtol=1e-4),
    OpSpec("qr/wide_batched", lambda x: list(tf.qr(x)), _np_qr, [Arg((2, 3, 4))],
           grad=False, rtol=1e-4, atol=1e-5),
    OpSpec("qr/full_matrices", lambda x: list(tf.qr(x, full_matrices=True)),
           lambda x: list(np.linalg.qr(x, mode="complete")), [Arg((4, 2))], grad=False,
           rtol=1e-4, atol=1e-5),
    OpSpec("sparse_to_dense", lambda v, d: tf.sparse_to_dense([[0, 1], [1, 0], [2, 3]], [3, 4],
                                                            v, d),
           _np_sparse_to_dense, [Arg((3,)), Arg(())]),
    OpSpec("sparse_to_dense/sparse_tensor", lambda v: tf.sparse_tensor_to_dense(
        tf.SparseTensor([[0, 1], [1, 0], [2, 3]], v, [3, 4])),
           lambda v: _np_sparse_to_dense(v, 0), [Arg((3,), static=(None,))]),
    OpSpec("truncatediv/int", tf.truncatediv, _np_truncatediv,
           [Arg((6,), "int32", values=[-7, 7, -7, 7, 6, -1]),
            Arg((6,), "int32", values=[5, -5, -5, 5, 3, 4])], grad=False),
    OpSpec("truncatediv/float", tf.truncatediv, np.true_divide,
           [Arg((3, 4)), Arg((4,), low=0.5, high=2.0)], grad=False),
    OpSpec("truncatemod/int", tf.truncatemod, np.fmod,
           [Arg((5,), "int64", values=[-7, 7, -7, 7, 0]),
            Arg((5,), "int64", values=[5, -5, -5, 5, 3])], grad=False),
    OpSpec("truncatemod/float", tf.truncatemod, np.fmod,
           [Arg((3, 4)), Arg((3, 4), low=0.5, high=2.0)], grad=False),
]
