"""slim.learning: create_train_op (a train op that returns the loss, after the UPDATE_OPS, with
optional gradient clipping, multipliers and summaries) and train (the training loop on a
tf.train.Supervisor: number_of_steps, logging, summaries and checkpoints on timers, init_fn)."""

import time

from minitf import errors
from minitf import tf_logging as logging
from minitf.contrib.framework import _with_dependencies
from minitf.framework.graph import (GraphKeys, control_dependencies, get_collection,
                                    get_collection_ref, get_default_graph, name_scope)
from minitf.framework.indexed_slices import IndexedSlices
from minitf.ops import variables as variables_module
from minitf.ops.clip_ops import global_norm
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.control_ops import group, no_op
from minitf.ops.logging_ops import check_numerics
from minitf.ops.lookup_ops import tables_initializer
from minitf.ops.math_ops import equal, greater_equal, mod
from minitf.ops.reductions import clip_by_norm
from minitf.summary import summary_ops as summary
from minitf.train import training_util
from minitf.train.optimizer import Optimizer
from minitf.train.saver import Saver
from minitf.train.supervisor import Supervisor

__all__ = ["add_gradients_summaries", "clip_gradient_norms", "create_train_op",
           "multiply_gradients", "train", "train_step"]


def _map_values(gradient, fn):
    """fn applied to a gradient, or to the values of an IndexedSlices one."""
    if isinstance(gradient, IndexedSlices):
        return IndexedSlices(fn(gradient.values), gradient.indices, gradient.dense_shape)
    return fn(gradient)


def clip_gradient_norms(gradients_to_variables, max_norm):
    """Each gradient clipped to L2 norm `max_norm` on its own (tf.clip_by_norm)."""
    return [(None if g is None else _map_values(g, lambda t: clip_by_norm(t, max_norm)), v)
            for g, v in gradients_to_variables]


def multiply_gradients(grads_and_vars, gradient_multipliers):
    """The gradients of the variables keyed (by variable or op name) in
    `gradient_multipliers` multiplied by their value."""
    if not isinstance(grads_and_vars, list):
        raise ValueError("`grads_and_vars` must be a list.")
    if not gradient_multipliers:
        raise ValueError("`gradient_multipliers` is empty.")
    if not isinstance(gradient_multipliers, dict):
        raise ValueError("`gradient_multipliers` must be a dict.")
    out = []
    for grad, var in grads_and_vars:
        key = var if var in gradient_multipliers else var.op.name
        if key in gradient_multipliers:
            if grad is None:
                raise ValueError("Requested multiple of `None` gradient.")
            multiplier = convert_to_tensor(gradient_multipliers[key], dtype=grad.dtype)
            grad = _map_values(grad, lambda t: t * multiplier)
        out.append((grad, var))
    return out


def add_gradients_summaries(grads_and_vars):
    """A histogram `<var>/gradient` and a scalar `<var>/gradient_norm` per gradient."""
    return _gradient_summaries(grads_and_vars, "/")


def _gradient_summaries(grads_and_vars, separator):
    # create_train_op's summaries are `<var>_gradient` (contrib.training's), this module's
    # add_gradients_summaries' `<var>/gradient`, as in TF.
    summaries = []
    for grad, var in grads_and_vars:
        if grad is None:
            logging.info("Var %s has no gradient", var.op.name)
            continue
        values = grad.values if isinstance(grad, IndexedSlices) else grad
        name = var.op.name + separator + "gradient"
        summaries.append(summary.histogram(name, values))
        summaries.append(summary.scalar(name + "_norm", global_norm([values])))
    return summaries


