"""Ops about dimensions and orderings: size, rank, shape_n, transpose, squeeze, reverse,
ensure_shape, the broadcast shapes, roll and invert_permutation."""

import numpy as np

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape, as_shape, broadcast_dims, format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.core import constant, convert_to_tensor, identity, reshape, shape
from minitf.ops.op_util import (check_int_dtype, dtype_error, is_tensor_like, kernel_outputs,
                                rank_error, static_ints, type_mismatch_error)

__all__ = ["shape_n", "size", "rank", "squeeze", "transpose", "reverse", "reverse_v2",
           "ensure_shape", "broadcast_static_shape", "broadcast_dynamic_shape", "roll",
           "invert_permutation"]


@register
class Size(OpDef):
    host_outputs = True  # made from its input's shape alone: no device sync
    out_type: dtypes.DType = dtypes.int32
    differentiable = False

    def infer(self, x):
        return TensorSpec([], self.out_type)

    def compute(self, xp, x):
        return xp.asarray(x.size, dtype=self.out_type.as_numpy_dtype)

    def static_value(self, op):
        n = op.inputs[0].shape.num_elements()
        return None if n is None else np.asarray(n, dtype=self.out_type.as_numpy_dtype)


def size(input, name=None, out_type=dtypes.int32):
    """tf.size: the number of elements of `input`."""
    return Size(dtypes.as_dtype(out_type))(convert_to_tensor(input), name=name or "Size")


@register
class Rank(OpDef):
    host_outputs = True  # made from its input's shape alone: no device sync
    differentiable = False

    def infer(self, x):
        return TensorSpec([], dtypes.int32)

    def compute(self, xp, x):
        return xp.asarray(x.ndim, dtype="int32")

    def static_value(self, op):
        r = op.inputs[0].shape.ndims
        return None if r is None else np.asarray(r, dtype=np.int32)


def rank(input, name=None):
    """tf.rank: the number of dimensions of `input`, as an int32 scalar.

    A constant when the static rank is known, as in TF."""
    x = convert_to_tensor(input)
    if x.shape.ndims is not None:
        return constant(x.shape.ndims, dtypes.int32, name=name or "Rank")
    return Rank()(x, name=name or "Rank")


@register
class ShapeN(OpDef):
    tf_signature = TFSignature(n_list=0)
    host_outputs = True  # made from its input's shape alone: no device sync
    out_type: dtypes.DType = dtypes.int32
    differentiable = False

    def infer(self, *xs):
        return [TensorSpec([x.shape.ndims], self.out_type) for x in xs]

    def compute(self, xp, *xs):
        return kernel_outputs(xp.asarray(x.shape, dtype=self.out_type.as_numpy_dtype) for x in xs)


def shape_n(input, out_type=dtypes.int32, name=None):
    """tf.shape_n: the shapes of a list of tensors (one ShapeN op)."""
    tensors = [convert_to_tensor(x) for x in input]
    op = get_default_graph().create_op(ShapeN(dtypes.as_dtype(out_type)), tensors,
                                       name=name or "ShapeN")
    return list(op.outputs)


@register
class Transpose(OpDef):
    tf_signature = TFSignature(
        type_attrs=(("T", 0), ("Tperm", 1)), const_input=("perm", "perm", 1, 2))
    perm: tuple = None  # None reverses the axes; it works on tensors of unknown rank

    def infer(self, x):
        dims = x.shape.as_tuple()
        if self.perm is None:
            return TensorSpec(None if dims is None else dims[::-1], x.dtype)
        rank = len(self.perm)
        if dims is not None and len(dims) != rank:
            raise ValueError("Dimension must be %d but is %d" % (len(dims), rank))
        for p in self.perm:
            if not -rank <= p < rank:
                raise ValueError("perm dim %d is out of range of input rank %d" % (p, rank))
        if len({p % rank for p in self.perm}) != rank:
            raise ValueError("perm %s is not a permutation of the %d axes"
                             % (list(self.perm), rank))
        return TensorSpec(None if dims is None else [dims[p] for p in self.perm], x.dtype)

    def compute(self, xp, x):
        return xp.transpose(x, self.perm)

    def inverse_perm(self):
        if self.perm is None:
            return None
        return tuple(int(p) for p in np.argsort([p % len(self.perm) for p in self.perm]))

    def grad(self, op, dy):
        return [type(self)(self.inverse_perm())(dy, name="transpose")]


