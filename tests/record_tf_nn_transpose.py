"""Records what TensorFlow 1.x (TF 2's compat.v1) gives for tests/nn_transpose_programs.py, for
tests/test_nn_transpose.py. TF is never a minitf dependency; run in a venv with it:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_nn_transpose.py \
        > tests/fixtures/tf_nn_transpose.json
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn_transpose_programs import run_all  # noqa: E402
from recording import short  # noqa: E402


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    print(json.dumps(short(run_all(tf)), sort_keys=True))
