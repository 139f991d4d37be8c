"""Records what TF 2.x compat.v1 (TF 1.15's API) does with tensorflow.python.client.timeline,
tf.train.ProfilerHook, tf.train.SessionManager and tf.train.Supervisor, for
tests/train/test_supervisor.py: traces, files, events, restored steps and values, errors.
Run in a throwaway venv with tensorflow-cpu (never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_supervisor.py \
        > tests/fixtures/tf_supervisor.json

The same programs run on minitf in the test (they only use names both have), and the test
compares minitf's record with this one.
"""
import glob
import importlib
import inspect
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_tf_monitored_session import _err, _events, _model, run_all  # noqa: E402


def _timeline_module(tf):
    """`tensorflow.python.client.timeline` for TF, `minitf.python.client.timeline` for minitf."""
    return importlib.import_module(tf.__name__.split(".")[0] + ".python.client.timeline")


def _node(device, name, label, start, duration, outputs=()):
    stats = device.node_stats.add()
    stats.node_name = name
    stats.timeline_label = label
    stats.all_start_micros = start
    stats.all_end_rel_micros = duration
    for dtype, dims, nbytes, allocator in outputs:
        description = stats.output.add().tensor_description
        description.dtype = dtype
        for d in dims:
            description.shape.dim.add().size = d
        description.allocation_description.requested_bytes = nbytes
        description.allocation_description.allocator_name = allocator


def timeline_of_fixed_step_stats(tf, d):
    """Step stats with fixed times (two devices, overlapping kernels, a two-output op, inputs
    `x:1`, `^control`, a Send/Recv-renamed input and a label TF cannot parse): the whole
    trace, every combination of show_dataflow and show_memory, must be TF's to the byte."""
    meta = tf.RunMetadata()
    cpu = meta.step_stats.dev_stats.add()
    cpu.device = "/job:localhost/replica:0/task:0/device:CPU:0"
    f32 = tf.float32.as_datatype_enum
    _node(cpu, "a", "a = Const()", 100, 5, [(f32, [2, 3], 24, "cpu")])
    _node(cpu, "b", "b = Const()", 102, 10, [(f32, [], 4, "cpu")])
    _node(cpu, "split", "split = Split(split/dim, a)", 110, 20,
          [(f32, [1, 3], 12, "cpu"), (f32, [1, 3], 12, "cpu")])
    _node(cpu, "mul", "mul = Mul(split:1, b)", 131, 4, [(f32, [1, 3], 12, "cpu")])
    _node(cpu, "add", "add = AddV2(split, mul, ^b)", 133, 6, [(f32, [1, 3], 12, "cpu")])
    _node(cpu, "weird", "no label here", 140, 1)
    gpu = meta.step_stats.dev_stats.add()
    gpu.device = "/job:localhost/replica:0/task:0/device:GPU:0"
    _node(gpu, "sq", "sq = Square(add/_1)", 150, 3, [(f32, [1, 3], 12, "GPU_0_bfc")])
    _node(gpu, "out", "out = Identity(sq)", 154, 1, [(f32, [1, 3], 12, "GPU_0_bfc")])
    timeline = _timeline_module(tf)
    rec = {}
    for dataflow in (False, True):
        for memory in (False, True):
            text = timeline.Timeline(meta.step_stats).generate_chrome_trace_format(
                show_dataflow=dataflow, show_memory=memory)
            rec["dataflow=%s memory=%s" % (dataflow, memory)] = text
    rec["default"] = timeline.Timeline(meta.step_stats).generate_chrome_trace_format()
    analysis = timeline.Timeline(meta.step_stats).analyze_step_stats()
    rec["maximums"] = {k: [v.timestamp, v.num_bytes, sorted(v.tensors)]
                       for k, v in analysis.allocator_maximums.items()}
    return rec


def _small_graph(tf):
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    w = tf.Variable(tf.ones([3, 4]), name="w")
    return x, tf.nn.relu(tf.matmul(x, w)) + 1.0


