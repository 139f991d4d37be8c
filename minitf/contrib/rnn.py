"""tf.contrib.rnn: the names TF1 programs import the recurrent cells and static_rnn by, and
contrib's own additions: the block cells (drop-in LSTMCell / GRUCell replacements with the same
variables), the projection and embedding wrappers of the classic seq2seq programs, and the
stacked bidirectional RNNs."""

import math

from minitf.framework import nest
from minitf.framework.shapes import TensorShape
from minitf.nn.rnn_cell import (BasicLSTMCell, BasicRNNCell, DropoutWrapper, GRUCell, LSTMCell,
                                LSTMStateTuple, MultiRNNCell, ResidualWrapper, RNNCell)
from minitf.ops import init_ops
from minitf.ops.array_ops import concat, expand_dims, reshape, split, stack, tile, unstack
from minitf.ops.conv3d_ops import conv3d
from minitf.ops.conv_ops import conv1d, conv2d
from minitf.ops.embedding_ops import embedding_lookup
from minitf.ops.math_ops import matmul, reduce_sum, sigmoid, tanh
from minitf.ops.nn_ops import bias_add, dropout, relu, softmax
from minitf.ops.rnn_cell_impl import _input_depth
from minitf.ops.rnn import (bidirectional_dynamic_rnn, dynamic_rnn, static_bidirectional_rnn,
                            static_rnn)
from minitf.ops.rnn_cell_impl import _Wrapper
from minitf.ops.variable_scope import get_variable, get_variable_scope, variable_scope

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
           "DropoutWrapper", "ResidualWrapper", "LSTMStateTuple", "static_rnn",
           "static_bidirectional_rnn", "LSTMBlockCell", "GRUBlockCellV2",
           "OutputProjectionWrapper", "InputProjectionWrapper", "EmbeddingWrapper",
           "stack_bidirectional_dynamic_rnn", "stack_bidirectional_rnn", "GRUBlockCell",
           "LayerNormBasicLSTMCell", "AttentionCellWrapper", "UGRNNCell", "IntersectionRNNCell",
           "NASCell", "IndRNNCell", "IndyLSTMCell", "IndyGRUCell", "LSTMBlockFusedCell",
           "ConvLSTMCell", "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell"]


def _linear(args, output_size, bias, bias_initializer=None, kernel_initializer=None):
    """TF 1.15's `rnn_cell_impl._linear` of contrib's cells and legacy_seq2seq: the 2-D `args`
    concatenated and multiplied by a `kernel` [total depth, output_size] made in the current
    variable scope, plus a `bias` (zeros unless `bias_initializer`) when `bias` is set."""
    if args is None or (isinstance(args, (list, tuple)) and not args):
        raise ValueError("`args` must be specified")
    if not isinstance(args, (list, tuple)):
        args = [args]
    total = 0
    shapes = [a.shape for a in args]
    for s in shapes:
        if s.ndims != 2:
            raise ValueError("linear is expecting 2D arguments: %s" % shapes)
        if s[1].value is None:
            raise ValueError("linear expects shape[1] to be provided for shape %s, but saw %s"
                             % (s, s[1]))
        total += s[1].value
    dtype = args[0].dtype
    kernel = get_variable("kernel", [total, output_size], dtype=dtype,
                          initializer=kernel_initializer)
    res = matmul(args[0] if len(args) == 1 else concat(args, 1), kernel)
    if not bias:
        return res
    biases = get_variable("bias", [output_size], dtype=dtype,
                          initializer=bias_initializer or init_ops.constant_initializer(0.0))
    return bias_add(res, biases)


