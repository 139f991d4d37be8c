"""The tf.sets programs tests/record_tf_sets.py runs on TensorFlow and tests/test_sets.py on
minitf: each builder takes the `tf` module and returns (result, feed_dict)."""

import numpy as np

# rank 3: [2, 2, 4] with repeated elements and a row whose set is one value
A3 = [[[1, 2, 2, 3], [5, 4, 4, 4]], [[0, 0, 0, 0], [9, 1, 9, 7]]]
B3 = [[[2, 3, 7, 7], [4, 4, 4, 4]], [[0, 0, 0, 0], [1, 1, 1, 1]]]
# rank 2 sparse [3, 5] with an empty middle row; dense partner [3, 3]
SP_IDX = [[0, 0], [0, 1], [0, 3], [2, 0], [2, 2]]
SP_VAL = [7, 3, 7, 1, 8]
D2 = [[3, 9, 3], [4, 4, 5], [8, 2, 1]]
STR_A = [["b", "a", "c"], ["x", "x", "y"]]


def _sp(tf, dtype="int64", idx=SP_IDX, val=SP_VAL, shape=(3, 5)):
    return tf.SparseTensor(idx, tf.constant(val, dtype), list(shape))


def _sp_str(tf):
    return tf.SparseTensor([[0, 0], [0, 2], [1, 1]], ["c", "b", "z"], [2, 4])


OPS = {"intersection": lambda tf: tf.sets.set_intersection,
       "union": lambda tf: tf.sets.set_union,
       "a_minus_b": lambda tf: tf.sets.set_difference,
       "b_minus_a": lambda tf: lambda a, b: tf.sets.set_difference(a, b, aminusb=False)}

CASES = {}
for _op, _fn in OPS.items():
    CASES["dense_dense_rank3/" + _op] = lambda tf, f=_fn: (
        f(tf)(tf.constant(A3), tf.constant(B3)), {})
    CASES["dense_sparse/" + _op] = lambda tf, f=_fn: (
        f(tf)(tf.constant(D2, tf.int64), _sp(tf)), {})
    CASES["sparse_dense/" + _op] = lambda tf, f=_fn: (
        f(tf)(_sp(tf), tf.constant(D2, tf.int64)), {})
    CASES["sparse_sparse/" + _op] = lambda tf, f=_fn: (
        f(tf)(_sp(tf), _sp(tf, val=[1, 3, 3, 2, 2], idx=[[0, 0], [0, 4], [1, 0], [1, 2],
                                                           [2, 3]])), {})
    CASES["string_sparse_sparse/" + _op] = lambda tf, f=_fn: (
        f(tf)(tf.SparseTensor([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]],
                              sum(STR_A, []), [2, 3]), _sp_str(tf)), {})
for _dtype in ["int8", "int16", "int32", "int64", "uint8", "uint16"]:
    CASES["dtype/" + _dtype] = lambda tf, d=_dtype: (
        tf.sets.union(tf.constant([[1, 9, 1], [200, 3, 0]], d)
                      if d.startswith("u") else tf.constant([[1, -9, 1], [100, 3, 0]], d),
                      tf.constant([[2, 2, 7], [3, 3, 3]], d)), {})
CASES["v2_names/intersection"] = lambda tf: (
    tf.sets.intersection(tf.constant(A3), tf.constant(B3)), {})
CASES["v2_names/difference_flipped"] = lambda tf: (
    tf.sets.difference(_sp(tf), tf.constant(D2, tf.int64), aminusb=False), {})
CASES["string_dense_dense/union"] = lambda tf: (
    tf.sets.union(tf.constant(STR_A), tf.constant([["a", "q"], ["y", "y"]])), {})
CASES["all_rows_empty/intersection"] = lambda tf: (
    tf.sets.intersection(tf.constant([[1, 2], [3, 4]]), tf.constant([[5], [6]])), {})
CASES["empty_last_dim/union"] = lambda tf: (
    tf.sets.union(tf.zeros([2, 0], tf.int32), tf.constant([[5], [6]])), {})
