"""Session.run as TF1 defines it: fetch forms and structures, feeds (placeholders, intermediate
tensors, names, Python values, dtype conversion), eval/run, default and interactive sessions,
make_callable, per-session state, the plan cache, and what a run keeps alive."""

import collections
import dataclasses
import gc
import warnings
import weakref

import numpy as np
import pytest

import minitf as tf
from minitf.client import session as session_module
from minitf.framework.registry import OpDef
from minitf.framework.tensor import TensorSpec


# -- fetches -------------------------------------------------------------------------------------

def test_fetch_tensor_op_and_names():
    a = tf.constant([1.0, 2.0], name="a")
    b = tf.add(a, 1.0, name="add")
    v = tf.Variable(3.0, name="v")
    init = tf.global_variables_initializer()
    with tf.Session() as s:
        assert s.run("init") is None  # an op by name
        assert s.run(init) is None
        np.testing.assert_array_equal(s.run(b), [2.0, 3.0])
        np.testing.assert_array_equal(s.run("add:0"), [2.0, 3.0])
        assert s.run(v) == 3.0 and s.run("v:0") == 3.0 and s.run(v.value()) == 3.0
        assert s.run(b.op) is None
        with pytest.raises(TypeError, match="Fetch argument None"):
            s.run(None)
        with pytest.raises(TypeError, match="must be a string or Tensor"):
            s.run(5)
        with pytest.raises(ValueError, match="cannot be interpreted as a Tensor"):
            s.run("missing:0")


def test_scalars_come_back_as_numpy_scalars():
    with tf.Session() as s:
        for value, dtype in [(3.0, np.float32), (3, np.int32), (True, np.bool_)]:
            out = s.run(tf.constant(value))
            assert type(out) is dtype and out == value
        assert type(s.run(tf.reduce_sum(tf.constant([1.0, 2.0])))) is np.float32
        assert s.run(tf.constant([1.0])).shape == (1,)


def test_nested_fetch_structures():
    Pair = collections.namedtuple("Pair", ["first", "second"])
    a = tf.constant(1.0)
    b = tf.constant([2, 3])
    fetches = {"k": [a, (b, Pair(a, b.op))], "o": collections.OrderedDict([("z", b), ("a", a)])}
    with tf.Session() as s:
        out = s.run(fetches)
        assert set(out) == {"k", "o"}
        first, (second, pair) = out["k"]
        assert first == 1.0 and isinstance(out["k"][1], tuple)
        np.testing.assert_array_equal(second, [2, 3])
        assert isinstance(pair, Pair) and pair.first == 1.0 and pair.second is None
        assert isinstance(out["o"], collections.OrderedDict) and list(out["o"]) == ["z", "a"]
        assert s.run([]) == [] and s.run(()) == () and s.run({}) == {}
        twice = s.run([a, a])
        assert twice == [1.0, 1.0]


# -- feeds -----------------------------------------------------------------------------------------

def test_feed_placeholders_by_tensor_or_name_with_python_values():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = x * 2.0
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(y, {x: [[1, 2, 3]]}), [[2, 4, 6]])
        np.testing.assert_array_equal(s.run(y, {"x:0": [[1, 2, 3]]}), [[2, 4, 6]])
        np.testing.assert_array_equal(s.run(y, feed_dict={x: np.ones((2, 3))}), np.full((2, 3), 2))
        with pytest.raises(TypeError, match="refers to an Operation, not a Tensor"):
            s.run(y, {"x": [[1, 2, 3]]})
        with pytest.raises(TypeError, match="Cannot interpret feed_dict key"):
            s.run(y, {3: [[1, 2, 3]]})
    p = tf.placeholder(tf.int32, [])
    with tf.Session() as s:
        assert s.run(p + 1, {p: 4}) == 5
        assert s.run(p, {p: np.int64(7)}) == 7


