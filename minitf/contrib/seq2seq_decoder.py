"""tf.contrib.seq2seq's decoding API: Helpers (what a decoder feeds itself next), BasicDecoder
(a cell, an optional output layer and a helper) and dynamic_decode (a tf.while_loop writing each
step's outputs into TensorArrays until every batch entry has finished)."""

import collections

import numpy as np

from minitf import dtypes, tf_logging as logging
from minitf.contrib.seq2seq_attention import AttentionWrapperState
from minitf.framework import nest
from minitf.framework.graph import name_scope
from minitf.framework.shapes import TensorShape, as_shape
from minitf.framework.tensor import Tensor
from minitf.framework.tensor_util import constant_value
from minitf.layers.base import Layer
from minitf.ops.array_ops import (concat, expand_dims, fill, gather, gather_nd, one_hot, ones_like,
                                  reshape, scatter_nd, shape, size, stack, tile, transpose, zeros,
                                  zeros_like)
from minitf.ops.beam_search_ops import gather_tree
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.control_flow_ops import cond, while_loop
from minitf.ops.embedding_ops import embedding_lookup
from minitf.ops.math_ops import (argmax, cast, divide, equal, floordiv, floormod, greater_equal,
                                 log, logical_not, logical_or, minimum, range as range_,
                                 reduce_all, reduce_any, reduce_max, reduce_mean, reduce_sum,
                                 where)
from minitf.ops.nn_ops import log_softmax
from minitf.ops.reductions import top_k
from minitf.ops.random_ops import multinomial, random_uniform
from minitf.ops.rnn import _transpose_batch_time, sequence_mask
from minitf.ops.rnn_cell_impl import _zero_state_tensors
from minitf.ops.tensor_array_ops import TensorArray
from minitf.ops.variable_scope import variable_scope

__all__ = ["Decoder", "dynamic_decode", "Helper", "CustomHelper", "TrainingHelper",
           "GreedyEmbeddingHelper", "SampleEmbeddingHelper", "ScheduledEmbeddingTrainingHelper",
           "ScheduledOutputTrainingHelper",
           "InferenceHelper", "BasicDecoder", "BasicDecoderOutput", "tile_batch", "gather_tree",
           "BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState",
           "FinalBeamSearchDecoderOutput"]


def _embedding_fn(embedding):
    """A callable embedding as is; a tensor or variable as the ids' rows of it."""
    if callable(embedding):
        return embedding
    return lambda ids: embedding_lookup(embedding, ids)


def _unstack_ta(x):
    """A TensorArray holding the steps of x [time, ...]."""
    return TensorArray(x.dtype, size=shape(x)[0], element_shape=x.shape[1:]).unstack(x)


def _check_sampling_probability(p):
    p = convert_to_tensor(p, name="sampling_probability")
    if p.shape.ndims not in (0, 1):
        raise ValueError("sampling_probability must be either a scalar or a vector. saw shape: "
                         "%s" % p.shape)
    return p


def _bernoulli(batch_size, probability, seed):
    """[batch_size] bools, each True with `probability` (TF's Bernoulli draw: uniform < p)."""
    draw = random_uniform(expand_dims(batch_size, 0), seed=seed, dtype=probability.dtype)
    return draw < probability


def _categorical_sample(logits, seed):
    """One int32 class id per row of `logits` [batch, classes] (TF's Categorical.sample())."""
    return multinomial(logits, 1, seed=seed, output_dtype=dtypes.int32)[:, 0]


# -- the Decoder interface and dynamic_decode --------------------------------------------------

class Decoder:
    """tf.contrib.seq2seq.Decoder: what dynamic_decode drives. Implementers give batch_size (an
    int or a scalar int32 tensor), output_size and output_dtype (structures of TensorShapes /
    ints and of DTypes, alike), initialize() -> (finished, first inputs, initial state),
    step(time, inputs, state) -> (outputs, next state, next inputs, finished) and may give
    finalize(outputs, final_state, sequence_lengths) -> (outputs, state). With
    tracks_own_finished True, dynamic_decode takes `finished` from step as it is (and the
    lengths from the state's `lengths`, if it has one) instead of or-ing it with its own."""

    @property
    def batch_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    @property
    def output_dtype(self):
        raise NotImplementedError

    def initialize(self, name=None):
        raise NotImplementedError

    def step(self, time, inputs, state, name=None):
        raise NotImplementedError

    def finalize(self, outputs, final_state, sequence_lengths):
        raise NotImplementedError

    @property
    def tracks_own_finished(self):
        return False


def _batch_shape(batch_size, size_):
    """The static shape [batch, *size_] of one step's output (unknown batch as None)."""
    batch = constant_value(batch_size) if isinstance(batch_size, Tensor) else batch_size
    return TensorShape([None if batch is None else int(batch)]).concatenate(as_shape(size_))


def _zero_outputs(output_size, output_dtype, batch_size):
    """Zeros of one step's outputs: [batch, *size] in each leaf's dtype."""
    return nest.map_structure(lambda s, d: _zero_state_tensors(s, batch_size, d), output_size,
                              output_dtype)


