"""tf.estimator.Estimator (TF 1.15's graph-mode Estimator): train, evaluate and predict a model
that a model_fn builds, each call in a fresh graph restored from model_dir's latest checkpoint.

train() runs a MonitoredTrainingSession with TF's hooks: the input's, the caller's, a
NanTensorHook, a LoggingTensorHook printing `loss = ..., step = ...` every
log_step_count_steps, the spec's training hooks, and on the chief a CheckpointSaverHook (every
save_checkpoints_secs or _steps, and at the end), a StepCounterHook (global_step/sec) and a
SummarySaverHook (every save_summary_steps; a `loss` summary is added when the model_fn made
none). evaluate() runs the metrics' update ops over the input (or `steps` batches) in a
MonitoredSession, adds the mean `loss` and `global_step`, and writes them to
model_dir/eval[_name]. predict() yields the predictions, one example at a time by default.
The end of the input (OutOfRangeError) ends each of them, as in TF.
"""

import copy
import functools
import inspect
import logging
import os
import re
import tempfile
import time

import numpy as np
from tensorboardX.proto import summary_pb2

from minitf import dtypes
from minitf.data.dataset_ops import Dataset
from minitf.client.session import Session
from minitf.estimator.export import build_all_signature_defs
from minitf.estimator.model_fn import EstimatorSpec, ModeKeys
from minitf.estimator.run_config import RunConfig
from minitf.framework.graph import Graph, GraphKeys, control_dependencies, device
from minitf.framework.graph import get_default_graph
from minitf.io import gfile
from minitf.metrics import mean as metric_mean
from minitf.ops.array_ops import identity
from minitf.ops.control_ops import group
from minitf.ops.random_ops import set_random_seed
from minitf.ops.serialization_ops import make_tensor_proto
from minitf.ops.state_ops import assign_add
from minitf.ops.variables import Variable
from minitf.protos.config_pb2 import ConfigProto
from minitf.saved_model import constants_impl as tag_constants
from minitf.saved_model.builder_impl import SavedModelBuilder
from minitf.summary.summary_ops import scalar
from minitf.summary.writer import FileWriterCache
from minitf.train.basic_session_run_hooks import (CheckpointSaverHook, CheckpointSaverListener,
                                                  FinalOpsHook, LoggingTensorHook,
                                                  NanTensorHook, StopAtStepHook)
from minitf.train.checkpoint_reader import NewCheckpointReader, list_variables, load_variable
from minitf.train.checkpoint_state import latest_checkpoint
from minitf.train.checkpoint_utils import init_from_checkpoint
from minitf.train.monitored_session import (ChiefSessionCreator, MonitoredSession,
                                            MonitoredTrainingSession, Scaffold)
from minitf.train.saver import Saver
from minitf.train.session_run_hook import SessionRunArgs, SessionRunHook
from minitf.train.training_util import (_get_or_create_global_step_read, create_global_step,
                                        get_global_step)

__all__ = ["Estimator", "WarmStartSettings"]

_logger = logging.getLogger("minitf")

_VALID_MODEL_FN_ARGS = {"features", "labels", "mode", "params", "self", "config"}


class WarmStartSettings:
    """Where a new model's variables start from: the checkpoint (or model_dir)
    `ckpt_to_initialize_from`, for the trainable variables whose names match the regular
    expression `vars_to_warm_start` (or are in it, when a list), each read from its own name
    or from `var_name_to_prev_var_name[name]`."""

    def __init__(self, ckpt_to_initialize_from, vars_to_warm_start=".*",
                 var_name_to_vocab_info=None, var_name_to_prev_var_name=None):
        if not ckpt_to_initialize_from:
            raise ValueError("`ckpt_to_initialize_from` MUST be set in WarmStartSettings")
        if var_name_to_vocab_info:
            raise NotImplementedError("minitf's warm start has no vocabulary remapping")
        self.ckpt_to_initialize_from = ckpt_to_initialize_from
        self.vars_to_warm_start = vars_to_warm_start
        self.var_name_to_vocab_info = var_name_to_vocab_info or {}
        self.var_name_to_prev_var_name = var_name_to_prev_var_name or {}

    def __repr__(self):
        return ("WarmStartSettings(ckpt_to_initialize_from=%r, vars_to_warm_start=%r, "
                "var_name_to_prev_var_name=%r)" % (self.ckpt_to_initialize_from,
                                                   self.vars_to_warm_start,
                                                   self.var_name_to_prev_var_name))

    def apply(self):
        """Makes the matching variables' initializers read the checkpoint."""
        graph = get_default_graph()
        chosen = graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)
        if isinstance(self.vars_to_warm_start, str):
            chosen = [v for v in chosen if re.match(self.vars_to_warm_start, v.op.name)]
        elif self.vars_to_warm_start is not None:
            names = set(self.vars_to_warm_start)
            chosen = [v for v in chosen if v.op.name in names]
        else:
            chosen = []
        assignment = {self.var_name_to_prev_var_name.get(v.op.name, v.op.name): v
                      for v in chosen}
        if assignment:
            init_from_checkpoint(self.ckpt_to_initialize_from, assignment)


