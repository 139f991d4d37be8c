"""The graph machinery as TF1 defines it: default graphs, naming and name scopes, lookups,
collections, control dependencies, devices, finalize, Tensor basics, TensorShape and dtypes."""

import numpy as np
import pytest

import minitf as tf


def _const(name):
    return tf.constant(1.0, name=name).op.name


# -- default graph -------------------------------------------------------------------------------

def test_default_graph_stack_and_reset():
    g0 = tf.get_default_graph()
    tf.constant(1.0)
    g = tf.Graph()
    with g.as_default() as entered:
        assert entered is g and tf.get_default_graph() is g
        c = tf.constant(2.0)
        with pytest.raises(AssertionError, match="nested graphs"):
            tf.reset_default_graph()
    assert c.graph is g and tf.get_default_graph() is g0
    assert len(g0.get_operations()) == 1
    tf.reset_default_graph()
    assert tf.get_default_graph() is not g0 and tf.get_default_graph().get_operations() == []


def test_operations_in_creation_order_and_lookups():
    a = tf.placeholder(tf.float32, name="a")
    b = tf.identity(a, name="b")
    g = tf.get_default_graph()
    assert g.get_operations() == [a.op, b.op]
    assert g.get_operation_by_name("b") is b.op
    assert g.get_tensor_by_name("b:0") is b
    assert g.as_graph_element("a") is a.op and g.as_graph_element("a:0") is a
    assert g.as_graph_element(b) is b and g.as_graph_element(b.op) is b.op
    with pytest.raises(KeyError, match="does not exist"):
        g.get_tensor_by_name("nope:0")
    with pytest.raises(KeyError, match="only has 1 outputs"):
        g.get_tensor_by_name("a:1")
    with pytest.raises(KeyError, match="not in the graph"):
        g.get_operation_by_name("nope")
    with pytest.raises(ValueError, match="'a' refers to an Operation, not a Tensor"):
        g.get_tensor_by_name("a")
    with pytest.raises(ValueError, match="appears to refer to a Tensor"):
        g.get_operation_by_name("a:0")
    with pytest.raises(TypeError):
        g.as_graph_element(3)
    with tf.Graph().as_default():
        other = tf.constant(1.0)
    with pytest.raises(ValueError, match="not an element of this graph"):
        g.as_graph_element(other)


def test_finalize_forbids_changes():
    g = tf.Graph()
    with g.as_default():
        tf.constant(1.0)
        g.finalize()
        assert g.finalized
        with pytest.raises(RuntimeError, match="finalized"):
            tf.constant(2.0)
        with pytest.raises(RuntimeError, match="finalized"):
            tf.add_to_collection("k", 1)
    assert len(g.get_operations()) == 1


def test_ops_from_two_graphs_do_not_mix():
    a = tf.constant(1.0)
    with tf.Graph().as_default():
        b = tf.constant(2.0)
        with pytest.raises(ValueError, match="must be from the same graph"):
            tf.add(a, b)


# -- naming --------------------------------------------------------------------------------------

def test_default_names_are_made_unique_as_tf1():
    p1, p2 = tf.placeholder(tf.float32), tf.placeholder(tf.float32)
    assert (p1.name, p2.name) == ("Placeholder:0", "Placeholder_1:0")
    assert (p1 + p2).name == "add:0" and (p1 + p2).name == "add_1:0"
    assert tf.add(p1, p2).name == "Add_2:0"  # names are unique case-insensitively
    assert (p1 * p2).op.name == "mul" and tf.multiply(p1, p2).op.name == "Mul_1"
    # a generated name stays reserved, so asking for it explicitly gets a suffix
    assert [_const(n) for n in ["foo", "foo", "foo_1", "foo_2", "Foo", "foo"]] == \
        ["foo", "foo_1", "foo_1_1", "foo_2", "Foo_3", "foo_4"]
    g = tf.get_default_graph()
    assert g.unique_name("bar", mark_as_used=False) == "bar"
    assert g.unique_name("bar") == "bar" and g.unique_name("bar") == "bar_1"


