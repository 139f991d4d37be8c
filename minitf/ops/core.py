"""The ops every gradient rule is written with, closed under their own gradients: constants
and `convert_to_tensor`, placeholders, identity, shapes, reshape, fill, zeros/ones,
broadcast_to and its inverse sum_to, expand_dims, stack/unstack, cast and reduce_sum.
Every op family imports this module; it imports no family."""

import builtins
import dataclasses
import functools

import numpy as np

from minitf import backend, dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import Call, OpDef, TFSignature, lookup, register
from minitf.framework.shapes import (TensorShape, as_shape, broadcast_dims, format_dims,
                                     merge_dims, normalize_axis, num_elements, reduce_dims)
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.framework.tensor_util import constant_value, constant_value_as_shape
from minitf.ops.op_util import (check_dtype, check_int_dtype, check_shape_tensor, dtype_error,
                                is_tensor_like,
                                kernel_outputs, known_dims, static_ints)

__all__ = ["constant", "convert_to_tensor", "placeholder", "placeholder_with_default", "identity",
           "identity_n", "stop_gradient", "shape", "reshape", "fill", "zeros", "ones", "zeros_like", "ones_like",
           "broadcast_to", "expand_dims", "stack", "unstack", "cast", "reduce_sum"]

# Below this size a static-shape kernel writes out a result it could return as a view
# (BroadcastTo): it stays in the cache, and the host can always hold it.
CACHE_SIZED_BYTES = 1 << 20


@register
class Const(OpDef):
    value: np.ndarray = dataclasses.field(compare=False, repr=False)
    dtype: dtypes.DType = dtypes.float32
    fresh_output = False
    differentiable = False
    is_constant = True

    def infer(self):
        return TensorSpec(self.value.shape, self.dtype)

    def compute(self, xp):
        return xp.asarray(self.value)

    def static_value(self, op):
        return self.value


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """tf.constant: a tensor holding `value` (a Python value or numpy array)."""
    arr, dtype = _to_numpy(value, dtype)
    if shape is not None:
        shape = tuple(int(d) for d in (shape if isinstance(shape, (list, tuple)) else [shape]))
        size = int(np.prod(shape))
        if verify_shape and arr.shape != shape:
            raise TypeError("Expected Tensor's shape: %s, got %s." % (shape, arr.shape))
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == size:
            arr = arr.reshape(shape)
        else:
            raise ValueError("Too many elements provided. Needed at most %d, but received %d"
                             % (size, arr.size) if arr.size > size else
                             "Expected %d elements for a constant of shape %s, got %d"
                             % (size, shape, arr.size))
    arr = np.array(arr, copy=True)
    arr.setflags(write=False)  # shared by every run: no kernel may write into it
    return get_default_graph().create_op(Const(arr, dtype), [], name=name).outputs[0]


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None):
    """A Tensor for `value`: Tensors pass through (their dtype must match), Variables give their
    value, lists holding Tensors are stacked, anything else becomes a constant."""
    if isinstance(value, Tensor):
        if dtype is not None and dtypes.as_dtype(dtype) is not value.dtype:
            raise ValueError("Tensor conversion requested dtype %s for Tensor with dtype %s: %r"
                             % (dtypes.as_dtype(dtype).name, value.dtype.name, value))
        return value
    as_tensor = getattr(value, "_as_tensor", None)
    if as_tensor is not None:
        return as_tensor(dtype)
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        return _autopack(value, dtype or _first_tensor_dtype(value), name or "packed")
    if dtype is None and preferred_dtype is not None:
        try:
            return constant(value, preferred_dtype, name=name or "Const")
        except TypeError:
            pass
    return constant(value, dtype, name=name or "Const")


