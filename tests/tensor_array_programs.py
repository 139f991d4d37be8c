"""tf.TensorArray programs run by both TensorFlow (tests/record_tf_tensor_array.py records
them into tests/fixtures/tf_tensor_array.json) and minitf (tests/test_tensor_array.py
compares), each a function of the `tf` module returning {key: tensor to fetch} (values) and
the names of the tensors a user sees; and the misuses whose error class and message TF gives.
"""

import numpy as np


def _seq(t=4, b=2, d=3, seed=0):
    return np.random.RandomState(seed).randn(t, b, d).astype(np.float32)


# -- values and names --------------------------------------------------------------------------

def basic(tf):
    """write / read / stack / concat / gather / size outside loops, with TF's names."""
    ta = tf.TensorArray(tf.float32, size=3, clear_after_read=False)
    w = ta.write(0, [1., 2.]).write(1, [3., 4.]).write(2, [5., 6.])
    return {"flow": ta.flow, "read": w.read(1), "stack": w.stack(), "concat": w.concat(),
            "gather": w.gather([2, 0]), "size": w.size(), "write_flow": ta.write(0, [0., 0.]).flow,
            "identity_flow": w.identity().flow}


def unstack_scatter_split(tf):
    x = tf.constant(_seq(3, 2, 2))
    u = tf.TensorArray(tf.float32, size=3).unstack(x)
    s = tf.TensorArray(tf.float32, size=4).scatter([3, 0], x[:2])
    p = tf.TensorArray(tf.float32, size=2, infer_shape=False).split(tf.reshape(x, [6, 2]), [2, 4])
    return {"unstack_flow": u.flow, "unstack_read": u.read(2), "scatter_flow": s.flow,
            "scatter_gather": s.gather([0, 3]), "split_flow": p.flow, "split_read": p.read(1),
            "split_concat": tf.TensorArray(tf.float32, size=2, infer_shape=False).split(
                tf.reshape(x, [6, 2]), [2, 4]).concat()}


def static_shapes(tf):
    """Shapes only (no run): what infer_shape and element_shape give."""
    ta = tf.TensorArray(tf.float32, size=3)
    ph = tf.placeholder(tf.float32, [None, 4])
    return {"fixed_stack": ta.write(0, tf.zeros([2, 4])).stack(),
            "element_shape_stack": tf.TensorArray(tf.float32, 2, element_shape=[3]).stack(),
            "dynamic_stack": tf.TensorArray(tf.float32, 0, dynamic_size=True).write(
                0, tf.zeros([5])).stack(),
            "partial_stack": ta.write(0, ph).stack(),
            "no_infer_stack": tf.TensorArray(tf.float32, 3, infer_shape=False).write(
                0, tf.zeros([2])).stack(),
            "gather": ta.write(0, tf.zeros([2, 4])).gather([0]),
            "concat": ta.write(0, tf.zeros([2, 4])).concat(),
            "unstack_read": tf.TensorArray(tf.float32, 5).unstack(tf.zeros([5, 7])).read(0),
            "unknown_read": ta.read(0)}


def loop_write_stack(tf):
    """Write one element per iteration, stack after the loop."""
    x = tf.constant(_seq())
    ta = tf.TensorArray(tf.float32, size=4, clear_after_read=False)

    def body(i, ta):
        return i + 1, ta.write(i, tf.tanh(x[i]) * tf.cast(i, tf.float32))
    _, out = tf.while_loop(lambda i, ta: i < 4, body, [0, ta])
    return {"stack": out.stack(), "read": out.read(3)}


def loop_unstack_read(tf):
    """Unstack before the loop, read one element per iteration."""
    x = tf.constant(_seq())
    inp = tf.TensorArray(tf.float32, size=4).unstack(x)

    def body(i, acc):
        return i + 1, acc * 0.5 + inp.read(i)
    _, acc = tf.while_loop(lambda i, acc: i < 4, body, [0, tf.zeros([2, 3])])
    return {"acc": acc}


