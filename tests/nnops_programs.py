"""Programs run by both tests/record_tf_nnops.py (under TensorFlow) and tests/nn/test_nnops.py
(under minitf): each takes the `tf` module to build with."""


def every_new_op(tf):
    """A graph holding every op type of tests/nn/test_nnops*.py and their gradient ops; returns
    the graph (built in a new graph of `tf`)."""
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [1, 8, 8, 2])
        f = tf.placeholder(tf.float32, [2, 2, 2])
        mn, mx = tf.placeholder(tf.float32, []), tf.placeholder(tf.float32, [2])
        outs = [tf.nn.dilation2d(x, f, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
                tf.nn.fractional_max_pool(x, [1, 1.5, 1.5, 1])[0],
                tf.nn.fractional_avg_pool(x, [1, 1.5, 1.5, 1])[0],
                tf.image.extract_glimpse(x, [3, 3], tf.zeros([1, 2])),
                tf.fake_quant_with_min_max_args(x), tf.fake_quant_with_min_max_vars(x, mn, mn),
                tf.fake_quant_with_min_max_vars_per_channel(x, mx, mx), tf.guarantee_const(x),
                tf.linalg.tridiagonal_solve(tf.ones([3, 4]), tf.ones([4, 1])),
                tf.linalg.tridiagonal_matmul(tf.ones([3, 4]), tf.ones([4, 1])),
                tf.extract_volume_patches(tf.ones([1, 3, 3, 3, 1]), [1, 2, 2, 2, 1],
                                          [1, 1, 1, 1, 1], "VALID")]
        tf.gradients(outs[:3] + outs[4:7], [x, f, mn, mx])
    return g


def space_to_batch_graph(tf, w):
    """with_space_to_batch around a convolution with filter `w` and a max pool, at several
    rates and paddings, in the current graph of `tf`: (input placeholder, {name: output},
    gradient of conv_same with respect to the input)."""
    xt = tf.placeholder(tf.float32, [None, 9, 8, 2])
    conv = lambda inp, num_spatial_dims, padding: tf.nn.convolution(  # noqa: E731
        inp, tf.constant(w), padding)
    pool = lambda inp, num_spatial_dims, padding: tf.nn.pool(  # noqa: E731
        inp, [2, 3], "MAX", padding)
    ys = dict(
        conv_same=tf.nn.with_space_to_batch(xt, [2, 3], "SAME", conv, filter_shape=[3, 2]),
        conv_valid=tf.nn.with_space_to_batch(xt, [2, 2], "VALID", conv),
        pool_same=tf.nn.with_space_to_batch(xt, [3, 2], "SAME", pool, filter_shape=[2, 3]),
        rate_one=tf.nn.with_space_to_batch(xt, [1, 1], "SAME", conv))
    return xt, ys, tf.gradients(ys["conv_same"], xt)[0]
