"""tf.sets: set operations along the last dimension of dense tensors and SparseTensors
(DenseToDenseSetOperation, DenseToSparseSetOperation, SparseToSparseSetOperation, SetSize).

Each row (all indices but the last) of an input is a set of its values, repeats counted once.
The kernels run on the host: they copy their inputs to numpy, loop over the rows in Python
(Python sets of the row's values, then sorted), and copy the result back to the array module
of the run, so they suit the small, ragged batches tf.sets is used on, not large tensors. No
set op has a gradient (TF registers none)."""

import dataclasses

import numpy as np

from minitf import dtypes
from minitf.backend import to_module, to_numpy
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import TensorSpec
from minitf.ops.sparse_ops import check_sparse_indices, convert_to_tensor_or_sparse_tensor

_VALID_DTYPES = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8,
                 dtypes.uint16, dtypes.string)
_OPERATIONS = {"a-b": lambda a, b: a - b, "b-a": lambda a, b: b - a,
               "intersection": lambda a, b: a & b, "union": lambda a, b: a | b}


def _dims(dims):
    return "[%s]" % ",".join(str(int(d)) for d in dims)


def _sparse_rows(xp, indices, values, shape, validate):
    """The sparse input's batch shape and {row number: set of its values}, rows counted in the
    row-major order of the batch dims; with `validate`, the indices must lie in the dense shape
    and come in strictly increasing row-major order, as TF checks them."""
    if validate:
        check_sparse_indices(xp, indices, shape)
    indices, values, shape = to_numpy(indices), to_numpy(values), to_numpy(shape)
    batch = tuple(int(d) for d in shape[:-1])
    rows = {}
    if len(indices):
        keys = np.ravel_multi_index(tuple(indices[:, :-1].T), batch) if batch else \
            np.zeros(len(indices), np.int64)
        for row, value in zip(keys, values):
            rows.setdefault(int(row), set()).add(value)
    return batch, rows


def _dense_rows(a):
    a = to_numpy(a)
    flat = a.reshape(int(np.prod(a.shape[:-1])), a.shape[-1])
    return a.shape[:-1], {r: set(row.tolist()) for r, row in enumerate(flat) if len(row)}


def _result(xp, batch, rows, dtype):
    """The rows' sorted sets as TF's (indices, values, dense_shape): batch dims + the largest
    row's size, entries in row-major order."""
    indices, values, width = [], [], 0
    for r in sorted(rows):
        elements = sorted(rows[r])
        width = max(width, len(elements))
        coords = np.unravel_index(r, batch) if batch else ()
        indices.extend([*map(int, coords), j] for j in range(len(elements)))
        values.extend(elements)
    indices = np.array(indices, np.int64).reshape(-1, len(batch) + 1)
    values = np.array(values, dtype) if len(values) else np.zeros(0, dtype)
    shape = np.array(list(batch) + [width], np.int64)
    return tuple(to_module(x, xp) for x in (indices, values, shape))


def _sizes(xp, batch, rows):
    """SetSize's result on the host: each row's set size, int32, in the batch shape."""
    sizes = np.zeros(int(np.prod(batch)), np.int32)
    for r, elements in rows.items():
        sizes[r] = len(elements)
    return to_module(sizes.reshape(batch), xp)


def _combine(xp, set_operation, a, b, dtype):
    (batch_a, rows_a), (batch_b, rows_b) = a, b
    if batch_a != batch_b:
        raise ValueError("Mismatched shapes %s vs %s" % (_dims(batch_a), _dims(batch_b)))
    apply = _OPERATIONS[set_operation]
    empty = set()
    rows = {r: apply(rows_a.get(r, empty), rows_b.get(r, empty))
            for r in set(rows_a) | set(rows_b)}
    return _result(xp, batch_a, {r: s for r, s in rows.items() if s}, dtype)


def _check_rank(rank, want=None):
    if rank is not None and want is None and rank < 2:
        raise ValueError("Shape must be at least rank 2 but is rank %d" % rank)
    if rank is not None and want is not None and rank != want:
        raise ValueError("Shape must be rank %d but is rank %d" % (want, rank))


