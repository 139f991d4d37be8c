"""Records what TF 1.x's tf.feature_column does (every column kind through input_layer and
linear_model, with every variable set to known values; variable and tensor names, shapes;
hash bucket and cross ids, tf.sparse.cross(_hashed); make_parse_example_spec; ValueError
texts) into
tests/fixtures/tf_feature_column.json, for tests/test_feature_column.py, which runs `record`
on minitf. Run with a Python that has TensorFlow: python tests/record_tf_feature_column.py
(only __main__ imports TensorFlow; TF 2's compat.v1.feature_column is TF 1.15's API)."""

import json
import os
import tempfile

import numpy as np

VOCAB = "apple\nbanana\ncherry\n"


def _lists(value):
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return [_lists(v) for v in value]
    return value.decode() if isinstance(value, bytes) else value


def _known(shape):
    """Variable values that are the same in both: small multiples of 1/8, by position."""
    n = int(np.prod(shape))
    return ((np.arange(n) % 11 - 5) * 0.125 + 0.0625 * (np.arange(n) % 3)).reshape(shape)


def _run(tf, fetches, feed=None):
    """The fetches with every global variable set to _known values (or an error's class)."""
    try:
        with tf.Session() as sess:
            sess.run([tf.global_variables_initializer(), tf.tables_initializer()])
            for v in tf.global_variables():
                sess.run(v.assign(_known(v.shape.as_list()).astype(np.float32)))
            return _lists(sess.run(fetches, feed))
    except tf.errors.OpError as e:
        return [type(e).__name__]


def _variables(tf):
    return sorted([v.name, v.shape.as_list()] for v in tf.global_variables())


def _trainable(tf):
    return sorted(v.name for v in tf.trainable_variables())


def _error(fn):
    try:
        fn()
    except (TypeError, ValueError) as e:
        return [type(e).__name__, str(e)]
    return None


def _dense(tf, column_fn, features, feed=None, **kwargs):
    """input_layer's output, its name and static shape, and the variables made."""
    tf.reset_default_graph()
    fc = tf.feature_column
    features = resolve(features)
    out = fc.input_layer(features, column_fn(fc), **kwargs)
    return {"name": out.name, "shape": out.shape.as_list(), "variables": _variables(tf),
            "value": _run(tf, out, feed and {features[k]: v for k, v in feed.items()})}


def _linear(tf, column_fn, features, units=1, combiner="sum"):
    tf.reset_default_graph()
    fc = tf.feature_column
    cols_to_vars = {}
    out = fc.linear_model(resolve(features), column_fn(fc), units=units, sparse_combiner=combiner,
                          cols_to_vars=cols_to_vars)
    named = sorted([k if isinstance(k, str) else k.name, sorted(v.name for v in vs)]
                   for k, vs in cols_to_vars.items())
    return {"name": out.name, "shape": out.shape.as_list(), "variables": _variables(tf),
            "trainable": _trainable(tf), "cols_to_vars": named, "value": _run(tf, out)}


