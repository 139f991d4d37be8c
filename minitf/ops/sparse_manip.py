"""Reshaping, reordering, joining, cutting and filtering SparseTensors: tf.sparse_reorder,
sparse_reshape, sparse_transpose, sparse_concat, sparse_slice, sparse_split,
sparse_fill_empty_rows, sparse_retain, tf.sparse.from_dense / expand_dims / eye,
sparse_to_indicator, sparse_mask and tf.setdiff1d (op ListDiff, which sparse_mask uses)."""

import collections
import math

import numpy as np

from minitf import dtypes, errors
from minitf.framework.deprecation import deprecated
from minitf.framework.graph import control_dependencies, name_scope
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.registry import OpDef, register
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.array_ops import (concat, expand_dims, fill, gather, gather_nd, identity, ones,
                                  reshape, scatter_nd, shape, stack, zeros, zeros_like)
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import (cast, greater_equal, less, logical_and, maximum, minimum,
                                 not_equal, range as range_, reduce_all, reduce_max, reduce_sum,
                                 where)
from minitf.ops.logging_ops import assert_equal, assert_less_equal
from minitf.ops.op_util import static_int
from minitf.ops.sparse_math import _check_sparse, _dense_dims, linear_keys
from minitf.ops.sparse_ops import sparse_to_dense

__all__ = ["sparse_reorder", "sparse_reshape", "sparse_transpose", "sparse_concat",
           "sparse_slice", "sparse_split", "sparse_fill_empty_rows", "sparse_retain",
           "sparse_to_indicator", "sparse_mask", "setdiff1d", "sparse_merge",
           "sparse_reset_shape"]


def _rows_spec(indices, rank=None):
    rows = indices.shape.as_tuple()
    n = None if rows is None else rows[0]
    if rank is None and rows is not None:
        rank = rows[1]
    return TensorSpec([n, rank], dtypes.int64)


def _format(dims):
    return "[%s]" % ",".join(str(int(d)) for d in dims)


@register
class SparseReorder(OpDef):
    """A SparseTensor's entries in row-major order of their indices (stable for repeats)."""

    def infer(self, indices, values, shape):
        return [TensorSpec(indices.shape, dtypes.int64), TensorSpec(values.shape, values.dtype)]

    def compute(self, xp, indices, values, shape):
        if len(indices) != len(values):  # e.g. a SparseFeature's index and value keys
            raise errors.InvalidArgumentError(
                None, None, "Number of elements in indices (%d) and values (%d) do not match"
                % (len(indices), len(values)))
        order = xp.argsort(linear_keys(xp, indices, shape), kind="stable")
        return indices[order], values[order]

    def grad(self, op, d_indices, d_values):
        indices, values, dense_shape = op.inputs
        # Entry k of the output came from entry order[k]: send each gradient back there.
        count = shape(values, out_type=dtypes.int64)
        order = SparseReorder()(indices, range_(count[0]), dense_shape)[1]
        return [None, scatter_nd(expand_dims(order, 1), d_values, count), None]


def _static_sparse(indices, values, sp_input, name=None):
    """A SparseTensor with sp_input's dense shape, as a constant when it is known statically
    (as TF's sparse_reorder gives it), else through an Identity."""
    dims = sp_input.shape
    if dims.is_fully_defined():
        return SparseTensor(indices, values, dims.as_list())
    return SparseTensor(indices, values, identity(sp_input.dense_shape))


def sparse_reorder(sp_input, name=None):
    """tf.sparse_reorder (tf.sparse.reorder): the same SparseTensor with its entries in the
    row-major order most sparse ops require."""
    _check_sparse(sp_input)
    indices, values = SparseReorder()(sp_input.indices, sp_input.values, sp_input.dense_shape,
                                      name=name or "SparseReorder")
    return _static_sparse(indices, values, sp_input)


