"""Programs for TF 1.x's smaller top-level names (tf.AggregationMethod, tf.floor_div,
tf.bitcast, tf.switch_case, tf.histogram_fixed_width_bins, tf.required_space_to_batch_paddings,
tf.batch_scatter_update, tf.assert_variables_initialized, tf.assert_proper_iterable,
tf.grad_pass_through, tf.convert_to_tensor_or_indexed_slices / _sparse_tensor), run on TF by
tests/record_tf_misc_names2.py and on minitf by tests/test_misc_names2.py."""

import numpy as np


def _err(fn):
    try:
        fn()
        return "ok"
    except Exception as e:  # noqa: BLE001 - the class is what is recorded
        message = getattr(e, "message", None) or str(e)
        return [type(e).__name__, message.splitlines()[0]]


def run_all(tf):
    out = {}
    out["aggregation"] = [tf.AggregationMethod.ADD_N, tf.AggregationMethod.DEFAULT,
                          tf.AggregationMethod.EXPERIMENTAL_TREE,
                          tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N]
    out["aliases"] = [tf.OpError is tf.errors.OpError, tf.NoGradient is tf.NotDifferentiable]
    with tf.Graph().as_default():
        x = tf.Variable([1.0, 2.0])
        loss = tf.reduce_sum(x * x) + tf.reduce_sum(3.0 * x)
        grads = {m: tf.gradients(loss, x, aggregation_method=m)[0]
                 for m in (0, 1, 2)}
        fd = tf.floor_div(tf.constant([7, -7, 7]), tf.constant([2, 2, -2]))
        fdf = tf.floor_div(tf.constant([7.5, -7.5]), 2.0)
        h = tf.histogram_fixed_width_bins(tf.constant([[-1.0, 0.0, 1.5], [2.0, 5.0, 15.0]]),
                                          [0.0, 5.0], nbins=5)
        h64 = tf.histogram_fixed_width_bins(tf.constant([0.1, 4.9, 2.5]), [0.0, 5.0], nbins=3,
                                            dtype=tf.int64)
        p, c = tf.required_space_to_batch_paddings([5, 7], [2, 3], [[1, 0], [2, 2]])
        shape_in = tf.placeholder(tf.int32, [2])
        p2, c2 = tf.required_space_to_batch_paddings(shape_in, [2, 3])
        v = tf.Variable(tf.zeros([2, 3]))
        upd = tf.batch_scatter_update(v, [[0, 2], [1, 1]], [[1.0, 2.0], [3.0, 4.0]])
        init_check = tf.assert_variables_initialized([v])
        bits = [tf.bitcast(tf.constant([1.0, -2.0]), tf.int32),
                tf.bitcast(tf.constant([1, 2, 3, 4], tf.uint8), tf.int32),
                tf.bitcast(tf.constant([1.0, 2.5], tf.float64), tf.int16),
                tf.bitcast(tf.constant([[1, 0], [2, 0]], tf.int16), tf.int32)]
        index = tf.placeholder(tf.int32, [])
        switched = tf.switch_case(index, [lambda: tf.constant(10), lambda: tf.constant(20)],
                                  default=lambda: tf.constant(-1))
        switched_dict = tf.switch_case(index, {1: lambda: tf.constant(1.5),
                                               0: lambda: tf.constant(0.5)})
        y = tf.constant(3.3)
        rounded = tf.grad_pass_through(tf.round)(y)
        g_pass = tf.gradients(rounded * 2.0, y)[0]
        sw = tf.Variable(2.0)
        branchy = tf.switch_case(index, [lambda: sw * 3.0, lambda: sw * sw])
        g_switch = tf.gradients(branchy, sw)[0]
        out["names"] = {k: t.name for k, t in dict(
            floor_div=fd, hist=h, paddings=p, crops=c, paddings_dynamic=p2, crops_dynamic=c2,
            bitcast=bits[0], grad_pass=rounded).items()}
        out["shapes"] = {k: (t.shape.as_list() if t.shape.ndims is not None else None)
                         for k, t in dict(h=h, bit0=bits[0], bit1=bits[1], bit2=bits[2],
                                          bit3=bits[3], p2=p2, c2=c2, switched=switched).items()}
        out["dtypes"] = [h.dtype.name, h64.dtype.name, upd.dtype.name]
        with tf.Session() as sess:
            out["uninitialized"] = _err(lambda: sess.run(init_check))
            sess.run(tf.global_variables_initializer())
            out["initialized"] = sess.run(init_check).tolist()
            out["grads"] = {str(m): sess.run(g).tolist() for m, g in grads.items()}
            out["floor_div"] = [sess.run(fd).tolist(), sess.run(fdf).tolist()]
            out["hist"] = [sess.run(h).tolist(), sess.run(h64).tolist()]
            out["paddings"] = [sess.run(p).tolist(), sess.run(c).tolist(),
                               [a.tolist() for a in sess.run([p2, c2], {shape_in: [5, 7]})]]
            out["batch_scatter_update"] = sess.run(upd).tolist()
            out["bitcast"] = [sess.run(b).tolist() for b in bits]
            out["switch"] = [sess.run(switched, {index: i}).tolist() for i in (0, 1, 2, -3)]
            out["switch_dict"] = [sess.run(switched_dict, {index: i}).tolist() for i in (0, 1, 5)]
            out["grad_pass"] = [sess.run(rounded).tolist(), sess.run(g_pass).tolist()]
            out["switch_grad"] = [sess.run(g_switch, {index: i}).tolist() for i in (0, 1)]
    with tf.Graph().as_default():
        sp = tf.convert_to_tensor_or_sparse_tensor(
            tf.SparseTensorValue([[0, 1]], [2.0], [2, 3]))
        ix = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]), tf.constant([2, 1]))
        out["conversions"] = [
            type(sp).__name__, sp.dense_shape.dtype.name,
            tf.convert_to_tensor_or_indexed_slices(ix) is ix,
            tf.convert_to_tensor_or_indexed_slices([1, 2]).dtype.name,
            tf.convert_to_tensor_or_sparse_tensor(np.ones(2), dtype=tf.float32).dtype.name,
            _err(lambda: tf.convert_to_tensor_or_indexed_slices(ix, dtype=tf.int32))[0]]
        out["errors"] = {
            "bitcast_shape": _err(lambda: tf.bitcast(tf.constant([1, 2, 3], tf.int16),
                                                     tf.int32)),
            "bitcast_string": _err(lambda: tf.bitcast(tf.constant(["a"]), tf.int32)),
            "switch_float": _err(lambda: tf.switch_case(tf.constant(1.0), [lambda: 1])),
            "switch_keys": _err(lambda: tf.switch_case(tf.constant(1), {0: lambda: 1,
                                                                          2: lambda: 2})),
            "switch_empty": _err(lambda: tf.switch_case(tf.constant(1), [])),
            "scatter_rank": _err(lambda: tf.batch_scatter_update(
                tf.Variable(tf.zeros([2, 3])), [0, 1], [1.0, 2.0])),
        }
        out["proper_iterable"] = [
            _err(lambda: tf.assert_proper_iterable(v)) for v in (
                tf.constant(1), np.ones(2), "abc", b"x", [1, 2], (x for x in [1]))]
    return out
