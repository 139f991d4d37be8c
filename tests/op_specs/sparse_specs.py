"""Op table rows for the ops sparse gradients use (UnsortedSegmentSum, Unique), the other
unsorted segment reductions, UniqueWithCounts, the sorted and sparse segment
reductions with their gradient ops, ReverseSequence and GatherTree."""

import numpy as np

import minitf as tf
from minitf.ops import segment_ops
from tests.op_specs.spec import Arg, OpSpec


def _segment_sum(data, ids, n):
    out = np.zeros((n,) + data.shape[ids.ndim:], data.dtype)
    keep = ids >= 0
    np.add.at(out, ids[keep], data[keep])
    return out


def _segment_reduce(data, ids, n, ufunc, empty):
    out = np.full((n,) + data.shape[ids.ndim:], empty, data.dtype)
    keep = ids >= 0
    ufunc.at(out, ids[keep], data[keep])
    return out


def _unique(x):
    _, first = np.unique(x, return_index=True)
    y = x[np.sort(first)]
    return [y, np.array([list(y).index(v) for v in x], np.int32)]


SPECS = [
    OpSpec("unsorted_segment_sum/rows_repeated_and_dropped",
           lambda d, i: tf.unsorted_segment_sum(d, i, 4),
           lambda d, i: _segment_sum(d, i, 4),
           [Arg((5, 3), static=(None, 3)), Arg((5,), "int32", values=[3, 0, 3, -1, 1])],
           wrt=[0]),
    OpSpec("unsorted_segment_sum/matrix_ids_runtime_count",
           lambda d, i: tf.unsorted_segment_sum(d, i, tf.shape(d)[0]),
           lambda d, i: _segment_sum(d, i, d.shape[0]),
           [Arg((3, 2, 2)), Arg((3, 2), "int64", values=[[0, 2], [2, 2], [1, 0]])], wrt=[0]),
    OpSpec("unique/first_appearance_order", lambda x: list(tf.unique(x)), _unique,
           [Arg((6,), "int32", values=[5, 2, 5, 9, 2, 0])], grad=False),
    OpSpec("unique_with_counts", lambda x: list(tf.unique_with_counts(x)),
           lambda x: _unique(x) + [np.array([2, 2, 1, 1], np.int32)],
           [Arg((6,), "int32", values=[5, 2, 5, 9, 2, 0])], grad=False),
    # distinct maxima per segment (ties are tests/test_tf1_compat.py's), a dropped -1 id, no
    # empty segment (its lowest float overflows the numerical gradient's sums)
    OpSpec("unsorted_segment_max", lambda d, i: tf.unsorted_segment_max(d, i, 3),
           lambda d, i: _segment_reduce(d, i, 3, np.maximum, np.finfo(d.dtype).min),
           [Arg((5, 3), static=(None, 3)), Arg((5,), "int32", values=[2, 0, 2, -1, 1])],
           wrt=[0]),
    OpSpec("unsorted_segment_max/empty_segment", lambda d, i: tf.unsorted_segment_max(d, i, 3),
           lambda d, i: _segment_reduce(d, i, 3, np.maximum, np.finfo(d.dtype).min),
           [Arg((3,)), Arg((3,), "int32", values=[0, 2, 0])], grad=False),
    OpSpec("unsorted_segment_min/matrix_ids", lambda d, i: tf.unsorted_segment_min(d, i, 3),
           lambda d, i: _segment_reduce(d, i, 3, np.minimum, np.finfo(d.dtype).max),
           [Arg((3, 2, 2)), Arg((3, 2), "int64", values=[[0, 2], [2, 2], [1, 0]])], wrt=[0]),
    OpSpec("unsorted_segment_min/int", lambda d, i: tf.unsorted_segment_min(d, i, 3),
           lambda d, i: _segment_reduce(d, i, 3, np.minimum, np.iinfo(d.dtype).max),
           [Arg((4,), "int32", low=-9, high=9), Arg((4,), "int32", values=[0, 0, 2, 0])],
           grad=False),
    OpSpec("unsorted_segment_prod", lambda d, i: tf.unsorted_segment_prod(d, i, 4),
           lambda d, i: _segment_reduce(d, i, 4, np.multiply, 1),
           [Arg((5, 3), static=(None, 3), low=0.5, high=2),
            Arg((5,), "int32", values=[3, 0, 3, -1, 1])], wrt=[0]),
    OpSpec("unsorted_segment_prod/zeros", lambda d, i: tf.unsorted_segment_prod(d, i, 2),
           lambda d, i: _segment_reduce(d, i, 2, np.multiply, 1),
           [Arg((5,), values=[0.0, 2.0, 0.0, 3.0, 0.5]),
            Arg((5,), "int32", values=[0, 0, 1, 1, 0])], wrt=[0]),
    OpSpec("unsorted_segment_mean", lambda d, i: tf.unsorted_segment_mean(d, i, 4),
           lambda d, i: _segment_sum(d, i, 4) / np.maximum(
               np.bincount(i[i >= 0], minlength=4), 1)[:, None].astype(d.dtype),
           [Arg((5, 3), static=(None, 3)), Arg((5,), "int32", values=[3, 0, 3, -1, 1])],
           wrt=[0]),
    OpSpec("unsorted_segment_sqrt_n", lambda d, i: tf.unsorted_segment_sqrt_n(d, i, 4),
           lambda d, i: _segment_sum(d, i, 4) / np.sqrt(np.maximum(
               np.bincount(i[i >= 0], minlength=4), 1))[:, None].astype(d.dtype),
           [Arg((5, 3), static=(None, 3)), Arg((5,), "int32", values=[3, 0, 3, -1, 1])],
           wrt=[0]),
]


