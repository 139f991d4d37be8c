"""tf.estimator.TrainSpec, EvalSpec and train_and_evaluate (run locally, as TF does without a
TF_CONFIG cluster: train, evaluating after each checkpoint at most every throttle_secs and
once more at the end), and the Exporters an EvalSpec runs after each evaluation."""

import collections
import logging
import os
import re

from minitf.estimator.estimator import Estimator
from minitf.io import gfile
from minitf.train.basic_session_run_hooks import CheckpointSaverListener, SecondOrStepTimer
from minitf.train.session_run_hook import SessionRunHook

__all__ = ["TrainSpec", "EvalSpec", "train_and_evaluate", "Exporter", "FinalExporter",
           "LatestExporter"]

_logger = logging.getLogger("minitf")


def _check_input_fn(input_fn):
    if not callable(input_fn):
        raise TypeError("`input_fn` must be callable, given: {}".format(input_fn))


def _check_hooks(hooks):
    hooks = tuple(hooks or [])
    for hook in hooks:
        if not isinstance(hook, SessionRunHook):
            raise TypeError("All hooks must be `SessionRunHook` instances, given: {}"
                            .format(hook))
    return hooks


class TrainSpec(collections.namedtuple("TrainSpec",
                                       ["input_fn", "max_steps", "hooks", "saving_listeners"])):
    """What train_and_evaluate trains on: `input_fn` up to global step `max_steps` (forever
    when None), with `hooks` and checkpoint `saving_listeners`."""

    def __new__(cls, input_fn, max_steps=None, hooks=None, saving_listeners=None):
        _check_input_fn(input_fn)
        if max_steps is not None and max_steps <= 0:
            raise ValueError("Must specify max_steps > 0, given: {}".format(max_steps))
        hooks = _check_hooks(hooks)
        saving_listeners = tuple(saving_listeners or [])
        for listener in saving_listeners:
            if not isinstance(listener, CheckpointSaverListener):
                raise TypeError("All saving_listeners must be `CheckpointSaverListener` "
                                "instances, given: {}".format(listener))
        return super().__new__(cls, input_fn=input_fn, max_steps=max_steps, hooks=hooks,
                               saving_listeners=saving_listeners)


class EvalSpec(collections.namedtuple("EvalSpec", ["input_fn", "steps", "name", "hooks",
                                                   "exporters", "start_delay_secs",
                                                   "throttle_secs"])):
    """What train_and_evaluate evaluates: `steps` batches (100; the whole input when None) of
    `input_fn`, under eval_dir(`name`), then `exporters`; at most every `throttle_secs`.
    (`start_delay_secs` only delays a separate evaluator task, which minitf does not run.)"""

    def __new__(cls, input_fn, steps=100, name=None, hooks=None, exporters=None,
                start_delay_secs=120, throttle_secs=600):
        _check_input_fn(input_fn)
        if steps is not None and steps <= 0:
            raise ValueError("Must specify steps > 0, given: {}".format(steps))
        if name is not None and not isinstance(name, str):
            raise TypeError("`name` must be string, given: {}".format(name))
        hooks = _check_hooks(hooks)
        exporters = _check_exporters(exporters)
        if start_delay_secs < 0:
            raise ValueError("Must specify start_delay_secs >= 0, given: {}"
                             .format(start_delay_secs))
        if throttle_secs < 0:
            raise ValueError("Must specify throttle_secs >= 0, given: {}".format(throttle_secs))
        return super().__new__(cls, input_fn=input_fn, steps=steps, name=name, hooks=hooks,
                               exporters=exporters, start_delay_secs=start_delay_secs,
                               throttle_secs=throttle_secs)