def test_feed_values_are_cast_to_the_placeholder_dtype():
    x = tf.placeholder(tf.float32, [2])
    i = tf.placeholder(tf.int32, [2])
    b = tf.placeholder(tf.bool, [2])
    with tf.Session() as s:
        out = s.run(x, {x: np.array([0.1, 2.0], np.float64)})
        assert out.dtype == np.float32 and out[0] == np.float32(0.1)
        assert s.run(x * 2.0, {x: [True, False]}).tolist() == [2.0, 0.0]
        assert s.run(i, {i: [1.7, -2.2]}).tolist() == [1, -2]  # truncates, as TF1's numpy cast
        assert s.run(b, {b: [1, 0]}).tolist() == [True, False]
        with pytest.raises(ValueError, match="Cannot convert the value fed for Placeholder:0"):
            s.run(x, {x: ["a", "b"]})


def test_feeding_an_intermediate_tensor_skips_what_computes_it():
    x = tf.placeholder(tf.float32, [None], name="x")
    hidden = tf.exp(x) * 3.0
    out = hidden + 1.0
    with tf.Session() as s:
        # x is not fed: the ops above the fed tensor do not run
        np.testing.assert_array_equal(s.run(out, {hidden: [1.0, 2.0]}), [2.0, 3.0])
        c = tf.constant(5.0)
        assert s.run(c * 2.0, {c: 1.0}) == 2.0  # constants can be fed too
        np.testing.assert_array_equal(s.run(hidden, {hidden: [7.0]}), [7.0])


def test_fed_array_comes_back_when_fetched():
    x = tf.placeholder(tf.float32, [2])
    arr = np.array([1.0, 2.0], np.float32)
    with tf.Session() as s:
        assert s.run(x, {x: arr}) is arr  # as TF1: the fed array itself


def test_feeding_a_variable_overrides_its_value_for_one_run():
    v = tf.Variable([1.0, 2.0], name="v")
    y = v * 10.0
    with tf.Session() as s:
        s.run(v.initializer)
        np.testing.assert_array_equal(s.run(y, {v: [3.0, 4.0]}), [30.0, 40.0])
        np.testing.assert_array_equal(s.run(y), [10.0, 20.0])


# -- eval, run, default sessions -------------------------------------------------------------------

def test_eval_run_and_default_sessions():
    c = tf.constant(3.0)
    v = tf.Variable(1.0)
    s = tf.Session()
    with pytest.raises(ValueError, match="no default session"):
        c.eval()
    assert c.eval(session=s) == 3.0
    with s.as_default():
        assert tf.get_default_session() is s
        v.initializer.run()
        assert (c * v).eval() == 3.0
    assert tf.get_default_session() is None
    with tf.Session() as s2:
        assert tf.get_default_session() is s2 and s2.graph is tf.get_default_graph()
        assert c.eval() == 3.0
    with pytest.raises(RuntimeError, match="closed Session"):
        s2.run(c)
    with tf.Graph().as_default():
        other = tf.Session()
    with pytest.raises(ValueError, match="graph of the tensor or operation is different"):
        c.eval(session=other)
    s.close()
    other.close()


def test_interactive_session_is_the_default_until_closed():
    c = tf.constant(2.0)
    s = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is s
        assert (c * 3.0).eval() == 6.0
        with tf.Session() as inner:  # a `with` session takes precedence inside
            assert tf.get_default_session() is inner
        assert tf.get_default_session() is s
    finally:
        s.close()
    assert tf.get_default_session() is None
    with pytest.raises(ValueError, match="no default session"):
        c.eval()


def test_session_graph_argument():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(4.0)
    s = tf.Session(graph=g)
    assert s.graph is g and s.run(c) == 4.0
    with pytest.raises(ValueError, match="not an element of this graph"):
        s.run(tf.constant(1.0))
    s.close()
    with pytest.raises(TypeError, match="graph must be a tf.Graph"):
        tf.Session(graph="g")


def test_make_callable():
    x = tf.placeholder(tf.float32, [None], name="x")
    y = x * 2.0
    with tf.Session() as s:
        double = s.make_callable(y, [x])
        np.testing.assert_array_equal(double([1, 2]), [2.0, 4.0])
        by_name = s.make_callable([y, y.op], ["x:0"])
        out, none = by_name(np.array([3.0], np.float64))
        assert out.tolist() == [6.0] and out.dtype == np.float32 and none is None
        assert s.make_callable(tf.constant(7))() == 7
        with pytest.raises(TypeError, match="takes 1 feed values, got 2"):
            double([1.0], [2.0])
        with pytest.raises(ValueError, match="Cannot feed value of shape"):
            double(1.0)
    with pytest.raises(RuntimeError, match="closed"):
        double([1.0])


