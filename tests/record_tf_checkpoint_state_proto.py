"""Records TF 1.x's tf.train.generate_checkpoint_state_proto for a few save_dir / path cases,
into tests/fixtures/tf_checkpoint_state_proto.json (for tests/train/test_checkpoint_state_proto.py).
Run with a Python that has TensorFlow: python tests/record_tf_checkpoint_state_proto.py"""

import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow.compat.v1 as tf  # noqa: E402
from google.protobuf import text_format  # noqa: E402

tf.disable_v2_behavior()

CASES = [
    ("relative_dir", ["train", "train/model.ckpt-20", ["train/model.ckpt-10"]], {}),
    ("absolute_dir", ["/tmp/run", "/tmp/run/model.ckpt-5", None], {}),
    ("absolute_paths_in_relative_dir", ["train", "/abs/model.ckpt-3",
                                        ["/abs/model.ckpt-1", "train/model.ckpt-2"]], {}),
    ("latest_already_last", ["d", "d/m-2", ["d/m-1", "d/m-2"]],
     {"all_model_checkpoint_timestamps": [1.5, 2.5], "last_preserved_timestamp": 0.5}),
    ("timestamps_mismatch", ["d", "d/m-2", ["d/m-1"]],
     {"all_model_checkpoint_timestamps": [1.0]}),
]


def record():
    out = {}
    for name, args, kwargs in CASES:
        try:
            proto = tf.train.generate_checkpoint_state_proto(*args, **kwargs)
            out[name] = {"text": text_format.MessageToString(proto)}
        except ValueError as e:
            out[name] = {"ValueError": str(e)}
    return out


if __name__ == "__main__":
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                        "tf_checkpoint_state_proto.json")
    with open(path, "w") as f:
        json.dump({"tf_version": tf.__version__, "cases": record()}, f, indent=1, sort_keys=True)
    print("wrote", path)