@register
class SparseReshape(OpDef):
    """The indices and dense shape of a SparseTensor reshaped to `new_shape` (one -1 allowed),
    keeping every entry's row-major position; the values do not change."""

    differentiable = False

    def infer(self, indices, input_shape, new_shape):
        rank = new_shape.shape.as_tuple()
        rank = None if rank is None else rank[0]
        return [_rows_spec(indices, rank), TensorSpec([rank], dtypes.int64)]

    def compute(self, xp, indices, input_shape, new_shape):
        dense = math.prod(int(d) for d in input_shape.tolist())
        dims = [int(d) for d in new_shape.tolist()]
        unknown = [i for i, d in enumerate(dims) if d == -1]
        if len(unknown) > 1:
            raise ValueError("only one output dimension may be -1, not both %d and %d"
                             % tuple(unknown[:2]))
        known = math.prod(d for d in dims if d != -1)
        if unknown:
            if known == 0 or dense % known:
                raise ValueError(
                    "Input to reshape is a SparseTensor with %d dense values, but the requested "
                    "shape requires a multiple of %d. input_shape=%s output_shape=%s"
                    % (dense, known, _format(input_shape.tolist()),
                       _format([1 if d == -1 else d for d in dims])))
            dims[unknown[0]] = dense // known
        elif known != dense:
            raise ValueError("Input to reshape is a tensor with %d dense values, but the "
                             "requested shape has %d. input_shape=%s output_shape=%s"
                             % (dense, known, _format(input_shape.tolist()), _format(dims)))
        keys = linear_keys(xp, indices, input_shape.tolist())
        coords = xp.stack(xp.unravel_index(keys, dims), axis=1) if dims else \
            xp.zeros((keys.size, 0), xp.int64)
        return coords.astype(xp.int64), xp.asarray(dims, dtype=xp.int64)


def _reshaped_static(old, new):
    """The static shape sparse_reshape gives (TF's checks and its -1 when all else is known);
    None when it is not fully known."""
    if new is None:
        return None
    new = [int(d) for d in new]
    if not old.is_fully_defined():
        return new if -1 not in new else None
    size = int(np.prod(old.as_list()))
    if -1 in new:
        rest = int(np.prod([d for d in new if d != -1]))
        if rest and size % rest == 0:
            new[new.index(-1)] = size // rest
            return new
        raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)."
                         % (size, new, rest))
    if int(np.prod(new)) != size:
        raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)."
                         % (size, new, int(np.prod(new))))
    return new


def sparse_reshape(sp_input, shape, name=None):
    """tf.sparse_reshape (tf.sparse.reshape): the SparseTensor with dense shape `shape` (one
    dim may be -1), every entry at the same row-major position."""
    _check_sparse(sp_input)
    with name_scope(name, "SparseReshape", [sp_input]) as scope:
        new_shape = convert_to_tensor(shape, dtype=dtypes.int64, name="shape")
        static = _reshaped_static(sp_input.shape, constant_value(new_shape))
        indices, dense_shape = SparseReshape()(sp_input.indices, sp_input.dense_shape, new_shape,
                                               name=scope)
        values = identity(sp_input.values)
        if static is not None:
            dense_shape = convert_to_tensor(np.array(static, np.int64), name="Const")
        return SparseTensor(indices, values, dense_shape)


def sparse_transpose(sp_input, perm=None, name=None):
    """tf.sparse_transpose (tf.sparse.transpose): the dimensions permuted by `perm` (default:
    reversed), the entries reordered to row-major order."""
    _check_sparse(sp_input)
    with name_scope(name, "SparseTranspose", [sp_input]):
        rank = sp_input.shape.ndims
        if perm is None:
            if rank is None:
                raise ValueError("minitf needs the rank of sp_input known to transpose it")
            perm = list(range(rank - 1, -1, -1))
        perm = convert_to_tensor(perm, dtype=dtypes.int32, name="perm")
        indices = gather(sp_input.indices, perm, axis=1)
        known_perm = constant_value(perm)
        if known_perm is not None and sp_input.shape.is_fully_defined():
            old = sp_input.shape.as_list()
            dense_shape = [old[p] for p in known_perm]
        else:
            dense_shape = gather(sp_input.dense_shape, perm)
        return sparse_reorder(SparseTensor(indices, sp_input.values, dense_shape))


# -- joining and cutting ---------------------------------------------------------------------------

