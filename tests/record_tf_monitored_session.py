"""Records what TF 2.x compat.v1 (TF 1.15's API) does with tf.train.MonitoredTrainingSession and
the session hooks, for tests/train/test_monitored_session.py: which steps the hooks act on,
which checkpoints and summary events land in checkpoint_dir, hook call order, error classes and
messages. Run in a throwaway venv with tensorflow-cpu (never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_monitored_session.py \
        > tests/fixtures/tf_monitored_session.json

The same programs run on minitf in the test (they only use names both have); `run_all(tf)`
returns the record, so the test compares minitf's record with this one.
"""
import glob
import json
import os
import shutil
import sys
import tempfile


def _events(tf, logdir):
    """Per event file (sorted by name, which starts with the creation time): the events a user
    sees, as [step, kind, detail] (no wall times or rates, which vary)."""
    out = []
    for path in sorted(glob.glob(os.path.join(logdir, "events.out.tfevents.*"))):
        rows = []
        for e in tf.train.summary_iterator(path):
            if e.HasField("file_version"):
                rows.append([e.step, "file_version"])
            elif e.HasField("graph_def"):
                rows.append([e.step, "graph"])
            elif e.HasField("meta_graph_def"):
                rows.append([e.step, "meta_graph"])
            elif e.HasField("session_log"):
                rows.append([e.step, "session_log", int(e.session_log.status)])
            elif e.HasField("summary"):
                rows.append([e.step, "summary", sorted(v.tag for v in e.summary.value)])
            else:
                rows.append([e.step, "other"])
        out.append(rows)
    return out


def _ckpt_files(d):
    return sorted(f for f in os.listdir(d) if not f.startswith("events.out"))


def _err(e):
    return [type(e).__name__, str(e).splitlines()[0] if str(e) else ""]


def _recording_hook(tf, log, name):
    class Hook(tf.train.SessionRunHook):
        def begin(self):
            log.append([name, "begin"])

        def after_create_session(self, session, coord):
            log.append([name, "after_create_session", type(coord).__name__])

        def before_run(self, run_context):
            log.append([name, "before_run", run_context.stop_requested])
            return None

        def after_run(self, run_context, run_values):
            log.append([name, "after_run", run_values.results])

        def end(self, session):
            log.append([name, "end"])
    return Hook()


def _model(tf):
    """A one-weight linear fit; the train op increments the global step."""
    step = tf.train.get_or_create_global_step()
    w = tf.Variable(1.0, name="w")
    loss = tf.square(w - 3.0, name="loss")
    tf.summary.scalar("loss", loss)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    return step, w, loss, train


def basic_training(tf, d):
    """StopAtStepHook(last_step=7), checkpoints and summaries every 3 steps."""
    rec = {}
    with tf.Graph().as_default() as g:
        step, w, loss, train = _model(tf)
        hook = tf.train.StopAtStepHook(last_step=7)
        steps = []
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=d, hooks=[hook], save_checkpoint_steps=3,
                save_summaries_steps=3, log_step_count_steps=2) as sess:
            rec["finalized"] = g.finalized
            while not sess.should_stop():
                steps.append(int(sess.run(step)))
                sess.run(train)
        rec["finalized_after"] = g.finalized
        rec["steps_seen"] = steps
    tf.summary.FileWriterCache.clear()
    rec["files"] = _ckpt_files(d)
    state = tf.train.get_checkpoint_state(d)
    rec["all_checkpoints"] = [os.path.basename(p) for p in state.all_model_checkpoint_paths]
    rec["events"] = _events(tf, d)
    # A second session on the same directory restores the last checkpoint.
    with tf.Graph().as_default():
        step, w, loss, train = _model(tf)
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=d, hooks=[tf.train.StopAtStepHook(num_steps=2)],
                save_checkpoint_steps=100, save_summaries_steps=None,
                log_step_count_steps=None) as sess:
            rec["restored_step"] = int(sess.run(step))
            rec["restored_w"] = round(float(sess.run(w)), 5)
            n = 0
            while not sess.should_stop():
                sess.run(train)
                n += 1
            rec["second_run_steps"] = n
    tf.summary.FileWriterCache.clear()
    rec["files_after_second"] = _ckpt_files(d)
    return rec


