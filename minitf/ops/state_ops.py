"""Variable storage ops: VariableV2 (reads the session's value), Assign, AssignAdd, AssignSub and
IsVariableInitialized. A variable's value lives in the Session, keyed by its VariableV2 op."""

import numpy as np

from minitf import dtypes, errors
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import TensorShape, format_dims
from minitf.framework.tensor import TensorSpec


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
    while ref.type == "Identity":  # a ref passed through tf.identity still names the variable
        ref = ref.inputs[0].op
    if ref.type != "VariableV2":
        raise TypeError("%s needs a variable as input %d, got the output of %s (%s)"
                        % (op.type, ref_index, ref.name, ref.type))
    return ref


class _AssignBase(OpDef):
    stateful = True
    fresh_output = False
    ref_inputs = (0,)

    def infer(self, ref, value):
        if ref.dtype is not value.dtype:
            raise TypeError("Input 'value' of '%s' Op has type %s that does not match type %s "
                            "of argument 'ref'" % (self.type_name, value.dtype.name, ref.dtype.name))
        if getattr(self, "validate_shape", True) and not ref.shape.is_compatible_with(value.shape):
            raise ValueError("Shapes must be equal rank, but are %s and %s"
                             % (format_dims(ref.shape.as_tuple()), format_dims(value.shape.as_tuple())))
        return TensorSpec(ref.shape if getattr(self, "validate_shape", True) else value.shape,
                          ref.dtype)


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
    use_locking: bool = False
    ufunc = "add"


@register
class AssignSub(_UpdateBase):
    use_locking: bool = False
    ufunc = "subtract"


@register
class IsVariableInitialized(OpDef):
    dtype: dtypes.DType
    stateful = True
    ref_inputs = (0,)

    def infer(self, ref):
        return TensorSpec([], dtypes.bool)

    def bind(self, ctx, op):
        store, var = ctx.variables, variable_storage(ctx, op)
        return lambda: np.bool_(var in store)  # a host scalar, whatever the device
