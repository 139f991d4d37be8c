"""Logging and checking ops: tf.Print, tf.print, tf.Assert, tf.check_numerics and the tf.assert_*
family (checked when the graph is built if the values are known then, else by Assert ops).

minitf writes through Python's `sys.stdout` / `sys.stderr` objects where TF1's kernels write to
the C++ standard error: Jupyter shows only the Python streams, and the course runs there. The
printing and asserting kernels format values on the host (TF keeps their data in host memory
too), so their ops are placed on the CPU.
"""

import builtins
import functools
import math
import operator
import os
import pprint
import re
import struct
import sys

import numpy as np

from minitf import dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.framework.graph import control_dependencies, get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import format_dims
from minitf.framework.sparse_tensor import SparseTensor
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.framework.tensor_util import constant_value
from minitf.ops import array_ops, math_ops
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.control_ops import group, no_op
from minitf.ops.elementwise import binary_operands
from minitf.ops.op_util import dtype_error, is_tensor_like

__all__ = ["Print", "print", "Assert", "check_numerics", "assert_proper_iterable",
           "assert_equal", "assert_none_equal",
           "assert_less", "assert_less_equal", "assert_greater", "assert_greater_equal",
           "assert_positive", "assert_negative", "assert_non_negative", "assert_non_positive",
           "assert_rank", "assert_rank_at_least", "assert_type", "assert_integer",
           "assert_scalar", "assert_near", "assert_rank_in", "assert_same_float_dtype",
           "is_non_decreasing", "is_strictly_increasing", "verify_tensor_all_finite",
           "add_check_numerics_ops", "is_numeric_tensor", "timestamp"]



# -- formatting values as TF's Tensor::SummarizeValue does -------------------------------------

def _format_float(v, digits, more_digits, pack):
    """TF's FloatToBuffer / DoubleToBuffer: %.{digits}g, or %.{more_digits}g when that does not
    read back exactly."""
    if math.isnan(v):
        return "-nan" if math.copysign(1.0, v) < 0 else "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    s = "%.*g" % (digits, v)
    if pack(float(s)) != pack(v):
        s = "%.*g" % (more_digits, v)
    return s


_ESCAPES = {ord("\n"): b"\\n", ord("\r"): b"\\r", ord("\t"): b"\\t", ord('"'): b'\\"',
            ord("'"): b"\\'", ord("\\"): b"\\\\"}


def _c_escape(value):
    """TF's Utf8SafeCEscape: control characters escaped, UTF-8 text left readable."""
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    out = bytearray()
    for c in raw:
        if c in _ESCAPES:
            out += _ESCAPES[c]
        elif c < 0x20 or c == 0x7F:
            out += b"\\%03o" % c
        else:
            out.append(c)
    return out.decode("utf-8", errors="backslashreplace")


def _element_formatter(np_dtype, quote_strings=False):
    """Formats one element (a Python scalar from `.tolist()`) of an array of `np_dtype`."""
    kind = np_dtype.kind
    if kind == "f":
        if np_dtype.itemsize == 8:
            pack = struct.Struct("d").pack
            return lambda v: _format_float(v, 15, 17, pack)  # DBL_DIG, DBL_DIG + 2
        pack = struct.Struct("f").pack  # half prints as float, as in TF
        return lambda v: _format_float(v, 6, 9, pack)  # FLT_DIG, FLT_DIG + 3
    if kind == "b":
        return lambda v: "1" if v else "0"
    if kind in "OSU":
        if quote_strings:
            return lambda v: '"%s"' % _c_escape(v)
        return _c_escape
    if kind == "c":  # TF prints '?'; Python's form says more
        return lambda v: repr(complex(v))
    return lambda v: str(int(v))


def summarize(value, limit=3):
    """TF1's Tensor::SummarizeValue (tf.Print and tf.Assert): the first `limit` entries in
    row-major order (all when negative), bracketed by dimension, '...' where some were left out."""
    fmt = _element_formatter(value.dtype)
    shape = tuple(value.shape)
    total = math.prod(shape)
    limit = total if limit < 0 else min(limit, total)
    flat = [fmt(v) for v in value.reshape(-1)[:limit].tolist()]
    if shape:
        out = []
        _summarize_dim(0, shape, limit, iter(flat), [0], out)
        text = "".join(out)
    else:
        text = " ".join(flat)
    return text + "..." if total > limit else text