@register
class ConjugateTranspose(Transpose):
    def compute(self, xp, x):
        return xp.conj(xp.transpose(x, self.perm))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """tf.transpose: permutes the axes (reverses them when `perm` is None); with `conjugate`,
    complex values are also conjugated (ConjugateTranspose)."""
    x = convert_to_tensor(a)
    perm = None if perm is None else tuple(static_ints(perm, "the transpose perm"))
    cls = ConjugateTranspose if conjugate and x.dtype.is_complex else Transpose
    return cls(perm)(x, name=name)


@register
class Squeeze(OpDef):
    squeeze_dims: tuple = ()  # empty: every dimension of size 1

    def infer(self, x):
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, x.dtype)
        rank = len(dims)
        if not self.squeeze_dims:
            # Which dims are 1 is only known at run time, so the rank is not known either (TF).
            return TensorSpec(None if None in dims else [d for d in dims if d != 1], x.dtype)
        axes = set()
        for i, a in enumerate(self.squeeze_dims):
            if not -rank <= a < rank:
                raise ValueError("squeeze_dims[%d] not in [%d,%d)" % (i, -rank, rank))
            a %= rank
            if dims[a] not in (None, 1):
                raise ValueError("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                                 % (a, dims[a]))
            axes.add(a)
        return TensorSpec([d for i, d in enumerate(dims) if i not in axes], x.dtype)

    def compute(self, xp, x):
        # A reshape always returns a new view; xp.squeeze returns x itself when there is
        # nothing to squeeze, and the plan must never hand out its input (a variable's storage,
        # a pooled buffer) as a fresh output.
        dims = x.shape
        if not self.squeeze_dims:
            return x.reshape(tuple([d for d in dims if d != 1]))
        axes = []
        for a in self.squeeze_dims:
            if not -x.ndim <= a < x.ndim:
                raise ValueError("Tried to squeeze dim index %d for tensor with %d dimensions."
                                 % (a, x.ndim))
            a %= x.ndim
            if dims[a] != 1:
                raise ValueError("Can not squeeze dim[%d], expected a dimension of 1, got %d"
                                 % (a, dims[a]))
            axes.append(a)
        return x.reshape(tuple([d for i, d in enumerate(dims) if i not in axes]))

    def grad(self, op, dy):
        return [reshape(dy, shape(op.inputs[0]))]


def squeeze(input, axis=None, name=None, squeeze_dims=None):
    """tf.squeeze: removes the size-1 dimensions listed in `axis` (all of them when None)."""
    if squeeze_dims is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'squeeze_dims' and 'axis'.")
        axis = squeeze_dims
    axes = () if axis is None else tuple(static_ints(axis, "squeeze axes"))
    return Squeeze(axes)(convert_to_tensor(input), name=name or "Squeeze")


@register
class ReverseV2(OpDef):
    tf_signature = TFSignature(
        type_attrs=(("T", 0), ("Tidx", 1)), const_input=("axis", "axis", 1, 2))
    axis: tuple

    def infer(self, x):
        rank = x.shape.ndims
        if rank is not None:
            seen = set()
            for i, a in enumerate(self.axis):
                if not -rank <= a < rank:
                    raise ValueError("'axis'[%d] = %d is out of valid range [0, %d)" % (i, a, rank))
                if a % rank in seen:
                    raise ValueError("axis %d specified more than once." % (a % rank))
                seen.add(a % rank)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return xp.flip(x, axis=self.axis)

    def grad(self, op, dy):
        return [reverse(dy, self.axis)]


def reverse(tensor, axis, name=None):
    """tf.reverse: reverses the order of elements along each axis in `axis` (a list)."""
    axes = tuple(static_ints(axis, "reverse axes"))
    return ReverseV2(axes)(convert_to_tensor(tensor), name=name or "ReverseV2")


reverse_v2 = reverse  # TF1's other name for it (tf.reverse is ReverseV2 since TF 1.0)


@register
class EnsureShape(OpDef):
    """x itself, its static shape merged with `shape`; a run whose x does not fit `shape`
    fails (TF's EnsureShape)."""

    shape: TensorShape
    fresh_output = False

    def infer(self, x):
        if not x.shape.is_compatible_with(self.shape):
            raise ValueError("Shapes %s and %s are not compatible (x has shape %s, ensure_shape "
                             "expects %s)" % (x.shape, self.shape, format_dims(x.shape.as_tuple()),
                                              format_dims(self.shape.as_tuple())))
        return TensorSpec(x.shape.merge_with(self.shape), x.dtype)

    def specialize(self, xp, op):
        name, want = op.inputs[0].op.name, self.shape

        def ensure(x):
            if not want.is_compatible_with(x.shape):
                raise ValueError("Shape of tensor %s %s is not compatible with expected shape %s."
                                 % (name, format_dims(x.shape), format_dims(want.as_tuple())))
            return x
        return ensure

    def grad(self, op, dy):
        return [identity(dy)]


def ensure_shape(x, shape, name=None):
    """tf.ensure_shape: `x`, with its static shape updated to `shape` (None dims unknown), and
    a check when the graph runs that its shape fits (InvalidArgumentError otherwise)."""
    with name_scope(name, "EnsureShape", [x]) as scope:
        return EnsureShape(as_shape(shape))(convert_to_tensor(x, name="x"), name=scope)


def broadcast_static_shape(shape_x, shape_y):
    """tf.broadcast_static_shape: the TensorShape two static shapes broadcast to (None where
    unknown); ValueError, in TF's words, when they cannot."""
    x, y = as_shape(shape_x), as_shape(shape_y)
    try:
        return TensorShape(broadcast_dims(x.as_tuple(), y.as_tuple()))
    except ValueError:
        raise ValueError("Incompatible shapes for broadcasting. Two shapes are compatible if for "
                         "each dimension pair they are either equal or one of them is 1. "
                         "Received: %s and %s." % (x, y)) from None


@register
class BroadcastArgs(OpDef):
    """The shape two shapes (1-D integer tensors) broadcast to."""

    differentiable = False
    host_inputs = (0, 1)  # shapes stay on the host

    def infer(self, s0, s1):
        for what, t in (("s0", s0), ("s1", s1)):
            check_int_dtype(t, what)
            if t.shape.ndims not in (None, 1):
                raise rank_error(1, t.shape.ndims, " (argument '%s')" % what)
        if s1.dtype is not s0.dtype:
            raise type_mismatch_error("BroadcastArgs", "s1", s1.dtype, "s0", s0.dtype)
        n0, n1 = s0.shape.as_tuple(), s1.shape.as_tuple()
        known = n0 is not None and n1 is not None and None not in n0 + n1
        return TensorSpec([max(n0[0], n1[0]) if known else None], s0.dtype)

    def compute(self, xp, s0, s1):
        a, b = tuple(s0.tolist()), tuple(s1.tolist())
        try:
            return xp.asarray(broadcast_dims(a, b), dtype=s0.dtype).reshape(-1)
        except ValueError:
            raise ValueError("Incompatible shapes: %s vs. %s" % (format_dims(a), format_dims(b)))\
                from None


def broadcast_dynamic_shape(shape_x, shape_y):
    """tf.broadcast_dynamic_shape: the shape (a 1-D integer tensor) two shapes broadcast to,
    computed when the graph runs (TF's BroadcastArgs)."""
    with name_scope(None, "BroadcastArgs", [shape_x, shape_y]) as scope:
        s0 = convert_to_tensor(shape_x, name="s0")
        s1 = convert_to_tensor(shape_y, dtype=None if is_tensor_like(shape_y) else s0.dtype,
                               name="s1")
        return BroadcastArgs()(s0, s1, name=scope)


@register
class Roll(OpDef):
    """x rolled by shift[i] along axis[i] (scalars or vectors of one length; an axis given
    twice adds its shifts). Shift and axis are inputs, as TF's."""
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tshift", 1), ("Taxis", 2)))

    def infer(self, x, shift, axis):
        check_int_dtype(shift, "shift")
        check_int_dtype(axis, "axis")
        for t, what in ((shift, "shift"), (axis, "axis")):
            if t.shape.ndims not in (None, 0, 1):
                raise ValueError("Roll: %s must be a scalar or a vector, got shape %s"
                                 % (what, format_dims(t.shape.as_tuple())))
        a, b = shift.shape.as_tuple(), axis.shape.as_tuple()
        if a is not None and b is not None:  # TF's shape-function messages
            if len(a) != len(b):
                raise ValueError("Shapes must be equal rank, but are %d and %d" % (len(a), len(b)))
            if a and None not in (a[0], b[0]) and a[0] != b[0]:
                raise ValueError("Dimension 0 in both shapes must be equal, but are %d and %d. "
                                 "Shapes are %s and %s." % (a[0], b[0], format_dims(a),
                                                            format_dims(b)))
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x, shift, axis):
        shifts, axes = shift.reshape(-1).tolist(), axis.reshape(-1).tolist()
        if len(shifts) != len(axes):
            raise ValueError("shift and axis must have the same size")
        for a in axes:
            if not -x.ndim <= a < x.ndim:
                raise ValueError("axis %d is out of range" % a)
        return xp.roll(x, tuple(shifts), tuple(axes))

    def grad(self, op, dy):
        _, shift, axis = op.inputs
        return [Roll()(dy, -shift, axis, name="Roll"), None, None]


