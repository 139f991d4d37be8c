"""Array ops beyond the op table: Tensor.__getitem__ against numpy, exact static shapes,
build-time errors that name the op and shapes, run-time index errors, one_hot and boolean_mask
edge cases, TF1's op names, and kernels never handing out their input arrays."""

import numpy as np
import pytest

import minitf as tf
from minitf.ops.gather_scatter import GatherV2
from tests.op_specs import SPECS
from tests.test_op_table import _values

X = np.arange(3 * 4 * 5 * 6, dtype=np.float32).reshape(3, 4, 5, 6)

INDEXES = [
    (1,),
    (-1,),
    (slice(1, None),),
    (slice(None, None, -1),),
    (slice(None, None, 2), 1),
    (slice(1, None), slice(None, None, -1), None, Ellipsis, 0),
    (Ellipsis, 0),
    (Ellipsis, slice(None, None, -2)),
    (0, Ellipsis, None, 2),
    (None,),
    (None, Ellipsis, None),
    (slice(None), None, 1),
    (-1, -2, -3, -4),
    (slice(-2, None), slice(3, 0, -1)),
    (slice(None, -1), slice(-10, 10)),
    (slice(4, 1, -2), slice(None, None, 3)),
    (slice(2, 2),),
    (slice(0, 3, 5), 0, slice(None, None, -3)),
    (1, slice(None), 2),
    (Ellipsis,),
    (slice(None, None, -1), Ellipsis, slice(None, None, -1)),
    (2, 3, 4, 5),
    (slice(1, 2), Ellipsis, slice(1, 2)),
    (None, 0, None, slice(1, 3), None),
    (slice(-1, -4, -1), -2),
    (slice(10, None),),
]


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


pytestmark = pytest.mark.usefixtures("fresh_graph")


@pytest.mark.parametrize("index", INDEXES, ids=repr)
def test_getitem_matches_numpy_with_exact_static_shape(index):
    x = tf.placeholder(tf.float32, X.shape)
    y = x[index]
    want = X[index]
    assert y.op.type == "StridedSlice" and y.op.name == "strided_slice"
    assert y.shape.as_list() == list(want.shape)
    got = _run(y, {x: X})
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("index", INDEXES, ids=repr)
def test_getitem_gradient_scatters_into_the_slice(index):
    x = tf.placeholder(tf.float64, [None, 4, None, 6])
    y = x[index]
    w = np.random.default_rng(0).standard_normal(X[index].shape)
    (dx,) = tf.gradients(y, x, grad_ys=tf.constant(w))
    want = np.zeros(X.shape)
    want[index] = w  # basic indexing never repeats an element
    np.testing.assert_array_equal(_run(dx, {x: X.astype(np.float64)}), want)


@pytest.mark.parametrize("index", INDEXES, ids=repr)
def test_getitem_static_shape_with_unknown_dims(index):
    x = tf.placeholder(tf.float32, [None, 4, None, 6])
    y = x[index]
    want = X[index].shape
    dims = y.shape.as_list()
    assert len(dims) == len(want)
    assert all(d is None or d == w for d, w in zip(dims, want))
    np.testing.assert_array_equal(_run(y, {x: X}), X[index])


@pytest.mark.parametrize("index, want", [
    (np.s_[:2], [None, 5]),
    (np.s_[1:3], [None, 5]),
    (np.s_[:, :2], [None, 2]),
    (np.s_[:, -10:], [None, 5]),
    (np.s_[:, ::-2], [None, 3]),
    (np.s_[..., None, 0], [None, 1]),
    (np.s_[0], [5]),
    (np.s_[:, 4], [None]),
    (np.s_[tf.newaxis, :, 1:4:2], [1, None, 2]),
])
def test_getitem_static_shapes_as_tf(index, want):
    x = tf.placeholder(tf.float32, [None, 5])
    assert x[index].shape.as_list() == want


def test_getitem_unknown_rank_gives_unknown_shape():
    x = tf.placeholder(tf.float32, None)
    assert x[0].shape.ndims is None
    assert _run(x[1, ..., ::2], {x: X}).shape == X[1, ..., ::2].shape


def test_getitem_graph_structure_is_tf1s():
    x = tf.placeholder(tf.float32, [3, 4, 5, 6])
    y = x[1:, ::-1, None, ..., 0]
    assert [t.op.name for t in y.op.inputs[1:]] == [
        "strided_slice/stack", "strided_slice/stack_1", "strided_slice/stack_2"]
    attrs = {k: y.op.get_attr(k) for k in ("begin_mask", "end_mask", "ellipsis_mask",
                                            "new_axis_mask", "shrink_axis_mask")}
    assert attrs == dict(begin_mask=2, end_mask=3, ellipsis_mask=8, new_axis_mask=4,
                         shrink_axis_mask=16)
    assert x[0].op.name == "strided_slice_1"