def hook_order(tf, d):
    log = []
    with tf.Graph().as_default():
        step, w, loss, train = _model(tf)
        a, b = _recording_hook(tf, log, "a"), _recording_hook(tf, log, "b")
        with tf.train.MonitoredTrainingSession(hooks=[a, tf.train.StopAtStepHook(num_steps=2)],
                                               chief_only_hooks=[b]) as sess:
            while not sess.should_stop():
                log.append(["user", "run", int(sess.run(step))])
                sess.run(train)
    return log


def fetch_merging(tf, d):
    rec = {}
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [], name="x")
        y = x * 2.0
        y3 = y * 3.0
        one = tf.constant(1)
        tf.train.get_or_create_global_step()

        class FeedHook(tf.train.SessionRunHook):
            def before_run(self, run_context):
                return tf.train.SessionRunArgs({"y": y, "orig": one},
                                               feed_dict={x: 5.0})

            def after_run(self, run_context, run_values):
                rec.setdefault("hook_results", []).append(
                    {k: float(v) for k, v in run_values.results.items()})
                rec["original_fetches_is_y"] = run_context.original_args.fetches is y

        with tf.train.MonitoredSession(hooks=[FeedHook()]) as sess:
            rec["user_result"] = float(sess.run(y3))
            try:
                sess.run(y, feed_dict={x: 1.0})
            except Exception as e:
                rec["user_feed_conflict"] = _err(e)
        with tf.train.MonitoredSession(hooks=[FeedHook(), FeedHook()]) as sess:
            try:
                sess.run(y)
            except Exception as e:
                rec["two_hooks_conflict"] = _err(e)
        with tf.train.MonitoredSession(
                hooks=[tf.train.FeedFnHook(lambda: {x: 4.0})]) as sess:
            rec["feed_fn"] = float(sess.run(y))
    return rec


def errors(tf, d):
    rec = {}

    def attempt(key, fn):
        try:
            fn()
            rec[key] = "ok"
        except Exception as e:
            rec[key] = _err(e)
    attempt("stop_neither", lambda: tf.train.StopAtStepHook())
    attempt("stop_both", lambda: tf.train.StopAtStepHook(num_steps=1, last_step=1))
    attempt("ckpt_neither", lambda: tf.train.CheckpointSaverHook(d))
    attempt("ckpt_both", lambda: tf.train.CheckpointSaverHook(d, save_secs=1, save_steps=1))
    attempt("summary_no_op", lambda: tf.train.SummarySaverHook(save_steps=1))
    attempt("step_counter_both", lambda: tf.train.StepCounterHook(every_n_steps=1,
                                                                  every_n_secs=1))
    attempt("logging_neither", lambda: tf.train.LoggingTensorHook(["a"]))
    attempt("logging_zero", lambda: tf.train.LoggingTensorHook(["a"], every_n_iter=0))
    attempt("timer_neither", lambda: tf.train.SecondOrStepTimer())
    attempt("timer_both", lambda: tf.train.SecondOrStepTimer(every_secs=1, every_steps=1))
    attempt("nan_str", lambda: str(tf.train.NanLossDuringTrainingError()))
    rec["nan_is_runtime_error"] = issubclass(tf.train.NanLossDuringTrainingError, RuntimeError)
    for name in ["StopAtStepHook", "CheckpointSaverHook", "SummarySaverHook", "StepCounterHook"]:
        def no_step(name=name):
            with tf.Graph().as_default():
                tf.Variable(1.0)
                make = {"StopAtStepHook": lambda: tf.train.StopAtStepHook(num_steps=1),
                        "CheckpointSaverHook": lambda: tf.train.CheckpointSaverHook(d, save_steps=1),
                        "SummarySaverHook": lambda: tf.train.SummarySaverHook(
                            save_steps=1, output_dir=d, summary_op=tf.constant("")),
                        "StepCounterHook": lambda: tf.train.StepCounterHook(output_dir=d)}[name]
                with tf.train.MonitoredSession(hooks=[make()]) as sess:
                    pass
        attempt("no_global_step_" + name, no_step)

    def nan():
        with tf.Graph().as_default():
            tf.train.get_or_create_global_step()
            loss = tf.constant(float("nan"))
            with tf.train.MonitoredSession(hooks=[tf.train.NanTensorHook(loss)]) as sess:
                sess.run(loss)
    attempt("nan_loss", nan)

    def nan_no_fail():
        with tf.Graph().as_default():
            loss = tf.constant(float("nan"))
            with tf.train.MonitoredSession(
                    hooks=[tf.train.NanTensorHook(loss, fail_on_nan_loss=False)]) as sess:
                sess.run(loss)
                rec["nan_no_fail_should_stop"] = sess.should_stop()
                sess.run(loss)
    attempt("nan_no_fail_run_again", nan_no_fail)

    def finalized():
        with tf.Graph().as_default():
            tf.Variable(1.0)
            with tf.train.MonitoredSession() as sess:
                tf.constant(1.0)
    attempt("graph_finalized", finalized)

    def closed():
        with tf.Graph().as_default():
            v = tf.Variable(1.0)
            sess = tf.train.MonitoredSession()
            sess.close()
            rec["closed_should_stop"] = sess.should_stop()
            sess.close()
    attempt("close_twice", closed)

    def both_ckpt():
        with tf.Graph().as_default():
            tf.Variable(1.0)
            tf.train.SingularMonitoredSession(checkpoint_dir=d,
                                              checkpoint_filename_with_path=d + "/x")
    attempt("both_checkpoint_args", both_ckpt)

    def scaffold_twice():
        with tf.Graph().as_default():
            tf.Variable(1.0)
            tf.add_to_collection(tf.GraphKeys.INIT_OP, tf.no_op())
            tf.add_to_collection(tf.GraphKeys.INIT_OP, tf.no_op())
            tf.train.Scaffold().finalize()
    attempt("scaffold_two_init_ops", scaffold_twice)
    attempt("scaffold_copy_bad", lambda: tf.train.Scaffold(copy_from_scaffold=1))

    def step_fn_bad():
        with tf.Graph().as_default():
            with tf.train.MonitoredSession() as sess:
                sess.run_step_fn(lambda a, b: None)
    attempt("run_step_fn_bad_args", step_fn_bad)
    return rec


