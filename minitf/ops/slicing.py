"""Slices (tf.slice, tf.strided_slice and `Tensor.__getitem__`) and padding, the inverse of
slicing: each is the other's gradient."""

import builtins
import numbers
import operator

import numpy as np

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.framework.tensor_util import constant_value, constant_value_as_shape
from minitf.ops.core import (constant, convert_to_tensor, index_tensor, ones_like, shape, stack,
                             static_int_list)
from minitf.ops.op_util import check_int_dtype, check_shape_tensor, known_dims

__all__ = ["pad", "slice", "strided_slice", "newaxis"]


newaxis = None  # tf.newaxis: `x[:, tf.newaxis]` inserts a dimension of size 1


# This module defines a public `slice` (tf.slice); kernels need Python's.
_pyslice = builtins.slice


# -- padding -----------------------------------------------------------------------------------

def _padded_dims(x, paddings, check=None):
    """Static shape of `x` padded by the [rank, 2] tensor `paddings`; `check(d, before, after)`
    validates one known dimension."""
    check_int_dtype(paddings, "paddings")
    if paddings.shape.ndims not in (None, 2) or paddings.shape[1].value not in (None, 2):
        raise ValueError("paddings must have shape [rank, 2], got %s" % paddings.shape)
    dims = x.shape.as_tuple()
    rank = len(dims) if dims is not None else paddings.shape[0].value
    if dims is not None and paddings.shape[0].value not in (None, rank):
        raise ValueError("paddings has %d rows for a tensor of rank %d"
                         % (paddings.shape[0].value, rank))
    value = constant_value(paddings)
    if rank is None:
        return None
    dims = dims or (None,) * rank
    if value is None:
        return [None] * rank
    if (value < 0).any():
        raise ValueError("Paddings must be non-negative")
    out = []
    for d, (before, after) in zip(dims, value.tolist()):
        if d is not None and check is not None:
            check(d, before, after)
        out.append(None if d is None else d + before + after)
    return out


def _pad(xp, x, pads, value):
    """xp.pad(x, pads, constant_values=value) as a filled array and one slice assignment:
    numpy's pad walks the axes in Python (~50 us for the [64, 128] gradient of a slice, 10x
    this)."""
    if len(pads) != x.ndim or any(a < 0 or b < 0 for a, b in pads) or x.dtype.kind not in "biufc":
        return xp.pad(x, pads, constant_values=value)  # (its error; strings)
    out = xp.full(tuple(d + a + b for d, (a, b) in zip(x.shape, pads)), value, dtype=x.dtype)
    out[tuple(_pyslice(a, a + d) for d, (a, _) in zip(x.shape, pads))] = x
    return out


@register
class Pad(OpDef):
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tpaddings", 1)))
    def infer(self, x, paddings):
        return TensorSpec(_padded_dims(x, paddings), x.dtype)

    def compute(self, xp, x, paddings):
        return _pad(xp, x, paddings.tolist(), 0)

    def specialize(self, xp, op):
        # Static shape and paddings (the gradient of a slice): zeros and one assignment into
        # the region worked out once.
        general = super().specialize(xp, op)
        x = op.inputs[0]
        dims, out, pads = known_dims(x), known_dims(op.outputs[0]), constant_value(op.inputs[1])
        if type(self) is not Pad or dims is None or out is None or pads is None or not (
                x.dtype.is_floating or x.dtype.is_integer or x.dtype.is_complex or
                x.dtype is dtypes.bool):
            return general
        region = tuple(_pyslice(a, a + d) for d, (a, _) in zip(dims, pads.tolist()))
        dtype = x.dtype.as_numpy_dtype

        def pad(value, paddings):
            if value.shape != dims:
                return general(value, paddings)
            padded = xp.zeros(out, dtype)
            padded[region] = value
            return padded
        return pad

    def grad(self, op, dy):
        x, paddings = op.inputs[:2]
        return [slice(dy, paddings[:, 0], shape(x, out_type=paddings.dtype)), None]