def _summarize_dim(dim, shape, limit, flat, printed, out):
    """TF's PrintOneDim: a bracket opens only while entries remain to be printed."""
    if printed[0] >= limit:
        return
    if dim == len(shape) - 1:
        for i in range(shape[dim]):
            if printed[0] >= limit:
                if dim:
                    out.append("...")
                return
            out.append(" " + next(flat) if i else next(flat))
            printed[0] += 1
        return
    for _ in range(shape[dim]):
        opened = printed[0] < limit
        if opened:
            out.append("[")
        _summarize_dim(dim + 1, shape, limit, flat, printed, out)
        if opened:
            out.append("]")


def summarize_v2(value, limit=3, quote_strings=True):
    """TF2's numpy-like summary (tf.print): the first and last `limit` entries of every
    dimension (all when negative), rows on separate lines."""
    fmt = _element_formatter(value.dtype, quote_strings)
    shape = tuple(value.shape)
    flat = value.reshape(-1)
    if not shape:
        return fmt(flat.tolist()[0])
    total = math.prod(shape)
    limit = total if limit < 0 else min(limit, total)  # as TF: an empty (2, 0) prints [...]

    def text(dim, offset):
        if dim == len(shape):
            return fmt(flat[offset:offset + 1].tolist()[0])
        n, step = shape[dim], math.prod(shape[dim + 1:])
        sep = " " if dim == len(shape) - 1 else "\n" * (len(shape) - dim - 1) + " " * (dim + 1)
        out = sep.join(text(dim + 1, offset + step * i) for i in range(min(limit, n)))
        if n > 2 * limit:
            out += sep + "..."  # TF's PrintOneDimV2 spaces it even with nothing before
        for i in range(max(limit, n - limit), n):
            out += sep + text(dim + 1, offset + step * i)
        return "[%s]" % out
    return text(0, 0)


# -- tf.Print ------------------------------------------------------------------------------------

@register
class PrintOp(OpDef):
    """Returns input 0 unchanged; prints `message` and the other inputs when it runs."""
    tf_signature = TFSignature(type_attrs=(("T", 0), ("U", slice(1, None))))

    type_name = "Print"
    message: str = ""
    first_n: int = -1
    summarize: int = 3
    stateful = True
    fresh_output = False

    def infer(self, x, *data):
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x, *data):
        builtins.print(self.message + "".join("[%s]" % summarize(d, self.summarize) for d in data))
        return x

    def bind(self, ctx, op):
        run = functools.partial(self.compute, ctx.xp_for(op))
        if self.first_n < 0:
            return run
        calls = ctx.op_state.setdefault(op, [0])  # per session, whatever the fetches (as TF)

        def print_first_n(x, *data):
            if calls[0] >= self.first_n:
                return x
            calls[0] += 1
            return run(x, *data)
        return print_first_n

    def grad(self, op, dy):
        return [dy] + [None] * (len(op.inputs) - 1)


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):
    """tf.Print: returns `input_`, printing `message` and the values of `data` each time it runs.

    Each tensor of `data` prints as `[v0 v1 v2...]`: its first `summarize` entries (default 3,
    all when negative); only the first `first_n` runs print when given. The gradient flows to
    `input_` only.

    TF1 writes to the C++ standard error, which Jupyter does not show; minitf prints with
    Python's `print` to `sys.stdout`, so the text appears in notebooks."""
    x = convert_to_tensor(input_)
    data = [convert_to_tensor(d) for d in data]
    opdef = PrintOp(message or "", -1 if first_n is None else int(first_n),
                    3 if summarize is None else int(summarize))
    return opdef(x, *data, name=name or "Print", device=HOST_DEVICE)


# -- tf.print --------------------------------------------------------------------------------------

@register
class PrintV2(OpDef):
    """tf.print's op: writes `template[0] input0 template[1] input1 ... end` to the stream.
    (TF formats in a separate StringFormat op and prints a string; minitf does both here.)"""
    tf_signature = TFSignature(type_attrs=())

    template: tuple = ("",)
    summarize: int = 3
    output_stream: object = "stderr"
    end: str = "\n"
    quote_strings: bool = True
    stateful = True
    differentiable = False

    def infer(self, *inputs):
        if len(self.template) != len(inputs) + 1:
            raise ValueError("The template has %d places for %d inputs"
                             % (len(self.template) - 1, len(inputs)))
        return []

    def compute(self, xp, *inputs):
        parts = [self.template[0]]
        for value, text in zip(inputs, self.template[1:]):
            parts += [summarize_v2(value, self.summarize, self.quote_strings), text]
        _write(self.output_stream, "".join(parts) + self.end)


