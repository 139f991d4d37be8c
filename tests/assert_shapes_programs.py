"""tf.debugging.assert_shapes programs run by tests/record_tf_assert_shapes.py in TensorFlow and
by tests/test_assert_shapes.py in minitf (each takes the framework's module as `tf`)."""

import numpy as np

# name: (list of (placeholder shape, spec)), [feeds of actual shapes to run with]
CASES = {
    "symbols agree": ([([None, 3], ("N", "Q")), ([None, 3, 4], ("N", "Q", 4))],
                      [[(2, 3), (2, 3, 4)], [(2, 3), (5, 3, 4)]]),
    "explicit size": ([([None, 3], ("N", 3)), ([None, 3, 4], ("N", 3, 5))], []),
    "symbol from another tensor": ([([None, 3], ("N", "Q")), ([None, 3, 4], ("N", "D", "Q"))], []),
    "rank 1 spec": ([([None, 3], ("N",))], []),
    "scalar with ()": ([([], ())], [[()]]),
    "scalar with []": ([([], [])], [[()]]),
    "any size and outer": ([([None, 3], (".", 3)), ([None, 3, 4], ("*", 4))],
                           [[(1, 3), (7, 3, 4)]]),
    "outer with a symbol": ([([None, 3], ("N", "Q")), ([None, 3, 4], ("*", "Q", 4))], []),
    "unknown rank": ([(None, ("N", 2)), ([None, 3], ("N", "Q"))],
                     [[(2, 2), (2, 3)], [(4, 2), (2, 3)], [(2, 2, 2), (2, 3)]]),
    "unknown rank, one symbol": ([([None, 3], ("N", "Q")), (None, ("N",))],
                                 [[(2, 3), (2,)], [(2, 3), (3,)], [(2, 3), ()]]),
    "outer not first": ([([None, 3], ("N", "*"))], []),
    "not iterable": ([([None, 3], 3)], []),
    "with a message": ([([None, 3], ("N", 4))], []),
    "None spec skipped": ([([None, 3], None), ([2], ("A",))], [[(5, 3), (2,)]]),
    "string digits": ([([None, 3], ("N", "3"))], [[(1, 3)]]),
}


def run_case(tf, name):
    pairs, feeds = CASES[name]
    with tf.Graph().as_default():
        placeholders = [tf.placeholder(tf.float32, shape) for shape, _ in pairs]
        try:
            op = tf.debugging.assert_shapes(
                [(p, spec) for p, (_, spec) in zip(placeholders, pairs)],
                message="check" if name == "with a message" else None)
        except ValueError as e:
            return {"build": ["ValueError", str(e)]}
        out = {"build": [op.type, op.name], "runs": []}
        with tf.Session() as sess:
            for shapes in feeds:
                feed = {p: np.zeros(s, np.float32) for p, s in zip(placeholders, shapes)}
                try:
                    sess.run(op, feed)
                    out["runs"].append("ok")
                except tf.errors.InvalidArgumentError as e:
                    line = [s for s in e.message.splitlines() if "assertion failed" in s][0]
                    out["runs"].append(line[line.index("assertion failed"):].split(" (op ")[0]
                                       .split("\t")[0])
    return out


def run_all(tf):
    return {name: run_case(tf, name) for name in CASES}