def timeline_of_a_traced_run(tf, d):
    """A FULL_TRACE run of a small graph: the trace's processes, the keys of its events and
    the args of the kernels both engines run (TF adds _SOURCE/_arg/_retval nodes and picks
    its own kernels for MatMul; timings differ)."""
    with tf.Graph().as_default():
        x, y = _small_graph(tf)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            meta = tf.RunMetadata()
            s.run(y, {x: [[1, 2, 3], [4, 5, 6]]},
                  options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                  run_metadata=meta)
    trace = json.loads(_timeline_module(tf).Timeline(meta.step_stats)
                       .generate_chrome_trace_format(show_memory=True))
    events = trace["traceEvents"]
    by_node = {e["args"]["name"]: e for e in events if e["ph"] == "X"}
    outputs = {n.node_name: [[o.tensor_description.dtype,
                              [dim.size for dim in o.tensor_description.shape.dim],
                              o.tensor_description.allocation_description.requested_bytes]
                             for o in n.output]
               for dev in meta.step_stats.dev_stats for n in dev.node_stats}
    return {
        "metadata": [e for e in events if e["ph"] == "M"],
        # (arrows, "s"/"t", depend on which kernels overlapped: not compared)
        "keys": {ph: sorted({k for e in events if e["ph"] == ph for k in e})
                 for ph in "CDMNOX"},
        "relu_args": by_node["Relu"]["args"],
        "outputs": {k: outputs[k] for k in ("MatMul", "Relu", "add")},
        "labels": {n.node_name: n.timeline_label for dev in meta.step_stats.dev_stats
                   for n in dev.node_stats if n.node_name in ("Relu",)},
    }


def profiler_hook(tf, d):
    """A ProfilerHook(save_steps=2) over seven steps: the timeline files, what each traces, and
    the run metadata events it adds to output_dir's event file."""
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        train = tf.assign_add(step, 1, name="train")
        hook = tf.train.ProfilerHook(save_steps=2, output_dir=d)
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            for _ in range(7):
                sess.run(train)
        tf.summary.FileWriterCache.get(d).flush()
    rec = {"files": sorted(f for f in os.listdir(d) if not f.startswith("events.out"))}
    nodes = {}
    for name in rec["files"]:
        with open(os.path.join(d, name)) as f:
            trace = json.load(f)
        nodes[name] = "train" in {e["args"]["name"] for e in trace["traceEvents"]
                                  if e["ph"] == "X"}
    rec["traces_train_op"] = nodes
    tagged = []
    for path in glob.glob(os.path.join(d, "events.out.tfevents.*")):
        for e in tf.train.summary_iterator(path):
            if e.HasField("tagged_run_metadata"):
                meta = tf.RunMetadata.FromString(e.tagged_run_metadata.run_metadata)
                tagged.append([e.step, e.tagged_run_metadata.tag,
                               len(meta.step_stats.dev_stats) > 0])
    rec["tagged_run_metadata"] = tagged
    return rec


def profiler_hook_errors(tf, d):
    rec = {}
    for kwargs in ({}, {"save_steps": 1, "save_secs": 1}):
        try:
            tf.train.ProfilerHook(output_dir=d, **kwargs)
        except Exception as e:
            rec[str(sorted(kwargs))] = [type(e).__name__, str(e)]
    with tf.Graph().as_default():
        hook = tf.train.ProfilerHook(save_steps=1, output_dir=d)
        try:
            hook.begin()
        except Exception as e:
            rec["no_global_step"] = [type(e).__name__, str(e)]
    with tf.Graph().as_default():
        writer = tf.summary.FileWriter(d)
        writer.add_run_metadata(tf.RunMetadata(), "a")
        try:
            writer.add_run_metadata(tf.RunMetadata(), "a")
        except Exception as e:
            rec["same_tag"] = [type(e).__name__, str(e)]
        writer.close()
    return rec


def _values(sess, *tensors):
    return [round(float(v), 6) for v in sess.run(list(tensors))]


