"""Programs for the tf.contrib.layers functions beyond slim's classic layers (instance_norm,
group_norm, scale_gradient, maxout, spatial_softmax, images_to_sequence, sequence_to_images,
dense_to_sparse, poincare_normalize, the summarize_* helpers), run by TF-Slim
(tests/record_tf_contrib_layers.py; tf_slim carries TF 1.15's contrib.layers) and by minitf
(tests/test_contrib_layers_more.py compares). `layers` is the namespace holding them. Each case
returns variable names and collections, output names and static shapes, values for variables
set from their names, or the error a misuse raises."""

import numpy as np

try:  # run by pytest (tests is a package) or by the recorder (tests/ on the path)
    from tests.slim_programs import _input, _set_weights
except ImportError:
    from slim_programs import _input, _set_weights


def _describe(tf, outputs):
    return {"variables": [[v.op.name, v.shape.as_list()] for v in tf.global_variables()],
            "model_variables": [v.op.name for v in tf.model_variables()],
            "trainable": [v.op.name for v in tf.trainable_variables()],
            "outputs": [[t.name, t.shape.as_list(), t.dtype.name] for t in outputs]}


def _run(tf, outputs, feeds=None):
    out = _describe(tf, outputs)
    with tf.Session() as sess:
        _set_weights(sess, tf)
        out["values"] = [np.asarray(v).tolist() for v in sess.run(outputs, feeds)]
    return out


def _ph(tf, value, none_axes=(0,)):
    shape = [None if i in none_axes else d for i, d in enumerate(value.shape)]
    p = tf.placeholder(tf.float32, shape, name="x")
    return p, {p: value}


def case_names():
    return sorted(name[5:] for name in globals() if name.startswith("case_") and
                  name != "case_names")


def run_case(tf, layers, name):
    tf.reset_default_graph()
    try:
        return globals()["case_" + name](tf, layers)
    except (ValueError, TypeError) as e:
        return {"error": type(e).__name__, "message": str(e)}


def case_instance_norm(tf, layers):
    p, feed = _ph(tf, _input([2, 4, 5, 3]))
    return _run(tf, [layers.instance_norm(p)], feed)


def case_instance_norm_nchw(tf, layers):
    p, feed = _ph(tf, _input([2, 3, 4, 5], 1))
    out = layers.instance_norm(p, center=False, activation_fn=tf.nn.relu, data_format="NCHW",
                               scope="inorm", outputs_collections="outs")
    result = _run(tf, [out], feed)
    result["collected"] = [[t.name, t.aliases] for t in tf.get_collection("outs")]
    return result


def case_instance_norm_rank3_collections(tf, layers):
    p, feed = _ph(tf, _input([2, 6, 4], 2))
    a = layers.instance_norm(p, scale=False, epsilon=0.1, scope="shared",
                             variables_collections={"beta": ["betas"]},
                             param_initializers={"beta": tf.constant_initializer(0.25)})
    b = layers.instance_norm(p * 2.0, scale=False, scope="shared", reuse=True)
    result = _run(tf, [a, b], feed)
    result["betas"] = [v.op.name for v in tf.get_collection("betas")]
    return result


def case_instance_norm_bad_format(tf, layers):
    return _run(tf, [layers.instance_norm(tf.zeros([2, 3, 4, 5]), data_format="NCWH")])


def case_instance_norm_unknown_rank(tf, layers):
    return _run(tf, [layers.instance_norm(tf.placeholder(tf.float32))])


def case_instance_norm_unknown_channels(tf, layers):
    return _run(tf, [layers.instance_norm(tf.placeholder(tf.float32, [2, 3, None]))])


def case_group_norm(tf, layers):
    p, feed = _ph(tf, _input([2, 3, 4, 8], 3))
    return _run(tf, [layers.group_norm(p, groups=4)], feed)


def case_group_norm_channels_first(tf, layers):
    p, feed = _ph(tf, _input([2, 6, 3, 4], 4))
    out = layers.group_norm(p, groups=2, channels_axis=1, reduction_axes=(2, 3),
                            activation_fn=tf.nn.relu, scope="gn",
                            outputs_collections="outs", center=False)
    result = _run(tf, [out], feed)
    result["collected"] = [[t.name, t.aliases] for t in tf.get_collection("outs")]
    return result


