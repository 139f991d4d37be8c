"""Linear-algebra ops TF1 programs use: diagonals (tf.diag, tf.matrix_diag...), tf.cross,
tf.qr, band parts, inverses, determinants, solves and Cholesky factors (each with its
gradient), and the compositions built on them (matrix_transpose, trace, eye, logdet,
cholesky_solve)."""

from collections import namedtuple

import numpy as np

from minitf import backend, dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape, format_dims
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor import Tensor
from minitf.ops.array_ops import (expand_dims, ones, ones_like, reshape, squeeze, transpose,
                                  zeros, zeros_like)
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.elementwise import where
from minitf.ops.join_split import concat
from minitf.ops.math_ops import cast, log, matmul, reduce_max, reduce_sum
from minitf.ops.ranges import one_hot
from minitf.ops.reductions import norm
from minitf.ops.op_util import check_dtype, rank_error, type_mismatch_error

__all__ = ["diag", "diag_part", "matrix_diag", "matrix_diag_part", "matrix_set_diag",
           "matrix_transpose", "trace",
           "cross", "qr", "eye",
           "matrix_band_part", "matrix_inverse", "matrix_determinant", "log_matrix_determinant",
           "matrix_solve", "matrix_triangular_solve", "cholesky", "cholesky_solve",
           "svd", "self_adjoint_eig", "self_adjoint_eigvals", "matrix_solve_ls",
           "matrix_square_root"]  # (the rest are tf.linalg's alone: minitf/namespaces.py)


def _rank_at_least(op_type, x, rank):
    dims = x.shape.as_tuple()
    if dims is not None and len(dims) < rank:
        raise rank_error(rank, len(dims), at_least=True)
    return dims


@register
class MatrixDiag(OpDef):
    """[..., k] diagonals -> [..., rows, cols] matrices (rows = cols = k unless given)."""

    num_rows: int = -1
    num_cols: int = -1

    def _size(self, k):
        rows = self.num_rows if self.num_rows >= 0 else k
        cols = self.num_cols if self.num_cols >= 0 else k
        return rows, cols

    def infer(self, d):
        dims = _rank_at_least(self.type_name, d, 1)
        if dims is None:
            return TensorSpec(None, d.dtype)
        k = dims[-1]
        rows, cols = self._size(k) if k is not None else (None, None)
        return TensorSpec(dims[:-1] + (rows, cols), d.dtype)

    def compute(self, xp, d):
        k = d.shape[-1]
        rows, cols = self._size(k)
        if min(rows, cols) != k:
            raise ValueError("The diagonal has %d entries but the %dx%d matrices have %d"
                             % (k, rows, cols, min(rows, cols)))
        out = xp.zeros(d.shape[:-1] + (rows, cols), d.dtype)
        idx = xp.arange(k)
        out[..., idx, idx] = d
        return out

    def grad(self, op, dy):
        return [matrix_diag_part(dy)]


@register
class MatrixDiagPart(OpDef):
    """[..., rows, cols] -> [..., min(rows, cols)]: the main diagonals."""

    def infer(self, x):
        dims = _rank_at_least(self.type_name, x, 2)
        if dims is None:
            return TensorSpec(None, x.dtype)
        rows, cols = dims[-2:]
        k = None if rows is None or cols is None else min(rows, cols)
        return TensorSpec(dims[:-2] + (k,), x.dtype)

    def compute(self, xp, x):
        return xp.diagonal(x, axis1=-2, axis2=-1).copy()

    def grad(self, op, dy):
        return [matrix_set_diag(zeros_like(op.inputs[0]), dy)]


@register
class MatrixSetDiag(OpDef):
    """[..., m, n] matrices with their main diagonals replaced by [..., min(m, n)] values."""

    def infer(self, x, d):
        dims = _rank_at_least(self.type_name, x, 2)
        if d.dtype is not x.dtype:
            raise TypeError("Input 'diagonal' of 'MatrixSetDiag' Op has type %s that does not "
                            "match type %s of argument 'input'" % (d.dtype.name, x.dtype.name))
        if dims is not None and d.shape.ndims is not None:
            rows, cols = dims[-2:]
            k = None if rows is None or cols is None else min(rows, cols)
            if not d.shape.is_compatible_with(TensorShape(dims[:-2] + (k,))):
                raise ValueError("diagonal must have shape %s for input shape %s, got %s"
                                 % (format_dims(dims[:-2] + (k,)), x.shape, d.shape))
        return TensorSpec(dims, x.dtype)

    def compute(self, xp, x, d):
        k = min(x.shape[-2:])
        if d.shape != x.shape[:-2] + (k,):
            raise ValueError("diagonal must have shape %s, got %s"
                             % (list(x.shape[:-2] + (k,)), list(d.shape)))
        out = x.copy()
        idx = xp.arange(k)
        out[..., idx, idx] = d
        return out

    def grad(self, op, dy):
        return [matrix_set_diag(dy, zeros_like(op.inputs[1])), matrix_diag_part(dy)]


@register
class Diag(OpDef):
    """tf.diag: a rank-k diagonal -> the rank-2k tensor with it on the diagonal."""

    def infer(self, d):
        dims = d.shape.as_tuple()
        if dims is not None and not dims:
            raise rank_error(1, 0, " for 'Diag' with input shape []", at_least=True)
        return TensorSpec(None if dims is None else dims + dims, d.dtype)

    def compute(self, xp, d):
        flat = d.reshape(-1)
        return xp.diag(flat).reshape(d.shape + d.shape)

    def grad(self, op, dy):
        return [diag_part(dy)]


@register
class DiagPart(OpDef):
    """tf.diag_part: the inverse of tf.diag, for a [s..., s...] input."""

    def infer(self, x):
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, x.dtype)
        half = len(dims) // 2
        if not dims or len(dims) % 2:
            raise ValueError("Input must have even rank (got rank %d) for 'DiagPart' with input "
                             "shape %s" % (len(dims), x.shape))
        for a, b in zip(dims[:half], dims[half:]):
            if a is not None and b is not None and a != b:
                raise ValueError("Invalid shape %s for 'DiagPart': dimensions %d and %d of the "
                                 "two halves differ" % (x.shape, a, b))
        return TensorSpec(tuple(a if a is not None else b
                                for a, b in zip(dims[:half], dims[half:])), x.dtype)

    def compute(self, xp, x):
        half = x.ndim // 2
        shape = x.shape[:half]
        n = int(xp.prod(xp.asarray(shape))) if shape else 1
        return xp.diagonal(x.reshape(n, n)).reshape(shape).copy()

    def grad(self, op, dy):
        return [diag(dy)]