def _to_numpy(value, dtype, what="value"):
    """`value` as a numpy array of `dtype` (a DType or None to infer), refusing conversions TF1
    refuses (a float or bool into an integer type, a complex into a real type)."""
    if dtype is None:
        dtype = dtypes.result_type_of(value)
        return _as_bytes(np.asarray(value, dtype=dtype.as_numpy_dtype), dtype), dtype
    dtype = dtypes.as_dtype(dtype)
    if dtype is dtypes.string and not isinstance(value, np.ndarray):
        # (through numpy's 'S' type, bytes would lose trailing NULs: serialized protos end so)
        arr = np.asarray(value, dtype=object)
        if not all(isinstance(v, (str, bytes)) for v in arr.reshape(-1).tolist()):
            arr = np.asarray(value)
    else:
        arr = np.asarray(value)
    if arr.size == 0:  # `[]` is float64 to numpy, but holds nothing to refuse
        return np.zeros(arr.shape, dtype.as_numpy_dtype), dtype
    kind = arr.dtype.kind
    bad = ((dtype.is_integer and kind in "fc" and not isinstance(value, np.ndarray))
           or (dtype.is_integer and kind in "fc" and not np.array_equal(arr, np.round(arr.real)))
           or (not dtype.is_complex and kind == "c")
           or (dtype.is_bool and kind not in "b")
           or (dtype is dtypes.string) != (kind in "SUO"))
    if bad:
        raise TypeError("Expected %s, got %s of type '%s' instead."
                        % (dtype.name, _short(value), type(value).__name__))
    return _as_bytes(np.asarray(arr, dtype=dtype.as_numpy_dtype), dtype), dtype


def _as_bytes(arr, dtype):
    """TF strings are bytes: Python str elements are encoded as UTF-8 (Session.run gives bytes)."""
    if dtype is not dtypes.string:
        return arr
    out = np.empty(arr.shape, object)
    out.reshape(-1)[:] = [s.encode() if isinstance(s, str) else s for s in arr.reshape(-1)]
    return out


def _short(value):
    s = repr(value)
    return s if len(s) < 60 else s[:57] + "..."


def _autopack(values, dtype, name):
    """TF's autopacking of a list holding Tensors: one Pack op named `name`, whose Python
    elements become constants named by their index in its scope ('packed/1')."""
    with name_scope(name) as scope:
        elements = []
        for i, v in enumerate(values):
            if isinstance(v, (list, tuple)) and _contains_tensor(v):
                elements.append(_autopack(v, dtype, str(i)))
            elif is_tensor_like(v):
                elements.append(convert_to_tensor(v, dtype))
            else:
                elements.append(constant(v, dtype, name=str(i)))
        return get_default_graph().create_op(Pack(0), elements, name=scope).outputs[0]


def _first_tensor_dtype(values):
    """The dtype of the first Tensor in nested `values`: Python numbers beside it take it, as
    `[n, 2]` with an int64 n packs an int64 2."""
    for v in values:
        if isinstance(v, (list, tuple)):
            found = _first_tensor_dtype(v)
            if found is not None:
                return found
        elif is_tensor_like(v):
            return convert_to_tensor(v).dtype
    return None


def _contains_tensor(values):
    for v in values:
        if is_tensor_like(v):
            return True
        if isinstance(v, (list, tuple)) and _contains_tensor(v):
            return True
    return False


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
    return Placeholder(dtypes.as_dtype(dtype), as_shape(shape))(name=name or "Placeholder")


@register
class PlaceholderWithDefault(OpDef):
    tf_signature = TFSignature(type_attrs=(("dtype", 0),))
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
        return PlaceholderWithDefault(as_shape(shape))(x, name=scope)


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
        return Identity()(convert_to_tensor(input, name="input"), name=scope)


@register
class GuaranteeConst(OpDef):
    """Its input, promised constant for the session's lifetime (a hint for TF's optimizer; in
    minitf an identity). TF registers no gradient for it, so gradients() raises LookupError."""

    fresh_output = False
    is_identity = True

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return x


def guarantee_const(input, name=None):  # noqa: A002
    """tf.guarantee_const: `input` unchanged, marked as constant for the session's lifetime."""
    return GuaranteeConst()(convert_to_tensor(input, name="input"), name=name or "GuaranteeConst")


@register
class StopGradient(OpDef):
    fresh_output = False
    is_identity = True
    differentiable = False

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return x


@register
class PreventGradient(OpDef):
    """The identity whose gradient is an error (TF's array_ops.prevent_gradient): a fused op's
    gradient output passes through it, so asking for a second derivative fails while the graph
    is built instead of silently giving zeros."""

    fresh_output = False
    is_identity = True
    message: str = ""

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return x

    def grad(self, op, dy):
        raise LookupError("Gradient explicitly disabled. Reason: %s" % self.message.encode())


