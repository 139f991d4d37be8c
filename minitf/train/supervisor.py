"""tf.train.Supervisor, TF1's training wrapper before MonitoredTrainingSession (TF 1.15's API):
a SessionManager, a Coordinator, and on the chief the background services that write
summaries, the steps per second and checkpoints to `logdir` every so many seconds.

    sv = tf.train.Supervisor(logdir=path)
    with sv.managed_session() as sess:
        while not sv.should_stop():
            sess.run(train_op)

Building the Supervisor fills in what was not given from the graph's collections or TF's
defaults (init op, ready op, local init op, Saver, merged summaries, global step) and
finalizes the graph. managed_session() restores the latest checkpoint in logdir or else
initializes, writes the graph, starts the services (each a LooperThread, calling at once and
then every save_summaries_secs / save_model_secs) and the queue runners; leaving it stops and
joins the threads, writes a STOP SessionLog and closes the summary writer. An exception from
the block is re-raised then, except OutOfRangeError (the end of the input), which ends the
block quietly. As in TF, leaving it does not save a checkpoint: the loop calls
sv.saver.save(...) itself, or the service saved the last one save_model_secs ago.
"""

import contextlib
import logging
import os
import time

from tensorboardX.proto.event_pb2 import SessionLog
from tensorboardX.proto.summary_pb2 import Summary

from minitf import dtypes, errors
from minitf.framework import meta_graph
from minitf.framework.graph import GraphKeys, get_default_graph
from minitf.framework.graph_io import write_graph
from minitf.ops import variables as variables_module
from minitf.summary.summary_ops import merge_all
from minitf.summary.writer import FileWriter
from minitf.train import training_util
from minitf.train.coordinator import Coordinator, LooperThread
from minitf.train.monitored_session import Scaffold
from minitf.train.saver import Saver
from minitf.train.session_manager import SessionManager

__all__ = ["Supervisor", "basic_train_loop"]

_logger = logging.getLogger("minitf")


