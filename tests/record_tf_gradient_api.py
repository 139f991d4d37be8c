"""Records what TensorFlow does with tests/gradient_api_programs.py (tf.RegisterGradient and
Graph.gradient_override_map, tf.NotDifferentiable, tf.custom_gradient, tf.make_template,
tf.hessians) into tests/fixtures/tf_gradient_api.json, for tests/test_gradient_api.py. TF is
never a minitf dependency; run this in a venv with TensorFlow:

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_gradient_api.py
"""

import json
import os
import sys

import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gradient_api_programs import PROGRAMS  # noqa: E402

tf.disable_v2_behavior()
tf.disable_resource_variables()  # TF1's reference variables, as minitf's


def main():
    out = {"version": tf.__version__}
    for name, program in PROGRAMS.items():
        out[name] = program(tf)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                        "tf_gradient_api.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
