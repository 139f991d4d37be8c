"""tf.image augmentation and geometry functions: random crops, brightness, contrast and
gamma, grayscale, rotations by quarter turns, transposes, crop-or-pad resizing, total variation,
image gradients and Sobel edges.

Everything here but AdjustContrastv2 is composed of existing ops, the way TF composes it, so it
has TF's gradients (and TF's lack of one for adjust_contrast). Functions that change pixel values
work in float32 and convert back to the input's dtype as TF's do: integer images go through
convert_image_dtype (uint8 255 is 1.0) and are saturated on the way back."""

from minitf import dtypes
from minitf.framework.graph import control_dependencies, name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.ops.array_ops import (concat, expand_dims, identity, ones, pad, reshape, reverse,
                                  shape, slice, squeeze, stack, tile, transpose, unstack, zeros)
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.array_ops import rank as rank_of
from minitf.ops.control_flow_ops import case, cond
from minitf.ops.conv_ops import depthwise_conv2d
from minitf.ops.image_ops import convert_image_dtype
from minitf.ops.logging_ops import Assert
from minitf.ops.math_ops import (abs, add, cast, equal, greater_equal, maximum, minimum, mod,
                                 reduce_all, reduce_sum, tensordot)
from minitf.ops.op_util import dtype_error
from minitf.ops.random_ops import random_uniform

__all__ = ["random_crop", "random_brightness", "random_contrast", "adjust_brightness",
           "adjust_contrast", "adjust_gamma", "rgb_to_grayscale", "grayscale_to_rgb", "rot90",
           "transpose_image", "resize_image_with_crop_or_pad", "total_variation",
           "image_gradients", "sobel_edges"]


# -- shape checks (TF's messages) ------------------------------------------------------------------

def _at_least_3d(image):
    """TF's _CheckAtLeast3DImage at build time: rank >= 3 (an unknown rank passes), no zero
    among the last three dimensions."""
    dims = image.shape.as_tuple()
    if dims is not None and len(dims) < 3:
        raise ValueError("'image' (shape %s) must be at least three-dimensional." % image.shape)
    if dims is not None and 0 in dims[-3:]:
        raise ValueError("inner 3 dims of 'image.shape' must be > 0: %s" % image.shape)


def _by_rank(image, build):
    """build(3) or build(4) for a single image or a batch; for an image of unknown rank, both,
    one picked when the graph runs by a cond on the rank (as TF)."""
    rank = image.shape.ndims
    if rank is None:
        return cond(equal(rank_of(image), 3), lambda: build(3), lambda: build(4))
    if rank not in (3, 4):
        raise ValueError("'image' (shape %s) must have either 3 or 4 dimensions." % image.shape)
    return build(rank)


def as_float_image(image):
    """The image as TF's adjust_* functions compute on it: float16 and float32 as they are,
    anything else through convert_image_dtype to float32."""
    if image.dtype in (dtypes.float16, dtypes.float32):
        return image
    return convert_image_dtype(image, dtypes.float32)


# -- random crop -----------------------------------------------------------------------------------

def random_crop(value, size, seed=None, name=None):
    """tf.random_crop (tf.image.random_crop): a `size` block of `value` at a uniformly drawn
    offset (seeded as every random op). A run where `value` is smaller than `size` fails with
    InvalidArgumentError "Need value.shape >= size"."""
    with name_scope(name, "random_crop", [value, size]) as scope:
        value = convert_to_tensor(value, name="value")
        size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        full = shape(value)
        check = Assert(reduce_all(greater_equal(full, size)),
                       ["Need value.shape >= size, got ", full, size], summarize=1000)
        with control_dependencies([check]):
            full = identity(full)
        limit = full - size + 1
        offset = mod(random_uniform(shape(full), dtype=dtypes.int32, maxval=dtypes.int32.max,
                                    seed=seed), limit)
        return slice(value, offset, size, name=scope)


# -- brightness, contrast, gamma -------------------------------------------------------------------

def adjust_brightness(image, delta):
    """tf.image.adjust_brightness: `delta` added to every pixel in float32 (integer images as
    fractions of their maximum), saturated back into the input's dtype."""
    with name_scope(None, "adjust_brightness", [image, delta]) as scope:
        image = convert_to_tensor(image, name="image")
        flt = as_float_image(image)
        adjusted = add(flt, cast(delta, flt.dtype), name=scope)
        return convert_image_dtype(adjusted, image.dtype, saturate=True)


