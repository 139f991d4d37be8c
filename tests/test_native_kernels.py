"""Native host kernels (minitf/native.py): each optimizer's fused formula compiled for the host
gives the bits of its numpy update; the compiled libraries are cached safely; without a
compiler, or switched off, the numpy kernels run."""

import os
import stat

import numpy as np
import pytest

import minitf as tf
from minitf import native
from minitf.train import training_ops as T

pytestmark = pytest.mark.skipif(not native._find_compiler(), reason="no C++ compiler here")


def _forget_kernels():
    """Kernels made again (loaded from the cache or compiled), as in a new process."""
    T._fused_kernels.cache_clear()
    native._kernel.cache_clear()
    native._library.cache_clear()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh kernel cache and fresh kernels (compiled once per test run otherwise)."""
    monkeypatch.setenv("MINITF_KERNELS", str(tmp_path / "kernels"))
    monkeypatch.setenv("MINITF_NATIVE_KERNELS", "1")
    _forget_kernels()
    yield tmp_path / "kernels"
    _forget_kernels()


# (opdef, slots): every dense update with a fused formula, in each form its attributes give
UPDATES = [
    (T.ApplyGradientDescent(), 0),
    (T.ApplyMomentum(), 1),
    (T.ApplyMomentum(use_nesterov=True), 1),
    (T.ApplyKerasMomentum(), 1),
    (T.ApplyKerasMomentum(use_nesterov=True), 1),
    (T.ApplyAdam(), 2),
    (T.ApplyAdam(use_nesterov=True), 2),
    (T.ApplyAdaMax(), 2),
    (T.ApplyAddSign(), 1),
    (T.ApplyAdagrad(), 1),
    (T.ApplyAdagrad(update_slots=False), 1),
    (T.ApplyAdagradV2(), 1),
    (T.ApplyAdagradV2(update_slots=False), 1),
    (T.ApplyRMSProp(), 2),
    (T.ApplyCenteredRMSProp(), 3),
    (T.ApplyAdadelta(), 2),
]


def _arguments(opdef, slots, dtype, rng, shape=(37, 29)):
    states = [rng.standard_normal(shape).astype(dtype)]
    states += [np.abs(rng.standard_normal(shape)).astype(dtype) + dtype(0.5)
               for _ in range(slots)]
    if isinstance(opdef, T.ApplyCenteredRMSProp):
        states[1] *= dtype(0.1)  # (mg small against ms: no square root of a negative)
    values = []
    for name in opdef.input_names[1 + slots:]:
        if name == opdef.grad_name:
            values.append(rng.standard_normal(shape).astype(dtype))
        else:  # hyperparameters as the plan passes them: 0-d arrays
            values.append(np.asarray(rng.uniform(0.05, 0.95), dtype))
    return states, values


def _scratch():
    return T._Scratch(np).like


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("opdef, slots", UPDATES, ids=lambda u: repr(u) if not isinstance(u, int) else "")
def test_every_fused_update_gives_the_bits_of_its_numpy_update(cache, opdef, slots, dtype):
    assert opdef.fused() is not None
    update = T._fused_or_plain_update(opdef, np, 1 + slots)
    assert update is not opdef.update  # (the native kernel, not the numpy one)
    rng = np.random.default_rng(7)
    states, values = _arguments(opdef, slots, dtype, rng)
    native_states = [s.copy() for s in states]
    for step in range(3):
        grad = values[opdef.input_names.index(opdef.grad_name) - 1 - slots]
        grad[...] = rng.standard_normal(grad.shape)
        opdef.update(np, _scratch()(states[0]), *states, *values)
        update(np, _scratch()(native_states[0]), *native_states, *values)
        for a, b in zip(states, native_states):
            assert a.tobytes() == b.tobytes(), (opdef, step)
    assert any(p.suffix == ".so" for p in cache.iterdir())


def test_special_values_keep_the_numpy_update_bits(cache):
    """Infinities, zeros and subnormals go through the same operations (NaNs: only where, not
    which NaN)."""
    opdef = T.ApplyAdam()
    update = T._fused_or_plain_update(opdef, np, 3)
    rng = np.random.default_rng(3)
    states, values = _arguments(opdef, 2, np.float32, rng, shape=(64,))
    grad = values[-1]
    grad[:8] = [np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 3e38, np.nan]
    states[2][8:12] = [0.0, 1e-45, np.inf, 1e-40]
    native_states = [s.copy() for s in states]
    with np.errstate(all="ignore"):
        opdef.update(np, _scratch()(states[0]), *states, *values)
        update(np, _scratch()(native_states[0]), *native_states, *values)
    for a, b in zip(states, native_states):
        nan = np.isnan(a)
        assert np.array_equal(nan, np.isnan(b))
        assert a[~nan].tobytes() == b[~nan].tobytes()


def test_arrays_the_loop_cannot_take_fall_back_to_numpy(cache):
    opdef = T.ApplyGradientDescent()
    kernel = T._fused_kernels(opdef.type_name, opdef.fused(), np)
    var = np.ones((4, 6), np.float32)
    alpha = np.asarray(0.5, np.float32)
    with pytest.raises(native.Unsupported):
        kernel(alpha, np.ones((6, 4), np.float32).T, var)  # not contiguous
    with pytest.raises(native.Unsupported):
        kernel(alpha, np.ones(23, np.float32), var)  # another size
    flat = np.ones(30, np.float32)
    with pytest.raises(native.Unsupported):
        kernel(alpha, flat[:20], flat[10:])  # overlapping
    with pytest.raises(native.Unsupported):
        kernel(alpha, np.ones((4, 6), np.float16), var.astype(np.float16))
    # the update itself then runs numpy's kernel: the same result
    update = T._fused_or_plain_update(opdef, np, 1)
    strided = np.ones((6, 8), np.float32)[:, ::2]
    update(np, _scratch()(strided), strided, alpha, np.full((6, 4), 2.0, np.float32))
    assert np.array_equal(strided, np.zeros((6, 4), np.float32))


def test_a_call_with_the_arrays_of_the_last_one_is_checked_again_where_it_must_be(cache):
    """The arguments of the last call per output (HostKernel._bound) are reused only for the
    same array objects: new scalars are taken, a new array (even one given the freed one's
    id), a scalar turned array or an output made read-only are seen."""
    opdef = T.ApplyGradientDescent()
    kernel = T._fused_kernels(opdef.type_name, opdef.fused(), np)
    var = np.ones(40, np.float32)
    grad = np.full(40, 2.0, np.float32)
    kernel(np.asarray(0.5, np.float32), grad, var)
    kernel(np.asarray(0.25, np.float32), grad, var)  # (new scalar, same arrays)
    assert np.array_equal(var, np.full(40, 1 - 1.0 - 0.5, np.float32))
    for step in range(20):  # freed and made again: ids come back
        del grad
        grad = np.full(40, float(step), np.float32)
        before = var.copy()
        kernel(np.asarray(1.0, np.float32), grad, var)
        assert np.array_equal(var, before - step)
    kernel(np.full(40, 3.0, np.float32), grad, var)  # the scalar now an array of rates
    assert np.array_equal(var, before - 19 - 3 * 19)
    grad.dtype = np.int32  # (set in place: the same object, other elements)
    with pytest.raises(native.Unsupported):
        kernel(np.asarray(1.0, np.float32), grad, var)
    grad.dtype = np.float32
    var.flags.writeable = False
    with pytest.raises(native.Unsupported):
        kernel(np.asarray(1.0, np.float32), grad, var)


@pytest.fixture
def products_threads():
    from minitf.ops import gemm
    if gemm.parallel_for() is None:
        pytest.skip("no compiled product here: loops run on the caller's thread alone")
    before = gemm.threads()
    yield gemm.set_threads
    gemm.set_threads(before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_long_loop_runs_on_the_products_threads_with_the_same_bits(products_threads,
                                                                     monkeypatch, dtype):
    opdef = T.ApplyAdam()
    update = T._fused_or_plain_update(opdef, np, 3)
    rng = np.random.default_rng(11)
    shape = (native.PARALLEL_MIN_ELEMENTS + 1001,)
    states, values = _arguments(opdef, 2, dtype, rng, shape=shape)
    one, two = [s.copy() for s in states], [s.copy() for s in states]
    ran = []
    parallel = native._parallel

    def counted():
        run = parallel()
        ran.append(run is not None)
        return run
    monkeypatch.setattr(native, "_parallel", counted)
    for step in range(2):
        opdef.update(np, _scratch()(states[0]), *states, *values)
        products_threads(1)
        update(np, _scratch()(one[0]), *one, *values)
        products_threads(2)
        update(np, _scratch()(two[0]), *two, *values)
        for a, b, c in zip(states, one, two):
            assert a.tobytes() == b.tobytes() == c.tobytes()
    assert ran == [False, True, False, True]
    # inside a chunk of minitf's own split the loop stays on the chunk's thread
    from minitf import workers
    if workers.available_cores() < 2:
        return  # (no split: its chunks run inline)
    inside = []
    with workers.using(2):
        workers.split(4, lambda start, stop: inside.append(
            (workers.in_split(), native._parallel())), grain=1)
    assert inside and all(flag and run is None for flag, run in inside)
    assert not workers.in_split()


def test_a_training_run_gives_the_same_bits_with_native_kernels_and_without(cache, monkeypatch):
    """Through sessions: a large variable (split over the intra-op workers with two threads),
    a medium one (its own update) and small ones (grouped into one update)."""
    def train(native_on, optimizer):
        monkeypatch.setenv("MINITF_NATIVE_KERNELS", "1" if native_on else "0")
        _forget_kernels()
        tf.reset_default_graph()
        rng = np.random.default_rng(5)
        big = tf.Variable(rng.standard_normal((600, 1000)).astype(np.float32) * 0.01)
        w = tf.Variable(rng.standard_normal((30, 20)).astype(np.float32))
        b = tf.Variable(np.zeros(20, np.float32))
        c = tf.Variable(np.ones(20, np.float32))
        x = tf.constant(rng.standard_normal((8, 30)).astype(np.float32))
        loss = tf.reduce_sum(tf.tanh(tf.matmul(x, w) * c + b) ** 2) + tf.reduce_sum(big ** 2)
        step = optimizer().minimize(loss)
        config = tf.ConfigProto(intra_op_parallelism_threads=2)
        with tf.Session(config=config) as s:
            s.run(tf.global_variables_initializer())
            for _ in range(4):
                s.run(step)
            return [np.asarray(v).tobytes() for v in s.run(tf.global_variables())]
    for optimizer in (lambda: tf.train.AdamOptimizer(0.01),
                      lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.9, centered=True),
                      lambda: tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True)):
        assert train(True, optimizer) == train(False, optimizer)


def test_the_cache_is_reused_and_a_library_others_may_write_is_not_loaded(cache, monkeypatch):
    opdef = T.ApplyAdam()
    kernel = T._fused_kernels(opdef.type_name, opdef.fused(), np)
    rng = np.random.default_rng(1)
    states, values = _arguments(opdef, 2, np.float32, rng)
    kernel(*values, *states)
    (library,) = [p for p in cache.iterdir() if p.suffix == ".so"]
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700
    built = library.stat().st_mtime_ns
    _forget_kernels()
    T._fused_kernels(opdef.type_name, opdef.fused(), np)(*values, *states)
    assert library.stat().st_mtime_ns == built  # loaded, not compiled again

    # a library someone else could have replaced is compiled again, not loaded
    os.chmod(library, 0o777)
    _forget_kernels()
    T._fused_kernels(opdef.type_name, opdef.fused(), np)(*values, *states)
    assert stat.S_IMODE(library.stat().st_mode) == 0o700

    # a cache directory others may write is not used: a private temporary one is
    os.chmod(cache, 0o777)
    assert native._cache_dir() != str(cache)
    assert stat.S_IMODE(os.stat(native._cache_dir()).st_mode) == 0o700


def test_switched_off_or_without_a_compiler_the_numpy_kernels_run(monkeypatch):
    monkeypatch.setenv("MINITF_NATIVE_KERNELS", "0")
    assert native.elementwise_kernel("T a", "T b", "b = a;", "copy") is None
    monkeypatch.setenv("MINITF_NATIVE_KERNELS", "1")
    monkeypatch.setattr(native, "_compiler", None)
    monkeypatch.setenv("CXX", "/nonexistent/c++")
    assert native.elementwise_kernel("T a", "T b", "b = a;", "copy") is None
    _forget_kernels()
    try:
        opdef = T.ApplyAdam()
        assert T._fused_or_plain_update(opdef, np, 3) == opdef.update
    finally:
        _forget_kernels()


def test_a_formula_that_does_not_compile_warns_once_and_runs_numpy(cache, monkeypatch, caplog):
    monkeypatch.setattr(native, "_warned", False)
    kernel = native.elementwise_kernel("T a", "T b", "b = a +;", "broken")
    with pytest.raises(native.Unsupported):
        kernel(np.float32(1), np.zeros(3, np.float32))
    with pytest.raises(native.Unsupported):  # (not compiled again)
        kernel(np.float32(1), np.zeros(3, np.float32))
    assert native._warned
    with pytest.raises(ValueError, match="parameters 'T name'"):
        native.elementwise_kernel("raw T a", "T b", "b = a;", "raw")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_gradient_runs_one_native_pass_with_the_numpy_bits(cache, dtype):
    from minitf.ops import nn_ops, op_util
    kernel = nn_ops.ReluGrad().specialize(np, None)
    rng = np.random.default_rng(2)
    shape = (op_util.NATIVE_MIN_ELEMENTS // 64, 64)
    dy = rng.standard_normal(shape).astype(dtype)
    features = np.maximum(rng.standard_normal(shape).astype(dtype), 0)
    features.flat[:6] = [np.nan, -0.0, 0.0, np.inf, 1e-45, -np.inf]
    dy.flat[:6] = [-1.0, -2.0, np.inf, -0.0, 3.0, np.nan]
    with np.errstate(all="ignore"):
        expected = np.multiply(dy, features > 0)
    assert kernel(dy, features).tobytes() == expected.tobytes()
    out = np.empty_like(dy)
    assert kernel(dy, features, out=out) is out and out.tobytes() == expected.tobytes()
    assert kernel(dy, features, out=dy) is dy and dy.tobytes() == expected.tobytes()
    # below the size that pays, or strided, numpy's passes run: the same result
    small = dy[:2].copy()
    assert kernel(small, features[:2]).tobytes() == np.multiply(small, features[:2] > 0).tobytes()
    strided = np.ones((shape[0], 128), dtype)[:, ::2]
    assert np.array_equal(kernel(strided, features), (features > 0).astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, k", [((5, 12, 8, 7), 2), ((3, 9, 6, 4), 3), ((2, 4, 4, 1), 2)])
def test_max_pool_gradient_loop_gives_the_numpy_bits(cache, monkeypatch, dtype, shape, k):
    """Windows that tile the input: ties (the first tap in row-major order gets it), NaNs (no
    tap does), -0.0, infinities; the gradient's misses are dy * 0 (-0.0 for a negative dy)."""
    from minitf.ops import conv_ops
    rng = np.random.default_rng(6)
    x = rng.integers(-3, 3, shape).astype(dtype)  # many ties
    x[0, 0, 0, 0] = np.nan
    x[-1, -1, -1, -1] = -np.inf
    n, h, w, c = shape
    y = x.reshape(n, h // k, k, w // k, k, c).max(axis=(2, 4))
    dy = rng.standard_normal(y.shape).astype(dtype)
    dy.flat[1:4] = [np.nan, -np.inf, -0.0]
    op = conv_ops.MaxPoolGrad(ksize=[1, k, k, 1], strides=[1, k, k, 1], padding="VALID")
    conv_ops._native_max_pool_grad.cache_clear()
    assert conv_ops._native_max_pool_grad(np.dtype(dtype)) is not None
    native_dx = op.compute(np, x, y, dy)
    monkeypatch.setenv("MINITF_NATIVE_KERNELS", "0")
    conv_ops._native_max_pool_grad.cache_clear()
    try:
        assert conv_ops._native_max_pool_grad(np.dtype(dtype)) is None
        with np.errstate(invalid="ignore"):
            numpy_dx = op.compute(np, x, y, dy)
    finally:
        conv_ops._native_max_pool_grad.cache_clear()
    assert native_dx.tobytes() == numpy_dx.tobytes()
