"""tf.image's codecs against TensorFlow: every case of tests/record_tf_image_codecs.py (files of
tests/fixtures/images/ decoded with each option, damaged files, misuse) gives TF's array bit for
bit (its SHA-256), static shape, name and dtype, or TF's error class and message
(tests/fixtures/tf_image_codecs.json); minitf's encoders make the files TF decoded to the
encoded arrays."""

import hashlib
import json
import os

import numpy as np
import pytest

import minitf as tf
from tests.record_tf_image_codecs import (CASES, FIXTURE, IMAGES, approximate, case_id, encoded,
                                          run)

with open(FIXTURE) as _f:
    RECORDED = json.load(_f)


FILES = sorted({case[:2] for case in CASES})


@pytest.mark.parametrize("function,name", FILES, ids=lambda v: v)
def test_file_decodes_as_in_tensorflow(function, name):
    for case in CASES:
        if case[:2] != (function, name):
            continue
        got, want = _node_text_cut(run(tf, case)), _node_text_cut(RECORDED[case_id(case)])
        if approximate(case) and "row_sha256" in want:  # see approximate(): rows to the damage
            keep = want.pop("intact_rows")
            got.pop("intact_rows")
            assert got.pop("row_sha256")[:keep] == want.pop("row_sha256")[:keep], case_id(case)
            del got["sha256"], want["sha256"]
        assert got == want, case_id(case)


def _node_text_cut(record):
    """A build error's message without TF's rendering of the node (its attrs and inputs)."""
    if "build_error" in record:
        return dict(record, message=record["message"].split(" for ")[0])
    return record


def test_the_recording_covers_every_case():
    assert sorted(RECORDED) == sorted(case_id(c) for c in CASES)


def _sha(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def test_minitf_encodes_the_files_tensorflow_decoded_to_the_encoded_arrays():
    files, arrays = encoded(tf, "minitf")
    for name, data in files.items():
        with open(os.path.join(IMAGES, name), "rb") as f:
            assert f.read() == data, name  # the bytes the recording checked
        source = arrays[name[len("minitf_"):-len(".png")]]
        in_tf = RECORDED[case_id(("decode_png", name, dict(channels=0, dtype=source.dtype.name)))]
        assert in_tf["sha256"] == _sha(source), name
        assert in_tf["shape"] == list(source.shape)


def test_encode_png_round_trips_and_names_as_tf():
    image = np.arange(2 * 3 * 4, dtype=np.uint16).reshape(2, 3, 4) * 1000
    with tf.Graph().as_default():
        data = tf.image.encode_png(image, compression=9)
        back = tf.io.decode_png(data, dtype=tf.uint16)
        assert data.name == "EncodePng:0" and data.shape.as_list() == []
        assert back.shape.as_list() == [None, None, None]
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(back), image)


def test_encode_jpeg_refuses_progressive_files_it_cannot_write():
    with tf.Graph().as_default():
        with pytest.raises(tf.errors.UnimplementedError, match="baseline files only"):
            tf.image.encode_jpeg(np.zeros((4, 4, 3), np.uint8), progressive=True)


def test_random_jpeg_quality_is_adjust_jpeg_quality_at_a_seeded_quality_in_range():
    image = encoded(tf, "minitf")[1]["c3"]
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        out = tf.image.random_jpeg_quality(image, 40, 45, seed=7)
        quality = tf.placeholder(tf.int32, [])
        adjusted = tf.image.adjust_jpeg_quality(image, quality)
        with tf.Session() as sess:
            first, second = sess.run(out), sess.run(out)
            candidates = [sess.run(adjusted, {quality: q}) for q in range(40, 45)]
        with tf.Session() as sess:
            assert (sess.run(out) == first).all()  # the same seed, the same first draw
    assert out.shape.as_list() == [None, None, 3]
    for value in (first, second):
        assert any((value == c).all() for c in candidates)