def random_brightness(image, max_delta, seed=None):
    """tf.image.random_brightness: adjust_brightness by one delta drawn uniformly from
    [-max_delta, max_delta) per run (one for a whole batch, as TF)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    delta = random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_brightness(image, delta)


class ImageAdjustOp(OpDef):
    """Base of TF's image adjustment ops (AdjustContrastv2, AdjustHue, AdjustSaturation):
    float16 or float32 images of rank >= 3 and one float32 scalar, named `factor_arg`; the
    output has the images' shape and dtype. None has a gradient in TF."""

    factor_arg = "contrast_factor"

    def infer(self, images, factor):
        if images.shape.ndims is not None and images.shape.ndims < 3:
            raise ValueError("Shape must be at least rank 3 but is rank %d (argument 'images')"
                             % images.shape.ndims)
        if images.dtype not in (dtypes.float16, dtypes.float32):
            raise dtype_error("images", images.dtype, (dtypes.float16, dtypes.float32))
        if factor.dtype is not dtypes.float32:
            raise dtype_error(self.factor_arg, factor.dtype, (dtypes.float32,))
        if factor.shape.ndims not in (None, 0):
            raise ValueError("Shape must be rank 0 but is rank %d (argument '%s')"
                             % (factor.shape.ndims, self.factor_arg))
        return TensorSpec(images.shape, images.dtype)


@register
class AdjustContrastv2(ImageAdjustOp):
    """(x - mean) * contrast_factor + mean, the mean taken per image and channel over height and
    width (the last three axes are height, width, channels)."""

    def compute(self, xp, images, contrast_factor):
        x = images.astype(xp.float32, copy=False)
        mean = x.mean(axis=(-3, -2), keepdims=True, dtype=xp.float32)
        out = (x - mean) * contrast_factor + mean
        return out.astype(images.dtype, copy=False)


def adjust_contrast(images, contrast_factor):
    """tf.image.adjust_contrast: each channel of each image moved away from (factor > 1) or
    towards its mean over height and width; integer images saturate back into their dtype."""
    with name_scope(None, "adjust_contrast", [images, contrast_factor]) as scope:
        images = convert_to_tensor(images, name="images")
        flt = as_float_image(images)
        factor = convert_to_tensor(contrast_factor, dtypes.float32, name="contrast_factor")
        adjusted = AdjustContrastv2()(flt, factor, name=scope)
        return convert_image_dtype(adjusted, images.dtype, saturate=True)


def random_contrast(image, lower, upper, seed=None):
    """tf.image.random_contrast: adjust_contrast by one factor drawn uniformly from
    [lower, upper) per run."""
    return adjust_contrast(image, random_factor(lower, upper, seed))


def random_factor(lower, upper, seed):
    """One factor uniform in [lower, upper) per run, with TF's checks of the bounds (the
    random_contrast / random_saturation draw)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    return random_uniform([], lower, upper, seed=seed)


def adjust_gamma(image, gamma=1, gain=1):
    """tf.image.adjust_gamma: gain * image ** gamma in float32, back to the input's dtype
    (saturated). A negative Python `gamma` is a ValueError; a tensor one fails at run time."""
    with name_scope(None, "adjust_gamma", [image, gamma, gain]):
        image = convert_to_tensor(image, name="image")
        flt = as_float_image(image)
        if isinstance(gamma, Tensor):
            check = Assert(gamma >= 0, ["Gamma should be a non-negative real number."])
            with control_dependencies([check]):
                gamma = identity(gamma)
        elif not gamma >= 0:
            raise ValueError("Gamma should be a non-negative real number.")
        return convert_image_dtype(gain * flt ** gamma, image.dtype, saturate=True)


# -- grayscale -------------------------------------------------------------------------------------

_GRAY_WEIGHTS = [0.2989, 0.5870, 0.1140]  # TF's (ITU-R 601 luma, rounded to 4 digits)


def rgb_to_grayscale(images, name=None):
    """tf.image.rgb_to_grayscale: the luma of the last (RGB) axis, kept as an axis of size 1;
    computed in float32 and converted back to the input's dtype."""
    with name_scope(name, "rgb_to_grayscale", [images]) as scope:
        images = convert_to_tensor(images, name="images")
        flt = convert_image_dtype(images, dtypes.float32)
        gray = expand_dims(tensordot(flt, _GRAY_WEIGHTS, [-1, -1]), -1)
        return convert_image_dtype(gray, images.dtype, name=scope)