def prevent_gradient(input, message="", name=None):
    """TF's array_ops.prevent_gradient (internal to TF, not exported): `input` unchanged, but
    tf.gradients through it raises LookupError with `message`."""
    return PreventGradient(message)(convert_to_tensor(input), name=name or "PreventGradient")


@register
class IdentityN(OpDef):
    """The identity of several tensors at once: one op, so one gradient function sees them all
    (tf.custom_gradient overrides it)."""

    fresh_output = False
    tf_signature = TFSignature(type_attrs=(("T", slice(0, None)),))

    def infer(self, *xs):
        if not xs:
            raise ValueError("IdentityN takes at least one tensor, got none")
        return [TensorSpec(x.shape, x.dtype) for x in xs]

    def compute(self, xp, *xs):
        return xs

    def grad(self, op, *dys):
        return list(dys)


def identity_n(input, name=None):
    """tf.identity_n: a list of tensors with the values of the list `input`, made by one op."""
    with name_scope(name, "IdentityN", input) as scope:
        tensors = [convert_to_tensor(x) for x in input]
        return list(get_default_graph().create_op(IdentityN(), tensors, name=scope).outputs)


def stop_gradient(input, name=None):
    """tf.stop_gradient: the identity whose gradient is None (tf.gradients stops here)."""
    return StopGradient()(convert_to_tensor(input), name=name or "StopGradient")


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
    return Shape(dtypes.as_dtype(out_type))(convert_to_tensor(input), name=name or "Shape")


@register
class Reshape(OpDef):
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tshape", 1)))
    host_inputs = (1,)  # shape arguments stay on the host
    def infer(self, x, new_shape):
        check_shape_tensor(new_shape, "Reshape's shape")
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

    def specialize(self, xp, op):
        # A constant target shape (as a gradient's reshapes have): the tuple made once.
        value = constant_value(op.inputs[1])
        if value is None:
            return super().specialize(xp, op)
        target = tuple(value.tolist())
        return lambda x, new_shape: x.reshape(target)

    def grad(self, op, dy):
        return [reshape(dy, shape(op.inputs[0])), None]


def reshape(tensor, shape, name=None):
    """tf.reshape; one entry of `shape` may be -1."""
    with name_scope(name, "Reshape", [tensor, shape]) as scope:
        x = convert_to_tensor(tensor, name="tensor")
        return Reshape()(x, index_tensor(shape, name="shape"), name=scope)


def index_tensor(value, dtype=dtypes.int32, name=None):
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
    tf_signature = TFSignature(type_attrs=(("index_type", 0), ("T", 1)))
    host_inputs = (0,)  # shape arguments stay on the host
    def infer(self, dims, value):
        check_shape_tensor(dims, "Fill's dims")
        if value.shape.ndims not in (None, 0):
            raise ValueError("value must be a scalar, got shape %s" % value.shape)
        return TensorSpec(constant_value_as_shape(dims), value.dtype)

    def compute(self, xp, dims, value):
        shape = tuple(dims.tolist())
        backend.check_allocation(xp, shape, value.dtype)
        return xp.full(shape, value, dtype=value.dtype)

    def grad(self, op, dy):
        return [None, reduce_sum(dy)]


def fill(dims, value, name=None):
    """tf.fill: a tensor of shape `dims` whose every element is the scalar `value`."""
    with name_scope(name, "Fill", [dims, value]) as scope:
        dims = index_tensor(dims, name="dims")
        return Fill()(dims, convert_to_tensor(value, name="value"), name=scope)


