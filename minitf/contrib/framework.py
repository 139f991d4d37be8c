"""tf.contrib.framework: arg_scope (default arguments for a set of layer functions) and the
model-variable helpers slim programs use (model_variable, get_variables_to_restore,
assign_from_checkpoint_fn...)."""

import contextlib
import functools
import inspect
import re
import sys
import types

import numpy as np

from minitf import tf_logging as logging
from minitf import dtypes
from minitf.framework.graph import (GraphKeys, add_to_collection, control_dependencies,
                                    get_collection, name_scope)
from minitf.framework import nest as _nest
from minitf.framework.graph import get_default_graph
from minitf.framework.sparse_tensor import SparseTensor
from minitf.ops.array_ops import identity, reshape, shape
from minitf.ops.elementwise import add_n, equal, logical_and
from minitf.ops.logging_ops import Assert
from minitf.ops.op_util import is_tensor
from minitf.ops.reductions import reduce_all, reduce_sum
from minitf.ops.shape_ops import rank, size
from minitf.ops.sparse_ops import convert_to_tensor_or_sparse_tensor
from minitf.ops.constant_op import convert_to_tensor
from minitf.framework.graph import device as _device
from minitf.ops.control_ops import group
from minitf.ops.core import placeholder
from minitf.ops.variable_scope import VariableScope, get_variable, get_variable_scope
from minitf.ops.variables import Variable
from minitf.train.checkpoint_reader import (NewCheckpointReader, list_variables,
                                            load_checkpoint, load_variable)
from minitf.train.checkpoint_utils import init_from_checkpoint
from minitf.train.training_util import (assert_global_step, create_global_step,
                                        get_global_step, get_or_create_global_step)

__all__ = ["arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope",
           "arg_scoped_arguments", "arg_scope_func_key",
           "add_model_variable", "assert_global_step", "assert_or_get_global_step",
           "assign_from_checkpoint", "assign_from_checkpoint_fn", "assign_from_values",
           "assign_from_values_fn", "create_global_step", "filter_variables", "get_global_step",
           "get_or_create_global_step", "get_local_variables", "get_model_variables",
           "get_trainable_variables", "get_unique_variable", "get_variables_by_name",
           "get_variables_by_suffix", "get_variable_full_name", "get_variables_to_restore",
           "get_variables", "global_variable", "local_variable", "model_variable", "variable",
           "init_from_checkpoint", "convert_to_tensor_or_sparse_tensor", "get_name_scope",
           "is_tensor", "list_variables", "load_checkpoint", "load_variable", "nest",
           "reduce_sum_n", "with_same_shape", "with_shape"]

# -- arg_scope ----------------------------------------------------------------------------------
# The stack of scopes is process-wide, as TF's is: each entry maps a function's key to the
# keyword defaults it gets inside that `with arg_scope(...)` block.
_ARG_STACK = [{}]
_DECORATED = {}  # function key -> the names of its keyword arguments


def current_arg_scope():
    """The innermost scope: {function key: {argument: default}}."""
    return _ARG_STACK[-1]


def arg_scope_func_key(op):
    """The key a decorated function is known by in arg scopes (the same for the function and
    its add_arg_scope wrapper)."""
    return getattr(op, "_key_op", str(op))


def _keyword_names(func):
    """The arguments of `func` that have defaults (the ones an arg_scope may set), in order."""
    params = inspect.signature(func).parameters.values()
    return tuple(p.name for p in params if p.default is not inspect.Parameter.empty
                 and p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD)


def has_arg_scope(func):
    """Whether `func` was decorated with add_arg_scope."""
    return arg_scope_func_key(func) in _DECORATED


