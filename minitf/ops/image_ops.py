"""tf.image: resizing (bilinear, nearest-neighbour and bicubic ops with their gradient ops, TF1's
align_corners and half_pixel_centers; area resizes), flips (also random, seeded), per-image standardization,
crops and pads, and dtype conversion.

A resize is separable: each output row is a fixed mix of at most two input rows (bilinear) or
one (nearest), and likewise for columns. The kernels build those two small interpolation
matrices with the coordinates TF's kernels use and apply them with two tensordots; the gradient
ops apply the transposed matrices, so gradients of gradients are resizes again. Bicubic and
area resizes take 4 (bicubic) or up to ceil(scale) + 1 (area) source pixels per output pixel
along each axis, with TF's float32 weights, summed term by term in TF's order, so their values
are TF's bits."""

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.framework.tensor_util import constant_value, constant_value_as_shape
from minitf.ops import math_ops
from minitf.ops.array_ops import (expand_dims, identity, pad, reverse, shape, slice, squeeze,
                                  stack)
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import (cast, less, maximum, multiply, reduce_mean, rsqrt, sqrt,
                                 square, subtract, where)
from minitf.ops.op_util import dtype_error, rank_error
from minitf.ops.random_ops import random_uniform

__all__ = ["ResizeMethod", "resize_images", "resize_bilinear", "resize_nearest_neighbor",
           "resize_bicubic", "resize_area", "resize_image_with_pad",
           "flip_left_right", "flip_up_down", "random_flip_left_right", "random_flip_up_down",
           "per_image_standardization", "central_crop", "pad_to_bounding_box",
           "crop_to_bounding_box", "convert_image_dtype"]


# -- resize ops -----------------------------------------------------------------------------------

def _scale(in_size, out_size, align_corners):
    if align_corners and out_size > 1:
        return (in_size - 1) / (out_size - 1)
    return in_size / out_size


def _interpolation_matrix(xp, in_size, out_size, align_corners, half_pixel, nearest, dtype):
    """The (out_size, in_size) matrix mapping one axis of the input to the output, with the
    source coordinates of TF's kernels."""
    scale = _scale(in_size, out_size, align_corners)
    out = np.arange(out_size, dtype=np.float64)
    m = np.zeros((out_size, in_size))
    rows = np.arange(out_size)
    if nearest:
        source = (out + 0.5) * scale if half_pixel else out * scale
        index = np.floor(source + 0.5) if align_corners else np.floor(source)  # C roundf
        index = np.clip(index, 0, in_size - 1).astype(np.int64)
        m[rows, index] = 1
    else:
        source = (out + 0.5) * scale - 0.5 if half_pixel else out * scale
        floor = np.floor(source)
        lower = np.clip(floor, 0, in_size - 1).astype(np.int64)
        upper = np.clip(np.ceil(source), 0, in_size - 1).astype(np.int64)
        lerp = source - floor
        np.add.at(m, (rows, lower), 1 - lerp)
        np.add.at(m, (rows, upper), lerp)
    return xp.asarray(m, dtype=dtype)


def _apply(xp, images, my, mx):
    """images (n, h, w, c) -> (n, out_h, out_w, c) through the row and column matrices."""
    t = xp.tensordot(my, images, axes=([1], [1]))       # (out_h, n, w, c)
    t = xp.tensordot(mx, t, axes=([1], [2]))            # (out_w, out_h, n, c)
    return xp.ascontiguousarray(xp.transpose(t, (2, 1, 0, 3)))


def _size_spec(op_type, size, arg="size"):
    if size.dtype is not dtypes.int32 or size.shape.ndims not in (None, 1) or \
            (size.shape.ndims == 1 and size.shape[0].value not in (None, 2)):
        raise ValueError("%s: '%s' must be a 1-D int32 tensor of 2 elements (new height and "
                         "width), got shape %s and dtype %s"
                         % (op_type, arg, size.shape, size.dtype.name))
    dims = constant_value_as_shape(size)
    return (None, None) if dims.ndims is None else dims.as_tuple()


def _check_images(op_type, images, arg="images"):
    if images.shape.ndims not in (None, 4):
        raise rank_error(4, images.shape.ndims, " (argument '%s' of %s)" % (arg, op_type))
    return images.shape.as_tuple() or (None,) * 4


