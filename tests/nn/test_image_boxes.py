"""tf.image's bounding-box ops against TensorFlow's recorded results
(tests/record_tf_image_boxes.py builds the same graphs here): indices exactly, values to float32
rounding, output names, static shapes, and the errors bad shapes raise."""

import json

import numpy as np
import pytest

import minitf as tf
from tests import record_tf_image_boxes as rec

pytestmark = pytest.mark.usefixtures("fresh_graph")

with open(rec.FIXTURE) as _f:
    RECORDED = json.load(_f)


@pytest.fixture(scope="module")
def got():
    return rec.run_cases(tf, rec.CASES)


@pytest.mark.parametrize("name", sorted(RECORDED["cases"]))
def test_matches_tensorflow(got, name):
    want, mine = RECORDED["cases"][name], got[name]
    assert mine["names"] == want["names"]
    assert mine["static"] == want["static"]
    for m, w in zip(mine["values"], want["values"]):
        assert (m["dtype"], m["shape"]) == (w["dtype"], w["shape"])
        if w["dtype"].startswith("int"):
            assert m["values"] == w["values"]  # selected indices and counts: exactly
        else:
            np.testing.assert_allclose(m["values"], w["values"], rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(RECORDED["errors"]))
def test_errors_match_tensorflow(name):
    cls, message, shapes = RECORDED["errors"][name]
    error = rec.raised(tf, rec.error_cases(tf)[name])
    assert error is not None
    mine = rec.describe(error)
    assert mine[0] == cls, (mine, cls)
    assert mine[1].startswith(message), (mine[1], message)
    if shapes is not None:  # build time: the graph names the node and the input shapes
        assert mine[2] == shapes
