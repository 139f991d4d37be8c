"""tf.FixedLengthRecordReader and tf.data.FixedLengthRecordDataset (CIFAR-10's binary format),
against what TF 2.21 compat.v1 does with the same files (tests/data/record_tf_fixed_length.py)."""

import gzip

import numpy as np
import pytest

import minitf as tf

A = b"HDR" + b"".join(bytes([65 + i]) * 5 for i in range(4)) + b"FT"
B = b"hdr" + b"abcde" + b"fghij" + b"xy" + b"ft"  # a partial 2-byte record before the footer


@pytest.fixture
def files(tmp_path):
    (tmp_path / "a.bin").write_bytes(A)
    (tmp_path / "b.bin").write_bytes(B)
    (tmp_path / "c.bin.gz").write_bytes(gzip.compress(A))
    (tmp_path / "b.bin.gz").write_bytes(gzip.compress(B))
    return tmp_path


def drain(dataset):
    value = tf.data.make_one_shot_iterator(dataset).get_next()
    out = []
    with tf.Session() as sess:
        try:
            while True:
                out.append(sess.run(value))
        except tf.errors.OutOfRangeError:
            out.append("END")
        except tf.errors.OpError as e:
            out.append((type(e).__name__, e.message))
    return out


def read_all(files, names, **reader_args):
    with tf.Graph().as_default(), tf.Session() as sess:
        queue = tf.train.string_input_producer([str(files / n) for n in names], shuffle=False,
                                               num_epochs=1)
        reader = tf.FixedLengthRecordReader(**reader_args)
        key, value = reader.read(queue)
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        out = []
        try:
            while True:
                k, v = sess.run([key, value], options=tf.RunOptions(timeout_in_ms=10000))
                out.append((k.decode().rsplit("/", 1)[1], v))
        except tf.errors.OutOfRangeError:
            out.append("END")
        except tf.errors.OpError as e:
            out.append((type(e).__name__, e.message))
        coord.request_stop()
        coord.join(threads)
        assert reader.reader_ref.op.type == "FixedLengthRecordReaderV2"
    return out


def test_the_reader_drops_a_partial_last_record_and_keys_by_index(files):
    assert read_all(files, ["a.bin", "b.bin"], record_bytes=5, header_bytes=3,
                    footer_bytes=2) == [
        ("a.bin:0", b"AAAAA"), ("a.bin:1", b"BBBBB"), ("a.bin:2", b"CCCCC"),
        ("a.bin:3", b"DDDDD"), ("b.bin:0", b"abcde"), ("b.bin:1", b"fghij"), "END"]


@pytest.mark.parametrize("hop, expected", [
    (3, [b"AAAAA", b"AABBB", b"BBBBC", b"BCCCC", b"CCCDD", b"DDDDD"]),
    (7, [b"AAAAA", b"BBBCC", b"CDDDD"]),  # a hop past the record skips bytes
])
def test_hop_bytes_start_a_record_every_hop(files, hop, expected):
    got = read_all(files, ["a.bin"], record_bytes=5, header_bytes=3, footer_bytes=2,
                   hop_bytes=hop)
    assert [v for _, v in got[:-1]] == expected and got[-1] == "END"


def test_the_reader_decompresses_and_reports_tf_errors(files):
    got = read_all(files, ["c.bin.gz"], record_bytes=5, header_bytes=3, footer_bytes=2,
                   encoding="GZIP")
    assert [v for _, v in got[:-1]] == [b"AAAAA", b"BBBBB", b"CCCCC", b"DDDDD"]
    assert read_all(files, ["a.bin"], record_bytes=5, header_bytes=-1) == [
        ("InvalidArgumentError", "header_bytes must be >= 0 not -1")]
    # (TF 2.21 hangs on record_bytes=0; minitf says why)
    assert read_all(files, ["a.bin"], record_bytes=0) == [
        ("InvalidArgumentError", "record_bytes must be > 0 not 0")]
    assert read_all(files, ["nope.bin"], record_bytes=5) == [
        ("NotFoundError", "%s; No such file or directory" % (files / "nope.bin"))]
    assert read_all(files, ["a.bin"], record_bytes=5, header_bytes=30) == ["END"]