def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                   maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                   scope=None):
    """tf.contrib.seq2seq.dynamic_decode: runs `decoder` step by step in a tf.while_loop (in the
    variable scope `scope`, default "decoder") until every batch entry has finished or
    `maximum_iterations` steps ran; returns (final_outputs, final_state,
    final_sequence_lengths). Outputs are [batch, time, ...] ([time, batch, ...] with
    output_time_major); an entry's length is the step at which it finished. With
    impute_finished, outputs after an entry finished are zeros and its state is copied
    through."""
    if not isinstance(decoder, Decoder):
        raise TypeError("Expected decoder to be type Decoder, but saw: %s" % type(decoder))
    with variable_scope(scope, "decoder"):
        if maximum_iterations is not None:
            maximum_iterations = convert_to_tensor(maximum_iterations, dtypes.int32,
                                                   name="maximum_iterations")
            if maximum_iterations.shape.ndims != 0:
                raise ValueError("maximum_iterations must be a scalar")
        initial_finished, initial_inputs, initial_state = decoder.initialize()
        zero_outputs = _zero_outputs(decoder.output_size, decoder.output_dtype,
                                     decoder.batch_size)
        if maximum_iterations is not None:
            initial_finished = logical_or(initial_finished,
                                          greater_equal(0, maximum_iterations))
        initial_lengths = zeros_like(initial_finished, dtype=dtypes.int32)
        initial_time = constant(0, dtype=dtypes.int32)
        initial_tas = nest.map_structure(
            lambda s, d: TensorArray(d, size=0, dynamic_size=True,
                                     element_shape=_batch_shape(decoder.batch_size, s)),
            decoder.output_size, decoder.output_dtype)

        def condition(time, outputs_ta, state, inputs, finished, lengths):
            return logical_not(reduce_all(finished))

        def body(time, outputs_ta, state, inputs, finished, lengths):
            next_outputs, decoder_state, next_inputs, decoder_finished = decoder.step(
                time, inputs, state)
            state_lengths = False
            if decoder.tracks_own_finished:
                next_finished = decoder_finished
                own = getattr(decoder_state, "lengths", None)
                if own is not None:
                    state_lengths = True
                    lengths = cast(own, dtypes.int32)
            else:
                next_finished = logical_or(decoder_finished, finished)
            if state_lengths:
                next_lengths = lengths
            else:
                next_lengths = where(logical_not(finished), fill(shape(lengths), time + 1),
                                     lengths)
            nest.assert_same_structure(state, decoder_state)
            nest.assert_same_structure(outputs_ta, next_outputs)
            nest.assert_same_structure(inputs, next_inputs)
            if impute_finished:
                emit = nest.map_structure(lambda out, zero: where(finished, zero, out),
                                          next_outputs, zero_outputs)
                next_state = nest.map_structure(_copy_finished_state(finished), decoder_state,
                                                state)
            else:
                emit, next_state = next_outputs, decoder_state
            outputs_ta = nest.map_structure(lambda ta, out: ta.write(time, out), outputs_ta,
                                            emit)
            return (time + 1, outputs_ta, next_state, next_inputs, next_finished, next_lengths)

        res = while_loop(condition, body,
                         loop_vars=(initial_time, initial_tas, initial_state, initial_inputs,
                                    initial_finished, initial_lengths),
                         parallel_iterations=parallel_iterations,
                         maximum_iterations=maximum_iterations, swap_memory=swap_memory)
        final_state, final_lengths = res[2], res[5]
        final_outputs = nest.map_structure(lambda ta: ta.stack(), res[1])
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state,
                                                          final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = nest.map_structure(_transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths


def _copy_finished_state(finished):
    """A finished entry keeps its state; TensorArrays and scalars pass through as they are."""
    def copy(new, cur):
        if isinstance(cur, TensorArray):
            return new
        new.set_shape(cur.shape)
        return new if new.shape.ndims == 0 else where(finished, cur, new)
    return copy


# -- helpers -----------------------------------------------------------------------------------

class Helper:
    """tf.contrib.seq2seq.Helper: how a BasicDecoder samples an id from each step's outputs and
    what it feeds the cell next. Implementers give batch_size, sample_ids_shape,
    sample_ids_dtype, initialize() -> (finished, inputs), sample(time, outputs, state) ->
    sample_ids and next_inputs(time, outputs, state, sample_ids) -> (finished, next inputs,
    next state)."""

    @property
    def batch_size(self):
        raise NotImplementedError

    @property
    def sample_ids_shape(self):
        raise NotImplementedError

    @property
    def sample_ids_dtype(self):
        raise NotImplementedError

    def initialize(self, name=None):
        raise NotImplementedError

    def sample(self, time, outputs, state, name=None):
        raise NotImplementedError

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        raise NotImplementedError


class CustomHelper(Helper):
    """tf.contrib.seq2seq.CustomHelper: a Helper from three callables, initialize_fn() ->
    (finished, inputs), sample_fn(time, outputs, state) and next_inputs_fn(time, outputs, state,
    sample_ids); its batch_size is the size of the first `finished` (known after
    initialize)."""

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None,
                 sample_ids_dtype=None):
        self._initialize_fn = initialize_fn
        self._sample_fn = sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = None
        self._sample_ids_shape = TensorShape(sample_ids_shape or [])
        self._sample_ids_dtype = dtypes.as_dtype(sample_ids_dtype or dtypes.int32)

    @property
    def batch_size(self):
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_ids_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_ids_dtype

    def initialize(self, name=None):
        with name_scope(name, "%sInitialize" % type(self).__name__):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:
                self._batch_size = size(finished)
        return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with name_scope(name, "%sSample" % type(self).__name__, (time, outputs, state)):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with name_scope(name, "%sNextInputs" % type(self).__name__, (time, outputs, state)):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state,
                                        sample_ids=sample_ids)


