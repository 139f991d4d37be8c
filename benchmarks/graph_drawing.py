"""How long minitf.visualize takes to draw a ~2,000-op graph (the issue asks for under 2 s).

Two graphs: an MLP with many dense layers in name scopes plus its gradients and Adam updates,
and a chain of 1,000 additions (each `add` with its constant `add/y`: 1,000 tiny scopes) with no scopes (the worst case for collapsing). Each is
drawn fully expanded (max_nodes=None), with the default collapsing, and as the notebook's HTML
(collapsed scopes expandable: every op is drawn once more inside its <details>). Prints the
min / median / max of several repeats. Usage:

    python benchmarks/graph_drawing.py [--repeat N]
"""

import argparse
import statistics
import time

import minitf as tf
from minitf import visualize


def mlp_graph(layers):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, (None, 32), name="x")
        y = tf.placeholder(tf.int64, (None,), name="y")
        h = x
        for i in range(layers):
            with tf.name_scope("block%d" % i):
                h = tf.layers.dense(h, 32, activation=tf.nn.relu, name="dense%d" % i)
        logits = tf.layers.dense(h, 10, name="logits")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                             logits=logits))
        tf.train.AdamOptimizer(0.01).minimize(loss)
    return g


def chain_graph(n):
    g = tf.Graph()
    with g.as_default():
        t = tf.placeholder(tf.float32, (None, 4), name="x")
        for _ in range((n - 1) // 2):  # each addition adds a Const and an Add
            t = t + 1.0
    return g


def measure(fn, repeat):
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return min(samples), statistics.median(samples), max(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    layers = 1
    while len(mlp_graph(layers).get_operations()) < 2000:
        layers += 4
    graphs = [("MLP %d layers + gradients + Adam" % layers, mlp_graph(layers)),
              ("chain of additions", chain_graph(2000))]
    print("%-40s %6s  %-26s %s" % ("graph", "ops", "drawing", "seconds min / median / max"))
    for name, g in graphs:
        n = len(g.get_operations())
        for what, fn in [("svg, max_nodes=None", lambda: visualize.show_graph(g, max_nodes=None)),
                         ("svg, default collapsing", lambda: visualize.show_graph(g)),
                         ("notebook html (expandable)", lambda: visualize.show_graph(g).html())]:
            lo, med, hi = measure(fn, args.repeat)
            print("%-40s %6d  %-26s %.3f / %.3f / %.3f" % (name, n, what, lo, med, hi))


if __name__ == "__main__":
    main()
