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
# # Digits with Keras: a multilayer perceptron in ten lines
#
# Notebook 04 wrote its MLP with placeholders, `tf.layers.dense`, a loss, an optimizer and a
# loop over mini-batches. Keras packs all of that into a few objects: a `Sequential` stack of
# layers, `compile` (loss, optimizer, metrics) and `fit` (the loop, with a progress bar).
#
# `minitf.keras` (also `tf.keras`) is Keras 2 as TensorFlow 1.x shipped it: its layers make
# ordinary minitf variables and ops in the default graph, and it runs them in a minitf
# session. So nothing here is new machinery: it is notebook 04's graph, written for you.
#
# The data is MNIST when its files are in the cache folder (see `minitf.datasets.mnist`),
# otherwise the 8x8 digits that ship with minitf, so the notebook runs offline.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import minitf as tf
from minitf import keras
from minitf.keras import backend as K
from minitf.keras import layers as L
from minitf.datasets import digits, mnist

try:
    (x_train, y_train), (x_test, y_test) = mnist.load_data(download=False)
    SOURCE, SIDE, EPOCHS, BATCH, HIDDEN = 'MNIST', 28, 6, 128, 256
    x_train = x_train.reshape(-1, 784).astype(np.float32) / 255
    x_test = x_test.reshape(-1, 784).astype(np.float32) / 255
    x_train, x_val = x_train[:-10000], x_train[-10000:]
    y_train, y_val = y_train[:-10000], y_train[-10000:]
except FileNotFoundError:
    SOURCE = 'the bundled 8x8 digits (MNIST is not cached)'
    SIDE, EPOCHS, BATCH, HIDDEN = 8, 40, 32, 128
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = digits.load_data()

print('data:', SOURCE)
print('train', x_train.shape, 'validation', x_val.shape, 'test', x_test.shape)

fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
for ax, image, label in zip(axes, x_train, y_train):
    ax.imshow(image.reshape(SIDE, SIDE), cmap='gray_r')
    ax.set_title(str(label))
    ax.axis('off')
plt.show()

# %% [markdown]
# Keras's `categorical_crossentropy` wants one-hot targets: `keras.utils.to_categorical` makes
# them from the labels. (`sparse_categorical_crossentropy` would take the labels as they are.)

# %%
y_train_oh = keras.utils.to_categorical(y_train, 10)
y_val_oh = keras.utils.to_categorical(y_val, 10)
y_test_oh = keras.utils.to_categorical(y_test, 10)
print(y_train[:3], '->')
print(y_train_oh[:3])

# %% [markdown]
# ## Keras shares minitf's graph and session
#
# The course starts every Keras notebook with this helper: close the old session,
# `K.clear_session()` (a fresh default graph, and Keras forgets its layer names), open a new
# `InteractiveSession` and hand it to Keras with `K.set_session`. From then on `fit`,
# `evaluate` and `predict` run in that session, and so can your own TF1 code.

# %%
def reset_tf_session():
    curr_session = tf.get_default_session()
    if curr_session is not None:
        curr_session.close()
    K.clear_session()
    config = tf.ConfigProto()
    config.gpu_options.allow_growth = True
    s = tf.InteractiveSession(config=config)
    K.set_session(s)
    return s


s = reset_tf_session()
tf.set_random_seed(0)
np.random.seed(0)  # fit shuffles with numpy's generator, as Keras does

# %% [markdown]
# ## The model
#
# Two hidden layers of ReLU units with dropout between them, and a softmax over the ten
# classes. Only the first layer needs `input_shape`: each layer knows its input from the one
# before. `summary()` prints Keras's table: each layer's output shape (`None` is the batch)
# and how many parameters it has: $784 \cdot 256 + 256$ for the first `Dense` on MNIST.

# %%
model = keras.Sequential([
    L.Dense(HIDDEN, input_shape=(x_train.shape[1],)),
    L.Activation('relu'),
    L.Dropout(0.2),
    L.Dense(HIDDEN, activation='relu'),
    L.Dense(10, activation='softmax'),
])
model.summary()

# %% [markdown]
# The layers made ordinary minitf variables, named after the layer (`dense/kernel:0`), and
# the model's output is an ordinary minitf tensor: as the last expression of a cell it draws
# its graph, like any tensor (the `dropout` scope holds the `K.learning_phase()` switch:
# dropout only while training).

