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


NAMES = ("anna bella clara diana elena fiona grace hanna irene julia karen laura maria nadia "
         "olivia paula rosa sara tina ursula vera wanda xenia yvonne zara alina berta carla "
         "dora emma frida greta helga ilona jana kira lena mona nina").split()
ALPHABET = "^.abcdefghijklmnopqrstuvwxyz"  # '^' starts a name, '.' ends it


def test_character_rnn_learns_names_and_samples_them_with_a_while_loop():
    ids = {c: i for i, c in enumerate(ALPHABET)}
    longest = max(len(n) for n in NAMES) + 1
    x = np.zeros((len(NAMES), longest), np.int32)
    y = np.zeros((len(NAMES), longest), np.int32)
    lengths = np.array([len(n) + 1 for n in NAMES], np.int32)
    for r, name in enumerate(NAMES):
        x[r, :len(name) + 1] = [ids[c] for c in "^" + name]
        y[r, :len(name) + 1] = [ids[c] for c in name + "."]

    tf.set_random_seed(1)
    chars = tf.placeholder(tf.int32, [None, None])
    targets = tf.placeholder(tf.int32, [None, None])
    seq_len = tf.placeholder(tf.int32, [None])
    embeddings = tf.get_variable("embeddings", [len(ALPHABET), 16])
    cell = tf.nn.rnn_cell.LSTMCell(64)
    outputs, _ = tf.nn.dynamic_rnn(cell, tf.nn.embedding_lookup(embeddings, chars),
                                   sequence_length=seq_len, dtype=tf.float32)
    softmax_w = tf.get_variable("softmax_w", [64, len(ALPHABET)])
    softmax_b = tf.get_variable("softmax_b", [len(ALPHABET)], initializer=tf.zeros_initializer())
    logits = tf.tensordot(outputs, softmax_w, 1) + softmax_b
    mask = tf.sequence_mask(seq_len, tf.shape(chars)[1], dtype=tf.float32)
    xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
    loss = tf.reduce_sum(xent * mask) / tf.reduce_sum(mask)
    train = tf.train.AdamOptimizer(0.02).minimize(loss)

    # Sampling: feed one character at a time through the same cell inside a tf.while_loop,
    # drawing the next from the softmax until '.' or 12 characters.
    def step(i, c, h, char, name):
        out, state = cell(tf.nn.embedding_lookup(embeddings, char), (c, h))
        nxt = tf.cast(tf.multinomial(tf.matmul(out, softmax_w) + softmax_b, 1, seed=5)[:, 0],
                      tf.int32)
        return i + 1, state.c, state.h, nxt, tf.concat([name, nxt], 0)

    def going(i, c, h, char, name):
        return tf.logical_and(i < 12, tf.not_equal(char[0], ids["."]))

    zero = cell.zero_state(1, tf.float32)
    _, _, _, _, sampled = tf.while_loop(
        going, step, [tf.constant(0), zero.c, zero.h, tf.constant([ids["^"]]),
                      tf.zeros([0], tf.int32)],
        shape_invariants=[tf.TensorShape([]), zero.c.shape, zero.h.shape, tf.TensorShape([1]),
                          tf.TensorShape([None])])

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {chars: x, targets: y, seq_len: lengths}
        first = sess.run(loss, feed)
        for _ in range(150):
            sess.run(train, feed)
        final = sess.run(loss, feed)
        samples = ["".join(ALPHABET[i] for i in sess.run(sampled)) for _ in range(20)]
    # ln(28) = 3.33 at the start; about 0.5 is the floor (the first letter is a guess)
    assert first > 3.0 and final < 0.8, (first, final)
    names = [s[:-1] for s in samples if s.endswith(".")]
    assert len(names) >= 15  # most samples end with '.' within 12 characters
    assert sum(n in NAMES for n in names) >= 8, samples  # the net learned the list
    assert len(set(samples)) > 1  # sampling draws, it does not always take the maximum