def _write(stream, text):
    if stream in ("stdout", "stderr"):
        stream = getattr(sys, stream)  # looked up now: notebooks and tests replace sys.stdout
    elif isinstance(stream, str):
        if not stream.startswith("file://"):  # TF's "log(info)" streams, from an imported graph
            raise ValueError("Unsupported output stream %r: minitf prints to stdout, stderr or "
                             "a 'file://' path" % stream)
        with open(stream[len("file://"):], "a") as f:
            f.write(text)
        return
    elif not hasattr(stream, "write"):
        stream(text.rstrip("\n"))  # a logging function, e.g. logging.info
        return
    stream.write(text)
    stream.flush()


class _Slot:
    """Stands for a tensor inside a printed structure (its repr is the slot marker)."""

    def __init__(self, index):
        self.index = index

    def __repr__(self):
        return "\0%d\0" % self.index


def print(*inputs, **kwargs):  # noqa: A001 - TF's public name
    """tf.print: an op that prints its inputs (tensors, Python values, structures) when it runs.

    tf.print(*inputs, output_stream=sys.stderr, summarize=3, sep=' ', end=os.linesep,
    name=None); fetch the op or put it in `tf.control_dependencies`.

    Tensors print in TF2's numpy-like form. `output_stream` is sys.stdout, sys.stderr, a
    'file://path' string, an object with `write`, or a logging function."""
    output_stream = kwargs.pop("output_stream", sys.stderr)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", os.linesep)
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError("Unrecognized keyword arguments for tf.print: %s" % sorted(kwargs))
    if output_stream is sys.stdout or output_stream is sys.stderr:
        output_stream = "stdout" if output_stream is sys.stdout else "stderr"
    elif isinstance(output_stream, str) and output_stream not in ("stdout", "stderr") \
            and not output_stream.startswith("file://"):
        raise ValueError("Unsupported output stream %r: use sys.stdout, sys.stderr, a "
                         "'file://' path, a file-like object or a logging function" % output_stream)
    tensors = []

    def slot(x):
        if is_tensor_like(x):
            tensors.append(convert_to_tensor(x))
            return _Slot(len(tensors) - 1)
        if isinstance(x, (list, tuple)):
            values = [slot(v) for v in x]
            return type(x)(*values) if hasattr(x, "_fields") else type(x)(values)
        if isinstance(x, dict):
            return {k: slot(v) for k, v in x.items()}
        return x

    texts = [x if isinstance(x, str) else pprint.pformat(slot(x)) for x in inputs]
    pieces = re.split("\0(\\d+)\0", sep.join(texts))
    order = [tensors[int(i)] for i in pieces[1::2]]
    quote = not (len(inputs) == 1 and len(order) == 1 and order[0].dtype is dtypes.string
                 and order[0].shape.ndims == 0)  # a lone string tensor prints as is (as TF)
    opdef = PrintV2(tuple(pieces[0::2]), int(summarize), output_stream, end, quote)
    return opdef(*order, name=name or "PrintV2", device=HOST_DEVICE)


# -- tf.Assert -----------------------------------------------------------------------------------

@register
class AssertOp(OpDef):
    """Fails the run with InvalidArgumentError listing `data` when `condition` is false."""
    tf_signature = TFSignature(type_attrs=(("T", slice(1, None)),))

    type_name = "Assert"
    summarize: int = 3
    stateful = True
    differentiable = False

    def infer(self, condition, *data):
        if condition.dtype is not dtypes.bool:
            raise TypeError("Input 'condition' of 'Assert' Op has type %s that does not match "
                            "expected type of bool." % condition.dtype.name)
        n = condition.shape.num_elements()
        if (condition.shape.ndims or 0) > 1 or n not in (None, 1):
            raise ValueError("The condition of an Assert must be a scalar, got shape %s"
                             % format_dims(condition.shape.as_tuple()))
        return []

    def compute(self, xp, condition, *data):
        if condition.size != 1 or condition.ndim > 1:
            raise ValueError("In[0] should be a scalar: %s" % format_dims(condition.shape))
        if not condition.reshape(-1).tolist()[0]:
            raise ValueError("assertion failed: " + " ".join(
                "[%s]" % summarize(d, self.summarize) for d in data))