class Supervisor:
    """A session manager, coordinator and background services for one training program;
    each USE_DEFAULT argument is filled in from the graph (see the module's docstring), and
    None turns that part off. Only the chief (`is_chief`) writes to `logdir`: summaries
    every `save_summaries_secs`, checkpoints `logdir/checkpoint_basename-STEP` every
    `save_model_secs` (0 or None: never)."""

    USE_DEFAULT = 0

    def __init__(self, graph=None, ready_op=USE_DEFAULT, ready_for_local_init_op=USE_DEFAULT,
                 is_chief=True, init_op=USE_DEFAULT, init_feed_dict=None,
                 local_init_op=USE_DEFAULT, logdir=None, summary_op=USE_DEFAULT,
                 saver=USE_DEFAULT, global_step=USE_DEFAULT, save_summaries_secs=120,
                 save_model_secs=600, recovery_wait_secs=30, stop_grace_secs=120,
                 checkpoint_basename="model.ckpt", session_manager=None,
                 summary_writer=USE_DEFAULT, init_fn=None, local_init_run_options=None):
        graph = graph if graph is not None else get_default_graph()
        with graph.as_default():
            self._ready_op = _or_default(ready_op, GraphKeys.READY_OP,
                                         variables_module.report_uninitialized_variables)
            self._ready_for_local_init_op = _or_default(
                ready_for_local_init_op, GraphKeys.READY_FOR_LOCAL_INIT_OP, lambda: None)
            self._init_op = _or_default(init_op, GraphKeys.INIT_OP,
                                        variables_module.global_variables_initializer)
            self._init_feed_dict = init_feed_dict
            self._local_init_op = _or_default(local_init_op, GraphKeys.LOCAL_INIT_OP,
                                              Scaffold.default_local_init_op)
            self._saver = _or_default(
                saver, GraphKeys.SAVERS,
                lambda: Saver() if variables_module.global_variables() else None)
            self._summary_op = _or_default(summary_op, GraphKeys.SUMMARY_OP, merge_all)
            self._global_step = _or_default(global_step, GraphKeys.GLOBAL_STEP,
                                            _default_global_step_tensor)
        self._graph = graph
        self._meta_graph_def = meta_graph.create_meta_graph_def(
            graph=graph, saver_def=self._saver.saver_def if self._saver else None)
        self._is_chief = is_chief
        self._coord = Coordinator()
        self._recovery_wait_secs = recovery_wait_secs
        self._stop_grace_secs = stop_grace_secs
        self._init_fn = init_fn
        self._local_init_run_options = local_init_run_options
        self._logdir = self._save_summaries_secs = self._save_model_secs = None
        self._save_path = self._summary_writer = None
        if is_chief:
            self._logdir = logdir
            self._save_summaries_secs = save_summaries_secs
            self._save_model_secs = save_model_secs
            if logdir:
                self._save_path = os.path.join(logdir, checkpoint_basename)
            if summary_writer is Supervisor.USE_DEFAULT:
                if logdir:
                    self._summary_writer = FileWriter(logdir)
            else:
                self._summary_writer = summary_writer
            self._graph_added_to_summary = False
        self._session_manager = session_manager or SessionManager(
            local_init_op=self._local_init_op, ready_op=self._ready_op,
            ready_for_local_init_op=self._ready_for_local_init_op, graph=graph,
            recovery_wait_secs=recovery_wait_secs,
            local_init_run_options=local_init_run_options)
        if not is_chief:
            for op in graph.get_operations():
                if op.type in ("Variable", "VariableV2") and not op.device:
                    raise ValueError("When using replicas, all Variables must have their "
                                     "device set: %s" % op)
        graph.finalize()

    # -- what it was built with ----------------------------------------------------------------
    @property
    def is_chief(self):
        return self._is_chief

    @property
    def session_manager(self):
        return self._session_manager

    @property
    def coord(self):
        """The Coordinator of the services, the queue runners and loop() threads."""
        return self._coord

    @property
    def init_op(self):
        return self._init_op

    @property
    def init_feed_dict(self):
        return self._init_feed_dict

    @property
    def ready_op(self):
        return self._ready_op

    @property
    def ready_for_local_init_op(self):
        return self._ready_for_local_init_op

    @property
    def summary_writer(self):
        return self._summary_writer

    @property
    def summary_op(self):
        return self._summary_op

    @property
    def save_summaries_secs(self):
        return self._save_summaries_secs

    @property
    def global_step(self):
        return self._global_step

    @property
    def saver(self):
        return self._saver

    @property
    def save_model_secs(self):
        return self._save_model_secs

    @property
    def save_path(self):
        return self._save_path

    # -- sessions ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def managed_session(self, master="", config=None, start_standard_services=True,
                        close_summary_writer=True):
        """A `with` block around a ready session (prepare_or_wait_for_session); on the way out
        the services stop, the writer closes (`close_summary_writer`) and the session closes.
        An exception from the block is re-raised after that, except OutOfRangeError."""
        sess = None
        try:
            sess = self.prepare_or_wait_for_session(
                master=master, config=config, start_standard_services=start_standard_services)
            yield sess
        except Exception as e:
            self.request_stop(e)  # stop() re-raises it, unless it is a clean stop
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                if sess is not None:
                    try:
                        sess.close()
                    except Exception:  # the error that matters is already on its way
                        pass

    def prepare_or_wait_for_session(self, master="", config=None, wait_for_checkpoint=False,
                                    max_wait_secs=7200, start_standard_services=True):
        """The chief's session restored from logdir's latest checkpoint or else initialized
        (then the graph written, and the services and queue runners started); a non-chief's
        from session_manager.wait_for_session."""
        self._coord.clear_stop()
        if self._summary_writer:
            self._summary_writer.reopen()
        if self._is_chief:
            sess = self._session_manager.prepare_session(
                master, init_op=self._init_op, saver=self._saver, checkpoint_dir=self._logdir,
                wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs,
                config=config, init_feed_dict=self._init_feed_dict, init_fn=self._init_fn)
            self._write_graph()
            if start_standard_services:
                _logger.info("Starting standard services.")
                self.start_standard_services(sess)
        else:
            sess = self._session_manager.wait_for_session(master, config=config,
                                                          max_wait_secs=max_wait_secs)
        if start_standard_services:
            _logger.info("Starting queue runners.")
            self.start_queue_runners(sess)
        return sess

    def _write_graph(self):
        if self._logdir:
            write_graph(self._graph.as_graph_def(add_shapes=True), self._logdir, "graph.pbtxt")
        if self._summary_writer and not self._graph_added_to_summary:
            self._summary_writer.add_graph(self._graph)
            self._summary_writer.add_meta_graph(self._meta_graph_def)
            self._graph_added_to_summary = True

    def start_standard_services(self, sess):
        """Writes a START SessionLog and starts the summary, steps-per-second and checkpoint
        threads (those with what they need: a summary op, a global step, a saver, a nonzero
        period); returns them. Only the chief may; without a logdir it does nothing."""
        if not self._is_chief:
            raise RuntimeError("Only chief supervisor can start standard services. Because "
                               "only chief supervisors can write events.")
        if not self._logdir:
            _logger.warning("Standard services need a 'logdir' passed to the SessionManager")
            return None
        if self._global_step is not None and self._summary_writer:
            step = training_util.global_step(sess, self._global_step)
            self._summary_writer.add_session_log(SessionLog(status=SessionLog.START), step)
        threads = []
        if self._save_summaries_secs and self._summary_writer:
            if self._summary_op is not None:
                threads.append(_SummaryThread(self, sess))
            if self._global_step is not None:
                threads.append(_StepCounterThread(self, sess))
        if self._saver and self._save_model_secs:
            threads.append(_CheckpointThread(self, sess))
        for t in threads:
            t.start()
        return threads

    def start_queue_runners(self, sess, queue_runners=None):
        """Starts the threads of `queue_runners` (default: the graph's QUEUE_RUNNERS) under
        this Supervisor's coordinator; returns them."""
        if queue_runners is None:
            queue_runners = self._graph.get_collection(GraphKeys.QUEUE_RUNNERS)
        threads = []
        for runner in queue_runners:
            threads.extend(runner.create_threads(sess, coord=self._coord, daemon=True,
                                                 start=True))
        return threads

    def loop(self, timer_interval_secs, target, args=None, kwargs=None):
        """A started LooperThread calling `target(*args, **kwargs)` every
        `timer_interval_secs` until the Supervisor stops."""
        return LooperThread.loop(self._coord, timer_interval_secs, target, args=args,
                                 kwargs=kwargs)

    # -- stopping ------------------------------------------------------------------------------
    def stop(self, threads=None, close_summary_writer=True, ignore_live_threads=False):
        """Requests a stop and joins the threads (stop_grace_secs each), re-raising an
        exception one of them, or request_stop, reported; then writes a STOP SessionLog and
        closes the summary writer (`close_summary_writer`)."""
        self._coord.request_stop()
        try:
            self._coord.join(threads, stop_grace_period_secs=self._stop_grace_secs,
                             ignore_live_threads=ignore_live_threads)
        finally:
            if close_summary_writer and self._summary_writer:
                self._summary_writer.add_session_log(SessionLog(status=SessionLog.STOP))
                self._summary_writer.close()
                self._graph_added_to_summary = False

    def request_stop(self, ex=None):
        self._coord.request_stop(ex=ex)

    def should_stop(self):
        return self._coord.should_stop()

    def stop_on_exception(self):
        return self._coord.stop_on_exception()

    def wait_for_stop(self):
        self._coord.wait_for_stop()

    def summary_computed(self, sess, summary, global_step=None):
        """Writes `summary` (what a summary op gave) at `global_step`, by default the global
        step's value in `sess`."""
        if not self._summary_writer:
            raise RuntimeError("Writing a summary requires a summary writer.")
        if global_step is None and self._global_step is not None:
            global_step = training_util.global_step(sess, self._global_step)
        self._summary_writer.add_summary(summary, global_step)


