"""Summary ops: the serialized Summary each one returns (tags, values, TF's histogram buckets,
image scaling and audio encoding, checked against what TF 2.21's compat.v1 kernels produce),
naming and collections, and TF's errors at build and run time."""

import io
import wave

import numpy as np
import pytest

import minitf as tf
from tests.helpers import run
from minitf import errors

Summary = tf.summary.Summary


pytestmark = pytest.mark.usefixtures("fresh_graph")


def parse(serialized):
    assert isinstance(serialized, bytes)
    return Summary.FromString(serialized)


# -- scalar ----------------------------------------------------------------------------------

def test_lecture_program_returns_serialized_summaries():
    x = tf.Variable(3.0, name="x")
    f = x * x
    sx = tf.summary.scalar("curr_x", x)
    sf = tf.summary.scalar("curr_f", f)
    summaries = tf.summary.merge_all()
    assert tf.get_collection("summaries") == [sx, sf]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(summaries)
        assert isinstance(got, bytes)  # TF1 returns Python bytes for a scalar string tensor
        assert {v.tag: v.simple_value for v in parse(got).value} == {"curr_x": 3.0, "curr_f": 9.0}
        # Summary ops are stateful: never folded, so a changed variable shows up next run.
        sess.run(x.assign(5.0))
        assert parse(sess.run(sf)).value[0].simple_value == 25.0


def test_scalar_naming_types_and_tags_match_tf():
    s1 = tf.summary.scalar("loss", 1.5)
    s2 = tf.summary.scalar("loss", tf.constant(2, tf.int64))
    with tf.name_scope("train"):
        s3 = tf.summary.scalar("acc", tf.constant(0.25, tf.float64), family="fam")
    s4 = tf.summary.scalar("bad name!", 1.0)
    assert (s1.op.name, s2.op.name, s3.op.name) == ("loss", "loss_1", "train/fam/acc")
    assert s1.op.type == "ScalarSummary" and s1.dtype is tf.string and s1.shape == ()
    assert s1.op.inputs[0].op.name == "loss/tags"
    assert s2.op.get_attr("T") is tf.int64
    got = run([s1, s2, s3, s4])
    values = [parse(g).value[0] for g in got]
    assert [v.tag for v in values] == ["loss", "loss_1", "fam/train/fam/acc", "bad_name_"]
    assert [v.simple_value for v in values] == [1.5, 2.0, 0.25, 1.0]


def test_collections_argument_and_merge_all_key_and_scope():
    a = tf.summary.scalar("a", 1.0)
    tf.summary.scalar("hidden", 2.0, collections=[])
    with tf.name_scope("eval"):
        b = tf.summary.scalar("b", 3.0, collections=["eval_summaries", tf.GraphKeys.SUMMARIES])
    assert tf.get_collection("summaries") == [a, b]
    assert tf.get_collection("eval_summaries") == [b]
    assert [v.tag for v in parse(run(tf.summary.merge_all())).value] == ["a", "eval/b"]
    only_eval = tf.summary.merge_all(key="eval_summaries", name="evals")
    assert only_eval.op.name == "evals/evals"
    assert [v.tag for v in parse(run(only_eval)).value] == ["eval/b"]
    assert [v.tag for v in parse(run(tf.summary.merge_all(scope="eval"))).value] == ["eval/b"]
    assert tf.summary.merge_all(key="nothing_here") is None


def test_scalar_of_known_non_scalar_fails_at_build_time():
    with pytest.raises(ValueError, match=r"tags and values not the same shape: \[\] != \[2\] "
                                         r"\(tag 'vec'\).*'vec' \(op: 'ScalarSummary'\)"):
        tf.summary.scalar("vec", tf.zeros([2]))
    with pytest.raises(ValueError, match=r"\[\] != \[\?,3\]"):
        tf.summary.scalar("batch", tf.placeholder(tf.float32, [None, 3]))
    with pytest.raises(TypeError, match="string"):
        tf.summary.scalar("s", tf.constant("text"))


def test_scalar_of_unknown_shape_fails_at_run_time_naming_tag_and_shape():
    p = tf.placeholder(tf.float32, None)
    s = tf.summary.scalar("unk", p)
    assert parse(run(s, {p: 4.0})).value[0].simple_value == 4.0
    with pytest.raises(errors.InvalidArgumentError,
                       match=r"tags and values not the same shape: \[\] != \[2\] \(tag 'unk'\)"):
        run(s, {p: np.zeros(2)})


# -- histogram -------------------------------------------------------------------------------

def test_histogram_buckets_are_tfs():
    h = tf.summary.histogram("w", tf.constant([1.0, 2.0, 2.0, -3.0, 0.0]))
    assert h.op.type == "HistogramSummary" and h.op.inputs[0].op.name == "w/tag"
    value = parse(run(h)).value[0]
    histo = value.histo
    assert value.tag == "w"
    assert (histo.min, histo.max, histo.num, histo.sum, histo.sum_squares) == (-3, 2, 5, 2, 18)
    # What TF's HistogramSummary kernel writes for the same values (runs of empty buckets
    # collapse into their last bucket).
    assert list(histo.bucket_limit) == [
        -3.1665833053880363, -2.8787120958073054, 0.0, 1e-12, 0.917246389039776,
        1.0089710279437536, 1.9661990955585713, 2.1628190051144287, 1.7976931348623157e308]
    assert list(histo.bucket) == [0, 1, 0, 1, 0, 1, 0, 2, 0]


