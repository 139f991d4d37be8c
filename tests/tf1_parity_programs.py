"""Ten TF1 programs of the kind the course and the TF1 tutorials contain, each a function of
the `tf` module it runs on (minitf, or TensorFlow's `tensorflow.compat.v1`) returning what a user
can observe: fetched values, the graph's operations, static shapes, dtypes, variable names,
collections, printed output, and the class and message of errors.

tests/test_tf1_parity.py runs them with minitf and compares with TensorFlow's results, recorded
by running this file in a venv with TensorFlow 2.21 and tf_keras 2.21 (for `tf.layers`):

    TF_USE_LEGACY_KERAS=1 python tests/tf1_parity_programs.py > recorded.py

It imports only numpy; TensorFlow is imported only when this file is run as that script.
"""

import collections
import contextlib
import io
import os
import re
import sys
import tempfile

import numpy as np

# TF 2.x renamed a few op types; minitf keeps TF1's names (docs/checkpoints.md).
TF2_TYPE_NAMES = {"AddV2": "Add"}


# -- observing a program --------------------------------------------------------------------------

def value(x):
    """A fetched value as (dtype, shape, nested list), comparable across frameworks."""
    a = np.asarray(x)
    if a.dtype.kind in "SUO":
        return ("str", list(a.shape), [v.decode() if isinstance(v, bytes) else v
                                       for v in a.ravel().tolist()])
    return (a.dtype.name, list(a.shape), a.tolist())


def graph_structure(graph):
    """The graph's operations as sorted 'name:type' strings, and the sorted scopes of its
    gradient ops ('gradients/MatMul_grad'): inside those scopes TF's rules build different
    helper ops in every version, so only the scopes are compared (for gradients of gradients,
    the path up to the first gradient scope: 'gradients_1/gradients/Log_grad')."""
    ops, grad_scopes = [], set()
    for op in graph.get_operations():
        scopes = op.name.split("/")[:-1]
        if any("grad" in s for s in scopes):
            ends = [i for i, s in enumerate(scopes) if s.endswith("_grad")]
            if ends:
                grad_scopes.add("/".join(scopes[:ends[0] + 1]))
        else:
            ops.append("%s:%s" % (op.name, TF2_TYPE_NAMES.get(op.type, op.type)))
    return sorted(ops), sorted(grad_scopes)