def _message(e, *replace):
    """An error's [class, first line], with the reprs in `replace` (functions) named."""
    kind, text = _err(e)
    for value, name in replace:
        text = text.replace(repr(value), name)
    return [kind, text]


def session_manager_prepare(tf, d):
    """prepare_session: initialize (init_op with its feed, init_fn), save, then a new
    session restores the latest checkpoint instead; checkpoint_filename_with_path."""
    rec = {}
    with tf.Graph().as_default():
        start = tf.placeholder(tf.float32, [], name="start")
        v = tf.Variable(start, name="v")
        u = tf.Variable(10.0, name="u")
        calls = []

        def init_fn(sess):
            calls.append(_values(sess, v))
            sess.run(u.assign(11.0))
        saver = tf.train.Saver()
        sm = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables())
        sess = sm.prepare_session("", init_op=tf.global_variables_initializer(), saver=saver,
                                  checkpoint_dir=d, init_feed_dict={start: 2.5},
                                  init_fn=init_fn)
        rec["initialized"] = _values(sess, v, u)
        rec["init_fn_saw"] = calls
        sess.run(v.assign_add(1.0))
        saver.save(sess, os.path.join(d, "model"), global_step=4)
        sess.run(v.assign_add(1.0))
        saver.save(sess, os.path.join(d, "model"), global_step=9)
        sess.close()
        sess = sm.prepare_session("", init_op=tf.global_variables_initializer(), saver=saver,
                                  checkpoint_dir=d, init_feed_dict={start: 0.0},
                                  init_fn=init_fn)
        rec["restored"] = _values(sess, v, u)
        rec["init_fn_calls"] = len(calls)
        rec["last_checkpoints"] = [os.path.basename(p) for p in saver.last_checkpoints]
        sess.close()
        sess = sm.prepare_session("", saver=saver, checkpoint_filename_with_path=os.path.join(
            d, "model-4"))
        rec["restored_named"] = _values(sess, v, u)
        sess.close()
    return rec


def session_manager_errors(tf, d):
    rec = {}
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        w = tf.Variable(2.0, name="w")
        local = tf.Variable(5.0, name="local", collections=[tf.GraphKeys.LOCAL_VARIABLES])
        ready = tf.report_uninitialized_variables()
        only_v = tf.variables_initializer([v], name="only_v")

        def init_fn(sess):
            pass
        try:
            tf.train.SessionManager(ready_for_local_init_op=ready)
        except ValueError as e:
            rec["ready_for_local_without_local"] = _err(e)[0]
        try:
            tf.train.SessionManager().prepare_session("")
        except RuntimeError as e:
            rec["nothing_to_init"] = _err(e)
        try:
            tf.train.SessionManager(ready_op=ready).prepare_session(
                "", init_op=only_v, init_fn=init_fn)
        except RuntimeError as e:
            rec["not_ready"] = _message(e, (init_fn, "<init_fn>"))
        local_init = tf.variables_initializer([local], name="local_init")
        sm = tf.train.SessionManager(
            local_init_op=local_init, ready_op=ready,
            ready_for_local_init_op=tf.report_uninitialized_variables(tf.global_variables()))
        try:
            sm.prepare_session("", init_op=only_v)
        except RuntimeError as e:
            rec["not_ready_for_local_init"] = _err(e)
        sess = sm.prepare_session("", init_op=tf.global_variables_initializer())
        rec["with_local_init"] = _values(sess, v, w, local)
        sess.close()
        try:
            sm.prepare_session("", init_op=only_v, saver=tf.train.Saver([v, w]),
                               checkpoint_dir=d, checkpoint_filename_with_path=d)
        except ValueError as e:
            rec["both_checkpoints"] = _err(e)
    return rec