@register
class PadV2(Pad):
    """Pad with a constant other than zero (a scalar input of x's dtype)."""

    def infer(self, x, paddings, constant_values):
        if constant_values.dtype is not x.dtype or constant_values.shape.ndims not in (None, 0):
            raise TypeError("constant_values must be a scalar of the input's dtype %s, got %s of "
                            "shape %s" % (x.dtype.name, constant_values.dtype.name,
                                          constant_values.shape))
        return super().infer(x, paddings)

    def compute(self, xp, x, paddings, constant_values):
        return _pad(xp, x, paddings.tolist(), constant_values.item())

    def grad(self, op, dy):
        return super().grad(op, dy) + [None]


@register
class MirrorPad(OpDef):
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tpaddings", 1)))
    mode: str  # "REFLECT" (the edge is not repeated) or "SYMMETRIC" (it is)

    def infer(self, x, paddings):
        limit = 1 if self.mode == "REFLECT" else 0

        def check(d, before, after):
            if max(before, after) > d - limit:
                raise ValueError("paddings must be %s the dimension size: %d, %d greater than %d"
                                 % ("less than" if limit else "no greater than", before, after,
                                    d - limit))
        return TensorSpec(_padded_dims(x, paddings, check), x.dtype)

    def compute(self, xp, x, paddings):
        return xp.pad(x, paddings.tolist(), mode=self.mode.lower())

    def grad(self, op, dy):
        return [MirrorPadGrad(self.mode)(dy, op.inputs[1], name="MirrorPadGrad"), None]


@register
class MirrorPadGrad(OpDef):
    """Folds the gradient of the mirrored borders back onto the elements they copied."""
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tpaddings", 1)))

    mode: str

    def infer(self, dy, paddings):
        check_int_dtype(paddings, "paddings")
        value = constant_value(paddings)
        dims = dy.shape.as_tuple()
        if dims is None or value is None:
            return TensorSpec(None if dims is None else [None] * len(dims), dy.dtype)
        return TensorSpec([None if d is None else d - before - after
                           for d, (before, after) in zip(dims, value.tolist())], dy.dtype)

    def compute(self, xp, dy, paddings):
        shift = 1 if self.mode == "REFLECT" else 0
        g = dy
        for axis, (before, after) in enumerate(paddings.tolist()):
            if not before and not after:
                continue
            g = xp.moveaxis(g, axis, 0)
            n = g.shape[0] - before - after
            core = g[before:before + n].copy()
            if before:
                core[shift:shift + before] += g[:before][::-1]
            if after:
                core[n - shift - after:n - shift] += g[before + n:][::-1]
            g = xp.moveaxis(core, 0, axis)
        return g.copy() if g is dy else g

    def grad(self, op, ddx):
        return [MirrorPad(self.mode)(ddx, op.inputs[1], name="MirrorPad"), None]


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """tf.pad: pads each axis i with paddings[i][0] values before and paddings[i][1] after;
    mode 'CONSTANT' (with `constant_values`), 'REFLECT' or 'SYMMETRIC' (case-insensitive)."""
    mode = str(mode).upper()
    if mode == "CONSTANT":
        if not isinstance(constant_values, Tensor) and np.all(np.asarray(constant_values) == 0):
            opdef, default = Pad(), "Pad"
        else:
            opdef, default = PadV2(), "PadV2"
    elif mode in ("REFLECT", "SYMMETRIC"):
        opdef, default = MirrorPad(mode), "MirrorPad"
    else:
        raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or '
                         '"SYMMETRIC". Received `mode` = %s' % mode)
    with name_scope(name, default, [tensor, paddings]) as scope:
        inputs = [convert_to_tensor(tensor, name="input"), index_tensor(paddings, name="paddings")]
        if default == "PadV2":
            inputs.append(convert_to_tensor(
                constant_values, None if isinstance(constant_values, Tensor) else inputs[0].dtype,
                name="constant_values"))
        return opdef(*inputs, name=scope)


# -- slicing -----------------------------------------------------------------------------------