def arg_scoped_arguments(func):
    """The names of the keyword arguments an arg_scope can set for the decorated `func`."""
    if not has_arg_scope(func):
        raise ValueError("%s is not decorated with @add_arg_scope" % getattr(func, "__name__",
                                                                              func))
    return _DECORATED[arg_scope_func_key(func)]


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Within the block, calls of the functions in `list_ops_or_scope` (each decorated with
    add_arg_scope) get `kwargs` as defaults; arguments given in the call win, and nested scopes
    add to (and override) the outer ones. Given the dict an earlier arg_scope yielded instead of
    a list, re-enters that scope. Yields the scope dict."""
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, "
                             "kwargs must be empty.")
        scope = dict(list_ops_or_scope)
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope "
                            "(i.e. dict)")
        scope = dict(current_arg_scope())
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                raise ValueError("%s is not decorated with @add_arg_scope"
                                 % ((getattr(op, "__module__", None),
                                     getattr(op, "__name__", op)),))
            key = arg_scope_func_key(op)
            scope[key] = dict(scope.get(key, {}), **kwargs)
    _ARG_STACK.append(scope)
    try:
        yield scope
    finally:
        _ARG_STACK.pop()


def add_arg_scope(func):
    """Decorates `func` so that arg_scope can give it default keyword arguments."""
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        defaults = current_arg_scope().get(key)
        if defaults:
            kwargs = dict(defaults, **kwargs)
        return func(*args, **kwargs)

    _DECORATED[key] = _keyword_names(func)
    func_with_args._key_op = key
    return func_with_args


def _with_dependencies(dependencies, output_tensor):
    """`output_tensor` through an identity named `control_dependency` that runs after
    `dependencies` (TF's control_flow_ops.with_dependencies, which slim's train ops use)."""
    with name_scope(None, "control_dependency", list(dependencies) + [output_tensor]) as name:
        with control_dependencies(dependencies):
            return identity(output_tensor, name=name)


# -- variables ----------------------------------------------------------------------------------

def assert_or_get_global_step(graph=None, global_step_tensor=None):
    """`global_step_tensor` checked to be a global step, or the graph's global step."""
    if global_step_tensor is None:
        return get_global_step(graph)
    assert_global_step(global_step_tensor)
    return global_step_tensor


def local_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable variable in LOCAL_VARIABLES only."""
    return Variable(initial_value, trainable=False, collections=[GraphKeys.LOCAL_VARIABLES],
                    validate_shape=validate_shape, name=name)


def global_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable variable in GLOBAL_VARIABLES."""
    return Variable(initial_value, trainable=False, collections=[GraphKeys.GLOBAL_VARIABLES],
                    validate_shape=validate_shape, name=name)


@add_arg_scope
def variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
             collections=None, caching_device=None, device=None, partitioner=None,
             custom_getter=None, use_resource=None, synchronization=None, aggregation=None):
    """tf.get_variable in `collections` (default GLOBAL_VARIABLES), on `device`, through
    `custom_getter` when given."""
    collections = list(set(collections if collections is not None
                           else [GraphKeys.GLOBAL_VARIABLES]))
    getter = get_variable
    if custom_getter is not None:
        getter = functools.partial(custom_getter, reuse=get_variable_scope().reuse)
    with _device(device or ""):
        return getter(name, shape=shape, dtype=dtype, initializer=initializer,
                      regularizer=regularizer, trainable=trainable, collections=collections,
                      caching_device=caching_device, partitioner=partitioner,
                      use_resource=use_resource)


@add_arg_scope
def model_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=True, collections=None, caching_device=None, device=None,
                   partitioner=None, custom_getter=None, use_resource=None,
                   synchronization=None, aggregation=None):
    """A variable (see `variable`) also in MODEL_VARIABLES: the variables of the model itself,
    which slim saves and restores (dtype default float32)."""
    collections = list(collections or []) + [GraphKeys.GLOBAL_VARIABLES,
                                              GraphKeys.MODEL_VARIABLES]
    return variable(name, shape=shape, dtype=dtype if dtype is not None else dtypes.float32,
                    initializer=initializer, regularizer=regularizer, trainable=trainable,
                    collections=collections, caching_device=caching_device, device=device,
                    partitioner=partitioner, custom_getter=custom_getter,
                    use_resource=use_resource)


