"""tf.train.MonitoredTrainingSession, MonitoredSession, SingularMonitoredSession, Scaffold and
the session creators (TF 1.15's API and rules).

A MonitoredSession calls its hooks' begin(), has its session creator finalize the Scaffold
(filling in the init/ready/local-init/summary ops and the Saver, then finalizing the graph)
and make a session restored from the latest checkpoint in checkpoint_dir or else initialized,
then calls the hooks' after_create_session. Its run() wraps Session.run with every hook's
before_run/after_run; should_stop() turns true once a hook or the coordinator asks. Closing it
(or leaving its `with` block) calls the hooks' end() unless an error is escaping, then closes
the session; an OutOfRangeError or StopIteration leaving the `with` block is the normal end
of the input and is suppressed.

The session layers are TF's: _RecoverableSession (MonitoredSession only) re-creates the session
after an AbortedError or UnavailableError, around _CoordinatedSession (the coordinator: queue
runner threads, exceptions they report), around _HookedSession (the hooks), around the
tf.Session.
"""

import inspect
import logging
import sys

from minitf import errors
from minitf.framework.graph import GraphKeys, get_default_graph
from minitf.ops import variables as variables_module
from minitf.ops.control_ops import group
from minitf.ops.lookup_ops import tables_initializer
from minitf.protos.config_pb2 import RunMetadata, RunOptions
from minitf.summary.summary_ops import merge_all
from minitf.train.basic_session_run_hooks import (CheckpointSaverHook, StepCounterHook,
                                                  SummarySaverHook)
from minitf.train.coordinator import Coordinator
from minitf.train.queue_runner import start_queue_runners
from minitf.train.saver import _get_saver_or_default
from minitf.train.session_manager import SessionManager
from minitf.train.session_run_hook import SessionRunArgs, SessionRunContext, SessionRunValues

__all__ = ["Scaffold", "SessionCreator", "ChiefSessionCreator", "WorkerSessionCreator",
           "MonitoredSession", "SingularMonitoredSession", "MonitoredTrainingSession"]

_logger = logging.getLogger("minitf")

# The errors after which a MonitoredSession makes a new session instead of failing.
_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)

USE_DEFAULT = object()


