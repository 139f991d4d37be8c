"""Moving blocks of space between axes: SpaceToDepth / DepthToSpace (tf.space_to_depth,
tf.depth_to_space) and SpaceToBatchND / BatchToSpaceND (tf.space_to_batch_nd,
tf.batch_to_space_nd, TF1's 2-D tf.space_to_batch / tf.batch_to_space). Each pair is the
other's gradient. Block sizes, paddings and crops must be known when the graph is built."""

import math

import numpy as np

from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import TensorShape, format_dims
from minitf.framework.tensor import TensorSpec
from minitf import dtypes
from minitf.ops.core import cast, constant, convert_to_tensor, reshape, shape, stack
from minitf.ops.op_util import get_static_value, rank_error
from minitf.ops.ranges import range as range_
from minitf.ops.segment_ops import unsorted_segment_sum
from minitf.ops.shape_ops import transpose

__all__ = ["space_to_depth", "depth_to_space", "space_to_batch_nd", "batch_to_space_nd",
           "space_to_batch", "batch_to_space", "extract_image_patches", "extract_volume_patches",
           "required_space_to_batch_paddings"]


def _divisible(dim, by):
    if dim is not None and dim % by:
        raise ValueError("Dimension size must be evenly divisible by %d but is %d" % (by, dim))


class _DepthOp(OpDef):
    block_size: int
    data_format: str = "NHWC"

    def infer(self, x):
        if self.block_size < 2:
            raise ValueError("Attr 'block_size' of '%s' Op passed %d less than minimum 2."
                             % (self.type_name, self.block_size))
        if self.data_format != "NHWC":
            raise ValueError("minitf's %s takes data_format 'NHWC' only (TF's CPU kernel too), "
                             "got %r" % (self.type_name, self.data_format))
        if x.shape.ndims is None:
            return TensorSpec([None] * 4, x.dtype)
        if x.shape.ndims != 4:
            raise rank_error(4, x.shape.ndims)
        return TensorSpec(self.out_dims(x.shape.as_tuple()), x.dtype)


