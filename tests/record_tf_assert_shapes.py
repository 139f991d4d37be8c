"""Records what TF 2.21's compat.v1 does with tests/assert_shapes_programs.py, for
tests/test_assert_shapes.py. TF is never a minitf dependency:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_assert_shapes.py \
        > tests/fixtures/tf_assert_shapes.json
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from assert_shapes_programs import run_all  # noqa: E402

if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    print(json.dumps(run_all(tf), indent=1, sort_keys=True))