def _runtime_size(size):
    h, w = (int(v) for v in size.tolist())
    if h <= 0 or w <= 0:
        raise ValueError("output dimensions must be positive, got %s" % [h, w])
    return h, w


class _Resize(OpDef):
    nearest = False

    def _matrices(self, xp, in_hw, out_hw, dtype):
        return [_interpolation_matrix(xp, i, o, self.align_corners, self.half_pixel_centers,
                                      self.nearest, dtype) for i, o in zip(in_hw, out_hw)]

    def _check_attrs(self):
        if self.align_corners and self.half_pixel_centers:
            raise ValueError("If half_pixel_centers is True, align_corners must be False.")


@register
class ResizeBilinear(_Resize):
    """Bilinear resize of NHWC images to `size`; the output is float32 (float64 stays)."""

    align_corners: bool = False
    half_pixel_centers: bool = False

    def infer(self, images, size):
        self._check_attrs()
        n, _, _, c = _check_images(self.type_name, images)
        if not (images.dtype.is_floating or images.dtype.is_integer):
            raise dtype_error("images", images.dtype, "real number types")
        out = dtypes.float64 if images.dtype is dtypes.float64 else dtypes.float32
        return TensorSpec((n,) + _size_spec(self.type_name, size) + (c,), out)

    def compute(self, xp, images, size):
        dtype = "float64" if images.dtype == xp.float64 else "float32"
        my, mx = self._matrices(xp, images.shape[1:3], _runtime_size(size), dtype)
        return _apply(xp, images.astype(dtype, copy=False), my, mx)

    def grad(self, op, dy):
        images = op.inputs[0]
        if not images.dtype.is_floating:
            return [None, None]
        return [ResizeBilinearGrad(**self.attrs())(dy, images, name="ResizeBilinearGrad"),
                None]


@register
class ResizeBilinearGrad(_Resize):
    """The gradient of ResizeBilinear: grads mapped back by the transposed matrices onto
    original_image's shape."""
    tf_signature = TFSignature(type_attrs=(("T", 1),))

    align_corners: bool = False
    half_pixel_centers: bool = False

    def infer(self, grads, original_image):
        self._check_attrs()
        _check_images(self.type_name, grads, "grads")
        dims = _check_images(self.type_name, original_image, "original_image")
        return TensorSpec(dims, original_image.dtype)

    def compute(self, xp, grads, original_image):
        my, mx = self._matrices(xp, original_image.shape[1:3], grads.shape[1:3], grads.dtype)
        return _apply(xp, grads, my.T, mx.T).astype(original_image.dtype, copy=False)

    def grad(self, op, ddx):
        dy = op.inputs[0]
        size = slice(shape(dy), [1], [2])
        return [ResizeBilinear(**self.attrs())(ddx, size, name="ResizeBilinear"), None]


@register
class ResizeNearestNeighbor(_Resize):
    """Nearest-neighbour resize of NHWC images to `size` (any real dtype, kept)."""

    align_corners: bool = False
    half_pixel_centers: bool = False
    nearest = True

    def infer(self, images, size):
        self._check_attrs()
        n, _, _, c = _check_images(self.type_name, images)
        return TensorSpec((n,) + _size_spec(self.type_name, size) + (c,), images.dtype)

    def compute(self, xp, images, size):
        my, mx = self._matrices(xp, images.shape[1:3], _runtime_size(size), "int64")
        rows, cols = xp.argmax(my, axis=1), xp.argmax(mx, axis=1)  # one source per output
        return xp.ascontiguousarray(images[:, rows][:, :, cols])

    def grad(self, op, dy):
        images = op.inputs[0]
        size = slice(shape(images), [1], [2])
        return [ResizeNearestNeighborGrad(**self.attrs())(dy, size, name="ResizeNearestNeighborGrad"), None]


@register
class ResizeNearestNeighborGrad(_Resize):
    """The gradient of ResizeNearestNeighbor: each output gradient added to its source pixel of
    an image of `size`."""

    align_corners: bool = False
    half_pixel_centers: bool = False
    nearest = True

    def infer(self, grads, size):
        self._check_attrs()
        n, _, _, c = _check_images(self.type_name, grads, "grads")
        return TensorSpec((n,) + _size_spec(self.type_name, size) + (c,), grads.dtype)

    def compute(self, xp, grads, size):
        my, mx = self._matrices(xp, _runtime_size(size), grads.shape[1:3], grads.dtype)
        return _apply(xp, grads, my.T, mx.T)

    def grad(self, op, ddx):
        size = slice(shape(op.inputs[0]), [1], [2])
        return [ResizeNearestNeighbor(**self.attrs())(ddx, size, name="ResizeNearestNeighbor"),
                None]