def add_model_variable(var):
    """Adds `var` to MODEL_VARIABLES (once)."""
    if var not in get_collection(GraphKeys.MODEL_VARIABLES):
        add_to_collection(GraphKeys.MODEL_VARIABLES, var)


def get_variables(scope=None, suffix=None, collection=GraphKeys.GLOBAL_VARIABLES):
    """The variables of `collection` whose names match the regular expression `scope` (from
    the start; a VariableScope stands for its name) and end with `suffix`."""
    if isinstance(scope, VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    return get_collection(collection, scope)


def get_model_variables(scope=None, suffix=None):
    """get_variables over MODEL_VARIABLES."""
    return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope=None, suffix=None):
    """get_variables over LOCAL_VARIABLES."""
    return get_variables(scope, suffix, GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
    """get_variables over TRAINABLE_VARIABLES."""
    return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_to_restore(include=None, exclude=None):
    """The global variables under the scopes of `include` (default: all) and not under those
    of `exclude` (lists or tuples of scope names)."""
    for arg, what in ((include, "include"), (exclude, "exclude")):
        if arg is not None and not isinstance(arg, (list, tuple)):
            raise TypeError("%s is provided but is not a list or a tuple." % what)
    if include is None:
        chosen = get_variables()
    else:
        chosen = [v for scope in include for v in get_variables(scope)]
    excluded = {id(v) for scope in exclude or () for v in get_variables(scope)}
    return [v for v in chosen if id(v) not in excluded]


def get_variables_by_suffix(suffix, scope=None):
    """The global variables whose names end with `suffix`."""
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name, scope=None):
    """The global variables whose last name component is `given_name`."""
    return get_variables(scope=scope, suffix="/" + given_name + ":|^" + given_name + ":")


def get_unique_variable(var_op_name):
    """The global variable whose op is named exactly `var_op_name`."""
    candidates = get_variables(scope=var_op_name)
    if not candidates:
        raise ValueError("Couldn't find variable %s" % var_op_name)
    for candidate in candidates:
        if candidate.op.name == var_op_name:
            return candidate
    raise ValueError("Variable %s does not uniquely identify a variable" % var_op_name)


def get_variable_full_name(var):
    """The name `var` is saved under: its op name, or for a part of a partitioned variable
    the full variable's name."""
    info = getattr(var, "_save_slice_info", None)
    return info.full_name if info is not None else var.op.name


def filter_variables(var_list, include_patterns=None, exclude_patterns=None, reg_search=True):
    """The variables of `var_list` whose names match one of `include_patterns` (default: all)
    and none of `exclude_patterns` (re.search, or re.match when reg_search is False)."""
    matches = re.search if reg_search else re.match
    chosen = list(var_list) if include_patterns is None else [
        v for v in var_list if any(matches(p, v.name) for p in include_patterns)]
    if exclude_patterns is None:
        return chosen
    return [v for v in chosen if not any(matches(p, v.name) for p in exclude_patterns)]


def _assign_from(pairs):
    """(group op, feed dict) assigning each (variable, value) pair through a placeholder named
    placeholder/<variable>, as contrib's assign_from_* helpers do."""
    feed_dict, assign_ops = {}, []
    for var, value in pairs:
        ph = placeholder(var.dtype.base_dtype, shape=var.shape, name="placeholder/" + var.op.name)
        assign_ops.append(var.assign(ph))
        feed_dict[ph] = value
    return group(*assign_ops), feed_dict


def assign_from_values(var_names_to_values):
    """(assign op, feed dict) that set the global variables named by the keys to the values."""
    pairs = []
    for var_name, value in var_names_to_values.items():
        found = get_collection(GraphKeys.GLOBAL_VARIABLES, var_name)
        if not found:
            raise ValueError("Variable %s wasn't found" % var_name)
        if len(found) > 1:
            exact = [v for v in found if v.op.name == var_name]
            if not exact:
                raise ValueError("Variable %s doesn't uniquely identify a variable" % var_name)
            found = exact
        var = found[0]
        pairs.append((var, value.reshape(var.shape.as_list())))
    return _assign_from(pairs)


