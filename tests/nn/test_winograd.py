"""Winograd minimal filtering (conv_ops._Winograd) for stride-1 3x3 and 5x5 float32/float64
convolutions: Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter against float64 direct-loop
references on small and odd shapes (the last tile partial), the same bits at one and several
participants and with stale scratch, and the cases that keep im2col."""

import numpy as np
import pytest

from minitf.ops import conv_ops
from tests.nn.test_split_kernels import Scrambled, StaleWorkspace, assert_identical, workspace
from tests.op_specs.conv_specs import (ref_conv2d, ref_conv2d_backprop_filter,
                                       ref_conv2d_backprop_input)

# max |error| / max |reference| of Winograd F(4x4, 5x5) and F(4x4, 3x3); in float32 measured
# up to ~1e-5 on LeNet's layer (docs/cnn.md), ~4e-7 for im2col.
TOLERANCE = {np.float32: 3e-5, np.float64: 1e-13}


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


@pytest.fixture
def any_size(monkeypatch):
    """Winograd for the small shapes of the tests too (not only from WINOGRAD_MIN_MACS)."""
    monkeypatch.setattr(conv_ops, "WINOGRAD_MIN_MACS", 0)


CASES = [  # (x NHWC shape, filter size, out channels, padding): the outputs' whole tiles
    # add at most WINOGRAD_TILE's share of padding
    ((1, 4, 4, 16), 5, 16, "SAME"),    # one tile per image, mostly border
    ((2, 7, 9, 16), 5, 17, "SAME"),    # outputs 7x9: partial last tiles both ways
    ((3, 15, 11, 17), 5, 16, "SAME"),
    ((3, 13, 14, 16), 5, 16, "VALID"),  # outputs 9x10
    ((2, 12, 12, 16), 5, 20, "VALID"),  # outputs 8x8: whole tiles, no padding
    ((2, 14, 14, 16), 5, 16, [(1, 3), (2, 0)]),  # explicit, uneven
    ((1, 4, 4, 16), 3, 16, "SAME"),
    ((2, 7, 8, 16), 3, 17, "SAME"),
    ((3, 15, 11, 17), 3, 16, "SAME"),
    ((3, 13, 14, 16), 3, 16, "VALID"),  # outputs 11x12
    ((2, 14, 14, 16), 3, 16, [(1, 2), (2, 0)]),
]


def _attrs(padding, data_format="NHWC"):
    if isinstance(padding, list):
        pairs = [(0, 0)] + padding + [(0, 0)] if data_format == "NHWC" else \
            [(0, 0), (0, 0)] + padding
        return dict(strides=(1, 1, 1, 1), padding="EXPLICIT", data_format=data_format,
                    explicit_paddings=tuple(v for p in pairs for v in p))
    return dict(strides=(1, 1, 1, 1), padding=padding, data_format=data_format)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: "x%s-%dx%d-o%d-%s"
                         % (c[0], c[1], c[1], c[2], c[3]))
def test_winograd_kernels_match_a_float64_direct_convolution(case, data_format, dtype, used,
                                                             any_size):
    check_against_direct(case, data_format, dtype)
    assert used == {"conv": 2, "filter": 1}


def check_against_direct(case, data_format, dtype):
    """The three kernels of `case` against the float64 direct-loop references."""
    x_shape, r, o, padding = case
    rng = np.random.default_rng(5)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal((r, r, x_shape[3], o)).astype(dtype)
    want = ref_conv2d(x, w.astype(np.float64), padding=padding)
    dy = rng.standard_normal(want.shape).astype(dtype)
    fmt = (lambda a: a.transpose(0, 3, 1, 2).copy()) if data_format == "NCHW" else \
        (lambda a: a)
    back = (lambda a: a.transpose(0, 2, 3, 1)) if data_format == "NCHW" else (lambda a: a)
    attrs = _attrs(padding, data_format)
    y = back(conv_ops.Conv2D(**attrs).compute(np, fmt(x), w, work=workspace()))
    dx = back(conv_ops.Conv2DBackpropInput(**attrs).compute(
        np, np.array(fmt(x).shape, np.int32), w, fmt(dy), work=workspace()))
    dw = conv_ops.Conv2DBackpropFilter(**attrs).compute(
        np, fmt(x), np.array(w.shape, np.int32), fmt(dy), work=workspace())
    assert y.dtype == dx.dtype == dw.dtype == dtype
    tolerance = TOLERANCE[dtype]
    assert relative_error(y, want) < tolerance
    dy64 = dy.astype(np.float64)
    assert relative_error(dx, ref_conv2d_backprop_input(x.shape, w.astype(np.float64), dy64,
                                                        padding=padding)) < tolerance
    assert relative_error(dw, ref_conv2d_backprop_filter(x, w.shape, dy64,
                                                         padding=padding)) < tolerance


