# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Classifying handwritten digits
#
# Logistic regression, then a linear softmax classifier, then a multilayer perceptron, all
# trained in mini-batches with training curves drawn while they train. The data is MNIST when
# its files are in the cache folder (`~/.minitf/datasets/mnist` or `$MINITF_DATA/mnist`, see
# `minitf.datasets.mnist`), and otherwise the 8x8 digits that ship with minitf, so this
# notebook runs offline.

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import minitf as tf
from minitf.datasets import digits, mnist

try:
    (x_train, y_train), (x_test, y_test) = mnist.load_data(download=False)
    SOURCE, SIDE = 'MNIST', 28
    x_train = x_train.reshape(-1, 784).astype(np.float32) / 255
    x_test = x_test.reshape(-1, 784).astype(np.float32) / 255
    y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)
    x_train, x_val = x_train[:-10000], x_train[-10000:]
    y_train, y_val = y_train[:-10000], y_train[-10000:]
    EPOCHS, BATCH, HIDDEN = 6, 128, 256
except FileNotFoundError:
    SOURCE, SIDE = 'the bundled 8x8 digits (MNIST is not in the cache)', 8
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = digits.load_data()
    EPOCHS, BATCH, HIDDEN = 40, 32, 128

FEATURES = x_train.shape[1]
print('data:', SOURCE)
print('train', x_train.shape, 'validation', x_val.shape, 'test', x_test.shape)

fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
for ax, image, label in zip(axes, x_train, y_train):
    ax.imshow(image.reshape(SIDE, SIDE), cmap='gray_r')
    ax.set_title(str(label))
    ax.axis('off')
plt.show()

# %% [markdown]
# Two helpers: shuffled mini-batches, and a figure that redraws itself in place while a model
# trains (`display(..., display_id=True)` then `update`).

# %%
def batches(x, y, size, rng):
    order = rng.permutation(len(x))
    for start in range(0, len(x), size):
        idx = order[start:start + size]
        yield x[idx], y[idx]


class LiveCurves:
    """Loss and accuracy per epoch, redrawn in the notebook as the model trains."""

    def __init__(self, title, every=1):
        self.history = {'train loss': [], 'val loss': [], 'train acc': [], 'val acc': []}
        self.every = every
        self.fig, self.axes = plt.subplots(1, 2, figsize=(10, 3))
        self.fig.suptitle(title)
        self.lines = {}
        for ax, what in zip(self.axes, ('loss', 'acc')):
            for split in ('train', 'val'):
                self.lines['%s %s' % (split, what)], = ax.plot([], [], label=split)
            ax.set_xlabel('epoch')
            ax.set_ylabel('accuracy' if what == 'acc' else what)
            ax.grid(alpha=0.3)
            ax.legend()
        self.handle = display(self.fig, display_id=True)
        plt.close(self.fig)

    def update(self, **values):
        for key, value in values.items():
            self.history[key.replace('_', ' ')].append(value)
        for key, line in self.lines.items():
            line.set_data(range(len(self.history[key])), self.history[key])
        for ax in self.axes:
            ax.relim()
            ax.autoscale_view()
        if self.handle is not None and len(self.history['val acc']) % self.every == 0:
            self.handle.update(self.fig)

    def close(self):
        if self.handle is not None:
            self.handle.update(self.fig)

# %% [markdown]
# ## Logistic regression: is it a 3 or an 8?
#
# One weight vector and a bias; the probability of "8" is $\sigma(x \cdot w + b)$, trained
# with the log loss by mini-batch gradient descent.

# %%
tf.reset_default_graph()
tf.set_random_seed(0)
pair = lambda y: (y == 3) | (y == 8)
xb_train, yb_train = x_train[pair(y_train)], (y_train[pair(y_train)] == 8).astype(np.float32)
xb_val, yb_val = x_val[pair(y_val)], (y_val[pair(y_val)] == 8).astype(np.float32)

X = tf.placeholder(tf.float32, (None, FEATURES), name='X')
y = tf.placeholder(tf.float32, (None,), name='y')
w = tf.Variable(tf.zeros((FEATURES, 1)), name='w')
b = tf.Variable(0.0, name='b')
logit = tf.squeeze(tf.matmul(X, w), axis=1) + b
probability = tf.sigmoid(logit)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logit))
accuracy = tf.reduce_mean(tf.cast(tf.equal(probability > 0.5, y > 0.5), tf.float32))
step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

rng = np.random.default_rng(0)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(10):
        for xb, yb in batches(xb_train, yb_train, BATCH, rng):
            sess.run(step, {X: xb, y: yb})
    logistic_acc = sess.run(accuracy, {X: xb_val, y: yb_val})
    weights = sess.run(w)