class TrainingHelper(Helper):
    """tf.contrib.seq2seq.TrainingHelper (teacher forcing): step t reads inputs[:, t] (or
    inputs[t] with time_major); entry b finishes after sequence_length[b] steps. Its sample ids
    are the argmax of the outputs."""

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        with name_scope(name, "TrainingHelper", [inputs, sequence_length]):
            inputs = nest.map_structure(lambda x: convert_to_tensor(x, name="inputs"), inputs)
            self._inputs = inputs
            if not time_major:
                inputs = nest.map_structure(_transpose_batch_time, inputs)
            self._input_tas = nest.map_structure(_unstack_ta, inputs)
            self._sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
            if self._sequence_length.shape.ndims != 1:
                raise ValueError("Expected sequence_length to be a vector, but received shape: "
                                 "%s" % self._sequence_length.shape)
            self._zero_inputs = nest.map_structure(lambda x: zeros_like(x[0, :]), inputs)
            self._batch_size = size(sequence_length)

    @property
    def inputs(self):
        return self._inputs

    @property
    def sequence_length(self):
        return self._sequence_length

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return TensorShape([])

    @property
    def sample_ids_dtype(self):
        return dtypes.int32

    def _read(self, time, finished):
        return cond(reduce_all(finished), lambda: self._zero_inputs,
                    lambda: nest.map_structure(lambda ta: ta.read(time), self._input_tas))

    def initialize(self, name=None):
        with name_scope(name, "TrainingHelperInitialize"):
            finished = equal(0, self._sequence_length)
            return finished, self._read(0, finished)

    def sample(self, time, outputs, name=None, **unused_kwargs):
        with name_scope(name, "TrainingHelperSample", [time, outputs]):
            return cast(argmax(outputs, axis=-1), dtypes.int32)

    def next_inputs(self, time, outputs, state, name=None, **unused_kwargs):
        with name_scope(name, "TrainingHelperNextInputs", [time, outputs, state]):
            next_time = time + 1
            finished = greater_equal(next_time, self._sequence_length)
            return finished, self._read(next_time, finished), state


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
    """tf.contrib.seq2seq.ScheduledEmbeddingTrainingHelper: a TrainingHelper that, for each
    entry with probability sampling_probability, feeds the embedding of an id drawn from the
    outputs (as logits) instead of the next input; its sample ids are -1 where it did not
    draw."""

    def __init__(self, inputs, sequence_length, embedding, sampling_probability,
                 time_major=False, seed=None, scheduling_seed=None, name=None):
        with name_scope(name, "ScheduledEmbeddingSamplingWrapper",
                        [embedding, sampling_probability]):
            self._embedding_fn = _embedding_fn(embedding)
            self._sampling_probability = _check_sampling_probability(sampling_probability)
            self._seed = seed
            self._scheduling_seed = scheduling_seed
        super().__init__(inputs=inputs, sequence_length=sequence_length,
                         time_major=time_major, name=name)

    def sample(self, time, outputs, state, name=None):
        with name_scope(name, "ScheduledEmbeddingTrainingHelperSample", [time, outputs, state]):
            select = _bernoulli(self.batch_size, self._sampling_probability,
                                self._scheduling_seed)
            return where(select, _categorical_sample(outputs, self._seed),
                         fill(expand_dims(self.batch_size, 0), -1))

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with name_scope(name, "ScheduledEmbeddingTrainingHelperNextInputs",
                        [time, outputs, state, sample_ids]):
            finished, base_next_inputs, state = super().next_inputs(
                time=time, outputs=outputs, state=state, sample_ids=sample_ids, name=name)

            def maybe_sample():
                sampling = cast(where(sample_ids > -1), dtypes.int32)
                not_sampling = cast(where(sample_ids <= -1), dtypes.int32)
                sampled = self._embedding_fn(gather_nd(sample_ids, sampling))
                kept = gather_nd(base_next_inputs, not_sampling)
                base_shape = shape(base_next_inputs)
                return (scatter_nd(sampling, sampled, base_shape)
                        + scatter_nd(not_sampling, kept, base_shape))

            next_inputs = cond(reduce_all(finished), lambda: base_next_inputs, maybe_sample)
            return finished, next_inputs, state


