"""tf.nn.rnn_cell: the RNNCell base class (user-subclassable: `call`, `state_size`,
`output_size`) and TF1's cells and wrappers, with TF1's variable names
(`rnn/basic_lstm_cell/kernel`, `.../bias`) so TF1 checkpoints of these models load.

A cell's variables live in the variable scope it captures on its first call (`<current
scope>/<cell name>`, made unique like a layer's); every later call, at any time step or in any
scope, re-enters that scope with reuse, so one cell object means one set of weights."""

import collections
import hashlib
import numbers

from minitf import dtypes
from minitf.framework import nest
from minitf.framework.func_graph import base_graph
from minitf.framework.graph import get_default_graph, name_scope
from minitf.framework.shapes import TensorShape
from minitf.framework.tensor import Tensor
from minitf.framework.tensor_util import constant_value
from minitf.ops import init_ops
from minitf.ops.array_ops import concat, expand_dims, slice as slice_, split, zeros
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.math_ops import add, clip_by_value, matmul, multiply, sigmoid, tanh
from minitf.ops.nn_ops import bias_add, dropout
from minitf.ops.variable_scope import get_variable, variable_scope

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
           "DropoutWrapper", "ResidualWrapper", "LSTMStateTuple"]


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """The state of an LSTM cell: `c` (the cell state) and `h` (the output)."""

    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype is not h.dtype:
            raise TypeError("Inconsistent internal state: %s vs %s" % (c.dtype, h.dtype))
        return c.dtype