print('logistic regression, 3 vs 8, validation accuracy: %.4f' % logistic_acc)

plt.figure(figsize=(2.5, 2.5))
plt.imshow(weights.reshape(SIDE, SIDE), cmap='RdBu')
plt.title('weights: red=3, blue=8', fontsize=9)
plt.axis('off')
plt.show()

# %% [markdown]
# ## A linear softmax classifier for all ten digits
#
# `get_variable` for the weights, `softmax_cross_entropy_with_logits` for the loss, `argmax`
# for the predicted class, Adam for the updates, and TensorBoard summaries of each epoch
# (`tensorboard --logdir logs`).

# %%
def train(build_logits, title, logdir, epochs, learning_rate):
    """Trains `build_logits(X)` with Adam, drawing live curves and writing TensorBoard logs;
    returns the validation accuracy and the test set's predictions."""
    tf.reset_default_graph()
    tf.set_random_seed(0)
    X = tf.placeholder(tf.float32, (None, FEATURES), name='X')
    y = tf.placeholder(tf.int64, (None,), name='y')
    logits = build_logits(X)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.one_hot(y, 10), logits=logits), name='loss')
    predicted = tf.argmax(logits, axis=1)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32), name='accuracy')
    step = tf.train.AdamOptimizer(learning_rate).minimize(loss)
    tf.summary.scalar('loss', loss)
    tf.summary.scalar('accuracy', accuracy)
    summaries = tf.summary.merge_all()

    curves = LiveCurves(title, every=max(1, epochs // 10))
    rng = np.random.default_rng(0)
    with tf.Session() as sess:
        writers = {split: tf.summary.FileWriter('%s/%s' % (logdir, split), sess.graph)
                   for split in ('train', 'val')}
        sess.run(tf.global_variables_initializer())
        for epoch in range(epochs):
            for xb, yb in batches(x_train, y_train, BATCH, rng):
                sess.run(step, {X: xb, y: yb})
            values = {}
            for split, (xs, ys) in (('train', (x_train, y_train)), ('val', (x_val, y_val))):
                l, a, s = sess.run([loss, accuracy, summaries], {X: xs, y: ys})
                writers[split].add_summary(s, epoch)
                values['%s_loss' % split], values['%s_acc' % split] = l, a
            curves.update(**values)
        for writer in writers.values():
            writer.close()
        curves.close()
        test_predictions = sess.run(predicted, {X: x_test})
    print('%s: validation accuracy %.4f after %d epochs'
          % (title, curves.history['val acc'][-1], epochs))
    return curves.history['val acc'][-1], test_predictions


def linear(X):
    W = tf.get_variable('W', shape=(FEATURES, 10), initializer=tf.zeros_initializer())
    b = tf.get_variable('b', shape=(10,), initializer=tf.zeros_initializer())
    return tf.matmul(X, W) + b


softmax_acc, _ = train(linear, 'linear softmax', 'logs/softmax', epochs=EPOCHS // 2,
                       learning_rate=1e-2)

# %% [markdown]
# ## A multilayer perceptron
#
# Two hidden layers of ReLU units (`tf.layers.dense`), then the ten logits. The hidden layers
# let the model build its own features, which a linear classifier cannot.

# %%
def mlp(X):
    hidden1 = tf.layers.dense(X, HIDDEN, activation=tf.nn.relu, name='hidden1')
    hidden2 = tf.layers.dense(hidden1, HIDDEN, activation=tf.nn.relu, name='hidden2')
    return tf.layers.dense(hidden2, 10, name='logits')


mlp_acc, test_predictions = train(mlp, 'MLP', 'logs/mlp', epochs=EPOCHS, learning_rate=2e-3)
test_acc = np.mean(test_predictions == y_test)
print('MLP test accuracy: %.4f' % test_acc)
print('TensorBoard logs:', {run: sorted(os.listdir('logs/' + run)) for run in os.listdir('logs')})

# %% [markdown]
# ## What the MLP gets wrong
#
# Misclassified test images, with the true label and the prediction.

# %%
wrong = np.flatnonzero(test_predictions != y_test)
print('%d of %d test images misclassified' % (len(wrong), len(y_test)))
shown = wrong[:12]
fig, axes = plt.subplots(1, max(len(shown), 1), figsize=(1.2 * max(len(shown), 1), 1.8),
                         squeeze=False)
for ax, i in zip(axes[0], shown):
    ax.imshow(x_test[i].reshape(SIDE, SIDE), cmap='gray_r')
    ax.set_title('%d → %d' % (y_test[i], test_predictions[i]), fontsize=9)
for ax in axes[0]:
    ax.axis('off')
plt.show()