class ScheduledOutputTrainingHelper(TrainingHelper):
    """tf.contrib.seq2seq.ScheduledOutputTrainingHelper: a TrainingHelper that, for each entry
    with probability sampling_probability, feeds the step's outputs (through next_inputs_fn
    when given; followed by the next auxiliary_inputs, if any) instead of the next input. Its
    sample ids (int32) are 1 where it fed the outputs, else 0."""

    def __init__(self, inputs, sequence_length, sampling_probability, time_major=False,
                 seed=None, next_inputs_fn=None, auxiliary_inputs=None, name=None):
        with name_scope(name, "ScheduledOutputTrainingHelper",
                        [inputs, auxiliary_inputs, sampling_probability]):
            self._sampling_probability = _check_sampling_probability(sampling_probability)
            if auxiliary_inputs is None:
                all_inputs = inputs
            else:
                inputs = convert_to_tensor(inputs, name="inputs")
                auxiliary_inputs = convert_to_tensor(auxiliary_inputs, name="auxiliary_inputs")
                all_inputs = nest.map_structure(lambda x, y: concat((x, y), -1), inputs,
                                                auxiliary_inputs)
                if not time_major:
                    auxiliary_inputs = nest.map_structure(_transpose_batch_time,
                                                          auxiliary_inputs)
            self._auxiliary_input_tas = None if auxiliary_inputs is None else \
                nest.map_structure(_unstack_ta, auxiliary_inputs)
            self._seed = seed
            self._next_inputs_fn = next_inputs_fn
        super().__init__(inputs=all_inputs, sequence_length=sequence_length,
                         time_major=time_major, name=name)

    def sample(self, time, outputs, state, name=None):
        with name_scope(name, "ScheduledOutputTrainingHelperSample", [time, outputs, state]):
            return cast(_bernoulli(self.batch_size, self._sampling_probability, self._seed),
                        dtypes.int32)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with name_scope(name, "ScheduledOutputTrainingHelperNextInputs",
                        [time, outputs, state, sample_ids]):
            finished, base_next_inputs, state = super().next_inputs(
                time=time, outputs=outputs, state=state, sample_ids=sample_ids, name=name)
            sampling = cast(sample_ids, dtypes.bool)

            def with_auxiliary(outputs_, indices=None):
                if self._auxiliary_input_tas is None:
                    return outputs_
                auxiliary = nest.map_structure(lambda ta: ta.read(time + 1),
                                               self._auxiliary_input_tas)
                if indices is not None:
                    auxiliary = gather_nd(auxiliary, indices)
                return nest.map_structure(lambda x, y: concat((x, y), -1), outputs_, auxiliary)

            def maybe_sample():
                if self._next_inputs_fn is None:
                    return where(sampling, with_auxiliary(outputs), base_next_inputs)
                where_sampling = cast(where(sampling), dtypes.int32)
                where_not_sampling = cast(where(logical_not(sampling)), dtypes.int32)
                sampled = with_auxiliary(self._next_inputs_fn(gather_nd(outputs, where_sampling)),
                                         where_sampling)
                kept = gather_nd(base_next_inputs, where_not_sampling)
                base_shape = shape(base_next_inputs)
                return (scatter_nd(where_sampling, sampled, base_shape)
                        + scatter_nd(where_not_sampling, kept, base_shape))

            skip = logical_or(reduce_all(finished), logical_not(reduce_any(sampling)))
            next_inputs = cond(skip, lambda: base_next_inputs, maybe_sample)
            return finished, next_inputs, state


class GreedyEmbeddingHelper(Helper):
    """tf.contrib.seq2seq.GreedyEmbeddingHelper (inference): starts from the embedding of
    start_tokens, then feeds the embedding of the argmax of each step's outputs; an entry
    finishes when it emits end_token. `embedding` is a [vocab, depth] tensor or variable, or a
    callable from ids to inputs."""

    def __init__(self, embedding, start_tokens, end_token):
        self._embedding_fn = _embedding_fn(embedding)
        self._start_tokens = convert_to_tensor(start_tokens, dtypes.int32, name="start_tokens")
        self._end_token = convert_to_tensor(end_token, dtypes.int32, name="end_token")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._batch_size = size(start_tokens)
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._start_inputs = self._embedding_fn(self._start_tokens)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return TensorShape([])

    @property
    def sample_ids_dtype(self):
        return dtypes.int32

    def initialize(self, name=None):
        finished = tile([False], expand_dims(self._batch_size, 0))
        finished.set_shape(self._start_tokens.shape)
        return finished, self._start_inputs

    def _logits(self, outputs):
        if not isinstance(outputs, Tensor):
            raise TypeError("Expected outputs to be a single Tensor, got: %s" % type(outputs))
        return outputs

    def sample(self, time, outputs, state, name=None):
        return argmax(self._logits(outputs), axis=-1, output_type=dtypes.int32)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        finished = equal(sample_ids, self._end_token)
        next_inputs = cond(reduce_all(finished), lambda: self._start_inputs,
                           lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """tf.contrib.seq2seq.SampleEmbeddingHelper: a GreedyEmbeddingHelper that draws each id from
    the softmax of the outputs (divided by softmax_temperature when given) instead of taking
    the argmax; the draws follow minitf's seeds, not TF's."""

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None, seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature = softmax_temperature
        self._seed = seed

    def sample(self, time, outputs, state, name=None):
        logits = self._logits(outputs)
        if self._softmax_temperature is not None:
            logits = logits / self._softmax_temperature
        return _categorical_sample(logits, self._seed)


class InferenceHelper(Helper):
    """tf.contrib.seq2seq.InferenceHelper: sample ids from sample_fn(outputs), fed back as the
    next inputs (through next_inputs_fn when given); an entry finishes when end_fn(sample_ids)
    says so."""

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn,
                 next_inputs_fn=None):
        self._sample_fn = sample_fn
        self._end_fn = end_fn
        self._sample_shape = TensorShape(sample_shape)
        self._sample_dtype = dtypes.as_dtype(sample_dtype)
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = shape(start_inputs)[0]
        self._start_inputs = convert_to_tensor(start_inputs, name="start_inputs")

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_dtype

    def initialize(self, name=None):
        finished = tile([False], expand_dims(self._batch_size, 0))
        finished.set_shape(self._start_inputs.shape[:1])
        return finished, self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        next_inputs = sample_ids if self._next_inputs_fn is None else \
            self._next_inputs_fn(sample_ids)
        return self._end_fn(sample_ids), next_inputs, state


# -- BasicDecoder ------------------------------------------------------------------------------

def _check_cell(cell):
    if not (callable(cell) and hasattr(cell, "output_size") and hasattr(cell, "state_size")):
        raise TypeError("The argument 'cell' (%s) is not an RNNCell: 'output_size' property is "
                        "missing, 'state_size' property is missing, either 'zero_state' or "
                        "'get_initial_state' method is required, is not callable." % cell)