@register
class SparseConcat(OpDef):
    """N SparseTensors (inputs: N indices, N values, N dense shapes) joined along concat_dim;
    the other dims must agree; the result is in row-major order."""

    concat_dim: int = 0
    differentiable = False

    def infer(self, *inputs):
        n = len(inputs) // 3
        indices, values = inputs[:n], inputs[n:2 * n]
        counts = [i.shape.as_tuple() for i in indices]
        total = None if any(c is None or c[0] is None for c in counts) else \
            sum(c[0] for c in counts)
        rank = next((t.shape.as_tuple()[1] for t in indices if t.shape.ndims == 2
                     and t.shape.as_tuple()[1] is not None), None)
        for v in values[1:]:
            if v.dtype is not values[0].dtype:
                raise TypeError("SparseConcat: the values must have one dtype, got %s and %s"
                                % (values[0].dtype.name, v.dtype.name))
        return [TensorSpec([total, rank], dtypes.int64), TensorSpec([total], values[0].dtype),
                TensorSpec([rank], dtypes.int64)]

    def compute(self, xp, *inputs):
        n = len(inputs) // 3
        indices, values, shapes = inputs[:n], inputs[n:2 * n], inputs[2 * n:]
        rank = len(shapes[0])
        axis = self.concat_dim % rank
        for i, s in enumerate(shapes[1:], 1):
            if len(s) != rank:
                raise ValueError("Ranks of all input tensors must match: expected %d but got %d "
                                 "at position %d" % (rank, len(s), i))
            for d in range(rank):
                if d != axis and int(s[d]) != int(shapes[0][d]):
                    raise ValueError("Input shapes must match: expected %d for dimension %d but "
                                     "got %d at position %d" % (int(shapes[0][d]), d, int(s[d]), i))
        parts, offset = [], 0
        for idx, s in zip(indices, shapes):
            idx = idx.copy()
            idx[:, axis] += offset
            offset += int(s[axis])
            parts.append(idx)
        out_shape = xp.asarray(shapes[0]).copy()
        out_shape[axis] = offset
        out_indices, out_values = xp.concatenate(parts), xp.concatenate(values)
        order = xp.argsort(linear_keys(xp, out_indices, out_shape.tolist()), kind="stable")
        return out_indices[order], out_values[order], out_shape


def sparse_concat(axis, sp_inputs, name=None, expand_nonconcat_dim=False, concat_dim=None,
                  expand_nonconcat_dims=None):
    """tf.sparse_concat (tf.sparse.concat): SparseTensors joined along `axis`; with
    expand_nonconcat_dim the other dims grow to the largest input's."""
    if concat_dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'concat_dim'.")
        axis = concat_dim
    if expand_nonconcat_dims is not None:
        if expand_nonconcat_dim is not None:
            raise ValueError("Cannot specify both 'expand_nonconcat_dim' and "
                             "'expand_nonconcat_dims'.")
        expand_nonconcat_dim = expand_nonconcat_dims
    if not isinstance(sp_inputs, (list, tuple)):
        raise TypeError("Inputs must be a list or tuple.")
    if not sp_inputs:
        raise ValueError("sparse_concat needs at least one SparseTensor")
    sp_inputs = [_check_sparse(sp, "sp_inputs") for sp in sp_inputs]
    axis = static_int(axis, "axis")
    shapes = [sp.dense_shape for sp in sp_inputs]
    static = [sp.shape for sp in sp_inputs]
    if expand_nonconcat_dim:
        largest = reduce_max(stack(shapes), axis=0)
        shapes = [concat([largest[:axis], s[axis:axis + 1] if axis != -1 else s[-1:],
                          largest[axis + 1:] if axis != -1 else largest[:0]], 0) for s in shapes]
    indices, values, dense_shape = SparseConcat(axis)(
        *[sp.indices for sp in sp_inputs], *[sp.values for sp in sp_inputs], *shapes,
        name=name or "SparseConcat")
    if all(s.is_fully_defined() for s in static):
        dims = [list(s.as_list()) for s in static]
        rank = len(dims[0])
        out = [sum(d[k] for d in dims) if k == axis % rank else
               (max(d[k] for d in dims) if expand_nonconcat_dim else dims[0][k])
               for k in range(rank)]
        dense_shape = convert_to_tensor(np.array(out, np.int64), name="Const")
    return SparseTensor(indices, values, dense_shape)


