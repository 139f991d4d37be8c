"""Helpers for the recorder scripts (tests/record_tf_*.py) that write TF's results as JSON."""

import numpy as np


def short(value):
    """Float32 results written in float32's shortest digits (half a fixture's size): floats
    in nested lists and dicts."""
    if isinstance(value, float):
        return float(str(np.float32(value)))
    if isinstance(value, list):
        return [short(v) for v in value]
    if isinstance(value, dict):
        return {k: short(v) for k, v in value.items()}
    return value
