"""FileWriter: event files written by minitf and read back with TensorBoard's own readers
(EventAccumulator, LegacyEventFileLoader): scalars, histograms, images, text, audio and the graph;
unique file names, flushing, TF's error classes for bad folders and bad arguments."""

import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import minitf as tf
from minitf import errors

ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
loader = pytest.importorskip("tensorboard.backend.event_processing.event_file_loader")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


pytestmark = pytest.mark.usefixtures("fresh_graph")


def accumulate(logdir):
    acc = ea.EventAccumulator(str(logdir), size_guidance=ea.STORE_EVERYTHING_SIZE_GUIDANCE)
    acc.Reload()
    return acc


def event_files(logdir):
    return sorted(os.path.join(logdir, f) for f in os.listdir(logdir) if "tfevents" in f)


def events_in(path):
    return list(loader.LegacyEventFileLoader(path).Load())  # the events as written


def summary_tags(path):
    return [[v.tag for v in e.summary.value] for e in events_in(path) if e.HasField("summary")]


def test_lecture_training_loop_is_read_back_by_tensorboard(tmp_path):
    x = tf.Variable(5.0, name="X")
    f = x ** 2
    step = tf.train.GradientDescentOptimizer(0.1).minimize(f)
    tf.summary.scalar("curr_x", x)
    tf.summary.scalar("curr_f", f)
    summaries = tf.summary.merge_all()
    s = tf.Session()
    summary_writer = tf.summary.FileWriter(str(tmp_path / "1"), s.graph)
    s.run(tf.global_variables_initializer())
    xs = []
    for i in range(10):
        _, curr_summaries, curr_x = s.run([step, summaries, x])
        xs.append(curr_x)
        summary_writer.add_summary(curr_summaries, i)
        summary_writer.flush()
    s.close()

    acc = accumulate(tmp_path / "1")
    assert set(acc.Tags()["scalars"]) == {"curr_x", "curr_f"}
    assert acc.Tags()["graph"] is True
    curr_x = acc.Scalars("curr_x")
    assert [e.step for e in curr_x] == list(range(10))
    # The summary saw x before the step (like f); the fetched variable is its value after the
    # run's update, as TF1 reports a variable fetched with a train op.
    seen = np.array([e.value for e in curr_x])
    np.testing.assert_allclose(seen, 5.0 * 0.8 ** np.arange(10), rtol=1e-5)
    np.testing.assert_allclose([e.value for e in acc.Scalars("curr_f")], np.square(seen), rtol=1e-5)
    np.testing.assert_allclose(xs, seen * 0.8, rtol=1e-6)

    nodes = {n.name: n for n in acc.Graph().node}
    assert nodes["X"].op == "VariableV2"
    assert nodes["curr_x"].op == "ScalarSummary"
    assert list(nodes["curr_x"].input) == ["curr_x/tags", "X/read"]
    assert nodes["GradientDescent"].op == "NoOp"
    assert list(nodes["GradientDescent"].input) == [
        "^GradientDescent/update_X/ApplyGradientDescent"]
    update = nodes["GradientDescent/update_X/ApplyGradientDescent"]
    assert update.op == "ApplyGradientDescent" and update.input[0] == "X"
    assert update.input[2].startswith("gradients/")
    assert any(name.startswith("gradients/pow_grad/") for name in nodes)
    assert nodes["Merge/MergeSummary"].attr["N"].i == 2
    assert nodes["pow"].attr["_output_shapes"].list.shape[0].dim == []  # add_graph adds shapes