@register
class SparseSlice(OpDef):
    """The entries of a SparseTensor inside the box [start, start + size), shifted by -start;
    the box is cut to the dense shape."""

    def infer(self, indices, values, shape, start, size):
        rank = _rows_spec(indices).shape.as_tuple()[1]
        return [TensorSpec([None, rank], dtypes.int64), TensorSpec([None], values.dtype),
                TensorSpec([rank], dtypes.int64)]

    def compute(self, xp, indices, values, shape, start, size):
        if len(start) != len(shape) or len(size) != len(shape):
            raise ValueError("Expected start and size to have %d entries, got %d and %d"
                             % (len(shape), len(start), len(size)))
        keep = xp.all((indices >= start) & (indices < start + size), axis=1)
        out_shape = xp.maximum(xp.minimum(start + size, shape) - start, 0)
        return indices[keep] - start, values[keep], out_shape.astype(xp.int64)

    def grad(self, op, d_indices, d_values, d_shape):
        indices, values, _, start, size = op.inputs
        kept = reduce_all(logical_and(greater_equal(indices, start), less(indices, start + size)),
                          axis=1)
        return [None, scatter_nd(where(kept), d_values, shape(values, out_type=dtypes.int64)),
                None, None, None]


def sparse_slice(sp_input, start, size, name=None):
    """tf.sparse_slice (tf.sparse.slice): the part of a SparseTensor in the box of corner
    `start` and extent `size`, as a SparseTensor of that box (cut to the dense shape)."""
    _check_sparse(sp_input)
    start = convert_to_tensor(start, dtype=dtypes.int64, name="start")
    size = convert_to_tensor(size, dtype=dtypes.int64, name="size")
    with name_scope(name, "SparseSlice", [sp_input]) as scope:
        indices, values, dense_shape = SparseSlice()(
            sp_input.indices, sp_input.values, sp_input.dense_shape, start, size, name=scope)
        return SparseTensor(indices, values, dense_shape)


