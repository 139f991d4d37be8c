"""Tridiagonal matrices (tf.linalg.tridiagonal_matmul, tf.linalg.tridiagonal_solve): ops
TridiagonalMatMul and TridiagonalSolve, and TF's Python layer over them that reads the
diagonals in the "compact" ([..., 3, M]: superdiagonal, diagonal, subdiagonal), "sequence"
(three [..., M] tensors) or "matrix" ([..., M, M]) format.

TridiagonalSolve runs TF's CPU algorithms row by row, vectorised over the batch: Gaussian
elimination with partial pivoting (LAPACK's gtsv order of operations: rows i and i+1 swap when
the subdiagonal entry is larger in magnitude than the pivot), or the Thomas algorithm without
pivoting. A zero pivot makes that system's solution NaN, as TF's kernel does (it logs a
warning). Real dtypes only: minitf has no tf.conj."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import expand_dims, squeeze, stack
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.linalg_ops import matrix_diag_part, matrix_transpose
from minitf.ops.math_ops import reduce_sum
from minitf.ops.op_util import dtype_error, type_mismatch_error
from minitf.ops.slicing import pad

__all__ = ["tridiagonal_matmul", "tridiagonal_solve"]

_DTYPES = (dtypes.float32, dtypes.float64)


def _shift(t, up):
    """t [..., M, N] moved one row along axis -2, a zero row filling the gap: row i of the
    result is row i + 1 of t (`up`) or row i - 1."""
    paddings = [[0, 0]] * (t.shape.ndims - 2) + [[0, 1] if up else [1, 0], [0, 0]]
    return pad(t[..., 1:, :] if up else t[..., :-1, :], paddings)


def _batch_compatible(a, b, what):
    if not a.is_compatible_with(b):
        raise ValueError("%s: batch shapes %s and %s are incompatible" % (what, a, b))


@register
class TridiagonalMatMul(OpDef):
    """Inputs (superdiag, maindiag, subdiag [..., 1, M], rhs [..., M, N]): row i of the
    product is superdiag[i] * rhs[i + 1] + maindiag[i] * rhs[i] + subdiag[i] * rhs[i - 1]."""

    def infer(self, sup, main, sub, rhs):
        for arg, t in (("maindiag", main), ("subdiag", sub), ("rhs", rhs)):
            if t.dtype is not sup.dtype:
                raise type_mismatch_error("TridiagonalMatMul", arg, t.dtype, "superdiag",
                                          sup.dtype)
        if sup.dtype not in _DTYPES:
            raise dtype_error("superdiag", sup.dtype, _DTYPES, "TridiagonalMatMul")
        diag = sup.shape.merge_with(main.shape).merge_with(sub.shape)
        rank = rhs.shape.ndims if rhs.shape.ndims is not None else diag.ndims
        if rank is not None and rank < 2:
            raise ValueError("Shape must be at least rank 2 but is rank %d" % rank)
        if diag.ndims is not None and rank is not None:
            diag = diag.with_rank(rank)
            if diag.as_tuple()[-2] not in (None, 1):
                raise ValueError("Dimension must be 1 but is %d" % diag.as_tuple()[-2])
        out = rhs.shape if rank is None else rhs.shape.with_rank(rank)
        if diag.ndims is not None and out.ndims is not None:
            m = diag.as_tuple()[-1]
            if m is not None and out.as_tuple()[-2] not in (None, m):
                raise ValueError("Dimensions must be equal, but are %d and %d"
                                 % (m, out.as_tuple()[-2]))
            _batch_compatible(diag[:-2], out[:-2], "TridiagonalMatMul")
        return TensorSpec(out, rhs.dtype)

    def compute(self, xp, sup, main, sub, rhs):
        sup, main, sub = (xp.swapaxes(d, -1, -2) for d in (sup, main, sub))  # [..., M, 1]
        out = main * rhs  # then the subdiagonal's term, then the superdiagonal's: TF's order
        out[..., 1:, :] += sub[..., 1:, :] * rhs[..., :-1, :]
        out[..., :-1, :] += sup[..., :-1, :] * rhs[..., 1:, :]
        return out

    def grad(self, op, dy):
        sup, main, sub, rhs = op.inputs
        grads = [expand_dims(reduce_sum(t * dy, axis=-1), -2)
                 for t in (_shift(rhs, True), rhs, _shift(rhs, False))]
        drhs = (_shift(matrix_transpose(sup) * dy, False) + matrix_transpose(main) * dy
                + _shift(matrix_transpose(sub) * dy, True))
        return grads + [drhs]


@register
class TridiagonalSolve(OpDef):
    """Inputs (diagonals [..., 3, M], rhs [..., M, K]): x with A x = rhs."""

    partial_pivoting: bool = True
    perturb_singular: bool = False

    def infer(self, diags, rhs):
        if rhs.dtype is not diags.dtype:
            raise type_mismatch_error("TridiagonalSolve", "rhs", rhs.dtype, "diagonals",
                                      diags.dtype)
        if diags.dtype not in _DTYPES:
            raise dtype_error("diagonals", diags.dtype, _DTYPES, "TridiagonalSolve")
        if self.perturb_singular:
            raise NotImplementedError("minitf's tridiagonal_solve has no perturb_singular")
        for t, arg in ((diags, "diagonals"), (rhs, "rhs")):
            if t.shape.ndims is not None and t.shape.ndims < 2:
                raise ValueError("Shape must be at least rank 2 but is rank %d (argument '%s')"
                                 % (t.shape.ndims, arg))
        d, r = diags.shape.as_tuple(), rhs.shape.as_tuple()
        if d is not None and d[-2] not in (None, 3):
            raise ValueError("Expected 3 diagonals got %d" % d[-2])
        if d is not None and r is not None:
            if len(d) != len(r):
                raise ValueError("Shapes must be equal rank, but are %d and %d"
                                 % (len(d), len(r)))
            if None not in (d[-1], r[-2]) and d[-1] != r[-2]:
                raise ValueError("Dimensions must be equal, but are %d and %d" % (d[-1], r[-2]))
            _batch_compatible(diags.shape[:-2], rhs.shape[:-2], "TridiagonalSolve")
        return TensorSpec(rhs.shape, rhs.dtype)

    def compute(self, xp, diags, rhs):
        batch = rhs.shape[:-2]
        m, k = rhs.shape[-2:]
        diags = xp.broadcast_to(diags, batch + diags.shape[-2:]).reshape(-1, 3, m)
        x = rhs.reshape(-1, m, k).copy()
        if m == 0 or x.shape[0] == 0:
            return x.reshape(rhs.shape)
        solve = _pivoting if self.partial_pivoting else _thomas
        bad = solve(xp, diags[:, 0], diags[:, 1], diags[:, 2], x)
        x[bad] = xp.nan
        return x.reshape(rhs.shape)

    def grad(self, op, dy):
        diags, x = op.inputs[0], op.outputs[0]
        sup, main, sub = diags[..., 0, :], diags[..., 1, :], diags[..., 2, :]
        rank = diags.shape.ndims
        after, before = [[0, 0]] * (rank - 2) + [[0, 1]], [[0, 0]] * (rank - 2) + [[1, 0]]
        transposed = stack([pad(sub[..., 1:], after), main, pad(sup[..., :-1], before)], axis=-2)
        drhs = TridiagonalSolve(**self.attrs())(transposed, dy, name="TridiagonalSolve")
        # The three diagonals of -drhs @ x^T.
        ddiags = stack([reduce_sum(drhs * _shift(x, True), axis=-1), reduce_sum(drhs * x, axis=-1),
                        reduce_sum(drhs * _shift(x, False), axis=-1)], axis=-2)
        return [-ddiags, drhs]


def _zero_safe(xp, pivot, bad):
    """The pivot, with 1 where it is 0 (that system is marked bad and becomes NaN)."""
    zero = pivot == 0
    bad |= zero
    return xp.where(zero, xp.ones((), pivot.dtype), pivot)


def _pivoting(xp, sup, main, sub, x):
    """Gaussian elimination with partial pivoting of each system of the batch, in place on x
    [B, M, K]; returns the bool [B] of systems with a zero pivot. u holds U's diagonal and its
    two superdiagonals (rows swapped by pivoting)."""
    n = main.shape[1]
    u0, u1, u2 = main.copy(), sup.copy(), xp.zeros_like(main)
    bad = xp.zeros(main.shape[0], bool)
    for i in range(n - 1):
        swap = xp.abs(u0[:, i]) < xp.abs(sub[:, i + 1])
        keep = ~swap
        below = sub[:, i + 1]
        # rows kept: eliminate with the pivot u0[i]
        factor_keep = below / _zero_safe(xp, xp.where(keep, u0[:, i], 1), bad)
        # rows swapped: the subdiagonal entry is the pivot
        factor_swap = u0[:, i] / xp.where(swap, below, 1)
        new_u0_next = xp.where(keep, main[:, i + 1] - factor_keep * u1[:, i],
                               u1[:, i] - factor_swap * main[:, i + 1])
        u0[:, i] = xp.where(keep, u0[:, i], below)
        if i != n - 2:
            u2[:, i] = xp.where(keep, 0, sup[:, i + 1])
            new_u1_next = xp.where(keep, sup[:, i + 1], -factor_swap * sup[:, i + 1])
        u1[:, i] = xp.where(keep, u1[:, i], main[:, i + 1])
        u0[:, i + 1] = new_u0_next
        if i != n - 2:
            u1[:, i + 1] = new_u1_next
        row, nxt = x[:, i].copy(), x[:, i + 1].copy()
        s = swap[:, None]
        x[:, i] = xp.where(s, nxt, row)
        x[:, i + 1] = xp.where(s, row - factor_swap[:, None] * nxt,
                               nxt - factor_keep[:, None] * row)
    last = _zero_safe(xp, u0[:, n - 1], bad)
    x[:, n - 1] /= last[:, None]
    if n > 1:
        x[:, n - 2] = (x[:, n - 2] - u1[:, n - 2, None] * x[:, n - 1]) / u0[:, n - 2, None]
    for i in range(n - 3, -1, -1):
        x[:, i] = (x[:, i] - u1[:, i, None] * x[:, i + 1] - u2[:, i, None] * x[:, i + 2]) \
            / u0[:, i, None]
    return bad


def _thomas(xp, sup, main, sub, x):
    """The Thomas algorithm (no pivoting), in place on x [B, M, K]; returns the bool [B] of
    systems with a zero pivot."""
    n = main.shape[1]
    bad = xp.zeros(main.shape[0], bool)
    u = xp.zeros_like(main)
    first = _zero_safe(xp, main[:, 0], bad)
    u[:, 0] = sup[:, 0] / first
    x[:, 0] = x[:, 0] / first[:, None]
    for i in range(1, n):
        denom = _zero_safe(xp, main[:, i] - sub[:, i] * u[:, i - 1], bad)
        u[:, i] = sup[:, i] / denom
        x[:, i] = (x[:, i] - sub[:, i, None] * x[:, i - 1]) / denom[:, None]
    for i in range(n - 2, -1, -1):
        x[:, i] -= u[:, i, None] * x[:, i + 1]
    return bad


def _from_matrix(matrix):
    """The compact [..., 3, M] diagonals of [..., M, M] matrices (superdiagonal padded after,
    subdiagonal before: TF's matrix_diag_part(k=(-1, 1), align='LEFT_RIGHT'))."""
    dims = matrix.shape.as_tuple()
    if dims is not None and None not in dims[-2:] and dims[-1] != dims[-2]:
        raise ValueError("Expected last two dimensions of diagonals to be same, got %d and %d"
                         % (dims[-1], dims[-2]))
    rank = matrix.shape.ndims
    after, before = [[0, 0]] * (rank - 2) + [[0, 1]], [[0, 0]] * (rank - 2) + [[1, 0]]
    return stack([pad(matrix_diag_part(matrix[..., :-1, 1:]), after), matrix_diag_part(matrix),
                  pad(matrix_diag_part(matrix[..., 1:, :-1]), before)], axis=-2)


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """tf.linalg.tridiagonal_matmul: the tridiagonal matrices `diagonals` (in
    `diagonals_format`) times rhs [..., M, N]."""
    if diagonals_format == "compact":
        diagonals = convert_to_tensor(diagonals, name="diagonals")
        parts = [diagonals[..., i, :] for i in range(3)]
    elif diagonals_format == "sequence":
        parts = [convert_to_tensor(d) for d in diagonals]
    elif diagonals_format == "matrix":
        compact = _from_matrix(convert_to_tensor(diagonals, name="diagonals"))
        parts = [compact[..., i, :] for i in range(3)]
    else:
        raise ValueError("Unrecognized diagonals_format: %s" % diagonals_format)
    parts = [expand_dims(p, -2) for p in parts]
    return TridiagonalMatMul()(*parts, convert_to_tensor(rhs, name="rhs"),
                               name=name or "TridiagonalMatMul")


def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False,
                      conjugate_rhs=False, name=None, partial_pivoting=True,
                      perturb_singular=False):
    """tf.linalg.tridiagonal_solve: x with A x = rhs for the tridiagonal matrices A given by
    `diagonals` (in `diagonals_format`); rhs is [..., M, K] or [..., M] (one right-hand side),
    or [..., K, M] with transpose_rhs. TF's CPU algorithms and their order of operations."""
    if perturb_singular and not partial_pivoting:
        raise ValueError("partial_pivoting must be True if perturb_singular is.")
    if diagonals_format == "sequence":
        if not isinstance(diagonals, (tuple, list)) or len(diagonals) != 3:
            raise ValueError("Expected diagonals to be a sequence of length 3.")
        sup, main, sub = (convert_to_tensor(d) for d in diagonals)
        if (not sub.shape[:-1].is_compatible_with(main.shape[:-1])
                or not sup.shape[:-1].is_compatible_with(main.shape[:-1])):
            raise ValueError("Tensors representing the three diagonals must have the same "
                             "shape,except for the last dimension, got %s, %s, %s"
                             % (sub.shape, main.shape, sup.shape))
        m = main.shape.as_tuple()[-1]

        def full_length(t, what, padding):
            n = t.shape.as_tuple()[-1]
            if not n or n == m:
                return t
            if n == m - 1:
                return pad(t, [[0, 0]] * (t.shape.ndims - 1) + [padding])
            raise ValueError("Expected %s to be have length %s or %s, got %d."
                             % (what, m, m - 1, n))

        diagonals = stack([full_length(sup, "superdiagonal", [0, 1]), main,
                           full_length(sub, "subdiagonal", [1, 0])], axis=-2)
    elif diagonals_format == "matrix":
        diagonals = _from_matrix(convert_to_tensor(diagonals, name="diagonals"))
    elif diagonals_format != "compact":
        raise ValueError("Unrecognized diagonals_format: %s" % diagonals_format)
    diagonals = convert_to_tensor(diagonals, name="diagonals")
    rhs = convert_to_tensor(rhs, name="rhs")
    d_rank, r_rank = diagonals.shape.ndims, rhs.shape.ndims
    if d_rank:
        if d_rank < 2:
            raise ValueError("Expected diagonals to have rank at least 2, got %d" % d_rank)
        if r_rank and r_rank not in (d_rank, d_rank - 1):
            raise ValueError("Expected the rank of rhs to be %d or %d, got %d"
                             % (d_rank - 1, d_rank, r_rank))
        if r_rank and not diagonals.shape[:-2].is_compatible_with(rhs.shape[:d_rank - 2]):
            raise ValueError("Batch shapes %s and %s are incompatible"
                             % (diagonals.shape[:-2], rhs.shape[:d_rank - 2]))
        if diagonals.shape.as_tuple()[-2] not in (None, 3):
            raise ValueError("Expected 3 diagonals got %d" % diagonals.shape.as_tuple()[-2])
    op = TridiagonalSolve(bool(partial_pivoting), bool(perturb_singular))

    def check_sizes(rhs):
        m, n = diagonals.shape.as_tuple(), rhs.shape.as_tuple()
        if m is not None and n is not None and m[-1] and n[-2] and m[-1] != n[-2]:
            raise ValueError("Expected number of left-hand sided and right-hand sides to be "
                             "equal, got %d and %d" % (m[-1], n[-2]))

    if r_rank and d_rank and r_rank == d_rank - 1:
        rhs = expand_dims(rhs, -1)
        check_sizes(rhs)
        return squeeze(op(diagonals, rhs, name=name or "TridiagonalSolve"), [-1])
    if transpose_rhs:
        rhs = matrix_transpose(rhs)
    check_sizes(rhs)
    return op(diagonals, rhs, name=name or "TridiagonalSolve")
