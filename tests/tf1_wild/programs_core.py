"""Group "core" of the TF1-in-the-wild corpus: the boilerplate and APIs tutorial programs hit
first (session config, tf.app / tf.flags, tf.losses, initializers, gradient clipping, the TF
1.13+ namespaces, sparse tensors, string feeds, integer means...). Each program is a function
of the `tf` module it runs on and returns what a user can observe."""

import os

import numpy as np

from tests.tf1_parity_programs import error, value


def course_reset_tf_session(tf):
    """The course notebooks' first cell (reset_tf_session with allow_growth) and the lecture's
    x**2 minimized with var_list=<one Variable>."""
    def reset_tf_session():
        curr_session = tf.get_default_session()
        if curr_session is not None:
            curr_session.close()
        tf.reset_default_graph()
        config = tf.ConfigProto()
        config.gpu_options.allow_growth = True
        return tf.InteractiveSession(config=config)

    obs = {}
    s = reset_tf_session()
    x = tf.get_variable("x", shape=(), dtype=tf.float32, initializer=tf.constant_initializer(2.0))
    f = x ** 2
    step = tf.train.GradientDescentOptimizer(0.1).minimize(f, var_list=x)
    s.run(tf.global_variables_initializer())
    obs["trajectory"] = [[value(v) for v in s.run([x, f])] + [value(s.run([step, x])[1])]
                         for _ in range(3)]
    obs["names"] = [x.name, f.name, step.name]
    obs["default_is_interactive"] = tf.get_default_session() is s
    s2 = reset_tf_session()
    obs["second_session_default"] = tf.get_default_session() is s2
    obs["config_error"] = error(lambda: tf.Session(config=3))
    s2.close()
    return obs


def session_config_and_tracing(tf):
    """A tutorial's session setup: allow_soft_placement, thread counts, a traced run with
    RunOptions(FULL_TRACE) and RunMetadata, and hard placement of a GPU op on a CPU machine."""
    obs = {}
    config = tf.ConfigProto(allow_soft_placement=True, intra_op_parallelism_threads=2,
                            inter_op_parallelism_threads=1,
                            gpu_options=tf.GPUOptions(per_process_gpu_memory_fraction=0.5))
    config.graph_options.optimizer_options.opt_level = tf.OptimizerOptions.L0
    obs["config_bytes"] = list(config.SerializeToString(deterministic=True))
    obs["parsed_back"] = tf.ConfigProto.FromString(config.SerializeToString()) == config
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
    y = tf.reduce_sum(tf.matmul(x, w, name="matmul"), name="y")
    with tf.Session(config=config) as sess:
        meta = tf.RunMetadata()
        out = sess.run(y, {x: np.ones((2, 3))},
                       options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                       run_metadata=meta)
        obs["y"] = value(out)
        traced = {n.node_name for d in meta.step_stats.dev_stats for n in d.node_stats}
        obs["traced_matmul"] = "matmul" in traced
        obs["has_device_stats"] = len(meta.step_stats.dev_stats) > 0
    with tf.device("/gpu:0"):
        z = tf.multiply(y, 2.0, name="z")
    obs["hard_placement_error"] = error(
        lambda: tf.Session(config=tf.ConfigProto()).run(z, {x: np.ones((1, 3))}))
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
        obs["soft_placement"] = value(sess.run(z, {x: np.ones((1, 3))}))
    obs["trace_levels"] = [tf.RunOptions.NO_TRACE, tf.RunOptions.SOFTWARE_TRACE,
                           tf.RunOptions.HARDWARE_TRACE, tf.RunOptions.FULL_TRACE]
    return obs