@pytest.mark.parametrize("r, tile", [(5, (2, (0, 1, -1, 2, -0.5), 2.0)),
                                     (3, (2, (0, 1, -1), 1.5))], ids=["F(2,5)", "F(2,3)"])
def test_smaller_output_tiles_are_a_setting(monkeypatch, r, tile, used, any_size):
    # F(2x2, r x r) instead of F(4x4, r x r) (docs/cnn.md: more accurate, less fast): the
    # kernels are generic in the tile size.
    monkeypatch.setitem(conv_ops.WINOGRAD_TILE, r, tile)
    check_against_direct(((2, 7, 9, 16), r, 17, "SAME"), "NHWC", np.float32)
    assert used == {"conv": 2, "filter": 1}


@pytest.mark.parametrize("splitter", [None, Scrambled], ids=["one-thread", "split"])
@pytest.mark.parametrize("shape", [(7, 12, 12, 16), (5, 9, 11, 16)], ids=["whole", "partial"])
def test_winograd_tiles_split_and_on_stale_scratch_give_the_same_bits(monkeypatch, splitter,
                                                                     shape, used, any_size):
    # Tiles of 1 or 2 images (2 + 2 + ... + 1: the last one short, reusing the first images of
    # the padded buffers), two filter-gradient groups, scratch full of NaN kept between calls
    # and kernels: the same bits as the same tiles at one thread in fresh scratch, and close
    # to one tile of the whole batch (the products' rounding may depend on their row count).
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal((5, 5, 16, 16)).astype(np.float32)
    dy = rng.standard_normal(shape[:3] + (16,)).astype(np.float32)
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
            assert relative_error(got, close) < TOLERANCE[np.float32]
    assert used["conv"] == 10 and used["filter"] == 5


def test_winograd_filter_gradient_is_the_same_split_or_not(monkeypatch, used, any_size):
    # Fixed groups of tiles (by the shapes alone): one thread and three give the same bits.
    monkeypatch.setattr(conv_ops, "PARTS_BYTES", 0)
    monkeypatch.setattr(conv_ops, "FILTER_GROUPS", 3)
    monkeypatch.setattr(conv_ops, "WINOGRAD_TILE_BYTES", 1)
    rng = np.random.default_rng(8)
    x = rng.standard_normal((7, 10, 10, 16)).astype(np.float32)
    dy = rng.standard_normal((7, 10, 10, 9)).astype(np.float32)
    sizes = np.array((5, 5, 16, 9), np.int32)
    kernel = conv_ops.Conv2DBackpropFilter(strides=(1, 1, 1, 1), padding="SAME").compute
    alone = kernel(np, x, sizes, dy, work=workspace(), split=None)
    splitter = Scrambled()
    assert_identical(alone, kernel(np, x, sizes, dy, work=workspace(), split=splitter))
    assert splitter.calls == 1 and used["filter"] == 2


