"""tf.nn: activations, losses and other neural-network ops."""

__all__ = []
