"""TFRecord files and tf.train.Example: minitf reads what real TensorFlow wrote
(tests/fixtures/tfrecord, made by record_tfrecord_fixture.py) and writes the same bytes."""

import json
import os

import numpy as np
import pytest

import minitf as tf

pytestmark = pytest.mark.usefixtures("fresh_graph")

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "tfrecord")
EXPECTED = json.load(open(os.path.join(FIXTURES, "expected.json")))
FEATURES = {
    "image": tf.FixedLenFeature([], tf.string),
    "label": tf.io.FixedLenFeature([], tf.int64),
    "xy": tf.io.FixedLenFeature([2], tf.float32),
    "missing": tf.io.FixedLenFeature([2], tf.int64, default_value=[7, 8]),
}



def fixture(name):
    return os.path.join(FIXTURES, name)


def tf_records(name, options=None):
    return list(tf.python_io.tf_record_iterator(fixture(name), options))


@pytest.mark.parametrize("name, options", [
    ("examples.tfrecord", None), ("examples.tfrecord.gz", "GZIP"),
    ("examples.tfrecord.zlib", tf.python_io.TFRecordOptions(tf.python_io.TFRecordCompressionType.ZLIB)),
])
def test_reads_tf_written_records_and_parses_them_as_tf_did(name, options):
    records = tf_records(name, options)
    assert len(records) == 5
    serialized = tf.placeholder(tf.string, [])
    parsed = tf.parse_single_example(serialized, FEATURES)
    pixels = tf.decode_raw(parsed["image"], tf.uint8)
    assert parsed["xy"].shape.as_list() == [2] and parsed["label"].dtype == tf.int64
    with tf.Session() as sess:
        for record, want in zip(records, EXPECTED["records"]):
            p, px = sess.run([parsed, pixels], {serialized: record})
            assert p["label"] == want["label"] and p["xy"].tolist() == want["xy"]
            assert p["missing"].tolist() == want["missing"] and px.tolist() == want["pixels"]


def test_writes_the_bytes_tf_writes(tmp_path):
    strings = [bytes.fromhex(h) for h in EXPECTED["strings_hex"]]
    assert tf_records("strings.tfrecord") == strings
    path = str(tmp_path / "s.tfrecord")
    with tf.python_io.TFRecordWriter(path) as w:
        for s in strings:
            w.write(s)
    assert open(path, "rb").read() == open(fixture("strings.tfrecord"), "rb").read()
    with tf.io.TFRecordWriter(path) as w:
        for r in tf_records("examples.tfrecord"):
            w.write(r)
    assert open(path, "rb").read() == open(fixture("examples.tfrecord"), "rb").read()
    single = tf.train.Example(features=tf.train.Features(feature={
        "v": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, 2.5]))}))
    assert single.SerializeToString().hex() == EXPECTED["single_example_hex"]


@pytest.mark.parametrize("kind", ["GZIP", "ZLIB"])
def test_compressed_round_trip(tmp_path, kind):
    path = str(tmp_path / "c.tfrecord")
    with tf.python_io.TFRecordWriter(path, tf.python_io.TFRecordOptions(kind)) as w:
        for i in range(3):
            w.write(b"record %d" % i)
    assert list(tf.python_io.tf_record_iterator(path, tf.python_io.TFRecordOptions(kind))) == [
        b"record 0", b"record 1", b"record 2"]
    ds = tf.data.TFRecordDataset(path, compression_type=kind)
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert [sess.run(nxt) for _ in range(3)] == [b"record 0", b"record 1", b"record 2"]


def test_corrupted_and_truncated_files_raise_data_loss(tmp_path):
    data = bytearray(open(fixture("strings.tfrecord"), "rb").read())
    data[20] ^= 1  # inside the second record's data
    bad = tmp_path / "bad.tfrecord"
    bad.write_bytes(bytes(data))
    with pytest.raises(tf.errors.DataLossError, match="corrupted record at 16"):
        list(tf.python_io.tf_record_iterator(str(bad)))
    bad.write_bytes(open(fixture("strings.tfrecord"), "rb").read()[:-3])
    with pytest.raises(tf.errors.DataLossError, match="truncated record"):
        list(tf.python_io.tf_record_iterator(str(bad)))
    with pytest.raises(tf.errors.NotFoundError):
        list(tf.python_io.tf_record_iterator(str(tmp_path / "none.tfrecord")))


def test_tfrecord_dataset_pipeline_with_parse_example():
    def parse(record):
        p = tf.parse_single_example(record, FEATURES)
        return tf.decode_raw(p["image"], tf.uint8), p["label"]
    ds = tf.data.TFRecordDataset([fixture("examples.tfrecord"), fixture("examples.tfrecord")])
    images, labels = ds.map(parse).batch(4).make_one_shot_iterator().get_next()
    assert images.shape.as_list() == [None, None] and labels.shape.as_list() == [None]
    with tf.Session() as sess:
        got = [sess.run(labels).tolist() for _ in range(3)]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(labels)
    want = [r["label"] for r in EXPECTED["records"]] * 2
    assert sum(got, []) == want