@register
class Slice(OpDef):
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Index", 1)))
    host_inputs = (1, 2)  # shape arguments stay on the host
    def infer(self, x, begin, size):
        check_shape_tensor(begin, "Slice's begin")
        check_shape_tensor(size, "Slice's size")
        dims = x.shape.as_tuple()
        b, s = static_int_list(begin), static_int_list(size)
        rank = len(dims) if dims is not None else len(b) if b is not None else \
            len(s) if s is not None else None
        if rank is None:
            return TensorSpec(None, x.dtype)
        b, s = b or [None] * rank, s or [None] * rank
        if len(b) != rank or len(s) != rank:
            raise ValueError("Expected begin and size arguments to be 1-D tensors of size %d, but "
                             "got shapes %s and %s instead." % (rank, begin.shape, size.shape))
        out = []
        for i, (d, bi, si) in enumerate(zip(dims or [None] * rank, b, s)):
            if bi is not None and (bi < 0 or (d is not None and bi > d)):
                raise ValueError("Expected begin[%d] in [0, %s], but got %d" % (i, _fmt_dim(d), bi))
            if si is not None and si < -1:
                raise ValueError("Expected size[%d] >= -1, but got %d" % (i, si))
            if si is not None and si != -1:
                if d is not None and bi is not None and bi + si > d:
                    raise ValueError("Expected size[%d] in [0, %d], but got %d" % (i, d - bi, si))
                out.append(si)
            else:
                out.append(None if si is None or d is None or bi is None else d - bi)
        return TensorSpec(out, x.dtype)

    def compute(self, xp, x, begin, size):
        key = []
        for i, (d, b, s) in enumerate(zip(x.shape, begin.tolist(), size.tolist())):
            if not 0 <= b <= d:
                raise ValueError("Expected begin[%d] in [0, %d], but got %d" % (i, d, b))
            if not -1 <= s <= d - b:
                raise ValueError("Expected size[%d] in [0, %d], but got %d" % (i, d - b, s))
            key.append(_pyslice(b, d if s == -1 else b + s))
        return x[tuple(key)]

    def specialize(self, xp, op):
        # Static shape, begin and size (nce_loss's four slices): the index made once.
        general = super().specialize(xp, op)
        x, begin, size = op.inputs
        dims, b, s = known_dims(x), constant_value(begin), constant_value(size)
        if dims is None or b is None or s is None or len(b) != len(dims) or len(s) != len(dims):
            return general
        key = []
        for d, bi, si in zip(dims, b.tolist(), s.tolist()):
            if not (0 <= bi <= d and -1 <= si <= d - bi):
                return general  # (its error, at run time)
            key.append(_pyslice(bi, d if si == -1 else bi + si))
        key = tuple(key)

        def slice_(value, begin, size):
            return value[key] if value.shape == dims else general(value, begin, size)
        return slice_

    def grad(self, op, dy):
        x, begin, _ = op.inputs
        after = shape(x, out_type=begin.dtype) - begin - shape(dy, out_type=begin.dtype)
        return [pad(dy, stack([begin, after], axis=1)), None, None]


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's public name
    """tf.slice: the block of `size` elements starting at `begin` (size -1: to the end)."""
    with name_scope(name, "Slice", [input_, begin, size]) as scope:
        x = convert_to_tensor(input_, name="input")
        begin = index_tensor(begin, name="begin")
        return Slice()(x, begin, index_tensor(size, name="size"), name=scope)


def _fmt_dim(d):
    return "?" if d is None else str(d)


class _StridedSliceMasks(OpDef):
    """The masks of StridedSlice and StridedSliceGrad, encoded as TF does: bit i of a mask is
    about entry i of begin/end/strides."""

    begin_mask: int = 0         # begin[i] is ignored: the slice starts at the first element
    end_mask: int = 0           # end[i] is ignored: the slice runs to the last element
    ellipsis_mask: int = 0      # entry i is `...`
    new_axis_mask: int = 0      # entry i is tf.newaxis
    shrink_axis_mask: int = 0   # entry i is the integer index begin[i]: the axis is removed

    def kind(self, i):
        """What entry i of the spec is: 'ellipsis', 'new_axis', 'index' or 'range'."""
        bit = 1 << i
        if self.ellipsis_mask & bit:
            return "ellipsis"
        if self.new_axis_mask & bit:
            return "new_axis"
        return "index" if self.shrink_axis_mask & bit else "range"

    def bounds(self, i, begin, end):
        """(start, stop) of range entry i, None where a mask says the default."""
        bit = 1 << i
        return (None if self.begin_mask & bit else begin, None if self.end_mask & bit else end)

    def key(self, begin, end, strides):
        """The Python index (ints, slices, Ellipsis, None) that this spec stands for."""
        key = []
        for i, (b, e, s) in enumerate(zip(begin.tolist(), end.tolist(), strides.tolist())):
            kind = self.kind(i)
            if kind == "range":
                key.append(_pyslice(*self.bounds(i, b, e), s))
            else:
                key.append({"ellipsis": Ellipsis, "new_axis": None, "index": b}[kind])
        return tuple(key)


