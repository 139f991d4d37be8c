"""Initializers (`tf.zeros_initializer`, `tf.glorot_uniform_initializer`, ...): callables that build
the tensor a new variable starts from, given its shape and dtype (TF1's init_ops)."""

import math
import types

import numpy as np

from minitf import dtypes
from minitf.framework.shapes import TensorShape
from minitf.ops import random_ops, variables
from minitf.ops.array_ops import ones, reshape, zeros
from minitf.ops.linalg_ops import eye, matrix_diag_part, matrix_transpose, qr
from minitf.ops.math_ops import sign
from minitf.ops.constant_op import constant
from minitf.ops.lookup_ops import tables_initializer

__all__ = ["zeros_initializer", "ones_initializer", "constant_initializer",
           "random_normal_initializer", "random_uniform_initializer",
           "truncated_normal_initializer", "variance_scaling_initializer",
           "glorot_uniform_initializer", "glorot_normal_initializer", "orthogonal_initializer",
           "uniform_unit_scaling_initializer", "initializers"]


class Initializer:
    """Base class: `init(shape, dtype=None, partition_info=None)` returns a Tensor of that shape.
    `dtype` defaults to the one given to the constructor; `get_config()` returns the constructor
    arguments, so `type(init).from_config(init.get_config())` rebuilds it."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _float_dtype(dtype):
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError("Expected floating point type, got %s." % dtype.name)
    return dtype


def _dims(shape):
    if isinstance(shape, TensorShape):
        return shape.as_list()
    return [int(d) for d in shape]


class _FillInitializer(Initializer):
    """Fills the shape with one number: `fill(shape, dtype)` is tf.zeros or tf.ones."""

    fill = None

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return type(self).fill(shape, dtype or self.dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class zeros_initializer(_FillInitializer):  # noqa: N801 - TF's public name
    """Initializes to 0 (the default for integer and bool variables)."""

    fill = staticmethod(zeros)


class ones_initializer(_FillInitializer):  # noqa: N801 - TF's public name
    """Initializes to 1."""

    fill = staticmethod(ones)


class constant_initializer(Initializer):  # noqa: N801 - TF's public name
    """Initializes to `value`: a scalar fills the shape; a list or array with fewer elements than
    the shape is padded with its last element (TF1's tf.constant rule), unless `verify_shape`
    asks for exactly the shape."""

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError("Invalid type for initial value: %s (expected Python scalar, list or "
                            "tuple of values, or numpy.ndarray)." % type(value))
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        dtype = dtypes.as_dtype(dtype or self.dtype)
        verify_shape = self._verify_shape if verify_shape is None else verify_shape
        dims = tuple(_dims(shape))
        flat = np.asarray(self.value).reshape(-1)
        if verify_shape and np.shape(self.value) != dims:
            raise TypeError("Expected Tensor's shape: %s, got %s." % (dims, np.shape(self.value)))
        size = int(np.prod(dims))
        if flat.size > size:
            raise ValueError("Too many elements provided. Takes at most %d, but got %d."
                             % (size, flat.size))
        if 0 < flat.size < size:
            flat = np.concatenate([flat, np.repeat(flat[-1:], size - flat.size)])
        return constant(flat.reshape(dims) if flat.size else self.value, dtype, shape=dims)

    def get_config(self):
        # verify_shape is a property of a call, not of the initializer (as in TF).
        return {"value": self.value, "dtype": self.dtype.name}


class _NormalInitializer(Initializer):
    """Shared by the two normal initializers: mean, stddev, seed and a float dtype."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class random_normal_initializer(_NormalInitializer):  # noqa: N801 - TF's public name
    """Initializes with samples of a normal distribution."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_normal(shape, self.mean, self.stddev, dtype or self.dtype,
                                        seed=self.seed)


class truncated_normal_initializer(_NormalInitializer):  # noqa: N801 - TF's public name
    """Initializes with normal samples, those beyond two standard deviations re-drawn."""

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.truncated_normal(shape, self.mean, self.stddev, dtype or self.dtype,
                                           seed=self.seed)


class random_uniform_initializer(Initializer):  # noqa: N801 - TF's public name
    """Initializes with samples uniform in [minval, maxval) (maxval defaults to 1 for floats)."""

    def __init__(self, minval=0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_uniform(shape, self.minval, self.maxval, dtype or self.dtype,
                                         seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


def compute_fans(shape):
    """(fan_in, fan_out) of a weight shape as TF computes them: a vector has both equal to its
    length; a matrix is (inputs, outputs); a convolution kernel (..., in_depth, out_depth)
    multiplies both by its receptive field size."""
    shape = _dims(shape)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive_field, shape[-1] * receptive_field


# The standard deviation of a unit normal truncated to [-2, 2] (scipy.stats.truncnorm.std(-2, 2)):
# dividing by it makes the truncated samples have the requested variance.
_TRUNCATED_STDDEV = .87962566103423978


class variance_scaling_initializer(Initializer):  # noqa: N801 - TF's public name
    """Samples with variance `scale / n`, n the fan_in, fan_out or their mean (`mode`), from a
    truncated normal ('truncated_normal' or its old name 'normal'), an untruncated normal
    ('untruncated_normal') or a uniform distribution ('uniform', limit sqrt(3 * scale / n))."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        if scale <= 0.:
            raise ValueError("`scale` must be positive float.")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError("Invalid `mode` argument: %r (expected 'fan_in', 'fan_out' or "
                             "'fan_avg')" % (mode,))
        distribution = distribution.lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError("Invalid `distribution` argument: %r (expected 'truncated_normal', "
                             "'untruncated_normal', 'normal' or 'uniform')" % (distribution,))
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = dtype or self.dtype
        fan_in, fan_out = compute_fans(partition_info.full_shape if partition_info else shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.}[self.mode]
        scale = self.scale / max(1., n)
        if self.distribution in ("normal", "truncated_normal"):
            return random_ops.truncated_normal(shape, 0.0, math.sqrt(scale) / _TRUNCATED_STDDEV,
                                               dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class glorot_uniform_initializer(variance_scaling_initializer):  # noqa: N801 - TF's public name
    """Xavier uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). TF1's default for
    float variables made by tf.get_variable."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class glorot_normal_initializer(variance_scaling_initializer):  # noqa: N801 - TF's public name
    """Xavier normal: truncated normal with stddev sqrt(2 / (fan_in + fan_out)) after truncation."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class orthogonal_initializer(Initializer):  # noqa: N801 - TF's public name
    """An orthogonal matrix (times `gain`): the Q of the QR decomposition of a normal sample,
    its columns' signs fixed by R's diagonal so the distribution is uniform (Haar). Shapes of
    rank > 2 are flattened to [prod(shape[:-1]), shape[-1]], as TF does."""

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        self.gain = gain
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _float_dtype(dtype or self.dtype)
        dims = _dims(shape)
        if len(dims) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        num_rows = int(np.prod(dims[:-1]))
        num_cols = dims[-1]
        flat_shape = (num_cols, num_rows) if num_rows < num_cols else (num_rows, num_cols)
        a = random_ops.random_normal(flat_shape, dtype=dtype, seed=self.seed)
        q, r = qr(a, full_matrices=False)
        q *= sign(matrix_diag_part(r))
        if num_rows < num_cols:
            q = matrix_transpose(q)
        return self.gain * reshape(q, dims)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class uniform_unit_scaling_initializer(Initializer):  # noqa: N801 - TF's public name
    """Uniform in [-m, m), m = factor * sqrt(3 / input size), the input size taken as the
    product of every dimension but the last (right for products and convolutions), at least
    1: TF1's older scale-preserving initializer (variance_scaling_initializer(factor ** 2,
    'fan_in', 'uniform') is its successor)."""

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        self.factor = factor
        self.seed = seed
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        input_size = max(float(np.prod(_dims(shape)[:-1])), 1.0)
        bound = math.sqrt(3 / input_size) * self.factor
        return random_ops.random_uniform(shape, -bound, bound, _float_dtype(dtype or self.dtype),
                                         seed=self.seed)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


class identity_initializer(Initializer):  # noqa: N801 - tf.initializers.identity
    """The identity matrix times `gain`, for 2-D variables only (recurrent kernels: IRNN)."""

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = _float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = _dims(shape)
        if len(dims) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        return self.gain * eye(*dims, dtype=_float_dtype(dtype or self.dtype))

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


def _fan_in_scaling(name, scale, distribution):
    """TF1's he_* / lecun_* initializer functions: variance_scaling on fan_in."""
    def make(seed=None):
        return variance_scaling_initializer(scale, "fan_in", distribution, seed)
    make.__name__ = name
    make.__doc__ = "variance_scaling_initializer(%s, 'fan_in', %r, seed)." % (scale, distribution)
    return make


# tf.initializers: TF1's second spelling of the initializers, and of the variable initializer ops.
initializers = types.ModuleType("minitf.initializers", "TF1's tf.initializers namespace.")
initializers.__dict__.update(
    zeros=zeros_initializer, ones=ones_initializer, constant=constant_initializer,
    random_normal=random_normal_initializer, random_uniform=random_uniform_initializer,
    truncated_normal=truncated_normal_initializer, variance_scaling=variance_scaling_initializer,
    glorot_uniform=glorot_uniform_initializer, glorot_normal=glorot_normal_initializer,
    orthogonal=orthogonal_initializer, identity=identity_initializer,
    uniform_unit_scaling=uniform_unit_scaling_initializer,
    he_normal=_fan_in_scaling("he_normal", 2.0, "truncated_normal"),
    he_uniform=_fan_in_scaling("he_uniform", 2.0, "uniform"),
    lecun_normal=_fan_in_scaling("lecun_normal", 1.0, "truncated_normal"),
    lecun_uniform=_fan_in_scaling("lecun_uniform", 1.0, "uniform"),
    global_variables=variables.global_variables_initializer,
    local_variables=variables.local_variables_initializer,
    variables=variables.variables_initializer, tables_initializer=tables_initializer)
