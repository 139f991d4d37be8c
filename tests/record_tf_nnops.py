"""Records what TensorFlow 1.x (compat.v1) does for the morphology, volume-patch,
space-to-batch and fake-quantization ops, for tests/nn/test_nnops.py (TF is never a minitf
dependency):

    TF_CPP_MIN_LOG_LEVEL=3 python tests/record_tf_nnops.py > tests/fixtures/tf_nnops.json

- tf.nn.dilation2d / erosion2d on small integer-valued inputs (many equal maxima, so TF's
  choice among ties shows in the gradients), forward and both gradients, names and shapes;
- tf.extract_volume_patches values and input gradient, SAME and VALID;
- tf.nn.with_space_to_batch around a convolution and a pool;
- the fake_quant_* functions and their _gradient functions, float32 outputs as bit patterns,
  for several (min, max, num_bits, narrow_range);
- the errors each raises when misused."""

import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nnops_programs import every_new_op, space_to_batch_graph  # noqa: E402

tf.disable_v2_behavior()


def ints(rng, shape, hi):
    return rng.integers(0, hi, shape).astype(np.float32)


def bits(a):
    return np.asarray(a, np.float32).view(np.uint32).reshape(-1).tolist()


def error(fn):
    """[TF's error class, its message's first line (the kernel's own line for run-time
    errors)] when building and running fn()'s result fails, else None."""
    try:
        with tf.Graph().as_default():
            out = fn()
            with tf.Session() as sess:
                sess.run(out)
    except Exception as e:  # noqa: BLE001 - the class and text are what we record
        lines = getattr(e, "message", str(e)).split("\n")
        if lines[0] == "Graph execution error:":  # the kernel's own text, before the node
            lines = [line for line in lines if line and not line.startswith("\t")][-1:]
        return [type(e).__name__, lines[0]]
    return None


MORPH = [  # (x shape, filter shape, strides, rates, padding)
    ((2, 5, 6, 3), (3, 2, 3), (1, 1, 1, 1), (1, 1, 1, 1), "SAME"),
    ((2, 7, 6, 2), (2, 3, 2), (1, 2, 1, 1), (1, 1, 2, 1), "SAME"),
    ((1, 7, 8, 2), (3, 2, 2), (1, 2, 3, 1), (1, 2, 1, 1), "VALID"),
    ((1, 4, 4, 1), (2, 2, 1), (1, 1, 1, 1), (1, 1, 1, 1), "VALID"),
]


