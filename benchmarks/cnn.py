"""Convolutional workloads: minitf against TF1 (TensorFlow's compat.v1, when a venv with it is
found) and hand-written numpy, each workload in its own fresh process.

(a) conv2d 3x3, 32 -> 64 channels, batch 64, 28x28, SAME: forward + backward (y, dx, dw);
    numpy is a straightforward im2col (as_strided + one matmul) with col2im by filter taps.
(b) one training step of a LeNet-style CNN (conv 5x5 32, max pool, conv 5x5 64, batch norm,
    max pool, dense 256, dropout, dense 10, Adam) at batch 128 on 28x28 inputs.
(c) minitf's peak memory during one step of (b) (tracemalloc: numpy's allocations, including
    the variables) against the sum of the tensors that must be alive then: variables, Adam
    slots, the fed batch and every forward activation (kept for the backward pass).

Each time is given as wall-clock time and as the CPU time of the process (all its threads:
user + system). On a machine shared with other jobs wall time swings with their load, while the
CPU time a step needs is steadier: it is the fairer measure of the work each framework does
(TF1's inter- and intra-op pools spread work over both cores; OpenBLAS's waiting threads spin,
so their CPU time counts too).

Usage:

    python benchmarks/cnn.py [--repeat N] [--tf-python /work/tfvenv/bin/python]
                             [--blas-threads N] [--blas-coretype NAME]

`--blas-coretype` sets OPENBLAS_CORETYPE for the minitf and numpy workers (OpenBLAS reads it
when numpy loads it), e.g. Haswell to see what the AVX2 kernels give on an AVX-512 CPU. The
header prints the kernel set each worker got.

The machine is shared: run it more than once and quote ranges.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np

CONV = dict(batch=64, size=28, cin=32, cout=64, k=3)
LENET_BATCH = 128
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(fn, repeat, inner):
    """{median, min, max}: wall seconds per call over `repeat` batches of `inner` calls, and
    cpu (median CPU seconds of this process per call, all threads)."""
    fn()
    fn()
    samples, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
        cpu.append((time.process_time() - c0) / inner)
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "cpu": statistics.median(cpu)}


def blas_kernels():
    """The kernel set of the BLAS under numpy (OpenBLAS's core type), as threadpoolctl tells."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    return ", ".join("%s %s" % (i.get("internal_api"), i.get("architecture"))
                     for i in threadpool_info() if i.get("user_api") == "blas") or "none"


def conv_data():
    rng = np.random.default_rng(0)
    c = CONV
    x = rng.standard_normal((c["batch"], c["size"], c["size"], c["cin"])).astype(np.float32)
    w = (rng.standard_normal((c["k"], c["k"], c["cin"], c["cout"])) * 0.1).astype(np.float32)
    dy = rng.standard_normal((c["batch"], c["size"], c["size"], c["cout"])).astype(np.float32)
    return x, w, dy


def conv_graph(tf):
    x, w, dy = conv_data()
    xt = tf.placeholder(tf.float32, x.shape)
    wt = tf.Variable(w)
    y = tf.nn.conv2d(xt, wt, [1, 1, 1, 1], "SAME")
    dx, dw = tf.gradients(y, [xt, wt], grad_ys=tf.constant(dy))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    fetches, feed = [y, dx, dw], {xt: x}
    return lambda: sess.run(fetches, feed)


def conv_numpy():
    """im2col through as_strided + one matmul; the filter gradient from the same matrix; the
    input gradient by one matmul and a scatter-add per filter tap."""
    x, w, dy = conv_data()
    k, cin, cout = CONV["k"], CONV["cin"], CONV["cout"]
    n, h, wd, _ = x.shape

    def step():
        xp = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)])
        s = xp.strides
        cols = np.lib.stride_tricks.as_strided(
            xp, (n, h, wd, k, k, cin), (s[0], s[1], s[2], s[1], s[2], s[3])).reshape(-1, k * k * cin)
        y = cols @ w.reshape(-1, cout)
        d = dy.reshape(-1, cout)
        dw = (cols.T @ d).reshape(w.shape)
        dcols = (d @ w.reshape(-1, cout).T).reshape(n, h, wd, k, k, cin)
        dxp = np.zeros_like(xp)
        for i in range(k):
            for j in range(k):
                dxp[:, i:i + h, j:j + wd] += dcols[:, :, :, i, j]
        return y.reshape(n, h, wd, cout), dxp[:, 1:-1, 1:-1], dw
    return step


