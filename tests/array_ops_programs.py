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


def shapes_and_selects(tf):
    """where_v2, ensure_shape, broadcast_static_shape / broadcast_dynamic_shape, saturate_cast,
    unravel_index, reverse_v2, lin_space."""
    out = {}
    with tf.Graph().as_default() as g:
        c = tf.placeholder(tf.bool, [None, 1], name="c")
        x = tf.placeholder(tf.float32, [3], name="x")
        y = tf.placeholder(tf.float32, [2, 1], name="y")
        feed = {c: [[True], [False]], x: [1.0, -2.0, 3.0], y: [[0.5], [-0.25]]}
        start = len(g.get_operations())
        w = tf.where_v2(c, x, y)
        out["where_v2"] = [described(w), ops_since(g, start)]
        gw = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        out["where_v2_values"] = [listed(v) for v in run(
            tf, [w] + tf.gradients(w, [x, y], grad_ys=gw), feed)]
        s = tf.where_v2(c, x, 0.0, name="scalar")
        out["where_v2_scalar"] = [described(s), listed(run(tf, s, feed))]
        out["where_v2_coordinates"] = described(tf.where_v2(c))
        out["where_v2_errors"] = {
            "one_none": error(lambda: tf.where_v2(c, x)),
            "broadcast": error(lambda: tf.where_v2(c, x, tf.zeros([4]))),
            "dtypes": error(lambda: tf.where_v2(c, x, tf.zeros([3], tf.int32))),
        }
        ep = tf.placeholder(tf.float32, [None, None], name="e")
        e = tf.ensure_shape(ep, [None, 3])
        out["ensure_shape"] = described(e)
        out["ensure_shape_value"] = listed(run(tf, e, {ep: np.ones((2, 3))}))
        out["ensure_shape_grad"] = listed(run(tf, tf.gradients(e * 2.0, ep)[0],
                                               {ep: np.ones((2, 3))}))
        out["ensure_shape_errors"] = {
            "run": error(lambda: run(tf, e, {ep: np.ones((2, 4))})),
            "rank": error(lambda: run(tf, tf.ensure_shape(tf.placeholder(tf.float32), [None, 3]),
                                      {"Placeholder:0": np.ones((1, 1, 3))})),
            "static": error(lambda: tf.ensure_shape(x, [4])),
        }
        out["broadcast_static_shape"] = [
            tf.broadcast_static_shape(tf.TensorShape([None, 3]),
                                      tf.TensorShape([2, 1])).as_list(),
            error(lambda: tf.broadcast_static_shape(tf.TensorShape([2, 3]),
                                                    tf.TensorShape([4])))]
        start = len(g.get_operations())
        b = tf.broadcast_dynamic_shape(tf.shape(y), [3, 1, 4])
        out["broadcast_dynamic_shape"] = [described(b), ops_since(g, start),
                                          listed(run(tf, b, feed)),
                                          error(lambda: run(tf, tf.broadcast_dynamic_shape(
                                              tf.shape(y), [3, 4]), feed))]
        start = len(g.get_operations())
        v = tf.constant([-300.0, -1.5, 0.0, 2.7, 255.5, 1e6], name="v")
        sc = tf.saturate_cast(v, tf.uint8)
        out["saturate_cast"] = [described(sc), ops_since(g, start), listed(run(tf, sc))]
        si = tf.saturate_cast(tf.constant([-70000, 5, 70000]), tf.int16, name="narrow")
        out["saturate_cast_int"] = [described(si), listed(run(tf, si))]
        sg = tf.saturate_cast(v, tf.float64)
        out["saturate_cast_grad"] = listed(run(tf, tf.gradients(sg, v)[0]))
        u = tf.unravel_index(tf.constant([5, 7, 0]), tf.constant([3, 4]))
        out["unravel_index"] = [described(u), listed(run(tf, u))]
        u0 = tf.unravel_index(tf.constant(11, tf.int64), tf.constant([3, 4], tf.int64))
        out["unravel_scalar"] = [described(u0), listed(run(tf, u0))]
        u2 = tf.unravel_index(tf.constant([[1, 2]]), tf.constant([2, 2]))
        out["unravel_matrix"] = described(u2)
        out["unravel_errors"] = {
            "range": error(lambda: run(tf, tf.unravel_index(tf.constant([12]),
                                                            tf.constant([3, 4])))),
            "dtypes": error(lambda: tf.unravel_index(tf.constant([1]),
                                                     tf.constant([3, 4], tf.int64))),
            "float": error(lambda: tf.unravel_index(tf.constant([1.0]), tf.constant([3.0]))),
        }
        r = tf.reverse_v2(tf.constant([[1, 2], [3, 4]]), [1])
        ls = tf.lin_space(0.0, 1.0, 5)
        out["aliases"] = [described(r), listed(run(tf, r)), described(ls), listed(run(tf, ls))]
    return out


