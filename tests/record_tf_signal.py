"""Records what TensorFlow 1.x (TF 2's compat.v1) gives for tests/signal_programs.py (frame,
overlap_and_add, windows, stft / inverse_stft, the mel matrix, MFCCs, dct / idct, their
gradients and error classes), for tests/test_signal.py. TF is never a minitf dependency:

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_signal.py \\
        > tests/fixtures/tf_signal.json
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.recording import short  # noqa: E402
from tests.signal_programs import run_all  # noqa: E402

if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    print(json.dumps(short(run_all(tf)), sort_keys=True))
