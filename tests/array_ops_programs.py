"""TF1 array-op programs for tests/test_array_ops_tf1.py: each a function of the `tf` module it
runs on (minitf, or TensorFlow's `tensorflow.compat.v1`) returning what a user observes (op
names and types, static shapes, dtypes, fetched values and gradients, the class and message of
errors). tests/record_tf_array_ops.py runs them with TensorFlow into
tests/fixtures/tf_array_ops.json; the test runs them with minitf and compares. Imports only
numpy."""

import re

import numpy as np

T = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -2.5], [3.0, 1.0, 0.25], [-0.5, 2.0, 1.0]],
             np.float32)
ROW_INDICES = np.array([[3], [1]], np.int32)
ROWS = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, -3.0]], np.float32)
# element indices, one repeated; ties between the tensor and an update ((2, 2): 0.25) and
# between two updates at the repeated index
ELEMENT_INDICES = np.array([[0, 1], [2, 2], [0, 1], [3, 0]], np.int32)
ELEMENTS = np.array([4.0, 0.25, 4.0, -2.0], np.float32)
W = np.arange(12, dtype=np.float32).reshape(4, 3) / 4 - 1


def error(fn):
    """[class name, the message's line that says what is wrong] of what fn() raises, or None.
    (TF 2's graph errors open with "Graph execution error:" and put the kernel's words after
    the line naming the node; minitf appends the op, its shapes and where it was created.)"""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are what is recorded
        lines = getattr(e, "message", str(e)).split("\n")
        nodes = [i for i, line in enumerate(lines) if line.startswith("Node: ")]
        line = lines[nodes[-1] + 1] if nodes else lines[0]
        return [type(e).__name__, re.sub(r" \(op \w+ '.*$", "", line)]
    return None


def listed(v):
    return np.asarray(v).tolist()


def shape_of(t):
    s = t.shape
    return None if s.ndims is None else [d if isinstance(d, int) or d is None else d.value
                                         for d in s.as_list()]


def described(t):
    return [t.name, t.op.type, shape_of(t), t.dtype.name]


