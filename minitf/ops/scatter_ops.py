"""Updates of a variable in place at indices: the row updates ScatterAdd, ScatterSub,
ScatterUpdate (what TF1's optimizers apply sparse gradients with), ScatterMul, ScatterDiv,
ScatterMax, ScatterMin, and the index-tuple updates ScatterNdUpdate, ScatterNdAdd,
ScatterNdSub (tf.scatter_* and tf.scatter_nd_*)."""

import numpy

from minitf import errors
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import TensorShape, format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.core import broadcast_to, index_tensor, reshape, shape, stack
from minitf.ops.ranges import range as range_
from minitf.ops.elementwise import TruncateDiv
from minitf.ops.gather_scatter import (check_nd_updates, first_bad_index, format_index,
                                      scatter_nd_into)
from minitf.ops.op_util import check_dtype, check_int_dtype, rank_error, type_mismatch_error
from minitf.ops.state_ops import uninitialized_error, variable_ref, variable_storage

__all__ = ["scatter_add", "scatter_sub", "scatter_update", "scatter_mul", "scatter_div",
           "scatter_max", "scatter_min", "scatter_nd_update", "scatter_nd_add", "scatter_nd_sub",
           "batch_scatter_update"]

_ROUNDS = 4  # passes of distinct rows before apply_at leaves the rest to ufunc.at


def apply_at(xp, ufunc, target, indices, updates, distinct=None):
    """`ufunc.at(target, indices, updates)` (target[indices[i]] = ufunc(target[indices[i]],
    updates[i]) for each i in order, so that repeated indices accumulate with the same rounding)
    by whole rows: numpy's ufunc.at walks a 2-D target element by element, 20-40x slower than
    fancy indexing on the rows a sparse gradient touches. Distinct indices (the common case of a
    sparse gradient; `distinct` when the caller already knows) are one gather, ufunc and scatter.
    Otherwise one pass applies the first occurrence of each index, the next the second ones, and
    so on; after a few passes (an index repeated many times) ufunc.at takes the rest. A 1-D
    target keeps ufunc.at (numpy's fast path there). Indices must be in [0, target.shape[0])."""
    if target.ndim < 2:
        _at(xp, ufunc, target, indices, updates)
        return
    idx = indices.reshape(-1)
    upd = updates.reshape(idx.shape + target.shape[1:])
    if distinct is None:
        distinct = all_distinct(xp, idx)
    if distinct:
        _apply_rows(ufunc, target, idx, upd)
        return
    for _ in range(_ROUNDS):
        order = xp.argsort(idx, kind="stable")
        ordered = idx[order]
        repeat = ordered[1:] == ordered[:-1]  # a later occurrence of the index before it
        if not repeat.any():
            _apply_rows(ufunc, target, idx, upd)
            return
        first = xp.ones(idx.shape, dtype=bool)
        first[order[1:][repeat]] = False
        _apply_rows(ufunc, target, idx[first], upd[first])
        later = ~first
        idx, upd = idx[later], upd[later]
    _at(xp, ufunc, target, idx, upd)


def _at(xp, ufunc, target, idx, upd):
    """ufunc.at; cupy's subtract.at takes integers only, and adding the negated updates gives
    the same bits (a - b is a + -b exactly)."""
    if ufunc is xp.subtract and target.dtype.kind in "fc" and xp.__name__ != "numpy":
        xp.add.at(target, idx, -upd)
    else:
        ufunc.at(target, idx, upd)


def all_distinct(xp, idx):
    """Whether the 1-D index array has no repeated value (a sort: 5x cheaper than the stable
    argsort the passes of apply_at need)."""
    if idx.size < 2:
        return True
    ordered = idx.copy()
    ordered.sort()
    return not (ordered[1:] == ordered[:-1]).any()