@register
class SpaceToDepth(_DepthOp):
    """Each block_size x block_size block of (height, width) becomes one pixel of depth
    block_size**2 * C (row of the block, column of the block, channel)."""

    def out_dims(self, dims):
        n, h, w, c = dims
        b = self.block_size
        _divisible(h, b)
        _divisible(w, b)
        return [n, h and h // b, w and w // b, c and c * b * b]

    def compute(self, xp, x):
        n, h, w, c = x.shape
        b = self.block_size
        if h % b or w % b:
            raise ValueError("Image width %d and height %d should be divisible by block_size: %d"
                             % (w, h, b))
        blocks = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
        return blocks.reshape(n, h // b, w // b, b * b * c)

    def grad(self, op, dy):
        return [depth_to_space(dy, self.block_size)]


@register
class DepthToSpace(_DepthOp):
    """The inverse of SpaceToDepth: depth block_size**2 * C becomes block_size x block_size
    pixels of depth C."""

    def out_dims(self, dims):
        n, h, w, c = dims
        b = self.block_size
        _divisible(c, b * b)
        return [n, h and h * b, w and w * b, c and c // (b * b)]

    def compute(self, xp, x):
        n, h, w, c = x.shape
        b = self.block_size
        if c % (b * b):
            raise ValueError("Input depth dimension %d should be divisible by: %d" % (c, b * b))
        pixels = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
        return pixels.reshape(n, h * b, w * b, c // (b * b))

    def grad(self, op, dy):
        return [space_to_depth(dy, self.block_size)]


def space_to_depth(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """tf.space_to_depth (also tf.nn): [N, H, W, C] -> [N, H/b, W/b, C*b*b], each b x b block
    of pixels stacked into the depth."""
    return SpaceToDepth(int(block_size), data_format)(convert_to_tensor(input),
                                                      name=name or "SpaceToDepth")


def depth_to_space(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """tf.depth_to_space (also tf.nn): [N, H, W, C*b*b] -> [N, H*b, W*b, C], the inverse of
    space_to_depth."""
    return DepthToSpace(int(block_size), data_format)(convert_to_tensor(input),
                                                      name=name or "DepthToSpace")


class _BlockBatchOp(OpDef):
    """Fields: block_shape (one block size per spatial axis, the axes after the batch) and
    `edges`, (before, after) per spatial axis: paddings added (SpaceToBatchND) or crops
    removed (BatchToSpaceND)."""

    block_shape: tuple
    edges: tuple

    def infer(self, x):
        m = len(self.block_shape)
        if any(b < 1 for b in self.block_shape):
            raise ValueError("block_shape must be positive, got %s" % list(self.block_shape))
        if any(e < 0 for pair in self.edges for e in pair):
            raise ValueError("%s cannot be negative" % self.edges_name)
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, x.dtype)
        if len(dims) < m + 1:
            raise rank_error(m + 1, len(dims), at_least=True)
        return TensorSpec(TensorShape(self.out_dims(dims, m)), x.dtype)


@register
class SpaceToBatchND(_BlockBatchOp):
    """Pads the spatial axes, then moves each block offset to the batch axis: output batch
    index = block offset (row-major over the block) * batch + input batch index."""

    edges_name = "paddings"

    def out_dims(self, dims, m):
        out = [None if dims[0] is None else dims[0] * math.prod(self.block_shape)]
        for d, b, (lo, hi) in zip(dims[1:m + 1], self.block_shape, self.edges):
            padded = None if d is None else d + lo + hi
            _divisible(padded, b)
            out.append(None if padded is None else padded // b)
        return out + list(dims[m + 1:])

    def compute(self, xp, x):
        m, block = len(self.block_shape), self.block_shape
        rest = x.shape[m + 1:]
        x = xp.pad(x, [(0, 0)] + [tuple(e) for e in self.edges] + [(0, 0)] * len(rest))
        for d, b in zip(x.shape[1:m + 1], block):
            if d % b:
                raise ValueError("padded_shape %s is not divisible by block_shape %s"
                                 % (format_dims(x.shape[1:m + 1]), format_dims(block)))
        split = [x.shape[0]]
        for d, b in zip(x.shape[1:m + 1], block):
            split += [d // b, b]
        perm = ([2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
                + list(range(2 * m + 1, 2 * m + 1 + len(rest))))
        out = x.reshape(split + list(rest)).transpose(perm)
        return out.reshape([x.shape[0] * math.prod(block)]
                           + [d // b for d, b in zip(x.shape[1:m + 1], block)] + list(rest))

    def grad(self, op, dy):
        return [batch_to_space_nd(dy, self.block_shape, self.edges)]


@register
class BatchToSpaceND(_BlockBatchOp):
    """The inverse of SpaceToBatchND: batch entries become block offsets of the spatial axes,
    which are then cropped."""

    edges_name = "crops"

    def out_dims(self, dims, m):
        batch = dims[0]
        for b in self.block_shape:  # (one block size after the other, as TF's checks)
            _divisible(batch, b)
            batch = None if batch is None else batch // b
        out = [batch]
        for d, b, (lo, hi) in zip(dims[1:m + 1], self.block_shape, self.edges):
            size = None if d is None else d * b
            for crop in (lo, hi):
                if size is not None and size < crop:
                    raise ValueError("Negative dimension size caused by subtracting %d from %d"
                                     % (crop, size))
                size = None if size is None else size - crop
            out.append(size)
        return out + list(dims[m + 1:])

    def compute(self, xp, x):
        m, block = len(self.block_shape), self.block_shape
        blocks, rest = math.prod(block), x.shape[m + 1:]
        if x.shape[0] % blocks:
            raise ValueError("Input batch dimension (%d) is not divisible by product of block "
                             "sizes (%d)" % (x.shape[0], blocks))
        batch, spatial = x.shape[0] // blocks, x.shape[1:m + 1]
        for d, b, (lo, hi) in zip(spatial, block, self.edges):
            if d * b < lo + hi:
                raise ValueError("Crops must be less than or equal to the cropped dimension: "
                                 "%d + %d > %d" % (lo, hi, d * b))
        perm = [m] + [j for i in range(m) for j in (m + 1 + i, i)] + list(
            range(2 * m + 1, 2 * m + 1 + len(rest)))
        out = x.reshape(list(block) + [batch] + list(spatial) + list(rest)).transpose(perm)
        out = out.reshape([batch] + [d * b for d, b in zip(spatial, block)] + list(rest))
        crop = tuple(slice(lo, d * b - hi) for d, b, (lo, hi) in zip(spatial, block, self.edges))
        return out[(slice(None),) + crop]

    def grad(self, op, dy):
        return [space_to_batch_nd(dy, self.block_shape, self.edges)]


def _static_blocks(block_shape, edges, what):
    block = get_static_value(block_shape)
    pairs = get_static_value(edges)
    if block is None or pairs is None:
        raise NotImplementedError("minitf needs block_shape and %s known when the graph is "
                                  "built" % what)
    block = np.asarray(block).reshape(-1)
    pairs = np.asarray(pairs)
    if pairs.shape != (len(block), 2):
        raise ValueError("%s must have shape [%d, 2] (one pair per block dimension), got %s"
                         % (what, len(block), format_dims(pairs.shape)))
    return tuple(int(b) for b in block), tuple((int(a), int(b)) for a, b in pairs)


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """tf.required_space_to_batch_paddings: (paddings, crops), each [n, 2] int32, that extend
    base_paddings (default zeros) at the end of each of the n dims of input_shape so that the
    padded size divides by block_shape, and the crops that undo that extension after
    batch_to_space_nd. Constants when every input is known when building, as in TF."""
    with name_scope(name, "required_space_to_batch_paddings", [input_shape, block_shape]):
        input_shape = convert_to_tensor(input_shape, dtype=dtypes.int32, name="input_shape")
        block_shape = convert_to_tensor(block_shape, dtype=dtypes.int32, name="block_shape")
        n = block_shape.shape[0].value if block_shape.shape.ndims == 1 else None
        if n is None:
            raise ValueError("block_shape must be a 1-D tensor of known length, got %s"
                             % block_shape.shape)
        if base_paddings is None:
            base_paddings = np.zeros([n, 2], np.int32)
        base_paddings = convert_to_tensor(base_paddings, dtype=dtypes.int32,
                                          name="base_paddings")
        known = [get_static_value(t) for t in (input_shape, block_shape, base_paddings)]
        if all(v is not None for v in known):
            shape_v, block_v, base_v = (np.asarray(v, np.int64) for v in known)
            full = shape_v + base_v[:, 0] + base_v[:, 1]
            extra = (block_v - full % block_v) % block_v
            paddings = np.stack([base_v[:, 0], base_v[:, 1] + extra], 1).astype(np.int32)
            crops = np.stack([np.zeros_like(extra), extra], 1).astype(np.int32)
            return (constant(paddings, name="paddings"), constant(crops, name="crops"))
        start, end = base_paddings[:, 0], base_paddings[:, 1]
        extra = (block_shape - (input_shape + start + end) % block_shape) % block_shape
        end = end + extra
        paddings = stack([stack([start[i], end[i]]) for i in range(n)], name="paddings")
        crops = stack([stack([0, extra[i]]) for i in range(n)], name="crops")
        return paddings, crops


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """tf.space_to_batch_nd: pads the spatial axes (those after the batch, one per block_shape
    entry) by `paddings`, then moves each block offset into the batch axis."""
    block, pairs = _static_blocks(block_shape, paddings, "paddings")
    return SpaceToBatchND(block, pairs)(convert_to_tensor(input),
                                        name=name or "SpaceToBatchND")


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """tf.batch_to_space_nd: the inverse of space_to_batch_nd; `crops` are removed from the
    spatial axes afterwards."""
    block, pairs = _static_blocks(block_shape, crops, "crops")
    return BatchToSpaceND(block, pairs)(convert_to_tensor(input),
                                        name=name or "BatchToSpaceND")


def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None,  # noqa: A002
                        spatial_dims=None, data_format=None):
    """tf.nn.with_space_to_batch: runs op(input, num_spatial_dims, padding) on the
    space-to-batch form of `input` (block `dilation_rate` over `spatial_dims`), so a windowed
    op sees its input sampled at that rate, and moves the result back. minitf needs
    dilation_rate, filter_shape (SAME) and the input's spatial sizes known when building (its
    space_to_batch_nd takes static paddings)."""
    input = convert_to_tensor(input, name="input")  # noqa: A001
    rate = convert_to_tensor(dilation_rate, dtypes.int32, name="dilation_rate")
    if rate.shape.ndims not in (None, 1):
        raise ValueError("`dilation_rate.shape.rank` must be 1. Received: dilation_rate=%s of "
                         "rank %d" % (rate, rate.shape.ndims))
    if not rate.shape.is_fully_defined():
        raise ValueError("`dilation_rate.shape` must be fully defined. Received: "
                         "dilation_rate=%s with shape %s" % (rate, rate.shape))
    num = rate.shape[0].value
    first = 2 if data_format is not None and data_format.startswith("NC") else 1
    spatial = list(range(first, num + first)) if spatial_dims is None else list(spatial_dims)
    if sorted(set(int(d) for d in spatial)) != spatial or any(d < 1 for d in spatial):
        raise ValueError("`spatial_dims` must be a monotonically increasing sequence of positive "
                         "integers. Received: spatial_dims=%s" % spatial)
    need = spatial[-1] + (0 if first == 2 else 1)
    if input.shape.ndims is not None and input.shape.ndims < need:
        raise ValueError("`input.shape.rank` must be at least %d. Received: input.shape=%s with "
                         "rank %d" % (need, input.shape, input.shape.ndims))
    rates = get_static_value(rate)
    if rates is None:
        raise NotImplementedError("minitf needs dilation_rate known when the graph is built")
    rates = np.asarray(rates, np.int64).reshape(-1)
    if np.any(rates < 1):
        raise ValueError("`dilation_rate` must be positive. Received: dilation_rate=%s" % rates)
    if np.all(rates == 1):
        return op(input, num, padding)
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("`filter_shape` must be specified for `padding='SAME'`. Received: "
                             "filter_shape=None and padding=SAME")
        window = get_static_value(convert_to_tensor(filter_shape, name="filter_shape"))
        if window is None:
            raise NotImplementedError("minitf needs filter_shape known when the graph is built")
        extra = (np.asarray(window, np.int64).reshape(-1)[:num] - 1) * rates
        base = np.stack([extra // 2, extra - extra // 2], 1)  # the odd one after, as conv2d
    elif padding == "VALID":
        base = np.zeros([num, 2], np.int64)
    else:
        raise ValueError("`padding` must be one of 'SAME' or 'VALID'. Received: padding=%s"
                         % (padding,))
    dims = input.shape.as_tuple()
    sizes = None if dims is None else [dims[d] for d in spatial]
    if sizes is None or None in sizes:
        raise NotImplementedError("minitf's with_space_to_batch needs the input's spatial sizes "
                                  "known when the graph is built, got %s" % input.shape)
    paddings, crops = required_space_to_batch_paddings(sizes, rates, base)
    # Block 1 and no padding on the dims between the batch and the last spatial dim that are
    # not spatial (TF's _with_space_to_batch_adjust).
    block, pads, cuts = [1] * spatial[-1], [(0, 0)] * spatial[-1], [(0, 0)] * spatial[-1]
    for i, d in enumerate(spatial):
        block[d - 1] = int(rates[i])
        pads[d - 1] = tuple(get_static_value(paddings)[i])
        cuts[d - 1] = tuple(get_static_value(crops)[i])
    converted = space_to_batch_nd(input, block, pads)
    return batch_to_space_nd(op(converted, num, "VALID"), block, cuts)


def _square(block_size, block_shape):
    if block_shape is not None:
        if block_size is not None:
            raise ValueError("Cannot specify both 'block_shape' and 'block_size'.")
        block_size = block_shape
    return [int(block_size)] * 2


def space_to_batch(input, paddings, block_size=None, name=None, block_shape=None):  # noqa: A002
    """tf.space_to_batch (TF1, also tf.nn): space_to_batch_nd of a 4-D input over its two
    spatial axes with the square block `block_size`."""
    result = space_to_batch_nd(input, _square(block_size, block_shape), paddings, name=name)
    result.set_shape(result.shape.with_rank(4))
    return result


def batch_to_space(input, crops, block_size, name=None, block_shape=None):  # noqa: A002
    """tf.batch_to_space (TF1): batch_to_space_nd of a 4-D input with the square block
    `block_size`."""
    result = batch_to_space_nd(input, _square(block_size, block_shape), crops, name=name)
    result.set_shape(result.shape.with_rank(4))
    return result


def _patch_geometry(size, k, stride, rate, padding):
    """(output size, padding before) of one spatial axis, as TF's conv windows: the dilated
    window k + (k - 1)(rate - 1); SAME pads evenly, the extra one after."""
    window = k + (k - 1) * (rate - 1)
    if padding == "VALID":
        return max(-(-(size - window + 1) // stride), 0), 0
    out = -(-size // stride)
    return out, max((out - 1) * stride + window - size, 0) // 2


@register
class ExtractImagePatches(OpDef):
    """[N, H, W, C] -> [N, rows, cols, kr * kc * C]: each output pixel holds the (dilated)
    kr x kc window at its position, ordered (window row, window column, channel); windows
    reaching past a SAME-padded edge see zeros."""

    ksizes: tuple
    strides: tuple
    rates: tuple
    padding: str

    def infer(self, images):
        if self.padding not in ("SAME", "VALID"):
            raise ValueError("Attr 'padding' of 'ExtractImagePatches' Op passed string '%s' not "
                             "in: \"SAME\", \"VALID\"." % self.padding)
        for what, v in (("ksizes", self.ksizes), ("strides", self.strides),
                        ("rates", self.rates)):
            if len(v) != 4 or v[0] != 1 or v[3] != 1:
                raise ValueError("%s must be [1, rows, cols, 1], got %s" % (what, list(v)))
        dims = images.shape.as_tuple()
        if dims is None:
            return TensorSpec([None] * 4, images.dtype)
        if len(dims) != 4:
            raise rank_error(4, len(dims))
        n, h, w, c = dims
        rows = None if h is None else self._geometry(h, 1)[0]
        cols = None if w is None else self._geometry(w, 2)[0]
        depth = None if c is None else c * self.ksizes[1] * self.ksizes[2]
        return TensorSpec([n, rows, cols, depth], images.dtype)

    def _geometry(self, size, axis):
        return _patch_geometry(size, self.ksizes[axis], self.strides[axis], self.rates[axis],
                               self.padding)

    def compute(self, xp, images):
        n, h, w, c = images.shape
        (rows, top), (cols, left) = self._geometry(h, 1), self._geometry(w, 2)
        kr, kc = self.ksizes[1:3]
        sr, sc = self.strides[1:3]
        rr, rc = self.rates[1:3]
        bottom = max((rows - 1) * sr + (kr - 1) * rr + 1 - h - top, 0)
        right = max((cols - 1) * sc + (kc - 1) * rc + 1 - w - left, 0)
        padded = xp.pad(images, ((0, 0), (top, bottom), (left, right), (0, 0)))
        windows = [padded[:, i * rr:i * rr + (rows - 1) * sr + 1:sr,
                          j * rc:j * rc + (cols - 1) * sc + 1:sc]
                   for i in range(kr) for j in range(kc)]
        if not windows or rows <= 0 or cols <= 0:
            return xp.zeros((n, max(rows, 0), max(cols, 0), kr * kc * c), images.dtype)
        return xp.stack(windows, axis=3).reshape(n, rows, cols, kr * kc * c)

    def grad(self, op, dy):
        return [_patches_grad(self, op.inputs[0], dy, self.ksizes[1] * self.ksizes[2])]


def _patches_grad(opdef, images, dy, taps):
    """The gradient of a patch op (`opdef`: its ExtractImagePatches or ExtractVolumePatches)
    with respect to `images` [N, spatial..., C], given `dy` [N, out spatial..., taps * C]: each
    window entry's gradient goes back to the pixel it copied. The patches of an image of
    pixel numbers (1..pixels; 0 where a window sees padding) name the pixel, and one segment
    sum adds the entries per pixel (TF's construction)."""
    m = images.shape.ndims - 2
    dims = shape(images)
    n, spatial, c = dims[0], [dims[1 + i] for i in range(m)], dims[m + 1]
    count = spatial[0]
    for size in spatial[1:]:
        count = count * size
    pixels = reshape(range_(1, count + 1), stack([1] + spatial + [1]))
    numbers = opdef(pixels, name="pixel_numbers")
    out = shape(dy)
    entries = reshape(dy, stack([n] + [out[1 + i] for i in range(m)] + [taps, c]))
    entries = transpose(entries, list(range(1, m + 2)) + [0, m + 2])
    sums = unsorted_segment_sum(reshape(entries, stack([-1, n * c])), reshape(numbers, [-1]),
                                count + 1)
    grad = transpose(reshape(sums[1:], stack(spatial + [n, c])), [m] + list(range(m)) + [m + 1])
    grad.set_shape(images.shape)
    return grad


@register
class ExtractVolumePatches(OpDef):
    """[N, D, H, W, C] -> [N, planes, rows, cols, kd * kr * kc * C]: each output cell holds the
    kd x kr x kc window at its position, ordered (plane, row, column, channel); windows reaching
    past a SAME-padded edge see zeros."""

    ksizes: tuple
    strides: tuple
    padding: str

    def infer(self, x):
        if self.padding not in ("SAME", "VALID"):
            raise ValueError("Attr 'padding' of 'ExtractVolumePatches' Op passed string '%s' not "
                             "in: \"SAME\", \"VALID\"." % self.padding)
        for what, v in (("ksizes", self.ksizes), ("strides", self.strides)):
            if len(v) != 5 or min(v) < 1:
                raise ValueError("%s must be 5 positive integers, got %s" % (what, list(v)))
        if self.ksizes[0] != 1 or self.ksizes[4] != 1:
            raise ValueError("Only support ksizes across space.")
        if self.strides[0] != 1 or self.strides[4] != 1:
            raise ValueError("Only support strides across space.")
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec([None] * 5, x.dtype)
        if len(dims) != 5:
            raise rank_error(5, len(dims))
        out = [None if d is None else self._geometry(d, axis)[0]
               for axis, d in enumerate(dims[1:4], 1)]
        depth = None if dims[4] is None else dims[4] * math.prod(self.ksizes[1:4])
        return TensorSpec([dims[0]] + out + [depth], x.dtype)

    def _geometry(self, size, axis):
        return _patch_geometry(size, self.ksizes[axis], self.strides[axis], 1, self.padding)

    def compute(self, xp, x):
        n, c = x.shape[0], x.shape[4]
        geometry = [self._geometry(d, axis) for axis, d in enumerate(x.shape[1:4], 1)]
        out = [o for o, _ in geometry]
        k, strides = self.ksizes[1:4], self.strides[1:4]
        if min(out) <= 0:
            return xp.zeros([n] + [max(o, 0) for o in out] + [math.prod(k) * c], x.dtype)
        pads = [(before, max((o - 1) * s + w - d - before, 0))
                for (o, before), s, w, d in zip(geometry, strides, k, x.shape[1:4])]
        padded = xp.pad(x, [(0, 0)] + pads + [(0, 0)])
        windows = [padded[:, a:a + (out[0] - 1) * strides[0] + 1:strides[0],
                          b:b + (out[1] - 1) * strides[1] + 1:strides[1],
                          e:e + (out[2] - 1) * strides[2] + 1:strides[2]]
                   for a in range(k[0]) for b in range(k[1]) for e in range(k[2])]
        return xp.stack(windows, axis=4).reshape([n] + out + [math.prod(k) * c])

    def grad(self, op, dy):
        return [_patches_grad(self, op.inputs[0], dy, math.prod(self.ksizes[1:4]))]


def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002
    """tf.extract_volume_patches: the kd x kr x kc windows (`ksizes` [1, kd, kr, kc, 1]) of
    `input` [N, D, H, W, C] at `strides`, with "SAME" or "VALID" padding, each flattened into
    the depth of one output cell."""
    as_tuple = lambda v: tuple(int(i) for i in v)  # noqa: E731
    opdef = ExtractVolumePatches(as_tuple(ksizes), as_tuple(strides), str(padding))
    return opdef(convert_to_tensor(input, name="input"), name=name or "ExtractVolumePatches")


def extract_image_patches(images, ksizes=None, strides=None, rates=None, padding=None,
                          name=None, sizes=None):
    """tf.extract_image_patches: the kr x kc windows (`ksizes` [1, kr, kc, 1], or TF 2's name
    `sizes`) of `images` [N, H, W, C] at `strides`, dilated by `rates`, with "SAME" or "VALID"
    padding, each flattened into the depth of one output pixel."""
    if sizes is not None:
        if ksizes is not None:
            raise ValueError("Cannot specify both 'sizes' and 'ksizes'.")
        ksizes = sizes
    as_tuple = lambda v: tuple(int(i) for i in v)  # noqa: E731
    opdef = ExtractImagePatches(as_tuple(ksizes), as_tuple(strides), as_tuple(rates),
                                padding if isinstance(padding, str) else str(padding))
    return opdef(convert_to_tensor(images, name="images"), name=name or "ExtractImagePatches")
