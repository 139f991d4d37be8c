"""tf.image quality measures: PSNR, SSIM and multi-scale SSIM, composed of existing ops as TF
composes them (so they have TF's gradients).

All three compare the last three axes (height, width, channels) in float32, integer images as
fractions of their maximum; the axes before them are batch axes and broadcast against each
other. Shapes that cannot match fail while building (ValueError, TF's messages); shapes known
only at run time are checked by Asserts (InvalidArgumentError)."""

import math

from minitf import dtypes
from minitf.framework.graph import control_dependencies, name_scope
from minitf.ops.array_ops import (concat, expand_dims, identity, pad, reshape, shape, shape_n,
                                  size, stack, tile)
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.control_flow_ops import cond
from minitf.ops.conv_ops import avg_pool, depthwise_conv2d
from minitf.ops.image_ops import convert_image_dtype
from minitf.ops.logging_ops import Assert
from minitf.ops import math_ops
from minitf.ops.math_ops import (cast, equal, greater_equal, log, not_equal, pow, reduce_all,
                                 reduce_any, reduce_mean, reduce_prod, square,
                                 squared_difference, subtract)
from minitf.ops.nn_ops import relu, softmax

__all__ = ["psnr", "ssim", "ssim_multiscale"]


def _compatible_images(img1, img2):
    """TF's _verify_compatible_image_shapes: rank >= 3 and the same last three dimensions
    (ValueError when the static shapes say otherwise), batch axes that broadcast; returns the
    two runtime shapes and the Asserts checking them when the graph runs."""
    dims = []
    for t in (img1, img2):
        d = t.shape.as_tuple()
        if d is not None and len(d) < 3:
            raise ValueError("Shape %s must have rank at least 3" % t.shape)
        dims.append(d)
    img1.shape[-3:].assert_is_compatible_with(img2.shape[-3:])
    if None not in dims:
        for d1, d2 in zip(reversed(dims[0][:-3]), reversed(dims[1][:-3])):
            if not (d1 == 1 or d2 == 1 or d1 is None or d2 is None or d1 == d2):
                raise ValueError("Two images are not compatible: %s and %s"
                                 % (img1.shape, img2.shape))
    shape1, shape2 = shape_n([img1, img2])
    checks = [Assert(greater_equal(size(shape1), 3), [shape1, shape2], summarize=10),
              Assert(reduce_all(equal(shape1[-3:], shape2[-3:])), [shape1, shape2],
                     summarize=10)]
    return shape1, shape2, checks


def _as_float_pair(img1, img2, max_val):
    """max_val, img1 and img2 as the float32 fractions the measures compare."""
    max_val = convert_image_dtype(cast(max_val, img1.dtype), dtypes.float32)
    return (max_val, convert_image_dtype(img1, dtypes.float32),
            convert_image_dtype(img2, dtypes.float32))


def _checked_float_pair(img1, img2, max_val):
    """SSIM's and MS-SSIM's start: the images' runtime shapes (checked before img1 is used),
    then max_val and the images as float32 fractions."""
    img1 = convert_to_tensor(img1, name="img1")
    img2 = convert_to_tensor(img2, name="img2")
    shape1, shape2, checks = _compatible_images(img1, img2)
    with control_dependencies(checks):
        img1 = identity(img1)
    return (shape1, shape2) + _as_float_pair(img1, img2, max_val)


def psnr(a, b, max_val, name=None):
    """tf.image.psnr: the peak signal-to-noise ratio of a and b in dB, over the last three axes,
    computed in float32 (integer images as fractions of their maximum); runs with images of
    different shapes fail with InvalidArgumentError."""
    with name_scope(name, "PSNR", [a, b]):
        max_val, a, b = _as_float_pair(a, b, max_val)
        mse = reduce_mean(squared_difference(a, b), [-3, -2, -1])
        db = subtract(20 * log(max_val) / log(10.0), (10 / math.log(10)) * log(mse),
                      name="psnr")
        _, _, checks = _compatible_images(a, b)
        with control_dependencies(checks):
            return identity(db)


def _gaussian_filter(size, sigma):
    """A size x size x 1 x 1 Gaussian of standard deviation `sigma` (a float32 tensor) that
    sums to 1, as TF builds it (a softmax of the log-density)."""
    coords = cast(math_ops.range(size), sigma.dtype) - (size - 1) / 2.0
    g = square(coords) * (-0.5 / square(sigma))
    g = reshape(g, [1, -1]) + reshape(g, [-1, 1])
    return reshape(softmax(reshape(g, [1, -1])), [size, size, 1, 1])


