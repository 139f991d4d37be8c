"""Constants and the conversion of Python / numpy values to Tensors (`tf.constant`,
`tf.convert_to_tensor`), with TF1's dtype rules: floats are float32, ints int32, no silent
float-to-int conversion."""

import dataclasses

import numpy as np

from minitf import dtypes
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.tensor import Tensor, TensorSpec

__all__ = ["constant", "convert_to_tensor"]


@register
class Const(OpDef):
    value: np.ndarray = dataclasses.field(compare=False, repr=False)
    dtype: dtypes.DType = dtypes.float32
    fresh_output = False
    differentiable = False

    def infer(self):
        return TensorSpec(self.value.shape, self.dtype)

    def compute(self, xp):
        return xp.asarray(self.value)

    def static_value(self, op):
        return self.value


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


def _autopack(values, dtype, name):
    """TF's autopacking of a list holding Tensors: one Pack op named `name`, whose Python
    elements become constants named by their index in its scope ('packed/1')."""
    from minitf.ops.array_ops import Pack
    with name_scope(name) as scope:
        elements = []
        for i, v in enumerate(values):
            if isinstance(v, (list, tuple)) and _contains_tensor(v):
                elements.append(_autopack(v, dtype, str(i)))
            elif isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
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
        elif isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
            return convert_to_tensor(v).dtype
    return None


def _contains_tensor(values):
    for v in values:
        if isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
            return True
        if isinstance(v, (list, tuple)) and _contains_tensor(v):
            return True
    return False
