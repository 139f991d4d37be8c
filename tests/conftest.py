"""Shared pytest fixtures."""

import pytest

import minitf as tf


@pytest.fixture
def fresh_graph():
    """A new default graph for the test (modules opt in with `pytestmark`)."""
    with tf.Graph().as_default() as g:
        yield g