@register
class Cross(OpDef):
    """tf.cross: the cross product of two [..., 3] tensors of one shape."""

    supports_out = False

    def infer(self, a, b):
        if a.dtype is not b.dtype:
            raise type_mismatch_error("Cross", "b", b.dtype, "a", a.dtype)
        check_dtype(self.type_name, a.dtype, "ordered")
        if not a.shape.is_compatible_with(b.shape):
            raise ValueError("Dimensions must be equal for 'Cross' with input shapes: %s, %s"
                             % (a.shape, b.shape))
        dims = a.shape.merge_with(b.shape).as_tuple()
        if dims is not None:
            if not dims or dims[-1] not in (None, 3):
                raise ValueError("Dimension must be 3 but is %s for 'Cross' with input shapes: "
                                 "%s, %s" % (dims[-1] if dims else "rank 0", a.shape, b.shape))
        return TensorSpec(dims, a.dtype)

    def compute(self, xp, a, b):
        if a.shape != b.shape or a.shape[-1:] != (3,):
            raise ValueError("Cross needs inputs of one shape [..., 3], got %s and %s"
                             % (list(a.shape), list(b.shape)))
        return xp.cross(a, b)

    def grad(self, op, dy):
        a, b = op.inputs
        return [cross(b, dy), cross(dy, a)]


@register
class Qr(OpDef):
    """tf.qr: (q, r) with q orthonormal columns and r upper triangular, per [..., m, n] matrix
    (reduced unless full_matrices). Differentiable where TF 1.x's QrGrad is: m >= n, static
    shapes, and full_matrices only for square matrices."""

    full_matrices: bool = False

    def infer(self, x):
        dims = _rank_at_least(self.type_name, x, 2)
        check_dtype(self.type_name, x.dtype, "float")
        if dims is None:
            return [TensorSpec(None, x.dtype), TensorSpec(None, x.dtype)]
        m, n = dims[-2:]
        k = m if self.full_matrices else (None if m is None or n is None else min(m, n))
        return [TensorSpec(dims[:-2] + (m, k), x.dtype),
                TensorSpec(dims[:-2] + (k, n), x.dtype)]

    def compute(self, xp, x):
        q, r = xp.linalg.qr(x, mode="complete" if self.full_matrices else "reduced")
        return q.astype(x.dtype, copy=False), r.astype(x.dtype, copy=False)

    def grad(self, op, dq, dr):
        q, r = op.outputs
        dims = r.shape.as_tuple()
        if dims is None or dims[-2] is None or dims[-1] is None:
            raise NotImplementedError("QrGrad not implemented with dynamic shapes.")
        if dims[-2] != dims[-1]:
            raise NotImplementedError("QrGrad not implemented when ncols > nrows or "
                                      "full_matrices is true and ncols != nrows.")
        dq = zeros_like(q) if dq is None else dq
        dr = zeros_like(r) if dr is None else dr
        # With A = QR, the part of dA seen through R and the part seen through Q's
        # orthogonality constraint meet in a lower-triangular "tril" term (Walter and
        # Lehmann's QR derivative).
        qdq = matmul(q, dq, transpose_a=True)
        rdr = matmul(r, dr, transpose_b=True)
        tril = matrix_band_part(qdq - matrix_transpose(qdq) + rdr - matrix_transpose(rdr), -1, 0)
        through_r = matmul(q, dr + _solve_right_upper(tril, r))
        through_q = _solve_right_upper(dq - matmul(q, qdq), r)
        return [through_r + through_q]


def _solve_right_upper(x, r):
    """x @ inv(r)^T for upper-triangular r: the transpose of the solve r @ y = x^T."""
    return matrix_transpose(matrix_triangular_solve(r, matrix_transpose(x), lower=False))


def _square(op_type, x, names=None):
    """The static dims of a batch of square matrices; TF's build-time messages otherwise."""
    dims = _rank_at_least(op_type, x, 2)
    if dims is not None and None not in dims[-2:] and dims[-2] != dims[-1]:
        first, second = dims[-2:] if op_type != "MatrixDeterminant" else dims[:-3:-1]
        raise ValueError("Dimensions must be equal, but are %d and %d" % (first, second))
    return dims


def _check_square_kernel(x):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError("Input matrix must be square, got shape %s" % (list(x.shape),))


class _SquareFunction(OpDef):
    """An op from each float [..., n, n] matrix to another of the same shape."""

    def infer(self, x):
        check_dtype(None, x.dtype, "float", arg="input")
        return TensorSpec(_square(self.type_name, x), x.dtype)


@register
class MatrixBandPart(OpDef):
    """tf.matrix_band_part(input, num_lower, num_upper): each inner matrix with the entries
    more than num_lower below or num_upper above the diagonal set to zero (negative: keep all
    of that triangle)."""

    host_inputs = (1, 2)
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tindex", 1)))

    def infer(self, x, num_lower, num_upper):
        _rank_at_least(self.type_name, x, 2)
        for t, name in ((num_lower, "num_lower"), (num_upper, "num_upper")):
            if t.shape.ndims not in (None, 0):
                raise ValueError("Shape must be rank 0 but is rank %d for 'MatrixBandPart' "
                                 "(%s) with input shapes: %s, %s, %s." % (
                                     t.shape.ndims, name, x.shape, num_lower.shape,
                                     num_upper.shape))
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x, num_lower, num_upper):
        lower, upper = int(num_lower), int(num_upper)
        m, n = x.shape[-2:]
        if lower > m or upper > n:
            raise ValueError("num_lower must be negative or less or equal to number of rows "
                             "(%d) got: %d" % (m, lower) if lower > m else
                             "num_upper must be negative or less or equal to number of columns "
                             "(%d) got: %d" % (n, upper))
        below = xp.arange(m)[:, None] - xp.arange(n)[None, :]  # row - column
        keep = xp.ones((m, n), dtype=bool)
        if lower >= 0:
            keep &= below <= lower
        if upper >= 0:
            keep &= -below <= upper
        return xp.where(keep, x, xp.zeros((), x.dtype))

    def grad(self, op, dy):
        _, num_lower, num_upper = op.inputs
        return [matrix_band_part(dy, num_lower, num_upper), None, None]


@register
class MatrixInverse(_SquareFunction):
    """tf.matrix_inverse / tf.linalg.inv: the inverse of each [..., n, n] matrix (of its
    adjoint when `adjoint`); a singular one is TF's InvalidArgumentError."""

    adjoint: bool = False

    def compute(self, xp, x):
        _check_square_kernel(x)
        try:
            with backend.linalg_errors(xp):
                y = xp.linalg.inv(x)
        except backend.LinAlgError:
            raise ValueError("Input is not invertible.") from None
        y = y.astype(x.dtype, copy=False)
        return xp.swapaxes(y, -1, -2) if self.adjoint else y

    def grad(self, op, dy):
        y = op.outputs[0]
        # d(inv A) = -inv(A) dA inv(A); for the adjoint the roles of the two sides swap
        if self.adjoint:
            return [-matmul(y, matmul(dy, y, transpose_a=True))]
        return [-matmul(y, matmul(dy, y, transpose_b=True), transpose_a=True)]


