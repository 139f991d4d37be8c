"""tf.contrib.image's geometric transforms (TF 1.15): `transform` by projective transforms,
`rotate`, `translate`, and the helpers that build and compose the 8-number transforms, on the
op ImageProjectiveTransformV2 (minitf/ops/image_transform_ops.py). Images may be [H, W],
[H, W, C] or [N, H, W, C]; pixels sampled from outside the image are 0."""

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.tensor_util import constant_value
from minitf.ops import array_ops, math_ops
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.image_transform_ops import _IMAGE_DTYPES, ImageProjectiveTransformV2
from minitf.ops.linalg_ops import matrix_inverse

__all__ = ["transform", "rotate", "translate", "compose_transforms",
           "angles_to_projective_transforms", "translations_to_projective_transforms",
           "flat_transforms_to_matrices", "matrices_to_flat_transforms"]


def _as_batch(images):
    """images as [N, H, W, C], and the function giving an output back its caller's rank."""
    rank = images.shape.ndims
    if rank == 2:
        return images[None, :, :, None], lambda out: out[0, :, :, 0]
    if rank == 3:
        return images[None], lambda out: out[0]
    if rank == 4:
        return images, lambda out: out
    raise TypeError("Images should have rank between 2 and 4.")


def _checked_images(images):
    images = convert_to_tensor(images, name="images")
    if images.dtype.base_dtype not in _IMAGE_DTYPES:
        raise TypeError("Invalid dtype %s." % images.dtype)
    return images


def transform(images, transforms, interpolation="NEAREST", output_shape=None, name=None):
    """Each image sampled through its projective transform [a0, a1, a2, b0, b1, b2, c0, c1]
    (one for all images, or one per image), which maps output points (x, y) to input points;
    `interpolation` NEAREST or BILINEAR; `output_shape` [height, width] (default the images')."""
    with name_scope(name, "transform"):
        images = _checked_images(images)
        transforms = convert_to_tensor(transforms, name="transforms", dtype=dtypes.float32)
        batch, restore = _as_batch(images)
        if output_shape is None:
            output_shape = array_ops.shape(batch)[1:3]
        else:
            known = constant_value(output_shape) if hasattr(output_shape, "op") else None
            output_shape = convert_to_tensor(output_shape if known is None else known,
                                             dtypes.int32, name="output_shape")
            if not output_shape.shape.is_compatible_with([2]):
                raise ValueError("output_shape must be a 1-D Tensor of 2 elements: new_height, "
                                 "new_width")
        if transforms.shape.ndims == 1:
            transforms = transforms[None]
        elif transforms.shape.ndims != 2:
            raise TypeError("Transforms should have rank 1 or 2.")
        out = ImageProjectiveTransformV2(interpolation=interpolation.upper())(
            batch, transforms, output_shape, name="ImageProjectiveTransformV2")
        return restore(out)


def angles_to_projective_transforms(angles, image_height, image_width, name=None):
    """The transforms rotating images of that size counterclockwise by `angles` (radians,
    a scalar or one per image) about their centres."""
    with name_scope(name, "angles_to_projective_transforms"):
        angles = convert_to_tensor(angles, name="angles", dtype=dtypes.float32)
        if angles.shape.ndims == 0:
            angles = angles[None]
        elif angles.shape.ndims != 1:
            raise TypeError("Angles should have rank 0 or 1.")
        cos, sin = math_ops.cos(angles), math_ops.sin(angles)
        x_offset = ((image_width - 1) - (cos * (image_width - 1)
                                         - sin * (image_height - 1))) / 2.0
        y_offset = ((image_height - 1) - (sin * (image_width - 1)
                                          + cos * (image_height - 1))) / 2.0
        count = array_ops.shape(angles)[0]
        return array_ops.concat(
            values=[cos[:, None], -sin[:, None], x_offset[:, None], sin[:, None],
                    cos[:, None], y_offset[:, None],
                    array_ops.zeros(array_ops.stack([count, 2]), dtypes.float32)], axis=1)


def rotate(images, angles, interpolation="NEAREST", name=None):
    """The images rotated counterclockwise by `angles` (radians; one for all, or one per
    image) about their centres, corners filled with 0."""
    with name_scope(name, "rotate"):
        images = _checked_images(images)
        batch, restore = _as_batch(images)
        height = math_ops.cast(array_ops.shape(batch)[1], dtypes.float32)[None]
        width = math_ops.cast(array_ops.shape(batch)[2], dtypes.float32)[None]
        out = transform(batch, angles_to_projective_transforms(angles, height, width),
                        interpolation=interpolation)
        return restore(out)


def translations_to_projective_transforms(translations, name=None):
    """The transforms moving images by [dx, dy] (one pair, or one per image)."""
    with name_scope(name, "translations_to_projective_transforms"):
        translations = convert_to_tensor(translations, name="translations",
                                         dtype=dtypes.float32)
        if translations.shape.ndims == 1:
            translations = translations[None]
        elif translations.shape.ndims != 2:
            raise TypeError("Translations should have rank 1 or 2.")
        count = array_ops.shape(translations)[0]
        ones = array_ops.ones(array_ops.stack([count, 1]), dtypes.float32)
        zeros = array_ops.zeros(array_ops.stack([count, 1]), dtypes.float32)
        return array_ops.concat(values=[ones, zeros, -translations[:, 0, None], zeros, ones,
                                        -translations[:, 1, None], zeros, zeros], axis=1)


def translate(images, translations, interpolation="NEAREST", name=None):
    """The images moved by [dx, dy] pixels (one pair, or one per image)."""
    with name_scope(name, "translate"):
        return transform(images, translations_to_projective_transforms(translations),
                         interpolation=interpolation)


def flat_transforms_to_matrices(transforms):
    """[N, 8] transforms as [N, 3, 3] matrices (the ninth entry 1)."""
    with name_scope(None, "flat_transforms_to_matrices"):
        transforms = convert_to_tensor(transforms, name="transforms")
        if transforms.shape.ndims not in (1, 2):
            raise ValueError("Transforms should be 1D or 2D, got: %s" % transforms)
        count = array_ops.shape(transforms)[0]
        ones = array_ops.ones(array_ops.stack([count, 1]), transforms.dtype)
        return array_ops.reshape(array_ops.concat([transforms, ones], axis=1),
                                 [-1, 3, 3])


def matrices_to_flat_transforms(transform_matrices):
    """[N, 3, 3] matrices as [N, 8] transforms (each divided by its bottom-right entry)."""
    with name_scope(None, "matrices_to_flat_transforms"):
        matrices = convert_to_tensor(transform_matrices, name="transform_matrices")
        if matrices.shape.ndims not in (2, 3):
            raise ValueError("Matrices should be 2D or 3D, got: %s" % matrices)
        flat = array_ops.reshape(matrices, [-1, 9])
        return flat[:, :8] / flat[:, 8, None]


def compose_transforms(*transforms):
    """One transform doing what applying each of `transforms`, the last first, does."""
    assert transforms, "transforms cannot be empty"
    with name_scope(None, "compose_transforms"):
        composed = flat_transforms_to_matrices(transforms[0])
        for more in transforms[1:]:
            composed = math_ops.matmul(composed, flat_transforms_to_matrices(more))
        return matrices_to_flat_transforms(composed)


def _inverse_transforms(transforms):
    """The inverse of each transform (what TF's gradient of the transform applies)."""
    return matrices_to_flat_transforms(matrix_inverse(flat_transforms_to_matrices(transforms)))
