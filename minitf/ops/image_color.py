"""tf.image colour spaces and colour adjustments: RGB to and from HSV, YIQ and YUV, hue and
saturation (fixed and random).

The HSV ops are TF's ops (RGBToHSV, HSVToRGB, AdjustHue, AdjustSaturation) with TF's formulas:
hue in [0, 1) from the largest channel (red, then green, then blue on ties), saturation
(max - min) / max, value max; back through three clamped triangle waves of the hue. Like TF,
only RGBToHSV has a gradient; HSVToRGB is marked not differentiable (a None gradient) and the
two adjustments have none registered (LookupError). YIQ and YUV are one 3x3 matrix product."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import one_hot
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.image_adjust import ImageAdjustOp, as_float_image, random_factor
from minitf.ops.image_ops import convert_image_dtype
from minitf.ops.math_ops import (argmax, argmin, div_no_nan, reduce_max, reduce_min, reduce_sum,
                                 tensordot)
from minitf.ops.op_util import dtype_error
from minitf.ops.random_ops import random_uniform

__all__ = ["rgb_to_hsv", "hsv_to_rgb", "adjust_hue", "adjust_saturation", "random_hue",
           "random_saturation", "rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb"]

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


# -- kernels' arithmetic (xp: numpy or cupy) -------------------------------------------------------

def _to_hsv(xp, rgb):
    """(h, s, v) of the last axis of `rgb`, in its dtype."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    one = rgb.dtype.type(1)
    v = rgb.max(axis=-1)
    span = v - rgb.min(axis=-1)
    s = xp.where(v > 0, span / xp.where(v > 0, v, one), 0).astype(rgb.dtype, copy=False)
    norm = (one / xp.where(span > 0, span, one)) * (one / 6)
    h = xp.where(r == v, norm * (g - b),
                 xp.where(g == v, norm * (b - r) + one * 2 / 6, norm * (r - g) + one * 4 / 6))
    h = xp.where(span > 0, h, 0).astype(rgb.dtype, copy=False)
    return xp.where(h < 0, h + one, h), s, v


def _to_rgb(xp, h, s, v):
    """RGB of (h, s, v): (1 - s + s * d) * v per channel, d a triangle wave of 6h clamped to
    [0, 1] (red peaks at hue 0 and 1, green at 1/3, blue at 2/3)."""
    dh = h * 6
    waves = (xp.abs(dh - 3) - 1, 2 - xp.abs(dh - 2), 2 - xp.abs(dh - 4))
    return xp.stack([(1 - s + s * xp.clip(d, 0, 1)) * v for d in waves], axis=-1)


def _check_channels(images):
    if images.shape[-1] != 3:
        raise ValueError("input must have 3 channels but instead has %d channels."
                         % images.shape[-1])


# -- ops -------------------------------------------------------------------------------------------

class _ColorSpaceOp(OpDef):
    """RGBToHSV / HSVToRGB: any floating images whose last axis has 3 channels."""

    def infer(self, images):
        if images.dtype not in _FLOATS:
            raise dtype_error("images", images.dtype, _FLOATS)
        dims = images.shape.as_tuple()
        if dims is not None and (not dims or dims[-1] not in (None, 3)):
            raise ValueError("Dimension must be 3 but is %s (the last axis of 'images', shape "
                             "%s)" % (dims[-1] if dims else "missing", images.shape))
        return TensorSpec(images.shape, images.dtype)


@register
class RGBToHSV(_ColorSpaceOp):
    """Hue, saturation and value of RGB pixels (last axis), each in [0, 1]."""

    def compute(self, xp, images):
        return xp.stack(_to_hsv(xp, images), axis=-1)

    def grad(self, op, dy):
        # hue = n / (6 * span) + a constant, n the difference of the two channels other than the
        # largest; saturation = 1 - min / max; value = max. Zero where span or max is zero.
        rgb = op.inputs[0]
        dtype = rgb.dtype
        top = one_hot(argmax(rgb, -1), 3, dtype=dtype)  # the kernel's order on ties: r, g, b
        bottom = one_hot(argmin(rgb, -1), 3, dtype=dtype)
        v = reduce_max(rgb, -1, keepdims=True)
        low = reduce_min(rgb, -1, keepdims=True)
        span = v - low
        turn = convert_to_tensor([[0, 1, -1], [-1, 0, 1], [1, -1, 0]], dtype)
        dn = tensordot(top, turn, [[-1], [0]])  # d n / d rgb for the largest channel's formula
        n = reduce_sum(rgb * dn, -1, keepdims=True)
        dh = (dn - div_no_nan(n, span) * (top - bottom)) * div_no_nan(
            convert_to_tensor(1 / 6, dtype), span)
        ds = top * div_no_nan(low, v * v) - bottom * div_no_nan(
            convert_to_tensor(1, dtype), v)
        return [dy[..., 0:1] * dh + dy[..., 1:2] * ds + dy[..., 2:3] * top]