def _check_output_layer(layer):
    # (TF 1.15 asks for a tf.layers Layer: a tf.keras layer is refused there too)
    if layer is not None and not isinstance(layer, Layer):
        raise TypeError("output_layer must be a Layer, received: %s" % type(layer))


def _layer_output_size(size_, layer):
    """The size of a cell's output `size_` after `layer` (None: no layer), without the batch:
    what the layer's compute_output_shape says for [None, *size_]."""
    if layer is None:
        return size_
    with_batch = nest.map_structure(lambda s: TensorShape([None]).concatenate(as_shape(s)),
                                    size_)
    return nest.map_structure(lambda s: as_shape(s)[1:], layer.compute_output_shape(with_batch))


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput",
                                                ("rnn_output", "sample_id"))):
    """One step's (or, stacked, the whole decode's) cell outputs and sampled ids."""


class BasicDecoder(Decoder):
    """tf.contrib.seq2seq.BasicDecoder: each step runs `cell` (then `output_layer`, if any) on
    the helper's inputs, and lets the helper sample ids and pick the next inputs. Outputs are
    BasicDecoderOutput(rnn_output, sample_id), in the dtype of the initial state's first
    tensor."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        _check_cell(cell)
        if not isinstance(helper, Helper):
            raise TypeError("helper must be a Helper, received: %s" % type(helper))
        _check_output_layer(output_layer)
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        return _layer_output_size(self._cell.output_size, self._output_layer)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(),
                                  sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        with name_scope(name, "BasicDecoderStep", (time, inputs, state)):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished


# -- beam search -------------------------------------------------------------------------------

class BeamSearchDecoderState(collections.namedtuple(
        "BeamSearchDecoderState", ("cell_state", "log_probs", "finished", "lengths",
                                   "accumulated_attention_probs"))):
    """A beam search's loop state: the cell state, each beam's summed log-probability, whether
    it has finished, its length (int64), all [batch, beam_width, ...], and the attention
    probabilities summed for the coverage penalty (() when it is off)."""


class BeamSearchDecoderOutput(collections.namedtuple(
        "BeamSearchDecoderOutput", ("scores", "predicted_ids", "parent_ids"))):
    """One step of a beam search: each beam's score, the id it chose and the beam it extends."""


class FinalBeamSearchDecoderOutput(collections.namedtuple(
        "FinalBeamDecoderOutput", ["predicted_ids", "beam_search_decoder_output"])):
    """A finished beam search: predicted_ids [batch, time, beam_width] (the whole beams, best
    first, read back by gather_tree) and the per-step BeamSearchDecoderOutput."""


def _tile_one(t, multiplier):
    t = convert_to_tensor(t, name="t")
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    batch = t.shape[0].value
    multiples = [1] * (t.shape.ndims + 1)
    multiples[1] = multiplier
    shape_t = shape(t)
    tiled = tile(expand_dims(t, 1), multiples)
    tiled = reshape(tiled, concat([expand_dims(shape_t[0] * multiplier, 0), shape_t[1:]], 0))
    tiled.set_shape(TensorShape([None if batch is None else batch * multiplier])
                    .concatenate(t.shape[1:]))
    return tiled


def tile_batch(t, multiplier, name=None):
    """tf.contrib.seq2seq.tile_batch: each tensor of the structure `t` ([batch, ...]) with every
    batch entry repeated `multiplier` times in place ([batch * multiplier, ...]: t[0], t[0], ...,
    t[1], t[1], ...), the layout BeamSearchDecoder's beams have (tf.tile would repeat the whole
    batch instead)."""
    flat = nest.flatten(t)
    with name_scope(name, "tile_batch", flat + [multiplier]):
        return nest.map_structure(lambda x: _tile_one(x, multiplier), t)


def _check_ndims(t):
    if t.shape.ndims is None:
        raise ValueError("Expected tensor (%s) to have known rank, but ndims == None." % t)


def _length_penalty(sequence_lengths, penalty_factor):
    """((5 + length) / 6) ** penalty_factor (Wu et al. 2016), or 1.0 when the factor is 0."""
    penalty_factor = convert_to_tensor(penalty_factor, name="penalty_factor")
    penalty_factor.set_shape(())
    static = constant_value(penalty_factor)
    if static is not None and static == 0:
        return 1.0
    return divide((5. + cast(sequence_lengths, dtypes.float32)) ** penalty_factor,
                  (5. + 1.) ** penalty_factor)


def _mask_probs(probs, eos_token, finished):
    """A finished beam puts all its probability on eos: log-probabilities 0 there and the
    dtype's lowest value elsewhere; other beams are unchanged."""
    vocab_size = probs.shape[2].value or shape(probs)[2]  # (minitf's one_hot needs it static)
    finished_row = one_hot(eos_token, vocab_size, dtype=probs.dtype,
                           on_value=convert_to_tensor(0., dtype=probs.dtype),
                           off_value=probs.dtype.min)
    finished_probs = tile(reshape(finished_row, [1, 1, -1]),
                          concat([shape(finished), [1]], 0))
    finished_mask = tile(expand_dims(finished, 2), stack([1, 1, vocab_size]))
    return where(finished_mask, finished_probs, probs)


def _gather_beams(indices, params, batch_size, range_size, gather_shape, name=None):
    """params' rows chosen by `indices` [batch, beam] (each a beam of its own batch entry):
    params reshaped to gather_shape, gathered at indices + b * range_size, reshaped back to
    [batch, beam, ...]."""
    with name_scope(name, "tensor_gather_helper"):
        offsets = expand_dims(range_(batch_size) * range_size, 1)
        flat_indices = reshape(indices + offsets, [-1])
        output = gather(reshape(params, gather_shape), flat_indices)
        final_shape = shape(params)[:1 + len(gather_shape)]
        static_batch = constant_value(batch_size)
        output = reshape(output, final_shape, name="output")
        output.set_shape(TensorShape([None if static_batch is None else int(static_batch)])
                         .concatenate(params.shape[1:1 + len(gather_shape)]))
        return output


