"""tf.TensorArray (TF1's graph-mode API) with value semantics: the array's flow is a tensor of
dtype tf.variant whose run-time value is an immutable TensorArrayValue, so gradients and
while loops need no special machinery.

TF1 keeps the elements in a mutable per-run resource and passes a dummy float "flow" between
its ops only to order them. Here every op that changes the array (write, scatter, unstack,
split) takes the flow in and returns a new flow; the ops that read (read, gather, stack,
concat, size) read it. So an array is a value like any other: a while loop carries its flow as
one more loop variable (and its gradient back through the loop), `tf.cond` branches return
flows, and the gradient of a flow is itself a TensorArrayValue (a "gradient array": missing
elements are zeros, and writes to one index add up, as TF's gradient arrays accumulate). The
gradient rules are TF's: read's gradient writes dy into the gradient array, write's reads it.

What TF keeps in the resource and checks at run time (the size of a fixed-size array, the
element shape inferred from the first write, the indices cleared after a read) lives in a
_Book shared by the values of one array in one run; the `handle` output of TensorArrayV3 is
that book.
"""

import functools
import itertools

from minitf import dtypes, errors
from minitf.framework import nest
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape, as_shape, unknown_shape
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.core import identity, shape as shape_of
from minitf.ops.math_ops import cast
from minitf.ops.math_ops import range as range_
from minitf.ops.op_util import is_tensor_like

__all__ = ["TensorArray"]

# Arrays at least this large may come from the buffer pool of a loop body's plan and go back
# to it after their last use (client/buffers.py: NESTED_POOL_MIN_ELEMENTS): an array keeps a
# copy of them, and hands out copies, so the pool never reuses an element's memory.
_POOLED_ELEMENTS = 1 << 13
_ids = itertools.count()  # TF names each array's resource '<op name>_<process-wide counter>'


def _kept(value):
    return value.copy() if getattr(value, "size", 0) >= _POOLED_ELEMENTS else value


def _dims_text(dims):
    """A shape as TF's C++ runtime prints it: [2,3], [?,3], <unknown>."""
    if dims is None:
        return "<unknown>"
    return "[%s]" % ",".join("?" if d is None else str(d) for d in dims)


def _merge_dims(known, dims):
    """`known` (None: unknown) refined by the concrete `dims`, or False when they differ."""
    if known is None:
        return tuple(dims)
    if len(known) != len(dims) or any(k is not None and k != d for k, d in zip(known, dims)):
        return False
    return tuple(dims)


class _Book:
    """One array's bookkeeping in one run (TF's resource): its settings, the element shape
    inferred at run time, the indices a read cleared."""

    __slots__ = ("name", "dtype", "dynamic_size", "clear_after_read", "identical_shapes",
                 "element_shape", "cleared", "gradient", "shapes")
    device_free = True  # (backend: a device leaves it as it is)
    base = None  # (a plan snapshots fetched values that are views: this one never is)

    def __init__(self, name, dtype, dynamic_size, clear_after_read, identical_shapes,
                 element_shape, gradient=False, shapes=None):
        self.name, self.dtype = name, dtype
        self.dynamic_size, self.clear_after_read = dynamic_size, clear_after_read
        self.identical_shapes, self.element_shape = identical_shapes, element_shape
        self.cleared = set()
        self.gradient = gradient  # a gradient array: missing elements are zeros, writes add
        self.shapes = shapes if shapes is not None else {}  # (gradient) the forward elements

    def __repr__(self):
        return "<TensorArray %s>" % self.name


