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
# # TensorFlow basics, with minitf
#
# The examples of the lecture's *Tensorflow framework* part, in order, run with
# `import minitf as tf`. Everything below is TensorFlow 1.x's API; only the import differs.

# %%
import numpy as np
import minitf as tf

# %% [markdown]
# ## What is TensorFlow
#
# A **placeholder** is a tensor fed when the graph runs (the input features); a **variable**
# keeps its value between runs (a weights matrix); a **constant** never changes.

# %%
x = tf.placeholder(tf.float32, (None, 10))
w = tf.get_variable('W', shape=(10, 20), dtype=tf.float32)
w = tf.Variable(tf.random_uniform((10, 20)), name='W')
c = tf.constant(np.ones((4, 4)))
print(x)
print(w)
print(c)

# %% [markdown]
# ## The computational graph
#
# minitf, like TensorFlow, creates a default graph on import; every operation goes there.
# Every node is an operation with output tensors of known static shape (`?` is unknown).

# %%
graph = tf.get_default_graph()
ops = graph.get_operations()
print(len(ops), 'operations:', [op.name for op in ops][:6], '...')
ops[0].outputs

# %% [markdown]
# A graph of your own, made the default inside a `with` block; `tf.reset_default_graph()`
# clears the default graph.

# %%
g = tf.Graph()
with g.as_default():
    tf.constant(1.0, name='inside')
print([op.name for op in g.get_operations()])
tf.reset_default_graph()
print(len(tf.get_default_graph().get_operations()), 'operations after reset')

# %% [markdown]
# ## Running a graph: `tf.Session`
#
# An `InteractiveSession` makes itself the default session, so `Tensor.eval()` works.
# A session owns memory; close it (or use `with`) when done.

# %%
s = tf.InteractiveSession()
a = tf.constant(5.0)
b = tf.constant(6.0)
c = a * b
print('s.run(c) =', s.run(c))
print('c.eval() =', c.eval())
s.close()

with tf.Session() as sess:
    print('in a with block:', sess.run([a, b, c]))

# %% [markdown]
# The graph draws itself in the notebook: each op with its type and the shape of its output.

# %%
c

# %% [markdown]
# ## Our first model: minimising $f(x) = x^2$ with gradient descent
#
# Variables are trainable by default, so `minimize(f)` would find `x` by itself;
# `var_list=[x]` says it explicitly.

# %%
tf.reset_default_graph()
x = tf.get_variable('X', shape=(), dtype=tf.float32, initializer=tf.constant_initializer(3.0))
f = x ** 2

optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.1)
step = optimizer.minimize(f, var_list=[x])
tf.trainable_variables()

# %%
s = tf.InteractiveSession()
s.run(tf.global_variables_initializer())

for i in range(10):
    _, curr_x, curr_f = s.run([step, x, f])
    print(curr_x, curr_f)

# %% [markdown]
# Each step multiplies $x$ by $1 - 0.1 \cdot 2 = 0.8$: after ten steps $x = 3 \cdot 0.8^{10}$.

# %%
print('x after 10 steps:', s.run(x), ' expected:', 3 * 0.8 ** 10)

# %% [markdown]
# ## Logging with `tf.Print`
#
# `tf.Print` returns its first input unchanged and prints the listed tensors each time it runs.
# In TensorFlow it writes to the process's standard error, which Jupyter does not show;
# minitf prints through Python, so the lines appear below the cell.

# %%
f = x ** 2
f = tf.Print(f, [x, f], "x, f:")
for i in range(3):
    s.run([step, f])

# %% [markdown]
# ## Logging with TensorBoard
#
# Summaries are ops too; `merge_all` runs them all, and a `FileWriter` writes their values
# (and the graph) to an event file.

# %%
tf.summary.scalar('curr_x', x)
tf.summary.scalar('curr_f', f)
summaries = tf.summary.merge_all()

s = tf.InteractiveSession()
summary_writer = tf.summary.FileWriter('logs/1', s.graph)
s.run(tf.global_variables_initializer())

for i in range(10):
    _, curr_summaries = s.run([step, summaries])
    summary_writer.add_summary(curr_summaries, i)
    summary_writer.flush()
summary_writer.close()

import os
print(sorted(name.split('.')[0] for name in os.listdir('logs/1')))

# %% [markdown]
# Then run `tensorboard --logdir=./logs` in a terminal and open the address it prints: the
# *Scalars* tab shows `curr_x` and `curr_f` falling, the *Graphs* tab the graph.

# %% [markdown]
# ## Solving a linear regression
#
# Fit $y = Xw$ by minimising the mean squared error on 1,000 noisy examples.

# %%
tf.reset_default_graph()
rng = np.random.default_rng(0)
X_data = rng.standard_normal((1000, 3)).astype(np.float32)
w_true = np.array([[1.0], [-2.0], [0.5]], np.float32)
y_data = X_data @ w_true + 0.01 * rng.standard_normal((1000, 1)).astype(np.float32)

X = tf.placeholder(tf.float32, (None, 3), name='X')
y = tf.placeholder(tf.float32, (None, 1), name='y')
w = tf.get_variable('w', shape=(3, 1))
loss = tf.reduce_mean((tf.matmul(X, w) - y) ** 2)
step = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(200):
        _, curr_loss = sess.run([step, loss], {X: X_data, y: y_data})
    print('loss', curr_loss)
    print('w', sess.run(w).ravel(), 'true', w_true.ravel())

# %% [markdown]
# ## Model checkpoints
#
# `tf.train.Saver` saves the variables; restoring them into a new session gives back the
# trained model. minitf writes TensorFlow's own checkpoint format, which real TensorFlow reads.

# %%
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(200):
        sess.run(step, {X: X_data, y: y_data})
    w_saved = sess.run(w)
    path = tf.train.Saver().save(sess, 'checkpoints/model.ckpt', global_step=200)
print(path)

with tf.Session() as sess:
    tf.train.Saver().restore(sess, tf.train.latest_checkpoint('checkpoints'))
    print('restored weights equal the saved ones:', np.array_equal(sess.run(w), w_saved))
