"""Records what TF 2.x compat.v1 (TF 1.15's API) does with CTC and tf.edit_distance, for
tests/test_ctc.py: tf.nn.ctc_loss's values and gradients (repeated labels, per-entry lengths,
labels longer than the inputs, preprocess_collapse_repeated, ctc_merge_repeated=False,
batch-major logits, float64), the decoders' sparse outputs and log probabilities, edit
distances with empty groups, static shapes, error classes and messages, and the loss curve
of a small model trained with Adam from fixed initial weights. Run with TensorFlow installed:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_ctc.py \
        > tests/fixtures/tf_ctc.json

Every program takes the tf module as an argument; the test runs the same programs on minitf
and compares the records.
"""
import json

import numpy as np


def _logits(shape, seed, dtype=np.float32):
    return (np.random.RandomState(seed).randn(*shape) * 1.5).astype(dtype)


def _sparse(tf, rows):
    """An int32 SparseTensorValue with row b holding rows[b] (a list of labels)."""
    indices = [[b, i] for b, row in enumerate(rows) for i in range(len(row))]
    values = [v for row in rows for v in row]
    width = max([len(r) for r in rows] + [0])
    return tf.SparseTensorValue(np.array(indices, np.int64).reshape(-1, 2),
                                np.array(values, np.int32), np.array([len(rows), width], np.int64))


def _error(e):
    """An error's class and its message without what TF adds around it: TF 2's session puts
    the kernel's message after a "Node:" line, and the node after it; a shape function's
    message ends with the node's definition."""
    message = str(e)
    if "\nNode: " in message:
        message = message.split("\nNode: ", 1)[1].split("\n", 1)[1]
    return [type(e).__name__, message.split("\n\t [[")[0].split(" for '{{node")[0].strip()]


def _floats(a):
    return [float(v) for v in np.asarray(a, np.float64).reshape(-1)]


# (name, logits shape, seed, label rows, sequence lengths, keyword arguments of ctc_loss)
LOSS_CASES = [
    ("basic", (6, 3, 5), 0, [[0, 1, 2], [3], [1, 1]], [6, 5, 4], {}),
    ("repeated_tight", (3, 2, 4), 1, [[2, 2], [0, 1, 0]], [3, 3], {}),
    ("repeated_no_path", (2, 1, 4), 2, [[1, 1]], [2], {}),
    ("collapse_repeated", (5, 2, 5), 3, [[1, 1, 2, 2], [3, 3, 3]], [5, 4],
     {"preprocess_collapse_repeated": True}),
    ("no_merge_repeated", (5, 2, 5), 4, [[1, 1, 2], [0]], [5, 3],
     {"ctc_merge_repeated": False}),
    ("no_merge_and_collapse", (4, 2, 4), 5, [[2, 2, 0], [1, 1]], [4, 2],
     {"ctc_merge_repeated": False, "preprocess_collapse_repeated": True}),
    ("ignore_longer", (4, 3, 5), 6, [[0, 1, 2, 3, 0], [2], [1, 2]], [4, 4, 1],
     {"ignore_longer_outputs_than_inputs": True}),
    ("zero_length_entry", (4, 2, 4), 7, [[1, 2], [0]], [4, 0],
     {"ignore_longer_outputs_than_inputs": True}),
    ("blank_valued_label_ends", (5, 2, 5), 8, [[1, 4], [2, 3, 4, 4]], [5, 5], {}),
    ("batch_major", (2, 5, 6), 9, [[4, 3, 1], [0, 0]], [5, 3], {"time_major": False}),
    ("wide_logits", (7, 2, 8), 10, [[6, 5, 6, 5], [1, 2, 3]], [7, 6], {}),
]


def ctc_loss_values(tf, _):
    """Loss and gradient of each LOSS_CASES case, fed through placeholders of unknown batch."""
    out = {}
    for name, shape, seed, rows, lengths, kwargs in LOSS_CASES:
        for dtype in (np.float32, np.float64) if name == "basic" else (np.float32,):
            with tf.Graph().as_default():
                x = tf.placeholder(tf.as_dtype(dtype), [None, None, shape[2]])
                labels = tf.sparse_placeholder(tf.int32)
                seq = tf.placeholder(tf.int32, [None])
                loss = tf.nn.ctc_loss(labels, x, seq, **kwargs)
                grad = tf.gradients(loss * np.arange(1, len(rows) + 1, dtype=dtype), x)[0]
                with tf.Session() as sess:
                    got = sess.run([loss, grad], {x: _logits(shape, seed, dtype),
                                                  labels: _sparse(tf, rows), seq: lengths})
            key = name if dtype is np.float32 else name + "_float64"
            out[key] = {"loss": _floats(got[0]), "grad": _floats(got[1]),
                        "dtype": str(got[0].dtype)}
    return out


