"""TF1 programs using the segment reductions (tf.math.segment_*, tf.sparse.segment_*),
tf.nn.embedding_lookup_sparse, tf.nn.safe_embedding_lookup_sparse and tf.nn.raw_rnn, each a function of the `tf` module it runs on (minitf, or
TensorFlow's `tensorflow.compat.v1`) returning what a user observes: values, gradients, op
names and types, static shapes, and the class and message of errors.

tests/test_tf1_sparse_parity.py runs them with minitf and compares with what TensorFlow 2.21
gave, recorded by running this file in a TensorFlow venv (TF is never a minitf dependency):

    TF_USE_LEGACY_KERAS=1 python tests/tf1_sparse_programs.py > recorded.txt
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.tf1_parity_programs import error, value  # noqa: E402

RNG = np.random.RandomState(7)
DATA = RNG.randn(6, 3)
DATA[1, 0] = DATA[0, 0]          # a tie inside segment 0 (max/min share the gradient)
DATA[4, 2] = 0.0                 # a zero inside segment 3 (prod's gradient rule)
IDS = [0, 0, 1, 3, 3, 3]         # segment 2 is empty
WEIGHT = RNG.randn(4, 3)         # the loss weights each output row differently


def _static(t):
    return None if t.shape.ndims is None else t.shape.as_list()


def _describe(t):
    return [t.name, t.op.type, _static(t), t.dtype.name]


def segment_reductions(tf):
    """The five sorted segment ops: values, names, static shapes and float64 gradients."""
    obs = {}
    data = tf.placeholder(tf.float64, [None, 3], name="data")
    ids = tf.placeholder(tf.int32, [None], name="ids")
    feed = {data: DATA, ids: IDS}
    ops = {n: getattr(tf.math, n)(data, ids) for n in
           ("segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod")}
    ops["top_level_sum"] = tf.segment_sum(data, ids, name="total")
    grads = {n: tf.gradients(tf.reduce_sum(y * WEIGHT), data)[0] for n, y in ops.items()}
    int_mean = tf.math.segment_mean(tf.constant([[-7, 5], [2, 2], [9, -4]]),
                                    tf.constant([0, 0, 1], tf.int64))
    with tf.Session() as sess:
        for n, y in ops.items():
            obs[n] = _describe(y) + [value(sess.run(y, feed)), value(sess.run(grads[n], feed))]
        obs["int_mean"] = _describe(int_mean) + [value(sess.run(int_mean))]
        empty = tf.math.segment_max(tf.zeros([0, 2]), tf.zeros([0], tf.int32))
        obs["empty"] = value(sess.run(empty))
        obs["unsorted"] = error(lambda: sess.run(ops["segment_sum"], {data: DATA,
                                                                      ids: [0, 2, 1, 1, 3, 3]}))
        obs["negative"] = error(lambda: sess.run(ops["segment_mean"], {data: DATA,
                                                                       ids: [-1, 0, 1, 1, 1, 1]}))
        obs["length"] = error(lambda: sess.run(ops["segment_sum"], {data: DATA, ids: [0, 1]}))
    obs["ids_rank"] = error(lambda: tf.math.segment_sum(data, [[0, 0], [1, 1]]))
    obs["data_scalar"] = error(lambda: tf.math.segment_sum(tf.constant(1.0), [0]))
    obs["ids_float"] = error(lambda: tf.math.segment_sum(data, tf.constant([0.0, 1.0])))
    return obs


def sparse_segment_reductions(tf):
    """tf.sparse.segment_sum/mean/sqrt_n (and the TF1 names), with and without num_segments."""
    obs = {}
    data = tf.placeholder(tf.float64, [None, 3], name="data")
    indices = tf.placeholder(tf.int64, [None], name="indices")
    ids = tf.placeholder(tf.int32, [None], name="ids")
    feed = {data: DATA, indices: [5, 0, 5, 2, 1], ids: [0, 0, 2, 2, 3]}
    ops = {}
    for n in ("segment_sum", "segment_mean", "segment_sqrt_n"):
        ops[n] = getattr(tf.sparse, n)(data, indices, ids)
        ops[n + "_num"] = getattr(tf.sparse, n)(data, indices, ids, num_segments=5)
        ops["tf1_" + n] = getattr(tf, "sparse_" + n)(data, indices, ids, name="tf1_" + n)
    grads = {n: tf.gradients(tf.reduce_sum(y[:4] * WEIGHT), data)[0] for n, y in ops.items()}
    with tf.Session() as sess:
        for n, y in ops.items():
            obs[n] = _describe(y) + [value(sess.run(y, feed)), value(sess.run(grads[n], feed))]
        obs["grad_ops"] = sorted({grads[n].op.type for n in grads})
        bad = dict(feed)
        bad[ids] = [1, 0, 2, 2, 3]
        obs["unsorted"] = error(lambda: sess.run(ops["segment_sum"], bad))
        bad = dict(feed)
        bad[indices] = [5, 0, 6, 2, 1]
        obs["index_too_large"] = error(lambda: sess.run(ops["segment_mean"], bad))
        bad[indices] = [5, -1, 0, 2, 1]
        obs["index_negative"] = error(lambda: sess.run(ops["segment_sqrt_n"], bad))
        bad = dict(feed)
        bad[ids] = [0, 0, 2, 2, 5]
        obs["beyond_num_segments"] = error(lambda: sess.run(ops["segment_sum_num"], bad))
        bad = dict(feed)
        bad[ids] = [0, 0, 2, 2]
        obs["length"] = error(lambda: sess.run(ops["segment_sum"], bad))
    obs["static_length"] = error(lambda: tf.sparse.segment_sum(data, [0, 1, 2], [0, 1]))
    obs["int_mean"] = error(lambda: tf.sparse.segment_mean(tf.constant([[1, 2]]), [0], [0]))
    obs["num_segments_vector"] = error(
        lambda: tf.sparse.segment_sum(data, [0, 1], [0, 1], num_segments=[3]))
    obs["indices_rank"] = error(lambda: tf.sparse.segment_sum(data, [[0, 1]], [0, 1]))
    return obs


def embedding_lookup_sparse(tf):
    """tf.nn.embedding_lookup_sparse: each combiner with and without weights, trailing empty
    rows dropped, the table's gradient an IndexedSlices, and a sparse GradientDescent step."""
    obs = {}
    table = RNG.randn(8, 3)
    params = tf.constant(table, name="params")
    where = [[0, 0], [0, 1], [1, 0], [3, 0], [3, 1], [3, 2]]
    sp_ids = tf.SparseTensor(where, tf.constant([1, 3, 0, 1, 1, 5], tf.int64), [6, 4])
    sp_weights = tf.SparseTensor(where, tf.constant([2.0, 0.5, 1.0, 3.0, -1.0, 0.25],
                                                    tf.float64), [6, 4])
    outs = {}
    for combiner in ("sum", "mean", "sqrtn"):
        for weights in (None, sp_weights):
            y = tf.nn.embedding_lookup_sparse(params, sp_ids, weights, combiner=combiner)
            grad = tf.gradients(tf.reduce_sum(y * y), params)[0]
            outs["%s_%s" % (combiner, "weighted" if weights is not None else "ones")] = (y, grad)
    default = tf.nn.embedding_lookup_sparse(params, sp_ids, None, name="default")
    with tf.Session() as sess:
        for n, (y, grad) in outs.items():
            obs[n] = _describe(y) + [value(sess.run(y)), type(grad).__name__,
                                     value(sess.run(tf.convert_to_tensor(grad)))]
        weighted = outs["sum_weighted"][1]
        obs["weighted_grad_slices"] = [value(v) for v in sess.run([weighted.indices,
                                                                   weighted.values])]
        obs["default"] = _describe(default) + [value(sess.run(default))]
    obs["bad_combiner"] = error(lambda: tf.nn.embedding_lookup_sparse(params, sp_ids, None,
                                                                      combiner="max"))
    obs["dense_ids"] = error(lambda: tf.nn.embedding_lookup_sparse(params, [[1]], None,
                                                                   combiner="sum"))

    # One GradientDescent step on a variable table: only the rows looked up move.
    var = tf.Variable(table.astype(np.float32), name="embeddings")
    ids32 = tf.SparseTensor(where, tf.constant([1, 3, 0, 1, 1, 5], tf.int64), [4, 4])
    loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup_sparse(var, ids32, None,
                                                                 combiner="sqrtn")))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        obs["after_step"] = value(sess.run(var))
    return obs


