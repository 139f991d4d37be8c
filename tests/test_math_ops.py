"""Math ops beyond the op table: build-time errors, dtype rules, operator names and op types,
gradient conventions TF fixes (ties, zeros, clipping), erf's accuracy, reused output buffers,
second derivatives against their closed forms, and behaviour checked against TF 1.x (integer
RealDiv, top_k and add_n run-time checks, float16 mean gradients and sigmoid, ComplexAbs)."""

import math

import numpy as np
import pytest

import minitf as tf
from tests.helpers import run
from minitf.framework.registry import REGISTRY
from minitf.ops import elementwise, math_ops
from minitf.ops.reductions import top_k


pytestmark = pytest.mark.usefixtures("fresh_graph")


def op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


# -- build-time errors -------------------------------------------------------------------------------

def test_matmul_shape_error_names_op_and_both_shapes():
    with pytest.raises(ValueError) as e:
        tf.matmul(tf.zeros([2, 3]), tf.zeros([4, 5]))
    msg = str(e.value)
    assert "MatMul" in msg and "3 and 4" in msg and "[2,3], [4,5]" in msg


def test_batch_matmul_errors():
    with pytest.raises(ValueError, match=r"BatchMatMulV2.*\[7,2,3\], \[5,3,5\]") as e:
        tf.matmul(tf.zeros([7, 2, 3]), tf.zeros([5, 3, 5]))
    assert "7 and 5" in str(e.value)
    with pytest.raises(ValueError, match="3 and 4"):
        tf.matmul(tf.zeros([2, 2, 3]), tf.zeros([4, 5]))
    with pytest.raises(ValueError, match="at least rank 2"):
        tf.matmul(tf.zeros([2, 2, 3]), tf.zeros([3]))
    with pytest.raises(ValueError, match="Only one of transpose_a and adjoint_a"):
        tf.matmul(tf.zeros([2, 2]), tf.zeros([2, 2]), transpose_a=True, adjoint_a=True)


def test_broadcast_error_names_op():
    x = tf.placeholder(tf.float32, [2, 3])
    with pytest.raises(ValueError, match=r"3 and 4.*'Maximum'.*\[2,3\], \[4\]"):
        tf.maximum(x, tf.zeros([4]))
    with pytest.raises(ValueError, match=r"'floordiv'.*\[2,3\], \[2\]"):
        x // tf.ones([2])


@pytest.mark.parametrize("build, error, pattern", [
    (lambda x: tf.reduce_max(x, 2), ValueError, "Invalid reduction dimension 2"),
    (lambda x: tf.reduce_prod(x, [-3]), ValueError, "Invalid reduction dimension -3"),
    (lambda x: tf.argmax(x, 2), ValueError, "ArgMax axis 2 is out of range"),
    (lambda x: tf.argmax(x, axis=0, dimension=1), ValueError, "both 'axis' and 'dimension'"),
    (lambda x: tf.cumsum(x, 3), ValueError, "Cumsum axis 3 is out of range"),
    (lambda x: top_k(x, 4), ValueError, "last dimension >= k = 4 but is 3"),
    (lambda x: tf.einsum("ijk,jk->i", x, x), ValueError, "rank 2.*'ijk'"),
    (lambda x: tf.einsum("ij,ij->ij", x, tf.zeros([2, 4])), ValueError, "subscript 'j'.*3 and 4"),
    (lambda x: tf.einsum("ii->i", x), ValueError, "diagonals"),
    (lambda x: tf.einsum("ij->k", x), ValueError, "appears in no input"),
    (lambda x: tf.einsum("ij,jk->ik", x), ValueError, "2 operands, but 1"),
    (lambda x: tf.tensordot(x, x, [[0, 1], [1]]), ValueError, "Different number of contraction"),
    (lambda x: tf.tensordot(x, x, 3), ValueError, "'axes' must not be larger"),
    (lambda x: tf.scalar_mul(tf.constant([1.0, 2.0]), x), ValueError, "must be a 0-D value"),
    (lambda x: tf.norm(x, ord=2, axis=[0, 1]), ValueError, "matrix norm"),
    (lambda x: tf.norm(x, ord=-1), ValueError, "supported vector norm"),
    (lambda x: tf.clip_by_value(x, tf.zeros([4, 2, 3]), 1.0), ValueError, "incompatible"),
    (lambda x: tf.sqrt(tf.cast(x, tf.int32)), TypeError, "Sqrt has DataType int32"),
    (lambda x: tf.logical_and(x, x), TypeError, "LogicalAnd has DataType float32"),
    (lambda x: tf.reduce_any(x), TypeError, "Any has DataType float32"),
    (lambda x: tf.less(tf.cast(x, tf.bool), True), TypeError, "Less has DataType bool"),
    (lambda x: tf.argmax(x, output_type=tf.float32), TypeError, "output_type"),
])
def test_build_time_errors(build, error, pattern):
    x = tf.placeholder(tf.float32, [2, 3])
    with pytest.raises(error, match=pattern):
        build(x)


