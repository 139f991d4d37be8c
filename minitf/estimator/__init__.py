"""tf.estimator: TF 1.15's graph-mode Estimator (Estimator, EstimatorSpec, ModeKeys,
RunConfig, WarmStartSettings) and tf.estimator.inputs.numpy_input_fn, built on
MonitoredTrainingSession, Saver, tf.summary, tf.data and tf.metrics."""

from minitf.estimator import inputs
from minitf.estimator.estimator import Estimator, WarmStartSettings
from minitf.estimator.model_fn import EstimatorSpec, ModeKeys
from minitf.estimator.run_config import RunConfig

__all__ = ["Estimator", "EstimatorSpec", "ModeKeys", "RunConfig", "WarmStartSettings"]
