"""TF1 tutorial helpers."""