def searches_and_repeats(tf, log=None):
    """searchsorted, repeat, batch_gather (names, static shapes, values, gradients, errors)."""
    out = {}
    with tf.Graph().as_default() as g:
        seq = tf.placeholder(tf.float32, [None, 2, 5], name="seq")
        val = tf.placeholder(tf.float32, [None, 2, 3], name="val")
        feed = {seq: [[[1, 2, 2, 3, 5], [-1, 0, 0, 0, 4]]],
                val: [[[2, 6, 0], [0, -3, 4]]]}
        start = len(g.get_operations())
        left = tf.searchsorted(seq, val)
        out["searchsorted"] = [described(left), ops_since(g, start)]
        right = tf.searchsorted(seq, val, side="right", out_type=tf.int64, name="r")
        out["searchsorted_values"] = [described(right)] + [listed(v) for v in run(
            tf, [left, right], feed)]
        out["searchsorted_errors"] = {
            "side": error(lambda: tf.searchsorted(seq, val, side="middle")),
            "rows": error(lambda: run(tf, tf.searchsorted(seq, tf.zeros([3, 3])), feed)),
        }
        d = tf.placeholder(tf.float32, [None, 3], name="d")
        dv = np.arange(6, dtype=np.float32).reshape(2, 3) - 2
        cases = {"scalar_axis1": lambda: tf.repeat(d, 2, axis=1),
                 "vector_axis1": lambda: tf.repeat(d, [1, 0, 3], axis=1),
                 "vector_axis0": lambda: tf.repeat(d, [2, 1], axis=0),
                 "flat": lambda: tf.repeat(d, 2),
                 "negative_axis": lambda: tf.repeat(d, [3, 1, 1], axis=-1),
                 "runtime_counts": lambda: tf.repeat(d, tf.placeholder_with_default(
                     [1, 2, 0], [None]), axis=1)}
        for case, build in cases.items():
            y = build()
            gy = tf.gradients(y, d, grad_ys=tf.reshape(tf.cast(tf.range(tf.size(y)),
                                                               tf.float32), tf.shape(y)))[0]
            out["repeat_" + case] = [described(y)] + [listed(v) for v in run(
                tf, [y, gy], {d: dv})]
        out["repeat_named"] = tf.repeat(d, 2, name="rep").name
        out["repeat_errors"] = {
            "count_length": error(lambda: tf.repeat(d, [1, 2], axis=1)),
            "axis": error(lambda: tf.repeat(d, 2, axis=2)),
        }
        p = tf.placeholder(tf.float32, [None, 4, 2], name="p")
        i = tf.placeholder(tf.int32, [None, 3], name="i")
        pv = np.arange(16, dtype=np.float32).reshape(2, 4, 2) / 2
        iv = np.array([[0, 3, 3], [1, 2, 0]], np.int32)
        if log is not None:
            log.clear()
        bg = tf.batch_gather(p, i)
        gw = tf.constant(np.arange(12, dtype=np.float32).reshape(2, 3, 2))
        out["batch_gather"] = [described(bg)] + [listed(v) for v in run(
            tf, [bg, tf.gradients(bg, p, grad_ys=gw)[0]], {p: pv, i: iv})]
        if log is not None:
            out["batch_gather_warning"] = [m.split("\n")[-1] for m in log]
        b3 = tf.batch_gather(tf.constant(pv.reshape(2, 2, 2, 2)), [[[1], [0]], [[0], [1]]])
        out["batch_gather_two_batch_axes"] = [shape_of(b3), listed(run(tf, b3))]
        b1 = tf.batch_gather(tf.constant([5.0, 6.0, 7.0]), [2, 0])
        out["batch_gather_vector"] = [described(b1), listed(run(tf, b1))]
        out["batch_gather_errors"] = {
            "range": error(lambda: run(tf, tf.batch_gather(p, i), {p: pv, i: iv + 2})),
        }
    return out


IMAGES = (np.arange(2 * 4 * 6 * 3, dtype=np.float32).reshape(2, 4, 6, 3) - 70) / 8


