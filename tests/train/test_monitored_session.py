"""Tests of tf.train.MonitoredTrainingSession, MonitoredSession, Scaffold and the session hooks.

The programs of tests/record_tf_monitored_session.py run here on minitf and must give what
TensorFlow gave (tests/fixtures/tf_monitored_session.json): the steps hooks act on, the
checkpoints and summary events in checkpoint_dir, hook call order, errors and messages. The
other tests cover what that record cannot (timing, logging text, recovery, options)."""

import logging
import os

import numpy as np
import pytest

import minitf as tf
from minitf import errors
from minitf.train import basic_session_run_hooks, monitored_session
from tests.helpers import recorded_program_tests

RECORDER, test_programs_do_what_tensorflow_did, test_every_recorded_program_is_run = (
    recorded_program_tests("tf_monitored_session"))


@pytest.fixture(autouse=True)
def _close_cached_writers():
    yield
    tf.summary.FileWriterCache.clear()  # writers for tmp dirs must not outlive the test


def _counter():
    step = tf.train.get_or_create_global_step()
    return step, tf.assign_add(step, 1)


def test_exports_and_signatures():
    import inspect
    names = ["SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues",
             "Scaffold", "MonitoredSession", "SingularMonitoredSession", "ChiefSessionCreator",
             "WorkerSessionCreator", "SessionCreator", "MonitoredTrainingSession",
             "StopAtStepHook", "CheckpointSaverHook", "CheckpointSaverListener",
             "SummarySaverHook", "LoggingTensorHook", "NanTensorHook", "StepCounterHook",
             "FinalOpsHook", "FeedFnHook", "SecondOrStepTimer", "GlobalStepWaiterHook",
             "NanLossDuringTrainingError"]
    for name in names:
        assert getattr(tf.train, name) is getattr(tf.compat.v1.train, name)
    params = inspect.signature(tf.train.MonitoredTrainingSession).parameters
    assert list(params)[:6] == ["master", "is_chief", "checkpoint_dir", "scaffold", "hooks",
                                "chief_only_hooks"]
    assert params["log_step_count_steps"].default == 100
    assert params["max_wait_secs"].default == 7200
    args = tf.train.SessionRunArgs("x")
    assert (args.fetches, args.feed_dict, args.options) == ("x", None, None)


def test_hook_base_does_nothing():
    hook = tf.train.SessionRunHook()
    assert hook.before_run(None) is None
    assert (hook.begin(), hook.after_create_session(None, None), hook.after_run(None, None),
            hook.end(None)) == (None, None, None, None)


