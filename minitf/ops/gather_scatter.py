"""Indexing by index tensors: gather, gather_nd, scatter_nd, boolean_mask and the
tensor_scatter_nd family (a copy of a tensor with elements or slices replaced or combined)."""

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape, format_dims, normalize_axis
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value_as_shape
from minitf.ops.core import (cast, convert_to_tensor, expand_dims, identity, index_tensor, reshape,
                             shape, stack, zeros_like)
from minitf.ops.elementwise import equal, multiply, negative, truediv, where_indices
from minitf.ops.join_split import concat
from minitf.ops.op_util import (check_dtype, check_int_dtype, check_shape_tensor, rank_error,
                                static_int, type_mismatch_error)
from minitf.ops.shape_ops import size, squeeze, transpose

__all__ = ["gather", "gather_nd", "scatter_nd", "boolean_mask", "tensor_scatter_nd_update",
           "tensor_scatter_nd_add", "tensor_scatter_nd_sub", "tensor_scatter_nd_max",
           "tensor_scatter_nd_min"]


def first_bad_index(xp, indices, bounds):
    """Position of the first index outside [0, bound) (TF's CPU kernels refuse them, where numpy
    would wrap negative ones around), or None. `bounds` is an int or, for index tuples along
    the last axis, a list."""
    if isinstance(bounds, int) and indices.size and indices.dtype.kind in "iu" and \
            indices.view("u%d" % indices.dtype.itemsize).max() < bounds:
        return None  # (one reduction, negative indices seen as huge unsigned ones: the common
        # case, cheaper than a mask)
    bad = (indices < 0) | (indices >= xp.asarray(bounds, dtype=indices.dtype))
    if not bad.any():
        return None
    return tuple(int(i) for i in xp.argwhere(bad)[0])


def format_index(position):
    return "[%s]" % ",".join(str(i) for i in position)