def flags_and_app_run(tf):
    """The official MNIST examples' tf.app.flags definitions and tf.app.run(main)."""
    obs = {}
    flags = tf.app.flags
    names = ["wild_data_dir", "wild_max_steps", "wild_learning_rate", "wild_fake_data",
             "wild_layers"]
    flags.DEFINE_string(names[0], "/tmp/data", "Directory for storing input data")
    flags.DEFINE_integer(names[1], 1000, "Number of steps to run trainer.")
    flags.DEFINE_float(names[2], 0.01, "Initial learning rate")
    flags.DEFINE_boolean(names[3], False, "If true, uses fake data for unit testing.")
    flags.DEFINE_list(names[4], "128,32", "Hidden layer sizes")
    FLAGS = flags.FLAGS
    try:
        obs["defaults"] = [getattr(FLAGS, n) for n in names]
        FLAGS.unparse_flags()
        obs["rest"] = FLAGS(["prog", "--wild_max_steps=20", "--nowild_fake_data",
                             "--wild_learning_rate", "0.5", "--wild_layers=64,16", "extra",
                             "--unknown=1"], known_only=True)
        obs["parsed"] = [getattr(FLAGS, n) for n in names]
        FLAGS.unparse_flags()
        obs["bool_forms"] = []
        for arg in ["--wild_fake_data", "--wild_fake_data=false", "--wild_fake_data=1"]:
            FLAGS(["prog", arg])
            obs["bool_forms"].append(FLAGS.wild_fake_data)
        FLAGS.unparse_flags()
        obs["int_error"] = error(lambda: FLAGS(["prog", "--wild_max_steps=ten"]))
        FLAGS.unparse_flags()
        obs["unknown_error"] = error(lambda: FLAGS(["prog", "--wild_nope=1"]))
        obs["duplicate_error"] = error(lambda: flags.DEFINE_integer(names[1], 1, "again"))[0]
        FLAGS.unparse_flags()
        seen = []

        def main(argv):
            seen.append([list(argv), FLAGS.wild_max_steps, FLAGS.wild_data_dir])
            return 3
        try:
            tf.app.run(main=main, argv=["prog", "--wild_max_steps=7", "--wild_data_dir=/d",
                                        "--other", "pos"])
        except SystemExit as e:
            obs["exit_code"] = e.code
        obs["main_saw"] = seen
    finally:
        for n in names:
            if n in FLAGS:
                delattr(FLAGS, n)
        FLAGS.unparse_flags()
    return obs


def losses_every_reduction(tf):
    """Every tf.losses function under every Reduction, with tensor and scalar weights."""
    obs = {}
    rng = np.random.RandomState(0)
    L = rng.rand(4, 3).astype(np.float32)
    P = rng.rand(4, 3).astype(np.float32)
    W = np.array([[1.0], [0.0], [2.0], [0.5]], np.float32)
    l = tf.placeholder(tf.float32, [4, 3], name="l")
    p = tf.placeholder(tf.float32, [4, 3], name="p")
    w = tf.placeholder(tf.float32, [4, 1], name="w")
    R = tf.losses.Reduction
    obs["reductions"] = [R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE, R.SUM_BY_NONZERO_WEIGHTS,
                         R.SUM_OVER_NONZERO_WEIGHTS]
    outs = []
    for red in (R.NONE, R.SUM, R.MEAN, R.SUM_OVER_BATCH_SIZE, R.SUM_BY_NONZERO_WEIGHTS):
        outs += [
            tf.losses.absolute_difference(l, p, reduction=red),
            tf.losses.mean_squared_error(l, p, weights=w, reduction=red),
            tf.losses.huber_loss(l, p * 3, weights=w, delta=0.5, reduction=red),
            tf.losses.log_loss(l, p, reduction=red),
            tf.losses.hinge_loss(tf.round(l), p * 2 - 1, reduction=red),
            tf.losses.sigmoid_cross_entropy(l, p, label_smoothing=0.1, reduction=red),
            tf.losses.softmax_cross_entropy(tf.one_hot([0, 1, 2, 1], 3), p,
                                            weights=tf.constant([1., 0., 2., 1.]),
                                            label_smoothing=0.1, reduction=red),
            tf.losses.sparse_softmax_cross_entropy(tf.constant([[0], [1], [2], [1]]), p,
                                                   weights=2.0, reduction=red),
            tf.losses.cosine_distance(tf.nn.l2_normalize(l, 1), tf.nn.l2_normalize(p, 1),
                                      axis=1, reduction=red)]
    outs.append(tf.losses.mean_squared_error(l, p, weights=0.0))
    outs.append(tf.losses.get_total_loss(scope="absolute_difference_"))
    obs["names"] = [o.name for o in outs]
    obs["shapes"] = [str(o.shape) for o in outs]
    obs["collected"] = [t.name for t in tf.losses.get_losses()]
    obs["weights_error"] = error(lambda: tf.losses.mean_squared_error(
        l, p, weights=tf.ones([3])))
    obs["reduction_error"] = error(lambda: tf.losses.log_loss(l, p, reduction="mean"))
    with tf.Session() as sess:
        obs["values"] = [value(v) for v in sess.run(outs, {l: L, p: P, w: W})]
    return obs


