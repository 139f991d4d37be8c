"""tf.layers.Layer: the base of the TF1 layer classes. A layer owns its variables, made by its
first call in a variable scope named after it (`conv2d`, `conv2d_1`... when no name is given);
later calls reuse them and put their ops in the first call's name scope, as TF1 layers do."""

from minitf import dtypes
from minitf.framework.graph import GraphKeys, add_to_collection, name_scope
from minitf.framework.tensor import Tensor
from minitf.ops.array_ops import shape
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.math_ops import cast
from minitf.ops.variable_scope import get_variable, variable_scope

__all__ = ["Layer"]


class Layer:
    """Subclasses set `_default_name` and implement `build(inputs)` (make variables with
    `add_weight`) and `call(inputs, **kwargs)`."""

    _default_name = "layer"

    def __init__(self, trainable=True, name=None, activity_regularizer=None, _reuse=None):
        self.trainable = trainable
        self.name = name
        self.activity_regularizer = activity_regularizer
        self._reuse = _reuse
        self._scope = None  # the VariableScope of the first call, re-entered by later ones
        # The function forms (tf.layers.dense, conv2d, ...) set this to their `name` (TF's
        # `_scope`): their variables live in exactly that scope, so a second call with the same
        # name and no reuse raises; a layer object's name is only the default of a unique one.
        self._scope_name = None
        self._weights = []
        self.updates = []

    @property
    def built(self):
        return self._scope is not None

    @property
    def variables(self):
        return list(self._weights)

    weights = variables

    @property
    def trainable_variables(self):
        return [v for v in self._weights if v.trainable] if self.trainable else []

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self):
        trainable = set(map(id, self.trainable_variables))
        return [v for v in self._weights if id(v) not in trainable]

    non_trainable_weights = non_trainable_variables

    def _kernel_and_bias(self, activation, use_bias, kernel_initializer, bias_initializer,
                         kernel_regularizer, bias_regularizer, kernel_constraint,
                         bias_constraint):
        """The options of a layer with a kernel and a bias (Dense, the convolutions), kept as
        TF1's attribute names; the variables themselves come with the first call."""
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.kernel = None
        self.bias = None

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None):
        v = get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                         regularizer=regularizer, constraint=constraint,
                         trainable=trainable and self.trainable)
        self._weights.append(v)
        return v

    def add_update(self, update):
        """Records an update op (a moving average) in `updates` and tf.GraphKeys.UPDATE_OPS."""
        self.updates.append(update)
        add_to_collection(GraphKeys.UPDATE_OPS, update)

    def build(self, inputs):
        pass

    def call(self, inputs, **kwargs):
        raise NotImplementedError

    def __call__(self, inputs, *args, **kwargs):
        inputs = convert_to_tensor(inputs)
        if self._scope is None:
            if self._scope_name is not None:
                scope_of_first_call = variable_scope(self._scope_name, reuse=self._reuse)
            elif self._reuse:
                scope_of_first_call = variable_scope(self.name or self._default_name,
                                                     reuse=True)
            else:  # TF1: Dense(name='x') twice makes x/kernel and x_1/kernel
                scope_of_first_call = variable_scope(None,
                                                     default_name=self.name or self._default_name)
            with scope_of_first_call as scope:
                self._scope = scope
                self.name = scope.name.split("/")[-1]
                self.build(inputs)
                return self._regularized(self.call(inputs, *args, **kwargs))
        with variable_scope(self._scope, reuse=True, auxiliary_name_scope=False), \
                name_scope(self._scope.original_name_scope):
            return self._regularized(self.call(inputs, *args, **kwargs))

    def _apply_in(self, scope, inputs, **kwargs):
        """Builds (on the first call) and calls the layer in `scope`, a variable scope the
        caller has entered already, its ops in the caller's name scope: how tf.contrib.layers'
        functions run these layers (TF passes them `_scope`)."""
        inputs = convert_to_tensor(inputs)
        if self._scope is None:
            self._scope = scope
            self.name = scope.name.split("/")[-1]
            self.build(inputs)
        return self._regularized(self.call(inputs, **kwargs))

    def _regularized(self, outputs):
        if self.activity_regularizer is not None:
            with name_scope("ActivityRegularizer"):
                loss = self.activity_regularizer(outputs)
                # Keras (and so TF 1.15's tf.layers) averages the activity loss over the batch.
                batch = cast(shape(outputs)[0], loss.dtype)
                add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss / batch)
        return outputs


def check_floating(layer, inputs):
    if not inputs.dtype.is_floating:
        raise TypeError("Unable to build `%s` layer with non-floating point dtype %s"
                        % (type(layer).__name__, inputs.dtype.name))


def is_tensor_like(value):
    """A Tensor or a Variable (whose value is a tensor)."""
    return isinstance(value, Tensor) or hasattr(value, "_ref")


def smart_cond(pred, true_fn, false_fn, what="training"):
    """true_fn() or false_fn() for a Python bool; tf.cond for a bool tensor."""
    if is_tensor_like(pred):
        pred = convert_to_tensor(pred)
        if pred.dtype is not dtypes.bool:
            raise TypeError("`%s` must be a Python bool or a bool tensor, got a %s tensor (%s)"
                            % (what, pred.dtype.name, pred.name))
        try:
            from minitf.ops.control_flow_ops import cond
        except ImportError:
            raise NotImplementedError(
                "`%s` given as a tensor (%s) needs tf.cond, which this minitf does not have "
                "yet; pass a Python bool (True while training, False at test) instead"
                % (what, pred.name)) from None
        return cond(pred, true_fn, false_fn)
    return true_fn() if pred else false_fn()