def _or_default(value, collection_key, make):
    """`value` unless it is USE_DEFAULT; then the first item in the collection, or what
    `make()` gives (added to the collection unless None)."""
    if value is not Supervisor.USE_DEFAULT:
        return value
    items = get_default_graph().get_collection(collection_key)
    if len(items) > 1:
        _logger.info("Found %d %s operations. Returning the first one.", len(items),
                     collection_key)
    if items:
        return items[0]
    value = make()
    if value is not None:
        get_default_graph().add_to_collection(collection_key, value)
    return value


def _default_global_step_tensor():
    """The graph's integer tensor 'global_step:0', if there is one."""
    try:
        step = get_default_graph().get_tensor_by_name("global_step:0")
    except (KeyError, ValueError):
        return None
    if step.dtype.base_dtype in (dtypes.int32, dtypes.int64):
        return step
    _logger.warning("Found 'global_step' is not an int type: %s", step.dtype)
    return None


class _SummaryThread(LooperThread):
    """Writes the summary op's value at the global step, every save_summaries_secs."""

    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self):
        if self._sv.global_step is not None:
            summary, step = self._sess.run([self._sv.summary_op, self._sv.global_step])
        else:
            summary, step = self._sess.run(self._sv.summary_op), None
        if self._sv.summary_writer:
            _logger.info("Recording summary at step %s.", step)
            self._sv.summary_writer.add_summary(summary, step)


