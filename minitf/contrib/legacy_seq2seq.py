"""tf.contrib.legacy_seq2seq: TF1's list-of-time-steps encoder-decoder models (the translate and
char-rnn tutorials), with TF 1.15's variable scopes so their checkpoints line up."""

import copy

from minitf import dtypes
from minitf.contrib.rnn import EmbeddingWrapper, OutputProjectionWrapper, _linear
from minitf.framework import nest
from minitf.framework.graph import name_scope
from minitf.ops.array_ops import concat, reshape, shape, stack, stop_gradient, zeros
from minitf.ops.constant_op import convert_to_tensor
from minitf.ops.control_flow_ops import cond
from minitf.ops.conv_ops import conv2d
from minitf.ops.embedding_ops import embedding_lookup
from minitf.ops.math_ops import add_n, argmax, cast, reduce_sum, tanh
from minitf.ops.nn_impl import xw_plus_b
from minitf.ops.nn_ops import softmax, sparse_softmax_cross_entropy_with_logits
from minitf.ops.rnn import static_rnn
from minitf.ops.rnn_cell_impl import RNNCell
from minitf.ops.variable_scope import get_variable, get_variable_scope, variable_scope

__all__ = ["rnn_decoder", "basic_rnn_seq2seq", "tied_rnn_seq2seq", "embedding_rnn_decoder",
           "embedding_rnn_seq2seq", "embedding_tied_rnn_seq2seq", "attention_decoder",
           "embedding_attention_decoder", "embedding_attention_seq2seq",
           "one2many_rnn_seq2seq", "sequence_loss_by_example", "sequence_loss",
           "model_with_buckets"]


def _extract_argmax_and_embed(embedding, output_projection=None, update_embedding=True):
    """The greedy loop_function: the previous output (projected by output_projection's (W, B)
    when given), its argmax, and that symbol's embedding (gradient-free unless
    update_embedding)."""
    def loop_function(prev, _):
        if output_projection is not None:
            prev = xw_plus_b(prev, output_projection[0], output_projection[1])
        emb_prev = embedding_lookup(embedding, argmax(prev, 1))
        return emb_prev if update_embedding else stop_gradient(emb_prev)
    return loop_function


def _check_projection(output_projection, num_symbols, dtype, weights=True):
    if output_projection is None:
        return
    if weights:
        convert_to_tensor(output_projection[0], dtype=dtype).shape.assert_is_compatible_with(
            [None, num_symbols])
    convert_to_tensor(output_projection[1], dtype=dtype).shape.assert_is_compatible_with(
        [num_symbols])


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """The cell run over `decoder_inputs` (a list of [batch, depth] tensors) from
    `initial_state`, in scope `rnn_decoder`; with `loop_function(prev_output, i)` every input
    after the first is made from the previous output instead. Returns (outputs, final state)."""
    with variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        prev = None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=dtypes.float32, scope=None):
    """An encoder (a copy of `cell`, scope `basic_rnn_seq2seq/rnn`) whose final state starts
    the decoder (`cell`, `basic_rnn_seq2seq/rnn_decoder`); the two share no weights."""
    with variable_scope(scope or "basic_rnn_seq2seq"):
        enc_cell = copy.deepcopy(cell)
        _, enc_state = static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None,
                     dtype=dtypes.float32, scope=None):
    """basic_rnn_seq2seq with one set of weights for the encoder and the decoder (scope
    `combined_tied_rnn_seq2seq/tied_rnn_seq2seq`)."""
    with variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, enc_state = static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function,
                           scope=scope)


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size,
                          output_projection=None, feed_previous=False,
                          update_embedding_for_previous=True, scope=None):
    """rnn_decoder over the embeddings (`embedding_rnn_decoder/embedding`) of integer
    `decoder_inputs`; with feed_previous, greedy decoding from the first ("GO") input."""
    with variable_scope(scope or "embedding_rnn_decoder") as vscope:
        _check_projection(output_projection, num_symbols, vscope.dtype)
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _extract_argmax_and_embed(
            embedding, output_projection, update_embedding_for_previous) \
            if feed_previous else None
        emb_inp = (embedding_lookup(embedding, i) for i in decoder_inputs)  # (step by step)
        return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop_function)


