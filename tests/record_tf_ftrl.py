"""Records what TensorFlow's FTRL does, for tests/train/test_ftrl.py (TF is never a minitf
dependency; run this in a throwaway venv with tensorflow-cpu):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_ftrl.py > tests/fixtures/tf_ftrl.json

- the SHA-256 of the variable, accum and linear after one ApplyFtrl / ApplyFtrlV2 on exact
  inputs (tests/train/test_optimizers.py's _exact_inputs), and every 16th value, for lr_power
  -0.5 and others;
- tf.train.FtrlOptimizer's slot and op names, and five steps of a small problem (dense and
  through an embedding lookup, so the sparse kernels run with repeated ids), values as lists;
- the ValueErrors its constructor raises."""

import hashlib
import json

import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optimizer_programs import PROGRAMS, program  # noqa: E402

tf.disable_v2_behavior()


def exact_inputs(n=4096):
    i = np.arange(n, dtype=np.float64)
    var, a, b, grad = [((i * k) % m - m / 2).astype(np.float32) / np.float32(c) for k, m, c in
                       ((7, 97, 13), (11, 89, 170), (13, 83, 9000), (17, 79, 5))]
    return var, a, np.abs(b), grad


def sha(arrays):
    return hashlib.sha256(b"".join(np.asarray(a).tobytes() for a in arrays)).hexdigest()


KERNELS = {  # name: (lr, l1, l2, l2_shrinkage or None, lr_power)
    "ftrl": (0.1, 0.001, 0.01, None, -0.5),
    "ftrl_power": (0.1, 0.001, 0.01, None, -0.7),
    "ftrl_no_l1": (0.05, 0.0, 0.0, None, -0.5),
    "ftrl_v2": (0.1, 0.001, 0.01, 0.02, -0.5),
    "ftrl_v2_power": (0.1, 0.001, 0.01, 0.02, -0.3),
}


def kernels():
    out = {}
    for name, (lr, l1, l2, shrink, power) in KERNELS.items():
        var, a, b, grad = exact_inputs()
        with tf.Graph().as_default():
            v = tf.Variable(var)
            accum = tf.Variable(b + np.float32(0.1))
            linear = tf.Variable(a)
            f = np.float32
            if shrink is None:
                op = tf.raw_ops.ApplyFtrl(var=v._ref(), accum=accum._ref(), linear=linear._ref(),
                                          grad=grad, lr=f(lr), l1=f(l1), l2=f(l2),
                                          lr_power=f(power))
            else:
                op = tf.raw_ops.ApplyFtrlV2(var=v._ref(), accum=accum._ref(),
                                            linear=linear._ref(), grad=grad, lr=f(lr), l1=f(l1),
                                            l2=f(l2), l2_shrinkage=f(shrink), lr_power=f(power))
            with tf.Session() as s:
                s.run(tf.global_variables_initializer())
                s.run(op)
                got = s.run([v, accum, linear])
                # the bits, and every 16th value (Eigen's pow is not numpy's: other powers
                # are compared to a tolerance)
                out[name] = [sha(got)] + [a[::16].tolist() for a in got]
    return out


def errors():
    out = {}
    for key, kwargs in {"negative_accum": dict(initial_accumulator_value=-0.1),
                        "positive_power": dict(learning_rate_power=0.5),
                        "negative_l1": dict(l1_regularization_strength=-1.0),
                        "negative_l2": dict(l2_regularization_strength=-1.0),
                        "negative_shrinkage": dict(l2_shrinkage_regularization_strength=-1.0)
                        }.items():
        try:
            tf.train.FtrlOptimizer(0.1, **kwargs)
            out[key] = None
        except Exception as e:  # noqa: BLE001 - the class and message are recorded
            out[key] = [type(e).__name__, str(e)]
    return out


if __name__ == "__main__":
    print(json.dumps({"kernels": kernels(),
                      "programs": {k: program(tf, v) for k, v in PROGRAMS.items()},
                      "errors": errors()}, indent=1, sort_keys=True))
