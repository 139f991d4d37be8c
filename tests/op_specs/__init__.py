"""The op test table: one OpSpec per op and interesting input case, one file per op family.

tests/test_op_table.py runs every entry four ways (value vs numpy, inferred vs actual
shape/dtype, float64 numerical gradient check, numpy vs cupy when a GPU is there) and fails
when a registered op type appears in no entry and is not in TESTED_ELSEWHERE.
"""

from tests.op_specs import array_specs, math_specs

SPECS = array_specs.SPECS + math_specs.SPECS

# Stateful ops cannot be checked against a pure numpy reference; each is tested in the file named.
TESTED_ELSEWHERE = {
    "Placeholder": "tests/test_session.py",
    "VariableV2": "tests/test_variables.py",
    "Assign": "tests/test_variables.py",
    "AssignAdd": "tests/test_variables.py",
    "AssignSub": "tests/test_variables.py",
    "IsVariableInitialized": "tests/test_variables.py",
    "NoOp": "tests/test_graph.py",
    "ApplyGradientDescent": "tests/train/test_optimizers.py",
}
