"""OpSpec and Arg: one row of the op test table."""

import dataclasses
from typing import Callable

import numpy as np


@dataclasses.dataclass
class Arg:
    """One input: its runtime shape, dtype, the placeholder's static shape (None dims allowed;
    default: the runtime shape) and the value range (or explicit values)."""

    shape: tuple
    dtype: str = "float32"
    static: object = "same"
    low: float = -2.0
    high: float = 2.0
    values: object = None

    def make(self, rng, dtype=None):
        dtype = np.dtype(dtype or self.dtype)
        if self.values is not None:
            return np.asarray(self.values, dtype=dtype).reshape(self.shape)
        if dtype.kind == "b":
            return rng.random(self.shape) < 0.5
        if dtype.kind in "iu":
            return rng.integers(int(self.low), int(self.high) + 1, self.shape).astype(dtype)
        if dtype.kind == "c":  # both parts drawn from the range
            return (rng.uniform(self.low, self.high, self.shape)
                    + 1j * rng.uniform(self.low, self.high, self.shape)).astype(dtype)
        return rng.uniform(self.low, self.high, self.shape).astype(dtype)

    @property
    def static_shape(self):
        return self.shape if self.static == "same" else self.static


@dataclasses.dataclass
class OpSpec:
    """How to build an op from placeholders, its numpy reference, and how to test it."""

    name: str
    build: Callable          # (*tensors) -> Tensor or list of Tensors
    ref: Callable            # (*numpy arrays) -> array or list of arrays
    inputs: list
    grad: bool = True        # float64 numerical gradient check of every float input
    wrt: object = None       # input indices to check (default: all float and complex inputs)
    rtol: float = 1e-5
    atol: float = 1e-6
    grad_rtol: float = 1e-4
    grad_atol: float = 1e-6
    grad_delta: float = 1e-6  # larger for ops that round through float32 (exact when linear)
    seed: int = 0

    def __repr__(self):
        return self.name
