"""`from tensorflow.python.client import timeline`: a traced run's RunMetadata.step_stats as a
Chrome trace (the JSON that chrome://tracing and ui.perfetto.dev open), with TF1's layout.

The trace has a process "Allocators" (pid 0), then per device a process "<device> Compute"
with one "X" event per kernel (category "Op", named by the op type, args {name, op, input0,
...}) on non-overlapping lanes (tids), and a process "<device> Tensors". With show_dataflow,
an arrow (a "s"/"t" pair of category "DataFlow") goes from each producer to each consumer on
another lane; with show_memory, each output tensor is an object ("N", "O" snapshot, "D") and
each allocator a counter ("C", category "Memory") of the bytes alive.
"""

import collections
import json
import re

__all__ = ["Timeline", "AllocationMaximum", "StepStatsAnalysis"]

AllocationMaximum = collections.namedtuple("AllocationMaximum",
                                           ("timestamp", "num_bytes", "tensors"))
AllocationMaximum.__doc__ = ("The most bytes an allocator held during the step, when "
                             "(microseconds), and the names of the tensors holding them.")
StepStatsAnalysis = collections.namedtuple("StepStatsAnalysis",
                                           ("chrome_trace", "allocator_maximums"))
StepStatsAnalysis.__doc__ = ("What analyze_step_stats returns: the trace (its "
                             "format_to_string(pretty=False) gives the JSON) and an "
                             "AllocationMaximum per allocator.")

_LABEL = re.compile(r"(.*) = (.*)\((.*)\)")


def _parse_label(label):
    """(name, op type, input names) of a `name = Type(a, b:1, ^c)` timeline label."""
    match = _LABEL.match(label)
    if match is None:
        return "unknown", "unknown", []
    name, op, inputs = match.groups()
    return name, op, inputs.split(", ") if inputs else []


class _ChromeTrace:
    """The events of one trace: metadata events first, then the rest in emission order."""

    def __init__(self):
        self._metadata = []
        self._events = []

    def _event(self, ph, category, name, pid, tid, timestamp, **fields):
        event = {"ph": ph, "cat": category, "name": name, "pid": pid, "tid": tid,
                 "ts": timestamp}
        event.update(fields)
        self._events.append(event)

    def process(self, name, pid):
        self._metadata.append({"name": "process_name", "ph": "M", "pid": pid,
                               "args": {"name": name}})

    def region(self, timestamp, duration, pid, tid, category, name, args):
        self._event("X", category, name, pid, tid, timestamp, dur=duration, args=args)

    def object(self, ph, name, timestamp, pid, tid, object_id, **fields):
        """An object event: "N" created, "O" snapshot (args=...), "D" deleted."""
        self._event(ph, "Tensor", name, pid, tid, timestamp, id=object_id, **fields)

    def flow(self, name, start, end, flow_id):
        """An arrow from `start` to `end`, each a (timestamp, pid, tid)."""
        self._event("s", "DataFlow", name, start[1], start[2], start[0], id=flow_id)
        self._event("t", "DataFlow", name, end[1], end[2], end[0], id=flow_id)

    def counter(self, category, name, pid, timestamp, counter, value):
        self._event("C", category, name, pid, 0, timestamp, args={counter: value})

    def format_to_string(self, pretty=False):
        """The trace as JSON: {"traceEvents": [...]}, indented when `pretty`."""
        trace = {"traceEvents": self._metadata + self._events}
        if pretty:
            return json.dumps(trace, indent=4, separators=(",", ": "))
        return json.dumps(trace, separators=(",", ":"))


class _Tensor:
    """An output tensor in the trace: its object id, where and when it was made, its bytes,
    and the last time a consumer finished with it."""

    def __init__(self, object_id, pid, created, allocator, num_bytes):
        self.object_id, self.pid, self.created = object_id, pid, created
        self.allocator, self.num_bytes = allocator, num_bytes
        self.last_unref = created

    def unref(self, timestamp):
        self.last_unref = max(self.last_unref, timestamp)


