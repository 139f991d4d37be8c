"""The TF1 aliases and composites of tests/test_tf1_compat.py as programs: each a function of
the `tf` module it runs on (minitf, or TensorFlow's `tensorflow.compat.v1`) returning what a user
observes (op names and types, dtypes, fetched values, deprecation warnings, the class and
message of errors). `log` is a list the caller's logging handler appends each message of the
framework's logger to. tests/record_tf_compat.py runs them with TensorFlow into
tests/fixtures/tf_compat.json; the test runs them with minitf and compares. Imports only numpy.
"""

import re

import numpy as np

X = np.array([[0.5, -1.25, 0.0], [2.0, 0.0, -3.5]], np.float32)
IMG = (np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2) % 7 - 3) / 2
SEQ = (np.arange(8, dtype=np.float32).reshape(1, 4, 2) % 5 - 2) / 2


def deprecations(messages):
    """(name, removal, instructions) of TF's deprecation warnings (the file and module differ)."""
    out = []
    for m in messages:
        found = re.match(r"From .*?: (\w+) \(from [\w.]+\) is deprecated and will be removed "
                         r"(.*?)\.\nInstructions for updating:\n(.*)$", m, re.S)
        if found:
            out.append(list(found.groups()))
    return out


def new_ops(g, start):
    return [[o.name, o.type] for o in g.get_operations()[start:]]


def error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are what is recorded
        lines = str(e).split("\n")
        # TF 2's run-time errors open with "Graph execution error:" and the kernel's message
        # stands on the line before "\t [[{{node ...}}]]"
        failed = [line for line in lines if line.startswith("assertion failed")] + [
            lines[i - 1] for i, line in enumerate(lines) if line.startswith("\t [[")]
        # (minitf adds the failing op, its shapes and where it was created)
        return [type(e).__name__, re.sub(r" \(op \w+ '.*$", "", (failed or lines)[0])]
    return None


