"""The framework's floor is a straight line (graph -> operation -> tensor -> context: the default
graph and session stacks no longer live in graph.py), and each graph keeps an index of every
tensor's consumers instead of scanning all its ops per question."""

import ast
import pathlib

import pytest

import minitf as tf

pytestmark = pytest.mark.usefixtures("fresh_graph")


def test_tensor_operation_and_context_never_import_the_graph_module():
    for module in ("tensor", "operation", "context"):
        path = pathlib.Path(tf.__file__).parent / "framework" / (module + ".py")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "minitf.framework.graph", module
                assert not (node.module == "minitf.framework" and
                            any(a.name == "graph" for a in node.names)), module


def test_consumers_come_from_the_index_in_creation_order_once_per_op():
    x = tf.placeholder(tf.float32, (2,))
    sq = x * x
    s = tf.sin(x)
    assert x.consumers() == [sq.op, s.op]
    assert sq.consumers() == [] and tf.get_default_graph().consumers_of(s) == []
    v = tf.Variable([1.0, 2.0])
    bump = v.assign_add(x)
    assert bump.op in x.consumers()


def test_a_failed_import_takes_its_ops_out_of_the_index():
    g = tf.get_default_graph()
    x = tf.placeholder(tf.float32, (2,), name="x")
    kept = tf.sin(x)
    with pytest.raises(RuntimeError):
        with g._undo_on_error():
            tf.cos(x)
            tf.exp(x)
            raise RuntimeError("half an import")
    assert x.consumers() == [kept.op]
