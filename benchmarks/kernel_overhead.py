"""The cost of one executed kernel in a plan, on run.py's 500-layer chain of 4x16 tensors.

    python benchmarks/kernel_overhead.py [--repeat N] [--workload chain|mlp|forward]

Prints, for the chain's gradient-descent step: the time per run (wall and this thread's CPU
time, which a busy machine disturbs less), the number of kernels a run executes and the cost
per kernel; the hand-written numpy step of run.py for the same math; then, per op type, the
CPU time of the plan's bound kernel called alone (with the arguments it gets in a run) next to
the bare numpy call it ends in, so the Python around each kernel shows. Timing the kernels one
by one calls each several times in a row; updates of variables then apply several times,
which changes no cost. A grouped update (plan.group_updates) shows as one kernel,
`ApplyGradientDescent xN+M`: N updates and the M gradients computed in it.
"""

import argparse
import collections
import os
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import minitf as tf  # noqa: E402
import run as workloads  # noqa: E402  (benchmarks/run.py)

CALLS = 50


def per_call(fn, args, calls=CALLS):
    """CPU nanoseconds per call of fn(*args), best of three batches."""
    best = None
    for _ in range(3):
        t = time.thread_time_ns()
        for _ in range(calls):
            fn(*args)
        cost = (time.thread_time_ns() - t) / calls
        best = cost if best is None else min(best, cost)
    return best


def run_times(fn, repeat, inner=20):
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.thread_time()
        for _ in range(inner):
            fn()
        wall.append((time.perf_counter() - w) / inner)
        cpu.append((time.thread_time() - c) / inner)
    return statistics.median(wall), min(wall), statistics.median(cpu), min(cpu)


def run_wrapped(plan, feeds, wrap):
    """Runs `plan` once with each kernel replaced by wrap(kernel, step)."""
    namespace = plan._run_nested.__globals__
    originals = {}
    for i, step in enumerate(plan.steps):
        name = "k%d" % i
        if name in namespace:
            originals[name] = namespace[name]
            namespace[name] = wrap(namespace[name], step)
    try:
        with np.errstate(all="ignore"):
            plan._run_nested(feeds)
    finally:
        namespace.update(originals)


def kernel_costs(plan, feeds):
    """{op type: [CPU ns per call of each of its steps' kernels]} over one run of `plan`."""
    costs = collections.defaultdict(list)

    def wrap(kernel, step):
        name = step.op.type if not step.group else "%s x%d+%d" % (
            step.op.type, len(step.group), len(step.producers or ()))  # (updates+gradients)

        def timed(*args):
            costs[name].append(per_call(kernel, args, calls=5))
            return kernel(*args)
        return timed
    run_wrapped(plan, feeds, wrap)
    return costs


def numpy_floor():
    """CPU ns of the bare numpy calls the chain's kernels end in, on its shapes."""
    rng = np.random.default_rng(0)
    h = rng.standard_normal((4, 16)).astype(np.float32)
    w = rng.standard_normal((16, 16)).astype(np.float32)
    b = np.zeros(16, np.float32)
    one = np.float32(1)
    return {
        "Tanh": per_call(np.tanh, (h,), 2000),
        "Add": per_call(np.add, (h, b), 2000),
        "MatMul": per_call(np.matmul, (h, w), 2000),
        "Square": per_call(np.square, (h,), 2000),
        "Sub": per_call(np.subtract, (one, h), 2000),
        "Mul": per_call(np.multiply, (h, h), 2000),
        "SumTo": per_call(np.add.reduce, (h, 0), 2000),
        "TanhGrad": per_call(lambda y, dy: np.multiply(dy, np.subtract(one, np.square(y))),
                             (h, h), 2000),
        "ApplyGradientDescent": per_call(lambda v, g: v.__isub__(np.multiply(g, one)), (w, w),
                                         2000),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--workload", choices=["chain", "mlp", "forward"], default="chain",
                        help="run.py's workload (the MLPs: to see where a step's time goes)")
    args = parser.parse_args(argv)
    print("load average %s" % " ".join("%.2f" % v for v in os.getloadavg()))
    if args.workload == "chain":
        step, numpy_step = workloads.chain_graph(tf), workloads.chain_numpy()
        feeds = [workloads.chain_data()[0]]
    else:
        train = args.workload == "mlp"
        step = workloads.mlp_graph(tf, *workloads.MLP, train=train)
        numpy_step = workloads.mlp_numpy(*workloads.MLP, train=train)
        x_value, y_value, _ = workloads.mlp_data(*workloads.MLP)
        feeds = [x_value, y_value] if train else [x_value]
    step()
    step()
    sess = next(c.cell_contents for c in step.__closure__
                if isinstance(c.cell_contents, tf.Session))
    plan = max(sess._plans.values(), key=lambda p: p.num_kernels)
    wall, wall_min, cpu, cpu_min = run_times(step, args.repeat)
    n = plan.num_kernels
    print("minitf %s step: %.2f ms wall (min %.2f), %.2f ms CPU (min %.2f); %d kernels: "
          "%.2f us CPU per kernel" % (args.workload, wall * 1e3, wall_min * 1e3, cpu * 1e3,
                                      cpu_min * 1e3, n, cpu_min / n * 1e6))
    wall, wall_min, cpu, cpu_min = run_times(numpy_step, args.repeat)
    print("numpy step:  %.2f ms wall (min %.2f), %.2f ms CPU (min %.2f)"
          % (wall * 1e3, wall_min * 1e3, cpu * 1e3, cpu_min * 1e3))
    costs = kernel_costs(plan, feeds)
    floor = numpy_floor()
    print("%-32s %6s %12s %12s %12s" % ("op type", "count", "mean ns", "numpy ns", "total ms"))
    total = 0
    for op_type, values in sorted(costs.items(), key=lambda kv: -sum(kv[1])):
        total += sum(values)
        print("%-32s %6d %12.0f %12s %12.2f" % (
            op_type[:32], len(values), statistics.mean(values),
            "%.0f" % floor[op_type] if op_type in floor else "-", sum(values) / 1e6))
    print("sum of the kernels alone: %.2f ms" % (total / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