def test_range_and_linspace_build_errors():
    with pytest.raises(ValueError, match="Requires delta != 0"):
        tf.range(0, 5, 0)
    with pytest.raises(ValueError, match="Requires start <= limit when delta > 0: 5/2"):
        tf.range(5, 2)
    with pytest.raises(ValueError, match="Requires num > 0"):
        tf.linspace(0.0, 1.0, 0)


# -- dtype rules ---------------------------------------------------------------------------------

def test_mismatched_tensor_dtypes_raise_type_error():
    x = tf.placeholder(tf.float32, [3])
    i = tf.placeholder(tf.int32, [3])
    for build in (lambda: x + i, lambda: tf.maximum(x, i), lambda: x < i, lambda: x // i,
                  lambda: tf.matmul(tf.zeros([2, 2]), tf.zeros([2, 2], tf.float64))):
        with pytest.raises(TypeError, match="does not match type"):
            build()


def test_python_scalars_take_the_tensor_dtype():
    x = tf.placeholder(tf.float64, [3])
    i = tf.placeholder(tf.int32, [3])
    assert (x * 2).dtype == tf.float64
    assert (2 - x).dtype == tf.float64
    assert (x > 2).dtype == tf.bool
    assert (x > 2).op.inputs[1].dtype == tf.float64
    assert (i % 3).dtype == tf.int32
    assert tf.maximum(x, 0).dtype == tf.float64
    with pytest.raises(TypeError):
        i + 2.5
    with pytest.raises(TypeError):
        2.5 * i
    with pytest.raises(TypeError):
        i < 0.5


def test_div_is_floor_for_ints_and_true_for_floats():
    i = tf.constant([-7, 7])
    j = tf.constant([2, -2])
    q = tf.div(i, j)
    f = tf.div(tf.constant([-7.0, 7.0]), 2.0)
    assert (q.op.type, q.op.name, q.dtype) == ("FloorDiv", "div", tf.int32)
    assert (f.op.type, f.op.name) == ("RealDiv", "div_1")
    got_q, got_f = run([q, f])
    np.testing.assert_array_equal(got_q, [-4, -4])
    np.testing.assert_allclose(got_f, [-3.5, 3.5])


def test_range_dtype_inference_and_static_shapes():
    assert (tf.range(5).dtype, tf.range(5).shape.as_list()) == (tf.int32, [5])
    assert tf.range(1, 5.0).dtype == tf.float32
    assert tf.range(3, dtype=tf.float64).dtype == tf.float64
    assert tf.range(tf.constant(3, tf.int64)).dtype == tf.int64
    assert tf.range(10, 2, -3).shape.as_list() == [3]
    assert tf.range(2.0, 3.0, 0.3).shape.as_list() == [4]
    assert tf.range(tf.placeholder(tf.int32, [])).shape.as_list() == [None]
    r = tf.range(2.0, 3.0, 0.3)
    np.testing.assert_allclose(run(r), [2.0, 2.3, 2.6, 2.9], rtol=1e-6)
    assert tf.linspace(0.0, 1.0, tf.placeholder(tf.int32, [])).shape.as_list() == [None]


# -- operators: op types and TF1's names -----------------------------------------------------------