def session_manager_recover_and_wait(tf, d):
    """recover_session with and without a checkpoint (and one that leaves a variable
    uninitialized); wait_for_session for a model that is ready and one that never is."""
    rec = {}
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        w = tf.Variable(2.0, name="w")
        ready = tf.report_uninitialized_variables()
        sm = tf.train.SessionManager(ready_op=ready, recovery_wait_secs=0.01)
        saver = tf.train.Saver()
        sess, restored = sm.recover_session("", saver=saver, checkpoint_dir=d)
        rec["nothing_to_recover"] = [restored, sorted(x.decode() for x in sess.run(ready))]
        sess.run(tf.global_variables_initializer())
        sess.run(v.assign(7.0))
        saver.save(sess, os.path.join(d, "model.ckpt"), global_step=3)
        sess.close()
        sess, restored = sm.recover_session("", saver=saver, checkpoint_dir=d)
        rec["recovered"] = [restored, _values(sess, v, w)]
        sess.close()
        sess, restored = sm.recover_session("", saver=tf.train.Saver([v]),
                                            checkpoint_dir=d)
        rec["recovered_partly"] = [restored, sorted(x.decode() for x in sess.run(ready))]
        sess.close()
        start = time.time()
        try:
            sm.wait_for_session("", max_wait_secs=0.05)
        except tf.errors.DeadlineExceededError as e:
            rec["never_ready"] = _err(e)
        rec["waited_briefly"] = time.time() - start < 5
    with tf.Graph().as_default():
        local = tf.Variable(3.0, name="local", collections=[tf.GraphKeys.LOCAL_VARIABLES])
        sm = tf.train.SessionManager(local_init_op=tf.local_variables_initializer(),
                                     ready_op=tf.report_uninitialized_variables())
        sess = sm.wait_for_session("")
        rec["ready_without_variables"] = _values(sess, local)
        sess.close()
    return rec


def _supervisor_files(d):
    return sorted(f for f in os.listdir(d) if not f.startswith("events.out"))


def _service_events(tf, d):
    """The events of each file as a sorted list: the background threads write in no fixed
    order. The steps-per-second value varies and is left out."""
    return [sorted(rows, key=json.dumps) for rows in _events(tf, d)]


def supervisor_ptb_loop(tf, d):
    """The shape of TF1's PTB tutorial: Supervisor(logdir=...), managed_session, a loop, then
    sv.saver.save(session, save_path, global_step=sv.global_step). The services run once at
    the start (their periods are the defaults, 120 and 600 seconds)."""
    logdir = os.path.join(d, "ptb")
    rec = {}
    with tf.Graph().as_default() as g:
        step, w, loss, train = _model(tf)
        sv = tf.train.Supervisor(logdir=logdir)
        rec["finalized"] = g.finalized
        rec["built"] = {
            "saver": type(sv.saver).__name__, "global_step": sv.global_step.name,
            # (the ready op by its scope: TF builds report_uninitialized_variables from
            # several ops, minitf as one)
            "init_op": sv.init_op.name, "ready_op": sv.ready_op.name.split("/")[0],
            "summary_op": sv.summary_op.name, "ready_for_local_init_op":
                sv.ready_for_local_init_op, "save_path": os.path.relpath(sv.save_path, d),
            "is_chief": sv.is_chief, "secs": [sv.save_summaries_secs, sv.save_model_secs],
            "writer": type(sv.summary_writer).__name__,
            "collections": {k: [x.name.split("/")[0] for x in g.get_collection(k)] for k in (
                tf.GraphKeys.INIT_OP, tf.GraphKeys.READY_OP, tf.GraphKeys.SUMMARY_OP,
                tf.GraphKeys.LOCAL_INIT_OP)}}
        with sv.managed_session() as session:
            while not tf.train.latest_checkpoint(logdir):  # the checkpoint thread's first save
                time.sleep(0.01)
            time.sleep(0.3)  # and the summary threads' first writes
            losses = []
            for _ in range(5):
                losses.append(round(float(session.run([loss, train])[0]), 6))
            rec["losses"] = losses
            saved = sv.saver.save(session, logdir, global_step=sv.global_step)
            rec["saved"] = os.path.relpath(saved, d)
            rec["should_stop_inside"] = sv.should_stop()
        rec["should_stop_after"] = sv.should_stop()
    rec["files"] = _supervisor_files(d)
    rec["logdir_files"] = _supervisor_files(logdir)
    rec["latest"] = os.path.relpath(tf.train.latest_checkpoint(logdir), d)
    rec["events"] = _service_events(tf, logdir)
    with tf.Graph().as_default():  # the next run restores logdir's checkpoint: step 0's
        step, w, loss, train = _model(tf)
        sv = tf.train.Supervisor(logdir=logdir, save_model_secs=0, save_summaries_secs=0)
        with sv.managed_session() as session:
            rec["restored"] = [int(session.run(step)), round(float(session.run(w)), 6)]
    return rec