def grayscale_to_rgb(images, name=None):
    """tf.image.grayscale_to_rgb: the single channel repeated three times (a last axis that is
    not 1 fails while building when the shape is known, else when the graph runs)."""
    with name_scope(name, "grayscale_to_rgb", [images]) as scope:
        images = convert_to_tensor(images, name="images")
        dims = images.shape.as_tuple()
        if dims is not None and len(dims) < 2:
            raise ValueError("A grayscale image (shape %s) must be at least two-dimensional."
                             % images.shape)
        if dims is not None and None not in dims and dims[-1] != 1:
            raise ValueError("Last dimension of a grayscale image should be size 1.")
        if dims is None or None in dims:  # TF checks a partly known shape at run time
            check = Assert(equal(shape(images)[-1], 1),
                           ["Last dimension of a grayscale image should be size 1."])
            with control_dependencies([check]):
                images = identity(images)
        if dims is None:
            multiples = concat([ones(expand_dims(rank_of(images) - 1, 0), dtypes.int32), [3]], 0)
            return tile(images, multiples, name=scope)
        rgb = tile(images, [1] * (len(dims) - 1) + [3], name=scope)
        rgb.set_shape(list(dims[:-1]) + [3])
        return rgb


# -- quarter turns and transposes ------------------------------------------------------------------

def rot90(image, k=1, name=None):
    """tf.image.rot90: (batches of) images rotated counter-clockwise by k quarter turns; `k`
    may be a tensor, so the result picks one of four branches (tf.case, as TF) and its height
    and width are static only where all four agree. The rank may be unknown until run time."""
    with name_scope(name, "rot90", [image, k]) as scope:
        image = convert_to_tensor(image, name="image")
        _at_least_3d(image)
        k = convert_to_tensor(k, dtype=dtypes.int32, name="k")
        if k.shape.ndims not in (None, 0):
            raise ValueError("Shape %s must have rank 0" % k.shape)
        k = mod(k, 4)

        def turned(rank):
            h, w = rank - 3, rank - 2
            swap = list(range(rank))
            swap[h], swap[w] = w, h
            turns = [(equal(k, 1), lambda: transpose(reverse(image, [w]), swap)),
                     (equal(k, 2), lambda: reverse(image, [h, w])),
                     (equal(k, 3), lambda: reverse(transpose(image, swap), [w]))]
            return case(turns, default=lambda: image, exclusive=True, name=scope)

        return _by_rank(image, turned)


def transpose_image(image, name=None):
    """tf.image.transpose_image (tf.image.transpose): height and width swapped (of a single
    image or a batch; the rank may be unknown until run time)."""
    with name_scope(name, "transpose", [image]):
        image = convert_to_tensor(image, name="image")
        _at_least_3d(image)
        return _by_rank(image, lambda rank: transpose(
            image, [1, 0, 2] if rank == 3 else [0, 2, 1, 3], name=name or "transpose"))


# -- crop or pad -----------------------------------------------------------------------------------

def _max(x, y):
    return maximum(x, y) if isinstance(x, Tensor) or isinstance(y, Tensor) else max(x, y)