def run(tf, fetches, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(fetches, feed)


def listed(v):
    return np.asarray(v).tolist()


def casts(tf, log):
    out = {}
    with tf.Graph().as_default():
        log.clear()
        x = tf.constant([1, 2], name="x")
        for fn in (tf.to_float, tf.to_double, tf.to_int32, tf.to_int64):
            y = fn(x)
            out[fn.__name__] = [y.name, y.dtype.name, listed(run(tf, y))]
        y = tf.to_float(x)
        out["again"] = y.name
        y = tf.to_float([1, 2])
        out["python"] = [y.name, y.op.inputs[0].name]
        out["named"] = tf.to_float(x, name="foo").name
        out["deprecations"] = deprecations(log)
    return out


def initializers(tf, log):
    out = {}
    with tf.Graph().as_default() as g:
        log.clear()
        v = tf.Variable(1.0, name="v")
        tf.Variable(2.0, name="w", collections=[tf.GraphKeys.LOCAL_VARIABLES])
        for key, fn in (("all", tf.initialize_all_variables),
                        ("local", tf.initialize_local_variables),
                        ("some", lambda: tf.initialize_variables([v])),
                        ("named", lambda: tf.initialize_variables([v], name="bar")),
                        ("none", lambda: tf.initialize_variables([])),
                        ("all_again", tf.initialize_all_variables)):
            op = fn()
            out[key] = [op.name, op.type, sorted(c.name for c in op.control_inputs)]
        out["all_variables"] = [v.name for v in tf.all_variables()]
        tf.all_variables()
        out["deprecations"] = deprecations(log)
        del g
    return out


def is_tensor(tf):
    with tf.Graph().as_default():
        x = tf.constant([1.0])
        v = tf.Variable(1.0)
        sp = tf.SparseTensor([[0]], [1.0], [2])
        return [tf.is_tensor(a) for a in (x, v, sp, np.ones(2), 1.0, [x], x.op)]


def asserts(tf):
    out = {}
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y = tf.placeholder(tf.float32, [None, 3], name="y")
        n = len(g.get_operations())
        a = tf.assert_near(x, y)
        out["near_ops"] = new_ops(g, n)[:10]
        with tf.Session() as s:
            s.run(a, {x: X, y: X + 1e-6})
            out["near_fail"] = error(lambda: s.run(a, {x: X, y: X + 1e-4}))
        # The tolerance check, point by point: TF's condition is |x - y| <= atol + rtol * |y|.
        x64 = tf.placeholder(tf.float64, [None], name="x64")
        y64 = tf.placeholder(tf.float64, [None], name="y64")
        near = []
        for dx in (0.0, 1e-6, 2e-6, 1e-5):
            with tf.Session() as s:
                try:
                    s.run(tf.assert_near(x64, y64, rtol=1e-6, atol=1e-6), {x64: [1.0 + dx],
                                                                           y64: [1.0]})
                    near.append(True)
                except tf.errors.InvalidArgumentError:
                    near.append(False)
        out["near_tolerance"] = near
        n = len(g.get_operations())
        tf.assert_near(x, y, rtol=0.5, atol=0.1, message="msg", name="nr")
        out["near_named_ops"] = new_ops(g, n)[:10]
        out["near_int"] = error(lambda: tf.assert_near(tf.constant([1]), tf.constant([1])))
        out["near_mixed"] = error(lambda: tf.assert_near(tf.constant([1.0]),
                                                         tf.constant([1.0], tf.float64)))
        n = len(g.get_operations())
        op = tf.assert_rank_in(x, (2, 3))
        out["rank_in_static"] = [op.name, op.type]
        out["rank_in_static_fail"] = error(lambda: tf.assert_rank_in(x, (1, 3), message="m"))
        out["rank_in_not_scalar"] = error(lambda: tf.assert_rank_in(x, ((2,), 3)))
        out["rank_in_float"] = error(lambda: tf.assert_rank_in(x, (2.0,)))
        z = tf.placeholder(tf.float32, name="z")
        op = tf.assert_rank_in(z, (1, 3))
        out["rank_in_dynamic"] = [op.name, op.type]
        with tf.Session() as s:
            s.run(op, {z: np.ones(3)})
            s.run(op, {z: np.ones((1, 1, 1))})
            out["rank_in_dynamic_fail"] = error(lambda: s.run(op, {z: np.ones((2, 2))}))
        d64 = tf.constant(1.0, tf.float64, name="d64")
        i32 = tf.constant(1, name="i32")
        same = {}
        for key, args in (("pair", ([x, y],)), ("dtype_only", (None, tf.float64)),
                          ("both", ([x], tf.float32)), ("nothing", ()),
                          ("mixed", ([x, d64],)), ("int", ([i32],)),
                          ("other_dtype", ([x], tf.float64)), ("int_dtype", (None, tf.int32))):
            try:
                same[key] = ["ok", tf.assert_same_float_dtype(*args).name]
            except Exception as e:  # noqa: BLE001
                same[key] = [type(e).__name__, str(e)]
        out["same_float_dtype"] = same
    return out


def shapes_and_values(tf):
    out = {}
    shape = tf.TensorShape([None, 3])
    out["dimension_value"] = [tf.dimension_value(shape[0]), tf.dimension_value(shape[1]),
                              tf.dimension_value(4), tf.dimension_value(None),
                              tf.dimension_value(tf.Dimension(5))]
    d = tf.dimension_at_index(shape, 1)
    out["dimension_at_index"] = [type(d).__name__, d.value,
                                 tf.dimension_at_index(shape, 0).value,
                                 tf.dimension_at_index(tf.TensorShape(None), 7).value]
    out["dimension_at_index_error"] = error(lambda: tf.dimension_at_index(shape, 5))
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [None, 3])
        c = tf.constant([[1, 2], [3, 4]])
        got = {"const": tf.get_static_value(c), "shape": tf.get_static_value(tf.shape(c)),
               "placeholder": tf.get_static_value(p),
               "partial_shape": tf.get_static_value(tf.shape(p), partial=True),
               "shape_unknown": tf.get_static_value(tf.shape(p)),
               "python": tf.get_static_value([1, 2]), "scalar": tf.get_static_value(3.5)}
        out["get_static_value"] = {
            k: None if v is None else [listed(v), v.dtype.name if isinstance(v, np.ndarray)
                                       else type(v).__name__] for k, v in got.items()}
    return out