def lenet_graph(tf):
    """The (b) model, written once for both minitf and TF's compat.v1."""
    rng = np.random.default_rng(1)
    x_value = rng.random((LENET_BATCH, 28, 28, 1), dtype=np.float32)
    y_value = rng.integers(0, 10, LENET_BATCH)
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    y = tf.placeholder(tf.int64, [None])
    h = tf.layers.conv2d(x, 32, 5, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.conv2d(h, 64, 5, padding="same", use_bias=False)
    h = tf.nn.relu(tf.layers.batch_normalization(h, training=True))
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.dense(tf.layers.flatten(h), 256, activation=tf.nn.relu)
    h = tf.layers.dropout(h, 0.5, training=True)
    logits = tf.layers.dense(h, 10)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    feed = {x: x_value, y: y_value}
    return (lambda: sess.run(train, feed)), loss


def live_tensor_bytes(graph, batch):
    """Variables, their two Adam slots, and every forward activation at this batch size."""
    total = 0
    for op in graph.get_operations():
        if op.name.startswith(("gradients", "Adam", "save")) or op.type in ("Const", "Shape"):
            continue
        for t in op.outputs:
            dims = [batch if d is None else d for d in t.shape.as_list()]
            total += int(np.prod(dims)) * t.dtype.size
    return total


def lenet_memory(tf):
    """(peak bytes traced during one step, including what the session holds, live bytes)."""
    tracemalloc.start()
    step, _ = lenet_graph(tf)
    step()
    step()
    tracemalloc.reset_peak()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, live_tensor_bytes(tf.get_default_graph(), LENET_BATCH)


def import_framework(kind):
    if kind == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        return tf
    sys.path.insert(0, ROOT)
    import minitf
    return minitf


WORKLOADS = {
    "conv-minitf": lambda: conv_graph(import_framework("minitf")),
    "conv-tf": lambda: conv_graph(import_framework("tf")),
    "conv-numpy": conv_numpy,
    "lenet-minitf": lambda: lenet_graph(import_framework("minitf"))[0],
    "lenet-tf": lambda: lenet_graph(import_framework("tf"))[0],
}
INNER = {"conv": 5, "lenet": 3}


def run_worker(python, name, repeat, blas_threads=None, coretype=None):
    env = dict(os.environ)
    if blas_threads and not name.endswith("-tf"):
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(blas_threads)
    if coretype and not name.endswith("-tf"):
        env["OPENBLAS_CORETYPE"] = coretype
    out = subprocess.run([python, os.path.abspath(__file__), "--worker", name,
                          "--repeat", str(repeat)], check=True, capture_output=True, text=True,
                         env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt(r):
    return "%7.1f ms (%.1f-%.1f; CPU %.1f)" % (r["median"] * 1e3, r["min"] * 1e3, r["max"] * 1e3,
                                               r["cpu"] * 1e3)


def ratio(a, b):
    return "%.2fx (CPU %.2fx)" % (a["median"] / b["median"], a["cpu"] / b["cpu"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tf-python", default="/work/tfvenv/bin/python")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="BLAS threads of the minitf and numpy workers (default: BLAS's "
                             "own choice); TF keeps its own thread pools")
    parser.add_argument("--blas-coretype", default=None,
                        help="OPENBLAS_CORETYPE of the minitf and numpy workers (e.g. SkylakeX)")
    parser.add_argument("--worker", choices=sorted(WORKLOADS) + ["memory", "blas"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "blas":
        import_framework("minitf")
        print(json.dumps({"kernels": blas_kernels()}))
        return 0
    if args.worker == "memory":
        peak, live = lenet_memory(import_framework("minitf"))
        print(json.dumps({"peak": peak, "live": live}))
        return 0
    if args.worker:
        print(json.dumps(timed(WORKLOADS[args.worker](), args.repeat,
                               INNER[args.worker.split("-")[0]])))
        return 0

    have_tf = os.path.exists(args.tf_python) and subprocess.run(
        [args.tf_python, "-c", "import tensorflow"], capture_output=True).returncode == 0
    print("numpy %s; TF1 from %s" % (np.__version__, args.tf_python if have_tf else
                                     "(not found: TF columns skipped)"))
    print("BLAS threads of the minitf and numpy workers: %s; their kernels: %s%s"
          % (args.blas_threads or "minitf's / BLAS's default",
             run_worker(sys.executable, "blas", 1, args.blas_threads,
                        args.blas_coretype)["kernels"],
             " (OPENBLAS_CORETYPE=%s)" % args.blas_coretype if args.blas_coretype else ""))
    from run import blas_environment
    print(blas_environment())
    print("load average before: %s" % " ".join(open("/proc/loadavg").read().split()[:3])
          if os.path.exists("/proc/loadavg") else "")
    res = {name: run_worker(args.tf_python if name.endswith("-tf") else sys.executable, name,
                            args.repeat, args.blas_threads, args.blas_coretype)
           for name in WORKLOADS if have_tf or not name.endswith("-tf")}
    mt, npy = res["conv-minitf"], res["conv-numpy"]
    print("(a) conv2d fwd+bwd  minitf %s  numpy %s  minitf/numpy %s" % (
        fmt(mt), fmt(npy), ratio(mt, npy)))
    if have_tf:
        print("                    TF1 %s  minitf/TF1 %s" % (fmt(res["conv-tf"]),
                                                          ratio(mt, res["conv-tf"])))
    print("                    (targets: <= 1.0x numpy, <= 1.5x TF1)")
    line = "(b) LeNet step      minitf %s" % fmt(res["lenet-minitf"])
    if have_tf:
        line += "  TF1 %s  minitf/TF1 %s" % (fmt(res["lenet-tf"]),
                                            ratio(res["lenet-minitf"], res["lenet-tf"]))
    print(line + "   (target: <= 1.5x TF1)")
    mem = run_worker(sys.executable, "memory", args.repeat, args.blas_threads,
                     args.blas_coretype)
    print("(c) LeNet step peak %.1f MB, live tensors %.1f MB, ratio %.2fx   (target: <= 1.3x)"
          % (mem["peak"] / 2 ** 20, mem["live"] / 2 ** 20, mem["peak"] / mem["live"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
