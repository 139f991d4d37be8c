"""Slim programs run by both TF-Slim (tests/record_tf_slim.py records them with tf_slim, whose
layers are TF 1.15's tf.contrib.layers) and minitf (tests/test_slim.py compares): each builds a
graph with `slim`, sets every variable to values made from its name, and returns the variable
names, shapes and collections, op names and output values, as JSON-able dicts."""

import zlib

import numpy as np


def _values(name, shape):
    """The value a variable is set to: reproducible from its name; variances positive."""
    rng = np.random.RandomState(zlib.crc32(name.encode()))
    value = rng.uniform(-0.5, 0.5, size=shape).astype(np.float32)
    return np.abs(value) + 0.5 if "variance" in name else value


def _set_weights(sess, tf):
    sess.run(tf.global_variables_initializer())
    for v in tf.global_variables():
        v.load(_values(v.op.name, v.shape.as_list()), sess)


def _names(values):
    return [getattr(v, "name", None) or v.op.name for v in values]


def _collections(tf, keys):
    return {k: _names(tf.get_collection(k)) for k in keys}


def _describe(tf):
    return {"variables": [[v.op.name, v.shape.as_list()] for v in tf.global_variables()],
            "collections": _collections(tf, ["trainable_variables", "model_variables",
                                             "regularization_losses"]),
            "update_ops": sorted(t.name.split(":")[0] for t in
                                 tf.get_collection(tf.GraphKeys.UPDATE_OPS))}


def _input(shape, seed=0):
    return np.random.RandomState(seed).randn(*shape).astype(np.float32)


def cnn(tf, slim, is_training):
    """The classic slim model: nested arg_scopes over conv2d / fully_connected, batch_norm as
    the conv normalizer, repeat, pools, flatten, dropout, an end_points collection."""
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 8, 8, 3], name="images")
    with slim.arg_scope([slim.conv2d, slim.fully_connected], activation_fn=tf.nn.relu,
                        weights_regularizer=slim.l2_regularizer(0.0005)):
        with slim.arg_scope([slim.conv2d], padding="SAME", normalizer_fn=slim.batch_norm,
                            normalizer_params={"is_training": is_training, "decay": 0.9,
                                               "scale": True},
                            outputs_collections="end_points"):
            net = slim.conv2d(x, 4, [3, 3], scope="conv1")
            net = slim.max_pool2d(net, [2, 2], scope="pool1")
            net = slim.repeat(net, 2, slim.conv2d, 6, [3, 3], scope="conv2")
            net = slim.avg_pool2d(net, 2, scope="pool2")
            net = slim.flatten(net, scope="flatten")
            net = slim.fully_connected(net, 16, scope="fc3")
            net = slim.dropout(net, 0.5, is_training=False, scope="dropout3")
            logits = slim.fully_connected(net, 5, activation_fn=None, scope="fc4")
    out = _describe(tf)
    out["end_points"] = [[t.name, t.aliases] for t in tf.get_collection("end_points")]
    out["logits"] = [logits.name, logits.shape.as_list()]
    reg = tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.Session() as sess:
        _set_weights(sess, tf)
        values = sess.run([logits, reg, updates], {x: _input([2, 8, 8, 3])})
        out["values"] = [np.asarray(v).tolist() for v in values[:2]]
        out["moving"] = {v.op.name: sess.run(v).tolist() for v in tf.global_variables()
                         if "moving" in v.op.name}
    return out


def _run(tf, outputs, feeds=None, extra=()):
    """Runs `outputs` with the UPDATE_OPS (then reads the `extra` variables), every variable
    set first."""
    with tf.Session() as sess:
        _set_weights(sess, tf)
        values = sess.run([outputs, tf.get_collection(tf.GraphKeys.UPDATE_OPS)], feeds)[0]
        return [np.asarray(v).tolist() for v in values] + \
            [sess.run(v).tolist() for v in extra]