def clip_by_average_norm(tf, log):
    with tf.Graph().as_default():
        log.clear()
        t = tf.constant(X)
        a = tf.clip_by_average_norm(t, 0.5)
        b = tf.clip_by_average_norm(t, 100.0, name="big")
        # TF counts the elements in float32, so float64 fails to build
        f64 = error(lambda: tf.clip_by_average_norm(X.astype(np.float64),
                                                    tf.constant(0.5, tf.float64)))
        return {"names": [a.name, b.name], "values": [listed(v) for v in run(tf, [a, b])],
                "float64": f64,
                "deprecations": deprecations(log)}


def nn(tf):
    out = {}
    with tf.Graph().as_default() as g:
        x = tf.constant(X, name="x")
        x64 = tf.constant(X.astype(np.float64), name="x64")
        n = len(g.get_operations())
        s1 = tf.nn.swish(x)
        out["swish_ops"] = new_ops(g, n)
        s2 = tf.nn.swish(x64, beta=1.5)
        g1 = tf.gradients(s1, x)[0]
        g2 = tf.gradients(s2, x64)[0]
        out["swish"] = [listed(v) for v in run(tf, [s1, s2, g1, g2])]
        w = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 4 - 1, name="w")
        b = tf.constant([0.5, -0.5, 1.0, -1.0], name="b")
        n = len(g.get_operations())
        r = tf.nn.relu_layer(x, w, b)
        xb = tf.nn.xw_plus_b(x, w, b)
        out["relu_layer_ops"] = new_ops(g, n)
        out["relu_layer"] = [listed(v) for v in run(tf, [r, xb])]
        n = len(g.get_operations())
        c = tf.nn.crelu(x)
        c0 = tf.nn.crelu(x, axis=0, name="c0")
        out["crelu_ops"] = new_ops(g, n)
        out["crelu"] = [listed(v) for v in run(tf, [c, c0])] + [c.shape.as_list(),
                                                            c0.shape.as_list()]
        img, seq = tf.constant(IMG, name="img"), tf.constant(SEQ, name="seq")
        pools = {}
        for key, fn, value, ks in (
                ("avg_pool2d", tf.nn.avg_pool2d, img, 2), ("max_pool2d", tf.nn.max_pool2d, img, 2),
                ("avg_pool_v2", tf.nn.avg_pool_v2, img, [2, 2]),
                ("max_pool_v2", tf.nn.max_pool_v2, img, 2),
                ("avg_pool1d", tf.nn.avg_pool1d, seq, 2), ("max_pool1d", tf.nn.max_pool1d, seq, 3),
                ("avg_pool_v2_1d", tf.nn.avg_pool_v2, seq, 2),
                ("max_pool_v2_1d", tf.nn.max_pool_v2, seq, [2])):
            n = len(g.get_operations())
            y = fn(value, ks, 2, "SAME")
            pools[key] = [new_ops(g, n), y.shape.as_list(), listed(run(tf, y))]
        out["pools"] = pools
        conv = {}
        f2 = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 2, 2, 3) / 10 - 1, name="f2")
        f1 = tf.constant(np.arange(12, dtype=np.float32).reshape(2, 2, 3) / 10 - 0.5, name="f1")
        for key, kwargs in (("2d", dict(input=img, filter=f2, padding="SAME")),
                            ("2d_strided", dict(input=img, filter=f2, padding="VALID",
                                                strides=[2, 2])),
                            ("1d", dict(input=seq, filter=f1, padding="VALID", strides=[2])),
                            ("1d_same", dict(input=seq, filter=f1, padding="SAME"))):
            y = tf.nn.convolution(**kwargs)
            conv[key] = [y.name, y.shape.as_list(), listed(run(tf, y))]
        out["convolution"] = conv
        n = len(g.get_operations())
        counts, m_ss, v_ss, shift = tf.nn.sufficient_statistics(x, [0])
        out["sufficient_statistics_ops"] = new_ops(g, n)
        mean, var = tf.nn.normalize_moments(counts, m_ss, v_ss, shift)
        out["normalize_moments_ops"] = new_ops(g, n)[len(out["sufficient_statistics_ops"]):]
        ss_shift = tf.nn.sufficient_statistics(x, [1], shift=0.5, keep_dims=True)
        moments_shift = tf.nn.normalize_moments(*ss_shift)
        p = tf.placeholder(tf.float32, [None, 3], name="p")
        ss_dynamic = tf.nn.sufficient_statistics(p, [0, -1])
        out["sufficient_statistics"] = [
            [counts.name, m_ss.name, v_ss.name], [t.name for t in ss_shift],
            ss_dynamic[0].name, [mean.name, var.name],
            [listed(v) for v in run(tf, [counts, m_ss, v_ss, mean, var])],
            [listed(v) for v in run(tf, list(ss_shift) + list(moments_shift))],
            [listed(v) for v in run(tf, list(ss_dynamic[:3]), {p: X})]]
        wts = tf.constant([[1.0], [3.0]], name="wts")
        n = len(g.get_operations())
        wm = tf.nn.weighted_moments(x, [0], wts)
        out["weighted_moments_ops"] = new_ops(g, n)
        wm_keep = tf.nn.weighted_moments(x, [1], tf.constant([1, 0, 2], tf.int32), keep_dims=True)
        out["weighted_moments"] = [[t.name for t in wm_keep]] + [
            listed(v) for v in run(tf, list(wm) + list(wm_keep))]
        targets = tf.constant([[0.0, 1.0, 0.5], [2.0, 3.0, 0.25]], name="targets")
        n = len(g.get_operations())
        lp = tf.nn.log_poisson_loss(targets, x)
        lpf = tf.nn.log_poisson_loss(targets, x, compute_full_loss=True)
        out["log_poisson_loss_ops"] = new_ops(g, n)
        out["log_poisson_loss"] = [listed(v) for v in run(tf, [lp, lpf])]
        out["log_poisson_loss_error"] = error(
            lambda: tf.nn.log_poisson_loss(tf.constant([1.0, 2.0]), x))
        zf = tf.nn.zero_fraction(x)
        zi = tf.math.zero_fraction(tf.constant([[0, 1, 0, 0]]))
        out["zero_fraction"] = [zf.name, zi.name] + [listed(v) for v in run(tf, [zf, zi])]
    return out