def test_name_scopes():
    m = tf.matmul(tf.ones([2, 2]), tf.ones([2, 2]))
    with tf.name_scope("scope") as scope:
        assert scope == "scope/"
        assert tf.matmul(m, m).name == "scope/MatMul:0"
        with tf.name_scope("inner") as inner:
            assert inner == "scope/inner/"
            assert tf.identity(m).name == "scope/inner/Identity:0"
            assert tf.get_default_graph().get_name_scope() == "scope/inner"
        with tf.name_scope(None):
            assert tf.identity(m).name == "Identity:0"
        with tf.name_scope(""):
            assert tf.identity(m).name == "Identity_1:0"
    with tf.name_scope("scope") as again:
        assert again == "scope_1/"
    with tf.name_scope("scope/"):  # re-enters the exact scope
        assert tf.identity(m).name == "scope/Identity:0"
    with tf.name_scope("scope/inner/"):
        assert tf.identity(m).name == "scope/inner/Identity_1:0"
    with tf.name_scope(None, "default") as d1, tf.name_scope(None, "default") as d2:
        assert (d1, d2) == ("default/", "default/default/")
    with tf.name_scope(None, "default") as d3:
        assert d3 == "default_1/"
    assert _const("scope") == "scope_2"  # scope names and op names share one namespace
    with pytest.raises(ValueError, match="At least one of name"):
        with tf.name_scope(None, None, values=[m]):
            pass


def test_invalid_names_are_refused_as_tf1():
    with pytest.raises(ValueError, match="'my op' is not a valid node name"):
        tf.constant(1.0, name="my op")
    with pytest.raises(ValueError, match="'_x' is not a valid node name"):
        tf.constant(1.0, name="_x")
    with pytest.raises(ValueError, match="'my scope' is not a valid root scope name"):
        with tf.name_scope("my scope"):
            pass
    with pytest.raises(ValueError, match="'my var' is not a valid root scope name"):
        tf.Variable(1.0, name="my var")
    with tf.name_scope("outer"):
        with tf.name_scope("_inner") as scope:  # allowed below the root, as in TF
            assert scope == "outer/_inner/"
    assert tf.constant(1.0, name="x-y.z").op.name == "x-y.z"
    assert tf.get_default_graph().get_operations()[-1].name == "x-y.z"


def test_name_scope_follows_the_graph_of_its_values():
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(1.0)
    with tf.name_scope("s", values=[x]) as scope:
        assert scope == "s/"
        assert tf.get_default_graph() is g
        assert tf.identity(x).name == "s/Identity:0"


def test_variable_ops_take_their_scope():
    v = tf.Variable(1.0, name="v")
    assert [op.name for op in tf.get_default_graph().get_operations()] == \
        ["v/initial_value", "v", "v/Assign", "v/read"]
    with tf.name_scope("v"):
        assert _const("q") == "v_1/q"


# -- collections ---------------------------------------------------------------------------------

def test_collections():
    a = tf.constant(1.0, name="a")
    tf.add_to_collection("k", a)
    tf.add_to_collection("k", 5)  # anything may go in a collection
    with tf.name_scope("sc"):
        b = tf.identity(a, name="b")
        tf.add_to_collections(["k", "k2"], b)
    assert tf.get_collection("k") == [a, 5, b]
    assert tf.get_collection("k", scope="sc") == [b]  # items without a name are skipped
    assert tf.get_collection("k", scope="s.") == [b]  # the scope is a regular expression
    assert tf.get_collection("k2") == [b]
    assert tf.get_collection("missing") == []
    tf.get_collection("k").append(7)  # a copy
    assert len(tf.get_collection("k")) == 3
    tf.get_collection_ref("k").append(7)  # the list itself
    assert tf.get_collection("k")[-1] == 7
    assert set(tf.get_default_graph().get_all_collection_keys()) == {"k", "k2"}
    assert tf.GraphKeys.GLOBAL_VARIABLES == "variables"
    assert tf.GraphKeys.TRAINABLE_VARIABLES == "trainable_variables"
    assert tf.GraphKeys.UPDATE_OPS == "update_ops" and tf.GraphKeys.LOSSES == "losses"
    v = tf.Variable(1.0, name="v")
    w = tf.Variable(1.0, name="w", trainable=False)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [v, w]
    assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [v]