def record(tf, workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as f:
        f.write(VOCAB)
    rec = {}
    num = {"price": [[1.0], [5.0], [-2.0]], "pair": [[1, 2], [3, 4], [5, 6]],
           "vec": [0.5, 1.5, 3.0]}

    rec["numeric"] = _dense(tf, lambda fc: [
        fc.numeric_column("price"), fc.numeric_column("pair", shape=2, dtype=tf.int64),
        fc.numeric_column("vec", normalizer_fn=lambda x: x * 2.0 - 1.0)], num)
    rec["numeric_placeholder"] = _dense(
        tf, lambda fc: [fc.numeric_column("m", shape=(2, 2))],
        {"m": lambda: tf.placeholder(tf.float32, [None, 2, 2])},
        feed={"m": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]})
    rec["bucketized"] = _dense(tf, lambda fc: [fc.bucketized_column(
        fc.numeric_column("pair", shape=2), [0.0, 2.0, 3.0, 10.0])],
        {"pair": [[-1.0, 2.0], [3.0, 2.5], [10.0, 11.0]]})

    ids = {"ids": [[0, -1], [2, 3], [-1, -1]],
           "sparse_ids": lambda: tf.SparseTensor([[0, 0], [1, 0], [1, 1], [2, 2]],
                                                 tf.constant([1, 0, 1, 3], tf.int64), [3, 3])}
    rec["identity_indicator"] = _dense(tf, lambda fc: [
        fc.indicator_column(fc.categorical_column_with_identity("ids", 4)),
        fc.indicator_column(fc.categorical_column_with_identity("sparse_ids", 4))], ids)
    rec["identity_default"] = _dense(tf, lambda fc: [fc.indicator_column(
        fc.categorical_column_with_identity("ids", 3, default_value=1))],
        {"ids": [[0, 7], [2, -5], [-1, -1]]})
    rec["identity_out_of_range"] = _dense(tf, lambda fc: [fc.embedding_column(
        fc.categorical_column_with_identity("ids", 3), 2)], {"ids": [[0, 7], [2, 1]]})

    words = {"fruit": [["apple", "kiwi"], ["", "cherry"], ["banana", "banana"]],
             "numbers": [[10, 30], [20, -1], [99, 10]]}
    rec["vocabulary_list"] = _dense(tf, lambda fc: [
        fc.indicator_column(fc.categorical_column_with_vocabulary_list(
            "fruit", ["apple", "banana", "cherry"], num_oov_buckets=2)),
        fc.indicator_column(fc.categorical_column_with_vocabulary_list(
            "numbers", [10, 20, 30], default_value=0))], words)
    rec["vocabulary_list_oov"] = _dense(tf, lambda fc: [
        fc.indicator_column(fc.categorical_column_with_vocabulary_list(
            "numbers", [10, 20], num_oov_buckets=5))], words)
    rec["vocabulary_file"] = _dense(tf, lambda fc: [
        fc.indicator_column(fc.categorical_column_with_vocabulary_file(
            "fruit", vocab_path, num_oov_buckets=3)),
        fc.embedding_column(fc.categorical_column_with_vocabulary_file(
            "fruit", vocab_path, vocabulary_size=2, default_value=1), 3, combiner="sum")],
        words)

    strings = ["apple", "kiwi", "", "cherry", "a somewhat longer string value", "banana"]
    ints = [10, 30, 20, -1, 99, 123456789012]
    hashed = {"s": [[s] for s in strings],
              "i": lambda: tf.constant([[i] for i in ints], tf.int64)}
    rec["hash_bucket_ids"] = _linear(tf, lambda fc: [
        fc.categorical_column_with_hash_bucket("s", 1000),
        fc.categorical_column_with_hash_bucket("i", 997, dtype=tf.int64)], hashed)
    rec["hash_bucket_embedding"] = _dense(tf, lambda fc: [fc.embedding_column(
        fc.categorical_column_with_hash_bucket("s", 5), 2, combiner="sqrtn")],
        {"s": [["apple", "kiwi"], ["", ""], ["banana", "apple"]]})

    weighted = {"ids": tf_sparse(tf, [[0, 0], [0, 1], [1, 0], [2, 0]], [0, 2, 1, 2], [3, 2]),
                "w": tf_sparse(tf, [[0, 0], [0, 1], [1, 0], [2, 0]], [2.0, 0.5, -1.0, 0.0],
                               [3, 2]),
                "dense_ids": [[0, 2], [1, -1], [3, 3]], "dense_w": [[2.0, 1.0], [0.5, 0.0],
                                                                   [1.0, 3.0]]}
    for combiner in ("mean", "sum", "sqrtn"):
        rec["embedding_" + combiner] = _dense(tf, lambda fc: [
            fc.embedding_column(fc.weighted_categorical_column(
                fc.categorical_column_with_identity("ids", 3), "w"), 2, combiner=combiner),
            fc.embedding_column(fc.categorical_column_with_identity("dense_ids", 4), 3,
                                combiner=combiner)], weighted)
    rec["weighted_indicator"] = _dense(tf, lambda fc: [
        fc.indicator_column(fc.weighted_categorical_column(
            fc.categorical_column_with_identity("dense_ids", 4), "dense_w"))], weighted)
    rec["embedding_max_norm"] = _dense(tf, lambda fc: [fc.embedding_column(
        fc.categorical_column_with_identity("dense_ids", 4), 3, max_norm=0.5,
        trainable=False)], weighted)
    rec["embedding_not_trainable"] = _dense(tf, lambda fc: [fc.embedding_column(
        fc.categorical_column_with_identity("dense_ids", 4), 3)], weighted,
        trainable=False)
    rec["shared_embedding"] = _dense(tf, lambda fc: fc.shared_embedding_columns([
        fc.categorical_column_with_identity("dense_ids", 4),
        fc.weighted_categorical_column(fc.categorical_column_with_identity("ids", 4), "w")],
        2, combiner="sum") + [fc.numeric_column("price")], dict(weighted, **num))

    mixed = lambda fc: [
        fc.numeric_column("price"), fc.numeric_column("pair", shape=2),
        fc.bucketized_column(fc.numeric_column("price"), [0.0, 2.0]),
        fc.categorical_column_with_vocabulary_list("fruit", ["apple", "banana", "cherry"]),
        fc.weighted_categorical_column(fc.categorical_column_with_identity("ids", 3), "w"),
        fc.embedding_column(fc.categorical_column_with_identity("numbers2", 100), 2)]
    mixed_features = dict(num, fruit=words["fruit"], numbers2=[[10, 30], [20, -1], [99, 10]],
                          ids=weighted["ids"], w=weighted["w"])
    for units, combiner in ((1, "sum"), (3, "mean"), (2, "sqrtn")):
        rec["linear_%d_%s" % (units, combiner)] = _linear(
            tf, mixed, mixed_features, units=units, combiner=combiner)
    rec["input_layer_order"] = _dense(tf, lambda fc: [
        fc.numeric_column("zeta"), fc.numeric_column("alpha", shape=2),
        fc.indicator_column(fc.categorical_column_with_identity("mid", 2))],
        {"zeta": [[1.0]], "alpha": [[2.0, 3.0]], "mid": [[1]]})

    tf.reset_default_graph()
    fc = tf.feature_column
    cols = {}
    fc.input_layer(resolve(weighted), [fc.embedding_column(
        fc.categorical_column_with_identity("dense_ids", 4), 3),
        fc.indicator_column(fc.categorical_column_with_identity("dense_ids", 4))],
        cols_to_vars=cols, weight_collections=["mine"])
    rec["cols_to_vars"] = sorted([k.name, [v.name for v in vs]] for k, vs in cols.items())
    rec["collections"] = {c: sorted(v.name for v in tf.get_collection(c)) for c in (
        "mine", tf.GraphKeys.MODEL_VARIABLES, tf.GraphKeys.TRAINABLE_VARIABLES)}

    spec = fc.make_parse_example_spec([
        fc.numeric_column("price", default_value=1.5),
        fc.numeric_column("pair", shape=(2,), dtype=tf.int64, default_value=[3, 4]),
        fc.bucketized_column(fc.numeric_column("b"), [1.0]),
        fc.embedding_column(fc.categorical_column_with_hash_bucket("h", 10), 2),
        fc.indicator_column(fc.categorical_column_with_identity("ids", 3)),
        fc.weighted_categorical_column(fc.categorical_column_with_vocabulary_list(
            "v", [1, 2]), "vw"),
        fc.categorical_column_with_vocabulary_file("f", vocab_path, dtype=tf.string)])
    rec["parse_example_spec"] = sorted([k, repr(v)] for k, v in spec.items())
    rec["names"] = sorted([
        fc.numeric_column("a").name,
        fc.bucketized_column(fc.numeric_column("a"), [1.0]).name,
        fc.indicator_column(fc.categorical_column_with_identity("c", 2)).name,
        fc.embedding_column(fc.categorical_column_with_hash_bucket("h", 2), 2).name,
        fc.weighted_categorical_column(fc.categorical_column_with_identity("c", 2), "w").name,
    ] + [c.name for c in fc.shared_embedding_columns([
        fc.categorical_column_with_identity("c", 2),
        fc.categorical_column_with_identity("b", 2)], 2)])
    rec["num_buckets"] = [
        fc.bucketized_column(fc.numeric_column("a", shape=3), [1.0, 2.0])._num_buckets,
        fc.categorical_column_with_vocabulary_file("f", vocab_path)._num_buckets,
        fc.categorical_column_with_vocabulary_list("l", ["x", "y"], num_oov_buckets=4)
        ._num_buckets]

    rec["crossed"] = crossed(tf)
    rec["errors"] = errors(tf, vocab_path)
    return rec


