"""Shared pytest fixtures."""

import pytest

import minitf as tf
from minitf import backend


def pytest_collection_modifyitems(config, items):
    """Tests marked `gpu` need cupy and a usable GPU: skipped cleanly anywhere else (CI)."""
    if backend.gpu_available():
        return
    skip = pytest.mark.skip(reason="needs cupy and a GPU (pytest -m gpu runs only these)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def fresh_graph():
    """A new default graph for the test (modules opt in with `pytestmark`)."""
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture(autouse=True)
def _isolated_defaults():
    """Each test starts with no InteractiveSession installed and a fresh global default graph
    (notebook-style tests open InteractiveSessions and never close them, as notebooks do)."""
    yield
    from minitf.framework import context
    for _ in range(100):  # InteractiveSessions made in a row: the latest wins, close them all
        leftover = context.get_default_session()
        if not isinstance(leftover, tf.InteractiveSession) or leftover._closed:
            break
        leftover.close()
    tf.reset_default_graph()


@pytest.fixture(autouse=True)
def _numpy_engine(request):
    """Tests marked `numpy_engine` check the numpy engine itself (its exact bits, the buffer
    pool, BLAS threads, plan passes that only the host plan makes, TF1's exact printed
    digits): they run with the GPU hidden, in this process and in the processes they start."""
    if "numpy_engine" in request.keywords and backend.gpu_available():
        # (asked for only here: an autouse monkeypatch would be undone after the test's own
        # fixtures' teardowns, not before them)
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setattr(backend, "_cupy", None)
        monkeypatch.setenv("MINITF_DISABLE_GPU", "1")