def ctc_loss_graph(tf, _):
    """Op names, static shapes and the gradient's ops."""
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 4, 6])
        labels = tf.sparse_placeholder(tf.int32)
        loss = tf.nn.ctc_loss(labels, x, [3, 3, 3, 3])
        loss_bm = tf.nn.ctc_loss(labels, tf.placeholder(tf.float32, [4, 7, 6]),
                                 tf.placeholder(tf.int32, [None]), time_major=False)
        grad = tf.gradients(loss, x)[0]
        ops = [op.name for op in g.get_operations()]
    return {"loss": [loss.name, loss.shape.as_list()],
            "loss_batch_major": [loss_bm.name, loss_bm.shape.as_list()],
            "grad": [grad.name, grad.shape.as_list()],
            "grad_ops": [n for n in ops if n.startswith("gradients/CTCLoss")],
            "loss_ops": [n for n in ops if n.startswith("CTCLoss")]}


def _run_error(tf, build, feed_values):
    with tf.Graph().as_default():
        try:
            fetch, feed = build()
        except Exception as e:  # noqa: BLE001 - the class is what is recorded
            return ["build"] + _error(e)
        with tf.Session() as sess:
            try:
                sess.run(fetch, {k: feed_values[i] for i, k in enumerate(feed)})
                return None
            except Exception as e:  # noqa: BLE001
                return ["run"] + _error(e)


def ctc_loss_errors(tf, _):
    """Build-time and run-time errors: classes and messages."""
    x = _logits((3, 2, 5), 0)

    def fed(rows, lengths=(3, 3), logits=x, **kwargs):
        def build():
            inputs = tf.placeholder(tf.float32, [None, None, 5])
            labels = tf.sparse_placeholder(tf.int32)
            seq = tf.placeholder(tf.int32, [None])
            return tf.nn.ctc_loss(labels, inputs, seq, **kwargs), [inputs, labels, seq]
        labels = rows if isinstance(rows, tf.SparseTensorValue) else _sparse(tf, rows)
        return _run_error(tf, build, [logits, labels, list(lengths)])

    def built(fn):
        return _run_error(tf, lambda: (fn(), []), [])

    const_labels = lambda dtype=tf.int32: tf.SparseTensor(  # noqa: E731
        tf.constant([[0, 0]], tf.int64), tf.constant([1], dtype), tf.constant([2, 1], tf.int64))
    return {
        "too_long": fed([[0, 1, 2, 3], [1]]),
        "too_long_repeats_fit": fed([[1, 2, 3], [1]], lengths=(3, 1)),
        "empty_row": fed(tf.SparseTensorValue(np.array([[0, 0]], np.int64),
                                              np.array([1], np.int32),
                                              np.array([2, 1], np.int64))),
        "label_after_blank_value": fed([[1, 4, 2], [0]]),
        "negative_label": fed([[1, -1], [0]]),
        "out_of_order": fed(tf.SparseTensorValue(np.array([[0, 1], [0, 0], [1, 0]], np.int64),
                                                 np.array([1, 2, 3], np.int32),
                                                 np.array([2, 2], np.int64))),
        "row_beyond_batch": fed(tf.SparseTensorValue(np.array([[0, 0], [2, 0]], np.int64),
                                                     np.array([1, 2], np.int32),
                                                     np.array([3, 1], np.int64))),
        "zero_length_entry": fed([[1], [2]], lengths=(3, 0)),
        "length_over_max_time": fed([[1], [2]], lengths=(3, 4)),
        "negative_length": fed([[1], [2]], lengths=(3, -1)),
        "lengths_not_batch": fed([[1], [2]], lengths=(3, 3, 3)),
        "dense_labels": built(lambda: tf.nn.ctc_loss(tf.constant([[1]]), tf.zeros([3, 2, 5]),
                                                     [3, 3])),
        "int64_labels": built(lambda: tf.nn.ctc_loss(const_labels(tf.int64), tf.zeros([3, 2, 5]),
                                                     [3, 3])),
        "rank2_inputs": built(lambda: tf.nn.ctc_loss(const_labels(), tf.zeros([2, 5]), [3, 3])),
        "int64_lengths": built(lambda: tf.nn.ctc_loss(const_labels(), tf.zeros([3, 2, 5]),
                                                      tf.constant([3, 3], tf.int64))),
        "rank2_lengths": built(lambda: tf.nn.ctc_loss(const_labels(), tf.zeros([3, 2, 5]),
                                                      tf.constant([[3, 3]]))),
        "lengths_batch_mismatch": built(lambda: tf.nn.ctc_loss(
            const_labels(), tf.zeros([3, 2, 5]), [3, 3, 3])),
        "int_inputs": built(lambda: tf.nn.ctc_loss(const_labels(), tf.zeros([3, 2, 5], tf.int32),
                                                   [3, 3])),
        "second_derivative": built(lambda: _second_derivative(tf)),
    }


