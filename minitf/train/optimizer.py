"""The Optimizer template of TF1: compute_gradients, apply_gradients, minimize, and slots (named
`<var>/<OptimizerName>` like TF, so checkpoints line up)."""

from minitf.framework.graph import (GraphKeys, control_dependencies, get_default_graph,
                                    name_scope)
from minitf.gradients import gradients
from minitf.ops import variables as variables_module
from minitf.ops.array_ops import zeros
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.control_ops import group
from minitf.ops.math_ops import cast


class Optimizer:
    """Base class. Subclasses implement `_create_slots(var_list)`, `_prepare()` and
    `_apply_dense(grad, var)` (returning the update op), as in TF1."""

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}
        self._non_slot = {}

    def get_name(self):
        return self._name

    # -- the three public steps ----------------------------------------------------------------
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """compute_gradients + apply_gradients; returns the training op."""
        grads_and_vars = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        if not [v for g, v in grads_and_vars if g is not None]:
            raise ValueError(
                "No gradients provided for any variable: the loss %s does not depend on %s "
                "(or only through ops without a gradient, such as argmax, casts to integers or "
                "tf.stop_gradient). Check that the loss is computed from these variables."
                % (getattr(loss, "name", loss), ", ".join(v.name for _, v in grads_and_vars)))
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """A list of (gradient or None, variable) pairs for `var_list` (default: the trainable
        variables)."""
        if callable(loss):
            raise TypeError("minitf optimizers take a loss Tensor, not a callable")
        loss = convert_to_tensor(loss)
        if var_list is None:
            var_list = variables_module.trainable_variables()
        else:
            var_list = list(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        for v in var_list:
            if not isinstance(v, variables_module.Variable):
                raise TypeError("Argument is not a tf.Variable: %r" % (v,))
        grads = gradients(loss, var_list, grad_ys=grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Adds the update ops; returns one op that runs them all (and increments
        `global_step` afterwards when given)."""
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        pairs = []
        for g, v in grads_and_vars:
            if g is not None:
                g = convert_to_tensor(g)
                if g.dtype is not v.dtype:
                    raise TypeError("Gradient %s has dtype %s but variable %s has dtype %s"
                                    % (g.name, g.dtype.name, v.name, v.dtype.name))
            pairs.append((g, v))
        var_list = [v for g, v in pairs if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: %s."
                             % ([str(v) for _, v in pairs],))
        with control_dependencies(None), name_scope(None):
            self._create_slots(var_list)
        with name_scope(name, self._name) as scope:
            self._prepare()
            update_ops = []
            for g, v in pairs:
                if g is None:
                    continue
                with name_scope("update_" + v.op.name):
                    update_ops.append(self._apply_dense(g, v))
            if global_step is None:
                train_op = self._finish(update_ops, scope)
            else:
                with control_dependencies([self._finish(update_ops, "update")]):
                    train_op = global_step.assign_add(
                        convert_to_tensor(1, dtype=global_step.dtype), name=scope).op
        train_ops = get_default_graph().get_collection_ref(GraphKeys.TRAIN_OP)
        if train_op not in train_ops:
            train_ops.append(train_op)
        return train_op

    # -- hooks for subclasses ------------------------------------------------------------------
    def _create_slots(self, var_list):
        pass

    def _prepare(self):
        pass

    def _apply_dense(self, grad, var):
        raise NotImplementedError

    def _finish(self, update_ops, name_scope):
        return group(*update_ops, name=name_scope)

    # -- slots ---------------------------------------------------------------------------------
    def _zeros_slot(self, var, slot_name, op_name):
        """A variable like `var`, initialised to zeros, named `<var>/<op_name>` (TF's naming)."""
        slots = self._slots.setdefault(slot_name, {})
        if var not in slots:
            slots[var] = self._make_slot(var, op_name, lambda: zeros(var.shape.as_list(), var.dtype))
        return slots[var]

    def _make_slot(self, var, op_name, initial):
        with name_scope(var.op.name + "/"):
            return variables_module.Variable(initial, trainable=False, name=op_name,
                                             dtype=var.dtype)

    def _get_or_make_slot(self, var, initial_value, slot_name, op_name):
        slots = self._slots.setdefault(slot_name, {})
        if var not in slots:
            slots[var] = self._make_slot(var, op_name, lambda: convert_to_tensor(initial_value, var.dtype))
        return slots[var]

    def get_slot(self, var, name):
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self):
        return sorted(self._slots)

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """A variable shared by all updates (Adam's beta1_power), created at the top level."""
        key = (name, colocate_with.graph)
        if key not in self._non_slot:
            with name_scope(None):
                self._non_slot[key] = variables_module.Variable(
                    initial_value, name=name, trainable=False)
        return self._non_slot[key]

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot.get((name, graph or get_default_graph()))

    def variables(self):
        """The optimizer's own variables (slots and non-slot ones), in creation order."""
        own = [v for slots in self._slots.values() for v in slots.values()]
        own += list(self._non_slot.values())
        return sorted(own, key=lambda v: v.name)

    def _cast_hyper(self, value, var, name):
        return cast(convert_to_tensor(value, name=name), var.dtype)