class Estimator:
    """Trains, evaluates and predicts with the model `model_fn(features, labels, mode, params,
    config)` builds (it takes `features` and any of the others) and returns as an
    EstimatorSpec. Checkpoints and summaries go to `model_dir` (a new temporary directory when
    neither it nor config.model_dir is given)."""

    def __init__(self, model_fn, model_dir=None, config=None, params=None,
                 warm_start_from=None):
        self._config = _config_with_model_dir(config, model_dir)
        if self._config.train_distribute or self._config.eval_distribute:
            raise NotImplementedError("minitf's Estimator runs in one process: no "
                                      "distribution strategies")
        self._model_dir = self._config.model_dir
        self._session_config = self._config.session_config
        _logger.info("Using config: %s", {k: getattr(self._config, k) for k in (
            "model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
            "save_checkpoints_secs", "keep_checkpoint_max", "keep_checkpoint_every_n_hours",
            "log_step_count_steps")})
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        _verify_model_fn_args(model_fn, params)
        self._model_fn = model_fn
        self._params = copy.deepcopy(params or {})
        if warm_start_from is None or isinstance(warm_start_from, WarmStartSettings):
            self._warm_start_settings = warm_start_from
        elif isinstance(warm_start_from, (str, os.PathLike)):
            self._warm_start_settings = WarmStartSettings(os.fspath(warm_start_from))
        else:
            raise ValueError("warm_start_from must be a string or a WarmStartSettings, "
                             "instead got {}".format(type(warm_start_from)))

    @property
    def model_dir(self):
        return self._model_dir

    @property
    def config(self):
        return copy.deepcopy(self._config)

    @property
    def params(self):
        return copy.deepcopy(self._params)

    @property
    def model_fn(self):
        """The model_fn bound to this Estimator's params: (features, labels, mode, config)."""
        def public_model_fn(features, labels, mode, config):
            return self._call_model_fn(features, labels, mode, config)
        return public_model_fn

    def eval_dir(self, name=None):
        """Where evaluate(name=name) writes: model_dir/eval or model_dir/eval_<name>."""
        return os.path.join(self._model_dir, "eval" if not name else "eval_" + name)

    def latest_checkpoint(self):
        """The newest checkpoint's path in model_dir, or None."""
        return latest_checkpoint(self._model_dir)

    def get_variable_names(self):
        """The names of the variables in the latest checkpoint."""
        self._check_checkpoint_available()
        return [name for name, _ in list_variables(self._model_dir)]

    def get_variable_value(self, name):
        """The value of variable `name` in the latest checkpoint (a numpy array)."""
        self._check_checkpoint_available()
        return load_variable(self._model_dir, name)

    def _check_checkpoint_available(self):
        if not self.latest_checkpoint():
            raise ValueError("Could not find trained model in model_dir: {}."
                             .format(self._model_dir))

    # -- train --------------------------------------------------------------------------------
    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Trains for `steps` more steps, up to global step `max_steps`, or until the input
        ends; returns self."""
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError("Must specify steps > 0, given: {}".format(steps))
        if max_steps is not None and max_steps <= 0:
            raise ValueError("Must specify max_steps > 0, given: {}".format(max_steps))
        if max_steps is not None and max_steps <= _global_step_in(self._model_dir):
            _logger.info("Skipping training since max_steps has already saved.")
            return self
        hooks = _check_hooks(hooks)
        if steps is not None or max_steps is not None:
            hooks.append(StopAtStepHook(steps, max_steps))
        saving_listeners = list(saving_listeners or [])
        for listener in saving_listeners:
            if not isinstance(listener, CheckpointSaverListener):
                raise TypeError("saving_listeners should be a list of CheckpointSaverListener,"
                                " given: {}".format(listener))
        loss = self._train_model(input_fn, hooks, saving_listeners)
        _logger.info("Loss for final step: %s.", loss)
        return self

    def _train_model(self, input_fn, hooks, saving_listeners):
        with Graph().as_default() as g:
            set_random_seed(self._config.tf_random_seed)
            create_global_step(g)
            _get_or_create_global_step_read(g)
            features, labels, input_hooks = self._input(input_fn, ModeKeys.TRAIN)
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN, self.config)
            global_step = get_global_step(g)
            if self._warm_start_settings and not self.latest_checkpoint():
                _logger.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
                self._warm_start_settings.apply()
            if not any(s.op.name == "loss" for s in g.get_collection(GraphKeys.SUMMARIES)):
                scalar("loss", spec.loss)
            g.add_to_collection(GraphKeys.LOSSES, spec.loss)
            worker_hooks = list(input_hooks) + hooks + [NanTensorHook(spec.loss)]
            if self._config.log_step_count_steps is not None:
                worker_hooks.append(LoggingTensorHook(
                    {"loss": spec.loss, "step": global_step},
                    every_n_iter=self._config.log_step_count_steps))
            worker_hooks.extend(spec.training_hooks)
            if not (spec.scaffold.saver or g.get_collection(GraphKeys.SAVERS)):
                g.add_to_collection(GraphKeys.SAVERS, Saver(
                    sharded=True, max_to_keep=self._config.keep_checkpoint_max,
                    keep_checkpoint_every_n_hours=self._config.keep_checkpoint_every_n_hours,
                    defer_build=True, save_relative_paths=True))
            chief_hooks = []
            saver_hooks = [h for h in worker_hooks + list(spec.training_chief_hooks)
                           if isinstance(h, CheckpointSaverHook)]
            if (self._config.save_checkpoints_secs or self._config.save_checkpoints_steps) \
                    and not saver_hooks:
                chief_hooks = [CheckpointSaverHook(
                    self._model_dir, save_secs=self._config.save_checkpoints_secs,
                    save_steps=self._config.save_checkpoints_steps, scaffold=spec.scaffold)]
                saver_hooks = chief_hooks
            if saving_listeners:
                if not saver_hooks:
                    raise ValueError("There should be a CheckpointSaverHook to use "
                                     "saving_listeners. Please set one of the "
                                     "RunConfig.save_checkpoints_steps or "
                                     "RunConfig.save_checkpoints_secs.")
                for listener in saving_listeners:
                    if listener not in saver_hooks[0]._listeners:
                        saver_hooks[0]._listeners.append(listener)
            with MonitoredTrainingSession(
                    checkpoint_dir=self._model_dir, scaffold=spec.scaffold, hooks=worker_hooks,
                    chief_only_hooks=chief_hooks + list(spec.training_chief_hooks),
                    save_checkpoint_secs=0, save_summaries_steps=self._config.save_summary_steps,
                    config=self._session_config,
                    max_wait_secs=self._config.session_creation_timeout_secs,
                    log_step_count_steps=self._config.log_step_count_steps) as sess:
                loss, done = None, 0
                while not sess.should_stop():
                    done += 1
                    _, loss = sess.run([spec.train_op, spec.loss])
            if done == 0:
                _logger.warning("Training with estimator made no steps. Perhaps input is "
                                "empty or misspecified.")
        return loss

    # -- evaluate -----------------------------------------------------------------------------
    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """The metrics (the spec's eval_metric_ops, the mean `loss`, and `global_step`) over
        the input, or its first `steps` batches, with the variables of `checkpoint_path` (the
        latest checkpoint by default; initialized ones when there is none). Also written as
        summaries to eval_dir(name)."""
        hooks = _check_hooks(hooks)
        if steps is not None:
            if steps <= 0:
                raise ValueError("Must specify steps > 0, given: {}".format(steps))
            hooks.append(_StopAfterNEvalsHook(steps))
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
            if not checkpoint_path:
                _logger.info("Could not find trained model in model_dir: {}, running "
                             "initialization to evaluate.".format(self._model_dir))
        with Graph().as_default() as g:
            set_random_seed(self._config.tf_random_seed)
            create_global_step(g)
            features, labels, input_hooks = self._input(input_fn, ModeKeys.EVAL)
            spec = self._call_model_fn(features, labels, ModeKeys.EVAL, self.config)
            if "loss" in spec.eval_metric_ops:
                raise ValueError('Metric with name "loss" is not allowed, because Estimator '
                                 'already defines a default metric with the same name.')
            metrics = dict(spec.eval_metric_ops, loss=metric_mean(spec.loss))
            update_op = group(*[metrics[k][1] for k in sorted(metrics)])
            eval_dict = {k: metrics[k][0] for k in sorted(metrics)}
            global_step = get_global_step(g)
            self._maybe_warm_start(checkpoint_path)
            if GraphKeys.GLOBAL_STEP in eval_dict:
                raise ValueError("Metric with name `global_step` is not allowed, because "
                                 "Estimator already defines a default metric with the same "
                                 "name.")
            eval_dict[GraphKeys.GLOBAL_STEP] = global_step
            all_hooks = list(input_hooks) + hooks + list(spec.evaluation_hooks)
            scaffold = spec.scaffold
            if scaffold.local_init_op is not None:
                _eval_step()
                scaffold = Scaffold(local_init_op=group(scaffold.local_init_op,
                                                        Scaffold.default_local_init_op()),
                                    copy_from_scaffold=scaffold)
            results = _evaluate_once(checkpoint_path, scaffold, update_op, eval_dict,
                                     all_hooks, self._session_config)
            output_dir = self.eval_dir(name)
            step = int(results[GraphKeys.GLOBAL_STEP])
            _write_dict_to_summary(output_dir, results, step)
            if checkpoint_path:
                _logger.info("Saving 'checkpoint_path' summary for global step %d: %s", step,
                             checkpoint_path)
                summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
                    tag="checkpoint_path",
                    tensor=make_tensor_proto(checkpoint_path, dtype=dtypes.string))])
                writer = FileWriterCache.get(output_dir)
                writer.add_summary(summary, step)
                writer.flush()
        return results

    # -- predict ------------------------------------------------------------------------------
    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """Yields the predictions (only `predict_keys` of a dict) for each example of the
        input, or for each batch when yield_single_examples=False, with the variables of
        `checkpoint_path` (the latest checkpoint by default)."""
        hooks = _check_hooks(hooks)
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
        if not checkpoint_path:
            _logger.info("Could not find trained model in model_dir: {}, running "
                         "initialization to predict.".format(self._model_dir))
        with Graph().as_default() as g:
            set_random_seed(self._config.tf_random_seed)
            create_global_step(g)
            result = self._call_input_fn(input_fn, ModeKeys.PREDICT)
            features, _, input_hooks = _parse_input_fn_result(result)
            if not (isinstance(result, Dataset) or g.get_collection(GraphKeys.QUEUE_RUNNERS)):
                _logger.warning("Input graph does not use tf.data.Dataset or contain a "
                                "QueueRunner. That means predict yields forever. This is "
                                "probably a mistake.")
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT, self.config)
            self._maybe_warm_start(checkpoint_path)
            predictions = _extract_keys(spec.predictions, predict_keys)
            all_hooks = list(input_hooks) + hooks + list(spec.prediction_hooks)
            with MonitoredSession(session_creator=ChiefSessionCreator(
                    checkpoint_filename_with_path=checkpoint_path, scaffold=spec.scaffold,
                    config=self._session_config), hooks=all_hooks) as sess:
                while not sess.should_stop():
                    values = sess.run(predictions)
                    if not yield_single_examples:
                        yield values
                    elif not isinstance(predictions, dict):
                        yield from values
                    else:
                        for i in range(_batch_length(values)):
                            yield {key: value[i] for key, value in values.items()}

    # -- export -------------------------------------------------------------------------------
    def export_saved_model(self, export_dir_base, serving_input_receiver_fn, assets_extra=None,
                           as_text=False, checkpoint_path=None,
                           experimental_mode=ModeKeys.PREDICT):
        """Writes a SavedModel (tag "serve") of the PREDICT graph that
        `serving_input_receiver_fn` feeds, with the variables of `checkpoint_path` (the
        latest checkpoint by default), into export_dir_base/<timestamp>; its signatures are the
        spec's export_outputs. `assets_extra` ({destination: source}) files are copied under
        assets.extra/. Returns the directory (bytes, as TF)."""
        if experimental_mode != ModeKeys.PREDICT:
            raise NotImplementedError("minitf exports the PREDICT graph only")
        return self._export_saved_model(export_dir_base, serving_input_receiver_fn,
                                        assets_extra, as_text, checkpoint_path,
                                        strip_default_attrs=True)

    def export_savedmodel(self, export_dir_base, serving_input_receiver_fn, assets_extra=None,
                          as_text=False, checkpoint_path=None, strip_default_attrs=False):
        """TF 1.x's name of export_saved_model (attributes at their defaults are kept unless
        `strip_default_attrs`)."""
        return self._export_saved_model(export_dir_base, serving_input_receiver_fn,
                                        assets_extra, as_text, checkpoint_path,
                                        strip_default_attrs)

    def _export_saved_model(self, export_dir_base, serving_input_receiver_fn, assets_extra,
                            as_text, checkpoint_path, strip_default_attrs):
        if not serving_input_receiver_fn:
            raise ValueError("An input_receiver_fn must be defined.")
        checkpoint_path = checkpoint_path or self.latest_checkpoint()
        if not checkpoint_path:
            raise ValueError("Couldn't find trained model at {}.".format(self._model_dir))
        export_dir = _timestamped_dir(os.fspath(export_dir_base))
        head, name = os.path.split(export_dir)
        temp_dir = os.path.join(head, "temp-" + name)
        builder = SavedModelBuilder(temp_dir)
        with Graph().as_default() as g:
            set_random_seed(self._config.tf_random_seed)
            create_global_step(g)
            receiver = serving_input_receiver_fn()
            spec = self._call_model_fn(receiver.features, None, ModeKeys.PREDICT, self.config)
            signatures = build_all_signature_defs(receiver.receiver_tensors,
                                                  spec.export_outputs,
                                                  receiver.receiver_tensors_alternatives)
            with Session(config=self._session_config) as sess:
                saver = spec.scaffold.saver or Saver(sharded=True)
                saver.restore(sess, checkpoint_path)
                local_init_op = (spec.scaffold.local_init_op
                                 or Scaffold.default_local_init_op())
                builder.add_meta_graph_and_variables(
                    sess, [tag_constants.SERVING], signature_def_map=signatures,
                    assets_collection=g.get_collection(GraphKeys.ASSET_FILEPATHS),
                    main_op=local_init_op, saver=saver, strip_default_attrs=strip_default_attrs)
        builder.save(as_text)
        for destination, source in (assets_extra or {}).items():
            target = os.path.join(temp_dir, "assets.extra", destination)
            gfile.makedirs(os.path.dirname(target))
            gfile.copy(source, target)
        gfile.rename(temp_dir, export_dir)
        _logger.info("SavedModel written to: %s", export_dir)
        return os.fsencode(export_dir)

    # -- helpers ------------------------------------------------------------------------------
    def _maybe_warm_start(self, checkpoint_path):
        if not checkpoint_path and self._warm_start_settings:
            _logger.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            self._warm_start_settings.apply()

    def _call_input_fn(self, input_fn, mode):
        args = _fn_args(input_fn)
        kwargs = {}
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self.config
        with device("/cpu:0"):
            return input_fn(**kwargs)

    def _input(self, input_fn, mode):
        return _parse_input_fn_result(self._call_input_fn(input_fn, mode))

    def _call_model_fn(self, features, labels, mode, config):
        args = _fn_args(self._model_fn)
        kwargs = {}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = config
        _logger.info("Calling model_fn.")
        spec = self._model_fn(features=features, **kwargs)
        _logger.info("Done calling model_fn.")
        if not isinstance(spec, EstimatorSpec):
            raise ValueError("model_fn should return an EstimatorSpec.")
        return spec


# --------------------------------------------------------------------------------------------

def _config_with_model_dir(config, model_dir):
    """`config` (default RunConfig()) with model_dir (a new temporary directory when neither
    gives one) and TF's default session config (soft placement)."""
    if config is None:
        config = RunConfig()
        _logger.info("Using default config.")
    if not isinstance(config, RunConfig):
        raise ValueError("config must be an instance of `RunConfig`, but provided %s." % config)
    if model_dir is not None:
        model_dir = os.fspath(model_dir)
        if config.model_dir and config.model_dir != model_dir:
            raise ValueError(
                "`model_dir` are set both in constructor and `RunConfig`, but with different "
                "values. In constructor: '{}', in `RunConfig`: '{}' ".format(model_dir,
                                                                            config.model_dir))
        config = config.replace(model_dir=model_dir)
    elif not config.model_dir:
        model_dir = tempfile.mkdtemp()
        _logger.warning("Using temporary folder as model directory: %s", model_dir)
        config = config.replace(model_dir=model_dir)
    if config.session_config is None:
        config = config.replace(session_config=ConfigProto(allow_soft_placement=True))
    return config