def _check_exporters(exporters):
    if not exporters:
        return ()
    if isinstance(exporters, Exporter):
        exporters = [exporters]
    try:
        names = []
        for exporter in exporters:
            if not isinstance(exporter, Exporter):
                raise TypeError
            if not exporter.name:
                raise ValueError("An Exporter cannot have a name that is `None` or empty. All "
                                 "exporter names: {}".format([e.name for e in exporters]))
            if not isinstance(exporter.name, str):
                raise ValueError("An Exporter must have a string name. Given: {}"
                                 .format(type(exporter.name)))
            if exporter.name in names:
                raise ValueError("`exporters` must have unique names. Such a name cannot be "
                                 "`None`. All exporter names: {}"
                                 .format([e.name for e in exporters]))
            names.append(exporter.name)
    except TypeError:
        raise TypeError("`exporters` must be an Exporter, an iterable of Exporter, or `None`, "
                        "found %s." % (exporters,)) from None
    return tuple(exporters)


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Trains `estimator` on train_spec, evaluating (and exporting) after each new checkpoint
    at most every eval_spec.throttle_secs, and after the last one. Returns (the last
    evaluation's metrics, or None when none ran; the exporters' results of that evaluation)."""
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError("`eval_spec` must have type `tf.estimator.EvalSpec`. Got: {}"
                        .format(type(eval_spec)))
    if not isinstance(estimator, Estimator):
        raise TypeError("`estimator` must have type `tf.estimator.Estimator`. Got: {}"
                        .format(type(estimator)))
    if not isinstance(train_spec, TrainSpec):
        raise TypeError("`train_spec` must have type `tf.estimator.TrainSpec`. Got: {}"
                        .format(type(train_spec)))
    config = estimator.config
    _logger.info("Running training and evaluation locally (non-distributed).")
    _logger.info("Start train and evaluate loop. The evaluate will happen after every "
                 "checkpoint. Checkpoint frequency is determined based on RunConfig arguments: "
                 "save_checkpoints_steps {} or save_checkpoints_secs {}.".format(
                     config.save_checkpoints_steps, config.save_checkpoints_secs))
    listener = _EvaluateAfterSave(estimator, eval_spec, train_spec.max_steps)
    estimator.train(input_fn=train_spec.input_fn, max_steps=train_spec.max_steps,
                    hooks=list(train_spec.hooks),
                    saving_listeners=list(train_spec.saving_listeners) + [listener])
    return listener.metrics, listener.export_results


class _EvaluateAfterSave(CheckpointSaverListener):
    """Evaluates (and exports) after each checkpoint but the first (the one made when the
    session starts), throttled to one per `throttle_secs`, and at the end if the last
    checkpoint was not evaluated."""

    def __init__(self, estimator, eval_spec, max_steps):
        self._estimator = estimator
        self._eval_spec = eval_spec
        self._max_steps = max_steps
        self._previous_checkpoint = None
        self.metrics, self.export_results = None, None

    def begin(self):
        self._timer = SecondOrStepTimer(every_secs=self._eval_spec.throttle_secs)
        self._first = True

    def after_save(self, session, global_step_value):
        if self._first:
            self._first = False
            return
        if self._timer.should_trigger_for_step(global_step_value):
            self._evaluate(global_step_value)
        else:
            _logger.info("Skip the current checkpoint eval due to throttle secs ({} secs)."
                         .format(self._eval_spec.throttle_secs))

    def end(self, session, global_step_value):
        if global_step_value != self._timer.last_triggered_step():
            self._evaluate(global_step_value)

    def _evaluate(self, global_step_value):
        self._timer.update_last_triggered_step(global_step_value)
        checkpoint = self._estimator.latest_checkpoint()
        if not checkpoint or checkpoint == self._previous_checkpoint:
            raise RuntimeError("There was no new checkpoint after the training. Eval status: "
                               "{}".format("missing checkpoint" if not checkpoint
                                           else "no new checkpoint"))
        spec = self._eval_spec
        self.metrics = self._estimator.evaluate(spec.input_fn, steps=spec.steps,
                                                name=spec.name, checkpoint_path=checkpoint,
                                                hooks=list(spec.hooks))
        final = bool(self._max_steps) and self.metrics["global_step"] >= self._max_steps
        base = os.path.join(self._estimator.model_dir, "export")
        self.export_results = [
            exporter.export(estimator=self._estimator,
                            export_path=os.path.join(base, exporter.name),
                            checkpoint_path=checkpoint, eval_result=self.metrics,
                            is_the_final_export=final)
            for exporter in spec.exporters]
        self._previous_checkpoint = checkpoint


class Exporter:
    """An export an EvalSpec runs after each evaluation (subclasses define name and
    export(estimator, export_path, checkpoint_path, eval_result, is_the_final_export))."""

    @property
    def name(self):
        raise NotImplementedError

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        raise NotImplementedError


class _SavedModelExporter(Exporter):
    """Exports a SavedModel with estimator.export_saved_model."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False):
        self._name = name
        self._serving_input_receiver_fn = serving_input_receiver_fn
        self._assets_extra = assets_extra
        self._as_text = as_text

    @property
    def name(self):
        return self._name

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        return estimator.export_saved_model(export_path, self._serving_input_receiver_fn,
                                            assets_extra=self._assets_extra,
                                            as_text=self._as_text,
                                            checkpoint_path=checkpoint_path)


class FinalExporter(_SavedModelExporter):
    """Exports a SavedModel once, after the evaluation that reaches the TrainSpec's
    max_steps."""

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        if not is_the_final_export:
            return None
        _logger.info("Performing the final export in the end of training.")
        return super().export(estimator, export_path, checkpoint_path, eval_result,
                              is_the_final_export)


class LatestExporter(_SavedModelExporter):
    """Exports a SavedModel after every evaluation, keeping the newest `exports_to_keep`."""

    def __init__(self, name, serving_input_receiver_fn, assets_extra=None, as_text=False,
                 exports_to_keep=5):
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text)
        if exports_to_keep is not None and exports_to_keep <= 0:
            raise ValueError("`exports_to_keep`, if provided, must be positive number")
        self._exports_to_keep = exports_to_keep

    def export(self, estimator, export_path, checkpoint_path, eval_result,
               is_the_final_export):
        result = super().export(estimator, export_path, checkpoint_path, eval_result,
                                is_the_final_export)
        if self._exports_to_keep is not None:
            versions = sorted(int(name) for name in gfile.listdir(export_path)
                              if re.fullmatch(r"\d{10}", name))
            for version in versions[:-self._exports_to_keep]:
                gfile.rmtree(os.path.join(export_path, str(version)))
        return result