# -- bicubic and area resizes (TF1's kernels, arithmetic in TF's float32 order) -------------------

_F32 = np.float32
_CUBIC_STEPS = 1024  # TF's table of cubic weights at 1/1024 steps of the fractional offset


def _cubic_table(a):
    """TF's two weight tables of the cubic convolution kernel with parameter `a`: the weight of
    the tap at distance t (t in [0, 1], every 1/1024) and of the one at t + 1; computed in
    double and stored as float32, as TF's table."""
    t = np.arange(_CUBIC_STEPS + 1, dtype=np.float64) / _CUBIC_STEPS
    near = ((a + 2) * t - (a + 3)) * t * t + 1
    t = t + 1
    far = ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
    return near.astype(_F32), far.astype(_F32)


_CUBIC_TABLES = {False: _cubic_table(-0.75), True: _cubic_table(-0.5)}


def _f32_scale(in_size, out_size, align_corners):
    if align_corners and out_size > 1:
        return _F32(in_size - 1) / _F32(out_size - 1)
    return _F32(in_size) / _F32(out_size)


def _cubic_taps(in_size, out_size, align_corners, half_pixel):
    """(out_size, 4) float32 weights and int64 source indices of TF's bicubic kernel along one
    axis. The legacy kernel (a = -0.75) clamps taps outside the image to its edge; the
    half-pixel one (Keys' a = -0.5) gives them no weight and renormalizes the others."""
    scale = _f32_scale(in_size, out_size, align_corners)
    out = np.arange(out_size, dtype=_F32)
    at = (out + _F32(0.5)) * scale - _F32(0.5) if half_pixel else out * scale
    start = np.floor(at)
    offset = np.rint((at - start) * _F32(_CUBIC_STEPS)).astype(np.int64)  # lrintf
    near, far = _CUBIC_TABLES[half_pixel]
    weights = np.stack([far[offset], near[offset], near[_CUBIC_STEPS - offset],
                        far[_CUBIC_STEPS - offset]], 1)
    taps = start.astype(np.int64)[:, None] + np.arange(-1, 3)
    index = np.clip(taps, 0, in_size - 1)
    if half_pixel:
        weights = np.where(index == taps, weights, _F32(0))
        total = ((weights[:, 0] + weights[:, 1]) + weights[:, 2]) + weights[:, 3]
        scale_by = np.where(np.abs(total) >= 1000 * np.finfo(_F32).tiny, _F32(1) / total,
                            _F32(1))
        weights = weights * scale_by[:, None]
    return weights.astype(_F32), index


def _area_taps(in_size, out_size, align_corners):
    """(out_size, k) float32 weights and int64 indices of TF's area kernel along one axis: the
    fraction of each source pixel the output pixel's footprint covers, in TF's order (first
    pixel to last); unused slots have weight 0."""
    scale = _f32_scale(in_size, out_size, align_corners)
    rows = []
    for k in range(out_size):
        lo, hi = _F32(k) * scale, _F32(k + 1) * scale
        row = []
        for i in range(int(np.floor(lo)), int(np.ceil(hi))):
            if i < lo:
                w = scale if i + 1 > hi else _F32(i + 1) - lo
            else:
                w = hi - _F32(i) if i + 1 > hi else _F32(1)
            row.append((min(max(i, 0), in_size - 1), w))
        rows.append(row)
    width = max(len(r) for r in rows)
    index = np.array([[i for i, _ in r] + [r[-1][0]] * (width - len(r)) for r in rows])
    weights = np.array([[w for _, w in r] + [0] * (width - len(r)) for r in rows], _F32)
    return weights, index


