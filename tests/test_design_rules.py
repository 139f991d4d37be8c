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
