"""Arithmetic on SparseTensors: tf.sparse_tensor_dense_matmul (op SparseTensorDenseMatMul, the
workhorse of graph convolutions), tf.sparse_softmax, tf.sparse_reduce_max(_sparse),
tf.sparse_reduce_sum_sparse and tf.sparse_maximum / tf.sparse_minimum. Every op takes a sparse
operand as its three tensors (indices, values, dense_shape), as TF's kernels do."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.array_ops import gather, gather_nd, transpose
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import add, multiply, reduce_sum, subtract
from minitf.ops.sparse_ops import sparse_reduce_sum, sparse_tensor_to_dense

__all__ = ["sparse_add", "sparse_tensor_dense_matmul", "sparse_softmax", "sparse_reduce_max",
           "sparse_reduce_max_sparse", "sparse_reduce_sum_sparse", "sparse_maximum",
           "sparse_minimum"]


def _check_sparse(sp_input, what="sp_input"):
    if not isinstance(sp_input, SparseTensor):
        raise TypeError("Input must be a SparseTensor, got %s of type %s"
                        % (what, type(sp_input).__name__))
    return sp_input


def _dense_dims(shape_tensor):
    """The static dense shape a dense_shape tensor gives: its value's dims where known."""
    known = constant_value(shape_tensor)
    if known is not None:
        return [int(d) for d in known]
    rank = shape_tensor.shape.as_tuple()
    return None if rank is None or rank[0] is None else [None] * rank[0]


def linear_keys(xp, indices, shape):
    """Each sparse index's position in the row-major order of a dense tensor of `shape` (the
    order TF's sparse kernels sort and match entries by)."""
    strides = xp.ones(len(shape), dtype=xp.int64)
    for i in range(len(shape) - 2, -1, -1):
        strides[i] = strides[i + 1] * int(shape[i + 1])
    return indices.astype(xp.int64) @ strides if len(shape) else xp.zeros(len(indices), xp.int64)


@register
class SparseTensorDenseMatMul(OpDef):
    """op(A) @ op(B) for a rank-2 SparseTensor A (indices, values, dense_shape) and a dense
    matrix B; op() transposes where adjoint_a / adjoint_b say (conjugating complex values)."""

    adjoint_a: bool = False
    adjoint_b: bool = False

    def infer(self, indices, values, shape, b):
        if b.dtype is not values.dtype:
            raise TypeError("Input 'b' of 'SparseTensorDenseMatMul' Op has type %s that does "
                            "not match type %s of argument 'a_values'."
                            % (b.dtype.name, values.dtype.name))
        if b.shape.ndims not in (None, 2):
            raise ValueError("Shape must be rank 2 but is rank %d" % b.shape.ndims)
        a_dims = _dense_dims(shape) or [None, None]
        if len(a_dims) != 2:
            raise ValueError("Shape must be rank 2 but is rank %d" % len(a_dims))
        rows, inner = a_dims[::-1] if self.adjoint_a else a_dims
        b_dims = b.shape.as_tuple() or (None, None)
        b_inner, cols = b_dims[::-1] if self.adjoint_b else b_dims
        if inner is not None and b_inner is not None and inner != b_inner:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (inner, b_inner))
        return TensorSpec([rows, cols], values.dtype)

    def compute(self, xp, indices, values, shape, b):
        rows, inner = (int(shape[1]), int(shape[0])) if self.adjoint_a else \
            (int(shape[0]), int(shape[1]))
        out_index, in_index = (1, 0) if self.adjoint_a else (0, 1)
        for k, (name, bound) in enumerate((("m", rows), ("k", inner))):
            column = indices[:, (out_index, in_index)[k]]
            bad = xp.nonzero((column < 0) | (column >= bound))[0]
            if bad.size:
                i = int(bad[0])
                raise ValueError("%s (%d) from index[%d,%d] out of bounds (>=%d)"
                                 % (name, int(column[i]), i, (out_index, in_index)[k], bound))
        a_values = xp.conj(values) if self.adjoint_a else values
        b = xp.conj(b.T) if self.adjoint_b else b
        if b.shape[0] != inner:
            raise ValueError("Cannot multiply A and B because inner dimension does not match: "
                             "%d vs. %d." % (inner, b.shape[0]))
        out = xp.zeros((rows, b.shape[1]), dtype=values.dtype)
        xp.add.at(out, indices[:, out_index], a_values[:, None] * b[indices[:, in_index]])
        return out

    def grad(self, op, dy):
        indices, values, shape, b = op.inputs
        # d/dB: A^T dy (or its transpose for adjoint_b), one more sparse product.
        b_grad = SparseTensorDenseMatMul(not self.adjoint_a, False)(indices, values, shape, dy)
        if self.adjoint_b:
            b_grad = transpose(b_grad)
        # d/dvalues[k] for entry (i, j): dy[i] . op(B)[j], for the rows and columns op(A) uses.
        rows, cols = indices[:, 0], indices[:, 1]
        if self.adjoint_a:
            rows, cols = cols, rows
        b_rows = gather(transpose(b) if self.adjoint_b else b, cols)
        return [None, reduce_sum(gather(dy, rows) * b_rows, axis=1), None, b_grad]


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """tf.sparse_tensor_dense_matmul (tf.sparse.matmul, tf.sparse.sparse_dense_matmul): the
    dense product op(sp_a) @ op(b) of a rank-2 SparseTensor and a dense matrix."""
    _check_sparse(sp_a, "sp_a")
    with name_scope(name, "SparseTensorDenseMatMul", [sp_a.indices, sp_a.values, b]):
        b = convert_to_tensor(b, name="b")
        return SparseTensorDenseMatMul(bool(adjoint_a), bool(adjoint_b))(
            sp_a.indices, sp_a.values, sp_a.dense_shape, b, name="SparseTensorDenseMatMul")