def Assert(condition, data, summarize=None, name=None):
    """tf.Assert: an op that raises InvalidArgumentError listing `data` when `condition` is false.

    The message is "assertion failed: [d0] [d1]...", with the first `summarize` entries (default
    3) of each tensor. Run the op, or make other ops depend on it with tf.control_dependencies."""
    with name_scope(name, "Assert", [condition] + list(data)):
        condition = convert_to_tensor(condition, name="Condition")
        data = [convert_to_tensor(d) for d in data]
        return AssertOp(3 if summarize is None else int(summarize))(
            condition, *data, name="Assert", device=HOST_DEVICE)


# -- tf.check_numerics ---------------------------------------------------------------------------

@register
class CheckNumerics(OpDef):
    """Returns its input, failing the run when it holds a NaN or an infinity."""

    message: str = ""
    stateful = True  # as TF: a check that ran once must run every time, never folded away
    fresh_output = False

    def infer(self, x):
        if x.dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
            raise dtype_error("tensor", x.dtype, (dtypes.float16, dtypes.float32, dtypes.float64))
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x):
        if not xp.isfinite(x).all():
            nan, inf = bool(xp.isnan(x).any()), bool(xp.isinf(x).any())
            found = "Inf and NaN" if nan and inf else "NaN" if nan else "Inf"
            raise ValueError("%s : Tensor had %s values" % (self.message, found))
        return x

    def grad(self, op, dy):
        return [check_numerics(dy, "Not a number (NaN) or infinity (Inf) values detected in "
                                   "gradient. %s" % self.message)]


def check_numerics(tensor, message, name=None):
    """tf.check_numerics: returns `tensor`, raising InvalidArgumentError if it holds NaN or Inf.

    The message is "<message> : Tensor had NaN values" (or Inf, or Inf and NaN). Its gradient
    checks the incoming gradient the same way."""
    x = convert_to_tensor(tensor)
    return CheckNumerics(str(message))(x, name=name or "CheckNumerics")


def verify_tensor_all_finite(t, msg, name=None):
    """tf.verify_tensor_all_finite / tf.debugging.assert_all_finite: `t`, after a CheckNumerics
    of it with message `msg` (InvalidArgumentError "<msg> : Tensor had NaN values" at run
    time)."""
    with name_scope(name, "VerifyFinite", [t]):
        t = convert_to_tensor(t, name="t")
        with control_dependencies([check_numerics(t, message=msg)]):
            return array_ops.identity(t, name="control_dependency")


_CHECKED_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


def add_check_numerics_ops():
    """tf.add_check_numerics_ops: one op running a CheckNumerics on every float16/32/64 output
    of every op in the default graph so far, each named "<op name>:<output index>" in its
    message, chained so the first bad value in graph order is the one reported."""
    checks = []
    for op in get_default_graph().get_operations():
        for output in op.outputs:
            if output.dtype.base_dtype in _CHECKED_DTYPES:
                with control_dependencies(checks):
                    checks = [check_numerics(output, "%s:%d" % (op.name, output.value_index))]
    return group(*checks)


def is_numeric_tensor(tensor):
    """tf.is_numeric_tensor: whether `tensor` is a Tensor of a number type (not bool, string,
    resource)."""
    if not isinstance(tensor, Tensor):
        return False
    dtype = tensor.dtype.base_dtype
    return dtype.is_floating or dtype.is_integer or dtype.is_complex


# -- tf.assert_* -----------------------------------------------------------------------------------

def _static_failure(data):
    """TF's _assert_static: InvalidArgumentError at build time, with the known values."""
    lines = []
    for d in data:
        if isinstance(d, Tensor):
            value = constant_value(d)
            d = d if value is None else value
        lines.append(str(d))
    raise errors.InvalidArgumentError(None, None, "\n".join(lines))


def _with_message(message, data):
    return ([message] if message else []) + data


