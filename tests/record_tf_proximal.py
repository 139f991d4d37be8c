"""Records what TensorFlow's proximal optimizers do, for tests/train/test_proximal.py (TF is
never a minitf dependency; run this in a throwaway venv with tensorflow-cpu):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_proximal.py > tests/fixtures/tf_proximal.json

- the SHA-256 and every 16th value of the variable (and accumulator) after one
  ApplyProximalGradientDescent / ApplyProximalAdagrad on exact inputs (record_tf_ftrl.py's);
- tests/optimizer_programs.py's PROXIMAL_PROGRAMS: slot and update names, five steps' losses and
  the values, dense and sparse;
- the ValueError of a non-positive initial accumulator."""

import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optimizer_programs import PROXIMAL_PROGRAMS, program  # noqa: E402
from record_tf_ftrl import exact_inputs, sha  # noqa: E402

KERNELS = {  # name: (op, lr, l1, l2)
    "pgd": ("ProximalGradientDescent", 0.1, 0.01, 0.02),
    "pgd_no_l1": ("ProximalGradientDescent", 0.1, 0.0, 0.02),
    "padagrad": ("ProximalAdagrad", 0.1, 0.01, 0.02),
    "padagrad_no_l1": ("ProximalAdagrad", 0.05, 0.0, 0.3),
}


def kernels():
    out = {}
    for name, (kind, lr, l1, l2) in KERNELS.items():
        var, _, b, grad = exact_inputs()
        f = np.float32
        with tf.Graph().as_default():
            states = [tf.Variable(var)]
            if kind == "ProximalGradientDescent":
                op = tf.raw_ops.ApplyProximalGradientDescent(
                    var=states[0]._ref(), alpha=f(lr), l1=f(l1), l2=f(l2), delta=grad)
            else:
                states.append(tf.Variable(b + f(0.1)))
                op = tf.raw_ops.ApplyProximalAdagrad(
                    var=states[0]._ref(), accum=states[1]._ref(), lr=f(lr), l1=f(l1),
                    l2=f(l2), grad=grad)
            with tf.Session() as s:
                s.run(tf.global_variables_initializer())
                s.run(op)
                got = s.run(states)
                out[name] = [sha(got)] + [a[::16].tolist() for a in got]
    return out


def errors():
    out = {}
    for value in (0.0, -1.0):
        try:
            tf.train.ProximalAdagradOptimizer(0.1, initial_accumulator_value=value)
            out[str(value)] = None
        except Exception as e:  # noqa: BLE001 - the class and message are recorded
            out[str(value)] = [type(e).__name__, str(e)]
    return out


if __name__ == "__main__":
    print(json.dumps({"kernels": kernels(),
                      "programs": {k: program(tf, kw, o)
                                   for k, (o, kw) in PROXIMAL_PROGRAMS.items()},
                      "errors": errors()}, indent=1, sort_keys=True))
