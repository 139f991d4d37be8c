"""tf.matching_files and tf.train.match_filenames_once against TF 1.x on the same tree of files
(tests/record_tf_matching_files.py runs the same `record` on TF into
tests/fixtures/tf_matching_files.json)."""

import json
import os

import pytest

import minitf as tf
from tests.record_tf_matching_files import FILES, PATTERNS, make_tree, record

with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                       "tf_matching_files.json")) as f:
    TF = json.load(f)


@pytest.fixture
def root(tmp_path):
    """The recorder's tree of files."""
    make_tree(str(tmp_path))
    return str(tmp_path)


def test_the_recorded_tree_and_patterns_are_the_recorders():
    assert (TF["files"], TF["patterns"]) == (FILES, PATTERNS)


def test_matches_names_and_a_string_input_producer_pipeline_are_tf1s(root):
    # each pattern's matches sorted and an empty vector for none; match_filenames_once's local
    # variable and op names; the CSV records a string_input_producer over it reads
    got = record(tf, root)
    assert got == {key: TF[key] for key in ("matches", "variable", "records")}


def test_it_reads_the_file_system_each_run(root):
    found = tf.io.matching_files(os.path.join(root, "d/*.csv"))
    assert found.shape.as_list() == [None] and found.dtype == tf.string
    with tf.Session() as s:
        assert len(s.run(found)) == 2
        open(os.path.join(root, "d", "z.csv"), "w").close()
        assert len(s.run(found)) == 3


def test_match_filenames_once_is_a_local_variable_of_unknown_shape(root):
    files = tf.train.match_filenames_once(os.path.join(root, "d/*.csv"))
    assert files.shape.ndims is None and not tf.trainable_variables()
    assert tf.local_variables() == [files]


def test_bad_patterns_fail_when_the_graph_is_built():
    with pytest.raises(ValueError, match="MatchingFiles: pattern must be at most rank 1"):
        tf.matching_files([["a/*"]])
    with pytest.raises(ValueError, match="requested dtype string"):
        tf.matching_files(tf.constant([1, 2]))
