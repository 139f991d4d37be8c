"""tensorflow.python.client.timeline, tf.train.ProfilerHook, tf.train.SessionManager and
tf.train.Supervisor against what TensorFlow did (tests/fixtures/tf_supervisor.json, written by
tests/record_tf_supervisor.py running the same programs on TF)."""

import glob
import json
import os
import threading

import numpy as np
import pytest

import minitf as tf
from tests.helpers import recorded_program_tests

RECORDER, test_programs_do_what_tensorflow_did, test_every_recorded_program_is_run = (
    recorded_program_tests("tf_supervisor"))


def test_timeline_is_importable_by_tf1s_path_and_reads_a_traced_run():
    from minitf.python.client import timeline
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    a, b = tf.split(x * 2.0, 2, axis=1, name="halves")
    y = tf.add(a, b, name="y")
    meta = tf.RunMetadata()
    with tf.Session() as s:
        s.run(y, {x: np.ones((3, 2))}, run_metadata=meta,
              options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE))
    stats = {n.node_name: n for d in meta.step_stats.dev_stats for n in d.node_stats}
    assert stats["y"].timeline_label == "y = Add(halves, halves:1)"
    assert [o.tensor_description.allocation_description.requested_bytes
            for o in stats["halves"].output] == [12, 12]
    trace = json.loads(timeline.Timeline(meta.step_stats, graph=tf.get_default_graph())
                       .generate_chrome_trace_format(show_memory=True))
    (event,) = [e for e in trace["traceEvents"] if e["ph"] == "X" and e["name"] == "Add"]
    assert event["args"] == {"name": "y", "op": "Add", "input0": "halves", "input1": "halves:1"}
    deletes = {e["name"] for e in trace["traceEvents"] if e["ph"] == "D"}
    assert {"halves", "halves:1", "y"} <= deletes


def _model():
    step = tf.train.get_or_create_global_step()
    w = tf.Variable(1.0, name="w")
    loss = tf.square(w - 3.0)
    return step, w, tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)


def test_supervisor_finalizes_the_graph(tmp_path):
    _model()
    tf.train.Supervisor(logdir=str(tmp_path), save_model_secs=0, save_summaries_secs=0)
    with pytest.raises(RuntimeError, match="finalized"):
        tf.constant(1.0)
    tf.summary.FileWriterCache.clear()


def test_an_error_of_a_service_thread_reaches_the_end_of_managed_session(tmp_path):
    _model()
    sv = tf.train.Supervisor(logdir=None)

    def fail():
        raise ValueError("from the loop thread")
    with pytest.raises(ValueError, match="from the loop thread"):
        with sv.managed_session():
            sv.loop(0.01, fail)
            assert sv.coord.wait_for_stop(5)
    assert sv.should_stop()


def test_supervisor_arguments_are_used(tmp_path):
    step, w, train = _model()
    start = tf.placeholder(tf.float32, [], name="start")
    v = tf.Variable(start, name="v")
    seen = []
    writer = tf.summary.FileWriter(str(tmp_path / "elsewhere"))
    sv = tf.train.Supervisor(logdir=str(tmp_path), init_feed_dict={start: 4.0},
                             init_fn=lambda sess: seen.append(float(sess.run(v))),
                             summary_writer=writer, saver=None, save_summaries_secs=0)
    assert sv.saver is None and sv.summary_writer is writer
    with sv.managed_session(close_summary_writer=False) as sess:
        assert seen == [4.0] and float(sess.run(v)) == 4.0
    assert sorted(os.listdir(tmp_path)) == ["elsewhere", "graph.pbtxt"]  # no checkpoints
    writer.flush()
    kinds = [e.WhichOneof("what") for e in tf.train.summary_iterator(
        glob.glob(str(tmp_path / "elsewhere" / "events.*"))[0])]
    assert kinds == ["file_version", "graph_def", "meta_graph_def", "session_log"]  # no STOP
    writer.close()


def test_prepare_session_waits_for_a_checkpoint(tmp_path):
    step, w, train = _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        other = threading.Timer(0.1, saver.save, (sess, str(tmp_path / "model.ckpt")),
                                {"global_step": step})
        other.start()
        sm = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables(),
                                     recovery_wait_secs=0.02)
        restored = sm.prepare_session("", saver=saver, checkpoint_dir=str(tmp_path),
                                      wait_for_checkpoint=True, max_wait_secs=10)
        other.join()
    assert restored.run(step) == 1 and restored.run(w) == pytest.approx(1.4)
    nothing = tf.train.SessionManager(recovery_wait_secs=0.02).prepare_session(
        "", init_op=tf.global_variables_initializer(), saver=saver,
        checkpoint_dir=str(tmp_path / "empty"), wait_for_checkpoint=True, max_wait_secs=0.05)
    assert nothing.run(step) == 0  # gave up waiting: initialized


def test_a_non_chief_supervisor_waits_for_a_ready_model():
    with tf.device("/cpu:0"):
        _model()
    sv = tf.train.Supervisor(is_chief=False, recovery_wait_secs=0.01)
    assert sv.summary_writer is None and sv.save_path is None
    with pytest.raises(tf.errors.DeadlineExceededError, match="not ready after waiting 0 secs"):
        sv.prepare_or_wait_for_session(max_wait_secs=0.05)
    with pytest.raises(RuntimeError, match="Only chief supervisor"):
        sv.start_standard_services(None)


def test_looper_thread_arguments():
    coord = tf.train.Coordinator()
    with pytest.raises(ValueError, match="'coord' argument must be a Coordinator"):
        tf.train.LooperThread(None, 1)
    with pytest.raises(ValueError, match="require that you also pass 'target'"):
        tf.train.LooperThread(coord, 1, args=(1,))
    calls = []

    def call():
        calls.append(1)
        if len(calls) == 4:
            coord.request_stop()
    looper = tf.train.LooperThread.loop(coord, None, call)
    coord.join([looper])
    assert len(calls) == 4  # back to back until the stop