class Scaffold:
    """The ops and Saver a MonitoredSession needs to initialize, check and save a model;
    finalize() fills in each one not given from its graph collection or TF's default:

    init_op: global_variables_initializer (INIT_OP); ready_op: report_uninitialized_variables
    (READY_OP); ready_for_local_init_op: the uninitialized global variables
    (READY_FOR_LOCAL_INIT_OP); local_init_op: local_variables_initializer (LOCAL_INIT_OP);
    summary_op: merge_all (SUMMARY_OP, None when there are no summaries); saver: the one in the
    SAVERS collection, or a Saver over the global variables. `init_fn(scaffold, session)` runs
    after init_op. `copy_from_scaffold` supplies every argument left None."""

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None, saver=None,
                 copy_from_scaffold=None, local_init_feed_dict=None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            c = copy_from_scaffold

            def coalesce(a, b):
                return a if a is not None else b
            init_op = coalesce(init_op, c.init_op)
            init_feed_dict = coalesce(init_feed_dict, c.init_feed_dict)
            init_fn = coalesce(init_fn, c._user_init_fn)
            ready_op = coalesce(ready_op, c.ready_op)
            ready_for_local_init_op = coalesce(ready_for_local_init_op,
                                               c.ready_for_local_init_op)
            local_init_op = coalesce(local_init_op, c.local_init_op)
            local_init_feed_dict = coalesce(local_init_feed_dict, c.local_init_feed_dict)
            summary_op = coalesce(summary_op, c.summary_op)
            saver = coalesce(saver, c.saver)
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._local_init_feed_dict = local_init_feed_dict
        self._summary_op = summary_op
        self._saver = saver

    def finalize(self):
        """Creates the missing ops and the Saver, then finalizes the default graph."""
        if self._init_op is None:
            self._init_op = Scaffold.get_or_default(
                "init_op", GraphKeys.INIT_OP, variables_module.global_variables_initializer)
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default(
                "ready_op", GraphKeys.READY_OP,
                variables_module.report_uninitialized_variables)
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op", GraphKeys.READY_FOR_LOCAL_INIT_OP,
                lambda: variables_module.report_uninitialized_variables(
                    variables_module.global_variables()))
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default(
                "local_init_op", GraphKeys.LOCAL_INIT_OP, Scaffold.default_local_init_op)
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default("summary_op", GraphKeys.SUMMARY_OP,
                                                       merge_all)
        if self._saver is None:
            self._saver = _get_saver_or_default()
        self._saver.build()
        get_default_graph().finalize()
        _logger.info("Graph was finalized.")
        return self

    @property
    def init_fn(self):
        return self._init_fn

    @property
    def init_op(self):
        return self._init_op

    @property
    def ready_op(self):
        return self._ready_op

    @property
    def ready_for_local_init_op(self):
        return self._ready_for_local_init_op

    @property
    def local_init_op(self):
        return self._local_init_op

    @property
    def local_init_feed_dict(self):
        return self._local_init_feed_dict

    @property
    def summary_op(self):
        return self._summary_op

    @property
    def saver(self):
        return self._saver

    @property
    def init_feed_dict(self):
        return self._init_feed_dict

    @staticmethod
    def get_or_default(arg_name, collection_key, default_constructor):
        """The one op in `collection_key`, or `default_constructor()` added to it."""
        elements = get_default_graph().get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                # (TF passes the format arguments to RuntimeError unformatted; so does this)
                raise RuntimeError('More than one item in the collection "%s". Please indicate '
                                   'which one to use by passing it to the tf.Scaffold '
                                   'constructor as:  tf.Scaffold(%s=item to use)',
                                   collection_key, arg_name)
            return elements[0]
        op = default_constructor()
        if op is not None:
            get_default_graph().add_to_collection(collection_key, op)
        return op

    @staticmethod
    def default_local_init_op():
        """Initializes the local variables and the lookup tables (TF's group of both)."""
        return group(variables_module.local_variables_initializer(), tables_initializer())


# --------------------------------------------------------------------------------------------
# The session creators: a SessionManager (session_manager.py) restores or initializes
# --------------------------------------------------------------------------------------------

class SessionCreator:
    """Makes the tf.Session a MonitoredSession runs (subclasses define create_session)."""

    def create_session(self):
        raise NotImplementedError("create_session is not implemented for %s." % self)


class ChiefSessionCreator(SessionCreator):
    """Finalizes `scaffold` and makes a session restored from `checkpoint_filename_with_path`
    or the latest checkpoint in `checkpoint_dir`, or else initialized by the scaffold."""

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config

    def create_session(self):
        self._scaffold.finalize()
        return _session_manager(self._scaffold).prepare_session(
            self._master, saver=self._scaffold.saver, checkpoint_dir=self._checkpoint_dir,
            checkpoint_filename_with_path=self._checkpoint_filename_with_path,
            config=self._config, **_init_arguments(self._scaffold))


class WorkerSessionCreator(SessionCreator):
    """A non-chief's session creator. In TF it waits (up to max_wait_secs) for the chief to
    initialize the variables its session shares; a minitf session shares no variables with
    another, so the worker initializes its own session (it never restores a checkpoint)."""

    def __init__(self, scaffold=None, master="", config=None, max_wait_secs=30 * 60):
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs

    def create_session(self):
        self._scaffold.finalize()
        return _session_manager(self._scaffold).prepare_session(
            self._master, config=self._config, **_init_arguments(self._scaffold))


def _session_manager(scaffold):
    """The SessionManager of a finalized Scaffold's local init and ready ops."""
    return SessionManager(local_init_op=scaffold.local_init_op,
                          local_init_feed_dict=scaffold.local_init_feed_dict,
                          ready_for_local_init_op=scaffold.ready_for_local_init_op,
                          ready_op=scaffold.ready_op, graph=get_default_graph())


