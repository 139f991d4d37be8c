"""Records what TensorFlow's AdagradDA does, for tests/train/test_adagrad_da.py (TF is never a
minitf dependency; run this in a throwaway venv with tensorflow-cpu):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_adagrad_da.py > tests/fixtures/tf_adagrad_da.json

- the SHA-256 and every 16th value of the variable and both accumulators after one
  ApplyAdagradDA on exact inputs (record_tf_ftrl.py's), with and without L1;
- tests/optimizer_programs.py's ADAGRAD_DA_PROGRAMS: names and five steps, dense, sparse rows
  and a sparse vector (TF's three kernels);
- the ValueError of a non-positive initial accumulator."""

import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from optimizer_programs import ADAGRAD_DA_PROGRAMS, adagrad_da_program  # noqa: E402
from record_tf_ftrl import exact_inputs, sha  # noqa: E402

KERNELS = {  # name: (lr, l1, l2, global step)
    "l1_l2": (0.1, 0.01, 0.02, 7),
    "no_l1": (0.05, 0.0, 0.3, 3),
}


def kernels():
    out = {}
    for name, (lr, l1, l2, step) in KERNELS.items():
        var, a, b, grad = exact_inputs()
        f = np.float32
        with tf.Graph().as_default():
            states = [tf.Variable(var), tf.Variable(a), tf.Variable(b + f(0.1))]
            op = tf.raw_ops.ApplyAdagradDA(
                var=states[0]._ref(), gradient_accumulator=states[1]._ref(),
                gradient_squared_accumulator=states[2]._ref(), grad=grad, lr=f(lr), l1=f(l1),
                l2=f(l2), global_step=np.int64(step))
            with tf.Session() as s:
                s.run(tf.global_variables_initializer())
                s.run(op)
                got = s.run(states)
                out[name] = [sha(got)] + [x[::16].tolist() for x in got]
    return out


def errors():
    out = {}
    for value in (0.0, -1.0):
        try:
            tf.train.AdagradDAOptimizer(0.1, None,
                                        initial_gradient_squared_accumulator_value=value)
            out[str(value)] = None
        except Exception as e:  # noqa: BLE001 - the class and message are recorded
            out[str(value)] = [type(e).__name__, str(e)]
    return out


if __name__ == "__main__":
    print(json.dumps({"kernels": kernels(),
                      "programs": {k: adagrad_da_program(tf, kw)
                                   for k, kw in ADAGRAD_DA_PROGRAMS.items()},
                      "errors": errors()}, indent=1, sort_keys=True))