class LSTMBlockCell(LSTMCell):
    """tf.contrib.rnn.LSTMBlockCell(num_units, forget_bias=1.0, cell_clip=None,
    use_peephole=False, dtype=None, reuse=None, name="lstm_cell"): TF's fused-kernel LSTM,
    whose variables (`lstm_cell/kernel`, `bias`, the peepholes) and results are LSTMCell's, so
    checkpoints move between the two; minitf runs LSTMCell's ops."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        super().__init__(num_units, use_peepholes=use_peephole,
                         cell_clip=cell_clip if cell_clip is not None and cell_clip > 0 else None,
                         forget_bias=forget_bias, reuse=reuse, name=name, dtype=dtype)


class GRUBlockCellV2(GRUCell):
    """tf.contrib.rnn.GRUBlockCellV2(num_units=None, cell_size=None, reuse=None,
    name="gru_cell"): TF's fused-kernel GRU with GRUCell's variables and results."""

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        if (cell_size is None) == (num_units is None):  # (TF's GRUBlockCell's check)
            raise ValueError("Exactly one of num_units or cell_size must be provided.")
        super().__init__(num_units if cell_size is None else cell_size, reuse=reuse, name=name)


class _Projecting(RNNCell):
    """A cell with its own scope around another, adding a dense layer (`kernel`, `bias`
    initialized to zeros, in this cell's scope) to its inputs or outputs."""

    def __init__(self, cell, size, activation=None, reuse=None):
        super().__init__(_reuse=reuse)
        if not isinstance(cell, RNNCell):
            raise TypeError("The parameter cell is not RNNCell.")
        if size < 1:
            raise ValueError("Parameter output_size must be > 0: %d." % size)
        self._cell = cell
        self._size = size
        self._activation = activation
        self._dense = None

    state_size = property(lambda self: self._cell.state_size)

    zero_state = _Wrapper.zero_state  # (the wrapped cell's, in a `<Class>ZeroState` scope)

    def _project(self, x):
        if self._dense is None:
            depth = x.shape[-1].value
            dtype = x.dtype.base_dtype  # (not the cell's inputs' type: ids for an embedding)
            self._dense = (self.add_variable("kernel", [depth, self._size], dtype=dtype),
                           self.add_variable("bias", [self._size], dtype=dtype,
                                             initializer=init_ops.zeros_initializer()))
        projected = bias_add(matmul(x, self._dense[0]), self._dense[1])
        return self._activation(projected) if self._activation else projected


class OutputProjectionWrapper(_Projecting):
    """tf.contrib.rnn.OutputProjectionWrapper(cell, output_size, activation=None): the cell's
    output through a dense layer of `output_size` units (`output_projection_wrapper/kernel`)."""

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(cell, output_size, activation, reuse)

    output_size = property(lambda self: self._size)

    def call(self, inputs, state):
        output, new_state = self._cell(inputs, state)
        return self._project(output), new_state


class InputProjectionWrapper(_Projecting):
    """tf.contrib.rnn.InputProjectionWrapper(cell, num_proj, activation=None,
    input_size=None): the inputs through a dense layer of `num_proj` units
    (`input_projection_wrapper/kernel`) before the cell."""

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        super().__init__(cell, num_proj, activation, reuse)

    output_size = property(lambda self: self._cell.output_size)

    def call(self, inputs, state):
        return self._cell(self._project(inputs), state)


class EmbeddingWrapper(RNNCell):
    """tf.contrib.rnn.EmbeddingWrapper(cell, embedding_classes, embedding_size,
    initializer=None): integer inputs looked up in an `embedding` variable
    [embedding_classes, embedding_size] (initialized uniformly in +-sqrt(3) unless an
    initializer is given here or by the scope) before the cell."""

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(_reuse=reuse)
        if not isinstance(cell, RNNCell):
            raise TypeError("The parameter cell is not RNNCell.")
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError("Both embedding_classes and embedding_size must be > 0: %d, %d."
                             % (embedding_classes, embedding_size))
        self._cell = cell
        self._classes = embedding_classes
        self._size = embedding_size
        self._initializer = initializer
        self._embedding = None

    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)

    zero_state = _Wrapper.zero_state  # (the wrapped cell's, in a `<Class>ZeroState` scope)

    def call(self, inputs, state):
        if self._embedding is None:  # (made on the first call, as the cell's own variables)
            initializer = self._initializer or get_variable_scope().initializer or \
                init_ops.random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
            dtype = (state[0] if isinstance(state, tuple) else state).dtype
            self._embedding = self.add_variable("embedding", [self._classes, self._size],
                                                dtype=dtype, initializer=initializer)
        embedded = embedding_lookup(self._embedding, reshape(inputs, [-1]))
        return self._cell(embedded, state)