def _segments(data, ids, reduce, empty=0.0, rows=None):
    """Reference for the sorted segment reductions: reduce(rows of one segment) per id."""
    rows = (int(ids[-1]) + 1 if ids.size else 0) if rows is None else rows
    out = np.full((rows,) + data.shape[1:], empty, data.dtype)
    for k in set(ids.tolist()):
        out[k] = reduce(data[ids == k])
    return out


def _sqrt_n(rows):
    return rows.sum(0) / np.sqrt(len(rows))


def _sparse_grad(grad, idx, seg, rows, weight):
    """Reference for SparseSegment*Grad: out[idx[i]] += grad[seg[i]] * weight(segment size)."""
    out = np.zeros((rows,) + grad.shape[1:], grad.dtype)
    sizes = np.bincount(seg, minlength=grad.shape[0])
    for i, k in zip(idx, seg):
        out[i] += grad[k] * weight(sizes[k])
    return out


_IDS = Arg((6,), "int32", values=[0, 0, 1, 3, 3, 3])  # segment 2 empty
_IDX = Arg((5,), "int64", values=[4, 0, 4, 2, 1])
_SEG = Arg((5,), "int32", values=[0, 0, 2, 2, 3])    # segment 1 empty
_GRAD_OPS = {"sum": (segment_ops.SparseSegmentSumGrad, lambda n: 1.0),
             "mean": (segment_ops.SparseSegmentMeanGrad, lambda n: 1.0 / n),
             "sqrt_n": (segment_ops.SparseSegmentSqrtNGrad, lambda n: 1.0 / np.sqrt(n))}