def _init_arguments(scaffold):
    return dict(init_op=scaffold.init_op, init_feed_dict=scaffold.init_feed_dict,
                init_fn=scaffold.init_fn)


# --------------------------------------------------------------------------------------------
# The session layers
# --------------------------------------------------------------------------------------------

class _WrappedSession:
    """A session around another one; should_stop is true once this layer or the one inside
    (if a _WrappedSession) asks."""

    def __init__(self, sess):
        self._sess = sess
        self._wrapped_is_stoppable = isinstance(sess, _WrappedSession)

    @property
    def graph(self):
        return self._sess.graph

    @property
    def sess_str(self):
        return self._sess.sess_str

    def should_stop(self):
        if self._check_stop():
            return True
        if self._sess:
            return self._wrapped_is_stoppable and self._sess.should_stop()
        return True

    def _check_stop(self):
        raise NotImplementedError

    def close(self):
        if self._sess:
            try:
                self._sess.close()
            except _PREEMPTION_ERRORS as e:
                _logger.error("An error occurred when attempting to close the session. This may "
                              "be due to a preemption in a connected worker or parameter "
                              "server. Error: %s", e)
            finally:
                self._sess = None

    def run(self, *args, **kwargs):
        return self._sess.run(*args, **kwargs)

    def run_step_fn(self, step_fn, raw_session, run_with_hooks):
        run_with_hooks = run_with_hooks or self.run
        return step_fn(_StepContext(raw_session, run_with_hooks))


class _HookedSession(_WrappedSession):
    """Runs every hook's before_run and after_run around each run, merging their fetches,
    feeds and options into the caller's."""

    def __init__(self, sess, hooks):
        super().__init__(sess)
        self._hooks = hooks
        self._should_stop = False

    def _check_stop(self):
        return self._should_stop

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self.should_stop():
            raise RuntimeError("Run called even after should_stop requested.")
        # Keyed by the hooks themselves: a dict fetch maps each key to its own structure.
        actual_fetches = {"caller": fetches}
        run_context = SessionRunContext(original_args=SessionRunArgs(fetches, feed_dict),
                                        session=self._sess)
        options = options or RunOptions()
        feed_dict = self._call_hook_before_run(run_context, actual_fetches, feed_dict, options)
        run_metadata = run_metadata or RunMetadata()
        outputs = _WrappedSession.run(self, fetches=actual_fetches, feed_dict=feed_dict,
                                      options=options, run_metadata=run_metadata)
        for hook in self._hooks:
            hook.after_run(run_context, SessionRunValues(
                results=outputs[hook] if hook in outputs else None, options=options,
                run_metadata=run_metadata))
        self._should_stop = self._should_stop or run_context.stop_requested
        return outputs["caller"]

    def _call_hook_before_run(self, run_context, fetch_dict, user_feed_dict, options):
        hook_feeds = {}
        for hook in self._hooks:
            request = hook.before_run(run_context)
            if request is None:
                continue
            if request.fetches is not None:
                fetch_dict[hook] = request.fetches
            if request.feed_dict:
                _raise_if_feeds_intersect(hook_feeds, request.feed_dict,
                                          "Same tensor is fed by two hooks.")
                hook_feeds.update(request.feed_dict)
            if request.options:
                _merge_run_options(options, request.options)
        if not hook_feeds:
            return user_feed_dict
        if not user_feed_dict:
            return hook_feeds
        _raise_if_feeds_intersect(user_feed_dict, hook_feeds,
                                  "Same tensor is fed by a SessionRunHook and user.")
        hook_feeds.update(user_feed_dict)
        return hook_feeds


def _raise_if_feeds_intersect(feeds1, feeds2, message):
    intersection = set(feeds1.keys()) & set(feeds2.keys())
    if intersection:
        raise RuntimeError(message + " Conflict(s): " + str(list(intersection)))


