"""Runs every entry of the op table: value vs numpy, static vs actual shape and dtype, float64
numerical gradients, and numpy vs cupy when a GPU is present; checks every op has an entry."""

import numpy as np
import pytest

import minitf as tf
from minitf.framework.registry import REGISTRY
from minitf.testing import check_gradients
from tests.op_specs import SPECS, TESTED_ELSEWHERE


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _run(spec, values, device=None):
    g = tf.Graph()
    with g.as_default(), g.device(device):
        phs = [tf.placeholder(tf.as_dtype(v.dtype), a.static_shape, name="in%d" % i)
               for i, (v, a) in enumerate(zip(values, spec.inputs))]
        outs = _as_list(spec.build(*phs))
        with tf.Session(graph=g) as sess:
            got = sess.run(outs, dict(zip(phs, values)))
    return outs, got


def _values(spec, float_dtype=None):
    rng = np.random.default_rng(spec.seed)
    out = []
    for a in spec.inputs:
        kind = np.dtype(a.dtype).kind
        dtype = None
        if float_dtype and kind in "fc":  # complex inputs in the matching complex precision
            dtype = float_dtype if kind == "f" else np.result_type(float_dtype, np.complex64)
        out.append(a.make(rng, dtype))
    return out


@pytest.mark.parametrize("spec", SPECS, ids=repr)
def test_value_shape_and_dtype(spec):
    values = _values(spec)
    outs, got = _run(spec, values)
    want = _as_list(spec.ref(*values))
    assert len(got) == len(want)
    for out, g, w in zip(outs, got, want):
        g = np.asarray(g)
        w = np.asarray(w)
        assert out.dtype.as_numpy_dtype == g.dtype, (out, g.dtype)
        assert out.shape.is_compatible_with(g.shape), (out.shape, g.shape)
        assert g.shape == w.shape, (g.shape, w.shape)
        if g.dtype.kind in "fc":
            np.testing.assert_allclose(g, w, rtol=spec.rtol, atol=spec.atol)
        else:
            np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.grad], ids=repr)
def test_gradient_float64(spec):
    values = _values(spec, float_dtype="float64")
    check_gradients(spec.build, values, [a.static_shape for a in spec.inputs], wrt=spec.wrt,
                    rtol=spec.grad_rtol, atol=spec.grad_atol, delta=spec.grad_delta)


@pytest.mark.gpu
@pytest.mark.parametrize("spec", SPECS, ids=repr)
def test_cupy_matches_numpy(spec):
    values = _values(spec)
    # Device scopes belong to a graph (as in TF): each run places its own new graph.
    outs, on_gpu = _run(spec, values, "/gpu:0")
    assert any(op.device.endswith("GPU:0") for op in outs[0].graph.get_operations()), outs
    _, on_cpu = _run(spec, values, "/cpu:0")
    for a, b in zip(on_gpu, on_cpu):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-5)


def test_every_registered_op_has_an_entry():
    covered = set()
    for spec in SPECS:
        g = tf.Graph()
        with g.as_default():
            phs = [tf.placeholder(tf.as_dtype(np.dtype(a.dtype)), a.static_shape) for a in spec.inputs]
            spec.build(*phs)
            if spec.grad:
                outs = [tf.real(o) for o in _as_list(spec.build(*phs))
                        if o.dtype.is_floating or o.dtype.is_complex]
                tf.gradients(outs, [p for p in phs if p.dtype.is_floating or p.dtype.is_complex])
        covered.update(op.type for op in g.get_operations())
    missing = sorted(set(REGISTRY) - covered - set(TESTED_ELSEWHERE))
    assert not missing, "registered ops with no entry in tests/op_specs: %s" % missing


def test_every_kernel_taking_out_has_a_row_on_a_scalar():
    import inspect

    from tests.op_specs import scalar_specs
    takes_out = {name for name, cls in REGISTRY.items()
                 if getattr(cls, "supports_out", False)
                 and "out" in inspect.signature(cls.compute).parameters}
    covered = set()
    for spec in scalar_specs.SPECS:
        g = tf.Graph()
        with g.as_default():
            spec.build(*[tf.placeholder(tf.as_dtype(np.dtype(a.dtype)), ()) for a in spec.inputs])
        covered.update(op.type for op in g.get_operations())
    missing = sorted(takes_out - covered - scalar_specs.OUT_KERNELS_NEEDING_RANK)
    assert not missing, "out= kernels with no 0-d row in scalar_specs: %s" % missing