SPECS += [
    OpSpec("segment_sum/empty_segment", tf.math.segment_sum,
           lambda d, i: _segments(d, i, lambda r: r.sum(0)),
           [Arg((6, 2, 3), static=(None, 2, None)), _IDS]),
    OpSpec("segment_sum/int64_data_int64_ids", tf.segment_sum,
           lambda d, i: _segments(d, i, lambda r: r.sum(0)),
           [Arg((4,), "int64", low=-5, high=5), Arg((4,), "int64", values=[1, 1, 1, 4])],
           grad=False),
    OpSpec("segment_mean/empty_segment", tf.math.segment_mean,
           lambda d, i: _segments(d, i, lambda r: r.mean(0)), [Arg((6, 3)), _IDS]),
    OpSpec("segment_max/empty_segment_is_zero", tf.math.segment_max,
           lambda d, i: _segments(d, i, lambda r: r.max(0)), [Arg((6, 3)), _IDS]),
    OpSpec("segment_min/empty_segment_is_zero", tf.math.segment_min,
           lambda d, i: _segments(d, i, lambda r: r.min(0)), [Arg((6, 3)), _IDS]),
    OpSpec("segment_prod/empty_segment_is_one", tf.math.segment_prod,
           lambda d, i: _segments(d, i, lambda r: r.prod(0), empty=1.0), [Arg((6, 3)), _IDS],
           rtol=1e-5),
    OpSpec("segment_prod/zeros_in_segments", tf.math.segment_prod,
           lambda d, i: _segments(d, i, lambda r: r.prod(0), empty=1.0),
           [Arg((6, 2), values=[[0, 2], [3, 0], [0, 1.5], [0, 0], [2, 0], [-1, 3]]), _IDS],
           grad_delta=1e-3),
    OpSpec("sparse_segment_sum/repeated_indices", tf.sparse.segment_sum,
           lambda d, i, s: _segments(d[i], s, lambda r: r.sum(0)),
           [Arg((5, 3), static=(None, 3)), _IDX, _SEG]),
    OpSpec("sparse_segment_mean/repeated_indices", tf.sparse_segment_mean,
           lambda d, i, s: _segments(d[i], s, lambda r: r.mean(0)), [Arg((5, 2, 2)), _IDX, _SEG]),
    OpSpec("sparse_segment_sqrt_n/repeated_indices", tf.sparse.segment_sqrt_n,
           lambda d, i, s: _segments(d[i], s, _sqrt_n), [Arg((5, 3)), _IDX, _SEG]),
    OpSpec("sparse_segment_sum/num_segments",
           lambda d, i, s: tf.sparse.segment_sum(d, i, s, num_segments=6),
           lambda d, i, s: _segments(d[i], s, lambda r: r.sum(0), rows=6),
           [Arg((5, 3)), _IDX, _SEG]),
    OpSpec("sparse_segment_mean/num_segments_tensor",
           lambda d, i, s: tf.sparse_segment_mean(d, i, s, num_segments=tf.shape(d)[0]),
           lambda d, i, s: _segments(d[i], s, lambda r: r.mean(0), rows=5),
           [Arg((5, 3)), _IDX, _SEG]),
    OpSpec("sparse_segment_sqrt_n/num_segments",
           lambda d, i, s: tf.sparse.segment_sqrt_n(d, i, s, num_segments=4),
           lambda d, i, s: _segments(d[i], s, _sqrt_n, rows=4), [Arg((5, 3)), _IDX, _SEG]),
] + [
    OpSpec("sparse_segment_%s_grad/into_7_rows" % kind,
           lambda g, i, s, op=op: op()(g, i, s, tf.constant(7)),
           lambda g, i, s, w=w: _sparse_grad(g, i, s, 7, w),
           [Arg((4, 3), static=(None, 3)), _IDX, _SEG])
    for kind, (op, w) in _GRAD_OPS.items()
]


def _reverse_sequence(x, lengths, seq, batch):
    out = x.copy()
    for b, n in enumerate(lengths):
        index = [slice(None)] * x.ndim
        index[batch] = b
        src = list(index)
        index[seq] = slice(0, n)
        src[seq] = slice(n - 1, None, -1) if n else slice(0, 0)
        out[tuple(index)] = x[tuple(src)]
    return out


SPECS += [
    OpSpec("reverse_sequence/batch_major",
           lambda x, n: tf.reverse_sequence(x, n, seq_axis=1, batch_axis=0),
           lambda x, n: _reverse_sequence(x, n, 1, 0),
           [Arg((3, 4, 2), static=(None, 4, 2)), Arg((3,), "int32", values=[4, 0, 2])], wrt=[0]),
    OpSpec("reverse_sequence/time_major_int64",
           lambda x, n: tf.reverse_sequence(x, n, seq_axis=0, batch_axis=1),
           lambda x, n: _reverse_sequence(x, n, 0, 1),
           [Arg((5, 2, 3)), Arg((2,), "int64", values=[3, 5])], wrt=[0]),
]