def _merge_run_options(options, incoming):
    """TF's merge: the larger trace level, timeout and thread pool; either's flags."""
    options.trace_level = max(options.trace_level, incoming.trace_level)
    options.timeout_in_ms = max(options.timeout_in_ms, incoming.timeout_in_ms)
    options.inter_op_thread_pool = max(options.inter_op_thread_pool,
                                       incoming.inter_op_thread_pool)
    options.output_partition_graphs = (options.output_partition_graphs
                                       or incoming.output_partition_graphs)
    options.report_tensor_allocations_upon_oom = (
        options.report_tensor_allocations_upon_oom
        or incoming.report_tensor_allocations_upon_oom)


class _CoordinatedSession(_WrappedSession):
    """Stops when the coordinator is asked to, re-raising an exception a thread reported;
    close() stops and joins the coordinator's threads first."""

    def __init__(self, sess, coord, stop_grace_period_secs=120):
        super().__init__(sess)
        self._coord = coord
        self._stop_grace_period_secs = stop_grace_period_secs

    def _check_stop(self):
        self._coord.raise_requested_exception()
        return self._coord.should_stop()

    def close(self):
        self._coord.request_stop()
        try:
            self._coord.join(stop_grace_period_secs=self._stop_grace_period_secs,
                             ignore_live_threads=True)
        finally:
            try:
                _WrappedSession.close(self)
            except Exception:  # join() already raised what matters
                pass

    def run(self, *args, **kwargs):
        try:
            return self._sess.run(*args, **kwargs)
        except _PREEMPTION_ERRORS:
            raise
        except Exception:
            # A thread's preemption error is the root cause of the run's error: raise that.
            original = sys.exc_info()
            try:
                self._coord.raise_requested_exception()
            except _PREEMPTION_ERRORS:
                raise
            except Exception:
                pass
            raise original[1].with_traceback(original[2])


class _RecoverableSession(_WrappedSession):
    """Makes a new session (with `sess_creator`) when the current one fails with an
    AbortedError or UnavailableError, and runs again."""

    def __init__(self, sess_creator):
        self._sess_creator = sess_creator
        super().__init__(self._create_session())

    def _create_session(self):
        while True:
            try:
                return self._sess_creator.create_session()
            except _PREEMPTION_ERRORS as e:
                _logger.info("An error was raised while a session was being created. This may "
                             "be due to a preemption of a connected worker or parameter "
                             "server. A new session will be created. Error: %s", e)

    def _check_stop(self):
        try:
            if self._sess:
                return self._sess._check_stop()
            return True
        except _PREEMPTION_ERRORS as e:
            _logger.info("An error was raised while considering whether the session is "
                         "complete. A new session will be created. Error: %s", e)
            self.close()
            self._sess = self._create_session()
            return False
        except Exception:
            return True  # should_stop reports instead of raising

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        while True:
            try:
                if not self._sess:
                    self._sess = self._create_session()
                return self._sess.run(fetches, feed_dict=feed_dict, options=options,
                                      run_metadata=run_metadata)
            except _PREEMPTION_ERRORS as e:
                _logger.info("An error was raised. This may be due to a preemption in a "
                             "connected worker or parameter server. The current session will "
                             "be closed and a new session will be created. Error: %s", e)
                self.close()
                self._sess = None

    def run_step_fn(self, step_fn, raw_session, run_with_hooks):
        while True:
            try:
                if not self._sess:
                    self._sess = self._create_session()
                run_with_hooks = self._sess.run
                return self._sess.run_step_fn(step_fn, self._sess_creator.tf_sess,
                                              run_with_hooks)
            except _PREEMPTION_ERRORS as e:
                _logger.info("An error was raised. A new session will be created. Error: %s", e)
                self.close()
                self._sess = None


class _StepContext:
    """What run_step_fn's step_fn gets: the raw session, run_with_hooks (a run with the hooks
    around it) and request_stop (which ends the step by raising StopIteration)."""

    def __init__(self, session, run_with_hooks_fn):
        self._session = session
        self._run_with_hooks_fn = run_with_hooks_fn

    @property
    def session(self):
        return self._session

    def run_with_hooks(self, *args, **kwargs):
        return self._run_with_hooks_fn(*args, **kwargs)

    def request_stop(self):
        raise StopIteration("step_fn has requested the iterations to stop.")


