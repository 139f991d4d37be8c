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
# # How minitf works
#
# A look inside: the graph a small model builds, what `tf.gradients` adds to it, the plan a
# session compiles to run it, a numerical check of the gradients, and how a new op is added.
# The architecture page of the documentation (`docs/architecture.md`) tells the same story in
# prose.

# %%
import collections
import inspect

import numpy as np

import minitf as tf
from minitf.visualize import show_graph

# %% [markdown]
# ## A small model's graph
#
# A one-hidden-layer network and its loss. Every call adds operations to the default graph;
# nothing is computed yet. The loss tensor, as the last expression of a cell, draws itself
# with everything it depends on.

# %%
tf.reset_default_graph()
x = tf.placeholder(tf.float32, (None, 4), name='x')
labels = tf.placeholder(tf.int64, (None,), name='labels')
with tf.name_scope('model'):
    hidden = tf.layers.dense(x, 8, activation=tf.nn.tanh, name='hidden')
    logits = tf.layers.dense(hidden, 3, name='logits')
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
    labels=labels, logits=logits), name='loss')
forward_ops = tf.get_default_graph().get_operations()
print(len(forward_ops), 'operations')
loss

# %% [markdown]
# ## What `tf.gradients` adds
#
# `tf.gradients(loss, variables)` walks the graph backwards from the loss and, for each op,
# asks its gradient rule to build the ops of the backward pass. They land in the same graph,
# under the `gradients` name scope, so they can be run, drawn, and differentiated again.

# %%
variables = tf.trainable_variables()
grads = tf.gradients(loss, variables)
all_ops = tf.get_default_graph().get_operations()
added = all_ops[len(forward_ops):]
print('tf.gradients added %d operations:' % len(added))
print(dict(collections.Counter(op.type for op in added).most_common()))
for v, g in zip(variables, grads):
    print('%-16s gradient %-40s %s' % (v.op.name, g.name, g.shape))
show_graph(grads[0], max_nodes=None)

# %% [markdown]
# ## The plan a session compiles
#
# `Session.run` prunes the graph to what the fetches need, orders it, decides when each
# intermediate array can be freed, and turns the result into the source of one Python
# function, compiled once per combination of fetches and feeds and reused by later runs.
# Here is the function for fetching the loss:

# %%
sess = tf.Session()
sess.run(tf.global_variables_initializer())
feed = {x: np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32),
        labels: np.array([0, 1, 2, 1, 0])}
print('loss =', sess.run(loss, feed))
plan = sess._plans[((loss,), (x, labels))]
print(plan.source)
print('kN is the kernel of step N:')
for i, step in enumerate(plan.steps):
    print('  k%-3d %-8s %-40s %s' % (i, step.kind, step.op.name, step.op.type))

# %% [markdown]
# Each line calls one op's kernel (`compute(xp, ...)`) on numpy arrays, writing into buffers
# kept between runs where the op supports it (`_give` returns a buffer to the pool); `del`
# frees an intermediate after its last use. Constants are folded at compile time, and
# identities (`read` of a variable) are forwarded with no call. Fetching the gradients too
# compiles a second plan:

# %%
sess.run([loss] + grads, feed)
grad_plan = next(p for key, p in sess._plans.items() if len(key[0]) == 1 + len(grads))
print(len(sess._plans), 'plans cached (initializer, loss, loss + gradients);',
      'the gradient plan calls %d kernels' % grad_plan.num_kernels)

# %% [markdown]
# ## Checking gradients numerically
#
# The symbolic gradients should match central finite differences. `tf.testing` does this in
# float64, comparing the full Jacobian of the output with respect to an input.

# %%
g = tf.Graph()
with g.as_default():
    xs = tf.placeholder(tf.float64, (3, 4), name='xs')
    w = tf.constant(np.random.default_rng(1).standard_normal((4, 2)))
    out = tf.nn.tanh(tf.matmul(xs, w)) ** 2
    with tf.Session() as s64:
        error = tf.testing.compute_gradient_error(xs, (3, 4), out, (3, 2),
                                                  x_init_value=np.ones((3, 4)) * 0.1)
print('largest difference between the symbolic and numerical Jacobian: %.2e' % error)

# %% [markdown]
# ## Adding an op: one class
#
# Every op is one frozen dataclass: its fields are the op's attributes; `infer` computes the
# static shape and dtype (and fails at build time on bad input); `compute` is the kernel,
# written once against `xp` (numpy, or cupy on a GPU); `grad` builds the gradient from minitf
# ops, so second derivatives work. Here is an existing op, `Atan`, in full:

# %%
from minitf.ops import elementwise
print(inspect.getsource(elementwise.Atan))

# %% [markdown]
# A new op, Swish ($x \cdot \sigma(\beta x)$), with its public function:

# %%
from dataclasses import dataclass

from minitf.framework import registry
from minitf.framework.tensor import TensorSpec

registry.REGISTRY.pop('Swish', None)  # lets this cell run again in the same kernel


@registry.register
@dataclass(frozen=True)
class Swish(registry.OpDef):
    beta: float = 1.0

    def infer(self, x):
        if not x.dtype.is_floating:
            raise TypeError('Swish needs a floating-point input, got %s' % x.dtype.name)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return x / (1 + xp.exp(-self.beta * x))

    def grad(self, op, dy):
        (x,) = op.inputs
        s = tf.sigmoid(self.beta * x)
        return [dy * (s + self.beta * x * s * (1 - s))]


def swish(x, beta=1.0, name=None):
    x = tf.convert_to_tensor(x)
    return x.graph.create_op(Swish(beta=float(beta)), [x], name=name or 'Swish').outputs[0]

# %% [markdown]
# The project's op table (`tests/op_specs/`) gets one row for it, which the test suite runs
# four ways: the value against a numpy reference, the inferred shape and dtype against the
# actual ones (with `None` dimensions), and a float64 numerical gradient check:
#
# ```python
# OpSpec("swish", lambda x: swish(x, beta=1.5),
#        lambda x: x / (1 + np.exp(-1.5 * x)), [Arg((3, 4), static=(None, 4))]),
# ```
#
# The same three checks, by hand:

# %%
g = tf.Graph()
with g.as_default():
    inp = tf.placeholder(tf.float64, (None, 4), name='inp')
    y = swish(inp, beta=1.5)
    value = np.random.default_rng(2).uniform(-2, 2, (3, 4))
    with tf.Session() as s:
        got = s.run(y, {inp: value})
        reference = value / (1 + np.exp(-1.5 * value))
        print('value matches numpy:', np.allclose(got, reference, rtol=1e-12))
        print('inferred', y.shape, y.dtype.name, '| actual', got.shape, got.dtype)
        swish_error = tf.testing.compute_gradient_error(inp, (3, 4), y, (3, 4),
                                                        x_init_value=value)
print('Swish gradient check, largest difference: %.2e' % swish_error)
