"""tf.Variable as a TF1 user writes it (creation, naming, collections, assignment, reading,
operators, per-session state, errors), the initializer report, and the initializers."""


import numpy as np
import pytest

import minitf as tf
from minitf.ops import init_ops


pytestmark = pytest.mark.usefixtures("fresh_graph")


# -- creating ------------------------------------------------------------------------------------

def test_lecture_forms():
    w = tf.get_variable("W", shape=(10, 20), dtype=tf.float32)
    u = tf.Variable(tf.random_uniform((10, 20)), name="U")
    assert (w.name, w.shape.as_list(), w.dtype) == ("W:0", [10, 20], tf.float32)
    assert (u.name, u.op.type, u.value().name) == ("U:0", "VariableV2", "U/read:0")
    assert u.initializer.name == "U/Assign" and u.initializer.type == "Assign"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        wv, uv = sess.run([w, u])
    limit = np.sqrt(6 / 30)
    assert wv.shape == (10, 20) and np.abs(wv).max() <= limit and np.abs(wv).max() > 0.8 * limit
    assert uv.min() >= 0 and uv.max() < 1 and uv.std() > 0.2


def test_initial_values_of_every_kind():
    a = tf.Variable(np.arange(6.0).reshape(2, 3))
    b = tf.Variable([1, 2, 3])
    c = tf.Variable(tf.constant([1.5, 2.5]))
    d = tf.Variable(lambda: tf.ones((2,)))
    e = tf.Variable(3, dtype=tf.float32)
    assert [v.dtype for v in (a, b, c, d, e)] == [tf.float64, tf.int32, tf.float32, tf.float32,
                                                  tf.float32]
    assert a.initial_value.name == "Variable/initial_value:0"
    assert d.initial_value.name == "Variable_3/Initializer/ones:0"  # callables run in Initializer/
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([a, b, c, d, e])
    np.testing.assert_array_equal(got[0], np.arange(6.0).reshape(2, 3))
    assert got[1].tolist() == [1, 2, 3] and got[2].tolist() == [1.5, 2.5]
    assert got[3].tolist() == [1.0, 1.0] and got[4] == 3.0


def test_naming():
    v0, v1 = tf.Variable(1.0), tf.Variable(2.0)
    with tf.name_scope("scope"):
        w = tf.Variable(3.0, name="W")
    w2 = tf.Variable(4.0, name="W")
    assert [v.name for v in (v0, v1, w, w2)] == ["Variable:0", "Variable_1:0", "scope/W:0", "W:0"]
    assert w.value().name == "scope/W/read:0" and w2.value().name == "W/read:0"
    assert repr(w) == "<tf.Variable 'scope/W:0' shape=() dtype=float32_ref>"


def test_shape_must_be_known_unless_not_validated():
    p = tf.placeholder(tf.float32, [None, 2])
    with pytest.raises(ValueError, match="initial_value must have a shape specified"):
        tf.Variable(p)
    v = tf.Variable(p, validate_shape=False)
    assert v.shape.ndims is None
    with tf.Session() as sess:
        sess.run(v.initializer, {p: np.ones((3, 2))})
        assert sess.run(v).shape == (3, 2)


def test_variables_ignore_enclosing_control_dependencies():
    marker = tf.no_op(name="marker")
    with tf.control_dependencies([marker]):
        v = tf.Variable(1.0)
        y = v + 1
    assert not v.op.control_inputs and not v.initializer.control_inputs
    assert marker in y.op.control_inputs


# -- collections ---------------------------------------------------------------------------------

def test_trainable_flags_and_collections():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(1.0, name="b", trainable=False)
    c = tf.Variable(1.0, name="c", collections=["mine"])
    d = tf.Variable(1.0, name="d", collections=["mine", tf.GraphKeys.LOCAL_VARIABLES],
                    trainable=False)
    assert tf.global_variables() == [a, b]
    assert tf.trainable_variables() == [a, c]
    assert tf.get_collection("mine") == [c, d]
    assert tf.local_variables() == [d]
    assert a.trainable and not b.trainable
    with tf.name_scope("s"):
        e = tf.Variable(1.0, name="e")
    assert tf.global_variables(scope="s") == [e]


def test_initializer_ops():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    init = tf.variables_initializer([a], name="only_a")
    assert init.type == "NoOp" and init.name == "only_a"
    assert tf.global_variables_initializer().name == "init"
    assert tf.variables_initializer([]).type == "NoOp"
    with tf.Session() as sess:
        sess.run(init)
        assert sess.run(a) == 1.0
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(b)
        tf.global_variables_initializer().run(session=sess)
        assert sess.run(b) == 2.0