@register
class SparseSplit(OpDef):
    """A SparseTensor cut into num_split parts along split_dim (an input): the first
    dim % num_split parts are one longer. Outputs: the parts' indices, then values, then
    shapes."""

    num_split: int = 1
    differentiable = False

    def infer(self, split_dim, indices, values, shape):
        rank = _rows_spec(indices).shape.as_tuple()[1]
        n = self.num_split
        return ([TensorSpec([None, rank], dtypes.int64)] * n
                + [TensorSpec([None], values.dtype)] * n + [TensorSpec([rank], dtypes.int64)] * n)

    def compute(self, xp, split_dim, indices, values, shape):
        rank = len(shape)
        axis = int(split_dim)
        if not -rank <= axis < rank:
            raise ValueError("Input split_dim should be between -%d and %d, got %d"
                             % (rank, rank, axis))
        axis %= rank
        dim, n = int(shape[axis]), self.num_split
        if n > dim:
            raise ValueError("Input num_split should be less than or equal to the split "
                             "dimension size %d, got %d" % (dim, n))
        sizes = [dim // n + (1 if p < dim % n else 0) for p in range(n)]
        outs, begin = [], 0
        for size in sizes:
            keep = (indices[:, axis] >= begin) & (indices[:, axis] < begin + size)
            part = indices[keep].copy()
            part[:, axis] -= begin
            part_shape = shape.copy()
            part_shape[axis] = size
            outs.append((part, values[keep], part_shape))
            begin += size
        return tuple(o[k] for k in range(3) for o in outs)


class _KeywordRequired:
    def __repr__(self):
        return "KeywordRequired()"


def sparse_split(keyword_required=_KeywordRequired(), sp_input=None, num_split=None, axis=None,
                 name=None, split_dim=None):
    """tf.sparse_split (tf.sparse.split; keywords only, as TF 1.x): num_split SparseTensors
    cut along `axis`, the first dim % num_split one longer."""
    if not isinstance(keyword_required, _KeywordRequired):
        raise ValueError("Keyword arguments are required for this function.")
    if split_dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'split_dim'.")
        axis = split_dim
    if sp_input is None or num_split is None or axis is None:
        raise ValueError("sp_input, num_split and axis are required")
    _check_sparse(sp_input)
    n = static_int(num_split, "num_split")
    outs = SparseSplit(n)(convert_to_tensor(axis, dtype=dtypes.int64, name="split_dim"),
                          sp_input.indices, sp_input.values, sp_input.dense_shape,
                          name=name or "SparseSplit")
    outs = outs if isinstance(outs, list) else [outs]
    return [SparseTensor(outs[i], outs[n + i], outs[2 * n + i]) for i in range(n)]


# -- filling and filtering ------------------------------------------------------------------------

@register
class SparseFillEmptyRows(OpDef):
    """Adds an entry [row, 0, ...] = default_value for every empty row of a rank >= 1
    SparseTensor. Outputs: the indices and values (row by row, each row's entries in their
    input order), which rows were empty, and where each input entry went."""

    def infer(self, indices, values, dense_shape, default_value):
        if default_value.dtype is not values.dtype:
            raise TypeError("default_value has dtype %s but values has dtype %s"
                            % (default_value.dtype.name, values.dtype.name))
        dims = _dense_dims(dense_shape)
        rank = _rows_spec(indices).shape.as_tuple()[1]
        rows = indices.shape.as_tuple()
        return [TensorSpec([None, rank], dtypes.int64), TensorSpec([None], values.dtype),
                TensorSpec([dims[0] if dims else None], dtypes.bool),
                TensorSpec([None if rows is None else rows[0]], dtypes.int64)]

    def compute(self, xp, indices, values, dense_shape, default_value):
        n_rows = int(dense_shape[0])
        rows = indices[:, 0]
        bad = xp.nonzero((rows < 0) | (rows >= n_rows))[0]
        if bad.size:
            raise ValueError("indices(%d, 0) is invalid: %d >= %d"
                             % (int(bad[0]), int(rows[int(bad[0])]), n_rows))
        empty = xp.ones(n_rows, dtype=bool)
        empty[rows] = False
        new_rows = xp.nonzero(empty)[0]
        filler = xp.zeros((new_rows.size, indices.shape[1]), dtype=xp.int64)
        filler[:, 0] = new_rows
        all_indices = xp.concatenate([indices, filler])
        all_values = xp.concatenate([values, xp.full(new_rows.size, default_value,
                                                     dtype=values.dtype)])
        order = xp.argsort(all_indices[:, 0], kind="stable")
        where_went = xp.empty(order.size, dtype=xp.int64)
        where_went[order] = xp.arange(order.size)
        return all_indices[order], all_values[order], empty, where_went[:len(values)]

    def grad(self, op, d_indices, d_values, d_empty, d_map):
        # Each input value's gradient is its output's; the default value's is the sum of the
        # gradients of the entries it filled.
        values_grad = gather(d_values, op.outputs[3])
        return [None, values_grad, None, reduce_sum(d_values) - reduce_sum(values_grad)]


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """tf.sparse_fill_empty_rows (tf.sparse.fill_empty_rows): (the SparseTensor with
    [row, 0, ...] = default_value added for each empty row, the bool vector of empty rows)."""
    _check_sparse(sp_input)
    with name_scope(name, "SparseFillEmptyRows", [sp_input]):
        default_value = convert_to_tensor(default_value, dtype=sp_input.values.dtype)
        indices, values, empty, _ = SparseFillEmptyRows()(
            sp_input.indices, sp_input.values, sp_input.dense_shape, default_value,
            name="SparseFillEmptyRows")
        return SparseTensor(indices, values, sp_input.dense_shape), empty


def sparse_retain(sp_input, to_retain):
    """tf.sparse_retain (tf.sparse.retain): the entries whose flag in the bool vector
    `to_retain` is true."""
    _check_sparse(sp_input)
    to_retain = convert_to_tensor(to_retain)
    flags = to_retain.shape
    if flags.ndims != 1:
        raise ValueError("Shape %s must have rank 1" % flags)
    n = sp_input.values.shape.as_tuple()
    if n is not None and n[0] is not None and flags[0].value is not None and \
            n[0] != flags[0].value:
        raise ValueError("Dimensions %d and %d are not compatible" % (n[0], flags[0].value))
    where_true = reshape(where(to_retain), [-1])
    return SparseTensor(gather(sp_input.indices, where_true),
                        gather(sp_input.values, where_true), identity(sp_input.dense_shape))


def from_dense(tensor, name=None):
    """tf.sparse.from_dense: the SparseTensor of a dense tensor's non-zero entries."""
    with name_scope(name, "dense_to_sparse"):
        tensor = convert_to_tensor(tensor)
        indices = where(not_equal(tensor, zeros_like(tensor)))
        return SparseTensor(indices, gather_nd(tensor, indices),
                            shape(tensor, out_type=dtypes.int64))


def sparse_expand_dims(sp_input, axis=None, name=None):
    """tf.sparse.expand_dims: a dimension of size 1 inserted at `axis` (negative: from the
    end, -1 appending one)."""
    _check_sparse(sp_input)
    rank = sp_input.dense_shape.shape.as_tuple()
    if rank is None or rank[0] is None:
        raise ValueError("minitf needs the rank of sp_input known to expand its dims")
    rank = rank[0]
    axis = static_int(0 if axis is None else axis, "axis")
    if not -rank - 1 <= axis <= rank:
        raise ValueError("axis %d is out of range for a SparseTensor of rank %d" % (axis, rank))
    axis = axis if axis >= 0 else axis + rank + 1
    with name_scope(name, "expand_dims", [sp_input]):
        indices = sp_input.indices
        column = zeros(stack([shape(indices)[0], 1]), dtype=dtypes.int64)
        indices = concat([indices[:, :axis], column, indices[:, axis:]], axis=1)
        dims = sp_input.dense_shape
        new = convert_to_tensor([1], dtype=dtypes.int64, name="new_shape")
        return SparseTensor(indices, sp_input.values, concat([dims[:axis], new, dims[axis:]], 0))


def sparse_eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None):
    """tf.sparse.eye: a [num_rows, num_columns] SparseTensor with ones on the diagonal."""
    with name_scope(name, "eye"):
        num_rows = convert_to_tensor(num_rows, dtype=dtypes.int64, name="num_rows")
        num_columns = num_rows if num_columns is None else \
            convert_to_tensor(num_columns, dtype=dtypes.int64, name="num_columns")
        size = minimum(num_rows, num_columns)
        diagonal = range_(size, dtype=dtypes.int64)
        return SparseTensor(stack([diagonal, diagonal], axis=1),
                            ones(expand_dims(size, 0), dtype=dtype),
                            [num_rows, num_columns])