@register
class GatherV2(OpDef):
    tf_signature = TFSignature(
        type_attrs=(("Tparams", 0), ("Tindices", 1), ("Taxis", 2)),
        const_input=("axis", "axis", 2, 3))
    axis: int = 0  # no out=: np.take with out= and mode='raise' buffers, and is 2x slower

    def infer(self, params, indices):
        check_int_dtype(indices, "indices")
        dims, idx = params.shape.as_tuple(), indices.shape.as_tuple()
        if dims is None or idx is None:
            return TensorSpec(None, params.dtype)
        if not dims:
            raise rank_error(1, 0, at_least=True)
        (axis,) = normalize_axis(self.axis, len(dims), "gather axis")
        return TensorSpec(dims[:axis] + idx + dims[axis + 1:], params.dtype)

    def compute(self, xp, params, indices):
        n = params.shape[self.axis]
        bad = first_bad_index(xp, indices, n)
        if bad is not None:
            raise ValueError("indices%s = %d is not in [0, %d)"
                             % (format_index(bad), int(indices[bad]), n))
        return params.take(indices, axis=self.axis)  # (the method: xp.take is a wrapper of it)

    def grad(self, op, dy):
        # Along axis 0, an IndexedSlices; along another axis, scatter-add dy into zeros of
        # params' runtime shape, the gathered axis moved to the front (indices flattened) so
        # that one ScatterNd does it.
        params, indices = op.inputs
        if self.axis == 0:  # sparse: the rows gathered, at the indices (TF's _GatherV2Grad)
            dims = shape(params)
            size_ = expand_dims(size(indices), 0)
            return [IndexedSlices(reshape(dy, concat([size_, dims[1:]], 0)),
                                  reshape(indices, size_), dims), None]
        rank = params.shape.ndims
        if rank is None:
            raise ValueError("The gradient of gather along axis %d needs the rank of params"
                             % self.axis)
        axis = self.axis % rank
        dims = shape(params)
        flat = reshape(dy, concat([dims[:axis], [-1], dims[axis + 1:]], 0))
        perm = [axis] + [i for i in range(rank) if i != axis]
        moved = scatter_nd(expand_dims(reshape(indices, [-1]), -1), transpose(flat, perm),
                           gather(dims, perm))
        return [transpose(moved, np.argsort(perm)), None]


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """tf.gather: slices of `params` along `axis` at `indices` (output shape: params.shape[:axis]
    + indices.shape + params.shape[axis+1:]); out-of-range indices are an error at run time."""
    if batch_dims:
        raise NotImplementedError("minitf's tf.gather supports batch_dims=0 only")
    axis = 0 if axis is None else static_int(axis, "the gather axis")
    with name_scope(name, "GatherV2", [params, indices]) as scope:
        p = convert_to_tensor(params, name="params")
        return GatherV2(axis)(p, index_tensor(indices, name="indices"), name=scope)


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """tf.boolean_mask: the slices of `tensor` (from `axis` on, over mask's rank) where `mask`
    is true, flattened into one dimension of unknown size. Composed as TF does (reshape, Where,
    gather), so its gradient is theirs."""
    with name_scope(name, "boolean_mask", [tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        if mask.dtype is not dtypes.bool:
            raise TypeError("mask must be a bool tensor, got %s" % mask.dtype.name)
        k = mask.shape.ndims
        if k is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None is "
                             "not.")
        if k == 0:
            raise ValueError("mask cannot be scalar.")
        axis = 0 if axis is None else static_int(axis, "boolean_mask's axis")
        dims = tensor.shape
        if axis < 0:
            if dims.ndims is None:
                raise ValueError("A negative axis needs the rank of the tensor")
            axis += dims.ndims
        dims[axis:axis + k].assert_is_compatible_with(mask.shape)
        if k > 1:
            shape_ = shape(tensor)
            tensor = reshape(tensor, concat([shape_[:axis], stack([size(mask)]),
                                             shape_[axis + k:]], 0))
            tensor.set_shape(dims[:axis].concatenate([dims[axis:axis + k].num_elements()])
                             .concatenate(dims[axis + k:]))
            mask = reshape(mask, [-1])
        return gather(tensor, squeeze(where_indices(mask), axis=[1]), axis=axis)


def _nd_index(indices):
    return tuple(indices[..., j] for j in range(indices.shape[-1]))


@register
class GatherNd(OpDef):
    tf_signature = TFSignature(type_attrs=(("Tparams", 0), ("Tindices", 1)))
    def infer(self, params, indices):
        check_int_dtype(indices, "indices")
        dims, idx = params.shape.as_tuple(), indices.shape.as_tuple()
        if not idx:
            if idx is not None:
                raise ValueError("indices must be at least rank 1")
            return TensorSpec(None, params.dtype)
        k = idx[-1]
        if k is None or dims is None:
            return TensorSpec(None, params.dtype)
        if k > len(dims):
            raise ValueError("indices.shape[-1] must be <= params.rank, but saw indices shape: %s "
                             "and params shape: %s" % (format_dims(idx), format_dims(dims)))
        return TensorSpec(idx[:-1] + dims[k:], params.dtype)

    def compute(self, xp, params, indices):
        k = indices.shape[-1]
        bad = first_bad_index(xp, indices, list(params.shape[:k]))
        if bad is not None:
            raise ValueError("indices%s = %s does not index into param shape %s"
                             % (format_index(bad[:-1]), indices[bad[:-1]].tolist(),
                                format_dims(params.shape)))
        if k == 0:
            return xp.broadcast_to(params, indices.shape[:-1] + params.shape).copy()
        return params[_nd_index(indices)]

    def grad(self, op, dy):
        params, indices = op.inputs
        return [scatter_nd(indices, dy, shape(params, out_type=indices.dtype)), None]


def gather_nd(params, indices, name=None, batch_dims=0):
    """tf.gather_nd: indices[..., :k] address elements (or slices) of params' first k axes."""
    if batch_dims:
        raise NotImplementedError("minitf's tf.gather_nd supports batch_dims=0 only")
    with name_scope(name, "GatherNd", [params, indices]) as scope:
        return GatherNd()(convert_to_tensor(params, name="params"), index_tensor(indices, name="indices"), name=scope)


@register
class ScatterNd(OpDef):
    """Zeros of `shape` with `updates` added at `indices` (repeated indices add up). The kernel
    is `xp.add.at`: numpy's, or cupy's ufunc.at (cupy >= 12, CUDA atomicAdd)."""
    tf_signature = TFSignature(type_attrs=(("Tindices", 0), ("T", 1)))
    host_inputs = (2,)  # shape arguments stay on the host

    def infer(self, indices, updates, shape_):
        check_int_dtype(indices, "indices")
        check_shape_tensor(shape_, "ScatterNd's shape")
        out = constant_value_as_shape(shape_)
        idx = indices.shape.as_tuple()
        if out.ndims is not None and idx and idx[-1] is not None:
            k = idx[-1]
            if k > out.ndims:
                raise ValueError("indices.shape[-1] = %d is more than the output rank %d"
                                 % (k, out.ndims))
            need = TensorShape(idx[:-1] + out.as_tuple()[k:])
            if not updates.shape.is_compatible_with(need):
                raise ValueError("updates has shape %s, but indices of shape %s into a tensor of "
                                 "shape %s need updates of shape %s"
                                 % (format_dims(updates.shape.as_tuple()), format_dims(idx),
                                    format_dims(out.as_tuple()), format_dims(need.as_tuple())))
        return TensorSpec(out, updates.dtype)

    def compute(self, xp, indices, updates, shape_):
        out = xp.zeros(tuple(shape_.tolist()), dtype=updates.dtype)
        bad = first_bad_index(xp, indices, list(out.shape[:indices.shape[-1]]))
        if bad is not None:
            raise ValueError("indices%s = %s does not index into shape %s"
                             % (format_index(bad[:-1]), indices[bad[:-1]].tolist(),
                                format_dims(out.shape)))
        xp.add.at(out, _nd_index(indices), updates)
        return out

    def grad(self, op, dy):
        indices = op.inputs[0]
        return [None, gather_nd(dy, indices), None]


def scatter_nd(indices, updates, shape, name=None):
    """tf.scatter_nd: zeros of `shape` with `updates` summed in at `indices`."""
    with name_scope(name, "ScatterNd", [indices, updates, shape]) as scope:
        return ScatterNd()(index_tensor(indices, name="indices"), convert_to_tensor(updates, name="updates"), index_tensor(shape, name="shape"), name=scope)


# -- writing slices addressed by index tuples (tensor_scatter_nd_*, the variables' scatter_nd_*) --

def check_nd_updates(op_type, target, indices, updates, target_name):
    """The static checks of an op writing `updates` into `target` (a tensor, or a variable
    named `target_name` in messages) at the index tuples along indices' last axis: integer
    indices, one dtype, updates of shape indices.shape[:-1] + target.shape[k:]. Raises
    TypeError / ValueError naming both shapes (the graph adds the op and its input shapes)."""
    check_int_dtype(indices, "indices")
    if updates.dtype is not target.dtype:
        raise type_mismatch_error(op_type, "updates", updates.dtype, target_name, target.dtype)
    dims, idx, upd = (target.shape.as_tuple(), indices.shape.as_tuple(),
                      updates.shape.as_tuple())
    if idx is not None and not idx:
        raise rank_error(1, 0, " (argument 'indices')", at_least=True)
    if dims is None or idx is None or idx[-1] is None:
        return
    k = idx[-1]
    if k > len(dims):
        raise ValueError("indices.shape[-1] = %d is more than the rank %d of %s[shape=%s]"
                         % (k, len(dims), target_name, format_dims(dims)))
    outer, inner = TensorShape(idx[:-1]), TensorShape(dims[k:])
    if upd is not None and len(upd) != len(idx) - 1 + len(dims) - k:
        raise ValueError("updates[shape=%s] must have rank %d: indices.shape[:-1] + "
                         "input.shape[%d:] with indices[shape=%s], input[shape=%s]"
                         % (format_dims(upd), len(idx) - 1 + len(dims) - k, k,
                            format_dims(idx), format_dims(dims)))
    # TF's words: "Dimensions [b,e) of indices[...] = [..] must match dimensions [b,e) of ..."
    for what, part, start, shape_, offset in (("indices", outer, 0, idx, 0),
                                               ("input", inner, k, dims, len(idx) - 1)):
        got = updates.shape[offset:offset + part.ndims]
        if not got.is_compatible_with(part):
            raise ValueError("Dimensions [%d,%d) of %s[shape=%s] = %s must match dimensions "
                             "[%d,%d) of updates[shape=%s] = %s"
                             % (start, start + part.ndims, what, format_dims(shape_),
                                format_dims(part.as_tuple()), offset, offset + part.ndims,
                                format_dims(upd), format_dims(got.as_tuple())))


def scatter_nd_into(xp, ufunc, target, indices, updates):
    """Writes `updates` into the array `target` in place at the index tuples along indices'
    last axis: `ufunc(old, update)` (repeated tuples combine in order), or the update itself
    where `ufunc` is None (a repeated tuple keeps one of its updates, as TF: any). Refuses,
    before writing anything, indices outside target's shape and updates of the wrong shape
    (ValueError, in TF's words; the plan makes it an InvalidArgumentError)."""
    k = indices.shape[-1]
    outer, inner = target.shape[:k], target.shape[k:]
    if updates.shape != indices.shape[:-1] + inner:
        raise ValueError("updates of shape %s do not fit indices of shape %s into shape %s: "
                         "updates must have shape %s"
                         % (format_dims(updates.shape), format_dims(indices.shape),
                            format_dims(target.shape),
                            format_dims(indices.shape[:-1] + inner)))
    bad = first_bad_index(xp, indices, list(outer))
    if bad is not None:
        raise ValueError("indices%s = %s does not index into shape %s"
                         % (format_index(bad[:-1]), indices[bad[:-1]].tolist(),
                            format_dims(target.shape)))
    # the first k axes as one: each tuple becomes a row number of the flattened view
    row = xp.zeros(indices.shape[:-1], dtype=xp.intp)
    for j in range(k):
        row = row * outer[j] + indices[..., j]
    rows = target.reshape((-1,) + inner)  # (a view: target is the kernel's own array)
    flat_updates = updates.reshape((-1,) + inner)
    row = row.reshape(-1)
    if ufunc is None:
        rows[row] = flat_updates
    elif ufunc is xp.subtract and target.dtype.kind != "b":
        # a - b is a + -b to the bit (integers wrap alike): one ufunc.at every backend has
        xp.add.at(rows, row, -flat_updates)
    else:
        ufunc.at(rows, row, flat_updates)


class _TensorScatter(OpDef):
    """A copy of `tensor` with `updates` written at the index tuples along indices' last axis
    (each tuple addresses an element, or a slice when shorter than tensor's rank)."""

    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tindices", 1)))
    allowed = "numeric"
    ufunc = None  # the name of the array-module ufunc combining old and new values

    def infer(self, tensor, indices, updates):
        check_dtype(self.type_name, tensor.dtype, self.allowed, "T")
        check_nd_updates(self.type_name, tensor, indices, updates, "tensor")
        return TensorSpec(tensor.shape, tensor.dtype)

    def compute(self, xp, tensor, indices, updates):
        out = tensor.copy()
        scatter_nd_into(xp, self.ufunc and getattr(xp, self.ufunc), out, indices, updates)
        return out


@register
class TensorScatterUpdate(_TensorScatter):
    allowed = "any"

    def grad(self, op, dy):
        indices, updates = op.inputs[1:]
        return [tensor_scatter_nd_update(dy, indices, zeros_like(updates)), None,
                gather_nd(dy, indices)]


@register
class TensorScatterAdd(_TensorScatter):
    ufunc = "add"

    def grad(self, op, dy):
        return [identity(dy), None, gather_nd(dy, op.inputs[1])]


@register
class TensorScatterSub(_TensorScatter):
    ufunc = "subtract"

    def grad(self, op, dy):
        return [identity(dy), None, negative(gather_nd(dy, op.inputs[1]))]


class _TensorScatterExtremum(_TensorScatter):
    allowed = "ordered"

    def grad(self, op, dy):
        # The gradient goes to whichever of the old value and the updates at an element equal
        # the result, shared evenly among ties (TF's rule).
        tensor, indices, updates = op.inputs
        out = op.outputs[0]
        kept = cast(equal(tensor, out), dy.dtype)
        won = cast(equal(updates, gather_nd(out, indices)), dy.dtype)
        ties = kept + scatter_nd(indices, won, shape(tensor, out_type=indices.dtype))
        return [truediv(multiply(dy, kept), ties), None,
                multiply(gather_nd(truediv(dy, ties), indices), won)]


@register
class TensorScatterMax(_TensorScatterExtremum):
    ufunc = "maximum"


@register
class TensorScatterMin(_TensorScatterExtremum):
    ufunc = "minimum"


def _tensor_scatter(opdef, tensor, indices, updates, name):
    with name_scope(name, opdef.type_name, [tensor, indices, updates]) as scope:
        tensor = convert_to_tensor(tensor, name="tensor")
        return opdef(tensor, index_tensor(indices, name="indices"),
                     convert_to_tensor(updates, preferred_dtype=tensor.dtype, name="updates"), name=scope)


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """tf.tensor_scatter_nd_update (TF 1.15: also tf.tensor_scatter_update): a copy of `tensor`
    with the elements or slices at `indices` (index tuples along the last axis) set to
    `updates`; a repeated index keeps one of its updates."""
    return _tensor_scatter(TensorScatterUpdate(), tensor, indices, updates, name)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """tf.tensor_scatter_nd_add (also tf.tensor_scatter_add): a copy of `tensor` with
    `updates` added at `indices` (repeated indices add up)."""
    return _tensor_scatter(TensorScatterAdd(), tensor, indices, updates, name)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """tf.tensor_scatter_nd_sub (also tf.tensor_scatter_sub): a copy of `tensor` with
    `updates` subtracted at `indices`."""
    return _tensor_scatter(TensorScatterSub(), tensor, indices, updates, name)


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """tf.tensor_scatter_nd_max: a copy of `tensor` holding the larger of its value and each
    update at `indices`."""
    return _tensor_scatter(TensorScatterMax(), tensor, indices, updates, name)


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """tf.tensor_scatter_nd_min: a copy of `tensor` holding the smaller of its value and each
    update at `indices`."""
    return _tensor_scatter(TensorScatterMin(), tensor, indices, updates, name)
