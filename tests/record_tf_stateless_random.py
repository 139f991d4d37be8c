"""Records TensorFlow 2.21's stateless random draws (tf.compat.v1), for
tests/test_stateless_random.py (TF is never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_stateless_random.py

writes tests/fixtures/tf_stateless_random.npz (draw i's values as array "i", TF's bytes) and
tests/fixtures/tf_stateless_random.json:

- "draws": for each case its function and keyword arguments, and the SHA-256 of its bytes;
- "key_counter": StatelessRandomGetKeyCounter's key and counter for several seeds;
- "v1_graph": a GraphDef (hex) of TF 1.x's ops (StatelessRandomUniform, ...Int, ...Normal,
  StatelessTruncatedNormal, the seed an input), the fetched tensors and their bytes (hex);
- "graphs": the op names and types each public function adds, and its output's name;
- "errors": the exception class and message of misuses."""

import hashlib
import json
import os

import sys

import numpy as np
import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stateless_programs import build_errors, graph_outputs, run_errors  # noqa: E402

tf.disable_v2_behavior()

SEEDS = [[0, 0], [1, 2], [-1, 7], [2 ** 31 - 1, -2 ** 31], [123456789, 42]]
SEEDS64 = [[2 ** 40 + 3, -5], [-2 ** 62, 2 ** 33]]
SHAPES = [[], [1], [3], [4], [5], [2, 3], [7, 9], [2, 3, 4]]
BIG = [[600], [9, 41]]


def cases():
    """(function name, kwargs) pairs; every argument is JSON so the test rebuilds the call."""
    out = []
    for seed in SEEDS:
        for shape in SHAPES:
            out.append(("stateless_uniform", dict(shape=shape, seed=seed)))
            out.append(("stateless_normal", dict(shape=shape, seed=seed)))
            out.append(("stateless_truncated_normal", dict(shape=shape, seed=seed)))
    for seed in SEEDS[:3] + SEEDS64:
        for dtype in ("float16", "float32", "float64"):
            for shape in ([5], [2, 3], [6]) + tuple(BIG):
                for fn in ("stateless_uniform", "stateless_normal", "stateless_truncated_normal"):
                    out.append((fn, dict(shape=shape, seed=seed, dtype=dtype)))
        out.append(("stateless_uniform", dict(shape=[3, 4], seed=seed, minval=-2.5, maxval=4.0)))
        out.append(("stateless_normal", dict(shape=[3, 4], seed=seed, mean=1.5, stddev=0.25,
                                             dtype="float64")))
        out.append(("stateless_truncated_normal", dict(shape=[9], seed=seed, mean=-3.0,
                                                       stddev=2.0)))
        for dtype, lo, hi in (("int32", 0, 10), ("int32", -5, 17), ("int32", -2 ** 31, 2 ** 31 - 1),
                              ("int64", 0, 10), ("int64", -2 ** 40, 2 ** 40 + 3),
                              ("int64", -2 ** 63, 2 ** 63 - 1)):
            for shape in ([7], [2, 5], [300]):
                out.append(("stateless_uniform", dict(shape=shape, seed=seed, minval=lo, maxval=hi,
                                                      dtype=dtype)))
        for dtype in ("int32", "int64", "uint32", "uint64"):
            for shape in ([7], [3, 3]):
                out.append(("stateless_uniform", dict(shape=shape, seed=seed, minval=None,
                                                      maxval=None, dtype=dtype)))
        logits = [[0.0, 1.0, 2.0, -1.0], [5.0, 5.0, 0.0, -np.inf], [-3.0, 0.5, 0.25, 0.0]]
        for n in (1, 5, 8):
            out.append(("stateless_categorical", dict(logits=logits, num_samples=n, seed=seed)))
        out.append(("stateless_categorical", dict(logits=[[0.1] * 7] * 2, num_samples=9,
                                                  seed=seed, dtype="int32")))
        out.append(("stateless_multinomial", dict(logits=np.log([[0.25, 0.75]]).tolist(),
                                                  num_samples=6, seed=seed,
                                                  output_dtype="int32")))
        out.append(("stateless_categorical", dict(logits=np.array([[0.5, -1.5, 2.0]], "float64")
                                                  .tolist(), num_samples=4, seed=seed,
                                                  logits_dtype="float64")))
    return out


def call(name, kwargs):
    kwargs = dict(kwargs)
    if "logits_dtype" in kwargs:
        kwargs["logits"] = tf.constant(kwargs["logits"], kwargs.pop("logits_dtype"))
    if "seed" in kwargs and max(abs(s) for s in kwargs["seed"]) >= 2 ** 31:
        kwargs["seed"] = tf.constant(kwargs["seed"], tf.int64)
    return getattr(tf.random, name)(**kwargs)


