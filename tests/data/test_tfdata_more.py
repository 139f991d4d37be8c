"""TF 1.15's further tf.data (shard, window, reduce, enumerate, unbatch, options, cardinality,
tf.data.experimental's transformations and CSV readers) against TF's recorded elements, types,
shapes and errors (tests/data/record_tf_tfdata.py), plus minitf's random ones by statistics."""

import json
import os
import warnings

import numpy as np
import pytest

import minitf as tf
from tests.data import tfdata_programs as programs

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf_tfdata.json")
with open(FIXTURE) as f:
    RECORDED = json.load(f)

# Where TF's message names its own runtime (the iterator's path, the kernel's wording), the
# class and the part that comes from the failing op are compared.
MESSAGE_PARTS = {"no_ignore_errors": "inf : Tensor had Inf values",
                 "csv_missing": "Field 1 is required but missing in record",
                 "reduce_bad_dtype": ""}


def _same(name, got, want):
    for key in ("end", "build_error", "run_error"):
        if name in MESSAGE_PARTS and key in want:
            assert key in got, (name, got)
            assert got[key][0] == want[key][0]
            assert MESSAGE_PARTS[name] in got[key][1]
            got, want = dict(got), dict(want)
            del got[key], want[key]
    assert got == want


@pytest.fixture(scope="module")
def csv_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("csv"))


@pytest.mark.parametrize("name", sorted(RECORDED["datasets"]))
def test_dataset_matches_tf(name, csv_dir):
    got = programs.run_dataset(tf, programs.dataset_programs(csv_dir)[name])
    _same(name, got, RECORDED["datasets"][name])


@pytest.mark.parametrize("name", sorted(RECORDED["tensors"]))
def test_tensor_matches_tf(name):
    got = programs.run_tensor(tf, programs.tensor_programs()[name])
    _same(name, got, RECORDED["tensors"][name])


def test_options_match_tf():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert programs.options_record(tf) == RECORDED["options"]
    assert any("Changing the value of option experimental_deterministic" in str(w.message)
               for w in caught)


def test_options_nested_merge_and_constants():
    a, b = tf.data.Options(), tf.data.Options()
    a.experimental_optimization.map_fusion = True
    b.experimental_threading.private_threadpool_size = 4
    merged = tf.data.Dataset.range(3).with_options(a).batch(2).with_options(b).options()
    assert merged.experimental_optimization.map_fusion is True
    assert merged.experimental_threading.private_threadpool_size == 4
    with pytest.raises(TypeError):
        tf.data.Dataset.range(3).with_options(3)
    assert (tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY) == (-1, -2)
    assert tf.data.experimental.INFINITE_CARDINALITY == -1
    assert tf.data.experimental.UNKNOWN_CARDINALITY == -2


def test_ops_and_fed_counts():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int64, [])
        ds = tf.data.Dataset.range(n).shard(2, 1)
        total = ds.reduce(np.int64(0), lambda s, x: s + x)
        card = tf.data.experimental.cardinality(ds.window(2, 1, 1, True))
        single = tf.data.experimental.get_single_element(ds.batch(100))
        assert total.op.type == "ReduceDataset" and total.shape.as_list() == []
        assert card.op.type == "DatasetCardinality" and card.dtype == tf.int64
        assert single.op.type == "DatasetToSingleElement" and single.shape.as_list() == [None]
        with tf.Session() as sess:
            assert sess.run([total, card], {n: 9}) == [1 + 3 + 5 + 7, 3]
            assert sess.run(single, {n: 7}).tolist() == [1, 3, 5]


def test_reduce_state_shape_relaxed():
    with tf.Graph().as_default():
        out = tf.data.Dataset.range(4).reduce(
            np.zeros([0], np.int64), lambda s, x: tf.concat([s, tf.reshape(x, [1])], 0))
        assert out.shape.as_list() == [None]
        with tf.Session() as sess:
            assert sess.run(out).tolist() == [0, 1, 2, 3]


def test_window_datasets_only_go_to_dataset_functions():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="flat_map"):
            tf.data.Dataset.range(5).window(2).map(lambda w: w)


def _drain(ds):
    nxt = ds.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as sess:
        try:
            while True:
                out.append(sess.run(nxt))
        except tf.errors.OutOfRangeError:
            return out


def test_sample_from_datasets_statistics_and_seed():
    def sample(seed):
        with tf.Graph().as_default():
            return _drain(tf.data.experimental.sample_from_datasets(
                [tf.data.Dataset.range(3000), tf.data.Dataset.range(10000, 11000)],
                [0.8, 0.2], seed=seed))
    got = sample(7)
    assert sorted(got) == list(range(3000)) + list(range(10000, 11000))
    first = [x for x in got if x < 10000]
    assert first == sorted(first)  # each input's order is kept
    share = np.mean(np.array(got[:1000]) < 10000)
    assert 0.74 < share < 0.86
    assert sample(7) == got and sample(8) != got


def test_make_csv_dataset_shuffle_is_seeded(csv_dir):
    path = programs.write_csv(csv_dir)["infer.csv"]

    def ids(seed):
        with tf.Graph().as_default():
            ds = tf.data.experimental.make_csv_dataset(path, 1, shuffle=True, shuffle_seed=seed,
                                                       num_epochs=4)
            return [int(e["id"][0]) for e in _drain(ds)]
    got = ids(5)
    assert sorted(got) == [1] * 4 + [2] * 4 + [3] * 4
    assert ids(5) == got


def test_make_csv_dataset_forever_batches_are_static(csv_dir):
    path = programs.write_csv(csv_dir)["infer.csv"]
    with tf.Graph().as_default():
        ds = tf.data.experimental.make_csv_dataset(path, 2, label_name="flag", shuffle=False)
        features, label = tf.data.get_output_shapes(ds)
        assert label.as_list() == [2] and features["id"].as_list() == [2]
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            labels = [sess.run(nxt)[1].tolist() for _ in range(3)]
        assert labels == [[1, 0], [1, 1], [0, 1]]


def test_group_by_window_long_input():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(6000).apply(tf.data.experimental.group_by_window(
            lambda x: x % 3, lambda k, d: d.batch(2).map(lambda b: tf.reduce_sum(b)), 2))
        got = tf.data.experimental.get_single_element(ds.batch(100000))
        with tf.Session() as sess:
            assert int(sess.run(got).sum()) == sum(range(6000))


@pytest.mark.parametrize("initial", [[0.9, 0.1], None])
def test_rejection_resample_reaches_target(initial):
    def classes(seed):
        with tf.Graph().as_default():
            ds = tf.data.Dataset.range(20000).apply(tf.data.experimental.rejection_resample(
                lambda x: tf.cast(tf.equal(x % 10, 0), tf.int32), [0.5, 0.5], initial,
                seed=seed))
            c, x = get_single = tf.data.experimental.get_single_element(ds.batch(100000))
            assert c.dtype == tf.int32 and get_single[1].dtype == tf.int64
            with tf.Session() as sess:
                return sess.run([c, x])
    c, x = classes(3)
    assert (c == (x % 10 == 0)).all() and (np.diff(x) > 0).all()
    assert len(c) > 3000 and 0.45 < c.mean() < 0.55
    assert (classes(3)[1] == x).all()