def _taps_sum(xp, x, weights, index, axis):
    """sum_k x[..., index[:, k], ...] * weights[:, k] along `axis` (1: rows, 2: columns) in
    float32, the terms added first to last as TF's kernels add them."""
    shape = [1, 1, 1, 1]
    shape[axis] = weights.shape[0]
    out = None
    for k in range(weights.shape[1]):
        term = xp.take(x, xp.asarray(index[:, k]), axis=axis) * \
            xp.asarray(weights[:, k]).reshape(shape)
        out = term if out is None else out + term
    return out


def _adjoint_matrix(xp, weights, index, in_size, dtype):
    """The (in_size, out_size) transpose of the resampling the taps describe (a tap hitting one
    source pixel twice adds up), in `dtype`."""
    m = np.zeros((weights.shape[0], in_size))
    np.add.at(m, (np.repeat(np.arange(weights.shape[0]), weights.shape[1]), index.ravel()),
              weights.astype(np.float64).ravel())
    return xp.asarray(m.T, dtype=dtype)


@register
class ResizeBicubic(_Resize):
    """Bicubic resize of NHWC images to `size` with TF1's kernels (4 taps per axis from a
    table of cubic weights: the legacy a = -0.75 one, or Keys' a = -0.5 with
    half_pixel_centers); float32 out."""

    align_corners: bool = False
    half_pixel_centers: bool = False

    def infer(self, images, size):
        self._check_attrs()
        n, _, _, c = _check_images(self.type_name, images)
        return TensorSpec((n,) + _size_spec(self.type_name, size) + (c,), dtypes.float32)

    def _taps(self, in_hw, out_hw):
        return [_cubic_taps(i, o, self.align_corners, self.half_pixel_centers)
                for i, o in zip(in_hw, out_hw)]

    def compute(self, xp, images, size):
        (wy, iy), (wx, ix) = self._taps(images.shape[1:3], _runtime_size(size))
        rows = _taps_sum(xp, images.astype(_F32, copy=False), wy, iy, 1)
        return xp.ascontiguousarray(_taps_sum(xp, rows, wx, ix, 2))

    def grad(self, op, dy):
        images = op.inputs[0]
        if images.dtype not in (dtypes.float32, dtypes.float64):
            return [None, None]
        return [ResizeBicubicGrad(**self.attrs())(dy, images, name="ResizeBicubicGrad"), None]


@register
class ResizeBicubicGrad(ResizeBicubic):
    """The gradient of ResizeBicubic: grads mapped back through the transposed taps onto
    original_image's shape and dtype (float32 or float64). TF defines no gradient for it."""

    tf_signature = TFSignature(type_attrs=(("T", 1),))

    def infer(self, grads, original_image):
        self._check_attrs()
        _check_images(self.type_name, grads, "grads")
        if original_image.dtype not in (dtypes.float32, dtypes.float64):
            raise dtype_error("original_image", original_image.dtype,
                              (dtypes.float32, dtypes.float64))
        return TensorSpec(_check_images(self.type_name, original_image, "original_image"),
                          original_image.dtype)

    def compute(self, xp, grads, original_image):
        in_hw = original_image.shape[1:3]
        (wy, iy), (wx, ix) = self._taps(in_hw, grads.shape[1:3])
        dtype = original_image.dtype
        return _apply(xp, grads.astype(dtype, copy=False),
                      _adjoint_matrix(xp, wy, iy, in_hw[0], dtype),
                      _adjoint_matrix(xp, wx, ix, in_hw[1], dtype))

    grad = OpDef.grad  # none in TF: differentiating it raises LookupError


@register
class ResizeArea(_Resize):
    """Area resize of NHWC images to `size` (each output pixel the mean of the source area it
    covers, partly covered pixels weighted by the fraction covered); float32 out. TF defines
    no gradient for it."""

    align_corners: bool = False

    def infer(self, images, size):
        n, _, _, c = _check_images(self.type_name, images)
        return TensorSpec((n,) + _size_spec(self.type_name, size) + (c,), dtypes.float32)

    def compute(self, xp, images, size):
        out_h, out_w = _runtime_size(size)
        wy, iy = _area_taps(images.shape[1], out_h, self.align_corners)
        wx, ix = _area_taps(images.shape[2], out_w, self.align_corners)
        # TF's factor: 1 / (height scale * width scale), the product in float32.
        scale = _F32(1.0 / float(_f32_scale(images.shape[1], out_h, self.align_corners)
                                 * _f32_scale(images.shape[2], out_w, self.align_corners)))
        # TF sums each source row over the columns first, then the rows.
        cols = _taps_sum(xp, images.astype(_F32, copy=False), wx, ix, 2)
        return xp.ascontiguousarray(_taps_sum(xp, cols, wy, iy, 1) * scale)


