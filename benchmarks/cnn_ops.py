"""Where the CPU time of one LeNet training step (benchmarks/cnn.py's workload (b)) goes, op by
op, measured inside real steps.

    OPENBLAS_NUM_THREADS=1 python benchmarks/cnn_ops.py [--steps N] [--wall]

Runs the step a few times, then N more times with every kernel of its plan wrapped to add up
the CPU time of this thread spent in it (each kernel runs once per step, in the plan's order,
with the cache and buffer pool in the state a real step leaves them: timing a kernel again and
again on the same arrays would hide the memory traffic that dominates the large elementwise
ops). Prints the step's CPU time without the wrappers, then per op (name and type) the mean CPU
ms per step, largest first (those from 0.1 ms), and the sum. With more than one thread (BLAS
threads, or the intra-op workers kernels split their tiles over: docs/cnn.md) the other
threads' time is not counted: run with OPENBLAS_NUM_THREADS=1 to attribute everything, or
with --wall to time each kernel's wall-clock time instead (what a split gains).
"""

import argparse
import collections
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import minitf as tf  # noqa: E402
import cnn  # noqa: E402  (benchmarks/cnn.py)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--wall", action="store_true",
                        help="wall-clock time per kernel instead of this thread's CPU time")
    args = parser.parse_args(argv)
    print("load average %s; BLAS kernels: %s" % (
        " ".join("%.2f" % v for v in os.getloadavg()), cnn.blas_kernels()))
    step, _ = cnn.lenet_graph(tf)
    for _ in range(5):
        step()
    start, cpu, own = time.perf_counter(), time.process_time(), time.thread_time()
    for _ in range(args.steps):
        step()
    wall, cpu, own = ((time.perf_counter() - start) / args.steps,
                      (time.process_time() - cpu) / args.steps,
                      (time.thread_time() - own) / args.steps)
    sess = next(c.cell_contents for c in step.__closure__
                if isinstance(c.cell_contents, tf.Session))
    plan = max(sess._plans.values(), key=lambda p: p.num_kernels)
    namespace = plan._run_nested.__globals__
    costs = collections.Counter()
    originals = {}

    clock = time.perf_counter_ns if args.wall else time.thread_time_ns

    def timed(kernel, op):
        def call(*args):
            t = clock()
            try:
                return kernel(*args)
            finally:
                costs[op] += clock() - t
        return call

    for i, s in enumerate(plan.steps):
        name = "k%d" % i
        if name in namespace:
            originals[name] = namespace[name]
            namespace[name] = timed(namespace[name], s.op)
    try:
        for _ in range(args.steps):
            step()
    finally:
        namespace.update(originals)
    print("LeNet step, batch %d: %.1f ms wall, %.1f ms CPU (all threads; %.1f this thread), "
          "%d kernels" % (cnn.LENET_BATCH, wall * 1e3, cpu * 1e3, own * 1e3, plan.num_kernels))
    print("%8s  %-28s %s" % ("wall ms" if args.wall else "CPU ms", "op type", "op"))
    rest = 0
    for op, ns in costs.most_common():
        if ns / args.steps >= 1e5:
            print("%8.2f  %-28s %s" % (ns / args.steps / 1e6, op.type, op.name))
        else:
            rest += ns
    print("%8.2f  the other %d kernels (under 0.1 ms each)"
          % (rest / args.steps / 1e6, sum(ns / args.steps < 1e5 for ns in costs.values())))
    print("%8.2f  sum over all kernels" % (sum(costs.values()) / args.steps / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