def math(tf):
    out = {}
    special = np.array([0.0, 1.0, -2.0, 0.0, np.inf, np.nan, 3.0, 0.0], np.float32)
    other = np.array([0.0, 0.0, 0.5, np.nan, 2.0, 0.0, -1.0, np.inf], np.float32)
    with tf.Graph().as_default() as g:
        x = tf.constant(special, name="x")
        y = tf.constant(other, name="y")
        n = len(g.get_operations())
        binaries = [tf.math.xlogy(x, y), tf.math.xdivy(x, y), tf.math.multiply_no_nan(x, y),
                    tf.math.reciprocal_no_nan(x), tf.math.xlogy(x, 2.0)]
        out["binary_ops"] = new_ops(g, n)
        out["binary"] = [listed(v) for v in run(tf, binaries)]
        a = tf.constant([[0.0, 1.5, 2.0], [0.5, 0.0, 3.0]], tf.float64, name="a")
        b = tf.constant([0.5, 0.0, 2.0], tf.float64, name="b")
        grads = []
        for fn in (tf.math.xlogy, tf.math.xdivy, tf.math.multiply_no_nan):
            grads += tf.gradients(fn(a, b), [a, b])
        out["binary_grads"] = [listed(v) for v in run(tf, grads)]
        out["int_xlogy"] = error(lambda: tf.math.xlogy(tf.constant([1]), tf.constant([1])))
        out["int_multiply_no_nan"] = error(lambda: tf.math.multiply_no_nan(tf.constant([1]),
                                                                           tf.constant([1])))
        m = tf.constant([[3.0, -4.0, 0.0], [1.0, 2.0, 2.0]], name="m")
        n = len(g.get_operations())
        norms = [tf.math.reduce_euclidean_norm(m), tf.math.reduce_euclidean_norm(m, 1),
                 tf.math.reduce_euclidean_norm(m, [0], keepdims=True, name="en")]
        out["norm_ops"] = new_ops(g, n)
        norms.append(tf.math.reduce_euclidean_norm(tf.constant([[3, 4], [2, 2]]), 1))
        norm_grad = tf.gradients(tf.math.reduce_euclidean_norm(m, 1), m)[0]
        out["norm"] = [[t.name, t.shape.as_list(), t.dtype.name] for t in norms] + [
            listed(v) for v in run(tf, norms + [norm_grad])]
        checks = []
        for v in ([1, 2, 2, 3], [1, 2, 3], [3, 1], [], [5], [[1, 2], [2, 3]], [[1, 2], [3, 3]]):
            checks += [tf.is_non_decreasing(v), tf.math.is_strictly_increasing(v)]
        out["monotone_names"] = [t.name for t in checks[:2]]
        out["monotone"] = [listed(v) for v in run(tf, checks)]
        out["monotone_string"] = error(lambda: tf.is_non_decreasing(tf.constant(["a"])))
        t = tf.constant([0.5, -1.0, 2.0], name="t")
        n = len(g.get_operations())
        polys = [tf.math.polyval([1.0, 2.0, tf.constant(3.0)], t), tf.math.polyval([], t),
                 tf.math.polyval([2.0], t, name="p1")]
        out["polyval_ops"] = new_ops(g, n)
        out["polyval"] = [[p.name, p.shape.as_list()] for p in polys] + [
            listed(v) for v in run(tf, polys)]
        out["polyval_error"] = error(lambda: tf.math.polyval(tf.constant([1.0]), t))
        u = tf.constant([1, 2, 3], name="u")
        w = tf.constant([10, 20], name="w")
        grids = tf.meshgrid(u, w) + tf.meshgrid(u, w, indexing="ij", name="ij")
        out["meshgrid"] = [[m.name, m.shape.as_list()] for m in grids] + [
            listed(v) for v in run(tf, grids)]
        out["meshgrid_error"] = error(lambda: tf.meshgrid(u, w, indexing="xx"))
        vals = tf.constant([[3.0, -1.0, 3.0, 0.5], [2.0, 2.0, -7.0, 1.0]], name="vals")
        ints = tf.constant([5, -2147483648, 7, 5, 2147483647], name="ints")
        n = len(g.get_operations())
        sorts = [tf.sort(vals), tf.argsort(vals), tf.sort(vals, direction="DESCENDING"),
                 tf.argsort(vals, axis=0, direction="DESCENDING", name="as0"),
                 tf.sort(vals, axis=0), tf.sort(ints), tf.argsort(ints)]
        out["sort_ops"] = new_ops(g, n)
        out["sort"] = [[t.name, t.dtype.name] for t in sorts] + [listed(v)
                                                                  for v in run(tf, sorts)]
        out["sort_error"] = error(lambda: tf.sort(vals, direction="UP"))
        z = tf.constant([1.0, 1.5, 3.0, 10.0], tf.float64, name="z")
        h = tf.constant([-0.9, -0.25, 0.0, 0.5, 0.99], tf.float64, name="h")
        e = tf.constant([-3.0, -0.5, 0.0, 0.25, 1.0, 4.0, 9.0], tf.float64, name="e")
        n = len(g.get_operations())
        unary = [tf.acosh(z), tf.asinh(h), tf.atanh(h), tf.erfc(e), tf.math.acosh(z),
                 tf.erfc(tf.cast(e, tf.float32))]
        out["unary_ops"] = new_ops(g, n)
        unary_grads = [tf.gradients(f(v), v)[0] for f, v in
                       ((tf.acosh, z), (tf.asinh, h), (tf.atanh, h), (tf.erfc, e))]
        out["unary"] = [listed(v) for v in run(tf, unary + unary_grads)]
        out["unary_int"] = error(lambda: tf.acosh(tf.constant([1])))
    return out