def supervisor_resume(tf, d):
    """Three steps saved into logdir, then a second Supervisor resumes from step 3."""
    rec = {}
    for run in range(2):
        with tf.Graph().as_default():
            step, w, loss, train = _model(tf)
            sv = tf.train.Supervisor(logdir=d, save_model_secs=0, save_summaries_secs=0)
            with sv.managed_session() as session:
                rec["start_%d" % run] = [int(session.run(step)),
                                         round(float(session.run(w)), 6)]
                for _ in range(3):
                    session.run(train)
                sv.saver.save(session, sv.save_path, global_step=sv.global_step)
    rec["files"] = _supervisor_files(d)
    # (the second run's file: TF names event files by the second, so within one second the
    # second writer replaces the first's file)
    rec["last_events"] = _events(tf, d)[-1]
    return rec


def supervisor_exceptions(tf, d):
    """An error in the block is re-raised after the stop; OutOfRangeError ends it quietly;
    the Supervisor can make a session again afterwards."""
    rec = {}
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        bump = v.assign_add(1.0)
        index = tf.placeholder(tf.int32, [])
        bad = tf.gather(tf.constant([1.0, 2.0]), index)
        sv = tf.train.Supervisor(logdir=None)
        rec["no_writer"] = [sv.summary_writer, sv.save_path]
        try:
            with sv.managed_session() as sess:
                sess.run(bump)
                raise ValueError("boom")
        except ValueError as e:
            rec["error"] = _err(e)
        rec["stopped_by_error"] = sv.should_stop()
        with sv.managed_session() as sess:
            rec["stop_cleared"] = sv.should_stop()
            rec["fresh_value"] = _values(sess, v)
            raise tf.errors.OutOfRangeError(None, None, "end of input")
        rec["after_out_of_range"] = sv.should_stop()
        try:
            with sv.managed_session() as sess:
                sv.request_stop()
                rec["requested"] = sv.should_stop()
                sess.run(bad, {index: 5})
        except Exception as e:
            rec["op_error"] = _err(e)[0]
        try:
            sv.summary_computed(None, b"")
        except RuntimeError as e:
            rec["summary_without_writer"] = _err(e)
        try:
            sv.start_standard_services(None)
        except Exception as e:
            rec["services_without_logdir"] = _err(e)
    with tf.Graph().as_default():
        tf.Variable(1.0, name="v")
        try:
            tf.train.Supervisor(is_chief=False)
        except ValueError as e:
            rec["replica_variable_without_device"] = _err(e)[1].split(":")[0]
    return rec


