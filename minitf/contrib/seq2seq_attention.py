"""tf.contrib.seq2seq's attention (TF 1.15): the Bahdanau and Luong mechanisms, their monotonic
variants, and AttentionWrapper, the RNNCell that runs a cell with attention over a memory.

A mechanism holds the memory (`values`, zeroed past memory_sequence_length) and its projection
(`keys`, by `memory_layer`, made when the mechanism is); `mechanism(query, state)` scores the
query against the keys and returns (alignments, next_state). Variable names are TF 1.15's:
`memory_layer/kernel` where the mechanism is made; `bahdanau_attention/query_layer/kernel`,
`bahdanau_attention/attention_v` (`attention_g`, `attention_b` when normalized) and
`luong_attention/attention_g` (when scaled) where it is first called, which inside an
AttentionWrapper run by dynamic_rnn is `rnn/attention_wrapper/`."""

import collections
import functools
import math

import numpy as np

from minitf import dtypes
from minitf.framework import nest
from minitf.framework.graph import control_dependencies, name_scope
from minitf.framework.shapes import TensorShape
from minitf.framework.tensor import Tensor
from minitf.layers.core import Dense
from minitf.ops import init_ops
from minitf.ops.array_ops import (concat, expand_dims, identity, ones, ones_like, one_hot,
                                  reshape, shape, squeeze, transpose, zeros)
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.elementwise import where
from minitf.ops.functional_ops import scan
from minitf.ops.logging_ops import assert_equal, assert_positive
from minitf.ops.math_ops import (argmax, cast, clip_by_value, cumprod, cumsum, exp, log,
                                 matmul, reduce_sum, rsqrt, sigmoid, square, tanh)
from minitf.ops.nn_ops import softmax
from minitf.ops.random_ops import random_normal
from minitf.ops.rnn import sequence_mask
from minitf.ops.rnn_cell_impl import RNNCell, _zero_state_tensors
from minitf.ops.tensor_array_ops import TensorArray
from minitf.ops.variable_scope import get_variable, variable_scope

__all__ = ["AttentionMechanism", "BahdanauAttention", "LuongAttention", "AttentionWrapper",
           "AttentionWrapperState", "hardmax", "safe_cumprod", "monotonic_attention",
           "BahdanauMonotonicAttention", "LuongMonotonicAttention"]


def _static_or_dynamic(t, axis):
    """t.shape[axis] when known, else shape(t)[axis] (how TF sizes batch and memory time)."""
    dim = t.shape[axis].value
    return dim if dim is not None else shape(t)[axis]


def _projection_layer(units, name):
    """Dense without bias, named `name` (its variable scope made unique as TF1's layer objects
    do: two mechanisms give `memory_layer` and `memory_layer_1`)."""
    return Dense(units, use_bias=False, name=name)


class AttentionMechanism:
    """The base of attention mechanisms: an AttentionWrapper accepts any instance that has
    `values`, `batch_size`, `alignments_size`, `state_size`, `initial_alignments`,
    `initial_state` and `__call__(query, state) -> (alignments, next_state)`."""

    @property
    def alignments_size(self):
        raise NotImplementedError

    @property
    def state_size(self):
        raise NotImplementedError


def _prepare_memory(memory, memory_sequence_length, check_inner_dims_defined):
    """The memory as tensors, its entries past memory_sequence_length set to zero."""
    memory = nest.map_structure(lambda m: convert_to_tensor(m, name="memory"), memory)
    if memory_sequence_length is not None:
        memory_sequence_length = convert_to_tensor(memory_sequence_length,
                                                   name="memory_sequence_length")
    if check_inner_dims_defined:
        for m in nest.flatten(memory):
            if not m.shape[2:].is_fully_defined():
                raise ValueError("Expected memory %s to have fully defined inner dims, but saw "
                                 "shape: %s" % (m.name, m.shape))
    if memory_sequence_length is None:
        return memory
    first = nest.flatten(memory)[0]
    mask = sequence_mask(memory_sequence_length, maxlen=shape(first)[1], dtype=first.dtype)

    def masked(m):
        rank = m.shape.ndims
        extra = ones([rank - 2], dtype=dtypes.int32)
        return m * reshape(mask, concat([shape(mask), extra], 0))
    return nest.map_structure(masked, memory)


