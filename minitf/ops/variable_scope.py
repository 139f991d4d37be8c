"""Variable scopes and tf.get_variable: variables named by scope, created once and shared on
request (`reuse=True` / `tf.AUTO_REUSE`), with scope-wide defaults (initializer, dtype...).

Each Graph keeps one store of the variables made by get_variable and one record of the current
variable scope and of how often each scope name was opened (for `default_name` uniquification),
created on first use, as TF1 keeps them in the graph's collections.
"""

import contextlib
import enum
import functools
import inspect
import threading

from minitf import dtypes
from minitf.framework.func_graph import base_graph
from minitf.framework.graph import GraphKeys, get_default_graph, graph_of, name_scope
from minitf.framework.shapes import as_shape
from minitf.ops import init_ops
from minitf.ops.variables import Variable
from minitf.ops.op_util import is_tensor_like

__all__ = ["AUTO_REUSE", "VariableScope", "variable_scope", "get_variable_scope", "get_variable",
           "get_local_variable", "no_regularizer"]


class _ReuseMode(enum.Enum):
    """The modes of `reuse` besides True / None: AUTO_REUSE creates or reuses as needed."""

    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


def no_regularizer(_):
    """A regularizer that adds no loss: turns a scope's regularizer off for one variable."""
    return None


# -- per-graph stores ------------------------------------------------------------------------------

class _VariableScopeStore(threading.local):
    """The current variable scope (per thread, as in TF1) and how often each
    scope name has been opened."""

    def __init__(self):
        self.current_scope = VariableScope(False)
        self.variable_scopes_count = {}

    def open_variable_scope(self, scope_name):
        self.variable_scopes_count[scope_name] = self.variable_scopes_count.get(scope_name, 0) + 1

    def close_variable_subscopes(self, scope_name):
        """Forgets the counts below `scope_name`: its next opening starts `default_name`s afresh."""
        prefix = scope_name + "/"
        for k in self.variable_scopes_count:
            if k.startswith(prefix):
                self.variable_scopes_count[k] = 0


def _stores(graph):
    # A cond branch or loop body is built in the scopes of the graph that encloses it (as TF1
    # builds them in place), and its variables are that graph's.
    graph = base_graph(graph)
    stores = graph.__dict__.get("_variable_stores")
    if stores is None:
        # (the variables made by get_variable, by full name; the scope record)
        stores = graph.__dict__.setdefault("_variable_stores", ({}, _VariableScopeStore()))
    return stores


def _var_store():
    return _stores(get_default_graph())[0]


def _scope_store():
    return _stores(get_default_graph())[1]


def _partitioned_store():
    """The PartitionedVariables made by get_variable, by full name (kept apart from the
    plain variables and parts, as TF keeps them)."""
    return get_default_graph().__dict__.setdefault("_partitioned_variable_store", {})


def get_variable_scope():
    """The current VariableScope of the default graph."""
    return _scope_store().current_scope


# -- VariableScope ---------------------------------------------------------------------------------

class VariableScope:
    """A variable scope: its name (the prefix of its variables' names), the name scope it opened
    (`original_name_scope`), whether get_variable reuses variables, and the defaults get_variable
    takes from it (initializer, regularizer, dtype, custom_getter...)."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=dtypes.float32,
                 use_resource=None, constraint=None):
        self._name = name
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtypes.as_dtype(dtype)
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self):
        """From now on, get_variable in this scope (and scopes opened inside) reuses."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_dtype(self, dtype):
        self._dtype = dtypes.as_dtype(dtype)

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_caching_device(self, caching_device):
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter):
        self._custom_getter = custom_getter

    def set_use_resource(self, use_resource):
        self._use_resource = use_resource

    def get_collection(self, name):
        """The items of collection `name` whose names start with this scope's name."""
        return get_default_graph().get_collection(name, self._name + "/" if self._name else "")

    def global_variables(self):
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def trainable_variables(self):
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def local_variables(self):
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, custom_getter=None, constraint=None):
        """get_variable with this scope's defaults filled in and its name as the prefix."""
        regularizer = self._regularizer if regularizer is None else regularizer
        caching_device = self._caching_device if caching_device is None else caching_device
        use_resource = self._use_resource if use_resource is None else use_resource
        partitioner = self._partitioner if partitioner is None else partitioner
        custom_getter = self._custom_getter if custom_getter is None else custom_getter
        reuse = self._reuse if reuse is None else reuse
        full_name = self._name + "/" + name if self._name else name
        # Variable names depend on the variable scope only, so the name scope is reset while the
        # variable is made.
        with name_scope(None):
            if dtype is not None and initializer is not None and not callable(initializer):
                init_dtype = _value_dtype(initializer)
                if init_dtype is not dtypes.as_dtype(dtype):
                    raise ValueError("Initializer type '%s' and explicit dtype '%s' don't match."
                                     % (init_dtype, dtypes.as_dtype(dtype)))
            return _get_variable(
                var_store, full_name, shape=shape, dtype=self._dtype if dtype is None else dtype,
                initializer=self._initializer if initializer is None else initializer,
                regularizer=regularizer, reuse=reuse, trainable=trainable,
                collections=collections, caching_device=caching_device, partitioner=partitioner,
                validate_shape=validate_shape, use_resource=use_resource,
                custom_getter=custom_getter,
                constraint=self._constraint if constraint is None else constraint)

    def __repr__(self):
        return "<tf.VariableScope '%s' reuse=%s>" % (self._name, self._reuse)


