"""Recurrent and embedding training steps: minitf against real TF1 (tf.compat.v1 from a TF venv,
when one is given) and hand-written numpy, each workload in its own process, in one run.

(a) LSTM: tf.nn.dynamic_rnn of a BasicLSTMCell (hidden 256) over inputs [64, 50, 128]
    (batch, steps, depth), loss mean(outputs^2), one GradientDescent step;
(b) word2vec: a 50,000 x 128 embedding, batch 128, tf.nn.nce_loss with 64 sampled classes,
    one GradientDescent step; minitf with its sparse (IndexedSlices) gradients, and with the
    same gradients made dense before apply_gradients (what minitf did before sparse gradients).

Prints the best (least disturbed) and median seconds per step over --repeat runs; ratios are of
the best times, which a machine shared with other work disturbs least. Usage:

    python benchmarks/rnn.py [--repeat N] [--rounds R] [--tf /work/tfvenv/bin/python]
"""

import os
import sys

from interleaved import main as interleaved_main, timed

BATCH, STEPS, DEPTH, HIDDEN = 64, 50, 128, 256
VOCAB, DIM, W2V_BATCH, SAMPLED = 50000, 128, 128, 64


def _framework(name):
    if name == "tf1":
        import types

        import tensorflow.compat.v1 as tf
        from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl
        tf.disable_v2_behavior()
        tf.nn.rnn_cell = types.SimpleNamespace(BasicLSTMCell=rnn_cell_impl.BasicLSTMCell)
        return tf
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import minitf as tf
    return tf


def _numpy_lstm(np, rng, x):
    """Forward and backward (BPTT) of the same LSTM in numpy, then the SGD update."""
    w = np.asarray((rng.standard_normal((DEPTH + HIDDEN, 4 * HIDDEN)) * 0.05).astype("float32"))
    b = np.zeros(4 * HIDDEN, np.float32)
    xt = np.ascontiguousarray(np.asarray(x).transpose(1, 0, 2))  # (np may be cupy: uploads)

    def sig(v):
        return 1 / (1 + np.exp(-v))

    def step():
        nonlocal w, b
        h = np.zeros((BATCH, HIDDEN), np.float32)
        c = np.zeros_like(h)
        cache = []
        for t in range(STEPS):
            z = np.concatenate([xt[t], h], 1)
            g = z @ w + b
            i, j, f, o = np.split(g, 4, 1)
            si, tj, sf, so = sig(i), np.tanh(j), sig(f + 1.0), sig(o)
            c_new = c * sf + si * tj
            tc = np.tanh(c_new)
            h = tc * so
            cache.append((z, c, si, tj, sf, so, tc))
            c = c_new
            hs = h
        dw, db = np.zeros_like(w), np.zeros_like(b)
        dh_next = np.zeros_like(hs)
        dc_next = np.zeros_like(hs)
        scale = 2.0 / (BATCH * STEPS * HIDDEN)
        for t in reversed(range(STEPS)):
            z, c_prev, si, tj, sf, so, tc = cache[t]
            h_t = tc * so
            dh = dh_next + scale * h_t
            do = dh * tc * so * (1 - so)
            dc = dc_next + dh * so * (1 - tc * tc)
            di = dc * tj * si * (1 - si)
            dj = dc * si * (1 - tj * tj)
            df = dc * c_prev * sf * (1 - sf)
            dg = np.concatenate([di, dj, df, do], 1)
            dw += z.T @ dg
            db += dg.sum(0)
            dz = dg @ w.T
            dh_next = dz[:, DEPTH:]
            dc_next = dc * sf
        w -= 0.01 * dw
        b -= 0.01 * db
    return step


