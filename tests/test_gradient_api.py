"""The gradient-customisation API against what TensorFlow 2.21's compat.v1 did with the same
programs (tests/gradient_api_programs.py, recorded by tests/record_tf_gradient_api.py into
tests/fixtures/tf_gradient_api.json): tf.RegisterGradient with Graph.gradient_override_map
(guided backprop, gradient reversal), tf.NotDifferentiable, tf.custom_gradient (straight-
through estimators, variables), tf.make_template and tf.hessians."""

import json
import os

import numpy as np
import pytest

import minitf as tf
from tests.gradient_api_programs import PROGRAMS

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_gradient_api.json")) as f:
    RECORDED = json.load(f)


@pytest.fixture(scope="module")
def ran():
    """Each program once with minitf (registered gradient names are the process's)."""
    return {}


def run(ran, name):
    if name not in ran:
        ran[name] = PROGRAMS[name](tf)
    return ran[name], RECORDED[name]


def close(got, want, rtol=1e-6, atol=1e-7):
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                               rtol=rtol, atol=atol)


def test_guided_relu_saliency_is_tfs(ran):
    got, want = run(ran, "guided_backprop")
    close(got["plain"], want["plain"])
    close(got["guided"], want["guided"])
    assert not np.allclose(got["guided"], got["plain"])  # the override did change something
    # The Relus made inside the map carry TF's `_gradient_op_type` attr (bytes), the others not.
    for key in ("static_shape", "overridden", "attr_is_name", "attr_type"):
        assert got[key] == want[key], key


def test_gradient_reversal_layer_is_tfs(ran):
    got, want = run(ran, "gradient_reversal")
    for a, b in zip(got["reversed"], want["reversed"]):
        close(a, b)
    for a, b in zip(got["plain"], want["plain"]):
        close(a, b)
    # The domain head's own gradient is unchanged; the features' is -0.3 times the plain one.
    close(got["reversed"][1], got["plain"][1])
    close(got["reversed"][0], -0.3 * np.asarray(got["plain"][0]), rtol=1e-5)
    close(got["losses"], want["losses"], rtol=1e-5)
    for a, b in zip(got["after"], want["after"]):
        close(a, b, rtol=1e-5, atol=1e-6)
    assert (got["flip_name"], got["flip_attr"]) == (want["flip_name"], want["flip_attr"])


def test_straight_through_sign_is_tfs(ran):
    got, want = run(ran, "straight_through")
    for key in ("y", "dx", "dx_identity", "dw"):
        close(got[key], want[key])
    close(got["losses"], want["losses"], rtol=1e-5)
    close(got["w_after"], want["w_after"], rtol=1e-5, atol=1e-6)
    for key in ("y_name", "y_op_type", "y_op_inputs", "override_is_custom", "node_def"):
        assert got[key] == want[key], key
    # TF's graph walk for the variables f reads leaves an Identity of f's output behind;
    # minitf walks without adding ops, and adds the same others.
    assert got["ops"] == [op for op in want["ops"] if op != ["Identity", "Identity"]]


def test_custom_gradient_forms_and_errors_are_tfs(ran):
    got, want = run(ran, "custom_gradient_forms")
    for key in ("r", "two_grads"):
        close(got[key], want[key])
    close(got["scale_grads"][0], want["scale_grads"][0])
    close(got["scale_grads"][1], want["scale_grads"][1])
    close(got["made"], want["made"])
    for a, b in zip(got["made_grads"], want["made_grads"]):
        close(a, b)
    for key in ("r_names", "scale_inputs", "variables", "errors", "made_variables"):
        assert got[key] == want[key], key


def test_registry_rules_are_tfs(ran):
    got, want = run(ran, "registry_rules")
    assert got["blocked_grad_is_none"] is want["blocked_grad_is_none"] is True
    assert got["attrs"] == want["attrs"]
    assert got["errors"] == want["errors"]
    close(got["passed"], want["passed"])
    close(got["control_flow"], want["control_flow"])
    # A gradient function reads TF's attr names: T (from the inputs) and MatMul's own.
    assert got["matmul_attrs"] == want["matmul_attrs"] == ["float32", False, True]
    for a, b in zip(got["matmul_grads"], want["matmul_grads"]):
        close(a, b)
    assert got["control_flow"][1] == [[-0.5, -0.5, -0.5]]  # three Negs, not d(x**8)/dx


def test_py_func_gradient_idiom_is_tfs(ran):
    got, want = run(ran, "py_func_gradient")
    assert got["types"] == want["types"] == ["PyFunc", "PyFuncStateless"]
    close(got["y"], want["y"])
    close(got["grads"], want["grads"])


def test_an_override_survives_graph_def_export_and_import():
    """The mapped name is the NodeDef's `_gradient_op_type` attr, as TF writes it; an imported
    op keeps it, so its gradient is still the registered one."""
    with tf.Graph().as_default() as g:
        x = tf.constant([1., -2., 3.])
        with g.gradient_override_map({"Relu": "Neg"}):
            tf.nn.relu(x, name="r")
        graph_def = g.as_graph_def()
    (node,) = [n for n in graph_def.node if n.name == "r"]
    assert node.attr["_gradient_op_type"].s == b"Neg"
    with tf.Graph().as_default():
        (r,) = tf.import_graph_def(graph_def, return_elements=["r:0"], name="")
        assert r.op.get_attr("_gradient_op_type") == b"Neg"
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(tf.gradients(r, r.op.inputs[0])[0]),
                                          [-1., -1., -1.])


def test_unregistered_override_names_the_op_and_the_name():
    with tf.Graph().as_default() as g:
        x = tf.constant([1., -1.])
        with g.gradient_override_map({"Tanh": "NeverRegisteredHere"}):
            y = tf.tanh(x, name="act")
        with pytest.raises(LookupError, match="'act' .*Tanh.*'NeverRegisteredHere'"):
            tf.gradients(y, x)


def test_override_to_an_op_type_uses_its_rule_on_this_op():
    """{"Square": "Neg"}: the Neg rule (dy -> -dy) applied to the Square op, as TF looks up the
    mapped name among its op types' gradients too."""
    with tf.Graph().as_default() as g:
        x = tf.constant([1., 2., 3.])
        with g.gradient_override_map({"Square": "Neg"}):
            y = tf.square(x)
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(tf.gradients(y * 2., x)[0]), [-2., -2., -2.])


def test_templates_are_tfs(ran):
    got, want = run(ran, "templates")
    values = got.pop("values")
    want = dict(want)
    for a, b in zip(values, want.pop("values")):
        close(a, b)
    assert got == want


def test_hessians_are_tfs(ran):
    got, want = run(ran, "hessian_programs")
    for a, b in zip(got["values"], want["values"]):
        close(a, b, rtol=1e-12, atol=1e-14)
    # The quadratic's Hessian is A's symmetric part, whatever the graph.
    a = np.asarray(want["a"])
    np.testing.assert_allclose(got["values"][0], (a + a.T) / 2, rtol=1e-12)
    for key in ("shapes", "dtypes", "unconnected"):
        assert got[key] == want[key], key


def test_hessians_need_a_size_known_at_build_time():
    """TF loops over the entries of x at run time; minitf unrolls, so a placeholder of unknown
    length is refused when building, naming it."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None], name="free")
        with pytest.raises(ValueError, match="free:0"):
            tf.hessians(tf.reduce_sum(x ** 3), x)


def test_identity_n_of_nothing_raises_as_tf():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="IdentityN"):
            tf.identity_n([])