def _maybe_mask_score(score, memory_sequence_length, score_mask_value):
    """score where the memory exists, score_mask_value (default -inf) past its length."""
    if memory_sequence_length is None:
        return score
    message = "All values in memory_sequence_length must be greater than zero."
    with control_dependencies([assert_positive(memory_sequence_length, message=message)]):
        score_mask = sequence_mask(memory_sequence_length, maxlen=shape(score)[1])
        return where(score_mask, score, score_mask_value * ones_like(score))


class _BaseAttentionMechanism(AttentionMechanism):
    """Keeps the query and memory layers, the masked memory (`values`) and its projection
    (`keys`); the probability function sees scores masked past memory_sequence_length."""

    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length=None,
                 memory_layer=None, check_inner_dims_defined=True, score_mask_value=None,
                 custom_key_value_fn=None, name=None, dtype=None):
        self._query_layer = query_layer
        self._memory_layer = memory_layer
        self.dtype = dtypes.as_dtype(dtype or dtypes.float32)
        if not callable(probability_fn):
            raise TypeError("probability_fn must be callable, saw type: %s"
                            % type(probability_fn).__name__)
        if score_mask_value is None:
            score_mask_value = self.dtype.as_numpy_dtype(-np.inf)
        lengths = (None if memory_sequence_length is None
                   else convert_to_tensor(memory_sequence_length, name="memory_sequence_length"))
        self._probability_fn = lambda score, prev: probability_fn(
            _maybe_mask_score(score, lengths, score_mask_value), prev)
        with name_scope(name, "BaseAttentionMechanismInit", nest.flatten(memory)):
            self._values = _prepare_memory(memory, lengths, check_inner_dims_defined)
            self._keys = self._memory_layer(self._values) if self._memory_layer \
                else self._values
            if custom_key_value_fn is not None:
                self._keys, self._values = custom_key_value_fn(self._keys, self._values)
            self._batch_size = _static_or_dynamic(self._keys, 0)
            self._alignments_size = _static_or_dynamic(self._keys, 1)

    memory_layer = property(lambda self: self._memory_layer)
    query_layer = property(lambda self: self._query_layer)
    values = property(lambda self: self._values)
    keys = property(lambda self: self._keys)
    batch_size = property(lambda self: self._batch_size)
    alignments_size = property(lambda self: self._alignments_size)
    state_size = property(lambda self: self._alignments_size)

    def __call__(self, query, state):
        """(alignments, next_state), both [batch_size, alignments_size]: the mechanism's score
        of the query (in a new variable scope named after the mechanism, whose variables a
        cell's later steps reuse), masked, through the probability function."""
        query = convert_to_tensor(query)
        with variable_scope(None, self._scope_name, [query]):
            score = self._score(query)
        alignments = self._probability_fn(score, state)
        return alignments, alignments

    def _score(self, query):
        raise NotImplementedError("An attention mechanism defines _score(query)")

    def initial_alignments(self, batch_size, dtype):
        """Zeros [batch_size, alignments_size] (the monotonic mechanisms start at memory 0)."""
        return _zero_state_tensors(self._alignments_size, batch_size, dtype)

    def initial_state(self, batch_size, dtype):
        """The mechanism's state before the first step: its initial alignments."""
        return self.initial_alignments(batch_size, dtype)


def _luong_score(query, keys, scale):
    """query . keys over the units ([batch, units] x [batch, time, units] -> [batch, time]),
    times the scalar `scale` when given."""
    depth, key_units = query.shape[-1].value, keys.shape[-1].value
    if depth is None or depth != key_units:
        raise ValueError(
            "Incompatible or unknown inner dimensions between query and keys.  Query (%s) has "
            "units: %s.  Keys (%s) have units: %s.  Perhaps you need to set num_units to the "
            "keys' dimension (%s)?" % (query, depth, keys, key_units, key_units))
    score = squeeze(matmul(expand_dims(query, 1), keys, transpose_b=True), [1])
    return score if scale is None else scale * score