def _fn_args(fn):
    """The names of `fn`'s parameters (a functools.partial's remaining ones; a callable
    object's __call__'s)."""
    if isinstance(fn, functools.partial):
        args = _fn_args(fn.func)[len(fn.args):]
        return tuple(a for a in args if a not in (fn.keywords or {}))
    return tuple(inspect.signature(fn).parameters)


def _verify_model_fn_args(model_fn, params):
    args = set(_fn_args(model_fn))
    if "features" not in args:
        raise ValueError("model_fn (%s) must include features argument." % model_fn)
    if params is not None and "params" not in args:
        raise ValueError("model_fn (%s) does not include params argument, but params (%s) is "
                         "passed to Estimator." % (model_fn, params))
    if params is None and "params" in args:
        _logger.warning("Estimator's model_fn (%s) includes params argument, but params are "
                        "not passed to Estimator.", model_fn)
    unexpected = list(args - _VALID_MODEL_FN_ARGS)
    if unexpected:
        raise ValueError("model_fn (%s) has following not expected args: %s"
                         % (model_fn, unexpected))


def _timestamped_dir(export_dir_base):
    """export_dir_base/<seconds since the epoch>, a name not taken yet (waiting a second when
    it is, as TF does)."""
    for _ in range(10):
        path = os.path.join(export_dir_base, str(int(time.time())))
        if not gfile.exists(path):
            return path
        time.sleep(1)
    raise RuntimeError("Failed to obtain a unique export directory name after 10 attempts.")


