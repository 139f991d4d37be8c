"""Numerical gradient checks in float64: a cheap random-projection check for any input size and
full Jacobians for small inputs (TF's `compute_gradient` / `compute_gradient_error`)."""

import numpy as np

from minitf import dtypes
from minitf.client.session import Session
from minitf.framework.graph import Graph
from minitf.gradients import gradients
from minitf.ops.array_ops import placeholder
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import add_n, conj, multiply, real, reduce_sum


def compute_gradient(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3,
                     extra_feed_dict=None, session=None):
    """(theoretical, numerical) Jacobians of `y` with respect to the fed tensor `x`, each of
    shape (x size, y size), as TF1's tf.test.compute_gradient. `x` must be feedable."""
    x_size = int(np.prod(x_shape))
    y_size = int(np.prod(y_shape))
    x_value = (np.asarray(x_init_value, dtype=x.dtype.as_numpy_dtype) if x_init_value is not None
               else np.random.default_rng(0).uniform(-1, 1, x_shape).astype(x.dtype.as_numpy_dtype))
    feed = dict(extra_feed_dict or {})
    sess = session or Session(graph=x.graph)
    with x.graph.as_default():
        dy = placeholder(y.dtype, y_shape, name="gradcheck_dy")
        (dx,) = gradients(y, x, grad_ys=dy)
        if dx is not None:
            dx = convert_to_tensor(dx)  # a sparse (IndexedSlices) gradient, made dense
    theoretical = np.zeros((x_size, y_size))
    for j in range(y_size):
        unit = np.zeros(y_size, dtype=y.dtype.as_numpy_dtype)
        unit[j] = 1
        if dx is not None:
            g = sess.run(dx, {**feed, x: x_value, dy: unit.reshape(y_shape)})
            theoretical[:, j] = np.asarray(g).reshape(-1)
    numerical = np.zeros((x_size, y_size))
    flat = x_value.reshape(-1)
    for i in range(x_size):
        plus, minus = flat.copy(), flat.copy()
        plus[i] += delta
        minus[i] -= delta
        y_plus = sess.run(y, {**feed, x: plus.reshape(x_shape)})
        y_minus = sess.run(y, {**feed, x: minus.reshape(x_shape)})
        numerical[i, :] = (np.asarray(y_plus, np.float64) - np.asarray(y_minus, np.float64)).reshape(-1) / (2 * delta)
    if session is None:
        sess.close()
    return theoretical, numerical


def compute_gradient_error(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3,
                           extra_feed_dict=None, session=None):
    """The largest absolute difference between the theoretical and numerical Jacobians."""
    t, n = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, extra_feed_dict, session)
    return float(np.max(np.abs(t - n))) if t.size else 0.0


class GradientCheckError(AssertionError):
    pass


def check_gradients(build, inputs, static_shapes=None, wrt=None, delta=1e-6, rtol=1e-4,
                    atol=1e-6, full_jacobian_limit=32, seed=0):
    """Checks the gradients minitf builds for `build(*tensors)` against central differences.

    `inputs` are numpy arrays (float64 for the inputs being checked); `static_shapes` gives the
    placeholder shapes (None dims allowed, default: fully known); `wrt` lists the input indices
    to check (default: all floating and complex inputs). The outputs are projected on random
    weights to a scalar L (a complex output o on a complex w: the real part of o * conj(w)); for
    every checked input the symbolic dL/dx is compared with the numerical directional
    derivative along random directions, and element by element when the input has at most
    `full_jacobian_limit` elements. A complex input's gradient is TF's dL/dRe(x) + i dL/dIm(x),
    so its directional derivative along v is Re(sum(conj(g) * v)). Raises GradientCheckError
    with the worst mismatch.
    """
    rng = np.random.default_rng(seed)
    inputs = [np.asarray(v) for v in inputs]
    static_shapes = static_shapes or [v.shape for v in inputs]
    if wrt is None:
        wrt = [i for i, v in enumerate(inputs) if v.dtype.kind in "fc"]
    graph = Graph()
    with graph.as_default():
        phs = [placeholder(dtypes.as_dtype(v.dtype), s, name="x%d" % i)
               for i, (v, s) in enumerate(zip(inputs, static_shapes))]
        outs = build(*phs)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        outs = [o for o in outs if o.dtype.is_floating or o.dtype.is_complex]
        if not outs:
            raise GradientCheckError("build() returned no floating-point output to differentiate")
        sess = Session(graph=graph)
        feed = {p: v for p, v in zip(phs, inputs)}
        out_values = sess.run(outs, feed)
        weights = [placeholder(o.dtype, None, name="w%d" % k) for k, o in enumerate(outs)]
        w_values = [_random(rng, np.shape(v), o.dtype.as_numpy_dtype)
                    for o, v in zip(outs, out_values)]
        loss = add_n([reduce_sum(real(multiply(o, conj(w)))) for o, w in zip(outs, weights)])
        grads = [g if g is None else convert_to_tensor(g)  # IndexedSlices made dense
                 for g in gradients(loss, [phs[i] for i in wrt])]
    feed.update(zip(weights, w_values))

    def loss_at(i, value):
        return float(sess.run(loss, {**feed, phs[i]: value}))

    symbolic = sess.run([g for g in grads if g is not None], feed)
    symbolic = iter(symbolic)
    for i, g in zip(wrt, grads):
        x = inputs[i]
        if g is None:
            numeric = _directional(loss_at, i, x, _random(rng, x.shape, x.dtype), delta)
            if abs(numeric) > atol * 10:
                raise GradientCheckError("input %d: minitf gives no gradient, but the numerical "
                                         "directional derivative is %g" % (i, numeric))
            continue
        g = np.asarray(next(symbolic), dtype=np.complex128 if x.dtype.kind == "c" else np.float64)
        if g.shape != x.shape:
            raise GradientCheckError("input %d: gradient shape %s != input shape %s"
                                     % (i, g.shape, x.shape))
        for _ in range(3):
            v = _random(rng, x.shape, x.dtype)
            numeric = _directional(loss_at, i, x, v, delta)
            analytic = float(np.real(np.sum(np.conj(g) * v)))
            if not np.isclose(analytic, numeric, rtol=rtol, atol=atol * max(1, np.abs(v).sum())):
                raise GradientCheckError("input %d: directional derivative %r (symbolic) vs %r "
                                         "(numerical)" % (i, analytic, numeric))
        if x.size <= full_jacobian_limit:
            flat = x.reshape(-1)
            parts = ((1, np.real), (1j, np.imag)) if x.dtype.kind == "c" else ((1, np.real),)
            for k in range(x.size):
                for unit, part in parts:
                    e = np.zeros_like(flat)
                    e[k] = unit
                    numeric = _directional(loss_at, i, x, e.reshape(x.shape), delta)
                    want = part(g.reshape(-1)[k])
                    if not np.isclose(want, numeric, rtol=rtol, atol=atol):
                        raise GradientCheckError("input %d, element %d%s: %r (symbolic) vs %r "
                                                 "(numerical)" % (i, k, "" if unit == 1 else
                                                                  " (imaginary part)", want,
                                                                  numeric))
    sess.close()


def _random(rng, shape, dtype):
    """Standard normal values of `dtype`; complex ones have a random imaginary part too."""
    if np.dtype(dtype).kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _directional(loss_at, i, x, v, delta):
    return (loss_at(i, x + delta * v) - loss_at(i, x - delta * v)) / (2 * delta)