def test_binary_operator_names_and_types():
    x = tf.placeholder(tf.float32, [3], name="x")
    y = tf.placeholder(tf.float32, [3], name="y")
    cases = [(x + y, "add", "Add"), (x // y, "floordiv", "FloorDiv"), (x % y, "mod", "FloorMod"),
             (abs(x), "Abs", "Abs"), (x < y, "Less", "Less"), (x <= y, "LessEqual", "LessEqual"),
             (x > y, "Greater", "Greater"), (x >= y, "GreaterEqual", "GreaterEqual"),
             (-x, "Neg", "Neg")]
    for t, name, op_type in cases:
        assert (t.op.name, t.op.type) == (name, op_type)


def test_scalar_operand_is_a_constant_in_the_operator_scope():
    x = tf.placeholder(tf.float32, [3], name="x")
    z = x * 2
    assert op_names()[-2:] == ["mul/y", "mul"]
    assert z.op.inputs[1].op.type == "Const"
    w = 7 // x
    assert w.op.name == "floordiv" and w.op.inputs[0].op.name == "floordiv/x"
    m = tf.zeros([2, 2, 3]) @ tf.zeros([3, 2])
    assert (m.op.name, m.op.type, m.shape.as_list()) == ("matmul", "BatchMatMulV2", [2, 2, 2])


def test_python_arguments_are_named_as_in_tf():
    """A Python argument becomes a constant in the op's scope named after the argument."""
    def inputs(t):
        return [i.op.name for i in t.op.inputs]
    m = tf.matmul(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32))
    assert (m.op.name, inputs(m)) == ("MatMul", ["MatMul/a", "MatMul/b"])
    assert inputs(tf.sigmoid([1.0], name="s")) == ["s/x"]
    assert inputs(tf.reduce_sum([1.0, 2.0])) == ["Sum/input"]
    assert inputs(tf.argmax([[1.0, 2.0]], 1)) == ["ArgMax/input"]
    lin = tf.linspace(0.0, 1.0, 5)
    assert (lin.op.name, inputs(lin)) == ("LinSpace", ["LinSpace/start", "LinSpace/stop",
                                                       "LinSpace/num"])


def test_cast_of_a_python_value_is_named_as_in_tf():
    """tf.cast converts Python values as 'Cast/x'; with the target dtype already, no Cast op is
    added, but the scope name is used up (TF numbers the next cast 'Cast_1')."""
    two = tf.cast(2, tf.float32)
    assert (two.op.name, two.op.type, two.op.inputs[0].op.name) == ("Cast", "Cast", "Cast/x")
    half = tf.cast(0.5, tf.float32)
    assert (half.op.name, half.op.type) == ("Cast_1/x", "Const")
    i = tf.placeholder(tf.int32, [], name="i")
    assert tf.cast(i, tf.float32).op.name == "Cast_2"
    assert tf.cast(i, tf.int32) is i
    assert run(tf.cast(0.1, tf.float64)) == np.float64(np.float32(0.1))  # TF1 goes via float32


def test_logical_operators():
    b = tf.placeholder(tf.bool, [4])
    c = tf.placeholder(tf.bool, [4])
    t_and, t_or, t_xor, t_not = b & c, b | c, b ^ c, ~b
    assert [t.op.type for t in (t_and, t_or, t_xor, t_not)] == \
        ["LogicalAnd", "LogicalOr", "LogicalAnd", "LogicalNot"]
    assert [t.op.name for t in (t_and, t_or, t_xor, t_not)] == ["and", "or", "xor", "LogicalNot"]
    # xor's inner ops live in its scope, as TF's operator wrapper puts them
    assert {"xor/LogicalOr", "xor/LogicalAnd", "xor/LogicalNot"} <= set(op_names())
    bv, cv = np.array([True, True, False, False]), np.array([True, False, True, False])
    got = run([t_and, t_or, t_xor, t_not, True & b], {b: bv, c: cv})
    want = [bv & cv, bv | cv, bv ^ cv, ~bv, bv]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    with pytest.raises(TypeError):
        tf.placeholder(tf.float32, [2]) & tf.placeholder(tf.float32, [2])


def test_equality_operator_stays_identity():
    x = tf.placeholder(tf.float32, [3])
    n = len(op_names())
    assert (x == x) is True
    assert (x == tf.identity(x)) is False
    assert (x != 1.0) is True
    assert len(op_names()) == n + 1  # only the identity
    assert {x: 1}[x] == 1  # still hashable


