"""tf.Print, tf.print, tf.Assert, tf.check_numerics and the tf.assert_* family (tf.debugging)."""

import io
import sys

import numpy as np
import pytest

import minitf as tf
from minitf import debugging
from minitf.testing import check_gradients


# -- tf.Print ------------------------------------------------------------------------------------

@pytest.mark.numpy_engine
def test_lecture_print_loop(capsys):
    x = tf.Variable(3.0, name="X")
    f = x ** 2
    step = tf.train.GradientDescentOptimizer(0.1).minimize(f, var_list=[x])
    s = tf.InteractiveSession()
    try:
        s.run(tf.global_variables_initializer())
        f = tf.Print(f, [x, f], "x, f:")
        returned = [s.run([step, f])[1] for _ in range(10)]
    finally:
        s.close()
    # What TF1 prints for this program (its stderr, captured from the reference TF).
    assert capsys.readouterr().out.splitlines() == [
        "x, f:[3][9]",
        "x, f:[2.4][5.76]",
        "x, f:[1.92000008][3.68640018]",
        "x, f:[1.536][2.35929608]",
        "x, f:[1.2288][1.50994956]",
        "x, f:[0.983040035][0.966367722]",
        "x, f:[0.786432][0.618475318]",
        "x, f:[0.629145622][0.395824224]",
        "x, f:[0.503316522][0.253327519]",
        "x, f:[0.402653217][0.162129611]",
    ]
    # Print is the identity on its first input.
    np.testing.assert_allclose(returned, [9 * 0.64 ** k for k in range(10)], rtol=1e-5)


@pytest.mark.parametrize("value, summarize, text", [
    (np.arange(10.0).reshape(2, 5), None, "[[0 1 2...]...]"),
    (np.arange(10.0).reshape(2, 5), 100, "[[0 1 2 3 4][5 6 7 8 9]]"),
    (np.arange(10.0).reshape(2, 5), -1, "[[0 1 2 3 4][5 6 7 8 9]]"),
    (np.arange(24).reshape(2, 3, 4), 5, "[[[0 1 2 3][4...]]...]"),
    (np.arange(24).reshape(2, 3, 4), 13, "[[[0 1 2 3][4 5 6 7][8 9 10 11]][[12...]]...]"),
    (np.arange(6).reshape(6, 1), 3, "[[0][1][2]...]"),
    (np.arange(6).reshape(1, 6), 0, "[...]"),
    (np.zeros((2, 0, 3), np.float32), None, "[]"),
    (np.array([1, 2, 3, 4], np.int32), None, "[1 2 3...]"),
    (np.array(True), None, "[1]"),
    (np.array([True, False]), None, "[1 0]"),
    (np.array([np.inf, -np.inf, np.nan, 1e-5, 123456789.0, 1234567.0, 0.1], np.float32), -1,
     "[inf -inf nan 1e-05 123456792 1234567 0.1]"),
    (np.float32(1) / np.float32(3), None, "[0.333333343]"),
    (np.float64(1) / 3, None, "[0.33333333333333331]"),
    (np.float16(1) / np.float16(3), None, "[0.333251953]"),
    (np.array(-0.0, np.float32), None, "[-0]"),
    (np.array([b"a\nb'\"\x01", "\u00e9".encode()], object), None, "[a\\nb\\'\\\"\\001 \u00e9]"),
    (np.uint8(200), None, "[200]"),
])
def test_print_formats_values_as_tf(capsys, value, summarize, text):
    x = tf.constant(1.0)
    p = tf.Print(x, [tf.constant(value)], "v", summarize=summarize)
    with tf.Session() as s:
        assert s.run(p) == 1.0
    assert capsys.readouterr().out == "v" + text + "\n"


def test_print_runs_every_time_even_on_constants(capsys):
    p = tf.Print(tf.constant([1.0, 2.0]), [tf.constant(7)], "c")
    with tf.Session() as s:
        for _ in range(3):
            np.testing.assert_array_equal(s.run(p), [1.0, 2.0])
    assert capsys.readouterr().out == "c[7]\n" * 3


def test_print_op_name_type_and_static_shape():
    x = tf.placeholder(tf.float32, [None, 3])
    p = tf.Print(x, [x, tf.shape(x)])
    assert p.op.type == "Print" and p.op.name == "Print"
    assert p.shape.as_list() == [None, 3] and p.dtype == tf.float32
    assert tf.Print(x, [], name="show").op.name == "show"
    assert [t.name for t in p.op.inputs] == ["Placeholder:0", "Placeholder:0", "Shape:0"]


