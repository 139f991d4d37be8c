"""tf.train.generate_checkpoint_state_proto against TF 1.x (tests/fixtures/
tf_checkpoint_state_proto.json, written by tests/record_tf_checkpoint_state_proto.py), and
update_checkpoint_state writing that proto."""

import json
import os

import pytest
from google.protobuf import text_format

import minitf as tf

with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                       "tf_checkpoint_state_proto.json")) as f:
    TF = json.load(f)["cases"]

CASES = {
    "relative_dir": (["train", "train/model.ckpt-20", ["train/model.ckpt-10"]], {}),
    "absolute_dir": (["/tmp/run", "/tmp/run/model.ckpt-5", None], {}),
    "absolute_paths_in_relative_dir": (["train", "/abs/model.ckpt-3",
                                        ["/abs/model.ckpt-1", "train/model.ckpt-2"]], {}),
    "latest_already_last": (["d", "d/m-2", ["d/m-1", "d/m-2"]],
                            {"all_model_checkpoint_timestamps": [1.5, 2.5],
                             "last_preserved_timestamp": 0.5}),
    "timestamps_mismatch": (["d", "d/m-2", ["d/m-1"]],
                            {"all_model_checkpoint_timestamps": [1.0]}),
}


@pytest.mark.parametrize("case", sorted(TF))
def test_generate_checkpoint_state_proto_matches_tf(case):
    args, kwargs = CASES[case]
    if "ValueError" in TF[case]:
        with pytest.raises(ValueError) as e:
            tf.train.generate_checkpoint_state_proto(*args, **kwargs)
        assert str(e.value) == TF[case]["ValueError"]
    else:
        proto = tf.train.generate_checkpoint_state_proto(*args, **kwargs)
        assert text_format.MessageToString(proto) == TF[case]["text"]


def test_update_checkpoint_state_writes_the_generated_proto(tmp_path):
    save_dir = str(tmp_path)
    paths = [os.path.join(save_dir, "m-1")]
    tf.train.update_checkpoint_state(save_dir, os.path.join(save_dir, "m-2"), paths)
    want = tf.train.generate_checkpoint_state_proto(save_dir, os.path.join(save_dir, "m-2"),
                                                    paths)
    written = (tmp_path / "checkpoint").read_text()
    assert written == text_format.MessageToString(want)
    assert tf.train.get_checkpoint_state(save_dir).all_model_checkpoint_paths == \
        [os.path.join(save_dir, "m-1"), os.path.join(save_dir, "m-2")]
