"""TF1 programs using the tf.sparse ops on SparseTensors (sparse_tensor_dense_matmul, reorder,
reshape, transpose, concat, slice, split, softmax, reduce_max, reduce_sum_sparse, retain,
fill_empty_rows, maximum/minimum, from_dense, expand_dims, eye, to_indicator, mask), each a
function of the `tf` module it runs on returning what a user observes: values, gradients, op and
tensor names, static shapes, dtypes, and the class and message of errors.

tests/test_tf1_sparse_ops.py runs them with minitf and compares with what TensorFlow gave,
recorded by running this file in a TensorFlow venv (TF is never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/tf1_sparse_ops_programs.py \
        > tests/fixtures/tf_sparse_ops.json
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.tf1_parity_programs import error, value  # noqa: E402
from tests.tf1_sparse_programs import run_program  # noqa: E402,F401 - the tests run them so

RNG = np.random.RandomState(11)
# A 4x3 matrix with entries out of row-major order and an empty row (2).
INDICES = [[1, 2], [0, 1], [3, 0], [1, 0], [3, 2]]
VALUES = RNG.randn(5)
ORDER = [1, 3, 0, 2, 4]  # the row-major order of INDICES
B = RNG.randn(3, 2)
BT = RNG.randn(4, 2)


def _static(t):
    return None if t.shape.ndims is None else t.shape.as_list()


def _describe(t):
    return [t.name, t.op.type, _static(t), t.dtype.name]


def _sparse(sp):
    """A SparseTensor's three tensors as _describe gives them."""
    return [_describe(sp.indices), _describe(sp.values), _describe(sp.dense_shape)]


def _fetched(v):
    """A fetched SparseTensorValue (or a dense value) as value() gives it."""
    if hasattr(v, "dense_shape"):
        return [value(v.indices), value(v.values), value(v.dense_shape)]
    return value(v)


def _ordered(tf, dtype="float64"):
    values = tf.placeholder(dtype, [None], name="values")
    sp = tf.SparseTensor([INDICES[i] for i in ORDER], values, [4, 3])
    return sp, values, {values: VALUES[ORDER].astype(dtype)}


def dense_matmul(tf):
    """sparse_tensor_dense_matmul and its two other names, every adjoint pair: values, names,
    static shapes, and the gradients with respect to the sparse values and the dense matrix."""
    obs = {}
    sp, values, feed = _ordered(tf)
    b = tf.placeholder(tf.float64, [3, None], name="b")
    bt = tf.placeholder(tf.float64, [None, 3], name="bt")
    ct = tf.placeholder(tf.float64, [4, 2], name="ct")
    feed.update({b: B, bt: B.T, ct: BT})
    outs = {"plain": tf.sparse_tensor_dense_matmul(sp, b),
            "adjoint_a": tf.sparse.matmul(sp, ct, adjoint_a=True, name="at"),
            "adjoint_b": tf.sparse.sparse_dense_matmul(sp, bt, adjoint_b=True),
            "both": tf.sparse_tensor_dense_matmul(sp, tf.transpose(ct), True, True)}
    dense_ins = {"plain": b, "adjoint_a": ct, "adjoint_b": bt, "both": ct}
    with tf.Session() as sess:
        for n, y in outs.items():
            loss = tf.reduce_sum(y * y)
            gv, gb = tf.gradients(loss, [values, dense_ins[n]])
            obs[n] = _describe(y) + [value(sess.run(y, feed)), value(sess.run(gv, feed)),
                                     value(sess.run(gb, feed))]
        bad = tf.SparseTensor([[0, 1], [4, 0]], tf.constant([1.0, 2.0], tf.float64), [4, 3])
        obs["out_of_bounds"] = error(lambda: sess.run(tf.sparse_tensor_dense_matmul(bad, B)))
    obs["vector"] = error(lambda: tf.sparse_tensor_dense_matmul(sp, tf.constant([1.0, 2.0],
                                                                                tf.float64)))
    obs["dtypes"] = error(lambda: tf.sparse_tensor_dense_matmul(sp, tf.zeros([3, 2])))
    obs["inner"] = error(lambda: tf.sparse_tensor_dense_matmul(sp, tf.zeros([4, 2], tf.float64)))
    return obs


