"""slim.evaluation: evaluate_once (run an eval op `num_evals` times on a checkpoint's variables,
then the final op) and evaluation_loop (the same on each new checkpoint of a directory), on a
tf.train.MonitoredSession, with the summaries written at the end of each evaluation."""

import time

from minitf import dtypes
from minitf import tf_logging as logging
from minitf.framework.graph import GraphKeys, get_default_graph
from minitf.ops.init_ops import zeros_initializer
from minitf.ops.state_ops import assign_add
from minitf.ops.variable_scope import get_variable
from minitf.summary import summary_ops as summary
from minitf.summary.writer import FileWriterCache
from minitf.train import training_util
from minitf.train.checkpoint_state import checkpoints_iterator
from minitf.train.monitored_session import ChiefSessionCreator, MonitoredSession, Scaffold
from minitf.train.saver import Saver
from minitf.train.session_run_hook import SessionRunArgs, SessionRunHook

__all__ = ["evaluate_once", "evaluation_loop", "get_or_create_eval_step"]

_USE_DEFAULT = 0


def get_or_create_eval_step():
    """The local int64 counter `eval_step` (tf.GraphKeys.EVAL_STEP) the evaluations count
    their runs in, created at the root of the graph on first use."""
    found = get_default_graph().get_collection(GraphKeys.EVAL_STEP)
    if len(found) > 1:
        raise ValueError("Multiple tensors added to tf.GraphKeys.EVAL_STEP")
    if found:
        return found[0]
    return get_variable(GraphKeys.EVAL_STEP, shape=[], dtype=dtypes.int64,
                        initializer=zeros_initializer(), trainable=False,
                        collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.EVAL_STEP])


class _StopAfterNEvals(SessionRunHook):
    """Stops the session once the eval step (updated by each run) reaches num_evals."""

    def __init__(self, num_evals, evals_completed):
        self._num_evals = num_evals
        self._evals_completed = evals_completed

    def before_run(self, run_context):
        return SessionRunArgs({"evals_completed": self._evals_completed})

    def after_run(self, run_context, run_values):
        done = run_values.results["evals_completed"]
        logging.info("Evaluation [%d/%d]", done, self._num_evals)
        if done >= self._num_evals:
            run_context.request_stop()


class _SummaryAtEnd(SessionRunHook):
    """Runs the summary op when the session ends and writes it to `log_dir` (the process's
    FileWriter for it) at the global step."""

    def __init__(self, log_dir, summary_op, feed_dict, global_step):
        self._log_dir, self._summary_op, self._feed_dict = log_dir, summary_op, feed_dict
        self._global_step = global_step

    def end(self, session):
        step = training_util.global_step(session, self._global_step)
        writer = FileWriterCache.get(self._log_dir)
        writer.add_summary(session.run(self._summary_op, self._feed_dict), step)
        writer.flush()


class _FinalOps(SessionRunHook):
    def __init__(self, final_ops, feed_dict):
        self._final_ops, self._feed_dict = final_ops, feed_dict
        self.final_ops_values = None

    def end(self, session):
        if self._final_ops is not None:
            self.final_ops_values = session.run(self._final_ops, self._feed_dict)


def _evaluation(checkpoint_paths, master, logdir, num_evals, initial_op, initial_op_feed_dict,
                init_fn, eval_op, eval_op_feed_dict, final_op, final_op_feed_dict, summary_op,
                summary_op_feed_dict, variables_to_restore, session_config, hooks,
                max_number_of_evaluations=None):
    """The evaluation of each checkpoint of `checkpoint_paths`; the final op's values of the
    last one."""
    if summary_op == _USE_DEFAULT:
        summary_op = summary.merge_all()
    eval_step = get_or_create_eval_step()
    all_hooks = []
    if eval_op is not None:
        update_eval_step = assign_add(eval_step, 1)
        all_hooks.append(_StopAfterNEvals(num_evals, update_eval_step))
        if isinstance(eval_op, dict):
            eval_op = dict(eval_op, update_eval_step=update_eval_step)
        elif isinstance(eval_op, (tuple, list)):
            eval_op = list(eval_op) + [update_eval_step]
        else:
            eval_op = [eval_op, update_eval_step]
    if summary_op is not None:
        all_hooks.append(_SummaryAtEnd(logdir, summary_op, summary_op_feed_dict,
                                       training_util.get_or_create_global_step()))
    all_hooks.extend(hooks or [])
    final_ops = _FinalOps(final_op, final_op_feed_dict)
    all_hooks.append(final_ops)
    saver = Saver(variables_to_restore) if variables_to_restore is not None else None
    scaffold = Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                        init_fn=init_fn, saver=saver)
    evaluations = 0
    for checkpoint_path in checkpoint_paths:
        creator = ChiefSessionCreator(scaffold=scaffold, master=master, config=session_config,
                                      checkpoint_filename_with_path=checkpoint_path)
        logging.info("Starting evaluation at %s",
                     time.strftime("%Y-%m-%d-%H:%M:%S", time.gmtime()))
        with MonitoredSession(session_creator=creator, hooks=all_hooks) as session:
            if eval_op is not None:
                while not session.should_stop():
                    session.run(eval_op, eval_op_feed_dict)
        logging.info("Finished evaluation at %s",
                     time.strftime("%Y-%m-%d-%H:%M:%S", time.gmtime()))
        evaluations += 1
        if max_number_of_evaluations is not None and evaluations >= max_number_of_evaluations:
            break
    return final_ops.final_ops_values


def evaluate_once(master, checkpoint_path, logdir, num_evals=1, initial_op=None,
                  initial_op_feed_dict=None, eval_op=None, eval_op_feed_dict=None,
                  final_op=None, final_op_feed_dict=None, summary_op=_USE_DEFAULT,
                  summary_op_feed_dict=None, variables_to_restore=None, session_config=None,
                  hooks=None):
    """Restores `checkpoint_path` (all variables, or `variables_to_restore`), runs `eval_op`
    (typically metric update ops) `num_evals` times, writes the summaries (default: all) to
    `logdir` and returns the value of `final_op` (typically the metric values)."""
    return _evaluation([checkpoint_path], master, logdir, num_evals, initial_op,
                       initial_op_feed_dict, None, eval_op, eval_op_feed_dict, final_op,
                       final_op_feed_dict, summary_op, summary_op_feed_dict,
                       variables_to_restore, session_config, hooks)


def evaluation_loop(master, checkpoint_dir, logdir, num_evals=1, initial_op=None,
                    initial_op_feed_dict=None, init_fn=None, eval_op=None,
                    eval_op_feed_dict=None, final_op=None, final_op_feed_dict=None,
                    summary_op=_USE_DEFAULT, summary_op_feed_dict=None,
                    variables_to_restore=None, eval_interval_secs=60,
                    max_number_of_evaluations=None, session_config=None, timeout=None,
                    timeout_fn=None, hooks=None):
    """evaluate_once on each new checkpoint of `checkpoint_dir` as training writes them (at
    most one every eval_interval_secs), until max_number_of_evaluations or `timeout` seconds
    without a new one; returns the final op's values of the last evaluation."""
    paths = checkpoints_iterator(checkpoint_dir, min_interval_secs=eval_interval_secs,
                                 timeout=timeout, timeout_fn=timeout_fn)
    return _evaluation(paths, master, logdir, num_evals, initial_op, initial_op_feed_dict,
                       init_fn, eval_op, eval_op_feed_dict, final_op, final_op_feed_dict,
                       summary_op, summary_op_feed_dict, variables_to_restore, session_config,
                       hooks, max_number_of_evaluations)