def array(tf, log):
    out = {}
    with tf.Graph().as_default() as g:
        x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], tf.float64, name="x")
        n = len(g.get_operations())
        rolls = [tf.roll(x, 1, 1), tf.roll(x, [1, -1], [0, 1]), tf.roll(x, [2, 5], [1, 1]),
                 tf.roll(x, -4, 0, name="r")]
        out["roll_ops"] = new_ops(g, n)
        roll_grad = tf.gradients(tf.roll(x, 1, 1) * tf.constant([1.0, 2.0, 3.0], tf.float64),
                                 x)[0]
        out["roll"] = [[r.name, r.shape.as_list()] for r in rolls] + [
            listed(v) for v in run(tf, rolls + [roll_grad])]
        out["roll_error"] = error(lambda: tf.roll(x, [1, 2], [0]))
        out["roll_axis"] = error(lambda: run(tf, tf.roll(x, 1, tf.constant(3) + 0)))

        d = tf.constant([[1.0, 2.0], [3.0, -4.0], [5.0, 2.0], [-1.0, 0.0], [7.0, 7.0]],
                        tf.float64, name="d")
        ids = tf.constant([0, 2, 0, 2, -1], name="ids")
        n = len(g.get_operations())
        segs = [tf.unsorted_segment_max(d, ids, 4), tf.unsorted_segment_min(d, ids, 4),
                tf.unsorted_segment_prod(d, ids, 4), tf.unsorted_segment_mean(d, ids, 4),
                tf.unsorted_segment_sqrt_n(d, ids, 4)]
        out["segment_names"] = [[t.name, t.shape.as_list()] for t in segs]
        out["segment_ops"] = new_ops(g, n)[:6]
        weights = tf.constant(np.arange(8, dtype=np.float64).reshape(4, 2) - 3)
        seg_grads = [tf.gradients(t * weights, d)[0] for t in segs]
        ties = tf.constant([[2.0, 0.0], [2.0, 0.0], [1.0, 3.0]], tf.float64)
        tie_ids = tf.constant([1, 1, 1])
        tie_grads = [tf.gradients(f(ties, tie_ids, 2), ties)[0]
                     for f in (tf.unsorted_segment_max, tf.unsorted_segment_prod)]
        ints = tf.math.unsorted_segment_max(tf.constant([3, 1, 4]), tf.constant([1, 1, 0]), 3)
        out["segment"] = [listed(v) for v in run(tf, segs + seg_grads + tie_grads + [ints])]
        out["segment_float32_empty"] = listed(run(tf, [
            tf.unsorted_segment_max(tf.constant([1.0]), tf.constant([0]), 2),
            tf.unsorted_segment_min(tf.constant([1.0]), tf.constant([0]), 2)]))
        out["segment_out_of_range"] = error(lambda: run(tf, tf.unsorted_segment_max(
            d, tf.constant([0, 1, 4, 0, 0]), 4)))

        n = len(g.get_operations())
        cm = [tf.confusion_matrix([0, 1, 2, 1], [0, 2, 2, 1]),
              tf.confusion_matrix(tf.constant([[1], [0]]), [1, 1], num_classes=3,
                                  weights=[0.5, 2.0], dtype=tf.float32, name="cm")]
        out["confusion_names"] = [[t.name, t.dtype.name, t.shape.as_list()] for t in cm]
        out["confusion"] = [listed(v) for v in run(tf, cm)]
        out["confusion_negative"] = error(lambda: run(tf, tf.confusion_matrix([0, -1], [0, 0])))
        out["confusion_bound"] = error(lambda: run(tf, tf.confusion_matrix([0, 3], [0, 0],
                                                                           num_classes=3)))

        log.clear()
        bins = [tf.bincount([1, 1, 3]), tf.bincount([[1, 4], [4, 4]], minlength=7),
                tf.bincount([1, 2, 2], maxlength=2), tf.bincount([], dtype=tf.float32),
                tf.bincount([0, 2, 2], weights=[0.5, 1.0, 2.0]),
                tf.bincount([0, 1], dtype=tf.int64)]
        out["bincount_names"] = [[t.dtype.name, t.shape.as_list()] for t in bins]
        out["bincount"] = [listed(v) for v in run(tf, bins)]
        out["bincount_negative"] = error(lambda: run(tf, tf.bincount([1, -1])))

        h = tf.histogram_fixed_width([-1.0, 0.1, 0.5, 1.0, 1.99, 2.0, 3.0, 0.0], [0.0, 2.0],
                                     nbins=4)
        h64 = tf.histogram_fixed_width(tf.constant([1, 5, 9], tf.int64), [0, 10], nbins=3,
                                       dtype=tf.int64, name="h64")
        out["histogram_names"] = [[t.name, t.dtype.name, t.shape.as_list()] for t in (h, h64)]
        out["histogram"] = [listed(v) for v in run(tf, [h, h64])]
        out["histogram_bad_range"] = error(lambda: run(tf, tf.histogram_fixed_width(
            [1.0], [2.0, 1.0], nbins=2)))
        out["histogram_bad_nbins"] = error(lambda: run(tf, tf.histogram_fixed_width(
            [1.0], [0.0, 1.0], nbins=0)))

        sd = tf.setdiff1d([1, 2, 3, 4, 2, 6], [2, 4, 5])
        sd64 = tf.setdiff1d(tf.constant([1.5, 2.5]), tf.constant([2.5]), index_dtype=tf.int64,
                            name="sd")
        out["setdiff_names"] = [[t.name, t.dtype.name, t.shape.as_list()]
                                for t in list(sd) + list(sd64)]
        out["setdiff"] = [listed(v) for v in run(tf, list(sd) + list(sd64))]
        out["setdiff_types"] = [type(sd).__name__, list(sd._fields)]
        out["setdiff_deprecations"] = deprecations(log)

        uc = tf.unique_with_counts([4, 1, 1, 2, 4, 4])
        uc64 = tf.unique_with_counts(tf.constant([0.5, 0.5]), out_idx=tf.int64, name="uc")
        out["unique_with_counts_names"] = [[t.name, t.dtype.name, t.shape.as_list()]
                                           for t in list(uc) + list(uc64)]
        out["unique_with_counts"] = [listed(v) for v in run(tf, list(uc) + list(uc64))]
        out["unique_with_counts_types"] = [type(uc).__name__, list(uc._fields)]

        p = tf.invert_permutation([2, 0, 3, 1])
        p64 = tf.invert_permutation(tf.constant([0, 1], tf.int64), name="p64")
        out["invert_permutation"] = [[p.name, p.dtype.name, p64.name, p64.dtype.name]] + [
            listed(v) for v in run(tf, [p, p64])]
        out["invert_permutation_repeat"] = error(lambda: run(tf, tf.invert_permutation([0, 0])))
        out["invert_permutation_range"] = error(lambda: run(tf, tf.invert_permutation([0, 2])))
        out["invert_permutation_rank"] = error(lambda: tf.invert_permutation([[0]]))
    return out