def reorder_reshape_transpose(tf):
    """sparse_reorder (values' gradient follows the permutation back), sparse_reshape with a -1
    and a placeholder shape, sparse_transpose default and explicit perm."""
    obs = {}
    values = tf.placeholder(tf.float64, [None], name="values")
    sp = tf.SparseTensor(INDICES, values, [4, 3])
    feed = {values: VALUES}
    ordered = tf.sparse_reorder(sp)
    obs["reorder"] = _sparse(ordered)
    g = tf.gradients(tf.reduce_sum(ordered.values * np.arange(1.0, 6.0)), values)[0]
    reshaped = tf.sparse.reshape(ordered, [2, -1], name="flat")
    obs["reshape"] = _sparse(reshaped) + [_static(reshaped)]
    new_shape = tf.placeholder(tf.int64, [3], name="new_shape")
    reshaped3 = tf.sparse_reshape(ordered, new_shape)
    obs["reshape_ph"] = _sparse(reshaped3) + [_static(reshaped3)]
    tr = tf.sparse_transpose(ordered)
    obs["transpose"] = _sparse(tr) + [_static(tr)]
    sp3 = tf.SparseTensor([[0, 1, 2], [1, 0, 1], [1, 2, 0]], [1, 2, 3], [2, 3, 4])
    tr3 = tf.sparse.transpose(sp3, [2, 0, 1])
    obs["transpose3"] = _sparse(tr3) + [_static(tr3)]
    with tf.Session() as sess:
        obs["values"] = [_fetched(sess.run(x, feed)) for x in (ordered, reshaped, tr, tr3)]
        obs["reshape_ph_value"] = _fetched(sess.run(reshaped3, {**feed, new_shape: [3, 1, -1]}))
        obs["reorder_grad"] = value(sess.run(g, feed))
        obs["reshape_bad"] = error(lambda: sess.run(reshaped3.indices, {**feed, new_shape: [5, 1, -1]}))
        obs["reshape_two_unknown"] = error(lambda: sess.run(reshaped3.indices, {**feed, new_shape: [-1, 2, -1]}))
    obs["reshape_static_bad"] = error(lambda: tf.sparse_reshape(ordered, [5, 5]))
    return obs


def concat_slice_split(tf):
    """sparse_concat (also expanding the other dims), sparse_slice with its values gradient,
    sparse_split along both axes."""
    obs = {}
    sp, values, feed = _ordered(tf)
    other = tf.SparseTensor([[0, 0], [1, 1]], tf.constant([7.0, 8.0], tf.float64), [2, 2])
    c0 = tf.sparse_concat(0, [sp, tf.SparseTensor([[0, 2]], tf.constant([9.0], tf.float64),
                                                    [1, 3])])
    c1 = tf.sparse.concat(1, [sp, other], expand_nonconcat_dim=True, name="wide")
    obs["concat0"] = _sparse(c0) + [_static(c0)]
    obs["concat1"] = _sparse(c1) + [_static(c1)]
    sl = tf.sparse_slice(sp, [1, 1], [3, 5])
    obs["slice"] = _sparse(sl) + [_static(sl)]
    g = tf.gradients(tf.reduce_sum(sl.values * sl.values), values)[0]
    parts = tf.sparse_split(sp_input=sp, num_split=3, axis=1)
    rows = tf.sparse.split(sp_input=sp, num_split=3, axis=0, name="rows")
    obs["split"] = [_sparse(p) + [_static(p)] for p in parts]
    obs["split_rows"] = [_sparse(p) + [_static(p)] for p in rows]
    with tf.Session() as sess:
        obs["values"] = [_fetched(sess.run(x, feed)) for x in (c0, c1, sl)]
        obs["slice_grad"] = value(sess.run(g, feed))
        obs["split_values"] = [_fetched(v) for v in sess.run(parts + rows, feed)]
        obs["concat_mismatch"] = error(lambda: sess.run(tf.sparse_concat(1, [sp, other]).indices,
                                                        feed))
    obs["concat_both_flags"] = error(lambda: tf.sparse_concat(1, [sp, other],
                                                              expand_nonconcat_dims=True))
    obs["concat_one"] = error(lambda: tf.sparse_concat(0, sp))
    obs["split_no_keywords"] = error(lambda: tf.sparse_split(sp, 2, 1))
    return obs


