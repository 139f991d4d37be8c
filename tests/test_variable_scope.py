"""tf.variable_scope and tf.get_variable: naming, name scopes alongside, reuse semantics, scope
defaults, custom getters, regularizers, and TF1's error messages."""

import sys

import numpy as np
import pytest

import minitf as tf


def on_the_global_graph(test):
    """Marks a test that needs the global default graph (to call tf.reset_default_graph)."""
    test.global_graph = True
    return test


@pytest.fixture(autouse=True)
def fresh_graph(request):
    if getattr(request.function, "global_graph", False):
        tf.reset_default_graph()
        yield tf.get_default_graph()
        tf.reset_default_graph()
        return
    with tf.Graph().as_default() as g:
        yield g


def _op_names(prefix):
    return [op.name for op in tf.get_default_graph().get_operations() if op.name.startswith(prefix)]


# -- naming --------------------------------------------------------------------------------------

def test_get_variable_ops_are_named_as_tf():
    with tf.variable_scope("foo"):
        v = tf.get_variable("v", shape=(3, 4))
        w = tf.get_variable("w", shape=(3,), dtype=tf.int32)
        y = tf.get_variable("y", initializer=np.array([1.0, 2.0]))
        t = tf.add(v, 1.0)
    assert (v.name, v.value().name, v.initializer.name) == ("foo/v:0", "foo/v/read:0",
                                                            "foo/v/Assign")
    assert _op_names("foo/v/Initializer") == [
        "foo/v/Initializer/random_uniform/shape", "foo/v/Initializer/random_uniform/min",
        "foo/v/Initializer/random_uniform/max", "foo/v/Initializer/random_uniform/RandomUniform",
        "foo/v/Initializer/random_uniform/sub", "foo/v/Initializer/random_uniform/mul",
        "foo/v/Initializer/random_uniform"]
    assert w.initial_value.name == "foo/w/Initializer/zeros:0"
    assert y.initial_value.name == "foo/y/initial_value:0" and y.dtype == tf.float64
    assert t.name == "foo/Add:0"


def test_nested_scopes_and_name_scopes():
    with tf.variable_scope("a") as a:
        with tf.variable_scope("b") as b:
            v = tf.get_variable("v", [1])
            assert tf.get_variable_scope() is b
        with tf.name_scope("ns"):
            w = tf.get_variable("w", [1])  # name scopes do not change variable names
            x = w + 1.0
    assert (a.name, a.original_name_scope) == ("a", "a/")
    assert (b.name, b.original_name_scope) == ("a/b", "a/b/")
    assert (v.name, w.name, x.op.name) == ("a/b/v:0", "a/w:0", "a/ns/add")
    assert tf.get_variable_scope().name == ""


def test_reopening_a_scope_by_name_gives_a_fresh_name_scope():
    with tf.variable_scope("foo") as s1:
        c1 = tf.constant(1.0)
    with tf.variable_scope("foo") as s2:
        c2 = tf.constant(1.0)
    assert (s1.name, s1.original_name_scope, c1.op.name) == ("foo", "foo/", "foo/Const")
    assert (s2.name, s2.original_name_scope, c2.op.name) == ("foo", "foo_1/", "foo_1/Const")


def test_reentering_a_scope_object():
    with tf.variable_scope("foo") as foo:
        v = tf.get_variable("v", [2])
    with tf.variable_scope("bar"):
        with tf.variable_scope(foo) as again:  # jumps out of bar for variables
            c = tf.constant(1.0)
            assert again.name == "foo" and again.original_name_scope == "foo/"
            with pytest.raises(ValueError, match="already exists"):
                tf.get_variable("v", [2])
        with tf.variable_scope("foo") as nested:
            assert nested.name == "bar/foo"
    assert c.op.name == "bar/foo/Const"  # op names still follow the name scope
    with tf.variable_scope(foo, reuse=True):
        assert tf.get_variable("v", [2]) is v
    with tf.variable_scope(foo) as top:
        assert top.original_name_scope == "foo/" and tf.constant(0).op.name == "foo_2/Const"


