"""ResourceOp: the base of ops that create a session resource (a queue, an iterator, a
reader). The resource is made on first use in each session (SessionState.resource), so two
sessions never share one; the op's output is a handle to it, and the ops that use the resource
take that handle as a reference input and find the resource with `resource_of`."""

import numpy

from minitf import dtypes
from minitf.framework.func_graph import captured_origin
from minitf.framework.registry import OpDef
from minitf.framework.shapes import TensorShape
from minitf.framework.tensor import TensorSpec


class ResourceOp(OpDef):
    """Subclasses implement `create(ctx, op)`, returning the new resource object (which may
    have a `close_with_session()` method, called when the session closes)."""

    stateful = True
    differentiable = False

    def infer(self, *inputs):
        return TensorSpec(TensorShape([]), dtypes.resource)

    def create(self, ctx, op):
        raise NotImplementedError

    def bind(self, ctx, op):
        def handle(*inputs):
            return numpy.array(resource_of(ctx, op), dtype=object)
        return handle


def resource_of(ctx, handle_op):
    """The resource `handle_op` (a ResourceOp, or a branch's or loop body's capture of one)
    made in the session `ctx`, made now if new."""
    handle_op = captured_origin(handle_op)
    return ctx.resource(handle_op, lambda: handle_op.opdef.create(ctx, handle_op))
