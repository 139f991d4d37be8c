"""Writes the TFRecord fixtures with real TensorFlow (run in the TF venv, never in the tests):

    /work/tfvenv/bin/python tests/data/record_tfrecord_fixture.py

tests/fixtures/tfrecord/ then holds Example records written by TF's TFRecordWriter (plain,
GZIP and ZLIB), plain string records, and what TF's own parse_single_example / decode_raw /
decode_csv read from them (expected.json); tests/data/test_tfrecord.py reads them with minitf
and writes the same records with minitf, which must give the same bytes."""

import json
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "tfrecord")


def examples():
    out = []
    for i in range(5):
        image = (np.arange(6, dtype=np.uint8) * (i + 1)).tobytes()
        out.append(tf.train.Example(features=tf.train.Features(feature={
            "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[image])),
            "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 3])),
            "xy": tf.train.Feature(float_list=tf.train.FloatList(value=[i * 0.5, -i])),
        })))
    return out


def main():
    os.makedirs(HERE, exist_ok=True)
    records = [e.SerializeToString() for e in examples()]
    for name, kind in [("examples.tfrecord", ""), ("examples.tfrecord.gz", "GZIP"),
                       ("examples.tfrecord.zlib", "ZLIB")]:
        with tf.python_io.TFRecordWriter(os.path.join(HERE, name),
                                         tf.python_io.TFRecordOptions(kind or None)) as w:
            for r in records:
                w.write(r)
    strings = [b"", b"a", b"hello\nworld", bytes(range(256)) * 3]
    with tf.python_io.TFRecordWriter(os.path.join(HERE, "strings.tfrecord")) as w:
        for s in strings:
            w.write(s)
    single = tf.train.Example(features=tf.train.Features(feature={
        "v": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, 2.5]))}))

    serialized = tf.placeholder(tf.string, [])
    parsed = tf.parse_single_example(serialized, {
        "image": tf.FixedLenFeature([], tf.string),
        "label": tf.FixedLenFeature([], tf.int64),
        "xy": tf.FixedLenFeature([2], tf.float32),
        "missing": tf.FixedLenFeature([2], tf.int64, default_value=[7, 8]),
    })
    pixels = tf.decode_raw(parsed["image"], tf.uint8)
    csv = tf.decode_csv(tf.constant(["1,2.5,a", ",,\"b,c\"", "3,-1e3,"]),
                        [[0], [1.0], ["z"]])
    expected = {"records": [], "single_example_hex": single.SerializeToString().hex()}
    with tf.Session() as sess:
        for r in tf.python_io.tf_record_iterator(os.path.join(HERE, "examples.tfrecord")):
            p, px = sess.run([parsed, pixels], {serialized: r})
            expected["records"].append({"label": int(p["label"]), "xy": p["xy"].tolist(),
                                        "missing": p["missing"].tolist(),
                                        "pixels": px.tolist()})
        c = sess.run(csv)
        expected["csv"] = [c[0].tolist(), c[1].tolist(), [s.decode() for s in c[2]]]
    expected["strings_hex"] = [s.hex() for s in strings]
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