class TensorArrayValue:
    """The run-time value of a TensorArray's flow: its elements ({index: array}), its size,
    and its book. Never changed once made: a write makes a new value."""

    __slots__ = ("elements", "size", "book")
    base = None  # (a plan snapshots fetched values that are views: this one never is)
    device_free = True  # (backend: a device leaves it as it is)

    def __init__(self, elements, size, book):
        self.elements, self.size, self.book = elements, size, book

    def __repr__(self):
        return "<TensorArrayValue %s: %d of %d elements>" % (self.book.name, len(self.elements),
                                                             self.size)

    def _fail(self, op, message, cls=errors.InvalidArgumentError):
        raise cls(None, op, "TensorArray %s: %s" % (self.book.name, message))

    def write(self, xp, op, index, value, elements=None):
        """A new value with `value` at `index` (into `elements`, a dict being built, when
        given: scatter and split write many)."""
        book, size = self.book, self.size
        if index < 0 or (index >= size and not book.dynamic_size):
            self._fail(op, "Tried to write to index %d but array is not resizeable and size "
                       "is: %d" % (index, size))
        shape = tuple(getattr(value, "shape", ()))
        if book.identical_shapes:
            merged = _merge_dims(book.element_shape, shape)
            if merged is False:
                self._fail(op, "Could not write to TensorArray index %d because the value shape "
                           "is %s which is incompatible with the TensorArray's inferred element "
                           "shape: %s (consider setting infer_shape=False)."
                           % (index, _dims_text(shape), _dims_text(book.element_shape)))
            book.element_shape = merged
        out = dict(self.elements) if elements is None else elements
        if index in out:
            if not book.gradient:
                self._fail(op, "Could not write to TensorArray index %d because it has already "
                           "been written to." % index)
            out[index] = out[index] + value
        else:
            out[index] = _kept(value)
        return TensorArrayValue(out, max(size, index + 1), book)

    def read(self, xp, op, index):
        book = self.book
        if index < 0 or index >= self.size:
            raise errors.InvalidArgumentError(None, op, "Tried to read from index %d but array "
                                              "size is: %d" % (index, self.size))
        value = self.elements.get(index)
        if value is None:
            if not book.gradient:
                self._fail(op, "Could not read from TensorArray index %d because it has not yet "
                           "been written to." % index)
            like = book.shapes.get(index)
            dims = tuple(like.shape) if like is not None else book.element_shape
            if dims is None or None in dims:
                self._fail(op, "Could not read from TensorArray index %d.  Furthermore, the "
                           "element shape is not fully defined: %s." % (index, _dims_text(dims)))
            return xp.zeros(dims, book.dtype)
        if book.clear_after_read:
            if index in book.cleared:
                self._fail(op, "Could not read index %d twice because it was cleared after a "
                           "previous read (perhaps try setting clear_after_read = false?)."
                           % index)
            book.cleared.add(index)
        return _kept(value)

    def gradient(self, shapes_from=None):
        """A zero gradient array of this array's size (itself, when it is one)."""
        book = self.book
        if book.gradient:
            return self
        grad = _Book(book.name + "@grad", book.dtype, True, False, False, book.element_shape,
                     gradient=True, shapes=self.elements)
        return TensorArrayValue({}, self.size, grad)

    def zeros(self):
        """zeros_like: a gradient array with no element (all zeros)."""
        zero = self.gradient()
        return zero if zero is not self else TensorArrayValue({}, self.size, self.book)

    def __add__(self, other):
        """The sum of two gradient arrays, element by element (missing ones are zeros)."""
        if len(other.elements) > len(self.elements):
            self, other = other, self
        out = dict(self.elements)
        for i, v in other.elements.items():
            out[i] = out[i] + v if i in out else v
        book = self.book if len(self.book.shapes) >= len(other.book.shapes) else other.book
        return TensorArrayValue(out, max(self.size, other.size), book)

    def owned_copy(self):
        """A value of its own (a new dict of the same elements), which `+=` may change. (Not
        `copy`: a plan would then copy each flow it hands out of a loop body.)"""
        return TensorArrayValue(dict(self.elements), self.size, self.book)

    def __iadd__(self, other):
        """Adds `other` into this value's own elements, in O(len(other)): WhileGrad sums the
        gradient arrays of a captured flow over the iterations so, into a copy it owns."""
        out = self.elements
        for i, v in other.elements.items():
            out[i] = out[i] + v if i in out else v
        self.size = max(self.size, other.size)
        if len(other.book.shapes) > len(self.book.shapes):
            self.book = other.book
        return self


def is_variant_value(value):
    return type(value) is TensorArrayValue


# -- ops ---------------------------------------------------------------------------------------

_HANDLE = TensorSpec([2], dtypes.resource)
_FLOW = TensorSpec([], dtypes.variant)


class _ArrayOp(OpDef):
    """Base of the TensorArray ops: inputs start with the handle and end with the flow (TF's
    signatures); outputs are never folded (a value is made per run)."""

    tf_signature = TFSignature(type_attrs=())
    fresh_output = False  # read returns the stored element

    def _check(self, handle, flow):
        if handle.dtype is not dtypes.resource or flow.dtype is not dtypes.variant:
            raise TypeError("%s needs a TensorArray's handle (resource) and flow (variant), got "
                            "%s and %s" % (self.type_name, handle.dtype.name, flow.dtype.name))