def _batched(images):
    """(4-D images, whether a batch axis was added to a single 3-D image)."""
    images = convert_to_tensor(images, name="images")
    rank = images.shape.ndims
    if rank is None:
        raise ValueError("'images' contains no shape.")
    if rank not in (3, 4):
        raise ValueError("'images' must have either 3 or 4 dimensions.")
    return (expand_dims(images, 0), True) if rank == 3 else (images, False)


def _size_tensor(size):
    if not hasattr(size, "op"):
        size = [int(s) for s in size]
        if len(size) != 2:
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        if min(size) <= 0:
            raise ValueError("'size' must be positive, got %s" % size)
    return convert_to_tensor(size, dtype=dtypes.int32, name="size")


def _resize(opdef, images, size, name, default):
    with name_scope(name, default, [images, size]) as scope:
        images, single = _batched(images)
        out = opdef(images, _size_tensor(size), name=default if single else scope)
        return squeeze(out, [0], name=scope) if single else out


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """tf.image.resize_bilinear: bilinear resize of (batch,) height, width, channels images to
    `size`; float32 output."""
    return _resize(ResizeBilinear(bool(align_corners), bool(half_pixel_centers)), images, size,
                   name, "ResizeBilinear")


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """tf.image.resize_nearest_neighbor: nearest-neighbour resize to `size` (dtype kept)."""
    return _resize(ResizeNearestNeighbor(bool(align_corners), bool(half_pixel_centers)),
                   images, size, name, "ResizeNearestNeighbor")


def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """tf.image.resize_bicubic: bicubic resize of (batch,) height, width, channels images to
    `size` with TF1's kernels; float32 output."""
    return _resize(ResizeBicubic(bool(align_corners), bool(half_pixel_centers)), images, size,
                   name, "ResizeBicubic")


def resize_area(images, size, align_corners=False, name=None):
    """tf.image.resize_area: each output pixel the mean of the input area it covers (pixels
    partly covered weighted by the part covered); float32 output, no gradient (as TF)."""
    return _resize(ResizeArea(bool(align_corners)), images, size, name, "ResizeArea")


