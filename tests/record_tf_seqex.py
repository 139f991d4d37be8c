"""Records what TF 2.x compat.v1 (TF 1.15's API) does with tf.train.SequenceExample protos
(tf.io.parse_single_sequence_example, tf.io.parse_sequence_example), FixedLenSequenceFeature
and SparseFeature in tf.io.parse_example, and tf.io.decode_json_example, for
tests/test_seqex.py: output names, static shapes, dtypes, values and errors. Run with
tensorflow-cpu (never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_seqex.py \
        > tests/fixtures/tf_seqex.json

The programs only use names TF and minitf both have; the test runs them on minitf and compares
the records."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def _f(tf, kind, values):
    lists = {"f": ("float_list", tf.train.FloatList), "i": ("int64_list", tf.train.Int64List),
             "b": ("bytes_list", tf.train.BytesList)}
    field, cls = lists[kind]
    return tf.train.Feature(**{field: cls(value=values)})


def _seq(tf, context, lists):
    """A serialized SequenceExample: context {key: (kind, values)}, lists {key: [(kind,
    values), ...]}."""
    return tf.train.SequenceExample(
        context=tf.train.Features(feature={k: _f(tf, *v) for k, v in context.items()}),
        feature_lists=tf.train.FeatureLists(feature_list={
            k: tf.train.FeatureList(feature=[_f(tf, *f) for f in v])
            for k, v in lists.items()})).SerializeToString()


def _example(tf, features):
    return tf.train.Example(features=tf.train.Features(
        feature={k: _f(tf, *v) for k, v in features.items()})).SerializeToString()


def _first(tf):
    return _seq(tf, {"len": ("i", [3]), "name": ("b", [b"abc"])},
                {"tok": [("i", [1]), ("i", [2]), ("i", [3])],
                 "vec": [("f", [1, 2]), ("f", [3, 4]), ("f", [5, 6])],
                 "var": [("i", [1]), ("i", [2, 3]), ("i", [])],
                 "words": [("b", [b"x"]), ("b", [b"yz"]), ("b", [b"w"])]})


def _second(tf):
    return _seq(tf, {"len": ("i", [1])},
                {"tok": [("i", [7])], "vec": [("f", [8, 9])],
                 "var": [("i", [4, 5, 6])]})


def _leaves(value):
    """The tensors (and SparseTensors' parts) of a nested dict/tuple, in a fixed order."""
    if isinstance(value, dict):
        return [x for k in sorted(value) for x in _leaves(value[k])]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _leaves(v)]
    if hasattr(value, "indices") and hasattr(value, "dense_shape"):
        return [value.indices, value.values, value.dense_shape]
    return [value]


def _static(t):
    dims = t.shape.as_list() if t.shape.ndims is not None else None
    return [t.name, dims, t.dtype.name]


def _plain(a):
    if hasattr(a, "tolist"):
        a = a.tolist()
    if isinstance(a, bytes):
        return a.decode("latin-1")
    if isinstance(a, list):
        return [_plain(x) for x in a]
    return a


def _message(e):
    """The kernel's message: TF wraps it in 'Graph execution error ... Node: ...' lines."""
    text = getattr(e, "message", None) or str(e)
    if "\nNode: '" in text:
        text = text.split("\nNode: '", 1)[1].split("\n", 1)[1]
    return text.split("\n\t [[")[0].splitlines()[0]


def _outcome(tf, build, feed=None):
    """Builds `build(tf)` in a new graph and runs it: the static names/shapes/dtypes of its
    outputs and their values, or the error's class and message (when built or run)."""
    with tf.Graph().as_default():
        try:
            fetches = build()
        except Exception as e:  # noqa: BLE001 - the recorded class is the test
            return {"build_error": [type(e).__name__, _message(e)]}
        leaves = _leaves(fetches)
        rec = {"static": [_static(t) for t in leaves]}
        with tf.Session() as sess:
            try:
                values = sess.run(leaves, feed(tf) if feed else None)
            except Exception as e:  # noqa: BLE001
                rec["run_error"] = [type(e).__name__, _message(e)]
                return rec
        rec["values"] = [_plain(v) for v in values]
        rec["value_shapes"] = [list(getattr(v, "shape", ())) for v in values]
        return rec


def single_sequence_example(tf, d):
    s = _first(tf)
    return _outcome(tf, lambda: tf.io.parse_single_sequence_example(
        s, context_features={"len": tf.io.FixedLenFeature([], tf.int64),
                             "name": tf.io.VarLenFeature(tf.string),
                             "opt": tf.io.FixedLenFeature([2], tf.float32,
                                                          default_value=[1.0, 2.0])},
        sequence_features={"tok": tf.io.FixedLenSequenceFeature([], tf.int64),
                           "vec": tf.io.FixedLenSequenceFeature([2], tf.float32),
                           "var": tf.io.VarLenFeature(tf.int64),
                           "words": tf.io.VarLenFeature(tf.string),
                           "miss": tf.io.FixedLenSequenceFeature([], tf.int64,
                                                                 allow_missing=True)}))