def loop_dynamic_size(tf):
    """dynamic_size=True grows past its initial size; gather/scatter with index tensors."""
    ta = tf.TensorArray(tf.float32, size=1, dynamic_size=True, clear_after_read=False)

    def body(i, ta):
        return i + 1, ta.write(i, tf.fill([2], tf.cast(i * i, tf.float32)))
    _, out = tf.while_loop(lambda i, ta: i < 6, body, [0, ta])
    sc = tf.TensorArray(tf.float32, size=6)

    def body2(i, sc):
        return i + 1, sc.scatter(tf.stack([i, i + 3]), tf.fill([2, 2], tf.cast(i, tf.float32)))
    _, sc = tf.while_loop(lambda i, sc: i < 3, body2, [0, sc])
    return {"stack": out.stack(), "size": out.size(), "gather": out.gather(tf.range(1, 6, 2)),
            "scatter_stack": sc.stack()}


def loop_nested(tf):
    """Nested structures of TensorArrays and tensors as loop variables; tf.cond writing."""
    x = tf.constant(_seq())
    state = {"h": tf.zeros([2, 3]), "tas": (tf.TensorArray(tf.float32, size=4),
                                            tf.TensorArray(tf.int32, size=4))}

    def body(i, state):
        h = state["h"] * 0.5 + x[i]
        a, b = state["tas"]
        a = tf.cond(i % 2 > 0, lambda: a.write(i, h), lambda: a.write(i, -h))
        return i + 1, {"h": h, "tas": (a, b.write(i, i * 10))}
    _, final = tf.while_loop(lambda i, s: i < 4, body, [0, state])
    return {"h": final["h"], "a": final["tas"][0].stack(), "b": final["tas"][1].stack()}


# -- gradients ---------------------------------------------------------------------------------

def grads_outside(tf):
    """tf.gradients through write / read / stack / unstack / gather / scatter / concat /
    split outside loops; an element read twice (summed), one never read (zero)."""
    x = tf.constant(_seq(3, 2, 2))
    w = tf.constant(np.arange(1, 5, dtype=np.float32).reshape(2, 2))
    ta = tf.TensorArray(tf.float32, size=3, clear_after_read=False).unstack(tf.tanh(x) * w)
    y1 = tf.reduce_sum(ta.read(0) * ta.read(0)) + tf.reduce_sum(ta.read(0) * 3.)
    y2 = tf.reduce_sum(ta.gather([2, 2]) * w)
    t2 = tf.TensorArray(tf.float32, size=4).write(0, w * 2.).write(1, x[0] * w).scatter(
        [2, 3], x[1:] * w)
    y3 = tf.reduce_sum(tf.sin(t2.stack()))
    y4 = tf.reduce_sum(tf.TensorArray(tf.float32, size=2, infer_shape=False).split(
        tf.reshape(x * w, [6, 2]), [1, 5]).concat() ** 2)
    t5 = tf.TensorArray(tf.float32, size=3).write(0, w).write(1, w * w).write(2, w * 3.)
    y5 = tf.reduce_sum(t5.read(1))  # elements 0 and 2 never read: zero gradient
    out = {}
    for k, y in (("read", y1), ("gather", y2), ("stack", y3), ("concat", y4), ("unread", y5)):
        out["d%s_dw" % k] = tf.gradients(y, w)[0]
    out["dall_dx"] = tf.gradients(y1 + y2 + y3 + y4, x)[0]
    return out


def _rnn(tf, x, t):
    """A hand-written RNN: unstack the inputs, a cell in a while loop, write the outputs,
    stack them; the loss reads one output twice."""
    rng = np.random.RandomState(1)
    with tf.variable_scope("rnn"):
        wx = tf.get_variable("wx", initializer=rng.randn(3, 4).astype(np.float32) * 0.5)
        wh = tf.get_variable("wh", initializer=rng.randn(4, 4).astype(np.float32) * 0.5)
        b = tf.get_variable("b", initializer=np.zeros(4, np.float32))
    inputs = tf.TensorArray(tf.float32, size=t).unstack(x)
    outputs = tf.TensorArray(tf.float32, size=t, clear_after_read=False)

    def body(i, h, outputs):
        h = tf.tanh(tf.matmul(inputs.read(i), wx) + tf.matmul(h, wh) + b)
        return i + 1, h, outputs.write(i, h)
    _, h, outputs = tf.while_loop(lambda i, h, o: i < t, body,
                                  [tf.constant(0), tf.zeros([2, 4]), outputs])
    seq = outputs.stack()
    loss = tf.reduce_mean(seq ** 2) + tf.reduce_sum(h * 0.1) + tf.reduce_sum(
        outputs.read(1) * outputs.read(1))
    return [wx, wh, b], loss, seq