def _maybe_gather_beams(indices, params, batch_size, range_size, gather_shape):
    if isinstance(params, TensorArray):
        return params
    _check_ndims(params)
    if params.shape.ndims >= len(gather_shape):
        return _gather_beams(indices, params, batch_size, range_size, gather_shape)
    return params


def _attention_probs(cell_state, coverage_penalty_weight):
    """The alignments of the AttentionWrapperStates in `cell_state` (averaged over several
    mechanisms or wrappers), for the coverage penalty; None when the penalty is off."""
    if coverage_penalty_weight == 0.0:
        return None

    def probs_of(state):
        probs = state.alignments
        if isinstance(probs, tuple):
            probs = reduce_mean(concat([expand_dims(p, -1) for p in probs], -1), -1)
        return probs

    if isinstance(cell_state, AttentionWrapperState):
        states = [cell_state]
    elif isinstance(cell_state, tuple):
        states = [s for s in cell_state if isinstance(s, AttentionWrapperState)]
    else:
        states = []
    if not states:
        raise ValueError("coverage_penalty_weight must be 0.0 if no cell is attentional.")
    if len(states) == 1:
        return probs_of(states[0])
    return reduce_mean(concat([expand_dims(probs_of(s), -1) for s in states], -1), -1)


def _gather_tree_from_array(t, parent_ids, sequence_length):
    """t [max_time, batch * beam_width (or batch, beam_width), ...] with each step's beams put
    in the order of the final beams (gather_tree on the beam indices); steps past a beam's
    length keep their beam."""
    dims = parent_ids.shape
    max_time = dims[0].value or shape(parent_ids)[0]
    batch = dims[1].value or shape(parent_ids)[1]
    width = dims[2].value or shape(parent_ids)[2]
    beam_ids = tile(reshape(range_(width), [1, 1, -1]), stack([max_time, batch, 1]))
    max_lengths = cast(reduce_max(sequence_length, axis=1), dtypes.int32)
    sorted_ids = gather_tree(beam_ids, parent_ids, max_lengths, width + 1)
    in_bounds = transpose(sequence_mask(sequence_length, maxlen=max_time), [2, 0, 1])
    sorted_ids = where(in_bounds, sorted_ids, beam_ids)
    time_ind = tile(reshape(range_(max_time), [-1, 1, 1]), stack([1, batch, width]))
    batch_ind = transpose(tile(reshape(range_(batch), [-1, 1, 1]), stack([1, max_time, width])),
                          [1, 0, 2])
    indices = stack([time_ind, batch_ind, sorted_ids], -1)
    final_shape = shape(t)
    ordered = gather_nd(reshape(t, stack([max_time, batch, width, -1])), indices)
    return reshape(ordered, final_shape)


def _beam_scores(log_probs, sequence_lengths, length_penalty_weight, coverage_penalty_weight,
                 finished, accumulated_attention_probs):
    """Each candidate's score: its log-probability over the length penalty, plus the
    coverage penalty (on finished beams) when it is on."""
    penalty = cast(_length_penalty(sequence_lengths, length_penalty_weight), log_probs.dtype)
    scores = log_probs / penalty
    coverage_penalty_weight = convert_to_tensor(coverage_penalty_weight,
                                                name="coverage_penalty_weight")
    if coverage_penalty_weight.shape.ndims != 0:
        raise ValueError("coverage_penalty_weight should be a scalar, but saw shape: %s"
                         % coverage_penalty_weight.shape)
    if constant_value(coverage_penalty_weight) == 0.0:
        return scores
    if accumulated_attention_probs is None:
        raise ValueError("accumulated_attention_probs can be None only if coverage penalty is "
                         "disabled.")
    probs = where(equal(accumulated_attention_probs, 0.0), ones_like(accumulated_attention_probs),
                  accumulated_attention_probs)
    coverage = reduce_sum(log(minimum(probs, 1.0)), 2) * cast(finished, dtypes.float32)
    return scores + expand_dims(coverage * coverage_penalty_weight, 2)