def _decode_both_ways(feed_previous, decoder, outputs_len, structure):
    """A tensor `feed_previous`: the decoder built greedy (creating the variables) and fed
    (reusing them), and a tf.cond choosing at run time; returns (outputs, state) with the state
    in the nesting of `structure`."""
    def branch(feed):
        with variable_scope(get_variable_scope(), reuse=None if feed else True):
            outputs, state = decoder(feed)
            return list(outputs) + nest.flatten(state)
    outputs_and_state = cond(feed_previous, lambda: branch(True), lambda: branch(False))
    state_list = outputs_and_state[outputs_len:]
    state = state_list[0]
    if nest.is_sequence(structure):
        state = nest.pack_sequence_as(structure, state_list)
    return outputs_and_state[:outputs_len], state


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                          num_decoder_symbols, embedding_size, output_projection=None,
                          feed_previous=False, dtype=None, scope=None):
    """An embedding encoder (`rnn/embedding_wrapper/...`, a copy of `cell`) and an
    embedding_rnn_decoder whose cell gets an OutputProjectionWrapper to num_decoder_symbols
    unless output_projection is given. feed_previous: a bool, or a scalar bool tensor (both
    decoders are built, sharing variables, and a tf.cond picks one)."""
    with variable_scope(scope or "embedding_rnn_seq2seq") as vscope:
        if dtype is not None:
            vscope.set_dtype(dtype)
        else:
            dtype = vscope.dtype
        encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                        embedding_size=embedding_size)
        _, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)

        def decoder(feed, update_previous=True):
            return embedding_rnn_decoder(
                decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
                output_projection=output_projection, feed_previous=feed,
                update_embedding_for_previous=update_previous)
        if isinstance(feed_previous, bool):
            return decoder(feed_previous)
        return _decode_both_ways(feed_previous, lambda feed: decoder(feed, False),
                                 len(decoder_inputs), encoder_state)


def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols,
                               embedding_size, num_decoder_symbols=None, output_projection=None,
                               feed_previous=False, dtype=None, scope=None):
    """tied_rnn_seq2seq over embeddings from one table (`embedding_tied_rnn_seq2seq/embedding`)
    for both sides; outputs over num_decoder_symbols (default num_symbols)."""
    with variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as vscope:
        dtype = vscope.dtype
        _check_projection(output_projection, num_symbols, dtype)
        embedding = get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        emb_encoder_inputs = [embedding_lookup(embedding, x) for x in encoder_inputs]
        emb_decoder_inputs = [embedding_lookup(embedding, x) for x in decoder_inputs]
        if output_projection is None:
            cell = OutputProjectionWrapper(
                cell, num_symbols if num_decoder_symbols is None else num_decoder_symbols)

        def decoder(feed, update_previous=True):
            loop_function = _extract_argmax_and_embed(embedding, output_projection,
                                                      update_previous) if feed else None
            return tied_rnn_seq2seq(emb_encoder_inputs, emb_decoder_inputs, cell,
                                    loop_function=loop_function, dtype=dtype)
        if isinstance(feed_previous, bool):
            return decoder(feed_previous)
        batch_size = encoder_inputs[0].shape[0]
        for inp in encoder_inputs[1:]:
            batch_size = batch_size.merge_with(inp.shape[0])
        batch_size = batch_size.value
        if batch_size is None:
            batch_size = shape(encoder_inputs[0])[0]
        return _decode_both_ways(feed_previous, lambda feed: decoder(feed, False),
                                 len(decoder_inputs), cell.zero_state(batch_size, dtype))