def run(tf, fetches, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(fetches, feed)


TENSOR_SCATTERS = ("tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub",
                   "tensor_scatter_nd_max", "tensor_scatter_nd_min", "tensor_scatter_update",
                   "tensor_scatter_add", "tensor_scatter_sub")


def tensor_scatter(tf):
    out = {}
    for fname in TENSOR_SCATTERS:
        fn = getattr(tf, fname)
        rec = {}
        with tf.Graph().as_default():
            t = tf.constant(T, name="t")
            for case, (idx, upd) in (("rows", (ROW_INDICES, ROWS)),
                                     ("elements", (ELEMENT_INDICES, ELEMENTS))):
                if case == "elements" and "update" in fname:
                    idx, upd = ELEMENT_INDICES[1:], ELEMENTS[1:]  # (repeats: any one wins)
                u = tf.constant(upd, name="u")
                y = fn(t, idx, u)
                gt, gu = tf.gradients(y, [t, u], grad_ys=tf.constant(W))
                rec[case] = described(y) + [listed(v) for v in run(tf, [y, gt, gu])]
            rec["named"] = fn(t, ROW_INDICES, ROWS, name="foo").name
            ph = tf.placeholder(tf.float32, [None, 3])
            rec["none_dims"] = shape_of(fn(ph, tf.placeholder(tf.int64, [None, 1]),
                                           tf.placeholder(tf.float32, [None, 3])))
            rec["unknown_indices"] = shape_of(fn(ph, tf.placeholder(tf.int32),
                                                 tf.placeholder(tf.float32)))
            i32 = fn(tf.constant([[1, 2], [3, 4]]), [[1]], [[7, 8]])
            rec["int32"] = [i32.dtype.name, listed(run(tf, i32))]
            rec["errors"] = {
                "updates_dtype": error(lambda: fn(t, ROW_INDICES, tf.ones([2, 3], tf.int32))),
                "updates_shape": error(lambda: fn(t, ROW_INDICES, tf.zeros([2, 4]))),
                "index_depth": error(lambda: run(tf, fn(t, [[0, 0, 0]], [1.0]))),
                "float_indices": error(lambda: fn(t, tf.constant([[1.0]]), tf.zeros([1, 3]))),
                "out_of_range": error(lambda: run(tf, fn(t, [[1], [4]], tf.zeros([2, 3])))),
                "negative": error(lambda: run(tf, fn(t, [[0, -1]], [1.0]))),
            }
        out[fname] = rec
    return out


VARIABLE_SCATTERS = ("scatter_nd_update", "scatter_nd_add", "scatter_nd_sub", "scatter_mul",
                     "scatter_div", "scatter_max", "scatter_min")


def variable_scatter(tf):
    out = {}
    for fname in VARIABLE_SCATTERS:
        fn = getattr(tf, fname)
        nd = "_nd_" in fname
        rec = {}
        with tf.Graph().as_default():
            v = tf.Variable(T, name="v")
            if nd:
                cases = (("rows", ROW_INDICES, ROWS),
                         ("elements", ELEMENT_INDICES[1:] if "update" in fname
                          else ELEMENT_INDICES,
                          ELEMENTS[1:] if "update" in fname else ELEMENTS))
            else:
                cases = (("rows", ROW_INDICES[:, 0], ROWS),
                         ("repeated", np.array([2, 0, 2], np.int32),
                          np.array([[2.0, -4.0, 0.5], [0.5, 3.0, -1.0], [-1.0, 0.5, 2.0]],
                                   np.float32)))
            for case, idx, upd in cases:
                y = fn(v, idx, upd)
                with tf.Session() as s:
                    s.run(v.initializer)
                    got = s.run(y)
                    after = s.run(v)
                rec[case] = [y.name, y.op.type, shape_of(y), y.dtype.name, listed(got),
                             listed(after)]
            rec["named"] = fn(v, cases[0][1], cases[0][2], name="foo").name
            rec["use_locking"] = fn(v, cases[0][1], cases[0][2]).op.get_attr("use_locking")
            rec["errors"] = {
                "updates_dtype": error(lambda: fn(v, cases[0][1], tf.ones([2, 3], tf.int32))),
                "updates_shape": error(lambda: fn(v, cases[0][1], tf.zeros([2, 4]))),
                "out_of_range": error(lambda: run(tf, fn(v, np.array([[1], [4]]) if nd
                                                         else [1, 4], tf.zeros([2, 3])))),
                "uninitialized": error(lambda: tf.Session().run(fn(v, cases[0][1], cases[0][2]))),
            }
            iv = tf.Variable([[6, -7], [9, 3]], name="iv")
            iy = fn(iv, [[0]] if nd else [0], [[2, 2]])  # (-7 / 2: C rounds toward zero)
            with tf.Session() as s:
                s.run(iv.initializer)
                rec["int32"] = [iy.dtype.name, listed(s.run(iy))]
        out[fname] = rec
    return out


def ops_since(g, start):
    return [[o.name, o.type] for o in g.get_operations()[start:]]


DATA = (np.arange(24, dtype=np.float32).reshape(4, 2, 3) - 11) / 4
PARTS = np.array([2, 0, 2, 1], np.int32)


def partition_stitch(tf):
    out = {}
    with tf.Graph().as_default() as g:
        d = tf.placeholder(tf.float32, [None, 2, 3], name="d")
        p = tf.placeholder(tf.int32, [None], name="p")
        feed = {d: DATA, p: PARTS}
        parts = tf.dynamic_partition(d, p, 3)
        out["partition"] = [described(t) for t in parts]
        w = [tf.constant(np.full((n, 2, 3), k + 1, np.float32) * DATA[PARTS == k])
             for k, n in enumerate([1, 1, 2])]
        start = len(g.get_operations())
        grad = tf.gradients(parts, d, grad_ys=w)[0]
        out["partition_grad_ops"] = [t for _, t in ops_since(g, start)]
        out["partition_values"] = [listed(v) for v in run(tf, parts + [grad], feed)]
        p2 = tf.constant([[1, 0], [0, 1], [1, 1], [0, 0]])
        parts2 = tf.dynamic_partition(d, p2, 2, name="two")
        out["partition_2d"] = [described(t) for t in parts2] + [
            listed(v) for v in run(tf, parts2 + tf.gradients(parts2[1], d), feed)]
        out["partition_errors"] = {
            "out_of_range": error(lambda: run(tf, tf.dynamic_partition(d, p, 2), feed)),
            "float_partitions": error(lambda: tf.dynamic_partition(d, [0.5], 2)),
            "shape": error(lambda: tf.dynamic_partition(d, tf.zeros([4, 3], tf.int32), 2)),
        }
        i0, i1 = tf.constant([0, 4]), tf.constant([[1], [3]])
        d0 = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        d1 = tf.placeholder(tf.float32, [2, 1, None], name="d1")
        st = tf.dynamic_stitch([i0, i1], [d0, d1])
        out["stitch"] = described(st)
        dv = np.array([[[5.0, 6.0]], [[7.0, 8.0]]], np.float32)
        gw = tf.constant(np.arange(10, dtype=np.float32).reshape(5, 2))
        out["stitch_values"] = [listed(v) for v in run(
            tf, [st] + tf.gradients(st, [d0, d1], grad_ys=gw), {d1: dv})]
        pi = tf.placeholder(tf.int32, [None], name="pi")
        dup = tf.dynamic_stitch([pi, tf.constant([1])], [tf.constant([1.0, 2.0, 3.0]),
                                                           tf.constant([9.0])], name="dup")
        out["stitch_dup"] = [described(dup)] + [listed(v) for v in run(
            tf, [dup], {pi: [0, 1, 1]})]
        out["stitch_errors"] = {
            "negative": error(lambda: run(tf, tf.dynamic_stitch([pi], [tf.constant([1.0])]),
                                          {pi: [-1]})),
            "dtypes": error(lambda: tf.dynamic_stitch([i0, i1], [d0, tf.constant([[1, 2]])])),
            "shape": error(lambda: tf.dynamic_stitch([i0, i1], [d0, tf.zeros([2, 3])])),
            "lengths": error(lambda: tf.dynamic_stitch([i0, i1], [d0])),
        }
    return out


PROGRAMS = {f.__name__: f for f in (tensor_scatter, variable_scatter, partition_stitch)}


def run_program(tf, name):
    return PROGRAMS[name](tf)