# -- softmax and reductions over the last axis / given axes ------------------------------------

def _groups(xp, indices, shape, axes):
    """For each entry, the id of its group when `axes` are reduced (the row-major position of
    its kept coordinates), the sorted distinct ids, and the kept dims."""
    keep = [d for d in range(len(shape)) if d not in axes]
    kept_shape = [int(shape[d]) for d in keep]
    keys = linear_keys(xp, indices[:, keep], kept_shape)
    return keys, keep, kept_shape


@register
class SparseSoftmax(OpDef):
    """Softmax over the last axis of a SparseTensor, among the entries present only (the
    implicit zeros take no part); the indices must be in row-major order (as TF requires)."""

    def infer(self, indices, values, shape):
        if values.dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
            raise TypeError("Value passed to parameter 'sp_values' has DataType %s not in list "
                            "of allowed values: float16, float32, float64" % values.dtype.name)
        return TensorSpec(values.shape, values.dtype)

    def compute(self, xp, indices, values, shape):
        rank = int(shape.shape[0])
        keys, _, kept = _groups(xp, indices, shape, {rank - 1})
        groups, inverse = xp.unique(keys, return_inverse=True)
        inverse = inverse.reshape(-1)
        top = xp.full(groups.shape, -xp.inf, dtype=values.dtype)
        xp.maximum.at(top, inverse, values)
        e = xp.exp(values - top[inverse])
        sums = xp.zeros(groups.shape, dtype=values.dtype)
        xp.add.at(sums, inverse, e)
        return e / sums[inverse]

    def grad(self, op, dy):
        indices, _, shape = op.inputs
        y = op.outputs[0]
        # dx = (dy - sum over the row of dy * y) * y; the row sums come back by gather_nd.
        row_sums = sparse_reduce_sum(SparseTensor(indices, dy * y, shape), axis=-1)
        return [None, multiply(subtract(dy, gather_nd(row_sums, indices[:, :-1])), y), None]


def sparse_softmax(sp_input, name=None):
    """tf.sparse_softmax (tf.sparse.softmax): softmax over the last axis among the entries
    present; the result has sp_input's indices and dense_shape."""
    _check_sparse(sp_input)
    with name_scope(name, "SparseSoftmax", [sp_input.indices, sp_input.values]):
        values = SparseSoftmax()(sp_input.indices, sp_input.values, sp_input.dense_shape,
                                 name="SparseSoftmax")
        return SparseTensor(sp_input.indices, values, sp_input.dense_shape)


def _reduce_group_values(xp, ufunc, indices, values, shape, axes, empty):
    keys, keep, kept_shape = _groups(xp, indices, shape, axes)
    groups, inverse = xp.unique(keys, return_inverse=True)
    out = xp.full(groups.shape, empty, dtype=values.dtype)
    ufunc.at(out, inverse.reshape(-1), values)
    return groups, out, keep, kept_shape


def _axes(shape, axes):
    rank = int(shape.shape[0])
    out = set()
    for a in (axes.reshape(-1).tolist() if axes.ndim else [int(axes)]):
        if not -rank <= a < rank:
            raise ValueError("Invalid reduction dimension %d, for input with %d dimensions."
                             % (a, rank))
        out.add(a % rank)
    return out