def _check_hooks(hooks):
    hooks = list(hooks or [])
    for hook in hooks:
        if not isinstance(hook, SessionRunHook):
            raise TypeError("Hooks must be a SessionRunHook, given: {}".format(hook))
    return hooks


def _global_step_in(model_dir):
    """The global step of model_dir's latest checkpoint (0 when there is none)."""
    try:
        return int(NewCheckpointReader(latest_checkpoint(model_dir)).get_tensor(
            GraphKeys.GLOBAL_STEP))
    except Exception:  # noqa: BLE001 - no checkpoint, or none with a global step: TF's 0
        return 0


class _DatasetInitializerHook(SessionRunHook):
    """Initializes an input Dataset's iterator when the session is made."""

    def __init__(self, iterator):
        self._iterator = iterator

    def after_create_session(self, session, coord):
        session.run(self._iterator.initializer)


def _parse_input_fn_result(result):
    """(features, labels, input hooks) of what an input_fn returned: a Dataset (read through an
    initializable iterator), a (features, labels) pair, or features alone."""
    hooks = []
    if isinstance(result, Dataset):
        iterator = result.make_initializable_iterator()
        hooks.append(_DatasetInitializerHook(iterator))
        result = iterator.get_next()
    if isinstance(result, (list, tuple)):
        if len(result) != 2:
            raise ValueError("input_fn should return (features, labels) as a len 2 tuple.")
        return result[0], result[1], hooks
    return result, None, hooks