_USE_GLOBAL_STEP = 0


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, clip_gradient_norm=0, summarize_gradients=False,
                    gate_gradients=Optimizer.GATE_OP, aggregation_method=None,
                    colocate_gradients_with_ops=False, gradient_multipliers=None,
                    check_numerics=True):
    """A tensor that, when run, runs the update ops (default tf.GraphKeys.UPDATE_OPS), then
    one optimizer step on `variables_to_train` (default: the trainable variables; the global
    step incremented), and returns `total_loss` (checked for inf and nan). Gradients may be
    multiplied (`gradient_multipliers`), clipped each to `clip_gradient_norm` and summarized.
    The op is added to tf.GraphKeys.TRAIN_OP."""
    def transform_grads_fn(grads):
        if gradient_multipliers:
            with name_scope("multiply_grads"):
                grads = multiply_gradients(grads, gradient_multipliers)
        if clip_gradient_norm > 0:
            with name_scope("clip_grads"):
                grads = clip_gradient_norms(grads, clip_gradient_norm)
        return grads
    return _train_op_with_transform(total_loss, optimizer, global_step, update_ops,
                                    variables_to_train, transform_grads_fn,
                                    summarize_gradients, gate_gradients, aggregation_method,
                                    colocate_gradients_with_ops, check_numerics)


def _train_op_with_transform(total_loss, optimizer, global_step=_USE_GLOBAL_STEP,
                             update_ops=None, variables_to_train=None, transform_grads_fn=None,
                             summarize_gradients=False, gate_gradients=Optimizer.GATE_OP,
                             aggregation_method=None, colocate_gradients_with_ops=False,
                             check_numerics=True):
    """create_train_op with the gradients passed through `transform_grads_fn` (a function
    of the (gradient, variable) list) before they are summarized and applied: TF 1.15's
    tf.contrib.training.create_train_op, which slim's builds on."""
    if global_step is _USE_GLOBAL_STEP:
        global_step = training_util.get_or_create_global_step()
    graph_updates = get_collection(GraphKeys.UPDATE_OPS)
    update_ops = graph_updates if update_ops is None else list(update_ops)
    if any(op not in update_ops for op in graph_updates):
        logging.warning("update_ops in create_train_op does not contain all the update_ops "
                        "in GraphKeys.UPDATE_OPS")
    if update_ops:
        with control_dependencies(update_ops):
            barrier = no_op(name="update_barrier")
        total_loss = _with_dependencies([barrier], total_loss)
    if variables_to_train is None:
        variables_to_train = variables_module.trainable_variables()
    if not variables_to_train:
        raise ValueError("No variables to train: variables_to_train is empty and the graph "
                         "has no trainable variables.")
    grads = optimizer.compute_gradients(total_loss, variables_to_train,
                                        gate_gradients=gate_gradients,
                                        aggregation_method=aggregation_method,
                                        colocate_gradients_with_ops=colocate_gradients_with_ops)
    if transform_grads_fn:
        grads = transform_grads_fn(grads)
    if summarize_gradients:
        with name_scope("summarize_grads"):
            _gradient_summaries(grads, "_")
    grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    with name_scope("train_op"):
        if check_numerics:
            total_loss = _check_numerics(total_loss, "LossTensor is inf or nan")
        train_op = _with_dependencies([grad_updates], total_loss)
    train_ops = get_collection_ref(GraphKeys.TRAIN_OP)
    if train_op not in train_ops:
        train_ops.append(train_op)
    return train_op


_check_numerics = check_numerics


def train_step(sess, train_op, global_step, train_step_kwargs):
    """One step of `train`: runs train_op and the global step; logs the loss when
    `should_log` (in train_step_kwargs) is true; returns (loss, should_stop)."""
    start = time.time()
    total_loss, step = sess.run([train_op, global_step])
    elapsed = time.time() - start
    if "should_log" in train_step_kwargs and sess.run(train_step_kwargs["should_log"]):
        logging.info("global step %d: loss = %.4f (%.3f sec/step)", step, total_loss, elapsed)
    should_stop = bool(sess.run(train_step_kwargs["should_stop"])) \
        if "should_stop" in train_step_kwargs else False
    return total_loss, should_stop


_USE_DEFAULT = 0