def _beam_search_step(time, logits, next_cell_state, beam_state, batch_size, beam_width,
                      end_token, length_penalty_weight, coverage_penalty_weight):
    """One step of beam search over logits [batch, beam, vocab]: every beam's continuations
    scored, the best beam_width of each batch entry kept (a finished beam continues only with
    end_token, at no cost), and the states of the beams they extend gathered."""
    static_batch = constant_value(batch_size)
    previously_finished = beam_state.finished
    not_finished = logical_not(previously_finished)
    step_log_probs = _mask_probs(log_softmax(logits), end_token, previously_finished)
    total_probs = expand_dims(beam_state.log_probs, 2) + step_log_probs
    vocab_size = logits.shape[-1].value or shape(logits)[-1]
    lengths_to_add = one_hot(fill(stack([batch_size, beam_width]), end_token), depth=vocab_size,
                             on_value=np.int64(0), off_value=np.int64(1), dtype=dtypes.int64)
    lengths_to_add *= expand_dims(cast(not_finished, dtypes.int64), 2)
    new_lengths = lengths_to_add + expand_dims(beam_state.lengths, 2)
    accumulated = None
    attention = _attention_probs(next_cell_state, coverage_penalty_weight)
    if attention is not None:
        attention *= expand_dims(cast(not_finished, dtypes.float32), 2)
        accumulated = beam_state.accumulated_attention_probs + attention
    scores = _beam_scores(total_probs, new_lengths, length_penalty_weight,
                          coverage_penalty_weight, previously_finished, accumulated)
    time = convert_to_tensor(time, name="time")
    scores_flat = reshape(scores, stack([batch_size, -1]))
    next_scores, word_indices = top_k(scores_flat, k=beam_width)
    static = [None if static_batch is None else int(static_batch), beam_width]
    next_scores.set_shape(static)
    word_indices.set_shape(static)
    next_probs = _gather_beams(word_indices, total_probs, batch_size, beam_width * vocab_size,
                               [-1], name="next_beam_probs")
    next_word_ids = cast(floormod(word_indices, vocab_size, name="next_beam_word_ids"),
                         dtypes.int32)
    next_beam_ids = cast(floordiv(word_indices, vocab_size), dtypes.int32,
                         name="next_beam_parent_ids")
    previously_finished = _gather_beams(next_beam_ids, previously_finished, batch_size,
                                        beam_width, [-1])
    next_finished = logical_or(previously_finished, equal(next_word_ids, end_token),
                               name="next_beam_finished")
    next_lengths = _gather_beams(next_beam_ids, beam_state.lengths, batch_size, beam_width,
                                 [-1])
    next_lengths += cast(logical_not(previously_finished), dtypes.int64)
    next_accumulated = ()
    if accumulated is not None:
        next_accumulated = _gather_beams(next_beam_ids, accumulated, batch_size, beam_width,
                                         [batch_size * beam_width, -1],
                                         name="next_accumulated_attention_probs")
    next_cell_state = nest.map_structure(
        lambda s: _maybe_gather_beams(next_beam_ids, s, batch_size, beam_width,
                                      [batch_size * beam_width, -1]), next_cell_state)
    next_state = BeamSearchDecoderState(cell_state=next_cell_state, log_probs=next_probs,
                                        lengths=next_lengths, finished=next_finished,
                                        accumulated_attention_probs=next_accumulated)
    output = BeamSearchDecoderOutput(scores=next_scores, predicted_ids=next_word_ids,
                                     parent_ids=next_beam_ids)
    return output, next_state


def _size_shape(s):
    """The static shape a state size `s` stands for; a size that is a tensor (an attention
    mechanism's alignments over a memory of unknown length) stands for its value, unknown when
    the tensor's value is."""
    return as_shape(constant_value(s)) if isinstance(s, Tensor) else as_shape(s)