def _value_dtype(value):
    if is_tensor_like(value):
        return value.dtype
    return dtypes.result_type_of(value)


# -- get_variable ----------------------------------------------------------------------------------

def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=None,
                 collections=None, caching_device=None, partitioner=None, validate_shape=True,
                 use_resource=None, custom_getter=None, constraint=None):
    """The variable `name` of the current variable scope: created on first use (initializer
    default: glorot_uniform for floats, zeros for ints and bools), returned again where the
    scope reuses, and an error where it does not."""
    return get_variable_scope().get_variable(
        _var_store(), name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, trainable=trainable, collections=collections,
        caching_device=caching_device, partitioner=partitioner, validate_shape=validate_shape,
        use_resource=use_resource, custom_getter=custom_getter, constraint=constraint)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None, partitioner=None,
                       validate_shape=True, use_resource=None, custom_getter=None,
                       constraint=None):
    """get_variable for a local variable: in LOCAL_VARIABLES (not saved, not trained)."""
    return get_variable(name, shape, dtype, initializer, regularizer, trainable,
                        list(collections or []) + [GraphKeys.LOCAL_VARIABLES], caching_device,
                        partitioner, validate_shape, use_resource, custom_getter, constraint)


def _get_variable(store, name, shape, dtype, initializer, regularizer, reuse, trainable,
                  collections, caching_device, partitioner, validate_shape, use_resource,
                  custom_getter, constraint):
    """Makes or finds the variable, through the custom getter when there is one (it receives
    the real getter first, then get_variable's arguments by keyword)."""
    if custom_getter is not None and not callable(custom_getter):
        raise ValueError("Passed a custom_getter which is not callable: %s" % custom_getter)

    def true_getter(name, shape=None, dtype=dtypes.float32, initializer=None, regularizer=None,
                    reuse=None, trainable=None, collections=None, validate_shape=True,
                    constraint=None, partitioner=None, **_):
        # A scalar is never partitioned (TF ignores the partitioner for shape []).
        if partitioner is not None and not (isinstance(shape, (list, tuple)) and not shape):
            return _get_partitioned_variable(store, name, shape, dtype, initializer,
                                             regularizer, reuse, trainable, collections,
                                             validate_shape, constraint, partitioner)
        return _get_single_variable(store, name, shape, dtype, initializer, regularizer, reuse,
                                    trainable, collections, validate_shape, constraint)

    kwargs = dict(name=name, shape=shape, dtype=dtypes.as_dtype(dtype), initializer=initializer,
                  regularizer=regularizer, reuse=reuse,
                  trainable=True if trainable is None else trainable, collections=collections,
                  validate_shape=validate_shape, constraint=constraint)
    if custom_getter is None:
        return true_getter(partitioner=partitioner, **kwargs)
    kwargs.update(caching_device=caching_device, partitioner=partitioner,
                  use_resource=use_resource)
    if not _accepts(custom_getter, "constraint"):  # TF passes it only to getters that take it
        del kwargs["constraint"]
    return custom_getter(getter=true_getter, **kwargs)


