"""Records TensorFlow's static output shapes of conv2d / depthwise_conv2d / max_pool / avg_pool /
conv1d for odd sizes, strides and dilations with SAME and VALID padding. Run in a venv with
TensorFlow (TF is never a minitf dependency):

    python tests/nn/record_conv_shapes.py > tests/nn/tf_conv_shapes.py

It prints CASES = [(kind, input shape, window/filter shape, strides, dilations, padding,
TF's output shape or None when TF rejects the case)], which tests/nn/test_conv.py replays.
"""

import itertools


def cases():
    for size, k, s, d, pad in itertools.product((5, 6, 7, 9), (1, 2, 3), (1, 2, 3), (1, 2),
                                                ("SAME", "VALID")):
        if s > 1 and d > 1:
            continue  # TF's CPU kernels do not run strided and dilated convolutions together
        yield "conv2d", [2, size, size + 1, 3], [k, k + 1, 3, 4], [1, s, s, 1], [1, d, d, 1], pad
        yield "depthwise_conv2d", [2, size, size, 3], [k, k, 3, 2], [1, s, 1, 1], \
            [1, 1, 1, 1], pad
        if d == 1:
            yield "max_pool", [2, size, size + 2, 3], [1, k, k + 1, 1], [1, s, s, 1], None, pad
            yield "avg_pool", [2, size, size, 3], [1, k + 1, k, 1], [1, 1, s, 1], None, pad
            yield "conv1d", [2, size, 3], [k, 3, 4], s, None, pad


def main():
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    out = []
    for kind, x, w, s, d, pad in cases():
        with tf.Graph().as_default():
            xt = tf.placeholder(tf.float32, x)
            try:
                if kind == "conv2d":
                    y = tf.nn.conv2d(xt, tf.placeholder(tf.float32, w), s, pad, dilations=d)
                elif kind == "depthwise_conv2d":
                    y = tf.nn.depthwise_conv2d(xt, tf.placeholder(tf.float32, w), s, pad)
                elif kind == "conv1d":
                    y = tf.nn.conv1d(xt, tf.placeholder(tf.float32, w), s, pad)
                else:
                    y = getattr(tf.nn, kind)(xt, w, s, pad)
                shape = y.shape.as_list()
            except ValueError:
                shape = None
        out.append((kind, x, w, s, d, pad, shape))
    print('"""TensorFlow 2.21 (compat.v1) static output shapes, recorded by '
          'record_conv_shapes.py."""\n')
    print("CASES = [")
    for case in out:
        print("    %r," % (case,))
    print("]")


if __name__ == "__main__":
    main()
