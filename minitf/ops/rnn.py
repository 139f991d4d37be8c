"""Running a cell over a sequence: tf.nn.static_rnn (one copy of the cell per time step, sharing
its variables), tf.nn.dynamic_rnn (a tf.while_loop over the time axis), tf.nn.raw_rnn (a
while_loop driven by a user's loop_fn), and the sequence helpers tf.sequence_mask and
tf.reverse_sequence."""

from minitf import dtypes
from minitf.framework import nest
from minitf.framework.graph import control_dependencies, name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import (concat, expand_dims, gather, identity, reverse, shape, stack,
                                  transpose, unstack, zeros)
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.control_flow_ops import build_while_loop
from minitf.ops.logging_ops import Assert
from minitf.ops.math_ops import (cast, equal, less, less_equal, logical_not, logical_or, maximum,
                                 range as range_, reduce_all, reduce_max, where)
from minitf.ops.op_util import check_int_dtype, rank_error
from minitf.ops.rnn_cell_impl import _zero_state_tensors
from minitf.ops.tensor_array_ops import TensorArray, from_flows
from minitf.ops.variable_scope import variable_scope

__all__ = ["static_rnn", "static_bidirectional_rnn", "dynamic_rnn", "bidirectional_dynamic_rnn", "raw_rnn", "sequence_mask",
           "reverse_sequence"]


# -- sequences ---------------------------------------------------------------------------------

def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """tf.sequence_mask: mask[..., j] = j < lengths[...], with maxlen columns (default: the
    largest length)."""
    with name_scope(name, "SequenceMask", [lengths, maxlen]):
        lengths = convert_to_tensor(lengths)
        if maxlen is None:
            maxlen = reduce_max(lengths)
            maxlen = maximum(constant(0, maxlen.dtype), maxlen)
        else:
            maxlen = convert_to_tensor(maxlen)
        if maxlen.shape.ndims not in (None, 0):
            raise ValueError("maxlen must be scalar for sequence_mask")
        row = range_(constant(0, maxlen.dtype), maxlen, constant(1, maxlen.dtype))
        result = less(row, cast(expand_dims(lengths, -1), maxlen.dtype))
        dtype = dtypes.as_dtype(dtype)
        return result if dtype is dtypes.bool else cast(result, dtype)