def train(train_op, logdir, train_step_fn=train_step, train_step_kwargs=_USE_DEFAULT,
          log_every_n_steps=1, graph=None, master="", is_chief=True, global_step=None,
          number_of_steps=None, init_op=_USE_DEFAULT, init_feed_dict=None,
          local_init_op=_USE_DEFAULT, init_fn=None, ready_op=_USE_DEFAULT,
          summary_op=_USE_DEFAULT, save_summaries_secs=600, summary_writer=_USE_DEFAULT,
          startup_delay_steps=0, saver=None, save_interval_secs=600, sync_optimizer=None,
          session_config=None, session_wrapper=None, trace_every_n_steps=None,
          ignore_live_threads=False):
    """Runs `train_step_fn(sess, train_op, global_step, train_step_kwargs)` until it asks to
    stop (the global step reached `number_of_steps`) or the input ends, in a session of a
    tf.train.Supervisor writing to `logdir`: the variables restored from logdir's latest
    checkpoint or initialized (then `init_fn(sess)`), summaries every save_summaries_secs,
    checkpoints every save_interval_secs and at the end. Returns the last loss."""
    if train_op is None:
        raise ValueError("train_op cannot be None.")
    if logdir is None:
        if summary_op != _USE_DEFAULT:
            raise ValueError("Cannot provide summary_op because logdir=None")
        if saver is not None:
            raise ValueError("Cannot provide saver because logdir=None")
        if trace_every_n_steps is not None:
            raise ValueError("Cannot provide trace_every_n_steps because logdir=None")
    if sync_optimizer is not None:
        raise NotImplementedError("minitf has no SyncReplicasOptimizer (sync_optimizer)")
    if trace_every_n_steps is not None:
        raise NotImplementedError("slim.learning.train's trace_every_n_steps is not in minitf; "
                                  "trace a run with tf.RunOptions(trace_level=FULL_TRACE)")
    if number_of_steps is not None and number_of_steps <= 0:
        raise ValueError("`number_of_steps` must be either None or a positive number.")
    graph = graph or get_default_graph()
    with graph.as_default():
        if global_step is None:
            global_step = training_util.get_or_create_global_step()
        saver = saver or Saver()
        with name_scope("init_ops"):
            if init_op == _USE_DEFAULT:
                init_op = variables_module.global_variables_initializer()
            if ready_op == _USE_DEFAULT:
                ready_op = variables_module.report_uninitialized_variables()
            if local_init_op == _USE_DEFAULT:
                local_init_op = group(variables_module.local_variables_initializer(),
                                      tables_initializer())
        if summary_op == _USE_DEFAULT:
            summary_op = summary.merge_all()
        if summary_writer == _USE_DEFAULT:
            summary_writer = Supervisor.USE_DEFAULT
        if train_step_kwargs == _USE_DEFAULT:
            with name_scope("train_step"):
                train_step_kwargs = {
                    "should_stop": greater_equal(global_step, number_of_steps)
                    if number_of_steps else constant(False)}
                if log_every_n_steps > 0:
                    train_step_kwargs["should_log"] = equal(mod(global_step, log_every_n_steps),
                                                            0)
    sv = Supervisor(graph=graph, is_chief=is_chief, logdir=logdir, init_op=init_op,
                    init_feed_dict=init_feed_dict, local_init_op=local_init_op,
                    ready_op=ready_op, summary_op=summary_op, summary_writer=summary_writer,
                    global_step=global_step, saver=saver,
                    save_summaries_secs=save_summaries_secs,
                    save_model_secs=save_interval_secs, init_fn=init_fn)
    if summary_writer is not None:
        train_step_kwargs["summary_writer"] = sv.summary_writer
    total_loss = None
    with sv.managed_session(master, start_standard_services=False,
                            config=session_config) as sess:
        logging.info("Starting Session.")
        if session_wrapper is not None:
            sess = session_wrapper(sess)
        if is_chief:
            if logdir:
                sv.start_standard_services(sess)
        elif startup_delay_steps > 0:
            while training_util.global_step(sess, global_step) < min(
                    startup_delay_steps, number_of_steps or startup_delay_steps):
                time.sleep(1.0)
        threads = sv.start_queue_runners(sess)
        logging.info("Starting Queues.")
        try:
            while not sv.should_stop():
                total_loss, should_stop = train_step_fn(sess, train_op, global_step,
                                                        train_step_kwargs)
                if should_stop:
                    logging.info("Stopping Training.")
                    sv.request_stop()
                    break
        except errors.OutOfRangeError as e:
            logging.info("Caught OutOfRangeError. Stopping Training. %s", e)
        if logdir and sv.is_chief:
            logging.info("Finished training! Saving model to disk.")
            sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
            sv.stop(threads, close_summary_writer=True, ignore_live_threads=ignore_live_threads)
    return total_loss
