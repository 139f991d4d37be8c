"""tf.train.SessionRunHook and the values it exchanges with a MonitoredSession (TF 1.15's API).

A MonitoredSession calls, for each hook in order: begin() before the graph is finalized,
after_create_session(session, coord) once the session is initialized or restored, then around
every run() before_run(run_context), which may return SessionRunArgs to add fetches, feeds and
run options to that run, and after_run(run_context, run_values) with the values of those added
fetches; end(session) when the MonitoredSession closes without an error.
"""

import collections

__all__ = ["SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues"]


class SessionRunHook:
    """A hook into a MonitoredSession's lifecycle; every method does nothing by default."""

    def begin(self):
        """Called once before the session is created; the graph can still be changed."""

    def after_create_session(self, session, coord):
        """Called when the session is ready (initialized or restored); the graph is final."""

    def before_run(self, run_context):
        """Called before each run; returns None or SessionRunArgs to add to the run."""
        return None

    def after_run(self, run_context, run_values):
        """Called after each successful run with the values of this hook's fetches."""

    def end(self, session):
        """Called when the MonitoredSession closes (not after an error)."""


class SessionRunArgs(collections.namedtuple("SessionRunArgs",
                                            ["fetches", "feed_dict", "options"])):
    """What a hook adds to a run: fetches (any structure Session.run takes), feeds, and
    RunOptions merged into the caller's."""

    def __new__(cls, fetches, feed_dict=None, options=None):
        return super().__new__(cls, fetches, feed_dict, options)


class SessionRunContext:
    """The run in progress, as the hooks see it: the caller's arguments (SessionRunArgs), the
    raw session, and request_stop() for a hook to end the loop after this run."""

    def __init__(self, original_args, session):
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self):
        return self._original_args

    @property
    def session(self):
        return self._session

    @property
    def stop_requested(self):
        return self._stop_requested

    def request_stop(self):
        """Makes should_stop() true once this run's hooks are done."""
        self._stop_requested = True


class SessionRunValues(collections.namedtuple("SessionRunValues",
                                              ["results", "options", "run_metadata"])):
    """A hook's share of a run: the values of its fetches (None if it asked for none), the
    merged RunOptions and the RunMetadata."""
