"""Records what TensorFlow 1.x (TF 2's compat.v1) gives for tests/metrics_programs.py, for
tests/test_metrics.py. TF is never a minitf dependency:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_metrics.py \
        > tests/fixtures/tf_metrics.json
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics_programs import run_all  # noqa: E402

if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    print(json.dumps(run_all(tf), sort_keys=True))