def stopping(tf, d):
    rec = {}
    # OutOfRangeError from a dataset inside `with`: suppressed, hooks' end still runs.
    log = []
    with tf.Graph().as_default():
        tf.train.get_or_create_global_step()
        it = tf.data.Dataset.range(3).make_one_shot_iterator()
        nxt = it.get_next()
        fin = tf.train.FinalOpsHook(tf.constant(7) * 6)
        values = []
        with tf.train.MonitoredSession(hooks=[_recording_hook(tf, log, "h"), fin]) as sess:
            while not sess.should_stop():
                values.append(int(sess.run(nxt)))
        rec["out_of_range_values"] = values
        rec["out_of_range_log_tail"] = log[-3:]
        rec["final_ops_values"] = int(fin.final_ops_values)
    # StopIteration raised by user code inside `with` is suppressed too.
    with tf.Graph().as_default():
        with tf.train.MonitoredSession() as sess:
            raise StopIteration()
    rec["stop_iteration_suppressed"] = True
    # A ValueError is not suppressed, and end() is not called.
    log2 = []
    try:
        with tf.Graph().as_default():
            with tf.train.MonitoredSession(hooks=[_recording_hook(tf, log2, "h")]) as sess:
                raise ValueError("user")
    except ValueError as e:
        rec["value_error"] = _err(e)
    rec["value_error_log"] = [c[1] for c in log2]
    # run after should_stop: RuntimeError.
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        inc = tf.assign_add(step, 1)
        with tf.train.MonitoredSession(hooks=[tf.train.StopAtStepHook(last_step=1)]) as sess:
            sess.run(inc)
            rec["should_stop_after_last"] = sess.should_stop()
            try:
                sess.run(inc)
            except Exception as e:
                rec["run_after_stop"] = _err(e)
    # run_step_fn: request_stop from the step.
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        inc = tf.assign_add(step, 1)
        with tf.train.MonitoredSession() as sess:
            def step_fn(step_context):
                v = step_context.run_with_hooks(inc)
                if v >= 2:
                    step_context.request_stop()
                return int(v)
            got = []
            while not sess.should_stop():
                got.append(sess.run_step_fn(step_fn))
        rec["run_step_fn"] = got
    return rec


def logging_hook(tf, d):
    import logging as pylogging
    rec = {}
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        inc = tf.assign_add(step, 1, name="inc")
        formatted = []
        hook = tf.train.LoggingTensorHook({"s": step}, every_n_iter=2,
                                          formatter=lambda v: formatted.append(int(v["s"])))
        end_hook = tf.train.LoggingTensorHook({"s": step}, at_end=True,
                                              formatter=lambda v: formatted.append(-int(v["s"])))
        with tf.train.MonitoredSession(hooks=[hook, end_hook,
                                              tf.train.StopAtStepHook(last_step=5)]) as sess:
            while not sess.should_stop():
                sess.run(inc)
        rec["formatted"] = formatted
    return rec