def _filled(shape_, dtype, number, name, default_name):
    """tf.zeros / tf.ones: a constant when the shape is known and small, else a Fill."""
    dtype = dtypes.as_dtype(dtype)
    number = _fill_value(dtype, number)
    with name_scope(name, default_name) as scope:
        if isinstance(shape_, Tensor) or _has_tensor(shape_):
            dims = index_tensor(shape_)
        else:
            static = as_shape(shape_)
            if not static.is_fully_defined():
                raise ValueError("Cannot convert a partially known TensorShape %s to a Tensor."
                                 % static)
            if static.num_elements() <= 1000:
                return constant(np.full(static.as_list(), number, dtype.as_numpy_dtype), dtype,
                                name=scope)
            dims = index_tensor(static.as_list())
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
    value_from_shape = True

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return xp.zeros_like(x)

    def specialize(self, xp, op):
        if op.inputs[0].dtype is dtypes.variant:  # a TensorArray's flow: a zero gradient array
            return lambda x: x.zeros()
        return _filled_like(xp, op, xp.zeros) or super().specialize(xp, op)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """tf.zeros_like: zeros of `tensor`'s runtime shape (and dtype, unless given)."""
    x = convert_to_tensor(tensor)
    out = ZerosLike()(x, name=name or "zeros_like")
    return out if dtype is None or dtypes.as_dtype(dtype) is x.dtype else cast(out, dtype)


@register
class OnesLike(OpDef):
    differentiable = False
    value_from_shape = True

    def infer(self, x):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        return xp.ones_like(x)

    def specialize(self, xp, op):
        return _filled_like(xp, op, xp.ones) or super().specialize(xp, op)


def _filled_like(xp, op, make):
    """zeros_like / ones_like of an input whose shape is static: xp.zeros(shape, dtype), a
    third of zeros_like's cost on small arrays (numpy's zeros_like is Python around empty_like
    and copyto). None when the shape or a numeric dtype is not known."""
    x = op.inputs[0]
    dims = known_dims(x)
    if dims is None or not (x.dtype.is_floating or x.dtype.is_integer or x.dtype.is_complex or
                            x.dtype is dtypes.bool):
        return None
    dtype, general = x.dtype.as_numpy_dtype, functools.partial(op.opdef.compute, xp)

    def filled_like(value):
        return make(dims, dtype) if value.shape == dims else general(value)
    return filled_like


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """tf.ones_like: ones of `tensor`'s runtime shape (and dtype, unless given)."""
    x = convert_to_tensor(tensor)
    out = OnesLike()(x, name=name or "ones_like")
    return out if dtype is None or dtypes.as_dtype(dtype) is x.dtype else cast(out, dtype)


# -- broadcasting and its inverse --------------------------------------------------------------

@register
class BroadcastTo(OpDef):
    tf_signature = TFSignature(type_attrs=(("T", 0), ("Tidx", 1)))
    host_inputs = (1,)  # shape arguments stay on the host
    def infer(self, x, target):
        check_shape_tensor(target, "broadcast_to's shape")
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

    def specialize(self, xp, op):
        # A static target shape of a cache-sized result (the gradient of a sum over a small
        # batch): written out, not a view. Filling it costs less than numpy's broadcast_to
        # (Python around an nditer), and its readers then run on a contiguous array (an
        # elementwise product with a stride-0 operand takes twice as long).
        general = super().specialize(xp, op)
        x, target = op.inputs
        dims, to = known_dims(x), constant_value(target)
        if dims is None or to is None:
            return general
        to = tuple(to.tolist())
        count = 1
        for d in to:
            count *= d
        if count * x.dtype.size > CACHE_SIZED_BYTES:
            return general
        dtype = x.dtype.as_numpy_dtype

        def broadcast_to(value, target):
            if value.shape != dims:
                return general(value, target)
            out = xp.empty(to, dtype)
            out[...] = value
            return out
        return broadcast_to

    def grad(self, op, dy):
        return [sum_to(dy, op.inputs[0]), None]