def _static(dims):
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def _merge_batch(a_dims, b_dims):
    for i, (x, y) in enumerate(zip(a_dims[:-1], b_dims[:-1])):
        if x is not None and y is not None and x != y:
            raise ValueError("Dimension %d in both shapes must be equal, but are %d and %d. "
                             "Shapes are %s and %s." % (i, x, y, _static(a_dims[:-1]),
                                                        _static(b_dims[:-1])))


def _sparse_rank(indices, shape):
    rank = indices.shape.as_tuple()
    known = shape.shape.as_tuple()
    for r in (rank and rank[1], known and known[0]):
        if r is not None:
            return r
    return None


def _outputs(rank, dtype):
    return [TensorSpec([None, rank], dtypes.int64), TensorSpec([None], dtype),
            TensorSpec([rank], dtypes.int64)]


def _check_dtype(op, a, b):
    if a.dtype not in _VALID_DTYPES:
        raise TypeError("Value for attr 'T' of %s is not in the list of allowed values for %s"
                        % (a.dtype.name, op))
    if b.dtype is not a.dtype:
        raise TypeError("Input of '%s' Op has type %s that does not match type %s"
                        % (op, b.dtype.name, a.dtype.name))


@dataclasses.dataclass(frozen=True)
class _SetOperation(OpDef):
    set_operation: str = "union"
    validate_indices: bool = True

    differentiable = False


@register
class DenseToDenseSetOperation(_SetOperation):
    """The set operation of the rows of two dense tensors of one rank and batch shape."""

    def infer(self, a, b):
        _check_dtype(type(self).__name__, a, b)
        a_dims, b_dims = a.shape.as_tuple(), b.shape.as_tuple()
        _check_rank(None if a_dims is None else len(a_dims))
        _check_rank(None if b_dims is None else len(b_dims),
                    None if a_dims is None else len(a_dims))
        rank = a_dims is not None and len(a_dims) or b_dims is not None and len(b_dims) or None
        if a_dims is not None and b_dims is not None:
            _merge_batch(a_dims, b_dims)
        return _outputs(rank, a.dtype)

    def compute(self, xp, a, b):
        return _combine(xp, self.set_operation, _dense_rows(a), _dense_rows(b), a.dtype)


@register
class DenseToSparseSetOperation(_SetOperation):
    """The set operation of a dense tensor's rows and a SparseTensor's rows (sparse on the
    right only: tf.sets swaps a sparse-dense pair)."""

    def infer(self, a, b_indices, b_values, b_shape):
        _check_dtype(type(self).__name__, a, b_values)
        a_dims = a.shape.as_tuple()
        _check_rank(None if a_dims is None else len(a_dims))
        rank = _sparse_rank(b_indices, b_shape)
        if a_dims is not None and rank is not None and rank != len(a_dims):
            raise ValueError("Dimension must be %d but is %d" % (len(a_dims), rank))
        return _outputs(rank if a_dims is None else len(a_dims), a.dtype)

    def compute(self, xp, a, b_indices, b_values, b_shape):
        b = _sparse_rows(xp, b_indices, b_values, b_shape, self.validate_indices)
        return _combine(xp, self.set_operation, _dense_rows(a), b, a.dtype)


@register
class SparseToSparseSetOperation(_SetOperation):
    """The set operation of two SparseTensors' rows."""

    tf_signature = TFSignature(type_attrs=(("T", 1),))  # T is the values' dtype

    def infer(self, a_indices, a_values, a_shape, b_indices, b_values, b_shape):
        _check_dtype(type(self).__name__, a_values, b_values)
        ra, rb = _sparse_rank(a_indices, a_shape), _sparse_rank(b_indices, b_shape)
        if ra is not None and rb is not None and ra != rb:
            raise ValueError("Dimension must be %d but is %d" % (ra, rb))
        return _outputs(ra if ra is not None else rb, a_values.dtype)

    def compute(self, xp, a_indices, a_values, a_shape, b_indices, b_values, b_shape):
        a = _sparse_rows(xp, a_indices, a_values, a_shape, self.validate_indices)
        b = _sparse_rows(xp, b_indices, b_values, b_shape, self.validate_indices)
        return _combine(xp, self.set_operation, a, b, a_values.dtype)


