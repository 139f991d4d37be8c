"""The "TF1 in the wild" corpus: classic TF1 programs written for this project in the style of
the popular tutorials and the course notebooks, run with minitf and compared with what real
TensorFlow gave.

Layout (one group of programs per file, easy to extend):

    programs_<group>.py   PROGRAMS: functions `program(tf)` (or `program(tf, directory)` for a
                          scratch directory) returning observations, built with the helpers of
                          tests/tf1_parity_programs.py (value, error, captured...); optional
                          MESSAGE_DIFFERENCES / VALUE_DIFFERENCES like tests/test_tf1_parity.py
    recorded_<group>.py   RECORDED: what TensorFlow gave, written by the recorder, never by hand
    record.py             the recorder: `python tests/tf1_wild/record.py <group>` in a venv with
                          TensorFlow (2.21, tensorflow.compat.v1) writes recorded_<group>.py

tests/test_tf1_wild.py runs every group listed in GROUPS below.
"""

GROUPS = ["core"]