# -- control dependencies, group, no_op, identity --------------------------------------------------

def test_control_dependencies_nest_and_clear():
    x = tf.placeholder(tf.float32, [], name="x")
    a = tf.identity(x, name="a")
    with tf.control_dependencies([a]):
        b = x + x
        with tf.control_dependencies([b.op]):
            c = x * x
        with tf.control_dependencies(None):
            d = x - x
            with tf.control_dependencies([c]):
                e = x / x
        f = tf.identity(a)  # a data input already orders it: no control input needed
    assert b.op.control_inputs == [a.op]
    assert set(c.op.control_inputs) == {a.op, b.op}
    assert d.op.control_inputs == [] and e.op.control_inputs == [c.op]
    assert f.op.control_inputs == []
    with pytest.raises(TypeError, match="Control input must be"):
        with tf.control_dependencies([3]):
            pass


def test_control_dependencies_order_runs():
    v = tf.Variable(0, name="v")
    inc = v.assign_add(1)
    with tf.control_dependencies([inc]):
        after = tf.identity(v)
        unrelated = tf.constant(5) * 2
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(after) == 1
        assert s.run(after) == 2
        assert s.run(unrelated) == 10  # runs inc too, through the control input
        assert s.run(v) == 3


def test_group_and_no_op():
    v = tf.Variable(0, name="v")
    w = tf.Variable(10, name="w")
    both = tf.group(v.assign_add(1), [w.assign_sub(2)])
    assert both.type == "NoOp" and both.name == "group_deps" and both.outputs == []
    assert {op.type for op in both.control_inputs} == {"AssignAdd", "AssignSub"}
    assert tf.group(v.initializer, name="named").name == "named"
    nothing = tf.no_op()
    assert nothing.type == "NoOp" and nothing.name == "NoOp" and tf.no_op(name="n").name == "n"
    with tf.Session() as s:
        s.run([v.initializer, w.initializer])
        assert s.run(both) is None
        assert s.run(nothing) is None
        both.run(session=s)
        assert s.run([v, w]) == [2, 6]


def test_identity():
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.identity(x)
    assert y.op.type == "Identity" and y.op.name == "Identity" and y.shape.as_list() == [None, 2]
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(y, {x: [[1, 2]]}), [[1, 2]])


# -- devices -------------------------------------------------------------------------------------

def test_devices_are_recorded_canonically():
    with tf.device("/cpu:0"):
        a = tf.constant(1.0)
        with tf.device("/gpu:1"):
            b = tf.constant(1.0)
        with tf.device(None):
            c = tf.constant(1.0)
        with tf.device("/job:localhost/replica:0/task:0/device:GPU:0"):
            d = tf.constant(1.0)
    e = tf.constant(1.0)
    assert a.device == "/device:CPU:0" and a.op.device == "/device:CPU:0"
    assert b.device == "/device:GPU:1" and c.device == "" and e.device == ""
    assert d.device == "/device:GPU:0"
    assert 'device: "/device:CPU:0"' in str(a.op)
    with pytest.raises(ValueError, match="device specification"):
        with tf.device("/banana:0"):
            pass


def test_ops_on_a_gpu_device_run_without_one():
    with tf.device("/gpu:0"):
        y = tf.constant([1.0, 2.0]) * 3.0
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(y), [3.0, 6.0])


# -- Tensor --------------------------------------------------------------------------------------