def _gather_tree(step_ids, parent_ids, lengths, end):
    """TF's GatherTree kernel as loops: follow each final beam's parents back from its batch
    entry's last step, then end_token after the first end_token and past the length."""
    steps, batch, width = step_ids.shape
    out = np.full(step_ids.shape, end, step_ids.dtype)
    for b in range(batch):
        n = min(steps, int(lengths[b]))
        for k in range(width):
            beam = k
            for t in range(n - 1, -1, -1):
                out[t, b, k] = step_ids[t, b, beam]
                beam = parent_ids[t, b, beam]
            ended = False
            for t in range(n):
                if ended:
                    out[t, b, k] = end
                ended = ended or out[t, b, k] == end
    return out


SPECS += [  # GatherTree (ids: no gradient, as in TF)
    OpSpec("gather_tree/lengths_short_and_zero",
           lambda s, p, n, e: tf.contrib.seq2seq.gather_tree(s, p, n, e),
           _gather_tree,
           [Arg((5, 3, 4), "int32", static=(None, None, 4), low=0, high=4),
            Arg((5, 3, 4), "int32", static=(None, 3, None), low=0, high=3),
            Arg((3,), "int32", values=[5, 2, 0]), Arg((), "int32", values=3)], grad=False),
    OpSpec("gather_tree/lengths_past_time", lambda s, p, n, e: tf.contrib.seq2seq.gather_tree(
        s, p, n, e), _gather_tree,
           [Arg((3, 2, 2), "int32", low=0, high=3), Arg((3, 2, 2), "int32", low=0, high=1),
            Arg((2,), "int32", values=[7, 3]), Arg((), "int32", values=1)], grad=False, seed=1),
]

# -- ops on SparseTensors (minitf/ops/sparse_math.py, sparse_manip.py): a 4x3 matrix with an
# empty row; the builders make the SparseTensor from the value placeholders ---------------------

_ROWMAJOR = [[0, 1], [1, 0], [1, 2], [3, 0], [3, 2]]
_SHUFFLED = [[1, 2], [0, 1], [3, 0], [1, 0], [3, 2]]
_SHUFFLE_ORDER = [1, 3, 0, 2, 4]


def _sp(values, indices=_ROWMAJOR, shape=(4, 3)):
    return tf.SparseTensor(indices, values, list(shape))


def _parts(sp):
    return [sp.indices, sp.values, sp.dense_shape]


def _dense(values, indices=_ROWMAJOR, shape=(4, 3)):
    out = np.zeros(shape, values.dtype)
    out[tuple(np.array(indices).T)] = values
    return out


def _row_softmax(v):
    out = np.empty_like(v)
    rows = np.array(_ROWMAJOR)[:, 0]
    for r in set(rows.tolist()):
        e = np.exp(v[rows == r] - v[rows == r].max())
        out[rows == r] = e / e.sum()
    return out


def _in_box(start, size):
    idx = np.array(_ROWMAJOR)
    return np.all((idx >= start) & (idx < np.add(start, size)), axis=1)


_VALUES = Arg((5,), static=(None,))
_KEEP = _in_box([1, 1], [3, 5])