@pytest.mark.parametrize("x_shape, w_shape, dtype, strides, dilations, runs, why", [
    # runs: whether (forward, input gradient, filter gradient) use Winograd
    ((2, 9, 9, 16), (5, 5, 16, 16), np.float16, (1, 1), (1, 1), "---", "float16"),
    ((2, 9, 9, 16), (5, 5, 16, 16), np.int32, (1, 1), (1, 1), "---", "int32"),
    ((2, 9, 9, 16), (5, 5, 16, 16), np.float32, (2, 2), (1, 1), "---", "stride 2"),
    ((2, 12, 12, 16), (5, 5, 16, 16), np.float32, (1, 1), (2, 2), "---", "dilation 2"),
    ((2, 9, 9, 16), (5, 3, 16, 16), np.float32, (1, 1), (1, 1), "---", "5x3"),
    ((2, 9, 9, 16), (7, 7, 16, 16), np.float32, (1, 1), (1, 1), "---", "7x7"),
    ((2, 9, 9, 16), (1, 1, 16, 16), np.float32, (1, 1), (1, 1), "---", "1x1"),
    ((2, 9, 9, 8), (5, 5, 8, 32), np.float32, (1, 1), (1, 1), "-w-", "8 input channels"),
    ((2, 9, 9, 32), (5, 5, 32, 4), np.float32, (1, 1), (1, 1), "---", "4 output channels"),
    ((2, 9, 9, 32), (5, 5, 32, 8), np.float32, (1, 1), (1, 1), "w-w", "8 output channels"),
    ((2, 5, 5, 16), (5, 5, 16, 16), np.float32, (1, 1), (1, 1), "---", "5x5 outputs of 5x5"),
    ((2, 6, 6, 16), (5, 5, 16, 16), np.float32, (1, 1), (1, 1), "www", "5x5 outputs of 6x6"),
    ((2, 6, 6, 16), (3, 3, 16, 16), np.float32, (1, 1), (1, 1), "---", "3x3 outputs of 6x6"),
    ((2, 7, 7, 16), (3, 3, 16, 16), np.float32, (1, 1), (1, 1), "www", "3x3 outputs of 7x7"),
], ids=lambda v: v if isinstance(v, str) and len(v) > 3 else None)
def test_the_dispatcher_keeps_im2col_where_winograd_does_not_pay(
        x_shape, w_shape, dtype, strides, dilations, runs, why, used, any_size):
    rng = np.random.default_rng(9)
    x = (rng.standard_normal(x_shape) * 3).astype(dtype)
    w = (rng.standard_normal(w_shape) * 3).astype(dtype)
    attrs = dict(strides=(1,) + strides + (1,), dilations=(1,) + dilations + (1,),
                 padding="SAME")
    y = conv_ops.Conv2D(**attrs).compute(np, x, w)
    assert used == {"conv": int(runs[0] == "w"), "filter": 0}
    dy = np.ones_like(y)
    conv_ops.Conv2DBackpropInput(**attrs).compute(np, np.array(x_shape, np.int32), w, dy)
    assert used["conv"] == int(runs[0] == "w") + int(runs[1] == "w")
    conv_ops.Conv2DBackpropFilter(**attrs).compute(np, x, np.array(w_shape, np.int32), dy)
    assert used["filter"] == int(runs[2] == "w")
    want = ref_conv2d(x, w.astype(np.float64), strides, "SAME", dilations)
    if dtype == np.int32:
        np.testing.assert_array_equal(y, want)


def test_small_convolutions_keep_im2col():
    # WINOGRAD_MIN_MACS: 2 images of 9x9, 16 -> 16 channels 5x5 (1M multiply-adds) keep
    # im2col; 8 images of 16x16, 32 -> 32 (52M) run as Winograd.
    args = dict(strides=(1, 1), dilations=(1, 1))
    assert not conv_ops.winograd_applies(np, np.float32, 2, (5, 5, 16, 16), out_hw=(9, 9),
                                         **args)
    assert conv_ops.winograd_applies(np, np.float32, 8, (5, 5, 32, 32), out_hw=(16, 16), **args)
    assert conv_ops.winograd_applies(np, np.float64, 8, (3, 3, 64, 64), out_hw=(14, 14), **args)
    # only on numpy (an array module that is not numpy keeps im2col)
    assert not conv_ops.winograd_applies(object(), np.float32, 8, (5, 5, 32, 32),
                                         out_hw=(16, 16), **args)


def test_the_switch_turns_winograd_off(monkeypatch, used, any_size):
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 9, 9, 16)).astype(np.float32)
    w = rng.standard_normal((5, 5, 16, 16)).astype(np.float32)
    conv = conv_ops.Conv2D(strides=(1, 1, 1, 1), padding="SAME")
    on = conv.compute(np, x, w)
    monkeypatch.setattr(conv_ops, "WINOGRAD", False)
    off = conv.compute(np, x, w)
    assert used == {"conv": 1, "filter": 0}
    assert not np.array_equal(on, off)  # different rounding: both close to the exact result
    want = ref_conv2d(x, w.astype(np.float64), padding="SAME")
    assert relative_error(off, want) < 1e-6 and relative_error(on, want) < TOLERANCE[np.float32]


@pytest.mark.parametrize("r", sorted(conv_ops.WINOGRAD_TILE))
def test_winograd_matrices_compute_the_correlation(r):
    m, points, _ = conv_ops.WINOGRAD_TILE[r]
    at, g, bt = (np.array(v) for v in conv_ops.winograd_matrices(m, r, points))
    a = m + r - 1
    assert at.shape == (m, a) and g.shape == (a, r) and bt.shape == (a, a)
    # 1-D F(m, r) in float64: A^T [(G g) * (B^T d)] is the correlation of d with g
    rng = np.random.default_rng(11)
    d, f = rng.standard_normal(a), rng.standard_normal(r)
    np.testing.assert_allclose(at @ ((g @ f) * (bt @ d)), np.correlate(d, f, "valid"),
                               rtol=1e-13, atol=1e-13)
    with pytest.raises(ArithmeticError):
        conv_ops.winograd_matrices(2, 3, (0, 1, 1))  # a repeated point has no transform
