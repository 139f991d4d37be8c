"""tf.matching_files and tf.train.match_filenames_once against TF 1.x on the same tree of files
(tests/fixtures/tf_matching_files.json, written by tests/record_tf_matching_files.py)."""

import json
import os

import pytest

import minitf as tf

with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                       "tf_matching_files.json")) as f:
    TF = json.load(f)
PATTERNS = TF["patterns"]


@pytest.fixture
def root(tmp_path):
    """The recorder's tree of files."""
    for name, text in TF["files"].items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    return str(tmp_path)


def test_matches_are_tf1s_sorted_per_pattern_and_empty_for_none(root):
    got = {}
    with tf.Session() as s:
        for patterns in PATTERNS:
            full = [os.path.join(root, p) for p in patterns]
            found = s.run(tf.matching_files(full if len(full) > 1 else full[0]))
            got[" ".join(patterns)] = [os.path.relpath(v.decode(), root) for v in found]
    assert got == TF["matches"]


def test_it_reads_the_file_system_each_run(root):
    found = tf.io.matching_files(os.path.join(root, "d/*.csv"))
    assert found.shape.as_list() == [None] and found.dtype == tf.string
    with tf.Session() as s:
        assert len(s.run(found)) == 2
        open(os.path.join(root, "d", "z.csv"), "w").close()
        assert len(s.run(found)) == 3


def test_match_filenames_once_feeds_a_string_input_producer(root):
    files = tf.train.match_filenames_once(os.path.join(root, "d/*.csv"))
    assert {"name": files.name, "local": [v.name for v in tf.local_variables()],
            "initial_value": files.initial_value.name,
            "op_name": tf.matching_files("x").name} == TF["variable"]
    assert files.shape.ndims is None and not tf.trainable_variables()
    queue = tf.train.string_input_producer(files, num_epochs=1, shuffle=False)
    _, line = tf.TextLineReader().read(queue)
    a, b = tf.decode_csv(line, [[0], [0]])
    with tf.Session() as s:
        s.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(s, coord)
        records = []
        with pytest.raises(tf.errors.OutOfRangeError):
            while True:
                records.append([int(v) for v in s.run([a, b])])
        coord.request_stop()
        coord.join(threads)
    assert records == TF["records"]


def test_bad_patterns_fail_when_the_graph_is_built():
    with pytest.raises(ValueError, match="MatchingFiles: pattern must be at most rank 1"):
        tf.matching_files([["a/*"]])
    with pytest.raises(ValueError, match="requested dtype string"):
        tf.matching_files(tf.constant([1, 2]))
