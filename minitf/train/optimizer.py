"""The Optimizer template of TF1: compute_gradients, apply_gradients, minimize, and slots (named
`<var>/<OptimizerName>` like TF, so checkpoints line up)."""

from minitf import dtypes
from minitf.framework.graph import (GraphKeys, control_dependencies, get_default_graph,
                                    name_scope)
from minitf.framework.indexed_slices import IndexedSlices
from minitf.framework.tensor import Tensor
from minitf.gradients import gradients
from minitf.ops import variables as variables_module
from minitf.ops.array_ops import shape, zeros
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.control_ops import group
from minitf.ops.math_ops import cast
from minitf.ops.segment_ops import unique, unsorted_segment_sum
from minitf.ops.variable_scope import get_variable_scope

__all__ = ["Optimizer"]

_VALID_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


class Optimizer:
    """Base class of the optimizers: TF1's compute_gradients / apply_gradients / minimize.

    Subclasses implement `_create_slots(var_list)`, `_prepare()` (convert hyperparameters to
    tensors, under the optimizer's name scope), `_apply_dense(grad, var)` (return the update
    op), `_apply_sparse(indexed_slices, var)` for sparse gradients, and may override `_finish`,
    as in TF1."""

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}      # slot name -> {variable: slot variable}
        self._non_slot = {}   # (name, graph) -> variable

    def get_name(self):
        return self._name

    # -- the three public steps ----------------------------------------------------------------
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Adds ops that compute the gradients of `loss` and apply them; returns the training op
        (which also increments `global_step` when given)."""
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
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
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             "Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not %s" % gate_gradients)
        loss = convert_to_tensor(loss)
        _check_dtype(loss, "loss %s" % loss.name)
        if var_list is None:
            var_list = variables_module.trainable_variables()
        else:
            var_list = _flatten(var_list)  # one Variable, or nested lists of them (TF's nest)
        if not var_list:
            raise ValueError("No variables to optimize.")
        for v in var_list:
            if not isinstance(v, variables_module.Variable):
                raise TypeError("Argument is not a tf.Variable: %r" % (v,))
        grads = gradients(loss, var_list, grad_ys=grad_loss)
        grads_and_vars = list(zip(grads, var_list))
        for g, v in grads_and_vars:
            if g is not None:
                _check_dtype(v, "variable %s" % v.name)
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Adds the update ops; returns one op that runs them all (and then increments
        `global_step` when given)."""
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        pairs = []
        for g, v in grads_and_vars:
            if g is not None:
                if not isinstance(g, IndexedSlices):
                    g = convert_to_tensor(g)
                if g.dtype is not v.dtype:
                    raise TypeError("Gradient %s has dtype %s but variable %s has dtype %s"
                                    % (g.name, g.dtype.name, v.name, v.dtype.name))
            pairs.append((g, v))
        var_list = [v for g, v in pairs if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: %s."
                             % ([str(v) for _, v in pairs],))
        # Slots are created outside any control-dependency context (TF's init_scope), in the
        # caller's name scope.
        with control_dependencies(None):
            self._create_slots(var_list)
        with name_scope(name, self._name) as scope:
            self._prepare()
            update_ops = []
            for g, v in pairs:
                if g is None:
                    continue
                with name_scope("update_" + v.op.name):
                    if isinstance(g, IndexedSlices):
                        update_ops.append(self._apply_sparse_duplicate_indices(g, v))
                    else:
                        update_ops.append(self._apply_dense(g, v))
            if global_step is None:
                train_op = self._finish(update_ops, scope)
            else:
                with control_dependencies([self._finish(update_ops, "update")]):
                    one = convert_to_tensor(1, dtype=global_step.dtype, name="value")
                    train_op = global_step.assign_add(one, name=scope).op
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

    def _apply_sparse_duplicate_indices(self, grad, var):
        """Applies an IndexedSlices gradient: repeated indices are summed first (a Unique and an
        UnsortedSegmentSum, as TF), then `_apply_sparse`. Optimizers whose update sums repeated
        rows by itself (GradientDescent's scatter_sub) override this instead."""
        unique_indices, positions = unique(grad.indices)
        summed = unsorted_segment_sum(grad.values, positions, shape(unique_indices)[0])
        return self._apply_sparse(IndexedSlices(summed, unique_indices, grad.dense_shape), var)

    def _apply_sparse(self, grad, var):
        """The update for an IndexedSlices gradient with distinct indices (TF's rule for each
        optimizer: only the rows named change, except where TF's formula says otherwise)."""
        raise NotImplementedError

    def _finish(self, update_ops, name_scope):
        return group(*update_ops, name=name_scope)

    # -- helpers for subclasses ----------------------------------------------------------------
    @staticmethod
    def _hyper(value, name):
        """A hyperparameter (a number, a Tensor, or a callable returning one) as a Tensor named
        `name` in the current scope; Python floats become float32, as in TF."""
        return convert_to_tensor(value() if callable(value) else value, name=name)

    @staticmethod
    def _fused_update(opdef, *inputs):
        """Adds the Apply* op `opdef` with `inputs` in its order (the variable first): the
        variable and slots are passed by reference, every other input but a sparse update's
        indices and a global step is cast to the variable's dtype, as TF does."""
        dtype = inputs[0].dtype
        args = [x._ref() if i in opdef.ref_inputs else
                convert_to_tensor(x) if opdef.input_names[i] in ("indices", "global_step") else
                cast(x, dtype)
                for i, x in enumerate(inputs)]
        return get_default_graph().create_op(opdef, args, name=opdef.type_name)

    # -- slots ---------------------------------------------------------------------------------
    def _zeros_slot(self, var, slot_name, op_name):
        """The slot `slot_name` of `var`, created as zeros named `<var>/<op_name>` (TF's
        naming) when it does not exist yet."""
        return self._get_or_make_slot(
            var, lambda: zeros(slot_shape(var), var.dtype), slot_name, op_name)

    def _get_or_make_slot(self, var, initial_value, slot_name, op_name):
        """The slot `slot_name` of `var`, created from `initial_value` (a value, or a callable
        building it under `<var>/<op_name>/Initializer`) when it does not exist yet."""
        slots = self._slots.setdefault(slot_name, {})
        if var not in slots:
            slots[var] = make_slot(var, initial_value, op_name)
        return slots[var]

    def get_slot(self, var, name):
        """The slot variable `name` created for `var`, or None."""
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self):
        """The names of the slots this optimizer creates, sorted."""
        return sorted(self._slots)

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """A variable shared by all updates (Adam's beta1_power), one per graph, created in the
        current name scope on the device of `colocate_with`."""
        key = (name, colocate_with.graph)
        if key not in self._non_slot:
            with colocate_with.graph.device(colocate_with.device):
                self._non_slot[key] = variables_module.Variable(
                    initial_value, name=name, trainable=False)
        return self._non_slot[key]

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot.get((name, graph or get_default_graph()))

    def variables(self):
        """The optimizer's variables in the default graph (slots and non-slot ones), sorted by
        name."""
        graph = get_default_graph()
        own = [v for slots in self._slots.values() for v in slots.values()]
        own += list(self._non_slot.values())
        return sorted((v for v in own if v.graph is graph), key=lambda v: v.name)


