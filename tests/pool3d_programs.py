"""Programs for 3-D pooling (tf.nn.max_pool3d / avg_pool3d and their gradients) and the 3-D and
separable-1-D tf.layers, run on TF by tests/record_tf_pool3d.py and on minitf by
tests/test_pool3d.py. Each takes the tf module and returns plain values."""

import numpy as np

RNG = np.random.RandomState(11)
X5 = RNG.randn(2, 5, 4, 6, 3).astype(np.float32)
TIES = np.array([1, 3, 3, 2, 0, 3, 1, 1], np.float32).reshape(1, 2, 2, 2, 1)
X1D = RNG.randn(2, 9, 4).astype(np.float32)


def _run(tf, fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def pooling(tf):
    out = {}
    cases = [("max_valid", tf.nn.max_pool3d, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID", "NDHWC"),
             ("max_same", tf.nn.max_pool3d, [1, 3, 2, 3, 1], [1, 2, 1, 2, 1], "SAME", "NDHWC"),
             ("avg_valid", tf.nn.avg_pool3d, [1, 2, 3, 2, 1], [1, 1, 1, 2, 1], "VALID", "NDHWC"),
             ("avg_same", tf.nn.avg_pool3d, [1, 3, 3, 3, 1], [1, 2, 2, 2, 1], "SAME", "NDHWC"),
             ("max_ncdhw", tf.nn.max_pool3d, [1, 1, 2, 2, 2], [1, 1, 2, 1, 2], "SAME", "NCDHW"),
             ("avg_ncdhw", tf.nn.avg_pool3d, [1, 1, 2, 2, 2], [1, 1, 1, 2, 2], "SAME", "NCDHW")]
    for key, fn, ksize, strides, padding, fmt in cases:
        with tf.Graph().as_default():
            x = tf.constant(X5 if fmt == "NDHWC" else X5.transpose(0, 4, 1, 2, 3))
            y = fn(x, ksize, strides, padding, data_format=fmt)
            w = tf.constant(RNG.randn(*y.shape.as_list()).astype(np.float32))
            g = tf.gradients(tf.reduce_sum(y * w), x)[0]
            y_value, g_value = _run(tf, [y, g])
            out[key] = {"name": y.name, "grad_name": g.name, "grad_type": g.op.type,
                        "shape": y.shape.as_list(), "y": y_value.tolist(), "g": g_value.tolist()}
    with tf.Graph().as_default():
        x = tf.constant(TIES)
        y = tf.nn.max_pool3d(x, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID")
        g = tf.gradients(y, x)[0]
        out["ties"] = _run(tf, g).ravel().tolist()
        # MaxPool3DGrad's own gradient (MaxPool3DGradGrad): w weighs the input positions
        w = tf.constant(np.arange(1, 9, dtype=np.float32).reshape(1, 2, 2, 2, 1))
        dy = tf.ones_like(y)
        g = tf.gradients(y, x, grad_ys=dy)[0]
        out["ties_second"] = _run(tf, tf.gradients(tf.reduce_sum(g * w), dy)[0]).ravel().tolist()
    with tf.Graph().as_default():
        s = tf.nn.max_pool3d(tf.placeholder(tf.float32, [None, 5, 4, 4, 3]), 2, 2, "SAME")
        out["int_ksize_shape"] = s.shape.as_list()
    return out


def _layer_run(tf, build, x_value):
    """(variable names and shapes, output name and shape, output) with every variable set to
    a fixed function of its shape (so both frameworks hold the same weights)."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None] + list(x_value.shape[1:]))
        y = build(x)
        variables = tf.global_variables()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for v in variables:
                shape = v.shape.as_list()
                size = int(np.prod(shape))
                v.load((np.sin(np.arange(size) * 0.37 + len(shape)) * 0.5).reshape(shape)
                       .astype(np.float32), sess)
            y_value = sess.run(y, {x: x_value})
        return {"variables": [[v.name, v.shape.as_list()] for v in variables],
                "name": y.name, "shape": y.shape.as_list(), "y": y_value.tolist()}


def layers(tf):
    L = tf.layers
    return {
        "conv3d": _layer_run(tf, lambda x: L.conv3d(x, 4, 3, padding="same",
                                                    activation=tf.nn.relu), X5),
        "conv3d_strided": _layer_run(tf, lambda x: L.conv3d(x, 2, (2, 3, 2), strides=(1, 2, 2),
                                                            use_bias=False), X5),
        "conv3d_first": _layer_run(tf, lambda x: L.Conv3D(2, 2, data_format="channels_first")(
            tf.transpose(x, [0, 4, 1, 2, 3])), X5),
        "conv3d_transpose": _layer_run(tf, lambda x: L.conv3d_transpose(x, 2, 3, strides=2,
                                                                        padding="same"), X5),
        "conv3d_transpose_valid": _layer_run(tf, lambda x: L.Conv3DTranspose(
            3, (2, 2, 3), strides=(1, 2, 1))(x), X5),
        "max_pooling3d": _layer_run(tf, lambda x: L.max_pooling3d(x, 2, 2), X5),
        "average_pooling3d": _layer_run(tf, lambda x: L.AveragePooling3D(
            (2, 2, 3), (1, 2, 3), padding="same")(x), X5),
        "separable_conv1d": _layer_run(tf, lambda x: L.separable_conv1d(
            x, 5, 3, depth_multiplier=2, padding="same"), X1D),
        "separable_conv1d_strided": _layer_run(tf, lambda x: L.SeparableConv1D(
            3, 2, strides=2, use_bias=False)(x), X1D),
    }


def errors(tf):
    def err(fn):
        try:
            with tf.Graph().as_default():
                fn()
            return "ok"
        except Exception as e:  # noqa: BLE001 - the class is what is recorded
            return [type(e).__name__, str(e).splitlines()[0]]

    ph = lambda shape: tf.placeholder(tf.float32, shape)  # noqa: E731
    return {
        "ksize_length": err(lambda: tf.nn.max_pool3d(ph([1, 4, 4, 4, 1]), [1, 2, 2, 2],
                                                     [1, 1, 1, 1, 1], "VALID")),
        "rank": err(lambda: tf.nn.max_pool3d(ph([1, 4, 4, 1]), [1, 2, 2, 2, 1],
                                             [1, 1, 1, 1, 1], "VALID")),
        "too_small": err(lambda: tf.nn.avg_pool3d(ph([1, 1, 4, 4, 1]), [1, 2, 2, 2, 1],
                                                  [1, 1, 1, 1, 1], "VALID")),
        "int_input": err(lambda: tf.nn.avg_pool3d(tf.zeros([1, 4, 4, 4, 1], tf.int32),
                                                  [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID")),
        "padding": err(lambda: tf.nn.max_pool3d(ph([1, 4, 4, 4, 1]), [1, 2, 2, 2, 1],
                                                [1, 1, 1, 1, 1], "FULL")),
        "layer_rank": err(lambda: tf.layers.conv3d(ph([1, 4, 4, 1]), 2, 2)),
    }


def run_all(tf):
    return {"pooling": pooling(tf), "layers": layers(tf), "errors": errors(tf)}