def test_each_session_has_its_own_variables():
    v = tf.Variable([1.0, 2.0], name="v")
    s1, s2 = tf.Session(), tf.Session()
    s1.run(tf.global_variables_initializer())
    with pytest.raises(tf.errors.FailedPreconditionError):
        s2.run(v)
    s2.run(v.initializer)
    s2.run(v.assign([5.0, 6.0]))
    np.testing.assert_array_equal(s1.run(v), [1.0, 2.0])
    np.testing.assert_array_equal(s2.run(v), [5.0, 6.0])
    s1.close()
    np.testing.assert_array_equal(s2.run(v), [5.0, 6.0])
    s2.close()


def test_fetched_values_do_not_alias_session_state():
    v = tf.Variable([1.0, 2.0])
    step = v.assign_add([1.0, 1.0])
    with tf.Session() as s:
        s.run(v.initializer)
        before, _ = s.run([v, step])  # the value from before this run's update
        after = s.run(v)
        before[0] = 100.0  # changing what we got must not change the variable
        np.testing.assert_array_equal(after, [2.0, 3.0])
        np.testing.assert_array_equal(s.run(v), [2.0, 3.0])


# -- the plan cache and memory -------------------------------------------------------------------

def test_plans_are_cached_per_signature():
    x = tf.placeholder(tf.float32, [None])
    y = x + 1.0
    z = y * 2.0
    with tf.Session() as s:
        s.run(z, {x: [1.0]})
        assert len(s._plans) == 1
        plan = next(iter(s._plans.values()))
        s.run(z, {x: [2.0, 3.0]})  # same fetches and fed tensors: the same compiled plan
        assert len(s._plans) == 1 and next(iter(s._plans.values())) is plan
        s.run([z, y], {x: [1.0]})
        s.run(z, {y: [1.0]})
        assert len(s._plans) == 3
        assert plan.num_kernels == 2  # only the two ops z needs


_made = []
_seen_alive = []


@dataclasses.dataclass(frozen=True)
class _Doubled(OpDef):
    """A toy op (not registered) that remembers a weak reference to each output it makes."""

    type_name = "ToyDoubled"

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        out = x * 2
        _made.append(weakref.ref(out))
        return out


@dataclasses.dataclass(frozen=True)
class _Probe(_Doubled):
    """A toy identity that records whether the last _Doubled output is still alive."""

    type_name = "ToyProbe"

    def compute(self, xp, x):
        _seen_alive.append(_made[-1]() is not None)
        return x + 0


def test_intermediates_are_freed_after_their_last_use():
    g = tf.get_default_graph()
    x = tf.placeholder(tf.float32, [None])
    doubled = g.create_op(_Doubled(), [x]).outputs[0]
    total = g.create_op(_Probe(), [tf.reduce_sum(doubled)]).outputs[0]
    big = np.ones(1_000_000, np.float32)
    with tf.Session() as s:
        for _ in range(2):
            _made.clear()
            _seen_alive.clear()
            assert s.run(total, {x: big}) == 2_000_000
            # already gone while the run went on (its last reader had run), and after it
            assert _seen_alive == [False]
            gc.collect()
            assert len(_made) == 1 and _made[0]() is None
        assert s.run(doubled, {x: [1.0]}).tolist() == [2.0]  # a fetched one is returned


def test_a_kept_error_does_not_keep_the_intermediates_of_its_run():
    x = tf.placeholder(tf.float32, [None])
    b = tf.placeholder(tf.float32, [None, None])
    doubled = tf.get_default_graph().create_op(_Doubled(), [x]).outputs[0]
    bad = tf.matmul(tf.expand_dims(doubled, 0), b)
    _made.clear()
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run(bad, {x: np.ones(1000, np.float32), b: np.ones((3, 2), np.float32)})
    assert "input shapes [1,1000], [3,2], static shapes [1,?], [?,?]" in str(info.value)
    gc.collect()
    assert _made[0]() is None  # `info` still holds the error and its traceback


# -- the warning for graphs growing inside a loop --------------------------------------------------