def test_the_dataset_refuses_a_partial_record_as_tf(files):
    message = ("Excluding the header (3 bytes) and footer (2 bytes), input file \"%s\" has body "
               "length 12 bytes, which is not an exact multiple of the record length (5 bytes).")
    ds = tf.data.FixedLengthRecordDataset([str(files / "a.bin"), str(files / "b.bin")], 5,
                                          header_bytes=3, footer_bytes=2)
    assert (ds.output_shapes, ds.output_types) == (tf.TensorShape([]), tf.string)
    assert drain(ds) == [b"AAAAA", b"BBBBB", b"CCCCC", b"DDDDD",
                         ("InvalidArgumentError", message % (files / "b.bin"))]
    # compressed: TF cannot size the body first, so the records come, then DataLossError
    assert drain(tf.data.FixedLengthRecordDataset(
        [str(files / "b.bin.gz")], 5, header_bytes=3, footer_bytes=2,
        compression_type="GZIP")) == [
        b"abcde", b"fghij", ("DataLossError", message % (files / "b.bin.gz"))]
    assert drain(tf.data.FixedLengthRecordDataset(
        [str(files / "c.bin.gz")], 5, 3, 2, compression_type="GZIP"))[:-1] == [
        b"AAAAA", b"BBBBB", b"CCCCC", b"DDDDD"]


@pytest.mark.parametrize("args, message", [
    (dict(record_bytes=0), "`record_bytes` must be > 0"),
    (dict(record_bytes=5, header_bytes=-1), "`header_bytes` must be >= 0"),
    (dict(record_bytes=5, footer_bytes=-1), "`footer_bytes` must be >= 0"),
])
def test_the_dataset_checks_sizes_at_run_time(files, args, message):
    assert drain(tf.data.FixedLengthRecordDataset([str(files / "a.bin")], **args)) == [
        ("InvalidArgumentError", message)]


def test_sizes_may_be_fed_tensors(files):
    size = tf.placeholder(tf.int64, [])
    ds = tf.data.FixedLengthRecordDataset([str(files / "a.bin")], size, header_bytes=3,
                                          footer_bytes=2)
    it = tf.data.make_initializable_iterator(ds)
    value = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {size: 10})
        assert [sess.run(value), sess.run(value)] == [b"AAAAABBBBB", b"CCCCCDDDDD"]


def test_cifar10_binary_input_as_tf1s_cifar10_input_reads_it(tmp_path):
    """The classic cifar10_input.py: label byte + 3x32x32 bytes (channel-major) per record."""
    rng = np.random.RandomState(0)
    labels = rng.randint(0, 10, 6).astype(np.uint8)
    images = rng.randint(0, 256, (6, 3, 32, 32)).astype(np.uint8)
    path = tmp_path / "data_batch_1.bin"
    path.write_bytes(b"".join(bytes([l]) + im.tobytes() for l, im in zip(labels, images)))
    label_bytes, height, width, depth = 1, 32, 32, 3
    image_bytes = height * width * depth
    with tf.Graph().as_default():
        queue = tf.train.string_input_producer([str(path)], shuffle=False)
        reader = tf.FixedLengthRecordReader(record_bytes=label_bytes + image_bytes)
        key, value = reader.read(queue)
        record = tf.decode_raw(value, tf.uint8)
        label = tf.cast(tf.strided_slice(record, [0], [label_bytes]), tf.int32)
        depth_major = tf.reshape(tf.strided_slice(record, [label_bytes],
                                                  [label_bytes + image_bytes]),
                                 [depth, height, width])
        image = tf.cast(tf.transpose(depth_major, [1, 2, 0]), tf.float32)
        image.set_shape([height, width, depth])
        label.set_shape([1])
        images_b, labels_b = tf.train.batch([image, label], batch_size=3, num_threads=1)
        with tf.Session() as sess:
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            got = [sess.run([images_b, labels_b]) for _ in range(2)]
            coord.request_stop()
            coord.join(threads)
    np.testing.assert_array_equal(np.concatenate([g[0] for g in got]),
                                  images.transpose(0, 2, 3, 1).astype(np.float32))
    np.testing.assert_array_equal(np.concatenate([g[1] for g in got])[:, 0], labels)
