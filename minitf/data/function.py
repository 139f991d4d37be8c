"""Functions of dataset elements (`map`, `filter`, `flat_map` / `interleave`): traced once over
placeholders into a FuncGraph, compiled into a Plan, and run per block of elements when every op
works elementwise (the block's rows go through as one array), else per element."""

import numbers

import numpy

from minitf import dtypes
from minitf.client.plan import Plan
from minitf.client.session import SessionState
from minitf.data import structure as nest
from minitf.framework.func_graph import FuncGraph
from minitf.framework.graph import get_default_graph
from minitf.framework.operation import data_inputs
from minitf.framework.tensor import Tensor, TensorSpec
from minitf.ops.constant_op import convert_to_tensor

# Ops whose output element i depends only on input element i (with same-shaped inputs, or a
# scalar beside them): a function made of these runs on a whole block at once.
ELEMENTWISE = frozenset("""
    Abs Acos Add AddV2 Asin Atan Atan2 Cast Ceil Cos Cosh DivNoNan Elu Equal Erf Exp Expm1
    Floor FloorDiv FloorMod Greater GreaterEqual Identity IsFinite IsInf IsNan LeakyRelu Less
    LessEqual Log Log1p LogicalAnd LogicalNot LogicalOr Maximum Minimum Mul Neg NotEqual Pow
    RealDiv Reciprocal Relu Relu6 Round Rsqrt Select Selu Sigmoid Sign Sin Sinh Softplus Softsign
    Sqrt Square SquaredDifference StopGradient Sub Tan Tanh""".split())


def _call(fn, args):
    """TF's convention: a tuple element is passed as positional arguments, anything else as one."""
    return fn(*args) if type(args) is tuple else fn(args)


def _trace(fn, input_structure, kind):
    graph = FuncGraph("%s_fn" % kind, get_default_graph())
    graph._contexts.name_stack = ""  # the function's ops are named on their own
    with graph.as_default():
        args = [_argument(graph, s, i) for i, s in enumerate(nest.flatten(input_structure))]
        result = _call(fn, nest.pack_as(input_structure, args))
    return graph, args, result


def _argument(graph, spec, i):
    """A placeholder for a tensor component; for a dataset-valued one (a window), a dataset
    that reads the element's rows."""
    from minitf.data.transformations import DatasetSpec, _DatasetArgument
    if isinstance(spec, DatasetSpec):
        return _DatasetArgument(spec.structure)
    return graph.add_input(spec.dtype, spec.shape, name="args_%d" % i)


def _outer_captures(graph):
    """The tensors of the enclosing graph the function reads, and their placeholders."""
    outer = [t for t in graph.captures if t.graph is graph.outer_graph]
    return outer, [graph.captures[t] for t in outer]


def _as_tensors(result, graph, kind):
    """The function's result as a structure of Tensors of `graph` (lists become tuples)."""
    def convert(x):
        # convert_to_tensor would make any other object an object-dtype (string) constant;
        # tensors, arrays and variables all have a dtype.
        if not hasattr(x, "dtype") and not isinstance(x, (str, bytes, numbers.Number,
                                                          list, tuple, dict)):
            raise TypeError("Unsupported return value from function passed to Dataset.%s(): "
                            "%r." % (kind, x))
        if isinstance(x, list):
            return tuple(convert(v) for v in x)
        if isinstance(x, tuple):
            items = [convert(v) for v in x]
            return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
        if isinstance(x, dict):
            return type(x)((k, convert(v)) for k, v in x.items())
        with graph.as_default():
            t = convert_to_tensor(x)
        return graph.capture(t) if t.op.graph is not graph else t
    return convert(result)


class TracedFunction:
    """A function from elements of `input_structure` to a structure of tensors."""

    def __init__(self, fn, input_structure, kind):
        if not callable(fn):
            raise TypeError("`%s_func` must be callable, got %r" % (kind, fn))
        graph, args, result = _trace(fn, input_structure, kind)
        if any(not isinstance(a, Tensor) for a in args):
            raise TypeError("minitf runs functions of datasets of datasets (window) only in "
                            "flat_map, interleave and group_by_window, not in %s" % kind)
        if result is None:
            raise ValueError("The %s function returned None; it must return tensors." % kind)
        result = _as_tensors(result, graph, kind)
        self.graph = graph
        self.args = args
        self.outputs = nest.flatten(result)
        self.output_structure = nest.map_structure_any(
            lambda t: TensorSpec(t.shape, t.dtype), result)
        self.captures, inner = _outer_captures(graph)  # evaluated at initialization
        self._fed = args + inner
        self.vectorized = _elementwise(graph, args, self.outputs)
        # random ops draw from one stream per instance: such a function is never split
        # between instances (map(num_parallel_calls) runs it in order instead)
        self.stateful = any(op.opdef.stateful and not op.opdef.must_be_fed
                            for op in graph.get_operations())
        graph.finalize()

    def instantiate(self, values):
        """A runner with the captured tensors' values; it has its own state (random streams
        start again with each iterator initialization, as in TF)."""
        return _Runner(self, [values[t] for t in self.captures])


