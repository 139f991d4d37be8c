"""tf.train.ExponentialMovingAverage: shadow variables that follow variables (or tensors) as
exponential moving averages, updated by the op `apply` returns (TF1's moving_averages.py)."""

from minitf import dtypes
from minitf.framework.graph import GraphKeys, get_default_graph, name_scope
from minitf.framework.tensor import Tensor
from minitf.ops import variables as variables_module
from minitf.ops.array_ops import zeros
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.control_ops import group
from minitf.ops.init_ops import zeros_initializer
from minitf.ops.math_ops import cast, minimum, pow
from minitf.ops.state_ops import assign, assign_add, assign_sub
from minitf.ops.variable_scope import get_variable, variable_scope
from minitf.train.optimizer import make_slot, slot_shape

__all__ = ["ExponentialMovingAverage"]

_AVERAGED_DTYPES = (dtypes.float16, dtypes.float32, dtypes.float64)


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """variable -= (variable - value) * (1 - decay), in place, as one AssignSub (TF's order,
    so the bits are TF's). With `zero_debias`, the average of a value that starts at zero is
    divided by 1 - decay^t (TF's _zero_debias: `<variable>/biased` and `<variable>/local_step`
    variables beside it)."""
    # (not exported: tf.train has no assign_moving_average; TF1 keeps it in
    # tensorflow.python.training.moving_averages)
    with name_scope(name, "AssignMovingAvg", [variable, value, decay]) as scope:
        decay = convert_to_tensor(1.0 - decay, name="decay")
        if decay.dtype is not variable.dtype.base_dtype:
            decay = cast(decay, variable.dtype.base_dtype)
        if zero_debias:
            return _zero_debias(variable, value, decay, scope)
        return assign_sub(variable, (variable - value) * decay, name=scope)


def _zero_debias(unbiased, value, decay, scope):
    """Makes `unbiased` the zero-debiased average of `value` (TF 2's form): a biased average
    kept in `<unbiased>/biased`, divided by 1 - (1 - decay)^t, t counted in
    `<unbiased>/local_step`, assigned to `unbiased`."""
    with variable_scope(unbiased.op.name, values=[unbiased, value, decay]):
        biased = get_variable("biased", shape=unbiased.shape, dtype=unbiased.dtype.base_dtype,
                              initializer=zeros_initializer(), trainable=False)
        local_step = get_variable("local_step", shape=[], dtype=unbiased.dtype.base_dtype,
                                  initializer=zeros_initializer(), trainable=False)
    update_biased = assign_sub(biased, (biased - value) * decay)
    update_local_step = assign_add(local_step, 1)
    bias_factor = 1 - pow(1.0 - decay, update_local_step)
    return assign(unbiased, update_biased / bias_factor, name=scope)


class ExponentialMovingAverage:
    """Moving averages of variables or tensors: `apply(var_list)` makes for each a shadow
    variable `<name>/<ExponentialMovingAverage's name>` (a variable's starts at its initial
    value, a tensor's at zeros) and returns the op that updates them all:

        shadow -= (shadow - value) * (1 - decay)

    With `num_updates` (a tensor, usually the global step) the decay is min(decay, (1 +
    num_updates) / (10 + num_updates)), so early averages move faster. `average(v)` is the
    shadow variable; `variables_to_restore()` maps the shadows' names to the variables a Saver
    should load them into (evaluating with averaged weights)."""

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}

    @property
    def name(self):
        return self._name

    def apply(self, var_list=None):
        """Creates the shadow variables of `var_list` (default: the trainable variables) and
        returns the op updating them from the current values. float16/32/64 only, TypeError
        otherwise; a variable averaged twice by one ExponentialMovingAverage is a ValueError
        (as in TF 1.x; TF 2's compat.v1 reuses the shadow)."""
        if var_list is None:
            var_list = variables_module.trainable_variables()
        var_list = list(var_list)
        debiased = set()
        for var in var_list:
            if var.dtype.base_dtype not in _AVERAGED_DTYPES:
                raise TypeError("The variables must be half, float, or double: %s" % var.name)
            if var in self._averages:
                raise ValueError("Moving average already computed for: %s" % var.name)
            if isinstance(var, variables_module.Variable):
                average = make_slot(var, var.initialized_value, self._name)
                get_default_graph().add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
            elif isinstance(var, Tensor):
                shape = slot_shape(var)
                average = make_slot(var, lambda: zeros(shape, var.dtype.base_dtype),
                                    self._name)
                if self._zero_debias:
                    debiased.add(average)
            else:
                raise TypeError("ExponentialMovingAverage.apply takes variables and tensors, "
                                "got %r" % (var,))
            self._averages[var] = average
        with name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, name="decay")
            if self._num_updates is not None:
                num_updates = cast(self._num_updates, dtypes.float32, name="num_updates")
                decay = minimum(decay, (1.0 + num_updates) / (10.0 + num_updates))
            updates = [assign_moving_average(self._averages[var], var, decay,
                                             zero_debias=self._averages[var] in debiased)
                       for var in var_list]
            return group(*updates, name=scope)

    def average(self, var):
        """The shadow variable of `var`, or None when `apply` did not average it."""
        return self._averages.get(var)

    def average_name(self, var):
        """The name the shadow variable of `var` has (or would have): `<var>/<name>`, the key
        a Saver stores it under."""
        return var.op.name + "/" + self._name

    def variables_to_restore(self, moving_avg_variables=None):
        """{checkpoint name: variable} for a Saver that loads the averages into the variables
        themselves: each of `moving_avg_variables` (default: the trainable and moving-average
        variables) from its shadow's name, every other global variable from its own name."""
        if moving_avg_variables is None:
            moving_avg_variables = (variables_module.trainable_variables()
                                    + variables_module.moving_average_variables())
        averaged = set(moving_avg_variables)
        names = {self.average_name(v): v for v in averaged}
        for v in variables_module.global_variables():
            if v not in averaged and v.op.name not in names:
                names[v.op.name] = v
        return names