def test_top_k_returns_a_namedtuple():
    x = tf.placeholder(tf.float32, [None, 5])
    result = top_k(x, k=2)
    assert type(result).__name__ == "TopKV2" and result._fields == ("values", "indices")
    assert result.values.shape.as_list() == [None, 2] and result.indices.dtype == tf.int32
    values, indices = run(result, {x: [[3, 1, 2, 5, 0]]})
    np.testing.assert_array_equal(values, [[5, 3]])
    np.testing.assert_array_equal(indices, [[3, 0]])
    assert not hasattr(tf, "top_k")  # TF1 spells it tf.nn.top_k


# -- gradient conventions ---------------------------------------------------------------------------

def test_maximum_minimum_gradient_goes_to_x_on_ties():
    x = tf.constant([3.0, 1.0, 5.0])
    y = tf.constant([3.0, 2.0, 4.0])
    got = run(tf.gradients(tf.maximum(x, y), [x, y]) + tf.gradients(tf.minimum(x, y), [x, y]))
    np.testing.assert_array_equal(got[0], [1, 0, 1])
    np.testing.assert_array_equal(got[1], [0, 1, 0])
    np.testing.assert_array_equal(got[2], [1, 1, 0])
    np.testing.assert_array_equal(got[3], [0, 0, 1])


def test_reduce_max_min_share_the_gradient_among_ties():
    x = tf.constant([[1.0, 5.0, 5.0], [2.0, 0.0, 2.0]])
    gmax, gmin = run(tf.gradients(tf.reduce_max(x, 1), x) + tf.gradients(tf.reduce_min(x), x))
    np.testing.assert_allclose(gmax, [[0, 0.5, 0.5], [0.5, 0, 0.5]])
    np.testing.assert_allclose(gmin, [[0, 0, 0], [0, 1, 0]])


def test_reduce_prod_gradient_with_zeros_is_exact():
    x = tf.constant([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 4.0]])
    (g,) = run(tf.gradients(tf.reduce_prod(x, 1), x))
    np.testing.assert_allclose(g, [[0, 6, 0], [0, 0, 0], [8, 4, 2]])
    x2 = tf.constant([[2.0, 0.0], [3.0, 4.0]])
    (g_all,) = run(tf.gradients(tf.reduce_prod(x2), x2))
    np.testing.assert_allclose(g_all, [[0, 24], [0, 0]])


def test_non_differentiable_ops_give_none():
    x = tf.placeholder(tf.float32, [3])
    for y in (x // 2.0, tf.floor(x), tf.ceil(x), tf.round(x), tf.cast(tf.argmax(x), tf.float32),
              tf.cast(x > 0, tf.float32)):
        assert tf.gradients(y, x) == [None]
    (g,) = tf.gradients(tf.sign(x), x)
    np.testing.assert_array_equal(run(g, {x: [-1, 0, 2]}), [0, 0, 0])


def test_floormod_gradient_as_tf():
    x = tf.constant([7.0, -7.0, 5.5])
    y = tf.constant([3.0, 3.0, -2.0])
    gx, gy = run(tf.gradients(x % y, [x, y]))
    np.testing.assert_array_equal(gx, [1, 1, 1])
    np.testing.assert_array_equal(gy, -np.floor(np.array([7, -7, 5.5]) / [3, 3, -2]))


def test_top_k_gradient_scatters_to_the_chosen_positions():
    x = tf.constant([[3.0, 1.0, 2.0, 5.0], [0.0, 4.0, 4.0, 1.0]])
    values = top_k(x, 2).values
    (g,) = run(tf.gradients(values, x, grad_ys=tf.constant([[10.0, 20.0], [30.0, 40.0]])))
    np.testing.assert_array_equal(g, [[20, 0, 0, 10], [0, 30, 40, 0]])


def test_clip_by_value_gradient_passes_inside_and_at_the_bounds():
    c = tf.constant([-2.0, -1.0, 0.0, 1.0, 2.0])
    clipped = tf.clip_by_value(c, -1.0, 1.0)
    assert clipped.op.name == "clip_by_value" and clipped.op.type == "Maximum"
    value, (g,) = run([clipped, tf.gradients(clipped, c)])
    np.testing.assert_array_equal(value, [-1, -1, 0, 1, 1])
    np.testing.assert_array_equal(g, [0, 1, 1, 1, 0])