def layer_cases(tf, slim):
    """{case: (build function -> (outputs, feeds, variables to read after))} for every layer
    function on its own."""
    x4 = _input([2, 6, 6, 3])
    x2 = _input([4, 5], 1)
    x3 = _input([2, 4, 5], 2)

    def ph(value, batch_none=True):
        shape = list(value.shape)
        if batch_none:
            shape[0] = None
        p = tf.placeholder(tf.float32, shape, name="x")
        return p, {p: value}

    def fc():
        p, feed = ph(x2)
        return [slim.fully_connected(p, 3), slim.fully_connected(p, 2, activation_fn=None,
                                                                 biases_initializer=None,
                                                                 scope="nobias")], feed, []

    def fc_rank3():
        p, feed = ph(x3)
        return [slim.fully_connected(p, 3, activation_fn=tf.nn.tanh)], feed, []

    def fc_reuse():
        p, feed = ph(x2)
        a = slim.fully_connected(p, 3, scope="shared")
        b = slim.fully_connected(p * 2.0, 3, scope="shared", reuse=True)
        return [a, b], feed, []

    def conv():
        p, feed = ph(x4)
        return [slim.conv2d(p, 4, [3, 3]),
                slim.conv2d(p, 2, 3, stride=2, padding="VALID", scope="strided"),
                slim.conv2d(p, 2, [2, 3], rate=2, activation_fn=None, scope="dilated")], feed, []

    def conv_transpose():
        p, feed = ph(x4)
        return [slim.conv2d_transpose(p, 2, [3, 3], stride=2),
                slim.conv2d_transpose(p, 3, 2, padding="VALID", activation_fn=None,
                                      scope="valid")], feed, []

    def separable():
        p, feed = ph(x4)
        return [slim.separable_conv2d(p, 4, [3, 3], depth_multiplier=2),
                slim.separable_conv2d(p, None, 3, depth_multiplier=2, stride=2,
                                      scope="depthwise")], feed, []

    def pools():
        p, feed = ph(x4)
        return [slim.max_pool2d(p, [3, 3], stride=2, padding="SAME"),
                slim.avg_pool2d(p, 2), slim.avg_pool2d(p, [3, 2], stride=1, padding="SAME"),
                slim.flatten(p)], feed, []

    def bn_train():
        p, feed = ph(x4)
        y = slim.batch_norm(p, scale=True, decay=0.9)
        return [y], feed, \
            slim.get_variables("BatchNorm")

    def bn_test():
        p, feed = ph(x4)
        return [slim.batch_norm(p, is_training=False, center=False, scale=True)], feed, []

    def bn_rank2():
        p, feed = ph(x2)
        y = slim.batch_norm(p, decay=0.5)
        return [y], feed, \
            slim.get_model_variables("BatchNorm")

    def bn_forced():
        p, feed = ph(x4)
        y = slim.batch_norm(p, updates_collections=None, decay=0.8)
        return [y], feed, slim.get_variables("BatchNorm/moving")

    def bn_rank3():
        p, feed = ph(x3)
        y = slim.batch_norm(p, scale=True)
        return [y], feed, \
            slim.get_variables("BatchNorm/moving")

    def bn_plain_none():
        p, feed = ph(x3)
        y = slim.batch_norm(p, updates_collections=None, decay=0.5)
        return [y], feed, slim.get_variables("BatchNorm/moving")

    def bn_tensor_flag():
        p, feed = ph(x4)
        flag = tf.placeholder(tf.bool, [], name="is_training")
        y = slim.batch_norm(p, is_training=flag, decay=0.5)
        feed = dict(feed)
        feed[flag] = True
        return [y], feed, \
            slim.get_variables("BatchNorm/moving")

    def norms():
        p, feed = ph(x3)
        return [slim.layer_norm(p), slim.layer_norm(p, begin_norm_axis=-1, center=False,
                                                    scope="last"),
                slim.unit_norm(p, 2), slim.unit_norm(p, 1), slim.softmax(p)], feed, []

    def small():
        p, feed = ph(x4)
        labels = tf.constant([0, 2, 1], dtype=tf.int32)
        return [slim.bias_add(p, activation_fn=tf.nn.relu),
                slim.one_hot_encoding(labels, 4),
                slim.one_hot_encoding(tf.constant([3, 0], tf.int64), 4, on_value=2.0,
                                      off_value=-1.0)], feed, []

    def stacked():
        p, feed = ph(x2)
        a = slim.stack(p, slim.fully_connected, [4, 3, 2], scope="fc")
        b = slim.stack(p, slim.fully_connected, [(3, tf.nn.tanh), (2, None)])
        c = slim.repeat(p, 2, slim.fully_connected, 5, activation_fn=tf.nn.sigmoid)
        return [a, b, c], feed, []

    def conv_other_ranks():
        p1, feed = ph(x3)
        p3 = tf.placeholder(tf.float32, [None, 3, 4, 4, 2], name="x5")
        feed = dict(feed)
        feed[p3] = _input([2, 3, 4, 4, 2], 3)
        return [slim.conv1d(p1, 3, 2), slim.conv3d(p3, 2, [2, 3, 3], stride=[1, 2, 1]),
                slim.max_pool3d(p3, 2, padding="SAME"), slim.avg_pool3d(p3, [1, 2, 2], 1)], \
            feed, []

    def in_plane():
        p, feed = ph(x4)
        return [slim.conv2d_in_plane(p, [3, 2], stride=2,
                                     weights_regularizer=slim.l1_regularizer(0.1)),
                slim.conv2d_in_plane(p, 2, activation_fn=None, normalizer_fn=slim.layer_norm)],\
            feed, []

    def dropout_off():
        p, feed = ph(x2)
        return [slim.dropout(p, 0.3, is_training=False)], feed, []

    return {name: fn for name, fn in locals().items()
            if callable(fn) and name not in ("ph",)}


