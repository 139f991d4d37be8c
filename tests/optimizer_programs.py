"""Optimizer programs run by both TensorFlow (tests/record_tf_ftrl.py and
tests/record_tf_proximal.py record them) and minitf (tests/train/test_ftrl.py and
test_proximal.py compare): a small regression plus an embedding looked up with repeated ids
(so the sparse update runs), trained five steps, as a function of the `tf` module."""

import numpy as np

PROGRAMS = {  # name: FtrlOptimizer kwargs
    "default": dict(learning_rate=0.1),
    "l1_l2": dict(learning_rate=0.2, l1_regularization_strength=0.01,
                  l2_regularization_strength=0.05, initial_accumulator_value=0.5),
    "power_beta": dict(learning_rate=0.1, learning_rate_power=-0.8, beta=0.3,
                       l1_regularization_strength=0.001),
    "shrinkage": dict(learning_rate=0.1, l2_shrinkage_regularization_strength=0.1,
                      l2_regularization_strength=0.01),
}


PROXIMAL_PROGRAMS = {  # name: (optimizer, kwargs)
    "pgd": ("ProximalGradientDescentOptimizer", dict(learning_rate=0.1)),
    "pgd_l1_l2": ("ProximalGradientDescentOptimizer",
                  dict(learning_rate=0.1, l1_regularization_strength=0.05,
                       l2_regularization_strength=0.1)),
    "padagrad": ("ProximalAdagradOptimizer", dict(learning_rate=0.3)),
    "padagrad_l1_l2": ("ProximalAdagradOptimizer",
                       dict(learning_rate=0.3, initial_accumulator_value=0.5,
                            l1_regularization_strength=0.05, l2_regularization_strength=0.1)),
}


def _names(graph, opt, slots, variables):
    """The optimizer's slot names (`slots`, in the order recorded), its slots' op names and
    the types of its update ops."""
    return {"slots": slots,
            "slot_ops": sorted(opt.get_slot(v, n).op.name for v in variables
                               for n in opt.get_slot_names()),
            "update_types": sorted(op.type for op in graph.get_operations()
                                   if op.name.startswith(opt.get_name() + "/update_")
                                   and op.type.startswith(("Apply", "SparseApply")))}


def _train(sess, tf, train, loss, steps=5):
    """Initializes, runs `steps` training steps; the loss of each."""
    sess.run(tf.global_variables_initializer())
    return [float(sess.run([train, loss])[1]) for _ in range(steps)]


def program(tf, kwargs, optimizer="FtrlOptimizer"):
    rng = np.random.RandomState(5)
    x = rng.randn(8, 3).astype(np.float32)
    t = rng.randn(8, 1).astype(np.float32)
    ids = np.array([0, 2, 2, 5, 1, 2], np.int64)
    with tf.Graph().as_default() as g:
        w = tf.Variable(rng.randn(3, 1).astype(np.float32), name="w")
        b = tf.Variable(0.5, name="b")
        emb = tf.Variable(rng.randn(6, 2).astype(np.float32), name="emb")
        loss = (tf.reduce_mean(tf.square(tf.matmul(x, w) + b - t))
                + tf.reduce_sum(tf.square(tf.nn.embedding_lookup(emb, ids) - 1.0)))
        opt = getattr(tf.train, optimizer)(**kwargs)
        train = opt.minimize(loss)
        names = _names(g, opt, opt.get_slot_names(), (w, b, emb))
        with tf.Session() as s:
            losses = _train(s, tf, train, loss)
            values = [a.tolist() for a in s.run(
                [w, b, emb] + [opt.get_slot(emb, n) for n in opt.get_slot_names()])]
    return dict(names, losses=losses, values=values)


ADAGRAD_DA_PROGRAMS = {  # name: AdagradDAOptimizer kwargs (besides the global step)
    "default": dict(learning_rate=0.1),
    "l1_l2": dict(learning_rate=0.3, initial_gradient_squared_accumulator_value=0.5,
                  l1_regularization_strength=0.01, l2_regularization_strength=0.05),
    "l2_only": dict(learning_rate=0.2, l2_regularization_strength=0.1),
}


def adagrad_da_program(tf, kwargs):
    """AdagradDA on a regression (dense updates), an embedding of rows (the sparse kernel's
    row loop) and a vector gathered by id (its element loop), five steps with the global step
    it reads; slot and update names, losses, and every value in bits (as lists)."""
    rng = np.random.RandomState(7)
    x = rng.randn(8, 3).astype(np.float32)
    t = rng.randn(8, 1).astype(np.float32)
    ids = np.array([0, 2, 2, 5, 1, 2], np.int64)
    with tf.Graph().as_default() as g:
        step = tf.train.get_or_create_global_step()
        w = tf.Variable(rng.randn(3, 1).astype(np.float32), name="w")
        b = tf.Variable(0.5, name="b")
        emb = tf.Variable(rng.randn(6, 2).astype(np.float32), name="emb")
        bias = tf.Variable(rng.randn(6).astype(np.float32), name="bias")
        loss = (tf.reduce_mean(tf.square(tf.matmul(x, w) + b - t))
                + tf.reduce_sum(tf.square(tf.nn.embedding_lookup(emb, ids) - 1.0))
                + tf.reduce_sum(tf.square(tf.gather(bias, ids) + 0.5)))
        opt = tf.train.AdagradDAOptimizer(global_step=step, **kwargs)
        train = opt.minimize(loss, global_step=step)
        names = _names(g, opt, sorted(opt.get_slot_names()), (w, b, emb, bias))
        with tf.Session() as s:
            losses = _train(s, tf, train, loss)
            values = [np.asarray(a).reshape(-1).tolist() for a in s.run(
                [w, b, emb, bias, step] + [opt.get_slot(v, n) for v in (w, emb, bias)
                                           for n in sorted(opt.get_slot_names())])]
    return dict(names, losses=losses, values=values)
