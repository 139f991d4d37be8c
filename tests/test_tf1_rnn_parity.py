"""Sparse gradients, embeddings and recurrent networks against real TensorFlow: the programs of
tests/tf1_rnn_programs.py run with minitf and compared with what TF 2.21's compat.v1 gave
(tests/tf1_rnn_recorded.py, written by that file's recorder)."""

import numpy as np
import pytest

import minitf as tf
from tests import tf1_rnn_programs as programs
from tests.tf1_rnn_recorded import RECORDED


def _close(ours, theirs, where, rtol=2e-5, atol=2e-6):
    if isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs), where
        for k in theirs:
            _close(ours[k], theirs[k], "%s.%s" % (where, k), rtol, atol)
    elif isinstance(theirs, str):
        assert ours == theirs, where
    elif isinstance(theirs, list) and not all(isinstance(x, (int, float)) for x in theirs):
        assert len(ours) == len(theirs), where
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _close(a, b, "%s[%d]" % (where, i), rtol, atol)
    else:
        np.testing.assert_allclose(np.asarray(ours, dtype=np.float64),
                                   np.asarray(theirs, dtype=np.float64), rtol=rtol, atol=atol,
                                   err_msg=where)


@pytest.mark.parametrize("program", programs.PROGRAMS, ids=lambda p: p.__name__)
def test_program_matches_tensorflow(program):
    _close(program(tf), RECORDED[program.__name__], program.__name__)


def test_the_recording_covers_every_program():
    assert sorted(RECORDED) == sorted(p.__name__ for p in programs.PROGRAMS)
