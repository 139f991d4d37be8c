"""Records what TF 1.x's tf.train.maybe_batch family and the batch functions' return types do,
into tests/fixtures/tf_maybe_batch.json (for tests/data/test_maybe_batch.py, which runs
`drain` on minitf). Run with a Python that has TensorFlow: python tests/record_tf_maybe_batch.py
(only __main__ imports TensorFlow)."""

import json
import os

import numpy as np

KEEP = [True, False, True, True, False, False, True, True]


def _as_lists(value):
    """A fetched batch (an array, or a list of them) as lists."""
    return value.tolist() if hasattr(value, "tolist") else [a.tolist() for a in value]


def drain(tf, fetch, limit=20):
    """Up to `limit` runs of `fetch` under queue runners, until the input ends."""
    out = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            for _ in range(limit):
                out.append(_as_lists(sess.run(fetch)))
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=2)
    return out


def record(tf):
    rec = {}
    tf.reset_default_graph()
    x = tf.train.range_input_producer(10, num_epochs=1, shuffle=False).dequeue()
    b = tf.train.maybe_batch([x, x * 10], tf.equal(x % 3, 0), 2, allow_smaller_final_batch=True)
    rec["scalar"] = {"names": [t.name for t in b], "values": drain(tf, b)}
    tf.reset_default_graph()
    b = tf.train.maybe_batch([tf.constant(np.arange(8))], tf.constant(KEEP), 3, enqueue_many=True)
    rec["vector"] = {"name": b.name, "values": drain(tf, b, 3)}
    errors = {}
    for case, kwargs in [("vector_without_enqueue_many", lambda: dict(
                             keep_input=tf.constant([True, False]))),
                         ("matrix", lambda: dict(keep_input=tf.constant([[True]]),
                                                 enqueue_many=True)),
                         ("unknown_rank", lambda: dict(keep_input=tf.placeholder(tf.bool)))]:
        tf.reset_default_graph()
        try:
            tf.train.maybe_batch([tf.constant([1, 2])], batch_size=2, **kwargs())
        except ValueError as e:
            errors[case] = str(e)
    rec["errors"] = errors
    kinds = {}
    for fn_name, fn in [("batch", lambda t: tf.train.batch(t, 2)),
                        ("shuffle_batch", lambda t: tf.train.shuffle_batch(t, 2, 10, 2)),
                        ("batch_join", lambda t: tf.train.batch_join([t], 2)),
                        ("maybe_shuffle_batch",
                         lambda t: tf.train.maybe_shuffle_batch(t, 2, 10, 2, True))]:
        tf.reset_default_graph()
        x = tf.constant(1.0)
        kinds[fn_name] = {kind: type(fn(arg)).__name__.replace("SymbolicTensor", "Tensor")
                          for kind, arg in [("list1", [x]), ("tuple1", (x,)), ("list2", [x, x]),
                                            ("dict1", {"a": x})]}
        tf.reset_default_graph()
        kinds[fn_name]["name"] = fn([tf.constant(1.0)]).name
    rec["kinds"] = kinds
    return rec


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                        "tf_maybe_batch.json")
    with open(path, "w") as f:
        json.dump({"tf_version": tf.__version__, **record(tf)}, f, indent=1, sort_keys=True)
    print("wrote", path)