@register
class MatrixDeterminant(OpDef):
    """tf.matrix_determinant / tf.linalg.det: the determinant of each [..., n, n] matrix."""

    def infer(self, x):
        check_dtype(None, x.dtype, "float", arg="input")
        dims = _square(self.type_name, x)
        return TensorSpec(None if dims is None else dims[:-2], x.dtype)

    def compute(self, xp, x):
        _check_square_kernel(x)
        return xp.asarray(xp.linalg.det(x), dtype=x.dtype)

    def grad(self, op, dy):
        # d det(A) = det(A) tr(inv(A) dA)
        x, det = op.inputs[0], op.outputs[0]
        scale = expand_dims(expand_dims(dy * det, -1), -1)
        return [scale * matrix_inverse(x, adjoint=True)]


@register
class LogMatrixDeterminant(OpDef):
    """tf.linalg.slogdet: (sign, log|det|) of each [..., n, n] matrix."""

    def infer(self, x):
        check_dtype(None, x.dtype, "float", arg="input")
        dims = _square(self.type_name, x)
        batch = None if dims is None else dims[:-2]
        return [TensorSpec(batch, x.dtype), TensorSpec(batch, x.dtype)]

    def compute(self, xp, x):
        _check_square_kernel(x)
        sign, logdet = xp.linalg.slogdet(x)
        return xp.asarray(sign, dtype=x.dtype), xp.asarray(logdet, dtype=x.dtype)

    def grad(self, op, dsign, dlogdet):
        # d log|det A| = tr(inv(A) dA); the sign is piecewise constant
        if dlogdet is None:
            return [None]
        return [expand_dims(expand_dims(dlogdet, -1), -1)
                * matrix_inverse(op.inputs[0], adjoint=True)]


def _check_rhs(op_type, matrix, rhs):
    if matrix.dtype is not rhs.dtype:
        raise type_mismatch_error(op_type, "rhs", rhs.dtype, "matrix", matrix.dtype)
    check_dtype(None, matrix.dtype, "float", arg="matrix")
    dims = _square(op_type, matrix)
    rdims = _rank_at_least(op_type, rhs, 2)
    if dims is not None and rdims is not None:
        if None not in (dims[-1], rdims[-2]) and dims[-1] != rdims[-2]:
            raise ValueError("Dimensions must be equal, but are %d and %d"
                             % (dims[-1], rdims[-2]))
        batch = TensorShape(dims[:-2]).merge_with(TensorShape(rdims[:-2])).as_tuple() \
            if len(dims) == len(rdims) else rdims[:-2]
        return TensorSpec(batch + (dims[-1] if dims[-1] is not None else rdims[-2], rdims[-1]),
                          rhs.dtype)
    return TensorSpec(None, rhs.dtype)


def _check_rhs_kernel(matrix, rhs):
    _check_square_kernel(matrix)
    if rhs.ndim != matrix.ndim or rhs.shape[-2] != matrix.shape[-1]:
        raise ValueError("Input matrix and right-hand side must have the same number of rows, "
                         "got shapes %s and %s" % (list(matrix.shape), list(rhs.shape)))


class _Solve(OpDef):
    """X with system(matrix) @ X = rhs for each [..., n, n] matrix and [..., n, k] right-hand
    side; `adjoint` solves with the transposed system."""

    adjoint: bool = False

    def infer(self, matrix, rhs):
        return _check_rhs(self.type_name, matrix, rhs)

    def system(self, xp, matrix):
        return matrix

    def compute(self, xp, matrix, rhs):
        _check_rhs_kernel(matrix, rhs)
        a = self.system(xp, matrix)
        if self.adjoint:
            a = xp.swapaxes(a, -1, -2)
        try:
            with backend.linalg_errors(xp):
                return xp.linalg.solve(a, rhs).astype(rhs.dtype, copy=False)
        except backend.LinAlgError:
            raise ValueError("Input matrix is not invertible.") from None

    def grad(self, op, dy):
        # X = A^-1 B: dB = A^-T dY (a solve with the other adjoint), dA = -dB X^T
        matrix, x = op.inputs[0], op.outputs[0]
        drhs = self.solve_other_way(matrix, dy)
        dmatrix = (-matmul(x, drhs, transpose_b=True) if self.adjoint
                   else -matmul(drhs, x, transpose_b=True))
        return [dmatrix, drhs]


@register
class MatrixSolve(_Solve):
    """tf.matrix_solve / tf.linalg.solve: X with matrix @ X = rhs (adjoint: matrix^T @ X =
    rhs)."""

    def solve_other_way(self, matrix, dy):
        return matrix_solve(matrix, dy, adjoint=not self.adjoint)


@register
class MatrixTriangularSolve(_Solve):
    """tf.matrix_triangular_solve / tf.linalg.triangular_solve: X with T @ X = rhs where T is
    the lower (or upper) triangle of each matrix (adjoint: T^T @ X = rhs); the other triangle
    is never read, so it gets no gradient."""

    lower: bool = True

    def system(self, xp, matrix):
        return xp.tril(matrix) if self.lower else xp.triu(matrix)

    def solve_other_way(self, matrix, dy):
        return matrix_triangular_solve(matrix, dy, lower=self.lower, adjoint=not self.adjoint)

    def grad(self, op, dy):
        dmatrix, drhs = super().grad(op, dy)
        band = (-1, 0) if self.lower else (0, -1)
        return [matrix_band_part(dmatrix, *band), drhs]


@register
class Cholesky(_SquareFunction):
    """tf.cholesky / tf.linalg.cholesky: the lower-triangular L with L @ L^T = A for each
    symmetric positive-definite [..., n, n] matrix (only A's lower triangle is read). A matrix
    that is not positive definite is TF 1.x's InvalidArgumentError."""

    def compute(self, xp, x):
        _check_square_kernel(x)
        lower = xp.tril(x)
        symmetric = lower + xp.swapaxes(xp.tril(x, -1), -1, -2)
        try:
            with backend.linalg_errors(xp):
                result = xp.linalg.cholesky(symmetric)
        except backend.LinAlgError:
            raise ValueError("Cholesky decomposition was not successful. The input might not "
                             "be valid.") from None
        if not bool(xp.all(xp.isfinite(result))):  # cupy reports failure as NaNs
            raise ValueError("Cholesky decomposition was not successful. The input might not "
                             "be valid.")
        return result.astype(x.dtype, copy=False)

    def grad(self, op, dl):
        # For A = L L^T (Murray 2016): with P = Phi(L^T dL), Phi taking the lower triangle and
        # halving the diagonal, dA = sym(L^-T P L^-1), split evenly between the two triangles
        # A's symmetric entries came from.
        l = op.outputs[0]
        middle = matmul(l, dl, transpose_a=True)
        middle = matrix_band_part(middle, -1, 0) - 0.5 * matrix_diag(matrix_diag_part(middle))
        l_inv_t_middle = matrix_triangular_solve(l, middle, lower=True, adjoint=True)
        grad = matrix_transpose(matrix_triangular_solve(
            l, matrix_transpose(l_inv_t_middle), lower=True, adjoint=True))
        return [0.5 * (grad + matrix_transpose(grad))]


