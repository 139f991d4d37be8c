"""Op table entries for array_ops."""

import numpy as np

import minitf as tf
from tests.op_specs.spec import Arg, OpSpec

SPECS = [
    OpSpec("identity", tf.identity, lambda x: x, [Arg((2, 3))]),
    OpSpec("identity_n", lambda a, b: tf.identity_n([a, b]), lambda a, b: [a, b],
           [Arg((2, 3)), Arg((4,), static=(None,))]),
    OpSpec("stop_gradient", lambda x: tf.stop_gradient(x) * x, lambda x: x * x, [Arg((3,))],
           grad=False),
    OpSpec("placeholder_with_default", lambda x: tf.placeholder_with_default(x, (None, 3)) * 2.0,
           lambda x: x * 2, [Arg((2, 3))]),
    OpSpec("const", lambda x: x + tf.constant([1.0, 2.0, 3.0], dtype=x.dtype), lambda x: x + [1, 2, 3], [Arg((3,))]),
    OpSpec("shape", lambda x: tf.shape(x), lambda x: np.array(x.shape, np.int32),
           [Arg((2, 3), static=(None, 3))], grad=False),
    OpSpec("size", lambda x: tf.size(x), lambda x: np.int32(x.size),
           [Arg((2, 3), static=(None, None))], grad=False),
    OpSpec("rank", lambda x: tf.rank(x), lambda x: np.int32(x.ndim), [Arg((2, 3), static=None)],
           grad=False),
    OpSpec("reshape", lambda x: tf.reshape(x, [-1, 2]), lambda x: x.reshape(-1, 2),
           [Arg((3, 4), static=(None, 4))]),
    OpSpec("reshape/dynamic_shape", lambda x, y: tf.reshape(x, tf.shape(y)),
           lambda x, y: x.reshape(y.shape), [Arg((6,)), Arg((2, 3), static=(None, 3))], wrt=[0]),
    OpSpec("fill", lambda v: tf.fill([2, 3], v), lambda v: np.full((2, 3), v), [Arg(())]),
    OpSpec("zeros_like", lambda x: tf.zeros_like(x) + x, lambda x: x, [Arg((2, 2))]),
    OpSpec("ones_like", lambda x: tf.ones_like(x) * x, lambda x: x, [Arg((2, 2))]),
    OpSpec("broadcast_to", lambda x: tf.broadcast_to(x, [3, 2, 4]),
           lambda x: np.broadcast_to(x, (3, 2, 4)), [Arg((2, 1))]),
    OpSpec("expand_dims", lambda x: tf.expand_dims(x, -1), lambda x: x[..., None],
           [Arg((2, 3), static=(None, 3))]),
    OpSpec("parallel_stack", lambda a, b: tf.parallel_stack([a, b]), lambda a, b: np.stack([a, b]),
           [Arg((2, 3)), Arg((2, 3))], grad=False),  # (TF registers no gradient for it)
    OpSpec("stack", lambda a, b: tf.stack([a, b], axis=1), lambda a, b: np.stack([a, b], 1),
           [Arg((2, 3)), Arg((2, 3))]),
]


def _mirror_pad_grad(dy, paddings, mode):
    """numpy reference for the gradient of a mirror pad: every padded element's gradient goes
    back to the element it copies."""
    n = [d - a - b for d, (a, b) in zip(dy.shape, paddings)]
    index = [np.pad(np.arange(k), p, mode=mode.lower()) for k, p in zip(n, paddings)]
    out = np.zeros(n, dy.dtype)
    np.add.at(out, np.ix_(*index), dy)
    return out


def _scatter_add(shape, index, updates):
    out = np.zeros(shape, updates.dtype)
    np.add.at(out, index, updates)
    return out


def _tensor_scatter(t, indices, updates, ufunc):
    """numpy reference of tensor_scatter_nd_*: a copy of t, updates written in order at the
    index tuples (`ufunc` None: replaced)."""
    out = t.copy()
    k = indices.shape[-1]
    for i, u in zip(indices.reshape(-1, k), updates.reshape((-1,) + t.shape[k:])):
        at = tuple(i)
        out[at] = u if ufunc is None else ufunc(out[at], u)
    return out