@register
@dataclasses.dataclass(frozen=True)
class SetSize(OpDef):
    """The number of distinct values in each row of a SparseTensor (int32, batch-shaped; the
    static shape is unknown, as TF infers it)."""

    validate_indices: bool = True
    differentiable = False
    tf_signature = TFSignature(type_attrs=(("T", 1),))

    def infer(self, indices, values, shape):
        return TensorSpec(None, dtypes.int32)

    def compute(self, xp, indices, values, shape):
        return _sizes(xp, *_sparse_rows(xp, indices, values, shape, self.validate_indices))


def _tf_repr(dtype):
    return "<dtype: '%s'>" % dtype.name


def _invalid(what, dtype):
    names = ", ".join("tf." + d.name for d in _VALID_DTYPES)
    return TypeError("%s `%s` not in supported dtypes: `frozenset({%s})`." % (
        what, _tf_repr(dtype), names))


def set_size(a, validate_indices=True):
    """tf.sets.set_size (tf.sets.size): the number of distinct values in each last-dimension
    row of SparseTensor `a`, an int32 tensor of its batch shape."""
    a = convert_to_tensor_or_sparse_tensor(a, name="a")
    if not isinstance(a, SparseTensor):
        raise TypeError("Expected `SparseTensor`, got %s." % a)
    if a.values.dtype not in _VALID_DTYPES:
        raise _invalid("Invalid dtype", a.values.dtype)
    return SetSize(validate_indices=validate_indices)(a.indices, a.values, a.dense_shape,
                                                      name="SetSize")


def _convert(a, b):
    """a and b as tensors or SparseTensors of one allowed dtype, a sparse-dense pair swapped
    (the ops take sparse on the right only) and whether it was."""
    a = convert_to_tensor_or_sparse_tensor(a, name="a")
    if a.dtype not in _VALID_DTYPES:
        raise _invalid("'a' has invalid dtype", a.dtype)
    b = convert_to_tensor_or_sparse_tensor(b, name="b")
    if b.dtype is not a.dtype:
        raise TypeError("Types don't match, %s vs %s." % (_tf_repr(a.dtype), _tf_repr(b.dtype)))
    if isinstance(a, SparseTensor) and not isinstance(b, SparseTensor):
        return b, a, True
    return a, b, False


def _set_operation(a, b, set_operation, validate_indices):
    attrs = dict(set_operation=set_operation, validate_indices=validate_indices)
    if isinstance(a, SparseTensor):
        op = SparseToSparseSetOperation(**attrs)
        args = (a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape)
    elif isinstance(b, SparseTensor):
        op = DenseToSparseSetOperation(**attrs)
        args = (a, b.indices, b.values, b.dense_shape)
    else:
        op, args = DenseToDenseSetOperation(**attrs), (a, b)
    return SparseTensor(*op(*args, name=type(op).__name__))


def set_intersection(a, b, validate_indices=True):
    """tf.sets.set_intersection (tf.sets.intersection): each last-dimension row's values that
    both `a` and `b` hold, sorted, as a SparseTensor."""
    a, b, _ = _convert(a, b)
    return _set_operation(a, b, "intersection", validate_indices)


def set_union(a, b, validate_indices=True):
    """tf.sets.set_union (tf.sets.union): each last-dimension row's values that `a` or `b`
    holds, sorted, as a SparseTensor."""
    a, b, _ = _convert(a, b)
    return _set_operation(a, b, "union", validate_indices)


def set_difference(a, b, aminusb=True, validate_indices=True):
    """tf.sets.set_difference (tf.sets.difference): each last-dimension row's values of `a`
    not in `b` (of `b` not in `a` with aminusb=False), sorted, as a SparseTensor."""
    a, b, flipped = _convert(a, b)
    if flipped:
        aminusb = not aminusb
    return _set_operation(a, b, "a-b" if aminusb else "b-a", validate_indices)
