"""Small helpers shared by the test modules."""

import minitf as tf


def run(fetches, feed=None):
    """Runs `fetches` in a new session on the default graph."""
    with tf.Session() as sess:
        return sess.run(fetches, feed)