def layer(tf, slim, name):
    tf.reset_default_graph()
    outputs, feed, extra = layer_cases(tf, slim)[name]()
    described = _describe(tf)
    described["outputs"] = [[t.name, t.shape.as_list() if t.shape.ndims is not None else None]
                            for t in outputs]
    described["values"] = _run(tf, outputs, feed, extra)
    return described


ERRORS = {  # name: function (tf, slim) -> raises
    "fc_float_outputs": lambda tf, slim: slim.fully_connected(
        tf.zeros([2, 3]), 2.0),
    "fc_unknown_last_dim": lambda tf, slim: slim.fully_connected(
        tf.placeholder(tf.float32, [2, None]), 2),
    "conv_rank2": lambda tf, slim: slim.conv2d(tf.zeros([2, 3]), 2, 3),
    "pool_bad_format": lambda tf, slim: slim.max_pool2d(tf.zeros([1, 4, 4, 1]), 2,
                                                        data_format="NWHC"),
    "bn_unknown_rank": lambda tf, slim: slim.batch_norm(tf.placeholder(tf.float32)),
    "bn_rank3_fused_unknown_channels": lambda tf, slim: slim.batch_norm(
        tf.placeholder(tf.float32, [2, 3, None])),
    "layer_norm_axis": lambda tf, slim: slim.layer_norm(tf.zeros([2, 3]), begin_norm_axis=2),
    "unit_norm_dim": lambda tf, slim: slim.unit_norm(tf.zeros([2, 3]), 2),
    "arg_scope_not_list": lambda tf, slim: slim.arg_scope(slim.conv2d, padding="SAME")
    .__enter__(),
    "arg_scope_undecorated": lambda tf, slim: slim.arg_scope([tf.nn.relu]).__enter__(),
    "arg_scope_bad_kwarg": lambda tf, slim: _in_scope(slim, lambda: slim.fully_connected(
        tf.zeros([2, 3]), 2)),
    "stack_args": lambda tf, slim: slim.stack(tf.zeros([2, 3]), slim.fully_connected, 3),
    "restore_not_list": lambda tf, slim: slim.get_variables_to_restore(include="conv"),
    "fc_existing": lambda tf, slim: [slim.fully_connected(tf.zeros([2, 3]), 2, scope="a"),
                                     slim.fully_connected(tf.zeros([2, 3]), 2, scope="a")],
}


def _in_scope(slim, fn):
    with slim.arg_scope([slim.fully_connected], no_such_argument=1):
        return fn()


def error(tf, slim, name):
    tf.reset_default_graph()
    try:
        ERRORS[name](tf, slim)
    except Exception as e:  # noqa: BLE001 - the class is what is recorded
        return [type(e).__name__, str(e)]
    return None


