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
# # Autoencoders: from PCA to convolutions
#
# An autoencoder is trained to give back its input through a narrow middle: an *encoder*
# squeezes each image into a short *code*, a *decoder* rebuilds the image from the code, and
# the loss is how far the rebuilt image is from the original. No labels are needed; to
# rebuild well, the code must keep what matters about the image.
#
# We build a linear autoencoder (which learns what PCA finds), then a convolutional one
# whose decoder upsamples with `Conv2DTranspose`, compare their reconstructions, train the
# same network to remove noise, and use its codes to find similar images and to morph one
# digit into another.
#
# The data is MNIST when its files are in the cache (a subset: see `minitf.datasets.mnist`),
# otherwise the 8x8 digits that ship with minitf.

# %%
import matplotlib.pyplot as plt
import numpy as np

import minitf as tf
from minitf import keras
from minitf.datasets import digits, mnist
from minitf.keras import backend as K
from minitf.keras import layers as L

try:
    (x_train, y_train), (x_test, y_test) = mnist.load_data(download=False)
    SOURCE = 'MNIST (a subset)'
    SIDE, CODE, EPOCHS, LINEAR_EPOCHS, LINEAR_RATE = 28, 32, 5, 20, 1e-3
    x_train, x_test = x_train[:8000] / np.float32(255), x_test[:2000] / np.float32(255)
    y_train, y_test = y_train[:8000], y_test[:2000]
except FileNotFoundError:
    SOURCE = 'the bundled 8x8 digits (MNIST is not cached)'
    SIDE, CODE, EPOCHS, LINEAR_EPOCHS, LINEAR_RATE = 8, 8, 60, 60, 5e-3
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = digits.load_data(flatten=False)
    x_train, y_train = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])
x_train = x_train.reshape(-1, SIDE, SIDE, 1).astype(np.float32)
x_test = x_test.reshape(-1, SIDE, SIDE, 1).astype(np.float32)
print('data:', SOURCE)
print('train', x_train.shape, 'test', x_test.shape, 'pixels in [%g, %g]'
      % (x_train.min(), x_train.max()), '; code size', CODE)


def show_rows(rows, titles, n=10):
    """One row of `n` images per array in `rows`, titled on the left."""
    fig, axes = plt.subplots(len(rows), n, figsize=(n * 0.9, len(rows) * 0.95), squeeze=False)
    for r, (images, title) in enumerate(zip(rows, titles)):
        for c in range(n):
            axes[r, c].imshow(images[c].reshape(SIDE, SIDE), cmap='gray_r', vmin=0, vmax=1)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(title, rotation=0, ha='right', va='center', fontsize=9)
    plt.show()


def reset_tf_session():
    curr_session = tf.get_default_session()
    if curr_session is not None:
        curr_session.close()
    K.clear_session()
    s = tf.InteractiveSession()
    K.set_session(s)
    return s

# %% [markdown]
# ## Encoder, decoder, autoencoder
#
# The encoder and the decoder are two Keras models; the autoencoder is a functional `Model`
# that calls one after the other, so they share their weights with it. After training, the
# encoder alone turns images into codes, the decoder alone turns codes into images.
#
# First the simplest: both are one linear `Dense` layer. The best linear code of size
# $k$ for the squared error spans the same space as the first $k$ principal components, so
# this autoencoder should end up as good as PCA, which numpy computes directly below.

# %%
def build_autoencoder(encoder, decoder, learning_rate=5e-3):
    inp = L.Input((SIDE, SIDE, 1))
    autoencoder = keras.Model(inputs=inp, outputs=decoder(encoder(inp)))
    autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate), loss='mse')
    return autoencoder


s = reset_tf_session()
tf.set_random_seed(0)
np.random.seed(0)
pca_encoder = keras.Sequential([L.Flatten(input_shape=(SIDE, SIDE, 1)), L.Dense(CODE)],
                               name='pca_encoder')
pca_decoder = keras.Sequential([L.Dense(SIDE * SIDE, input_shape=(CODE,)),
                                L.Reshape((SIDE, SIDE, 1))], name='pca_decoder')
pca = build_autoencoder(pca_encoder, pca_decoder, LINEAR_RATE)
pca.fit(x_train, x_train, batch_size=32, epochs=LINEAR_EPOCHS, verbose=0)
pca_mse = pca.evaluate(x_test, x_test, verbose=0)
pca_reconstructions = pca.predict(x_test[:10])  # (the next cell starts a new graph)

flat = x_train.reshape(len(x_train), -1)
mean = flat.mean(axis=0)
components = np.linalg.svd(flat - mean, full_matrices=False)[2][:CODE]
test_flat = x_test.reshape(len(x_test), -1) - mean
numpy_pca = (test_flat @ components.T) @ components + mean
numpy_pca_mse = np.mean((numpy_pca - x_test.reshape(len(x_test), -1)) ** 2)
print('linear autoencoder test MSE: %.5f' % pca_mse)
print('numpy PCA (%d components) test MSE: %.5f' % (CODE, numpy_pca_mse))

