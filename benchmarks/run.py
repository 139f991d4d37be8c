"""minitf against hand-written numpy doing the same float32 math, measured in one run.

(a) one `s.run([step, x, f])` of the lecture's x**2 gradient-descent example;
(b) one Adam training step of a 784-256-256-10 ReLU MLP, batch 512, fed from numpy.

Prints the median time per call of each, the ratio minitf / numpy, and the peak memory
newly allocated during the timed runs (tracemalloc sees numpy's allocations). Each workload
runs in a fresh Python process started by this script: glibc's mmap and trim thresholds are
process-wide and adapt to what was freed before, so whichever workload ran second in a shared
process would inherit the first one's heap tuning (the numpy step runs 5 ms instead of 8 ms
after minitf ran in the same process). Usage:

    python benchmarks/run.py [--repeat N]
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

import minitf as tf


def timed(fn, repeat, inner):
    """Median seconds per call over `repeat` batches of `inner` calls, and the peak bytes
    allocated while running one batch."""
    fn()  # warm up: plans compile, buffers are allocated
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    tracemalloc.start()
    for _ in range(inner):
        fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(samples), peak


# -- (a) the lecture's x**2 step ---------------------------------------------------------------

def lecture_minitf():
    tf.reset_default_graph()
    x = tf.get_variable("X", shape=(), dtype=tf.float32, initializer=tf.constant_initializer(3.0))
    f = x ** 2
    step = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(f, var_list=[x])
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return lambda: sess.run([step, x, f])


def lecture_numpy():
    state = {"x": np.float32(3.0)}
    lr = np.float32(0.1)

    def step():
        x = state["x"]
        f = x ** 2
        grad = np.float32(2) * x
        state["x"] = x - lr * grad
        return x, f
    return step


# -- (b) one Adam step of an MLP -----------------------------------------------------------------

SIZES = (784, 256, 256, 10)
BATCH = 512


def mlp_data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], BATCH).astype(np.int64)
    weights = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        limit = np.sqrt(6 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32))
        weights.append(np.zeros(fan_out, np.float32))
    return x, y, weights


def mlp_minitf(x_value, y_value, weights):
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, (None, SIZES[0]))
    y = tf.placeholder(tf.int64, (None,))
    h = x
    for i in range(len(SIZES) - 1):
        w = tf.Variable(weights[2 * i], name="w%d" % i)
        b = tf.Variable(weights[2 * i + 1], name="b%d" % i)
        h = tf.nn.bias_add(tf.matmul(h, w), b)
        if i < len(SIZES) - 2:
            h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
    step = tf.train.AdamOptimizer(1e-3).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    feed = {x: x_value, y: y_value}
    return lambda: sess.run(step, feed)


def mlp_numpy(x, y, weights):
    """Straightforward numpy: forward, backward, and TF1's Adam update, no tricks."""
    params = [w.copy() for w in weights]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, beta1, beta2, eps = 1e-3, 0.9, 0.999, 1e-8
    powers = [1.0, 1.0]
    n_layers = len(SIZES) - 1

    def step():
        acts = [x]
        h = x
        for i in range(n_layers):
            h = h @ params[2 * i] + params[2 * i + 1]
            if i < n_layers - 1:
                h = np.maximum(h, 0)
            acts.append(h)
        logits = acts[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        dlogits = probs
        dlogits[np.arange(len(y)), y] -= 1
        dlogits /= len(y)
        grads = [None] * len(params)
        d = dlogits
        for i in reversed(range(n_layers)):
            grads[2 * i] = acts[i].T @ d
            grads[2 * i + 1] = d.sum(axis=0)
            if i > 0:
                d = (d @ params[2 * i].T) * (acts[i] > 0)
        powers[0] *= beta1
        powers[1] *= beta2
        lr_t = lr * np.sqrt(1 - powers[1]) / (1 - powers[0])
        for p, g, mi, vi in zip(params, grads, m, v):
            mi += (g - mi) * (1 - beta1)
            vi += (g * g - vi) * (1 - beta2)
            p -= lr_t * mi / (np.sqrt(vi) + eps)
    return step


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (pip install threadpoolctl to see it)"
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join("%s %s (%s, %d threads)" % (i.get("internal_api"), i.get("version"),
                                                i.get("architecture"), i.get("num_threads"))
                     for i in infos) or "none found"


# The MLP's data stays alive while it trains, as in a real program. (If the caller dropped its
# copy of the initial weights before the loop, glibc would raise its mmap threshold on that
# free and the numpy step would run about 5 ms instead of 8-9: its speed depends on such
# accidents of heap history, which is the cost minitf avoids.)
WORKLOADS = {
    "lecture-minitf": (lambda data: lecture_minitf(), 2000),
    "lecture-numpy": (lambda data: lecture_numpy(), 2000),
    "mlp-minitf": (lambda data: mlp_minitf(*data), 20),
    "mlp-numpy": (lambda data: mlp_numpy(*data), 20),
}


def measure_in_fresh_process(name, repeat):
    """Runs one workload in a new interpreter; returns (seconds per call, peak bytes)."""
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", name,
                          "--repeat", str(repeat)], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["seconds"], result["peak"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--worker", choices=sorted(WORKLOADS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        build, inner = WORKLOADS[args.worker]
        data = mlp_data()
        seconds, peak = timed(build(data), args.repeat, inner)
        print(json.dumps({"seconds": seconds, "peak": peak}))
        return 0

    print("numpy %s, BLAS: %s" % (np.__version__, blas_info()))
    t_tf, _ = measure_in_fresh_process("lecture-minitf", args.repeat)
    t_np, _ = measure_in_fresh_process("lecture-numpy", args.repeat)
    print("(a) lecture x**2 step   minitf %7.2f us   numpy %7.2f us   ratio %5.2fx   "
          "(target: minitf <= 25 us)" % (t_tf * 1e6, t_np * 1e6, t_tf / t_np))
    t_tf, m_tf = measure_in_fresh_process("mlp-minitf", args.repeat)
    t_np, m_np = measure_in_fresh_process("mlp-numpy", args.repeat)
    print("(b) MLP Adam step        minitf %7.2f ms   numpy %7.2f ms   ratio %5.2fx   "
          "(target: <= 0.8x)" % (t_tf * 1e3, t_np * 1e3, t_tf / t_np))
    print("    peak new allocations during 20 steps: minitf %.1f MB, numpy %.1f MB"
          % (m_tf / 2 ** 20, m_np / 2 ** 20))
    return 0


if __name__ == "__main__":
    sys.exit(main())
