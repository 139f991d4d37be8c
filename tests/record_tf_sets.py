"""Records what TensorFlow's tf.sets does, for tests/test_sets.py (TF is never a minitf
dependency; run this in a throwaway venv with tensorflow-cpu):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_sets.py > tests/fixtures/tf_sets.json

For each case of tests/set_cases.py (dense-dense, dense-sparse, sparse-dense, sparse-sparse,
ranks 2 and 3, empty rows, repeated elements, every allowed dtype, set_size): the result's
indices, values, dense_shape, their dtypes, tensor names and static shapes, the op's type and
set_operation attr; and the error class and message of each misuse (mismatched dtypes or
ranks, a float dtype, a dense set_size, unsorted sparse indices with validate_indices)."""

import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from set_cases import CASES, ERRORS  # noqa: E402

tf.disable_v2_behavior()


def _plain(x):
    x = np.asarray(x)
    if x.dtype.kind in "SO":
        return [v.decode() if isinstance(v, bytes) else _plain(v) for v in x.tolist()] \
            if x.ndim else x.item().decode()
    return x.tolist()


def _spec(t):
    return {"name": t.name, "dtype": t.dtype.name,
            "shape": None if t.shape.ndims is None else t.shape.as_list()}


def record_case(build):
    with tf.Graph().as_default():
        out, feeds = build(tf)
        with tf.Session() as sess:
            if isinstance(out, tf.SparseTensor):
                value = sess.run(out, feeds)
                return {"sparse": True, "op": out.indices.op.type,
                        "set_operation": _attr(out.indices.op),
                        "specs": [_spec(t) for t in (out.indices, out.values, out.dense_shape)],
                        "indices": value.indices.tolist(), "values": _plain(value.values),
                        "dense_shape": value.dense_shape.tolist()}
            return {"sparse": False, "op": out.op.type, "specs": [_spec(out)],
                    "value": _plain(sess.run(out, feeds))}


def _attr(op):
    try:
        return op.get_attr("set_operation").decode()
    except ValueError:
        return None


def record_error(build):
    try:
        with tf.Graph().as_default():
            out, feeds = build(tf)
            with tf.Session() as sess:
                sess.run(out, feeds)
    except Exception as e:  # noqa: BLE001 - the class is what we record
        msg = getattr(e, "message", None) or str(e)
        if "\nNode: " in msg:  # a run-time error: the kernel's message follows the node line
            msg = msg.split("\nNode: ")[1].split("\n", 1)[1]
        return {"class": type(e).__name__, "message": msg.split("\n")[0].split(" for '{{")[0]}
    return None


print(json.dumps({"cases": {n: record_case(b) for n, b in CASES.items()},
                  "errors": {n: record_error(b) for n, b in ERRORS.items()}},
                 indent=1, sort_keys=True))