def _bahdanau_score(processed_query, keys, attention_v, attention_g=None, attention_b=None):
    """sum_units v * tanh(keys + query) ([batch, time]); normalized, v is g * v / |v| and a
    bias b is added inside the tanh."""
    processed_query = expand_dims(processed_query, 1)
    if attention_g is not None:
        normed_v = attention_g * attention_v * rsqrt(reduce_sum(square(attention_v)))
        return reduce_sum(normed_v * tanh(keys + processed_query + attention_b), [2])
    return reduce_sum(attention_v * tanh(keys + processed_query), [2])


def _bahdanau_variables(num_units, normalize, dtype):
    """attention_v, and attention_g (sqrt(1 / num_units)) and attention_b (zeros) when
    normalized, in the current variable scope."""
    v = get_variable("attention_v", [num_units], dtype=dtype)
    if not normalize:
        return v, None, None
    g = get_variable("attention_g", shape=(), dtype=dtype,
                     initializer=init_ops.constant_initializer(math.sqrt(1. / num_units)))
    b = get_variable("attention_b", [num_units], dtype=dtype,
                     initializer=init_ops.zeros_initializer())
    return v, g, b


def _luong_scale(scale, dtype):
    return get_variable("attention_g", shape=(), dtype=dtype,
                        initializer=init_ops.ones_initializer()) if scale else None


def _score_only(probability_fn):
    return lambda score, _: probability_fn(score)


class LuongAttention(_BaseAttentionMechanism):
    """Multiplicative attention (Luong et al., 2015): score = query . (memory W), W the
    memory layer (num_units must be the query's depth); with `scale`, times a learned scalar
    `attention_g` (initially 1)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 probability_fn=None, score_mask_value=None, dtype=None, custom_key_value_fn=None,
                 name="LuongAttention"):
        super().__init__(query_layer=None,
                         memory_layer=_projection_layer(num_units, "memory_layer"),
                         memory=memory, probability_fn=_score_only(probability_fn or softmax),
                         memory_sequence_length=memory_sequence_length,
                         score_mask_value=score_mask_value,
                         custom_key_value_fn=custom_key_value_fn, name=name, dtype=dtype)
        self._num_units = num_units
        self._scale = scale
        self._name = name

    _scope_name = "luong_attention"

    def _score(self, query):
        return _luong_score(query, self._keys, _luong_scale(self._scale, query.dtype))


class BahdanauAttention(_BaseAttentionMechanism):
    """Additive attention (Bahdanau et al., 2015): score = v . tanh(memory W1 + query W2),
    W1 the memory layer and W2 the query layer (both num_units wide, no bias); `normalize`
    gives the weight-normalized form (v scaled to norm g, bias b)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="BahdanauAttention"):
        super().__init__(query_layer=_projection_layer(num_units, "query_layer"),
                         memory_layer=_projection_layer(num_units, "memory_layer"),
                         memory=memory, probability_fn=_score_only(probability_fn or softmax),
                         memory_sequence_length=memory_sequence_length,
                         score_mask_value=score_mask_value,
                         custom_key_value_fn=custom_key_value_fn, name=name, dtype=dtype)
        self._num_units = num_units
        self._normalize = normalize
        self._name = name

    def _score(self, query):
        processed_query = self.query_layer(query)
        v, g, b = _bahdanau_variables(self._num_units, self._normalize, query.dtype)
        return _bahdanau_score(processed_query, self._keys, v, g, b)

    _scope_name = "bahdanau_attention"


def hardmax(logits, name=None):
    """One-hot vectors (dtype of logits) at the argmax of the last axis (the first maximum)."""
    with name_scope(name, "Hardmax", [logits]):
        logits = convert_to_tensor(logits, name="logits")
        depth = logits.shape[-1].value if logits.shape.ndims else None
        if depth is None:
            depth = shape(logits)[-1]
        return one_hot(argmax(logits, -1), depth, dtype=logits.dtype)


def safe_cumprod(x, *args, **kwargs):
    """cumprod(x, ...) computed as exp(cumsum(log x)), x clipped to [tiny, 1]: no underflow
    and a finite gradient where x is 0 (x must lie in [0, 1])."""
    with name_scope(None, "SafeCumprod", [x]):
        x = convert_to_tensor(x, name="x")
        tiny = np.finfo(x.dtype.as_numpy_dtype).tiny
        return exp(cumsum(log(clip_by_value(x, tiny, 1)), *args, **kwargs))