def framework(tf, slim):
    """arg_scope bookkeeping and the variable helpers of contrib.framework."""
    tf.reset_default_graph()
    out = {}
    with slim.arg_scope([slim.conv2d, slim.fully_connected], trainable=False) as sc:
        with slim.arg_scope([slim.conv2d], padding="VALID"):
            inner = slim.current_arg_scope()
            out["inner"] = sorted([sorted(v.items()) for v in inner.values()])
    with slim.arg_scope(sc):
        net = slim.conv2d(tf.zeros([1, 5, 5, 2]), 3, 3, scope="conv")
    out["reused_scope"] = [net.shape.as_list(),
                           _names(tf.trainable_variables()), _names(tf.global_variables())]
    with tf.variable_scope("model"):
        w = slim.model_variable("w", shape=[2, 3], initializer=tf.ones_initializer())
        v = slim.variable("v", shape=[3], collections=["mine"])
        slim.model_variable("w2", shape=[1], trainable=False)
    local = slim.local_variable([1.0, 2.0], name="local")
    step = slim.get_or_create_global_step()
    out["names"] = [w.name, v.name, local.name, step.name]
    out["queries"] = {
        "variables": _names(slim.get_variables()),
        "model": _names(slim.get_model_variables()),
        "trainable": _names(slim.get_trainable_variables()),
        "local": _names(slim.get_local_variables()),
        "scope_model": _names(slim.get_variables("model")),
        "suffix_w": _names(slim.get_variables_by_suffix("w")),
        "name_w": _names(slim.get_variables_by_name("w")),
        "name_weights": _names(slim.get_variables_by_name("weights")),
        "mine": _names(tf.get_collection("mine")),
        "restore": _names(slim.get_variables_to_restore(exclude=["conv"])),
        "restore_incl": _names(slim.get_variables_to_restore(include=["model", "conv"],
                                                             exclude=["model/w2"])),
        "unique": slim.get_unique_variable("model/w").name,
    }
    return out


def losses(tf, slim):
    """slim.losses (tf.contrib.losses): predictions or logits first, weights per example."""
    tf.reset_default_graph()
    rng = np.random.RandomState(7)
    preds = tf.constant(rng.uniform(0.05, 0.95, (4, 3)).astype(np.float32))
    labels = tf.constant((rng.uniform(size=(4, 3)) > 0.5).astype(np.float32))
    logits = tf.constant(rng.randn(4, 3).astype(np.float32))
    onehot = tf.constant(np.eye(3, dtype=np.float32)[[0, 2, 1, 2]])
    sparse = tf.constant([[0], [2], [1], [2]], dtype=tf.int64)
    unit = tf.nn.l2_normalize(logits, 1)
    per_example = tf.constant([1.0, 0.0, 2.0, 0.5])
    column = tf.constant([[1.0], [0.0], [2.0], [0.5]])
    full = tf.constant(rng.uniform(size=(4, 3)).astype(np.float32))
    made = [
        slim.losses.absolute_difference(preds, labels),
        slim.losses.absolute_difference(preds, labels, weights=per_example),
        slim.losses.mean_squared_error(preds, labels, weights=column),
        slim.losses.mean_squared_error(preds, labels, weights=full, scope="full"),
        slim.losses.log_loss(preds, labels, weights=2.0),
        slim.losses.sigmoid_cross_entropy(logits, labels, weights=per_example,
                                          label_smoothing=0.1),
        slim.losses.softmax_cross_entropy(logits, onehot),
        slim.losses.softmax_cross_entropy(logits, onehot, weights=per_example,
                                          label_smoothing=0.2),
        slim.losses.sparse_softmax_cross_entropy(logits, sparse, weights=column),
        slim.losses.cosine_distance(unit, tf.nn.l2_normalize(preds, 1), dim=1,
                                    weights=per_example),
        slim.losses.mean_pairwise_squared_error(preds, labels, weights=per_example),
        slim.losses.compute_weighted_loss(full * 3.0, per_example),
        slim.losses.hinge_loss(logits, labels),
    ]
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, tf.constant(0.25))
    total = slim.losses.get_total_loss()
    no_reg = slim.losses.get_total_loss(add_regularization_losses=False, name="plain")
    out = {"names": [t.name for t in made + [total, no_reg]],
           "shapes": [t.shape.as_list() for t in made],
           "collection": _names(slim.losses.get_losses())}
    with tf.Session() as sess:
        out["values"] = [np.asarray(v).tolist() for v in sess.run(made + [total, no_reg])]
    return out