def _ssim_per_channel(img1, img2, max_val, filter_size, filter_sigma, k1, k2,
                      return_index_map=False):
    """(SSIM, contrast-structure) per channel: means over the Gaussian window's valid positions,
    or the maps themselves with `return_index_map`."""
    filter_size = int(filter_size)
    sigma = convert_to_tensor(filter_sigma, img1.dtype)
    shape1, shape2 = shape_n([img1, img2])
    checks = [Assert(reduce_all(greater_equal(s[-3:-1], filter_size)), [s, filter_size],
                     summarize=8) for s in (shape1, shape2)]
    with control_dependencies(checks):
        img1 = identity(img1)
    kernel = tile(_gaussian_filter(filter_size, sigma), stack([1, 1, shape1[-1], 1]))

    def local_mean(x):  # the Gaussian-weighted mean of each window, any batch axes
        dims = shape(x)
        x = reshape(x, concat([[-1], dims[-3:]], 0))
        y = depthwise_conv2d(x, kernel, [1, 1, 1, 1], "VALID")
        return reshape(y, concat([dims[:-3], shape(y)[1:]], 0))

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean1, mean2 = local_mean(img1), local_mean(img2)
    num0 = mean1 * mean2 * 2.0
    den0 = square(mean1) + square(mean2)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = local_mean(img1 * img2) * 2.0
    den1 = local_mean(square(img1) + square(img2))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    if return_index_map:
        return luminance * cs, cs
    return reduce_mean(luminance * cs, [-3, -2]), reduce_mean(cs, [-3, -2])


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         return_index_map=False):
    """tf.image.ssim: the structural similarity of two (batches of) images, averaged over
    channels and the positions of an 11x11 Gaussian window (sigma 1.5) that fit inside them
    (or the map of those positions with `return_index_map`). Batch axes broadcast."""
    with name_scope(None, "SSIM", [img1, img2]):
        _, _, max_val, img1, img2 = _checked_float_pair(img1, img2, max_val)
        per_channel, _ = _ssim_per_channel(img1, img2, max_val, filter_size, filter_sigma, k1,
                                           k2, return_index_map)
        return reduce_mean(per_channel, [-1])


_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ssim_multiscale(img1, img2, max_val, power_factors=_MSSSIM_WEIGHTS, filter_size=11,
                    filter_sigma=1.5, k1=0.01, k2=0.03):
    """tf.image.ssim_multiscale: MS-SSIM, the product over len(power_factors) scales (each half
    the last's size, by 2x2 average pooling after a symmetric pad to even sizes) of the
    contrast-structure term, and at the coarsest scale SSIM, each to its power factor."""
    with name_scope(None, "MS-SSIM", [img1, img2]):
        shape1, shape2, max_val, img1, img2 = _checked_float_pair(img1, img2, max_val)
        images = [img1, img2]
        heads = [s[:-3] for s in (shape1, shape2)]
        tails = [s[-3:] for s in (shape1, shape2)]
        divisor = [1, 2, 2, 1]
        divisor_tensor = convert_to_tensor(divisor[1:], dtypes.int32)

        def symmetric_pad(flat, remainder):  # one more row / column where the size is odd
            paddings = pad(expand_dims(remainder, -1), [[1, 0], [1, 0]])
            return [pad(x, paddings, mode="SYMMETRIC") for x in flat]

        mcs = []
        for k in range(len(power_factors)):
            with name_scope(None, "Scale%d" % k, images):
                if k > 0:
                    flat = [reshape(x, concat([[-1], t], 0)) for x, t in zip(images, tails)]
                    remainder = tails[0] % divisor_tensor
                    padded = cond(reduce_any(not_equal(remainder, 0)),
                                  lambda: symmetric_pad(flat, remainder), lambda: flat)
                    smaller = [avg_pool(x, ksize=divisor, strides=divisor, padding="VALID")
                               for x in padded]
                    tails = [s[1:] for s in shape_n(smaller)]
                    images = [reshape(x, concat([h, t], 0))
                              for x, h, t in zip(smaller, heads, tails)]
                per_channel, cs = _ssim_per_channel(*images, max_val, filter_size,
                                                    filter_sigma, k1, k2)
                mcs.append(relu(cs))
        mcs.pop()  # the coarsest scale contributes its whole SSIM instead
        terms = stack(mcs + [relu(per_channel)], axis=-1)
        return reduce_mean(reduce_prod(pow(terms, power_factors), [-1]), [-1])