def test_histograms_images_text_and_audio_are_read_back(tmp_path):
    pytest.importorskip("PIL")
    rng = np.random.default_rng(0)
    w = tf.placeholder(tf.float32, [None, 4])
    tf.summary.histogram("weights", w)
    tf.summary.image("digits", tf.placeholder_with_default(np.zeros([3, 8, 6, 1], np.float32),
                                                           [None, 8, 6, 1]), max_outputs=2)
    tf.summary.text("notes", tf.constant("step *notes*"))
    tf.summary.audio("beep", np.sin(np.linspace(0, 100, 800, dtype=np.float32))[None], 8000.0)
    merged = tf.summary.merge_all()
    with tf.Session() as s, tf.summary.FileWriter(str(tmp_path)) as writer:
        for step in (1, 2):
            writer.add_summary(s.run(merged, {w: rng.normal(size=(50, 4))}), step)

    acc = accumulate(tmp_path)
    tags = acc.Tags()
    assert tags["histograms"] == ["weights"]
    assert sorted(tags["images"]) == ["digits/image/0", "digits/image/1"]
    assert tags["audio"] == ["beep/audio/0"]
    assert "notes" in tags["tensors"]
    histos = acc.Histograms("weights")
    assert [h.step for h in histos] == [1, 2]
    assert [h.histogram_value.num for h in histos] == [200, 200]
    assert [sum(h.histogram_value.bucket) for h in histos] == [200, 200]
    images = acc.Images("digits/image/1")
    assert [(i.step, i.width, i.height) for i in images] == [(1, 6, 8), (2, 6, 8)]
    text = acc.Tensors("notes")
    assert [list(t.tensor_proto.string_val) for t in text] == [[b"step *notes*"]] * 2
    assert acc.SummaryMetadata("notes").plugin_data.plugin_name == "text"
    audio = acc.Audio("beep/audio/0")
    assert (audio[0].sample_rate, audio[0].length_frames, audio[0].content_type) == (
        8000.0, 800, "audio/wav")


def test_text_plugin_metadata_is_written_only_the_first_time(tmp_path):
    t = tf.summary.text("log", tf.constant("hi"))
    with tf.Session() as s, tf.summary.FileWriter(str(tmp_path)) as writer:
        for i in range(3):
            writer.add_summary(s.run(t), i)
    (path,) = event_files(tmp_path)
    values = [e.summary.value[0] for e in events_in(path) if e.HasField("summary")]
    assert [v.HasField("metadata") for v in values] == [True, False, False]


def test_two_writers_on_one_folder_keep_separate_files(tmp_path):
    a = tf.summary.FileWriter(str(tmp_path))
    b = tf.summary.FileWriter(str(tmp_path))  # same second, same host: still a new file
    a.add_summary(tf.summary.Summary(value=[tf.summary.Summary.Value(tag="a", simple_value=1)]), 0)
    b.add_summary(tf.summary.Summary(value=[tf.summary.Summary.Value(tag="b", simple_value=2)]), 0)
    a.close()
    b.close()
    files = event_files(tmp_path)
    assert len(files) == 2
    assert sorted(summary_tags(p) for p in files) == [[["a"]], [["b"]]]
    assert sorted(accumulate(tmp_path).Tags()["scalars"]) == ["a", "b"]


def test_close_drops_events_until_reopen_which_starts_a_new_file(tmp_path):
    value = tf.summary.Summary(value=[tf.summary.Summary.Value(tag="v", simple_value=1)])
    with tf.summary.FileWriter(str(tmp_path / "run")) as writer:
        assert writer.get_logdir() == str(tmp_path / "run")
        writer.add_summary(value, 1)
    writer.add_summary(value, 2)  # closed: dropped, as in TF
    writer.reopen()
    writer.add_summary(value.SerializeToString(), 3)
    writer.close()
    writer.close()
    files = event_files(tmp_path / "run")
    assert len(files) == 2
    steps = [[e.step for e in events_in(p) if e.HasField("summary")] for p in files]
    assert sorted(steps) == [[1], [3]]
    first = events_in(files[0])[0]
    assert first.file_version == "brain.Event:2"


def test_add_graph_event_and_session_log(tmp_path):
    a = tf.placeholder(tf.float32, [None, 2], name="a")
    tf.identity(a * 2.0, name="out")
    graph_def = tf.get_default_graph().as_graph_def()
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_graph(graph_def, global_step=7)
        writer.add_session_log(tf.summary.SessionLog(status=tf.summary.SessionLog.START), 8)
        writer.add_event(tf.summary.Event(step=9, wall_time=1.5, summary=tf.summary.Summary()))
        with pytest.raises(TypeError, match=r"tf.Graph .*got NoneType"):
            writer.add_graph(None)
        with tf.Session() as sess, pytest.raises(TypeError,
                                                 match=r"got Session \(pass session.graph\)"):
            writer.add_graph(sess)
        with pytest.raises(TypeError, match="MetaGraphDef"):
            writer.add_meta_graph(graph_def)
        with pytest.raises(TypeError, match="Event protocol buffer"):
            writer.add_event("event")
    (path,) = event_files(tmp_path)
    events = events_in(path)[1:]
    assert [e.step for e in events] == [7, 8, 9]
    assert events[1].session_log.status == tf.summary.SessionLog.START
    assert events[2].wall_time == 1.5
    assert [n.name for n in accumulate(tmp_path).Graph().node] == [n.name for n in graph_def.node]