def test_getitem_with_scalar_tensor_indices():
    x = tf.placeholder(tf.float32, [None, 5])
    i = tf.placeholder(tf.int32, [])
    j = tf.placeholder(tf.int64, [])
    row, window, col = x[i], x[i:i + 2, 1:], x[:, j]
    assert row.shape.as_list() == [5]
    assert window.shape.as_list() == [None, 4]
    assert col.shape.as_list() == [None]
    a = np.arange(20, dtype=np.float32).reshape(4, 5)
    for iv in (0, 2, -1, -3):
        got = _run([row, window, col], {x: a, i: iv, j: np.int64(iv)})
        np.testing.assert_array_equal(got[0], a[iv])
        np.testing.assert_array_equal(got[1], a[iv:iv + 2, 1:])
        np.testing.assert_array_equal(got[2], a[:, iv])


def test_getitem_runtime_index_out_of_range_is_invalid_argument():
    x = tf.placeholder(tf.float32, [None, 5])
    i = tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match="strided_slice"):
        _run(x[i], {x: np.zeros((3, 5)), i: 3})


def test_getitem_on_variables():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(v[:, ::-1][1]), [4.0, 3.0])


@pytest.mark.parametrize("index, error, message", [
    (np.s_[5], ValueError, "slice index 5 of dimension 0 out of bounds"),
    (np.s_[:, -5], ValueError, "slice index -5 of dimension 1 out of bounds"),
    (np.s_[0, 0, 0], ValueError, "Index out of range using input dim 2; input has only 2 dims"),
    (np.s_[::0], ValueError, r"strides\[0\] must be non-zero"),
    (np.s_[..., 0, ...], ValueError, "Multiple ellipses"),
    (np.s_[1.0], TypeError, "Only integers, slices"),
    (np.s_[[0, 1]], TypeError, "Only integers, slices"),
    (np.s_[0:1.5], TypeError, "Only integers, slices"),
])
def test_getitem_build_time_errors(index, error, message):
    x = tf.placeholder(tf.float32, [3, 4])
    with pytest.raises(error, match=message) as info:
        x[index]
    if error is ValueError:  # shape errors name the op and the input shapes
        assert "'StridedSlice'" in str(info.value) and "[3,4]" in str(info.value)


def test_getitem_rejects_non_scalar_or_float_tensors():
    x = tf.placeholder(tf.float32, [3, 4])
    with pytest.raises(TypeError, match="scalar tf.int32/tf.int64"):
        x[tf.constant([0, 1])]
    with pytest.raises(TypeError, match="scalar tf.int32/tf.int64"):
        x[tf.constant(1.0)]


def test_strided_slice_default_strides_and_second_order():
    x = tf.placeholder(tf.float64, [4, 3])
    y = tf.strided_slice(x, [1, 0], [3, 2])
    assert y.shape.as_list() == [2, 2]
    (dx,) = tf.gradients(tf.reduce_sum(y * y * y), x)
    (ddx,) = tf.gradients(dx, x)  # differentiates StridedSliceGrad
    a = np.arange(12.0).reshape(4, 3)
    got_dx, got_ddx = _run([dx, ddx], {x: a})
    inside = np.zeros((4, 3))
    inside[1:3, 0:2] = 1
    np.testing.assert_allclose(got_dx, 3 * a ** 2 * inside)
    np.testing.assert_allclose(got_ddx, 6 * a * inside)


# -- build-time errors name the op and the shapes --------------------------------------------------

def test_concat_of_mismatched_shapes():
    a = tf.placeholder(tf.float32, [2, 3])
    b = tf.placeholder(tf.float32, [2, 4])
    with pytest.raises(ValueError) as info:
        tf.concat([a, b], 0)
    msg = str(info.value)
    assert "'ConcatV2'" in msg and "[2,3]" in msg and "[2,4]" in msg
    assert "Dimension 1 in both shapes must be equal, but are 3 and 4" in msg
    assert tf.concat([a, b], 1).shape.as_list() == [2, 7]
    with pytest.raises(ValueError, match="rank 2 but is rank 1"):
        tf.concat([a, tf.placeholder(tf.float32, [3])], 0)
    with pytest.raises(ValueError, match="out of range"):
        tf.concat([a, a], 2)
    with pytest.raises(TypeError, match=r"types \[float32, int32\]"):
        tf.concat([a, tf.placeholder(tf.int32, [2, 3])], 0)


