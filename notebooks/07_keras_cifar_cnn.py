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
# # A convolutional network on small colour images, with augmentation
#
# CIFAR-10's task: 32x32 colour images in ten classes. A convolutional network looks at the
# image through small filters slid over it, so a pattern learned in one place is recognised
# everywhere, with far fewer weights than a dense layer on 3,072 pixels.
#
# This notebook trains a small Keras CNN with data augmentation (`ImageDataGenerator`), then
# looks inside it: its first-layer filters, the feature maps of an image, and, through
# `K.function` and `K.gradients`, the input patterns that excite each filter most.
#
# The data is CIFAR-10 when its files are in the cache (see `minitf.datasets.cifar10`; a
# subset of it, so that the notebook runs in a minute or two on a laptop's CPU). Otherwise
# it is a generated CIFAR-style set: ten classes of shapes and textures in random colours,
# positions and sizes, on 32x32 noisy colour images.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minitf as tf
from minitf import keras
from minitf.datasets import cifar10
from minitf.keras import backend as K
from minitf.keras import layers as L
from minitf.keras.preprocessing.image import ImageDataGenerator

SHAPE_CLASSES = ['disc', 'ring', 'square', 'diamond', 'triangle', 'plus', 'cross',
                 'h-stripes', 'v-stripes', 'checkers']
SHAPES = {  # each class as a mask, from coordinates in units of the object's radius
    'disc': lambda dx, dy, d, u, v, box, f: d < 1,
    'ring': lambda dx, dy, d, u, v, box, f: (d < 1) & (d > 0.6),
    'square': lambda dx, dy, d, u, v, box, f: np.maximum(abs(dx), abs(dy)) < 0.8,
    'diamond': lambda dx, dy, d, u, v, box, f: abs(dx) + abs(dy) < 1,
    'triangle': lambda dx, dy, d, u, v, box, f: (dy < 0.7) & (abs(dx) < (dy + 1) * 0.6),
    'plus': lambda dx, dy, d, u, v, box, f: ((abs(dx) < 0.3) | (abs(dy) < 0.3)) & box,
    'cross': lambda dx, dy, d, u, v, box, f: ((abs(u) < 0.3) | (abs(v) < 0.3)) & (d < 1.1),
    'h-stripes': lambda dx, dy, d, u, v, box, f: (np.sin(dy * f) > 0) & box,
    'v-stripes': lambda dx, dy, d, u, v, box, f: (np.sin(dx * f) > 0) & box,
    'checkers': lambda dx, dy, d, u, v, box, f: ((np.sin(dx * f) > 0) ^ (np.sin(dy * f) > 0))
    & box,
}


