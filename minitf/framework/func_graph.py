"""FuncGraph, the graph a branch or loop body is built in, and Function, a callable view of one.

A FuncGraph is a Graph with explicit inputs. When an op built inside it reads a tensor of an
enclosing graph, the tensor is *captured*: a placeholder stands for it inside, and the outer
tensor becomes an input of the control-flow op that calls the function. So pruning, gradients
and placement in the outer graph see ordinary op inputs and need no special cases, and only
ops created inside the function are conditional (TF1's semantics: an op created outside and
merely read inside runs whether or not the branch is taken).

A Function is (graph, args, outputs, residuals): what a control-flow kernel compiles into a
Plan (args and residuals fed, outputs fetched). Several Functions may share one graph: the
gradient of a branch is built in the branch's own graph, so it can read the branch's forward
tensors, and its Function feeds what must not be recomputed (outputs of stateful ops: a random
draw, an assignment) from the values the forward run kept (`saved`).
"""

import contextlib

from minitf.framework import graph as graph_module
from minitf.framework.graph import Graph
from minitf.framework.operation import Operation, data_inputs
from minitf.framework.registry import lookup
from minitf.framework.tensor import Tensor


class FuncGraph(Graph):
    """A graph with explicit inputs (`inputs`: placeholders) whose ops may read tensors of the
    graphs enclosing it (`captures`: outer tensor -> the placeholder standing for it)."""

    def __init__(self, name, outer_graph):
        super().__init__()
        self.name = name
        self.outer_graph = outer_graph
        self.seed = outer_graph.seed
        self.inputs = []
        self.captures = {}
        self.control_captures = []  # outer ops an op inside waits for: the caller waits instead
        # Ops inside are named under the scope the function is built in ('cond/add').
        self._contexts.name_stack = outer_graph.get_name_scope()
        if outer_graph._contexts.device_stack:
            self._contexts.device_stack.append(outer_graph._contexts.device_stack[-1])
        # Gradient overrides reach a branch's or a loop body's ops, as TF1 builds them in place.
        self._contexts.gradient_override = outer_graph._contexts.gradient_override

    def add_input(self, dtype, shape, name="arg"):
        """A new placeholder input of the function."""
        ph = Graph.create_op(self, lookup("Placeholder")(dtype, shape), [], name=name).outputs[0]
        self.inputs.append(ph)
        return ph

    def capture(self, t):
        """The tensor of this graph standing for `t` (`t` itself when it is already ours)."""
        if t.graph is self:
            return t
        inner = self.captures.get(t)
        if inner is None:
            outer = t
            if t.graph is not self.outer_graph:
                if not isinstance(self.outer_graph, FuncGraph):
                    raise ValueError("Tensor %s is from another graph than the one tf.cond / "
                                     "tf.while_loop was called in." % t.name)
                outer = self.outer_graph.capture(t)  # through each enclosing function
                if outer in self.captures:
                    self.captures[t] = self.captures[outer]
                    return self.captures[outer]
            with self.name_scope(self.name + "/"):
                inner = self.add_input(outer.dtype, outer.shape, name="capture")
            self.captures[outer] = inner
            if outer is not t:
                self.captures[t] = inner
        return inner

    def outer_of(self, inner):
        """The outer tensor the captured placeholder `inner` stands for, or None."""
        for outer, ph in self.captures.items():
            if ph is inner and outer.graph is self.outer_graph:
                return outer
        return None

    def create_op(self, opdef, inputs, name=None, control_inputs=(), device=None):
        inputs = [self.capture(t) if isinstance(t, Tensor) else t for t in inputs]
        local = []
        for c in control_inputs:  # an outer op: the op calling this function waits for it
            if c.graph is self:
                local.append(c)
            elif c not in self.control_captures:
                self.control_captures.append(c)
        return super().create_op(opdef, inputs, name, local, device)

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        if control_inputs is None:
            with super().control_dependencies(None):
                yield
            return
        local = []
        for c in control_inputs:
            if hasattr(c, "_as_graph_element") and not isinstance(c, (Tensor, Operation)):
                c = c._as_graph_element()
            op = c.op if isinstance(c, Tensor) else c
            if isinstance(op, Operation) and op.graph is not self:
                if op not in self.control_captures:
                    self.control_captures.append(op)
            else:
                local.append(c)
        with super().control_dependencies(local):
            yield


