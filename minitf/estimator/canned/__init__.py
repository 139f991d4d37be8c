"""TF 1.15's canned estimators (tf.estimator.DNNClassifier and friends): ready-made
model_fns over feature columns, with TF's heads, variable names and default optimizers."""

from minitf.estimator.canned.baseline import BaselineClassifier, BaselineRegressor
from minitf.estimator.canned.dnn import DNNClassifier, DNNRegressor
from minitf.estimator.canned.dnn_linear_combined import (DNNLinearCombinedClassifier,
                                                         DNNLinearCombinedRegressor)
from minitf.estimator.canned.linear import LinearClassifier, LinearRegressor

__all__ = ["BaselineClassifier", "BaselineRegressor", "DNNClassifier", "DNNRegressor", "DNNLinearCombinedClassifier",
           "DNNLinearCombinedRegressor", "LinearClassifier", "LinearRegressor"]
