"""tf.io.parse_(single_)sequence_example, FixedLenSequenceFeature and SparseFeature in
parse_example, and decode_json_example, against what TF recorded (tests/record_tf_seqex.py,
tests/fixtures/tf_seqex.json): output names, static shapes, dtypes, values and errors."""

import pytest

import minitf as tf
from tests.helpers import recorded_program_tests

recorder, test_programs_do_what_tensorflow_did, test_every_recorded_program_is_run = \
    recorded_program_tests("tf_seqex")


def _record(steps):
    return tf.train.SequenceExample(
        context=tf.train.Features(feature={"label": tf.train.Feature(
            int64_list=tf.train.Int64List(value=[len(steps)]))}),
        feature_lists=tf.train.FeatureLists(feature_list={"tok": tf.train.FeatureList(
            feature=[tf.train.Feature(int64_list=tf.train.Int64List(value=[t]))
                     for t in steps])})).SerializeToString()


def test_sequence_examples_in_a_dataset_pipeline_pad_and_batch():
    def parse(record):
        context, lists = tf.parse_single_sequence_example(
            record, context_features={"label": tf.FixedLenFeature([], tf.int64)},
            sequence_features={"tok": tf.FixedLenSequenceFeature([], tf.int64)})
        assert lists["tok"].shape.as_list() == [None]
        return lists["tok"], context["label"]
    ds = tf.data.Dataset.from_tensor_slices([_record([5, 6, 7]), _record([8])]).map(parse)
    tokens, labels = ds.padded_batch(2, ([None], [])).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        t, n = sess.run([tokens, labels])
    assert t.tolist() == [[5, 6, 7], [8, 0, 0]] and n.tolist() == [3, 1]


def test_sequence_feature_shapes_must_be_known_when_built():
    with pytest.raises(ValueError, match="feature tok need to be known"):
        tf.io.parse_single_sequence_example(
            _record([1]), sequence_features={"tok": tf.io.FixedLenSequenceFeature([None],
                                                                                 tf.int64)})
    with pytest.raises(ValueError, match="statically-known rank"):
        tf.io.parse_sequence_example(tf.placeholder(tf.string), context_features={
            "label": tf.io.FixedLenFeature([], tf.int64)})


def test_decode_json_example_errors_name_the_json_parser():
    out = tf.io.decode_json_example(tf.constant(['{"features": 3}']))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="^Error while parsing JSON"):
            sess.run(out)
    with pytest.raises(TypeError, match="json_examples"):
        tf.io.decode_json_example(tf.constant([1.0]))