def draws():
    out = []
    with tf.Graph().as_default():
        tensors = [call(name, kwargs) for name, kwargs in cases()]
        with tf.Session() as sess:
            values = sess.run(tensors)
    for (name, kwargs), value in zip(cases(), values):
        out.append({"fn": name, "kwargs": kwargs,
                    "sha256": hashlib.sha256(value.tobytes()).hexdigest()})
    return out, values


def key_counter():
    out = []
    with tf.Graph().as_default():
        got = []
        for seed in SEEDS + SEEDS64:
            dtype = tf.int64 if max(abs(s) for s in seed) >= 2 ** 31 else tf.int32
            got.append(tf.raw_ops.StatelessRandomGetKeyCounter(seed=tf.constant(seed, dtype)))
        with tf.Session() as sess:
            for seed, (key, counter) in zip(SEEDS + SEEDS64, sess.run(got)):
                out.append({"seed": seed, "key": [int(k) for k in key],
                            "counter": [int(c) for c in counter]})
    return out


def v1_graph():
    g = tf.Graph()
    with g.as_default():
        seed32 = tf.constant([7, -3], tf.int32, name="seed32")
        seed64 = tf.constant([2 ** 40, 5], tf.int64, name="seed64")
        raw = tf.raw_ops
        outs = [raw.StatelessRandomUniform(shape=[3, 5], seed=seed32, dtype=tf.float32),
                raw.StatelessRandomUniform(shape=tf.constant([7], tf.int64), seed=seed64,
                                           dtype=tf.float64),
                raw.StatelessRandomUniform(shape=[9], seed=seed32, dtype=tf.float16),
                raw.StatelessRandomUniformInt(shape=[11], seed=seed64, minval=-4, maxval=13),
                raw.StatelessRandomUniformInt(shape=[6], seed=seed32,
                                              minval=tf.constant(-2 ** 40, tf.int64),
                                              maxval=tf.constant(2 ** 41, tf.int64)),
                raw.StatelessRandomNormal(shape=[9], seed=seed32, dtype=tf.float16),
                raw.StatelessRandomNormal(shape=[13], seed=seed64, dtype=tf.float64),
                raw.StatelessTruncatedNormal(shape=[10], seed=seed32, dtype=tf.float16)]
        with tf.Session() as sess:
            values = sess.run(outs)
    return {"graph_def": g.as_graph_def().SerializeToString().hex(),
            "fetches": [t.name for t in outs],
            "values": [[v.dtype.name, list(v.shape), v.tobytes().hex()] for v in values]}


def graphs():
    out = {}
    g = tf.Graph()
    with g.as_default():
        outs = graph_outputs(tf)
        out["ops"] = [[op.name, op.type] for op in g.get_operations()]
        out["outputs"] = [[t.name, t.dtype.name, t.shape.as_list()] for t in outs]
        logits = tf.placeholder(tf.float32, [None, 3])
        mean = tf.placeholder(tf.float32, [])
        samples = tf.random.stateless_categorical(logits, 4, seed=[5, 6])
        normal = tf.random.stateless_normal([3], seed=[5, 6], mean=mean)
        grads = tf.gradients(tf.cast(samples, tf.float32), logits)
        grads_normal = tf.gradients(normal, mean)
        out["grad_categorical"] = [g is None for g in grads]
        with tf.Session() as sess:
            out["grad_normal_mean"] = float(sess.run(grads_normal[0], {mean: 0.0}))
    return out


def errors():
    out = {}
    for key, fn in build_errors(tf).items():
        try:
            with tf.Graph().as_default():
                fn()
            out[key] = None
        except Exception as e:  # noqa: BLE001 - the class and message are recorded
            out[key] = [type(e).__name__, str(e)]
    for key, fn in run_errors(tf).items():
        try:
            with tf.Graph().as_default():
                t = fn()
                with tf.Session() as sess:
                    sess.run(t)
            out[key] = None
        except Exception as e:  # noqa: BLE001
            # the kernel's message: the line after "Node: '...'"
            lines = e.message.split("\n")
            out[key] = [type(e).__name__, lines[[l.startswith("Node:") for l in lines].index(True)
                                                 + 1]]
    return out


if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
    listed, arrays = draws()
    np.savez_compressed(os.path.join(here, "tf_stateless_random.npz"),
                        **{str(i): a for i, a in enumerate(arrays)})
    with open(os.path.join(here, "tf_stateless_random.json"), "w") as f:
        json.dump({"draws": listed, "key_counter": key_counter(), "v1_graph": v1_graph(),
                   "graphs": graphs(),
                   "errors": errors()}, f, indent=0, sort_keys=True)