def test_histogram_of_empty_and_single_values_match_tf():
    p = tf.placeholder(tf.float64, None)
    h = tf.summary.histogram("hh", p)
    empty = parse(run(h, {p: np.zeros([0, 3])})).value[0].histo
    assert (empty.min, empty.max, empty.num) == (1.7976931348623157e308, -1.7976931348623157e308, 0)
    assert list(empty.bucket_limit) == [1.7976931348623157e308] and list(empty.bucket) == [0]
    seven = parse(run(h, {p: 7.0})).value[0].histo
    assert list(seven.bucket_limit) == [6.7878525393626115, 7.4666377932988732,
                                        1.7976931348623157e308]
    assert list(seven.bucket) == [0, 1, 0]


def test_histogram_counts_every_element_of_any_shape():
    values = np.random.default_rng(0).normal(size=(20, 30)).astype(np.float32)
    histo = parse(run(tf.summary.histogram("big", values))).value[0].histo
    assert histo.num == 600 and sum(histo.bucket) == 600
    assert histo.min == pytest.approx(values.min()) and histo.max == pytest.approx(values.max())
    assert histo.sum == pytest.approx(values.sum(dtype=np.float64), rel=1e-6)
    limits = np.array(histo.bucket_limit)
    assert np.all(np.diff(limits) > 0)
    # each value lies in [previous limit, its bucket's limit)
    index = np.searchsorted(limits, values.astype(np.float64).ravel(), side="right")
    np.testing.assert_array_equal(np.bincount(index, minlength=limits.size), histo.bucket)


def test_nan_or_inf_in_histogram_is_tfs_invalid_argument_error():
    p = tf.placeholder(tf.float32, [None])
    h = tf.summary.histogram("weights", p)
    with pytest.raises(errors.InvalidArgumentError, match="Nan in summary histogram for: weights"):
        run(h, {p: [1.0, np.nan]})
    with pytest.raises(errors.InvalidArgumentError,
                       match="Infinity in summary histogram for: weights"):
        run(h, {p: [np.inf]})


# -- image -----------------------------------------------------------------------------------

POSITIVE = np.array([[[0.0, 0.25, 0.5], [0.1, 0.2, 0.3]],
                     [[0.5, 0.5, 0.5], [0.05, 0.45, 0.33]]], np.float32)
MIXED = np.array([[[-1.0, 0.0, 0.5], [np.nan, 0.2, 0.3]],
                  [[0.25, -0.5, 0.75], [1.0, 0.0, -0.25]]], np.float32)


def decode_png(data):
    from PIL import Image
    return np.array(Image.open(io.BytesIO(data)))


def test_float_images_are_scaled_as_tf_does():
    pytest.importorskip("PIL")
    s = tf.summary.image("im", tf.constant(np.stack([POSITIVE, MIXED])), max_outputs=5)
    assert s.op.type == "ImageSummary" and s.op.get_attr("max_images") == 5
    values = parse(run(s)).value
    assert [v.tag for v in values] == ["im/image/0", "im/image/1"]
    assert [(v.image.height, v.image.width, v.image.colorspace) for v in values] == [(2, 2, 3)] * 2
    # The pixels TF's ImageSummary kernel writes for these images: 255/max when all >= 0,
    # else 127/max|x| around 128; the NaN pixel gets bad_color (red).
    assert decode_png(values[0].image.encoded_image_string).tolist() == [
        [[0, 127, 255], [51, 102, 153]], [[255, 255, 255], [25, 229, 168]]]
    assert decode_png(values[1].image.encoded_image_string).tolist() == [
        [[1, 128, 191], [255, 0, 0]], [[159, 64, 223], [255, 128, 96]]]


def test_uint8_images_max_outputs_and_channels():
    pytest.importorskip("PIL")
    gray = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4, 1) * 10
    rgba = np.random.default_rng(1).integers(0, 256, (1, 5, 2, 4), dtype=np.uint8)
    with tf.name_scope("inputs"):
        g = tf.summary.image("gray", gray, max_outputs=1)
    r = tf.summary.image("rgba", rgba)
    gv, rv = parse(run(g)).value, parse(run(r)).value
    assert [v.tag for v in gv] == ["inputs/gray/image"]  # one image: no index, as TF
    assert (gv[0].image.height, gv[0].image.width, gv[0].image.colorspace) == (3, 4, 1)
    np.testing.assert_array_equal(decode_png(gv[0].image.encoded_image_string), gray[0, :, :, 0])
    assert [v.tag for v in rv] == ["rgba/image/0"]
    np.testing.assert_array_equal(decode_png(rv[0].image.encoded_image_string), rgba[0])


