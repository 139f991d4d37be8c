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
# # A generative adversarial network draws digits
#
# Two networks play a game. The *generator* turns random noise into images; the
# *discriminator* looks at an image and says how likely it is to be a real one from the
# data. The discriminator is trained to tell real from generated, the generator to fool
# it. As each gets better, the generated images come to look like the data.
#
# As in the course, the two networks are Keras models, but the game is not something `fit`
# can play: the losses are written with TF1 ops on the models' outputs, and a hand-written
# loop alternates two `tf.train.AdamOptimizer` steps, each updating only its own network's
# weights (`var_list`). The discriminator uses dropout, so every training step feeds
# `K.learning_phase(): True`; sampling leaves it at its default, the test phase.
#
# The data is MNIST when its files are in the cache (see `minitf.datasets.mnist`),
# otherwise the 8x8 digits that ship with minitf.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import minitf as tf
from minitf import keras
from minitf.datasets import digits, mnist
from minitf.keras import backend as K
from minitf.keras import layers as L

try:
    (x_train, y_train), _ = mnist.load_data(download=False)
    SOURCE, SIDE, STEPS = 'MNIST (a subset)', 28, 800
    x_train, y_train = x_train[:20000] / np.float32(255), y_train[:20000]
except FileNotFoundError:
    SOURCE, SIDE, STEPS = 'the bundled 8x8 digits (MNIST is not cached)', 8, 1000
    (x_train, y_train), (x_val, y_val), _ = digits.load_data(flatten=False)
    x_train, y_train = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])
x_train = x_train.reshape(-1, SIDE, SIDE, 1).astype(np.float32)
print('data:', SOURCE, x_train.shape)


def show_grid(ax, images, columns):
    """Images in a grid of `columns` columns, drawn as one picture on `ax`."""
    rows = -(-len(images) // columns)
    canvas = np.ones((rows * (SIDE + 1) + 1, columns * (SIDE + 1) + 1))
    for k, image in enumerate(images):
        r, c = divmod(k, columns)
        canvas[1 + r * (SIDE + 1):(r + 1) * (SIDE + 1), 1 + c * (SIDE + 1):(c + 1) * (SIDE + 1)] \
            = 1 - image.reshape(SIDE, SIDE)
    ax.imshow(canvas, cmap='gray', vmin=0, vmax=1)
    ax.axis('off')


fig, ax = plt.subplots(figsize=(8, 1.2))
show_grid(ax, x_train[:32], 32)
ax.set_title('real digits', fontsize=9)
plt.show()

# %% [markdown]
# ## The two networks
#
# The generator maps a 16-number noise vector to an image: a dense layer to a small block
# of feature maps, then two `Conv2DTranspose` layers that double the side twice, and a
# sigmoid for pixels in $[0, 1]$. The discriminator is a small multilayer perceptron ending
# in one logit: positive means "real". (A convolutional discriminator works too, at several
# times the cost per step on a CPU.)

# %%
K.clear_session()
tf.set_random_seed(0)
np.random.seed(0)
s = tf.InteractiveSession()
K.set_session(s)
CODE, QUARTER = 16, SIDE // 4

generator = keras.Sequential([
    L.Dense(QUARTER * QUARTER * 32, input_shape=(CODE,)),
    L.LeakyReLU(0.2),
    L.Reshape((QUARTER, QUARTER, 32)),
    L.Conv2DTranspose(16, 3, strides=2, padding='same'),
    L.LeakyReLU(0.2),
    L.Conv2DTranspose(1, 3, strides=2, padding='same', activation='sigmoid'),
], name='generator')

discriminator = keras.Sequential([
    L.Flatten(input_shape=(SIDE, SIDE, 1)),
    L.Dense(128),
    L.LeakyReLU(0.2),
    L.Dropout(0.3),
    L.Dense(64),
    L.LeakyReLU(0.2),
    L.Dense(1),
], name='discriminator')
generator.summary()
discriminator.summary()

# %% [markdown]
# ## The game, in TF1 ops
#
# Real images come through a placeholder, noise through another. The discriminator is
# called twice, on real and on generated images: the same layers, so the same weights.
#
# * The discriminator's loss is the cross-entropy of its answers: real images labelled 1,
#   generated ones 0.
# * The generator's loss is the cross-entropy of the discriminator's answers on generated
#   images *labelled 1*: it is rewarded when they pass as real. (Minimising
#   $-\log D(G(z))$ rather than maximising $\log(1 - D(G(z)))$ gives the generator useful
#   gradients early on, when the discriminator easily rejects its images.)
#
# Each optimizer gets `var_list`: the discriminator's step must not change the generator,
# and the other way round.

# %%
real_data = tf.placeholder(tf.float32, (None, SIDE, SIDE, 1), name='real_data')
noise = tf.placeholder(tf.float32, (None, CODE), name='noise')
generated = generator(noise)
logit_real = discriminator(real_data)
logit_generated = discriminator(generated)


def cross_entropy(logits, label):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
        labels=tf.fill(tf.shape(logits), label), logits=logits))


