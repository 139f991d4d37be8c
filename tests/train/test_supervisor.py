"""tensorflow.python.client.timeline, tf.train.ProfilerHook, tf.train.SessionManager and
tf.train.Supervisor against what TensorFlow did (tests/fixtures/tf_supervisor.json, written by
tests/record_tf_supervisor.py running the same programs on TF)."""

import json

import numpy as np

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
