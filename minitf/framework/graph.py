"""Graph: operations in creation order, TF1's unique naming and name scopes, collections, control
dependencies and devices, and an index of each tensor's consumers. (The default-graph and
default-session stacks are in context.py.)"""

import contextlib
import re
import threading

from minitf.framework import context
from minitf.framework.context import get_default_graph, get_default_session, reset_default_graph  # noqa: F401,E501
from minitf.framework.operation import Operation
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import Tensor, TensorSpec


class GraphKeys:
    """Standard collection names, as in TF1."""

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"
    VARIABLES = GLOBAL_VARIABLES


_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")  # TF's rules
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")  # inside a scope, '_x' is fine


class _BuildContexts(threading.local):
    def __init__(self):
        self.name_stack = ""
        self.control_stack = []
        self.device_stack = []
        self.gradient_override = {}  # op type -> the gradient name its new ops are given


class Graph:
    """A TF1 graph. Ops are appended in creation order, which is also a topological order."""

    def __init__(self):
        self._ops = []
        self._by_name = {}
        self._consumers = {}  # Tensor -> the ops reading it, in creation order
        self._names_in_use = {}
        self._collections = {}
        self._finalized = False
        # The name scope, control dependencies and device being built under belong to the
        # thread that opened them, as in TF1: another thread adding ops does not inherit them.
        self._contexts = _BuildContexts()
        self._lock = threading.RLock()
        self.seed = None

    # -- ops -----------------------------------------------------------------------------------
    def create_op(self, opdef, inputs, name=None, control_inputs=(), device=None):
        """Adds an op: infers its output specs (raising at build time, naming the op and its
        input shapes) and names it uniquely. A `name` ending in '/' is used exactly."""
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        for t in inputs:
            if not isinstance(t, Tensor):
                raise TypeError("Input to op %s must be a Tensor, got %r" % (opdef.type_name, t))
            if t.op.graph is not self:
                raise ValueError("Tensor %s must be from the same graph as the op being created "
                                 "(%s); it belongs to another graph." % (t.name, opdef.type_name))
        with self._lock:
            if name and name.endswith("/"):
                op_name = name[:-1]
                if op_name in self._by_name:
                    op_name = self.unique_name(op_name)
                else:
                    self._names_in_use.setdefault(op_name.lower(), 1)
            else:
                op_name = self.unique_name(name or opdef.type_name)
            if not _VALID_OP_NAME.match(op_name):
                raise ValueError("'%s' is not a valid node name: names are made of letters, "
                                 "digits and the characters _ . - / > and do not start with "
                                 "_ - / or >." % op_name)
            try:
                specs = opdef.infer(*inputs)
            except (ValueError, TypeError) as e:
                shapes = ", ".join(format_dims(t.shape.as_tuple()) for t in inputs)
                raise type(e)("%s for '%s' (op: '%s') with input shapes: %s."
                              % (str(e).rstrip("."), op_name, opdef.type_name, shapes)) from None
            if isinstance(specs, TensorSpec):
                specs = [specs]
            controls = []
            for frame in self._contexts.control_stack:
                for c in frame:
                    if c not in controls:
                        controls.append(c)
            controls += [c for c in control_inputs if c not in controls]
            input_ops = {t.op for t in inputs}
            controls = [c for c in controls if c not in input_ops]
            if device is None:
                device = self._contexts.device_stack[-1] if self._contexts.device_stack else ""
            op = Operation(self, op_name, opdef, inputs, specs, controls, device or "", len(self._ops))
            if self._contexts.gradient_override:
                op._gradient_op_type = self._contexts.gradient_override.get(opdef.type_name)
            self._ops.append(op)
            self._by_name[op_name] = op
            for t in op.inputs:
                readers = self._consumers.setdefault(t, [])
                if not readers or readers[-1] is not op:  # x * x reads x once
                    readers.append(op)
        return op

    def consumers_of(self, tensor):
        """The ops of this graph that take `tensor` as an input, in creation order."""
        return list(self._consumers.get(tensor, ()))

    def get_operations(self):
        return list(self._ops)

    @property
    def version(self):
        return len(self._ops)

    def as_graph_def(self, from_version=None, add_shapes=False):
        """This graph as a GraphDef protocol buffer (TF's wire format; see framework/graph_def.py)."""
        from minitf.framework.graph_def import graph_to_graph_def
        return graph_to_graph_def(self, add_shapes=add_shapes, from_version=from_version)

    def get_operation_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError("Operation names are strings (or similar), not %s." % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=False, allow_operation=True)

    def get_tensor_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError("Tensor names are strings (or similar), not %s." % type(name).__name__)
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """The Tensor or Operation `obj` names or is (TF1's rules and error classes)."""
        if type(obj) is Tensor and allow_tensor and obj.graph is self:
            return obj  # (the common case first: a feed_dict key, run once per key per run)
        if hasattr(obj, "_as_graph_element") and not isinstance(obj, (Tensor, Operation)):
            obj = obj._as_graph_element()
        kinds = " or ".join(k for k, ok in (("Tensor", allow_tensor), ("Operation", allow_operation)) if ok)
        if isinstance(obj, str):
            if ":" in obj:
                if not allow_tensor:
                    raise ValueError("Name %r appears to refer to a Tensor, not a %s." % (obj, kinds))
                op_name, _, index = obj.rpartition(":")
                try:
                    index = int(index)
                except ValueError:
                    raise ValueError("The name %r looks a like a Tensor name, but is not a valid "
                                     "one. Tensor names must be of the form "
                                     "\"<op_name>:<output_index>\"." % obj) from None
                op = self._by_name.get(op_name)
                if op is None:
                    raise KeyError("The name %r refers to a Tensor which does not exist. The "
                                   "operation, %r, does not exist in the graph." % (obj, op_name))
                if index >= len(op.outputs):
                    raise KeyError("The name %r refers to a Tensor which does not exist. The "
                                   "operation, %r, exists but only has %d outputs."
                                   % (obj, op_name, len(op.outputs)))
                return op.outputs[index]
            if not allow_operation:
                what = "refers to an Operation" if obj in self._by_name else \
                    "looks like an (invalid) Operation name"
                raise ValueError("The name %r %s, not a Tensor. Tensor names must be of the "
                                 "form \"<op_name>:<output_index>\"." % (obj, what))
            op = self._by_name.get(obj)
            if op is None:
                raise KeyError("The name %r refers to an Operation not in the graph." % obj)
            return op
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError("Tensor %s is not an element of this graph." % obj.name)
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError("Operation %s is not an element of this graph." % obj.name)
            return obj
        raise TypeError("Can not convert a %s into a %s." % (type(obj).__name__, kinds))

    # -- naming --------------------------------------------------------------------------------
    def unique_name(self, name, mark_as_used=True):
        """`name` under the current name scope, with `_1`, `_2`... appended when taken (TF1's
        rule, case-insensitive)."""
        if self._contexts.name_stack:
            name = self._contexts.name_stack + "/" + name
        key = name.lower()
        i = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = i + 1
        if i > 0:
            base = key
            while key in self._names_in_use:
                key = "%s_%d" % (base, i)
                i += 1
            if mark_as_used:
                self._names_in_use[key] = 1
            name = "%s_%d" % (name, i - 1)
        return name

    def get_name_scope(self):
        return self._contexts.name_stack

    @contextlib.contextmanager
    def name_scope(self, name):
        """Enters a name scope: `name` is made unique ('scope_1'); '' or None resets to the top;
        a name ending in '/' re-enters that exact scope."""
        old = self._contexts.name_stack
        if name and not (_VALID_SCOPE_NAME if old else _VALID_OP_NAME).match(name):
            raise ValueError("'%s' is not a valid %sscope name: names are made of letters, "
                             "digits and the characters _ . - / >%s." % (
                                 name, "" if old else "root ",
                                 "" if old else ", and do not start with _ - / or >"))
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            new = self.unique_name(name)
        self._contexts.name_stack = new
        try:
            yield new + "/" if new else ""
        finally:
            self._contexts.name_stack = old

    # -- collections ---------------------------------------------------------------------------
    def add_to_collection(self, name, value):
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_collection(self, name, scope=None):
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [item for item in items
                if getattr(item, "name", None) is not None and pattern.match(item.name)]

    def get_all_collection_keys(self):
        return [k for k in self._collections if isinstance(k, str)]

    def clear_collection(self, name):
        self._collections.pop(name, None)

    # -- control dependencies and devices ------------------------------------------------------
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops created inside run only after `control_inputs` ran; None clears outer ones."""
        if control_inputs is None:
            saved, self._contexts.control_stack = self._contexts.control_stack, []
            try:
                yield
            finally:
                self._contexts.control_stack = saved
            return
        ops = []
        for c in control_inputs:
            if hasattr(c, "_as_graph_element") and not isinstance(c, (Tensor, Operation)):
                c = c._as_graph_element()
            if isinstance(c, Tensor):
                c = c.op
            if not isinstance(c, Operation):
                raise TypeError("Control input must be an Operation, a Tensor or a Variable: %r" % (c,))
            if c.graph is not self:
                raise ValueError("Control input %s is from another graph." % c.name)
            ops.append(c)
        self._contexts.control_stack.append(ops)
        try:
            yield
        finally:
            self._contexts.control_stack.pop()

    @contextlib.contextmanager
    def device(self, device_name):
        """Records `device_name` on ops created inside (TF1 device placement, soft). As in TF1,
        '' keeps the enclosing device and None clears it."""
        if callable(device_name):
            raise TypeError("minitf's tf.device takes a device string; device functions are "
                            "not supported.")
        device = canonical_device(device_name)
        if device_name is not None and not device and self._contexts.device_stack:
            device = self._contexts.device_stack[-1]
        self._contexts.device_stack.append(device)
        try:
            yield
        finally:
            self._contexts.device_stack.pop()

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """Ops of the types in `op_type_map` created inside get their gradient from the function
        registered (tf.RegisterGradient) under the mapped name instead of their own: TF1's
        `{"Relu": "GuidedRelu"}`. Inner maps add to the outer ones."""
        if not isinstance(op_type_map, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in op_type_map.items()):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        saved = self._contexts.gradient_override
        self._contexts.gradient_override = {**saved, **op_type_map}
        try:
            yield
        finally:
            self._contexts.gradient_override = saved

    @contextlib.contextmanager
    def colocate_with(self, op, ignore_existing=False):
        yield

    @contextlib.contextmanager
    def _undo_on_error(self):
        """Everything added to the graph inside is removed again if the block raises (imports
        are all or nothing, as in TF). Other threads cannot add ops meanwhile."""
        with self._lock:
            n_ops = len(self._ops)
            names = dict(self._names_in_use)
            collections = {key: list(items) for key, items in self._collections.items()}
            try:
                yield
            except BaseException:
                for op in reversed(self._ops[n_ops:]):
                    self._by_name.pop(op.name, None)
                    for t in op.inputs:
                        readers = self._consumers.get(t)
                        if readers and readers[-1] is op:
                            readers.pop()
                del self._ops[n_ops:]
                self._names_in_use = names
                for key in list(self._collections):  # in place: users may hold the lists
                    if key in collections:
                        self._collections[key][:] = collections[key]
                    else:
                        del self._collections[key]
                raise

    # -- lifecycle -----------------------------------------------------------------------------
    def finalize(self):
        self._finalized = True

    def _unsafe_unfinalize(self):
        """Makes a finalized graph editable again: a MonitoredSession does this when it
        closes, if the graph was not finalized before it (TF's private method of that name)."""
        self._finalized = False

    @property
    def finalized(self):
        return self._finalized

    def as_default(self):
        return context.default_graph_context(self)

    def _repr_html_(self):
        """Jupyter draws it: name scopes as boxes, op types and shapes (minitf.visualize)."""
        from minitf.framework.drawing import repr_html
        return repr_html(self)

    def __repr__(self):
        return "<minitf.Graph with %d ops at 0x%x>" % (len(self._ops), id(self))


def canonical_device(name):
    """TF1-style canonical device string: '/gpu:0' -> '/device:GPU:0'; None or '' -> ''."""
    if not name:
        return ""
    m = re.fullmatch(r"(?:/job:\w+)?(?:/replica:\d+)?(?:/task:\d+)?/?(?:device:)?(cpu|gpu)(?::(\d+))?",
                     name.strip(), re.IGNORECASE)
    if not m:
        raise ValueError("Unrecognised device specification %r (expected e.g. '/cpu:0' or "
                         "'/device:GPU:0')." % name)
    return "/device:%s:%s" % (m.group(1).upper(), m.group(2) or "0")


# -- the default graph and session stacks live in framework/context.py ------------------------------

context.install_graph_class(Graph)


# -- public TF1 functions over the default graph ---------------------------------------------------

def graph_of(values):
    """The graph ops on `values` go to: theirs, or the default graph when that is a branch or
    loop body built inside their graph (which captures them)."""
    default = get_default_graph()
    for v in values or ():
        g = v.graph if isinstance(v, (Tensor, Operation)) else getattr(v, "graph", None)
        if isinstance(g, Graph):
            inner = default
            while inner is not g and inner is not None:
                inner = getattr(inner, "outer_graph", None)
            return default if inner is g else g
    return default


@contextlib.contextmanager
def name_scope(name, default_name=None, values=None):
    """tf.name_scope(name, default_name=None, values=None): yields the scope string 'a/b/'."""
    if name is None and default_name is None and values is not None:
        raise ValueError("At least one of name (None) and default_name (None) must be provided.")
    graph = graph_of(values)
    with graph.as_default(), graph.name_scope(name if name is not None else default_name) as scope:
        yield scope


def get_collection(key, scope=None):
    """The items of the default graph's collection `key` (filtered by the `scope` regex)."""
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    """The default graph's collection list `key` itself (mutable)."""
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name, value):
    """Appends `value` to the default graph's collection `name`."""
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    """Appends `value` to each of the default graph's collections `names`."""
    get_default_graph().add_to_collections(names, value)


def control_dependencies(control_inputs):
    """Ops created inside run only after `control_inputs` (None clears outer ones)."""
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name):
    """Places the ops created inside on `device_name` ('/cpu:0', '/gpu:0'); placement is soft."""
    return get_default_graph().device(device_name)


def colocate_with(op, ignore_existing=False):
    """Accepted for TF1 compatibility; minitf places ops by `tf.device` alone."""
    return get_default_graph().colocate_with(op, ignore_existing)


def get_name_scope():
    return get_default_graph().get_name_scope()
