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
# # Gradient descent in valleys
#
# Gradient descent on the quadratic $f(x, y) = \frac{1}{2}(x^2 + \kappa\, y^2)$. With
# $\kappa = 1$ the valley is round; the larger the *condition number* $\kappa$, the narrower
# the valley, and the harder it is for plain gradient descent: a learning rate small enough for
# the steep $y$ direction crawls along the flat $x$ direction, and a larger one oscillates
# across the valley (or diverges once it passes $2/\kappa$).

# %%
import matplotlib.pyplot as plt
import numpy as np

import minitf as tf

START = np.array([-4.0, 1.5], np.float32)


def descend(kappa, make_optimizer, steps=50):
    """The trajectory of `make_optimizer()` minimising 0.5 * (x^2 + kappa * y^2) from START."""
    graph = tf.Graph()
    with graph.as_default():
        p = tf.Variable(START, name='p')
        f = 0.5 * (p[0] ** 2 + kappa * p[1] ** 2)
        step = make_optimizer().minimize(f)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            points = [sess.run(p)]
            for _ in range(steps):
                sess.run(step)
                points.append(sess.run(p))
    return np.array(points)


def contours(ax, kappa, title):
    xs, ys = np.meshgrid(np.linspace(-4.5, 4.5, 120), np.linspace(-2, 2, 120))
    ax.contour(xs, ys, 0.5 * (xs ** 2 + kappa * ys ** 2), levels=np.geomspace(0.05, 40, 14),
               cmap='viridis', linewidths=0.7)
    ax.plot(0, 0, 'k+', markersize=10)
    ax.set_title(title, fontsize=10)
    ax.set_xlim(-4.5, 4.5)
    ax.set_ylim(-2, 2)


def distance(points):
    return float(np.linalg.norm(points[-1]))

# %% [markdown]
# ## Plain gradient descent, from a round valley to narrower ones
#
# In each valley the learning rate is $0.9/\kappa$, safely below the stability limit
# $2/\kappa$ of the steep direction; the last panel uses $0.038$, just under the limit
# $0.04$ of the narrowest valley, where every step overshoots across it.

# %%
cases = [(1, 0.9, 'round valley, κ=1'), (10, 0.09, 'narrow valley, κ=10'),
         (50, 0.018, 'narrower valley, κ=50'), (50, 0.038, 'κ=50, lr=0.038: oscillates')]
fig, axes = plt.subplots(1, 4, figsize=(16, 3.4))
for ax, (kappa, lr, title) in zip(axes, cases):
    path = descend(kappa, lambda: tf.train.GradientDescentOptimizer(lr))
    contours(ax, kappa, title)
    ax.plot(path[:, 0], path[:, 1], 'r.-', linewidth=1, markersize=4)
    print('%-28s lr=%.3f  distance to the minimum after 50 steps: %.4f'
          % (title, lr, distance(path)))
plt.tight_layout()
plt.show()

# %% [markdown]
# Each step multiplies $x$ by $1 - \text{lr}$ and $y$ by $1 - \text{lr}\cdot\kappa$. With
# lr $= 0.9/\kappa$ the steep $y$ is settled at once, but $x$ only shrinks by
# $1 - 0.9/\kappa$ per step: $0.1$ in the round valley, $0.982$ when $\kappa = 50$ (after 50
# steps it is still 40% of the way from the minimum). Raising lr to $0.038$ speeds up $x$ but
# makes $y$ flip sign at every step ($\times -0.9$): the zigzag.

# %% [markdown]
# ## Momentum and Adam, side by side
#
# Momentum accumulates a velocity: the zigzags across the valley cancel out, and the steady
# pull along it adds up. Adam divides each coordinate's step by a running estimate of its
# gradient's size, so the flat and the steep direction move at similar speeds.

# %%
names = ['gradient descent', 'momentum 0.8', 'Adam']


def optimizer(name, kappa):
    """Gradient descent and momentum get lr = 0.9 / kappa; Adam's lr is the same everywhere."""
    if name == 'gradient descent':
        return tf.train.GradientDescentOptimizer(0.9 / kappa)
    if name == 'momentum 0.8':
        return tf.train.MomentumOptimizer(0.9 / kappa, momentum=0.8)
    return tf.train.AdamOptimizer(0.2)


results = {}
fig, axes = plt.subplots(2, 3, figsize=(14, 6))
for row, kappa in enumerate((10, 50)):
    for ax, name in zip(axes[row], names):
        path = descend(kappa, lambda: optimizer(name, kappa))
        results[(kappa, name)] = distance(path)
        contours(ax, kappa, '%s, κ=%d' % (name, kappa))
        ax.plot(path[:, 0], path[:, 1], 'r.-', linewidth=1, markersize=4)
plt.tight_layout()
plt.show()

print('distance to the minimum after 50 steps')
print('%-18s %10s %10s' % ('', 'κ=10', 'κ=50'))
for name in names:
    print('%-18s %10.4f %10.4f' % (name, results[(10, name)], results[(50, name)]))

# %% [markdown]
# Gradient descent gets 45 times worse when the valley is five times narrower; momentum
# stays close to the minimum in both; Adam, whose steps do not depend on the gradient's
# scale, follows exactly the same path in both valleys (it ends hovering near the minimum at
# a distance set by its learning rate).
