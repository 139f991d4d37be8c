"""DESIGN.md's rules for ops, checked on the source: kernels use only the `xp` they are given
(never numpy directly, so cupy runs them unchanged), and gradient rules build graph ops instead
of computing with an array module (numpy on static attributes, such as a permutation, is fine)."""

import ast
import glob
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = sorted(glob.glob(os.path.join(ROOT, "minitf", "**", "*.py"), recursive=True))


def methods(name):
    for path in SOURCES:
        tree = ast.parse(open(path, encoding="utf-8").read())
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            for fn in cls.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == name:
                    yield os.path.relpath(path, ROOT), cls.name, fn


def test_the_scan_finds_kernels():
    assert len(list(methods("compute"))) > 50


@pytest.mark.parametrize("kernel", ["compute", "update"])
def test_kernels_never_call_numpy_directly(kernel):
    offenders = ["%s:%d %s.%s uses %s.%s" % (path, node.lineno, cls, kernel, node.value.id, node.attr)
                 for path, cls, fn in methods(kernel)
                 for node in ast.walk(fn)
                 if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                 and node.value.id in ("np", "numpy")]
    assert not offenders, "\n".join(offenders)


def test_gradient_rules_never_use_xp():
    offenders = ["%s:%d %s.grad uses xp" % (path, node.lineno, cls)
                 for path, cls, fn in methods("grad")
                 for node in ast.walk(fn)
                 if isinstance(node, ast.Name) and node.id == "xp"]
    assert not offenders, "\n".join(offenders)


def test_graph_def_keeps_no_table_of_op_types():
    # What is true of an op lives on its class (tf_signature, tf_expansion, tf_form): the
    # GraphDef code may name only the ops its import side rebuilds by hand.
    import minitf  # noqa: F401 - registers every op
    from minitf.framework.registry import REGISTRY
    path = os.path.join(ROOT, "minitf", "framework", "graph_def.py")
    named = {node.value for node in ast.walk(ast.parse(open(path, encoding="utf-8").read()))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and node.value in REGISTRY}
    assert named <= {"Const", "If", "While", "RuntimeAxisReduction"}, sorted(named)


def test_tf_signatures_name_real_fields_and_inputs():
    import dataclasses

    import minitf  # noqa: F401
    from minitf.framework.registry import REGISTRY
    for name, cls in REGISTRY.items():
        sig = cls.tf_signature
        fields = {f.name for f in dataclasses.fields(cls)}
        if sig.const_input is not None:
            assert sig.const_input[0] in fields, name
        if sig.implied is not None:
            assert sig.implied[0] in fields, name
        for attr, index in sig.type_attrs:
            assert isinstance(attr, str) and isinstance(index, (int, slice)), name


def test_ops_and_framework_never_import_the_client():
    # DESIGN's dependency rule: framework/ and ops/ sit below client/, which runs graphs
    # (the intra-op workers are minitf/workers.py, a module of no dependencies, for that reason)
    offenders = []
    for path in SOURCES:
        rel = os.path.relpath(path, ROOT)
        if not rel.startswith((os.path.join("minitf", "ops"), os.path.join("minitf", "framework"))):
            continue
        for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            offenders += ["%s:%d %s" % (rel, node.lineno, n) for n in names
                          if n == "minitf.client" or n.startswith("minitf.client.")]
    assert not offenders