def mlp_with_losses_and_regularization(tf):
    """A tutorial MLP: tf.losses.sparse_softmax_cross_entropy, weight decay through
    get_variable(regularizer=...), tf.losses.get_total_loss, gradient descent."""
    obs = {}
    rng = np.random.RandomState(3)
    X = rng.randn(8, 4).astype(np.float32)
    Y = rng.randint(0, 3, 8).astype(np.int32)
    W1 = (rng.randn(4, 5) * 0.5).astype(np.float32)
    W2 = (rng.randn(5, 3) * 0.5).astype(np.float32)

    def decay(w):
        return tf.multiply(0.01, tf.nn.l2_loss(w), name="weight_loss")

    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    with tf.variable_scope("hidden"):
        w1 = tf.get_variable("weights", initializer=W1, regularizer=decay)
        b1 = tf.get_variable("biases", [5], initializer=tf.zeros_initializer())
        h = tf.nn.relu(tf.matmul(x, w1) + b1)
    with tf.variable_scope("softmax_linear"):
        w2 = tf.get_variable("weights", initializer=W2, regularizer=decay)
        logits = tf.matmul(h, w2)
    xent = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    total = tf.losses.get_total_loss()
    reg = tf.losses.get_regularization_loss()
    train = tf.train.GradientDescentOptimizer(0.5).minimize(total)
    obs["names"] = [t.name for t in (xent, total, reg)]
    obs["reg_losses"] = [t.name for t in tf.losses.get_regularization_losses()]
    obs["losses"] = [t.name for t in tf.losses.get_losses()]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        obs["trajectory"] = [[value(v) for v in sess.run([xent, reg, total, train],
                                                         {x: X, y: Y})[:3]] for _ in range(4)]
        obs["w2"] = value(sess.run(w2))
    return obs