def _regression(tf, slim):
    """A small batch-normalized regression; returns (loss, feed)."""
    rng = np.random.RandomState(11)
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    net = slim.fully_connected(x, 5, normalizer_fn=slim.batch_norm,
                               normalizer_params={"decay": 0.5, "scale": True}, scope="h")
    pred = slim.fully_connected(net, 1, activation_fn=None, scope="out")
    loss = slim.losses.mean_squared_error(pred, y)
    feed = {x: rng.randn(8, 4).astype(np.float32), y: rng.randn(8, 1).astype(np.float32)}
    return loss, feed


def _train_steps(tf, sess, train_op, feed, steps=3):
    """Initializes, sets the model variables (not the optimizer's), runs `steps` steps."""
    sess.run(tf.global_variables_initializer())
    for v in tf.model_variables():
        v.load(_values(v.op.name, v.shape.as_list()), sess)
    losses_ = [float(sess.run(train_op, feed)) for _ in range(steps)]
    return {"losses": losses_,
            "variables": {v.op.name: sess.run(v).tolist() for v in tf.global_variables()}}


def create_train_op(tf, slim):
    """slim.learning.create_train_op: update ops first, clipped and multiplied gradients,
    gradient summaries, the global step."""
    out = {}
    for name, kwargs in (("plain", {}),
                         ("clip_multiply", dict(clip_gradient_norm=0.5, summarize_gradients=True,
                                                gradient_multipliers={"out/weights": 3.0})),
                         ("no_updates", dict(update_ops=[]))):
        tf.reset_default_graph()
        loss, feed = _regression(tf, slim)
        train_op = slim.learning.create_train_op(
            slim.losses.get_total_loss(), tf.train.GradientDescentOptimizer(0.1), **kwargs)
        with tf.Session() as sess:
            out[name] = _train_steps(tf, sess, train_op, feed)
            out[name]["step"] = int(sess.run(tf.train.get_global_step()))
        out[name]["train_op"] = [train_op.name,
                                 _names(tf.get_collection(tf.GraphKeys.TRAIN_OP))]
        out[name]["summaries"] = sorted(s.op.name for s in
                                        tf.get_collection(tf.GraphKeys.SUMMARIES))
    return out


def optimize_loss(tf, slim):
    """tf.contrib.layers.optimize_loss with optimizers by name, clipping, decay, summaries."""
    out = {}
    cases = {"sgd": dict(optimizer="SGD", learning_rate=0.1),
             "adam_clip": dict(optimizer="Adam", learning_rate=0.05, clip_gradients=0.5,
                               summaries=["loss", "gradients", "gradient_norm"]),
             "momentum_decay": dict(optimizer="Momentum", learning_rate=0.1,
                                    learning_rate_decay_fn=lambda lr, step:
                                    tf.train.exponential_decay(lr, step, 1, 0.5)),
             "class_no_step": dict(optimizer=tf.train.RMSPropOptimizer, learning_rate=0.01,
                                   increment_global_step=False, name="Opt")}
    for name, kwargs in cases.items():
        tf.reset_default_graph()
        loss, feed = _regression(tf, slim)
        step = tf.train.get_or_create_global_step()
        train_op = slim.optimize_loss(loss, step, **kwargs)
        with tf.Session() as sess:
            out[name] = _train_steps(tf, sess, train_op, feed)
            out[name]["step"] = int(sess.run(step))
        out[name]["train_op"] = train_op.name
        out[name]["summaries"] = sorted(s.op.name for s in
                                        tf.get_collection(tf.GraphKeys.SUMMARIES))
    return out