def monotonic_attention(p_choose_i, previous_attention, mode):
    """The monotonic attention distribution of Raffel et al. (2017) from the probabilities of
    choosing each memory entry and the previous step's attention: 'recursive' (a tf.scan over
    memory time, exact), 'parallel' (closed form with cumprod and cumsum; the divisor is
    clipped to 1e-10) or 'hard' (p_choose_i all 0 or 1)."""
    p_choose_i = convert_to_tensor(p_choose_i, name="p_choose_i")
    previous_attention = convert_to_tensor(previous_attention, name="previous_attention")
    if mode == "recursive":
        batch_size = _static_or_dynamic(p_choose_i, 0)
        # q[i] = (1 - p[i - 1]) q[i - 1] + previous[i]; attention[i] = p[i] q[i]
        shifted = concat([ones(_stack_shape(batch_size, 1), dtype=p_choose_i.dtype),
                          1 - p_choose_i[:, :-1]], 1)
        q = scan(lambda acc, yz: reshape(yz[0] * acc + yz[1], _stack_shape(batch_size)),
                 [transpose(shifted), transpose(previous_attention)],
                 zeros(_stack_shape(batch_size), dtype=p_choose_i.dtype))
        return p_choose_i * transpose(q)
    if mode == "parallel":
        cumprod_1mp = safe_cumprod(1 - p_choose_i, axis=1, exclusive=True)
        return p_choose_i * cumprod_1mp * cumsum(
            previous_attention / clip_by_value(cumprod_1mp, 1e-10, 1.), axis=1)
    if mode == "hard":
        p_choose_i = p_choose_i * cumsum(previous_attention, axis=1)
        return p_choose_i * cumprod(1 - p_choose_i, axis=1, exclusive=True)
    raise ValueError("mode must be 'recursive', 'parallel', or 'hard'.")


def _stack_shape(*dims):
    """A shape argument from dims that may be tensors (the dynamic batch size)."""
    if not any(isinstance(d, Tensor) for d in dims):
        return list(dims)
    return concat([reshape(cast(d, dtypes.int32), [1]) if isinstance(d, Tensor)
                   else convert_to_tensor([d], dtype=dtypes.int32) for d in dims], 0)


def _monotonic_probability_fn(score, previous_alignments, sigmoid_noise, mode, seed=None):
    """Pre-sigmoid Gaussian noise (std sigmoid_noise), sigmoid (a step at 0 in 'hard' mode),
    then monotonic_attention."""
    if sigmoid_noise > 0:
        score += sigmoid_noise * random_normal(shape(score), dtype=score.dtype, seed=seed)
    if mode == "hard":
        p_choose_i = cast(score > 0, score.dtype)
    else:
        p_choose_i = sigmoid(score)
    return monotonic_attention(p_choose_i, previous_alignments, mode)


class _BaseMonotonicAttentionMechanism(_BaseAttentionMechanism):
    """Monotonic mechanisms: the score of `_energy` (Bahdanau's or Luong's) plus a learned
    scalar bias, through _monotonic_probability_fn; they start attending at memory entry 0
    (initial alignments one-hot there)."""

    _energy = None

    def _setup(self, num_units, query_layer, memory, memory_sequence_length, score_mask_value,
               sigmoid_noise, sigmoid_noise_seed, score_bias_init, mode, dtype, name):
        super().__init__(
            query_layer=_projection_layer(num_units, "query_layer") if query_layer else None,
            memory_layer=_projection_layer(num_units, "memory_layer"), memory=memory,
            probability_fn=functools.partial(_monotonic_probability_fn,
                                             sigmoid_noise=sigmoid_noise, mode=mode,
                                             seed=sigmoid_noise_seed),
            memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value,
            name=name, dtype=dtype)
        self._num_units = num_units
        self._score_bias_init = score_bias_init
        self._name = name

    def _score(self, query):
        score = self._energy._score(self, query)  # its variables first, as TF makes them
        return score + get_variable("attention_score_bias", dtype=query.dtype,
                                    initializer=convert_to_tensor(self._score_bias_init,
                                                                  dtype=query.dtype))

    def initial_alignments(self, batch_size, dtype):
        """[1, 0, ..., 0] for every batch entry."""
        return one_hot(zeros(_stack_shape(batch_size), dtype=dtypes.int32),
                       self._alignments_size, dtype=dtype)


class BahdanauMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """BahdanauAttention's score plus a learned scalar `attention_score_bias` (initially
    score_bias_init), turned into a monotonic distribution (see monotonic_attention)."""

    _scope_name = "bahdanau_monotonic_attention"
    _energy = BahdanauAttention

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 score_mask_value=None, sigmoid_noise=0., sigmoid_noise_seed=None,
                 score_bias_init=0., mode="parallel", dtype=None,
                 name="BahdanauMonotonicAttention"):
        self._normalize = normalize
        self._setup(num_units, True, memory, memory_sequence_length, score_mask_value,
                    sigmoid_noise, sigmoid_noise_seed, score_bias_init, mode, dtype, name)


class LuongMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """LuongAttention's score plus a learned scalar `attention_score_bias`, turned into a
    monotonic distribution (see monotonic_attention)."""

    _scope_name = "luong_monotonic_attention"
    _energy = LuongAttention

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 score_mask_value=None, sigmoid_noise=0., sigmoid_noise_seed=None,
                 score_bias_init=0., mode="parallel", dtype=None,
                 name="LuongMonotonicAttention"):
        self._scale = scale
        self._setup(num_units, False, memory, memory_sequence_length, score_mask_value,
                    sigmoid_noise, sigmoid_noise_seed, score_bias_init, mode, dtype, name)


class AttentionWrapperState(collections.namedtuple(
        "AttentionWrapperState", ("cell_state", "attention", "time", "alignments",
                                  "alignment_history", "attention_state"))):
    """The state of an AttentionWrapper: the wrapped cell's state, the last attention vector,
    the step (int32 scalar), the last alignments, the alignments of every step (TensorArrays,
    when alignment_history is on; `stack()` gives [time, batch, memory time]) and the
    mechanisms' states. One entry per mechanism, or a tuple of them for a list."""

    __slots__ = ()

    def clone(self, **kwargs):
        """This state with the given fields replaced. A replacing tensor must be compatible
        with the static shape of the one it replaces (ValueError), and takes it; where that
        shape is fully defined and the new one is not, it is also checked when run."""
        def same_shape(old, new):
            if not (isinstance(old, Tensor) and isinstance(new, Tensor)) or new is old:
                return new
            if not new.shape.is_compatible_with(old.shape):
                raise ValueError("Invalid shape for tensor %s, expected %s, got %s."
                                 % (new.name, old.shape, new.shape))
            if new.shape.is_fully_defined() or not old.shape.is_fully_defined():
                new.set_shape(old.shape)
                return new
            check = assert_equal(shape(new), old.shape.as_list(),
                                 message="Shapes of %s and %s differ" % (new.name, old.name))
            with control_dependencies([check]):
                new = identity(new)
            new.set_shape(old.shape)
            return new
        return nest.map_structure(same_shape, self, self._replace(**kwargs))


def _compute_attention(attention_mechanism, cell_output, attention_state, attention_layer):
    """(attention, alignments, next_attention_state) of one mechanism for the cell's output:
    the context is the alignments' weighted sum of the values, passed with the cell output
    through attention_layer when there is one."""
    alignments, next_attention_state = attention_mechanism(cell_output, state=attention_state)
    context = squeeze(matmul(expand_dims(alignments, 1), attention_mechanism.values), [1])
    if attention_layer is not None:
        attention = attention_layer(concat([cell_output, context], 1))
    else:
        attention = context
    return attention, alignments, next_attention_state


def _assert_like_rnncell(cell):
    missing = [what for what, ok in (("'output_size' property is missing",
                                      hasattr(cell, "output_size")),
                                     ("'state_size' property is missing",
                                      hasattr(cell, "state_size")),
                                     ("is not callable", callable(cell))) if not ok]
    if missing:
        raise TypeError("The argument 'cell' (%s) is not an RNNCell: %s."
                        % (cell, ", ".join(missing)))