SPECS += [
    OpSpec("sparse_tensor_dense_matmul/plain",
           lambda v, b: tf.sparse_tensor_dense_matmul(_sp(v), b),
           lambda v, b: _dense(v) @ b, [_VALUES, Arg((3, 2), static=(3, None))]),
    OpSpec("sparse_tensor_dense_matmul/adjoint_both",
           lambda v, b: tf.sparse.matmul(_sp(v), b, adjoint_a=True, adjoint_b=True),
           lambda v, b: _dense(v).T @ b.T, [_VALUES, Arg((2, 4))]),
    OpSpec("sparse_reorder/values_follow", lambda v: tf.sparse_reorder(_sp(v, _SHUFFLED)).values,
           lambda v: v[_SHUFFLE_ORDER], [_VALUES]),
    OpSpec("sparse_softmax/rows", lambda v: tf.sparse_softmax(_sp(v)).values, _row_softmax,
           [_VALUES]),
    OpSpec("sparse_slice/box_cut_to_shape",
           lambda v: _parts(tf.sparse_slice(_sp(v), [1, 1], [3, 5])),
           lambda v: [np.array(_ROWMAJOR)[_KEEP] - [1, 1], v[_KEEP], np.array([3, 2])],
           [_VALUES]),
    OpSpec("sparse_fill_empty_rows/default_filled",
           lambda v, d: tf.sparse_fill_empty_rows(_sp(v), d)[0].values,
           lambda v, d: np.concatenate([v[:3], [d], v[3:]]), [_VALUES, Arg(())]),
    OpSpec("sparse_reshape/flat",
           lambda i, v: _parts(tf.sparse_reshape(_sp(v, i), [2, -1]))[::2],
           lambda i, v: [np.stack(np.unravel_index(i[:, 0] * 3 + i[:, 1], (2, 6)), 1),
                         np.array([2, 6])],
           [Arg((5, 2), "int64", values=_ROWMAJOR), _VALUES], grad=False),
    OpSpec("sparse_concat/columns",
           lambda v: _parts(tf.sparse_concat(1, [_sp(v), _sp(v * 2)])),
           lambda v: [np.array([[0, 1], [0, 4], [1, 0], [1, 2], [1, 3], [1, 5], [3, 0], [3, 2],
                                [3, 3], [3, 5]]),
                      np.array([v[0], 2 * v[0], v[1], v[2], 2 * v[1], 2 * v[2], v[3], v[4],
                                2 * v[3], 2 * v[4]]), np.array([4, 6])],
           [_VALUES], grad=False),
    OpSpec("sparse_split/rows_2_1_1",
           lambda v: [t for sp in tf.sparse_split(sp_input=_sp(v), num_split=3, axis=0)
                      for t in _parts(sp)],
           lambda v: [np.array([[0, 1], [1, 0], [1, 2]]), v[:3], np.array([2, 3]),
                      np.zeros((0, 2), np.int64), v[:0], np.array([1, 3]),
                      np.array([[0, 0], [0, 2]]), v[3:], np.array([1, 3])],
           [_VALUES], grad=False),
    OpSpec("sparse_reduce_max/rows_empty_is_zero", lambda v: tf.sparse_reduce_max(_sp(v), 1),
           lambda v: np.array([v[0], max(v[1], v[2]), 0, max(v[3], v[4])], v.dtype),
           [_VALUES], grad=False),
    OpSpec("sparse_reduce_max_sparse/columns_keepdims",
           lambda v: _parts(tf.sparse_reduce_max_sparse(_sp(v), 0, keepdims=True)),
           lambda v: [np.array([[0, 0], [0, 1], [0, 2]]),
                      np.array([max(v[1], v[3]), v[0], max(v[2], v[4])]), np.array([1, 3])],
           [_VALUES], grad=False),
    OpSpec("sparse_reduce_sum_sparse/all_axes",
           lambda v: _parts(tf.sparse_reduce_sum_sparse(_sp(v))),
           lambda v: [np.zeros((1, 0), np.int64), np.array([v.sum()]), np.zeros(0, np.int64)],
           [_VALUES], grad=False, rtol=1e-5),
    OpSpec("sparse_maximum/union_with_zeros",
           lambda a, b: _parts(tf.sparse_maximum(_sp(a), _sp(b, [[0, 0], [1, 2]])))[:2],
           lambda a, b: [np.array([[0, 0], [0, 1], [1, 0], [1, 2], [3, 0], [3, 2]]),
                         np.maximum([0, a[0], a[1], a[2], a[3], a[4]], [b[0], 0, 0, b[1], 0, 0])],
           [_VALUES, Arg((2,))], grad=False),
    OpSpec("sparse_minimum/union_with_zeros",
           lambda a, b: _parts(tf.sparse.minimum(_sp(a), _sp(b, [[0, 0], [1, 2]])))[:2],
           lambda a, b: [np.array([[0, 0], [0, 1], [1, 0], [1, 2], [3, 0], [3, 2]]),
                         np.minimum([0, a[0], a[1], a[2], a[3], a[4]], [b[0], 0, 0, b[1], 0, 0])],
           [_VALUES, Arg((2,))], grad=False),
    OpSpec("sparse_add/union_summed",
           lambda a, b: _parts(tf.sparse_add(_sp(a), _sp(b, [[0, 0], [1, 2]])))[:2],
           lambda a, b: [np.array([[0, 0], [0, 1], [1, 0], [1, 2], [3, 0], [3, 2]]),
                         np.array([b[0], a[0], a[1], a[2] + b[1], a[3], a[4]])],
           [_VALUES, Arg((2,))]),
    OpSpec("setdiff1d/repeats_kept", lambda x, y: list(tf.setdiff1d(x, y)),
           lambda x, y: [x[~np.isin(x, y)], np.nonzero(~np.isin(x, y))[0].astype(np.int32)],
           [Arg((6,), "int64", values=[3, 1, 3, 7, 2, 1]), Arg((2,), "int64", values=[1, 9])],
           grad=False),
]


