"""Build-time values of small tensors (shapes, axes) for static shape inference: TF's
`constant_value` and `constant_value_as_shape`."""

import numpy

from minitf.framework.shapes import TensorShape, num_elements

_MAX_FOLD_ELEMENTS = 1024  # only shape-like tensors are evaluated while building the graph


def constant_value(tensor):
    """The numpy value of `tensor` if it can be known without running the graph, else None.

    Ops that know their value say so (`OpDef.static_value`: Const, Shape of a known shape...);
    any other pure op whose inputs are all known and small is evaluated with numpy."""
    op = tensor.op
    value = op.opdef.static_value(op)
    if value is None:
        # A placeholder_with_default can be fed, so its default is not its value.
        if op.opdef.stateful or not op.inputs or op.opdef.may_be_fed:
            return None
        for t in list(op.inputs) + list(op.outputs):
            n = num_elements(t.shape.as_tuple())
            if n is None or n > _MAX_FOLD_ELEMENTS:
                return None
        args = []
        for t in op.inputs:
            v = constant_value(t)
            if v is None:
                return None
            args.append(v)
        try:
            value = op.opdef.compute(numpy, *args)
        except Exception:  # a bad value: leave it to run time, which reports it properly
            return None
    if isinstance(value, tuple):
        value = value[tensor.value_index]
    return numpy.asarray(value)


def constant_value_as_shape(tensor):
    """A TensorShape for a 1-D int tensor used as a shape, with None where entries are unknown."""
    value = constant_value(tensor)
    if value is not None:
        return TensorShape([None if d < 0 else int(d) for d in value.reshape(-1)])
    op = tensor.op
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "Pack":
        dims = []
        for t in op.inputs:
            v = constant_value(t)
            dims.append(None if v is None or int(v) < 0 else int(v))
        return TensorShape(dims)
    n = tensor.shape[0].value if tensor.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)