def _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for states in (initial_states_fw, initial_states_bw):
        if states is not None and (not isinstance(states, list) or len(states) != len(cells_fw)):
            raise ValueError("initial_states_fw must be a list of state tensors (one per "
                             "layer)." if states is initial_states_fw else
                             "initial_states_bw must be a list of state tensors (one per "
                             "layer).")


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                    initial_states_bw=None, dtype=None, sequence_length=None,
                                    parallel_iterations=None, time_major=False, scope=None,
                                    swap_memory=False):
    """Bidirectional dynamic RNN layers, each reading the concatenated forward and backward
    outputs of the one below (scopes `stack_bidirectional_rnn/cell_<i>/bidirectional_rnn/fw`
    ...). Returns (outputs, forward states, backward states), a state per layer."""
    _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer = inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with variable_scope("cell_%d" % i):
                outputs, (state_fw, state_bw) = bidirectional_dynamic_rnn(
                    cell_fw, cell_bw, layer,
                    initial_state_fw=initial_states_fw[i] if initial_states_fw else None,
                    initial_state_bw=initial_states_bw[i] if initial_states_bw else None,
                    sequence_length=sequence_length, parallel_iterations=parallel_iterations,
                    dtype=dtype, swap_memory=swap_memory, time_major=time_major)
                layer = concat(outputs, 2)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                            initial_states_bw=None, dtype=None, sequence_length=None,
                            scope=None):
    """stack_bidirectional_dynamic_rnn over a list of time steps (static_bidirectional_rnn per
    layer); returns (outputs as a list, forward states, backward states)."""
    _check_stack(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    if not inputs:
        raise ValueError("inputs must not be empty")
    states_fw, states_bw = [], []
    layer = inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with variable_scope("cell_%d" % i) as cell_scope:
                layer, state_fw, state_bw = static_bidirectional_rnn(
                    cell_fw, cell_bw, layer,
                    initial_state_fw=initial_states_fw[i] if initial_states_fw else None,
                    initial_state_bw=initial_states_bw[i] if initial_states_bw else None,
                    sequence_length=sequence_length, dtype=dtype, scope=cell_scope)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer, tuple(states_fw), tuple(states_bw)


# -- contrib's other cells (TF 1.15's contrib/rnn/python/ops/rnn_cell.py and gru_ops.py) ----

class GRUBlockCell(GRUBlockCellV2):
    """tf.contrib.rnn.GRUBlockCell(num_units=None, cell_size=None, reuse=None,
    name="gru_cell"): TF's fused-kernel GRU under its first variable names (`w_ru`, `b_ru`
    initialized to 1, `w_c`, `b_c`); the computation is GRUCell's."""

    def build(self, inputs_shape):
        depth = inputs_shape[1].value if inputs_shape.ndims == 2 else None
        if depth is None:
            raise ValueError("Expecting input_size to be set.")
        n = self._num_units
        self._gate_kernel = self.add_variable("w_ru", [depth + n, 2 * n])
        self._gate_bias = self.add_variable("b_ru", [2 * n],
                                            initializer=init_ops.constant_initializer(1.0))
        self._candidate_kernel = self.add_variable("w_c", [depth + n, n])
        self._candidate_bias = self.add_variable("b_c", [n],
                                                 initializer=init_ops.constant_initializer(0.0))
        self.built = True


def _input_size(inputs):
    size = inputs.shape.with_rank(2)[1].value
    if size is None:
        raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
    return size


class LayerNormBasicLSTMCell(RNNCell):
    """tf.contrib.rnn.LayerNormBasicLSTMCell(num_units, forget_bias=1.0, input_size=None,
    activation=tanh, layer_norm=True, norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0,
    dropout_prob_seed=None, reuse=None): BasicLSTMCell with each gate's pre-activation (and
    the new cell state) layer-normalized (Ba et al. 2016; `input/gamma`, `input/beta`,
    `transform/`, `forget/`, `output/`, `state/`, no `bias` then) and recurrent dropout on the
    candidate (Semeniuta et al. 2016)."""

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=tanh,
                 layer_norm=True, norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0,
                 dropout_prob_seed=None, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._activation = activation
        self._forget_bias = forget_bias
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift

    state_size = property(lambda self: LSTMStateTuple(self._num_units, self._num_units))
    output_size = property(lambda self: self._num_units)

    def _norm(self, inp, scope, dtype):
        from minitf.contrib.layers.layers import layer_norm  # (contrib.layers imports us)
        shape = inp.shape[-1:]
        with variable_scope(scope):
            get_variable("gamma", shape=shape, dtype=dtype,
                         initializer=init_ops.constant_initializer(self._norm_gain))
            get_variable("beta", shape=shape, dtype=dtype,
                         initializer=init_ops.constant_initializer(self._norm_shift))
        return layer_norm(inp, reuse=True, scope=scope)

    def call(self, inputs, state):
        c, h = state
        args = concat([inputs, h], 1)
        dtype = args.dtype
        out_size = 4 * self._num_units
        kernel = get_variable("kernel", [args.shape[-1].value, out_size], dtype=dtype)
        gates = matmul(args, kernel)
        if not self._layer_norm:
            gates = bias_add(gates, get_variable("bias", [out_size], dtype=dtype))
        i, j, f, o = split(gates, 4, axis=1)
        if self._layer_norm:
            i, j, f, o = (self._norm(g, name, dtype) for g, name in
                          zip((i, j, f, o), ("input", "transform", "forget", "output")))
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = dropout(g, self._keep_prob, seed=self._seed)
        new_c = c * sigmoid(f + self._forget_bias) + sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state", dtype)
        new_h = self._activation(new_c) * sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class AttentionCellWrapper(RNNCell):
    """tf.contrib.rnn.AttentionCellWrapper(cell, attn_length, attn_size=None,
    attn_vec_size=None, input_size=None, state_is_tuple=True, reuse=None): the cell reading
    linear(input, previous read) (`kernel`) and attending over its last `attn_length` outputs
    (Bahdanau et al.; `attention/attn_w`, `attn_v`, `attention/kernel`); the output is
    linear(cell output, read) (`attn_output_projection/kernel`). The state is (cell state,
    read, the window of outputs flattened)."""

    def __init__(self, cell, attn_length, attn_size=None, attn_vec_size=None, input_size=None,
                 state_is_tuple=True, reuse=None):
        super().__init__(_reuse=reuse)
        if not isinstance(cell, RNNCell):
            raise TypeError("The parameter cell is not RNNCell.")
        if nest.is_sequence(cell.state_size) and not state_is_tuple:
            raise ValueError("Cell returns tuple of states, but the flag state_is_tuple is not "
                             "set. State size is: %s" % str(cell.state_size))
        if attn_length <= 0:
            raise ValueError("attn_length should be greater than zero, got %s"
                             % str(attn_length))
        self._cell = cell
        self._state_is_tuple = state_is_tuple
        self._attn_size = cell.output_size if attn_size is None else attn_size
        self._attn_vec_size = self._attn_size if attn_vec_size is None else attn_vec_size
        self._input_size = input_size
        self._attn_length = attn_length

    @property
    def state_size(self):
        size = (self._cell.state_size, self._attn_size, self._attn_size * self._attn_length)
        return size if self._state_is_tuple else sum(size)

    output_size = property(lambda self: self._attn_size)

    def call(self, inputs, state):
        if self._state_is_tuple:
            state, attns, attn_states = state
        else:
            sizes = [self._cell.state_size, self._attn_size,
                     self._attn_size * self._attn_length]
            state, attns, attn_states = split(state, sizes, axis=1)
        attn_states = reshape(attn_states, [-1, self._attn_length, self._attn_size])
        input_size = self._input_size or inputs.shape.as_list()[1]
        cell_output, new_state = self._cell(_linear([inputs, attns], input_size, True), state)
        query = concat(nest.flatten(new_state), 1) if self._state_is_tuple else new_state
        new_attns, new_attn_states = self._attention(query, attn_states)
        with variable_scope("attn_output_projection"):
            output = _linear([cell_output, new_attns], self._attn_size, True)
        new_attn_states = reshape(concat([new_attn_states, expand_dims(output, 1)], 1),
                                  [-1, self._attn_length * self._attn_size])
        new_state = (new_state, new_attns, new_attn_states)
        if not self._state_is_tuple:
            new_state = concat(list(new_state), 1)
        return output, new_state

    def _attention(self, query, attn_states):
        with variable_scope("attention"):
            k = get_variable("attn_w", [1, 1, self._attn_size, self._attn_vec_size])
            v = get_variable("attn_v", [self._attn_vec_size])
            hidden = reshape(attn_states, [-1, self._attn_length, 1, self._attn_size])
            features = conv2d(hidden, k, [1, 1, 1, 1], "SAME")
            y = reshape(_linear(query, self._attn_vec_size, True),
                        [-1, 1, 1, self._attn_vec_size])
            weights = softmax(reduce_sum(v * tanh(features + y), [2, 3]))
            read = reduce_sum(reshape(weights, [-1, self._attn_length, 1, 1]) * hidden, [1, 2])
            return reshape(read, [-1, self._attn_size]), attn_states[:, 1:, :]


class UGRNNCell(RNNCell):
    """tf.contrib.rnn.UGRNNCell(num_units, initializer=None, forget_bias=1.0,
    activation=tanh, reuse=None): the update-gate RNN of Collins et al. 2017: g, c =
    linear([x, h]) (`kernel`, `bias`); h' = s(g + forget_bias) h + (1 - s(.)) act(c)."""

    def __init__(self, num_units, initializer=None, forget_bias=1.0, activation=tanh,
                 reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._activation = activation

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def call(self, inputs, state):
        _input_size(inputs)
        with variable_scope(get_variable_scope(), initializer=self._initializer):
            g_act, c_act = split(_linear([inputs, state], 2 * self._num_units, True), 2, axis=1)
            g = sigmoid(g_act + self._forget_bias)
            new_state = g * state + (1.0 - g) * self._activation(c_act)
        return new_state, new_state


class IntersectionRNNCell(RNNCell):
    """tf.contrib.rnn.IntersectionRNNCell(num_units, num_in_proj=None, initializer=None,
    forget_bias=1.0, y_activation=relu, reuse=None): the +RNN of Collins et al. 2017, gated
    through time (the state) and through depth (the output, so input size = num_units, or an
    `in_projection/kernel` when num_in_proj is set)."""

    def __init__(self, num_units, num_in_proj=None, initializer=None, forget_bias=1.0,
                 y_activation=relu, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._num_input_proj = num_in_proj
        self._y_activation = y_activation

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def call(self, inputs, state):
        n = self._num_units
        with variable_scope(get_variable_scope(), initializer=self._initializer):
            if _input_size(inputs) != n:
                if not self._num_input_proj:
                    raise ValueError("Must have input size == output size for Intersection "
                                     "RNN. To fix, num_in_proj should be set to num_units at "
                                     "cell init.")
                with variable_scope("in_projection"):
                    inputs = _linear(inputs, n, True)
            gh_act, h_act, gy_act, y_act = split(_linear([inputs, state], 4 * n, True), 4,
                                                 axis=1)
            gh = sigmoid(gh_act + self._forget_bias)
            gy = sigmoid(gy_act + self._forget_bias)
            new_state = gh * state + (1.0 - gh) * tanh(h_act)
            new_y = gy * inputs + (1.0 - gy) * self._y_activation(y_act)
        return new_y, new_state


class NASCell(RNNCell):
    """tf.contrib.rnn.NASCell(num_units, num_proj=None, use_biases=False, reuse=None): the
    recurrent cell found by Neural Architecture Search (Zoph & Le 2017): eight branches of
    `kernel` x and `recurrent_kernel` h (`bias` with use_biases) combined in TF's tree;
    `projection_weights` with num_proj."""

    def __init__(self, num_units, num_proj=None, use_biases=False, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._num_proj = num_proj
        self._use_biases = use_biases
        self._state_size = LSTMStateTuple(num_units, num_units if num_proj is None else num_proj)

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._state_size.h)

    def call(self, inputs, state):
        c_prev, m_prev = state
        dtype = inputs.dtype
        n = self._num_units
        w_m = get_variable("recurrent_kernel", [self._state_size.h, 8 * n], dtype)
        w_inputs = get_variable("kernel", [_input_size(inputs), 8 * n], dtype)
        m = matmul(m_prev, w_m)
        if self._use_biases:
            m = bias_add(m, get_variable("bias", [8 * n], dtype,
                                         initializer=init_ops.zeros_initializer()))
        x = split(matmul(inputs, w_inputs), 8, axis=1)
        m = split(m, 8, axis=1)
        layer1 = [sigmoid(x[0] + m[0]), relu(x[1] + m[1]), sigmoid(x[2] + m[2]),
                  relu(x[3] * m[3]), tanh(x[4] + m[4]), sigmoid(x[5] + m[5]),
                  tanh(x[6] + m[6]), sigmoid(x[7] + m[7])]
        l2_0 = tanh(tanh(layer1[0] * layer1[1]) + c_prev)
        l2_1 = tanh(layer1[2] + layer1[3])
        l2_2 = tanh(layer1[4] * layer1[5])
        l2_3 = sigmoid(layer1[6] + layer1[7])
        new_c = l2_0 * l2_1
        new_m = tanh(new_c * tanh(l2_2 + l2_3))
        if self._num_proj is not None:
            new_m = matmul(new_m, get_variable("projection_weights", [n, self._num_proj], dtype))
        return new_m, LSTMStateTuple(new_c, new_m)


class _IndependentCell(RNNCell):
    """The Indy cells' common parts: `kernel_w` [depth, gates * num_units], the diagonal
    recurrent weights `kernel_u` [1, gates * num_units] (uniform in [-1, 1]) and `bias`."""

    _gates = 1

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)
        self._num_units = num_units
        self._activation = activation or tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(inputs_shape, self)
        size = self._gates * self._num_units
        self._kernel_w = self.add_variable("kernel_w", [depth, size],
                                           initializer=self._kernel_initializer)
        self._kernel_u = self.add_variable("kernel_u", [1, size],
                                           initializer=init_ops.random_uniform_initializer(-1, 1))
        self._bias = self.add_variable("bias", [size], initializer=self._bias_initializer or
                                       init_ops.zeros_initializer())
        self.built = True

    def _pre_activations(self, inputs, h):
        return bias_add(matmul(inputs, self._kernel_w) + tile(h, [1, self._gates]) *
                        self._kernel_u, self._bias)


class IndRNNCell(_IndependentCell):
    """tf.contrib.rnn.IndRNNCell(num_units, activation=None, reuse=None, name=None,
    dtype=None): Li et al.'s independently recurrent cell, h' = act(W x + u * h + b) (tanh
    by default), with `kernel_w`, `kernel_u`, `bias`."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name=name, dtype=dtype)

    state_size = property(lambda self: self._num_units)

    def call(self, inputs, state):
        output = self._activation(self._pre_activations(inputs, state))
        return output, output


class IndyLSTMCell(_IndependentCell):
    """tf.contrib.rnn.IndyLSTMCell(num_units, forget_bias=1.0, activation=None, reuse=None,
    kernel_initializer=None, bias_initializer=None, name=None, dtype=None): BasicLSTMCell
    whose recurrent weights are diagonal (`kernel_w`, `kernel_u`, `bias`)."""

    _gates = 4

    def __init__(self, num_units, forget_bias=1.0, activation=None, reuse=None,
                 kernel_initializer=None, bias_initializer=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, kernel_initializer, bias_initializer,
                         name, dtype)
        self._forget_bias = forget_bias

    state_size = property(lambda self: LSTMStateTuple(self._num_units, self._num_units))

    def call(self, inputs, state):
        c, h = state
        i, j, f, o = split(self._pre_activations(inputs, h), 4, axis=1)
        new_c = c * sigmoid(f + self._forget_bias) + sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class IndyGRUCell(_IndependentCell):
    """tf.contrib.rnn.IndyGRUCell(num_units, activation=None, reuse=None,
    kernel_initializer=None, bias_initializer=None, name=None, dtype=None): GRUCell whose
    recurrent weights are diagonal (`gates/kernel_w`, `gates/kernel_u`, `gates/bias`
    initialized to 1, `candidate/kernel`, `candidate/kernel_u`, `candidate/bias`)."""

    state_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(inputs_shape, self)
        n = self._num_units
        uniform = init_ops.random_uniform_initializer(-1, 1)
        self._gate_w = self.add_variable("gates/kernel_w", [depth, 2 * n],
                                         initializer=self._kernel_initializer)
        self._gate_u = self.add_variable("gates/kernel_u", [1, 2 * n], initializer=uniform)
        self._gate_b = self.add_variable("gates/bias", [2 * n], initializer=(
            self._bias_initializer or init_ops.constant_initializer(1.0)))
        self._candidate_w = self.add_variable("candidate/kernel", [depth, n],
                                              initializer=self._kernel_initializer)
        self._candidate_u = self.add_variable("candidate/kernel_u", [1, n], initializer=uniform)
        self._candidate_b = self.add_variable("candidate/bias", [n], initializer=(
            self._bias_initializer or init_ops.zeros_initializer()))
        self.built = True

    def call(self, inputs, state):
        gates = sigmoid(bias_add(matmul(inputs, self._gate_w) + tile(state, [1, 2]) *
                                 self._gate_u, self._gate_b))
        r, u = split(gates, 2, axis=1)
        c = self._activation(bias_add(matmul(inputs, self._candidate_w) + r * state *
                                      self._candidate_u, self._candidate_b))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class LSTMBlockFusedCell:
    """tf.contrib.rnn.LSTMBlockFusedCell(num_units, forget_bias=1.0, cell_clip=None,
    use_peephole=False, reuse=None, dtype=None, name="lstm_fused_cell"): LSTMBlockCell run
    over a whole time-major sequence in one call: `cell(inputs [time, batch, depth] (or a list
    of steps), initial_state=None, dtype=None, sequence_length=None)` returns (outputs in the
    inputs' form, LSTMStateTuple of the final state), its variables `lstm_fused_cell/kernel`,
    `bias` (and the peepholes). Outputs past an entry's length are zeros and its final state
    is the state at its length, as TF's; minitf runs the steps in a while loop."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 reuse=None, dtype=None, name="lstm_fused_cell"):
        self._num_units = num_units
        self._name = name
        self._cell = LSTMBlockCell(num_units, forget_bias=forget_bias, cell_clip=cell_clip,
                                   use_peephole=use_peephole, dtype=dtype, reuse=reuse,
                                   name=name)

    num_units = property(lambda self: self._num_units)
    variables = property(lambda self: self._cell.variables)
    trainable_variables = property(lambda self: self._cell.trainable_variables)

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None):
        is_list = isinstance(inputs, list)
        if is_list:
            inputs = stack(inputs)
        dims = inputs.shape.with_rank(3)
        if not dims[2].value:
            raise ValueError("Expecting inputs_shape[2] to be set: %s" % dims)
        if initial_state is None:
            if dtype is None:
                raise ValueError("Either initial_state or dtype needs to be specified")
        elif len(initial_state) != 2:
            raise ValueError("Expecting initial_state to be a tuple with length 2 or None")
        else:
            initial_state = LSTMStateTuple(*initial_state)
        if self._cell._scope is None:  # (the layer's scope, made unique in the current one)
            with variable_scope(None, default_name=self._name) as captured:
                self._cell._scope = captured
        outputs, state = dynamic_rnn(self._cell, inputs, sequence_length=sequence_length,
                                     initial_state=initial_state, dtype=dtype,
                                     time_major=True, scope=self._cell._scope)
        return (unstack(outputs) if is_list else outputs), state


class ConvLSTMCell(RNNCell):
    """tf.contrib.rnn.ConvLSTMCell(conv_ndims, input_shape, output_channels, kernel_shape,
    use_bias=True, skip_connection=False, forget_bias=1.0, initializers=None,
    name="conv_lstm_cell"): an LSTM whose gates are SAME convolutions of [input, h] (Shi et
    al. 2015; `kernel` [*kernel_shape, in + out channels, 4 * out], `biases`); the state is
    (c, h) of shape input_shape[:-1] + [output_channels]."""

    def __init__(self, conv_ndims, input_shape, output_channels, kernel_shape, use_bias=True,
                 skip_connection=False, forget_bias=1.0, initializers=None,
                 name="conv_lstm_cell"):
        super().__init__(name=name)
        if conv_ndims != len(input_shape) - 1:
            raise ValueError("Invalid input_shape {} for conv_ndims={}.".format(input_shape,
                                                                                conv_ndims))
        self._conv_ndims = conv_ndims
        self._input_shape = list(input_shape)
        self._output_channels = output_channels
        self._kernel_shape = list(kernel_shape)
        self._use_bias = use_bias
        self._forget_bias = forget_bias
        self._skip_connection = skip_connection
        channels = output_channels + (input_shape[-1] if skip_connection else 0)
        state = TensorShape(self._input_shape[:-1] + [output_channels])
        self._state_size = LSTMStateTuple(state, state)
        self._output_size = TensorShape(self._input_shape[:-1] + [channels])

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._output_size)

    def call(self, inputs, state):
        cell, hidden = state
        args = [inputs, hidden]
        shapes = [a.shape.as_list() for a in args]
        rank = len(shapes[0])
        for s in shapes:
            if len(s) not in (3, 4, 5):
                raise ValueError("Conv Linear expects 3D, 4D or 5D arguments: %s" % str(shapes))
            if len(s) != rank:
                raise ValueError("Conv Linear expects all args to be of same Dimension: %s"
                                 % str(shapes))
        depth = sum(s[-1] for s in shapes)
        n = 4 * self._output_channels
        kernel = get_variable("kernel", self._kernel_shape + [depth, n], dtype=inputs.dtype)
        x = concat(args, rank - 1)
        if rank == 3:
            gates = conv1d(x, kernel, 1, padding="SAME")
        elif rank == 4:
            gates = conv2d(x, kernel, [1] * 4, padding="SAME")
        else:
            gates = conv3d(x, kernel, [1] * 5, padding="SAME")
        if self._use_bias:
            gates = gates + get_variable("biases", [n], dtype=inputs.dtype,
                                         initializer=init_ops.constant_initializer(0.0))
        i, j, f, o = split(gates, 4, axis=self._conv_ndims + 1)
        new_cell = sigmoid(f + self._forget_bias) * cell + sigmoid(i) * tanh(j)
        output = tanh(new_cell) * sigmoid(o)
        if self._skip_connection:
            output = concat([output, inputs], axis=-1)
        return output, LSTMStateTuple(new_cell, output)


class Conv1DLSTMCell(ConvLSTMCell):
    """ConvLSTMCell with conv_ndims=1 (inputs [batch, width, channels]). As in TF 1.15, its
    `name` argument is not passed on: the scope is `conv_lstm_cell`."""

    def __init__(self, name="conv_1d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=1, **kwargs)


class Conv2DLSTMCell(ConvLSTMCell):
    """ConvLSTMCell with conv_ndims=2 (inputs [batch, height, width, channels]); scope
    `conv_lstm_cell` as in TF 1.15."""

    def __init__(self, name="conv_2d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=2, **kwargs)


class Conv3DLSTMCell(ConvLSTMCell):
    """ConvLSTMCell with conv_ndims=3; scope `conv_lstm_cell` as in TF 1.15."""

    def __init__(self, name="conv_3d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=3, **kwargs)
