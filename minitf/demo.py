"""The main job: a TF1-style 2-hidden-layer MLP trained on the bundled 8x8 UCI digits, written
exactly as a TF1 user would write it (the code is the documentation)."""

import os
import time

import numpy as np

import minitf as tf
from minitf.datasets import load_digits


def train_digits(epochs=40, batch_size=32, learning_rate=1e-3, hidden=128, seed=0,
                 logdir="logs", verbose=True):
    """Trains the classifier, logging to TensorBoard under `logdir/<run>`; returns the final
    test accuracy."""
    say = print if verbose else (lambda *a, **k: None)
    (x_train, y_train), (x_test, y_test) = load_digits(seed=seed)
    say("digits: %d training and %d test images of 8x8 pixels" % (len(x_train), len(x_test)))

    tf.reset_default_graph()
    tf.set_random_seed(seed)
    x = tf.placeholder(tf.float32, (None, 64), name="x")
    y = tf.placeholder(tf.int64, (None,), name="y")
    h1 = tf.layers.dense(x, hidden, activation=tf.nn.relu, name="hidden1")
    h2 = tf.layers.dense(h1, hidden, activation=tf.nn.relu, name="hidden2")
    logits = tf.layers.dense(h2, 10, name="logits")
    with tf.name_scope("cross_entropy"):
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    with tf.name_scope("evaluation"):
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, axis=1), y), tf.float32))
    global_step = tf.train.get_or_create_global_step()
    step = tf.train.AdamOptimizer(learning_rate).minimize(loss, global_step=global_step)

    scalars = tf.summary.merge([tf.summary.scalar("loss", loss),
                                tf.summary.scalar("accuracy", accuracy)])
    for v in tf.trainable_variables():
        tf.summary.histogram(v.op.name, v)
    everything = tf.summary.merge_all()

    # Two runs side by side, as TF1 tutorials do: TensorBoard overlays train and test curves.
    run_dir = os.path.join(logdir, time.strftime("digits-%Y%m%d-%H%M%S"))
    rng = np.random.default_rng(seed)
    with tf.Session() as sess, \
            tf.summary.FileWriter(os.path.join(run_dir, "train"), sess.graph) as train_writer, \
            tf.summary.FileWriter(os.path.join(run_dir, "test")) as test_writer:
        sess.run(tf.global_variables_initializer())
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(x_train))
            losses = []
            for start in range(0, len(order), batch_size):
                batch = order[start:start + batch_size]
                _, batch_loss = sess.run([step, loss], {x: x_train[batch], y: y_train[batch]})
                losses.append(batch_loss)
            n = sess.run(global_step)
            summary, train_acc = sess.run([everything, accuracy], {x: x_train, y: y_train})
            train_writer.add_summary(summary, n)
            summary, test_acc = sess.run([scalars, accuracy], {x: x_test, y: y_test})
            test_writer.add_summary(summary, n)
            say("epoch %3d  loss %.4f  train accuracy %.4f  test accuracy %.4f"
                % (epoch, float(np.mean(losses)), train_acc, test_acc))
    say("final test accuracy: %.4f" % test_acc)
    say("TensorBoard logs written to %s; view them with:\n    tensorboard --logdir %s"
        % (run_dir, logdir))
    return float(test_acc)