def base_graph(graph):
    """The outermost graph enclosing `graph` (the one Session runs)."""
    while isinstance(graph, FuncGraph):
        graph = graph.outer_graph
    return graph


@contextlib.contextmanager
def lifted():
    """Builds in the outermost graph, under the current name scope and with no control
    dependencies: variables created inside a branch or loop body live outside it, as in TF1
    (whose variables may be created in a while loop's body, as dynamic_rnn's cells do)."""
    graph = graph_module.get_default_graph()
    outer = base_graph(graph)
    if outer is graph:
        yield
        return
    scope = graph.get_name_scope()
    with outer.as_default(), outer.name_scope(scope + "/" if scope else None), \
            outer.control_dependencies(None):
        yield


@contextlib.contextmanager
def init_scope():
    """tf.init_scope: builds in the outermost graph (out of any tf.cond branch or
    tf.while_loop body), under the current name scope and device, with no control
    dependencies: where library code creates variables and other state it builds lazily."""
    with lifted(), graph_module.get_default_graph().control_dependencies(None):
        yield


class Function:
    """A callable view of a graph: `args` are fed from the calling op's inputs, `residuals`
    from what the paired forward run saved, and `outputs` fetched (an Operation output is
    run for its effect). `saved` lists the tensors gradient functions asked the forward run
    of this function to keep."""

    passthrough = ()  # arg indices a While body's FunctionDef returns unchanged (TF's form)

    def __init__(self, graph, args, outputs, residuals=()):
        self.graph = graph
        self.args = list(args)
        self.outputs = list(outputs)
        self.residuals = list(residuals)
        self.saved = []

    def __repr__(self):
        return "<Function %s: %d args, %d outputs>" % (getattr(self.graph, "name", "?"),
                                                        len(self.args), len(self.outputs))


def outer_of(t):
    """The tensor of the enclosing graph a captured placeholder stands for, else None."""
    graph = t.graph
    return graph.outer_of(t) if isinstance(graph, FuncGraph) else None


def captured_origin(op):
    """The op of the outermost graph whose output `op` (a captured placeholder of a branch or
    loop body, nested to any depth) stands for; `op` itself when it is not a capture. Ops using
    a variable or a resource (a queue, a reader) find its owner through this."""
    outer = outer_of(op.outputs[0]) if op.outputs else None
    while outer is not None:
        op = outer.op
        outer = outer_of(op.outputs[0])
    return op


def function_graphs(ops):
    """The graphs of the Functions `ops` call (through their OpDefs' fields), and of the
    Functions their ops call, each once, outermost first."""
    found, queue = [], list(ops)
    while queue:
        op = queue.pop(0)
        for value in vars(op.opdef).values():
            if isinstance(value, Function) and value.graph not in found:
                found.append(value.graph)
                queue.extend(value.graph.get_operations())
    return found


def reached(outputs, fed):
    """(ops a plan runs to compute `outputs` with `fed` given, fed tensors it reads)."""
    ops, reads = set(), set()
    stack = []
    for t in outputs:
        if isinstance(t, Operation):
            stack.append(t)
        elif t in fed:
            reads.add(t)
        else:
            stack.append(t.op)
    while stack:
        op = stack.pop()
        if op in ops:
            continue
        ops.add(op)
        for t in data_inputs(op):
            if t in fed:
                reads.add(t)
            else:
                stack.append(t.op)
        stack.extend(op.control_inputs)
    return ops, reads