@register
class ReverseSequence(OpDef):
    """Reverses the first seq_lengths[b] entries along `seq_dim` of each slice b along
    `batch_dim`; the rest stay in place."""

    seq_dim: int = 1
    batch_dim: int = 0

    def infer(self, x, seq_lengths):
        check_int_dtype(seq_lengths, "seq_lengths")
        rank = x.shape.ndims
        if seq_lengths.shape.ndims not in (None, 1):
            raise rank_error(1, seq_lengths.shape.ndims, " for 'ReverseSequence' (seq_lengths)")
        if rank is not None:
            for what, d in (("seq_dim", self.seq_dim), ("batch_dim", self.batch_dim)):
                if not 0 <= d < rank:
                    raise ValueError("Invalid %s %d for input of rank %d" % (what, d, rank))
            if self.seq_dim == self.batch_dim:
                raise ValueError("seq_dim and batch_dim must differ, both are %d" % self.seq_dim)
            if not x.shape[self.batch_dim].is_compatible_with(seq_lengths.shape[0]):
                raise ValueError("Length of seq_lengths != input.dims(%d), (%s vs. %s)"
                                 % (self.batch_dim, seq_lengths.shape[0], x.shape[self.batch_dim]))
        return TensorSpec(x.shape, x.dtype)

    def compute(self, xp, x, seq_lengths):
        b, s = self.batch_dim, self.seq_dim
        if seq_lengths.shape != (x.shape[b],):
            raise ValueError("Length of seq_lengths != input.dims(%d), (%d vs. %d)"
                             % (b, seq_lengths.size, x.shape[b]))
        lengths = seq_lengths.astype(xp.int64)
        bad = (lengths > x.shape[s]) | (lengths < 0)
        if bad.any():
            i = int(xp.argmax(bad))
            raise ValueError("seq_lens(%d) > input.dims(%d) (%d vs. %d)"
                             % (i, s, int(lengths[i]), x.shape[s]) if lengths[i] >= 0 else
                             "seq_lens(%d) < 0 (%d)" % (i, int(lengths[i])))
        t = xp.arange(x.shape[s])
        index = xp.where(t[None, :] < lengths[:, None], lengths[:, None] - 1 - t[None, :],
                         t[None, :])                       # [batch, time]
        if b > s:
            index = index.T
        dims = [1] * x.ndim
        dims[b], dims[s] = x.shape[b], x.shape[s]
        index = xp.broadcast_to(index.reshape(dims), x.shape)
        return xp.take_along_axis(x, index, axis=s)

    def grad(self, op, dy):
        return [self(dy, op.inputs[1], name="ReverseSequence"), None]


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """tf.reverse_sequence: reverses each batch entry's first seq_lengths[i] steps along
    `seq_axis` (lengths longer than that axis are an InvalidArgumentError at run time)."""
    seq_axis = seq_axis if seq_axis is not None else seq_dim
    batch_axis = batch_axis if batch_axis is not None else (batch_dim or 0)
    if seq_axis is None:
        raise ValueError("reverse_sequence needs seq_axis")
    with name_scope(name, "ReverseSequence", [input, seq_lengths]) as scope:
        x = convert_to_tensor(input, name="input")
        rank = x.shape.ndims
        if rank is not None:
            seq_axis, batch_axis = seq_axis % rank, batch_axis % rank
        lengths = convert_to_tensor(seq_lengths, name="seq_lengths")
        return ReverseSequence(int(seq_axis), int(batch_axis))(x, lengths, name=scope)


# -- static_rnn --------------------------------------------------------------------------------

def _batch_size(first_input):
    dims = first_input.shape
    if dims.ndims == 1:  # (TF's exception for EmbeddingWrapper's ids, in legacy_seq2seq)
        return dims[0].value if dims[0].value is not None else shape(first_input)[0]
    if dims.ndims is not None:
        if dims.ndims < 2:
            raise rank_error(2, dims.ndims, ": each input of an RNN is [batch_size, input_size]",
                             at_least=True)
        if dims[-1].value is None:
            raise ValueError("Input size (second dimension of inputs[0]) must be accessible via "
                             "shape inference, but saw value None.")
        if dims[0].value is not None:
            return dims[0].value
    return shape(first_input)[0]


def _zero_output(output_size, batch_size, dtype):
    # (the zeros of a cell's output past a sequence's end: made like its zero state, so sizes
    # may be ints or TensorShapes, as ConvLSTMCell's are)
    return _zero_state_tensors(output_size, batch_size, dtype)


def copy_some_through(time, sequence_length, zero_output, new_output, state, new_state):
    """TF's rule past a sequence's end: its output is zero and its state is copied through."""
    copy = time >= sequence_length
    output = nest.map_structure(lambda z, o: where(copy, z, o), zero_output, new_output)
    # TensorArrays and scalars in the state (AttentionWrapper's alignment history and time)
    # pass through as TF's: they are not per batch entry.
    state = nest.map_structure(
        lambda s, n: n if isinstance(n, TensorArray) or convert_to_tensor(n).shape.ndims == 0
        else where(copy, s, n), state, new_state)
    return output, state


