"""tf.py_func, tf.numpy_function and tf.py_function: a Python function as an op of the graph. It
runs on the host with numpy arrays, each time the op runs. py_func has no gradient (as in TF);
py_function's gradient is TF's eager tape, which minitf does not have (see EagerPyFunc)."""

import itertools
import traceback

import numpy

from minitf import dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.framework.context import get_default_graph
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework import tensor as graph_tensor
from minitf.framework.tensor import TensorSpec
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["py_func", "numpy_function", "py_function"]

_tokens = itertools.count()

# TF's mapping of the Python exception a function raises to the error class of the run.
_ERRORS = ((ValueError, errors.InvalidArgumentError), (TypeError, errors.InvalidArgumentError),
           (StopIteration, errors.OutOfRangeError), (MemoryError, errors.ResourceExhaustedError),
           (NotImplementedError, errors.UnimplementedError))


@register
class PyFunc(OpDef):
    """Calls the Python function registered on its graph under `token` with its inputs as
    numpy arrays, and checks that the values returned have the types `Tout` names."""

    tf_signature = TFSignature(type_attrs=(("Tin", slice(0, None)),))
    token: str = ""
    Tout: tuple = ()
    stateful = True  # never folded, and run each time (the function may have side effects)
    differentiable = False

    def infer(self, *inputs):
        return [TensorSpec(None, t) for t in self.Tout]

    def bind(self, ctx, op):
        func = getattr(op.graph, "_py_funcs", {}).get(self.token)
        if func is None:  # an imported graph: the function stayed in the process that made it
            func = _missing(self.token)
        xp = ctx.xp_for(op)
        wanted = self.Tout

        def call(*args):
            try:
                result = func(*self.arguments(args))
            except errors.OpError:
                raise
            except Exception as e:
                cls = next((c for kind, c in _ERRORS if isinstance(e, kind)), errors.UnknownError)
                text = "".join(traceback.format_exception_only(type(e), e)).rstrip()
                raise cls(None, op, "%s\n%s" % (text, traceback.format_exc().rstrip())) from e
            if not wanted and result is None:
                return None
            values = list(result) if isinstance(result, (list, tuple)) else [result]
            if len(values) != len(wanted):
                raise errors.InvalidArgumentError(
                    None, op, "%s returns %d values, but expects to see %d values."
                    % (self.token, len(values), len(wanted)))
            out = [self.output(xp, op, i, value, dtype)
                   for i, (value, dtype) in enumerate(zip(values, wanted))]
            return out[0] if len(out) == 1 else tuple(out)
        return call

    def arguments(self, args):
        """The function's arguments: the inputs' arrays, a scalar string as bytes."""
        return [a.item() if a.dtype == object and a.ndim == 0 else a for a in args]

    def output(self, xp, op, i, value, dtype):
        """The i-th value the function returned as an array of `dtype`; py_func wants that
        dtype exactly (TF's check)."""
        if dtype is dtypes.string:
            return _strings(xp, value)
        array = xp.asarray(value)
        if array.dtype != dtype.as_numpy_dtype:
            raise errors.InvalidArgumentError(
                None, op, "%d-th value returned by %s is %s, but expects %s"
                % (i, self.token, dtypes.runtime_name(dtypes.as_dtype(array.dtype)),
                   dtypes.runtime_name(dtype)))
        return array


class EagerValue(numpy.ndarray):
    """What tf.py_function hands its function for each input: the input's numpy array (a view,
    not a copy) with TF's EagerTensor method `numpy()`, which gives the plain array, or for a
    scalar a numpy scalar (bytes for a string), as TF's does. Arithmetic on it gives
    EagerValues again, as arithmetic on EagerTensors gives EagerTensors."""

    def numpy(self):
        array = self.view(numpy.ndarray)
        return array[()] if array.ndim == 0 else array


