"""Op table entries for the convolution and pooling ops (tf.nn.conv2d, depthwise_conv2d,
max_pool, avg_pool...) and their backprop ops, against direct-loop numpy references."""

import numpy as np

import minitf as tf
from tests.op_specs.nn_specs import grad_of
from tests.op_specs.spec import Arg, OpSpec


# -- direct-loop references (NHWC; loops over output pixels and filter taps) -------------------

def _pads(size, k, stride, dilation, padding):
    eff = (k - 1) * dilation + 1
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + eff - size, 0)
        return total // 2, total - total // 2
    if padding == "VALID":
        return 0, 0
    return padding  # an explicit (before, after) pair


def _geometry(x_shape, kh, kw, strides, padding, dilations):
    n, h, w, c = x_shape
    ph_pad = padding[0] if isinstance(padding, list) else padding
    pw_pad = padding[1] if isinstance(padding, list) else padding
    ph = _pads(h, kh, strides[0], dilations[0], ph_pad)
    pw = _pads(w, kw, strides[1], dilations[1], pw_pad)
    oh = (h + sum(ph) - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    ow = (w + sum(pw) - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    return ph, pw, oh, ow


def _windows(oh, ow, kh, kw, strides, dilations):
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    yield i, j, a, b, i * strides[0] + a * dilations[0], \
                        j * strides[1] + b * dilations[1]


def ref_conv2d(x, w, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    x = x.astype(np.float64)
    kh, kw, _, o = w.shape
    ph, pw, oh, ow = _geometry(x.shape, kh, kw, strides, padding, dilations)
    xp = np.pad(x, [(0, 0), ph, pw, (0, 0)])
    out = np.zeros((x.shape[0], oh, ow, o))
    for i, j, a, b, r, c in _windows(oh, ow, kh, kw, strides, dilations):
        out[:, i, j] += xp[:, r, c] @ w[a, b]
    return out


def ref_conv2d_backprop_input(x_shape, w, dy, strides=(1, 1), padding="VALID",
                              dilations=(1, 1)):
    kh, kw, _, _ = w.shape
    ph, pw, oh, ow = _geometry(x_shape, kh, kw, strides, padding, dilations)
    n, h, wd, c = x_shape
    dxp = np.zeros((n, h + sum(ph), wd + sum(pw), c))
    for i, j, a, b, r, col in _windows(oh, ow, kh, kw, strides, dilations):
        dxp[:, r, col] += dy[:, i, j] @ w[a, b].T
    return dxp[:, ph[0]:ph[0] + h, pw[0]:pw[0] + wd]


def ref_conv2d_backprop_filter(x, w_shape, dy, strides=(1, 1), padding="VALID",
                               dilations=(1, 1)):
    kh, kw, _, _ = w_shape
    ph, pw, oh, ow = _geometry(x.shape, kh, kw, strides, padding, dilations)
    xp = np.pad(x.astype(np.float64), [(0, 0), ph, pw, (0, 0)])
    dw = np.zeros(w_shape)
    for i, j, a, b, r, c in _windows(oh, ow, kh, kw, strides, dilations):
        dw[a, b] += xp[:, r, c].T @ dy[:, i, j]
    return dw


def ref_depthwise(x, w, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    kh, kw, c, m = w.shape
    ph, pw, oh, ow = _geometry(x.shape, kh, kw, strides, padding, dilations)
    xp = np.pad(x.astype(np.float64), [(0, 0), ph, pw, (0, 0)])
    out = np.zeros((x.shape[0], oh, ow, c, m))
    for i, j, a, b, r, col in _windows(oh, ow, kh, kw, strides, dilations):
        out[:, i, j] += xp[:, r, col, :, None] * w[a, b]
    return out.reshape(x.shape[0], oh, ow, c * m)


def ref_pool(x, k, strides, padding, kind):
    n, h, w, c = x.shape
    ph, pw, oh, ow = _geometry(x.shape, k[0], k[1], strides, padding, (1, 1))
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * strides[0] - ph[0], j * strides[1] - pw[0]
            win = x[:, max(r0, 0):r0 + k[0], max(c0, 0):c0 + k[1]].astype(np.float64)
            out[:, i, j] = win.max(axis=(1, 2)) if kind == "MAX" else win.mean(axis=(1, 2))
    return out


def ref_max_pool_grad(x, dy, k, strides, padding):
    n, h, w, c = x.shape
    ph, pw, oh, ow = _geometry(x.shape, k[0], k[1], strides, padding, (1, 1))
    dx = np.zeros(x.shape)
    for b in range(n):
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    r0, c0 = max(i * strides[0] - ph[0], 0), max(j * strides[1] - pw[0], 0)
                    win = x[b, r0:i * strides[0] - ph[0] + k[0],
                            c0:j * strides[1] - pw[0] + k[1], ch]
                    r, cc = np.unravel_index(np.argmax(win), win.shape)
                    dx[b, r0 + r, c0 + cc, ch] += dy[b, i, j, ch]
    return dx


def _geometry3(x_shape, k, strides, padding, dilations):
    """((pad before, after) per spatial dim, output sizes) of an NDHWC 3-D convolution."""
    pads = [_pads(size, kk, st, d, padding)
            for size, kk, st, d in zip(x_shape[1:4], k, strides, dilations)]
    out = [(size + sum(p) - (kk - 1) * d - 1) // st + 1
           for size, p, kk, st, d in zip(x_shape[1:4], pads, k, strides, dilations)]
    return pads, out


def _windows3(out, k, strides, dilations):
    """(output voxel, filter tap, padded input voxel) for every pair."""
    for o in np.ndindex(*out):
        for t in np.ndindex(*k):
            yield o, t, tuple(o[i] * strides[i] + t[i] * dilations[i] for i in range(3))


def ref_conv3d(x, w, strides=(1, 1, 1), padding="VALID", dilations=(1, 1, 1)):
    pads, out = _geometry3(x.shape, w.shape[:3], strides, padding, dilations)
    xp = np.pad(x.astype(np.float64), [(0, 0)] + pads + [(0, 0)])
    y = np.zeros([x.shape[0]] + out + [w.shape[4]])
    for o, t, i in _windows3(out, w.shape[:3], strides, dilations):
        y[(slice(None),) + o] += xp[(slice(None),) + i] @ w[t]
    return y


def ref_conv3d_backprop_input(x_shape, w, dy, strides=(1, 1, 1), padding="VALID",
                              dilations=(1, 1, 1)):
    pads, out = _geometry3(x_shape, w.shape[:3], strides, padding, dilations)
    dxp = np.zeros([x_shape[0]] + [s + sum(p) for s, p in zip(x_shape[1:4], pads)]
                   + [x_shape[4]])
    for o, t, i in _windows3(out, w.shape[:3], strides, dilations):
        dxp[(slice(None),) + i] += dy[(slice(None),) + o] @ w[t].T
    return dxp[(slice(None),) + tuple(slice(p[0], p[0] + s)
                                      for p, s in zip(pads, x_shape[1:4]))]


def ref_conv3d_backprop_filter(x, w_shape, dy, strides=(1, 1, 1), padding="VALID",
                               dilations=(1, 1, 1)):
    pads, out = _geometry3(x.shape, w_shape[:3], strides, padding, dilations)
    xp = np.pad(x.astype(np.float64), [(0, 0)] + pads + [(0, 0)])
    dw = np.zeros(w_shape)
    for o, t, i in _windows3(out, w_shape[:3], strides, dilations):
        dw[t] += xp[(slice(None),) + i].T @ dy[(slice(None),) + o]
    return dw


def ncdhw(fn):
    """A reference on NDHWC arrays applied to NCDHW ones."""
    def ref(x, *rest):
        return fn(x.transpose(0, 2, 3, 4, 1), *rest).transpose(0, 4, 1, 2, 3)
    return ref


def conv3d(strides=(1, 1, 1), padding="VALID", dilations=(1, 1, 1), data_format="NDHWC"):
    first = data_format == "NCDHW"
    s = [1, 1] + list(strides) if first else [1] + list(strides) + [1]
    d = [1, 1] + list(dilations) if first else [1] + list(dilations) + [1]
    return lambda x, w: tf.nn.conv3d(x, w, s, padding, data_format=data_format, dilations=d)


def ref_max_pool_with_argmax(x, k, strides, padding, include_batch=False):
    """(the max pool, TF's flat index of each maximum: the first in row-major window order,
    among the positions inside the input)."""
    n, h, w, c = x.shape
    ph, pw, oh, ow = _geometry(x.shape, k[0], k[1], strides, padding, (1, 1))
    out, index = np.zeros((n, oh, ow, c)), np.zeros((n, oh, ow, c), np.int64)
    for b, i, j, ch in np.ndindex(n, oh, ow, c):
        r0, c0 = max(i * strides[0] - ph[0], 0), max(j * strides[1] - pw[0], 0)
        win = x[b, r0:i * strides[0] - ph[0] + k[0], c0:j * strides[1] - pw[0] + k[1], ch]
        r, cc = np.unravel_index(np.argmax(win), win.shape)
        out[b, i, j, ch] = win[r, cc]
        index[b, i, j, ch] = ((r0 + r) * w + c0 + cc) * c + ch + (b * h * w * c if include_batch
                                                                 else 0)
    return [out, index]


def nchw(fn):
    """A reference on channels-last arrays applied to channels-first ones (NCHW, NCDHW)."""
    def ref(x, *rest):
        last = (0,) + tuple(range(2, x.ndim)) + (1,)
        first = (0, x.ndim - 1) + tuple(range(1, x.ndim - 1))
        return fn(x.transpose(last), *rest).transpose(first)
    return ref


def conv(strides=(1, 1), padding="VALID", dilations=(1, 1), data_format="NHWC"):
    s = [1, 1] + list(strides) if data_format == "NCHW" else [1] + list(strides) + [1]
    d = [1, 1] + list(dilations) if data_format == "NCHW" else [1] + list(dilations) + [1]
    if isinstance(padding, list):
        pad = [[0, 0], [0, 0]] + padding if data_format == "NCHW" else \
            [[0, 0]] + padding + [[0, 0]]
    else:
        pad = padding
    return lambda x, w: tf.nn.conv2d(x, w, s, pad, data_format=data_format, dilations=d)


def backprop_input(x_shape, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    return lambda w, dy: tf.nn.conv2d_backprop_input(
        x_shape, w, dy, [1] + list(strides) + [1], padding, dilations=[1] + list(dilations) + [1])


def backprop_filter(w_shape, strides=(1, 1), padding="VALID", dilations=(1, 1)):
    return lambda x, dy: tf.nn.conv2d_backprop_filter(
        x, w_shape, dy, [1] + list(strides) + [1], padding, dilations=[1] + list(dilations) + [1])


def pool_fn(kind, k, strides, padding, data_format="NHWC"):
    fn = tf.nn.max_pool if kind == "MAX" else tf.nn.avg_pool
    if data_format == "NCHW":
        return lambda x: fn(x, [1, 1] + list(k), [1, 1] + list(strides), padding,
                            data_format="NCHW")
    return lambda x: fn(x, [1] + list(k) + [1], [1] + list(strides) + [1], padding)


def argmax_pool_fn(k, strides, padding, **kwargs):
    return lambda x: list(tf.nn.max_pool_with_argmax(x, [1] + list(k) + [1],
                                                     [1] + list(strides) + [1], padding,
                                                     **kwargs))


def argmax_pool_grad_grad(k, strides, padding):
    """MaxPoolGradGradWithArgmax: the gradient of MaxPoolGradWithArgmax with respect to its
    `grad` input."""
    pool = argmax_pool_fn(k, strides, padding)

    def build(x, dy, ddx):
        dx = tf.gradients(pool(x)[0], x, grad_ys=dy)[0]
        return tf.gradients(dx, dy, grad_ys=ddx)[0]
    return build


def max_pool_grad_grad(k, strides, padding):
    """MaxPoolGradGrad built as the gradient of MaxPoolGrad with respect to its `grad` input."""
    pool = pool_fn("MAX", k, strides, padding)

    def build(x, dy, ddx):
        dx = tf.gradients(pool(x), x, grad_ys=dy)[0]
        return tf.gradients(dx, dy, grad_ys=ddx)[0]
    return build


def ref_max_pool_grad_grad(k, strides, padding):
    def ref(x, dy, ddx):
        # MaxPoolGrad is linear in dy: its transpose picks ddx at each window's argmax.
        n, h, w, c = x.shape
        ph, pw, oh, ow = _geometry(x.shape, k[0], k[1], strides, padding, (1, 1))
        out = np.zeros(dy.shape)
        for idx in np.ndindex(*dy.shape):
            e = np.zeros(dy.shape)
            e[idx] = 1
            out[idx] = (ref_max_pool_grad(x, e, k, strides, padding) * ddx).sum()
        return out
    return ref


def _pool3d_geometry(shape, k, strides, padding):
    """Per spatial dim of an NDHWC shape: (output size, pad before)."""
    out = []
    for size, kk, ss in zip(shape[1:4], k, strides):
        if padding == "SAME":
            o = -(-size // ss)
            out.append((o, max((o - 1) * ss + kk - size, 0) // 2))
        else:
            out.append(((size - kk) // ss + 1, 0))
    return out


def _pool3d_windows(shape, k, strides, padding):
    """(output index, the input indices its window covers) of every output position."""
    geo = _pool3d_geometry(shape, k, strides, padding)
    for o in np.ndindex(*[g[0] for g in geo]):
        ranges = [range(max(i * s - p, 0), min(i * s - p + kk, size))
                  for i, s, (_, p), kk, size in zip(o, strides, geo, k, shape[1:4])]
        yield o, [(a, b, c) for a in ranges[0] for b in ranges[1] for c in ranges[2]]


def ref_pool3d(x, k, strides, padding, kind):
    geo = _pool3d_geometry(x.shape, k, strides, padding)
    out = np.zeros((x.shape[0],) + tuple(g[0] for g in geo) + (x.shape[4],), x.dtype)
    for o, cells in _pool3d_windows(x.shape, k, strides, padding):
        values = np.stack([x[:, a, b, c] for a, b, c in cells])
        out[(slice(None),) + o] = values.max(0) if kind == "MAX" else values.mean(0)
    return out


def ref_max_pool3d_grad(x, dy, k, strides, padding):
    """Each window's gradient to every input equal to its maximum (TF's MaxPool3DGrad)."""
    dx = np.zeros(x.shape, dy.dtype)
    for o, cells in _pool3d_windows(x.shape, k, strides, padding):
        values = np.stack([x[:, a, b, c] for a, b, c in cells])
        for (a, b, c), v in zip(cells, values):
            dx[:, a, b, c] += np.where(v == values.max(0), dy[(slice(None),) + o], 0)
    return dx


def ref_max_pool3d_grad_grad(x, g, k, strides, padding):
    """Per window, g at the first input equal to its maximum (TF's MaxPool3DGradGrad)."""
    geo = _pool3d_geometry(x.shape, k, strides, padding)
    out = np.zeros((x.shape[0],) + tuple(gg[0] for gg in geo) + (x.shape[4],), g.dtype)
    for o, cells in _pool3d_windows(x.shape, k, strides, padding):
        values = np.stack([x[:, a, b, c] for a, b, c in cells])
        first = np.argmax(values == values.max(0), axis=0)
        picked = np.stack([g[:, a, b, c] for a, b, c in cells])
        out[(slice(None),) + o] = np.take_along_axis(picked, first[None], 0)[0]
    return out


def pool3d_fn(kind, k, strides, padding, data_format="NDHWC"):
    fn = tf.nn.max_pool3d if kind == "MAX" else tf.nn.avg_pool3d
    if data_format == "NCDHW":
        return lambda x: fn(x, [1, 1] + list(k), [1, 1] + list(strides), padding,
                            data_format="NCDHW")
    return lambda x: fn(x, [1] + list(k) + [1], [1] + list(strides) + [1], padding)


def max_pool3d_grad_grad(k, strides, padding):
    """MaxPool3DGradGrad as the gradient of MaxPool3DGrad with respect to its `grad` input."""
    pool = pool3d_fn("MAX", k, strides, padding)

    def build(x, dy, ddx):
        dx = tf.gradients(pool(x), x, grad_ys=dy)[0]
        return tf.gradients(dx, dy, grad_ys=ddx)[0]
    return build


X = (2, 5, 6, 3)          # odd sizes so that SAME pads unevenly
W = (3, 2, 3, 4)
X3 = (2, 4, 5, 3, 2)      # NDHWC
W3 = (2, 3, 2, 2, 3)      # DHWIO

SPECS = [
    # -- Conv2D
    OpSpec("conv2d/valid", conv(), ref_conv2d, [Arg(X, static=(None, 5, 6, 3)), Arg(W)]),
    OpSpec("conv2d/same_strided_unknown_dims", conv((2, 3), "SAME"),
           lambda x, w: ref_conv2d(x, w, (2, 3), "SAME"),
           [Arg(X, static=(None, None, None, 3)), Arg(W)]),
    OpSpec("conv2d/same_dilated", conv((1, 1), "SAME", (2, 2)),
           lambda x, w: ref_conv2d(x, w, (1, 1), "SAME", (2, 2)), [Arg(X), Arg(W)]),
    OpSpec("conv2d/valid_strided_dilated", conv((2, 1), "VALID", (1, 2)),
           lambda x, w: ref_conv2d(x, w, (2, 1), "VALID", (1, 2)), [Arg(X), Arg(W)]),
    OpSpec("conv2d/explicit_padding", conv((2, 1), [[1, 2], [0, 3]]),
           lambda x, w: ref_conv2d(x, w, (2, 1), [(1, 2), (0, 3)]), [Arg(X), Arg(W)]),
    OpSpec("conv2d/nchw", conv((2, 2), "SAME", data_format="NCHW"),
           nchw(lambda x, w: ref_conv2d(x, w, (2, 2), "SAME")),
           [Arg((2, 3, 5, 6), static=(None, 3, None, None)), Arg(W)]),
    OpSpec("conv2d/1x1", conv(), ref_conv2d, [Arg((2, 3, 4, 5)), Arg((1, 1, 5, 2))]),
    OpSpec("conv2d/float64", conv((1, 2), "SAME"),
           lambda x, w: ref_conv2d(x, w, (1, 2), "SAME"),
           [Arg((1, 4, 5, 2), "float64"), Arg((2, 2, 2, 3), "float64")], rtol=1e-10),
    # -- its backprop ops, as ops of their own (their gradients are checked too)
    OpSpec("conv2d_backprop_input", backprop_input([2, 5, 6, 3], (2, 3), "SAME"),
           lambda w, dy: ref_conv2d_backprop_input((2, 5, 6, 3), w, dy, (2, 3), "SAME"),
           [Arg(W), Arg((2, 3, 2, 4))]),
    OpSpec("conv2d_backprop_input/dilated_valid", backprop_input([2, 5, 6, 3], (1, 1), "VALID",
                                                                 (2, 1)),
           lambda w, dy: ref_conv2d_backprop_input((2, 5, 6, 3), w, dy, (1, 1), "VALID", (2, 1)),
           [Arg(W), Arg((2, 1, 5, 4), static=(None, 1, 5, 4))]),
    OpSpec("conv2d_backprop_filter", backprop_filter([3, 2, 3, 4], (2, 3), "SAME"),
           lambda x, dy: ref_conv2d_backprop_filter(x, (3, 2, 3, 4), dy, (2, 3), "SAME"),
           [Arg(X, static=(None, 5, 6, 3)), Arg((2, 3, 2, 4))]),
    OpSpec("conv2d_backprop_filter/dilated", backprop_filter([3, 2, 3, 4], (1, 1), "SAME",
                                                             (1, 2)),
           lambda x, dy: ref_conv2d_backprop_filter(x, (3, 2, 3, 4), dy, (1, 1), "SAME", (1, 2)),
           [Arg(X), Arg((2, 5, 6, 4))]),
    OpSpec("conv2d/input_grad_op", grad_of(conv((2, 2), "SAME")),
           lambda x, w, dy: ref_conv2d_backprop_input(x.shape, w, dy, (2, 2), "SAME"),
           [Arg(X, static=(None, None, None, 3)), Arg(W), Arg((2, 3, 3, 4))]),
    OpSpec("conv2d/filter_grad_op", grad_of(conv((2, 2), "SAME"), wrt=1),
           lambda x, w, dy: ref_conv2d_backprop_filter(x, w.shape, dy, (2, 2), "SAME"),
           [Arg(X), Arg(W), Arg((2, 3, 3, 4))]),
    OpSpec("conv2d_transpose", lambda v, w: tf.nn.conv2d_transpose(
        v, w, np.array([2, 5, 6, 3]), [1, 2, 3, 1], "SAME"),
        lambda v, w: ref_conv2d_backprop_input((2, 5, 6, 3), w, v, (2, 3), "SAME"),
        [Arg((2, 3, 2, 4)), Arg(W)]),
    OpSpec("conv2d_transpose/nchw_valid", lambda v, w: tf.nn.conv2d_transpose(
        v, w, [2, 3, 5, 6], [1, 1, 1, 1], "VALID", data_format="NCHW"),
        lambda v, w: ref_conv2d_backprop_input((2, 5, 6, 3), w, v.transpose(0, 2, 3, 1))
        .transpose(0, 3, 1, 2), [Arg((2, 4, 3, 5)), Arg(W)]),
    # -- depthwise and separable
    OpSpec("depthwise_conv2d", lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 1, 1], "SAME"),
           lambda x, w: ref_depthwise(x, w, (2, 1), "SAME"),
           [Arg(X, static=(None, None, None, 3)), Arg((2, 3, 3, 2))]),
    OpSpec("depthwise_conv2d/valid_rate", lambda x, w: tf.nn.depthwise_conv2d(
        x, w, [1, 1, 1, 1], "VALID", rate=[2, 1]),
        lambda x, w: ref_depthwise(x, w, (1, 1), "VALID", (2, 1)), [Arg(X), Arg((2, 2, 3, 2))]),
    OpSpec("depthwise_conv2d/nchw", lambda x, w: tf.nn.depthwise_conv2d(
        x, w, [1, 1, 2, 2], "SAME", data_format="NCHW"),
        nchw(lambda x, w: ref_depthwise(x, w, (2, 2), "SAME")),
        [Arg((2, 3, 5, 6)), Arg((3, 3, 3, 1))]),
    OpSpec("depthwise_conv2d/grad_ops", grad_of(lambda x, w: tf.nn.depthwise_conv2d(
        x, w, [1, 2, 1, 1], "SAME") * 1.0),
        lambda x, w, dy: ref_conv2d_backprop_input(
            x.shape, np.einsum("hwcm,cd->hwcdm", w, np.eye(3)).reshape(2, 3, 3, 6), dy,
            (2, 1), "SAME"),
        [Arg(X), Arg((2, 3, 3, 2)), Arg((2, 3, 6, 6))]),
    OpSpec("depthwise_conv2d/filter_grad_op", grad_of(lambda x, w: tf.nn.depthwise_conv2d(
        x, w, [1, 1, 1, 1], "VALID"), wrt=1),
        lambda x, w, dy: np.stack([ref_conv2d_backprop_filter(
            x[..., c:c + 1], (2, 3, 1, 2), dy[..., 2 * c:2 * c + 2])[:, :, 0]
            for c in range(3)], axis=2),
        [Arg(X), Arg((2, 3, 3, 2)), Arg((2, 4, 4, 6))]),
    OpSpec("separable_conv2d", lambda x, d, p: tf.nn.separable_conv2d(
        x, d, p, [1, 1, 1, 1], "SAME"),
        lambda x, d, p: ref_conv2d(ref_depthwise(x, d, (1, 1), "SAME"), p),
        [Arg(X), Arg((3, 3, 3, 2)), Arg((1, 1, 6, 4))], atol=1e-5),
    OpSpec("conv1d", lambda x, w: tf.nn.conv1d(x, w, 2, "SAME"),
           lambda x, w: ref_conv2d(x[:, None], w[None], (1, 2), "SAME")[:, 0],
           [Arg((2, 7, 3), static=(None, 7, 3)), Arg((3, 3, 4))]),
    OpSpec("conv1d/ncw", lambda x, w: tf.nn.conv1d(x, w, 1, "VALID", data_format="NCW"),
           lambda x, w: ref_conv2d(x.transpose(0, 2, 1)[:, None], w[None])[:, 0]
           .transpose(0, 2, 1), [Arg((2, 3, 7)), Arg((3, 3, 4))]),
    OpSpec("atrous_conv2d", lambda x, w: tf.nn.atrous_conv2d(x, w, 2, "SAME"),
           lambda x, w: ref_conv2d(x, w, (1, 1), "SAME", (2, 2)), [Arg(X), Arg(W)]),
    # -- pooling (float inputs from a continuous range: no ties)
    OpSpec("max_pool/same", pool_fn("MAX", (3, 2), (2, 2), "SAME"),
           lambda x: ref_pool(x, (3, 2), (2, 2), "SAME", "MAX"),
           [Arg(X, static=(None, None, None, 3))]),
    OpSpec("max_pool/valid_overlapping", pool_fn("MAX", (3, 3), (1, 2), "VALID"),
           lambda x: ref_pool(x, (3, 3), (1, 2), "VALID", "MAX"), [Arg(X)]),
    OpSpec("max_pool/nchw", pool_fn("MAX", (2, 2), (2, 2), "SAME", "NCHW"),
           nchw(lambda x: ref_pool(x, (2, 2), (2, 2), "SAME", "MAX")), [Arg((2, 3, 5, 6))]),
    OpSpec("max_pool/int32", pool_fn("MAX", (2, 2), (2, 2), "SAME"),
           lambda x: ref_pool(x, (2, 2), (2, 2), "SAME", "MAX").astype(np.int32),
           [Arg(X, "int32", low=-9, high=9)], grad=False),
    OpSpec("max_pool/grad_op", grad_of(pool_fn("MAX", (3, 3), (2, 2), "SAME")),
           lambda x, dy: ref_max_pool_grad(x, dy, (3, 3), (2, 2), "SAME"),
           [Arg(X, static=(None, 5, 6, 3)), Arg((2, 3, 3, 3))]),
    OpSpec("max_pool/grad_grad_op", max_pool_grad_grad((2, 3), (1, 2), "SAME"),
           ref_max_pool_grad_grad((2, 3), (1, 2), "SAME"),
           [Arg((1, 3, 4, 2)), Arg((1, 3, 2, 2)), Arg((1, 3, 4, 2))], wrt=[1, 2]),
    # -- 3-D pooling (continuous values: no ties) and its gradient ops
    OpSpec("max_pool3d/valid_overlapping", pool3d_fn("MAX", (2, 3, 2), (1, 2, 1), "VALID"),
           lambda x: ref_pool3d(x, (2, 3, 2), (1, 2, 1), "VALID", "MAX"), [Arg(X3)]),
    OpSpec("max_pool3d/same_unknown_dims", pool3d_fn("MAX", (3, 2, 2), (2, 2, 1), "SAME"),
           lambda x: ref_pool3d(x, (3, 2, 2), (2, 2, 1), "SAME", "MAX"),
           [Arg(X3, static=(None, None, 5, None, 2))]),
    OpSpec("max_pool3d/ncdhw", pool3d_fn("MAX", (2, 2, 2), (2, 2, 2), "SAME", "NCDHW"),
           nchw(lambda x: ref_pool3d(x, (2, 2, 2), (2, 2, 2), "SAME", "MAX")),
           [Arg((2, 2, 4, 5, 3))]),
    OpSpec("avg_pool3d/valid", pool3d_fn("AVG", (2, 2, 3), (2, 1, 1), "VALID"),
           lambda x: ref_pool3d(x, (2, 2, 3), (2, 1, 1), "VALID", "AVG"), [Arg(X3)]),
    OpSpec("avg_pool3d/same", pool3d_fn("AVG", (3, 3, 2), (2, 2, 2), "SAME"),
           lambda x: ref_pool3d(x, (3, 3, 2), (2, 2, 2), "SAME", "AVG"),
           [Arg(X3, static=(None, 4, 5, 3, 2))]),
    OpSpec("avg_pool3d/ncdhw", pool3d_fn("AVG", (1, 2, 2), (1, 2, 1), "SAME", "NCDHW"),
           nchw(lambda x: ref_pool3d(x, (1, 2, 2), (1, 2, 1), "SAME", "AVG")),
           [Arg((2, 2, 4, 5, 3))]),
    OpSpec("max_pool3d/grad_op", grad_of(pool3d_fn("MAX", (2, 2, 2), (2, 1, 2), "SAME")),
           lambda x, dy: ref_max_pool3d_grad(x, dy, (2, 2, 2), (2, 1, 2), "SAME"),
           [Arg(X3), Arg((2, 2, 5, 2, 2))], wrt=[1]),
    OpSpec("max_pool3d/grad_grad_op", max_pool3d_grad_grad((2, 2, 2), (1, 2, 1), "SAME"),
           lambda x, dy, ddx: ref_max_pool3d_grad_grad(x, ddx, (2, 2, 2), (1, 2, 1), "SAME"),
           [Arg(X3), Arg((2, 4, 3, 3, 2)), Arg(X3)], wrt=[1, 2]),
    # -- Conv3D and its backprop ops
    OpSpec("conv3d/valid", conv3d(), ref_conv3d,
           [Arg(X3, static=(None, 4, 5, 3, 2)), Arg(W3)]),
    OpSpec("conv3d/same_strided_unknown_dims", conv3d((2, 1, 2), "SAME"),
           lambda x, w: ref_conv3d(x, w, (2, 1, 2), "SAME"),
           [Arg(X3, static=(None, None, None, None, 2)), Arg(W3)]),
    OpSpec("conv3d/same_dilated", conv3d((1, 1, 1), "SAME", (2, 1, 2)),
           lambda x, w: ref_conv3d(x, w, (1, 1, 1), "SAME", (2, 1, 2)), [Arg(X3), Arg(W3)]),
    OpSpec("conv3d/ncdhw", conv3d((1, 2, 1), "SAME", data_format="NCDHW"),
           nchw(lambda x, w: ref_conv3d(x, w, (1, 2, 1), "SAME")),
           [Arg((2, 2, 4, 5, 3)), Arg(W3)]),
    OpSpec("conv3d/input_grad_op", grad_of(conv3d((2, 2, 1), "SAME")),
           lambda x, w, dy: ref_conv3d_backprop_input(x.shape, w, dy, (2, 2, 1), "SAME"),
           [Arg(X3, static=(None, None, None, None, 2)), Arg(W3), Arg((2, 2, 3, 3, 3))]),
    OpSpec("conv3d/filter_grad_op", grad_of(conv3d((2, 2, 1), "SAME"), wrt=1),
           lambda x, w, dy: ref_conv3d_backprop_filter(x, w.shape, dy, (2, 2, 1), "SAME"),
           [Arg(X3), Arg(W3), Arg((2, 2, 3, 3, 3))]),
    OpSpec("conv3d_backprop_filter_v2/dilated", lambda x, dy: tf.nn.conv3d_backprop_filter_v2(
        x, [2, 3, 2, 2, 3], dy, [1, 1, 1, 1, 1], "VALID", dilations=[1, 1, 2, 1, 1]),
        lambda x, dy: ref_conv3d_backprop_filter(x, (2, 3, 2, 2, 3), dy, (1, 1, 1), "VALID",
                                                 (1, 2, 1)),
        [Arg(X3), Arg((2, 3, 1, 2, 3))]),
    OpSpec("conv3d_transpose", lambda v, w: tf.nn.conv3d_transpose(
        v, w, [2, 4, 5, 3, 2], [1, 2, 1, 2, 1], "SAME"),
        lambda v, w: ref_conv3d_backprop_input((2, 4, 5, 3, 2), w, v, (2, 1, 2), "SAME"),
        [Arg((2, 2, 5, 2, 3)), Arg(W3)]),
    OpSpec("conv3d_transpose/ncdhw_valid", lambda v, w: tf.nn.conv3d_transpose(
        v, w, [2, 2, 4, 5, 3], [1, 1, 1, 1, 1], "VALID", data_format="NCDHW"),
        lambda v, w: ref_conv3d_backprop_input((2, 4, 5, 3, 2), w, v.transpose(0, 2, 3, 4, 1))
        .transpose(0, 4, 1, 2, 3), [Arg((2, 3, 3, 3, 2)), Arg(W3)]),
    OpSpec("max_pool_with_argmax/same", argmax_pool_fn((3, 2), (2, 2), "SAME"),
           lambda x: ref_max_pool_with_argmax(x, (3, 2), (2, 2), "SAME"),
           [Arg(X, static=(None, None, None, 3))]),
    OpSpec("max_pool_with_argmax/valid_overlapping_batch_index_int32",
           argmax_pool_fn((3, 3), (1, 2), "VALID", include_batch_in_index=True,
                          Targmax=tf.int32),
           lambda x: ref_max_pool_with_argmax(x, (3, 3), (1, 2), "VALID", True), [Arg(X)]),
    OpSpec("max_pool_with_argmax/int32_input", argmax_pool_fn((2, 2), (2, 2), "SAME"),
           lambda x: ref_max_pool_with_argmax(x, (2, 2), (2, 2), "SAME"),
           [Arg((2, 5, 6, 3), "int32", low=-50, high=50)], grad=False),
    OpSpec("max_pool_with_argmax/grad_op",
           grad_of(lambda x: argmax_pool_fn((3, 3), (2, 2), "SAME")(x)[0]),
           lambda x, dy: ref_max_pool_grad(x, dy, (3, 3), (2, 2), "SAME"),
           [Arg(X, static=(None, 5, 6, 3)), Arg((2, 3, 3, 3))]),
    OpSpec("max_pool_with_argmax/grad_grad_op", argmax_pool_grad_grad((2, 3), (1, 2), "SAME"),
           ref_max_pool_grad_grad((2, 3), (1, 2), "SAME"),
           [Arg((1, 3, 4, 2)), Arg((1, 3, 2, 2)), Arg((1, 3, 4, 2))], wrt=[1, 2]),
    OpSpec("avg_pool/same_excludes_padding", pool_fn("AVG", (3, 2), (2, 2), "SAME"),
           lambda x: ref_pool(x, (3, 2), (2, 2), "SAME", "AVG"),
           [Arg(X, static=(None, None, None, 3))]),
    OpSpec("avg_pool/valid", pool_fn("AVG", (2, 3), (1, 2), "VALID"),
           lambda x: ref_pool(x, (2, 3), (1, 2), "VALID", "AVG"), [Arg(X)]),
    OpSpec("avg_pool/nchw", pool_fn("AVG", (3, 3), (2, 2), "SAME", "NCHW"),
           nchw(lambda x: ref_pool(x, (3, 3), (2, 2), "SAME", "AVG")), [Arg((2, 3, 5, 6))]),
    OpSpec("avg_pool/grad_op", grad_of(pool_fn("AVG", (3, 3), (2, 2), "SAME")),
           lambda x, dy: _avg_grad_ref(x, dy),
           [Arg(X, static=(None, 5, 6, 3)), Arg((2, 3, 3, 3))]),
    OpSpec("pool/avg_1d", lambda x: tf.nn.pool(x, [3], "AVG", "SAME", strides=[2]),
           lambda x: ref_pool(x[:, None], (1, 3), (1, 2), "SAME", "AVG")[:, 0],
           [Arg((2, 7, 3), static=(None, 7, 3))]),
    OpSpec("pool/max_2d", lambda x: tf.nn.pool(x, [2, 2], "MAX", "VALID", strides=[2, 2]),
           lambda x: ref_pool(x, (2, 2), (2, 2), "VALID", "MAX"), [Arg(X)]),
]


def _avg_grad_ref(x, dy):
    """The avg pool gradient from the reference itself, one output element at a time."""
    out = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros(x.shape)
        e[idx] = 1
        out[idx] = (ref_pool(e, (3, 3), (2, 2), "SAME", "AVG") * dy).sum()
    return out


# -- normalization ---------------------------------------------------------------------------

def ref_batch_norm(x, scale, offset, mean=None, var=None, eps=0.001, axes=(0, 1, 2)):
    x = x.astype(np.float64)
    shape = [1] * 4
    shape[[a for a in range(4) if a not in axes][0]] = -1
    training = mean is None
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    y = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * scale.reshape(shape) \
        + offset.reshape(shape)
    if not training:
        return y, mean, var
    m = x.size // x.shape[[a for a in range(4) if a not in axes][0]]
    return y, mean, var * m / (m - 1)


def ref_lrn(x, r=5, bias=1.0, alpha=1.0, beta=0.5):
    x = x.astype(np.float64)
    out = np.empty_like(x)
    for c in range(x.shape[-1]):
        sqr = (x[..., max(c - r, 0):c + r + 1] ** 2).sum(-1)
        out[..., c] = x[..., c] / (bias + alpha * sqr) ** beta
    return out


def fbn(training=True, data_format="NHWC"):
    if training:
        return lambda x, s, o: list(tf.nn.fused_batch_norm(x, s, o, data_format=data_format))
    return lambda x, s, o, m, v: list(tf.nn.fused_batch_norm(
        x, s, o, m, v, is_training=False, data_format=data_format))


def fbn_grad_grad(training):
    """FusedBatchNormGradV3 as an op of its own: the batch norm's gradient with respect to x and
    scale, weighted by dy (its second-order gradient is checked by the table)."""
    def build(x, s, o, dy):
        y = tf.nn.fused_batch_norm(x, s, o, is_training=True)[0] if training else \
            tf.nn.fused_batch_norm(x, s, o, [0.5, -0.2, 0.1],
                                   [1.5, 0.7, 2.0], is_training=False)[0]
        return tf.gradients(y, [x, s], grad_ys=dy)
    return build


def ref_fbn_grads(training):
    def ref(x, s, o, dy):
        x, dy = x.astype(np.float64), dy.astype(np.float64)
        if training:
            mean, var = x.mean((0, 1, 2)), x.var((0, 1, 2))
        else:
            mean, var = np.array([0.5, -0.2, 0.1]), np.array([1.5, 0.7, 2.0])
        inv = 1 / np.sqrt(var + 0.001)
        xhat = (x - mean) * inv
        dscale = (dy * xhat).sum((0, 1, 2))
        if training:
            m = x.size // 3
            dx = s * inv * (dy - dy.sum((0, 1, 2)) / m - xhat * dscale / m)
        else:
            dx = dy * s * inv
        return dx, dscale
    return ref


BN_X = (2, 3, 4, 3)
SPECS += [
    OpSpec("fused_batch_norm/training", fbn(), ref_batch_norm,
           [Arg(BN_X, static=(None, None, None, 3)), Arg((3,), low=0.5, high=2), Arg((3,))],
           atol=1e-5, grad=False),
    # The batch statistics outputs get no gradient (as in TF): the gradient rows check y alone.
    OpSpec("fused_batch_norm/training_y", lambda x, s, o: fbn()(x, s, o)[0],
           lambda x, s, o: ref_batch_norm(x, s, o)[0],
           [Arg(BN_X, static=(None, None, None, 3)), Arg((3,), low=0.5, high=2), Arg((3,))],
           atol=1e-5),
    OpSpec("fused_batch_norm/training_nchw", lambda x, s, o: fbn(True, "NCHW")(x, s, o)[0],
           lambda x, s, o: ref_batch_norm(x, s, o, axes=(0, 2, 3))[0],
           [Arg((2, 3, 4, 5), static=(None, 3, None, None)), Arg((3,), low=0.5, high=2),
            Arg((3,))], atol=1e-5),
    OpSpec("fused_batch_norm/inference", lambda *a: fbn(False)(*a)[0],
           lambda x, s, o, m, v: ref_batch_norm(x, s, o, m, v)[0],
           [Arg(BN_X), Arg((3,), low=0.5, high=2), Arg((3,)), Arg((3,)),
            Arg((3,), low=0.5, high=2)], wrt=[0, 1, 2], atol=1e-5),
    OpSpec("fused_batch_norm/grad_op_training", fbn_grad_grad(True), ref_fbn_grads(True),
           [Arg(BN_X), Arg((3,), low=0.5, high=2), Arg((3,)), Arg(BN_X)], wrt=[0, 1, 3],
           atol=1e-5),
    OpSpec("fused_batch_norm/grad_op_inference", fbn_grad_grad(False), ref_fbn_grads(False),
           [Arg(BN_X), Arg((3,), low=0.5, high=2), Arg((3,)), Arg(BN_X)], wrt=[0, 1, 3],
           atol=1e-5),
    OpSpec("batch_normalization", lambda x, m, v, o, s: tf.nn.batch_normalization(
        x, m, v, o, s, 0.01),
        lambda x, m, v, o, s: (x - m) / np.sqrt(v + 0.01) * s + o,
        [Arg((4, 3), static=(None, 3)), Arg((3,)), Arg((3,), low=0.5, high=2), Arg((3,)),
         Arg((3,))], atol=1e-5),
    OpSpec("local_response_normalization", lambda x: tf.nn.local_response_normalization(
        x, depth_radius=2, bias=1.5, alpha=0.3, beta=0.75),
        lambda x: ref_lrn(x, 2, 1.5, 0.3, 0.75), [Arg((2, 3, 2, 7), static=(None, 3, 2, 7))]),
    OpSpec("local_response_normalization/grad_op", grad_of(
        lambda x: tf.nn.lrn(x, depth_radius=1, bias=2.0, alpha=0.5, beta=0.6)),
        lambda x, dy: _lrn_grad_ref(x, dy), [Arg((1, 2, 2, 4)), Arg((1, 2, 2, 4))]),
]


def _lrn_grad_ref(x, dy, eps=1e-6):
    """The LRN gradient by central differences of the reference (float64)."""
    x = x.astype(np.float64)
    out = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros(x.shape)
        e[idx] = eps
        f = lambda v: (ref_lrn(v, 1, 2.0, 0.5, 0.6) * dy).sum()  # noqa: E731
        out[idx] = (f(x + e) - f(x - e)) / (2 * eps)
    return out