def supervisor_services(tf, d):
    """summary_computed at the global step, loop(), queue runners under the coordinator, and
    save_model_secs / save_summaries_secs of 0.05: several checkpoints and summaries."""
    rec = {}
    with tf.Graph().as_default():
        step, w, loss, train = _model(tf)
        queue = tf.FIFOQueue(10, tf.float32)
        tf.train.add_queue_runner(tf.train.QueueRunner(queue, [queue.enqueue(1.0)]))
        value = queue.dequeue()
        sv = tf.train.Supervisor(logdir=d, save_model_secs=0.05, save_summaries_secs=0.05)
        calls = []
        with sv.managed_session() as sess:
            while not tf.train.latest_checkpoint(d):  # the checkpoint thread's first save
                time.sleep(0.01)
            rec["dequeued"] = float(sess.run(value))
            sess.run(train)
            sess.run(train)
            sv.summary_computed(sess, sess.run(sv.summary_op))
            looper = sv.loop(0.01, calls.append, args=(1,))
            rec["looper"] = [type(looper).__name__, looper.daemon]
            time.sleep(0.4)
        rec["loop_called_often"] = len(calls) >= 3
        rec["looper_ended"] = not looper.is_alive()
    state = tf.train.get_checkpoint_state(d)
    # (the first at step 0, the last at step 2; one at step 1 may come between)
    kept = [os.path.basename(p) for p in state.all_model_checkpoint_paths]
    rec["checkpoints"] = [kept[0], kept[-1], os.path.basename(state.model_checkpoint_path)]
    kinds = {}
    for rows in _events(tf, d):
        for row in rows:
            key = row[1] if row[1] != "summary" else "summary " + ",".join(row[2])
            if key == "session_log":
                key += " %d" % row[2]
            kinds[key] = kinds.get(key, 0) + 1
    rec["several"] = sorted(k for k, n in kinds.items() if n >= 3)
    rec["at_step_2"] = sorted({tuple(r[2]) for rows in _events(tf, d) for r in rows
                               if r[0] == 2 and r[1] == "summary"})
    return rec


def supervisor_signature(tf, d):
    def described(f):
        return [[p.name, repr(p.default)] for p in
                list(inspect.signature(f).parameters.values())[1:]]
    return {"USE_DEFAULT": tf.train.Supervisor.USE_DEFAULT,
            "Supervisor": described(tf.train.Supervisor.__init__),
            "managed_session": described(tf.train.Supervisor.managed_session),
            "prepare_or_wait_for_session":
                described(tf.train.Supervisor.prepare_or_wait_for_session),
            "stop": described(tf.train.Supervisor.stop),
            "loop": described(tf.train.Supervisor.loop),
            "SessionManager": described(tf.train.SessionManager.__init__),
            "prepare_session": described(tf.train.SessionManager.prepare_session),
            "recover_session": described(tf.train.SessionManager.recover_session),
            "wait_for_session": described(tf.train.SessionManager.wait_for_session),
            "LooperThread": described(tf.train.LooperThread.__init__),
            "ProfilerHook": described(tf.train.ProfilerHook.__init__)}


def basic_train_loop(tf, d):
    """tf.train.basic_train_loop: steps until the supervisor stops; an AbortedError starts a
    new managed session (here without a checkpoint: the step starts over); other errors
    propagate."""
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        increment = tf.assign_add(step, 1)
        sv = tf.train.Supervisor(logdir=d, save_summaries_secs=0, save_model_secs=0)
        seen, aborted = [], []

        def train_step(sess, stop_at, log):
            log.append(int(sess.run(increment)))
            if len(log) == 2 and not aborted:
                aborted.append(True)
                raise tf.errors.AbortedError(None, None, "a server restarted")
            if log[-1] >= stop_at:
                sv.request_stop()
        tf.train.basic_train_loop(sv, train_step, args=[5], kwargs={"log": seen})

        def failing_step(sess):
            raise ValueError("not an AbortedError")
        try:
            tf.train.basic_train_loop(sv, failing_step)
            other = None
        except ValueError as e:
            other = _err(e)
    return {"steps": seen, "other_error": other}


PROGRAMS = [timeline_of_fixed_step_stats, timeline_of_a_traced_run, profiler_hook,
            profiler_hook_errors, session_manager_prepare, session_manager_errors,
            session_manager_recover_and_wait, supervisor_ptb_loop, supervisor_resume,
            supervisor_exceptions, supervisor_services, supervisor_signature, basic_train_loop]


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    print(json.dumps(run_all(tf1, PROGRAMS), indent=1, sort_keys=True))