def test_tensor_basics():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = x * 2.0
    assert (x.name, x.value_index, x.op.type, x.graph) == \
        ("x:0", 0, "Placeholder", tf.get_default_graph())
    assert repr(x) == "<tf.Tensor 'x:0' shape=(?, 3) dtype=float32>"
    assert str(x) == 'Tensor("x:0", shape=(?, 3), dtype=float32)'
    assert x.consumers() == [y.op]
    assert x.get_shape() is x.shape
    assert hash(x) == object.__hash__(x) and x == x and x != tf.identity(x)
    assert {x: 1}[x] == 1
    with pytest.raises(TypeError, match="as a Python `bool`"):
        bool(x)
    with pytest.raises(TypeError, match="not iterable"):
        iter(x)
    with pytest.raises(TypeError, match="len"):
        len(x)
    arr = np.ones(3, np.float32)
    z = arr + x  # the numpy array defers to the Tensor operator
    assert isinstance(z, tf.Tensor) and z.op.type in ("Add", "AddV2")


def test_set_shape_refines_or_raises():
    p = tf.placeholder(tf.float32, [None, 3])
    p.set_shape([5, None])
    assert p.shape.as_list() == [5, 3]
    with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal, but are 3 "
                                         "and 4. Shapes are \\[5,3\\] and \\[5,4\\]"):
        p.set_shape([5, 4])
    with pytest.raises(ValueError, match="equal rank, but are 2 and 3"):
        p.set_shape([5, 3, 1])
    u = tf.placeholder(tf.float32)
    u.set_shape([2, None])
    assert u.shape.as_list() == [2, None]


# -- TensorShape and Dimension ----------------------------------------------------------------

def test_tensor_shape_api():
    s = tf.TensorShape([None, 3])
    assert s.as_list() == [None, 3] and s.ndims == 2 and s.rank == 2 and len(s) == 2
    assert str(s) == "(?, 3)" and str(tf.TensorShape([2])) == "(2,)"
    assert str(tf.TensorShape([])) == "()"
    assert str(tf.TensorShape(None)) == "<unknown>" and tf.TensorShape(None).ndims is None
    assert repr(s) == "TensorShape([Dimension(None), Dimension(3)])"
    assert s.merge_with([2, None]).as_list() == [2, 3]
    assert s.merge_with(tf.TensorShape(None)) == s
    with pytest.raises(ValueError, match="not compatible"):
        tf.TensorShape([2, 3]).merge_with([3, 3])
    assert s.is_compatible_with([5, 3]) and not s.is_compatible_with([5, 4])
    assert not s.is_compatible_with([5, 3, 1]) and s.is_compatible_with(tf.TensorShape(None))
    assert not s.is_fully_defined() and tf.TensorShape([2, 3]).is_fully_defined()
    assert s.num_elements() is None and tf.TensorShape([2, 3]).num_elements() == 6
    assert s[1].value == 3 and s[0].value is None and s[1:].as_list() == [3]
    assert s.concatenate([4]).as_list() == [None, 3, 4]
    assert tf.TensorShape(None).with_rank(2).as_list() == [None, None]
    with pytest.raises(ValueError, match="must have rank 3"):
        tf.TensorShape([2, 3]).with_rank(3)
    with pytest.raises(ValueError, match="as_list\\(\\) is not defined on an unknown TensorShape"):
        tf.TensorShape(None).as_list()
    assert tf.TensorShape([1, 2]) == [1, 2] and tf.TensorShape([None]) == tf.TensorShape([None])
    assert [d.value for d in s] == [None, 3] and s.dims[1] == tf.Dimension(3)