class _CoordinatedSessionCreator(SessionCreator):
    """Makes the session with `session_creator`, starts the queue runners under a new
    coordinator, and calls the hooks' after_create_session."""

    def __init__(self, session_creator, hooks, stop_grace_period_secs):
        self._session_creator = session_creator
        self._hooks = hooks
        self.coord = None
        self.tf_sess = None
        self._stop_grace_period_secs = stop_grace_period_secs

    def create_session(self):
        self.tf_sess = self._session_creator.create_session()
        # (no clean-stop exceptions: every error a thread reports reaches run())
        self.coord = Coordinator(clean_stop_exception_types=[])
        if self.tf_sess.graph.get_collection(GraphKeys.QUEUE_RUNNERS):
            start_queue_runners(sess=self.tf_sess, coord=self.coord)
        for hook in self._hooks:
            hook.after_create_session(self.tf_sess, self.coord)
        return _CoordinatedSession(_HookedSession(self.tf_sess, self._hooks), self.coord,
                                   self._stop_grace_period_secs)


class _MonitoredSession:
    """The shared part of MonitoredSession and SingularMonitoredSession."""

    StepContext = _StepContext

    def __init__(self, session_creator, hooks, should_recover, stop_grace_period_secs=120):
        self._graph_was_finalized = get_default_graph().finalized
        self._hooks = hooks or []
        for hook in self._hooks:
            hook.begin()
        self._coordinated_creator = _CoordinatedSessionCreator(
            session_creator=session_creator or ChiefSessionCreator(), hooks=self._hooks,
            stop_grace_period_secs=stop_grace_period_secs)
        if should_recover:
            self._sess = _RecoverableSession(self._coordinated_creator)
        else:
            self._sess = self._coordinated_creator.create_session()

    @property
    def graph(self):
        return self._tf_sess().graph

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Session.run with every hook's before_run and after_run around it."""
        return self._sess.run(fetches, feed_dict=feed_dict, options=options,
                              run_metadata=run_metadata)

    def run_step_fn(self, step_fn):
        """Calls `step_fn(step_context)` and returns its value; the step runs with
        step_context.run_with_hooks (or the raw step_context.session), and ends the loop with
        step_context.request_stop()."""
        args = tuple(inspect.signature(step_fn).parameters)
        if inspect.ismethod(step_fn):
            args = ("self",) + args
        if args != ("step_context",) and args != ("self", "step_context"):
            raise ValueError("`step_fn` may either have one `step_context` argument, or `self` "
                             "and `step_context` arguments if it's an instance method. Got {} "
                             "instead.".format(args))
        return self._sess.run_step_fn(step_fn, self._tf_sess(), run_with_hooks=None)

    def should_stop(self):
        return self._sess is None or self._sess.should_stop()

    def close(self):
        self._close_internal()

    def __enter__(self):
        return self

    def __exit__(self, exception_type, exception_value, traceback):
        # (exact classes, as TF: the end of the input, not an error)
        if exception_type in (errors.OutOfRangeError, StopIteration):
            exception_type = None
        self._close_internal(exception_type)
        return exception_type is None

    def _close_internal(self, exception_type=None):
        try:
            if not exception_type:
                for hook in self._hooks:
                    hook.end(self._coordinated_creator.tf_sess)
        finally:
            try:
                if self._sess is None:
                    raise RuntimeError("Session is already closed.")
                self._sess.close()
            finally:
                self._sess = None
                self._coordinated_creator.tf_sess = None
                self._coordinated_creator.coord = None
                if not self._graph_was_finalized:
                    get_default_graph()._unsafe_unfinalize()

    def _is_closed(self):
        return self._sess is None

    def _tf_sess(self):
        return self._coordinated_creator.tf_sess


