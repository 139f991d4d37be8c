"""Records what TF 2.x compat.v1 (TF 1.15's API) does with tensorflow.python.client.timeline
and tf.train.ProfilerHook, for tests/train/test_supervisor.py. Run in a throwaway venv with
tensorflow-cpu (never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 /work/tfvenv/bin/python tests/record_tf_supervisor.py \
        > tests/fixtures/tf_supervisor.json

The same programs run on minitf in the test (they only use names both have), and the test
compares minitf's record with this one.
"""
import glob
import importlib
import json
import os


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


PROGRAMS = [timeline_of_fixed_step_stats, timeline_of_a_traced_run, profiler_hook,
            profiler_hook_errors]


if __name__ == "__main__":
    from record_tf_monitored_session import run_all  # (tests/ is on sys.path for a script)
    import tensorflow.compat.v1 as tf1
    tf1.disable_v2_behavior()
    print(json.dumps(run_all(tf1, PROGRAMS), indent=1, sort_keys=True))
