"""String ops that TensorFlow's sharded Saver puts in every graph it saves (StringJoin builds
the shard prefix, StaticRegexFullMatch picks its suffix), registered so such graphs import
and run. Strings are object arrays of bytes on the host."""

import re

from minitf import dtypes
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import merge_dims
from minitf.framework.tensor import TensorSpec


def _as_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _check_strings(op_name, inputs):
    for i, t in enumerate(inputs):
        if t.dtype is not dtypes.string:
            raise TypeError("%s expects string inputs; input %d (%s) is %s"
                            % (op_name, i, t.name, t.dtype.name))


@register
class StringJoin(OpDef):
    """Joins the strings of its inputs element-wise with `separator` (TF's StringJoin): the
    non-scalar inputs must have one shape; scalars are used for every element."""
    tf_signature = TFSignature(type_attrs=(), n_list=0)

    separator: str = ""
    differentiable = False
    host_only = True

    def infer(self, *inputs):
        _check_strings("StringJoin", inputs)
        dims = ()  # all scalars so far
        for t in inputs:
            shape = t.shape.as_tuple()
            if shape == ():
                continue
            try:
                dims = shape if dims == () else merge_dims(dims, shape)
            except ValueError:
                raise ValueError("StringJoin: the non-scalar inputs must have one shape: %s "
                                 "has %s, an earlier input %s" % (t.name, t.shape, dims)) from None
        return TensorSpec(dims, dtypes.string)

    def compute(self, xp, *inputs):
        arrays = [xp.asarray(x, dtype=object) for x in inputs]
        shape = next((a.shape for a in arrays if a.ndim), ())
        out = xp.empty(shape, dtype=object)
        columns = [xp.broadcast_to(a, shape).reshape(-1) for a in arrays]
        separator = self.separator.encode("utf-8")
        out.reshape(-1)[:] = [separator.join(_as_bytes(v) for v in row)
                              for row in zip(*columns)] if columns else b""
        return out


@register
class StaticRegexFullMatch(OpDef):
    """Whether each string matches `pattern` as a whole (TF's StaticRegexFullMatch; Python's
    re syntax, which agrees with TF's RE2 on the patterns TF's Saver uses)."""
    tf_signature = TFSignature(type_attrs=())

    pattern: str = ""
    differentiable = False
    host_only = True

    def infer(self, input):
        _check_strings("StaticRegexFullMatch", [input])
        return TensorSpec(input.shape, dtypes.bool)

    def compute(self, xp, input):
        regex = re.compile(self.pattern.encode("utf-8"))
        flat = xp.asarray(input, dtype=object).reshape(-1)
        return xp.array([regex.fullmatch(_as_bytes(v)) is not None for v in flat],
                        dtype=bool).reshape(xp.shape(input))