# The comparisons behind the binary asserts: (symbol, math_ops function, numpy check).
_COMPARISONS = {"equal": ("==", "equal", operator.eq),
                "none_equal": ("!=", "not_equal", operator.ne),
                "less": ("<", "less", operator.lt),
                "less_equal": ("<=", "less_equal", operator.le),
                "greater": (">", "greater", operator.gt),
                "greater_equal": (">=", "greater_equal", operator.ge)}


def _binary_assert(kind):
    """tf.assert_<kind>(x, y, ...): checked now when both values are known at build time
    (InvalidArgumentError), and by an Assert op when run in any case (TF1's behaviour)."""
    sym, math_fn, check = _COMPARISONS[kind]

    def assert_fn(x, y, data=None, summarize=None, message=None, name=None):
        with name_scope(name, "assert_" + kind, [x, y]):
            x, y = binary_operands(x, y)
            if data is None:
                data = _with_message(message, [
                    "Condition x %s y did not hold element-wise:" % sym,
                    "x (%s) = " % x.name, x, "y (%s) = " % y.name, y])
            x_static, y_static = constant_value(x), constant_value(y)
            if x_static is not None and y_static is not None and \
                    not check(x_static, y_static).all():
                _static_failure(data)
            condition = math_ops.reduce_all(getattr(math_ops, math_fn)(x, y))
            return Assert(condition, data, summarize=summarize)
    assert_fn.__name__ = assert_fn.__qualname__ = "assert_" + kind
    assert_fn.__doc__ = (
        "tf.assert_%s: an Assert op checking x %s y element-wise.\n\n"
        "tf.assert_%s(x, y, data=None, summarize=None, message=None, name=None); when both "
        "values are known at build time a failure raises InvalidArgumentError at once."
        % (kind, sym, kind))
    return assert_fn



def assert_proper_iterable(values):
    """tf.assert_proper_iterable: TypeError unless `values` is an iterable of values (a list,
    a tuple, a generator...) rather than one value that happens to iterate (a Tensor, a numpy
    array, a string)."""
    if isinstance(values, (Tensor, SparseTensor, np.ndarray, str, bytes)) or \
            not hasattr(values, "__iter__"):
        raise TypeError('Expected argument "values" to be a "proper" iterable.  Found: %s'
                        % type(values))

assert_equal = _binary_assert("equal")
assert_none_equal = _binary_assert("none_equal")
assert_less = _binary_assert("less")
assert_less_equal = _binary_assert("less_equal")
assert_greater = _binary_assert("greater")
assert_greater_equal = _binary_assert("greater_equal")


def _sign_assert(kind, sym, zero_on_left, compare):
    """tf.assert_<kind>(x, ...): x <sym> 0 element-wise, through assert_less(_equal)."""

    def assert_fn(x, data=None, summarize=None, message=None, name=None):
        with name_scope(name, "assert_" + kind, [x]):
            x = convert_to_tensor(x, name="x")
            if data is None:
                data = _with_message(message, [
                    "Condition x %s 0 did not hold element-wise:" % sym, "x (%s) = " % x.name, x])
            zero = convert_to_tensor(0, dtype=x.dtype, name="zero")
            left, right = (zero, x) if zero_on_left else (x, zero)
            return compare(left, right, data=data, summarize=summarize)
    assert_fn.__name__ = assert_fn.__qualname__ = "assert_" + kind
    assert_fn.__doc__ = (
        "tf.assert_%s: an Assert op checking x %s 0 element-wise.\n\n"
        "tf.assert_%s(x, data=None, summarize=None, message=None, name=None); when x is known "
        "at build time a failure raises InvalidArgumentError at once." % (kind, sym, kind))
    return assert_fn


assert_positive = _sign_assert("positive", ">", True, assert_less)
assert_negative = _sign_assert("negative", "<", False, assert_less)
assert_non_negative = _sign_assert("non_negative", ">=", True, assert_less_equal)
assert_non_positive = _sign_assert("non_positive", "<=", False, assert_less_equal)


