"""Records tests/contrib_image_programs.py in TensorFlow for tests/test_contrib_image.py.
TF 1.15's tf.contrib.image does not install on this Python; TF Addons' tfa.image is its port
(the same transforms, the same op's kernel with a zero fill, the same gradient), run in graph
mode in a throwaway venv with TF 2.15 (never a minitf dependency):

    pip install tensorflow-cpu==2.15.1 tensorflow-addons==0.23.0
    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_contrib_image.py \
        > tests/fixtures/tf_contrib_image.json
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Python put tests/ first on the path, where tests/keras would shadow the keras TF Addons imports
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]
from contrib_image_programs import run_all  # noqa: E402

if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tensorflow_addons as tfa
    from tensorflow_addons.image import transform_ops
    tfa.image.flat_transforms_to_matrices = transform_ops.flat_transforms_to_matrices
    print(json.dumps(run_all(tf, tfa.image)))