def _extract_keys(predictions, predict_keys):
    if not predict_keys:
        return predictions
    if not isinstance(predictions, dict):
        raise ValueError("predict_keys argument is not valid in case of non-dict predictions.")
    existing = predictions.keys()
    chosen = {k: v for k, v in predictions.items() if k in predict_keys}
    if not chosen:
        raise ValueError("Expected to run at least one output from %s, provided %s."
                         % (existing, predict_keys))
    return chosen


def _batch_length(values):
    length = None
    for key, value in values.items():
        length = length or value.shape[0]
        if value.shape[0] != length:
            raise ValueError("Batch length of predictions should be same. %s has different "
                             "batch length than others." % key)
    return length


# -- evaluation: TF's evaluate_once loop ------------------------------------------------------

def _eval_step():
    """The graph's `eval_step` counter (a local int64 variable in EVAL_STEP), made once."""
    graph = get_default_graph()
    found = graph.get_collection(GraphKeys.EVAL_STEP)
    if found:
        return found[0]
    return Variable(0, dtype=dtypes.int64, trainable=False, name="eval_step",
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.EVAL_STEP])


class _StopAfterNEvalsHook(SessionRunHook):
    """Stops after `num_evals` runs of the eval ops (counted by the eval_step variable),
    logging `Evaluation [i/n]` (every tenth of n when n >= 20)."""

    def __init__(self, num_evals):
        self._num_evals = num_evals
        self._evals_completed = None
        self._log_frequency = 1 if num_evals < 20 else int(np.floor(num_evals / 10.0))

    def before_run(self, run_context):
        return SessionRunArgs({"evals_completed": self._evals_completed})

    def after_run(self, run_context, run_values):
        done = run_values.results["evals_completed"]
        if done % self._log_frequency == 0 or done == self._num_evals:
            _logger.info("Evaluation [%d/%d]", done, self._num_evals)
        if done >= self._num_evals:
            run_context.request_stop()