def test_parse_example_batches_and_its_errors():
    batch = tf.placeholder(tf.string, [None])
    parsed = tf.parse_example(batch, {"xy": tf.FixedLenFeature([2], tf.float32),
                                      "label": tf.FixedLenFeature([], tf.int64)})
    assert parsed["xy"].shape.as_list() == [None, 2]
    records = tf_records("examples.tfrecord")
    with tf.Session() as sess:
        out = sess.run(parsed, {batch: records[:3]})
        assert out["label"].tolist() == [0, 1, 2]
        np.testing.assert_array_equal(out["xy"], [r["xy"] for r in EXPECTED["records"][:3]])
        bad = [
            ({"y": tf.FixedLenFeature([], tf.float32)},
             "Name: <unknown>, Feature: y \\(data type: float\\) is required but could not be "
             "found."),
            ({"xy": tf.FixedLenFeature([3], tf.float32)},
             "Name: <unknown>, Key: xy, Index: 0.  Number of float values != expected.  Values "
             "size: 2 but output shape: \\[3\\]"),
            ({"xy": tf.FixedLenFeature([2], tf.int64)},
             "Name: <unknown>, Key: xy, Index: 0.  Data types don't match. Data type: float but "
             "expected type: int64"),
        ]
        for features, message in bad:
            with pytest.raises(tf.errors.InvalidArgumentError, match=message):
                sess.run(tf.parse_example(batch, features), {batch: records[:1]})
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 3 elements to shape "
                                         r"\[2\] \(2 elements\)"):
        tf.parse_single_example(records[0], {"q": tf.FixedLenFeature(
            [2], tf.float32, default_value=[1., 2., 3.])})


def test_decode_csv_as_tf():
    records = tf.constant(["1,2.5,a", ",,\"b,c\"", "3,-1e3,"])
    cols = tf.decode_csv(records, [[0], [1.0], ["z"]])
    assert [c.dtype for c in cols] == [tf.int32, tf.float32, tf.string]
    with tf.Session() as sess:
        got = sess.run(cols)
        assert [got[0].tolist(), got[1].tolist(), [s.decode() for s in got[2]]] == EXPECTED["csv"]
        for line, message in [("1,2", "Expect 3 fields but have 2 in record 0"),
                              ("x,1,a", "Field 0 in record 0 is not a valid int32: x")]:
            with pytest.raises(tf.errors.InvalidArgumentError, match=message):
                sess.run(tf.decode_csv([line], [[0], [1.0], ["z"]]))
        required = tf.decode_csv(["1,"], [[0], tf.constant([], tf.float32)])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Field 1 is required but missing in record 0!"):
            sess.run(required)
        a, b = sess.run(tf.decode_csv(["1;2"], [[0], [0]], field_delim=";"))
        assert (a.tolist(), b.tolist()) == ([1], [2])


def test_decode_raw_shapes_and_errors():
    r = tf.decode_raw(tf.constant([b"\x01\x02\x03\x04"]), tf.uint8)
    r2 = tf.decode_raw(tf.constant(b"\x01\x00\x02\x00"), tf.int16)
    assert r.shape.as_list() == [1, None] and r2.shape.as_list() == [None]
    with tf.Session() as sess:
        a, b = sess.run([r, r2])
        assert a.tolist() == [[1, 2, 3, 4]] and b.tolist() == [1, 2]
        with pytest.raises(tf.errors.InvalidArgumentError, match="same size"):
            sess.run(tf.decode_raw(tf.constant([b"ab", b"c"]), tf.uint8))


def test_var_len_features_parse_into_sparse_tensors():
    def example(**lists):
        return tf.train.Example(features=tf.train.Features(feature={
            k: tf.train.Feature(int64_list=tf.train.Int64List(value=v))
            for k, v in lists.items()})).SerializeToString()
    records = [example(ids=[3, 1, 4], n=[1]), example(n=[2]), example(ids=[5], n=[3])]
    batch = tf.placeholder(tf.string, [None])
    parsed = tf.parse_example(batch, {"ids": tf.io.VarLenFeature(tf.int64),
                                      "n": tf.FixedLenFeature([], tf.int64)})
    one = tf.parse_single_example(records[0], {"ids": tf.VarLenFeature(tf.int64)})["ids"]
    assert isinstance(parsed["ids"], tf.SparseTensor)
    assert parsed["ids"].indices.shape.as_list() == [None, 2]
    dense = tf.sparse_tensor_to_dense(parsed["ids"], default_value=-1)
    with tf.Session() as sess:
        ids, n, d, single = sess.run([parsed["ids"], parsed["n"], dense, one], {batch: records})
    assert ids.indices.tolist() == [[0, 0], [0, 1], [0, 2], [2, 0]]
    assert ids.values.tolist() == [3, 1, 4, 5] and ids.dense_shape.tolist() == [3, 3]
    assert n.tolist() == [1, 2, 3] and d.tolist() == [[3, 1, 4], [-1, -1, -1], [5, -1, -1]]
    assert single.indices.tolist() == [[0], [1], [2]] and single.dense_shape.tolist() == [3]


def test_serialized_records_keep_trailing_nul_bytes():
    # An Example whose last feature is an empty list serializes to bytes ending in b"\x00";
    # a Python list of such records must reach the parser intact.
    empty = tf.train.Example(features=tf.train.Features(feature={
        "tags": tf.train.Feature(bytes_list=tf.train.BytesList(value=[]))})).SerializeToString()
    assert empty.endswith(b"\x00")
    tags = tf.parse_example([empty, empty], {"tags": tf.VarLenFeature(tf.string)})["tags"]
    with tf.Session() as sess:
        assert sess.run(tags.dense_shape).tolist() == [2, 0]
        assert sess.run(tf.constant([empty], dtype=tf.string))[0] == empty