def _rank_assert(x, rank, holds, math_fn, what, data, summarize, message, name, default_name):
    """assert_rank and assert_rank_at_least: ValueError now when x's rank is known (then the
    result is a NoOp), else an Assert op on tf.rank(x)."""
    with name_scope(name, default_name, [x, rank]):
        x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        if not rank.dtype.is_integer:
            raise TypeError("The rank must be an integer tensor, got %s" % rank.dtype.name)
        rank_static = constant_value(rank)
        if rank_static is not None:
            if rank_static.ndim != 0:
                raise ValueError("Rank must be a scalar.")
            if x.shape.ndims is not None:
                if not holds(x.shape.ndims, int(rank_static)):
                    raise ValueError("%sTensor %s must have %s %d.  Received rank %d, shape %s"
                                     % (message + ".  " if message else "", x.name, what,
                                        int(rank_static), x.shape.ndims, x.shape))
                return no_op(name="static_checks_determined_all_ok")
        if data is None:
            # (TF's rank asserts print the message prefix even when it is empty: "[] [Tensor")
            data = ["%s.  " % message if message else "", "Tensor %s must have %s" % (x.name, what),
                    rank, "Received shape: ", array_ops.shape(x)]
        condition = getattr(math_ops, math_fn)(array_ops.rank(x), math_ops.cast(rank, dtypes.int32))
        return Assert(condition, data, summarize=summarize)


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """tf.assert_rank: checks that x has rank `rank` (a NoOp or ValueError when known statically).

    Otherwise the check is an Assert op on tf.rank(x)."""
    return _rank_assert(x, rank, lambda a, b: a == b, "equal", "rank", data, summarize, message,
                        name, "assert_rank")


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    """tf.assert_rank_at_least: checks that x has rank `rank` or more, as assert_rank does."""
    return _rank_assert(x, rank, lambda a, b: a >= b, "greater_equal", "rank at least", data,
                        summarize, message, name, "assert_rank_at_least")


def assert_type(tensor, tf_type, message=None, name=None):
    """tf.assert_type: a NoOp when `tensor` has dtype `tf_type`, else TypeError at once."""
    with name_scope(name, "assert_type", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        tf_type = dtypes.as_dtype(tf_type)
        if tensor.dtype is not tf_type:
            raise TypeError("%s%s must be of type %r; got %r"
                            % (message + "  " if message else "", tensor.name, tf_type,
                               tensor.dtype))
        return no_op(name="statically_determined_correct_type")


def assert_integer(x, message=None, name=None):
    """tf.assert_integer: a NoOp when `x` has an integer dtype, else TypeError at once."""
    with name_scope(name, "assert_integer", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_integer:
            raise TypeError('%sExpected "x" to be integer type.  Found: %s of dtype %r'
                            % (message + "  " if message else "", x.name, x.dtype))
        return no_op(name="statically_determined_was_integer")


def assert_scalar(tensor, name=None, message=None):
    """tf.assert_scalar: returns `tensor` when its static rank is 0, else ValueError at once."""
    with name_scope(name, "assert_scalar", [tensor]) as scope:
        tensor = convert_to_tensor(tensor, name=scope)
        if tensor.shape.ndims != 0:
            raise ValueError("%sExpected scalar shape for %s, saw shape: %s."
                             % (message or "", tensor.name, tensor.shape))
        return tensor


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None, name=None):
    """tf.assert_near: an Assert op checking |x - y| < atol + rtol * |y| element-wise.

    x is float (an integer dtype is numpy's ValueError, as in TF) and y is converted to its
    dtype; rtol and atol default to 10 * the dtype's machine epsilon. Never checked at build
    time (TF neither)."""
    with name_scope(name, "assert_near", [x, y, rtol, atol] + list(data or [])):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
        eps = np.finfo(x.dtype.as_numpy_dtype).eps  # ValueError "not inexact" for integers
        rtol = convert_to_tensor(10 * eps if rtol is None else rtol, dtype=x.dtype, name="rtol")
        atol = convert_to_tensor(10 * eps if atol is None else atol, dtype=x.dtype, name="atol")
        if data is None:
            data = [message or "",
                    "x and y not equal to tolerance rtol = %s, atol = %s" % (rtol, atol),
                    "x (%s) = " % x.name, x, "y (%s) = " % y.name, y]
        tolerance = atol + rtol * math_ops.abs(y)
        difference = math_ops.abs(x - y)
        condition = math_ops.reduce_all(math_ops.less(difference, tolerance))
        return Assert(condition, data, summarize=summarize)


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None):
    """tf.assert_rank_in: checks that x's rank is one of `ranks` (int32 scalars): a NoOp when
    x's rank and the ranks are known now (ValueError when it is not among them), else an
    Assert op on tf.rank(x)."""
    with name_scope(name, "assert_rank_in", [x] + list(ranks) + list(data or [])):
        x = convert_to_tensor(x, name="x")
        ranks = [convert_to_tensor(r, name="rank") for r in ranks]
        prefix = "%s.  " % message if message else ""
        if data is None:
            data = [prefix, "Tensor %s must have rank in" % x.name] + ranks + [
                "Received shape: ", array_ops.shape(x)]
        for r in ranks:
            assert_type(r, dtypes.int32)
        known = [constant_value(r) for r in ranks]
        if all(k is not None for k in known):
            if any(k.ndim != 0 for k in known):
                raise ValueError("Rank must be a scalar.")
            if x.shape.ndims is not None:
                if x.shape.ndims not in [int(k) for k in known]:
                    raise ValueError("%sTensor %s must have rank in %s.  Received rank %d, shape %s"
                                     % (prefix, x.name, tuple(int(k) for k in known),
                                        x.shape.ndims, x.shape))
                return no_op(name="static_checks_determined_all_ok")
        rank = array_ops.rank(x)
        condition = None
        for r in ranks:
            equal = math_ops.equal(r, rank)
            condition = equal if condition is None else math_ops.logical_or(condition, equal)
        if condition is None:
            condition = convert_to_tensor(False)
        for r, k in zip(ranks, known):
            if k is None:  # assert_rank_in(x, [n]) for assert_rank_in(x, (n,)) fails at run time
                check = assert_rank(r, 0, data=["Rank must be a scalar. Received rank: ", r])
                with control_dependencies([check]):
                    condition = array_ops.identity(condition)
        return Assert(condition, data, summarize=summarize)


