"""tf.contrib.rnn: the names TF1 programs import the recurrent cells and static_rnn by, and
contrib's own additions: the block cells (drop-in LSTMCell / GRUCell replacements with the same
variables), the projection and embedding wrappers of the classic seq2seq programs, and the
stacked bidirectional RNNs."""

import math

from minitf.nn.rnn_cell import (BasicLSTMCell, BasicRNNCell, DropoutWrapper, GRUCell, LSTMCell,
                                LSTMStateTuple, MultiRNNCell, ResidualWrapper, RNNCell)
from minitf.ops import init_ops
from minitf.ops.array_ops import concat, reshape
from minitf.ops.embedding_ops import embedding_lookup
from minitf.ops.math_ops import matmul
from minitf.ops.nn_ops import bias_add
from minitf.ops.rnn import bidirectional_dynamic_rnn, static_bidirectional_rnn, static_rnn
from minitf.ops.rnn_cell_impl import _Wrapper
from minitf.ops.variable_scope import get_variable, get_variable_scope, variable_scope

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
           "DropoutWrapper", "ResidualWrapper", "LSTMStateTuple", "static_rnn",
           "static_bidirectional_rnn", "LSTMBlockCell", "GRUBlockCellV2",
           "OutputProjectionWrapper", "InputProjectionWrapper", "EmbeddingWrapper",
           "stack_bidirectional_dynamic_rnn", "stack_bidirectional_rnn"]


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
        if cell_size is None:
            cell_size = num_units
        if cell_size is None:
            raise ValueError("Must specify num_units or cell_size")
        super().__init__(cell_size, reuse=reuse, name=name)


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