class _StepCounterThread(LooperThread):
    """Writes `<global step op name>/sec`, the steps per second since its last call, every
    save_summaries_secs."""

    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess
        self._step_counter = sv.global_step
        self._summary_tag = "%s/sec" % self._step_counter.op.name
        self._last_time, self._last_step = 0.0, 0
        self._logged = 0

    def start_loop(self):
        self._last_time = time.time()
        self._last_step = training_util.global_step(self._sess, self._step_counter)

    def run_loop(self):
        step = training_util.global_step(self._sess, self._step_counter)
        added, self._last_step = step - self._last_step, step
        now = time.time()
        elapsed, self._last_time = now - self._last_time, now
        steps_per_sec = added / elapsed if elapsed > 0.0 else float("inf")
        if self._sv.summary_writer:
            self._sv.summary_writer.add_summary(Summary(value=[Summary.Value(
                tag=self._summary_tag, simple_value=steps_per_sec)]), step)
        if self._logged < 10:  # TF logs the first 10 only
            self._logged += 1
            _logger.info("%s: %g", self._summary_tag, steps_per_sec)


class _CheckpointThread(LooperThread):
    """Saves save_path-STEP (and a CHECKPOINT SessionLog) every save_model_secs."""

    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_model_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self):
        sv = self._sv
        _logger.info("Saving checkpoint to path %s", sv.save_path)
        sv.saver.save(self._sess, sv.save_path, global_step=sv.global_step)
        if sv.summary_writer and sv.global_step is not None:
            step = training_util.global_step(self._sess, sv.global_step)
            sv.summary_writer.add_session_log(
                SessionLog(status=SessionLog.CHECKPOINT, checkpoint_path=sv.save_path), step)


def basic_train_loop(supervisor, train_step_fn, args=None, kwargs=None, master=""):
    """tf.train.basic_train_loop: `train_step_fn(sess, *args, **kwargs)` in a managed session
    of `supervisor` until it should stop; a run that ends in AbortedError (TF: a restarted
    distributed server) starts over in a new managed session."""
    args = [] if args is None else args
    kwargs = {} if kwargs is None else kwargs
    while True:
        try:
            with supervisor.managed_session(master) as sess:
                while not supervisor.should_stop():
                    train_step_fn(sess, *args, **kwargs)
            return
        except errors.AbortedError:
            continue