def test_default_name_is_made_unique_per_graph():
    names = []
    for _ in range(3):
        with tf.variable_scope(None, default_name="dense") as s:
            names.append((s.name, tf.get_variable("kernel", [1]).name, tf.constant(0).op.name))
    assert names == [("dense", "dense/kernel:0", "dense/Const"),
                     ("dense_1", "dense_1/kernel:0", "dense_1/Const"),
                     ("dense_2", "dense_2/kernel:0", "dense_2/Const")]
    with tf.variable_scope("x", default_name="ignored") as s:
        assert s.name == "x"
    with tf.Graph().as_default():  # another graph counts afresh
        with tf.variable_scope(None, default_name="dense") as s:
            assert s.name == "dense"


def test_default_names_restart_when_the_parent_scope_is_reopened():
    with tf.variable_scope("outer"):
        with tf.variable_scope(None, default_name="layer") as s:
            assert s.name == "outer/layer"
        with tf.variable_scope(None, default_name="layer") as s:
            assert s.name == "outer/layer_1"
    with tf.variable_scope("outer"):
        with tf.variable_scope(None, default_name="layer") as s:
            assert s.name == "outer/layer"  # TF1 forgets sub-scope counts on closing a scope


def test_auxiliary_name_scope_false_keeps_the_name_scope():
    with tf.name_scope("top"):
        with tf.variable_scope("vs", auxiliary_name_scope=False) as s:
            c = tf.constant(1.0)
            v = tf.get_variable("v", [1])
    assert (s.original_name_scope, c.op.name, v.name) == ("top/", "top/Const", "vs/v:0")


def test_values_pick_the_graph():
    other = tf.Graph()
    with other.as_default():
        x = tf.constant(1.0)
    with tf.variable_scope("s", values=[x]):
        v = tf.get_variable("v", [1])
    assert v.graph is other
    assert tf.get_variable_scope().name == ""


# -- reuse ---------------------------------------------------------------------------------------

def test_reuse_true_returns_the_same_variable():
    with tf.variable_scope("foo"):
        v = tf.get_variable("v", [2])
    with tf.variable_scope("foo", reuse=True) as s:
        assert s.reuse is True
        assert tf.get_variable("v", [2]) is v
        assert tf.get_variable("v") is v  # shape may be omitted when reusing
        with tf.variable_scope("inner", reuse=False) as inner:
            assert inner.reuse is True  # reuse is inherited and cannot be switched off


def test_auto_reuse_creates_then_reuses():
    def block():
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            return tf.get_variable("w", [3])
    a, b = block(), block()
    assert a is b and a.name == "shared/w:0"
    assert len(tf.global_variables()) == 1
    with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
        with tf.variable_scope("deeper") as d:
            assert d.reuse is tf.AUTO_REUSE


def test_reuse_variables_switches_the_current_scope():
    with tf.variable_scope("a"):
        v = tf.get_variable("v", [1])
        tf.get_variable_scope().reuse_variables()
        assert tf.get_variable("v", [1]) is v
        with tf.variable_scope("c") as c:
            assert c.reuse is True
    assert tf.get_variable_scope().reuse is False


def test_existing_variable_error():
    with tf.variable_scope("foo"):
        tf.get_variable("v", [2])
    line = sys._getframe().f_lineno - 1
    with tf.variable_scope("foo"):
        with pytest.raises(ValueError) as info:
            tf.get_variable("v", [2])
    message = str(info.value)
    assert message.startswith("Variable foo/v already exists, disallowed. Did you mean to set "
                              "reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
    assert "tf.reset_default_graph()" in message
    assert 'File "%s", line %d' % (__file__, line) in message


def test_missing_variable_error():
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError, match=r"^Variable foo/nope does not exist, or was not "
                                             r"created with tf.get_variable\(\). Did you mean to "
                                             r"set reuse=tf.AUTO_REUSE in VarScope\?$"):
            tf.get_variable("nope", [2])
    tf.Variable(1.0, name="plain")
    with tf.variable_scope("", reuse=True):
        with pytest.raises(ValueError, match="Variable plain does not exist"):
            tf.get_variable("plain")