def _stitch(indices, data):
    rest = data[0].shape[indices[0].ndim:]
    out = np.zeros((max(int(i.max()) for i in indices) + 1,) + rest, data[0].dtype)
    for i, d in zip(indices, data):
        out[i.reshape(-1)] = d.reshape((-1,) + rest)
    return out


def _space_to_batch(x, block, pads):
    """Reference by loops: output batch (i * block[1] + j) * N + n holds x[n] padded, rows
    i::block[0], columns j::block[1]."""
    x = np.pad(x, ((0, 0),) + pads + ((0, 0),))
    return np.concatenate([x[:, i::block[0], j::block[1]] for i in range(block[0])
                           for j in range(block[1])])


def _batch_to_space(x, block, crops):
    n = x.shape[0] // (block[0] * block[1])
    out = np.zeros((n, x.shape[1] * block[0], x.shape[2] * block[1]) + x.shape[3:], x.dtype)
    for k in range(block[0] * block[1]):
        i, j = divmod(k, block[1])
        out[:, i::block[0], j::block[1]] = x[k * n:(k + 1) * n]
    return out[:, crops[0][0]:out.shape[1] - crops[0][1], crops[1][0]:out.shape[2] - crops[1][1]]


def _patches(x, k, stride, rate):
    """SAME-padded windows by loops: output pixel (r, c) holds x at rows r*stride + i*rate -
    top for window row i (zero outside), likewise for columns; depth (i, j, channel)."""
    n, h, w, ch = x.shape
    out_hw, before = [], []
    for size, kk, s, r in zip((h, w), k, stride, rate):
        out = -(-size // s)
        out_hw.append(out)
        before.append(max((out - 1) * s + kk + (kk - 1) * (r - 1) - size, 0) // 2)
    res = np.zeros((n, out_hw[0], out_hw[1], k[0], k[1], ch), x.dtype)
    for a in range(out_hw[0]):
        for b in range(out_hw[1]):
            for i in range(k[0]):
                for j in range(k[1]):
                    y = a * stride[0] + i * rate[0] - before[0]
                    z = b * stride[1] + j * rate[1] - before[1]
                    if 0 <= y < h and 0 <= z < w:
                        res[:, a, b, i, j] = x[:, y, z]
    return res.reshape(n, out_hw[0], out_hw[1], -1)


def _ids(values):
    return Arg((len(values),), "int32", values=values)


SPECS += [
    # roll, invert_permutation
    OpSpec("roll/two_axes", lambda x: tf.roll(x, [1, -2], [0, 2]),
           lambda x: np.roll(x, (1, -2), (0, 2)), [Arg((2, 3, 4), static=(None, 3, 4))]),
    OpSpec("roll/runtime_shift_same_axis_twice", lambda x, s: tf.roll(x, s, [1, 1]),
           lambda x, s: np.roll(x, tuple(s), (1, 1)),
           [Arg((2, 5)), Arg((2,), "int64", values=[3, 4])], wrt=[0]),
    OpSpec("invert_permutation", tf.invert_permutation, np.argsort,
           [Arg((5,), "int64", values=[2, 4, 0, 3, 1])], grad=False),
    # transpose, squeeze, reverse
    OpSpec("transpose/default_reverses", tf.transpose, np.transpose, [Arg((2, 3, 4))]),
    OpSpec("transpose/perm_none_dims", lambda x: tf.transpose(x, [1, 2, 0]),
           lambda x: x.transpose(1, 2, 0), [Arg((2, 3, 4), static=(None, 3, None))]),
    OpSpec("transpose/negative_perm", lambda x: tf.transpose(x, [-1, 0, 1]),
           lambda x: x.transpose(2, 0, 1), [Arg((2, 3, 4))]),
    OpSpec("transpose/unknown_rank", tf.transpose, np.transpose, [Arg((2, 3), static=None)]),
    OpSpec("transpose/conjugate", lambda x: tf.transpose(x, conjugate=True),
           lambda x: np.conj(x.T), [Arg((2, 2), "complex64", values=[1 + 2j, 3 - 1j, -2j, 4])],
           grad=False),
    OpSpec("squeeze/all", tf.squeeze, np.squeeze, [Arg((1, 3, 1, 2))]),
    OpSpec("squeeze/axis_none_dims", lambda x: tf.squeeze(x, [2]), lambda x: x.squeeze(2),
           [Arg((4, 3, 1), static=(None, 3, None))]),
    OpSpec("squeeze/negative_axis", lambda x: tf.squeeze(x, axis=-3),
           lambda x: x.squeeze(-3), [Arg((1, 1, 3))]),
    OpSpec("squeeze/nothing_to_squeeze", tf.squeeze, np.squeeze,
           [Arg((2, 3), static=(None, None))]),
    OpSpec("reverse/axes", lambda x: tf.reverse(x, [0, -1]), lambda x: x[::-1, :, ::-1],
           [Arg((2, 3, 4), static=(None, 3, 4))]),
    # concat, split, unstack
    OpSpec("concat/axis0_none_dims", lambda a, b: tf.concat([a, b], 0),
           lambda a, b: np.concatenate([a, b], 0),
           [Arg((2, 3), static=(None, 3)), Arg((4, 3), static=(None, None))]),
    OpSpec("concat/negative_axis_three", lambda a, b, c: tf.concat([a, b, c], -1),
           lambda a, b, c: np.concatenate([a, b, c], -1),
           [Arg((2, 1, 3)), Arg((2, 1, 1)), Arg((2, 1, 2), static=(None, 1, 2))]),
    OpSpec("concat/int", lambda a, b: tf.concat([a, b], 1), lambda a, b: np.concatenate([a, b], 1),
           [Arg((2, 2), "int64", low=-5, high=5), Arg((2, 3), "int64", low=-5, high=5)],
           grad=False),
    # Some multi-output entries return only some outputs: the unused ones get zero gradients.
    OpSpec("split/equal", lambda x: tf.split(x, 2, axis=1),
           lambda x: np.split(x, 2, axis=1), [Arg((2, 6), static=(None, 6))]),
    OpSpec("split/sizes_with_minus_one", lambda x: tf.split(x, [1, -1, 2], axis=-1)[::2],
           lambda x: np.split(x, [1, 3], axis=-1)[::2], [Arg((3, 5))]),
    OpSpec("split/runtime_sizes", lambda x, s: tf.split(x, s, axis=0, num=2),
           lambda x, s: np.split(x, [s[0]], axis=0),
           [Arg((5, 2), static=(None, 2)), _ids([2, 3])], wrt=[0]),
    OpSpec("unstack/axis0", tf.unstack, list, [Arg((2, 3))]),
    OpSpec("unstack/negative_axis_none_dims", lambda x: tf.unstack(x, axis=-1)[1:],
           lambda x: [x[..., i] for i in range(1, 3)], [Arg((2, 4, 3), static=(None, 4, 3))]),
    # tile, pad
    OpSpec("tile", lambda x: tf.tile(x, [2, 1, 3]), lambda x: np.tile(x, (2, 1, 3)),
           [Arg((2, 3, 2), static=(None, 3, 2))]),
    OpSpec("tile/runtime_multiples", tf.tile, lambda x, m: np.tile(x, m),
           [Arg((2, 3)), _ids([3, 2])], wrt=[0]),
    OpSpec("pad/constant", lambda x: tf.pad(x, [[1, 0], [2, 3]]),
           lambda x: np.pad(x, [(1, 0), (2, 3)]), [Arg((2, 3), static=(None, 3))]),
    OpSpec("pad/constant_values", lambda x: tf.pad(x, [[0, 1], [1, 1]], constant_values=2.5),
           lambda x: np.pad(x, [(0, 1), (1, 1)], constant_values=2.5), [Arg((2, 3))]),
    OpSpec("pad/reflect", lambda x: tf.pad(x, [[1, 2], [2, 2]], "REFLECT"),
           lambda x: np.pad(x, [(1, 2), (2, 2)], mode="reflect"),
           [Arg((3, 4), static=(None, 4))]),
    OpSpec("pad/symmetric", lambda x: tf.pad(x, [[2, 0], [1, 3]], mode="symmetric"),
           lambda x: np.pad(x, [(2, 0), (1, 3)], mode="symmetric"), [Arg((2, 3))]),
    OpSpec("pad/reflect_gradient_op", lambda x, w: tf.gradients(
               tf.pad(x, [[1, 2], [0, 3]], "REFLECT"), x, grad_ys=w)[0],
           lambda x, w: _mirror_pad_grad(w, [(1, 2), (0, 3)], "REFLECT"),
           [Arg((3, 4)), Arg((6, 7))], wrt=[1]),
    OpSpec("pad/symmetric_gradient_op", lambda x, w: tf.gradients(
               tf.pad(x, [[2, 2], [1, 0]], "SYMMETRIC"), x, grad_ys=w)[0],
           lambda x, w: _mirror_pad_grad(w, [(2, 2), (1, 0)], "SYMMETRIC"),
           [Arg((2, 3)), Arg((6, 4))], wrt=[1]),
    # gather, gather_nd, scatter_nd
    OpSpec("gather/axis0_repeated_indices", tf.gather, lambda p, i: p[i],
           [Arg((4, 3), static=(None, 3)), _ids([3, 0, 3, 1])], wrt=[0]),
    OpSpec("gather/axis1_matrix_indices", lambda p, i: tf.gather(p, i, axis=1),
           lambda p, i: np.take(p, i, axis=1),
           [Arg((2, 4, 3), static=(None, 4, 3)), Arg((2, 3), "int64", low=0, high=3)], wrt=[0]),
    OpSpec("gather/negative_axis", lambda p, i: tf.gather(p, i, axis=-1),
           lambda p, i: np.take(p, i, axis=-1), [Arg((3, 4)), _ids([2, 2, 0])], wrt=[0]),
    OpSpec("gather_nd/elements", tf.gather_nd, lambda p, i: p[tuple(i.T)],
           [Arg((3, 4)), Arg((5, 2), "int32", values=[[0, 1], [2, 3], [0, 1], [1, 0], [2, 2]])],
           wrt=[0]),
    OpSpec("gather_nd/slices_none_dims", tf.gather_nd, lambda p, i: p[i[..., 0]],
           [Arg((3, 2, 2), static=(None, 2, 2)), Arg((2, 2, 1), "int32", low=0, high=2)], wrt=[0]),
    OpSpec("scatter_nd/repeated", lambda i, u: tf.scatter_nd(i, u, [4, 2]),
           lambda i, u: _scatter_add((4, 2), i[:, 0], u),
           [Arg((3, 1), "int32", values=[[1], [3], [1]]), Arg((3, 2))], wrt=[1]),
    # tensor_scatter_nd_*: a copy of the tensor with rows / elements written at index tuples
    OpSpec("tensor_scatter_nd_update/rows_none_dims", tf.tensor_scatter_nd_update,
           lambda t, i, u: _tensor_scatter(t, i, u, None),
           [Arg((4, 3), static=(None, 3)), Arg((2, 1), "int32", values=[[3], [0]],
                                               static=(None, 1)), Arg((2, 3), static=(None, 3))],
           wrt=[0, 2]),
    OpSpec("tensor_scatter_nd_add/repeated_elements", tf.tensor_scatter_nd_add,
           lambda t, i, u: _tensor_scatter(t, i, u, np.add),
           [Arg((3, 2, 2)), Arg((3, 2), "int64", values=[[1, 0], [2, 1], [1, 0]]),
            Arg((3, 2), static=(None, 2))], wrt=[0, 2]),
    OpSpec("tensor_scatter_nd_sub/unknown_rank_updates", tf.tensor_scatter_nd_sub,
           lambda t, i, u: _tensor_scatter(t, i, u, np.subtract),
           [Arg((4,)), Arg((3, 1), "int32", values=[[2], [0], [2]]), Arg((3,), static=None)],
           wrt=[0, 2]),
    OpSpec("tensor_scatter_nd_max/elements", tf.tensor_scatter_nd_max,
           lambda t, i, u: _tensor_scatter(t, i, u, np.maximum),
           [Arg((3, 4)), Arg((4, 2), "int32", values=[[0, 1], [2, 3], [1, 1], [0, 0]]),
            Arg((4,), low=-1.0, high=1.0)], wrt=[0, 2]),
    OpSpec("tensor_scatter_nd_min/rows", tf.tensor_scatter_nd_min,
           lambda t, i, u: _tensor_scatter(t, i, u, np.minimum),
           [Arg((3, 2), static=(None, 2)), Arg((2, 1), "int32", values=[[2], [1]]),
            Arg((2, 2))], wrt=[0, 2]),
    OpSpec("tensor_scatter_nd_update/int", tf.tensor_scatter_nd_update,
           lambda t, i, u: _tensor_scatter(t, i, u, None),
           [Arg((2, 3), "int32", low=-5, high=5), Arg((1, 2), "int32", values=[[1, 2]]),
            Arg((1,), "int32", values=[9])], grad=False),
    # dynamic_partition, dynamic_stitch (each other's gradients)
    OpSpec("dynamic_partition/rows_none_dims", lambda d, p: tf.dynamic_partition(d, p, 3),
           lambda d, p: [d[p == i] for i in range(3)],
           [Arg((5, 2), static=(None, 2)), _ids([2, 0, 2, 1, 0])], wrt=[0]),
    OpSpec("dynamic_partition/matrix_partitions", lambda d, p: tf.dynamic_partition(d, p, 2),
           lambda d, p: [d[p == i] for i in range(2)],
           [Arg((2, 3, 2)), Arg((2, 3), "int32", values=[[1, 0, 1], [1, 1, 0]])], wrt=[0]),
    OpSpec("dynamic_stitch/two_lists", lambda i, j, a, b: tf.dynamic_stitch([i, j], [a, b]),
           lambda i, j, a, b: _stitch([i, j], [a, b]),
           [_ids([0, 3]), Arg((2, 1), "int32", values=[[1], [2]]), Arg((2, 3)),
            Arg((2, 1, 3), static=(None, 1, 3))], wrt=[2, 3]),
    # where_v2 (SelectV2: all three broadcast), ensure_shape, broadcast_dynamic_shape,
    # unravel_index
    OpSpec("where_v2/broadcast_all", tf.where_v2, lambda c, x, y: np.where(c, x, y),
           [Arg((2, 1), "bool", static=(None, 1)), Arg((3,)), Arg((2, 1))], wrt=[1, 2]),
    OpSpec("where_v2/scalar_condition", tf.where_v2, lambda c, x, y: np.where(c, x, y),
           [Arg((), "bool", values=True), Arg((2, 3), static=(None, 3)), Arg((3,))],
           wrt=[1, 2]),
    OpSpec("ensure_shape", lambda x: tf.ensure_shape(x, [None, 3]) * 2.0, lambda x: x * 2,
           [Arg((2, 3), static=(None, None))]),
    OpSpec("broadcast_dynamic_shape", tf.broadcast_dynamic_shape,
           lambda a, b: np.array(np.broadcast_shapes(tuple(a), tuple(b)), np.int32),
           [Arg((2,), "int32", values=[4, 1], static=(None,)), _ids([2, 1, 3])], grad=False),
    OpSpec("unravel_index", tf.unravel_index,
           lambda i, d: np.array(np.unravel_index(i.reshape(-1), d), np.int64),
           [Arg((2, 2), "int64", values=[[0, 5], [11, 7]]), Arg((2,), "int64", values=[3, 4])],
           grad=False),
    # searchsorted (LowerBound / UpperBound), repeat and batch_gather (composites)
    OpSpec("searchsorted/left_3d", tf.searchsorted,
           lambda s, v: np.stack([np.searchsorted(a, b) for a, b in zip(
               s.reshape(-1, 4), v.reshape(-1, 3))]).reshape(v.shape).astype(np.int32),
           [Arg((2, 1, 4), values=np.sort(np.arange(8.0).reshape(2, 1, 4) % 3, -1),
                static=(None, 1, 4)), Arg((2, 1, 3), values=[0, 1.5, 2, 3, -1, 1])],
           grad=False),
    OpSpec("searchsorted/right_int64", lambda s, v: tf.searchsorted(s, v, side="right",
                                                                   out_type=tf.int64),
           lambda s, v: np.searchsorted(s[0], v[0], side="right")[None],
           [Arg((1, 5), "int32", values=[1, 2, 2, 3, 5]), Arg((1, 4), "int32",
                                                           values=[2, 6, 0, 3])],
           grad=False),
    OpSpec("repeat/per_slice_axis1", lambda x: tf.repeat(x, [2, 0, 1], axis=1),
           lambda x: np.repeat(x, [2, 0, 1], axis=1), [Arg((2, 3), static=(None, 3))]),
    OpSpec("repeat/scalar_flat", lambda x: tf.repeat(x, 3), lambda x: np.repeat(x, 3),
           [Arg((2, 2))]),
    OpSpec("batch_gather", tf.batch_gather,
           lambda p, i: np.take_along_axis(p, i[..., None], 1),
           [Arg((2, 4, 2), static=(None, 4, 2)), Arg((2, 3), "int32", values=[[0, 3, 3],
                                                                            [1, 2, 0]])],
           wrt=[0]),
    # space_to_depth / depth_to_space, space_to_batch_nd / batch_to_space_nd
    OpSpec("space_to_depth", lambda x: tf.space_to_depth(x, 2),
           lambda x: x.reshape(2, 2, 2, 3, 2, 3).transpose(0, 1, 3, 2, 4, 5).reshape(2, 2, 3, 12),
           [Arg((2, 4, 6, 3), static=(None, 4, 6, 3))]),
    OpSpec("depth_to_space", lambda x: tf.depth_to_space(x, 2),
           lambda x: x.reshape(1, 2, 3, 2, 2, 2).transpose(0, 1, 3, 2, 4, 5).reshape(1, 4, 6, 2),
           [Arg((1, 2, 3, 8), static=(None, None, 3, 8))]),
    OpSpec("space_to_batch_nd/padded", lambda x: tf.space_to_batch_nd(x, [2, 3],
                                                                      [[1, 1], [0, 2]]),
           lambda x: _space_to_batch(x, (2, 3), ((1, 1), (0, 2))),
           [Arg((2, 2, 4, 1), static=(None, 2, 4, 1))]),
    OpSpec("batch_to_space_nd/cropped", lambda x: tf.batch_to_space_nd(x, [2, 2],
                                                                       [[1, 0], [0, 1]]),
           lambda x: _batch_to_space(x, (2, 2), ((1, 0), (0, 1))),
           [Arg((8, 2, 2, 1), static=(8, None, 2, 1))]),
    OpSpec("extract_image_patches/same_strided_dilated",
           lambda x: tf.extract_image_patches(x, [1, 2, 2, 1], [1, 2, 1, 1], [1, 1, 2, 1],
                                              "SAME"),
           lambda x: _patches(x, (2, 2), (2, 1), (1, 2)),
           [Arg((2, 4, 5, 2), static=(None, 4, None, 2))]),
    # slice and strided_slice (Tensor.__getitem__)
    OpSpec("slice/minus_one_size", lambda x: tf.slice(x, [1, 0, 2], [-1, 2, 1]),
           lambda x: x[1:, 0:2, 2:3], [Arg((3, 4, 5), static=(None, 4, 5))]),
    OpSpec("slice/runtime_begin", tf.slice, lambda x, b, s: x[b[0]:b[0] + 2, b[1]:],
           [Arg((4, 3)), _ids([1, 1]), _ids([2, -1])], wrt=[0]),
    OpSpec("strided_slice/masks", lambda x: tf.strided_slice(
               x, [1, 0, 3], [0, 2, 0], [1, 1, -1], begin_mask=2, end_mask=5,
               shrink_axis_mask=0), lambda x: x[1:, :2, 3::-1], [Arg((3, 4, 5))]),
    OpSpec("strided_slice/shrink_new_axis_ellipsis", lambda x: tf.strided_slice(
               x, [0, 0, 0, 2], [0, 0, 0, 3], [1, 1, 1, 1], ellipsis_mask=2, new_axis_mask=4,
               shrink_axis_mask=9), lambda x: x[0, ..., None, 2], [Arg((3, 4, 5))]),
    OpSpec("getitem/steps_newaxis_ellipsis_shrink", lambda x: x[1:, ::-1, None, ..., 0],
           lambda x: x[1:, ::-1, None, ..., 0], [Arg((3, 4, 2, 5), static=(None, 4, None, 5))]),
    OpSpec("getitem/negative_index_and_steps", lambda x: x[-1, 4:0:-2],
           lambda x: x[-1, 4:0:-2], [Arg((2, 6))]),
    OpSpec("getitem/unknown_rank", lambda x: x[1, ..., ::2], lambda x: x[1, ..., ::2],
           [Arg((2, 3, 4), static=None)]),
    OpSpec("getitem/tensor_index", lambda x, i: x[i, 1:], lambda x, i: x[i, 1:],
           [Arg((3, 4), static=(None, 4)), Arg((), "int32", values=2)], wrt=[0]),
    OpSpec("getitem/tensor_bounds_int64", lambda x, i: x[i:i + 2, -1],
           lambda x, i: x[i:i + 2, -1], [Arg((4, 3)), Arg((), "int64", values=1)], wrt=[0]),
    OpSpec("getitem/second_order", lambda x: tf.gradients(tf.reduce_sum(x[::2, 1] ** 2), x)[0],
           lambda x: np.where(np.arange(4)[:, None] % 2 == 0, 1, 0) * (np.arange(3) == 1) * 2 * x,
           [Arg((4, 3))]),
    # one_hot, where, boolean_mask
    OpSpec("one_hot/out_of_range_rows", lambda i: tf.one_hot(i, 4),
           lambda i: (i[..., None] == np.arange(4)).astype(np.float32),
           [Arg((2, 3), "int32", values=[[0, 3, -1], [4, 2, 2]])], grad=False),
    OpSpec("one_hot/axis0_on_off", lambda i: tf.one_hot(i, 3, on_value=5, off_value=-1, axis=0),
           lambda i: np.where(np.arange(3)[:, None] == i, 5, -1).astype(np.int32),
           [Arg((4,), "int64", low=-1, high=3)], grad=False),
    OpSpec("one_hot/middle_axis_none_dims", lambda i: tf.one_hot(i, 2, axis=1, dtype=tf.float64),
           lambda i: np.moveaxis(i[..., None] == np.arange(2), -1, 1).astype(np.float64),
           [Arg((3, 2), "int32", low=0, high=1, static=(None, 2))], grad=False),
    OpSpec("where/coordinates", tf.where, np.argwhere, [Arg((3, 4), "bool", static=(None, 4))],
           grad=False),
    OpSpec("where/numeric", tf.where, np.argwhere, [Arg((5,), "int32", values=[0, 2, 0, -1, 3])],
           grad=False),
    OpSpec("boolean_mask/vector_none_dims", tf.boolean_mask, lambda x, m: x[m],
           [Arg((5, 3), static=(None, 3)), Arg((5,), "bool", static=(None,))], wrt=[0]),
    OpSpec("boolean_mask/matrix_mask", tf.boolean_mask, lambda x, m: x[m],
           [Arg((3, 4, 2), static=(None, 4, 2)), Arg((3, 4), "bool", static=(None, 4))], wrt=[0]),
    OpSpec("boolean_mask/axis1", lambda x, m: tf.boolean_mask(x, m, axis=1),
           lambda x, m: x[:, m], [Arg((2, 4, 3)), Arg((4,), "bool")], wrt=[0]),
    # shapes and fills
    OpSpec("shape_n", lambda a, b: tf.shape_n([a, b]),
           lambda a, b: [np.array(a.shape, np.int32), np.array(b.shape, np.int32)],
           [Arg((2, 3), static=(None, 3)), Arg((4,), static=None)], grad=False),
    OpSpec("zeros/runtime_shape_int64", lambda x: tf.zeros(tf.shape(x, out_type=tf.int64),
                                                          tf.int32),
           lambda x: np.zeros(x.shape, np.int32), [Arg((2, 3), static=(None, 3))], grad=False),
]