def error(fn):
    """Runs `fn`, which must fail: (class name, message, name of the failing op or None). TF 2.x
    wraps run-time messages in tracebacks and both frameworks append where a variable was first
    defined; those parts are cut."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        message = str(e).split(" Originally defined at:")[0]
        core = re.search(r"Node: '[^']*'\n(.*?)\n\t \[\[", message, re.S)
        op = getattr(e, "op", None)
        return (type(e).__name__, core.group(1) if core else message.strip(),
                None if op is None else op.name)
    raise AssertionError("expected an error")


@contextlib.contextmanager
def captured(out):
    """Collects what is printed, whether by Python (minitf) or by C++ on file descriptor 2 (TF1's
    Print kernel), and appends it to the list `out`."""
    python_text = io.StringIO()
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            with contextlib.redirect_stdout(python_text), contextlib.redirect_stderr(python_text):
                yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            out.append(python_text.getvalue() + tmp.read().decode())


# -- the programs -------------------------------------------------------------------------------

def linear_regression(tf):
    """Linear regression with plain gradient descent on feed_dict mini-batches."""
    obs = {}
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (32, 3)).astype(np.float32)
    Y = (X @ np.array([[2.0], [-3.0], [0.5]]) + 1.0 + 0.1 * rng.randn(32, 1)).astype(np.float32)

    x = tf.placeholder(tf.float32, shape=[None, 3], name="x")
    y = tf.placeholder(tf.float32, shape=[None, 1], name="y")
    W = tf.Variable(tf.zeros([3, 1]), name="W")
    b = tf.Variable(0.0, name="b")
    y_hat = tf.matmul(x, W) + b
    loss = tf.reduce_mean(tf.square(y_hat - y))
    train_op = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(loss)
    init = tf.global_variables_initializer()

    tensors = (x, y, W, b, y_hat, loss)
    obs["names"] = [t.name for t in tensors] + [train_op.name, init.name]
    obs["shapes"] = [str(t.shape) for t in tensors]
    obs["dtypes"] = [t.dtype.base_dtype.name for t in tensors]
    obs["trainable"] = [v.name for v in tf.trainable_variables()]
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())
    obs["matmul_error"] = error(lambda: tf.matmul(x, tf.ones([4, 1])))

    losses = []
    with tf.Session() as sess:
        sess.run(init)
        for _ in range(3):
            for i in range(0, 32, 8):
                _, l = sess.run([train_op, loss], feed_dict={x: X[i:i + 8], y: Y[i:i + 8]})
                losses.append(value(l))
        obs["losses"] = losses
        obs["W"], obs["b"] = (value(v) for v in sess.run([W, b]))
        obs["predictions"] = value(sess.run(y_hat, {x: X[:4]}))
        obs["feed_shape_error"] = error(lambda: sess.run(loss, {x: X[:, :2], y: Y}))
        obs["missing_feed_error"] = error(lambda: sess.run(loss, {x: X}))
    return obs


def logistic_regression(tf):
    """Logistic regression in float64 with a name_scope per block and an accuracy metric."""
    obs = {}
    rng = np.random.RandomState(1)
    X = np.concatenate([rng.randn(20, 2) + 1.5, rng.randn(20, 2) - 1.5])
    Y = np.concatenate([np.ones((20, 1)), np.zeros((20, 1))])

    with tf.name_scope("inputs"):
        x = tf.placeholder(tf.float64, [None, 2], name="x")
        y = tf.placeholder(tf.float64, [None, 1], name="y")
    with tf.name_scope("model"):
        w = tf.Variable(np.array([[0.1], [-0.2]]), name="w")
        b = tf.Variable(tf.zeros([1], dtype=tf.float64), name="b")
        logits = tf.add(tf.matmul(x, w), b, name="logits")
        prob = tf.sigmoid(logits)
    with tf.name_scope("loss"):
        xent = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
        loss = tf.reduce_mean(xent)
    with tf.name_scope("train"):
        train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.name_scope("eval"):
        predicted = tf.cast(prob > 0.5, tf.float64)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32))

    tensors = (x, w, b, logits, prob, xent, loss, predicted, accuracy)
    obs["names"] = [t.name for t in tensors] + [train_op.name]
    obs["shapes"] = [str(t.shape) for t in tensors]
    obs["dtypes"] = [t.dtype.base_dtype.name for t in tensors]
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())
    obs["dtype_error"] = error(lambda: tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.cast(y, tf.float32), logits=logits))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {x: X, y: Y}
        obs["trajectory"] = [value(sess.run([loss, train_op], feed)[0]) for _ in range(6)]
        obs["accuracy"] = value(sess.run(accuracy, feed))
        obs["w"], obs["b"] = value(sess.run(w)), value(sess.run(b))
        obs["xent"] = value(sess.run(xent, {x: X[18:22], y: Y[18:22]}))
    return obs


def mlp_adam(tf):
    """A two-layer MLP with tf.layers.dense, sparse and dense softmax cross-entropy, Adam, a
    global step and an exponentially decayed learning rate."""
    obs = {}
    rng = np.random.RandomState(2)
    X = rng.randn(16, 4).astype(np.float32)
    labels = rng.randint(0, 3, 16).astype(np.int64)
    W1 = (rng.randn(4, 8) * 0.5).astype(np.float32)
    W2 = (rng.randn(8, 3) * 0.5).astype(np.float32)

    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    hidden = tf.layers.dense(x, 8, activation=tf.nn.relu,
                             kernel_initializer=tf.constant_initializer(W1), name="hidden")
    logits = tf.layers.dense(hidden, 3, kernel_initializer=tf.constant_initializer(W2),
                             bias_initializer=tf.constant_initializer(0.1))
    sparse = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    dense = tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.one_hot(y, 3), logits=logits))
    global_step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.05, global_step, decay_steps=2, decay_rate=0.5,
                                    staircase=True)
    optimizer = tf.train.AdamOptimizer(lr)
    train_op = optimizer.minimize(sparse, global_step=global_step)
    correct = tf.equal(tf.argmax(logits, axis=1), y)

    tensors = (hidden, logits, sparse, dense, global_step, lr, correct)
    obs["names"] = [t.name for t in tensors] + [train_op.name]
    obs["shapes"] = [str(t.shape) for t in tensors]
    obs["dtypes"] = [t.dtype.base_dtype.name for t in tensors]
    obs["globals"] = [v.name for v in tf.global_variables()]
    obs["trainable"] = [v.name for v in tf.trainable_variables()]
    obs["slots"] = sorted(optimizer.get_slot_names())
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())
    obs["labels_error"] = error(lambda: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.one_hot(y, 3), logits=logits))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        steps = []
        for _ in range(5):
            l_sparse, l_dense, rate, _ = sess.run([sparse, dense, lr, train_op], {x: X, y: labels})
            steps.append([value(l_sparse), value(l_dense), value(rate)])
        obs["steps"] = steps
        obs["global_step"] = value(sess.run(global_step))
        kernel = tf.trainable_variables()[0]
        obs["adam_m"] = value(sess.run(optimizer.get_slot(kernel, "m"))[0])
        obs["adam_v"] = value(sess.run(optimizer.get_slot(kernel, "v"))[0])
        obs["correct"] = value(sess.run(correct, {x: X, y: labels}))
    return obs


def shared_tower(tf):
    """A variable_scope / get_variable model whose tower is applied three times with reuse."""
    obs = {}
    W0 = np.arange(6, dtype=np.float32).reshape(3, 2) / 10 - 0.2

    def tower(inputs):
        w = tf.get_variable("w", [3, 2], initializer=tf.constant_initializer(W0))
        b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
        return tf.nn.relu(tf.matmul(inputs, w) + b)

    left = tf.placeholder(tf.float32, [None, 3], name="left")
    right = tf.placeholder(tf.float32, [2, 3], name="right")
    with tf.variable_scope("tower") as scope:
        a = tower(left)
        scope.reuse_variables()
        b = tower(right)
    with tf.variable_scope("tower", reuse=True):
        c = tower(left * 2.0)
    with tf.variable_scope("head", reuse=tf.AUTO_REUSE):
        h1 = tf.get_variable("scale", [], initializer=tf.ones_initializer())
        h2 = tf.get_variable("scale", [])
    distance = tf.reduce_sum(tf.abs(a - c), axis=1) * h1

    obs["names"] = [t.name for t in (a, b, c, h1, h2, distance)]
    obs["shapes"] = [str(t.shape) for t in (a, b, c, distance)]
    obs["same_scale"] = h1 is h2
    obs["globals"] = [v.name for v in tf.global_variables()]
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())
    obs["scope_name"] = scope.name
    with tf.variable_scope("tower"):
        obs["exists_error"] = error(lambda: tf.get_variable("w", [3, 2]))
    with tf.variable_scope("tower", reuse=True):
        obs["missing_error"] = error(lambda: tf.get_variable("z", [1]))
        obs["shape_error"] = error(lambda: tf.get_variable("w", [2, 2]))

    feed = {left: [[1, 2, 3], [-1, 0, 1]], right: [[0, 0, 1], [1, 1, 1]]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        obs["values"] = [value(v) for v in sess.run([a, b, c, distance], feed)]
    return obs


def second_derivatives(tf):
    """tf.gradients of a composite function: first and second derivatives, stop_gradient,
    grad_ys, and unconnected inputs."""
    obs = {}
    x = tf.placeholder(tf.float64, [3], name="x")
    y = tf.Variable(np.array([0.5, -1.0, 2.0]), name="y")
    f = tf.reduce_sum(x ** 2 * y + tf.sin(x) * tf.exp(y) - tf.log(1 + x * x))
    dx, dy = tf.gradients(f, [x, y])
    d2x = tf.gradients(dx, x)[0]
    mixed = tf.gradients(dx, y)[0]
    frozen = tf.reduce_sum(x * tf.stop_gradient(x * y))
    d_frozen = tf.gradients(frozen, [x, y])
    unconnected = tf.gradients(f, tf.placeholder(tf.float64, name="z"))
    weighted = tf.gradients([x * y, x + y], [x], grad_ys=[tf.ones([3], tf.float64) * 2, None])
    sq = tf.square(tf.tanh(x))
    dsq = tf.gradients(sq, x, name="my_grads")[0]

    # The op a gradient comes from is an implementation detail; the scope it lies in is not.
    obs["names"] = [f.name] + [t.name.rsplit("/", 1)[0] for t in
                               (dx, dy, d2x, mixed, d_frozen[0], weighted[0], dsq)]
    obs["shapes"] = [str(t.shape) for t in (dx, dy, d2x, mixed, d_frozen[0], dsq)]
    obs["none"] = [d_frozen[1] is None, unconnected == [None]]
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())
    obs["grad_error"] = error(lambda: tf.gradients(f, [x], grad_ys=[tf.ones([2], tf.float64)]))

    with tf.Session() as sess:
        sess.run(y.initializer)
        feed = {x: [0.3, -0.7, 1.1]}
        fetched = sess.run([f, dx, dy, d2x, mixed, d_frozen[0], weighted[0], dsq], feed)
        obs["values"] = [value(v) for v in fetched]
    return obs


def array_pipeline(tf):
    """Slicing, gather, concat, reshape, transpose, one_hot and argmax on a batch whose first
    dimension is unknown."""
    obs = {}
    batch = tf.placeholder(tf.float32, [None, 4, 6], name="batch")
    ids = tf.placeholder(tf.int32, [None], name="ids")
    pieces = {
        "window": batch[:, 1:3, ::2],
        "last": batch[..., -1],
        "row": batch[0],
        "new_axis": batch[:, tf.newaxis, 2, :3],
        "gathered": tf.gather(batch, [3, 0], axis=1),
        "joined": tf.concat([batch, batch[:, :, :2]], axis=-1),
        "flat": tf.reshape(batch, [-1, 24]),
        "swapped": tf.transpose(batch, [0, 2, 1]),
        "one_hot": tf.one_hot(ids, 5, on_value=2.0, off_value=-1.0),
        "best": tf.argmax(tf.reduce_sum(batch, axis=-1), axis=1),
        "stacked": tf.stack([ids, ids * 2], axis=1),
        "split": tf.split(batch, [2, 4], axis=2)[1],
        "expanded": tf.expand_dims(ids, -1),
        "squeezed": tf.squeeze(batch[:, :1, :], axis=[1]),
        "dynamic_shape": tf.shape(batch),
        "tiled": tf.tile(ids[:, None], [1, 3]),
        "where": tf.where(batch > 10.0, batch, tf.zeros_like(batch)),
        "mean_rows": tf.reduce_mean(batch, axis=[1, 2], keepdims=True),
        "padded": tf.pad(batch[:, 0, :], [[0, 0], [1, 2]]),
        "cast": tf.cast(batch[:, 0, 0] > 5, tf.int32),
    }
    names = sorted(pieces)
    obs["names"] = [pieces[n].name for n in names]
    obs["shapes"] = [str(pieces[n].shape) for n in names]
    obs["dtypes"] = [pieces[n].dtype.name for n in names]
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())
    obs["reshape_error"] = error(lambda: tf.reshape(batch, [5, 5]))
    obs["concat_error"] = error(lambda: tf.concat([batch, ids], axis=0))
    obs["transpose_error"] = error(lambda: tf.transpose(batch, [0, 1]))

    data = np.arange(2 * 4 * 6, dtype=np.float32).reshape(2, 4, 6) - 10
    with tf.Session() as sess:
        fetched = sess.run(pieces, {batch: data, ids: [4, 1]})
        obs["values"] = [value(fetched[n]) for n in names]
        obs["gather_error"] = error(lambda: sess.run(tf.gather(ids, [0, 7]), {ids: [4, 1]}))
    return obs


def optimizer_slots(tf):
    """Momentum, RMSProp and Adagrad on the same small model, with their slots after 3 steps."""
    obs = {}
    X = np.array([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.3]], np.float32)
    T = np.array([[1.0], [0.0], [2.0]], np.float32)
    optimizers = {
        "momentum": lambda: tf.train.MomentumOptimizer(0.1, momentum=0.9),
        "nesterov": lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
        "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01, decay=0.9, momentum=0.5),
        "centered": lambda: tf.train.RMSPropOptimizer(0.01, centered=True),
        "adagrad": lambda: tf.train.AdagradOptimizer(0.3, initial_accumulator_value=0.5),
    }
    results = {}
    for key, make in optimizers.items():
        with tf.variable_scope(key):
            w = tf.get_variable("w", initializer=np.array([[0.3], [-0.4]], np.float32))
            b = tf.get_variable("b", initializer=np.float32(0.1))
        loss = tf.reduce_mean(tf.square(tf.matmul(X, w) + b - T))
        opt = make()
        train_op = opt.minimize(loss, name="train_" + key)
        names = sorted(opt.get_slot_names())
        slots = [opt.get_slot(w, n) for n in names]
        results[key] = (loss, train_op, w, b, names, slots)
        obs[key + "_slots"] = names + [s.name for s in slots] + [str(s.shape) for s in slots]
    obs["globals"] = [v.name for v in tf.global_variables()]
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for key, (loss, train_op, w, b, names, slots) in results.items():
            obs[key + "_losses"] = [value(sess.run([loss, train_op])[0]) for _ in range(3)]
            obs[key + "_values"] = [value(v) for v in sess.run([w, b] + slots)]
    return obs


def printing_and_asserts(tf):
    """tf.Print, tf.print, tf.Assert under control_dependencies, and check_numerics."""
    obs = {}
    x = tf.placeholder(tf.float32, [None], name="x")
    total = tf.reduce_sum(x)
    shown = tf.Print(total, [x, total], message="x and sum: ", summarize=4)
    shown_once = tf.Print(x, [tf.shape(x)], "shape=", first_n=1)
    print_op = tf.print("total:", total, "of", x)
    # With float data TF guards the Assert op with a cond; with int32 / string data it does not.
    positive = tf.Assert(tf.reduce_all(x > 0), [x, total], name="all_positive")
    small = tf.Assert(tf.size(x) < 5, ["too many values:", tf.size(x)], name="small")
    with tf.control_dependencies([positive, small]):
        safe_log = tf.log(x)
    checked = tf.check_numerics(tf.log(x) - 1.0, "log went wrong")

    obs["names"] = [t.name for t in (shown, shown_once, safe_log, checked)]
    obs["op_names"] = [(op.name, op.type) for op in (print_op, positive, small)]
    obs["shapes"] = [str(t.shape) for t in (shown, shown_once, checked)]
    obs["control_inputs"] = sorted(op.name for op in safe_log.op.control_inputs)
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())

    printed = []
    with tf.Session() as sess:
        with captured(printed):
            obs["shown"] = value(sess.run(shown, {x: [1, 2, 3, 4, 5, 6]}))
        with captured(printed):
            for n in range(3):
                sess.run(shown_once, {x: [1.5] * n})
        with captured(printed):
            sess.run(print_op, {x: [0.5, 2.0]})
        obs["logs"] = value(sess.run(safe_log, {x: [1.0, np.e]}))
        obs["assert_error"] = error(lambda: sess.run(safe_log, {x: [1.0, -2.0, 3.0]}))
        obs["assert_data_error"] = error(lambda: sess.run(small, {x: np.ones(6)}))
        obs["numerics_error"] = error(lambda: sess.run(checked, {x: [1.0, 0.0]}))
        obs["numerics_nan_error"] = error(lambda: sess.run(checked, {x: [-1.0]}))
    obs["printed"] = printed
    return obs


def saver_round_trip(tf, directory):
    """Saver save and restore in the same program, checkpoint listing, and collections."""
    obs = {}
    with tf.variable_scope("net"):
        w = tf.get_variable("w", initializer=np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
        b = tf.get_variable("b", initializer=np.array([0.5, -0.5], np.float32))
    counter = tf.Variable(0, name="counter", trainable=False)
    step = tf.assign_add(counter, 1)
    out = tf.matmul(tf.ones([1, 2]), w) + b
    tf.add_to_collection("outputs", out)
    tf.add_to_collection("outputs", step)
    saver = tf.train.Saver()
    partial = tf.train.Saver({"weights": w}, name="partial")

    obs["collections"] = sorted(tf.get_default_graph().get_all_collection_keys())
    obs["outputs"] = [t.name for t in tf.get_collection("outputs")]
    obs["global"] = [v.name for v in tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)]
    obs["trainable"] = [v.name for v in tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)]
    obs["scoped"] = [v.name for v in tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, "net")]
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())

    prefix = os.path.join(directory, "model.ckpt")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run([step, step])
        path = saver.save(sess, prefix, global_step=counter)
        partial_path = partial.save(sess, os.path.join(directory, "weights"))
        sess.run([tf.assign(w, tf.zeros([2, 2])), tf.assign(b, [9.0, 9.0]), step])
        obs["changed"] = [value(v) for v in sess.run([w, b, counter, out])]
        saver.restore(sess, path)
        obs["restored"] = [value(v) for v in sess.run([w, b, counter, out])]
        sess.run(tf.assign(w, -w))
        partial.restore(sess, partial_path)
        obs["partial"] = [value(v) for v in sess.run([w, b])]
    obs["paths"] = [os.path.relpath(p, directory) for p in (path, partial_path)]
    obs["latest"] = os.path.relpath(tf.train.latest_checkpoint(directory), directory)
    obs["listed"] = [(name, list(shape)) for name, shape in tf.train.list_variables(path)]
    obs["loaded"] = value(tf.train.load_variable(partial_path, "weights"))
    with tf.Session() as sess:
        obs["unrestored_error"] = error(lambda: sess.run(out))
        cls, message, op = error(lambda: saver.restore(sess, os.path.join(directory, "none")))
        obs["missing_error"] = (cls, message.replace(directory, "<dir>"), op)
    return obs


def counters_and_fetches(tf):
    """Counters updated by assign / assign_add under control_dependencies and tf.group, and
    fetches given as dicts, namedtuples and nested lists."""
    obs = {}
    Step = collections.namedtuple("Step", ["total", "count"])
    count = tf.Variable(0, name="count")
    total = tf.Variable(0.0, name="total")
    x = tf.placeholder(tf.float32, [], name="x")
    add_total = tf.assign_add(total, x)
    with tf.control_dependencies([add_total]):
        bump = tf.assign_add(count, 1)
    with tf.control_dependencies([bump]):
        # read_value() made under the dependencies reads after the updates (a plain `total`
        # reads the variable's shared snapshot, which TF may take before them).
        mean = tf.identity(total.read_value() / tf.cast(count.read_value(), tf.float32),
                           name="mean")
    update = tf.group(add_total, bump, name="update")
    reset = tf.group(tf.assign(count, 0), tf.assign(total, 0.0))
    with tf.control_dependencies([update]):
        ticked = count.read_value()
    doubled = tf.assign(total, total * 2)

    obs["names"] = [t.name for t in (add_total, bump, mean, ticked, doubled)]
    obs["op_names"] = [update.name, update.type, reset.name, reset.type]
    obs["control_inputs"] = sorted(op.name for op in update.control_inputs)
    obs["ticked_control_inputs"] = sorted(op.name for op in ticked.op.control_inputs)
    obs["shapes"] = [str(t.shape) for t in (add_total, bump, mean, ticked, doubled)]
    obs["ops"], obs["grad_scopes"] = graph_structure(tf.get_default_graph())
    obs["assign_error"] = error(lambda: tf.assign(count, [1, 2]))
    obs["dtype_error"] = error(lambda: tf.assign_add(count, 1.5))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        runs = [sess.run({"mean": mean, "step": Step(add_total, bump)}, {x: v})
                for v in (1.0, 2.0, 6.0)]
        obs["runs"] = [[r["step"]._fields, value(r["mean"]), value(r["step"].total),
                        value(r["step"].count)] for r in runs]
        group_value, ticks = sess.run([update, ticked], {x: 0.5})
        obs["ticked"] = [group_value is None, value(ticks)]
        nested = sess.run([[count, (total,)], {"n": {"c": count}}])
        obs["nested"] = [value(nested[0][0]), value(nested[0][1][0]), value(nested[1]["n"]["c"])]
        obs["doubled"] = value(sess.run(doubled))
        sess.run(reset)
        obs["after_reset"] = [value(v) for v in sess.run([count, total])]
        obs["fetch_error"] = error(lambda: sess.run({"bad": 3}))
    return obs


PROGRAMS = [linear_regression, logistic_regression, mlp_adam, shared_tower, second_derivatives,
            array_pipeline, optimizer_slots, printing_and_asserts, saver_round_trip,
            counters_and_fetches]


def run_program(tf, program):
    """Runs one program in a fresh graph (and a fresh directory for the Saver)."""
    with tf.Graph().as_default():
        if program is saver_round_trip:
            with tempfile.TemporaryDirectory() as directory:
                return program(tf, directory)
        return program(tf)


def recorded_literal(name, observations):
    """Python source assigning `observations` to RECORDED[name], one key per line, 99 columns."""
    import pprint
    lines = ["RECORDED[%r] = {" % name]
    for key in sorted(observations):
        head = "    %r: " % key
        text = pprint.pformat(observations[key], width=99 - len(head), compact=True)
        lines.append(head + text.replace("\n", "\n" + " " * len(head)) + ",")
    return "\n".join(lines + ["}"])


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow.compat.v1 as tensorflow
    tensorflow.disable_v2_behavior()
    print("RECORDED = {}")
    for program in PROGRAMS:
        print("\n" + recorded_literal(program.__name__, run_program(tensorflow, program)))
