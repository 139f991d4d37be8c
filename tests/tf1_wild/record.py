"""Records what TensorFlow gives for one group of the corpus: run from the repository root in a
venv with TensorFlow (`python tests/tf1_wild/record.py core`); writes
tests/tf1_wild/recorded_<group>.py. TensorFlow is imported only here."""

import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.tf1_parity_programs import recorded_literal  # noqa: E402
from tests.tf1_wild.runner import run_program  # noqa: E402


def main(group):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    module = importlib.import_module("tests.tf1_wild.programs_" + group)
    parts = ['"""What TensorFlow %s (tensorflow.compat.v1) gave for tests/tf1_wild/programs_%s.py;'
             % (tf.__version__ if hasattr(tf, "__version__") else "?", group),
             'written by tests/tf1_wild/record.py, not by hand."""', "", "RECORDED = {}"]
    for program in module.PROGRAMS:
        parts.append("\n" + recorded_literal(program.__name__, run_program(tf, program)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "recorded_%s.py" % group)
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main(sys.argv[1])
