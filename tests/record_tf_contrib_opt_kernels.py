"""Records TensorFlow's update kernels behind tf.contrib.opt's NadamOptimizer (ApplyAdam with
use_nesterov), AdaMaxOptimizer (ApplyAdaMax), PowerSignOptimizer (ApplyPowerSign) and
AddSignOptimizer (ApplyAddSign) for tests/test_contrib_opt_more.py. TF 2.x has no contrib, but
its raw ops are TF 1.15's kernels (TF is never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_contrib_opt_kernels.py > \
        tests/fixtures/tf_contrib_opt_kernels.json

For each kernel: three updates of exact inputs (tests/train/test_optimizers.py's
_exact_inputs, with some zero gradients, so that sign(0) shows), the SHA-256 of the variable
and slots after each, and every 32nd value."""

import hashlib
import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contrib_opt_kernel_cases import CASES, STEPS, inputs  # noqa: E402

tf.disable_v2_behavior()


def sha(arrays):
    return hashlib.sha256(b"".join(np.asarray(a).tobytes() for a in arrays)).hexdigest()


def run(name):
    op_type, attrs, states, steps = inputs(name)
    out = []
    with tf.Graph().as_default():
        variables = [tf.Variable(s, use_resource=False) for s in states]
        slot_names = CASES[name][2]
        feeds = {}
        ops = []
        for scalars, grad in steps:
            kwargs = {"var": variables[0]._ref(), "grad": grad, **attrs}
            kwargs.update({k: v._ref() for k, v in zip(slot_names, variables[1:])})
            kwargs.update({k: np.float32(x) for k, x in scalars.items()})
            ops.append(getattr(tf.raw_ops, op_type)(**kwargs))
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            for op in ops:
                s.run(op, feeds)
                got = s.run(variables)
                out.append([sha(got)] + [a[::32].tolist() for a in got])
    return out


if __name__ == "__main__":
    assert STEPS == 3
    print(json.dumps({name: run(name) for name in CASES}, sort_keys=True))
