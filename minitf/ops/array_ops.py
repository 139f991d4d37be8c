"""Array ops: placeholders, identity, shapes, reshaping, filling, broadcasting, stacking,
concatenating and splitting, transposing, padding and tiling, gathering and scattering, slicing
(and `Tensor.__getitem__`), one-hot encoding and masking."""

import builtins
import numbers
import operator

import numpy as np

from minitf import backend, dtypes
from minitf import errors
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import (TensorShape, as_shape, broadcast_dims, format_dims,
                                     merge_dims, normalize_axis, num_elements)
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.framework.tensor_util import constant_value, constant_value_as_shape
from minitf.ops.constant_op import constant, convert_to_tensor

__all__ = ["placeholder", "placeholder_with_default", "identity", "stop_gradient", "shape",
           "shape_n", "size", "rank", "reshape", "fill", "zeros", "ones", "zeros_like",
           "ones_like", "broadcast_to", "expand_dims", "squeeze", "stack", "unstack", "concat",
           "split", "transpose", "reverse", "tile", "pad", "gather", "gather_nd", "scatter_nd",
           "slice", "strided_slice", "one_hot", "boolean_mask", "newaxis"]

newaxis = None  # tf.newaxis: `x[:, tf.newaxis]` inserts a dimension of size 1

# This module defines a public `slice` (tf.slice); kernels need Python's.
_pyslice = builtins.slice


def _op(opdef, inputs, name):
    return get_default_graph().create_op(opdef, inputs, name=name).outputs[0]


# -- placeholders ------------------------------------------------------------------------------

@register
class Placeholder(OpDef):
    dtype: dtypes.DType
    shape: TensorShape
    stateful = True  # its value comes from the feed, never from folding
    must_be_fed = True  # (the plan refuses to run without its value: no kernel)

    def infer(self):
        return TensorSpec(self.shape, self.dtype)


def placeholder(dtype, shape=None, name=None):
    """tf.placeholder: a tensor whose value must be fed to Session.run."""
    return _op(Placeholder(dtypes.as_dtype(dtype), as_shape(shape)), [], name or "Placeholder")


@register
class PlaceholderWithDefault(OpDef):
    shape: TensorShape
    fresh_output = False
    is_identity = True
    may_be_fed = True

    def infer(self, x):
        if not x.shape.is_compatible_with(self.shape):
            raise ValueError("The default value's shape %s is not compatible with the "
                             "placeholder shape %s" % (x.shape, self.shape))
        return TensorSpec(self.shape, x.dtype)

    def compute(self, xp, x):
        return x

    def grad(self, op, dy):
        return [dy]