def test_clip_by_norm_of_zeros_has_a_finite_gradient():
    z = tf.zeros([3])
    clipped = tf.clip_by_norm(z, 1.0)
    assert clipped.op.name == "clip_by_norm"
    value, (g,) = run([clipped, tf.gradients(clipped, z)])
    np.testing.assert_array_equal(value, [0, 0, 0])
    np.testing.assert_array_equal(g, [1, 1, 1])


def test_reduce_logsumexp_is_stable():
    x = tf.constant([[-np.inf, -np.inf], [1000.0, 1000.0], [-1000.0, -1000.0]])
    y = tf.reduce_logsumexp(x, 1)
    assert y.op.name == "ReduceLogSumExp"
    got = run(y)
    assert got[0] == -np.inf
    np.testing.assert_allclose(got[1:], [1000 + np.log(2), -1000 + np.log(2)], rtol=1e-6)


def test_reduce_logsumexp_gradient_is_softmax():
    x = tf.constant([[1000.0, 1000.0, 999.0], [0.0, 1.0, 2.0]])
    (g,) = run(tf.gradients(tf.reduce_logsumexp(x, 1), x))
    xv = np.array([[1000.0, 1000.0, 999.0], [0.0, 1.0, 2.0]])
    e = np.exp(xv - xv.max(1, keepdims=True))
    np.testing.assert_allclose(g, e / e.sum(1, keepdims=True), rtol=1e-6)


# -- kernels ------------------------------------------------------------------------------------------

def test_erf_matches_math_erf_in_float64_and_float32():
    grid = np.concatenate([np.linspace(-7, 7, 20001), [-1e30, -40.0, 40.0, 1e300, 0.0, -0.0]])
    x = tf.placeholder(tf.float64, [None])
    x32 = tf.placeholder(tf.float32, [None])
    x16 = tf.placeholder(tf.float16, [None])
    grid32 = grid[np.abs(grid) < 1e38].astype(np.float32)
    got, got32, got16 = run([tf.erf(x), tf.erf(x32), tf.erf(x16)],
                            {x: grid, x32: grid32, x16: np.linspace(-5, 5, 101)})
    want = np.array([math.erf(v) for v in grid])
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-16)
    want32 = np.array([math.erf(v) for v in grid32.astype(np.float64)])
    np.testing.assert_allclose(got32, want32, rtol=2e-6, atol=1e-7)
    want16 = np.array([math.erf(v) for v in np.linspace(-5, 5, 101).astype(np.float16)])
    np.testing.assert_allclose(got16.astype(np.float64), want16, atol=1e-3)
    assert np.isnan(run(tf.erf(tf.constant([np.nan])))[0])


def test_round_is_half_to_even_and_identity_on_ints():
    x = tf.constant([0.5, 1.5, 2.5, -0.5, -1.5, 3.5000001])
    np.testing.assert_array_equal(run(tf.round(x)), [0, 2, 2, -0, -2, 4])
    i = tf.constant([1, 2])
    assert tf.round(i) is i


def test_sigmoid_saturates_without_nan():
    got = run(tf.sigmoid(tf.constant([-1000.0, -90.0, 0.0, 90.0, 1000.0])))
    np.testing.assert_array_equal(got, [0, 0, 0.5, 1, 1])


_OUT_BUILDERS = {
    "Neg": tf.negative, "Square": tf.square, "Abs": tf.abs, "Sign": tf.sign, "Exp": tf.exp,
    "Expm1": tf.expm1, "Log": lambda x: tf.log(tf.abs(x) + 1), "Log1p": lambda x: tf.log1p(tf.abs(x)),
    "Sqrt": lambda x: tf.sqrt(tf.abs(x)), "Rsqrt": lambda x: tf.rsqrt(tf.abs(x) + 1),
    "Reciprocal": lambda x: tf.reciprocal(tf.abs(x) + 1), "Sin": tf.sin, "Cos": tf.cos,
    "Tan": tf.tan, "Asin": lambda x: tf.asin(x / 4), "Acos": lambda x: tf.acos(x / 4),
    "Atan": tf.atan, "Sinh": tf.sinh, "Cosh": tf.cosh, "Tanh": tf.tanh, "Sigmoid": tf.sigmoid,
    "Floor": tf.floor, "Ceil": tf.ceil, "Round": tf.round,
    "IsFinite": lambda x: tf.cast(tf.is_finite(x), tf.float64),
    "Maximum": lambda x: tf.maximum(x, 0.1), "Minimum": lambda x: tf.minimum(x, 0.1),
    "SquaredDifference": lambda x: tf.squared_difference(x, 1.0),
    "FloorMod": lambda x: x % 1.5, "FloorDiv": lambda x: x // 1.5, "Atan2": lambda x: tf.atan2(x, 2.0),
    "Less": lambda x: tf.cast(x < 0.3, tf.float64),
    "Max": lambda x: tf.reduce_max(tf.reshape(x, [2, 3]), 0),
    "Prod": lambda x: tf.reduce_prod(tf.reshape(x, [2, 3]), 1),
    "BatchMatMulV2": lambda x: tf.reshape(tf.matmul(tf.reshape(x, [1, 2, 3]),
                                                    tf.reshape(x, [1, 3, 2])), [4]),
}


