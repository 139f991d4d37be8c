"""tf.layers: dense and flatten."""

__all__ = []
