"""Operation: a node of the graph (its OpDef, input tensors, outputs, control inputs, device, and
the line of user code that created it)."""

import os
import sys

from minitf.framework.context import default_session_for
from minitf.framework.tensor import Tensor

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_call_site():
    """(filename, lineno) of the innermost stack frame outside minitf: where the user built the op."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_PACKAGE_DIR) and "importlib" not in filename:
            return filename, frame.f_lineno
        frame = frame.f_back
    return "<unknown>", 0


def data_inputs(op):
    """The inputs whose values `op`'s kernel receives: variable references (the OpDef's
    `ref_inputs`) are excluded, since the op finds the variable itself."""
    refs = op.opdef.ref_inputs
    if not refs:
        return op.inputs
    return tuple(t for i, t in enumerate(op.inputs) if i not in refs)


class Operation:
    """A graph node. `type` is TF's op type name (`MatMul`); attributes live on `opdef`."""

    __slots__ = ("graph", "name", "opdef", "inputs", "outputs", "control_inputs", "device",
                 "created_at", "index", "_gradient_op_type", "__weakref__")

    def __init__(self, graph, name, opdef, inputs, specs, control_inputs, device, index):
        self.graph = graph
        self.name = name
        self.opdef = opdef
        self.inputs = tuple(inputs)
        self.outputs = [Tensor(self, i, spec) for i, spec in enumerate(specs)]
        self.control_inputs = list(control_inputs)
        self.device = device
        self.created_at = user_call_site()
        self.index = index  # its position in the graph's creation order (a topological order)
        # The name tf.gradients looks its gradient function up by instead of its type (set by
        # Graph.gradient_override_map; TF's `_gradient_op_type` attr), or None.
        self._gradient_op_type = None

    @property
    def type(self):
        return self.opdef.type_name

    @property
    def stateful(self):
        return self.opdef.stateful

    def values(self):
        return tuple(self.outputs)

    def get_attr(self, name):
        """An attribute of the op, as TF's Operation.get_attr: a field of its OpDef, or an attr
        of the NodeDef TF's GraphDef has for it (`T`, `N`, `keep_dims`...)."""
        if name == "_gradient_op_type" and self._gradient_op_type is not None:
            return self._gradient_op_type.encode()  # a string attr: bytes, as TF's
        try:
            return getattr(self.opdef, name)
        except AttributeError:
            pass
        if not name.startswith("_") and not hasattr(self.opdef, "tf_form"):
            from minitf.framework.graph_def import tf_attrs  # (it imports this module)
            attrs = tf_attrs(self)
            if name in attrs:
                return attrs[name]
        raise ValueError("Operation '%s' (type %s) has no attr named '%s'."
                         % (self.name, self.type, name))

    def where(self):
        """'file:line' of the user code that created this op, for error messages."""
        return "%s:%d" % self.created_at

    def run(self, feed_dict=None, session=None):
        """Runs this op in `session` (the default session when None)."""
        default_session_for(self.graph, session, "run").run(self, feed_dict)

    def _repr_html_(self):
        """Jupyter draws it: name scopes as boxes, op types and shapes (minitf.visualize)."""
        from minitf.framework.drawing import repr_html
        return repr_html(self)

    def __repr__(self):
        return "<tf.Operation '%s' type=%s>" % (self.name, self.type)

    def __str__(self):
        lines = ['name: "%s"' % self.name, 'op: "%s"' % self.type]
        lines += ['input: "%s"' % (t.name[:-2] if t.value_index == 0 else t.name) for t in self.inputs]
        lines += ['input: "^%s"' % c.name for c in self.control_inputs]
        if self.device:
            lines.append('device: "%s"' % self.device)
        return "\n".join(lines) + "\n"