def _min(x, y):
    return minimum(x, y) if isinstance(x, Tensor) or isinstance(y, Tensor) else min(x, y)


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """tf.image.resize_image_with_crop_or_pad (resize_with_crop_or_pad): each image centrally
    cropped where it is larger than the target and zero-padded around where it is smaller
    (offsets rounded down, as TF). Height and width may be unknown until run time; an image
    of unknown rank is taken for a single 3-D image, as TF does."""
    with name_scope(None, "resize_image_with_crop_or_pad", [image]):
        image = convert_to_tensor(image, name="image")
        rank = image.shape.ndims
        if rank not in (None, 3, 4):
            raise ValueError("'image' (shape %s) must have either 3 or 4 dimensions."
                             % image.shape)
        batch = image if rank == 4 else expand_dims(image, 0)
        if rank is None:  # taken for a single image, as TF does
            batch.set_shape([None] * 4)
        _at_least_3d(batch)
        for what, target in (("target_width", target_width), ("target_height", target_height)):
            if not isinstance(target, Tensor) and not target > 0:
                raise ValueError("%s must be > 0." % what)
        n, height, width, c = batch.shape.as_tuple()
        dynamic = unstack(shape(batch), 4)
        height = dynamic[1] if height is None else height
        width = dynamic[2] if width is None else width
        # Python's // rounds down, like TF's floordiv on the tensors.
        crop_top = _max((height - target_height) // 2, 0)
        crop_left = _max((width - target_width) // 2, 0)
        pad_top = _max((target_height - height) // 2, 0)
        pad_left = _max((target_width - width) // 2, 0)
        crop_h, crop_w = _min(target_height, height), _min(target_width, width)
        cropped = slice(batch, stack([0, crop_top, crop_left, 0]), stack([-1, crop_h, crop_w, -1]))
        paddings = [[0, 0], [pad_top, target_height - pad_top - crop_h],
                    [pad_left, target_width - pad_left - crop_w], [0, 0]]
        resized = pad(cropped, stack([stack(p) for p in paddings]))
        static = [None if isinstance(t, Tensor) else int(t) for t in (target_height, target_width)]
        resized.set_shape([n] + static + [c])
        return resized if rank == 4 else squeeze(resized, [0])


# -- total variation, gradients, edges -------------------------------------------------------------

def total_variation(images, name=None):
    """tf.image.total_variation: the sum of absolute differences of neighbouring pixels, down and
    across; one value per image of a batch, a scalar for a single image."""
    with name_scope(name, "total_variation"):
        rank = images.shape.ndims
        if rank == 3:
            down = images[1:, :, :] - images[:-1, :, :]
            across = images[:, 1:, :] - images[:, :-1, :]
            axis = None
        elif rank == 4:
            down = images[:, 1:, :, :] - images[:, :-1, :, :]
            across = images[:, :, 1:, :] - images[:, :, :-1, :]
            axis = [1, 2, 3]
        else:
            raise ValueError("'images' must be either 3 or 4-dimensional.")
        return reduce_sum(abs(down), axis=axis) + reduce_sum(abs(across), axis=axis)


def image_gradients(image):
    """tf.image.image_gradients: (dy, dx), the forward differences down and across a batch of
    images, each of the image's shape (the last row of dy and column of dx are zero)."""
    if image.shape.ndims != 4:
        raise ValueError("image_gradients expects a 4D tensor [batch_size, h, w, d], not %s."
                         % image.shape)
    image_shape = shape(image)
    n, height, width, depth = unstack(image_shape)
    dy = image[:, 1:, :, :] - image[:, :-1, :, :]
    dx = image[:, :, 1:, :] - image[:, :, :-1, :]
    dy = concat([dy, zeros(stack([n, 1, width, depth]), image.dtype)], 1)
    dx = concat([dx, zeros(stack([n, height, 1, depth]), image.dtype)], 2)
    return reshape(dy, image_shape), reshape(dx, image_shape)


_SOBEL = [[[-1, -2, -1], [0, 0, 0], [1, 2, 1]],   # d/dy
          [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]   # d/dx


def sobel_edges(image):
    """tf.image.sobel_edges: [batch, h, w, d, 2], the vertical and horizontal Sobel responses of
    each channel, the image reflected at its borders."""
    static = image.shape
    image_shape = shape(image)
    kernels = [[[[_SOBEL[k][i][j] for k in range(2)]] for j in range(3)] for i in range(3)]
    kernels = tile(convert_to_tensor(kernels, image.dtype), [1, 1, image_shape[-1], 1],
                   name="sobel_filters")
    padded = pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    out = depthwise_conv2d(padded, kernels, [1, 1, 1, 1], "VALID")
    out = reshape(out, concat([image_shape, [2]], 0))
    if static.ndims is not None:
        out.set_shape(static.as_list() + [2])
    return out
