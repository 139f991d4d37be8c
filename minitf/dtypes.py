"""DType objects (`tf.float32`, `tf.int64`, ...) and `as_dtype`, which accepts names, numpy types and DTypes."""

import builtins

import numpy as np


class DType:
    """A tensor element type. Compare with `==`; `as_numpy_dtype` gives the numpy scalar type."""

    __slots__ = ("name", "_np", "as_datatype_enum")

    def __init__(self, name, np_type, enum):
        self.name = name
        self._np = np_type
        self.as_datatype_enum = enum

    @property
    def as_numpy_dtype(self):
        return self._np

    @property
    def base_dtype(self):
        return self

    @property
    def real_dtype(self):
        return {complex64: float32, complex128: float64}.get(self, self)

    @property
    def is_floating(self):
        return self in _FLOATING

    @property
    def is_integer(self):
        return self in _INTEGER

    @property
    def is_unsigned(self):
        return self in (uint8, uint16, uint32, uint64)

    @property
    def is_complex(self):
        return self in (complex64, complex128)

    @property
    def is_bool(self):
        return self is bool

    @property
    def is_numpy_compatible(self):
        return True

    @property
    def size(self):
        return np.dtype(self._np).itemsize

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    def is_compatible_with(self, other):
        return self is as_dtype(other)

    def __eq__(self, other):
        """As in TF, a DType equals whatever names it: `tf.float32 == 'float32' == np.float32`."""
        if isinstance(other, DType) or other is None:
            return self is other
        try:
            return self is as_dtype(other)
        except (TypeError, ValueError):
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return self.as_datatype_enum

    def __repr__(self):
        return "tf." + self.name

    def __str__(self):
        return "<dtype: %r>" % self.name

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = half = DType("float16", np.float16, 19)
float32 = DType("float32", np.float32, 1)
float64 = double = DType("float64", np.float64, 2)
int8 = DType("int8", np.int8, 6)
int16 = DType("int16", np.int16, 5)
int32 = DType("int32", np.int32, 3)
int64 = DType("int64", np.int64, 9)
uint8 = DType("uint8", np.uint8, 4)
uint16 = DType("uint16", np.uint16, 17)
uint32 = DType("uint32", np.uint32, 22)
uint64 = DType("uint64", np.uint64, 23)
bool = DType("bool", np.bool_, 10)  # noqa: A001 - TF's public name
complex64 = DType("complex64", np.complex64, 8)
complex128 = DType("complex128", np.complex128, 18)
string = DType("string", np.object_, 7)
resource = DType("resource", np.object_, 20)  # a handle to a queue, iterator or reader
variant = DType("variant", np.object_, 21)  # a TensorArray's flow (a TensorArrayValue)

_FLOATING = (float16, float32, float64)
_INTEGER = (int8, int16, int32, int64, uint8, uint16, uint32, uint64)
_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
        bool, complex64, complex128, string, resource, variant)

_C_NAMES = {"half": float16, "float": float32, "double": float64}
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update(_C_NAMES)
_BY_ENUM = {d.as_datatype_enum: d for d in _ALL}
_BY_NP = {np.dtype(d._np): d for d in _ALL if d not in (string, resource, variant)}
_BY_NP[np.dtype(object)] = string
_BY_PY = {float: float32, int: int32, builtins.bool: bool, str: string, bytes: string}


def runtime_name(dtype):
    """The name TF's C++ runtime prints in its messages (DataTypeString): 'float', 'double' and
    'half' where Python says float32, float64 and float16."""
    return next((c for c, d in _C_NAMES.items() if d is dtype), dtype.name)


def as_dtype(type_value):
    """Converts a DType, a name ('float32', 'float'), a numpy dtype/type, a Python type or a
    DataType enum number into a DType; raises TypeError for anything else."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        try:
            return _BY_NAME[type_value]
        except KeyError:
            pass
    elif isinstance(type_value, int) and not isinstance(type_value, builtins.bool):
        try:
            return _BY_ENUM[type_value]
        except KeyError:
            pass
    elif type_value in _BY_PY:
        return _BY_PY[type_value]
    else:
        try:
            npd = np.dtype(type_value)
        except TypeError:
            npd = None
        if npd is not None:
            if npd.kind in "SU":
                return string
            if npd in _BY_NP:
                return _BY_NP[npd]
    raise TypeError("Cannot convert value %r to a TensorFlow DType." % (type_value,))


def result_type_of(value):
    """The DType TF1 infers for a Python or numpy value: Python floats are float32, Python ints
    int32 (int64 when they do not fit), numpy arrays keep their dtype."""
    arr = value if isinstance(value, (np.ndarray, np.generic)) else np.asarray(value)
    if arr.dtype.kind == "O" and not all(isinstance(e, (str, bytes)) for e in arr.flat):
        # an object array is a string tensor only when it holds strings (TF's message)
        raise TypeError("Failed to convert elements of %r to Tensor. Consider casting elements "
                        "to a supported type." % (value,))
    if isinstance(value, (np.ndarray, np.generic)):
        return as_dtype(value.dtype)
    if arr.dtype.kind == "f":
        return float32
    if arr.dtype.kind in "iu":
        if arr.size and (arr.max() > np.iinfo(np.int32).max or arr.min() < np.iinfo(np.int32).min):
            return int64
        return int32
    if arr.dtype.kind == "c":
        return complex128 if isinstance(value, np.ndarray) else complex64
    return as_dtype(arr.dtype)