class _Runner:
    def __init__(self, fn, capture_values):
        self.fn = fn
        self.plan = Plan(SessionState(), fn.outputs, fn._fed)
        self.captures = list(capture_values)
        self.specs = [TensorSpec(t.shape, t.dtype) for t in fn.outputs]

    def _run_one(self, block, i):
        outs = self.plan.run([a[i, ...] for a in block] + self.captures)
        return [_as_array(v, s.dtype) for v, s in zip(outs, self.specs)]

    def apply_block(self, block):
        """The outputs for a block of elements: a list of blocks (one, unless the outputs of
        consecutive elements differ in shape)."""
        if self.fn.vectorized:
            return [self.plan.run(list(block) + self.captures)]
        rows = [self._run_one(block, i) for i in range(len(block[0]))]
        out, start = [], 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or [r.shape for r in rows[i]] != [r.shape for r in rows[start]]:
                group = rows[start:i]
                out.append([numpy.stack([r[k] for r in group]) for k in range(len(group[0]))])
                start = i
        return out

    def mask(self, block):
        """A filter predicate's verdict for each element of the block (a bool array)."""
        if self.fn.vectorized:
            keep = self.plan.run(list(block) + self.captures)[0]
            return numpy.asarray(keep, dtype=bool).reshape(len(block[0]))
        return numpy.array([bool(self._run_one(block, i)[0]) for i in range(len(block[0]))],
                           dtype=bool)


def _as_array(value, dtype):
    if isinstance(value, numpy.ndarray):
        return value
    return numpy.array(value, dtype=dtype.as_numpy_dtype)


def _elementwise(graph, args, outputs):
    """Whether the function can run on a block: every op between the arguments and the outputs
    is elementwise, its element inputs share one fully known shape and its other inputs are
    scalars, and every output depends on the elements."""
    if not args or any(not a.shape.is_fully_defined() for a in args):
        return False
    depends = set(args)
    for op in graph.get_operations():
        if op.opdef.must_be_fed:
            continue
        inputs = data_inputs(op)
        element_inputs = [t for t in inputs if t in depends]
        if not element_inputs:
            continue
        if op.type not in ELEMENTWISE or op.opdef.stateful or op.control_inputs:
            return False
        shapes = {t.shape.as_tuple() for t in element_inputs}
        if len(shapes) != 1 or None in next(iter(shapes)):
            return False
        if any(t not in depends and t.shape.ndims != 0 for t in inputs):
            return False
        depends.update(op.outputs)
    return all(t in depends for t in outputs)


class DatasetFunction:
    """A flat_map / interleave function: element -> Dataset. Traced once; per element, the
    plan computes the values the returned dataset captures, and a cursor over it starts."""

    def __init__(self, fn, input_structure):
        from minitf.data.dataset_ops import Dataset
        graph, args, dataset = _trace(fn, input_structure, "flat_map")
        if not isinstance(dataset, Dataset):
            raise TypeError("`map_func` must return a `Dataset` object. Got %r" % (dataset,))
        inner = []
        for t in dataset._captures():
            inner.append(t if t.op.graph is graph else graph.capture(t))
        self.dataset = dataset
        self.inner = dataset._captures()
        self.inner_values = inner
        self.args = [a for a in args if isinstance(a, Tensor)]
        self.positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.dataset_args = [(i, a) for i, a in enumerate(args) if not isinstance(a, Tensor)]
        self.output_structure = dataset._structure
        self.captures, captured = _outer_captures(graph)
        self._fed = self.args + captured
        graph.finalize()

    def cursor_for(self, element, env):
        from minitf.data.dataset_ops import _Env
        runner = env.functions.get(self)
        if runner is None:
            runner = env.functions[self] = (
                Plan(SessionState(), self.inner_values, self._fed),
                [env.values[t] for t in self.captures])
        plan, captures = runner
        values = plan.run([element[i][0, ...] for i in self.positions] + captures) \
            if self.inner_values else []
        sub = _Env({t: numpy.asarray(v, dtype=t.dtype.as_numpy_dtype) if t.dtype is not dtypes.string
                    else numpy.asarray(v, dtype=object)
                    for t, v in zip(self.inner, values)})
        sub.passes, sub.cursors, sub.caches, sub.functions = (env.passes, env.cursors, {}, {})
        for i, a in self.dataset_args:
            sub.values[a] = element[i][0]
        return self.dataset._cursor(sub)