def test_print_first_n_counts_per_session_across_fetches(capsys):
    x = tf.placeholder(tf.float32, [])
    p = tf.Print(x, [x], "n", first_n=2)
    q = p * 2.0
    with tf.Session() as s:
        s.run(p, {x: 1.0})
        s.run(q, {x: 2.0})  # another run signature: the count is the session's, as in TF
        s.run(p, {x: 3.0})
        assert s.run(q, {x: 4.0}) == 8.0
    with tf.Session() as s:
        s.run(p, {x: 5.0})
    assert capsys.readouterr().out == "n[1]\nn[2]\nn[5]\n"


def test_print_gradient_flows_to_input_only():
    x = tf.placeholder(tf.float32, [2])
    y = tf.placeholder(tf.float32, [2])
    out = tf.Print(x * 3.0, [y, x], "g") * y
    gx, gy = tf.gradients(out, [x, y])
    with tf.Session() as s:
        vx, vy = s.run([gx, gy], {x: [1.0, 2.0], y: [5.0, 7.0]})
    np.testing.assert_allclose(vx, [15.0, 21.0])
    np.testing.assert_allclose(vy, [3.0, 6.0])  # only through the product, not the printed y
    assert tf.gradients(tf.Print(x, [y]), y) == [None]


# -- tf.print ------------------------------------------------------------------------------------

def test_tf_print_is_an_op_for_control_dependencies(capsys):
    x = tf.placeholder(tf.int32, [2, 5])
    pr = tf.print("hello", x, tf.constant([1, 2, 3]), output_stream=sys.stdout)
    assert pr.type == "PrintV2" and pr.outputs == []
    with tf.control_dependencies([pr]):
        y = tf.identity(x)
    with tf.Session() as s:
        s.run(y, {x: np.arange(10).reshape(2, 5)})
    assert capsys.readouterr().out == "hello [[0 1 2 3 4]\n [5 6 7 8 9]] [1 2 3]\n"


def test_tf_print_formats_as_tf(capsys):
    big = tf.constant(np.arange(100).reshape(10, 10))
    ops = [tf.print(big, summarize=2, output_stream=sys.stdout),
           tf.print({"a": tf.constant(1.5)}, [tf.constant("s")], 7, sep="|", end="END\n",
                    output_stream=sys.stdout),
           tf.print(tf.constant(np.arange(10)), summarize=-1, output_stream=sys.stdout),
           tf.print(tf.constant(np.float32(1) / np.float32(3)), tf.constant(True), output_stream=sys.stdout),
           tf.print(tf.constant("raw"), output_stream=sys.stdout),
           tf.print(tf.constant(np.arange(60).reshape(3, 4, 5)), summarize=1,
                    output_stream=sys.stdout),
           tf.print(tf.zeros([2, 0]), tf.zeros([0]), tf.constant([b"a\n", b"b"]),
                    output_stream=sys.stdout)]
    with tf.Session() as s:
        for op in ops:
            s.run(op)
    assert capsys.readouterr().out == (
        "[[0 1 ... 8 9]\n [10 11 ... 18 19]\n ...\n [80 81 ... 88 89]\n [90 91 ... 98 99]]\n"
        "{'a': 1.5}|[\"s\"]|7END\n"
        "[0 1 2 3 4 5 6 7 8 9]\n"
        "0.333333343 1\n"
        "raw\n"
        "[[[0 ... 4]\n  ...\n  [15 ... 19]]\n\n ...\n\n [[40 ... 44]\n  ...\n  [55 ... 59]]]\n"
        "[\n ...] [] [\"a\\n\" \"b\"]\n")


def test_tf_print_streams(capsys, tmp_path):
    x = tf.constant([1.5, 2.5])
    buffer = io.StringIO()
    logged = []
    path = tmp_path / "log.txt"
    ops = [tf.print("err", x), tf.print("buf", x, output_stream=buffer),
           tf.print("log", x, output_stream=logged.append),
           tf.print("file", x, output_stream="file://%s" % path)]
    with tf.Session() as s:
        s.run(ops)
        s.run(ops[3])
    captured = capsys.readouterr()
    assert captured.err == "err [1.5 2.5]\n" and captured.out == ""
    assert buffer.getvalue() == "buf [1.5 2.5]\n"
    assert logged == ["log [1.5 2.5]"]
    assert path.read_text() == "file [1.5 2.5]\n" * 2
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        tf.print(x, stream=sys.stdout)