def attention_decoder(decoder_inputs, initial_state, attention_states, cell, output_size=None,
                      num_heads=1, loop_function=None, dtype=None, scope=None,
                      initial_state_attention=False):
    """rnn_decoder with attention over `attention_states` [batch, length, size] (Vinyals et
    al. 2015, "Grammar as a foreign language"): each step's input is linear(input, previous
    reads) (`attention_decoder/kernel`), each head reads softmax(v . tanh(W h + U state)) of
    the states (`AttnW_<a>`, `AttnV_<a>`, `Attention_<a>/kernel`), and the output is
    linear(cell output, reads) (`AttnOutputProjection/kernel`)."""
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    if attention_states.shape[2].value is None:
        raise ValueError("Shape[2] of attention_states must be known: %s"
                         % attention_states.shape)
    if output_size is None:
        output_size = cell.output_size
    with variable_scope(scope or "attention_decoder", dtype=dtype) as vscope:
        dtype = vscope.dtype
        batch_size = shape(decoder_inputs[0])[0]
        attn_length = attention_states.shape[1].value
        if attn_length is None:
            attn_length = shape(attention_states)[1]
        attn_size = attention_states.shape[2].value
        # W h for every position at once: a 1x1 convolution over [batch, length, 1, size]
        hidden = reshape(attention_states, [-1, attn_length, 1, attn_size])
        hidden_features, v = [], []
        for a in range(num_heads):
            k = get_variable("AttnW_%d" % a, [1, 1, attn_size, attn_size])
            hidden_features.append(conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
            v.append(get_variable("AttnV_%d" % a, [attn_size]))

        def attention(query):
            reads = []
            if nest.is_sequence(query):
                query = concat(nest.flatten(query), 1)
            for a in range(num_heads):
                with variable_scope("Attention_%d" % a):
                    y = reshape(_linear(query, attn_size, True), [-1, 1, 1, attn_size])
                    s = reduce_sum(v[a] * tanh(hidden_features[a] + y), [2, 3])
                    weights = reshape(softmax(s), [-1, attn_length, 1, 1])
                    reads.append(reshape(reduce_sum(weights * hidden, [1, 2]), [-1, attn_size]))
            return reads

        outputs = []
        prev = None
        attns = [zeros(stack([batch_size, attn_size]), dtype=dtype) for _ in range(num_heads)]
        for a in attns:
            a.set_shape([None, attn_size])
        state = initial_state
        if initial_state_attention:
            attns = attention(initial_state)
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            input_size = inp.shape.with_rank(2)[1]
            if input_size.value is None:
                raise ValueError("Could not infer input size from input: %s" % inp.name)
            cell_output, state = cell(_linear([inp] + attns, input_size.value, True), state)
            if i == 0 and initial_state_attention:
                with variable_scope(get_variable_scope(), reuse=True):
                    attns = attention(state)
            else:
                attns = attention(state)
            with variable_scope("AttnOutputProjection"):
                output = _linear([cell_output] + attns, output_size, True)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                                num_symbols, embedding_size, num_heads=1, output_size=None,
                                output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None, scope=None,
                                initial_state_attention=False):
    """attention_decoder over the embeddings (`embedding_attention_decoder/embedding`) of
    integer decoder inputs, with embedding_rnn_decoder's feed_previous."""
    if output_size is None:
        output_size = cell.output_size
    _check_projection(output_projection, num_symbols, dtype, weights=False)
    with variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _extract_argmax_and_embed(
            embedding, output_projection, update_embedding_for_previous) \
            if feed_previous else None
        emb_inp = [embedding_lookup(embedding, i) for i in decoder_inputs]
        return attention_decoder(emb_inp, initial_state, attention_states, cell,
                                 output_size=output_size, num_heads=num_heads,
                                 loop_function=loop_function,
                                 initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                                num_decoder_symbols, embedding_size, encoder_cell=None,
                                num_heads=1, output_projection=None, feed_previous=False,
                                dtype=None, scope=None, initial_state_attention=False):
    """The translate tutorial's model: an embedding encoder (`rnn/embedding_wrapper/...`, a copy
    of `cell` unless encoder_cell is given) whose outputs are attended to by an
    embedding_attention_decoder, outputs over num_decoder_symbols (an OutputProjectionWrapper
    on the decoder cell) unless output_projection is given."""
    with variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as vscope:
        dtype = vscope.dtype
        if encoder_cell is None:
            encoder_cell = copy.deepcopy(cell)
        encoder_cell = EmbeddingWrapper(encoder_cell, embedding_classes=num_encoder_symbols,
                                        embedding_size=embedding_size)
        encoder_outputs, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        attention_states = concat([reshape(e, [-1, 1, cell.output_size])
                                   for e in encoder_outputs], 1)
        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def decoder(feed, update_previous=True):
            return embedding_attention_decoder(
                decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols,
                embedding_size, num_heads=num_heads, output_size=output_size,
                output_projection=output_projection, feed_previous=feed,
                update_embedding_for_previous=update_previous,
                initial_state_attention=initial_state_attention)
        if isinstance(feed_previous, bool):
            return decoder(feed_previous)
        return _decode_both_ways(feed_previous, lambda feed: decoder(feed, False),
                                 len(decoder_inputs), encoder_state)


