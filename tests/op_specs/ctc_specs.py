"""Op table rows for CTCLoss (a brute-force reference: every alignment of the steps summed),
PreventGradient (on its gradient path), CTCGreedyDecoder, CTCBeamSearchDecoder (a beam wide
enough for every prefix finds the most probable labellings, checked by brute force) and
EditDistance."""

import itertools

import numpy as np

import minitf as tf
from tests.op_specs.spec import Arg, OpSpec


def _ctc_brute_force(x, indices, values, lengths):
    """-log of the summed probability of every path over the steps that collapses (repeats
    merged, then blanks dropped) to the entry's labels."""
    e = np.exp(x - x.max(axis=2, keepdims=True))
    p = e / e.sum(axis=2, keepdims=True)
    blank = x.shape[2] - 1
    out = []
    for b in range(x.shape[1]):
        label = tuple(values[indices[:, 0] == b])
        total = 0.0
        for path in itertools.product(range(x.shape[2]), repeat=int(lengths[b])):
            merged = [k for k, _ in itertools.groupby(path) if k != blank]
            if tuple(merged) == label:
                total += np.prod([p[t, b, k] for t, k in enumerate(path)])
        out.append(-np.log(total))
    return np.array(out, x.dtype)


def _greedy(x, lengths):
    rows = []
    for b in range(x.shape[1]):
        best = [int(np.argmax(x[t, b])) for t in range(lengths[b])]
        merged = [k for k, _ in itertools.groupby(best) if k != x.shape[2] - 1]
        rows.append(merged)
    indices = np.array([[b, i] for b, r in enumerate(rows) for i in range(len(r))],
                       np.int64).reshape(-1, 2)
    values = np.array([v for r in rows for v in r], np.int64)
    shape = np.array([len(rows), max(len(r) for r in rows)], np.int64)
    log_prob = np.array([[-sum(x[t, b].max() for t in range(lengths[b]))]
                         for b in range(x.shape[1])], x.dtype)
    return [indices, values, shape, log_prob]


def _labellings(x, length, paths):
    """The `paths` most probable labellings of one entry's steps and their log probabilities,
    every alignment enumerated."""
    e = np.exp(x - x.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    total = {}
    for path in itertools.product(range(x.shape[1]), repeat=length):
        label = tuple(k for k, _ in itertools.groupby(path) if k != x.shape[1] - 1)
        total[label] = total.get(label, 0.0) + np.prod([p[t, k] for t, k in enumerate(path)])
    best = sorted(total.items(), key=lambda kv: -kv[1])[:paths]
    return [list(k) for k, _ in best], [np.log(v) for _, v in best]


def _beam_reference(x, lengths):
    per_entry = [_labellings(x[:n, b], n, 2) for b, n in enumerate(lengths)]
    out = [[], [], []]
    for k in range(2):
        rows = [entry[0][k] for entry in per_entry]
        out[0].append(np.array([[b, i] for b, r in enumerate(rows) for i in range(len(r))],
                               np.int64).reshape(-1, 2))
        out[1].append(np.array([v for r in rows for v in r], np.int64))
        out[2].append(np.array([len(rows), max(len(r) for r in rows)], np.int64))
    scores = np.array([entry[1] for entry in per_entry], x.dtype)
    return out[0] + out[1] + out[2] + [scores]


def _beam(x, lengths):
    decoded, scores = tf.nn.ctc_beam_search_decoder_v2(x, lengths, beam_width=20, top_paths=2)
    return ([d.indices for d in decoded] + [d.values for d in decoded]
            + [d.dense_shape for d in decoded] + [scores])


def _distance(a, b):
    if not a or not b:
        return len(a) + len(b)
    return min(_distance(a[1:], b) + 1, _distance(a, b[1:]) + 1,
               _distance(a[1:], b[1:]) + (a[0] != b[0]))


def _edit_distance(h_idx, h_val, h_shape, t_idx, t_val, t_shape):
    out = np.zeros(np.maximum(h_shape, t_shape)[:-1], np.float32)
    for row in range(out.shape[0]):
        h = list(h_val[h_idx[:, 0] == row])
        t = list(t_val[t_idx[:, 0] == row])
        out[row] = (np.float32(_distance(h, t)) / np.float32(len(t)) if t
                    else (np.inf if h else 0.0))
    return out


def _ctc_loss(x, indices, values, lengths):
    labels = tf.SparseTensor(indices, values, [2, 2])
    return tf.nn.ctc_loss(labels, x, lengths)


SPECS = [
    OpSpec("ctc_loss/repeats_and_lengths", _ctc_loss, _ctc_brute_force,
           [Arg((4, 2, 3), static=(None, 2, 3)),
            Arg((3, 2), "int64", values=[[0, 0], [0, 1], [1, 0]]),
            Arg((3,), "int32", values=[1, 1, 0]), Arg((2,), "int32", values=[4, 3])],
           wrt=[0]),
    OpSpec("ctc_greedy_decoder", lambda x, n: (
        lambda out: [out[0][0].indices, out[0][0].values, out[0][0].dense_shape, out[1]])(
            tf.nn.ctc_greedy_decoder(x, n)), _greedy,
           [Arg((5, 3, 4), static=(None, None, 4)), Arg((3,), "int32", values=[5, 2, 4])],
           grad=False),
    OpSpec("ctc_beam_search_decoder/wide_beam_is_exact", _beam, _beam_reference,
           [Arg((3, 2, 3), static=(None, 2, 3), low=-1.5, high=1.5),
            Arg((2,), "int32", values=[3, 2])], grad=False, rtol=1e-5),
    OpSpec("edit_distance/normalized_with_empty_truth", lambda *a: tf.edit_distance(
        tf.SparseTensor(*a[:3]), tf.SparseTensor(*a[3:])), _edit_distance,
           [Arg((4, 2), "int64", values=[[0, 0], [0, 1], [1, 0], [2, 0]]),
            Arg((4,), "int32", values=[1, 2, 3, 3]), Arg((2,), "int64", values=[3, 2]),
            Arg((4, 2), "int64", values=[[0, 0], [0, 1], [0, 2], [1, 0]]),
            Arg((4,), "int32", values=[2, 2, 1, 3]), Arg((2,), "int64", values=[2, 3])],
           grad=False),
]