@pytest.mark.parametrize("op_type", sorted(_OUT_BUILDERS))
def test_kernels_writing_into_reused_buffers_stay_correct(op_type):
    """The plan hands an out= buffer to every supports_out kernel from the second run on
    (while shapes repeat): feeding new values must give the new results, not stale ones."""
    assert REGISTRY[op_type].supports_out
    x = tf.placeholder(tf.float64, [6])
    y = _OUT_BUILDERS[op_type](x)
    assert op_type in {op.type for op in tf.get_default_graph().get_operations()}
    fetched = y + 0.0  # the op's own output is not fetched, so its buffer is reused
    rng = np.random.default_rng(1)
    inputs = [rng.uniform(-2, 2, 6) for _ in range(3)]
    with tf.Session() as sess:
        first = [sess.run(fetched, {x: v}) for v in inputs]
    for v, got in zip(inputs, first):
        with tf.Session() as fresh:
            np.testing.assert_allclose(got, fresh.run(fetched, {x: v}), rtol=1e-12)


# -- second derivatives --------------------------------------------------------------------------

def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


SECOND_DERIVATIVES = [
    ("cube", lambda x: x ** 3, lambda x: 6 * x),
    ("exp", tf.exp, np.exp),
    ("log", tf.log, lambda x: -1 / x ** 2),
    ("tanh", tf.tanh, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    ("sigmoid", tf.sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x))),
    ("sin", tf.sin, lambda x: -np.sin(x)),
    ("sum_of_squares", lambda x: tf.reduce_sum(tf.square(x)), lambda x: 2 + 0 * x),
    ("softplus_log_exp", lambda x: tf.log(1 + tf.exp(x)), lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
    ("softplus_log1p", lambda x: tf.log1p(tf.exp(x)), lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
    ("erf", tf.erf, lambda x: -4 * x / np.sqrt(np.pi) * np.exp(-x * x)),
    ("sqrt", tf.sqrt, lambda x: -0.25 * x ** -1.5),
    ("rsqrt", tf.rsqrt, lambda x: 0.75 * x ** -2.5),
    ("reciprocal", tf.reciprocal, lambda x: 2 / x ** 3),
    ("atan", tf.atan, lambda x: -2 * x / (1 + x * x) ** 2),
    ("squared_difference", lambda x: tf.squared_difference(x, 0.5), lambda x: 2 + 0 * x),
    ("abs_times_x", lambda x: tf.abs(x) * x, lambda x: 2 * np.sign(x)),
]


@pytest.mark.parametrize("name, f, d2", SECOND_DERIVATIVES, ids=[s[0] for s in SECOND_DERIVATIVES])
def test_second_derivative(name, f, d2):
    x = tf.placeholder(tf.float64, [None])
    (g,) = tf.gradients(f(x), x)
    (h,) = tf.gradients(g, x)
    xv = np.array([0.3, 0.7, 1.2, 1.9])
    np.testing.assert_allclose(run(h, {x: xv}), d2(xv), rtol=1e-10, atol=1e-12)


def test_hessian_of_quadratic_form_is_a_plus_a_transpose():
    rng = np.random.default_rng(0)
    a_value = rng.standard_normal((4, 4))
    a = tf.constant(a_value)
    x = tf.placeholder(tf.float64, [4, 1])
    f = tf.matmul(tf.matmul(x, a, transpose_a=True), x)  # x^T A x
    (g,) = tf.gradients(f, x)
    v = tf.placeholder(tf.float64, [4, 1])
    (hv,) = tf.gradients(g, x, grad_ys=v)  # Hessian-vector product, one column at a time
    xv = rng.standard_normal((4, 1))
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: xv}), (a_value + a_value.T) @ xv, rtol=1e-12)
        hessian = np.hstack([sess.run(hv, {x: xv, v: e[:, None]}) for e in np.eye(4)])
    np.testing.assert_allclose(hessian, a_value + a_value.T, rtol=1e-12)