def test_shape_and_dtype_mismatch_on_reuse():
    with tf.variable_scope("foo"):
        tf.get_variable("v", [2])
    with tf.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError, match=r"^Trying to share variable foo/v, but specified "
                                             r"shape \(3,\) and found shape \(2,\)\.$"):
            tf.get_variable("v", [3])
        with pytest.raises(ValueError, match=r"^Trying to share variable foo/v, but specified "
                                             r"dtype float64 and found dtype float32_ref\.$"):
            tf.get_variable("v", [2], dtype=tf.float64)


def test_creation_errors():
    with pytest.raises(ValueError, match="Variable q did not get an initializer, so its `shape` "
                                         "argument must be specified."):
        tf.get_variable("q")
    with pytest.raises(ValueError, match="The initializer passed is not valid"):
        tf.get_variable("q", shape=[None, 2])
    with pytest.raises(ValueError, match="The initializer passed is not valid"):
        tf.get_variable("q", initializer=tf.random_normal_initializer())
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape."):
        tf.get_variable("q", shape=[2], initializer=tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="Initializer type '<dtype: 'float32'>' and explicit "
                                         "dtype '<dtype: 'float64'>' don't match."):
        tf.get_variable("q", initializer=tf.constant([1.0, 2.0]), dtype=tf.float64)
    with pytest.raises(ValueError, match="An initializer for variable q of complex64 is required"):
        tf.get_variable("q", [2], dtype=tf.complex64)
    assert tf.global_variables() == []


def test_variable_scope_argument_errors():
    with pytest.raises(TypeError, match="If default_name is None then name_or_scope is required"):
        tf.variable_scope(None)
    with pytest.raises(TypeError, match="name_or_scope must be a string or VariableScope"):
        with tf.variable_scope(3):
            pass
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        with tf.variable_scope(None, default_name="d", reuse=True):
            pass
    with pytest.raises(ValueError, match="The reuse parameter must be True or False or None"):
        tf.variable_scope("s", reuse="yes")
    assert tf.get_variable_scope().name == ""  # a failed entry leaves no scope behind
    assert tf.constant(0).op.name == "Const"


# -- initializers and scope defaults ---------------------------------------------------------------

def test_default_initializers():
    f = tf.get_variable("f", [50, 70])
    i = tf.get_variable("i", [3], dtype=tf.int64)
    b = tf.get_variable("b", [2], dtype=tf.bool)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fv, iv, bv = sess.run([f, i, b])
    limit = np.sqrt(6 / 120)
    assert np.abs(fv).max() <= limit and fv.std() > 0.4 * limit  # glorot_uniform
    assert iv.tolist() == [0, 0, 0] and iv.dtype == np.int64
    assert bv.tolist() == [False, False]


def test_initializer_values_give_the_shape():
    t = tf.get_variable("t", initializer=tf.constant([[1.0, 2.0]]))
    n = tf.get_variable("n", initializer=np.arange(3, dtype=np.int32))
    c = tf.get_variable("c", initializer=lambda: tf.ones([4]))  # a no-argument callable
    assert (t.shape.as_list(), n.shape.as_list(), n.dtype, c.shape.as_list()) == (
        [1, 2], [3], tf.int32, [4])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(n).tolist() == [0, 1, 2] and sess.run(c).tolist() == [1.0] * 4