class Timeline:
    """The Chrome trace of one traced run: `Timeline(run_metadata.step_stats)`, then
    generate_chrome_trace_format(). `graph` is accepted for TF's signature and not read (the
    step stats name every op and input)."""

    def __init__(self, step_stats, graph=None):
        self._step_stats = step_stats
        self._graph = graph

    def generate_chrome_trace_format(self, show_dataflow=True, show_memory=False):
        """The trace as an indented JSON string."""
        analysis = self.analyze_step_stats(show_dataflow=show_dataflow, show_memory=show_memory)
        return analysis.chrome_trace.format_to_string(pretty=True)

    def analyze_step_stats(self, show_dataflow=True, show_memory=True):
        """A StepStatsAnalysis: the trace and each allocator's AllocationMaximum (empty unless
        `show_memory`)."""
        trace = _ChromeTrace()
        trace.process("Allocators", 0)
        devices = []  # (DeviceStepStats, compute pid, tensors pid, lane of each node)
        for index, device in enumerate(self._step_stats.dev_stats):
            pids = (1 + 2 * index, 2 + 2 * index)
            trace.process(device.device + " Compute", pids[0])
            trace.process(device.device + " Tensors", pids[1])
            devices.append((device, pids[0], pids[1], _lanes(device.node_stats)))
        tensors, made_at = self._tensors(trace, devices, show_memory)
        self._compute(trace, devices, tensors, made_at, show_dataflow)
        maximums = self._memory(trace, tensors) if show_memory else {}
        return StepStatsAnalysis(chrome_trace=trace, allocator_maximums=maximums)

    @staticmethod
    def _tensors(trace, devices, show_memory):
        """{tensor name: _Tensor} of every recorded output ("op" for output 0, else "op:i"),
        and {tensor name: (end, compute pid, lane)} where each was made."""
        tensors, made_at = {}, {}
        for device, compute_pid, tensors_pid, lanes in devices:
            for stats, lane in zip(device.node_stats, lanes):
                start = stats.all_start_micros
                end = start + stats.all_end_rel_micros
                for index, output in enumerate(stats.output):
                    name = "%s:%d" % (stats.node_name, index) if index else stats.node_name
                    allocation = output.tensor_description.allocation_description
                    tensor = tensors[name] = _Tensor(len(tensors), tensors_pid, start,
                                                     allocation.allocator_name,
                                                     allocation.requested_bytes)
                    tensor.unref(end)
                    made_at[name] = (end, compute_pid, lane)
                    if show_memory:
                        trace.object("N", name, start, tensors_pid, lane, tensor.object_id)
                        description = str(output.tensor_description).replace('"', "")
                        trace.object("O", name, end - 1, tensors_pid, lane, tensor.object_id,
                                     args={"snapshot": {"tensor_description": description}})
        return tensors, made_at

    @staticmethod
    def _compute(trace, devices, tensors, made_at, show_dataflow):
        """An "X" event per kernel; the inputs it read keep their tensors alive, and an arrow
        from another lane's producer when `show_dataflow`."""
        flows = 0
        for device, compute_pid, _, lanes in devices:
            for stats, lane in zip(device.node_stats, lanes):
                start = stats.all_start_micros
                end = start + stats.all_end_rel_micros
                _, op, inputs = _parse_label(stats.timeline_label)
                args = {"name": stats.node_name, "op": op}
                args.update(("input%d" % i, name) for i, name in enumerate(inputs))
                trace.region(start, stats.all_end_rel_micros, compute_pid, lane, "Op", op,
                             args)
                for name in inputs:
                    if name not in tensors and name.rfind("/_") > 0:
                        name = name[:name.rfind("/_")]  # a Send/Recv pair's input: its source
                    if name not in tensors:
                        continue
                    tensors[name].unref(end - 1)
                    producer = made_at[name]
                    if show_dataflow and producer[1:] != (compute_pid, lane):
                        trace.flow(name, producer, (start, compute_pid, lane), flows)
                        flows += 1

    @staticmethod
    def _memory(trace, tensors):
        """Each tensor's "D" event, each allocator's counter of live bytes over the step, and
        {allocator: AllocationMaximum}."""
        changes = collections.defaultdict(list)
        for name, tensor in tensors.items():
            trace.object("D", name, tensor.last_unref, tensor.pid, 0, tensor.object_id)
            changes[tensor.allocator].append((tensor.created, tensor.num_bytes, name))
            changes[tensor.allocator].append((tensor.last_unref, -tensor.num_bytes, name))
        maximums = {}
        for allocator, events in changes.items():
            total, alive = 0, set()
            maximum = AllocationMaximum(timestamp=0, num_bytes=0, tensors=set())
            for timestamp, num_bytes, name in sorted(events):
                total += num_bytes
                if num_bytes < 0:
                    alive.discard(name)
                else:
                    alive.add(name)
                if total > maximum.num_bytes:
                    maximum = AllocationMaximum(timestamp, total, set(alive))
                trace.counter("Memory", allocator, 0, timestamp, allocator, total)
            maximums[allocator] = maximum
        return maximums


def _lanes(node_stats):
    """The lane (Chrome thread id) of each node: the first lane free when it starts, so that
    events on one lane never overlap."""
    lanes, busy_until = [], [0]
    for stats in node_stats:
        start = stats.all_start_micros
        for lane, until in enumerate(busy_until):
            if start > until:
                break
        else:
            lane = len(busy_until)
            busy_until.append(0)
        busy_until[lane] = start + stats.all_end_rel_micros
        lanes.append(lane)
    return lanes
