"""Records what TF 1.15-style tf.data does with the programs of tests/data/tfdata_programs.py
(TF 2.21 compat.v1 in graph mode), for tests/data/test_tfdata_more.py:

    TF_CPP_MIN_LOG_LEVEL=3 python tests/data/record_tf_tfdata.py > tests/fixtures/tf_tfdata.json
"""

import json
import os
import sys
import tempfile

import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tfdata_programs as programs  # noqa: E402

tf.disable_v2_behavior()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = {"datasets": {k: programs.run_dataset(tf, p)
                            for k, p in programs.dataset_programs(tmp).items()},
               "tensors": {k: programs.run_tensor(tf, p)
                           for k, p in programs.tensor_programs().items()},
               "options": programs.options_record(tf),
               "window_types": programs.window_types(tf)}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