class _SparseReduction(OpDef):
    """Base of the reductions of a SparseTensor over axes (an int32 input): `dense_output`
    ops give a dense tensor (0 where a group has no entries), the others a SparseTensor of
    the non-empty groups in row-major order."""

    keep_dims: bool = False
    dense_output = True
    differentiable = False

    def infer(self, indices, values, shape, axes):
        if self.dense_output:
            return TensorSpec(_reduced_shape(shape, axes, self.keep_dims), values.dtype)
        return [TensorSpec(None, dtypes.int64), TensorSpec(None, values.dtype),
                TensorSpec(None, dtypes.int64)]

    def compute(self, xp, indices, values, shape, axes):
        axes = _axes(shape, axes)
        groups, out, keep, kept_shape = _reduce_group_values(
            xp, self.ufunc(xp), indices, values, shape, axes, self.empty(xp, values.dtype))
        out_shape = [1 if d in axes else int(n) for d, n in enumerate(shape)] \
            if self.keep_dims else kept_shape
        if self.dense_output:
            dense = xp.zeros(int(xp.prod(xp.asarray(kept_shape, dtype=xp.int64))),
                             dtype=values.dtype)
            dense[groups] = out
            return dense.reshape(out_shape)
        coords = xp.stack(xp.unravel_index(groups, kept_shape), axis=1) if kept_shape else \
            xp.zeros((groups.size, 0), xp.int64)
        if self.keep_dims:
            full = xp.zeros((groups.size, len(out_shape)), dtype=xp.int64)
            full[:, keep] = coords
            coords = full
        return (coords.astype(xp.int64), out, xp.asarray(out_shape, dtype=xp.int64))


def _reduced_shape(shape, axes, keep_dims):
    dims = _dense_dims(shape)
    known_axes = constant_value(axes)
    if dims is None or known_axes is None:
        return None
    rank = len(dims)
    reduced = {int(a) % rank for a in known_axes.reshape(-1)}
    if keep_dims:
        return [1 if d in reduced else n for d, n in enumerate(dims)]
    return [n for d, n in enumerate(dims) if d not in reduced]


@register
class SparseReduceMax(_SparseReduction):
    """The largest entry present per group (dense output; 0 for a group with none)."""
    ufunc = staticmethod(lambda xp: xp.maximum)
    empty = staticmethod(lambda xp, dtype: _lowest(xp, dtype))


@register
class SparseReduceMaxSparse(SparseReduceMax):
    dense_output = False


@register
class SparseReduceSumSparse(_SparseReduction):
    """The sum of the entries per group, as a SparseTensor of the non-empty groups."""
    dense_output = False
    ufunc = staticmethod(lambda xp: xp.add)
    empty = staticmethod(lambda xp, dtype: 0)


def _lowest(xp, dtype):
    return -xp.inf if xp.dtype(dtype).kind in "fc" else xp.iinfo(dtype).min


def _reduce(op_class, sp_input, axis, keepdims, reduction_axes, keep_dims):
    """Builds one of the reductions from a wrapper's TF 1.x arguments (axis / reduction_axes,
    keepdims / keep_dims; no axis: all of them); the result as the op gives it."""
    _check_sparse(sp_input)
    if axis is not None and reduction_axes is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_axes'.")
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'.")
    axis = reduction_axes if axis is None else axis
    if axis is None:
        dims = _dense_dims(sp_input.dense_shape)
        if dims is None:
            raise ValueError("minitf needs the rank of sp_input known to reduce over all axes")
        axis = list(range(len(dims)))
    op = op_class(bool(keep_dims if keepdims is None else keepdims))
    out = op(sp_input.indices, sp_input.values, sp_input.dense_shape,
             convert_to_tensor(axis, dtype=dtypes.int32), name=op_class.__name__)
    return out if op.dense_output else SparseTensor(*out)


