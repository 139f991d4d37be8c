"""Running a cell over a sequence: tf.nn.static_rnn (one copy of the cell per time step, sharing
its variables), and the sequence helpers tf.sequence_mask and tf.reverse_sequence."""

from minitf import dtypes
from minitf.framework import nest
from minitf.framework.graph import name_scope
from minitf.framework.registry import OpDef, register
from minitf.framework.shapes import format_dims
from minitf.framework.tensor import TensorSpec
from minitf.ops.array_ops import (_check_int_dtype, _op, concat, expand_dims, identity, shape,
                                  zeros)
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.math_ops import cast, less, maximum, range as range_, reduce_max, where
from minitf.ops.variable_scope import variable_scope

__all__ = ["static_rnn", "sequence_mask", "reverse_sequence"]


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
        _check_int_dtype(seq_lengths, "seq_lengths")
        rank = x.shape.ndims
        if seq_lengths.shape.ndims not in (None, 1):
            raise ValueError("Shape must be rank 1 but is rank %d for 'ReverseSequence' "
                             "(seq_lengths)" % seq_lengths.shape.ndims)
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
        return [_op(self, [dy, op.inputs[1]], "ReverseSequence"), None]


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
        return _op(ReverseSequence(int(seq_axis), int(batch_axis)), [x, lengths], scope)


# -- static_rnn --------------------------------------------------------------------------------

def _batch_size(first_input):
    dims = first_input.shape
    if dims.ndims is not None:
        if dims.ndims < 2:
            raise ValueError("Shape must be at least rank 2 but is rank %d: each input of an "
                             "RNN is [batch_size, input_size]" % dims.ndims)
        if dims[-1].value is None:
            raise ValueError("Input size (second dimension of inputs[0]) must be accessible via "
                             "shape inference, but saw value None.")
        if dims[0].value is not None:
            return dims[0].value
    return shape(first_input)[0]


def _zero_output(output_size, batch_size, dtype):
    def make(size):
        dims = list(size) if isinstance(size, (list, tuple)) else [size]
        return zeros([batch_size] + dims if isinstance(batch_size, int) else
                     _stack_shape(batch_size, dims), dtype)
    return nest.map_structure(make, output_size)


def _stack_shape(batch_size, dims):
    return concat([expand_dims(batch_size, 0), constant(dims, dtypes.int32)], 0)


def copy_some_through(time, sequence_length, zero_output, new_output, state, new_state):
    """TF's rule past a sequence's end: its output is zero and its state is copied through."""
    copy = time >= sequence_length
    output = nest.map_structure(lambda z, o: where(copy, z, o), zero_output, new_output)
    state = nest.map_structure(lambda s, n: where(copy, s, n), state, new_state)
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
