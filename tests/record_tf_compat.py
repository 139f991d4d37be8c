"""Records what TensorFlow 1.x (TF 2's compat.v1) does for the TF1 aliases and composites of
tests/tf1_compat_programs.py, for tests/test_tf1_compat.py. TF is never a minitf dependency;
run it in a venv with TensorFlow:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_compat.py \
        > tests/fixtures/tf_compat.json
"""

import json
import logging
import os
import sys

import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tf1_compat_programs import PROGRAMS, run_program  # noqa: E402

tf.disable_v2_behavior()


class Captured(logging.Handler):
    def __init__(self, log):
        super().__init__()
        self.log = log

    def emit(self, record):
        self.log.append(record.getMessage())


def main():
    log = []
    tf.get_logger().addHandler(Captured(log))
    out = {name: run_program(tf, name, log) for name in PROGRAMS}
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