class MonitoredSession(_MonitoredSession):
    """A session that initializes or restores itself (through `session_creator`, default
    ChiefSessionCreator()), runs `hooks` around every run, and recovers from AbortedError and
    UnavailableError by making a new session.

        with tf.train.MonitoredSession(hooks=[tf.train.StopAtStepHook(last_step=1000)]) as sess:
            while not sess.should_stop():
                sess.run(train_op)
    """

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        super().__init__(session_creator, hooks, should_recover=True,
                         stop_grace_period_secs=stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSession):
    """A MonitoredSession made by a ChiefSessionCreator with these arguments, that does not
    recover from errors; raw_session() is its tf.Session."""

    def __init__(self, hooks=None, scaffold=None, master="", config=None, checkpoint_dir=None,
                 stop_grace_period_secs=120, checkpoint_filename_with_path=None):
        session_creator = ChiefSessionCreator(
            scaffold=scaffold, master=master, config=config, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(session_creator, hooks, should_recover=False,
                         stop_grace_period_secs=stop_grace_period_secs)

    def raw_session(self):
        return self._tf_sess()


def steps_or_secs(steps, secs, defaults):
    """TF's rule for a period given in steps or seconds: both left at USE_DEFAULT give
    `defaults` (steps, secs); giving one leaves the other None."""
    if steps is USE_DEFAULT and secs is USE_DEFAULT:
        return defaults
    return (None if steps is USE_DEFAULT else steps), (None if secs is USE_DEFAULT else secs)


def MonitoredTrainingSession(master="", is_chief=True, checkpoint_dir=None, scaffold=None,
                             hooks=None, chief_only_hooks=None, save_checkpoint_secs=USE_DEFAULT,
                             save_summaries_steps=USE_DEFAULT, save_summaries_secs=USE_DEFAULT,
                             config=None, stop_grace_period_secs=120, log_step_count_steps=100,
                             max_wait_secs=7200, save_checkpoint_steps=USE_DEFAULT,
                             summary_dir=None):
    """A MonitoredSession for training, with TF's default hooks on the chief.

    The chief restores the latest checkpoint in `checkpoint_dir` (else initializes) and runs,
    in this order, `chief_only_hooks`, a StepCounterHook (every `log_step_count_steps`) and a
    SummarySaverHook (every `save_summaries_steps`, default 100, or `save_summaries_secs`) when
    there is a `summary_dir` (default: checkpoint_dir), a CheckpointSaverHook (every
    `save_checkpoint_secs`, default 600, or `save_checkpoint_steps`) when there is a
    checkpoint_dir, then `hooks`. A non-chief (is_chief=False) runs only `hooks`."""
    save_summaries_steps, save_summaries_secs = steps_or_secs(
        save_summaries_steps, save_summaries_secs, (100, None))
    save_checkpoint_steps, save_checkpoint_secs = steps_or_secs(
        save_checkpoint_steps, save_checkpoint_secs, (None, 600))
    scaffold = scaffold or Scaffold()
    if not is_chief:
        return MonitoredSession(
            session_creator=WorkerSessionCreator(scaffold=scaffold, master=master, config=config,
                                                 max_wait_secs=max_wait_secs),
            hooks=hooks or [], stop_grace_period_secs=stop_grace_period_secs)
    all_hooks = list(chief_only_hooks or [])
    session_creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir,
                                          master=master, config=config)
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(StepCounterHook(output_dir=summary_dir,
                                             every_n_steps=log_step_count_steps))
        if (save_summaries_steps and save_summaries_steps > 0) or \
                (save_summaries_secs and save_summaries_secs > 0):
            all_hooks.append(SummarySaverHook(scaffold=scaffold, save_steps=save_summaries_steps,
                                              save_secs=save_summaries_secs,
                                              output_dir=summary_dir))
    if checkpoint_dir:
        if (save_checkpoint_secs and save_checkpoint_secs > 0) or \
                (save_checkpoint_steps and save_checkpoint_steps > 0):
            all_hooks.append(CheckpointSaverHook(checkpoint_dir, save_steps=save_checkpoint_steps,
                                                 save_secs=save_checkpoint_secs,
                                                 scaffold=scaffold))
    if hooks:
        all_hooks.extend(hooks)
    return MonitoredSession(session_creator=session_creator, hooks=all_hooks,
                            stop_grace_period_secs=stop_grace_period_secs)
