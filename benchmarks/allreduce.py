"""minitf.horovod's allreduce against raw mpi4py moving the same bytes, measured in one run.

Workloads (each one its own MPI job of --ranks processes, started by this script):
  mlp-grads   the gradients of the 784-256-256-10 MLP (6 tensors, 269,322 float32) reduced by
              ONE HorovodGroupedAllreduce per Session.run (tensor fusion; the op is run, its
              outputs stay in the graph as they do for apply ops; a second row also fetches
              them, which copies them out), against one raw
              mpi4py Allreduce of a 269,322-float buffer, and against 6 raw Allreduce calls
              (what no fusion costs);
  big         one 64 MiB float32 tensor, minitf against raw;
  mlp-step    one Adam step of the MLP with hvd.DistributedOptimizer, global batch 512 split
              over the ranks (run it with --ranks 1 and --ranks 2 for the scaling).
The variants of a workload take turns call by call (raw, minitf, ..., then ..., minitf, raw),
in rounds of 20 calls each (20 x --repeat rounds; for 64 MiB 2 x --repeat rounds of one call)
that start at a barrier, so load on a shared machine hits them alike; the script prints the
median and range of the per-call time of a round (rank 0's clock) and of the per-round ratio to
raw, then the 10th percentile and median of single calls (the 10th percentile: a call no other
process interrupted), the median per-round ratio of rank 0's CPU time (a rank waiting for its
peer spins, so CPU time counts the waits too, but not the time the rank was off the core), and
the median ratio of each call to the raw call made next to it.

    python benchmarks/allreduce.py [--ranks 2] [--repeat 5]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # run from a checkout without installing
MLP_SHAPES = [(784, 256), (256,), (256, 256), (256,), (256, 10), (10,)]


def per_call(fn, comm, repeat, inner):
    """Wall time per call of `repeat` rounds of `inner` calls, and the CPU time of this
    process per call (BLAS threads included) in the same rounds."""
    fn()
    samples, cpu = [], []
    for _ in range(repeat):
        comm.Barrier()
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
        cpu.append((time.process_time() - c0) / inner)
    return samples, cpu


def alternating(variants, comm, rounds, inner):
    """Per-call times of each variant over `rounds` rounds. Within a round the variants take
    turns call by call (raw, minitf, ..., then ..., minitf, raw, ...), so whatever else runs on
    a shared machine meets each variant alike down to a single call: compare them round by
    round, or call by call (`pairs`: each call's time over the raw call next to it). Also
    each call's own time (its 10th percentile is what a call costs when no other process
    takes the core meanwhile) and the CPU time of each round (this thread's)."""
    for fn in variants.values():
        fn()
    names = list(variants)
    orders = [list(variants.items()), list(variants.items())[::-1]]
    samples = {name: [] for name in variants}
    calls = {name: [] for name in variants}
    cpu = {name: [] for name in variants}
    clock, thread_time = time.perf_counter, time.thread_time
    for k in range(rounds):
        took = {name: 0.0 for name in names}
        used = {name: 0.0 for name in names}
        comm.Barrier()
        for j in range(inner):
            for name, fn in orders[(j + k) % 2]:
                c0 = thread_time()
                t0 = clock()
                fn()
                t1 = clock()
                used[name] += thread_time() - c0
                took[name] += t1 - t0
                calls[name].append(t1 - t0)
        for name in names:
            samples[name].append(took[name] / inner)
            cpu[name].append(used[name] / inner)
    return samples, calls, cpu


def worker(workload, repeat):
    import minitf as tf
    import minitf.horovod as hvd
    from mpi4py import MPI
    hvd.init()
    comm = MPI.COMM_WORLD
    rng = np.random.default_rng(hvd.rank())
    results = {}
    if workload in ("mlp-grads", "big"):
        shapes = MLP_SHAPES if workload == "mlp-grads" else [(16 * 1024 * 1024,)]
        inner = 20 if workload == "mlp-grads" else 1
        arrays = [rng.standard_normal(s).astype("float32") for s in shapes]
        grads = [tf.Variable(a) for a in arrays]
        reduced = hvd.grouped_allreduce(grads)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        flat = np.concatenate([a.reshape(-1) for a in arrays])
        out = np.empty_like(flat)
        # As in training, the reduced values stay in the graph (apply ops read them): run the
        # op. Fetching them adds the copy every fetch of an op's persistent output gets.
        variants = {"raw, one buffer": lambda: comm.Allreduce(flat, out),
                    "minitf": lambda: sess.run(reduced[0].op),
                    "minitf, outputs fetched": lambda: sess.run(reduced)}
        if len(arrays) > 1:
            outs = [np.empty_like(a) for a in arrays]

            def one_call_each():
                for a, o in zip(arrays, outs):
                    comm.Allreduce(a, o)
            variants["raw, one call per tensor"] = one_call_each
        samples, calls, cpu = alternating(variants, comm, repeat * (20 if workload == "mlp-grads"
                                                                    else 2), inner)
        results.update(samples)
        results["calls"] = calls
        results["cpu"] = cpu
        results["floats"] = int(flat.size)
        from minitf.horovod import basics  # (the job's count of steps made without agreement)
        results["fast"] = [basics._job.fast_steps,
                           len(calls["minitf"]) + len(calls["minitf, outputs fetched"])]
    elif workload == "mlp-step":
        share = 512 // hvd.size()
        x = tf.placeholder(tf.float32, [None, 784])
        y = tf.placeholder(tf.int32, [None])
        h = x
        for width in (256, 256):
            h = tf.layers.dense(h, width, activation=tf.nn.relu)
        logits = tf.layers.dense(h, 10)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                             logits=logits))
        step = hvd.DistributedOptimizer(tf.train.AdamOptimizer(1e-3)).minimize(loss)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        sess.run(hvd.broadcast_global_variables(0))
        feed = {x: rng.standard_normal((share, 784)).astype("float32"),
                y: rng.integers(0, 10, share).astype("int32")}
        results["minitf step"], results["  CPU of rank 0's process"] = per_call(
            lambda: sess.run(step, feed), comm, repeat, 20)
    if hvd.rank() == 0:
        print("RESULT " + json.dumps(results))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workload:
        return worker(args.workload, args.repeat)
    from minitf.horovod import launch
    mpiexec = launch.find_mpiexec()
    if mpiexec is None:
        sys.exit("needs mpiexec: pip install -e '.[mpi]'")
    env = dict(os.environ, PYTHONPATH=ROOT)
    print("%d ranks on %d cores (load average %.1f)" % (args.ranks, os.cpu_count(),
                                                          os.getloadavg()[0]))
    for workload in ("mlp-grads", "big", "mlp-step"):
        done = subprocess.run([mpiexec, "-n", str(args.ranks), sys.executable, __file__,
                               "--workload", workload, "--repeat", str(args.repeat)],
                              capture_output=True, text=True, env=env)
        line = [l for l in done.stdout.splitlines() if l.startswith("RESULT ")]
        if done.returncode or not line:
            print(workload, "failed:", done.stderr[-2000:])
            continue
        results = json.loads(line[0][len("RESULT "):])
        floats = results.pop("floats", None)
        fast = results.pop("fast", None)
        calls = results.pop("calls", {})
        cpu = results.pop("cpu", {})
        print("\n%s%s   (load average now %.1f)" % (workload, " (%d float32)" % floats
                                                   if floats else "", os.getloadavg()[0]))
        if fast and args.ranks > 1:
            print("  (%d of the %d minitf calls were expected: no agreement round)" % tuple(fast))
        base = results.get("raw, one buffer")
        for name, samples in results.items():
            line = "  %-26s %9.3f ms  (%.3f-%.3f)" % (name, statistics.median(samples) * 1e3,
                                                     min(samples) * 1e3, max(samples) * 1e3)
            if base and name != "raw, one buffer":
                ratios = sorted(s / b for s, b in zip(samples, base))
                quarter = len(ratios) // 4
                line += "  %.2fx raw one buffer (rounds: %.2f-%.2f, middle half %.2f-%.2f)" % (
                    statistics.median(ratios), ratios[0], ratios[-1], ratios[quarter],
                    ratios[-1 - quarter])
            print(line)
            if name in calls:
                p10, p50 = (np.percentile(calls[name], q) * 1e3 for q in (10, 50))
                line = "  %26s per call %.3f ms (10th pct), %.3f ms (median)" % ("", p10, p50)
                if base and name != "raw, one buffer":
                    base10, base50 = (np.percentile(calls["raw, one buffer"], q) * 1e3
                                      for q in (10, 50))
                    cpu_ratios = sorted(c / b for c, b in zip(cpu[name], cpu["raw, one buffer"]))
                    line += ": %.2fx, %.2fx raw; CPU per round %.2fx raw" % (
                        p10 / base10, p50 / base50, statistics.median(cpu_ratios))
                    # each call against the raw call made next to it (same moment's load)
                    pairs = sorted(c / b for c, b in zip(calls[name], calls["raw, one buffer"]))
                    quarter = len(pairs) // 4
                    line += "\n  %26s call by call %.2fx raw (middle half %.2f-%.2f)" % (
                        "", statistics.median(pairs), pairs[quarter], pairs[-1 - quarter])
                print(line)

if __name__ == "__main__":
    main()