def test_graph_growth_between_runs_warns_once():
    x = tf.Variable(1.0)
    with tf.Session() as s:
        s.run(x.initializer)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3 * session_module.GROWTH_RUNS_BEFORE_WARNING):
                s.run(x * 2.0)  # a new op every iteration: the classic leak
        growth = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        assert len(growth) == 1
        assert "grown between each of the last %d Session.run calls" \
            % session_module.GROWTH_RUNS_BEFORE_WARNING in str(growth[0].message)
        assert growth[0].filename == __file__  # points at the user's loop


def test_a_normal_training_loop_does_not_warn():
    x = tf.Variable(3.0)
    f = x ** 2
    step = tf.train.GradientDescentOptimizer(0.1).minimize(f)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for i in range(3 * session_module.GROWTH_RUNS_BEFORE_WARNING):
                if i % 5 == 0:
                    tf.constant(float(i))  # occasional graph changes are fine
                s.run([step, x, f])
        assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
        assert abs(s.run(x)) < 0.01


def test_a_constant_under_control_dependencies_waits_for_them():
    """Folding constants must not drop their control inputs (TF1 runs the dependency)."""
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(0.0)
        bump = v.assign_add(1.0)
        with tf.control_dependencies([bump]):
            c = tf.constant(5.0)
        with tf.Session() as sess:
            sess.run(v.initializer)
            assert sess.run(c) == 5.0
            assert sess.run(c) == 5.0
            assert sess.run(v) == 2.0


@pytest.mark.numpy_engine
def test_unused_outputs_of_a_multi_output_op_are_freed_right_away():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, (4, 2))
        a, b = tf.split(x, 2, axis=0)
        y = a * 2.0
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(y, {x: np.ones((4, 2))}), 2 * np.ones((2, 2)))
            plan = next(iter(sess._plans.values()))
    split_line = next(l for l in plan.source.splitlines() if "= k" in l and "," in l.split("=")[0])
    unused_slot = split_line.split("=")[0].split(",")[1].strip()
    lines = plan.source.splitlines()
    i = lines.index(split_line)
    assert lines[i + 1].strip() == "del %s" % unused_slot


def test_interactive_sessions_stack_like_tf1():
    g = tf.Graph()
    first = tf.InteractiveSession(graph=g)
    second = tf.InteractiveSession(graph=g)
    assert tf.get_default_session() is second
    second.close()
    assert tf.get_default_session() is first
    first.close()
    assert tf.get_default_session() is None


def test_feeding_one_output_of_a_multi_output_op():
    """TF1 uses the fed value for that output and computes the others."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [4])
        a, b = tf.split(x, 2)
        with tf.Session() as sess:
            got_a, got_b = sess.run([a * 1.0, b * 1.0], {x: [1, 2, 3, 4], a: [10, 20]})
            np.testing.assert_array_equal(got_a, [10, 20])
            np.testing.assert_array_equal(got_b, [3, 4])
            np.testing.assert_array_equal(sess.run(a, {x: [1, 2, 3, 4], a: [7, 8]}), [7, 8])


def test_fetch_structures_of_equal_contents_but_other_types_are_not_confused():
    import collections
    P = collections.namedtuple("P", "a b")
    Q = collections.namedtuple("Q", "c d")
    g = tf.Graph()
    with g.as_default():
        y, z = tf.constant(1.0), tf.constant(2.0)
        with tf.Session() as sess:
            assert type(sess.run(P(y, z))) is P
            assert type(sess.run(Q(y, z))) is Q
            assert type(sess.run([(y, z)])[0]) is tuple
            assert type(sess.run([P(y, z)])[0]) is P
            assert sess.run(Q(y, z)).d == 2.0


def test_a_placeholder_with_default_is_not_a_build_time_constant():
    g = tf.Graph()
    with g.as_default():
        shp = tf.placeholder_with_default(np.array([2, 3], np.int32), [2])
        r = tf.zeros(shp) + 1.0
        assert r.shape.as_list() == [None, None]  # TF: (?, ?)
        with tf.Session() as sess:
            assert sess.run(r).shape == (2, 3)
            assert sess.run(r, {shp: [4, 5]}).shape == (4, 5)
