"""Records what TF 2.21 compat.v1 gives for tf.nn.conv3d (and its gradients, conv3d_transpose)
and tf.nn.max_pool_with_argmax (ties, SAME padding, -inf inputs, include_batch_in_index), for
tests/nn/test_conv3d_argmax.py (run in a throwaway venv with tensorflow-cpu; never a minitf
dependency):

    python tests/record_tf_conv3d_argmax.py > recorded.txt

TF's CPU kernels compute the dilated convolution's forward only (its gradients fail: oneDNN
finds no primitive, Eigen supports no dilation), so that case records the forward alone.

The inputs are made from numpy's RandomState(0) here and in the test alike."""

import numpy as np


def argmax_input():
    """Small integers (ties in most windows) with a window of -inf."""
    x = np.random.RandomState(0).randint(-3, 4, size=(2, 5, 6, 3)).astype(np.float32)
    x[1, 0:2, 0:2, 1] = -np.inf
    return x


ARGMAX_CASES = {  # name: (ksize, strides, padding, include_batch_in_index)
    "same_2x2": ([1, 2, 2, 1], [1, 2, 2, 1], "SAME", False),
    "same_3x3_overlapping": ([1, 3, 3, 1], [1, 1, 2, 1], "SAME", False),
    "valid_3x2_batch_index": ([1, 3, 2, 1], [1, 2, 1, 1], "VALID", True),
}


def conv3d_inputs():
    rng = np.random.RandomState(0)
    return (rng.randn(2, 4, 5, 6, 3).astype(np.float32),
            rng.randn(3, 2, 3, 3, 2).astype(np.float32))


CONV3D_CASES = {  # name: (strides, padding, dilations)
    "same_strided": ([1, 2, 1, 2, 1], "SAME", [1, 1, 1, 1, 1]),
    "valid_dilated": ([1, 1, 1, 1, 1], "VALID", [1, 1, 2, 1, 1]),
}


def run_argmax(tf, name):
    """(output, argmax, gradient) of max_pool_with_argmax case `name` in module `tf`."""
    k, s, p, batch = ARGMAX_CASES[name]
    with tf.Graph().as_default(), tf.Session() as sess:
        xt = tf.constant(argmax_input())
        y, a = tf.nn.max_pool_with_argmax(xt, k, s, p, include_batch_in_index=batch)
        dy = tf.constant(np.arange(np.prod(y.shape.as_list()), dtype=np.float32)
                         .reshape(y.shape.as_list()))
        g = tf.gradients(y, xt, grad_ys=dy)[0]
        return sess.run([y, a, g]), (g.op.type, a.dtype.name)


def run_conv3d(tf, name):
    """[output, input gradient, filter gradient, conv3d_transpose of the output gradient] of
    conv3d case `name` in module `tf`; the forward alone for a dilated case."""
    s, p, d = CONV3D_CASES[name]
    x, w = conv3d_inputs()
    with tf.Graph().as_default(), tf.Session() as sess:
        xt, wt = tf.constant(x), tf.constant(w)
        y = tf.nn.conv3d(xt, wt, s, p, dilations=d)
        if d != [1] * 5:
            return sess.run([y])
        dy = tf.constant(np.sin(np.arange(np.prod(y.shape.as_list()), dtype=np.float32))
                         .reshape(y.shape.as_list()))
        gx, gw = tf.gradients(y, [xt, wt], grad_ys=dy)
        t = tf.nn.conv3d_transpose(dy, wt, list(x.shape), s, p)
        return sess.run([y, gx, gw, t])


if __name__ == "__main__":
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    out = {}
    for name in ARGMAX_CASES:
        out["argmax/" + name] = tuple(v.tolist() for v in run_argmax(tf, name)[0])
    for name in CONV3D_CASES:
        out["conv3d/" + name] = [np.round(v.astype(np.float64), 4).tolist()
                                 for v in run_conv3d(tf, name)]
    print("RECORDED = %r" % (out,))