def morphology():
    rng = np.random.default_rng(1)
    cases = []
    for xs, ks, strides, rates, padding in MORPH:
        x, k = ints(rng, xs, 3), ints(rng, ks, 2)
        case = dict(x=x.tolist(), filter=k.tolist(), strides=strides, rates=rates,
                    padding=padding)
        for kind in ("dilation", "erosion"):
            with tf.Graph().as_default():
                xt, kt = tf.constant(x), tf.constant(k)
                if kind == "dilation":
                    y = tf.nn.dilation2d(xt, kt, strides, rates, padding)
                else:
                    y = tf.nn.erosion2d(xt, kt, strides, rates, padding)
                dy = tf.constant(rng.integers(1, 5, y.shape.as_list()).astype(np.float32))
                gx, gk = tf.gradients(y, [xt, kt], dy)
                with tf.Session() as sess:
                    yv, dyv, gxv, gkv = sess.run([y, dy, gx, gk])
            case[kind] = dict(y=yv.tolist(), dy=dyv.tolist(), dx=gxv.tolist(),
                              dfilter=gkv.tolist())
        cases.append(case)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5, None, 3])
        k = tf.placeholder(tf.float32, [2, 3, 3])
        d = tf.nn.dilation2d(x, k, [1, 2, 1, 1], [1, 1, 1, 1], "SAME")
        d2 = tf.nn.dilation2d(x, k, [1, 1, 1, 1], [1, 2, 1, 1], "VALID", name="dil")
        e = tf.nn.erosion2d(x, k, [1, 1, 1, 1], [1, 1, 1, 1], "SAME")
        gx, gk = tf.gradients(d, [x, k])
        names = dict(dilation=[d.name, d.shape.as_list()], named=[d2.name, d2.shape.as_list()],
                     erosion=[e.name, e.shape.as_list()],
                     grads=[[t.name, t.op.type, t.shape.as_list()] for t in (gx, gk)],
                     erosion_ops=[[o.type, o.name] for o in tf.get_default_graph()
                                  .get_operations() if o.name.startswith("erosion2d")])
    f32 = lambda s: tf.placeholder(tf.float32, s)  # noqa: E731
    errors = dict(
        depth=error(lambda: tf.nn.dilation2d(f32([1, 4, 4, 3]), f32([2, 2, 2]), [1, 1, 1, 1],
                                             [1, 1, 1, 1], "SAME")),
        rank=error(lambda: tf.nn.dilation2d(f32([4, 4, 3]), f32([2, 2, 3]), [1, 1, 1, 1],
                                            [1, 1, 1, 1], "SAME")),
        filter_rank=error(lambda: tf.nn.dilation2d(f32([1, 4, 4, 3]), f32([2, 3]),
                                                   [1, 1, 1, 1], [1, 1, 1, 1], "SAME")),
        strides=error(lambda: tf.nn.dilation2d(f32([1, 4, 4, 3]), f32([2, 2, 3]), [2, 1, 1, 1],
                                               [1, 1, 1, 1], "SAME")),
        valid_too_big=error(lambda: tf.nn.dilation2d(tf.zeros([1, 2, 4, 3]), tf.zeros([3, 2, 3]),
                                                     [1, 1, 1, 1], [1, 1, 1, 1], "VALID")),
        dtype=error(lambda: tf.nn.dilation2d(f32([1, 4, 4, 3]), tf.zeros([2, 2, 3], tf.float64),
                                             [1, 1, 1, 1], [1, 1, 1, 1], "SAME")),
    )
    return dict(cases=cases, names=names, errors=errors)


VOLUME = [((2, 4, 5, 6, 2), (1, 2, 3, 2, 1), (1, 1, 2, 3, 1), "SAME"),
          ((1, 5, 4, 6, 3), (1, 3, 2, 2, 1), (1, 2, 1, 2, 1), "VALID")]


def volume():
    rng = np.random.default_rng(2)
    cases = []
    for xs, ks, strides, padding in VOLUME:
        x = rng.uniform(-2, 2, xs).astype(np.float32)
        with tf.Graph().as_default():
            xt = tf.constant(x)
            y = tf.extract_volume_patches(xt, ks, strides, padding)
            dy = tf.constant(rng.uniform(-1, 1, y.shape.as_list()).astype(np.float32))
            (gx,) = tf.gradients(y, [xt], dy)
            with tf.Session() as sess:
                yv, dyv, gxv = sess.run([y, dy, gx])
        cases.append(dict(x=x.tolist(), ksizes=ks, strides=strides, padding=padding,
                          y=yv.tolist(), dy=dyv.tolist(), dx=gxv.tolist()))
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4, None, 6, 2])
        y = tf.extract_volume_patches(x, [1, 2, 3, 2, 1], [1, 1, 2, 3, 1], "SAME")
        y2 = tf.extract_volume_patches(x, [1, 2, 1, 2, 1], [1, 2, 1, 2, 1], "VALID",
                                       name="vp")
        x3 = tf.placeholder(tf.float32, [None, 4, 5, 6, 2])
        y3 = tf.extract_volume_patches(x3, [1, 2, 3, 2, 1], [1, 1, 2, 3, 1], "SAME")
        (gx,) = tf.gradients(y3, [x3])
        names = [[y.name, y.shape.as_list()], [y2.name, y2.shape.as_list()],
                 [y3.name, y3.shape.as_list()], [gx.name, gx.shape.as_list()]]
        try:
            tf.gradients(y, [x])
            unknown_grad = None
        except Exception as e:  # noqa: BLE001
            unknown_grad = [type(e).__name__, str(e).split("\n")[0]]
    f32 = lambda s: tf.placeholder(tf.float32, s)  # noqa: E731
    errors = dict(
        rank=error(lambda: tf.extract_volume_patches(f32([4, 5, 6, 2]), [1, 2, 2, 2, 1],
                                                     [1, 1, 1, 1, 1], "SAME")),
        ksizes=error(lambda: tf.extract_volume_patches(f32([1, 4, 5, 6, 2]), [2, 2, 2, 2, 1],
                                                       [1, 1, 1, 1, 1], "SAME")),
        too_big=error(lambda: tf.extract_volume_patches(tf.zeros([1, 2, 5, 6, 2]), [1, 3, 2, 2, 1],
                                                        [1, 1, 1, 1, 1], "VALID")),
    )
    errors["unknown_spatial_grad"] = unknown_grad
    return dict(cases=cases, names=names, errors=errors)


