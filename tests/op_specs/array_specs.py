"""Op table entries for array_ops."""

import numpy as np

import minitf as tf
from tests.op_specs.spec import Arg, OpSpec

SPECS = [
    OpSpec("identity", tf.identity, lambda x: x, [Arg((2, 3))]),
    OpSpec("stop_gradient", lambda x: tf.stop_gradient(x) * x, lambda x: x * x, [Arg((3,))],
           grad=False),
    OpSpec("placeholder_with_default", lambda x: tf.placeholder_with_default(x, (None, 3)) * 2.0,
           lambda x: x * 2, [Arg((2, 3))]),
    OpSpec("const", lambda x: x + tf.constant([1.0, 2.0, 3.0], dtype=x.dtype), lambda x: x + [1, 2, 3], [Arg((3,))]),
    OpSpec("shape", lambda x: tf.shape(x), lambda x: np.array(x.shape, np.int32),
           [Arg((2, 3), static=(None, 3))], grad=False),
    OpSpec("size", lambda x: tf.size(x), lambda x: np.int32(x.size),
           [Arg((2, 3), static=(None, None))], grad=False),
    OpSpec("rank", lambda x: tf.rank(x), lambda x: np.int32(x.ndim), [Arg((2, 3), static=None)],
           grad=False),
    OpSpec("reshape", lambda x: tf.reshape(x, [-1, 2]), lambda x: x.reshape(-1, 2),
           [Arg((3, 4), static=(None, 4))]),
    OpSpec("reshape/dynamic_shape", lambda x, y: tf.reshape(x, tf.shape(y)),
           lambda x, y: x.reshape(y.shape), [Arg((6,)), Arg((2, 3), static=(None, 3))], wrt=[0]),
    OpSpec("fill", lambda v: tf.fill([2, 3], v), lambda v: np.full((2, 3), v), [Arg(())]),
    OpSpec("zeros_like", lambda x: tf.zeros_like(x) + x, lambda x: x, [Arg((2, 2))]),
    OpSpec("ones_like", lambda x: tf.ones_like(x) * x, lambda x: x, [Arg((2, 2))]),
    OpSpec("broadcast_to", lambda x: tf.broadcast_to(x, [3, 2, 4]),
           lambda x: np.broadcast_to(x, (3, 2, 4)), [Arg((2, 1))]),
    OpSpec("expand_dims", lambda x: tf.expand_dims(x, -1), lambda x: x[..., None],
           [Arg((2, 3), static=(None, 3))]),
    OpSpec("stack", lambda a, b: tf.stack([a, b], axis=1), lambda a, b: np.stack([a, b], 1),
           [Arg((2, 3)), Arg((2, 3))]),
]