def roll(input, shift, axis, name=None):
    """tf.roll: `input` with its elements shifted by `shift` along `axis` (scalars or vectors
    of one length), those pushed past the end coming back at the start."""
    with name_scope(name, "Roll", [input, shift, axis]) as scope:
        return Roll()(convert_to_tensor(input, name="input"),
                      convert_to_tensor(shift, name="shift"),
                      convert_to_tensor(axis, name="axis"), name=scope)


@register
class InvertPermutation(OpDef):
    """y[x[i]] = i for a permutation x of 0..n-1."""
    differentiable = False

    def infer(self, x):
        if x.dtype not in (dtypes.int32, dtypes.int64):
            raise dtype_error("x", x.dtype, (dtypes.int32, dtypes.int64), "InvertPermutation")
        if x.shape.ndims not in (None, 1):
            raise rank_error(1, x.shape.ndims)
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        n = x.shape[0]
        values = x.tolist()
        seen = [False] * n
        for v in values:  # TF's order: the first entry out of range or repeated is reported
            if not 0 <= v < n:
                raise ValueError("%d is not between 0 and %d" % (v, n))
            if seen[v]:
                raise ValueError("%d is duplicated in the input." % v)
            seen[v] = True
        y = xp.empty_like(x)
        y[x] = xp.arange(n, dtype=x.dtype)
        return y


def invert_permutation(x, name=None):
    """tf.invert_permutation: the inverse of the permutation x (int32 or int64): y[x[i]] = i.
    An entry out of [0, n) or repeated is an InvalidArgumentError when run."""
    with name_scope(name, "InvertPermutation", [x]) as scope:
        return InvertPermutation()(convert_to_tensor(x, name="x"), name=scope)