CASES["placeholders/union"] = lambda tf: (
    tf.sets.set_union(tf.placeholder(tf.int32, [None, 2, None], name="pa"),
                      tf.placeholder(tf.int32, [None, None, 3], name="pb")),
    {"pa:0": np.array(A3)[:, :, :2], "pb:0": np.array(B3)[:, :, 1:]})
CASES["unknown_rank/intersection"] = lambda tf: (
    tf.sets.set_intersection(tf.placeholder(tf.int32, name="pa"),
                             tf.placeholder(tf.int32, name="pb")),
    {"pa:0": np.array(A3), "pb:0": np.array(B3)})
CASES["scoped_name/union"] = lambda tf: (
    _scoped(tf, lambda: tf.sets.union(tf.constant(D2), tf.constant(D2))), {})
CASES["set_size/rank3"] = lambda tf: (
    tf.sets.set_size(tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 1, 2], [1, 0, 0], [1, 0, 3]],
                                     tf.constant([4, 4, 2, 6, 5], tf.int32), [2, 3, 4])), {})
CASES["set_size/string"] = lambda tf: (tf.sets.size(_sp_str(tf)), {})
CASES["set_size/sparse_from_dense"] = lambda tf: (
    tf.sets.size(tf.sparse.from_dense(tf.constant(A3))), {})


def _scoped(tf, build):
    with tf.name_scope("outer"):
        build()
        return build()


ERRORS = {
    "dtype_mismatch": lambda tf: (
        tf.sets.set_union(tf.constant([[1]]), tf.constant([[1]], tf.int64)), {}),
    "float_dtype": lambda tf: (
        tf.sets.set_intersection(tf.constant([[1.0]]), tf.constant([[1.0]])), {}),
    "set_size_dense": lambda tf: (tf.sets.set_size(tf.constant([[1, 2]])), {}),
    "set_size_float": lambda tf: (
        tf.sets.set_size(tf.SparseTensor([[0, 0]], [1.5], [1, 1])), {}),
    "dense_rank_mismatch": lambda tf: (
        tf.sets.set_union(tf.constant(A3), tf.constant(D2)), {}),
    "dense_batch_mismatch": lambda tf: (
        tf.sets.set_union(tf.constant([[1, 2], [3, 4]]), tf.constant([[1, 2]])), {}),
    "dense_rank1": lambda tf: (
        tf.sets.set_union(tf.constant([1, 2]), tf.constant([1, 2])), {}),
    "runtime_batch_mismatch": lambda tf: (
        tf.sets.set_union(tf.placeholder(tf.int32, [None, 2], name="pa"),
                          tf.placeholder(tf.int32, [None, 2], name="pb")),
        {"pa:0": [[1, 2]], "pb:0": [[1, 2], [3, 4]]}),
    "sparse_rank_mismatch": lambda tf: (
        tf.sets.set_union(tf.constant(A3, tf.int64), _sp(tf)), {}),
    "sparse_batch_mismatch": lambda tf: (
        tf.sets.set_union(tf.constant([[1, 2]], tf.int64), _sp(tf)), {}),
    "unsorted_validate": lambda tf: (
        tf.sets.set_union(tf.constant(D2, tf.int64), _sp(tf, idx=[[0, 1], [0, 0], [0, 3],
                                                                  [2, 0], [2, 2]])), {}),
    "unsorted_set_size": lambda tf: (
        tf.sets.set_size(_sp(tf, idx=[[2, 0], [0, 1], [0, 0], [2, 2], [0, 3]])), {}),
    "unsorted_sparse_sparse": lambda tf: (
        tf.sets.set_intersection(_sp(tf), _sp(tf, idx=[[0, 1], [0, 0], [0, 3], [2, 0],
                                                      [2, 2]])), {}),
    "repeated_index": lambda tf: (
        tf.sets.set_difference(_sp(tf, idx=[[0, 0], [0, 1], [0, 1], [2, 0], [2, 2]]),
                               tf.constant(D2, tf.int64)), {}),
    "out_of_bounds_index": lambda tf: (
        tf.sets.set_size(_sp(tf, idx=[[0, 0], [0, 1], [0, 7], [2, 0], [2, 2]])), {}),
}