def test_hessian_through_batch_matmul_and_einsum():
    rng = np.random.default_rng(1)
    a_value = rng.standard_normal((2, 3, 3))
    x = tf.placeholder(tf.float64, [3])
    xb = tf.reshape(x, [1, 3, 1])
    quad = tf.reduce_sum(tf.matmul(tf.matmul(xb, tf.constant(a_value), transpose_a=True), xb))
    quad_einsum = tf.einsum("i,bij,j->", x, tf.constant(a_value), x)
    v = tf.placeholder(tf.float64, [3])
    xv = rng.standard_normal(3)
    want = (a_value + np.swapaxes(a_value, 1, 2)).sum(0)
    with tf.Session() as sess:
        for f in (quad, quad_einsum):
            (g,) = tf.gradients(f, x)
            (hv,) = tf.gradients(g, x, grad_ys=v)
            hessian = np.stack([sess.run(hv, {x: xv, v: e}) for e in np.eye(3)], 1)
            np.testing.assert_allclose(hessian, want, rtol=1e-12)


def test_second_derivative_of_reduce_prod():
    x = tf.placeholder(tf.float64, [3])
    (g,) = tf.gradients(tf.reduce_prod(x), x)
    v = tf.placeholder(tf.float64, [3])
    (hv,) = tf.gradients(g, x, grad_ys=v)
    xv = np.array([2.0, 3.0, 5.0])
    with tf.Session() as sess:
        hessian = np.stack([sess.run(hv, {x: xv, v: e}) for e in np.eye(3)], 1)
    want = np.array([[0, 5, 3], [5, 0, 2], [3, 2, 0]], dtype=float)
    np.testing.assert_allclose(hessian, want, rtol=1e-12)


def test_math_ops_public_names_exist():
    for name in math_ops.__all__:
        assert getattr(tf, name) is getattr(math_ops, name), name


def test_matmul_shapes_that_do_not_fit_at_run_time_get_tf_message():
    a = tf.placeholder(tf.float32, (None, None))
    b = tf.placeholder(tf.float32, (None, None))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Matrix size-incompatible: "
                       r"In\[0\]: \[2, 3\], In\[1\]: \[4, 5\].*MatMul"):
        run(tf.matmul(a, b), {a: np.ones((2, 3)), b: np.ones((4, 5))})
    x = tf.placeholder(tf.float32, (None, None, None))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Matrix size-incompatible"):
        run(tf.matmul(x, x), {x: np.ones((2, 3, 4))})


# -- regressions: behaviour checked against TensorFlow 1.x ------------------------------------------

def test_realdiv_refuses_integers_and_truediv_div_still_take_them():
    i = tf.constant([3, 4])
    j = tf.constant([2, 2])
    # TF registers no integer RealDiv kernel; minitf used to infer int32 and return float64.
    with pytest.raises(TypeError, match="RealDiv has DataType int32"):
        tf.realdiv(i, j)
    t, d = tf.truediv(i, j), tf.div(i, j)
    assert (t.dtype, d.dtype) == (tf.float64, tf.int32)
    got_t, got_d = run([t, d])
    np.testing.assert_array_equal(got_t, [1.5, 2.0])
    assert got_t.dtype == np.float64
    np.testing.assert_array_equal(got_d, [1, 2])


def test_top_k_with_fewer_columns_than_k_at_run_time():
    x = tf.placeholder(tf.float32, [None, None])
    values = top_k(x, 3).values
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="input must have at least k columns. Had 2, needed 3.*TopKV2"):
        run(values, {x: np.ones((2, 2))})


def test_add_n_merges_every_input_shape():
    a = tf.placeholder(tf.float32, [None, None])
    b = tf.placeholder(tf.float32, [2, None])
    c = tf.placeholder(tf.float32, [None, 5])
    assert tf.add_n([a, b, c]).shape.as_list() == [2, 5]
    with pytest.raises(ValueError, match=r"same shape, got \[2,\?\] and \[3,\?\]"):
        tf.add_n([a, b, tf.placeholder(tf.float32, [3, None])])


