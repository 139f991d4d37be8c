"""tf.test: TestCase's sessions and assertions (each must fail when it should), the GPU queries,
and the `gpu` marker that skips GPU tests cleanly without a GPU."""

import types
import unittest

import numpy as np
import pytest

import minitf as tf
from minitf import backend


class _Example(tf.test.TestCase):
    def test_graph_is_fresh_and_sessions_run_it(self):
        assert tf.get_default_graph().get_operations() == []
        x = tf.constant([1.0, 2.0]) * 2
        with self.session() as sess:
            self.assertAllClose(sess.run(x), [2.0, 4.0])
        with self.cached_session() as a, self.cached_session() as b:
            assert a is b
        self.assertAllClose(x, np.array([2.0, 4.0]))  # a tensor is evaluated
        self.assertAllEqual(self.evaluate({"x": tf.constant(3)})["x"], 3)
        self.assertShapeEqual(np.zeros((2,)), x)

    def test_op_errors(self):
        with self.assertRaisesOpError("Incompatible shapes|Matrix size"):
            self.evaluate(tf.matmul(tf.placeholder_with_default(np.ones((2, 3)), None),
                                    tf.placeholder_with_default(np.ones((2, 3)), None)))


def test_testcase_methods_work_in_a_fresh_graph():
    result = unittest.TestResult()
    unittest.TestLoader().loadTestsFromTestCase(_Example).run(result)
    assert result.testsRun == 2 and not result.failures and not result.errors, \
        result.failures + result.errors


@pytest.mark.parametrize("check", [
    lambda t: t.assertAllClose([1.0, 2.0], [1.0, 2.1]),
    lambda t: t.assertAllClose([1.0, 2.0], [1.0, 2.0, 3.0]),
    lambda t: t.assertAllClose({"a": [1.0]}, {"a": [1.5]}),
    lambda t: t.assertAllClose([[1.0], [2.0]], [[1.0], [2.5]]),
    lambda t: t.assertAllEqual([1, 2], [1, 3]),
    lambda t: t.assertNear(1.0, 1.2, 0.1),
    lambda t: t.assertArrayNear([1.0, 2.0], [1.0, 2.5], 0.1),
    lambda t: t.assertShapeEqual(np.zeros((2, 3)), tf.constant(np.zeros((3, 2)))),
])
def test_assertions_fail_when_they_should(check):
    case = _Example("test_op_errors")
    case.setUp()
    try:
        with pytest.raises(AssertionError):
            check(case)
    finally:
        case.tearDown()


def test_assert_raises_op_error_checks_the_message():
    case = _Example("test_op_errors")
    case.setUp()
    try:
        with pytest.raises(AssertionError, match="does not match"):
            with case.assertRaisesOpError("no such text"):
                raise tf.errors.InvalidArgumentError(None, None, "something else")
    finally:
        case.tearDown()


def test_gpu_queries_follow_the_backend(monkeypatch):
    monkeypatch.setattr(backend, "_cupy", None)
    monkeypatch.setattr(backend, "_cupy_checked", True)
    assert tf.test.is_gpu_available() is False
    assert tf.test.gpu_device_name() == ""
    fake = types.SimpleNamespace(cuda=types.SimpleNamespace(
        Device=lambda i: types.SimpleNamespace(compute_capability="75")))
    monkeypatch.setattr(backend, "_cupy", fake)
    assert tf.test.is_gpu_available() is True
    assert tf.test.is_gpu_available(min_cuda_compute_capability=(7, 0)) is True
    assert tf.test.is_gpu_available(min_cuda_compute_capability=(8, 0)) is False
    assert tf.test.gpu_device_name() == "/device:GPU:0"


def test_the_gpu_marker_is_on_the_gpu_tests():
    # conftest.py skips `gpu`-marked tests without a GPU; the op table's cupy column and the
    # cupy random-numbers test must carry the marker.
    import tests.test_op_table as table
    marks = [m.name for m in getattr(table.test_cupy_matches_numpy, "pytestmark", [])]
    assert "gpu" in marks
    import tests.test_random_ops as random_tests
    assert "gpu" in [m.name for m in random_tests.test_cupy_and_numpy_give_the_same_numbers.pytestmark]