def test_reshape_of_six_elements_into_four_by_minus_one():
    x = tf.placeholder(tf.float32, [6])
    with pytest.raises(ValueError) as info:
        tf.reshape(x, [4, -1])
    msg = str(info.value)
    assert "'Reshape'" in msg and "6 elements" in msg and "[4,-1]" in msg and "[6]" in msg


def test_transpose_perm_errors():
    x = tf.placeholder(tf.float32, [3, 4])
    assert tf.transpose(x).op.name == "transpose"
    with pytest.raises(ValueError, match="Dimension must be 2 but is 1") as info:
        tf.transpose(x, [1])
    assert "'Transpose'" in str(info.value) and "[3,4]" in str(info.value)
    with pytest.raises(ValueError, match="perm dim 2 is out of range of input rank 2"):
        tf.transpose(x, [0, 2])
    with pytest.raises(ValueError, match="not a permutation"):
        tf.transpose(x, [0, 0])
    assert tf.transpose(x, [-1, 0]).shape.as_list() == [4, 3]
    assert tf.transpose(x, conjugate=True).op.type == "Transpose"  # real: plain transpose
    c = tf.placeholder(tf.complex64, [2, 3])
    assert tf.transpose(c, conjugate=True).op.type == "ConjugateTranspose"


@pytest.mark.parametrize("build, error, message", [
    (lambda x: tf.squeeze(x, [1]), ValueError,
     "Can not squeeze dim.1., expected a dimension of 1, got 4"),
    (lambda x: tf.squeeze(x, [3]), ValueError, r"squeeze_dims\[0\] not in \[-3,3\)"),
    (lambda x: tf.squeeze(x, axis=[2], squeeze_dims=[2]), ValueError, "Cannot specify both"),
    (lambda x: tf.split(x, 3, axis=1), ValueError, "evenly divide"),
    (lambda x: tf.split(x, [1, 2], axis=1), ValueError, "can't split axis of size 4"),
    (lambda x: tf.split(x, [1, -1, -1], axis=1), ValueError, "only have one -1"),
    (lambda x: tf.split(x, 0), ValueError, "less than minimum 1"),
    (lambda x: tf.split(x, tf.placeholder(tf.int32, [None])), ValueError,
     "Cannot infer argument `num`"),
    (lambda x: tf.unstack(x), ValueError, "Cannot infer argument `num` from shape"),
    (lambda x: tf.unstack(x, axis=3), ValueError, r"Argument `axis` = 3 not in range \[-3, 3\)"),
    (lambda x: tf.unstack(x, num=3, axis=1), ValueError, "Dimension must be 3 but is 4"),
    (lambda x: tf.tile(x, [2, 1]), ValueError, "multiples has 2 entries for a tensor of rank 3"),
    (lambda x: tf.tile(x, [1, -1, 1]), ValueError, "non-negative"),
    (lambda x: tf.pad(x, [[1, 1], [0, 0]]), ValueError, "paddings has 2 rows"),
    (lambda x: tf.pad(x, [[1, 1], [0, -1], [0, 0]]), ValueError, "Paddings must be non-negative"),
    (lambda x: tf.pad(x, [[0, 0], [4, 0], [0, 0]], "REFLECT"), ValueError,
     "less than the dimension size"),
    (lambda x: tf.pad(x, [[0, 0], [5, 0], [0, 0]], "SYMMETRIC"), ValueError, "no greater than"),
    (lambda x: tf.pad(x, [[0, 0]] * 3, "WRAP"), ValueError, "Received `mode` = WRAP"),
    (lambda x: tf.gather(x, tf.constant([0.0])), TypeError, "DataType float32 not in list"),
    (lambda x: tf.gather(x, [0.5]), TypeError, "Expected int32"),
    (lambda x: tf.gather(x, [0], axis=3), ValueError, "gather axis 3 is out of range"),
    (lambda x: tf.gather_nd(x, [[0, 0, 0, 0]]), ValueError,
     "indices.shape.-1. must be <= params.rank"),
    (lambda x: tf.slice(x, [0, 1, 0], [-1, 4, 1]), ValueError,
     r"Expected size\[1\] in \[0, 3\], but got 4"),
    (lambda x: tf.slice(x, [0, 0], [1, 1]), ValueError, "1-D tensors of size 3"),
    (lambda x: tf.reverse(x, [1, -2]), ValueError, "axis 1 specified more than once"),
    (lambda x: tf.reverse(x, [3]), ValueError, "out of valid range"),
    (lambda x: tf.scatter_nd([[0]], tf.ones([1, 5, 1]), [2, 4, 1]), ValueError,
     "need updates of shape"),
])
def test_build_time_errors(build, error, message):
    x = tf.placeholder(tf.float32, [None, 4, 1])
    with pytest.raises(error, match=message):
        build(x)


