"""Fake quantization (tf.fake_quant_with_min_max_args / _vars / _vars_per_channel and their
_gradient functions): float32 values clamped to a range and rounded to one of 2**num_bits
levels, computed in float32 step by step as TF's kernels do, so the outputs are TF's to the
bit. The range is first "nudged" so that 0.0 is exactly one of the levels.

The gradient is TF's straight-through estimate: the incoming gradient where the input lies
inside the nudged range; for the _vars ops the gradient of min (max) is the sum of the
incoming gradient where the input lies below (above) it."""

from minitf import dtypes
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.core import convert_to_tensor
from minitf.ops.op_util import kernel_outputs, rank_error

__all__ = ["fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient",
           "fake_quant_with_min_max_vars", "fake_quant_with_min_max_vars_gradient",
           "fake_quant_with_min_max_vars_per_channel",
           "fake_quant_with_min_max_vars_per_channel_gradient"]


def _nudge(xp, low, high, num_bits, narrow_range):
    """(nudged min, nudged max, scale, 1 / scale as TF computes it) for float32 arrays `low`,
    `high` (scalars, or one per channel): TF's Nudge, in float32."""
    f32 = xp.float32
    quant_min = f32(1 if narrow_range else 0)
    quant_max = f32((1 << num_bits) - 1)
    scale = (high - low) / (quant_max - quant_min)
    inv_scale = (quant_max - quant_min) / (high - low)
    zero_from_min = quant_min - low / scale
    rounded = xp.floor(zero_from_min)
    rounded = xp.where(zero_from_min - rounded >= f32(0.5), rounded + f32(1), rounded)
    zero = xp.where(zero_from_min < quant_min, quant_min,  # std::round inside TF's clamps
                    xp.where(zero_from_min > quant_max, quant_max, rounded))
    return (quant_min - zero) * scale, (quant_max - zero) * scale, scale, inv_scale


def _quantize(xp, x, low, high, num_bits, narrow_range, divide):
    """TF's kernels in float32: the _args and _per_channel ones multiply by 1 / scale, the
    _vars one divides by the scale (`divide`), which rounds differently at some level
    boundaries (TF's FakeQuantWithMinMaxVars turns -1.2 in [-6, 6] into -1.2235295 where
    FakeQuantWithMinMaxArgs gives -1.1764706)."""
    nudged_min, nudged_max, scale, inv_scale = _nudge(xp, low, high, num_bits, narrow_range)
    levels = (lambda v: v / scale) if divide else (lambda v: v * inv_scale)
    quant_zero = xp.floor(levels(-nudged_min) + xp.float32(0.5))
    shifted = xp.minimum(xp.maximum(x, nudged_min), nudged_max) - nudged_min
    return (xp.floor(levels(shifted) - quant_zero + xp.float32(0.5)) * scale).astype(
        xp.float32)


def _inside(xp, x, low, high, num_bits, narrow_range):
    """(input inside the nudged range, below it, above it) as bool arrays. TF's CPU threads
    flush subnormal floats to zero, so a subnormal input compares as 0.0."""
    nudged_min, nudged_max, _, _ = _nudge(xp, low, high, num_bits, narrow_range)
    x = xp.where(xp.abs(x) < xp.finfo(xp.float32).tiny, xp.float32(0), x)
    return (x >= nudged_min) & (x <= nudged_max), x < nudged_min, x > nudged_max


class _FakeQuantBase(OpDef):
    """num_bits and narrow_range, their checks, and the float32 checks of the inputs."""

    num_bits: int = 8
    narrow_range: bool = False
    tf_signature = TFSignature(type_attrs=())  # float32 only: TF's ops have no T

    def _check(self, *named):
        if not 2 <= self.num_bits <= 16:
            raise ValueError("num_bits must be between 2 and 16, inclusive")
        for arg, t in named:
            if t.dtype is not dtypes.float32:
                raise TypeError("Input '%s' of '%s' Op has type %s that does not match expected "
                                "type of float32." % (arg, self.type_name, t.dtype.name))

    def _check_ranges(self, x, low, high, per_channel):
        for arg, t in (("min", low), ("max", high)):
            if t.shape.ndims is not None and t.shape.ndims != int(per_channel):
                raise rank_error(int(per_channel), t.shape.ndims, " (argument '%s')" % arg)
        if not per_channel:
            return
        dims = [x.shape.as_tuple()[-1] if x.shape.ndims else None]
        dims += [t.shape.as_tuple()[0] if t.shape.ndims else None for t in (low, high)]
        known = [d for d in dims if d is not None]
        if any(d != known[0] for d in known):
            raise ValueError("Dimensions must be equal, but are %d and %d"
                             % (known[0], [d for d in known if d != known[0]][0]))
        if x.shape.ndims is not None and not 1 <= x.shape.ndims <= 4:
            raise ValueError("Shape must be at least rank 1 and at most rank 4 (argument "
                             "'inputs'), got rank %d" % x.shape.ndims)


