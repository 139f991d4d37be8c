"""ImageProjectiveTransformV2, the op under tf.contrib.image.transform / rotate / translate:
each output pixel (x, y) samples the input at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k),
k = c0 x + c1 y + 1, per image's 8 transform numbers [a0, a1, a2, b0, b1, b2, c0, c1], by
nearest neighbour or bilinear interpolation; samples outside the input (and k = 0) read 0
(TF's CONSTANT fill, the only fill TF 1.15's contrib op had). Arithmetic in float32 in the
order of TF's kernel, so the values are TF's. Its gradient is TF's: the output gradient sent
back through the inverse transform, an approximation of the true gradient that TF defines
(minitf keeps it, so training through it behaves as in TF)."""

from minitf import dtypes
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value_as_shape
from minitf.ops.op_util import dtype_error, rank_error

__all__ = ["ImageProjectiveTransformV2"]

_IMAGE_DTYPES = (dtypes.uint8, dtypes.int32, dtypes.int64, dtypes.float16, dtypes.float32,
                 dtypes.float64)


def _round_half_away(xp, v):
    """C's round() of float32 values (exactly, in float64)."""
    v = v.astype(xp.float64)
    return xp.where(v >= 0, xp.floor(v + 0.5), xp.ceil(v - 0.5))


@register
class ImageProjectiveTransformV2(OpDef):
    tf_signature = TFSignature(type_attrs=(("dtype", 0),))
    interpolation: str = "NEAREST"
    fill_mode: str = "CONSTANT"

    def infer(self, images, transforms, output_shape):
        name = self.type_name
        if self.interpolation not in ("NEAREST", "BILINEAR"):
            raise ValueError("%s: interpolation must be NEAREST or BILINEAR, got %r"
                             % (name, self.interpolation))
        if self.fill_mode != "CONSTANT":
            raise ValueError("%s: minitf fills with zeros only (fill_mode CONSTANT, TF 1.15's "
                             "contrib op), got fill_mode %r" % (name, self.fill_mode))
        if images.dtype not in _IMAGE_DTYPES:
            raise dtype_error("images", images.dtype, _IMAGE_DTYPES)
        if images.shape.ndims not in (None, 4):
            raise rank_error(4, images.shape.ndims, " (argument 'images' of %s)" % name)
        if transforms.dtype is not dtypes.float32:
            raise dtype_error("transforms", transforms.dtype, (dtypes.float32,))
        if transforms.shape.ndims not in (None, 2) or (
                transforms.shape.ndims == 2 and transforms.shape[1].value not in (None, 8)):
            raise ValueError("%s: transforms must be [num_images or 1, 8], got shape %s (images "
                             "%s)" % (name, transforms.shape, images.shape))
        if output_shape.dtype is not dtypes.int32 or output_shape.shape.ndims not in (None, 1):
            raise ValueError("%s: output_shape must be a 1-D int32 tensor [height, width], got "
                             "%s %s" % (name, output_shape.dtype.name, output_shape.shape))
        n, _, _, c = images.shape.as_tuple() or (None,) * 4
        size = constant_value_as_shape(output_shape)
        height, width = (None, None) if size.ndims is None else size.as_tuple()
        return TensorSpec((n, height, width, c), images.dtype)

    def compute(self, xp, images, transforms, output_shape):
        n, h, w, c = images.shape
        out_h, out_w = (int(v) for v in output_shape.tolist())
        if transforms.shape[0] not in (1, n):
            raise ValueError("Input transform should be num_images x 8 or 1 x 8, got %s for %d "
                             "images" % (list(transforms.shape), n))
        f32 = xp.float32
        t = xp.broadcast_to(transforms.astype(f32), (n, 8))[:, :, None, None]
        ys = xp.arange(out_h, dtype=f32)[None, :, None]
        xs = xp.arange(out_w, dtype=f32)[None, None, :]
        k = t[:, 6] * xs + t[:, 7] * ys + f32(1)
        valid = k != 0
        k = xp.where(valid, k, f32(1))
        in_x = (t[:, 0] * xs + t[:, 1] * ys + t[:, 2]) / k
        in_y = (t[:, 3] * xs + t[:, 4] * ys + t[:, 5]) / k
        flat = images.reshape(n, h * w, c)
        rows = xp.arange(n)[:, None, None]

        def read(y, x):
            """The pixels at integer float positions (y, x), zero outside the image."""
            inside = valid & (y >= 0) & (y < h) & (x >= 0) & (x < w)
            index = xp.where(inside, y, 0).astype(xp.int64) * w \
                + xp.where(inside, x, 0).astype(xp.int64)
            values = flat[rows, index]
            return xp.where(inside[..., None], values, xp.zeros((), images.dtype))

        if self.interpolation == "NEAREST":  # C's round: halves away from zero
            return read(_round_half_away(xp, in_y), _round_half_away(xp, in_x))
        # TF's kernel weighs the four neighbours in float32 whatever the image's type, and
        # casts the result back (a truncation for integer images)
        y0, x0 = xp.floor(in_y), xp.floor(in_x)
        y1, x1 = y0 + f32(1), x0 + f32(1)

        def corner(y, x):
            return read(y, x).astype(f32)

        wx0, wx1 = (x1 - in_x)[..., None], (in_x - x0)[..., None]
        top = wx0 * corner(y0, x0) + wx1 * corner(y0, x1)
        bottom = wx0 * corner(y1, x0) + wx1 * corner(y1, x1)
        value = (y1 - in_y)[..., None] * top + (in_y - y0)[..., None] * bottom
        return xp.where(valid[..., None], value, f32(0)).astype(images.dtype)

    def grad(self, op, dy):
        from minitf.contrib.image import _inverse_transforms
        from minitf.ops.array_ops import shape, slice
        images, transforms = op.inputs[0], op.inputs[1]
        inverse = _inverse_transforms(transforms)
        back = ImageProjectiveTransformV2(interpolation=self.interpolation)(
            dy, inverse, slice(shape(images), [1], [2]), name="ImageProjectiveTransformV2")
        return [back, None, None]