def _numpy_w2v(np, rng, batches):
    emb = rng.uniform(-1, 1, (VOCAB, DIM)).astype(np.float32)
    nce_w = (rng.standard_normal((VOCAB, DIM)) / DIM ** 0.5).astype(np.float32)
    nce_b = np.zeros(VOCAB, np.float32)
    it = iter(range(10 ** 9))

    def step():
        inputs, labels = batches[next(it) % len(batches)]
        sampled = np.unique((np.exp(rng.random(2 * SAMPLED) * np.log(VOCAB + 1)) - 1)
                            .astype(np.int64))[:SAMPLED]
        e = emb[inputs]
        ids = np.concatenate([labels[:, 0], sampled])
        w, bias = nce_w[ids], nce_b[ids]
        true_logit = (e * w[:W2V_BATCH]).sum(1) + bias[:W2V_BATCH]
        samp_logit = e @ w[W2V_BATCH:].T + bias[W2V_BATCH:]
        gt = 1 / (1 + np.exp(-true_logit)) - 1
        gs = 1 / (1 + np.exp(-samp_logit))
        gt /= W2V_BATCH
        gs /= W2V_BATCH
        de = gt[:, None] * w[:W2V_BATCH] + gs @ w[W2V_BATCH:]
        dw = np.concatenate([gt[:, None] * e, gs.T @ e])
        db = np.concatenate([gt, gs.sum(0)])
        np.subtract.at(emb, inputs, de)
        np.subtract.at(nce_w, ids, dw)
        np.subtract.at(nce_b, ids, db)
    return step


def workload(kind, framework, repeat):
    import numpy as np
    rng = np.random.default_rng(0)
    if kind == "lstm":
        x = rng.standard_normal((BATCH, STEPS, DEPTH)).astype(np.float32)
    else:
        batches = [(rng.integers(0, VOCAB, W2V_BATCH),
                    rng.integers(0, VOCAB, (W2V_BATCH, 1)).astype(np.int64)) for _ in range(8)]
    if framework == "numpy":
        run = _numpy_lstm(np, rng, x) if kind == "lstm" else _numpy_w2v(np, rng, batches)
    else:
        tf = _framework("tf1" if framework == "tf1" else "minitf")
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(0)
            opt = None
            if kind == "lstm":
                inputs = tf.constant(x)
                outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(HIDDEN), inputs,
                                               dtype=tf.float32)
                loss = tf.reduce_mean(tf.square(outputs))
                opt = tf.train.GradientDescentOptimizer(0.01)
                feeds = [{}]
            else:
                ids = tf.placeholder(tf.int32, [W2V_BATCH])
                labels = tf.placeholder(tf.int64, [W2V_BATCH, 1])
                emb = tf.Variable(tf.random_uniform([VOCAB, DIM], -1.0, 1.0))
                nce_w = tf.Variable(tf.truncated_normal([VOCAB, DIM], stddev=DIM ** -0.5))
                nce_b = tf.Variable(tf.zeros([VOCAB]))
                loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, labels,
                                                     tf.nn.embedding_lookup(emb, ids), SAMPLED,
                                                     VOCAB))
                opt = tf.train.GradientDescentOptimizer(1.0)
                feeds = [{ids: i, labels: lab} for i, lab in batches]
            grads = opt.compute_gradients(loss)
            if framework == "minitf_dense":
                grads = [(tf.convert_to_tensor(gr), v) for gr, v in grads]
            train = opt.apply_gradients(grads)
            sess = tf.Session(graph=g)
            sess.run(tf.global_variables_initializer())
        it = iter(range(10 ** 9))

        def run():
            sess.run(train, feeds[next(it) % len(feeds)])
    run()
    run()
    return timed(run, repeat)


def main():
    interleaved_main(__file__, workload, [

        ("lstm", "LSTM training step: dynamic_rnn, hidden 256, batch 64, 50 steps, depth 128",
         ("numpy", "minitf", "tf1")),
        ("w2v", "word2vec step: 50,000 x 128 embedding, batch 128, nce_loss (64 sampled)",
         ("numpy", "minitf", "minitf_dense", "tf1"))],
        "ms/step", 1e3, default_repeat=10)


if __name__ == "__main__":
    main()