def _second_derivative(tf):
    x = tf.ones([3, 2, 5])
    labels = tf.SparseTensor(tf.constant([[0, 0], [1, 0]], tf.int64), tf.constant([1, 2]),
                             tf.constant([2, 1], tf.int64))
    g = tf.gradients(tf.nn.ctc_loss(labels, x, [3, 3]), x)[0]
    return tf.gradients(tf.reduce_sum(g * g), x)


GREEDY_TIES = np.array([[[1.0, 1.0, 0.5], [0.2, 0.3, 0.3]],
                        [[0.0, 0.0, 0.0], [2.0, 2.0, 1.0]],
                        [[1.0, 0.5, 1.0], [0.3, 0.1, 0.3]],
                        [[0.9, 0.9, 0.0], [0.3, 0.3, 0.3]]], np.float32)


def ctc_greedy(tf, _):
    """Greedy decodings: merged and not, ties between logits, per-entry lengths (one 0)."""
    out = {}
    cases = [("random", _logits((7, 4, 5), 11), [7, 5, 0, 3]),
             ("ties", GREEDY_TIES, [4, 3]),
             ("float64", _logits((5, 2, 4), 12, np.float64), [5, 4])]
    for name, logits, lengths in cases:
        for merge in (True, False):
            with tf.Graph().as_default():
                x = tf.placeholder(tf.as_dtype(logits.dtype), [None, None, logits.shape[2]])
                seq = tf.placeholder(tf.int32, [None])
                (decoded,), log_prob = tf.nn.ctc_greedy_decoder(x, seq, merge_repeated=merge)
                with tf.Session() as sess:
                    d, lp = sess.run([decoded, log_prob], {x: logits, seq: lengths})
            out["%s_merge_%s" % (name, merge)] = {
                "indices": d.indices.tolist(), "values": d.values.tolist(),
                "dense_shape": d.dense_shape.tolist(), "log_probability": _floats(lp),
                "shape": list(lp.shape), "dtype": str(lp.dtype)}
    with tf.Graph().as_default():
        (decoded,), log_prob = tf.nn.ctc_greedy_decoder(tf.placeholder(tf.float32, [5, 3, 4]),
                                                        tf.placeholder(tf.int32, [None]))
        out["static"] = {"names": [decoded.indices.name, decoded.values.name,
                                   decoded.dense_shape.name, log_prob.name],
                         "shapes": [t.shape.as_list() for t in (
                             decoded.indices, decoded.values, decoded.dense_shape, log_prob)]}

    def fed(lengths):
        def build():
            x = tf.placeholder(tf.float32, [None, None, 3])
            seq = tf.placeholder(tf.int32, [None])
            return tf.nn.ctc_greedy_decoder(x, seq)[1], [x, seq]
        return _run_error(tf, build, [GREEDY_TIES, lengths])
    out["errors"] = {
        "length_over_max_time": fed([4, 5]),
        "lengths_not_batch": fed([4, 4, 4]),
        "rank2": _run_error(tf, lambda: (tf.nn.ctc_greedy_decoder(tf.zeros([2, 5]), [3, 3]), []),
                            []),
        "int64_lengths": _run_error(tf, lambda: (tf.nn.ctc_greedy_decoder(
            tf.zeros([3, 2, 5]), tf.constant([3, 3], tf.int64)), []), []),
        "batch_mismatch": _run_error(tf, lambda: (tf.nn.ctc_greedy_decoder(
            tf.zeros([3, 2, 5]), [3, 3, 3]), []), []),
    }
    return out