def make_shapes(n, seed, size=32):
    """n images (uint8, n x 32 x 32 x 3) and labels (uint8, n x 1), as cifar10.load_data gives."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    center = rng.uniform(11, 21, (n, 2, 1, 1)).astype(np.float32)
    radius = rng.uniform(6, 10, (n, 1, 1)).astype(np.float32)
    dx, dy = (xx - center[:, 0]) / radius, (yy - center[:, 1]) / radius
    mask = np.zeros((n, size, size), bool)
    for k, name in enumerate(SHAPE_CLASSES):
        i = labels == k
        a, b = dx[i], dy[i]
        frequency = 2 * np.pi * radius[i] / rng.uniform(3, 5, (i.sum(), 1, 1))  # stripes
        mask[i] = SHAPES[name](a, b, np.hypot(a, b), (a + b) / np.sqrt(2), (b - a) / np.sqrt(2),
                               np.maximum(abs(a), abs(b)) < 1, frequency)
    background = rng.uniform(0, 1, (n, 1, 1, 3))
    contrast = rng.uniform(0.35, 0.6, (n, 1, 1, 3)) * rng.choice([-1, 1], (n, 1, 1, 3))
    images = np.where(mask[..., None], np.clip(background + contrast, 0, 1), background)
    images = images + rng.normal(0, 0.06, images.shape)
    return (np.clip(images, 0, 1) * 255).astype(np.uint8), labels.astype(np.uint8)[:, None]


try:
    (x_train, y_train), (x_test, y_test) = cifar10.load_data(download=False)
    SOURCE, TRAIN, EPOCHS = 'CIFAR-10 (a subset)', 4000, 10
    CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship',
               'truck']
    x_train, y_train = x_train[:TRAIN], y_train[:TRAIN]
    x_test, y_test = x_test[:1000], y_test[:1000]
except FileNotFoundError:
    SOURCE, TRAIN, EPOCHS = 'generated shapes (CIFAR-10 is not cached)', 2000, 12
    CLASSES = SHAPE_CLASSES
    (x_train, y_train), (x_test, y_test) = make_shapes(TRAIN, seed=0), make_shapes(500, seed=1)

print('data:', SOURCE)
print('train', x_train.shape, x_train.dtype, 'test', x_test.shape, 'labels', y_train.shape)
fig, axes = plt.subplots(1, 10, figsize=(12, 1.5))
for ax, image, label in zip(axes.flat, x_train, y_train[:, 0]):
    ax.imshow(image)
    ax.set_title(CLASSES[label], fontsize=9)
    ax.axis('off')
plt.show()

# %% [markdown]
# Pixels become floats centred on zero, in $[-0.5, 0.5]$, as the course does (centred inputs
# train faster); `show` undoes it for drawing. The labels stay class numbers: the loss
# `sparse_categorical_crossentropy` takes them as they are (no one-hot needed).

# %%
x_train = x_train.astype(np.float32) / 255 - 0.5
x_test = x_test.astype(np.float32) / 255 - 0.5


def show(ax, image, title=None, **title_options):
    ax.imshow(np.clip(image + 0.5, 0, 1))
    if title:
        ax.set_title(title, fontsize=8, **title_options)
    ax.axis('off')

# %% [markdown]
# ## Data augmentation
#
# With few training images a CNN soon learns them by heart. Augmentation shows it a slightly
# different version of each image every epoch: rotated by up to 10 degrees, shifted by up
# to 10% of the side, mirrored left-right. None of these change the class, so the network
# learns to ignore them. `ImageDataGenerator.flow` yields such batches forever; here is one
# image, augmented eight times.

# %%
datagen = ImageDataGenerator(rotation_range=10, width_shift_range=0.1,
                             height_shift_range=0.1, horizontal_flip=True)
np.random.seed(0)
augmented = datagen.flow(np.repeat(x_train[:1], 8, axis=0), batch_size=8, shuffle=False, seed=1)
fig, axes = plt.subplots(1, 9, figsize=(12, 1.6))
show(axes[0], x_train[0], 'original')
for ax, image in zip(axes[1:], next(augmented)):
    show(ax, image)
plt.show()

# %% [markdown]
# ## The network
#
# The course's recipe, scaled down: two blocks of 3x3 convolution, LeakyReLU and 2x2 max
# pooling (32x32 → 16x16 → 8x8, with 16 then 32 filters), then a dense layer with dropout and
# the softmax. `padding='same'` keeps the size through a convolution; pooling halves it.

# %%
def reset_tf_session():
    curr_session = tf.get_default_session()
    if curr_session is not None:
        curr_session.close()
    K.clear_session()
    s = tf.InteractiveSession()
    K.set_session(s)
    return s


s = reset_tf_session()
tf.set_random_seed(0)
np.random.seed(0)

model = keras.Sequential([
    L.Conv2D(16, 3, padding='same', input_shape=(32, 32, 3), name='conv1'),
    L.LeakyReLU(0.1),
    L.MaxPooling2D(2),
    L.Conv2D(32, 3, padding='same', name='conv2'),
    L.LeakyReLU(0.1),
    L.MaxPooling2D(2),
    L.Flatten(),
    L.Dense(64),
    L.LeakyReLU(0.1),
    L.Dropout(0.5),
    L.Dense(10, activation='softmax'),
])
model.summary()

# %% [markdown]
# ## Training on augmented batches
#
# `fit_generator` takes the endless generator, and `steps_per_epoch` says how many batches
# make an epoch; the test set, not augmented, is the validation data. `verbose=2` prints one
# line per epoch.

# %%
model.compile(keras.optimizers.Adam(2e-3), 'sparse_categorical_crossentropy',
              metrics=['accuracy'])
history = model.fit_generator(datagen.flow(x_train, y_train, batch_size=32, seed=0),
                              steps_per_epoch=len(x_train) // 32, epochs=EPOCHS,
                              validation_data=(x_test, y_test), verbose=2)

fig, axes = plt.subplots(1, 2, figsize=(10, 3))
for ax, what in zip(axes, ('loss', 'acc')):
    ax.plot(history.history[what], label='train (augmented)')
    ax.plot(history.history['val_' + what], label='test')
    ax.set_xlabel('epoch')
    ax.set_ylabel(what)
    ax.grid(alpha=0.3)
    ax.legend()
plt.show()

# %% [markdown]
# ## What it gets right and wrong
#
# The confusion matrix: row = true class, column = predicted class; a perfect classifier
# has everything on the diagonal.

# %%
probabilities = model.predict(x_test)
predicted = probabilities.argmax(axis=1)
test_acc = np.mean(predicted == y_test[:, 0])
print('test accuracy: %.4f (chance: 0.1)' % test_acc)

confusion = np.zeros((10, 10), int)
np.add.at(confusion, (y_test[:, 0], predicted), 1)
fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), gridspec_kw={'width_ratios': [1, 1.4]})
axes[0].imshow(confusion, cmap='Blues')
axes[0].set_xticks(range(10))
axes[0].set_xticklabels(CLASSES, rotation=90, fontsize=8)
axes[0].set_yticks(range(10))
axes[0].set_yticklabels(CLASSES, fontsize=8)
axes[0].set_xlabel('predicted')
axes[0].set_ylabel('true')
for (i, j), count in np.ndenumerate(confusion):
    if count:
        axes[0].text(j, i, count, ha='center', va='center', fontsize=7)
axes[1].axis('off')
for k in range(12):
    ok = predicted[k] == y_test[k, 0]
    show(fig.add_subplot(3, 8, 8 * (k // 4) + 5 + k % 4), x_test[k],
         '%s %.0f%%' % (CLASSES[predicted[k]], 100 * probabilities[k].max()),
         color='green' if ok else 'red')
plt.show()

# %% [markdown]
# ## Looking inside: filters and feature maps
#
# The first layer's sixteen 3x3x3 kernels can be drawn directly as tiny colour images (each
# scaled to the full colour range): they respond to colour edges and spots.
#
# To see what a layer computes for an image, `K.function` turns tensors of the graph into a
# Python function: from the model's input (and the learning phase: 0, the test behaviour) to
# the first convolution's output, the sixteen feature maps.

# %%
kernels = model.get_layer('conv1').get_weights()[0]          # (3, 3, 3, 16)
fig, axes = plt.subplots(1, 16, figsize=(12, 1))
for k, ax in enumerate(axes):
    w = kernels[..., k]
    ax.imshow((w - w.min()) / (w.max() - w.min() + 1e-8))
    ax.axis('off')
plt.suptitle('conv1 kernels', y=1.1)
plt.show()

feature_maps = K.function([model.input, K.learning_phase()],
                          [model.get_layer('conv1').output])
maps = feature_maps([x_test[:1], 0])[0][0]                     # (32, 32, 16)
fig, axes = plt.subplots(1, 17, figsize=(13, 1))
show(axes[0], x_test[0])
for k, ax in enumerate(axes[1:]):
    ax.imshow(maps[..., k], cmap='viridis')
    ax.axis('off')
plt.suptitle('a test image and its 16 conv1 feature maps', y=1.1)
plt.show()

# %% [markdown]
# ## The patterns a filter looks for
#
# Which input excites a filter most? Ask the graph: the mean activation of filter $k$ of
# `conv2` is a tensor, `K.gradients` gives its gradient with respect to the input image, and
# `K.function` makes a step of *gradient ascent on the image* (the weights stay fixed).
# Starting from grey noise, twenty normalised steps grow the patterns each filter responds to.

# %%
conv2 = model.get_layer('conv2').output
filter_index = tf.placeholder(tf.int32, ())
activation = K.mean(tf.gather(conv2, filter_index, axis=3))
gradient = K.gradients(activation, model.input)[0]
gradient = gradient / (K.sqrt(K.mean(K.square(gradient))) + 1e-5)   # a step of fixed size
ascent_step = K.function([model.input, filter_index], [activation, gradient])

rng = np.random.default_rng(0)
patterns, growth = [], []
for k in range(16):
    image = 0.05 * rng.standard_normal((1, 32, 32, 3)).astype(np.float32)
    start, _ = ascent_step([image, k])
    for _ in range(20):
        value, grad = ascent_step([image, k])
        image = np.clip(image + 0.03 * grad, -0.5, 0.5)
    end, _ = ascent_step([image, k])
    patterns.append(image[0])
    growth.append(end - start)
print('mean activation of the 16 conv2 filters, increase by the ascent: %.3f (min %.3f)'
      % (np.mean(growth), np.min(growth)))

fig, axes = plt.subplots(2, 8, figsize=(12, 3.2))
for k, (ax, image) in enumerate(zip(axes.flat, patterns)):
    ax.imshow((image - image.min()) / (image.max() - image.min() + 1e-8))
    ax.set_title('filter %d' % k, fontsize=8)
    ax.axis('off')
plt.suptitle('inputs that excite conv2 filters most', y=1.0)
plt.show()