def _accepts(fn, argument):
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return argument in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def _get_partitioned_variable(store, name, shape, dtype, initializer, regularizer, reuse,
                              trainable, collections, validate_shape, constraint, partitioner):
    """The PartitionedVariable `name` (TF's rules and messages): its parts `name/part_<i>`
    are made with _get_single_variable, each initialized with its slice (a callable
    initializer is told the full shape and the part's offset)."""
    from minitf.framework.tensor import Tensor
    from minitf.ops.constant_op import convert_to_tensor
    from minitf.ops.partitioned_variables import (PartitionInfo, PartitionedVariable,
                                                  call_partitioner, iter_slices)
    from minitf.ops.slicing import slice as slice_
    if not callable(partitioner):
        raise ValueError("Partitioner must be callable, but received: %s" % (partitioner,))
    partitioned = _partitioned_store()
    found = partitioned.get(name)
    if name in store:
        raise ValueError("A partitioner was provided, but an unpartitioned version of the "
                         "variable was found: %s.  Perhaps a variable of the same name was "
                         "already created without partitioning?" % name)
    shape = as_shape(shape)
    from_tensor = isinstance(initializer, Tensor)
    if from_tensor:
        shape = shape.merge_with(initializer.shape)
    partitions = None
    if not reuse or partitioner:
        partitions = call_partitioner(partitioner, shape, dtype)
    if found is not None:
        if reuse is False:
            raise ValueError("Partitioned variable with name %s already exists. Did you mean "
                             "to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?" % name)
        if not shape.is_compatible_with(found.get_shape()):
            raise ValueError("Trying to reuse partitioned variable %s, but specified shape %s "
                             "and found shape %s." % (name, shape, found.get_shape()))
        if dtype is not found.dtype:
            raise ValueError("Trying to reuse partitioned variable %s, but specified dtype %s "
                             "and found dtype %s." % (name, dtype.name, found.dtype.name))
        if partitions is not None and found._get_partitions() != partitions:
            raise ValueError("Trying to reuse partitioned variable %s, but specified partitions "
                             "%s and found partitions %s."
                             % (name, partitions, found._get_partitions()))
        return found
    if reuse is True:
        raise ValueError("PartitionedVariable %s does not exist, or was not created with "
                         "tf.get_variable(). Did you mean to set reuse=False or "
                         "reuse=tf.AUTO_REUSE in VarScope?" % name)
    full_shape = shape.as_list()
    parts = []
    for i, (offset, part_shape) in enumerate(iter_slices(full_shape, partitions)):
        part_name = "%s/part_%d" % (name, i)
        if part_name in store:
            raise ValueError("Partitioned variable with name %s already exists (part %s). "
                             "Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in "
                             "VarScope?" % (name, part_name))
        init, init_shape, part_dtype = initializer, part_shape, dtype
        if initializer is not None and not callable(initializer):
            with name_scope(part_name + "/PartitionedInitializer"):
                value = initializer if from_tensor else convert_to_tensor(initializer,
                                                                          dtype=dtype)
                init = slice_(value, offset, part_shape)
            init_shape, part_dtype = None, init.dtype
        var = _get_single_variable(store, part_name, init_shape, part_dtype, init, regularizer,
                                   reuse, trainable, collections, validate_shape, constraint,
                                   partition_info=PartitionInfo(full_shape, offset))
        var._set_save_slice_info(Variable.SaveSliceInfo(name, full_shape, offset, part_shape))
        parts.append(var)
    partitioned[name] = PartitionedVariable(name, shape, dtype, parts, partitions)
    return partitioned[name]


def _get_partitioned_variable_in_scope(shape, dtype, initializer, trainable, partitioner,
                                       collections):
    """tf.create_partitioned_variables' getter: the partitioned variable named after the
    current variable scope itself, with its reuse."""
    scope = get_variable_scope()
    with name_scope(None):
        return _get_partitioned_variable(
            _var_store(), scope.name, as_shape(shape), dtypes.as_dtype(dtype),
            initializer if initializer is not None else scope.initializer,
            scope.regularizer, scope.reuse, trainable, collections, True, scope.constraint,
            partitioner)