def _beam_cases():
    rng = np.random.RandomState(21)
    quantized = rng.randint(0, 2, (6, 3, 4)).astype(np.float32)
    log_softmax = np.log(rng.dirichlet(np.ones(5), (6, 3))).astype(np.float32)
    # (name, logits, lengths, beam_width, top_paths)
    return [
        ("log_probs", log_softmax, [6, 4, 5], 4, 3),
        ("raw_logits_default_width", _logits((7, 2, 6), 22), [7, 5], 100, 1),
        ("all_equal", np.zeros((3, 2, 3), np.float32), [3, 2], 3, 3),
        ("quantized_ties", quantized, [6, 5, 6], 5, 5),
        ("wide_beam", _logits((8, 2, 12), 23) * 0.3, [8, 7], 40, 20),
        ("zero_length", _logits((4, 2, 4), 24), [4, 0], 2, 1),
        ("float64", _logits((5, 2, 4), 25, np.float64), [5, 3], 3, 2),
    ]


def ctc_beam_search(tf, _):
    """Beam search decodings: merged and not (v2), ties, several paths, errors."""
    out = {}
    for name, logits, lengths, width, paths in _beam_cases():
        for merge in (True, False):
            with tf.Graph().as_default():
                x = tf.placeholder(tf.as_dtype(logits.dtype), [None, None, logits.shape[2]])
                seq = tf.placeholder(tf.int32, [None])
                if merge:
                    decoded, log_prob = tf.nn.ctc_beam_search_decoder(
                        x, seq, beam_width=width, top_paths=paths)
                else:
                    decoded, log_prob = tf.nn.ctc_beam_search_decoder_v2(
                        x, seq, beam_width=width, top_paths=paths)
                with tf.Session() as sess:
                    d, lp = sess.run([decoded, log_prob], {x: logits, seq: lengths})
            out["%s_merge_%s" % (name, merge)] = {
                "paths": [[p.indices.tolist(), p.values.tolist(), p.dense_shape.tolist()]
                          for p in d],
                "log_probability": _floats(lp), "shape": list(lp.shape), "dtype": str(lp.dtype)}
    with tf.Graph().as_default():
        decoded, log_prob = tf.nn.ctc_beam_search_decoder(
            tf.placeholder(tf.float32, [5, 3, 4]), tf.placeholder(tf.int32, [None]),
            top_paths=2)
        out["static"] = {"names": [[p.indices.name, p.values.name, p.dense_shape.name]
                                   for p in decoded] + [log_prob.name],
                         "shapes": [[t.shape.as_list() for t in (p.indices, p.values,
                                                                 p.dense_shape)]
                                    for p in decoded] + [log_prob.shape.as_list()]}

    def fed(lengths, **kwargs):
        def build():
            x = tf.placeholder(tf.float32, [None, None, 3])
            seq = tf.placeholder(tf.int32, [None])
            return tf.nn.ctc_beam_search_decoder(x, seq, **kwargs)[1], [x, seq]
        return _run_error(tf, build, [GREEDY_TIES, lengths])
    out["errors"] = {
        "more_paths_than_width": fed([4, 3], beam_width=2, top_paths=3),
        "more_paths_than_leaves": fed([4, 0], beam_width=3, top_paths=2),
        "length_over_max_time": fed([4, 5]),
        "top_paths_0": _run_error(tf, lambda: (tf.nn.ctc_beam_search_decoder(
            tf.zeros([3, 2, 5]), [3, 3], top_paths=0), []), []),
        "beam_width_0": _run_error(tf, lambda: (tf.nn.ctc_beam_search_decoder(
            tf.zeros([3, 2, 5]), [3, 3], beam_width=0), []), []),
        "rank2": _run_error(tf, lambda: (tf.nn.ctc_beam_search_decoder(
            tf.zeros([2, 5]), [3, 3]), []), []),
    }
    return out