def summary_hooks(tf, d):
    """SummarySaverHook and StepCounterHook with their own writers' directories."""
    rec = {}
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        inc = tf.assign_add(step, 1)
        s = tf.summary.scalar("c", tf.cast(step, tf.float32))
        hooks = [tf.train.SummarySaverHook(save_steps=2, output_dir=d, summary_op=s),
                 tf.train.StepCounterHook(every_n_steps=3, output_dir=d),
                 tf.train.StopAtStepHook(last_step=7)]
        with tf.train.SingularMonitoredSession(hooks=hooks) as sess:
            rec["raw_session_type"] = type(sess.raw_session()).__name__
            while not sess.should_stop():
                sess.run(inc)
    tf.summary.FileWriterCache.clear()
    rec["events"] = _events(tf, d)
    return rec


def listener(tf, d):
    log = []

    class L(tf.train.CheckpointSaverListener):
        def begin(self):
            log.append(["begin"])

        def before_save(self, session, global_step_value):
            log.append(["before_save", int(global_step_value)])

        def after_save(self, session, global_step_value):
            log.append(["after_save", int(global_step_value)])
            return global_step_value >= 4  # asks to stop

        def end(self, session, global_step_value):
            log.append(["end", int(global_step_value)])
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        tf.Variable(2.0, name="v")
        inc = tf.assign_add(step, 1)
        n = 0
        with tf.train.MonitoredSession(hooks=[tf.train.CheckpointSaverHook(
                d, save_steps=2, listeners=[L()], checkpoint_basename="m.ckpt")]) as sess:
            while not sess.should_stop():
                sess.run(inc)
                n += 1
        log.append(["runs", n])
    tf.summary.FileWriterCache.clear()
    return {"log": log, "files": _ckpt_files(d), "events": _events(tf, d)}


def defaults(tf, d):
    """Scaffold defaults and the collections finalize fills; MTS without checkpoint_dir."""
    rec = {}
    with tf.Graph().as_default() as g:
        tf.Variable(1.0, name="v")
        tf.Variable(2.0, name="lv", collections=[tf.GraphKeys.LOCAL_VARIABLES])
        sc = tf.train.Scaffold()
        rec["before"] = [sc.init_op, sc.saver, sc.summary_op]
        sc.finalize()
        rec["types"] = [isinstance(sc.init_op, tf.Operation),
                        isinstance(sc.local_init_op, tf.Operation),
                        isinstance(sc.ready_op, tf.Tensor), type(sc.saver).__name__,
                        sc.summary_op is None]
        rec["collections"] = [len(g.get_collection(k)) for k in
                              [tf.GraphKeys.INIT_OP, tf.GraphKeys.LOCAL_INIT_OP,
                               tf.GraphKeys.READY_OP, tf.GraphKeys.SAVERS,
                               tf.GraphKeys.SUMMARY_OP]]
        rec["finalized"] = g.finalized
        copy = tf.train.Scaffold(copy_from_scaffold=sc)
        rec["copy_shares_init_op"] = copy.init_op is sc.init_op
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        lv = tf.Variable(5.0, name="lv", collections=[tf.GraphKeys.LOCAL_VARIABLES])
        calls = []
        sc = tf.train.Scaffold(init_fn=lambda scaffold, sess: calls.append(
            type(scaffold).__name__))
        with tf.train.MonitoredTrainingSession(scaffold=sc) as sess:
            rec["values"] = [float(x) for x in sess.run([v, lv])]
        rec["init_fn_calls"] = calls
    return rec


PROGRAMS = [basic_training, hook_order, fetch_merging, errors, stopping, logging_hook,
            summary_hooks, listener, defaults]


def run_all(tf, programs=PROGRAMS):
    """{program name: its record}, each program given a fresh temporary directory."""
    out = {}
    for program in programs:
        d = tempfile.mkdtemp()
        try:
            out[program.__name__] = json.loads(json.dumps(program(tf, d), default=str))
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return out


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    print(json.dumps(run_all(tf1), indent=1, sort_keys=True))