class ResizeMethod:
    """tf.image.ResizeMethod (TF1's integer values)."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None):
    """tf.image.resize_images (TF1): bilinear, nearest-neighbour, bicubic or area resize of 3-D
    or 4-D images to `size` (float32 output but for nearest-neighbour); an image already of
    that size is returned as it is, as TF1 does."""
    ops = {ResizeMethod.BILINEAR: ResizeBilinear, ResizeMethod.NEAREST_NEIGHBOR:
           ResizeNearestNeighbor, ResizeMethod.BICUBIC: ResizeBicubic,
           ResizeMethod.AREA: ResizeArea}
    if method not in ops:
        raise ValueError("Resize method is not implemented: %r" % (method,))
    if preserve_aspect_ratio:
        raise NotImplementedError("minitf's resize_images has no preserve_aspect_ratio")
    with name_scope(name, "resize", [images, size]):
        images, single = _batched(images)
        size_t = _size_tensor(size)
        known = constant_value(size_t)
        hw = images.shape.as_tuple()[1:3]
        if known is None or tuple(int(v) for v in known) != hw:
            opdef = ops[method](bool(align_corners))
            images = opdef(images, size_t, name=opdef.type_name)
        return squeeze(images, [0]) if single else images



# -- flips ----------------------------------------------------------------------------------------

def _image(image, what="image"):
    image = convert_to_tensor(image, name=what)
    rank = image.shape.ndims
    if rank is None:
        raise ValueError("'%s' contains no shape." % what)
    if rank not in (3, 4):
        raise ValueError("'%s' (shape %s) must have either 3 or 4 dimensions."
                         % (what, image.shape))
    return image, rank


def flip_left_right(image):
    """tf.image.flip_left_right: mirrors (batches of) images along the width axis."""
    with name_scope(None, "flip_left_right", [image]) as scope:
        image, rank = _image(image)
        return reverse(image, [rank - 2], name=scope)


def flip_up_down(image):
    """tf.image.flip_up_down: mirrors (batches of) images along the height axis."""
    with name_scope(None, "flip_up_down", [image]) as scope:
        image, rank = _image(image)
        return reverse(image, [rank - 3], name=scope)


def _random_flip(image, axis_from_end, seed, scope_name):
    with name_scope(None, scope_name, [image]) as scope:
        image, rank = _image(image)
        batch = image if rank == 4 else expand_dims(image, 0)
        flipped = reverse(batch, [4 - axis_from_end])
        # One coin per image (Select takes a condition vector over the batch axis).
        coins = random_uniform(shape(batch)[:1], 0, 1.0, seed=seed)
        if rank == 4:
            return where(less(coins, 0.5), flipped, batch, name=scope)
        return squeeze(where(less(coins, 0.5), flipped, batch), [0], name=scope)


def random_flip_left_right(image, seed=None):
    """tf.image.random_flip_left_right: each image mirrored left-right with probability 1/2
    (seeded by tf.set_random_seed and `seed`)."""
    return _random_flip(image, 2, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """tf.image.random_flip_up_down: each image mirrored up-down with probability 1/2."""
    return _random_flip(image, 3, seed, "random_flip_up_down")


# -- standardization, crops, pads, dtype conversion -----------------------------------------------

def per_image_standardization(image):
    """tf.image.per_image_standardization: (x - mean) / max(stddev, 1 / sqrt(pixels)) over each
    image's height, width and channels; float32 output (float64 stays)."""
    with name_scope(None, "per_image_standardization", [image]) as scope:
        image, rank = _image(image)
        if not image.dtype.is_floating:
            image = cast(image, dtypes.float32)
        axes = [-1, -2, -3]
        dims = image.shape.as_tuple()[-3:]
        num = float(np.prod(dims)) if None not in dims else \
            math_ops.reduce_prod(cast(shape(image)[-3:], image.dtype))
        mean = reduce_mean(image, axes, keepdims=True)
        stddev = sqrt(reduce_mean(square(image - mean), axes, keepdims=True))
        adjusted = maximum(stddev, rsqrt(num))
        return math_ops.divide(subtract(image, mean), adjusted, name=scope)


def _static_hw(image, rank):
    dims = image.shape.as_tuple()
    h, w = dims[rank - 3], dims[rank - 2]
    if h is None or w is None:
        raise ValueError("minitf needs the image height and width known when the graph is built "
                         "(got shape %s)" % image.shape)
    return h, w


def _int(value, what):
    known = value if not hasattr(value, "op") else constant_value(value)
    if known is None:
        raise ValueError("minitf needs %s known when the graph is built" % what)
    return int(known)


def central_crop(image, central_fraction):
    """tf.image.central_crop: the central `central_fraction` (in (0, 1]) of each image's height
    and width."""
    if not 0.0 < central_fraction <= 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    with name_scope(None, "central_crop", [image]) as scope:
        image, rank = _image(image)
        if central_fraction == 1.0:
            return image
        h, w = _static_hw(image, rank)
        top = int((h - h * central_fraction) / 2)
        left = int((w - w * central_fraction) / 2)
        begin = [top, left, 0] if rank == 3 else [0, top, left, 0]
        size = [h - 2 * top, w - 2 * left, -1] if rank == 3 else [-1, h - 2 * top, w - 2 * left, -1]
        return slice(image, begin, size, name=scope)