def _flatten(var_list):
    """`var_list` as a flat list: a single Variable becomes [v], nested lists / tuples are
    flattened and dicts give their values in key order, as TF1's nest.flatten does."""
    if isinstance(var_list, dict):
        return [v for k in sorted(var_list) for v in _flatten(var_list[k])]
    if isinstance(var_list, (list, tuple)):
        return [v for item in var_list for v in _flatten(item)]
    if (isinstance(var_list, (variables_module.Variable, Tensor))
            or not hasattr(var_list, "__iter__")):
        return [var_list]
    return list(var_list)  # a set, a generator, dict.values()...


def _check_dtype(t, what):
    if t.dtype not in _VALID_DTYPES:
        raise ValueError("Invalid type %s for %s, expected: %s."
                         % (t.dtype.name, what, ", ".join(d.name for d in _VALID_DTYPES)))


def make_slot(primary, initial_value, op_name):
    """A variable kept for `primary` (a variable or tensor: an optimizer's slot, a moving
    average), not trainable, named `<primary>/<op_name>` on primary's device, from
    `initial_value` (a value, or a callable building it under `<primary>/<op_name>/Initializer`).
    TF names it in the current variable scope (not the name scope): 'w/Adam' at the top,
    'scope/w/Adam' inside tf.variable_scope('scope')."""
    prefix = "/".join(p for p in (get_variable_scope().name, primary.op.name) if p)
    with name_scope(None), name_scope(prefix + "/"), primary.graph.device(primary.device):
        return variables_module.Variable(initial_value, trainable=False, name=op_name,
                                         dtype=primary.dtype.base_dtype)


def slot_shape(var):
    """The fully defined shape of `var` as a list, for building a slot's initial value."""
    if not var.shape.is_fully_defined():
        raise ValueError("Cannot create a slot for variable %s: its shape %s is not fully "
                         "defined." % (var.name, var.shape))
    return var.shape.as_list()