@register
class HSVToRGB(_ColorSpaceOp):
    """RGB pixels of hue, saturation and value (last axis). Not differentiable (as in TF)."""

    differentiable = False

    def compute(self, xp, images):
        return _to_rgb(xp, images[..., 0], images[..., 1], images[..., 2])


class _AdjustHSV(ImageAdjustOp):
    """AdjustHue / AdjustSaturation: the 3 channels are checked when the op runs (as TF's
    kernels do)."""

    def compute(self, xp, images, factor):
        _check_channels(images)
        h, s, v = _to_hsv(xp, images.astype(xp.float32, copy=False))
        out = _to_rgb(xp, *self.adjust(xp, h, s, v, factor))
        return out.astype(images.dtype, copy=False)


@register
class AdjustHue(_AdjustHSV):
    """Each pixel's hue turned by `delta` (a fraction of the circle), wrapped into [0, 1)."""

    factor_arg = "delta"

    def adjust(self, xp, h, s, v, delta):
        h = h + delta
        h = h - xp.floor(h)
        return xp.where(h >= 1, h - 1, h), s, v  # a tiny negative h rounds up to 1 above


@register
class AdjustSaturation(_AdjustHSV):
    """Each pixel's saturation multiplied by `scale`, clipped to [0, 1]."""

    factor_arg = "scale"

    def adjust(self, xp, h, s, v, scale):
        return h, xp.clip(s * scale, 0, 1), v


# -- public functions ------------------------------------------------------------------------------

def rgb_to_hsv(images, name=None):
    """tf.image.rgb_to_hsv: hue, saturation and value in [0, 1] of RGB values in [0, 1] (last
    axis; floating dtypes). Differentiable, as in TF."""
    images = convert_to_tensor(images, name="images")
    return RGBToHSV()(images, name=name or "RGBToHSV")


def hsv_to_rgb(images, name=None):
    """tf.image.hsv_to_rgb: RGB of hue, saturation and value in [0, 1] (last axis). Its gradient
    is None, as TF marks it not differentiable."""
    images = convert_to_tensor(images, name="images")
    return HSVToRGB()(images, name=name or "HSVToRGB")


def _adjust_hsv(opdef, op_name, factor_name, image, factor, name, default):
    with name_scope(name, default, [image]):
        image = convert_to_tensor(image, name="image")
        flt = as_float_image(image)
        with name_scope(None, op_name) as scope:
            factor = convert_to_tensor(factor, dtypes.float32, name=factor_name)
            adjusted = opdef(flt, factor, name=scope)
        return convert_image_dtype(adjusted, image.dtype)


def adjust_hue(image, delta, name=None):
    """tf.image.adjust_hue: each pixel's hue turned by `delta` (in [-1, 1], a fraction of the
    colour circle) in float32; integer images as fractions of their maximum. No gradient."""
    return _adjust_hsv(AdjustHue(), "AdjustHue", "delta", image, delta, name, "adjust_hue")


def adjust_saturation(image, saturation_factor, name=None):
    """tf.image.adjust_saturation: each pixel's HSV saturation multiplied by
    `saturation_factor` and clipped to [0, 1], in float32. No gradient."""
    return _adjust_hsv(AdjustSaturation(), "AdjustSaturation", "scale", image,
                       saturation_factor, name, "adjust_saturation")


def random_hue(image, max_delta, seed=None):
    """tf.image.random_hue: adjust_hue by one delta drawn uniformly from [-max_delta,
    max_delta) per run (max_delta at most 0.5)."""
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_hue(image, random_uniform([], -max_delta, max_delta, seed=seed))


def random_saturation(image, lower, upper, seed=None):
    """tf.image.random_saturation: adjust_saturation by one factor drawn uniformly from
    [lower, upper) per run."""
    return adjust_saturation(image, random_factor(lower, upper, seed))


# TF's matrices (columns: the output channels), to TF's digits.
_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _last_axis_product(images, matrix):
    images = convert_to_tensor(images, name="images")
    kernel = convert_to_tensor(matrix, dtype=images.dtype, name="kernel")
    rank = images.shape.ndims
    if rank is None:
        raise ValueError("minitf needs the rank of 'images' known when the graph is built")
    return tensordot(images, kernel, axes=[[rank - 1], [0]])


def rgb_to_yiq(images):
    """tf.image.rgb_to_yiq: luma Y and chroma I, Q of RGB values (last axis of size 3)."""
    return _last_axis_product(images, _RGB_TO_YIQ)


def yiq_to_rgb(images):
    """tf.image.yiq_to_rgb: RGB of Y, I, Q values (the inverse of rgb_to_yiq)."""
    return _last_axis_product(images, _YIQ_TO_RGB)


def rgb_to_yuv(images):
    """tf.image.rgb_to_yuv: luma Y and chroma U, V of RGB values (last axis of size 3)."""
    return _last_axis_product(images, _RGB_TO_YUV)


def yuv_to_rgb(images):
    """tf.image.yuv_to_rgb: RGB of Y, U, V values (the inverse of rgb_to_yuv)."""
    return _last_axis_product(images, _YUV_TO_RGB)