def space_to_batch():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (2, 9, 8, 2)).astype(np.float32)
    w = rng.uniform(-1, 1, (3, 2, 2, 3)).astype(np.float32)
    out = {}
    with tf.Graph().as_default():
        xt, ys, g = space_to_batch_graph(tf, w)
        with tf.Session() as sess:
            vals, gv = sess.run([ys, g], {xt: x})
        for k, y in ys.items():
            out[k] = dict(name=y.name, shape=y.shape.as_list(), value=vals[k].tolist())
        out["grad"] = gv.tolist()
        out["op_types"] = [o.type for o in tf.get_default_graph().get_operations()]
    out["x"] = x.tolist()
    out["w"] = w.tolist()
    conv = lambda inp, num_spatial_dims, padding: inp  # noqa: E731
    f32 = lambda s: tf.placeholder(tf.float32, s)  # noqa: E731
    out["errors"] = dict(
        no_filter_shape=error(lambda: tf.nn.with_space_to_batch(f32([1, 4, 4, 1]), [2, 2],
                                                                "SAME", conv)),
        rate=error(lambda: tf.nn.with_space_to_batch(f32([1, 4, 4, 1]), [0, 2], "VALID", conv)),
        spatial_dims=error(lambda: tf.nn.with_space_to_batch(f32([1, 4, 4, 1]), [2, 2], "VALID",
                                                             conv, spatial_dims=[2, 1])),
        rank=error(lambda: tf.nn.with_space_to_batch(f32([4, 4]), [2, 2], "VALID", conv)),
    )
    return out


QUANT = [(-6.0, 6.0, 8, False), (-6.0, 6.0, 8, True), (0.1, 5.3, 4, False),
         (-7.3, -0.2, 8, False), (-1.0, 1.7, 16, True), (-0.5, 0.6, 2, False),
         (-0.37, 2.9, 5, True)]


def quant_inputs():
    grid = np.linspace(-8, 8, 641).astype(np.float32)
    near = []
    for lo, hi, _, _ in QUANT:
        for v in (lo, hi, 0.0):
            v = np.float32(v)
            near += [np.nextafter(v, np.float32(-9)), v, np.nextafter(v, np.float32(9))]
    return np.concatenate([grid, np.asarray(near, np.float32)])