def space_depth_batch(tf):
    """space_to_depth / depth_to_space, space_to_batch(_nd) / batch_to_space(_nd)."""
    out = {}
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 4, 6, 3], name="x")
        feed = {x: IMAGES}

        def case(key, y, source=x, value=IMAGES):
            w = tf.reshape(tf.cast(tf.range(tf.size(y)), tf.float32) / 16, tf.shape(y))
            got = run(tf, [y, tf.gradients(y, source, grad_ys=w)[0]], {source: value})
            out[key] = [described(y)] + [listed(v) for v in got]

        start = len(g.get_operations())
        case("space_to_depth", tf.space_to_depth(x, 2))
        out["space_to_depth_ops"] = ops_since(g, start)[:1]
        d = tf.placeholder(tf.float32, [None, 2, 3, 12], name="d")
        case("depth_to_space", tf.depth_to_space(d, 2), d, IMAGES.reshape(2, 2, 3, 12))
        case("nn_space_to_depth", tf.nn.space_to_depth(x, 2, name="s2d"))
        case("nn_depth_to_space", tf.nn.depth_to_space(d, 2, name="d2s"), d,
             IMAGES.reshape(2, 2, 3, 12))
        out["depth_errors"] = {
            "not_divisible": error(lambda: tf.space_to_depth(x, 4)),
            "depth": error(lambda: tf.depth_to_space(x, 2)),
            "block_1": error(lambda: tf.space_to_depth(x, 1)),
            "rank": error(lambda: tf.space_to_depth(tf.zeros([4, 4, 3]), 2)),
            "runtime": error(lambda: run(tf, tf.space_to_depth(
                tf.placeholder(tf.float32, [None, None, None, 3], name="u"), 2),
                {"u:0": np.zeros((1, 3, 4, 3))})),
        }
        start = len(g.get_operations())
        case("space_to_batch_nd", tf.space_to_batch_nd(x, [2, 3], [[0, 2], [1, 2]]))
        out["space_to_batch_nd_ops"] = ops_since(g, start)[:3]
        b = tf.placeholder(tf.float32, [12, None, 2, 3], name="b")
        bv = IMAGES.reshape(12, 2, 2, 3)
        case("batch_to_space_nd", tf.batch_to_space_nd(b, [2, 3], [[1, 0], [2, 1]]), b, bv)
        case("space_to_batch_nd_1d", tf.space_to_batch_nd(x, [2], [[1, 1]], name="one"))
        start = len(g.get_operations())
        case("space_to_batch", tf.space_to_batch(x, [[0, 0], [1, 1]], 2))
        out["space_to_batch_ops"] = ops_since(g, start)[:3]
        b2 = tf.placeholder(tf.float32, [8, 2, 3, 3], name="b2")
        case("batch_to_space", tf.batch_to_space(b2, [[0, 1], [1, 0]], 2), b2,
             IMAGES.reshape(8, 2, 3, 3))
        out["batch_errors"] = {
            "not_divisible": error(lambda: tf.space_to_batch_nd(x, [3, 2], [[0, 0], [0, 0]])),
            "batch": error(lambda: tf.batch_to_space_nd(tf.zeros([5, 2, 2, 1]), [2, 2],
                                                        [[0, 0], [0, 0]])),
            "negative_pad": error(lambda: tf.space_to_batch_nd(x, [2, 2], [[-1, 1], [0, 0]])),
            "crop_too_much": error(lambda: tf.batch_to_space_nd(tf.zeros([4, 1, 1, 1]), [2, 2],
                                                                [[1, 2], [0, 0]])),
            "paddings_shape": error(lambda: tf.space_to_batch_nd(x, [2, 2], [[0, 0]])),
        }
    return out


def image_patches(tf):
    """extract_image_patches: VALID and SAME, strides and rates; names, shapes, values,
    gradients, errors."""
    out = {}
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5, 6, 2], name="x")
        xv = (np.arange(60, dtype=np.float32).reshape(1, 5, 6, 2) - 30) / 8
        for key, kwargs in (("valid", dict(ksizes=[1, 2, 3, 1], strides=[1, 2, 1, 1],
                                           rates=[1, 1, 1, 1], padding="VALID")),
                            ("same_rates", dict(ksizes=[1, 3, 2, 1], strides=[1, 2, 3, 1],
                                                rates=[1, 2, 2, 1], padding="SAME"))):
            y = tf.extract_image_patches(x, **kwargs)
            w = tf.reshape(tf.cast(tf.range(tf.size(y)), tf.float32) / 16, tf.shape(y))
            out[key] = [described(y)] + [listed(v) for v in run(
                tf, [y, tf.gradients(y, x, grad_ys=w)[0]], {x: xv})]
        out["named"] = tf.extract_image_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1],
                                                "VALID", name="p").name
        out["errors"] = {
            "padding": error(lambda: tf.extract_image_patches(x, [1, 2, 2, 1], [1, 1, 1, 1],
                                                              [1, 1, 1, 1], "FULL")),
        }
        out["too_big"] = shape_of(tf.extract_image_patches(x, [1, 6, 2, 1], [1, 1, 1, 1],
                                                           [1, 1, 1, 1], "VALID"))
    return out


PROGRAMS = {f.__name__: f for f in (tensor_scatter, variable_scatter, partition_stitch,
                                    shapes_and_selects, searches_and_repeats,
                                    space_depth_batch, image_patches)}


def run_program(tf, name, log=None):
    """Runs the program `name`; `log`, a list the framework's logger appends each message to,
    is handed to programs that check warnings."""
    fn = PROGRAMS[name]
    return fn(tf, log) if fn.__code__.co_argcount == 2 else fn(tf)