@register
class TensorArrayV3(OpDef):
    """A new array: outputs its handle (its book) and its first flow (no element written)."""

    dtype: dtypes.DType
    element_shape: TensorShape = unknown_shape()
    dynamic_size: bool = False
    clear_after_read: bool = True
    identical_element_shapes: bool = False
    tensor_array_name: str = ""

    tf_signature = TFSignature(type_attrs=())
    host_inputs = (0,)  # the size

    def infer(self, size):
        if size.dtype is not dtypes.int32:
            raise TypeError("Input 'size' of 'TensorArrayV3' Op has type %s that does not match "
                            "expected type of int32." % size.dtype.name)
        return [_HANDLE, _FLOW]

    def compute(self, xp, size, op=None):
        name = self.tensor_array_name or (op.name if op is not None else "TensorArray")
        book = _Book("%s_%d" % (name, next(_ids)), self.dtype.as_numpy_dtype,
                     self.dynamic_size, self.clear_after_read, self.identical_element_shapes,
                     self.element_shape.as_tuple())
        return book, TensorArrayValue({}, int(size), book)

    def specialize(self, xp, op):
        return functools.partial(self.compute, xp, op=op)  # (the op names the array)

    def grad(self, op, *dys):
        return [None]


@register
class TensorArrayGradV3(_ArrayOp):
    """The gradient array of an array for `source` (TF: a second array found by name): here
    a zero gradient value of the flow's size (the flow itself when it is one already)."""

    source: str = ""

    def infer(self, handle, flow):
        self._check(handle, flow)
        return [_HANDLE, _FLOW]

    def specialize(self, xp, op):
        def grad(handle, flow):
            g = flow.gradient()
            return g.book, g
        return grad

    def grad(self, op, *dys):
        return [None, None]


@register
class TensorArrayWriteV3(_ArrayOp):
    host_inputs = (1,)  # the index

    def infer(self, handle, index, value, flow):
        self._check(handle, flow)
        return _FLOW

    def specialize(self, xp, op):
        return lambda handle, index, value, flow: flow.write(xp, op, int(index), value)

    def grad(self, op, dflow):
        handle, index, value, _ = op.inputs
        if not value.dtype.is_floating:
            return [None, None, None, dflow]
        g_handle, g_flow = _grad_array(handle, dflow)
        return [None, None, _read(g_handle, index, g_flow, value.shape, value.dtype), dflow]


@register
class TensorArrayReadV3(_ArrayOp):
    host_inputs = (1,)
    dtype: dtypes.DType
    element_shape: TensorShape = unknown_shape()  # (minitf: the static shape of the result)

    def infer(self, handle, index, flow):
        self._check(handle, flow)
        return TensorSpec(self.element_shape, self.dtype)

    def specialize(self, xp, op):
        return lambda handle, index, flow: flow.read(xp, op, int(index))

    def grad(self, op, dy):
        handle, index, flow = op.inputs
        if not self.dtype.is_floating:
            return [None, None, None]
        g_handle, g_flow = _grad_array(handle, flow)
        return [None, None, _write(g_handle, index, dy, g_flow)]


def _gathered(xp, op, flow, indices, dims):
    values = [flow.read(xp, op, int(i)) for i in indices]
    if not values:
        known = flow.book.element_shape if dims is None else dims
        if known is None or None in known:
            raise errors.UnimplementedError(
                None, op, "TensorArray has size zero, but element shape %s is not fully "
                "defined. Currently only static shapes are supported when packing zero-size "
                "TensorArrays." % _dims_text(known))
        return xp.zeros((0,) + tuple(known), flow.book.dtype)
    first = getattr(values[0], "shape", ())
    for i, v in zip(indices, values):
        if getattr(v, "shape", ()) != first:
            raise errors.InvalidArgumentError(
                None, op, "TensorArray has inconsistent shapes.  Index 0 has shape: %s but index "
                "%d has shape: %s" % (_dims_text(first), int(i), _dims_text(v.shape)))
    return xp.stack(values)


