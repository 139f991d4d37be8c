"""Linear-algebra ops TF1 programs use: diagonals (tf.diag, tf.matrix_diag...), tf.cross,
tf.qr, and the compositions built on them (matrix_transpose, trace, eye)."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import TensorShape, format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import ones, transpose, zeros, zeros_like
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import reduce_sum
from minitf.ops.op_util import check_dtype, rank_error, type_mismatch_error

__all__ = ["diag", "diag_part", "matrix_diag", "matrix_diag_part", "matrix_set_diag",
           "matrix_transpose", "trace",
           "cross", "qr", "eye"]


def _rank_at_least(op_type, x, rank):
    dims = x.shape.as_tuple()
    if dims is not None and len(dims) < rank:
        raise rank_error(rank, len(dims), " for '%s' with input shape %s" % (op_type, x.shape),
                         at_least=True)
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
    (reduced unless full_matrices). minitf has no gradient for it (initializers use it)."""

    full_matrices: bool = False
    differentiable = False

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