@register
class StridedSlice(_StridedSliceMasks):
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Index", 1)))
    def infer(self, x, begin, end, strides):
        for t, what in ((begin, "begin"), (end, "end"), (strides, "strides")):
            check_shape_tensor(t, "StridedSlice's %s" % what)
        if begin.dtype is not end.dtype or begin.dtype is not strides.dtype:
            raise TypeError("begin, end and strides must have one dtype, got %s, %s and %s"
                            % (begin.dtype.name, end.dtype.name, strides.dtype.name))
        spec = [static_int_list(begin), static_int_list(end), static_int_list(strides)]
        n = next((len(v) for v in spec if v is not None), None)
        if any(v is not None and len(v) != n for v in spec):
            raise ValueError("begin, end and strides must have the same length")
        dims = x.shape.as_tuple()
        if n is None or dims is None:
            return TensorSpec(None, x.dtype)
        b, e, s = (v or [None] * n for v in spec)
        kinds = [self.kind(i) for i in range(n)]
        if kinds.count("ellipsis") > 1:
            raise ValueError("Multiple ellipses in slice spec not allowed")
        used = sum(1 for k in kinds if k in ("index", "range"))
        if used > len(dims):
            raise ValueError("Index out of range using input dim %d; input has only %d dims"
                             % (used - 1, len(dims)))
        out, axis = [], 0  # axis: the input dimension entry i applies to
        for i, kind in enumerate(kinds):
            if kind == "ellipsis":
                out.extend(dims[axis:axis + len(dims) - used])
                axis += len(dims) - used
                continue
            if kind == "new_axis":
                out.append(1)
                continue
            d = dims[axis]
            if s[i] == 0:
                raise ValueError("strides[%d] must be non-zero" % i)
            if kind == "index":
                if s[i] is not None and s[i] < 0:
                    raise ValueError("only stride 1 allowed on non-range indexing.")
                if d is not None and b[i] is not None and not -d <= b[i] < d:
                    raise ValueError("slice index %d of dimension %d out of bounds." % (b[i], axis))
            else:
                start, stop = self.bounds(i, b[i], e[i])
                # An unmasked bound that is not known at build time leaves the length unknown.
                unknown = (start is None and not self.begin_mask >> i & 1) or \
                    (stop is None and not self.end_mask >> i & 1)
                known = d is not None and s[i] is not None and not unknown
                out.append(len(range(d)[_pyslice(start, stop, s[i])]) if known else None)
            axis += 1
        return TensorSpec(out + list(dims[axis:]), x.dtype)

    def compute(self, xp, x, begin, end, strides):
        return x[self.key(begin, end, strides)]

    def shape_value(self, op):
        # A range of a shape (tf.shape(x)[1:]) describes the dims of that range, known where
        # x's are, as TF's constant_value_as_shape reads it.
        x, begin, end, strides = op.inputs
        if x.shape.ndims != 1 or self.ellipsis_mask or self.new_axis_mask or \
                self.shrink_axis_mask:
            return None
        spec = [constant_value(t) for t in (begin, end, strides)]
        dims = constant_value_as_shape(x).as_tuple()
        if dims is None or any(v is None or v.shape != (1,) for v in spec):
            return None
        (b,), (e,), (step,) = (v.tolist() for v in spec)
        if step == 0:
            return None
        return TensorShape(list(dims)[_pyslice(*self.bounds(0, b, e), step)])

    def grad(self, op, dy):
        x, begin, end, strides = op.inputs
        dx = StridedSliceGrad(**self.attrs())(shape(x, out_type=begin.dtype), begin, end, strides, dy, name="StridedSliceGrad")
        return [dx, None, None, None]


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """tf.strided_slice: `input_[begin:end:strides]` per axis, with TF's bit masks (see
    `_StridedSliceMasks`); begin, end and strides may be tensors."""
    opdef = StridedSlice(int(begin_mask), int(end_mask), int(ellipsis_mask), int(new_axis_mask),
                         int(shrink_axis_mask))
    with name_scope(name, "StridedSlice", [input_, begin, end, strides]) as scope:
        x = convert_to_tensor(input_, name="input")
        begin = index_tensor(begin, name="begin")
        end = index_tensor(end, begin.dtype, name="end")
        if strides is None:
            n = static_int_list(begin)
            strides = constant([1] * len(n), begin.dtype, name="strides") if n is not None \
                else ones_like(begin)
        return opdef(x, begin, end, index_tensor(strides, begin.dtype, name="strides"), name=scope)