def gradient_clipping_rnn_style(tf):
    """The language-model tutorials' step: compute_gradients, clip_by_global_norm,
    apply_gradients with a global step."""
    obs = {}
    w = tf.Variable([[0.5, -1.0], [2.0, 0.3]], name="w")
    b = tf.Variable([0.1, -0.2], name="b")
    x = tf.constant([[1.0, 2.0], [3.0, -1.0]])
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + b))
    tvars = tf.trainable_variables()
    grads, global_norm = tf.clip_by_global_norm(tf.gradients(loss, tvars), 5.0)
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.01).apply_gradients(zip(grads, tvars),
                                                                      global_step=step)
    obs["names"] = [g.name for g in grads] + [global_norm.name, train.name]
    unclipped, norm2 = tf.clip_by_global_norm([x, None], 100.0)
    obs["none_kept"] = unclipped[1] is None
    obs["sequence_error"] = error(lambda: tf.clip_by_global_norm(x, 1.0))[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        obs["steps"] = [[value(v) for v in sess.run([global_norm, loss])] + [
            value(sess.run([train, step])[1])] for _ in range(3)]
        obs["w"] = value(sess.run(w))
        obs["unclipped"] = [value(sess.run(unclipped[0])), value(sess.run(norm2))]
        obs["global_norm"] = value(sess.run(tf.global_norm([x, tf.ones([3])])))
    return obs


def initializers_statistics(tf):
    """The initializers tutorials reach for: names, shapes, dtypes and their distributions
    (checked as statistics: the samples differ from TF's)."""
    obs = {}
    inits = {
        "glorot_uniform": (tf.glorot_uniform_initializer(seed=1), "uniform", 2 / (400 + 300)),
        "glorot_normal": (tf.glorot_normal_initializer(seed=1), "normal", 2 / 700),
        "he_normal": (tf.initializers.he_normal(seed=1), "normal", 2 / 400),
        "he_uniform": (tf.initializers.he_uniform(seed=1), "uniform", 2 / 400),
        "lecun_normal": (tf.initializers.lecun_normal(seed=1), "normal", 1 / 400),
        "lecun_uniform": (tf.initializers.lecun_uniform(seed=1), "uniform", 1 / 400),
        "variance_scaling": (tf.variance_scaling_initializer(2.0, "fan_out", "uniform", seed=1),
                             "uniform", 2 / 300),
        "truncated": (tf.truncated_normal_initializer(stddev=0.1, seed=1), "truncated", 0.01),
    }
    variables = {}
    for name, (init, _, _) in sorted(inits.items()):
        variables[name] = tf.get_variable(name, [400, 300], initializer=init)
    ortho = tf.get_variable("ortho", [3, 3, 4, 6], initializer=tf.orthogonal_initializer(2.0))
    ortho2 = tf.get_variable("ortho2", [10, 4], initializer=tf.initializers.orthogonal(seed=2))
    obs["names"] = [v.name for v in tf.global_variables()]
    obs["shapes"] = [str(v.shape) for v in tf.global_variables()]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        stats = {}
        for name, (_, kind, variance) in sorted(inits.items()):
            sample = sess.run(variables[name])
            # the std a user sees: truncation at 2 sigma keeps 0.8796 of sigma for "truncated"
            expected = np.sqrt(variance) * (0.8796 if kind == "truncated" else 1.0)
            stats[name] = [sample.dtype.name, bool(abs(sample.std() / expected - 1) < 0.03),
                           bool(abs(sample.mean()) < 0.01)]
        obs["stats"] = stats
        q = sess.run(ortho).reshape(-1, 6) / 2.0
        obs["orthogonal"] = bool(np.allclose(q.T @ q, np.eye(6), atol=1e-5))
        q2 = sess.run(ortho2)
        obs["orthogonal_tall"] = bool(np.allclose(q2.T @ q2, np.eye(4), atol=1e-5))
    obs["orthogonal_error"] = error(lambda: tf.get_variable(
        "vec", [5], initializer=tf.orthogonal_initializer()))
    return obs


def namespaces_math_linalg(tf):
    """TF 1.13+ code: tf.math, tf.linalg, tf.dtypes and tf.random names on fixed values."""
    obs = {}
    x = tf.constant([[1.0, -2.0, 0.0], [3.0, 0.0, 0.5], [0.25, 4.0, -1.0]], name="x")
    i = tf.constant([[7, -7, 6], [-6, 5, 0]], name="i")
    outs = [tf.math.reduce_sum(x, axis=1), tf.math.reduce_variance(x), tf.math.reduce_std(x, 0),
            tf.math.log_sigmoid(x), tf.math.count_nonzero(x), tf.math.divide_no_nan(x, x),
            tf.math.squared_difference(x, 1.0), tf.math.top_k(x, 2).values,
            tf.linalg.diag([1.0, 2.0]), tf.linalg.diag_part(x), tf.linalg.transpose(x),
            tf.linalg.trace(x), tf.linalg.set_diag(x, [9.0, 8.0, 7.0]),
            tf.linalg.tensor_diag([1, 2]), tf.linalg.cross(x[0], x[1]),
            tf.linalg.eye(2, 3), tf.linalg.matmul(x, x, transpose_b=True),
            tf.linalg.norm(x), tf.dtypes.cast(x, tf.int32), tf.diag_part(tf.diag([[1, 2]])),
            tf.arg_max(x, 1), tf.arg_min(x, 0), tf.truncatediv(i, 4), tf.truncatemod(i, 4),
            tf.matrix_transpose(tf.reshape(tf.range(6), [1, 2, 3])), tf.trace(tf.eye(3))]
    obs["names"] = [t.name for t in outs]
    obs["shapes"] = [str(t.shape) for t in outs]
    obs["dtypes"] = [t.dtype.name for t in outs]
    obs["random_dtypes"] = [t.dtype.name for t in (
        tf.random.normal([2]), tf.random.uniform([2], maxval=5, dtype=tf.int32),
        tf.random.truncated_normal([2]), tf.random.categorical([[0.0, 1.0]], 3))]
    divisor = tf.placeholder(tf.int32, name="divisor")
    obs["zero_division_error"] = error(
        lambda: tf.Session().run(tf.truncatediv(i, divisor), {divisor: 0}))[0]
    with tf.Session() as sess:
        obs["values"] = [value(v) for v in sess.run(outs)]
    return obs


def compat_v1_style(tf):
    """A program written for TF 2's compat mode: everything through tf.compat.v1."""
    obs = {}
    v1 = tf.compat.v1
    v1.disable_eager_execution()
    v1.reset_default_graph()
    x = v1.placeholder(tf.float32, [None, 2], name="x")
    w = v1.get_variable("w", initializer=tf.constant([[1.0], [-1.0]]))
    y = tf.math.sigmoid(tf.linalg.matmul(x, w))
    loss = v1.losses.log_loss(tf.constant([[1.0], [0.0]]), y)
    train = v1.train.AdamOptimizer(0.1).minimize(loss)
    obs["names"] = [x.name, w.name, y.name, loss.name]
    obs["executing_eagerly"] = v1.executing_eagerly()
    obs["as_bytes"] = [tf.compat.as_bytes("ab"), tf.compat.as_text(b"cd")]
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        feed = {x: [[1.0, 2.0], [-1.0, 0.5]]}
        obs["losses"] = [value(sess.run([loss, train], feed)[0]) for _ in range(3)]
    return obs


def sparse_inputs(tf):
    """Sparse features: sparse_placeholder fed a SparseTensorValue, to_dense, reduce_sum,
    a SparseTensor built from constants, and the index checks."""
    obs = {}
    sp = tf.sparse_placeholder(tf.float32, name="sp")
    dense = tf.sparse_tensor_to_dense(sp)
    sums = tf.sparse_reduce_sum(sp, axis=1)
    st = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4])
    st_dense = tf.sparse.to_dense(st, default_value=-1)
    obs["names"] = [sp.indices.name, sp.values.name, sp.dense_shape.name]
    obs["shapes"] = [str(st.shape), str(st_dense.shape), str(sp.shape)]
    feed = {sp: tf.SparseTensorValue([[0, 1], [2, 0]], [3.0, 4.0], [3, 2])}
    bad = tf.sparse_tensor_to_dense(tf.SparseTensor([[1, 0], [0, 0]], [1.0, 2.0], [2, 2]))
    with tf.Session() as sess:
        obs["dense"], obs["sums"], obs["st_dense"] = (
            value(v) for v in sess.run([dense, sums, st_dense], feed))
        back = sess.run(sp, {sp: ([[1, 1]], [5.0], [2, 2])})
        obs["fetched"] = [type(back).__name__, value(back.indices), value(back.values),
                          value(back.dense_shape)]
        obs["order_error"] = error(lambda: sess.run(bad))[0]
    return obs


