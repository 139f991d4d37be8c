"""Build-time values of small tensors (shapes, axes) for static shape inference: TF's
`constant_value` and `constant_value_as_shape`."""

from minitf.framework.folding import known_value
from minitf.framework.shapes import TensorShape


def constant_value(tensor):
    """The numpy value of `tensor` if it can be known without running the graph, else None
    (small, shape-like values only; see framework/folding.py)."""
    return known_value(tensor)


def constant_value_as_shape(tensor):
    """A TensorShape for a 1-D int tensor used as a shape, with None where entries are unknown."""
    value = constant_value(tensor)
    if value is not None:
        return TensorShape([None if d < 0 else int(d) for d in value.reshape(-1)])
    partial = tensor.op.opdef.shape_value(tensor.op)
    if partial is not None:
        return partial
    n = tensor.shape[0].value if tensor.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)
