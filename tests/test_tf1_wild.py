"""minitf runs the TF1-in-the-wild corpus (tests/tf1_wild) as TensorFlow does: every program of
every group, compared with what the recorder got from real TensorFlow, with the rules of
tests/test_tf1_parity.py (values to 1e-5 / 1e-10 relative, names, shapes and dtypes exactly,
error classes and TF's words in the messages). A group may declare MESSAGE_DIFFERENCES and
VALUE_DIFFERENCES ({(program, key): ...}) where minitf differs on purpose."""

import importlib

import pytest

import minitf as tf
from tests.test_tf1_parity import check_same, tf1_message
from tests.tf1_wild import GROUPS
from tests.tf1_wild.runner import run_program

CASES = []
for _group in GROUPS:
    _programs = importlib.import_module("tests.tf1_wild.programs_" + _group)
    _recorded = importlib.import_module("tests.tf1_wild.recorded_" + _group).RECORDED
    CASES += [(_group, _programs, _recorded, p) for p in _programs.PROGRAMS]

# Recorded on a machine without a GPU (placing an op on /gpu:0 with hard placement fails):
# run with the GPU hidden where there is one.
_NO_GPU = {"session_config_and_tracing"}
CASES = [pytest.param(*c, marks=pytest.mark.numpy_engine) if c[3].__name__ in _NO_GPU else c
         for c in CASES]


def _check_error(where, ours, theirs, differences):
    if isinstance(theirs, str):  # only the class was observed
        assert ours == theirs, "%s: %s instead of TF's %s" % (where, ours, theirs)
        return
    (cls, message, _), (tf_cls, tf_message, _) = ours, theirs
    assert cls == tf_cls, "%s: %s instead of TF's %s (%s)" % (where, cls, tf_cls, message)
    expected = differences.get(where, tf1_message(tf_message))
    assert expected.rstrip(".") in message, "%s:\n  TF:     %s\n  minitf: %s" % (
        where, expected, message)


@pytest.mark.parametrize("group,programs,recorded,program", CASES,
                         ids=["%s/%s" % (c.values[0] if hasattr(c, "values") else c[0],
                                         (c.values if hasattr(c, "values") else c)[3].__name__)
                              for c in CASES])
def test_program_behaves_as_in_tensorflow(group, programs, recorded, program):
    name = program.__name__
    ours, theirs = run_program(tf, program), recorded[name]
    assert sorted(ours) == sorted(theirs)
    messages = getattr(programs, "MESSAGE_DIFFERENCES", {})
    values = getattr(programs, "VALUE_DIFFERENCES", {})
    for key in sorted(theirs):
        where = "%s.%s" % (name, key)
        if key.endswith("_error"):
            _check_error((name, key), ours[key], theirs[key], messages)
        elif (name, key) in values:
            assert ours[key] != theirs[key], "stale VALUE_DIFFERENCES entry %s" % where
            check_same(ours[key], values[name, key], where)
        else:
            check_same(ours[key], theirs[key], where)


def test_every_group_is_recorded_for_every_program():
    for group in GROUPS:
        programs = importlib.import_module("tests.tf1_wild.programs_" + group).PROGRAMS
        recorded = importlib.import_module("tests.tf1_wild.recorded_" + group).RECORDED
        assert sorted(recorded) == sorted(p.__name__ for p in programs), group
