"""tf.train.SessionManager: makes a session restored from a checkpoint or else initialized,
checks that the model is ready, and waits for one another process made ready (TF 1.15's API).

The session creators of MonitoredSession and the Supervisor make their sessions with it.
"""

import logging
import time

import numpy as np

from minitf import errors
from minitf.client.session import Session
from minitf.framework.graph import get_default_graph
from minitf.train import checkpoint_state

__all__ = ["SessionManager"]

_logger = logging.getLogger("minitf")


class SessionManager:
    """Makes ready sessions for a graph. `ready_op` (a report_uninitialized_variables op, say)
    must report nothing once a session is ready; `local_init_op` runs in every new session
    once `ready_for_local_init_op` reports nothing (with `local_init_feed_dict` and
    `local_init_run_options`); `recovery_wait_secs` is how long wait_for_session and a
    wait_for_checkpoint sleep between looks."""

    def __init__(self, local_init_op=None, ready_op=None, ready_for_local_init_op=None,
                 graph=None, recovery_wait_secs=30, local_init_run_options=None,
                 local_init_feed_dict=None):
        if ready_for_local_init_op is not None and local_init_op is None:
            raise ValueError("If you pass a ready_for_local_init_op you must also pass a "
                             "local_init_op , ready_for_local_init_op [%s]"
                             % ready_for_local_init_op)
        self._local_init_op = local_init_op
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._graph = graph if graph is not None else get_default_graph()
        self._recovery_wait_secs = recovery_wait_secs
        self._local_init_run_options = local_init_run_options
        self._local_init_feed_dict = local_init_feed_dict

    def prepare_session(self, master, init_op=None, saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None, init_feed_dict=None, init_fn=None):
        """A new session restored with `saver` from `checkpoint_filename_with_path` or the
        latest checkpoint in `checkpoint_dir` (waiting up to `max_wait_secs` for one when
        `wait_for_checkpoint`), or else initialized by `init_op` (fed `init_feed_dict`) and
        then `init_fn(sess)`; then the local init op. RuntimeError if the model is then not
        ready, or nothing could initialize it."""
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir, checkpoint_filename_with_path, wait_for_checkpoint,
            max_wait_secs, config)
        if not restored:
            if init_op is None and not init_fn and self._local_init_op is None:
                raise RuntimeError("Model is not initialized and no init_op or init_fn or "
                                   "local_init_op was given")
            if init_op is not None:
                sess.run(init_op, feed_dict=init_feed_dict)
            if init_fn:
                init_fn(sess)
        ok, msg = self._try_run_local_init_op(sess)
        if not ok:
            raise RuntimeError("Init operations did not make model ready for local_init.  "
                               "Init op: %s, init fn: %s, error: %s"
                               % (_name(init_op), init_fn, msg))
        ok, msg = _ready(self._ready_op, sess, "Model not ready")
        if not ok:
            raise RuntimeError("Init operations did not make model ready.  Init op: %s, init fn: "
                               "%s, local_init_op: %s, error: %s"
                               % (_name(init_op), init_fn, self._local_init_op, msg))
        return sess

    def recover_session(self, master, saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None):
        """(session, True) when a checkpoint restored the model to ready (after the local
        init op); else (session, False): a session left for the caller to initialize."""
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir, checkpoint_filename_with_path, wait_for_checkpoint,
            max_wait_secs, config)
        local_ok, msg = self._try_run_local_init_op(sess)
        if not restored:
            return sess, False
        source = checkpoint_dir or checkpoint_filename_with_path
        if not local_ok:
            _logger.info("Restoring model from %s did not make model ready for local init: %s",
                         source, msg)
            return sess, False
        ok, msg = _ready(self._ready_op, sess, "Model not ready")
        if not ok:
            _logger.info("Restoring model from %s did not make model ready: %s", source, msg)
            return sess, False
        _logger.info("Restored model from %s", source)
        return sess, True

    def wait_for_session(self, master, config=None, max_wait_secs=float("Inf")):
        """A new session once the model is ready in it (the local init op run), trying again
        every recovery_wait_secs; DeadlineExceededError when the next try would come after
        `max_wait_secs`. (In TF another process initializes the variables a new session
        shares; a minitf session shares none, so only a model with nothing to initialize
        beyond the local init op is ever ready here.)"""
        if max_wait_secs is None:
            max_wait_secs = float("Inf")
        deadline = time.monotonic() + max_wait_secs
        while True:
            sess = Session(master, graph=self._graph, config=config)
            not_ready = None
            local_ok, local_msg = self._try_run_local_init_op(sess)
            if local_ok:
                ready, not_ready = _ready(self._ready_op, sess, "Model not ready")
                if ready:
                    return sess
            try:
                sess.close()
            except Exception:  # closing a session that never became ready
                pass
            if deadline - time.monotonic() - self._recovery_wait_secs < 0:
                raise errors.DeadlineExceededError(
                    None, None, "Session was not ready after waiting %d secs." % max_wait_secs)
            _logger.info("Waiting for model to be ready.  Ready_for_local_init_op:  %s, "
                         "ready: %s", local_msg, not_ready)
            time.sleep(self._recovery_wait_secs)

    def _restore_checkpoint(self, master, saver, checkpoint_dir, checkpoint_filename_with_path,
                            wait_for_checkpoint, max_wait_secs, config):
        """(a new session, whether a checkpoint was restored into it)."""
        sess = Session(master, graph=self._graph, config=config)
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Can not provide both checkpoint_dir and "
                             "checkpoint_filename_with_path.")
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return sess, False
        if checkpoint_filename_with_path:
            saver.restore(sess, checkpoint_filename_with_path)
            return sess, True
        waited = 0
        ckpt = checkpoint_state.get_checkpoint_state(checkpoint_dir)
        while not ckpt or not ckpt.model_checkpoint_path:
            if not (wait_for_checkpoint and waited < max_wait_secs):
                return sess, False
            _logger.info("Waiting for checkpoint to be available.")
            time.sleep(self._recovery_wait_secs)
            waited += self._recovery_wait_secs
            ckpt = checkpoint_state.get_checkpoint_state(checkpoint_dir)
        saver.restore(sess, ckpt.model_checkpoint_path)
        saver.recover_last_checkpoints(ckpt.all_model_checkpoint_paths)
        return sess, True

    def _try_run_local_init_op(self, sess):
        """(True, None) after running the local init op (or when there is none); (False, why)
        when ready_for_local_init_op says the model is not ready for it."""
        if self._local_init_op is None:
            return True, None
        ok, msg = _ready(self._ready_for_local_init_op, sess, "Model not ready for local init")
        if not ok:
            return False, msg
        _logger.info("Running local_init_op.")
        sess.run(self._local_init_op, feed_dict=self._local_init_feed_dict,
                 options=self._local_init_run_options)
        _logger.info("Done running local_init_op.")
        return True, None


def _ready(op, sess, msg):
    """(True, None) if `op` reports nothing uninitialized, else (False, why)."""
    if op is None:
        return True, None
    try:
        value = sess.run(op)
    except errors.FailedPreconditionError as e:
        if "uninitialized" not in str(e):
            _logger.warning("%s : error [%s]", msg, e)
            raise
        return False, str(e)
    if value is None or value.dtype == np.int32 or value.size == 0:
        return True, None
    names = ", ".join(v.decode("utf-8") if isinstance(v, bytes) else str(v)
                      for v in value.reshape(-1))
    return False, "Variables not initialized: " + names


def _name(op):
    return op.name if op is not None else None
