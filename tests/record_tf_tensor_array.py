"""Records what TensorFlow's tf.TensorArray does (compat.v1 graph mode), for
tests/test_tensor_array.py (TF is never a minitf dependency; run in a venv with tensorflow):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_tensor_array.py > tests/fixtures/tf_tensor_array.json

- the programs of tests/tensor_array_programs.py: values, names and static shapes of what they
  fetch (write/read/stack/... outside and inside while loops, gradients, an RNN's gradients);
- three training steps of that RNN with Adam and with SGD: the losses and trained variables;
- the error class and message of each misuse, at run time and when building."""

import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tensor_array_programs as P  # noqa: E402

tf.disable_v2_behavior()


def values(program):
    with tf.Graph().as_default():
        fetches = program(tf)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run({k: v for k, v in fetches.items() if not k.endswith("flow")})
        return {k: {"name": v.name, "shape": P.shape_of(v), "dtype": v.dtype.name,
                    "value": None if k.endswith("flow") else np.asarray(got[k]).tolist()}
                for k, v in fetches.items()}


def shapes(program):
    with tf.Graph().as_default():
        return {k: {"name": v.name, "shape": P.shape_of(v)} for k, v in program(tf).items()}


def run_error(program):
    with tf.Graph().as_default():
        out = program(tf)
        fetch, feed = out if isinstance(out, tuple) else (out, None)
        with tf.Session() as sess:
            try:
                value = sess.run(fetch, feed)
            except tf.errors.OpError as e:
                # (the message alone: TF 2 adds where the node was defined, then "[[node]]")
                message = e.message.split("\n\t [[")[0].split("\n")[-1]
                return {"class": type(e).__name__, "message": message}
            return {"class": None, "value": np.asarray(value).tolist()}


def build_error(program):
    with tf.Graph().as_default():
        try:
            program(tf)
        except Exception as e:  # noqa: BLE001 - recording which class TF raises
            return {"class": type(e).__name__, "message": str(e)}
        return {"class": None}


def main():
    out = {"values": {k: values(p) for k, p in P.VALUE_PROGRAMS.items()},
           "shapes": {k: shapes(p) for k, p in P.SHAPE_PROGRAMS.items()},
           "training": {k: P.run_training(tf, k) for k in ("adam", "sgd")},
           "run_errors": {k: run_error(p) for k, p in P.RUN_ERRORS.items()},
           "build_errors": {k: build_error(p) for k, p in P.BUILD_ERRORS.items()}}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
