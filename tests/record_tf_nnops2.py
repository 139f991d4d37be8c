"""Records what TensorFlow 1.x (compat.v1) does for tf.linalg.tridiagonal_solve /
tridiagonal_matmul, tf.image.extract_glimpse and tf.nn.fractional_max_pool /
fractional_avg_pool, for tests/nn/test_nnops2.py (TF is never a minitf dependency):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_nnops2.py > tests/fixtures/tf_nnops2.json

- tridiagonal ops in the three diagonals formats, with pivoting needed (small diagonals), their
  gradients, names, shapes and errors;
- extract_glimpse windows (inside the image, so no noise) for every (centered, normalized),
  and the op type compat.v1 builds;
- fractional pools with deterministic=True and seeds: outputs, the row and column sequences
  TF drew, and the gradients given those sequences (integer inputs: ties)."""

import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_tf_nnops import error  # noqa: E402

tf.disable_v2_behavior()


def tridiagonal():
    rng = np.random.default_rng(5)
    out = {}
    for dtype in ("float64", "float32"):
        diags = rng.uniform(-1, 1, (2, 3, 6)).astype(dtype)
        diags[0, 1, :3] = [1e-3, 0.0, 2.0]  # small and zero pivots: rows get interchanged
        rhs = rng.uniform(-1, 1, (2, 6, 2)).astype(dtype)
        dy = rng.uniform(-1, 1, (2, 6, 2)).astype(dtype)
        case = dict(diags=diags.tolist(), rhs=rhs.tolist(), dy=dy.tolist())
        with tf.Graph().as_default():
            d, r = tf.constant(diags), tf.constant(rhs)
            results = {}
            for pivot in (True, False):
                x = tf.linalg.tridiagonal_solve(d, r, partial_pivoting=pivot)
                gd, gr = tf.gradients(x, [d, r], tf.constant(dy))
                results["solve_%s" % pivot] = [x, gd, gr]
            m = tf.linalg.tridiagonal_matmul(d, r)
            results["matmul"] = [m] + tf.gradients(m, [d, r], tf.constant(dy))
            full = tf.linalg.LinearOperatorTridiag(d).to_dense() if hasattr(
                tf.linalg, "LinearOperatorTridiag") else None
            seq = [d[:, 0], d[:, 1], d[:, 2]]
            results["solve_sequence"] = [tf.linalg.tridiagonal_solve(
                [d[:, 0, :-1], d[:, 1], d[:, 2, 1:]], r, diagonals_format="sequence")]
            results["matmul_sequence"] = [tf.linalg.tridiagonal_matmul(
                seq, r, diagonals_format="sequence")]
            if full is not None:
                results["solve_matrix"] = [tf.linalg.tridiagonal_solve(
                    full, r, diagonals_format="matrix")]
                results["matmul_matrix"] = [tf.linalg.tridiagonal_matmul(
                    full, r, diagonals_format="matrix")]
            results["solve_vector_rhs"] = [tf.linalg.tridiagonal_solve(d, r[..., 0])]
            results["solve_transposed_rhs"] = [tf.linalg.tridiagonal_solve(
                d, tf.linalg.matrix_transpose(r), transpose_rhs=True)]
            with tf.Session() as sess:
                values = sess.run(results)
        case.update({k: [v.tolist() for v in vs] for k, vs in values.items()})
        out[dtype] = case
    with tf.Graph().as_default():
        d = tf.placeholder(tf.float32, [None, 3, 5])
        r = tf.placeholder(tf.float32, [None, 5, 2])
        x = tf.linalg.tridiagonal_solve(d, r)
        m = tf.linalg.tridiagonal_matmul(d, r)
        gx = tf.gradients(x, [d, r])
        gm = tf.gradients(m, [d, r])
        v = tf.linalg.tridiagonal_solve(d, tf.placeholder(tf.float32, [None, 5]), name="tv")
        out["names"] = [[t.name, t.op.type, t.shape.as_list()] for t in [x, m, v] + gx + gm]
        out["ops"] = [[o.type, o.name] for o in tf.get_default_graph().get_operations()]
    f32 = lambda s: tf.placeholder(tf.float32, s)  # noqa: E731
    out["errors"] = dict(
        singular=error(lambda: tf.linalg.tridiagonal_solve(
            tf.constant([[[1.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0]]]),
            tf.ones([1, 3, 1]))),
        singular_no_pivot=error(lambda: tf.linalg.tridiagonal_solve(
            tf.constant([[[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]]),
            tf.ones([1, 3, 1]), partial_pivoting=False)),
        three=error(lambda: tf.linalg.tridiagonal_solve(f32([2, 4, 5]), f32([2, 5, 1]))),
        lhs_rhs=error(lambda: tf.linalg.tridiagonal_solve(f32([2, 3, 5]), f32([2, 4, 1]))),
        rank=error(lambda: tf.linalg.tridiagonal_solve(f32([2, 3, 5]), f32([1, 1, 2, 5, 1]))),
        perturb=error(lambda: tf.linalg.tridiagonal_solve(f32([3, 5]), f32([5, 1]),
                                                          partial_pivoting=False,
                                                          perturb_singular=True)),
        format=error(lambda: tf.linalg.tridiagonal_solve(f32([3, 5]), f32([5, 1]),
                                                         diagonals_format="bands")),
        matmul_dtype=error(lambda: tf.linalg.tridiagonal_matmul(
            tf.zeros([3, 4], tf.float64), f32([4, 2]))),
    )
    with tf.Graph().as_default():
        # perturb_singular: a singular matrix is solved with tiny pivots instead.
        x = tf.linalg.tridiagonal_solve(
            tf.constant([[[1.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0]]], tf.float64),
            tf.ones([1, 3, 1], tf.float64), perturb_singular=True)
        with tf.Session() as sess:
            out["perturbed"] = sess.run(x).tolist()
    return out


def glimpse():
    rng = np.random.default_rng(6)
    image = rng.uniform(-1, 1, (2, 9, 11, 2)).astype(np.float32)
    out = dict(image=image.tolist(), cases=[])
    for centered in (True, False):
        for normalized in (True, False):
            if normalized and centered:
                offsets = [[0.1, -0.2], [-0.15, 0.25]]
            elif normalized:
                offsets = [[0.45, 0.5], [0.35, 0.6]]
            elif centered:
                offsets = [[0.6, -1.3], [-1.0, 1.7]]
            else:
                offsets = [[4.5, 5.4], [3.7, 6.2]]
            for size in ([3, 4], [4, 5]):
                with tf.Graph().as_default():
                    y = tf.image.extract_glimpse(tf.constant(image), size,
                                                 tf.constant(offsets, tf.float32),
                                                 centered=centered, normalized=normalized)
                    with tf.Session() as sess:
                        value = sess.run(y)
                    op_type = y.op.type
                out["cases"].append(dict(centered=centered, normalized=normalized,
                                         offsets=offsets, size=size, value=value.tolist()))
    out["op_type"] = op_type
    with tf.Graph().as_default():
        # Windows reaching outside: noise there (uniform between the image's min and max?).
        y = tf.image.extract_glimpse(tf.constant(image), [5, 5],
                                     tf.constant([[-1.0, -1.0], [1.0, 1.0]]))
        y2 = tf.image.extract_glimpse(tf.constant(image), [5, 5],
                                      tf.constant([[-1.0, -1.0], [1.0, 1.0]]),
                                      uniform_noise=False)
        with tf.Session() as sess:
            out["outside"] = sess.run(y).tolist()
            out["outside_gaussian"] = sess.run(y2).tolist()
        x = tf.placeholder(tf.float32, [None, None, 8, 3])
        g = tf.image.extract_glimpse(x, [2, 3], tf.placeholder(tf.float32, [None, 2]))
        g2 = tf.image.extract_glimpse(x, tf.placeholder(tf.int32, [2]),
                                      tf.placeholder(tf.float32, [4, 2]), name="gl")
        out["names"] = [[g.name, g.op.type, g.shape.as_list()], [g2.name, g2.shape.as_list()]]
        try:
            tf.gradients(g, x)
            out["grad"] = None
        except Exception as e:  # noqa: BLE001
            out["grad"] = [type(e).__name__, str(e).split("\n")[0][:80]]
    return out


def fractional():
    rng = np.random.default_rng(7)
    out = dict(cases=[])
    for shape, ratio, pseudo, overlapping in (((2, 9, 11, 2), [1, 1.44, 1.73, 1], False, False),
                                              ((1, 10, 7, 3), [1, 1.5, 2.0, 1], True, True),
                                              ((2, 8, 9, 1), [1, 2.0, 1.4, 1], True, False),
                                              ((1, 7, 12, 2), [1, 1.3, 2.5, 1], False, True)):
        x = rng.integers(0, 4, shape).astype(np.float32)
        case = dict(x=x.tolist(), ratio=ratio, pseudo_random=pseudo, overlapping=overlapping)
        for kind, fn in (("max", tf.nn.fractional_max_pool), ("avg", tf.nn.fractional_avg_pool)):
            with tf.Graph().as_default():
                xt = tf.constant(x)
                y, rows, cols = fn(xt, ratio, pseudo, overlapping, deterministic=True, seed=7,
                                   seed2=11)
                dy = tf.constant(rng.integers(1, 5, y.shape.as_list()).astype(np.float32))
                (gx,) = tf.gradients(y, xt, dy)
                with tf.Session() as sess:
                    yv, rv, cv, dyv, gv = sess.run([y, rows, cols, dy, gx])
                    again = sess.run([rows, cols])
            case[kind] = dict(y=yv.tolist(), rows=rv.tolist(), cols=cv.tolist(), dy=dyv.tolist(),
                              dx=gv.tolist(), same_again=bool(np.array_equal(again[0], rv)
                                                              and np.array_equal(again[1], cv)))
        out["cases"].append(case)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 10, None, 3])
        y, r, c = tf.nn.fractional_max_pool(x, [1, 1.5, 1.5, 1])
        a, ar, ac = tf.nn.fractional_avg_pool(x, [1.0, 2.0, 1.3, 1.0], name="fap")
        gy = tf.gradients(y, x)
        try:
            tf.gradients(a, x)
            out["avg_grad_unknown_shape"] = None
        except Exception as e:  # noqa: BLE001
            out["avg_grad_unknown_shape"] = [type(e).__name__, str(e).split("\n")[0]]
        x2 = tf.placeholder(tf.float32, [2, 10, 6, 3])
        ga = tf.gradients(tf.nn.fractional_avg_pool(x2, [1.0, 2.0, 1.3, 1.0])[0], x2)
        out["names"] = [[t.name, t.op.type, t.shape.as_list(), t.dtype.name]
                        for t in [y, r, c, a, ar, ac] + gy + ga]
        out["attrs"] = {k: y.op.get_attr(k) for k in ("pseudo_random", "overlapping",
                                                       "deterministic", "seed", "seed2")}
    f32 = lambda s: tf.placeholder(tf.float32, s)  # noqa: E731
    out["errors"] = dict(
        ratio_batch=error(lambda: tf.nn.fractional_max_pool(f32([1, 4, 4, 1]), [2, 1.5, 1.5, 1])),
        ratio_small=error(lambda: tf.nn.fractional_max_pool(f32([1, 4, 4, 1]), [1, 0.5, 1.5, 1])),
        rank=error(lambda: tf.nn.fractional_max_pool(f32([4, 4, 1]), [1, 1.5, 1.5, 1])),
        seeds=error(lambda: tf.nn.fractional_max_pool(tf.zeros([1, 4, 4, 1]), [1, 1.5, 1.5, 1],
                                                      seed=3)),
        too_small=error(lambda: tf.nn.fractional_avg_pool(tf.zeros([1, 1, 4, 1]),
                                                          [1, 1.5, 1.5, 1])),
    )
    return out


print(json.dumps(dict(tridiagonal=tridiagonal(), glimpse=glimpse(), fractional=fractional())))