def assign_from_values_fn(var_names_to_values):
    """A function `session -> None` running assign_from_values."""
    assign_op, feed_dict = assign_from_values(var_names_to_values)
    return lambda session: session.run(assign_op, feed_dict)


def _grouped(var_list):
    """{checkpoint name: [variables]} from a list of variables or a {name: variable(s)} dict."""
    if isinstance(var_list, (list, tuple)):
        grouped = {}
        for var in var_list:
            grouped.setdefault(get_variable_full_name(var), []).append(var)
        return grouped
    return {name: list(v) if isinstance(v, (list, tuple)) else [v]
            for name, v in var_list.items()}


def assign_from_checkpoint(model_path, var_list, ignore_missing_vars=False):
    """(assign op, feed dict) loading `var_list` (variables, or {checkpoint name: variable})
    from the checkpoint `model_path`; a missing name is a ValueError (a warning when
    ignore_missing_vars)."""
    reader = NewCheckpointReader(model_path)
    pairs = []
    for ckpt_name, variables in _grouped(var_list).items():
        if not reader.has_tensor(ckpt_name):
            message = "Checkpoint is missing variable [%s]" % ckpt_name
            if ignore_missing_vars:
                logging.warning(message)
                continue
            raise ValueError(message)
        full_value = reader.get_tensor(ckpt_name)
        for var in variables:
            value = full_value
            info = getattr(var, "_save_slice_info", None)
            if info is not None:  # a part of a partitioned variable: its slice
                value = full_value[tuple(slice(start, start + size) for start, size in
                                         zip(info.var_offset, info.var_shape))]
            if var.shape.as_list() != list(value.shape):
                raise ValueError("Total size of new array must be unchanged for %s lh_shape: "
                                 "[%s], rh_shape: [%s]" % (ckpt_name, value.shape, var.shape))
            pairs.append((var, value))
    return _assign_from(pairs)


def assign_from_checkpoint_fn(model_path, var_list, ignore_missing_vars=False,
                              reshape_variables=False):
    """A function `session -> None` restoring `var_list` from `model_path` with a Saver (None,
    with a warning, when ignore_missing_vars leaves nothing to restore)."""
    from minitf.train.saver import Saver
    if not var_list:
        raise ValueError("var_list cannot be empty")
    if ignore_missing_vars:
        reader = NewCheckpointReader(model_path)
        var_dict = var_list if isinstance(var_list, dict) else \
            {var.op.name: var for var in var_list}
        var_list = {}
        for name, var in var_dict.items():
            if reader.has_tensor(name):
                var_list[name] = var
            else:
                logging.warning("Variable %s missing in checkpoint %s", name, model_path)
    if not var_list:
        logging.warning("No Variables to restore")
        return None
    saver = Saver(var_list, reshape=reshape_variables)
    return lambda session: saver.restore(session, model_path)


# -- tensor utilities (TF 1.15's contrib.framework.tensor_util) --------------------------------

def get_name_scope():
    """The default graph's current name scope ('' at the top)."""
    return get_default_graph().get_name_scope()


def reduce_sum_n(tensors, name=None):
    """The sum of all entries of all `tensors`: each reduced to a scalar (`<op>/sum`, named
    after the tensor's op), then added (an AddN named `reduce_sum_n`, or `name`)."""
    if not tensors:
        raise ValueError("No tensors provided.")
    with name_scope(name, "reduce_sum_n", tensors) as scope:
        sums = [reduce_sum(t, name="%s/sum" % t.op.name) for t in tensors]
        return sums[0] if len(sums) == 1 else add_n(sums, name=scope)