@register
class StridedSliceGrad(_StridedSliceMasks):
    """Zeros of the sliced tensor's runtime shape with dy written where the slice came from."""
    tf_signature = TFSignature(type_attrs=(("Index", 0), ("T", 4)))

    def infer(self, shape_, begin, end, strides, dy):
        check_shape_tensor(shape_, "StridedSliceGrad's shape")
        return TensorSpec(constant_value_as_shape(shape_), dy.dtype)

    def compute(self, xp, shape_, begin, end, strides, dy):
        out = xp.zeros(tuple(shape_.tolist()), dtype=dy.dtype)
        out[self.key(begin, end, strides)] = dy
        return out

    def grad(self, op, ddx):
        _, begin, end, strides, _ = op.inputs
        return [None, None, None, None,
                StridedSlice(**self.attrs())(ddx, begin, end, strides, name="StridedSlice")]


def _check_index(idx):
    if isinstance(idx, numbers.Integral) or (not isinstance(idx, Tensor) and
                                             hasattr(idx, "__index__")):  # tf.Dimension
        return
    if isinstance(idx, Tensor) and idx.dtype in (dtypes.int32, dtypes.int64) and \
            idx.shape.ndims in (None, 0):
        return
    raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                    "scalar tf.int32/tf.int64 tensors are valid indices, got %r" % (idx,))


def _slice_helper(tensor, slice_spec):
    """Tensor.__getitem__ (TF1's _slice_helper): one StridedSlice named 'strided_slice'. Scalar
    int tensors may stand anywhere an int may; they become runtime entries of begin / end."""
    if not isinstance(slice_spec, tuple):
        slice_spec = (slice_spec,)
    begin, end, strides = [], [], []
    masks = dict(begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0)
    for i, s in enumerate(slice_spec):
        bit = 1 << i
        if isinstance(s, _pyslice):
            for part in (s.start, s.stop, s.step):
                if part is not None:
                    _check_index(part)
            begin.append(0 if s.start is None else s.start)
            end.append(0 if s.stop is None else s.stop)
            strides.append(1 if s.step is None else s.step)
            masks["begin_mask"] |= bit if s.start is None else 0
            masks["end_mask"] |= bit if s.stop is None else 0
        elif s is Ellipsis or s is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            masks["ellipsis_mask" if s is Ellipsis else "new_axis_mask"] |= bit
        else:
            _check_index(s)
            begin.append(s)
            end.append(s + 1 if isinstance(s, Tensor) else operator.index(s) + 1)
            strides.append(1)
            masks["shrink_axis_mask"] |= bit
    tensors = [v for v in begin + end + strides if isinstance(v, Tensor)]
    dtype = tensors[0].dtype if tensors else dtypes.int32
    with name_scope(None, "strided_slice", [tensor] + tensors) as scope:
        packed = [_pack_index(v, dtype) for v in (begin, end, strides)]
        return StridedSlice(**masks)(convert_to_tensor(tensor), *packed, name=scope)


def _pack_index(values, dtype):
    if not any(isinstance(v, Tensor) for v in values):
        return constant([operator.index(v) for v in values], dtype, name="stack")
    return stack([v if isinstance(v, Tensor) else constant(operator.index(v), dtype)
                  for v in values])


Tensor._override_operator("__getitem__", _slice_helper)
