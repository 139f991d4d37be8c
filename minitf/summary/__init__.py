"""tf.summary: summary ops and FileWriter for TensorBoard."""

__all__ = []