def crossed(tf):
    """crossed_column's ids (through indicator_column: the multi-hot shows them), crosses
    of crosses and of categorical columns, linear_model over a cross, and the raw
    tf.sparse.cross / cross_hashed values (full 64-bit hashes)."""
    fc = tf.feature_column
    rec = {}
    features = {"fruit": [["apple", "kiwi"], ["", "cherry"], ["banana", "banana"]],
                "colour": [["red"], ["green"], ["blue"]],
                "n": [[3, 1], [2, 2], [1, -1]], "price": [[1.0], [5.0], [-2.0]],
                "sparse": tf_sparse(tf, [[0, 0], [2, 0], [2, 1]], ["x", "y", "z"], [3, 2])}
    bucket = fc.bucketized_column(fc.numeric_column("price"), [0.0, 2.0])
    vocab = fc.categorical_column_with_vocabulary_list("fruit", ["apple", "banana", "cherry"])
    cases = {
        "strings": lambda: [fc.crossed_column(["fruit", "colour"], 50)],
        "sparse_and_int": lambda: [fc.crossed_column(["sparse", "n"], 40)],
        "bucketized": lambda: [fc.crossed_column([bucket, "colour"], 30)],
        "nested": lambda: [fc.crossed_column([fc.crossed_column(["colour", "n"], 7), "fruit"],
                                             60)],
        "vocabulary_key": lambda: [fc.crossed_column([vocab, "sparse"], 45, hash_key=12345)],
    }
    for case, columns in cases.items():
        rec[case] = _dense(tf, lambda fc: [fc.indicator_column(c) for c in columns()],
                           features)
    rec["linear"] = _linear(tf, lambda fc: [fc.crossed_column(["fruit", "colour"], 50), bucket],
                            features, units=2)
    rec["embedding"] = _dense(tf, lambda fc: [fc.embedding_column(
        fc.crossed_column(["fruit", bucket], 20), 3)], features)
    tf.reset_default_graph()
    inputs = [tf.SparseTensor([[0, 0], [0, 1], [1, 0]], ["a", "b", "c"], [3, 2]),
              tf.constant([["x"], ["y"], ["z"]]),
              tf.SparseTensor([[0, 0], [1, 0], [1, 1]], tf.constant([7, -3, 11], tf.int64),
                              [3, 2])]
    hashed = tf.sparse.cross_hashed(inputs)
    hashed_key = tf.sparse.cross_hashed(inputs[:2], num_buckets=1000, hash_key=99)
    text = tf.sparse.cross(inputs)
    rec["sparse_cross"] = {
        "names": [hashed.values.name, hashed_key.values.name, hashed.values.op.type],
        "values": _run(tf, [hashed.indices, hashed.values, hashed.dense_shape,
                            hashed_key.values, text.indices, text.values, text.dense_shape])}
    tf.reset_default_graph()
    rec["errors"] = {k: _error(v) for k, v in {
        "one_key": lambda: fc.crossed_column(["a"], 10),
        "size": lambda: fc.crossed_column(["a", "b"], 0),
        "hashed_key": lambda: fc.crossed_column(
            ["a", fc.categorical_column_with_hash_bucket("h", 10)], 10),
        "bad_key": lambda: fc.crossed_column(["a", 3], 10),
        "weighted_key": lambda: fc.input_layer(resolve(features), [fc.indicator_column(
            fc.crossed_column([fc.weighted_categorical_column(
                fc.categorical_column_with_identity("n", 4), "price"), "colour"], 10))]),
    }.items()}
    rec["names"] = [fc.crossed_column(["b", "a"], 10).name,
                    fc.crossed_column([fc.crossed_column(["z", "c"], 5), bucket], 10).name]
    rec["parse_example_spec"] = sorted([k, repr(v)] for k, v in fc.make_parse_example_spec(
        [fc.crossed_column(["s", bucket, vocab], 10)]).items())
    return rec