def broadcast_to(input, shape, name=None):
    """tf.broadcast_to: `input` broadcast (numpy rules) to `shape`."""
    with name_scope(name, "BroadcastTo", [input, shape]) as scope:
        x = convert_to_tensor(input, name="input")
        return BroadcastTo()(x, index_tensor(shape, name="shape"), name=scope)


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

    def _static_axes(self, op):
        """(input dims, target, summed axes, whether the sum needs a reshape) when both
        shapes are known when the plan is built and differ, else None."""
        g, target = op.inputs
        dims, to = g.shape.as_tuple(), constant_value(target)
        if dims is None or None in dims or to is None or dims == tuple(to.tolist()):
            return None
        to = tuple(to.tolist())
        lead = len(dims) - len(to)
        axes = tuple(range(lead)) + tuple(
            i + lead for i, d in enumerate(to) if d == 1 and dims[i + lead] != 1)
        return dims, to, axes, tuple(d for i, d in enumerate(dims) if i not in axes) != to

    def batch_key(self, op):
        static = self._static_axes(op)
        if static is None or static[3]:
            return None
        return self, static, op.inputs[0].dtype

    def bind_batch(self, xp, ops):
        # One sum over the stacked gradients, each summed in the same order as alone.
        n = len(ops)
        dims, _, axes, _ = self._static_axes(ops[0])
        axes = tuple(a + 1 for a in axes)
        concatenate, total = xp.concatenate, getattr(xp.add, "reduce", xp.sum)

        def sums(out, g_column, target_column):
            return total(concatenate(g_column).reshape((n,) + dims), axes, None, out)
        return sums

    def specialize(self, xp, op):
        # Every bias of a network gets its gradient through here, once per layer per step:
        # with both shapes known when the plan is built, the axes are worked out once.
        general = super().specialize(xp, op)
        static = self._static_axes(op)
        if static is None:
            return general
        dims, to, axes, reshape = static
        total = getattr(xp.add, "reduce", xp.sum)  # numpy's sum is this call, less a wrapper

        def sum_to(g, target):
            if g.shape != dims:  # (the static shape, when trusted, always holds)
                return general(g, target)
            summed = total(g, axis=axes)
            return summed.reshape(to) if reshape else summed
        if reshape:
            return sum_to
        return Call(total, "{0}, %r" % (axes,), sum_to)  # `k(g, (0,))`: no frame around it

    def grad(self, op, dy):
        return [broadcast_to(dy, shape(op.inputs[0])), None]

    def tf_expansion(self, op, inputs, name):
        # As TF's gradients undo broadcasting: the axes BroadcastGradientArgs finds for
        # `target` against g's shape, summed, then reshaped to `target`.
        g, target = inputs
        index_type = op.inputs[1].dtype
        return [
            ("Shape", "Shape", [g], {"T": op.inputs[0].dtype, "out_type": index_type}),
            ("BroadcastGradientArgs", "BroadcastGradientArgs", [target, name("Shape")],
             {"T": index_type}),
            ("Sum", "Sum", [g, name("BroadcastGradientArgs")],
             {"T": op.inputs[0].dtype, "Tidx": index_type, "keep_dims": False}),
            (None, "Reshape", [name("Sum"), target],
             {"T": op.inputs[0].dtype, "Tshape": index_type}),
        ]


def sum_to(g, like):
    """`g` summed down to the runtime shape of `like` (no op when both shapes are known and
    equal). Gradient rules call this after any broadcasting op."""
    if like.shape.is_fully_defined() and g.shape.is_fully_defined() and \
            g.shape.as_tuple() == like.shape.as_tuple():
        return g
    return SumTo()(g, shape(like), name="SumTo")


# -- adding and stacking dimensions ------------------------------------------------------------

@register
class ExpandDims(OpDef):
    tf_signature = TFSignature(
        type_attrs=(("T", 0), ("Tdim", 1)), const_input=("axis", "dim", 1, 2))
    axis: int

    def infer(self, x):
        dims = x.shape.as_tuple()
        if dims is None:
            return TensorSpec(None, x.dtype)
        (axis,) = normalize_axis(self.axis, len(dims) + 1, "expand_dims axis")
        return TensorSpec(dims[:axis] + (1,) + dims[axis:], x.dtype)

    def compute(self, xp, x):
        return xp.expand_dims(x, self.axis)

    def specialize(self, xp, op):
        # With static shapes, a reshape (a view, as expand_dims): numpy's expand_dims is ~10x
        # its cost in Python around it.
        general = super().specialize(xp, op)
        dims, out = known_dims(op.inputs[0]), known_dims(op.outputs[0])
        if dims is None or out is None:
            return general

        def expand_dims(x):
            return x.reshape(out) if x.shape == dims else general(x)
        return expand_dims

    def grad(self, op, dy):
        return [reshape(dy, shape(op.inputs[0]))]