def test_dimension_api():
    assert str(tf.Dimension(None)) == "?" and repr(tf.Dimension(3)) == "Dimension(3)"
    assert tf.Dimension(3) == 3 and (tf.Dimension(None) == 3) is None
    assert (tf.Dimension(3) + 1).value == 4 and (tf.Dimension(None) * 2).value is None
    assert tf.Dimension(2).is_compatible_with(None) and not tf.Dimension(2).is_compatible_with(3)
    assert tf.Dimension(None).merge_with(4).value == 4
    with pytest.raises(ValueError, match="not compatible"):
        tf.Dimension(3).merge_with(4)
    with pytest.raises(ValueError, match=">= 0"):
        tf.Dimension(-1)
    with pytest.raises(TypeError):
        int(tf.Dimension(None))
    assert int(tf.Dimension(7)) == 7


# -- dtypes ---------------------------------------------------------------------------------------

def test_dtypes_from_names_and_numpy_types():
    assert tf.as_dtype("float32") is tf.float32 and tf.as_dtype("float") is tf.float32
    assert tf.as_dtype(np.float64) is tf.float64 and tf.as_dtype(np.dtype("int32")) is tf.int32
    assert tf.as_dtype(tf.int64) is tf.int64 and tf.as_dtype(bool) is tf.bool
    assert tf.float32.as_numpy_dtype is np.float32 and tf.float32.is_floating
    assert tf.int32.is_integer and not tf.int32.is_floating and tf.uint8.is_unsigned
    assert repr(tf.float32) == "tf.float32" and str(tf.float32) == "<dtype: 'float32'>"
    assert tf.float32 == "float32" and tf.float32 == np.float32 and tf.int32 != tf.int64
    assert tf.float64 != None and tf.float32 != "banana"  # noqa: E711
    with pytest.raises(TypeError, match="floatx"):
        tf.as_dtype("floatx")
    assert tf.placeholder("float", [2]).dtype is tf.float32
    assert tf.placeholder(np.int64).dtype is tf.int64
    # TF's run-time messages print the C++ names ('with dtype float').
    assert [tf.dtypes.runtime_name(d) for d in (tf.float32, tf.float64, tf.float16, tf.int32)] \
        == ["float", "double", "half", "int32"]


def test_no_silent_upcasting():
    f32 = tf.constant(1.0)
    f64 = tf.constant(1.0, tf.float64)
    i32 = tf.constant(1)
    assert f32.dtype is tf.float32 and i32.dtype is tf.int32
    with pytest.raises(TypeError, match="float64 that does not match type float32"):
        f32 + f64
    with pytest.raises(TypeError):
        f32 * i32
    with pytest.raises(TypeError):
        i32 + 1.5
    assert (f64 * 2).dtype is tf.float64  # Python scalars take the tensor's dtype
    assert (2 * i32).dtype is tf.int32
    assert tf.constant(np.float64(1.0)).dtype is tf.float64
    assert tf.constant(np.arange(3)).dtype is tf.int64


def test_build_time_shape_errors_name_the_op_and_both_shapes():
    a = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.float32, [4, 5])
    with pytest.raises(ValueError) as info:
        tf.matmul(a, b, name="product")
    message = str(info.value)
    assert "'product'" in message and "MatMul" in message
    assert "[?,3]" in message and "[4,5]" in message and "3 and 4" in message
    with pytest.raises(ValueError, match=r"'add'.*\[2\], \[3\]"):
        tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])


def test_empty_device_keeps_the_enclosing_one_and_none_clears_it():
    with tf.Graph().as_default():
        with tf.device("/cpu:0"):
            with tf.device(""):
                a = tf.constant(1.0)
            with tf.device(None):
                b = tf.constant(1.0)
        assert a.op.device == "/device:CPU:0"
        assert b.op.device == ""


def test_a_failed_import_graph_def_adds_nothing():
    src = tf.Graph()
    with src.as_default():
        a = tf.placeholder(tf.float32, (3,), name="a")
        tf.identity(a * 2.0, name="b")
    with tf.Graph().as_default() as g:
        with pytest.raises(ValueError):
            tf.import_graph_def(src.as_graph_def(), input_map={"a:0": tf.constant([1, 2, 3])})
        assert [op.name for op in g.get_operations()] == ["Const"]