def ctc_loss_v2_values(tf, _):
    """tf.nn.ctc_loss_v2 with sparse and dense labels, blank indices 0, -1, 2 and the default,
    batch-major logits: losses and gradients."""
    logits = _logits((6, 3, 5), 31)
    base = np.array([[0, 1, 1, 0], [2, 0, 0, 0], [3, 3, 0, 1]], np.int32)  # four labels
    lengths = np.array([3, 2, 4], np.int32)
    frames = np.array([6, 5, 6], np.int32)
    out = {}
    cases = [("dense_default", None, True, True), ("dense_blank_last", -1, True, True),
             ("dense_blank_2", 2, True, True), ("dense_batch_major", None, True, False),
             ("sparse_blank_0", 0, False, True), ("sparse_blank_minus_1", -1, False, True),
             ("sparse_blank_2", 2, False, True), ("sparse_batch_major", 0, False, False)]
    for name, blank, is_dense, time_major in cases:
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, None, 5])
            value = logits if time_major else logits.transpose(1, 0, 2)
            skip = (0 if blank is None else blank) % 5  # the labels avoid the blank class
            dense = np.where(base < skip, base, base + 1)
            if is_dense:
                labels = tf.constant(dense)
            else:
                labels = tf.SparseTensor(*_sparse(tf, [[int(v) for v in dense[b, :lengths[b]]]
                                                       for b in range(3)]))
            loss = tf.nn.ctc_loss_v2(labels, x, tf.constant(lengths), tf.constant(frames),
                                     logits_time_major=time_major, blank_index=blank)
            grad = tf.gradients(loss, x)[0]
            with tf.Session() as sess:
                got = sess.run([loss, grad], {x: value})
        out[name] = {"loss": _floats(got[0]), "grad": _floats(got[1]),
                     "shape": loss.shape.as_list()}
    with tf.Graph().as_default():
        try:
            tf.nn.ctc_loss_v2(tf.SparseTensor(*_sparse(tf, [[1]])), tf.zeros([2, 1, 3]), None,
                              [2])
            out["sparse_without_blank"] = None
        except Exception as e:  # noqa: BLE001
            out["sparse_without_blank"] = _error(e)
    return out


def ctc_label_helpers(tf, _):
    """tf.nn.collapse_repeated and tf.nn.ctc_unique_labels: values, dtypes, static shapes."""
    labels = np.array([[1, 1, 2, 2, 1, 0], [3, 3, 3, 0, 0, 0], [4, 5, 5, 4, 4, 2]], np.int32)
    out = {}
    for lengths in ([6, 3, 4], [2, 1, 6]):
        with tf.Graph().as_default():
            collapsed, new_lengths = tf.nn.collapse_repeated(tf.constant(labels),
                                                             tf.constant(lengths))
            with tf.Session() as sess:
                c, n = sess.run([collapsed, new_lengths])
            out["collapse_%s" % lengths] = {
                "labels": c.tolist(), "lengths": n.tolist(), "dtypes": [str(c.dtype),
                                                                        str(n.dtype)],
                "static": [collapsed.shape.as_list(), new_lengths.shape.as_list()]}
    with tf.Graph().as_default():
        x = tf.placeholder(tf.int32, [None, 6])
        collapsed, _ = tf.nn.collapse_repeated(x, tf.placeholder(tf.int64, [None]))
        out["collapse_static_placeholder"] = collapsed.shape.as_list()
    for name, value in (("unique", labels), ("unique_padded", np.array(
            [[3, 4, 4, 3, 0, 0], [0, 0, 0, 0, 0, 0], [2, 1, 2, 1, 7, 0]], np.int64))):
        with tf.Graph().as_default():
            result = tf.nn.ctc_unique_labels(tf.constant(value))
            with tf.Session() as sess:
                y, idx = sess.run(list(result))
            out[name] = {"y": y.tolist(), "idx": idx.tolist(),
                         "dtypes": [str(y.dtype), str(idx.dtype)],
                         "type": type(result).__name__,
                         "static": [t.shape.as_list() for t in result]}
    return out


def _st(tf, indices, values, shape):
    return tf.SparseTensor(np.array(indices, np.int64).reshape(-1, len(shape)), values,
                           np.array(shape, np.int64))