def test_second_or_step_timer_by_seconds(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(basic_session_run_hooks.time, "time", lambda: now[0])
    timer = tf.train.SecondOrStepTimer(every_secs=10)
    assert timer.should_trigger_for_step(0)
    assert timer.update_last_triggered_step(0) == (None, None)
    now[0] = 105.0
    assert not timer.should_trigger_for_step(5)
    now[0] = 110.0
    assert not timer.should_trigger_for_step(0)  # never twice for one step
    assert timer.should_trigger_for_step(7)
    assert timer.update_last_triggered_step(7) == (10.0, 7)
    assert timer.last_triggered_step() == 7


def test_checkpoint_every_n_seconds(fresh_graph, tmp_path, monkeypatch):
    now = [0.0]
    monkeypatch.setattr(basic_session_run_hooks.time, "time", lambda: now[0])
    step, inc = _counter()
    tf.Variable(1.0, name="v")
    hook = tf.train.CheckpointSaverHook(str(tmp_path), save_secs=60)
    with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
        for _ in range(3):
            sess.run(inc)
        now[0] = 61.0
        sess.run(inc)  # step 4: a minute has passed
        sess.run(inc)
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert [os.path.basename(p) for p in state.all_model_checkpoint_paths] == [
        "model.ckpt-0", "model.ckpt-4", "model.ckpt-5"]


def test_step_counter_writes_steps_per_second(fresh_graph, tmp_path, monkeypatch):
    now = [0.0]
    monkeypatch.setattr(basic_session_run_hooks.time, "time", lambda: now[0])
    step, inc = _counter()
    hook = tf.train.StepCounterHook(every_n_steps=2, output_dir=str(tmp_path))
    with tf.train.MonitoredSession(hooks=[hook]) as sess:
        for _ in range(5):
            now[0] += 0.5
            sess.run(inc)
    tf.summary.FileWriterCache.clear()
    [path] = tmp_path.glob("events.out.tfevents.*")
    rates = [(e.step, v.tag, v.simple_value) for e in tf.train.summary_iterator(str(path))
             for v in e.summary.value]
    assert rates == [(3, "global_step/sec", 2.0), (5, "global_step/sec", 2.0)]


def test_logging_tensor_hook_messages(fresh_graph, caplog, monkeypatch):
    now = [0.0]
    monkeypatch.setattr(basic_session_run_hooks.time, "time", lambda: now[0])
    step, inc = _counter()
    x = tf.constant([0.5, 1e-9])
    tf.constant(3, name="c")
    hook = tf.train.LoggingTensorHook({"x": x, "c": "c"}, every_n_iter=2)  # (a name: "c:0")
    with caplog.at_level(logging.INFO, logger="minitf"):
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            for _ in range(3):
                now[0] += 1.5
                sess.run(inc)
    lines = [r.getMessage() for r in caplog.records if "c =" in r.getMessage()]
    # tags sorted; numpy printed without scientific notation; seconds since the last log
    assert lines == ["c = 3, x = [0.5 0. ]", "c = 3, x = [0.5 0. ] (3.000 sec)"]


def test_logging_tensor_hook_rejects_ambiguous_and_foreign_tensors(fresh_graph):
    a, b = tf.split(tf.constant([1.0, 2.0]), 2, name="two")
    with tf.Graph().as_default():
        other = tf.constant(1.0)
    for tensors, text in [(["two"], "Name two is ambiguous"),
                          ([other], "should have graph attribute that is equal")]:
        hook = tf.train.LoggingTensorHook(tensors, every_n_iter=1)
        with pytest.raises(ValueError, match=text):
            hook.begin()


def test_worker_session_initializes_its_own_and_runs_only_its_hooks(fresh_graph, tmp_path):
    step, inc = _counter()
    v = tf.Variable(3.0, name="v")
    with tf.train.MonitoredTrainingSession(is_chief=False, checkpoint_dir=str(tmp_path),
                                           hooks=[tf.train.StopAtStepHook(last_step=2)]) as sess:
        assert sess.run(v) == 3.0
        while not sess.should_stop():
            sess.run(inc)
    assert os.listdir(tmp_path) == []  # no default hooks on a worker: no checkpoint, summary


def test_restore_from_a_named_checkpoint(fresh_graph, tmp_path):
    step, inc = _counter()
    v = tf.Variable(1.0, name="v")
    bump = tf.assign_add(v, 1.0)
    with tf.train.SingularMonitoredSession(checkpoint_dir=str(tmp_path), hooks=[
            tf.train.CheckpointSaverHook(str(tmp_path), save_steps=1)]) as sess:
        sess.run([inc, bump])
        sess.run([inc, bump])
    assert not fresh_graph.finalized  # unfinalized again on close: it was not before
    first = os.path.join(str(tmp_path), "model.ckpt-1")
    with tf.train.SingularMonitoredSession(checkpoint_filename_with_path=first) as sess:
        assert sess.run([step, v]) == [1, 2.0]
    with tf.train.SingularMonitoredSession(checkpoint_dir=str(tmp_path)) as sess:
        assert sess.run([step, v]) == [2, 3.0]


def test_scaffold_arguments_are_used(fresh_graph):
    v = tf.Variable(1.0, name="v")
    set7 = tf.assign(v, 7.0)
    scaffold = tf.train.Scaffold(init_op=set7)
    with tf.train.MonitoredSession(
            session_creator=tf.train.ChiefSessionCreator(scaffold=scaffold)) as sess:
        assert sess.run(v) == 7.0
    assert scaffold.init_op is set7 and scaffold.ready_op is not None
    # an init op that leaves a variable uninitialized fails the ready check with its name
    with tf.Graph().as_default():
        tf.Variable(1.0, name="a")
        tf.Variable(1.0, name="b")
        scaffold = tf.train.Scaffold(init_op=tf.no_op())
        with pytest.raises(RuntimeError, match="Variables not initialized: a, b"):
            tf.train.MonitoredSession(
                session_creator=tf.train.ChiefSessionCreator(scaffold=scaffold))


def test_run_options_of_hooks_are_merged(fresh_graph):
    step, inc = _counter()
    seen = []

    class Options(tf.train.SessionRunHook):
        def __init__(self, timeout):
            self.timeout = timeout

        def before_run(self, run_context):
            return tf.train.SessionRunArgs(None, options=tf.RunOptions(
                timeout_in_ms=self.timeout, output_partition_graphs=self.timeout > 5))

        def after_run(self, run_context, run_values):
            seen.append((run_values.options.timeout_in_ms,
                         run_values.options.output_partition_graphs, run_values.results,
                         isinstance(run_values.run_metadata, tf.RunMetadata)))

    with tf.train.MonitoredSession(hooks=[Options(5000), Options(3)]) as sess:
        sess.run(inc, options=tf.RunOptions(timeout_in_ms=10))
    assert seen == [(5000, True, None, True)] * 2


def test_session_is_recreated_after_a_preemption(fresh_graph):
    step, inc = _counter()
    events = []

    class Flaky(tf.train.SessionRunHook):
        failed = False

        def after_create_session(self, session, coord):
            events.append("created")

        def before_run(self, run_context):
            if not Flaky.failed:
                Flaky.failed = True
                raise errors.AbortedError(None, None, "worker went away")

    with tf.train.MonitoredSession(hooks=[Flaky()]) as sess:
        assert sess.run(inc) == 1
    assert events == ["created", "created"]
    # a SingularMonitoredSession does not recover
    Flaky.failed = False
    with pytest.raises(errors.AbortedError):
        with tf.train.SingularMonitoredSession(hooks=[Flaky()]) as sess:
            sess.run(inc)


def test_thread_errors_stop_and_reach_close_and_queue_runners_start(fresh_graph):
    step, inc = _counter()
    q = tf.FIFOQueue(10, tf.int64)
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(step)]))
    x = q.dequeue()
    sess = tf.train.MonitoredSession()
    assert sess.run(x) == 0  # filled by the runner's thread
    sess._coordinated_creator.coord.request_stop(ValueError("from a thread"))
    assert sess.should_stop()  # (a MonitoredSession's should_stop reports, never raises)
    with pytest.raises(ValueError, match="from a thread"):
        sess.close()  # the coordinator's join re-raises it


