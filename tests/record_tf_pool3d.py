"""Records what TensorFlow 1.x (TF 2's compat.v1, with tf_keras for tf.layers) gives for
tests/pool3d_programs.py, for tests/test_pool3d.py. TF is never a minitf dependency:

    TF_USE_LEGACY_KERAS=1 TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python \
        tests/record_tf_pool3d.py > tests/fixtures/tf_pool3d.json
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pool3d_programs import run_all  # noqa: E402
from recording import short  # noqa: E402

if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    print(json.dumps(short(run_all(tf)), sort_keys=True))