class AttentionWrapper(RNNCell):
    """A cell with attention: each step feeds cell_input_fn(inputs, previous attention)
    (default: their concatenation) to the cell, queries every mechanism with the cell's
    output, and makes the attention from the contexts (through an attention layer
    `attention_layer/kernel`, no bias, when attention_layer_size is given). The output is the
    attention (output_attention=True) or the cell's output; the state an
    AttentionWrapperState. `attention_fn(mechanism, cell_output, attention_state,
    attention_layer) -> (attention, alignments, next_attention_state)` replaces the default
    step (the context through the attention layer)."""

    def __init__(self, cell, attention_mechanism, attention_layer_size=None,
                 alignment_history=False, cell_input_fn=None, output_attention=True,
                 initial_cell_state=None, name=None, attention_layer=None, attention_fn=None):
        super().__init__(name=name)
        _assert_like_rnncell(cell)
        if isinstance(attention_mechanism, (list, tuple)):
            self._is_multi = True
            mechanisms = tuple(attention_mechanism)
            for m in mechanisms:
                if not isinstance(m, AttentionMechanism):
                    raise TypeError("attention_mechanism must contain only instances of "
                                    "AttentionMechanism, saw type: %s" % type(m).__name__)
        else:
            self._is_multi = False
            if not isinstance(attention_mechanism, AttentionMechanism):
                raise TypeError("attention_mechanism must be an AttentionMechanism or list of "
                                "multiple AttentionMechanism instances, saw type: %s"
                                % type(attention_mechanism).__name__)
            mechanisms = (attention_mechanism,)
        if cell_input_fn is None:
            cell_input_fn = lambda inputs, attention: concat([inputs, attention], -1)  # noqa
        elif not callable(cell_input_fn):
            raise TypeError("cell_input_fn must be callable, saw type: %s"
                            % type(cell_input_fn).__name__)
        if attention_layer_size is not None and attention_layer is not None:
            raise ValueError("Only one of attention_layer_size and attention_layer should be "
                             "set")
        if attention_layer_size is not None:
            sizes = tuple(attention_layer_size if isinstance(attention_layer_size, (list, tuple))
                          else (attention_layer_size,))
            if len(sizes) != len(mechanisms):
                raise ValueError("If provided, attention_layer_size must contain exactly one "
                                 "integer per attention_mechanism, saw: %d vs %d"
                                 % (len(sizes), len(mechanisms)))
            self._attention_layers = tuple(_projection_layer(size, "attention_layer")
                                           for size in sizes)
            self._attention_layer_size = sum(sizes)
        elif attention_layer is not None:
            self._attention_layers = tuple(attention_layer if isinstance(attention_layer,
                                                                         (list, tuple))
                                           else (attention_layer,))
            if len(self._attention_layers) != len(mechanisms):
                raise ValueError("If provided, attention_layer must contain exactly one layer "
                                 "per attention_mechanism, saw: %d vs %d"
                                 % (len(self._attention_layers), len(mechanisms)))
            self._attention_layer_size = sum(layer.units for layer in self._attention_layers)
        else:
            self._attention_layers = None
            self._attention_layer_size = sum(m.values.shape[-1].value for m in mechanisms)
        self._attention_fn = attention_fn or _compute_attention
        self._cell = cell
        self._attention_mechanisms = mechanisms
        self._cell_input_fn = cell_input_fn
        self._output_attention = output_attention
        self._alignment_history = alignment_history
        with name_scope(name, "AttentionWrapperInit"):
            if initial_cell_state is None:
                self._initial_cell_state = None
            else:
                last = nest.flatten(initial_cell_state)[-1]
                message = ("When constructing AttentionWrapper %s: Non-matching batch sizes "
                           "between the memory (encoder output) and initial_cell_state.  Are "
                           "you using the BeamSearchDecoder?  You may need to tile your "
                           "initial state via the tf.contrib.seq2seq.tile_batch function with "
                           "argument multiple=beam_width." % self.name)
                with control_dependencies(self._batch_size_checks(
                        _static_or_dynamic(convert_to_tensor(last), 0), message)):
                    self._initial_cell_state = nest.map_structure(
                        lambda s: identity(s, name="check_initial_cell_state"),
                        initial_cell_state)

    def _batch_size_checks(self, batch_size, message):
        return [assert_equal(batch_size, m.batch_size, message=message)
                for m in self._attention_mechanisms]

    def _item_or_tuple(self, seq):
        t = tuple(seq)
        return t if self._is_multi else t[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        return AttentionWrapperState(
            cell_state=self._cell.state_size, time=TensorShape([]),
            attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size
                                           for m in self._attention_mechanisms),
            attention_state=self._item_or_tuple(m.state_size
                                                for m in self._attention_mechanisms),
            alignment_history=self._item_or_tuple(
                m.alignments_size if self._alignment_history else ()
                for m in self._attention_mechanisms))

    def zero_state(self, batch_size, dtype):
        """The state before the first step: the cell's zero state (or initial_cell_state),
        zero attention, time 0, the mechanisms' initial alignments and states, and empty
        TensorArrays for the alignment history. batch_size must be the memory's (checked when
        run)."""
        with name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            if self._initial_cell_state is not None:
                cell_state = self._initial_cell_state
            else:
                cell_state = self._cell.zero_state(batch_size, dtype)
            message = ("When calling zero_state of AttentionWrapper %s: Non-matching batch "
                       "sizes between the memory (encoder output) and the requested batch "
                       "size.  Are you using the BeamSearchDecoder?  If so, make sure your "
                       "encoder output has been tiled to beam_width via "
                       "tf.contrib.seq2seq.tile_batch, and the batch_size= argument passed to "
                       "zero_state is batch_size * beam_width." % self.name)
            with control_dependencies(self._batch_size_checks(batch_size, message)):
                cell_state = nest.map_structure(
                    lambda s: identity(s, name="checked_cell_state"), cell_state)
            initial_alignments = [m.initial_alignments(batch_size, dtype)
                                  for m in self._attention_mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state, time=zeros([], dtype=dtypes.int32),
                attention=_zero_state_tensors(self._attention_layer_size, batch_size, dtype),
                alignments=self._item_or_tuple(initial_alignments),
                attention_state=self._item_or_tuple(m.initial_state(batch_size, dtype)
                                                    for m in self._attention_mechanisms),
                alignment_history=self._item_or_tuple(
                    TensorArray(dtype, size=0, dynamic_size=True, element_shape=a.shape)
                    if self._alignment_history else () for a in initial_alignments))

    def call(self, inputs, state):
        """(attention or cell output, next AttentionWrapperState) of one step."""
        if not isinstance(state, AttentionWrapperState):
            raise TypeError("Expected state to be instance of AttentionWrapperState. Received "
                            "type %s instead." % type(state))
        cell_inputs = self._cell_input_fn(inputs, state.attention)
        cell_output, next_cell_state = self._cell(cell_inputs, state.cell_state)
        message = ("When applying AttentionWrapper %s: Non-matching batch sizes between the "
                   "memory (encoder output) and the query (decoder output).  Are you using the "
                   "BeamSearchDecoder?  You may need to tile your memory input via the "
                   "tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width."
                   % self.name)
        with control_dependencies(self._batch_size_checks(
                _static_or_dynamic(cell_output, 0), message)):
            cell_output = identity(cell_output, name="checked_cell_output")
        if self._is_multi:
            previous_states, previous_histories = state.attention_state, state.alignment_history
        else:
            previous_states = [state.attention_state]
            previous_histories = [state.alignment_history]
        alignments, attentions, states, histories = [], [], [], []
        for i, mechanism in enumerate(self._attention_mechanisms):
            attention, alignment, next_attention_state = self._attention_fn(
                mechanism, cell_output, previous_states[i],
                self._attention_layers[i] if self._attention_layers else None)
            histories.append(previous_histories[i].write(state.time, alignment)
                             if self._alignment_history else ())
            alignments.append(alignment)
            attentions.append(attention)
            states.append(next_attention_state)
        attention = concat(attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(states),
            alignments=self._item_or_tuple(alignments),
            alignment_history=self._item_or_tuple(histories))
        return (attention if self._output_attention else cell_output), next_state