def test_image_shape_errors():
    with pytest.raises(ValueError, match=r"4-D with last dim 1, 3, or 4, not \[2,3,4\]"):
        tf.summary.image("bad", tf.zeros([2, 3, 4]))
    with pytest.raises(ValueError, match=r"not \[1,3,4,2\]"):
        tf.summary.image("bad", tf.zeros([1, 3, 4, 2]))
    with pytest.raises(TypeError, match="int32"):
        tf.summary.image("bad", tf.zeros([1, 3, 4, 1], tf.int32))
    p = tf.placeholder(tf.float32)
    s = tf.summary.image("late", p)
    with pytest.raises(errors.InvalidArgumentError, match=r"not \[3,3\]"):
        run(s, {p: np.zeros([3, 3])})


# -- audio, text, tensor ---------------------------------------------------------------------

def test_audio_is_16_bit_wav_rounded_as_tf():
    clips = np.array([[[2.5 / 32768, 0.1], [-2.5 / 32768, -0.2], [1.5, -3.0]]], np.float32)
    s = tf.summary.audio("au", clips, 8000)
    value = parse(run(s)).value[0]
    assert s.op.type == "AudioSummaryV2" and s.op.inputs[2].op.name == "au/sample_rate"
    assert value.tag == "au/audio/0"
    audio = value.audio
    assert (audio.sample_rate, audio.num_channels, audio.length_frames, audio.content_type) == (
        8000.0, 2, 3, "audio/wav")
    with wave.open(io.BytesIO(audio.encoded_audio_string)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            2, 2, 8000, 3)
        samples = np.frombuffer(w.readframes(3), "<i2")
    # TF's samples: round half away from zero, clamp to int16.
    assert samples.tolist() == [3, 3277, -3, -6554, 32767, -32768]
    mono = parse(run(tf.summary.audio("mono", np.zeros([2, 10], np.float32), 100.0, max_outputs=1)))
    assert [v.tag for v in mono.value] == ["mono/audio"]
    assert mono.value[0].audio.num_channels == 1


def test_text_summary_uses_the_text_plugin():
    t = tf.summary.text("notes", tf.constant("**hello**"))
    assert t.op.type == "TensorSummaryV2"
    assert [i.op.name for i in t.op.inputs] == ["notes/tag", "Const",
                                                "notes/serialized_summary_metadata"]
    value = parse(run(t)).value[0]
    assert value.tag == "notes"
    assert value.metadata.plugin_data.plugin_name == "text"
    assert list(value.tensor.string_val) == [b"**hello**"]
    with pytest.raises(ValueError, match="dtype string"):
        tf.summary.text("n", tf.constant(1.0))


def test_tensor_summary_keeps_the_tensor_and_metadata():
    from minitf.framework.graph_def import tensor_proto_to_ndarray
    values = np.arange(6, dtype=np.int32).reshape(2, 3)
    s = tf.summary.tensor_summary("t", values, summary_description="desc", display_name="shown")
    value = parse(run(s)).value[0]
    assert value.tag == "t"
    assert (value.metadata.display_name, value.metadata.summary_description) == ("shown", "desc")
    np.testing.assert_array_equal(tensor_proto_to_ndarray(value.tensor), values)


# -- merge -----------------------------------------------------------------------------------

def test_merge_names_and_accepts_serialized_constants():
    a = tf.summary.scalar("a", 1.0)
    extra = Summary(value=[Summary.Value(tag="z", simple_value=2.0)]).SerializeToString()
    m = tf.summary.merge([a, tf.constant(np.array(extra, dtype=object))])
    assert m.op.name == "Merge/MergeSummary" and m.op.type == "MergeSummary"
    assert tf.get_collection("summaries") == [a]  # merge adds itself to no collection
    assert [(v.tag, v.simple_value) for v in parse(run(m)).value] == [("a", 1.0), ("z", 2.0)]
    named = tf.summary.merge([a], name="all")
    assert named.op.name == "all/all"


def test_merge_errors_are_tfs():
    a = tf.summary.scalar("a", 1.0)
    with pytest.raises(errors.InvalidArgumentError,
                       match="Duplicate tag a found in summary inputs"):
        run(tf.summary.merge([a, a]))
    with pytest.raises(errors.InvalidArgumentError,
                       match="Could not parse one of the summary inputs"):
        run(tf.summary.merge([tf.constant("\x07garbage")]))
    with pytest.raises(ValueError, match="at least one"):
        tf.summary.merge([])
    with pytest.raises(TypeError, match="string"):
        tf.summary.merge([tf.constant(1.0)])


def test_summary_ops_run_on_the_host_and_have_no_gradient():
    x = tf.placeholder(tf.float32, [])
    with tf.device("/gpu:0"):
        s = tf.summary.scalar("x", x)
    assert s.op.device == "/device:CPU:0"
    assert tf.gradients(tf.summary.histogram("h", x), [x]) == [None]


def test_scalar_of_a_vector_says_how_to_fix_it():
    with pytest.raises(ValueError, match=r"reduce the tensor first \(tf.reduce_mean\)"):
        tf.summary.scalar("loss", tf.zeros([3]))