def placeholder_with_default(input, shape, name=None):
    """tf.placeholder_with_default: `input` unless a value is fed."""
    with name_scope(name, "PlaceholderWithDefault", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        return _op(PlaceholderWithDefault(as_shape(shape)), [x], scope)


# -- identity ----------------------------------------------------------------------------------

@register
class Identity(OpDef):
    fresh_output = False
    is_identity = True
    sparse_grads = True  # a sparse gradient passes through unchanged

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return x

    def grad(self, op, dy):
        return [dy]


def identity(input, name=None):
    """tf.identity: a tensor with the same value as `input`."""
    with name_scope(name, "Identity", [input]) as scope:
        return _op(Identity(), [convert_to_tensor(input, name="input")], scope)


@register
class StopGradient(OpDef):
    fresh_output = False
    is_identity = True
    differentiable = False

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return x


def stop_gradient(input, name=None):
    """tf.stop_gradient: the identity whose gradient is None (tf.gradients stops here)."""
    return _op(StopGradient(), [convert_to_tensor(input)], name or "StopGradient")


# -- shapes ------------------------------------------------------------------------------------

@register
class Shape(OpDef):
    host_outputs = True  # made from its input's shape alone: no device sync
    out_type: dtypes.DType = dtypes.int32
    differentiable = False

    def infer(self, x):
        return TensorSpec([x.shape.ndims], self.out_type)

    def compute(self, xp, x):
        return xp.asarray(x.shape, dtype=self.out_type.as_numpy_dtype)

    def static_value(self, op):
        dims = op.inputs[0].shape
        if dims.is_fully_defined():
            return np.asarray(dims.as_list(), dtype=self.out_type.as_numpy_dtype)
        return None

    def shape_value(self, op):
        return op.inputs[0].shape


def shape(input, name=None, out_type=dtypes.int32):
    """tf.shape: the runtime shape of `input` as a 1-D tensor."""
    return _op(Shape(dtypes.as_dtype(out_type)), [convert_to_tensor(input)], name or "Shape")


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
    return _op(Size(dtypes.as_dtype(out_type)), [convert_to_tensor(input)], name or "Size")


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
    return _op(Rank(), [x], name or "Rank")


def _check_shape_tensor(t, what):
    if not t.dtype.is_integer or t.shape.ndims not in (None, 1):
        raise ValueError("%s must be a 1-D integer tensor, got shape %s and dtype %s"
                         % (what, t.shape, t.dtype.name))


@register
class Reshape(OpDef):
    host_inputs = (1,)  # shape arguments stay on the host
    def infer(self, x, new_shape):
        _check_shape_tensor(new_shape, "Reshape's shape")
        target = constant_value_as_shape(new_shape)
        value = constant_value(new_shape)
        if target.ndims is None:
            return TensorSpec(None, x.dtype)
        dims = list(target.as_tuple())
        n_in = x.shape.num_elements()
        if value is not None:
            minus = [i for i, d in enumerate(value.reshape(-1)) if d == -1]
            if len(minus) > 1:
                raise ValueError("Cannot infer the shape with more than one -1 in %s" % list(value))
            known = num_elements([d for i, d in enumerate(dims) if i not in minus])
            if minus and n_in is not None and known:
                if n_in % known:
                    raise ValueError("Cannot reshape a tensor with %d elements to shape %s"
                                     % (n_in, format_dims(tuple(int(v) for v in value))))
                dims[minus[0]] = n_in // known
            elif not minus and n_in is not None and known != n_in:
                raise ValueError("Cannot reshape a tensor with %d elements to shape %s (%d elements)"
                                 % (n_in, format_dims(tuple(dims)), known))
            elif not minus and x.shape.ndims is not None and x.shape.as_tuple().count(None) == 1:
                # One unknown input dim: the known ones must divide the target's size (TF's check).
                known_in = num_elements([d for d in x.shape.as_tuple() if d is not None])
                if known_in == 0 and known:
                    raise ValueError("Cannot reshape a tensor with 0 elements to shape %s (%d "
                                     "elements)" % (format_dims(tuple(dims)), known))
                if known_in and known % known_in:
                    raise ValueError("Dimension size must be evenly divisible by %d but is %d"
                                     % (known_in, known))
        return TensorSpec(dims, x.dtype)

    def compute(self, xp, x, new_shape):
        return x.reshape(tuple(new_shape.tolist()))

    def grad(self, op, dy):
        return [reshape(dy, shape(op.inputs[0])), None]


def reshape(tensor, shape, name=None):
    """tf.reshape; one entry of `shape` may be -1."""
    with name_scope(name, "Reshape", [tensor, shape]) as scope:
        x = convert_to_tensor(tensor, name="tensor")
        return _op(Reshape(), [x, _index_tensor(shape, name="shape")], scope)


def _index_tensor(value, dtype=dtypes.int32, name=None):
    """A shape, index or size argument as a tensor: Tensors (int32 or int64) pass through, Python
    values become `dtype` constants, int64 ones when a value does not fit in int32 (as TF
    converts them: `tf.zeros([2**32 + 3])` must not wrap around)."""
    if isinstance(value, Tensor):
        return value
    low, high = _int_range(value)
    if low < -2 ** 63 or high > 2 ** 63 - 1:
        raise ValueError("%s %s does not fit in int64" % (name or "Index argument", value))
    if dtype is dtypes.int32 and (low < -2 ** 31 or high > 2 ** 31 - 1):
        dtype = dtypes.int64
    return convert_to_tensor(value, dtype, name=name)


def _int_range(value):
    """(smallest, largest) of the Python or numpy integers in `value`, (0, 0) for anything else
    (Tensors inside lists, floats: convert_to_tensor judges those)."""
    try:
        array = np.asarray(value)
        if array.dtype.kind == "O":  # Python ints beyond int64
            ints = [int(v) for v in array.reshape(-1) if isinstance(v, (int, np.integer))]
            return (builtins.min(ints), builtins.max(ints)) if ints else (0, 0)
    except (TypeError, ValueError):
        return 0, 0
    if array.dtype.kind not in "iu" or not array.size:
        return 0, 0
    return int(array.min()), int(array.max())


@register
class Fill(OpDef):
    host_inputs = (0,)  # shape arguments stay on the host
    def infer(self, dims, value):
        _check_shape_tensor(dims, "Fill's dims")
        if value.shape.ndims not in (None, 0):
            raise ValueError("value must be a scalar, got shape %s" % value.shape)
        return TensorSpec(constant_value_as_shape(dims), value.dtype)

    def compute(self, xp, dims, value):
        shape = tuple(dims.tolist())
        backend.check_allocation(xp, shape, value.dtype)
        return xp.full(shape, value, dtype=value.dtype)

    def grad(self, op, dy):
        return [None, _reduce_sum(dy)]


def fill(dims, value, name=None):
    """tf.fill: a tensor of shape `dims` whose every element is the scalar `value`."""
    with name_scope(name, "Fill", [dims, value]) as scope:
        dims = _index_tensor(dims, name="dims")
        return _op(Fill(), [dims, convert_to_tensor(value, name="value")], scope)


def _filled(shape_, dtype, number, name, default_name):
    """tf.zeros / tf.ones: a constant when the shape is known and small, else a Fill."""
    dtype = dtypes.as_dtype(dtype)
    number = _fill_value(dtype, number)
    with name_scope(name, default_name) as scope:
        if isinstance(shape_, Tensor) or _has_tensor(shape_):
            dims = _index_tensor(shape_)
        else:
            static = as_shape(shape_)
            if not static.is_fully_defined():
                raise ValueError("Cannot convert a partially known TensorShape %s to a Tensor."
                                 % static)
            if static.num_elements() <= 1000:
                return constant(np.full(static.as_list(), number, dtype.as_numpy_dtype), dtype,
                                name=scope)
            dims = _index_tensor(static.as_list())
        return fill(dims, constant(number, dtype), name=scope)


def _fill_value(dtype, number):
    """TF's 0 or 1 of `dtype`: False / True for bool, b'' for string (which has no 1)."""
    if dtype is dtypes.bool:
        return bool(number)
    if dtype is dtypes.string:
        if number:
            raise TypeError("Expected string, but got %r of type 'int'." % number)
        return b""
    return number


def _is_tensorish(v):
    return isinstance(v, Tensor) or hasattr(v, "_as_tensor")  # Variables too


def _has_tensor(v):
    return isinstance(v, Tensor) or (isinstance(v, (list, tuple))
                                     and any(_has_tensor(e) for e in v))


def zeros(shape, dtype=dtypes.float32, name=None):
    """tf.zeros: zeros of `dtype` (False for bool, b'' for string)."""
    return _filled(shape, dtype, 0, name, "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """tf.ones: ones of `dtype` (True for bool; strings have no 1: TypeError)."""
    return _filled(shape, dtype, 1, name, "ones")


@register
class ZerosLike(OpDef):
    differentiable = False

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return xp.zeros_like(x)


@register
class OnesLike(OpDef):
    differentiable = False

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return xp.ones_like(x)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """tf.zeros_like: zeros of `tensor`'s runtime shape (and dtype, unless given)."""
    x = convert_to_tensor(tensor)
    out = _op(ZerosLike(), [x], name or "zeros_like")
    return out if dtype is None or dtypes.as_dtype(dtype) is x.dtype else _cast(out, dtype)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """tf.ones_like: ones of `tensor`'s runtime shape (and dtype, unless given)."""
    x = convert_to_tensor(tensor)
    out = _op(OnesLike(), [x], name or "ones_like")
    return out if dtype is None or dtypes.as_dtype(dtype) is x.dtype else _cast(out, dtype)


def _cast(x, dtype):
    from minitf.ops.math_ops import cast
    return cast(x, dtype)


# -- broadcasting and its inverse ----------------------------------------------------------------

@register
class BroadcastTo(OpDef):
    host_inputs = (1,)  # shape arguments stay on the host
    def infer(self, x, target):
        _check_shape_tensor(target, "broadcast_to's shape")
        dims = constant_value_as_shape(target).as_tuple()
        if dims is not None and x.shape.ndims is not None:
            out = broadcast_dims(x.shape.as_tuple(), dims)
            if len(out) != len(dims) or any(
                    d is not None and o is not None and d != o for d, o in zip(dims, out)):
                raise ValueError("Cannot broadcast a tensor of shape %s to shape %s"
                                 % (format_dims(x.shape.as_tuple()), format_dims(dims)))
        return TensorSpec(dims, x.dtype)

    def compute(self, xp, x, target):
        shape = tuple(target.tolist())
        backend.check_allocation(xp, shape, x.dtype)  # a view, but whoever reads it copies
        return xp.broadcast_to(x, shape)

    def grad(self, op, dy):
        return [sum_to(dy, op.inputs[0]), None]


def broadcast_to(input, shape, name=None):
    """tf.broadcast_to: `input` broadcast (numpy rules) to `shape`."""
    with name_scope(name, "BroadcastTo", [input, shape]) as scope:
        x = convert_to_tensor(input, name="input")
        return _op(BroadcastTo(), [x, _index_tensor(shape, name="shape")], scope)


@register
class SumTo(OpDef):
    """Sums a broadcast gradient back to a shape: the inverse of broadcasting (minitf's one
    helper for undoing broadcasting in every gradient rule; TF spells it BroadcastGradientArgs
    + Sum + Reshape)."""
    host_inputs = (1,)  # shape arguments stay on the host

    fresh_output = False

    def infer(self, g, target):
        return TensorSpec(constant_value_as_shape(target), g.dtype)

    def compute(self, xp, g, target):
        target = tuple(target.tolist())
        if g.shape == target:
            return g
        lead = g.ndim - len(target)
        axes = tuple(range(lead)) + tuple(
            i + lead for i, d in enumerate(target) if d == 1 and g.shape[i + lead] != 1)
        return xp.sum(g, axis=axes, keepdims=True).reshape(target)

    def grad(self, op, dy):
        return [broadcast_to(dy, shape(op.inputs[0])), None]


def sum_to(g, like):
    """`g` summed down to the runtime shape of `like` (no op when both shapes are known and
    equal). Gradient rules call this after any broadcasting op."""
    if like.shape.is_fully_defined() and g.shape.is_fully_defined() and \
            g.shape.as_tuple() == like.shape.as_tuple():
        return g
    return _op(SumTo(), [g, shape(like)], "SumTo")


def _reduce_sum(x, axis=None):
    from minitf.ops.math_ops import reduce_sum  # math_ops imports this module
    return reduce_sum(x, axis=axis)


# -- adding and stacking dimensions -------------------------------------------------------------

@register
class ExpandDims(OpDef):
    axis: int

    def infer(self, x):
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, x.dtype)
        (axis,) = normalize_axis(self.axis, len(dims) + 1, "expand_dims axis")
        return TensorSpec(dims[:axis] + (1,) + dims[axis:], x.dtype)

    def compute(self, xp, x):
        return xp.expand_dims(x, self.axis)

    def grad(self, op, dy):
        return [reshape(dy, shape(op.inputs[0]))]


def expand_dims(input, axis=None, name=None, dim=None):
    """tf.expand_dims: inserts a dimension of size 1 at `axis`."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("tf.expand_dims needs an axis")
    with name_scope(name, "ExpandDims", [input]) as scope:
        return _op(ExpandDims(int(axis)), [convert_to_tensor(input, name="input")], scope)


@register
class Pack(OpDef):
    axis: int = 0

    def infer(self, *xs):
        if not xs:
            raise ValueError("tf.stack needs at least one tensor")
        dtype = xs[0].dtype
        dims = None
        for i, x in enumerate(xs):
            if x.dtype is not dtype:
                raise TypeError("Input %d of Pack has type %s that does not match type %s of "
                                "input 0" % (i, x.dtype.name, dtype.name))
            try:
                dims = x.shape.as_tuple() if dims is None else merge_dims(dims, x.shape.as_tuple())
            except ValueError:
                raise ValueError("Shapes of all inputs must match: values[0].shape = %s != "
                                 "values[%d].shape = %s" % (xs[0].shape, i, x.shape)) from None
        if dims is None:
            return TensorSpec(None, dtype)
        (axis,) = normalize_axis(self.axis, len(dims) + 1, "stack axis")
        return TensorSpec(dims[:axis] + (len(xs),) + dims[axis:], dtype)

    def compute(self, xp, *xs):
        return xp.stack(xs, axis=self.axis)

    def shape_value(self, op):
        if op.outputs[0].shape.ndims != 1:
            return None
        values = [constant_value(t) for t in op.inputs]
        return TensorShape([None if v is None or int(v) < 0 else int(v) for v in values])

    def grad(self, op, dy):
        return unstack(dy, num=len(op.inputs), axis=self.axis)


def stack(values, axis=0, name="stack"):
    """tf.stack (TF's op type is Pack)."""
    if int(axis) == 0:
        # As in TF, the list is converted as a whole: Python values fold into one Const and
        # Tensors are packed, each Python element named by its index ('stack/1').
        try:
            return convert_to_tensor(values, name=name)
        except (TypeError, ValueError):
            pass  # ragged values: the Pack below says which one does not fit
    with name_scope(name, "stack", values) as scope:
        tensors = [convert_to_tensor(v, name="values_%d" % i) for i, v in enumerate(values)]
        return _op(Pack(int(axis)), tensors, scope)


# -- helpers for the ops below -----------------------------------------------------------------

def _outputs(parts):
    """A multi-output kernel's result: the plan expects a lone array when the op has one output."""
    parts = tuple(parts)
    return parts[0] if len(parts) == 1 else parts


def _int_list(t):
    """The entries of a 1-D integer tensor known at graph-build time, as a list with None for
    unknown entries (`tf.stack([i, 1])` with a fed i gives [None, 1]); None when even the
    length is unknown."""
    value = constant_value(t)
    if value is not None:
        return [int(v) for v in value.reshape(-1)]
    if isinstance(t.op.opdef, Pack) and t.shape.ndims == 1:
        out = []
        for s in t.op.inputs:
            v = constant_value(s)
            out.append(None if v is None else int(v))
        return out
    n = t.shape[0].value if t.shape.ndims == 1 else None
    return None if n is None else [None] * n


def _static_ints(value, what):
    """A Python list of ints for an argument minitf needs at graph-build time (axes, perms)."""
    if isinstance(value, Tensor):
        known = constant_value(value)
        if known is None:
            raise ValueError("minitf needs %s known when the graph is built; got the tensor %s"
                             % (what, value.name))
        value = known
    return [int(v) for v in np.asarray(value).reshape(-1)]


def _static_int(value, what):
    """A Python int for an argument minitf needs at graph-build time (an axis, a count)."""
    values = _static_ints(value, what)
    if len(values) != 1:
        raise ValueError("minitf needs %s to be a single integer, got %d values"
                         % (what, len(values)))
    return values[0]


def _check_int_dtype(t, what, allowed=(dtypes.int32, dtypes.int64)):
    if t.dtype not in allowed:
        raise TypeError("Value passed to parameter '%s' has DataType %s not in list of allowed "
                        "values: %s" % (what, t.dtype.name, ", ".join(d.name for d in allowed)))


def _dim_sizes(xs, axis):
    """The sizes of tensors `xs` along `axis`: a constant when all are known, else a stack of
    static ints and runtime sizes."""
    sizes = []
    for x in xs:
        dims = x.shape.as_tuple()
        d = dims[axis] if dims is not None and -len(dims) <= axis < len(dims) else None
        sizes.append(d if d is not None else shape(x)[axis])
    if all(isinstance(d, int) for d in sizes):
        return constant(sizes, dtypes.int32)
    return stack(sizes)


# -- transposing, squeezing and reversing --------------------------------------------------------

@register
class Transpose(OpDef):
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
        return [_op(type(self)(self.inverse_perm()), [dy], "transpose")]


@register
class ConjugateTranspose(Transpose):
    def compute(self, xp, x):
        return xp.conj(xp.transpose(x, self.perm))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """tf.transpose: permutes the axes (reverses them when `perm` is None); with `conjugate`,
    complex values are also conjugated (ConjugateTranspose)."""
    x = convert_to_tensor(a)
    perm = None if perm is None else tuple(_static_ints(perm, "the transpose perm"))
    cls = ConjugateTranspose if conjugate and x.dtype.is_complex else Transpose
    return _op(cls(perm), [x], name)


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
    axes = () if axis is None else tuple(_static_ints(axis, "squeeze axes"))
    return _op(Squeeze(axes), [convert_to_tensor(input)], name or "Squeeze")


@register
class ReverseV2(OpDef):
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
    axes = tuple(_static_ints(axis, "reverse axes"))
    return _op(ReverseV2(axes), [convert_to_tensor(tensor)], name or "ReverseV2")


# -- joining and splitting -----------------------------------------------------------------------

@register
class ConcatV2(OpDef):
    axis: int
    supports_out = True

    def infer(self, *xs):
        if not xs:
            raise ValueError("concat needs at least one tensor")
        dtype = xs[0].dtype
        if any(x.dtype is not dtype for x in xs):
            raise TypeError("Tensors in list passed to 'values' of 'ConcatV2' Op have types [%s] "
                            "that don't all match." % ", ".join(x.dtype.name for x in xs))
        known = [x for x in xs if x.shape.ndims is not None]
        if not known:
            return TensorSpec(None, dtype)
        rank = known[0].shape.ndims
        for x in known:
            if x.shape.ndims != rank:
                raise ValueError("Shape must be rank %d but is rank %d" % (rank, x.shape.ndims))
        (axis,) = normalize_axis(self.axis, rank, "concat axis")
        out = list(known[0].shape.as_tuple())
        for x in known[1:]:
            dims = x.shape.as_tuple()
            for i, (a, b) in enumerate(zip(out, dims)):
                if i != axis and a is not None and b is not None and a != b:
                    raise ValueError("Dimension %d in both shapes must be equal, but are %d and "
                                     "%d. Shapes are %s and %s"
                                     % (i, a, b, format_dims(tuple(out)), format_dims(dims)))
                if a is None:
                    out[i] = b
        sizes = [x.shape.as_tuple()[axis] if x.shape.ndims is not None else None for x in xs]
        out[axis] = None if None in sizes else sum(sizes)
        return TensorSpec(out, dtype)

    def compute(self, xp, *xs, out=None):
        return xp.concatenate(xs, axis=self.axis, out=out)

    def grad(self, op, dy):
        return split(dy, _dim_sizes(op.inputs, self.axis), axis=self.axis, num=len(op.inputs),
                     name="split")


def concat(values, axis, name="concat"):
    """tf.concat: joins tensors along `axis` (negative counts from the end)."""
    if not isinstance(values, (list, tuple)):
        values = [values]  # one tensor: its identity, as TF1
    axis = _static_int(axis, "the concat axis")
    with name_scope(name, "concat", values) as scope:
        tensors = [convert_to_tensor(v, name="values_%d" % i) for i, v in enumerate(values)]
        if len(tensors) == 1:
            return identity(tensors[0], name=name)  # TF names it 'concat/concat'
        return _op(ConcatV2(axis), tensors, scope)


@register
class Split(OpDef):
    axis: int
    num_split: int

    def infer(self, x):
        dims = x.shape.as_tuple()
        if dims is None:
            return [TensorSpec(None, x.dtype)] * self.num_split
        (axis,) = normalize_axis(self.axis, len(dims), "split axis")
        d = dims[axis]
        if d is not None and d % self.num_split:
            raise ValueError("Number of ways to split should evenly divide the split dimension, "
                             "but got split_dim %d (size = %d) and num_split %d"
                             % (axis, d, self.num_split))
        piece = list(dims)
        piece[axis] = None if d is None else d // self.num_split
        return [TensorSpec(piece, x.dtype)] * self.num_split

    def compute(self, xp, x):
        return _outputs(xp.split(x, self.num_split, axis=self.axis))

    def grad(self, op, *dys):
        return [concat(list(dys), self.axis)]


@register
class SplitV(OpDef):
    axis: int
    num_split: int

    def infer(self, x, size_splits):
        _check_shape_tensor(size_splits, "size_splits")
        sizes = _int_list(size_splits)
        if sizes is not None and len(sizes) != self.num_split:
            raise ValueError("size_splits has %d entries for num_split %d"
                             % (len(sizes), self.num_split))
        sizes = sizes or [None] * self.num_split
        if sizes.count(-1) > 1:
            raise ValueError("size_splits can only have one -1")
        dims = x.shape.as_tuple()
        if dims is None:
            return [TensorSpec(None, x.dtype)] * self.num_split
        (axis,) = normalize_axis(self.axis, len(dims), "split axis")
        d = dims[axis]
        if d is not None and None not in sizes:
            rest = d - sum(s for s in sizes if s != -1)
            if rest < 0 or (-1 not in sizes and rest):
                raise ValueError("can't split axis of size %d into pieces of size %s"
                                 % (d, format_dims(sizes)))
            sizes = [rest if s == -1 else s for s in sizes]
        specs = []
        for s in sizes:
            piece = list(dims)
            piece[axis] = s if s != -1 else None
            specs.append(TensorSpec(piece, x.dtype))
        return specs

    def compute(self, xp, x, size_splits):
        sizes = size_splits.tolist()
        d = x.shape[self.axis]
        if -1 in sizes:
            sizes[sizes.index(-1)] = d - sum(sizes) - 1
        if sum(sizes) != d or min(sizes, default=0) < 0:
            raise ValueError("can't split axis of size %d into pieces of size %s" % (d, sizes))
        bounds = [sum(sizes[:i + 1]) for i in range(len(sizes) - 1)]
        return _outputs(xp.split(x, bounds, axis=self.axis))

    def grad(self, op, *dys):
        return [concat(list(dys), self.axis), None]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """tf.split: `num_or_size_splits` pieces of equal size (an int), or pieces of the listed
    sizes (one of them may be -1) along `axis`; returns a list of tensors."""
    x = convert_to_tensor(value)
    axis = _static_int(axis, "the split axis")
    if isinstance(num_or_size_splits, numbers.Integral):
        n = int(num_or_size_splits)
        if n < 1:
            raise ValueError("Attr 'num_split' of 'Split' Op passed %d less than minimum 1." % n)
        return list(get_default_graph().create_op(Split(axis, n), [x], name=name).outputs)
    sizes = _index_tensor(num_or_size_splits)
    if num is None:
        num = sizes.shape[0].value if sizes.shape.ndims == 1 else None
        if num is None:
            raise ValueError("Cannot infer argument `num` from shape %s" % sizes.shape)
    return list(get_default_graph().create_op(SplitV(axis, int(num)), [x, sizes],
                                              name=name).outputs)


@register
class Unpack(OpDef):
    num: int
    axis: int = 0

    def infer(self, x):
        dims = x.shape.as_tuple()
        if dims is None:
            return [TensorSpec(None, x.dtype)] * self.num
        (axis,) = normalize_axis(self.axis, len(dims), "unstack axis")
        if dims[axis] is not None and dims[axis] != self.num:
            raise ValueError("Dimension must be %d but is %d" % (self.num, dims[axis]))
        return [TensorSpec(dims[:axis] + dims[axis + 1:], x.dtype)] * self.num

    def compute(self, xp, x):
        if x.shape[self.axis] != self.num:
            raise ValueError("Input shape axis %d must equal %d, got shape %s"
                             % (self.axis, self.num, format_dims(x.shape)))
        x = xp.moveaxis(x, self.axis, 0)
        return _outputs(x[i] for i in range(self.num))

    def grad(self, op, *dys):
        return [stack(list(dys), axis=self.axis)]


def unstack(value, num=None, axis=0, name="unstack"):
    """tf.unstack: the list of `num` slices of `value` along `axis` (num is inferred from the
    static shape when it is known)."""
    x = convert_to_tensor(value)
    axis = int(axis)
    dims = x.shape.as_tuple()
    if dims is not None and not -len(dims) <= axis < len(dims):
        raise ValueError("Argument `axis` = %d not in range [%d, %d)"
                         % (axis, -len(dims), len(dims)))
    if num is None:
        num = dims[axis] if dims is not None else None
        if num is None:
            raise ValueError("Cannot infer argument `num` from shape %s" % x.shape)
    return list(get_default_graph().create_op(Unpack(int(num), axis), [x], name=name).outputs)


# -- tiling and padding --------------------------------------------------------------------------

@register
class Tile(OpDef):
    host_inputs = (1,)  # shape arguments stay on the host
    def infer(self, x, multiples):
        _check_shape_tensor(multiples, "Tile's multiples")
        m = _int_list(multiples)
        dims = x.shape.as_tuple()
        if m is None:
            return TensorSpec(None if dims is None else [None] * len(dims), x.dtype)
        if dims is None:
            dims = (None,) * len(m)
        if len(m) != len(dims):
            raise ValueError("multiples has %d entries for a tensor of rank %d"
                             % (len(m), len(dims)))
        if any(k is not None and k < 0 for k in m):
            raise ValueError("Expected multiples argument to be non-negative, but got %s"
                             % format_dims(m))
        return TensorSpec([None if d is None or k is None else d * k for d, k in zip(dims, m)],
                          x.dtype)

    def compute(self, xp, x, multiples):
        return xp.tile(x, tuple(multiples.tolist()))

    def grad(self, op, dy):
        # dy viewed as [m0, d0, m1, d1, ...] summed over the tile axes m0, m1, ...
        x, multiples = op.inputs
        rank = multiples.shape[0].value
        if rank is None:
            raise ValueError("The gradient of Tile needs the length of multiples when the graph "
                             "is built")
        interleaved = reshape(stack([multiples, shape(x, out_type=multiples.dtype)], axis=1), [-1])
        return [_reduce_sum(reshape(dy, interleaved), axis=list(range(0, 2 * rank, 2))), None]


def tile(input, multiples, name=None):
    """tf.tile: `input` repeated `multiples[i]` times along each axis i."""
    with name_scope(name, "Tile", [input, multiples]) as scope:
        x = convert_to_tensor(input, name="input")
        return _op(Tile(), [x, _index_tensor(multiples, name="multiples")], scope)


def _padded_dims(x, paddings, check=None):
    """Static shape of `x` padded by the [rank, 2] tensor `paddings`; `check(d, before, after)`
    validates one known dimension."""
    _check_int_dtype(paddings, "paddings")
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


@register
class Pad(OpDef):
    def infer(self, x, paddings):
        return TensorSpec(_padded_dims(x, paddings), x.dtype)

    def compute(self, xp, x, paddings):
        return xp.pad(x, paddings.tolist())

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
        return xp.pad(x, paddings.tolist(), constant_values=constant_values.item())

    def grad(self, op, dy):
        return super().grad(op, dy) + [None]


@register
class MirrorPad(OpDef):
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
        return [_op(MirrorPadGrad(self.mode), [dy, op.inputs[1]], "MirrorPadGrad"), None]


@register
class MirrorPadGrad(OpDef):
    """Folds the gradient of the mirrored borders back onto the elements they copied."""

    mode: str

    def infer(self, dy, paddings):
        _check_int_dtype(paddings, "paddings")
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
        return [_op(MirrorPad(self.mode), [ddx, op.inputs[1]], "MirrorPad"), None]


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
        inputs = [convert_to_tensor(tensor, name="input"), _index_tensor(paddings, name="paddings")]
        if default == "PadV2":
            inputs.append(convert_to_tensor(
                constant_values, None if isinstance(constant_values, Tensor) else inputs[0].dtype,
                name="constant_values"))
        return _op(opdef, inputs, scope)


# -- gathering and scattering --------------------------------------------------------------------

def _first_bad_index(xp, indices, bounds):
    """Position of the first index outside [0, bound) (TF's CPU kernels refuse them, where numpy
    would wrap negative ones around), or None. `bounds` is an int or, for index tuples along
    the last axis, a list."""
    bad = (indices < 0) | (indices >= xp.asarray(bounds, dtype=indices.dtype))
    if not bad.any():
        return None
    return tuple(int(i) for i in xp.argwhere(bad)[0])


def _fmt_index(position):
    return "[%s]" % ",".join(str(i) for i in position)


@register
class GatherV2(OpDef):
    axis: int = 0  # no out=: np.take with out= and mode='raise' buffers, and is 2x slower

    def infer(self, params, indices):
        _check_int_dtype(indices, "indices")
        dims, idx = params.shape.as_tuple(), indices.shape.as_tuple()
        if dims is None or idx is None:
            return TensorSpec(None, params.dtype)
        if not dims:
            raise ValueError("Shape must be at least rank 1 but is rank 0")
        (axis,) = normalize_axis(self.axis, len(dims), "gather axis")
        return TensorSpec(dims[:axis] + idx + dims[axis + 1:], params.dtype)

    def compute(self, xp, params, indices):
        n = params.shape[self.axis]
        bad = _first_bad_index(xp, indices, n)
        if bad is not None:
            raise ValueError("indices%s = %d is not in [0, %d)"
                             % (_fmt_index(bad), int(indices[bad]), n))
        return xp.take(params, indices, axis=self.axis)

    def grad(self, op, dy):
        # Along axis 0, an IndexedSlices; along another axis, scatter-add dy into zeros of
        # params' runtime shape, the gathered axis moved to the front (indices flattened) so
        # that one ScatterNd does it.
        params, indices = op.inputs
        if self.axis == 0:  # sparse: the rows gathered, at the indices (TF's _GatherV2Grad)
            dims = shape(params)
            size_ = expand_dims(size(indices), 0)
            return [IndexedSlices(reshape(dy, concat([size_, dims[1:]], 0)),
                                  reshape(indices, size_), dims), None]
        rank = params.shape.ndims
        if rank is None:
            raise ValueError("The gradient of gather along axis %d needs the rank of params"
                             % self.axis)
        axis = self.axis % rank
        dims = shape(params)
        flat = reshape(dy, concat([dims[:axis], [-1], dims[axis + 1:]], 0))
        perm = [axis] + [i for i in range(rank) if i != axis]
        moved = scatter_nd(expand_dims(reshape(indices, [-1]), -1), transpose(flat, perm),
                           gather(dims, perm))
        return [transpose(moved, np.argsort(perm)), None]


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """tf.gather: slices of `params` along `axis` at `indices` (output shape: params.shape[:axis]
    + indices.shape + params.shape[axis+1:]); out-of-range indices are an error at run time."""
    if batch_dims:
        raise NotImplementedError("minitf's tf.gather supports batch_dims=0 only")
    axis = 0 if axis is None else _static_int(axis, "the gather axis")
    with name_scope(name, "GatherV2", [params, indices]) as scope:
        p = convert_to_tensor(params, name="params")
        return _op(GatherV2(axis), [p, _index_tensor(indices, name="indices")], scope)


def _nd_index(indices):
    return tuple(indices[..., j] for j in range(indices.shape[-1]))


@register
class GatherNd(OpDef):
    def infer(self, params, indices):
        _check_int_dtype(indices, "indices")
        dims, idx = params.shape.as_tuple(), indices.shape.as_tuple()
        if not idx:
            if idx is not None:
                raise ValueError("indices must be at least rank 1")
            return TensorSpec(None, params.dtype)
        k = idx[-1]
        if k is None or dims is None:
            return TensorSpec(None, params.dtype)
        if k > len(dims):
            raise ValueError("indices.shape[-1] must be <= params.rank, but saw indices shape: %s "
                             "and params shape: %s" % (format_dims(idx), format_dims(dims)))
        return TensorSpec(idx[:-1] + dims[k:], params.dtype)

    def compute(self, xp, params, indices):
        k = indices.shape[-1]
        bad = _first_bad_index(xp, indices, list(params.shape[:k]))
        if bad is not None:
            raise ValueError("indices%s = %s does not index into param shape %s"
                             % (_fmt_index(bad[:-1]), indices[bad[:-1]].tolist(),
                                format_dims(params.shape)))
        if k == 0:
            return xp.broadcast_to(params, indices.shape[:-1] + params.shape).copy()
        return params[_nd_index(indices)]

    def grad(self, op, dy):
        params, indices = op.inputs
        return [scatter_nd(indices, dy, shape(params, out_type=indices.dtype)), None]


def gather_nd(params, indices, name=None, batch_dims=0):
    """tf.gather_nd: indices[..., :k] address elements (or slices) of params' first k axes."""
    if batch_dims:
        raise NotImplementedError("minitf's tf.gather_nd supports batch_dims=0 only")
    with name_scope(name, "GatherNd", [params, indices]) as scope:
        return _op(GatherNd(), [convert_to_tensor(params, name="params"),
                                _index_tensor(indices, name="indices")], scope)


@register
class ScatterNd(OpDef):
    """Zeros of `shape` with `updates` added at `indices` (repeated indices add up). The kernel
    is `xp.add.at`: numpy's, or cupy's ufunc.at (cupy >= 12, CUDA atomicAdd)."""
    host_inputs = (2,)  # shape arguments stay on the host

    def infer(self, indices, updates, shape_):
        _check_int_dtype(indices, "indices")
        _check_shape_tensor(shape_, "ScatterNd's shape")
        out = constant_value_as_shape(shape_)
        idx = indices.shape.as_tuple()
        if out.ndims is not None and idx and idx[-1] is not None:
            k = idx[-1]
            if k > out.ndims:
                raise ValueError("indices.shape[-1] = %d is more than the output rank %d"
                                 % (k, out.ndims))
            need = TensorShape(idx[:-1] + out.as_tuple()[k:])
            if not updates.shape.is_compatible_with(need):
                raise ValueError("updates has shape %s, but indices of shape %s into a tensor of "
                                 "shape %s need updates of shape %s"
                                 % (format_dims(updates.shape.as_tuple()), format_dims(idx),
                                    format_dims(out.as_tuple()), format_dims(need.as_tuple())))
        return TensorSpec(out, updates.dtype)

    def compute(self, xp, indices, updates, shape_):
        out = xp.zeros(tuple(shape_.tolist()), dtype=updates.dtype)
        bad = _first_bad_index(xp, indices, list(out.shape[:indices.shape[-1]]))
        if bad is not None:
            raise ValueError("indices%s = %s does not index into shape %s"
                             % (_fmt_index(bad[:-1]), indices[bad[:-1]].tolist(),
                                format_dims(out.shape)))
        xp.add.at(out, _nd_index(indices), updates)
        return out

    def grad(self, op, dy):
        indices = op.inputs[0]
        return [None, gather_nd(dy, indices), None]


def scatter_nd(indices, updates, shape, name=None):
    """tf.scatter_nd: zeros of `shape` with `updates` summed in at `indices`."""
    with name_scope(name, "ScatterNd", [indices, updates, shape]) as scope:
        return _op(ScatterNd(), [_index_tensor(indices, name="indices"),
                                 convert_to_tensor(updates, name="updates"),
                                 _index_tensor(shape, name="shape")], scope)


# -- slicing -------------------------------------------------------------------------------------

@register
class Slice(OpDef):
    host_inputs = (1, 2)  # shape arguments stay on the host
    def infer(self, x, begin, size):
        _check_shape_tensor(begin, "Slice's begin")
        _check_shape_tensor(size, "Slice's size")
        dims = x.shape.as_tuple()
        b, s = _int_list(begin), _int_list(size)
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

    def grad(self, op, dy):
        x, begin, _ = op.inputs
        after = shape(x, out_type=begin.dtype) - begin - shape(dy, out_type=begin.dtype)
        return [pad(dy, stack([begin, after], axis=1)), None, None]


def _fmt_dim(d):
    return "?" if d is None else str(d)


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's public name
    """tf.slice: the block of `size` elements starting at `begin` (size -1: to the end)."""
    with name_scope(name, "Slice", [input_, begin, size]) as scope:
        x = convert_to_tensor(input_, name="input")
        begin = _index_tensor(begin, name="begin")
        return _op(Slice(), [x, begin, _index_tensor(size, name="size")], scope)


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
    def infer(self, x, begin, end, strides):
        for t, what in ((begin, "begin"), (end, "end"), (strides, "strides")):
            _check_shape_tensor(t, "StridedSlice's %s" % what)
        if begin.dtype is not end.dtype or begin.dtype is not strides.dtype:
            raise TypeError("begin, end and strides must have one dtype, got %s, %s and %s"
                            % (begin.dtype.name, end.dtype.name, strides.dtype.name))
        spec = [_int_list(begin), _int_list(end), _int_list(strides)]
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

    def grad(self, op, dy):
        x, begin, end, strides = op.inputs
        dx = _op(StridedSliceGrad(**self.attrs()),
                 [shape(x, out_type=begin.dtype), begin, end, strides, dy], "StridedSliceGrad")
        return [dx, None, None, None]


@register
class StridedSliceGrad(_StridedSliceMasks):
    """Zeros of the sliced tensor's runtime shape with dy written where the slice came from."""

    def infer(self, shape_, begin, end, strides, dy):
        _check_shape_tensor(shape_, "StridedSliceGrad's shape")
        return TensorSpec(constant_value_as_shape(shape_), dy.dtype)

    def compute(self, xp, shape_, begin, end, strides, dy):
        out = xp.zeros(tuple(shape_.tolist()), dtype=dy.dtype)
        out[self.key(begin, end, strides)] = dy
        return out

    def grad(self, op, ddx):
        _, begin, end, strides, _ = op.inputs
        return [None, None, None, None,
                _op(StridedSlice(**self.attrs()), [ddx, begin, end, strides], "StridedSlice")]


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """tf.strided_slice: `input_[begin:end:strides]` per axis, with TF's bit masks (see
    `_StridedSliceMasks`); begin, end and strides may be tensors."""
    opdef = StridedSlice(int(begin_mask), int(end_mask), int(ellipsis_mask), int(new_axis_mask),
                         int(shrink_axis_mask))
    with name_scope(name, "StridedSlice", [input_, begin, end, strides]) as scope:
        x = convert_to_tensor(input_, name="input")
        begin = _index_tensor(begin, name="begin")
        end = _index_tensor(end, begin.dtype, name="end")
        if strides is None:
            n = _int_list(begin)
            strides = constant([1] * len(n), begin.dtype, name="strides") if n is not None \
                else ones_like(begin)
        return _op(opdef, [x, begin, end, _index_tensor(strides, begin.dtype, name="strides")],
                   scope)


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
        return _op(StridedSlice(**masks), [convert_to_tensor(tensor)] + packed, scope)


def _pack_index(values, dtype):
    if not any(isinstance(v, Tensor) for v in values):
        return constant([operator.index(v) for v in values], dtype, name="stack")
    return stack([v if isinstance(v, Tensor) else constant(operator.index(v), dtype)
                  for v in values])


Tensor._override_operator("__getitem__", _slice_helper)


# -- one-hot encoding, masks and coordinates -----------------------------------------------------

@register
class OneHot(OpDef):
    depth: int
    axis: int = -1
    differentiable = False  # TF has no gradient for OneHot, not even for on/off values

    def infer(self, indices, on_value, off_value):
        _check_int_dtype(indices, "indices",
                         (dtypes.uint8, dtypes.int8, dtypes.int32, dtypes.int64))
        if on_value.dtype is not off_value.dtype:
            raise TypeError("dtype %s of on_value does not match dtype %s of off_value"
                            % (on_value.dtype.name, off_value.dtype.name))
        for t, what in ((on_value, "on_value"), (off_value, "off_value")):
            if t.shape.ndims not in (None, 0):
                raise ValueError("%s must be a scalar, got shape %s" % (what, t.shape))
        if self.depth < 0:
            raise ValueError("depth must be non-negative, got %d" % self.depth)
        dims = indices.shape.as_tuple()
        if self.axis < -1:
            raise ValueError("axis must be >= -1")
        if dims is None:
            return TensorSpec(None, on_value.dtype)
        if self.axis > len(dims):
            raise ValueError("Expected axis to be -1 or between [0, %d]. But received: %d"
                             % (len(dims), self.axis))
        axis = len(dims) if self.axis == -1 else self.axis
        return TensorSpec(dims[:axis] + (self.depth,) + dims[axis:], on_value.dtype)

    def compute(self, xp, indices, on_value, off_value):
        hot = indices[..., None] == xp.arange(self.depth)
        out = xp.where(hot, on_value, off_value)
        return out if self.axis == -1 else xp.moveaxis(out, -1, self.axis)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """tf.one_hot: `on_value` where the last (or `axis`) coordinate equals the index, else
    `off_value`; indices outside [0, depth) give all-off rows. The dtype comes from `dtype`, else
    from on/off values, else float32."""
    with name_scope(name, "one_hot", [indices, on_value, off_value]) as scope:
        # Tensors fix the dtype; Python values take an explicit `dtype`, else fix it too.
        found = [(what, v.dtype if _is_tensorish(v) else dtypes.result_type_of(v))
                 for what, v in (("on_value", on_value), ("off_value", off_value))
                 if v is not None and (_is_tensorish(v) or dtype is None)]
        if len(found) == 2 and found[0][1] is not found[1][1]:
            raise TypeError("dtype %s of on_value does not match dtype %s of off_value"
                            % (found[0][1], found[1][1]))
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
            for what, d in found:
                if d is not dtype:
                    raise TypeError("dtype %s of %s does not match dtype parameter %s"
                                    % (d, what, dtype))
        dtype = dtype or (found[0][1] if found else dtypes.float32)
        # TF names given values 'one_hot/Const', 'one_hot/Const_1' and defaults by their role.
        on = convert_to_tensor(1 if on_value is None else on_value, dtype,
                               name="on_value" if on_value is None else None)
        off = convert_to_tensor(0 if off_value is None else off_value, dtype,
                                name="off_value" if off_value is None else None)
        idx = convert_to_tensor(indices, name="indices")
        depth = _static_int(depth, "one_hot's depth")
        return _op(OneHot(depth, -1 if axis is None else int(axis)), [idx, on, off], scope)


@register
class Where(OpDef):
    """tf.where(condition) with one argument: the [N, rank] int64 coordinates of true (non-zero)
    elements, in row-major order."""

    differentiable = False

    def infer(self, condition):
        return TensorSpec([None, condition.shape.ndims], dtypes.int64)

    def compute(self, xp, condition):
        return xp.argwhere(condition).astype(xp.int64, copy=False)


def where_indices(condition, name=None):
    """The coordinates form of tf.where (tf.where calls it when x and y are None)."""
    return _op(Where(), [convert_to_tensor(condition)], name or "Where")


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """tf.boolean_mask: the slices of `tensor` (from `axis` on, over mask's rank) where `mask`
    is true, flattened into one dimension of unknown size. Composed as TF does (reshape, Where,
    gather), so its gradient is theirs."""
    with name_scope(name, "boolean_mask", [tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        if mask.dtype is not dtypes.bool:
            raise TypeError("mask must be a bool tensor, got %s" % mask.dtype.name)
        k = mask.shape.ndims
        if k is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None is "
                             "not.")
        if k == 0:
            raise ValueError("mask cannot be scalar.")
        axis = 0 if axis is None else _static_int(axis, "boolean_mask's axis")
        dims = tensor.shape
        if axis < 0:
            if dims.ndims is None:
                raise ValueError("A negative axis needs the rank of the tensor")
            axis += dims.ndims
        dims[axis:axis + k].assert_is_compatible_with(mask.shape)
        if k > 1:
            shape_ = shape(tensor)
            tensor = reshape(tensor, concat([shape_[:axis], stack([size(mask)]),
                                             shape_[axis + k:]], 0))
            tensor.set_shape(dims[:axis].concatenate([dims[axis:axis + k].num_elements()])
                             .concatenate(dims[axis + k:]))
            mask = reshape(mask, [-1])
        return gather(tensor, squeeze(where_indices(mask), axis=[1]), axis=axis)


@register
class ShapeN(OpDef):
    host_outputs = True  # made from its input's shape alone: no device sync
    out_type: dtypes.DType = dtypes.int32
    differentiable = False

    def infer(self, *xs):
        return [TensorSpec([x.shape.ndims], self.out_type) for x in xs]

    def compute(self, xp, *xs):
        return _outputs(xp.asarray(x.shape, dtype=self.out_type.as_numpy_dtype) for x in xs)


def shape_n(input, out_type=dtypes.int32, name=None):
    """tf.shape_n: the shapes of a list of tensors (one ShapeN op)."""
    tensors = [convert_to_tensor(x) for x in input]
    op = get_default_graph().create_op(ShapeN(dtypes.as_dtype(out_type)), tensors,
                                       name=name or "ShapeN")
    return list(op.outputs)
