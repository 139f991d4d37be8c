"""Control ops: NoOp, tf.group, tf.no_op and tf.tuple (ordering through control dependencies)."""

import builtins

from minitf.framework.graph import control_dependencies, get_default_graph, name_scope
from minitf.framework.operation import Operation
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.ops.array_ops import identity

__all__ = ["group", "no_op", "tuple"]


@register
class NoOp(OpDef):
    tf_signature = TFSignature(type_attrs=())
    differentiable = False

    def infer(self):
        return []

    def compute(self, xp):
        return ()


def no_op(name=None):
    """tf.no_op: an op that does nothing (useful as a target for control dependencies)."""
    return get_default_graph().create_op(NoOp(), [], name=name or "NoOp")


def _as_op(x):
    if hasattr(x, "_as_graph_element") and not isinstance(x, Operation):
        x = x._as_graph_element()
    return x if isinstance(x, Operation) else x.op


def group(*inputs, **kwargs):
    """tf.group: one op that runs after all of `inputs` (ops or tensors)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError("Unknown keyword arguments: %s" % ", ".join(kwargs))
    ops = []
    for x in inputs:
        for item in (x if isinstance(x, (list, builtins.tuple)) else [x]):
            if item is not None:
                ops.append(_as_op(item))
    with name_scope(name, "group_deps", ops) as scope:
        with control_dependencies(ops):
            return no_op(name=scope)


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF's public name
    """tf.tuple: the same tensors, each available only after all of them are computed."""
    with name_scope(name, "tuple", tensors):
        gate = group(*[t for t in tensors if t is not None], *(control_inputs or []))
        with control_dependencies([gate]):
            return [None if t is None else identity(t) for t in tensors]
