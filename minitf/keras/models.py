"""keras.models."""

from minitf.keras.training import Model, Sequential

__all__ = ["Model", "Sequential"]
