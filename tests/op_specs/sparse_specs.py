"""Op table rows for the ops sparse gradients use: UnsortedSegmentSum and Unique."""

import numpy as np

import minitf as tf
from tests.op_specs.spec import Arg, OpSpec


def _segment_sum(data, ids, n):
    out = np.zeros((n,) + data.shape[ids.ndim:], data.dtype)
    keep = ids >= 0
    np.add.at(out, ids[keep], data[keep])
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