def tf_sparse(tf, indices, values, dense_shape):
    return lambda: tf.SparseTensor(indices, values, dense_shape)


def resolve(features):
    return {k: (v() if callable(v) else v) for k, v in features.items()}


def errors(tf, vocab_path):
    fc = tf.feature_column
    num = fc.numeric_column("a")
    ident = fc.categorical_column_with_identity("c", 3)

    def layer(columns, features):
        tf.reset_default_graph()
        return lambda: fc.input_layer(resolve(features), columns)

    def linear(columns, features):
        tf.reset_default_graph()
        return lambda: fc.linear_model(resolve(features), columns)

    cases = {
        "numeric_dtype": lambda: fc.numeric_column("a", dtype=tf.string),
        "numeric_shape": lambda: fc.numeric_column("a", shape=(2, 0)),
        "numeric_shape_type": lambda: fc.numeric_column("a", shape=(2.5,)),
        "numeric_default_shape": lambda: fc.numeric_column("a", shape=2, default_value=[1.0]),
        "numeric_default_dtype": lambda: fc.numeric_column("a", dtype=tf.int32,
                                                           default_value=1.5),
        "numeric_normalizer": lambda: fc.numeric_column("a", normalizer_fn=3),
        "numeric_key": lambda: fc.numeric_column(7),
        "bucketized_source": lambda: fc.bucketized_column(ident, [1.0]),
        "bucketized_2d": lambda: fc.bucketized_column(fc.numeric_column("a", shape=(2, 2)),
                                                      [1.0]),
        "bucketized_empty": lambda: fc.bucketized_column(num, []),
        "bucketized_unsorted": lambda: fc.bucketized_column(num, [2.0, 1.0]),
        "bucketized_not_list": lambda: fc.bucketized_column(num, 1.0),
        "identity_buckets": lambda: fc.categorical_column_with_identity("c", 0),
        "identity_default": lambda: fc.categorical_column_with_identity("c", 3,
                                                                        default_value=3),
        "hash_none": lambda: fc.categorical_column_with_hash_bucket("h", None),
        "hash_size": lambda: fc.categorical_column_with_hash_bucket("h", 0),
        "hash_dtype": lambda: fc.categorical_column_with_hash_bucket("h", 2, dtype=tf.float32),
        "list_empty": lambda: fc.categorical_column_with_vocabulary_list("l", []),
        "list_duplicate": lambda: fc.categorical_column_with_vocabulary_list("l", ["a", "a"]),
        "list_oov_default": lambda: fc.categorical_column_with_vocabulary_list(
            "l", ["a"], default_value=0, num_oov_buckets=1),
        "list_oov_negative": lambda: fc.categorical_column_with_vocabulary_list(
            "l", ["a"], num_oov_buckets=-1),
        "list_dtype": lambda: fc.categorical_column_with_vocabulary_list(
            "l", ["a"], dtype=tf.int64),
        "list_float": lambda: fc.categorical_column_with_vocabulary_list("l", [1.5, 2.5]),
        "file_missing": lambda: fc.categorical_column_with_vocabulary_file("f", ""),
        "file_not_there": lambda: fc.categorical_column_with_vocabulary_file(
            "f", vocab_path + ".nothere"),
        "file_size": lambda: fc.categorical_column_with_vocabulary_file(
            "f", vocab_path, vocabulary_size=0),
        "file_oov_default": lambda: fc.categorical_column_with_vocabulary_file(
            "f", vocab_path, num_oov_buckets=1, default_value=0),
        "indicator_of_numeric": lambda: fc.indicator_column(num),
        "weighted_dtype": lambda: fc.weighted_categorical_column(ident, "w", dtype=tf.string),
        "embedding_dimension": lambda: fc.embedding_column(ident, 0),
        "embedding_ckpt": lambda: fc.embedding_column(ident, 2, ckpt_to_load_from="x"),
        "embedding_initializer": lambda: fc.embedding_column(ident, 2, initializer=3),
        "shared_buckets": lambda: fc.shared_embedding_columns(
            [ident, fc.categorical_column_with_identity("d", 4)], 2),
        "shared_initializer": lambda: fc.shared_embedding_columns([ident], 2, initializer=1),
        "input_layer_categorical": layer([ident], {"c": [[1]]}),
        "input_layer_empty": layer([], {"a": [[1.0]]}),
        "input_layer_dict": layer({"a": num}, {"a": [[1.0]]}),
        "input_layer_duplicate": layer([num, fc.numeric_column("a", shape=2)], {"a": [[1.0]]}),
        "input_layer_not_column": layer(["a"], {"a": [[1.0]]}),
        "input_layer_missing": layer([num], {"b": [[1.0]]}),
        "input_layer_rank0": layer([num], {"a": 1.0}),
        "input_layer_sparse_numeric": layer([num], {"a": tf_sparse(tf, [[0, 0]], [1.0],
                                                                  [1, 1])}),
        "input_layer_batch": layer([num, fc.numeric_column("b")],
                                   {"a": [[1.0], [2.0]], "b": [[1.0]]}),
        "identity_not_integer": layer([fc.indicator_column(ident)], {"c": [["x"]]}),
        "list_input_dtype": layer([fc.indicator_column(
            fc.categorical_column_with_vocabulary_list("l", ["a"]))], {"l": [[1]]}),
        "hash_input_dtype": layer([fc.indicator_column(
            fc.categorical_column_with_hash_bucket("h", 3))], {"h": [[1]]}),
        "weighted_bad_dtype": layer([fc.indicator_column(fc.weighted_categorical_column(
            ident, "w"))], {"c": [[1]], "w": [[1]]}),
        "linear_not_column": linear([3], {"a": [[1.0]]}),
        "parse_spec_conflict": lambda: fc.make_parse_example_spec(
            [num, fc.numeric_column("a", shape=2)]),
        "parse_spec_not_column": lambda: fc.make_parse_example_spec(["a"]),
    }
    return {k: _error(v) for k, v in cases.items()}


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    tf.get_logger().setLevel("ERROR")
    with tempfile.TemporaryDirectory() as workdir:
        result = record(tf, workdir)
    result["tf_version"] = tf.__version__ if hasattr(tf, "__version__") else ""
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                       "tf_feature_column.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=0, sort_keys=True)
        f.write("\n")
    print("wrote", out)