def single_sequence_example_v1_name(tf, d):
    """tf.parse_single_sequence_example with a name, only sequence features, a placeholder."""
    def build():
        s = tf.placeholder(tf.string, [], name="record")
        return tf.parse_single_sequence_example(
            s, sequence_features={"vec": tf.io.FixedLenSequenceFeature([1, 2], tf.float32)},
            name="reader")
    return _outcome(tf, build, lambda tf: {"record:0": _first(tf)})


def sequence_example_batch(tf, d):
    def build():
        s = tf.placeholder(tf.string, [None], name="records")
        return tf.io.parse_sequence_example(
            s, context_features={"len": tf.io.FixedLenFeature([], tf.int64),
                                 "name": tf.io.VarLenFeature(tf.string),
                                 "w": tf.io.FixedLenFeature([], tf.float32, default_value=-4)},
            sequence_features={"tok": tf.io.FixedLenSequenceFeature([], tf.int64),
                               "vec": tf.io.FixedLenSequenceFeature([2], tf.float32),
                               "var": tf.io.VarLenFeature(tf.int64),
                               "words": tf.io.FixedLenSequenceFeature(
                                   [], tf.string, allow_missing=True)})
    return _outcome(tf, build, lambda tf: {"records:0": [_second(tf), _first(tf),
                                                         _second(tf)]})


def sequence_example_constant_batch_and_scalar(tf, d):
    def build():
        return [tf.io.parse_sequence_example(
                    [_first(tf), _second(tf)],
                    sequence_features={"var": tf.io.VarLenFeature(tf.int64)}),
                tf.io.parse_sequence_example(
                    _second(tf), context_features={"len": tf.io.FixedLenFeature([],
                                                                                tf.int64)},
                    sequence_features={"vec": tf.io.FixedLenSequenceFeature([2], tf.float32),
                                       "nope": tf.io.FixedLenSequenceFeature(
                                           [3], tf.float32, allow_missing=True)},
                    name="scalar")]
    return _outcome(tf, build)


def sequence_example_empty_lists(tf, d):
    empty = _seq(tf, {}, {"tok": []})
    return _outcome(tf, lambda: tf.io.parse_single_sequence_example(
        empty, sequence_features={"tok": tf.io.FixedLenSequenceFeature([], tf.int64),
                                  "tokv": tf.io.VarLenFeature(tf.int64),
                                  "gone": tf.io.VarLenFeature(tf.float32)}))


def sequence_example_errors(tf, d):
    s, s2 = _first(tf), _second(tf)
    bad = _seq(tf, {}, {"vec": [("f", [1, 2]), ("f", [3])]})
    P, B = tf.io.parse_single_sequence_example, tf.io.parse_sequence_example
    FL, FS, VL = tf.io.FixedLenFeature, tf.io.FixedLenSequenceFeature, tf.io.VarLenFeature
    cases = {
        "missing_context": lambda: P(s, context_features={"zz": FL([], tf.int64)}),
        "missing_context_2": lambda: P(s, context_features={"zz": FL([2], tf.int64)}),
        "missing_context_batch": lambda: B([s, s2], context_features={"zz": FL([], tf.int64)}),
        "context_size": lambda: P(s, context_features={"len": FL([2], tf.int64)}),
        "context_size_batch": lambda: B([s2, s], context_features={"len": FL([2], tf.int64)}),
        "context_type": lambda: P(s, context_features={"len": FL([], tf.float32)}),
        "context_type_varlen": lambda: P(s, context_features={"name": VL(tf.int64)}),
        "missing_list": lambda: P(s, sequence_features={"zz": FS([], tf.int64)}),
        "missing_list_batch": lambda: B([s, s2], sequence_features={"words": FS([], tf.string)}),
        "missing_list_scalar": lambda: B(s2, sequence_features={"zz": FS([], tf.string)}),
        "list_size_scalar": lambda: B(bad, sequence_features={"vec": FS([2], tf.float32)}),
        "list_type_batch": lambda: B([s2, s], sequence_features={"tok": FS([], tf.string)}),
        "context_type_batch": lambda: B([s2, s], context_features={"len": FL([], tf.string)}),
        "list_varlen_type_batch": lambda: B([s2, s], sequence_features={"var": VL(tf.string)}),
        "stride_in_list": lambda: P(s, sequence_features={"var": FS([], tf.int64)}),
        "list_size": lambda: P(bad, sequence_features={"vec": FS([2], tf.float32)}),
        "list_size_batch": lambda: B([s, bad], sequence_features={"vec": FS([2], tf.float32)}),
        "list_type": lambda: P(s, sequence_features={"tok": FS([], tf.float32)}),
        "list_type_varlen": lambda: P(s, sequence_features={"tok": VL(tf.string)}),
        "not_a_proto": lambda: P(b"garbage\xff", sequence_features={"tok": FS([], tf.int64)}),
        "list_default": lambda: P(s, sequence_features={"tok": FS([], tf.int64,
                                                                  default_value=5)}),
        "nothing": lambda: P(s),
        "fixed_len_in_lists": lambda: P(s, sequence_features={"tok": FL([], tf.int64)}),
        "sequence_in_context": lambda: P(s, context_features={"tok": FS([], tf.int64)}),
        "single_of_vector": lambda: P([s], sequence_features={"tok": FS([], tf.int64)}),
        "varlen_float64": lambda: P(s, sequence_features={"tok": VL(tf.float64)}),
    }
    return {k: _outcome(tf, v).get("build_error") or _outcome(tf, v).get("run_error")
            for k, v in cases.items()}