@register
class TensorArrayGatherV3(_ArrayOp):
    host_inputs = (1,)
    dtype: dtypes.DType
    element_shape: TensorShape = unknown_shape()

    def infer(self, handle, indices, flow):
        self._check(handle, flow)
        if indices.dtype is not dtypes.int32:
            raise TypeError("Input 'indices' of 'TensorArrayGatherV3' Op has type %s that does "
                            "not match expected type of int32." % indices.dtype.name)
        return TensorSpec(TensorShape([None]).concatenate(self.element_shape), self.dtype)

    def specialize(self, xp, op):
        dims = self.element_shape.as_tuple()
        if dims is not None and None in dims:
            dims = None
        return lambda handle, indices, flow: _gathered(xp, op, flow, indices.reshape(-1), dims)

    def grad(self, op, dy):
        handle, indices, flow = op.inputs
        if not self.dtype.is_floating:
            return [None, None, None]
        g_handle, g_flow = _grad_array(handle, flow)
        return [None, None, _scatter(g_handle, indices, dy, g_flow)]


@register
class TensorArrayScatterV3(_ArrayOp):
    host_inputs = (1,)

    def infer(self, handle, indices, value, flow):
        self._check(handle, flow)
        return _FLOW

    def specialize(self, xp, op):
        def scatter(handle, indices, value, flow):
            indices = indices.reshape(-1)
            if len(indices) != value.shape[0]:
                raise errors.InvalidArgumentError(
                    None, op, "Expected len(indices) == values.shape[0], but saw: %d vs. %d"
                    % (len(indices), value.shape[0]))
            if len(indices) and not flow.book.dynamic_size and int(indices.max()) >= flow.size:
                raise errors.InvalidArgumentError(
                    None, op, "Max scatter index must be < array size (%d vs. %d)"
                    % (int(indices.max()), flow.size))
            value = _kept(value)
            out, elements = flow, dict(flow.elements)
            for k, i in enumerate(indices):
                out = out.write(xp, op, int(i), value[k], elements)
            return TensorArrayValue(elements, out.size, flow.book)
        return scatter

    def grad(self, op, dflow):
        handle, indices, value, _ = op.inputs
        if not value.dtype.is_floating:
            return [None, None, None, dflow]
        g_handle, g_flow = _grad_array(handle, dflow)
        return [None, None, _gather(g_handle, indices, g_flow, value.shape[1:], value.dtype),
                dflow]


@register
class TensorArrayConcatV3(_ArrayOp):
    dtype: dtypes.DType
    element_shape_except0: TensorShape = unknown_shape()

    def infer(self, handle, flow):
        self._check(handle, flow)
        rest = self.element_shape_except0
        value = (unknown_shape() if rest.ndims is None
                 else TensorShape([None]).concatenate(rest))
        return [TensorSpec(value, self.dtype), TensorSpec([None], dtypes.int64)]

    def specialize(self, xp, op):
        rest = self.element_shape_except0.as_tuple()

        def concat(handle, flow):
            values = [flow.read(xp, op, i) for i in range(flow.size)]
            if not values:
                if rest is None or None in rest:
                    raise errors.UnimplementedError(
                        None, op, "TensorArray has size zero, but element_shape_except0 %s is "
                        "not fully defined. Currently only static shapes are supported when "
                        "concatenating zero-size TensorArrays." % _dims_text(rest))
                return xp.zeros((0,) + rest, flow.book.dtype), xp.zeros(0, "int64")
            first = getattr(values[0], "shape", ())
            for i, v in enumerate(values):
                dims = getattr(v, "shape", ())
                if not dims:
                    raise errors.InvalidArgumentError(
                        None, op, "Concat saw a scalar shape at index %d but requires at least "
                        "vectors." % i)
                if dims[1:] != first[1:]:
                    raise errors.InvalidArgumentError(
                        None, op, "TensorArray has inconsistent shapes.  Index 0 has (excepting "
                        "dimension 0) shape: %s but index %d has (excepting dimension 0) shape: "
                        "%s" % (_dims_text(first[1:]), i, _dims_text(dims[1:])))
            lengths = xp.asarray([v.shape[0] for v in values], dtype="int64")
            return xp.concatenate(values), lengths
        return concat

    def grad(self, op, dy, dlengths):
        handle, flow = op.inputs
        if not self.dtype.is_floating:
            return [None, None]
        g_handle, g_flow = _grad_array(handle, flow)
        return [None, _split(g_handle, dy, op.outputs[1], g_flow)]


