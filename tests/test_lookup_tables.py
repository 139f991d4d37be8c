"""Lookup tables (tf.lookup, tf.contrib.lookup, tf.tables_initializer) against TF's recorded
behaviour: tests/record_tf_lookup.py's `record` runs here on minitf, and each part of its
result is compared with what it gave on TF (tests/fixtures/tf_lookup.json)."""

import json
import os

import pytest

import minitf as tf
from tests.record_tf_lookup import record

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "tf_lookup.json")
TF = json.load(open(FIXTURE))


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    return record(tf, tf.contrib.lookup, str(tmp_path_factory.mktemp("lookup")))


@pytest.mark.parametrize("part", sorted(k for k in TF if k != "tf_version"))
def test_matches_tf(ours, part):
    assert ours[part] == TF[part]


def test_static_types_and_names(ours):
    assert ours["static"]["types"] == ["HashTableV2", "LookupTableFindV2", "LookupTableSizeV2",
                                       "LookupTableImportV2"]
    assert ours["static"]["uninitialized"] == ["FailedPreconditionError",
                                               "Table not initialized."]


def test_initialize_all_tables_warns(caplog):
    from minitf.ops.lookup_ops import initialize_all_tables
    initialize_all_tables._warned.clear()
    tf.reset_default_graph()
    with caplog.at_level("WARNING", logger="minitf"):
        tf.initialize_all_tables()
    assert "initialize_all_tables (from minitf.ops.lookup_ops) is deprecated" in caplog.text
    assert "Use `tf.tables_initializer` instead." in caplog.text


def test_tables_are_per_session():
    tf.reset_default_graph()
    table = tf.contrib.lookup.MutableHashTable(tf.string, tf.int64, -1)
    insert = table.insert(tf.constant(["a"]), tf.constant([1], tf.int64))
    size = table.size()
    with tf.Session() as one, tf.Session() as two:
        one.run(insert)
        assert (one.run(size), two.run(size)) == (1, 0)


def test_build_time_errors():
    tf.reset_default_graph()
    table = tf.contrib.lookup.MutableHashTable(tf.string, tf.int64, -1)
    with pytest.raises(TypeError, match="must be a table's resource handle"):
        from minitf.ops.lookup_ops import LookupTableSizeV2
        LookupTableSizeV2()(tf.constant(1))
    with pytest.raises(TypeError, match="Signature mismatch. Keys must be dtype"):
        table.remove(tf.constant([1], tf.int64))
    with pytest.raises(TypeError, match="Invalid key dtype"):
        tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer([1], [2]), 0)\
            ._initializer.initialize(table)
