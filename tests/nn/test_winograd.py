"""Winograd minimal filtering (conv_ops._Winograd) for stride-1 5x5 float32 convolutions:
Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter against float64 direct-loop references on
small and odd shapes (the last tile partial), the same bits at one and several participants
and with stale scratch, and the cases that keep im2col."""

import numpy as np
import pytest

from minitf.ops import conv_ops
from tests.nn.test_split_kernels import Scrambled, StaleWorkspace, assert_identical, workspace
from tests.op_specs.conv_specs import (ref_conv2d, ref_conv2d_backprop_filter,
                                       ref_conv2d_backprop_input)

# max |error| / max |reference| of float32 Winograd F(4x4, 5x5); measured up to ~1e-5 on
# LeNet's layer (docs/cnn.md), ~4e-7 for im2col.
TOLERANCE = 3e-5


def relative_error(got, want):
    return np.abs(got - want).max() / np.abs(want).max()


@pytest.fixture
def used(monkeypatch):
    """Counts the Winograd kernels' calls ("conv", "filter")."""
    calls = {"conv": 0, "filter": 0}
    conv, filt = conv_ops._winograd_conv, conv_ops._winograd_filter

    def count(name, fn):
        def wrapped(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)
        return wrapped
    monkeypatch.setattr(conv_ops, "_winograd_conv", count("conv", conv))
    monkeypatch.setattr(conv_ops, "_winograd_filter", count("filter", filt))
    return calls


CASES = [  # (x NHWC shape, in -> out channels, padding)
    ((1, 5, 5, 8), 8, "SAME"),      # one tile per image, mostly border
    ((2, 7, 9, 8), 16, "SAME"),     # outputs 7x9: partial last tiles both ways
    ((3, 15, 11, 9), 10, "SAME"),
    ((3, 13, 14, 8), 8, "VALID"),   # outputs 9x10
    ((2, 12, 12, 12), 8, "VALID"),  # outputs 8x8: whole tiles, no padding
    ((2, 14, 14, 8), 12, [(1, 3), (2, 0)]),  # explicit, uneven
]


def _attrs(padding, data_format="NHWC"):
    if isinstance(padding, list):
        pairs = [(0, 0)] + padding + [(0, 0)] if data_format == "NHWC" else \
            [(0, 0), (0, 0)] + padding
        return dict(strides=(1, 1, 1, 1), padding="EXPLICIT", data_format=data_format,
                    explicit_paddings=tuple(v for p in pairs for v in p))
    return dict(strides=(1, 1, 1, 1), padding=padding, data_format=data_format)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: "x%s-o%d-%s" % c)
def test_winograd_kernels_match_a_float64_direct_convolution(case, data_format, used):
    x_shape, o, padding = case
    rng = np.random.default_rng(5)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal((5, 5, x_shape[3], o)).astype(np.float32)
    want = ref_conv2d(x, w.astype(np.float64), padding=padding)
    dy = rng.standard_normal(want.shape).astype(np.float32)
    fmt = (lambda a: a.transpose(0, 3, 1, 2).copy()) if data_format == "NCHW" else \
        (lambda a: a)
    back = (lambda a: a.transpose(0, 2, 3, 1)) if data_format == "NCHW" else (lambda a: a)
    attrs = _attrs(padding, data_format)
    y = back(conv_ops.Conv2D(**attrs).compute(np, fmt(x), w, work=workspace()))
    dx = back(conv_ops.Conv2DBackpropInput(**attrs).compute(
        np, np.array(fmt(x).shape, np.int32), w, fmt(dy), work=workspace()))
    dw = conv_ops.Conv2DBackpropFilter(**attrs).compute(
        np, fmt(x), np.array(w.shape, np.int32), fmt(dy), work=workspace())
    assert used == {"conv": 2, "filter": 1}
    assert y.dtype == dx.dtype == dw.dtype == np.float32
    assert relative_error(y, want) < TOLERANCE
    dy64 = dy.astype(np.float64)
    assert relative_error(dx, ref_conv2d_backprop_input(x.shape, w.astype(np.float64), dy64,
                                                        padding=padding)) < TOLERANCE
    assert relative_error(dw, ref_conv2d_backprop_filter(x, w.shape, dy64,
                                                         padding=padding)) < TOLERANCE


