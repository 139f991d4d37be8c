"""Tests of tf.train: optimizers, learning-rate schedules, the global step and checkpoints."""