def test_meta_graph_is_read_back(tmp_path):
    tf.constant(1.0, name="c")
    with tf.summary.FileWriter(tmp_path) as writer:  # a path object is fine too
        writer.add_meta_graph(tf.train.export_meta_graph())
    acc = accumulate(tmp_path)
    assert acc.Tags()["meta_graph"] is True
    assert [n.name for n in acc.MetaGraph().graph_def.node] == ["c"]


def test_add_summary_of_a_non_summary_is_a_type_error_and_keeps_earlier_events(tmp_path):
    s = tf.summary.scalar("kept", 1.0)
    writer = tf.summary.FileWriter(str(tmp_path), flush_secs=1000)
    with tf.Session() as sess:
        writer.add_summary(sess.run(s), 1)
    (path,) = event_files(tmp_path)
    for bad, hint in [("text", "got str"), (3, "got int"), (s, "Session.run"),
                      (b"\xff\xff\xff", "do not parse")]:
        with pytest.raises(TypeError, match="add_summary expects a Summary protocol buffer or its "
                                            "serialized bytes.*" + hint):
            writer.add_summary(bad, 2)
    # already on disk, although the writer was neither flushed nor closed
    assert summary_tags(path) == [["kept"]]
    writer.close()


def test_unwritable_folders_raise_tf_errors_naming_the_path(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(errors.FailedPreconditionError, match=str(blocker / "logs")):
        tf.summary.FileWriter(str(blocker / "logs"))
    with pytest.raises(errors.FailedPreconditionError, match=str(blocker)):
        tf.summary.FileWriter(str(blocker))
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(errors.PermissionDeniedError, match=str(locked)):
            tf.summary.FileWriter(str(locked / "logs"))


def test_flush_secs_flushes_in_the_background(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path), flush_secs=0.1)
    writer.add_summary(tf.summary.Summary(value=[tf.summary.Summary.Value(tag="t",
                                                                          simple_value=1)]))
    (path,) = event_files(tmp_path)
    deadline = time.time() + 10
    while not summary_tags(path) and time.time() < deadline:
        time.sleep(0.05)
    assert summary_tags(path) == [["t"]]
    writer.close()


def test_events_are_flushed_when_the_program_dies(tmp_path):
    script = textwrap.dedent("""
        import sys
        import minitf as tf
        writer = tf.summary.FileWriter(sys.argv[1], flush_secs=1000)
        with tf.Session() as s:
            writer.add_summary(s.run(tf.summary.scalar("before_crash", 1.0)), 5)
        raise SystemExit("crashed")
    """)
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "crashed" in result.stderr
    assert [e.step for e in accumulate(tmp_path).Scalars("before_crash")] == [5]


def test_writer_made_with_a_graph_also_writes_its_meta_graph(tmp_path):
    tf.constant(1.0, name="c")
    with tf.summary.FileWriter(str(tmp_path), tf.get_default_graph()):
        pass
    acc = accumulate(tmp_path)
    assert acc.Tags()["graph"] is True and acc.Tags()["meta_graph"] is True  # as TF's
    assert [n.name for n in acc.MetaGraph().graph_def.node] == ["c"]


def test_file_writer_cache_shares_one_writer_per_directory(tmp_path):
    a = tf.summary.FileWriterCache.get(str(tmp_path))
    assert tf.summary.FileWriterCache.get(str(tmp_path)) is a
    tf.summary.FileWriterCache.clear()
    assert repr(a).endswith("closed>")
    b = tf.summary.FileWriterCache.get(str(tmp_path))
    assert b is not a
    tf.summary.FileWriterCache.clear()