def raw_rnn(tf):
    """TF's raw_rnn example: a loop_fn feeding an LSTMCell the inputs of each step until every
    sequence has ended reproduces dynamic_rnn with the same weights (outputs zero past each
    length, states copied through); a loop_state counts the steps; gradients flow."""
    obs = {}
    rng = np.random.RandomState(3)
    max_time, batch, depth, units = 5, 3, 4, 6
    x = rng.randn(max_time, batch, depth).astype(np.float32)
    inputs = tf.placeholder(tf.float32, [max_time, batch, depth], name="inputs")
    lengths = tf.placeholder(tf.int32, [batch], name="lengths")
    cell = tf.nn.rnn_cell.LSTMCell(units)

    def loop_fn(time, cell_output, cell_state, loop_state):
        if cell_output is None:
            state = cell.zero_state(batch, tf.float32)
            emit, count = tf.zeros([units]), tf.constant(0)
        else:
            state, emit, count = cell_state, 2.0 * cell_output, loop_state + 1
        finished = time >= lengths
        next_input = tf.cond(tf.reduce_all(finished), lambda: tf.zeros([batch, depth]),
                             lambda: tf.gather(inputs, time))
        return finished, next_input, state, emit, count

    emit_ta, final_state, steps = tf.nn.raw_rnn(cell, loop_fn)
    outputs = emit_ta.stack()
    dyn_outputs, dyn_state = tf.nn.dynamic_rnn(cell, inputs, sequence_length=lengths,
                                               time_major=True, dtype=tf.float32)
    variables = tf.trainable_variables()
    obs["variables"] = [v.name for v in variables]
    obs["shapes"] = [_static(outputs), _static(final_state.c), _static(dyn_outputs)]
    weight = rng.randn(max_time, batch, units).astype(np.float32)
    grads = [tf.convert_to_tensor(g) for g in  # TF: inputs' gradient is an IndexedSlices
             tf.gradients(tf.reduce_sum(outputs * weight), [inputs] + variables)]
    dyn_grads = tf.gradients(tf.reduce_sum(2.0 * dyn_outputs * weight), [inputs] + variables)
    feed = {inputs: x, lengths: [5, 2, 3]}
    with tf.Session() as sess:
        for v in variables:
            sess.run(tf.assign(v, rng.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32)))
        got = sess.run([outputs, final_state, steps, dyn_outputs, dyn_state, grads, dyn_grads],
                       feed)
        obs["outputs"], obs["final_c"], obs["final_h"] = (value(got[0]), value(got[1].c),
                                                          value(got[1].h))
        obs["steps"] = value(got[2])
        obs["dynamic_outputs"], obs["dynamic_c"] = value(got[3]), value(got[4].c)
        obs["grads"] = [value(g) for g in got[5]]
        obs["dynamic_grads"] = [value(g) for g in got[6]]
        short = sess.run([outputs, steps], {inputs: x, lengths: [1, 2, 1]})
        obs["short"] = [value(v) for v in short]
    return obs


