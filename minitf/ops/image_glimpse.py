"""tf.image.extract_glimpse (TF1's, op ExtractGlimpse): a [height, width] window of each image
at an offset, the part of the window outside the image filled with noise.

TF 1.15's semantics, which compat.v1 keeps (ExtractGlimpseV2 changed them): offsets are (y, x)
pairs of the window's centre; `normalized` ones are first scaled by the image size; `centered`
ones are then HALVED (even unnormalized ones, TF1's quirk) and moved to the image centre; half
the window is subtracted, and the corner is truncated to an integer toward zero, all in
float32. Outside the image: uniform noise between the image's minimum and maximum
(`uniform_noise`), else gaussian noise with each channel's mean and standard deviation, drawn
from minitf's random stream, not TF's."""

from typing import ClassVar

from minitf import dtypes
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.op_util import dtype_error, rank_error

__all__ = ["extract_glimpse"]


def _corner(offset, size, window, normalized, centered):
    """The window's top (left) corner on one axis, in float32 arithmetic as TF's."""
    f32 = type(offset)
    if normalized:
        offset = offset * f32(size)
    if centered:
        offset = offset / f32(2) + f32(size) / f32(2)
    return int(offset - f32(window) / f32(2))  # C++'s cast: toward zero


@register
class ExtractGlimpse(OpDef):
    """Inputs (input [N, H, W, C] float32, size [2] int32, offsets [N, 2] float32)."""

    centered: bool = True
    normalized: bool = True
    uniform_noise: bool = True
    noise: str = "uniform"
    tf_signature = TFSignature(type_attrs=())  # float32 only: TF's op has no T
    stateful = True         # it draws noise
    differentiable = False  # TF registers no gradient
    seed: ClassVar[int] = 0   # a nondeterministic stream (TF's op has no seed attrs)
    seed2: ClassVar[int] = 0

    def infer(self, x, size, offsets):
        if x.dtype is not dtypes.float32:
            raise dtype_error("input", x.dtype, (dtypes.float32,), "ExtractGlimpse")
        if size.dtype is not dtypes.int32:
            raise dtype_error("size", size.dtype, (dtypes.int32,), "ExtractGlimpse")
        if offsets.dtype is not dtypes.float32:
            raise dtype_error("offsets", offsets.dtype, (dtypes.float32,), "ExtractGlimpse")
        if self.noise not in ("uniform", "gaussian", "zero", ""):
            raise ValueError("noise must be one of 'uniform', 'gaussian' or 'zero', got %r"
                             % self.noise)
        for t, rank, arg in ((x, 4, "input"), (size, 1, "size"), (offsets, 2, "offsets")):
            if t.shape.ndims is not None and t.shape.ndims != rank:
                raise rank_error(rank, t.shape.ndims, " (argument '%s')" % arg)
        dims = x.shape.as_tuple() or (None,) * 4
        rows = offsets.shape.as_tuple() or (None, None)
        if None not in (dims[0], rows[0]) and dims[0] != rows[0]:
            raise ValueError("Dimensions must be equal, but are %d and %d" % (dims[0], rows[0]))
        if rows[1] not in (None, 2):
            raise ValueError("Dimension must be 2 but is %d" % rows[1])
        window = constant_value(size)
        height, width = (None, None) if window is None else (int(v) for v in window)
        return TensorSpec([dims[0] if dims[0] is not None else rows[0], height, width, dims[3]],
                          x.dtype)

    def bind(self, ctx, op):
        xp, rng = ctx.xp_for(op), ctx.rng_for(op)
        return lambda *inputs: self.glimpse(xp, rng, *inputs)

    def glimpse(self, xp, rng, x, size, offsets):
        n, h, w, c = x.shape
        height, width = (int(v) for v in size.tolist())
        if offsets.shape[0] != n:
            raise ValueError("input and offsets must have the same batch size: %d != %d"
                             % (n, offsets.shape[0]))
        noise = self.noise or ("uniform" if self.uniform_noise else "gaussian")
        out = xp.zeros((n, height, width, c), xp.float32)
        for b, (y_offset, x_offset) in enumerate(offsets.tolist()):
            image = x[b]
            if noise == "uniform":
                low, high = float(image.min()), float(image.max())
                out[b] = xp.asarray(rng.uniform(0, 1, (height, width, c)), xp.float32) * xp.float32(
                    high - low) + xp.float32(low)
            elif noise == "gaussian":
                mean, std = image.mean(axis=(0, 1)), image.std(axis=(0, 1))
                out[b] = mean + std * xp.asarray(rng.standard_normal((height, width, c)),
                                                 xp.float32)
            f32 = xp.float32
            top = _corner(f32(y_offset), h, height, self.normalized, self.centered)
            left = _corner(f32(x_offset), w, width, self.normalized, self.centered)
            rows = slice(max(top, 0), min(top + height, h))
            cols = slice(max(left, 0), min(left + width, w))
            if rows.start < rows.stop and cols.start < cols.stop:
                out[b, rows.start - top:rows.stop - top, cols.start - left:cols.stop - left] = \
                    image[rows, cols]
        return out


def extract_glimpse(input, size, offsets, centered=True, normalized=True,  # noqa: A002
                    uniform_noise=True, name=None):
    """tf.image.extract_glimpse (TF1): the [height, width] windows (`size`) of each image of
    input [N, H, W, C] at `offsets` [N, 2] (y, x pairs; see the module docstring for how
    `centered` and `normalized` place them), noise where a window leaves the image."""
    return ExtractGlimpse(bool(centered), bool(normalized), bool(uniform_noise))(
        convert_to_tensor(input, name="input"),
        convert_to_tensor(size, dtype=dtypes.int32, name="size"),
        convert_to_tensor(offsets, name="offsets"), name=name or "ExtractGlimpse")