@register
class TensorArraySplitV3(_ArrayOp):
    host_inputs = (2,)  # the lengths

    def infer(self, handle, value, lengths, flow):
        self._check(handle, flow)
        if lengths.dtype is not dtypes.int64:
            raise TypeError("Input 'lengths' of 'TensorArraySplitV3' Op has type %s that does "
                            "not match expected type of int64." % lengths.dtype.name)
        return _FLOW

    def specialize(self, xp, op):
        def split(handle, value, lengths, flow):
            lengths = [int(n) for n in lengths.reshape(-1)]
            dims = tuple(value.shape)
            if not dims or sum(lengths) != dims[0]:
                raise errors.InvalidArgumentError(
                    None, op, "Expected sum of lengths to be equal to values.shape[0], but sum "
                    "of lengths is %d and value's shape is: %s" % (sum(lengths), _dims_text(dims)))
            if not flow.book.dynamic_size and len(lengths) != flow.size:
                raise errors.InvalidArgumentError(
                    None, op, "TensorArray's size is not equal to the size of lengths (%d vs. "
                    "%d), and the TensorArray is not marked as dynamically resizeable"
                    % (len(lengths), flow.size))
            value = _kept(value)
            out, elements, start = flow, dict(flow.elements), 0
            for i, n in enumerate(lengths):
                out = out.write(xp, op, i, value[start:start + n], elements)
                start += n
            return TensorArrayValue(elements, out.size, flow.book)
        return split

    def grad(self, op, dflow):
        handle, value, lengths, _ = op.inputs
        if not value.dtype.is_floating:
            return [None, None, None, dflow]
        g_handle, g_flow = _grad_array(handle, dflow)
        dvalue = _concat(g_handle, g_flow, value.dtype, value.shape[1:])[0]
        return [None, dvalue, None, dflow]


@register
class TensorArraySizeV3(_ArrayOp):
    def infer(self, handle, flow):
        self._check(handle, flow)
        return TensorSpec([], dtypes.int32)

    def specialize(self, xp, op):
        int32 = dtypes.int32.as_numpy_dtype
        return lambda handle, flow: int32(flow.size)  # (a host scalar, as a shape is)

    def grad(self, op, dy):
        return [None, None]


@register
class TensorArrayCloseV3(OpDef):
    """Closes the array: a no-op here (its values are freed with the last flow using them)."""

    tf_signature = TFSignature(type_attrs=())

    def infer(self, handle):
        return []

    def compute(self, xp, handle):
        return ()


# -- building the ops (TF's names) ------------------------------------------------------------

def _create(opdef, inputs, name):
    return get_default_graph().create_op(opdef, inputs, name=name)


def _grad_array(handle, flow):
    op = _create(TensorArrayGradV3(source="gradients"), [handle, flow], "TensorArrayGrad")
    return op.outputs[0], op.outputs[1]


def _write(handle, index, value, flow):
    return _create(TensorArrayWriteV3(), [handle, index, value, flow],
                   "TensorArrayWriteV3").outputs[0]


def _read(handle, index, flow, shape, dtype):
    return _create(TensorArrayReadV3(dtype, as_shape(shape)), [handle, index, flow],
                   "TensorArrayReadV3").outputs[0]


def _scatter(handle, indices, value, flow):
    return _create(TensorArrayScatterV3(), [handle, indices, value, flow],
                   "TensorArrayScatterV3").outputs[0]


def _gather(handle, indices, flow, shape, dtype):
    return _create(TensorArrayGatherV3(dtype, as_shape(shape)), [handle, indices, flow],
                   "TensorArrayGatherV3").outputs[0]


def _split(handle, value, lengths, flow):
    return _create(TensorArraySplitV3(), [handle, value, lengths, flow],
                   "TensorArraySplitV3").outputs[0]


def _concat(handle, flow, dtype, shape_except0):
    return _create(TensorArrayConcatV3(dtype, as_shape(shape_except0)), [handle, flow],
                   "TensorArrayConcatV3").outputs