def _shape_assert(expected_shape, tensor):
    """An Assert (`assert_shape`) that `tensor`'s runtime shape is `expected_shape`: the same
    rank (`is_shape/is_rank`) and the same sizes (`is_shape/all_equal`)."""
    with name_scope("assert_shape", values=[tensor]) as scope:
        actual = shape(tensor, name="actual")
        with name_scope("is_shape", values=[tensor]) as is_shape_scope:
            with name_scope("is_rank", values=[tensor]) as is_rank_scope:
                is_rank = equal(convert_to_tensor(size(expected_shape), name="expected"),
                                rank(tensor, name="actual"), name=is_rank_scope)
            with name_scope("all_equal", values=[expected_shape, actual]) as all_scope:
                same = reduce_all(equal(convert_to_tensor(expected_shape, name="expected"),
                                        actual, name="equal"), name=all_scope)
            matches = logical_and(is_rank, same, name=is_shape_scope)
        return Assert(matches, ["Wrong shape for %s [expected] [actual]." % tensor.name,
                                expected_shape, actual], name=scope)


def with_shape(expected_shape, tensor):
    """`tensor` checked to have `expected_shape` (a list or 1-D int32 array or tensor): when
    both are known at build time, a ValueError if they differ and `tensor` itself if not;
    otherwise an identity of it (in `<op>/`) that runs an Assert first, with the expected
    shape set as its static shape. An expected shape of [] reshapes to a scalar."""
    if isinstance(tensor, SparseTensor):
        raise ValueError("SparseTensor not supported.")
    if is_tensor(expected_shape) and expected_shape.dtype.base_dtype is not dtypes.int32:
        raise ValueError("Invalid dtype %s for shape %s expected of tensor %s."
                         % (expected_shape.dtype, expected_shape, tensor.name))
    if isinstance(expected_shape, (list, tuple)):
        expected_shape = np.asarray(expected_shape)
        if expected_shape.dtype == np.int64 or not expected_shape.size:
            expected_shape = expected_shape.astype(np.int32)
    if isinstance(expected_shape, np.ndarray):
        if expected_shape.ndim > 1:
            raise ValueError("Invalid rank %s for shape %s expected of tensor %s."
                             % (expected_shape.ndim, expected_shape, tensor.name))
        if expected_shape.dtype != np.int32:
            raise ValueError("Invalid dtype %s for shape %s expected of tensor %s."
                             % (expected_shape.dtype, expected_shape, tensor.name))
    actual = tensor.shape
    dynamic = is_tensor(expected_shape)
    if not dynamic and not actual.is_fully_defined() and len(expected_shape) < 1:
        with name_scope("%s/" % tensor.op.name, values=[tensor]):
            return reshape(tensor, [])
    if dynamic or not actual.is_fully_defined():
        with name_scope("%s/" % tensor.op.name, values=[tensor]):
            with control_dependencies([_shape_assert(expected_shape, tensor)]):
                result = identity(tensor)
            if not dynamic:
                result.set_shape(expected_shape.tolist())
            return result
    if not actual.is_compatible_with(expected_shape.tolist()):
        if len(expected_shape) < 1 and actual.is_compatible_with([1]):
            with name_scope("%s/" % tensor.op.name, values=[tensor]):
                return reshape(tensor, [])
        raise ValueError("Invalid shape for tensor %s, expected %s, got %s."
                         % (tensor.name, expected_shape, actual))
    return tensor


def with_same_shape(expected_tensor, tensor):
    """with_shape of `tensor` against `expected_tensor`'s shape (its static one when fully
    known, else its runtime one `expected_shape`)."""
    with name_scope("%s/" % tensor.op.name, values=[expected_tensor, tensor]):
        known = expected_tensor.shape
        expected = known.as_list() if known.is_fully_defined() else \
            shape(expected_tensor, name="expected_shape")
        return with_shape(expected, tensor)


# TF 1.15's contrib.framework.nest is TF's nest module: tf.nest's functions, and is_sequence
nest = types.ModuleType("minitf.contrib.framework.nest", "Nested structures (tf.nest's).")
nest.__dict__.update(
    assert_same_structure=_nest.public_assert_same_structure, flatten=_nest.public_flatten,
    is_nested=_nest.is_nested, is_sequence=_nest.is_nested,
    map_structure=_nest.public_map_structure, pack_sequence_as=_nest.public_pack_sequence_as)
nest.__all__ = sorted(k for k in nest.__dict__ if not k.startswith("_"))
sys.modules[nest.__name__] = nest