def _merged(sp_ids, vocab_size):
    """The indices and dense shape of sp_ids with its last coordinate replaced by its ids and
    its last dim by vocab_size (TF's sparse_merge). With a list of SparseTensors of ids (one
    per new dim, same indices) and a list of vocab sizes, each list's ids make one new
    coordinate, after the first one's leading coordinates."""
    many = isinstance(sp_ids, (list, tuple))
    sp_ids = list(sp_ids) if many else [sp_ids]
    sizes = list(vocab_size) if many else [vocab_size]
    if len(sizes) != len(sp_ids):
        raise ValueError("sp_ids and vocab_size have to have equal lengths.")
    ids = []
    for sp in sp_ids:
        if not sp.values.dtype.is_integer:
            raise TypeError("sp_ids.values must be int32 or int64, got %s"
                            % sp.values.dtype.name)
        ids.append(reshape(cast(sp.values, dtypes.int64), [-1, 1]))
    indices = concat([sp_ids[0].indices[:, :-1]] + ids, 1)
    vocab = [reshape(convert_to_tensor(v, dtype=dtypes.int64, name="vocab_size"), [1])
             for v in sizes]
    return indices, concat([sp_ids[0].dense_shape[:-1]] + vocab, 0)


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """tf.sparse_to_indicator (tf.sparse.to_indicator): the dense bool tensor with the last
    dim replaced by vocab_size, True at [batch..., id] for each id in the SparseTensor of
    int32/int64 ids (repeats allowed)."""
    _check_sparse(sp_input)
    with name_scope(name, "SparseToIndicator", [sp_input]) as scope:
        indices, dense_shape = _merged(sp_input, vocab_size)
        flags = fill(expand_dims(shape(indices)[0], 0), True)
        return sparse_to_dense(indices, dense_shape, flags, False, validate_indices=False,
                               name=scope)


def sparse_merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    """tf.sparse_merge (tf.sparse.merge): the SparseTensor with sp_values' values at
    [batch..., id] for the ids of sp_ids (same indices), in a last dim of vocab_size;
    reordered to row-major order unless already_sorted. A list of SparseTensors of ids with a
    list of vocab sizes gives one new dim each."""
    for sp in (sp_ids if isinstance(sp_ids, (list, tuple)) else [sp_ids]):
        _check_sparse(sp, "sp_ids")
    _check_sparse(sp_values, "sp_values")
    with name_scope(name, "SparseMerge", [sp_ids, sp_values]):
        indices, dense_shape = _merged(sp_ids, vocab_size)
        merged = SparseTensor(indices, sp_values.values, dense_shape)
        if already_sorted:
            return merged
        ordered = sparse_reorder(merged)
        return SparseTensor(ordered.indices, ordered.values, dense_shape)


