"""Winograd against im2col for the LeNet step's 5x5 32->64 convolution (batch 128, 14x14,
SAME, float32; `--filter 3 --shape 64,28,28,32,64`: benchmarks/cnn.py's 3x3 one): the three kernels (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter) timed
in one process at one thread (threadpoolctl), conv_ops.WINOGRAD switched on and off in
alternation, median of each; then each one's error against a float64 direct convolution
(max |error| / max |reference|), and TF 2.21 compat.v1's (oneDNN) when a TF venv is there.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/winograd.py [--rounds 15]
        [--threads 1] [--shape 128,14,14,32,64] [--filter 5] [--dtype float32]
        [--tf-python /work/tfvenv/bin/python]
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def inputs(n, h, c, o, r=5, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, h, h, c)).astype(dtype)
    w = (rng.standard_normal((r, r, c, o)) * 0.05).astype(dtype)
    dy = rng.standard_normal((n, h, h, o)).astype(dtype)
    return x, w, dy


def references(x, w, dy):
    """float64 forward, input gradient and filter gradient of the SAME r x r convolution (r
    odd), one filter tap at a time."""
    x, w, dy = (a.astype(np.float64) for a in (x, w, dy))
    n, h, wd, c = x.shape
    r = w.shape[0]
    p = r // 2
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    y = np.zeros(dy.shape)
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    for i in range(r):
        for j in range(r):
            window = xp[:, i:i + h, j:j + wd]
            y += window @ w[i, j]
            dxp[:, i:i + h, j:j + wd] += dy @ w[i, j].T
            dw[i, j] = window.reshape(-1, c).T @ dy.reshape(-1, dy.shape[3])
    return y, dxp[:, p:p + h, p:p + wd], dw


def error(got, want):
    return float(np.abs(got - want).max() / np.abs(want).max())


def tf_results(x, w, dy):
    """The worker run in the TF venv: TF's three kernels on the same arrays."""
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    xt = tf.placeholder(x.dtype, x.shape)
    wt = tf.placeholder(x.dtype, w.shape)
    dyt = tf.placeholder(x.dtype, dy.shape)
    y = tf.nn.conv2d(xt, wt, [1, 1, 1, 1], "SAME")
    dx = tf.nn.conv2d_backprop_input(x.shape, wt, dyt, [1, 1, 1, 1], "SAME")
    dw = tf.nn.conv2d_backprop_filter(xt, w.shape, dyt, [1, 1, 1, 1], "SAME")
    with tf.Session() as sess:
        return sess.run([y, dx, dw], {xt: x, wt: w, dyt: dy})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--shape", default="128,14,14,32,64", help="n,h,w,c,o (h == w)")
    parser.add_argument("--filter", type=int, default=5, help="filter size (odd)")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--tf-python", default="/work/tfvenv/bin/python")
    parser.add_argument("--tf-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    n, h, _, c, o = (int(v) for v in args.shape.split(","))
    x, w, dy = inputs(n, h, c, o, args.filter, np.dtype(args.dtype))
    if args.tf_worker:
        np.savez(args.tf_worker, *tf_results(x, w, dy))
        return

    sys.path.insert(0, ROOT)
    from threadpoolctl import threadpool_limits
    from minitf.ops import conv_ops
    attrs = dict(strides=(1, 1, 1, 1), padding="SAME")
    sizes, w_sizes = np.array(x.shape, np.int32), np.array(w.shape, np.int32)
    y_out, dx_out = np.empty(dy.shape, x.dtype), np.empty(x.shape, x.dtype)
    kernels = {
        "forward": lambda: conv_ops.Conv2D(**attrs).compute(np, x, w, out=y_out),
        "input gradient": lambda: conv_ops.Conv2DBackpropInput(**attrs).compute(
            np, sizes, w, dy, out=dx_out),
        "filter gradient": lambda: conv_ops.Conv2DBackpropFilter(**attrs).compute(
            np, x, w_sizes, dy)}
    times = {(k, on): [] for k in kernels for on in (False, True)}
    with threadpool_limits(args.threads):
        for r in range(args.rounds + 1):
            for on in (False, True):
                conv_ops.WINOGRAD = on
                for name, fn in kernels.items():
                    t = time.perf_counter()
                    fn()
                    if r:  # the first round warms up
                        times[name, on].append(time.perf_counter() - t)
    print("x %s, w %s, %d thread(s), %d rounds: median (min) ms"
          % (x.shape, w.shape, args.threads, args.rounds))
    total = [0.0, 0.0]
    for name in kernels:
        im2col, wino = (np.median(times[name, on]) * 1e3 for on in (False, True))
        total[0] += im2col
        total[1] += wino
        print("  %-16s im2col %6.2f (%6.2f)  winograd %6.2f (%6.2f)  %.2fx"
              % (name, im2col, min(times[name, False]) * 1e3, wino,
                 min(times[name, True]) * 1e3, im2col / wino))
    print("  %-16s im2col %6.2f           winograd %6.2f           %.2fx"
          % ("all three", total[0], total[1], total[0] / total[1]))

    want = references(x, w, dy)
    rows = {}
    for on in (False, True):
        conv_ops.WINOGRAD = on
        rows["winograd" if on else "im2col"] = [fn().copy() for fn in kernels.values()]
    conv_ops.WINOGRAD = True
    if os.path.exists(args.tf_python):
        path = os.path.join("/tmp", "winograd_tf_%d.npz" % os.getpid())
        done = subprocess.run([args.tf_python, os.path.abspath(__file__), "--shape", args.shape,
                               "--filter", str(args.filter), "--dtype", args.dtype,
                               "--tf-worker", path], capture_output=True, text=True)
        if done.returncode == 0:
            with np.load(path) as got:
                rows["TF1 (oneDNN)"] = [got["arr_%d" % i] for i in range(3)]
            os.remove(path)
        else:
            print("TF worker failed:", done.stderr.strip().splitlines()[-1:])
    print("max |error| / max |float64 reference|:")
    for label, results in rows.items():
        print("  %-14s %s" % (label, "  ".join("%s %.2e" % (name, error(got, ref)) for name,
                                                got, ref in zip(kernels, results, want))))
    print(json.dumps({label: [error(g, r) for g, r in zip(res, want)]
                      for label, res in rows.items()}))


if __name__ == "__main__":
    main()