def matrix_diag(diagonal, name="diag"):
    """tf.matrix_diag / tf.linalg.diag: batched diagonal matrices from [..., k] diagonals."""
    return MatrixDiag()(convert_to_tensor(diagonal, name="diagonal"), name=name)


def matrix_diag_part(input, name="diag_part"):
    """tf.matrix_diag_part / tf.linalg.diag_part: the main diagonals of [..., m, n] matrices."""
    return MatrixDiagPart()(convert_to_tensor(input, name="input"), name=name)


def matrix_set_diag(input, diagonal, name="set_diag"):
    """tf.matrix_set_diag / tf.linalg.set_diag: `input` with its main diagonals replaced."""
    input = convert_to_tensor(input, name="input")
    diagonal = convert_to_tensor(diagonal, dtype=input.dtype, name="diagonal")
    return MatrixSetDiag()(input, diagonal, name=name)


def diag(diagonal, name="Diag"):
    """tf.diag / tf.linalg.tensor_diag: a tensor of rank 2k with `diagonal` (rank k) on its
    diagonal, zeros elsewhere."""
    return Diag()(convert_to_tensor(diagonal, name="diagonal"), name=name)


def diag_part(input, name="DiagPart"):
    """tf.diag_part / tf.linalg.tensor_diag_part: the inverse of tf.diag."""
    return DiagPart()(convert_to_tensor(input, name="input"), name=name)


def cross(a, b, name="Cross"):
    """tf.cross / tf.linalg.cross: the cross product along the last axis (of size 3)."""
    a = convert_to_tensor(a, name="a")
    b = convert_to_tensor(b, dtype=a.dtype, name="b")
    return Cross()(a, b, name=name)


def qr(input, full_matrices=False, name="Qr"):
    """tf.qr / tf.linalg.qr: (q, r) of each [..., m, n] matrix (no gradient in minitf)."""
    q, r = Qr(bool(full_matrices))(convert_to_tensor(input, name="input"), name=name)
    return q, r


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """tf.matrix_transpose / tf.linalg.transpose: swaps the last two axes."""
    with name_scope(name, "matrix_transpose", [a]):
        a = convert_to_tensor(a, name="a")
        rank = a.shape.ndims
        if rank is None:
            raise ValueError("matrix_transpose needs a tensor of known rank, got %s" % a.name)
        if rank < 2:
            raise ValueError("Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: %s"
                             % a.shape)
        perm = list(range(rank - 2)) + [rank - 1, rank - 2]
        return transpose(a, perm, conjugate=conjugate)