def fake_quant():
    x = quant_inputs()
    g = (np.arange(x.size, dtype=np.float32) % 7 - 3) / np.float32(4)
    cases = []
    for lo, hi, nb, narrow in QUANT:
        with tf.Graph().as_default():
            xt, gt = tf.constant(x), tf.constant(g)
            mn, mx = tf.constant(np.float32(lo)), tf.constant(np.float32(hi))
            a = tf.fake_quant_with_min_max_args(xt, lo, hi, nb, narrow)
            ag = tf.fake_quant_with_min_max_args_gradient(gt, xt, lo, hi, nb, narrow)
            v = tf.fake_quant_with_min_max_vars(xt, mn, mx, nb, narrow)
            vg = tf.fake_quant_with_min_max_vars_gradient(gt, xt, mn, mx, nb, narrow)
            with tf.Session() as sess:
                av, agv, vv, vgv = sess.run([a, ag, v, vg])
        cases.append(dict(min=lo, max=hi, num_bits=nb, narrow_range=narrow, args=bits(av),
                          args_grad=bits(agv), vars=bits(vv),
                          vars_grad=[bits(t) for t in vgv]))
    # Per channel: the last axis of [.., 3] takes QUANT[i]'s ranges.
    chans = QUANT[:3]
    lo = np.asarray([c[0] for c in chans], np.float32)
    hi = np.asarray([c[1] for c in chans], np.float32)
    xc = x[:630].reshape(5, 42, 3)
    gc = g[:630].reshape(5, 42, 3)
    per_channel = {}
    for nb, narrow in ((8, False), (3, True)):
        with tf.Graph().as_default():
            p = tf.fake_quant_with_min_max_vars_per_channel(xc, lo, hi, nb, narrow)
            pg = tf.fake_quant_with_min_max_vars_per_channel_gradient(gc, xc, lo, hi, nb,
                                                                       narrow)
            with tf.Session() as sess:
                pv, pgv = sess.run([p, pg])
        per_channel["%d_%s" % (nb, narrow)] = dict(out=bits(pv), grad=[bits(t) for t in pgv])
    with tf.Graph().as_default():
        xt = tf.placeholder(tf.float32, [None, 3])
        mn, mx = tf.placeholder(tf.float32, []), tf.placeholder(tf.float32, [])
        cmn, cmx = tf.placeholder(tf.float32, [3]), tf.placeholder(tf.float32, [None])
        a = tf.fake_quant_with_min_max_args(xt)
        v = tf.fake_quant_with_min_max_vars(xt, mn, mx, name="fq")
        p = tf.fake_quant_with_min_max_vars_per_channel(xt, cmn, cmx)
        ga = tf.gradients(a, xt)
        gv = tf.gradients(v, [xt, mn, mx])
        gp = tf.gradients(p, [xt, cmn, cmx])
        names = [[t.name, t.op.type, t.shape.as_list()] for t in [a, v, p] + ga + gv + gp]
        defaults = {k: a.op.get_attr(k) for k in ("min", "max", "num_bits", "narrow_range")}
    f32 = lambda s: tf.placeholder(tf.float32, s)  # noqa: E731
    errors = dict(
        args_bits=error(lambda: tf.fake_quant_with_min_max_args(f32([3]), num_bits=1)),
        args_bits17=error(lambda: tf.fake_quant_with_min_max_args(f32([3]), num_bits=17)),
        args_range=error(lambda: tf.fake_quant_with_min_max_args(f32([3]), min=1.0, max=1.0)),
        args_dtype=error(lambda: tf.fake_quant_with_min_max_args(tf.zeros([3], tf.float64))),
        vars_rank=error(lambda: tf.fake_quant_with_min_max_vars(f32([3]), f32([1]), f32([]))),
        vars_range=error(lambda: tf.fake_quant_with_min_max_vars(
            tf.zeros([3]), tf.constant(2.0), tf.constant(1.0))),
        channel_shape=error(lambda: tf.fake_quant_with_min_max_vars_per_channel(
            f32([2, 3]), f32([2]), f32([2]))),
        channel_rank=error(lambda: tf.fake_quant_with_min_max_vars_per_channel(
            f32([2, 3]), f32([]), f32([3]))),
    )
    return dict(x=bits(x), g=bits(g), cases=cases, channel_min=lo.tolist(),
                channel_max=hi.tolist(), per_channel=per_channel, names=names,
                defaults=defaults, errors=errors)


def guarantee_const():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        y = tf.guarantee_const(x)
        y2 = tf.guarantee_const(x, name="gc")
        try:
            grad = [str(t) for t in tf.gradients(y, x)]
        except Exception as e:  # noqa: BLE001
            grad = [type(e).__name__, str(e).split("\n")[0]]
        return dict(names=[[y.name, y.op.type, y.shape.as_list()], [y2.name]], grad=grad)


def node_attrs():
    """{op type: its NodeDef's attr names} for every op type of tests/nn/test_nnops*.py (what
    minitf's GraphDef export must write for TF to import it)."""
    g = every_new_op(tf)
    return {n.op: sorted(n.attr) for n in g.as_graph_def().node
            if n.op not in ("Placeholder", "Const") and "/" not in n.name
            or "Backprop" in n.op or "Fractional" in n.op or "FakeQuant" in n.op}


if __name__ == "__main__":
    print(json.dumps(dict(morphology=morphology(), volume=volume(),
                          space_to_batch=space_to_batch(), fake_quant=fake_quant(),
                          guarantee_const=guarantee_const(), node_attrs=node_attrs())))
