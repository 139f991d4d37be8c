"""minitf runs the tf.sparse programs of tests/tf1_sparse_ops_programs.py as TensorFlow does:
the same values (float64 to 1e-10), gradients, op and tensor names, static shapes, and error
classes and messages, against tests/fixtures/tf_sparse_ops.json (what TensorFlow 2.21's
tensorflow.compat.v1 gave)."""

import json
import os

import pytest

import minitf as tf
from tests.test_tf1_parity import check_same
from tests.test_tf1_sparse_parity import check_error
from tests.tf1_sparse_ops_programs import PROGRAMS, run_program



def load_fixture(name):
    with open(os.path.join(os.path.dirname(__file__), "fixtures", name)) as f:
        return json.load(f)


RECORDED = load_fixture("tf_sparse_ops.json")

# Static dense shapes where minitf knows more than TF: TF's expand_dims computes the position
# of the new axis at run time (a Select), so its shape inference loses the dims either side;
# minitf takes a Python int axis and keeps them. sparse_reset_shape's tightest shape of
# constant indices is folded by minitf, not by TF. Compared for compatibility only.
KNOWS_MORE = {("construct_and_filter", "expand_dims", 3),
              ("construct_and_filter", "expand_dims_last", 3),
              ("merge_and_reset_shape", "tight", 3)}


def _restored(obs):
    """An observation after a trip through JSON, with the tuples of value() and error() that
    tests/test_tf1_parity.py's checks recognise made tuples again."""
    if isinstance(obs, list):
        items = [_restored(o) for o in obs]
        is_value = len(obs) == 3 and isinstance(obs[0], str) and isinstance(obs[1], list)
        is_error = len(obs) == 3 and isinstance(obs[0], str) and obs[0].endswith("Error")
        return tuple(items) if is_value or is_error else items
    if isinstance(obs, dict):
        return {k: _restored(v) for k, v in obs.items()}
    return obs


def compare(program, recorded, knows_more=()):
    """Runs `program` with minitf and checks each observation against TF's recording (errors by
    class, message core and failing op; `knows_more`: (program, key, index) of static shapes
    that need only be compatible with TF's)."""
    name = program.__name__
    ours = _restored(json.loads(json.dumps(run_program(tf, program))))
    theirs = _restored(recorded[name])
    assert sorted(ours) == sorted(theirs)
    for key in sorted(theirs):
        a, b = ours[key], theirs[key]
        for prog, k, i in knows_more:
            if (prog, k) == (name, key):
                known, partial = a[i], b[i]
                assert len(known) == len(partial) and all(
                    p is None or p == d for d, p in zip(known, partial)), (key, known, partial)
                a, b = a[:i] + a[i + 1:], b[:i] + b[i + 1:]
        if isinstance(b, tuple) and b[0].endswith("Error"):
            check_error(a, b, "%s.%s" % (name, key))
        else:
            check_same(a, b, "%s.%s" % (name, key))


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_program_behaves_as_in_tensorflow(program):
    compare(program, RECORDED, KNOWS_MORE)


def test_the_recording_covers_every_program():
    assert sorted(RECORDED) == sorted(p.__name__ for p in PROGRAMS)