def check_initial_state(cell, initial_state):
    """`initial_state`, after checking it has the structure of the cell's state_size."""
    try:
        nest.assert_same_structure(initial_state, cell.state_size)
    except (ValueError, TypeError) as e:
        raise ValueError("initial_state does not have the structure of the cell's state_size "
                         "%s: %s" % (cell.state_size, e)) from None
    return initial_state


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """tf.nn.static_rnn: the cell applied to each of the `inputs` (a list of [batch, depth]
    tensors, one per time step) in the variable scope `scope` (default "rnn"); returns
    (outputs, final state). With `sequence_length`, steps past an entry's length give zero
    outputs and leave its state as it was (the final state is the state at its length)."""
    if not callable(cell):
        raise TypeError("cell must be an instance of RNNCell")
    if not nest.is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    outputs = []
    with variable_scope(scope or "rnn"):
        inputs = [nest.map_structure(convert_to_tensor, x) for x in inputs]
        first = nest.flatten(inputs[0])[0]
        batch_size = _batch_size(first)
        if initial_state is not None:
            state = check_initial_state(cell, initial_state)
        else:
            if not dtype:
                raise ValueError("If no initial_state is provided, dtype must be specified")
            state = cell.zero_state(batch_size, dtype)
        if sequence_length is not None:
            sequence_length = cast(sequence_length, dtypes.int32)
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError("sequence_length must be a vector of length batch_size, but "
                                 "saw shape: %s" % format_dims(sequence_length.shape.as_tuple()))
            sequence_length = identity(sequence_length, name="sequence_length")
            zero_output = _zero_output(cell.output_size, batch_size,
                                       dtype or nest.flatten(state)[0].dtype)
        for time, input_ in enumerate(inputs):
            output, new_state = cell(input_, state)
            if sequence_length is not None:
                output, new_state = copy_some_through(time, sequence_length, zero_output,
                                                      output, state, new_state)
            nest.assert_same_structure(state, new_state)
            state = new_state
            outputs.append(output)
    return outputs, state


def _reverse_steps(steps, lengths):
    """The list of per-step tensors (or structures of them) in reverse order; with `lengths`,
    each batch entry's first `lengths` steps reversed and the rest left in place (TF's
    _reverse_seq: one reverse_sequence over the stacked steps)."""
    if lengths is None:
        return list(reversed(steps))
    flat_steps = [nest.flatten(step) for step in steps]
    reversed_parts = []
    for part in zip(*flat_steps):  # each flattened component over the time steps
        for x in part:
            x.set_shape(part[0].shape)
        r = reverse_sequence(stack(part), lengths, seq_axis=0, batch_axis=1)
        pieces = unstack(r)
        for x in pieces:
            x.set_shape(part[0].shape)
        reversed_parts.append(pieces)
    return [nest.pack_sequence_as(steps[0], list(step)) for step in zip(*reversed_parts)]


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """tf.nn.static_bidirectional_rnn: static_rnn forward (scope `fw`) and over the reversed
    steps (scope `bw`, each entry reversed within its length), under `scope` (default
    "bidirectional_rnn"); returns (outputs, state_fw, state_bw), each output the forward and
    backward outputs of its step concatenated along depth."""
    if not callable(cell_fw):
        raise TypeError("cell_fw must be an instance of RNNCell")
    if not callable(cell_bw):
        raise TypeError("cell_bw must be an instance of RNNCell")
    if not nest.is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                             sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_steps(inputs, sequence_length)
            reversed_output, state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw,
                                                   dtype, sequence_length, scope=bw_scope)
    output_bw = _reverse_steps(reversed_output, sequence_length)
    outputs = [nest.pack_sequence_as(fw, [concat([a, b], 1) for a, b in
                                          zip(nest.flatten(fw), nest.flatten(bw))])
               for fw, bw in zip(output_fw, output_bw)]
    return outputs, state_fw, state_bw


# -- dynamic_rnn -------------------------------------------------------------------------------

def _transpose_batch_time(x):
    """[batch, time, ...] <-> [time, batch, ...]."""
    rank = x.shape.ndims
    return transpose(x, [1, 0] + list(range(2, rank)))


