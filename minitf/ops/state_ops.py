"""Variable storage ops: VariableV2 (reads the session's value), Assign, AssignAdd, AssignSub and
IsVariableInitialized, and their public functions (tf.assign...). A variable's value lives in
the Session, keyed by its VariableV2 op."""

import numpy as np

from minitf import dtypes, errors
from minitf.framework.func_graph import captured_origin
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.registry import OpDef, TFSignature, register
from minitf.framework.shapes import TensorShape, format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.op_util import type_mismatch_error


def uninitialized_error(var_op, op=None):
    return errors.FailedPreconditionError(
        None, op or var_op,
        "Attempting to use uninitialized value %s (created at %s). Run its initializer first, "
        "e.g. sess.run(tf.global_variables_initializer())." % (var_op.name, var_op.where()))


@register
class VariableV2(OpDef):
    shape: TensorShape
    dtype: dtypes.DType
    container: str = ""
    shared_name: str = ""
    stateful = True
    fresh_output = False
    is_variable = True

    def infer(self):
        return TensorSpec(self.shape, self.dtype)

    def bind(self, ctx, op):
        store = ctx.variables

        def read():
            try:
                return store[op]
            except KeyError:
                raise uninitialized_error(op) from None
        return read


def variable_storage(ctx, op, ref_index=0):
    """The VariableV2 op behind input `ref_index` of `op` (the key of its value in ctx)."""
    ref = op.inputs[ref_index].op
    while True:
        if ref.opdef.is_identity:  # a ref passed through tf.identity still names the variable
            ref = ref.inputs[0].op
        elif captured_origin(ref) is not ref:  # captured by a branch or loop body
            ref = captured_origin(ref)
        else:
            break
    if not ref.opdef.is_variable:
        raise TypeError("%s needs a variable as input %d, got the output of %s (%s)"
                        % (op.type, ref_index, ref.name, ref.type))
    return ref


class _AssignBase(OpDef):
    stateful = True
    fresh_output = False
    differentiable = False  # as TF: tf.gradients through an assignment gives None
    ref_inputs = (0,)

    def infer(self, ref, value):
        if ref.dtype is not value.dtype:
            raise type_mismatch_error(self.type_name, "value", value.dtype, "ref", ref.dtype)
        if getattr(self, "validate_shape", True) and not ref.shape.is_compatible_with(value.shape):
            raise ValueError(_mismatch(ref.shape.as_tuple(), value.shape.as_tuple()))
        return TensorSpec(ref.shape if getattr(self, "validate_shape", True) else value.shape,
                          ref.dtype)


def _mismatch(a, b):
    """TF's words for two static shapes that cannot be equal."""
    if len(a) != len(b):
        return "Shapes must be equal rank, but are %d and %d" % (len(a), len(b))
    i = next(i for i, (x, y) in enumerate(zip(a, b)) if x is not None and y is not None and x != y)
    return ("Dimension %d in both shapes must be equal, but are %d and %d. Shapes are %s and %s"
            % (i, a[i], b[i], format_dims(a), format_dims(b)))


@register
class Assign(_AssignBase):
    validate_shape: bool = True
    use_locking: bool = True

    def bind(self, ctx, op):
        store, var, xp = ctx.variables, variable_storage(ctx, op), ctx.xp_for(op)
        declared = op.inputs[0].shape

        def assign(value):
            current = store.get(var)
            if current is not None and current.shape == value.shape:
                current[...] = value  # in place: earlier reads in this run already happened
                return current
            if self.validate_shape and not declared.is_compatible_with(value.shape):
                raise errors.InvalidArgumentError(
                    None, op, "Assign requires shapes of both tensors to match. lhs shape= %s "
                    "rhs shape= %s" % (format_dims(declared.as_tuple()), format_dims(value.shape)))
            store[var] = xp.array(value, copy=True)
            return store[var]
        return assign


class _UpdateBase(_AssignBase):
    use_locking: bool = False
    ufunc = ""

    def bind(self, ctx, op):
        store, var, xp = ctx.variables, variable_storage(ctx, op), ctx.xp_for(op)
        fn = getattr(xp, self.ufunc)

        def update(value):
            try:
                current = store[var]
            except KeyError:
                raise uninitialized_error(var, op) from None
            if not _broadcasts_to(value.shape, current.shape):
                raise errors.InvalidArgumentError(
                    None, op, "%s requires shapes of both tensors to match. lhs shape= %s rhs "
                    "shape= %s" % (self.type_name, format_dims(current.shape), format_dims(value.shape)))
            fn(current, value, out=current)
            return current
        return update


