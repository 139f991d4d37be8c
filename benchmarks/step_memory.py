"""Peak memory of a training step against the sum of the tensors alive at once.

    python benchmarks/step_memory.py [--workload mlp|big-mlp|chain]

For run.py's workload (default: the 784-256-256-10 MLP's Adam step, batch 512) it prints:

* alive at once: the most bytes of intermediate tensors that exist together during the step,
  from the plan's own schedule and last uses, with every kernel output counted as a tensor of
  its own (views such as a reshape count nothing; variables, optimizer slots and the fed
  arrays exist before the step and count nothing). This is what an executor that gives every
  op a fresh output and frees each tensor after its last reader needs.
* measured peak (tracemalloc): the most bytes allocated at once during one step that starts
  with the session's buffer pool empty, so every buffer the step uses is allocated inside the
  measurement (kernel-internal temporaries included), and the ratio to the line above;
* steady state: the peak of new allocations during a step once the pool is warm, and what the
  pool keeps between steps;
* the hand-written numpy step of run.py, measured the same way, for comparison.

Each figure is measured in this one process; tracemalloc sees numpy's array allocations.
"""

import argparse
import gc
import os
import sys
import tracemalloc

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import minitf as tf  # noqa: E402
import run as workloads  # noqa: E402  (benchmarks/run.py)
from kernel_overhead import run_wrapped  # noqa: E402
from minitf.client.plan import Slot, Step  # noqa: E402


def session_of(step):
    return next(c.cell_contents for c in step.__closure__
                if isinstance(c.cell_contents, tf.Session))


def alive_at_once(plan, feeds):
    """Peak bytes of the intermediate tensors alive together in one run of `plan`: each
    kernel's outputs are added when it runs and removed after their last reader."""
    sizes = {}

    def wrap(kernel, step):
        def recording(*args, **kwargs):
            result = kernel(*args, **kwargs)
            values = result if len(step.outs) > 1 else [result]
            for slot, value in zip(step.outs, values):
                owns = isinstance(value, np.ndarray) and value.base is None
                sizes[slot] = value.nbytes if owns and slot.kind == Slot.TEMP else 0
            return result
        return recording
    run_wrapped(plan, feeds, wrap)
    live = peak = 0
    for step in plan.steps:
        if step.kind == Step.CALL:
            live += sum(sizes.get(o, 0) for o in step.outs)
            peak = max(peak, live)
            live -= sum(sizes.get(s, 0) for s in step.frees)
    return peak


def traced_peak(fn):
    """(peak bytes allocated at once while fn() runs, bytes still allocated after it)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - base, current - base


def build(name):
    if name == "chain":
        step = workloads.chain_graph(tf)
        return step, workloads.chain_numpy(), [workloads.chain_data()[0]]
    sizes = workloads.MLP if name == "mlp" else workloads.BIG_MLP
    x, y, _ = workloads.mlp_data(*sizes)
    return workloads.mlp_graph(tf, *sizes), workloads.mlp_numpy(*sizes), [x, y]


def mib(n):
    return "%.2f MiB" % (n / 2 ** 20)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", choices=["mlp", "big-mlp", "chain"], default="mlp")
    args = parser.parse_args(argv)
    step, numpy_step, feeds = build(args.workload)
    for _ in range(3):
        step()
    sess = session_of(step)
    plan = max(sess._plans.values(), key=lambda p: p.num_kernels)
    reference = alive_at_once(plan, feeds)
    step()
    sess._state.buffers.clear()
    peak, kept = traced_peak(step)
    warm_peak, _ = traced_peak(step)
    for _ in range(3):
        numpy_step()
    numpy_peak, _ = traced_peak(numpy_step)
    print("%s step (%d kernels)" % (args.workload, plan.num_kernels))
    print("  tensors alive at once:          %s" % mib(reference))
    print("  minitf peak, empty pool:        %s  (%.2fx the tensors alive at once)"
          % (mib(peak), peak / reference))
    print("  minitf peak, warm pool:         %s new; the pool keeps %s between steps"
          % (mib(warm_peak), mib(kept)))
    print("  numpy step peak (hand-written): %s  (%.2fx)" % (mib(numpy_peak),
                                                           numpy_peak / reference))
    return 0


if __name__ == "__main__":
    sys.exit(main())
