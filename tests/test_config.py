"""tf.ConfigProto / GPUOptions / GraphOptions / RunOptions / RunMetadata: TF1's protobuf messages
(field names and numbers), accepted by Session and InteractiveSession, and the fields minitf
honours (log_device_placement, allow_soft_placement, operation_timeout_in_ms, thread counts,
tracing into RunMetadata)."""

import dataclasses
import time

import numpy as np
import pytest

import minitf as tf
from minitf import backend
from minitf.framework.registry import OpDef
from minitf.framework.tensor import TensorSpec

# Field numbers of TensorFlow's config.proto (read from TF 2.21's descriptors): a message
# serialized by minitf parses in TF and back.
TF_FIELD_NUMBERS = {
    "ConfigProto": {"device_count": 1, "intra_op_parallelism_threads": 2,
                    "inter_op_parallelism_threads": 5, "use_per_session_threads": 9,
                    "session_inter_op_thread_pool": 12, "placement_period": 3,
                    "device_filters": 4, "gpu_options": 6, "allow_soft_placement": 7,
                    "log_device_placement": 8, "graph_options": 10,
                    "operation_timeout_in_ms": 11, "isolate_session_state": 15,
                    "share_cluster_devices_in_session": 17},
    "GPUOptions": {"per_process_gpu_memory_fraction": 1, "allow_growth": 4,
                   "allocator_type": 2, "deferred_deletion_bytes": 3,
                   "visible_device_list": 5, "polling_active_delay_usecs": 6,
                   "polling_inactive_delay_msecs": 7, "force_gpu_compatible": 8},
    "GraphOptions": {"enable_recv_scheduling": 2, "optimizer_options": 3,
                     "build_cost_model": 4, "build_cost_model_after": 9, "infer_shapes": 5,
                     "place_pruned_graph": 6, "enable_bfloat16_sendrecv": 7,
                     "timeline_step": 8},
    "OptimizerOptions": {"do_common_subexpression_elimination": 1, "do_constant_folding": 2,
                         "max_folded_constant_in_bytes": 6, "do_function_inlining": 4,
                         "opt_level": 3, "global_jit_level": 5, "cpu_global_jit": 7},
    "RunOptions": {"trace_level": 1, "timeout_in_ms": 2, "inter_op_thread_pool": 3,
                   "output_partition_graphs": 5, "report_tensor_allocations_upon_oom": 7},
    "RunMetadata": {"step_stats": 1, "partition_graphs": 3},
}


@pytest.mark.parametrize("message", sorted(TF_FIELD_NUMBERS))
def test_messages_have_tf_field_names_and_numbers(message):
    fields = {f.name: f.number for f in getattr(tf, message).DESCRIPTOR.fields}
    assert fields == TF_FIELD_NUMBERS[message]


def test_wire_format_matches_tf():
    # Bytes TF 2.21 produced for ConfigProto(allow_soft_placement=True,
    # log_device_placement=False, gpu_options=GPUOptions(allow_growth=True,
    # per_process_gpu_memory_fraction=0.5), intra_op_parallelism_threads=2,
    # device_count={'GPU': 0}).
    tf_bytes = (b'\n\x07\n\x03GPU\x10\x00\x10\x022\x0b\t\x00\x00\x00\x00\x00\x00\xe0? \x01'
                b'8\x01')
    config = tf.ConfigProto(allow_soft_placement=True, log_device_placement=False,
                            gpu_options=tf.GPUOptions(allow_growth=True,
                                                      per_process_gpu_memory_fraction=0.5),
                            intra_op_parallelism_threads=2, device_count={"GPU": 0})
    assert config.SerializeToString(deterministic=True) == tf_bytes
    assert tf.ConfigProto.FromString(tf_bytes) == config
    assert tf.RunOptions.FULL_TRACE == 3 and tf.OptimizerOptions.L0 == -1
    assert tf.OptimizerOptions.ON_1 == 1


def test_course_reset_tf_session_helper():
    # The course's helper, as every notebook calls it first.
    def reset_tf_session():
        curr_session = tf.get_default_session()
        if curr_session is not None:
            curr_session.close()
        tf.reset_default_graph()
        config = tf.ConfigProto()
        config.gpu_options.allow_growth = True
        s = tf.InteractiveSession(config=config)
        return s

    s = reset_tf_session()
    x = tf.constant(3.0) * 2
    assert x.eval() == 6.0
    s2 = reset_tf_session()
    assert s._closed and tf.get_default_session() is s2
    assert s2._config.gpu_options.allow_growth


def test_config_is_type_checked_and_copied():
    with pytest.raises(TypeError, match="config must be a tf.ConfigProto, but got <class 'int'>"):
        tf.Session(config=3)
    config = tf.ConfigProto(intra_op_parallelism_threads=3, inter_op_parallelism_threads=2)
    s = tf.Session(config=config)
    config.intra_op_parallelism_threads = 7  # TF serializes the config at creation
    assert (s._state.intra_op_threads, s._state.inter_op_threads) == (3, 2)
    assert (tf.Session()._state.intra_op_threads, tf.Session()._state.inter_op_threads) == (0, 0)
    with pytest.raises(TypeError, match="options must be a tf.RunOptions"):
        s.run(tf.constant(1), options=3)
    with pytest.raises(TypeError, match="run_metadata must be a tf.RunMetadata"):
        s.run(tf.constant(1), run_metadata={})


