"""tf.contrib.crf: a linear-chain conditional random field over [batch, time, num_tags] unary
potentials and a [num_tags, num_tags] transition matrix (TF 1.15's contrib.crf): the
log-likelihood of tag sequences for training (BiLSTM-CRF taggers), Viterbi decoding in the graph
(crf_decode) and in numpy (viterbi_decode). Sequences shorter than the time axis are masked by
`sequence_lengths`; as in TF, a length of 0 scores 0."""

import numpy

from minitf import dtypes
from minitf.framework.graph import name_scope
from minitf.ops import array_ops, math_ops
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.control_flow_ops import cond
from minitf.ops.rnn import dynamic_rnn, reverse_sequence, sequence_mask
from minitf.ops.rnn_cell_impl import RNNCell
from minitf.ops.variable_scope import get_variable

__all__ = ["crf_sequence_score", "crf_log_norm", "crf_log_likelihood", "crf_unary_score",
           "crf_binary_score", "crf_forward", "crf_decode", "viterbi_decode",
           "CrfForwardRnnCell", "CrfDecodeForwardRnnCell", "CrfDecodeBackwardRnnCell"]


def _by_time_steps(inputs, one_step, more_steps):
    """one_step() when the time axis has length 1, else more_steps(): chosen now when the
    length is static (TF's smart_cond), else by a tf.cond."""
    steps = inputs.shape[1].value
    if steps is not None:
        return one_step() if steps == 1 else more_steps()
    return cond(math_ops.equal(array_ops.shape(inputs)[1], 1), one_step, more_steps)


def _first_step(inputs):
    return array_ops.squeeze(array_ops.slice(inputs, [0, 0, 0], [-1, 1, -1]), [1])


def _later_steps(inputs):
    return array_ops.slice(inputs, [0, 1, 0], [-1, -1, -1])


def _zero_where_empty(values, sequence_lengths):
    return math_ops.where(math_ops.less_equal(sequence_lengths, 0),
                          array_ops.zeros_like(values), values)


def crf_unary_score(tag_indices, sequence_lengths, inputs):
    """Sum over each sequence's first `sequence_lengths` steps of inputs[b, t, tag[b, t]]."""
    with name_scope(None, "crf_unary_score", [tag_indices, sequence_lengths, inputs]):
        inputs = convert_to_tensor(inputs)
        tag_indices = convert_to_tensor(tag_indices)
        shape = array_ops.shape(inputs)
        batch_size, max_len, num_tags = shape[0], shape[1], shape[2]
        flat_inputs = array_ops.reshape(inputs, [-1])
        offsets = array_ops.expand_dims(math_ops.range(batch_size) * max_len * num_tags, 1)
        offsets += array_ops.expand_dims(math_ops.range(max_len) * num_tags, 0)
        if tag_indices.dtype != offsets.dtype:
            offsets = math_ops.cast(offsets, tag_indices.dtype)
        scores = array_ops.gather(flat_inputs, array_ops.reshape(offsets + tag_indices, [-1]))
        scores = array_ops.reshape(scores, [batch_size, max_len])
        masks = sequence_mask(sequence_lengths, maxlen=array_ops.shape(tag_indices)[1],
                              dtype=inputs.dtype)
        return math_ops.reduce_sum(scores * masks, 1)


def crf_binary_score(tag_indices, sequence_lengths, transition_params):
    """Sum over each sequence's steps 1..length-1 of transition_params[tag[t-1], tag[t]]."""
    with name_scope(None, "crf_binary_score",
                    [tag_indices, sequence_lengths, transition_params]):
        tag_indices = convert_to_tensor(tag_indices)
        transition_params = convert_to_tensor(transition_params)
        num_tags = array_ops.shape(transition_params)[0]
        steps = array_ops.shape(tag_indices)[1] - 1
        starts = array_ops.slice(tag_indices, [0, 0], [-1, steps])
        ends = array_ops.slice(tag_indices, [0, 1], [-1, steps])
        if num_tags.dtype != tag_indices.dtype:
            num_tags = math_ops.cast(num_tags, tag_indices.dtype)
        scores = array_ops.gather(array_ops.reshape(transition_params, [-1]),
                                  starts * num_tags + ends)
        masks = sequence_mask(sequence_lengths, maxlen=array_ops.shape(tag_indices)[1],
                              dtype=transition_params.dtype)
        return math_ops.reduce_sum(scores * array_ops.slice(masks, [0, 1], [-1, -1]), 1)


def crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params):
    """The unnormalized score of each tag sequence: its unary plus its binary score, [batch]."""
    inputs = convert_to_tensor(inputs)
    tag_indices = convert_to_tensor(tag_indices)

    def one_step():
        batch = array_ops.shape(inputs, out_type=tag_indices.dtype)[0]
        rows = array_ops.reshape(math_ops.range(batch, dtype=tag_indices.dtype), [-1, 1])
        scores = array_ops.gather_nd(array_ops.squeeze(inputs, [1]),
                                     array_ops.concat([rows, tag_indices], axis=1))
        return _zero_where_empty(scores, sequence_lengths)

    def more_steps():
        return (crf_unary_score(tag_indices, sequence_lengths, inputs)
                + crf_binary_score(tag_indices, sequence_lengths, transition_params))
    return _by_time_steps(inputs, one_step, more_steps)


class _TransitionCell(RNNCell):
    """A cell over the [batch, num_tags] scores of the tags, given the transition matrix."""

    def __init__(self, transition_params):
        super().__init__()
        self._transition_params = array_ops.expand_dims(transition_params, 0)
        self._num_tags = transition_params.shape[0].value

    @property
    def state_size(self):
        return self._num_tags

    @property
    def output_size(self):
        return self._num_tags


class CrfForwardRnnCell(_TransitionCell):
    """One step of the forward algorithm: state = log-sum-exp over the previous tag of (the
    previous state + transition) + this step's inputs; it is also the output."""

    def call(self, inputs, state):
        scores = array_ops.expand_dims(state, 2) + self._transition_params
        new_alphas = inputs + math_ops.reduce_logsumexp(scores, [1])
        return new_alphas, new_alphas


def crf_forward(inputs, state, transition_params, sequence_lengths):
    """The forward algorithm's log-partition per sequence, from `state` (the first step's
    potentials) over `inputs` (the later steps, [batch, time - 1, num_tags])."""
    sequence_lengths = convert_to_tensor(sequence_lengths)
    last = math_ops.maximum(convert_to_tensor(0, dtype=sequence_lengths.dtype),
                            sequence_lengths - 1)
    _, alphas = dynamic_rnn(CrfForwardRnnCell(convert_to_tensor(transition_params)), inputs,
                            sequence_length=last, initial_state=state, dtype=dtypes.float32)
    return math_ops.reduce_logsumexp(alphas, [1])


def crf_log_norm(inputs, sequence_lengths, transition_params):
    """log Z of each sequence: the log-sum-exp of the scores of every tag sequence, [batch]."""
    inputs = convert_to_tensor(inputs)
    first = _first_step(inputs)

    def one_step():
        return _zero_where_empty(math_ops.reduce_logsumexp(first, [1]), sequence_lengths)

    def more_steps():
        log_norm = crf_forward(_later_steps(inputs), first, transition_params, sequence_lengths)
        return _zero_where_empty(log_norm, sequence_lengths)
    return _by_time_steps(inputs, one_step, more_steps)


def crf_log_likelihood(inputs, tag_indices, sequence_lengths, transition_params=None):
    """(log-likelihood of each tag sequence [batch], transition_params). Without
    transition_params a [num_tags, num_tags] variable "transitions" is made with
    tf.get_variable (num_tags is inputs' static last dimension)."""
    inputs = convert_to_tensor(inputs)
    if transition_params is None:
        num_tags = inputs.shape[2].value
        transition_params = get_variable("transitions", [num_tags, num_tags])
    scores = crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params)
    log_norm = crf_log_norm(inputs, sequence_lengths, transition_params)
    return scores - log_norm, transition_params


