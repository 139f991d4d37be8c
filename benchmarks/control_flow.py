"""Per-iteration cost of control flow: minitf against real TF1 (tf.compat.v1 from a TF venv,
when one is given) and hand-written numpy, each workload in its own process, in one run.

(a) tf.while_loop summing 1..10,000 (scalar body: i < n; (i + 1, s + i));
(b) a 100-step tf.scan of h <- tanh(h @ W + x_t) with 256x256 float32 matrices.

Prints the best (least disturbed) and median seconds per iteration over --repeat runs; the
ratio to TF1 is of the best times, which a machine shared with other work disturbs least.
Usage:

    python benchmarks/control_flow.py [--repeat N] [--rounds R] [--tf /work/tfvenv/bin/python]
"""

import os
import sys

from interleaved import main as interleaved_main, timed

N_LOOP, N_SCAN, SIZE = 10000, 100, 256


def workload(kind, framework, repeat):
    import numpy as np
    if framework == "tf1":
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
    elif framework == "minitf":
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        import minitf as tf
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((N_SCAN, SIZE, SIZE)).astype(np.float32)
    w = (rng.standard_normal((SIZE, SIZE)) / SIZE ** 0.5).astype(np.float32)
    if framework == "numpy":
        if kind == "loop":
            def run():
                i, s = np.int32(0), np.int32(0)
                while i < N_LOOP:
                    i, s = i + 1, s + i
                return s
        else:
            def run():
                h, out = np.zeros((SIZE, SIZE), np.float32), []
                for x in xs:
                    h = np.tanh(h @ w + x)
                    out.append(h)
                return np.stack(out)
    else:
        g = tf.Graph()
        with g.as_default():
            if kind == "loop":
                n = tf.constant(N_LOOP)
                out = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i),
                                    [tf.constant(0), tf.constant(0)])[1]
            else:
                x = tf.constant(xs)
                wt = tf.constant(w)
                out = tf.scan(lambda h, xt: tf.tanh(tf.matmul(h, wt) + xt), x,
                              initializer=tf.zeros([SIZE, SIZE]))
            sess = tf.Session(graph=g)

            def run():
                return sess.run(out)
    iterations = N_LOOP if kind == "loop" else N_SCAN
    result = run()
    if kind == "loop":
        assert int(result) == N_LOOP * (N_LOOP - 1) // 2, result
    return timed(run, repeat, per=iterations)


def main():
    frameworks = ("numpy", "minitf", "tf1")
    interleaved_main(__file__, workload,
                     [("loop", "while_loop sum 1..10,000 (scalar body)", frameworks),
                      ("scan", "scan 100 x tanh(h @ W + x), 256x256", frameworks)],
                     "us/iteration", 1e6, default_repeat=5)


if __name__ == "__main__":
    main()
