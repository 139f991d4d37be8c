"""minitf on cupy against hand-written cupy doing the same float32 math, in one run (issue 16).

Workloads, each measured in its own process:
  mlp        one Adam step of the 784-256-256-10 ReLU MLP, batch 512, fed from host arrays
  wide       one Adam step of a 1024-1024-1024-10 MLP at batch 4096
for three engines: minitf placed on the GPU (its default when one is usable), the same graph
with MINITF_DISABLE_GPU=1 (minitf on numpy), and a hand-written step written once against an
array module (cupy, or numpy with --baseline-xp numpy so the script can be checked without a
GPU). Times are medians of synchronized runs; peak device memory is cupy's memory pool (its
high-water mark of used bytes) against the bytes of the tensors alive at once (parameters,
two Adam slots, activations and their gradients).

    python benchmarks/gpu_bench.py [--repeat 5] [--baseline-xp cupy|numpy]
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

WORKLOADS = {"mlp": ((784, 256, 256, 10), 512), "wide": ((1024, 1024, 1024, 10), 4096)}


def data(sizes, batch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, sizes[0])).astype("float32")
    y = rng.integers(0, sizes[-1], batch).astype("int32")
    weights = [(rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype("float32")
               for a, b in zip(sizes[:-1], sizes[1:])]
    return x, y, weights


def live_bytes(sizes, batch):
    params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    activations = batch * sum(sizes[1:]) * 2  # pre-activations and activations
    return 4 * (3 * params + params + activations * 2)  # params, 2 slots, grads; acts + grads


def synchronize(xp):
    if xp.__name__ == "cupy":
        xp.cuda.Device().synchronize()


def timed(step, xp, repeat, inner):
    step()
    synchronize(xp)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(inner):
            step()
        synchronize(xp)
        samples.append((time.perf_counter() - t0) / inner)
    return samples


def minitf_step(sizes, batch):
    import minitf as tf
    x_host, y_host, weights = data(sizes, batch)
    x = tf.placeholder(tf.float32, [None, sizes[0]])
    y = tf.placeholder(tf.int32, [None])
    h = x
    for i, w in enumerate(weights):
        h = tf.matmul(h, tf.Variable(w)) + tf.Variable(np.zeros(w.shape[1], "float32"))
        if i < len(weights) - 1:
            h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
    train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    feed = {x: x_host, y: y_host}
    return lambda: sess.run(train, feed)


def handwritten_step(sizes, batch, xp):
    x_host, y_host, weights = data(sizes, batch)
    params = []
    for w in weights:
        params += [xp.asarray(w), xp.zeros(w.shape[1], "float32")]
    m = [xp.zeros_like(p) for p in params]
    v = [xp.zeros_like(p) for p in params]
    state = {"t": 0}
    lr, b1, b2, eps = 1e-3, 0.9, 0.999, 1e-8

    def step():
        x, y = xp.asarray(x_host), xp.asarray(y_host)
        acts, h = [x], x
        layers = len(params) // 2
        for i in range(layers):
            h = h @ params[2 * i] + params[2 * i + 1]
            if i < layers - 1:
                h = xp.maximum(h, 0)
            acts.append(h)
        e = xp.exp(h - h.max(axis=1, keepdims=True))
        d = e / e.sum(axis=1, keepdims=True)
        d[xp.arange(batch), y] -= 1
        d /= batch
        grads = [None] * len(params)
        for i in reversed(range(layers)):
            grads[2 * i] = acts[i].T @ d
            grads[2 * i + 1] = d.sum(axis=0)
            if i:
                d = (d @ params[2 * i].T) * (acts[i] > 0)
        state["t"] += 1
        t = state["t"]
        rate = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        for p, g, mm, vv in zip(params, grads, m, v):
            mm += (1 - b1) * (g - mm)
            vv += (1 - b2) * (g * g - vv)
            p -= rate * mm / (xp.sqrt(vv) + eps)
    return step


def measure(engine, workload, repeat, baseline_xp):
    sizes, batch = WORKLOADS[workload]
    if engine == "handwritten":
        import importlib
        xp = importlib.import_module(baseline_xp)
        step = handwritten_step(sizes, batch, xp)
    else:
        from minitf import backend
        xp = backend.cupy_module() or np
        step = minitf_step(sizes, batch)
    pool = xp.get_default_memory_pool() if xp.__name__ == "cupy" else None
    samples = timed(step, xp, repeat, 10 if workload == "mlp" else 3)
    result = {"samples": samples, "xp": xp.__name__}
    if pool is not None:
        result["pool_total_bytes"] = pool.total_bytes()
    print("RESULT " + json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-xp", default="cupy", choices=["cupy", "numpy"])
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--workload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        return measure(args.engine, args.workload, args.repeat, args.baseline_xp)
    rows = []
    for workload in WORKLOADS:
        times = {}
        for engine, env in (("minitf", {}), ("minitf-numpy", {"MINITF_DISABLE_GPU": "1"}),
                            ("handwritten", {})):
            done = subprocess.run(
                [sys.executable, __file__, "--engine", "handwritten" if engine == "handwritten"
                 else "minitf", "--workload", workload, "--repeat", str(args.repeat),
                 "--baseline-xp", args.baseline_xp],
                capture_output=True, text=True, env=dict(os.environ, **env))
            line = [l for l in done.stdout.splitlines() if l.startswith("RESULT ")]
            if done.returncode or not line:
                print(workload, engine, "failed:\n", done.stderr[-3000:])
                continue
            result = json.loads(line[0][len("RESULT "):])
            times[engine] = result
        base = times.get("handwritten")
        for engine, result in times.items():
            med = statistics.median(result["samples"])
            ratio = med / statistics.median(base["samples"]) if base else float("nan")
            memory = ""
            if "pool_total_bytes" in result:
                live = live_bytes(*WORKLOADS[workload])
                memory = "  pool %.1f MB = %.2fx live %.1f MB" % (
                    result["pool_total_bytes"] / 1e6, result["pool_total_bytes"] / live, live / 1e6)
            rows.append("%-5s %-13s on %-5s %8.3f ms (%.3f-%.3f)  %.2fx handwritten-%s%s" % (
                workload, engine, result["xp"], med * 1e3, min(result["samples"]) * 1e3,
                max(result["samples"]) * 1e3, ratio, base["xp"] if base else "?", memory))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