def _apply_rows(ufunc, target, distinct, updates):
    # (indices made intp once: numpy converts others in both the take and the assignment,
    # where the assignment's conversion alone costs more than this one)
    distinct = distinct.astype("intp", copy=False)
    rows = target.take(distinct, axis=0)
    ufunc(rows, updates, out=rows)
    if (type(target) is numpy.ndarray and rows.size and target.flags.c_contiguous
            and not target.dtype.hasobject):
        # each row as one opaque element: `put` of 128 elements of 512 bytes costs ~0.8 us
        # less than assigning 128 rows by fancy indexing (the same bytes)
        row = numpy.dtype((numpy.void, rows.itemsize * (rows.size // len(rows))))
        target.reshape(len(target), -1).view(row).reshape(-1).put(
            distinct, rows.reshape(len(rows), -1).view(row).reshape(-1))
    else:
        target[distinct] = rows


def check_row_indices(xp, op, indices, rows, distinct=False):
    """InvalidArgumentError (TF's words) unless every index is in [0, rows); called before
    anything is written, so a failed run leaves the variable as it was. With `distinct`, also
    says whether the indices are all distinct (one sort answers both), else returns None."""
    if distinct and indices.size:
        ordered = indices.reshape(-1).copy()  # (sorted in place: xp.sort's wrapper costs more)
        ordered.sort()
        if 0 <= ordered[0] and ordered[-1] < rows:
            return ordered.size < 2 or not (ordered[1:] == ordered[:-1]).any()
    bad = first_bad_index(xp, indices, rows)
    if bad is not None:
        raise errors.InvalidArgumentError(
            None, op, "indices%s = %d is not in [0, %d)" % (format_index(bad), int(indices[bad]),
                                                           rows))
    return True if distinct else None


class _ScatterBase(OpDef):
    """ref[indices[i], ...] (op)= updates[i, ...]: updates has shape indices.shape +
    ref.shape[1:]. The output is the variable after the update."""

    stateful = True
    fresh_output = False
    differentiable = False
    ref_inputs = (0,)
    by_rows = True  # write() applies distinct rows at once (apply_at), if told they are
    allowed = "numeric"
    ufunc = None  # the array-module ufunc combining a row with its update (repeats in order)

    def write(self, xp, current, indices, updates, distinct):
        apply_at(xp, getattr(xp, self.ufunc), current, indices, updates, distinct)

    def infer(self, ref, indices, updates):
        check_dtype(self.type_name, ref.dtype, self.allowed, "T")
        check_int_dtype(indices, "indices")
        if updates.dtype is not ref.dtype:
            raise type_mismatch_error(self.type_name, "updates", updates.dtype, "ref", ref.dtype)
        dims, idx = ref.shape.as_tuple(), indices.shape.as_tuple()
        if dims is not None and idx is not None:
            if not dims:
                raise rank_error(1, 0, " for '%s' (ref)" % self.type_name, at_least=True)
            need = TensorShape(idx + dims[1:])
            if not updates.shape.is_compatible_with(need):
                raise ValueError("Shapes of updates and indices do not match: updates.shape = %s "
                                 "should be indices.shape + ref.shape[1:] = %s"
                                 % (format_dims(updates.shape.as_tuple()),
                                    format_dims(need.as_tuple())))
        return TensorSpec(ref.shape, ref.dtype)

    def bind(self, ctx, op):
        store, var, xp = ctx.variables, variable_storage(ctx, op), ctx.xp_for(op)
        write, rows_apart = self.write, self.by_rows

        def scatter(indices, updates):
            try:
                current = store[var]
            except KeyError:
                raise uninitialized_error(var, op) from None
            if updates.shape != indices.shape + current.shape[1:]:
                raise errors.InvalidArgumentError(
                    None, op, "Must have updates.shape = indices.shape + params.shape[1:], got "
                    "updates.shape %s, indices.shape %s, params.shape %s"
                    % (format_dims(updates.shape), format_dims(indices.shape),
                       format_dims(current.shape)))
            distinct = check_row_indices(xp, op, indices, current.shape[0],
                                         rows_apart and current.ndim > 1)
            write(xp, current, indices, updates, distinct)
            return current
        return scatter


@register
class ScatterAdd(_ScatterBase):
    use_locking: bool = False
    ufunc = "add"  # repeated indices add up


@register
class ScatterSub(_ScatterBase):
    use_locking: bool = False
    ufunc = "subtract"


@register
class ScatterUpdate(_ScatterBase):
    use_locking: bool = True
    by_rows = False
    allowed = "any"

    def write(self, xp, current, indices, updates, distinct):
        current[indices] = updates  # a repeated index keeps one of its updates (TF: any)


@register
class ScatterMul(_ScatterBase):
    use_locking: bool = False
    ufunc = "multiply"


@register
class ScatterDiv(_ScatterBase):
    use_locking: bool = False
    ufunc = "true_divide"

    def write(self, xp, current, indices, updates, distinct):
        if current.dtype.kind not in "iu":
            super().write(xp, current, indices, updates, distinct)
            return
        # integers divide as C does (toward zero: TruncateDiv's kernel), one update after the
        # other: no ufunc.at does that, and integer variables divided by scatter are rare
        rows, divide = updates.reshape((-1,) + current.shape[1:]), TruncateDiv().compute
        for i, row in enumerate(indices.reshape(-1).tolist()):
            current[row] = divide(xp, current[row], rows[i])


@register
class ScatterMax(_ScatterBase):
    use_locking: bool = False
    allowed = "ordered"
    ufunc = "maximum"


@register
class ScatterMin(_ScatterBase):
    use_locking: bool = False
    allowed = "ordered"
    ufunc = "minimum"


class _ScatterNdBase(OpDef):
    """ref[indices[..., :k]] (op)= updates, each index tuple along indices' last axis
    addressing an element or slice of the variable. The output is the variable after it."""

    stateful = True
    fresh_output = False
    differentiable = False
    ref_inputs = (0,)
    allowed = "numeric"
    ufunc = None  # the array-module ufunc combining old and new values (None: replace)

    def infer(self, ref, indices, updates):
        check_dtype(self.type_name, ref.dtype, self.allowed, "T")
        check_nd_updates(self.type_name, ref, indices, updates, "ref")
        return TensorSpec(ref.shape, ref.dtype)

    def bind(self, ctx, op):
        store, var, xp = ctx.variables, variable_storage(ctx, op), ctx.xp_for(op)
        ufunc = self.ufunc and getattr(xp, self.ufunc)

        def scatter(indices, updates):
            try:
                current = store[var]
            except KeyError:
                raise uninitialized_error(var, op) from None
            scatter_nd_into(xp, ufunc, current, indices, updates)
            return current
        return scatter


@register
class ScatterNdUpdate(_ScatterNdBase):
    use_locking: bool = True
    allowed = "any"


@register
class ScatterNdAdd(_ScatterNdBase):
    use_locking: bool = False
    ufunc = "add"


@register
class ScatterNdSub(_ScatterNdBase):
    use_locking: bool = False
    ufunc = "subtract"


def _scatter(opdef, ref, indices, updates, name, default_name):
    ref = variable_ref(ref)
    with name_scope(name, default_name, [ref, indices, updates]) as scope:
        inputs = [ref, index_tensor(indices, name="indices"),
                  convert_to_tensor(updates, preferred_dtype=ref.dtype, name="updates")]
        return get_default_graph().create_op(opdef, inputs, name=scope).outputs[0]


def scatter_add(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_add: adds updates[i] to row indices[i] of the variable `ref` (repeated indices
    add up); returns the variable's new value."""
    return _scatter(ScatterAdd(use_locking=bool(use_locking)), ref, indices, updates, name,
                    "ScatterAdd")


def scatter_sub(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_sub: subtracts updates[i] from row indices[i] of the variable `ref`."""
    return _scatter(ScatterSub(use_locking=bool(use_locking)), ref, indices, updates, name,
                    "ScatterSub")


def scatter_update(ref, indices, updates, use_locking=True, name=None):
    """tf.scatter_update: sets row indices[i] of the variable `ref` to updates[i]."""
    return _scatter(ScatterUpdate(use_locking=bool(use_locking)), ref, indices, updates, name,
                    "ScatterUpdate")


def scatter_mul(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_mul: multiplies row indices[i] of the variable `ref` by updates[i]."""
    return _scatter(ScatterMul(use_locking=bool(use_locking)), ref, indices, updates, name,
                    "ScatterMul")


def scatter_div(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_div: divides row indices[i] of the variable `ref` by updates[i] (integers
    round toward zero)."""
    return _scatter(ScatterDiv(use_locking=bool(use_locking)), ref, indices, updates, name,
                    "ScatterDiv")


def scatter_max(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_max: row indices[i] of the variable `ref` becomes its elementwise maximum
    with updates[i]."""
    return _scatter(ScatterMax(use_locking=bool(use_locking)), ref, indices, updates, name,
                    "ScatterMax")


def scatter_min(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_min: row indices[i] of the variable `ref` becomes its elementwise minimum
    with updates[i]."""
    return _scatter(ScatterMin(use_locking=bool(use_locking)), ref, indices, updates, name,
                    "ScatterMin")


def scatter_nd_update(ref, indices, updates, use_locking=True, name=None):
    """tf.scatter_nd_update: sets the elements or slices of the variable `ref` at `indices`
    (index tuples along the last axis) to `updates`; returns the variable's new value."""
    return _scatter(ScatterNdUpdate(use_locking=bool(use_locking)), ref, indices, updates,
                    name, "ScatterNdUpdate")


def batch_scatter_update(ref, indices, updates, use_locking=True, name=None):
    """tf.batch_scatter_update: for indices of shape batch + [k], sets
    ref[b..., indices[b..., j]] = updates[b..., j] for every batch position b (ref is batch +
    [n] + the rest), as one ScatterNdUpdate over the (b..., index) tuples, as TF builds it."""
    with name_scope(name):
        indices = convert_to_tensor(indices, name="indices")
        check_int_dtype(indices, "indices")
        batch_dims = indices.shape.ndims
        if batch_dims is None:
            raise ValueError("batch_scatter_update needs indices of known rank, got %s"
                             % indices.name)
        batch_dims -= 1
        dims = shape(indices, out_type=indices.dtype)
        coords = []
        for axis in range(batch_dims):
            view = [1] * (batch_dims + 1)
            view[axis] = -1
            coords.append(broadcast_to(reshape(range_(dims[axis]), view), dims))
        nd_indices = stack(coords + [indices], axis=-1)
        return scatter_nd_update(ref, nd_indices, updates, use_locking=use_locking)


def scatter_nd_add(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_nd_add: adds `updates` to the variable `ref` at `indices` (repeated indices
    add up)."""
    return _scatter(ScatterNdAdd(use_locking=bool(use_locking)), ref, indices, updates, name,
                    "ScatterNdAdd")


def scatter_nd_sub(ref, indices, updates, use_locking=False, name=None):
    """tf.scatter_nd_sub: subtracts `updates` from the variable `ref` at `indices`."""
    return _scatter(ScatterNdSub(use_locking=bool(use_locking)), ref, indices, updates, name,
                    "ScatterNdSub")
