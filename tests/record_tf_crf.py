"""Records tests/crf_programs.py in TensorFlow for tests/test_crf.py. TF 1.15 (tf.contrib.crf)
does not install on this Python; TF Addons' tfa.text is its port (the same functions and
math), run in graph mode in a throwaway venv with TF 2.15 (never a minitf dependency):

    pip install tensorflow-cpu==2.15.1 tensorflow-addons==0.23.0
    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_crf.py > tests/fixtures/tf_crf.json
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Python put tests/ first on the path, where tests/keras would shadow the keras TF Addons imports
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]
from crf_programs import run_all  # noqa: E402

if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tensorflow_addons as tfa
    print(json.dumps(run_all(tf, tfa.text), sort_keys=True))