def reductions_softmax(tf):
    """sparse_softmax (and its gradient), sparse_reduce_max(_sparse), sparse_reduce_sum_sparse,
    sparse_maximum / sparse_minimum."""
    obs = {}
    sp, values, feed = _ordered(tf)
    sm = tf.sparse_softmax(sp)
    obs["softmax"] = _sparse(sm)
    g = tf.gradients(tf.reduce_sum(sm.values * np.arange(1.0, 6.0)), values)[0]
    maxes = {"all": tf.sparse_reduce_max(sp), "axis1": tf.sparse.reduce_max(sp, 1),
             "axis0_keep": tf.sparse_reduce_max(sp, axis=0, keepdims=True),
             "neg_axis": tf.sparse_reduce_max(sp, reduction_axes=[-1], keep_dims=True)}
    for n, y in maxes.items():
        obs["max_" + n] = _describe(y)
    max_sp = tf.sparse_reduce_max_sparse(sp, 1)
    sum_sp = tf.sparse_reduce_sum_sparse(sp, axis=0, keepdims=True)
    obs["max_sparse"] = _sparse(max_sp)
    obs["sum_sparse"] = _sparse(sum_sp)
    other = tf.SparseTensor([[0, 0], [1, 0], [2, 1], [3, 2]],
                            tf.constant([0.5, -3.0, 1.0, 9.0], tf.float64), [4, 3])
    mx, mn = tf.sparse_maximum(sp, other), tf.sparse.minimum(sp, other, name="least")
    obs["maximum"] = _sparse(mx)
    obs["minimum"] = _sparse(mn)
    with tf.Session() as sess:
        obs["values"] = [_fetched(sess.run(x, feed)) for x in [sm, max_sp, sum_sp, mx, mn]]
        obs["max_values"] = [value(sess.run(y, feed)) for y in maxes.values()]
        obs["softmax_grad"] = value(sess.run(g, feed))
        ints = tf.SparseTensor([[0, 0], [0, 3], [2, 1]], tf.constant([-4, -9, 5]), [3, 4])
        obs["int_max"] = value(sess.run(tf.sparse_reduce_max(ints, 1)))
    obs["softmax_int"] = error(lambda: tf.sparse_softmax(
        tf.SparseTensor([[0, 0]], tf.constant([1]), [1, 1])))
    return obs


def construct_and_filter(tf):
    """from_dense, sparse_retain (and its values gradient), sparse_fill_empty_rows (and its
    gradients), sparse.expand_dims, sparse.eye, sparse_to_indicator, sparse_mask."""
    obs = {}
    sp, values, feed = _ordered(tf)
    dense = tf.placeholder(tf.float32, [None, 3], name="dense")
    fd = tf.sparse.from_dense(dense)
    obs["from_dense"] = _sparse(fd) + [_static(fd)]
    keep = tf.sparse_retain(sp, [True, False, True, True, False])
    obs["retain"] = _sparse(keep) + [_static(keep)]
    g_keep = tf.gradients(tf.reduce_sum(keep.values * np.arange(1.0, 4.0)), values)[0]
    default = tf.placeholder(tf.float64, [], name="default")
    filled, empty = tf.sparse_fill_empty_rows(sp, default)
    obs["fill"] = _sparse(filled) + [_describe(empty), _static(filled)]
    g_fill = tf.gradients(tf.reduce_sum(filled.values * np.arange(1.0, 7.0)), [values, default])
    ex = tf.sparse.expand_dims(sp, 1)
    ex_last = tf.sparse.expand_dims(sp, -1, name="last")
    obs["expand_dims"] = _sparse(ex) + [_static(ex)]
    obs["expand_dims_last"] = _sparse(ex_last) + [_static(ex_last)]
    eye = tf.sparse.eye(3, 4, dtype=tf.int32)
    eye_sq = tf.sparse.eye(2)
    obs["eye"] = _sparse(eye) + [_static(eye)]
    obs["eye_square"] = _sparse(eye_sq) + [_static(eye_sq)]
    ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([3, 1, 3], tf.int64), [3, 2])
    ind = tf.sparse_to_indicator(ids, 5)
    obs["indicator"] = _describe(ind)
    slices = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
                              tf.constant([4, 0, 7]), tf.constant([9, 2]))
    masked = tf.sparse_mask(slices, [0, 9])
    obs["mask"] = [_describe(masked.values), _describe(masked.indices)]
    with tf.Session() as sess:
        dense_value = np.array([[0, 1.5, 0], [0, 0, 0], [-2, 0, 3]], np.float32)
        obs["values"] = [_fetched(sess.run(x, {**feed, dense: dense_value, default: -1.0}))
                         for x in (fd, keep, filled, ex, ex_last, eye, eye_sq)]
        obs["empty_rows"] = value(sess.run(empty, {**feed, default: 0.0}))
        obs["retain_grad"] = value(sess.run(tf.convert_to_tensor(g_keep), feed))
        obs["fill_grads"] = [value(v) for v in sess.run(g_fill, {**feed, default: 2.0})]
        obs["indicator_value"] = value(sess.run(ind))
        obs["mask_value"] = [value(v) for v in sess.run([masked.values, masked.indices])]
    obs["retain_length"] = error(lambda: tf.sparse_retain(tf.SparseTensor(INDICES, VALUES, [4, 3]),
                                                          [True, False]))
    obs["fill_dtype"] = error(lambda: tf.sparse_fill_empty_rows(sp, tf.constant(1, name="one")))
    return obs