def test_report_uninitialized_variables_and_is_variable_initialized():
    assert tf.Session().run(tf.report_uninitialized_variables()).tolist() == []
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    with tf.name_scope("n"):
        c = tf.Variable(3, name="c", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    report = tf.report_uninitialized_variables()
    some = tf.report_uninitialized_variables([b, c], name="some")
    assert report.dtype == tf.string and report.shape.as_list() == [None]
    assert report.op.name == "report_uninitialized_variables_1/UninitializedNames"
    ready = tf.is_variable_initialized(b)
    assert ready.op.type == "IsVariableInitialized" and ready.dtype == tf.bool
    with tf.Session() as sess:
        assert sess.run(report).tolist() == [b"a", b"b", b"n/c"]  # bytes, as TF's strings
        sess.run(b.initializer)
        assert sess.run(report).tolist() == [b"a", b"n/c"]
        assert sess.run(some).tolist() == [b"n/c"]
        assert sess.run(ready) and not sess.run(tf.is_variable_initialized(a))
        sess.run([a.initializer, c.initializer])
        assert sess.run(report).tolist() == []


def test_uninitialized_names_op_checks_its_inputs():
    from minitf.ops.state_ops import UninitializedNames
    names = tf.constant(np.array([b"x", b"y"], object))
    with pytest.raises(TypeError, match="string names and bool flags"):
        tf.get_default_graph().create_op(UninitializedNames(), [names, tf.constant([1, 0])])
    with pytest.raises(ValueError, match="vectors of one length"):
        tf.get_default_graph().create_op(UninitializedNames(), [names, tf.constant([True])])


# -- writing and reading -------------------------------------------------------------------------

def test_assign_family_values_and_names():
    v = tf.Variable([1.0, 2.0], name="v")
    a = v.assign([10.0, 20.0])
    add = v.assign_add([1.0, 1.0])
    sub = v.assign_sub([0.5, 0.5])
    op = v.assign([0.0, 0.0], read_value=False)
    assert (a.op.name, a.op.type, add.op.type, sub.op.type) == ("Assign", "Assign", "AssignAdd",
                                                                "AssignSub")
    assert a.op.inputs[1].op.name == "Assign/value"
    assert isinstance(op, tf.Operation)
    t_add = tf.assign_add(v, [2.0, 2.0], name="bump")
    assert t_add.op.name == "bump"
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(a).tolist() == [10.0, 20.0]
        assert sess.run(add).tolist() == [11.0, 21.0]
        assert sess.run(sub).tolist() == [10.5, 20.5]
        assert sess.run(t_add).tolist() == [12.5, 22.5]
        assert sess.run(tf.assign_sub(v, [0.5, 0.5])).tolist() == [12.0, 22.0]
        assert sess.run(tf.assign(v, [3.0, 4.0])).tolist() == [3.0, 4.0]
        assert sess.run(op) is None and sess.run(v).tolist() == [0.0, 0.0]


def test_gradients_through_assignments_are_none():
    # TF registers no gradient for Assign / AssignAdd / AssignSub: tf.gradients gives [None].
    x = tf.placeholder(tf.float32, [3])
    v = tf.Variable(np.zeros(3, np.float32))
    for assign in (tf.assign, tf.assign_add, tf.assign_sub):
        y = assign(v, x * 2)
        assert tf.gradients(tf.reduce_sum(y), x) == [None]
        assert tf.gradients(tf.reduce_sum(y) + tf.reduce_sum(x), x)[0] is not None


def test_assign_add_on_uninitialized_variable_fails():
    v = tf.Variable(1.0, name="counter")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="counter"):
            sess.run(v.assign_add(1.0))
        sess.run(v.assign(5.0))  # assigning needs no previous value
        assert sess.run(v) == 5.0


def test_assigning_a_wrong_shape_raises():
    v = tf.Variable([1, 2], name="v")
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal, but are 2 "
                                         "and 3"):
        v.assign([1, 2, 3])
    with pytest.raises(ValueError, match="Shapes must be equal rank, but are 1 and 2"):
        v.assign([[1, 2]])
    with pytest.raises((TypeError, ValueError)):
        v.assign([1.5, 2.5])  # no silent float -> int conversion
    p = tf.placeholder(tf.int32)
    assign = v.assign(p)
    free = tf.assign(v, p, validate_shape=False)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"lhs shape= \[2\] rhs shape= \[3\]"):
            sess.run(assign, {p: [1, 2, 3]})
        assert sess.run(v).tolist() == [1, 2]
        assert sess.run(free, {p: [7, 8, 9]}).tolist() == [7, 8, 9]
        assert sess.run(v).tolist() == [7, 8, 9]


