"""tf.contrib.training.HParams and parse_values against TF 1.x's own (the copy tensor2tensor
1.15.7 ships; tests/record_hparams.py -> tests/fixtures/tf_hparams.json): values, parsing,
casts, JSON and every error, message included."""

import json
import os

import pytest

import minitf as tf
from tests import hparams_programs as programs

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_hparams.json")) as f:
    RECORDED = json.load(f)


@pytest.mark.parametrize("name", sorted(programs.PROGRAMS))
def test_as_tf(name):
    assert programs.run(tf.contrib.training, name) == RECORDED[name]


def test_a_flag_string_overrides_defaults_as_in_a_tf1_program():
    hparams = tf.contrib.training.HParams(learning_rate=0.01, hidden=[128, 64], optimizer="adam")
    hparams.parse("learning_rate=0.1,hidden=[256,128,64]")
    assert (hparams.learning_rate, hparams.hidden, hparams.optimizer) == \
        (0.1, [256, 128, 64], "adam")
    again = tf.contrib.training.HParams(learning_rate=0.0, hidden=[1], optimizer="")
    assert again.parse_json(hparams.to_json()).values() == hparams.values()


def test_no_hparam_def_protocol_buffer():
    with pytest.raises(ValueError, match="no HParamDef"):
        tf.contrib.training.HParams(hparam_def=object())