def example_sequence_features(tf, d):
    e1 = _example(tf, {"v": ("f", [1, 2, 3, 4])})
    e2 = _example(tf, {"v": ("f", [5, 6])})
    e3 = _example(tf, {})

    def build():
        s = tf.placeholder(tf.string, [3], name="examples")
        return [tf.io.parse_example(s, {"v": tf.io.FixedLenSequenceFeature(
                    [2], tf.float32, allow_missing=True)}),
                tf.parse_example(s, {"v": tf.io.FixedLenSequenceFeature(
                    [], tf.float32, allow_missing=True, default_value=-1)},
                    name="flat"),
                tf.io.parse_single_example(e1, {"v": tf.io.FixedLenSequenceFeature(
                    [2], tf.float32, allow_missing=True)})]
    rec = _outcome(tf, build, lambda tf: {"examples:0": [e1, e2, e3]})
    rec["stride"] = _outcome(tf, lambda: tf.io.parse_example(
        [e1, e2], {"v": tf.io.FixedLenSequenceFeature([3], tf.float32, allow_missing=True)}))
    rec["not_allow_missing"] = _outcome(tf, lambda: tf.io.parse_example(
        [e1, e2], {"v": tf.io.FixedLenSequenceFeature([], tf.float32)}))
    return rec


def sparse_features(tf, d):
    e1 = _example(tf, {"idx": ("i", [3, 0]), "val": ("f", [0.5, 0.25]), "j": ("i", [1, 1])})
    e2 = _example(tf, {"idx": ("i", [1]), "val": ("f", [9]), "j": ("i", [0])})
    e3 = _example(tf, {})
    SF = tf.io.SparseFeature
    rec = {
        "batch": _outcome(tf, lambda: tf.io.parse_example(
            [e1, e2, e3], {"sp": SF("idx", "val", tf.float32, 5),
                           "idx": tf.io.VarLenFeature(tf.int64)})),
        "sorted": _outcome(tf, lambda: tf.io.parse_example(
            [e1, e2], {"sp": SF(index_key="idx", value_key="val", dtype=tf.float32, size=5,
                                already_sorted=True)})),
        "two_keys": _outcome(tf, lambda: tf.io.parse_example(
            [e1, e2], {"sp": SF(["j", "idx"], "val", tf.float32, [2, 5])})),
        "single": _outcome(tf, lambda: tf.io.parse_single_example(
            e1, {"sp": SF("idx", "val", tf.float32, 5)})),
        "mismatch": _outcome(tf, lambda: tf.io.parse_example(
            [_example(tf, {"idx": ("i", [1, 2]), "val": ("f", [1])})],
            {"sp": SF("idx", "val", tf.float32, 5)})),
        "dense_and_sparse_key": _outcome(tf, lambda: tf.io.parse_example(
            [e1], {"sp": SF("idx", "val", tf.float32, 5),
                   "val": tf.io.FixedLenFeature([2], tf.float32)})),
    }
    return rec


def _example_dict(tf, data):
    ex = tf.train.Example.FromString(data)
    return {k: [f.WhichOneof("kind"), [_plain(x) for x in getattr(f, f.WhichOneof("kind")).value]]
            for k, f in sorted(ex.features.feature.items())}


def decode_json_examples(tf, d):
    text = json.dumps({"features": {"feature": {
        "a": {"floatList": {"value": [1.5, 2]}}, "b": {"int64List": {"value": ["3", 4]}},
        "c": {"bytesList": {"value": ["aGk="]}}, "d_e": {"float_list": {"value": []}}}}})

    def build():
        s = tf.placeholder(tf.string, [2, None], name="json")
        return [tf.io.decode_json_example(s), tf.decode_json_example("{}", name="plain")]
    rec = _outcome(tf, build, lambda tf: {"json:0": [[text], ["{}"]]})
    if "values" in rec:
        rec["values"] = [[[_example_dict(tf, x.encode("latin-1")) for x in row]
                          for row in rec["values"][0]], rec["values"][1]]
    rec["errors"] = [(_outcome(tf, lambda: tf.decode_json_example(bad)).get("run_error")
                      or ["none"])[0] for bad in ['{"features": 3}', '{"bogus": 3}', "not json"]]
    return rec


PROGRAMS = [single_sequence_example, single_sequence_example_v1_name, sequence_example_batch,
            sequence_example_constant_batch_and_scalar, sequence_example_empty_lists,
            sequence_example_errors, example_sequence_features, sparse_features,
            decode_json_examples]


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    from record_tf_monitored_session import run_all
    tf1.disable_v2_behavior()
    print(json.dumps(run_all(tf1, PROGRAMS), indent=1, sort_keys=True))