def test_eval_load_and_read_value():
    v = tf.Variable([1.0, 2.0], name="v")
    with tf.name_scope("s"):
        r = v.read_value()
    assert r.name == "s/read:0" and r.op.type == "Identity"
    with tf.Session() as sess:
        sess.run(v.initializer)
        with sess.as_default():
            assert v.eval().tolist() == [1.0, 2.0]
            v.load([5.0, 6.0])
            assert r.eval().tolist() == [5.0, 6.0]
        v.load(np.array([7.0, 8.0]), session=sess)
        assert v.eval(session=sess).tolist() == [7.0, 8.0]
        # A fetched value is the caller's copy: changing it leaves the variable alone.
        got = sess.run(v)
        got[0] = 100.0
        assert sess.run(v).tolist() == [7.0, 8.0]
    assert len([op for op in tf.get_default_graph().get_operations() if op.type == "Assign"]) == 1


def test_variables_in_arithmetic():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    m = tf.constant([[1.0], [1.0]])
    exprs = [v * 2, 2 * v, v @ m, -v, v + v, np.ones((2, 2), np.float32) - v, v / 2.0]
    assert all(e.dtype == tf.float32 for e in exprs)
    assert exprs[2].shape.as_list() == [2, 1]
    with tf.Session() as sess:
        sess.run(v.initializer)
        got = sess.run(exprs)
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    for g, w in zip(got, [x * 2, 2 * x, x @ np.ones((2, 1)), -x, x + x, 1 - x, x / 2]):
        np.testing.assert_allclose(g, w)
    with pytest.raises(TypeError):
        bool(v)


def test_two_sessions_have_separate_values():
    v = tf.Variable(0, name="v")
    inc = v.assign_add(1)
    with tf.Session() as s1, tf.Session() as s2:
        s1.run(v.initializer)
        s2.run(v.initializer)
        for _ in range(3):
            s1.run(inc)
        s2.run(inc)
        assert (s1.run(v), s2.run(v)) == (3, 1)
        s3 = tf.Session()
        with pytest.raises(tf.errors.FailedPreconditionError):
            s3.run(v)


# -- initializers --------------------------------------------------------------------------------

def _value(initializer, shape, dtype=None):
    t = initializer(shape, dtype=dtype) if dtype is not None else initializer(shape)
    with tf.Session() as sess:
        return sess.run(t)


def test_constant_like_initializers():
    assert _value(tf.zeros_initializer(), [2, 3]).tolist() == [[0.0] * 3] * 2
    ones = _value(tf.ones_initializer(dtype=tf.int32), [2])
    assert ones.dtype == np.int32 and ones.tolist() == [1, 1]
    assert _value(tf.ones_initializer(), [2], tf.float64).dtype == np.float64
    assert _value(tf.constant_initializer(3.0), [2, 2]).tolist() == [[3.0, 3.0]] * 2
    assert _value(tf.constant_initializer([1, 2]), [2, 2]).tolist() == [[1.0, 2.0], [2.0, 2.0]]
    arr = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(_value(tf.constant_initializer(arr, dtype=tf.int64), [2, 3]), arr)
    with pytest.raises(ValueError, match="Too many elements provided. Takes at most 2, but got 3"):
        tf.constant_initializer([1, 2, 3])([2])
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tf.constant_initializer([1, 2], verify_shape=True)([2, 2])
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        tf.constant_initializer({"a": 1})


def test_random_initializers_statistics():
    n = tf.random_normal_initializer(mean=1.0, stddev=3.0, seed=1)
    t = tf.truncated_normal_initializer(stddev=2.0, seed=1)
    u = tf.random_uniform_initializer(-3.0, 1.0, seed=1)
    nv, tv, uv = _value(n, [100_000]), _value(t, [100_000]), _value(u, [100_000])
    assert abs(nv.mean() - 1.0) < 0.05 and abs(nv.std() - 3.0) < 0.05
    assert np.abs(tv).max() < 4.0 and abs(tv.std() - 2.0 * 0.8796) < 0.02
    assert uv.min() >= -3.0 and uv.max() < 1.0 and abs(uv.mean() + 1.0) < 0.02
    assert _value(tf.random_uniform_initializer(0, 5, dtype=tf.int32), [1000]).max() == 4
    with pytest.raises(ValueError, match="Expected floating point type"):
        tf.random_normal_initializer(dtype=tf.int32)


def test_glorot_uniform_limit_and_statistics():
    fan_in, fan_out = 200, 300
    x = _value(tf.glorot_uniform_initializer(seed=3), [fan_in, fan_out])
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.99 * limit
    assert abs(x.mean()) < 0.005 and abs(x.var() - limit ** 2 / 3) < 0.02 * limit ** 2


def test_glorot_normal_is_truncated_with_the_glorot_variance():
    x = _value(tf.glorot_normal_initializer(seed=4), [300, 500])
    std = np.sqrt(2.0 / 800)
    # The truncated distribution is widened by 1/0.8796 so that its std is the Glorot one.
    assert abs(x.std() - std) < 0.01 * std
    assert np.abs(x).max() < 2 * std / 0.87962566103423978 + 1e-7
    with pytest.raises(ValueError, match="Expected floating point type"):
        tf.glorot_normal_initializer(dtype=tf.int32)