def case_group_norm_close_to_zero(tf, layers):
    p, feed = _ph(tf, _input([2, 5, 6], 5))
    return _run(tf, [layers.group_norm(p, groups=3, reduction_axes=(-2,), epsilon=1e-3,
                                       mean_close_to_zero=True)], feed)


def case_group_norm_too_many_groups(tf, layers):
    return _run(tf, [layers.group_norm(tf.zeros([2, 3, 4, 8]))])


def case_group_norm_not_commensurate(tf, layers):
    return _run(tf, [layers.group_norm(tf.zeros([2, 3, 4, 8]), groups=3)])


def case_group_norm_overlapping_axes(tf, layers):
    return _run(tf, [layers.group_norm(tf.zeros([2, 3, 4, 8]), groups=2,
                                       reduction_axes=(-2, -1))])


def case_group_norm_unknown_reduction_dim(tf, layers):
    return _run(tf, [layers.group_norm(tf.placeholder(tf.float32, [2, None, 4, 8]), groups=2)])


def case_scale_gradient(tf, layers):
    p, feed = _ph(tf, _input([2, 3], 6))
    y = layers.scale_gradient(p, 0.25)
    (grad,) = tf.gradients(tf.reduce_sum(y * y), [p])
    return _run(tf, [y, grad], feed)


def case_maxout(tf, layers):
    p, feed = _ph(tf, _input([2, 6], 7))
    q, feed_q = _ph(tf, _input([2, 6, 3], 8))
    feed.update(feed_q)
    return _run(tf, [layers.maxout(p, 3), layers.maxout(q, 2, axis=1, scope="mo")], feed)


def case_maxout_not_multiple(tf, layers):
    return _run(tf, [layers.maxout(tf.zeros([2, 6]), 4)])


def case_spatial_softmax(tf, layers):
    p, feed = _ph(tf, _input([2, 3, 4, 2], 9))
    return _run(tf, [layers.spatial_softmax(p)], feed)


def case_spatial_softmax_nchw(tf, layers):
    p, feed = _ph(tf, _input([2, 2, 3, 4], 10), none_axes=(0, 2))
    out = layers.spatial_softmax(p, temperature=0.5, name="keypoints", trainable=False,
                                 data_format="NCHW")
    return _run(tf, [out], feed)


def case_spatial_softmax_bad_format(tf, layers):
    return _run(tf, [layers.spatial_softmax(tf.zeros([2, 3, 4, 2]), data_format="NWC")])


def case_images_to_sequence(tf, layers):
    p, feed = _ph(tf, _input([2, 3, 4, 5], 11), none_axes=(0, 1))
    q, feed_q = _ph(tf, _input([2, 5, 3, 4], 11))
    feed.update(feed_q)
    return _run(tf, [layers.images_to_sequence(p, outputs_collections="outs"),
                     layers.images_to_sequence(q, data_format="NCHW", scope="seq")], feed)


def case_sequence_to_images(tf, layers):
    p, feed = _ph(tf, _input([4, 6, 5], 12), none_axes=())
    q, feed_q = _ph(tf, _input([4, 6, 5], 12), none_axes=(1,))
    feed.update(feed_q)
    return _run(tf, [layers.sequence_to_images(p, 3),
                     layers.sequence_to_images(q, 2, output_data_format="channels_first",
                                               scope="img")], feed)


def case_images_sequence_bad_format(tf, layers):
    return _run(tf, [layers.images_to_sequence(tf.zeros([2, 3, 4, 5]), data_format="NCWH")])


def case_dense_to_sparse(tf, layers):
    dense = np.array([[1, 0, 3], [0, 0, 2]], np.int32)
    p = tf.placeholder(tf.int32, [None, 3], name="x")
    a = layers.dense_to_sparse(p)
    b = layers.dense_to_sparse(tf.constant([[2.0, 1.5], [2.0, 0.0]]), eos_token=2.0,
                               scope="eos", outputs_collections="outs")
    tensors = [a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape]
    result = _run(tf, tensors, {p: dense})
    result["collected"] = [type(t).__name__ for t in tf.get_collection("outs")]
    return result


