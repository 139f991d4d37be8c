"""Linear-algebra ops TF1 programs use: diagonals (tf.diag, tf.matrix_diag...), tf.cross,
tf.qr, band parts, inverses, determinants, solves and Cholesky factors (each with its
gradient), and the compositions built on them (matrix_transpose, trace, eye, logdet,
cholesky_solve)."""

from minitf import backend, dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape, format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import expand_dims, ones, transpose, zeros, zeros_like
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import log, matmul, reduce_sum
from minitf.ops.op_util import check_dtype, rank_error, type_mismatch_error

__all__ = ["diag", "diag_part", "matrix_diag", "matrix_diag_part", "matrix_set_diag",
           "matrix_transpose", "trace",
           "cross", "qr", "eye",
           "matrix_band_part", "matrix_inverse", "matrix_determinant", "log_matrix_determinant",
           "matrix_solve", "matrix_triangular_solve", "cholesky", "cholesky_solve"]


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
class MatrixInverse(OpDef):
    """tf.matrix_inverse / tf.linalg.inv: the inverse of each [..., n, n] matrix (of its
    adjoint when `adjoint`); a singular one is TF's InvalidArgumentError."""

    adjoint: bool = False

    def infer(self, x):
        check_dtype(None, x.dtype, "float", arg="input")
        return TensorSpec(_square(self.type_name, x), x.dtype)

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
class Cholesky(OpDef):
    """tf.cholesky / tf.linalg.cholesky: the lower-triangular L with L @ L^T = A for each
    symmetric positive-definite [..., n, n] matrix (only A's lower triangle is read). A matrix
    that is not positive definite is TF 1.x's InvalidArgumentError."""

    def infer(self, x):
        check_dtype(None, x.dtype, "float", arg="input")
        return TensorSpec(_square(self.type_name, x), x.dtype)

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