@pytest.mark.parametrize("shape, fans", [((7,), (7, 7)), ((), (1, 1)), ((20, 30), (20, 30)),
                                         ((3, 3, 16, 32), (144, 288)), ((5, 4, 8), (20, 40))])
def test_fan_computation(shape, fans):
    assert init_ops.compute_fans(shape) == fans


@pytest.mark.parametrize("mode, n", [("fan_in", 144), ("fan_out", 288), ("fan_avg", 216)])
def test_variance_scaling_on_a_conv_kernel(mode, n):
    uniform = tf.variance_scaling_initializer(scale=2.0, mode=mode, distribution="uniform", seed=5)
    normal = tf.variance_scaling_initializer(scale=2.0, mode=mode,
                                             distribution="untruncated_normal", seed=5)
    x = _value(uniform, [3, 3, 16, 32])
    y = _value(normal, [3, 3, 16, 32])
    assert np.abs(x).max() <= np.sqrt(3 * 2.0 / n)
    assert abs(x.var() - 2.0 / n) < 0.05 * 2.0 / n
    assert abs(y.var() - 2.0 / n) < 0.05 * 2.0 / n and np.abs(y).max() > 2.5 * np.sqrt(2.0 / n)


def test_variance_scaling_default_is_truncated_fan_in_on_a_matrix():
    x = _value(tf.variance_scaling_initializer(seed=6), [400, 100])
    assert abs(x.std() - np.sqrt(1 / 400)) < 0.02 * np.sqrt(1 / 400)
    assert np.abs(x).max() < 2 * np.sqrt(1 / 400) / 0.87962566103423978 + 1e-7
    legacy = _value(tf.variance_scaling_initializer(seed=6, distribution="normal"), [400, 100])
    np.testing.assert_array_equal(x, legacy)  # 'normal' is TF1's old name for the truncated one


def test_variance_scaling_argument_errors():
    with pytest.raises(ValueError, match="`scale` must be positive"):
        tf.variance_scaling_initializer(scale=0.0)
    with pytest.raises(ValueError, match="Invalid `mode`"):
        tf.variance_scaling_initializer(mode="fan_sum")
    with pytest.raises(ValueError, match="Invalid `distribution`"):
        tf.variance_scaling_initializer(distribution="cauchy")


def test_get_config_round_trips():
    for init in (tf.zeros_initializer(tf.int64), tf.constant_initializer([1, 2]),
                 tf.random_normal_initializer(1.0, 2.0, seed=3),
                 tf.truncated_normal_initializer(0.5, seed=1),
                 tf.random_uniform_initializer(-1, 2, seed=4),
                 tf.variance_scaling_initializer(2.0, "fan_out", "uniform", seed=7),
                 tf.glorot_uniform_initializer(seed=8), tf.glorot_normal_initializer(seed=9)):
        again = type(init).from_config(init.get_config())
        assert again.get_config() == init.get_config()
    assert tf.glorot_uniform_initializer(seed=8).get_config() == {"seed": 8, "dtype": "float32"}
    assert tf.variance_scaling_initializer().get_config() == {
        "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal", "seed": None,
        "dtype": "float32"}


def test_initializers_namespace():
    assert tf.initializers.glorot_uniform is tf.glorot_uniform_initializer
    he = tf.initializers.he_normal(seed=1)
    assert (he.scale, he.mode, he.distribution) == (2.0, "fan_in", "truncated_normal")
    v = tf.get_variable("v", [2], initializer=tf.initializers.ones())
    with tf.Session() as sess:
        sess.run(tf.initializers.global_variables())
        assert sess.run(v).tolist() == [1.0, 1.0]


def test_a_variable_initialized_from_another_works_in_any_order():
    """TF1 rebuilds such initial values with guarded reads (`mul_b`): values as in TF1."""
    a = tf.Variable(2.0, name="a")
    b = tf.Variable(a * 3.0, name="b")
    c = tf.Variable(a.initialized_value() * 2, name="c")
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert "mul_b" in names and "b/InitializedValue" in names
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run([a, b, c]) == [2.0, 6.0, 4.0]
        sess.run(a.assign(10.0))
        sess.run(b.initializer)  # a is initialized now: b starts from its current value
        assert sess.run(b) == 30.0
    with tf.Session() as sess:
        sess.run(b.initializer)  # before a: b uses a's initial value
        assert sess.run(b) == 6.0
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(a)


def test_a_variable_with_a_constant_initial_value_adds_no_guard():
    v = tf.Variable([1.0, 2.0], name="v")
    assert [op.type for op in tf.get_default_graph().get_operations()] == \
        ["Const", "VariableV2", "Assign", "Identity"]
    assert v.initial_value.op.type == "Const"