def _check_rnn_input(x):
    dims = x.shape
    if dims.ndims is None:
        raise ValueError("dynamic_rnn needs the rank of its inputs at graph-build time; %s has "
                         "unknown rank" % x.name)
    if dims.ndims < 3:
        raise rank_error(3, dims.ndims, " for the inputs %s of dynamic_rnn (inputs are [batch, "
                         "time, depth], or [time, batch, depth] with time_major=True), saw "
                         "shape: %s" % (x.name, format_dims(dims.as_tuple())), at_least=True)
    if dims[2].value is None:
        raise ValueError("Input size (depth of inputs) must be accessible via shape inference, "
                         "but saw value None.")


def _checked_lengths(sequence_length, batch_size, time_steps):
    """sequence_length after run-time checks, as TF's: its shape must be [batch_size]; minitf
    also refuses a length longer than the time axis (TF silently stops at the last step)."""
    lengths = cast(sequence_length, dtypes.int32)
    if lengths.shape.ndims not in (None, 1):
        raise ValueError("sequence_length must be a vector of length batch_size, but saw shape: "
                         "%s" % format_dims(lengths.shape.as_tuple()))
    lengths = identity(lengths, name="sequence_length")
    batch = batch_size if not isinstance(batch_size, int) else constant(batch_size)
    shape_ok = Assert(reduce_all(equal(shape(lengths), expand_dims(batch, 0))),
                      ["Expected shape for Tensor %s is " % lengths.name, batch,
                       " but saw shape: ", shape(lengths)], name="Assert")
    with control_dependencies([shape_ok]):
        length_ok = Assert(reduce_all(less_equal(lengths, time_steps)),
                           ["sequence_length is longer than the time axis: lengths ", lengths,
                            " time steps ", time_steps], summarize=10, name="AssertLength")
    with control_dependencies([shape_ok, length_ok]):
        return identity(lengths, name="CheckSeqLen")


