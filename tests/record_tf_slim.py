"""Records what TF-Slim does, for tests/test_slim.py: tf_slim's layers are TF 1.15's
tf.contrib.layers and its arg_scope and variables are contrib.framework's. TF is never a minitf
dependency; run this where tensorflow and tf_slim are installed (with TF_USE_LEGACY_KERAS=1):

    TF_CPP_MIN_LOG_LEVEL=3 TF_USE_LEGACY_KERAS=1 python tests/record_tf_slim.py \
        > tests/fixtures/tf_slim.json

The programs are tests/slim_programs.py: a classic arg_scope CNN (test and training mode),
every layer function on its own, contrib.framework's helpers, and the errors of misuse; with
every variable set to values made from its name, so the outputs are comparable."""

import json
import os
import sys
import tempfile
import types

import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recording import short  # noqa: E402
import slim_programs  # noqa: E402

tf.disable_v2_behavior()
# tf_slim's batch_norm imports TF's legacy layers from tf_keras.legacy_tf_layers, which recent
# tf_keras keeps under tf_keras.src: point the old name at it.
import tf_keras.src.legacy_tf_layers.normalization as _normalization  # noqa: E402
sys.modules.setdefault("tf_keras.legacy_tf_layers", types.ModuleType("tf_keras.legacy_tf_layers"))
sys.modules["tf_keras.legacy_tf_layers.normalization"] = _normalization
from tensorflow.python.framework import ops as _ops  # noqa: E402
for _name in ("Tensor", "IndexedSlices"):  # names tf_slim takes from ops, gone in TF 2.21
    if not hasattr(_ops, _name):
        setattr(_ops, _name, getattr(tf, _name))
from tensorflow.python.ops import variable_scope as _variable_scope  # noqa: E402
if not hasattr(_variable_scope, "variable"):  # tf_slim's local_variable calls it
    _variable_scope.variable = tf.Variable
import tf_slim as slim  # noqa: E402


def main():
    out = {"cnn": {"test": slim_programs.cnn(tf, slim, False),
                   "train": slim_programs.cnn(tf, slim, True)},
           "layers": {name: slim_programs.layer(tf, slim, name)
                      for name in slim_programs.layer_cases(tf, slim)},
           "errors": {name: slim_programs.error(tf, slim, name)
                      for name in slim_programs.ERRORS},
           "framework": slim_programs.framework(tf, slim),
           "losses": slim_programs.losses(tf, slim),
           "create_train_op": slim_programs.create_train_op(tf, slim),
           "optimize_loss": slim_programs.optimize_loss(tf, slim),
           "metrics": slim_programs.metrics(tf, slim)}
    with tempfile.TemporaryDirectory() as logdir:
        out["learning_train"] = slim_programs.learning_train(tf, slim, logdir)
    with tempfile.TemporaryDirectory() as logdir:
        out["evaluation"] = slim_programs.evaluation(tf, slim, logdir)
    json.dump(short(out), sys.stdout, indent=None, sort_keys=True)


if __name__ == "__main__":
    main()
