"""The classic TF1 "Deep MNIST for experts" program (conv -> pool -> conv -> pool -> fc ->
dropout -> softmax, written with tf.nn and tf.Variable) runs unchanged on the bundled digits,
upsampled to 28x28 with tf.image and served by TF1's input_data DataSet."""

import numpy as np
import pytest

import minitf as tf
from minitf.datasets import load_digits
from minitf.examples.tutorials.mnist import input_data

pytestmark = pytest.mark.usefixtures("fresh_graph")


def deep_mnist(tf, mnist, steps, log):
    """The tutorial's program as TF1 users wrote it; only the step count is a parameter."""

    def weight_variable(shape):
        initial = tf.truncated_normal(shape, stddev=0.1)
        return tf.Variable(initial)

    def bias_variable(shape):
        initial = tf.constant(0.1, shape=shape)
        return tf.Variable(initial)

    def conv2d(x, W):
        return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')

    def max_pool_2x2(x):
        return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')

    x = tf.placeholder(tf.float32, shape=[None, 784])
    y_ = tf.placeholder(tf.float32, shape=[None, 10])

    W_conv1 = weight_variable([5, 5, 1, 32])
    b_conv1 = bias_variable([32])
    x_image = tf.reshape(x, [-1, 28, 28, 1])
    h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
    h_pool1 = max_pool_2x2(h_conv1)

    W_conv2 = weight_variable([5, 5, 32, 64])
    b_conv2 = bias_variable([64])
    h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
    h_pool2 = max_pool_2x2(h_conv2)

    W_fc1 = weight_variable([7 * 7 * 64, 1024])
    b_fc1 = bias_variable([1024])
    h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
    h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)

    keep_prob = tf.placeholder(tf.float32)
    h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

    W_fc2 = weight_variable([1024, 10])
    b_fc2 = bias_variable([10])
    y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2

    cross_entropy = tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
    train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)
    correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(steps):
            batch = mnist.train.next_batch(50)
            if i % 100 == 0:
                train_accuracy = accuracy.eval(feed_dict={
                    x: batch[0], y_: batch[1], keep_prob: 1.0})
                log.append('step %d, training accuracy %g' % (i, train_accuracy))
            train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})
        return accuracy.eval(feed_dict={
            x: mnist.test.images, y_: mnist.test.labels, keep_prob: 1.0})


def digits_as_mnist():
    """The 8x8 digits upsampled to 28x28 uint8 images (tf.image.resize_bilinear), as
    input_data's Datasets with one-hot labels."""
    (xtr, ytr), (xte, yte) = load_digits()
    with tf.Graph().as_default():
        small = tf.placeholder(tf.float32, [None, 8, 8, 1])
        big = tf.image.convert_image_dtype(tf.image.resize_bilinear(
            small, [28, 28], half_pixel_centers=True), tf.uint8, saturate=True)
        with tf.Session() as sess:
            train, test = (sess.run(big, {small: x.reshape(-1, 8, 8, 1)}) for x in (xtr, xte))
    one_hot = input_data.dense_to_one_hot
    return input_data.Datasets(
        train=input_data.DataSet(train, one_hot(ytr), one_hot=True, seed=0),
        validation=input_data.DataSet(test[:50], one_hot(yte[:50]), one_hot=True),
        test=input_data.DataSet(test, one_hot(yte), one_hot=True))


def test_deep_mnist_program_runs_unchanged_and_learns():
    mnist = digits_as_mnist()
    assert mnist.train.images.shape[1:] == (784,) and mnist.test.labels.shape[1:] == (10,)
    tf.set_random_seed(0)
    log = []
    accuracy = deep_mnist(tf, mnist, 121, log)
    assert [line.split(",")[0] for line in log] == ["step 0", "step 100"]
    assert accuracy > 0.85  # chance is 0.1 (0.947 here); the tutorial's 20000 steps: ~0.99