def assert_same_float_dtype(tensors=None, dtype=None):
    """tf.assert_same_float_dtype: the one float dtype of `tensors` (None entries skipped) and
    `dtype`, float32 when neither says; ValueError naming the first tensor that differs, or
    when the dtype is not floating."""
    expected = dtypes.as_dtype(dtype) if dtype else None
    first = None
    for t in tensors or []:
        if t is None:
            continue
        if expected is None:
            expected, first = t.dtype.base_dtype, t
        elif t.dtype.base_dtype is not expected:
            raise ValueError("%s, type=%s, must be of the same type (%s)%s."
                             % (t.name, t.dtype.base_dtype, expected,
                                " as %s" % first.name if first is not None else ""))
    if expected is None:
        return dtypes.float32
    if not expected.is_floating:
        raise ValueError("Expected floating point type, got %s." % expected)
    return expected


def _monotonic(x, name, default_name, compare):
    """reduce_all(compare(x[1:], x[:-1])) over x flattened: True for fewer than 2 entries."""
    with name_scope(name, default_name, [x]):
        x = array_ops.reshape(convert_to_tensor(x, name="x"), [-1])
        if not (x.dtype.is_integer or x.dtype.is_floating or x.dtype.is_complex):
            raise TypeError("Expected x to be numeric, instead found: %s" % x)
        return math_ops.reduce_all(compare(x[1:], x[:-1]))


def is_non_decreasing(x, name=None):
    """tf.is_non_decreasing (also tf.math / tf.debugging): a bool scalar, whether x's entries
    in row-major order never decrease (True when it has fewer than 2)."""
    return _monotonic(x, name, "is_non_decreasing", math_ops.greater_equal)


def is_strictly_increasing(x, name=None):
    """tf.is_strictly_increasing (also tf.math / tf.debugging): whether x's entries in
    row-major order always increase (True when it has fewer than 2)."""
    return _monotonic(x, name, "is_strictly_increasing", math_ops.greater)


@register
class Timestamp(OpDef):
    """The time the op runs, in seconds since the epoch (float64)."""
    tf_signature = TFSignature(type_attrs=())
    stateful = True  # a new value each run: never folded or cached
    differentiable = False
    host_only = True

    def infer(self):
        return TensorSpec([], dtypes.float64)

    def compute(self, xp):
        import time
        return xp.float64(time.time())


def timestamp(name=None):
    """tf.timestamp: the time the op runs, seconds since the epoch (a float64 scalar)."""
    return Timestamp()(name=name or "Timestamp")
