"""minitf runs the string programs of tests/tf1_string_programs.py as TensorFlow does: the same
values, op and tensor names, static shapes, and error classes and messages, against
tests/fixtures/tf_string_ops.json (what TensorFlow 2.21's tensorflow.compat.v1 gave)."""

import pytest

from tests.test_tf1_sparse_ops import compare, load_fixture
from tests.tf1_string_programs import PROGRAMS

RECORDED = load_fixture("tf_string_ops.json")


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_behaves_as_in_tensorflow(program):
    compare(program, RECORDED)


def test_the_recording_covers_every_program():
    assert sorted(RECORDED) == sorted(p.__name__ for p in PROGRAMS)
