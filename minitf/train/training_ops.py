"""Fused optimizer update ops (ApplyGradientDescent, ...): each updates its variable in place."""

from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.state_ops import uninitialized_error, variable_storage


class ApplyOp(OpDef):
    """An in-place update of a variable (input 0) and its slots (inputs listed in ref_inputs).
    Subclasses implement `update(xp, var, *slots_and_values)` writing into var and slots."""

    stateful = True
    fresh_output = False
    differentiable = False
    ref_inputs = (0,)

    def infer(self, var, *args):
        for i, t in enumerate(args):
            if t.dtype is not var.dtype:
                raise TypeError("Input %d of %s has type %s that does not match type %s of the "
                                "variable" % (i + 1, self.type_name, t.dtype.name, var.dtype.name))
        grad = args[-1]
        if not var.shape.is_compatible_with(grad.shape):
            raise ValueError("var and grad do not have the same shape: %s vs %s"
                             % (format_dims(var.shape.as_tuple()), format_dims(grad.shape.as_tuple())))
        return TensorSpec(var.shape, var.dtype)

    def bind(self, ctx, op):
        store, xp = ctx.variables, ctx.xp_for(op)
        refs = [variable_storage(ctx, op, i) for i in self.ref_inputs]
        update = self.update

        def apply(*values):
            try:
                states = [store[r] for r in refs]
            except KeyError:
                missing = next(r for r in refs if r not in store)
                raise uninitialized_error(missing, op) from None
            update(xp, *states, *values)
            return states[0]
        return apply

    def update(self, xp, var, *args):
        raise NotImplementedError


@register
class ApplyGradientDescent(ApplyOp):
    use_locking: bool = False

    def update(self, xp, var, alpha, delta):
        var -= alpha * delta