def test_log_device_placement_prints_each_op_once(capsys):
    a = tf.constant([1.0, 2.0], name="a")
    b = tf.add(a, a, name="b")
    with tf.device("/cpu:0"):
        c = tf.multiply(b, 2.0, name="c")
    s = tf.Session(config=tf.ConfigProto(log_device_placement=True))
    np.testing.assert_array_equal(s.run(b), [2.0, 4.0])
    out = capsys.readouterr().out.splitlines()
    device = "/job:localhost/replica:0/task:0/device:%s:0" % (
        "GPU" if backend.gpu_available() else "CPU")
    assert out == ["b: (Add): %s" % device, "a: (Const): %s" % device]  # TF's order too
    s.run(b)
    assert capsys.readouterr().out == ""
    s.run(c)  # only the new ops
    assert capsys.readouterr().out.splitlines() == [
        "c: (Mul): /job:localhost/replica:0/task:0/device:CPU:0",
        "c/y: (Const): /job:localhost/replica:0/task:0/device:CPU:0"]  # made in the CPU scope
    tf.Session().run(c)  # no config: no log
    assert capsys.readouterr().out == ""


@pytest.mark.skipif(backend.gpu_available(), reason="needs a machine without a GPU")
def test_hard_placement_without_a_gpu_is_invalid_argument():
    with tf.device("/gpu:0"):
        c = tf.constant(2.0, name="c") * 3.0
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Cannot assign a device for operation mul: \{\{node mul\}\} was "
                             r"explicitly assigned to /device:GPU:0 but available devices are "
                             r"\[ /job:localhost/replica:0/task:0/device:CPU:0 \]"):
        tf.Session(config=tf.ConfigProto()).run(c)
    soft = tf.ConfigProto(allow_soft_placement=True)
    assert tf.Session(config=soft).run(c) == 6.0
    assert tf.Session().run(c) == 6.0  # minitf's default without a config is soft


@dataclasses.dataclass(frozen=True)
class _Wait(OpDef):
    """A toy blocking kernel: waits up to `seconds` for nothing, honouring the run deadline
    as the queue kernels do."""

    seconds: float = 5.0
    type_name = "ToyWait"
    stateful = True

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def bind(self, ctx, op):
        def wait(x):
            end = time.monotonic() + self.seconds
            while time.monotonic() < end:
                left = ctx.seconds_left()
                time.sleep(min(0.01, left if left is not None else 0.01))
            return x
        return wait


def test_operation_timeout_and_run_options_timeout():
    g = tf.get_default_graph()
    v = tf.Variable(1.0)
    x = tf.constant(1.0)
    waited = g.create_op(_Wait(0.5), [x]).outputs[0]
    with tf.control_dependencies([waited]):
        step = v.assign_add(1.0)
    s = tf.Session(config=tf.ConfigProto(operation_timeout_in_ms=50))
    s.run(v.initializer)
    start = time.monotonic()
    with pytest.raises(tf.errors.DeadlineExceededError):
        s.run(step)
    assert time.monotonic() - start < 0.45 and s.run(v) == 1.0  # unchanged
    # RunOptions.timeout_in_ms overrides the session's default for one run.
    s.run(step, options=tf.RunOptions(timeout_in_ms=5000))
    assert s.run(v) == 2.0
    s2 = tf.Session()
    s2.run(v.initializer)
    with pytest.raises(tf.errors.DeadlineExceededError):
        s2.run(step, options=tf.RunOptions(timeout_in_ms=20))
    assert s2._state.deadline is None


def test_full_trace_fills_step_stats_and_partition_graphs():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.reduce_sum(tf.matmul(x, tf.ones([3, 2])) ** 2, name="y")
    s = tf.Session()
    meta = tf.RunMetadata()
    options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE, output_partition_graphs=True)
    value = s.run(y, {x: np.ones((4, 3))}, options=options, run_metadata=meta)
    assert value == s.run(y, {x: np.ones((4, 3))}) == 4 * 2 * 9
    names = [n.node_name for d in meta.step_stats.dev_stats for n in d.node_stats]
    assert "y" in names and "MatMul" in names and "pow" in names
    stats = meta.step_stats.dev_stats[0].node_stats[0]
    assert stats.all_start_micros > 1e15 and stats.all_end_rel_nanos >= 0
    assert stats.timeline_label.startswith(stats.node_name + " = ")
    assert {n.name for n in meta.partition_graphs[0].node} >= {"x", "MatMul", "y"}
    empty = tf.RunMetadata()  # no trace asked: nothing recorded
    s.run(y, {x: np.ones((4, 3))}, run_metadata=empty)
    assert not empty.step_stats.dev_stats and not empty.partition_graphs


def test_list_devices_has_tf1s_shape_without_a_gpu(monkeypatch):
    """Recorded from TF 2.21 compat.v1 on a CPU-only machine: device_lib gives DeviceAttributes
    protos, Session.list_devices() `_DeviceAttributes(name, type, memory, incarnation)`."""
    monkeypatch.setenv("MINITF_DISABLE_GPU", "1")
    monkeypatch.setattr(backend, "_cupy_checked", False)
    monkeypatch.setattr(backend, "_cupy", None)
    from minitf.python.client import device_lib
    (cpu,) = device_lib.list_local_devices()
    assert str(cpu).replace(str(cpu.incarnation), "N") == (
        'name: "/device:CPU:0"\ndevice_type: "CPU"\nmemory_limit: 268435456\nlocality {\n}\n'
        'incarnation: N\nxla_global_id: -1\n')
    with tf.Session() as sess:
        (listed,) = sess.list_devices()
    assert (listed.name, listed.device_type, listed.memory_limit_bytes) == (
        "/job:localhost/replica:0/task:0/device:CPU:0", "CPU", 268435456)
    assert repr(listed) == ("_DeviceAttributes(/job:localhost/replica:0/task:0/device:CPU:0, "
                            "CPU, 268435456, %d)" % listed.incarnation)