def sparse_reset_shape(sp_input, new_shape=None):
    """tf.sparse_reset_shape (tf.sparse.reset_shape): the SparseTensor with dense shape
    new_shape (no smaller than the old one: checked when built if both are known, else when
    run), or, without one, the tightest shape holding its indices."""
    _check_sparse(sp_input)
    indices, values = identity(sp_input.indices), identity(sp_input.values)
    old = identity(sp_input.dense_shape)
    if new_shape is None:
        return SparseTensor(indices, values, maximum(
            convert_to_tensor(0, dtype=dtypes.int64), reduce_max(indices, axis=0) + 1))
    new = cast(convert_to_tensor(new_shape), dtypes.int64)
    if new.shape.ndims != 1:
        raise ValueError("Shape %s must have rank 1" % new.shape)
    n, m = new.shape[0].value, old.shape[0].value
    if n is not None and m is not None and n != m:
        raise ValueError("Dimensions %d and %d are not compatible" % (n, m))
    known = constant_value(new)
    if known is not None and sp_input.shape.is_fully_defined():
        old_dims = np.array(sp_input.shape.as_list())
        if not np.all(old_dims <= known):
            # TF 2's words, with the two shapes the other way round as TF prints them.
            raise ValueError("Requested new_shape should have dimension sizes >= "
                             "sp_input.shape.  Found new_shape (%s), sp_input.shape (%s)."
                             % (old_dims, known))
        return SparseTensor(indices, values, known)
    with control_dependencies([assert_equal(shape(old), shape(new))]):
        new = identity(new, name="control_dependency")
    with control_dependencies([assert_less_equal(old, new)]):
        new = identity(new, name="control_dependency")
    return SparseTensor(indices, values, new)


@register
class ListDiff(OpDef):
    """The entries of x not in y, in x's order, and their positions in x (TF's ListDiff)."""

    out_idx: object = dtypes.int32
    differentiable = False

    def infer(self, x, y):
        if x.dtype is not y.dtype:
            raise TypeError("Input 'y' of 'ListDiff' Op has type %s that does not match type %s "
                            "of argument 'x'." % (y.dtype.name, x.dtype.name))
        for t, what in ((x, "x"), (y, "y")):
            if t.shape.ndims not in (None, 1):
                raise ValueError("Shape must be rank 1 but is rank %d for %s"
                                 % (t.shape.ndims, what))
        return [TensorSpec([None], x.dtype), TensorSpec([None], self.out_idx)]

    def compute(self, xp, x, y):
        keep = xp.nonzero(~xp.isin(x, y))[0]
        return x[keep], keep.astype(self.out_idx.as_numpy_dtype)


ListDiffResult = collections.namedtuple("ListDiff", ["out", "idx"])


def _list_diff(x, y, index_dtype=dtypes.int32, name=None):
    with name_scope(name, "ListDiff", [x, y]) as scope:
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
        return ListDiffResult(*ListDiff(dtypes.as_dtype(index_dtype))(x, y, name=scope))


@deprecated("2018-11-30", "This op will be removed after the deprecation date. Please switch "
                          "to tf.sets.difference().")
def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """tf.setdiff1d: (out, idx), the entries of the vector x not in y (in x's order, repeats
    kept) and their positions in x, as TF's namedtuple ListDiff(out, idx). Deprecated in TF 1.x
    for tf.sets.difference (which minitf does not have): the first call logs TF's warning."""
    return _list_diff(x, y, index_dtype, name)


def sparse_mask(a, mask_indices, name=None):
    """tf.sparse_mask: the tf.IndexedSlices `a` without the slices whose index is in
    mask_indices."""
    with name_scope(name, "sparse_mask", [a, mask_indices]) as scope:
        out_indices, to_gather = _list_diff(a.indices, mask_indices)
        return IndexedSlices(gather(a.values, to_gather, name=scope), out_indices, a.dense_shape)

