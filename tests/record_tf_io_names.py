"""Records what TF 1.x's serialization and hashing names do (tf.make_tensor_proto,
tf.make_ndarray, tf.serialize_tensor / parse_tensor, tf.serialize_sparse and friends,
tf.decode_compressed, tf.fingerprint, tf.string_to_hash_bucket(_strong), tf.timestamp,
tf.PriorityQueue) into tests/fixtures/tf_io_names.json, for tests/test_io_names.py, which
runs `record` on minitf. Run with a Python that has TensorFlow:
python tests/record_tf_io_names.py (only __main__ imports TensorFlow)."""

import base64
import gzip
import json
import os
import zlib

import numpy as np

TEXT = b"hello hello hello, lookup tables"


def _b64(data):
    return base64.b64encode(data).decode()


def _lists(value):
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if hasattr(value, "tolist"):
        value = value.tolist()
    return _decode(value)


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return _b64(value) if isinstance(value, bytes) else value


def _message(e):
    """The message's first line (TF 2 puts where the node was defined before it, after a
    "Node: 'name'" line; minitf's message is the line itself)."""
    lines = [l for l in e.message.split("\n") if l.strip()]
    for i, line in enumerate(lines[:-1]):
        if line.startswith("Node: "):
            return lines[i + 1]
    return lines[0]


def _raises(fn):
    try:
        fn()
    except (TypeError, ValueError) as e:
        return [type(e).__name__, str(e)]
    return None