def _get_single_variable(store, name, shape, dtype, initializer, regularizer, reuse, trainable,
                         collections, validate_shape, constraint, partition_info=None):
    if name in _partitioned_store():
        raise ValueError("Variable %s is a partitioned variable (its parts are %s/part_0...): "
                         "get it with the same partitioner" % (name, name))
    from_value = initializer is not None and not callable(initializer)
    if shape is not None and from_value:
        raise ValueError("If initializer is a constant, do not specify shape.")
    shape_given = shape is not None
    shape = as_shape(shape)

    found = store.get(name)
    if found is not None:
        if reuse is False:
            raise ValueError(
                "Variable %s already exists, disallowed. Did you mean to set reuse=True or "
                "reuse=tf.AUTO_REUSE in VarScope? If you are re-running a notebook cell that "
                "builds the graph, call tf.reset_default_graph() first: the default graph keeps "
                "every variable made before. Originally defined at:\n\n  File \"%s\", line %d"
                % ((name,) + found.op.created_at))
        if not shape.is_compatible_with(found.shape):
            raise ValueError("Trying to share variable %s, but specified shape %s and found "
                             "shape %s." % (name, shape, found.shape))
        if dtype is not found.dtype:
            raise ValueError("Trying to share variable %s, but specified dtype %s and found "
                             "dtype %s_ref." % (name, dtype.name, found.dtype.name))
        return found
    if reuse is True:
        raise ValueError("Variable %s does not exist, or was not created with tf.get_variable(). "
                         "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?" % name)

    if initializer is None:
        if not shape_given:
            raise ValueError("Variable %s did not get an initializer, so its `shape` argument "
                             "must be specified." % name)
        initializer = _default_initializer(name, dtype)
    if from_value:
        init_val, variable_dtype = initializer, None
    else:
        if isinstance(initializer, type):
            initializer = initializer()
        if shape.is_fully_defined():
            dims = shape.as_list()
            init_val = functools.partial(initializer, dims, dtype=dtype,
                                         partition_info=partition_info)
            variable_dtype = dtype
        elif _takes_no_arguments(initializer):
            init_val, variable_dtype = initializer, None
        else:
            raise ValueError("The initializer passed is not valid. It should be a callable with "
                             "no arguments and the shape should not be provided or an instance "
                             "of `tf.keras.initializers.*' and `shape` should be fully defined.")
    var = Variable(initial_value=init_val, name=name, trainable=trainable,
                   collections=collections, dtype=variable_dtype,
                   validate_shape=validate_shape, constraint=constraint)
    store[name] = var

    if regularizer:
        with name_scope(name + "/Regularizer/"):
            loss = regularizer(var)
        if loss is not None:
            get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    return var


def _default_initializer(name, dtype):
    if dtype.is_floating:
        return init_ops.glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_bool or dtype is dtypes.string:
        return init_ops.zeros_initializer()
    raise ValueError("An initializer for variable %s of %s is required" % (name, dtype.name))


def _takes_no_arguments(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in params)


# -- variable_scope --------------------------------------------------------------------------------

def _get_unique_variable_scope(prefix):
    """`prefix`, or `prefix_N` with the first N not yet opened in the current scope."""
    store = _scope_store()
    current = store.current_scope.name
    name = current + "/" + prefix if current else prefix
    if not store.variable_scopes_count.get(name):
        return prefix
    idx = 1
    while store.variable_scopes_count.get("%s_%d" % (name, idx)):
        idx += 1
    return "%s_%d" % (prefix, idx)


def _wrap_custom_getter(custom_getter, old_getter):
    """A nested scope's custom getter calls the outer one, which calls the real getter."""
    if old_getter is None:
        return custom_getter

    def wrapped(getter, *args, **kwargs):
        return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)
    return wrapped