def average_loss(tf):
    out = {}
    with tf.Graph().as_default():
        per_example = tf.constant([1.0, 2.0, 4.0, 0.5], name="l")
        losses = [tf.nn.compute_average_loss(per_example),
                  tf.nn.compute_average_loss(per_example, global_batch_size=8),
                  tf.nn.compute_average_loss(per_example, sample_weight=[1.0, 0.0, 2.0, 1.0]),
                  tf.nn.compute_average_loss(tf.constant([[1.0, 2.0], [3.0, 4.0]]),
                                             sample_weight=tf.constant([2.0, 0.5])),
                  tf.nn.compute_average_loss(tf.constant([[1.0], [3.0]]),
                                             sample_weight=tf.constant([[2.0], [0.5]])),
                  tf.nn.compute_average_loss(tf.constant([1.0, 3.0]),
                                             sample_weight=tf.constant([[2.0], [0.5]])),
                  tf.nn.compute_average_loss(tf.zeros([0])),
                  tf.nn.compute_average_loss(tf.constant([1.0, 2.0], tf.float64),
                                             sample_weight=3),
                  tf.nn.scale_regularization_loss(per_example),
                  tf.nn.scale_regularization_loss(2.5)]
        out["names"] = [[t.name, t.dtype.name, t.shape.as_list()] for t in losses]
        out["values"] = [listed(v) for v in run(tf, losses)]
        p = tf.placeholder(tf.float32, [None])
        out["fed"] = listed(run(tf, tf.nn.compute_average_loss(p), {p: [3.0, 5.0, 1.0]}))
        out["rank0"] = error(lambda: tf.nn.compute_average_loss(tf.constant(1.0)))
        out["float_batch"] = error(lambda: tf.nn.compute_average_loss(per_example, None, 2.5))
        out["vector_batch"] = error(lambda: tf.nn.compute_average_loss(
            per_example, None, tf.constant([4])))
        out["negative_batch"] = error(lambda: tf.nn.compute_average_loss(per_example, None, -1))
    return out


PROGRAMS = {"casts": casts, "initializers": initializers, "is_tensor": is_tensor,
            "asserts": asserts, "shapes": shapes_and_values,
            "clip_by_average_norm": clip_by_average_norm, "nn": nn, "math": math,
            "array": array, "average_loss": average_loss}


def run_program(tf, name, log):
    fn = PROGRAMS[name]
    return fn(tf, log) if fn.__code__.co_argcount == 2 else fn(tf)