# %% [markdown]
# ## A convolutional autoencoder
#
# The encoder is a small CNN: two blocks of 3x3 convolution and 2x2 max pooling (the side
# goes from SIDE to SIDE/4), then a dense layer to the code. The decoder mirrors it: a dense
# layer back to a SIDE/4 x SIDE/4 x 32 block, then two `Conv2DTranspose` layers with stride
# 2, each doubling the side. A transposed convolution is the gradient of a convolution with
# respect to its input: where a stride-2 convolution maps each 3x3 window to one output
# pixel, the transposed one spreads each input pixel over a 3x3 window of an output twice as
# large, with learned weights. The last one has a single filter: the image.

# %%
s = reset_tf_session()
tf.set_random_seed(0)
np.random.seed(0)
QUARTER = SIDE // 4


def conv_encoder():
    return keras.Sequential([
        L.Conv2D(16, 3, padding='same', activation='elu', input_shape=(SIDE, SIDE, 1)),
        L.MaxPooling2D(2),
        L.Conv2D(32, 3, padding='same', activation='elu'),
        L.MaxPooling2D(2),
        L.Flatten(),
        L.Dense(CODE),
    ], name='encoder')


def conv_decoder():
    return keras.Sequential([
        L.Dense(QUARTER * QUARTER * 32, activation='elu', input_shape=(CODE,)),
        L.Reshape((QUARTER, QUARTER, 32)),
        L.Conv2DTranspose(16, 3, strides=2, padding='same', activation='elu'),
        L.Conv2DTranspose(1, 3, strides=2, padding='same'),
    ], name='decoder')


encoder, decoder = conv_encoder(), conv_decoder()
encoder.summary()
decoder.summary()

# %%
autoencoder = build_autoencoder(encoder, decoder)
history = autoencoder.fit(x_train, x_train, batch_size=32, epochs=EPOCHS,
                          validation_data=(x_test, x_test), verbose=0)
conv_mse = autoencoder.evaluate(x_test, x_test, verbose=0)
print('convolutional autoencoder test MSE: %.5f (linear: %.5f)' % (conv_mse, pca_mse))

plt.figure(figsize=(6, 3))
plt.semilogy(history.history['loss'], label='train')
plt.semilogy(history.history['val_loss'], label='test')
plt.axhline(pca_mse, color='gray', linestyle='--', label='linear (PCA)')
plt.xlabel('epoch')
plt.ylabel('MSE')
plt.legend()
plt.grid(alpha=0.3)
plt.show()

show_rows([x_test, pca_reconstructions, autoencoder.predict(x_test[:10])],
          ['original', 'linear', 'convolutional'])

# %% [markdown]
# ## What the codes are good for
#
# Images whose codes are close look alike: the nearest codes (Euclidean distance) find
# similar images without any label. The labels, which the autoencoder never saw, tell how
# well: most of a test digit's nearest training codes are the same digit. And walking in a
# straight line from one code to another, the decoder draws images in between: one digit
# morphs into another.

# %%
codes = encoder.predict(x_train)
query_codes = encoder.predict(x_test[:4])
rows, titles = [], []
for q, code in enumerate(query_codes):
    nearest = np.argsort(((codes - code) ** 2).sum(axis=1))[:9]
    rows.append(np.concatenate([x_test[q:q + 1], x_train[nearest]]))
    titles.append('query %d | nearest' % q)
show_rows(rows, titles)

test_codes = encoder.predict(x_test)
distances = (test_codes ** 2).sum(1)[:, None] - 2 * test_codes @ codes.T + (codes ** 2).sum(1)
nearest5 = np.argsort(distances, axis=1)[:, :5]
print('the 5 nearest codes share the test digit\'s label: %.1f%% (at random: about 10%%)'
      % (100 * np.mean(y_train[nearest5] == y_test[:, None])))

a, b = encoder.predict(x_test[[0, 1]])
steps = np.linspace(0, 1, 10)[:, None]
show_rows([decoder.predict((1 - steps) * a + steps * b)], ['morphing'])

# %% [markdown]
# ## Denoising
#
# The same architecture, trained to rebuild the *clean* image from a noisy one (fresh
# Gaussian noise every epoch), learns to remove the noise: a code has no room for it.

# %%
def noisy(x, sigma, rng):
    return (x + sigma * rng.standard_normal(x.shape)).astype(np.float32)


s = reset_tf_session()
tf.set_random_seed(0)
np.random.seed(0)
denoiser = build_autoencoder(conv_encoder(), conv_decoder())
rng = np.random.default_rng(0)
SIGMA = 0.3
for epoch in range(EPOCHS // 2):
    denoiser.fit(noisy(x_train, SIGMA, rng), x_train, batch_size=32, epochs=1, verbose=0)
x_noisy = noisy(x_test, SIGMA, rng)
denoised = denoiser.predict(x_noisy)
print('noisy test images, MSE to the clean ones: %.5f; denoised: %.5f'
      % (np.mean((x_noisy - x_test) ** 2), np.mean((denoised - x_test) ** 2)))
show_rows([x_noisy, denoised, x_test], ['noisy', 'denoised', 'clean'])