def test_winograd_algorithm_is_exact_in_float64():
    # The same kernel on float64 arrays (which the dispatcher does not send to it) agrees
    # with the direct convolution to float64 rounding: the transforms are exact.
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 11, 10, 3))
    w = rng.standard_normal((5, 5, 3, 4))
    out = np.empty((2, 11, 10, 4))
    pads = ((2, 2), (2, 2))
    conv_ops._winograd_conv(np, None, None, x, w, pads, out)
    np.testing.assert_allclose(out, ref_conv2d(x, w, padding="SAME"), rtol=1e-11, atol=1e-11)
    dy = rng.standard_normal(out.shape)
    dw = conv_ops._winograd_filter(np, None, None, x, w.shape, dy, pads)
    np.testing.assert_allclose(dw, ref_conv2d_backprop_filter(x, w.shape, dy, padding="SAME"),
                               rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("splitter", [None, Scrambled], ids=["one-thread", "split"])
@pytest.mark.parametrize("shape", [(7, 14, 14, 8), (5, 9, 11, 8)], ids=["whole", "partial"])
def test_winograd_tiles_split_and_on_stale_scratch_give_the_same_bits(monkeypatch, splitter,
                                                                     shape, used):
    # Tiles of 1 or 2 images (2 + 2 + ... + 1: the last one short, reusing the first images of
    # the padded buffers), two filter-gradient groups, scratch full of NaN kept between calls
    # and kernels: the same bits as the same tiles at one thread in fresh scratch, and close
    # to one tile of the whole batch (the products' rounding may depend on their row count).
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal((5, 5, 8, 8)).astype(np.float32)
    dy = rng.standard_normal(shape[:3] + (8,)).astype(np.float32)
    attrs = dict(strides=(1, 1, 1, 1), padding="SAME")
    kernels = [(conv_ops.Conv2D(**attrs).compute, (x, w)),
               (conv_ops.Conv2DBackpropInput(**attrs).compute,
                (np.array(shape, np.int32), w, dy)),
               (conv_ops.Conv2DBackpropFilter(**attrs).compute,
                (x, np.array(w.shape, np.int32), dy))]
    monkeypatch.setattr(conv_ops, "PARTS_BYTES", 0)
    monkeypatch.setattr(conv_ops, "FILTER_GROUPS", 2)
    whole = [fn(np, *args, work=workspace()) for fn, args in kernels]
    stale = StaleWorkspace()
    for tile_images in (1, 2):
        monkeypatch.setattr(conv_ops, "batch_tiles",
                            lambda n, size, limit: [slice(b, min(b + tile_images, n))
                                                    for b in range(0, n, tile_images)])
        for (fn, args), close in zip(kernels, whole):
            want = fn(np, *args, work=workspace())
            got = fn(np, *args, work=stale, split=splitter and splitter())
            assert_identical(got, want)
            assert relative_error(got, close) < TOLERANCE
    assert used["conv"] == 10 and used["filter"] == 5


def test_winograd_filter_gradient_is_the_same_split_or_not(monkeypatch):
    # Fixed groups of tiles (by the shapes alone): one thread and three give the same bits.
    monkeypatch.setattr(conv_ops, "PARTS_BYTES", 0)
    monkeypatch.setattr(conv_ops, "FILTER_GROUPS", 3)
    monkeypatch.setattr(conv_ops, "WINOGRAD_TILE_BYTES", 1)
    rng = np.random.default_rng(8)
    x = rng.standard_normal((7, 10, 10, 8)).astype(np.float32)
    dy = rng.standard_normal((7, 10, 10, 9)).astype(np.float32)
    sizes = np.array((5, 5, 8, 9), np.int32)
    kernel = conv_ops.Conv2DBackpropFilter(strides=(1, 1, 1, 1), padding="SAME").compute
    alone = kernel(np, x, sizes, dy, work=workspace(), split=None)
    splitter = Scrambled()
    assert_identical(alone, kernel(np, x, sizes, dy, work=workspace(), split=splitter))
    assert splitter.calls == 1


@pytest.mark.parametrize("x_shape, w_shape, dtype, strides, dilations, why", [
    ((2, 9, 9, 8), (5, 5, 8, 8), np.float64, (1, 1), (1, 1), "float64"),
    ((2, 9, 9, 8), (5, 5, 8, 8), np.float16, (1, 1), (1, 1), "float16"),
    ((2, 9, 9, 8), (5, 5, 8, 8), np.int32, (1, 1), (1, 1), "int32"),
    ((2, 9, 9, 8), (5, 5, 8, 8), np.float32, (2, 2), (1, 1), "stride 2"),
    ((2, 12, 12, 8), (5, 5, 8, 8), np.float32, (1, 1), (2, 2), "dilation 2"),
    ((2, 9, 9, 8), (3, 3, 8, 8), np.float32, (1, 1), (1, 1), "3x3"),
    ((2, 9, 9, 8), (5, 3, 8, 8), np.float32, (1, 1), (1, 1), "5x3"),
    ((2, 9, 9, 4), (5, 5, 4, 8), np.float32, (1, 1), (1, 1), "4 input channels"),
    ((2, 9, 9, 8), (5, 5, 8, 1), np.float32, (1, 1), (1, 1), "1 output channel"),
    ((2, 3, 3, 8), (5, 5, 8, 8), np.float32, (1, 1), (1, 1), "3x3 outputs"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_other_convolutions_keep_im2col(x_shape, w_shape, dtype, strides, dilations, why,
                                        used):
    rng = np.random.default_rng(9)
    x = (rng.standard_normal(x_shape) * 3).astype(dtype)
    w = (rng.standard_normal(w_shape) * 3).astype(dtype)
    attrs = dict(strides=(1,) + strides + (1,), dilations=(1,) + dilations + (1,),
                 padding="SAME")
    y = conv_ops.Conv2D(**attrs).compute(np, x, w)
    dy = np.ones_like(y)
    conv_ops.Conv2DBackpropInput(**attrs).compute(np, np.array(x_shape, np.int32), w, dy)
    conv_ops.Conv2DBackpropFilter(**attrs).compute(np, x, np.array(w_shape, np.int32), dy)
    assert used == {"conv": 0, "filter": 0}
    want = ref_conv2d(x, w.astype(np.float64), strides, "SAME", dilations)
    if dtype == np.int32:
        np.testing.assert_array_equal(y, want)


def test_the_switch_turns_winograd_off(monkeypatch, used):
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 9, 9, 8)).astype(np.float32)
    w = rng.standard_normal((5, 5, 8, 8)).astype(np.float32)
    conv = conv_ops.Conv2D(strides=(1, 1, 1, 1), padding="SAME")
    on = conv.compute(np, x, w)
    monkeypatch.setattr(conv_ops, "WINOGRAD", False)
    off = conv.compute(np, x, w)
    assert used == {"conv": 1, "filter": 0}
    assert not np.array_equal(on, off)  # different rounding: both close to the exact result
    want = ref_conv2d(x, w.astype(np.float64), padding="SAME")
    assert relative_error(off, want) < 1e-6 and relative_error(on, want) < TOLERANCE


def test_winograd_matrices_are_exact_rationals():
    at, g, bt = conv_ops.winograd_matrices(4, 5, (0, 1, -1, 2, -2, 0.5, -0.5))
    at, g, bt = (np.array(v) for v in (at, g, bt))
    assert at.shape == (4, 8) and g.shape == (8, 5) and bt.shape == (8, 8)
    # 1-D F(4, 5) in float64: A^T [(G g) * (B^T d)] is the correlation of d with g
    rng = np.random.default_rng(11)
    d, f = rng.standard_normal(8), rng.standard_normal(5)
    np.testing.assert_allclose(at @ ((g @ f) * (bt @ d)), np.correlate(d, f, "valid"),
                               rtol=1e-13, atol=1e-13)
    with pytest.raises(ArithmeticError):
        conv_ops.winograd_matrices(2, 3, (0, 1, 1))  # a repeated point has no transform