def test_run_step_fn_with_a_method_and_the_raw_session(fresh_graph):
    step, inc = _counter()

    class Trainer:
        def step(self, step_context):
            step_context.session.run(inc)  # no hooks
            return step_context.run_with_hooks(inc)

    with tf.train.MonitoredSession() as sess:
        assert sess.run_step_fn(Trainer().step) == 2
        assert isinstance(sess.graph, tf.Graph)


def test_monitored_session_defaults_without_directories(fresh_graph):
    step, inc = _counter()
    session = tf.train.MonitoredTrainingSession()
    assert [type(h) for h in session._hooks] == []  # no summary_dir, no checkpoint_dir
    session.close()
    with tf.train.MonitoredTrainingSession(summary_dir="unused", save_summaries_steps=None,
                                           save_summaries_secs=None,
                                           log_step_count_steps=0) as session:
        assert session._hooks == []


def test_default_hooks_of_the_chief(fresh_graph, tmp_path):
    step, inc = _counter()
    session = tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path),
                                                save_summaries_secs=30)
    hooks = session._hooks
    assert [type(h).__name__ for h in hooks] == ["StepCounterHook", "SummarySaverHook",
                                                 "CheckpointSaverHook"]
    assert hooks[1]._timer._every_secs == 30 and hooks[1]._timer._every_steps is None
    assert hooks[2]._timer._every_secs == 600 and hooks[2]._timer._every_steps is None
    session.close()


def test_feed_fn_and_final_ops_with_feeds(fresh_graph):
    x = tf.placeholder(tf.float32, [])
    final = tf.train.FinalOpsHook({"twice": x * 2}, final_ops_feed_dict={x: 4.0})
    assert final.final_ops_values is None
    with tf.train.MonitoredSession(hooks=[final]) as sess:
        pass
    assert final.final_ops_values == {"twice": 8.0}


def test_global_step_waiter(fresh_graph, monkeypatch):
    step, inc = _counter()
    sleeps = []
    monkeypatch.setattr(basic_session_run_hooks.time, "sleep", sleeps.append)
    assert monitored_session  # (module importable under its own name)
    with tf.train.MonitoredSession(hooks=[tf.train.GlobalStepWaiterHook(0)]) as sess:
        assert sess.run(inc) == 1
    assert sleeps == []
