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
# # A guided tour of minitf
#
# Graphs, placeholders, transformations, variables, gradients and optimizers, each checked
# against something we already trust (numpy, scikit-learn, finite differences).

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML
from matplotlib import animation

import minitf as tf
from minitf.visualize import show_graph

# %% [markdown]
# ## Warming up: the sum of squares $0^2 + 1^2 + \dots + (N-1)^2$
#
# In numpy the work happens as soon as you write it. In minitf you first describe it as a
# graph with an input, then run the graph as often as you like with different inputs.

# %%
def sum_squares_numpy(N):
    return np.sum(np.arange(N, dtype=np.int64) ** 2)


tf.reset_default_graph()
N = tf.placeholder(tf.int64, name='input_to_your_function')
result = tf.reduce_sum(tf.range(N) ** 2)
s = tf.InteractiveSession()

def best_time(fn, repeat=3):
    """The fastest of `repeat` calls, in milliseconds, and the result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * min(times), value


for n in (10, 1000, 10 ** 6):
    t_ours, ours = best_time(lambda: s.run(result, {N: n}))
    t_numpy, reference = best_time(lambda: sum_squares_numpy(n))
    print('N=%-8d minitf %-19d (%6.2f ms)   numpy %-19d (%6.2f ms)   equal: %s'
          % (n, ours, t_ours, reference, t_numpy, ours == reference))

# %% [markdown]
# The first run of a graph compiles a plan for it; later runs reuse the plan (the times are
# the best of three runs). For small inputs minitf pays a fixed cost per run (microseconds);
# for large ones the time is mostly the arithmetic itself.

# %% [markdown]
# ## Placeholders of many shapes, in name scopes
#
# `None` in a shape is a dimension known only when the graph runs. Name scopes prefix the
# names of everything created inside them.

# %%
with tf.name_scope('inputs'):
    scalar = tf.placeholder(tf.float32, shape=(), name='scalar')
    vector = tf.placeholder(tf.float32, shape=(None,), name='vector')
    matrix = tf.placeholder(tf.float32, shape=(None, 15), name='matrix')
    images = tf.placeholder(tf.float32, shape=(None, 28, 28, 3), name='images')
    with tf.name_scope('fixed'):
        fixed = tf.placeholder(tf.int32, shape=(10, 10), name='fixed')
for t in (scalar, vector, matrix, images, fixed):
    print(t)

# %% [markdown]
# ## Elementwise transformations
#
# Operators and functions build new graph nodes; shapes are inferred when the graph is built.

# %%
with tf.name_scope('transforms'):
    doubled = vector * 2
    shifted = tf.exp(vector) + scalar
    waves = tf.sin(vector) ** 2 + tf.cos(vector) ** 2
    rows = tf.reduce_sum(matrix ** 2, axis=1)
print(doubled, shifted, waves, rows, sep='\n')

values = s.run([doubled, shifted, waves], {vector: [0.0, 1.0, 2.0], scalar: 10.0})
for v in values:
    print(np.round(v, 4))

# %% [markdown]
# ## The graph: in TensorBoard, and drawn here
#
# `FileWriter` writes the graph for TensorBoard's *Graphs* tab (`tensorboard --logdir logs`).
# The same graph also draws itself inline: name scopes are boxes, placeholders green.

# %%
writer = tf.summary.FileWriter('logs/tour', tf.get_default_graph())
writer.close()
show_graph(tf.get_default_graph())

# %% [markdown]
# ## Mean squared error, tested against scikit-learn
#
# We implement MSE with minitf ops and compare it with `sklearn.metrics.mean_squared_error` on
# many random inputs of random lengths.

# %%
from sklearn.metrics import mean_squared_error

tf.reset_default_graph()
s = tf.InteractiveSession()
y_true = tf.placeholder(tf.float32, shape=(None,), name='y_true')
y_predicted = tf.placeholder(tf.float32, shape=(None,), name='y_predicted')
mse = tf.reduce_mean(tf.squared_difference(y_predicted, y_true))

rng = np.random.default_rng(0)
worst = 0.0
for trial in range(200):
    n = rng.integers(1, 1000)
    a, b = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    ours = s.run(mse, {y_true: a, y_predicted: b})
    theirs = mean_squared_error(a, b)
    worst = max(worst, abs(ours - theirs) / theirs)
print('largest relative difference from scikit-learn over 200 inputs: %.2e' % worst)
assert worst < 1e-5

# %% [markdown]
# ## Variables and `assign`
#
# A variable keeps its value in the session between runs; `assign` is an op that changes it.

# %%
shared = tf.Variable(initial_value=np.zeros((5,), np.float32), name='shared')
s.run(tf.global_variables_initializer())
print('initial value', s.run(shared))

new_value = tf.placeholder(tf.float32, (5,), name='new_value')
assign = tf.assign(shared, new_value)
s.run(assign, {new_value: np.arange(5, dtype=np.float32)})
print('after assign', s.run(shared))
s.run(tf.assign_add(shared, tf.ones((5,))))
print('after assign_add', s.run(shared))

# %% [markdown]
# ## `tf.gradients`
#
# `tf.gradients(f, x)` adds the ops that compute $\partial f / \partial x$ to the graph.

# %%
my_scalar = tf.placeholder(tf.float32, (), name='my_scalar')
scalar_squared = my_scalar ** 2
derivative = tf.gradients(scalar_squared, [my_scalar])[0]

x = np.linspace(-3, 3, 61)
x_squared, x_squared_der = zip(*[s.run([scalar_squared, derivative], {my_scalar: v}) for v in x])
print('d(x^2)/dx at x = 1.5:', s.run(derivative, {my_scalar: 1.5}))

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(x, x_squared, label='$x^2$')
ax.plot(x, x_squared_der, label=r'$\frac{dx^2}{dx}$')
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# ## The derivative of a deliberately complicated function
#
# A function of a scalar and a vector, with moments, `atan`, `exp` and powers. minitf
# differentiates it symbolically; we compare with central finite differences.

# %%
my_vector = tf.placeholder(tf.float32, (None,), name='my_vector')
mean, variance = tf.nn.moments(my_vector, axes=[0])
weird = tf.reduce_mean((my_vector + my_scalar) ** (1 + variance)) + 1.0 / tf.atan(my_scalar)
weird = weird / (my_scalar ** 2 + 1) + 0.01 * tf.sin(2 * my_scalar ** 1.5) * (
    tf.reduce_sum(my_vector) * my_scalar ** 2) * tf.exp((my_scalar - 4) ** 2) / (
    1 + tf.exp((my_scalar - 4) ** 2)) * (1.0 - mean) ** 2
der_by_scalar, der_by_vector = tf.gradients(weird, [my_scalar, my_vector])

vec = np.linspace(0.1, 0.9, 5).astype(np.float32)
scalar_space = np.linspace(1, 7, 100).astype(np.float32)
y = [s.run(weird, {my_scalar: v, my_vector: vec}) for v in scalar_space]
dy = [s.run(der_by_scalar, {my_scalar: v, my_vector: vec}) for v in scalar_space]

eps = 1e-2
numeric = [(s.run(weird, {my_scalar: v + eps, my_vector: vec})
            - s.run(weird, {my_scalar: v - eps, my_vector: vec})) / (2 * eps)
           for v in scalar_space]
gap = np.max(np.abs(np.array(dy) - np.array(numeric)) / (1 + np.abs(numeric)))
print('largest gap between symbolic and numerical derivative: %.1e' % gap)
print('gradient with respect to the vector at scalar=2:',
      np.round(s.run(der_by_vector, {my_scalar: 2.0, my_vector: vec}), 4))

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(scalar_space, y, label='function')
ax.plot(scalar_space, dy, label='derivative')
ax.set_xlabel('my_scalar')
ax.grid(alpha=0.3)
ax.legend()
plt.show()

# %% [markdown]
# ## Momentum on a noisy quadratic, animated
#
# A 2-D quadratic bowl whose gradient is disturbed by fresh noise at every step (a stand-in
# for mini-batch noise). The Momentum optimizer's trajectory is animated over the contours.

# %%
tf.reset_default_graph()
s = tf.InteractiveSession()
y_guess = tf.Variable(np.array([-2.5, 2.0], np.float32), name='y_guess')
center = np.array([1.0, -0.5], np.float32)
scale = np.array([1.0, 4.0], np.float32)
noise = tf.random_normal((2,), stddev=0.3, seed=0)
loss = tf.reduce_sum(scale * (y_guess - center) ** 2) + tf.reduce_sum(noise * y_guess)
step = tf.train.MomentumOptimizer(0.02, momentum=0.8).minimize(loss, var_list=[y_guess])
s.run(tf.global_variables_initializer())

trajectory = [s.run(y_guess)]
for i in range(60):
    s.run(step)
    trajectory.append(s.run(y_guess))
trajectory = np.array(trajectory)
print('start', trajectory[0], '-> end', np.round(trajectory[-1], 3), ' minimum', center)
print('distance to the minimum: %.3f' % np.linalg.norm(trajectory[-1] - center))

# %%
xs, ys = np.meshgrid(np.linspace(-3, 3, 80), np.linspace(-2.5, 2.5, 80))
zs = scale[0] * (xs - center[0]) ** 2 + scale[1] * (ys - center[1]) ** 2

plt.rcParams['animation.frame_format'] = 'jpeg'  # small frames keep the notebook small
frames = range(0, len(trajectory), 3)
fig, ax = plt.subplots(figsize=(4.5, 3.6), dpi=50)
ax.contour(xs, ys, zs, levels=20, cmap='viridis', linewidths=0.8)
ax.plot(*center, 'k+', markersize=12)
line, = ax.plot([], [], 'r.-', linewidth=1)
ax.set_title('Momentum on a noisy quadratic')


def draw_frame(i):
    line.set_data(trajectory[:i + 1, 0], trajectory[:i + 1, 1])
    return (line,)


anim = animation.FuncAnimation(fig, draw_frame, frames=frames, interval=120, blit=True)
plt.close(fig)
HTML(anim.to_jshtml(default_mode='once'))