def _box(image, offset_h, offset_w, target_h, target_w, crop):
    """(image, rank, (h, w), (offsets), (targets)) with TF's checks of a crop or pad box."""
    image, rank = _image(image)
    h, w = _static_hw(image, rank)
    offset_h, offset_w = _int(offset_h, "offset_height"), _int(offset_w, "offset_width")
    target_h, target_w = _int(target_h, "target_height"), _int(target_w, "target_width")
    for name, v in (("offset_height", offset_h), ("offset_width", offset_w)):
        if v < 0:
            raise ValueError("%s must be >= 0" % name)
    for name, v in (("target_height", target_h), ("target_width", target_w)):
        if v <= 0:
            raise ValueError("%s must be > 0" % name)
    if crop:
        if h < offset_h + target_h:
            raise ValueError("height must be >= target + offset.")
        if w < offset_w + target_w:
            raise ValueError("width must be >= target + offset.")
    else:
        if target_h - offset_h - h < 0:
            raise ValueError("height must be <= target - offset")
        if target_w - offset_w - w < 0:
            raise ValueError("width must be <= target - offset")
    return image, rank, (h, w), (offset_h, offset_w), (target_h, target_w)


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """tf.image.pad_to_bounding_box: zeros around the image so that it sits at (offset_height,
    offset_width) in a target_height x target_width image."""
    with name_scope(None, "pad_to_bounding_box", [image]) as scope:
        image, rank, (h, w), (oh, ow), (th, tw) = _box(
            image, offset_height, offset_width, target_height, target_width, crop=False)
        paddings = [[oh, th - oh - h], [ow, tw - ow - w], [0, 0]]
        return pad(image, paddings if rank == 3 else [[0, 0]] + paddings, name=scope)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """tf.image.crop_to_bounding_box: the target_height x target_width window at
    (offset_height, offset_width)."""
    with name_scope(None, "crop_to_bounding_box", [image]) as scope:
        image, rank, _, (oh, ow), (th, tw) = _box(
            image, offset_height, offset_width, target_height, target_width, crop=True)
        begin, size = [oh, ow, 0], [th, tw, -1]
        if rank == 4:
            begin, size = [0] + begin, [-1] + size
        return slice(image, begin, size, name=scope)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """tf.image.convert_image_dtype: integers are fractions of their type's maximum (uint8 255
    is 1.0); floats in [0, 1] scale to the integer range. Float to float and same-dtype
    conversions are plain casts; `saturate` clips before a cast that could overflow."""
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise AttributeError("dtype must be either floating point or integer")
    image = convert_to_tensor(image, name="image")
    src = image.dtype
    if not (src.is_floating or src.is_integer):
        raise AttributeError("image dtype must be either floating point or integer")
    if src is dtype:  # outside the scope, as TF: 'Identity' unless named
        return identity(image, name=name)
    with name_scope(name, "convert_image", [image]) as scope:
        if src.is_integer and dtype.is_integer:
            src_max, dst_max = int(src.max), int(dtype.max)
            if src_max > dst_max:
                scale = (src_max + 1) // (dst_max + 1)
                return cast(math_ops.floordiv(image, scale), dtype, name=scope)
            scale = (dst_max + 1) // (src_max + 1)
            return multiply(cast(image, dtype), scale, name=scope)
        if src.is_floating and dtype.is_floating:
            return cast(image, dtype, name=scope)
        if src.is_integer:
            return multiply(cast(image, dtype), 1.0 / int(src.max), name=scope)
        scaled = multiply(image, int(dtype.max) + 0.5)
        if saturate:
            scaled = math_ops.clip_by_value(scaled, float(dtype.min), float(dtype.max))
        return cast(scaled, dtype, name=scope)


def resize_image_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR,
                          align_corners=False):
    """tf.image.resize_image_with_pad (TF1's): the image resized (resize_images, `method`) to
    fit target_height x target_width with its aspect ratio kept, then padded with zeros around
    it to that size; the sizes in TF's float32 arithmetic. minitf needs the image's height and
    width and the targets known when the graph is built."""
    with name_scope(None, "resize_image_with_pad", [image]):
        image, single = _batched(image)
        height, width = _static_hw(image, 4)
        target_height = _int(target_height, "target_height")
        target_width = _int(target_width, "target_width")
        if target_width <= 0:
            raise ValueError("target_width must be > 0.")
        if target_height <= 0:
            raise ValueError("target_height must be > 0.")
        f = np.float32
        ratio = max(f(width) / f(target_width), f(height) / f(target_height))
        resized_h, resized_w = f(height) / ratio, f(width) / ratio
        pad_h = max(0, int(np.floor((f(target_height) - resized_h) / f(2))))
        pad_w = max(0, int(np.floor((f(target_width) - resized_w) / f(2))))
        resized = resize_images(image, [int(np.floor(resized_h)), int(np.floor(resized_w))],
                                method, align_corners=align_corners)
        padded = pad_to_bounding_box(resized, pad_h, pad_w, target_height, target_width)
        return squeeze(padded, [0]) if single else padded
