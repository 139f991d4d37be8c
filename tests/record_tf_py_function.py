"""Records what TF 2.21 compat.v1 does with tests/py_function_programs.py (tf.py_function, the
EagerPyFunc op) for tests/test_py_function.py. TF is never a minitf dependency:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_py_function.py \
        > tests/fixtures/tf_py_function.json
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from py_function_programs import run_all  # noqa: E402

if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    print(json.dumps(run_all(tf), indent=1, sort_keys=True))