class _ArgsBase(_FakeQuantBase):
    min: float = -6.0
    max: float = 6.0

    def _check_args(self):
        if not self.min < self.max:
            raise ValueError("min has to be smaller than max, was: %g >= %g"
                             % (self.min, self.max))

    def limits(self, xp):
        return xp.asarray(self.min, xp.float32), xp.asarray(self.max, xp.float32)


@register
class FakeQuantWithMinMaxArgs(_ArgsBase):
    """Input inputs; the range is the attrs (min, max)."""

    def infer(self, x):
        self._check(("inputs", x))
        self._check_args()
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return _quantize(xp, x, *self.limits(xp), self.num_bits, self.narrow_range, False)

    def grad(self, op, dy):
        return [FakeQuantWithMinMaxArgsGradient(**self.attrs())(
            dy, op.inputs[0], name="FakeQuantWithMinMaxArgsGradient")]


@register
class FakeQuantWithMinMaxArgsGradient(_ArgsBase):
    """Inputs (gradients, inputs): gradients where inputs lie in the nudged range, else 0."""

    def infer(self, dy, x):
        self._check(("gradients", dy), ("inputs", x))
        self._check_args()
        if not dy.shape.is_compatible_with(x.shape):
            raise ValueError("Shapes must be equal rank, but are %d and %d"
                             % (dy.shape.ndims, x.shape.ndims)
                             if dy.shape.ndims != x.shape.ndims else
                             "Dimensions must be equal: gradients %s, inputs %s"
                             % (dy.shape, x.shape))
        return TensorSpec(x.shape.merge_with(dy.shape), x.dtype)

    def compute(self, xp, dy, x):
        inside, _, _ = _inside(xp, x, *self.limits(xp), self.num_bits, self.narrow_range)
        return dy * inside.astype(xp.float32)  # a product, as TF: -0.0 outside for dy < 0


class _VarsBase(_FakeQuantBase):
    per_channel = False
    divide = True  # FakeQuantWithMinMaxVars divides by the scale; the others multiply

    def infer(self, x, low, high):
        self._check(("inputs", x), ("min", low), ("max", high))
        self._check_ranges(x, low, high, self.per_channel)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x, low, high):
        return _quantize(xp, x, low, high, self.num_bits, self.narrow_range, self.divide)

    def grad(self, op, dy):
        cls = self.gradient_op
        return cls(**self.attrs())(dy, *op.inputs, name=cls.type_name)


class _VarsGradientBase(_FakeQuantBase):
    per_channel = False

    def infer(self, dy, x, low, high):
        self._check(("gradients", dy), ("inputs", x), ("min", low), ("max", high))
        self._check_ranges(x, low, high, self.per_channel)
        if not dy.shape.is_compatible_with(x.shape):
            raise ValueError("Dimensions must be equal: gradients %s, inputs %s"
                             % (dy.shape, x.shape))
        shape = x.shape.merge_with(dy.shape)
        ranges = low.shape.merge_with(high.shape)
        if self.per_channel and shape.ndims:
            ranges = ranges.merge_with([shape.as_tuple()[-1]])
        return [TensorSpec(shape, x.dtype), TensorSpec(ranges, x.dtype),
                TensorSpec(ranges, x.dtype)]

    def compute(self, xp, dy, x, low, high):
        inside, below, above = _inside(xp, x, low, high, self.num_bits, self.narrow_range)
        zero = xp.float32(0)
        axes = tuple(range(x.ndim - 1)) if self.per_channel else None
        return kernel_outputs([dy * inside.astype(xp.float32),
                               xp.where(below, dy, zero).sum(axis=axes, dtype=xp.float32),
                               xp.where(above, dy, zero).sum(axis=axes, dtype=xp.float32)])


@register
class FakeQuantWithMinMaxVarsGradient(_VarsGradientBase):
    """Inputs (gradients, inputs, min, max) -> (gradients wrt inputs, wrt min, wrt max)."""