def test_add_n_refuses_to_broadcast_at_run_time():
    a = tf.placeholder(tf.float32, [None])
    b = tf.placeholder(tf.float32, [None])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"must have the same size and shape.  Input 0: \[4\] != input 1: "
                             r"\[1\]"):
        run(tf.add_n([a, b]), {a: np.ones(4), b: np.ones(1)})


def test_reduce_mean_gradient_in_float16_over_many_elements():
    # 70000 elements overflow float16 (max 65504) if the count is cast before dividing.
    x = tf.placeholder(tf.float16, [10, 7000])
    (g,) = tf.gradients(tf.reduce_mean(x, axis=1), x)
    got = run(g, {x: np.ones((10, 7000), np.float16)})
    assert got.dtype == np.float16
    np.testing.assert_array_equal(got, np.full((10, 7000), 1 / 7000, np.float16))


def test_reduce_prod_over_no_axes_is_the_identity_and_so_is_its_gradient():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.reduce_prod(x, axis=[])
    (g,) = tf.gradients(y * y, x)
    xv = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    got_y, got_g = run([y, g], {x: xv})
    assert y.shape.as_list() == [None, 3]
    np.testing.assert_array_equal(got_y, xv)
    np.testing.assert_array_equal(got_g, 2 * xv)  # TF: [[0, 2, 4], [6, 8, 10]]


def test_abs_of_complex_is_complex_abs_with_the_real_dtype():
    x = tf.placeholder(tf.complex64, [3])
    y = tf.abs(x)
    assert (y.op.type, y.op.name, y.dtype) == ("ComplexAbs", "Abs", tf.float32)
    assert abs(tf.placeholder(tf.complex128, [1])).dtype == tf.float64
    (g,) = tf.gradients(y, x)
    assert g.dtype == tf.complex64
    got_y, got_g = run([y, g], {x: [3 + 4j, 1 - 1j, 0j]})
    assert got_y.dtype == np.float32
    np.testing.assert_allclose(got_y, [5, np.sqrt(2), 0], rtol=1e-6)
    # TF's values: dy * x / |x|, and 0 at 0.
    np.testing.assert_allclose(got_g, [0.6 + 0.8j, (1 - 1j) / np.sqrt(2), 0], rtol=1e-6)
    with pytest.raises(TypeError, match="Abs has DataType complex64"):
        elementwise.unary_op(elementwise.Abs(), x, None, "Abs")


def test_sigmoid_float16_reuses_an_out_buffer_correctly():
    # float16 works in float32 and writes back; the second run gets the pooled buffer.
    x = tf.placeholder(tf.float16, [None])
    fetched = tf.sigmoid(x) + 0
    values = [np.linspace(-16, 16, 40000).astype(np.float16), np.full(40000, -12, np.float16)]
    want = [(1 / (1 + np.exp(-v.astype(np.float64)))).astype(np.float16) for v in values]
    with tf.Session() as sess:
        for v, w in zip(values, want):
            np.testing.assert_allclose(sess.run(fetched, {x: v}), w, rtol=1e-3)


def test_shared_dtype_and_shape_checks_keep_their_messages():
    with pytest.raises(TypeError, match=r"^Value passed to parameter 'logits' has DataType int32 "
                       r"not in list of allowed values: float16, float32, float64 \(op Softmax\) for"):
        tf.nn.softmax(tf.constant([1, 2]))
    with pytest.raises(TypeError, match=r"^Value passed to parameter 'dtype' has DataType int32 "
                       r"not in list of allowed values: float16, float32, float64 for"):
        tf.multinomial(tf.constant([[1, 2]]), 3)
    with pytest.raises(ValueError, match=r"^Shapes \(2,\) and \(3, 2\) are incompatible: "
                       r"clip_norm must not broadcast t to a larger shape$"):
        tf.clip_by_norm(tf.zeros([2]), tf.ones([3, 2]))
    with pytest.raises(ValueError, match=r"^logits and targets must have the same shape "):
        tf.nn.weighted_cross_entropy_with_logits(labels=tf.zeros([2]), logits=tf.zeros([3]),
                                                 pos_weight=2.0)
