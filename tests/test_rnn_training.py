"""Recurrent networks that learn: an LSTM reading the 8x8 digits row by row (8 steps of 8
pixels) through tf.nn.dynamic_rnn."""

import numpy as np

import minitf as tf
from minitf.datasets import load_digits


def test_lstm_classifies_digits_row_by_row():
    (x_train, y_train), (x_test, y_test) = load_digits(test_fraction=0.2, seed=0)
    x_train, x_test = x_train.reshape(-1, 8, 8), x_test.reshape(-1, 8, 8)  # pixels in [0, 1]
    tf.set_random_seed(0)
    rows = tf.placeholder(tf.float32, [None, 8, 8])
    labels = tf.placeholder(tf.int64, [None])
    outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(64), rows,
                                       dtype=tf.float32)
    logits = tf.layers.dense(state.h, 10)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                         logits=logits))
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
    rng = np.random.default_rng(0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(12):
            order = rng.permutation(len(x_train))
            for i in range(0, len(order), 64):
                batch = order[i:i + 64]
                sess.run(train, {rows: x_train[batch], labels: y_train[batch]})
        acc = sess.run(accuracy, {rows: x_test, labels: y_test})
    assert acc >= 0.95, acc