def safe_embedding_lookup_sparse(tf):
    """tf.nn.safe_embedding_lookup_sparse: negative ids and (unless summing) weights <= 0 are
    dropped, rows left empty give zeros or the default_id's embedding, every row of the
    SparseTensor (of rank 2 or 3) gets a result; the table's gradient is an IndexedSlices."""
    obs = {}
    params = tf.constant(RNG.randn(6, 3), name="params")
    where = [[0, 0], [0, 1], [1, 0], [3, 0], [3, 1], [3, 2], [4, 0]]
    sp_ids = tf.SparseTensor(where, tf.constant([1, -1, 0, 1, 1, 5, -3], tf.int64), [6, 3])
    sp_weights = tf.SparseTensor(where, tf.constant([2.0, 0.5, 1.0, 3.0, -1.0, 0.25, 1.0],
                                                    tf.float64), [6, 3])
    ids3 = tf.SparseTensor([[0, 0, 0], [0, 1, 1], [1, 0, 0], [1, 1, 0]],
                           tf.constant([2, 3, -1, 4], tf.int64), [2, 3, 2])
    outs = {}
    for combiner in ("sum", "mean", "sqrtn"):
        for weights in (None, sp_weights):
            for default_id in (None, 2):
                y = tf.nn.safe_embedding_lookup_sparse(params, sp_ids, weights, combiner,
                                                       default_id)
                grad = tf.gradients(tf.reduce_sum(y * y), params)[0]
                outs["%s_%s_%s" % (combiner, "ones" if weights is None else "weighted",
                                   default_id)] = (y, grad)
    outs["rank3"] = (tf.nn.safe_embedding_lookup_sparse(params, ids3, None, default_id=0), None)
    with tf.Session() as sess:
        for n, (y, grad) in outs.items():
            obs[n] = [_static(y), y.dtype.name, value(sess.run(y))]
            if grad is not None:
                obs[n] += [type(grad).__name__, value(sess.run(tf.convert_to_tensor(grad)))]
    obs["bad_combiner"] = error(lambda: tf.nn.safe_embedding_lookup_sparse(
        params, sp_ids, None, combiner="max"))
    return obs


PROGRAMS = [segment_reductions, sparse_segment_reductions, embedding_lookup_sparse, raw_rnn,
            safe_embedding_lookup_sparse]


def run_program(tf, program):
    """Runs one program in a fresh default graph."""
    with tf.Graph().as_default():
        return program(tf)


if __name__ == "__main__":
    import pprint

    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    recorded = {p.__name__: run_program(tf1, p) for p in PROGRAMS}
    print("RECORDED = " + pprint.pformat(recorded, width=100, compact=True))