def sparse_reduce_max(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
    """tf.sparse_reduce_max: the maximum of the entries present over `axis` (dense; a group
    with no entries gives 0, as TF's kernel does)."""
    return _reduce(SparseReduceMax, sp_input, axis, keepdims, reduction_axes, keep_dims)


def sparse_reduce_max_sparse(sp_input, axis=None, keepdims=None, reduction_axes=None,
                             keep_dims=None):
    """tf.sparse_reduce_max_sparse: sparse_reduce_max as a SparseTensor of the non-empty
    groups."""
    return _reduce(SparseReduceMaxSparse, sp_input, axis, keepdims, reduction_axes, keep_dims)


def sparse_reduce_sum_sparse(sp_input, axis=None, keepdims=None, reduction_axes=None,
                             keep_dims=None):
    """tf.sparse_reduce_sum_sparse: the sums over `axis` as a SparseTensor of the non-empty
    groups."""
    return _reduce(SparseReduceSumSparse, sp_input, axis, keepdims, reduction_axes, keep_dims)


# -- the sum of two SparseTensors --------------------------------------------------------------

def _union(xp, a_indices, b_indices, shape):
    """The sorted row-major keys of the union of two index sets, and where each set's entries
    sit among them."""
    ka, kb = linear_keys(xp, a_indices, shape), linear_keys(xp, b_indices, shape)
    keys = xp.union1d(ka, kb)
    return keys, xp.searchsorted(keys, ka), xp.searchsorted(keys, kb)


@register
class SparseAdd(OpDef):
    """The sum of two SparseTensors of one dense shape over the union of their indices (in
    row-major order); an entry both have is dropped when its sum's magnitude is below
    thresh."""

    def infer(self, a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
        if b_values.dtype is not a_values.dtype:
            raise TypeError("Input 'b_values' of 'SparseAdd' Op has type %s that does not match "
                            "type %s of argument 'a_values'." % (b_values.dtype.name,
                                                                 a_values.dtype.name))
        rank = a_indices.shape.as_tuple()
        return [TensorSpec([None, None if rank is None else rank[1]], dtypes.int64),
                TensorSpec([None], a_values.dtype), TensorSpec(a_shape.shape, dtypes.int64)]

    def compute(self, xp, a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh):
        if a_shape.shape != b_shape.shape or bool((a_shape != b_shape).any()):
            raise ValueError("Operands do not have the same ranks; got shapes: [%s] and [%s]"
                             % (",".join(map(str, a_shape.tolist())),
                                ",".join(map(str, b_shape.tolist()))))
        dims = [int(d) for d in a_shape]
        keys, at_a, at_b = _union(xp, a_indices, b_indices, dims)
        sums = xp.zeros(keys.shape, a_values.dtype)
        sums[at_a] = a_values
        sums[at_b] += b_values
        both = xp.zeros(keys.shape, dtype=bool)
        both[at_a] = True
        in_b = xp.zeros(keys.shape, dtype=bool)
        in_b[at_b] = True
        keep = ~(both & in_b) | (xp.abs(sums) >= thresh)
        coords = xp.stack(xp.unravel_index(keys[keep], dims), axis=1).astype(xp.int64)
        return coords.reshape(-1, len(dims)), sums[keep], a_shape.copy()

    def grad(self, op, d_indices, d_values, d_shape):
        a_indices, _, _, b_indices = op.inputs[:4]
        a_grad, b_grad = SparseAddGrad()(d_values, a_indices, b_indices, op.outputs[0])
        return [None, a_grad, None, None, b_grad, None, None]


@register
class SparseAddGrad(OpDef):
    """SparseAdd's gradient: each input entry gets the gradient of the sum's entry at its
    index (0 where that entry was dropped by the threshold)."""

    differentiable = False

    def infer(self, grad, a_indices, b_indices, sum_indices):
        return [TensorSpec([a_indices.shape.as_tuple()[0] if a_indices.shape.ndims else None],
                           grad.dtype),
                TensorSpec([b_indices.shape.as_tuple()[0] if b_indices.shape.ndims else None],
                           grad.dtype)]

    def compute(self, xp, grad, a_indices, b_indices, sum_indices):
        every = xp.concatenate([a_indices, b_indices, sum_indices])
        dims = (every.max(axis=0) + 1).tolist() if every.size else [1] * a_indices.shape[1]
        keys = linear_keys(xp, sum_indices, dims)
        order = xp.argsort(keys)
        keys = keys[order]
        out = []
        for indices in (a_indices, b_indices):
            k = linear_keys(xp, indices, dims)
            at = xp.minimum(xp.searchsorted(keys, k), max(keys.size - 1, 0))
            found = (keys[at] == k) if keys.size else xp.zeros(k.shape, dtype=bool)
            g = grad[order][at] if keys.size else xp.zeros(k.shape, grad.dtype)
            out.append(xp.where(found, g, 0).astype(grad.dtype))
        return tuple(out)


def sparse_add(a, b, threshold=0, thresh=None):
    """tf.sparse_add (tf.sparse.add): of two SparseTensors, their SparseTensor sum (op
    SparseAdd; an entry both have is dropped when its sum's magnitude is below threshold); of a
    SparseTensor and a dense tensor (either order), the dense sum."""
    if thresh is not None:
        if threshold != 0:
            raise ValueError("Cannot specify both 'threshold' and 'thresh'.")
        threshold = thresh
    a_sparse, b_sparse = isinstance(a, SparseTensor), isinstance(b, SparseTensor)
    if not (a_sparse or b_sparse):
        raise TypeError("At least one input should be SparseTensor; do you mean to use "
                        "tf.add()?")
    if not (a_sparse and b_sparse):
        sparse, dense = (a, b) if a_sparse else (b, a)
        with name_scope(None, "SparseTensorDenseAdd"):
            return add(sparse_tensor_to_dense(sparse), dense)
    threshold = convert_to_tensor(threshold, dtype=a.values.dtype.real_dtype, name="threshold")
    indices, values, dense_shape = SparseAdd()(a.indices, a.values, a.dense_shape, b.indices,
                                               b.values, b.dense_shape, threshold,
                                               name="SparseAdd")
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError("Shapes %s and %s are incompatible" % (a.shape, b.shape))
    static = a.shape.merge_with(b.shape)
    return SparseTensor(indices, values,
                        static.as_list() if static.is_fully_defined() else dense_shape)


# -- element-wise maximum / minimum of two SparseTensors ----------------------------------------

class _SparseSparseBinary(OpDef):
    """max / min of two SparseTensors of one dense shape, entry by entry over the union of
    their indices (an entry only one has meets an implicit zero); both in row-major order."""

    differentiable = False

    def infer(self, a_indices, a_values, a_shape, b_indices, b_values, b_shape):
        if a_values.dtype is not b_values.dtype:
            raise TypeError("Input 'b_values' of '%s' Op has type %s that does not match type "
                            "%s of argument 'a_values'." % (type(self).__name__,
                                                            b_values.dtype.name,
                                                            a_values.dtype.name))
        return [TensorSpec([None, None], dtypes.int64), TensorSpec([None], a_values.dtype)]

    def compute(self, xp, a_indices, a_values, a_shape, b_indices, b_values, b_shape):
        if a_shape.shape != b_shape.shape or bool((a_shape != b_shape).any()):
            raise ValueError("Operands do not have the same ranks; got shapes: [%s] and [%s]"
                             % (",".join(map(str, a_shape.tolist())),
                                ",".join(map(str, b_shape.tolist()))))
        ka, kb = linear_keys(xp, a_indices, a_shape), linear_keys(xp, b_indices, b_shape)
        keys = xp.union1d(ka, kb)
        a = xp.zeros(keys.shape, a_values.dtype)
        b = xp.zeros(keys.shape, a_values.dtype)
        a[xp.searchsorted(keys, ka)] = a_values
        b[xp.searchsorted(keys, kb)] = b_values
        coords = xp.stack(xp.unravel_index(keys, tuple(int(d) for d in a_shape)), axis=1)
        return coords.astype(xp.int64).reshape(keys.size, a_shape.size), self.ufunc(xp)(a, b)


@register
class SparseSparseMaximum(_SparseSparseBinary):
    ufunc = staticmethod(lambda xp: xp.maximum)


@register
class SparseSparseMinimum(_SparseSparseBinary):
    ufunc = staticmethod(lambda xp: xp.minimum)


def _sparse_binary(op, sp_a, sp_b, name):
    _check_sparse(sp_a, "sp_a")
    _check_sparse(sp_b, "sp_b")
    indices, values = op(sp_a.indices, sp_a.values, sp_a.dense_shape, sp_b.indices,
                         sp_b.values, sp_b.dense_shape, name=name or type(op).__name__)
    return SparseTensor(indices, values, sp_a.dense_shape)


def sparse_maximum(sp_a, sp_b, name=None):
    """tf.sparse_maximum: the element-wise maximum of two SparseTensors of one shape."""
    return _sparse_binary(SparseSparseMaximum(), sp_a, sp_b, name)


def sparse_minimum(sp_a, sp_b, name=None):
    """tf.sparse_minimum: the element-wise minimum of two SparseTensors of one shape."""
    return _sparse_binary(SparseSparseMinimum(), sp_a, sp_b, name)