def strings_and_integer_means(tf):
    """A text-classification preamble: string placeholders and constants (bytes in TF1),
    and integer statistics with reduce_mean (truncating)."""
    obs = {}
    words = tf.placeholder(tf.string, [None], name="words")
    greeting = tf.constant("hello")
    counts = tf.constant([[1, 2], [-1, -2], [7, 8]])
    means = [tf.reduce_mean(counts), tf.reduce_mean(counts, 1), tf.reduce_mean(counts, 0),
             tf.reduce_mean(tf.constant([200, 100], tf.uint8))]
    with tf.Session() as sess:
        fed, same, const = sess.run([words, tf.identity(words), greeting],
                                    {words: ["caf\u00e9", b"tea"]})
        obs["string_types"] = [type(v).__name__ for v in fed.tolist()] + [
            type(v).__name__ for v in same.tolist()] + [type(const).__name__]
        obs["strings"] = [list(fed.tolist()), const]
        obs["means"] = [value(v) for v in sess.run(means)]
    return obs


def softmax_labels_broadcast(tf):
    """softmax_cross_entropy_with_logits with a label row shared by the batch ([1, classes]
    and [classes]). (TF cannot build the gradient of these; minitf can, see differences.md.)"""
    obs = {}
    logits = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3) / 5)
    shared = tf.constant([[0.0, 1.0, 0.0]])
    flat = tf.constant([0.2, 0.3, 0.5])
    a = tf.nn.softmax_cross_entropy_with_logits(labels=shared, logits=logits)
    b = tf.nn.softmax_cross_entropy_with_logits_v2(labels=flat, logits=logits)
    obs["shapes"] = [str(a.shape), str(b.shape)]
    with tf.Session() as sess:
        obs["values"] = [value(v) for v in sess.run([a, b])]
    return obs


