"""minitf on cupy against hand-written cupy doing the same float32 math, in one run (issue 16).

Workloads, each measured in its own process:
  mlp        one Adam step of the 784-256-256-10 ReLU MLP, batch 512, fed from host arrays
  wide       one Adam step of a 1024-1024-1024-10 MLP at batch 4096
  lenet      one Adam step of benchmarks/cnn.py's LeNet (conv 5x5 32, max pool, conv 5x5 64,
             batch norm, max pool, dense 256, dropout, dense 10) at batch 128, fed from host
  lstm       one SGD step of benchmarks/rnn.py's LSTM (BasicLSTMCell 256 over 50 steps of 128
             inputs, batch 64: dynamic_rnn's while loop and its gradient)
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

WORKLOADS = {"mlp": ((784, 256, 256, 10), 512), "wide": ((1024, 1024, 1024, 10), 4096),
             "lenet": (None, 128), "lstm": (None, 64)}
INNER = {"mlp": 10, "wide": 3, "lenet": 3, "lstm": 1}


def data(sizes, batch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, sizes[0])).astype("float32")
    y = rng.integers(0, sizes[-1], batch).astype("int32")
    weights = [(rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype("float32")
               for a, b in zip(sizes[:-1], sizes[1:])]
    return x, y, weights


def live_bytes(sizes, batch):
    if sizes is None:
        return None  # (counted for the MLPs only)
    params = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    activations = batch * sum(sizes[1:]) * 2  # pre-activations and activations
    fed = batch * sizes[0] + batch  # the batch and its labels (int32), alive all step long
    # params, 2 slots, grads; the fed batch; activations and their gradients
    return 4 * (3 * params + params + fed + activations * 2)


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


def minitf_lenet(batch):
    import minitf as tf
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    import cnn
    cnn.LENET_BATCH = batch
    step, _ = cnn.lenet_graph(tf)
    return step


def minitf_lstm():
    import minitf as tf
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    import rnn
    x = np.random.default_rng(0).standard_normal((rnn.BATCH, rnn.STEPS, rnn.DEPTH)).astype("float32")
    outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(rnn.HIDDEN), tf.constant(x),
                                   dtype=tf.float32)
    train = tf.train.GradientDescentOptimizer(0.01).minimize(tf.reduce_mean(tf.square(outputs)))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return lambda: sess.run(train)


def handwritten_lstm(xp):
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    import rnn
    rng = np.random.default_rng(0)
    x = rng.standard_normal((rnn.BATCH, rnn.STEPS, rnn.DEPTH)).astype("float32")
    return rnn._numpy_lstm(xp, rng, x)


def handwritten_lenet(batch, xp):
    """The LeNet step of benchmarks/cnn.py written by hand against `xp`: convolutions as one
    im2col product (col2im by filter taps), 2x2 pools by reshaping, batch norm's gradient by
    its formula, Adam with one expression per moment."""
    as_strided = xp.lib.stride_tricks.as_strided
    rng = np.random.default_rng(1)
    x_host = rng.random((batch, 28, 28, 1), dtype=np.float32)
    y_host = rng.integers(0, 10, batch)

    def init(*shape):
        return xp.asarray((rng.standard_normal(shape) * np.sqrt(2.0 / np.prod(shape[:-1])))
                          .astype("float32"))
    params = [init(5, 5, 1, 32), xp.zeros(32, "float32"), init(5, 5, 32, 64),
              xp.ones(64, "float32"), xp.zeros(64, "float32"), init(7 * 7 * 64, 256),
              xp.zeros(256, "float32"), init(256, 10), xp.zeros(10, "float32")]
    m = [xp.zeros_like(p) for p in params]
    v = [xp.zeros_like(p) for p in params]
    state = {"t": 0}

    def conv(x, w):  # 5x5 SAME: (y, the im2col matrix)
        n, h, wd, c = x.shape
        padded = xp.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0)))
        s = padded.strides
        cols = as_strided(padded, (n, h, wd, 5, 5, c), (s[0], s[1], s[2], s[1], s[2], s[3]))
        cols = cols.reshape(n * h * wd, 25 * c)
        return (cols @ w.reshape(25 * c, -1)).reshape(n, h, wd, -1), cols

    def conv_input_grad(dy, w, shape):
        n, h, wd, c = shape
        dcols = (dy.reshape(n * h * wd, -1) @ w.reshape(25 * c, -1).T).reshape(n, h, wd, 5, 5, c)
        dpad = xp.zeros((n, h + 4, wd + 4, c), "float32")
        for i in range(5):
            for j in range(5):
                dpad[:, i:i + h, j:j + wd] += dcols[:, :, :, i, j]
        return dpad[:, 2:-2, 2:-2]

    def pool(x):
        n, h, wd, c = x.shape
        return x.reshape(n, h // 2, 2, wd // 2, 2, c).max(axis=(2, 4))

    def pool_grad(x, y, dy):
        n, h, wd, c = x.shape
        up = lambda a: xp.broadcast_to(a[:, :, None, :, None], (n, h // 2, 2, wd // 2, 2, c))  # noqa: E731
        mask = x.reshape(n, h // 2, 2, wd // 2, 2, c) == up(y)
        return (mask * up(dy)).reshape(x.shape)

    def step():
        x, y = xp.asarray(x_host), xp.asarray(y_host)
        w1, b1, w2, gamma, beta, w3, b3, w4, b4 = params
        a1, cols1 = conv(x, w1)
        a1 += b1
        r1 = xp.maximum(a1, 0)
        p1 = pool(r1)
        a2, cols2 = conv(p1, w2)
        mean = a2.mean(axis=(0, 1, 2))
        var = a2.var(axis=(0, 1, 2))
        inv = 1 / xp.sqrt(var + 1e-3)
        xhat = (a2 - mean) * inv
        r2 = xp.maximum(xhat * gamma + beta, 0)
        p2 = pool(r2)
        flat = p2.reshape(batch, -1)
        h3 = xp.maximum(flat @ w3 + b3, 0)
        keep = xp.asarray(rng.random(h3.shape) >= 0.5)
        d3 = h3 * keep * 2
        logits = d3 @ w4 + b4
        e = xp.exp(logits - logits.max(axis=1, keepdims=True))
        d = e / e.sum(axis=1, keepdims=True)
        d[xp.arange(batch), y] -= 1
        d /= batch
        grads = [None] * 9
        grads[7], grads[8] = d3.T @ d, d.sum(axis=0)
        dd3 = (d @ w4.T) * keep * 2 * (h3 > 0)
        grads[5], grads[6] = flat.T @ dd3, dd3.sum(axis=0)
        dp2 = (dd3 @ w3.T).reshape(p2.shape)
        dr2 = pool_grad(r2, p2, dp2) * (r2 > 0)
        grads[3], grads[4] = (dr2 * xhat).sum(axis=(0, 1, 2)), dr2.sum(axis=(0, 1, 2))
        dxhat = dr2 * gamma
        count = a2.size // a2.shape[-1]
        da2 = inv / count * (count * dxhat - dxhat.sum(axis=(0, 1, 2))
                             - xhat * (dxhat * xhat).sum(axis=(0, 1, 2)))
        grads[2] = cols2.T @ da2.reshape(-1, 64)
        dp1 = conv_input_grad(da2, w2, p1.shape)
        da1 = pool_grad(r1, p1, dp1) * (r1 > 0)
        grads[0] = (cols1.T @ da1.reshape(-1, 32)).reshape(w1.shape)
        grads[1] = da1.sum(axis=(0, 1, 2))
        grads[2] = grads[2].reshape(w2.shape)
        state["t"] += 1
        t = state["t"]
        rate = 1e-3 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        for p, g, mm, vv in zip(params, grads, m, v):
            mm += 0.1 * (g - mm)
            vv += 0.001 * (g * g - vv)
            p -= rate * mm / (xp.sqrt(vv) + 1e-8)
    return step


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
        step = (handwritten_lenet(batch, xp) if workload == "lenet" else
                handwritten_lstm(xp) if workload == "lstm" else handwritten_step(sizes, batch, xp))
    else:
        from minitf import backend
        xp = backend.cupy_module() or np
        step = (minitf_lenet(batch) if workload == "lenet" else minitf_lstm()
                if workload == "lstm" else minitf_step(sizes, batch))
    pool = xp.get_default_memory_pool() if xp.__name__ == "cupy" else None
    samples = timed(step, xp, repeat, INNER[workload])
    result = {"samples": samples, "xp": xp.__name__}
    if pool is not None:
        result["pool_total_bytes"] = pool.total_bytes()
    print("RESULT " + json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-xp", default="cupy", choices=["cupy", "numpy"])
    parser.add_argument("--only", default=",".join(WORKLOADS),
                        help="comma-separated workloads (default: all)")
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--workload", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        return measure(args.engine, args.workload, args.repeat, args.baseline_xp)
    rows = []
    for workload in args.only.split(","):
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
            live = live_bytes(*WORKLOADS[workload])
            if "pool_total_bytes" in result and live:
                memory = "  pool %.1f MB = %.2fx live %.1f MB" % (
                    result["pool_total_bytes"] / 1e6, result["pool_total_bytes"] / live, live / 1e6)
            elif "pool_total_bytes" in result:
                memory = "  pool %.1f MB" % (result["pool_total_bytes"] / 1e6)
            rows.append("%-5s %-13s on %-5s %8.3f ms (%.3f-%.3f)  %.2fx handwritten-%s%s" % (
                workload, engine, result["xp"], med * 1e3, min(result["samples"]) * 1e3,
                max(result["samples"]) * 1e3, ratio, base["xp"] if base else "?", memory))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
