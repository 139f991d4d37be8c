"""Records tests/contrib_layers_programs.py with TF-Slim (TF 1.15's tf.contrib.layers code on
TF's compat.v1), and tf_slim.training's create_train_op (TF 1.15's contrib.training one),
for tests/test_contrib_layers_more.py. TF is never a minitf dependency; run this
where tensorflow and tf_slim are installed:

    TF_CPP_MIN_LOG_LEVEL=3 TF_USE_LEGACY_KERAS=1 python tests/record_tf_contrib_layers.py \
        > tests/fixtures/tf_contrib_layers.json
"""

import json
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record_tf_slim  # noqa: E402  (imports tf_slim with the patches it needs on TF 2.x)
from recording import short  # noqa: E402
import contrib_layers_programs as programs  # noqa: E402

tf, slim = record_tf_slim.tf, record_tf_slim.slim
# contrib.layers' names: tf_slim keeps some at its top level, others in tf_slim.layers only
LAYERS = types.SimpleNamespace(**{**vars(slim.layers), **{n: getattr(slim, n) for n in dir(slim)
                                                          if not n.startswith("_")}})

from tf_slim.training import training as TRAINING  # noqa: E402  (contrib.training's)

if __name__ == "__main__":
    out = {name: programs.run_case(tf, LAYERS, name) for name in programs.case_names()}
    out["create_train_op"] = programs.create_train_op(tf, TRAINING)
    json.dump(short(out), sys.stdout, indent=None, sort_keys=True)