# %%
print([v.name for v in tf.global_variables()])
model.output

# %% [markdown]
# ## compile and fit
#
# `compile` builds the loss, the metrics and the optimizer's update ops in the graph; `fit`
# runs the training loop: shuffle, mini-batches of `batch_size`, one `session.run` of the
# update per batch, the validation set after each epoch. With `verbose=1` Keras draws its
# progress bar, updated in place as the batches go by: the ETA, then the running loss and
# accuracy of the epoch.

# %%
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss='categorical_crossentropy',
              metrics=['accuracy'])
history = model.fit(x_train, y_train_oh, batch_size=BATCH, epochs=2, verbose=1,
                    validation_data=(x_val, y_val_oh))

# %% [markdown]
# ## Callbacks: watching it train
#
# `fit` calls its callbacks at the start and end of every epoch and batch. Here is one that
# redraws the learning curves every few epochs (in the notebook, in place). The training
# continues from where it stopped: `initial_epoch` only numbers the epochs. `verbose=0`
# silences the bar; the callback shows the progress instead.

# %%
class LiveCurves(keras.callbacks.Callback):
    """Loss and accuracy per epoch, for training and validation, redrawn as the model trains."""

    def __init__(self, history, every=1):
        super().__init__()
        self.every = every
        self.logs = {k: list(v) for k, v in history.history.items()}
        self.fig, self.axes = plt.subplots(1, 2, figsize=(10, 3))
        self.handle = display(self.fig, display_id=True)
        plt.close(self.fig)

    def on_epoch_end(self, epoch, logs=None):
        for key, value in logs.items():
            self.logs.setdefault(key, []).append(value)
        if (epoch + 1) % self.every == 0 or epoch + 1 == self.params['epochs']:
            self.draw()

    def draw(self):
        for ax, what in zip(self.axes, ('loss', 'acc')):
            ax.clear()
            ax.plot(self.logs[what], label='train')
            ax.plot(self.logs['val_' + what], label='validation')
            ax.set_xlabel('epoch')
            ax.set_ylabel(what)
            ax.grid(alpha=0.3)
            ax.legend()
        if self.handle is not None:
            self.handle.update(self.fig)


curves = LiveCurves(history, every=max(1, EPOCHS // 5))
model.fit(x_train, y_train_oh, batch_size=BATCH, epochs=EPOCHS, initial_epoch=2, verbose=0,
          validation_data=(x_val, y_val_oh), callbacks=[curves])
print('validation accuracy after %d epochs: %.4f' % (EPOCHS, curves.logs['val_acc'][-1]))

# %% [markdown]
# ## evaluate and predict
#
# `evaluate` returns the loss and the metrics on data it has not trained on; `predict` the
# softmax outputs (in the test phase: no dropout).

# %%
test_loss, test_acc = model.evaluate(x_test, y_test_oh, verbose=0)
print('test loss %.4f, test accuracy: %.4f' % (test_loss, test_acc))
predicted = model.predict(x_test).argmax(axis=1)
print('predict agrees with evaluate: %s' % np.isclose(np.mean(predicted == y_test), test_acc))

wrong = np.flatnonzero(predicted != y_test)[:12]
fig, axes = plt.subplots(1, max(len(wrong), 1), figsize=(1.2 * max(len(wrong), 1), 1.8),
                         squeeze=False)
for ax, i in zip(axes[0], wrong):
    ax.imshow(x_test[i].reshape(SIDE, SIDE), cmap='gray_r')
    ax.set_title('%d → %d' % (y_test[i], predicted[i]), fontsize=9)
for ax in axes[0]:
    ax.axis('off')
plt.suptitle('misclassified test digits: true → predicted', y=1.05)
plt.show()

# %% [markdown]
# ## Keras and TF1 code mix
#
# `model.output` is a minitf tensor, `model.input` a placeholder, and the session is the one
# we made: plain TF1 ops can use them. Here the accuracy again, computed by TF1 ops on the
# model's output. Feeding `K.learning_phase()` is optional: it defaults to the test phase.

# %%
labels = tf.placeholder(tf.int64, (None,))
correct = tf.equal(tf.argmax(model.output, axis=1), labels)
tf1_accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
value = s.run(tf1_accuracy, {model.input: x_test, labels: y_test})
print('accuracy by TF1 ops on model.output: %.4f (evaluate said %.4f)' % (value, test_acc))