@register
class EagerPyFunc(PyFunc):
    """tf.py_function's op. TF runs the function eagerly on EagerTensors; minitf has no eager
    mode and hands it EagerValues (numpy arrays with `numpy()`). The values returned are
    converted to `Tout` as TF converts them: numpy arrays and Python numbers are cast (but a
    Python float never becomes an integer, even 2.0), an input handed back must have its dtype."""

    differentiable = True  # (its gradient is TF's tape: `grad` says so)

    def arguments(self, args):
        return [a.view(EagerValue) for a in args]

    def output(self, xp, op, i, value, dtype):
        if isinstance(value, graph_tensor.Tensor):
            raise errors.InvalidArgumentError(
                None, op, "%d-th value returned by %s is the graph tensor %s: minitf runs "
                "tf.py_function's function on numpy values (it has no eager mode), so minitf "
                "ops called inside it build graph ops instead of computing; compute with numpy "
                "(each argument is a numpy array, `.numpy()` works)" % (i, self.token, value.name))
        if value is None:
            raise errors.InvalidArgumentError(
                None, op, "%d-th value returned by %s is None, but expects %s"
                % (i, self.token, dtypes.runtime_name(dtype)))
        if dtype is dtypes.string:
            return _strings(xp, value)
        wanted = dtype.as_numpy_dtype
        if isinstance(value, EagerValue):
            if value.dtype != wanted:
                raise errors.InvalidArgumentError(
                    None, op, "ValueError: Tensor conversion requested dtype %s for Tensor with "
                    "dtype %s" % (dtype.name, dtypes.as_dtype(value.dtype).name))
            return value.view(xp.ndarray)
        if not isinstance(value, (xp.ndarray, xp.generic)):
            loose = xp.asarray(value)
            if loose.dtype.kind in "fc" and xp.dtype(wanted).kind in "iub":
                raise errors.InvalidArgumentError(
                    None, op, "TypeError: Cannot convert %r to EagerTensor of dtype %s"
                    % (value, dtype.name))
        return xp.asarray(value, dtype=wanted)

    def grad(self, op, *grads):
        raise LookupError(
            "No gradient defined for operation '%s' (op type: %s): TF differentiates "
            "tf.py_function by running it under its eager gradient tape, which minitf does not "
            "have. Register one with tf.RegisterGradient('EagerPyFunc') (or a "
            "gradient_override_map), or write the function with minitf ops" % (op.name, op.type))


@register
class PyFuncStateless(PyFunc):
    """tf.py_func(..., stateful=False): TF may fold or merge it; minitf still runs it each time
    (the function is Python: nothing says it is pure)."""


def _missing(token):
    def missing(*args):
        raise ValueError("callback %s is not found" % token)  # TF's words
    return missing


def _strings(xp, value):
    """`value` (bytes, str, or nested lists or arrays of them) as an object array of bytes."""
    array = xp.empty(xp.shape(value), dtype=object)
    array[...] = value
    return xp.vectorize(_as_bytes, otypes=[object])(array) if array.size else array


def _as_bytes(value):
    return value.encode() if isinstance(value, str) else bytes(value)


def py_func(func, inp, Tout, stateful=True, name=None):
    """tf.py_func(func, inp, Tout, stateful=True, name=None): `func` called with the values of
    `inp` (numpy arrays; a scalar string as bytes) each time the op runs; it returns a value per
    dtype of `Tout` (a list, or one dtype for one value, returned as one Tensor). The outputs
    have unknown shapes (use set_shape), the op runs on the host, and it has no gradient.

    An exception in `func` fails the run with TF's class for it (ValueError and TypeError:
    InvalidArgumentError, StopIteration: OutOfRangeError, MemoryError: ResourceExhaustedError,
    NotImplementedError: UnimplementedError, others: UnknownError) and its traceback. Like TF,
    the function lives in the Python process: a graph exported and imported elsewhere cannot
    run it."""
    return _add_op(PyFunc if stateful else PyFuncStateless, func, inp, Tout, name)


def _add_op(opdef_class, func, inp, Tout, name):
    """The op of class `opdef_class` calling `func` on `inp`: its output (one dtype), outputs
    (a list of dtypes) or the op itself (an empty list)."""
    if not callable(func):
        raise TypeError("func must be callable, got %r" % (func,))
    single = not isinstance(Tout, (list, tuple))
    types = tuple(dtypes.as_dtype(t) for t in ([Tout] if single else Tout))
    inputs = [convert_to_tensor(x) for x in (inp or [])]
    graph = get_default_graph()
    token = "pyfunc_%d" % next(_tokens)
    if not hasattr(graph, "_py_funcs"):
        graph._py_funcs = {}
    graph._py_funcs[token] = func
    opdef = opdef_class(token=token, Tout=types)
    op = graph.create_op(opdef, inputs, name=name or opdef.type_name, device=HOST_DEVICE)
    if single:
        return op.outputs[0]
    return list(op.outputs) if op.outputs else op


def numpy_function(func, inp, Tout, name=None):
    """tf.numpy_function (TF 1.14+): tf.py_func with stateful=True."""
    return py_func(func, inp, Tout, stateful=True, name=name)


def py_function(func, inp, Tout, name=None):
    """tf.py_function(func, inp, Tout, name=None): like tf.py_func, but `func` receives each
    input as an EagerValue (its numpy array, with TF's `.numpy()`), and its results are
    converted to `Tout` as TF converts them (a float64 array or a Python number is cast to a
    float32 Tout; py_func would refuse it). The op is TF's `EagerPyFunc`. TF differentiates it
    with its eager tape; minitf has none, so tf.gradients through it raises LookupError unless a
    gradient is registered for 'EagerPyFunc'."""
    return _add_op(EagerPyFunc, func, inp, Tout, name)
