"""tf.contrib.seq2seq's decoding API: Helpers (what a decoder feeds itself next), BasicDecoder
(a cell, an optional output layer and a helper) and dynamic_decode (a tf.while_loop writing each
step's outputs into TensorArrays until every batch entry has finished)."""

import collections

from minitf import dtypes
from minitf.framework import nest
from minitf.framework.graph import name_scope
from minitf.framework.shapes import TensorShape, as_shape
from minitf.framework.tensor import Tensor
from minitf.framework.tensor_util import constant_value
from minitf.ops.array_ops import (expand_dims, fill, gather_nd, scatter_nd, shape, size, tile,
                                  zeros_like)
from minitf.ops.constant_op import constant, convert_to_tensor
from minitf.ops.control_flow_ops import cond, while_loop
from minitf.ops.embedding_ops import embedding_lookup
from minitf.ops.math_ops import (argmax, cast, equal, greater_equal, logical_not, logical_or,
                                 reduce_all, where)
from minitf.ops.random_ops import multinomial, random_uniform
from minitf.ops.rnn import _transpose_batch_time
from minitf.ops.rnn_cell_impl import _zero_state_tensors
from minitf.ops.tensor_array_ops import TensorArray
from minitf.ops.variable_scope import variable_scope

__all__ = ["Decoder", "dynamic_decode", "Helper", "CustomHelper", "TrainingHelper",
           "GreedyEmbeddingHelper", "SampleEmbeddingHelper", "ScheduledEmbeddingTrainingHelper",
           "InferenceHelper", "BasicDecoder", "BasicDecoderOutput"]


def _embedding_fn(embedding):
    """A callable embedding as is; a tensor or variable as the ids' rows of it."""
    if callable(embedding):
        return embedding
    return lambda ids: embedding_lookup(embedding, ids)


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
            self._input_tas = nest.map_structure(
                lambda x: TensorArray(x.dtype, size=shape(x)[0],
                                      element_shape=x.shape[1:]).unstack(x), inputs)
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
            self._sampling_probability = convert_to_tensor(sampling_probability,
                                                           name="sampling_probability")
            if self._sampling_probability.shape.ndims not in (0, 1):
                raise ValueError("sampling_probability must be either a scalar or a vector. "
                                 "saw shape: %s" % self._sampling_probability.shape)
            self._seed = seed
            self._scheduling_seed = scheduling_seed
        super().__init__(inputs=inputs, sequence_length=sequence_length,
                         time_major=time_major, name=name)

    def sample(self, time, outputs, state, name=None):
        with name_scope(name, "ScheduledEmbeddingTrainingHelperSample", [time, outputs, state]):
            draw = random_uniform(expand_dims(self.batch_size, 0), seed=self._scheduling_seed,
                                  dtype=self._sampling_probability.dtype)
            select = draw < self._sampling_probability
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

class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput",
                                                ("rnn_output", "sample_id"))):
    """One step's (or, stacked, the whole decode's) cell outputs and sampled ids."""


class BasicDecoder(Decoder):
    """tf.contrib.seq2seq.BasicDecoder: each step runs `cell` (then `output_layer`, if any) on
    the helper's inputs, and lets the helper sample ids and pick the next inputs. Outputs are
    BasicDecoderOutput(rnn_output, sample_id), in the dtype of the initial state's first
    tensor."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        if not (callable(cell) and hasattr(cell, "output_size") and
                hasattr(cell, "state_size")):
            raise TypeError("The argument 'cell' (%s) is not an RNNCell: 'output_size' property "
                            "is missing, 'state_size' property is missing, either 'zero_state' "
                            "or 'get_initial_state' method is required, is not callable."
                            % cell)
        if not isinstance(helper, Helper):
            raise TypeError("helper must be a Helper, received: %s" % type(helper))
        if output_layer is not None and not (callable(output_layer) and
                                             hasattr(output_layer, "compute_output_shape")):
            raise TypeError("output_layer must be a Layer, received: %s" % type(output_layer))
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        size_ = self._cell.output_size
        if self._output_layer is None:
            return size_
        with_batch = nest.map_structure(lambda s: TensorShape([None]).concatenate(as_shape(s)),
                                        size_)
        layer_shape = self._output_layer.compute_output_shape(with_batch)
        return nest.map_structure(lambda s: as_shape(s)[1:], layer_shape)

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