def expand_dims(input, axis=None, name=None, dim=None):
    """tf.expand_dims: inserts a dimension of size 1 at `axis`."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("tf.expand_dims needs an axis")
    with name_scope(name, "ExpandDims", [input]) as scope:
        return ExpandDims(int(axis))(convert_to_tensor(input, name="input"), name=scope)


@register
class Pack(OpDef):
    tf_signature = TFSignature(n_list=0)
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
        return Pack(int(axis))(*tensors, name=scope)


def static_int_list(t):
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
        return kernel_outputs(x[i] for i in range(self.num))

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


# -- casts -------------------------------------------------------------------------------------

@register
class Cast(OpDef):
    tf_signature = TFSignature(type_attrs=(("SrcT", 0),))
    DstT: dtypes.DType
    supports_out = False

    def infer(self, x):
        return TensorSpec(x.shape, self.DstT)

    def compute(self, xp, x):
        if x.dtype.kind == "c" and not self.DstT.is_complex:
            x = x.real  # TF's cast to a real type (bool too) reads the real part alone
        return x.astype(self.DstT.as_numpy_dtype)

    def grad(self, op, dy):
        src = op.inputs[0].dtype
        if (src.is_floating or src.is_complex) and (self.DstT.is_floating or self.DstT.is_complex):
            return [cast(dy, src)]
        return [None]


def cast(x, dtype, name=None):
    """tf.cast: converts `x` to `dtype` (no op is added when it already has it)."""
    dtype = dtypes.as_dtype(dtype)
    if isinstance(x, Tensor) and x.dtype is dtype:
        return x
    with name_scope(name, "Cast", [x]) as scope:
        x = convert_to_tensor(x, name="x")  # a Python value is 'Cast/x', as in TF
        if x.dtype is dtype:
            return x
        return Cast(dtype)(x, name=scope)


_BITCAST_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int64, dtypes.int32,
                   dtypes.uint8, dtypes.uint16, dtypes.uint32, dtypes.uint64, dtypes.int8,
                   dtypes.int16, dtypes.complex64, dtypes.complex128)


@register
class Bitcast(OpDef):
    """tf.bitcast: the same bytes read as another type. Equal sizes keep the shape; a larger
    input type gains a last dim of (input size / type size); a smaller one needs a last dim
    of (type size / input size) and loses it."""

    type: dtypes.DType = dtypes.int32
    differentiable = False  # TF registers no gradient for Bitcast

    def infer(self, x):
        for dtype, arg in ((x.dtype, "input"), (self.type, "type")):
            if dtype not in _BITCAST_DTYPES:
                raise dtype_error(arg, dtype, _BITCAST_DTYPES)
        source, target = x.dtype.size, self.type.size
        dims = x.shape.as_tuple()
        if dims is None or source == target:
            return TensorSpec(dims, self.type)
        if source > target:
            return TensorSpec(dims + (source // target,), self.type)
        if not dims or dims[-1] not in (None, target // source):
            raise ValueError("Cannot bitcast from %d to %d due to shape. %s does not match %d"
                             % (x.dtype.as_datatype_enum, self.type.as_datatype_enum,
                                dims[-1] if dims else "a scalar", target // source))
        return TensorSpec(dims[:-1], self.type)

    def compute(self, xp, x):
        out_shape = x.shape
        source, target = x.dtype.itemsize, self.type.size
        if source > target:
            out_shape = x.shape + (source // target,)
        elif source < target:
            if not x.shape or x.shape[-1] != target // source:
                raise ValueError("Cannot bitcast from %s to %s: the last dimension of an input "
                                 "of shape %s must be %d"
                                 % (x.dtype, self.type.name, list(x.shape), target // source))
            out_shape = x.shape[:-1]
        return xp.ascontiguousarray(x).view(self.type.as_numpy_dtype).reshape(out_shape)


def bitcast(input, type, name=None):
    """tf.bitcast(input, type): `input`'s bytes as `type` (no copy of the values' bits)."""
    return Bitcast(type=dtypes.as_dtype(type))(convert_to_tensor(input, name="input"),
                                               name=name or "Bitcast")


# -- sums --------------------------------------------------------------------------------------

class Reduction(OpDef):
    """Reduces over static `axis` (None = all). Subclasses set `kernel`."""
    tf_signature = TFSignature(
        type_attrs=(("T", 0), ("Tidx", 1)), const_input=("axis", "reduction_indices", 1, 2))

    axis: tuple = None
    keepdims: bool = False
    kernel = ""
    supports_out = True
    allowed = "numeric"
    keeps_dtype = False  # pass dtype=: numpy sums small ints in the platform int, TF does not

    def infer(self, x):
        check_dtype(self.type_name, x.dtype, self.allowed)
        return TensorSpec(reduce_dims(x.shape.as_tuple(), self.axis, self.keepdims), x.dtype)

    def compute(self, xp, x, out=None):
        if x.size == 0:
            fill = self.empty_value(xp, x.dtype)
            if fill is not None:  # numpy raises (max, min) or warns (mean) on empty input
                return xp.full(reduce_dims(x.shape, self.axis, self.keepdims), fill, x.dtype)
        if self.keeps_dtype:
            return getattr(xp, self.kernel)(x, axis=self.axis, dtype=x.dtype,
                                            keepdims=self.keepdims, out=out)
        return getattr(xp, self.kernel)(x, axis=self.axis, keepdims=self.keepdims, out=out)

    def empty_value(self, xp, dtype):
        """What TF gives for a reduction over no elements, where numpy's own result differs
        (None: numpy's is TF's, as 0 for sum and 1 for prod)."""
        return None


def static_reduction_axes(axis, reduction_indices):
    if axis is None:
        axis = reduction_indices
    return None if axis is None else tuple(static_ints(axis, "reduction axes"))


def keepdims_arg(keepdims, keep_dims):
    return bool(keep_dims if keepdims is None else keepdims)


def runtime_reduction_axes(axis, reduction_indices):
    """The axis tensor when the reduction axes are a tensor whose value is known only at run
    time (else None: the axes are static and become the op's attribute)."""
    axis = reduction_indices if axis is None else axis
    if isinstance(axis, Tensor) and constant_value(axis) is None:
        check_int_dtype(axis, "reduction_indices")
        return axis
    return None


def reduction(opclass, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    runtime_axis = runtime_reduction_axes(axis, reduction_indices)
    with name_scope(name, opclass.type_name, [input_tensor]) as scope:
        x = convert_to_tensor(input_tensor, name="input")
        if runtime_axis is not None:
            opdef = lookup("RuntimeAxisReduction")(opclass.type_name, keepdims_arg(keepdims, keep_dims))
            return opdef(x, runtime_axis, name=scope)
        opdef = opclass(static_reduction_axes(axis, reduction_indices), keepdims_arg(keepdims, keep_dims))
        return opdef(x, name=scope)


def restore_reduced_dims(dy, x, axis, keepdims):
    """dy of a reduction, with the reduced axes put back as size-1 dims (for broadcasting)."""
    if keepdims or axis is None:
        return dy
    rank = x.shape.ndims
    axes = normalize_axis(axis, rank)
    if axes is None:
        raise ValueError("The gradient of a reduction over negative axes needs the input's rank")
    for a in axes:
        dy = expand_dims(dy, a)
    return dy


@register
class Sum(Reduction):
    kernel = "sum"
    keeps_dtype = True

    def specialize(self, xp, op):
        # A static input shape with elements: numpy's sum is add.reduce behind a wrapper.
        dims, reduce = known_dims(op.inputs[0]), getattr(xp.add, "reduce", None)
        if dims is None or 0 in dims or reduce is None:
            return super().specialize(xp, op)
        axis, dtype, keepdims = self.axis, op.inputs[0].dtype.as_numpy_dtype, self.keepdims

        def total(x, out=None):
            return reduce(x, axis=axis, dtype=dtype, out=out, keepdims=keepdims)
        return total

    def grad(self, op, dy):
        (x,) = op.inputs
        dy = restore_reduced_dims(dy, x, self.axis, self.keepdims)
        return [broadcast_to(dy, shape(x))]


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """tf.reduce_sum: the sum over `axis` (all axes when None)."""
    return reduction(Sum, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)