def test_squeeze_without_axis_and_unknown_dims_has_unknown_rank():
    assert tf.squeeze(tf.placeholder(tf.float32, [None, 4, 1])).shape.ndims is None
    assert tf.squeeze(tf.placeholder(tf.float32, [2, 1, 3, 1])).shape.as_list() == [2, 3]
    assert tf.squeeze(tf.placeholder(tf.float32, [None, 4, 1]), [-1]).shape.as_list() == [None, 4]


# -- run-time index errors -------------------------------------------------------------------------

@pytest.mark.parametrize("build, message", [
    (lambda p: tf.gather(p, [0, 3]), r"indices\[1\] = 3 is not in \[0, 3\)"),
    (lambda p: tf.gather(p, [[0], [-1]]), r"indices\[1,0\] = -1 is not in \[0, 3\)"),
    (lambda p: tf.gather(p, [4], axis=1), r"indices\[0\] = 4 is not in \[0, 2\)"),
    (lambda p: tf.gather_nd(p, [[0, 1], [3, 0]]),
     r"indices\[1\] = \[3, 0\] does not index into param shape \[3,2\]"),
    (lambda p: tf.scatter_nd([[1], [5]], p[:2], [4, 2]),
     r"indices\[1\] = \[5\] does not index into shape \[4,2\]"),
    (lambda p: tf.slice(p, [1, 0], [3, 1]), r"Expected size\[0\] in \[0, 2\], but got 3"),
])
def test_runtime_index_errors(build, message):
    p = tf.placeholder(tf.float32, [None, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        _run(build(p), {p: np.zeros((3, 2), np.float32)})


# -- gradients that accumulate ---------------------------------------------------------------------

def test_gather_gradient_accumulates_repeats_and_differentiates_again():
    p = tf.placeholder(tf.float64, [None, 3])
    idx = [2, 0, 2, 2]
    y = tf.reduce_sum(tf.gather(p, idx) ** 2)
    (sparse,) = tf.gradients(y, p)
    assert isinstance(sparse, tf.IndexedSlices)  # the gathered rows, as TF
    dp = tf.convert_to_tensor(sparse)  # an UnsortedSegmentSum, whose gradient is a gather
    v = np.random.default_rng(1).standard_normal((4, 3))
    ddp = tf.convert_to_tensor(tf.gradients(dp, p, grad_ys=tf.constant(v))[0])
    a = np.random.default_rng(2).standard_normal((4, 3))
    got_dp, got_ddp = _run([dp, ddp], {p: a})
    counts = np.bincount(idx, minlength=4)[:, None]
    np.testing.assert_allclose(got_dp, 2 * counts * a)
    np.testing.assert_allclose(got_ddp, 2 * counts * v)


# -- one_hot ---------------------------------------------------------------------------------------

def test_one_hot_out_of_range_and_negative_indices_give_off_rows():
    got = _run(tf.one_hot([0, 2, -1, 5], 3))
    np.testing.assert_array_equal(got, [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert got.dtype == np.float32


def test_one_hot_dtypes_and_values():
    ints = tf.one_hot([1, 0], 2, on_value=5, off_value=-1)
    assert ints.dtype == tf.int32
    np.testing.assert_array_equal(_run(ints), [[-1, 5], [5, -1]])
    adapts = tf.one_hot([1], 3, on_value=5, dtype=tf.float64)  # Python values take `dtype`
    assert adapts.dtype == tf.float64
    np.testing.assert_array_equal(_run(adapts), [[0, 5, 0]])
    bools = tf.one_hot([2, 0], 3, on_value=True, off_value=False)
    np.testing.assert_array_equal(_run(bools), [[False, False, True], [True, False, False]])
    assert tf.one_hot(tf.constant([1], tf.uint8), 2).dtype == tf.float32
    with pytest.raises(TypeError, match="of on_value does not match dtype .* of off_value"):
        tf.one_hot([0], 3, on_value=5.0, off_value=-1)
    with pytest.raises(TypeError, match="does not match dtype parameter"):
        tf.one_hot([0], 3, on_value=tf.constant(1.0), dtype=tf.float64)
    with pytest.raises(TypeError, match="DataType float32 not in list"):
        tf.one_hot(tf.constant([0.5]), 3)


def test_one_hot_shapes_axes_and_names():
    i = tf.placeholder(tf.int32, [None, 2])
    assert tf.one_hot(i, 3).shape.as_list() == [None, 2, 3]
    assert tf.one_hot(i, 3, axis=0).shape.as_list() == [3, None, 2]
    assert tf.one_hot(i, 3, axis=1).shape.as_list() == [None, 3, 2]
    assert tf.one_hot(tf.placeholder(tf.int32, None), 3).shape.ndims is None
    assert _run(tf.one_hot([1, 2], 0)).shape == (2, 0)
    np.testing.assert_array_equal(_run(tf.one_hot([0, 2], 3, axis=0)), [[1, 0], [0, 0], [0, 1]])
    with pytest.raises(ValueError, match="axis must be >= -1"):
        tf.one_hot(i, 3, axis=-2)
    with pytest.raises(ValueError, match="depth must be non-negative"):
        tf.one_hot(i, -1)
    op = tf.one_hot(i, 4, name="hot").op
    assert op.name == "hot" and op.type == "OneHot"
    assert [t.op.name for t in op.inputs] == ["Placeholder", "hot/on_value", "hot/off_value"]
    (g,) = tf.gradients(tf.reduce_sum(tf.one_hot(i, 3, on_value=tf.constant(2.0))), i)
    assert g is None


# -- boolean_mask and where ------------------------------------------------------------------------

def test_boolean_mask_with_unknown_dims():
    x = tf.placeholder(tf.float64, [None, None, 2])
    m = tf.placeholder(tf.bool, [None, None])
    y = tf.boolean_mask(x, m)
    assert y.shape.as_list() == [None, 2]
    (dx,) = tf.gradients(tf.reduce_sum(y * y), x)
    rng = np.random.default_rng(3)
    for shape in [(3, 4, 2), (1, 5, 2)]:
        a = rng.standard_normal(shape)
        mask = rng.random(shape[:2]) < 0.5
        got, got_dx = _run([y, dx], {x: a, m: mask})
        np.testing.assert_array_equal(got, a[mask])
        np.testing.assert_allclose(got_dx, 2 * a * mask[..., None])


def test_boolean_mask_axis_static_shape_and_names():
    x = tf.placeholder(tf.float32, [None, 4, 3])
    y = tf.boolean_mask(x, tf.placeholder(tf.bool, [4]), axis=1)
    assert y.shape.as_list() == [None, None, 3]
    assert y.op.name.startswith("boolean_mask") and y.op.type == "GatherV2"
    z = tf.boolean_mask(x, tf.placeholder(tf.bool, [None, 4]))
    assert z.shape.as_list() == [None, 3]
    with pytest.raises(ValueError, match="Number of mask dimensions must be specified"):
        tf.boolean_mask(x, tf.placeholder(tf.bool, None))
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        tf.boolean_mask(x, tf.placeholder(tf.bool, []))
    with pytest.raises(ValueError, match="incompatible"):
        tf.boolean_mask(x, tf.placeholder(tf.bool, [5]), axis=1)
    with pytest.raises(TypeError, match="bool"):
        tf.boolean_mask(x, tf.placeholder(tf.int32, [4]), axis=1)


def test_where_with_one_argument():
    c = tf.placeholder(tf.bool, None)
    w = tf.where(c)
    assert w.op.type == "Where" and w.dtype == tf.int64 and w.shape.as_list() == [None, None]
    assert tf.where(tf.placeholder(tf.bool, [2, None])).shape.as_list() == [None, 2]
    a = np.array([[True, False, True], [False, False, True]])
    np.testing.assert_array_equal(_run(w, {c: a}), np.argwhere(a))
    assert _run(w, {c: np.zeros((2, 2), bool)}).shape == (0, 2)


# -- fills, names and small things -----------------------------------------------------------------

def test_zeros_and_ones_dtypes():
    np.testing.assert_array_equal(_run(tf.zeros([2], tf.bool)), [False, False])
    np.testing.assert_array_equal(_run(tf.ones([2], "bool")), [True, True])
    assert list(_run(tf.zeros([2], tf.string))) == [b"", b""]
    with pytest.raises(TypeError, match="Expected string"):
        tf.ones([2], tf.string)
    assert tf.zeros([2, 3], "int64").dtype == tf.int64
    assert _run(tf.ones((2,), np.float64)).dtype == np.float64
    with pytest.raises(TypeError):
        tf.zeros([2], "no_such_type")
    x = tf.placeholder(tf.float32, [None, 4])
    with pytest.raises(ValueError, match=r"partially known TensorShape \(\?, 4\)"):
        tf.zeros(x.shape)
    with pytest.raises(ValueError, match="must be >= 0"):
        tf.zeros([-1, 2])
    z = tf.zeros(tf.shape(x), tf.bool)
    assert z.op.type == "Fill" and z.shape.as_list() == [None, 4]
    np.testing.assert_array_equal(_run(z, {x: np.ones((2, 4))}), np.zeros((2, 4), bool))
    big = tf.ones([40, 50], tf.int32)
    assert big.op.type == "Fill" and big.op.name == "ones_2"  # ones, ones_1 above
    assert _run(big).sum() == 2000


def test_default_op_names():
    x = tf.placeholder(tf.float32, [4, 6])
    assert [t.name for t in tf.split(x, 2, 1)] == ["split:0", "split:1"]
    assert tf.split(x, [1, 5], 1)[0].op.type == "SplitV"
    assert [t.name for t in tf.unstack(x)] == ["unstack:0", "unstack:1", "unstack:2", "unstack:3"]
    assert tf.concat([x, x], 0).op.name == "concat"
    single = tf.concat([x], 0)
    assert single.op.type == "Identity"
    assert tf.tile(x, [1, 2]).op.name == "Tile"
    assert tf.pad(x, [[1, 1], [0, 0]]).op.type == "Pad"
    assert tf.pad(x, [[1, 1], [0, 0]], constant_values=1).op.type == "PadV2"
    assert tf.pad(x, [[1, 1], [0, 0]], "reflect").op.type == "MirrorPad"
    assert tf.gather(x, [0]).op.name == "GatherV2"
    assert tf.reverse(x, [1]).op.name == "ReverseV2"
    assert tf.slice(x, [0, 0], [1, 1]).op.name == "Slice"
    assert tf.squeeze(x).op.name == "Squeeze"
    assert tf.newaxis is None


def test_shape_n_and_unstack_of_unknown_rank():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, None)
    shapes = tf.shape_n([x, y])
    assert [s.shape.as_list() for s in shapes] == [[2], [None]]
    got = _run(shapes, {x: np.zeros((5, 3)), y: np.zeros((1, 2, 3))})
    np.testing.assert_array_equal(got[0], [5, 3])
    np.testing.assert_array_equal(got[1], [1, 2, 3])
    parts = tf.unstack(y, num=2)
    assert parts[0].shape.ndims is None
    np.testing.assert_array_equal(_run(parts[1], {y: np.arange(4.0).reshape(2, 2)}), [2, 3])


def test_concat_gradient_with_runtime_sizes():
    a = tf.placeholder(tf.float64, [None, 2])
    b = tf.placeholder(tf.float64, [None, 2])
    y = tf.concat([a, b], 0)
    w = tf.placeholder(tf.float64, [None, 2])
    da, db = tf.gradients(y, [a, b], grad_ys=w)
    wv = np.arange(10.0).reshape(5, 2)
    ga, gb = _run([da, db], {a: np.zeros((2, 2)), b: np.zeros((3, 2)), w: wv})
    np.testing.assert_array_equal(ga, wv[:2])
    np.testing.assert_array_equal(gb, wv[2:])


def test_getitem_accepts_dimensions_and_numpy_ints():
    x = tf.placeholder(tf.float32, [3, 4])
    y = x[:x.shape[0] - 1, np.int64(2)]
    assert y.shape.as_list() == [2]
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(_run(y, {x: a}), a[:2, 2])


def test_unstack_checks_the_runtime_size():
    y = tf.placeholder(tf.float32, None)
    parts = tf.unstack(y, num=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input shape axis 0 must equal 2"):
        _run(parts[0], {y: np.zeros(3)})


# -- kernels never hand out their inputs ----------------------------------------------------------

@pytest.mark.parametrize("spec", SPECS, ids=repr)
def test_fresh_output_kernels_never_return_an_input_array(spec):
    """A kernel of an op with fresh_output = True must return new arrays (views are fine): the
    plan hands its output out as is, so returning an input would let a fetched value alias a
    variable's storage, a fed array or a reused buffer (np.squeeze with nothing to squeeze
    returned its input)."""
    phs = [tf.placeholder(tf.as_dtype(np.dtype(a.dtype)), a.static_shape) for a in spec.inputs]
    outs = spec.build(*phs)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    graph = tf.get_default_graph()
    ops = [op for op in graph.get_operations()
           if op.opdef.fresh_output and not op.opdef.stateful and op.inputs]
    feed = dict(zip(phs, _values(spec)))
    with tf.Session() as sess:
        values = sess.run([[t for t in op.inputs] for op in ops], feed)
    for op, inputs in zip(ops, values):
        inputs = [np.asarray(v) for v in inputs]
        with np.errstate(all="ignore"):  # as the plan runs kernels
            result = op.opdef.compute(np, *inputs)
        results = result if len(op.outputs) > 1 else [result]
        for r in results:
            assert not any(r is v for v in inputs), "%s returned its input" % op.type


def test_squeezed_variable_fetched_earlier_keeps_its_value():
    v = tf.Variable(np.zeros((2, 3), np.float32))
    squeezed = tf.squeeze(v)  # nothing to squeeze
    with tf.Session() as sess:
        sess.run(v.initializer)
        first = sess.run(squeezed)
        sess.run(tf.assign_add(v, np.ones((2, 3), np.float32)))
        np.testing.assert_array_equal(first, np.zeros((2, 3)))
        np.testing.assert_array_equal(sess.run(squeezed), np.ones((2, 3)))


def test_squeeze_checks_the_runtime_shape_as_tf():
    x = tf.placeholder(tf.float32, [None, None])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Can not squeeze dim\[1\], expected a dimension of 1, got 3"):
        _run(tf.squeeze(x, [1]), {x: np.zeros((2, 3))})
    u = tf.placeholder(tf.float32, None)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Tried to squeeze dim index -3 for tensor with 2 dimensions"):
        _run(tf.squeeze(u, [-3]), {u: np.zeros((2, 1))})
    np.testing.assert_array_equal(_run(tf.squeeze(u, [-1]), {u: [[1.0], [2.0]]}), [1, 2])


def test_gather_does_not_take_out_buffers():
    # np.take with out= (and mode='raise') gathers into a temporary and copies: twice as slow
    # as letting it allocate, so GatherV2 must not claim supports_out.
    assert not GatherV2.supports_out
    p = tf.placeholder(tf.float32, [None, 256])
    i = tf.placeholder(tf.int32, [None])
    y = tf.gather(p, i) * 1  # big enough for the plan's buffer pool
    pv = np.random.default_rng(0).standard_normal((100, 256)).astype(np.float32)
    with tf.Session() as sess:
        for idx in ([1, 2] * 100, [5, 0] * 100):
            np.testing.assert_array_equal(sess.run(y, {p: pv, i: idx}), pv[idx])


def _new_ops(graph, build):
    """(name, type, input names) of the ops `build()` adds to `graph`."""
    before = len(graph.get_operations())
    build()
    return [(op.name, op.type, [t.op.name for t in op.inputs])
            for op in graph.get_operations()[before:]]


def test_python_arguments_are_constants_named_as_in_tf(fresh_graph):
    """TF converts a Python argument inside the op's name scope, naming it after the argument
    ('Reshape/shape'), where a bare 'Const_3' would say nothing in TensorBoard."""
    x = tf.placeholder(tf.float32, [None, 4, 6], name="x")
    i = tf.placeholder(tf.int32, [None], name="i")
    g = fresh_graph
    assert _new_ops(g, lambda: tf.reshape(x, [-1, 24], name="flat")) == [
        ("flat/shape", "Const", []), ("flat", "Reshape", ["x", "flat/shape"])]
    assert _new_ops(g, lambda: tf.gather(x, [3, 0], axis=1))[0][0] == "GatherV2/indices"
    assert _new_ops(g, lambda: tf.gather_nd(x, [[0, 1]]))[0][0] == "GatherNd/indices"
    assert _new_ops(g, lambda: tf.tile(i, [3]))[0][0] == "Tile/multiples"
    padded = _new_ops(g, lambda: tf.pad(x, [[0, 0], [1, 2], [0, 0]], constant_values=1.0))
    assert [o[0] for o in padded] == ["PadV2/paddings", "PadV2/constant_values", "PadV2"]
    assert [o[0] for o in _new_ops(g, lambda: tf.fill([2, 3], 1.5))] == [
        "Fill/dims", "Fill/value", "Fill"]
    assert [o[0] for o in _new_ops(g, lambda: tf.broadcast_to(1.0, [2, 3]))] == [
        "BroadcastTo/input", "BroadcastTo/shape", "BroadcastTo"]
    assert [o[0] for o in _new_ops(g, lambda: tf.slice(x, [0, 1, 2], [-1, 2, 2]))] == [
        "Slice/begin", "Slice/size", "Slice"]
    assert [o[0] for o in _new_ops(g, lambda: tf.scatter_nd([[0], [2]], [1.0, 2.0], [4]))] == [
        "ScatterNd/indices", "ScatterNd/updates", "ScatterNd/shape", "ScatterNd"]
    assert [o[0] for o in _new_ops(g, lambda: tf.strided_slice(x, [0], [1], [1]))] == [
        "StridedSlice/begin", "StridedSlice/end", "StridedSlice/strides", "StridedSlice"]
    assert _new_ops(g, lambda: tf.identity([1.0]))[0][0] == "Identity/input"
    assert _new_ops(g, lambda: tf.expand_dims([1.0], 0))[0][0] == "ExpandDims/input"
    assert _new_ops(g, lambda: tf.placeholder_with_default([1.0], [None]))[0][0] == \
        "PlaceholderWithDefault/input"
    assert [o[0] for o in _new_ops(g, lambda: tf.concat([[1, 2], [3]], 0))] == [
        "concat/values_0", "concat/values_1", "concat"]
    assert _new_ops(g, lambda: tf.concat([x], 0)) == [("concat_1/concat", "Identity", ["x"])]
    # Given on/off values are plain constants of one_hot's scope; defaults are named by role.
    assert [o[0] for o in _new_ops(g, lambda: tf.one_hot(i, 5, 2.0, -1.0))] == [
        "one_hot/Const", "one_hot/Const_1", "one_hot"]


def test_lists_holding_tensors_are_packed_as_in_tf(fresh_graph):
    i = tf.placeholder(tf.int32, [None], name="i")
    n = tf.placeholder(tf.int64, [], name="n")
    first = i[0]
    assert _new_ops(fresh_graph, lambda: tf.convert_to_tensor([first, 3])) == [
        ("packed/1", "Const", []), ("packed", "Pack", [first.op.name, "packed/1"])]
    assert _new_ops(fresh_graph, lambda: tf.reshape(i, [first, -1]))[:2] == [
        ("Reshape/shape/1", "Const", []),
        ("Reshape/shape", "Pack", [first.op.name, "Reshape/shape/1"])]
    # Python numbers beside a Tensor take its dtype, as TF's autopacking does.
    assert tf.convert_to_tensor([n, 2]).dtype is tf.int64
    # tf.stack along axis 0 converts the whole list: Python values fold into one constant.
    assert _new_ops(fresh_graph, lambda: tf.stack([1.0, 2.0])) == [("stack", "Const", [])]
    assert _new_ops(fresh_graph, lambda: tf.stack([i, i], axis=1)) == [
        ("stack_1", "Pack", ["i", "i"])]
    with pytest.raises(ValueError, match="Shapes of all inputs must match"):
        tf.stack([[1.0, 2.0], [3.0]])


def test_rank_is_a_constant_when_known_as_in_tf():
    assert tf.rank(tf.placeholder(tf.float32, [None, 3])).op.type == "Const"
    unknown = tf.rank(tf.placeholder(tf.float32))
    assert unknown.op.type == "Rank"
    assert _run(unknown, {unknown.op.inputs[0]: np.zeros((2, 3, 1))}) == 3


def test_reshape_checks_divisibility_with_one_unknown_dim():
    """TF's shape function: with one unknown input dim the known ones must divide the target."""
    with pytest.raises(ValueError, match="Dimension size must be evenly divisible by 24 but is 25"):
        tf.reshape(tf.placeholder(tf.float32, [None, 4, 6]), [5, 5])
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 0 elements to shape "
                                         r"\[5,5\] \(25 elements\)"):
        tf.reshape(tf.placeholder(tf.float32, [None, 4, 0]), [5, 5])
    assert tf.reshape(tf.placeholder(tf.float32, [None, 4, 6]), [48, 2]).shape.as_list() == [48, 2]
    assert tf.reshape(tf.placeholder(tf.float32, [None, None, 6]), [5, 5]).shape.as_list() == [5, 5]
    assert tf.reshape(tf.placeholder(tf.float32, [None, 4]), [-1, 3]).shape.as_list() == [None, 3]
