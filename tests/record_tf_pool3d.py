"""Records what TensorFlow 1.x (TF 2's compat.v1, with tf_keras for tf.layers) gives for
tests/pool3d_programs.py, for tests/test_pool3d.py. TF is never a minitf dependency:

    TF_USE_LEGACY_KERAS=1 TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python \
        tests/record_tf_pool3d.py > tests/fixtures/tf_pool3d.json
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pool3d_programs import run_all  # noqa: E402



def short(value):
    """Float32 results written in float32's shortest digits (half the fixture's size)."""
    if isinstance(value, float):
        return float(str(np.float32(value)))
    if isinstance(value, list):
        return [short(v) for v in value]
    if isinstance(value, dict):
        return {k: short(v) for k, v in value.items()}
    return value


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    print(json.dumps(short(run_all(tf)), sort_keys=True))