# -- set operations along the last dimension (minitf/ops/set_ops.py), against numpy's unique ----

def _row_sets(a, b, combine):
    """Reference for the set ops: the rows of a and b (dense [..., n]) combined with numpy's
    set routines, as (indices, values, dense_shape) with the rows' results sorted."""
    batch = a.shape[:-1]
    rows = [combine(x, y) for x, y in zip(a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1]))]
    indices = [list(np.unravel_index(r, batch)) + [j] for r, row in enumerate(rows)
               for j in range(len(row))]
    return [np.array(indices, np.int64).reshape(-1, a.ndim), np.concatenate(rows).astype(a.dtype),
            np.array(list(batch) + [max(len(row) for row in rows)], np.int64)]


_SET_A = Arg((2, 3, 4), "int32", static=(None, 3, None), low=0, high=5)
_SET_B = Arg((2, 3, 2), "int32", low=0, high=5)
SPECS += [
    OpSpec("set_intersection/dense_dense_rank3", lambda a, b: _parts(tf.sets.intersection(a, b)),
           lambda a, b: _row_sets(a, b, np.intersect1d), [_SET_A, _SET_B], grad=False),
    OpSpec("set_union/dense_dense_rank3", lambda a, b: _parts(tf.sets.set_union(a, b)),
           lambda a, b: _row_sets(a, b, np.union1d), [_SET_A, _SET_B], grad=False),
    OpSpec("set_difference/dense_dense_b_minus_a",
           lambda a, b: _parts(tf.sets.set_difference(a, b, aminusb=False)),
           lambda a, b: _row_sets(a, b, lambda x, y: np.setdiff1d(y, x)), [_SET_A, _SET_B],
           grad=False),
    OpSpec("set_difference/dense_sparse_a_minus_b",
           lambda a, v: _parts(tf.sets.difference(a, _sp(v))),
           lambda a, v: _row_sets(a, _dense(v), lambda x, y: np.setdiff1d(x, y[y != 0])),
           [Arg((4, 3), "int64", low=0, high=4), Arg((5,), "int64", low=1, high=4)], grad=False),
    OpSpec("set_union/sparse_sparse",
           lambda v, w: _parts(tf.sets.union(_sp(v), _sp(w, [[0, 0], [0, 1], [2, 2]]))),
           lambda v, w: _row_sets(_dense(v), _dense(w, [[0, 0], [0, 1], [2, 2]]),
                                  lambda x, y: np.union1d(x[x != 0], y[y != 0])),
           [Arg((5,), "int32", low=1, high=4), Arg((3,), "int32", low=1, high=4)], grad=False),
    OpSpec("set_size/rows_with_repeats_and_empty", lambda v: tf.sets.set_size(_sp(v)),
           lambda v: np.array([len(np.unique(v[np.array(_ROWMAJOR)[:, 0] == r]))
                               for r in range(4)], np.int32),
           [Arg((5,), "int16", low=1, high=2)], grad=False),
]