def _snake_case(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or
                                   (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _zero_state_tensors(state_size, batch_size, dtype):
    """Zeros of shape [batch_size, size] for every size in the nested `state_size`; a size may
    be a scalar tensor (an attention mechanism's alignments over a memory of unknown length)."""
    static_batch = constant_value(batch_size) if isinstance(batch_size, Tensor) else batch_size

    def make(size):
        if isinstance(size, Tensor):
            static_size = constant_value(size)
            dims = [None if static_size is None else int(static_size)]
            inner = expand_dims(size, 0)
        else:
            dims = TensorShape(size).as_list() if not isinstance(size, numbers.Integral) \
                else [size]
            inner = constant(dims, dtypes.int32)
        if isinstance(batch_size, Tensor) or isinstance(size, Tensor):
            batch = expand_dims(convert_to_tensor(batch_size, dtypes.int32), 0)
            shape = concat([batch, inner], 0)
        else:
            shape = [batch_size] + dims
        z = zeros(shape, dtype)
        z.set_shape([None if static_batch is None else int(static_batch)] + dims)
        return z
    return nest.map_structure(make, state_size)


class RNNCell:
    """The abstract recurrent cell: `output, new_state = cell(inputs, state)`.

    Subclasses define `state_size` and `output_size` (ints, TensorShapes, or nested tuples of
    them) and `call(inputs, state)`; they create variables in `build(inputs_shape)` with
    `add_variable` (or with tf.get_variable inside `call`). `__call__` opens the cell's scope,
    builds once, and reuses the variables on every later call."""

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        if kwargs.pop("_reuse", None) not in (None, True, False):
            raise ValueError("reuse must be True, False or None")
        if kwargs:
            raise TypeError("Unknown keyword arguments: %s" % ", ".join(sorted(kwargs)))
        self._name = name
        self._trainable = trainable
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self._scope = None
        self._variables = []
        self.built = False

    # -- what subclasses define -----------------------------------------------------------------
    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def build(self, inputs_shape):
        self.built = True

    def call(self, inputs, state):
        raise NotImplementedError("Subclasses of RNNCell implement call(inputs, state)")

    # -- calling --------------------------------------------------------------------------------
    @property
    def name(self):
        return self._scope.name if self._scope is not None else (
            self._name or _snake_case(type(self).__name__))

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, inputs, state, scope=None):
        """(output, new_state) of one step, in the cell's own variable scope."""
        if self._scope is None:
            if scope is not None:  # an explicit scope holds the variables directly, as in TF
                with variable_scope(scope) as captured:
                    self._scope = captured
            else:
                with variable_scope(None, default_name=self._name or
                                    _snake_case(type(self).__name__)) as captured:
                    self._scope = captured
        # Variables made in the cell's scope by get_variable (in `call`, as contrib's cells do,
        # or by the cells it wraps) are the cell's too, as TF's layers track them.
        made = base_graph(get_default_graph()).get_collection_ref("variables")
        before = len(made)
        with variable_scope(self._scope, reuse=True if self.built else None,
                            auxiliary_name_scope=False):
            with name_scope(self._scope.original_name_scope):
                if not self.built:
                    inputs_t = nest.map_structure(convert_to_tensor, inputs)
                    if self._dtype is None:
                        self._dtype = nest.flatten(inputs_t)[0].dtype
                    self.build(nest.map_structure(lambda t: t.shape, inputs_t))
                    self.built = True
                result = self.call(inputs, state)
        prefix = self._scope.name + "/"
        self._variables.extend(v for v in made[before:] if v.op.name.startswith(prefix)
                               and v not in self._variables)
        return result

    def add_variable(self, name, shape, dtype=None, initializer=None, trainable=None, **kwargs):
        """A variable of this cell (tf.get_variable in the cell's scope), tracked in
        `variables`."""
        var = get_variable(name, shape=shape, dtype=dtype or self._dtype or dtypes.float32,
                           initializer=initializer,
                           trainable=self._trainable if trainable is None else trainable)
        self._variables.append(var)
        return var

    add_weight = add_variable

    @property
    def variables(self):
        return list(self._variables)

    weights = variables

    @property
    def trainable_variables(self):
        return [v for v in self._variables if v in v.graph.get_collection("trainable_variables")]

    trainable_weights = trainable_variables

    def zero_state(self, batch_size, dtype):
        """Zeros in the structure of `state_size`, each [batch_size, size], under the name
        scope `<CellClass>ZeroState`."""
        with name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return _zero_state_tensors(self.state_size, batch_size, dtype)


def _input_depth(inputs_shape, cell):
    depth = TensorShape(inputs_shape)[-1] if TensorShape(inputs_shape).ndims else None
    depth = getattr(depth, "value", depth)
    if depth is None:
        raise ValueError("Expected inputs.shape[-1] to be known, saw shape: %s" % (inputs_shape,))
    return int(depth)


class BasicRNNCell(RNNCell):
    """output = new_state = activation(W [inputs, state] + b) (variables `kernel`, `bias`)."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._activation = activation or tanh

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(inputs_shape, self)
        self._kernel = self.add_variable("kernel", [depth + self._num_units, self._num_units])
        self._bias = self.add_variable("bias", [self._num_units],
                                       initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        gate_inputs = bias_add(matmul(concat([inputs, state], 1), self._kernel), self._bias)
        output = self._activation(gate_inputs)
        return output, output


class BasicLSTMCell(RNNCell):
    """The LSTM of Zaremba et al. (no peepholes, no projection): gates i, j, f, o from one
    `kernel` and `bias`, with `forget_bias` added to f."""

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation or tanh

    @property
    def state_size(self):
        return (LSTMStateTuple(self._num_units, self._num_units) if self._state_is_tuple
                else 2 * self._num_units)

    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(inputs_shape, self)
        self._kernel = self.add_variable("kernel", [depth + self._num_units, 4 * self._num_units])
        self._bias = self.add_variable("bias", [4 * self._num_units],
                                       initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = split(state, 2, axis=1)
        gate_inputs = bias_add(matmul(concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = split(gate_inputs, 4, axis=1)
        forget_bias = constant(self._forget_bias, dtype=f.dtype)
        new_c = add(multiply(c, sigmoid(add(f, forget_bias))),
                    multiply(sigmoid(i), self._activation(j)))
        new_h = multiply(self._activation(new_c), sigmoid(o))
        new_state = (LSTMStateTuple(new_c, new_h) if self._state_is_tuple
                     else concat([new_c, new_h], 1))
        return new_h, new_state


class LSTMCell(RNNCell):
    """TF1's full LSTM: optional diagonal peepholes (`w_f_diag`, `w_i_diag`, `w_o_diag`), cell
    clipping, and a projection of the output (`projection/kernel`, optional clip)."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise NotImplementedError("minitf's LSTMCell does not shard its variables")
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation or tanh

    @property
    def state_size(self):
        h = self._num_proj or self._num_units
        return LSTMStateTuple(self._num_units, h) if self._state_is_tuple else self._num_units + h

    output_size = property(lambda self: self._num_proj or self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(inputs_shape, self)
        h_depth = self._num_proj or self._num_units
        self._kernel = self.add_variable("kernel", [depth + h_depth, 4 * self._num_units],
                                         initializer=self._initializer)
        self._bias = self.add_variable("bias", [4 * self._num_units],
                                       initializer=init_ops.zeros_initializer())
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", [self._num_units],
                                               initializer=self._initializer)
            self._w_i_diag = self.add_variable("w_i_diag", [self._num_units],
                                               initializer=self._initializer)
            self._w_o_diag = self.add_variable("w_o_diag", [self._num_units],
                                               initializer=self._initializer)
        if self._num_proj is not None:
            self._proj_kernel = self.add_variable("projection/kernel",
                                                  [self._num_units, self._num_proj],
                                                  initializer=self._initializer)
        self.built = True

    def call(self, inputs, state):
        num_proj = self._num_proj or self._num_units
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = slice_(state, [0, 0], [-1, self._num_units])
            m_prev = slice_(state, [0, self._num_units], [-1, num_proj])
        lstm_matrix = bias_add(matmul(concat([inputs, m_prev], 1), self._kernel), self._bias)
        i, j, f, o = split(lstm_matrix, 4, axis=1)
        act = self._activation
        if self._use_peepholes:
            c = (sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev
                 + sigmoid(i + self._w_i_diag * c_prev) * act(j))
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * act(j)
        if self._cell_clip is not None:
            c = clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * act(c)
        else:
            m = sigmoid(o) * act(c)
        if self._num_proj is not None:
            m = matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else concat([c, m], 1)
        return m, new_state


class GRUCell(RNNCell):
    """The GRU of Cho et al.: reset and update gates from `gates/kernel`, `gates/bias` (bias
    initialized to 1), the candidate from `candidate/kernel`, `candidate/bias`."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._activation = activation or tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(inputs_shape, self)
        n = self._num_units
        self._gate_kernel = self.add_variable("gates/kernel", [depth + n, 2 * n],
                                              initializer=self._kernel_initializer)
        self._gate_bias = self.add_variable(
            "gates/bias", [2 * n],
            initializer=self._bias_initializer or init_ops.constant_initializer(1.0))
        self._candidate_kernel = self.add_variable("candidate/kernel", [depth + n, n],
                                                   initializer=self._kernel_initializer)
        self._candidate_bias = self.add_variable(
            "candidate/bias", [n],
            initializer=self._bias_initializer or init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        gates = sigmoid(bias_add(matmul(concat([inputs, state], 1), self._gate_kernel),
                                 self._gate_bias))
        r, u = split(gates, 2, axis=1)
        candidate = bias_add(matmul(concat([inputs, r * state], 1), self._candidate_kernel),
                             self._candidate_bias)
        c = self._activation(candidate)
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """Cells stacked: the output of cell i is the input of cell i + 1, each in its scope
    `cell_<i>`; the state is the tuple of the cells' states."""

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_sequence(cells):
            raise TypeError("cells must be a list or tuple, but saw: %s." % (cells,))
        if len(set(id(c) for c in cells)) < len(cells):
            pass  # TF only warns: the same cell twice shares its weights
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    output_size = property(lambda self: self._cells[-1].output_size)

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return super().zero_state(batch_size, dtype)

    @property
    def variables(self):
        return [v for cell in self._cells for v in cell.variables]

    @property
    def trainable_variables(self):
        return [v for cell in self._cells for v in cell.trainable_variables]

    def call(self, inputs, state):
        position = 0
        current = inputs
        new_states = []
        for i, cell in enumerate(self._cells):
            with variable_scope("cell_%d" % i):
                if self._state_is_tuple:
                    if not nest.is_sequence(state):
                        raise ValueError("Expected state to be a tuple of length %d, but "
                                         "received: %s" % (len(self.state_size), state))
                    cell_state = state[i]
                else:
                    cell_state = slice_(state, [0, position], [-1, cell.state_size])
                    position += cell.state_size
                current, new_state = cell(current, cell_state)
                new_states.append(new_state)
        return current, (tuple(new_states) if self._state_is_tuple else concat(new_states, 1))


class _Wrapper(RNNCell):
    """A cell around another: it has no scope or variables of its own (the wrapped cell's
    names are unchanged, as in TF1)."""

    def __init__(self, cell):
        super().__init__()
        if not (isinstance(cell, RNNCell) or callable(cell)):
            raise TypeError("The parameter cell is not a RNNCell.")
        self._cell = cell

    cell = property(lambda self: self._cell)
    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return self._cell.zero_state(batch_size, dtype)

    @property
    def variables(self):
        return self._cell.variables

    @property
    def trainable_variables(self):
        return self._cell.trainable_variables

    def __call__(self, inputs, state, scope=None):
        return self.call_wrapped(inputs, state, scope)


class DropoutWrapper(_Wrapper):
    """Dropout on the cell's inputs, outputs and state (of an LSTMStateTuple, only `h`, as TF's
    default filter), each with its keep probability; `seed` makes it repeat."""

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__(cell)
        if variational_recurrent:
            raise NotImplementedError("minitf's DropoutWrapper has no variational_recurrent")
        for name, p in (("input_keep_prob", input_keep_prob),
                        ("output_keep_prob", output_keep_prob),
                        ("state_keep_prob", state_keep_prob)):
            if isinstance(p, numbers.Real) and not 0 < p <= 1:
                raise ValueError("Parameter %s must be between 0 and 1: %f" % (name, p))
        self._input_keep_prob = input_keep_prob
        self._output_keep_prob = output_keep_prob
        self._state_keep_prob = state_keep_prob
        self._seed = seed
        self._filter = dropout_state_filter_visitor or (
            lambda s: LSTMStateTuple(c=False, h=True) if isinstance(s, LSTMStateTuple) else True)

    def _gen_seed(self, salt_prefix, index):
        if self._seed is None:
            return None
        salt = "%s_%d" % (salt_prefix, index)
        return int(hashlib.md5((str(self._seed) + salt).encode()).hexdigest()[:8], 16) & 0x7FFFFFFF

    @staticmethod
    def _should_drop(p):
        return not (isinstance(p, numbers.Real) and p == 1)

    def _dropout(self, values, salt, keep_prob, mask=None):
        flat = nest.flatten(values)
        keep = nest.flatten(mask) if mask is not None else [True] * len(flat)
        out = [dropout(v, keep_prob=keep_prob, seed=self._gen_seed(salt, i)) if k else v
               for i, (v, k) in enumerate(zip(flat, keep))]
        return nest.pack_sequence_as(values, out)

    def call_wrapped(self, inputs, state, scope):
        if self._should_drop(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", self._input_keep_prob)
        output, new_state = self._cell(inputs, state, scope=scope)
        if self._should_drop(self._state_keep_prob):
            mask = nest.map_structure(self._filter, new_state) if not isinstance(
                new_state, LSTMStateTuple) else self._filter(new_state)
            new_state = self._dropout(new_state, "state", self._state_keep_prob, mask)
        if self._should_drop(self._output_keep_prob):
            output = self._dropout(output, "output", self._output_keep_prob)
        return output, new_state


class ResidualWrapper(_Wrapper):
    """output = inputs + cell's output (or `residual_fn(inputs, output)`); the state is the
    cell's."""

    def __init__(self, cell, residual_fn=None):
        super().__init__(cell)
        self._residual_fn = residual_fn

    def call_wrapped(self, inputs, state, scope):
        output, new_state = self._cell(inputs, state, scope=scope)

        def default(i, o):
            i, o = convert_to_tensor(i), convert_to_tensor(o)
            if not i.shape.is_compatible_with(o.shape):
                raise ValueError("ResidualWrapper: the input shape %s and the output shape %s "
                                 "differ" % (i.shape, o.shape))
            return i + o
        if self._residual_fn is not None:
            return self._residual_fn(inputs, output), new_state
        nest.assert_same_structure(inputs, output)
        return nest.map_structure(default, inputs, output), new_state
