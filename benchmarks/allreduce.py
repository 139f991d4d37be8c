"""minitf.horovod's allreduce against raw mpi4py moving the same bytes, measured in one run.

Workloads (each one its own MPI job of --ranks processes, started by this script):
  mlp-grads   the gradients of the 784-256-256-10 MLP (6 tensors, 269,322 float32) reduced by
              ONE HorovodGroupedAllreduce per Session.run (tensor fusion), against one raw
              mpi4py Allreduce of a 269,322-float buffer, and against 6 raw Allreduce calls
              (what no fusion costs);
  big         one 64 MiB float32 tensor, minitf against raw;
  mlp-step    one Adam step of the MLP with hvd.DistributedOptimizer, global batch 512 split
              over the ranks (run it with --ranks 1 and --ranks 2 for the scaling).
Prints the median and range of the per-call time (rank 0's clock, after a barrier).

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
    fn()
    samples = []
    for _ in range(repeat):
        comm.Barrier()
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return samples


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
        inner = 200 if workload == "mlp-grads" else 3
        arrays = [rng.standard_normal(s).astype("float32") for s in shapes]
        grads = [tf.Variable(a) for a in arrays]
        reduced = hvd.grouped_allreduce(grads)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        results["minitf"] = per_call(lambda: sess.run(reduced), comm, repeat, inner)
        flat = np.concatenate([a.reshape(-1) for a in arrays])
        out = np.empty_like(flat)
        results["raw, one buffer"] = per_call(lambda: comm.Allreduce(flat, out), comm, repeat,
                                              inner)
        if len(arrays) > 1:
            outs = [np.empty_like(a) for a in arrays]

            def one_call_each():
                for a, o in zip(arrays, outs):
                    comm.Allreduce(a, o)
            results["raw, one call per tensor"] = per_call(one_call_each, comm, repeat, inner)
        results["floats"] = int(flat.size)
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
        results["minitf step"] = per_call(lambda: sess.run(step, feed), comm, repeat, 20)
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
        print("\n%s%s" % (workload, " (%d float32)" % floats if floats else ""))
        base = statistics.median(results.get("raw, one buffer", [float("nan")]))
        for name, samples in results.items():
            median = statistics.median(samples)
            ratio = "  %.2fx raw one buffer" % (median / base) if base == base else ""
            print("  %-26s %9.3f ms  (%.3f-%.3f)%s" % (name, median * 1e3, min(samples) * 1e3,
                                                     max(samples) * 1e3, ratio))


if __name__ == "__main__":
    main()
