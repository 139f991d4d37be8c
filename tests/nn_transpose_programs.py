"""Programs for tf.nn's transposed and atrous convolutions, depthwise backprop functions and
batch_norm_with_global_normalization, run on TF by tests/record_tf_nn_transpose.py and on
minitf by tests/test_nn_transpose.py."""

import numpy as np

RNG = np.random.RandomState(5)
X1 = RNG.randn(2, 7, 3).astype(np.float32)
W1 = RNG.randn(3, 4, 3).astype(np.float32)
X2 = RNG.randn(2, 7, 6, 3).astype(np.float32)
W2 = RNG.randn(3, 3, 4, 3).astype(np.float32)
W2D = RNG.randn(3, 3, 3, 2).astype(np.float32)
DY2D = RNG.randn(2, 7, 6, 6).astype(np.float32)
X3 = RNG.randn(1, 4, 5, 3, 2).astype(np.float32)
W3 = RNG.randn(2, 2, 2, 3, 2).astype(np.float32)
STATS = [RNG.randn(3).astype(np.float32), (RNG.rand(3) + 0.5).astype(np.float32),
         RNG.randn(3).astype(np.float32), RNG.randn(3).astype(np.float32)]


def run_all(tf):
    out = {}
    with tf.Graph().as_default():
        x1, x2, x3 = tf.constant(X1), tf.constant(X2), tf.constant(X3)
        tensors = {
            "conv1d_t": tf.nn.conv1d_transpose(x1, tf.constant(W1), [2, 14, 4], 2),
            "conv1d_t_valid": tf.nn.conv1d_transpose(x1, tf.constant(W1), [2, 9, 4], 1,
                                                     padding="VALID"),
            "conv1d_t_ncw": tf.nn.conv1d_transpose(tf.transpose(x1, [0, 2, 1]),
                                                   tf.constant(W1), [2, 4, 14], 2,
                                                   data_format="NCW"),
            "conv_t_1d": tf.nn.conv_transpose(x1, tf.constant(W1), [2, 14, 4], 2),
            "conv_t_2d": tf.nn.conv_transpose(x2, tf.constant(W2), [2, 14, 12, 4], 2),
            "conv_t_3d": tf.nn.conv_transpose(x3, tf.constant(W3), [1, 8, 10, 6, 3], 2),
            "atrous_t_same": tf.nn.atrous_conv2d_transpose(x2, tf.constant(W2), [2, 7, 6, 4], 2,
                                                           "SAME"),
            "atrous_t_valid": tf.nn.atrous_conv2d_transpose(x2, tf.constant(W2),
                                                            [2, 11, 10, 4], 2, "VALID"),
            "atrous_t_rate1": tf.nn.atrous_conv2d_transpose(x2, tf.constant(W2), [2, 7, 6, 4],
                                                            1, "SAME"),
            "dw_input": tf.nn.depthwise_conv2d_native_backprop_input(
                [2, 7, 6, 3], tf.constant(W2D), tf.constant(DY2D), [1, 1, 1, 1], "SAME"),
            "dw_filter": tf.nn.depthwise_conv2d_backprop_filter(
                x2, [3, 3, 3, 2], tf.constant(DY2D), [1, 1, 1, 1], "SAME"),
            "dw_input_v1": tf.nn.depthwise_conv2d_backprop_input(
                [2, 7, 6, 3], tf.constant(W2D), tf.constant(DY2D), [1, 1, 1, 1], "SAME"),
            "bn_global": tf.nn.batch_norm_with_global_normalization(
                x2, *[tf.constant(s) for s in STATS], 1e-3, True),
            "bn_global_noscale": tf.nn.batch_norm_with_global_normalization(
                input=x2, mean=tf.constant(STATS[0]), variance=tf.constant(STATS[1]),
                beta=tf.constant(STATS[2]), gamma=tf.constant(STATS[3]), variance_epsilon=1e-3,
                scale_after_normalization=False),
        }
        with tf.Session() as sess:
            values = sess.run(tensors)
        for key, t in tensors.items():
            out[key] = {"shape": t.shape.as_list(), "value": values[key].tolist()}
        out["names"] = {k: tensors[k].name for k in ("conv1d_t", "conv_t_1d", "conv_t_2d",
                                                      "dw_input", "dw_filter", "bn_global")}
    return out