@contextlib.contextmanager
def _pure_variable_scope(name_or_scope, reuse=None, initializer=None, regularizer=None,
                         caching_device=None, partitioner=None, custom_getter=None,
                         old_name_scope=None, dtype=None, use_resource=None, constraint=None):
    """Enters a variable scope without touching the name scope (variable_scope does that)."""
    store = _scope_store()
    old = store.current_scope
    if isinstance(name_or_scope, VariableScope):
        # A scope object is re-entered as it was, wherever we are now; only its reuse can be
        # raised, and what was opened inside it is counted as before.
        base = name_or_scope
        scope = VariableScope(
            reuse or base.reuse, name=base.name, initializer=base.initializer,
            regularizer=base.regularizer, caching_device=base.caching_device,
            partitioner=base.partitioner, custom_getter=base.custom_getter,
            name_scope=base.original_name_scope, dtype=base.dtype,
            use_resource=base.use_resource, constraint=base.constraint)
        store.open_variable_scope(scope.name)
        saved_counts = dict(store.variable_scopes_count)
    else:
        base = old
        scope = VariableScope(
            reuse or old.reuse,  # reuse is inherited by sub-scopes
            name=old.name + "/" + name_or_scope if old.name else name_or_scope,
            initializer=old.initializer, regularizer=old.regularizer,
            caching_device=old.caching_device, partitioner=old.partitioner,
            custom_getter=old.custom_getter,
            name_scope=name_or_scope if old_name_scope is None else old_name_scope,
            dtype=old.dtype, use_resource=old.use_resource, constraint=old.constraint)
        store.open_variable_scope(scope.name)
    if initializer is not None:
        scope.set_initializer(initializer)
    if regularizer is not None:
        scope.set_regularizer(regularizer)
    if caching_device is not None:
        scope.set_caching_device(caching_device)
    if partitioner is not None:
        scope.set_partitioner(partitioner)
    if custom_getter is not None:
        scope.set_custom_getter(_wrap_custom_getter(custom_getter, base.custom_getter))
    if dtype is not None:
        scope.set_dtype(dtype)
    if use_resource is not None:
        scope.set_use_resource(use_resource)
    if constraint is not None:
        scope._constraint = constraint
    store.current_scope = scope
    try:
        yield scope
    finally:
        if isinstance(name_or_scope, VariableScope):
            store.variable_scopes_count = saved_counts
        else:
            store.close_variable_subscopes(scope.name)
        store.current_scope = old


class variable_scope:  # noqa: N801 - TF's public name
    """Context manager opening a variable scope (and a name scope alongside, for op names).

    `name_or_scope` is a string (nested under the current scope; re-opening a name gives the
    same variable scope but a fresh name scope, `foo_1/`) or a VariableScope object (re-entered
    as it was). With name_or_scope None, `default_name` is made unique (`dense`, `dense_1`...).
    `reuse=True` makes get_variable return existing variables, `tf.AUTO_REUSE` creates or reuses;
    reuse is inherited by nested scopes and cannot be turned off inside them."""

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:  # scopes cannot stop reusing: False means "inherit", like None
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError("The auxiliary_name_scope must be `True` or `False`, while get %s"
                            % auxiliary_name_scope)
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._graph = graph_of(values)
        self._reuse = reuse
        self._auxiliary_name_scope = auxiliary_name_scope
        self._options = dict(initializer=initializer, regularizer=regularizer,
                             caching_device=caching_device, partitioner=partitioner,
                             custom_getter=custom_getter, dtype=dtype,
                             use_resource=use_resource, constraint=constraint)
        self._exit_stack = None

    def __enter__(self):
        if self._exit_stack is not None:
            raise RuntimeError("This variable_scope is already entered; make a new one.")
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(self._graph.as_default())
            scope = self._enter(stack)
        except BaseException:
            stack.close()
            raise
        self._exit_stack = stack
        return scope

    def __exit__(self, exc_type, exc, tb):
        stack, self._exit_stack = self._exit_stack, None
        return stack.__exit__(exc_type, exc, tb)

    def _enter(self, stack):
        graph = self._graph
        if self._auxiliary_name_scope:
            reentered = None
        else:  # stay in the current name scope (re-entered exactly)
            current = graph.get_name_scope()
            reentered = current + "/" if current else ""
        scope = self._name_or_scope
        if scope is None:
            if self._reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            opened = stack.enter_context(graph.name_scope(
                self._default_name if reentered is None else reentered))
            unique = _get_unique_variable_scope(self._default_name)
            return stack.enter_context(_pure_variable_scope(
                unique, old_name_scope=opened, **self._options))
        if not isinstance(scope, (VariableScope, str)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        short = scope if isinstance(scope, str) else scope.name.split("/")[-1]
        if not short and reentered is None:  # the root variable scope: no name scope to open
            return stack.enter_context(_pure_variable_scope(scope, reuse=self._reuse,
                                                            **self._options))
        opened = stack.enter_context(graph.name_scope(short if reentered is None else reentered))
        return stack.enter_context(_pure_variable_scope(
            scope, reuse=self._reuse,
            old_name_scope=opened if isinstance(scope, str) else scope.original_name_scope,
            **self._options))