@register
class FakeQuantWithMinMaxVarsPerChannelGradient(_VarsGradientBase):
    """As FakeQuantWithMinMaxVarsGradient with one (min, max) per last-axis channel."""

    per_channel = True


@register
class FakeQuantWithMinMaxVars(_VarsBase):
    """Inputs (inputs, min, max): scalar float32 tensors give the range."""

    gradient_op = FakeQuantWithMinMaxVarsGradient


@register
class FakeQuantWithMinMaxVarsPerChannel(_VarsBase):
    """Inputs (inputs [..., d], min [d], max [d]): one range per last-axis channel."""

    per_channel = True
    divide = False
    gradient_op = FakeQuantWithMinMaxVarsPerChannelGradient


def _tensor(value, name):
    return convert_to_tensor(value, name=name)


def fake_quant_with_min_max_args(inputs, min=-6, max=6, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """tf.fake_quant_with_min_max_args: float32 `inputs` clamped to [min, max] (nudged so 0.0
    is a level) and rounded to one of 2**num_bits levels (2**num_bits - 1 when narrow_range)."""
    return FakeQuantWithMinMaxArgs(int(num_bits), bool(narrow_range), float(min), float(max))(
        _tensor(inputs, "inputs"), name=name or "FakeQuantWithMinMaxArgs")


def fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6, max=6,  # noqa: A002
                                          num_bits=8, narrow_range=False, name=None):
    """tf.fake_quant_with_min_max_args_gradient: `gradients` where `inputs` lie in the nudged
    range, else 0."""
    return FakeQuantWithMinMaxArgsGradient(int(num_bits), bool(narrow_range), float(min),
                                           float(max))(
        _tensor(gradients, "gradients"), _tensor(inputs, "inputs"),
        name=name or "FakeQuantWithMinMaxArgsGradient")


def _vars(cls, default, tensors, num_bits, narrow_range, name):
    return cls(int(num_bits), bool(narrow_range))(*tensors, name=name or default)


def fake_quant_with_min_max_vars(inputs, min, max, num_bits=8, narrow_range=False,  # noqa: A002
                                 name=None):
    """tf.fake_quant_with_min_max_vars: fake_quant_with_min_max_args with the range given by
    the scalar float32 tensors min and max (trainable: they get gradients)."""
    return _vars(FakeQuantWithMinMaxVars, "FakeQuantWithMinMaxVars",
                 [_tensor(inputs, "inputs"), _tensor(min, "min"), _tensor(max, "max")],
                 num_bits, narrow_range, name)


def fake_quant_with_min_max_vars_gradient(gradients, inputs, min, max, num_bits=8,  # noqa: A002
                                          narrow_range=False, name=None):
    """tf.fake_quant_with_min_max_vars_gradient: (gradients wrt inputs, wrt min, wrt max)."""
    return _vars(FakeQuantWithMinMaxVarsGradient, "FakeQuantWithMinMaxVarsGradient",
                 [_tensor(gradients, "gradients"), _tensor(inputs, "inputs"),
                  _tensor(min, "min"), _tensor(max, "max")], num_bits, narrow_range, name)


def fake_quant_with_min_max_vars_per_channel(inputs, min, max, num_bits=8,  # noqa: A002
                                             narrow_range=False, name=None):
    """tf.fake_quant_with_min_max_vars_per_channel: one (min, max) pair, each a [d] float32
    tensor, per channel of the last axis of `inputs` [..., d]."""
    return _vars(FakeQuantWithMinMaxVarsPerChannel, "FakeQuantWithMinMaxVarsPerChannel",
                 [_tensor(inputs, "inputs"), _tensor(min, "min"), _tensor(max, "max")],
                 num_bits, narrow_range, name)


def fake_quant_with_min_max_vars_per_channel_gradient(gradients, inputs, min, max,  # noqa: A002
                                                      num_bits=8, narrow_range=False,
                                                      name=None):
    """tf.fake_quant_with_min_max_vars_per_channel_gradient: (gradients wrt inputs, wrt min
    [d], wrt max [d])."""
    return _vars(FakeQuantWithMinMaxVarsPerChannelGradient,
                 "FakeQuantWithMinMaxVarsPerChannelGradient",
                 [_tensor(gradients, "gradients"), _tensor(inputs, "inputs"),
                  _tensor(min, "min"), _tensor(max, "max")], num_bits, narrow_range, name)