def case_poincare_normalize(tf, layers):
    x = _input([3, 4], 13) * 0.3
    x[1] *= 10.0
    p, feed = _ph(tf, x)
    return _run(tf, [layers.poincare_normalize(p), layers.poincare_normalize(
        p, axis=[0, 1], epsilon=0.1, name="pn")], feed)


def _summaries(tf):
    return [[s.op.name, s.op.type] for s in tf.get_collection(tf.GraphKeys.SUMMARIES)]


def case_summarize_activation(tf, layers):
    x = tf.constant([[-1.0, 2.0], [7.0, 0.5]])
    results = [layers.summarize_activation(tf.nn.relu(x)),
               layers.summarize_activation(tf.nn.relu6(x, name="r6")),
               layers.summarize_activation(tf.tanh(x))]
    return {"returned": [r.op.name for r in results], "summaries": _summaries(tf)}


def case_summarize_tensors(tf, layers):
    tensors = [tf.constant(1.5, name="loss"), tf.constant([1.0, 2.0], name="vec"),
               tf.constant([True], name="flags"), tf.constant("s", name="text")]
    results = layers.summarize_tensors(tensors)
    return {"returned": [r if r is None else r.op.name for r in results],
            "summaries": _summaries(tf)}


def case_summarize_collection(tf, layers):
    for name in ("fc/weights", "fc/biases", "out/weights"):
        tf.add_to_collection("params", tf.constant([1.0, 2.0], name=name))
    results = layers.summarize_collection("params", name_filter=".*weights")
    results += layers.summarize_collection("params", summarizer=layers.summarize_activation)
    return {"returned": [r.op.name for r in results], "summaries": _summaries(tf)}


def case_summarize_partials(tf, layers):
    tf.Variable([1.0, 2.0], name="v")
    tf.add_to_collection(tf.GraphKeys.WEIGHTS, tf.constant([1.0], name="w"))
    tf.add_to_collection(tf.GraphKeys.BIASES, tf.constant(0.5, name="b"))
    tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, tf.nn.relu(tf.constant([1.0]), name="act"))
    tf.add_to_collection(tf.GraphKeys.ACTIVATIONS, tf.nn.softplus(tf.constant([1.0]), name="sp"))
    results = (layers.summarize_variables() + layers.summarize_weights() +
               layers.summarize_biases() + layers.summarize_activations(name_filter="a"))
    return {"returned": [r.op.name for r in results], "summaries": _summaries(tf),
            "all": layers.summarize_activations()[-1].op.name}


# -- tf.contrib.training.create_train_op (tf_slim.training.training's) ---------------------------

def create_train_op(tf, training):
    """Three steps of create_train_op on a small linear model: default arguments; a
    transform_grads_fn clipping each gradient, gradient summaries, explicit update ops and
    global step; no global step and variables_to_train one variable."""
    out = {}
    for case in ("default", "transform", "partial"):
        tf.reset_default_graph()
        x = tf.constant(_input([4, 3], 20))
        y = tf.constant(_input([4, 1], 21))
        w = tf.Variable(np.full([3, 1], 0.5, np.float32), name="w")
        b = tf.Variable([0.1], name="b")
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        counter = tf.Variable(0.0, name="counter")
        tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_add(counter, 1.0))
        optimizer = tf.train.GradientDescentOptimizer(0.1)
        if case == "default":
            train_op = training.create_train_op(loss, optimizer)
        elif case == "transform":
            step = tf.Variable(5, dtype=tf.int64, name="my_step", trainable=False)
            train_op = training.create_train_op(
                loss, optimizer, global_step=step, update_ops=[],
                transform_grads_fn=training.clip_gradient_norms_fn(0.2),
                summarize_gradients=True, check_numerics=False)
        else:
            train_op = training.create_train_op(loss, optimizer, global_step=None,
                                                variables_to_train=[w])
        result = {"train_op": [train_op.name, train_op.shape.as_list()],
                  "train_ops": [t.name for t in tf.get_collection(tf.GraphKeys.TRAIN_OP)],
                  "summaries": [s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)],
                  "variables": [v.op.name for v in tf.global_variables()]}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            result["losses"] = [float(sess.run(train_op)) for _ in range(3)]
            result["after"] = [np.asarray(v).tolist() for v in sess.run(tf.global_variables())]
        out[case] = result
    return out