def _loop_value(state_entry):
    """A state entry as a loop variable: a tensor, or a TensorArray (which travels as its
    flow)."""
    return state_entry if isinstance(state_entry, TensorArray) else convert_to_tensor(state_entry)


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """tf.nn.dynamic_rnn: the cell run over the time axis of `inputs` ([batch, time, depth], or
    [time, batch, depth] with time_major) by a tf.while_loop, so the number of steps may vary
    between runs; returns (outputs, final state), outputs in the same major order as inputs.
    With `sequence_length`, outputs past each entry's length are zeros and its state is
    copied through (the final state is the state at its length)."""
    if not callable(cell):
        raise TypeError("cell must be an instance of RNNCell")
    with variable_scope(scope or "rnn"):
        flat = [convert_to_tensor(x) for x in nest.flatten(inputs)]
        for x in flat:
            _check_rnn_input(x)
        if not time_major:
            flat = [_transpose_batch_time(x) for x in flat]
        first = flat[0]
        batch_size = _batch_size(first[0]) if first.shape[1].value is None else \
            first.shape[1].value
        time_steps = shape(first)[0]
        if initial_state is not None:
            state = check_initial_state(cell, initial_state)
        else:
            if not dtype:
                raise ValueError("If there is no initial_state, you must give a dtype.")
            state = cell.zero_state(batch_size, dtype)
        if sequence_length is not None:
            sequence_length = _checked_lengths(sequence_length, batch_size, time_steps)
        inputs_tm = nest.pack_sequence_as(inputs, flat)
        state_dtype = nest.flatten(state)[0].dtype
        # Variables cannot be created inside the loop's sub-graph: one call outside, on the
        # first step, builds the cell (its ops are never run).
        cell(nest.map_structure(lambda x: x[0], inputs_tm), state)
        zero_output = _zero_output(cell.output_size, batch_size, dtype or state_dtype)
        state_flat = [_loop_value(s) for s in nest.flatten(state)]

        def body(time, *state_values):
            old_state = nest.pack_sequence_as(state, list(state_values))
            x_t = nest.map_structure(lambda x: gather(x, time), inputs_tm)
            output, new_state = cell(x_t, old_state)
            nest.assert_same_structure(state, new_state)
            if sequence_length is not None:
                output, new_state = copy_some_through(time, sequence_length, zero_output,
                                                      output, old_state, new_state)
            new_flat = [_loop_value(s) for s in nest.flatten(new_state)]
            for s, n in zip(state_flat, new_flat):
                if not isinstance(n, TensorArray):
                    n.set_shape(s.shape)
            return [time + 1] + new_flat, [convert_to_tensor(o) for o in nest.flatten(output)]

        exits, stacked = build_while_loop(lambda time, *_: time < time_steps, body,
                                          [constant(0, name="time")] + state_flat, None, "while",
                                          None, True, parallel_iterations or 32, n_stacked=True)
        final_state = from_flows(state, exits[1:])
        steps = first.shape[0].value
        outputs = []
        for o in stacked:
            if steps is not None and o.shape.ndims:
                o.set_shape([steps] + o.shape.as_list()[1:])
            outputs.append(o if time_major else _transpose_batch_time(o))
        return nest.pack_sequence_as(cell.output_size, outputs), final_state


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """tf.nn.bidirectional_dynamic_rnn: dynamic_rnn forward (scope `fw`) and over the reversed
    sequences (scope `bw`, each reversed within its length); returns ((output_fw, output_bw),
    (state_fw, state_bw)), output_bw put back in forward order."""
    seq_axis, batch_axis = (0, 1) if time_major else (1, 0)

    def backwards(x):
        if sequence_length is not None:
            return reverse_sequence(x, sequence_length, seq_axis=seq_axis, batch_axis=batch_axis)
        return reverse(x, axis=[seq_axis])

    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = dynamic_rnn(
                cell_fw, inputs, sequence_length, initial_state_fw, dtype, parallel_iterations,
                swap_memory, time_major, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = nest.map_structure(backwards, inputs)
            reversed_out, state_bw = dynamic_rnn(
                cell_bw, reversed_inputs, sequence_length, initial_state_bw, dtype,
                parallel_iterations, swap_memory, time_major, scope=bw_scope)
    output_bw = nest.map_structure(backwards, reversed_out)
    return (output_fw, output_bw), (state_fw, state_bw)


# -- raw_rnn -----------------------------------------------------------------------------------

class EmitArray:
    """What tf.nn.raw_rnn returns in place of each of TF's emit TensorArrays (minitf has no
    TensorArray): the outputs the loop emitted, one per step, with the part of TensorArray's
    interface that reads them: stack() ([steps, batch, ...]), read(t), gather(steps), size()."""

    def __init__(self, stacked):
        self._stacked = stacked
        self.dtype = stacked.dtype

    def stack(self, name=None):
        return identity(self._stacked, name=name)

    def read(self, index, name=None):
        return gather(self._stacked, index, name=name)

    def gather(self, indices, name=None):
        return gather(self._stacked, indices, name=name)

    def size(self, name=None):
        return shape(self._stacked, name=name)[0]

    @property
    def element_shape(self):
        return self._stacked.shape[1:]

    def __repr__(self):
        return "<EmitArray of %s>" % self._stacked


def raw_rnn(cell, loop_fn, parallel_iterations=None, swap_memory=False, scope=None):
    """tf.nn.raw_rnn: runs `cell` in a tf.while_loop driven by `loop_fn(time, cell_output,
    cell_state, loop_state) -> (finished, next_input, next_cell_state, emit_output,
    next_loop_state)`, called once with (0, None, None, None) for the initial values (its
    emit_output there gives the emit structure; None means cell.output_size) and after each
    cell step with the step's output and state. The loop stops when every batch entry has
    finished; a finished entry emits zeros and keeps its state. Returns (emit_ta, final_state,
    final_loop_state): emit_ta has the emit structure, each leaf an EmitArray whose stack()
    gives the [time, batch, ...] outputs (TF returns TensorArrays)."""
    if not callable(cell):
        raise TypeError("cell must be an instance of RNNCell")
    if not callable(loop_fn):
        raise TypeError("loop_fn must be a callable")
    with variable_scope(scope or "rnn"):
        time = constant(0, dtype=dtypes.int32)
        finished, next_input, state, emit_structure, loop_state = loop_fn(time, None, None, None)
        flat_input = [convert_to_tensor(x) for x in nest.flatten(next_input)]
        batch_size = flat_input[0].shape[0].value if flat_input[0].shape.ndims else None
        if batch_size is None:
            batch_size = shape(flat_input[0])[0]
        state = check_initial_state(cell, state)
        flat_state = [convert_to_tensor(s) for s in nest.flatten(state)]
        state = nest.pack_sequence_as(state, flat_state)
        if emit_structure is not None:
            # Its leaves give each emitted value's shape without the batch axis, and dtype.
            zero_emit = [zeros(concat([expand_dims(convert_to_tensor(batch_size), 0),
                                       shape(e)], 0), e.dtype)
                         for e in map(convert_to_tensor, nest.flatten(emit_structure))]
        else:
            emit_structure = cell.output_size
            zero_emit = nest.flatten(_zero_output(emit_structure, batch_size,
                                                  flat_state[0].dtype))
        flat_loop = [] if loop_state is None else \
            [convert_to_tensor(s) for s in nest.flatten(loop_state)]
        # Variables cannot be created inside the loop's sub-graph: one call outside builds the
        # cell (its ops are never run), as dynamic_rnn does.
        cell(next_input, state)
        sizes = [1, 1, len(flat_input), len(flat_state), len(flat_loop)]
        ends = [sum(sizes[:i + 1]) for i in range(len(sizes))]

        def split(values):
            return [values[a:b] for a, b in zip([0] + ends[:-1], ends)]

        def cond(time, done, *rest):
            return logical_not(reduce_all(done))

        def body(time, done, *rest):
            _, _, inputs, states, loops = split([time, done] + list(rest))
            old_state = nest.pack_sequence_as(state, states)
            output, cell_state = cell(nest.pack_sequence_as(next_input, inputs), old_state)
            nest.assert_same_structure(state, cell_state)
            nest.assert_same_structure(cell.output_size, output)
            new_time = time + 1
            (new_finished, new_input, new_state, emit, new_loop) = loop_fn(
                new_time, output, cell_state,
                None if loop_state is None else nest.pack_sequence_as(loop_state, loops))
            nest.assert_same_structure(state, new_state)
            nest.assert_same_structure(next_input, new_input)
            nest.assert_same_structure(emit_structure, emit)
            emit = [where(done, z, e) for z, e in zip(zero_emit, nest.flatten(emit))]
            new_states = [s if s.shape.ndims == 0 else where(done, s, convert_to_tensor(n))
                          for s, n in zip(states, nest.flatten(new_state))]
            new_loops = loops if new_loop is None else \
                [convert_to_tensor(x) for x in nest.flatten(new_loop)]
            new_inputs = [convert_to_tensor(x) for x in nest.flatten(new_input)]
            for old, new in zip(states + inputs, new_states + new_inputs):
                new.set_shape(old.shape)
            return ([new_time, logical_or(done, new_finished)] + new_inputs + new_states
                    + new_loops, emit)

        exits, stacked = build_while_loop(
            cond, body, [time, convert_to_tensor(finished)] + flat_input + flat_state + flat_loop,
            None, "while", None, True, parallel_iterations or 32, n_stacked=True)
        _, _, _, final_state, final_loop = split(exits)
        emit_ta = nest.pack_sequence_as(emit_structure, [EmitArray(s) for s in stacked])
        return (emit_ta, nest.pack_sequence_as(state, final_state),
                None if loop_state is None else nest.pack_sequence_as(loop_state, final_loop))