def _evaluate_once(checkpoint_path, scaffold, update_op, final_ops, hooks, config):
    """Runs `update_op` until the input ends or a hook stops, then returns `final_ops`' values."""
    eval_step = _eval_step()
    eval_ops = [update_op, assign_add(eval_step, 1, use_locking=True)]
    with control_dependencies(eval_ops):
        evals_completed = identity(eval_step.read_value())
    for hook in hooks:
        if isinstance(hook, _StopAfterNEvalsHook):
            hook._evals_completed = evals_completed
    _logger.info("Starting evaluation at " + time.strftime("%Y-%m-%dT%H:%M:%S",
                                                           time.localtime()))
    start = time.time()
    final_hook = FinalOpsHook(final_ops)
    with MonitoredSession(session_creator=ChiefSessionCreator(
            scaffold=scaffold, checkpoint_filename_with_path=checkpoint_path, config=config),
            hooks=hooks + [final_hook]) as session:
        while not session.should_stop():
            session.run(eval_ops)
    _logger.info("Inference Time : {:0.5f}s".format(time.time() - start))
    _logger.info("Finished evaluation at " + time.strftime("%Y-%m-%d-%H:%M:%S",
                                                           time.localtime()))
    return final_hook.final_ops_values


def _write_dict_to_summary(output_dir, results, step):
    """Logs the results and writes each number (not global_step) as a simple_value summary."""
    _logger.info("Saving dict for global step %d: %s", step, ", ".join(
        "%s = %s" % (k, v) for k, v in sorted(results.items()) if not isinstance(v, bytes)))
    summary = summary_pb2.Summary()
    for key, value in results.items():
        if value is None or key == GraphKeys.GLOBAL_STEP:
            continue
        if isinstance(value, (float, int, np.floating, np.integer)):
            summary.value.add(tag=key, simple_value=float(value))
        elif isinstance(value, bytes):
            try:
                parsed = summary_pb2.Summary.FromString(value)
            except Exception:  # noqa: BLE001 - TF skips what does not parse
                _logger.warning("Skipping summary for %s, cannot parse string to Summary.", key)
                continue
            for i, v in enumerate(parsed.value):
                v.tag = "%s/%d" % (key, i)
            summary.value.extend(parsed.value)
        elif isinstance(value, np.ndarray):
            entry = summary.value.add(tag=key, node_name=key)
            entry.tensor.CopyFrom(make_tensor_proto(value))
        else:
            _logger.warning("Skipping summary for %s, must be a float, np.float32, np.int64, "
                            "np.int32 or int or np.ndarray or a serialized string of Summary.",
                            key)
    writer = FileWriterCache.get(output_dir)
    writer.add_summary(summary, step)
    writer.flush()
