"""tf.Variable (TF1's reference variable: ops `name`, `name/Assign`, `name/read`) and the
initializer helpers over the variable collections."""

import numpy as np

from minitf import dtypes
from minitf.framework.context import default_session_for
from minitf.framework.deprecation import deprecated
from minitf.framework.func_graph import lifted
from minitf.framework.graph import GraphKeys, get_default_graph, name_scope
from minitf.framework.shapes import unknown_shape
from minitf.framework.tensor import Tensor
from minitf.ops.core import Identity, stack
from minitf.ops.shape_ops import rank
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.control_ops import group, no_op
from minitf.ops.state_ops import (Assign, InitializedValue, UninitializedNames, VariableV2, assign, assign_add,
                                  assign_sub, is_variable_initialized)

__all__ = ["Variable", "global_variables", "trainable_variables", "local_variables",
           "model_variables", "moving_average_variables", "global_variables_initializer", "variables_initializer",
           "local_variables_initializer", "assign", "assign_add", "assign_sub",
           "is_variable_initialized", "report_uninitialized_variables", "all_variables",
           "initialize_all_variables", "initialize_local_variables", "initialize_variables",
           "assert_variables_initialized"]


class Variable:
    """A value that persists across Session.run calls, owned by each Session separately."""

    __array_ufunc__ = None
    __array_priority__ = 100

    def __init__(self, initial_value=None, trainable=True, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 expected_shape=None, import_scope=None, constraint=None, use_resource=None,
                 synchronization=None, aggregation=None):
        # use_resource, synchronization and aggregation are TF 1.15's arguments with nothing to
        # choose here: minitf has one kind of variable (as for tf.get_variable's use_resource)
        # and no replicas to synchronise.
        if variable_def is not None:
            if initial_value is not None:
                raise ValueError("variable_def and initial_value are mutually exclusive.")
            self._init_from_proto(variable_def, import_scope)
            return
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        values = [] if callable(initial_value) else [initial_value]
        # Like TF's init_scope: a variable created inside tf.control_dependencies does not wait
        # for those ops each time it is read.
        with lifted(), name_scope(name, "Variable", values) as scope, \
                get_default_graph().control_dependencies(None):
            graph = get_default_graph()
            if callable(initial_value):
                with name_scope("Initializer"):
                    initial_value = initial_value()
            initial = convert_to_tensor(initial_value, dtype=dtype, name="initial_value")
            if validate_shape and not initial.shape.is_fully_defined():
                raise ValueError("initial_value must have a shape specified: %s" % initial)
            shape = initial.shape if validate_shape else unknown_shape()
            self._variable = graph.create_op(
                VariableV2(shape, initial.dtype), [], name=scope).outputs[0]
            initial = _guard_uninitialized_reads(initial, self._variable.op.name)
            self._initializer_op = graph.create_op(
                Assign(validate_shape=validate_shape), [self._variable, initial], name="Assign")
            self._snapshot = graph.create_op(Identity(), [self._variable], name="read").outputs[0]
        self._initial_value = initial
        self._trainable = trainable
        self._constraint = constraint
        self._save_slice_info = None
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
        graph.add_to_collections(collections, self)

    def _init_from_proto(self, variable_def, import_scope=None):
        """Wraps the existing ops a VariableDef names (what import_meta_graph rebuilds)."""
        graph = get_default_graph()

        def element(name):
            return graph.as_graph_element(import_scope + "/" + name if import_scope else name)

        self._variable = element(variable_def.variable_name)
        self._initializer_op = element(variable_def.initializer_name)
        self._snapshot = element(variable_def.snapshot_name)
        self._initial_value = (element(variable_def.initial_value_name)
                               if variable_def.initial_value_name else None)
        self._trainable = variable_def.trainable
        self._constraint = None
        self._save_slice_info = None

    # -- identity ------------------------------------------------------------------------------
    @property
    def name(self):
        return self._variable.name

    @property
    def op(self):
        return self._variable.op

    @property
    def graph(self):
        return self._variable.graph

    @property
    def dtype(self):
        return self._variable.dtype

    @property
    def shape(self):
        return self._variable.shape

    def get_shape(self):
        return self._variable.shape

    @property
    def device(self):
        return self._variable.device

    @property
    def trainable(self):
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def initializer(self):
        return self._initializer_op

    @property
    def initial_value(self):
        return self._initial_value

    # -- reading -------------------------------------------------------------------------------
    def value(self):
        """The tensor that reads this variable (`name/read:0`)."""
        return self._snapshot

    def read_value(self):
        """A new tensor reading the variable: an Identity op named `read` in the current name
        scope, as TF1's."""
        return self.graph.create_op(Identity(), [self._variable], name="read").outputs[0]

    def initialized_value(self):
        """The variable's value, or its initial value while it is not initialized yet (for
        initializing other variables from this one, in any order)."""
        return self.graph.create_op(InitializedValue(), [self._variable, self._initial_value],
                                    name="InitializedValue").outputs[0]

    def _as_tensor(self, dtype=None):
        if dtype is not None and dtypes.as_dtype(dtype) is not self.dtype:
            raise ValueError("Incompatible type conversion requested to type '%s' for variable "
                             "of type '%s'" % (dtypes.as_dtype(dtype).name, self.dtype.name))
        return self._snapshot

    def _as_graph_element(self):
        return self._snapshot

    def _ref(self):
        return self._variable

    def eval(self, session=None):
        return self._snapshot.eval(session=session)

    # -- writing -------------------------------------------------------------------------------
    def assign(self, value, use_locking=False, name=None, read_value=True):
        """An op that sets the variable to `value` (returns the new value)."""
        out = assign(self._variable, value, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """An op that adds `delta` to the variable (returns the new value)."""
        out = assign_add(self._variable, delta, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """An op that subtracts `delta` from the variable (returns the new value)."""
        out = assign_sub(self._variable, delta, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def load(self, value, session=None):
        """Sets the value in `session` (the default session when None) without adding ops."""
        session = default_session_for(self.graph, session, "run")
        session.run(self._initializer_op, {self._initializer_op.inputs[1]: value})

    def set_shape(self, shape):
        self._variable.set_shape(shape)
        self._snapshot.set_shape(shape)

    def __repr__(self):
        return "<tf.Variable '%s' shape=%s dtype=%s_ref>" % (self.name, self.shape, self.dtype.name)

    def __bool__(self):
        return self._snapshot.__bool__()

    class SaveSliceInfo:
        """Where a part of a partitioned variable sits in the full variable: the full
        variable's name (its checkpoint key) and shape, and this part's offset and shape.
        `spec` is the slice as SaveV2's shape_and_slices spells it ("5 3 0,3:0,3")."""

        def __init__(self, full_name=None, full_shape=None, var_offset=None, var_shape=None):
            self.full_name = full_name
            self.full_shape = full_shape
            self.var_offset = var_offset
            self.var_shape = var_shape

        @property
        def spec(self):
            full = " ".join(str(d) for d in self.full_shape) + " "
            return full + ":".join("%d,%d" % (o, n)
                                   for o, n in zip(self.var_offset, self.var_shape))

    def _set_save_slice_info(self, save_slice_info):
        self._save_slice_info = save_slice_info

    def _get_save_slice_info(self):
        return self._save_slice_info

    def __iter__(self):
        raise TypeError("'Variable' object is not iterable: %s is one graph variable. Where a "
                        "list of variables is expected, pass [v]; to split its value, use "
                        "tf.unstack(v) or index it (v[0])." % self.name)


def _guard_uninitialized_reads(initial, var_name):
    """`initial` rebuilt so that reads of other variables become their initialized_value(),
    as TF1 does: `tf.Variable(a * 3.0)` then initializes whatever order the initializers run
    in. Rebuilt ops are named like the originals with `_<var_name>` appended, as in TF1."""
    graph = initial.graph
    if not _reads_a_variable(initial):
        return initial
    variables = {}
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        for v in graph.get_collection(key):
            variables[v.op] = v
    rebuilt = {}

    def guarded(t):
        op = t.op
        source = op.inputs[0].op if op.opdef.is_identity and op.inputs else op
        if source.opdef.is_variable and source in variables:
            if op not in rebuilt:
                with name_scope(var_name + "/"):
                    rebuilt[op] = [variables[source].initialized_value()]
            return rebuilt[op][t.value_index]
        if op not in rebuilt:
            refs = op.opdef.ref_inputs  # a reference names the variable itself: keep it
            inputs = [i if k in refs else guarded(i) for k, i in enumerate(op.inputs)]
            if all(new is old for new, old in zip(inputs, op.inputs)):
                rebuilt[op] = list(op.outputs)
            else:
                clone = graph.create_op(op.opdef, inputs, name="%s_%s" % (op.name, var_name) + "/",
                                        control_inputs=op.control_inputs)
                rebuilt[op] = list(clone.outputs)
        return rebuilt[op][t.value_index]

    with name_scope(None):
        return guarded(initial)


def _reads_a_variable(tensor):
    seen, stack = set(), [tensor.op]
    while stack:
        op = stack.pop()
        if op.opdef.is_variable:
            return True
        if op not in seen:
            seen.add(op)
            stack.extend(t.op for t in op.inputs)
    return False


def install_tensor_operators():
    """Gives Variable every operator Tensor has (`v * 2` reads the variable), once the op
    modules have installed them on Tensor."""
    for attr, fn in list(vars(Tensor).items()):
        if attr.startswith("__") and attr.endswith("__") and callable(fn) and attr not in (
                "__init__", "__repr__", "__str__", "__bool__", "__iter__", "__hash__", "__eq__",
                "__ne__", "__len__", "__getattribute__", "__setattr__", "__delattr__",
                "__init_subclass__", "__subclasshook__", "__new__", "__reduce__",
                "__reduce_ex__", "__dir__", "__format__", "__sizeof__", "__class__"):
            setattr(Variable, attr, _delegate(fn))


def _delegate(fn):
    def method(self, *args):
        return fn(self._snapshot, *args)
    method.__name__ = fn.__name__
    return method


# -- collections and initializers ---------------------------------------------------------------

def global_variables(scope=None):
    """The variables of the GLOBAL_VARIABLES collection (filtered by `scope`)."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    """The variables optimizers train by default (TRAINABLE_VARIABLES)."""
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    """The variables of the LOCAL_VARIABLES collection."""
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    """The variables of the MODEL_VARIABLES collection."""
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None):
    """The variables an ExponentialMovingAverage keeps averages of (MOVING_AVERAGE_VARIABLES:
    the variables themselves, not their averages)."""
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of `var_list`."""
    if isinstance(var_list, (Variable, Tensor)):
        raise TypeError("variables_initializer takes a list of variables, got the single %s "
                        "%s: pass [v]." % (type(var_list).__name__, var_list.name))
    if var_list:
        return group(*[v.initializer for v in var_list], name=name)
    return no_op(name=name)


def global_variables_initializer():
    """One op that initializes every global variable (run it first)."""
    return variables_initializer(global_variables())


def local_variables_initializer():
    """One op that initializes every local variable."""
    return variables_initializer(local_variables())


# TF1's names from before 0.12, deprecated there (a warning on first use) and kept in TF 1.x.

@deprecated("2017-03-02", "Please use tf.global_variables instead.")
def all_variables():
    """tf.all_variables: tf.global_variables()."""
    return global_variables()


@deprecated("2017-03-02", "Use `tf.global_variables_initializer` instead.")
def initialize_all_variables():
    """tf.initialize_all_variables: tf.global_variables_initializer()."""
    return global_variables_initializer()


@deprecated("2017-03-02", "Use `tf.local_variables_initializer` instead.")
def initialize_local_variables():
    """tf.initialize_local_variables: tf.local_variables_initializer()."""
    return local_variables_initializer()


@deprecated("2017-03-02", "Use `tf.variables_initializer` instead.")
def initialize_variables(var_list, name="init"):
    """tf.initialize_variables: tf.variables_initializer(var_list, name)."""
    return variables_initializer(var_list, name=name)


def _default_var_list(var_list):
    """var_list, or every global and local variable (variables made without tf.Variable when
    there are none, as TF counts them)."""
    if var_list is None:
        var_list = global_variables() + local_variables()
        if not var_list:
            var_list = [op.outputs[0] for op in get_default_graph().get_operations()
                        if op.opdef.is_variable]
    return var_list


def assert_variables_initialized(var_list=None):
    """tf.assert_variables_initialized: a tensor whose run reads every variable of var_list
    (default: all), so that an uninitialized one fails it with TF's FailedPreconditionError
    "Attempting to use uninitialized value ..."; its value is the variables' ranks (one
    rank when var_list has one variable); None when there are no variables."""
    var_list = _default_var_list(var_list)
    if not var_list:
        return None
    ranks = []
    for var in var_list:
        # the read is a control input: a static rank alone would be folded, reading nothing
        var = convert_to_tensor(var)
        with get_default_graph().control_dependencies([Identity()(var, name="Identity")]):
            ranks.append(rank(var))
    return ranks[0] if len(ranks) == 1 else stack(ranks)


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A 1-D string tensor with the names of the variables in `var_list` (default: all global and
    local variables) that have no value yet in the session that runs it."""
    var_list = _default_var_list(var_list)
    with name_scope(name):
        if not var_list:
            return constant(np.zeros([0], object), dtype=dtypes.string)
        initialized = stack([is_variable_initialized(v) for v in var_list])
        # String tensors stay on the host, as TF runs this report on the CPU.
        with get_default_graph().device("/cpu:0"):
            names = constant(np.array([v.op.name.encode() for v in var_list], object))
            return get_default_graph().create_op(UninitializedNames(), [names, initialized],
                                                 name="UninitializedNames").outputs[0]