def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict,
                         num_encoder_symbols, num_decoder_symbols_dict, embedding_size,
                         feed_previous=False, dtype=None, scope=None):
    """One embedding encoder and one embedding_rnn_decoder per name in decoder_inputs_dict
    (scope `one2many_decoder_<name>`, the cell wrapped in an OutputProjectionWrapper to its
    number of symbols). Returns ({name: outputs}, {name: final state})."""
    if not isinstance(enc_cell, RNNCell):
        raise TypeError("enc_cell is not an RNNCell: %s" % type(enc_cell))
    if set(dec_cells_dict) != set(decoder_inputs_dict):
        raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")
    for dec_cell in dec_cells_dict.values():
        if not isinstance(dec_cell, RNNCell):
            raise TypeError("dec_cell is not an RNNCell: %s" % type(dec_cell))
    outputs_dict, state_dict = {}, {}
    with variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as vscope:
        dtype = vscope.dtype
        enc_cell = EmbeddingWrapper(enc_cell, embedding_classes=num_encoder_symbols,
                                    embedding_size=embedding_size)
        _, encoder_state = static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        for name, decoder_inputs in decoder_inputs_dict.items():
            num_decoder_symbols = num_decoder_symbols_dict[name]
            with variable_scope("one2many_decoder_" + str(name)):
                dec_cell = OutputProjectionWrapper(dec_cells_dict[name], num_decoder_symbols)

                def decoder(feed, decoder_inputs=decoder_inputs, dec_cell=dec_cell,
                            num_decoder_symbols=num_decoder_symbols):
                    return embedding_rnn_decoder(decoder_inputs, encoder_state, dec_cell,
                                                 num_decoder_symbols, embedding_size,
                                                 feed_previous=feed)
                if isinstance(feed_previous, bool):
                    outputs, state = decoder(feed_previous)
                else:
                    outputs, state = _decode_both_ways(feed_previous, decoder,
                                                       len(decoder_inputs), encoder_state)
            outputs_dict[name] = outputs
            state_dict[name] = state
    return outputs_dict, state_dict


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                             softmax_loss_function=None, name=None):
    """The weighted cross-entropy of lists of logits [batch, classes], targets [batch] and
    weights [batch], summed over time per example (divided by the summed weights + 1e-12 when
    average_across_timesteps)."""
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError("Lengths of logits, weights, and targets must be the same %d, %d, %d."
                         % (len(logits), len(weights), len(targets)))
    with name_scope(name, "sequence_loss_by_example", logits + targets + weights):
        log_perp_list = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                crossent = sparse_softmax_cross_entropy_with_logits(
                    labels=reshape(target, [-1]), logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            log_perp_list.append(crossent * weight)
        log_perps = add_n(log_perp_list)
        if average_across_timesteps:
            total_size = add_n(weights)
            total_size += 1e-12  # (TF's guard against all-zero weights)
            log_perps /= total_size
    return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None, name=None):
    """sequence_loss_by_example summed over the batch (divided by the batch size when
    average_across_batch): the average log-perplexity per symbol."""
    with name_scope(name, "sequence_loss", logits + targets + weights):
        cost = reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            return cost / cast(shape(targets[0])[0], cost.dtype)
        return cost


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                       softmax_loss_function=None, per_example_loss=False, name=None):
    """`seq2seq(encoder_inputs[:n], decoder_inputs[:m])` for every bucket (n, m), sharing
    variables (the buckets after the first reuse them), with each bucket's sequence_loss (or
    sequence_loss_by_example with per_example_loss). Returns (outputs, losses) per bucket."""
    if len(encoder_inputs) < buckets[-1][0]:
        raise ValueError("Length of encoder_inputs (%d) must be at least that of last bucket "
                         "(%d)." % (len(encoder_inputs), buckets[-1][0]))
    if len(targets) < buckets[-1][1]:
        raise ValueError("Length of targets (%d) must be at least that of lastbucket (%d)."
                         % (len(targets), buckets[-1][1]))
    if len(weights) < buckets[-1][1]:
        raise ValueError("Length of weights (%d) must be at least that of lastbucket (%d)."
                         % (len(weights), buckets[-1][1]))
    losses, outputs = [], []
    loss_fn = sequence_loss_by_example if per_example_loss else sequence_loss
    with name_scope(name, "model_with_buckets",
                    encoder_inputs + decoder_inputs + targets + weights):
        for j, (enc_len, dec_len) in enumerate(buckets):
            with variable_scope(get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:enc_len], decoder_inputs[:dec_len])
                outputs.append(bucket_outputs)
                losses.append(loss_fn(bucket_outputs, targets[:dec_len], weights[:dec_len],
                                      softmax_loss_function=softmax_loss_function))
    return outputs, losses