def unconnected_gradients(tf):
    """tf.gradients with unconnected_gradients=ZERO for a variable the loss ignores."""
    obs = {}
    x = tf.Variable([1.0, 2.0], name="x")
    unused = tf.Variable([[3.0]], name="unused")
    loss = tf.reduce_sum(x * x)
    obs["default"] = [g is None for g in tf.gradients(loss, [x, unused])]
    zero = tf.gradients(loss, [x, unused],
                        unconnected_gradients=tf.UnconnectedGradients.ZERO)
    obs["zero_shapes"] = [str(g.shape) for g in zero]
    obs["enum"] = [tf.UnconnectedGradients.NONE.value, tf.UnconnectedGradients.ZERO.value]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        obs["values"] = [value(v) for v in sess.run(zero)]
    return obs


def log_dir_boilerplate(tf, directory):
    """The MNIST-with-summaries tutorial's log directory handling with tf.gfile."""
    obs = {}
    log_dir = os.path.join(directory, "logs", "mnist_with_summaries")
    if tf.gfile.Exists(log_dir):
        tf.gfile.DeleteRecursively(log_dir)
    tf.gfile.MakeDirs(log_dir)
    obs["exists"] = [tf.gfile.Exists(log_dir), tf.gfile.IsDirectory(log_dir)]
    path = os.path.join(log_dir, "notes.txt")
    with tf.gfile.GFile(path, "w") as f:
        f.write("step 1\nstep 2\n")
    with tf.gfile.GFile(path) as f:
        obs["lines"] = f.readlines()
    obs["listing"] = tf.gfile.ListDirectory(log_dir)
    obs["glob"] = [os.path.basename(p) for p in tf.gfile.Glob(os.path.join(log_dir, "*.txt"))]
    obs["io_gfile"] = [tf.io.gfile.exists(path), tf.io.gfile.isdir(path)]
    tf.gfile.DeleteRecursively(os.path.join(directory, "logs"))
    obs["deleted"] = tf.gfile.Exists(log_dir)
    obs["missing_error"] = error(lambda: tf.gfile.DeleteRecursively(log_dir))[0]
    tf.gfile.MkDir(directory)  # exists already: no error in TF
    tf.gfile.MkDir(os.path.join(directory, "new"))
    obs["mkdir"] = tf.gfile.IsDirectory(os.path.join(directory, "new"))
    return obs


