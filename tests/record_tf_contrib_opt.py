"""Records tests/contrib_opt_programs.py in TensorFlow for tests/test_contrib_opt.py. TF 1.15's
tf.contrib.opt does not install on this Python; TF Addons ports its AdamW (AdamWOptimizer),
SGDW (MomentumWOptimizer) and LazyAdam with the same update rules, run here in graph mode in a
throwaway venv with TF 2.15 (never a minitf dependency); tests/contrib_opt_programs.py says why
only LazyAdam's runs are kept:

    pip install tensorflow-cpu==2.15.1 tensorflow-addons==0.23.0
    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_contrib_opt.py > \
        tests/fixtures/tf_contrib_opt.json
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Python put tests/ first on the path, where tests/keras would shadow the keras TF Addons imports
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE] + [HERE]
from contrib_opt_programs import KINDS, train  # noqa: E402


def main():
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    import tensorflow_addons as tfa
    makers = {
        "adamw": lambda: tfa.optimizers.AdamW(weight_decay=0.1, learning_rate=0.05),
        "adamw_decay_list": lambda: tfa.optimizers.AdamW(weight_decay=0.1, learning_rate=0.05),
        "momentumw": lambda: tfa.optimizers.SGDW(weight_decay=0.05, learning_rate=0.1,
                                                 momentum=0.9),
        "momentumw_nesterov": lambda: tfa.optimizers.SGDW(weight_decay=0.05, learning_rate=0.1,
                                                          momentum=0.9, nesterov=True),
        "lazyadam": lambda: tfa.optimizers.LazyAdam(learning_rate=0.05),
    }

    def minimize(kind):
        def run(optimizer, loss, variables):
            pairs = list(zip(tf.gradients(loss, variables), variables))
            if kind == "adamw_decay_list":  # decay the dense weights only
                return optimizer.apply_gradients(pairs, decay_var_list=variables[1:])
            return optimizer.apply_gradients(pairs)
        return run
    print(json.dumps({"%s %s" % (kind, "sparse" if sparse else "dense"):
                      train(tf, makers[kind], minimize(kind), sparse) for kind, sparse in KINDS}))


if __name__ == "__main__":
    main()