def rnn_gradients(tf):
    x = tf.constant(_seq())
    variables, loss, seq = _rnn(tf, x, 4)
    grads = tf.gradients(loss, variables + [x])
    return {"loss": loss, "seq": seq, "dwx": grads[0], "dwh": grads[1], "db": grads[2],
            "dx": grads[3]}


def train_rnn(tf, optimizer):
    """Three training steps of _rnn with `optimizer` ('adam' or 'sgd'); the losses and the
    trained variables (run by the caller: see run_training)."""
    x = tf.constant(_seq())
    variables, loss, _ = _rnn(tf, x, 4)
    opt = (tf.train.AdamOptimizer(0.05) if optimizer == "adam"
           else tf.train.GradientDescentOptimizer(0.1))
    return opt.minimize(loss), loss, variables


def run_training(tf, optimizer, steps=3):
    with tf.Graph().as_default():
        train, loss, variables = train_rnn(tf, optimizer)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [float(sess.run([train, loss])[1]) for _ in range(steps)]
            return {"losses": losses,
                    "variables": [v.tolist() for v in sess.run(variables)]}


def loop_gather_scatter_grads(tf):
    """Gradients through gather / scatter with index tensors inside a loop, and through a
    dynamic_size array, and a loop-captured flow read twice."""
    w = tf.constant(np.linspace(-1., 1., 6, dtype=np.float32).reshape(3, 2))
    src = tf.TensorArray(tf.float32, size=3, clear_after_read=False).unstack(w * 2.)
    dst = tf.TensorArray(tf.float32, size=1, dynamic_size=True, clear_after_read=False)

    def body(i, acc, dst):
        g = src.gather(tf.stack([i, 2 - i]))
        acc = acc + tf.reduce_sum(g * g) + tf.reduce_sum(src.read(i))
        dst = dst.scatter(tf.stack([2 * i, 2 * i + 1]), g * acc)
        return i + 1, acc, dst
    _, acc, dst = tf.while_loop(lambda i, a, d: i < 3, body, [0, tf.constant(0.), dst])
    y = acc + tf.reduce_sum(tf.sin(dst.stack()))
    return {"y": y, "dw": tf.gradients(y, w)[0], "stack": dst.stack()}


VALUE_PROGRAMS = {"basic": basic, "unstack_scatter_split": unstack_scatter_split,
                  "loop_write_stack": loop_write_stack, "loop_unstack_read": loop_unstack_read,
                  "loop_dynamic_size": loop_dynamic_size, "loop_nested": loop_nested,
                  "grads_outside": grads_outside, "rnn_gradients": rnn_gradients,
                  "loop_gather_scatter_grads": loop_gather_scatter_grads}
SHAPE_PROGRAMS = {"static_shapes": static_shapes}


# -- misuses -----------------------------------------------------------------------------------

def _read_unwritten(tf):
    return tf.TensorArray(tf.float32, size=3).write(0, [1.]).read(1)


def _read_unwritten_known_shape(tf):
    return tf.TensorArray(tf.float32, size=3, element_shape=[2]).write(0, [1., 2.]).read(1)


def _write_twice(tf):
    return tf.TensorArray(tf.float32, size=3).write(0, [1.]).write(0, [2.]).read(0)


def _write_out_of_range(tf):
    return tf.TensorArray(tf.float32, size=2).write(5, [1.]).read(0)


def _read_out_of_range(tf):
    return tf.TensorArray(tf.float32, size=2).write(0, [1.]).read(3)


def _read_twice(tf):
    ta = tf.TensorArray(tf.float32, size=2).write(0, [1.])
    a = ta.read(0)
    with tf.control_dependencies([a]):
        b = ta.read(0)
    return [a, b]


def _stack_empty(tf):
    return tf.TensorArray(tf.float32, size=0).stack()


def _concat_empty(tf):
    return tf.TensorArray(tf.float32, size=0).concat()


def _unstack_mismatch(tf):
    return tf.TensorArray(tf.float32, size=2).unstack(tf.zeros([3, 2])).stack()


def _scatter_out_of_range(tf):
    return tf.TensorArray(tf.float32, size=2).scatter([0, 4], tf.zeros([2, 2])).stack()