def test_scope_initializer_and_dtype_are_inherited():
    with tf.variable_scope("r", initializer=tf.constant_initializer(3.0), dtype=tf.float64) as s:
        assert s.dtype == tf.float64 and isinstance(s.initializer, tf.constant_initializer)
        v = tf.get_variable("v", [2])
        with tf.variable_scope("inner"):
            w = tf.get_variable("w", [1])
            own = tf.get_variable("own", [1], initializer=tf.zeros_initializer())
    assert v.dtype == w.dtype == tf.float64
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([v, w, own])
    assert [g.tolist() for g in got] == [[3.0, 3.0], [3.0], [0.0]]


def test_trainable_and_collections():
    a = tf.get_variable("a", [1], trainable=False)
    b = tf.get_variable("b", [1], collections=["mine"])
    c = tf.get_local_variable("c", [1])
    assert tf.global_variables() == [a]
    assert tf.trainable_variables() == [b]
    assert tf.get_collection("mine") == [b]
    assert tf.local_variables() == [c] and not c.trainable
    with tf.variable_scope("s") as s:
        d = tf.get_variable("d", [1])
    assert s.global_variables() == [d] and s.trainable_variables() == [d]


def test_regularizers():
    with tf.variable_scope("rg", regularizer=lambda v: tf.reduce_sum(v)):
        v = tf.get_variable("v", [2], initializer=tf.ones_initializer())
        w = tf.get_variable("w", [2], regularizer=lambda v: 2.0 * tf.reduce_sum(v))
        tf.get_variable("x", [2], regularizer=tf.no_regularizer)
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert [t.op.name for t in losses] == ["rg/v/Regularizer/Sum", "rg/w/Regularizer/mul"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(w.assign([1.0, 2.0]))
        assert sess.run(losses) == [2.0, 6.0]
    assert v.name == "rg/v:0"


def test_custom_getters_compose():
    calls = []

    def outer(getter, name, *args, **kwargs):
        calls.append(("outer", name))
        return getter(name, *args, **kwargs)

    def inner(getter, name, *args, **kwargs):
        calls.append(("inner", name))
        kwargs["trainable"] = False
        return getter(name, *args, **kwargs)

    with tf.variable_scope("o", custom_getter=outer):
        with tf.variable_scope("i", custom_getter=inner):
            v = tf.get_variable("v", [1])
    assert calls == [("inner", "o/i/v"), ("outer", "o/i/v")]
    assert v.name == "o/i/v:0" and not v.trainable
    with pytest.raises(ValueError, match="custom_getter which is not callable"):
        tf.get_variable("z", [1], custom_getter=3)


def test_each_graph_has_its_own_store():
    v = tf.get_variable("v", [1])
    with tf.Graph().as_default():
        w = tf.get_variable("v", [1])  # no clash: another graph
    assert v is not w and v.graph is not w.graph


@on_the_global_graph
def test_reset_default_graph_clears_the_store():
    # A notebook cell run twice: the second run fails until the graph is reset.
    tf.get_variable("cell_var", [1])
    with pytest.raises(ValueError, match="already exists"):
        tf.get_variable("cell_var", [1])
    tf.reset_default_graph()
    assert tf.get_variable("cell_var", [1]).name == "cell_var:0"


def test_custom_getters_are_called_as_tf_calls_them(fresh_graph):
    seen = []

    def keyword_only(**kwargs):  # takes the getter by keyword, as TF passes it
        getter = kwargs.pop("getter")
        seen.append(sorted(kwargs))
        return getter(**kwargs)

    def explicit(getter, name, shape=None, dtype=None, initializer=None, regularizer=None,
                 reuse=None, trainable=None, collections=None, caching_device=None,
                 partitioner=None, validate_shape=True, use_resource=None):
        return getter(name, shape=shape, dtype=dtype, initializer=initializer,
                      trainable=trainable, collections=collections)  # no `constraint` here

    with tf.variable_scope("k", custom_getter=keyword_only):
        a = tf.get_variable("a", shape=[2])
    with tf.variable_scope("e", custom_getter=explicit):
        b = tf.get_variable("b", shape=[3])
    assert a.name == "k/a:0" and b.name == "e/b:0"
    assert "constraint" in seen[0] and "getter" not in seen[0]