def _broadcasts_to(src, dst):
    return len(src) <= len(dst) and all(s in (1, d) for s, d in zip(src[::-1], dst[::-1]))


@register
class AssignAdd(_UpdateBase):
    ufunc = "add"


@register
class AssignSub(_UpdateBase):
    ufunc = "subtract"


@register
class IsVariableInitialized(OpDef):
    tf_signature = TFSignature(type_attrs=())
    dtype: dtypes.DType
    stateful = True
    ref_inputs = (0,)
    host_outputs = True  # a host flag made without reading the variable's value

    def infer(self, ref):
        return TensorSpec([], dtypes.bool)

    def bind(self, ctx, op):
        store, var = ctx.variables, variable_storage(ctx, op)
        return lambda: np.bool_(var in store)  # a host scalar, whatever the device


@register
class UninitializedNames(OpDef):
    """The entries of `names` whose `initialized` flag is False (the last step of
    tf.report_uninitialized_variables; TF composes it from LogicalNot and boolean_mask)."""

    differentiable = False

    def infer(self, names, initialized):
        if names.dtype is not dtypes.string or initialized.dtype is not dtypes.bool:
            raise TypeError("expects string names and bool flags, got %s and %s"
                            % (names.dtype.name, initialized.dtype.name))
        if names.shape.ndims not in (None, 1) or not names.shape.is_compatible_with(
                initialized.shape):
            raise ValueError("names and flags must be vectors of one length, got %s and %s"
                             % (names.shape, initialized.shape))
        return TensorSpec([None], dtypes.string)

    def compute(self, xp, names, initialized):
        return names[xp.logical_not(initialized)]


# -- public functions ------------------------------------------------------------------------------

def variable_ref(ref):
    """The VariableV2 output behind a Variable (or a ref tensor passed as is)."""
    return ref._ref() if hasattr(ref, "_ref") else ref


def _update(opdef, ref, value, name, default_name):
    ref = variable_ref(ref)
    with name_scope(name, default_name, [ref, value]) as scope:
        value = convert_to_tensor(value, dtype=ref.dtype, name="value")
        return get_default_graph().create_op(opdef, [ref, value], name=scope).outputs[0]


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """tf.assign: an op setting the variable `ref` to `value` (its output is the new value).
    With validate_shape=False the variable may take a new shape."""
    opdef = Assign(validate_shape=validate_shape is not False, use_locking=use_locking is not False)
    return _update(opdef, ref, value, name, "Assign")


def assign_add(ref, value, use_locking=None, name=None):
    """tf.assign_add: an op adding `value` to the variable `ref` in place."""
    return _update(AssignAdd(use_locking=bool(use_locking)), ref, value, name, "AssignAdd")


def assign_sub(ref, value, use_locking=None, name=None):
    """tf.assign_sub: an op subtracting `value` from the variable `ref` in place."""
    return _update(AssignSub(use_locking=bool(use_locking)), ref, value, name, "AssignSub")


def is_variable_initialized(ref, name=None):
    """tf.is_variable_initialized: a bool scalar, True once the variable has a value in the
    session that runs it."""
    ref = variable_ref(ref)
    return get_default_graph().create_op(IsVariableInitialized(ref.dtype), [ref],
                                          name=name or "IsVariableInitialized").outputs[0]


@register
class InitializedValue(OpDef):
    """The variable's value once it is initialized, else its initial value (what TF1 builds
    with a cond on IsVariableInitialized, for initial values that read other variables)."""

    stateful = True
    fresh_output = False
    differentiable = False
    ref_inputs = (0,)

    def infer(self, ref, initial):
        if ref.dtype is not initial.dtype:
            raise TypeError("initial value of dtype %s for a %s variable"
                            % (initial.dtype.name, ref.dtype.name))
        return TensorSpec(ref.shape.merge_with(initial.shape), ref.dtype)

    def bind(self, ctx, op):
        store, var = ctx.variables, variable_storage(ctx, op)
        return lambda initial: store.get(var, initial)