def record(tf):
    rec = {}
    protos = {}
    for case, value, kwargs in [
            ("int", 1, {}), ("float", 1.5, {}), ("ints", [1, 2, 3], {}),
            ("matrix", [[1., 2.], [3, 4]], {}), ("splat", 7, {"shape": [2, 3]}),
            ("string", "ab", {}), ("strings", ["a", "bc"], {}),
            ("int64s", [1, 2], {"dtype": tf.int64}), ("uint8s", np.arange(4, dtype=np.uint8), {}),
            ("bool", True, {}), ("bools", [True, False], {}), ("half", np.float16(1.5), {}),
            ("int_as_float", 3, {"dtype": tf.float32}), ("short", [1, 2], {"shape": [3]}),
            ("float64s", np.array([0.5, -2.0]), {}), ("empty", [], {"dtype": tf.float32})]:
        proto = tf.make_tensor_proto(value, **kwargs)
        array = tf.make_ndarray(proto)
        protos[case] = [_b64(proto.SerializeToString()), str(array.dtype),
                        list(array.shape), _lists(array)]
    rec["make_tensor_proto"] = protos
    rec["make_tensor_proto_errors"] = {
        "verify_shape": _raises(lambda: tf.make_tensor_proto([1, 2], shape=[3],
                                                             verify_shape=True)),
        "too_many": _raises(lambda: tf.make_tensor_proto([1, 2, 3], shape=[2])),
        "float_as_int": _raises(lambda: tf.make_tensor_proto(1.5, dtype=tf.int32))}

    tf.reset_default_graph()
    matrix = tf.constant([[1, 2], [3, 4]])
    serialized = tf.serialize_tensor(matrix)
    parsed = tf.parse_tensor(serialized, tf.int32)
    wrong = tf.parse_tensor(serialized, tf.float32)
    garbage = tf.parse_tensor(tf.constant(b"\xff\xff"), tf.float32)
    others = [tf.serialize_tensor(tf.constant(3.5)), tf.serialize_tensor(tf.constant(["a", "bc"])),
              tf.serialize_tensor(tf.constant([True, False])),
              tf.serialize_tensor(tf.constant(7, tf.int64))]
    serial = {"names": [serialized.name, parsed.name, str(parsed.shape), str(serialized.shape)]}
    with tf.Session() as sess:
        serial["matrix"] = _lists(sess.run(serialized))
        serial["parsed"] = _lists(sess.run(parsed))
        serial["others"] = _lists(sess.run(others))
        for case, t in (("wrong_type", wrong), ("garbage", garbage)):
            try:
                sess.run(t)
            except tf.errors.OpError as e:
                serial[case] = [type(e).__name__, _message(e)]
    rec["serialize_tensor"] = serial

    tf.reset_default_graph()
    sp = tf.SparseTensor([[0, 1], [0, 3], [2, 0]], tf.constant([5, 7, 6], tf.int64), [3, 4])
    unordered = tf.serialize_many_sparse(tf.SparseTensor([[2, 0], [0, 1]], [1, 2], [3, 4]))
    one = tf.serialize_sparse(sp)
    many = tf.serialize_many_sparse(sp)
    back = tf.deserialize_many_sparse(many, tf.int64)
    floats = tf.SparseTensor([[1, 0, 2]], [2.5], [2, 3, 4])
    back2 = tf.deserialize_many_sparse(tf.serialize_many_sparse(floats), tf.float32, rank=3)
    stacked = tf.deserialize_many_sparse(
        tf.stack([tf.serialize_sparse(tf.SparseTensor([[1]], [1.0], [2])),
                  tf.serialize_sparse(tf.SparseTensor([[4], [0]], [2.0, 3.0], [5]))]),
        tf.float32)
    sparse = {"names": [one.name, str(one.shape), many.name, str(many.shape),
                        back.indices.name, back.values.name, back.dense_shape.name,
                        str(back.indices.shape), str(back2.indices.shape),
                        str(back2.dense_shape.shape)]}
    with tf.Session() as sess:
        sparse["one"] = _lists(sess.run(one))
        sparse["many"] = _lists(sess.run(many))
        sparse["back"] = _lists(list(sess.run(back)))
        sparse["back2"] = _lists(list(sess.run(back2)))
        sparse["stacked"] = _lists(list(sess.run(stacked)))
        try:
            sess.run(unordered)
        except tf.errors.OpError as e:
            sparse["unordered"] = [type(e).__name__, _message(e)]
    rec["sparse"] = sparse

    tf.reset_default_graph()
    blobs = {"ZLIB": zlib.compress(TEXT), "GZIP": gzip.compress(TEXT, mtime=0), "": TEXT}
    compressed = {}
    with tf.Session() as sess:
        for kind, blob in sorted(blobs.items()):
            out = tf.decode_compressed(tf.constant([blob, blob]), compression_type=kind)
            compressed[kind or "none"] = [out.name, str(out.shape), _lists(sess.run(out))]
        try:
            sess.run(tf.decode_compressed(tf.constant(b"xx"), "ZLIB"))
        except tf.errors.OpError as e:
            compressed["damaged"] = [type(e).__name__, _message(e)]
    rec["decode_compressed"] = compressed

    tf.reset_default_graph()
    words = tf.constant(["abc", "hello", "", "lookup tables"])
    hashes = {}
    with tf.Session() as sess:
        for case, t in [
                ("fingerprint_strings", tf.fingerprint(words)),
                ("fingerprint_string_rows", tf.fingerprint(tf.constant([["a", "b"], ["c", ""]]))),
                ("fingerprint_ints", tf.fingerprint(tf.constant([[1, 2], [3, 4]]))),
                ("fingerprint_floats", tf.fingerprint(tf.constant([1.5, 2.0]))),
                ("fingerprint_3d", tf.fingerprint(tf.reshape(tf.range(12, dtype=tf.int64),
                                                             [2, 3, 2]))),
                ("bucket", tf.string_to_hash_bucket(words, 1000)),
                ("bucket_large", tf.string_to_hash_bucket(words, 2 ** 62)),
                ("bucket_strong", tf.string_to_hash_bucket_strong(words, 1000, key=[1, 2])),
                ("bucket_strong_key", tf.string_to_hash_bucket_strong(
                    words, 2 ** 40, key=[-5, 12345678901234])),
                ("strings_bucket", tf.strings.to_hash_bucket(words, 77)),
                ("strings_bucket_strong", tf.strings.to_hash_bucket_strong(words, 77, [3, 4]))]:
            hashes[case] = [t.name, str(t.shape), t.dtype.name, _lists(sess.run(t))]
        stamp = tf.timestamp()
        first, second = sess.run(stamp), sess.run(stamp)
        hashes["timestamp"] = [stamp.name, stamp.dtype.name, str(stamp.shape),
                               bool(second >= first), bool(first > 1.5e9)]
    rec["hashes"] = hashes

    tf.reset_default_graph()
    queue = tf.PriorityQueue(10, [tf.string, tf.float32], shapes=[[], [2]])
    enqueue = queue.enqueue_many([tf.constant([5, 1, 3], tf.int64), ["five", "one", "three"],
                                  [[5., 5.], [1., 1.], [3., 3.]]])
    one = queue.enqueue((tf.constant(2, tf.int64), "two", [2., 2.]))
    first = queue.dequeue()
    rest = queue.dequeue_many(3)
    priority = {"names": [queue.name, enqueue.name, first[0].name, rest[1].name,
                          str(rest[2].shape)], "dtypes": [d.name for d in queue.dtypes],
                "shapes": [str(s) for s in queue.shapes], "io": tf.io.PriorityQueue is
                tf.PriorityQueue}
    with tf.Session() as sess:
        sess.run([enqueue])
        sess.run(one)
        priority["first"] = _lists(sess.run(first))
        priority["rest"] = _lists(sess.run(rest))
    rec["priority_queue"] = priority
    tf.reset_default_graph()
    stacked = tf.parallel_stack([tf.constant([1, 2]), tf.constant([3, 4]), [5, 6]], name="ps")
    scalars = tf.parallel_stack([tf.constant(1.0), tf.constant(2.0)])
    ops = [[op.name, op.type] for op in tf.get_default_graph().get_operations()
           if op.type != "Const"]
    with tf.Session() as sess:
        values = _lists(sess.run([stacked, scalars]))
    rec["parallel_stack"] = {
        "names": [stacked.name, str(stacked.shape), scalars.name, str(scalars.shape)],
        "ops": ops, "values": values,
        "errors": [_raises(lambda: tf.parallel_stack([tf.placeholder(tf.float32, [None])]))[0],
                   _raises(lambda: tf.parallel_stack([tf.constant([1.]),
                                                      tf.constant([1., 2.])]))[0],
                   _raises(lambda: tf.parallel_stack([tf.constant([1.]),
                                                      tf.constant([1])]))[0]]}
    try:
        x = tf.constant([1.0])
        tf.gradients(tf.parallel_stack([x]), [x])
    except LookupError as e:
        rec["parallel_stack"]["gradient"] = type(e).__name__  # (TF: no gradient registered)
    rec["io_aliases"] = [tf.io.PaddingFIFOQueue is tf.PaddingFIFOQueue,
                         tf.io.RandomShuffleQueue is tf.RandomShuffleQueue,
                         tf.io.QueueBase is tf.QueueBase,
                         tf.io.match_filenames_once is tf.train.match_filenames_once,
                         tf.io.serialize_tensor is tf.serialize_tensor,
                         tf.io.decode_compressed is tf.decode_compressed]
    return rec


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                        "tf_io_names.json")
    with open(path, "w") as f:
        json.dump({"tf_version": tf.__version__, **record(tf)}, f, indent=1, sort_keys=True)
    print("wrote", path)