class BeamSearchDecoder(Decoder):
    """tf.contrib.seq2seq.BeamSearchDecoder: keeps the beam_width best partial sequences of each
    batch entry. `initial_state` and everything the cell reads are [batch * beam_width, ...]
    (tile_batch the encoder's results); inside, beams are [batch, beam_width, ...]. With
    dynamic_decode it returns FinalBeamSearchDecoderOutput (predicted_ids [batch, time,
    beam_width], best beam first) and the final BeamSearchDecoderState; scores may be
    normalised by a length penalty ((5 + length) / 6) ** length_penalty_weight."""

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width,
                 output_layer=None, length_penalty_weight=0.0, coverage_penalty_weight=0.0,
                 reorder_tensor_arrays=True):
        _check_cell(cell)
        _check_output_layer(output_layer)
        self._cell = cell
        self._output_layer = output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        self._embedding_fn = _embedding_fn(embedding)
        self._start_tokens = convert_to_tensor(start_tokens, dtypes.int32, name="start_tokens")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = convert_to_tensor(end_token, dtypes.int32, name="end_token")
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._batch_size = size(start_tokens)
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._coverage_penalty_weight = coverage_penalty_weight
        self._initial_cell_state = nest.map_structure(self._maybe_split_batch_beams,
                                                      initial_state, self._cell.state_size)
        self._start_tokens = tile(expand_dims(self._start_tokens, 1), [1, self._beam_width])
        self._start_inputs = self._embedding_fn(self._start_tokens)
        # only beam 0 is alive at first, so the first step's beams are all different
        self._finished = one_hot(zeros(expand_dims(self._batch_size, 0), dtypes.int32),
                                 depth=self._beam_width, on_value=False, off_value=True,
                                 dtype=dtypes.bool)

    @property
    def batch_size(self):
        return self._batch_size

    def _rnn_output_size(self):
        return _layer_output_size(self._cell.output_size, self._output_layer)

    @property
    def tracks_own_finished(self):
        return True

    @property
    def output_size(self):
        return BeamSearchDecoderOutput(scores=TensorShape([self._beam_width]),
                                       predicted_ids=TensorShape([self._beam_width]),
                                       parent_ids=TensorShape([self._beam_width]))

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        return BeamSearchDecoderOutput(
            scores=nest.map_structure(lambda _: dtype, self._rnn_output_size()),
            predicted_ids=dtypes.int32, parent_ids=dtypes.int32)

    def initialize(self, name=None):
        finished, start_inputs = self._finished, self._start_inputs
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        first_beam = zeros(expand_dims(self._batch_size, 0), dtypes.int32)
        log_probs = one_hot(first_beam, depth=self._beam_width,
                            on_value=convert_to_tensor(0.0, dtype=dtype),
                            off_value=convert_to_tensor(-np.inf, dtype=dtype), dtype=dtype)
        attention = _attention_probs(self._initial_cell_state, self._coverage_penalty_weight)
        initial_state = BeamSearchDecoderState(
            cell_state=self._initial_cell_state, log_probs=log_probs, finished=finished,
            lengths=zeros(stack([self._batch_size, self._beam_width]), dtypes.int64),
            accumulated_attention_probs=() if attention is None else attention)
        return finished, start_inputs, initial_state

    def finalize(self, outputs, final_state, sequence_lengths):
        max_lengths = cast(reduce_max(final_state.lengths, axis=1), dtypes.int32)
        predicted_ids = gather_tree(outputs.predicted_ids, outputs.parent_ids,
                                    max_sequence_lengths=max_lengths, end_token=self._end_token)
        if self._reorder_tensor_arrays:
            final_state = final_state._replace(cell_state=nest.map_structure(
                lambda t: self._maybe_sort_array_beams(t, outputs.parent_ids,
                                                       final_state.lengths),
                final_state.cell_state))
        return FinalBeamSearchDecoderOutput(beam_search_decoder_output=outputs,
                                            predicted_ids=predicted_ids), final_state

    def _maybe_sort_array_beams(self, t, parent_ids, sequence_length):
        """A TensorArray of the cell state (an alignment history) stacked, with its beams in
        the final beams' order; left as it is when its elements cannot be read as [batch,
        beam_width, ...] or [batch * beam_width, ...] (TF logs a warning)."""
        if not isinstance(t, TensorArray):
            return t
        dims = t.element_shape
        if dims.ndims is None or dims.ndims < 1:
            logging.warning("The TensorArray %s in the cell state is not amenable to sorting "
                            "based on the beam search result. For a TensorArray to be sorted, "
                            "its elements shape must be defined and have at least a rank of 1, "
                            "but saw shape: %s" % (t.handle.name, dims))
            return t
        static_batch = constant_value(self._batch_size)
        if static_batch is not None and dims[0].value is not None and not (
                dims[0].value == static_batch * self._beam_width or
                (dims.ndims >= 2 and dims[0].value == static_batch and
                 dims[1].value == self._beam_width)):
            logging.warning("TensorArray reordering expects elements to be reshapable to %s "
                            "which is incompatible with the current shape %s. Consider setting "
                            "reorder_tensor_arrays to False to disable TensorArray reordering "
                            "during the beam search."
                            % (TensorShape([static_batch, self._beam_width, None]), dims))
            return t
        return _gather_tree_from_array(t.stack(), parent_ids, sequence_length)

    def _merge_batch_beams(self, t, s=None):
        """[batch, beam_width, *s] -> [batch * beam_width, *s]."""
        s = _size_shape(s)
        static_batch = constant_value(self._batch_size)
        merged = reshape(t, concat([expand_dims(self._batch_size * self._beam_width, 0),
                                    shape(t)[2:]], 0))
        merged.set_shape(TensorShape([None if static_batch is None else
                                      int(static_batch) * self._beam_width]).concatenate(s))
        return merged

    def _split_batch_beams(self, t, s=None):
        """[batch * beam_width, *s] -> [batch, beam_width, *s]."""
        s = _size_shape(s)
        split = reshape(t, concat([stack([self._batch_size, self._beam_width]), shape(t)[1:]],
                                  0))
        static_batch = constant_value(self._batch_size)
        expected = TensorShape([None if static_batch is None else int(static_batch),
                                self._beam_width]).concatenate(s)
        if not split.shape.is_compatible_with(expected):
            raise ValueError("Unexpected behavior when reshaping between beam width and batch "
                             "size.  The reshaped tensor has shape: %s.  We expected it to have "
                             "shape (batch_size, beam_width, depth) == %s.  Perhaps you forgot "
                             "to create a zero_state with batch_size=encoder_batch_size * "
                             "beam_width?" % (split.shape, expected))
        split.set_shape(expected)
        return split

    def _maybe_split_batch_beams(self, t, s):
        if isinstance(t, TensorArray):
            return t
        _check_ndims(t)
        return self._split_batch_beams(t, s) if t.shape.ndims >= 1 else t

    def _maybe_merge_batch_beams(self, t, s):
        if isinstance(t, TensorArray):
            return t
        _check_ndims(t)
        return self._merge_batch_beams(t, s) if t.shape.ndims >= 2 else t

    def step(self, time, inputs, state, name=None):
        with name_scope(name, "BeamSearchDecoderStep", (time, inputs, state)):
            inputs = nest.map_structure(lambda x: self._merge_batch_beams(x, s=x.shape[2:]),
                                        inputs)
            cell_state = nest.map_structure(self._maybe_merge_batch_beams, state.cell_state,
                                            self._cell.state_size)
            cell_outputs, next_cell_state = self._cell(inputs, cell_state)
            cell_outputs = nest.map_structure(
                lambda out: self._split_batch_beams(out, out.shape[1:]), cell_outputs)
            next_cell_state = nest.map_structure(self._maybe_split_batch_beams,
                                                 next_cell_state, self._cell.state_size)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            output, beam_state = _beam_search_step(
                time=time, logits=cell_outputs, next_cell_state=next_cell_state,
                beam_state=state, batch_size=self._batch_size, beam_width=self._beam_width,
                end_token=self._end_token, length_penalty_weight=self._length_penalty_weight,
                coverage_penalty_weight=self._coverage_penalty_weight)
            finished = beam_state.finished
            next_inputs = cond(reduce_all(finished), lambda: self._start_inputs,
                               lambda: self._embedding_fn(output.predicted_ids))
        return output, beam_state, next_inputs, finished