class TensorArray:
    """tf.TensorArray: a list of tensors of one dtype, written and read by index, usable in
    tf.while_loop (TF1's graph-mode class). Each method that changes the array returns a new
    TensorArray whose `flow` carries the change (use it, not the old one)."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        if handle is not None and tensor_array_name:
            raise ValueError("Cannot construct with both handle and tensor_array_name")
        if handle is not None and not isinstance(handle, Tensor):
            raise TypeError("Handle must be a Tensor")
        if handle is None and size is None:
            raise ValueError("Size must be provided if handle is not provided")
        if handle is not None and size is not None:
            raise ValueError("Cannot provide both a handle and size at the same time")
        if handle is not None and element_shape is not None:
            raise ValueError("Cannot provide both a handle and element_shape at the same time")
        if handle is not None and dynamic_size is not None:
            raise ValueError("Cannot provide both a handle and dynamic_size at the same time")
        if handle is not None and clear_after_read is not None:
            raise ValueError("Cannot provide both a handle and clear_after_read at the same "
                             "time")
        if handle is not None and flow is None:
            raise ValueError("flow must not be None if handle is not None.")
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = infer_shape
        self._element_shape = [as_shape(element_shape) if element_shape is not None
                               else unknown_shape()]
        self._size = None
        with name_scope(name, "TensorArray", [handle, size, flow]) as scope:
            if handle is not None:
                self._handle, self._flow = handle, flow
            else:
                size_t = convert_to_tensor(size, dtypes.int32, name="size")
                self._size = size_t
                op = _create(TensorArrayV3(
                    self._dtype, self._element_shape[0], self._dynamic_size,
                    self._clear_after_read, bool(infer_shape), tensor_array_name or ""),
                    [size_t], scope)
                self._handle, self._flow = op.outputs
                if flow is not None:
                    self._flow = flow

    # -- properties
    @property
    def dtype(self):
        return self._dtype

    @property
    def flow(self):
        """The variant tensor carrying the array's value (TF1: a dummy float32 scalar)."""
        return self._flow

    @property
    def handle(self):
        """The array's handle: a resource tensor whose run-time value is the array's
        bookkeeping (name, settings), the same for every flow of the array."""
        return self._handle

    @property
    def element_shape(self):
        return self._element_shape[0]

    @property
    def dynamic_size(self):
        return self._dynamic_size

    def __repr__(self):
        return "<tf.TensorArray '%s' dtype=%s>" % (self._handle.op.name, self._dtype.name)

    def _derived(self, flow):
        """A TensorArray of this array with `flow` (its element shape shared, as in TF1)."""
        ta = TensorArray.__new__(TensorArray)
        ta.__dict__.update(self.__dict__)
        ta._flow = flow
        return ta

    def _merge_element_shape(self, shape):
        shape = as_shape(shape)
        if not self._infer_shape:
            return
        current = self._element_shape[0]
        if not current.is_compatible_with(shape):
            raise ValueError("Inconsistent shapes: saw %s but expected %s "
                             % (as_shape(shape), current))
        self._element_shape[0] = current.merge_with(shape)

    def _value(self, value, name):
        value = convert_to_tensor(value, dtype=None if is_tensor_like(value) else self._dtype,
                                  name=name)
        if value.dtype is not self._dtype:
            raise TypeError("TensorArray dtype is %s but Op is trying to write dtype %s "
                            % (self._dtype.name, value.dtype.name))
        return value

    def _static_size(self):
        if self._dynamic_size or self._size is None:
            return None
        v = constant_value(self._size)
        return None if v is None else int(v)

    # -- methods
    def identity(self):
        """A TensorArray whose flow is an Identity of this one's (for control dependencies)."""
        return self._derived(identity(self._flow))

    def grad(self, source, flow=None, name=None):
        """The gradient TensorArray of this one (TF's tf.gradients uses it): a zero gradient
        array of the flow's size, whose writes to one index add up and whose missing elements
        read as zeros."""
        flow = self._flow if flow is None else flow
        with name_scope(name, "TensorArrayGrad", [self._handle]):
            op = _create(TensorArrayGradV3(source=str(source)), [self._handle, flow],
                         "TensorArrayGradV3")
            grad_flow = identity(op.outputs[1], name="gradient_flow")  # (TF's name)
        g = TensorArray(self._dtype, handle=op.outputs[0], flow=grad_flow,
                        infer_shape=self._infer_shape)
        g._element_shape = self._element_shape
        g._size = self._size
        return g

    def read(self, index, name=None):
        index = convert_to_tensor(index, dtypes.int32, name="index")
        return _create(TensorArrayReadV3(self._dtype, self.element_shape),
                       [self._handle, index, self._flow], name or "TensorArrayReadV3").outputs[0]

    def write(self, index, value, name=None):
        with name_scope(name, "TensorArrayWrite", [self._handle, index, value]):
            value = self._value(value, "value")
            self._merge_element_shape(value.shape)
            index = convert_to_tensor(index, dtypes.int32, name="index")
            flow = _write(self._handle, index, value, self._flow)
        return self._derived(flow)

    def gather(self, indices, name=None):
        indices = convert_to_tensor(indices, dtypes.int32, name="indices")
        shape = self.element_shape
        return _create(TensorArrayGatherV3(self._dtype, shape), [self._handle, indices, self._flow],
                       name or "TensorArrayGatherV3").outputs[0]

    def stack(self, name=None):
        with name_scope(name, "TensorArrayStack", [self._handle]):
            value = self.gather(range_(0, self.size()))
            if self.element_shape.ndims is not None:
                value.set_shape(TensorShape([self._static_size()]).concatenate(self.element_shape))
            return value

    def concat(self, name=None):
        shape = self.element_shape
        rest = shape[1:] if shape.ndims else unknown_shape()
        value = _create(TensorArrayConcatV3(self._dtype, rest), [self._handle, self._flow],
                        name or "TensorArrayConcatV3").outputs[0]
        size = None
        if shape.ndims:  # (TF asks for the size here, making its Const)
            size = constant_value(self.size())
        if shape.ndims and shape.as_tuple()[0] is not None and size is not None:
            value.set_shape(TensorShape([int(size) * shape.as_tuple()[0]]).concatenate(rest))
        return value

    def unstack(self, value, name=None):
        with name_scope(name, "TensorArrayUnstack", [self._handle, value]):
            value = self._value(value, "value")
            num = value.shape.as_tuple()[0] if value.shape.ndims else None
            n = constant(num, dtypes.int32) if num is not None else shape_of(value)[0]
            return self.scatter(range_(0, n), value, name=None)

    def scatter(self, indices, value, name=None):
        with name_scope(name, "TensorArrayScatter", [self._handle, value, indices]):
            value = self._value(value, "value")
            if value.shape.ndims is not None:
                self._merge_element_shape(TensorShape(value.shape.as_tuple()[1:]))
            indices = convert_to_tensor(indices, dtypes.int32, name="indices")
            flow = _scatter(self._handle, indices, value, self._flow)
        return self._derived(flow)

    def split(self, value, lengths, name=None):
        with name_scope(name, "TensorArraySplit", [self._handle, value, lengths]):
            value = self._value(value, "value")
            lengths_64 = cast(convert_to_tensor(lengths, dtypes.int64 if not is_tensor_like(
                lengths) else None), dtypes.int64)
            flow = _split(self._handle, value, lengths_64, self._flow)
            if self._infer_shape:
                known = constant_value(lengths_64)
                element = unknown_shape()
                dims = value.shape.as_tuple()
                if dims is not None and known is not None and len(known) and \
                        known.max() == known.min():
                    element = TensorShape([int(known[0])] + list(dims[1:]))
                self._merge_element_shape(element)
        return self._derived(flow)

    def size(self, name=None):
        v = self._static_size()
        if v is not None:
            return constant(v, dtypes.int32, name=name or "Const")
        return _create(TensorArraySizeV3(), [self._handle, self._flow],
                       name or "TensorArraySizeV3").outputs[0]

    def close(self, name=None):
        return _create(TensorArrayCloseV3(), [self._handle], name or "TensorArrayCloseV3")


# -- TensorArrays in control flow: flows in, TensorArrays out ----------------------------------

def to_flows(structure):
    """`structure` (a nest) with each TensorArray replaced by its flow."""
    return nest.map_structure(lambda x: x.flow if isinstance(x, TensorArray) else x, structure)


def from_flows(templates, structure):
    """`structure` (flat list of tensors, in the order of nest.flatten(templates)) with the
    tensors at the positions of the TensorArrays of `templates` made TensorArrays again."""
    flat = [t._derived(x) if isinstance(t, TensorArray) else x
            for t, x in zip(nest.flatten(templates), structure)]
    return nest.pack_sequence_as(templates, flat)
