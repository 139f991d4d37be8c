"""Records what TF 1.x's tf.contrib.training.HParams does with tests/hparams_programs.py into
tests/fixtures/tf_hparams.json, for tests/test_hparams.py. TF 1.15 does not install on this
Python; tensor2tensor 1.15.7 ships TF's hparam.py, forked "with minor changes" (the HParamDef
protocol buffer taken out), and that copy is the recording's source. Never a minitf dependency:

    pip download --no-deps tensor2tensor==1.15.7 -d /tmp/t2t
    cd /tmp/t2t && python -m zipfile -e tensor2tensor-1.15.7-py2.py3-none-any.whl .
    PYTHONPATH=/tmp/t2t python tests/record_hparams.py > tests/fixtures/tf_hparams.json

(it needs `six`, which any TensorFlow venv has.)
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hparams_programs import run_all  # noqa: E402

if __name__ == "__main__":
    from tensor2tensor.utils import hparam
    print(json.dumps(run_all(hparam), indent=1, sort_keys=True))
