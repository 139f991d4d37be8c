"""TF1 array functions that TF composes from other ops: tf.repeat (tile, then a sequence mask
when the counts differ) and tf.batch_gather (a gather at offset indices). Their gradients are
those of the ops they are made of."""

from minitf import dtypes
from minitf.framework.deprecation import deprecated
from minitf.framework.graph import name_scope
from minitf.framework.tensor_util import constant_value
from minitf.ops.core import (broadcast_to, cast, convert_to_tensor, expand_dims, ones,
                             reduce_sum, reshape, shape, stack)
from minitf.ops.elementwise import maximum
from minitf.ops.gather_scatter import boolean_mask, gather
from minitf.ops.join_split import concat, tile
from minitf.ops.ranges import range as range_
from minitf.ops.reductions import reduce_max, reduce_prod
from minitf.ops.rnn import sequence_mask

__all__ = ["repeat", "batch_gather"]


def _tile_one_axis(x, axis, multiple):
    multiples = [1] * x.shape.ndims
    multiples[axis] = multiple
    return tile(x, multiples)


def repeat(input, repeats, axis=None, name=None):  # noqa: A002 - TF's argument name
    """tf.repeat: each slice of `input` along `axis` repeated `repeats` times (a scalar, or one
    count per slice); with axis None, the flattened input. TF's construction: a scalar count
    tiles a new axis and reshapes; per-slice counts tile to the largest and keep the first
    count[i] copies of slice i through a sequence mask."""
    if axis is None:  # (flattened outside the op's scope, as TF)
        input, axis = reshape(input, [-1]), 0
    with name_scope(name, "Repeat", [input, repeats]):
        data = convert_to_tensor(input, name="input")
        counts = convert_to_tensor(repeats, name="repeats")
        if not counts.dtype.is_integer:
            raise TypeError("repeats must be an integer tensor, got %s" % counts.dtype.name)
        counts = cast(counts, dtypes.int32)
        if counts.shape.ndims not in (None, 0, 1):
            raise ValueError("Shape must be at most rank 1 but is rank %d (repeats)"
                             % counts.shape.ndims)
        if data.shape.ndims is None:
            raise ValueError("tf.repeat needs the rank of its input")
        if data.shape.ndims == 0:
            data = reshape(data, [1])
        rank = data.shape.ndims
        if not -rank <= axis < rank:
            raise ValueError("axis=%d out of bounds: expected %d<=axis<%d" % (axis, -rank, rank))
        axis %= rank
        dims = shape(data)
        count_value = constant_value(counts)
        if counts.shape.num_elements() == 1:
            count = reshape(counts, [])
            tiled = _tile_one_axis(expand_dims(data, axis + 1), axis + 1, count)
            result = reshape(tiled, concat([dims[:axis], stack([count * dims[axis]]),
                                            dims[axis + 1:]], 0))
            n = data.shape[axis].value
            size = None if n is None or count_value is None else n * int(count_value)
        else:
            empty = counts.shape.ndims == 1 and counts.shape[0].value == 0
            if counts.shape.ndims == 1 and \
                    not data.shape[axis].is_compatible_with(counts.shape[0]):
                raise ValueError("Dimensions %s and %s are not compatible"
                                 % (data.shape[axis], counts.shape[0]))
            counts = broadcast_to(counts, stack([dims[axis]]))
            # repeats of slice i: the first counts[i] entries of the i-th row of a mask
            longest = maximum(0, reduce_max(counts))
            mask = sequence_mask(counts, longest)
            if axis:
                # the mask covers the axes up to `axis`: the same counts for every outer slice
                mask = broadcast_to(mask, concat([dims[:axis], shape(mask)], 0))
            tiled = _tile_one_axis(expand_dims(data, axis + 1), axis + 1, longest)
            result = boolean_mask(tiled, mask)
            if axis:
                result = reshape(result, concat([dims[:axis], stack([reduce_sum(counts)]),
                                                 dims[axis + 1:]], 0))
            # TF's static size: the reshape's, from its folded shape (constant counts); the
            # mask's unknown length along axis 0
            size = (0 if empty else int(count_value.sum()) if axis and count_value is not None
                    else None)
        result.set_shape(data.shape[:axis].concatenate([size])
                         .concatenate(data.shape[axis + 1:]))
        return result


@deprecated("2017-10-25", "`tf.batch_gather` is deprecated, please use `tf.gather` with "
            "`batch_dims=tf.rank(indices) - 1` instead.")
def batch_gather(params, indices, name=None):
    """tf.batch_gather: out[b..., j] = params[b..., indices[b..., j]] over the leading axes
    indices and params share (all of indices' but its last). TF's construction: the indices
    shifted by each batch entry's offset, one gather on params flattened over those axes."""
    with name_scope(name, "BatchGather", [params, indices]):
        indices = convert_to_tensor(indices, name="indices")
        params = convert_to_tensor(params, name="params")
        rank = indices.shape.ndims
        if rank is None:
            raise ValueError("batch_gather does not allow indices with unknown shape.")
        batch = rank - 1  # (0 for a vector of indices: a plain gather, reshaped)
        params_dims = cast(shape(params), indices.dtype)
        flat = indices
        stride = ones([], indices.dtype)
        for i in range(batch, 0, -1):  # offset of each batch entry in the flattened params
            stride = stride * params_dims[i]
            entries = range_(0, params_dims[i - 1], 1, dtype=indices.dtype) * stride
            flat = flat + reshape(entries, [1] * (i - 1) + [-1] + [1] * (rank - i))
        outer = shape(params)[batch + 1:]
        rows = reduce_prod(shape(params)[:batch + 1], [0])
        gathered = gather(reshape(params, concat([stack([rows]), outer], 0)),
                          reshape(flat, [-1]))
        result = reshape(gathered, concat([shape(indices), outer], 0))
        known = indices.shape[:batch].merge_with(params.shape[:batch])
        result.set_shape(known.concatenate(indices.shape[batch:])
                         .concatenate(params.shape[batch + 1:]))
        return result