# -- tf.Assert -----------------------------------------------------------------------------------

def test_assert_passes_or_fails_with_the_data():
    x = tf.placeholder(tf.float32, [None])
    check = tf.Assert(tf.reduce_all(x > 0), ["x must be positive:", x], summarize=2)
    assert check.type == "Assert" and check.name == "Assert/Assert"
    with tf.control_dependencies([check]):
        y = tf.identity(x)
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(y, {x: [1.0, 2.0]}), [1.0, 2.0])
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run(y, {x: [1.0, -2.0, 3.0]})
    message = str(info.value)
    assert message.startswith("assertion failed: [x must be positive:] [1 -2...]")
    assert "Assert/Assert" in message and __file__ in message
    assert info.value.op is check


def test_assert_build_time_checks():
    with pytest.raises(TypeError, match="condition.*float32.*bool"):
        tf.Assert(tf.constant(1.0), ["x"])
    with pytest.raises(ValueError, match="scalar.*\\[2\\]"):
        tf.Assert(tf.constant([True, False]), ["x"])


def test_assert_condition_must_be_scalar_at_run_time():
    c = tf.placeholder(tf.bool)
    check = tf.Assert(c, ["never shown"])
    with tf.Session() as s:
        s.run(check, {c: [True]})  # a one-element vector is a legacy scalar, as in TF
        with pytest.raises(tf.errors.InvalidArgumentError, match="should be a scalar: \\[2\\]"):
            s.run(check, {c: [True, True]})


# -- tf.check_numerics ---------------------------------------------------------------------------

@pytest.mark.parametrize("bad, found", [([1.0, np.nan], "NaN"), ([np.inf, 1.0], "Inf"),
                                        ([-np.inf, np.nan], "Inf and NaN")])
def test_check_numerics_reports_nan_and_inf(bad, found):
    x = tf.placeholder(tf.float32, [2])
    y = tf.check_numerics(x, "bad x") * 2.0
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run(y, {x: bad})
    assert str(info.value).startswith("bad x : Tensor had %s values" % found)
    assert info.value.op.type == "CheckNumerics" and info.value.op.name == "CheckNumerics"


def test_check_numerics_rejects_non_float_types():
    with pytest.raises(TypeError, match="int32 not in list of allowed values"):
        tf.check_numerics(tf.constant([1, 2]), "ints")


def test_check_numerics_gradient_passes_through_and_checks_the_gradient():
    check_gradients(lambda x: tf.check_numerics(x, "m") ** 2, [np.array([1.0, -2.0, 0.5])])
    x = tf.placeholder(tf.float32, [2])
    scale = tf.placeholder(tf.float32, [2])
    (g,) = tf.gradients(tf.check_numerics(x, "x") * scale, [x])
    assert g.op.type == "CheckNumerics"
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(g, {x: [1, 2], scale: [3, 4]}), [3, 4])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="detected in gradient. x : Tensor had Inf values"):
            s.run(g, {x: [1, 2], scale: [np.inf, 4]})


# -- tf.assert_* ----------------------------------------------------------------------------------

