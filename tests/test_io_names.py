"""Serialization, hashing and queue names (tf.make_tensor_proto, tf.serialize_tensor,
tf.serialize_sparse..., tf.decode_compressed, tf.fingerprint, tf.string_to_hash_bucket(_strong),
tf.timestamp, tf.PriorityQueue) against TF's recorded behaviour: tests/record_tf_io_names.py's
`record` runs here on minitf and each part is compared with TF's (tests/fixtures/
tf_io_names.json)."""

import json
import logging
import os

import pytest

import minitf as tf
from tests.record_tf_io_names import record

TF = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_io_names.json")))


@pytest.fixture(scope="module")
def ours():
    return record(tf)


@pytest.mark.parametrize("part", sorted(k for k in TF if k != "tf_version"))
def test_matches_tf(ours, part):
    if isinstance(TF[part], dict):
        for case in TF[part]:
            assert ours[part][case] == TF[part][case], case
    assert ours[part] == TF[part]


def test_get_logger_is_the_logger_minitf_warns_on():
    assert tf.get_logger() is logging.getLogger("minitf")


def test_build_time_errors():
    tf.reset_default_graph()
    with pytest.raises(ValueError, match="at least one dimension"):
        tf.fingerprint(tf.constant(1))
    with pytest.raises(ValueError, match="less than minimum 1"):
        tf.string_to_hash_bucket(["a"], 0)
    with pytest.raises(ValueError, match=r"must be a \[N, 3\] matrix"):
        tf.deserialize_many_sparse(tf.constant(["a", "b"]), tf.int64)
