"""tf.test: TF1's TestCase for tests written against the graph-and-session API, and the GPU
queries TF1 programs start with (`tf.test.is_gpu_available()`)."""

import contextlib
import os
import re
import tempfile
import unittest

import numpy

from minitf import backend, errors
from minitf.client.session import Session as _Session
from minitf.framework.graph import Graph as _Graph
from minitf.testing.gradcheck import compute_gradient, compute_gradient_error

__all__ = ["TestCase", "main", "is_gpu_available", "gpu_device_name", "is_built_with_cuda",
           "get_temp_dir", "compute_gradient", "compute_gradient_error"]


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """Whether minitf can run ops on a GPU: cupy is installed, sees a device, and
    MINITF_DISABLE_GPU is unset. `min_cuda_compute_capability` is a (major, minor) pair the
    first GPU must reach."""
    cupy = backend.cupy_module()
    if cupy is None:
        return False
    if min_cuda_compute_capability is not None:
        found = cupy.cuda.Device(0).compute_capability  # e.g. "90"
        if (int(found[:-1]), int(found[-1])) < tuple(min_cuda_compute_capability):
            return False
    return True


def gpu_device_name():
    """'/device:GPU:0' when a GPU is usable, else ''."""
    return "/device:GPU:0" if is_gpu_available() else ""


def is_built_with_cuda():
    """Whether the GPU backend (cupy) is installed, usable or not."""
    try:
        import cupy  # noqa: F401
        return True
    except ImportError:
        return False


def get_temp_dir():
    """A temporary folder for the current test program (created once)."""
    global _temp_dir
    if _temp_dir is None:
        _temp_dir = tempfile.mkdtemp(prefix="minitf_test_")
    return _temp_dir


_temp_dir = None


def main(argv=None):
    """Runs the TestCases of the calling module (unittest's runner)."""
    unittest.main(argv=argv)


class TestCase(unittest.TestCase):
    """TF1's tf.test.TestCase: each test builds in a fresh default graph; `self.session()` /
    `self.cached_session()` run it; assertAllClose & co. compare arrays, nested lists and
    tensors' values."""

    def setUp(self):
        super().setUp()
        self._graph_context = _Graph().as_default()
        self._graph = self._graph_context.__enter__()
        self._cached = None

    def tearDown(self):
        if self._cached is not None:
            self._cached.close()
        self._graph_context.__exit__(None, None, None)
        super().tearDown()

    def get_temp_dir(self):
        path = os.path.join(get_temp_dir(), self.id())
        os.makedirs(path, exist_ok=True)
        return path

    @contextlib.contextmanager
    def session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """A new Session on `graph` (default: the test's graph), installed as the default."""
        with _Session(graph=graph or self._graph, config=config) as sess:
            with sess.as_default():
                yield sess

    @contextlib.contextmanager
    def cached_session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """One Session per test, reused by every call (closed at tearDown)."""
        if self._cached is None:
            self._cached = _Session(graph=graph or self._graph, config=config)
        with self._cached.as_default():
            yield self._cached

    @property
    def test_session(self):
        """TF1's older name of cached_session (a property, so test runners do not take it for
        a test)."""
        return self.cached_session

    def evaluate(self, tensors):
        """The values of `tensors` (any fetch structure) in the cached session."""
        with self.cached_session() as sess:
            return sess.run(tensors)

    def _value(self, x):
        if hasattr(x, "graph") and hasattr(x, "dtype") and not isinstance(x, numpy.ndarray):
            return self.evaluate(x)
        return x

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):
        """Element-wise closeness of arrays, tensors, or nested lists/tuples/dicts of them."""
        a, b = self._value(a), self._value(b)
        if isinstance(a, dict):
            self.assertEqual(sorted(a), sorted(b), msg)
            for k in a:
                self.assertAllClose(a[k], b[k], rtol, atol, msg)
            return
        if isinstance(a, (list, tuple)) and any(isinstance(v, (list, tuple, dict, numpy.ndarray))
                                                for v in a):
            self.assertEqual(len(a), len(b), msg)
            for x, y in zip(a, b):
                self.assertAllClose(x, y, rtol, atol, msg)
            return
        a, b = numpy.asarray(a), numpy.asarray(b)
        self.assertEqual(a.shape, b.shape, "shape mismatch: %s vs %s. %s" % (a.shape, b.shape,
                                                                             msg or ""))
        numpy.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=msg or "",
                                      equal_nan=True)

    def assertAllEqual(self, a, b, msg=None):
        a, b = numpy.asarray(self._value(a)), numpy.asarray(self._value(b))
        self.assertEqual(a.shape, b.shape, "shape mismatch: %s vs %s. %s" % (a.shape, b.shape,
                                                                             msg or ""))
        numpy.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNear(self, f1, f2, err, msg=None):
        self.assertTrue(abs(f1 - f2) <= err, "%r != %r +/- %r %s" % (f1, f2, err, msg or ""))

    def assertArrayNear(self, farray1, farray2, err, msg=None):
        self.assertEqual(len(farray1), len(farray2), msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg)

    def assertShapeEqual(self, np_array, tf_tensor, msg=None):
        """The static shape of `tf_tensor` is the shape of `np_array`."""
        self.assertEqual(list(numpy.shape(np_array)), tf_tensor.shape.as_list(), msg)

    @contextlib.contextmanager
    def assertRaisesOpError(self, expected_err_re_or_predicate):
        """The block raises a tf.errors.OpError whose message matches the pattern."""
        with self.assertRaises(errors.OpError) as caught:
            yield
        message = str(caught.exception)
        if callable(expected_err_re_or_predicate):
            self.assertTrue(expected_err_re_or_predicate(caught.exception), message)
        else:
            self.assertTrue(re.search(expected_err_re_or_predicate, message),
                            "%r does not match %r" % (message, expected_err_re_or_predicate))