def test_binary_asserts_fail_at_build_time_on_known_values():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]), message="mismatch")
    assert str(info.value) == ("mismatch\nCondition x == y did not hold element-wise:\n"
                               "x (Const:0) = \n[1 2]\ny (Const_1:0) = \n[1 3]")
    for fn, x, y in [(tf.assert_less, [1, 2], [1, 3]), (tf.assert_less_equal, [2], [1]),
                     (tf.assert_greater, [1, 2], [0, 2]), (tf.assert_greater_equal, [0], [1]),
                     (tf.assert_none_equal, [1, 2], [1, 3])]:
        with pytest.raises(tf.errors.InvalidArgumentError, match="did not hold element-wise"):
            fn(tf.constant(x), tf.constant(y))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x > 0"):
        tf.assert_positive(tf.constant([1.0, 0.0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x >= 0"):
        tf.assert_non_negative(tf.constant([1, -2]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x < 0"):
        tf.assert_negative(tf.constant([-1, 0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x <= 0"):
        tf.assert_non_positive(tf.constant([1]))


def test_binary_asserts_that_hold_statically_still_return_runnable_ops():
    ops = [tf.assert_equal(tf.constant([1, 2]), [1, 2]), tf.assert_less(1.0, tf.constant(2.0)),
           tf.assert_positive(tf.constant([0.5])), tf.assert_non_negative(tf.constant([0]))]
    assert all(op.type == "Assert" for op in ops)
    assert ops[0].name == "assert_equal/Assert/Assert"
    assert ops[2].name == "assert_positive/assert_less/Assert/Assert"
    with tf.Session() as s:
        assert s.run(ops) == [None] * 4


def test_binary_asserts_check_at_run_time_when_values_are_fed():
    x = tf.placeholder(tf.float32, [None], name="x")
    positive = tf.assert_positive(x)
    equal = tf.assert_equal(x, 1.0, message="all ones")
    with tf.Session() as s:
        s.run([positive, equal], {x: [1.0, 1.0]})
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run(positive, {x: [1, -2, 3, 4]})
        assert str(info.value).startswith(
            "assertion failed: [Condition x > 0 did not hold element-wise:] [x (x:0) = ] "
            "[1 -2 3...]")
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[all ones\].*\[1 2\]"):
            s.run(equal, {x: [1.0, 2.0]})


def test_assert_rank():
    x = tf.placeholder(tf.float32, [None], name="x")
    with pytest.raises(ValueError, match=r"Tensor x:0 must have rank 2.  Received rank 1"):
        tf.assert_rank(x, 2)
    with pytest.raises(ValueError, match="must have rank at least 2"):
        tf.assert_rank_at_least(x, 2)
    ok = tf.assert_rank(x, 1)
    assert ok.type == "NoOp" and ok.name == "assert_rank_1/static_checks_determined_all_ok"
    assert tf.assert_rank_at_least(x, 0).type == "NoOp"
    unknown = tf.placeholder(tf.float32, name="u")
    dynamic = tf.assert_rank(unknown, 2)
    at_least = tf.assert_rank_at_least(unknown, 2)
    assert dynamic.type == "Assert"
    with tf.Session() as s:
        s.run([dynamic, at_least], {unknown: [[1.0]]})
        s.run(at_least, {unknown: [[[1.0]]]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"\[Tensor u:0 must have rank\] \[2\] \[Received shape: \] \[3\]"):
            s.run(dynamic, {unknown: [1.0, 2.0, 3.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="must have rank at least"):
            s.run(at_least, {unknown: [1.0]})
    with pytest.raises(ValueError, match="Rank must be a scalar"):
        tf.assert_rank(x, [1])


def test_static_type_and_shape_asserts():
    x = tf.placeholder(tf.float32, [None], name="x")
    with pytest.raises(TypeError, match="x:0 must be of type tf.int32; got tf.float32"):
        tf.assert_type(x, tf.int32)
    assert tf.assert_type(x, "float32").type == "NoOp"
    with pytest.raises(TypeError, match='Expected "x" to be integer type'):
        tf.assert_integer(x)
    assert tf.assert_integer(tf.constant([1])).type == "NoOp"
    with pytest.raises(ValueError, match="Expected scalar shape for x:0"):
        tf.assert_scalar(x)
    assert tf.assert_scalar(tf.constant(1.0)).shape.ndims == 0


def test_debugging_namespace_and_top_level_names():
    for name in debugging.__all__:
        assert getattr(debugging, name) is getattr(tf, name, getattr(debugging, name))
    for name in ["assert_equal", "assert_less", "assert_positive", "assert_non_negative",
                 "assert_rank", "assert_type", "assert_none_equal", "Assert", "check_numerics"]:
        assert getattr(tf, name) is getattr(debugging, name)
    assert debugging.is_nan is tf.is_nan


def test_rank_asserts_print_the_message_prefix_as_tf_does():
    # TF 2.21 compat.v1, recorded by hand: the prefix is there even when empty ("[]")
    x = tf.placeholder(tf.float32)
    checks = [tf.assert_rank(x, 2), tf.assert_rank_at_least(x, 3),
              tf.assert_rank(x, 2, message="m")]
    expected = ["assertion failed: [] [Tensor Placeholder:0 must have rank] [2] "
                "[Received shape: ] [2]",
                "assertion failed: [] [Tensor Placeholder:0 must have rank at least] [3] "
                "[Received shape: ] [2]",
                "assertion failed: [m.  ] [Tensor Placeholder:0 must have rank] [2] "
                "[Received shape: ] [2]"]
    with tf.Session() as sess:
        for check, text in zip(checks, expected):
            with pytest.raises(tf.errors.InvalidArgumentError) as e:
                sess.run(check, {x: np.ones(2, np.float32)})
            assert e.value.message.startswith(text)
