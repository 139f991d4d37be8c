"""minitf runs the TF1 input-pipeline programs of tests/tf1_wild_data/programs.py as
TensorFlow does: the same values (float32 to 1e-5 relative), tensor names, static shapes and
dtypes, and error classes and messages, recorded from TensorFlow 2.21's compat.v1 in
tests/tf1_wild_data/recorded.py."""

import re

import pytest

import minitf as tf
from tests import test_tf1_parity as parity
from tests.tf1_wild_data.programs import PROGRAMS, run_program
from tests.tf1_wild_data.recorded import RECORDED

# TF names a queue's resource with a process-wide counter ('_21_fifo'); minitf counts the
# session's resources. The counter is compared as '_N_'.
QUEUE_COUNTER = re.compile(r"'_\d+_")

# Where minitf's graph differs on purpose, TF's recorded entry -> minitf's (None: absent).
# tf.Assert's data is converted twice by TF (tests/test_tf1_parity.py says so too), and TF's
# tf.size of a known shape is a Const when built, where minitf's plan folds the Size op.
OP_DIFFERENCES = {
    ("csv_queue_pipeline", "producer_ops"): {
        "input_producer/Assert/Assert/data_0:Const": None,
        "input_producer/Size:Const": "input_producer/Size:Size",
    },
}


def normalised(observation):
    if isinstance(observation, tuple) and observation and observation[0].endswith("Error"):
        return tuple(QUEUE_COUNTER.sub("'_N_", x) if isinstance(x, str) else x
                     for x in observation)
    return observation


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_pipeline_program_behaves_as_in_tensorflow(program):
    name = program.__name__
    ours, theirs = run_program(tf, program), RECORDED[name]
    assert sorted(ours) == sorted(theirs)
    for key in sorted(theirs):
        mine, recorded = normalised(ours[key]), normalised(theirs[key])
        if (name, key) in OP_DIFFERENCES:
            changes = OP_DIFFERENCES[name, key]
            assert set(changes) <= set(recorded), "stale OP_DIFFERENCES entry %s" % key
            recorded = sorted(changes.get(o, o) for o in recorded if changes.get(o, o))
        if key.endswith("_error") and len(recorded) == 3:
            parity.check_error((name, key), mine, recorded)
        elif key.endswith("_error"):  # (class, message): minitf keeps TF's words, may add
            assert mine[0] == recorded[0], (key, mine, recorded)
            assert recorded[1].rstrip(".") in mine[1], (key, mine, recorded)
        else:
            parity.check_same(mine, recorded, "%s.%s" % (name, key))


def test_the_recording_covers_every_program():
    assert sorted(RECORDED) == sorted(p.__name__ for p in PROGRAMS)
    assert len(PROGRAMS) >= 10
