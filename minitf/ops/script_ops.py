"""tf.py_func and tf.numpy_function: a Python function as an op of the graph. It runs on the
host with numpy arrays, each time the op runs, and has no gradient (as in TF)."""

import itertools
import traceback

from minitf import dtypes, errors
from minitf.backend import HOST_DEVICE
from minitf.framework.context import get_default_graph
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.tensor import TensorSpec
from minitf.ops.constant_op import convert_to_tensor

__all__ = ["py_func", "numpy_function"]

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
            args = [a.item() if a.dtype == object and a.ndim == 0 else a for a in args]
            try:
                result = func(*args)
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
            out = []
            for i, (value, dtype) in enumerate(zip(values, wanted)):
                if dtype is dtypes.string:
                    array = xp.empty(xp.shape(value), dtype=object)
                    array[...] = value
                    array = xp.vectorize(_as_bytes, otypes=[object])(array) if array.size \
                        else array
                else:
                    array = xp.asarray(value)
                    if array.dtype != dtype.as_numpy_dtype:
                        raise errors.InvalidArgumentError(
                            None, op, "%d-th value returned by %s is %s, but expects %s"
                            % (i, self.token, dtypes.runtime_name(dtypes.as_dtype(array.dtype)),
                               dtypes.runtime_name(dtype)))
                out.append(array)
            return out[0] if len(out) == 1 else tuple(out)
        return call


@register
class PyFuncStateless(PyFunc):
    """tf.py_func(..., stateful=False): TF may fold or merge it; minitf still runs it each time
    (the function is Python: nothing says it is pure)."""


def _missing(token):
    def missing(*args):
        raise ValueError("callback %s is not found" % token)  # TF's words
    return missing


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
    opdef = (PyFunc if stateful else PyFuncStateless)(token=token, Tout=types)
    op = graph.create_op(opdef, inputs, name=name or opdef.type_name, device=HOST_DEVICE)
    if single:
        return op.outputs[0]
    return list(op.outputs) if op.outputs else op


def numpy_function(func, inp, Tout, name=None):
    """tf.numpy_function (TF 1.14+): tf.py_func with stateful=True."""
    return py_func(func, inp, Tout, stateful=True, name=name)