def metrics(tf, slim):
    """slim.metrics' streaming_* names and aggregate_metric_map over two batches."""
    tf.reset_default_graph()
    preds = tf.placeholder(tf.float32, [None, 3])
    labels = tf.placeholder(tf.int64, [None])
    classes = tf.argmax(preds, 1)
    names_to_values, names_to_updates = slim.metrics.aggregate_metric_map({
        "accuracy": slim.metrics.streaming_accuracy(classes, labels),
        "recall_at_2": slim.metrics.streaming_recall_at_k(preds, labels, 2),
        "mean": slim.metrics.streaming_mean(tf.reduce_max(preds, 1)),
        "mse": slim.metrics.streaming_mean_squared_error(preds, tf.one_hot(labels, 3)),
        "precision": slim.metrics.streaming_precision(tf.equal(classes, 1),
                                                      tf.equal(labels, 1)),
        "cosine": slim.metrics.streaming_mean_cosine_distance(
            tf.nn.l2_normalize(preds, 1), tf.one_hot(labels, 3), 1),
    })
    values, updates = slim.metrics.aggregate_metrics(
        slim.metrics.streaming_mean_absolute_error(preds, tf.one_hot(labels, 3)))
    rng = np.random.RandomState(3)
    out = {"names": {k: v.name for k, v in sorted(names_to_values.items())}}
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for i in range(2):
            feed = {preds: rng.uniform(size=(5, 3)).astype(np.float32),
                    labels: rng.randint(0, 3, 5)}
            sess.run([names_to_updates, updates], feed)
        out["values"] = {k: float(v) for k, v in sorted(sess.run(names_to_values).items())}
        out["mae"] = float(sess.run(values[0]))
    return out


def learning_train(tf, slim, logdir):
    """slim.learning.train for number_of_steps with an init_fn and a train_step_fn feeding the
    placeholders: the last loss, the checkpoint it leaves and the weights in it."""
    import os
    tf.reset_default_graph()
    loss, feed = _regression(tf, slim)
    train_op = slim.learning.create_train_op(slim.losses.get_total_loss(),
                                             tf.train.GradientDescentOptimizer(0.05))
    assign = tf.group(*[tf.assign(v, _values(v.op.name, v.shape.as_list()))
                        for v in tf.global_variables() if "global_step" not in v.op.name])

    def step_fn(sess, op, global_step, step_kwargs):
        loss_value = sess.run(op, feed)
        return loss_value, bool(sess.run(step_kwargs["should_stop"]))
    final = slim.learning.train(train_op, logdir, train_step_fn=step_fn, number_of_steps=4,
                                init_fn=lambda sess: sess.run(assign))
    files = sorted(f for f in os.listdir(logdir) if f.startswith(("model.ckpt", "checkpoint")))
    return {"final_loss": float(final), "files": files,
            "step": int(tf.train.load_variable(logdir, "global_step")),
            "weights": tf.train.load_variable(logdir, "out/weights").tolist()}


def evaluation(tf, slim, logdir):
    """slim.evaluation.evaluate_once and evaluation_loop on a saved model: metric updates run
    num_evals times, the final op's values, the summary written at the end."""
    import os
    tf.reset_default_graph()
    loss, feed = _regression(tf, slim)
    with tf.Session() as sess:
        _set_weights(sess, tf)
        tf.train.get_or_create_global_step().load(7, sess)
        path = tf.train.Saver().save(sess, os.path.join(logdir, "model.ckpt"), global_step=7)
    runs = tf.Variable(0, collections=[tf.GraphKeys.LOCAL_VARIABLES], name="runs")
    mean_loss, update = slim.metrics.streaming_mean(loss)
    tf.summary.scalar("eval_loss", mean_loss)
    out = {}
    out["once"] = slim.evaluation.evaluate_once(
        "", path, logdir, num_evals=3, eval_op=[update, tf.assign_add(runs, 1)],
        eval_op_feed_dict=feed, final_op=[mean_loss, runs])
    out["loop"] = slim.evaluation.evaluation_loop(
        "", logdir, logdir, num_evals=2, eval_op={"u": update}, eval_op_feed_dict=feed,
        final_op={"loss": mean_loss, "runs": runs}, summary_op=None, eval_interval_secs=0,
        max_number_of_evaluations=1)
    out = {"once": [float(out["once"][0]), int(out["once"][1])],
           "loop": {"loss": float(out["loop"]["loss"]), "runs": int(out["loop"]["runs"])}}
    events = [f for f in os.listdir(logdir) if f.startswith("events.out.tfevents")]
    tags = []
    for event_file in events:
        for event in tf.train.summary_iterator(os.path.join(logdir, event_file)):
            tags += [(int(event.step), v.tag, float(v.simple_value))
                     for v in event.summary.value]
    out["summaries"] = sorted(tags)
    return out
