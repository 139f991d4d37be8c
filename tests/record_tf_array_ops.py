"""Records what TensorFlow 1.x (TF 2's compat.v1) does for the array-op programs of
tests/array_ops_programs.py, for tests/test_array_ops_tf1.py. TF is never a minitf
dependency; run it in a venv with TensorFlow:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_array_ops.py \
        > tests/fixtures/tf_array_ops.json
"""

import json
import os
import sys

import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from array_ops_programs import PROGRAMS, run_program  # noqa: E402
from record_tf_compat import Captured  # noqa: E402

tf.disable_v2_behavior()


def main():
    log = []
    tf.get_logger().addHandler(Captured(log))
    names = sys.argv[1:] or PROGRAMS
    print(json.dumps({name: run_program(tf, name, log) for name in names}, indent=1,
                     sort_keys=True))


if __name__ == "__main__":
    main()