def optimizer_var_list_forms(tf):
    """minimize / compute_gradients with the var_list forms TF1 accepts: one Variable, a tuple,
    a nested list."""
    obs = {}
    a = tf.Variable(1.0, name="a")
    b = tf.Variable([2.0, -1.0], name="b")
    c = tf.Variable(0.5, name="c")
    loss = a * a + tf.reduce_sum(b * b) + c
    opt = tf.train.GradientDescentOptimizer(0.25)
    obs["single"] = [v.name for _, v in opt.compute_gradients(loss, var_list=a)]
    obs["tuple"] = [v.name for _, v in opt.compute_gradients(loss, var_list=(b, a))]
    obs["nested"] = [v.name for _, v in opt.compute_gradients(loss, var_list=[[a], [b, c]])]
    step = opt.minimize(loss, var_list=b)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        obs["after"] = [value(v) for v in sess.run([a, b, c])]
    return obs


# Where minitf says something else than the TF 2.21 that recorded the corpus:
# {(program, key): the text minitf's message contains instead, with why}.
MESSAGE_DIFFERENCES = {
    # TF 1.x's wording (TF 2 reworded it).
    ("course_reset_tf_session", "config_error"):
        "config must be a tf.ConfigProto, but got <class 'int'>",
    ("initializers_statistics", "orthogonal_error"):
        "The tensor to initialize must be at least two-dimensional",
    # absl appends "Did you mean: ..." suggestions; minitf does not guess.
    ("flags_and_app_run", "unknown_error"): "Unknown command line flag 'wild_nope'",
}

# {(program, key): what minitf gives instead}: TF hands a fed array back unchanged when the
# placeholder itself is fetched (str elements stay str); minitf converts string feeds to
# bytes once, so every fetch of a tf.string tensor is bytes.
def runtime_reduction_axes(tf):
    """Pooling over an axis chosen at run time (a fed axis, and rank(x) - 1 of an unknown-rank
    input): static shapes, values for several axes in one graph, gradients, a bad axis."""
    obs = {}
    x = tf.placeholder(tf.float32, [2, 3, 4], name="feats")
    axis = tf.placeholder(tf.int32, None, name="axis")
    pooled = [tf.reduce_sum(x, axis), tf.reduce_mean(x, axis, keepdims=True),
              tf.reduce_max(x, axis), tf.reduce_prod(x, axis)]
    anyrank = tf.placeholder(tf.float32, None, name="anyrank")
    lse = tf.reduce_logsumexp(anyrank, tf.rank(anyrank) - 1)
    obs["shapes"] = [str(t.shape) for t in pooled + [lse]]
    grads = tf.gradients(tf.reduce_sum(pooled[0]) + tf.reduce_sum(pooled[2]), x)
    xv = [[[(i * 7 + j * 3 + k) % 5 - 2.0 for k in range(4)] for j in range(3)] for i in range(2)]
    with tf.Session() as sess:
        for a in ([0], 1, [-1, 0]):
            got = sess.run(pooled + grads, {x: xv, axis: a})
            obs["axis %s" % a] = [value(v) for v in got]
        obs["lse"] = value(sess.run(lse, {anyrank: [[0.0, 1.0], [2.0, 3.0]]}))
        try:
            sess.run(pooled[0], {x: xv, axis: [1, -2]})
        except tf.errors.InvalidArgumentError as e:
            obs["duplicate"] = e.message.split("\n")[-2 if "Graph execution" in e.message else 0]
    return obs


VALUE_DIFFERENCES = {
    ("strings_and_integer_means", "string_types"): ["bytes"] * 5,
    ("strings_and_integer_means", "strings"): [[b"caf\xc3\xa9", b"tea"], b"hello"],
}

course_reset_tf_session.resets_default_graph = True
compat_v1_style.resets_default_graph = True

PROGRAMS = [course_reset_tf_session, session_config_and_tracing, flags_and_app_run,
            losses_every_reduction, mlp_with_losses_and_regularization,
            gradient_clipping_rnn_style, initializers_statistics, namespaces_math_linalg,
            compat_v1_style, sparse_inputs, strings_and_integer_means, softmax_labels_broadcast,
            unconnected_gradients, log_dir_boilerplate, optimizer_var_list_forms,
            runtime_reduction_axes]