class CrfDecodeForwardRnnCell(_TransitionCell):
    """One Viterbi step: state = max over the previous tag of (previous state + transition) +
    this step's inputs; the output is the arg max (the backpointers), int32."""

    def call(self, inputs, state):
        scores = array_ops.expand_dims(state, 2) + self._transition_params
        new_state = inputs + math_ops.reduce_max(scores, [1])
        backpointers = math_ops.cast(math_ops.argmax(scores, 1), dtypes.int32)
        return backpointers, new_state


class CrfDecodeBackwardRnnCell(RNNCell):
    """Follows the backpointers from the last step: state and output are the tag, [batch, 1]."""

    def __init__(self, num_tags):
        super().__init__()
        self._num_tags = num_tags

    @property
    def state_size(self):
        return 1

    @property
    def output_size(self):
        return 1

    def call(self, inputs, state):
        state = array_ops.squeeze(state, axis=[1])
        rows = math_ops.range(array_ops.shape(inputs)[0])
        tags = array_ops.gather_nd(inputs, array_ops.stack([rows, state], axis=1))
        tags = array_ops.expand_dims(tags, axis=-1)
        return tags, tags


def crf_decode(potentials, transition_params, sequence_length):
    """(decode_tags [batch, time] int32, best_score [batch]): the highest-scoring tag sequence
    of each entry, in the graph; tags past an entry's length are 0."""
    potentials = convert_to_tensor(potentials)
    transition_params = convert_to_tensor(transition_params)
    sequence_length = convert_to_tensor(sequence_length)

    def one_step():
        step = array_ops.squeeze(potentials, [1])
        tags = array_ops.expand_dims(math_ops.argmax(step, axis=1), 1)
        return math_ops.cast(tags, dtypes.int32), math_ops.reduce_max(step, axis=1)

    def more_steps():
        last = math_ops.maximum(convert_to_tensor(0, dtype=sequence_length.dtype),
                                sequence_length - 1)
        backpointers, last_score = dynamic_rnn(
            CrfDecodeForwardRnnCell(transition_params), _later_steps(potentials),
            sequence_length=last, initial_state=_first_step(potentials), dtype=dtypes.int32)
        backpointers = reverse_sequence(backpointers, last, seq_axis=1)
        best_last = math_ops.cast(array_ops.expand_dims(math_ops.argmax(last_score, axis=1),
                                                        axis=-1), dtypes.int32)
        tags, _ = dynamic_rnn(CrfDecodeBackwardRnnCell(transition_params.shape[0].value),
                              backpointers, sequence_length=last, initial_state=best_last,
                              dtype=dtypes.int32)
        tags = array_ops.concat([best_last, array_ops.squeeze(tags, axis=[2])], axis=1)
        return (reverse_sequence(tags, sequence_length, seq_axis=1),
                math_ops.reduce_max(last_score, axis=1))
    return _by_time_steps(potentials, one_step, more_steps)


def viterbi_decode(score, transition_params):
    """(tags as a list of ints, best score) of the highest-scoring tag sequence for one
    [time, num_tags] numpy array of potentials (outside the graph, as in TF)."""
    score = numpy.asarray(score)
    best = numpy.zeros_like(score)
    came_from = numpy.zeros(score.shape, dtype=numpy.int32)
    best[0] = score[0]
    for t in range(1, len(score)):
        candidates = best[t - 1][:, None] + transition_params  # [previous tag, tag]
        best[t] = score[t] + candidates.max(axis=0)
        came_from[t] = candidates.argmax(axis=0)
    tags = [int(best[-1].argmax())]
    for pointers in came_from[:0:-1]:
        tags.append(int(pointers[tags[-1]]))
    tags.reverse()
    return tags, best[-1].max()