def edit_distances(tf, _):
    """Distances with empty truths and hypotheses, both normalizations, rank 3, strings."""
    out = {}
    hyp = ([[0, 0, 0], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 1, 2]],
           [1, 2, 3, 4, 5, 6, 7], [2, 3, 3])
    truth = ([[0, 0, 0], [0, 0, 1], [0, 2, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]],
             [1, 9, 4, 4, 6, 5], [2, 3, 2])
    cases = {
        "rank3": (hyp, truth),
        "rank2": (([[0, 0], [0, 1], [2, 0]], [1, 2, 3], [3, 2]),
                  ([[0, 0], [1, 0], [1, 1]], [1, 1, 2], [2, 2])),
        "strings": (([[0, 0], [0, 1], [1, 0]], [b"a", b"b", b"c"], [2, 2]),
                    ([[0, 0], [0, 1], [0, 2], [1, 0]], [b"a", b"c", b"b", b"c"], [2, 3])),
        "floats": (([[0, 0], [0, 1]], np.array([0.5, 1.5], np.float32), [1, 2]),
                   ([[0, 0], [0, 1], [0, 2]], np.array([0.5, 1.0, 1.5], np.float32), [1, 3])),
    }
    for name, (h, t) in cases.items():
        for normalize in (True, False):
            with tf.Graph().as_default():
                d = tf.edit_distance(_st(tf, *h), _st(tf, *t), normalize=normalize)
                with tf.Session() as sess:
                    value = sess.run(d)
            out["%s_normalize_%s" % (name, normalize)] = {
                "value": [str(v) for v in value.reshape(-1)], "shape": list(value.shape),
                "static": d.shape.as_list() if d.shape.ndims is not None else None,
                "name": d.name}
    with tf.Graph().as_default():
        h = tf.sparse_placeholder(tf.int64)
        t = tf.sparse_placeholder(tf.int64)
        d = tf.edit_distance(h, t)
        with tf.Session() as sess:
            value = sess.run(d, {
                h: tf.SparseTensorValue(np.array([[0, 0], [0, 1]], np.int64),
                                        np.array([3, 4], np.int64), np.array([1, 2], np.int64)),
                t: tf.SparseTensorValue(np.array([[0, 0]], np.int64), np.array([4], np.int64),
                                        np.array([1, 1], np.int64))})
        out["placeholders"] = {"value": [str(v) for v in value.reshape(-1)],
                               "static": d.shape.as_list() if d.shape.ndims is not None else None,
                               "name": d.name}

    def built(fn):
        return _run_error(tf, lambda: (fn(), []), [])
    small = lambda dtype=np.int32: _st(tf, [[0, 0]], np.array([1], dtype), [1, 1])  # noqa: E731
    out["errors"] = {
        "dense_hypothesis": built(lambda: tf.edit_distance(tf.constant([[1]]), small())),
        "dense_truth": built(lambda: tf.edit_distance(small(), tf.constant([[1]]))),
        "dtype_mismatch": built(lambda: tf.edit_distance(small(np.int64), small())),
        "rank_mismatch": built(lambda: tf.edit_distance(_st(tf, [[0, 0, 0]], [1], [1, 1, 1]),
                                                        small())),
        "rank1": built(lambda: tf.edit_distance(_st(tf, [[0]], [1], [1]),
                                                _st(tf, [[0]], [1], [1]))),
        "index_outside": built(lambda: tf.edit_distance(_st(tf, [[3, 0]], [1], [1, 1]),
                                                        small())),
    }
    return out


def ctc_training(tf, _):
    """A linear layer over time steps trained 6 steps by Adam on ctc_loss; the loss curve."""
    rng = np.random.RandomState(3)
    x_value = rng.randn(8, 3, 4).astype(np.float32)
    w0 = (rng.randn(4, 5) * 0.5).astype(np.float32)
    rows = [[0, 1, 2], [3, 3], [1, 0, 1, 2]]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [8, None, 4])
        labels = tf.sparse_placeholder(tf.int32)
        seq = tf.placeholder(tf.int32, [None])
        w = tf.Variable(w0)
        b = tf.Variable(tf.zeros([5]))
        logits = tf.reshape(tf.matmul(tf.reshape(x, [-1, 4]), w) + b, [8, -1, 5])
        loss = tf.reduce_mean(tf.nn.ctc_loss(labels, logits, seq))
        train = tf.train.AdamOptimizer(0.1).minimize(loss)
        (decoded,), _ = tf.nn.ctc_greedy_decoder(logits, seq)
        hypothesis = tf.SparseTensor(decoded.indices, tf.cast(decoded.values, tf.int32),
                                     decoded.dense_shape)
        error = tf.reduce_mean(tf.edit_distance(hypothesis, labels))
        feed = {x: x_value, labels: _sparse(tf, rows), seq: [8, 6, 7]}
        curve = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(6):
                curve.append(_floats(sess.run([loss, error], feed)))
                sess.run(train, feed)
            curve.append(_floats(sess.run([loss, error], feed)))
    return {"curve": curve}


PROGRAMS = [ctc_loss_values, ctc_loss_graph, ctc_loss_errors, ctc_greedy, ctc_beam_search,
            ctc_loss_v2_values, ctc_label_helpers, edit_distances, ctc_training]


def run_all(tf, programs=PROGRAMS):
    return {p.__name__: json.loads(json.dumps(p(tf, None), default=str)) for p in programs}


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    print(json.dumps(run_all(tf1), indent=1, sort_keys=True))