d_loss = cross_entropy(logit_real, 1.0) + cross_entropy(logit_generated, 0.0)
g_loss = cross_entropy(logit_generated, 1.0)
d_step = tf.train.AdamOptimizer(1e-3, beta1=0.5).minimize(
    d_loss, var_list=discriminator.trainable_weights)
g_step = tf.train.AdamOptimizer(2e-3, beta1=0.5).minimize(
    g_loss, var_list=generator.trainable_weights)
s.run(tf.global_variables_initializer())
print('discriminator variables:', len(discriminator.trainable_weights),
      '| generator variables:', len(generator.trainable_weights))

# %% [markdown]
# ## Training, with samples as it goes
#
# Each step trains the discriminator on a batch of real images and a batch of generated
# ones, then the generator once. Every so often the generator draws the same 16 noise
# vectors, and the figure below grows by one row: the digits take shape.

# %%
rng = np.random.default_rng(0)
fixed_noise = rng.standard_normal((16, CODE)).astype(np.float32)
BATCH, SNAPSHOTS = 64, 8
snapshots, losses = [], []
fig, axes = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={'width_ratios': [1.3, 1]})
handle = display(fig, display_id=True)
plt.close(fig)
for step in range(1, STEPS + 1):
    batch = x_train[rng.integers(0, len(x_train), BATCH)]
    z = rng.standard_normal((BATCH, CODE)).astype(np.float32)
    d_value, _ = s.run([d_loss, d_step], {real_data: batch, noise: z, K.learning_phase(): True})
    z = rng.standard_normal((BATCH, CODE)).astype(np.float32)
    g_value, _ = s.run([g_loss, g_step], {noise: z, K.learning_phase(): True})
    losses.append((d_value, g_value))
    if step % (STEPS // SNAPSHOTS) == 0:
        snapshots.append((step, s.run(generated, {noise: fixed_noise})))
        axes[0].clear()
        show_grid(axes[0], np.concatenate([images for _, images in snapshots]), 16)
        axes[0].set_title('generated from the same noise, one row per %d steps'
                          % (STEPS // SNAPSHOTS), fontsize=9)
        axes[1].clear()
        axes[1].plot(np.array(losses), alpha=0.6)
        axes[1].legend(['discriminator', 'generator'])
        axes[1].set_xlabel('step')
        axes[1].set_ylabel('loss')
        axes[1].grid(alpha=0.3)
        if handle is not None:
            handle.update(fig)
last = np.array(losses[-100:]).mean(axis=0)
print('last 100 steps: discriminator loss %.3f, generator loss %.3f' % tuple(last))

# %% [markdown]
# A loss that settles is not a sign of quality in a GAN: the two losses measure each
# network against the other, both moving. Neither goes to zero while the game is balanced:
# $2 \ln 2 \approx 1.39$ and $\ln 2 \approx 0.69$ are the values when the discriminator can
# only guess.
#
# ## Do the samples look like digits?
#
# A judge that knows digits: a small Keras classifier trained on the real ones with `fit`,
# in its own graph and session (Keras uses the default ones, so a `with` block of a new
# `tf.Graph()` and `tf.Session()` keeps the GAN's untouched; `K.clear_session` would
# discard it). If the generator makes digits, the
# classifier should be confident about them and find all ten classes among them; on random
# noise it is neither.

# %%
samples = s.run(generated, {noise: rng.standard_normal((500, CODE)).astype(np.float32)})
noise_images = rng.uniform(0, 1, samples.shape).astype(np.float32)

with tf.Graph().as_default(), tf.Session():  # the default graph and session in this block
    tf.set_random_seed(1)  # a new graph has no seed of its own: without this the judge varies
    judge = keras.Sequential([L.Flatten(input_shape=(SIDE, SIDE, 1)),
                              L.Dense(64, activation='relu'),
                              L.Dense(10, activation='softmax')])
    judge.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])
    judge.fit(x_train, y_train, batch_size=32, epochs=10, verbose=0)
    on_samples, on_noise = judge.predict(samples), judge.predict(noise_images)

classes = np.bincount(on_samples.argmax(axis=1), minlength=10)
print('judge, mean confidence on generated digits: %.3f, on noise: %.3f'
      % (on_samples.max(axis=1).mean(), on_noise.max(axis=1).mean()))
print('classes among 500 generated digits:', dict(enumerate(classes.tolist())))
print('classes found: %d of 10' % np.count_nonzero(classes >= 5))

flat_train = x_train.reshape(len(x_train), -1)


def nearest_distance(images):
    flat = images.reshape(len(images), -1)
    d = (flat ** 2).sum(1)[:, None] - 2 * flat @ flat_train.T + (flat_train ** 2).sum(1)
    return np.sqrt(np.maximum(d.min(axis=1), 0)).mean()


print('mean distance to the nearest real digit: generated %.3f, noise %.3f'
      % (nearest_distance(samples), nearest_distance(noise_images)))

order = np.argsort(on_samples.argmax(axis=1), kind='stable')
fig, ax = plt.subplots(figsize=(10, 4))
show_grid(ax, samples[order][::5], 25)
ax.set_title('100 generated digits, sorted by the class the judge sees', fontsize=9)
plt.show()
