"""tf.estimator: TF 1.15's graph-mode Estimator (Estimator, EstimatorSpec, ModeKeys,
RunConfig, WarmStartSettings), train_and_evaluate with TrainSpec, EvalSpec and the exporters,
tf.estimator.export (serving receivers, export outputs) and tf.estimator.inputs, built on
MonitoredTrainingSession, Saver, SavedModelBuilder, tf.summary, tf.data and tf.metrics; the
canned estimators (Baseline, DNN, Linear and DNNLinearCombined classifiers and regressors);
and
the session hooks TF's estimator namespace re-exports from tf.train."""

from minitf.estimator import export, inputs
from minitf.estimator.canned import (BaselineClassifier, BaselineRegressor, DNNClassifier, DNNLinearCombinedClassifier,
                                     DNNLinearCombinedRegressor, DNNRegressor,
                                     LinearClassifier, LinearRegressor)
from minitf.estimator.estimator import Estimator, WarmStartSettings
from minitf.estimator.model_fn import EstimatorSpec, ModeKeys
from minitf.estimator.run_config import RunConfig
from minitf.estimator.training import (EvalSpec, Exporter, FinalExporter, LatestExporter,
                                       TrainSpec, train_and_evaluate)
from minitf.train.basic_session_run_hooks import (CheckpointSaverHook, CheckpointSaverListener,
                                                  FeedFnHook, FinalOpsHook, GlobalStepWaiterHook,
                                                  LoggingTensorHook, NanLossDuringTrainingError,
                                                  NanTensorHook, ProfilerHook, SecondOrStepTimer,
                                                  StepCounterHook, StopAtStepHook,
                                                  SummarySaverHook)
from minitf.train.session_run_hook import (SessionRunArgs, SessionRunContext, SessionRunHook,
                                           SessionRunValues)

__all__ = ["BaselineClassifier", "BaselineRegressor", "DNNClassifier", "DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor",
           "DNNRegressor", "LinearClassifier", "LinearRegressor", "Estimator", "EstimatorSpec", "ModeKeys", "RunConfig", "WarmStartSettings",
           "EvalSpec", "Exporter", "FinalExporter", "LatestExporter", "TrainSpec",
           "train_and_evaluate", "CheckpointSaverHook", "CheckpointSaverListener", "FeedFnHook",
           "FinalOpsHook", "GlobalStepWaiterHook", "LoggingTensorHook",
           "NanLossDuringTrainingError", "NanTensorHook", "ProfilerHook", "SecondOrStepTimer",
           "StepCounterHook", "StopAtStepHook", "SummarySaverHook", "SessionRunArgs",
           "SessionRunContext", "SessionRunHook", "SessionRunValues"]