def trace(x, name=None):
    """tf.trace / tf.linalg.trace: the sum of the main diagonal of each [..., m, n] matrix."""
    with name_scope(name, "Trace", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        return reduce_sum(matrix_diag_part(x), [-1], name=scope)


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """tf.eye: identity matrices [*batch_shape, num_rows, num_columns] (Python sizes), built
    as TF builds them (ones set on the diagonal of zeros)."""
    with name_scope(name, "eye"):
        num_columns = num_rows if num_columns is None else num_columns
        batch = list(batch_shape or [])
        k = min(int(num_rows), int(num_columns))
        return matrix_set_diag(zeros(batch + [int(num_rows), int(num_columns)], dtype=dtype),
                               ones(batch + [k], dtype=dtype))


def matrix_band_part(input, num_lower, num_upper, name="MatrixBandPart"):
    """tf.matrix_band_part / tf.linalg.band_part: keeps a band around each matrix's diagonal
    (num_lower / num_upper diagonals below / above; negative: the whole triangle)."""
    input = convert_to_tensor(input, name="input")
    num_lower = convert_to_tensor(num_lower, dtype=dtypes.int64, name="num_lower")
    num_upper = convert_to_tensor(num_upper, dtype=dtypes.int64, name="num_upper")
    return MatrixBandPart()(input, num_lower, num_upper, name=name)


def matrix_inverse(input, adjoint=False, name="MatrixInverse"):
    """tf.matrix_inverse / tf.linalg.inv."""
    return MatrixInverse(bool(adjoint))(convert_to_tensor(input, name="input"), name=name)


def matrix_determinant(input, name="MatrixDeterminant"):
    """tf.matrix_determinant / tf.linalg.det."""
    return MatrixDeterminant()(convert_to_tensor(input, name="input"), name=name)


def log_matrix_determinant(input, name="LogMatrixDeterminant"):
    """tf.log_matrix_determinant / tf.linalg.slogdet: (sign, log|det|)."""
    sign, logdet = LogMatrixDeterminant()(convert_to_tensor(input, name="input"), name=name)
    return sign, logdet


def logdet(matrix, name=None):
    """tf.linalg.logdet: log(det(matrix)) of Hermitian positive-definite matrices, through
    their Cholesky factor (2 * sum(log(diag(L))))."""
    with name_scope(name, "logdet", [matrix]):
        chol = cholesky(matrix)
        return 2.0 * reduce_sum(log(matrix_diag_part(chol)), axis=[-1])


def matrix_solve(matrix, rhs, adjoint=False, name="MatrixSolve"):
    """tf.matrix_solve / tf.linalg.solve."""
    matrix = convert_to_tensor(matrix, name="matrix")
    rhs = convert_to_tensor(rhs, name="rhs")
    return MatrixSolve(adjoint=bool(adjoint))(matrix, rhs, name=name)


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """tf.matrix_triangular_solve / tf.linalg.triangular_solve (ops named as TF 2.x's compat.v1
    names them: triangular_solve/MatrixTriangularSolve)."""
    with name_scope(name, "triangular_solve", [matrix, rhs]):
        matrix = convert_to_tensor(matrix, name="matrix")
        rhs = convert_to_tensor(rhs, name="rhs")
        return MatrixTriangularSolve(lower=bool(lower), adjoint=bool(adjoint))(
            matrix, rhs, name="MatrixTriangularSolve")


def cholesky(input, name="Cholesky"):
    """tf.cholesky / tf.linalg.cholesky."""
    return Cholesky()(convert_to_tensor(input, name="input"), name=name)


def cholesky_solve(chol, rhs, name=None):
    """tf.cholesky_solve / tf.linalg.cholesky_solve: X with A @ X = rhs given A's Cholesky
    factor `chol` (two triangular solves)."""
    with name_scope(name, "cholesky_solve", [chol, rhs]):
        chol = convert_to_tensor(chol, name="chol")
        rhs = convert_to_tensor(rhs, name="rhs")
        y = MatrixTriangularSolve(lower=True)(chol, rhs, name="MatrixTriangularSolve")
        return MatrixTriangularSolve(lower=True, adjoint=True)(chol, y,
                                                               name="MatrixTriangularSolve")


# ---- decompositions, least squares and the functions built on them ------------------------

def _float_kernel_dtype(x):
    """The dtype a LAPACK-backed kernel computes in: float16 has no solver (TF's Eigen
    kernels compute half in float32 too)."""
    return "float32" if x.dtype.name == "float16" else x.dtype


@register
class Svd(OpDef):
    """tf.svd / tf.linalg.svd: (s, u, v) with tensor = u @ diag(s) @ v^T for each [..., m, n]
    matrix, s descending. Without compute_uv, u and v are empty ([0]) and only s is
    returned to the user. Singular vectors are defined up to sign: LAPACK's (numpy's) signs
    may differ from Eigen's (TF's)."""

    compute_uv: bool = True
    full_matrices: bool = False

    def infer(self, x):
        dims = _rank_at_least(self.type_name, x, 2)
        check_dtype(None, x.dtype, "float", arg="input")
        if not self.compute_uv:
            s = None if dims is None else dims[:-2] + (
                None if None in dims[-2:] else min(dims[-2:]),)
            return [TensorSpec(s, x.dtype), TensorSpec((0,), x.dtype),
                    TensorSpec((0,), x.dtype)]
        if dims is None:
            return [TensorSpec(None, x.dtype)] * 3
        batch, (m, n) = dims[:-2], dims[-2:]
        p = None if m is None or n is None else min(m, n)
        return [TensorSpec(batch + (p,), x.dtype),
                TensorSpec(batch + (m, m if self.full_matrices else p), x.dtype),
                TensorSpec(batch + (n, n if self.full_matrices else p), x.dtype)]

    def compute(self, xp, x):
        work = x.astype(_float_kernel_dtype(x), copy=False)
        if not self.compute_uv:
            s = xp.linalg.svd(work, compute_uv=False)
            empty = xp.zeros((0,), x.dtype)
            return s.astype(x.dtype, copy=False), empty, empty
        u, s, vh = xp.linalg.svd(work, full_matrices=self.full_matrices)
        return (s.astype(x.dtype, copy=False), u.astype(x.dtype, copy=False),
                xp.swapaxes(vh, -1, -2).astype(x.dtype))

    def grad(self, op, ds, du, dv):
        a = op.inputs[0]
        if not self.compute_uv:  # recompute the vectors; ds lives on the diagonal
            s, u, v = svd(a, compute_uv=True)
            return [matmul(u, matmul(matrix_diag(ds), v, transpose_b=True))]
        dims = a.shape.as_tuple()
        m, n = (None, None) if dims is None else dims[-2:]
        if m is None or n is None:
            raise NotImplementedError("SVD gradient has not been implemented for input with "
                                      "unknown inner matrix shape.")
        s, u, v = op.outputs
        ds = zeros_like(s) if ds is None else ds
        du = zeros_like(u) if du is None else du
        dv = zeros_like(v) if dv is None else dv
        wide_as_tall = m > n  # work on A^T = V S U^T, whose rows are the fewer
        if wide_as_tall:
            m, n, u, v, du, dv = n, m, v, u, dv, du
        if self.full_matrices and abs(m - n) > 1:
            raise NotImplementedError(
                "svd gradient is not implemented for abs(m - n) > 1 when full_matrices is "
                "True. Received: m=%d and n=%d from op input=%s with shape=%s."
                % (m, n, a, tuple(dims)))
        # Townsend's derivative of the reduced SVD: f holds 1 / (s_j^2 - s_i^2) off the
        # diagonal (0 where singular values repeat, where the vectors are not unique)
        s_mat = matrix_diag(s)
        s2 = s * s
        f = matrix_set_diag(_safe_reciprocal(expand_dims(s2, -2) - expand_dims(s2, -1)),
                            zeros_like(s))
        v1, dv1 = v[..., :, :m], dv[..., :, :m]
        f_u = f * matmul(u, du, transpose_a=True)
        f_v = f * matmul(v1, dv1, transpose_a=True)
        inner = (matrix_diag(ds) + matmul(f_u + matrix_transpose(f_u), s_mat)
                 + matmul(s_mat, f_v + matrix_transpose(f_v)))
        grad = matmul(u, matmul(inner, v1, transpose_b=True))
        if m != n:  # the part of dv outside v1's span
            dv1_t = matrix_transpose(dv1)
            rest = dv1_t - matmul(matmul(dv1_t, v1), v1, transpose_b=True)
            if self.full_matrices:
                v2, dv2 = v[..., :, m:n], dv[..., :, m:n]
                rest = rest - matmul(matmul(v1, dv2, transpose_a=True), v2, transpose_b=True)
            grad = grad + matmul(matmul(u, matrix_diag(_safe_reciprocal(s))), rest)
        return [matrix_transpose(grad) if wide_as_tall else grad]


def _safe_reciprocal(x, epsilon=1e-20):
    """x / (x^2 + epsilon): 1 / x except near 0, where it goes to 0 (TF's choice for the
    terms of repeated singular values and eigenvalues)."""
    return x / (x * x + epsilon)


@register
class SelfAdjointEigV2(OpDef):
    """tf.self_adjoint_eig / tf.linalg.eigh: (e, v), the eigenvalues ascending and the
    eigenvectors as columns, of each symmetric [..., n, n] matrix; only its lower triangle
    is read. Eigenvectors are defined up to sign (LAPACK's may differ from Eigen's)."""

    compute_v: bool = True

    def infer(self, x):
        check_dtype(None, x.dtype, "float", arg="input")
        dims = _square(self.type_name, x)
        if dims is None:
            return [TensorSpec(None, x.dtype), TensorSpec(None if self.compute_v else (0,),
                                                          x.dtype)]
        return [TensorSpec(dims[:-1], x.dtype),
                TensorSpec(dims if self.compute_v else (0,), x.dtype)]

    def compute(self, xp, x):
        _check_square_kernel(x)
        work = x.astype(_float_kernel_dtype(x), copy=False)
        if not self.compute_v:
            return xp.linalg.eigvalsh(work, UPLO="L").astype(x.dtype), xp.zeros((0,), x.dtype)
        e, v = xp.linalg.eigh(work, UPLO="L")
        return e.astype(x.dtype, copy=False), v.astype(x.dtype, copy=False)

    def grad(self, op, de, dv):
        e = op.outputs[0]
        de = zeros_like(e) if de is None else de
        if self.compute_v and dv is not None:
            v = op.outputs[1]
            f = matrix_set_diag(_safe_reciprocal(expand_dims(e, -2) - expand_dims(e, -1)),
                                zeros_like(e))
            inner = matrix_diag(de) + f * matmul(v, dv, transpose_a=True)
        else:
            v = op.outputs[1] if self.compute_v else self_adjoint_eig(op.inputs[0])[1]
            inner = matrix_diag(de)
        grad = matmul(v, matmul(inner, v, transpose_b=True))
        # the kernel reads the lower triangle only: the symmetric gradient folded onto it
        grad = matrix_band_part(grad + matrix_transpose(grad), -1, 0)
        return [matrix_set_diag(grad, 0.5 * matrix_diag_part(grad))]


@register
class MatrixSolveLs(OpDef):
    """tf.matrix_solve_ls(fast=False): the minimum-norm least-squares solution of each
    matrix @ X = rhs (l2_regularizer is ignored, as in TF). fast=True is a composite."""

    fast: bool = False

    def infer(self, matrix, rhs, l2):
        if matrix.dtype is not rhs.dtype:
            raise type_mismatch_error(self.type_name, "rhs", rhs.dtype, "matrix", matrix.dtype)
        check_dtype(None, matrix.dtype, "float", arg="matrix")
        dims = _rank_at_least(self.type_name, matrix, 2)
        rdims = _rank_at_least(self.type_name, rhs, 2)
        if dims is None or rdims is None:
            return TensorSpec(None, rhs.dtype)
        if None not in (dims[-2], rdims[-2]) and dims[-2] != rdims[-2]:
            raise ValueError("Dimensions must be equal, but are %d and %d"
                             % (dims[-2], rdims[-2]))
        return TensorSpec(rdims[:-2] + (dims[-1], rdims[-1]), rhs.dtype)

    def compute(self, xp, matrix, rhs, l2):
        if rhs.ndim != matrix.ndim or rhs.shape[-2] != matrix.shape[-2]:
            raise ValueError("Input matrix and right-hand side must have the same number of "
                             "rows, got shapes %s and %s"
                             % (list(matrix.shape), list(rhs.shape)))
        work = matrix.astype(_float_kernel_dtype(matrix), copy=False)
        return (xp.linalg.pinv(work) @ rhs.astype(work.dtype, copy=False)).astype(rhs.dtype)

    def grad(self, op, dy):
        raise ValueError("Gradient not defined for fast=False")


@register
class MatrixSquareRoot(_SquareFunction):
    """tf.linalg.sqrtm / tf.matrix_square_root: the principal square root R (R @ R = A) of
    each [..., n, n] matrix, by the Denman-Beavers iteration in float64. Where it has no real
    principal root (an eigenvalue <= 0) or the iteration does not converge, NaNs, as TF's
    Schur kernel gives there."""

    def compute(self, xp, x):
        _check_square_kernel(x)
        a = x.astype("float64")
        n = a.shape[-1]
        flat = a.reshape((-1, n, n))
        roots = xp.full(flat.shape, xp.nan)
        for i in range(flat.shape[0]):  # each matrix converges in its own number of steps
            roots[i] = _denman_beavers(xp, flat[i])
        return roots.reshape(a.shape).astype(x.dtype)

    def grad(self, op, dy):
        # R @ dR + dR @ R = dA is a Sylvester equation; its adjoint gives dA from dR:
        # R^T @ G + G @ R^T = dy, solved as one linear system in vec(G)
        r = op.outputs[0]
        dims = r.shape.as_tuple()
        if dims is None or None in dims:
            raise NotImplementedError("The gradient of MatrixSquareRoot needs static shapes, "
                                      "got %s" % format_dims(dims))
        n = dims[-1]
        eye_n = eye(n, dtype=r.dtype)
        r_t = matrix_transpose(r)
        # vec_row(R^T G) = kron(R^T, I) vec_row(G); vec_row(G R^T) = kron(I, R) vec_row(G)
        system = _kron(r_t, eye_n) + _kron(eye_n, r)
        flat_dy = reshape(dy, list(dims[:-2]) + [n * n, 1])
        g = matrix_solve(system, flat_dy)
        return [reshape(g, list(dims))]


def _kron(a, b):
    """The Kronecker products of two [..., n, n] batches (one broadcast as needed)."""
    n = a.shape.as_tuple()[-1]
    k = b.shape.as_tuple()[-1]
    prod = expand_dims(expand_dims(a, -1), -3) * expand_dims(expand_dims(b, -3), -2)
    return reshape(prod, list(prod.shape.as_tuple()[:-4]) + [n * k, n * k])


def _denman_beavers(xp, a):
    n = a.shape[-1]
    y, z = a, xp.eye(n)
    tolerance = 1e-14 * max(1.0, float(xp.abs(a).max()))
    for _ in range(100):
        try:
            with backend.linalg_errors(xp):
                y_inv, z_inv = xp.linalg.inv(y), xp.linalg.inv(z)
        except backend.LinAlgError:
            return xp.full((n, n), xp.nan)
        y_next = 0.5 * (y + z_inv)
        z = 0.5 * (z + y_inv)
        step = float(xp.abs(y_next - y).max())
        y = y_next
        if not step == step or step > 1e300:
            break
        if step <= tolerance:
            residual = float(xp.abs(y @ y - a).max())
            return y if residual <= 1e-8 * max(1.0, float(xp.abs(a).max())) \
                else xp.full((n, n), xp.nan)
    return xp.full((n, n), xp.nan)


# Pade(13) of exp and the largest 1-norm it is accurate for in float64 (Higham 2005)
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
           1187353796428800.0, 129060195264000.0, 10559470521600.0, 670442572800.0,
           33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


@register
class MatrixExponential(_SquareFunction):
    """tf.linalg.expm: exp of each [..., n, n] matrix by scaling and squaring with a
    degree-13 Pade approximant, in float64 (TF builds the same method out of many small
    ops, under the scope matrix_exponential; minitf runs it as one kernel)."""

    def compute(self, xp, x):
        _check_square_kernel(x)
        a = x.astype("float64")
        n = a.shape[-1]
        norm = xp.abs(a).sum(axis=-2).max(axis=-1) if a.size else xp.zeros(a.shape[:-2])
        squarings = xp.maximum(0, xp.ceil(xp.log2(xp.maximum(norm, 1e-300) / _THETA13)))
        squarings = xp.where(xp.isfinite(squarings), squarings, 0).astype("int64")
        a = a / (2.0 ** squarings)[..., None, None]
        eye_n = xp.eye(n)
        a2 = a @ a
        a4 = a2 @ a2
        a6 = a4 @ a2
        c = _PADE13
        u = a @ (a6 @ (c[13] * a6 + c[11] * a4 + c[9] * a2)
                 + c[7] * a6 + c[5] * a4 + c[3] * a2 + c[1] * eye_n)
        v = a6 @ (c[12] * a6 + c[10] * a4 + c[8] * a2) + c[6] * a6 + c[4] * a4 + \
            c[2] * a2 + c[0] * eye_n
        with backend.linalg_errors(xp):
            r = xp.linalg.solve(v - u, v + u)
        most = int(squarings.max()) if squarings.size else 0
        for k in range(most):  # each matrix squared its own number of times
            square = r @ r
            r = xp.where((squarings > k)[..., None, None], square, r)
        return r.astype(x.dtype)

    def grad(self, op, dy):
        # d/dt exp(A + t E) pairs with dy as the top-right block of exp([[A^T, dy], [0, A^T]])
        a = op.inputs[0]
        a_t = matrix_transpose(a)
        top = concat([a_t, dy], axis=-1)
        bottom = concat([zeros_like(a_t), a_t], axis=-1)
        block = MatrixExponential()(concat([top, bottom], axis=-2))
        n = a.shape.as_tuple()[-1] if a.shape.as_tuple() is not None else None
        if n is None:
            raise NotImplementedError("The gradient of tf.linalg.expm needs the matrices' "
                                      "static size, got %s" % a.shape)
        return [block[..., :n, n:]]


@register
class Lu(OpDef):
    """tf.linalg.lu: (lu, p): L (unit lower, below the diagonal) and U packed in one matrix,
    and the row permutation p with input[p] = L @ U, by partial pivoting (the first largest
    pivot, as Eigen's and LAPACK's). A singular matrix is TF's InvalidArgumentError. No
    gradient, as in TF."""

    output_idx_type: dtypes.DType = dtypes.int32

    def infer(self, x):
        check_dtype(None, x.dtype, "float", arg="input")
        dims = _square(self.type_name, x)
        return [TensorSpec(dims, x.dtype),
                TensorSpec(None if dims is None else dims[:-1], self.output_idx_type)]

    def compute(self, xp, x):
        _check_square_kernel(x)
        n = x.shape[-1]
        lu = x.reshape((-1, n, n)).astype(_float_kernel_dtype(x), copy=True)
        count = lu.shape[0]
        perm = xp.tile(xp.arange(n), (count, 1))
        rows = xp.arange(count)
        for k in range(n):
            pivot = k + xp.argmax(xp.abs(lu[:, k:, k]), axis=1)
            for arr in (lu, perm):
                kept = arr[rows, k].copy()
                arr[rows, k] = arr[rows, pivot]
                arr[rows, pivot] = kept
            diagonal = lu[:, k, k]
            if bool(xp.any(diagonal == 0)):
                raise ValueError("Input is not invertible.")
            lu[:, k + 1:, k] /= diagonal[:, None]
            lu[:, k + 1:, k + 1:] -= lu[:, k + 1:, k:k + 1] * lu[:, k:k + 1, k + 1:]
        return (lu.reshape(x.shape).astype(x.dtype, copy=False),
                perm.reshape(x.shape[:-1]).astype(self.output_idx_type.as_numpy_dtype))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """tf.svd / tf.linalg.svd: (s, u, v) of each [..., m, n] matrix (v, not its transpose),
    or s alone without compute_uv."""
    s, u, v = Svd(compute_uv=bool(compute_uv), full_matrices=bool(full_matrices))(
        convert_to_tensor(tensor, name="tensor"), name=name or "Svd")
    return (s, u, v) if compute_uv else s


def self_adjoint_eig(tensor, name=None):
    """tf.self_adjoint_eig / tf.linalg.eigh: (e, v) of symmetric matrices."""
    e, v = SelfAdjointEigV2(compute_v=True)(convert_to_tensor(tensor, name="tensor"),
                                            name=name or "SelfAdjointEigV2")
    return e, v


def self_adjoint_eigvals(tensor, name=None):
    """tf.self_adjoint_eigvals / tf.linalg.eigvalsh: the eigenvalues alone, ascending."""
    e, _ = SelfAdjointEigV2(compute_v=False)(convert_to_tensor(tensor, name="tensor"),
                                             name=name or "SelfAdjointEigV2")
    return e


def _regularized_gramian_cholesky(matrix, l2_regularizer, first_kind):
    """The Cholesky factor of A^T A + l2 I (first kind) or A A^T + l2 I."""
    gramian = matmul(matrix, matrix, transpose_a=first_kind, transpose_b=not first_kind)
    if isinstance(l2_regularizer, Tensor) or l2_regularizer != 0:
        dims = matrix.shape.as_tuple()
        small = dims[-1] if first_kind else dims[-2]
        gramian = gramian + l2_regularizer * eye(small, dtype=matrix.dtype)
    return cholesky(gramian)


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """tf.matrix_solve_ls / tf.linalg.lstsq: least-squares solutions X of matrix @ X = rhs.
    fast (the default): through the Cholesky factor of the regularised normal equations,
    built from ops as TF builds it (differentiable; needs the matrices' static sizes here,
    where TF switches with a tf.cond); fast=False: one MatrixSolveLs op (the minimum-norm
    solution, no gradient, l2_regularizer ignored, as in TF)."""
    matrix = convert_to_tensor(matrix, name="matrix")
    if not fast:
        rhs = convert_to_tensor(rhs, name="rhs")
        l2 = convert_to_tensor(l2_regularizer, dtype=dtypes.float64, name="l2_regularizer")
        return MatrixSolveLs(fast=False)(matrix, rhs, l2, name=name or "MatrixSolveLs")
    with name_scope(name, "matrix_solve_ls", [matrix, rhs, l2_regularizer]):
        rhs = convert_to_tensor(rhs, name="rhs")
        dims = matrix.shape.as_tuple()
        if dims is None or len(dims) < 2 or None in dims[-2:]:
            raise ValueError("tf.matrix_solve_ls(fast=True) got %s of shape %s: minitf needs "
                             "the matrices' number of rows and columns when the graph is built "
                             "(TF chooses the normal equations with a tf.cond). Give the "
                             "placeholder static matrix dims, or pass fast=False."
                             % (matrix.name, matrix.shape))
        if dims[-2] >= dims[-1]:  # (A^T A + l2 I)^-1 A^T b
            chol = _regularized_gramian_cholesky(matrix, l2_regularizer, True)
            return cholesky_solve(chol, matmul(matrix, rhs, transpose_a=True))
        chol = _regularized_gramian_cholesky(matrix, l2_regularizer, False)
        return matmul(matrix, cholesky_solve(chol, rhs), transpose_a=True)


def matrix_square_root(input, name=None):
    """tf.matrix_square_root / tf.linalg.sqrtm."""
    return MatrixSquareRoot()(convert_to_tensor(input, name="input"),
                              name=name or "MatrixSquareRoot")


def matrix_exponential(input, name=None):
    """tf.linalg.expm."""
    with name_scope(name, "matrix_exponential", [input]):
        return MatrixExponential()(convert_to_tensor(input, name="input"))


def lu(input, output_idx_type=dtypes.int32, name=None):
    """tf.linalg.lu: (lu, p)."""
    output_idx_type = dtypes.as_dtype(output_idx_type)
    if output_idx_type not in (dtypes.int32, dtypes.int64):
        raise TypeError("Value passed to parameter 'output_idx_type' has DataType %s not in "
                        "list of allowed values: int32, int64" % output_idx_type.name)
    packed, perm = Lu(output_idx_type=output_idx_type)(convert_to_tensor(input, name="input"),
                                                       name=name or "Lu")
    return LuResult(packed, perm)


def _unpack_lu(lower_upper):
    """(L, U) from tf.linalg.lu's packed matrix: L's unit diagonal is implied."""
    lower = matrix_band_part(lower_upper, -1, 0)
    lower = matrix_set_diag(lower, ones_like(matrix_diag_part(lower_upper)))
    return lower, matrix_band_part(lower_upper, 0, -1)


def _permutation_matrix(perm, like):
    """P with P @ x = x[perm] (rows), in like's dtype: products with 0 and 1 are exact."""
    dims = like.shape.as_tuple()
    if dims is None or dims[-1] is None:
        raise ValueError("tf.linalg's LU functions need the matrices' static size in minitf, "
                         "got shape %s" % like.shape)
    return one_hot(perm, dims[-1], dtype=like.dtype)


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """tf.linalg.lu_solve: X with A @ X = rhs from tf.linalg.lu's factors of A."""
    with name_scope(name, "lu_solve", [lower_upper, perm, rhs]):
        lower_upper = convert_to_tensor(lower_upper, name="lower_upper")
        perm = convert_to_tensor(perm, name="perm")
        rhs = convert_to_tensor(rhs, dtype=lower_upper.dtype, name="rhs")
        permuted = matmul(_permutation_matrix(perm, lower_upper), rhs)
        lower, upper = _unpack_lu(lower_upper)
        y = matrix_triangular_solve(lower, permuted, lower=True)
        return matrix_triangular_solve(upper, y, lower=False)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """tf.linalg.lu_reconstruct: A = P^T @ L @ U from tf.linalg.lu's factors."""
    with name_scope(name, "lu_reconstruct", [lower_upper, perm]):
        lower_upper = convert_to_tensor(lower_upper, name="lower_upper")
        perm = convert_to_tensor(perm, name="perm")
        lower, upper = _unpack_lu(lower_upper)
        return matmul(_permutation_matrix(perm, lower_upper), matmul(lower, upper),
                      transpose_a=True)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """tf.linalg.lu_matrix_inverse: inv(A) from tf.linalg.lu's factors of A."""
    with name_scope(name, "lu_matrix_inverse", [lower_upper, perm]):
        lower_upper = convert_to_tensor(lower_upper, name="lower_upper")
        dims = lower_upper.shape.as_tuple()
        if dims is None or None in dims:
            raise ValueError("tf.linalg.lu_matrix_inverse needs static shapes in minitf, got "
                             "%s" % lower_upper.shape)
        identity = eye(dims[-1], batch_shape=dims[:-2], dtype=lower_upper.dtype)
        return lu_solve(lower_upper, perm, identity)


def pinv(a, rcond=None, validate_args=False, name=None):
    """tf.linalg.pinv: the Moore-Penrose pseudo-inverse of each [..., m, n] matrix through
    its SVD; singular values at most rcond * the largest count as zero (default rcond:
    10 * max(m, n) * the dtype's epsilon, as TF)."""
    with name_scope(name, "pinv", [a, rcond]):
        a = convert_to_tensor(a, name="a")
        dims = a.shape.as_tuple()
        if rcond is None:
            if dims is None or None in dims[-2:]:
                raise ValueError("tf.linalg.pinv needs the matrices' static size for its "
                                 "default rcond in minitf; pass rcond= (got shape %s)"
                                 % a.shape)
            rcond = 10.0 * max(dims[-2:]) * float(np.finfo(a.dtype.as_numpy_dtype).eps)
        rcond = convert_to_tensor(rcond, dtype=a.dtype, name="rcond")
        s, u, v = svd(a, full_matrices=False, compute_uv=True)
        cutoff = rcond * reduce_max(s, axis=-1)
        # a singular value at or below the cutoff becomes infinite: its reciprocal is 0
        s = where(s > expand_dims(cutoff, -1), s, np.inf * ones_like(s))
        return matmul(v / expand_dims(s, -2), u, transpose_b=True)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """tf.linalg.matrix_rank: the number of singular values above tol (default:
    epsilon * max(m, n) * the largest), as int32."""
    with name_scope(name, "matrix_rank", [a, tol]):
        a = convert_to_tensor(a, name="a")
        s = svd(a, compute_uv=False)
        if tol is None:
            dims = a.shape.as_tuple()
            if dims is None or None in dims[-2:]:
                raise ValueError("tf.linalg.matrix_rank needs the matrices' static size for "
                                 "its default tol in minitf; pass tol= (got shape %s)"
                                 % a.shape)
            eps = float(np.finfo(a.dtype.as_numpy_dtype).eps)
            tol = expand_dims(reduce_max(s, axis=-1) * (eps * max(dims[-2:])), -1)
        else:
            tol = convert_to_tensor(tol, dtype=a.dtype, name="tol")
        return reduce_sum(cast(s > tol, dtypes.int32), axis=-1)


def adjoint(matrix, name=None):
    """tf.linalg.adjoint: the conjugate transpose of each matrix (the transpose, for the
    real dtypes minitf has)."""
    with name_scope(name, "adjoint", [matrix]):
        return matrix_transpose(convert_to_tensor(matrix, name="matrix"), conjugate=True)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """tf.linalg.matvec: a @ b for matrices a [..., m, n] and vectors b [..., n]."""
    with name_scope(name, "MatVec", [a, b]):
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b")
        product = matmul(a, expand_dims(b, -1), transpose_a=transpose_a or adjoint_a,
                         a_is_sparse=a_is_sparse, b_is_sparse=b_is_sparse)
        return squeeze(product, axis=-1)


def normalize(tensor, ord="euclidean", axis=None, name=None):
    """tf.linalg.normalize: (tensor / its norm, the norm with the reduced axes kept)."""
    with name_scope(name, "normalize", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        magnitude = norm(tensor, ord=ord, axis=axis, keepdims=True)
        return tensor / magnitude, magnitude


LuResult = namedtuple("Lu", ["lu", "p"])