def merge_and_reset_shape(tf):
    """sparse_merge (sorted or not) and sparse_reset_shape (tightest shape, a larger static
    shape, one given at run time, and the errors for a smaller one)."""
    obs = {}
    ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [2, 0]], tf.constant([4, 1, 0, 2], tf.int64),
                          [3, 2])
    weights = tf.SparseTensor(ids.indices, tf.constant([0.5, 1.5, -1.0, 2.0]), [3, 2])
    merged = tf.sparse_merge(ids, weights, 5)
    kept = tf.sparse.merge(ids, weights, tf.constant(6, tf.int64), already_sorted=True,
                           name="kept")
    obs["merge"] = _sparse(merged) + [_static(merged)]
    obs["merge_sorted"] = _sparse(kept) + [_static(kept)]
    sp = tf.SparseTensor([[0, 1], [2, 0]], tf.constant([1.0, 2.0]), [5, 6])
    tight = tf.sparse_reset_shape(sp)
    bigger = tf.sparse.reset_shape(sp, [7, 6])
    new_shape = tf.placeholder(tf.int64, [2], name="new_shape")
    later = tf.sparse_reset_shape(sp, new_shape)
    obs["tight"] = _sparse(tight) + [_static(tight)]
    obs["bigger"] = _sparse(bigger) + [_static(bigger)]
    obs["later"] = _sparse(later) + [_static(later)]
    with tf.Session() as sess:
        obs["values"] = [_fetched(sess.run(x)) for x in (merged, kept, tight, bigger)]
        obs["later_value"] = _fetched(sess.run(later, {new_shape: [9, 9]}))
        obs["later_smaller"] = error(lambda: sess.run(later, {new_shape: [4, 9]}))[0]
    obs["smaller"] = error(lambda: tf.sparse_reset_shape(sp, [4, 6]))
    obs["rank"] = error(lambda: tf.sparse_reset_shape(sp, [4, 6, 1]))
    return obs


def sparse_sparse_add(tf):
    """tf.sparse_add of two SparseTensors (with a threshold dropping small sums), its gradients
    into both values, and the static shape check."""
    obs = {}
    values = tf.placeholder(tf.float64, [None], name="values")
    a = tf.SparseTensor([[0, 1], [1, 0], [2, 2]], values, [3, 3])
    b = tf.SparseTensor([[0, 0], [1, 0], [2, 2]], tf.constant([1.0, -2.0, 5.0], tf.float64),
                        [3, 3])
    total = tf.sparse_add(a, b)
    kept = tf.sparse.add(a, b, threshold=0.5)
    obs["add"] = _sparse(total) + [_static(total)]
    obs["add_threshold"] = _sparse(kept) + [_static(kept)]
    grads = tf.gradients(tf.reduce_sum(kept.values * kept.values), [values, b.values])
    feed = {values: [3.0, 2.0, -5.2]}
    with tf.Session() as sess:
        obs["values"] = [_fetched(sess.run(x, feed)) for x in (total, kept)]
        obs["grads"] = [value(g) for g in sess.run(grads, feed)]
    obs["shapes"] = error(lambda: tf.sparse_add(a, tf.SparseTensor([[0, 0]], tf.constant(
        [1.0], tf.float64), [3, 4])))
    obs["dense"] = error(lambda: tf.sparse_add(tf.ones([2]), tf.ones([2])))
    return obs


PROGRAMS = [dense_matmul, reorder_reshape_transpose, concat_slice_split, reductions_softmax,
            construct_and_filter, merge_and_reset_shape, sparse_sparse_add]


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    recorded = {p.__name__: run_program(tf1, p) for p in PROGRAMS}
    print(json.dumps(recorded, indent=1, sort_keys=True))