def _split_mismatch(tf):
    return tf.TensorArray(tf.float32, size=2).split(tf.zeros([5, 2]), [2, 2]).concat()


def _stack_inconsistent(tf):
    ph = tf.placeholder(tf.float32, [None])
    ta = tf.TensorArray(tf.float32, size=2, infer_shape=False).write(0, [1., 2.]).write(1, ph)
    return ta.stack(), {ph: [1., 2., 3.]}


def _write_runtime_shape(tf):
    ph = tf.placeholder(tf.float32, [None])
    ta = tf.TensorArray(tf.float32, size=2).write(0, [1., 2.]).write(1, ph)
    return ta.read(1), {ph: [1., 2., 3.]}


RUN_ERRORS = {"read_unwritten": _read_unwritten, "write_twice": _write_twice,
              "write_out_of_range": _write_out_of_range, "read_out_of_range": _read_out_of_range,
              "read_twice": _read_twice, "stack_empty": _stack_empty,
              "concat_empty": _concat_empty, "unstack_mismatch": _unstack_mismatch,
              "scatter_out_of_range": _scatter_out_of_range, "split_mismatch": _split_mismatch,
              "stack_inconsistent": _stack_inconsistent,
              "write_runtime_shape": _write_runtime_shape,
              "read_unwritten_known_shape": _read_unwritten_known_shape}


def _build_incompatible(tf):
    return tf.TensorArray(tf.float32, size=2).write(0, [1., 2.]).write(1, [1., 2., 3.])


def _build_dtype(tf):
    return tf.TensorArray(tf.float32, size=2).write(0, tf.constant([1, 2]))


def _build_element_shape(tf):
    return tf.TensorArray(tf.float32, size=2, element_shape=[3]).write(0, [1., 2.])


def _build_unstack_shape(tf):
    return tf.TensorArray(tf.float32, size=2, element_shape=[3]).unstack(tf.zeros([2, 2]))


BUILD_ERRORS = {"incompatible": _build_incompatible, "dtype": _build_dtype,
                "element_shape": _build_element_shape, "unstack_shape": _build_unstack_shape}


def shape_of(t):
    dims = t.shape.as_list() if t.shape.ndims is not None else None
    return dims


def loop_cond_mixed(tf):
    """A captured array read in tf.cond branches inside a loop, a float and an int32 array
    carried as a tuple, shape invariants; the gradient through all of it; a grad() array."""
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2) / 6)
    ta = tf.TensorArray(tf.float32, size=3)
    tb = tf.TensorArray(tf.int32, size=3)
    src = tf.TensorArray(tf.float32, size=3).unstack(x)

    def body(i, h, tas):
        a, b = tas
        v = tf.cond(i > 0, lambda: src.read(i) * h, lambda: src.read(i) + h)
        return i + 1, v, (a.write(i, v), b.write(i, i))
    _, h, (a, b) = tf.while_loop(
        lambda i, h, t: i < 3, body, [0, tf.ones([2]), (ta, tb)],
        shape_invariants=[tf.TensorShape([]), tf.TensorShape([2]),
                          (tf.TensorShape(None), tf.TensorShape(None))])
    loss = tf.reduce_sum(a.stack()) + tf.reduce_sum(h)
    return {"loss": loss, "dx": tf.gradients(loss, x)[0], "ints": b.stack(),
            "grad_flow": ta.grad("x").flow}


VALUE_PROGRAMS["loop_cond_mixed"] = loop_cond_mixed


def nested_loops(tf):
    """An array made and stacked inside each iteration of an outer loop, written into the
    outer loop's array; the gradient through both loops."""
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 12)

    def outer_body(i, ta):
        def inner_body(j, t):
            return j + 1, t.write(j, tf.sin(x[i, j]) * tf.cast(j + i, tf.float32))
        _, inner = tf.while_loop(lambda j, t: j < 4, inner_body,
                                 [0, tf.TensorArray(tf.float32, size=4)])
        return i + 1, ta.write(i, inner.stack())
    _, outer = tf.while_loop(lambda i, t: i < 3, outer_body,
                             [0, tf.TensorArray(tf.float32, size=3)])
    y = outer.stack()
    return {"stack": y, "dx": tf.gradients(tf.reduce_sum(y * y), x)[0]}


VALUE_PROGRAMS["nested_loops"] = nested_loops
